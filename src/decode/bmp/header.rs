//! The BMP common header (RFC 7854 §4.1) and per-peer header (§4.2, RFC 8671, RFC 9069).
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |    Version    |                 Message Length                |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |  Msg. Length  |   Msg. Type   |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use crate::decode::bgp::nlri::Rd;
use crate::decode::{PResult, ipv4, take_n, u8_, u32_};
use crate::time::Timestamp;

/// A BMP message type (RFC 7854 §4.1, IANA "BMP Message Types"). Total: an unassigned type
/// is kept, named `unknown` in JSON and shown as its number in text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MessageType(pub u8);

impl MessageType {
    /// Route Monitoring.
    pub const ROUTE_MONITORING: MessageType = MessageType(0);
    /// Statistics Report.
    pub const STATISTICS_REPORT: MessageType = MessageType(1);
    /// Peer Down Notification.
    pub const PEER_DOWN: MessageType = MessageType(2);
    /// Peer Up Notification.
    pub const PEER_UP: MessageType = MessageType(3);
    /// Initiation.
    pub const INITIATION: MessageType = MessageType(4);
    /// Termination.
    pub const TERMINATION: MessageType = MessageType(5);
    /// Route Mirroring.
    pub const ROUTE_MIRRORING: MessageType = MessageType(6);

    const NAMES: [(MessageType, &'static str); 7] = [
        (MessageType::ROUTE_MONITORING, "route_monitoring"),
        (MessageType::STATISTICS_REPORT, "statistics_report"),
        (MessageType::PEER_DOWN, "peer_down"),
        (MessageType::PEER_UP, "peer_up"),
        (MessageType::INITIATION, "initiation"),
        (MessageType::TERMINATION, "termination"),
        (MessageType::ROUTE_MIRRORING, "route_mirroring"),
    ];

    /// The JSON name: `unknown` for anything unassigned.
    pub fn name(self) -> &'static str {
        Self::NAMES
            .iter()
            .find(|(t, _)| *t == self)
            .map_or("unknown", |(_, n)| n)
    }

    /// Whether messages of this type start with the 42-octet per-peer header.
    pub fn has_per_peer_header(self) -> bool {
        matches!(
            self,
            MessageType::ROUTE_MONITORING
                | MessageType::STATISTICS_REPORT
                | MessageType::PEER_DOWN
                | MessageType::PEER_UP
                | MessageType::ROUTE_MIRRORING
        )
    }

    /// What an unassigned type is: unassigned, experimental, reserved, or a known draft's.
    pub fn unknown_class(self) -> &'static str {
        match self.0 {
            100 => "route policy and attribute trace (draft-xu-grow-bmp-route-policy-attr-trace)",
            7..=250 => "unassigned",
            251..=254 => "experimental",
            _ => "reserved",
        }
    }
}

/// Its name, or its number when it has none.
impl fmt::Display for MessageType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            "unknown" => write!(f, "{}", self.0),
            name => f.write_str(name),
        }
    }
}

/// A name (`peer_down`) or a number.
impl FromStr for MessageType {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        if let Some((t, _)) = Self::NAMES.iter().find(|(_, n)| *n == s) {
            return Ok(*t);
        }
        s.parse()
            .map(MessageType)
            .map_err(|_| format!("'{s}' is not a BMP message type"))
    }
}

/// A peer type (RFC 7854 §4.2, RFC 9069, IANA "BMP Peer Types"). Total: an unassigned type is
/// kept, named `unknown` (or `experimental`) in JSON and shown as its number in text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PeerType(pub u8);

impl PeerType {
    /// Global Instance Peer.
    pub const GLOBAL: PeerType = PeerType(0);
    /// RD Instance Peer.
    pub const RD_INSTANCE: PeerType = PeerType(1);
    /// Local Instance Peer.
    pub const LOCAL_INSTANCE: PeerType = PeerType(2);
    /// Loc-RIB Instance Peer (RFC 9069).
    pub const LOC_RIB: PeerType = PeerType(3);

