//! The routes one peer holds in one RIB view: an open-addressing hash table of 12-octet slots
//! (a 64-bit route key and a 32-bit attribute-set id) that takes most of its updates in sorted
//! batches.
//!
//! # Why batches
//!
//! A full table is millions of routes; a table of them is tens of megabytes, far larger than
//! the caches, and routers send routes in an order unrelated to their hashes. Applied one by
//! one, every route costs a cache miss (or two: std's map keeps control bytes and entries
//! apart). Views that need no answer per route ([`RouteTable::defer`]) log it instead (16
//! octets, appended), and the log is applied when it reaches a quarter of the routes the
//! table holds (at least 4096), or when anybody looks: sorted by the top bits of the key,
//! which are the slot index (a stable two-pass radix sort, so the changes of one route keep
//! their order), the batch walks the slot array from start to end and the hardware prefetcher
//! turns the misses into a stream. What a
//! deferred route did (new, duplicate, replaced, withdrawn, withdrawn unknown) is counted in
//! [`Outcomes`]. [`RouteTable::apply`] applies one route at once, after the log, and says what
//! it did.
//!
//! # Layout
//!
//! Slot index = the key's top bits; linear probing; at most 3/4 of the slots used (the table
//! doubles then); deletion by backward shift, so no tombstones. Key 0 marks an empty slot (a
//! route whose key is 0 is stored as 1). Once it holds 32,768 routes the table splits into 64
//! parts by the key's top 6 bits, each growing on its own: growing one and applying a sorted
//! batch to it stay within the L2 cache. Tracked routes cost 12 octets over the load factor, 16
//! to 32 octets each, plus at most 4 octets per route of log.

use std::cell::RefCell;

use super::route_log::{Op, radix_sort};

pub use crate::decode::bgp::route_id::RouteId;

/// What a route did to the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// A route not in the table.
    New,
    /// The same route with the same attribute set again.
    Duplicate,
    /// The same route with another attribute set (whose id was this).
    Replaced(u32),
    /// A route in the table withdrawn (its attribute set id).
    Withdrawn(u32),
    /// A withdrawal of a route not in the table.
    WithdrawnUnknown,
}

/// Counts of what deferred routes did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Outcomes {
    /// Routes that entered the table.
    pub new: u64,
    /// Announcements with the attributes the route already had.
    pub duplicate: u64,
    /// Announcements with other attributes.
    pub replaced: u64,
    /// Withdrawals of routes in the table.
    pub withdrawn: u64,
    /// Withdrawals of routes not in the table.
    pub withdrawn_unknown: u64,
}

impl Outcomes {
    fn count(&mut self, e: Effect) {
        match e {
            Effect::New => self.new += 1,
            Effect::Duplicate => self.duplicate += 1,
            Effect::Replaced(_) => self.replaced += 1,
            Effect::Withdrawn(_) => self.withdrawn += 1,
            Effect::WithdrawnUnknown => self.withdrawn_unknown += 1,
        }
    }
}

/// The log is applied when it holds this many routes or a quarter of the table's routes,
/// whichever is more.
const MIN_BATCH: usize = 4096;
/// Below this many routes a batch is applied unsorted.
const SORT_FROM: usize = 256;
/// One open-addressing table: the whole route table while it is small, one of
/// [`PARTS`] parts (by the key's top bits) once it is large.
#[derive(Debug, Default)]
struct Part {
    /// [key high, key low, attribute set id]; key 0 is an empty slot. Empty or a power of two.
    slots: Vec<[u32; 3]>,
    /// 64 − log2(slots).
    shift: u32,
    /// Top key bits that chose the part (0 or [`PART_BITS`]); the slot index is the bits after.
    depth: u32,
    len: usize,
}

/// A table splits into parts once it holds this many routes...
const SPLIT_AT: usize = 1 << 15;
/// ...chosen by this many top bits of the key: parts of a full table stay within the L2 cache,
/// so that growing one (which moves its routes) and applying a sorted batch to it stay local.
const PART_BITS: u32 = 6;
const PARTS: usize = 1 << PART_BITS;

/// Key 0 marks an empty slot: a route whose key is 0 is stored as 1.
fn nonzero(mut op: Op) -> Op {
    op.key = op.key.max(1);
    op
}

fn key_of(s: &[u32; 3]) -> u64 {
    ((s[0] as u64) << 32) | s[1] as u64
}

impl Part {
    fn home(&self, key: u64) -> usize {
        ((key << self.depth) >> self.shift) as usize
    }

