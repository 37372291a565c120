//! NLRI encodings (RFC 4271 §4.3, RFC 4760, RFC 7911 path identifiers, RFC 8277 labels,
//! RFC 4364 VPN, RFC 7432 EVPN, RFC 6514 MCAST-VPN route framing, RFC 4684 RT-constraint,
//! RFC 8955/8956 FlowSpec, RFC 7752 BGP-LS). The iterator borrows the field and allocates
//! nothing; it yields `Result` and stops for good after the first error. The contents of
//! EVPN, FlowSpec and BGP-LS elements are decoded on demand by [`super::evpn`],
//! [`super::flowspec`] and [`super::bgpls`] (also allocation-free); [`validate`] runs those
//! decoders so that an interpretation whose elements do not decode is rejected.

use std::net::Ipv4Addr;

use crate::decode::{DecodeError, Problem};

use super::prefix::Prefix;
use crate::decode::family::{Afi, Family, Safi};

/// How the NLRI of a family is laid out on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Length in bits, then the prefix octets.
    Prefix,
    /// Length in bits covering labels and prefix.
    Labeled,
    /// Length in bits covering labels, route distinguisher and prefix.
    Vpn,
    /// EVPN: route type (1), length in octets (1), value.
    Evpn,
    /// MCAST-VPN: route type (1), length in octets (1), value.
    McastVpn,
    /// RT-constraint: length in bits (0 or 32-96), origin AS and route target prefix.
    RtConstraint,
    /// FlowSpec: length (1 or 2 octets), components.
    FlowSpec,
    /// FlowSpec VPN: length (1 or 2 octets), route distinguisher, components.
    FlowSpecVpn,
    /// BGP-LS: NLRI type (2), length (2), value.
    BgpLs,
    /// BGP-LS VPN: NLRI type (2), length (2), route distinguisher, value.
    BgpLsVpn,
    /// Not decoded: the whole field is kept as one raw element.
    Raw,
}

/// The NLRI layout of a family.
pub fn encoding(family: Family) -> Encoding {
    let ip = matches!(family.afi, Afi::IPV4 | Afi::IPV6);
    match (family.afi, family.safi) {
        (_, Safi::UNICAST | Safi::MULTICAST) if ip => Encoding::Prefix,
        (_, Safi::LABELED_UNICAST) if ip => Encoding::Labeled,
        (_, Safi::VPN | Safi::VPN_MULTICAST) if ip => Encoding::Vpn,
        (Afi::L2VPN, Safi::EVPN) => Encoding::Evpn,
        (_, Safi::MCAST_VPN) if ip => Encoding::McastVpn,
        (_, Safi::RT_CONSTRAINT) if ip => Encoding::RtConstraint,
        (_, Safi::FLOWSPEC) if ip => Encoding::FlowSpec,
        (_, Safi::FLOWSPEC_VPN) if ip => Encoding::FlowSpecVpn,
        (Afi::BGP_LS, Safi::BGP_LS) => Encoding::BgpLs,
        (Afi::BGP_LS, Safi::BGP_LS_VPN) => Encoding::BgpLsVpn,
        _ => Encoding::Raw,
    }
}

/// One NLRI element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Nlri<'a> {
    /// Add-Path path identifier, when the field carries them.
    pub path_id: Option<u32>,
    /// The element itself.
    pub kind: NlriKind<'a>,
}

