//! Realistic generated BMP traffic for benchmarks and tests: monitored peers, their Peer Ups,
//! and Route Monitoring messages carrying UPDATEs of several prefixes with realistic
//! attributes (AS paths of 1-10 hops, MED, LOCAL_PREF, communities, large communities), about
//! one in ten of them withdrawals, IPv6 through MP_REACH/MP_UNREACH with a global and
//! link-local next hop, Add-Path path IDs for peers that negotiated it. Deterministic for a
//! seed. Built with [`super::bgp`] and [`super::bmp`]; nothing here is used by the tool itself.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::{bgp, bmp};

/// Marsaglia's xorshift64: tiny, deterministic, good enough for generated data.
#[derive(Debug, Clone)]
pub struct XorShift(pub u64);

impl XorShift {
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// Uniform in `lo..=hi` (the modulo bias does not matter here).
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi - lo + 1)
    }

    /// True with probability `pct` percent.
    pub fn chance(&mut self, pct: u64) -> bool {
        self.next_u64() % 100 < pct
    }
}

/// A monitored peer as the generator sees it.
#[derive(Debug, Clone)]
pub struct PeerSpec {
    /// Its per-peer header fields.
    pub peer: bmp::Peer,
    /// An IPv6 peer (its routes are IPv6, by MP_REACH); else IPv4 routes in the NLRI field.
    pub v6: bool,
    /// Add-Path negotiated for IPv4 unicast in both directions: its IPv4 routes carry path IDs.
    pub add_path: bool,
}

/// The Peer Up of a peer: both OPENs with multiprotocol IPv4 and IPv6, route refresh, 4-octet
/// AS and, for Add-Path peers, Add-Path send/receive for IPv4 unicast. `local` is the monitored
/// router's address on IPv4 sessions and `router_id` its BGP identifier.
pub fn peer_up(p: &PeerSpec, local: Ipv4Addr, router_id: [u8; 4]) -> Vec<u8> {
    let mut caps = vec![
        bgp::cap_mp(bgp::AFI_IPV4, bgp::SAFI_UNICAST),
        bgp::cap_mp(bgp::AFI_IPV6, bgp::SAFI_UNICAST),
        bgp::cap_route_refresh(),
        bgp::cap_as4(p.peer.asn),
    ];
    if p.add_path {
        caps.push(bgp::cap_add_path(&[(bgp::AFI_IPV4, bgp::SAFI_UNICAST, 3)]));
    }
    let received = bgp::open(p.peer.asn, 90, p.peer.bgp_id, &caps);
    caps[3] = bgp::cap_as4(65_000);
    let sent = bgp::open(65_000, 90, router_id, &caps);
    let local = if p.v6 {
        IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0xfe))
    } else {
        IpAddr::V4(local)
    };
    bmp::peer_up(&p.peer, local, 179, 40_000, &sent, &received, &[])
}

/// An IPv4 prefix: /24 in 60 % of cases, else /12 to /23.
pub fn v4_prefix(rng: &mut XorShift) -> String {
    let len = if rng.chance(60) {
        24
    } else {
        rng.range(12, 23) as u32
    };
    let addr = (rng.next_u64() as u32) & (u32::MAX << (32 - len));
    format!("{}/{len}", Ipv4Addr::from(addr))
}

/// An IPv6 prefix in 2000::/3 with 48 bits of randomness: /48 in 60 % of cases, else /29-/47.
pub fn v6_prefix(rng: &mut XorShift) -> String {
    let len = if rng.chance(60) {
        48
    } else {
        rng.range(29, 47) as u32
    };
    let high = (0x2000u128 << 112) | (u128::from(rng.next_u64()) << 48);
    let addr = high & (u128::MAX << (128 - len));
    format!("{}/{len}", Ipv6Addr::from(addr))
}

/// Path attributes of an announcement (without the reachability itself).
pub fn attributes(rng: &mut XorShift, p: &PeerSpec) -> Vec<u8> {
    let mut a = bgp::origin(if rng.chance(90) { 0 } else { 2 });
    let hops = rng.range(1, 10) as usize;
    let mut path = vec![p.peer.asn];
    path.extend((1..hops).map(|_| rng.range(1, 400_000) as u32));
    a.extend(bgp::as_path(&[(bgp::AS_SEQUENCE, &path)], true));
    if let IpAddr::V4(v4) = p.peer.address {
        a.extend(bgp::next_hop(v4.octets()));
    }
    if rng.chance(40) {
        a.extend(bgp::med(rng.range(0, 1000) as u32));
    }
    if rng.chance(30) {
        a.extend(bgp::local_pref(rng.range(50, 200) as u32));
    }
    let n = rng.range(0, 6) as usize;
    if n > 0 {
        let c: Vec<u32> = (0..n)
            .map(|_| (p.peer.asn << 16) | rng.range(1, 9999) as u32)
            .collect();
        a.extend(bgp::communities(&c));
    }
    if rng.chance(20) {
        let c: Vec<(u32, u32, u32)> = (0..rng.range(1, 3))
            .map(|_| {
                (
                    p.peer.asn,
                    rng.range(1, 100) as u32,
                    rng.range(1, 1000) as u32,
                )
            })
            .collect();
        a.extend(bgp::large_communities(&c));
    }
    a
}

/// One Route Monitoring message of peer `p` with `count` routes, a withdrawal one time in
/// ten; `i` numbers the message and sets its per-peer timestamp. Returns the message and the
/// routes it announces and withdraws.
pub fn route_monitoring(
    rng: &mut XorShift,
    p: &PeerSpec,
    count: u64,
    i: u64,
) -> (Vec<u8>, u64, u64) {
    let withdraw = rng.chance(10);
    let update = if p.v6 {
        let nlri: Vec<u8> = (0..count)
            .flat_map(|_| bgp::prefix(None, &v6_prefix(rng)))
            .collect();
        if withdraw {
            bgp::update(
                &[],
                &bgp::mp_unreach(bgp::AFI_IPV6, bgp::SAFI_UNICAST, &nlri),
                &[],
            )
        } else {
            let global = match p.peer.address {
                IpAddr::V6(a) => a,
                IpAddr::V4(a) => a.to_ipv6_mapped(),
            };
            let mut nh = global.octets().to_vec();
            nh.extend(Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, global.segments()[7]).octets());
            let mut attrs = attributes(rng, p);
            attrs.extend(bgp::mp_reach(bgp::AFI_IPV6, bgp::SAFI_UNICAST, &nh, &nlri));
            bgp::update(&[], &attrs, &[])
        }
    } else {
        let nlri: Vec<u8> = (0..count)
            .flat_map(|_| {
                let path_id = p.add_path.then(|| rng.range(1, 4) as u32);
                bgp::prefix(path_id, &v4_prefix(rng))
            })
            .collect();
        if withdraw {
            bgp::update(&nlri, &[], &[])
        } else {
            bgp::update(&[], &attributes(rng, p), &nlri)
        }
    };
    let peer = p
        .peer
        .with_time(1_700_000_000 + (i / 1000) as u32, (i % 1000) as u32);
    let msg = bmp::route_monitoring(&peer, &update);
    if withdraw {
        (msg, 0, count)
    } else {
        (msg, count, 0)
    }
}
