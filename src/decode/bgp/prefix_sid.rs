//! BGP Prefix-SID attribute (type 40): RFC 8669 (SR-MPLS) and RFC 9252 (SRv6 services).
//!
//! The attribute is a list of TLVs (type 1 octet, length 2 octets):
//! - 1 Label-Index: reserved (1), flags (2), label index (4); length 7.
//! - 3 Originator SRGB: flags (2), then ranges of base (3) and range size (3).
//! - 5 SRv6 L3 Service and 6 SRv6 L2 Service: reserved (1), then SRv6 service sub-TLVs
//!   (type 1, length 2). Sub-TLV 1 is SRv6 SID Information: reserved (1), SID (16), flags (1),
//!   endpoint behavior (2), reserved (1), then sub-sub-TLVs (type 1, length 2); sub-sub-TLV 1
//!   is the SID Structure (length 6): locator block, locator node, function, argument lengths,
//!   transposition length and offset.
//!
//! Everything here borrows: [`check`] walks all three levels without allocating, and the
//! iterators yield the decoded pieces of a value that passed it. Unknown TLVs at any level are
//! kept raw.

use std::net::Ipv6Addr;

use crate::decode::Problem;

/// TLV type: Label-Index.
pub const LABEL_INDEX: u8 = 1;
/// TLV type: Originator SRGB.
pub const ORIGINATOR_SRGB: u8 = 3;
/// TLV type: SRv6 L3 Service.
pub const SRV6_L3_SERVICE: u8 = 5;
/// TLV type: SRv6 L2 Service.
pub const SRV6_L2_SERVICE: u8 = 6;
/// SRv6 Service sub-TLV type: SRv6 SID Information.
pub const SRV6_SID_INFORMATION: u8 = 1;
/// SRv6 Service Data sub-sub-TLV type: SRv6 SID Structure.
pub const SRV6_SID_STRUCTURE: u8 = 1;

/// One TLV of the attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tlv<'a> {
    /// Label-Index TLV.
    LabelIndex {
        /// Flags.
        flags: u16,
        /// Label index.
        label_index: u32,
    },
    /// Originator SRGB TLV.
    OriginatorSrgb {
        /// Flags.
        flags: u16,
        /// The ranges, 6 octets each; see [`srgb_ranges`].
        ranges: &'a [u8],
    },
    /// SRv6 L3 (type 5) or L2 (type 6) Service TLV.
    Srv6Service {
        /// TLV type, 5 or 6.
        tlv_type: u8,
        /// The service sub-TLVs; see [`service_sub_tlvs`].
        sub_tlvs: &'a [u8],
    },
    /// Any other TLV, raw.
    Unknown {
        /// TLV type.
        tlv_type: u8,
        /// Value.
        value: &'a [u8],
    },
}

/// One SRv6 service sub-TLV.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceSubTlv<'a> {
    /// SRv6 SID Information sub-TLV.
    SidInformation {
        /// The SID.
        sid: Ipv6Addr,
        /// SID flags.
        flags: u8,
        /// Endpoint behavior (RFC 8986 registry).
        endpoint_behavior: u16,
        /// The service data sub-sub-TLVs; see [`service_data_sub_sub_tlvs`].
        sub_sub_tlvs: &'a [u8],
    },
    /// Any other sub-TLV, raw.
    Unknown {
        /// Sub-TLV type.
        sub_type: u8,
        /// Value.
        value: &'a [u8],
    },
}

/// One SRv6 service data sub-sub-TLV.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceDataSubSubTlv<'a> {
    /// SRv6 SID Structure.
    SidStructure {
        /// Locator block length (bits).
        locator_block_len: u8,
        /// Locator node length (bits).
        locator_node_len: u8,
        /// Function length (bits).
        function_len: u8,
        /// Argument length (bits).
        argument_len: u8,
        /// Transposition length (bits).
        transposition_len: u8,
        /// Transposition offset (bits).
        transposition_offset: u8,
    },
    /// Any other sub-sub-TLV, raw.
    Unknown {
        /// Sub-sub-TLV type.
        sub_type: u8,
        /// Value.
        value: &'a [u8],
    },
}

