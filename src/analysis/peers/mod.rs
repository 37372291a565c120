//! `bmpctl peers`: one row per monitored peer, router and RIB view, with its state, flaps,
//! last down reason, negotiated capabilities, how its routes were decoded, the routes it holds
//! now, and the router's own statistics next to the tracked numbers.
//!
//! # Identity
//!
//! * A **router** is what [`crate::identity`] says: known across streams by its address when
//!   the source knows it (captures, OpenBMP, live sessions); once an Initiation gives the
//!   sysName, a stream whose router has the same sysName as an earlier router's, and no
//!   different address, is a new session of that router. The router is shown by sysName, else
//!   address, else the name of the stream it was first seen on.
//! * A **peer** is (router, peer address, peer type, peer distinguisher). Its AS and BGP ID are
//!   the latest seen in its per-peer headers. A **row** is a peer and one RIB view; a row exists
//!   once that view was seen in any message (Route Monitoring, Statistics Report, Peer Up or
//!   Peer Down: each message creates the row of the view its per-peer header names; a Peer Up
//!   with flags 0 creates the `adj_rib_in_pre` row).
//!
//! # State rules
//!
//! * **Peer Up** marks every row of the peer `up` (since: the Peer Up's time; another Peer Up
//!   while up, e.g. one per RIB view, keeps the time). It records the capabilities of the two
//!   OPENs.
//! * **Peer Down** marks the peer `down`, clears the route tables and End-of-RIB lists of every
//!   RIB view of the peer, and records the reason. It counts as a **flap** when it found the
//!   peer up: after its Peer Up, and also for a peer seen only mid-session (the stream did not
//!   start with an Initiation, so the peer was up before it). A Peer Down before any Peer Up in
//!   a session seen from its Initiation is not a flap (FRR sends one for every configured peer
//!   when its BMP session starts). Flaps are per peer: every RIB row of a peer shows
//!   the same number.
//! * A peer seen without a Peer Up (the stream started mid-session) is `unknown`
//!   (`state_detail` `no_peer_up`) until a Peer Up or Peer Down says otherwise.
//! * **A new BMP session of a known router** (a reconnect: same address, or after the
//!   Initiation the same sysName) re-sends the router's tables: every route table of the
//!   router's peers is cleared, End-of-RIB lists too, and every peer of the router becomes
//!   `unknown` (`new_session`) until its new Peer Up. Counters (announced, withdrawn, flaps,
//!   decode labels) go on accumulating.
//! * **Session end**: a Termination message, a TCP close, a TCP reset or a superseded
//!   connection make the peers of that router that are not down `unknown` with
//!   `state_detail` `session_ended:<how>` (`termination`, `tcp_close`, `tcp_reset`,
//!   `superseded`): nothing is known about them once the monitoring session is gone. Their
//!   routes are kept (the last known table). The mere end of the input (end of a file or of a
//!   capture) keeps the last state. The end of a stream that a newer stream of the same router
//!   already replaced changes nothing.
//! * Route Mirroring carries no RIB content and is not counted.
//!
//! # Gauges
//!
//! The router's route gauges are compared with the tracked routes: types 7 and 9 (Adj-RIB-In:
//! the pre-policy view, compared only when pre-policy Route Monitoring was seen: a router
//! that keeps no Adj-RIB-In reports 0 and sends post-policy routes only), 18/19 (pre-policy
//! Adj-RIB-In), 20/21 (post-policy Adj-RIB-In), 14/16 (pre-policy Adj-RIB-Out), 15/17
//! (post-policy Adj-RIB-Out), and 8/10 for a Loc-RIB peer only (for other peers they count the
//! router's whole Loc-RIB): which RIB a gauge counts is decided in
//! [`crate::decode::bmp::stats::gauge_view`]. A gauge is compared with the tracked count of
//! that view at the time of the report, only when that view's row exists; not at all with
//! `--since` (routes before it were not seen); whole-table gauges not with `--afi`. Add-Path
//! paths count as routes.
//!
//! # Report
//!
//! [`Report`] holds one row per router, peer and RIB view; its fields, and the `peers --json`
//! document they serialize to, are described once, in docs/json.md. render/peers.rs draws it as
//! one table per router.
//!
//! # Memory
//!
//! Per route one word in the row's [`RouteSet`](crate::analysis::route_set::RouteSet) (a sorted array, merged in batches); every
//! other count is per row.
//!
//! # Lanes
//!
//! A file run splits its peers over threads ([`crate::pipeline::lanes`]): each lane's view holds the
//! rows of its own peers and sees only the per-peer header of the others' messages
//! ([`Analysis::foreign`]), which keeps every lane's routers alike (every lane's
//! [`crate::identity::Routers`] decides alike); [`Peers::absorb`] merges the lanes' views.

