//! The `bmpctl` command line end to end: small dumps built with `bmpctl::testkit` are written to
//! a temporary directory and decoded by the real binary.

use crate::support;

use std::io::Read;
use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};
use std::process::Stdio;

use bmpctl::testkit::{bgp, bmp};
use serde_json::Value;

use support::{TempDir, bmpctl, bmpctl_command, json_lines};

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

fn s(p: &Path) -> &str {
    p.to_str().expect("temp paths are UTF-8")
}

const PEER_ADDR: &str = "192.0.2.1";

fn peer() -> bmp::Peer {
    bmp::Peer::global(
        IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)),
        65001,
        [192, 0, 2, 1],
    )
    .with_time(1_700_000_000, 250_000)
}

fn initiation(sys_name: &str) -> Vec<u8> {
    bmp::initiation(&[(1, b"FRRouting 10.1".as_slice()), (2, sys_name.as_bytes())])
}

fn peer_up() -> Vec<u8> {
    let caps = |asn| {
        vec![
            bgp::cap_mp(bgp::AFI_IPV4, bgp::SAFI_UNICAST),
            bgp::cap_route_refresh(),
            bgp::cap_as4(asn),
        ]
    };
    bmp::peer_up(
        &peer(),
        IpAddr::V4(Ipv4Addr::new(192, 0, 2, 254)),
        179,
        50123,
        &bgp::open(65000, 90, [192, 0, 2, 254], &caps(65000)),
        &bgp::open(65001, 90, [192, 0, 2, 1], &caps(65001)),
        &[],
    )
}

fn update(announce: &[&str], withdraw: &[&str]) -> Vec<u8> {
    let attrs = [
        bgp::origin(0),
        bgp::as_path(&[(bgp::AS_SEQUENCE, &[65001, 65010])], true),
        bgp::next_hop([192, 0, 2, 1]),
        bgp::local_pref(100),
        bgp::communities(&[0xfde9_0064]),
    ]
    .concat();
    bgp::update(
        &bgp::prefixes(None, withdraw),
        &attrs,
        &bgp::prefixes(None, announce),
    )
}

fn route_monitoring() -> Vec<u8> {
    bmp::route_monitoring(
        &peer(),
        &update(&["10.0.0.0/24", "10.0.1.0/24"], &["10.9.0.0/16"]),
    )
}

fn statistics() -> Vec<u8> {
    bmp::statistics(&peer(), &[bmp::stat_counter(0, 1), bmp::stat_gauge(7, 2)])
}

fn peer_down() -> Vec<u8> {
    bmp::peer_down(&peer(), 1, &bgp::notification(6, 2, &[]))
}

fn termination() -> Vec<u8> {
    bmp::termination(&[(1, &[0, 1])])
}

/// A clean session: no findings at all.
fn clean_dump() -> Vec<u8> {
    [
        initiation("pe1"),
        peer_up(),
        route_monitoring(),
        statistics(),
        peer_down(),
        termination(),
    ]
    .concat()
}

/// Message type names of [`clean_dump`], in order.
const CLEAN_TYPES: [&str; 6] = [
    "initiation",
    "peer_up",
    "route_monitoring",
    "statistics_report",
    "peer_down",
    "termination",
];

/// The clean session followed by the first 30 octets of another Route Monitoring.
fn truncated_dump() -> Vec<u8> {
    let mut d = clean_dump();
    d.extend_from_slice(&route_monitoring()[..30]);
    d
}

/// Garbage between the Peer Up and the Route Monitoring.
fn garbage_dump() -> Vec<u8> {
    [
        initiation("pe1"),
        peer_up(),
        vec![0xde, 0xad, 0xbe, 0xef, 0x00, 0x11, 0x22, 0x33, 0x44],
        route_monitoring(),
        termination(),
    ]
    .concat()
}

