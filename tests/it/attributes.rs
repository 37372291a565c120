//! Path attributes beyond RFC 4271: extended communities (RFC 4360 and the IANA registries),
//! IPv6 address-specific extended communities (RFC 5701), AIGP (RFC 7311), OTC (RFC 9234),
//! PMSI_TUNNEL (RFC 6514), Prefix-SID (RFC 8669, RFC 9252), BGP-LS and ATTR_SET (raw).
//!
//! Values are built octet by octet from the RFC layouts, wrapped with
//! `bmpctl::testkit::bgp::attr`, sent in a Route Monitoring after a Peer Up, and checked in the
//! `decode --json` object. Malformed values give a `malformed_attribute` finding while the rest
//! of the UPDATE still decodes. `rfc7606_action` is checked per attribute type.

use crate::support::harness;
use crate::support::hex;

use bmpctl::decode::bgp::attr::{self, Rfc7606Action, rfc7606_action};
use bmpctl::testkit::{bgp, bmp};
use harness::*;
use serde_json::{Value, json};

const OPT_TRANS: u8 = bgp::FLAG_OPTIONAL | bgp::FLAG_TRANSITIVE;
const OPT: u8 = bgp::FLAG_OPTIONAL;

/// Runs one UPDATE (ORIGIN, AS_PATH, NEXT_HOP, then `extra`, announcing 10.0.0.0/8) after a
/// Peer Up on a 4-octet session.
fn run_with(extra: &[Vec<u8>]) -> Vec<Ev> {
    let mut attrs = vec![
        bgp::origin(0),
        bgp::as_path(&[(bgp::AS_SEQUENCE, &[65001])], true),
        bgp::next_hop([192, 0, 2, 1]),
    ];
    attrs.extend_from_slice(extra);
    let upd = bgp::update(&[], &attrs.concat(), &bgp::prefix(None, "10.0.0.0/8"));
    let p = peer_a();
    let parts = vec![
        peer_up(&p, &caps4(65000, &[]), &caps4(65001, &[])),
        bmp::route_monitoring(&p, &upd),
    ];
    run(&stream(&parts))
}

/// The `attributes` object of the Route Monitoring, asserting no findings at all.
#[track_caller]
fn attrs_of(extra: &[Vec<u8>]) -> Value {
    let evs = run_with(extra);
    assert_kinds(&evs, &[]);
    msgs(&evs)[1]["attributes"].clone()
}

/// Asserts exactly one `malformed_attribute` finding naming `name`, carrying the raw value,
/// and that the rest of the UPDATE (next hop, the route) still decodes.
#[track_caller]
fn assert_malformed(extra: Vec<u8>, name: &str, value: &[u8]) {
    let evs = run_with(&[extra]);
    assert_kinds(&evs, &["malformed_attribute"]);
    let f = finds(&evs, "malformed_attribute")[0].2;
    let detail = f["detail"].as_str().unwrap();
    assert!(
        detail.starts_with(name),
        "detail {detail:?} should name {name}"
    );
    assert_eq!(f["raw"], hex(value));
    let a = &msgs(&evs)[1]["attributes"];
    assert_eq!(a["next_hop"], "192.0.2.1");
    assert_eq!(a["origin"], "igp");
    let rts = routes(&evs, 1);
    assert_eq!(announced(&rts), [("10.0.0.0/8".to_string(), None)]);
}

fn ec(t: u8, st: u8, v: [u8; 6]) -> [u8; 8] {
    [t, st, v[0], v[1], v[2], v[3], v[4], v[5]]
}

fn ext(kind: &str, value: &str, text: &str, raw: &[u8]) -> Value {
    json!({"type": kind, "value": value, "text": text, "raw": hex(raw)})
}

// ---------------------------------------------------------------------------------------------
// EXTENDED_COMMUNITIES (16)
// ---------------------------------------------------------------------------------------------

