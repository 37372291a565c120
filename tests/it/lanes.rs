//! `bmpctl peers` on files splits its work by peer across threads (`bmpctl::lanes`): every
//! lane reads every input, decodes only its own peers' messages, and the lanes' reports are
//! merged. Whatever the number of lanes, the output, the summary line and the exit status must
//! be those of one lane (`BMPCTL_LANES=1`), on generated streams built to catch what a split
//! can get wrong and on every real capture.

use crate::support;

use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};

use bmpctl::testkit::{bgp, bmp};
use serde_json::Value;
use support::{TempDir, bmpctl, captures_dir};

/// Stdout, stderr and exit status of `bmpctl ARGS FILES` with `lanes` lanes.
fn run(lanes: usize, args: &[&str], files: &[&Path]) -> (String, String, Option<i32>) {
    let out = bmpctl()
        .env("BMPCTL_LANES", lanes.to_string())
        .args(args)
        .args(files)
        .output()
        .unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
        out.status.code(),
    )
}

/// Asserts that 2, 3 and 5 lanes give what one lane gives; returns one lane's run.
fn assert_lanes_agree(args: &[&str], files: &[&Path]) -> (String, String, Option<i32>) {
    let one = run(1, args, files);
    for lanes in [2, 3, 5] {
        let many = run(lanes, args, files);
        assert_eq!(many.0, one.0, "stdout, {lanes} lanes, {args:?} {files:?}");
        assert_eq!(many.1, one.1, "stderr, {lanes} lanes, {args:?} {files:?}");
        assert_eq!(many.2, one.2, "status, {lanes} lanes, {args:?} {files:?}");
    }
    one
}

fn v4(d: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(192, 0, 2, d))
}

fn peer(d: u8, time: u32) -> bmp::Peer {
    bmp::Peer::global(v4(d), 65000 + u32::from(d), [10, 0, 0, d]).with_time(time, 0)
}

fn peer_up(p: &bmp::Peer) -> Vec<u8> {
    let caps = |asn| vec![bgp::cap_mp(1, 1), bgp::cap_as4(asn)];
    bmp::peer_up(
        p,
        v4(254),
        179,
        40000,
        &bgp::open(64512, 90, [192, 0, 2, 254], &caps(64512)),
        &bgp::open(p.asn, 90, p.bgp_id, &caps(p.asn)),
        &[],
    )
}

fn announce(p: &bmp::Peer, prefixes: &[&str]) -> Vec<u8> {
    let attrs = [
        bgp::origin(0),
        bgp::as_path(&[(2, &[p.asn])], true),
        bgp::next_hop([192, 0, 2, 1]),
    ]
    .concat();
    bmp::route_monitoring(p, &bgp::update(&[], &attrs, &bgp::prefixes(None, prefixes)))
}

fn withdraw(p: &bmp::Peer, prefixes: &[&str]) -> Vec<u8> {
    bmp::route_monitoring(p, &bgp::update(&bgp::prefixes(None, prefixes), &[], &[]))
}

/// One session of router R1 with five peers, interleaved. Some messages carry no timestamp
/// (0): their time is the router's latest, which may come from another lane's peer. A Peer
/// Down and the Termination carry none, so their times come from messages of other peers.
/// Garbage and a truncated message give findings that only the first lane may report.
fn first_session() -> Vec<u8> {
    let untimed = |d| peer(d, 0);
    [
        bmp::initiation(&[(1, b"generated".as_slice()), (2, b"R1")]),
        peer_up(&peer(1, 100)),
        peer_up(&peer(2, 101)),
        peer_up(&peer(3, 102)),
        peer_up(&peer(4, 103)),
        announce(&peer(1, 110), &["10.1.0.0/24", "10.1.1.0/24"]),
        announce(&peer(2, 111), &["10.2.0.0/24"]),
        vec![0xde, 0xad, 0xbe, 0xef, 0x00, 0x11],
        announce(
            &peer(3, 112),
            &["10.3.0.0/24", "10.3.1.0/24", "10.3.2.0/24"],
        ),
        announce(&untimed(4), &["10.4.0.0/24"]),
        withdraw(&peer(1, 120), &["10.1.1.0/24"]),
        // Peer 5 has no Peer Up (a finding) and sends the latest time before the untimed
        // Peer Down of peer 2.
        announce(&peer(5, 130), &["10.5.0.0/24"]),
        bmp::peer_down(&untimed(2), 2, &[0, 10]),
        announce(&peer(3, 140), &["10.3.0.0/24"]),
        bmp::termination(&[]),
    ]
    .concat()
}

