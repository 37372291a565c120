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
//! # JSON (`bmpctl peers --json`)
//!
//! `{"peers": [row, ...]}`, rows sorted by router, peer address, RIB view (then peer type and
//! distinguisher). Each row:
//!
//! * `router`: sysName, else the router address, else the stream name (`router_address`:
//!   the address when known, else null).
//! * `address`: peer address (`0.0.0.0` for a Loc-RIB peer).
//! * `asn`: peer AS; `bgp_id`: peer BGP ID (latest per-peer header).
//! * `peer_type`: `global`, `rd_instance`, `local_instance`, `loc_rib`, ...;
//!   `peer_type_code`: its number.
//! * `distinguisher`: the peer distinguisher (RD text for RD-instance and Loc-RIB peers, else
//!   the number).
//! * `table_name`: the VRF/table name of the last Peer Up (information TLV 3), else null.
//! * `rib`: `adj_rib_in_pre`, `adj_rib_in_post`, `adj_rib_out_pre`, `adj_rib_out_post`,
//!   `loc_rib`.
//! * `state`: `up`, `down` or `unknown`; `state_detail`: null, or why the state is unknown
//!   (`no_peer_up`, `new_session`, `session_ended:<how>`); `last_state`: the state before
//!   the session ended or was replaced (`up`, `down`), else null.
//! * `since`: RFC 3339 time of the last state change (Peer Up, Peer Down, session start or
//!   end), null when unknown. Times are the capture time when the source has one, else the
//!   router's per-peer timestamp.
//! * `flaps`: Peer Downs of the peer that found it not already down (see above).
//! * `routes`: routes held now (all families, after the announcements and withdrawals seen;
//!   Add-Path paths count one each).
//! * `routes_by_family`: `{family: {"routes": n, "with_path_id": m}}`, families with at least
//!   one route (`ipv4_unicast`, `ipv6_vpn`, ...); `with_path_id` counts the Add-Path paths
//!   among them.
//! * `announced`, `withdrawn`: routes announced and withdrawn in the Route Monitoring seen
//!   (withdrawals of unknown routes included), cumulative over sessions.
//! * `last_down_reason`: null, or `{"code", "name", "text", "time"}` with `notification`
//!   (`{"code", "subcode", "name", "subcode_name", "shutdown_communication"?}`) for reasons 1 and
//!   3, `fsm_event` (`{"code", "name"}`) for reason 2, `information` (`[{"type", "name",
//!   "value"}]`) for reason 6. `text` says it in words.
//! * `capabilities`: null before a Peer Up, else what matters for decoding, from the two OPENs
//!   of the last Peer Up: `four_octet_as` (both OPENs), `extended_message` (both OPENs),
//!   `add_path`: `[{"family", "sent", "received", "adj_rib_in", "adj_rib_out"}]`, the modes each
//!   OPEN advertised (`receive`, `send`, `send_receive`, or null) and whether path IDs are
//!   expected towards the router (Adj-RIB-In) and from it (Adj-RIB-Out), per RFC 7911 §4.
//! * `decoded`: `{label: routes}`: how the routes of this row were actually decoded
//!   (`negotiated`, `assumed` (no Peer Up), `stateless` (BMPv4 TLV), `fallback:add_path`,
//!   `fallback:no_add_path`); an announced route whose AS_PATH needed the other AS width is
//!   counted once more under `fallback:2_octet_as` or `fallback:4_octet_as`.
//! * `end_of_rib`: families whose End-of-RIB was received since the last table clear.
//! * `last_update`: time of the last Route Monitoring of this row, or null.
//! * `stats`: the latest value of every statistic the router reported for this row's per-peer
//!   header (merged over reports): `[{"type", "name", "value", "change", "afi"?, "safi"?,
//!   "family"?, "tracked"?, "raw"?}]` sorted by type and family. `value` is null (and `raw` the
//!   hex) for an encoding bmpctl does not know; `change` is the difference from the previous
//!   report's value of the same statistic, null in the first; `tracked` is, for a route gauge,
//!   the tracked route count of the RIB view it describes at the time of the report.
//! * `stats_time`: time of the latest Statistics Report, or null.
//! * `gauge_mismatch`: null, or the first route gauge of the router that disagrees with the
//!   tracked count: `{"type", "name", "afi"?, "safi"?, "family"?, "gauge", "tracked",
//!   "more"?}` (`more`: the further disagreeing gauges). Gauges compared: types 7 and 9
//!   (Adj-RIB-In: the pre-policy view, compared only when pre-policy Route Monitoring was seen:
//!   a router that keeps no Adj-RIB-In reports 0 and sends post-policy routes only),
//!   18/19 (pre-policy Adj-RIB-In), 20/21 (post-policy Adj-RIB-In), 14/16 (pre-policy
//!   Adj-RIB-Out), 15/17 (post-policy Adj-RIB-Out), and 8/10 for a Loc-RIB peer only (for other
//!   peers they count the router's whole Loc-RIB). A gauge is compared with the tracked count of
//!   that view at the time of the report, only when that view's row exists; not at all with
//!   `--since` (routes before it were not seen); whole-table gauges not with `--afi`. Add-Path
//!   paths count as routes.
//!
//! # Text
//!
//! Per router a heading line (`router NAME (ADDRESS): N peers, M RIB view rows`) and a table
//! fitted to the width: peer (with its distinguisher when not 0 and its VRF/table name), AS,
//! RIB view, state (green up, red down, yellow unknown; `(ended)` or `(new)` under it), since,
//! flaps, routes (`!` marks a gauge mismatch, `(n ID)` the routes with path IDs), routes
//! announced and withdrawn (`+a -w`), last down reason (who closed and why, with the
//! NOTIFICATION code/subcode or the FSM event). Below each table, lines starting with `!` for
//! gauge mismatches and fallback decodes only.
//!
//! # Memory
//!
//! Per route one word in the row's [`RouteSet`] (a sorted array, merged in batches); every
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
            key: address.map_or_else(|| stream.to_string(), |a| a.to_string()),
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

    /// An Initiation: the sysName is learnt; a stream that turned out to be a new session of an
    /// earlier router ([`crate::identity`]) brings what was seen of it there.
    fn initiation(&mut self, router: usize, ctx: &StreamCtx<'_>, time: Time) {
        let Some(name) = ctx.router.sys_name.clone() else {
            return;
        };
        if let Some(joined) = ctx.joined.filter(|j| j.merged()) {
            self.merge(joined.from.index(), router, ctx.name, time);
            self.router(router).initiated = true;
            return;
        }
        let r = self.router(router);
        r.sys_name = Some(name);
        r.initiated = true;
    }

    /// Router `from` turned out to be router `into`, in a new session on `stream`.
    fn merge(&mut self, from: usize, into: usize, stream: &str, time: Time) {
        if !self.known(from) {
            return;
        }
        self.new_session(into, time);
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
        if let Some((afi, safi)) = u.end_of_rib() {
            if filter.family(afi, safi) {
                row.end_of_rib.insert((afi, safi));
            }
        }
        // The set only counts routes: no attribute sets, and nothing is asked back per route,
        // so the routes are merged in sorted batches.
        let as_fallback = plan.as_how.is_fallback().then(|| plan.as_how.index());
        let count = |r: RouteId| {
            if filter_families && !filter.family(r.afi, r.safi) {
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
                StatValue::AfiSafiGauge { afi, safi, .. } => Some((afi, safi)),
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
                StatValue::AfiSafiGauge { afi, safi, value } => {
                    (Some((afi, safi)), StatVal::Num(value))
                }
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
        // A stream that turned out to be a new session of an earlier router keeps its own
        // clock until that router takes it over.
        let clock = match ctx.joined {
            Some(j) if j.merged() && self.known(j.from.index()) => j.from.index(),
            _ => router,
        };
        let t = event_time(ctx, ev).or(self.router(clock).last_time);
        self.router(clock).last_time = t;
        match &d.msg.body {
            Body::Initiation(_) => self.initiation(router, ctx, t),
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
