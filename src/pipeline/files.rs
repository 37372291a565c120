//! Reading the inputs of a file run: every file (or standard input) in turn, with a progress
//! bar on a terminal, through a [`DecodeRun`] into a sink.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::lanes::Lane;
use super::run::DecodeRun;
use super::{Sink, Summary};
use crate::finding::{Finding, Kind};
use crate::identity::Routers;
use crate::source::{Source, SourceError, SourceOptions};

/// The inputs of a file run, and how to read them.
#[derive(Debug, Clone)]
pub struct Inputs {
    /// Paths; `-` is standard input.
    pub files: Vec<PathBuf>,
    /// How to read them (each input's name is set as it is opened).
    pub options: SourceOptions,
    /// Largest BMP message framed; longer ones are skipped with a finding.
    pub max_message: u32,
}

impl Inputs {
    /// Whether standard input is among them: a live stream piped in, shown as it arrives.
    pub fn piped(&self) -> bool {
        self.files.iter().any(|p| p.as_os_str() == "-")
    }

    /// Opens one of them.
    fn open(&self, path: &Path) -> io::Result<Box<dyn Source>> {
        crate::source::open(path, self.options.clone())
    }
}

/// Decodes every input into `sink`; returns whether an input could not be read, and the first
/// output error (which ends the run). `abort`: another part of the run failed, stop reading.
pub(super) fn decode_files<W: Write>(
    inputs: &Inputs,
    sink: &mut dyn Sink,
    out: &mut W,
    summary: &mut Summary,
    routers: &mut Routers,
    mut lane: Option<&mut Lane>,
    abort: Option<&Arc<AtomicBool>>,
) -> (bool, Option<io::Error>) {
    let mut fatal = false;
    // Other lanes read the same inputs: the first reports what goes wrong with them.
    let first = lane.as_deref().is_none_or(Lane::is_first);
    for path in &inputs.files {
        if abort.is_some_and(|a| a.load(Ordering::Relaxed)) {
            break; // another part of the run failed: the rest is not wanted
        }
        let name = path.to_string_lossy().into_owned();
        let source = match inputs.open(path) {
            Ok(s) => s,
            Err(e) => {
                if first {
                    sink.fatal(&format!("bmpctl: error: cannot read {name}: {e}"), out);
                }
                fatal = true;
                continue;
            }
        };
        let bar = if first {
            progress_bar(source.size())
        } else {
            ProgressBar::hidden()
        };
        let counter = bar.clone();
        let mut source = source;
        source.on_read(Box::new(move |n| counter.inc(n as u64)));
        let mut run = DecodeRun::new(
            &name,
            inputs.max_message,
            &mut *sink,
            &mut *out,
            &mut *summary,
            &mut *routers,
        )
        .progress(bar.clone())
        .lane(lane.as_deref_mut())
        .abort_on(abort.cloned());
        let result = source.run(&mut run);
        bar.finish_and_clear();
        if let Some(e) = run.take_write_err() {
            return (fatal, Some(e));
        }
        match result {
            Ok(()) => {}
            Err(SourceError::Io(e)) => {
                if first {
                    sink.fatal(&format!("bmpctl: error: reading {name}: {e}"), out);
                }
                fatal = true;
            }
            Err(SourceError::Reported) => fatal = true,
            Err(SourceError::Format(_)) if !first => {}
            Err(SourceError::Format(detail)) => {
                let f = Finding::new(Kind::CaptureDamaged, 0, None, detail);
                if let Err(e) = sink.source_failure(&name, f, out, summary) {
                    return (fatal, Some(e));
                }
            }
        }
    }
    (fatal, None)
}

/// A progress bar on stderr, only on a terminal: never mixed into redirected output or logs.
fn progress_bar(len: Option<u64>) -> ProgressBar {
    if !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = match len {
        Some(n) => ProgressBar::new(n),
        None => ProgressBar::no_length(),
    };
    bar.set_draw_target(ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template(
        "{spinner} {bytes}/{total_bytes} [{bar:30}] {binary_bytes_per_sec} {msg}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar())
    .progress_chars("=> ");
    bar.set_style(style);
    bar
}
