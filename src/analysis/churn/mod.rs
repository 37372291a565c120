//! `bmpctl churn`: route churn per router, monitored peer and RIB view, per time bucket, with
//! the initial table dumps kept apart from steady-state churn.
//!
//! # What is counted
//!
//! Every announced or withdrawn route of a Route Monitoring message is applied to the peer's
//! route table (one [`RouteTable`] per router, peer and RIB view) and classified:
//!
//! * `announced`: every announced route (NLRI), whatever it did to the table; so it includes
//!   the next two;
//! * `implicit_withdrawn`: an announcement of a route the table holds, with other attributes
//!   (the old path is implicitly withdrawn);
//! * `duplicate`: an announcement of a route the table holds, with the same attributes;
//! * `withdrawn`: every explicit withdrawal (also of a route the table does not hold);
//! * `routes_touched`: distinct routes announced or withdrawn. In the `initial` totals: routes
//!   that entered the table during a dump plus withdrawals of routes not in the table (a route
//!   withdrawn and announced again within one dump counts twice); in `steady` totals and in
//!   buckets: distinct routes (exact while the per-peer change map stays under its cap, below).
//!
//! A route is a prefix (with its RD, labels excluded) and its Add-Path path ID. `--afi` keeps
//! only the routes of matching families (the others are not tracked at all).
//!
//! # Initial dumps and steady state
//!
//! A peer's table dump starts at its Peer Up, and at the start of a new BMP session of its
//! router (the router re-sends its whole table). Which router a stream belongs to is decided
//! by [`crate::identity`] for every view: a later stream of the same address, or one whose
//! Initiation gives the sysName of an earlier router whose address does not differ (a raw dump
//! has none), is a new session of that router; any other stream starts a router of its own
//! (so does a raw dump without sysName, even the same file read again). The session starts at
//! the stream's first message; a stream that its Initiation shows to be a new session of an
//! earlier router brings the peers it has shown so far to that router then. A Peer Up starts
//! the dump of every RIB view of the peer that is not already in one (routers often send one
//! Peer Up for all views), and a RIB view first seen while another view of its peer is in its
//! dump joins it. The route tables are cleared then, on Peer Down (every view of the peer),
//! and at the end of the stream that last fed them. While a dump runs, the routes of every
//! address family that has not yet had its End-of-RIB are counted as `initial`; after a
//! family's End-of-RIB its routes are `steady`.
//! Routers that send no End-of-RIB are covered by the **quiet rule**: counting 1-second windows
//! from the dump's first route, the dump ends (for every family still without End-of-RIB) at the
//! first window that holds fewer than 100 new routes of those families, or that is followed by
//! a window without any route event. The route event that finds this is steady. One
//! exception, for routers that stamp whole seconds (GoBGP): a short dump that crosses a second
//! puts a few routes in the first window and the rest in the next, so when the event that ends
//! a quiet *first* window only announces routes the table does not hold yet, the dump goes on
//! (a withdrawal or a route announced again ends it as above). Without
//! any timestamps the rule cannot run and a dump ends only per End-of-RIB. A peer first seen in
//! Route Monitoring without a Peer Up (a capture that starts mid-session) is in steady state.
//!
//! `initial_complete` tells how the latest dump ended: `end_of_rib` (every family that had
//! routes in it got its End-of-RIB), `rule` (some family ended by the quiet rule), `incomplete`
//! (still running at the end of the input, or the peer went down during it), or `null` (no dump
//! seen).
//!
//! # Time and buckets
//!
//! An event's time is the capture time when the source has one, else the router's per-peer
//! timestamp ([`crate::event::event_time`]). An event without time takes the last time seen on its
//! stream; before any, it goes to a bucket whose `start` is `null` (listed first).
//! Buckets are aligned on multiples of the interval since the Unix epoch. `--interval` sets the
//! width; by default it is the smallest of 1s, 5s, 10s, 30s, 1m, 5m, 10m, 30m, 1h, 6h, 1d that
//! covers the whole time span of the input in at most 60 buckets (so 10 to 60 buckets).
//! Bucket counters count steady-state route events; `initial` counts the dump's route events in
//! that bucket. Buckets without any route event are left out.
//!
//! A bucket is a **spike** when its steady churn (`announced` + `withdrawn`) is at least 10 and
//! more than 3 times the peer's usual rate: the lower median of the steady churn of the peer's
//! timed buckets that have any.
//!
//! # Top lists
//!
//! Only steady-state changes count. A change is an announcement that entered the table
//! (`announced` in `changed`), an implicit withdrawal (counted in `changed` under each attribute
//! that differs: `as_path`, `next_hop`, `communities`, `med`, `other` for anything else such as
//! LOCAL_PREF or ORIGIN) or a withdrawal of a route in the table (`withdrawn`). Duplicates are no
//! change. A route's origin AS is the last ASN of the last AS_SEQUENCE of its AS_PATH (AS_SET
//! and confederation segments skipped; on 2-octet sessions that of AS4_PATH when present).
//! Announcements count for the origin AS they carry; a withdrawal counts for the origin of the
//! path it withdraws (kept with the route's interned attribute set, so also for a route
//! announced in a dump).
//! Routes with an empty AS_PATH (locally originated) count for no origin AS.
//!
//! # Memory
//!
//! Per tracked route: the route table entry only (see [`super::routes`]). Per peer: a few
//! hundred octets, its non-empty buckets (at most 61 with the default interval; one per
//! non-empty bucket with `--interval`), and a map of the routes touched in steady state (about
//! 80 octets each; the route's text is stored only once it changed). That map holds at most
//! 57,344 routes per peer (7/8 of 65,536 slots: one more would double the map to 131,072
//! slots, about 10 MB per peer): when full, the half with the fewest changes is forgotten (their
//! counts restart if they change again), so `routes_touched` may then count a route twice and
//! the top list keeps the routes that churn repeatedly. Per origin AS: one counter.
//!
//! # Report
//!
//! [`Report`] holds the bucket width and span, one row per router, peer and RIB view with its
//! totals and buckets, and the top lists; its fields, and the `churn --json` document they
//! serialize to, are described once, in docs/json.md. render/churn.rs draws it.
//!
//! Peers are sorted by router, peer address, AS and RIB view; top lists by changes (most
//! first; ties by router, peer, RIB view and route text), `--top` entries each.

