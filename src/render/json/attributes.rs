//! The `attributes` object of an UPDATE, from its decoded attributes
//! ([`crate::decode::bgp::attributes::Attributes`]).
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
//!
//! `decode -v` prints each attribute on a line of its own, most of them as the compact JSON
//! of the value here ([`crate::render::text`]). That text has always listed the attributes,
//! and the keys of every object inside them, in alphabetical order, so the fields of every
//! type in this file are declared in alphabetical order: keep them so.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

use serde::{Serialize, Serializer};

use super::{Each, HexText, Shown, family, hex};
use crate::decode::bgp::as_path::{self, Effective};
use crate::decode::bgp::attr::{self, Aigp, MpReach, MpUnreach, RawAttr, Segment};
use crate::decode::bgp::attributes::Attributes;
use crate::decode::bgp::ext_community::{self, Described};
use crate::decode::bgp::pmsi::{self, PmsiTunnel};
use crate::decode::bgp::prefix_sid::{self, ServiceDataSubSubTlv, ServiceSubTlv, Tlv};
use crate::decode::bgp::update::{Plan, Update};
use crate::decode::codes;
use crate::decode::family::Family;

/// The attributes of an UPDATE, decoded when the record is written.
pub(crate) struct AttributesOf<'a> {
    pub(crate) update: &'a Update<'a>,
    pub(crate) plan: &'a Plan<'a>,
}

impl Serialize for AttributesOf<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let attrs = Attributes::decode(self.update, self.plan.four_octet_as);
        let path = attrs.as_path();
        AttributesJson::new(&attrs, path.as_ref()).serialize(s)
    }
}

/// The `attributes` object. Fields in alphabetical order (see the module documentation).
#[derive(Serialize)]
pub(crate) struct AttributesJson<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) aggregator: Option<Aggregator>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) aigp: Option<AigpJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) as4_path: Option<Shown<AsPathText<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) as_path: Option<Shown<AsPathText<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) as_path_segments: Option<Each<'a, Segment, SegmentJson<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) as_path_wire: Option<Shown<AsPathText<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) atomic_aggregate: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) attr_set: Option<HexText<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) bgp_ls: Option<HexText<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) cluster_list: Option<&'a [Ipv4Addr]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) communities: Option<Each<'a, u32, Shown<Community>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) extended_communities: Option<Vec<ExtCommunity<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) ipv6_extended_communities: Option<Vec<ExtCommunity<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) large_communities: Option<Each<'a, (u32, u32, u32), Shown<LargeCommunity>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) local_pref: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) med: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) mp_reach: Option<MpReachJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) mp_unreach: Option<MpUnreachJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) next_hop: Option<Ipv4Addr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) origin: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) originator_id: Option<Ipv4Addr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) otc: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) other: Option<Each<'a, RawAttr<'a>, OtherJson<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) pmsi_tunnel: Option<PmsiJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) prefix_sid: Option<PrefixSidJson<'a>>,
}

impl<'a> AttributesJson<'a> {
    /// The object for `a`, whose effective AS path is `path` ([`Attributes::as_path`]).
    pub(crate) fn new(a: &'a Attributes<'a>, path: Option<&'a Effective<'a>>) -> Self {
        AttributesJson {
            aggregator: a
                .aggregator()
                .map(|(asn, address)| Aggregator { address, asn }),
            aigp: a.aigp.as_ref().map(AigpJson),
            as4_path: a.as4_path.as_deref().map(|p| Shown(AsPathText(p))),
            as_path: path.map(|p| Shown(AsPathText(&p.path))),
            as_path_segments: path.map(|p| Each(&p.path[..], SegmentJson::new)),
            as_path_wire: path.and_then(|p| p.wire).map(|w| Shown(AsPathText(w))),
            atomic_aggregate: a.atomic_aggregate.then_some(true),
            attr_set: a.attr_set.map(hex),
            bgp_ls: a.bgp_ls.map(hex),
            cluster_list: a.cluster_list.as_deref(),
            communities: a
                .communities
                .as_deref()
                .map(|c| Each(c, |&c| Shown(Community(c)))),
            extended_communities: a.extended_communities.as_deref().map(|l| {
                l.iter()
                    .map(|c| ExtCommunity::new(ext_community::describe(c), c))
                    .collect()
            }),
            ipv6_extended_communities: a.ipv6_extended_communities.as_deref().map(|l| {
                l.iter()
                    .map(|c| ExtCommunity::new(ext_community::describe_v6(c), c))
                    .collect()
            }),
            large_communities: a
                .large_communities
                .as_deref()
                .map(|l| Each(l, |&c| Shown(LargeCommunity(c)))),
            local_pref: a.local_pref,
            med: a.med,
            mp_reach: a.mp_reach.as_ref().map(MpReachJson::new),
            mp_unreach: a.mp_unreach.as_ref().map(MpUnreachJson::new),
            next_hop: a.next_hop,
            origin: a.origin.map(codes::origin_name),
            originator_id: a.originator_id,
            otc: a.otc,
            other: (!a.other.is_empty()).then(|| Each(&a.other[..], OtherJson::new)),
            pmsi_tunnel: a.pmsi_tunnel.as_ref().map(PmsiJson::new),
            prefix_sid: a.prefix_sid.map(PrefixSidJson),
        }
    }
}

