//! The JSON examples of `docs/json.md` against what the binary prints today.
//!
//! Every ```json block there is preceded by a marker line that says how to reproduce it:
//!
//! ```text
//! <!-- example: bmpctl ARGS… | SELECT [at PATH] -->
//! ```
//!
//! `SELECT` is `line N` (line N of stdout, from 1), `first KEY=VALUE…` (the first line in which
//! every dotted KEY holds VALUE) or `document` (all of stdout, one JSON document); `at PATH`
//! keeps only that part of it (dotted keys, numbers index arrays). An argument `@NAME` is a
//! synthetic input that this file builds with the `testkit` encoders ([`synthetic`]); the
//! command then runs in a directory holding it as `NAME`, so that stream names read `NAME`.
//! Other commands run from the crate root, on shipped files (`samples/…`).
//!
//! The test runs every marked command with `NO_COLOR=1` and without `COLUMNS`, and requires the
//! documented block to equal the selected output as parsed JSON (key order free, numbers
//! exact: `1` and `1.0` differ). It fails on any ```json block without a marker and on a marker
//! without a block. A failure prints the real value, ready to paste.
//!
//! `BMPCTL_DOC_INPUTS=DIR cargo test --test it doc_examples::` also writes the synthetic inputs to
//! DIR, to run the documented commands by hand.

use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};

use crate::support::nlri::{RD_65000_1, evpn_mac_ip};

use bmpctl::testkit::{bgp, bmp};
use serde_json::Value;

/// The documentation file, relative to the crate root.
const DOC: &str = "docs/json.md";

/// What a marker selects from the command's stdout.
#[derive(Debug)]
enum Select {
    /// Line N (from 1) of NDJSON output.
    Line(usize),
    /// The first NDJSON line in which every dotted key holds the value (compared as text).
    First(Vec<(String, String)>),
    /// All of stdout, one JSON document.
    Document,
}

/// One documented example.
#[derive(Debug)]
struct Example {
    /// Line of the marker in the documentation (from 1).
    line: usize,
    /// The marker as written, for messages.
    marker: String,
    /// Arguments after `bmpctl`.
    args: Vec<String>,
    select: Select,
    /// Path inside the selected value (`at PATH`); empty for all of it.
    at: Vec<String>,
    /// The documented JSON.
    expected: Value,
}

/// Parses a marker's inside (`bmpctl ARGS… | SELECT [at PATH]`).
fn parse_marker(spec: &str) -> Result<(Vec<String>, Select, Vec<String>), String> {
    let (command, selection) = spec
        .rsplit_once(" | ")
        .ok_or("no ` | ` between the command and the selection")?;
    let mut words = command.split_whitespace().map(str::to_string);
    if words.next().as_deref() != Some("bmpctl") {
        return Err("the command must start with `bmpctl`".into());
    }
    let args: Vec<String> = words.collect();
    let (select, at) = match selection.split_once(" at ") {
        Some((s, path)) => (s.trim(), path.trim()),
        None => (selection.trim(), ""),
    };
    let at: Vec<String> = if at.is_empty() {
        Vec::new()
    } else {
        at.split('.').map(str::to_string).collect()
    };
    let mut sel = select.split_whitespace();
    let select = match sel.next() {
        Some("line") => {
            let n: usize = sel
                .next()
                .and_then(|n| n.parse().ok())
                .filter(|&n| n > 0)
                .ok_or("`line` needs a line number from 1")?;
            Select::Line(n)
        }
        Some("first") => {
            let conds: Vec<(String, String)> = sel
                .map(|c| {
                    c.split_once('=')
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                        .ok_or_else(|| format!("`{c}` is not KEY=VALUE"))
                })
                .collect::<Result<_, _>>()?;
            if conds.is_empty() {
                return Err("`first` needs at least one KEY=VALUE".into());
            }
            return Ok((args, Select::First(conds), at));
        }
        Some("document") => Select::Document,
        _ => return Err("the selection must be `line N`, `first KEY=VALUE…` or `document`".into()),
    };
    if let Some(extra) = sel.next() {
        return Err(format!("unexpected `{extra}` in the selection"));
    }
    Ok((args, select, at))
}

