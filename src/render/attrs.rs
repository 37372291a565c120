//! JSON for the path attributes of an UPDATE.
//!
//! Keys of the `attributes` object (each present only when the attribute is, and decodes;
//! a malformed attribute is left out here and reported as a `malformed_attribute` finding
//! with its raw octets):
//!
//! - `origin`: "igp" | "egp" | "incomplete" | "invalid".
//! - `as_path`: text ("65001 65002 {65100,65101} (65003)"); on a 2-octet session with AS4_PATH,
//!   the merged path (RFC 6793 §4.2.3), and `as_path_wire` the 2-octet path as sent.
//! - `as_path_segments`: [{"type": "as_sequence" | "as_set" | ..., "asns": [n]}].
//! - `as4_path`: AS4_PATH as text.
//! - `next_hop`: NEXT_HOP address.
//! - `med`, `local_pref`: numbers.
//! - `atomic_aggregate`: true.
//! - `aggregator`: {"asn", "address"} (AS4_AGGREGATOR substituted on 2-octet sessions).
//! - `communities`: ["65000:100", "no-export", ...].
//! - `originator_id`: address; `cluster_list`: [address].
//! - `mp_reach`: {"afi", "safi", "family", "next_hop": [text]}; `mp_unreach`: {"afi", "safi",
//!   "family"}.
//! - `large_communities`: ["a:b:c"].
//! - `extended_communities`: one object per 8-octet community. Known ones:
//!   {"type": "route_target", "value": "65000:100", "text": "rt:65000:100", "raw": hex};
//!   others {"raw": hex}. Types and text forms are listed in
//!   [`crate::decode::bgp::ext_community`].
//! - `ipv6_extended_communities`: the same objects for the 20-octet IPv6 address-specific
//!   communities (RFC 5701), e.g. {"type": "route_target", "value": "[2001:db8::1]:100",
//!   "text": "rt:[2001:db8::1]:100", "raw": hex}.
//! - `aigp`: {"metric": n} (RFC 7311 AIGP TLV), plus "tlvs": [{"type", "raw"}] for other TLVs.
//! - `otc`: the Only-to-Customer ASN (RFC 9234).
//! - `pmsi_tunnel`: {"flags", "leaf_info_required", "tunnel_type", "tunnel_type_name",
//!   "label" (high-order 20 bits), "label_field" (all 24 bits: a VNI for VXLAN),
//!   "tunnel_id" (an address for ingress replication, "sender,group" for PIM, else hex)}.
//! - `prefix_sid`: [TLV] (RFC 8669, RFC 9252), each {"type", "name", ...}:
//!   label_index {"flags", "label_index"}; originator_srgb {"flags", "ranges": [{"base",
//!   "range"}]}; srv6_l3_service / srv6_l2_service {"sub_tlvs": [{"type": 1, "name":
//!   "srv6_sid_information", "sid", "flags", "endpoint_behavior", "endpoint_behavior_name",
//!   "sub_sub_tlvs": [{"type": 1, "name": "srv6_sid_structure", "locator_block_len",
//!   "locator_node_len", "function_len", "argument_len", "transposition_len",
//!   "transposition_offset"}]}]}; unknown TLVs at any level {"type", "raw"}.
//! - `bgp_ls`: the BGP-LS attribute (RFC 9552) as hex.
//! - `attr_set`: ATTR_SET (RFC 6368) as hex.
//! - `other`: [{"code", "name", "flags", "raw"}] for every other attribute, kept raw.

use serde_json::{Map, Value, json};

use super::json::fam;
use crate::decode::bgp::as_path;
use crate::decode::bgp::attr::{self, Aigp, AttrValue, Segment};
use crate::decode::bgp::ext_community::{self, Described};
use crate::decode::bgp::pmsi::{self, PmsiTunnel};
use crate::decode::bgp::prefix_sid::{self, ServiceDataSubSubTlv, ServiceSubTlv, Tlv};
use crate::decode::bgp::update::{Plan, Update};
use crate::decode::codes;
use crate::decode::hex;

/// AS path as text: sequences space-separated, sets in braces, confederations in parentheses.
pub fn as_path_text(segs: &[Segment]) -> String {
    let mut parts = Vec::new();
    for s in segs {
        let asns: Vec<String> = s.asns.iter().map(u32::to_string).collect();
        parts.push(match s.seg_type {
            1 => format!("{{{}}}", asns.join(",")),
            3 => format!("({})", asns.join(" ")),
            4 => format!("[{}]", asns.join(",")),
            _ => asns.join(" "),
        });
    }
    parts.join(" ")
}

fn segments_json(segs: &[Segment]) -> Value {
    segs.iter()
        .map(|s| json!({"type": codes::as_path_segment_name(s.seg_type), "asns": s.asns}))
        .collect::<Vec<_>>()
        .into()
}

