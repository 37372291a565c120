//! Compact route state shared by the views: one table per monitored peer and RIB view.
//!
//! A route is identified by a 64-bit hash of (AFI, SAFI, path ID, the NLRI's identity: prefix,
//! RD, EVPN or FlowSpec octets; labels excluded, since a withdrawal carries none) and maps to a
//! 32-bit id of its interned attribute set, in a [`RouteTable`] of 12-octet slots: no heap
//! string per route; attribute sets are shared. 64-bit hashes of distinct routes collide with negligible probability (about 3e-8 for
//! a million routes in one table).

use std::collections::HashMap;
use std::hash::Hasher;

pub use super::route_table::{Effect, Outcomes, RouteId, RouteTable};
use crate::hash::avalanche;
pub use crate::hash::{FastBuild, IdentityBuild, IdentityHasher, KeyHasher};

use crate::decode::bgp::attr::{self, RawAttr};
use crate::decode::bgp::nlri::{self, Encoding, Nlri, NlriIter, NlriKind};
use crate::decode::bgp::update::{FieldPlan, Plan, Route, Update};

/// Map keyed by a route key.
pub type KeyMap<V> = HashMap<u64, V, IdentityBuild>;

/// The octets of a prefix that its length covers (the rest are zero).
fn significant(p: &crate::decode::bgp::nlri::Prefix) -> &[u8] {
    &p.addr[..(p.len as usize).div_ceil(8).min(16)]
}

/// The key of a plain or labeled prefix: the address and the metadata folded in a few
/// multiplications instead of hashing octet strings.
#[inline]
fn prefix_key(afi: u16, safi: u8, len: u8, addr: u128, path_id: Option<u32>) -> u64 {
    let meta = ((afi as u64) << 48)
        | ((safi as u64) << 40)
        | ((len as u64) << 32)
        | (u64::from(path_id.is_some()) << 39)
        | path_id.unwrap_or(0) as u64;
    let hi = ((addr >> 64) as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    let lo = (addr as u64)
        .rotate_left(29)
        .wrapping_mul(0xc2b2_ae3d_27d4_eb4f);
    avalanche(hi ^ lo ^ avalanche(meta))
}

/// Calls `f` with every route of an UPDATE, in the order of [`Plan::routes`]. Plain prefixes
/// (unicast and multicast, most of any table) are read straight from the octets, without
/// building elements; other families go through [`NlriIter`]. The keys are those of
/// [`route_key`].
pub fn for_each_route_id(update: &Update<'_>, plan: &Plan<'_>, mut f: impl FnMut(RouteId)) {
    let labels = plan.max_labels;
    let mut field = |data: &[u8], afi: u16, safi: u8, fp: FieldPlan, withdrawn: bool| {
        if !fp.ok || data.is_empty() {
            return;
        }
        let mut emit = |key: u64, path_id: bool| {
            f(RouteId {
                withdrawn,
                afi,
                safi,
                how: fp.how,
                key,
                path_id,
            })
        };
        if nlri::encoding(afi, safi) != Encoding::Prefix {
            for n in NlriIter::new(data, afi, safi, fp.add_path, labels).map_while(Result::ok) {
                emit(route_key(afi, safi, &n), n.path_id.is_some());
            }
            return;
        }
        let max = if afi == nlri::AFI_IPV6 { 128 } else { 32 };
        let mut i = 0;
        while i < data.len() {
            let path_id = if fp.add_path {
                let Some(b) = data.get(i..i + 4) else { return };
                i += 4;
                Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
            } else {
                None
            };
            let Some(&bits) = data.get(i) else { return };
            let n = (bits as usize).div_ceil(8);
            let Some(body) = data.get(i + 1..i + 1 + n).filter(|_| bits <= max) else {
                return;
            };
            let mut addr = [0u8; 16];
            addr[..n].copy_from_slice(body);
            emit(
                prefix_key(afi, safi, bits, u128::from_be_bytes(addr), path_id),
                path_id.is_some(),
            );
            i += 1 + n;
        }
    };
    field(
        update.withdrawn,
        nlri::AFI_IPV4,
        nlri::SAFI_UNICAST,
        plan.withdrawn,
        true,
    );
    if let Some((mp, fp)) = plan.mp_unreach {
        field(mp.nlri, mp.afi, mp.safi, fp, true);
    }
    field(
        update.nlri,
        nlri::AFI_IPV4,
        nlri::SAFI_UNICAST,
        plan.nlri,
        false,
    );
    if let Some((mp, fp)) = plan.mp_reach {
        field(mp.nlri, mp.afi, mp.safi, fp, false);
    }
}

/// The identity of a route (not its attributes).
pub fn route_key(afi: u16, safi: u8, nlri: &Nlri<'_>) -> u64 {
    // Fast path for plain and labeled prefixes, by far the most routes: fold the address and
    // the metadata in a few multiplications instead of hashing octet strings.
    if let NlriKind::Prefix(p) | NlriKind::Labeled { prefix: p, .. } = nlri.kind {
        return prefix_key(afi, safi, p.len, u128::from_be_bytes(p.addr), nlri.path_id);
    }
    let mut h = KeyHasher::default();
    h.write_u16(afi);
    h.write_u8(safi);
    match nlri.path_id {
        Some(id) => {
            h.write_u8(1);
            h.write_u32(id);
        }
        None => h.write_u8(0),
    }
    match nlri.kind {
        NlriKind::Prefix(_) | NlriKind::Labeled { .. } => {}
        NlriKind::Vpn { rd, prefix, .. } => {
            h.write(&rd);
            h.write_u8(prefix.len);
            h.write(significant(&prefix));
        }
        NlriKind::Evpn { route_type, value } | NlriKind::McastVpn { route_type, value } => {
            h.write_u8(route_type);
            h.write(value);
        }
        NlriKind::RtConstraint { bits, prefix } => {
            h.write_u8(bits);
            h.write(prefix);
        }
        NlriKind::FlowSpec { wire, .. } => h.write(wire),
        NlriKind::BgpLs {
            nlri_type, value, ..
        } => {
            h.write_u16(nlri_type);
            h.write(value);
        }
        NlriKind::Raw(b) => h.write(b),
    }
    h.finish()
}

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
    /// Origin AS: the last ASN of the last AS_SEQUENCE (of AS4_PATH on a 2-octet session when
    /// it has one); 0 when there is none (empty path, or ending in an AS_SET).
    pub origin_as: u32,
}