/// Splits `(type, value)` elements with a 1-octet type and 2-octet length off `rest`.
#[derive(Debug, Clone)]
struct Frames<'a> {
    rest: &'a [u8],
    what: &'static str,
}

impl<'a> Iterator for Frames<'a> {
    type Item = Result<(u8, &'a [u8]), Problem>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        let r = self.rest;
        if r.len() < 3 {
            self.rest = &[];
            return Some(Err(Problem::Truncated {
                what: self.what,
                needed: 3,
                available: r.len(),
            }));
        }
        let len = u16::from_be_bytes([r[1], r[2]]) as usize;
        let Some(value) = r.get(3..3 + len) else {
            self.rest = &[];
            return Some(Err(Problem::Truncated {
                what: self.what,
                needed: len,
                available: r.len() - 3,
            }));
        };
        self.rest = &r[3 + len..];
        Some(Ok((r[0], value)))
    }
}

fn bad(what: &'static str, len: usize) -> Problem {
    Problem::Invalid {
        what,
        value: len as u64,
    }
}

fn tlv(t: u8, v: &[u8]) -> Result<Tlv<'_>, Problem> {
    Ok(match t {
        LABEL_INDEX => {
            if v.len() != 7 {
                return Err(bad("Prefix-SID Label-Index TLV length", v.len()));
            }
            Tlv::LabelIndex {
                flags: u16::from_be_bytes([v[1], v[2]]),
                label_index: u32::from_be_bytes([v[3], v[4], v[5], v[6]]),
            }
        }
        ORIGINATOR_SRGB => {
            if v.len() < 2 || (v.len() - 2) % 6 != 0 {
                return Err(bad("Prefix-SID Originator SRGB TLV length", v.len()));
            }
            Tlv::OriginatorSrgb {
                flags: u16::from_be_bytes([v[0], v[1]]),
                ranges: &v[2..],
            }
        }
        SRV6_L3_SERVICE | SRV6_L2_SERVICE => {
            if v.is_empty() {
                return Err(bad("Prefix-SID SRv6 Service TLV length", 0));
            }
            Tlv::Srv6Service {
                tlv_type: t,
                sub_tlvs: &v[1..],
            }
        }
        _ => Tlv::Unknown {
            tlv_type: t,
            value: v,
        },
    })
}

fn sub_tlv(t: u8, v: &[u8]) -> Result<ServiceSubTlv<'_>, Problem> {
    Ok(match t {
        SRV6_SID_INFORMATION => {
            if v.len() < 21 {
                return Err(bad("SRv6 SID Information sub-TLV length", v.len()));
            }
            let mut sid = [0u8; 16];
            sid.copy_from_slice(&v[1..17]);
            ServiceSubTlv::SidInformation {
                sid: Ipv6Addr::from(sid),
                flags: v[17],
                endpoint_behavior: u16::from_be_bytes([v[18], v[19]]),
                sub_sub_tlvs: &v[21..],
            }
        }
        _ => ServiceSubTlv::Unknown {
            sub_type: t,
            value: v,
        },
    })
}

fn sub_sub_tlv(t: u8, v: &[u8]) -> Result<ServiceDataSubSubTlv<'_>, Problem> {
    Ok(match t {
        SRV6_SID_STRUCTURE => {
            if v.len() != 6 {
                return Err(bad("SRv6 SID Structure sub-sub-TLV length", v.len()));
            }
            ServiceDataSubSubTlv::SidStructure {
                locator_block_len: v[0],
                locator_node_len: v[1],
                function_len: v[2],
                argument_len: v[3],
                transposition_len: v[4],
                transposition_offset: v[5],
            }
        }
        _ => ServiceDataSubSubTlv::Unknown {
            sub_type: t,
            value: v,
        },
    })
}

/// The TLVs of a Prefix-SID value.
pub fn tlvs(v: &[u8]) -> impl Iterator<Item = Result<Tlv<'_>, Problem>> {
    Frames {
        rest: v,
        what: "Prefix-SID TLV",
    }
    .map(|r| r.and_then(|(t, v)| tlv(t, v)))
}

