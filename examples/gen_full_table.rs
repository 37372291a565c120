//! Generates a multi-peer full-table raw BMP dump for the `peers` / `churn` benchmark
//! (docs/views-performance.md), and times bgpkit-parser merely parsing a dump.
//!
//! ```sh
//! cargo run --release --example gen_full_table -- generate /tmp/bmpctl-full-table.bmp \
//!     [PEERS=4] [V4_ROUTES=250000] [V6_ROUTES=50000] [CHURN_MESSAGES_PER_PEER=25000]
//! cargo run --release --example gen_full_table -- bgpkit-parse /tmp/bmpctl-full-table.bmp
//! ```
//!
//! The dump, built with `bmpctl::testkit` and a fixed-seed xorshift PRNG (the same octets on
//! every run): an Initiation; one Peer Up per peer (IPv4 sessions, IPv4 + IPv6 unicast,
//! 4-octet AS); the initial dumps of all peers interleaved round-robin, each a full table in
//! UPDATEs of 1-20 prefixes sharing one attribute set (ORIGIN, 4-octet AS_PATH, NEXT_HOP or
//! MP_REACH, MED and LOCAL_PREF sometimes, 0-4 communities); one End-of-RIB per peer and
//! family; then steady churn spread over an hour: announcements with a new AS path (implicit
//! withdrawals), withdrawals, and re-announcements of withdrawn prefixes.
//!
//! IPv4 prefixes and AS paths are real when the 2002 RIS table dump
//! (`../shared/mrt/ris-rrc05_bview.20020722.2337_table-dump-v1.gz`, or `BMPCTL_MRT`) is
//! readable: its unique prefixes with their AS paths (2-octet, widened to 4-octet), topped up
//! to the requested count with more-specifics of real prefixes (same AS path, as
//! de-aggregation does). IPv6 prefixes are synthetic (2000::/3, /32-/48) with AS paths from
//! the real pool. Without the file every prefix and path is synthetic.

use std::collections::HashSet;
use std::io::{self, Read, Write};
use std::net::{IpAddr, Ipv4Addr};

pub use bmpctl::testkit::workload::XorShift;
use bmpctl::testkit::{bgp, bmp};

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct Config {
    pub peers: usize,
    pub v4_routes: usize,
    pub v6_routes: usize,
    /// Churn UPDATEs per peer after the End-of-RIB.
    pub churn_per_peer: usize,
}

/// What was generated.
#[derive(Debug, Default, Clone, Copy)]
pub struct Stats {
    pub bytes: u64,
    /// BMP messages of every type.
    pub messages: u64,
    /// Route Monitoring messages.
    pub route_monitoring: u64,
    /// Routes announced in the initial dumps.
    pub initial_routes: u64,
    /// Routes announced during churn (implicit withdrawals and re-announcements).
    pub churn_announced: u64,
    /// Routes withdrawn during churn.
    pub churn_withdrawn: u64,
    /// Routes in the Adj-RIBs-In at the end of the dump.
    pub final_routes: u64,
    /// Whether the IPv4 prefixes and AS paths came from the real table dump.
    pub real_table: bool,
    /// Unique real prefixes used.
    pub real_prefixes: u64,
}

/// A prefix (address left-aligned in a u128, length in bits) with its AS path index.
#[derive(Clone, Copy)]
struct Route {
    addr: u128,
    len: u8,
    path: u32,
}

/// The route universe shared by the peers.
struct Table {
    v4: Vec<Route>,
    v6: Vec<Route>,
    /// AS paths (without the peer's own AS), as AS_SEQUENCE / AS_SET segments.
    paths: Vec<Vec<(u8, Vec<u32>)>>,
    real: bool,
    real_prefixes: usize,
}

const MRT_DEFAULT: &str = "../shared/mrt/ris-rrc05_bview.20020722.2337_table-dump-v1.gz";

/// AS path segments: (segment type, ASNs).
type Segments = Vec<(u8, Vec<u32>)>;

/// A real IPv4 route: prefix, length, AS path.
type RealRoute = (u32, u8, Segments);

