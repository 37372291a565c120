//! The message log for people: one line per message with its essentials, findings highlighted,
//! and with `-v` every route and attribute on indented lines. Colour comes from the `colored`
//! crate, which the caller switches on or off once.

use colored::Colorize;
use serde::Serialize;

use super::json::attributes::AttributesJson;
use super::sanitize::for_terminal;
use crate::decode::bgp::attributes::Attributes;
use crate::decode::bgp::update::Route;
use crate::decode::bgp::{self, BgpMessage};
use crate::decode::bmp::Body;
use crate::decode::bmp::header::PeerHeader;
use crate::decode::bmp::mirroring::MirrorValue;
use crate::decode::bmp::peer_down::Reason;
use crate::decode::bmp::stats::StatValue;
use crate::decode::codes;
use crate::event::{Decoded, StreamCtx};
use crate::finding::{Finding, Severity};

/// Prefixes shown on a Route Monitoring line before "…".
const PREFIXES_SHOWN: usize = 3;

fn time_text(ctx: &StreamCtx<'_>, d: &Decoded<'_>) -> String {
    ctx.observed
        .or_else(|| d.msg.peer().and_then(PeerHeader::time))
        .map_or_else(|| "-".to_string(), |t| t.to_string())
}

fn route_text(r: &Route<'_>) -> String {
    let mut s = crate::decode::bgp::route_text::short_text(r);
    if let Some(id) = r.nlri.path_id {
        s.push_str(&format!("#{id}"));
    }
    s
}

