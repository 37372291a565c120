//! Findings: what was wrong or noteworthy in a stream, with where it was found. The decoder
//! produces them as data; only the renderers print them.

use crate::decode::bmp::header::{MessageType, PeerHeader};

/// How bad a finding is. Errors make the run exit with status 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The input is malformed: something could not be decoded as sent.
    Error,
    /// The input is valid but the sender or the stream did something unusual.
    Warning,
    /// Worth knowing; nothing is wrong with the input.
    Info,
}

impl Severity {
    /// JSON name.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// The kinds of finding. Their names are part of the JSON contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// Bytes skipped to find the next message.
    GarbageSkipped,
    /// A message longer than the cap, skipped by its length.
    OversizeMessage,
    /// The stream ended inside a message.
    TruncatedMessage,
    /// A message whose body does not parse.
    MalformedMessage,
    /// A BGP message inside BMP that does not parse.
    MalformedBgp,
    /// A path attribute that does not parse (RFC 7606 would apply).
    MalformedAttribute,
    /// An UPDATE field that no interpretation decodes.
    UndecodableUpdate,
    /// An UPDATE decoded only by a fallback interpretation.
    DecodeFallback,
    /// An unassigned or experimental BMP message type.
    UnknownMessageType,
    /// Route Monitoring for a peer without a Peer Up in this stream.
    RouteMonitoringBeforePeerUp,
    /// A second Peer Up without a Peer Down in between.
    DuplicatePeerUp,
    /// Peer Down for a peer without a Peer Up in this stream.
    PeerDownWithoutPeerUp,
    /// The A flag and the OPENs disagree on the AS width.
    AsWidthMismatch,
    /// Peer Down reason 0, which must not be sent.
    ReservedPeerDownReason,
    /// Peer Down reason 2 with FSM event 0 (FRR's usual local reset).
    LocalCloseNoDetail,
    /// Statistics Report whose count disagrees with its statistics, or a cut-off statistic.
    StatisticsMismatch,
    /// Octets after the end of a structure that should fill its message.
    TrailingData,
    /// Reserved per-peer flag bits set.
    ReservedFlags,
    /// BGP marker not all ones.
    BadBgpMarker,
    /// A BMP version 1 or 2 stream.
    LegacyVersion,
    /// Bytes of a TCP stream missing from the capture.
    TcpGap,
    /// The capture file is cut short or corrupt.
    CaptureDamaged,
    /// Reordering needed more buffer than allowed: the missing bytes count as a gap.
    ReorderOverflow,
    /// A TCP flow whose bytes do not frame as BMP (ignored).
    NonBmpFlow,
    /// Anything else the capture or OpenBMP reader noticed.
    SourceNotice,
}

impl Kind {
    /// JSON name.
    pub fn name(self) -> &'static str {
        match self {
            Kind::GarbageSkipped => "garbage_skipped",
            Kind::OversizeMessage => "oversize_message",
            Kind::TruncatedMessage => "truncated_message",
            Kind::MalformedMessage => "malformed_message",
            Kind::MalformedBgp => "malformed_bgp",
            Kind::MalformedAttribute => "malformed_attribute",
            Kind::UndecodableUpdate => "undecodable_update",
            Kind::DecodeFallback => "decode_fallback",
            Kind::UnknownMessageType => "unknown_message_type",
            Kind::RouteMonitoringBeforePeerUp => "route_monitoring_before_peer_up",
            Kind::DuplicatePeerUp => "duplicate_peer_up",
            Kind::PeerDownWithoutPeerUp => "peer_down_without_peer_up",
            Kind::AsWidthMismatch => "as_width_mismatch",
            Kind::ReservedPeerDownReason => "reserved_peer_down_reason",
            Kind::LocalCloseNoDetail => "local_close_no_detail",
            Kind::StatisticsMismatch => "statistics_mismatch",
            Kind::TrailingData => "trailing_data",
            Kind::ReservedFlags => "reserved_flags",
            Kind::BadBgpMarker => "bad_bgp_marker",
            Kind::LegacyVersion => "legacy_version",
            Kind::TcpGap => "tcp_gap",
            Kind::CaptureDamaged => "capture_damaged",
            Kind::ReorderOverflow => "reorder_overflow",
            Kind::NonBmpFlow => "non_bmp_flow",
            Kind::SourceNotice => "source_notice",
        }
    }

    /// Default severity of the kind.
    pub fn severity(self) -> Severity {
        match self {
            Kind::GarbageSkipped
            | Kind::OversizeMessage
            | Kind::TruncatedMessage
            | Kind::MalformedMessage
            | Kind::MalformedBgp
            | Kind::MalformedAttribute
            | Kind::UndecodableUpdate
            | Kind::LegacyVersion
            | Kind::TcpGap
            | Kind::CaptureDamaged => Severity::Error,
            Kind::DecodeFallback
            | Kind::DuplicatePeerUp
            | Kind::AsWidthMismatch
            | Kind::ReservedPeerDownReason
            | Kind::StatisticsMismatch
            | Kind::TrailingData
            | Kind::ReservedFlags
            | Kind::BadBgpMarker
            | Kind::ReorderOverflow
            | Kind::SourceNotice => Severity::Warning,
            Kind::UnknownMessageType
            | Kind::RouteMonitoringBeforePeerUp
            | Kind::PeerDownWithoutPeerUp
            | Kind::LocalCloseNoDetail
            | Kind::NonBmpFlow => Severity::Info,
        }
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// What was found; its severity follows from it.
    pub kind: Kind,
    /// Stream offset (of the message, plus the offset within it where known).
    pub offset: u64,
    /// BMP message type, when the finding is about a message.
    pub msg_type: Option<MessageType>,
    /// The peer, when there is one.
    pub peer: Option<PeerHeader>,
    /// What exactly, for people.
    pub detail: String,
    /// Raw octets kept so that nothing is lost (an undecodable field, a malformed message).
    pub raw: Option<Vec<u8>>,
    /// Stream bytes the finding covers: skipped (`garbage_skipped`, `legacy_version`) or
    /// missing (`tcp_gap`).
    pub bytes: Option<u64>,
}

impl Finding {
    /// A finding without peer or raw data.
    pub fn new(kind: Kind, offset: u64, msg_type: Option<MessageType>, detail: String) -> Self {
        Finding {
            kind,
            offset,
            msg_type,
            peer: None,
            detail,
            raw: None,
            bytes: None,
        }
    }

    /// Attaches the number of stream bytes skipped or missing.
    pub fn with_bytes(mut self, bytes: u64) -> Self {
        self.bytes = Some(bytes);
        self
    }

    /// Attaches the peer.
    pub fn with_peer(mut self, peer: Option<PeerHeader>) -> Self {
        self.peer = peer;
        self
    }

    /// Attaches raw octets.
    pub fn with_raw(mut self, raw: &[u8]) -> Self {
        self.raw = Some(raw.to_vec());
        self
    }

    /// How bad it is: its kind's severity.
    pub fn severity(&self) -> Severity {
        self.kind.severity()
    }
}
