//! Tests against the real BMP captures in `../shared/captures` (not shipped with the repo;
//! every test is skipped when the folder is missing, unless `BMPCTL_REQUIRE_CAPTURES=1`).
//!
//! The pcaps are turned into raw BMP byte streams by a small test-only TCP extractor
//! (`support::extract`). Oracles used here, all independent of bmpctl:
//! * the per-capture message counts in `SOURCES.md` (typed in below as [`CAPTURES`]),
//! * NetGauze's decoded JSON for six of the captures (`expected/*.json`).

use crate::support;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use bmpctl::testkit::pcap;
use serde_json::Value;

use support::extract::{self, TcpStream};
use support::netgauze::{self, ExpectedMessage};
use support::{BmpHeader, bmp_type_name, captures_dir, per_peer_address, walk_bmp};

/// What `SOURCES.md` says about one capture (counts from its independent framer).
struct Source {
    file: &'static str,
    /// TCP destination port of the BMP collector.
    port: u16,
    /// BMP version of every message.
    version: u8,
    /// Number of TCP streams carrying BMP, where SOURCES.md states it.
    streams: Option<usize>,
    /// Number of streams whose first message is an Initiation.
    streams_starting_with_init: usize,
    initiation: usize,
    peer_up: usize,
    route_monitoring: usize,
    statistics_report: usize,
    peer_down: usize,
    /// Complete messages in the capture.
    total: usize,
    /// A partial last message: (declared length, bytes present, type).
    truncated_tail: Option<(usize, usize, u8)>,
}

impl Source {
    fn counts(&self) -> BTreeMap<&'static str, usize> {
        [
            ("initiation", self.initiation),
            ("peer_up", self.peer_up),
            ("route_monitoring", self.route_monitoring),
            ("statistics_report", self.statistics_report),
            ("peer_down", self.peer_down),
        ]
        .into_iter()
        .filter(|&(_, n)| n > 0)
        .collect()
    }
}