    const NAMES: [(PeerType, &'static str); 4] = [
        (PeerType::GLOBAL, "global"),
        (PeerType::RD_INSTANCE, "rd_instance"),
        (PeerType::LOCAL_INSTANCE, "local_instance"),
        (PeerType::LOC_RIB, "loc_rib"),
    ];

    /// The JSON name: `experimental` for 251-254, `unknown` for anything else unassigned.
    pub fn name(self) -> &'static str {
        match Self::NAMES.iter().find(|(t, _)| *t == self) {
            Some((_, n)) => n,
            None if (251..=254).contains(&self.0) => "experimental",
            None => "unknown",
        }
    }

    /// Whether its distinguisher is a route distinguisher (RD-instance and Loc-RIB peers).
    pub fn has_rd(self) -> bool {
        matches!(self, PeerType::RD_INSTANCE | PeerType::LOC_RIB)
    }
}

/// Its name, or its number when it has none.
impl fmt::Display for PeerType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match Self::NAMES.iter().find(|(t, _)| t == self) {
            Some((_, n)) => f.write_str(n),
            None => write!(f, "{}", self.0),
        }
    }
}

/// A name (`loc_rib`) or a number.
impl FromStr for PeerType {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        if let Some((t, _)) = Self::NAMES.iter().find(|(_, n)| *n == s) {
            return Ok(*t);
        }
        s.parse()
            .map(PeerType)
            .map_err(|_| format!("'{s}' is not a BMP peer type"))
    }
}

/// Common header length.
pub const COMMON_HEADER_LEN: usize = 6;
/// Per-peer header length.
pub const PER_PEER_HEADER_LEN: usize = 42;

/// Peer flag V: the peer address is IPv6.
pub const FLAG_V: u8 = 0x80;
/// Peer flag L: post-policy.
pub const FLAG_L: u8 = 0x40;
/// Peer flag A: legacy 2-octet AS_PATH.
pub const FLAG_A: u8 = 0x20;
/// Peer flag O: Adj-RIB-Out (RFC 8671).
pub const FLAG_O: u8 = 0x10;
/// Loc-RIB flag F: the Loc-RIB is filtered (RFC 9069 §4.2).
pub const FLAG_F: u8 = 0x80;

/// The common header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommonHeader {
    /// Version.
    pub version: u8,
    /// Length of the whole message, header included.
    pub length: u32,
    /// Message type.
    pub msg_type: MessageType,
}

/// Reads the common header from the first 6 octets (no checks: the framer does those).
pub fn common_header(b: &[u8; COMMON_HEADER_LEN]) -> CommonHeader {
    CommonHeader {
        version: b[0],
        length: u32::from_be_bytes([b[1], b[2], b[3], b[4]]),
        msg_type: MessageType(b[5]),
    }
}

/// The RIB a per-peer message describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RibView {
    /// Adj-RIB-In, pre-policy.
    AdjRibInPre,
    /// Adj-RIB-In, post-policy.
    AdjRibInPost,
    /// Adj-RIB-Out, pre-policy.
    AdjRibOutPre,
    /// Adj-RIB-Out, post-policy.
    AdjRibOutPost,
    /// Loc-RIB.
    LocRib,
    /// Unknown peer type: the flags mean nothing known.
    Unknown,
}

impl RibView {
    /// Every view, in their order.
    pub const ALL: [RibView; 6] = [
        RibView::AdjRibInPre,
        RibView::AdjRibInPost,
        RibView::AdjRibOutPre,
        RibView::AdjRibOutPost,
        RibView::LocRib,
        RibView::Unknown,
    ];

    /// JSON name.
    pub fn name(self) -> &'static str {
        match self {
            RibView::AdjRibInPre => "adj_rib_in_pre",
            RibView::AdjRibInPost => "adj_rib_in_post",
            RibView::AdjRibOutPre => "adj_rib_out_pre",
            RibView::AdjRibOutPost => "adj_rib_out_post",
            RibView::LocRib => "loc_rib",
            RibView::Unknown => "unknown",
        }
    }

    /// Short name for text output.
    pub fn short(self) -> &'static str {
        match self {
            RibView::AdjRibInPre => "in-pre",
            RibView::AdjRibInPost => "in-post",
            RibView::AdjRibOutPre => "out-pre",
            RibView::AdjRibOutPost => "out-post",
            RibView::LocRib => "loc-rib",
            RibView::Unknown => "?",
        }
    }
}

