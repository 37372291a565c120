//! Heap allocations on the route-counting path do not scale with the number of prefixes.
//!
//! A counting global allocator (`stats_alloc`, wrapping the system allocator) measures the
//! decode of two streams with the same Route Monitoring messages (same peers, same attributes,
//! same mix of announcements and withdrawals) that differ only in prefixes per UPDATE: 1 and 20.
//! The decode is the library's counting path: `StreamDecoder::push` in 64 KiB chunks and a sink
//! that counts routes per peer with `plan.routes(&update)`.
//!
//! The allocator counts every thread of the process, so everything runs in ONE test function:
//! a second test running in parallel would pollute the counts. For the same reason this file
//! is a test binary of its own rather than a module of the shared `tests/it` binary, whose
//! other tests run in parallel with it (and the allocator would be installed for them too).
//!
//! Run with `--nocapture` to see the measured allocations per message and where they come from.

use std::alloc::System;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use bmpctl::decode::bgp::update::{self, DecodeParams, How};
use bmpctl::decode::bgp::{attr, split_pdu};
use bmpctl::decode::bmp::{Body, parse_message};
use bmpctl::event::{Event, RouterInfo};
use bmpctl::frame::{DEFAULT_MAX_MESSAGE, FrameEvent, Framer};
use bmpctl::session::PeerKey;
use bmpctl::stream::StreamDecoder;
use bmpctl::testkit::{bgp, bmp};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, Stats, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Route Monitoring messages per stream.
const MESSAGES: usize = 3000;
/// Allocations the 20-prefix decode may make beyond the 1-prefix one: a longer stream may grow
/// the framer's buffer once or twice more; nothing may be proportional to the prefixes.
const SLACK: usize = 8;

/// Runs `f`, returning its result and the allocator activity during it.
fn measure<R>(f: impl FnOnce() -> R) -> (R, Stats) {
    let region = Region::new(GLOBAL);
    let r = f();
    (r, region.change())
}

// xorshift64 with a fixed seed per message, so both streams get the same attributes.
use bmpctl::testkit::workload::XorShift;

struct PeerSpec {
    peer: bmp::Peer,
    add_path: bool,
}

fn peers() -> [PeerSpec; 3] {
    let v4 = |n| IpAddr::V4(Ipv4Addr::new(192, 0, 2, n));
    [
        PeerSpec {
            peer: bmp::Peer::global(v4(1), 64_501, [10, 0, 0, 1]),
            add_path: false,
        },
        PeerSpec {
            peer: bmp::Peer::global(v4(2), 64_502, [10, 0, 0, 2]),
            add_path: true,
        },
        PeerSpec {
            peer: bmp::Peer::global(
                IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 3)),
                64_503,
                [10, 0, 0, 3],
            ),
            add_path: false,
        },
    ]
}

/// A generated stream: its messages (Initiation, Peer Ups, Route Monitoring) and what counting
/// its routes must give.
struct Generated {
    messages: Vec<Vec<u8>>,
    /// Per Route Monitoring message: whether its peer negotiated Add-Path for IPv4 unicast.
    rm_add_path: Vec<bool>,
    announced: u64,
    withdrawn: u64,
}

impl Generated {
    fn bytes(&self) -> Vec<u8> {
        self.messages.concat()
    }
}

