//! The timeline's report: the events in order and one summary per peer, as serde types whose
//! serialization is the `timeline --json` document (described in the module docs of
//! [`super`]). The text renderer (`render/timeline.rs`) reads everything it shows from here;
//! fields the JSON leaves out are `#[serde(skip)]`.

use crate::analysis::notification::NotificationReport;
use std::borrow::Cow;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr};

use serde::{Serialize, Serializer};

use crate::decode::bmp::header::PeerHeader;
use crate::decode::codes;
use crate::event::EndReason;
use crate::finding::{Kind, Severity};
use crate::identity::MatchedBy;
use crate::time::Timestamp;

/// The `timeline` report.
#[derive(Debug, Serialize)]
pub struct Report<'a> {
    /// Every event, sorted by time (stably: see the module docs of [`super`]).
    pub events: Vec<Event<'a>>,
    /// One per peer that had a Peer Up or a Peer Down, sorted by router, then peer type,
    /// distinguisher and address.
    pub peers: Vec<PeerSummary<'a>>,
}

/// One event of the timeline.
#[derive(Debug, Serialize)]
pub struct Event<'a> {
    /// Observed time, else the router's time; `None` when the event has neither.
    pub time: Option<Timestamp>,
    /// The stream's router: its final sysName, else its address, else the stream name.
    pub router: String,
    /// The stream's name.
    pub stream: &'a str,
    /// The peer of a per-peer event.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peer: Option<EventPeer<'a>>,
    /// What happened (its JSON name is the `event` key).
    #[serde(flatten)]
    pub what: Cow<'a, EventKind>,
}

/// The `peer` object of an event: the same as in `decode --json`.
#[derive(Debug, Serialize)]
pub struct EventPeer<'a> {
    /// Peer address.
    pub address: IpAddr,
    /// Peer AS.
    pub asn: u32,
    /// Peer BGP identifier.
    pub bgp_id: Ipv4Addr,
    /// Peer type name.
    #[serde(rename = "type")]
    pub peer_type: &'static str,
    /// Peer type code.
    pub type_code: u8,
    /// Peer distinguisher as text.
    pub distinguisher: String,
    /// RIB view name.
    pub rib: &'static str,
    /// Per-peer header flags.
    pub flags: u8,
    /// Router timestamp, seconds (0: none).
    pub timestamp_sec: u32,
    /// Router timestamp, microseconds.
    pub timestamp_usec: u32,
    /// The header itself, for the text.
    #[serde(skip)]
    pub header: &'a PeerHeader,
}

impl<'a> EventPeer<'a> {
    /// The `peer` object of `header`.
    pub fn new(header: &'a PeerHeader) -> Self {
        EventPeer {
            address: header.address(),
            asn: header.asn,
            bgp_id: header.bgp_id,
            peer_type: header.peer_type.name(),
            type_code: header.peer_type.0,
            distinguisher: header.distinguisher_text(),
            rib: header.rib().name(),
            flags: header.flags,
            timestamp_sec: header.ts_sec,
            timestamp_usec: header.ts_usec,
            header,
        }
    }
}

