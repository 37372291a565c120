//! The `timeline` report as text: one line per event (with a line giving the date whenever it
//! changes), its columns fitted to the width with `…`, coloured by what happened, then a table
//! with one row per peer. What each part means is in [`crate::analysis::timeline`].

use colored::Colorize;
use comfy_table::{ContentArrangement, Table, presets};

use super::sanitize::for_terminal;
use crate::analysis::timeline::report::{
    DumpFrom, Event, EventKind, Notification, PeerSummary, Report,
};
use crate::decode::bmp::header::PeerHeader;
use crate::decode::bmp::peer_down::{ClosedBy, closed_by};
use crate::decode::codes;
use crate::event::EndReason;
use crate::finding::Severity;
use crate::identity::MatchedBy;
use crate::time::Timestamp;

/// The report, `width` columns wide (the detail column keeps at least 10).
pub fn text(report: &Report<'_>, width: u16) -> String {
    let mut out = String::new();
    if report.events.is_empty() {
        out.push_str("no session or peer events\n");
    }
    event_lines(&mut out, &report.events, usize::from(width));
    if !report.peers.is_empty() {
        out.push('\n');
        out.push_str(&peer_table(&report.peers, width));
        out.push('\n');
    }
    out.trim_end_matches('\n').to_string()
}

/// One line of the text.
struct Row {
    time: Option<Timestamp>,
    router: String,
    peer: String,
    event: &'static str,
    detail: String,
    severity: Option<Severity>,
}

