//! EVPN route values (RFC 7432 §7, RFC 9136 §3 for type 5), decoded from the borrowed
//! `NlriKind::Evpn` value without allocating. Route types 1-5 are decoded strictly (exact
//! lengths); any other type is returned as [`EvpnRoute::Other`] with its raw value.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::prefix::Prefix;
use crate::decode::Problem;

/// Ethernet Auto-Discovery route.
pub const ETHERNET_AD: u8 = 1;
/// MAC/IP Advertisement route.
pub const MAC_IP: u8 = 2;
/// Inclusive Multicast Ethernet Tag route.
pub const INCLUSIVE_MULTICAST: u8 = 3;
/// Ethernet Segment route.
pub const ETHERNET_SEGMENT: u8 = 4;
/// IP Prefix route (RFC 9136).
pub const IP_PREFIX: u8 = 5;

/// Ethernet Segment Identifier (10 octets: type, value).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Esi(pub [u8; 10]);

impl Esi {
    /// ESI type (first octet, RFC 7432 §5).
    pub fn esi_type(&self) -> u8 {
        self.0[0]
    }

    /// Whether this is the all-zero ESI (single-homed).
    pub fn is_zero(&self) -> bool {
        self.0 == [0; 10]
    }
}

impl fmt::Display for Esi {
    /// Colon-separated hex octets: `00:11:22:33:44:55:66:77:88:99`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        colon_hex(f, &self.0)
    }
}

impl fmt::Debug for Esi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// A MAC address.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Mac(pub [u8; 6]);

impl fmt::Display for Mac {
    /// `00:11:22:33:44:55`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        colon_hex(f, &self.0)
    }
}

impl fmt::Debug for Mac {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

fn colon_hex(f: &mut fmt::Formatter<'_>, b: &[u8]) -> fmt::Result {
    for (i, x) in b.iter().enumerate() {
        if i > 0 {
            f.write_str(":")?;
        }
        write!(f, "{x:02x}")?;
    }
    Ok(())
}

/// A decoded EVPN route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvpnRoute<'a> {
    /// Type 1: RD, ESI, Ethernet tag, MPLS label.
    EthernetAd {
        /// Route distinguisher.
        rd: [u8; 8],
        /// Ethernet segment.
        esi: Esi,
        /// Ethernet tag.
        ethernet_tag: u32,
        /// One label (3 octets).
        labels: &'a [u8],
    },
    /// Type 2: RD, ESI, Ethernet tag, MAC, optional IP, one or two labels.
    MacIp {
        /// Route distinguisher.
        rd: [u8; 8],
        /// Ethernet segment.
        esi: Esi,
        /// Ethernet tag.
        ethernet_tag: u32,
        /// MAC address.
        mac: Mac,
        /// IP address (IP length 32 or 128), if any.
        ip: Option<IpAddr>,
        /// Label1 and optionally label2 (3 octets each).
        labels: &'a [u8],
    },
    /// Type 3: RD, Ethernet tag, originating router's IP.
    InclusiveMulticast {
        /// Route distinguisher.
        rd: [u8; 8],
        /// Ethernet tag.
        ethernet_tag: u32,
        /// Originating router's IP address.
        originating_ip: IpAddr,
    },
    /// Type 4: RD, ESI, originating router's IP.
    EthernetSegment {
        /// Route distinguisher.
        rd: [u8; 8],
        /// Ethernet segment.
        esi: Esi,
        /// Originating router's IP address.
        originating_ip: IpAddr,
    },
    /// Type 5 (RFC 9136): RD, ESI, Ethernet tag, IP prefix, gateway IP, label.
    IpPrefix {
        /// Route distinguisher.
        rd: [u8; 8],
        /// Ethernet segment.
        esi: Esi,
        /// Ethernet tag.
        ethernet_tag: u32,
        /// The prefix.
        prefix: Prefix,
        /// Gateway IP address (same family as the prefix; unspecified when none).
        gateway: IpAddr,
        /// One label (3 octets).
        labels: &'a [u8],
    },
    /// Any other route type: kept raw.
    Other {
        /// Route type.
        route_type: u8,
        /// Route value.
        value: &'a [u8],
    },
}

/// Name of an EVPN route type (IANA "EVPN Route Types").
pub fn route_type_name(route_type: u8) -> &'static str {
    match route_type {
        1 => "ethernet_ad",
        2 => "mac_ip",
        3 => "inclusive_multicast",
        4 => "ethernet_segment",
        5 => "ip_prefix",
        6 => "selective_multicast",
        7 => "multicast_join_synch",
        8 => "multicast_leave_synch",
        9 => "per_region_i_pmsi_ad",
        10 => "s_pmsi_ad",
        11 => "leaf_ad",
        _ => "unknown",
    }
}

