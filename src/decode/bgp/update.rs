//! BGP UPDATE (RFC 4271 §4.3, RFC 4760): splitting into its three fields, the session context it
//! needs ([`DecodeParams`]), and the checked decoding plan ([`plan`]) that picks, per field, the
//! Add-Path and AS-width interpretation that consumes every octet.

use super::attr::{self, AttrIter, MpReach, MpUnreach, RawAttr};
use super::nlri::{self, Nlri, NlriIter};
use crate::decode::family::Family;
use crate::decode::{DecodeError, Problem, take_n, u16_, unwrap_err};

/// An UPDATE split into withdrawn routes, path attributes and NLRI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Update<'a> {
    /// Withdrawn routes field (IPv4 unicast).
    pub withdrawn: &'a [u8],
    /// Path attributes field.
    pub attrs: &'a [u8],
    /// NLRI field (IPv4 unicast).
    pub nlri: &'a [u8],
}

/// Splits an UPDATE body, checking both length fields against the body.
pub fn parse(body: &[u8]) -> Result<Update<'_>, DecodeError<'_>> {
    let (rest, wlen) = u16_(body, "withdrawn routes length").map_err(unwrap_err)?;
    let (rest, withdrawn) = take_n(rest, wlen as usize, "withdrawn routes").map_err(unwrap_err)?;
    let (rest, alen) = u16_(rest, "total path attribute length").map_err(unwrap_err)?;
    let (nlri, attrs) = take_n(rest, alen as usize, "path attributes").map_err(unwrap_err)?;
    Ok(Update {
        withdrawn,
        attrs,
        nlri,
    })
}

impl<'a> Update<'a> {
    /// The attributes as framed on the wire.
    pub fn attributes(&self) -> AttrIter<'a> {
        AttrIter::new(self.attrs)
    }

    /// The first attribute with this type code, if the field frames up to it.
    pub fn find_attr(&self, code: u8) -> Option<RawAttr<'a>> {
        self.attributes()
            .map_while(Result::ok)
            .find(|a| a.code == code)
    }

    /// The End-of-RIB family (RFC 4724 §2): an empty UPDATE for IPv4 unicast, or an UPDATE whose
    /// only content is an MP_UNREACH_NLRI without NLRI.
    pub fn end_of_rib(&self) -> Option<Family> {
        if !self.withdrawn.is_empty() || !self.nlri.is_empty() {
            return None;
        }
        if self.attrs.is_empty() {
            return Some(Family::IPV4_UNICAST);
        }
        let mut it = self.attributes();
        let only = it.next()?.ok()?;
        if it.next().is_some() || only.code != attr::MP_UNREACH {
            return None;
        }
        let mp = attr::parse_mp_unreach(only.value).ok()?;
        mp.nlri.is_empty().then_some(mp.family)
    }
}

/// Most address families a session's Add-Path set keeps; more are ignored (no real speaker
/// negotiates that many).
const MAX_ADD_PATH_FAMILIES: usize = 16;

/// What the monitored session negotiated, as needed to decode its UPDATEs in one direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodeParams {
    /// AS_PATH and AGGREGATOR carry 4-octet ASNs.
    pub four_octet_as: bool,
    /// Labels per labeled route (RFC 8277 multiple labels; 1 without it).
    pub max_labels: u8,
    add_path: [Family; MAX_ADD_PATH_FAMILIES],
    add_path_len: u8,
}

impl Default for DecodeParams {
    fn default() -> Self {
        DecodeParams {
            four_octet_as: true,
            max_labels: 1,
            add_path: [Family::new(0, 0); MAX_ADD_PATH_FAMILIES],
            add_path_len: 0,
        }
    }
}

impl DecodeParams {
    /// Parameters with the given AS width and no Add-Path.
    pub fn new(four_octet_as: bool) -> Self {
        DecodeParams {
            four_octet_as,
            ..DecodeParams::default()
        }
    }