mod counts;
mod dump;
mod grid;
mod hot;
pub mod report;

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use super::routes::{AttrFingerprint, AttrStore, RouteTable, apply_route, identity};
use super::{Analysis, View};
use crate::decode::bgp::update::{Plan, Update};
use crate::decode::bmp::Body;
use crate::decode::bmp::header::{PeerHeader, RibView};
use crate::decode::family::Family;
use crate::event::{Event, Lifecycle, StreamCtx, event_time};
use crate::filter::Filter;
use crate::identity::RouterId;
use crate::session::PeerKey;
use crate::time::Timestamp;
use counts::{Bucket, Totals};
use dump::{Dump, only_new_routes};
use grid::{Grid, UNTIMED};
use hot::{Hot, HotRoutes};
pub use report::Report;

/// Spikes: more than this many times the lower median, and at least `SPIKE_MIN`.
const SPIKE_FACTOR: u64 = 3;
const SPIKE_MIN: u64 = 10;

/// A router as this view names it.
#[derive(Debug)]
struct Router {
    /// sysName, else address, else stream name, as its latest stream gave it.
    name: String,
}

/// A stream, from its first message on.
#[derive(Debug)]
struct StreamState {
    /// This view's number for it (a name read again is a new stream).
    id: u32,
    /// Its router (an index into `Churn::routers`).
    router: usize,
    /// Its latest event time, microseconds.
    last_time: Option<u64>,
}

/// One router, peer and RIB view.
#[derive(Debug)]
struct Row {
    router: usize,
    peer: PeerHeader,
    rib: RibView,
    /// The stream that last fed it.
    stream: u32,
    table: RouteTable,
    dump: Dump,
    dumps: u32,
    initial: Totals,
    steady: Totals,
    /// Width index of `buckets`.
    level: usize,
    buckets: BTreeMap<u64, Bucket>,
    hot: HotRoutes,
}

