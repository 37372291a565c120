//! BGP messages as carried inside BMP: the 19-octet header and one module per message type.

pub mod as_path;
pub mod attr;
pub mod attributes;
pub mod bgpls;
pub mod evpn;
pub mod ext_community;
pub mod flowspec;
pub mod nlri;
pub mod notification;
pub mod open;
pub mod pmsi;
pub mod prefix;
pub mod prefix_sid;
pub mod route_id;
pub mod route_text;
pub mod rtc;
pub mod update;

use super::{DecodeError, PResult, Problem, fail, take_n, u8_, u16_};
use crate::decode::family::Family;

/// BGP header length: 16-octet marker, 2-octet length, 1-octet type.
pub const HEADER_LEN: usize = 19;
/// Largest BGP message without RFC 8654 extended messages.
pub const MAX_STANDARD_LEN: usize = 4096;
/// Largest BGP message with extended messages.
pub const MAX_EXTENDED_LEN: usize = 65_535;

/// OPEN message type.
pub const TYPE_OPEN: u8 = 1;
/// UPDATE message type.
pub const TYPE_UPDATE: u8 = 2;
/// NOTIFICATION message type.
pub const TYPE_NOTIFICATION: u8 = 3;
/// KEEPALIVE message type.
pub const TYPE_KEEPALIVE: u8 = 4;
/// ROUTE-REFRESH message type.
pub const TYPE_ROUTE_REFRESH: u8 = 5;

/// One BGP message split into header fields and body; the body is decoded by type on demand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BgpPdu<'a> {
    /// The whole message, header included.
    pub raw: &'a [u8],
    /// Whether the 16-octet marker was all ones, as RFC 4271 requires.
    pub marker_ok: bool,
    /// Message type.
    pub msg_type: u8,
    /// Body after the header.
    pub body: &'a [u8],
}

/// Splits one BGP message off the front of `input`, using the length in its own header.
pub fn split_pdu(input: &[u8]) -> PResult<'_, BgpPdu<'_>> {
    let start = input;
    let (rest, marker) = take_n(input, 16, "BGP marker")?;
    let marker_ok = marker.iter().all(|&b| b == 0xff);
    let (rest, len) = u16_(rest, "BGP message length")?;
    let len = len as usize;
    if len < HEADER_LEN {
        return fail(
            &start[16..],
            Problem::Invalid {
                what: "BGP message length",
                value: len as u64,
            },
        );
    }
    let (rest, msg_type) = u8_(rest, "BGP message type")?;
    let (_, body) = take_n(rest, len - HEADER_LEN, "BGP message body")?;
    let raw = &start[..len];
    Ok((
        &start[len..],
        BgpPdu {
            raw,
            marker_ok,
            msg_type,
            body,
        },
    ))
}

/// The type octet of a BGP message's header (the last of its 19), read without framing the
/// message: for naming what a message claims to be even when it is damaged.
pub fn header_type(message: &[u8]) -> Option<u8> {
    message.get(HEADER_LEN - 1).copied()
}

/// A decoded BGP message. UPDATE bodies are only split here; their contents need the session
/// context (see [`update`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BgpMessage<'a> {
    /// OPEN.
    Open(open::Open<'a>),
    /// UPDATE, split into its three fields.
    Update(update::Update<'a>),
    /// NOTIFICATION.
    Notification(notification::Notification<'a>),
    /// KEEPALIVE.
    Keepalive,
    /// ROUTE-REFRESH.
    RouteRefresh {
        /// The family to refresh.
        family: Family,
        /// Message subtype (RFC 7313), formerly reserved.
        subtype: u8,
    },
    /// Any other type, kept raw.
    Unknown {
        /// Message type.
        msg_type: u8,
        /// Body.
        body: &'a [u8],
    },
}

/// Decodes the body of a BGP message according to its type.
pub fn decode_pdu<'a>(pdu: &BgpPdu<'a>) -> Result<BgpMessage<'a>, DecodeError<'a>> {
    let body = pdu.body;
    Ok(match pdu.msg_type {
        TYPE_OPEN => BgpMessage::Open(open::parse(body)?),
        TYPE_UPDATE => BgpMessage::Update(update::parse(body)?),
        TYPE_NOTIFICATION => BgpMessage::Notification(notification::parse(body)?),
        TYPE_KEEPALIVE => {
            if !body.is_empty() {
                return Err(DecodeError::new(
                    body,
                    Problem::Trailing {
                        what: "KEEPALIVE",
                        count: body.len(),
                    },
                ));
            }
            BgpMessage::Keepalive
        }
        TYPE_ROUTE_REFRESH => {
            let (rest, afi) = u16_(body, "ROUTE-REFRESH AFI").map_err(super::unwrap_err)?;
            let (rest, subtype) = u8_(rest, "ROUTE-REFRESH subtype").map_err(super::unwrap_err)?;
            let (_, safi) = u8_(rest, "ROUTE-REFRESH SAFI").map_err(super::unwrap_err)?;
            BgpMessage::RouteRefresh {
                family: Family::new(afi, safi),
                subtype,
            }
        }
        msg_type => BgpMessage::Unknown { msg_type, body },
    })
}
