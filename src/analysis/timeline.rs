//! `bmpctl timeline`: the session and peer events of every stream, in time order.
//!
//! # What is collected
//!
//! Only these events are stored (Route Monitoring is looked at for End-of-RIB and never kept):
//! BMP session start and end (from the source), Initiation, Termination, a session that
//! replaces an earlier one of the same router, Peer Up, Peer Down, End-of-RIB, every finding of
//! the decoder and the source, and `clock_skew`, a finding that only this view makes.
//!
//! Memory stays bounded on huge inputs: at most [`FINDINGS_PER_KIND`] findings of one kind are
//! kept per stream; the rest are counted and reported as one more `finding` event of that kind
//! (with `suppressed`: how many were left out) at the time of the last one left out.
//! End-of-RIB events are not capped (a router sends one per family and peer view after each
//! Peer Up).
//!
//! # Order
//!
//! Events are sorted by time, stably (equal times keep the order in which they arrived). The
//! time of an event is the capture or receive time when the source has one, else the router's
//! per-peer timestamp (when not 0). An event without a time (an Initiation or a Termination
//! read from a raw file, the end of a file) sorts at the latest time seen so far in its stream,
//! so it stays after the events that preceded it in the stream; one that comes before any time
//! of its stream sorts at the first time the stream shows later. Its `time` stays `null`.
//!
//! # Peers: flaps and time down
//!
//! A peer is identified by its router (sysName when the Initiation gave one, else the router
//! address, else the stream name) and its per-peer header (type, distinguisher, address, AS, BGP
//! ID); the RIB view is not part of it, since one Peer Down ends every view of a peer. It
//! survives a BMP reconnect: a Peer Up in a later session of the same router ends a down period
//! that began in an earlier one. A *flap* is a Peer Down for a peer that was not already down
//! (a second Peer Down without a Peer Up between, as routers send one per RIB view, is shown
//! but not counted again). A down period lasts from that Peer Down to the next Peer Up of the
//! peer (any view); `down_for` on that Peer Up is its length, and `down_seconds_total` sums the
//! periods that ended (a peer still down at the end adds nothing; `state` says `down`).
//!
//! # Clock skew
//!
//! When a message carries both a router timestamp (per-peer header, not 0) and an observed
//! (capture or receive) time and they differ by more than [`CLOCK_SKEW_LIMIT_SECS`] seconds, a
//! `clock_skew` event is reported, once per router. A router time *behind* the observed time is
//! only taken from Peer Down and Statistics Report messages: Route Monitoring timestamps say when
//! a route was received and Peer Up timestamps when the session came up (RFC 7854 §4.2), both of
//! which are legitimately in the past. A capture that was re-timestamped (a replayed pcap) shows
//! as skew too.
//!
//! # JSON (`--json`)
//!
//! ```text
//! {"events": [EVENT, ...], "peers": [PEER, ...]}
//! ```
//!
//! Every EVENT has:
//! * `time`: RFC 3339 with microseconds (`2024-01-15T15:53:20.445228Z`), or `null`.
//! * `router`: sysName once the stream's Initiation gave one, else the router address, else the
//!   stream name.
//! * `stream`: the stream name (file, or file and TCP connection).
//! * `peer` (per-peer events only): the peer object of `decode --json` (`address`, `asn`,
//!   `bgp_id`, `type`, `type_code`, `distinguisher`, `rib`, `flags`, `timestamp_sec`,
//!   `timestamp_usec`).
//! * `event`: one of the names below, with its fields:
//!   * `session_start`: `address` (router address or `null`), `reconnect` (the source saw an
//!     earlier connection from the same router), `replaces` (stream name of the earlier session
//!     of the same router, or `null`).
//!   * `session_replaced`: a second stream of a router seen before (the same router address
//!     at its start, or the same sysName in its Initiation; its `time` is that of the start or
//!     the Initiation): `replaces` (the earlier stream's name), `matched_by` (`address` or
//!     `sys_name`), `previous_ended` (whether the earlier stream had ended by then).
//!   * `initiation`: `sys_name`, `sys_descr` (each `null` when absent), `information` (the
//!     other string TLVs' values).
//!   * `termination`: `reason` (`{code, name}` or `null`), `information` (string TLVs).
//!   * `session_end`: `how`: `termination` (a Termination message was received), `tcp_close`,
//!     `tcp_reset`, `superseded` (a new connection on the same 4-tuple) or `end_of_input`;
//!     `transport`: how the source saw the stream end (the last four names); `reason` (the
//!     Termination reason `{code, name}`, when there was one).
//!   * `peer_up`: `hold_time` (negotiated: the smaller of the two OPENs' hold times; `null`
//!     when the OPENs do not decode), `local_address`, `local_port`, `remote_port`,
//!     `capabilities` (names of the capabilities advertised in both OPENs, each once, in the
//!     received OPEN's order), `families` (multiprotocol families advertised in both),
//!     `information` (string TLVs, e.g. a VRF name), `down_for` (seconds the peer was down,
//!     when this Peer Up ends a down period and both times are known).
//!   * `peer_down`: `reason`: `{code, name}` plus, for reasons 1 and 3, `notification`:
//!     `{code, subcode, name, subcode_name, shutdown_communication?}` (or `{raw}` when it does
//!     not decode); for reason 2, `fsm_event`: `{code, name}`; for reason 6, `information`;
//!     `flaps`: the peer's flap count so far, this one included.
//!   * `end_of_rib`: `family` (e.g. `ipv4_unicast`), `afi`, `safi`, `initial` (the first
//!     End-of-RIB of this family and RIB view since the Peer Up: the initial table is
//!     complete), `dump_seconds` (for an initial one: seconds since the peer's Peer Up for
//!     that view, else its latest Peer Up for another view (routers often send one Peer Up
//!     for pre- and post-policy), else since the session start when the stream began with an
//!     Initiation; absent when none is known, e.g. in a capture that starts mid-session),
//!     `dump_from` (`peer_up` or `session_start`, with `dump_seconds`). A later End-of-RIB
//!     of the same family and view (without a new Peer Up) has `initial` false.
//!   * `finding`: `severity` (`error`, `warning`, `info`), `kind` (the decoder's finding kinds,
//!     e.g. `truncated_message`, `route_monitoring_before_peer_up`, `duplicate_peer_up`,
//!     `tcp_gap`), `detail`; `suppressed` (count) on the summary event of a capped kind.
//!   * `clock_skew`: `severity` (`warning`), `kind` (`clock_skew`), `detail`, `router_time`,
//!     `observed_time`, `skew_seconds` (router time minus observed time: positive when the
//!     router is ahead), `message` (the BMP message type it was seen on).
//!
//! Every PEER (one per peer that had a Peer Up or a Peer Down, identified as described above,
//! so without `rib`; sorted by router, then peer type, distinguisher and address): `router`,
//! `address`, `asn`, `bgp_id`, `type`, `distinguisher`, `flaps`, `down_seconds_total`, `state`
//! (`up` or `down`: after its last Peer Up or Peer Down).
//!
//! Durations (`down_for`, `down_seconds_total`, `dump_seconds`, `skew_seconds`) are seconds as
//! JSON numbers with microsecond precision.
//!
//! Filters: the shared filters apply to every event as in `decode`; session start, end and
//! replacement (which carry no peer) are dropped when `--peer` or `--rib` is given, and follow
//! `--router`, `--since` and `--until` (the router matched by its final sysName, address or
//! stream name). `--afi` selects the End-of-RIB families. A filtered-out Peer Down does not
//! count as a flap, so a later Peer Up then has no `down_for`.
//!
//! # Text
//!
//! One line per event: time (UTC `HH:MM:SS.mmm`, with a line giving the date whenever it
//! changes; `-` without a time), router (only when the report covers more than one router),
//! peer (address and RIB view; `loc-rib` and its distinguisher for a Loc-RIB instance), event
//! and details in words; Peer Up in green, Peer Down in red, findings and `clock_skew` by
//! severity (error red, warning yellow, info blue). Router-supplied strings are escaped for
//! the terminal. Long fields are cut with `…` to fit the width. Then a table with one row per
//! peer: flaps, total time down, state.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::IpAddr;

