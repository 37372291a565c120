//! Robustness of the stream decoder against damaged input: every message of a varied synthetic
//! session (and the first messages of the real captures, when `../shared/captures` exists) is
//! truncated at every offset, cut short in front of a valid message, and has every byte flipped.
//! Nothing may panic, damage must never pass silently, and every event must render as JSON and
//! as text. A last pair of tests feeds a megabyte of pseudo-random bytes.

use crate::support;
use crate::support::harness::{v4, v6};

use std::collections::HashMap;
use std::net::Ipv6Addr;

use bmpctl::event::StreamCtx;
use bmpctl::event::{Event, RouterInfo};
use bmpctl::finding::{Finding, Kind, Severity};
use bmpctl::frame::{FrameEvent, Framer};
use bmpctl::render::{json, text};
use bmpctl::stream::StreamDecoder;
use bmpctl::testkit::{bgp, bmp};

/// Cap used for every decoder here (the CLI default).
const MAX_MESSAGE: u32 = bmpctl::frame::DEFAULT_MAX_MESSAGE;

// ---------------------------------------------------------------------------------------------
// Decoding and rendering
// ---------------------------------------------------------------------------------------------

/// A decoded message, reduced to what the assertions need.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Msg {
    offset: u64,
    msg_type: u8,
    len: usize,
}

/// Everything one stream produced.
#[derive(Debug, Default)]
struct Outcome {
    messages: Vec<Msg>,
    findings: Vec<Finding>,
    /// Event order: `true` for a message, `false` for a finding.
    order: Vec<bool>,
}

impl Outcome {
    fn messages_from(&self, offset: u64) -> impl Iterator<Item = &Msg> {
        self.messages.iter().filter(move |m| m.offset >= offset)
    }

    fn findings_from(&self, offset: u64) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(move |f| f.offset >= offset)
    }

    fn errors_from(&self, offset: u64) -> impl Iterator<Item = &Finding> {
        self.findings_from(offset)
            .filter(|f| f.severity() == Severity::Error)
    }

    fn summary(&self) -> String {
        let msgs: Vec<String> = self
            .messages
            .iter()
            .map(|m| format!("msg type {} @{} len {}", m.msg_type, m.offset, m.len))
            .collect();
        let fnds: Vec<String> = self
            .findings
            .iter()
            .map(|f| format!("{} @{}: {}", f.kind.name(), f.offset, f.detail))
            .collect();
        format!(
            "messages [{}]; findings [{}]",
            msgs.join(", "),
            fnds.join("; ")
        )
    }
}

/// Renders one event every way the CLI can (JSON, text, text -v) and checks the JSON shape.
fn render(name: &str, router: &RouterInfo, ev: &Event<'_>) {
    let ctx = StreamCtx::new(name, router, None);
    match ev {
        Event::Message(d) => {
            let line = serde_json::to_string(&json::message(&ctx, d)).unwrap();
            assert!(!line.contains('\n'), "JSON line has a newline: {line}");
            let v: serde_json::Value = serde_json::from_str(&line).unwrap();
            assert!(v.get("type").is_some_and(|t| t.is_string()), "{v}");
            assert_eq!(v["offset"], serde_json::Value::from(d.offset));
            let t = text::message(&ctx, d, false);
            assert!(!t.contains('\n'), "text line without -v is one line: {t:?}");
            let _ = text::message(&ctx, d, true);
        }
        Event::Finding(f) => {
            let line = serde_json::to_string(&json::finding(&ctx, f)).unwrap();
            assert!(!line.contains('\n'), "JSON line has a newline: {line}");
            let v: serde_json::Value = serde_json::from_str(&line).unwrap();
            assert_eq!(v["type"], "finding");
            assert_eq!(v["kind"], f.kind.name());
            let t = text::finding(&ctx, f);
            assert!(!t.contains('\n'), "finding text is one line: {t:?}");
        }
    }
}

/// Decodes `chunks` as one stream (each chunk one `push`), renders every event from stream
/// offset `render_from` on (the intact context before it has been rendered elsewhere), and
/// returns the outcome.
fn decode(chunks: &[&[u8]], render_from: u64) -> Outcome {
    let mut dec = StreamDecoder::new(MAX_MESSAGE);
    let mut out = Outcome::default();
    let mut sink = |router: &RouterInfo, ev: Event<'_>| {
        let offset = match &ev {
            Event::Message(d) => d.offset,
            Event::Finding(f) => f.offset,
        };
        if offset >= render_from {
            render("robustness.bmp", router, &ev);
        }
        match ev {
            Event::Message(d) => {
                out.messages.push(Msg {
                    offset: d.offset,
                    msg_type: d.msg.header.msg_type.0,
                    len: d.raw.len(),
                });
                out.order.push(true);
            }
            Event::Finding(f) => {
                out.findings.push(f);
                out.order.push(false);
            }
        }
    };
    for c in chunks {
        dec.push(c, &mut sink);
    }
    dec.finish(&mut sink);
    out
}

