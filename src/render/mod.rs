//! Renderers: what bmpctl prints, in each output [`Format`]. The message log, one event at a
//! time ([`write_event`]), and the reports of the views ([`write_report`]). Renderers decide
//! how things look, never what they mean: that is decided by [`crate::decode`] (protocol) and
//! [`crate::analysis`] (views). Nothing below this module writes output.

pub mod churn;
pub mod json;
pub mod peers;
pub mod sanitize;
pub mod text;
pub mod timeline;

use std::io::{self, Write};

use crate::analysis::Report;
use crate::event::{Event, StreamCtx};

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// For people: one line per message, tables for the views; colour per the `colored`
    /// crate's global switch.
    Text,
    /// For programs: one JSON object per line for the message log (NDJSON), one JSON document
    /// for a view's report. Never coloured.
    Json,
}

/// One event of the message log, with its line end.
pub fn write_event(
    out: &mut dyn Write,
    format: Format,
    verbose: bool,
    ctx: &StreamCtx<'_>,
    ev: &Event<'_>,
) -> io::Result<()> {
    match (format, ev) {
        (Format::Json, Event::Message(d)) => json::write_message(out, ctx, d),
        (Format::Json, Event::Finding(f)) => json::write_finding(out, ctx, f),
        (Format::Text, Event::Message(d)) => writeln!(out, "{}", text::message(ctx, d, verbose)),
        (Format::Text, Event::Finding(f)) => writeln!(out, "{}", text::finding(ctx, f)),
    }
}

/// A view's report, with a line end; text tables are fitted to `width` columns.
pub fn write_report(
    out: &mut dyn Write,
    format: Format,
    report: &Report<'_>,
    width: u16,
) -> io::Result<()> {
    match format {
        Format::Json => {
            serde_json::to_writer(&mut *out, report)?;
            writeln!(out)
        }
        Format::Text => {
            let text = match report {
                Report::Peers(r) => peers::text(r, width),
                Report::Timeline(r) => timeline::text(r, width),
                Report::Churn(r) => churn::text(r, width),
            };
            writeln!(out, "{text}")
        }
    }
}