/// An AS path as text: sequences space-separated, sets in braces, confederation sequences in
/// parentheses, confederation sets in brackets.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AsPathText<'a>(pub(crate) &'a [Segment]);

impl fmt::Display for AsPathText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            let (open, separator, close) = match s.seg_type {
                as_path::AS_SET => ("{", ",", "}"),
                as_path::AS_CONFED_SEQUENCE => ("(", " ", ")"),
                as_path::AS_CONFED_SET => ("[", ",", "]"),
                _ => ("", " ", ""),
            };
            f.write_str(open)?;
            for (j, asn) in s.asns.iter().enumerate() {
                if j > 0 {
                    f.write_str(separator)?;
                }
                write!(f, "{asn}")?;
            }
            f.write_str(close)?;
        }
        Ok(())
    }
}

/// One AS path segment.
#[derive(Serialize)]
pub(crate) struct SegmentJson<'a> {
    asns: &'a [u32],
    #[serde(rename = "type")]
    segment_type: &'static str,
}

impl<'a> SegmentJson<'a> {
    fn new(s: &'a Segment) -> Self {
        SegmentJson {
            asns: &s.asns,
            segment_type: codes::as_path_segment_name(s.seg_type),
        }
    }
}

/// The aggregator.
#[derive(Serialize)]
pub(crate) struct Aggregator {
    address: Ipv4Addr,
    asn: u32,
}

/// A community as text: a well-known name or `asn:value`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Community(pub(crate) u32);

impl fmt::Display for Community {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match codes::well_known_community(self.0) {
            Some(name) => f.write_str(name),
            None => write!(f, "{}:{}", self.0 >> 16, self.0 & 0xffff),
        }
    }
}

/// A large community as text: `a:b:c`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LargeCommunity(pub(crate) (u32, u32, u32));

impl fmt::Display for LargeCommunity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (a, b, c) = self.0;
        write!(f, "{a}:{b}:{c}")
    }
}

/// One extended community (8 or 20 octets): the named form with its raw octets, or only the
/// raw octets.
#[derive(Serialize)]
pub(crate) struct ExtCommunity<'a> {
    raw: HexText<'a>,
    /// The text form (`rt:65000:100`), when the community is named.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) text: Option<String>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    kind: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<String>,
}

impl<'a> ExtCommunity<'a> {
    fn new(d: Option<Described>, raw: &'a [u8]) -> Self {
        match d {
            Some(d) => ExtCommunity {
                raw: hex(raw),
                text: Some(d.text),
                kind: Some(d.kind),
                value: Some(d.value),
            },
            None => ExtCommunity {
                raw: hex(raw),
                text: None,
                kind: None,
                value: None,
            },
        }
    }
}

/// MP_REACH_NLRI: the family and the next hops.
#[derive(Serialize)]
pub(crate) struct MpReachJson {
    afi: u16,
    family: Shown<Family>,
    next_hop: Vec<String>,
    safi: u8,
}

impl MpReachJson {
    fn new(mp: &MpReach<'_>) -> Self {
        MpReachJson {
            afi: mp.family.afi.0,
            family: family(mp.family),
            next_hop: attr::next_hop_texts(mp.next_hop),
            safi: mp.family.safi.0,
        }
    }
}

/// MP_UNREACH_NLRI: the family.
#[derive(Serialize)]
pub(crate) struct MpUnreachJson {
    afi: u16,
    family: Shown<Family>,
    safi: u8,
}