/// Typed in from `../shared/captures/SOURCES.md` (section numbers in comments).
const CAPTURES: &[Source] = &[
    // 1. 4 TCP streams; 0 and 1 start mid-session (Stats), 2 and 3 start with Initiation.
    Source {
        file: "netgauze_iosxr741_two-routers_midstream.pcapng",
        port: 1790,
        version: 3,
        streams: Some(4),
        streams_starting_with_init: 2,
        initiation: 2,
        peer_up: 3,
        route_monitoring: 3,
        statistics_report: 2,
        peer_down: 2,
        total: 12,
        truncated_tail: None,
    },
    // 2. Two exporters, both streams begin with PeerUp.
    Source {
        file: "netgauze_evpn-vpn_midstream.pcap",
        port: 1790,
        version: 3,
        streams: Some(2),
        streams_starting_with_init: 0,
        initiation: 0,
        peer_up: 4,
        route_monitoring: 143,
        statistics_report: 7,
        peer_down: 2,
        total: 156,
        truncated_tail: None,
    },
    // 3.
    Source {
        file: "netgauze_bmpv4_path-marking.pcap",
        port: 10000,
        version: 4,
        streams: None,
        streams_starting_with_init: 0,
        initiation: 0,
        peer_up: 1,
        route_monitoring: 3,
        statistics_report: 0,
        peer_down: 1,
        total: 5,
        truncated_tail: None,
    },
    // 4.
    Source {
        file: "netgauze_iosxr7102_peers-different-caps.pcap",
        port: 1790,
        version: 3,
        streams: None,
        streams_starting_with_init: 1,
        initiation: 1,
        peer_up: 18,
        route_monitoring: 173,
        statistics_report: 0,
        peer_down: 0,
        total: 192,
        truncated_tail: None,
    },
    // 5.
    Source {
        file: "netgauze_bmpv4_stateless-addpath-peerup.pcap",
        port: 10000,
        version: 4,
        streams: None,
        streams_starting_with_init: 0,
        initiation: 0,
        peer_up: 9,
        route_monitoring: 21,
        statistics_report: 0,
        peer_down: 0,
        total: 30,
        truncated_tail: None,
    },
    // 6. 3 streams, each SYN then Initiation.
    Source {
        file: "netgauze_frr10_upa_3-routers.pcap",
        port: 1790,
        version: 3,
        streams: Some(3),
        streams_starting_with_init: 3,
        initiation: 3,
        peer_up: 7,
        route_monitoring: 34,
        statistics_report: 0,
        peer_down: 0,
        total: 44,
        truncated_tail: None,
    },
    // 7.
    Source {
        file: "netgauze_bmpv4_vpnv4-stateless-withdraw.pcap",
        port: 10000,
        version: 4,
        streams: None,
        streams_starting_with_init: 0,
        initiation: 0,
        peer_up: 0,
        route_monitoring: 15,
        statistics_report: 0,
        peer_down: 0,
        total: 15,
        truncated_tail: None,
    },
    // 8.
    Source {
        file: "pmacct_huawei-vrp8210_locrib.pcap",
        port: 1790,
        version: 3,
        streams: None,
        streams_starting_with_init: 1,
        initiation: 1,
        peer_up: 18,
        route_monitoring: 84,
        statistics_report: 0,
        peer_down: 0,
        total: 103,
        truncated_tail: None,
    },
    // 9.
    Source {
        file: "pmacct_iosxr741_rd-instance.pcap",
        port: 1790,
        version: 3,
        streams: None,
        streams_starting_with_init: 1,
        initiation: 1,
        peer_up: 42,
        route_monitoring: 251,
        statistics_report: 42,
        peer_down: 0,
        total: 336,
        truncated_tail: None,
    },
    // 10. 66 complete messages, then a RouteMon declaring 185 bytes with only 156 present.
    Source {
        file: "pmacct_iosxr754_locrib.pcap",
        port: 1790,
        version: 3,
        streams: None,
        streams_starting_with_init: 1,
        initiation: 1,
        peer_up: 12,
        route_monitoring: 53,
        statistics_report: 0,
        peer_down: 0,
        total: 66,
        truncated_tail: Some((185, 156, 0)),
    },
    // 11.
    Source {
        file: "pmacct_iosxr7101_peer-down.pcap",
        port: 1790,
        version: 3,
        streams: None,
        streams_starting_with_init: 1,
        initiation: 1,
        peer_up: 10,
        route_monitoring: 301,
        statistics_report: 28,
        peer_down: 3,
        total: 343,
        truncated_tail: None,
    },
    // 12.
    Source {
        file: "pmacct_frr801-6wind_peer-down.pcap",
        port: 1790,
        version: 3,
        streams: None,
        streams_starting_with_init: 1,
        initiation: 1,
        peer_up: 7,
        route_monitoring: 451,
        statistics_report: 48,
        peer_down: 2,
        total: 509,
        truncated_tail: None,
    },
    // 13. Mixed with UDP IPFIX.
    Source {
        file: "pmacct_iosxr7101_srv6_with-ipfix.pcap",
        port: 1790,
        version: 3,
        streams: None,
        streams_starting_with_init: 1,
        initiation: 1,
        peer_up: 7,
        route_monitoring: 156,
        statistics_report: 14,
        peer_down: 0,
        total: 178,
        truncated_tail: None,
    },
    // 14. Mixed with UDP IPFIX, IPv6 transport.
    Source {
        file: "pmacct_iosxr2441_locrib-peerdown-vrf.pcap",
        port: 1790,
        version: 3,
        streams: None,
        streams_starting_with_init: 1,
        initiation: 1,
        peer_up: 19,
        route_monitoring: 856,
        statistics_report: 0,
        peer_down: 1,
        total: 877,
        truncated_tail: None,
    },
    // 15. 22 streams: 7 old-session tails (start with Stats), 15 start with Initiation.
    Source {
        file: "trafficrepro_multi-vendor_14-routers_raw.pcap",
        port: 1790,
        version: 3,
        streams: Some(22),
        streams_starting_with_init: 15,
        initiation: 15,
        peer_up: 289,
        route_monitoring: 6958,
        statistics_report: 3835,
        peer_down: 0,
        total: 11097,
        truncated_tail: None,
    },
];

/// NetGauze expected file -> the capture it decodes (SOURCES.md).
const EXPECTED: &[(&str, &str)] = &[
    ("netgauze_evpn-bmp.json", "netgauze_evpn-vpn_midstream.pcap"),
    (
        "netgauze_example-bmp.json",
        "netgauze_iosxr7102_peers-different-caps.pcap",
    ),
    (
        "netgauze_ipv4_unicast_all-bmp.json",
        "netgauze_bmpv4_stateless-addpath-peerup.pcap",
    ),
    (
        "netgauze_ipv4_unicast_path_marking-bmp.json",
        "netgauze_bmpv4_path-marking.pcap",
    ),
    ("netgauze_upa-bmp.json", "netgauze_frr10_upa_3-routers.pcap"),
    (
        "netgauze_vpnv4-stateless-with-withdraw-bmp.json",
        "netgauze_bmpv4_vpnv4-stateless-withdraw.pcap",
    ),
];

fn source(file: &str) -> &'static Source {
    CAPTURES
        .iter()
        .find(|s| s.file == file)
        .unwrap_or_else(|| panic!("{file} is not in CAPTURES"))
}

/// Assert that `failures` is empty, showing the first 20 of them.
fn assert_no_failures(what: &str, failures: &[String]) {
    if failures.is_empty() {
        return;
    }
    let mut text = format!("{what}: {} problem(s)", failures.len());
    for failure in failures.iter().take(20) {
        let _ = write!(text, "\n  - {}", failure.replace('\n', "\n    "));
    }
    if failures.len() > 20 {
        let _ = write!(text, "\n  ... and {} more", failures.len() - 20);
    }
    panic!("{text}");
}