/// One message as text: a line, plus detail lines when `verbose`.
pub fn message(ctx: &StreamCtx<'_>, d: &Decoded<'_>, verbose: bool) -> String {
    let m = &d.msg;
    let kind = m.header.msg_type.name();
    let peer = m.peer().map_or_else(
        || "-".to_string(),
        |p| {
            if p.is_loc_rib() {
                match p.distinguisher {
                    [0, 0, 0, 0, 0, 0, 0, 0] => format!("loc-rib AS{}", p.asn),
                    _ => format!("loc-rib AS{} rd {}", p.asn, p.distinguisher_text()),
                }
            } else {
                format!("{} AS{}", p.address(), p.asn)
            }
        },
    );
    let rib = m.peer().map_or("-", |p| p.rib().short());
    let mut detail: String;
    let mut extra = Vec::new();
    match &m.body {
        Body::RouteMonitoring(..) => match &d.update {
            Some((u, plan)) => {
                let (mut ann, mut wd) = (Vec::new(), Vec::new());
                for r in plan.routes(u) {
                    let t = route_text(&r);
                    if verbose {
                        extra.push(format!(
                            "{} {t} ({})",
                            if r.withdrawn { "-" } else { "+" },
                            r.how.label()
                        ));
                    }
                    if r.withdrawn { wd.push(t) } else { ann.push(t) }
                }
                detail = format!("+{} -{}", ann.len(), wd.len());
                let shown: Vec<&String> =
                    ann.iter().chain(wd.iter()).take(PREFIXES_SHOWN).collect();
                if !shown.is_empty() {
                    detail.push(' ');
                    detail.push_str(
                        &shown
                            .iter()
                            .map(|s| s.as_str())
                            .collect::<Vec<_>>()
                            .join(" "),
                    );
                    if ann.len() + wd.len() > PREFIXES_SHOWN {
                        detail.push_str(" …");
                    }
                }
                if let Some(family) = u.end_of_rib() {
                    detail = format!("End-of-RIB {family}");
                }
                if verbose {
                    attribute_lines(&Attributes::decode(u, plan.four_octet_as), &mut extra);
                }
            }
            None => detail = "BGP message not decoded (see finding)".into(),
        },
        Body::StatisticsReport(_, r) => {
            let parts: Vec<String> = r
                .stats
                .iter()
                .map(|s| {
                    let v = match s.value {
                        StatValue::Counter(n) => n.to_string(),
                        StatValue::Gauge(n) => n.to_string(),
                        StatValue::AfiSafiGauge { family, value } => format!("{value} ({family})"),
                        StatValue::Raw(b) => format!("0x{}", crate::decode::hex(b)),
                    };
                    format!("[{}] {}={v}", s.stat_type, codes::stat_name(s.stat_type))
                })
                .collect();
            detail = format!("{} stats", parts.len());
            if verbose {
                extra = parts;
            } else if let Some(first) = parts.first() {
                detail.push_str(&format!(": {first}"));
                if parts.len() > 1 {
                    detail.push_str(" …");
                }
            }
        }
        Body::PeerDown(_, down) => {
            let code = down.reason.code();
            detail = format!("reason {code}: {}", codes::peer_down_reason_name(code));
            match &down.reason {
                Reason::FsmEvent(e) => {
                    detail.push_str(&format!(" (FSM event {e}: {})", codes::fsm_event_name(*e)))
                }
                Reason::Notification { pdu, .. } => {
                    if let Ok(BgpMessage::Notification(n)) = bgp::decode_pdu(pdu) {
                        detail.push_str(&format!(
                            ": {} / {}",
                            codes::notification_code_name(n.code),
                            codes::notification_subcode_name(n.code, n.subcode)
                        ));
                        if let Some(text) = n.shutdown_communication() {
                            detail.push_str(&format!(" \"{}\"", for_terminal(&text)));
                        }
                    }
                }
                Reason::Tlvs(t) => {
                    for tlv in t {
                        detail.push_str(&format!(
                            " {}=\"{}\"",
                            codes::peer_up_tlv_name(tlv.tlv_type),
                            for_terminal(&tlv.text())
                        ));
                    }
                }
                _ => {}
            }
        }
        Body::PeerUp(_, up) => {
            detail = format!(
                "local {} port {} remote port {}",
                up.local_address, up.local_port, up.remote_port
            );
            if let Some((s, r)) = d.opens.as_deref() {
                detail.push_str(&format!(" hold {}", r.hold_time.min(s.hold_time)));
                if verbose {
                    for (name, o) in [("sent", s), ("received", r)] {
                        let caps: Vec<String> =
                            o.capabilities.iter().map(capability_text).collect();
                        extra.push(format!(
                            "{name} OPEN: AS{} hold {} id {} caps {}",
                            o.asn(),
                            o.hold_time,
                            o.bgp_id,
                            caps.join(",")
                        ));
                    }
                }
            }
            for t in &up.information {
                detail.push_str(&format!(
                    " {}=\"{}\"",
                    codes::peer_up_tlv_name(t.tlv_type),
                    for_terminal(&t.text())
                ));
            }
        }
        Body::Initiation(tlvs) | Body::Termination(tlvs) => {
            let term = matches!(m.body, Body::Termination(_));
            let parts: Vec<String> = tlvs
                .iter()
                .map(|t| {
                    if let Some(c) = t.reason().filter(|_| term) {
                        format!("reason={c} ({})", codes::termination_reason_name(c))
                    } else {
                        let name = if term {
                            codes::termination_tlv_name(t.tlv_type)
                        } else {
                            codes::initiation_tlv_name(t.tlv_type)
                        };
                        format!("{name}=\"{}\"", for_terminal(&t.text()))
                    }
                })
                .collect();
            detail = parts.join(" ");
        }
        Body::RouteMirroring(_, tlvs) => {
            let parts: Vec<String> = tlvs
                .iter()
                .enumerate()
                .map(|(i, t)| match t.decoded() {
                    MirrorValue::Information(c) => {
                        format!("info: {}", codes::mirroring_info_name(c))
                    }
                    MirrorValue::BgpMessage(b) => {
                        let kind =
                            bgp::header_type(b).map_or("message", codes::bgp_message_type_name);
                        match d.mirrored.iter().find(|(n, ..)| *n == i) {
                            Some((_, u, plan)) => format!(
                                "BGP {kind} +{} -{}",
                                plan.announced_routes(u).count(),
                                plan.withdrawn_routes(u).count()
                            ),
                            None => format!("BGP {kind}"),
                        }
                    }
                    MirrorValue::Other(_) => format!("TLV {}", t.tlv_type),
                })
                .collect();
            detail = parts.join(", ");
        }
        Body::Unknown(b) => {
            detail = format!(
                "type {} ({}), {} bytes",
                m.header.msg_type,
                m.header.msg_type.unknown_class(),
                b.len() + 6
            );
        }
    }
    let mut line = format!(
        "{} {} {} {} {} {}",
        time_text(ctx, d).dimmed(),
        for_terminal(&ctx.router_name()).cyan(),
        peer,
        rib,
        kind_colored(kind),
        detail
    );
    for e in extra {
        line.push_str("\n    ");
        line.push_str(&e);
    }
    line
}

fn kind_colored(kind: &str) -> colored::ColoredString {
    match kind {
        "peer_up" => kind.green().bold(),
        "peer_down" => kind.red().bold(),
        "initiation" | "termination" => kind.blue().bold(),
        "unknown" => kind.magenta(),
        _ => kind.normal(),
    }
}