use colored::Colorize;
use comfy_table::{ContentArrangement, Table, presets};
use serde_json::{Map, Value, json};

use super::{Analysis, View};
use crate::decode::bgp::open::{Capability, Open};
use crate::decode::bgp::{self, BgpMessage, BgpPdu};
use crate::decode::bmp::Body;
use crate::decode::bmp::header::{PeerHeader, RibView};
use crate::decode::bmp::info::InfoTlv;
use crate::decode::bmp::peer_down::Reason;
use crate::decode::codes;
use crate::event::{EndReason as EndHow, Event, Lifecycle, RouterInfo, StreamCtx, event_time};
use crate::filter::Filter;
use crate::finding::{Kind, Severity};
use crate::hash::FastBuild;
use crate::render::json as rjson;
use crate::render::json::time_or_null;
use crate::render::sanitize::for_terminal;
use crate::session::PeerKey;
use crate::time::Timestamp;

/// Microseconds since the epoch.
fn micros(t: Timestamp) -> u64 {
    t.micros()
}

/// Findings of one kind kept per stream; the rest are counted.
pub const FINDINGS_PER_KIND: u32 = 1000;

/// Router and observed time further apart than this (seconds) is a `clock_skew`.
pub const CLOCK_SKEW_LIMIT_SECS: u64 = 60;

/// A NOTIFICATION carried by a Peer Down.
#[derive(Debug, Clone)]
enum Notif {
    Decoded {
        code: u8,
        subcode: u8,
        shutdown: Option<String>,
    },
    Raw(String),
}

#[derive(Debug, Clone)]
enum Kindof {
    SessionStart {
        address: Option<IpAddr>,
        reconnect: bool,
        replaces: Option<String>,
    },
    SessionReplaced {
        replaces: String,
        by: &'static str,
        previous_ended: bool,
    },
    SessionEnd {
        transport: EndHow,
        termination: Option<Option<u16>>,
    },
    Initiation {
        sys_name: Option<String>,
        sys_descr: Option<String>,
        info: Vec<String>,
    },
    Termination {
        reason: Option<u16>,
        info: Vec<String>,
    },
    PeerUp {
        hold_time: Option<u16>,
        local_address: IpAddr,
        local_port: u16,
        remote_port: u16,
        capabilities: Vec<&'static str>,
        families: Vec<String>,
        info: Vec<String>,
        down_for: Option<u64>,
    },
    PeerDown {
        code: u8,
        notification: Option<Notif>,
        fsm: Option<u16>,
        info: Vec<String>,
        flaps: u32,
    },
    EndOfRib {
        afi: u16,
        safi: u8,
        initial: bool,
        dump: Option<(u64, &'static str)>,
    },
    Finding {
        kind: Kind,
        detail: String,
        suppressed: Option<u64>,
    },
    ClockSkew {
        router_time: Timestamp,
        observed: Timestamp,
        skew_micros: i64,
        message: &'static str,
    },
}

impl Kindof {
    fn name(&self) -> &'static str {
        match self {
            Kindof::SessionStart { .. } => "session_start",
            Kindof::SessionReplaced { .. } => "session_replaced",
            Kindof::SessionEnd { .. } => "session_end",
            Kindof::Initiation { .. } => "initiation",
            Kindof::Termination { .. } => "termination",
            Kindof::PeerUp { .. } => "peer_up",
            Kindof::PeerDown { .. } => "peer_down",
            Kindof::EndOfRib { .. } => "end_of_rib",
            Kindof::Finding { .. } => "finding",
            Kindof::ClockSkew { .. } => "clock_skew",
        }
    }
}

/// One stored event.
#[derive(Debug, Clone)]
struct Stored {
    stream: usize,
    time: Option<Timestamp>,
    /// Sort key (microseconds); `None` until the stream shows a time.
    key: Option<u64>,
    peer: Option<PeerHeader>,
    /// Came from the source's lifecycle, not through the app's filter: filtered at report time.
    lifecycle: bool,
    what: Kindof,
}

/// Per RIB view of a peer within a stream: for End-of-RIB.
#[derive(Debug, Default)]
struct ViewState {
    up_at: Option<u64>,
    eor_seen: HashSet<(u16, u8), FastBuild>,
}

#[derive(Debug, Default)]
struct Suppressed {
    count: u64,
    time: Option<Timestamp>,
    key: Option<u64>,
    peer: Option<PeerHeader>,
}