fn stdout_text(out: &std::process::Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr_text(out: &std::process::Output) -> String {
    String::from_utf8(out.stderr.clone()).expect("stderr is UTF-8")
}

/// Top-level lines (message and finding lines; `-v` detail lines are indented by 4).
fn top_lines(stdout: &str) -> Vec<&str> {
    stdout.lines().filter(|l| !l.starts_with("    ")).collect()
}

fn assert_no_escape(bytes: &[u8], what: &str) {
    assert!(
        !bytes.contains(&0x1b),
        "{what} contains an ESC byte:\n{}",
        String::from_utf8_lossy(bytes)
    );
}

// ---------------------------------------------------------------------------------------------
// Text output
// ---------------------------------------------------------------------------------------------

#[test]
fn text_one_line_per_message_with_type_and_peer() {
    let dir = TempDir::new("text");
    let path = dir.write("clean.bmp", &clean_dump());
    let out = bmpctl().args(["decode", s(&path)]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_text(&out));
    let stdout = stdout_text(&out);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines.len(),
        CLEAN_TYPES.len(),
        "one line per message:\n{stdout}"
    );
    for (line, ty) in lines.iter().zip(CLEAN_TYPES) {
        assert!(
            line.split_whitespace().any(|w| w == ty),
            "line should name {ty}: {line}"
        );
        if !matches!(ty, "initiation" | "termination") {
            assert!(
                line.contains(PEER_ADDR),
                "line should name the peer: {line}"
            );
        }
    }
    let rm = lines[2];
    for p in ["10.0.0.0/24", "10.0.1.0/24", "10.9.0.0/16"] {
        assert!(rm.contains(p), "route monitoring line lacks {p}: {rm}");
    }
    assert!(
        rm.contains("+2 -1"),
        "route monitoring line counts announced and withdrawn: {rm}"
    );
    // The router is named by its sysName once the Initiation said it.
    assert!(lines[1].contains("pe1"), "{}", lines[1]);
    assert!(
        !stdout.contains("as_path"),
        "no attributes without -v:\n{stdout}"
    );
}

#[test]
fn text_verbose_shows_attributes_on_indented_lines() {
    let dir = TempDir::new("verbose");
    let path = dir.write("clean.bmp", &clean_dump());
    let out = bmpctl().args(["decode", "-v", s(&path)]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_text(&out));
    let stdout = stdout_text(&out);
    assert_eq!(top_lines(&stdout).len(), CLEAN_TYPES.len(), "{stdout}");
    let as_path = stdout
        .lines()
        .find(|l| l.trim_start().starts_with("as_path:"))
        .unwrap_or_else(|| panic!("no as_path line with -v:\n{stdout}"));
    assert!(
        as_path.starts_with("    "),
        "attribute lines are indented: {as_path:?}"
    );
    assert!(as_path.contains("65001 65010"), "{as_path}");
    let route_lines: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("    ") && l.contains("10."))
        .collect();
    assert!(
        route_lines.iter().any(|l| l.contains("+ 10.0.0.0/24"))
            && route_lines.iter().any(|l| l.contains("- 10.9.0.0/16")),
        "every route on its own line with -v:\n{stdout}"
    );
    // The attribute lines follow the route monitoring line.
    let rm_at = stdout
        .lines()
        .position(|l| l.contains("route_monitoring"))
        .unwrap();
    let as_path_at = stdout.lines().position(|l| l == as_path).unwrap();
    assert!(as_path_at > rm_at, "{stdout}");
}

// ---------------------------------------------------------------------------------------------
// JSON output
// ---------------------------------------------------------------------------------------------

