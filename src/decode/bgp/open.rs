//! BGP OPEN (RFC 4271 §4.2, RFC 9072 extended optional parameters) and its capabilities
//! (RFC 5492 and the capability RFCs named on each variant).

use crate::decode::family::Family;
use std::net::Ipv4Addr;

use crate::decode::{DecodeError, Problem, ipv4, take_n, u8_, u16_, u32_, unwrap_err};

/// Optional parameter type: capabilities.
const PARAM_CAPABILITIES: u8 = 2;
/// RFC 9072: a non-extended length of 255 with this type marks the extended format.
const PARAM_EXTENDED: u8 = 255;

/// An OPEN message body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Open<'a> {
    /// BGP version (4).
    pub version: u8,
    /// My Autonomous System (2 octets; 23456 when the real ASN needs 4).
    pub my_as: u16,
    /// Hold time in seconds.
    pub hold_time: u16,
    /// BGP identifier.
    pub bgp_id: Ipv4Addr,
    /// Capabilities from every capabilities parameter, in order.
    pub capabilities: Vec<Capability<'a>>,
    /// Optional parameters other than capabilities: (type, value).
    pub other_params: Vec<(u8, &'a [u8])>,
}

/// One capability.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Capability<'a> {
    /// 1, RFC 4760.
    Multiprotocol {
        /// The family.
        family: Family,
    },
    /// 2, RFC 2918 (and 128, the pre-standard code; 70, enhanced route refresh).
    RouteRefresh {
        /// The code it came with.
        code: u8,
    },
    /// 5, RFC 8950: (NLRI AFI, NLRI SAFI, next-hop AFI).
    ExtendedNextHop(Vec<(u16, u16, u16)>),
    /// 6, RFC 8654.
    ExtendedMessage,
    /// 8, RFC 8277: (family, label count).
    MultipleLabels(Vec<(Family, u8)>),
    /// 9, RFC 9234.
    Role(u8),
    /// 64, RFC 4724.
    GracefulRestart {
        /// Restart flags (4 bits) and restart time (12 bits).
        flags_and_time: u16,
        /// (family, flags).
        families: Vec<(Family, u8)>,
    },
    /// 65, RFC 6793.
    FourOctetAs(u32),
    /// 69, RFC 7911: (family, send/receive).
    AddPath(Vec<(Family, u8)>),
    /// 73, draft-walton-bgp-hostname-capability.
    Fqdn {
        /// Host name.
        host: String,
        /// Domain name.
        domain: String,
    },
    /// Anything else, or a known code whose value did not parse: kept raw.
    Other {
        /// Capability code.
        code: u8,
        /// Value.
        value: &'a [u8],
    },
}

impl Capability<'_> {
    /// The capability code.
    pub fn code(&self) -> u8 {
        match self {
            Capability::Multiprotocol { .. } => 1,
            Capability::RouteRefresh { code } => *code,
            Capability::ExtendedNextHop(_) => 5,
            Capability::ExtendedMessage => 6,
            Capability::MultipleLabels(_) => 8,
            Capability::Role(_) => 9,
            Capability::GracefulRestart { .. } => 64,
            Capability::FourOctetAs(_) => 65,
            Capability::AddPath(_) => 69,
            Capability::Fqdn { .. } => 73,
            Capability::Other { code, .. } => *code,
        }
    }
}

impl Open<'_> {
    /// The 4-octet ASN from capability 65, if advertised.
    pub fn four_octet_as(&self) -> Option<u32> {
        self.capabilities.iter().find_map(|c| match c {
            Capability::FourOctetAs(asn) => Some(*asn),
            _ => None,
        })
    }

    /// The speaker's ASN: capability 65 if present, else my-AS.
    pub fn asn(&self) -> u32 {
        self.four_octet_as().unwrap_or(self.my_as as u32)
    }

    /// The Add-Path send/receive value advertised for a family (0 if none).
    pub fn add_path_mode(&self, family: Family) -> u8 {
        self.capabilities
            .iter()
            .filter_map(|c| match c {
                Capability::AddPath(v) => Some(v),
                _ => None,
            })
            .flatten()
            .find(|(f, _)| *f == family)
            .map_or(0, |(_, m)| *m)
    }

    /// Every family with an Add-Path entry, and its send/receive value.
    pub fn add_path_families(&self) -> impl Iterator<Item = (Family, u8)> + '_ {
        self.capabilities
            .iter()
            .filter_map(|c| match c {
                Capability::AddPath(v) => Some(v.iter().copied()),
                _ => None,
            })
            .flatten()
    }

    /// Whether capability 6 was advertised.
    pub fn extended_message(&self) -> bool {
        self.capabilities
            .iter()
            .any(|c| matches!(c, Capability::ExtendedMessage))
    }

    /// Label count from the multiple-labels capability for a family (1 when absent).
    pub fn label_count(&self, family: Family) -> u8 {
        self.capabilities
            .iter()
            .filter_map(|c| match c {
                Capability::MultipleLabels(v) => Some(v),
                _ => None,
            })
            .flatten()
            .find(|(f, _)| *f == family)
            .map_or(1, |(_, n)| (*n).max(1))
    }
}

