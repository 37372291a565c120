//! The path attributes of one UPDATE, decoded together: what [`super::attr::decode`] makes of
//! each, gathered per attribute type, with the RFC 6793 AS4 attributes applied where they
//! matter (the effective AS path and aggregator). Renderers present this; they decide nothing.

use std::net::Ipv4Addr;

use super::as_path::{self, Effective};
use super::attr::{self, Aigp, AttrValue, MpReach, MpUnreach, RawAttr, Segment};
use super::pmsi::PmsiTunnel;
use super::update::Update;

/// The decodable path attributes of an UPDATE. An attribute that is malformed (RFC 7606) is
/// left out: the stream reports it as a `malformed_attribute` finding with its octets. When
/// an attribute type appears more than once, the last one counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attributes<'a> {
    /// The AS width AS_PATH and AGGREGATOR were decoded with: 4 octets when the session
    /// negotiated it.
    pub four_octet_as: bool,
    /// ORIGIN code.
    pub origin: Option<u8>,
    /// AS_PATH as sent, decoded with the session's AS width ([`Self::as_path`] merges it).
    pub as_path_wire: Option<Vec<Segment>>,
    /// AS4_PATH.
    pub as4_path: Option<Vec<Segment>>,
    /// NEXT_HOP.
    pub next_hop: Option<Ipv4Addr>,
    /// MULTI_EXIT_DISC.
    pub med: Option<u32>,
    /// LOCAL_PREF.
    pub local_pref: Option<u32>,
    /// ATOMIC_AGGREGATE is present.
    pub atomic_aggregate: bool,
    /// AGGREGATOR as sent: (ASN, address) ([`Self::aggregator`] applies AS4_AGGREGATOR).
    pub aggregator_wire: Option<(u32, Ipv4Addr)>,
    /// AS4_AGGREGATOR: (ASN, address).
    pub as4_aggregator: Option<(u32, Ipv4Addr)>,
    /// COMMUNITIES.
    pub communities: Option<Vec<u32>>,
    /// ORIGINATOR_ID.
    pub originator_id: Option<Ipv4Addr>,
    /// CLUSTER_LIST.
    pub cluster_list: Option<Vec<Ipv4Addr>>,
    /// MP_REACH_NLRI.
    pub mp_reach: Option<MpReach<'a>>,
    /// MP_UNREACH_NLRI.
    pub mp_unreach: Option<MpUnreach<'a>>,
    /// LARGE_COMMUNITY: (global administrator, local data 1, local data 2).
    pub large_communities: Option<Vec<(u32, u32, u32)>>,
    /// EXTENDED_COMMUNITIES (named by [`super::ext_community::describe`]).
    pub extended_communities: Option<Vec<[u8; 8]>>,
    /// IPv6 Address Specific Extended Communities (named by
    /// [`super::ext_community::describe_v6`]).
    pub ipv6_extended_communities: Option<Vec<[u8; 20]>>,
    /// AIGP.
    pub aigp: Option<Aigp<'a>>,
    /// OTC: the Only-to-Customer ASN.
    pub otc: Option<u32>,
    /// PMSI_TUNNEL.
    pub pmsi_tunnel: Option<PmsiTunnel<'a>>,
    /// BGP Prefix-SID value, checked; walk it with [`super::prefix_sid::tlvs`].
    pub prefix_sid: Option<&'a [u8]>,
    /// BGP-LS attribute, raw.
    pub bgp_ls: Option<&'a [u8]>,
    /// ATTR_SET, raw.
    pub attr_set: Option<&'a [u8]>,
    /// Every other attribute, in wire order, kept raw.
    pub other: Vec<RawAttr<'a>>,
}

impl<'a> Attributes<'a> {
    /// Decodes the attributes of `update`; `four_octet_as` is the session's AS width. Stops at
    /// a framing error (reported by the stream as a finding).
    pub fn decode(update: &Update<'a>, four_octet_as: bool) -> Self {
        let mut a = Attributes {
            four_octet_as,
            ..Attributes::default()
        };
        for raw in update.attributes().map_while(Result::ok) {
            let Ok(value) = attr::decode(&raw, four_octet_as) else {
                continue; // reported as a finding with its raw octets
            };
            match value {
                AttrValue::Origin(v) => a.origin = Some(v),
                AttrValue::AsPath(s) => a.as_path_wire = Some(s),
                AttrValue::As4Path(s) => a.as4_path = Some(s),
                AttrValue::NextHop(v) => a.next_hop = Some(v),
                AttrValue::Med(v) => a.med = Some(v),
                AttrValue::LocalPref(v) => a.local_pref = Some(v),
                AttrValue::AtomicAggregate => a.atomic_aggregate = true,
                AttrValue::Aggregator { asn, address } => a.aggregator_wire = Some((asn, address)),
                AttrValue::As4Aggregator { asn, address } => {
                    a.as4_aggregator = Some((asn, address));
                }
                AttrValue::Communities(v) => a.communities = Some(v),
                AttrValue::OriginatorId(v) => a.originator_id = Some(v),
                AttrValue::ClusterList(v) => a.cluster_list = Some(v),
                AttrValue::MpReach(v) => a.mp_reach = Some(v),
                AttrValue::MpUnreach(v) => a.mp_unreach = Some(v),
                AttrValue::LargeCommunities(v) => a.large_communities = Some(v),
                AttrValue::ExtendedCommunities(v) => a.extended_communities = Some(v),
                AttrValue::Ipv6ExtendedCommunities(v) => a.ipv6_extended_communities = Some(v),
                AttrValue::Aigp(v) => a.aigp = Some(v),
                AttrValue::Otc(v) => a.otc = Some(v),
                AttrValue::PmsiTunnel(v) => a.pmsi_tunnel = Some(v),
                AttrValue::PrefixSid(v) => a.prefix_sid = Some(v),
                AttrValue::BgpLs(v) => a.bgp_ls = Some(v),
                AttrValue::AttrSet(v) => a.attr_set = Some(v),
                AttrValue::Other(_) => a.other.push(raw),
            }
        }
        a
    }

    /// The AS path the routes really have: AS_PATH, merged with AS4_PATH on a 2-octet session
    /// (RFC 6793 §4.2.3, [`as_path::effective`]); `None` without an AS_PATH.
    pub fn as_path(&self) -> Option<Effective<'_>> {
        let path = self.as_path_wire.as_deref()?;
        Some(as_path::effective(
            path,
            self.as4_path.as_deref(),
            self.four_octet_as,
        ))
    }

    /// The aggregator: AGGREGATOR, or AS4_AGGREGATOR when a 2-octet session sent AS_TRANS in
    /// AGGREGATOR (RFC 6793 §4.2.3; on a 4-octet session AS4_AGGREGATOR is ignored).
    pub fn aggregator(&self) -> Option<(u32, Ipv4Addr)> {
        match (
            self.aggregator_wire,
            self.as4_aggregator,
            self.four_octet_as,
        ) {
            (Some((attr::AS_TRANS, _)), Some(a4), false) => Some(a4),
            (a, _, _) => a,
        }
    }
}
