//! A peer's initial table dump: which address families are still in it (End-of-RIB), and the
//! quiet rule that ends it for routers that send no End-of-RIB (see the module documentation
//! of [`super`]).

use super::report::InitialComplete;
use crate::analysis::routes::{RouteTable, identity};
use crate::decode::bgp::update::{Plan, Update};
use crate::decode::family::Family;
use crate::filter::Filter;

/// Quiet rule: window width and the fewest new routes per window that keep a dump going.
const DUMP_WINDOW_US: u64 = 1_000_000;
const DUMP_MIN_NEW: u64 = 100;

/// One address family within a dump.
#[derive(Debug, Clone, Copy)]
pub(super) struct Fam {
    family: Family,
    /// Routes of it were in the dump.
    pub(super) routes: bool,
    /// Its End-of-RIB came.
    pub(super) eor: bool,
}

/// The latest initial dump of a peer.
#[derive(Debug, Default)]
pub(super) struct Dump {
    pub(super) active: bool,
    by_rule: bool,
    families: Vec<Fam>,
    /// Time of its first route event, microseconds.
    t0: Option<u64>,
    /// The quiet rule's current window, counted from `t0`.
    window: u64,
    /// New routes in the current window (as far as folded in: see
    /// [`super::Row::settle_initial`]).
    pub(super) new_in_window: u64,
}

impl Dump {
    pub(super) fn start() -> Self {
        Dump {
            active: true,
            ..Dump::default()
        }
    }

    /// Whether nothing happened since it started.
    pub(super) fn fresh(&self) -> bool {
        self.active && self.t0.is_none() && self.families.is_empty()
    }

    #[inline]
    pub(super) fn fam(&mut self, family: Family) -> &mut Fam {
        let i = match self.families.iter().position(|f| f.family == family) {
            Some(i) => i,
            None => {
                self.families.push(Fam {
                    family,
                    routes: false,
                    eor: false,
                });
                self.families.len() - 1
            }
        };
        &mut self.families[i]
    }

    /// Whether routes of this family count as initial.
    #[inline]
    pub(super) fn pending(&self, family: Family) -> bool {
        self.active && !self.families.iter().any(|f| f.family == family && f.eor)
    }

    /// Whether an event at `t` ends the current window (and so [`Dump::tick`] checks it).
    #[inline]
    pub(super) fn rolls(&self, t: u64) -> bool {
        self.t0
            .is_some_and(|t0| t.saturating_sub(t0) / DUMP_WINDOW_US > self.window)
    }

    /// Whether an event at `t` is the first past the dump's first window, and that window was
    /// quiet: the one boundary that whole-second timestamps can put inside a short dump.
    pub(super) fn quiet_first_boundary(&self, t: u64) -> bool {
        self.window == 0
            && self.new_in_window < DUMP_MIN_NEW
            && self
                .t0
                .is_some_and(|t0| t.saturating_sub(t0) / DUMP_WINDOW_US == 1)
    }

    /// The dump goes on into the window of `t`.
    pub(super) fn carry_on(&mut self, t: u64) {
        if let Some(t0) = self.t0 {
            self.window = t.saturating_sub(t0) / DUMP_WINDOW_US;
            self.new_in_window = 0;
        }
    }

    /// The quiet rule, at a route event of time `t`.
    #[inline]
    pub(super) fn tick(&mut self, t: u64) {
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

    /// How it ended (or that it has not).
    pub(super) fn status(&self) -> InitialComplete {
        let missing = self.families.iter().any(|f| f.routes && !f.eor);
        if missing {
            if self.by_rule {
                InitialComplete::Rule
            } else {
                InitialComplete::Incomplete
            }
        } else if self.families.iter().any(|f| f.eor) {
            InitialComplete::EndOfRib
        } else if self.by_rule {
            InitialComplete::Rule
        } else {
            InitialComplete::Incomplete
        }
    }
}

/// Whether an UPDATE only announces routes of the running dump's families that the table does
/// not hold yet (what a router still sending its table sends), and at least one.
pub(super) fn only_new_routes(
    table: &RouteTable,
    dump: &Dump,
    filter: &Filter,
    u: &Update<'_>,
    plan: &Plan<'_>,
) -> bool {
    let mut any = false;
    for r in plan.routes(u) {
        if !filter.family(r.family) || !dump.pending(r.family) {
            continue;
        }
        if r.withdrawn || table.contains(&identity(&r)) {
            return false;
        }
        any = true;
    }
    any
}
