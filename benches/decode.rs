//! Decoding throughput of a large synthetic BMP dump.
//!
//! The dump is built in memory with `bmpctl::testkit` and a fixed-seed xorshift PRNG, so every
//! run decodes the same octets: an Initiation, one Peer Up per peer (20 peers, IPv4 and IPv6,
//! three with Add-Path for IPv4 unicast), then ~300,000 Route Monitoring messages carrying
//! UPDATEs of 1-20 prefixes with realistic attributes, about 10% of them withdrawals.
//!
//! What is timed is decoding with every route element built: `StreamDecoder::push` in 64 KiB
//! chunks with a sink that counts announced and withdrawn routes per peer through
//! `plan.routes(&update)`, no JSON. (The views count through `route_id::for_each_route_id`,
//! which reads plain prefixes without building elements; `benches/views.rs` times that path.)
//! Before timing, the counts are checked against what the generator wrote, so the numbers are
//! for a correct decode.
//!
//! Run: `cargo bench --bench decode -- --warm-up-time 1 --measurement-time 5`

use std::collections::HashMap;
use std::hint::black_box;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use bmpctl::event::{Event, RouterInfo};
use bmpctl::frame::DEFAULT_MAX_MESSAGE;
use bmpctl::session::PeerKey;
use bmpctl::stream::StreamDecoder;
use bmpctl::testkit::workload::{self, PeerSpec, XorShift};
use bmpctl::testkit::{bgp, bmp};
use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};

/// Route Monitoring messages in the dump.
const ROUTE_MONITORING: usize = 300_000;
/// Monitored peers.
const PEERS: usize = 20;
/// Push size.
const CHUNK: usize = 64 * 1024;

/// A monitored peer as the generator sees it, with the key the decoder files it under.
struct Peer {
    spec: PeerSpec,
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

fn peers(rng: &mut XorShift) -> Vec<Peer> {
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
            Peer {
                spec: PeerSpec { peer, v6, add_path },
                key,
            }
        })
        .collect()
}

/// The per-peer header of an encoded message, as the library decodes it.
fn peer_header_of(msg: &[u8]) -> bmpctl::decode::bmp::header::PeerHeader {
    *bmpctl::decode::bmp::parse_message(msg)
        .expect("generated message decodes")
        .peer()
        .expect("per-peer message")
}

fn generate() -> Dump {
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    let peers = peers(&mut rng);
    let mut bytes = Vec::with_capacity(ROUTE_MONITORING * 240);
    bytes.extend(bmp::initiation(&[(2, b"bench-r1"), (1, b"synthetic")]));
    for p in &peers {
        bytes.extend(workload::peer_up(
            &p.spec,
            Ipv4Addr::new(192, 0, 2, 254),
            [10, 255, 0, 1],
        ));
    }
    let mut messages = 1 + PEERS as u64;
    let (mut announced, mut withdrawn) = (0u64, 0u64);
    let mut per_peer: HashMap<PeerKey, (u64, u64)> = HashMap::new();
    for i in 0..ROUTE_MONITORING {
        let p = &peers[rng.range(0, PEERS as u64 - 1) as usize];
        let count = rng.range(1, 20);
        let (msg, a, w) = workload::route_monitoring(&mut rng, &p.spec, count, i as u64);
        bytes.extend(msg);
        messages += 1;
        let e = per_peer.entry(p.key).or_default();
        announced += a;
        withdrawn += w;
        e.0 += a;
        e.1 += w;
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
            if let (Some((update, plan)), Some(peer)) = (&d.update, d.msg.peer()) {
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
