//! NLRI of every address family, built by hand from the RFC layouts (RFC 7432 / RFC 9136 EVPN,
//! RFC 8955 / RFC 8956 FlowSpec, RFC 4684 RT-constraint, RFC 7752 BGP-LS, RFC 6514 MCAST-VPN)
//! and fed through `StreamDecoder` after a Peer Up that negotiates the family (and Add-Path
//! where a test says so). Checked: the routes of the plan, the `decode --json` objects
//! (`render::json::message`) and the text log (`render::text::message`).

use std::net::{IpAddr, Ipv4Addr};

use crate::support::hex;
use crate::support::nlri::{ESI, RD_65000_1, evpn_mac_ip, evpn_route, label};

use bmpctl::event::StreamCtx;
use bmpctl::event::{Event, RouterInfo};
use bmpctl::render::{json, text};
use bmpctl::stream::StreamDecoder;
use bmpctl::testkit::{bgp, bmp};
use serde_json::Value;

/// One route as the plan yields it: withdrawn, family, path id, `decoded` label.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Rt {
    withdrawn: bool,
    afi: u16,
    safi: u8,
    path_id: Option<u32>,
    how: &'static str,
}

#[derive(Debug, Default)]
struct Out {
    /// JSON of every message.
    msgs: Vec<Value>,
    /// Text line of every message (verbose).
    text: Vec<String>,
    /// Routes of every Route Monitoring, per message.
    routes: Vec<Vec<Rt>>,
    /// Finding kinds.
    findings: Vec<&'static str>,
}

impl Out {
    /// The announced (or withdrawn) route objects of Route Monitoring number `n` (0-based).
    fn rm(&self, n: usize, key: &str) -> Vec<Value> {
        let rms: Vec<&Value> = self
            .msgs
            .iter()
            .filter(|m| m["type"] == "route_monitoring")
            .collect();
        rms[n][key].as_array().cloned().unwrap_or_default()
    }

    fn rm_text(&self, n: usize) -> &str {
        let idx: Vec<usize> = (0..self.msgs.len())
            .filter(|&i| self.msgs[i]["type"] == "route_monitoring")
            .collect();
        &self.text[idx[n]]
    }

    fn rm_routes(&self, n: usize) -> &[Rt] {
        let idx: Vec<usize> = (0..self.msgs.len())
            .filter(|&i| self.msgs[i]["type"] == "route_monitoring")
            .collect();
        &self.routes[idx[n]]
    }
}

fn run(bytes: &[u8]) -> Out {
    crate::support::no_colour();
    let mut dec = StreamDecoder::new(1 << 20);
    let mut out = Out::default();
    {
        let mut sink = |router: &RouterInfo, ev: Event<'_>| {
            let ctx = StreamCtx::new("families", router, None);
            match ev {
                Event::Message(d) => {
                    out.msgs
                        .push(serde_json::to_value(json::message(&ctx, &d)).unwrap());
                    out.text.push(text::message(&ctx, &d, true));
                    out.routes.push(match &d.update {
                        Some((u, plan)) => plan
                            .routes(u)
                            .map(|r| Rt {
                                withdrawn: r.withdrawn,
                                afi: r.family.afi.0,
                                safi: r.family.safi.0,
                                path_id: r.nlri.path_id,
                                how: r.how.label(),
                            })
                            .collect(),
                        None => Vec::new(),
                    });
                }
                Event::Finding(f) => out.findings.push(f.kind.name()),
            }
        };
        dec.push(bytes, &mut sink);
        dec.finish(&mut sink);
    }
    out
}

fn peer() -> bmp::Peer {
    bmp::Peer::global(
        IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)),
        65001,
        [192, 0, 2, 1],
    )
}

const BOTH: u8 = 3;

