//! The pipeline: sources in, decoded events through a sink, output and exit status out.
//!
//! A run takes [`crate::source::Source`]s (files, standard input, a live station) and hands
//! every [`crate::source::SourceEvent`] to a [`DecodeRun`]: one stream decoder per stream,
//! router identity ([`crate::identity`]), findings for what the source noticed. Every decoded
//! message and finding goes to a [`Sink`]: the message log ([`MessageLog`]) renders it at once,
//! a view ([`ViewSink`]) accumulates it and prints its report at the end. The run keeps the
//! [`Summary`] (messages, streams, findings by kind) that decides the exit status and makes
//! the closing line on stderr.
//!
//! File runs can use both cores: a view whose own work is heavy gets the hand-off driver
//! ([`handoff`]: decoding on a second thread), and `peers` the lane driver ([`lanes`]: the
//! work split by peer over one thread per core). Both keep the output identical to a
//! single-threaded run.

mod drivers;
mod files;
pub mod handoff;
pub mod lanes;
mod live;
mod run;
mod sinks;

use std::collections::BTreeMap;
use std::io::{self, Write};

pub use drivers::{decode, view};
pub use files::Inputs;
pub use live::{LiveOutput, LiveShow, live};
pub use run::{DecodeRun, GARBAGE_LIMIT};
pub use sinks::{MessageLog, ViewSink};

use crate::analysis::View;
use crate::decode::bmp::header::PeerHeader;
use crate::event::{Event, Lifecycle, RouterInfo, StreamCtx};
use crate::exit::ExitStatus;
use crate::finding::{Finding, Kind, Severity};
use crate::identity::RouterId;

/// Tallies for the closing summary line.
#[derive(Debug, Default)]
pub struct Summary {
    /// Messages decoded.
    pub messages: u64,
    /// Streams read.
    pub streams: u64,
    /// Findings by kind.
    pub findings: BTreeMap<Kind, u64>,
}

impl Summary {
    /// The exit status for a run that had these tallies (`fatal`: an I/O failure).
    pub fn status(&self, fatal: bool) -> ExitStatus {
        if fatal {
            ExitStatus::Fatal
        } else if self.has_errors() {
            ExitStatus::InputErrors
        } else {
            ExitStatus::Clean
        }
    }

    /// Adds another part of the run's tallies (a lane's: see [`lanes`]).
    pub fn add(&mut self, other: Summary) {
        self.messages += other.messages;
        self.streams += other.streams;
        for (kind, n) in other.findings {
            *self.findings.entry(kind).or_default() += n;
        }
    }

    fn has_errors(&self) -> bool {
        self.findings
            .keys()
            .any(|k| k.severity() == Severity::Error)
    }

    /// The closing line: `bmpctl: 509 messages decoded from 1 stream, 3 findings (…)`.
    pub fn line(&self) -> String {
        let streams = if self.streams == 1 {
            "stream"
        } else {
            "streams"
        };
        let mut s = format!(
            "bmpctl: {} messages decoded from {} {streams}",
            self.messages, self.streams
        );
        if self.findings.is_empty() {
            s.push_str(", no findings");
        } else {
            let total: u64 = self.findings.values().sum();
            let kinds: Vec<String> = self
                .findings
                .iter()
                .map(|(k, n)| format!("{n} {}", k.name()))
                .collect();
            s.push_str(&format!(", {total} findings ({})", kinds.join(", ")));
        }
        s
    }
}

/// Where the events of every stream go: the message log, or a view.
pub trait Sink {
    /// One event of a stream; output errors are returned.
    fn event(&mut self, ctx: &StreamCtx<'_>, ev: &Event<'_>, out: &mut dyn Write)
    -> io::Result<()>;
    /// A stream starts or ends.
    fn lifecycle(&mut self, _l: &Lifecycle<'_>) {}
    /// Whether the event counts (passes the filter).
    fn accepts(&self, ctx: &StreamCtx<'_>, ev: &Event<'_>) -> bool;
    /// The view fed, when this sink feeds one (live runs re-draw it).
    fn view(&self) -> Option<&dyn View> {
        None
    }
    /// Whether file runs should decode on a second thread (see [`handoff`]).
    fn threaded(&self) -> bool {
        false
    }
    /// A message of a peer that another lane decodes (see [`lanes`]): only its per-peer
    /// header.
    fn foreign(&mut self, _ctx: &StreamCtx<'_>, _peer: &PeerHeader) {}
    /// Whether the events should carry their routes' identities
    /// ([`crate::event::Decoded::route_ids`]).
    fn uses_route_ids(&self) -> bool {
        false
    }
    /// An input could not be read: `msg` goes to stderr, after the output so far.
    fn fatal(&mut self, msg: &str, out: &mut dyn Write) {
        let _ = out.flush();
        eprintln!("{msg}");
    }
    /// A capture file is damaged beyond reading (`capture_damaged`): counted and handed to the
    /// sink whatever the filters say.
    fn source_failure(
        &mut self,
        name: &str,
        finding: Finding,
        out: &mut dyn Write,
        summary: &mut Summary,
    ) -> io::Result<()> {
        let router = RouterInfo::default();
        let ctx = StreamCtx {
            name,
            router: &router,
            router_id: RouterId::NONE,
            observed: None,
        };
        *summary.findings.entry(finding.kind).or_default() += 1;
        self.event(&ctx, &Event::Finding(finding), out)
    }
}