/// The same router (by sysName) in a new session: its peers' tables are cleared and
/// re-sent, and the peers meet the lanes in another order.
fn second_session() -> Vec<u8> {
    let mut bytes = [
        bmp::initiation(&[(2, b"R1".as_slice())]),
        peer_up(&peer(4, 200)),
        peer_up(&peer(1, 201)),
        announce(&peer(4, 210), &["10.4.0.0/24", "10.4.1.0/24"]),
        announce(&peer(1, 211), &["10.1.0.0/24"]),
        bmp::peer_down(&peer(9, 0), 2, &[0, 10]),
    ]
    .concat();
    // Cut inside the last message: a truncated message at the end.
    bytes.extend_from_slice(&announce(&peer(1, 212), &["10.1.2.0/24"])[..20]);
    bytes
}

/// Router R2: what a split by peer could get wrong at the edges. Peer 1 sends one message with
/// junk in the 12 octets before its IPv4 address (the views read only the last 4), and peer 3
/// a Peer Up too short to decode, the latest time before an untimed Termination.
fn edge_session() -> Vec<u8> {
    let mut junk = announce(&peer(1, 101), &["10.1.1.0/24"]);
    junk[6 + 2 + 8] = 0xff; // first octet of the per-peer address field
    let mut short_up = peer_up(&peer(3, 300));
    short_up.truncate(6 + 42 + 10);
    let len = (short_up.len() as u32).to_be_bytes();
    short_up[1..5].copy_from_slice(&len);
    [
        bmp::initiation(&[(2, b"R2".as_slice())]),
        announce(&peer(1, 100), &["10.1.0.0/24"]),
        announce(&peer(2, 150), &["10.2.0.0/24"]),
        junk,
        announce(&peer(1, 102), &["10.1.2.0/24"]),
        announce(&peer(3, 200), &["10.3.0.0/24"]),
        short_up,
        bmp::termination(&[]),
    ]
    .concat()
}