#[test]
fn json_lines_have_type_stream_offset() {
    let dir = TempDir::new("json");
    let path = dir.write("clean.bmp", &clean_dump());
    let out = bmpctl()
        .args(["decode", "--json", s(&path)])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_text(&out));
    let stdout = stdout_text(&out);
    let values = json_lines(&stdout);
    assert_eq!(values.len(), CLEAN_TYPES.len(), "{stdout}");
    let mut expected_offset = 0u64;
    let messages = [
        initiation("pe1"),
        peer_up(),
        route_monitoring(),
        statistics(),
        peer_down(),
        termination(),
    ];
    for ((v, ty), msg) in values.iter().zip(CLEAN_TYPES).zip(&messages) {
        assert_eq!(v["type"], ty, "{v}");
        assert_eq!(v["stream"], s(&path), "{v}");
        assert_eq!(v["offset"], expected_offset, "{v}");
        expected_offset += msg.len() as u64;
        if ty != "initiation" && ty != "termination" {
            assert_eq!(v["peer"]["address"], PEER_ADDR, "{v}");
        }
    }
    let rm = &values[2];
    let prefixes = |key: &str| -> Vec<String> {
        rm[key]
            .as_array()
            .unwrap_or_else(|| panic!("{key} is an array: {rm}"))
            .iter()
            .map(|r| {
                r["prefix"]
                    .as_str()
                    .unwrap_or_else(|| panic!("route has a prefix: {r}"))
                    .to_string()
            })
            .collect()
    };
    assert_eq!(prefixes("announced"), ["10.0.0.0/24", "10.0.1.0/24"]);
    assert_eq!(prefixes("withdrawn"), ["10.9.0.0/16"]);
    let down = &values[4];
    assert_eq!(down["reason"]["code"], 1, "{down}");
    assert_eq!(down["reason"]["notification"]["code"], 6, "{down}");
}

#[test]
fn json_findings_are_lines_of_type_finding() {
    let dir = TempDir::new("json-findings");
    let path = dir.write("truncated.bmp", &truncated_dump());
    let out = bmpctl()
        .args(["decode", "--json", s(&path)])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr_text(&out));
    let values = json_lines(&stdout_text(&out));
    let findings: Vec<&Value> = values.iter().filter(|v| v["type"] == "finding").collect();
    assert_eq!(findings.len(), 1, "{values:?}");
    let f = findings[0];
    assert_eq!(f["kind"], "truncated_message", "{f}");
    assert_eq!(f["severity"], "error", "{f}");
    assert_eq!(f["stream"], s(&path), "{f}");
    assert_eq!(f["offset"], clean_dump().len() as u64, "{f}");
    assert_eq!(
        values.len(),
        CLEAN_TYPES.len() + 1,
        "every message still decoded"
    );
}

// ---------------------------------------------------------------------------------------------
// Exit status and stderr
// ---------------------------------------------------------------------------------------------

#[test]
fn clean_dump_exits_0_with_only_the_summary_on_stderr() {
    let dir = TempDir::new("clean");
    let path = dir.write("clean.bmp", &clean_dump());
    for json in [false, true] {
        let mut cmd = bmpctl();
        cmd.arg("decode");
        if json {
            cmd.arg("--json");
        }
        let out = cmd.arg(&path).output().unwrap();
        let stderr = stderr_text(&out);
        assert_eq!(out.status.code(), Some(0), "{stderr}");
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(lines.len(), 1, "only the summary on stderr: {stderr:?}");
        assert!(
            lines[0].starts_with("bmpctl: 6 messages decoded from 1 stream"),
            "{stderr}"
        );
        assert!(lines[0].contains("no findings"), "{stderr}");
    }
}

#[test]
fn truncated_last_message_exits_1_with_finding() {
    let dir = TempDir::new("truncated");
    let path = dir.write("truncated.bmp", &truncated_dump());
    let out = bmpctl().args(["decode", s(&path)]).output().unwrap();
    let (stdout, stderr) = (stdout_text(&out), stderr_text(&out));
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    let finding = stdout
        .lines()
        .find(|l| l.contains("truncated_message"))
        .unwrap_or_else(|| panic!("no finding line on stdout:\n{stdout}"));
    assert!(finding.contains("error"), "{finding}");
    assert!(
        finding.contains(s(&path)),
        "the finding names the stream: {finding}"
    );
    assert_eq!(
        top_lines(&stdout).len(),
        CLEAN_TYPES.len() + 1,
        "the complete messages are still decoded:\n{stdout}"
    );
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(lines[0].contains("truncated_message"), "{stderr}");
}

