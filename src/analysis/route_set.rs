//! The routes one peer holds in one RIB view, for views that only count them (`peers`): a
//! sorted array of route keys, updated by merging sorted batches.
//!
//! Every route is logged (16 octets, appended). When the log reaches half the set's size (at
//! least 4096 routes), or when anybody asks for a count, it is radix-sorted by key (stable, so
//! that the routes of one key keep their order) and merged into the array from the back, in
//! place: one sequential pass over both, with no hash table, no probing and no cache miss per
//! route. Each route is moved about three times over the set's life, 8 octets at a time. A
//! tracked route costs its 8-octet key; the log adds at most 16 octets per route for half the
//! routes while it fills.
//!
//! Per family counts follow the announcements and withdrawals that changed the set (a route's
//! family is part of its key, so a withdrawal that finds the key is of the same family).

use std::cell::RefCell;

use super::route_log::{Families, Op, SORT_BITS, radix_sort};
use crate::decode::bgp::route_id::RouteId;

const MIN_BATCH: usize = 4096;

#[derive(Debug, Default)]
struct Inner {
    /// Route keys, sorted, distinct.
    keys: Vec<u64>,
    log: Vec<Op>,
    families: Families,
}

impl Inner {
    /// Merges the log into the keys.
    fn settle(&mut self) {
        if self.log.is_empty() {
            return;
        }
        let mut log = std::mem::take(&mut self.log);
        sort_by_key(&mut log);
        let n = self.keys.len();
        self.keys.resize(n + log.len(), 0);
        // From the back: `w` never overtakes the unread keys (each log group writes at most
        // one key), so the merge needs no second array.
        let (mut i, mut j, mut w) = (n, log.len(), n + log.len());
        while j > 0 {
            let key = log[j - 1].key;
            if i > 0 && self.keys[i - 1] > key {
                w -= 1;
                self.keys[w] = self.keys[i - 1];
                i -= 1;
                continue;
            }
            let mut start = j - 1;
            while start > 0 && log[start - 1].key == key {
                start -= 1;
            }
            let mut present = i > 0 && self.keys[i - 1] == key;
            if present {
                i -= 1;
            }
            for op in &log[start..j] {
                // Only a withdrawal of a present route or an announcement of an absent one
                // changes the set.
                match (op.withdrawn(), present) {
                    (true, true) => self.families.removed(op),
                    (false, false) => self.families.added(op),
                    _ => continue,
                }
                present = !op.withdrawn();
            }
            if present {
                w -= 1;
                self.keys[w] = key;
            }
            j = start;
        }
        // The keys below `i` are in place; the merged ones start at `w`.
        self.keys.copy_within(w.., i);
        self.keys.truncate(i + (n + log.len() - w));
        log.clear();
        self.log = log;
        if self.log.capacity() > 2 * self.batch_limit() {
            self.log = Vec::new();
        }
    }

    fn batch_limit(&self) -> usize {
        (self.keys.len() / 2).max(MIN_BATCH)
    }
}

/// Sorts `ops` by key, keeping the order of equal keys: the stable radix sort by the top
/// bits, then a stable sort of the rare runs that share them.
fn sort_by_key(ops: &mut [Op]) {
    if ops.len() < 256 {
        ops.sort_by_key(|o| o.key);
        return;
    }
    radix_sort(ops);
    let top = |o: &Op| o.key >> (64 - SORT_BITS);
    let mut start = 0;
    while start < ops.len() {
        let mut end = start + 1;
        while end < ops.len() && top(&ops[end]) == top(&ops[start]) {
            end += 1;
        }
        if end - start > 1 {
            ops[start..end].sort_by_key(|o| o.key);
        }
        start = end;
    }
}

/// The routes one peer holds in one RIB view, counted (see the module documentation).
#[derive(Debug, Default)]
pub struct RouteSet {
    inner: RefCell<Inner>,
}