#[test]
fn extended_communities_route_target_and_origin_of_all_three_kinds() {
    let cs = [
        ec(0x00, 0x02, [0xfd, 0xe8, 0, 0, 0, 100]), // 2-octet AS RT 65000:100
        ec(0x01, 0x03, [192, 0, 2, 1, 0, 7]),       // IPv4 RO 192.0.2.1:7
        ec(0x02, 0x02, [0xfa, 0x56, 0xea, 0x00, 0x01, 0]), // 4-octet AS RT 4200000000:256
        ec(0x02, 0x03, [0, 0, 0xfd, 0xe9, 0, 1]),   // 4-octet AS RO 65001:1
        ec(0x00, 0x03, [0xfd, 0xe8, 0, 1, 0, 0]),   // 2-octet AS RO 65000:65536
        ec(0x01, 0x02, [10, 0, 0, 1, 0xff, 0xff]),  // IPv4 RT 10.0.0.1:65535
        ec(0x40, 0x02, [0, 1, 0, 0, 0, 2]),         // non-transitive RT 1:2
    ];
    let a = attrs_of(&[bgp::extended_communities(&cs)]);
    assert_eq!(
        a["extended_communities"],
        json!([
            ext("route_target", "65000:100", "rt:65000:100", &cs[0]),
            ext("route_origin", "192.0.2.1:7", "soo:192.0.2.1:7", &cs[1]),
            ext(
                "route_target",
                "4200000000:256",
                "rt:4200000000:256",
                &cs[2]
            ),
            ext("route_origin", "65001:1", "soo:65001:1", &cs[3]),
            ext("route_origin", "65000:65536", "soo:65000:65536", &cs[4]),
            ext(
                "route_target",
                "10.0.0.1:65535",
                "rt:10.0.0.1:65535",
                &cs[5]
            ),
            ext("route_target", "1:2", "rt:1:2", &cs[6]),
        ])
    );
}

#[test]
fn extended_communities_opaque_evpn_bandwidth_and_unknown() {
    let bw = 125_000_000f32.to_bits().to_be_bytes();
    let cs = [
        ec(0x03, 0x0c, [0, 0, 0, 0, 0, 8]),       // encapsulation VXLAN
        ec(0x03, 0x0c, [0, 0, 0, 0, 0, 10]),      // encapsulation MPLS
        ec(0x03, 0x0c, [0, 0, 0, 0, 0, 13]),      // encapsulation MPLS-in-UDP
        ec(0x03, 0x0c, [0, 0, 0, 0, 0x01, 0x00]), // encapsulation 256, not named
        ec(0x03, 0x0b, [0, 0, 0, 0, 0, 100]),     // color 100
        ec(0x03, 0x0d, [0, 0, 0, 0, 0, 0]),       // default gateway
        ec(0x03, 0x06, [0, 0, 0, 0, 5, 0]),       // OSPF route type: area 0, type 5
        ec(0x00, 0x05, [0, 0, 0, 0, 0, 1]),       // OSPF domain id (2-octet AS form)
        ec(0x40, 0x04, [0xfd, 0xe8, bw[0], bw[1], bw[2], bw[3]]), // link bandwidth
        ec(0x06, 0x00, [0x01, 0, 0, 0, 0, 5]),    // MAC mobility, sticky, seq 5
        ec(0x06, 0x00, [0x00, 0, 0, 0, 1, 0]),    // MAC mobility, seq 256
        ec(0x06, 0x01, [0x01, 0, 0, 0, 0x06, 0x40]), // ESI label 100, single-active
        ec(0x06, 0x02, [0, 0x11, 0x22, 0x33, 0x44, 0x55]), // ES-import RT
        ec(0x06, 0x03, [0x52, 0x54, 0, 0xab, 0xcd, 0xef]), // router's MAC
        ec(0x43, 0x00, [0, 0, 0, 0, 0, 2]),       // origin validation: invalid
        ec(0x3f, 0x77, [1, 2, 3, 4, 5, 6]),       // unassigned: raw
        ec(0x06, 0x0d, [0, 0, 0, 0, 0, 0]),       // EVI-RT type 3: raw
    ];
    let a = attrs_of(&[bgp::extended_communities(&cs)]);
    let got = a["extended_communities"].as_array().unwrap();
    let texts: Vec<Value> = got.iter().map(|c| c["text"].clone()).collect();
    assert_eq!(
        texts,
        [
            json!("encap:vxlan"),
            json!("encap:mpls"),
            json!("encap:mpls-in-udp"),
            json!("encap:256"),
            json!("color:100"),
            json!("default-gateway"),
            json!("ospf-route-type:0.0.0.0:5:0"),
            json!("ospf-domain:0:1"),
            json!("link-bw:65000:125000000"),
            json!("mac-mobility:seq=5,sticky"),
            json!("mac-mobility:seq=256"),
            json!("esi-label:100,single-active"),
            json!("es-import:00:11:22:33:44:55"),
            json!("router-mac:52:54:00:ab:cd:ef"),
            json!("ov:invalid"),
            Value::Null,
            Value::Null,
        ]
    );
    assert_eq!(got[0], ext("encapsulation", "vxlan", "encap:vxlan", &cs[0]));
    assert_eq!(got[9]["type"], "mac_mobility");
    assert_eq!(got[9]["value"], "seq=5,sticky");
    assert_eq!(got[11]["type"], "esi_label");
    assert_eq!(got[12]["type"], "es_import_route_target");
    assert_eq!(got[13]["type"], "router_mac");
    assert_eq!(got[8]["type"], "link_bandwidth");
    // Unknown ones keep only their octets.
    assert_eq!(got[15], json!({"raw": hex(&cs[15])}));
    assert_eq!(got[16], json!({"raw": hex(&cs[16])}));
}