/// Peer Up negotiating `afi`/`safi` (and Add-Path both ways if `add_path`), then one Route
/// Monitoring per UPDATE.
fn session(afi: u16, safi: u8, add_path: bool, updates: &[Vec<u8>]) -> Out {
    let p = peer();
    let mut caps = vec![bgp::cap_mp(afi, safi), bgp::cap_as4(65000)];
    if add_path {
        caps.push(bgp::cap_add_path(&[(afi, safi, BOTH)]));
    }
    let sent = bgp::open(65000, 90, [10, 0, 0, 1], &caps);
    caps[1] = bgp::cap_as4(65001);
    let recv = bgp::open(65001, 90, [192, 0, 2, 1], &caps);
    let mut s = bmp::peer_up(
        &p,
        IpAddr::V4(Ipv4Addr::new(192, 0, 2, 254)),
        179,
        40000,
        &sent,
        &recv,
        &[],
    );
    for u in updates {
        s.extend(bmp::route_monitoring(&p, u));
    }
    run(&s)
}

/// An UPDATE announcing `nlri` of the family with the given next hop.
fn announce(afi: u16, safi: u8, next_hop: &[u8], nlri: &[u8]) -> Vec<u8> {
    let attrs = [
        bgp::origin(0),
        bgp::as_path(&[(bgp::AS_SEQUENCE, &[65001])], true),
        bgp::mp_reach(afi, safi, next_hop, nlri),
    ]
    .concat();
    bgp::update(&[], &attrs, &[])
}

/// An UPDATE withdrawing `nlri` of the family.
fn withdraw(afi: u16, safi: u8, nlri: &[u8]) -> Vec<u8> {
    bgp::update(&[], &bgp::mp_unreach(afi, safi, nlri), &[])
}

fn with_path_id(id: u32, nlri: &[u8]) -> Vec<u8> {
    [&id.to_be_bytes()[..], nlri].concat()
}

fn no_errors(o: &Out) {
    for k in &o.findings {
        assert!(
            !matches!(
                *k,
                "undecodable_update" | "malformed_bgp" | "malformed_message" | "decode_fallback"
            ),
            "unexpected finding {k}: {:#?}",
            o.text
        );
    }
}

// ---------------------------------------------------------------------------------------------
// EVPN (AFI 25, SAFI 70)
// ---------------------------------------------------------------------------------------------

/// RD type 1: 192.0.2.1:7.
const RD_IP: [u8; 8] = [0, 1, 192, 0, 2, 1, 0, 7];

/// Type 2 without IP, one label (a plain MAC route).
fn evpn_mac_only() -> Vec<u8> {
    let v = [
        &RD_65000_1[..],
        &[0; 10],
        &0u32.to_be_bytes(),
        &[48],
        &[0x02, 0, 0, 0, 0, 0x01],
        &[0],
        &label(1000),
    ]
    .concat();
    evpn_route(2, &v)
}

/// Type 3: RD 192.0.2.1:7, tag 0, originating router 192.0.2.9.
fn evpn_imet() -> Vec<u8> {
    let v = [&RD_IP[..], &[0, 0, 0, 0], &[32, 192, 0, 2, 9]].concat();
    evpn_route(3, &v)
}

/// Type 5: RD, zero ESI, tag 0, 10.1.2.0/24, gateway 0.0.0.0, label 3000.
fn evpn_ip_prefix() -> Vec<u8> {
    let v = [
        &RD_65000_1[..],
        &[0; 10],
        &[0, 0, 0, 0],
        &[24, 10, 1, 2, 0],
        &[0, 0, 0, 0],
        &label(3000),
    ]
    .concat();
    assert_eq!(v.len(), 34);
    evpn_route(5, &v)
}

/// Type 1: RD, ESI, tag 0xffffffff (per-ES), label 0.
fn evpn_ead() -> Vec<u8> {
    let v = [&RD_65000_1[..], &ESI, &[0xff; 4], &[0, 0, 0]].concat();
    evpn_route(1, &v)
}

/// Type 4: RD, ESI, originating router 192.0.2.9.
fn evpn_es() -> Vec<u8> {
    let v = [&RD_65000_1[..], &ESI, &[32, 192, 0, 2, 9]].concat();
    evpn_route(4, &v)
}

fn evpn_field() -> Vec<u8> {
    [
        evpn_mac_ip(),
        evpn_imet(),
        evpn_ip_prefix(),
        evpn_route(9, &[1, 2, 3, 4]),
    ]
    .concat()
}

