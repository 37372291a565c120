//! BMPv4 Route Monitoring TLVs (draft-ietf-grow-bmp-tlv) and the path status TLV
//! (draft-ietf-grow-bmp-path-marking-tlv).

use std::borrow::Cow;

use super::route_monitoring::IndexedTlv;
use crate::decode::bgp::open::{self, Capability};
use crate::decode::family::Family;

/// Stateless Parsing TLV: the capabilities needed to parse the PDU without a Peer Up.
pub const TLV_STATELESS_PARSING: u16 = 1;
/// Group TLV: the NLRI indexes a group of TLVs applies to.
pub const TLV_GROUP: u16 = 2;
/// VRF/Table name.
pub const TLV_VRF_TABLE_NAME: u16 = 3;
/// Path status (path marking).
pub const TLV_PATH_STATUS: u16 = 5;

/// Capability code of Add-Path inside a Stateless Parsing TLV.
const CAP_ADD_PATH: u8 = 69;
/// Capability code of 4-octet AS inside a Stateless Parsing TLV.
const CAP_FOUR_OCTET_AS: u8 = 65;

/// Path status bits and their names.
pub const PATH_STATUS_BITS: [(u32, &str); 11] = [
    (0x0001, "invalid"),
    (0x0002, "best"),
    (0x0004, "non_selected"),
    (0x0008, "primary"),
    (0x0010, "backup"),
    (0x0020, "non_installed"),
    (0x0040, "best_external"),
    (0x0080, "add_path"),
    (0x0100, "filtered_in_inbound_policy"),
    (0x0200, "filtered_in_outbound_policy"),
    (0x0400, "invalid_rov"),
];

/// Path status reason codes.
pub fn path_status_reason_name(code: u16) -> &'static str {
    match code {
        1 => "invalid due to AS loop",
        2 => "invalid due to unresolvable next hop",
        3 => "not preferred: local preference",
        4 => "not preferred: AS_PATH length",
        5 => "not preferred: origin",
        6 => "not preferred: MED",
        7 => "not preferred: peer type",
        8 => "not preferred: IGP cost",
        9 => "not preferred: router ID",
        10 => "not preferred: peer address",
        11 => "not preferred: AIGP",
        _ => "unknown",
    }
}

/// Capabilities (code, value) carried by a Stateless Parsing TLV value, in OPEN capability
/// format; stops at the first that runs past the end.
pub fn stateless_capabilities(value: &[u8]) -> impl Iterator<Item = (u8, &[u8])> {
    let mut rest = value;
    std::iter::from_fn(move || {
        let (&code, r) = rest.split_first()?;
        let (&len, r) = r.split_first()?;
        let v = r.get(..len as usize)?;
        rest = &r[len as usize..];
        Some((code, v))
    })
}

/// What the Stateless Parsing TLVs of a message say about decoding its UPDATE.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stateless {
    /// A Stateless Parsing TLV was present.
    pub present: bool,
    /// It carried the 4-octet AS capability.
    pub four_octet_as: bool,
}

/// Reads the Stateless Parsing TLVs of a message: calls `add_path(family, send_receive)` for
/// each Add-Path entry (the monitored router's RFC 7911 value towards this peer: 1 receive,
/// 2 send, 3 both) and reports the rest.
pub fn stateless(tlvs: &[IndexedTlv<'_>], mut add_path: impl FnMut(Family, u8)) -> Stateless {
    let mut s = Stateless::default();
    for t in tlvs.iter().filter(|t| t.tlv_type == TLV_STATELESS_PARSING) {
        s.present = true;
        for (code, v) in stateless_capabilities(t.value) {
            match code {
                CAP_ADD_PATH => {
                    for c in v.chunks_exact(4) {
                        add_path(Family::new(u16::from_be_bytes([c[0], c[1]]), c[2]), c[3]);
                    }
                }
                CAP_FOUR_OCTET_AS => s.four_octet_as = true,
                _ => {}
            }
        }
    }
    s
}

/// A Route Monitoring TLV's value, decoded by its type. A type not known here, or a path
/// status too short to hold its status field, keeps its raw value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlvValue<'a> {
    /// Stateless Parsing: the capabilities that stand in for the Peer Up's OPENs.
    StatelessParsing(StatelessCapabilities<'a>),
    /// Group: the NLRI indexes the group stands for.
    Group(GroupIndexes<'a>),
    /// VRF/Table name (UTF-8; invalid sequences replaced).
    VrfTableName(Cow<'a, str>),
    /// Path status and, when present, its reason.
    PathStatus(PathStatus),
    /// Any other type: the value as sent.
    Other(&'a [u8]),
}

/// Decodes a Route Monitoring TLV's value by its type.
pub fn decode_tlv<'a>(t: &IndexedTlv<'a>) -> TlvValue<'a> {
    match t.tlv_type {
        TLV_STATELESS_PARSING => TlvValue::StatelessParsing(StatelessCapabilities(t.value)),
        TLV_GROUP => TlvValue::Group(GroupIndexes(t.value)),
        TLV_VRF_TABLE_NAME => TlvValue::VrfTableName(String::from_utf8_lossy(t.value)),
        TLV_PATH_STATUS => match *t.value {
            [a, b, c, d, ref rest @ ..] => TlvValue::PathStatus(PathStatus {
                status: u32::from_be_bytes([a, b, c, d]),
                reason: match *rest {
                    [e, f, ..] => Some(u16::from_be_bytes([e, f])),
                    _ => None,
                },
            }),
            _ => TlvValue::Other(t.value),
        },
        _ => TlvValue::Other(t.value),
    }
}

/// The value of a Stateless Parsing TLV: capabilities in OPEN format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatelessCapabilities<'a>(pub &'a [u8]);

impl<'a> StatelessCapabilities<'a> {
    /// The capabilities, decoded as in an OPEN; stops at the first that runs past the end.
    pub fn iter(&self) -> impl Iterator<Item = Capability<'a>> + use<'a> {
        stateless_capabilities(self.0).map(|(code, value)| open::capability(code, value))
    }
}

/// The value of a Group TLV: 2-octet NLRI indexes (an odd last octet is ignored).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupIndexes<'a>(pub &'a [u8]);

impl<'a> GroupIndexes<'a> {
    /// The indexes.
    pub fn iter(&self) -> impl Iterator<Item = u16> + use<'a> {
        self.0
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
    }
}

/// A path status TLV (draft-ietf-grow-bmp-path-marking-tlv): 4 octets of status bits, then
/// optionally a 2-octet reason code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PathStatus {
    /// The status bits ([`PATH_STATUS_BITS`]).
    pub status: u32,
    /// The reason code ([`path_status_reason_name`]), when the value carries one.
    pub reason: Option<u16>,
}

impl PathStatus {
    /// Names of the known bits that are set, in bit order.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + use<> {
        let status = self.status;
        PATH_STATUS_BITS
            .into_iter()
            .filter(move |(bit, _)| status & bit != 0)
            .map(|(_, name)| name)
    }

    /// The bits set that have no name.
    pub fn unknown_bits(&self) -> u32 {
        let known = PATH_STATUS_BITS.iter().fold(0, |acc, (bit, _)| acc | bit);
        self.status & !known
    }
}