#[test]
fn garbage_exits_1_and_decoding_resumes() {
    let dir = TempDir::new("garbage");
    let path = dir.write("garbage.bmp", &garbage_dump());
    let out = bmpctl().args(["decode", s(&path)]).output().unwrap();
    let (stdout, stderr) = (stdout_text(&out), stderr_text(&out));
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    let finding = stdout
        .lines()
        .find(|l| l.contains("garbage_skipped"))
        .unwrap_or_else(|| panic!("no garbage finding on stdout:\n{stdout}"));
    assert!(finding.contains("error"), "{finding}");
    // The messages after the garbage are decoded.
    assert!(
        stdout.lines().any(|l| l.contains("route_monitoring")),
        "{stdout}"
    );
    assert!(
        stdout.lines().any(|l| l.contains("termination")),
        "{stdout}"
    );
    assert!(stderr.contains("garbage_skipped"), "{stderr}");
    assert!(stderr.starts_with("bmpctl: 4 messages decoded"), "{stderr}");
}

#[test]
fn missing_file_exits_2_naming_the_file() {
    let dir = TempDir::new("missing");
    let missing = dir.0.join("does-not-exist.bmp");
    let out = bmpctl().args(["decode", s(&missing)]).output().unwrap();
    let stderr = stderr_text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(out.stdout.is_empty(), "{}", stdout_text(&out));
    let naming: Vec<&str> = stderr.lines().filter(|l| l.contains(s(&missing))).collect();
    assert_eq!(naming.len(), 1, "one line names the file: {stderr:?}");
    assert!(naming[0].starts_with("bmpctl: error"), "{}", naming[0]);
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn an_unknown_or_misspelt_family_is_a_usage_error() {
    let dir = TempDir::new("afi");
    let dump = dir.write("clean.bmp", &clean_dump());
    for bad in ["ipv5", "IPv4", "ipv4-unicast", "unicast", "afi_1_safi_1"] {
        for cmd in ["decode", "peers", "timeline", "churn"] {
            let out = bmpctl()
                .args([cmd, "--afi", bad, s(&dump)])
                .output()
                .unwrap();
            let stderr = stderr_text(&out);
            assert_eq!(out.status.code(), Some(2), "{cmd} --afi {bad}: {stderr}");
            assert!(
                stderr.contains(&format!("'{bad}' is not an address family")),
                "{cmd} --afi {bad}: {stderr}"
            );
            assert!(out.stdout.is_empty(), "{cmd} --afi {bad}");
        }
    }
    // Every spelling JSON writes is accepted: a whole AFI, a family, a family without a name.
    for good in [
        "ipv4",
        "ipv6",
        "l2vpn",
        "bgp_ls",
        "ipv4_unicast",
        "l2vpn_evpn",
        "afi_99_safi_7",
    ] {
        let out = bmpctl()
            .args(["decode", "--afi", good, s(&dump)])
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "--afi {good}: {}",
            stderr_text(&out)
        );
    }
    // The filter selects: the dump's routes are IPv4 unicast.
    let routes = |afi: &str| {
        let out = bmpctl()
            .args(["decode", "--json", "--afi", afi, s(&dump)])
            .output()
            .unwrap();
        json_lines(&stdout_text(&out))
            .iter()
            .filter(|v| v["type"] == "route_monitoring")
            .count()
    };
    assert!(routes("ipv4_unicast") > 0);
    assert_eq!(routes("ipv6_unicast"), 0);
}

#[test]
fn unknown_flag_is_a_usage_error() {
    let out = bmpctl()
        .args(["decode", "--no-such-flag", "x.bmp"])
        .output()
        .unwrap();
    let stderr = stderr_text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--no-such-flag"), "{stderr}");
    assert!(out.stdout.is_empty());
    let out = bmpctl().output().unwrap();
    assert_eq!(out.status.code(), Some(2), "no subcommand is a usage error");
    let out = bmpctl().arg("decode").output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "decode without FILE is a usage error"
    );
}