impl Row {
    /// Merges buckets into the grid's current width after finer widths became impossible.
    fn coarsen(&mut self, grid: &Grid) {
        if self.level >= grid.lo {
            return;
        }
        let ratio = grid.steps[grid.lo] / grid.steps[self.level];
        let old = std::mem::take(&mut self.buckets);
        for (idx, b) in old {
            let n = if idx == UNTIMED { UNTIMED } else { idx / ratio };
            self.buckets.entry(n).or_default().merge(&b);
        }
        self.hot.drop_levels(self.level..grid.lo);
        self.level = grid.lo;
    }

    /// Folds what the deferred dump routes did into `initial` (and the dump window's count of
    /// new routes).
    fn settle_initial(&mut self) {
        let o = self.table.take_outcomes();
        self.initial.fold(&o);
        self.dump.new_in_window += o.new;
    }

    /// `initial` with the routes still deferred.
    fn initial_totals(&self) -> Totals {
        let mut t = self.initial;
        t.fold(&self.table.outcomes());
        t
    }

    fn clear_table(&mut self) {
        self.settle_initial();
        self.table.clear();
    }

    fn begin_dump(&mut self) {
        self.clear_table();
        if self.dump.fresh() {
            return;
        }
        self.dump = Dump::start();
        self.dumps += 1;
    }
}

/// The churn view.
#[derive(Debug)]
pub struct Churn {
    filter: Filter,
    top: usize,
    grid: Grid,
    store: AttrStore,
    routers: Vec<Router>,
    /// The stream context's router -> this view's router.
    router_ids: HashMap<RouterId, usize>,
    streams: HashMap<String, StreamState>,
    next_stream: u32,
    rows: Vec<Row>,
    row_ids: HashMap<(usize, PeerKey, RibView), usize>,
    origins: HashMap<u32, u64>,
}

impl Churn {
    /// A new view: buckets of `interval` (chosen from the time span when `None`), `top` entries
    /// in the top lists.
    pub fn new(filter: Filter, interval: Option<Duration>, top: usize) -> Self {
        Churn {
            filter,
            top,
            grid: Grid::new(interval),
            store: AttrStore::default(),
            routers: Vec::new(),
            router_ids: HashMap::new(),
            streams: HashMap::new(),
            next_stream: 0,
            rows: Vec::new(),
            row_ids: HashMap::new(),
            origins: HashMap::new(),
        }
    }

    /// This view's router for the context's router, named `name` from now on.
    fn router(&mut self, id: RouterId, name: String) -> usize {
        if let Some(&i) = self.router_ids.get(&id) {
            self.routers[i].name = name;
            return i;
        }
        self.routers.push(Router { name });
        self.router_ids.insert(id, self.routers.len() - 1);
        self.routers.len() - 1
    }

    /// A new session of `router` on stream `id`: its peers re-send their tables.
    fn session_start(&mut self, router: usize, id: u32) {
        for row in &mut self.rows {
            if row.router == router && row.stream != id {
                row.begin_dump();
            }
        }
    }

    /// The stream's state, binding it to its router on its first message (a new session of
    /// a known router starts the dumps of its peers).
    fn bind(&mut self, ctx: &StreamCtx<'_>) -> &mut StreamState {
        if !self.streams.contains_key(ctx.name) {
            let router = self.router(ctx.router_id, ctx.router_name());
            let id = self.next_stream;
            self.next_stream += 1;
            self.session_start(router, id);
            self.streams.insert(
                ctx.name.to_string(),
                StreamState {
                    id,
                    router,
                    last_time: None,
                },
            );
        }
        self.streams.get_mut(ctx.name).expect("stream bound")
    }

