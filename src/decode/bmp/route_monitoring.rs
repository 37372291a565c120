//! Route Monitoring (RFC 7854 §4.6; BMPv4 TLVs of draft-ietf-grow-bmp-tlv).

use crate::decode::bgp::{self, BgpPdu};
use crate::decode::{DecodeError, Problem, take_n, u16_, unwrap_err};

/// BMPv4 Route Monitoring TLV type carrying the BGP PDU.
pub const V4_TLV_BGP_PDU: u16 = 4;

/// A BMPv4 Route Monitoring TLV: type, index, value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexedTlv<'a> {
    /// Type.
    pub tlv_type: u16,
    /// Index tying it to an NLRI or group.
    pub index: u16,
    /// Value.
    pub value: &'a [u8],
}

/// A Route Monitoring body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteMonitoring<'a> {
    /// The BGP UPDATE PDU.
    pub pdu: BgpPdu<'a>,
    /// BMPv4 TLVs other than the BGP PDU (empty in v3).
    pub tlvs: Vec<IndexedTlv<'a>>,
    /// Octets after the BGP PDU in v3 (should be none).
    pub trailing: &'a [u8],
}

/// Parses a Route Monitoring body.
pub fn parse(input: &[u8], v4: bool) -> Result<RouteMonitoring<'_>, DecodeError<'_>> {
    if !v4 {
        let (trailing, pdu) = bgp::split_pdu(input).map_err(unwrap_err)?;
        return Ok(RouteMonitoring {
            pdu,
            tlvs: Vec::new(),
            trailing,
        });
    }
    let mut rest = input;
    let mut pdu = None;
    let mut tlvs = Vec::new();
    while !rest.is_empty() {
        let (r, tlv_type) = u16_(rest, "BMPv4 TLV type").map_err(unwrap_err)?;
        let (r, len) = u16_(r, "BMPv4 TLV length").map_err(unwrap_err)?;
        let (r, index) = u16_(r, "BMPv4 TLV index").map_err(unwrap_err)?;
        let (r, value) = take_n(r, len as usize, "BMPv4 TLV value").map_err(unwrap_err)?;
        if tlv_type == V4_TLV_BGP_PDU && pdu.is_none() {
            let (_, p) = bgp::split_pdu(value).map_err(unwrap_err)?;
            pdu = Some(p);
        } else {
            tlvs.push(IndexedTlv {
                tlv_type,
                index,
                value,
            });
        }
        rest = r;
    }
    let Some(pdu) = pdu else {
        return Err(DecodeError::new(
            input,
            Problem::Invalid {
                what: "BMPv4 Route Monitoring without a BGP PDU TLV",
                value: 0,
            },
        ));
    };
    Ok(RouteMonitoring {
        pdu,
        tlvs,
        trailing: &[],
    })
}