// ---------------------------------------------------------------------------------------------
// Test cases
// ---------------------------------------------------------------------------------------------

/// How a truncation (with the common-header length fixed) must come out.
#[derive(Debug, Clone)]
enum Cuts {
    /// Cutting the message to one of these lengths leaves a valid message; any other length
    /// must give an error finding.
    ValidAt(Vec<usize>),
    /// Statistics Report: below `count_end` octets the count is incomplete (error); from there
    /// on the statistics present are kept and a cut-off one is a `statistics_mismatch` warning
    /// (documented: "a bad statistic never fails the message").
    Statistics { count_end: usize },
    /// Unknown structure (real captures): each cut gives an error finding or a decoded message.
    Unknown,
}

/// One message to damage, with the messages that precede it in its stream (decoded intact, so
/// that session context like Add-Path applies).
#[derive(Debug, Clone)]
struct Case {
    name: String,
    context: Vec<u8>,
    msg: Vec<u8>,
    cuts: Cuts,
}

/// Lengths at which a TLV list starting at `start` can be cut and stay whole.
fn tlv_boundaries(start: usize, tlvs: &[Vec<u8>]) -> Vec<usize> {
    let mut cuts = vec![start];
    let mut at = start;
    for t in tlvs {
        at += t.len();
        cuts.push(at);
    }
    cuts
}

fn peer1() -> bmp::Peer {
    bmp::Peer::global(v4(192, 0, 2, 1), 65001, [192, 0, 2, 1]).with_time(1_700_000_000, 123_456)
}

fn peer_v6() -> bmp::Peer {
    bmp::Peer::global(v6("2001:db8::2"), 4_200_000_001, [10, 0, 0, 2]).with_time(1_700_000_001, 0)
}

fn initiation() -> (Vec<u8>, Vec<usize>) {
    let tlvs = [
        (1u16, b"FRRouting 10.1 on Linux".as_slice()),
        (2, b"pe1.example.net".as_slice()),
        (0, b"robustness test".as_slice()),
    ];
    let encoded: Vec<Vec<u8>> = tlvs.iter().map(|&(t, v)| bmp::tlv(t, v)).collect();
    (bmp::initiation(&tlvs), tlv_boundaries(6, &encoded))
}

fn termination() -> Vec<u8> {
    bmp::termination(&[(0, b"bye"), (1, &[0, 1])])
}

fn caps(asn: u32) -> Vec<Vec<u8>> {
    vec![
        bgp::cap_mp(bgp::AFI_IPV4, bgp::SAFI_UNICAST),
        bgp::cap_mp(bgp::AFI_IPV6, bgp::SAFI_UNICAST),
        bgp::cap_mp(bgp::AFI_IPV4, bgp::SAFI_MPLS_VPN),
        bgp::cap_route_refresh(),
        bgp::cap_ext_message(),
        bgp::cap_ext_next_hop(&[(bgp::AFI_IPV4, 1, bgp::AFI_IPV6)]),
        bgp::cap_role(3),
        bgp::cap_graceful_restart(0x8078, &[(bgp::AFI_IPV4, bgp::SAFI_UNICAST, 0x80)]),
        bgp::cap_as4(asn),
        bgp::cap_add_path(&[
            (bgp::AFI_IPV4, bgp::SAFI_UNICAST, 3),
            (bgp::AFI_IPV6, bgp::SAFI_UNICAST, 3),
        ]),
        bgp::cap_fqdn("pe1", "example.net"),
        bgp::cap_raw(200, &[1, 2, 3]),
    ]
}

fn peer_up() -> (Vec<u8>, Vec<usize>) {
    let sent = bgp::open(65000, 90, [192, 0, 2, 254], &caps(65000));
    let received = bgp::open(65001, 180, [192, 0, 2, 1], &caps(65001));
    let tlvs = [
        (0u16, b"peer group core".as_slice()),
        (3, b"default".as_slice()),
        (4, b"admin label".as_slice()),
    ];
    let encoded: Vec<Vec<u8>> = tlvs.iter().map(|&(t, v)| bmp::tlv(t, v)).collect();
    let msg = bmp::peer_up(
        &peer1(),
        v4(192, 0, 2, 254),
        179,
        50123,
        &sent,
        &received,
        &tlvs,
    );
    let start = 6 + 42 + 20 + sent.len() + received.len();
    (msg, tlv_boundaries(start, &encoded))
}

