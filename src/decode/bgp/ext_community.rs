//! Extended communities: the 8-octet values of EXTENDED_COMMUNITIES (RFC 4360, RFC 7153) and the
//! 20-octet values of IPv6_ADDRESS_SPECIFIC_EXTENDED_COMMUNITIES (RFC 5701).
//!
//! [`describe`] names the ones routers commonly send and gives each a value and a text form;
//! anything else is `None` and stays raw. Type and sub-type codes follow the IANA "BGP Extended
//! Communities" registries:
//!
//! | type | sub-type | meaning | text |
//! |---|---|---|---|
//! | 0x00/0x01/0x02 | 0x02 | route target (2-octet AS, IPv4, 4-octet AS) | `rt:65000:100` |
//! | 0x00/0x01/0x02 | 0x03 | route origin / site of origin | `soo:192.0.2.1:7` |
//! | 0x00/0x01/0x02 | 0x05 | OSPF domain identifier (RFC 4577) | `ospf-domain:65000:0` |
//! | 0x00/0x02 | 0x09 | source AS (RFC 6514) | `source-as:65000` |
//! | 0x01 | 0x07 | OSPF router ID (RFC 4577) | `ospf-router-id:192.0.2.1` |
//! | 0x01 | 0x0b | VRF route import (RFC 6514) | `rt-import:192.0.2.1:7` |
//! | 0x00/0x40 | 0x04 | link bandwidth (IEEE float, bytes/s) | `link-bw:65000:125000000` |
//! | 0x03 | 0x06 | OSPF route type (RFC 4577) | `ospf-route-type:0.0.0.0:5:0` |
//! | 0x03 | 0x0b | color (RFC 9012) | `color:100` |
//! | 0x03 | 0x0c | encapsulation (RFC 9012) | `encap:vxlan` |
//! | 0x03 | 0x0d | default gateway (RFC 7432 §7.8) | `default-gateway` |
//! | 0x43 | 0x00 | origin validation state (RFC 8097) | `ov:valid` |
//! | 0x06 | 0x00 | EVPN MAC mobility (RFC 7432) | `mac-mobility:seq=5,sticky` |
//! | 0x06 | 0x01 | EVPN ESI label (RFC 7432) | `esi-label:100,all-active` |
//! | 0x06 | 0x02 | EVPN ES-import route target | `es-import:00:11:22:33:44:55` |
//! | 0x06 | 0x03 | EVPN router's MAC (RFC 9135) | `router-mac:00:11:22:33:44:55` |
//! | 0x06 | 0x04 | EVPN layer 2 attributes (RFC 8214) | `l2-attr:mtu=1500,flags=0x0000` |
//! | 0x80 | 0x06 / 0x0c | flowspec traffic-rate bytes / packets (RFC 8955) | `traffic-rate:0:1000` |
//! | 0x80 | 0x07 | flowspec traffic-action | `traffic-action:sample,terminal` |
//! | 0x80/0x81/0x82 | 0x08 | flowspec redirect (2-octet AS, IPv4, 4-octet AS) | `redirect:65000:100` |
//! | 0x80 | 0x09 | flowspec traffic-marking (DSCP) | `traffic-marking:46` |
//!
//! The 0x40/0x41/0x42 (non-transitive) forms of route target and route origin decode like their
//! transitive counterparts. Note that the EVPN sub-type 0x0d is "EVI-RT Type 3" (RFC 9251) in
//! the registry; the default gateway community is the opaque one, 0x03/0x0d.

use std::net::{Ipv4Addr, Ipv6Addr};

/// A named extended community.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Described {
    /// Kind, a snake_case name such as `route_target`.
    pub kind: &'static str,
    /// The value without the kind prefix, e.g. `65000:100`.
    pub value: String,
    /// Text form with a short prefix, e.g. `rt:65000:100`.
    pub text: String,
}

