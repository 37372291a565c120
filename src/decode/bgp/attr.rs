//! Path attributes (RFC 4271 §4.3 and §5, RFC 4760, RFC 6793, RFC 1997, RFC 8092, RFC 4456,
//! RFC 4360, RFC 5701, RFC 6514, RFC 7311, RFC 8669, RFC 9252, RFC 9234).
//! Attribute framing is checked by [`AttrIter`]; each value is decoded by [`decode`], which keeps
//! unknown attributes raw and reports malformed ones (RFC 7606) as a problem, not a failure.
//! [`rfc7606_action`] says what a BGP speaker would do with a malformed attribute.

use crate::decode::family::Family;
use std::net::Ipv4Addr;

use super::pmsi::{self, PmsiTunnel};
use super::prefix_sid;
use crate::decode::{DecodeError, Problem};

/// Attribute flag: optional.
pub const FLAG_OPTIONAL: u8 = 0x80;
/// Attribute flag: transitive.
pub const FLAG_TRANSITIVE: u8 = 0x40;
/// Attribute flag: partial.
pub const FLAG_PARTIAL: u8 = 0x20;
/// Attribute flag: extended (2-octet) length.
pub const FLAG_EXTENDED: u8 = 0x10;

/// ORIGIN.
pub const ORIGIN: u8 = 1;
/// AS_PATH.
pub const AS_PATH: u8 = 2;
/// NEXT_HOP.
pub const NEXT_HOP: u8 = 3;
/// MULTI_EXIT_DISC.
pub const MED: u8 = 4;
/// LOCAL_PREF.
pub const LOCAL_PREF: u8 = 5;
/// ATOMIC_AGGREGATE.
pub const ATOMIC_AGGREGATE: u8 = 6;
/// AGGREGATOR.
pub const AGGREGATOR: u8 = 7;
/// COMMUNITIES.
pub const COMMUNITIES: u8 = 8;
/// ORIGINATOR_ID.
pub const ORIGINATOR_ID: u8 = 9;
/// CLUSTER_LIST.
pub const CLUSTER_LIST: u8 = 10;
/// MP_REACH_NLRI.
pub const MP_REACH: u8 = 14;
/// MP_UNREACH_NLRI.
pub const MP_UNREACH: u8 = 15;
/// EXTENDED_COMMUNITIES.
pub const EXTENDED_COMMUNITIES: u8 = 16;
/// AS4_PATH.
pub const AS4_PATH: u8 = 17;
/// AS4_AGGREGATOR.
pub const AS4_AGGREGATOR: u8 = 18;
/// PMSI_TUNNEL (RFC 6514).
pub const PMSI_TUNNEL: u8 = 22;
/// TUNNEL_ENCAPSULATION (RFC 9012); kept raw.
pub const TUNNEL_ENCAPSULATION: u8 = 23;
/// Traffic Engineering (RFC 5543); kept raw.
pub const TRAFFIC_ENGINEERING: u8 = 24;
/// IPv6 Address Specific Extended Community (RFC 5701).
pub const IPV6_EXTENDED_COMMUNITIES: u8 = 25;
/// AIGP (RFC 7311).
pub const AIGP: u8 = 26;
/// BGP-LS attribute (RFC 9552); kept raw.
pub const BGP_LS: u8 = 29;
/// LARGE_COMMUNITY.
pub const LARGE_COMMUNITIES: u8 = 32;
/// BGPsec_PATH (RFC 8205); kept raw.
pub const BGPSEC_PATH: u8 = 33;
/// Only to Customer (RFC 9234).
pub const OTC: u8 = 35;
/// BGP Prefix-SID (RFC 8669, RFC 9252).
pub const PREFIX_SID: u8 = 40;
/// ATTR_SET (RFC 6368); kept raw.
pub const ATTR_SET: u8 = 128;

/// AS_TRANS (RFC 6793).
pub const AS_TRANS: u32 = 23456;

/// One attribute as framed on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawAttr<'a> {
    /// Flags octet.
    pub flags: u8,
    /// Type code.
    pub code: u8,
    /// Value.
    pub value: &'a [u8],
}

/// Iterates over the attributes of a path attribute field; fuses after a framing error.
#[derive(Debug, Clone)]
pub struct AttrIter<'a> {
    rest: &'a [u8],
    done: bool,
}