/// Every example of the documentation; an error for a ```json block without a marker, a marker
/// without a ```json block right after it, a bad marker or a block that is not JSON.
fn examples(doc: &str) -> Result<Vec<Example>, Vec<String>> {
    let lines: Vec<&str> = doc.lines().collect();
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim();
        // Other fenced blocks (```text, ```sh) may show a marker without being one.
        if line.starts_with("```") && line != "```json" {
            let close = lines[i + 1..].iter().position(|l| l.trim() == "```");
            i += close.map_or(lines.len(), |c| c + 2);
            continue;
        }
        if let Some(spec) = line
            .strip_prefix("<!-- example:")
            .and_then(|s| s.strip_suffix("-->"))
        {
            let n = i + 1;
            if lines.get(i + 1).map(|l| l.trim()) != Some("```json") {
                errors.push(format!(
                    "{DOC}:{n}: the marker is not followed by a ```json block"
                ));
                i += 1;
                continue;
            }
            let Some(len) = lines[i + 2..].iter().position(|l| l.trim() == "```") else {
                errors.push(format!("{DOC}:{n}: the ```json block is not closed"));
                break;
            };
            let body = lines[i + 2..i + 2 + len].join("\n");
            match (parse_marker(spec.trim()), serde_json::from_str(&body)) {
                (Ok((args, select, at)), Ok(expected)) => out.push(Example {
                    line: n,
                    marker: line.to_string(),
                    args,
                    select,
                    at,
                    expected,
                }),
                (Err(e), _) => errors.push(format!("{DOC}:{n}: bad marker: {e}")),
                (_, Err(e)) => errors.push(format!("{DOC}:{n}: the block is not JSON: {e}")),
            }
            i += 2 + len + 1;
            continue;
        }
        if line == "```json" {
            errors.push(format!(
                "{DOC}:{}: a ```json block without an `<!-- example: … -->` marker on the line before",
                i + 1
            ));
        }
        i += 1;
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// The value at a dotted path (numbers index arrays).
fn at<'v>(value: &'v Value, path: &[impl AsRef<str>]) -> Option<&'v Value> {
    path.iter().try_fold(value, |v, key| {
        let key = key.as_ref();
        match v {
            Value::Array(a) => key.parse::<usize>().ok().and_then(|n| a.get(n)),
            Value::Object(o) => o.get(key),
            _ => None,
        }
    })
}