#[test]
fn one_missing_file_of_two_exits_2_but_the_other_decodes() {
    let dir = TempDir::new("one-missing");
    let good = dir.write("good.bmp", &clean_dump());
    let missing = dir.0.join("missing.bmp");
    for order in [[&missing, &good], [&good, &missing]] {
        let out = bmpctl()
            .args(["decode", "--json", s(order[0]), s(order[1])])
            .output()
            .unwrap();
        let (stdout, stderr) = (stdout_text(&out), stderr_text(&out));
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        let values = json_lines(&stdout);
        assert_eq!(values.len(), CLEAN_TYPES.len(), "{stdout}");
        assert!(values.iter().all(|v| v["stream"] == s(&good)), "{stdout}");
        assert_eq!(
            stderr.lines().filter(|l| l.contains(s(&missing))).count(),
            1,
            "{stderr}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// stdin
// ---------------------------------------------------------------------------------------------

#[test]
fn stdin_is_read_with_dash() {
    let out = bmpctl()
        .args(["decode", "--json", "-"])
        .write_stdin(clean_dump())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_text(&out));
    let values = json_lines(&stdout_text(&out));
    let types: Vec<&str> = values.iter().map(|v| v["type"].as_str().unwrap()).collect();
    assert_eq!(types, CLEAN_TYPES);
    assert!(values.iter().all(|v| v["stream"] == "-"));

    let out = bmpctl()
        .args(["decode", "-"])
        .write_stdin(truncated_dump())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout_text(&out).contains("truncated_message"));
}

// ---------------------------------------------------------------------------------------------
// Colour
// ---------------------------------------------------------------------------------------------

#[test]
fn color_always_colours_text() {
    let dir = TempDir::new("color");
    let path = dir.write("truncated.bmp", &truncated_dump());
    // support::bmpctl() sets NO_COLOR=1: an explicit --color always still wins.
    let out = bmpctl()
        .args(["--color", "always", "decode", s(&path)])
        .output()
        .unwrap();
    assert!(
        out.stdout.windows(2).any(|w| w == b"\x1b["),
        "no ANSI escape with --color always:\n{}",
        stdout_text(&out)
    );
    // The flag is global: after the subcommand too.
    let out = bmpctl()
        .args(["decode", "--color", "always", s(&path)])
        .output()
        .unwrap();
    assert!(out.stdout.windows(2).any(|w| w == b"\x1b["));
}

#[test]
fn color_never_and_no_color_give_plain_text() {
    let dir = TempDir::new("nocolor");
    let path = dir.write("truncated.bmp", &truncated_dump());
    let out = bmpctl()
        .args(["--color", "never", "decode", s(&path)])
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    assert_no_escape(&out.stdout, "--color never");
    assert!(!out.stdout.is_empty());
    // NO_COLOR (set by support::bmpctl) with the default --color auto.
    let out = bmpctl().args(["decode", s(&path)]).output().unwrap();
    assert_no_escape(&out.stdout, "NO_COLOR=1");
    // Auto without NO_COLOR: stdout is a pipe, not a terminal.
    let out = bmpctl()
        .args(["decode", s(&path)])
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    assert_no_escape(&out.stdout, "--color auto to a pipe");
    assert_no_escape(&out.stderr, "stderr");
}

#[test]
fn json_never_has_escapes_even_with_color_always() {
    let dir = TempDir::new("json-color");
    let path = dir.write("truncated.bmp", &truncated_dump());
    let out = bmpctl()
        .args(["--color", "always", "decode", "--json", s(&path)])
        .output()
        .unwrap();
    assert_no_escape(&out.stdout, "--json --color always");
    json_lines(&stdout_text(&out));
}

// ---------------------------------------------------------------------------------------------
// Sanitising router-supplied strings
// ---------------------------------------------------------------------------------------------

const EVIL: &str = "pe\u{1b}[31mRED\u{202e}txt\u{7}";

/// Contains `EVIL` as sysName and sysDescr, as a Peer Up information string and FQDN host name,
/// as a Peer Down shutdown communication (RFC 9003) and as a Termination string.
fn evil_dump() -> Vec<u8> {
    let up = {
        let caps = [bgp::cap_as4(65001), bgp::cap_fqdn(EVIL, "example.net")];
        bmp::peer_up(
            &peer(),
            IpAddr::V4(Ipv4Addr::new(192, 0, 2, 254)),
            179,
            50123,
            &bgp::open(65000, 90, [192, 0, 2, 254], &caps),
            &bgp::open(65001, 90, [192, 0, 2, 1], &caps),
            &[(0, EVIL.as_bytes())],
        )
    };
    [
        bmp::initiation(&[(2, EVIL.as_bytes()), (1, EVIL.as_bytes())]),
        up,
        route_monitoring(),
        {
            let mut data = vec![u8::try_from(EVIL.len()).unwrap()];
            data.extend_from_slice(EVIL.as_bytes());
            bmp::peer_down(&peer(), 3, &bgp::notification(6, 2, &data))
        },
        bmp::termination(&[(0, EVIL.as_bytes())]),
    ]
    .concat()
}

fn assert_sanitised(stdout: &[u8], what: &str) {
    assert_no_escape(stdout, what);
    assert!(
        !stdout.windows(3).any(|w| w == "\u{202e}".as_bytes()),
        "{what}: raw U+202E on stdout:\n{}",
        String::from_utf8_lossy(stdout)
    );
    assert!(!stdout.contains(&0x07), "{what}: raw BEL on stdout");
}

#[test]
fn router_strings_are_escaped_in_text() {
    let dir = TempDir::new("evil");
    let path = dir.write("evil.bmp", &evil_dump());
    for verbose in [false, true] {
        let mut cmd = bmpctl();
        cmd.args(["--color", "never", "decode"]);
        if verbose {
            cmd.arg("-v");
        }
        let out = cmd.arg(&path).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr_text(&out));
        let what = if verbose { "text -v" } else { "text" };
        assert_sanitised(&out.stdout, what);
        let stdout = stdout_text(&out);
        // Still visible, as escapes.
        assert!(stdout.contains("RED"), "{stdout}");
        assert!(
            stdout.contains("\\u{1b}") && stdout.contains("\\u{202e}"),
            "escaped forms shown:\n{stdout}"
        );
        // No line broken up by router text.
        assert_eq!(top_lines(&stdout).len(), 5, "{stdout}");
        let down = stdout.lines().find(|l| l.contains("peer_down")).unwrap();
        assert!(down.contains("RED"), "shutdown communication shown: {down}");
    }
}