#[derive(Debug, Default)]
struct StreamState {
    name: String,
    address: Option<IpAddr>,
    sys_name: Option<String>,
    /// Latest time seen in the stream (microseconds).
    max_time: Option<u64>,
    /// Events waiting for the stream's first time.
    pending: Vec<usize>,
    /// Session start time, when known (start of the stream, else its first time).
    start: Option<u64>,
    /// The stream began with an Initiation (its session start was seen).
    initiated: bool,
    any_message: bool,
    /// Some(reason) once a Termination was received.
    termination: Option<Option<u16>>,
    start_event: Option<usize>,
    replaced: bool,
    ended: bool,
    /// Per peer, its RIB views: a peer's views are found without a scan of every peer's.
    views: HashMap<PeerKey, BTreeMap<RibView, ViewState>>,
    findings: HashMap<Kind, u32>,
    suppressed: BTreeMap<Kind, Suppressed>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PeerState {
    Unknown,
    Up,
    Down,
}

impl PeerState {
    fn name(self) -> &'static str {
        match self {
            PeerState::Unknown => "unknown",
            PeerState::Up => "up",
            PeerState::Down => "down",
        }
    }
}

#[derive(Debug)]
struct PeerSummary {
    header: PeerHeader,
    state: PeerState,
    down_since: Option<u64>,
    flaps: u32,
    down_total: u64,
}

/// The timeline view.
#[derive(Debug)]
pub struct Timeline {
    filter: Filter,
    events: Vec<Stored>,
    streams: Vec<StreamState>,
    open: HashMap<String, usize>,
    by_address: HashMap<IpAddr, usize>,
    by_sys_name: HashMap<String, usize>,
    peers: BTreeMap<(String, PeerKey), PeerSummary>,
    skew_reported: HashSet<String>,
}

impl Timeline {
    /// A new view.
    pub fn new(filter: Filter) -> Self {
        Timeline {
            filter,
            events: Vec::new(),
            streams: Vec::new(),
            open: HashMap::new(),
            by_address: HashMap::new(),
            by_sys_name: HashMap::new(),
            peers: BTreeMap::new(),
            skew_reported: HashSet::new(),
        }
    }

    fn new_stream(&mut self, name: &str, address: Option<IpAddr>) -> usize {
        let idx = self.streams.len();
        self.streams.push(StreamState {
            name: name.to_string(),
            address,
            ..StreamState::default()
        });
        self.open.insert(name.to_string(), idx);
        idx
    }

    fn stream_of(&mut self, ctx: &StreamCtx<'_>) -> usize {
        match self.open.get(ctx.name) {
            Some(&i) => i,
            None => self.new_stream(ctx.name, ctx.router.address),
        }
    }

    /// Notes a time seen in a stream: the latest time, and the sort key of the events that
    /// were waiting for one.
    fn see_time(&mut self, s: usize, t: Option<Timestamp>) {
        let Some(t) = t.map(micros) else { return };
        let st = &mut self.streams[s];
        st.max_time = Some(st.max_time.map_or(t, |m| m.max(t)));
        if st.start.is_none() {
            st.start = Some(t);
        }
        for i in std::mem::take(&mut st.pending) {
            self.events[i].key = Some(t);
        }
    }

    fn push(
        &mut self,
        s: usize,
        time: Option<Timestamp>,
        peer: Option<PeerHeader>,
        lifecycle: bool,
        what: Kindof,
    ) -> usize {
        self.see_time(s, time);
        let idx = self.events.len();
        // The stream's latest time so far, not the event's own: a router's timestamps can step
        // back a little (FRR's per-peer timestamps are not monotonic), and events of one stream
        // must keep the order in which the router sent them.
        let key = self.streams[s].max_time;
        if key.is_none() {
            self.streams[s].pending.push(idx);
        }
        self.events.push(Stored {
            stream: s,
            time,
            key,
            peer,
            lifecycle,
            what,
        });
        idx
    }

    fn replaced(&mut self, s: usize, time: Option<Timestamp>, previous: usize, by: &'static str) {
        if previous == s || self.streams[s].replaced {
            return;
        }
        self.streams[s].replaced = true;
        let replaces = self.streams[previous].name.clone();
        if let Some(e) = self.streams[s].start_event {
            if let Kindof::SessionStart { replaces: r, .. } = &mut self.events[e].what {
                *r = Some(replaces.clone());
            }
        }
        let previous_ended = self.streams[previous].ended;
        self.push(
            s,
            time,
            None,
            true,
            Kindof::SessionReplaced {
                replaces,
                by,
                previous_ended,
            },
        );
    }

    fn finding(&mut self, s: usize, time: Option<Timestamp>, f: &crate::finding::Finding) {
        let n = self.streams[s].findings.entry(f.kind).or_insert(0);
        if *n >= FINDINGS_PER_KIND {
            self.see_time(s, time);
            let key = time.map(micros).or(self.streams[s].max_time);
            let sup = self.streams[s].suppressed.entry(f.kind).or_default();
            sup.count += 1;
            sup.time = time.or(sup.time);
            sup.key = key.or(sup.key);
            sup.peer = f.peer;
            return;
        }
        *n += 1;
        self.push(
            s,
            time,
            f.peer,
            false,
            Kindof::Finding {
                kind: f.kind,
                detail: f.detail.clone(),
                suppressed: None,
            },
        );
    }

