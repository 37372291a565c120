//! Compact route state shared by the views: one table per monitored peer and RIB view.
//!
//! A route is identified by a 64-bit hash of (AFI, SAFI, path ID, the NLRI's identity: prefix,
//! RD, EVPN or FlowSpec octets; labels excluded, since a withdrawal carries none) and maps to a
//! 32-bit id of its interned attribute set, in a [`RouteTable`] of 12-octet slots: no heap
//! string per route; attribute sets are shared. 64-bit hashes of distinct routes collide with
//! negligible probability (about 3e-8 for a million routes in one table).

pub use super::route_table::{Effect, Outcomes, RouteTable};
pub use crate::decode::bgp::route_id::{RouteId, for_each_route_id, route_key};
pub use crate::hash::{FastBuild, IdentityBuild, IdentityHasher, KeyHasher};
use std::collections::HashMap;
use std::hash::Hasher;

use crate::decode::bgp::as_path;
use crate::decode::bgp::attr::{self, RawAttr};
use crate::decode::bgp::update::{Plan, Route, Update};

/// Map keyed by a route key.
pub type KeyMap<V> = HashMap<u64, V, IdentityBuild>;

/// Hashes of the attributes that matter for "what changed", plus the whole set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct AttrFingerprint {
    /// All attributes (MP_REACH next hop included, its NLRI and MP_UNREACH excluded).
    pub all: u64,
    /// AS_PATH (with AS4_PATH).
    pub as_path: u64,
    /// NEXT_HOP or the MP_REACH next hop.
    pub next_hop: u64,
    /// COMMUNITIES, EXTENDED and LARGE communities.
    pub communities: u64,
    /// MULTI_EXIT_DISC.
    pub med: u64,
    /// Origin AS of the effective path ([`as_path::effective_origin`]); 0 when there is none.
    pub origin_as: u32,
}

/// What differs between two attribute sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Changed {
    /// AS_PATH or AS4_PATH differ.
    pub as_path: bool,
    /// The next hop (NEXT_HOP or MP_REACH's) differs.
    pub next_hop: bool,
    /// Standard, extended or large communities differ.
    pub communities: bool,
    /// MULTI_EXIT_DISC differs.
    pub med: bool,
    /// Anything else (local pref, origin, ...).
    pub other: bool,
}

impl AttrFingerprint {
    /// Computes the fingerprint of an UPDATE's attributes, without allocating; `four_octet_as`
    /// is the AS width its AS_PATH was decoded with.
    pub fn of(update: &Update<'_>, four_octet_as: bool) -> Self {
        let (mut path, mut path4) = (None, None);
        let mut all = KeyHasher::default();
        let mut as_path = KeyHasher::default();
        let mut next_hop = KeyHasher::default();
        let mut communities = KeyHasher::default();
        let mut med = KeyHasher::default();
        for a in update.attributes().map_while(Result::ok) {
            let RawAttr { code, value, .. } = a;
            match code {
                attr::MP_UNREACH => continue,
                attr::MP_REACH => {
                    if let Ok(mp) = attr::parse_mp_reach(value) {
                        next_hop.write(mp.next_hop);
                        all.write_u8(code);
                        all.write(mp.next_hop);
                    }
                    continue;
                }
                attr::AS_PATH | attr::AS4_PATH => {
                    as_path.write_u8(code);
                    as_path.write(value);
                    if code == attr::AS_PATH {
                        path.get_or_insert(value);
                    } else {
                        path4.get_or_insert(value);
                    }
                }
                attr::NEXT_HOP => next_hop.write(value),
                attr::COMMUNITIES | attr::EXTENDED_COMMUNITIES | attr::LARGE_COMMUNITIES => {
                    communities.write_u8(code);
                    communities.write(value);
                }
                attr::MED => med.write(value),
                _ => {}
            }
            all.write_u8(code);
            all.write(value);
        }
        let origin = as_path::effective_origin(path, path4, four_octet_as);
        AttrFingerprint {
            all: all.finish(),
            as_path: as_path.finish(),
            next_hop: next_hop.finish(),
            communities: communities.finish(),
            med: med.finish(),
            origin_as: origin.unwrap_or(0),
        }
    }

    /// What differs from `old`.
    pub fn changed_from(&self, old: &AttrFingerprint) -> Changed {
        let c = Changed {
            as_path: self.as_path != old.as_path,
            next_hop: self.next_hop != old.next_hop,
            communities: self.communities != old.communities,
            med: self.med != old.med,
            other: false,
        };
        let any = c.as_path || c.next_hop || c.communities || c.med;
        Changed {
            other: !any && self.all != old.all,
            ..c
        }
    }
}

/// Interned attribute sets, shared by every table.
#[derive(Debug, Default)]
pub struct AttrStore {
    ids: HashMap<u64, u32, IdentityBuild>,
    sets: Vec<AttrFingerprint>,
}

impl AttrStore {
    /// The id of a fingerprint, interning it when new. Ids past u32 (4 billion distinct
    /// attribute sets) reuse the last id: change detection then merely loses precision.
    pub fn intern(&mut self, fp: AttrFingerprint) -> u32 {
        if let Some(&id) = self.ids.get(&fp.all) {
            return id;
        }
        let id = u32::try_from(self.sets.len()).unwrap_or(u32::MAX);
        if id != u32::MAX {
            self.sets.push(fp);
            self.ids.insert(fp.all, id);
        }
        id
    }