fn check_evpn_routes(r: &[Value], path_ids: bool) {
    assert_eq!(r.len(), 4, "{r:#?}");
    for (i, x) in r.iter().enumerate() {
        assert_eq!(x["family"], "l2vpn_evpn");
        assert_eq!(x["decoded"], "negotiated");
        if path_ids {
            assert_eq!(x["path_id"], 10 + i as u64);
        } else {
            assert!(x.get("path_id").is_none());
        }
    }
    let m = &r[0];
    assert_eq!(m["evpn_route_type"], 2);
    assert_eq!(m["evpn_route"], "mac_ip");
    assert_eq!(m["rd"], "65000:1");
    assert_eq!(m["esi"], "00:11:22:33:44:55:66:77:88:99");
    assert_eq!(m["esi_type"], 0);
    assert_eq!(m["ethernet_tag"], 100);
    assert_eq!(m["mac"], "00:11:22:33:44:55");
    assert_eq!(m["ip"], "192.0.2.10");
    assert_eq!(m["labels"], serde_json::json!([1000, 2000]));
    assert_eq!(
        m["label_fields"],
        serde_json::json!([(1000 << 4) | 1, (2000 << 4) | 1])
    );
    assert!(m.get("prefix").is_none());
    assert!(m.get("raw").is_none());

    let t3 = &r[1];
    assert_eq!(t3["evpn_route_type"], 3);
    assert_eq!(t3["evpn_route"], "inclusive_multicast");
    assert_eq!(t3["rd"], "192.0.2.1:7");
    assert_eq!(t3["ethernet_tag"], 0);
    assert_eq!(t3["originating_ip"], "192.0.2.9");

    let t5 = &r[2];
    assert_eq!(t5["evpn_route_type"], 5);
    assert_eq!(t5["evpn_route"], "ip_prefix");
    assert_eq!(t5["prefix"], "10.1.2.0/24");
    assert_eq!(t5["gateway"], "0.0.0.0");
    assert_eq!(t5["esi"], "00:00:00:00:00:00:00:00:00:00");
    assert_eq!(t5["labels"], serde_json::json!([3000]));

    let other = &r[3];
    assert_eq!(other["evpn_route_type"], 9);
    assert_eq!(other["raw"], "01020304");
    assert!(other.get("rd").is_none());
}

#[test]
fn evpn_announce_and_withdraw() {
    let field = evpn_field();
    let o = session(
        25,
        70,
        false,
        &[
            announce(25, 70, &[192, 0, 2, 1], &field),
            withdraw(25, 70, &field),
        ],
    );
    no_errors(&o);
    check_evpn_routes(&o.rm(0, "announced"), false);
    check_evpn_routes(&o.rm(1, "withdrawn"), false);
    assert!(o.rm(1, "announced").is_empty());
    assert_eq!(o.rm_routes(1).len(), 4);
    assert!(o.rm_routes(1).iter().all(|r| r.withdrawn && r.afi == 25));
    let t = o.rm_text(0);
    assert!(
        t.contains("evpn:2 [65000:1] esi 00:11:22:33:44:55:66:77:88:99 tag 100 mac 00:11:22:33:44:55 ip 192.0.2.10"),
        "{t}"
    );
    assert!(t.contains("evpn:3 [192.0.2.1:7] orig 192.0.2.9"), "{t}");
    assert!(t.contains("evpn:5 [65000:1] 10.1.2.0/24"), "{t}");
    assert!(t.contains("evpn:9 raw 01020304"), "{t}");
}

#[test]
fn evpn_with_path_ids() {
    let field: Vec<u8> = [
        with_path_id(10, &evpn_mac_ip()),
        with_path_id(11, &evpn_imet()),
        with_path_id(12, &evpn_ip_prefix()),
        with_path_id(13, &evpn_route(9, &[1, 2, 3, 4])),
    ]
    .concat();
    let o = session(
        25,
        70,
        true,
        &[
            announce(25, 70, &[192, 0, 2, 1], &field),
            withdraw(25, 70, &field),
        ],
    );
    no_errors(&o);
    check_evpn_routes(&o.rm(0, "announced"), true);
    check_evpn_routes(&o.rm(1, "withdrawn"), true);
    let ids: Vec<Option<u32>> = o.rm_routes(1).iter().map(|r| r.path_id).collect();
    assert_eq!(ids, [Some(10), Some(11), Some(12), Some(13)]);
    assert!(
        o.rm_text(0)
            .contains("mac 00:11:22:33:44:55 ip 192.0.2.10#10")
    );
}