    /// The slot holding `key` (Ok) or the empty slot where it would go (Err; `Err(0)` when
    /// the part has no slots yet).
    fn find(&self, key: u64) -> Result<usize, usize> {
        if self.slots.is_empty() {
            return Err(0);
        }
        let mask = self.slots.len() - 1;
        let mut i = self.home(key);
        loop {
            let k = key_of(&self.slots[i]);
            if k == key {
                return Ok(i);
            }
            if k == 0 {
                return Err(i);
            }
            i = (i + 1) & mask;
        }
    }

    /// Makes room for one more route: at most 3/4 of the slots are used.
    fn reserve_one(&mut self) {
        if (self.len + 1) * 4 > self.slots.len() * 3 {
            self.grow();
        }
    }

    /// Stores a slot whose key is not in the part.
    fn put(&mut self, slot: [u32; 3]) {
        self.reserve_one();
        if let Err(i) = self.find(key_of(&slot)) {
            self.slots[i] = slot;
            self.len += 1;
        }
    }

    fn grow(&mut self) {
        let cap = (self.slots.len() * 2).max(16);
        // Written, not calloc'ed: a zero page that is read (probing) and then written faults
        // twice.
        let mut fresh = Vec::with_capacity(cap);
        fresh.resize(cap, [0u32; 3]);
        let old = std::mem::replace(&mut self.slots, fresh);
        self.shift = 64 - cap.trailing_zeros();
        let mask = cap - 1;
        // Old slots in order have ascending homes (but for a wrapped run): a sweep.
        for s in old.into_iter().filter(|s| key_of(s) != 0) {
            let mut i = self.home(key_of(&s));
            while key_of(&self.slots[i]) != 0 {
                i = (i + 1) & mask;
            }
            self.slots[i] = s;
        }
    }

    /// Empties slot `i`, shifting later entries of its run back (no tombstones).
    fn remove_at(&mut self, mut i: usize) {
        let mask = self.slots.len() - 1;
        let mut j = i;
        loop {
            j = (j + 1) & mask;
            let k = key_of(&self.slots[j]);
            if k == 0 {
                break;
            }
            let home = self.home(k);
            if (j.wrapping_sub(home) & mask) >= (j.wrapping_sub(i) & mask) {
                self.slots[i] = self.slots[j];
                i = j;
            }
        }
        self.slots[i] = [0; 3];
        self.len -= 1;
    }
}

#[derive(Debug, Default)]
struct Inner {
    /// One part, or [`PARTS`] once the table held [`SPLIT_AT`] routes.
    parts: Vec<Part>,
    len: usize,
    log: Vec<Op>,
    outcomes: Outcomes,
}

impl Inner {
    fn part(&mut self, key: u64) -> &mut Part {
        if self.parts.is_empty() {
            self.parts.push(Part::default());
        }
        let i = if self.parts.len() == 1 {
            0
        } else {
            (key >> (64 - PART_BITS)) as usize
        };
        &mut self.parts[i]
    }

    /// Splits the one part into [`PARTS`].
    fn split(&mut self) {
        let whole = std::mem::take(&mut self.parts);
        self.parts = (0..PARTS)
            .map(|_| Part {
                depth: PART_BITS,
                ..Part::default()
            })
            .collect();
        for slot in whole
            .into_iter()
            .flat_map(|p| p.slots)
            .filter(|s| key_of(s) != 0)
        {
            self.part(key_of(&slot)).put(slot);
        }
    }

    fn op(&mut self, op: Op) -> Effect {
        if op.withdrawn {
            if self.len == 0 {
                return Effect::WithdrawnUnknown;
            }
            let part = self.part(op.key);
            return match part.find(op.key) {
                Ok(i) => {
                    let old = part.slots[i][2];
                    part.remove_at(i);
                    self.len -= 1;
                    Effect::Withdrawn(old)
                }
                Err(_) => Effect::WithdrawnUnknown,
            };
        }
        if self.parts.len() == 1 && self.len >= SPLIT_AT {
            self.split();
        }
        let part = self.part(op.key);
        part.reserve_one();
        match part.find(op.key) {
            Ok(i) => {
                let old = part.slots[i][2];
                if old == op.attrs {
                    Effect::Duplicate
                } else {
                    part.slots[i][2] = op.attrs;
                    Effect::Replaced(old)
                }
            }
            Err(i) => {
                part.slots[i] = [(op.key >> 32) as u32, op.key as u32, op.attrs];
                part.len += 1;
                self.len += 1;
                Effect::New
            }
        }
    }

