//! An IP prefix as NLRI carry it: the type every NLRI decoder (plain, labeled, VPN, EVPN,
//! FlowSpec) builds its routes from.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

/// An IPv4 or IPv6 prefix, stored inline.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Prefix {
    /// Address octets; IPv4 uses the first 4.
    pub addr: [u8; 16],
    /// Prefix length in bits.
    pub len: u8,
    /// Whether this is IPv6.
    pub v6: bool,
}

impl Prefix {
    /// The address as text-ready `IpAddr`.
    pub fn ip(&self) -> std::net::IpAddr {
        if self.v6 {
            Ipv6Addr::from(self.addr).into()
        } else {
            Ipv4Addr::new(self.addr[0], self.addr[1], self.addr[2], self.addr[3]).into()
        }
    }
}

impl fmt::Display for Prefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.ip(), self.len)
    }
}

impl fmt::Debug for Prefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}