/// A scalar as the text a `first KEY=VALUE` condition compares with.
fn as_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Runs the example's command; returns the selected value or why there is none.
fn actual(ex: &Example, inputs: &Path) -> Result<Value, String> {
    let synthetic_run = ex.args.iter().any(|a| a.starts_with('@'));
    let dir = if synthetic_run {
        inputs.to_path_buf()
    } else {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
    };
    let args: Vec<&str> = ex
        .args
        .iter()
        .map(|a| a.strip_prefix('@').unwrap_or(a))
        .collect();
    let out = crate::support::bmpctl_command()
        .args(&args)
        .current_dir(&dir)
        .output()
        .map_err(|e| format!("cannot run bmpctl: {e}"))?;
    if out.status.code() == Some(2) {
        return Err(format!(
            "bmpctl exited with status 2: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let stdout = String::from_utf8(out.stdout).map_err(|e| format!("stdout is not UTF-8: {e}"))?;
    let parse = |(n, l): (usize, &str)| -> Result<Value, String> {
        serde_json::from_str(l).map_err(|e| format!("stdout line {} is not JSON: {e}", n + 1))
    };
    let selected = match &ex.select {
        Select::Document => serde_json::from_str(&stdout)
            .map_err(|e| format!("stdout is not one JSON document: {e}"))?,
        Select::Line(n) => {
            let line = stdout
                .lines()
                .nth(n - 1)
                .ok_or_else(|| format!("stdout has only {} lines", stdout.lines().count()))?;
            parse((n - 1, line))?
        }
        Select::First(conds) => {
            let mut found = None;
            for (n, line) in stdout.lines().enumerate() {
                let v = parse((n, line))?;
                let matches = conds.iter().all(|(k, want)| {
                    let path: Vec<&str> = k.split('.').collect();
                    at(&v, &path).is_some_and(|got| as_text(got) == *want)
                });
                if matches {
                    found = Some(v);
                    break;
                }
            }
            found.ok_or("no line of stdout matches")?
        }
    };
    at(&selected, &ex.at)
        .cloned()
        .ok_or_else(|| format!("the output has nothing at `{}`", ex.at.join(".")))
}

#[test]
fn documented_json_examples_equal_real_output() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(root.join(DOC)).expect("docs/json.md is readable");
    let examples = match examples(&doc) {
        Ok(e) => e,
        Err(errors) => panic!("{}", errors.join("\n")),
    };
    assert!(!examples.is_empty(), "{DOC} has no examples");

    let inputs = crate::support::TempDir::new("doc-examples");
    let keep = std::env::var_os("BMPCTL_DOC_INPUTS").map(PathBuf::from);
    for (name, bytes) in synthetic() {
        inputs.write(name, &bytes);
        if let Some(dir) = &keep {
            std::fs::create_dir_all(dir).expect("BMPCTL_DOC_INPUTS directory");
            std::fs::write(dir.join(name), &bytes).expect("synthetic input written");
        }
    }
    let known: Vec<&str> = synthetic().iter().map(|(n, _)| *n).collect();

    let mut failures = Vec::new();
    for ex in &examples {
        for a in ex.args.iter().filter_map(|a| a.strip_prefix('@')) {
            assert!(
                known.contains(&a),
                "{DOC}:{}: no synthetic input named @{a} (known: {known:?})",
                ex.line
            );
        }
        match actual(ex, inputs.path()) {
            Ok(real) if real == ex.expected => {}
            Ok(real) => failures.push(format!(
                "{DOC}:{}: {}\nthe example differs from the real output, which is:\n{}",
                ex.line,
                ex.marker,
                serde_json::to_string_pretty(&real).unwrap_or_default()
            )),
            Err(e) => failures.push(format!("{DOC}:{}: {}\n{e}", ex.line, ex.marker)),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} examples in {DOC} are stale:\n\n{}",
        failures.len(),
        examples.len(),
        failures.join("\n\n")
    );
}

#[test]
fn markers_are_parsed_and_unmarked_blocks_rejected() {
    let doc = "<!-- example: bmpctl decode --json a.bmp | first type=peer_up peer.asn=1 at peer -->\n\
               ```json\n{}\n```\n\ntext\n\n```json\n[]\n```\n";
    let errors = examples(doc).expect_err("an unmarked block is an error");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains(":8:"), "{errors:?}");

    let ok = examples(&doc.replace("```json\n[]\n```\n", "")).expect("one marked block");
    assert_eq!(ok[0].args, ["decode", "--json", "a.bmp"]);
    assert!(matches!(&ok[0].select, Select::First(c) if c.len() == 2));
    assert_eq!(ok[0].at, ["peer"]);

    assert!(examples("<!-- example: bmpctl peers --json x | document -->\ntext\n").is_err());
    assert!(parse_marker("bmpctl peers x | line 0").is_err());
    assert!(parse_marker("peers x | document").is_err());
}

// ---------------------------------------------------------------------------------------------
// Synthetic inputs, for what no shipped sample holds. Documentation addresses and ASNs only;
// every timestamp 2024-06-11T14:00:00Z plus a few seconds.
// ---------------------------------------------------------------------------------------------

/// 2024-06-11T14:00:00Z.
const T0: u32 = 1_718_114_400;

/// Every synthetic input: (file name, bytes).
fn synthetic() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("routes.bmp", routes()),
        ("bmpv4.bmp", bmpv4()),
        ("odd.bmp", odd()),
    ]
}

fn initiation() -> Vec<u8> {
    bmp::initiation(&[(1, b"synthetic".as_slice()), (2, b"pe9.example".as_slice())])
}

fn peer(secs: u32) -> bmp::Peer {
    bmp::Peer::global(
        IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)),
        65001,
        [192, 0, 2, 1],
    )
    .with_time(T0 + secs, 0)
}

/// A Peer Up of `peer(0)` on a 4-octet session negotiating these families.
fn peer_up(families: &[(u16, u8)]) -> Vec<u8> {
    let caps = |asn: u32| -> Vec<Vec<u8>> {
        let mut c: Vec<Vec<u8>> = families.iter().map(|&(a, s)| bgp::cap_mp(a, s)).collect();
        c.push(bgp::cap_as4(asn));
        c
    };
    bmp::peer_up(
        &peer(0),
        IpAddr::V4(Ipv4Addr::new(192, 0, 2, 254)),
        179,
        40000,
        &bgp::open(65000, 90, [192, 0, 2, 254], &caps(65000)),
        &bgp::open(65001, 90, [192, 0, 2, 1], &caps(65001)),
        &[],
    )
}