/// Unique prefixes (IPv4) and their AS paths from a TABLE_DUMP v1 file, first record wins.
fn read_table_dump(path: &str) -> io::Result<(Vec<RealRoute>, usize)> {
    let mut data = Vec::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path)?).read_to_end(&mut data)?;
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    let mut records = 0;
    let mut at = 0;
    while at + 12 <= data.len() {
        let typ = u16::from_be_bytes([data[at + 4], data[at + 5]]);
        let sub = u16::from_be_bytes([data[at + 6], data[at + 7]]);
        let len = u32::from_be_bytes(data[at + 8..at + 12].try_into().unwrap()) as usize;
        let body = &data[at + 12..(at + 12 + len).min(data.len())];
        at += 12 + len;
        if typ != 12 || sub != 1 || body.len() < 22 {
            continue;
        }
        records += 1;
        let prefix = u32::from_be_bytes(body[4..8].try_into().unwrap());
        let plen = body[8];
        let alen = u16::from_be_bytes([body[20], body[21]]) as usize;
        let attrs = &body[22..(22 + alen).min(body.len())];
        if plen > 32 || !seen.insert((prefix, plen)) {
            continue;
        }
        let mut segs = Vec::new();
        let mut a = 0;
        while a + 3 <= attrs.len() {
            let flags = attrs[a];
            let code = attrs[a + 1];
            let (vlen, hdr) = if flags & 0x10 != 0 && a + 4 <= attrs.len() {
                (u16::from_be_bytes([attrs[a + 2], attrs[a + 3]]) as usize, 4)
            } else {
                (attrs[a + 2] as usize, 3)
            };
            let v = &attrs[(a + hdr).min(attrs.len())..(a + hdr + vlen).min(attrs.len())];
            if code == 2 {
                let mut s = 0;
                while s + 2 <= v.len() {
                    let (st, n) = (v[s], v[s + 1] as usize);
                    let asns: Vec<u32> = v[s + 2..(s + 2 + 2 * n).min(v.len())]
                        .chunks_exact(2)
                        .map(|c| u32::from(u16::from_be_bytes([c[0], c[1]])))
                        .collect();
                    s += 2 + 2 * n;
                    if !asns.is_empty() {
                        segs.push((st, asns));
                    }
                }
            }
            a += hdr + vlen;
        }
        if !segs.is_empty() {
            out.push((prefix, plen, segs));
        }
    }
    Ok((out, records))
}

fn synthetic_path(rng: &mut XorShift) -> Vec<(u8, Vec<u32>)> {
    let hops = rng.range(1, 7) as usize;
    vec![(
        bgp::AS_SEQUENCE,
        (0..hops).map(|_| rng.range(1, 400_000) as u32).collect(),
    )]
}

