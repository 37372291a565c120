//! The routes of an UPDATE: one object per NLRI element.
//!
//! Keys of a route object:
//! - every family: `family` (`ipv4_unicast`, `l2vpn_evpn`, `ipv4_flowspec`, …), `decoded`
//!   (how the field was read: `negotiated`, `assumed`, `fallback:…`), `path_id` (only with
//!   Add-Path).
//! - unicast / multicast: `prefix`. Labeled unicast: `prefix`, `labels` (20-bit values).
//!   VPN: `prefix`, `rd`, `labels`.
//! - EVPN (`l2vpn_evpn`): `evpn_route_type` (number), `evpn_route` (`ethernet_ad`, `mac_ip`,
//!   `inclusive_multicast`, `ethernet_segment`, `ip_prefix`, or the IANA name of another type),
//!   `rd`, `esi` (10 octets as colon hex) and `esi_type`, `ethernet_tag`, `mac`, `ip` (type 2,
//!   when present), `originating_ip` (types 3 and 4), `prefix` and `gateway` (type 5),
//!   `labels` (20-bit MPLS label values; label1 then label2) and `label_fields` (the whole
//!   24-bit fields, which carry the VNI with VXLAN, RFC 8365). Route types other than 1-5:
//!   `raw` (hex of the value).
//! - MCAST-VPN (`ipv4_mcast_vpn`): `mvpn_route_type`, `raw` (hex of the value).
//! - RT-constraint (`ipv4_rt_constraint`): `prefix_len` (bits), `origin_as` (when the length
//!   covers it), `route_target` (`asn:nn`, `ip:nn`, `asn4:nn` or hex; zero-padded beyond
//!   `prefix_len`), `default: true` for length 0.
//! - FlowSpec (`ipv4_flowspec`, `ipv6_flowspec`, `…_flowspec_vpn`): `rule` (text, e.g.
//!   `dst 192.0.2.0/24 && proto =6 && dport >=1024&<=2048`), `components` (array of
//!   `{type, name, prefix[, offset]}` or `{type, name, ops: [{op, and, value[, not]}], text}`,
//!   or `{type, name: "unknown", raw}` for a component type not decoded, which ends the
//!   decoding), `rd` (SAFI 134), `raw` (hex of the whole NLRI as sent, length included).
//! - BGP-LS (`bgp_ls`, `bgp_ls_vpn`): `nlri_type`, `nlri_type_name` (`node`, `link`,
//!   `ipv4_prefix`, `ipv6_prefix`, `sr_policy`, `srv6_sid`, `unknown`), `protocol_id`,
//!   `protocol` (`isis_l1`, `isis_l2`, `ospfv2`, `direct`, `static`, `ospfv3`, `bgp`, …),
//!   `identifier`, `descriptors` (hex of the descriptor TLVs), `rd` (SAFI 72); an NLRI type
//!   not decoded: `raw`.
//! - any other family: `raw` (hex of the whole field).

use std::net::IpAddr;

use serde::{Serialize, Serializer};

use super::{HexText, Shown, family, hex};
use crate::decode::bgp::bgpls::{self, BgpLsNlri};
use crate::decode::bgp::evpn::{self, Esi, EvpnRoute, Mac};
use crate::decode::bgp::flowspec::{self, Component, Op};
use crate::decode::bgp::nlri::{NlriKind, Rd, label_values};
use crate::decode::bgp::prefix::Prefix;
use crate::decode::bgp::rtc;
use crate::decode::bgp::update::{Plan, Route, Update};
use crate::decode::family::Family;

/// The announced or the withdrawn routes of an UPDATE, decoded as they are written.
pub(crate) struct Routes<'a> {
    update: &'a Update<'a>,
    plan: &'a Plan<'a>,
    withdrawn: bool,
}

impl<'a> Routes<'a> {
    pub(crate) fn announced(update: &'a Update<'a>, plan: &'a Plan<'a>) -> Self {
        Routes {
            update,
            plan,
            withdrawn: false,
        }
    }