/// The attributes of an UPDATE for `-v`, one `name: value` line each, in the alphabetical
/// order of their JSON keys. A value reads as in the JSON log, compactly: text bare, a list of
/// extended communities that all have names as their text forms, an empty list as nothing,
/// anything else as its JSON (objects with their keys in alphabetical order). Written field by
/// field: a field added to [`AttributesJson`] needs its line here too, which the test checks.
fn attribute_lines(attrs: &Attributes<'_>, lines: &mut Vec<String>) {
    let path = attrs.as_path();
    let j = AttributesJson::new(attrs, path.as_ref());
    let mut line = |name: &str, value: String| {
        lines.push(format!("{name}: {}", for_terminal(&value)));
    };
    if let Some(v) = &j.aggregator {
        line("aggregator", json_text(v));
    }
    if let Some(v) = &j.aigp {
        line("aigp", json_text(v));
    }
    if let Some(v) = &j.as4_path {
        line("as4_path", v.0.to_string());
    }
    if let Some(v) = &j.as_path {
        line("as_path", v.0.to_string());
    }
    if let Some(v) = &j.as_path_segments {
        line("as_path_segments", json_list(v, v.is_empty()));
    }
    if let Some(v) = &j.as_path_wire {
        line("as_path_wire", v.0.to_string());
    }
    if j.atomic_aggregate.is_some() {
        line("atomic_aggregate", true.to_string());
    }
    if let Some(v) = &j.attr_set {
        line("attr_set", v.0.to_string());
    }
    if let Some(v) = &j.bgp_ls {
        line("bgp_ls", v.0.to_string());
    }
    if let Some(v) = &j.cluster_list {
        line("cluster_list", json_list(v, v.is_empty()));
    }
    if let Some(v) = &j.communities {
        line("communities", json_list(v, v.is_empty()));
    }
    if let Some(v) = &j.extended_communities {
        line("extended_communities", named_communities(v));
    }
    if let Some(v) = &j.ipv6_extended_communities {
        line("ipv6_extended_communities", named_communities(v));
    }
    if let Some(v) = &j.large_communities {
        line("large_communities", json_list(v, v.is_empty()));
    }
    if let Some(v) = j.local_pref {
        line("local_pref", v.to_string());
    }
    if let Some(v) = j.med {
        line("med", v.to_string());
    }
    if let Some(v) = &j.mp_reach {
        line("mp_reach", json_text(v));
    }
    if let Some(v) = &j.mp_unreach {
        line("mp_unreach", json_text(v));
    }
    if let Some(v) = j.next_hop {
        line("next_hop", v.to_string());
    }
    if let Some(v) = j.origin {
        line("origin", v.to_string());
    }
    if let Some(v) = j.originator_id {
        line("originator_id", v.to_string());
    }
    if let Some(v) = j.otc {
        line("otc", v.to_string());
    }
    if let Some(v) = &j.other {
        line("other", json_list(v, v.is_empty()));
    }
    if let Some(v) = &j.pmsi_tunnel {
        line("pmsi_tunnel", json_text(v));
    }
    if let Some(v) = &j.prefix_sid {
        line("prefix_sid", json_list(v, v.is_empty()));
    }
}