/// What an event is, with its fields. The view stores these as they are reported.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum EventKind {
    /// A BMP stream starts.
    SessionStart {
        /// Router address, when the source knows it.
        address: Option<IpAddr>,
        /// The source saw an earlier connection from the same router.
        reconnect: bool,
        /// The earlier session of the same router this one replaces.
        replaces: Option<String>,
    },
    /// A stream of a router seen before.
    SessionReplaced {
        /// The earlier stream's name.
        replaces: String,
        /// What tied the two.
        #[serde(serialize_with = "matched_by_name")]
        matched_by: MatchedBy,
        /// The earlier stream had ended by then.
        previous_ended: bool,
    },
    /// A BMP stream ends.
    SessionEnd {
        /// `termination` when a Termination message was received, else the transport's word.
        how: &'static str,
        /// How the source saw the stream end.
        #[serde(serialize_with = "end_reason_name")]
        transport: EndReason,
        /// The Termination's reason, when it gave one.
        #[serde(skip_serializing_if = "Option::is_none")]
        reason: Option<CodeName<u16>>,
        /// A Termination message was received.
        #[serde(skip)]
        terminated: bool,
    },
    /// An Initiation message.
    Initiation {
        /// sysName.
        sys_name: Option<String>,
        /// sysDescr.
        sys_descr: Option<String>,
        /// The other string TLVs' values.
        information: Vec<String>,
    },
    /// A Termination message.
    Termination {
        /// Its reason.
        reason: Option<CodeName<u16>>,
        /// Its string TLVs' values.
        information: Vec<String>,
    },
    /// A Peer Up.
    PeerUp {
        /// Negotiated hold time (the smaller of the two OPENs'), when the OPENs decode.
        hold_time: Option<u16>,
        /// Local address of the BGP session.
        local_address: IpAddr,
        /// Local port.
        local_port: u16,
        /// Remote port.
        remote_port: u16,
        /// Capabilities advertised in both OPENs, each once, in the received OPEN's order.
        capabilities: Vec<&'static str>,
        /// Multiprotocol families advertised in both OPENs.
        families: Vec<String>,
        /// The string TLVs' values.
        information: Vec<String>,
        /// How long the peer was down, when this Peer Up ends a down period.
        #[serde(skip_serializing_if = "Option::is_none")]
        down_for: Option<Seconds>,
    },
    /// A Peer Down.
    PeerDown {
        /// Its reason.
        reason: PeerDownReason,
        /// The peer's flap count so far, this one included.
        flaps: u32,
    },
    /// An End-of-RIB.
    EndOfRib {
        /// Family name.
        family: String,
        /// AFI.
        afi: u16,
        /// SAFI.
        safi: u8,
        /// The first End-of-RIB of this family and RIB view since the Peer Up.
        initial: bool,
        /// For an initial one: how long the table took.
        #[serde(skip_serializing_if = "Option::is_none")]
        dump_seconds: Option<Seconds>,
        /// What `dump_seconds` counts from.
        #[serde(skip_serializing_if = "Option::is_none")]
        dump_from: Option<DumpFrom>,
    },
    /// A finding of the decoder or the source.
    Finding {
        /// Its severity.
        #[serde(serialize_with = "severity_name")]
        severity: Severity,
        /// Its kind.
        #[serde(serialize_with = "kind_name")]
        kind: Kind,
        /// What it says.
        detail: String,
        /// On the summary event of a capped kind: how many were left out.
        #[serde(skip_serializing_if = "Option::is_none")]
        suppressed: Option<u64>,
    },
    /// The router's clock and the observed time disagree.
    ClockSkew {
        /// Always a warning.
        #[serde(serialize_with = "severity_name")]
        severity: Severity,
        /// `clock_skew`.
        kind: &'static str,
        /// What it means, in words.
        detail: String,
        /// The router's time.
        router_time: Timestamp,
        /// The observed time.
        observed_time: Timestamp,
        /// Router time minus observed time (positive: the router is ahead), in microseconds;
        /// seconds in the JSON.
        #[serde(rename = "skew_seconds", serialize_with = "micros_as_seconds")]
        skew_micros: i64,
        /// The BMP message type it was seen on.
        message: &'static str,
    },
}

impl EventKind {
    /// The event's name (the JSON `event`).
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::SessionStart { .. } => "session_start",
            EventKind::SessionReplaced { .. } => "session_replaced",
            EventKind::SessionEnd { .. } => "session_end",
            EventKind::Initiation { .. } => "initiation",
            EventKind::Termination { .. } => "termination",
            EventKind::PeerUp { .. } => "peer_up",
            EventKind::PeerDown { .. } => "peer_down",
            EventKind::EndOfRib { .. } => "end_of_rib",
            EventKind::Finding { .. } => "finding",
            EventKind::ClockSkew { .. } => "clock_skew",
        }
    }

    /// The severity of a finding or a clock skew.
    pub fn severity(&self) -> Option<Severity> {
        match self {
            EventKind::Finding { severity, .. } | EventKind::ClockSkew { severity, .. } => {
                Some(*severity)
            }
            _ => None,
        }
    }
}

/// A code and its name.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct CodeName<T> {
    /// The code.
    pub code: T,
    /// Its name.
    pub name: &'static str,
}

impl CodeName<u16> {
    /// A Termination reason.
    pub fn termination_reason(code: u16) -> Self {
        CodeName {
            code,
            name: codes::termination_reason_name(code),
        }
    }
}

