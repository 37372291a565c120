//! Live runs: the sessions of a station ([`crate::live::LiveSource`]) decoded as they arrive,
//! into the message log or a view re-drawn on a terminal.

use std::io::{self, Write};
use std::time::Duration;

use super::run::DecodeRun;
use super::sinks::{MessageLog, ViewSink, text_width};
use super::{Sink, Summary};
use crate::analysis::View;
use crate::exit::{ExitStatus, is_broken_pipe};
use crate::filter::Filter;
use crate::identity::Routers;
use crate::live::LiveSource;
use crate::render::{self, Format};
use crate::source::Source;

/// How a live run shows what it decodes, and how long it goes on.
#[derive(Debug, Clone)]
pub struct LiveOutput {
    /// Text or JSON.
    pub format: Format,
    /// Stop after this many messages (that pass the filters).
    pub limit: u64,
    /// Largest BMP message framed.
    pub max_message: u32,
    /// How often a view is re-drawn on a terminal.
    pub every: Duration,
    /// Whether stdout is a terminal (a view is re-drawn only there, and only as text).
    pub stdout_tty: bool,
}

/// The message log, or a view.
pub enum LiveShow {
    /// Every message and finding as it is decoded.
    Log(MessageLog),
    /// A view, shown at the end (and re-drawn on a terminal).
    View(Box<dyn View>, Filter),
}

/// Runs a live station until it stops; prints the view's final report and the summary line.
pub fn live(source: LiveSource, show: LiveShow, output: &LiveOutput) -> ExitStatus {
    match show {
        LiveShow::Log(mut log) => run(source, &mut log, output),
        LiveShow::View(mut view, filter) => {
            let mut sink = ViewSink::new(&mut *view, &filter);
            run(source, &mut sink, output)
        }
    }
}

fn run(mut source: LiveSource, sink: &mut dyn Sink, output: &LiveOutput) -> ExitStatus {
    let redraw = sink.view().is_some() && output.stdout_tty && output.format == Format::Text;
    if redraw {
        source = source.ticking(output.every);
    }
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut summary = Summary::default();
    let mut routers = Routers::new();
    let name = source.name().to_string();
    let (result, write_err) = {
        let mut run = DecodeRun::new(
            &name,
            output.max_message,
            &mut *sink,
            &mut out,
            &mut summary,
            &mut routers,
        )
        .limit(output.limit)
        .guard();
        if redraw {
            run = run.redraw(text_width());
        }
        let result = source.run(&mut run);
        (result, run.take_write_err())
    };
    finish(
        sink,
        &mut out,
        &summary,
        output.format,
        write_err,
        result.is_err(),
    )
}

/// Ends a live run: prints the view's final report (the message log is already out), flushes,
/// prints the summary line; returns the exit status.
fn finish<W: Write>(
    sink: &dyn Sink,
    out: &mut W,
    summary: &Summary,
    format: Format,
    write_err: Option<io::Error>,
    fatal: bool,
) -> ExitStatus {
    let mut result = match write_err {
        Some(e) => Err(e),
        None => Ok(()),
    };
    if result.is_ok() {
        if let Some(view) = sink.view() {
            result = render::write_report(out, format, &view.report(), text_width());
        }
    }
    result = result.and_then(|()| out.flush());
    match result {
        Err(e) if is_broken_pipe(&e) => {}
        Err(e) => {
            eprintln!("bmpctl: error: writing output: {e}");
            eprintln!("{}", summary.line());
            return ExitStatus::Fatal;
        }
        Ok(()) => {}
    }
    eprintln!("{}", summary.line());
    summary.status(fatal)
}
