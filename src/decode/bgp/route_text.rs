//! A route (NLRI element) in a few words, for people: the message log's text lines and the
//! churn view's top prefixes. Pure text from decoded fields, no styling.

use crate::decode::bgp::bgpls::{self, BgpLsNlri};
use crate::decode::bgp::evpn::{self, EvpnRoute};
use crate::decode::bgp::flowspec;
use crate::decode::bgp::nlri::{NlriKind, rd_text};
use crate::decode::bgp::rtc;
use crate::decode::bgp::update::Route;

use crate::decode::hex;

/// The route in a few words, without the path id: `10.0.0.0/24`,
/// `[65000:1]10.0.0.0/24`, `evpn:2 [65000:1] mac 00:11:22:33:44:55 ip 192.0.2.1`,
/// `rtc 65000 rt 65000:100`, `flowspec dst 192.0.2.0/24 && proto =6`,
/// `bgp-ls node isis_l2 id 0`, `[ipv4_mcast_vpn 0107…]`.
pub fn short_text(r: &Route<'_>) -> String {
    let raw = |b: &[u8]| format!("[{} {}]", r.family, hex(b));
    match r.nlri.kind {
        NlriKind::Prefix(p) | NlriKind::Labeled { prefix: p, .. } => p.to_string(),
        NlriKind::Vpn { rd, prefix, .. } => format!("[{}]{prefix}", rd_text(&rd)),
        NlriKind::Evpn { route_type, value } => {
            let Ok(e) = evpn::decode(route_type, value) else {
                return format!("evpn:{route_type} raw {}", hex(value));
            };
            let mut s = format!("evpn:{route_type}");
            if let Some(rd) = e.rd() {
                s.push_str(&format!(" [{}]", rd_text(&rd)));
            }
            let tag = |t: u32| {
                if t == 0 {
                    String::new()
                } else {
                    format!(" tag {t}")
                }
            };
            let esi = |e: &evpn::Esi| {
                if e.is_zero() {
                    String::new()
                } else {
                    format!(" esi {e}")
                }
            };
            match e {
                EvpnRoute::EthernetAd {
                    esi: x,
                    ethernet_tag,
                    ..
                } => {
                    s.push_str(&format!(" esi {x}{}", tag(ethernet_tag)));
                }
                EvpnRoute::MacIp {
                    esi: x,
                    ethernet_tag,
                    mac,
                    ip,
                    ..
                } => {
                    s.push_str(&format!("{}{} mac {mac}", esi(&x), tag(ethernet_tag)));
                    if let Some(ip) = ip {
                        s.push_str(&format!(" ip {ip}"));
                    }
                }
                EvpnRoute::InclusiveMulticast {
                    ethernet_tag,
                    originating_ip,
                    ..
                } => s.push_str(&format!("{} orig {originating_ip}", tag(ethernet_tag))),
                EvpnRoute::EthernetSegment {
                    esi: x,
                    originating_ip,
                    ..
                } => s.push_str(&format!(" esi {x} orig {originating_ip}")),
                EvpnRoute::IpPrefix {
                    esi: x,
                    ethernet_tag,
                    prefix,
                    gateway,
                    ..
                } => {
                    s.push_str(&format!("{}{} {prefix}", esi(&x), tag(ethernet_tag)));
                    if !gateway.is_unspecified() {
                        s.push_str(&format!(" gw {gateway}"));
                    }
                }
                EvpnRoute::Other { value, .. } => s.push_str(&format!(" raw {}", hex(value))),
            }
            s
        }
        NlriKind::McastVpn { route_type, value } => {
            format!("mvpn:{route_type} raw {}", hex(value))
        }
        NlriKind::RtConstraint { bits, prefix } => {
            let d = rtc::decode(bits, prefix);
            match (d.origin_as, d.route_target) {
                (None, _) => "rtc default".to_string(),
                (Some(asn), None) => format!("rtc {asn}/{bits}"),
                (Some(asn), Some(rt)) if bits == 96 => {
                    format!("rtc {asn} rt {}", rtc::route_target_text(&rt))
                }
                (Some(asn), Some(rt)) => {
                    format!("rtc {asn} rt {}/{bits}", rtc::route_target_text(&rt))
                }
            }
        }
        NlriKind::FlowSpec {
            v6, rd, components, ..
        } => {
            let rule = flowspec::rule_text(v6, components);
            match rd {
                Some(rd) => format!("flowspec [{}] {rule}", rd_text(&rd)),
                None => format!("flowspec {rule}"),
            }
        }
        NlriKind::BgpLs {
            nlri_type,
            rd,
            value,
        } => {
            let rd = rd.map_or(String::new(), |rd| format!(" [{}]", rd_text(&rd)));
            match bgpls::decode(nlri_type, value) {
                Ok(BgpLsNlri::Known {
                    protocol_id,
                    identifier,
                    ..
                }) => format!(
                    "bgp-ls{rd} {} {} id {identifier}",
                    bgpls::nlri_type_name(nlri_type),
                    bgpls::protocol_name(protocol_id)
                ),
                _ => format!("bgp-ls{rd} type {nlri_type} raw {}", hex(value)),
            }
        }
        NlriKind::Raw(b) => raw(b),
    }
}