    /// Applies the log, sorted by slot.
    fn settle(&mut self) {
        if self.log.is_empty() {
            return;
        }
        let mut log = std::mem::take(&mut self.log);
        if log.len() >= SORT_FROM {
            radix_sort(&mut log);
        }
        for op in log.drain(..) {
            let e = self.op(op);
            self.outcomes.count(e);
        }
        self.log = log;
    }

    fn batch_limit(&self) -> usize {
        (self.len / 4).max(MIN_BATCH)
    }
}

/// The routes one peer holds in one RIB view (see the module documentation).
#[derive(Debug, Default)]
pub struct RouteTable {
    inner: RefCell<Inner>,
}

impl RouteTable {
    /// Logs a route to apply later; what it did is counted in [`RouteTable::outcomes`].
    /// `attrs` is its attribute set id (ignored for a withdrawal).
    pub fn defer(&mut self, r: &RouteId, attrs: u32) {
        let inner = self.inner.get_mut();
        inner.log.push(nonzero(Op::of(r, attrs)));
        if inner.log.len() >= inner.batch_limit() {
            inner.settle();
        }
    }

    /// Applies a route now (after the log) and says what it did.
    pub fn apply(&mut self, r: &RouteId, attrs: u32) -> Effect {
        let inner = self.inner.get_mut();
        inner.settle();
        inner.op(nonzero(Op::of(r, attrs)))
    }

    /// What the deferred routes applied so far did, since the last [`RouteTable::take_outcomes`]
    /// (the log is applied first).
    pub fn outcomes(&self) -> Outcomes {
        let mut inner = self.inner.borrow_mut();
        inner.settle();
        inner.outcomes
    }

    /// Like [`RouteTable::outcomes`], and restarts the counts.
    pub fn take_outcomes(&mut self) -> Outcomes {
        let inner = self.inner.get_mut();
        inner.settle();
        std::mem::take(&mut inner.outcomes)
    }

    /// Whether the table holds the route (the log is applied first).
    pub fn contains(&self, r: &RouteId) -> bool {
        let mut inner = self.inner.borrow_mut();
        inner.settle();
        let key = r.key.max(1);
        let i = if inner.parts.len() > 1 {
            (key >> (64 - PART_BITS)) as usize
        } else {
            0
        };
        inner.parts.get(i).is_some_and(|p| p.find(key).is_ok())
    }