/// The per-peer header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PeerHeader {
    /// Peer type.
    pub peer_type: PeerType,
    /// Flags.
    pub flags: u8,
    /// Peer distinguisher.
    pub distinguisher: [u8; 8],
    /// Address octets as sent (IPv4 in the last 4 when V = 0).
    pub address_raw: [u8; 16],
    /// Peer AS.
    pub asn: u32,
    /// Peer BGP identifier.
    pub bgp_id: Ipv4Addr,
    /// Timestamp, seconds since the epoch (0 = unavailable).
    pub ts_sec: u32,
    /// Timestamp, microseconds.
    pub ts_usec: u32,
}

impl PeerHeader {
    /// Whether the peer type is 0-2, where the V/L/A/O flags apply.
    fn classic(&self) -> bool {
        self.peer_type.0 <= 2
    }

    /// Whether this is a Loc-RIB instance peer.
    pub fn is_loc_rib(&self) -> bool {
        self.peer_type == PeerType::LOC_RIB
    }

    /// Peer address is IPv6 (V flag; never for Loc-RIB).
    pub fn is_ipv6(&self) -> bool {
        self.classic() && self.flags & FLAG_V != 0
    }

    /// Post-policy (L flag).
    pub fn post_policy(&self) -> bool {
        self.classic() && self.flags & FLAG_L != 0
    }

    /// Legacy 2-octet AS_PATH (A flag).
    pub fn legacy_as2(&self) -> bool {
        self.classic() && self.flags & FLAG_A != 0
    }

    /// Adj-RIB-Out (O flag).
    pub fn adj_rib_out(&self) -> bool {
        self.classic() && self.flags & FLAG_O != 0
    }

    /// Loc-RIB filtered (F flag).
    pub fn loc_rib_filtered(&self) -> bool {
        self.is_loc_rib() && self.flags & FLAG_F != 0
    }

    /// Flag bits that must be zero for this peer type but are set.
    pub fn reserved_flags(&self) -> u8 {
        match self.peer_type.0 {
            0..=2 => self.flags & 0x0f,
            3 => self.flags & 0x7f,
            _ => 0,
        }
    }

    /// The RIB view.
    pub fn rib(&self) -> RibView {
        if self.is_loc_rib() {
            return RibView::LocRib;
        }
        if !self.classic() {
            return RibView::Unknown;
        }
        match (self.adj_rib_out(), self.post_policy()) {
            (false, false) => RibView::AdjRibInPre,
            (false, true) => RibView::AdjRibInPost,
            (true, false) => RibView::AdjRibOutPre,
            (true, true) => RibView::AdjRibOutPost,
        }
    }

    /// The router's timestamp of the message, unless it is 0 (unavailable).
    ///
    /// Microseconds of a second or more (malformed: the field is the fraction of the second)
    /// are clamped to 999 999 rather than carried into the seconds: the message stays in the
    /// second the router stamped, so its order among that router's messages is kept.
    pub fn time(&self) -> Option<Timestamp> {
        (self.ts_sec != 0)
            .then(|| Timestamp::from_micros(self.ts_sec.into(), self.ts_usec.min(999_999)))
    }

    /// The peer address.
    pub fn address(&self) -> IpAddr {
        if self.is_ipv6() {
            Ipv6Addr::from(self.address_raw).into()
        } else {
            let a = &self.address_raw[12..];
            Ipv4Addr::new(a[0], a[1], a[2], a[3]).into()
        }
    }

    /// The distinguisher as text ([`Distinguisher::new`]).
    pub fn distinguisher_text(&self) -> String {
        self.distinguisher_display().to_string()
    }

    /// [`Self::distinguisher_text`] without allocating: for output written to a writer.
    pub fn distinguisher_display(&self) -> Distinguisher {
        Distinguisher::new(self.peer_type, self.distinguisher)
    }
}

/// A peer distinguisher as it reads: `65000:1` or `0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Distinguisher {
    /// A route distinguisher (RD-instance and Loc-RIB peers).
    Rd(Rd),
    /// The 8 octets as a number (other peers, and a zero distinguisher).
    Number(u64),
}

