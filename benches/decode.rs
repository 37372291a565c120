//! Decoding throughput of a large synthetic BMP dump.
//!
//! The dump is built in memory with `bmpctl::builder` and a fixed-seed xorshift PRNG, so every
//! run decodes the same octets: an Initiation, one Peer Up per peer (20 peers, IPv4 and IPv6,
//! three with Add-Path for IPv4 unicast), then ~300,000 Route Monitoring messages carrying
//! UPDATEs of 1-20 prefixes with realistic attributes, about 10% of them withdrawals.
//!
//! What is timed is the library's counting path: `StreamDecoder::push` in 64 KiB chunks with a
//! sink that counts announced and withdrawn routes per peer (`plan.routes(&update)`), no JSON.
//! Before timing, the counts are checked against what the generator wrote, so the numbers are
//! for a correct decode.
//!
//! Run: `cargo bench --bench decode -- --warm-up-time 1 --measurement-time 5`

use std::collections::HashMap;
use std::hint::black_box;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use bmpctl::builder::{bgp, bmp};
use bmpctl::frame::DEFAULT_MAX_MESSAGE;
use bmpctl::session::PeerKey;
use bmpctl::stream::{Event, RouterInfo, StreamDecoder};
use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};

/// Route Monitoring messages in the dump.
const ROUTE_MONITORING: usize = 300_000;
/// Monitored peers.
const PEERS: usize = 20;
/// Push size.
const CHUNK: usize = 64 * 1024;

/// Marsaglia xorshift64: tiny, deterministic, good enough for test data.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// Uniform in `lo..=hi` (modulo bias is irrelevant here).
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }

    /// True with probability `pct` percent.
    fn chance(&mut self, pct: u64) -> bool {
        self.next() % 100 < pct
    }
}

/// A monitored peer as the generator sees it.
struct PeerSpec {
    peer: bmp::Peer,
    v6: bool,
    add_path: bool,
    key: PeerKey,
}

/// The dump and what decoding it must yield.
struct Dump {
    bytes: Vec<u8>,
    /// BMP messages of every type.
    messages: u64,
    announced: u64,
    withdrawn: u64,
    /// (announced, withdrawn) per peer.
    per_peer: HashMap<PeerKey, (u64, u64)>,
}

fn peers(rng: &mut XorShift) -> Vec<PeerSpec> {
    (0..PEERS)
        .map(|i| {
            let n = i as u8 + 1;
            let v6 = i % 4 == 3;
            let address = if v6 {
                IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, u16::from(n)))
            } else {
                IpAddr::V4(Ipv4Addr::new(192, 0, 2, n))
            };
            let add_path = matches!(i, 1 | 6 | 10);
            let asn = 64_496 + rng.range(0, 1000) as u32;
            let peer = bmp::Peer::global(address, asn, [10, 0, 0, n]);
            let key = PeerKey::from(&peer_header_of(&bmp::route_monitoring(
                &peer,
                &bgp::keepalive(),
            )));
            PeerSpec {
                peer,
                v6,
                add_path,
                key,
            }
        })
        .collect()
}

/// The per-peer header of an encoded message, as the library decodes it.
fn peer_header_of(msg: &[u8]) -> bmpctl::decode::bmp::header::PeerHeader {
    bmpctl::decode::bmp::parse_message(msg)
        .expect("generated message decodes")
        .peer
        .expect("per-peer message")
}

fn peer_up(p: &PeerSpec) -> Vec<u8> {
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
    let sent = bgp::open(65_000, 90, [10, 255, 0, 1], &caps);
    let local = if p.v6 {
        IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0xfe))
    } else {
        IpAddr::V4(Ipv4Addr::new(192, 0, 2, 254))
    };
    bmp::peer_up(&p.peer, local, 179, 40_000, &sent, &received, &[])
}

fn v4_prefix(rng: &mut XorShift) -> String {
    let len = if rng.chance(60) {
        24
    } else {
        rng.range(12, 23) as u32
    };
    let addr = (rng.next() as u32) & (u32::MAX << (32 - len));
    format!("{}/{len}", Ipv4Addr::from(addr))
}

fn v6_prefix(rng: &mut XorShift) -> String {
    let len = if rng.chance(60) {
        48
    } else {
        rng.range(29, 47) as u32
    };
    let high = (0x2000u128 << 112) | (u128::from(rng.next()) << 48);
    let addr = high & (u128::MAX << (128 - len));
    format!("{}/{len}", Ipv6Addr::from(addr))
}