/// Parses an OPEN body.
pub fn parse(body: &[u8]) -> Result<Open<'_>, DecodeError<'_>> {
    let (rest, version) = u8_(body, "OPEN version").map_err(unwrap_err)?;
    let (rest, my_as) = u16_(rest, "OPEN my AS").map_err(unwrap_err)?;
    let (rest, hold_time) = u16_(rest, "OPEN hold time").map_err(unwrap_err)?;
    let (rest, bgp_id) = ipv4(rest, "OPEN BGP identifier").map_err(unwrap_err)?;
    let (rest, short_len) = u8_(rest, "OPEN optional parameters length").map_err(unwrap_err)?;
    // RFC 9072: length 255 and a first parameter type of 255 announce 2-octet lengths.
    let extended = short_len == 255 && rest.first() == Some(&PARAM_EXTENDED);
    let (params, params_len) = if extended {
        let (r, _) = u8_(rest, "OPEN extended parameters marker").map_err(unwrap_err)?;
        let (r, len) = u16_(r, "OPEN extended parameters length").map_err(unwrap_err)?;
        (r, len as usize)
    } else {
        (rest, short_len as usize)
    };
    let (trailing, mut params) =
        take_n(params, params_len, "OPEN optional parameters").map_err(unwrap_err)?;
    if !trailing.is_empty() {
        return Err(DecodeError::new(
            trailing,
            Problem::Trailing {
                what: "OPEN",
                count: trailing.len(),
            },
        ));
    }
    let mut capabilities = Vec::new();
    let mut other_params = Vec::new();
    while !params.is_empty() {
        let (r, ptype) = u8_(params, "OPEN parameter type").map_err(unwrap_err)?;
        let (r, plen) = if extended {
            let (r, l) = u16_(r, "OPEN parameter length").map_err(unwrap_err)?;
            (r, l as usize)
        } else {
            let (r, l) = u8_(r, "OPEN parameter length").map_err(unwrap_err)?;
            (r, l as usize)
        };
        let (r, value) = take_n(r, plen, "OPEN parameter value").map_err(unwrap_err)?;
        if ptype == PARAM_CAPABILITIES {
            parse_capabilities(value, &mut capabilities)?;
        } else {
            other_params.push((ptype, value));
        }
        params = r;
    }
    Ok(Open {
        version,
        my_as,
        hold_time,
        bgp_id,
        capabilities,
        other_params,
    })
}

fn parse_capabilities<'a>(
    mut input: &'a [u8],
    out: &mut Vec<Capability<'a>>,
) -> Result<(), DecodeError<'a>> {
    while !input.is_empty() {
        let (r, code) = u8_(input, "capability code").map_err(unwrap_err)?;
        let (r, len) = u8_(r, "capability length").map_err(unwrap_err)?;
        let (r, value) = take_n(r, len as usize, "capability value").map_err(unwrap_err)?;
        out.push(capability(code, value));
        input = r;
    }
    Ok(())
}

/// Decodes one capability value; a value that does not fit its code's layout is kept raw.
pub fn capability(code: u8, value: &[u8]) -> Capability<'_> {
    let raw = Capability::Other { code, value };
    let be16 = |b: &[u8]| u16::from_be_bytes([b[0], b[1]]);
    match code {
        1 if value.len() == 4 => Capability::Multiprotocol {
            family: Family::new(be16(value), value[3]),
        },
        2 | 70 | 128 if value.is_empty() => Capability::RouteRefresh { code },
        5 if value.len() % 6 == 0 => Capability::ExtendedNextHop(
            value
                .chunks_exact(6)
                .map(|c| (be16(c), be16(&c[2..]), be16(&c[4..])))
                .collect(),
        ),
        6 if value.is_empty() => Capability::ExtendedMessage,
        8 if value.len() % 4 == 0 => Capability::MultipleLabels(
            value
                .chunks_exact(4)
                .map(|c| (Family::new(be16(c), c[2]), c[3]))
                .collect(),
        ),
        9 if value.len() == 1 => Capability::Role(value[0]),
        64 if value.len() >= 2 && (value.len() - 2) % 4 == 0 => Capability::GracefulRestart {
            flags_and_time: be16(value),
            families: value[2..]
                .chunks_exact(4)
                .map(|c| (Family::new(be16(c), c[2]), c[3]))
                .collect(),
        },
        65 if value.len() == 4 => match u32_(value, "4-octet AS") {
            Ok((_, asn)) => Capability::FourOctetAs(asn),
            Err(_) => raw,
        },
        69 if value.len() % 4 == 0 => Capability::AddPath(
            value
                .chunks_exact(4)
                .map(|c| (Family::new(be16(c), c[2]), c[3]))
                .collect(),
        ),
        73 => fqdn(value).unwrap_or(raw),
        _ => raw,
    }
}

fn fqdn(value: &[u8]) -> Option<Capability<'_>> {
    let (&hl, rest) = value.split_first()?;
    let host = rest.get(..hl as usize)?;
    let rest = &rest[hl as usize..];
    let (&dl, rest) = rest.split_first()?;
    let domain = rest.get(..dl as usize)?;
    if rest.len() != dl as usize {
        return None;
    }
    Some(Capability::Fqdn {
        host: String::from_utf8_lossy(host).into_owned(),
        domain: String::from_utf8_lossy(domain).into_owned(),
    })
}