/// Community as text: a well-known name or `asn:value`.
pub fn community_text(c: u32) -> String {
    codes::well_known_community(c)
        .map(str::to_string)
        .unwrap_or_else(|| format!("{}:{}", c >> 16, c & 0xffff))
}

/// The `attributes` object.
pub fn attributes(u: &Update<'_>, plan: &Plan<'_>) -> Value {
    let mut o = Map::new();
    let mut as_path: Option<Vec<Segment>> = None;
    let mut as4_path: Option<Vec<Segment>> = None;
    let mut aggregator = None;
    let mut as4_aggregator = None;
    let mut other = Vec::new();
    for a in u.attributes().map_while(Result::ok) {
        let Ok(value) = attr::decode(&a, plan.four_octet_as) else {
            continue; // reported as a finding with its raw bytes
        };
        match value {
            AttrValue::Origin(v) => {
                o.insert("origin".into(), codes::origin_name(v).into());
            }
            AttrValue::AsPath(s) => as_path = Some(s),
            AttrValue::As4Path(s) => as4_path = Some(s),
            AttrValue::NextHop(a) => {
                o.insert("next_hop".into(), a.to_string().into());
            }
            AttrValue::Med(v) => {
                o.insert("med".into(), v.into());
            }
            AttrValue::LocalPref(v) => {
                o.insert("local_pref".into(), v.into());
            }
            AttrValue::AtomicAggregate => {
                o.insert("atomic_aggregate".into(), true.into());
            }
            AttrValue::Aggregator { asn, address } => aggregator = Some((asn, address)),
            AttrValue::As4Aggregator { asn, address } => as4_aggregator = Some((asn, address)),
            AttrValue::Communities(c) => {
                o.insert(
                    "communities".into(),
                    c.iter().map(|&c| community_text(c)).collect::<Vec<_>>().into(),
                );
            }
            AttrValue::OriginatorId(a) => {
                o.insert("originator_id".into(), a.to_string().into());
            }
            AttrValue::ClusterList(l) => {
                o.insert(
                    "cluster_list".into(),
                    l.iter().map(ToString::to_string).collect::<Vec<_>>().into(),
                );
            }
            AttrValue::MpReach(mp) => {
                let mut v = fam(mp.afi, mp.safi);
                v["next_hop"] = attr::next_hop_texts(mp.next_hop).into();
                o.insert("mp_reach".into(), v);
            }
            AttrValue::MpUnreach(mp) => {
                o.insert("mp_unreach".into(), fam(mp.afi, mp.safi));
            }
            AttrValue::LargeCommunities(l) => {
                o.insert(
                    "large_communities".into(),
                    l.iter()
                        .map(|(a, b, c)| format!("{a}:{b}:{c}"))
                        .collect::<Vec<_>>()
                        .into(),
                );
            }
            AttrValue::ExtendedCommunities(l) => {
                o.insert(
                    "extended_communities".into(),
                    l.iter()
                        .map(|c| community_json(ext_community::describe(c), c))
                        .collect::<Vec<_>>()
                        .into(),
                );
            }
            AttrValue::Ipv6ExtendedCommunities(l) => {
                o.insert(
                    "ipv6_extended_communities".into(),
                    l.iter()
                        .map(|c| community_json(ext_community::describe_v6(c), c))
                        .collect::<Vec<_>>()
                        .into(),
                );
            }
            AttrValue::Aigp(a) => {
                o.insert("aigp".into(), aigp_json(&a));
            }
            AttrValue::Otc(asn) => {
                o.insert("otc".into(), asn.into());
            }
            AttrValue::PmsiTunnel(t) => {
                o.insert("pmsi_tunnel".into(), pmsi_json(&t));
            }
            AttrValue::PrefixSid(v) => {
                o.insert("prefix_sid".into(), prefix_sid_json(v));
            }
            AttrValue::BgpLs(v) => {
                o.insert("bgp_ls".into(), hex(v).into());
            }
            AttrValue::AttrSet(v) => {
                o.insert("attr_set".into(), hex(v).into());
            }
            AttrValue::Other(raw) => other.push(json!({
                "code": a.code, "name": codes::attribute_name(a.code), "flags": a.flags, "raw": hex(raw)
            })),
        }
    }
    // RFC 6793 §4.2.3: AS4_PATH and AS4_AGGREGATOR only matter on a 2-octet session.
    if let Some(path) = &as_path {
        let effective = as_path::effective(path, as4_path.as_deref(), plan.four_octet_as);
        if let Some(wire) = effective.wire {
            o.insert("as_path_wire".into(), as_path_text(wire).into());
        }
        o.insert("as_path".into(), as_path_text(&effective.path).into());
        o.insert("as_path_segments".into(), segments_json(&effective.path));
    }
    if let Some(p4) = &as4_path {
        o.insert("as4_path".into(), as_path_text(p4).into());
    }
    let agg = match (aggregator, as4_aggregator, plan.four_octet_as) {
        (Some((attr::AS_TRANS, _)), Some(a4), false) => Some(a4),
        (a, _, _) => a,
    };
    if let Some((asn, address)) = agg {
        o.insert(
            "aggregator".into(),
            json!({"asn": asn, "address": address.to_string()}),
        );
    }
    if !other.is_empty() {
        o.insert("other".into(), other.into());
    }
    Value::Object(o)
}