impl<'a> EvpnRoute<'a> {
    /// The route type.
    pub fn route_type(&self) -> u8 {
        match self {
            EvpnRoute::EthernetAd { .. } => ETHERNET_AD,
            EvpnRoute::MacIp { .. } => MAC_IP,
            EvpnRoute::InclusiveMulticast { .. } => INCLUSIVE_MULTICAST,
            EvpnRoute::EthernetSegment { .. } => ETHERNET_SEGMENT,
            EvpnRoute::IpPrefix { .. } => IP_PREFIX,
            EvpnRoute::Other { route_type, .. } => *route_type,
        }
    }

    /// The route distinguisher (all decoded types carry one).
    pub fn rd(&self) -> Option<[u8; 8]> {
        match self {
            EvpnRoute::EthernetAd { rd, .. }
            | EvpnRoute::MacIp { rd, .. }
            | EvpnRoute::InclusiveMulticast { rd, .. }
            | EvpnRoute::EthernetSegment { rd, .. }
            | EvpnRoute::IpPrefix { rd, .. } => Some(*rd),
            EvpnRoute::Other { .. } => None,
        }
    }

    /// The label stack (3 octets per label), empty for types without labels.
    pub fn labels(&self) -> &'a [u8] {
        match self {
            EvpnRoute::EthernetAd { labels, .. }
            | EvpnRoute::MacIp { labels, .. }
            | EvpnRoute::IpPrefix { labels, .. } => labels,
            _ => &[],
        }
    }
}

/// Little cursor over the value; every read is length-checked.
struct Cur<'a> {
    rest: &'a [u8],
    what: &'static str,
}

impl<'a> Cur<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], Problem> {
        if self.rest.len() < n {
            return Err(Problem::Truncated {
                what: self.what,
                needed: n,
                available: self.rest.len(),
            });
        }
        let (a, b) = self.rest.split_at(n);
        self.rest = b;
        Ok(a)
    }

    fn arr<const N: usize>(&mut self) -> Result<[u8; N], Problem> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }

    fn u32(&mut self) -> Result<u32, Problem> {
        Ok(u32::from_be_bytes(self.arr()?))
    }

    fn u8(&mut self) -> Result<u8, Problem> {
        Ok(self.take(1)?[0])
    }

    /// An IP address of exactly 4 or 16 octets.
    fn ip(&mut self, octets: usize) -> Result<IpAddr, Problem> {
        match octets {
            4 => Ok(Ipv4Addr::from(self.arr::<4>()?).into()),
            16 => Ok(Ipv6Addr::from(self.arr::<16>()?).into()),
            n => Err(Problem::Invalid {
                what: self.what,
                value: n as u64,
            }),
        }
    }

    fn end(&self) -> Result<(), Problem> {
        if self.rest.is_empty() {
            Ok(())
        } else {
            Err(Problem::Trailing {
                what: self.what,
                count: self.rest.len(),
            })
        }
    }
}

/// An IP length field in bits: 32 or 128 (or 0 when `zero_ok`), as octets.
fn ip_len(bits: u8, zero_ok: bool, what: &'static str) -> Result<usize, Problem> {
    match bits {
        0 if zero_ok => Ok(0),
        32 => Ok(4),
        128 => Ok(16),
        v => Err(Problem::Invalid {
            what,
            value: v.into(),
        }),
    }
}