    pub(crate) fn withdrawn(update: &'a Update<'a>, plan: &'a Plan<'a>) -> Self {
        Routes {
            update,
            plan,
            withdrawn: true,
        }
    }
}

impl Serialize for Routes<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.withdrawn {
            s.collect_seq(self.plan.withdrawn_routes(self.update).map(RouteJson::new))
        } else {
            s.collect_seq(self.plan.announced_routes(self.update).map(RouteJson::new))
        }
    }
}

/// One route.
#[derive(Serialize)]
struct RouteJson<'a> {
    family: Shown<Family>,
    #[serde(skip_serializing_if = "Option::is_none")]
    path_id: Option<u32>,
    #[serde(flatten)]
    nlri: NlriJson<'a>,
    decoded: &'static str,
}

impl<'a> RouteJson<'a> {
    fn new(r: Route<'a>) -> Self {
        RouteJson {
            family: family(r.family),
            path_id: r.nlri.path_id,
            nlri: NlriJson::new(r.nlri.kind),
            decoded: r.how.label(),
        }
    }
}

/// The fields of a route by the kind of its NLRI.
#[derive(Serialize)]
#[serde(untagged)]
enum NlriJson<'a> {
    Prefix {
        prefix: Shown<Prefix>,
    },
    Labeled {
        prefix: Shown<Prefix>,
        labels: Labels<'a>,
    },
    Vpn {
        prefix: Shown<Prefix>,
        rd: Shown<Rd>,
        labels: Labels<'a>,
    },
    Evpn(EvpnJson<'a>),
    McastVpn {
        mvpn_route_type: u8,
        raw: HexText<'a>,
    },
    RtConstraint {
        prefix_len: u8,
        #[serde(skip_serializing_if = "Option::is_none")]
        default: Option<bool>,
        #[serde(skip_serializing_if = "Option::is_none")]
        origin_as: Option<u32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        route_target: Option<String>,
    },
    FlowSpec {
        #[serde(skip_serializing_if = "Option::is_none")]
        rd: Option<Shown<Rd>>,
        rule: String,
        components: FlowSpecComponents<'a>,
        raw: HexText<'a>,
    },
    BgpLs(BgpLsJson<'a>),
    Raw {
        raw: HexText<'a>,
    },
}

impl<'a> NlriJson<'a> {
    fn new(kind: NlriKind<'a>) -> Self {
        match kind {
            NlriKind::Prefix(p) => NlriJson::Prefix { prefix: Shown(p) },
            NlriKind::Labeled { labels, prefix } => NlriJson::Labeled {
                prefix: Shown(prefix),
                labels: Labels(labels),
            },
            NlriKind::Vpn { labels, rd, prefix } => NlriJson::Vpn {
                prefix: Shown(prefix),
                rd: Shown(Rd(rd)),
                labels: Labels(labels),
            },
            NlriKind::Evpn { route_type, value } => {
                NlriJson::Evpn(EvpnJson::new(route_type, value))
            }
            NlriKind::McastVpn { route_type, value } => NlriJson::McastVpn {
                mvpn_route_type: route_type,
                raw: hex(value),
            },
            NlriKind::RtConstraint { bits, prefix } => {
                let d = rtc::decode(bits, prefix);
                NlriJson::RtConstraint {
                    prefix_len: bits,
                    default: (bits == 0).then_some(true),
                    origin_as: d.origin_as,
                    route_target: d.route_target.as_ref().map(rtc::route_target_text),
                }
            }
            NlriKind::FlowSpec {
                v6,
                rd,
                components,
                wire,
            } => NlriJson::FlowSpec {
                rd: rd.map(|rd| Shown(Rd(rd))),
                rule: flowspec::rule_text(v6, components),
                components: FlowSpecComponents { v6, components },
                raw: hex(wire),
            },
            NlriKind::BgpLs {
                nlri_type,
                rd,
                value,
            } => NlriJson::BgpLs(BgpLsJson::new(nlri_type, rd, value)),
            NlriKind::Raw(b) => NlriJson::Raw { raw: hex(b) },
        }
    }
}

/// A label stack as its 20-bit label values.
struct Labels<'a>(&'a [u8]);

