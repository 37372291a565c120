//! `bmpctl peers` as text: per router a heading line (`router NAME (ADDRESS): N peers, M RIB
//! view rows`) and a table fitted to the width: peer (with its distinguisher when not 0 and
//! its VRF/table name), AS, RIB view, state (green up, red down, yellow unknown; `(ended)` or
//! `(new)` under it), since, flaps, routes (`!` marks a gauge mismatch, `(n ID)` the routes
//! with path IDs), routes announced and withdrawn (`+a -w`), last down reason (who closed and
//! why). Below each table, lines starting with `!` for gauge mismatches and fallback decodes.

use std::collections::BTreeSet;

use comfy_table::{ColumnConstraint, ContentArrangement, Table, Width};

use super::sanitize::for_terminal;
use crate::analysis::peers::report::{DownReason, Row};
use crate::analysis::peers::{Report, State};
use crate::decode::bmp::peer_down::{ClosedBy, closed_by};
use crate::decode::codes;
use crate::time::Timestamp;

/// No outer borders, no vertical lines: a rule under the header.
const TABLE_STYLE: &str = "     ──            ";

/// Caps of the guaranteed width of each column.
const MIN_WIDTH_CAP: [usize; 9] = [20, 10, 7, 7, 10, 5, 7, 9, 16];

const HEADER: [&str; 9] = [
    "Peer",
    "AS",
    "RIB",
    "State",
    "Since",
    "Flaps",
    "Routes",
    "Seen",
    "Last down",
];

/// The report as text, tables fitted to `width` columns.
pub fn text(report: &Report<'_>, width: u16) -> String {
    let rows = &report.peers;
    if rows.is_empty() {
        return "no peers".to_string();
    }
    let mut out = String::new();
    for (n, router) in rows
        .chunk_by(|a, b| a.router_index == b.router_index)
        .enumerate()
    {
        if n > 0 {
            out.push_str("\n\n");
        }
        out.push_str(&router_text(router, width));
    }
    out
}