fn event_lines(out: &mut String, events: &[Event<'_>], width: usize) {
    let rows: Vec<Row> = events
        .iter()
        .map(|e| Row {
            time: e.time,
            router: for_terminal(&e.router),
            peer: e
                .peer
                .as_ref()
                .map_or_else(|| "-".to_string(), |p| peer_text(p.header)),
            event: e.what.name(),
            detail: detail(&e.what),
            severity: e.what.severity(),
        })
        .collect();
    // The router column only when there is more than one router.
    let one_router = rows.windows(2).all(|w| w[0].router == w[1].router);
    let tw = if rows.iter().any(|r| r.time.is_some()) {
        12
    } else {
        1
    };
    let mut rw = if one_router {
        0
    } else {
        rows.iter()
            .map(|r| r.router.chars().count())
            .max()
            .unwrap_or(0)
            .min(20)
    };
    let mut pw = rows
        .iter()
        .map(|r| r.peer.chars().count())
        .max()
        .unwrap_or(0)
        .min(30);
    let ew = rows.iter().map(|r| r.event.len()).max().unwrap_or(0);
    let seps = if one_router { 6 } else { 8 };
    // Leave at least 28 columns of detail: narrow the peer and router columns first.
    while tw + rw + pw + ew + seps + 28 > width && (rw > 10 || pw > 12) {
        if pw > 12 && (pw >= rw || rw <= 10) {
            pw -= 1;
        } else {
            rw -= 1;
        }
    }
    let dw = width.saturating_sub(tw + rw + pw + ew + seps).max(10);
    let mut day = String::new();
    for r in &rows {
        let (date, clock) = match r.time {
            Some(t) => {
                let full = t.to_string();
                (full[..10].to_string(), full[11..23].to_string())
            }
            None => (String::new(), "-".to_string()),
        };
        if !date.is_empty() && date != day {
            out.push_str(&date);
            out.push('\n');
            day = date;
        }
        let ev = fit(r.event, ew, true);
        let ev = match (r.event, r.severity) {
            ("peer_up", _) => ev.green().to_string(),
            ("peer_down", _) => ev.red().to_string(),
            (_, Some(Severity::Error)) => ev.red().to_string(),
            (_, Some(Severity::Warning)) => ev.yellow().to_string(),
            (_, Some(Severity::Info)) => ev.blue().to_string(),
            _ => ev,
        };
        let mut line = fit(&clock, tw, true);
        line.push_str("  ");
        if !one_router {
            line.push_str(&fit(&r.router, rw, true));
            line.push_str("  ");
        }
        line.push_str(&fit(&r.peer, pw, true));
        line.push_str("  ");
        line.push_str(&ev);
        line.push_str("  ");
        line.push_str(&fit(&r.detail, dw, false));
        out.push_str(line.trim_end());
        out.push('\n');
    }
}

fn peer_table(peers: &[PeerSummary<'_>], width: u16) -> String {
    let mut table = Table::new();
    table
        .load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(width)
        .set_header(vec!["router", "peer", "flaps", "time down", "state"]);
    for p in peers {
        let h = p.header;
        let peer = if h.is_loc_rib() {
            format!("{} AS{}", loc_rib_text(h), h.asn)
        } else {
            format!("{} AS{}", p.address, p.asn)
        };
        table.add_row(vec![
            for_terminal(p.router),
            peer,
            p.flaps.to_string(),
            if p.flaps == 0 {
                "-".to_string()
            } else {
                p.down_seconds_total.to_string()
            },
            p.state.name().to_string(),
        ]);
    }
    table.to_string()
}

/// The peer in a text line: address and RIB view; a Loc-RIB instance by its distinguisher.
fn peer_text(p: &PeerHeader) -> String {
    if p.is_loc_rib() {
        loc_rib_text(p)
    } else {
        format!("{} {}", p.address(), p.rib().short())
    }
}

fn loc_rib_text(p: &PeerHeader) -> String {
    if p.distinguisher == [0; 8] {
        "loc-rib".to_string()
    } else {
        format!("loc-rib rd {}", p.distinguisher_text())
    }
}

/// Cuts `s` to `w` characters, ending in `…` when cut; pads to `w` when `pad`.
fn fit(s: &str, w: usize, pad: bool) -> String {
    let n = s.chars().count();
    if n > w {
        if w == 0 {
            return String::new();
        }
        let mut out: String = s.chars().take(w - 1).collect();
        out.push('…');
        out
    } else if pad {
        format!("{s}{}", " ".repeat(w - n))
    } else {
        s.to_string()
    }
}

/// The event's details in words (router strings made safe for a terminal).
fn detail(what: &EventKind) -> String {
    match what {
        EventKind::SessionStart {
            address,
            reconnect,
            replaces,
        } => {
            let mut s = match address {
                Some(a) => format!("BMP stream from {a} begins"),
                None => "BMP stream begins".to_string(),
            };
            if *reconnect {
                s.push_str(" (reconnect)");
            }
            if let Some(r) = replaces {
                s.push_str(&format!("; replaces {r}"));
            }
            s
        }
        EventKind::SessionReplaced {
            replaces,
            matched_by,
            ..
        } => format!(
            "same {} as the earlier session {replaces}",
            match matched_by {
                MatchedBy::Address => "address",
                MatchedBy::SysName => "sysName",
            }
        ),
        EventKind::SessionEnd {
            transport,
            reason,
            terminated,
            ..
        } => {
            let t = match transport {
                EndReason::Fin => "TCP close",
                EndReason::Reset => "TCP reset",
                EndReason::Superseded => "superseded by a new connection",
                EndReason::EndOfInput => "end of input",
            };
            match (terminated, reason) {
                (true, Some(r)) => format!("Termination: {} ({}); {t}", r.name, r.code),
                (true, None) => format!("Termination; {t}"),
                (false, _) => t.to_string(),
            }
        }
        EventKind::Initiation {
            sys_name,
            sys_descr,
            information,
        } => {
            let mut parts = Vec::new();
            if let Some(n) = sys_name {
                parts.push(format!("sysName {}", for_terminal(n)));
            }
            if let Some(d) = sys_descr {
                parts.push(format!("sysDescr {}", for_terminal(d)));
            }
            parts.extend(information.iter().map(|i| for_terminal(i)));
            if parts.is_empty() {
                "no information".into()
            } else {
                parts.join("; ")
            }
        }
        EventKind::Termination {
            reason,
            information,
        } => {
            let mut s = match reason {
                Some(r) => format!("{} ({})", r.name, r.code),
                None => "no reason given".into(),
            };
            for i in information {
                s.push_str(&format!("; \"{}\"", for_terminal(i)));
            }
            s
        }
        EventKind::PeerUp {
            hold_time,
            local_port,
            remote_port,
            capabilities,
            families,
            information,
            down_for,
            ..
        } => {
            let mut parts = Vec::new();
            if let Some(d) = down_for {
                parts.push(format!("down for {d}"));
            }
            if let Some(h) = hold_time {
                parts.push(format!("hold {h}s"));
            }
            parts.push(format!("ports {local_port}/{remote_port}"));
            if !families.is_empty() {
                parts.push(families.join(" "));
            }
            let caps: Vec<&str> = capabilities
                .iter()
                .copied()
                .filter(|c| *c != "multiprotocol")
                .collect();
            if !caps.is_empty() {
                parts.push(caps.join(" "));
            }
            for i in information {
                parts.push(format!("\"{}\"", for_terminal(i)));
            }
            parts.join("; ")
        }
        EventKind::PeerDown { reason, flaps } => {
            let mut s = format!("{} ({})", reason_words(reason.code), reason.code);
            match &reason.notification {
                Some(Notification::Decoded(n)) => {
                    s.push_str(&format!(": {}, {}", n.name, n.subcode_name));
                    if let Some(t) = &n.shutdown_communication {
                        s.push_str(&format!(" \"{}\"", for_terminal(t)));
                    }
                    s.push_str(&format!(" ({}/{})", n.code, n.subcode));
                }
                Some(Notification::Raw { .. }) => s.push_str(": NOTIFICATION does not decode"),
                None => {}
            }
            if let Some(e) = &reason.fsm_event {
                s.push_str(&format!(": FSM event {} ({})", e.name, e.code));
            }
            for i in &reason.information {
                s.push_str(&format!(", \"{}\"", for_terminal(i)));
            }
            s.push_str(&format!("; flap {flaps}"));
            s
        }
        EventKind::EndOfRib {
            family,
            initial,
            dump_seconds,
            dump_from,
            ..
        } => match (initial, dump_seconds, dump_from) {
            (true, Some(d), Some(from)) => format!(
                "{family} complete {d} after {}",
                match from {
                    DumpFrom::PeerUp => "Peer Up",
                    DumpFrom::SessionStart => "session start",
                }
            ),
            (true, ..) => format!("{family} initial table complete"),
            (false, ..) => format!("{family} again"),
        },
        EventKind::Finding {
            severity,
            kind,
            detail,
            ..
        } => format!(
            "{} {}: {}",
            severity.name(),
            kind.name(),
            for_terminal(detail)
        ),
        EventKind::ClockSkew {
            severity, detail, ..
        } => format!("{}: {detail}", severity.name()),
    }
}

/// A Peer Down reason in a few words (the JSON has the full name).
fn reason_words(code: u8) -> &'static str {
    match (code, closed_by(code)) {
        (4, _) => "remote close, no data",
        (_, Some(ClosedBy::Local)) => "local close",
        (_, Some(ClosedBy::Remote)) => "remote close",
        (5, None) => "peer de-configured",
        (0, None) => "reserved reason",
        _ => codes::peer_down_reason_name(code),
    }
}

#[cfg(test)]
mod tests {
    use super::fit;

    #[test]
    fn fit_cuts_with_an_ellipsis_and_pads() {
        assert_eq!(fit("abcdef", 4, false), "abc…");
        assert_eq!(fit("abc", 5, true), "abc  ");
        assert_eq!(fit("abc", 5, false), "abc");
        assert_eq!(fit("abc", 0, true), "");
        assert_eq!(fit("ééé", 2, false), "é…");
    }
}