#[test]
fn generated_sessions_give_the_same_report_in_any_number_of_lanes() {
    let dir = TempDir::new("generated");
    let first = dir.write("first.bmp", &first_session());
    let second = dir.write("second.bmp", &second_session());
    let edge = dir.write("edge.bmp", &edge_session());
    for args in [
        &["peers", "--json"][..],
        &["peers", "--color", "never"],
        &["peers", "--json", "--peer", "192.0.2.2"],
        &["peers", "--json", "--peer", "192.0.2.0/30"],
        &["peers", "--json", "--since", "1970-01-01T00:01:50Z"],
        &["peers", "--json", "--rib", "in-pre"],
    ] {
        let (first, second, edge) = (first.as_path(), second.as_path(), edge.as_path());
        for files in [&[first][..], &[first, second], &[edge]] {
            let (_, stderr, status) = assert_lanes_agree(args, files);
            assert_ne!(status, Some(2), "{args:?}: {stderr}");
        }
    }

    // An input that cannot be read, and a capture cut short: reported once, same status.
    let missing = dir.0.join("missing.bmp");
    let (_, stderr, status) = assert_lanes_agree(&["peers", "--json"], &[&first, &missing]);
    assert_eq!(status, Some(2), "{stderr}");
    assert_eq!(stderr.matches("cannot read").count(), 1, "{stderr}");
    let pcap = std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples/recordings/frr.pcap"),
    )
    .unwrap();
    let cut = dir.write("cut.pcap", &pcap[..pcap.len() * 2 / 3]);
    let (_, stderr, status) = assert_lanes_agree(&["peers", "--json"], &[&cut]);
    assert_eq!(status, Some(1), "{stderr}");
    assert_eq!(stderr.matches("capture_damaged").count(), 1, "{stderr}");

    // The runs are what the streams hold (so the comparisons above compare something).
    let rows = |stdout: &str| -> Vec<Value> {
        let report: Value = serde_json::from_str(stdout).unwrap();
        report["peers"].as_array().unwrap().clone()
    };
    let row = |rows: &[Value], addr: &str| -> Value {
        rows.iter()
            .find(|r| r["address"] == addr)
            .unwrap_or_else(|| panic!("no row {addr}: {rows:#?}"))
            .clone()
    };
    let (stdout, stderr, status) = run(2, &["peers", "--json"], &[&first]);
    assert_eq!(status, Some(1), "{stderr}");
    assert!(stderr.contains("14 messages decoded from 1 stream, 2 findings (1 garbage_skipped, 1 route_monitoring_before_peer_up)"), "{stderr}");
    let one = rows(&stdout);
    assert_eq!(one.len(), 5, "{one:#?}");
    // Untimed messages take the router's latest time, whichever lane decoded it: peer 4
    // announced after peer 3's 112 s, peer 2 went down after peer 5's 130 s, and the
    // Termination ended the others' sessions after peer 3's 140 s.
    assert_eq!(row(&one, "192.0.2.2")["state"], "down");
    assert_eq!(
        row(&one, "192.0.2.2")["since"],
        "1970-01-01T00:02:10.000000Z"
    );
    assert_eq!(row(&one, "192.0.2.1")["state"], "unknown");
    assert_eq!(
        row(&one, "192.0.2.1")["since"],
        "1970-01-01T00:02:20.000000Z"
    );
    assert_eq!(
        row(&one, "192.0.2.4")["last_update"],
        "1970-01-01T00:01:52.000000Z"
    );
    assert_eq!(row(&one, "192.0.2.3")["routes"], 3);

    // R2: peer 1 is one row with its three routes; the Termination ends peer 2's session at
    // the short Peer Up's 300 s, which only peer 3's lane decodes.
    let (stdout, stderr, status) = run(2, &["peers", "--json"], &[&edge]);
    assert_eq!(status, Some(1), "{stderr}");
    assert!(stderr.contains("malformed_message"), "{stderr}");
    let r2 = rows(&stdout);
    assert_eq!(r2.len(), 3, "{r2:#?}");
    assert_eq!(row(&r2, "192.0.2.1")["routes"], 3);
    assert_eq!(
        row(&r2, "192.0.2.2")["since"],
        "1970-01-01T00:05:00.000000Z"
    );

    let (stdout, stderr, status) = run(3, &["peers", "--json"], &[&first, &second]);
    assert_eq!(status, Some(1), "{stderr}");
    assert!(
        stderr.contains("20 messages decoded from 2 streams, 4 findings"),
        "{stderr}"
    );
    let both = rows(&stdout);
    assert_eq!(both.len(), 6, "{both:#?}");
    assert_eq!(row(&both, "192.0.2.1")["routes"], 1);
    assert_eq!(row(&both, "192.0.2.1")["announced"], 3);
    assert_eq!(row(&both, "192.0.2.4")["routes"], 2);
    assert_eq!(row(&both, "192.0.2.3")["state_detail"], "new_session");
}

/// Every real capture: pcap and pcapng with TCP reassembly, several routers, reconnects,
/// Loc-RIB and Adj-RIB-Out, BMPv4, streams that start mid-session.
#[test]
fn real_captures_give_the_same_report_in_any_number_of_lanes() {
    let Some(dir) = captures_dir() else {
        return;
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension()
                .is_some_and(|e| e == "pcap" || e == "pcapng" || e == "bmp")
        })
        .collect();
    files.sort();
    assert!(files.len() >= 10, "captures: {files:?}");
    let mut rows = 0;
    for file in &files {
        let (stdout, ..) = assert_lanes_agree(&["peers", "--json"], &[file]);
        assert_lanes_agree(&["peers", "--color", "never"], &[file]);
        let report: Value = serde_json::from_str(&stdout).unwrap();
        rows += report["peers"].as_array().unwrap().len();
    }
    // All captures at once: their routers and peers meet in one run.
    let all: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    assert_lanes_agree(&["peers", "--json"], &all);
    assert!(rows > 50, "{rows} rows in all");
}