/// `count` Route Monitoring messages, each with `prefixes` prefixes; 1 in 10 a withdrawal.
fn generate(prefixes: usize, count: usize) -> Generated {
    let peers = peers();
    let mut messages = vec![bmp::initiation(&[(2, b"alloc-test")])];
    for p in &peers {
        let mut caps = vec![
            bgp::cap_mp(bgp::AFI_IPV4, bgp::SAFI_UNICAST),
            bgp::cap_mp(bgp::AFI_IPV6, bgp::SAFI_UNICAST),
            bgp::cap_as4(p.peer.asn),
        ];
        if p.add_path {
            caps.push(bgp::cap_add_path(&[(bgp::AFI_IPV4, bgp::SAFI_UNICAST, 3)]));
        }
        let open = bgp::open(p.peer.asn, 90, p.peer.bgp_id, &caps);
        let local = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 254));
        messages.push(bmp::peer_up(&p.peer, local, 179, 40_000, &open, &open, &[]));
    }
    let (mut announced, mut withdrawn) = (0, 0);
    let mut rm_add_path = Vec::with_capacity(count);
    for i in 0..count {
        let mut rng = XorShift(0x9e37_79b9_7f4a_7c15 ^ (i as u64 + 1));
        let p = &peers[i % peers.len()];
        let v6 = p.peer.address.is_ipv6();
        let withdraw = i % 10 == 9;
        let path_id = p.add_path.then_some(7);
        let nlri: Vec<u8> = (0..prefixes)
            .flat_map(|k| {
                let r = rng.next_u64();
                if v6 {
                    let text = format!("2001:db8:{:x}:{:x}::/64", r as u16, k);
                    bgp::prefix(None, &text)
                } else {
                    let text = format!("10.{}.{}.0/24", r as u8, k);
                    bgp::prefix(path_id, &text)
                }
            })
            .collect();
        // Attributes depend on the message index only, not on `prefixes`.
        let mut attrs = bgp::origin(0);
        let path: Vec<u32> = (0..=(i % 10) as u32).map(|h| 64_500 + h).collect();
        attrs.extend(bgp::as_path(&[(bgp::AS_SEQUENCE, &path)], true));
        if !v6 {
            attrs.extend(bgp::next_hop([192, 0, 2, 1]));
        }
        if i % 2 == 0 {
            attrs.extend(bgp::med(i as u32));
        }
        if i % 3 == 0 {
            attrs.extend(bgp::local_pref(100));
        }
        let n = i % 7;
        if n > 0 {
            let c: Vec<u32> = (0..n as u32).map(|k| (64_500 << 16) | k).collect();
            attrs.extend(bgp::communities(&c));
        }
        if i % 5 == 0 {
            attrs.extend(bgp::large_communities(&[(64_500, 1, i as u32)]));
        }
        let update = match (v6, withdraw) {
            (false, false) => bgp::update(&[], &attrs, &nlri),
            (false, true) => bgp::update(&nlri, &[], &[]),
            (true, false) => {
                let mut nh = [0u8; 32];
                nh[..16].copy_from_slice(&Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 3).octets());
                nh[16..].copy_from_slice(&Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 3).octets());
                attrs.extend(bgp::mp_reach(bgp::AFI_IPV6, bgp::SAFI_UNICAST, &nh, &nlri));
                bgp::update(&[], &attrs, &[])
            }
            (true, true) => bgp::update(
                &[],
                &bgp::mp_unreach(bgp::AFI_IPV6, bgp::SAFI_UNICAST, &nlri),
                &[],
            ),
        };
        let peer = p.peer.with_time(1_700_000_000 + i as u32, 0);
        messages.push(bmp::route_monitoring(&peer, &update));
        rm_add_path.push(p.add_path);
        if withdraw {
            withdrawn += prefixes as u64;
        } else {
            announced += prefixes as u64;
        }
    }
    Generated {
        messages,
        rm_add_path,
        announced,
        withdrawn,
    }
}

/// What one decode counted.
#[derive(Debug, Default)]
struct Counts {
    messages: u64,
    findings: u64,
    per_peer: HashMap<PeerKey, (u64, u64)>,
}

impl Counts {
    fn totals(&self) -> (u64, u64) {
        self.per_peer
            .values()
            .fold((0, 0), |(a, w), &(pa, pw)| (a + pa, w + pw))
    }
}

/// The counting path, as in `benches/decode.rs`: 64 KiB pushes, routes counted per peer.
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
    for chunk in bytes.chunks(64 * 1024) {
        dec.push(chunk, &mut sink);
    }
    dec.finish(&mut sink);
    counts
}

fn check_counts(g: &Generated, c: &Counts) {
    assert_eq!(c.findings, 0, "generated stream decodes cleanly");
    assert_eq!(c.messages, g.messages.len() as u64);
    assert_eq!(c.totals(), (g.announced, g.withdrawn));
}

fn per_message(s: &Stats, messages: usize) -> f64 {
    s.allocations as f64 / messages as f64
}