impl<'a> AttrIter<'a> {
    /// Iterates over `field`.
    pub fn new(field: &'a [u8]) -> Self {
        AttrIter {
            rest: field,
            done: false,
        }
    }
}

impl<'a> Iterator for AttrIter<'a> {
    type Item = Result<RawAttr<'a>, DecodeError<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done || self.rest.is_empty() {
            return None;
        }
        let input = self.rest;
        let hdr = if input.first().is_some_and(|f| f & FLAG_EXTENDED != 0) {
            4
        } else {
            3
        };
        if input.len() < hdr {
            self.done = true;
            return Some(Err(DecodeError::new(
                input,
                Problem::Truncated {
                    what: "path attribute header",
                    needed: hdr,
                    available: input.len(),
                },
            )));
        }
        let len = if hdr == 4 {
            u16::from_be_bytes([input[2], input[3]]) as usize
        } else {
            input[2] as usize
        };
        let Some(value) = input.get(hdr..hdr + len) else {
            self.done = true;
            return Some(Err(DecodeError::new(
                input,
                Problem::Truncated {
                    what: "path attribute value",
                    needed: len,
                    available: input.len() - hdr,
                },
            )));
        };
        self.rest = &input[hdr + len..];
        Some(Ok(RawAttr {
            flags: input[0],
            code: input[1],
            value,
        }))
    }
}

/// One AS_PATH segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// Segment type (1 AS_SET, 2 AS_SEQUENCE, 3 AS_CONFED_SEQUENCE, 4 AS_CONFED_SET).
    pub seg_type: u8,
    /// ASNs.
    pub asns: Vec<u32>,
}

/// MP_REACH_NLRI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MpReach<'a> {
    /// The family of the NLRI.
    pub family: Family,
    /// Next hop octets.
    pub next_hop: &'a [u8],
    /// NLRI field.
    pub nlri: &'a [u8],
}

/// MP_UNREACH_NLRI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MpUnreach<'a> {
    /// The family of the NLRI.
    pub family: Family,
    /// Withdrawn NLRI field.
    pub nlri: &'a [u8],
}