    fn peer_up(
        &mut self,
        ctx: &StreamCtx<'_>,
        s: usize,
        time: Option<Timestamp>,
        p: &PeerHeader,
        up: &crate::decode::bmp::peer_up::PeerUp<'_>,
        opens: Option<&(Open<'_>, Open<'_>)>,
    ) {
        let t = time.map(micros);
        let key = PeerKey::from(p);
        let rib = p.rib();
        let views = self.streams[s].views.entry(key).or_default();
        views.entry(rib).or_default();
        for (r, v) in views.iter_mut() {
            // This view starts over; so do the peer's views that had no Peer Up of their own.
            if *r == rib || v.up_at.is_none() {
                v.eor_seen.clear();
            }
        }
        if let Some(v) = views.get_mut(&rib) {
            v.up_at = t;
        }
        let summary = self.peer_summary(ctx, p);
        let mut down_for = None;
        if summary.state == PeerState::Down {
            if let (Some(since), Some(t)) = (summary.down_since, t) {
                let d = t.saturating_sub(since);
                down_for = Some(d);
                summary.down_total = summary.down_total.saturating_add(d);
            }
        }
        summary.state = PeerState::Up;
        summary.down_since = None;
        summary.header = *p;
        let (hold_time, capabilities, families) = match opens {
            Some((sent, recv)) => {
                let (caps, fams) = negotiated(sent, recv);
                (Some(sent.hold_time.min(recv.hold_time)), caps, fams)
            }
            None => (None, Vec::new(), Vec::new()),
        };
        self.push(
            s,
            time,
            Some(*p),
            false,
            Kindof::PeerUp {
                hold_time,
                local_address: up.local_address,
                local_port: up.local_port,
                remote_port: up.remote_port,
                capabilities,
                families,
                info: texts(&up.information),
                down_for,
            },
        );
    }

    fn peer_summary(&mut self, ctx: &StreamCtx<'_>, p: &PeerHeader) -> &mut PeerSummary {
        self.peers
            .entry((ctx.router_name(), PeerKey::from(p)))
            .or_insert(PeerSummary {
                header: *p,
                state: PeerState::Unknown,
                down_since: None,
                flaps: 0,
                down_total: 0,
            })
    }

    fn peer_down(
        &mut self,
        ctx: &StreamCtx<'_>,
        s: usize,
        time: Option<Timestamp>,
        p: &PeerHeader,
        reason: &Reason<'_>,
    ) {
        let key = PeerKey::from(p);
        self.streams[s].views.remove(&key);
        let seen_from_start = self.streams[s].initiated;
        let summary = self.peer_summary(ctx, p);
        if summary.state != PeerState::Down {
            // A flap is a Peer Down that found the peer up: after a Peer Up, or in a stream seen
            // only from mid-session. One before any Peer Up of a session seen from its
            // Initiation (FRR sends one) is shown but not counted.
            if summary.state == PeerState::Up || !seen_from_start {
                summary.flaps += 1;
            }
            summary.state = PeerState::Down;
            summary.down_since = time.map(micros);
        }
        summary.header = *p;
        let flaps = summary.flaps;
        let (notification, fsm, info) = match reason {
            Reason::Notification { pdu, .. } => (Some(notification(pdu)), None, Vec::new()),
            Reason::FsmEvent(e) => (None, Some(*e), Vec::new()),
            Reason::Tlvs(t) => (None, None, texts(t)),
            Reason::NoData(_) | Reason::Other { .. } => (None, None, Vec::new()),
        };
        self.push(
            s,
            time,
            Some(*p),
            false,
            Kindof::PeerDown {
                code: reason.code(),
                notification,
                fsm,
                info,
                flaps,
            },
        );
    }

    fn end_of_rib(
        &mut self,
        s: usize,
        time: Option<Timestamp>,
        p: &PeerHeader,
        (afi, safi): (u16, u8),
    ) {
        let t = time.map(micros);
        let st = &mut self.streams[s];
        let (initiated, start) = (st.initiated, st.start);
        let key = PeerKey::from(p);
        // A router may send one Peer Up for several views: use the latest of the peer's.
        let views = st.views.entry(key).or_default();
        let any_up = views.values().filter_map(|v| v.up_at).max();
        let view = views.entry(p.rib()).or_default();
        let initial = !view.eor_seen.contains(&(afi, safi));
        if initial {
            view.eor_seen.insert((afi, safi));
        }
        let dump = if initial {
            let from = match view.up_at.or(any_up) {
                Some(u) => Some((u, "peer_up")),
                None if initiated => start.map(|s| (s, "session_start")),
                None => None,
            };
            from.zip(t).map(|((f, how), t)| (t.saturating_sub(f), how))
        } else {
            None
        };
        self.push(
            s,
            time,
            Some(*p),
            false,
            Kindof::EndOfRib {
                afi,
                safi,
                initial,
                dump,
            },
        );
    }

    fn clock_skew(&mut self, ctx: &StreamCtx<'_>, s: usize, msg: &crate::decode::bmp::BmpMessage) {
        let (Some(p), Some(observed)) = (msg.peer(), ctx.observed) else {
            return;
        };
        if p.ts_sec == 0 {
            return;
        }
        let router_time = Timestamp::from_micros(p.ts_sec.into(), p.ts_usec);
        // In i128: capture times may be as large as a pcapng clock allows.
        let skew = (i128::from(micros(router_time)) - i128::from(micros(observed)))
            .clamp(i64::MIN.into(), i64::MAX.into()) as i64;
        let limit = (CLOCK_SKEW_LIMIT_SECS * 1_000_000) as i64;
        let behind_counts = matches!(msg.body, Body::PeerDown(..) | Body::StatisticsReport(..));
        if !(skew > limit || (skew < -limit && behind_counts)) {
            return;
        }
        if !self.skew_reported.insert(ctx.router_name()) {
            return;
        }
        self.push(
            s,
            Some(observed),
            Some(*p),
            false,
            Kindof::ClockSkew {
                router_time,
                observed,
                skew_micros: skew,
                message: codes::message_type_name(msg.header.msg_type),
            },
        );
    }

    /// The router's name for a stream: sysName, else address, else stream name.
    fn router_name(&self, s: usize) -> String {
        let st = &self.streams[s];
        match (&st.sys_name, st.address) {
            (Some(n), _) => n.clone(),
            (None, Some(a)) => a.to_string(),
            (None, None) => st.name.clone(),
        }
    }

    /// The events to report, in order (lifecycle events filtered here; synthetic summary
    /// events of capped findings added).
    fn ordered(&self) -> Vec<Stored> {
        let mut out: Vec<Stored> = Vec::new();
        for e in &self.events {
            if e.lifecycle && !self.lifecycle_passes(e) {
                continue;
            }
            out.push(e.clone());
        }
        for (i, st) in self.streams.iter().enumerate() {
            for (kind, sup) in &st.suppressed {
                out.push(Stored {
                    stream: i,
                    time: sup.time,
                    key: sup.key,
                    peer: sup.peer,
                    lifecycle: false,
                    what: Kindof::Finding {
                        kind: *kind,
                        detail: format!(
                            "{} more {} findings in this stream not listed (at most {FINDINGS_PER_KIND} per kind and stream)",
                            sup.count,
                            kind.name()
                        ),
                        suppressed: Some(sup.count),
                    },
                });
            }
        }
        // Stable: equal keys keep arrival order; streams that never showed a time sort first.
        out.sort_by_key(|e| e.key.unwrap_or(0));
        out
    }