impl RouteSet {
    /// Logs an announcement or withdrawal.
    pub fn apply(&mut self, r: &RouteId) {
        let inner = self.inner.get_mut();
        let op = inner.families.op(r, 0);
        inner.log.push(op);
        if inner.log.len() >= inner.batch_limit() {
            inner.settle();
        }
    }

    /// Routes held, all families.
    pub fn len(&self) -> u64 {
        let mut inner = self.inner.borrow_mut();
        inner.settle();
        inner.keys.len() as u64
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Routes per (AFI, SAFI), families with routes only, sorted: (routes, of which carrying a
    /// path ID).
    pub fn per_family(&self) -> impl Iterator<Item = ((u16, u8), (u64, u64))> + use<> {
        let mut inner = self.inner.borrow_mut();
        inner.settle();
        inner.families.counts()
    }

    /// Forgets every route.
    pub fn clear(&mut self) {
        *self.inner.get_mut() = Inner::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::route_log::test_id as id;
    use crate::workload::XorShift;
    use std::collections::HashMap;

    #[test]
    fn order_per_key_is_kept() {
        let mut t = RouteSet::default();
        for k in 1..=3000u64 {
            let key = k.wrapping_mul(0x9e37_79b9_7f4a_7c15);
            t.apply(&id(key, (1, 1), false, false));
            t.apply(&id(key, (1, 1), false, true));
            t.apply(&id(key, (1, 1), false, false));
            if k % 3 == 0 {
                t.apply(&id(key, (1, 1), false, true));
            }
        }
        assert_eq!(t.len(), 2000);
        assert_eq!(t.per_family().collect::<Vec<_>>(), [((1, 1), (2000, 0))]);
        t.clear();
        assert!(t.is_empty());
    }

    /// Random announcements and withdrawals, with counts asked for now and then (small
    /// merges) and big batches in between, against a `HashMap` model; keys from a small and a
    /// large space so that both repeats and growth happen, and keys 0 and `u64::MAX`.
    #[test]
    fn matches_a_map_model() {
        let mut seed = XorShift(0x9e37_79b9_7f4a_7c15);
        let mut t = RouteSet::default();
        let mut model: HashMap<u64, ((u16, u8), bool)> = HashMap::new();
        for round in 0..300_000u32 {
            let r = seed.next_u64();
            let key = match r % 4 {
                0 => (r >> 32) % 1000,
                1 => u64::MAX - (r >> 40) % 3,
                _ => (r >> 8).wrapping_mul(0xbf58_476d_1ce4_e5b9) % 200_000,
            };
            // A key belongs to one family (as a route key does).
            let fam = if key % 2 == 0 { (1, 1) } else { (2, 1) };
            let path_id = key % 3 == 0;
            let withdrawn = r & 0x300 == 0;
            if withdrawn {
                model.remove(&key);
            } else {
                model.insert(key, (fam, path_id));
            }
            t.apply(&id(key, fam, path_id, withdrawn));
            if round % 40_000 == 0 || round == 299_999 {
                assert_eq!(t.len(), model.len() as u64, "round {round}");
                let mut want: HashMap<(u16, u8), (u64, u64)> = HashMap::new();
                for (f, pid) in model.values() {
                    let e = want.entry(*f).or_default();
                    e.0 += 1;
                    e.1 += u64::from(*pid);
                }
                let mut want: Vec<_> = want.into_iter().collect();
                want.sort_unstable();
                assert_eq!(t.per_family().collect::<Vec<_>>(), want, "round {round}");
            }
        }
        let inner = t.inner.borrow();
        assert!(inner.keys.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn sort_is_stable_by_key() {
        // Keys that share their top bits but differ below, and repeats.
        let mut ops: Vec<Op> = (0..10_000u32)
            .map(|i| Op {
                key: (u64::from(i).wrapping_mul(0x9e37_79b9_7f4a_7c15) % 500) << 30 | 7,
                attrs: i,
                meta: 0,
            })
            .collect();
        sort_by_key(&mut ops);
        for w in ops.windows(2) {
            assert!(w[0].key < w[1].key || (w[0].key == w[1].key && w[0].attrs < w[1].attrs));
        }
    }
}