impl Serialize for Labels<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(label_values(self.0))
    }
}

/// A label stack as its whole 24-bit fields (a VNI with VXLAN).
struct LabelFields<'a>(&'a [u8]);

impl Serialize for LabelFields<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(
            self.0
                .chunks_exact(3)
                .map(|c| u32::from_be_bytes([0, c[0], c[1], c[2]])),
        )
    }
}

/// An EVPN route: its type, then the fields of that type (or its value as hex when it does
/// not decode), then its labels.
#[derive(Serialize)]
struct EvpnJson<'a> {
    evpn_route_type: u8,
    evpn_route: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rd: Option<Shown<Rd>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    esi: Option<Shown<Esi>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    esi_type: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ethernet_tag: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mac: Option<Shown<Mac>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ip: Option<IpAddr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    originating_ip: Option<IpAddr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    prefix: Option<Shown<Prefix>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    gateway: Option<IpAddr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    raw: Option<HexText<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    labels: Option<Labels<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    label_fields: Option<LabelFields<'a>>,
}

impl<'a> EvpnJson<'a> {
    fn new(route_type: u8, value: &'a [u8]) -> Self {
        let mut j = EvpnJson {
            evpn_route_type: route_type,
            evpn_route: evpn::route_type_name(route_type),
            rd: None,
            esi: None,
            esi_type: None,
            ethernet_tag: None,
            mac: None,
            ip: None,
            originating_ip: None,
            prefix: None,
            gateway: None,
            raw: None,
            labels: None,
            label_fields: None,
        };
        let Ok(r) = evpn::decode(route_type, value) else {
            j.raw = Some(hex(value));
            return j;
        };
        j.rd = r.rd().map(|rd| Shown(Rd(rd)));
        let mut esi = |e: Esi| {
            j.esi = Some(Shown(e));
            j.esi_type = Some(e.esi_type());
        };
        match r {
            EvpnRoute::EthernetAd {
                esi: e,
                ethernet_tag,
                ..
            } => {
                esi(e);
                j.ethernet_tag = Some(ethernet_tag);
            }
            EvpnRoute::MacIp {
                esi: e,
                ethernet_tag,
                mac,
                ip,
                ..
            } => {
                esi(e);
                j.ethernet_tag = Some(ethernet_tag);
                j.mac = Some(Shown(mac));
                j.ip = ip;
            }
            EvpnRoute::InclusiveMulticast {
                ethernet_tag,
                originating_ip,
                ..
            } => {
                j.ethernet_tag = Some(ethernet_tag);
                j.originating_ip = Some(originating_ip);
            }
            EvpnRoute::EthernetSegment {
                esi: e,
                originating_ip,
                ..
            } => {
                esi(e);
                j.originating_ip = Some(originating_ip);
            }
            EvpnRoute::IpPrefix {
                esi: e,
                ethernet_tag,
                prefix,
                gateway,
                ..
            } => {
                esi(e);
                j.ethernet_tag = Some(ethernet_tag);
                j.prefix = Some(Shown(prefix));
                j.gateway = Some(gateway);
            }
            EvpnRoute::Other { value, .. } => j.raw = Some(hex(value)),
        }
        let labels = r.labels();
        if !labels.is_empty() {
            j.labels = Some(Labels(labels));
            j.label_fields = Some(LabelFields(labels));
        }
        j
    }
}

/// The components of a FlowSpec rule.
struct FlowSpecComponents<'a> {
    v6: bool,
    components: &'a [u8],
}

