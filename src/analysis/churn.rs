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
//! router (a later stream of the same router: same address when the source knows it, else the
//! same sysName; the router re-sends its whole table). A Peer Up starts the dump of every RIB
//! view of the peer that is not already in one (routers often send one Peer Up for all views),
//! and a RIB view first seen while another view of its peer is in its dump joins it. The route
//! tables are cleared then, and on Peer Down (every view of the peer). While a dump runs, the routes of every address family that has not yet had its
//! End-of-RIB are counted as `initial`; after a family's End-of-RIB its routes are `steady`.
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
//! timestamp ([`super::event_time`]). An event without time takes the last time seen on its
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
//! # JSON (`--json`)
//!
//! ```text
//! {
//!   "interval_seconds": 10,              // bucket width (a fraction below 1 s); null without time
//!   "start": "2023-11-14T22:13:20.000000Z", "end": "...",   // first and last event time, or null
//!   "peers": [ {
//!     "router": "pe1",                   // sysName, else address, else stream name
//!     "address": "192.0.2.1", "asn": 65001, "bgp_id": "192.0.2.1",
//!     "rib": "adj_rib_in_pre",           // adj_rib_in_pre|adj_rib_in_post|adj_rib_out_pre|adj_rib_out_post|loc_rib|unknown
//!     "dumps": 2,                        // initial dumps seen (Peer Up, session start)
//!     "initial": {"announced", "withdrawn", "implicit_withdrawn", "duplicate", "routes_touched"},
//!     "steady":  {"announced", "withdrawn", "implicit_withdrawn", "duplicate", "routes_touched"},
//!     "initial_complete": "end_of_rib" | "rule" | "incomplete" | null,
//!     "buckets": [ {"start": "2023-11-14T22:13:20.000000Z" | null, "announced", "withdrawn",
//!                   "implicit_withdrawn", "duplicate", "routes_touched", "initial", "spike": false} ]
//!   } ],
//!   "top_prefixes": [ {"router", "address", "rib", "prefix": "10.0.0.0/24" (RD as
//!      "[65000:1]10.0.0.0/24", path ID as "#7"), "family": "ipv4_unicast", "changes": 5,
//!      "changed": {"announced", "withdrawn", "as_path", "next_hop", "communities", "med", "other"}} ],
//!   "top_origin_as": [ {"asn": 64500, "changes": 12} ]
//! }
//! ```
//!
//! Peers are sorted by router, peer address, AS and RIB view; top lists by changes (most
//! first; ties by router, peer, RIB view and route text), `--top` entries each.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::net::IpAddr;
use std::time::Duration;

use comfy_table::{CellAlignment, ColumnConstraint, ContentArrangement, Table, presets};
use serde_json::{Value, json};

use super::routes::{
    AttrFingerprint, AttrStore, Change, KeyMap, Outcomes, RouteTable, apply_route, identity,
    route_key,
};
use super::{Analysis, View};
use crate::decode::bgp::update::{Plan, Route, Update};
use crate::decode::bgp::{as_path, attr};
use crate::decode::bmp::Body;
use crate::decode::bmp::header::{PeerHeader, RibView};
use crate::decode::codes;
use crate::event::{Event, Lifecycle, StreamCtx, event_time};
use crate::filter::Filter;
use crate::render::sanitize::for_terminal;
use crate::session::PeerKey;
use crate::time::Timestamp;

/// Microseconds since the epoch.
fn micros(t: Timestamp) -> u64 {
    t.micros()
}

/// RFC 3339 text of `secs` and `micros`.
fn rfc3339_micros(secs: u64, micros: u32) -> String {
    Timestamp::from_micros(secs, micros).to_string()
}

/// Default bucket widths, seconds.
const LADDER: [u64; 11] = [1, 5, 10, 30, 60, 300, 600, 1800, 3600, 21_600, 86_400];
/// Most buckets the default interval gives.
const MAX_AUTO_BUCKETS: u64 = 60;
/// Quiet rule: window width and the fewest new routes per window that keep a dump going.
const DUMP_WINDOW_US: u64 = 1_000_000;
const DUMP_MIN_NEW: u64 = 100;
/// Spikes: more than this many times the lower median, and at least `SPIKE_MIN`.
const SPIKE_FACTOR: u64 = 3;
const SPIKE_MIN: u64 = 10;
/// Most routes per peer in the steady-state change map: the most a map of 65,536 slots holds
/// before it doubles.
const HOT_CAP: usize = 57_344;
/// Time (and bucket index) of events without time.
const UNTIMED: u64 = u64::MAX;