    /// Adds a family whose NLRI carry path identifiers.
    pub fn with_add_path(mut self, family: Family) -> Self {
        if !self.add_path(family) && (self.add_path_len as usize) < MAX_ADD_PATH_FAMILIES {
            self.add_path[self.add_path_len as usize] = family;
            self.add_path_len += 1;
        }
        self
    }

    /// Removes a family from those with path identifiers.
    pub fn without_add_path(mut self, family: Family) -> Self {
        let n = self.add_path_len as usize;
        if let Some(i) = self.add_path[..n].iter().position(|&f| f == family) {
            self.add_path.copy_within(i + 1..n, i);
            self.add_path_len -= 1;
        }
        self
    }

    /// Whether NLRI of this family carry path identifiers.
    pub fn add_path(&self, family: Family) -> bool {
        self.add_path[..self.add_path_len as usize].contains(&family)
    }

    /// The families with path identifiers.
    pub fn add_path_families(&self) -> &[Family] {
        &self.add_path[..self.add_path_len as usize]
    }
}

/// How a field (or the AS width) was decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum How {
    /// As the Peer Up negotiated.
    Negotiated,
    /// With the documented default, because no Peer Up was seen for the peer.
    Assumed,
    /// As a BMPv4 Stateless Parsing TLV in the message says.
    Stateless,
    /// Fallback: path identifiers read although the context says none.
    FallbackAddPath,
    /// Fallback: no path identifiers although the context says Add-Path.
    FallbackNoAddPath,
    /// Fallback: 2-octet ASNs although the context says 4.
    FallbackAs2,
    /// Fallback: 4-octet ASNs although the context says 2.
    FallbackAs4,
}

impl How {
    /// Every variant, in index order.
    pub const ALL: [How; 7] = [
        How::Negotiated,
        How::Assumed,
        How::Stateless,
        How::FallbackAddPath,
        How::FallbackNoAddPath,
        How::FallbackAs2,
        How::FallbackAs4,
    ];

    /// Position in [`How::ALL`], for per-label counters without a map.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The label shown in JSON (`decoded`) and in verbose text.
    pub fn label(self) -> &'static str {
        match self {
            How::Negotiated => "negotiated",
            How::Assumed => "assumed",
            How::Stateless => "stateless",
            How::FallbackAddPath => "fallback:add_path",
            How::FallbackNoAddPath => "fallback:no_add_path",
            How::FallbackAs2 => "fallback:2_octet_as",
            How::FallbackAs4 => "fallback:4_octet_as",
        }
    }

    /// Whether this is a fallback.
    pub fn is_fallback(self) -> bool {
        !matches!(self, How::Negotiated | How::Assumed | How::Stateless)
    }
}

/// The decoding chosen for one NLRI field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldPlan {
    /// Path identifiers are read.
    pub add_path: bool,
    /// Why.
    pub how: How,
    /// False when no interpretation consumed the field exactly: the field is kept raw.
    pub ok: bool,
}

/// Where a field sits in the UPDATE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// Withdrawn routes.
    Withdrawn,
    /// NLRI.
    Nlri,
    /// MP_REACH_NLRI.
    MpReach,
    /// MP_UNREACH_NLRI.
    MpUnreach,
}

impl Field {
    /// Name used in findings.
    pub fn name(self) -> &'static str {
        match self {
            Field::Withdrawn => "withdrawn routes",
            Field::Nlri => "NLRI",
            Field::MpReach => "MP_REACH_NLRI",
            Field::MpUnreach => "MP_UNREACH_NLRI",
        }
    }
}