use std::collections::HashMap;
use std::net::IpAddr;

pub mod report;
mod state;

pub use report::Report;
pub use state::State;

use super::routes::{FastBuild, RouteId, for_each_route_id};
use super::{Analysis, View};
use crate::decode::bgp;
use crate::decode::bmp::Body;
use crate::decode::bmp::header::{PeerHeader, RibView};
use crate::decode::bmp::info;
use crate::decode::bmp::peer_down::Reason;
use crate::decode::bmp::stats::{GaugeView, StatValue, gauge_view};
use crate::event::{EndReason, Event, Lifecycle, StreamCtx, event_time, header_time};
use crate::filter::Filter;
use crate::identity::RouterId;
use state::{
    Caps, LastDown, PeerId, PeerState, RIB_VIEWS, Router, Row, RowKey, StatSlot, StatVal, Time,
};

/// The view.
#[derive(Debug)]
pub struct Peers {
    filter: Filter,
    /// Indexed by [`RouterId`]; `None` for a router this view has not seen.
    routers: Vec<Option<Router>>,
    peers: HashMap<(usize, PeerId), PeerState, FastBuild>,
    rows: HashMap<RowKey, Row, FastBuild>,
}

impl Peers {
    /// A new view.
    pub fn new(filter: Filter) -> Self {
        Peers {
            filter,
            routers: Vec::new(),
            peers: HashMap::default(),
            rows: HashMap::default(),
        }
    }

    /// Folds in the view of another lane of the same run (see [`crate::pipeline::lanes`]): it
    /// saw the same routers and streams, and other peers.
    fn absorb_lane(&mut self, other: Peers) {
        self.peers.extend(other.peers);
        self.rows.extend(other.rows);
    }

    fn known(&self, router: usize) -> bool {
        self.routers.get(router).is_some_and(Option::is_some)
    }

    /// A router this view has seen.
    fn router(&mut self, router: usize) -> &mut Router {
        match self.routers.get_mut(router).and_then(Option::as_mut) {
            Some(r) => r,
            None => unreachable!("router {router} is used before it is known"),
        }
    }

    fn add_router(&mut self, router: usize, stream: &str, address: Option<IpAddr>, time: Time) {
        if self.routers.len() <= router {
            self.routers.resize_with(router + 1, || None);
        }
        self.routers[router] = Some(Router {
            first_stream: stream.to_string(),
            address,
            sys_name: None,
            stream: stream.to_string(),
            last_time: time,
            initiated: false,
            ended: false,
        });
    }

    /// A stream starts: a new router, or a new session of a known one.
    fn stream_start(&mut self, stream: &str, router: usize, address: Option<IpAddr>, time: Time) {
        if self.known(router) {
            self.new_session(router, time);
            self.router(router).stream = stream.to_string();
        } else {
            self.add_router(router, stream, address, time);
        }
    }

    /// The router of an event: its stream's, known from the stream's start (or from now, for
    /// events fed without one).
    fn router_of(&mut self, ctx: &StreamCtx<'_>) -> usize {
        let router = ctx.router_id.index();
        if !self.known(router) {
            self.add_router(router, ctx.name, ctx.router.address, None);
        }
        router
    }

    /// The router starts a new BMP session: it re-sends its tables.
    fn new_session(&mut self, router: usize, time: Time) {
        let r = self.router(router);
        r.initiated = false;
        r.ended = false;
        for (k, row) in self.rows.iter_mut() {
            if k.router == router {
                row.clear_table();
            }
        }
        for ((r, _), p) in self.peers.iter_mut() {
            if *r == router {
                if p.state != State::Unknown {
                    p.last_state = Some(p.state);
                }
                p.state = State::Unknown;
                p.detail = Some("new_session".into());
                p.since = time;
            }
        }
    }