/// The sub-TLVs of an SRv6 Service TLV.
pub fn service_sub_tlvs(v: &[u8]) -> impl Iterator<Item = Result<ServiceSubTlv<'_>, Problem>> {
    Frames {
        rest: v,
        what: "SRv6 Service sub-TLV",
    }
    .map(|r| r.and_then(|(t, v)| sub_tlv(t, v)))
}

/// The sub-sub-TLVs of an SRv6 SID Information sub-TLV.
pub fn service_data_sub_sub_tlvs(
    v: &[u8],
) -> impl Iterator<Item = Result<ServiceDataSubSubTlv<'_>, Problem>> {
    Frames {
        rest: v,
        what: "SRv6 Service Data sub-sub-TLV",
    }
    .map(|r| r.and_then(|(t, v)| sub_sub_tlv(t, v)))
}

/// The (base, range size) pairs of an Originator SRGB TLV.
pub fn srgb_ranges(ranges: &[u8]) -> impl Iterator<Item = (u32, u32)> + '_ {
    ranges.chunks_exact(6).map(|c| {
        (
            u32::from_be_bytes([0, c[0], c[1], c[2]]),
            u32::from_be_bytes([0, c[3], c[4], c[5]]),
        )
    })
}

/// Checks every level of a Prefix-SID value, without allocating.
pub fn check(v: &[u8]) -> Result<(), Problem> {
    for t in tlvs(v) {
        if let Tlv::Srv6Service { sub_tlvs, .. } = t? {
            for s in service_sub_tlvs(sub_tlvs) {
                if let ServiceSubTlv::SidInformation { sub_sub_tlvs, .. } = s? {
                    for ss in service_data_sub_sub_tlvs(sub_sub_tlvs) {
                        ss?;
                    }
                }
            }
        }
    }
    Ok(())
}

/// SRv6 endpoint behavior names (IANA "SRv6 Endpoint Behaviors", RFC 8986).
pub fn endpoint_behavior_name(b: u16) -> Option<&'static str> {
    Some(match b {
        1 => "End",
        2 => "End with PSP",
        3 => "End with USP",
        4 => "End with PSP & USP",
        5 => "End.X",
        6 => "End.X with PSP",
        7 => "End.X with USP",
        8 => "End.X with PSP & USP",
        9 => "End.T",
        10 => "End.T with PSP",
        11 => "End.T with USP",
        12 => "End.T with PSP & USP",
        14 => "End.B6.Encaps",
        15 => "End.BM",
        16 => "End.DX6",
        17 => "End.DX4",
        18 => "End.DT6",
        19 => "End.DT4",
        20 => "End.DT46",
        21 => "End.DX2",
        22 => "End.DX2V",
        23 => "End.DT2U",
        24 => "End.DT2M",
        27 => "End.B6.Encaps.Red",
        0xffff => "Opaque",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn srv6_l3_service_three_levels() {
        let mut v = vec![SRV6_L3_SERVICE, 0, 34, 0, 1, 0, 30, 0];
        v.extend_from_slice(&[0xfc, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        v.extend_from_slice(&[0, 0, 19, 0, 1, 0, 6, 32, 16, 16, 0, 16, 64]);
        assert_eq!(check(&v), Ok(()));
        let Tlv::Srv6Service { sub_tlvs, .. } = tlvs(&v).next().unwrap().unwrap() else {
            panic!()
        };
        let ServiceSubTlv::SidInformation {
            sid,
            endpoint_behavior,
            sub_sub_tlvs,
            ..
        } = service_sub_tlvs(sub_tlvs).next().unwrap().unwrap()
        else {
            panic!()
        };
        assert_eq!(sid.to_string(), "fc00:0:1::");
        assert_eq!(endpoint_behavior, 19);
        assert!(matches!(
            service_data_sub_sub_tlvs(sub_sub_tlvs).next(),
            Some(Ok(ServiceDataSubSubTlv::SidStructure {
                locator_block_len: 32,
                transposition_offset: 64,
                ..
            }))
        ));
        // One octet short inside the sub-sub-TLV.
        let mut bad = v.clone();
        bad[2] -= 1;
        assert!(check(&bad[..bad.len() - 1]).is_err());
    }
}
