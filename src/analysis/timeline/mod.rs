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
//! # Report
//!
//! [`Report`] holds the events in order and one summary per peer; its fields, and the
//! `timeline --json` document they serialize to, are described once, in docs/json.md.
//! render/timeline.rs draws it as one line per event and a table of the peers.
//!
//! # Filters
//!
//! Filters: the shared filters apply to every event as in `decode`; session start, end and
//! replacement (which carry no peer) are dropped when `--peer` or `--rib` is given, and follow
//! `--router`, `--since` and `--until` (the router matched by its final sysName, address or
//! stream name). `--afi` selects the End-of-RIB families. A filtered-out Peer Down does not
//! count as a flap, so a later Peer Up then has no `down_for`.
//!

pub mod report;

use crate::analysis::notification::NotificationReport;
use crate::decode::family::Family;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::net::IpAddr;

pub use report::Report;
use report::{
    CodeName, DumpFrom, Event as ReportEvent, EventKind, EventPeer, Notification, PeerDownReason,
    PeerState, PeerSummary, Seconds,
};

use super::{Analysis, View};
use crate::decode::bgp::open::{Capability, Open};
use crate::decode::bgp::{self, BgpMessage, BgpPdu};
use crate::decode::bmp::header::{PeerHeader, RibView};
use crate::decode::bmp::info::{self, InfoTlv};
use crate::decode::bmp::peer_down::Reason;
use crate::decode::bmp::peer_up::PeerUp;
use crate::decode::bmp::{BmpMessage, Body};
use crate::decode::codes;
use crate::event::{Event, Lifecycle, RouterInfo, RouterName, StreamCtx, event_time};
use crate::filter::Filter;
use crate::finding::{Finding, Kind, Severity};
use crate::hash::FastBuild;
use crate::identity::Predecessor;
use crate::session::PeerKey;
use crate::time::Timestamp;

/// Findings of one kind kept per stream; the rest are counted.
pub const FINDINGS_PER_KIND: u32 = 1000;

/// Router and observed time further apart than this (seconds) is a `clock_skew`.
pub const CLOCK_SKEW_LIMIT_SECS: u64 = 60;

/// One stored event.
#[derive(Debug)]
struct Stored {
    stream: usize,
    time: Option<Timestamp>,
    /// Sort key: the stream's latest time when the event came; `None` until the stream shows
    /// a time.
    key: Option<Timestamp>,
    peer: Option<PeerHeader>,
    /// Came from the source's lifecycle, not through the app's filter: filtered at report time.
    lifecycle: bool,
    what: EventKind,
}

/// Per RIB view of a peer within a stream: for End-of-RIB.
#[derive(Debug, Default)]
struct ViewState {
    up_at: Option<Timestamp>,
    eor_seen: HashSet<Family, FastBuild>,
}

/// The findings of one kind left out of a stream's events.
#[derive(Debug, Default)]
struct Suppressed {
    count: u64,
    time: Option<Timestamp>,
    key: Option<Timestamp>,
    peer: Option<PeerHeader>,
}

#[derive(Debug, Default)]
struct StreamState {
    name: String,
    address: Option<IpAddr>,
    sys_name: Option<String>,
    /// Latest time seen in the stream.
    max_time: Option<Timestamp>,
    /// Events waiting for the stream's first time.
    pending: Vec<usize>,
    /// Session start time, when known (start of the stream, else its first time).
    start: Option<Timestamp>,
    /// The stream began with an Initiation (its session start was seen).
    initiated: bool,
    any_message: bool,
    /// Some(reason) once a Termination was received.
    termination: Option<Option<u16>>,
    start_event: Option<usize>,
    /// Per peer, its RIB views: a peer's views are found without a scan of every peer's.
    views: HashMap<PeerKey, BTreeMap<RibView, ViewState>>,
    findings: HashMap<Kind, u32>,
    suppressed: BTreeMap<Kind, Suppressed>,
}