#[test]
fn evpn_types_1_and_4_and_mac_only() {
    let field = [evpn_ead(), evpn_es(), evpn_mac_only()].concat();
    let o = session(25, 70, false, &[announce(25, 70, &[192, 0, 2, 1], &field)]);
    no_errors(&o);
    let r = o.rm(0, "announced");
    assert_eq!(r[0]["evpn_route"], "ethernet_ad");
    assert_eq!(r[0]["ethernet_tag"], 4_294_967_295u64);
    assert_eq!(r[0]["labels"], serde_json::json!([0]));
    assert_eq!(r[1]["evpn_route"], "ethernet_segment");
    assert_eq!(r[1]["originating_ip"], "192.0.2.9");
    assert_eq!(r[1]["esi"], "00:11:22:33:44:55:66:77:88:99");
    assert_eq!(r[2]["mac"], "02:00:00:00:00:01");
    assert!(r[2].get("ip").is_none());
    assert_eq!(r[2]["labels"], serde_json::json!([1000]));
}

#[test]
fn evpn_add_path_fallback_both_ways() {
    // Negotiated Add-Path, sent without path ids: read with them, the type 2 route does not
    // decode, so the field is read without (and says so).
    let field = [evpn_mac_ip(), evpn_imet()].concat();
    let o = session(25, 70, true, &[announce(25, 70, &[192, 0, 2, 1], &field)]);
    assert!(o.findings.contains(&"decode_fallback"), "{:?}", o.findings);
    let r = o.rm(0, "announced");
    assert_eq!(r.len(), 2);
    assert_eq!(r[0]["decoded"], "fallback:no_add_path");
    assert_eq!(r[0]["mac"], "00:11:22:33:44:55");

    // Not negotiated, sent with path ids: read without, 00 00 frames as route type 0.
    let field = [
        with_path_id(1, &evpn_mac_ip()),
        with_path_id(2, &evpn_imet()),
    ]
    .concat();
    let o = session(25, 70, false, &[announce(25, 70, &[192, 0, 2, 1], &field)]);
    assert!(o.findings.contains(&"decode_fallback"), "{:?}", o.findings);
    let r = o.rm(0, "announced");
    assert_eq!(r.len(), 2);
    assert_eq!(r[0]["decoded"], "fallback:add_path");
    assert_eq!(r[1]["path_id"], 2);
    assert_eq!(r[1]["originating_ip"], "192.0.2.9");
}

#[test]
fn evpn_malformed_known_type_is_undecodable() {
    // A type 3 route with an IP length of 24: neither reading decodes.
    let bad = evpn_route(3, &[&RD_IP[..], &[0, 0, 0, 0], &[24, 192, 0, 2]].concat());
    let o = session(25, 70, false, &[announce(25, 70, &[192, 0, 2, 1], &bad)]);
    assert!(
        o.findings.contains(&"undecodable_update"),
        "{:?}",
        o.findings
    );
    assert!(o.rm(0, "announced").is_empty());
}

// ---------------------------------------------------------------------------------------------
// FlowSpec (SAFI 133, 134)
// ---------------------------------------------------------------------------------------------

/// dst 192.0.2.0/24, proto =6, dport >=1024 & <=2048, tcp-flags match syn.
const FS_RULE: [u8; 18] = [
    1, 24, 192, 0, 2, // destination prefix
    3, 0x81, 6, // ip protocol: end, eq, 1 octet
    5, 0x13, 0x04, 0x00, 0xd5, 0x08, 0x00, // dport: gt|eq 2 octets; end|and|lt|eq 2 octets
    9, 0x81, 0x02, // tcp flags: end, match, syn
];