/// The checked decoding of one UPDATE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan<'a> {
    /// Withdrawn routes field.
    pub withdrawn: FieldPlan,
    /// NLRI field.
    pub nlri: FieldPlan,
    /// MP_REACH_NLRI and how its NLRI decode.
    pub mp_reach: Option<(MpReach<'a>, FieldPlan)>,
    /// MP_UNREACH_NLRI and how its NLRI decode.
    pub mp_unreach: Option<(MpUnreach<'a>, FieldPlan)>,
    /// AS width used for AS_PATH and AGGREGATOR.
    pub four_octet_as: bool,
    /// Why that width.
    pub as_how: How,
    /// The attribute field does not frame: offset of the failure within it and the problem.
    pub attr_error: Option<(usize, Problem)>,
    /// Labels per labeled route.
    pub max_labels: u8,
}

fn plan_field(
    field: &[u8],
    family: Family,
    negotiated: bool,
    base: How,
    max_labels: u8,
) -> FieldPlan {
    let as_negotiated = FieldPlan {
        add_path: negotiated,
        how: base,
        ok: true,
    };
    if field.is_empty() {
        return as_negotiated;
    }
    let first = nlri::validate(field, family, negotiated, max_labels);
    if first.is_some_and(|v| v.suspicious == 0) {
        return as_negotiated;
    }
    let toggled = !negotiated;
    let second = nlri::validate(field, family, toggled, max_labels);
    // The alternative must decode exactly; when the first reading also framed, it must
    // moreover be free of suspicious elements while the first was not.
    if second.is_some_and(|v| first.is_none() || v.suspicious == 0) {
        return FieldPlan {
            add_path: toggled,
            how: if toggled {
                How::FallbackAddPath
            } else {
                How::FallbackNoAddPath
            },
            ok: true,
        };
    }
    FieldPlan {
        ok: first.is_some(),
        ..as_negotiated
    }
}

/// Chooses how to decode `update`: first as `params` say (`base` says whether they were
/// negotiated or assumed); a field that does not decode exactly that way is tried with Add-Path
/// toggled, and AS_PATH with the other AS width. An alternative is accepted only when it consumes
/// the field exactly and yields valid elements. Allocates nothing.
pub fn plan<'a>(update: &Update<'a>, params: &DecodeParams, base: How) -> Plan<'a> {
    let v4 = params.add_path(Family::IPV4_UNICAST);
    let labels = params.max_labels;
    let mut p = Plan {
        withdrawn: plan_field(update.withdrawn, Family::IPV4_UNICAST, v4, base, labels),
        nlri: plan_field(update.nlri, Family::IPV4_UNICAST, v4, base, labels),
        mp_reach: None,
        mp_unreach: None,
        four_octet_as: params.four_octet_as,
        as_how: base,
        attr_error: None,
        max_labels: labels,
    };
    for item in update.attributes() {
        let a = match item {
            Ok(a) => a,
            Err(e) => {
                p.attr_error = Some((e.offset_in(update.attrs), e.problem));
                break;
            }
        };
        match a.code {
            attr::MP_REACH if p.mp_reach.is_none() => {
                if let Ok(mp) = attr::parse_mp_reach(a.value) {
                    let ap = params.add_path(mp.family);
                    p.mp_reach = Some((mp, plan_field(mp.nlri, mp.family, ap, base, labels)));
                }
            }
            attr::MP_UNREACH if p.mp_unreach.is_none() => {
                if let Ok(mp) = attr::parse_mp_unreach(a.value) {
                    let ap = params.add_path(mp.family);
                    p.mp_unreach = Some((mp, plan_field(mp.nlri, mp.family, ap, base, labels)));
                }
            }
            attr::AS_PATH
                if !attr::as_path_fits(a.value, params.four_octet_as)
                    && attr::as_path_fits(a.value, !params.four_octet_as) =>
            {
                p.four_octet_as = !params.four_octet_as;
                p.as_how = if p.four_octet_as {
                    How::FallbackAs4
                } else {
                    How::FallbackAs2
                };
            }
            _ => {}
        }
    }
    p
}

/// The decisions of a [`Plan`] without the octets it points into: enough to rebuild the plan
/// of the same UPDATE elsewhere (another thread) without validating its fields again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanChoice {
    withdrawn: FieldPlan,
    nlri: FieldPlan,
    mp_reach: Option<FieldPlan>,
    mp_unreach: Option<FieldPlan>,
    four_octet_as: bool,
    as_how: How,
    attr_error: Option<(usize, Problem)>,
    max_labels: u8,
}

