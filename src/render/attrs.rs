//! JSON for the path attributes of an UPDATE.

use serde_json::{Map, Value, json};

use super::json::fam;
use crate::decode::bgp::attr::{self, AttrValue, Segment};
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
                    l.iter().map(|c| hex(c)).collect::<Vec<_>>().into(),
                );
            }
            AttrValue::Other(raw) => other.push(json!({
                "code": a.code, "name": codes::attribute_name(a.code), "flags": a.flags, "raw": hex(raw)
            })),
        }
    }
    // RFC 6793 §4.2.3: AS4_PATH and AS4_AGGREGATOR only matter on a 2-octet session.
    if let Some(path) = as_path {
        let merged = match (&as4_path, plan.four_octet_as) {
            (Some(p4), false) => {
                o.insert("as_path_wire".into(), as_path_text(&path).into());
                attr::merge_as4_path(&path, p4)
            }
            _ => path,
        };
        o.insert("as_path".into(), as_path_text(&merged).into());
        o.insert("as_path_segments".into(), segments_json(&merged));
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