/// ORIGIN IGP and AS_PATH 65001 (4-octet).
fn base_attrs() -> Vec<u8> {
    [
        bgp::origin(0),
        bgp::as_path(&[(bgp::AS_SEQUENCE, &[65001])], true),
    ]
    .concat()
}

/// An UPDATE announcing `nlri` of the family in MP_REACH_NLRI.
fn mp_announce(afi: u16, safi: u8, next_hop: &[u8], nlri: &[u8]) -> Vec<u8> {
    let attrs = [base_attrs(), bgp::mp_reach(afi, safi, next_hop, nlri)].concat();
    bgp::update(&[], &attrs, &[])
}

/// FlowSpec rule: dst 192.0.2.0/24, proto =6, dport >=1024 & <=2048, with its length octet.
fn flowspec_rule() -> Vec<u8> {
    let body = [
        1, 24, 192, 0, 2, // destination prefix
        3, 0x81, 6, // ip protocol: end, =, 1 octet
        5, 0x13, 0x04, 0x00, 0xd5, 0x08, 0x00, // dport: >= 1024, and <= 2048
    ];
    [&[body.len() as u8][..], &body].concat()
}

/// BGP-LS node NLRI: IS-IS L2, identifier 0, local node descriptors AS 65000 and IGP router ID
/// 0000.0000.0001.
fn bgp_ls_node() -> Vec<u8> {
    let node_desc = [
        &[0x02, 0x00, 0, 4][..],
        &65000u32.to_be_bytes(),
        &[0x02, 0x03, 0, 6],
        &[0, 0, 0, 0, 0, 1],
    ]
    .concat();
    let value = [
        &[2u8][..],
        &0u64.to_be_bytes(),
        &[0x01, 0x00],
        &(node_desc.len() as u16).to_be_bytes(),
        &node_desc,
    ]
    .concat();
    [
        &1u16.to_be_bytes()[..],
        &(value.len() as u16).to_be_bytes(),
        &value,
    ]
    .concat()
}

/// One Route Monitoring per address family after a Peer Up that negotiates them all, then one
/// IPv4 unicast UPDATE carrying the path attributes no sample has.
fn routes() -> Vec<u8> {
    const NH: [u8; 4] = [192, 0, 2, 1];
    let families = [
        (1, 1),
        (1, 4),
        (1, 128),
        (25, 70),
        (1, 132),
        (1, 133),
        (16388, 71),
        (1, 5),
        (25, 65),
    ];
    let vpn_next_hop = [&[0u8; 8][..], &NH].concat();
    let rtc = [96, 0, 0, 0xfd, 0xe8, 0x00, 0x02, 0xfd, 0xe8, 0, 0, 0, 100];
    let mvpn = [&[1u8, 12][..], &RD_65000_1, &[192, 0, 2, 1]].concat();
    let updates = [
        mp_announce(
            1,
            4,
            &NH,
            &bgp::labeled_prefix(None, &[100], None, "198.51.100.0/24"),
        ),
        mp_announce(
            1,
            128,
            &vpn_next_hop,
            &bgp::labeled_prefix(None, &[200], Some(RD_65000_1), "10.1.0.0/16"),
        ),
        mp_announce(25, 70, &NH, &evpn_mac_ip()),
        mp_announce(1, 132, &NH, &rtc),
        mp_announce(1, 133, &[], &flowspec_rule()),
        mp_announce(16388, 71, &NH, &bgp_ls_node()),
        mp_announce(1, 5, &NH, &mvpn),
        mp_announce(25, 65, &NH, &[0, 17, 1, 2, 3]),
        attributes_update(),
    ];
    let mut s = [initiation(), peer_up(&families)].concat();
    for (i, u) in updates.iter().enumerate() {
        s.extend(bmp::route_monitoring(&peer(1 + i as u32), u));
    }
    s
}

