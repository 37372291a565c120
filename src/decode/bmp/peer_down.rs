//! Peer Down Notification (RFC 7854 §4.9, RFC 9069 reason 6, BMPv4 TLVs).

use super::info::{self, InfoTlv};
use crate::decode::bgp::{self, BgpPdu};
use crate::decode::{DecodeError, u8_, u16_, unwrap_err};

/// The reason and the data that goes with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason<'a> {
    /// 1 or 3: a NOTIFICATION PDU follows.
    Notification {
        /// 1 (local) or 3 (remote).
        code: u8,
        /// The NOTIFICATION.
        pdu: BgpPdu<'a>,
    },
    /// 2: local close with an FSM event code.
    FsmEvent(u16),
    /// 4 or 5: no data.
    NoData(u8),
    /// 6: information TLVs (Loc-RIB VRF/table name).
    Tlvs(Vec<InfoTlv<'a>>),
    /// 0, experimental or unknown codes, with whatever data followed.
    Other {
        /// Reason code.
        code: u8,
        /// Data.
        data: &'a [u8],
    },
}

/// Which side closed the session a Peer Down reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClosedBy {
    /// The monitored router (reasons 1, 2 and 6).
    Local,
    /// The peer (reasons 3 and 4).
    Remote,
}

/// Who closed the session, by reason code; `None` for reasons that do not say (peer
/// de-configured, reserved, experimental, unknown).
pub fn closed_by(code: u8) -> Option<ClosedBy> {
    match code {
        1 | 2 | 6 => Some(ClosedBy::Local),
        3 | 4 => Some(ClosedBy::Remote),
        _ => None,
    }
}

impl Reason<'_> {
    /// The numeric reason code.
    pub fn code(&self) -> u8 {
        match self {
            Reason::Notification { code, .. }
            | Reason::NoData(code)
            | Reason::Other { code, .. } => *code,
            Reason::FsmEvent(_) => 2,
            Reason::Tlvs(_) => 6,
        }
    }
}

/// A Peer Down body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerDown<'a> {
    /// Reason and data.
    pub reason: Reason<'a>,
    /// Octets after the reason data (BMPv4 TLVs, or unexpected trailing data in v3).
    pub trailing: &'a [u8],
}

/// Parses a Peer Down body.
pub fn parse(input: &[u8], _v4: bool) -> Result<PeerDown<'_>, DecodeError<'_>> {
    let (rest, code) = u8_(input, "peer down reason").map_err(unwrap_err)?;
    let (reason, trailing) = match code {
        1 | 3 => {
            let (r, pdu) = bgp::split_pdu(rest).map_err(unwrap_err)?;
            (Reason::Notification { code, pdu }, r)
        }
        2 => {
            let (r, event) = u16_(rest, "FSM event code").map_err(unwrap_err)?;
            (Reason::FsmEvent(event), r)
        }
        4 | 5 => (Reason::NoData(code), rest),
        6 => (
            Reason::Tlvs(info::parse(rest, "Peer Down information TLV")?),
            &rest[rest.len()..],
        ),
        _ => (Reason::Other { code, data: rest }, &rest[rest.len()..]),
    };
    Ok(PeerDown { reason, trailing })
}