/// Path attributes of an announcement (without the reachability itself).
fn attributes(rng: &mut XorShift, p: &PeerSpec) -> Vec<u8> {
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

fn generate() -> Dump {
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    let peers = peers(&mut rng);
    let mut bytes = Vec::with_capacity(ROUTE_MONITORING * 240);
    bytes.extend(bmp::initiation(&[(2, b"bench-r1"), (1, b"synthetic")]));
    for p in &peers {
        bytes.extend(peer_up(p));
    }
    let mut messages = 1 + PEERS as u64;
    let (mut announced, mut withdrawn) = (0u64, 0u64);
    let mut per_peer: HashMap<PeerKey, (u64, u64)> = HashMap::new();
    for i in 0..ROUTE_MONITORING {
        let p = &peers[rng.range(0, PEERS as u64 - 1) as usize];
        let count = rng.range(1, 20);
        let withdraw = rng.chance(10);
        let path_id = p.add_path.then(|| rng.range(1, 4) as u32);
        let update = if p.v6 {
            let nlri: Vec<u8> = (0..count)
                .flat_map(|_| bgp::prefix(None, &v6_prefix(&mut rng)))
                .collect();
            if withdraw {
                bgp::update(
                    &[],
                    &bgp::mp_unreach(bgp::AFI_IPV6, bgp::SAFI_UNICAST, &nlri),
                    &[],
                )
            } else {
                let IpAddr::V6(addr) = p.peer.address else {
                    unreachable!()
                };
                let mut nh = addr.octets().to_vec();
                nh.extend(Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, addr.segments()[7]).octets());
                let mut attrs = attributes(&mut rng, p);
                attrs.extend(bgp::mp_reach(bgp::AFI_IPV6, bgp::SAFI_UNICAST, &nh, &nlri));
                bgp::update(&[], &attrs, &[])
            }
        } else {
            let nlri: Vec<u8> = (0..count)
                .flat_map(|_| bgp::prefix(path_id, &v4_prefix(&mut rng)))
                .collect();
            if withdraw {
                bgp::update(&nlri, &[], &[])
            } else {
                bgp::update(&[], &attributes(&mut rng, p), &nlri)
            }
        };
        let peer = p
            .peer
            .with_time(1_700_000_000 + (i / 1000) as u32, (i % 1000) as u32);
        bytes.extend(bmp::route_monitoring(&peer, &update));
        messages += 1;
        let e = per_peer.entry(p.key).or_default();
        if withdraw {
            withdrawn += count;
            e.1 += count;
        } else {
            announced += count;
            e.0 += count;
        }
    }
    Dump {
        bytes,
        messages,
        announced,
        withdrawn,
        per_peer,
    }
}

/// What one decode of the dump counted.
#[derive(Default)]
struct Counts {
    messages: u64,
    findings: u64,
    per_peer: HashMap<PeerKey, (u64, u64)>,
}

/// The timed path: push in 64 KiB chunks, count routes per peer.
fn decode(bytes: &[u8]) -> Counts {
    let mut counts = Counts::default();
    let mut sink = |_: &RouterInfo, ev: Event<'_>| match ev {
        Event::Message(d) => {
            counts.messages += 1;
            if let (Some((update, plan)), Some(peer)) = (&d.update, &d.msg.peer) {
                let e = counts.per_peer.entry(PeerKey::from(peer)).or_default();
                for r in plan.routes(update) {
                    if r.withdrawn {
                        e.1 += 1;
                    } else {
                        e.0 += 1;
                    }
                }
            }
        }
        Event::Finding(_) => counts.findings += 1,
    };
    let mut dec = StreamDecoder::new(DEFAULT_MAX_MESSAGE);
    for chunk in bytes.chunks(CHUNK) {
        dec.push(chunk, &mut sink);
    }
    dec.finish(&mut sink);
    counts
}

fn check(dump: &Dump) {
    let c = decode(&dump.bytes);
    assert_eq!(c.findings, 0, "the synthetic dump decodes without findings");
    assert_eq!(c.messages, dump.messages);
    let announced: u64 = c.per_peer.values().map(|v| v.0).sum();
    let withdrawn: u64 = c.per_peer.values().map(|v| v.1).sum();
    assert_eq!(announced, dump.announced, "announced routes");
    assert_eq!(withdrawn, dump.withdrawn, "withdrawn routes");
    assert_eq!(c.per_peer, dump.per_peer, "per-peer counts");
}

fn bench(c: &mut Criterion) {
    let dump = generate();
    check(&dump);
    eprintln!(
        "dump: {} bytes, {} BMP messages ({} Route Monitoring), {} routes announced, {} withdrawn",
        dump.bytes.len(),
        dump.messages,
        ROUTE_MONITORING,
        dump.announced,
        dump.withdrawn
    );

    let mut g = c.benchmark_group("decode_messages");
    g.sample_size(10);
    g.sampling_mode(SamplingMode::Flat);
    g.throughput(Throughput::Elements(dump.messages));
    g.bench_function("stream_count_routes", |b| {
        b.iter(|| black_box(decode(black_box(&dump.bytes))))
    });
    g.finish();

    let mut g = c.benchmark_group("decode_bytes");
    g.sample_size(10);
    g.sampling_mode(SamplingMode::Flat);
    g.throughput(Throughput::Bytes(dump.bytes.len() as u64));
    g.bench_function("stream_count_routes", |b| {
        b.iter(|| black_box(decode(black_box(&dump.bytes))))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
