//! PMSI_TUNNEL attribute (type 22, RFC 6514 §5): flags (1), tunnel type (1), MPLS label (3),
//! tunnel identifier (the rest).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::decode::Problem;

/// Flag: leaf information required.
pub const FLAG_LEAF_INFO_REQUIRED: u8 = 0x01;

/// Tunnel type: ingress replication, whose identifier is the unicast tunnel endpoint.
pub const INGRESS_REPLICATION: u8 = 6;

/// A PMSI_TUNNEL value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PmsiTunnel<'a> {
    /// Flags octet.
    pub flags: u8,
    /// Tunnel type.
    pub tunnel_type: u8,
    /// The 3-octet label field as sent. MPLS carries the label in its high-order 20 bits;
    /// EVPN over VXLAN (RFC 8365) puts a 24-bit VNI in the whole field.
    pub label_field: u32,
    /// Tunnel identifier.
    pub tunnel_id: &'a [u8],
}

impl PmsiTunnel<'_> {
    /// The MPLS label (high-order 20 bits of the label field).
    pub fn label(&self) -> u32 {
        self.label_field >> 4
    }

    /// Whether the leaf-information-required flag is set.
    pub fn leaf_info_required(&self) -> bool {
        self.flags & FLAG_LEAF_INFO_REQUIRED != 0
    }

    /// The tunnel identifier as text: an address for ingress replication, sender and group
    /// for the PIM types when the lengths fit, otherwise hex.
    pub fn tunnel_id_text(&self) -> String {
        let id = self.tunnel_id;
        match (self.tunnel_type, id.len()) {
            (INGRESS_REPLICATION, 4 | 16) => ip(id).to_string(),
            (3..=5, 8) => format!("{},{}", ip(&id[..4]), ip(&id[4..])),
            (3..=5, 32) => format!("{},{}", ip(&id[..16]), ip(&id[16..])),
            _ => crate::decode::hex(id),
        }
    }
}

fn ip(b: &[u8]) -> IpAddr {
    if b.len() == 4 {
        IpAddr::V4(Ipv4Addr::new(b[0], b[1], b[2], b[3]))
    } else {
        let mut a = [0u8; 16];
        a.copy_from_slice(b);
        IpAddr::V6(Ipv6Addr::from(a))
    }
}

/// Tunnel type names (RFC 6514 §5, RFC 7524, RFC 6625 registries).
pub fn tunnel_type_name(t: u8) -> &'static str {
    match t {
        0 => "no_tunnel_information",
        1 => "rsvp_te_p2mp",
        2 => "mldp_p2mp",
        3 => "pim_ssm",
        4 => "pim_sm",
        5 => "bidir_pim",
        6 => "ingress_replication",
        7 => "mldp_mp2mp",
        _ => "unknown",
    }
}

/// Parses a PMSI_TUNNEL value; at least the 5 fixed octets. An ingress replication tunnel
/// identifier must be an IPv4 or IPv6 address.
pub fn parse(v: &[u8]) -> Result<PmsiTunnel<'_>, Problem> {
    if v.len() < 5 {
        return Err(Problem::Truncated {
            what: "PMSI_TUNNEL",
            needed: 5,
            available: v.len(),
        });
    }
    let t = PmsiTunnel {
        flags: v[0],
        tunnel_type: v[1],
        label_field: u32::from_be_bytes([0, v[2], v[3], v[4]]),
        tunnel_id: &v[5..],
    };
    if t.tunnel_type == INGRESS_REPLICATION && !matches!(t.tunnel_id.len(), 4 | 16) {
        return Err(Problem::Invalid {
            what: "PMSI_TUNNEL ingress replication endpoint length",
            value: t.tunnel_id.len() as u64,
        });
    }
    Ok(t)
}
