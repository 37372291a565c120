//! BMP messages (RFC 7854, RFC 8671, RFC 9069, draft-ietf-grow-bmp-tlv).

use super::len16;
use std::net::IpAddr;

/// BMP message type Route Monitoring.
pub const ROUTE_MONITORING: u8 = 0;
/// BMP message type Statistics Report.
pub const STATISTICS_REPORT: u8 = 1;
/// BMP message type Peer Down Notification.
pub const PEER_DOWN: u8 = 2;
/// BMP message type Peer Up Notification.
pub const PEER_UP: u8 = 3;
/// BMP message type Initiation.
pub const INITIATION: u8 = 4;
/// BMP message type Termination.
pub const TERMINATION: u8 = 5;
/// BMP message type Route Mirroring.
pub const ROUTE_MIRRORING: u8 = 6;

/// Peer type: global instance peer.
pub const PEER_TYPE_GLOBAL: u8 = 0;
/// Peer type: RD instance peer.
pub const PEER_TYPE_RD: u8 = 1;
/// Peer type: local instance peer.
pub const PEER_TYPE_LOCAL: u8 = 2;
/// Peer type: Loc-RIB instance peer (RFC 9069).
pub const PEER_TYPE_LOC_RIB: u8 = 3;

/// Peer flag V: IPv6 peer address.
pub const FLAG_V: u8 = 0x80;
/// Peer flag L: post-policy.
pub const FLAG_L: u8 = 0x40;
/// Peer flag A: 2-octet AS_PATH format.
pub const FLAG_A: u8 = 0x20;
/// Peer flag O: Adj-RIB-Out (RFC 8671).
pub const FLAG_O: u8 = 0x10;
/// Loc-RIB peer flag F: filtered (RFC 9069).
pub const FLAG_F: u8 = 0x80;

/// Per-peer header fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Peer {
    /// Peer type (0 global, 1 RD, 2 local, 3 Loc-RIB).
    pub peer_type: u8,
    /// Peer flags (V, L, A, O; F for Loc-RIB).
    pub flags: u8,
    /// Peer distinguisher.
    pub distinguisher: [u8; 8],
    /// Peer address.
    pub address: IpAddr,
    /// Peer AS.
    pub asn: u32,
    /// Peer BGP identifier.
    pub bgp_id: [u8; 4],
    /// Timestamp, seconds.
    pub ts_sec: u32,
    /// Timestamp, microseconds.
    pub ts_usec: u32,
}

impl Peer {
    /// Global instance peer (type 0), flags 0 (or 0x80 = V when the
    /// address is IPv6), distinguisher 0, timestamp 0.
    pub fn global(address: IpAddr, asn: u32, bgp_id: [u8; 4]) -> Peer {
        Peer {
            peer_type: PEER_TYPE_GLOBAL,
            flags: if address.is_ipv6() { FLAG_V } else { 0 },
            distinguisher: [0; 8],
            address,
            asn,
            bgp_id,
            ts_sec: 0,
            ts_usec: 0,
        }
    }

    /// Loc-RIB instance peer (type 3), address all zero, flags 0.
    pub fn loc_rib(asn: u32, bgp_id: [u8; 4]) -> Peer {
        Peer {
            peer_type: PEER_TYPE_LOC_RIB,
            flags: 0,
            distinguisher: [0; 8],
            address: IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED),
            asn,
            bgp_id,
            ts_sec: 0,
            ts_usec: 0,
        }
    }

    /// Replaces the flags.
    #[must_use]
    pub fn with_flags(self, flags: u8) -> Peer {
        Peer { flags, ..self }
    }

    /// Replaces the peer type.
    #[must_use]
    pub fn with_type(self, t: u8) -> Peer {
        Peer {
            peer_type: t,
            ..self
        }
    }

    /// Replaces the peer distinguisher.
    #[must_use]
    pub fn with_distinguisher(self, d: [u8; 8]) -> Peer {
        Peer {
            distinguisher: d,
            ..self
        }
    }

    /// Replaces the timestamp.
    #[must_use]
    pub fn with_time(self, sec: u32, usec: u32) -> Peer {
        Peer {
            ts_sec: sec,
            ts_usec: usec,
            ..self
        }
    }
}

/// Common header (version, 4-octet length including the 6-octet header,
/// type) + body.
///
/// Panics if the message exceeds u32::MAX octets.
pub fn message(version: u8, msg_type: u8, body: &[u8]) -> Vec<u8> {
    let total = u32::try_from(6 + body.len())
        .unwrap_or_else(|_| panic!("BMP message too long: {} octets", 6 + body.len()));
    let mut out = Vec::with_capacity(6 + body.len());
    out.push(version);
    out.extend_from_slice(&total.to_be_bytes());
    out.push(msg_type);
    out.extend_from_slice(body);
    out
}

/// Rewrites the version octet (byte 0) of an encoded message; an empty
/// message is returned unchanged.
pub fn with_version(mut msg: Vec<u8>, version: u8) -> Vec<u8> {
    if let Some(b) = msg.first_mut() {
        *b = version;
    }
    msg
}

/// An address as 16 octets, IPv4 in the last 4 and the rest zero.
fn addr16(addr: IpAddr) -> [u8; 16] {
    match addr {
        IpAddr::V4(a) => {
            let mut out = [0; 16];
            out[12..].copy_from_slice(&a.octets());
            out
        }
        IpAddr::V6(a) => a.octets(),
    }
}