    /// Routes held, all families.
    pub fn len(&self) -> u64 {
        let mut inner = self.inner.borrow_mut();
        inner.settle();
        inner.len as u64
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Forgets every route (Peer Down, or a new session of the router); the log is applied
    /// first, so that its outcomes are counted.
    pub fn clear(&mut self) {
        let inner = self.inner.get_mut();
        inner.settle();
        let outcomes = inner.outcomes;
        *inner = Inner {
            outcomes,
            ..Inner::default()
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::route_log::test_id as id;
    use crate::testkit::workload::XorShift;
    use std::collections::HashMap;

    const V4: (u16, u8) = (1, 1);

    #[test]
    fn apply_says_what_each_route_did() {
        let mut t = RouteTable::default();
        assert_eq!(t.apply(&id(7, V4, false, false), 1), Effect::New);
        assert_eq!(t.apply(&id(7, V4, false, false), 1), Effect::Duplicate);
        assert_eq!(t.apply(&id(7, V4, false, false), 2), Effect::Replaced(1));
        assert_eq!(t.apply(&id(7, V4, false, true), 0), Effect::Withdrawn(2));
        assert_eq!(
            t.apply(&id(7, V4, false, true), 0),
            Effect::WithdrawnUnknown
        );
        assert!(t.is_empty());
        // Key 0 is the empty marker: such a route is still tracked.
        assert_eq!(t.apply(&id(0, V4, false, false), 1), Effect::New);
        assert_eq!(t.len(), 1);
    }

    #[test]
    fn deferred_routes_keep_their_order_per_key() {
        let mut t = RouteTable::default();
        // Announce, withdraw, announce again: present; withdraw last: absent. Enough keys that
        // the batch is radix-sorted.
        for k in 1..=1000u64 {
            let key = k.wrapping_mul(0x9e37_79b9_7f4a_7c15);
            t.defer(&id(key, V4, false, false), 1);
            t.defer(&id(key, V4, false, true), 0);
            t.defer(&id(key, V4, false, false), 2);
            if k % 2 == 0 {
                t.defer(&id(key, V4, false, true), 0);
            }
        }
        assert_eq!(t.len(), 500);
        let o = t.take_outcomes();
        assert_eq!(o.new, 2000);
        assert_eq!(o.withdrawn, 1500);
        assert_eq!((o.duplicate, o.replaced, o.withdrawn_unknown), (0, 0, 0));
        assert_eq!(t.outcomes(), Outcomes::default());
    }

    /// Random announcements and withdrawals over a small key space (so that runs collide,
    /// wrap around the end of the slot array, and are shifted back on deletion), deferred and
    /// applied, checked against a `HashMap` model.
    #[test]
    fn matches_a_map_model() {
        let mut seed = XorShift(0x1234_5678_9abc_def1);
        let mut t = RouteTable::default();
        let mut model: HashMap<u64, u32> = HashMap::new();
        let mut expect = Outcomes::default();
        for round in 0..200_000u32 {
            let r = seed.next_u64();
            // Keys concentrated at the top and bottom of the hash space: wrapped runs.
            let key = match r % 3 {
                0 => u64::MAX - (r >> 40) % 64,
                1 => 1 + (r >> 40) % 64,
                _ => (r >> 20).wrapping_mul(0x9e37_79b9_7f4a_7c15) % 5000 + 1,
            };
            let fam = if r & 0x100 != 0 { (2, 1) } else { V4 };
            let withdrawn = r & 0x600 == 0;
            let attrs = ((r >> 12) % 3) as u32;
            let effect = match model.get(&key).copied() {
                _ if withdrawn => match model.remove(&key) {
                    Some(old) => Effect::Withdrawn(old),
                    None => Effect::WithdrawnUnknown,
                },
                None => {
                    model.insert(key, attrs);
                    Effect::New
                }
                Some(old) if old == attrs => Effect::Duplicate,
                Some(old) => {
                    model.insert(key, attrs);
                    Effect::Replaced(old)
                }
            };
            if round % 7 == 0 {
                assert_eq!(
                    t.apply(&id(key, fam, false, withdrawn), attrs),
                    effect,
                    "round {round}"
                );
            } else {
                t.defer(&id(key, fam, false, withdrawn), attrs);
                expect.count(effect);
            }
            if round % 50_000 == 0 {
                assert_eq!(t.len(), model.len() as u64);
            }
        }
        assert_eq!(t.len(), model.len() as u64);
        assert_eq!(t.outcomes(), expect);
        // Every key of the model is found where the table says.
        for (&k, &a) in &model {
            assert_eq!(t.apply(&id(k, V4, false, false), a), Effect::Duplicate);
        }
    }

    #[test]
    fn clear_counts_the_log_then_forgets() {
        let mut t = RouteTable::default();
        for k in 1..=10u64 {
            t.defer(&id(k << 40, V4, true, false), 1);
        }
        t.clear();
        assert!(t.is_empty());
        assert_eq!(t.take_outcomes().new, 10);
    }

    /// Past the split into parts: many distinct keys, withdrawals that empty parts and fill
    /// them again, against a model; `contains` agrees with it.
    #[test]
    fn split_tables_match_a_model() {
        let mut seed = XorShift(0x0bad_5eed_1234_5678);
        let mut t = RouteTable::default();
        let mut model: HashMap<u64, u32> = HashMap::new();
        for round in 0..400_000u32 {
            let r = seed.next_u64();
            let key = ((r >> 16) % 120_000).wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
            let withdrawn = round > 250_000 && r % 3 == 0;
            if withdrawn {
                model.remove(&key);
            } else {
                model.insert(key, 1);
            }
            t.defer(&id(key, V4, false, withdrawn), 1);
        }
        assert_eq!(t.len(), model.len() as u64);
        assert!(t.inner.borrow().parts.len() > 1, "the table split");
        for k in (0..120_000u64)
            .map(|k| k.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1)
            .step_by(7)
        {
            assert_eq!(
                t.contains(&id(k, V4, false, false)),
                model.contains_key(&k),
                "{k}"
            );
        }
        // Withdraw everything: every part empties, and the table still answers.
        for &k in model.keys() {
            t.defer(&id(k, V4, false, true), 0);
        }
        assert_eq!(t.len(), 0);
        assert_eq!(
            t.apply(&id(12345, V4, false, true), 0),
            Effect::WithdrawnUnknown
        );
        assert_eq!(t.apply(&id(12345, V4, false, false), 1), Effect::New);
    }
}
