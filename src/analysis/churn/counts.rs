//! The counters of route events: a phase's totals (initial dump, steady state) and one time
//! bucket's counts.

use super::report;
use crate::analysis::routes::{Change, Outcomes};

/// Counts one route event: every announcement in `announced`, and the kind of change.
#[inline]
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

/// Totals of one phase.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Totals {
    pub(super) announced: u64,
    pub(super) withdrawn: u64,
    pub(super) implicit: u64,
    pub(super) duplicate: u64,
    pub(super) touched: u64,
}

impl Totals {
    /// Adds what deferred routes did: `touched` counts the routes that entered the table and
    /// the withdrawals of routes it did not hold, as in the dump's rule.
    pub(super) fn fold(&mut self, o: &Outcomes) {
        self.announced += o.new + o.duplicate + o.replaced;
        self.withdrawn += o.withdrawn + o.withdrawn_unknown;
        self.implicit += o.replaced;
        self.duplicate += o.duplicate;
        self.touched += o.new + o.withdrawn_unknown;
    }

    #[inline]
    pub(super) fn add(&mut self, c: Change) {
        classify(
            c,
            &mut self.announced,
            &mut self.withdrawn,
            &mut self.implicit,
            &mut self.duplicate,
        );
    }
}

impl From<Totals> for report::Totals {
    fn from(t: Totals) -> Self {
        report::Totals {
            announced: t.announced,
            withdrawn: t.withdrawn,
            implicit_withdrawn: t.implicit,
            duplicate: t.duplicate,
            routes_touched: t.touched,
        }
    }
}

/// Counters of one bucket (the routes touched are kept apart, per candidate width: see
/// [`super::hot`]).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) struct Bucket {
    pub(super) announced: u64,
    pub(super) withdrawn: u64,
    pub(super) implicit: u64,
    pub(super) duplicate: u64,
    /// Route events of the initial dump.
    pub(super) initial: u64,
}

impl Bucket {
    #[inline]
    pub(super) fn add(&mut self, c: Change) {
        classify(
            c,
            &mut self.announced,
            &mut self.withdrawn,
            &mut self.implicit,
            &mut self.duplicate,
        );
    }

    #[inline]
    pub(super) fn merge(&mut self, o: &Bucket) {
        self.announced += o.announced;
        self.withdrawn += o.withdrawn;
        self.implicit += o.implicit;
        self.duplicate += o.duplicate;
        self.initial += o.initial;
    }

    /// Steady churn: announcements and withdrawals.
    pub(super) fn churn(&self) -> u64 {
        self.announced + self.withdrawn
    }
}
