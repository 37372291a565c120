//! Test harness: runs byte streams through `StreamDecoder` and records every event both as
//! decoded data and as the `decode --json` objects.

use bmpctl::event::StreamCtx;
use bmpctl::event::{Event, RouterInfo};
use bmpctl::render::json;
use bmpctl::stream::StreamDecoder;
use bmpctl::testkit::{bgp, bmp};
use serde_json::Value;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Default framer cap used by the CLI (1 MiB).
pub const CAP: u32 = 1 << 20;

/// One route as the decoder's plan yields it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rt {
    pub withdrawn: bool,
    pub afi: u16,
    pub safi: u8,
    pub path_id: Option<u32>,
    pub prefix: Option<String>,
    pub how: &'static str,
}

/// One event of the stream.
#[derive(Debug, Clone)]
pub enum Ev {
    Msg {
        offset: u64,
        msg_type: u8,
        version: u8,
        raw_len: usize,
        json: Value,
        routes: Vec<Rt>,
        eor: Option<(u16, u8)>,
        has_opens: bool,
        router: RouterInfo,
    },
    Find {
        kind: &'static str,
        severity: &'static str,
        offset: u64,
        peer: Option<IpAddr>,
        raw: Option<Vec<u8>>,
        json: Value,
    },
}

impl Ev {
    pub fn json(&self) -> &Value {
        match self {
            Ev::Msg { json, .. } | Ev::Find { json, .. } => json,
        }
    }
}

/// Feeds `chunks` to a decoder with framer cap `cap`, then finishes the stream.
pub fn run_chunks(chunks: &[&[u8]], cap: u32) -> Vec<Ev> {
    let mut dec = StreamDecoder::new(cap);
    let mut out = Vec::new();
    {
        let mut sink = |router: &RouterInfo, ev: Event<'_>| {
            let ctx = StreamCtx::new("test", router, None);
            match ev {
                Event::Message(d) => {
                    let json = serde_json::to_value(json::message(&ctx, &d)).unwrap();
                    let (routes, eor) = match &d.update {
                        Some((u, plan)) => (
                            plan.routes(u)
                                .map(|r| Rt {
                                    withdrawn: r.withdrawn,
                                    afi: r.family.afi.0,
                                    safi: r.family.safi.0,
                                    path_id: r.nlri.path_id,
                                    prefix: r.nlri.kind.prefix().map(|p| p.to_string()),
                                    how: r.how.label(),
                                })
                                .collect(),
                            u.end_of_rib().map(|f| (f.afi.0, f.safi.0)),
                        ),
                        None => (Vec::new(), None),
                    };
                    out.push(Ev::Msg {
                        offset: d.offset,
                        msg_type: d.msg.header.msg_type.0,
                        version: d.msg.header.version,
                        raw_len: d.raw.len(),
                        json,
                        routes,
                        eor,
                        has_opens: d.opens.is_some(),
                        router: router.clone(),
                    });
                }
                Event::Finding(f) => {
                    let json = serde_json::to_value(json::finding(&ctx, &f)).unwrap();
                    out.push(Ev::Find {
                        kind: f.kind.name(),
                        severity: f.severity().name(),
                        offset: f.offset,
                        peer: f.peer.as_ref().map(|p| p.address()),
                        raw: f.raw.clone(),
                        json,
                    });
                }
            }
        };
        for c in chunks {
            dec.push(c, &mut sink);
        }
        dec.finish(&mut sink);
    }
    out
}

/// The whole stream in one push.
pub fn run(bytes: &[u8]) -> Vec<Ev> {
    run_chunks(&[bytes], CAP)
}

/// The stream pushed `n` bytes at a time.
pub fn run_by(bytes: &[u8], n: usize, cap: u32) -> Vec<Ev> {
    let chunks: Vec<&[u8]> = bytes.chunks(n).collect();
    run_chunks(&chunks, cap)
}

/// The JSON lines of a run, in order.
pub fn lines(evs: &[Ev]) -> Vec<String> {
    evs.iter().map(|e| e.json().to_string()).collect()
}

/// The message events' JSON, in order.
pub fn msgs(evs: &[Ev]) -> Vec<&Value> {
    evs.iter()
        .filter_map(|e| match e {
            Ev::Msg { json, .. } => Some(json),
            Ev::Find { .. } => None,
        })
        .collect()
}

