//! BMPv4 TLVs (stateless parsing, group, VRF name, path status) and Route Mirroring of UPDATEs,
//! built from the draft and RFC layouts with the test builder.

use bmpctl::event::StreamCtx;
use bmpctl::event::{Event, RouterInfo};
use bmpctl::render::json;
use bmpctl::stream::StreamDecoder;
use bmpctl::testkit::{bgp, bmp};
use serde_json::Value;

/// Decodes `bytes` as one stream; returns the message JSON lines and the finding kinds.
fn decode(bytes: &[u8]) -> (Vec<Value>, Vec<String>) {
    let mut dec = StreamDecoder::new(bmpctl::frame::DEFAULT_MAX_MESSAGE);
    let mut msgs = Vec::new();
    let mut finds = Vec::new();
    let mut sink = |router: &RouterInfo, ev: Event<'_>| {
        let ctx = StreamCtx::new("t", router, None);
        match ev {
            Event::Message(d) => msgs.push(serde_json::to_value(json::message(&ctx, &d)).unwrap()),
            Event::Finding(f) => finds.push(f.kind.name().to_string()),
        }
    };
    dec.push(bytes, &mut sink);
    dec.finish(&mut sink);
    (msgs, finds)
}

fn attrs() -> Vec<u8> {
    [
        bgp::origin(0),
        bgp::as_path(&[(2, &[65001])], true),
        bgp::next_hop([192, 0, 2, 1]),
    ]
    .concat()
}

/// Stateless Parsing TLV value: Add-Path capability (69) for IPv4 unicast with `mode`.
fn stateless_add_path(mode: u8) -> Vec<u8> {
    vec![69, 4, 0, 1, 1, mode]
}

fn peer() -> bmp::Peer {
    bmp::Peer::global("192.0.2.7".parse().unwrap(), 65001, [192, 0, 2, 7])
}

fn announced(m: &Value) -> Vec<(String, Option<u64>, String)> {
    m["announced"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["prefix"].as_str().unwrap().to_string(),
                r["path_id"].as_u64(),
                r["decoded"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn stateless_parsing_tlv_gives_add_path_without_peer_up() {
    // The router receives Add-Path from the peer (mode 1): its Adj-RIB-In carries path IDs.
    // 10.101.0.0/24 with path ID 1 would frame without Add-Path too (as 0.0.0.0/0 x3 ...).
    let upd = bgp::update(&[], &attrs(), &bgp::prefix(Some(1), "10.101.0.0/24"));
    let sp = stateless_add_path(1);
    let msg = bmp::route_monitoring_v4(&peer(), &[(1, 0, sp.as_slice()), (4, 0, upd.as_slice())]);
    let (m, finds) = decode(&msg);
    assert!(finds.is_empty(), "{finds:?}");
    assert_eq!(
        announced(&m[0]),
        [(
            "10.101.0.0/24".to_string(),
            Some(1),
            "stateless".to_string()
        )]
    );
    let caps = &m[0]["tlvs"][0]["capabilities"][0];
    assert_eq!(caps["name"], "add_path");
    assert_eq!(caps["families"][0]["mode"], "receive");
}

#[test]
fn stateless_mode_applies_per_direction() {
    // Mode 1 (router receives) says nothing for Adj-RIB-Out: no path IDs there.
    let upd = bgp::update(&[], &attrs(), &bgp::prefix(None, "198.51.100.0/24"));
    let sp = stateless_add_path(1);
    let out = peer().with_flags(0x10);
    let msg = bmp::route_monitoring_v4(&out, &[(1, 0, sp.as_slice()), (4, 0, upd.as_slice())]);
    let (m, _) = decode(&msg);
    assert_eq!(m[0]["peer"]["rib"], "adj_rib_out_pre");
    assert_eq!(
        announced(&m[0]),
        [("198.51.100.0/24".to_string(), None, "stateless".to_string())]
    );
    // Mode 2 (router sends): Adj-RIB-Out carries path IDs.
    let upd = bgp::update(&[], &attrs(), &bgp::prefix(Some(9), "198.51.100.0/24"));
    let sp = stateless_add_path(2);
    let msg = bmp::route_monitoring_v4(&out, &[(1, 0, sp.as_slice()), (4, 0, upd.as_slice())]);
    let (m, _) = decode(&msg);
    assert_eq!(
        announced(&m[0]),
        [(
            "198.51.100.0/24".to_string(),
            Some(9),
            "stateless".to_string()
        )]
    );
}

#[test]
fn group_vrf_and_path_status_tlvs_are_decoded() {
    let upd = bgp::update(&[], &attrs(), &bgp::prefixes(None, &["203.0.113.0/24"]));
    let group = [0u8, 1, 0, 2];
    // best | primary | add-path, reason 9 (router ID)
    let status = [0u8, 0, 0, 0x8a, 0, 9];
    let msg = bmp::route_monitoring_v4(
        &bmp::Peer::loc_rib(65000, [192, 0, 2, 1]),
        &[
            (2, 0x8001, group.as_slice()),
            (3, 0, b"global".as_slice()),
            (5, 1, status.as_slice()),
            (4, 0, upd.as_slice()),
        ],
    );
    let (m, _) = decode(&msg);
    let t = m[0]["tlvs"].as_array().unwrap();
    assert_eq!(t[0]["group_indexes"], serde_json::json!([1, 2]));
    assert_eq!(t[0]["index"], 0x8001);
    assert_eq!(t[1]["vrf_table_name"], "global");
    assert_eq!(
        t[2]["path_status"]["names"],
        serde_json::json!(["best", "primary", "add_path"])
    );
    assert_eq!(t[2]["path_status"]["unknown_bits"], 0);
    assert_eq!(t[2]["path_status"]["reason"]["code"], 9);
    assert_eq!(
        t[2]["path_status"]["reason"]["name"],
        "not preferred: router ID"
    );
}

#[test]
fn mirrored_update_is_decoded_with_the_peers_context() {
    // Peer Up negotiating Add-Path (peer sends, router receives) for IPv4 unicast.
    let caps_router = [
        bgp::cap_mp(1, 1),
        bgp::cap_as4(64496),
        bgp::cap_add_path(&[(1, 1, 1)]),
    ];
    let caps_peer = [
        bgp::cap_mp(1, 1),
        bgp::cap_as4(65001),
        bgp::cap_add_path(&[(1, 1, 2)]),
    ];
    let up = bmp::peer_up(
        &peer(),
        "192.0.2.1".parse().unwrap(),
        179,
        40000,
        &bgp::open(64496, 90, [192, 0, 2, 1], &caps_router),
        &bgp::open(65001, 90, [192, 0, 2, 7], &caps_peer),
        &[],
    );
    let upd = bgp::update(&[], &attrs(), &bgp::prefix(Some(3), "10.101.0.0/24"));
    let info = 1u16.to_be_bytes();
    let mirror = bmp::route_mirroring(&peer(), &[(0, upd.as_slice()), (1, info.as_slice())]);
    let (m, finds) = decode(&[up, mirror].concat());
    assert!(finds.is_empty(), "{finds:?}");
    let tlvs = m[1]["tlvs"].as_array().unwrap();
    let bgp = &tlvs[0]["bgp"];
    assert_eq!(bgp["type"], "update");
    assert_eq!(
        announced(bgp),
        [(
            "10.101.0.0/24".to_string(),
            Some(3),
            "negotiated".to_string()
        )]
    );
    assert_eq!(bgp["attributes"]["as_path"], "65001");
    assert_eq!(tlvs[1]["code_name"], "messages lost");
}