/// Totals of one phase.
#[derive(Debug, Default, Clone, Copy)]
struct Totals {
    announced: u64,
    withdrawn: u64,
    implicit: u64,
    duplicate: u64,
    touched: u64,
}

/// Counts one route event: every announcement in `announced`, and the kind of change.
fn classify(
    c: Change,
    announced: &mut u64,
    withdrawn: &mut u64,
    implicit: &mut u64,
    duplicate: &mut u64,
) {
    match c {
        Change::New => *announced += 1,
        Change::Duplicate => {
            *announced += 1;
            *duplicate += 1;
        }
        Change::Replaced(_) => {
            *announced += 1;
            *implicit += 1;
        }
        Change::Withdrawn(_) | Change::WithdrawnUnknown => *withdrawn += 1,
    }
}

impl Totals {
    /// Adds what deferred routes did: `touched` counts the routes that entered the table and
    /// the withdrawals of routes it did not hold, as in the dump's rule.
    fn fold(&mut self, o: &Outcomes) {
        self.announced += o.new + o.duplicate + o.replaced;
        self.withdrawn += o.withdrawn + o.withdrawn_unknown;
        self.implicit += o.replaced;
        self.duplicate += o.duplicate;
        self.touched += o.new + o.withdrawn_unknown;
    }

    fn add(&mut self, c: Change) {
        classify(
            c,
            &mut self.announced,
            &mut self.withdrawn,
            &mut self.implicit,
            &mut self.duplicate,
        );
    }

    fn json(&self) -> Value {
        json!({
            "announced": self.announced,
            "withdrawn": self.withdrawn,
            "implicit_withdrawn": self.implicit,
            "duplicate": self.duplicate,
            "routes_touched": self.touched,
        })
    }
}

/// Counters of one bucket (`touched` is kept apart, per candidate width).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Bucket {
    announced: u64,
    withdrawn: u64,
    implicit: u64,
    duplicate: u64,
    initial: u64,
}

impl Bucket {
    fn add(&mut self, c: Change) {
        classify(
            c,
            &mut self.announced,
            &mut self.withdrawn,
            &mut self.implicit,
            &mut self.duplicate,
        );
    }

    fn merge(&mut self, o: &Bucket) {
        self.announced += o.announced;
        self.withdrawn += o.withdrawn;
        self.implicit += o.implicit;
        self.duplicate += o.duplicate;
        self.initial += o.initial;
    }

    fn churn(&self) -> u64 {
        self.announced + self.withdrawn
    }
}

/// The bucket widths still possible, and the time span seen.
#[derive(Debug)]
struct Grid {
    /// Candidate widths, microseconds, finest first.
    steps: Vec<u64>,
    /// Index of the finest candidate still possible (the one reported).
    lo: usize,
    /// Earliest and latest event time, microseconds.
    span: Option<(u64, u64)>,
    /// Whether the width is chosen from the span.
    auto: bool,
}

impl Grid {
    fn new(interval: Option<Duration>) -> Self {
        match interval {
            Some(d) => Grid {
                steps: vec![u64::try_from(d.as_micros()).unwrap_or(u64::MAX).max(1)],
                lo: 0,
                span: None,
                auto: false,
            },
            None => Grid {
                steps: LADDER.iter().map(|s| s * 1_000_000).collect(),
                lo: 0,
                span: None,
                auto: true,
            },
        }
    }

    fn idx(&self, level: usize, t: u64) -> u64 {
        if t == UNTIMED {
            UNTIMED
        } else {
            t / self.steps[level]
        }
    }

    fn observe(&mut self, t: u64) {
        let (a, b) = self.span.map_or((t, t), |(a, b)| (a.min(t), b.max(t)));
        self.span = Some((a, b));
        if self.auto {
            while self.lo + 1 < self.steps.len() && {
                let s = self.steps[self.lo];
                b / s - a / s + 1 > MAX_AUTO_BUCKETS
            } {
                self.lo += 1;
            }
        }
    }

    fn step(&self) -> u64 {
        self.steps[self.lo]
    }
}

/// One address family within a dump.
#[derive(Debug, Clone, Copy)]
struct Fam {
    afi: u16,
    safi: u8,
    routes: bool,
    eor: bool,
}