    fn lifecycle_passes(&self, e: &Stored) -> bool {
        let f = &self.filter;
        if !f.peers.is_empty() || !f.ribs.is_empty() {
            return false;
        }
        let st = &self.streams[e.stream];
        let router = RouterInfo {
            address: st.address,
            sys_name: st.sys_name.clone(),
            sys_descr: None,
        };
        let ctx = StreamCtx::new(&st.name, &router, None);
        f.router(&ctx) && f.time(e.time)
    }

    fn event_json(&self, e: &Stored) -> Value {
        let mut o = Map::new();
        o.insert("time".into(), time_or_null(e.time));
        o.insert("router".into(), self.router_name(e.stream).into());
        o.insert("stream".into(), self.streams[e.stream].name.clone().into());
        if let Some(p) = &e.peer {
            o.insert("peer".into(), rjson::peer(p));
        }
        o.insert("event".into(), e.what.name().into());
        match &e.what {
            Kindof::SessionStart {
                address,
                reconnect,
                replaces,
            } => {
                o.insert(
                    "address".into(),
                    address.map_or(Value::Null, |a| a.to_string().into()),
                );
                o.insert("reconnect".into(), (*reconnect).into());
                o.insert("replaces".into(), replaces.clone().into());
            }
            Kindof::SessionReplaced {
                replaces,
                by,
                previous_ended,
            } => {
                o.insert("replaces".into(), replaces.clone().into());
                o.insert("matched_by".into(), (*by).into());
                o.insert("previous_ended".into(), (*previous_ended).into());
            }
            Kindof::SessionEnd {
                transport,
                termination,
            } => {
                let how = if termination.is_some() {
                    "termination"
                } else {
                    transport.name()
                };
                o.insert("how".into(), how.into());
                o.insert("transport".into(), transport.name().into());
                if let Some(Some(code)) = termination {
                    o.insert("reason".into(), termination_reason(*code));
                }
            }
            Kindof::Initiation {
                sys_name,
                sys_descr,
                info,
            } => {
                o.insert("sys_name".into(), sys_name.clone().into());
                o.insert("sys_descr".into(), sys_descr.clone().into());
                o.insert("information".into(), info.clone().into());
            }
            Kindof::Termination { reason, info } => {
                o.insert(
                    "reason".into(),
                    reason.map_or(Value::Null, termination_reason),
                );
                o.insert("information".into(), info.clone().into());
            }
            Kindof::PeerUp {
                hold_time,
                local_address,
                local_port,
                remote_port,
                capabilities,
                families,
                info,
                down_for,
            } => {
                o.insert("hold_time".into(), (*hold_time).into());
                o.insert("local_address".into(), local_address.to_string().into());
                o.insert("local_port".into(), (*local_port).into());
                o.insert("remote_port".into(), (*remote_port).into());
                o.insert("capabilities".into(), capabilities.clone().into());
                o.insert("families".into(), families.clone().into());
                o.insert("information".into(), info.clone().into());
                if let Some(d) = down_for {
                    o.insert("down_for".into(), seconds(*d));
                }
            }
            Kindof::PeerDown {
                code,
                notification,
                fsm,
                info,
                flaps,
            } => {
                let mut r = json!({"code": code, "name": codes::peer_down_reason_name(*code)});
                if let Some(n) = notification {
                    r["notification"] = match n {
                        Notif::Decoded {
                            code,
                            subcode,
                            shutdown,
                        } => crate::render::json::notification_json(
                            *code,
                            *subcode,
                            shutdown.as_deref(),
                        ),
                        Notif::Raw(raw) => json!({"raw": raw}),
                    };
                }
                if let Some(e) = fsm {
                    r["fsm_event"] = json!({"code": e, "name": codes::fsm_event_name(*e)});
                }
                if !info.is_empty() {
                    r["information"] = info.clone().into();
                }
                o.insert("reason".into(), r);
                o.insert("flaps".into(), (*flaps).into());
            }
            Kindof::EndOfRib {
                afi,
                safi,
                initial,
                dump,
            } => {
                o.insert("family".into(), codes::family_name(*afi, *safi).into());
                o.insert("afi".into(), (*afi).into());
                o.insert("safi".into(), (*safi).into());
                o.insert("initial".into(), (*initial).into());
                if let Some((d, from)) = dump {
                    o.insert("dump_seconds".into(), seconds(*d));
                    o.insert("dump_from".into(), (*from).into());
                }
            }
            Kindof::Finding {
                kind,
                detail,
                suppressed,
            } => {
                o.insert("severity".into(), kind.severity().name().into());
                o.insert("kind".into(), kind.name().into());
                o.insert("detail".into(), detail.clone().into());
                if let Some(n) = suppressed {
                    o.insert("suppressed".into(), (*n).into());
                }
            }
            Kindof::ClockSkew {
                router_time,
                observed,
                skew_micros,
                message,
            } => {
                o.insert("severity".into(), Severity::Warning.name().into());
                o.insert("kind".into(), "clock_skew".into());
                o.insert("detail".into(), skew_detail(*skew_micros).into());
                o.insert("router_time".into(), time_or_null(Some(*router_time)));
                o.insert("observed_time".into(), time_or_null(Some(*observed)));
                o.insert(
                    "skew_seconds".into(),
                    (*skew_micros as f64 / 1_000_000.0).into(),
                );
                o.insert("message".into(), (*message).into());
            }
        }
        Value::Object(o)
    }

