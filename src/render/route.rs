//! JSON for one route (NLRI element), per family; its short text form ([`short_text`]) is
//! decided in [`crate::decode::bgp::route_text`], where the views can use it too.
//!
//! Keys of a route object:
//! - every family: `family` (`ipv4_unicast`, `l2vpn_evpn`, `ipv4_flowspec`, …), `decoded`
//!   (how the field was read: `negotiated`, `assumed`, `fallback:…`), `path_id` (only with
//!   Add-Path).
//! - unicast / multicast: `prefix`. Labeled unicast: `prefix`, `labels` (20-bit values).
//!   VPN: `prefix`, `rd`, `labels`.
//! - EVPN (`l2vpn_evpn`): `evpn_route_type` (number), `evpn_route` (`ethernet_ad`, `mac_ip`,
//!   `inclusive_multicast`, `ethernet_segment`, `ip_prefix`, or the IANA name of another type),
//!   `rd`, `esi` (10 octets as colon hex) and `esi_type`, `ethernet_tag`, `mac`, `ip` (type 2,
//!   when present), `originating_ip` (types 3 and 4), `prefix` and `gateway` (type 5),
//!   `labels` (20-bit MPLS label values; label1 then label2) and `label_fields` (the whole
//!   24-bit fields, which carry the VNI with VXLAN, RFC 8365). Route types other than 1-5:
//!   `raw` (hex of the value).
//! - MCAST-VPN (`ipv4_mcast_vpn`): `mvpn_route_type`, `raw` (hex of the value).
//! - RT-constraint (`ipv4_rt_constraint`): `prefix_len` (bits), `origin_as` (when the length
//!   covers it), `route_target` (`asn:nn`, `ip:nn`, `asn4:nn` or hex; zero-padded beyond
//!   `prefix_len`), `default: true` for length 0.
//! - FlowSpec (`ipv4_flowspec`, `ipv6_flowspec`, `…_flowspec_vpn`): `rule` (text, e.g.
//!   `dst 192.0.2.0/24 && proto =6 && dport >=1024&<=2048`), `components` (array of
//!   `{type, name, prefix[, offset]}` or `{type, name, ops: [{op, and, value[, not]}], text}`,
//!   or `{type, name: "unknown", raw}` for a component type not decoded, which ends the
//!   decoding), `rd` (SAFI 134), `raw` (hex of the whole NLRI as sent, length included).
//! - BGP-LS (`bgp_ls`, `bgp_ls_vpn`): `nlri_type`, `nlri_type_name` (`node`, `link`,
//!   `ipv4_prefix`, `ipv6_prefix`, `sr_policy`, `srv6_sid`, `unknown`), `protocol_id`,
//!   `protocol` (`isis_l1`, `isis_l2`, `ospfv2`, `direct`, `static`, `ospfv3`, `bgp`, …),
//!   `identifier`, `descriptors` (hex of the descriptor TLVs), `rd` (SAFI 72); an NLRI type
//!   not decoded: `raw`.
//! - any other family: `raw` (hex of the whole field).

use serde_json::{Map, Value, json};

use crate::decode::bgp::bgpls::{self, BgpLsNlri};
use crate::decode::bgp::evpn::{self, EvpnRoute};
use crate::decode::bgp::flowspec::{self, Component};
use crate::decode::bgp::nlri::{NlriKind, label_values, rd_text};
use crate::decode::bgp::rtc;
use crate::decode::bgp::update::Route;
use crate::decode::codes;
use crate::decode::hex;

pub use crate::decode::bgp::route_text::short_text;

fn labels_json(labels: &[u8]) -> Value {
    label_values(labels).collect::<Vec<_>>().into()
}

fn evpn_json(v: &mut Map<String, Value>, route_type: u8, value: &[u8]) {
    v.insert("evpn_route_type".into(), route_type.into());
    v.insert(
        "evpn_route".into(),
        evpn::route_type_name(route_type).into(),
    );
    let r = match evpn::decode(route_type, value) {
        Ok(r) => r,
        Err(_) => {
            v.insert("raw".into(), hex(value).into());
            return;
        }
    };
    if let Some(rd) = r.rd() {
        v.insert("rd".into(), rd_text(&rd).into());
    }
    let esi = |v: &mut Map<String, Value>, esi: &evpn::Esi| {
        v.insert("esi".into(), esi.to_string().into());
        v.insert("esi_type".into(), esi.esi_type().into());
    };
    match r {
        EvpnRoute::EthernetAd {
            esi: e,
            ethernet_tag,
            ..
        } => {
            esi(v, &e);
            v.insert("ethernet_tag".into(), ethernet_tag.into());
        }
        EvpnRoute::MacIp {
            esi: e,
            ethernet_tag,
            mac,
            ip,
            ..
        } => {
            esi(v, &e);
            v.insert("ethernet_tag".into(), ethernet_tag.into());
            v.insert("mac".into(), mac.to_string().into());
            if let Some(ip) = ip {
                v.insert("ip".into(), ip.to_string().into());
            }
        }
        EvpnRoute::InclusiveMulticast {
            ethernet_tag,
            originating_ip,
            ..
        } => {
            v.insert("ethernet_tag".into(), ethernet_tag.into());
            v.insert("originating_ip".into(), originating_ip.to_string().into());
        }
        EvpnRoute::EthernetSegment {
            esi: e,
            originating_ip,
            ..
        } => {
            esi(v, &e);
            v.insert("originating_ip".into(), originating_ip.to_string().into());
        }
        EvpnRoute::IpPrefix {
            esi: e,
            ethernet_tag,
            prefix,
            gateway,
            ..
        } => {
            esi(v, &e);
            v.insert("ethernet_tag".into(), ethernet_tag.into());
            v.insert("prefix".into(), prefix.to_string().into());
            v.insert("gateway".into(), gateway.to_string().into());
        }
        EvpnRoute::Other { value, .. } => {
            v.insert("raw".into(), hex(value).into());
        }
    }
    let labels = r.labels();
    if !labels.is_empty() {
        v.insert("labels".into(), labels_json(labels));
        v.insert(
            "label_fields".into(),
            labels
                .chunks_exact(3)
                .map(|c| u32::from_be_bytes([0, c[0], c[1], c[2]]))
                .collect::<Vec<_>>()
                .into(),
        );
    }
}