/// An UPDATE with most attributes, IPv4 NLRI and withdrawals, MP_REACH IPv6 and MP_UNREACH
/// IPv6, all with Add-Path path identifiers when `path_id` is set.
fn big_update(path_id: Option<u32>) -> Vec<u8> {
    let nh6 = [
        "2001:db8::1".parse::<Ipv6Addr>().unwrap().octets(),
        "fe80::1".parse::<Ipv6Addr>().unwrap().octets(),
    ]
    .concat();
    let attrs = [
        bgp::origin(0),
        bgp::as_path(
            &[
                (bgp::AS_SEQUENCE, &[65001, 4_200_000_000, 65010]),
                (bgp::AS_SET, &[64512, 64513]),
            ],
            true,
        ),
        bgp::next_hop([192, 0, 2, 1]),
        bgp::med(50),
        bgp::local_pref(200),
        bgp::atomic_aggregate(),
        bgp::aggregator(4_200_000_000, [192, 0, 2, 9], true),
        bgp::communities(&[0xfde9_0064, 0xffff_ff01]),
        bgp::originator_id([192, 0, 2, 7]),
        bgp::cluster_list(&[[192, 0, 2, 8], [192, 0, 2, 9]]),
        bgp::mp_reach(
            bgp::AFI_IPV6,
            bgp::SAFI_UNICAST,
            &nh6,
            &bgp::prefixes(path_id, &["2001:db8:1::/48", "2001:db8:2::/64", "::/0"]),
        ),
        bgp::mp_unreach(
            bgp::AFI_IPV6,
            bgp::SAFI_UNICAST,
            &bgp::prefixes(path_id, &["2001:db8:dead::/48"]),
        ),
        bgp::extended_communities(&[[0x00, 0x02, 0xfd, 0xe9, 0, 0, 0, 100]]),
        bgp::large_communities(&[(4_200_000_000, 1, 2)]),
        bgp::attr(bgp::FLAG_OPTIONAL | bgp::FLAG_TRANSITIVE, 99, &[9, 9, 9]),
    ]
    .concat();
    bgp::update(
        &bgp::prefixes(path_id, &["198.51.100.0/24", "203.0.113.128/25"]),
        &attrs,
        &bgp::prefixes(
            path_id,
            &["10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24", "0.0.0.0/0"],
        ),
    )
}

fn route_monitoring_add_path() -> Vec<u8> {
    bmp::route_monitoring(&peer1(), &big_update(Some(7)))
}

/// Route Monitoring for a peer without Peer Up (IPv6 peer, 2-octet AS by the A flag).
fn route_monitoring_no_context() -> Vec<u8> {
    let attrs = [
        bgp::origin(2),
        bgp::as_path(&[(bgp::AS_SEQUENCE, &[65002, 4_200_000_001])], false),
        bgp::as4_path(&[(bgp::AS_SEQUENCE, &[65002, 4_200_000_001])]),
        bgp::next_hop([198, 51, 100, 1]),
        bgp::aggregator(4_200_000_001, [198, 51, 100, 1], false),
        bgp::as4_aggregator(4_200_000_001, [198, 51, 100, 1]),
    ]
    .concat();
    let update = bgp::update(&[], &attrs, &bgp::prefixes(None, &["192.0.2.0/24"]));
    bmp::route_monitoring(
        &peer_v6().with_flags(bmp::FLAG_V | bmp::FLAG_A | bmp::FLAG_L),
        &update,
    )
}

/// BMPv4 Route Monitoring for a Loc-RIB peer: a group TLV, the BGP PDU TLV, a trailing TLV.
fn route_monitoring_v4() -> (Vec<u8>, Vec<usize>) {
    let update = bgp::update(
        &[],
        &[
            bgp::origin(0),
            bgp::as_path(&[(bgp::AS_SEQUENCE, &[65000])], true),
            bgp::mp_reach(
                bgp::AFI_IPV4,
                bgp::SAFI_MPLS_VPN,
                &[0, 0, 0, 0, 0, 0, 0, 0, 192, 0, 2, 1],
                &bgp::labeled_prefix(
                    None,
                    &[24001],
                    Some([0, 0, 0xfd, 0xe8, 0, 0, 0, 1]),
                    "10.9.0.0/16",
                ),
            ),
        ]
        .concat(),
        &[],
    );
    let tlvs: [(u16, u16, &[u8]); 3] = [(1, 0, &[0, 1, 0, 0]), (4, 0, &update), (7, 1, b"x")];
    let encoded: Vec<Vec<u8>> = tlvs
        .iter()
        .map(|&(t, i, v)| bmp::tlv_indexed(t, i, v))
        .collect();
    let msg = bmp::route_monitoring_v4(&bmp::Peer::loc_rib(65000, [10, 0, 0, 1]), &tlvs);
    let start = 6 + 42 + encoded[0].len() + encoded[1].len();
    (msg, vec![start, start + encoded[2].len()])
}

