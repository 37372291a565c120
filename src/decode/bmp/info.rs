//! Information TLVs of Initiation, Termination and Peer Up (RFC 7854 §4.4, RFC 9736).

use crate::decode::{DecodeError, tlvs16};

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
