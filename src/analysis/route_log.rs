//! What the two route stores ([`super::route_table`], [`super::route_set`]) share: the log
//! entry of a route, the stable radix sort that orders a batch of them, and the per-family
//! counts.

use std::cell::RefCell;

use crate::decode::bgp::route_id::RouteId;

/// One logged route: its key, attribute set id, family index and flags.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Op {
    pub key: u64,
    pub attrs: u32,
    pub meta: u32,
}

/// `meta`: a withdrawal.
pub(crate) const WITHDRAWN: u32 = 1 << 16;
/// `meta`: the route carries a path ID.
pub(crate) const WITH_ID: u32 = 1 << 17;
/// `meta`: the family index.
pub(crate) const FAMILY: u32 = 0xffff;

impl Op {
    pub fn withdrawn(&self) -> bool {
        self.meta & WITHDRAWN != 0
    }

    fn family(&self) -> usize {
        (self.meta & FAMILY) as usize
    }

    fn with_id(&self) -> u64 {
        u64::from(self.meta & WITH_ID != 0)
    }
}

/// The radix sort orders by this many top bits of the key (two passes of 11).
pub(crate) const SORT_BITS: u32 = 22;

thread_local! {
    /// The radix sorts' second buffers, shared by every store of the thread.
    static SCRATCH: RefCell<Vec<Op>> = const { RefCell::new(Vec::new()) };
    static SCRATCH_KEYS: RefCell<Vec<u64>> = const { RefCell::new(Vec::new()) };
}

/// Stable LSD radix sort of `ops` by the top [`SORT_BITS`] bits of their keys.
pub(crate) fn radix_sort(ops: &mut [Op]) {
    SCRATCH.with(|scratch| radix_sort_by(ops, &mut scratch.borrow_mut(), |op| op.key));
}

/// Stable LSD radix sort of `keys` by their top [`SORT_BITS`] bits.
pub(crate) fn radix_sort_keys(keys: &mut [u64]) {
    SCRATCH_KEYS.with(|scratch| radix_sort_by(keys, &mut scratch.borrow_mut(), |&k| k));
}

fn radix_sort_by<T: Copy + Default>(
    items: &mut [T],
    scratch: &mut Vec<T>,
    key: impl Fn(&T) -> u64,
) {
    const DIGIT: u32 = SORT_BITS / 2;
    const BUCKETS: usize = 1 << DIGIT;
    let low = |k: u64| ((k >> (64 - SORT_BITS)) as usize) & (BUCKETS - 1);
    let high = |k: u64| (k >> (64 - DIGIT)) as usize;
    let mut counts = [[0usize; BUCKETS]; 2];
    for item in items.iter() {
        let k = key(item);
        counts[0][low(k)] += 1;
        counts[1][high(k)] += 1;
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
    scratch.resize(items.len(), T::default());
    for item in items.iter() {
        let d = &mut counts[0][low(key(item))];
        scratch[*d] = *item;
        *d += 1;
    }
    for item in scratch.iter() {
        let d = &mut counts[1][high(key(item))];
        items[*d] = *item;
        *d += 1;
    }
    // Keep the buffer, but not one sized by a huge batch forever.
    if scratch.capacity() > 1 << 20 {
        *scratch = Vec::new();
    }
}

/// Routes per family: (AFI, SAFI), routes, of which with a path ID; indexed by an op's family
/// index.
#[derive(Debug, Default)]
pub(crate) struct Families(Vec<((u16, u8), u64, u64)>);

impl Families {
    /// The log entry of a route.
    pub fn op(&mut self, r: &RouteId, attrs: u32) -> Op {
        let family = (r.afi, r.safi);
        let mut meta = match self.0.iter().position(|(f, ..)| *f == family) {
            Some(i) => i as u32,
            None if self.0.len() < FAMILY as usize => {
                self.0.push((family, 0, 0));
                (self.0.len() - 1) as u32
            }
            // More families than anyone sends: the routes are tracked, not counted per family.
            None => FAMILY,
        };
        if r.withdrawn {
            meta |= WITHDRAWN;
        }
        if r.path_id {
            meta |= WITH_ID;
        }
        Op {
            key: r.key,
            attrs,
            meta,
        }
    }

    /// The route of `op` entered the store.
    pub fn added(&mut self, op: &Op) {
        if let Some(f) = self.0.get_mut(op.family()) {
            f.1 += 1;
            f.2 += op.with_id();
        }
    }

    /// The route of `op` left the store.
    pub fn removed(&mut self, op: &Op) {
        if let Some(f) = self.0.get_mut(op.family()) {
            f.1 = f.1.saturating_sub(1);
            f.2 = f.2.saturating_sub(op.with_id());
        }
    }

    /// Families with routes, sorted: (routes, of which carrying a path ID).
    pub fn counts(&self) -> impl Iterator<Item = ((u16, u8), (u64, u64))> + use<> {
        let mut v: Vec<_> = self
            .0
            .iter()
            .filter(|(_, n, _)| *n > 0)
            .map(|&(f, n, w)| (f, (n, w)))
            .collect();
        v.sort_unstable();
        v.into_iter()
    }
}

/// A route identity for the stores' tests.
#[cfg(test)]
pub(crate) fn test_id(key: u64, (afi, safi): (u16, u8), path_id: bool, withdrawn: bool) -> RouteId {
    RouteId {
        withdrawn,
        afi,
        safi,
        how: crate::decode::bgp::update::How::Negotiated,
        key,
        path_id,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn radix_sort_is_stable_by_top_bits() {
        let mut ops: Vec<Op> = (0..5000u64)
            .map(|i| Op {
                key: (i.wrapping_mul(0x9e37_79b9_7f4a_7c15) % 97) << 50,
                attrs: i as u32,
                meta: 0,
            })
            .collect();
        radix_sort(&mut ops);
        for w in ops.windows(2) {
            let (a, b) = (w[0].key >> 42, w[1].key >> 42);
            assert!(a < b || (a == b && w[0].attrs < w[1].attrs));
        }
    }
}