/// An IPv4 unicast UPDATE (203.0.113.0/24) with extended communities, ORIGINATOR_ID,
/// CLUSTER_LIST, AIGP, OTC, PMSI_TUNNEL, Prefix-SID and an unassigned attribute.
fn attributes_update() -> Vec<u8> {
    const OPT: u8 = bgp::FLAG_OPTIONAL;
    const OPT_TRANS: u8 = bgp::FLAG_OPTIONAL | bgp::FLAG_TRANSITIVE;
    let route_target = [0x00, 0x02, 0xfd, 0xe8, 0, 0, 0, 100];
    let unknown_ext = [0x47, 0x01, 1, 2, 3, 4, 5, 6];
    let aigp = [&[1u8, 0, 11][..], &1000u64.to_be_bytes()].concat();
    // Ingress replication, label 3000, tunnel endpoint 192.0.2.9.
    let label = 3000u32 << 4;
    let pmsi = [
        0,
        6,
        (label >> 16) as u8,
        (label >> 8) as u8,
        label as u8,
        192,
        0,
        2,
        9,
    ];
    // Label-Index TLV: type 1, length 7, reserved, flags 0, label index 16.
    let prefix_sid = [&[1u8, 0, 7, 0, 0, 0][..], &16u32.to_be_bytes()].concat();
    let attrs = [
        base_attrs(),
        bgp::next_hop([192, 0, 2, 1]),
        bgp::extended_communities(&[route_target, unknown_ext]),
        bgp::originator_id([192, 0, 2, 7]),
        bgp::cluster_list(&[[192, 0, 2, 8]]),
        bgp::attr(OPT, 26, &aigp),
        bgp::attr(OPT_TRANS, 35, &65001u32.to_be_bytes()),
        bgp::attr(OPT_TRANS, 22, &pmsi),
        bgp::attr(OPT_TRANS, 40, &prefix_sid),
        bgp::attr(OPT_TRANS, 250, &[0xca, 0xfe]),
    ]
    .concat();
    bgp::update(&[], &attrs, &bgp::prefix(None, "203.0.113.0/24"))
}

/// BMPv4 Route Monitoring: one with a Stateless Parsing TLV (Add-Path received for IPv4
/// unicast: the route carries a path ID without any Peer Up), one of a Loc-RIB instance with
/// group, VRF/table name and path status TLVs.
fn bmpv4() -> Vec<u8> {
    let attrs = [base_attrs(), bgp::next_hop([192, 0, 2, 1])].concat();
    let stateless = [69, 4, 0, 1, 1, 1];
    let with_id = bgp::update(&[], &attrs, &bgp::prefix(Some(1), "198.51.100.0/24"));
    let group = [0u8, 1, 0, 2];
    // best | primary | add-path, reason 9 (router ID)
    let status = [0u8, 0, 0, 0x8a, 0, 9];
    let plain = bgp::update(&[], &attrs, &bgp::prefix(None, "203.0.113.0/24"));
    let loc_rib = bmp::Peer::loc_rib(65000, [192, 0, 2, 254]).with_time(T0 + 2, 0);
    [
        initiation(),
        bmp::route_monitoring_v4(
            &peer(1),
            &[(1, 0, stateless.as_slice()), (4, 0, with_id.as_slice())],
        ),
        bmp::route_monitoring_v4(
            &loc_rib,
            &[
                (2, 0x8001, group.as_slice()),
                (3, 0, b"global".as_slice()),
                (5, 1, status.as_slice()),
                (4, 0, plain.as_slice()),
            ],
        ),
    ]
    .concat()
}

/// What a stream can hold besides well-formed messages: an unassigned message type, bytes that
/// do not frame, a malformed attribute, a Route Monitoring without an UPDATE, Route Mirroring
/// of an information code (messages lost), and a Peer Down with information TLVs (reason 6).
fn odd() -> Vec<u8> {
    let unknown = bmp::message(3, 7, &[0xde, 0xad, 0xbe, 0xef]);
    // MED of 3 octets instead of 4.
    let bad_med = bgp::attr(bgp::FLAG_OPTIONAL, 4, &[0, 0, 1]);
    let attrs = [base_attrs(), bgp::next_hop([192, 0, 2, 1]), bad_med].concat();
    let malformed = bgp::update(&[], &attrs, &bgp::prefix(None, "198.51.100.0/24"));
    let down_tlvs = bmp::tlv(3, b"blue");
    [
        initiation(),
        unknown,
        vec![0xff; 16],
        peer_up(&[(1, 1)]),
        bmp::route_monitoring(&peer(1), &malformed),
        bmp::route_monitoring(&peer(2), &bgp::keepalive()),
        bmp::route_mirroring(&peer(3), &[(1, 1u16.to_be_bytes().as_slice())]),
        bmp::peer_down(&peer(4), 6, &down_tlvs),
    ]
    .concat()
}