#[test]
fn extended_communities_flowspec_actions() {
    let rate = 1000f32.to_bits().to_be_bytes();
    let cs = [
        ec(0x80, 0x06, [0, 0, rate[0], rate[1], rate[2], rate[3]]), // traffic-rate-bytes
        ec(0x80, 0x06, [0, 0, 0, 0, 0, 0]),                         // rate 0: discard
        ec(0x80, 0x07, [0, 0, 0, 0, 0, 0x03]),                      // sample + terminal
        ec(0x80, 0x07, [0, 0, 0, 0, 0, 0]),
        ec(0x80, 0x08, [0xfd, 0xe8, 0, 0, 0, 100]), // redirect 65000:100
        ec(0x81, 0x08, [192, 0, 2, 1, 0, 9]),       // redirect 192.0.2.1:9
        ec(0x82, 0x08, [0, 1, 0, 0, 0, 5]),         // redirect 65536:5
        ec(0x80, 0x09, [0, 0, 0, 0, 0, 46]),        // traffic-marking EF
    ];
    let a = attrs_of(&[bgp::extended_communities(&cs)]);
    let got = a["extended_communities"].as_array().unwrap();
    let pairs: Vec<(String, String)> = got
        .iter()
        .map(|c| {
            (
                c["type"].as_str().unwrap().to_string(),
                c["text"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want = [
        ("traffic_rate_bytes", "traffic-rate:0:1000"),
        ("traffic_rate_bytes", "traffic-rate:0:0"),
        ("traffic_action", "traffic-action:sample,terminal"),
        ("traffic_action", "traffic-action:none"),
        ("redirect", "redirect:65000:100"),
        ("redirect", "redirect:192.0.2.1:9"),
        ("redirect", "redirect:65536:5"),
        ("traffic_marking", "traffic-marking:46"),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(pairs, want);
}

#[test]
fn extended_communities_malformed_length() {
    let v = [0x00, 0x02, 0xfd, 0xe8, 0, 0, 0];
    assert_malformed(
        bgp::attr(OPT_TRANS, 16, &v),
        "extended_communities (type 16)",
        &v,
    );
}

// ---------------------------------------------------------------------------------------------
// IPv6 address-specific extended communities (25)
// ---------------------------------------------------------------------------------------------

fn v6ec(t: u8, st: u8, addr: &str, local: u16) -> Vec<u8> {
    let a: std::net::Ipv6Addr = addr.parse().unwrap();
    let mut v = vec![t, st];
    v.extend_from_slice(&a.octets());
    v.extend_from_slice(&local.to_be_bytes());
    v
}

#[test]
fn ipv6_extended_communities() {
    let rt = v6ec(0x00, 0x02, "2001:db8::1", 100);
    let ro = v6ec(0x00, 0x03, "2001:db8::2", 7);
    let unknown = v6ec(0x00, 0x7f, "::", 0);
    let a = attrs_of(&[bgp::attr(
        OPT_TRANS,
        25,
        &[rt.clone(), ro.clone(), unknown.clone()].concat(),
    )]);
    assert_eq!(
        a["ipv6_extended_communities"],
        json!([
            ext("route_target", "[2001:db8::1]:100", "rt:[2001:db8::1]:100", &rt),
            ext("route_origin", "[2001:db8::2]:7", "soo:[2001:db8::2]:7", &ro),
            {"raw": hex(&unknown)},
        ])
    );
    assert!(a.get("other").is_none());
}

#[test]
fn ipv6_extended_communities_malformed_length() {
    let v = &v6ec(0x00, 0x02, "2001:db8::1", 100)[..19];
    assert_malformed(
        bgp::attr(OPT_TRANS, 25, v),
        "ipv6_extended_communities (type 25)",
        v,
    );
}

// ---------------------------------------------------------------------------------------------
// AIGP (26), OTC (35)
// ---------------------------------------------------------------------------------------------

#[test]
fn aigp_metric_tlv() {
    // Type 1, length 11 (header included), 8-octet metric.
    let mut v = vec![1, 0, 11];
    v.extend_from_slice(&1_000_000_007u64.to_be_bytes());
    let a = attrs_of(&[bgp::attr(OPT, 26, &v)]);
    assert_eq!(a["aigp"], json!({"metric": 1_000_000_007u64}));
    // An unknown TLV next to it is kept raw.
    v.extend_from_slice(&[9, 0, 5, 0xaa, 0xbb]);
    let a = attrs_of(&[bgp::attr(OPT, 26, &v)]);
    assert_eq!(
        a["aigp"],
        json!({"metric": 1_000_000_007u64, "tlvs": [{"type": 9, "raw": "aabb"}]})
    );
}

#[test]
fn aigp_malformed() {
    // Metric TLV with length 10 (one octet short).
    let v = [1, 0, 10, 0, 0, 0, 0, 0, 0, 1];
    assert_malformed(bgp::attr(OPT, 26, &v), "aigp (type 26)", &v);
    // TLV length running past the attribute.
    let v = [1, 0, 11, 0, 0, 0];
    assert_malformed(bgp::attr(OPT, 26, &v), "aigp (type 26)", &v);
}

#[test]
fn otc_asn() {
    let a = attrs_of(&[bgp::attr(OPT_TRANS, 35, &4_200_000_001u32.to_be_bytes())]);
    assert_eq!(a["otc"], 4_200_000_001u32);
}

#[test]
fn otc_malformed() {
    let v = [0, 0, 1];
    assert_malformed(bgp::attr(OPT_TRANS, 35, &v), "otc (type 35)", &v);
}

// ---------------------------------------------------------------------------------------------
// PMSI_TUNNEL (22)
// ---------------------------------------------------------------------------------------------

#[test]
fn pmsi_tunnel_ingress_replication_and_others() {
    // Leaf info required, ingress replication, label 100 (0x000640), endpoint 192.0.2.9.
    let v = [0x01, 6, 0x00, 0x06, 0x40, 192, 0, 2, 9];
    let a = attrs_of(&[bgp::attr(OPT_TRANS, 22, &v)]);
    assert_eq!(
        a["pmsi_tunnel"],
        json!({
            "flags": 1, "leaf_info_required": true, "tunnel_type": 6,
            "tunnel_type_name": "ingress_replication", "label": 100, "label_field": 0x640,
            "tunnel_id": "192.0.2.9",
        })
    );
    // IPv6 endpoint; VXLAN VNI 10100 in the whole label field.
    let mut v = vec![0, 6, 0x00, 0x27, 0x74];
    v.extend_from_slice(
        &"2001:db8::9"
            .parse::<std::net::Ipv6Addr>()
            .unwrap()
            .octets(),
    );
    let a = attrs_of(&[bgp::attr(OPT_TRANS, 22, &v)]);
    assert_eq!(a["pmsi_tunnel"]["tunnel_id"], "2001:db8::9");
    assert_eq!(a["pmsi_tunnel"]["label_field"], 10100);
    assert_eq!(a["pmsi_tunnel"]["leaf_info_required"], false);
    // mLDP P2MP: the FEC stays hex.
    let v = [0, 2, 0, 0, 0, 6, 0, 1, 4, 10, 0, 0, 1];
    let a = attrs_of(&[bgp::attr(OPT_TRANS, 22, &v)]);
    assert_eq!(a["pmsi_tunnel"]["tunnel_type_name"], "mldp_p2mp");
    assert_eq!(
        a["pmsi_tunnel"]["tunnel_id"],
        "06000104 0a000001".replace(' ', "")
    );
    // PIM-SSM: sender and group.
    let v = [0, 3, 0, 0, 0, 192, 0, 2, 1, 232, 1, 1, 1];
    let a = attrs_of(&[bgp::attr(OPT_TRANS, 22, &v)]);
    assert_eq!(a["pmsi_tunnel"]["tunnel_id"], "192.0.2.1,232.1.1.1");
    // No tunnel information.
    let v = [0, 0, 0, 0, 0];
    let a = attrs_of(&[bgp::attr(OPT_TRANS, 22, &v)]);
    assert_eq!(
        a["pmsi_tunnel"]["tunnel_type_name"],
        "no_tunnel_information"
    );
    assert_eq!(a["pmsi_tunnel"]["tunnel_id"], "");
}

#[test]
fn pmsi_tunnel_malformed() {
    let v = [0, 6, 0, 0];
    assert_malformed(bgp::attr(OPT_TRANS, 22, &v), "pmsi_tunnel (type 22)", &v);
    // Ingress replication with a 5-octet endpoint.
    let v = [0, 6, 0, 0, 0, 1, 2, 3, 4, 5];
    assert_malformed(bgp::attr(OPT_TRANS, 22, &v), "pmsi_tunnel (type 22)", &v);
}

// ---------------------------------------------------------------------------------------------
// Prefix-SID (40)
// ---------------------------------------------------------------------------------------------

#[test]
fn prefix_sid_label_index_and_srgb() {
    let v = [
        // Label-Index: type 1, length 7, reserved, flags 0, label index 1001.
        vec![1, 0, 7, 0, 0, 0, 0, 0, 0x03, 0xe9],
        // Originator SRGB: type 3, length 14, flags, two ranges.
        vec![3, 0, 14, 0, 0],
        vec![0x00, 0x3e, 0x80, 0x00, 0x1f, 0x40], // base 16000, range 8000
        vec![0x01, 0x86, 0xa0, 0x00, 0x03, 0xe8], // base 100000, range 1000
        // Unknown TLV 99 kept raw.
        vec![99, 0, 2, 0xde, 0xad],
    ]
    .concat();
    let a = attrs_of(&[bgp::attr(OPT_TRANS, 40, &v)]);
    assert_eq!(
        a["prefix_sid"],
        json!([
            {"type": 1, "name": "label_index", "flags": 0, "label_index": 1001},
            {"type": 3, "name": "originator_srgb", "flags": 0, "ranges": [
                {"base": 16000, "range": 8000}, {"base": 100000, "range": 1000},
            ]},
            {"type": 99, "raw": "dead"},
        ])
    );
}

/// An SRv6 L3 Service TLV as IOS-XR sends it for a VPN route: SID fc00:0:1:: (function
/// transposed into the label), End.DT4 (19), SID structure 32/16/16/0, transposition 16@48.
fn srv6_l3_service(tlv_type: u8) -> Vec<u8> {
    let sid: std::net::Ipv6Addr = "fc00:0:1::".parse().unwrap();
    let mut info = vec![0];
    info.extend_from_slice(&sid.octets());
    info.extend_from_slice(&[0, 0, 19, 0]);
    info.extend_from_slice(&[1, 0, 6, 32, 16, 16, 0, 16, 48]);
    let mut sub = vec![1];
    sub.extend_from_slice(&(info.len() as u16).to_be_bytes());
    sub.extend_from_slice(&info);
    let mut tlv = vec![tlv_type];
    tlv.extend_from_slice(&((sub.len() + 1) as u16).to_be_bytes());
    tlv.push(0);
    tlv.extend_from_slice(&sub);
    tlv
}

#[test]
fn prefix_sid_srv6_services() {
    let a = attrs_of(&[bgp::attr(OPT_TRANS, 40, &srv6_l3_service(5))]);
    assert_eq!(
        a["prefix_sid"],
        json!([{
            "type": 5, "name": "srv6_l3_service",
            "sub_tlvs": [{
                "type": 1, "name": "srv6_sid_information",
                "sid": "fc00:0:1::", "flags": 0,
                "endpoint_behavior": 19, "endpoint_behavior_name": "End.DT4",
                "sub_sub_tlvs": [{
                    "type": 1, "name": "srv6_sid_structure",
                    "locator_block_len": 32, "locator_node_len": 16, "function_len": 16,
                    "argument_len": 0, "transposition_len": 16, "transposition_offset": 48,
                }],
            }],
        }])
    );
    let a = attrs_of(&[bgp::attr(OPT_TRANS, 40, &srv6_l3_service(6))]);
    assert_eq!(a["prefix_sid"][0]["name"], "srv6_l2_service");
}

#[test]
fn prefix_sid_malformed() {
    // Label-Index with length 6.
    let v = [1, 0, 6, 0, 0, 0, 0, 0, 1];
    assert_malformed(bgp::attr(OPT_TRANS, 40, &v), "prefix_sid (type 40)", &v);
    // SRGB with a partial range.
    let v = [3, 0, 5, 0, 0, 0, 0, 1];
    assert_malformed(bgp::attr(OPT_TRANS, 40, &v), "prefix_sid (type 40)", &v);
    // TLV length past the end.
    let v = [5, 0, 40, 0];
    assert_malformed(bgp::attr(OPT_TRANS, 40, &v), "prefix_sid (type 40)", &v);
    // SID structure sub-sub-TLV one octet short (outer lengths adjusted to match).
    let mut v = srv6_l3_service(5);
    v.pop();
    v[2] -= 1; // TLV length
    v[6] -= 1; // sub-TLV length
    let n = v.len();
    v[n - 6] = 5; // sub-sub-TLV length 5
    assert_malformed(bgp::attr(OPT_TRANS, 40, &v), "prefix_sid (type 40)", &v);
}

// ---------------------------------------------------------------------------------------------
// BGP-LS (29), ATTR_SET (128), unknown
// ---------------------------------------------------------------------------------------------

#[test]
fn bgp_ls_and_attr_set_raw() {
    let ls = [0x04, 0x04, 0x00, 0x04, 0, 0, 0, 10];
    // ATTR_SET: origin AS 65001, then a LOCAL_PREF attribute.
    let set = [vec![0, 0, 0xfd, 0xe9], bgp::local_pref(100)].concat();
    let a = attrs_of(&[
        bgp::attr(OPT, 29, &ls),
        bgp::attr(OPT_TRANS, 128, &set),
        bgp::attr(OPT_TRANS, 23, &[0, 8, 0, 0]),
    ]);
    assert_eq!(a["bgp_ls"], hex(&ls));
    assert_eq!(a["attr_set"], hex(&set));
    assert_eq!(
        a["other"],
        json!([{"code": 23, "name": "tunnel_encapsulation", "flags": OPT_TRANS, "raw": "00080000"}])
    );
}

#[test]
fn attr_set_malformed() {
    let v = [0, 0, 1];
    assert_malformed(bgp::attr(OPT_TRANS, 128, &v), "attr_set (type 128)", &v);
    // Inner attributes that do not frame.
    let v = [0, 0, 0, 1, 0x40, 5, 4, 0];
    assert_malformed(bgp::attr(OPT_TRANS, 128, &v), "attr_set (type 128)", &v);
}

// ---------------------------------------------------------------------------------------------
// RFC 7606 actions
// ---------------------------------------------------------------------------------------------

#[test]
fn rfc7606_actions_per_attribute() {
    use Rfc7606Action::*;
    let want = [
        (attr::ORIGIN, TreatAsWithdraw),
        (attr::AS_PATH, TreatAsWithdraw),
        (attr::NEXT_HOP, TreatAsWithdraw),
        (attr::MED, TreatAsWithdraw),
        (attr::LOCAL_PREF, TreatAsWithdraw),
        (attr::ATOMIC_AGGREGATE, AttributeDiscard),
        (attr::AGGREGATOR, AttributeDiscard),
        (attr::COMMUNITIES, TreatAsWithdraw),
        (attr::ORIGINATOR_ID, TreatAsWithdraw),
        (attr::CLUSTER_LIST, TreatAsWithdraw),
        (attr::MP_REACH, SessionReset),
        (attr::MP_UNREACH, SessionReset),
        (attr::EXTENDED_COMMUNITIES, TreatAsWithdraw),
        (attr::AS4_PATH, AttributeDiscard),
        (attr::AS4_AGGREGATOR, AttributeDiscard),
        (attr::PMSI_TUNNEL, TreatAsWithdraw),
        (attr::TUNNEL_ENCAPSULATION, TreatAsWithdraw),
        (attr::TRAFFIC_ENGINEERING, TreatAsWithdraw),
        (attr::IPV6_EXTENDED_COMMUNITIES, TreatAsWithdraw),
        (attr::AIGP, AttributeDiscard),
        (attr::BGP_LS, AttributeDiscard),
        (attr::LARGE_COMMUNITIES, TreatAsWithdraw),
        (attr::BGPSEC_PATH, TreatAsWithdraw),
        (attr::OTC, TreatAsWithdraw),
        (attr::PREFIX_SID, AttributeDiscard),
        (attr::ATTR_SET, TreatAsWithdraw),
        (250, AttributeDiscard),
    ];
    for (code, action) in want {
        assert_eq!(rfc7606_action(code), action, "attribute type {code}");
    }
    assert_eq!(TreatAsWithdraw.name(), "treat-as-withdraw");
    assert_eq!(AttributeDiscard.name(), "attribute-discard");
    assert_eq!(SessionReset.name(), "session-reset would be needed");
}