    /// Router `from` turned out to be router `into` ([`crate::identity`]), in a new session on
    /// `stream`: what was seen of `from` is `into`'s.
    fn merge(&mut self, from: RouterId, into: RouterId, stream: &str, name: String) {
        let Some(&from) = self.router_ids.get(&from) else {
            return; // nothing of it passed the filter
        };
        let Some(&into_row) = self.router_ids.get(&into) else {
            // Nothing of `into` passed the filter: this view's router is the same one.
            self.router_ids.insert(into, from);
            self.routers[from].name = name;
            return;
        };
        let into = into_row;
        self.routers[into].name = name;
        if into == from {
            return;
        }
        for i in 0..self.rows.len() {
            if self.rows[i].router != from {
                continue;
            }
            let (pk, rib) = (PeerKey::from(&self.rows[i].peer), self.rows[i].rib);
            // A peer the router already has keeps its row there; this one stays behind.
            if let std::collections::hash_map::Entry::Vacant(e) =
                self.row_ids.entry((into, pk, rib))
            {
                e.insert(i);
                self.row_ids.remove(&(from, pk, rib));
                self.rows[i].router = into;
            }
        }
        // Every stream of `from` (this one, and sessions of the same address) goes along.
        for s in self.streams.values_mut() {
            if s.router == from {
                s.router = into;
            }
        }
        for r in self.router_ids.values_mut() {
            if *r == from {
                *r = into;
            }
        }
        // A stream this view has not seen a message of starts the session when it does.
        if let Some(id) = self.streams.get(stream).map(|s| s.id) {
            self.session_start(into, id);
        }
    }

    fn row(&mut self, router: usize, stream: u32, peer: &PeerHeader) -> usize {
        let key = (router, PeerKey::from(peer), peer.rib());
        let i = match self.row_ids.get(&key) {
            Some(&i) => i,
            None => {
                self.rows.push(Row {
                    router,
                    peer: *peer,
                    rib: peer.rib(),
                    stream,
                    table: RouteTable::default(),
                    dump: Dump::default(),
                    dumps: 0,
                    initial: Totals::default(),
                    steady: Totals::default(),
                    level: self.grid.lo,
                    buckets: BTreeMap::new(),
                    hot: HotRoutes::new(&self.grid),
                });
                let i = self.rows.len() - 1;
                self.row_ids.insert(key, i);
                // A RIB view first seen while another view of the peer is in its dump (one
                // Peer Up for all views) is in the dump too.
                if self
                    .siblings(router, peer)
                    .into_iter()
                    .any(|j| j != i && self.rows[j].dump.active)
                {
                    self.rows[i].begin_dump();
                }
                i
            }
        };
        self.rows[i].stream = stream;
        i
    }

    /// The rows of every RIB view of a peer.
    fn siblings(&self, router: usize, peer: &PeerHeader) -> Vec<usize> {
        let pk = PeerKey::from(peer);
        RibView::ALL
            .into_iter()
            .filter_map(|rib| self.row_ids.get(&(router, pk, rib)).copied())
            .collect()
    }

    /// One Route Monitoring UPDATE of a row at time `t`.
    fn update(&mut self, i: usize, t: u64, u: &Update<'_>, plan: &Plan<'_>) {
        let Churn {
            filter,
            grid,
            store,
            rows,
            origins,
            ..
        } = self;
        let row = &mut rows[i];
        row.coarsen(grid);
        if let Some(family) = u.end_of_rib() {
            if filter.family(family) && row.dump.active {
                row.dump.fam(family).eor = true;
            }
            return;
        }
        if row.dump.active && t != UNTIMED {
            if row.dump.rolls(t) {
                // The quiet rule needs the window's exact count of new routes.
                row.settle_initial();
                if row.dump.quiet_first_boundary(t)
                    && only_new_routes(&row.table, &row.dump, filter, u, plan)
                {
                    row.dump.carry_on(t);
                }
            }
            row.dump.tick(t);
        }
        let mut attrs = None;
        let mut origin: Option<Option<u32>> = None;
        // (family, passes --afi, in the dump)
        let mut fam: Option<(Family, bool, bool)> = None;
        let mut b = Bucket::default();
        let Row {
            table,
            dump,
            steady,
            hot,
            ..
        } = row;
        for r in plan.routes(u) {
            let (pass, dumping) = match fam {
                Some((f, p, d)) if f == r.family => (p, d),
                _ => {
                    let p = filter.family(r.family);
                    let d = p && dump.pending(r.family);
                    if d {
                        dump.fam(r.family).routes = true;
                    }
                    fam = Some((r.family, p, d));
                    (p, d)
                }
            };
            if !pass {
                continue;
            }
            let id = if r.withdrawn {
                0
            } else {
                *attrs
                    .get_or_insert_with(|| store.intern(AttrFingerprint::of(u, plan.four_octet_as)))
            };
            if dumping {
                // Only counted: deferred, and what it did is folded into `initial` later.
                table.defer(&identity(&r), id);
                b.initial += 1;
                continue;
            }
            let change = apply_route(table, store, &r, id);
            steady.add(change);
            b.add(change);
            hot.record(steady, grid, origins, &r, change, t, u, plan, &mut origin);
        }
        if b != Bucket::default() {
            let idx = grid.idx(row.level, t);
            row.buckets.entry(idx).or_default().merge(&b);
        }
    }

