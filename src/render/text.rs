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
/// anything else as its JSON (objects with their keys in alphabetical order).
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