fn end_of_rib() -> Vec<u8> {
    bmp::route_monitoring(&peer1(), &bgp::update(&[], &[], &[]))
}

fn statistics() -> Vec<u8> {
    bmp::statistics(
        &peer1(),
        &[
            bmp::stat_counter(0, 3),
            bmp::stat_counter(1, 0),
            bmp::stat_gauge(7, 1_000_000),
            bmp::stat_afi_gauge(9, bgp::AFI_IPV6, bgp::SAFI_UNICAST, 42),
            bmp::tlv(65000, &[1, 2, 3]),
        ],
    )
}

fn peer_down_notification() -> Vec<u8> {
    let text = b"maintenance \xe2\x80\x94 back at 10:00";
    let mut data = vec![u8::try_from(text.len()).unwrap()];
    data.extend_from_slice(text);
    bmp::peer_down(&peer1(), 1, &bgp::notification(6, 2, &data))
}

fn peer_down_loc_rib() -> Vec<u8> {
    let mut data = bmp::tlv(3, b"vrf-blue");
    data.extend(bmp::tlv(0, b"gone"));
    bmp::peer_down(&bmp::Peer::loc_rib(65000, [10, 0, 0, 1]), 6, &data)
}

fn route_mirroring() -> (Vec<u8>, Vec<usize>) {
    let update = big_update(None);
    let tlvs = [(0u16, update.as_slice()), (1, [0u8, 0].as_slice())];
    let encoded: Vec<Vec<u8>> = tlvs.iter().map(|&(t, v)| bmp::tlv(t, v)).collect();
    (
        bmp::route_mirroring(&peer1(), &tlvs),
        tlv_boundaries(48, &encoded),
    )
}

/// The synthetic cases, each with the intact messages before it.
fn synthetic_cases() -> Vec<Case> {
    let (init, init_cuts) = initiation();
    let (up, up_cuts) = peer_up();
    let session = [init.clone(), up.clone()].concat();
    let (rm4, rm4_cuts) = route_monitoring_v4();
    let (mirror, mirror_cuts) = route_mirroring();
    let stats = statistics();
    let term = termination();
    let term_cuts = tlv_boundaries(6, &[bmp::tlv(0, b"bye"), bmp::tlv(1, &[0, 1])]);
    let case = |name: &str, context: &[u8], msg: &[u8], cuts: Cuts| Case {
        name: name.to_string(),
        context: context.to_vec(),
        msg: msg.to_vec(),
        cuts,
    };
    let whole = |m: &[u8]| Cuts::ValidAt(vec![m.len()]);
    let rm = route_monitoring_add_path();
    let rm_nc = route_monitoring_no_context();
    let eor = end_of_rib();
    let down = peer_down_notification();
    let down6 = peer_down_loc_rib();
    let down6_cuts = Cuts::ValidAt(vec![49, 49 + 12, down6.len()]);
    vec![
        case("initiation", &[], &init, Cuts::ValidAt(init_cuts)),
        case("peer_up", &init, &up, Cuts::ValidAt(up_cuts)),
        case("route_monitoring add-path", &session, &rm, whole(&rm)),
        case(
            "route_monitoring before peer up",
            &session,
            &rm_nc,
            whole(&rm_nc),
        ),
        case(
            "route_monitoring v4 loc-rib",
            &session,
            &rm4,
            Cuts::ValidAt(rm4_cuts),
        ),
        case("end-of-rib", &session, &eor, whole(&eor)),
        case(
            "statistics",
            &session,
            &stats,
            Cuts::Statistics { count_end: 52 },
        ),
        case("peer_down notification", &session, &down, whole(&down)),
        case("peer_down loc-rib tlvs", &session, &down6, down6_cuts),
        case(
            "route_mirroring",
            &session,
            &mirror,
            Cuts::ValidAt(mirror_cuts),
        ),
        case("termination", &session, &term, Cuts::ValidAt(term_cuts)),
    ]
}

/// Port of the BMP collector in a capture (see tests/it/support and SOURCES.md).
fn capture_port(file_name: &str) -> u16 {
    if file_name.starts_with("netgauze_bmpv4_") {
        10000
    } else {
        1790
    }
}

/// Messages taken from each real stream.
const REAL_MESSAGES_PER_STREAM: usize = 30;
/// Streams taken from each capture.
const REAL_STREAMS_PER_CAPTURE: usize = 1;