fn fs(body: &[u8]) -> Vec<u8> {
    if body.len() < 240 {
        [&[body.len() as u8][..], body].concat()
    } else {
        let n = body.len() as u16 | 0xf000;
        [&n.to_be_bytes()[..], body].concat()
    }
}

const FS_TEXT: &str = "dst 192.0.2.0/24 && proto =6 && dport >=1024&<=2048 && tcp-flags match syn";

fn check_flowspec(r: &Value, family: &str) {
    assert_eq!(r["family"], family);
    assert_eq!(r["rule"], FS_TEXT);
    let c = r["components"].as_array().unwrap();
    assert_eq!(c.len(), 4);
    assert_eq!(c[0]["type"], 1);
    assert_eq!(c[0]["name"], "destination_prefix");
    assert_eq!(c[0]["prefix"], "192.0.2.0/24");
    assert_eq!(c[1]["name"], "ip_protocol");
    assert_eq!(c[1]["text"], "=6");
    assert_eq!(c[2]["name"], "destination_port");
    assert_eq!(
        c[2]["ops"],
        serde_json::json!([
            {"op": ">=", "and": false, "value": 1024},
            {"op": "<=", "and": true, "value": 2048}
        ])
    );
    assert_eq!(c[3]["name"], "tcp_flags");
    assert_eq!(c[3]["text"], "match syn");
    assert_eq!(c[3]["ops"][0]["op"], "match");
    assert_eq!(c[3]["ops"][0]["not"], false);
    assert!(r.get("prefix").is_none());
}

#[test]
fn flowspec_rule_announce_and_withdraw() {
    let nlri = fs(&FS_RULE);
    let o = session(
        1,
        133,
        false,
        &[announce(1, 133, &[], &nlri), withdraw(1, 133, &nlri)],
    );
    no_errors(&o);
    let a = o.rm(0, "announced");
    assert_eq!(a.len(), 1);
    check_flowspec(&a[0], "ipv4_flowspec");
    assert_eq!(a[0]["raw"], hex(&nlri));
    let w = o.rm(1, "withdrawn");
    assert_eq!(w.len(), 1);
    check_flowspec(&w[0], "ipv4_flowspec");
    assert!(o.rm_text(0).contains(&format!("flowspec {FS_TEXT}")));
}

#[test]
fn flowspec_with_path_ids_and_two_rules() {
    let other = fs(&[1, 32, 198, 51, 100, 1, 3, 0x01, 6, 0x81, 17]);
    let field = [with_path_id(5, &fs(&FS_RULE)), with_path_id(6, &other)].concat();
    let o = session(
        1,
        133,
        true,
        &[announce(1, 133, &[], &field), withdraw(1, 133, &field)],
    );
    no_errors(&o);
    for (n, key) in [(0, "announced"), (1, "withdrawn")] {
        let r = o.rm(n, key);
        assert_eq!(r.len(), 2);
        check_flowspec(&r[0], "ipv4_flowspec");
        assert_eq!(r[0]["path_id"], 5);
        assert_eq!(r[1]["path_id"], 6);
        assert_eq!(r[1]["rule"], "dst 198.51.100.1/32 && proto =6|=17");
    }
}

#[test]
fn flowspec_unknown_component_kept_raw() {
    // destination prefix, then component type 14 (not defined): counted, rest raw.
    let body = [1, 24, 192, 0, 2, 14, 0x81, 1];
    let nlri = fs(&body);
    let o = session(
        1,
        133,
        false,
        &[announce(1, 133, &[], &nlri), withdraw(1, 133, &nlri)],
    );
    no_errors(&o);
    let a = o.rm(0, "announced");
    assert_eq!(a.len(), 1);
    assert_eq!(a[0]["rule"], "dst 192.0.2.0/24 && raw 0e8101");
    assert_eq!(a[0]["components"][1]["name"], "unknown");
    assert_eq!(a[0]["components"][1]["type"], 14);
    assert_eq!(a[0]["components"][1]["raw"], "0e8101");
    assert_eq!(a[0]["raw"], hex(&nlri));
    assert_eq!(o.rm(1, "withdrawn").len(), 1);
}