/// The latest initial dump of a peer.
#[derive(Debug, Default)]
struct Dump {
    active: bool,
    by_rule: bool,
    families: Vec<Fam>,
    t0: Option<u64>,
    window: u64,
    new_in_window: u64,
}

impl Dump {
    fn start() -> Self {
        Dump {
            active: true,
            ..Dump::default()
        }
    }

    /// Whether nothing happened since it started.
    fn fresh(&self) -> bool {
        self.active && self.t0.is_none() && self.families.is_empty()
    }

    fn fam(&mut self, afi: u16, safi: u8) -> &mut Fam {
        let i = match self
            .families
            .iter()
            .position(|f| f.afi == afi && f.safi == safi)
        {
            Some(i) => i,
            None => {
                self.families.push(Fam {
                    afi,
                    safi,
                    routes: false,
                    eor: false,
                });
                self.families.len() - 1
            }
        };
        &mut self.families[i]
    }

    /// Whether routes of this family count as initial.
    fn pending(&self, afi: u16, safi: u8) -> bool {
        self.active
            && !self
                .families
                .iter()
                .any(|f| f.afi == afi && f.safi == safi && f.eor)
    }

    /// Whether an event at `t` ends the current window (and so [`Dump::tick`] checks it).
    fn rolls(&self, t: u64) -> bool {
        self.t0
            .is_some_and(|t0| t.saturating_sub(t0) / DUMP_WINDOW_US > self.window)
    }

    /// Whether an event at `t` is the first past the dump's first window, and that window was
    /// quiet: the one boundary that whole-second timestamps can put inside a short dump.
    fn quiet_first_boundary(&self, t: u64) -> bool {
        self.window == 0
            && self.new_in_window < DUMP_MIN_NEW
            && self
                .t0
                .is_some_and(|t0| t.saturating_sub(t0) / DUMP_WINDOW_US == 1)
    }

    /// The dump goes on into the window of `t`.
    fn carry_on(&mut self, t: u64) {
        if let Some(t0) = self.t0 {
            self.window = t.saturating_sub(t0) / DUMP_WINDOW_US;
            self.new_in_window = 0;
        }
    }

    /// The quiet rule, at a route event of time `t`.
    fn tick(&mut self, t: u64) {
        let Some(t0) = self.t0 else {
            self.t0 = Some(t);
            return;
        };
        let w = t.saturating_sub(t0) / DUMP_WINDOW_US;
        if w > self.window {
            if w > self.window + 1 || self.new_in_window < DUMP_MIN_NEW {
                self.active = false;
                self.by_rule = true;
            } else {
                self.window = w;
                self.new_in_window = 0;
            }
        }
    }

    fn status(&self) -> &'static str {
        let missing = self.families.iter().any(|f| f.routes && !f.eor);
        if missing {
            if self.by_rule { "rule" } else { "incomplete" }
        } else if self.families.iter().any(|f| f.eor) {
            "end_of_rib"
        } else if self.by_rule {
            "rule"
        } else {
            "incomplete"
        }
    }
}

/// A route that was touched in steady state.
#[derive(Debug)]
struct Hot {
    changes: u32,
    announced: u32,
    withdrawn: u32,
    as_path: u32,
    next_hop: u32,
    communities: u32,
    med: u32,
    other: u32,
    afi: u16,
    safi: u8,
    /// Time it was last touched, microseconds (or `UNTIMED`).
    last: u64,
    /// The route as text, from its first change.
    text: Option<Box<str>>,
}

/// Router identity across streams.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum RouterKey {
    Addr(IpAddr),
    Name(String),
    Stream(String),
}

#[derive(Debug)]
struct Router {
    name: String,
}

#[derive(Debug)]
struct StreamState {
    id: u32,
    router: usize,
    provisional: bool,
    last_time: Option<u64>,
}

/// One router, peer and RIB view.
#[derive(Debug)]
struct Row {
    router: usize,
    peer: PeerHeader,
    rib: RibView,
    stream: u32,
    table: RouteTable,
    dump: Dump,
    dumps: u32,
    initial: Totals,
    steady: Totals,
    /// Width index of `buckets`.
    level: usize,
    buckets: BTreeMap<u64, Bucket>,
    /// Distinct routes touched per bucket, per candidate width.
    touched: Vec<BTreeMap<u64, u64>>,
    hot: KeyMap<Hot>,
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
        for t in &mut self.touched[self.level..grid.lo] {
            *t = BTreeMap::new();
        }
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
    router_ids: HashMap<RouterKey, usize>,
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