impl Distinguisher {
    /// How the distinguisher of a peer of `peer_type` reads: a route distinguisher for the
    /// peer types that carry one (RD-instance and Loc-RIB) unless it is all zeros, else the 8
    /// octets as a number. The one place for this rule; it needs no [`PeerHeader`], so a peer
    /// kept by its type and distinguisher alone reads the same.
    pub fn new(peer_type: PeerType, octets: [u8; 8]) -> Self {
        if peer_type.has_rd() && octets != [0; 8] {
            Distinguisher::Rd(Rd(octets))
        } else {
            Distinguisher::Number(u64::from_be_bytes(octets))
        }
    }
}

impl std::fmt::Display for Distinguisher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Distinguisher::Rd(rd) => rd.fmt(f),
            Distinguisher::Number(n) => n.fmt(f),
        }
    }
}

impl PeerHeader {
    /// The per-peer header in these octets (every value is valid).
    pub fn from_octets(b: &[u8; PER_PEER_HEADER_LEN]) -> Self {
        let u32_at = |i: usize| u32::from_be_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
        let mut distinguisher = [0u8; 8];
        distinguisher.copy_from_slice(&b[2..10]);
        let mut address_raw = [0u8; 16];
        address_raw.copy_from_slice(&b[10..26]);
        PeerHeader {
            peer_type: PeerType(b[0]),
            flags: b[1],
            distinguisher,
            address_raw,
            asn: u32_at(26),
            bgp_id: Ipv4Addr::from(u32_at(30)),
            ts_sec: u32_at(34),
            ts_usec: u32_at(38),
        }
    }
}

/// Parses the 42-octet per-peer header.
pub fn per_peer_header(input: &[u8]) -> PResult<'_, PeerHeader> {
    let (rest, peer_type) = u8_(input, "peer type")?;
    let (rest, flags) = u8_(rest, "peer flags")?;
    let (rest, d) = take_n(rest, 8, "peer distinguisher")?;
    let (rest, a) = take_n(rest, 16, "peer address")?;
    let (rest, asn) = u32_(rest, "peer AS")?;
    let (rest, bgp_id) = ipv4(rest, "peer BGP ID")?;
    let (rest, ts_sec) = u32_(rest, "timestamp seconds")?;
    let (rest, ts_usec) = u32_(rest, "timestamp microseconds")?;
    let mut distinguisher = [0u8; 8];
    distinguisher.copy_from_slice(d);
    let mut address_raw = [0u8; 16];
    address_raw.copy_from_slice(a);
    Ok((
        rest,
        PeerHeader {
            peer_type: PeerType(peer_type),
            flags,
            distinguisher,
            address_raw,
            asn,
            bgp_id,
            ts_sec,
            ts_usec,
        },
    ))
}

