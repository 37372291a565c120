//! What the two route stores ([`super::route_table`], [`super::route_set`]) share: the log
//! entry of a route and the stable radix sort that orders a batch of them.

use std::cell::RefCell;

use crate::decode::bgp::route_id::RouteId;

/// One logged route: its key, attribute set id and whether it is withdrawn.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Op {
    pub key: u64,
    pub attrs: u32,
    pub withdrawn: bool,
}

impl Op {
    /// The log entry of a route with attribute set `attrs`.
    pub fn of(r: &RouteId, attrs: u32) -> Op {
        Op {
            key: r.key,
            attrs,
            withdrawn: r.withdrawn,
        }
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

/// A route identity for the stores' tests.
#[cfg(test)]
pub(crate) fn test_id(key: u64, (afi, safi): (u16, u8), path_id: bool, withdrawn: bool) -> RouteId {
    RouteId {
        withdrawn,
        family: crate::decode::family::Family::new(afi, safi),
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
                withdrawn: false,
            })
            .collect();
        radix_sort(&mut ops);
        for w in ops.windows(2) {
            let (a, b) = (w[0].key >> 42, w[1].key >> 42);
            assert!(a < b || (a == b && w[0].attrs < w[1].attrs));
        }
    }
}