#[test]
fn flowspec_vpn_with_rd_and_ipv6_and_long_length() {
    // SAFI 134: RD first.
    let nlri = fs(&[&RD_65000_1[..], &FS_RULE].concat());
    let o = session(1, 134, false, &[announce(1, 134, &[], &nlri)]);
    no_errors(&o);
    let a = o.rm(0, "announced");
    check_flowspec(&a[0], "ipv4_flowspec_vpn");
    assert_eq!(a[0]["rd"], "65000:1");
    assert!(
        o.rm_text(0)
            .contains(&format!("flowspec [65000:1] {FS_TEXT}"))
    );

    // IPv6: dst 2001:db8::/32 offset 0, next header =58, flow label =5.
    let v6 = fs(&[
        1, 32, 0, 0x20, 0x01, 0x0d, 0xb8, 3, 0x81, 58, 13, 0xa1, 0, 0, 0, 5,
    ]);
    let o = session(2, 133, false, &[announce(2, 133, &[], &v6)]);
    no_errors(&o);
    let a = o.rm(0, "announced");
    assert_eq!(a[0]["family"], "ipv6_flowspec");
    assert_eq!(
        a[0]["rule"],
        "dst 2001:db8::/32 && proto =58 && flow-label =5"
    );
    assert_eq!(a[0]["components"][0]["offset"], 0);
    assert_eq!(a[0]["components"][1]["name"], "next_header");
    assert_eq!(a[0]["components"][2]["name"], "flow_label");

    // A rule of 240+ octets: 2-octet length 0xfnnn. Packet length =0..=119 ORed together.
    let mut body = vec![1, 8, 10, 10];
    for i in 0..120u8 {
        body.extend([if i == 119 { 0x81 } else { 0x01 }, i]);
    }
    assert!(body.len() >= 240);
    let long = fs(&body);
    assert_eq!(long[0] & 0xf0, 0xf0);
    let field = [long, fs(&FS_RULE)].concat();
    let o = session(1, 133, false, &[announce(1, 133, &[], &field)]);
    no_errors(&o);
    let a = o.rm(0, "announced");
    assert_eq!(a.len(), 2);
    assert_eq!(a[0]["components"][1]["ops"].as_array().unwrap().len(), 120);
    check_flowspec(&a[1], "ipv4_flowspec");
}

// ---------------------------------------------------------------------------------------------
// RT-constraint (SAFI 132)
// ---------------------------------------------------------------------------------------------

/// Origin AS 65000, route target 65000:100.
const RTC_SPECIFIC: [u8; 13] = [96, 0, 0, 0xfd, 0xe8, 0x00, 0x02, 0xfd, 0xe8, 0, 0, 0, 100];

#[test]
fn rt_constraint_default_and_specific() {
    let field = [&[0u8][..], &RTC_SPECIFIC].concat();
    let o = session(
        1,
        132,
        false,
        &[
            announce(1, 132, &[192, 0, 2, 1], &field),
            withdraw(1, 132, &field),
        ],
    );
    no_errors(&o);
    for (n, key) in [(0, "announced"), (1, "withdrawn")] {
        let r = o.rm(n, key);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0]["family"], "ipv4_rt_constraint");
        assert_eq!(r[0]["prefix_len"], 0);
        assert_eq!(r[0]["default"], true);
        assert!(r[0].get("origin_as").is_none());
        assert_eq!(r[1]["prefix_len"], 96);
        assert_eq!(r[1]["origin_as"], 65000);
        assert_eq!(r[1]["route_target"], "65000:100");
        assert!(r[1].get("default").is_none());
    }
    let t = o.rm_text(0);
    assert!(t.contains("rtc default rtc 65000 rt 65000:100"), "{t}");
}

