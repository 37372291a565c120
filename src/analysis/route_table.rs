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
//! octets, appended), and the log is applied when it reaches an eighth of the table's slots,
//! or when anybody looks: sorted by the top bits of the key, which are the slot index (a stable
//! two-pass radix sort, so the changes of one route keep their order), the batch walks the slot
//! array from start to end and the hardware prefetcher turns the misses into a stream. What a
//! deferred route did (new, duplicate, replaced, withdrawn, withdrawn unknown) is counted in
//! [`Outcomes`]. [`RouteTable::apply`] applies one route at once, after the log, and says what
//! it did.
//!
//! # Layout
//!
//! Slot index = the key's top bits; linear probing; at most 3/4 of the slots used (the table
//! doubles then); deletion by backward shift, so no tombstones. Key 0 marks an empty slot (a
//! route whose key is 0 is stored as 1). Tracked routes cost 12 octets over the load factor, 16
//! to 32 octets each, plus at most 2 octets per slot of log.

use std::cell::RefCell;

use crate::decode::bgp::update::How;

/// A route as the counting views need it: its identity, not the element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteId {
    /// Withdrawn (true) or announced.
    pub withdrawn: bool,
    /// AFI.
    pub afi: u16,
    /// SAFI.
    pub safi: u8,
    /// How its field was decoded.
    pub how: How,
    /// The route's key ([`super::routes::route_key`]).
    pub key: u64,
    /// It carries a path ID.
    pub path_id: bool,
}

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

/// One route to apply: its key, attribute set id, family index and flags.
#[derive(Debug, Clone, Copy, Default)]
struct Op {
    key: u64,
    attrs: u32,
    meta: u32,
}

const WITHDRAWN: u32 = 1 << 16;
const WITH_ID: u32 = 1 << 17;
const FAMILY: u32 = 0xffff;

/// The log is applied when it holds this many routes or an eighth of the slots, whichever is
/// more.
const MIN_BATCH: usize = 4096;
/// Below this many routes a batch is applied unsorted.
const SORT_FROM: usize = 256;
/// The radix sort orders by this many top bits of the key (two passes of 11).
const SORT_BITS: u32 = 22;

thread_local! {
    /// The radix sort's second buffer, shared by every table of the thread.
    static SCRATCH: RefCell<Vec<Op>> = const { RefCell::new(Vec::new()) };
}

#[derive(Debug, Default)]
struct Inner {
    /// [key high, key low, attribute set id]; key 0 is an empty slot. Empty or a power of two.
    slots: Vec<[u32; 3]>,
    /// 64 − log2(slots).
    shift: u32,
    len: usize,
    log: Vec<Op>,
    /// (AFI, SAFI), routes, of which with a path ID; indexed by an op's family index.
    families: Vec<((u16, u8), u64, u64)>,
    outcomes: Outcomes,
}

fn key_of(s: &[u32; 3]) -> u64 {
    ((s[0] as u64) << 32) | s[1] as u64
}

impl Inner {
    fn home(&self, key: u64) -> usize {
        (key >> self.shift) as usize
    }

    /// The slot holding `key` (Ok) or the empty slot where it would go (Err).
    fn find(&self, key: u64) -> Result<usize, usize> {
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
    }

    fn op(&mut self, op: Op) -> Effect {
        let fam = (op.meta & FAMILY) as usize;
        let with_id = u64::from(op.meta & WITH_ID != 0);
        if op.meta & WITHDRAWN != 0 {
            if self.slots.is_empty() {
                return Effect::WithdrawnUnknown;
            }
            return match self.find(op.key) {
                Ok(i) => {
                    let old = self.slots[i][2];
                    self.remove_at(i);
                    self.len -= 1;
                    if let Some(f) = self.families.get_mut(fam) {
                        f.1 = f.1.saturating_sub(1);
                        f.2 = f.2.saturating_sub(with_id);
                    }
                    Effect::Withdrawn(old)
                }
                Err(_) => Effect::WithdrawnUnknown,
            };
        }
        if (self.len + 1) * 4 > self.slots.len() * 3 {
            self.grow();
        }
        match self.find(op.key) {
            Ok(i) => {
                let old = self.slots[i][2];
                if old == op.attrs {
                    Effect::Duplicate
                } else {
                    self.slots[i][2] = op.attrs;
                    Effect::Replaced(old)
                }
            }
            Err(i) => {
                self.slots[i] = [(op.key >> 32) as u32, op.key as u32, op.attrs];
                self.len += 1;
                if let Some(f) = self.families.get_mut(fam) {
                    f.1 += 1;
                    f.2 += with_id;
                }
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
            SCRATCH.with(|s| radix_sort(&mut log, &mut s.borrow_mut()));
        }
        for op in log.drain(..) {
            let e = self.op(op);
            self.outcomes.count(e);
        }
        self.log = log;
    }

    fn batch_limit(&self) -> usize {
        (self.slots.len() / 8).max(MIN_BATCH)
    }
}

/// Stable LSD radix sort of `ops` by the top [`SORT_BITS`] bits of their keys.
fn radix_sort(ops: &mut [Op], scratch: &mut Vec<Op>) {
    const DIGIT: u32 = SORT_BITS / 2;
    const BUCKETS: usize = 1 << DIGIT;
    let low = |k: u64| ((k >> (64 - SORT_BITS)) as usize) & (BUCKETS - 1);
    let high = |k: u64| (k >> (64 - DIGIT)) as usize;
    let mut counts = [[0usize; BUCKETS]; 2];
    for op in ops.iter() {
        counts[0][low(op.key)] += 1;
        counts[1][high(op.key)] += 1;
    }
    for c in counts.iter_mut() {
        let mut sum = 0;
        for n in c.iter_mut() {
            let here = *n;
            *n = sum;
            sum += here;
        }
    }
    scratch.clear();
    scratch.resize(ops.len(), Op::default());
    for op in ops.iter() {
        let d = &mut counts[0][low(op.key)];
        scratch[*d] = *op;
        *d += 1;
    }
    for op in scratch.iter() {
        let d = &mut counts[1][high(op.key)];
        ops[*d] = *op;
        *d += 1;
    }
    // Keep the scratch buffer, but not one sized by a huge batch forever.
    if scratch.capacity() > 1 << 20 {
        *scratch = Vec::new();
    }
}

/// The routes one peer holds in one RIB view (see the module documentation).
#[derive(Debug, Default)]
pub struct RouteTable {
    inner: RefCell<Inner>,
}

impl RouteTable {
    fn family_index(inner: &mut Inner, family: (u16, u8)) -> u32 {
        match inner.families.iter().position(|(f, ..)| *f == family) {
            Some(i) => i as u32,
            None if inner.families.len() < FAMILY as usize => {
                inner.families.push((family, 0, 0));
                (inner.families.len() - 1) as u32
            }
            // More families than anyone sends: the routes are tracked, not counted per family.
            None => FAMILY,
        }
    }