impl Plan<'_> {
    /// The decisions of this plan.
    pub fn choice(&self) -> PlanChoice {
        PlanChoice {
            withdrawn: self.withdrawn,
            nlri: self.nlri,
            mp_reach: self.mp_reach.map(|(_, f)| f),
            mp_unreach: self.mp_unreach.map(|(_, f)| f),
            four_octet_as: self.four_octet_as,
            as_how: self.as_how,
            attr_error: self.attr_error.clone(),
            max_labels: self.max_labels,
        }
    }
}

impl PlanChoice {
    /// The plan of `update` (the UPDATE this choice was taken from): the attributes are walked
    /// as [`plan`] walks them to find MP_REACH_NLRI and MP_UNREACH_NLRI, and each field gets
    /// the decision taken before.
    pub fn apply<'a>(&self, update: &Update<'a>) -> Plan<'a> {
        let mut p = Plan {
            withdrawn: self.withdrawn,
            nlri: self.nlri,
            mp_reach: None,
            mp_unreach: None,
            four_octet_as: self.four_octet_as,
            as_how: self.as_how,
            attr_error: self.attr_error.clone(),
            max_labels: self.max_labels,
        };
        for a in update.attributes().map_while(Result::ok) {
            match a.code {
                attr::MP_REACH if p.mp_reach.is_none() => {
                    if let (Ok(mp), Some(f)) = (attr::parse_mp_reach(a.value), self.mp_reach) {
                        p.mp_reach = Some((mp, f));
                    }
                }
                attr::MP_UNREACH if p.mp_unreach.is_none() => {
                    if let (Ok(mp), Some(f)) = (attr::parse_mp_unreach(a.value), self.mp_unreach) {
                        p.mp_unreach = Some((mp, f));
                    }
                }
                _ => {}
            }
        }
        p
    }
}

/// One route of an UPDATE, in wire order: withdrawn routes, MP_UNREACH, NLRI, MP_REACH.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route<'a> {
    /// Withdrawn (true) or announced.
    pub withdrawn: bool,
    /// Its family.
    pub family: Family,
    /// The element.
    pub nlri: Nlri<'a>,
    /// How its field was decoded.
    pub how: How,
}

impl<'a> Plan<'a> {
    /// Fields that no interpretation decoded, with their raw octets.
    pub fn undecodable(&self, update: &Update<'a>) -> impl Iterator<Item = (Field, &'a [u8])> {
        let w = (!self.withdrawn.ok).then_some((Field::Withdrawn, update.withdrawn));
        let n = (!self.nlri.ok).then_some((Field::Nlri, update.nlri));
        let r = self
            .mp_reach
            .filter(|(_, f)| !f.ok)
            .map(|(mp, _)| (Field::MpReach, mp.nlri));
        let u = self
            .mp_unreach
            .filter(|(_, f)| !f.ok)
            .map(|(mp, _)| (Field::MpUnreach, mp.nlri));
        [w, u, n, r].into_iter().flatten()
    }

    /// Fields decoded by a fallback, with their family.
    pub fn fallbacks(&self) -> impl Iterator<Item = (Field, Family, How)> {
        let w = Some((Field::Withdrawn, Family::IPV4_UNICAST, self.withdrawn));
        let n = Some((Field::Nlri, Family::IPV4_UNICAST, self.nlri));
        let r = self.mp_reach.map(|(mp, f)| (Field::MpReach, mp.family, f));
        let u = self
            .mp_unreach
            .map(|(mp, f)| (Field::MpUnreach, mp.family, f));
        [w, u, n, r]
            .into_iter()
            .flatten()
            .filter(|(_, _, f)| f.ok && f.how.is_fallback())
            .map(|(field, fam, f)| (field, fam, f.how))
    }