/// Whether the octets look like a per-peer header a router would send: a known or experimental
/// peer type, reserved flag bits zero, and zero padding before an IPv4 address. Used by the
/// framer to resynchronise.
pub fn plausible_per_peer_header(b: &[u8]) -> bool {
    if b.len() < PER_PEER_HEADER_LEN {
        return false;
    }
    let (peer_type, flags) = (b[0], b[1]);
    match peer_type {
        0..=2 => {
            if flags & 0x0f != 0 {
                return false;
            }
            flags & FLAG_V != 0 || b[10..22].iter().all(|&x| x == 0)
        }
        3 => flags & 0x7f == 0,
        251..=254 => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::workload::XorShift;

    fn stamped(ts_sec: u32, ts_usec: u32) -> PeerHeader {
        let mut b = [0u8; PER_PEER_HEADER_LEN];
        b[34..38].copy_from_slice(&ts_sec.to_be_bytes());
        b[38..42].copy_from_slice(&ts_usec.to_be_bytes());
        PeerHeader::from_octets(&b)
    }

    #[test]
    fn router_time_clamps_microseconds_within_the_second() {
        // 1 700 000 000 s after the epoch is 2023-11-14T22:13:20Z.
        let time = |usec| stamped(1_700_000_000, usec).time().map(|t| t.to_string());
        assert_eq!(
            time(123_456).as_deref(),
            Some("2023-11-14T22:13:20.123456Z")
        );
        assert_eq!(
            time(999_999).as_deref(),
            Some("2023-11-14T22:13:20.999999Z")
        );
        // Out of range: the last microsecond of the same second, not 2.5 s later.
        for usec in [1_000_000, 2_500_000, u32::MAX] {
            assert_eq!(
                time(usec).as_deref(),
                Some("2023-11-14T22:13:20.999999Z"),
                "ts_usec {usec}"
            );
        }
        // Order is kept: a malformed stamp sorts before the next second's messages.
        assert!(stamped(1_700_000_000, 2_500_000).time() < stamped(1_700_000_001, 0).time());
        // Seconds 0 means unavailable, whatever the microseconds say.
        assert_eq!(stamped(0, 5).time(), None);
    }

    #[test]
    fn distinguisher_reads_as_an_rd_only_for_peer_types_with_one() {
        let rd = [0, 0, 0xfd, 0xe8, 0, 0, 0, 1];
        let text = |t: u8, octets| Distinguisher::new(PeerType(t), octets).to_string();
        assert_eq!(text(1, rd), "65000:1");
        assert_eq!(text(3, rd), "65000:1");
        // Global, local-instance and unknown peer types: the number.
        for t in [0, 2, 4, 251] {
            assert_eq!(text(t, rd), u64::from_be_bytes(rd).to_string(), "type {t}");
        }
        // A zero distinguisher is 0 for every type.
        for t in [0, 1, 2, 3] {
            assert_eq!(text(t, [0; 8]), "0", "type {t}");
        }
        let mut b = [0u8; PER_PEER_HEADER_LEN];
        b[0] = 1;
        b[2..10].copy_from_slice(&rd);
        let p = PeerHeader::from_octets(&b);
        assert_eq!(
            p.distinguisher_display(),
            Distinguisher::new(PeerType(1), rd)
        );
        assert_eq!(p.distinguisher_text(), "65000:1");
    }

    #[test]
    fn message_type_names_and_numbers_round_trip() {
        for (t, name) in MessageType::NAMES {
            assert_eq!(t.to_string(), name);
            assert_eq!(name.parse(), Ok(t));
            assert_eq!(t.0.to_string().parse(), Ok(t), "{name} by number");
        }
        // Unassigned types are kept, shown as their numbers and read back from them.
        for n in [7, 100, 251, 255] {
            let t = MessageType(n);
            assert_eq!(t.name(), "unknown");
            assert_eq!(t.to_string(), n.to_string());
            assert_eq!(t.to_string().parse(), Ok(t));
        }
        assert!("peer-down".parse::<MessageType>().is_err());
        assert!("256".parse::<MessageType>().is_err());
        assert!("".parse::<MessageType>().is_err());
    }

    #[test]
    fn peer_type_names_and_numbers_round_trip() {
        for (t, name) in PeerType::NAMES {
            assert_eq!(t.to_string(), name);
            assert_eq!(name.parse(), Ok(t));
            assert_eq!(t.0.to_string().parse(), Ok(t), "{name} by number");
        }
        // Unassigned and experimental types are kept and shown as their numbers, whatever their
        // JSON name.
        for (n, json_name) in [(4, "unknown"), (251, "experimental"), (255, "unknown")] {
            let t = PeerType(n);
            assert_eq!(t.name(), json_name);
            assert_eq!(t.to_string(), n.to_string());
            assert_eq!(t.to_string().parse(), Ok(t));
        }
        assert!("experimental".parse::<PeerType>().is_err());
        assert!("loc-rib".parse::<PeerType>().is_err());
        assert!("-1".parse::<PeerType>().is_err());
    }

    #[test]
    fn from_octets_reads_what_the_parser_reads() {
        let mut rng = XorShift(0x2545_f491_4f6c_dd1d);
        for _ in 0..1000 {
            let mut b = [0u8; PER_PEER_HEADER_LEN];
            for x in b.iter_mut() {
                *x = rng.next_u64() as u8;
            }
            let (rest, parsed) = per_peer_header(&b).expect("42 octets parse");
            assert!(rest.is_empty());
            assert_eq!(PeerHeader::from_octets(&b), parsed);
        }
    }
}