/// Decodes the value of an EVPN route of `route_type`. Types 1-5 must have exactly their RFC
/// layout; type 0 (reserved; what a path identifier read as a route looks like) is invalid;
/// other types are returned raw.
pub fn decode(route_type: u8, value: &[u8]) -> Result<EvpnRoute<'_>, Problem> {
    let mut c = Cur {
        rest: value,
        what: "EVPN route",
    };
    let r = match route_type {
        ETHERNET_AD => {
            c.what = "EVPN Ethernet A-D route";
            let rd = c.arr()?;
            let esi = Esi(c.arr()?);
            let ethernet_tag = c.u32()?;
            let labels = c.take(3)?;
            EvpnRoute::EthernetAd {
                rd,
                esi,
                ethernet_tag,
                labels,
            }
        }
        MAC_IP => {
            c.what = "EVPN MAC/IP route";
            let rd = c.arr()?;
            let esi = Esi(c.arr()?);
            let ethernet_tag = c.u32()?;
            let mac_len = c.u8()?;
            if mac_len != 48 {
                return Err(Problem::Invalid {
                    what: "EVPN MAC address length",
                    value: mac_len.into(),
                });
            }
            let mac = Mac(c.arr()?);
            let ip_octets = ip_len(c.u8()?, true, "EVPN IP address length")?;
            let ip = match ip_octets {
                0 => None,
                n => Some(c.ip(n)?),
            };
            let labels = match c.rest.len() {
                3 | 6 => c.take(c.rest.len())?,
                n => {
                    return Err(Problem::Invalid {
                        what: "EVPN MAC/IP route label octets",
                        value: n as u64,
                    });
                }
            };
            EvpnRoute::MacIp {
                rd,
                esi,
                ethernet_tag,
                mac,
                ip,
                labels,
            }
        }
        INCLUSIVE_MULTICAST => {
            c.what = "EVPN Inclusive Multicast route";
            let rd = c.arr()?;
            let ethernet_tag = c.u32()?;
            let n = ip_len(c.u8()?, false, "EVPN originating router IP length")?;
            let originating_ip = c.ip(n)?;
            EvpnRoute::InclusiveMulticast {
                rd,
                ethernet_tag,
                originating_ip,
            }
        }
        ETHERNET_SEGMENT => {
            c.what = "EVPN Ethernet Segment route";
            let rd = c.arr()?;
            let esi = Esi(c.arr()?);
            let n = ip_len(c.u8()?, false, "EVPN originating router IP length")?;
            let originating_ip = c.ip(n)?;
            EvpnRoute::EthernetSegment {
                rd,
                esi,
                originating_ip,
            }
        }
        IP_PREFIX => {
            // RFC 9136 §3.1: the family follows from the total length (34 or 58 octets).
            c.what = "EVPN IP Prefix route";
            let v6 = match value.len() {
                34 => false,
                58 => true,
                n => {
                    return Err(Problem::Invalid {
                        what: "EVPN IP Prefix route length",
                        value: n as u64,
                    });
                }
            };
            let rd = c.arr()?;
            let esi = Esi(c.arr()?);
            let ethernet_tag = c.u32()?;
            let len = c.u8()?;
            let width = if v6 { 16 } else { 4 };
            if len > width * 8 {
                return Err(Problem::Invalid {
                    what: "EVPN IP prefix length",
                    value: len.into(),
                });
            }
            let mut addr = [0u8; 16];
            addr[..width as usize].copy_from_slice(c.take(width as usize)?);
            let gateway = c.ip(width as usize)?;
            let labels = c.take(3)?;
            EvpnRoute::IpPrefix {
                rd,
                esi,
                ethernet_tag,
                prefix: Prefix { addr, len, v6 },
                gateway,
                labels,
            }
        }
        0 => {
            return Err(Problem::Invalid {
                what: "EVPN route type",
                value: 0,
            });
        }
        _ => {
            return Ok(EvpnRoute::Other { route_type, value });
        }
    };
    c.end()?;
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    const RD: [u8; 8] = [0, 0, 0xfd, 0xe8, 0, 0, 0, 1];

    #[test]
    fn mac_ip_with_two_labels() {
        let mut v = RD.to_vec();
        v.extend([0; 10]);
        v.extend([
            0, 0, 0, 100, 48, 0, 0x11, 0x22, 0x33, 0x44, 0x55, 32, 192, 0, 2, 1,
        ]);
        v.extend([0, 0x64, 1, 0, 0xc8, 1]);
        let r = decode(2, &v).unwrap();
        let EvpnRoute::MacIp {
            mac,
            ip,
            ethernet_tag,
            labels,
            ..
        } = r
        else {
            panic!("{r:?}");
        };
        assert_eq!(mac.to_string(), "00:11:22:33:44:55");
        assert_eq!(ip.unwrap().to_string(), "192.0.2.1");
        assert_eq!(ethernet_tag, 100);
        assert_eq!(labels.len(), 6);
        // a third label, or a missing one, does not decode
        v.extend([0, 0, 1]);
        assert!(decode(2, &v).is_err());
        v.truncate(v.len() - 9);
        assert!(decode(2, &v).is_err());
    }

    #[test]
    fn ip_prefix_lengths() {
        let mut v = RD.to_vec();
        v.extend([0; 14]);
        v.extend([24, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
        assert_eq!(v.len(), 34);
        match decode(5, &v).unwrap() {
            EvpnRoute::IpPrefix {
                prefix, gateway, ..
            } => {
                assert_eq!(prefix.to_string(), "10.0.0.0/24");
                assert_eq!(gateway.to_string(), "0.0.0.0");
            }
            other => panic!("{other:?}"),
        }
        assert!(decode(5, &v[..33]).is_err());
        v[22] = 33;
        assert!(decode(5, &v).is_err());
    }

    #[test]
    fn other_types_raw() {
        assert_eq!(
            decode(9, &[1, 2]).unwrap(),
            EvpnRoute::Other {
                route_type: 9,
                value: &[1, 2]
            }
        );
        assert!(decode(3, &[1, 2]).is_err());
        assert!(decode(0, &[]).is_err());
    }
}