    /// The router's session ended: its peers that are not down become unknown.
    fn session_ended(&mut self, router: usize, how: &str, time: Time) {
        if std::mem::replace(&mut self.router(router).ended, true) {
            return;
        }
        for ((r, _), p) in self.peers.iter_mut() {
            // The first end wins: a Termination, then the TCP close that follows it, is
            // an end by Termination.
            let already_ended = p
                .detail
                .as_deref()
                .is_some_and(|d| d.starts_with("session_ended:"));
            if *r == router && p.state != State::Down && !already_ended {
                if p.state == State::Up {
                    p.last_state = Some(State::Up);
                }
                p.state = State::Unknown;
                p.detail = Some(format!("session_ended:{how}"));
                p.since = time;
            }
        }
    }

    /// An Initiation: the sysName is learnt.
    fn initiation(&mut self, router: usize, ctx: &StreamCtx<'_>) {
        let Some(name) = ctx.router.sys_name.clone() else {
            return;
        };
        let r = self.router(router);
        r.sys_name = Some(name);
        r.initiated = true;
    }

    /// Router `from` turned out to be router `into` ([`crate::identity`]), in a new session on
    /// `stream`: what was seen of `from` is `into`'s.
    fn merge(&mut self, from: usize, into: usize, stream: &str, time: Time) {
        if !self.known(from) {
            return;
        }
        let time = time.or(self.router(from).last_time);
        if !self.known(into) {
            self.add_router(into, stream, None, time);
        }
        // The merge does not change how the session began: its Initiation (when this view saw
        // it) said so already.
        let initiated = self.router(into).initiated;
        self.new_session(into, time);
        self.router(into).initiated = initiated;
        let from_address = self.router(from).address;
        let target = self.router(into);
        target.address = target.address.or(from_address);
        target.stream = stream.to_string();
        let moved: Vec<RowKey> = self
            .rows
            .keys()
            .filter(|k| k.router == from)
            .copied()
            .collect();
        for k in moved {
            if let Some(row) = self.rows.remove(&k) {
                self.rows.insert(RowKey { router: into, ..k }, row);
            }
        }
        let moved: Vec<(usize, PeerId)> =
            self.peers.keys().filter(|k| k.0 == from).copied().collect();
        for k in moved {
            if let Some(p) = self.peers.remove(&k) {
                self.peers.insert((into, k.1), p);
            }
        }
    }

    /// The peer's state, created unknown; its AS and BGP ID updated.
    fn peer(&mut self, router: usize, p: &PeerHeader) -> &mut PeerState {
        let Peers { peers, routers, .. } = self;
        let st = peers.entry((router, PeerId::of(p))).or_insert_with(|| {
            if let Some(r) = routers.get_mut(router).and_then(Option::as_mut) {
                r.ended = false;
            }
            PeerState::new(p)
        });
        st.asn = p.asn;
        st.bgp_id = p.bgp_id;
        st
    }

    fn row(&mut self, router: usize, p: &PeerHeader) -> &mut Row {
        self.rows
            .entry(RowKey {
                router,
                peer: PeerId::of(p),
                rib: p.rib(),
            })
            .or_default()
    }

    /// Clears the tables of every view of a peer.
    fn clear_peer_tables(&mut self, router: usize, peer: PeerId) {
        for rib in RIB_VIEWS {
            if let Some(row) = self.rows.get_mut(&RowKey { router, peer, rib }) {
                row.clear_table();
            }
        }
    }

