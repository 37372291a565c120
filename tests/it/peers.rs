//! `bmpctl peers`: generated streams with known content through the binary (JSON checked field
//! by field, one text snapshot), the peer tables of the real captures against SOURCES.md, and
//! an ignored memory measurement on a generated full-table dump.

use crate::support;

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::Path;

use bmpctl::testkit::{bgp, bmp};
use serde_json::{Value, json};

use support::{TempDir, bmpctl};

fn v4(a: u8, b: u8, c: u8, d: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(a, b, c, d))
}

fn attrs_v4(asn: u32, nh: [u8; 4]) -> Vec<u8> {
    [
        bgp::origin(0),
        bgp::as_path(&[(2, &[asn])], true),
        bgp::next_hop(nh),
    ]
    .concat()
}

fn attrs_v6(asn: u32, nlri: &[u8]) -> Vec<u8> {
    let nh: Ipv6Addr = "2001:db8::1".parse().unwrap();
    [
        bgp::origin(0),
        bgp::as_path(&[(2, &[asn])], true),
        bgp::mp_reach(2, 1, &nh.octets(), nlri),
    ]
    .concat()
}

fn open(asn: u32, id: [u8; 4], add_path: Option<u8>) -> Vec<u8> {
    let mut caps = vec![bgp::cap_mp(1, 1), bgp::cap_mp(2, 1), bgp::cap_as4(asn)];
    if let Some(mode) = add_path {
        caps.push(bgp::cap_add_path(&[(1, 1, mode)]));
    }
    bgp::open(asn, 90, id, &caps)
}

fn peer_up(peer: &bmp::Peer, add_path: Option<u8>) -> Vec<u8> {
    let local = v4(192, 0, 2, 254);
    bmp::peer_up(
        peer,
        local,
        179,
        40000,
        &open(64512, [192, 0, 2, 254], add_path),
        &open(peer.asn, peer.bgp_id, add_path),
        &[],
    )
}

fn rm(peer: &bmp::Peer, update: &[u8]) -> Vec<u8> {
    bmp::route_monitoring(peer, update)
}

fn announce_v4(peer: &bmp::Peer, path_id: Option<u32>, prefixes: &[&str]) -> Vec<u8> {
    let nlri = bgp::prefixes(path_id, prefixes);
    rm(
        peer,
        &bgp::update(&[], &attrs_v4(peer.asn, [192, 0, 2, 1]), &nlri),
    )
}

fn withdraw_v4(peer: &bmp::Peer, path_id: Option<u32>, prefixes: &[&str]) -> Vec<u8> {
    rm(
        peer,
        &bgp::update(&bgp::prefixes(path_id, prefixes), &[], &[]),
    )
}

fn announce_v6(peer: &bmp::Peer, prefixes: &[&str]) -> Vec<u8> {
    let nlri = bgp::prefixes(None, prefixes);
    rm(peer, &bgp::update(&[], &attrs_v6(peer.asn, &nlri), &[]))
}

fn eor_v4(peer: &bmp::Peer) -> Vec<u8> {
    rm(peer, &bgp::update(&[], &[], &[]))
}

fn eor_v6(peer: &bmp::Peer) -> Vec<u8> {
    rm(peer, &bgp::update(&[], &bgp::mp_unreach(2, 1, &[]), &[]))
}

fn initiation(name: &str) -> Vec<u8> {
    bmp::initiation(&[(1, b"generated"), (2, name.as_bytes())])
}

/// Runs `bmpctl peers --json` and returns the rows.
fn peers_json(files: &[&Path]) -> Vec<Value> {
    let out = bmpctl()
        .arg("peers")
        .arg("--json")
        .args(files)
        .output()
        .expect("run bmpctl");
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "bmpctl failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    v["peers"].as_array().expect("peers array").clone()
}

fn row<'a>(rows: &'a [Value], address: &str, rib: &str) -> &'a Value {
    rows.iter()
        .find(|r| r["address"] == address && r["rib"] == rib)
        .unwrap_or_else(|| panic!("no row {address} {rib} in {rows:#?}"))
}