    fn router(&mut self, key: RouterKey, name: String) -> usize {
        if let Some(&i) = self.router_ids.get(&key) {
            self.routers[i].name = name;
            return i;
        }
        self.routers.push(Router { name });
        self.router_ids.insert(key, self.routers.len() - 1);
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

    /// The stream's state, binding it to its router (and starting a session) on first sight.
    fn bind(&mut self, ctx: &StreamCtx<'_>) -> &mut StreamState {
        match self.streams.get(ctx.name) {
            Some(s) if s.provisional && ctx.router.sys_name.is_some() => {
                let (id, old) = (s.id, s.router);
                let name = ctx.router_name();
                let new = self.router(RouterKey::Name(name.clone()), name);
                if new != old {
                    let moving: Vec<usize> = (0..self.rows.len())
                        .filter(|&i| self.rows[i].router == old && self.rows[i].stream == id)
                        .collect();
                    for i in moving {
                        let (pk, rib) = (PeerKey::from(&self.rows[i].peer), self.rows[i].rib);
                        if let std::collections::hash_map::Entry::Vacant(e) =
                            self.row_ids.entry((new, pk, rib))
                        {
                            e.insert(i);
                            self.row_ids.remove(&(old, pk, rib));
                            self.rows[i].router = new;
                        }
                    }
                }
                self.session_start(new, id);
                let s = self.streams.get_mut(ctx.name).expect("stream known");
                s.router = new;
                s.provisional = false;
            }
            Some(_) => {}
            None => {
                let (key, provisional) = match (ctx.router.address, &ctx.router.sys_name) {
                    (Some(a), _) => (RouterKey::Addr(a), false),
                    (None, Some(n)) => (RouterKey::Name(n.clone()), false),
                    (None, None) => (RouterKey::Stream(ctx.name.to_string()), true),
                };
                let router = self.router(key, ctx.router_name());
                let id = self.next_stream;
                self.next_stream += 1;
                self.session_start(router, id);
                self.streams.insert(
                    ctx.name.to_string(),
                    StreamState {
                        id,
                        router,
                        provisional,
                        last_time: None,
                    },
                );
            }
        }
        self.streams.get_mut(ctx.name).expect("stream bound")
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
                    touched: vec![BTreeMap::new(); self.grid.steps.len()],
                    hot: KeyMap::default(),
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
        [
            RibView::AdjRibInPre,
            RibView::AdjRibInPost,
            RibView::AdjRibOutPre,
            RibView::AdjRibOutPost,
            RibView::LocRib,
            RibView::Unknown,
        ]
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
        if let Some((afi, safi)) = u.end_of_rib() {
            if filter.family(afi, safi) && row.dump.active {
                row.dump.fam(afi, safi).eor = true;
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
        let mut fam: Option<((u16, u8), bool, bool)> = None;
        let mut b = Bucket::default();
        let Row {
            table,
            dump,
            steady,
            touched,
            hot,
            ..
        } = row;
        for r in plan.routes(u) {
            let (pass, dumping) = match fam {
                Some((f, p, d)) if f == (r.afi, r.safi) => (p, d),
                _ => {
                    let p = filter.family(r.afi, r.safi);
                    let d = p && dump.pending(r.afi, r.safi);
                    if d {
                        dump.fam(r.afi, r.safi).routes = true;
                    }
                    fam = Some(((r.afi, r.safi), p, d));
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
            steady_route(
                hot,
                touched,
                steady,
                grid,
                origins,
                &r,
                change,
                t,
                u,
                plan,
                &mut origin,
            );
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

    /// A row's buckets at the reported width: (index, counters, routes touched, spike).
    fn buckets(&self, row: &Row) -> Vec<(u64, Bucket, u64, bool)> {
        let g = &self.grid;
        let lo = g.lo;
        let ratio = g.steps[lo] / g.steps[row.level.min(lo)];
        let mut m: BTreeMap<u64, Bucket> = BTreeMap::new();
        for (&idx, b) in &row.buckets {
            let n = if idx == UNTIMED { UNTIMED } else { idx / ratio };
            m.entry(n).or_default().merge(b);
        }
        let touched = &row.touched[lo];
        let mut usual: Vec<u64> = m
            .iter()
            .filter(|(i, b)| **i != UNTIMED && b.churn() > 0)
            .map(|(_, b)| b.churn())
            .collect();
        usual.sort_unstable();
        let median = usual.get(usual.len().saturating_sub(1) / 2).copied();
        let mut out: Vec<(u64, Bucket, u64, bool)> = m
            .into_iter()
            .map(|(i, b)| {
                let c = b.churn();
                let spike =
                    i != UNTIMED && c >= SPIKE_MIN && median.is_some_and(|m| c > SPIKE_FACTOR * m);
                (i, b, touched.get(&i).copied().unwrap_or(0), spike)
            })
            .collect();
        // The bucket without time first.
        out.sort_by_key(|(i, ..)| (*i != UNTIMED, *i));
        out
    }

    fn top_prefixes(&self) -> Vec<(&Row, &Hot)> {
        let mut v: Vec<(&Row, &Hot)> = self
            .ordered()
            .into_iter()
            .flat_map(|r| {
                r.hot
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

    fn top_origins(&self) -> Vec<(u32, u64)> {
        let mut v: Vec<(u32, u64)> = self.origins.iter().map(|(a, n)| (*a, *n)).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        v.truncate(self.top);
        v
    }

    fn time_text(&self, idx: u64) -> Value {
        if idx == UNTIMED {
            Value::Null
        } else {
            let us = idx.saturating_mul(self.grid.step());
            rfc3339_micros(us / 1_000_000, (us % 1_000_000) as u32).into()
        }
    }
}

/// Whether an UPDATE only announces routes of the running dump's families that the table does
/// not hold yet (what a router still sending its table sends), and at least one.
fn only_new_routes(
    table: &RouteTable,
    dump: &Dump,
    filter: &Filter,
    u: &Update<'_>,
    plan: &Plan<'_>,
) -> bool {
    let mut any = false;
    for r in plan.routes(u) {
        if !filter.family(r.afi, r.safi) || !dump.pending(r.afi, r.safi) {
            continue;
        }
        if r.withdrawn || table.contains(&identity(&r)) {
            return false;
        }
        any = true;
    }
    any
}

/// The steady-state bookkeeping of one route: touched counts, change map, origin AS.
#[allow(clippy::too_many_arguments)]
fn steady_route(
    hot: &mut KeyMap<Hot>,
    touched: &mut [BTreeMap<u64, u64>],
    steady: &mut Totals,
    grid: &Grid,
    origins: &mut HashMap<u32, u64>,
    r: &Route<'_>,
    change: Change,
    t: u64,
    u: &Update<'_>,
    plan: &Plan<'_>,
    origin: &mut Option<Option<u32>>,
) {
    let key = route_key(r.afi, r.safi, &r.nlri);
    if hot.len() >= HOT_CAP && !hot.contains_key(&key) {
        prune(hot);
    }
    let mut fresh = false;
    let h = hot.entry(key).or_insert_with(|| {
        fresh = true;
        Hot {
            changes: 0,
            announced: 0,
            withdrawn: 0,
            as_path: 0,
            next_hop: 0,
            communities: 0,
            med: 0,
            other: 0,
            afi: r.afi,
            safi: r.safi,
            last: t,
            text: None,
        }
    });
    if fresh {
        steady.touched += 1;
    }
    for (level, map) in touched.iter_mut().enumerate().skip(grid.lo) {
        let now = grid.idx(level, t);
        if fresh || grid.idx(level, h.last) != now {
            *map.entry(now).or_default() += 1;
        }
    }
    h.last = t;
    let attributed = match change {
        Change::New | Change::Replaced(_) => {
            if let Change::Replaced(c) = change {
                h.as_path += u32::from(c.as_path);
                h.next_hop += u32::from(c.next_hop);
                h.communities += u32::from(c.communities);
                h.med += u32::from(c.med);
                h.other += u32::from(c.other);
            } else {
                h.announced += 1;
            }
            *origin.get_or_insert_with(|| origin_as(u, plan))
        }
        Change::Withdrawn(old) => {
            h.withdrawn += 1;
            // The origin of the path withdrawn, even when it was announced in the dump; none
            // for an empty AS_PATH.
            (old.origin_as != 0).then_some(old.origin_as)
        }
        Change::Duplicate | Change::WithdrawnUnknown => return,
    };
    h.changes = h.changes.saturating_add(1);
    if h.text.is_none() {
        h.text = Some(route_text(r));
    }
    if let Some(o) = attributed {
        *origins.entry(o).or_default() += 1;
    }
}

/// Forgets the half of the change map with the fewest changes.
fn prune(hot: &mut KeyMap<Hot>) {
    let mut counts: Vec<u32> = hot.values().map(|h| h.changes).collect();
    let mid = counts.len() / 2;
    let (_, &mut median, _) = counts.select_nth_unstable(mid);
    // At most half stay: those above the median.
    hot.retain(|_, h| h.changes > median);
}

/// The route as text: the prefix (with RD) and `#path-id`.
fn route_text(r: &Route<'_>) -> Box<str> {
    let mut s = crate::render::route::short_text(r);
    if let Some(id) = r.nlri.path_id {
        let _ = write!(s, "#{id}");
    }
    s.into_boxed_str()
}

/// The origin AS of an UPDATE's path (see the module documentation).
fn origin_as(u: &Update<'_>, plan: &Plan<'_>) -> Option<u32> {
    let (mut path, mut path4) = (None, None);
    for a in u.attributes().map_while(Result::ok) {
        match a.code {
            attr::AS_PATH if path.is_none() => path = Some(a.value),
            attr::AS4_PATH if path4.is_none() => path4 = Some(a.value),
            _ => {}
        }
    }
    as_path::effective_origin(path, path4, plan.four_octet_as)
}

impl Analysis for Churn {
    fn event(&mut self, ctx: &StreamCtx<'_>, ev: &Event<'_>) {
        let Event::Message(d) = ev else {
            return;
        };
        let is_init = matches!(d.msg.body, Body::Initiation(_));
        let time = event_time(ctx, ev).map(micros);
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
        }
    }
}

fn step_text(us: u64) -> String {
    let s = us / 1_000_000;
    if us % 1_000_000 != 0 {
        if us % 1000 == 0 {
            format!("{}ms", us / 1000)
        } else {
            format!("{us}us")
        }
    } else if s % 86_400 == 0 {
        format!("{}d", s / 86_400)
    } else if s % 3600 == 0 {
        format!("{}h", s / 3600)
    } else if s % 60 == 0 {
        format!("{}m", s / 60)
    } else {
        format!("{s}s")
    }
}

fn changed_text(h: &Hot) -> String {
    [
        ("withdrawn", h.withdrawn),
        ("announced", h.announced),
        ("as_path", h.as_path),
        ("next_hop", h.next_hop),
        ("communities", h.communities),
        ("med", h.med),
        ("other", h.other),
    ]
    .iter()
    .filter(|(_, n)| *n > 0)
    .map(|(k, n)| format!("{k} {n}"))
    .collect::<Vec<_>>()
    .join(", ")
}

const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// Steady churn per bucket over a span of `len` buckets, given as (bucket from the first,
/// churn) for the buckets that have any: `·` for none, at most `max` characters (each the
/// busiest of its buckets). Sized by `max`, not by the span, which router clocks decide.
fn sparkline(len: u64, values: &[(u64, u64)], max: usize) -> String {
    if len == 0 {
        return "-".into();
    }
    let group = len.div_ceil(max.max(1) as u64);
    let mut cols = vec![0u64; len.div_ceil(group) as usize];
    for &(i, v) in values {
        if let Some(c) = cols.get_mut((i / group) as usize) {
            *c = (*c).max(v);
        }
    }
    let top = cols.iter().copied().max().unwrap_or(0);
    cols.iter()
        .map(|&v| {
            if v == 0 {
                '·'
            } else {
                let level = (v * 8).div_ceil(top).clamp(1, 8) as usize;
                BARS[level - 1]
            }
        })
        .collect()
}

fn table(width: u16, header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(width)
        .set_header(header.to_vec());
    t
}

fn right(t: &mut Table, cols: &[usize]) {
    for &c in cols {
        if let Some(col) = t.column_mut(c) {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
}

impl View for Churn {
    fn report(&self) -> super::Report<'_> {
        super::Report::Churn(Report { view: self })
    }

    fn threaded(&self) -> bool {
        true
    }
}

/// The report. Its JSON and text are still built by the view's own code (`report_json`,
/// `report_text`); they move to serde types and a renderer in [`crate::render`].
#[derive(Debug)]
pub struct Report<'a> {
    view: &'a Churn,
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

impl Churn {
    fn report_json(&self) -> Value {
        let span = self.grid.span;
        let t = |us: u64| Value::from(rfc3339_micros(us / 1_000_000, (us % 1_000_000) as u32));
        let step = self.grid.step();
        let interval = if span.is_none() && self.grid.auto {
            Value::Null
        } else if step % 1_000_000 == 0 {
            (step / 1_000_000).into()
        } else {
            (step as f64 / 1e6).into()
        };
        let peers: Vec<Value> = self
            .ordered()
            .into_iter()
            .map(|row| {
                let buckets: Vec<Value> = self
                    .buckets(row)
                    .into_iter()
                    .map(|(i, b, touched, spike)| {
                        json!({
                            "start": self.time_text(i),
                            "announced": b.announced,
                            "withdrawn": b.withdrawn,
                            "implicit_withdrawn": b.implicit,
                            "duplicate": b.duplicate,
                            "routes_touched": touched,
                            "initial": b.initial,
                            "spike": spike,
                        })
                    })
                    .collect();
                json!({
                    "router": self.routers[row.router].name,
                    "address": row.peer.address().to_string(),
                    "asn": row.peer.asn,
                    "bgp_id": row.peer.bgp_id.to_string(),
                    "rib": row.rib.name(),
                    "dumps": row.dumps,
                    "initial": row.initial_totals().json(),
                    "steady": row.steady.json(),
                    "initial_complete": if row.dumps == 0 { Value::Null } else { row.dump.status().into() },
                    "buckets": buckets,
                })
            })
            .collect();
        let top_prefixes: Vec<Value> = self
            .top_prefixes()
            .into_iter()
            .map(|(row, h)| {
                json!({
                    "router": self.routers[row.router].name,
                    "address": row.peer.address().to_string(),
                    "rib": row.rib.name(),
                    "prefix": h.text.as_deref().unwrap_or(""),
                    "family": codes::family_name(h.afi, h.safi),
                    "changes": h.changes,
                    "changed": {
                        "announced": h.announced,
                        "withdrawn": h.withdrawn,
                        "as_path": h.as_path,
                        "next_hop": h.next_hop,
                        "communities": h.communities,
                        "med": h.med,
                        "other": h.other,
                    },
                })
            })
            .collect();
        let top_origin_as: Vec<Value> = self
            .top_origins()
            .into_iter()
            .map(|(asn, n)| json!({"asn": asn, "changes": n}))
            .collect();
        json!({
            "interval_seconds": interval,
            "start": span.map_or(Value::Null, |(a, _)| t(a)),
            "end": span.map_or(Value::Null, |(_, b)| t(b)),
            "peers": peers,
            "top_prefixes": top_prefixes,
            "top_origin_as": top_origin_as,
        })
    }
    fn report_text(&self, width: u16) -> String {
        let mut out = String::new();
        let rows = self.ordered();
        if rows.is_empty() {
            return "No route monitoring seen.".into();
        }
        let step = self.grid.step();
        let span = self.grid.span;
        let short = |us: u64| {
            let s = rfc3339_micros(us / 1_000_000, 0);
            format!("{}Z", &s[..19])
        };
        match span {
            Some((a, b)) => {
                let _ = writeln!(
                    out,
                    "Route churn, buckets of {} from {} to {} (initial dumps apart)",
                    step_text(step),
                    short(a),
                    short(b)
                );
            }
            None => out.push_str("Route churn (no timestamps: one bucket)\n"),
        }
        let mut cells: Vec<[String; 6]> = Vec::new();
        let mut series: Vec<(u64, Vec<(u64, u64)>)> = Vec::new();
        for row in &rows {
            let buckets = self.buckets(row);
            let values = match span {
                Some((a, b)) => {
                    let (first, last) = (a / step, b / step);
                    let v = buckets
                        .iter()
                        .filter(|(i, ..)| *i != UNTIMED && (first..=last).contains(i))
                        .map(|(i, bk, _, _)| (i - first, bk.churn()))
                        .collect();
                    (last - first + 1, v)
                }
                None => (0, Vec::new()),
            };
            series.push(values);
            let spikes: Vec<String> = buckets
                .iter()
                .filter(|b| b.3)
                .map(|(i, ..)| {
                    let us = i * step;
                    rfc3339_micros(us / 1_000_000, 0)[11..19].to_string()
                })
                .collect();
            let spikes = match spikes.len() {
                0 => "-".to_string(),
                n if n <= 2 => format!("{n}: {}", spikes.join(" ")),
                n => format!("{n}: {} …", spikes[..2].join(" ")),
            };
            let status = match (row.dumps, row.dump.status()) {
                (0, _) => "none",
                (_, "end_of_rib") => "EoR",
                (_, s) => s,
            };
            let dumps = if row.dumps > 1 {
                format!(" ×{}", row.dumps)
            } else {
                String::new()
            };
            let s = &row.steady;
            cells.push([
                for_terminal(&self.routers[row.router].name),
                format!("{}\nAS{}", row.peer.address(), row.peer.asn),
                row.rib.short().to_string(),
                format!("{} {status}{dumps}", row.initial_totals().announced),
                format!(
                    "{}/{}/{}/{}",
                    s.announced, s.withdrawn, s.implicit, s.duplicate
                ),
                spikes,
            ]);
        }
        let header = [
            "Router",
            "Peer",
            "RIB",
            "Initial",
            "Steady\na/w/i/d",
            "Spikes",
        ];
        // The sparkline gets what the other columns leave (borders: 1 + 3 per column).
        let line_width = |s: &str| s.lines().map(|l| l.chars().count()).max().unwrap_or(0);
        let others: usize = (0..6)
            .map(|c| {
                cells
                    .iter()
                    .map(|r| line_width(&r[c]))
                    .chain([line_width(header[c])])
                    .max()
                    .unwrap_or(0)
            })
            .sum();
        let spark_max = (width as usize)
            .saturating_sub(others + 1 + 3 * 7)
            .clamp(8, 60);
        let mut head = header.to_vec();
        head.push("Churn");
        let mut t = table(width, &head);
        for (c, (len, values)) in cells.into_iter().zip(&series) {
            let mut r: Vec<String> = c.into();
            r.push(sparkline(*len, values, spark_max));
            t.add_row(r);
        }
        if let Some(col) = t.column_mut(6) {
            col.set_constraint(ColumnConstraint::ContentWidth);
        }
        let _ = writeln!(out, "{t}");
        let _ = writeln!(
            out,
            "Initial: routes announced in table dumps; how the last ended (EoR, rule, incomplete); ×dumps.\n\
             Steady: announced/withdrawn/implicit withdrawals/duplicates outside the dumps.\n\
             Churn: steady announcements and withdrawals per bucket (· none)."
        );
        let top = self.top_prefixes();
        if !top.is_empty() {
            let _ = writeln!(out, "\nMost changed prefixes (steady state)");
            let mut t = table(
                width,
                &["Router", "Peer", "RIB", "Prefix", "Changes", "What changed"],
            );
            for (row, h) in top {
                t.add_row(vec![
                    for_terminal(&self.routers[row.router].name),
                    row.peer.address().to_string(),
                    row.rib.short().to_string(),
                    h.text.as_deref().unwrap_or("").to_string(),
                    h.changes.to_string(),
                    changed_text(h),
                ]);
            }
            right(&mut t, &[4]);
            let _ = writeln!(out, "{t}");
        }
        let origins = self.top_origins();
        if !origins.is_empty() {
            let _ = writeln!(out, "\nMost churning origin AS (steady state)");
            let mut t = table(width, &["Origin AS", "Changes"]);
            for (asn, n) in origins {
                t.add_row(vec![format!("AS{asn}"), n.to_string()]);
            }
            right(&mut t, &[1]);
            let _ = writeln!(out, "{t}");
        }
        out.truncate(out.trim_end().len());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparklines() {
        assert_eq!(sparkline(4, &[(1, 1), (2, 8), (3, 4)], 10), "·▁█▄");
        assert_eq!(sparkline(6, &[(2, 8), (4, 1), (5, 1)], 3), "·█▁");
        // A span of four billion buckets (router clocks far apart) still gives `max`
        // characters, without a slot per bucket.
        let wide = sparkline(4_000_000_000, &[(0, 1), (3_999_999_999, 2)], 10);
        assert_eq!(wide.chars().count(), 10);
        assert!(wide.starts_with('▄') && wide.ends_with('█'), "{wide}");
    }

    #[test]
    fn steps() {
        assert_eq!(step_text(10_000_000), "10s");
        assert_eq!(step_text(300_000_000), "5m");
        assert_eq!(step_text(500_000), "500ms");
        assert_eq!(step_text(86_400_000_000), "1d");
    }
}
