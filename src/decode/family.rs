//! Address families: AFI (IANA "Address Family Numbers"), SAFI (IANA "Subsequent Address
//! Family Identifiers") and the pair. Total: an unknown value is kept and shown as a number.
//!
//! Text forms, the same everywhere (JSON, text, `--afi`): an AFI is `ipv4`, `ipv6`, `l2vpn`,
//! `bgp_ls`, else its number; a family is `<afi>_<safi>` (`ipv4_unicast`, `ipv6_vpn`,
//! `l2vpn_evpn`; `bgp_ls` and `bgp_ls_vpn` for BGP-LS), else `afi_<n>_safi_<m>`.

use std::fmt;
use std::str::FromStr;

/// An address family identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Afi(pub u16);

impl Afi {
    /// IPv4.
    pub const IPV4: Afi = Afi(1);
    /// IPv6.
    pub const IPV6: Afi = Afi(2);
    /// L2VPN (RFC 4761, EVPN).
    pub const L2VPN: Afi = Afi(25);
    /// BGP-LS (RFC 9552).
    pub const BGP_LS: Afi = Afi(16388);

    const NAMES: [(Afi, &'static str); 4] = [
        (Afi::IPV4, "ipv4"),
        (Afi::IPV6, "ipv6"),
        (Afi::L2VPN, "l2vpn"),
        (Afi::BGP_LS, "bgp_ls"),
    ];

    /// Its name, when bmpctl knows it.
    pub fn name(self) -> Option<&'static str> {
        Self::NAMES
            .iter()
            .find(|(a, _)| *a == self)
            .map(|(_, n)| *n)
    }
}

impl fmt::Display for Afi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => f.write_str(n),
            None => write!(f, "{}", self.0),
        }
    }
}

/// A subsequent address family identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Safi(pub u8);

impl Safi {
    /// Unicast.
    pub const UNICAST: Safi = Safi(1);
    /// Multicast.
    pub const MULTICAST: Safi = Safi(2);
    /// Labeled unicast (RFC 8277).
    pub const LABELED_UNICAST: Safi = Safi(4);
    /// MCAST-VPN (RFC 6514).
    pub const MCAST_VPN: Safi = Safi(5);
    /// VPLS (RFC 4761).
    pub const VPLS: Safi = Safi(65);
    /// EVPN (RFC 7432).
    pub const EVPN: Safi = Safi(70);
    /// BGP-LS (RFC 9552).
    pub const BGP_LS: Safi = Safi(71);
    /// BGP-LS VPN.
    pub const BGP_LS_VPN: Safi = Safi(72);
    /// SR TE policy.
    pub const SR_TE_POLICY: Safi = Safi(73);
    /// MPLS-labeled VPN (RFC 4364).
    pub const VPN: Safi = Safi(128);
    /// Multicast VPN.
    pub const VPN_MULTICAST: Safi = Safi(129);
    /// Route target constraint (RFC 4684).
    pub const RT_CONSTRAINT: Safi = Safi(132);
    /// FlowSpec (RFC 8955).
    pub const FLOWSPEC: Safi = Safi(133);
    /// FlowSpec VPN.
    pub const FLOWSPEC_VPN: Safi = Safi(134);

    const NAMES: [(Safi, &'static str); 14] = [
        (Safi::UNICAST, "unicast"),
        (Safi::MULTICAST, "multicast"),
        (Safi::LABELED_UNICAST, "labeled_unicast"),
        (Safi::MCAST_VPN, "mcast_vpn"),
        (Safi::VPLS, "vpls"),
        (Safi::EVPN, "evpn"),
        (Safi::BGP_LS, "bgp_ls"),
        (Safi::BGP_LS_VPN, "bgp_ls_vpn"),
        (Safi::SR_TE_POLICY, "sr_te_policy"),
        (Safi::VPN, "vpn"),
        (Safi::VPN_MULTICAST, "vpn_multicast"),
        (Safi::RT_CONSTRAINT, "rt_constraint"),
        (Safi::FLOWSPEC, "flowspec"),
        (Safi::FLOWSPEC_VPN, "flowspec_vpn"),
    ];

    /// Its name, when bmpctl knows it.
    pub fn name(self) -> Option<&'static str> {
        Self::NAMES
            .iter()
            .find(|(s, _)| *s == self)
            .map(|(_, n)| *n)
    }
}