/// Extended communities: their text forms when every one has a name, else the JSON list.
fn named_communities(list: &[super::json::attributes::ExtCommunity<'_>]) -> String {
    match list
        .iter()
        .map(|c| c.text.as_deref())
        .collect::<Option<Vec<_>>>()
    {
        Some(texts) => texts.join(" "),
        None => json_text(&list),
    }
}

/// A list: nothing when empty, else its JSON.
fn json_list(list: &impl Serialize, empty: bool) -> String {
    if empty {
        String::new()
    } else {
        json_text(list)
    }
}

/// Compact JSON of a part of the JSON log.
fn json_text(value: &impl Serialize) -> String {
    // These parts serialize to a String without fail: their keys are strings, their values
    // plain data.
    serde_json::to_string(value).unwrap_or_default()
}

/// One finding as text.
pub fn finding(ctx: &StreamCtx<'_>, f: &Finding) -> String {
    let sev = match f.severity() {
        Severity::Error => "error".red().bold(),
        Severity::Warning => "warning".yellow().bold(),
        Severity::Info => "info".blue(),
    };
    let what = f
        .msg_type
        .map_or(String::new(), |t| format!(" {}", t.name()));
    let peer = f
        .peer
        .as_ref()
        .map_or(String::new(), |p| format!(" peer {}", p.address()));
    format!(
        "  {sev} {} in {} at offset {}{what}{peer}: {}",
        f.kind.name(),
        for_terminal(ctx.name),
        f.offset,
        for_terminal(&f.detail)
    )
}

/// A capability in a few words: its name, with the families it applies to.
fn capability_text(c: &crate::decode::bgp::open::Capability<'_>) -> String {
    use crate::decode::bgp::open::Capability;
    let name = codes::capability_name(c.code());
    match c {
        Capability::Multiprotocol { family } => format!("{name}({family})"),
        Capability::AddPath(v) => {
            let fams: Vec<String> = v
                .iter()
                .map(|(family, m)| format!("{family}:{}", codes::add_path_mode_name(*m)))
                .collect();
            format!("{name}({})", fams.join(" "))
        }
        Capability::FourOctetAs(asn) => format!("{name}({asn})"),
        Capability::Other { code, .. } => format!("capability_{code}"),
        _ => name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::bgp::as_path::{AS_SEQUENCE, AS_SET};
    use crate::decode::bgp::attr as code;
    use crate::decode::bgp::update;
    use crate::testkit::bgp::{self as enc, FLAG_OPTIONAL, FLAG_TRANSITIVE};
    use serde_json::Value;

    /// An UPDATE from a 2-octet-AS session carrying every attribute [`AttributesJson`] has a
    /// key for, so that the effective path, the wire path and AS4_PATH all show.
    fn every_attribute_update() -> Vec<u8> {
        let v6 = |s: &str| s.parse::<std::net::Ipv6Addr>().unwrap().octets();
        let optional = |c: u8, v: &[u8]| enc::attr(FLAG_OPTIONAL, c, v);
        let transitive = |c: u8, v: &[u8]| enc::attr(FLAG_OPTIONAL | FLAG_TRANSITIVE, c, v);
        let ipv6_rt = [&[0x00, 0x02][..], &v6("2001:db8::1"), &[0, 100]].concat();
        let aigp_metric = [&[code::AIGP_TLV_METRIC, 0, 11][..], &42u64.to_be_bytes()].concat();
        let label_index_tlv = [1, 0, 7, 0, 0, 0, 0, 0, 0, 100];
        let pmsi = [
            1,
            crate::decode::bgp::pmsi::INGRESS_REPLICATION,
            0,
            0x10,
            0,
            192,
            0,
            2,
            5,
        ];
        let attr_set = [&65000u32.to_be_bytes()[..], &enc::med(7)].concat();
        let attrs = [
            enc::origin(0),
            enc::as_path(
                &[(AS_SEQUENCE, &[65001, 4_200_000_000]), (AS_SET, &[65100])],
                false,
            ),
            enc::next_hop([192, 0, 2, 1]),
            enc::med(10),
            enc::local_pref(100),
            enc::atomic_aggregate(),
            enc::aggregator(4_200_000_000, [192, 0, 2, 2], false),
            enc::communities(&[0xffff_ff01, (65000 << 16) | 1]),
            enc::originator_id([192, 0, 2, 3]),
            enc::cluster_list(&[[192, 0, 2, 4]]),
            enc::mp_reach(
                enc::AFI_IPV6,
                enc::SAFI_UNICAST,
                &v6("2001:db8::1"),
                &enc::prefix(None, "2001:db8:2::/48"),
            ),
            enc::mp_unreach(
                enc::AFI_IPV6,
                enc::SAFI_UNICAST,
                &enc::prefix(None, "2001:db8:1::/48"),
            ),
            enc::extended_communities(&[[0, 2, 0xfd, 0xe8, 0, 0, 0, 100]]),
            enc::as4_path(&[(AS_SEQUENCE, &[65001, 4_200_000_000]), (AS_SET, &[65100])]),
            enc::as4_aggregator(4_200_000_000, [192, 0, 2, 2]),
            transitive(code::PMSI_TUNNEL, &pmsi),
            transitive(code::IPV6_EXTENDED_COMMUNITIES, &ipv6_rt),
            optional(code::AIGP, &aigp_metric),
            optional(code::BGP_LS, &[1, 2]),
            enc::large_communities(&[(65000, 1, 2)]),
            transitive(code::OTC, &65000u32.to_be_bytes()),
            transitive(code::PREFIX_SID, &label_index_tlv),
            transitive(99, &[1, 2]),
            transitive(code::ATTR_SET, &attr_set),
        ]
        .concat();
        enc::update(&[], &attrs, &enc::prefix(None, "198.51.100.0/24"))
    }

    /// What a `-v` line shows of a JSON value: text bare, a list whose items all have a text
    /// form as those forms, anything else as compact JSON (this was the rule when the lines were
    /// picked out of the JSON log).
    fn shown(v: &Value) -> String {
        match v {
            Value::String(s) => s.clone(),
            Value::Array(items) if items.iter().all(|i| i.get("text").is_some()) => items
                .iter()
                .map(|i| i["text"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
                .join(" "),
            other => other.to_string(),
        }
    }

    /// `-v` writes the attribute lines field by field, apart from the JSON object: every key of
    /// the object must have its line, showing the same value.
    #[test]
    fn every_attribute_key_has_its_verbose_line() {
        let msg = every_attribute_update();
        let u = update::parse(&msg[19..]).expect("UPDATE splits");
        let attrs = Attributes::decode(&u, false);
        let path = attrs.as_path();
        let j = AttributesJson::new(&attrs, path.as_ref());
        // Exhaustive: a field added to AttributesJson stops this compiling until the UPDATE
        // above carries its attribute.
        let AttributesJson {
            aggregator,
            aigp,
            as4_path,
            as_path,
            as_path_segments,
            as_path_wire,
            atomic_aggregate,
            attr_set,
            bgp_ls,
            cluster_list,
            communities,
            extended_communities,
            ipv6_extended_communities,
            large_communities,
            local_pref,
            med,
            mp_reach,
            mp_unreach,
            next_hop,
            origin,
            originator_id,
            otc,
            other,
            pmsi_tunnel,
            prefix_sid,
        } = &j;
        let present = [
            ("aggregator", aggregator.is_some()),
            ("aigp", aigp.is_some()),
            ("as4_path", as4_path.is_some()),
            ("as_path", as_path.is_some()),
            ("as_path_segments", as_path_segments.is_some()),
            ("as_path_wire", as_path_wire.is_some()),
            ("atomic_aggregate", atomic_aggregate.is_some()),
            ("attr_set", attr_set.is_some()),
            ("bgp_ls", bgp_ls.is_some()),
            ("cluster_list", cluster_list.is_some()),
            ("communities", communities.is_some()),
            ("extended_communities", extended_communities.is_some()),
            (
                "ipv6_extended_communities",
                ipv6_extended_communities.is_some(),
            ),
            ("large_communities", large_communities.is_some()),
            ("local_pref", local_pref.is_some()),
            ("med", med.is_some()),
            ("mp_reach", mp_reach.is_some()),
            ("mp_unreach", mp_unreach.is_some()),
            ("next_hop", next_hop.is_some()),
            ("origin", origin.is_some()),
            ("originator_id", originator_id.is_some()),
            ("otc", otc.is_some()),
            ("other", other.is_some()),
            ("pmsi_tunnel", pmsi_tunnel.is_some()),
            ("prefix_sid", prefix_sid.is_some()),
        ];
        for (key, is_present) in present {
            assert!(is_present, "the test UPDATE has no {key}");
        }
        let Value::Object(object) = serde_json::to_value(&j).unwrap() else {
            panic!("attributes serialize as an object");
        };
        assert_eq!(object.len(), present.len());

        let mut lines = Vec::new();
        attribute_lines(&attrs, &mut lines);
        for key in object.keys() {
            let prefix = format!("{key}: ");
            assert!(
                lines.iter().any(|l| l.starts_with(&prefix)),
                "no -v line for {key}"
            );
        }
        let want: Vec<String> = object
            .iter()
            .map(|(key, value)| format!("{key}: {}", shown(value)))
            .collect();
        assert_eq!(lines, want);

        for line in [
            "as_path: 65001 4200000000 {65100}",
            "as_path_wire: 65001 23456 {65100}",
            "aigp: {\"metric\":42}",
            "attr_set: 0000fde880040400000007",
            "bgp_ls: 0102",
            "extended_communities: rt:65000:100",
            "ipv6_extended_communities: rt:[2001:db8::1]:100",
            "otc: 65000",
            "pmsi_tunnel: {\"flags\":1,\"label\":256,\"label_field\":4096,\
             \"leaf_info_required\":true,\"tunnel_id\":\"192.0.2.5\",\"tunnel_type\":6,\
             \"tunnel_type_name\":\"ingress_replication\"}",
            "prefix_sid: [{\"flags\":0,\"label_index\":100,\"name\":\"label_index\",\"type\":1}]",
        ] {
            assert!(lines.iter().any(|l| l == line), "{line} in {lines:#?}");
        }
    }
}