#[test]
fn router_strings_in_json_are_json_escaped() {
    let dir = TempDir::new("evil-json");
    let path = dir.write("evil.bmp", &evil_dump());
    let out = bmpctl()
        .args(["decode", "--json", s(&path)])
        .output()
        .unwrap();
    assert_no_escape(&out.stdout, "--json");
    let values = json_lines(&stdout_text(&out));
    // JSON carries the exact string; only the encoding escapes it.
    assert_eq!(values[1]["router"], EVIL, "{}", values[1]);
}

#[test]
fn json_lines_never_break_on_router_text() {
    // Quotes, backslashes and line breaks in every router-supplied string.
    const NASTY: &str = "r\"1\\\n2\r\n3\u{2028}4";
    let dump = [
        bmp::initiation(&[(2, NASTY.as_bytes()), (1, NASTY.as_bytes())]),
        peer_up(),
        {
            let mut data = vec![u8::try_from(NASTY.len()).unwrap()];
            data.extend_from_slice(NASTY.as_bytes());
            bmp::peer_down(&peer(), 3, &bgp::notification(6, 2, &data))
        },
        bmp::termination(&[(0, NASTY.as_bytes())]),
    ]
    .concat();
    let dir = TempDir::new("nasty-json");
    let path = dir.write("nasty.bmp", &dump);
    let out = bmpctl()
        .args(["decode", "--json", s(&path)])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_text(&out));
    let values = json_lines(&stdout_text(&out));
    assert_eq!(values.len(), 4, "one line per message");
    assert_eq!(values[0]["information"][0]["value"], NASTY, "{}", values[0]);
    assert_eq!(values[1]["router"], NASTY, "{}", values[1]);
    let notification = &values[2]["reason"]["notification"];
    assert_eq!(
        notification["shutdown_communication"], NASTY,
        "{notification}"
    );
    assert_eq!(values[3]["information"][0]["value"], NASTY, "{}", values[3]);
}

