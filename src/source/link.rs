//! Link, network and transport headers of one captured frame, down to a TCP segment.

use std::net::{IpAddr, SocketAddr};

use etherparse::{EtherType, LaxNetSlice, LaxSlicedPacket, TransportSlice};

/// A TCP segment as captured.
#[derive(Debug)]
pub(crate) struct Segment<'a> {
    pub src: SocketAddr,
    pub dst: SocketAddr,
    pub seq: u32,
    pub syn: bool,
    pub fin: bool,
    pub rst: bool,
    /// Captured payload.
    pub payload: &'a [u8],
    /// Payload bytes the IP header announces beyond what was captured (snap length).
    pub missing_tail: u32,
}

/// What a frame is.
pub(crate) enum Frame<'a> {
    Tcp(Segment<'a>),
    /// A fragment of an IP datagram carrying TCP.
    Fragment,
    /// IP, not TCP.
    NotTcp,
    /// Not IP (or an IP header that does not parse).
    NotIp,
    /// Link type not supported.
    Unsupported,
}

/// Link types understood.
pub(crate) fn supported(linktype: i32) -> bool {
    matches!(
        linktype,
        0 | 1 | 12 | 14 | 101 | 108 | 113 | 228 | 229 | 276
    )
}

/// Splits a frame of `linktype`.
pub(crate) fn parse(linktype: i32, frame: &[u8]) -> Frame<'_> {
    let sliced = match linktype {
        // Ethernet (with any 802.1Q / 802.1ad / QinQ tags).
        1 => LaxSlicedPacket::from_ethernet(frame).ok(),
        // Linux cooked capture v1: 16-byte header, protocol at 14.
        113 => {
            if frame.len() < 16 {
                return Frame::NotIp;
            }
            let proto = u16::from_be_bytes([frame[14], frame[15]]);
            Some(LaxSlicedPacket::from_ether_type(
                EtherType(proto),
                &frame[16..],
            ))
        }
        // Linux cooked capture v2: 20-byte header, protocol first.
        276 => {
            if frame.len() < 20 {
                return Frame::NotIp;
            }
            let proto = u16::from_be_bytes([frame[0], frame[1]]);
            Some(LaxSlicedPacket::from_ether_type(
                EtherType(proto),
                &frame[20..],
            ))
        }
        // BSD NULL (host byte order family) and LOOP (network order): 4-byte family, then IP.
        // The IP version nibble tells IPv4 from IPv6 whatever the family's numbering.
        0 | 108 => {
            if frame.len() < 4 {
                return Frame::NotIp;
            }
            LaxSlicedPacket::from_ip(&frame[4..]).ok()
        }
        // Raw IP.
        12 | 14 | 101 | 228 | 229 => LaxSlicedPacket::from_ip(frame).ok(),
        _ => return Frame::Unsupported,
    };
    let Some(p) = sliced else {
        return Frame::NotIp;
    };
    let (src_ip, dst_ip, payload) = match &p.net {
        Some(LaxNetSlice::Ipv4(s)) => (
            IpAddr::V4(s.header().source_addr()),
            IpAddr::V4(s.header().destination_addr()),
            s.payload(),
        ),
        Some(LaxNetSlice::Ipv6(s)) => (
            IpAddr::V6(s.header().source_addr()),
            IpAddr::V6(s.header().destination_addr()),
            s.payload(),
        ),
        _ => return Frame::NotIp,
    };
    if payload.ip_number != etherparse::IpNumber::TCP {
        return Frame::NotTcp;
    }
    if payload.fragmented {
        return Frame::Fragment;
    }
    let Some(TransportSlice::Tcp(tcp)) = &p.transport else {
        // TCP announced but its header does not parse (cut or damaged).
        return Frame::NotTcp;
    };
    let missing_tail = if payload.incomplete {
        claimed_ip_payload(&p.net)
            .map(|claimed| {
                let captured = payload.payload.len();
                claimed.saturating_sub(captured) as u32
            })
            .unwrap_or(0)
    } else {
        0
    };
    Frame::Tcp(Segment {
        src: SocketAddr::new(src_ip, tcp.source_port()),
        dst: SocketAddr::new(dst_ip, tcp.destination_port()),
        seq: tcp.sequence_number(),
        syn: tcp.syn(),
        fin: tcp.fin(),
        rst: tcp.rst(),
        payload: tcp.payload(),
        missing_tail,
    })
}

/// IP payload length the headers announce (after extension headers).
fn claimed_ip_payload(net: &Option<LaxNetSlice<'_>>) -> Option<usize> {
    match net {
        Some(LaxNetSlice::Ipv4(s)) => {
            let h = s.header();
            let exts = s.extensions().auth.map_or(0, |a| a.slice().len());
            usize::from(h.total_len()).checked_sub(h.slice().len() + exts)
        }
        Some(LaxNetSlice::Ipv6(s)) => {
            usize::from(s.header().payload_length()).checked_sub(s.extensions().slice().len())
        }
        _ => None,
    }
}
