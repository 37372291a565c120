//! `bmpctl timeline`: generated streams with known content through the binary, checked field
//! by field; the real captures' peer flaps; one text snapshot.

use crate::support;

use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};

use bmpctl::testkit::{bgp, bmp};
use serde_json::{Value, json};

/// Base time of the generated streams: 2023-11-14T22:13:20Z.
const T0: u32 = 1_700_000_000;

fn v4(a: [u8; 4]) -> IpAddr {
    IpAddr::V4(Ipv4Addr::from(a))
}

/// A fresh directory for one test's input files.
fn dir(test: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("timeline-{test}"));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("create test directory");
    d
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write input");
    p
}

fn path_str(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

/// `bmpctl timeline --json FILES` parsed (the exit status depends on findings: not checked).
fn timeline_json(files: &[&Path]) -> Value {
    let out = support::bmpctl()
        .arg("timeline")
        .arg("--json")
        .args(files)
        .output()
        .expect("run bmpctl");
    let stdout = String::from_utf8(out.stdout).expect("UTF-8 output");
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

fn events(v: &Value) -> &Vec<Value> {
    v["events"].as_array().expect("events array")
}

/// `[event, time]` of every event, for order checks.
fn names_and_times(v: &Value) -> Vec<(String, Value)> {
    events(v)
        .iter()
        .map(|e| (e["event"].as_str().unwrap().to_string(), e["time"].clone()))
        .collect()
}

fn time(secs: u32) -> Value {
    let t = bmpctl::time::Timestamp::new(secs as u64, 0).to_string();
    Value::String(t)
}

fn sent_open() -> Vec<u8> {
    bgp::open(
        65000,
        90,
        [192, 0, 2, 254],
        &[
            bgp::cap_mp(bgp::AFI_IPV4, bgp::SAFI_UNICAST),
            bgp::cap_as4(65000),
            bgp::cap_route_refresh(),
            bgp::cap_mp(bgp::AFI_IPV6, bgp::SAFI_UNICAST),
        ],
    )
}

fn received_open() -> Vec<u8> {
    bgp::open(
        65001,
        180,
        [192, 0, 2, 1],
        &[
            bgp::cap_mp(bgp::AFI_IPV4, bgp::SAFI_UNICAST),
            bgp::cap_route_refresh(),
            bgp::cap_as4(65001),
            bgp::cap_ext_message(),
        ],
    )
}

fn peer_a(sec: u32) -> bmp::Peer {
    bmp::Peer::global(v4([192, 0, 2, 1]), 65001, [192, 0, 2, 1]).with_time(sec, 0)
}

fn peer_up(peer: &bmp::Peer) -> Vec<u8> {
    bmp::peer_up(
        peer,
        v4([192, 0, 2, 254]),
        179,
        40001,
        &sent_open(),
        &received_open(),
        &[],
    )
}

fn initiation(sys_name: &str, sys_descr: &str) -> Vec<u8> {
    bmp::initiation(&[(1, sys_descr.as_bytes()), (2, sys_name.as_bytes())])
}

/// One session of router "r1" with three flaps of peer 192.0.2.1 and a cut-off last message.
fn flapping_session() -> Vec<u8> {
    let mut s = Vec::new();
    s.extend(initiation("r1", "Test router 1.0"));
    s.extend(peer_up(&peer_a(T0 + 10)));
    let attrs = [
        bgp::origin(0),
        bgp::as_path(&[(bgp::AS_SEQUENCE, &[65001])], true),
        bgp::next_hop([192, 0, 2, 1]),
    ]
    .concat();
    s.extend(bmp::route_monitoring(
        &peer_a(T0 + 11),
        &bgp::update(&[], &attrs, &bgp::prefix(None, "198.51.100.0/24")),
    ));
    s.extend(bmp::route_monitoring(
        &peer_a(T0 + 25),
        &bgp::update(&[], &[], &[]),
    ));
    // Flap 1: local close, Cease / administrative shutdown with a shutdown communication.
    let text = b"planned maintenance";
    let mut data = vec![text.len() as u8];
    data.extend_from_slice(text);
    s.extend(bmp::peer_down(
        &peer_a(T0 + 100),
        1,
        &bgp::notification(6, 2, &data),
    ));
    s.extend(peer_up(&peer_a(T0 + 130)));
    // Flap 2: local close, FSM event 10 (HoldTimer_Expires).
    s.extend(bmp::peer_down(&peer_a(T0 + 200), 2, &10u16.to_be_bytes()));
    s.extend(peer_up(&peer_a(T0 + 260)));
    // Flap 3: remote close without data; the peer stays down.
    s.extend(bmp::peer_down(&peer_a(T0 + 300), 4, &[]));
    s.extend(bmp::termination(&[
        (0, b"going away"),
        (1, &1u16.to_be_bytes()),
    ]));
    // A message cut off by the end of the stream.
    let cut = peer_up(&peer_a(T0 + 400));
    s.extend_from_slice(&cut[..20]);
    s
}

#[test]
fn session_flaps_end_of_rib_findings_and_termination() {
    let d = dir("flaps");
    let f = write(&d, "r1.bmp", &flapping_session());
    let v = timeline_json(&[&f]);
    let stream = path_str(&f);
    assert_eq!(
        names_and_times(&v),
        [
            ("session_start", Value::Null),
            ("initiation", Value::Null),
            ("peer_up", time(T0 + 10)),
            ("end_of_rib", time(T0 + 25)),
            ("peer_down", time(T0 + 100)),
            ("peer_up", time(T0 + 130)),
            ("peer_down", time(T0 + 200)),
            ("peer_up", time(T0 + 260)),
            ("peer_down", time(T0 + 300)),
            ("termination", Value::Null),
            ("finding", Value::Null),
            ("session_end", Value::Null),
        ]
        .map(|(n, t)| (n.to_string(), t))
    );
    let ev = events(&v);
    for e in ev {
        assert_eq!(e["router"], "r1", "{e}");
        assert_eq!(e["stream"], stream.as_str(), "{e}");
    }
    assert_eq!(
        ev[0],
        json!({"time": null, "router": "r1", "stream": stream, "event": "session_start",
               "address": null, "reconnect": false, "replaces": null})
    );
    assert_eq!(ev[1]["sys_name"], "r1");
    assert_eq!(ev[1]["sys_descr"], "Test router 1.0");
    assert_eq!(ev[1]["information"], json!([]));

    let up = &ev[2];
    assert_eq!(up["peer"]["address"], "192.0.2.1");
    assert_eq!(up["peer"]["asn"], 65001);
    assert_eq!(up["peer"]["bgp_id"], "192.0.2.1");
    assert_eq!(up["peer"]["type"], "global");
    assert_eq!(up["peer"]["distinguisher"], "0");
    assert_eq!(up["peer"]["rib"], "adj_rib_in_pre");
    assert_eq!(up["hold_time"], 90);
    assert_eq!(up["local_address"], "192.0.2.254");
    assert_eq!(up["local_port"], 179);
    assert_eq!(up["remote_port"], 40001);
    assert_eq!(
        up["capabilities"],
        json!(["multiprotocol", "route_refresh", "four_octet_as"])
    );
    assert_eq!(up["families"], json!(["ipv4_unicast"]));
    assert!(up.get("down_for").is_none(), "{up}");

    let eor = &ev[3];
    assert_eq!(eor["family"], "ipv4_unicast");
    assert_eq!(eor["afi"], 1);
    assert_eq!(eor["safi"], 1);
    assert_eq!(eor["initial"], true);
    assert_eq!(eor["dump_seconds"], 15.0);
    assert_eq!(eor["dump_from"], "peer_up");

    assert_eq!(
        ev[4]["reason"],
        json!({"code": 1, "name": "local system closed, NOTIFICATION follows",
               "notification": {"code": 6, "subcode": 2, "name": "cease",
                                "subcode_name": "administrative shutdown",
                                "shutdown_communication": "planned maintenance"}})
    );
    assert_eq!(ev[4]["flaps"], 1);
    assert_eq!(ev[5]["down_for"], 30.0);
    assert_eq!(
        ev[6]["reason"],
        json!({"code": 2, "name": "local system closed, FSM event follows",
               "fsm_event": {"code": 10, "name": "HoldTimer_Expires"}})
    );
    assert_eq!(ev[6]["flaps"], 2);
    assert_eq!(ev[7]["down_for"], 60.0);
    assert_eq!(
        ev[8]["reason"],
        json!({"code": 4, "name": "remote system closed, no data"})
    );
    assert_eq!(ev[8]["flaps"], 3);

    assert_eq!(
        ev[9]["reason"],
        json!({"code": 1, "name": "unspecified reason"})
    );
    assert_eq!(ev[9]["information"], json!(["going away"]));
    assert_eq!(ev[10]["severity"], "error");
    assert_eq!(ev[10]["kind"], "truncated_message");
    assert_eq!(
        ev[10]["detail"],
        "stream ends inside a peer_up message: 20 of 166 bytes present"
    );
    assert!(ev[10].get("peer").is_none());
    assert_eq!(ev[11]["how"], "termination");
    assert_eq!(ev[11]["transport"], "end_of_input");
    assert_eq!(
        ev[11]["reason"],
        json!({"code": 1, "name": "unspecified reason"})
    );

    assert_eq!(
        v["peers"],
        json!([{"router": "r1", "address": "192.0.2.1", "asn": 65001, "bgp_id": "192.0.2.1",
                "type": "global", "distinguisher": "0", "flaps": 3,
                "down_seconds_total": 90.0, "state": "down"}])
    );
}

#[test]
fn second_file_of_the_same_router_replaces_the_session() {
    let d = dir("replaced");
    let mut a = initiation("r1", "first");
    a.extend(peer_up(&peer_a(T0 + 10)));
    a.extend(bmp::peer_down(&peer_a(T0 + 20), 4, &[]));
    let mut b = initiation("r1", "second");
    b.extend(peer_up(&peer_a(T0 + 50)));
    let fa = write(&d, "a.bmp", &a);
    let fb = write(&d, "b.bmp", &b);
    let v = timeline_json(&[&fa, &fb]);
    let ev = events(&v);
    let names: Vec<&str> = ev.iter().map(|e| e["event"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "session_start",
            "initiation",
            "peer_up",
            "peer_down",
            "session_end",
            "session_start",
            "initiation",
            "session_replaced",
            "peer_up",
            "session_end",
        ]
    );
    assert_eq!(ev[5]["stream"], path_str(&fb));
    assert_eq!(ev[5]["replaces"], path_str(&fa));
    assert_eq!(
        ev[7],
        json!({"time": null, "router": "r1", "stream": path_str(&fb), "event": "session_replaced",
               "replaces": path_str(&fa), "matched_by": "sys_name", "previous_ended": true})
    );
    assert_eq!(ev[4]["how"], "end_of_input");
    assert!(ev[4].get("reason").is_none());
    // The down period spans the two sessions.
    assert_eq!(ev[8]["down_for"], 30.0);
    assert_eq!(v["peers"][0]["flaps"], 1);
    assert_eq!(v["peers"][0]["down_seconds_total"], 30.0);
    assert_eq!(v["peers"][0]["state"], "up");
}

#[test]
fn interleaved_streams_are_ordered_by_time() {
    let d = dir("interleaved");
    let px = |s| bmp::Peer::global(v4([192, 0, 2, 1]), 65001, [192, 0, 2, 1]).with_time(s, 0);
    let py = |s| bmp::Peer::global(v4([192, 0, 2, 2]), 65002, [192, 0, 2, 2]).with_time(s, 0);
    let mut x = initiation("rx", "x");
    x.extend(peer_up(&px(T0 + 1)));
    x.extend(peer_up(&px(T0 + 5)));
    let mut y = initiation("ry", "y");
    y.extend(peer_up(&py(T0 + 3)));
    y.extend(bmp::peer_down(&py(T0 + 7), 5, &[]));
    let fx = write(&d, "x.bmp", &x);
    let fy = write(&d, "y.bmp", &y);
    let v = timeline_json(&[&fx, &fy]);
    let got: Vec<(String, String, Value)> = events(&v)
        .iter()
        .map(|e| {
            (
                e["router"].as_str().unwrap().to_string(),
                e["event"].as_str().unwrap().to_string(),
                e["time"].clone(),
            )
        })
        .collect();
    let want = [
        ("rx", "session_start", Value::Null),
        ("rx", "initiation", Value::Null),
        ("rx", "peer_up", time(T0 + 1)),
        ("ry", "session_start", Value::Null),
        ("ry", "initiation", Value::Null),
        ("ry", "peer_up", time(T0 + 3)),
        ("rx", "peer_up", time(T0 + 5)),
        ("rx", "finding", time(T0 + 5)),
        ("rx", "session_end", Value::Null),
        ("ry", "peer_down", time(T0 + 7)),
        ("ry", "session_end", Value::Null),
    ]
    .map(|(r, e, t)| (r.to_string(), e.to_string(), t));
    assert_eq!(got, want);
    // The second Peer Up of rx without a Peer Down in between.
    let dup = &events(&v)[7];
    assert_eq!(dup["kind"], "duplicate_peer_up");
    assert_eq!(dup["severity"], "warning");
    assert_eq!(dup["peer"]["address"], "192.0.2.1");
}

/// An OpenBMP v1.7 binary `bmp_raw` message from an IPv4 router at a collector time.
fn openbmp(router: [u8; 4], secs: u32, bmp_msg: &[u8]) -> Vec<u8> {
    let mut h = Vec::new();
    h.extend_from_slice(b"OBMP");
    h.extend_from_slice(&[1, 7]);
    h.extend_from_slice(&72u16.to_be_bytes());
    h.extend_from_slice(&(bmp_msg.len() as u32).to_be_bytes());
    h.push(0); // flags: IPv4 router
    h.push(12); // object type: BMP raw
    h.extend_from_slice(&secs.to_be_bytes());
    h.extend_from_slice(&0u32.to_be_bytes());
    h.extend_from_slice(&[0; 16]); // collector hash
    h.extend_from_slice(&0u16.to_be_bytes()); // admin id length
    h.extend_from_slice(&[0; 16]); // router hash
    let mut ip = [0u8; 16];
    ip[..4].copy_from_slice(&router);
    h.extend_from_slice(&ip);
    assert_eq!(h.len(), 72);
    h.extend_from_slice(bmp_msg);
    h
}

#[test]
fn clock_skew_is_reported_once_per_router() {
    let d = dir("skew");
    let r1 = [10, 0, 0, 1];
    let r2 = [10, 0, 0, 2];
    let p2 = |s| bmp::Peer::global(v4([192, 0, 2, 9]), 65009, [192, 0, 2, 9]).with_time(s, 0);
    let attrs = [
        bgp::origin(0),
        bgp::as_path(&[(bgp::AS_SEQUENCE, &[65009])], true),
        bgp::next_hop([192, 0, 2, 9]),
    ]
    .concat();
    let mut input = Vec::new();
    input.extend(openbmp(r1, T0, &initiation("skewed", "ahead by an hour")));
    // Router 1 is an hour ahead: reported at its first timestamped message, and only then.
    input.extend(openbmp(r1, T0 + 1, &peer_up(&peer_a(T0 + 3601))));
    input.extend(openbmp(
        r1,
        T0 + 2,
        &bmp::peer_down(&peer_a(T0 + 3602), 4, &[]),
    ));
    // Router 2: a route received two minutes ago is no skew; a Peer Down dated then is.
    input.extend(openbmp(
        r2,
        T0 + 10,
        &bmp::route_monitoring(
            &p2(T0 - 110),
            &bgp::update(&[], &attrs, &bgp::prefix(None, "203.0.113.0/24")),
        ),
    ));
    input.extend(openbmp(r2, T0 + 20, &bmp::peer_down(&p2(T0 - 100), 4, &[])));
    let f = write(&d, "collector.obmp", &input);
    let v = timeline_json(&[&f]);
    let skews: Vec<&Value> = events(&v)
        .iter()
        .filter(|e| e["event"] == "clock_skew")
        .collect();
    assert_eq!(skews.len(), 2, "{v}");
    let s1 = skews[0];
    assert_eq!(s1["router"], "skewed");
    assert_eq!(s1["time"], time(T0 + 1));
    assert_eq!(s1["severity"], "warning");
    assert_eq!(s1["kind"], "clock_skew");
    assert_eq!(s1["skew_seconds"], 3600.0);
    assert_eq!(s1["router_time"], time(T0 + 3601));
    assert_eq!(s1["observed_time"], time(T0 + 1));
    assert_eq!(s1["message"], "peer_up");
    assert_eq!(s1["peer"]["address"], "192.0.2.1");
    assert_eq!(
        s1["detail"],
        "router clock 1h 00m ahead of the observed time (or the capture was re-timestamped)"
    );
    let s2 = skews[1];
    assert_eq!(s2["router"], "10.0.0.2");
    assert_eq!(s2["time"], time(T0 + 20));
    assert_eq!(s2["skew_seconds"], -120.0);
    assert_eq!(s2["message"], "peer_down");
    // Observed times order the events and are the events' times.
    let ev = events(&v);
    assert_eq!(ev[0]["event"], "session_start");
    assert_eq!(ev[0]["address"], "10.0.0.1");
    assert_eq!(ev[0]["time"], time(T0));
    let down = ev.iter().find(|e| e["event"] == "peer_down").unwrap();
    assert_eq!(down["time"], time(T0 + 2));
}

#[test]
fn findings_are_capped_per_kind_and_stream() {
    let d = dir("cap");
    let mut s = initiation("r1", "noisy");
    let unknown = bmp::message(3, 100, &[0, 1, 2, 3]);
    for _ in 0..1005 {
        s.extend_from_slice(&unknown);
    }
    let f = write(&d, "noisy.bmp", &s);
    let v = timeline_json(&[&f]);
    let findings: Vec<&Value> = events(&v)
        .iter()
        .filter(|e| e["event"] == "finding")
        .collect();
    assert_eq!(findings.len(), 1001);
    assert!(
        findings[..1000]
            .iter()
            .all(|e| e["kind"] == "unknown_message_type" && e.get("suppressed").is_none())
    );
    assert_eq!(findings[1000]["kind"], "unknown_message_type");
    assert_eq!(findings[1000]["severity"], "info");
    assert_eq!(findings[1000]["suppressed"], 5);
    assert_eq!(
        findings[1000]["detail"],
        "5 more unknown_message_type findings in this stream not listed (at most 1000 per kind and stream)"
    );
}

#[test]
fn text_snapshot_at_width_100() {
    let d = dir("text");
    let f = write(&d, "r1.bmp", &flapping_session());
    let out = support::bmpctl()
        .env("COLUMNS", "100")
        .arg("timeline")
        .arg(&f)
        .output()
        .expect("run bmpctl");
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    let want = "\
-             -                 session_start  BMP stream begins
-             -                 initiation     sysName r1; sysDescr Test router 1.0
2023-11-14
22:13:30.000  192.0.2.1 in-pre  peer_up        hold 90s; ports 179/40001; ipv4_unicast; route_refre…
22:13:45.000  192.0.2.1 in-pre  end_of_rib     ipv4_unicast complete 15s after Peer Up
22:15:00.000  192.0.2.1 in-pre  peer_down      local close (1): cease, administrative shutdown \"pla…
22:15:30.000  192.0.2.1 in-pre  peer_up        down for 30s; hold 90s; ports 179/40001; ipv4_unicas…
22:16:40.000  192.0.2.1 in-pre  peer_down      local close (2): FSM event HoldTimer_Expires (10); f…
22:17:40.000  192.0.2.1 in-pre  peer_up        down for 1m 00s; hold 90s; ports 179/40001; ipv4_uni…
22:18:20.000  192.0.2.1 in-pre  peer_down      remote close, no data (4); flap 3
-             -                 termination    unspecified reason (1); \"going away\"
-             -                 finding        error truncated_message: stream ends inside a peer_u…
-             -                 session_end    Termination: unspecified reason (1); end of input

┌────────┬───────────────────┬───────┬───────────┬───────┐
│ router ┆ peer              ┆ flaps ┆ time down ┆ state │
╞════════╪═══════════════════╪═══════╪═══════════╪═══════╡
│ r1     ┆ 192.0.2.1 AS65001 ┆ 3     ┆ 1m 30s    ┆ down  │
└────────┴───────────────────┴───────┴───────────┴───────┘
";
    for line in text.lines() {
        assert!(line.chars().count() <= 100, "wider than 100: {line}");
    }
    assert_eq!(text, want, "got:\n{text}");
}

#[test]
fn captures_peer_down_and_back_up() {
    let Some(dir) = support::captures_dir() else {
        return;
    };
    // SOURCES.md §11: three Peer Down (reason 4), and each peer comes back up.
    let v = timeline_json(&[&dir.join("pmacct_iosxr7101_peer-down.pcap")]);
    let ev = events(&v);
    let downs: Vec<&Value> = ev.iter().filter(|e| e["event"] == "peer_down").collect();
    assert_eq!(downs.len(), 3);
    let mut down_peers = Vec::new();
    for d in &downs {
        assert_eq!(
            d["reason"],
            json!({"code": 4, "name": "remote system closed, no data"})
        );
        assert_eq!(d["flaps"], 1);
        assert_eq!(d["router"], "ipf-zbl1327-r-daisy-90");
        down_peers.push(d["peer"]["address"].as_str().unwrap().to_string());
    }
    assert_eq!(
        down_peers,
        ["2001:db8:44::1", "203.0.113.44", "203.0.113.28"]
    );
    let back: Vec<(String, Value)> = ev
        .iter()
        .filter(|e| e["event"] == "peer_up" && e.get("down_for").is_some())
        .map(|e| {
            (
                e["peer"]["address"].as_str().unwrap().to_string(),
                e["down_for"].clone(),
            )
        })
        .collect();
    assert_eq!(
        back,
        [
            ("2001:db8:44::1".to_string(), json!(2.003)),
            ("203.0.113.28".to_string(), json!(4.007)),
            ("203.0.113.44".to_string(), json!(6.015)),
        ]
    );
    let flapped: Vec<&Value> = v["peers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["flaps"] != 0)
        .collect();
    assert_eq!(flapped.len(), 3);
    assert!(
        flapped
            .iter()
            .all(|p| p["flaps"] == 1 && p["state"] == "up")
    );

    // SOURCES.md §2: two Peer Down, reasons 1 and 3, each with a NOTIFICATION.
    let v = timeline_json(&[&dir.join("netgauze_evpn-vpn_midstream.pcap")]);
    let downs: Vec<&Value> = events(&v)
        .iter()
        .filter(|e| e["event"] == "peer_down")
        .collect();
    assert_eq!(downs.len(), 2);
    let got: Vec<(&Value, &Value, &Value)> = downs
        .iter()
        .map(|d| (&d["router"], &d["peer"]["address"], &d["reason"]))
        .collect();
    let cease = json!({"code": 6, "subcode": 4, "name": "cease",
                       "subcode_name": "administrative reset"});
    assert_eq!(
        got,
        [
            (
                &json!("198.51.100.44"),
                &json!("fcba:be00:3002::2"),
                &json!({"code": 1, "name": "local system closed, NOTIFICATION follows",
                        "notification": cease}),
            ),
            (
                &json!("198.51.100.154"),
                &json!("fcba:be00:3001::1"),
                &json!({"code": 3, "name": "remote system closed, NOTIFICATION follows",
                        "notification": cease}),
            ),
        ]
    );
    // Both peers come back up; router .154's clock is about 67 s behind the capture.
    let ups: Vec<&Value> = events(&v)
        .iter()
        .filter(|e| e["event"] == "peer_up" && e.get("down_for").is_some())
        .collect();
    assert_eq!(ups.len(), 2);
    let skews: Vec<&Value> = events(&v)
        .iter()
        .filter(|e| e["event"] == "clock_skew")
        .collect();
    assert_eq!(skews.len(), 1);
    assert_eq!(skews[0]["router"], "198.51.100.154");
    assert_eq!(skews[0]["skew_seconds"], -66.957576);
}

/// `reconnect` says that the same input (a capture, a live station) saw an earlier connection
/// from the router's address; a second input of the same router is a later session of it
/// (`replaces`), not a reconnect the input saw.
#[test]
fn reconnect_is_what_one_input_saw() {
    use bmpctl::testkit::pcap::{Flow, Link, pcap};

    let d = dir("reconnect-per-input");
    let router = v4([192, 0, 2, 11]);
    let station = (v4([192, 0, 2, 1]), 11019);
    let mut frames = Vec::new();
    for (i, port) in [40_001u16, 40_002].into_iter().enumerate() {
        let mut flow = Flow::new((router, port), station, 1000 + i as u32 * 0x1000_0000);
        let t = 1_700_000_000 + 100 * i as u32;
        frames.push(((t, 0), flow.syn().frame(Link::Ethernet)));
        let session = initiation("r1", "capture");
        frames.push(((t + 1, 0), flow.data(&session).frame(Link::Ethernet)));
        frames.push(((t + 2, 0), flow.fin().frame(Link::Ethernet)));
    }
    let capture = write(
        &d,
        "two-connections.pcap",
        &pcap(Link::Ethernet.linktype(), &frames),
    );

    let v = timeline_json(&[&capture, &capture]);
    let starts: Vec<(bool, bool)> = events(&v)
        .iter()
        .filter(|e| e["event"] == "session_start")
        .map(|e| (e["reconnect"] == true, !e["replaces"].is_null()))
        .collect();
    assert_eq!(
        starts,
        [
            // In time order, the two inputs side by side. The first connection of the first
            // input; that of the second input: a later session of the router, but not a
            // reconnect that input saw.
            (false, false),
            (false, true),
            // The second connection of each: a reconnect each input saw.
            (true, true),
            (true, true),
        ],
        "{v:#}"
    );
}