    /// The event's details in words (router strings made safe for a terminal).
    fn event_text(&self, e: &Stored) -> String {
        match &e.what {
            Kindof::SessionStart {
                address,
                reconnect,
                replaces,
            } => {
                let mut s = match address {
                    Some(a) => format!("BMP stream from {a} begins"),
                    None => "BMP stream begins".to_string(),
                };
                if *reconnect {
                    s.push_str(" (reconnect)");
                }
                if let Some(r) = replaces {
                    s.push_str(&format!("; replaces {r}"));
                }
                s
            }
            Kindof::SessionReplaced { replaces, by, .. } => format!(
                "same {} as the earlier session {replaces}",
                if *by == "address" {
                    "address"
                } else {
                    "sysName"
                }
            ),
            Kindof::SessionEnd {
                transport,
                termination,
            } => {
                let t = match transport {
                    EndHow::Fin => "TCP close",
                    EndHow::Reset => "TCP reset",
                    EndHow::Superseded => "superseded by a new connection",
                    EndHow::EndOfInput => "end of input",
                };
                match termination {
                    Some(Some(c)) => format!(
                        "Termination: {} ({c}); {t}",
                        codes::termination_reason_name(*c)
                    ),
                    Some(None) => format!("Termination; {t}"),
                    None => t.to_string(),
                }
            }
            Kindof::Initiation {
                sys_name,
                sys_descr,
                info,
            } => {
                let mut parts = Vec::new();
                if let Some(n) = sys_name {
                    parts.push(format!("sysName {}", for_terminal(n)));
                }
                if let Some(d) = sys_descr {
                    parts.push(format!("sysDescr {}", for_terminal(d)));
                }
                parts.extend(info.iter().map(|i| for_terminal(i)));
                if parts.is_empty() {
                    "no information".into()
                } else {
                    parts.join("; ")
                }
            }
            Kindof::Termination { reason, info } => {
                let mut s = match reason {
                    Some(c) => format!("{} ({c})", codes::termination_reason_name(*c)),
                    None => "no reason given".into(),
                };
                for i in info {
                    s.push_str(&format!("; \"{}\"", for_terminal(i)));
                }
                s
            }
            Kindof::PeerUp {
                hold_time,
                local_port,
                remote_port,
                capabilities,
                families,
                info,
                down_for,
                ..
            } => {
                let mut parts = Vec::new();
                if let Some(d) = down_for {
                    parts.push(format!("down for {}", duration_text(*d)));
                }
                if let Some(h) = hold_time {
                    parts.push(format!("hold {h}s"));
                }
                parts.push(format!("ports {local_port}/{remote_port}"));
                if !families.is_empty() {
                    parts.push(families.join(" "));
                }
                let caps: Vec<&str> = capabilities
                    .iter()
                    .copied()
                    .filter(|c| *c != "multiprotocol")
                    .collect();
                if !caps.is_empty() {
                    parts.push(caps.join(" "));
                }
                for i in info {
                    parts.push(format!("\"{}\"", for_terminal(i)));
                }
                parts.join("; ")
            }
            Kindof::PeerDown {
                code,
                notification,
                fsm,
                info,
                flaps,
            } => {
                let mut s = format!("{} ({code})", reason_words(*code));
                match notification {
                    Some(Notif::Decoded {
                        code,
                        subcode,
                        shutdown,
                    }) => {
                        s.push_str(&format!(
                            ": {}, {}",
                            codes::notification_code_name(*code),
                            codes::notification_subcode_name(*code, *subcode)
                        ));
                        if let Some(t) = shutdown {
                            s.push_str(&format!(" \"{}\"", for_terminal(t)));
                        }
                        s.push_str(&format!(" ({code}/{subcode})"));
                    }
                    Some(Notif::Raw(_)) => s.push_str(": NOTIFICATION does not decode"),
                    None => {}
                }
                if let Some(e) = fsm {
                    s.push_str(&format!(": FSM event {} ({e})", codes::fsm_event_name(*e)));
                }
                for i in info {
                    s.push_str(&format!(", \"{}\"", for_terminal(i)));
                }
                s.push_str(&format!("; flap {flaps}"));
                s
            }
            Kindof::EndOfRib {
                afi,
                safi,
                initial,
                dump,
            } => {
                let fam = codes::family_name(*afi, *safi);
                match (initial, dump) {
                    (true, Some((d, from))) => format!(
                        "{fam} complete {} after {}",
                        duration_text(*d),
                        if *from == "peer_up" {
                            "Peer Up"
                        } else {
                            "session start"
                        }
                    ),
                    (true, None) => format!("{fam} initial table complete"),
                    (false, _) => format!("{fam} again"),
                }
            }
            Kindof::Finding { kind, detail, .. } => {
                format!(
                    "{} {}: {}",
                    kind.severity().name(),
                    kind.name(),
                    for_terminal(detail)
                )
            }
            Kindof::ClockSkew { skew_micros, .. } => {
                format!("warning: {}", skew_detail(*skew_micros))
            }
        }
    }
}

/// A Peer Down reason in a few words (the JSON has the full name).
fn reason_words(code: u8) -> &'static str {
    match code {
        1 => "local close",
        2 => "local close",
        3 => "remote close",
        4 => "remote close, no data",
        5 => "peer de-configured",
        6 => "local close",
        0 => "reserved reason",
        _ => codes::peer_down_reason_name(code),
    }
}

/// Capability names and families advertised in both OPENs.
fn negotiated(sent: &Open<'_>, recv: &Open<'_>) -> (Vec<&'static str>, Vec<String>) {
    // Sets of what was sent, built once: an extended OPEN may carry thousands of capabilities.
    let mut sent_codes = [false; 256];
    let mut sent_families = HashSet::<(u16, u8), FastBuild>::default();
    for s in &sent.capabilities {
        sent_codes[usize::from(s.code())] = true;
        if let Capability::Multiprotocol { afi, safi } = s {
            sent_families.insert((*afi, *safi));
        }
    }
    let mut caps: Vec<&'static str> = Vec::new();
    let mut fams = Vec::new();
    let (mut caps_done, mut fams_done) = ([false; 256], HashSet::<(u16, u8), FastBuild>::default());
    for c in &recv.capabilities {
        if let Capability::Multiprotocol { afi, safi } = c {
            if sent_families.contains(&(*afi, *safi)) && fams_done.insert((*afi, *safi)) {
                fams.push(codes::family_name(*afi, *safi));
            }
        }
        let code = usize::from(c.code());
        if sent_codes[code] && !caps_done[code] {
            caps_done[code] = true;
            caps.push(codes::capability_name(c.code()));
        }
    }
    (caps, fams)
}