/// A peer's flaps and down periods so far, across the sessions of its router.
#[derive(Debug)]
struct PeerHistory {
    header: PeerHeader,
    state: PeerState,
    down_since: Option<Timestamp>,
    flaps: u32,
    /// Time down in the periods that ended, microseconds.
    down_total: u64,
}

/// The timeline view.
#[derive(Debug)]
pub struct Timeline {
    filter: Filter,
    events: Vec<Stored>,
    streams: Vec<StreamState>,
    open: HashMap<String, usize>,
    /// By router name (sysName, else address, else stream name) and peer.
    peers: BTreeMap<(String, PeerKey), PeerHistory>,
    /// Router names that had their `clock_skew`.
    skew_reported: HashSet<String>,
    /// A router's name written out, to look it up in `skew_reported` without allocating for
    /// every message of a router whose clock is off.
    name_buf: String,
}

impl Timeline {
    /// A new view.
    pub fn new(filter: Filter) -> Self {
        Timeline {
            filter,
            events: Vec::new(),
            streams: Vec::new(),
            open: HashMap::new(),
            peers: BTreeMap::new(),
            skew_reported: HashSet::new(),
            name_buf: String::new(),
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
        let Some(t) = t else { return };
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
        what: EventKind,
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

    /// Stream `s` follows an earlier stream of its router (as [`crate::identity`] decided):
    /// its session start says so, and a `session_replaced` event follows.
    fn replaced(&mut self, s: usize, time: Option<Timestamp>, previous: &Predecessor) {
        if let Some(e) = self.streams[s].start_event {
            if let EventKind::SessionStart { replaces, .. } = &mut self.events[e].what {
                *replaces = Some(previous.stream.clone());
            }
        }
        self.push(
            s,
            time,
            None,
            true,
            EventKind::SessionReplaced {
                replaces: previous.stream.clone(),
                matched_by: previous.matched_by,
                previous_ended: previous.ended,
            },
        );
    }

    fn initiation(&mut self, s: usize, time: Option<Timestamp>, tlvs: &[InfoTlv<'_>], first: bool) {
        if first {
            self.streams[s].initiated = true;
        }
        let mut sys_name = None;
        let mut sys_descr = None;
        let mut information = Vec::new();
        for t in tlvs {
            match t.tlv_type {
                info::SYS_DESCR => sys_descr = Some(t.text()),
                info::SYS_NAME => sys_name = Some(t.text()),
                _ => information.push(t.text()),
            }
        }
        if let Some(name) = &sys_name {
            self.streams[s].sys_name = Some(name.clone());
        }
        self.push(
            s,
            time,
            None,
            false,
            EventKind::Initiation {
                sys_name,
                sys_descr,
                information,
            },
        );
    }

    fn termination(&mut self, s: usize, time: Option<Timestamp>, tlvs: &[InfoTlv<'_>]) {
        let reason = info::termination_reason(tlvs);
        let information = tlvs
            .iter()
            .filter(|t| t.tlv_type != info::TERMINATION_REASON)
            .map(InfoTlv::text)
            .collect();
        self.streams[s].termination = Some(reason);
        self.push(
            s,
            time,
            None,
            false,
            EventKind::Termination {
                reason: reason.map(CodeName::termination_reason),
                information,
            },
        );
    }

    fn finding(&mut self, s: usize, time: Option<Timestamp>, f: &Finding) {
        let n = self.streams[s].findings.entry(f.kind).or_insert(0);
        if *n >= FINDINGS_PER_KIND {
            self.see_time(s, time);
            let key = time.or(self.streams[s].max_time);
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
            EventKind::Finding {
                severity: f.kind.severity(),
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
        up: &PeerUp<'_>,
        opens: Option<&(Open<'_>, Open<'_>)>,
    ) {
        let rib = p.rib();
        let views = self.streams[s].views.entry(PeerKey::from(p)).or_default();
        views.entry(rib).or_default();
        for (r, v) in views.iter_mut() {
            // This view starts over; so do the peer's views that had no Peer Up of their own.
            if *r == rib || v.up_at.is_none() {
                v.eor_seen.clear();
            }
        }
        if let Some(v) = views.get_mut(&rib) {
            v.up_at = time;
        }
        let history = self.peer_history(ctx, p);
        let mut down_for = None;
        if history.state == PeerState::Down {
            if let (Some(since), Some(t)) = (history.down_since, time) {
                let d = micros_between(since, t);
                down_for = Some(Seconds(d));
                history.down_total = history.down_total.saturating_add(d);
            }
        }
        history.state = PeerState::Up;
        history.down_since = None;
        history.header = *p;
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
            EventKind::PeerUp {
                hold_time,
                local_address: up.local_address,
                local_port: up.local_port,
                remote_port: up.remote_port,
                capabilities,
                families,
                information: texts(&up.information),
                down_for,
            },
        );
    }

    fn peer_history(&mut self, ctx: &StreamCtx<'_>, p: &PeerHeader) -> &mut PeerHistory {
        self.peers
            .entry((ctx.router_name(), PeerKey::from(p)))
            .or_insert(PeerHistory {
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
        self.streams[s].views.remove(&PeerKey::from(p));
        let seen_from_start = self.streams[s].initiated;
        let history = self.peer_history(ctx, p);
        if history.state != PeerState::Down {
            // A flap is a Peer Down that found the peer up: after a Peer Up, or in a stream seen
            // only from mid-session. One before any Peer Up of a session seen from its
            // Initiation (FRR sends one) is shown but not counted.
            if history.state == PeerState::Up || !seen_from_start {
                history.flaps += 1;
            }
            history.state = PeerState::Down;
            history.down_since = time;
        }
        history.header = *p;
        let flaps = history.flaps;
        let (notification, fsm_event, information) = match reason {
            Reason::Notification { pdu, .. } => (Some(notification(pdu)), None, Vec::new()),
            Reason::FsmEvent(e) => (
                None,
                Some(CodeName {
                    code: *e,
                    name: codes::fsm_event_name(*e),
                }),
                Vec::new(),
            ),
            Reason::Tlvs(t) => (None, None, texts(t)),
            Reason::NoData(_) | Reason::Other { .. } => (None, None, Vec::new()),
        };
        let code = reason.code();
        self.push(
            s,
            time,
            Some(*p),
            false,
            EventKind::PeerDown {
                reason: PeerDownReason {
                    code,
                    name: codes::peer_down_reason_name(code),
                    notification,
                    fsm_event,
                    information,
                },
                flaps,
            },
        );
    }

    fn end_of_rib(&mut self, s: usize, time: Option<Timestamp>, p: &PeerHeader, family: Family) {
        let st = &mut self.streams[s];
        let (initiated, start) = (st.initiated, st.start);
        // A router may send one Peer Up for several views: use the latest of the peer's.
        let views = st.views.entry(PeerKey::from(p)).or_default();
        let any_up = views.values().filter_map(|v| v.up_at).max();
        let view = views.entry(p.rib()).or_default();
        let initial = view.eor_seen.insert(family);
        let dump = if initial {
            let from = match view.up_at.or(any_up) {
                Some(u) => Some((u, DumpFrom::PeerUp)),
                None if initiated => start.map(|s| (s, DumpFrom::SessionStart)),
                None => None,
            };
            from.zip(time)
                .map(|((f, how), t)| (Seconds(micros_between(f, t)), how))
        } else {
            None
        };
        self.push(
            s,
            time,
            Some(*p),
            false,
            EventKind::EndOfRib {
                family: family.to_string(),
                afi: family.afi.0,
                safi: family.safi.0,
                initial,
                dump_seconds: dump.map(|(d, _)| d),
                dump_from: dump.map(|(_, from)| from),
            },
        );
    }

    fn clock_skew(&mut self, ctx: &StreamCtx<'_>, s: usize, msg: &BmpMessage<'_>) {
        let (Some(p), Some(observed)) = (msg.peer(), ctx.observed) else {
            return;
        };
        let Some(router_time) = p.time() else {
            return;
        };
        // In i128: capture times may be as large as a pcapng clock allows.
        let skew = (i128::from(router_time.micros()) - i128::from(observed.micros()))
            .clamp(i64::MIN.into(), i64::MAX.into()) as i64;
        let limit = (CLOCK_SKEW_LIMIT_SECS * 1_000_000) as i64;
        let behind_counts = matches!(msg.body, Body::PeerDown(..) | Body::StatisticsReport(..));
        if !(skew > limit || (skew < -limit && behind_counts)) {
            return;
        }
        self.name_buf.clear();
        let _ = write!(self.name_buf, "{}", ctx.router_display());
        if self.skew_reported.contains(self.name_buf.as_str()) {
            return;
        }
        self.skew_reported.insert(self.name_buf.clone());
        let detail = format!(
            "router clock {} {} the observed time (or the capture was re-timestamped)",
            Seconds(skew.unsigned_abs()),
            if skew > 0 { "ahead of" } else { "behind" }
        );
        self.push(
            s,
            Some(observed),
            Some(*p),
            false,
            EventKind::ClockSkew {
                severity: Severity::Warning,
                kind: "clock_skew",
                detail,
                router_time,
                observed_time: observed,
                skew_micros: skew,
                message: msg.header.msg_type.name(),
            },
        );
    }

    /// The router's name for a stream: sysName, else address, else stream name.
    fn router_name(&self, s: usize) -> String {
        let st = &self.streams[s];
        RouterName::new(st.sys_name.as_deref(), st.address, &st.name).to_string()
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

    /// The report: lifecycle events filtered here, the summary events of capped findings
    /// added, everything in order.
    fn build_report<'a>(&'a self) -> Report<'a> {
        let routers: Vec<String> = (0..self.streams.len())
            .map(|s| self.router_name(s))
            .collect();
        let event = |stream: usize, time, peer: Option<&'a PeerHeader>, what| ReportEvent {
            time,
            router: routers[stream].clone(),
            stream: &self.streams[stream].name,
            peer: peer.map(EventPeer::new),
            what,
        };
        let mut keyed: Vec<(Option<Timestamp>, ReportEvent<'a>)> = Vec::new();
        for e in &self.events {
            if e.lifecycle && !self.lifecycle_passes(e) {
                continue;
            }
            let ev = event(e.stream, e.time, e.peer.as_ref(), Cow::Borrowed(&e.what));
            keyed.push((e.key, ev));
        }
        for (i, st) in self.streams.iter().enumerate() {
            for (kind, sup) in &st.suppressed {
                let what = EventKind::Finding {
                    severity: kind.severity(),
                    kind: *kind,
                    detail: format!(
                        "{} more {} findings in this stream not listed (at most {FINDINGS_PER_KIND} per kind and stream)",
                        sup.count,
                        kind.name()
                    ),
                    suppressed: Some(sup.count),
                };
                keyed.push((
                    sup.key,
                    event(i, sup.time, sup.peer.as_ref(), Cow::Owned(what)),
                ));
            }
        }
        // Stable: equal keys keep arrival order; streams that never showed a time sort first.
        keyed.sort_by_key(|(key, _)| key.map_or(0, Timestamp::micros));
        let peers = self
            .peers
            .iter()
            .map(|((router, _), p)| {
                let h = &p.header;
                PeerSummary {
                    router,
                    address: h.address(),
                    asn: h.asn,
                    bgp_id: h.bgp_id,
                    peer_type: h.peer_type.name(),
                    distinguisher: h.distinguisher_text(),
                    flaps: p.flaps,
                    down_seconds_total: Seconds(p.down_total),
                    state: p.state,
                    header: h,
                }
            })
            .collect();
        Report {
            events: keyed.into_iter().map(|(_, e)| e).collect(),
            peers,
        }
    }
}

/// Microseconds from `from` to `to` (0 when `to` is earlier).
fn micros_between(from: Timestamp, to: Timestamp) -> u64 {
    to.micros().saturating_sub(from.micros())
}

/// Capability names and families advertised in both OPENs.
fn negotiated(sent: &Open<'_>, recv: &Open<'_>) -> (Vec<&'static str>, Vec<String>) {
    // Sets of what was sent, built once: an extended OPEN may carry thousands of capabilities.
    let mut sent_codes = [false; 256];
    let mut sent_families = HashSet::<Family, FastBuild>::default();
    for s in &sent.capabilities {
        sent_codes[usize::from(s.code())] = true;
        if let Capability::Multiprotocol { family } = s {
            sent_families.insert(*family);
        }
    }
    let mut caps: Vec<&'static str> = Vec::new();
    let mut fams = Vec::new();
    let (mut caps_done, mut fams_done) = ([false; 256], HashSet::<Family, FastBuild>::default());
    for c in &recv.capabilities {
        if let Capability::Multiprotocol { family } = c {
            if sent_families.contains(family) && fams_done.insert(*family) {
                fams.push(family.to_string());
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

/// The NOTIFICATION of a Peer Down (reasons 1 and 3), decoded.
fn notification(pdu: &BgpPdu<'_>) -> Notification {
    match bgp::decode_pdu(pdu) {
        Ok(BgpMessage::Notification(n)) => Notification::Decoded(NotificationReport::of(&n)),
        _ => Notification::Raw {
            raw: crate::decode::hex(pdu.raw),
        },
    }
}

fn texts(tlvs: &[InfoTlv<'_>]) -> Vec<String> {
    tlvs.iter().map(InfoTlv::text).collect()
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
                    Body::Initiation(tlvs) => self.initiation(s, time, tlvs, first),
                    Body::Termination(tlvs) => self.termination(s, time, tlvs),
                    Body::PeerUp(p, up) => {
                        self.peer_up(ctx, s, time, p, up, d.opens.as_deref());
                    }
                    Body::PeerDown(p, down) => {
                        self.peer_down(ctx, s, time, p, &down.reason);
                    }
                    Body::RouteMonitoring(p, _) => {
                        let eor = d.update.as_ref().and_then(|(u, _)| u.end_of_rib());
                        match eor {
                            Some(fam) if self.filter.family(fam) => {
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
                address,
                time,
                reconnect,
                predecessor,
                ..
            } => {
                let s = self.new_stream(stream, address);
                self.streams[s].start = time;
                let e = self.push(
                    s,
                    time,
                    None,
                    true,
                    EventKind::SessionStart {
                        address,
                        reconnect,
                        replaces: None,
                    },
                );
                self.streams[s].start_event = Some(e);
                if let Some(previous) = predecessor {
                    self.replaced(s, time, previous);
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
                    EventKind::SessionEnd {
                        how: if termination.is_some() {
                            "termination"
                        } else {
                            how.name()
                        },
                        transport: how,
                        reason: termination.flatten().map(CodeName::termination_reason),
                        terminated: termination.is_some(),
                    },
                );
                self.open.remove(stream);
            }
            // The stream identity tied the stream to an earlier one by its sysName.
            Lifecycle::Joined {
                stream,
                predecessor: Some(previous),
                time,
                ..
            } => {
                if let Some(&s) = self.open.get(stream) {
                    self.replaced(s, time, previous);
                }
            }
            Lifecycle::Joined { .. } => {}
        }
    }
}

impl View for Timeline {
    fn report(&self) -> super::Report<'_> {
        super::Report::Timeline(self.build_report())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::{Joined, MatchedBy, RouterId};
    use crate::stream::StreamDecoder;
    use crate::testkit::bmp;

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().expect("an address"))
    }

    fn start(view: &mut Timeline, stream: &str, address: Option<IpAddr>, p: Option<&Predecessor>) {
        view.lifecycle(&Lifecycle::StreamStart {
            stream,
            router_id: RouterId::default(),
            address,
            time: None,
            reconnect: p.is_some_and(|p| p.matched_by == MatchedBy::Address),
            predecessor: p,
        });
    }

    /// An Initiation giving `sys_name`, with what the stream identity made of it.
    fn initiation(view: &mut Timeline, stream: &str, sys_name: &str, joined: Option<&Joined>) {
        let mut decoder = StreamDecoder::new(u32::MAX);
        let bytes = bmp::initiation(&[(info::SYS_NAME, sys_name.as_bytes())]);
        decoder.push(&bytes, &mut |router, ev| {
            view.event(&StreamCtx::new(stream, router, None), &ev);
            if let Some(j) = joined {
                view.lifecycle(&Lifecycle::Joined {
                    stream,
                    from: j.from,
                    router: j.router,
                    info: router,
                    predecessor: j.predecessor.as_ref(),
                    time: None,
                });
            }
        });
    }

    fn predecessor(stream: &str, matched_by: MatchedBy, ended: bool) -> Predecessor {
        Predecessor {
            stream: stream.to_string(),
            matched_by,
            ended,
        }
    }

    #[test]
    fn streams_are_related_as_the_stream_identity_says() {
        let mut view = Timeline::new(Filter::default());
        start(&mut view, "a", ip("192.0.2.1"), None);
        initiation(&mut view, "a", "r1", None);
        // Another address with the same sysName: related at the Initiation.
        start(&mut view, "b", ip("192.0.2.9"), None);
        let by_name = Joined {
            from: RouterId(1),
            router: RouterId(1),
            predecessor: Some(predecessor("a", MatchedBy::SysName, false)),
        };
        initiation(&mut view, "b", "r1", Some(&by_name));
        // The first address again: related at the start, and not again at the Initiation.
        let by_address = predecessor("a", MatchedBy::Address, true);
        start(&mut view, "c", ip("192.0.2.1"), Some(&by_address));
        initiation(&mut view, "c", "r1", None);
        // A raw dump joining r1 without a predecessor of its own: nothing to report.
        start(&mut view, "d", None, None);
        let merged = Joined {
            from: RouterId(2),
            router: RouterId(0),
            predecessor: None,
        };
        initiation(&mut view, "d", "r1", Some(&merged));

        let report = view.build_report();
        let got: Vec<(&str, &str, Option<&str>)> = report
            .events
            .iter()
            .map(|e| {
                let replaces = match e.what.as_ref() {
                    EventKind::SessionStart { replaces, .. } => replaces.as_deref(),
                    EventKind::SessionReplaced { replaces, .. } => Some(replaces.as_str()),
                    _ => None,
                };
                (e.stream, e.what.name(), replaces)
            })
            .collect();
        assert_eq!(
            got,
            [
                ("a", "session_start", None),
                ("a", "initiation", None),
                ("b", "session_start", Some("a")),
                ("b", "initiation", None),
                ("b", "session_replaced", Some("a")),
                ("c", "session_start", Some("a")),
                ("c", "session_replaced", Some("a")),
                ("c", "initiation", None),
                ("d", "session_start", None),
                ("d", "initiation", None),
            ]
        );
        let relations: Vec<(MatchedBy, bool)> = report
            .events
            .iter()
            .filter_map(|e| match e.what.as_ref() {
                EventKind::SessionReplaced {
                    matched_by,
                    previous_ended,
                    ..
                } => Some((*matched_by, *previous_ended)),
                _ => None,
            })
            .collect();
        assert_eq!(
            relations,
            [(MatchedBy::SysName, false), (MatchedBy::Address, true)]
        );
        assert!(report.events.iter().all(|e| e.router == "r1"));
    }
}