#[test]
fn json_lines_start_with_type() {
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/recordings/frr.pcap");
    let dir = TempDir::new("json-first-key");
    let truncated = dir.write("truncated.bmp", &truncated_dump());
    for input in [sample, s(&truncated)] {
        let out = bmpctl().args(["decode", "--json", input]).output().unwrap();
        let stdout = stdout_text(&out);
        assert!(stdout.lines().count() > 1, "{input}: {stdout}");
        for line in stdout.lines() {
            assert!(
                line.starts_with("{\"type\":\""),
                "{input}: `type` is not the first key: {line}"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Broken pipe
// ---------------------------------------------------------------------------------------------

/// About 4 MB of Route Monitoring after a Peer Up.
fn big_dump() -> Vec<u8> {
    let mut d = [initiation("pe1"), peer_up()].concat();
    let prefixes: Vec<String> = (0..200)
        .map(|i| format!("10.{}.{}.0/24", i / 256, i % 256))
        .collect();
    let refs: Vec<&str> = prefixes.iter().map(String::as_str).collect();
    let rm = bmp::route_monitoring(&peer(), &update(&refs, &[]));
    while d.len() < 4 << 20 {
        d.extend_from_slice(&rm);
    }
    d
}

fn run_into_closed_pipe(args: &[&str]) {
    run_into_closed_pipe_expecting(args, 0);
}

/// Runs bmpctl, reads the first 64 bytes of its output, closes the pipe; the exit status must
/// be `code`, with no panic.
fn run_into_closed_pipe_expecting(args: &[&str], code: i32) {
    let mut child = bmpctl_command()
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn bmpctl");
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 64];
    stdout.read_exact(&mut first).expect("some output first");
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    let stderr = stderr_text(&out);
    assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    assert_eq!(
        out.status.code(),
        Some(code),
        "{args:?}: a closed stdout is not an error of its own: {stderr}"
    );
}

#[test]
fn broken_pipe_exits_quietly() {
    let dir = TempDir::new("pipe");
    let path = dir.write("big.bmp", &big_dump());
    run_into_closed_pipe(&["decode", s(&path)]);
    run_into_closed_pipe(&["decode", "--json", s(&path)]);
    run_into_closed_pipe(&["decode", "-v", s(&path)]);
    // An input that could not be read, before the pipe closed, is still an I/O failure.
    let missing = dir.0.join("missing.bmp");
    run_into_closed_pipe_expecting(&["decode", s(&missing), s(&path)], 2);
}

// ---------------------------------------------------------------------------------------------
// Help
// ---------------------------------------------------------------------------------------------

/// The shared filters select what `decode` shows and what the summary line and the exit status
/// count: `--rib` and `--peer` drop messages without a per-peer header (and findings without
/// a peer), `--router` matches the sysName, `--until` keeps messages without a time.
#[test]
fn filters_select_messages_and_what_counts() {
    let dir = TempDir::new("filters");
    let post = peer().with_flags(0x40).with_time(1_700_000_100, 0);
    let dump = [
        initiation("pe1"),
        peer_up(),
        route_monitoring(),
        bmp::route_monitoring(&post, &update(&["10.0.2.0/24"], &[])),
        termination(),
    ]
    .concat();
    let file = dir.write("filters.bmp", &dump);
    let garbage = dir.write("garbage.bmp", &garbage_dump());
    let run = |args: &[&str], f: &Path| {
        let out = bmpctl()
            .args(["decode", "--json"])
            .args(args)
            .arg(f)
            .output()
            .unwrap();
        let types: Vec<String> = json_lines(&stdout_text(&out))
            .iter()
            .map(|v| v["type"].as_str().unwrap_or("?").to_string())
            .collect();
        (types, stderr_text(&out), out.status.code())
    };
    let all = [
        "initiation",
        "peer_up",
        "route_monitoring",
        "route_monitoring",
        "termination",
    ];
    assert_eq!(run(&[], &file).0, all);
    assert_eq!(run(&["--router", "pe1"], &file).0, all);
    let (types, stderr, _) = run(&["--router", "pe2"], &file);
    assert!(types.is_empty(), "{types:?}");
    assert!(stderr.contains("0 messages decoded"), "{stderr}");
    assert_eq!(run(&["--rib", "in-post"], &file).0, ["route_monitoring"]);
    assert_eq!(
        run(&["--until", "2023-11-14T22:13:21Z"], &file).0,
        ["initiation", "peer_up", "route_monitoring", "termination"]
    );
    assert_eq!(
        run(&["--peer", "192.0.2.1"], &file).0,
        ["peer_up", "route_monitoring", "route_monitoring"]
    );
    // The garbage finding has no peer: with --rib it is not counted, and the run is clean.
    let (_, stderr, status) = run(&[], &garbage);
    assert_eq!(status, Some(1), "{stderr}");
    let (_, stderr, status) = run(&["--rib", "in-pre"], &garbage);
    assert_eq!(status, Some(0), "{stderr}");
    assert!(stderr.contains("no findings"), "{stderr}");
}

/// `--max-sessions` out of range is a usage error, not a station that refuses everyone (0) or
/// a panic (above what a semaphore holds).
#[test]
fn max_sessions_out_of_range_is_a_usage_error() {
    for n in ["0", "1000001", "99999999999999999999"] {
        let out = bmpctl()
            .args(["listen", "127.0.0.1:0", "--max-sessions", n])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{n}");
        assert!(stderr_text(&out).contains("session count"), "{n}");
    }
}

#[test]
fn help_has_examples() {
    for args in [&["--help"][..], &["decode", "--help"], &["help", "decode"]] {
        let out = bmpctl().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        let stdout = stdout_text(&out);
        assert!(stdout.contains("Examples:"), "{args:?}:\n{stdout}");
        assert!(stdout.contains("bmpctl decode"), "{args:?}:\n{stdout}");
    }
}

/// For `peers` and `churn` a file is decoded on a second thread and its events handed over
/// (`bmpctl::handoff`); standard input is always decoded inline. Both must give the same
/// output, stream names aside, for every command, on the shipped recordings and a dump with
/// findings.
#[test]
fn threaded_file_runs_match_inline_stdin_runs() {
    let dir = TempDir::new("threaded");
    let garbage = dir.write("garbage.bmp", &garbage_dump());
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples");
    let files = [
        root.join("synthetic-session.bmp"),
        root.join("recordings/frr.bmp"),
        root.join("recordings/gobgp.bmp"),
        garbage,
    ];
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        for args in [
            &["decode", "--json"][..],
            &["decode", "-v"],
            &["peers", "--json"],
            &["timeline", "--json"],
            &["churn", "--json"],
            &["peers"],
        ] {
            let threaded = bmpctl().args(args).arg(file).output().unwrap();
            let inline = bmpctl()
                .args(args)
                .arg("-")
                .write_stdin(bytes.clone())
                .output()
                .unwrap();
            let name = s(file);
            assert_eq!(
                stdout_text(&threaded).replace(name, "-"),
                stdout_text(&inline),
                "{args:?} {name}"
            );
            assert_eq!(
                stderr_text(&threaded).replace(name, "-"),
                stderr_text(&inline),
                "{args:?} {name}"
            );
            assert_eq!(
                threaded.status.code(),
                inline.status.code(),
                "{args:?} {name}"
            );
        }
    }
}
