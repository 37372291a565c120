//! Route Mirroring (RFC 7854 §4.7).

use crate::decode::{DecodeError, tlvs16};

/// TLV type of a mirrored BGP message (RFC 7854 §4.7).
pub const TLV_BGP_MESSAGE: u16 = 0;
/// TLV type of an information code (RFC 7854 §4.7).
pub const TLV_INFORMATION: u16 = 1;

/// Information code: the mirrored PDU was errored (RFC 7854 §4.7).
pub const INFO_ERRORED_PDU: u16 = 0;
/// Information code: messages were lost.
pub const INFO_MESSAGES_LOST: u16 = 1;

/// One Route Mirroring TLV: type 0 carries a BGP PDU, type 1 an information code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MirrorTlv<'a> {
    /// Type.
    pub tlv_type: u16,
    /// Value.
    pub value: &'a [u8],
}

/// A Route Mirroring TLV's value, decoded by its type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MirrorValue<'a> {
    /// A BGP message as the peer sent it (it may not even frame).
    BgpMessage(&'a [u8]),
    /// An information code ([`INFO_ERRORED_PDU`], [`INFO_MESSAGES_LOST`], ...).
    Information(u16),
    /// Another type, or an information TLV whose value is not 2 octets: the value as sent.
    Other(&'a [u8]),
}

impl<'a> MirrorTlv<'a> {
    /// The value, decoded by the type.
    pub fn decoded(&self) -> MirrorValue<'a> {
        match (self.tlv_type, self.value) {
            (TLV_BGP_MESSAGE, v) => MirrorValue::BgpMessage(v),
            (TLV_INFORMATION, &[a, b]) => MirrorValue::Information(u16::from_be_bytes([a, b])),
            (_, v) => MirrorValue::Other(v),
        }
    }
}

/// Splits the TLVs of a Route Mirroring body.
pub fn parse(input: &[u8]) -> Result<Vec<MirrorTlv<'_>>, DecodeError<'_>> {
    Ok(tlvs16(input, "Route Mirroring TLV")?
        .into_iter()
        .map(|t| MirrorTlv {
            tlv_type: t.tlv_type,
            value: t.value,
        })
        .collect())
}