fn build_table(cfg: &Config, rng: &mut XorShift) -> Table {
    let path = std::env::var("BMPCTL_MRT").unwrap_or_else(|_| MRT_DEFAULT.to_string());
    let real = read_table_dump(&path).ok().filter(|(r, _)| !r.is_empty());
    let mut paths: Vec<Vec<(u8, Vec<u32>)>> = Vec::new();
    let mut v4: Vec<Route> = Vec::with_capacity(cfg.v4_routes);
    let mut seen: HashSet<(u32, u8)> = HashSet::new();
    let real_flag = real.is_some();
    let mut real_prefixes = 0;
    if let Some((records, _)) = real {
        let mut path_ids = std::collections::HashMap::new();
        for (prefix, plen, segs) in records {
            if v4.len() >= cfg.v4_routes {
                break;
            }
            let next = path_ids.len() as u32;
            let id = *path_ids.entry(segs.clone()).or_insert(next);
            if id == next {
                paths.push(segs);
            }
            seen.insert((prefix, plen));
            v4.push(Route {
                addr: u128::from(prefix) << 96,
                len: plen,
                path: id,
            });
        }
        real_prefixes = v4.len();
    } else {
        paths.extend((0..30_000).map(|_| synthetic_path(rng)));
    }
    // Top up: more-specifics of real prefixes (de-aggregation), or random prefixes.
    let base = v4.len();
    while v4.len() < cfg.v4_routes {
        let (prefix, len, path) = if base > 0 {
            let b = v4[rng.range(0, base as u64 - 1) as usize];
            if b.len >= 24 || b.len < 8 {
                continue;
            }
            let len = (u64::from(b.len) + rng.range(1, 4)).min(24) as u8;
            let host = (rng.next_u64() as u32) & !(u32::MAX << (32 - b.len));
            let p = (((b.addr >> 96) as u32) | host) & (u32::MAX << (32 - len));
            (p, len, b.path)
        } else {
            let len = if rng.chance(60) {
                24
            } else {
                rng.range(12, 23) as u8
            };
            let p = (rng.range(1, 223) as u32) << 24 | (rng.next_u64() as u32 & 0x00ff_ffff);
            let p = p & (u32::MAX << (32 - len));
            (p, len, rng.range(0, paths.len() as u64 - 1) as u32)
        };
        if seen.insert((prefix, len)) {
            v4.push(Route {
                addr: u128::from(prefix) << 96,
                len,
                path,
            });
        }
    }
    // IPv6: 2000::/3 allocations of /32, announced as the /32 or /33-/48 more-specifics.
    let mut v6 = Vec::with_capacity(cfg.v6_routes);
    let mut seen6: HashSet<(u128, u8)> = HashSet::new();
    while v6.len() < cfg.v6_routes {
        let alloc = (0x2000u128 << 112) | (u128::from(rng.next_u64() as u32 & 0x1fff_ffff) << 96);
        let path = rng.range(0, paths.len() as u64 - 1) as u32;
        for _ in 0..rng.range(1, 6) {
            let len = if rng.chance(20) {
                32
            } else if rng.chance(70) {
                48
            } else {
                rng.range(33, 47) as u8
            };
            let addr =
                (alloc | (u128::from(rng.next_u64() as u16) << 80)) & (u128::MAX << (128 - len));
            if v6.len() < cfg.v6_routes && seen6.insert((addr, len)) {
                v6.push(Route { addr, len, path });
            }
        }
    }
    Table {
        v4,
        v6,
        paths,
        real: real_flag,
        real_prefixes,
    }
}

fn push_prefix(out: &mut Vec<u8>, r: &Route, v6: bool) {
    out.push(r.len);
    let _ = v6; // both families are left-aligned in the u128
    out.extend_from_slice(&r.addr.to_be_bytes()[..usize::from(r.len).div_ceil(8)]);
}

struct PeerGen {
    peer: bmp::Peer,
    v4addr: [u8; 4],
    index: usize,
    /// Per route: `ORIGINAL` (the table's path), `WITHDRAWN`, or the churned path index.
    v4_state: Vec<u32>,
    v6_state: Vec<u32>,
}

const WITHDRAWN: u32 = u32::MAX - 1;
const ORIGINAL: u32 = u32::MAX;