/// Allocations of each stage of the Route Monitoring path, run by hand on the messages of `g`,
/// to say where the per-message allocations of `StreamDecoder` come from.
fn breakdown(g: &Generated) -> Vec<(&'static str, Stats)> {
    let bytes = g.bytes();
    let rms = &g.messages[1 + peers().len()..];
    let mut out = Vec::new();

    let (n, s) = measure(|| {
        let mut framer = Framer::new(DEFAULT_MAX_MESSAGE);
        let mut n = 0usize;
        for chunk in bytes.chunks(64 * 1024) {
            framer.push(chunk);
            while let Some(ev) = framer.next_event() {
                if let FrameEvent::Message { .. } = ev {
                    n += 1;
                }
            }
        }
        n
    });
    assert_eq!(n, g.messages.len());
    out.push(("frame::Framer push + next_event", s));

    let (_, s) = measure(|| {
        for m in rms {
            let msg = parse_message(m).expect("parses");
            assert!(matches!(msg.body, Body::RouteMonitoring(..)));
        }
    });
    out.push(("decode::bmp::parse_message", s));

    let updates: Vec<&[u8]> = rms
        .iter()
        .map(|m| split_pdu(&m[6 + 42..]).expect("BGP PDU").1.body)
        .collect();
    let params = |ap: bool| {
        let p = DecodeParams::new(true);
        if ap {
            p.with_add_path(bmpctl::decode::family::Family::new(
                bgp::AFI_IPV4,
                bgp::SAFI_UNICAST,
            ))
        } else {
            p
        }
    };

    let (_, s) = measure(|| {
        for (body, &ap) in updates.iter().zip(&g.rm_add_path) {
            let u = update::parse(body).expect("UPDATE");
            let plan = update::plan(&u, &params(ap), How::Negotiated);
            assert!(plan.undecodable(&u).next().is_none());
        }
    });
    out.push(("update::parse + update::plan", s));

    let (routes, s) = measure(|| {
        let mut routes = 0u64;
        for (body, &ap) in updates.iter().zip(&g.rm_add_path) {
            let u = update::parse(body).expect("UPDATE");
            let plan = update::plan(&u, &params(ap), How::Negotiated);
            routes += plan.routes(&u).count() as u64;
        }
        routes
    });
    assert_eq!(routes, g.announced + g.withdrawn);
    out.push(("update::plan + Plan::routes iteration", s));

    // stream.rs validates every attribute value with attr::decode and discards the result.
    let mut by_code: Vec<(u8, Stats)> = Vec::new();
    for code in [
        attr::ORIGIN,
        attr::AS_PATH,
        attr::NEXT_HOP,
        attr::MED,
        attr::LOCAL_PREF,
        attr::COMMUNITIES,
        attr::LARGE_COMMUNITIES,
        attr::MP_REACH,
        attr::MP_UNREACH,
    ] {
        let (_, s) = measure(|| {
            for body in &updates {
                let u = update::parse(body).expect("UPDATE");
                for a in u.attributes().map_while(Result::ok) {
                    if a.code == code {
                        assert!(attr::decode(&a, true).is_ok());
                    }
                }
            }
        });
        by_code.push((code, s));
    }
    for (code, s) in by_code {
        let name = match code {
            attr::ORIGIN => "attr::decode ORIGIN",
            attr::AS_PATH => "attr::decode AS_PATH",
            attr::NEXT_HOP => "attr::decode NEXT_HOP",
            attr::MED => "attr::decode MED",
            attr::LOCAL_PREF => "attr::decode LOCAL_PREF",
            attr::COMMUNITIES => "attr::decode COMMUNITIES",
            attr::LARGE_COMMUNITIES => "attr::decode LARGE_COMMUNITIES",
            attr::MP_REACH => "attr::decode MP_REACH_NLRI",
            _ => "attr::decode MP_UNREACH_NLRI",
        };
        out.push((name, s));
    }
    out
}

#[test]
fn route_counting_allocations_do_not_scale_with_prefixes() {
    let one = generate(1, MESSAGES);
    let twenty = generate(20, MESSAGES);
    let (b1, b20) = (one.bytes(), twenty.bytes());
    assert_eq!(one.messages.len(), twenty.messages.len());

    // Warm-up outside the measured regions (lazy statics of std, if any).
    check_counts(&one, &decode(&b1));

    let (c1, a1) = measure(|| decode(&b1));
    let (c20, a20) = measure(|| decode(&b20));
    check_counts(&one, &c1);
    check_counts(&twenty, &c20);

    // Slope: allocations per extra Route Monitoring message (1 prefix each).
    let double = generate(1, 2 * MESSAGES);
    let bd = double.bytes();
    let (cd, ad) = measure(|| decode(&bd));
    check_counts(&double, &cd);
    let slope = (ad.allocations as f64 - a1.allocations as f64) / MESSAGES as f64;

    eprintln!(
        "decode of {MESSAGES} Route Monitoring messages ({} bytes, 1 prefix each): {} allocations, {} reallocations, {:.3} allocations per message",
        b1.len(),
        a1.allocations,
        a1.reallocations,
        per_message(&a1, MESSAGES)
    );
    eprintln!(
        "decode of {MESSAGES} Route Monitoring messages ({} bytes, 20 prefixes each): {} allocations, {} reallocations, {:.3} allocations per message",
        b20.len(),
        a20.allocations,
        a20.reallocations,
        per_message(&a20, MESSAGES)
    );
    eprintln!(
        "decode of {} Route Monitoring messages (1 prefix each): {} allocations; {slope:.3} allocations per extra message",
        2 * MESSAGES,
        ad.allocations
    );

    // Documented as allocation-free: `update::plan` ("Allocates nothing") and `Plan::routes`
    // ("lazily and without allocating").
    let stages = breakdown(&twenty);
    for (stage, s) in &stages {
        eprintln!(
            "  {stage:<40} {:>7} allocations ({:.3} per message), {} reallocations",
            s.allocations,
            per_message(s, MESSAGES),
            s.reallocations
        );
        if stage.starts_with("update::") {
            assert_eq!(s.allocations + s.reallocations, 0, "{stage} allocates");
        }
    }

    assert!(
        a20.allocations <= a1.allocations + SLACK,
        "allocations grow with prefixes: {} with 1 prefix per UPDATE, {} with 20",
        a1.allocations,
        a20.allocations
    );
    assert!(
        a20.reallocations <= a1.reallocations + SLACK,
        "reallocations grow with prefixes: {} with 1 prefix per UPDATE, {} with 20",
        a1.reallocations,
        a20.reallocations
    );
    // The whole decode path (framing, BMP, session lookup, UPDATE plan, attribute checks,
    // routes) allocates nothing per message: doubling the messages adds no allocation beyond
    // the framer's buffer growth.
    assert!(slope < 0.01, "{slope:.3} allocations per message");
}