    /// Every route of the UPDATE, lazily and without allocating, in wire order: the withdrawn
    /// routes ([`Plan::withdrawn_routes`]) then the announced ([`Plan::announced_routes`]).
    /// Fields that did not decode (see [`Plan::undecodable`]) yield nothing.
    pub fn routes(&self, update: &Update<'a>) -> impl Iterator<Item = Route<'a>> + use<'a> {
        self.withdrawn_routes(update)
            .chain(self.announced_routes(update))
    }

    /// The withdrawn routes: the withdrawn routes field, then MP_UNREACH. Parses only those
    /// fields, for a reader that wants one side.
    pub fn withdrawn_routes(
        &self,
        update: &Update<'a>,
    ) -> impl Iterator<Item = Route<'a>> + use<'a> {
        let labels = self.max_labels;
        let w = field_routes(
            update.withdrawn,
            Family::IPV4_UNICAST,
            self.withdrawn,
            true,
            labels,
        );
        let u = self
            .mp_unreach
            .into_iter()
            .flat_map(move |(mp, fp)| field_routes(mp.nlri, mp.family, fp, true, labels));
        w.chain(u)
    }

    /// The announced routes: the NLRI field, then MP_REACH. Parses only those fields.
    pub fn announced_routes(
        &self,
        update: &Update<'a>,
    ) -> impl Iterator<Item = Route<'a>> + use<'a> {
        let labels = self.max_labels;
        let n = field_routes(update.nlri, Family::IPV4_UNICAST, self.nlri, false, labels);
        let r = self
            .mp_reach
            .into_iter()
            .flat_map(move |(mp, fp)| field_routes(mp.nlri, mp.family, fp, false, labels));
        n.chain(r)
    }
}

/// The routes of one NLRI field as its plan decodes it (none when it did not decode).
fn field_routes<'a>(
    data: &'a [u8],
    family: Family,
    fp: FieldPlan,
    withdrawn: bool,
    max_labels: u8,
) -> impl Iterator<Item = Route<'a>> + use<'a> {
    let data = if fp.ok { data } else { &[] };
    NlriIter::new(data, family, fp.add_path, max_labels)
        .map_while(Result::ok)
        .map(move |nlri| Route {
            withdrawn,
            family,
            nlri,
            how: fp.how,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::bgp;

    #[test]
    fn each_side_yields_its_fields_and_routes_chains_them_in_wire_order() {
        let v6 = |s: &str| s.parse::<std::net::Ipv6Addr>().unwrap().octets();
        let attrs = [
            bgp::mp_unreach(
                bgp::AFI_IPV6,
                bgp::SAFI_UNICAST,
                &bgp::prefix(None, "2001:db8:1::/48"),
            ),
            bgp::mp_reach(
                bgp::AFI_IPV6,
                bgp::SAFI_UNICAST,
                &v6("2001:db8::1"),
                &bgp::prefix(None, "2001:db8:2::/48"),
            ),
        ]
        .concat();
        let msg = bgp::update(
            &bgp::prefix(None, "192.0.2.0/24"),
            &attrs,
            &bgp::prefixes(None, &["198.51.100.0/24", "203.0.113.0/24"]),
        );
        let update = parse(&msg[19..]).expect("UPDATE splits");
        let plan = plan(&update, &DecodeParams::default(), How::Negotiated);
        let text = |r: Route<'_>| (r.withdrawn, r.nlri.kind.prefix().unwrap().to_string());
        let withdrawn: Vec<_> = plan.withdrawn_routes(&update).map(text).collect();
        let announced: Vec<_> = plan.announced_routes(&update).map(text).collect();
        let all: Vec<_> = plan.routes(&update).map(text).collect();
        let own = |w: bool, p: &str| (w, p.to_string());
        assert_eq!(
            withdrawn,
            [own(true, "192.0.2.0/24"), own(true, "2001:db8:1::/48")]
        );
        assert_eq!(
            announced,
            [
                own(false, "198.51.100.0/24"),
                own(false, "203.0.113.0/24"),
                own(false, "2001:db8:2::/48"),
            ]
        );
        assert_eq!(all, [withdrawn, announced].concat());
    }
}
