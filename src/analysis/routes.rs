//! Compact route state shared by the views: one table per monitored peer and RIB view.
//!
//! A route is identified by a 64-bit hash of (AFI, SAFI, path ID, the NLRI's identity: prefix,
//! RD, EVPN or FlowSpec octets; labels excluded, since a withdrawal carries none) and maps to a
//! 32-bit id of its interned attribute set. So a tracked route costs one hash-map entry of
//! 12 octets (the key is stored as two u32, so the entry is not padded to 16) plus the map's
//! control byte and spare capacity, with no heap string per route; attribute sets are
//! shared. 64-bit hashes of distinct routes collide with negligible probability (about 3e-8 for
//! a million routes in one table).

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use crate::decode::bgp::attr::{self, RawAttr};
use crate::decode::bgp::nlri::{Nlri, NlriKind};
use crate::decode::bgp::update::{Plan, Route, Update};

/// A fixed, fast 64-bit hasher: eight octets at a time, multiply-rotate mixing, then a
/// splitmix64 avalanche. The same input always gives the same key, unlike std's randomly
/// seeded SipHash, and it costs a few cycles per word.
#[derive(Debug, Clone, Copy)]
pub struct KeyHasher(u64);

impl Default for KeyHasher {
    fn default() -> Self {
        KeyHasher(0xcbf2_9ce4_8422_2325)
    }
}

impl KeyHasher {
    fn mix(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(23) ^ word).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        avalanche(self.0)
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.mix(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        let mut w = [0u8; 8];
        w[..rest.len()].copy_from_slice(rest);
        // The length keeps "ab" + "" apart from "a" + "b".
        self.mix(u64::from_le_bytes(w) ^ ((bytes.len() as u64) << 56));
    }

    fn write_u8(&mut self, n: u8) {
        self.mix(n as u64 | 0x100);
    }

    fn write_u16(&mut self, n: u16) {
        self.mix(n as u64 | 0x2_0000);
    }

    fn write_u32(&mut self, n: u32) {
        self.mix(n as u64 | 0x4_0000_0000);
    }

    fn write_u64(&mut self, n: u64) {
        self.mix(n);
    }
}

/// A `HashMap` build-hasher for keys that are already hashes.
#[derive(Debug, Clone, Copy, Default)]
pub struct IdentityBuild;

/// Passes a u64 key through (it is already a good hash).
#[derive(Debug, Clone, Copy, Default)]
pub struct IdentityHasher(u64);

impl Hasher for IdentityHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | b as u64;
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

impl std::hash::BuildHasher for IdentityBuild {
    type Hasher = IdentityHasher;
    fn build_hasher(&self) -> IdentityHasher {
        IdentityHasher::default()
    }
}

/// A `HashMap` build-hasher using [`KeyHasher`]: for the views' small per-peer and per-row
/// maps, whose keys are looked up once or twice per message.
pub type FastBuild = std::hash::BuildHasherDefault<KeyHasher>;

/// Map keyed by a route key.
pub type KeyMap<V> = HashMap<u64, V, IdentityBuild>;

/// The octets of a prefix that its length covers (the rest are zero).
fn significant(p: &crate::decode::bgp::nlri::Prefix) -> &[u8] {
    &p.addr[..(p.len as usize).div_ceil(8).min(16)]
}

/// splitmix64's finaliser.
fn avalanche(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The identity of a route (not its attributes).
pub fn route_key(afi: u16, safi: u8, nlri: &Nlri<'_>) -> u64 {
    // Fast path for plain and labeled prefixes, by far the most routes: fold the address and
    // the metadata in a few multiplications instead of hashing octet strings.
    if let NlriKind::Prefix(p) | NlriKind::Labeled { prefix: p, .. } = nlri.kind {
        let a = u128::from_be_bytes(p.addr);
        let meta = ((afi as u64) << 48)
            | ((safi as u64) << 40)
            | ((p.len as u64) << 32)
            | (u64::from(nlri.path_id.is_some()) << 39)
            | nlri.path_id.unwrap_or(0) as u64;
        let hi = ((a >> 64) as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let lo = (a as u64)
            .rotate_left(29)
            .wrapping_mul(0xc2b2_ae3d_27d4_eb4f);
        return avalanche(hi ^ lo ^ avalanche(meta));
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

/// A route key packed as two u32 so that a table entry (key and attribute id) takes 12 octets
/// instead of the 16 a (u64, u32) pair is padded to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct PackedKey([u32; 2]);

impl PackedKey {
    fn new(k: u64) -> Self {
        PackedKey([(k >> 32) as u32, k as u32])
    }
}

impl Hash for PackedKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(((self.0[0] as u64) << 32) | self.0[1] as u64);
    }
}

/// The routes one peer holds in one RIB view.
#[derive(Debug, Default)]
pub struct RouteTable {
    routes: HashMap<PackedKey, u32, IdentityBuild>,
    /// (AFI, SAFI) -> (routes, of which with a path ID); a table holds a handful of families,
    /// so a short list beats a map on the per-route path.
    per_family: Vec<((u16, u8), (u64, u64))>,
}

impl RouteTable {
    /// Applies one route of an UPDATE, interning its attributes in `store`.
    pub fn apply(&mut self, route: &Route<'_>, attrs: u32, store: &AttrStore) -> Change {
        let key = PackedKey::new(route_key(route.afi, route.safi, &route.nlri));
        let family = (route.afi, route.safi);
        let i = match self.per_family.iter().position(|(f, _)| *f == family) {
            Some(i) => i,
            None => {
                self.per_family.push((family, (0, 0)));
                self.per_family.len() - 1
            }
        };
        let fam = &mut self.per_family[i].1;
        let with_id = u64::from(route.nlri.path_id.is_some());
        if route.withdrawn {
            return match self.routes.remove(&key) {
                Some(old) => {
                    fam.0 = fam.0.saturating_sub(1);
                    fam.1 = fam.1.saturating_sub(with_id);
                    Change::Withdrawn(store.get(old))
                }
                None => Change::WithdrawnUnknown,
            };
        }
        match self.routes.insert(key, attrs) {
            None => {
                fam.0 += 1;
                fam.1 += with_id;
                Change::New
            }
            Some(old) if old == attrs => Change::Duplicate,
            Some(old) => Change::Replaced(store.get(attrs).changed_from(&store.get(old))),
        }
    }

    /// Routes held, all families.
    pub fn len(&self) -> u64 {
        self.routes.len() as u64
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.routes.is_empty()
    }

    /// Routes per (AFI, SAFI): (routes, of which carrying a path ID).
    pub fn per_family(&self) -> impl Iterator<Item = ((u16, u8), (u64, u64))> + '_ {
        let mut v: Vec<_> = self
            .per_family
            .iter()
            .filter(|(_, (n, _))| *n > 0)
            .copied()
            .collect();
        v.sort_unstable();
        v.into_iter()
    }

    /// Forgets every route (Peer Down, or a new session of the router).
    pub fn clear(&mut self) {
        self.routes.clear();
        self.routes.shrink_to(0);
        self.per_family.clear();
    }
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
        let change = table.apply(&r, id, store);
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