/// The body of one NLRI element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NlriKind<'a> {
    /// A plain prefix.
    Prefix(Prefix),
    /// Labeled unicast: labels (3 octets each) and prefix.
    Labeled {
        /// Label stack, 3 octets per label.
        labels: &'a [u8],
        /// Prefix.
        prefix: Prefix,
    },
    /// MPLS VPN: labels, route distinguisher, prefix.
    Vpn {
        /// Label stack, 3 octets per label.
        labels: &'a [u8],
        /// Route distinguisher.
        rd: [u8; 8],
        /// Prefix.
        prefix: Prefix,
    },
    /// EVPN route: type and undecoded value ([`super::evpn::decode`] decodes it).
    Evpn {
        /// Route type.
        route_type: u8,
        /// Route value.
        value: &'a [u8],
    },
    /// MCAST-VPN route (RFC 6514 §4): type and undecoded value.
    McastVpn {
        /// Route type.
        route_type: u8,
        /// Route value.
        value: &'a [u8],
    },
    /// RT-constraint (RFC 4684 §4): a prefix of origin AS (4) + route target (8).
    RtConstraint {
        /// Prefix length in bits: 0 (default) or 32-96.
        bits: u8,
        /// The prefix octets on the wire (`bits` rounded up to octets).
        prefix: &'a [u8],
    },
    /// FlowSpec rule ([`super::flowspec`] decodes the components).
    FlowSpec {
        /// IPv6 FlowSpec (RFC 8956) rather than IPv4 (RFC 8955).
        v6: bool,
        /// Route distinguisher (SAFI 134).
        rd: Option<[u8; 8]>,
        /// The components.
        components: &'a [u8],
        /// The whole element as sent: length, route distinguisher, components.
        wire: &'a [u8],
    },
    /// BGP-LS NLRI (RFC 7752 §3.2): type and value ([`super::bgpls::decode`] decodes it).
    BgpLs {
        /// NLRI type.
        nlri_type: u16,
        /// Route distinguisher (SAFI 72).
        rd: Option<[u8; 8]>,
        /// Value after the route distinguisher.
        value: &'a [u8],
    },
    /// A family this decoder does not split: the whole field.
    Raw(&'a [u8]),
}

impl NlriKind<'_> {
    /// The IP prefix inside, when there is one: unicast, multicast, labeled and VPN routes,
    /// and EVPN IP prefix routes (type 5).
    pub fn prefix(&self) -> Option<Prefix> {
        match self {
            NlriKind::Prefix(p) => Some(*p),
            NlriKind::Labeled { prefix, .. } | NlriKind::Vpn { prefix, .. } => Some(*prefix),
            NlriKind::Evpn { route_type, value } => match super::evpn::decode(*route_type, value) {
                Ok(super::evpn::EvpnRoute::IpPrefix { prefix, .. }) => Some(prefix),
                _ => None,
            },
            _ => None,
        }
    }
}

/// Label values (20 bits each) of a label stack.
pub fn label_values(labels: &[u8]) -> impl Iterator<Item = u32> + '_ {
    labels
        .chunks_exact(3)
        .map(|c| ((c[0] as u32) << 12) | ((c[1] as u32) << 4) | ((c[2] as u32) >> 4))
}

/// Route distinguisher as text (RFC 4364 §4.2): `asn:value`, `ip:value`, `asn4:value`, or hex.
pub fn rd_text(rd: &[u8; 8]) -> String {
    Rd(*rd).to_string()
}

/// A route distinguisher, displayed as [`rd_text`] says, without allocating.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rd(pub [u8; 8]);

impl std::fmt::Display for Rd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let rd = &self.0;
        let v = &rd[2..];
        match u16::from_be_bytes([rd[0], rd[1]]) {
            0 => write!(
                f,
                "{}:{}",
                u16::from_be_bytes([v[0], v[1]]),
                u32::from_be_bytes([v[2], v[3], v[4], v[5]])
            ),
            1 => write!(
                f,
                "{}:{}",
                Ipv4Addr::new(v[0], v[1], v[2], v[3]),
                u16::from_be_bytes([v[4], v[5]])
            ),
            2 => write!(
                f,
                "{}:{}",
                u32::from_be_bytes([v[0], v[1], v[2], v[3]]),
                u16::from_be_bytes([v[4], v[5]])
            ),
            _ => std::fmt::Display::fmt(&crate::decode::Hex(rd), f),
        }
    }
}

/// Iterates over the NLRI elements of one field.
#[derive(Debug, Clone)]
pub struct NlriIter<'a> {
    rest: &'a [u8],
    afi: Afi,
    encoding: Encoding,
    add_path: bool,
    max_labels: u8,
    done: bool,
}