/// The first messages of the real streams, each with the stream's Initiation and its peer's
/// latest Peer Up before it as context (so that the session state applies, at a fraction of the
/// cost of the whole prefix). `None` when the captures folder is absent (a failure under
/// `BMPCTL_REQUIRE_CAPTURES=1`); when it is there, every capture gives cases: a test over them
/// never passes on an empty set.
fn real_cases() -> Option<Vec<Case>> {
    let dir = support::captures_dir()?;
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "pcap" || x == "pcapng"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 10,
        "captures in {}: {files:?}",
        dir.display()
    );
    let mut cases = Vec::new();
    for path in files {
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        let streams = support::extract::bmp_streams(&path, capture_port(&file));
        assert!(!streams.is_empty(), "{file}: no BMP stream");
        let before = cases.len();
        for (stream, bytes) in streams.into_iter().take(REAL_STREAMS_PER_CAPTURE) {
            let walk = support::walk_bmp(&bytes);
            let mut initiation: &[u8] = &[];
            // Latest Peer Up per peer (peer type, distinguisher and address).
            let mut peer_ups: HashMap<Vec<u8>, &[u8]> = HashMap::new();
            for h in walk.messages.iter().take(REAL_MESSAGES_PER_STREAM) {
                let msg = &bytes[h.offset..h.offset + h.length];
                let key = peer_key(msg);
                let mut context = initiation.to_vec();
                if let Some(up) = key.as_ref().and_then(|k| peer_ups.get(k)) {
                    context.extend_from_slice(up);
                }
                cases.push(Case {
                    name: format!("{file} {stream} @{} type {}", h.offset, h.msg_type),
                    context,
                    msg: msg.to_vec(),
                    cuts: Cuts::Unknown,
                });
                match (h.msg_type, key) {
                    (bmp::INITIATION, _) => initiation = msg,
                    (bmp::PEER_UP, Some(k)) => {
                        peer_ups.insert(k, msg);
                    }
                    _ => {}
                }
            }
        }
        assert!(cases.len() > before, "{file}: no BMP message");
    }
    Some(cases)
}

/// Peer type, distinguisher and address of a message with a per-peer header.
fn peer_key(msg: &[u8]) -> Option<Vec<u8>> {
    if !matches!(msg.get(5)?, 0..=3 | 6) || msg.len() < 48 {
        return None;
    }
    let mut key = vec![msg[6]];
    key.extend_from_slice(&msg[8..32]);
    Some(key)
}

/// Offsets to damage in a message: every one for the synthetic cases; for the real ones, every
/// offset of small messages, and for large ones every offset of the headers, an even sample of
/// the rest and the last octets (this keeps the test binary fast in debug builds).
fn offsets(case: &Case) -> Vec<usize> {
    const HEAD: usize = 64;
    const SAMPLES: usize = 32;
    const LAST: usize = 8;
    let len = case.msg.len();
    if !matches!(case.cuts, Cuts::Unknown) || len <= HEAD + SAMPLES + LAST {
        return (0..len).collect();
    }
    let stride = (len - HEAD - LAST).div_ceil(SAMPLES);
    let mut v: Vec<usize> = (0..HEAD).collect();
    v.extend((HEAD..len - LAST).step_by(stride));
    v.extend(len - LAST..len);
    v
}

fn with_length(mut msg: Vec<u8>) -> Vec<u8> {
    if msg.len() >= 5 {
        let len = u32::try_from(msg.len()).unwrap().to_be_bytes();
        msg[1..5].copy_from_slice(&len);
    }
    msg
}

// ---------------------------------------------------------------------------------------------
// (a) truncation with the length fixed
// ---------------------------------------------------------------------------------------------