impl fmt::Display for Safi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => f.write_str(n),
            None => write!(f, "{}", self.0),
        }
    }
}

/// An AFI and SAFI together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Family {
    /// Address family.
    pub afi: Afi,
    /// Subsequent address family.
    pub safi: Safi,
}

impl Family {
    /// IPv4 unicast: the family of an UPDATE's own withdrawn routes and NLRI fields
    /// (RFC 4271).
    pub const IPV4_UNICAST: Family = Family {
        afi: Afi::IPV4,
        safi: Safi::UNICAST,
    };
    /// IPv6 unicast.
    pub const IPV6_UNICAST: Family = Family {
        afi: Afi::IPV6,
        safi: Safi::UNICAST,
    };
    /// IPv4 labeled unicast (RFC 8277).
    pub const IPV4_LABELED_UNICAST: Family = Family {
        afi: Afi::IPV4,
        safi: Safi::LABELED_UNICAST,
    };
    /// IPv6 labeled unicast (RFC 8277).
    pub const IPV6_LABELED_UNICAST: Family = Family {
        afi: Afi::IPV6,
        safi: Safi::LABELED_UNICAST,
    };
    /// IPv4 MPLS-labeled VPN (RFC 4364).
    pub const IPV4_VPN: Family = Family {
        afi: Afi::IPV4,
        safi: Safi::VPN,
    };
    /// IPv6 MPLS-labeled VPN (RFC 4659).
    pub const IPV6_VPN: Family = Family {
        afi: Afi::IPV6,
        safi: Safi::VPN,
    };

    /// From the wire's numbers.
    pub const fn new(afi: u16, safi: u8) -> Self {
        Family {
            afi: Afi(afi),
            safi: Safi(safi),
        }
    }
}

/// `ipv4_unicast`, `bgp_ls`, `afi_99_safi_1`.
impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.afi.name(), self.safi.name()) {
            (Some("bgp_ls"), Some(s @ ("bgp_ls" | "bgp_ls_vpn"))) => f.write_str(s),
            (Some(a), Some(s)) => write!(f, "{a}_{s}"),
            _ => write!(f, "afi_{}_safi_{}", self.afi.0, self.safi.0),
        }
    }
}

impl serde::Serialize for Family {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// What `--afi` selects: a whole address family, or one family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FamilyMatch {
    /// Every SAFI of an AFI (`ipv4`).
    Afi(Afi),
    /// One AFI and SAFI (`ipv4_unicast`).
    Family(Family),
}

impl FamilyMatch {
    /// Whether routes of `family` are selected.
    pub fn matches(self, family: Family) -> bool {
        match self {
            FamilyMatch::Afi(a) => family.afi == a,
            FamilyMatch::Family(f) => family == f,
        }
    }
}

impl fmt::Display for FamilyMatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FamilyMatch::Afi(a) => a.fmt(f),
            FamilyMatch::Family(fam) => fam.fmt(f),
        }
    }
}

/// Parses the text forms only (as JSON writes them): `ipv4`, `ipv4_unicast`,
/// `afi_25_safi_70`; anything else, in any other case, is an error.
impl FromStr for FamilyMatch {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        if let Some((a, _)) = Afi::NAMES.iter().find(|(_, n)| *n == s) {
            return Ok(FamilyMatch::Afi(*a));
        }
        if let Some(f) = known_family(s).or_else(|| numbered_family(s)) {
            return Ok(FamilyMatch::Family(f));
        }
        Err(format!(
            "'{s}' is not an address family: use ipv4, ipv6, l2vpn, bgp_ls, or a family as JSON \
             writes it, such as ipv4_unicast, ipv6_vpn, l2vpn_evpn, ipv4_flowspec, or afi_N_safi_M"
        ))
    }
}