impl MpUnreachJson {
    fn new(mp: &MpUnreach<'_>) -> Self {
        MpUnreachJson {
            afi: mp.family.afi.0,
            family: family(mp.family),
            safi: mp.family.safi.0,
        }
    }
}

/// AIGP: the metric, and any other TLVs raw.
pub(crate) struct AigpJson<'a>(&'a Aigp<'a>);

impl Serialize for AigpJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Fields<'a> {
            #[serde(skip_serializing_if = "Option::is_none")]
            metric: Option<u64>,
            #[serde(skip_serializing_if = "Option::is_none")]
            tlvs: Option<AigpOtherTlvs<'a>>,
        }
        let others = self.0.tlvs().any(|(t, _)| t != attr::AIGP_TLV_METRIC);
        Fields {
            metric: self.0.metric(),
            tlvs: others.then_some(AigpOtherTlvs(self.0)),
        }
        .serialize(s)
    }
}

struct AigpOtherTlvs<'a>(&'a Aigp<'a>);

impl Serialize for AigpOtherTlvs<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(
            self.0
                .tlvs()
                .filter(|(t, _)| *t != attr::AIGP_TLV_METRIC)
                .map(|(t, v)| RawTlv {
                    raw: hex(v),
                    tlv_type: t,
                }),
        )
    }
}

/// A TLV kept raw (AIGP, Prefix-SID at any level).
#[derive(Serialize)]
struct RawTlv<'a> {
    raw: HexText<'a>,
    #[serde(rename = "type")]
    tlv_type: u8,
}

/// PMSI_TUNNEL.
#[derive(Serialize)]
pub(crate) struct PmsiJson {
    flags: u8,
    label: u32,
    label_field: u32,
    leaf_info_required: bool,
    tunnel_id: String,
    tunnel_type: u8,
    tunnel_type_name: &'static str,
}

impl PmsiJson {
    fn new(t: &PmsiTunnel<'_>) -> Self {
        PmsiJson {
            flags: t.flags,
            label: t.label(),
            label_field: t.label_field,
            leaf_info_required: t.leaf_info_required(),
            tunnel_id: t.tunnel_id_text(),
            tunnel_type: t.tunnel_type,
            tunnel_type_name: pmsi::tunnel_type_name(t.tunnel_type),
        }
    }
}

/// An attribute kept raw.
#[derive(Serialize)]
pub(crate) struct OtherJson<'a> {
    code: u8,
    flags: u8,
    name: &'static str,
    raw: HexText<'a>,
}

impl<'a> OtherJson<'a> {
    fn new(a: &'a RawAttr<'a>) -> Self {
        OtherJson {
            code: a.code,
            flags: a.flags,
            name: codes::attribute_name(a.code),
            raw: hex(a.value),
        }
    }
}

/// The Prefix-SID TLVs. The value passed `prefix_sid::check` (in `attr::decode`), so the
/// iterators yield no errors; any that did would be skipped.
pub(crate) struct PrefixSidJson<'a>(&'a [u8]);

impl PrefixSidJson<'_> {
    /// Whether the attribute holds no TLV.
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for PrefixSidJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(
            prefix_sid::tlvs(self.0)
                .filter_map(Result::ok)
                .map(PrefixSidTlv::new),
        )
    }
}

#[derive(Serialize)]
#[serde(untagged)]
enum PrefixSidTlv<'a> {
    LabelIndex {
        flags: u16,
        label_index: u32,
        name: &'static str,
        #[serde(rename = "type")]
        tlv_type: u8,
    },
    OriginatorSrgb {
        flags: u16,
        name: &'static str,
        ranges: SrgbRanges<'a>,
        #[serde(rename = "type")]
        tlv_type: u8,
    },
    Srv6Service {
        name: &'static str,
        sub_tlvs: ServiceSubTlvs<'a>,
        #[serde(rename = "type")]
        tlv_type: u8,
    },
    Raw(RawTlv<'a>),
}