    /// Rows in report order.
    fn ordered(&self) -> Vec<&Row> {
        let mut v: Vec<&Row> = self.rows.iter().collect();
        v.sort_by(|a, b| {
            (
                &self.routers[a.router].name,
                a.peer.address(),
                a.peer.asn,
                a.rib,
            )
                .cmp(&(
                    &self.routers[b.router].name,
                    b.peer.address(),
                    b.peer.asn,
                    b.rib,
                ))
        });
        v
    }

    /// A row's buckets at the reported width, the one without time first.
    fn buckets(&self, row: &Row) -> Vec<report::Bucket> {
        let g = &self.grid;
        let lo = g.lo;
        let step = g.step();
        let ratio = g.steps[lo] / g.steps[row.level.min(lo)];
        let mut m: BTreeMap<u64, Bucket> = BTreeMap::new();
        for (&idx, b) in &row.buckets {
            let n = if idx == UNTIMED { UNTIMED } else { idx / ratio };
            m.entry(n).or_default().merge(b);
        }
        let touched = &row.hot.touched[lo];
        let mut usual: Vec<u64> = m
            .iter()
            .filter(|(i, b)| **i != UNTIMED && b.churn() > 0)
            .map(|(_, b)| b.churn())
            .collect();
        usual.sort_unstable();
        let median = usual.get(usual.len().saturating_sub(1) / 2).copied();
        let mut out: Vec<(u64, report::Bucket)> = m
            .into_iter()
            .map(|(i, b)| {
                let c = b.churn();
                let spike =
                    i != UNTIMED && c >= SPIKE_MIN && median.is_some_and(|m| c > SPIKE_FACTOR * m);
                let bucket = report::Bucket {
                    start: (i != UNTIMED).then(|| at(i.saturating_mul(step))),
                    announced: b.announced,
                    withdrawn: b.withdrawn,
                    implicit_withdrawn: b.implicit,
                    duplicate: b.duplicate,
                    routes_touched: touched.get(&i).copied().unwrap_or(0),
                    initial: b.initial,
                    spike,
                };
                (i, bucket)
            })
            .collect();
        // The bucket without time first.
        out.sort_by_key(|(i, _)| (*i != UNTIMED, *i));
        out.into_iter().map(|(_, b)| b).collect()
    }

    fn top_prefixes(&self) -> Vec<(&Row, &Hot)> {
        let mut v: Vec<(&Row, &Hot)> = self
            .ordered()
            .into_iter()
            .flat_map(|r| {
                r.hot
                    .routes
                    .values()
                    .filter(|h| h.changes > 0)
                    .map(move |h| (r, h))
            })
            .collect();
        v.sort_by(|a, b| {
            b.1.changes
                .cmp(&a.1.changes)
                .then_with(|| {
                    (&self.routers[a.0.router].name, a.0.peer.address(), a.0.rib).cmp(&(
                        &self.routers[b.0.router].name,
                        b.0.peer.address(),
                        b.0.rib,
                    ))
                })
                .then_with(|| a.1.text.cmp(&b.1.text))
        });
        v.truncate(self.top);
        v
    }

    fn top_origins(&self) -> Vec<report::TopOrigin> {
        let mut v: Vec<(u32, u64)> = self.origins.iter().map(|(a, n)| (*a, *n)).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        v.truncate(self.top);
        v.into_iter()
            .map(|(asn, changes)| report::TopOrigin { asn, changes })
            .collect()
    }