fn format_counts(counts: &BTreeMap<&str, usize>) -> String {
    let parts: Vec<String> = counts.iter().map(|(k, v)| format!("{k} {v}")).collect();
    format!("{{{}}}", parts.join(", "))
}

#[test]
fn extractor_counts_match_sources() {
    let Some(dir) = captures_dir() else { return };
    let mut failures = Vec::new();
    for src in CAPTURES {
        let extraction = extract::tcp_streams(&dir.join(src.file), src.port);
        let mut fail = |msg: String| failures.push(format!("{}: {msg}", src.file));

        if extraction.truncated_packets
            + extraction.tcp_fragments
            + extraction.unsupported_link_packets
            > 0
        {
            fail(format!(
                "{} BMP packets cut by the snaplen, {} TCP fragments, {} packets of an unsupported link type",
                extraction.truncated_packets,
                extraction.tcp_fragments,
                extraction.unsupported_link_packets
            ));
        }
        if let Some(n) = src.streams
            && extraction.streams.len() != n
        {
            fail(format!(
                "{} TCP streams to port {}, SOURCES.md says {n}",
                extraction.streams.len(),
                src.port
            ));
        }

        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        let mut total = 0;
        let mut starting_with_init = 0;
        let mut partials = Vec::new();
        for (i, stream) in extraction.streams.iter().enumerate() {
            let is_last = i + 1 == extraction.streams.len();
            if !stream.gaps.is_empty() {
                fail(format!(
                    "stream {}: holes in the TCP sequence space {:?}",
                    stream.name, stream.gaps
                ));
            }
            let walk = walk_bmp(&stream.bytes);
            if let Some(error) = &walk.error {
                fail(format!("stream {}: {error}", stream.name));
            }
            if let Some(partial) = walk.partial {
                partials.push((is_last, stream.name.clone(), partial));
            }
            if walk.messages.first().is_some_and(|m| m.msg_type == 4) {
                starting_with_init += 1;
            }
            for m in &walk.messages {
                if m.version != src.version {
                    fail(format!(
                        "stream {} offset {}: BMP version {}, expected {}",
                        stream.name, m.offset, m.version, src.version
                    ));
                }
            }
            for (name, n) in walk.counts() {
                *counts.entry(name).or_default() += n;
            }
            total += walk.messages.len();
            eprintln!(
                "{}: stream {} ({} bytes, {} segments, {} retransmitted, {} trimmed, {} out of order, data start vs SYN {:?}): {} msgs {}",
                src.file,
                stream.name,
                stream.bytes.len(),
                stream.segments,
                stream.duplicate_segments,
                stream.trimmed_segments,
                stream.out_of_order_segments,
                stream.data_start_after_syn,
                walk.messages.len(),
                format_counts(&walk.counts()),
            );
        }

        if counts != src.counts() {
            fail(format!(
                "message counts {} but SOURCES.md says {}",
                format_counts(&counts),
                format_counts(&src.counts())
            ));
        }
        if total != src.total {
            fail(format!(
                "{total} complete messages, SOURCES.md says {}",
                src.total
            ));
        }
        if starting_with_init != src.streams_starting_with_init {
            fail(format!(
                "{starting_with_init} streams start with Initiation, SOURCES.md says {}",
                src.streams_starting_with_init
            ));
        }
        match (src.truncated_tail, partials.as_slice()) {
            (None, []) => {}
            (Some((declared, present, msg_type)), [(true, _, partial)]) => {
                let got = partial
                    .header
                    .map(|h| (h.length, partial.available, h.msg_type));
                if got != Some((declared, present, msg_type)) {
                    fail(format!(
                        "trailing partial message {got:?} (length, present, type), SOURCES.md says {:?}",
                        (declared, present, msg_type)
                    ));
                }
            }
            (expected, found) => fail(format!(
                "partial messages at stream ends: expected {expected:?} (length, present, type) at the end of the last stream, found {:?}",
                found
                    .iter()
                    .map(|(last, name, p)| format!("{name} (last stream: {last}): {p:?}"))
                    .collect::<Vec<_>>()
            )),
        }
        eprintln!(
            "{}: {} packets, {} streams, {} msgs {}",
            src.file,
            extraction.packets,
            extraction.streams.len(),
            total,
            format_counts(&counts)
        );
    }
    assert_no_failures("extracted BMP streams vs SOURCES.md", &failures);
}

/// One BMP message of an extracted capture.
#[derive(Debug, Clone)]
struct MessageRef {
    /// Index into the capture's streams.
    stream: usize,
    header: BmpHeader,
    /// Capture packet that delivered the message's last byte.
    completed_by: usize,
    /// Peer address read from the per-peer header (None for Loc-RIB / no per-peer header).
    peer_address: Option<String>,
}

