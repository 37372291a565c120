//! The text of `bmpctl churn`: one row per router, peer and RIB view (initial dump, steady
//! totals, spikes, a sparkline of the steady churn per bucket), the legend, and the top lists.

use std::fmt::Write as _;

use comfy_table::{CellAlignment, ColumnConstraint, ContentArrangement, Table, presets};

use crate::analysis::churn::report::{InitialComplete, Peer, Report, TopPrefix};
use crate::render::sanitize::for_terminal;
use crate::time::Timestamp;

const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// The report as text, `width` columns wide.
pub fn text(report: &Report<'_>, width: u16) -> String {
    let mut out = String::new();
    if report.peers.is_empty() {
        return "No route monitoring seen.".into();
    }
    let step = report.bucket_us;
    // The span of the input, in buckets from the epoch.
    let span = report
        .start
        .zip(report.end)
        .map(|(a, b)| (a.micros() / step, b.micros() / step));
    match report.start.zip(report.end) {
        Some((a, b)) => {
            let _ = writeln!(
                out,
                "Route churn, buckets of {} from {} to {} (initial dumps apart)",
                step_text(step),
                whole_seconds(a),
                whole_seconds(b)
            );
        }
        None => out.push_str("Route churn (no timestamps: one bucket)\n"),
    }
    let mut cells: Vec<[String; 6]> = Vec::new();
    let mut series: Vec<(u64, Vec<(u64, u64)>)> = Vec::new();
    for peer in &report.peers {
        series.push(match span {
            Some((first, last)) => {
                let values = peer
                    .buckets
                    .iter()
                    .filter_map(|b| Some((b.start?.micros() / step, b.churn())))
                    .filter(|(i, _)| (first..=last).contains(i))
                    .map(|(i, churn)| (i - first, churn))
                    .collect();
                (last - first + 1, values)
            }
            None => (0, Vec::new()),
        });
        cells.push(peer_cells(peer));
    }
    let header = [
        "Router",
        "Peer",
        "RIB",
        "Initial",
        "Steady\na/w/i/d",
        "Spikes",
    ];
    // The sparkline gets what the other columns leave (borders: 1 + 3 per column).
    let line_width = |s: &str| s.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    let others: usize = (0..6)
        .map(|c| {
            cells
                .iter()
                .map(|r| line_width(&r[c]))
                .chain([line_width(header[c])])
                .max()
                .unwrap_or(0)
        })
        .sum();
    let spark_max = (width as usize)
        .saturating_sub(others + 1 + 3 * 7)
        .clamp(8, 60);
    let mut head = header.to_vec();
    head.push("Churn");
    let mut t = table(width, &head);
    for (c, (len, values)) in cells.into_iter().zip(&series) {
        let mut r: Vec<String> = c.into();
        r.push(sparkline(*len, values, spark_max));
        t.add_row(r);
    }
    if let Some(col) = t.column_mut(6) {
        col.set_constraint(ColumnConstraint::ContentWidth);
    }
    let _ = writeln!(out, "{t}");
    let _ = writeln!(
        out,
        "Initial: routes announced in table dumps; how the last ended (EoR, rule, incomplete); ×dumps.\n\
         Steady: announced/withdrawn/implicit withdrawals/duplicates outside the dumps.\n\
         Churn: steady announcements and withdrawals per bucket (· none)."
    );
    if !report.top_prefixes.is_empty() {
        let _ = writeln!(out, "\nMost changed prefixes (steady state)");
        let mut t = table(
            width,
            &["Router", "Peer", "RIB", "Prefix", "Changes", "What changed"],
        );
        for p in &report.top_prefixes {
            t.add_row(vec![
                for_terminal(p.router),
                p.address.to_string(),
                p.rib.short().to_string(),
                p.prefix.to_string(),
                p.changes.to_string(),
                changed_text(p),
            ]);
        }
        right(&mut t, &[4]);
        let _ = writeln!(out, "{t}");
    }
    if !report.top_origin_as.is_empty() {
        let _ = writeln!(out, "\nMost churning origin AS (steady state)");
        let mut t = table(width, &["Origin AS", "Changes"]);
        for o in &report.top_origin_as {
            t.add_row(vec![format!("AS{}", o.asn), o.changes.to_string()]);
        }
        right(&mut t, &[1]);
        let _ = writeln!(out, "{t}");
    }
    out.truncate(out.trim_end().len());
    out
}

