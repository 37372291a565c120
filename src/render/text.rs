//! The message log for people: one line per message with its essentials, findings highlighted,
//! and with `-v` every route and attribute on indented lines. Colour comes from the `colored`
//! crate, which the caller switches on or off once.

use colored::Colorize;
use serde_json::Value;

use super::json;
use super::sanitize::for_terminal;
use crate::decode::bgp::update::Route;
use crate::decode::bmp::Body;
use crate::decode::bmp::header::PeerHeader;
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
    let mut s = super::route::short_text(r);
    if let Some(id) = r.nlri.path_id {
        s.push_str(&format!("#{id}"));
    }
    s
}

/// One message as text: a line, plus detail lines when `verbose`.
pub fn message(ctx: &StreamCtx<'_>, d: &Decoded<'_>, verbose: bool) -> String {
    let m = &d.msg;
    let kind = codes::message_type_name(m.header.msg_type);
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
                if let Some((afi, safi)) = u.end_of_rib() {
                    detail = format!("End-of-RIB {}", codes::family_name(afi, safi));
                }
                if verbose {
                    let v = json::message(ctx, d);
                    if let Some(Value::Object(attrs)) = v.get("attributes") {
                        for (k, val) in attrs {
                            extra.push(format!("{k}: {}", for_terminal(&compact(val))));
                        }
                    }
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
                        StatValue::AfiSafiGauge { afi, safi, value } => {
                            format!("{value} ({})", codes::family_name(afi, safi))
                        }
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
                Reason::Notification { .. } => {
                    let v = json::message(ctx, d);
                    let n = &v["reason"]["notification"];
                    if let (Some(name), Some(sub)) =
                        (n["name"].as_str(), n["subcode_name"].as_str())
                    {
                        detail.push_str(&format!(": {name} / {sub}"));
                    }
                    if let Some(text) = n["shutdown_communication"].as_str() {
                        detail.push_str(&format!(" \"{}\"", for_terminal(text)));
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
                    if term && t.tlv_type == 1 && t.value.len() == 2 {
                        let c = u16::from_be_bytes([t.value[0], t.value[1]]);
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
                .map(|(i, t)| match t.tlv_type {
                    1 if t.value.len() == 2 => {
                        let c = u16::from_be_bytes([t.value[0], t.value[1]]);
                        format!("info: {}", codes::mirroring_info_name(c))
                    }
                    0 => {
                        let kind = t
                            .value
                            .get(18)
                            .map_or("message", |&ty| codes::bgp_message_type_name(ty));
                        match d.mirrored.iter().find(|(n, ..)| *n == i) {
                            Some((_, u, plan)) => {
                                let (w, a): (Vec<_>, Vec<_>) =
                                    plan.routes(u).partition(|r| r.withdrawn);
                                format!("BGP {kind} +{} -{}", a.len(), w.len())
                            }
                            None => format!("BGP {kind}"),
                        }
                    }
                    other => format!("TLV {other}"),
                })
                .collect();
            detail = parts.join(", ");
        }
        Body::Unknown(b) => {
            detail = format!(
                "type {} ({}), {} bytes",
                m.header.msg_type,
                codes::unknown_message_type_class(m.header.msg_type),
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

fn compact(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        // Lists of decoded values (extended communities, ...) read best as their text forms.
        Value::Array(items) if items.iter().all(|i| i.get("text").is_some()) => items
            .iter()
            .map(|i| {
                i["text"]
                    .as_str()
                    .map_or_else(|| i["text"].to_string(), str::to_string)
            })
            .collect::<Vec<_>>()
            .join(" "),
        other => other.to_string(),
    }
}

/// One finding as text.
pub fn finding(ctx: &StreamCtx<'_>, f: &Finding) -> String {
    let sev = match f.severity() {
        Severity::Error => "error".red().bold(),
        Severity::Warning => "warning".yellow().bold(),
        Severity::Info => "info".blue(),
    };
    let what = f.msg_type.map_or(String::new(), |t| {
        format!(" {}", codes::message_type_name(t))
    });
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
        Capability::Multiprotocol { afi, safi } => {
            format!("{name}({})", codes::family_name(*afi, *safi))
        }
        Capability::AddPath(v) => {
            let fams: Vec<String> = v
                .iter()
                .map(|(a, s, m)| {
                    format!(
                        "{}:{}",
                        codes::family_name(*a, *s),
                        codes::add_path_mode_name(*m)
                    )
                })
                .collect();
            format!("{name}({})", fams.join(" "))
        }
        Capability::FourOctetAs(asn) => format!("{name}({asn})"),
        Capability::Other { code, .. } => format!("capability_{code}"),
        _ => name.to_string(),
    }
}