/// A family with a name: every known AFI with every known SAFI.
fn known_family(s: &str) -> Option<Family> {
    Afi::NAMES.iter().find_map(|(a, _)| {
        Safi::NAMES.iter().find_map(|(sf, _)| {
            let f = Family { afi: *a, safi: *sf };
            (f.to_string() == s).then_some(f)
        })
    })
}

/// `afi_N_safi_M`.
fn numbered_family(s: &str) -> Option<Family> {
    let rest = s.strip_prefix("afi_")?;
    let (afi, safi) = rest.split_once("_safi_")?;
    let f = Family::new(afi.parse().ok()?, safi.parse().ok()?);
    // Only the spelling JSON would write: a named family is written by its name.
    (f.to_string() == s).then_some(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_numbers() {
        assert_eq!(Family::new(1, 1).to_string(), "ipv4_unicast");
        for (f, text) in [
            (Family::IPV4_UNICAST, "ipv4_unicast"),
            (Family::IPV6_UNICAST, "ipv6_unicast"),
            (Family::IPV4_LABELED_UNICAST, "ipv4_labeled_unicast"),
            (Family::IPV6_LABELED_UNICAST, "ipv6_labeled_unicast"),
            (Family::IPV4_VPN, "ipv4_vpn"),
            (Family::IPV6_VPN, "ipv6_vpn"),
        ] {
            assert_eq!(f.to_string(), text);
        }
        assert_eq!(Family::new(2, 128).to_string(), "ipv6_vpn");
        assert_eq!(Family::new(25, 70).to_string(), "l2vpn_evpn");
        assert_eq!(Family::new(16388, 71).to_string(), "bgp_ls");
        assert_eq!(Family::new(16388, 72).to_string(), "bgp_ls_vpn");
        assert_eq!(Family::new(99, 1).to_string(), "afi_99_safi_1");
        assert_eq!(Family::new(1, 250).to_string(), "afi_1_safi_250");
        assert_eq!(Afi(7).to_string(), "7");
        assert_eq!(Safi(250).to_string(), "250");
    }

    #[test]
    fn every_family_the_json_names_parses_back() {
        for afi in [1u16, 2, 25, 16388, 99] {
            for safi in [
                1u8, 2, 4, 5, 65, 70, 71, 72, 73, 128, 129, 132, 133, 134, 250,
            ] {
                let f = Family::new(afi, safi);
                let parsed = f.to_string().parse::<FamilyMatch>();
                // A few spellings are shared (`bgp_ls` is an AFI and a family; BGP-LS with
                // SAFI 128 is written `bgp_ls_vpn` too): the text comes back the same.
                assert_eq!(parsed.map(|m| m.to_string()), Ok(f.to_string()), "{f}");
            }
        }
        assert_eq!("ipv6".parse(), Ok(FamilyMatch::Afi(Afi::IPV6)));
    }

    #[test]
    fn other_spellings_are_refused() {
        for bad in [
            "ipv5",
            "IPv4",
            "ipv4-unicast",
            "",
            "afi_1_safi_1",
            "afi_x_safi_1",
            "unicast",
        ] {
            assert!(bad.parse::<FamilyMatch>().is_err(), "{bad}");
        }
    }

    #[test]
    fn a_whole_afi_matches_its_families_only() {
        let v4 = FamilyMatch::Afi(Afi::IPV4);
        assert!(v4.matches(Family::new(1, 128)));
        assert!(!v4.matches(Family::new(2, 1)));
        assert!(FamilyMatch::Family(Family::new(2, 1)).matches(Family::new(2, 1)));
    }
}