/// A decoded attribute value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttrValue<'a> {
    /// ORIGIN.
    Origin(u8),
    /// AS_PATH, decoded with the session's AS width.
    AsPath(Vec<Segment>),
    /// NEXT_HOP.
    NextHop(Ipv4Addr),
    /// MULTI_EXIT_DISC.
    Med(u32),
    /// LOCAL_PREF.
    LocalPref(u32),
    /// ATOMIC_AGGREGATE.
    AtomicAggregate,
    /// AGGREGATOR.
    Aggregator {
        /// ASN.
        asn: u32,
        /// Address.
        address: Ipv4Addr,
    },
    /// COMMUNITIES.
    Communities(Vec<u32>),
    /// ORIGINATOR_ID.
    OriginatorId(Ipv4Addr),
    /// CLUSTER_LIST.
    ClusterList(Vec<Ipv4Addr>),
    /// MP_REACH_NLRI.
    MpReach(MpReach<'a>),
    /// MP_UNREACH_NLRI.
    MpUnreach(MpUnreach<'a>),
    /// AS4_PATH.
    As4Path(Vec<Segment>),
    /// AS4_AGGREGATOR.
    As4Aggregator {
        /// ASN.
        asn: u32,
        /// Address.
        address: Ipv4Addr,
    },
    /// LARGE_COMMUNITY.
    LargeCommunities(Vec<(u32, u32, u32)>),
    /// EXTENDED_COMMUNITIES: 8-octet values, kept as octets (named by
    /// [`super::ext_community::describe`]).
    ExtendedCommunities(Vec<[u8; 8]>),
    /// IPv6 Address Specific Extended Communities: 20-octet values (named by
    /// [`super::ext_community::describe_v6`]).
    Ipv6ExtendedCommunities(Vec<[u8; 20]>),
    /// AIGP: its TLVs, checked.
    Aigp(Aigp<'a>),
    /// OTC: the ASN.
    Otc(u32),
    /// PMSI_TUNNEL.
    PmsiTunnel(PmsiTunnel<'a>),
    /// BGP Prefix-SID: the value, checked at every level; walk it with
    /// [`prefix_sid::tlvs`].
    PrefixSid(&'a [u8]),
    /// BGP-LS attribute, raw.
    BgpLs(&'a [u8]),
    /// ATTR_SET, raw: origin AS (4 octets) and path attributes that frame.
    AttrSet(&'a [u8]),
    /// Any other attribute, kept raw.
    Other(&'a [u8]),
}

/// AIGP TLV type 1: the accumulated IGP metric.
pub const AIGP_TLV_METRIC: u8 = 1;

/// An AIGP value (RFC 7311 §3): TLVs of type (1 octet) and length (2 octets, counting the
/// 3-octet header); type 1 is the AIGP metric (8 octets, so length 11).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Aigp<'a> {
    value: &'a [u8],
}

impl<'a> Aigp<'a> {
    /// Checks the TLVs of an AIGP value.
    pub fn parse(value: &'a [u8]) -> Result<Self, Problem> {
        let mut rest = value;
        while !rest.is_empty() {
            if rest.len() < 3 {
                return Err(Problem::Truncated {
                    what: "AIGP TLV header",
                    needed: 3,
                    available: rest.len(),
                });
            }
            let len = u16::from_be_bytes([rest[1], rest[2]]) as usize;
            if len < 3 || len > rest.len() || (rest[0] == AIGP_TLV_METRIC && len != 11) {
                return Err(bad_len("AIGP TLV length", len));
            }
            rest = &rest[len..];
        }
        Ok(Aigp { value })
    }

    /// The TLVs as (type, value).
    pub fn tlvs(&self) -> impl Iterator<Item = (u8, &'a [u8])> {
        let mut rest = self.value;
        std::iter::from_fn(move || {
            if rest.len() < 3 {
                return None;
            }
            let len = u16::from_be_bytes([rest[1], rest[2]]) as usize;
            let item = (rest[0], rest.get(3..len)?);
            rest = &rest[len..];
            Some(item)
        })
    }

    /// The AIGP metric (first type 1 TLV).
    pub fn metric(&self) -> Option<u64> {
        self.tlvs()
            .find(|(t, _)| *t == AIGP_TLV_METRIC)
            .map(|(_, v)| {
                let mut a = [0u8; 8];
                a.copy_from_slice(v);
                u64::from_be_bytes(a)
            })
    }
}

/// What RFC 7606 has a BGP speaker do with an UPDATE carrying a malformed attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rfc7606Action {
    /// The routes of the UPDATE are treated as withdrawn (RFC 7606 §2).
    TreatAsWithdraw,
    /// The attribute is discarded and the UPDATE otherwise processed (RFC 7606 §2).
    AttributeDiscard,
    /// Only a session reset (or AFI/SAFI disable) would do (RFC 7606 §2, §5.3).
    SessionReset,
}

impl Rfc7606Action {
    /// The action's name as the findings print it.
    pub fn name(self) -> &'static str {
        match self {
            Rfc7606Action::TreatAsWithdraw => "treat-as-withdraw",
            Rfc7606Action::AttributeDiscard => "attribute-discard",
            Rfc7606Action::SessionReset => "session-reset would be needed",
        }
    }
}

/// The RFC 7606 action for a malformed attribute of type `code`:
///
/// - treat-as-withdraw: ORIGIN (§7.1), AS_PATH (§7.2), NEXT_HOP (§7.3), MULTI_EXIT_DISC (§7.4),
///   LOCAL_PREF (§7.5; that is the iBGP case, from an eBGP peer the attribute would just be
///   discarded, which the attribute type alone cannot tell), COMMUNITIES (§7.8),
///   ORIGINATOR_ID (§7.9), CLUSTER_LIST (§7.10), and, also in §7, the Traffic Engineering
///   attribute (RFC 5543), EXTENDED_COMMUNITIES, IPv6 address specific extended communities
///   and ATTR_SET; LARGE_COMMUNITY (RFC 8092 §6), OTC (RFC 9234 §5), and the attributes
///   with no error handling of their own that affect forwarding (RFC 7606 §2 forbids attribute
///   discard for those): PMSI_TUNNEL, TUNNEL_ENCAPSULATION, BGPsec_PATH.
/// - attribute discard: ATOMIC_AGGREGATE (§7.6), AGGREGATOR (§7.7), AS4_PATH and
///   AS4_AGGREGATOR (RFC 6793 §6), AIGP (RFC 7311 §3.1), BGP-LS (RFC 9552 §8.2.2), Prefix-SID
///   (RFC 8669 §6), and any attribute type this decoder does not know.
/// - session reset: MP_REACH_NLRI and MP_UNREACH_NLRI. RFC 7606 §7.11 and §5.3 allow
///   treat-as-withdraw when the NLRI can still be located and the AFI/SAFI determined; a
///   length problem in these attributes usually means they cannot, so this keeps it simple
///   and reports the worst case.
pub fn rfc7606_action(code: u8) -> Rfc7606Action {
    use Rfc7606Action::*;
    match code {
        ORIGIN
        | AS_PATH
        | NEXT_HOP
        | MED
        | LOCAL_PREF
        | COMMUNITIES
        | ORIGINATOR_ID
        | CLUSTER_LIST
        | EXTENDED_COMMUNITIES
        | IPV6_EXTENDED_COMMUNITIES
        | LARGE_COMMUNITIES
        | OTC
        | PMSI_TUNNEL
        | TUNNEL_ENCAPSULATION
        | TRAFFIC_ENGINEERING
        | BGPSEC_PATH
        | ATTR_SET => TreatAsWithdraw,
        MP_REACH | MP_UNREACH => SessionReset,
        _ => AttributeDiscard,
    }
}

fn be32(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

fn addr4(b: &[u8]) -> Ipv4Addr {
    Ipv4Addr::new(b[0], b[1], b[2], b[3])
}

fn bad_len(what: &'static str, len: usize) -> Problem {
    Problem::Invalid {
        what,
        value: len as u64,
    }
}

/// Checks that an AS_PATH value parses exactly with the given ASN width, without allocating.
pub fn as_path_fits(mut value: &[u8], four_octet: bool) -> bool {
    let width = if four_octet { 4 } else { 2 };
    while !value.is_empty() {
        if value.len() < 2 || !(1..=4).contains(&value[0]) || value[1] == 0 {
            return false;
        }
        let n = value[1] as usize * width;
        if value.len() < 2 + n {
            return false;
        }
        value = &value[2 + n..];
    }
    true
}

/// Parses AS_PATH segments with the given ASN width; `None` if they do not fill the value exactly.
pub fn parse_as_path(value: &[u8], four_octet: bool) -> Option<Vec<Segment>> {
    if !as_path_fits(value, four_octet) {
        return None;
    }
    let width = if four_octet { 4 } else { 2 };
    let mut out = Vec::new();
    let mut rest = value;
    while !rest.is_empty() {
        let seg_type = rest[0];
        let n = rest[1] as usize;
        let asns = rest[2..2 + n * width]
            .chunks_exact(width)
            .map(|c| {
                if four_octet {
                    be32(c)
                } else {
                    u16::from_be_bytes([c[0], c[1]]) as u32
                }
            })
            .collect();
        out.push(Segment { seg_type, asns });
        rest = &rest[2 + n * width..];
    }
    Some(out)
}

/// Decodes an attribute value. `four_octet` is the AS width of AS_PATH and AGGREGATOR.
pub fn decode<'a>(attr: &RawAttr<'a>, four_octet: bool) -> Result<AttrValue<'a>, Problem> {
    let v = attr.value;
    let len = v.len();
    Ok(match attr.code {
        ORIGIN if len == 1 => AttrValue::Origin(v[0]),
        ORIGIN => return Err(bad_len("ORIGIN length", len)),
        AS_PATH => AttrValue::AsPath(parse_as_path(v, four_octet).ok_or(Problem::Invalid {
            what: "AS_PATH segments",
            value: len as u64,
        })?),
        NEXT_HOP if len == 4 => AttrValue::NextHop(addr4(v)),
        NEXT_HOP => return Err(bad_len("NEXT_HOP length", len)),
        MED if len == 4 => AttrValue::Med(be32(v)),
        MED => return Err(bad_len("MULTI_EXIT_DISC length", len)),
        LOCAL_PREF if len == 4 => AttrValue::LocalPref(be32(v)),
        LOCAL_PREF => return Err(bad_len("LOCAL_PREF length", len)),
        ATOMIC_AGGREGATE if len == 0 => AttrValue::AtomicAggregate,
        ATOMIC_AGGREGATE => return Err(bad_len("ATOMIC_AGGREGATE length", len)),
        AGGREGATOR => match len {
            // The length says the width: 6 is 2-octet, 8 is 4-octet, whatever the session said.
            6 => AttrValue::Aggregator {
                asn: u16::from_be_bytes([v[0], v[1]]) as u32,
                address: addr4(&v[2..]),
            },
            8 => AttrValue::Aggregator {
                asn: be32(v),
                address: addr4(&v[4..]),
            },
            _ => return Err(bad_len("AGGREGATOR length", len)),
        },
        COMMUNITIES if len % 4 == 0 => {
            AttrValue::Communities(v.chunks_exact(4).map(be32).collect())
        }
        COMMUNITIES => return Err(bad_len("COMMUNITIES length", len)),
        ORIGINATOR_ID if len == 4 => AttrValue::OriginatorId(addr4(v)),
        ORIGINATOR_ID => return Err(bad_len("ORIGINATOR_ID length", len)),
        CLUSTER_LIST if len % 4 == 0 => {
            AttrValue::ClusterList(v.chunks_exact(4).map(addr4).collect())
        }
        CLUSTER_LIST => return Err(bad_len("CLUSTER_LIST length", len)),
        MP_REACH => AttrValue::MpReach(parse_mp_reach(v)?),
        MP_UNREACH => AttrValue::MpUnreach(parse_mp_unreach(v)?),
        EXTENDED_COMMUNITIES if len % 8 == 0 => AttrValue::ExtendedCommunities(
            v.chunks_exact(8)
                .map(|c| {
                    let mut a = [0u8; 8];
                    a.copy_from_slice(c);
                    a
                })
                .collect(),
        ),
        EXTENDED_COMMUNITIES => return Err(bad_len("EXTENDED_COMMUNITIES length", len)),
        AS4_PATH => AttrValue::As4Path(parse_as_path(v, true).ok_or(Problem::Invalid {
            what: "AS4_PATH segments",
            value: len as u64,
        })?),
        AS4_AGGREGATOR if len == 8 => AttrValue::As4Aggregator {
            asn: be32(v),
            address: addr4(&v[4..]),
        },
        AS4_AGGREGATOR => return Err(bad_len("AS4_AGGREGATOR length", len)),
        LARGE_COMMUNITIES if len % 12 == 0 => AttrValue::LargeCommunities(
            v.chunks_exact(12)
                .map(|c| (be32(c), be32(&c[4..]), be32(&c[8..])))
                .collect(),
        ),
        LARGE_COMMUNITIES => return Err(bad_len("LARGE_COMMUNITY length", len)),
        IPV6_EXTENDED_COMMUNITIES if len % 20 == 0 => AttrValue::Ipv6ExtendedCommunities(
            v.chunks_exact(20)
                .map(|c| {
                    let mut a = [0u8; 20];
                    a.copy_from_slice(c);
                    a
                })
                .collect(),
        ),
        IPV6_EXTENDED_COMMUNITIES => {
            return Err(bad_len(
                "IPv6 address specific extended communities length",
                len,
            ));
        }
        AIGP => AttrValue::Aigp(Aigp::parse(v)?),
        OTC if len == 4 => AttrValue::Otc(be32(v)),
        OTC => return Err(bad_len("OTC length", len)),
        PMSI_TUNNEL => AttrValue::PmsiTunnel(pmsi::parse(v)?),
        PREFIX_SID => {
            prefix_sid::check(v)?;
            AttrValue::PrefixSid(v)
        }
        BGP_LS => AttrValue::BgpLs(v),
        ATTR_SET => {
            if len < 4 {
                return Err(bad_len("ATTR_SET length", len));
            }
            if let Some(Err(e)) = AttrIter::new(&v[4..]).find(Result::is_err) {
                return Err(e.problem);
            }
            AttrValue::AttrSet(v)
        }
        _ => AttrValue::Other(v),
    })
}

/// Checks an attribute value the way [`decode`] would, without building the value (no
/// allocation): the check on the counting path.
pub fn check(attr: &RawAttr<'_>, four_octet: bool) -> Result<(), Problem> {
    let len = attr.value.len();
    let multiple = |unit: usize, what: &'static str| {
        if len % unit == 0 {
            Ok(())
        } else {
            Err(bad_len(what, len))
        }
    };
    match attr.code {
        AS_PATH | AS4_PATH => {
            let four = four_octet || attr.code == AS4_PATH;
            if as_path_fits(attr.value, four) {
                Ok(())
            } else {
                Err(Problem::Invalid {
                    what: if attr.code == AS_PATH {
                        "AS_PATH segments"
                    } else {
                        "AS4_PATH segments"
                    },
                    value: len as u64,
                })
            }
        }
        COMMUNITIES => multiple(4, "COMMUNITIES length"),
        CLUSTER_LIST => multiple(4, "CLUSTER_LIST length"),
        EXTENDED_COMMUNITIES => multiple(8, "EXTENDED_COMMUNITIES length"),
        LARGE_COMMUNITIES => multiple(12, "LARGE_COMMUNITY length"),
        IPV6_EXTENDED_COMMUNITIES => {
            multiple(20, "IPv6 address specific extended communities length")
        }
        // The remaining decoders build nothing on the heap.
        _ => decode(attr, four_octet).map(|_| ()),
    }
}

/// Parses an MP_REACH_NLRI value.
pub fn parse_mp_reach(v: &[u8]) -> Result<MpReach<'_>, Problem> {
    if v.len() < 5 {
        return Err(bad_len("MP_REACH_NLRI length", v.len()));
    }
    let family = Family::new(u16::from_be_bytes([v[0], v[1]]), v[2]);
    let nh_len = v[3] as usize;
    let Some(next_hop) = v.get(4..4 + nh_len) else {
        return Err(Problem::Invalid {
            what: "MP_REACH_NLRI next hop length",
            value: nh_len as u64,
        });
    };
    // One reserved octet (formerly the SNPA count) follows the next hop.
    let Some(nlri) = v.get(5 + nh_len..) else {
        return Err(bad_len("MP_REACH_NLRI length", v.len()));
    };
    Ok(MpReach {
        family,
        next_hop,
        nlri,
    })
}

/// Parses an MP_UNREACH_NLRI value.
pub fn parse_mp_unreach(v: &[u8]) -> Result<MpUnreach<'_>, Problem> {
    if v.len() < 3 {
        return Err(bad_len("MP_UNREACH_NLRI length", v.len()));
    }
    Ok(MpUnreach {
        family: Family::new(u16::from_be_bytes([v[0], v[1]]), v[2]),
        nlri: &v[3..],
    })
}