/// All complete messages of `streams`, in flow order (stream by stream).
fn messages_in_flow_order(streams: &[TcpStream]) -> Vec<MessageRef> {
    let mut out = Vec::new();
    for (index, stream) in streams.iter().enumerate() {
        for header in walk_bmp(&stream.bytes).messages {
            let bytes = &stream.bytes[header.offset..header.offset + header.length];
            out.push(MessageRef {
                stream: index,
                header,
                completed_by: stream
                    .packet_of(header.offset + header.length - 1)
                    .expect("every reassembled byte comes from a packet"),
                peer_address: per_peer_address(bytes),
            });
        }
    }
    out
}

/// The capture's messages in the order NetGauze's expected file lists them. Flow order is
/// tried first; if flows interleave in time, the expected file follows capture-packet order
/// (a message appears when the packet holding its last byte arrives).
fn align_with_expected(
    streams: &[TcpStream],
    expected: &[ExpectedMessage],
) -> Result<(&'static str, Vec<MessageRef>), String> {
    let flow_order = messages_in_flow_order(streams);
    if flow_order.len() != expected.len() {
        return Err(format!(
            "the capture has {} complete BMP messages but the expected file has {} lines",
            flow_order.len(),
            expected.len()
        ));
    }
    let mut packet_order = flow_order.clone();
    packet_order.sort_by_key(|m| (m.completed_by, m.stream, m.header.offset));

    let signature = |m: &MessageRef| {
        (
            m.header.version,
            bmp_type_name(m.header.msg_type),
            m.peer_address.clone(),
        )
    };
    let expected_signature = |e: &ExpectedMessage| (e.version, e.msg_type, e.peer_address.clone());
    let mut report = String::new();
    for (name, order) in [("flow order", flow_order), ("packet order", packet_order)] {
        let first_difference = order
            .iter()
            .zip(expected)
            .position(|(m, e)| signature(m) != expected_signature(e));
        match first_difference {
            None => return Ok((name, order)),
            Some(i) => {
                let _ = write!(
                    report,
                    "\n  {name}: message {i} is {:?} (stream {} offset {}), expected line {} is {:?}",
                    signature(&order[i]),
                    streams[order[i].stream].name,
                    order[i].header.offset,
                    expected[i].line,
                    expected_signature(&expected[i])
                );
            }
        }
    }
    Err(format!(
        "neither order of the extracted messages matches the expected (version, type, peer address) sequence:{report}"
    ))
}

/// The six NetGauze expected files with their aligned extracted messages.
struct Golden {
    json: &'static str,
    pcap: &'static str,
    streams: Vec<TcpStream>,
    expected: Vec<ExpectedMessage>,
    order_name: &'static str,
    order: Vec<MessageRef>,
}

fn load_goldens(dir: &Path, failures: &mut Vec<String>) -> Vec<Golden> {
    let mut goldens = Vec::new();
    for &(json, pcap) in EXPECTED {
        let streams = extract::tcp_streams(&dir.join(pcap), source(pcap).port).streams;
        let expected = netgauze::parse_expected_file(&dir.join("expected").join(json));
        for e in &expected {
            if !e.unparsed.is_empty() {
                failures.push(format!(
                    "{json}:{}: could not interpret: {:?}",
                    e.line, e.unparsed
                ));
            }
        }
        match align_with_expected(&streams, &expected) {
            Ok((order_name, order)) => {
                goldens.push(Golden {
                    json,
                    pcap,
                    streams,
                    expected,
                    order_name,
                    order,
                });
            }
            Err(e) => failures.push(format!("{json} vs {pcap}: {e}")),
        }
    }
    goldens
}

/// Checks the test's own plumbing (extractor, framing, expected-file reader) against
/// NetGauze without bmpctl: same messages, same order, same versions, types and peers.
#[test]
fn netgauze_expected_matches_extracted_messages() {
    let Some(dir) = captures_dir() else { return };
    let mut failures = Vec::new();
    let goldens = load_goldens(&dir, &mut failures);
    for g in &goldens {
        let nlri: usize = g
            .expected
            .iter()
            .map(|e| e.announced.len() + e.withdrawn.len() + e.other_announced + e.other_withdrawn)
            .sum();
        let eor = g.expected.iter().filter(|e| e.end_of_rib.is_some()).count();
        eprintln!(
            "{} <- {}: {} messages from {} streams aligned in {}; {nlri} NLRI, {eor} End-of-RIB",
            g.json,
            g.pcap,
            g.expected.len(),
            g.streams.len(),
            g.order_name
        );
        if nlri == 0 {
            failures.push(format!(
                "{}: no NLRI read at all; the reader missed NetGauze's shape",
                g.json
            ));
        }
    }
    assert_no_failures("NetGauze expected files vs extracted captures", &failures);
}

/// Temporary files holding one raw BMP stream each; removed on drop.
struct StreamFiles {
    paths: Vec<PathBuf>,
}

impl StreamFiles {
    fn write(label: &str, streams: &[TcpStream]) -> StreamFiles {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let run = COUNTER.fetch_add(1, Ordering::Relaxed);
        let label: String = label
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let mut files = StreamFiles { paths: Vec::new() };
        for (i, stream) in streams.iter().enumerate() {
            let path = std::env::temp_dir().join(format!(
                "bmpctl-test-{}-{run}-{label}-{i}.bmp",
                std::process::id()
            ));
            std::fs::write(&path, &stream.bytes)
                .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
            files.paths.push(path);
        }
        files
    }
}