impl<'a> PrefixSidTlv<'a> {
    fn new(t: Tlv<'a>) -> Self {
        match t {
            Tlv::LabelIndex { flags, label_index } => PrefixSidTlv::LabelIndex {
                flags,
                label_index,
                name: "label_index",
                tlv_type: prefix_sid::LABEL_INDEX,
            },
            Tlv::OriginatorSrgb { flags, ranges } => PrefixSidTlv::OriginatorSrgb {
                flags,
                name: "originator_srgb",
                ranges: SrgbRanges(ranges),
                tlv_type: prefix_sid::ORIGINATOR_SRGB,
            },
            Tlv::Srv6Service { tlv_type, sub_tlvs } => PrefixSidTlv::Srv6Service {
                name: if tlv_type == prefix_sid::SRV6_L3_SERVICE {
                    "srv6_l3_service"
                } else {
                    "srv6_l2_service"
                },
                sub_tlvs: ServiceSubTlvs(sub_tlvs),
                tlv_type,
            },
            Tlv::Unknown { tlv_type, value } => PrefixSidTlv::Raw(RawTlv {
                raw: hex(value),
                tlv_type,
            }),
        }
    }
}

struct SrgbRanges<'a>(&'a [u8]);

impl Serialize for SrgbRanges<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Range {
            base: u32,
            range: u32,
        }
        s.collect_seq(prefix_sid::srgb_ranges(self.0).map(|(base, range)| Range { base, range }))
    }
}

struct ServiceSubTlvs<'a>(&'a [u8]);

impl Serialize for ServiceSubTlvs<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(
            prefix_sid::service_sub_tlvs(self.0)
                .filter_map(Result::ok)
                .map(ServiceSubTlvJson::new),
        )
    }
}

#[derive(Serialize)]
#[serde(untagged)]
enum ServiceSubTlvJson<'a> {
    SidInformation {
        endpoint_behavior: u16,
        endpoint_behavior_name: Option<&'static str>,
        flags: u8,
        name: &'static str,
        sid: Ipv6Addr,
        sub_sub_tlvs: SubSubTlvs<'a>,
        #[serde(rename = "type")]
        tlv_type: u8,
    },
    Raw(RawTlv<'a>),
}

impl<'a> ServiceSubTlvJson<'a> {
    fn new(t: ServiceSubTlv<'a>) -> Self {
        match t {
            ServiceSubTlv::SidInformation {
                sid,
                flags,
                endpoint_behavior,
                sub_sub_tlvs,
            } => ServiceSubTlvJson::SidInformation {
                endpoint_behavior,
                endpoint_behavior_name: prefix_sid::endpoint_behavior_name(endpoint_behavior),
                flags,
                name: "srv6_sid_information",
                sid,
                sub_sub_tlvs: SubSubTlvs(sub_sub_tlvs),
                tlv_type: prefix_sid::SRV6_SID_INFORMATION,
            },
            ServiceSubTlv::Unknown { sub_type, value } => ServiceSubTlvJson::Raw(RawTlv {
                raw: hex(value),
                tlv_type: sub_type,
            }),
        }
    }
}

struct SubSubTlvs<'a>(&'a [u8]);

impl Serialize for SubSubTlvs<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(
            prefix_sid::service_data_sub_sub_tlvs(self.0)
                .filter_map(Result::ok)
                .map(SubSubTlvJson::new),
        )
    }
}

#[derive(Serialize)]
#[serde(untagged)]
enum SubSubTlvJson<'a> {
    SidStructure {
        argument_len: u8,
        function_len: u8,
        locator_block_len: u8,
        locator_node_len: u8,
        name: &'static str,
        transposition_len: u8,
        transposition_offset: u8,
        #[serde(rename = "type")]
        tlv_type: u8,
    },
    Raw(RawTlv<'a>),
}