fn described(kind: &'static str, prefix: &str, value: String) -> Option<Described> {
    let text = if value.is_empty() {
        prefix.to_string()
    } else {
        format!("{prefix}:{value}")
    };
    Some(Described { kind, value, text })
}

fn be16(b: &[u8]) -> u16 {
    u16::from_be_bytes([b[0], b[1]])
}

fn be32(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

fn mac(b: &[u8]) -> String {
    b.iter()
        .map(|x| format!("{x:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// Global and local administrator of an AS- or IPv4-specific value (6 octets after the type
/// and sub-type): 2-octet AS + 4-octet local, IPv4 + 2-octet local, 4-octet AS + 2-octet local.
/// `low` is the type with the transitive bit cleared.
fn admin_local(low: u8, v: &[u8]) -> Option<String> {
    Some(match low {
        0x00 => format!("{}:{}", be16(v), be32(&v[2..])),
        0x01 => format!(
            "{}:{}",
            Ipv4Addr::new(v[0], v[1], v[2], v[3]),
            be16(&v[4..])
        ),
        0x02 => format!("{}:{}", be32(v), be16(&v[4..])),
        _ => return None,
    })
}

/// Tunnel types of the BGP Tunnel Encapsulation registry (RFC 9012, RFC 8365).
pub fn tunnel_type_name(t: u16) -> Option<&'static str> {
    Some(match t {
        1 => "l2tpv3",
        2 => "gre",
        7 => "ip-in-ip",
        8 => "vxlan",
        9 => "nvgre",
        10 => "mpls",
        11 => "mpls-in-gre",
        12 => "vxlan-gpe",
        13 => "mpls-in-udp",
        14 => "ipv6-tunnel",
        15 => "sr-policy",
        16 => "bare",
        17 => "sr-tunnel",
        18 => "cloud-security",
        19 => "geneve",
        20 => "any-encapsulation",
        21 => "gtp",
        22 => "dps",
        _ => return None,
    })
}

/// Names an 8-octet extended community, or `None` to keep it raw.
pub fn describe(c: &[u8; 8]) -> Option<Described> {
    let (t, st, v) = (c[0], c[1], &c[2..]);
    let low = t & !0x40;
    match (t, st) {
        (0x00 | 0x01 | 0x02 | 0x40 | 0x41 | 0x42, 0x02) => {
            described("route_target", "rt", admin_local(low, v)?)
        }
        (0x00 | 0x01 | 0x02 | 0x40 | 0x41 | 0x42, 0x03) => {
            described("route_origin", "soo", admin_local(low, v)?)
        }
        (0x00..=0x02, 0x05) => described("ospf_domain_id", "ospf-domain", admin_local(low, v)?),
        (0x00, 0x09) => described("source_as", "source-as", be16(v).to_string()),
        (0x02, 0x09) => described("source_as", "source-as", be32(v).to_string()),
        (0x01, 0x07) => described(
            "ospf_router_id",
            "ospf-router-id",
            Ipv4Addr::new(v[0], v[1], v[2], v[3]).to_string(),
        ),
        (0x01, 0x0b) => described("vrf_route_import", "rt-import", admin_local(0x01, v)?),
        (0x00 | 0x40, 0x04) => {
            let bw = f32::from_bits(be32(&v[2..]));
            described("link_bandwidth", "link-bw", format!("{}:{bw}", be16(v)))
        }
        (0x03, 0x06) => described(
            "ospf_route_type",
            "ospf-route-type",
            format!(
                "{}:{}:{}",
                Ipv4Addr::new(v[0], v[1], v[2], v[3]),
                v[4],
                v[5]
            ),
        ),
        (0x03, 0x0b) => described("color", "color", be32(&v[2..]).to_string()),
        (0x03, 0x0c) => {
            let tt = be16(&v[4..]);
            let name = tunnel_type_name(tt).map_or_else(|| tt.to_string(), str::to_string);
            described("encapsulation", "encap", name)
        }
        (0x03, 0x0d) => described("default_gateway", "default-gateway", String::new()),
        (0x43, 0x00) => {
            let state = match v[5] {
                0 => "valid".to_string(),
                1 => "not-found".to_string(),
                2 => "invalid".to_string(),
                n => n.to_string(),
            };
            described("origin_validation", "ov", state)
        }
        (0x06, 0x00) => {
            let sticky = if v[0] & 0x01 != 0 { ",sticky" } else { "" };
            described(
                "mac_mobility",
                "mac-mobility",
                format!("seq={}{sticky}", be32(&v[2..])),
            )
        }
        (0x06, 0x01) => {
            let mode = if v[0] & 0x01 != 0 {
                "single-active"
            } else {
                "all-active"
            };
            let label = u32::from_be_bytes([0, v[3], v[4], v[5]]) >> 4;
            described("esi_label", "esi-label", format!("{label},{mode}"))
        }
        (0x06, 0x02) => described("es_import_route_target", "es-import", mac(v)),
        (0x06, 0x03) => described("router_mac", "router-mac", mac(v)),
        (0x06, 0x04) => described(
            "l2_attributes",
            "l2-attr",
            format!("mtu={},flags=0x{:04x}", be16(&v[2..]), be16(v)),
        ),
        (0x80, 0x06) | (0x80, 0x0c) => {
            let rate = f32::from_bits(be32(&v[2..]));
            let kind = if st == 0x06 {
                "traffic_rate_bytes"
            } else {
                "traffic_rate_packets"
            };
            described(kind, "traffic-rate", format!("{}:{rate}", be16(v)))
        }
        (0x80, 0x07) => {
            let mut flags = Vec::new();
            if v[5] & 0x02 != 0 {
                flags.push("sample");
            }
            if v[5] & 0x01 != 0 {
                flags.push("terminal");
            }
            let value = if flags.is_empty() {
                "none".to_string()
            } else {
                flags.join(",")
            };
            described("traffic_action", "traffic-action", value)
        }
        (0x80, 0x08) => described("redirect", "redirect", admin_local(0x00, v)?),
        (0x81, 0x08) => described("redirect", "redirect", admin_local(0x01, v)?),
        (0x82, 0x08) => described("redirect", "redirect", admin_local(0x02, v)?),
        (0x80, 0x09) => described(
            "traffic_marking",
            "traffic-marking",
            (v[5] & 0x3f).to_string(),
        ),
        _ => None,
    }
}

/// Names a 20-octet IPv6 address-specific extended community (RFC 5701): type, sub-type,
/// IPv6 global administrator, 2-octet local administrator.
pub fn describe_v6(c: &[u8; 20]) -> Option<Described> {
    let (t, st) = (c[0], c[1]);
    let mut a = [0u8; 16];
    a.copy_from_slice(&c[2..18]);
    let value = format!("[{}]:{}", Ipv6Addr::from(a), be16(&c[18..]));
    match (t & !0x40, st) {
        (0x00, 0x02) => described("route_target", "rt", value),
        (0x00, 0x03) => described("route_origin", "soo", value),
        (0x00, 0x0b) => described("vrf_route_import", "rt-import", value),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_targets_of_all_three_kinds() {
        let rt2 = [0x00, 0x02, 0xfd, 0xe8, 0, 0, 0, 100];
        assert_eq!(describe(&rt2).unwrap().text, "rt:65000:100");
        let soo4 = [0x01, 0x03, 192, 0, 2, 1, 0, 7];
        assert_eq!(describe(&soo4).unwrap().text, "soo:192.0.2.1:7");
        let rt4 = [0x02, 0x02, 0xfa, 0x56, 0xea, 0x00, 0, 9];
        let d = describe(&rt4).unwrap();
        assert_eq!((d.kind, d.value.as_str()), ("route_target", "4200000000:9"));
    }

    #[test]
    fn unknown_stays_raw() {
        assert_eq!(describe(&[0x3f, 0x77, 1, 2, 3, 4, 5, 6]), None);
    }
}