fn notification(pdu: &BgpPdu<'_>) -> Notif {
    match bgp::decode_pdu(pdu) {
        Ok(BgpMessage::Notification(n)) => Notif::Decoded {
            code: n.code,
            subcode: n.subcode,
            shutdown: n.shutdown_communication(),
        },
        _ => Notif::Raw(crate::decode::hex(pdu.raw)),
    }
}

fn texts(tlvs: &[InfoTlv<'_>]) -> Vec<String> {
    tlvs.iter().map(|t| t.text()).collect()
}

fn termination_reason(code: u16) -> Value {
    json!({"code": code, "name": codes::termination_reason_name(code)})
}

/// Microseconds as a JSON number of seconds.
fn seconds(us: u64) -> Value {
    (us as f64 / 1_000_000.0).into()
}

fn skew_detail(skew: i64) -> String {
    format!(
        "router clock {} {} the observed time (or the capture was re-timestamped)",
        duration_text(skew.unsigned_abs()),
        if skew > 0 { "ahead of" } else { "behind" }
    )
}

/// A duration for people: `12.5s`, `3m 05s`, `2h 03m`, `4d 02h`.
fn duration_text(us: u64) -> String {
    let s = us / 1_000_000;
    if s < 60 {
        let ms = us / 1000;
        if ms % 1000 == 0 {
            format!("{s}s")
        } else {
            format!(
                "{}s",
                format!("{:.3}", us as f64 / 1_000_000.0).trim_end_matches('0')
            )
        }
    } else if s < 3600 {
        format!("{}m {:02}s", s / 60, s % 60)
    } else if s < 86_400 {
        format!("{}h {:02}m", s / 3600, (s / 60) % 60)
    } else {
        format!("{}d {:02}h", s / 86_400, (s / 3600) % 24)
    }
}

/// One line of the text report.
struct Row {
    time: Option<Timestamp>,
    router: String,
    peer: String,
    event: &'static str,
    detail: String,
    severity: Option<Severity>,
}

/// The peer in a text line: address and RIB view; a Loc-RIB instance by its distinguisher.
fn peer_text(p: &PeerHeader) -> String {
    if p.is_loc_rib() {
        loc_rib_text(p)
    } else {
        format!("{} {}", p.address(), p.rib().short())
    }
}

fn loc_rib_text(p: &PeerHeader) -> String {
    if p.distinguisher == [0; 8] {
        "loc-rib".to_string()
    } else {
        format!("loc-rib rd {}", p.distinguisher_text())
    }
}

/// Cuts `s` to `w` characters, ending in `…` when cut; pads to `w` when `pad`.
fn fit(s: &str, w: usize, pad: bool) -> String {
    let n = s.chars().count();
    if n > w {
        if w == 0 {
            return String::new();
        }
        let mut out: String = s.chars().take(w - 1).collect();
        out.push('…');
        out
    } else if pad {
        format!("{s}{}", " ".repeat(w - n))
    } else {
        s.to_string()
    }
}

impl Analysis for Timeline {
    fn event(&mut self, ctx: &StreamCtx<'_>, ev: &Event<'_>) {
        let s = self.stream_of(ctx);
        let time = event_time(ctx, ev);
        match ev {
            Event::Finding(f) => self.finding(s, time, f),
            Event::Message(d) => {
                let first = !self.streams[s].any_message;
                self.streams[s].any_message = true;
                if self.streams[s].address.is_none() {
                    self.streams[s].address = ctx.router.address;
                }
                match &d.msg.body {
                    Body::Initiation(tlvs) => {
                        if first {
                            self.streams[s].initiated = true;
                        }
                        let mut sys_name = None;
                        let mut sys_descr = None;
                        let mut info = Vec::new();
                        for t in tlvs {
                            match t.tlv_type {
                                1 => sys_descr = Some(t.text()),
                                2 => sys_name = Some(t.text()),
                                _ => info.push(t.text()),
                            }
                        }
                        self.push(
                            s,
                            time,
                            None,
                            false,
                            Kindof::Initiation {
                                sys_name: sys_name.clone(),
                                sys_descr,
                                info,
                            },
                        );
                        if let Some(n) = sys_name {
                            self.streams[s].sys_name = Some(n.clone());
                            if let Some(&prev) = self.by_sys_name.get(&n) {
                                self.replaced(s, time, prev, "sys_name");
                            }
                            self.by_sys_name.insert(n, s);
                        }
                    }
                    Body::Termination(tlvs) => {
                        let reason = tlvs
                            .iter()
                            .find(|t| t.tlv_type == 1 && t.value.len() == 2)
                            .map(|t| u16::from_be_bytes([t.value[0], t.value[1]]));
                        let info = tlvs
                            .iter()
                            .filter(|t| t.tlv_type != 1)
                            .map(|t| t.text())
                            .collect();
                        self.streams[s].termination = Some(reason);
                        self.push(s, time, None, false, Kindof::Termination { reason, info });
                    }
                    Body::PeerUp(p, up) => {
                        self.peer_up(ctx, s, time, p, up, d.opens.as_deref());
                    }
                    Body::PeerDown(p, down) => {
                        self.peer_down(ctx, s, time, p, &down.reason);
                    }
                    Body::RouteMonitoring(p, _) => {
                        let eor = d.update.as_ref().and_then(|(u, _)| u.end_of_rib());
                        match eor {
                            Some(fam) if self.filter.family(fam.0, fam.1) => {
                                self.end_of_rib(s, time, p, fam)
                            }
                            _ => self.see_time(s, time),
                        }
                    }
                    _ => self.see_time(s, time),
                }
                self.clock_skew(ctx, s, &d.msg);
            }
        }
    }

    fn lifecycle(&mut self, l: &Lifecycle<'_>) {
        match *l {
            Lifecycle::StreamStart {
                stream,
                address: router,
                time,
                reconnect,
                ..
            } => {
                let s = self.new_stream(stream, router);
                if let Some(t) = time {
                    self.streams[s].start = Some(micros(t));
                }
                let e = self.push(
                    s,
                    time,
                    None,
                    true,
                    Kindof::SessionStart {
                        address: router,
                        reconnect,
                        replaces: None,
                    },
                );
                self.streams[s].start_event = Some(e);
                if let Some(a) = router {
                    if let Some(&prev) = self.by_address.get(&a) {
                        self.replaced(s, time, prev, "address");
                    }
                    self.by_address.insert(a, s);
                }
            }
            Lifecycle::StreamEnd {
                stream,
                router,
                how,
                time,
                ..
            } => {
                let s = match self.open.get(stream) {
                    Some(&s) => s,
                    None => self.new_stream(stream, router.address),
                };
                if self.streams[s].sys_name.is_none() {
                    self.streams[s].sys_name = router.sys_name.clone();
                }
                let termination = self.streams[s].termination;
                self.push(
                    s,
                    time,
                    None,
                    true,
                    Kindof::SessionEnd {
                        transport: how,
                        termination,
                    },
                );
                self.streams[s].ended = true;
                self.open.remove(stream);
            }
        }
    }
}

impl View for Timeline {
    fn report(&self) -> super::Report<'_> {
        super::Report::Timeline(Report { view: self })
    }
}