    fn make_op(inner: &mut Inner, r: &RouteId, attrs: u32) -> Op {
        let mut meta = Self::family_index(inner, (r.afi, r.safi));
        if r.withdrawn {
            meta |= WITHDRAWN;
        }
        if r.path_id {
            meta |= WITH_ID;
        }
        Op {
            key: r.key.max(1),
            attrs,
            meta,
        }
    }

    /// Logs a route to apply later; what it did is counted in [`RouteTable::outcomes`].
    /// `attrs` is its attribute set id (ignored for a withdrawal).
    pub fn defer(&mut self, r: &RouteId, attrs: u32) {
        let inner = self.inner.get_mut();
        let op = Self::make_op(inner, r, attrs);
        inner.log.push(op);
        if inner.log.len() >= inner.batch_limit() {
            inner.settle();
        }
    }

    /// Applies a route now (after the log) and says what it did.
    pub fn apply(&mut self, r: &RouteId, attrs: u32) -> Effect {
        let inner = self.inner.get_mut();
        inner.settle();
        let op = Self::make_op(inner, r, attrs);
        inner.op(op)
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

    /// Routes per (AFI, SAFI), families with routes only, sorted: (routes, of which carrying a
    /// path ID).
    pub fn per_family(&self) -> impl Iterator<Item = ((u16, u8), (u64, u64))> + use<> {
        let mut inner = self.inner.borrow_mut();
        inner.settle();
        let mut v: Vec<_> = inner
            .families
            .iter()
            .filter(|(_, n, _)| *n > 0)
            .map(|&(f, n, w)| (f, (n, w)))
            .collect();
        v.sort_unstable();
        v.into_iter()
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
    use std::collections::HashMap;

    const V4: (u16, u8) = (1, 1);

    fn id(key: u64, (afi, safi): (u16, u8), path_id: bool, withdrawn: bool) -> RouteId {
        RouteId {
            withdrawn,
            afi,
            safi,
            how: How::Negotiated,
            key,
            path_id,
        }
    }

    /// A small deterministic PRNG for the model test.
    fn xorshift(s: &mut u64) -> u64 {
        *s ^= *s << 13;
        *s ^= *s >> 7;
        *s ^= *s << 17;
        *s
    }

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
        let mut seed = 0x1234_5678_9abc_def1u64;
        let mut t = RouteTable::default();
        let mut model: HashMap<u64, u32> = HashMap::new();
        let mut expect = Outcomes::default();
        let mut model_fam = [0u64; 2];
        for round in 0..200_000u32 {
            let r = xorshift(&mut seed);
            // Keys concentrated at the top and bottom of the hash space: wrapped runs.
            let key = match r % 3 {
                0 => u64::MAX - (r >> 40) % 64,
                1 => 1 + (r >> 40) % 64,
                _ => (r >> 20).wrapping_mul(0x9e37_79b9_7f4a_7c15) % 5000 + 1,
            };
            let fam = if r & 0x100 != 0 { (2, 1) } else { V4 };
            let fi = usize::from(fam.0 == 2);
            let withdrawn = r & 0x600 == 0;
            let attrs = ((r >> 12) % 3) as u32;
            let effect = match model.get(&key).copied() {
                _ if withdrawn => match model.remove(&key) {
                    Some(old) => {
                        model_fam[fi] -= 1;
                        Effect::Withdrawn(old)
                    }
                    None => Effect::WithdrawnUnknown,
                },
                None => {
                    model.insert(key, attrs);
                    model_fam[fi] += 1;
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
        let fams: Vec<_> = t.per_family().collect();
        let want: Vec<_> = [(V4, model_fam[0]), ((2, 1), model_fam[1])]
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|(f, n)| (f, (n, 0)))
            .collect();
        assert_eq!(fams, want);
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
        assert_eq!(t.per_family().count(), 0);
        assert_eq!(t.take_outcomes().new, 10);
    }

    #[test]
    fn radix_sort_is_stable_by_top_bits() {
        let mut ops: Vec<Op> = (0..5000u64)
            .map(|i| Op {
                key: (i.wrapping_mul(0x9e37_79b9_7f4a_7c15) % 97) << 50,
                attrs: i as u32,
                meta: 0,
            })
            .collect();
        let mut scratch = Vec::new();
        radix_sort(&mut ops, &mut scratch);
        for w in ops.windows(2) {
            let (a, b) = (w[0].key >> 42, w[1].key >> 42);
            assert!(a < b || (a == b && w[0].attrs < w[1].attrs));
        }
    }
}
