//! The routes one peer holds in one RIB view, for views that only count them (`peers`): a
//! sorted array of route entries, updated by merging sorted batches.
//!
//! A route's entry is one `u64`: the top 57 bits of its key, then its family's index in the
//! set (5 bits) and whether it carries a path ID (1 bit), so that the array alone says how many
//! routes of each family it holds. (57 bits of key collide with negligible probability: about
//! 3e-6 for a million routes in one set.) The log appends each announcement or withdrawal as
//! the entry with the lowest bit set for a withdrawal. When the log reaches the set's size (at
//! least 4096 routes), or when anybody asks for a count, it is radix-sorted (stable, so that
//! the routes of one key keep their order), cut to the last entry of each route (the route's
//! presence after the batch), and merged into the array from the back, in place: one
//! sequential pass without a branch on the data, no hash table and no cache miss per route.
//! While a table grows, each route is merged about twice. A tracked route costs 8 octets; the
//! log adds at most 8 more per route while it fills. (Merging at half the size instead costs 5%
//! more time for 2 octets fewer per route.)

use crate::decode::family::Family;
use std::cell::RefCell;

use super::route_log::{SORT_BITS, radix_sort_keys};
use crate::decode::bgp::route_id::RouteId;

const MIN_BATCH: usize = 4096;

/// Entry bits: a withdrawal (log only).
const WITHDRAWN: u64 = 1;
/// Entry bits: the route carries a path ID.
const WITH_ID: u64 = 1 << 1;
/// Entry bits: the family index, and how many families have their own index; routes of
/// further families share the last index and are counted in no family.
const FAMILY_SHIFT: u32 = 2;
const FAMILIES: usize = 32;
/// Entry bits below the key.
const LOW: u64 = (1 << 7) - 1;

#[derive(Debug)]
struct Inner {
    /// Entries of the routes held, sorted, distinct.
    keys: Vec<u64>,
    log: Vec<u64>,
    /// The family of each family index; at most [`FAMILIES`] - 1.
    families: Vec<Family>,
    /// The family of the latest entry, and its index.
    last_family: Option<(Family, u64)>,
    /// Routes and routes with a path ID per family index, while no log entry changed them.
    counts: Option<[(u64, u64); FAMILIES]>,
    /// The log is merged when it holds this many entries ([`Inner::batch_limit`] after the
    /// latest merge).
    limit: usize,
}

impl Default for Inner {
    fn default() -> Self {
        Inner {
            keys: Vec::new(),
            log: Vec::new(),
            families: Vec::new(),
            last_family: None,
            counts: None,
            limit: MIN_BATCH,
        }
    }
}

impl Inner {
    /// A route's log entry.
    fn entry(&mut self, r: &RouteId) -> u64 {
        let family = r.family;
        let index = match self.last_family {
            Some((f, i)) if f == family => i,
            _ => {
                let i = match self.families.iter().position(|f| *f == family) {
                    Some(i) => i,
                    None if self.families.len() < FAMILIES - 1 => {
                        self.families.push(family);
                        self.families.len() - 1
                    }
                    None => FAMILIES - 1,
                } as u64;
                self.last_family = Some((family, i));
                i
            }
        };
        (r.key & !LOW)
            | (index << FAMILY_SHIFT)
            | (u64::from(r.path_id) * WITH_ID)
            | u64::from(r.withdrawn)
    }

    /// Merges the log into the keys.
    fn settle(&mut self) {
        if self.log.is_empty() {
            return;
        }
        self.counts = None;
        let mut log = std::mem::take(&mut self.log);
        sort_by_route(&mut log);
        // A route's presence after the batch is that of its last entry.
        let m = keep_last_per_route(&mut log);
        let ops = &log[..m];
        let n = self.keys.len();
        self.keys.resize(n + m, 0);
        let keys = &mut self.keys[..];
        // From the back, without branches on the entries (their order is random, so a
        // branch would be mispredicted about every other step): every step writes one slot and
        // keeps it or not. `w - i >= j` holds throughout (each key and each log entry writes
        // at most one slot), so a write never lands on an unread key.
        let (mut i, mut j, mut w) = (n, m, n + m);
        while i > 0 && j > 0 {
            let a = keys[i - 1];
            let op = ops[j - 1];
            let route = op & !WITHDRAWN;
            let announce = op & WITHDRAWN == 0;
            let greater = a > route;
            keys[w - 1] = if greater { a } else { route };
            w -= usize::from(greater | announce);
            i -= usize::from(a >= route);
            j -= usize::from(!greater);
        }
        while j > 0 {
            let op = ops[j - 1];
            keys[w - 1] = op & !WITHDRAWN;
            w -= usize::from(op & WITHDRAWN == 0);
            j -= 1;
        }
        // The keys below `i` are in place; the merged ones start at `w`.
        let end = n + m;
        self.keys.copy_within(w..end, i);
        self.keys.truncate(i + (end - w));
        log.clear();
        self.log = log;
        self.limit = self.batch_limit();
        if self.log.capacity() > 2 * self.batch_limit() {
            self.log = Vec::new();
        }
    }

    fn batch_limit(&self) -> usize {
        self.keys.len().max(MIN_BATCH)
    }
}

