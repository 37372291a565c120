//! Information TLVs of Initiation, Termination and Peer Up (RFC 7854 §4.4, RFC 9736).

use crate::decode::{DecodeError, tlvs16};

/// A free-form UTF-8 string (Initiation, Termination, Peer Up).
pub const STRING: u16 = 0;
/// Initiation: the router's sysDescr (RFC 7854 §4.4).
pub const SYS_DESCR: u16 = 1;
/// Initiation: the router's sysName.
pub const SYS_NAME: u16 = 2;
/// Initiation and Peer Up: a VRF or table name (RFC 9069, RFC 9736).
pub const VRF_TABLE_NAME: u16 = 3;
/// Initiation and Peer Up: an admin label (RFC 8671).
pub const ADMIN_LABEL: u16 = 4;
/// Termination: the reason, a 2-octet code (RFC 7854 §4.5).
pub const TERMINATION_REASON: u16 = 1;

/// One information TLV.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InfoTlv<'a> {
    /// Type.
    pub tlv_type: u16,
    /// Value (a string for the string types; the reason code for Termination type 1).
    pub value: &'a [u8],
}

impl InfoTlv<'_> {
    /// The value as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(self.value).into_owned()
    }
}

/// The text of the first TLV of this type.
pub fn find_text(tlvs: &[InfoTlv<'_>], tlv_type: u16) -> Option<String> {
    tlvs.iter()
        .find(|t| t.tlv_type == tlv_type)
        .map(InfoTlv::text)
}

/// A Termination's reason code: its first reason TLV that holds exactly two octets.
pub fn termination_reason(tlvs: &[InfoTlv<'_>]) -> Option<u16> {
    tlvs.iter().find_map(InfoTlv::reason)
}

impl InfoTlv<'_> {
    /// The reason code, when this is a Termination reason TLV of the right length.
    pub fn reason(&self) -> Option<u16> {
        match (self.tlv_type, self.value) {
            (TERMINATION_REASON, &[a, b]) => Some(u16::from_be_bytes([a, b])),
            _ => None,
        }
    }
}

/// Splits a TLV list.
pub fn parse<'a>(input: &'a [u8], what: &'static str) -> Result<Vec<InfoTlv<'a>>, DecodeError<'a>> {
    Ok(tlvs16(input, what)?
        .into_iter()
        .map(|t| InfoTlv {
            tlv_type: t.tlv_type,
            value: t.value,
        })
        .collect())
}