    /// The report, as the view stands now.
    fn build_report(&self) -> Report<'_> {
        let peers = self
            .ordered()
            .into_iter()
            .map(|row| report::Peer {
                router: &self.routers[row.router].name,
                address: row.peer.address(),
                asn: row.peer.asn,
                bgp_id: row.peer.bgp_id,
                rib: row.rib,
                dumps: row.dumps,
                initial_complete: (row.dumps > 0).then(|| row.dump.status()),
                initial: row.initial_totals().into(),
                steady: row.steady.into(),
                buckets: self.buckets(row),
            })
            .collect();
        let top_prefixes = self
            .top_prefixes()
            .into_iter()
            .map(|(row, h)| report::TopPrefix {
                router: &self.routers[row.router].name,
                address: row.peer.address(),
                rib: row.rib,
                prefix: h.text.as_deref().unwrap_or(""),
                family: h.family.to_string(),
                changes: h.changes,
                changed: report::Changed {
                    announced: h.announced,
                    withdrawn: h.withdrawn,
                    as_path: h.as_path,
                    next_hop: h.next_hop,
                    communities: h.communities,
                    med: h.med,
                    other: h.other,
                },
            })
            .collect();
        let span = self.grid.span;
        Report {
            interval_seconds: self.grid.interval_seconds(),
            start: span.map(|(a, _)| at(a)),
            end: span.map(|(_, b)| at(b)),
            peers,
            top_prefixes,
            top_origin_as: self.top_origins(),
            bucket_us: self.grid.step(),
        }
    }
}

/// The time `us` microseconds after the epoch.
fn at(us: u64) -> Timestamp {
    Timestamp::from_micros(us / 1_000_000, (us % 1_000_000) as u32)
}

impl Analysis for Churn {
    fn event(&mut self, ctx: &StreamCtx<'_>, ev: &Event<'_>) {
        let Event::Message(d) = ev else {
            return;
        };
        let is_init = matches!(d.msg.body, Body::Initiation(_));
        let time = event_time(ctx, ev).map(Timestamp::micros);
        let stream = self.bind(ctx);
        if let Some(t) = time {
            stream.last_time = Some(t);
        }
        let t = time.or(stream.last_time).unwrap_or(UNTIMED);
        let (sid, router) = (stream.id, stream.router);
        if let Some(t) = time {
            self.grid.observe(t);
        }
        if is_init {
            // The stream may be joining an earlier router: the Joined that follows moves it
            // there; the name is that router's already.
            let router = self
                .router_ids
                .get(&ctx.router_id)
                .copied()
                .unwrap_or(router);
            self.routers[router].name = ctx.router_name();
            return;
        }
        let Some(peer) = d.msg.peer() else {
            return;
        };
        match &d.msg.body {
            Body::PeerUp(..) => {
                let i = self.row(router, sid, peer);
                self.rows[i].begin_dump();
                // Many routers send one Peer Up for all RIB views of a peer.
                for j in self.siblings(router, peer) {
                    if !self.rows[j].dump.active {
                        self.rows[j].begin_dump();
                    }
                }
            }
            Body::PeerDown(..) => {
                for j in self.siblings(router, peer) {
                    let row = &mut self.rows[j];
                    row.clear_table();
                    row.dump.active = false;
                }
            }
            Body::RouteMonitoring(..) => {
                if let Some((u, plan)) = &d.update {
                    let i = self.row(router, sid, peer);
                    self.update(i, t, u, plan);
                }
            }
            _ => {}
        }
    }

    fn lifecycle(&mut self, l: &Lifecycle<'_>) {
        match l {
            Lifecycle::StreamStart { stream, .. } => {
                // A name used again (the same file twice) is a new stream.
                self.streams.remove(*stream);
            }
            Lifecycle::StreamEnd { stream, .. } => {
                if let Some(s) = self.streams.remove(*stream) {
                    // Nothing more comes for these tables: a new session re-sends them.
                    for row in &mut self.rows {
                        if row.stream == s.id {
                            row.clear_table();
                        }
                    }
                }
            }
            Lifecycle::Joined {
                stream,
                from,
                router,
                info,
                ..
            } if from != router => {
                self.merge(*from, *router, stream, info.name(stream).to_string());
            }
            Lifecycle::Joined { .. } => {}
        }
    }
}

impl View for Churn {
    fn report(&self) -> super::Report<'_> {
        super::Report::Churn(self.build_report())
    }

    fn threaded(&self) -> bool {
        true
    }
}
