//! The routes a peer touched in steady state: per route what changed (the top prefixes), per
//! bucket how many distinct routes (`routes_touched`), and the changes per origin AS. Bounded:
//! see the memory section of the module documentation of [`super`].

use crate::decode::family::Family;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use super::counts::Totals;
use super::grid::Grid;
use crate::analysis::routes::{Change, KeyMap, route_key};
use crate::decode::bgp::route_text::short_text;
use crate::decode::bgp::update::{Plan, Route, Update};
use crate::decode::bgp::{as_path, attr};

/// Most routes per peer in the steady-state change map: the most a map of 65,536 slots holds
/// before it doubles.
const HOT_CAP: usize = 57_344;

/// A route that was touched in steady state.
#[derive(Debug)]
pub(super) struct Hot {
    pub(super) changes: u32,
    pub(super) announced: u32,
    pub(super) withdrawn: u32,
    pub(super) as_path: u32,
    pub(super) next_hop: u32,
    pub(super) communities: u32,
    pub(super) med: u32,
    pub(super) other: u32,
    pub(super) family: Family,
    /// Time it was last touched, microseconds (or [`super::grid::UNTIMED`]).
    last: u64,
    /// The route as text, from its first change.
    pub(super) text: Option<Box<str>>,
}

/// The steady-state routes of one peer and RIB view.
#[derive(Debug)]
pub(super) struct HotRoutes {
    /// Route key -> what it did.
    pub(super) routes: KeyMap<Hot>,
    /// Distinct routes touched per bucket, per candidate width of the grid.
    pub(super) touched: Vec<BTreeMap<u64, u64>>,
}

impl HotRoutes {
    /// None yet, with a bucket count per candidate width of `grid`.
    pub(super) fn new(grid: &Grid) -> Self {
        HotRoutes {
            routes: KeyMap::default(),
            touched: vec![BTreeMap::new(); grid.steps.len()],
        }
    }

    /// Forgets the counts of the widths `levels` (no longer possible).
    pub(super) fn drop_levels(&mut self, levels: std::ops::Range<usize>) {
        for t in &mut self.touched[levels] {
            *t = BTreeMap::new();
        }
    }

    /// The steady-state bookkeeping of one route at time `t`: touched counts, change map,
    /// origin AS (`origin` caches the UPDATE's origin AS across its routes).
    #[allow(clippy::too_many_arguments)]
    #[inline]
    pub(super) fn record(
        &mut self,
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
        let HotRoutes { routes, touched } = self;
        let key = route_key(r.family, &r.nlri);
        if routes.len() >= HOT_CAP && !routes.contains_key(&key) {
            prune(routes);
        }
        let mut fresh = false;
        let h = routes.entry(key).or_insert_with(|| {
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
                family: r.family,
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
                // The origin of the path withdrawn, even when it was announced in the dump;
                // none for an empty AS_PATH.
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
    let mut s = short_text(r);
    if let Some(id) = r.nlri.path_id {
        let _ = write!(s, "#{id}");
    }
    s.into_boxed_str()
}

/// The origin AS of an UPDATE's path (see the module documentation of [`super`]).
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