#[test]
fn rt_constraint_with_path_ids_and_ip_route_target() {
    // route target 192.0.2.1:7 (type 0x01), origin AS 4200000000; and a 64-bit prefix.
    let ip_rt = [96, 0xfa, 0x56, 0xea, 0x00, 0x01, 0x02, 192, 0, 2, 1, 0, 7];
    let partial = [64, 0, 0, 0xfd, 0xe8, 0x00, 0x02, 0xfd, 0xe8];
    let field = [with_path_id(1, &ip_rt), with_path_id(2, &partial)].concat();
    let o = session(
        1,
        132,
        true,
        &[
            announce(1, 132, &[192, 0, 2, 1], &field),
            withdraw(1, 132, &field),
        ],
    );
    no_errors(&o);
    for (n, key) in [(0, "announced"), (1, "withdrawn")] {
        let r = o.rm(n, key);
        assert_eq!(r[0]["path_id"], 1);
        assert_eq!(r[0]["origin_as"], 4_200_000_000u64);
        assert_eq!(r[0]["route_target"], "192.0.2.1:7");
        assert_eq!(r[1]["path_id"], 2);
        assert_eq!(r[1]["prefix_len"], 64);
        assert_eq!(r[1]["route_target"], "65000:0");
    }
    assert!(o.rm_text(0).contains("rtc 4200000000 rt 192.0.2.1:7#1"));
}

#[test]
fn rt_constraint_bad_length_is_undecodable() {
    // length 20: neither 0 nor 32-96
    let o = session(
        1,
        132,
        false,
        &[announce(1, 132, &[192, 0, 2, 1], &[20, 0, 0, 1])],
    );
    assert!(
        o.findings.contains(&"undecodable_update"),
        "{:?}",
        o.findings
    );
}

// ---------------------------------------------------------------------------------------------
// BGP-LS (AFI 16388, SAFI 71 and 72)
// ---------------------------------------------------------------------------------------------

/// Node NLRI: IS-IS L2, identifier 0, local node descriptors (TLV 256) with AS (TLV 512)
/// 65000 and IGP router ID (TLV 515) 0000.0000.0001.
fn ls_node_value() -> Vec<u8> {
    let node_desc = [
        &[0x02, 0x00, 0, 4][..],
        &65000u32.to_be_bytes(),
        &[0x02, 0x03, 0, 6],
        &[0, 0, 0, 0, 0, 1],
    ]
    .concat();
    [
        &[2u8][..],
        &0u64.to_be_bytes(),
        &[0x01, 0x00],
        &(node_desc.len() as u16).to_be_bytes(),
        &node_desc,
    ]
    .concat()
}

fn ls_nlri(nlri_type: u16, value: &[u8]) -> Vec<u8> {
    [
        &nlri_type.to_be_bytes()[..],
        &(value.len() as u16).to_be_bytes(),
        value,
    ]
    .concat()
}

#[test]
fn bgp_ls_node_nlri() {
    let value = ls_node_value();
    let field = [ls_nlri(1, &value), ls_nlri(99, &[1, 2, 3])].concat();
    let o = session(
        16388,
        71,
        false,
        &[
            announce(16388, 71, &[192, 0, 2, 1], &field),
            withdraw(16388, 71, &field),
        ],
    );
    no_errors(&o);
    for (n, key) in [(0, "announced"), (1, "withdrawn")] {
        let r = o.rm(n, key);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0]["family"], "bgp_ls");
        assert_eq!(r[0]["nlri_type"], 1);
        assert_eq!(r[0]["nlri_type_name"], "node");
        assert_eq!(r[0]["protocol_id"], 2);
        assert_eq!(r[0]["protocol"], "isis_l2");
        assert_eq!(r[0]["identifier"], 0);
        assert_eq!(r[0]["descriptors"], hex(&value[9..]));
        assert_eq!(r[1]["nlri_type"], 99);
        assert_eq!(r[1]["nlri_type_name"], "unknown");
        assert_eq!(r[1]["raw"], "010203");
    }
    assert!(o.rm_text(0).contains("bgp-ls node isis_l2 id 0"));
}

#[test]
fn bgp_ls_vpn_with_path_ids() {
    let value = [&RD_65000_1[..], &ls_node_value()].concat();
    let field = with_path_id(3, &ls_nlri(1, &value));
    let o = session(
        16388,
        72,
        true,
        &[
            announce(16388, 72, &[192, 0, 2, 1], &field),
            withdraw(16388, 72, &field),
        ],
    );
    no_errors(&o);
    for (n, key) in [(0, "announced"), (1, "withdrawn")] {
        let r = o.rm(n, key);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0]["path_id"], 3);
        assert_eq!(r[0]["rd"], "65000:1");
        assert_eq!(r[0]["protocol"], "isis_l2");
    }
    assert!(
        o.rm_text(0)
            .contains("bgp-ls [65000:1] node isis_l2 id 0#3")
    );
}