/// Attributes of an announcement from peer `p` with AS path `path` (+ `extra` prepends).
fn attributes(p: &PeerGen, table: &Table, path: u32, extra: u32) -> Vec<u8> {
    // Attribute choices derive from the path and peer so routes sharing a path share them.
    let mut h = XorShift(
        (u64::from(path) + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ (p.index as u64 + 1) ^ 0x5555,
    );
    h.next_u64();
    let mut a = bgp::origin(if h.chance(90) { 0 } else { 2 });
    let mut segs: Vec<(u8, Vec<u32>)> = Vec::new();
    let mut first = vec![p.peer.asn; 1 + extra as usize];
    if p.index % 2 == 1 {
        first.push(3356 + p.index as u32);
    }
    segs.push((bgp::AS_SEQUENCE, first));
    segs.extend(table.paths[path as usize].iter().cloned());
    let segs_ref: Vec<(u8, &[u32])> = segs.iter().map(|(t, s)| (*t, s.as_slice())).collect();
    a.extend(bgp::as_path(&segs_ref, true));
    a.extend(bgp::next_hop(p.v4addr));
    if h.chance(40) {
        a.extend(bgp::med(h.range(0, 1000) as u32));
    }
    if h.chance(30) {
        a.extend(bgp::local_pref(h.range(50, 200) as u32));
    }
    let n = h.range(0, 4) as usize;
    if n > 0 {
        let c: Vec<u32> = (0..n)
            .map(|_| (p.peer.asn << 16) | h.range(1, 999) as u32)
            .collect();
        a.extend(bgp::communities(&c));
    }
    a
}

fn update_v4(p: &PeerGen, table: &Table, routes: &[&Route], path: u32, extra: u32) -> Vec<u8> {
    let mut nlri = Vec::with_capacity(routes.len() * 4);
    for r in routes {
        push_prefix(&mut nlri, r, false);
    }
    bgp::update(&[], &attributes(p, table, path, extra), &nlri)
}

fn update_v6(p: &PeerGen, table: &Table, routes: &[&Route], path: u32, extra: u32) -> Vec<u8> {
    let mut nlri = Vec::with_capacity(routes.len() * 8);
    for r in routes {
        push_prefix(&mut nlri, r, true);
    }
    let mut attrs = attributes(p, table, path, extra);
    // NEXT_HOP is IPv4-only: rebuild without it by filtering code 3.
    attrs = strip_attr(&attrs, 3);
    let mut nh = vec![0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0];
    nh.extend_from_slice(&p.v4addr);
    nh.extend_from_slice(&[0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    nh.extend_from_slice(&p.v4addr);
    attrs.extend(bgp::mp_reach(bgp::AFI_IPV6, bgp::SAFI_UNICAST, &nh, &nlri));
    bgp::update(&[], &attrs, &[])
}

fn strip_attr(attrs: &[u8], code: u8) -> Vec<u8> {
    let mut out = Vec::with_capacity(attrs.len());
    let mut a = 0;
    while a + 3 <= attrs.len() {
        let ext = attrs[a] & 0x10 != 0;
        let (vlen, hdr) = if ext {
            (u16::from_be_bytes([attrs[a + 2], attrs[a + 3]]) as usize, 4)
        } else {
            (attrs[a + 2] as usize, 3)
        };
        if attrs[a + 1] != code {
            out.extend_from_slice(&attrs[a..a + hdr + vlen]);
        }
        a += hdr + vlen;
    }
    out
}

fn peer_up(p: &PeerGen) -> Vec<u8> {
    let mut caps = vec![
        bgp::cap_mp(bgp::AFI_IPV4, bgp::SAFI_UNICAST),
        bgp::cap_mp(bgp::AFI_IPV6, bgp::SAFI_UNICAST),
        bgp::cap_route_refresh(),
        bgp::cap_as4(p.peer.asn),
    ];
    let received = bgp::open(p.peer.asn, 90, p.peer.bgp_id, &caps);
    caps[3] = bgp::cap_as4(65_000);
    let sent = bgp::open(65_000, 90, [10, 255, 0, 1], &caps);
    let local = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 254));
    bmp::peer_up(&p.peer, local, 179, 40_000, &sent, &received, &[])
}

/// Writes the dump to `out`.
pub fn generate(cfg: &Config, out: &mut dyn Write) -> io::Result<Stats> {
    let mut rng = XorShift(0x2545_f491_4f6c_dd1d);
    let table = build_table(cfg, &mut rng);
    let mut st = Stats {
        real_table: table.real,
        real_prefixes: table.real_prefixes as u64,
        ..Stats::default()
    };
    let mut emit = |st: &mut Stats, msg: &[u8], rm: bool| -> io::Result<()> {
        st.bytes += msg.len() as u64;
        st.messages += 1;
        st.route_monitoring += u64::from(rm);
        out.write_all(msg)
    };
    emit(
        &mut st,
        &bmp::initiation(&[(2, b"bench-full-table"), (1, b"synthetic")]),
        false,
    )?;
    let mut peers: Vec<PeerGen> = (0..cfg.peers)
        .map(|i| {
            let n = i as u8 + 1;
            let v4addr = [198, 51, 100, n];
            PeerGen {
                peer: bmp::Peer::global(
                    IpAddr::V4(Ipv4Addr::from(v4addr)),
                    [3356, 1299, 174, 6939, 2914, 3257, 6453, 6762][i % 8] + (i / 8) as u32,
                    [10, 0, 0, n],
                ),
                v4addr,
                index: i,
                v4_state: vec![ORIGINAL; table.v4.len()],
                v6_state: vec![ORIGINAL; table.v6.len()],
            }
        })
        .collect();
    let t0 = 1_700_000_000u32;
    for p in &mut peers {
        p.peer = p.peer.with_time(t0, 0);
        emit(&mut st, &peer_up(p), false)?;
    }
    // Initial dumps: per peer, the table ordered by AS path, cut into UPDATEs of 1-20
    // prefixes that share the path; the peers' messages interleaved round-robin.
    let mut order4: Vec<usize> = (0..table.v4.len()).collect();
    order4.sort_by_key(|&i| (table.v4[i].path, i));
    let mut order6: Vec<usize> = (0..table.v6.len()).collect();
    order6.sort_by_key(|&i| (table.v6[i].path, i));
    let mut groups: Vec<(bool, Vec<usize>)> = Vec::new();
    for (v6, order, routes) in [(false, &order4, &table.v4), (true, &order6, &table.v6)] {
        let mut i = 0;
        while i < order.len() {
            let max = rng.range(1, 20) as usize;
            let path = routes[order[i]].path;
            let mut j = i + 1;
            while j < order.len() && j - i < max && routes[order[j]].path == path {
                j += 1;
            }
            groups.push((v6, order[i..j].to_vec()));
            i = j;
        }
    }
    let usec_per_msg = 100; // ~100 s per peer for the initial dump
    for (k, (v6, idx)) in groups.iter().enumerate() {
        for p in &peers {
            let routes: Vec<&Route> = idx
                .iter()
                .map(|&i| if *v6 { &table.v6[i] } else { &table.v4[i] })
                .collect();
            let path = routes[0].path;
            let u = if *v6 {
                update_v6(p, &table, &routes, path, 0)
            } else {
                update_v4(p, &table, &routes, path, 0)
            };
            let t = k as u64 * usec_per_msg;
            let peer = p
                .peer
                .with_time(t0 + (t / 1_000_000) as u32, (t % 1_000_000) as u32);
            emit(&mut st, &bmp::route_monitoring(&peer, &u), true)?;
            st.initial_routes += routes.len() as u64;
        }
    }
    let t_eor = t0 + (groups.len() as u64 * usec_per_msg / 1_000_000) as u32 + 1;
    for p in &peers {
        let peer = p.peer.with_time(t_eor, 0);
        emit(
            &mut st,
            &bmp::route_monitoring(&peer, &bgp::update(&[], &[], &[])),
            true,
        )?;
        let eor6 = bgp::update(
            &[],
            &bgp::mp_unreach(bgp::AFI_IPV6, bgp::SAFI_UNICAST, &[]),
            &[],
        );
        emit(&mut st, &bmp::route_monitoring(&peer, &eor6), true)?;
    }
    // Churn over an hour: random peer, family in proportion to the table, 1-5 prefixes.
    let total = cfg.churn_per_peer * cfg.peers;
    let (n4, n6) = (table.v4.len() as u64, table.v6.len() as u64);
    for c in 0..total {
        let pi = rng.range(0, cfg.peers as u64 - 1) as usize;
        let v6 = n6 > 0 && rng.range(0, n4 + n6 - 1) >= n4;
        let k = rng.range(1, 5) as usize;
        let withdraw = rng.chance(35);
        let (routes, n) = if v6 { (&table.v6, n6) } else { (&table.v4, n4) };
        let p = &mut peers[pi];
        let state = if v6 { &mut p.v6_state } else { &mut p.v4_state };
        let picked: Vec<usize> = (0..k).map(|_| rng.range(0, n - 1) as usize).collect();
        let mut uniq = picked.clone();
        uniq.sort_unstable();
        uniq.dedup();
        let t = u64::from(t_eor) * 1_000_000 + 1 + c as u64 * 3_600_000_000 / total as u64;
        let peer = p
            .peer
            .with_time((t / 1_000_000) as u32, (t % 1_000_000) as u32);
        let u = if withdraw {
            let live: Vec<usize> = uniq
                .iter()
                .copied()
                .filter(|&i| state[i] != WITHDRAWN)
                .collect();
            if live.is_empty() {
                continue;
            }
            let mut nlri = Vec::new();
            for &i in &live {
                push_prefix(&mut nlri, &routes[i], v6);
                state[i] = WITHDRAWN;
            }
            st.churn_withdrawn += live.len() as u64;
            if v6 {
                bgp::update(
                    &[],
                    &bgp::mp_unreach(bgp::AFI_IPV6, bgp::SAFI_UNICAST, &nlri),
                    &[],
                )
            } else {
                bgp::update(&nlri, &[], &[])
            }
        } else {
            // A new AS path from the pool, sometimes prepended: an implicit withdrawal of the
            // live routes, a re-announcement of withdrawn ones.
            let path = rng.range(0, table.paths.len() as u64 - 1) as u32;
            let extra = rng.range(0, 2) as u32;
            for &i in &uniq {
                state[i] = path;
            }
            st.churn_announced += uniq.len() as u64;
            let rs: Vec<&Route> = uniq.iter().map(|&i| &routes[i]).collect();
            let p = &peers[pi];
            if v6 {
                update_v6(p, &table, &rs, path, extra)
            } else {
                update_v4(p, &table, &rs, path, extra)
            }
        };
        emit(&mut st, &bmp::route_monitoring(&peer, &u), true)?;
    }
    st.final_routes = peers
        .iter()
        .map(|p| {
            p.v4_state
                .iter()
                .chain(&p.v6_state)
                .filter(|&&s| s != WITHDRAWN)
                .count() as u64
        })
        .sum();
    Ok(st)
}

/// Parses every message of `data` with bgpkit-parser; returns (messages, errors).
pub fn bgpkit_parse(data: bytes::Bytes) -> (u64, u64) {
    let mut data = data;
    let (mut ok, mut err) = (0u64, 0u64);
    while data.len() >= 6 {
        let len = u32::from_be_bytes([data[1], data[2], data[3], data[4]]) as usize;
        if len < 6 || len > data.len() {
            break;
        }
        let mut msg = data.split_to(len);
        match bgpkit_parser::parser::bmp::parse_bmp_msg(&mut msg) {
            Ok(m) => {
                std::hint::black_box(&m);
                ok += 1;
            }
            Err(_) => err += 1,
        }
    }
    (ok, err)
}

fn usage() -> ! {
    eprintln!(
        "usage: gen_full_table generate OUT [PEERS V4_ROUTES V6_ROUTES CHURN_PER_PEER]\n       gen_full_table bgpkit-parse DUMP"
    );
    std::process::exit(2)
}

#[allow(dead_code)]
fn main() -> io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let num = |i: usize, d: usize| {
        args.get(i)
            .map(|s| s.parse().unwrap_or_else(|_| usage()))
            .unwrap_or(d)
    };
    match args.first().map(String::as_str) {
        Some("generate") => {
            let Some(out) = args.get(1) else { usage() };
            let cfg = Config {
                peers: num(2, 4),
                v4_routes: num(3, 250_000),
                v6_routes: num(4, 50_000),
                churn_per_peer: num(5, 25_000),
            };
            let start = std::time::Instant::now();
            let mut w = io::BufWriter::with_capacity(1 << 20, std::fs::File::create(out)?);
            let st = generate(&cfg, &mut w)?;
            w.flush()?;
            eprintln!("{cfg:?}");
            eprintln!("{st:?}");
            eprintln!("generated in {:.1} s", start.elapsed().as_secs_f64());
        }
        Some("bgpkit-parse") => {
            let Some(path) = args.get(1) else { usage() };
            let start = std::time::Instant::now();
            let data = std::fs::read(path)?;
            let read = start.elapsed();
            let (ok, err) = bgpkit_parse(bytes::Bytes::from(data));
            let total = start.elapsed();
            eprintln!(
                "bgpkit-parser: {ok} messages parsed, {err} errors; read {:.3} s, parse {:.3} s, total {:.3} s, {:.0} messages/s",
                read.as_secs_f64(),
                (total - read).as_secs_f64(),
                total.as_secs_f64(),
                ok as f64 / (total - read).as_secs_f64()
            );
        }
        _ => usage(),
    }
    Ok(())
}
