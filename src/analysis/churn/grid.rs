//! The bucket grid: which bucket widths are still possible for the time span seen so far, and
//! the bucket of a time at each of them.

use std::time::Duration;

use super::report::IntervalSeconds;

/// Default bucket widths, seconds.
const LADDER: [u64; 11] = [1, 5, 10, 30, 60, 300, 600, 1800, 3600, 21_600, 86_400];
/// Most buckets the default interval gives.
const MAX_AUTO_BUCKETS: u64 = 60;
/// Time (and bucket index) of events without time.
pub(super) const UNTIMED: u64 = u64::MAX;

/// The bucket widths still possible, and the time span seen.
#[derive(Debug)]
pub(super) struct Grid {
    /// Candidate widths, microseconds, finest first.
    pub(super) steps: Vec<u64>,
    /// Index of the finest candidate still possible (the one reported).
    pub(super) lo: usize,
    /// Earliest and latest event time, microseconds.
    pub(super) span: Option<(u64, u64)>,
    /// Whether the width is chosen from the span.
    auto: bool,
}

impl Grid {
    /// Buckets of `interval`, or chosen from the span when `None`.
    pub(super) fn new(interval: Option<Duration>) -> Self {
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

    /// The bucket of time `t` (microseconds, or [`UNTIMED`]) at candidate width `level`.
    #[inline]
    pub(super) fn idx(&self, level: usize, t: u64) -> u64 {
        if t == UNTIMED {
            UNTIMED
        } else {
            t / self.steps[level]
        }
    }

    /// An event time: widens the span, and rules out the widths that would now give too many
    /// buckets.
    #[inline]
    pub(super) fn observe(&mut self, t: u64) {
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

    /// The reported width, microseconds.
    pub(super) fn step(&self) -> u64 {
        self.steps[self.lo]
    }

    /// The reported width in seconds: none when it was to be chosen from a span and no event
    /// had a time.
    pub(super) fn interval_seconds(&self) -> Option<IntervalSeconds> {
        let step = self.step();
        if self.span.is_none() && self.auto {
            None
        } else if step % 1_000_000 == 0 {
            Some(IntervalSeconds::Whole(step / 1_000_000))
        } else {
            Some(IntervalSeconds::Fraction(step as f64 / 1e6))
        }
    }
}