/// One extended community: the named form with its raw octets, or only the raw octets.
fn community_json(d: Option<Described>, raw: &[u8]) -> Value {
    match d {
        Some(d) => json!({"type": d.kind, "value": d.value, "text": d.text, "raw": hex(raw)}),
        None => json!({"raw": hex(raw)}),
    }
}

fn aigp_json(a: &Aigp<'_>) -> Value {
    let mut o = Map::new();
    if let Some(m) = a.metric() {
        o.insert("metric".into(), m.into());
    }
    let others: Vec<Value> = a
        .tlvs()
        .filter(|(t, _)| *t != attr::AIGP_TLV_METRIC)
        .map(|(t, v)| json!({"type": t, "raw": hex(v)}))
        .collect();
    if !others.is_empty() {
        o.insert("tlvs".into(), others.into());
    }
    Value::Object(o)
}

fn pmsi_json(t: &PmsiTunnel<'_>) -> Value {
    json!({
        "flags": t.flags,
        "leaf_info_required": t.leaf_info_required(),
        "tunnel_type": t.tunnel_type,
        "tunnel_type_name": pmsi::tunnel_type_name(t.tunnel_type),
        "label": t.label(),
        "label_field": t.label_field,
        "tunnel_id": t.tunnel_id_text(),
    })
}

/// The Prefix-SID TLVs. The value passed `prefix_sid::check` (in `attr::decode`), so the
/// iterators yield no errors; any that did would be skipped.
fn prefix_sid_json(v: &[u8]) -> Value {
    prefix_sid::tlvs(v)
        .filter_map(Result::ok)
        .map(|t| match t {
            Tlv::LabelIndex { flags, label_index } => json!({
                "type": prefix_sid::LABEL_INDEX, "name": "label_index",
                "flags": flags, "label_index": label_index,
            }),
            Tlv::OriginatorSrgb { flags, ranges } => json!({
                "type": prefix_sid::ORIGINATOR_SRGB, "name": "originator_srgb", "flags": flags,
                "ranges": prefix_sid::srgb_ranges(ranges)
                    .map(|(base, range)| json!({"base": base, "range": range}))
                    .collect::<Vec<_>>(),
            }),
            Tlv::Srv6Service { tlv_type, sub_tlvs } => json!({
                "type": tlv_type,
                "name": if tlv_type == prefix_sid::SRV6_L3_SERVICE {
                    "srv6_l3_service"
                } else {
                    "srv6_l2_service"
                },
                "sub_tlvs": prefix_sid::service_sub_tlvs(sub_tlvs)
                    .filter_map(Result::ok)
                    .map(service_sub_tlv_json)
                    .collect::<Vec<_>>(),
            }),
            Tlv::Unknown { tlv_type, value } => json!({"type": tlv_type, "raw": hex(value)}),
        })
        .collect::<Vec<_>>()
        .into()
}

fn service_sub_tlv_json(s: ServiceSubTlv<'_>) -> Value {
    match s {
        ServiceSubTlv::SidInformation {
            sid,
            flags,
            endpoint_behavior,
            sub_sub_tlvs,
        } => json!({
            "type": 1, "name": "srv6_sid_information",
            "sid": sid.to_string(), "flags": flags,
            "endpoint_behavior": endpoint_behavior,
            "endpoint_behavior_name": prefix_sid::endpoint_behavior_name(endpoint_behavior),
            "sub_sub_tlvs": prefix_sid::service_data_sub_sub_tlvs(sub_sub_tlvs)
                .filter_map(Result::ok)
                .map(|ss| match ss {
                    ServiceDataSubSubTlv::SidStructure {
                        locator_block_len,
                        locator_node_len,
                        function_len,
                        argument_len,
                        transposition_len,
                        transposition_offset,
                    } => json!({
                        "type": 1, "name": "srv6_sid_structure",
                        "locator_block_len": locator_block_len,
                        "locator_node_len": locator_node_len,
                        "function_len": function_len,
                        "argument_len": argument_len,
                        "transposition_len": transposition_len,
                        "transposition_offset": transposition_offset,
                    }),
                    ServiceDataSubSubTlv::Unknown { sub_type, value } => {
                        json!({"type": sub_type, "raw": hex(value)})
                    }
                })
                .collect::<Vec<_>>(),
        }),
        ServiceSubTlv::Unknown { sub_type, value } => {
            json!({"type": sub_type, "raw": hex(value)})
        }
    }
}
