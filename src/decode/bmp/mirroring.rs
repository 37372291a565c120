//! Route Mirroring (RFC 7854 §4.7).

use crate::decode::{DecodeError, tlvs16};

/// One Route Mirroring TLV: type 0 carries a BGP PDU, type 1 an information code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MirrorTlv<'a> {
    /// Type.
    pub tlv_type: u16,
    /// Value.
    pub value: &'a [u8],
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
