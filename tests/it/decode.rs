//! Integration tests of the decoder: byte streams built with `bmpctl::testkit` from the RFC
//! layouts are fed through `StreamDecoder`, and the decoded events and the `decode --json`
//! objects (`render::json::message` / `json::finding`) are checked against what was built.
//!
//! Sections: 1. every BMP message type, 2. the per-peer header, 3. UPDATE contents,
//! 4. session context (Add-Path, AS width, Peer Up/Down bookkeeping), 5. framing.

use crate::support::harness;
use crate::support::hex;

use bmpctl::testkit::{bgp, bmp};
use harness::*;
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------------
// 1. BMP message types
// ---------------------------------------------------------------------------------------------

#[test]
fn initiation_tlvs_and_router_name() {
    let init = bmp::initiation(&[
        (0, b"free text".as_slice()),
        (1, b"ExampleOS 1.2".as_slice()),
        (2, b"edge1".as_slice()),
    ]);
    let stats = bmp::statistics(&peer_a(), &[]);
    let evs = run(&stream(&[init.clone(), stats]));
    assert_kinds(&evs, &[]);
    let m = msgs(&evs);
    assert_eq!(m.len(), 2);
    let i = m[0];
    assert_eq!(i["type"], "initiation");
    assert_eq!(i["version"], 3);
    assert_eq!(i["offset"], 0);
    assert_eq!(i["length"], init.len());
    assert_eq!(i["router_time"], Value::Null);
    assert!(i.get("peer").is_none(), "Initiation has no per-peer header");
    assert_eq!(
        i["information"],
        json!([
            {"type": 0, "name": "string", "value": "free text"},
            {"type": 1, "name": "sys_descr", "value": "ExampleOS 1.2"},
            {"type": 2, "name": "sys_name", "value": "edge1"},
        ])
    );
    // sysName names the router from the Initiation on.
    assert_eq!(i["router"], "edge1");
    assert_eq!(m[1]["router"], "edge1");
    assert_eq!(m[1]["offset"], init.len());
    match &evs[0] {
        Ev::Msg { router, .. } => {
            assert_eq!(router.sys_name.as_deref(), Some("edge1"));
            assert_eq!(router.sys_descr.as_deref(), Some("ExampleOS 1.2"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn router_name_is_stream_name_without_initiation() {
    let evs = run(&bmp::statistics(&peer_a(), &[]));
    assert_eq!(one_msg(&evs)["router"], "test");
}

#[test]
fn termination_string_and_reasons_0_to_4() {
    // RFC 7854 §4.5 reason codes.
    let rfc = [
        "session administratively closed",
        "unspecified reason",
        "out of resources",
        "redundant connection",
        "session permanently administratively closed",
    ];
    for (code, name) in rfc.iter().enumerate() {
        let code = code as u16;
        let t = bmp::termination(&[
            (0, b"going away".as_slice()),
            (1, code.to_be_bytes().as_slice()),
        ]);
        let evs = run(&t);
        assert_kinds(&evs, &[]);
        let m = one_msg(&evs);
        assert_eq!(m["type"], "termination");
        assert_eq!(m["length"], t.len());
        assert_eq!(m["reason"]["code"], code);
        assert_eq!(
            m["reason"]["name"]
                .as_str()
                .map(str::to_lowercase)
                .as_deref(),
            Some(*name),
            "reason {code}"
        );
        assert_eq!(
            m["information"],
            json!([{"type": 0, "name": "string", "value": "going away"}])
        );
    }
}

#[test]
fn peer_up_ipv4_capabilities_and_information() {
    let peer = peer_a();
    let sent_caps = vec![
        bgp::cap_mp(1, 1),
        bgp::cap_mp(2, 1),
        bgp::cap_route_refresh(),
        bgp::cap_as4(65000),
        bgp::cap_add_path(&[(1, 1, 3), (2, 1, 1)]),
        // Restart flags R (0x8), restart time 120 s; IPv4 unicast with forwarding state kept.
        bgp::cap_graceful_restart(0x8000 | 120, &[(1, 1, 0x80)]),
        bgp::cap_ext_message(),
        bgp::cap_ext_next_hop(&[(1, 1, 2)]),
        bgp::cap_multi_labels(&[(1, 4, 2)]),
        bgp::cap_fqdn("r1", "example.net"),
        bgp::cap_role(3),
        bgp::cap_raw(200, &[1, 2, 3]),
    ];
    let recv_caps = vec![
        bgp::cap_mp(1, 1),
        bgp::cap_as4(4_200_000_000),
        bgp::cap_add_path(&[(1, 1, 2)]),
    ];
    let sent = bgp::open(65000, 90, [10, 0, 0, 1], &sent_caps);
    let recv = bgp::open(4_200_000_000, 180, [192, 0, 2, 1], &recv_caps);
    let up = bmp::peer_up(
        &peer,
        v4(192, 0, 2, 254),
        179,
        40000,
        &sent,
        &recv,
        &[(0, b"peer string".as_slice()), (3, b"VRF-A".as_slice())],
    );
    let evs = run(&up);
    assert_kinds(&evs, &[]);
    match &evs[0] {
        Ev::Msg { has_opens, .. } => assert!(*has_opens, "both OPENs decode"),
        other => panic!("{other:?}"),
    }
    let m = one_msg(&evs);
    assert_eq!(m["type"], "peer_up");
    assert_eq!(m["length"], up.len());
    assert_eq!(m["peer"]["address"], "192.0.2.1");
    assert_eq!(m["local_address"], "192.0.2.254");
    assert_eq!(m["local_port"], 179);
    assert_eq!(m["remote_port"], 40000);

    let s = &m["sent_open"];
    assert_eq!(s["version"], 4);
    assert_eq!(s["my_as"], 65000);
    assert_eq!(s["asn"], 65000);
    assert_eq!(s["hold_time"], 90);
    assert_eq!(s["bgp_id"], "10.0.0.1");
    let caps = s["capabilities"].as_array().expect("capabilities");
    assert_eq!(caps.len(), sent_caps.len(), "{caps:#?}");
    assert_eq!(
        caps[0],
        json!({"code": 1, "name": "multiprotocol", "afi": 1, "safi": 1, "family": "ipv4_unicast"})
    );
    assert_eq!(
        caps[1],
        json!({"code": 1, "name": "multiprotocol", "afi": 2, "safi": 1, "family": "ipv6_unicast"})
    );
    assert_eq!(caps[2], json!({"code": 2, "name": "route_refresh"}));
    assert_eq!(
        caps[3],
        json!({"code": 65, "name": "four_octet_as", "asn": 65000})
    );
    assert_eq!(caps[4]["code"], 69);
    assert_eq!(caps[4]["name"], "add_path");
    assert_eq!(
        caps[4]["families"],
        json!([
            {"afi": 1, "safi": 1, "family": "ipv4_unicast", "send_receive": 3, "mode": "send_receive"},
            {"afi": 2, "safi": 1, "family": "ipv6_unicast", "send_receive": 1, "mode": "receive"},
        ])
    );
    assert_eq!(caps[5]["code"], 64);
    assert_eq!(caps[5]["name"], "graceful_restart");
    assert_eq!(caps[5]["restart_flags"], 8);
    assert_eq!(caps[5]["restart_time"], 120);
    assert_eq!(
        caps[5]["families"],
        json!([{"afi": 1, "safi": 1, "family": "ipv4_unicast", "flags": 0x80}])
    );
    assert_eq!(caps[6], json!({"code": 6, "name": "extended_message"}));
    assert_eq!(
        caps[7],
        json!({"code": 5, "name": "extended_next_hop",
               "families": [{"afi": 1, "safi": 1, "next_hop_afi": 2}]})
    );
    assert_eq!(caps[8]["code"], 8);
    assert_eq!(caps[8]["name"], "multiple_labels");
    assert_eq!(caps[8]["families"][0]["afi"], 1);
    assert_eq!(caps[8]["families"][0]["safi"], 4);
    assert_eq!(caps[8]["families"][0]["count"], 2);
    assert_eq!(
        caps[9],
        json!({"code": 73, "name": "fqdn", "host": "r1", "domain": "example.net"})
    );
    // RFC 9234: role 3 is Customer.
    assert_eq!(
        caps[10],
        json!({"code": 9, "name": "role", "role": 3, "role_name": "customer"})
    );
    assert_eq!(caps[11]["code"], 200);
    assert_eq!(caps[11]["raw"], hex(&[1, 2, 3]));

    let r = &m["received_open"];
    // my AS field carries AS_TRANS; the real ASN comes from capability 65.
    assert_eq!(r["my_as"], bgp::AS_TRANS);
    assert_eq!(r["asn"], 4_200_000_000u32);
    assert_eq!(r["hold_time"], 180);
    assert_eq!(r["bgp_id"], "192.0.2.1");
    assert_eq!(r["capabilities"].as_array().map(Vec::len), Some(3));
    assert_eq!(
        r["capabilities"][2]["families"][0]["mode"], "send",
        "received Add-Path 2 = send"
    );

    assert_eq!(
        m["information"],
        json!([
            {"type": 0, "name": "string", "value": "peer string"},
            {"type": 3, "name": "vrf_table_name", "value": "VRF-A"},
        ])
    );
}

#[test]
fn peer_up_ipv6_peer_and_local_address() {
    let peer = bmp::Peer::global(v6("2001:db8::1"), 65010, [192, 0, 2, 10]);
    let sent = bgp::open(65000, 90, [10, 0, 0, 1], &caps4(65000, &[]));
    let recv = bgp::open(65010, 90, [192, 0, 2, 10], &caps4(65010, &[]));
    let up = bmp::peer_up(&peer, v6("2001:db8::2"), 50000, 179, &sent, &recv, &[]);
    let evs = run(&up);
    assert_kinds(&evs, &[]);
    let m = one_msg(&evs);
    assert_eq!(m["peer"]["address"], "2001:db8::1");
    assert_eq!(m["peer"]["flags"], bmp::FLAG_V);
    assert_eq!(m["local_address"], "2001:db8::2");
    assert_eq!(m["local_port"], 50000);
    assert_eq!(m["remote_port"], 179);
    assert_eq!(m["sent_open"]["asn"], 65000);
    assert_eq!(m["received_open"]["asn"], 65010);
    assert_eq!(m["information"], json!([]));
}

fn peer_down_alone(reason: u8, data: &[u8]) -> (Vec<Ev>, Value) {
    let evs = run(&bmp::peer_down(&peer_a(), reason, data));
    let m = one_msg(&evs).clone();
    assert_eq!(m["type"], "peer_down");
    assert_eq!(m["reason"]["code"], reason);
    (evs, m)
}

fn lower(v: &Value) -> String {
    v.as_str().expect("string").to_lowercase()
}

#[test]
fn peer_down_reason_1_notification_with_shutdown_communication() {
    // RFC 8203: Cease / Administrative Shutdown with a length-prefixed UTF-8 message.
    let text = "maintenance window";
    let mut data = vec![text.len() as u8];
    data.extend_from_slice(text.as_bytes());
    let (evs, m) = peer_down_alone(1, &bgp::notification(6, 2, &data));
    assert_kinds(&evs, &["peer_down_without_peer_up"]);
    let name = lower(&m["reason"]["name"]);
    assert!(
        name.contains("local") && name.contains("notification"),
        "{name}"
    );
    let n = &m["reason"]["notification"];
    assert_eq!(n["code"], 6);
    assert_eq!(n["subcode"], 2);
    assert_eq!(lower(&n["name"]), "cease");
    assert_eq!(lower(&n["subcode_name"]), "administrative shutdown");
    assert_eq!(n["data"], hex(&data));
    assert_eq!(n["shutdown_communication"], text);
}

#[test]
fn peer_down_reason_3_notification() {
    // RFC 4271 §4.5: code 2 OPEN Message Error, subcode 2 Bad Peer AS.
    let (evs, m) = peer_down_alone(3, &bgp::notification(2, 2, &[0xfd, 0xe9]));
    assert_kinds(&evs, &["peer_down_without_peer_up"]);
    let name = lower(&m["reason"]["name"]);
    assert!(
        name.contains("remote") && name.contains("notification"),
        "{name}"
    );
    let n = &m["reason"]["notification"];
    assert_eq!(n["code"], 2);
    assert_eq!(n["subcode"], 2);
    assert_eq!(lower(&n["name"]), "open message error");
    assert_eq!(lower(&n["subcode_name"]), "bad peer as");
    assert_eq!(n["data"], "fde9");
    assert!(n.get("shutdown_communication").is_none());
}

#[test]
fn peer_down_reason_2_fsm_event() {
    // RFC 4271 §8.1: event 10 is HoldTimer_Expires.
    let (evs, m) = peer_down_alone(2, &10u16.to_be_bytes());
    assert_kinds(&evs, &["peer_down_without_peer_up"]);
    assert!(lower(&m["reason"]["name"]).contains("fsm"));
    assert_eq!(m["reason"]["fsm_event"]["code"], 10);
    assert_eq!(m["reason"]["fsm_event"]["name"], "HoldTimer_Expires");
}

#[test]
fn peer_down_reason_2_fsm_event_0_is_local_close_no_detail() {
    let up = peer_up(&peer_a(), &caps4(65000, &[]), &caps4(65001, &[]));
    let down = bmp::peer_down(&peer_a(), 2, &0u16.to_be_bytes());
    let evs = run(&stream(&[up.clone(), down]));
    assert_kinds(&evs, &["local_close_no_detail"]);
    let f = finds(&evs, "local_close_no_detail");
    assert_eq!(f[0].0, up.len() as u64, "finding at the Peer Down's offset");
    assert_eq!(f[0].2["severity"], "info");
    assert_eq!(f[0].2["message_type"], "peer_down");
    assert_eq!(f[0].2["peer"]["address"], "192.0.2.1");
    assert_eq!(msgs(&evs)[1]["reason"]["fsm_event"]["code"], 0);
}

#[test]
fn peer_down_reasons_4_and_5_without_data() {
    for (reason, words) in [(4u8, ["remote", "no data"]), (5, ["de-configured", ""])] {
        let (evs, m) = peer_down_alone(reason, &[]);
        assert_kinds(&evs, &["peer_down_without_peer_up"]);
        let name = lower(&m["reason"]["name"]);
        assert!(words.iter().all(|w| name.contains(w)), "{reason}: {name}");
        let keys: Vec<&String> = m["reason"].as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), 2, "only code and name: {keys:?}");
        assert!(m.get("tlvs_raw").is_none());
    }
}

#[test]
fn peer_down_reason_6_tlvs() {
    // RFC 9069 §5.3: Loc-RIB instance closed, VRF/table name TLV (type 3) follows.
    let loc = bmp::Peer::loc_rib(65000, [10, 0, 0, 1]);
    let data = bmp::tlv(3, b"VRF-A");
    let evs = run(&bmp::peer_down(&loc, 6, &data));
    assert_kinds(&evs, &["peer_down_without_peer_up"]);
    let m = one_msg(&evs);
    assert_eq!(m["reason"]["code"], 6);
    assert!(lower(&m["reason"]["name"]).contains("tlv"));
    assert_eq!(
        m["reason"]["information"],
        json!([{"type": 3, "name": "vrf_table_name", "value": "VRF-A"}])
    );
    assert_eq!(m["peer"]["rib"], "loc_rib");
}

#[test]
fn peer_down_reason_0_is_reserved() {
    let (evs, m) = peer_down_alone(0, &[0xab]);
    assert_kinds(
        &evs,
        &["peer_down_without_peer_up", "reserved_peer_down_reason"],
    );
    assert_eq!(m["reason"]["data"], "ab");
    let f = finds(&evs, "reserved_peer_down_reason");
    assert_eq!(f[0].0, 0);
    assert_eq!(f[0].2["severity"], "warning");
}

#[test]
fn peer_down_unknown_reason_200_kept() {
    let (evs, m) = peer_down_alone(200, &[0xde, 0xad, 0xbe, 0xef]);
    assert_kinds(&evs, &["peer_down_without_peer_up"]);
    assert_eq!(m["reason"]["name"], "unknown");
    assert_eq!(m["reason"]["data"], "deadbeef");
}

#[test]
fn peer_down_without_peer_up_only_without_context() {
    let p = peer_a();
    let up = peer_up(&p, &caps4(65000, &[]), &caps4(65001, &[]));
    let down = bmp::peer_down(&p, 4, &[]);
    // Up, Down: fine. A second Down for the same peer has no Peer Up any more.
    let evs = run(&stream(&[up.clone(), down.clone(), down.clone()]));
    assert_kinds(&evs, &["peer_down_without_peer_up"]);
    let f = finds(&evs, "peer_down_without_peer_up");
    assert_eq!(f[0].0, (up.len() + down.len()) as u64);
    assert_eq!(f[0].1, Some(v4(192, 0, 2, 1)));
}

#[test]
fn statistics_report_values() {
    let peer = peer_a();
    let big = (1u64 << 32) + 1;
    let stats = vec![
        bmp::stat_counter(0, 7),
        bmp::stat_gauge(7, big),
        bmp::stat_afi_gauge(9, 2, 1, 1 << 40),
        bmp::tlv(13, &[1, 2, 3]), // odd length: kept raw
        bmp::stat_counter(65531, 5),
    ];
    let report = bmp::statistics(&peer, &stats);
    let evs = run(&report);
    assert_kinds(&evs, &[]);
    let m = one_msg(&evs);
    assert_eq!(m["type"], "statistics_report");
    assert_eq!(m["length"], report.len());
    let s = m["stats"].as_array().expect("stats");
    assert_eq!(s.len(), 5, "{s:#?}");
    assert_eq!(s[0]["type"], 0);
    assert_eq!(s[0]["value"], 7);
    assert!(lower(&s[0]["name"]).contains("rejected"));
    assert_eq!(s[1]["type"], 7);
    assert_eq!(s[1]["value"], big);
    assert!(lower(&s[1]["name"]).contains("adj-rib"));
    assert_eq!(s[2]["type"], 9);
    assert_eq!(s[2]["afi"], 2);
    assert_eq!(s[2]["safi"], 1);
    assert_eq!(s[2]["family"], "ipv6_unicast");
    assert_eq!(s[2]["value"], 1u64 << 40);
    assert_eq!(s[3]["type"], 13);
    assert_eq!(s[3]["raw"], "010203");
    assert!(s[3].get("value").is_none());
    assert_eq!(s[4]["type"], 65531);
    assert_eq!(s[4]["value"], 5);
    assert!(lower(&s[4]["name"]).contains("experimental"));
}

#[test]
fn statistics_count_mismatch_is_a_finding_not_a_failure() {
    let mut report = bmp::statistics(
        &peer_a(),
        &[bmp::stat_counter(0, 1), bmp::stat_counter(1, 2)],
    );
    // Count field (after the 6-octet common and 42-octet per-peer headers) says 3.
    report[48..52].copy_from_slice(&3u32.to_be_bytes());
    let next = bmp::initiation(&[(2, b"r".as_slice())]);
    let evs = run(&stream(&[report, next]));
    assert_kinds(&evs, &["statistics_mismatch"]);
    let m = msgs(&evs);
    assert_eq!(m.len(), 2, "the report and the following message");
    assert_eq!(m[0]["type"], "statistics_report");
    assert_eq!(
        m[0]["stats"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["value"].clone())
            .collect::<Vec<_>>(),
        [json!(1), json!(2)]
    );
    let f = finds(&evs, "statistics_mismatch");
    assert_eq!(f[0].0, 0);
    assert_eq!(f[0].2["severity"], "warning");
    assert_eq!(m[1]["type"], "initiation");
}

#[test]
fn route_mirroring_bgp_message_and_messages_lost() {
    let upd = update4(&bgp::prefix(None, "10.0.0.0/8"));
    let rm = bmp::route_mirroring(
        &peer_a(),
        &[(0, upd.as_slice()), (1, 1u16.to_be_bytes().as_slice())],
    );
    let evs = run(&rm);
    assert_kinds(&evs, &[]);
    let m = one_msg(&evs);
    assert_eq!(m["type"], "route_mirroring");
    let t = m["tlvs"].as_array().expect("tlvs");
    assert_eq!(t.len(), 2);
    assert_eq!(t[0]["type"], 0);
    assert_eq!(t[0]["name"], "bgp_message");
    assert_eq!(t[0]["bgp"]["type"], "update");
    assert_eq!(t[0]["bgp"]["length"], upd.len());
    assert_eq!(t[0]["bgp"]["raw"], hex(&upd));
    assert_eq!(t[1]["type"], 1);
    assert_eq!(t[1]["code"], 1);
    assert_eq!(t[1]["code_name"], "messages lost");
}

#[test]
fn route_mirroring_notification_is_decoded_as_in_peer_down() {
    let text = "maintenance window";
    let mut data = vec![text.len() as u8];
    data.extend_from_slice(text.as_bytes());
    let notification = bgp::notification(6, 2, &data);
    let rm = bmp::route_mirroring(&peer_a(), &[(0, notification.as_slice())]);
    let evs = run(&rm);
    let m = one_msg(&evs);
    let pdu = &m["tlvs"][0]["bgp"];
    assert_eq!(pdu["type"], "notification");
    assert_eq!(pdu["length"], notification.len());
    assert_eq!(pdu["raw"], hex(&notification));
    let n = &pdu["notification"];
    assert_eq!(n["code"], 6);
    assert_eq!(n["subcode"], 2);
    assert_eq!(n["data"], hex(&data));
    assert_eq!(n["shutdown_communication"], text);
    // The same object a Peer Down carrying that NOTIFICATION shows.
    let (_, down) = peer_down_alone(1, &notification);
    assert_eq!(*n, down["reason"]["notification"]);
}

#[test]
fn unknown_message_types_100_and_251() {
    let a = bmp::message(3, 100, &[1, 2, 3, 4]);
    let b = bmp::message(3, 251, &[0xff]);
    let init = bmp::initiation(&[(2, b"r1".as_slice())]);
    let evs = run(&stream(&[a.clone(), b.clone(), init]));
    assert_kinds(&evs, &["unknown_message_type", "unknown_message_type"]);
    let m = msgs(&evs);
    assert_eq!(m.len(), 3);
    for (j, (t, body)) in [(100u8, "01020304"), (251, "ff")].into_iter().enumerate() {
        assert_eq!(m[j]["type"], "unknown");
        assert_eq!(m[j]["message_type"], t);
        assert_eq!(m[j]["raw"], body);
    }
    assert_eq!(m[1]["offset"], a.len());
    assert_eq!(m[2]["type"], "initiation");
    assert_eq!(m[2]["offset"], a.len() + b.len());
    let types: Vec<u8> = evs
        .iter()
        .filter_map(|e| match e {
            Ev::Msg { msg_type, .. } => Some(*msg_type),
            Ev::Find { .. } => None,
        })
        .collect();
    assert_eq!(types, [100, 251, bmp::INITIATION]);
    let f = finds(&evs, "unknown_message_type");
    assert_eq!(f[0].0, 0);
    assert_eq!(f[1].0, a.len() as u64);
    assert_eq!(f[0].2["severity"], "info");
}

#[test]
fn bmpv4_route_monitoring_with_bgp_pdu_tlv() {
    let nlri = bgp::prefixes(None, &["10.1.0.0/16", "10.2.2.0/24"]);
    let upd = update4(&nlri);
    let loc = bmp::Peer::loc_rib(65000, [10, 0, 0, 1]);
    let msg = bmp::route_monitoring_v4(&loc, &[(4, 0, upd.as_slice()), (3, 1, b"blue".as_slice())]);
    let evs = run(&msg);
    assert_kinds(&evs, &["route_monitoring_before_peer_up"]);
    let m = one_msg(&evs);
    assert_eq!(m["version"], 4);
    assert_eq!(m["type"], "route_monitoring");
    assert_eq!(m["length"], msg.len());
    let ann: Vec<&Value> = m["announced"].as_array().unwrap().iter().collect();
    assert_eq!(ann.len(), 2);
    assert_eq!(ann[0]["prefix"], "10.1.0.0/16");
    assert_eq!(ann[1]["prefix"], "10.2.2.0/24");
    assert_eq!(
        m["tlvs"],
        json!([{"type": 3, "name": "vrf_table_name", "index": 1, "value": hex(b"blue"),
                "vrf_table_name": "blue"}])
    );
    match &evs[0] {
        Ev::Msg { version, .. } => assert_eq!(*version, 4),
        other => panic!("{other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// 2. Per-peer header
// ---------------------------------------------------------------------------------------------

fn stats_peer(peer: &bmp::Peer) -> (Vec<Ev>, Value) {
    let evs = run(&bmp::statistics(peer, &[]));
    let m = one_msg(&evs).clone();
    (evs, m)
}

#[test]
fn peer_types_0_to_3_and_unknown() {
    let base = peer_a();
    for (t, name, rib) in [
        (0u8, "global", "adj_rib_in_pre"),
        (1, "rd_instance", "adj_rib_in_pre"),
        (2, "local_instance", "adj_rib_in_pre"),
        (3, "loc_rib", "loc_rib"),
        (7, "unknown", "unknown"),
    ] {
        let (evs, m) = stats_peer(&base.with_type(t));
        assert_kinds(&evs, &[]);
        assert_eq!(m["peer"]["type_code"], t);
        assert_eq!(m["peer"]["type"], name, "type {t}");
        assert_eq!(m["peer"]["rib"], rib, "type {t}");
    }
    // Type 7 with the L flag: the flags mean nothing known.
    let (_, m) = stats_peer(&base.with_type(7).with_flags(bmp::FLAG_L));
    assert_eq!(m["peer"]["rib"], "unknown");
}

#[test]
fn peer_flags_select_rib_view() {
    let base = peer_a();
    for (flags, rib) in [
        (0u8, "adj_rib_in_pre"),
        (bmp::FLAG_L, "adj_rib_in_post"),
        (bmp::FLAG_O, "adj_rib_out_pre"),
        (bmp::FLAG_O | bmp::FLAG_L, "adj_rib_out_post"),
        (bmp::FLAG_A, "adj_rib_in_pre"),
        (bmp::FLAG_A | bmp::FLAG_L | bmp::FLAG_O, "adj_rib_out_post"),
    ] {
        let (evs, m) = stats_peer(&base.with_flags(flags));
        assert_kinds(&evs, &[]);
        assert_eq!(m["peer"]["flags"], flags);
        assert_eq!(m["peer"]["rib"], rib, "flags {flags:#04x}");
        assert_eq!(m["peer"]["address"], "192.0.2.1");
    }
    // V flag: the 16 address octets are IPv6.
    let p6 = bmp::Peer::global(v6("2001:db8::7"), 65001, [1, 1, 1, 1])
        .with_flags(bmp::FLAG_V | bmp::FLAG_L);
    let (_, m) = stats_peer(&p6);
    assert_eq!(m["peer"]["address"], "2001:db8::7");
    assert_eq!(m["peer"]["rib"], "adj_rib_in_post");
}

#[test]
fn loc_rib_filtered_flag_is_not_the_v_flag() {
    // RFC 9069 §4.2: for Loc-RIB the 0x80 bit is F (filtered), not V.
    let loc = bmp::Peer::loc_rib(65000, [10, 0, 0, 1]).with_flags(bmp::FLAG_F);
    let (evs, m) = stats_peer(&loc);
    assert_kinds(&evs, &[]);
    assert_eq!(m["peer"]["rib"], "loc_rib");
    assert_eq!(m["peer"]["flags"], 0x80);
    assert_eq!(m["peer"]["address"], "0.0.0.0");
    // Other Loc-RIB flag bits are reserved.
    let (evs, _) = stats_peer(&bmp::Peer::loc_rib(65000, [10, 0, 0, 1]).with_flags(0x40));
    assert_kinds(&evs, &["reserved_flags"]);
}

#[test]
fn distinguisher_text() {
    let base = peer_a();
    // RD type 0: 2-octet ASN 65000, 4-octet number 1 (RFC 4364 §4.2).
    let rd0 = [0, 0, 0xfd, 0xe8, 0, 0, 0, 1];
    // RD type 1: IPv4 192.0.2.1, number 7.
    let rd1 = [0, 1, 192, 0, 2, 1, 0, 7];
    // RD type 2: 4-octet ASN 4200000000, number 9.
    let mut rd2 = [0, 2, 0, 0, 0, 0, 0, 9];
    rd2[2..6].copy_from_slice(&4_200_000_000u32.to_be_bytes());
    for (d, want) in [
        (rd0, "65000:1"),
        (rd1, "192.0.2.1:7"),
        (rd2, "4200000000:9"),
    ] {
        let (_, m) = stats_peer(&base.with_type(1).with_distinguisher(d));
        assert_eq!(m["peer"]["distinguisher"], want);
    }
    let (_, m) = stats_peer(&base);
    assert_eq!(m["peer"]["distinguisher"], "0");
}

#[test]
fn peer_address_as_bgp_id() {
    let p = bmp::Peer::global(v4(198, 51, 100, 7), 4_200_000_000, [203, 0, 113, 9]);
    let (_, m) = stats_peer(&p);
    assert_eq!(m["peer"]["address"], "198.51.100.7");
    assert_eq!(m["peer"]["asn"], 4_200_000_000u32);
    assert_eq!(m["peer"]["bgp_id"], "203.0.113.9");
}

#[test]
fn timestamps_and_router_time() {
    // 1 700 000 000 s after the epoch is 2023-11-14T22:13:20Z.
    let (_, m) = stats_peer(&peer_a().with_time(1_700_000_000, 123_456));
    assert_eq!(m["router_time"], "2023-11-14T22:13:20.123456Z");
    assert_eq!(m["peer"]["timestamp_sec"], 1_700_000_000u32);
    assert_eq!(m["peer"]["timestamp_usec"], 123_456);
    // Microseconds are zero-padded to six digits.
    let (_, m) = stats_peer(&peer_a().with_time(1_700_000_000, 5));
    assert_eq!(m["router_time"], "2023-11-14T22:13:20.000005Z");
    // One day later, at the epoch's midnight boundary.
    let (_, m) = stats_peer(&peer_a().with_time(86_400, 0));
    assert_eq!(m["router_time"], "1970-01-02T00:00:00.000000Z");
    // Timestamp 0 means "not available".
    let (_, m) = stats_peer(&peer_a().with_time(0, 0));
    assert_eq!(m["router_time"], Value::Null);
    assert_eq!(m["observed_time"], Value::Null);
}

#[test]
fn router_time_clamps_out_of_range_microseconds() {
    // Microseconds of a second or more are malformed: shown as the last microsecond of the
    // stamped second (as before the time type existed), not carried into later seconds, and
    // the header field itself is reported as sent.
    for usec in [1_000_000, 2_500_000, u32::MAX] {
        let (_, m) = stats_peer(&peer_a().with_time(1_700_000_000, usec));
        assert_eq!(m["router_time"], "2023-11-14T22:13:20.999999Z", "{usec}");
        assert_eq!(m["peer"]["timestamp_sec"], 1_700_000_000u32);
        assert_eq!(m["peer"]["timestamp_usec"], usec);
    }
}

// ---------------------------------------------------------------------------------------------
// 3. UPDATE contents
// ---------------------------------------------------------------------------------------------

/// Peer Up (4-octet, no Add-Path) for peer A, then the given Route Monitoring PDUs.
fn with_session(pdus: &[Vec<u8>]) -> Vec<Ev> {
    let p = peer_a();
    let mut parts = vec![peer_up(&p, &caps4(65000, &[]), &caps4(65001, &[]))];
    parts.extend(pdus.iter().map(|u| bmp::route_monitoring(&p, u)));
    run(&stream(&parts))
}

#[test]
fn update_ipv4_withdrawn_and_nlri() {
    let wd = ["10.9.0.0/16", "192.168.1.0/24"];
    let ann = [
        "10.1.0.0/16",
        "10.2.3.0/24",
        "0.0.0.0/0",
        "1.2.3.4/32",
        "10.1.2.128/25",
    ];
    let attrs = [
        bgp::origin(0),
        bgp::as_path(&[(bgp::AS_SEQUENCE, &[65001])], true),
        bgp::next_hop([192, 0, 2, 1]),
    ]
    .concat();
    let upd = bgp::update(
        &bgp::prefixes(None, &wd),
        &attrs,
        &bgp::prefixes(None, &ann),
    );
    let evs = with_session(&[upd]);
    assert_kinds(&evs, &[]);
    let m = msgs(&evs)[1];
    let w: Vec<Value> = wd
        .iter()
        .map(|p| json!({"prefix": p, "family": "ipv4_unicast", "decoded": "negotiated"}))
        .collect();
    let a: Vec<Value> = ann
        .iter()
        .map(|p| json!({"prefix": p, "family": "ipv4_unicast", "decoded": "negotiated"}))
        .collect();
    assert_eq!(m["withdrawn"], Value::from(w));
    assert_eq!(m["announced"], Value::from(a));
    assert!(m.get("end_of_rib").is_none() || m["end_of_rib"] == false);
    let rts = routes(&evs, 1);
    assert_eq!(rts.iter().filter(|r| r.withdrawn).count(), wd.len());
    assert!(
        rts.iter()
            .all(|r| r.afi == 1 && r.safi == 1 && r.path_id.is_none())
    );
    match &evs[1] {
        Ev::Msg { eor, .. } => assert_eq!(*eor, None),
        other => panic!("{other:?}"),
    }
}

#[test]
fn update_all_attributes_four_octet_session() {
    let unknown_flags = bgp::FLAG_OPTIONAL | bgp::FLAG_TRANSITIVE | bgp::FLAG_PARTIAL;
    let ext = [0x00, 0x02, 0xfd, 0xe8, 0, 0, 0, 100];
    let attrs = [
        bgp::origin(2),
        bgp::as_path(
            &[
                (bgp::AS_SEQUENCE, &[65001, 4_200_000_000]),
                (bgp::AS_SET, &[65100, 65101]),
            ],
            true,
        ),
        bgp::next_hop([192, 0, 2, 1]),
        bgp::med(50),
        bgp::local_pref(200),
        bgp::atomic_aggregate(),
        bgp::aggregator(4_200_000_001, [192, 0, 2, 9], true),
        bgp::communities(&[0xFFFF_FF01, 0xFFFF_FF02, 0xFFFF_FF03, (65000 << 16) | 100]),
        bgp::originator_id([10, 0, 0, 5]),
        bgp::cluster_list(&[[10, 0, 0, 6], [10, 0, 0, 7]]),
        bgp::extended_communities(&[ext]),
        bgp::large_communities(&[(4_200_000_000, 1, 2)]),
        bgp::attr(unknown_flags, 250, &[9, 8, 7]),
    ]
    .concat();
    let upd = bgp::update(&[], &attrs, &bgp::prefix(None, "10.0.0.0/8"));
    let evs = with_session(&[upd]);
    assert_kinds(&evs, &[]);
    let a = &msgs(&evs)[1]["attributes"];
    assert_eq!(a["origin"], "incomplete");
    assert_eq!(a["as_path"], "65001 4200000000 {65100,65101}");
    assert_eq!(
        a["as_path_segments"],
        json!([
            {"type": "as_sequence", "asns": [65001, 4_200_000_000u32]},
            {"type": "as_set", "asns": [65100, 65101]},
        ])
    );
    assert_eq!(a["next_hop"], "192.0.2.1");
    assert_eq!(a["med"], 50);
    assert_eq!(a["local_pref"], 200);
    assert_eq!(a["atomic_aggregate"], true);
    assert_eq!(
        a["aggregator"],
        json!({"asn": 4_200_000_001u32, "address": "192.0.2.9"})
    );
    assert_eq!(
        a["communities"],
        json!([
            "no-export",
            "no-advertise",
            "no-export-subconfed",
            "65000:100"
        ])
    );
    assert_eq!(a["originator_id"], "10.0.0.5");
    assert_eq!(a["cluster_list"], json!(["10.0.0.6", "10.0.0.7"]));
    assert_eq!(a["extended_communities"][0]["raw"], hex(&ext));
    assert_eq!(a["extended_communities"][0]["type"], "route_target");
    assert_eq!(a["large_communities"], json!(["4200000000:1:2"]));
    assert_eq!(
        a["other"],
        json!([{"code": 250, "name": "unknown", "flags": unknown_flags, "raw": "090807"}])
    );
    assert_eq!(
        msgs(&evs)[1]["as_width"],
        json!({"octets": 4, "decoded": "negotiated"})
    );
}

#[test]
fn update_two_octet_session_merges_as4_path_and_as4_aggregator() {
    // RFC 6793 §4.2.3 on a session where neither OPEN has capability 65 and the A flag is set.
    let p = peer_a().with_flags(bmp::FLAG_A);
    let up = peer_up(&p, &[bgp::cap_mp(1, 1)], &[bgp::cap_mp(1, 1)]);
    let attrs = [
        bgp::origin(0),
        // 65001 AS_TRANS AS_TRANS on the wire.
        bgp::as_path(
            &[(bgp::AS_SEQUENCE, &[65001, 4_200_000_001, 4_200_000_002])],
            false,
        ),
        bgp::next_hop([192, 0, 2, 1]),
        bgp::aggregator(4_200_000_003, [192, 0, 2, 9], false),
        bgp::as4_path(&[(bgp::AS_SEQUENCE, &[4_200_000_001, 4_200_000_002])]),
        bgp::as4_aggregator(4_200_000_003, [192, 0, 2, 9]),
    ]
    .concat();
    let upd = bgp::update(&[], &attrs, &bgp::prefix(None, "10.0.0.0/8"));
    let evs = run(&stream(&[up, bmp::route_monitoring(&p, &upd)]));
    assert_kinds(&evs, &[]);
    let m = msgs(&evs)[1];
    assert_eq!(m["as_width"], json!({"octets": 2, "decoded": "negotiated"}));
    let a = &m["attributes"];
    assert_eq!(a["as_path"], "65001 4200000001 4200000002");
    let segs = a["as_path_segments"].as_array().unwrap();
    assert!(segs.iter().all(|s| s["type"] == "as_sequence"), "{segs:?}");
    let flat: Vec<u64> = segs
        .iter()
        .flat_map(|s| {
            s["asns"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_u64().unwrap())
        })
        .collect();
    assert_eq!(flat, [65001, 4_200_000_001, 4_200_000_002]);
    assert_eq!(a["as4_path"], "4200000001 4200000002");
    assert_eq!(
        a["aggregator"],
        json!({"asn": 4_200_000_003u32, "address": "192.0.2.9"})
    );
    assert_eq!(
        announced(&routes(&evs, 1)),
        [("10.0.0.0/8".to_string(), None)]
    );
}

#[test]
fn update_four_octet_session_does_not_merge_as4_path() {
    let attrs = [
        bgp::origin(0),
        bgp::as_path(&[(bgp::AS_SEQUENCE, &[65001, 65002])], true),
        bgp::next_hop([192, 0, 2, 1]),
        bgp::as4_path(&[(bgp::AS_SEQUENCE, &[4_200_000_001])]),
    ]
    .concat();
    let evs = with_session(&[bgp::update(&[], &attrs, &bgp::prefix(None, "10.0.0.0/8"))]);
    let a = &msgs(&evs)[1]["attributes"];
    assert_eq!(a["as_path"], "65001 65002");
}

#[test]
fn update_mp_reach_and_mp_unreach_ipv6() {
    let global = "2001:db8::1"
        .parse::<std::net::Ipv6Addr>()
        .unwrap()
        .octets();
    let link = "fe80::1".parse::<std::net::Ipv6Addr>().unwrap().octets();
    let nh = [global, link].concat();
    let ann = ["2001:db8:1::/48", "2001:db8:2:3::/64", "::/0"];
    let wd = ["2001:db8:dead::/48"];
    let attrs = [
        bgp::mp_unreach(2, 1, &bgp::prefixes(None, &wd)),
        bgp::origin(0),
        bgp::as_path(&[(bgp::AS_SEQUENCE, &[65001])], true),
        bgp::mp_reach(2, 1, &nh, &bgp::prefixes(None, &ann)),
    ]
    .concat();
    let evs = with_session(&[bgp::update(&[], &attrs, &[])]);
    assert_kinds(&evs, &[]);
    let m = msgs(&evs)[1];
    let a = &m["attributes"];
    assert_eq!(
        a["mp_reach"],
        json!({"afi": 2, "safi": 1, "family": "ipv6_unicast",
               "next_hop": ["2001:db8::1", "fe80::1"]})
    );
    assert_eq!(
        a["mp_unreach"],
        json!({"afi": 2, "safi": 1, "family": "ipv6_unicast"})
    );
    let want_a: Vec<Value> = ann
        .iter()
        .map(|p| json!({"prefix": p, "family": "ipv6_unicast", "decoded": "negotiated"}))
        .collect();
    assert_eq!(m["announced"], Value::from(want_a));
    assert_eq!(
        m["withdrawn"],
        json!([{"prefix": wd[0], "family": "ipv6_unicast", "decoded": "negotiated"}])
    );
    assert!(m.get("end_of_rib").is_none() || m["end_of_rib"] == false);
    assert!(routes(&evs, 1).iter().all(|r| r.afi == 2 && r.safi == 1));
}

#[test]
fn end_of_rib_ipv4_and_ipv6() {
    let eor4 = bgp::update(&[], &[], &[]);
    let eor6 = bgp::update(&[], &bgp::mp_unreach(2, 1, &[]), &[]);
    // An MP_UNREACH with a prefix is a withdrawal, not End-of-RIB.
    let not_eor = bgp::update(
        &[],
        &bgp::mp_unreach(2, 1, &bgp::prefix(None, "2001:db8::/32")),
        &[],
    );
    let evs = with_session(&[eor4, eor6, not_eor]);
    assert_kinds(&evs, &[]);
    let m = msgs(&evs);
    assert_eq!(m[1]["end_of_rib"], true);
    assert_eq!(m[1]["end_of_rib_family"], "ipv4_unicast");
    assert_eq!(m[1]["announced"], json!([]));
    assert_eq!(m[1]["withdrawn"], json!([]));
    assert_eq!(m[2]["end_of_rib"], true);
    assert_eq!(m[2]["end_of_rib_family"], "ipv6_unicast");
    assert!(m[3].get("end_of_rib").is_none() || m[3]["end_of_rib"] == false);
    let eors: Vec<Option<(u16, u8)>> = evs
        .iter()
        .filter_map(|e| match e {
            Ev::Msg { eor, .. } => Some(*eor),
            Ev::Find { .. } => None,
        })
        .collect();
    assert_eq!(eors, [None, Some((1, 1)), Some((2, 1)), None]);
}

#[test]
fn flowspec_nlri_is_kept_raw() {
    // RFC 8955: one NLRI, length 8: destination prefix component (type 1) 10.0.0.0/24, then
    // an IP protocol component (type 3) with operator end-of-list|== and value 6 (TCP).
    let nlri = [8u8, 1, 24, 10, 0, 0, 3, 0x81, 6];
    let attrs = [
        bgp::origin(0),
        bgp::as_path(&[(bgp::AS_SEQUENCE, &[65001])], true),
        bgp::mp_reach(1, 133, &[], &nlri),
    ]
    .concat();
    let wd_attrs = bgp::mp_unreach(1, 133, &nlri);
    let evs = with_session(&[
        bgp::update(&[], &attrs, &[]),
        bgp::update(&[], &wd_attrs, &[]),
    ]);
    assert!(
        !kinds(&evs).contains(&"undecodable_update"),
        "{:#?}",
        lines(&evs)
    );
    let m = msgs(&evs);
    let ann = m[1]["announced"].as_array().unwrap();
    assert_eq!(ann.len(), 1, "{ann:?}");
    assert_eq!(ann[0]["raw"], hex(&nlri));
    assert_eq!(ann[0]["family"], "ipv4_flowspec");
    assert!(ann[0].get("prefix").is_none());
    assert_eq!(m[1]["attributes"]["mp_reach"]["safi"], 133);
    let wd = m[2]["withdrawn"].as_array().unwrap();
    assert_eq!(wd.len(), 1, "{wd:?}");
    assert_eq!(wd[0]["raw"], hex(&nlri));
    assert!(m[2].get("end_of_rib").is_none() || m[2]["end_of_rib"] == false);
}

// ---------------------------------------------------------------------------------------------
// 4. Session context
// ---------------------------------------------------------------------------------------------

const RECEIVE: u8 = 1;
const SEND: u8 = 2;
const BOTH: u8 = 3;

/// Peer Up with the given Add-Path modes for IPv4 unicast (0 = no capability), then one
/// Adj-RIB-In and one Adj-RIB-Out Route Monitoring, each built with or without path ids as
/// the RFC 7911 rules say for that direction. Checks the path ids and the "negotiated" label.
fn add_path_case(sent_mode: u8, recv_mode: u8, want_in: bool, want_out: bool) {
    let p = peer_a();
    let ap = |m: u8| {
        if m == 0 {
            Vec::new()
        } else {
            vec![bgp::cap_add_path(&[(1, 1, m)])]
        }
    };
    let up = peer_up(
        &p,
        &caps4(65000, &ap(sent_mode)),
        &caps4(65001, &ap(recv_mode)),
    );
    // 10.101.0.0/24 with path id 7 also frames without path ids (as garbage), so a wrong
    // choice shows up as wrong prefixes, not as a fallback.
    let nlri = |ids: bool, id: u32| {
        let pid = ids.then_some(id);
        [
            bgp::prefix(pid, "10.101.0.0/24"),
            bgp::prefix(pid.map(|x| x + 1), "10.102.0.0/16"),
        ]
        .concat()
    };
    let rm_in = bmp::route_monitoring(&p, &update4(&nlri(want_in, 7)));
    let rm_out = bmp::route_monitoring(&p.with_flags(bmp::FLAG_O), &update4(&nlri(want_out, 70)));
    let evs = run(&stream(&[up, rm_in, rm_out]));
    let ctx = format!("sent {sent_mode} received {recv_mode}");
    assert_kinds(&evs, &[]);
    let want = |ids: bool, id: u32| {
        vec![
            ("10.101.0.0/24".to_string(), ids.then_some(id)),
            ("10.102.0.0/16".to_string(), ids.then_some(id + 1)),
        ]
    };
    for (n, ids, id) in [(1, want_in, 7), (2, want_out, 70)] {
        let rts = routes(&evs, n);
        assert_eq!(announced(&rts), want(ids, id), "{ctx}, message {n}");
        assert!(rts.iter().all(|r| r.how == "negotiated"), "{ctx}: {rts:?}");
        let a = &msgs(&evs)[n]["announced"];
        assert_eq!(a[0]["decoded"], "negotiated");
        if ids {
            assert_eq!(a[0]["path_id"], id, "{ctx}");
        } else {
            assert!(a[0].get("path_id").is_none(), "{ctx}: {a}");
        }
    }
    assert_eq!(msgs(&evs)[2]["peer"]["rib"], "adj_rib_out_pre");
}

#[test]
fn add_path_adj_rib_in_only_when_peer_sends_and_router_receives() {
    add_path_case(RECEIVE, SEND, true, false);
}

#[test]
fn add_path_adj_rib_out_only_when_router_sends_and_peer_receives() {
    add_path_case(SEND, RECEIVE, false, true);
}

#[test]
fn add_path_both_directions() {
    add_path_case(BOTH, BOTH, true, true);
}

#[test]
fn add_path_asymmetric_both_send_gives_none() {
    // Each side only sends: nobody agreed to receive, so no path ids either way.
    add_path_case(SEND, SEND, false, false);
}

#[test]
fn add_path_asymmetric_both_receive_gives_none() {
    add_path_case(RECEIVE, RECEIVE, false, false);
}

#[test]
fn add_path_asymmetric_one_side_only() {
    // Router advertises Both, peer advertises nothing: no path ids in either direction.
    add_path_case(BOTH, 0, false, false);
    // Router Both, peer Receive: only Adj-RIB-Out.
    add_path_case(BOTH, RECEIVE, false, true);
    // Router Receive, peer Both: only Adj-RIB-In.
    add_path_case(RECEIVE, BOTH, true, false);
}

#[test]
fn add_path_loc_rib_when_either_open_sends() {
    let loc = bmp::Peer::loc_rib(65000, [10, 0, 0, 1]);
    for (s, r, ids) in [(SEND, 0, true), (0, SEND, true), (RECEIVE, RECEIVE, false)] {
        let cap = |m: u8| {
            if m == 0 {
                caps4(65000, &[])
            } else {
                caps4(65000, &[bgp::cap_add_path(&[(1, 1, m)])])
            }
        };
        let sent = bgp::open(65000, 90, [10, 0, 0, 1], &cap(s));
        let recv = bgp::open(65000, 90, [10, 0, 0, 1], &cap(r));
        let up = bmp::peer_up(&loc, v4(0, 0, 0, 0), 0, 0, &sent, &recv, &[]);
        let pid = ids.then_some(9);
        let rm = bmp::route_monitoring(&loc, &update4(&bgp::prefix(pid, "10.101.0.0/24")));
        let evs = run(&stream(&[up, rm]));
        assert_kinds(&evs, &[]);
        let rts = routes(&evs, 1);
        assert_eq!(
            announced(&rts),
            [("10.101.0.0/24".to_string(), pid)],
            "sent {s} received {r}"
        );
        assert!(rts.iter().all(|x| x.how == "negotiated"));
    }
}

#[test]
fn path_ids_at_and_above_2_pow_24_decode_exactly() {
    let p = peer_a();
    let up = peer_up(
        &p,
        &caps4(65000, &[bgp::cap_add_path(&[(1, 1, BOTH), (2, 1, BOTH)])]),
        &caps4(65001, &[bgp::cap_add_path(&[(1, 1, BOTH), (2, 1, BOTH)])]),
    );
    let ids = [0x0100_0005u32, 0xFFFF_FFFF, 1 << 24, 0];
    let nlri = [
        bgp::prefix(Some(ids[0]), "10.101.0.0/24"),
        bgp::prefix(Some(ids[1]), "10.102.0.0/16"),
        bgp::prefix(Some(ids[2]), "0.0.0.0/0"),
        bgp::prefix(Some(ids[3]), "192.0.2.128/25"),
    ]
    .concat();
    let nh = "2001:db8::1"
        .parse::<std::net::Ipv6Addr>()
        .unwrap()
        .octets();
    let attrs6 = [
        bgp::origin(0),
        bgp::as_path(&[(bgp::AS_SEQUENCE, &[65001])], true),
        bgp::mp_reach(2, 1, &nh, &bgp::prefix(Some(0xFFFF_FFFE), "2001:db8::/32")),
    ]
    .concat();
    let evs = run(&stream(&[
        up,
        bmp::route_monitoring(&p, &update4(&nlri)),
        bmp::route_monitoring(&p, &bgp::update(&[], &attrs6, &[])),
    ]));
    assert_kinds(&evs, &[]);
    assert_eq!(
        announced(&routes(&evs, 1)),
        [
            ("10.101.0.0/24".to_string(), Some(ids[0])),
            ("10.102.0.0/16".to_string(), Some(ids[1])),
            ("0.0.0.0/0".to_string(), Some(ids[2])),
            ("192.0.2.128/25".to_string(), Some(ids[3])),
        ]
    );
    let a = &msgs(&evs)[1]["announced"];
    assert_eq!(a[0]["path_id"], 16_777_221u32);
    assert_eq!(a[1]["path_id"], 4_294_967_295u32);
    assert_eq!(
        announced(&routes(&evs, 2)),
        [("2001:db8::/32".to_string(), Some(0xFFFF_FFFE))]
    );
}

#[test]
fn a_flag_selects_two_octet_as_path() {
    // This AS_PATH value frames with both widths:
    //   2-octet: SEQ(100 200) SEQ(300)
    //   4-octet: SEQ(0x006400c8 0x0201012c)
    let attrs = [
        bgp::origin(0),
        bgp::as_path(
            &[(bgp::AS_SEQUENCE, &[100, 200]), (bgp::AS_SEQUENCE, &[300])],
            false,
        ),
        bgp::next_hop([192, 0, 2, 1]),
    ]
    .concat();
    let upd = bgp::update(&[], &attrs, &bgp::prefix(None, "10.0.0.0/8"));
    let as4_a = u32::from_be_bytes([0, 100, 0, 200]);
    let as4_b = u32::from_be_bytes([2, 1, 1, 44]);
    let pa = peer_a().with_flags(bmp::FLAG_A);
    let pb = peer_b();
    let evs = run(&stream(&[
        bmp::route_monitoring(&pa, &upd),
        bmp::route_monitoring(&pb, &upd),
    ]));
    let m = msgs(&evs);
    assert_eq!(m[0]["attributes"]["as_path"], "100 200 300");
    assert_eq!(m[0]["as_width"], json!({"octets": 2, "decoded": "assumed"}));
    assert_eq!(m[1]["attributes"]["as_path"], format!("{as4_a} {as4_b}"));
    assert_eq!(m[1]["as_width"], json!({"octets": 4, "decoded": "assumed"}));
    assert!(!kinds(&evs).contains(&"decode_fallback"));
}

#[test]
fn a_flag_disagreeing_with_opens_is_reported_once() {
    let attrs2 = [
        bgp::origin(0),
        bgp::as_path(&[(bgp::AS_SEQUENCE, &[65001, 65002])], false),
        bgp::next_hop([192, 0, 2, 1]),
    ]
    .concat();
    // Both OPENs have capability 65, but the router sets the A flag.
    let p = peer_a();
    let pa = p.with_flags(bmp::FLAG_A);
    let up = peer_up(&p, &caps4(65000, &[]), &caps4(65001, &[]));
    let rm = bmp::route_monitoring(
        &pa,
        &bgp::update(&[], &attrs2, &bgp::prefix(None, "10.0.0.0/8")),
    );
    let evs = run(&stream(&[up.clone(), rm.clone(), rm.clone(), rm.clone()]));
    assert_kinds(&evs, &["as_width_mismatch"]);
    let f = finds(&evs, "as_width_mismatch");
    assert_eq!(f[0].0, up.len() as u64);
    assert_eq!(f[0].1, Some(v4(192, 0, 2, 1)));
    for m in &msgs(&evs)[1..] {
        assert_eq!(m["attributes"]["as_path"], "65001 65002");
        assert_eq!(m["as_width"]["octets"], 2);
    }

    // The other way round: no capability 65 in the OPENs, A flag clear, 4-octet AS_PATH.
    let attrs4 = [
        bgp::origin(0),
        bgp::as_path(&[(bgp::AS_SEQUENCE, &[4_200_000_000])], true),
        bgp::next_hop([192, 0, 2, 1]),
    ]
    .concat();
    let up = peer_up(&p, &[bgp::cap_mp(1, 1)], &[bgp::cap_mp(1, 1)]);
    let rm = bmp::route_monitoring(
        &p,
        &bgp::update(&[], &attrs4, &bgp::prefix(None, "10.0.0.0/8")),
    );
    let evs = run(&stream(&[up, rm.clone(), rm]));
    assert_kinds(&evs, &["as_width_mismatch"]);
    assert_eq!(msgs(&evs)[1]["attributes"]["as_path"], "4200000000");
    assert_eq!(msgs(&evs)[2]["as_width"]["octets"], 4);
}

#[test]
fn route_monitoring_before_peer_up_is_assumed_once_per_peer() {
    let (pa, pb) = (peer_a(), peer_b());
    let u1 = update4(&bgp::prefix(None, "10.1.0.0/16"));
    let u2 = update4(&bgp::prefix(None, "10.2.0.0/16"));
    let parts = [
        bmp::route_monitoring(&pa, &u1),
        bmp::route_monitoring(&pb, &u1),
        bmp::route_monitoring(&pa, &u2),
        bmp::route_monitoring(&pb, &u2),
    ];
    let evs = run(&stream(&parts));
    assert_kinds(
        &evs,
        &[
            "route_monitoring_before_peer_up",
            "route_monitoring_before_peer_up",
        ],
    );
    let f = finds(&evs, "route_monitoring_before_peer_up");
    assert_eq!(f[0].0, 0);
    assert_eq!(f[0].1, Some(v4(192, 0, 2, 1)));
    assert_eq!(f[1].0, parts[0].len() as u64);
    assert_eq!(f[1].1, Some(v4(192, 0, 2, 2)));
    for n in 0..4 {
        let rts = routes(&evs, n);
        assert_eq!(rts.len(), 1);
        assert_eq!(rts[0].how, "assumed");
        assert_eq!(msgs(&evs)[n]["announced"][0]["decoded"], "assumed");
    }
}

#[test]
fn frr_add_path_without_path_ids_falls_back_once_per_peer() {
    // Add-Path negotiated both ways, but the router's Route Monitoring carries no path ids.
    let (pa, pb) = (peer_a(), peer_b());
    let ap = [bgp::cap_add_path(&[(1, 1, BOTH)])];
    let up_a = peer_up(&pa, &caps4(65000, &ap), &caps4(65001, &ap));
    let up_b = peer_up(&pb, &caps4(65000, &ap), &caps4(65002, &ap));
    // Each of these fields fails to frame when read with path identifiers.
    let fields: [&[&str]; 3] = [
        &["10.1.0.0/16", "10.2.0.0/16"],
        &["192.168.0.0/24"],
        &["172.16.0.0/12", "10.0.0.0/8"],
    ];
    let mut parts = vec![up_a, up_b];
    for f in fields {
        parts.push(bmp::route_monitoring(
            &pa,
            &update4(&bgp::prefixes(None, f)),
        ));
    }
    parts.push(bmp::route_monitoring(
        &pb,
        &update4(&bgp::prefixes(None, fields[0])),
    ));
    parts.push(bmp::route_monitoring(
        &pb,
        &update4(&bgp::prefixes(None, fields[1])),
    ));
    let first_a: u64 = (parts[0].len() + parts[1].len()) as u64;
    let first_b: u64 = parts[..5].iter().map(|p| p.len() as u64).sum();
    let evs = run(&stream(&parts));
    assert_kinds(&evs, &["decode_fallback", "decode_fallback"]);
    let f = finds(&evs, "decode_fallback");
    assert_eq!((f[0].0, f[0].1), (first_a, Some(v4(192, 0, 2, 1))));
    assert_eq!((f[1].0, f[1].1), (first_b, Some(v4(192, 0, 2, 2))));
    assert_eq!(f[0].2["severity"], "warning");
    let expect = [fields[0], fields[1], fields[2], fields[0], fields[1]];
    for (n, want) in expect.iter().enumerate() {
        let rts = routes(&evs, n + 2);
        let got: Vec<(String, Option<u32>)> = announced(&rts);
        let want: Vec<(String, Option<u32>)> = want.iter().map(|p| (p.to_string(), None)).collect();
        assert_eq!(got, want, "message {}", n + 2);
        assert!(
            rts.iter().all(|r| r.how == "fallback:no_add_path"),
            "{rts:?}"
        );
        assert_eq!(
            msgs(&evs)[n + 2]["announced"][0]["decoded"],
            "fallback:no_add_path"
        );
    }
}

#[test]
fn peer_down_drops_the_context() {
    let p = peer_a();
    let ap = [bgp::cap_add_path(&[(1, 1, BOTH)])];
    let up = peer_up(&p, &caps4(65000, &ap), &caps4(65001, &ap));
    let with_ids = bmp::route_monitoring(&p, &update4(&bgp::prefix(Some(3), "10.3.0.0/16")));
    let down = bmp::peer_down(&p, 4, &[]);
    let without = bmp::route_monitoring(&p, &update4(&bgp::prefix(None, "10.4.0.0/16")));
    let evs = run(&stream(&[up, with_ids, down, without]));
    assert!(
        !kinds(&evs).contains(&"decode_fallback"),
        "{:#?}",
        lines(&evs)
    );
    assert!(!kinds(&evs).contains(&"peer_down_without_peer_up"));
    let r1 = routes(&evs, 1);
    assert_eq!(announced(&r1), [("10.3.0.0/16".to_string(), Some(3))]);
    assert_eq!(r1[0].how, "negotiated");
    let r3 = routes(&evs, 3);
    assert_eq!(announced(&r3), [("10.4.0.0/16".to_string(), None)]);
    assert_eq!(r3[0].how, "assumed");
    assert_eq!(msgs(&evs)[3]["announced"][0]["decoded"], "assumed");
}

#[test]
fn second_peer_up_without_peer_down_is_duplicate_and_replaces_context() {
    let p = peer_a();
    let up1 = peer_up(&p, &caps4(65000, &[]), &caps4(65001, &[]));
    let ap = [bgp::cap_add_path(&[(1, 1, BOTH)])];
    let up2 = peer_up(&p, &caps4(65000, &ap), &caps4(65001, &ap));
    let rm = bmp::route_monitoring(&p, &update4(&bgp::prefix(Some(11), "10.101.0.0/24")));
    let evs = run(&stream(&[up1.clone(), up2, rm]));
    assert_kinds(&evs, &["duplicate_peer_up"]);
    let f = finds(&evs, "duplicate_peer_up");
    assert_eq!(f[0].0, up1.len() as u64);
    assert_eq!(f[0].1, Some(v4(192, 0, 2, 1)));
    let rts = routes(&evs, 2);
    assert_eq!(announced(&rts), [("10.101.0.0/24".to_string(), Some(11))]);
    assert_eq!(rts[0].how, "negotiated");
}

#[test]
fn checked_decoding_without_context_rejects_garbage_prefixes() {
    // 00000001 18 0a6500: path id 1 + 10.101.0.0/24. Read without path ids the same octets
    // "frame" as 0/0, 0/0, 0/0, 24.0.0.0/1 (host bits set) and 101.0.0.0/10: garbage that must
    // not come out. The only exact, valid reading is the one with the path id.
    let nlri = bgp::prefix(Some(1), "10.101.0.0/24");
    assert_eq!(nlri, [0, 0, 0, 1, 24, 10, 101, 0]);
    let evs = run(&bmp::route_monitoring(&peer_a(), &update4(&nlri)));
    let rts = routes(&evs, 0);
    let prefixes: Vec<String> = rts.iter().filter_map(|r| r.prefix.clone()).collect();
    assert!(
        !prefixes
            .iter()
            .any(|p| p == "101.0.0.0/10" || p == "24.0.0.0/1"),
        "garbage decoded: {prefixes:?}"
    );
    assert_eq!(announced(&rts), [("10.101.0.0/24".to_string(), Some(1))]);
    assert_eq!(rts[0].how, "fallback:add_path");
    assert_eq!(
        kinds(&evs),
        ["route_monitoring_before_peer_up", "decode_fallback"]
    );
}

#[test]
fn undecodable_nlri_is_kept_raw_and_the_message_emitted() {
    // 0x28 0x01: a /40 with one octet; with a path id it is 2 of 4 id octets. Neither frames.
    let bad = [40u8, 1];
    let upd = update4(&bad);
    let rm = bmp::route_monitoring(&peer_a(), &upd);
    let next = bmp::statistics(&peer_a(), &[]);
    let evs = run(&stream(&[rm.clone(), next]));
    assert_kinds(
        &evs,
        &["route_monitoring_before_peer_up", "undecodable_update"],
    );
    let raw = evs.iter().find_map(|e| match e {
        Ev::Find {
            kind: "undecodable_update",
            raw,
            offset,
            json,
            ..
        } => Some((raw.clone(), *offset, json.clone())),
        _ => None,
    });
    let (raw, offset, fj) = raw.expect("undecodable_update finding");
    assert_eq!(raw.as_deref(), Some(bad.as_slice()));
    assert_eq!(fj["raw"], hex(&bad));
    // The NLRI field is the last octets of the message.
    assert_eq!(offset, (rm.len() - bad.len()) as u64);
    let m = msgs(&evs);
    assert_eq!(m.len(), 2, "the message is still emitted");
    assert_eq!(m[0]["announced"], json!([]));
    assert_eq!(m[0]["attributes"]["next_hop"], "192.0.2.1");
}

// ---------------------------------------------------------------------------------------------
// 5. Framing through StreamDecoder
// ---------------------------------------------------------------------------------------------

/// A stream with one of everything, including a session with Add-Path and a fallback.
fn rich_stream() -> Vec<u8> {
    let p = peer_a();
    let ap = [bgp::cap_add_path(&[(1, 1, BOTH)])];
    let nh = "2001:db8::1"
        .parse::<std::net::Ipv6Addr>()
        .unwrap()
        .octets();
    let attrs6 = [
        bgp::origin(0),
        bgp::as_path(&[(bgp::AS_SEQUENCE, &[65001])], true),
        bgp::mp_reach(2, 1, &nh, &bgp::prefix(None, "2001:db8::/32")),
    ]
    .concat();
    stream(&[
        bmp::initiation(&[(1, b"OS".as_slice()), (2, b"r9".as_slice())]),
        bmp::route_monitoring(&peer_b(), &update4(&bgp::prefix(None, "10.9.0.0/16"))),
        peer_up(&p, &caps4(65000, &ap), &caps4(65001, &ap)),
        bmp::route_monitoring(&p, &update4(&bgp::prefix(Some(5), "10.5.0.0/16"))),
        bmp::route_monitoring(
            &p,
            &update4(&bgp::prefixes(None, &["10.1.0.0/16", "10.2.0.0/16"])),
        ),
        bmp::route_monitoring(&p, &bgp::update(&[], &attrs6, &[])),
        bmp::statistics(&p, &[bmp::stat_counter(0, 1), bmp::stat_gauge(7, 2)]),
        bmp::message(3, 100, &[1, 2, 3]),
        bmp::route_mirroring(&p, &[(1, 1u16.to_be_bytes().as_slice())]),
        bmp::peer_down(&p, 1, &bgp::notification(6, 4, &[])),
        bmp::termination(&[(1, 0u16.to_be_bytes().as_slice())]),
    ])
}

#[test]
fn whole_and_byte_by_byte_give_identical_events() {
    let s = rich_stream();
    let whole = run(&s);
    assert_eq!(msgs(&whole).len(), 11, "{:#?}", lines(&whole));
    assert!(
        whole.iter().all(|e| !matches!(
            e,
            Ev::Find {
                severity: "error",
                ..
            }
        )),
        "{:#?}",
        lines(&whole)
    );
    let want = lines(&whole);
    for n in [1, 2, 7, 48, 1000] {
        assert_eq!(lines(&run_by(&s, n, CAP)), want, "chunks of {n}");
    }
    // Offsets are cumulative message lengths.
    let mut at = 0u64;
    for e in &whole {
        if let Ev::Msg {
            offset, raw_len, ..
        } = e
        {
            assert_eq!(*offset, at);
            at += *raw_len as u64;
        }
    }
    assert_eq!(at, s.len() as u64);
}

#[test]
fn zero_length_message_is_skipped_and_the_next_decoded() {
    let init = bmp::initiation(&[(2, b"r1".as_slice())]);
    let stats = bmp::statistics(&peer_a(), &[bmp::stat_counter(0, 1)]);
    let zero = [3u8, 0, 0, 0, 0, bmp::STATISTICS_REPORT];
    let s = stream(&[init.clone(), zero.to_vec(), stats.clone()]);
    for n in [1, s.len()] {
        let evs = run_by(&s, n, CAP);
        assert_kinds(&evs, &["garbage_skipped"]);
        let f = finds(&evs, "garbage_skipped");
        assert_eq!(f[0].0, init.len() as u64);
        assert_eq!(skipped_count(&f[0].2["detail"]), zero.len() as u64);
        let m = msgs(&evs);
        assert_eq!(m.len(), 2);
        assert_eq!(m[1]["type"], "statistics_report");
        assert_eq!(m[1]["offset"], init.len() + zero.len());
        assert_eq!(m[1]["stats"][0]["value"], 1);
    }
}

#[test]
fn empty_body_message_of_length_6() {
    // An Initiation with no TLVs: just the 6-octet common header.
    let empty = bmp::initiation(&[]);
    assert_eq!(empty.len(), 6);
    let evs = run(&stream(&[empty.clone(), empty]));
    assert_kinds(&evs, &[]);
    let m = msgs(&evs);
    assert_eq!(m.len(), 2);
    assert_eq!(m[0]["information"], json!([]));
    assert_eq!(m[1]["offset"], 6);
}

#[test]
fn oversize_message_is_skipped_by_its_length() {
    let cap = 200u32;
    let init = bmp::initiation(&[(2, b"r1".as_slice())]);
    let many: Vec<String> = (0..80).map(|i| format!("10.{i}.0.0/16")).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    let big = bmp::route_monitoring(&peer_a(), &update4(&bgp::prefixes(None, &many)));
    assert!(big.len() > cap as usize);
    let stats = bmp::statistics(&peer_a(), &[bmp::stat_counter(0, 42)]);
    assert!(stats.len() <= cap as usize);
    let s = stream(&[init.clone(), big.clone(), stats]);
    let whole = run_by(&s, s.len(), cap);
    assert_kinds(&whole, &["oversize_message"]);
    let f = finds(&whole, "oversize_message");
    assert_eq!(f[0].0, init.len() as u64);
    assert_eq!(f[0].2["message_type"], "route_monitoring");
    let detail = f[0].2["detail"].as_str().unwrap();
    assert!(detail.contains(&big.len().to_string()), "{detail}");
    let m = msgs(&whole);
    assert_eq!(m.len(), 2);
    assert_eq!(m[1]["type"], "statistics_report");
    assert_eq!(m[1]["offset"], init.len() + big.len());
    assert_eq!(m[1]["stats"][0]["value"], 42);
    for n in [1, 5, 64] {
        assert_eq!(lines(&run_by(&s, n, cap)), lines(&whole), "chunks of {n}");
    }
}

#[test]
fn garbage_between_messages_is_skipped() {
    let init = bmp::initiation(&[(2, b"r1".as_slice())]);
    let garbage = [0xde, 0xad, 0xbe, 0xef, 0x00, 0x11, 0x22];
    let stats = bmp::statistics(&peer_a(), &[bmp::stat_counter(0, 9)]);
    let term = bmp::termination(&[(1, 1u16.to_be_bytes().as_slice())]);
    let s = stream(&[init.clone(), garbage.to_vec(), stats.clone(), term]);
    let whole = run(&s);
    assert_kinds(&whole, &["garbage_skipped"]);
    let f = finds(&whole, "garbage_skipped");
    assert_eq!(f[0].0, init.len() as u64);
    assert_eq!(skipped_count(&f[0].2["detail"]), garbage.len() as u64);
    assert_eq!(f[0].2["bytes"], garbage.len());
    assert_eq!(f[0].2["severity"], "error");
    let m = msgs(&whole);
    assert_eq!(
        m.iter()
            .map(|x| x["type"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["initiation", "statistics_report", "termination"]
    );
    assert_eq!(m[1]["offset"], init.len() + garbage.len());
    assert_eq!(m[1]["stats"][0]["value"], 9);
    assert_eq!(m[2]["reason"]["code"], 1);
    assert_eq!(lines(&run_by(&s, 1, CAP)), lines(&whole));
}

#[test]
fn truncated_last_message_is_reported_at_the_end() {
    let init = bmp::initiation(&[(2, b"r1".as_slice())]);
    let stats = bmp::statistics(
        &peer_a(),
        &[bmp::stat_counter(0, 9), bmp::stat_counter(1, 9)],
    );
    let cut = stats.len() - 5;
    let s = stream(&[init.clone(), stats[..cut].to_vec()]);
    // Nothing is reported before the end of the stream: more bytes might still come.
    let mut dec = bmpctl::stream::StreamDecoder::new(CAP);
    let mut before = Vec::new();
    dec.push(&s, &mut |_, ev| {
        before.push(matches!(ev, bmpctl::event::Event::Finding(_)))
    });
    assert_eq!(before, [false], "only the Initiation before finish()");
    for n in [1, s.len()] {
        let evs = run_by(&s, n, CAP);
        assert_kinds(&evs, &["truncated_message"]);
        let f = finds(&evs, "truncated_message");
        assert_eq!(f[0].0, init.len() as u64);
        assert_eq!(f[0].2["message_type"], "statistics_report");
        let d = f[0].2["detail"].as_str().unwrap();
        assert!(
            d.contains(&format!("{cut} of {} bytes", stats.len())),
            "{d}"
        );
        assert_eq!(msgs(&evs).len(), 1);
    }
}