// ---------------------------------------------------------------------------------------------
// MCAST-VPN (SAFI 5), other families, End-of-RIB
// ---------------------------------------------------------------------------------------------

#[test]
fn mcast_vpn_routes_are_split() {
    // Type 1 Intra-AS I-PMSI A-D: RD + originating router IP; type 3 kept raw too.
    let t1 = [&[1u8, 12][..], &RD_65000_1, &[192, 0, 2, 1]].concat();
    let t3 = [&[3u8, 3][..], &[9, 9, 9]].concat();
    let field = [t1, t3].concat();
    let o = session(
        1,
        5,
        false,
        &[
            announce(1, 5, &[192, 0, 2, 1], &field),
            withdraw(1, 5, &field),
        ],
    );
    no_errors(&o);
    let r = o.rm(0, "announced");
    assert_eq!(r.len(), 2);
    assert_eq!(r[0]["mvpn_route_type"], 1);
    assert_eq!(r[0]["raw"], "0000fde800000001c0000201");
    assert_eq!(r[1]["mvpn_route_type"], 3);
    assert_eq!(o.rm(1, "withdrawn").len(), 2);
    assert!(o.rm_text(0).contains("mvpn:1 raw 0000fde800000001c0000201"));
}

#[test]
fn unknown_family_kept_raw_and_end_of_rib() {
    // VPLS (AFI 25 SAFI 65): one raw element.
    let field = [0u8, 17, 1, 2, 3];
    let o = session(
        25,
        65,
        false,
        &[
            announce(25, 65, &[192, 0, 2, 1], &field),
            withdraw(25, 70, &[]),
            withdraw(1, 133, &[]),
        ],
    );
    no_errors(&o);
    let r = o.rm(0, "announced");
    assert_eq!(r.len(), 1);
    assert_eq!(r[0]["raw"], "0011010203");
    assert_eq!(r[0]["family"], "l2vpn_vpls");
    let rms: Vec<&Value> = o
        .msgs
        .iter()
        .filter(|m| m["type"] == "route_monitoring")
        .collect();
    assert_eq!(rms[1]["end_of_rib"], true);
    assert_eq!(rms[2]["end_of_rib"], true);
    assert!(o.rm_text(1).contains("End-of-RIB l2vpn_evpn"));
    assert!(o.rm_text(2).contains("End-of-RIB ipv4_flowspec"));
}

#[test]
fn existing_families_still_work() {
    // labeled unicast (label 16000) 10.0.0.0/24 and VPNv4 [65000:1]10.0.1.0/24 with label 17000.
    let lu = [48u8, 0x03, 0xe8, 0x01, 10, 0, 0];
    let o = session(1, 4, false, &[announce(1, 4, &[192, 0, 2, 1], &lu)]);
    no_errors(&o);
    let r = o.rm(0, "announced");
    assert_eq!(r[0]["prefix"], "10.0.0.0/24");
    assert_eq!(r[0]["labels"], serde_json::json!([16000]));
    let l = label(17000);
    let vpn = [&[112u8][..], &l, &RD_65000_1, &[10, 0, 1]].concat();
    let o = session(
        1,
        128,
        false,
        &[announce(1, 128, &[0; 12], &vpn), withdraw(1, 128, &vpn)],
    );
    no_errors(&o);
    let r = o.rm(0, "announced");
    assert_eq!(r[0]["prefix"], "10.0.1.0/24");
    assert_eq!(r[0]["rd"], "65000:1");
    assert_eq!(r[0]["labels"], serde_json::json!([17000]));
    assert_eq!(o.rm(1, "withdrawn")[0]["prefix"], "10.0.1.0/24");
    assert!(o.rm_text(0).contains("[65000:1]10.0.1.0/24"));
}