    fn route_monitoring(
        &mut self,
        router: usize,
        p: &PeerHeader,
        update: Option<&(bgp::update::Update<'_>, bgp::update::Plan<'_>)>,
        route_ids: Option<&[RouteId]>,
        time: Time,
    ) {
        self.peer(router, p);
        let filter_families = !self.filter.families.is_empty();
        let Peers { rows, filter, .. } = self;
        let row = rows
            .entry(RowKey {
                router,
                peer: PeerId::of(p),
                rib: p.rib(),
            })
            .or_default();
        row.monitored = true;
        row.last_update = time.or(row.last_update);
        let Some((u, plan)) = update else {
            return;
        };
        if let Some(family) = u.end_of_rib() {
            if filter.family(family) {
                row.end_of_rib.insert(family);
            }
        }
        // The set only counts routes: no attribute sets, and nothing is asked back per route,
        // so the routes are merged in sorted batches.
        let as_fallback = plan.as_how.is_fallback().then(|| plan.as_how.index());
        let count = |r: RouteId| {
            if filter_families && !filter.family(r.family) {
                return;
            }
            if r.withdrawn {
                row.withdrawn += 1;
            } else {
                row.announced += 1;
                if let Some(i) = as_fallback {
                    row.decoded[i] += 1;
                }
            }
            row.decoded[r.how.index()] += 1;
            row.table.apply(&r);
        };
        match route_ids {
            Some(ids) => ids.iter().copied().for_each(count),
            None => for_each_route_id(u, plan, count),
        }
    }

    fn statistics(
        &mut self,
        router: usize,
        p: &PeerHeader,
        report: &crate::decode::bmp::stats::StatsReport<'_>,
        time: Time,
    ) {
        self.peer(router, p);
        let peer = PeerId::of(p);
        // Tracked counts of the views the gauges describe, before borrowing the stats row.
        fn view_row(
            rows: &HashMap<RowKey, Row, FastBuild>,
            key: RowKey,
            rib: RibView,
        ) -> Option<&Row> {
            rows.get(&RowKey { rib, ..key })
        }
        let key = RowKey {
            router,
            peer,
            rib: RibView::Unknown,
        };
        let mut tracked = Vec::with_capacity(report.stats.len());
        for s in &report.stats {
            let family = match s.value {
                StatValue::AfiSafiGauge { family, .. } => Some(family),
                _ => None,
            };
            let t = gauge_view(s.stat_type, p.is_loc_rib()).and_then(|g| {
                let rib = match g {
                    GaugeView::View(v) => Some(v),
                    // Types 7 and 9 count the Adj-RIB-In as the router keeps it: pre-policy.
                    // A router that keeps none (FRR without soft-reconfiguration inbound)
                    // reports 0 and sends only post-policy routes, so without pre-policy
                    // Route Monitoring there is nothing to compare with.
                    GaugeView::AdjRibIn => view_row(&self.rows, key, RibView::AdjRibInPre)
                        .filter(|r| r.monitored)
                        .map(|_| RibView::AdjRibInPre),
                }?;
                view_row(&self.rows, key, rib).map(|r| (rib, r.tracked(family)))
            });
            tracked.push(t);
        }
        let row = self.row(router, p);
        row.stats_time = time.or(row.stats_time);
        for (s, tracked) in report.stats.iter().zip(tracked) {
            let (family, value) = match s.value {
                StatValue::Counter(v) => (None, StatVal::Num(v.into())),
                StatValue::Gauge(v) => (None, StatVal::Num(v)),
                StatValue::AfiSafiGauge { family, value } => (Some(family), StatVal::Num(value)),
                StatValue::Raw(b) => (None, StatVal::Raw(b.into())),
            };
            let key = (s.stat_type, family);
            let change = match (row.stats.get(&key).map(|o| &o.value), &value) {
                (Some(StatVal::Num(a)), StatVal::Num(b)) => Some(*b as i128 - *a as i128),
                _ => None,
            };
            row.stats.insert(
                key,
                StatSlot {
                    value,
                    change,
                    tracked,
                },
            );
        }
    }

    fn peer_up(&mut self, router: usize, p: &PeerHeader, d: &crate::event::Decoded<'_>, t: Time) {
        self.router(router).ended = false;
        let table_name = match &d.msg.body {
            Body::PeerUp(_, up) => info::find_text(&up.information, info::VRF_TABLE_NAME),
            _ => None,
        };
        let caps = d.opens.as_deref().map(|(s, r)| Caps::of(s, r));
        let st = self.peer(router, p);
        if st.state != State::Up {
            st.state = State::Up;
            st.detail = None;
            st.last_state = None;
            st.since = t;
        }
        if caps.is_some() {
            st.caps = caps;
        }
        if table_name.is_some() {
            st.table_name = table_name;
        }
        self.row(router, p);
    }