/// Peers: A (Add-Path IPv4, routes, End-of-RIB, statistics), B (two flaps), C (mid-session,
/// no Peer Up), D (IPv6 peer, down with a shutdown communication). Times from the per-peer
/// headers: 1_700_000_000 + n.
fn known_session() -> Vec<u8> {
    let t = |n: u32| (1_700_000_000 + n, 0);
    let a = |n| {
        let (s, u) = t(n);
        bmp::Peer::global(v4(192, 0, 2, 1), 65001, [10, 0, 0, 1]).with_time(s, u)
    };
    let b = |n| {
        let (s, u) = t(n);
        bmp::Peer::global(v4(192, 0, 2, 2), 65002, [10, 0, 0, 2]).with_time(s, u)
    };
    let c = |n| {
        let (s, u) = t(n);
        bmp::Peer::global(v4(192, 0, 2, 3), 65003, [10, 0, 0, 3]).with_time(s, u)
    };
    let d = |n| {
        let (s, u) = t(n);
        bmp::Peer::global("2001:db8::4".parse().unwrap(), 65004, [10, 0, 0, 4]).with_time(s, u)
    };
    let shutdown = {
        let text = b"maintenance";
        let mut data = vec![text.len() as u8];
        data.extend_from_slice(text);
        bgp::notification(6, 2, &data)
    };
    [
        initiation("R1"),
        // A: Add-Path (send/receive both ways) for IPv4 unicast.
        peer_up(&a(10), Some(3)),
        announce_v4(&a(11), Some(1), &["10.0.0.0/24", "10.0.1.0/24"]),
        announce_v4(&a(11), Some(2), &["10.0.0.0/24"]),
        announce_v6(&a(12), &["2001:db8:1::/48", "2001:db8:2::/48"]),
        withdraw_v4(&a(13), Some(2), &["10.0.0.0/24"]),
        eor_v4(&a(14)),
        eor_v6(&a(14)),
        // routes now: ipv4 2 (both with path IDs), ipv6 2.
        bmp::statistics(
            &a(20),
            &[
                bmp::stat_counter(0, 5),
                bmp::stat_gauge(7, 4),
                bmp::stat_afi_gauge(9, 1, 1, 2),
            ],
        ),
        bmp::statistics(
            &a(30),
            &[
                bmp::stat_counter(0, 8),
                bmp::stat_gauge(7, 5),
                bmp::stat_afi_gauge(9, 1, 1, 2),
            ],
        ),
        // B: up, 2 routes, down (NOTIFICATION cease/admin shutdown), up, down (FSM event 10).
        peer_up(&b(10), None),
        announce_v4(&b(11), None, &["10.2.0.0/16", "10.3.0.0/16"]),
        bmp::peer_down(&b(12), 3, &shutdown),
        peer_up(&b(13), None),
        announce_v4(&b(14), None, &["10.2.0.0/16"]),
        bmp::peer_down(&b(15), 2, &10u16.to_be_bytes()),
        // C: no Peer Up.
        announce_v4(&c(16), None, &["10.4.0.0/16"]),
        // D: up, one route, down by the remote with a shutdown communication.
        peer_up(&d(10), None),
        announce_v6(&d(11), &["2001:db8:4::/48"]),
        bmp::peer_down(&d(17), 3, &shutdown),
    ]
    .concat()
}

