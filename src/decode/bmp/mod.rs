//! BMP messages (RFC 7854 §4, RFC 8671, RFC 9069, RFC 9736, draft-ietf-grow-bmp-tlv). Parsing
//! needs no session context; it works on one framed message and borrows from it.

pub mod header;
pub mod info;
pub mod mirroring;
pub mod peer_down;
pub mod peer_up;
pub mod route_monitoring;
pub mod stats;
pub mod v4;

use header::{COMMON_HEADER_LEN, CommonHeader, MessageType, PeerHeader};

use super::{DecodeError, Malformed, unwrap_err};

/// A decoded BMP message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BmpMessage<'a> {
    /// Common header.
    pub header: CommonHeader,
    /// The body after the common header: the per-peer header and what follows it, for the
    /// message types that have one.
    pub body: Body<'a>,
}

impl BmpMessage<'_> {
    /// The per-peer header, for the message types that have one.
    pub fn peer(&self) -> Option<&PeerHeader> {
        match &self.body {
            Body::RouteMonitoring(p, _)
            | Body::StatisticsReport(p, _)
            | Body::PeerDown(p, _)
            | Body::PeerUp(p, _)
            | Body::RouteMirroring(p, _) => Some(p),
            Body::Initiation(_) | Body::Termination(_) | Body::Unknown(_) => None,
        }
    }
}

/// Message bodies. The five per-peer message types carry their per-peer header first: a
/// message of such a type without one does not decode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body<'a> {
    /// Route Monitoring.
    RouteMonitoring(PeerHeader, route_monitoring::RouteMonitoring<'a>),
    /// Statistics Report.
    StatisticsReport(PeerHeader, stats::StatsReport<'a>),
    /// Peer Down Notification.
    PeerDown(PeerHeader, peer_down::PeerDown<'a>),
    /// Peer Up Notification (boxed: the largest body, and a rare one, would make every
    /// message as large).
    PeerUp(PeerHeader, Box<peer_up::PeerUp<'a>>),
    /// Initiation.
    Initiation(Vec<info::InfoTlv<'a>>),
    /// Termination.
    Termination(Vec<info::InfoTlv<'a>>),
    /// Route Mirroring.
    RouteMirroring(PeerHeader, Vec<mirroring::MirrorTlv<'a>>),
    /// An unassigned or experimental message type: the body after the common header.
    Unknown(&'a [u8]),
}

/// Decodes one framed message (its length already checked by the framer). Errors carry the
/// offset within the message.
pub fn parse_message(msg: &[u8]) -> Result<BmpMessage<'_>, Malformed> {
    parse_inner(msg).map_err(|e| e.to_malformed(msg))
}

fn parse_inner(msg: &[u8]) -> Result<BmpMessage<'_>, DecodeError<'_>> {
    let (hdr, rest) = super::take_n(msg, COMMON_HEADER_LEN, "common header")
        .map(|(rest, h)| (h, rest))
        .map_err(unwrap_err)?;
    let mut h = [0u8; COMMON_HEADER_LEN];
    h.copy_from_slice(hdr);
    let header = header::common_header(&h);
    let body_len = (header.length as usize)
        .saturating_sub(COMMON_HEADER_LEN)
        .min(rest.len());
    let rest = &rest[..body_len];
    let v4 = header.version == 4;
    if !header.msg_type.has_per_peer_header() {
        let body = match header.msg_type {
            MessageType::INITIATION => Body::Initiation(info::parse(rest, "Initiation TLV")?),
            MessageType::TERMINATION => Body::Termination(info::parse(rest, "Termination TLV")?),
            _ => Body::Unknown(rest),
        };
        return Ok(BmpMessage { header, body });
    }
    let (rest, peer) = header::per_peer_header(rest).map_err(unwrap_err)?;
    let body = match header.msg_type {
        MessageType::ROUTE_MONITORING => {
            Body::RouteMonitoring(peer, route_monitoring::parse(rest, v4)?)
        }
        MessageType::STATISTICS_REPORT => Body::StatisticsReport(peer, stats::parse(rest)?),
        MessageType::PEER_DOWN => Body::PeerDown(peer, peer_down::parse(rest, v4)?),
        MessageType::PEER_UP => Body::PeerUp(peer, Box::new(peer_up::parse(rest, peer.is_ipv6())?)),
        _ => Body::RouteMirroring(peer, mirroring::parse(rest)?),
    };
    Ok(BmpMessage { header, body })
}