/// What differs between two attribute sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Changed {
    /// AS path.
    pub as_path: bool,
    /// Next hop.
    pub next_hop: bool,
    /// Communities.
    pub communities: bool,
    /// MED.
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
        let from4 = if four_octet_as {
            None
        } else {
            path4.and_then(|v| last_sequence_asn(v, true))
        };
        let origin = from4.or_else(|| path.and_then(|v| last_sequence_asn(v, four_octet_as)));
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

/// The last ASN of the last AS_SEQUENCE of an AS_PATH value, without allocating; `None` when
/// the value does not parse with that width or has no AS_SEQUENCE.
pub fn last_sequence_asn(mut v: &[u8], four: bool) -> Option<u32> {
    if !attr::as_path_fits(v, four) {
        return None;
    }
    let width = if four { 4 } else { 2 };
    let mut last = None;
    while v.len() >= 2 {
        let n = v[1] as usize * width;
        if v[0] == 2 && n > 0 {
            let a = &v[2 + n - width..2 + n];
            last = Some(if four {
                u32::from_be_bytes([a[0], a[1], a[2], a[3]])
            } else {
                u32::from(u16::from_be_bytes([a[0], a[1]]))
            });
        }
        v = &v[2 + n..];
    }
    last
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
        afi: route.afi,
        safi: route.safi,
        how: route.how,
        key: route_key(route.afi, route.safi, &route.nlri),
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
    use crate::builder::bgp;
    use crate::decode::bgp::update::{self, DecodeParams, How};

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

    /// `for_each_route_id` gives, route for route, what `Plan::routes` and `route_key` give:
    /// IPv4 and IPv6, with and without path IDs, withdrawn and announced, plain and labeled.
    #[test]
    fn route_ids_match_the_elements() {
        let v4 = bgp::prefixes(
            None,
            &["10.0.0.0/8", "10.1.0.0/16", "0.0.0.0/0", "192.0.2.1/32"],
        );
        let v4_ids = [
            bgp::prefix(Some(1), "10.0.0.0/24"),
            bgp::prefix(Some(0x0100_0005), "10.0.1.0/24"),
        ]
        .concat();
        let v6 = bgp::prefixes(
            None,
            &[
                "2001:db8::/32",
                "2001:db8:1::/48",
                "::/0",
                "2001:db8::1/128",
            ],
        );
        let v6_ids = [
            bgp::prefix(Some(7), "2001:db8::/33"),
            bgp::prefix(Some(8), "2001:db8::/33"),
        ]
        .concat();
        let labeled = bgp::labeled_prefix(None, &[100], None, "10.2.0.0/16");
        let attrs = |mp: Vec<u8>| {
            [
                bgp::origin(0),
                bgp::as_path(&[(2, &[65001])], true),
                bgp::next_hop([192, 0, 2, 1]),
                mp,
            ]
            .concat()
        };
        let nh6 = [0x20, 1, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
        let cases: Vec<(Vec<u8>, DecodeParams)> = vec![
            (
                bgp::update(&v4, &attrs(bgp::mp_reach(2, 1, &nh6, &v6)), &v4),
                DecodeParams::new(true),
            ),
            (
                bgp::update(&v4_ids, &attrs(bgp::mp_unreach(2, 1, &v6_ids)), &v4_ids),
                DecodeParams::new(true)
                    .with_add_path(1, 1)
                    .with_add_path(2, 1),
            ),
            (
                bgp::update(
                    &[],
                    &attrs(bgp::mp_reach(1, 4, &[192, 0, 2, 1], &labeled)),
                    &[],
                ),
                DecodeParams::new(true),
            ),
        ];
        for (m, params) in &cases {
            let u = upd(m);
            let p = update::plan(&u, params, How::Negotiated);
            let want: Vec<RouteId> = p
                .routes(&u)
                .map(|r| RouteId {
                    withdrawn: r.withdrawn,
                    afi: r.afi,
                    safi: r.safi,
                    how: r.how,
                    key: route_key(r.afi, r.safi, &r.nlri),
                    path_id: r.nlri.path_id.is_some(),
                })
                .collect();
            let mut got = Vec::new();
            for_each_route_id(&u, &p, |r| got.push(r));
            assert!(!want.is_empty());
            assert_eq!(got, want);
        }
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
            &DecodeParams::new(true).with_add_path(1, 1),
            How::Negotiated,
        );
        let mut t = RouteTable::default();
        let mut s = AttrStore::default();
        apply_update(&mut t, &mut s, &u, &p, |_, _| {});
        assert_eq!(t.len(), 2);
        assert_eq!(t.per_family().collect::<Vec<_>>(), [((1, 1), (2, 2))]);
    }
}

#[cfg(test)]
mod key_tests {
    use super::*;
    use crate::decode::bgp::nlri::{Nlri, NlriIter};

    fn key(field: &[u8], add_path: bool) -> u64 {
        let n: Nlri<'_> = NlriIter::new(field, 1, 1, add_path, 1)
            .next()
            .unwrap()
            .unwrap();
        route_key(1, 1, &n)
    }

    #[test]
    fn keys_tell_prefixes_lengths_and_path_ids_apart() {
        let a = key(&[24, 10, 0, 0], false);
        assert_eq!(a, key(&[24, 10, 0, 0], false));
        assert_ne!(a, key(&[24, 10, 0, 1], false));
        assert_ne!(a, key(&[23, 10, 0, 0], false));
        assert_ne!(a, key(&[0, 0, 0, 0, 24, 10, 0, 0], true));
        assert_ne!(
            key(&[0, 0, 0, 1, 24, 10, 0, 0], true),
            key(&[0, 0, 0, 2, 24, 10, 0, 0], true)
        );
    }
}