/// Routes and routes with a path ID per family index.
fn count_families(keys: &[u64]) -> [(u64, u64); FAMILIES] {
    // A histogram of the family and path-ID bits, four of them interleaved: most routes are of
    // one family, and one counter would make each step wait for the previous one's store.
    const SLOTS: usize = 2 * FAMILIES;
    let slot = |e: u64| ((e >> 1) as usize) & (SLOTS - 1);
    let mut hist = [[0u64; SLOTS]; 4];
    let mut quads = keys.chunks_exact(4);
    for q in &mut quads {
        for (h, &e) in hist.iter_mut().zip(q) {
            h[slot(e)] += 1;
        }
    }
    for &e in quads.remainder() {
        hist[0][slot(e)] += 1;
    }
    let mut counts = [(0u64, 0u64); FAMILIES];
    for h in &hist {
        for (s, &n) in h.iter().enumerate() {
            let c = &mut counts[s >> 1];
            c.0 += n;
            c.1 += n * (s as u64 & 1);
        }
    }
    counts
}

/// Keeps, of each run of entries of one route in sorted `log`, the last, moved to the front;
/// returns how many are kept.
fn keep_last_per_route(log: &mut [u64]) -> usize {
    let mut w = 0;
    for r in 0..log.len() {
        let route = log[r] & !WITHDRAWN;
        let last = log.get(r + 1).is_none_or(|next| next & !WITHDRAWN != route);
        log[w] = log[r];
        w += usize::from(last);
    }
    w
}

/// Sorts log entries by route, keeping the order of each route's entries: the stable radix
/// sort by the top bits, then a stable sort of the rare runs that share them.
fn sort_by_route(log: &mut [u64]) {
    if log.len() < 256 {
        log.sort_by_key(|e| e & !WITHDRAWN);
        return;
    }
    radix_sort_keys(log);
    let top = |e: u64| e >> (64 - SORT_BITS);
    let mut start = 0;
    while start < log.len() {
        let mut end = start + 1;
        while end < log.len() && top(log[end]) == top(log[start]) {
            end += 1;
        }
        if end - start > 1 {
            log[start..end].sort_by_key(|e| e & !WITHDRAWN);
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
        let entry = inner.entry(r);
        inner.log.push(entry);
        if inner.log.len() >= inner.limit {
            inner.settle();
        }
    }

    /// Merges what is logged, and counts the routes per family, now rather than when asked.
    pub fn settle(&mut self) {
        let inner = self.inner.get_mut();
        inner.settle();
        if inner.counts.is_none() {
            inner.counts = Some(count_families(&inner.keys));
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

    /// Routes per family, families with routes only, sorted: (routes, of which carrying a path
    /// ID). One pass over the routes.
    pub fn per_family(&self) -> impl Iterator<Item = (Family, (u64, u64))> + use<> {
        let mut inner = self.inner.borrow_mut();
        inner.settle();
        let counts = match inner.counts {
            Some(c) => c,
            None => {
                let c = count_families(&inner.keys);
                inner.counts = Some(c);
                c
            }
        };
        let mut v: Vec<_> = inner
            .families
            .iter()
            .zip(counts)
            .filter(|(_, (n, _))| *n > 0)
            .map(|(f, c)| (*f, c))
            .collect();
        v.sort_unstable();
        v.into_iter()
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
    use crate::testkit::workload::XorShift;
    use std::collections::HashMap;

    /// Routes per family as (AFI, SAFI) numbers, as the models below keep them.
    fn per_family(t: &RouteSet) -> Vec<((u16, u8), (u64, u64))> {
        t.per_family()
            .map(|(f, c)| ((f.afi.0, f.safi.0), c))
            .collect()
    }

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
        assert_eq!(per_family(&t), [((1, 1), (2000, 0))]);
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
            // Keys differ above the entry's low bits.
            let key = match r % 4 {
                0 => ((r >> 32) % 1000) << 7,
                1 => u64::MAX - (((r >> 40) % 3) << 7),
                _ => ((r >> 8).wrapping_mul(0xbf58_476d_1ce4_e5b9) % 200_000) << 7,
            };
            // A key belongs to one family (as a route key does).
            let fam = if (key >> 7) % 2 == 0 { (1, 1) } else { (2, 1) };
            let path_id = (key >> 7) % 3 == 0;
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
                assert_eq!(per_family(&t), want, "round {round}");
            }
        }
        let inner = t.inner.borrow();
        assert!(inner.keys.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn sort_is_stable_by_route() {
        // Routes that share their top bits but differ below, each logged as announced then
        // withdrawn: after the sort every announcement still precedes its withdrawal.
        let mut log: Vec<u64> = Vec::new();
        for i in 0..5_000u64 {
            let route = ((i.wrapping_mul(0x9e37_79b9_7f4a_7c15) % 500) << 50) | i << 8;
            log.push(route);
            log.push(route | WITHDRAWN);
        }
        let routes: std::collections::HashSet<u64> = log.iter().map(|e| e & !WITHDRAWN).collect();
        sort_by_route(&mut log);
        for w in log.windows(2) {
            let (a, b) = (w[0] & !WITHDRAWN, w[1] & !WITHDRAWN);
            assert!(a < b || (a == b && w[0] & WITHDRAWN <= w[1] & WITHDRAWN));
        }
        // The last entry of every route is its withdrawal.
        let kept = keep_last_per_route(&mut log);
        assert_eq!(kept, routes.len());
        assert!(log[..kept].iter().all(|e| e & WITHDRAWN != 0));
    }

    #[test]
    fn more_families_than_indexes_are_counted_in_the_total() {
        let mut t = RouteSet::default();
        for f in 0..40u16 {
            t.apply(&id(u64::from(f + 1) << 32, (f, 1), false, false));
        }
        assert_eq!(t.len(), 40);
        let per: Vec<_> = per_family(&t);
        assert_eq!(per.len(), FAMILIES - 1);
        assert!(per.iter().all(|(_, (n, _))| *n == 1));
    }
}