/// A peer's cells but the sparkline.
fn peer_cells(peer: &Peer<'_>) -> [String; 6] {
    let spikes: Vec<String> = peer
        .buckets
        .iter()
        .filter(|b| b.spike)
        .filter_map(|b| b.start)
        .map(|start| {
            let s = start.to_string();
            s[11..19].to_string()
        })
        .collect();
    let spikes = match spikes.len() {
        0 => "-".to_string(),
        n if n <= 2 => format!("{n}: {}", spikes.join(" ")),
        n => format!("{n}: {} …", spikes[..2].join(" ")),
    };
    let status = match peer.initial_complete {
        None => "none",
        Some(InitialComplete::EndOfRib) => "EoR",
        Some(InitialComplete::Rule) => "rule",
        Some(InitialComplete::Incomplete) => "incomplete",
    };
    let dumps = if peer.dumps > 1 {
        format!(" ×{}", peer.dumps)
    } else {
        String::new()
    };
    let s = &peer.steady;
    [
        for_terminal(peer.router),
        format!("{}\nAS{}", peer.address, peer.asn),
        peer.rib.short().to_string(),
        format!("{} {status}{dumps}", peer.initial.announced),
        format!(
            "{}/{}/{}/{}",
            s.announced, s.withdrawn, s.implicit_withdrawn, s.duplicate
        ),
        spikes,
    ]
}

/// `2023-11-14T22:13:20Z`: to the second.
fn whole_seconds(t: Timestamp) -> String {
    let s = t.to_string();
    format!("{}Z", &s[..19])
}

/// A bucket width in the largest unit that divides it: `10s`, `5m`, `500ms`, `1d`.
fn step_text(us: u64) -> String {
    let s = us / 1_000_000;
    if us % 1_000_000 != 0 {
        if us % 1000 == 0 {
            format!("{}ms", us / 1000)
        } else {
            format!("{us}us")
        }
    } else if s % 86_400 == 0 {
        format!("{}d", s / 86_400)
    } else if s % 3600 == 0 {
        format!("{}h", s / 3600)
    } else if s % 60 == 0 {
        format!("{}m", s / 60)
    } else {
        format!("{s}s")
    }
}

/// What changed of a route, most telling first: `withdrawn 2, announced 2, as_path 1`.
fn changed_text(p: &TopPrefix<'_>) -> String {
    let c = &p.changed;
    [
        ("withdrawn", c.withdrawn),
        ("announced", c.announced),
        ("as_path", c.as_path),
        ("next_hop", c.next_hop),
        ("communities", c.communities),
        ("med", c.med),
        ("other", c.other),
    ]
    .iter()
    .filter(|(_, n)| *n > 0)
    .map(|(k, n)| format!("{k} {n}"))
    .collect::<Vec<_>>()
    .join(", ")
}

/// Steady churn per bucket over a span of `len` buckets, given as (bucket from the first,
/// churn) for the buckets that have any: `·` for none, at most `max` characters (each the
/// busiest of its buckets). Sized by `max`, not by the span, which router clocks decide.
fn sparkline(len: u64, values: &[(u64, u64)], max: usize) -> String {
    if len == 0 {
        return "-".into();
    }
    let group = len.div_ceil(max.max(1) as u64);
    let mut cols = vec![0u64; len.div_ceil(group) as usize];
    for &(i, v) in values {
        if let Some(c) = cols.get_mut((i / group) as usize) {
            *c = (*c).max(v);
        }
    }
    let top = cols.iter().copied().max().unwrap_or(0);
    cols.iter()
        .map(|&v| {
            if v == 0 {
                '·'
            } else {
                let level = (v * 8).div_ceil(top).clamp(1, 8) as usize;
                BARS[level - 1]
            }
        })
        .collect()
}

fn table(width: u16, header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(width)
        .set_header(header.to_vec());
    t
}

fn right(t: &mut Table, cols: &[usize]) {
    for &c in cols {
        if let Some(col) = t.column_mut(c) {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparklines() {
        assert_eq!(sparkline(4, &[(1, 1), (2, 8), (3, 4)], 10), "·▁█▄");
        assert_eq!(sparkline(6, &[(2, 8), (4, 1), (5, 1)], 3), "·█▁");
        // A span of four billion buckets (router clocks far apart) still gives `max`
        // characters, without a slot per bucket.
        let wide = sparkline(4_000_000_000, &[(0, 1), (3_999_999_999, 2)], 10);
        assert_eq!(wide.chars().count(), 10);
        assert!(wide.starts_with('▄') && wide.ends_with('█'), "{wide}");
    }

    #[test]
    fn steps() {
        assert_eq!(step_text(10_000_000), "10s");
        assert_eq!(step_text(300_000_000), "5m");
        assert_eq!(step_text(500_000), "500ms");
        assert_eq!(step_text(86_400_000_000), "1d");
    }
}