/// 42-octet per-peer header. IPv4 address goes in the last 4 of the 16
/// address octets, the rest zero.
pub fn peer_header(peer: &Peer) -> Vec<u8> {
    let mut out = Vec::with_capacity(42);
    out.push(peer.peer_type);
    out.push(peer.flags);
    out.extend_from_slice(&peer.distinguisher);
    out.extend_from_slice(&addr16(peer.address));
    out.extend_from_slice(&peer.asn.to_be_bytes());
    out.extend_from_slice(&peer.bgp_id);
    out.extend_from_slice(&peer.ts_sec.to_be_bytes());
    out.extend_from_slice(&peer.ts_usec.to_be_bytes());
    out
}

/// Information TLV: type(2) length(2) value.
///
/// Panics if `value` exceeds 65535 octets.
pub fn tlv(tlv_type: u16, value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(4 + value.len());
    out.extend_from_slice(&tlv_type.to_be_bytes());
    out.extend_from_slice(&len16(value.len(), "TLV value").to_be_bytes());
    out.extend_from_slice(value);
    out
}

/// BMPv4 TLV: type(2) length(2) index(2) value; length counts the value
/// only, not the index.
///
/// Panics if `value` exceeds 65535 octets.
pub fn tlv_indexed(tlv_type: u16, index: u16, value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(6 + value.len());
    out.extend_from_slice(&tlv_type.to_be_bytes());
    out.extend_from_slice(&len16(value.len(), "TLV value").to_be_bytes());
    out.extend_from_slice(&index.to_be_bytes());
    out.extend_from_slice(value);
    out
}

/// Concatenates information TLVs.
fn tlvs_bytes(tlvs: &[(u16, &[u8])]) -> Vec<u8> {
    tlvs.iter().flat_map(|&(t, v)| tlv(t, v)).collect()
}

/// Initiation (version 3): information TLVs.
pub fn initiation(tlvs: &[(u16, &[u8])]) -> Vec<u8> {
    message(3, INITIATION, &tlvs_bytes(tlvs))
}

/// Termination (version 3): information TLVs.
pub fn termination(tlvs: &[(u16, &[u8])]) -> Vec<u8> {
    message(3, TERMINATION, &tlvs_bytes(tlvs))
}

/// Route Monitoring (version 3): per-peer header, BGP PDU.
pub fn route_monitoring(peer: &Peer, bgp_pdu: &[u8]) -> Vec<u8> {
    let mut body = peer_header(peer);
    body.extend_from_slice(bgp_pdu);
    message(3, ROUTE_MONITORING, &body)
}

/// BMPv4 Route Monitoring (version 4): per-peer header then TLVs each
/// type(2) length(2) index(2) value, where length counts the value only
/// (NOT the index). The BGP PDU goes in as TLV type 4.
///
/// `tlvs` are (type, index, value).
pub fn route_monitoring_v4(peer: &Peer, tlvs: &[(u16, u16, &[u8])]) -> Vec<u8> {
    let mut body = peer_header(peer);
    for &(t, i, v) in tlvs {
        body.extend_from_slice(&tlv_indexed(t, i, v));
    }
    message(4, ROUTE_MONITORING, &body)
}

/// Statistic counter: type(2), length 4, value(4).
pub fn stat_counter(stat_type: u16, value: u32) -> Vec<u8> {
    tlv(stat_type, &value.to_be_bytes())
}

/// Statistic gauge: type(2), length 8, value(8).
pub fn stat_gauge(stat_type: u16, value: u64) -> Vec<u8> {
    tlv(stat_type, &value.to_be_bytes())
}

/// Per-AFI/SAFI statistic gauge: type(2), length 11, afi(2), safi(1),
/// value(8).
pub fn stat_afi_gauge(stat_type: u16, afi: u16, safi: u8, value: u64) -> Vec<u8> {
    let mut v = Vec::with_capacity(11);
    v.extend_from_slice(&afi.to_be_bytes());
    v.push(safi);
    v.extend_from_slice(&value.to_be_bytes());
    tlv(stat_type, &v)
}

/// Statistics report: per-peer header, count(4) = stats.len(), then the
/// encoded stats.
pub fn statistics(peer: &Peer, stats: &[Vec<u8>]) -> Vec<u8> {
    let mut body = peer_header(peer);
    let count = u32::try_from(stats.len()).unwrap_or(u32::MAX);
    body.extend_from_slice(&count.to_be_bytes());
    for s in stats {
        body.extend_from_slice(s);
    }
    message(3, STATISTICS_REPORT, &body)
}

/// Peer Up: per-peer header, local address (16; IPv4 in the last 4),
/// local port(2), remote port(2), sent OPEN, received OPEN (full BGP
/// messages), then information TLVs.
pub fn peer_up(
    peer: &Peer,
    local: IpAddr,
    local_port: u16,
    remote_port: u16,
    sent_open: &[u8],
    received_open: &[u8],
    tlvs: &[(u16, &[u8])],
) -> Vec<u8> {
    let mut body = peer_header(peer);
    body.extend_from_slice(&addr16(local));
    body.extend_from_slice(&local_port.to_be_bytes());
    body.extend_from_slice(&remote_port.to_be_bytes());
    body.extend_from_slice(sent_open);
    body.extend_from_slice(received_open);
    body.extend_from_slice(&tlvs_bytes(tlvs));
    message(3, PEER_UP, &body)
}

/// Peer Down: per-peer header, reason(1), data.
pub fn peer_down(peer: &Peer, reason: u8, data: &[u8]) -> Vec<u8> {
    let mut body = peer_header(peer);
    body.push(reason);
    body.extend_from_slice(data);
    message(3, PEER_DOWN, &body)
}

/// Route Mirroring: per-peer header, TLVs (type 0 BGP message, type 1
/// information code 2 octets).
pub fn route_mirroring(peer: &Peer, tlvs: &[(u16, &[u8])]) -> Vec<u8> {
    let mut body = peer_header(peer);
    body.extend_from_slice(&tlvs_bytes(tlvs));
    message(3, ROUTE_MIRRORING, &body)
}