#[test]
fn known_session_json() {
    let dir = TempDir::new("known");
    let f = dir.write("known.bmp", &known_session());
    let rows = peers_json(&[&f]);
    let keys: Vec<(String, String)> = rows
        .iter()
        .map(|r| {
            (
                r["address"].as_str().unwrap().to_string(),
                r["rib"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        keys,
        [
            ("192.0.2.1", "adj_rib_in_pre"),
            ("192.0.2.2", "adj_rib_in_pre"),
            ("192.0.2.3", "adj_rib_in_pre"),
            ("2001:db8::4", "adj_rib_in_pre"),
        ]
        .map(|(a, r)| (a.to_string(), r.to_string()))
    );
    for r in &rows {
        assert_eq!(r["router"], "R1");
        assert_eq!(r["peer_type"], "global");
        assert_eq!(r["distinguisher"], "0");
    }

    let a = row(&rows, "192.0.2.1", "adj_rib_in_pre");
    assert_eq!(a["asn"], 65001);
    assert_eq!(a["bgp_id"], "10.0.0.1");
    assert_eq!(a["state"], "up");
    assert_eq!(a["state_detail"], Value::Null);
    assert_eq!(a["since"], "2023-11-14T22:13:30.000000Z");
    assert_eq!(a["flaps"], 0);
    assert_eq!(a["routes"], 4);
    assert_eq!(
        a["routes_by_family"],
        json!({"ipv4_unicast": {"routes": 2, "with_path_id": 2},
               "ipv6_unicast": {"routes": 2, "with_path_id": 0}})
    );
    assert_eq!(a["announced"], 5);
    assert_eq!(a["withdrawn"], 1);
    assert_eq!(a["end_of_rib"], json!(["ipv4_unicast", "ipv6_unicast"]));
    assert_eq!(a["decoded"], json!({"negotiated": 6}));
    assert_eq!(a["last_update"], "2023-11-14T22:13:34.000000Z");
    assert_eq!(a["last_down_reason"], Value::Null);
    assert_eq!(
        a["capabilities"],
        json!({"four_octet_as": true, "extended_message": false,
               "add_path": [{"family": "ipv4_unicast", "sent": "send_receive",
                             "received": "send_receive", "adj_rib_in": true, "adj_rib_out": true}]})
    );
    assert_eq!(
        a["stats"],
        json!([
            {"type": 0, "name": "prefixes rejected by inbound policy", "value": 8, "change": 3},
            {"type": 7, "name": "routes in Adj-RIBs-In", "value": 5, "change": 1, "tracked": 4},
            {"type": 9, "name": "routes in per-AFI/SAFI Adj-RIB-In", "value": 2, "change": 0,
             "afi": 1, "safi": 1, "family": "ipv4_unicast", "tracked": 2},
        ])
    );
    assert_eq!(a["stats_time"], "2023-11-14T22:13:50.000000Z");
    assert_eq!(
        a["gauge_mismatch"],
        json!({"type": 7, "name": "routes in Adj-RIBs-In", "gauge": 5, "tracked": 4})
    );

    let b = row(&rows, "192.0.2.2", "adj_rib_in_pre");
    assert_eq!(b["state"], "down");
    assert_eq!(b["since"], "2023-11-14T22:13:35.000000Z");
    assert_eq!(b["flaps"], 2);
    assert_eq!(b["routes"], 0);
    assert_eq!(b["routes_by_family"], json!({}));
    assert_eq!(b["announced"], 3);
    assert_eq!(b["withdrawn"], 0);
    assert_eq!(b["last_down_reason"]["code"], 2);
    assert_eq!(
        b["last_down_reason"]["name"],
        "local system closed, FSM event follows"
    );
    assert_eq!(
        b["last_down_reason"]["fsm_event"],
        json!({"code": 10, "name": "HoldTimer_Expires"})
    );
    assert_eq!(
        b["last_down_reason"]["text"],
        "local system closed, FSM event follows: FSM event 10 (HoldTimer_Expires)"
    );
    assert_eq!(b["gauge_mismatch"], Value::Null);

    let c = row(&rows, "192.0.2.3", "adj_rib_in_pre");
    assert_eq!(c["state"], "unknown");
    assert_eq!(c["state_detail"], "no_peer_up");
    assert_eq!(c["since"], Value::Null);
    assert_eq!(c["flaps"], 0);
    assert_eq!(c["routes"], 1);
    assert_eq!(c["capabilities"], Value::Null);
    assert_eq!(c["decoded"], json!({"assumed": 1}));

    let d = row(&rows, "2001:db8::4", "adj_rib_in_pre");
    assert_eq!(d["state"], "down");
    assert_eq!(d["flaps"], 1);
    assert_eq!(d["routes"], 0);
    assert_eq!(d["announced"], 1);
    assert_eq!(
        d["last_down_reason"],
        json!({
            "code": 3,
            "name": "remote system closed, NOTIFICATION follows",
            "text": "remote system closed, NOTIFICATION follows: cease / administrative shutdown (6/2) \"maintenance\"",
            "time": "2023-11-14T22:13:37.000000Z",
            "notification": {"code": 6, "subcode": 2, "name": "cease",
                             "subcode_name": "administrative shutdown",
                             "shutdown_communication": "maintenance"},
        })
    );
}

/// The same router in a second stream (a reconnect, recognised by its sysName) re-sends its
/// table: the first session's routes are gone, the counters go on.
#[test]
fn reconnect_clears_tables() {
    let dir = TempDir::new("reconnect");
    let p = bmp::Peer::global(v4(192, 0, 2, 1), 65001, [10, 0, 0, 1]);
    let q = bmp::Peer::global(v4(192, 0, 2, 9), 65009, [10, 0, 0, 9]);
    let first = [
        initiation("R1"),
        peer_up(&p, None),
        announce_v4(&p, None, &["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"]),
        peer_up(&q, None),
        announce_v4(&q, None, &["10.9.0.0/24"]),
    ]
    .concat();
    let second = [
        initiation("R1"),
        peer_up(&p, None),
        announce_v4(&p, None, &["10.0.0.0/24"]),
    ]
    .concat();
    let f1 = dir.write("first.bmp", &first);
    let f2 = dir.write("second.bmp", &second);
    let rows = peers_json(&[&f1, &f2]);
    assert_eq!(rows.len(), 2, "{rows:#?}");
    let a = row(&rows, "192.0.2.1", "adj_rib_in_pre");
    assert_eq!(a["router"], "R1");
    assert_eq!(a["state"], "up");
    assert_eq!(a["routes"], 1);
    assert_eq!(a["announced"], 4);
    assert_eq!(a["flaps"], 0);
    // Q was not re-announced in the new session: no routes, state unknown.
    let q = row(&rows, "192.0.2.9", "adj_rib_in_pre");
    assert_eq!(q["routes"], 0);
    assert_eq!(q["announced"], 1);
    assert_eq!(q["state"], "unknown");
    assert_eq!(q["state_detail"], "new_session");
    assert_eq!(q["last_state"], "up");

    // Without the second session nothing is cleared.
    let rows = peers_json(&[&f1]);
    assert_eq!(row(&rows, "192.0.2.1", "adj_rib_in_pre")["routes"], 3);
    assert_eq!(row(&rows, "192.0.2.9", "adj_rib_in_pre")["routes"], 1);
}

/// A Peer Down clears every RIB view of the peer; Peer Up creates the peer's row; the
/// Termination makes the peers that are up unknown.
#[test]
fn peer_down_clears_all_views_and_termination_ends() {
    let dir = TempDir::new("views");
    let pre = bmp::Peer::global(v4(192, 0, 2, 1), 65001, [10, 0, 0, 1]);
    let post = pre.with_flags(bmp::FLAG_L);
    let other = bmp::Peer::global(v4(192, 0, 2, 5), 65005, [10, 0, 0, 5]);
    let dump = [
        initiation("R2"),
        peer_up(&pre, None),
        announce_v4(&pre, None, &["10.0.0.0/24", "10.0.1.0/24"]),
        announce_v4(&post, None, &["10.0.0.0/24"]),
        peer_up(&other, None),
        bmp::peer_down(&pre, 4, &[]),
        bmp::termination(&[(1, &0u16.to_be_bytes())]),
    ]
    .concat();
    let f = dir.write("views.bmp", &dump);
    let rows = peers_json(&[&f]);
    assert_eq!(rows.len(), 3);
    for rib in ["adj_rib_in_pre", "adj_rib_in_post"] {
        let r = row(&rows, "192.0.2.1", rib);
        assert_eq!(r["state"], "down");
        assert_eq!(r["routes"], 0);
        assert_eq!(r["flaps"], 1);
        assert_eq!(r["last_down_reason"]["code"], 4);
        assert_eq!(
            r["last_down_reason"]["name"],
            "remote system closed, no data"
        );
    }
    assert_eq!(row(&rows, "192.0.2.1", "adj_rib_in_pre")["announced"], 2);
    assert_eq!(row(&rows, "192.0.2.1", "adj_rib_in_post")["announced"], 1);
    let o = row(&rows, "192.0.2.5", "adj_rib_in_pre");
    assert_eq!(o["routes"], 0);
    assert_eq!(o["state"], "unknown");
    assert_eq!(o["state_detail"], "session_ended:termination");
    assert_eq!(o["last_state"], "up");
}

/// `--afi` counts only the routes of that family.
#[test]
fn afi_filter_counts_one_family() {
    let dir = TempDir::new("afi");
    let p = bmp::Peer::global(v4(192, 0, 2, 1), 65001, [10, 0, 0, 1]);
    let dump = [
        initiation("R3"),
        peer_up(&p, None),
        announce_v4(&p, None, &["10.0.0.0/24", "10.0.1.0/24"]),
        announce_v6(&p, &["2001:db8:1::/48"]),
        eor_v4(&p),
        eor_v6(&p),
    ]
    .concat();
    let f = dir.write("afi.bmp", &dump);
    let out = bmpctl()
        .args(["peers", "--json", "--afi", "ipv6"])
        .arg(&f)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let r = &v["peers"][0];
    assert_eq!(r["routes"], 1);
    assert_eq!(r["announced"], 1);
    assert_eq!(
        r["routes_by_family"],
        json!({"ipv6_unicast": {"routes": 1, "with_path_id": 0}})
    );
    assert_eq!(r["end_of_rib"], json!(["ipv6_unicast"]));
}

#[test]
fn text_snapshot_at_100_columns() {
    let dir = TempDir::new("text");
    let f = dir.write("known.bmp", &known_session());
    let out = bmpctl()
        .env("COLUMNS", "100")
        .args(["peers"])
        .arg(&f)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let expected = "\
router R1: 4 peers, 4 RIB view rows
Peer         AS     RIB     State    Since       Flaps  Routes  Seen   Last down
────────────────────────────────────────────────────────────────────────────────────────────────────
192.0.2.1    65001  in-pre  up       2023-11-14  0      4 !     +5 -1  -
                                     22:13:30           (2 ID)
192.0.2.2    65002  in-pre  down     2023-11-14  2      0       +3 -0  local: FSM HoldTimer_Expires
                                     22:13:35                          (10)
192.0.2.3    65003  in-pre  unknown  -           0      1       +1 -0  -
2001:db8::4  65004  in-pre  down     2023-11-14  1      0       +1 -0  remote: administrative
                                     22:13:37                          shutdown (6/2)
! 192.0.2.1 in-pre: router gauge 7 (routes in Adj-RIBs-In) = 5, tracked 4
";
    assert_eq!(text, expected, "got:\n{text}");
    assert!(text.lines().all(|l| l.chars().count() <= 100));
    assert!(!text.contains('\x1b'));
}

// ---------------------------------------------------------------------------------------------
// Real captures
// ---------------------------------------------------------------------------------------------

/// Distinct peer addresses per capture, as SOURCES.md counts them ("N peers", "N peer
/// addresses"; Loc-RIB peers count with their all-zero address where SOURCES.md counts them).
const CAPTURE_PEERS: &[(&str, usize)] = &[
    ("netgauze_iosxr7102_peers-different-caps.pcap", 18),
    ("netgauze_evpn-vpn_midstream.pcap", 8),
    ("netgauze_bmpv4_stateless-addpath-peerup.pcap", 3),
    ("netgauze_frr10_upa_3-routers.pcap", 4),
    ("pmacct_huawei-vrp8210_locrib.pcap", 3),
    ("pmacct_iosxr7101_peer-down.pcap", 6),
    ("pmacct_frr801-6wind_peer-down.pcap", 5),
    ("pmacct_iosxr7101_srv6_with-ipfix.pcap", 6),
    ("pmacct_iosxr2441_locrib-peerdown-vrf.pcap", 8),
    ("netgauze_bmpv4_vpnv4-stateless-withdraw.pcap", 3),
    ("netgauze_iosxr741_two-routers_midstream.pcapng", 2),
    ("pmacct_iosxr741_rd-instance.pcap", 42),
    ("pmacct_iosxr754_locrib.pcap", 8),
    // SOURCES.md says 39 distinct peer addresses (from tshark); the per-peer headers of the
    // complete messages hold 38, which the independent walk below confirms.
    ("trafficrepro_multi-vendor_14-routers_raw.pcap", 38),
];

/// Peer addresses from the per-peer headers of every complete message, without bmpctl.
fn independent_addresses(path: &Path, port: u16) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (_, bytes) in support::extract::bmp_streams(path, port) {
        let walk = support::walk_bmp(&bytes);
        for m in &walk.messages {
            let msg = &bytes[m.offset..m.offset + m.length];
            if msg.get(6) == Some(&3) && matches!(m.msg_type, 0..=3 | 6) {
                out.insert("0.0.0.0".to_string());
            } else if let Some(a) = support::per_peer_address(msg) {
                out.insert(a);
            }
        }
    }
    out
}

#[test]
fn capture_peer_tables_match_sources() {
    let Some(dir) = support::captures_dir() else {
        return;
    };
    let mut failures = Vec::new();
    for &(file, want) in CAPTURE_PEERS {
        let path = dir.join(file);
        let rows = peers_json(&[&path]);
        let got: BTreeSet<String> = rows
            .iter()
            .map(|r| r["address"].as_str().unwrap().to_string())
            .collect();
        let port = if file.starts_with("netgauze_bmpv4_") {
            10000
        } else {
            1790
        };
        if !file.ends_with(".pcapng") {
            let indep = independent_addresses(&path, port);
            if indep != got {
                failures.push(format!("{file}: independent walk {indep:?}, peers {got:?}"));
            }
        }
        if got.len() != want {
            failures.push(format!(
                "{file}: {} peer addresses, SOURCES.md says {want}: {got:?}",
                got.len()
            ));
        }
        for r in &rows {
            for k in [
                "router",
                "address",
                "asn",
                "bgp_id",
                "rib",
                "state",
                "flaps",
                "routes",
                "announced",
                "withdrawn",
                "last_down_reason",
            ] {
                if r.get(k).is_none() {
                    failures.push(format!("{file}: row without {k}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Known facts of single captures: the peer downs of SOURCES.md with their reasons.
#[test]
fn capture_peer_downs() {
    let Some(dir) = support::captures_dir() else {
        return;
    };
    // iosxr7101: 3 Peer Downs, reason 4, for 3 peers that then come back up.
    let rows = peers_json(&[&dir.join("pmacct_iosxr7101_peer-down.pcap")]);
    let flapped: Vec<&Value> = rows.iter().filter(|r| r["flaps"] == 1).collect();
    assert_eq!(flapped.len(), 3, "{rows:#?}");
    for r in flapped {
        assert_eq!(r["last_down_reason"]["code"], 4);
        assert_eq!(r["state"], "up");
    }
    // frr801: 2 Peer Downs, reason 3 with a NOTIFICATION, for one peer.
    let rows = peers_json(&[&dir.join("pmacct_frr801-6wind_peer-down.pcap")]);
    let total: u64 = rows
        .iter()
        .filter(|r| r["rib"] == "adj_rib_in_pre")
        .map(|r| r["flaps"].as_u64().unwrap())
        .sum();
    assert_eq!(total, 2);
    for r in rows.iter().filter(|r| r["flaps"] != 0) {
        assert_eq!(r["last_down_reason"]["code"], 3);
        assert!(r["last_down_reason"]["notification"]["code"].is_u64());
    }
}

// ---------------------------------------------------------------------------------------------
// Memory
// ---------------------------------------------------------------------------------------------

fn vm_hwm_kib() -> u64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Peak memory per tracked route: 3 peers x (300k IPv4 + 50k IPv6) routes through the
/// library (StreamDecoder and the view). Run with
/// `cargo test --release --test it -- --ignored --nocapture peers::memory`.
#[test]
#[ignore]
fn memory_per_million_routes() {
    use bmpctl::analysis::{Analysis, View, peers::Peers};
    use bmpctl::event::StreamCtx;
    use bmpctl::filter::Filter;
    use bmpctl::stream::StreamDecoder;

    const V4: u32 = 300_000;
    const V6: u32 = 50_000;
    const PER_UPDATE: u32 = 800;
    let mut dump = initiation("big");
    for n in 0..3u8 {
        let p = bmp::Peer::global(v4(192, 0, 2, n + 1), 65000 + n as u32, [10, 0, 0, n + 1]);
        dump.extend(peer_up(&p, None));
        let attrs = attrs_v4(p.asn, [192, 0, 2, 1]);
        let mut i = 0;
        while i < V4 {
            let mut nlri = Vec::with_capacity(4 * PER_UPDATE as usize);
            for k in i..(i + PER_UPDATE).min(V4) {
                // 300k distinct /24s: 1.0.0.0/24 upwards.
                let a = 0x0100_0000u32 + (k << 8);
                nlri.push(24);
                nlri.extend_from_slice(&a.to_be_bytes()[..3]);
            }
            dump.extend(rm(&p, &bgp::update(&[], &attrs, &nlri)));
            i += PER_UPDATE;
        }
        let mut i = 0;
        while i < V6 {
            let mut nlri = Vec::new();
            for k in i..(i + 200).min(V6) {
                // 2001:db8:kkkk:kk00::/56
                let mut a = [0u8; 7];
                a[..4].copy_from_slice(&[0x20, 0x01, 0x0d, 0xb8]);
                a[4..].copy_from_slice(&(k << 8).to_be_bytes()[1..]);
                nlri.push(56);
                nlri.extend_from_slice(&a);
            }
            dump.extend(rm(&p, &bgp::update(&[], &attrs_v6(p.asn, &nlri), &[])));
            i += 200;
        }
    }
    let routes = 3 * u64::from(V4 + V6);
    let before = vm_hwm_kib();
    let mut view = Peers::new(Filter::default());
    let mut dec = StreamDecoder::new(1 << 20);
    let mut sink = |router: &bmpctl::event::RouterInfo, ev: bmpctl::event::Event<'_>| {
        let ctx = StreamCtx::new("big", router, None);
        view.event(&ctx, &ev);
    };
    for chunk in dump.chunks(1 << 16) {
        dec.push(chunk, &mut sink);
    }
    dec.finish(&mut sink);
    let after = vm_hwm_kib();
    let report = serde_json::to_value(view.report()).expect("report");
    let tracked: u64 = report["peers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["routes"].as_u64().unwrap())
        .sum();
    assert_eq!(tracked, routes);
    let delta = after.saturating_sub(before) * 1024;
    println!(
        "dump {} MB; peak RSS before {} MB, after {} MB; {} tracked routes; {:.1} bytes per tracked route ({:.1} MB per million)",
        dump.len() / 1_000_000,
        before / 1024,
        after / 1024,
        tracked,
        delta as f64 / tracked as f64,
        delta as f64 / tracked as f64
    );
}

/// Stat type 7 counts the Adj-RIB-In as the router keeps it (pre-policy). A router that keeps
/// none (FRR without soft-reconfiguration) reports 0 and sends only post-policy routes: that
/// is no mismatch. With pre-policy routes, a gauge that disagrees is one.
#[test]
fn adj_rib_in_gauge_compares_with_pre_policy_only() {
    let tmp = TempDir::new("gauge-pre");
    let peer = bmp::Peer::global(v4(192, 0, 2, 9), 64500, [192, 0, 2, 9]);
    let post = peer.with_flags(0x40);
    let gauge = |n: u64| bmp::statistics(&peer, &[bmp::stat_gauge(7, n)]);

    // Post-policy routes only, gauge 0: no comparison, no mismatch.
    let only_post = [
        peer_up(&peer, None),
        announce_v4(&post, None, &["10.9.0.0/24", "10.9.1.0/24"]),
        gauge(0),
    ]
    .concat();
    let rows = peers_json(&[&tmp.write("post.bmp", &only_post)]);
    let post_row = rows.iter().find(|r| r["rib"] == "adj_rib_in_post").unwrap();
    assert_eq!(post_row["routes"], 2);
    assert!(
        rows.iter().all(|r| r["gauge_mismatch"].is_null()),
        "{rows:?}"
    );

    // The same with a gauge of 3: still no comparison, since no pre-policy route was seen
    // (the untouched pre-policy view tracks 0, which a comparison would flag).
    let post_gauge_3 = [
        peer_up(&peer, None),
        announce_v4(&post, None, &["10.9.0.0/24", "10.9.1.0/24"]),
        gauge(3),
    ]
    .concat();
    let rows = peers_json(&[&tmp.write("post3.bmp", &post_gauge_3)]);
    assert!(
        rows.iter().all(|r| r["gauge_mismatch"].is_null()),
        "{rows:?}"
    );

    // Pre-policy routes, gauge 5 for 2 tracked routes: a mismatch on the pre-policy row.
    let with_pre = [
        peer_up(&peer, None),
        announce_v4(&peer, None, &["10.9.0.0/24", "10.9.1.0/24"]),
        gauge(5),
    ]
    .concat();
    let rows = peers_json(&[&tmp.write("pre.bmp", &with_pre)]);
    let pre_row = rows.iter().find(|r| r["rib"] == "adj_rib_in_pre").unwrap();
    assert_eq!(pre_row["gauge_mismatch"]["gauge"], 5, "{pre_row}");
    assert_eq!(pre_row["gauge_mismatch"]["tracked"], 2, "{pre_row}");
}

/// A capture of router pe1's BMP session (its address known), then a raw dump of a later
/// session of it (the same sysName, no address) in which the peer came up again and has sent
/// nothing yet. The dump is a new session of the captured router whether or not a filter keeps
/// its Initiation from the view: one router, its table cleared by the new session.
#[test]
fn a_later_session_joined_by_sys_name_is_a_new_session_with_or_without_a_filter() {
    use bmpctl::testkit::pcap::{Link, pcap};
    use bmpctl::testkit::session::router_flow;

    let p = bmp::Peer::global(v4(198, 51, 100, 1), 65001, [198, 51, 100, 1]);
    let first = [
        initiation("pe1"),
        peer_up(&p, None),
        announce_v4(&p, None, &["10.0.0.0/24", "10.0.1.0/24"]),
    ]
    .concat();
    let mut flow = router_flow(1);
    let frames = [
        ((1_700_000_000, 0), flow.syn().frame(Link::Ethernet)),
        ((1_700_000_001, 0), flow.data(&first).frame(Link::Ethernet)),
    ];
    let later = [initiation("pe1"), peer_up(&p, None)].concat();
    let dir = TempDir::new("peers-joined-by-sys-name");
    let capture = dir.write("first.pcap", &pcap(Link::Ethernet.linktype(), &frames));
    let dump = dir.write("later.bmp", &later);

    for filter in [None, Some("198.51.100.1")] {
        let mut cmd = bmpctl();
        cmd.args(["peers", "--json"]);
        if let Some(peer) = filter {
            cmd.args(["--peer", peer]);
        }
        let out = cmd.arg(&capture).arg(&dump).output().expect("run bmpctl");
        let v: Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
        let rows = v["peers"].as_array().expect("peers array");
        assert_eq!(
            rows.len(),
            1,
            "filter {filter:?}: one router, one row: {rows:#?}"
        );
        let row = &rows[0];
        assert_eq!(row["address"], "198.51.100.1", "filter {filter:?}");
        assert_eq!(row["state"], "up", "filter {filter:?}: {row:#?}");
        assert_eq!(
            row["routes"], 0,
            "filter {filter:?}: the later session re-sent nothing yet: {row:#?}"
        );
    }
}