    fn peer_down(&mut self, router: usize, p: &PeerHeader, reason: &Reason<'_>, t: Time) {
        let session_seen_from_start = self.router(router).initiated;
        let st = self.peer(router, p);
        // A flap is a Peer Down that found the peer up: after its Peer Up, or, in a stream
        // seen only from mid-session, when nothing said it was down. A Peer Down before any
        // Peer Up of a session seen from its Initiation (FRR sends one) is not a flap.
        if st.state == State::Up || (st.state == State::Unknown && !session_seen_from_start) {
            st.flaps += 1;
        }
        st.state = State::Down;
        st.detail = None;
        st.last_state = None;
        st.since = t;
        st.last_down = Some(LastDown::of(reason, t));
        self.row(router, p);
        self.clear_peer_tables(router, PeerId::of(p));
    }
}

impl Analysis for Peers {
    fn event(&mut self, ctx: &StreamCtx<'_>, ev: &Event<'_>) {
        if ctx.router_id == RouterId::NONE {
            return;
        }
        let d = match ev {
            Event::Message(d) => d,
            // A per-peer message that does not decode still says when the router sent it,
            // as another lane's message does (`foreign`).
            Event::Finding(f) => {
                if let Some(p) = &f.peer {
                    self.foreign(ctx, p);
                }
                return;
            }
        };
        let router = self.router_of(ctx);
        let t = event_time(ctx, ev).or(self.router(router).last_time);
        self.router(router).last_time = t;
        match &d.msg.body {
            Body::Initiation(_) => self.initiation(router, ctx),
            Body::Termination(_) => self.session_ended(router, "termination", t),
            Body::PeerUp(p, _) => self.peer_up(router, p, d, t),
            Body::PeerDown(p, down) => self.peer_down(router, p, &down.reason, t),
            Body::RouteMonitoring(p, _) => {
                self.route_monitoring(router, p, d.update.as_ref(), d.route_ids, t)
            }
            Body::StatisticsReport(p, report) => self.statistics(router, p, report, t),
            Body::RouteMirroring(..) | Body::Unknown(_) => {}
        }
    }

    fn foreign(&mut self, ctx: &StreamCtx<'_>, peer: &PeerHeader) {
        if ctx.router_id == RouterId::NONE {
            return;
        }
        // As `event` keeps the router's time: the rows are another lane's.
        let router = self.router_of(ctx);
        let t = header_time(ctx, peer).or(self.router(router).last_time);
        self.router(router).last_time = t;
    }

    fn lifecycle(&mut self, l: &Lifecycle<'_>) {
        match *l {
            Lifecycle::StreamStart {
                stream,
                router_id,
                address,
                time,
                ..
            } => self.stream_start(stream, router_id.index(), address, time),
            Lifecycle::StreamEnd {
                stream,
                router_id,
                how,
                time,
                ..
            } => {
                let router = router_id.index();
                if !self.known(router) || self.router(router).stream != stream {
                    return; // a newer session of the router already replaced this one
                }
                if matches!(
                    how,
                    EndReason::Fin | EndReason::Reset | EndReason::Superseded
                ) {
                    let time = time.or(self.router(router).last_time);
                    self.session_ended(router, how.name(), time);
                }
            }
            Lifecycle::Joined {
                stream,
                from,
                router,
                time,
                ..
            } if from != router => self.merge(from.index(), router.index(), stream, time),
            Lifecycle::Joined { .. } => {}
        }
    }
}

impl View for Peers {
    fn report(&self) -> super::Report<'_> {
        super::Report::Peers(self.build_report())
    }

    fn threaded(&self) -> bool {
        true
    }

    fn finish(&mut self) {
        for row in self.rows.values_mut() {
            row.table.settle();
        }
    }

    fn uses_route_ids(&self) -> bool {
        true
    }

    fn lane(&self) -> Option<Box<dyn View>> {
        Some(Box::new(Peers::new(self.filter.clone())))
    }

    fn absorb(&mut self, other: Box<dyn View>) {
        if let Ok(other) = other.into_any().downcast::<Peers>() {
            self.absorb_lane(*other);
        }
    }
}