impl Serialize for FlowSpecComponents<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(
            flowspec::components(self.v6, self.components)
                .map_while(Result::ok)
                .map(|c| ComponentJson::new(c, self.v6)),
        )
    }
}

/// A FlowSpec component: type and name, then a prefix, operators, or the undecoded rest.
#[derive(Serialize)]
struct ComponentJson<'a> {
    #[serde(rename = "type")]
    component_type: u8,
    name: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    prefix: Option<Shown<Prefix>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    offset: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ops: Option<OpsJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    raw: Option<HexText<'a>>,
}

impl<'a> ComponentJson<'a> {
    fn new(c: Component<'a>, v6: bool) -> Self {
        let mut j = ComponentJson {
            component_type: c.ctype(),
            name: flowspec::component_name(c.ctype(), v6),
            prefix: None,
            offset: None,
            ops: None,
            text: None,
            raw: None,
        };
        match c {
            Component::Prefix { prefix, offset, .. } => {
                j.prefix = Some(Shown(prefix));
                j.offset = v6.then_some(offset);
            }
            Component::Numeric { ctype, ops } | Component::Bitmask { ctype, ops } => {
                let bitmask = matches!(c, Component::Bitmask { .. });
                j.ops = Some(OpsJson { ops, bitmask });
                j.text = Some(flowspec::ops_text(ctype, bitmask, ops));
            }
            Component::Unknown { rest, .. } => j.raw = Some(hex(rest)),
        }
        j
    }
}

/// The operator/value pairs of a numeric or bitmask component.
struct OpsJson<'a> {
    ops: &'a [u8],
    bitmask: bool,
}

impl Serialize for OpsJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(flowspec::ops(self.ops).map(|op| OpJson::new(op, self.bitmask)))
    }
}

/// One operator/value pair; `not` only for bitmask operators.
#[derive(Serialize)]
struct OpJson {
    op: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    not: Option<bool>,
    and: bool,
    value: u64,
}

impl OpJson {
    fn new(op: Op, bitmask: bool) -> Self {
        if bitmask {
            OpJson {
                op: if op.op & flowspec::OP_MATCH != 0 {
                    "match"
                } else {
                    "any"
                },
                not: Some(op.op & flowspec::OP_NOT != 0),
                and: op.and(),
                value: op.value,
            }
        } else {
            OpJson {
                op: op.numeric_text(),
                not: None,
                and: op.and(),
                value: op.value,
            }
        }
    }
}

/// A BGP-LS NLRI: its type, then its protocol, identifier and descriptors, or its value as hex
/// when the type is not decoded.
#[derive(Serialize)]
struct BgpLsJson<'a> {
    nlri_type: u16,
    nlri_type_name: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rd: Option<Shown<Rd>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    protocol_id: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    protocol: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    identifier: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    descriptors: Option<HexText<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    raw: Option<HexText<'a>>,
}

impl<'a> BgpLsJson<'a> {
    fn new(nlri_type: u16, rd: Option<[u8; 8]>, value: &'a [u8]) -> Self {
        let mut j = BgpLsJson {
            nlri_type,
            nlri_type_name: bgpls::nlri_type_name(nlri_type),
            rd: rd.map(|rd| Shown(Rd(rd))),
            protocol_id: None,
            protocol: None,
            identifier: None,
            descriptors: None,
            raw: None,
        };
        match bgpls::decode(nlri_type, value) {
            Ok(BgpLsNlri::Known {
                protocol_id,
                identifier,
                descriptors,
                ..
            }) => {
                j.protocol_id = Some(protocol_id);
                j.protocol = Some(bgpls::protocol_name(protocol_id));
                j.identifier = Some(identifier);
                j.descriptors = Some(hex(descriptors));
            }
            Ok(BgpLsNlri::Other { value, .. }) => j.raw = Some(hex(value)),
            Err(_) => j.raw = Some(hex(value)),
        }
        j
    }
}
