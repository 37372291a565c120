//! The identity of a route: a 64-bit key of (AFI, SAFI, path ID, the NLRI's identity: prefix,
//! RD, EVPN or FlowSpec octets; labels excluded, since a withdrawal carries none). The views
//! track routes by it; 64-bit keys of distinct routes collide with negligible probability
//! (about 3e-8 for a million routes in one table).

use std::hash::Hasher;

use super::nlri::{self, Encoding, Nlri, NlriIter, NlriKind, PlainPrefixes};
use super::update::{FieldPlan, How, Plan, Update};
use crate::decode::family::{Afi, Family};
use crate::hash::{KeyHasher, avalanche};

/// A route as the counting views need it: its identity, not the element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteId {
    /// Withdrawn (true) or announced.
    pub withdrawn: bool,
    /// Its family.
    pub family: Family,
    /// How its field was decoded.
    pub how: How,
    /// The route's key ([`route_key`]).
    pub key: u64,
    /// It carries a path ID.
    pub path_id: bool,
}

/// The octets of a prefix that its length covers (the rest are zero).
fn significant(p: &super::prefix::Prefix) -> &[u8] {
    &p.addr[..(p.len as usize).div_ceil(8).min(16)]
}

/// The key of a plain or labeled prefix: the address and the metadata folded in a few
/// multiplications instead of hashing octet strings.
/// `hi` and `lo` are the address's top and bottom 8 octets, big-endian.
#[inline]
fn prefix_key(family: Family, len: u8, (hi, lo): (u64, u64), path_id: Option<u32>) -> u64 {
    let (afi, safi) = (family.afi.0, family.safi.0);
    // Every field in its own bits: the path-ID flag in bit 63 (prefix AFIs are 1 and 2), the
    // length (up to 128) in bits 32-39.
    let meta = (u64::from(path_id.is_some()) << 63)
        | ((afi as u64 & 0x7fff) << 48)
        | ((safi as u64) << 40)
        | ((len as u64) << 32)
        | path_id.unwrap_or(0) as u64;
    // Each word through its own odd multiplier (a bijection), then one avalanche over the
    // three: two routes collide only where the mixed words happen to cancel.
    let hi = hi.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    let lo = lo.rotate_left(29).wrapping_mul(0xc2b2_ae3d_27d4_eb4f);
    avalanche(hi ^ lo ^ meta.wrapping_mul(0xd6e8_feb8_6659_fd93))
}

/// Calls `f` with every route of an UPDATE, in the order of [`Plan::routes`]. Plain prefixes
/// (unicast and multicast, most of any table) are read straight from the octets, without
/// building elements; other families go through [`NlriIter`]. The keys are those of
/// [`route_key`].
pub fn for_each_route_id(update: &Update<'_>, plan: &Plan<'_>, mut f: impl FnMut(RouteId)) {
    let labels = plan.max_labels;
    let mut field = |data: &[u8], family: Family, fp: FieldPlan, withdrawn: bool| {
        if !fp.ok || data.is_empty() {
            return;
        }
        let mut emit = |key: u64, path_id: bool| {
            f(RouteId {
                withdrawn,
                family,
                how: fp.how,
                key,
                path_id,
            })
        };
        if nlri::encoding(family) != Encoding::Prefix {
            for n in NlriIter::new(data, family, fp.add_path, labels).map_while(Result::ok) {
                emit(route_key(family, &n), n.path_id.is_some());
            }
            return;
        }
        let v6 = family.afi == Afi::IPV6;
        for (path_id, bits, body) in PlainPrefixes::new(data, v6, fp.add_path).map_while(Result::ok)
        {
            // The address as `route_key` reads it (octets from the top, zeros after), folded
            // without a variable-length copy; an IPv4 address is all in `hi`.
            let (mut hi, mut lo) = (0u64, 0u64);
            for (k, &b) in body.iter().enumerate().take(16) {
                if k < 8 {
                    hi |= u64::from(b) << (56 - 8 * k);
                } else {
                    lo |= u64::from(b) << (120 - 8 * k);
                }
            }
            emit(
                prefix_key(family, bits, (hi, lo), path_id),
                path_id.is_some(),
            );
        }
    };
    field(update.withdrawn, Family::IPV4_UNICAST, plan.withdrawn, true);
    if let Some((mp, fp)) = plan.mp_unreach {
        field(mp.nlri, mp.family, fp, true);
    }
    field(update.nlri, Family::IPV4_UNICAST, plan.nlri, false);
    if let Some((mp, fp)) = plan.mp_reach {
        field(mp.nlri, mp.family, fp, false);
    }
}

/// The identity of a route (not its attributes).
pub fn route_key(family: Family, nlri: &Nlri<'_>) -> u64 {
    // Fast path for plain and labeled prefixes, by far the most routes: fold the address and
    // the metadata in a few multiplications instead of hashing octet strings.
    if let NlriKind::Prefix(p) | NlriKind::Labeled { prefix: p, .. } = nlri.kind {
        let addr = u128::from_be_bytes(p.addr);
        let words = ((addr >> 64) as u64, addr as u64);
        return prefix_key(family, p.len, words, nlri.path_id);
    }
    let mut h = KeyHasher::default();
    h.write_u16(family.afi.0);
    h.write_u8(family.safi.0);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::bgp::update::{self, DecodeParams};
    use crate::testkit::bgp;

    fn upd(bytes: &[u8]) -> Update<'_> {
        update::parse(&bytes[19..]).unwrap()
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
                    .with_add_path(crate::decode::family::Family::new(1, 1))
                    .with_add_path(crate::decode::family::Family::new(2, 1)),
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
                    family: r.family,
                    how: r.how,
                    key: route_key(r.family, &r.nlri),
                    path_id: r.nlri.path_id.is_some(),
                })
                .collect();
            let mut got = Vec::new();
            for_each_route_id(&u, &p, |r| got.push(r));
            assert!(!want.is_empty());
            assert_eq!(got, want);
        }
    }

    fn key(field: &[u8], add_path: bool) -> u64 {
        let n: Nlri<'_> = NlriIter::new(field, Family::new(1, 1), add_path, 1)
            .next()
            .unwrap()
            .unwrap();
        route_key(Family::new(1, 1), &n)
    }

    #[test]
    fn keys_tell_prefixes_lengths_and_path_ids_apart() {
        let a = key(&[24, 10, 0, 0], false);
        assert_eq!(a, key(&[24, 10, 0, 0], false));
        assert_ne!(a, key(&[24, 10, 0, 1], false));
        assert_ne!(a, key(&[23, 10, 0, 0], false));
        assert_ne!(a, key(&[0, 0, 0, 0, 24, 10, 0, 0], true));
        // A /128 without path ID and a /0 with path ID 0 (the length's top bit and the
        // path-ID flag once shared a bit).
        let full = Nlri {
            path_id: None,
            kind: NlriKind::Prefix(crate::decode::bgp::prefix::Prefix {
                len: 128,
                addr: [0; 16],
                v6: true,
            }),
        };
        let default_with_id = Nlri {
            path_id: Some(0),
            kind: NlriKind::Prefix(crate::decode::bgp::prefix::Prefix {
                len: 0,
                addr: [0; 16],
                v6: true,
            }),
        };
        let v6 = Family::new(2, 1);
        assert_ne!(route_key(v6, &full), route_key(v6, &default_with_id));
        assert_ne!(
            key(&[0, 0, 0, 1, 24, 10, 0, 0], true),
            key(&[0, 0, 0, 2, 24, 10, 0, 0], true)
        );
    }
}