    /// The fingerprint behind an id.
    pub fn get(&self, id: u32) -> AttrFingerprint {
        self.sets.get(id as usize).copied().unwrap_or_default()
    }

    /// Distinct attribute sets seen.
    pub fn len(&self) -> usize {
        self.sets.len()
    }

    /// Whether none was seen.
    pub fn is_empty(&self) -> bool {
        self.sets.is_empty()
    }
}

/// What an announcement or withdrawal did to a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// A route not in the table.
    New,
    /// The same route with the same attributes again.
    Duplicate,
    /// The same route with other attributes: an implicit withdrawal of the old path.
    Replaced(Changed),
    /// A route in the table withdrawn, with the attributes it had.
    Withdrawn(AttrFingerprint),
    /// A withdrawal of a route not in the table.
    WithdrawnUnknown,
}

impl Change {
    /// The change of an [`Effect`] of a route announced with attribute set `attrs`.
    pub fn of(effect: Effect, attrs: u32, store: &AttrStore) -> Change {
        match effect {
            Effect::New => Change::New,
            Effect::Duplicate => Change::Duplicate,
            Effect::Replaced(old) => {
                Change::Replaced(store.get(attrs).changed_from(&store.get(old)))
            }
            Effect::Withdrawn(old) => Change::Withdrawn(store.get(old)),
            Effect::WithdrawnUnknown => Change::WithdrawnUnknown,
        }
    }
}

/// A route's identity in a [`RouteTable`].
pub fn identity(route: &Route<'_>) -> RouteId {
    RouteId {
        withdrawn: route.withdrawn,
        family: route.family,
        how: route.how,
        key: route_key(route.family, &route.nlri),
        path_id: route.nlri.path_id.is_some(),
    }
}

/// Applies one route to `table` now and says what it did.
pub fn apply_route(
    table: &mut RouteTable,
    store: &AttrStore,
    route: &Route<'_>,
    attrs: u32,
) -> Change {
    let effect = table.apply(&identity(route), attrs);
    Change::of(effect, attrs, store)
}

/// Applies every route of an UPDATE to `table`, calling `seen` with each route and its change.
pub fn apply_update<'a>(
    table: &mut RouteTable,
    store: &mut AttrStore,
    update: &Update<'a>,
    plan: &Plan<'a>,
    mut seen: impl FnMut(&Route<'a>, Change),
) {
    let mut attrs = None;
    for r in plan.routes(update) {
        let id = if r.withdrawn {
            0
        } else {
            *attrs.get_or_insert_with(|| {
                store.intern(AttrFingerprint::of(update, plan.four_octet_as))
            })
        };
        let change = apply_route(table, store, &r, id);
        seen(&r, change);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::bgp::update::{self, DecodeParams, How};
    use crate::testkit::bgp;

    fn upd(bytes: &[u8]) -> Update<'_> {
        update::parse(&bytes[19..]).unwrap()
    }

    #[test]
    fn announce_duplicate_replace_withdraw() {
        let a1 = [
            bgp::origin(0),
            bgp::as_path(&[(2, &[65001])], true),
            bgp::next_hop([192, 0, 2, 1]),
        ]
        .concat();
        let a2 = [
            bgp::origin(0),
            bgp::as_path(&[(2, &[65001, 65002])], true),
            bgp::next_hop([192, 0, 2, 1]),
        ]
        .concat();
        let n = bgp::prefix(None, "10.0.0.0/24");
        let m1 = bgp::update(&[], &a1, &n);
        let m2 = bgp::update(&[], &a2, &n);
        let w = bgp::update(&n, &[], &[]);
        let mut t = RouteTable::default();
        let mut s = AttrStore::default();
        let mut log = Vec::new();
        for m in [&m1, &m1, &m2, &w, &w] {
            let u = upd(m);
            let p = update::plan(&u, &DecodeParams::new(true), How::Negotiated);
            apply_update(&mut t, &mut s, &u, &p, |_, c| log.push(c));
        }
        assert_eq!(log[0], Change::New);
        assert_eq!(log[1], Change::Duplicate);
        match log[2] {
            Change::Replaced(c) => assert!(c.as_path && !c.next_hop && !c.communities),
            other => panic!("{other:?}"),
        }
        match log[3] {
            Change::Withdrawn(old) => assert_eq!(old.origin_as, 65002),
            other => panic!("{other:?}"),
        }
        assert_eq!(log[4], Change::WithdrawnUnknown);
        assert!(t.is_empty());
        assert_eq!(s.len(), 2);
    }

    #[test]
    fn path_ids_are_distinct_routes() {
        let a = [
            bgp::origin(0),
            bgp::as_path(&[(2, &[65001])], true),
            bgp::next_hop([192, 0, 2, 1]),
        ]
        .concat();
        let n = [
            bgp::prefix(Some(1), "10.0.0.0/24"),
            bgp::prefix(Some(2), "10.0.0.0/24"),
        ]
        .concat();
        let m = bgp::update(&[], &a, &n);
        let u = upd(&m);
        let p = update::plan(
            &u,
            &DecodeParams::new(true).with_add_path(crate::decode::family::Family::IPV4_UNICAST),
            How::Negotiated,
        );
        let mut t = RouteTable::default();
        let mut s = AttrStore::default();
        apply_update(&mut t, &mut s, &u, &p, |_, _| {});
        assert_eq!(t.len(), 2);
    }
}