/// Why a peer went down.
#[derive(Debug, Clone, Serialize)]
pub struct PeerDownReason {
    /// The Peer Down reason code.
    pub code: u8,
    /// Its name.
    pub name: &'static str,
    /// Reasons 1 and 3: the NOTIFICATION.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notification: Option<Notification>,
    /// Reason 2: the FSM event.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fsm_event: Option<CodeName<u16>>,
    /// Reason 6: the string TLVs' values.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub information: Vec<String>,
}

/// The NOTIFICATION a Peer Down carries.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Notification {
    /// It decodes.
    Decoded(NotificationReport),
    /// It does not decode: its octets in hex.
    Raw {
        /// The BGP message, in hex.
        raw: String,
    },
}

/// What an initial End-of-RIB's `dump_seconds` counts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DumpFrom {
    /// The peer's Peer Up.
    PeerUp,
    /// The session's start (a stream that began with an Initiation).
    SessionStart,
}

/// A peer's state after its last Peer Up or Peer Down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PeerState {
    /// Neither seen yet.
    Unknown,
    /// After a Peer Up.
    Up,
    /// After a Peer Down.
    Down,
}

impl PeerState {
    /// Its name (as in the JSON).
    pub fn name(self) -> &'static str {
        match self {
            PeerState::Unknown => "unknown",
            PeerState::Up => "up",
            PeerState::Down => "down",
        }
    }
}

/// One peer's flaps and time down, across the sessions of its router.
#[derive(Debug, Serialize)]
pub struct PeerSummary<'a> {
    /// The router's name (as when the peer was first seen).
    pub router: &'a str,
    /// Peer address.
    pub address: IpAddr,
    /// Peer AS.
    pub asn: u32,
    /// Peer BGP identifier.
    pub bgp_id: Ipv4Addr,
    /// Peer type name.
    #[serde(rename = "type")]
    pub peer_type: &'static str,
    /// Peer distinguisher as text.
    pub distinguisher: String,
    /// Peer Downs that found the peer up.
    pub flaps: u32,
    /// The down periods that ended, summed.
    pub down_seconds_total: Seconds,
    /// After its last Peer Up or Peer Down.
    pub state: PeerState,
    /// The peer's latest per-peer header, for the text.
    #[serde(skip)]
    pub header: &'a PeerHeader,
}

/// A duration in microseconds; in the JSON, seconds as a number with microsecond precision
/// (always a float). Displayed for people: `12.5s`, `3m 05s`, `2h 03m`, `4d 02h` (the
/// clock_skew `detail` of the JSON uses it too).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Seconds(pub u64);

impl Serialize for Seconds {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.0 as f64 / 1_000_000.0)
    }
}

impl fmt::Display for Seconds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let us = self.0;
        let s = us / 1_000_000;
        if s < 60 {
            if us / 1000 % 1000 == 0 {
                write!(f, "{s}s")
            } else {
                let text = format!("{:.3}", us as f64 / 1_000_000.0);
                write!(f, "{}s", text.trim_end_matches('0'))
            }
        } else if s < 3600 {
            write!(f, "{}m {:02}s", s / 60, s % 60)
        } else if s < 86_400 {
            write!(f, "{}h {:02}m", s / 3600, (s / 60) % 60)
        } else {
            write!(f, "{}d {:02}h", s / 86_400, (s / 3600) % 24)
        }
    }
}

fn micros_as_seconds<S: Serializer>(us: &i64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(*us as f64 / 1_000_000.0)
}

fn matched_by_name<S: Serializer>(m: &MatchedBy, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(m.name())
}

fn end_reason_name<S: Serializer>(r: &EndReason, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(r.name())
}

fn severity_name<S: Serializer>(v: &Severity, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(v.name())
}

fn kind_name<S: Serializer>(k: &Kind, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(k.name())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_in_words() {
        let words = |us| Seconds(us).to_string();
        assert_eq!(words(0), "0s");
        assert_eq!(words(15_000_000), "15s");
        assert_eq!(words(12_500_000), "12.5s");
        assert_eq!(words(12_000_400), "12s");
        assert_eq!(words(66_957_576), "1m 06s");
        assert_eq!(words(3_600_000_000 + 180_000_000), "1h 03m");
        assert_eq!(words(4 * 86_400_000_000 + 7_200_000_000), "4d 02h");
    }
}