impl Drop for StreamFiles {
    fn drop(&mut self) {
        for path in &self.paths {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Output of one `bmpctl decode --json FILE...` run.
struct DecodeRun {
    /// Exit code (None if killed by a signal).
    status: Option<i32>,
    messages: Vec<Value>,
    findings: Vec<Value>,
    /// Lines of stdout that are not JSON objects with a "type".
    bad_lines: Vec<String>,
    stderr: String,
}

fn run_decode(files: &[PathBuf]) -> DecodeRun {
    let output = support::bmpctl()
        .arg("decode")
        .arg("--json")
        .args(files)
        .output()
        .expect("failed to run bmpctl");
    let mut run = DecodeRun {
        status: output.status.code(),
        messages: Vec::new(),
        findings: Vec::new(),
        bad_lines: Vec::new(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    for (i, line) in String::from_utf8_lossy(&output.stdout).lines().enumerate() {
        match serde_json::from_str::<Value>(line) {
            Ok(value) if value.get("type").and_then(Value::as_str) == Some("finding") => {
                run.findings.push(value)
            }
            Ok(value) if value.get("type").and_then(Value::as_str).is_some() => {
                run.messages.push(value)
            }
            _ => run
                .bad_lines
                .push(format!("stdout line {}: {:.200}", i + 1, line)),
        }
    }
    run
}

fn stderr_excerpt(stderr: &str) -> String {
    let lines: Vec<&str> = stderr.lines().take(5).collect();
    if lines.is_empty() {
        "(empty)".to_owned()
    } else {
        lines.join(" | ")
    }
}

/// Our decoded message reduced to the fields compared with NetGauze.
#[derive(Debug, Default, PartialEq, Eq)]
struct Reduced {
    version: Option<u64>,
    msg_type: String,
    peer_address: Option<String>,
    announced: BTreeSet<String>,
    withdrawn: BTreeSet<String>,
    other_announced: usize,
    other_withdrawn: usize,
    other_prefixes_announced: BTreeSet<String>,
    other_prefixes_withdrawn: BTreeSet<String>,
    end_of_rib: bool,
}

fn reduce(message: &Value) -> Reduced {
    let mut r = Reduced {
        version: message.get("version").and_then(Value::as_u64),
        msg_type: message
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned(),
        end_of_rib: message
            .get("end_of_rib")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        ..Reduced::default()
    };
    if let Some(peer) = message.get("peer") {
        // NetGauze reports no address for Loc-RIB peers; we print "0.0.0.0" there.
        if peer.get("type").and_then(Value::as_str) != Some("loc_rib") {
            r.peer_address = peer
                .get("address")
                .and_then(Value::as_str)
                .map(str::to_owned);
        }
    }
    for (key, announced) in [("announced", true), ("withdrawn", false)] {
        for entry in message
            .get(key)
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            let family = entry.get("family").and_then(Value::as_str).unwrap_or("");
            let text = entry
                .get("prefix")
                .and_then(Value::as_str)
                .map(|p| netgauze::prefix_text(p, entry.get("path_id").and_then(Value::as_u64)));
            match (matches!(family, "ipv4_unicast" | "ipv6_unicast"), text) {
                (true, Some(text)) => {
                    if announced {
                        &mut r.announced
                    } else {
                        &mut r.withdrawn
                    }
                    .insert(text);
                }
                (_, text) => {
                    *(if announced {
                        &mut r.other_announced
                    } else {
                        &mut r.other_withdrawn
                    }) += 1;
                    if let Some(text) = text {
                        if announced {
                            &mut r.other_prefixes_announced
                        } else {
                            &mut r.other_prefixes_withdrawn
                        }
                        .insert(text);
                    }
                }
            }
        }
    }
    r
}

fn reduce_expected(e: &ExpectedMessage) -> Reduced {
    Reduced {
        version: Some(u64::from(e.version)),
        msg_type: e.msg_type.to_owned(),
        peer_address: e.peer_address.clone(),
        announced: e.announced.clone(),
        withdrawn: e.withdrawn.clone(),
        other_announced: e.other_announced,
        other_withdrawn: e.other_withdrawn,
        other_prefixes_announced: e.other_prefixes_announced.clone(),
        other_prefixes_withdrawn: e.other_prefixes_withdrawn.clone(),
        end_of_rib: e.end_of_rib.is_some(),
    }
}

/// Human-readable list of the fields that differ.
fn describe_difference(expected: &Reduced, got: &Reduced) -> String {
    let mut out = Vec::new();
    macro_rules! scalar {
        ($field:ident) => {
            if expected.$field != got.$field {
                out.push(format!(
                    "{}: expected {:?}, got {:?}",
                    stringify!($field),
                    expected.$field,
                    got.$field
                ));
            }
        };
    }
    macro_rules! set {
        ($field:ident) => {
            if expected.$field != got.$field {
                let missing: Vec<_> = expected.$field.difference(&got.$field).collect();
                let extra: Vec<_> = got.$field.difference(&expected.$field).collect();
                out.push(format!(
                    "{}: missing {:?}, unexpected {:?}",
                    stringify!($field),
                    missing,
                    extra
                ));
            }
        };
    }
    scalar!(version);
    scalar!(msg_type);
    scalar!(peer_address);
    set!(announced);
    set!(withdrawn);
    scalar!(other_announced);
    scalar!(other_withdrawn);
    set!(other_prefixes_announced);
    set!(other_prefixes_withdrawn);
    scalar!(end_of_rib);
    out.join("; ")
}

#[test]
fn decode_matches_netgauze_expected() {
    let Some(dir) = captures_dir() else { return };
    let mut failures = Vec::new();
    let goldens = load_goldens(&dir, &mut failures);
    for g in &goldens {
        let files = StreamFiles::write(g.pcap, &g.streams);
        let run = run_decode(&files.paths);
        for bad in &run.bad_lines {
            failures.push(format!("{}: {bad}", g.pcap));
        }
        if !matches!(run.status, Some(0 | 1)) {
            failures.push(format!(
                "{}: bmpctl exited with {:?} (expected 0 or 1); stderr: {}",
                g.pcap,
                run.status,
                stderr_excerpt(&run.stderr)
            ));
        }
        if run.messages.len() != g.expected.len() {
            failures.push(format!(
                "{}: bmpctl printed {} message lines, NetGauze has {} (exit {:?}; stderr: {})",
                g.pcap,
                run.messages.len(),
                g.expected.len(),
                run.status,
                stderr_excerpt(&run.stderr)
            ));
        }
        // Our message lines, keyed by (stream path, offset).
        let mut by_position: BTreeMap<(String, u64), &Value> = BTreeMap::new();
        for (i, m) in run.messages.iter().enumerate() {
            let stream = m.get("stream").and_then(Value::as_str);
            let offset = m.get("offset").and_then(Value::as_u64);
            match (stream, offset) {
                (Some(s), Some(o)) => {
                    by_position.insert((s.to_owned(), o), m);
                }
                _ => failures.push(format!(
                    "{}: message line {} has no \"stream\"/\"offset\": {:.200}",
                    g.pcap,
                    i + 1,
                    m.to_string()
                )),
            }
        }
        if run.messages.is_empty() {
            continue; // Already reported above; one line per message would only add noise.
        }
        let input_paths: BTreeSet<String> = files
            .paths
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        let printed_streams: BTreeSet<&String> = by_position.keys().map(|(s, _)| s).collect();
        if printed_streams.iter().any(|s| !input_paths.contains(*s)) {
            failures.push(format!(
                "{}: \"stream\" values {printed_streams:?} are not the input paths {input_paths:?}",
                g.pcap
            ));
        }
        for (position, (message, expected)) in g.order.iter().zip(&g.expected).enumerate() {
            let stream_name = &g.streams[message.stream].name;
            let path = files.paths[message.stream].to_string_lossy().into_owned();
            let key = (path, message.header.offset as u64);
            let context = format!(
                "{} msg #{position} ({} line {}, stream {stream_name} offset {})",
                g.pcap, g.json, expected.line, message.header.offset
            );
            let Some(ours) = by_position.get(&key) else {
                failures.push(format!(
                    "{context}: bmpctl printed no message for this stream and offset"
                ));
                continue;
            };
            let (want, got) = (reduce_expected(expected), reduce(ours));
            if want != got {
                failures.push(format!("{context}: {}", describe_difference(&want, &got)));
            }
        }
    }
    assert_no_failures(
        "bmpctl decode --json vs NetGauze expected output",
        &failures,
    );
}

#[test]
fn decode_counts_match_sources() {
    let Some(dir) = captures_dir() else { return };
    let mut failures = Vec::new();
    let mut exits = Vec::new();
    for src in CAPTURES {
        let streams = extract::tcp_streams(&dir.join(src.file), src.port).streams;
        let files = StreamFiles::write(src.file, &streams);
        let run = run_decode(&files.paths);
        let mut fail = |msg: String| failures.push(format!("{}: {msg}", src.file));
        for bad in &run.bad_lines {
            fail(bad.clone());
        }

        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for m in &run.messages {
            let t = m.get("type").and_then(Value::as_str).unwrap_or("?");
            let name = [
                "initiation",
                "termination",
                "peer_up",
                "peer_down",
                "route_monitoring",
                "statistics_report",
                "route_mirroring",
                "unknown",
            ]
            .into_iter()
            .find(|&n| n == t)
            .unwrap_or("<unexpected type>");
            *counts.entry(name).or_default() += 1;
        }
        if counts != src.counts() {
            fail(format!(
                "bmpctl counts {} but SOURCES.md says {}",
                format_counts(&counts),
                format_counts(&src.counts())
            ));
        }

        let truncated: Vec<&Value> = run
            .findings
            .iter()
            .filter(|f| f.get("kind").and_then(Value::as_str) == Some("truncated_message"))
            .collect();
        if src.truncated_tail.is_some() {
            if truncated.len() != 1 {
                fail(format!(
                    "expected exactly one truncated_message finding, got {}: {:?}",
                    truncated.len(),
                    truncated
                ));
            }
            if run.status != Some(1) {
                fail(format!(
                    "expected exit status 1 for a truncated capture, got {:?}; stderr: {}",
                    run.status,
                    stderr_excerpt(&run.stderr)
                ));
            }
        } else {
            // SOURCES.md's framer found every stream ending on a message boundary.
            if !truncated.is_empty() {
                fail(format!(
                    "unexpected truncated_message finding(s): {truncated:?}"
                ));
            }
            if !matches!(run.status, Some(0 | 1)) {
                fail(format!(
                    "exit status {:?}, expected 0 or 1; stderr: {}",
                    run.status,
                    stderr_excerpt(&run.stderr)
                ));
            }
        }
        let kinds: BTreeSet<&str> = run
            .findings
            .iter()
            .filter_map(|f| f.get("kind").and_then(Value::as_str))
            .collect();
        exits.push(format!(
            "{}: exit {:?}, {} messages, {} findings {kinds:?}",
            src.file,
            run.status,
            run.messages.len(),
            run.findings.len()
        ));
    }
    // Record which exit status each capture gives (visible with --nocapture or on failure).
    eprintln!(
        "bmpctl decode --json exit status per capture:\n  {}",
        exits.join("\n  ")
    );
    assert_no_failures("bmpctl decode --json counts vs SOURCES.md", &failures);
}

/// Frame for the synthetic capture: Ethernet (optionally 802.1Q tagged) / IPv4 / TCP, padded.
fn synthetic_frame(src_port: u16, dst_port: u16, seq: u32, payload: &[u8], vlan: bool) -> Vec<u8> {
    let segment = pcap::Segment {
        src: (IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)), src_port),
        dst: (IpAddr::V4(Ipv4Addr::new(192, 0, 2, 2)), dst_port),
        seq,
        flags: pcap::ACK | pcap::PSH,
        payload: payload.to_vec(),
    };
    segment.frame(if vlan {
        pcap::Link::Vlan
    } else {
        pcap::Link::Ethernet
    })
}

/// Legacy pcap file (Ethernet) holding `frames`, little- or big-endian.
fn synthetic_pcap(frames: &[Vec<u8>], big_endian: bool) -> Vec<u8> {
    let packets: Vec<(pcap::Time, Vec<u8>)> = (0..)
        .zip(frames)
        .map(|(i, frame)| ((i, 0), frame.clone()))
        .collect();
    let format = pcap::PcapFormat {
        big_endian,
        nanos: false,
    };
    pcap::pcap_with(format, pcap::Link::Ethernet.linktype(), &packets)
}

/// The extractor itself, on a hand-made capture with the cases the real captures lack
/// (retransmission, overlap, out-of-order arrival, sequence wrap, VLAN tag, big-endian pcap).
#[test]
fn extractor_reassembles_synthetic_capture() {
    // Flow A: Initiation (18 bytes), Termination (10), Termination (6). Flow B: one Termination.
    let mut a = vec![3, 0, 0, 0, 18, 4, 0, 2, 0, 8];
    a.extend_from_slice(b"router-1");
    a.extend_from_slice(&[3, 0, 0, 0, 10, 5, 0, 1, 0, 0]);
    a.extend_from_slice(&[3, 0, 0, 0, 6, 5]); // a header-only message
    let b = [3, 0, 0, 0, 10, 5, 0, 1, 0, 0];
    let b_seq = 0xffff_fffa; // wraps after 6 bytes
    let frames = vec![
        synthetic_frame(40000, 1790, 1000, &a[0..8], false), // 0
        synthetic_frame(40001, 1790, b_seq, &b[0..6], true), // 1
        synthetic_frame(40000, 1790, 1016, &a[16..34], true), // 2: ahead of a hole
        synthetic_frame(40000, 1790, 1000, &a[0..8], false), // 3: retransmission
        synthetic_frame(40000, 179, 1000, b"not bmp, other port", false), // 4: ignored
        synthetic_frame(40000, 1790, 1004, &a[4..16], false), // 5: overlaps, fills hole
        synthetic_frame(40001, 1790, b_seq.wrapping_add(6), &b[6..], true), // 6: after the wrap
    ];
    for big_endian in [false, true] {
        let path = std::env::temp_dir().join(format!(
            "bmpctl-test-{}-synthetic-{}.pcap",
            std::process::id(),
            if big_endian { "be" } else { "le" }
        ));
        std::fs::write(&path, synthetic_pcap(&frames, big_endian)).unwrap();
        let extraction = extract::tcp_streams(&path, 1790);
        let simple = extract::bmp_streams(&path, 1790);
        let _ = std::fs::remove_file(&path);

        let what = if big_endian {
            "big-endian pcap"
        } else {
            "little-endian pcap"
        };
        assert_eq!(extraction.packets, frames.len(), "{what}: packet count");
        let names: Vec<&str> = simple.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(
            names,
            ["192.0.2.1:40000", "192.0.2.1:40001"],
            "{what}: flows in first-packet order"
        );
        assert_eq!(simple[0].1, a, "{what}: flow A bytes");
        assert_eq!(simple[1].1, b, "{what}: flow B bytes (sequence wrap)");

        let flow_a = &extraction.streams[0];
        assert_eq!(
            (
                flow_a.segments,
                flow_a.duplicate_segments,
                flow_a.trimmed_segments,
                flow_a.out_of_order_segments
            ),
            (4, 1, 1, 2),
            "{what}: flow A (segments, duplicates, trimmed, out of order)"
        );
        assert!(
            flow_a.gaps.is_empty(),
            "{what}: flow A gaps {:?}",
            flow_a.gaps
        );
        // Byte 0 came with packet 0, bytes 8..16 with packet 5, the rest with packet 2.
        let packets: Vec<Option<usize>> = [0, 7, 8, 15, 16, 33, 34]
            .iter()
            .map(|&o| flow_a.packet_of(o))
            .collect();
        assert_eq!(
            packets,
            [Some(0), Some(0), Some(5), Some(5), Some(2), Some(2), None],
            "{what}: packet_of"
        );

        let walk = walk_bmp(&simple[0].1);
        let types: Vec<u8> = walk.messages.iter().map(|m| m.msg_type).collect();
        assert_eq!(types, [4, 5, 5], "{what}: BMP messages of flow A");
        assert!(
            walk.partial.is_none() && walk.error.is_none(),
            "{what}: {walk:?}"
        );
    }
    // A message cut short at the end of a stream is reported, not counted.
    let walk = walk_bmp(&a[..31]);
    assert_eq!(walk.messages.len(), 2);
    let partial = walk.partial.expect("partial message");
    assert_eq!(
        (
            partial.offset,
            partial.available,
            partial.header.map(|h| h.length)
        ),
        (28, 3, None)
    );
}

/// `bmpctl decode capture.pcap` (the product's own capture reader and TCP reassembly, not the
/// test extractor) gives every capture's message counts per type, its number of BMP streams,
/// and capture timestamps on every message.
#[test]
fn decode_of_capture_files_matches_sources() {
    let Some(dir) = captures_dir() else { return };
    let mut failures = Vec::new();
    for src in CAPTURES {
        let run = run_decode(&[dir.join(src.file)]);
        let mut fail = |msg: String| failures.push(format!("{}: {msg}", src.file));
        for bad in &run.bad_lines {
            fail(bad.clone());
        }
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        let mut streams: BTreeSet<&str> = BTreeSet::new();
        for m in &run.messages {
            let t = m.get("type").and_then(Value::as_str).unwrap_or("?");
            let name = [
                "initiation",
                "termination",
                "peer_up",
                "peer_down",
                "route_monitoring",
                "statistics_report",
                "route_mirroring",
                "unknown",
            ]
            .into_iter()
            .find(|&n| n == t)
            .unwrap_or("<unexpected type>");
            *counts.entry(name).or_default() += 1;
            streams.insert(m.get("stream").and_then(Value::as_str).unwrap_or("?"));
            if m.get("observed_time").and_then(Value::as_str).is_none() {
                fail(format!(
                    "message without observed_time: {:.200}",
                    m.to_string()
                ));
            }
        }
        if counts != src.counts() {
            fail(format!(
                "bmpctl counts {} but SOURCES.md says {}",
                format_counts(&counts),
                format_counts(&src.counts())
            ));
        }
        if let Some(n) = src.streams {
            if streams.len() != n {
                fail(format!(
                    "{} BMP streams, SOURCES.md says {n}",
                    streams.len()
                ));
            }
        }
        let truncated = run
            .findings
            .iter()
            .filter(|f| f.get("kind").and_then(Value::as_str) == Some("truncated_message"))
            .count();
        let expected_truncated = usize::from(src.truncated_tail.is_some());
        if truncated != expected_truncated {
            fail(format!(
                "{truncated} truncated_message findings, expected {expected_truncated}"
            ));
        }
        let errors: Vec<&Value> = run
            .findings
            .iter()
            .filter(|f| f.get("severity").and_then(Value::as_str) == Some("error"))
            .filter(|f| f.get("kind").and_then(Value::as_str) != Some("truncated_message"))
            .collect();
        if !errors.is_empty() {
            fail(format!("unexpected error findings: {errors:?}"));
        }
        let expected_status = if src.truncated_tail.is_some() { 1 } else { 0 };
        if run.status != Some(expected_status) {
            fail(format!(
                "exit status {:?}, expected {expected_status}; stderr: {}",
                run.status,
                stderr_excerpt(&run.stderr)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