/// The next-hop addresses of an MP_REACH_NLRI as text (IPv4, IPv6 global and link-local, the
/// VPN forms with a zero route distinguisher, RFC 8950 IPv6 next hops for IPv4 NLRI), or hex.
pub fn next_hop_texts(next_hop: &[u8]) -> Vec<String> {
    let v6 = |b: &[u8]| {
        let mut a = [0u8; 16];
        a.copy_from_slice(b);
        std::net::Ipv6Addr::from(a).to_string()
    };
    match next_hop.len() {
        4 => vec![addr4(next_hop).to_string()],
        12 => vec![addr4(&next_hop[8..]).to_string()],
        16 => vec![v6(next_hop)],
        24 => vec![v6(&next_hop[8..])],
        32 => vec![v6(&next_hop[..16]), v6(&next_hop[16..])],
        48 => vec![v6(&next_hop[8..24]), v6(&next_hop[32..])],
        _ => vec![crate::decode::hex(next_hop)],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seq(asns: &[u32]) -> Segment {
        Segment {
            seg_type: crate::decode::bgp::as_path::AS_SEQUENCE,
            asns: asns.to_vec(),
        }
    }

    #[test]
    fn as_path_width_check() {
        // One AS_SEQUENCE of two 2-octet ASNs: 6 octets. As 4-octet it would need 10.
        let v = [2, 2, 0, 100, 0, 200];
        assert!(as_path_fits(&v, false));
        assert!(!as_path_fits(&v, true));
        assert_eq!(parse_as_path(&v, false).unwrap(), [seq(&[100, 200])]);
    }

    #[test]
    fn attribute_framing_error_fuses() {
        let field = [0x40, 1, 5, 0];
        let mut it = AttrIter::new(&field);
        assert!(it.next().unwrap().is_err());
        assert!(it.next().is_none());
    }
}
