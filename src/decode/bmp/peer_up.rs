//! Peer Up Notification (RFC 7854 §4.10, RFC 9736 information TLVs).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::info::{self, InfoTlv};
use crate::decode::bgp::{self, BgpPdu};
use crate::decode::{DecodeError, take_n, u16_, unwrap_err};

/// A Peer Up body. The OPENs are split here; their contents are decoded by [`bgp::open`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerUp<'a> {
    /// Local address (IPv4 when the peer is IPv4).
    pub local_address: IpAddr,
    /// Local port.
    pub local_port: u16,
    /// Remote port.
    pub remote_port: u16,
    /// OPEN sent by the monitored router.
    pub sent_open: BgpPdu<'a>,
    /// OPEN received from the peer.
    pub received_open: BgpPdu<'a>,
    /// Information TLVs.
    pub information: Vec<InfoTlv<'a>>,
}

/// Parses a Peer Up body. `ipv6` is the per-peer header's V flag, which also says how to read
/// the local address.
pub fn parse(input: &[u8], ipv6: bool) -> Result<PeerUp<'_>, DecodeError<'_>> {
    let (rest, a) = take_n(input, 16, "local address").map_err(unwrap_err)?;
    let local_address = if ipv6 {
        let mut o = [0u8; 16];
        o.copy_from_slice(a);
        IpAddr::V6(Ipv6Addr::from(o))
    } else {
        IpAddr::V4(Ipv4Addr::new(a[12], a[13], a[14], a[15]))
    };
    let (rest, local_port) = u16_(rest, "local port").map_err(unwrap_err)?;
    let (rest, remote_port) = u16_(rest, "remote port").map_err(unwrap_err)?;
    let (rest, sent_open) = bgp::split_pdu(rest).map_err(unwrap_err)?;
    let (rest, received_open) = bgp::split_pdu(rest).map_err(unwrap_err)?;
    let information = info::parse(rest, "Peer Up information TLV")?;
    Ok(PeerUp {
        local_address,
        local_port,
        remote_port,
        sent_open,
        received_open,
        information,
    })
}