/// The report. Its JSON and text are still built by the view's own code (`report_json`,
/// `report_text`); they move to serde types and a renderer in [`crate::render`].
#[derive(Debug)]
pub struct Report<'a> {
    view: &'a Timeline,
}

impl serde::Serialize for Report<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.view.report_json().serialize(s)
    }
}

impl Report<'_> {
    /// The text report, `width` columns wide.
    pub fn legacy_text(&self, width: u16) -> String {
        self.view.report_text(width)
    }
}

impl Timeline {
    fn report_json(&self) -> Value {
        let events: Vec<Value> = self.ordered().iter().map(|e| self.event_json(e)).collect();
        let peers: Vec<Value> = self
            .peers
            .iter()
            .map(|((router, _), p)| {
                let h = &p.header;
                json!({
                    "router": router,
                    "address": h.address().to_string(),
                    "asn": h.asn,
                    "bgp_id": h.bgp_id.to_string(),
                    "type": codes::peer_type_name(h.peer_type),
                    "distinguisher": h.distinguisher_text(),
                    "flaps": p.flaps,
                    "down_seconds_total": (p.down_total as f64 / 1_000_000.0),
                    "state": p.state.name(),
                })
            })
            .collect();
        json!({"events": events, "peers": peers})
    }
    fn report_text(&self, width: u16) -> String {
        let width = width as usize;
        let events = self.ordered();
        let mut out = String::new();
        if events.is_empty() {
            out.push_str("no session or peer events\n");
        }
        let rows: Vec<Row> = events
            .iter()
            .map(|e| Row {
                time: e.time,
                router: for_terminal(&self.router_name(e.stream)),
                peer: e.peer.as_ref().map_or_else(|| "-".to_string(), peer_text),
                event: e.what.name(),
                detail: self.event_text(e),
                severity: match &e.what {
                    Kindof::Finding { kind, .. } => Some(kind.severity()),
                    Kindof::ClockSkew { .. } => Some(Severity::Warning),
                    _ => None,
                },
            })
            .collect();
        // The router column only when there is more than one router.
        let one_router = rows.windows(2).all(|w| w[0].router == w[1].router);
        let tw = if rows.iter().any(|r| r.time.is_some()) {
            12
        } else {
            1
        };
        let mut rw = if one_router {
            0
        } else {
            rows.iter()
                .map(|r| r.router.chars().count())
                .max()
                .unwrap_or(0)
                .min(20)
        };
        let mut pw = rows
            .iter()
            .map(|r| r.peer.chars().count())
            .max()
            .unwrap_or(0)
            .min(30);
        let ew = rows.iter().map(|r| r.event.len()).max().unwrap_or(0);
        let seps = if one_router { 6 } else { 8 };
        // Leave at least 28 columns of detail: narrow the peer and router columns first.
        while tw + rw + pw + ew + seps + 28 > width && (rw > 10 || pw > 12) {
            if pw > 12 && (pw >= rw || rw <= 10) {
                pw -= 1;
            } else {
                rw -= 1;
            }
        }
        let dw = width.saturating_sub(tw + rw + pw + ew + seps).max(10);
        let mut day = String::new();
        for r in &rows {
            let (date, clock) = match r.time {
                Some(t) => {
                    let full = t.to_string();
                    (full[..10].to_string(), full[11..23].to_string())
                }
                None => (String::new(), "-".to_string()),
            };
            if !date.is_empty() && date != day {
                out.push_str(&date);
                out.push('\n');
                day = date;
            }
            let ev = fit(r.event, ew, true);
            let ev = match (r.event, r.severity) {
                ("peer_up", _) => ev.green().to_string(),
                ("peer_down", _) => ev.red().to_string(),
                (_, Some(Severity::Error)) => ev.red().to_string(),
                (_, Some(Severity::Warning)) => ev.yellow().to_string(),
                (_, Some(Severity::Info)) => ev.blue().to_string(),
                _ => ev,
            };
            let mut line = fit(&clock, tw, true);
            line.push_str("  ");
            if !one_router {
                line.push_str(&fit(&r.router, rw, true));
                line.push_str("  ");
            }
            line.push_str(&fit(&r.peer, pw, true));
            line.push_str("  ");
            line.push_str(&ev);
            line.push_str("  ");
            line.push_str(&fit(&r.detail, dw, false));
            out.push_str(line.trim_end());
            out.push('\n');
        }
        if !self.peers.is_empty() {
            let mut table = Table::new();
            table
                .load_preset(presets::UTF8_FULL_CONDENSED)
                .set_content_arrangement(ContentArrangement::Dynamic)
                .set_width(width as u16)
                .set_header(vec!["router", "peer", "flaps", "time down", "state"]);
            for ((router, _), p) in &self.peers {
                let h = &p.header;
                let peer = if h.is_loc_rib() {
                    format!("{} AS{}", loc_rib_text(h), h.asn)
                } else {
                    format!("{} AS{}", h.address(), h.asn)
                };
                table.add_row(vec![
                    for_terminal(router),
                    peer,
                    p.flaps.to_string(),
                    if p.flaps == 0 {
                        "-".to_string()
                    } else {
                        duration_text(p.down_total)
                    },
                    p.state.name().to_string(),
                ]);
            }
            out.push('\n');
            out.push_str(&table.to_string());
            out.push('\n');
        }
        out.trim_end_matches('\n').to_string()
    }
}