/// One router: a heading line, its table, and notes.
fn router_text(rows: &[Row<'_>], width: u16) -> String {
    let Some(first) = rows.first() else {
        return String::new();
    };
    let name = &first.router;
    let peers: BTreeSet<_> = rows
        .iter()
        .map(|r| (r.address, r.peer_type_code, r.distinguisher_raw))
        .collect();
    let mut out = format!("router {}", for_terminal(name));
    if let Some(a) = first.router_address.filter(|a| a.to_string() != *name) {
        out.push_str(&format!(" ({a})"));
    }
    out.push_str(&format!(
        ": {} peer{}, {} RIB view row{}\n",
        peers.len(),
        if peers.len() == 1 { "" } else { "s" },
        rows.len(),
        if rows.len() == 1 { "" } else { "s" }
    ));
    let mut table = Table::new();
    table
        .load_preset(TABLE_STYLE)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(width)
        .set_header(HEADER.to_vec());
    let mut notes = Vec::new();
    let mut cells: Vec<Vec<String>> = Vec::new();
    for row in rows {
        let mut peer_cell = row.address.to_string();
        if row.distinguisher_raw != [0; 8] {
            peer_cell.push_str(&format!("\nRD {}", row.distinguisher));
        }
        if let Some(tn) = row.table_name {
            peer_cell.push_str(&format!("\n[{}]", for_terminal(tn)));
        }
        let label = format!("{} {}", row.address, row.rib_view.short());
        let mut routes = row.routes.to_string();
        if !row.mismatches.is_empty() {
            routes.push_str(" !");
        }
        if row.with_path_id > 0 {
            routes.push_str(&format!("\n({} ID)", row.with_path_id));
        }
        for m in &row.mismatches {
            let fam = m
                .family
                .as_ref()
                .map(|f| format!(" {}", f.family))
                .unwrap_or_default();
            notes.push(format!(
                "! {label}: router gauge {} ({}){fam} = {}, tracked {}",
                m.stat_type, m.name, m.gauge, m.tracked
            ));
        }
        for (l, n) in row
            .decoded
            .iter()
            .filter(|(l, _)| l.starts_with("fallback"))
        {
            notes.push(format!("! {label}: {n} routes decoded by {l}"));
        }
        let mut state_cell = state_word(row.state).to_string();
        match row.state_detail {
            Some(d) if d.starts_with("session_ended:") => state_cell.push_str("\n(ended)"),
            Some("new_session") => state_cell.push_str("\n(new)"),
            _ => {}
        }
        cells.push(vec![
            peer_cell,
            row.asn.to_string(),
            row.rib_view.short().to_string(),
            state_cell,
            time_text(row.since),
            row.flaps.to_string(),
            routes,
            format!("+{} -{}", row.announced, row.withdrawn),
            row.last_down_reason
                .as_ref()
                .map_or_else(|| "-".to_string(), down_short),
        ]);
    }
    // Each column gets at least the width of its longest line (up to a cap): comfy-table
    // alone would split every long column evenly. When that is too wide, the peer and the
    // down reason columns give way first (their text wraps).
    let longest: Vec<usize> = (0..HEADER.len())
        .map(|i| {
            cells
                .iter()
                .map(|r| r[i].as_str())
                .chain(std::iter::once(HEADER[i]))
                .flat_map(|c| c.lines().map(|l| l.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut min: Vec<usize> = longest
        .iter()
        .zip(MIN_WIDTH_CAP)
        .map(|(l, cap)| (*l).min(cap))
        .collect();
    // Per column one padding space, between columns one separator space.
    let budget = usize::from(width).saturating_sub(2 * HEADER.len() - 1);
    while min.iter().sum::<usize>() > budget {
        let Some(i) = [0, HEADER.len() - 1]
            .into_iter()
            .filter(|&i| min[i] > 8)
            .max_by_key(|&i| min[i])
        else {
            break;
        };
        min[i] -= 1;
    }
    for (col, w) in table.column_iter_mut().zip(&min) {
        col.set_padding((0, 1));
        let w = u16::try_from(w + 1).unwrap_or(u16::MAX);
        col.set_constraint(ColumnConstraint::LowerBoundary(Width::Fixed(w)));
    }
    for r in cells {
        table.add_row(r);
    }
    let mut body: String = table
        .to_string()
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n");
    if colored::control::SHOULD_COLORIZE.should_colorize() {
        body = colour_states(&body);
    }
    out.push_str(&body);
    for n in notes {
        out.push('\n');
        out.push_str(&n);
    }
    out
}

fn state_word(s: State) -> &'static str {
    match s {
        State::Up => "up",
        State::Down => "down",
        State::Unknown => "unknown",
    }
}

/// `YYYY-MM-DD` and `HH:MM:SS` (UTC) on two lines.
fn time_text(t: Option<Timestamp>) -> String {
    match t {
        Some(t) => {
            let (date, time) = t.date_and_time();
            format!("{date}\n{time}")
        }
        None => "-".to_string(),
    }
}

/// A Peer Down reason in a few words: who closed, and why.
fn down_short(d: &DownReason<'_>) -> String {
    let who = match closed_by(d.code) {
        Some(ClosedBy::Local) => "local: ",
        Some(ClosedBy::Remote) => "remote: ",
        None => "",
    };
    if let Some(n) = &d.notification {
        let what = match n.subcode_name {
            "unknown" | "unspecific" => n.name,
            name => name,
        };
        format!("{who}{what} ({}/{})", n.code, n.subcode)
    } else if let Some(e) = &d.fsm_event {
        format!("{who}FSM {} ({})", e.name, e.code)
    } else {
        match d.code {
            4 => "remote: closed, no data".to_string(),
            5 => "peer de-configured".to_string(),
            6 => match d.information.first() {
                Some(i) => format!("local: \"{}\"", for_terminal(i.value)),
                None => "local: TLV".to_string(),
            },
            c => format!("{} ({c})", codes::peer_down_reason_name(c)),
        }
    }
}

/// Colours the state words in the State column of a rendered table (comfy-table would count
/// escape codes as width, so colour goes in after layout). Cells are left-aligned, so the
/// column's text starts where its header does.
fn colour_states(table: &str) -> String {
    use colored::Colorize;
    let mut lines = table.lines();
    let Some(header) = lines.next() else {
        return String::new();
    };
    let Some(col) = header.find("State").map(|b| header[..b].chars().count()) else {
        return table.to_string();
    };
    let mut out = header.to_string();
    for line in lines {
        out.push('\n');
        let rest: String = line.chars().skip(col).collect();
        let word = rest.split(' ').next().unwrap_or("");
        let coloured = match word {
            "up" => word.green().to_string(),
            "down" => word.red().to_string(),
            "unknown" => word.yellow().to_string(),
            _ => {
                out.push_str(line);
                continue;
            }
        };
        out.extend(line.chars().take(col));
        out.push_str(&coloured);
        out.push_str(&rest[word.len()..]);
    }
    out
}