fn flowspec_component_json(c: &Component<'_>, v6: bool) -> Value {
    let mut o = Map::new();
    o.insert("type".into(), c.ctype().into());
    o.insert(
        "name".into(),
        flowspec::component_name(c.ctype(), v6).into(),
    );
    match c {
        Component::Prefix { prefix, offset, .. } => {
            o.insert("prefix".into(), prefix.to_string().into());
            if v6 {
                o.insert("offset".into(), (*offset).into());
            }
        }
        Component::Numeric { ctype, ops } | Component::Bitmask { ctype, ops } => {
            let bitmask = matches!(c, Component::Bitmask { .. });
            let list: Vec<Value> = flowspec::ops(ops)
                .map(|op| {
                    if bitmask {
                        json!({
                            "op": if op.op & flowspec::OP_MATCH != 0 { "match" } else { "any" },
                            "not": op.op & flowspec::OP_NOT != 0,
                            "and": op.and(),
                            "value": op.value,
                        })
                    } else {
                        json!({"op": op.numeric_text(), "and": op.and(), "value": op.value})
                    }
                })
                .collect();
            o.insert("ops".into(), list.into());
            o.insert(
                "text".into(),
                flowspec::ops_text(*ctype, bitmask, ops).into(),
            );
        }
        Component::Unknown { rest, .. } => {
            o.insert("raw".into(), hex(rest).into());
        }
    }
    Value::Object(o)
}

fn flowspec_json(v: &mut Map<String, Value>, v6: bool, rd: Option<[u8; 8]>, comps: &[u8]) {
    if let Some(rd) = rd {
        v.insert("rd".into(), rd_text(&rd).into());
    }
    v.insert("rule".into(), flowspec::rule_text(v6, comps).into());
    let list: Vec<Value> = flowspec::components(v6, comps)
        .map_while(Result::ok)
        .map(|c| flowspec_component_json(&c, v6))
        .collect();
    v.insert("components".into(), list.into());
}

fn bgpls_json(v: &mut Map<String, Value>, nlri_type: u16, rd: Option<[u8; 8]>, value: &[u8]) {
    v.insert("nlri_type".into(), nlri_type.into());
    v.insert(
        "nlri_type_name".into(),
        bgpls::nlri_type_name(nlri_type).into(),
    );
    if let Some(rd) = rd {
        v.insert("rd".into(), rd_text(&rd).into());
    }
    match bgpls::decode(nlri_type, value) {
        Ok(BgpLsNlri::Known {
            protocol_id,
            identifier,
            descriptors,
            ..
        }) => {
            v.insert("protocol_id".into(), protocol_id.into());
            v.insert("protocol".into(), bgpls::protocol_name(protocol_id).into());
            v.insert("identifier".into(), identifier.into());
            v.insert("descriptors".into(), hex(descriptors).into());
        }
        Ok(BgpLsNlri::Other { value, .. }) => {
            v.insert("raw".into(), hex(value).into());
        }
        Err(_) => {
            v.insert("raw".into(), hex(value).into());
        }
    }
}

/// One route.
pub fn route(r: &Route<'_>) -> Value {
    let mut v = Map::new();
    match r.nlri.kind {
        NlriKind::Prefix(p) => {
            v.insert("prefix".into(), p.to_string().into());
        }
        NlriKind::Labeled { labels, prefix } => {
            v.insert("prefix".into(), prefix.to_string().into());
            v.insert("labels".into(), labels_json(labels));
        }
        NlriKind::Vpn { labels, rd, prefix } => {
            v.insert("prefix".into(), prefix.to_string().into());
            v.insert("rd".into(), rd_text(&rd).into());
            v.insert("labels".into(), labels_json(labels));
        }
        NlriKind::Evpn { route_type, value } => evpn_json(&mut v, route_type, value),
        NlriKind::McastVpn { route_type, value } => {
            v.insert("mvpn_route_type".into(), route_type.into());
            v.insert("raw".into(), hex(value).into());
        }
        NlriKind::RtConstraint { bits, prefix } => {
            let d = rtc::decode(bits, prefix);
            v.insert("prefix_len".into(), bits.into());
            if bits == 0 {
                v.insert("default".into(), true.into());
            }
            if let Some(asn) = d.origin_as {
                v.insert("origin_as".into(), asn.into());
            }
            if let Some(rt) = d.route_target {
                v.insert("route_target".into(), rtc::route_target_text(&rt).into());
            }
        }
        NlriKind::FlowSpec {
            v6,
            rd,
            components,
            wire,
        } => {
            flowspec_json(&mut v, v6, rd, components);
            v.insert("raw".into(), hex(wire).into());
        }
        NlriKind::BgpLs {
            nlri_type,
            rd,
            value,
        } => bgpls_json(&mut v, nlri_type, rd, value),
        NlriKind::Raw(b) => {
            v.insert("raw".into(), hex(b).into());
        }
    }
    if let Some(id) = r.nlri.path_id {
        v.insert("path_id".into(), id.into());
    }
    v.insert("family".into(), codes::family_name(r.afi, r.safi).into());
    v.insert("decoded".into(), r.how.label().into());
    Value::Object(v)
}