impl<'a> SubSubTlvJson<'a> {
    fn new(t: ServiceDataSubSubTlv<'a>) -> Self {
        match t {
            ServiceDataSubSubTlv::SidStructure {
                locator_block_len,
                locator_node_len,
                function_len,
                argument_len,
                transposition_len,
                transposition_offset,
            } => SubSubTlvJson::SidStructure {
                argument_len,
                function_len,
                locator_block_len,
                locator_node_len,
                name: "srv6_sid_structure",
                transposition_len,
                transposition_offset,
                tlv_type: prefix_sid::SRV6_SID_STRUCTURE,
            },
            ServiceDataSubSubTlv::Unknown { sub_type, value } => SubSubTlvJson::Raw(RawTlv {
                raw: hex(value),
                tlv_type: sub_type,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::bgp::as_path::AS_SEQUENCE;

    fn seq(asns: &[u32]) -> Vec<Segment> {
        vec![Segment {
            seg_type: AS_SEQUENCE,
            asns: asns.to_vec(),
        }]
    }

    /// Every attribute, with values that reach every kind of object inside.
    fn every_attribute() -> Attributes<'static> {
        const AIGP: &[u8] = &[1, 0, 11, 0, 0, 0, 0, 0, 0, 0, 5, 2, 0, 4, 0xaa];
        const PREFIX_SID: &[u8] = &[
            1, 0, 7, 0, 0, 0, 0, 0, 0, 100, // label index
            3, 0, 8, 0, 0, 0, 0, 16, 0, 0, 100, // originator SRGB
            5, 0, 34, 0, // SRv6 L3 service, then one SID information sub-TLV:
            1, 0, 30, 0, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 19, 0,
            1, 0, 6, 32, 16, 16, 0, 0, 0, // SID structure
            9, 0, 1, 0xff, // unknown
        ];
        const V6: &[u8] = &[0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
        let mut ipv6_ext = [0u8; 20];
        ipv6_ext[1] = 2;
        ipv6_ext[2..18].copy_from_slice(V6);
        Attributes {
            four_octet_as: false,
            origin: Some(0),
            as_path_wire: Some(seq(&[65001, attr::AS_TRANS])),
            as4_path: Some(seq(&[65001, 4_200_000_000])),
            next_hop: Some(Ipv4Addr::new(192, 0, 2, 1)),
            med: Some(10),
            local_pref: Some(100),
            atomic_aggregate: true,
            aggregator_wire: Some((attr::AS_TRANS, Ipv4Addr::new(192, 0, 2, 2))),
            as4_aggregator: Some((4_200_000_000, Ipv4Addr::new(192, 0, 2, 2))),
            communities: Some(vec![0xffff_ff01, (65000 << 16) | 1]),
            originator_id: Some(Ipv4Addr::new(192, 0, 2, 3)),
            cluster_list: Some(vec![Ipv4Addr::new(192, 0, 2, 4)]),
            mp_reach: Some(MpReach {
                family: Family::IPV6_UNICAST,
                next_hop: V6,
                nlri: &[],
            }),
            mp_unreach: Some(MpUnreach {
                family: Family::IPV6_UNICAST,
                nlri: &[],
            }),
            large_communities: Some(vec![(65000, 1, 2)]),
            extended_communities: Some(vec![[0, 2, 0xfd, 0xe8, 0, 0, 0, 100], [0xff; 8]]),
            ipv6_extended_communities: Some(vec![ipv6_ext]),
            aigp: Some(Aigp::parse(AIGP).unwrap()),
            otc: Some(65000),
            pmsi_tunnel: Some(PmsiTunnel {
                flags: 1,
                tunnel_type: pmsi::INGRESS_REPLICATION,
                label_field: 0x100,
                tunnel_id: &[192, 0, 2, 5],
            }),
            prefix_sid: Some(PREFIX_SID),
            bgp_ls: Some(&[1, 2]),
            attr_set: Some(&[0, 0, 0xfd, 0xe8]),
            other: vec![RawAttr {
                flags: 0xc0,
                code: 99,
                value: &[1, 2],
            }],
        }
    }

    /// `decode -v` prints these objects as they serialize and has always shown their keys in
    /// alphabetical order: a JSON value keeps object keys sorted, so serializing it again gives
    /// the same text only when every object already was.
    #[test]
    fn every_object_lists_its_keys_in_alphabetical_order() {
        let attrs = every_attribute();
        let path = attrs.as_path();
        let text = serde_json::to_string(&AttributesJson::new(&attrs, path.as_ref())).unwrap();
        let sorted = serde_json::from_str::<serde_json::Value>(&text)
            .unwrap()
            .to_string();
        assert_eq!(text, sorted);
        for reached in [
            "\"as_path_wire\"",
            "\"aggregator\":{\"address\":\"192.0.2.2\",\"asn\":4200000000}",
            "\"text\":\"rt:65000:100\"",
            "\"tlvs\":[{\"raw\":\"aa\",\"type\":2}]",
            "\"label_index\":100",
            "\"ranges\":[{\"base\":16,\"range\":100}]",
            "\"name\":\"srv6_sid_structure\"",
            "{\"raw\":\"ff\",\"type\":9}",
            "\"tunnel_id\":\"192.0.2.5\"",
            "\"other\":[{\"code\":99,",
        ] {
            assert!(text.contains(reached), "{reached} in {text}");
        }
    }
}