/// Cuts `case.msg` to `cut` octets, fixes the common-header length, decodes it after the context
/// and returns a description of what is wrong, if anything.
fn check_fixed_cut(case: &Case, cut: usize) -> Option<String> {
    let msg = with_length(case.msg[..cut].to_vec());
    let base = case.context.len() as u64;
    let out = decode(&[&case.context, &msg], base);
    let decoded: Vec<&Msg> = out.messages_from(base).collect();
    let errors = out.errors_from(base).count();
    let findings = out.findings_from(base).count();
    let problem = |what: &str| {
        Some(format!(
            "{}: cut to {cut} of {} octets (length fixed): {what}\n  {}",
            case.name,
            case.msg.len(),
            out.summary()
        ))
    };
    if cut < 6 {
        // Not even a common header: the end of the stream must be reported.
        return if out
            .findings_from(base)
            .any(|f| f.kind == Kind::TruncatedMessage)
        {
            None
        } else {
            problem("no truncated_message finding for a partial common header")
        };
    }
    if decoded.len() > 1 {
        return problem("one message in, several out");
    }
    if let Some(m) = decoded.first()
        && (m.offset != base || m.len != cut)
    {
        return problem("decoded message has the wrong offset or length");
    }
    match &case.cuts {
        Cuts::ValidAt(valid) if valid.contains(&cut) => {
            if decoded.is_empty() || errors > 0 {
                return problem("a valid message was not decoded cleanly");
            }
        }
        Cuts::ValidAt(_) => {
            if errors == 0 {
                return problem("an invalid cut gave no error finding");
            }
        }
        Cuts::Statistics { count_end } => {
            if cut < *count_end {
                if errors == 0 {
                    return problem("statistics count cut off without an error finding");
                }
            } else if decoded.is_empty() {
                return problem("statistics with a complete count were not decoded");
            } else if cut < case.msg.len() && findings == 0 {
                return problem("statistics cut short without any finding");
            }
        }
        Cuts::Unknown => {
            if decoded.is_empty() && errors == 0 {
                return problem("the message vanished: neither decoded nor an error finding");
            }
            // A v3 Route Monitoring holds exactly one BGP message with its own length: any cut
            // breaks it.
            if case.msg[0] == 3
                && case.msg[5] == bmp::ROUTE_MONITORING
                && cut < case.msg.len()
                && errors == 0
            {
                return problem("a cut v3 Route Monitoring gave no error finding");
            }
        }
    }
    None
}

