//! The two sinks: the message log, rendered event by event, and a view, fed every event and
//! printed once at the end.

use std::io::{self, Write};

use super::Sink;
use crate::analysis::View;
use crate::decode::bmp::header::PeerHeader;
use crate::event::{Event, Lifecycle, StreamCtx};
use crate::exit::{ExitStatus, is_broken_pipe};
use crate::filter::Filter;
use crate::render::{self, Format};

/// `decode`, and live runs without a view: every event that passes the filter, rendered.
#[derive(Debug)]
pub struct MessageLog {
    format: Format,
    verbose: bool,
    filter: Filter,
}

impl MessageLog {
    /// The log in `format`; `verbose`: every route and attribute (text).
    pub fn new(format: Format, verbose: bool, filter: Filter) -> Self {
        MessageLog {
            format,
            verbose,
            filter,
        }
    }
}

impl Sink for MessageLog {
    fn event(
        &mut self,
        ctx: &StreamCtx<'_>,
        ev: &Event<'_>,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        render::write_event(out, self.format, self.verbose, ctx, ev)
    }

    fn accepts(&self, ctx: &StreamCtx<'_>, ev: &Event<'_>) -> bool {
        self.filter.event(ctx, ev)
    }
}

/// A view: every accepted event goes to it; the report comes at the end.
pub struct ViewSink<'a> {
    view: &'a mut dyn View,
    filter: &'a Filter,
}

impl<'a> ViewSink<'a> {
    /// Feeds `view` what passes `filter`.
    pub fn new(view: &'a mut dyn View, filter: &'a Filter) -> Self {
        ViewSink { view, filter }
    }

    /// The view, to finish it.
    pub fn view_mut(&mut self) -> &mut dyn View {
        &mut *self.view
    }
}

impl Sink for ViewSink<'_> {
    fn event(&mut self, ctx: &StreamCtx<'_>, ev: &Event<'_>, _: &mut dyn Write) -> io::Result<()> {
        self.view.event(ctx, ev);
        Ok(())
    }

    fn lifecycle(&mut self, l: &Lifecycle<'_>) {
        self.view.lifecycle(l);
    }

    fn foreign(&mut self, ctx: &StreamCtx<'_>, peer: &PeerHeader) {
        if self.filter.foreign(ctx, peer) {
            self.view.foreign(ctx, peer);
        }
    }

    fn accepts(&self, ctx: &StreamCtx<'_>, ev: &Event<'_>) -> bool {
        self.filter.event(ctx, ev)
    }

    fn view(&self) -> Option<&dyn View> {
        Some(&*self.view)
    }

    fn uses_route_ids(&self) -> bool {
        self.view.uses_route_ids()
    }

    fn threaded(&self) -> bool {
        self.view.threaded()
    }
}

/// Width of text tables: `COLUMNS`, else 100.
pub fn text_width() -> u16 {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|&w: &u16| w >= 40)
        .unwrap_or(100)
}

/// Prints a view's report after a run that ended with `status`; returns the run's status.
pub(super) fn print_report(view: &dyn View, status: ExitStatus, format: Format) -> ExitStatus {
    let report = view.report();
    let mut out = io::stdout().lock();
    match render::write_report(&mut out, format, &report, text_width()).and_then(|()| out.flush()) {
        Err(e) if is_broken_pipe(&e) && status == ExitStatus::Fatal => ExitStatus::Fatal,
        Err(e) if is_broken_pipe(&e) => ExitStatus::Clean,
        Err(e) => {
            eprintln!("bmpctl: error: writing output: {e}");
            ExitStatus::Fatal
        }
        Ok(()) => status,
    }
}