impl<'a> NlriIter<'a> {
    /// Iterates over `field` of `family`, with path identifiers if `add_path`, and at most
    /// `max_labels` labels per route when the family carries labels (RFC 8277).
    pub fn new(field: &'a [u8], family: Family, add_path: bool, max_labels: u8) -> Self {
        NlriIter {
            rest: field,
            afi: family.afi,
            encoding: encoding(family),
            add_path,
            max_labels: max_labels.max(1),
            done: false,
        }
    }

    fn fail(&mut self, at: &'a [u8], problem: Problem) -> Option<NlriResult<'a>> {
        self.done = true;
        Some(Err(DecodeError::new(at, problem)))
    }
}

impl<'a> NlriIter<'a> {
    /// EVPN and MCAST-VPN: route type (1), length (1), value.
    fn typed(&mut self, input: &'a [u8], path_id: Option<u32>) -> Option<NlriResult<'a>> {
        let evpn = self.encoding == Encoding::Evpn;
        if input.len() < 2 {
            return self.fail(
                input,
                Problem::Truncated {
                    what: if evpn {
                        "EVPN route header"
                    } else {
                        "MCAST-VPN route header"
                    },
                    needed: 2,
                    available: input.len(),
                },
            );
        }
        let (route_type, len) = (input[0], input[1] as usize);
        let Some(value) = input.get(2..2 + len) else {
            return self.fail(
                input,
                Problem::Truncated {
                    what: if evpn {
                        "EVPN route"
                    } else {
                        "MCAST-VPN route"
                    },
                    needed: len,
                    available: input.len() - 2,
                },
            );
        };
        self.rest = &input[2 + len..];
        let kind = if evpn {
            NlriKind::Evpn { route_type, value }
        } else {
            NlriKind::McastVpn { route_type, value }
        };
        Some(Ok(Nlri { path_id, kind }))
    }

    /// RT-constraint: length in bits (0 or 32-96), prefix octets.
    fn rt_constraint(&mut self, input: &'a [u8], path_id: Option<u32>) -> Option<NlriResult<'a>> {
        let Some((&bits, body)) = input.split_first() else {
            return self.fail(
                input,
                Problem::Truncated {
                    what: "RT-constraint length",
                    needed: 1,
                    available: 0,
                },
            );
        };
        if bits != 0 && !(32..=96).contains(&bits) {
            return self.fail(
                input,
                Problem::Invalid {
                    what: "RT-constraint prefix length",
                    value: bits.into(),
                },
            );
        }
        let n = (bits as usize).div_ceil(8);
        let Some(prefix) = body.get(..n) else {
            return self.fail(
                input,
                Problem::Truncated {
                    what: "RT-constraint prefix",
                    needed: n,
                    available: body.len(),
                },
            );
        };
        self.rest = &body[n..];
        Some(Ok(Nlri {
            path_id,
            kind: NlriKind::RtConstraint { bits, prefix },
        }))
    }

    /// The route distinguisher in front of `body` when `vpn` (FlowSpec VPN, BGP-LS VPN) and
    /// what follows it; an element too short for one fails the iterator (`Err`, to return).
    #[allow(clippy::type_complexity)]
    fn leading_rd(
        &mut self,
        input: &'a [u8],
        body: &'a [u8],
        vpn: bool,
        what: &'static str,
        len: usize,
    ) -> Result<(Option<[u8; 8]>, &'a [u8]), Option<NlriResult<'a>>> {
        if !vpn {
            return Ok((None, body));
        }
        match body.split_first_chunk::<8>() {
            Some((rd, rest)) => Ok((Some(*rd), rest)),
            None => Err(self.fail(
                input,
                Problem::Invalid {
                    what,
                    value: len as u64,
                },
            )),
        }
    }

    /// FlowSpec: length (1 octet below 240, else 2 octets `0xfnnn`), [RD], components.
    fn flowspec(&mut self, input: &'a [u8], path_id: Option<u32>) -> Option<NlriResult<'a>> {
        let (hdr, len) = match input {
            [] => {
                return self.fail(
                    input,
                    Problem::Truncated {
                        what: "FlowSpec NLRI length",
                        needed: 1,
                        available: 0,
                    },
                );
            }
            [b, ..] if *b < 0xf0 => (1, *b as usize),
            [b, c, ..] => (2, (((*b & 0x0f) as usize) << 8) | *c as usize),
            [_] => {
                return self.fail(
                    input,
                    Problem::Truncated {
                        what: "FlowSpec NLRI length",
                        needed: 2,
                        available: 1,
                    },
                );
            }
        };
        let Some(body) = input.get(hdr..hdr + len) else {
            return self.fail(
                input,
                Problem::Truncated {
                    what: "FlowSpec NLRI",
                    needed: len,
                    available: input.len() - hdr,
                },
            );
        };
        let vpn = self.encoding == Encoding::FlowSpecVpn;
        let (rd, components) =
            match self.leading_rd(input, body, vpn, "FlowSpec VPN NLRI length", len) {
                Ok(split) => split,
                Err(failed) => return failed,
            };
        let wire = &input[..hdr + len];
        self.rest = &input[hdr + len..];
        Some(Ok(Nlri {
            path_id,
            kind: NlriKind::FlowSpec {
                v6: self.afi == Afi::IPV6,
                rd,
                components,
                wire,
            },
        }))
    }

    /// BGP-LS: NLRI type (2), length (2), [RD], value.
    fn bgp_ls(&mut self, input: &'a [u8], path_id: Option<u32>) -> Option<NlriResult<'a>> {
        let Some((hdr, body)) = input.split_first_chunk::<4>() else {
            return self.fail(
                input,
                Problem::Truncated {
                    what: "BGP-LS NLRI header",
                    needed: 4,
                    available: input.len(),
                },
            );
        };
        let nlri_type = u16::from_be_bytes([hdr[0], hdr[1]]);
        let len = u16::from_be_bytes([hdr[2], hdr[3]]) as usize;
        let Some(value) = body.get(..len) else {
            return self.fail(
                input,
                Problem::Truncated {
                    what: "BGP-LS NLRI",
                    needed: len,
                    available: body.len(),
                },
            );
        };
        let vpn = self.encoding == Encoding::BgpLsVpn;
        let (rd, value) = match self.leading_rd(input, value, vpn, "BGP-LS VPN NLRI length", len) {
            Ok(split) => split,
            Err(failed) => return failed,
        };
        self.rest = &body[len..];
        Some(Ok(Nlri {
            path_id,
            kind: NlriKind::BgpLs {
                nlri_type,
                rd,
                value,
            },
        }))
    }
}

type NlriResult<'a> = Result<Nlri<'a>, DecodeError<'a>>;

/// How a field decodes with one interpretation: how many elements, and how many of them look
/// like the product of a misparse (see [`suspicious`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Validation {
    /// Elements decoded.
    pub elements: usize,
    /// Elements that a router would not send.
    pub suspicious: usize,
}

/// Whether a prefix looks like what a misparse produces rather than what a router sends: a
/// length of 1-7 (IPv4) or 1-15 (IPv6), or host bits set beyond the length. Reading path IDs as
/// prefixes (or the reverse) yields exactly these: `10.101.0.0/24` with path ID 16777221 read
/// without Add-Path is `0.0.0.0/1`, `0.0.0.0/0`, `24.0.0.0/5`, `101.0.0.0/10`.
pub fn suspicious(p: &Prefix) -> bool {
    let short = if p.v6 { 1..=15 } else { 1..=7 };
    if short.contains(&p.len) {
        return true;
    }
    let full = (p.len / 8) as usize;
    let rem = p.len % 8;
    let width = if p.v6 { 16 } else { 4 };
    let partial = rem != 0 && p.addr[full] & (0xff >> rem) != 0;
    partial
        || p.addr[full + usize::from(rem != 0)..width]
            .iter()
            .any(|&b| b != 0)
}

/// Checks that `field` decodes completely into valid elements with these settings; counts them
/// and the suspicious ones (a default route among other prefixes counts as suspicious too).
pub fn validate(
    field: &[u8],
    family: Family,
    add_path: bool,
    max_labels: u8,
) -> Option<Validation> {
    if encoding(family) == Encoding::Prefix {
        return validate_prefixes(field, family.afi == Afi::IPV6, add_path);
    }
    validate_elements(field, family, add_path, max_labels)
}

/// [`validate`] element by element, for every encoding.
fn validate_elements(
    field: &[u8],
    family: Family,
    add_path: bool,
    max_labels: u8,
) -> Option<Validation> {
    let mut v = Validation {
        elements: 0,
        suspicious: 0,
    };
    let mut defaults = 0;
    for item in NlriIter::new(field, family, add_path, max_labels) {
        let n = item.ok()?;
        v.elements += 1;
        match n.kind {
            NlriKind::Prefix(p)
            | NlriKind::Labeled { prefix: p, .. }
            | NlriKind::Vpn { prefix: p, .. } => {
                if p.len == 0 {
                    defaults += 1;
                } else if suspicious(&p) {
                    v.suspicious += 1;
                }
            }
            NlriKind::Evpn { route_type, value } => {
                super::evpn::decode(route_type, value).ok()?;
            }
            NlriKind::FlowSpec { v6, components, .. } => {
                if !super::flowspec::check(v6, components).ok()? {
                    v.suspicious += 1;
                }
            }
            NlriKind::BgpLs {
                nlri_type, value, ..
            } => {
                super::bgpls::decode(nlri_type, value).ok()?;
            }
            // RFC 6514 §4: route type 0 is not assigned (and is what a misread path id gives).
            NlriKind::McastVpn { route_type: 0, .. } => return None,
            NlriKind::McastVpn { .. } | NlriKind::RtConstraint { .. } | NlriKind::Raw(_) => {}
        }
    }
    if v.elements > 1 {
        v.suspicious += defaults;
    }
    Some(v)
}

/// The elements of a plain-prefix field (unicast, multicast) as octets: (path ID, length in
/// bits, the prefix octets), without building elements. An element that does not frame (cut
/// short, or longer than the address) yields `Err(())` and ends the field. The one-pass paths
/// of [`validate`] and of route keys (`route_id`) read fields with it.
#[derive(Debug, Clone)]
pub struct PlainPrefixes<'a> {
    rest: &'a [u8],
    max_bits: usize,
    add_path: bool,
}

impl<'a> PlainPrefixes<'a> {
    /// The elements of `field`, IPv6 when `v6`, with path IDs when `add_path`.
    pub fn new(field: &'a [u8], v6: bool, add_path: bool) -> Self {
        PlainPrefixes {
            rest: field,
            max_bits: if v6 { 128 } else { 32 },
            add_path,
        }
    }
}

impl<'a> PlainPrefixes<'a> {
    /// The next element and what follows it, or `None` when it does not frame.
    #[allow(clippy::type_complexity)]
    fn element(&self) -> Option<((Option<u32>, u8, &'a [u8]), &'a [u8])> {
        let mut input = self.rest;
        let path_id = if self.add_path {
            let (id, tail) = input.split_first_chunk::<4>()?;
            input = tail;
            Some(u32::from_be_bytes(*id))
        } else {
            None
        };
        let (&bits, tail) = input.split_first()?;
        let n = (bits as usize).div_ceil(8);
        if bits as usize > self.max_bits || tail.len() < n {
            return None;
        }
        let (body, rest) = tail.split_at(n);
        Some(((path_id, bits, body), rest))
    }
}

impl<'a> Iterator for PlainPrefixes<'a> {
    type Item = Result<(Option<u32>, u8, &'a [u8]), ()>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        let element = self.element();
        match element {
            Some((e, rest)) => {
                self.rest = rest;
                Some(Ok(e))
            }
            None => {
                self.rest = &[];
                Some(Err(()))
            }
        }
    }
}

/// [`validate`] for plain prefixes (unicast and multicast), the bulk of every table: the same
/// result in one pass over the octets, without building elements.
fn validate_prefixes(field: &[u8], v6: bool, add_path: bool) -> Option<Validation> {
    let short = if v6 { 15 } else { 7 };
    let mut v = Validation {
        elements: 0,
        suspicious: 0,
    };
    let mut defaults = 0;
    for element in PlainPrefixes::new(field, v6, add_path) {
        let (_, bits, body) = element.ok()?;
        v.elements += 1;
        let rem = bits % 8;
        if bits == 0 {
            defaults += 1;
        } else if bits <= short || (rem != 0 && body[body.len() - 1] & (0xff >> rem) != 0) {
            v.suspicious += 1;
        }
    }
    if v.elements > 1 {
        v.suspicious += defaults;
    }
    Some(v)
}

impl<'a> Iterator for NlriIter<'a> {
    type Item = Result<Nlri<'a>, DecodeError<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done || self.rest.is_empty() {
            return None;
        }
        let start = self.rest;
        let mut input = self.rest;
        if self.encoding == Encoding::Raw {
            self.done = true;
            self.rest = &[];
            return Some(Ok(Nlri {
                path_id: None,
                kind: NlriKind::Raw(input),
            }));
        }
        let path_id = if self.add_path {
            if input.len() < 4 {
                return self.fail(
                    start,
                    Problem::Truncated {
                        what: "NLRI path identifier",
                        needed: 4,
                        available: input.len(),
                    },
                );
            }
            let id = u32::from_be_bytes([input[0], input[1], input[2], input[3]]);
            input = &input[4..];
            Some(id)
        } else {
            None
        };
        match self.encoding {
            Encoding::Evpn | Encoding::McastVpn => return self.typed(input, path_id),
            Encoding::RtConstraint => return self.rt_constraint(input, path_id),
            Encoding::FlowSpec | Encoding::FlowSpecVpn => return self.flowspec(input, path_id),
            Encoding::BgpLs | Encoding::BgpLsVpn => return self.bgp_ls(input, path_id),
            _ => {}
        }
        let Some((&bits, body)) = input.split_first() else {
            return self.fail(
                input,
                Problem::Truncated {
                    what: "NLRI length",
                    needed: 1,
                    available: 0,
                },
            );
        };
        let mut bits = bits as usize;
        let nbytes = bits.div_ceil(8);
        let Some(body) = body.get(..nbytes) else {
            return self.fail(
                input,
                Problem::Truncated {
                    what: "NLRI prefix",
                    needed: nbytes,
                    available: input.len() - 1,
                },
            );
        };
        self.rest = &input[1 + nbytes..];
        let mut body = body;
        let mut labels: &'a [u8] = &[];
        if matches!(self.encoding, Encoding::Labeled | Encoding::Vpn) {
            let mut count = 0usize;
            loop {
                let off = count * 3;
                if body.len() < off + 3 || bits < (off + 3) * 8 {
                    return self.fail(
                        input,
                        Problem::Invalid {
                            what: "NLRI label stack",
                            value: bits as u64,
                        },
                    );
                }
                let third = body[off + 2];
                let withdraw_label =
                    body[off..off + 3] == [0x80, 0, 0] || body[off..off + 3] == [0, 0, 0];
                count += 1;
                if third & 1 == 1 || withdraw_label || count >= self.max_labels as usize {
                    break;
                }
            }
            labels = &body[..count * 3];
            body = &body[count * 3..];
            bits -= count * 24;
        }
        let mut rd = [0u8; 8];
        if self.encoding == Encoding::Vpn {
            if body.len() < 8 || bits < 64 {
                return self.fail(
                    input,
                    Problem::Invalid {
                        what: "VPN NLRI length",
                        value: bits as u64,
                    },
                );
            }
            rd.copy_from_slice(&body[..8]);
            body = &body[8..];
            bits -= 64;
        }
        let v6 = self.afi == Afi::IPV6;
        let max = if v6 { 128 } else { 32 };
        if bits > max {
            return self.fail(
                input,
                Problem::Invalid {
                    what: "prefix length",
                    value: bits as u64,
                },
            );
        }
        let mut addr = [0u8; 16];
        addr[..body.len()].copy_from_slice(body);
        let prefix = Prefix {
            addr,
            len: bits as u8,
            v6,
        };
        let kind = match self.encoding {
            Encoding::Labeled => NlriKind::Labeled { labels, prefix },
            Encoding::Vpn => NlriKind::Vpn { labels, rd, prefix },
            _ => NlriKind::Prefix(prefix),
        };
        Some(Ok(Nlri { path_id, kind }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The checks with the family as numbers, as the cases below are written.
    fn validate(
        field: &[u8],
        afi: u16,
        safi: u8,
        add_path: bool,
        labels: u8,
    ) -> Option<Validation> {
        super::validate(field, Family::new(afi, safi), add_path, labels)
    }

    fn validate_elements(
        field: &[u8],
        afi: u16,
        safi: u8,
        add_path: bool,
        labels: u8,
    ) -> Option<Validation> {
        super::validate_elements(field, Family::new(afi, safi), add_path, labels)
    }

    const AFI_L2VPN: u16 = 25;
    const AFI_BGP_LS: u16 = 16388;

    /// The plain-prefix fast path gives what the element-by-element check gives, on random
    /// fields (mostly well-framed, with random lengths, host bits and truncations).
    #[test]
    fn prefix_fast_path_agrees_with_elements() {
        let mut rng = crate::testkit::workload::XorShift(0x2545_f491_4f6c_dd1d);
        let mut next = move || rng.next_u64();
        for round in 0..20_000 {
            let (afi, add_path) = (if round % 2 == 0 { 1 } else { 2 }, round % 4 >= 2);
            let mut field = Vec::new();
            for _ in 0..next() % 6 {
                if add_path {
                    field.extend_from_slice(&(next() as u32).to_be_bytes());
                }
                let max = if afi == 1 { 33 } else { 129 };
                let bits = (next() % (max + 2)) as u8;
                field.push(bits);
                for _ in 0..(bits as usize).div_ceil(8) {
                    field.push(next() as u8 & if next() % 2 == 0 { 0xf0 } else { 0xff });
                }
            }
            if next() % 5 == 0 && !field.is_empty() {
                let cut = (next() as usize) % field.len();
                field.truncate(cut);
            }
            assert_eq!(
                validate(&field, afi, 1, add_path, 1),
                validate_elements(&field, afi, 1, add_path, 1),
                "{field:?} afi {afi} add_path {add_path}"
            );
        }
    }

    /// A FlowSpec VPN or BGP-LS VPN element too short for its route distinguisher fails with
    /// the family's own problem; one with it yields the RD.
    #[test]
    fn vpn_elements_need_their_route_distinguisher() {
        let problem = |field: &[u8], family| match NlriIter::new(field, family, false, 1).next() {
            Some(Err(e)) => e.problem.to_string(),
            other => panic!("{other:?}"),
        };
        assert!(problem(&[3, 0, 1, 2], Family::new(1, 134)).contains("FlowSpec VPN NLRI length"));
        assert!(
            problem(&[0, 1, 0, 3, 0, 1, 2], Family::new(16388, 72))
                .contains("BGP-LS VPN NLRI length")
        );
        let rd = [0, 0, 0xfd, 0xe8, 0, 0, 0, 1];
        let mut fs = vec![10];
        fs.extend_from_slice(&rd);
        fs.extend_from_slice(&[1, 24]);
        let n = NlriIter::new(&fs, Family::new(1, 134), false, 1).next();
        assert!(
            matches!(n, Some(Ok(Nlri { kind: NlriKind::FlowSpec { rd: Some(r), .. }, .. })) if r == rd),
            "{n:?}"
        );
    }

    fn texts(field: &[u8], afi: u16, safi: u8, ap: bool) -> Vec<String> {
        NlriIter::new(field, Family::new(afi, safi), ap, 1)
            .map(|r| {
                let n = r.unwrap();
                match n.path_id {
                    Some(id) => format!("{} #{id}", n.kind.prefix().unwrap()),
                    None => n.kind.prefix().unwrap().to_string(),
                }
            })
            .collect()
    }

    #[test]
    fn ipv4_prefixes() {
        assert_eq!(
            texts(&[24, 10, 101, 0, 0, 32, 1, 2, 3, 4], 1, 1, false),
            ["10.101.0.0/24", "0.0.0.0/0", "1.2.3.4/32"]
        );
    }

    #[test]
    fn path_ids_above_2_pow_24() {
        // A path id with a non-zero leading octet fools byte-guessing decoders.
        let field = [0x01, 0x00, 0x00, 0x05, 24, 10, 101, 0];
        assert_eq!(texts(&field, 1, 1, true), ["10.101.0.0/24 #16777221"]);
        // Read without Add-Path the same octets frame as 0.0.0.0/1, 0.0.0.0/0, 24.0.0.0/5 and
        // 101.0.0.0/10: valid framing, but /1, /5 and a default route among other prefixes
        // are not what a router sends.
        let misread = validate(&field, 1, 1, false, 1).unwrap();
        assert_eq!(misread.elements, 4);
        assert_eq!(misread.suspicious, 3);
        assert_eq!(validate(&field, 1, 1, true, 1).unwrap().suspicious, 0);
    }

    #[test]
    fn ipv6_prefix_and_overlong_length() {
        assert_eq!(
            texts(&[32, 0x20, 0x01, 0x0d, 0xb8], 2, 1, false),
            ["2001:db8::/32"]
        );
        assert!(
            NlriIter::new(&[33, 1, 2, 3, 4, 5], Family::new(1, 1), false, 1)
                .next()
                .unwrap()
                .is_err()
        );
    }

    #[test]
    fn vpn_route() {
        // label 16000 (BoS), RD 0:65000:1, 10.0.0.0/24 -> 24 + 64 + 24 bits
        let mut field = vec![
            112, 0x03, 0xe8, 0x01, 0, 0, 0xfd, 0xe8, 0, 0, 0, 1, 10, 0, 0,
        ];
        let n = NlriIter::new(&field, Family::new(1, 128), false, 1)
            .next()
            .unwrap()
            .unwrap();
        match n.kind {
            NlriKind::Vpn { labels, rd, prefix } => {
                assert_eq!(label_values(labels).collect::<Vec<_>>(), [16000]);
                assert_eq!(rd_text(&rd), "65000:1");
                assert_eq!(prefix.to_string(), "10.0.0.0/24");
            }
            other => panic!("{other:?}"),
        }
        field[0] = 200;
        assert!(
            NlriIter::new(&field, Family::new(1, 128), false, 1)
                .next()
                .unwrap()
                .is_err()
        );
    }

    #[test]
    fn new_family_framing() {
        // FlowSpec: 1-octet length, then a 2-octet 0xfnnn length.
        let mut field = vec![3, 3, 0x81, 6, 0xf0, 3, 3, 0x81, 17];
        let kinds: Vec<_> = NlriIter::new(&field, Family::new(1, 133), false, 1)
            .map(|r| r.unwrap().kind)
            .collect();
        assert_eq!(kinds.len(), 2);
        assert!(matches!(
            kinds[1],
            NlriKind::FlowSpec {
                components: [3, 0x81, 17],
                ..
            }
        ));
        field.pop();
        assert!(
            NlriIter::new(&field, Family::new(1, 133), false, 1)
                .nth(1)
                .unwrap()
                .is_err()
        );
        // RT-constraint: 0 and 32-96 bits only.
        assert_eq!(
            validate(&[0, 32, 0, 0, 0, 1], 1, 132, false, 1)
                .unwrap()
                .elements,
            2
        );
        assert!(validate(&[8, 1], 1, 132, false, 1).is_none());
        assert!(validate(&[97; 14], 1, 132, false, 1).is_none());
        // BGP-LS: type, length, value; the VPN form needs the RD.
        let ls = [0, 99, 0, 2, 1, 2];
        assert_eq!(validate(&ls, AFI_BGP_LS, 71, false, 1).unwrap().elements, 1);
        assert!(validate(&ls, AFI_BGP_LS, 72, false, 1).is_none());
        assert!(validate(&[0, 1, 0, 2, 1, 2], AFI_BGP_LS, 71, false, 1).is_none());
        // EVPN and MCAST-VPN: route type 0 is not a route.
        assert!(validate(&[0, 0], AFI_L2VPN, 70, false, 1).is_none());
        assert!(validate(&[0, 0], 1, 5, false, 1).is_none());
        assert_eq!(validate(&[1, 1, 9], 1, 5, false, 1).unwrap().elements, 1);
    }

    #[test]
    fn iterator_fuses_after_error() {
        let mut it = NlriIter::new(&[40, 1], Family::new(1, 1), false, 1);
        assert!(it.next().unwrap().is_err());
        assert!(it.next().is_none());
    }
}