fn run_fixed_cuts(cases: &[Case]) {
    let mut failures = Vec::new();
    let mut checked = 0usize;
    for case in cases {
        // The intact message itself must decode (sanity check of the case).
        if let Some(p) = check_fixed_cut(case, case.msg.len()) {
            failures.push(format!("intact message: {p}"));
        }
        let cuts: Vec<usize> = offsets(case).into_iter().skip(1).collect();
        for cut in cuts {
            checked += 1;
            if let Some(p) = check_fixed_cut(case, cut) {
                failures.push(p);
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} truncations failed; first ones:\n{}",
        failures.len(),
        failures[..failures.len().min(15)].join("\n")
    );
}

#[test]
fn truncation_with_fixed_length_is_reported_synthetic() {
    run_fixed_cuts(&synthetic_cases());
}

#[test]
fn truncation_with_fixed_length_is_reported_real_captures() {
    let Some(cases) = real_cases() else {
        return;
    };
    run_fixed_cuts(&cases);
}

// ---------------------------------------------------------------------------------------------
// (b) truncation without fixing the length, then a valid message
// ---------------------------------------------------------------------------------------------

/// Statistics of how the framer recovered after the cut messages.
#[derive(Debug, Default)]
struct Resync {
    cuts: usize,
    /// The Termination right after the cut message was decoded.
    next_decoded: usize,
    /// Cuts followed by a whole session.
    session_cuts: usize,
    /// ... whose final Termination was decoded (the framer was back in step by then).
    session_end_decoded: usize,
}

/// A valid session to append after damage (every synthetic message but the Initiation, twice,
/// then a Termination), with the offsets where its messages end.
fn recovery_tail() -> (Vec<u8>, Vec<usize>) {
    let mut tail = Vec::new();
    let mut ends = Vec::new();
    for _ in 0..2 {
        for c in synthetic_cases() {
            if c.name == "initiation" || c.name == "termination" {
                continue;
            }
            tail.extend_from_slice(&c.msg);
            ends.push(tail.len());
        }
    }
    tail.extend(termination());
    ends.push(tail.len());
    (tail, ends)
}

/// Cuts `case.msg` to `cut` octets without touching its length field, appends `after` (valid
/// messages ending in a Termination, `after_ends` the offsets where they end), decodes, and
/// returns a description of what is wrong, if anything. Returns whether the final Termination
/// was decoded.
fn check_unfixed_cut(
    case: &Case,
    cut: usize,
    after: &[u8],
    after_ends: &[usize],
) -> Result<bool, String> {
    let base = case.context.len() as u64;
    let out = decode(&[&case.context, &case.msg[..cut], after], base);
    let problem = |what: &str| {
        Err(format!(
            "{}: cut to {cut} of {} octets (length kept), then {} octets of valid messages: \
             {what}\n  {}",
            case.name,
            case.msg.len(),
            after.len(),
            out.summary()
        ))
    };
    // When the missing octets are exactly as many as some whole messages that follow, those
    // messages' octets complete the cut one and the framer is back in step right after it:
    // whether the mixture decodes is up to the bytes, so no error can be required then.
    let missing = case.msg.len() - cut;
    let filled_exactly = after_ends.contains(&missing);
    if !filled_exactly && out.errors_from(base).next().is_none() {
        return problem("no error finding");
    }
    if out.messages_from(base).next().is_none() && out.findings_from(base).next().is_none() {
        return problem("no event at all");
    }
    let end_at = base + (cut + after.len() - termination().len()) as u64;
    let end_decoded = out
        .messages
        .iter()
        .any(|m| m.offset == end_at && m.msg_type == bmp::TERMINATION);
    if !end_decoded && !filled_exactly && out.order.last() != Some(&false) {
        return problem(
            "the final Termination was not decoded and the stream does not end with a finding",
        );
    }
    Ok(end_decoded)
}

fn run_unfixed_cuts(cases: &[Case], with_session: bool) -> Resync {
    let term = termination();
    let (tail, tail_ends) = recovery_tail();
    let mut stats = Resync::default();
    let mut failures = Vec::new();
    for case in cases {
        for cut in offsets(case).into_iter().skip(1) {
            stats.cuts += 1;
            match check_unfixed_cut(case, cut, &term, &[term.len()]) {
                Ok(true) => stats.next_decoded += 1,
                Ok(false) => {}
                Err(p) => failures.push(p),
            }
            if with_session {
                stats.session_cuts += 1;
                match check_unfixed_cut(case, cut, &tail, &tail_ends) {
                    Ok(true) => stats.session_end_decoded += 1,
                    Ok(false) => {}
                    Err(p) => failures.push(p),
                }
            }
        }
    }
    eprintln!("resynchronisation after a cut message: {stats:?}");
    assert!(
        failures.is_empty(),
        "{} of {} cuts failed; first ones:\n{}",
        failures.len(),
        stats.cuts,
        failures[..failures.len().min(15)].join("\n")
    );
    stats
}

#[test]
fn truncation_without_fixed_length_then_valid_message_synthetic() {
    let stats = run_unfixed_cuts(&synthetic_cases(), true);
    // The framer trusts lengths, so the Termination right after a cut message is usually
    // swallowed by it (reported as garbage or a truncated message). With a whole session after
    // the damage there is room to get back in step: it must manage that for nearly every cut.
    assert!(
        stats.session_end_decoded * 100 >= stats.session_cuts * 95,
        "the framer got back in step before the end of the session after only {} of {} cuts",
        stats.session_end_decoded,
        stats.session_cuts
    );
}

#[test]
fn truncation_without_fixed_length_then_valid_message_real_captures() {
    let Some(cases) = real_cases() else {
        return;
    };
    run_unfixed_cuts(&cases, false);
}

// ---------------------------------------------------------------------------------------------
// (c) byte flips
// ---------------------------------------------------------------------------------------------

fn run_flips(cases: &[Case]) {
    let term = termination();
    let mut failures = Vec::new();
    let mut checked = 0usize;
    for case in cases {
        let base = case.context.len() as u64;
        for at in offsets(case) {
            for (how, f) in [
                ("xor 0xff", (|b: u8| b ^ 0xff) as fn(u8) -> u8),
                ("set 0x00", |_| 0),
            ] {
                let mut msg = case.msg.clone();
                msg[at] = f(msg[at]);
                if msg == case.msg {
                    continue;
                }
                checked += 1;
                let out = decode(&[&case.context, &msg, &term], base);
                // The damaged octets never vanish without a trace.
                if out.messages_from(base).next().is_none()
                    && out.findings_from(base).next().is_none()
                {
                    failures.push(format!(
                        "{}: octet {at} {how}: no event at all for the damaged message\n  {}",
                        case.name,
                        out.summary()
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} byte flips failed; first ones:\n{}",
        failures.len(),
        failures[..failures.len().min(15)].join("\n")
    );
}

#[test]
fn byte_flips_do_not_panic_synthetic() {
    run_flips(&synthetic_cases());
}

#[test]
fn byte_flips_do_not_panic_real_captures() {
    let Some(cases) = real_cases() else {
        return;
    };
    run_flips(&cases);
}

// ---------------------------------------------------------------------------------------------
// Pseudo-random input
// ---------------------------------------------------------------------------------------------

/// xorshift64 with a fixed seed: reproducible pseudo-random input.
use bmpctl::testkit::workload::XorShift;

/// Helpers on the shared generator for this file's needs.
trait Draw {
    fn below(&mut self, n: u64) -> u64;
    fn bytes(&mut self, n: usize) -> Vec<u8>;
}

impl Draw for XorShift {
    fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    fn bytes(&mut self, n: usize) -> Vec<u8> {
        let mut v = Vec::with_capacity(n + 8);
        while v.len() < n {
            v.extend_from_slice(&self.next_u64().to_le_bytes());
        }
        v.truncate(n);
        v
    }
}

const RANDOM_LEN: usize = 1 << 20;
const MAX_CHUNK: u64 = 8192;

/// Pushes `data` in random chunk sizes through a decoder, rendering everything.
fn decode_in_random_chunks(data: &[u8], rng: &mut XorShift) -> Outcome {
    let mut chunks = Vec::new();
    let mut rest = data;
    while !rest.is_empty() {
        let n = (1 + rng.below(MAX_CHUNK) as usize).min(rest.len());
        let (c, r) = rest.split_at(n);
        chunks.push(c);
        rest = r;
    }
    decode(&chunks, 0)
}

#[test]
fn random_bytes_in_random_chunks() {
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    let data = rng.bytes(RANDOM_LEN);
    let out = decode_in_random_chunks(&data, &mut rng);
    assert!(
        out.findings.iter().any(|f| f.severity() == Severity::Error),
        "a megabyte of noise gave no error finding"
    );
    // Findings point into the stream, in order.
    assert!(out.findings.iter().all(|f| f.offset < RANDOM_LEN as u64));
}

/// Noise shaped like BMP: plausible common headers (version 3 or 4, small lengths, every type)
/// with random bodies, sometimes with a real per-peer header or a real BGP message inside, so
/// that the body decoders (not just the framer) see the damage.
fn bmp_shaped_noise(rng: &mut XorShift, target: usize) -> Vec<u8> {
    let peer = bmp::peer_header(&peer1());
    let update = big_update(None);
    let mut out = Vec::with_capacity(target + 70_000);
    while out.len() < target {
        let msg_type = rng.below(8) as u8;
        let version = if rng.below(8) == 0 { 4 } else { 3 };
        let mut body = Vec::new();
        if rng.below(2) == 0 {
            body.extend_from_slice(&peer);
        }
        match rng.below(4) {
            0 => body.extend_from_slice(&update),
            1 => {
                let mut u = update.clone();
                let at = rng.below(u.len() as u64) as usize;
                u[at] = rng.next_u64() as u8;
                body.extend_from_slice(&u);
            }
            _ => {}
        }
        let extra = rng.below(200) as usize;
        body.extend(rng.bytes(extra));
        let mut msg = bmp::message(version, msg_type, &body);
        if rng.below(16) == 0 {
            // A lying length now and then.
            let len = rng.below(4096) as u32;
            msg[1..5].copy_from_slice(&len.to_be_bytes());
        }
        out.extend(msg);
    }
    out
}

#[test]
fn bmp_shaped_noise_in_random_chunks() {
    let mut rng = XorShift(0x0123_4567_89ab_cdef);
    let data = bmp_shaped_noise(&mut rng, RANDOM_LEN);
    let out = decode_in_random_chunks(&data, &mut rng);
    assert!(
        out.messages.len() > 100,
        "BMP-shaped noise should mostly frame: {} messages",
        out.messages.len()
    );
    assert!(out.findings.iter().any(|f| f.severity() == Severity::Error));
}

/// The framer's buffer stays bounded by the message cap plus one read, whatever it is fed.
#[test]
fn framer_buffer_stays_bounded_on_noise() {
    const CAP: u32 = 64 * 1024;
    let mut rng = XorShift(0xdead_beef_cafe_f00d);
    for data in [
        rng.bytes(RANDOM_LEN),
        bmp_shaped_noise(&mut XorShift(7), RANDOM_LEN),
    ] {
        let mut framer = Framer::new(CAP);
        let mut rest = data.as_slice();
        let (mut messages, mut problems, mut max_buffered) = (0usize, 0usize, 0usize);
        while !rest.is_empty() {
            let n = (1 + rng.below(MAX_CHUNK) as usize).min(rest.len());
            let (c, r) = rest.split_at(n);
            rest = r;
            framer.push(c);
            while let Some(ev) = framer.next_event() {
                match ev {
                    FrameEvent::Message { bytes, .. } => {
                        assert!(bytes.len() <= CAP as usize);
                        messages += 1;
                    }
                    FrameEvent::Problem(_) => problems += 1,
                }
            }
            max_buffered = max_buffered.max(framer.buffered());
            assert!(
                framer.buffered() <= CAP as usize + MAX_CHUNK as usize,
                "framer holds {} bytes (cap {CAP}, chunk at most {MAX_CHUNK})",
                framer.buffered()
            );
        }
        framer.finish();
        while let Some(ev) = framer.next_event() {
            if matches!(ev, FrameEvent::Problem(_)) {
                problems += 1;
            }
        }
        assert_eq!(framer.buffered(), 0, "finish leaves nothing behind");
        assert!(problems > 0, "noise gave no framing problem");
        eprintln!(
            "framer on noise: {messages} messages, {problems} problems, max buffered {max_buffered}"
        );
    }
}