/// The routes of the n-th message.
pub fn routes(evs: &[Ev], n: usize) -> Vec<Rt> {
    evs.iter()
        .filter_map(|e| match e {
            Ev::Msg { routes, .. } => Some(routes.clone()),
            Ev::Find { .. } => None,
        })
        .nth(n)
        .unwrap_or_else(|| panic!("no message #{n} in {evs:#?}"))
}

/// Kinds of all findings, in order.
pub fn kinds(evs: &[Ev]) -> Vec<&'static str> {
    evs.iter()
        .filter_map(|e| match e {
            Ev::Find { kind, .. } => Some(*kind),
            Ev::Msg { .. } => None,
        })
        .collect()
}

/// Findings of a kind: (offset, peer, json).
pub fn finds<'a>(evs: &'a [Ev], kind: &str) -> Vec<(u64, Option<IpAddr>, &'a Value)> {
    evs.iter()
        .filter_map(|e| match e {
            Ev::Find {
                kind: k,
                offset,
                peer,
                json,
                ..
            } if *k == kind => Some((*offset, *peer, json)),
            _ => None,
        })
        .collect()
}

/// Asserts the findings are exactly these kinds (in order).
#[track_caller]
pub fn assert_kinds(evs: &[Ev], want: &[&str]) {
    assert_eq!(kinds(evs), want, "events: {:#?}", lines(evs));
}

/// The single message of a run (asserting there is exactly one).
#[track_caller]
pub fn one_msg(evs: &[Ev]) -> &Value {
    let m = msgs(evs);
    assert_eq!(m.len(), 1, "expected one message: {:#?}", lines(evs));
    m[0]
}

/// Concatenates messages into one stream.
pub fn stream(parts: &[Vec<u8>]) -> Vec<u8> {
    parts.concat()
}

pub fn v4(a: u8, b: u8, c: u8, d: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(a, b, c, d))
}

pub fn v6(s: &str) -> IpAddr {
    IpAddr::V6(s.parse::<Ipv6Addr>().expect("IPv6 literal"))
}

/// A global IPv4 peer 192.0.2.1, AS 65001.
pub fn peer_a() -> bmp::Peer {
    bmp::Peer::global(v4(192, 0, 2, 1), 65001, [192, 0, 2, 1])
}

/// A second global IPv4 peer 192.0.2.2, AS 65002.
pub fn peer_b() -> bmp::Peer {
    bmp::Peer::global(v4(192, 0, 2, 2), 65002, [192, 0, 2, 2])
}

/// Peer Up with a sent OPEN (AS 65000, id 10.0.0.1) and a received OPEN (the peer's AS/id).
pub fn peer_up(peer: &bmp::Peer, sent_caps: &[Vec<u8>], recv_caps: &[Vec<u8>]) -> Vec<u8> {
    let sent = bgp::open(65000, 90, [10, 0, 0, 1], sent_caps);
    let recv = bgp::open(peer.asn, 180, peer.bgp_id, recv_caps);
    bmp::peer_up(peer, v4(192, 0, 2, 254), 179, 40000, &sent, &recv, &[])
}

/// Standard 4-octet capabilities (multiprotocol IPv4+IPv6 unicast, 4-octet AS).
pub fn caps4(asn: u32, extra: &[Vec<u8>]) -> Vec<Vec<u8>> {
    let mut v = vec![bgp::cap_mp(1, 1), bgp::cap_mp(2, 1), bgp::cap_as4(asn)];
    v.extend_from_slice(extra);
    v
}

/// A plain IPv4 UPDATE announcing `nlri` (raw NLRI octets) with ORIGIN, a 4-octet AS_PATH
/// and NEXT_HOP.
pub fn update4(nlri: &[u8]) -> Vec<u8> {
    let attrs = [
        bgp::origin(0),
        bgp::as_path(&[(bgp::AS_SEQUENCE, &[65001])], true),
        bgp::next_hop([192, 0, 2, 1]),
    ]
    .concat();
    bgp::update(&[], &attrs, nlri)
}

/// (prefix, path id) pairs of announced routes.
pub fn announced(rts: &[Rt]) -> Vec<(String, Option<u32>)> {
    rts.iter()
        .filter(|r| !r.withdrawn)
        .map(|r| (r.prefix.clone().unwrap_or_default(), r.path_id))
        .collect()
}

/// Number in a finding's detail after "skipped ".
pub fn skipped_count(detail: &Value) -> u64 {
    let d = detail.as_str().expect("detail text");
    let rest = d
        .strip_prefix("skipped ")
        .unwrap_or_else(|| panic!("detail {d:?}"));
    rest.split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("detail {d:?}"))
}
