//! Runs the commands: sources in, renderers out, exit status decided in one place.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::analysis::{self, EndHow, Lifecycle, View};
use crate::cli::{Cli, ColorChoice, Command, FormatChoice, InputArgs, LiveOutputArgs, LiveView};
use crate::decode::bmp::header::PeerHeader;
use crate::filter::Filter;
use crate::finding::{Finding, Kind, Severity};
use crate::handoff::{self, Batch, Item};
use crate::lanes::{self, Lane};
use crate::render::{StreamCtx, json, text};
use crate::source::{
    self, EndReason, InputFormat, SourceError, SourceEvent, SourceNotice, SourceOptions,
};
use crate::stream::{Delivery, Event, RouterInfo, StreamDecoder};

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// Everything decoded cleanly.
    Clean = 0,
    /// The input had errors.
    InputErrors = 1,
    /// Usage or I/O failure.
    Fatal = 2,
}

/// Messages between progress-bar updates.
const PROGRESS_EVERY: u64 = 4096;

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

    /// Adds another part of the run's tallies (a lane's: see [`crate::lanes`]).
    pub fn add(&mut self, other: Summary) {
        self.messages += other.messages;
        self.streams += other.streams;
        for (kind, n) in other.findings {
            *self.findings.entry(kind).or_default() += n;
        }
    }

    pub(crate) fn has_errors(&self) -> bool {
        self.findings
            .keys()
            .any(|k| k.severity() == Severity::Error)
    }

    pub(crate) fn line(&self) -> String {
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

/// Runs the parsed command line.
pub fn run(cli: Cli) -> ExitStatus {
    let stdout_tty = io::stdout().is_terminal();
    let colour = match cli.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            stdout_tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    colored::control::set_override(colour);
    match cli.command {
        Command::Decode(args) => {
            let mut sink = RenderSink {
                json: args.json,
                verbose: args.verbose,
                filter: args.filter.filter(),
            };
            read_inputs(&args.input, &mut sink)
        }
        Command::Peers(v) => {
            let filter = v.filter.filter();
            run_view_in_lanes(
                &v.input,
                &filter,
                v.json,
                || analysis::peers::Peers::new(filter.clone()),
                analysis::peers::Peers::absorb,
            )
        }
        Command::Timeline(v) => {
            let mut view = analysis::timeline::Timeline::new(v.filter.filter());
            run_view(&v.input, &v.filter.filter(), v.json, &mut view)
        }
        Command::Churn(c) => {
            let mut view = analysis::churn::Churn::new(c.view.filter.filter(), c.interval, c.top);
            run_view(
                &c.view.input,
                &c.view.filter.filter(),
                c.view.json,
                &mut view,
            )
        }
        Command::Listen(args) => with_live_sink(&args.output, |sink| {
            crate::live::listen(&args, sink, stdout_tty)
        }),
        Command::Connect(args) => with_live_sink(&args.output, |sink| {
            crate::live::connect(&args, sink, stdout_tty)
        }),
        Command::Replay(args) => crate::live::replay(&args),
    }
}

/// Builds the sink a live command's output options ask for (the message log, or a view) and
/// runs `f` with it.
fn with_live_sink(o: &LiveOutputArgs, f: impl FnOnce(&mut dyn Sink) -> ExitStatus) -> ExitStatus {
    let filter = o.filter.filter();
    let mut view: Box<dyn View> = match o.view {
        None => {
            return f(&mut RenderSink {
                json: o.json,
                verbose: o.verbose,
                filter,
            });
        }
        Some(LiveView::Peers) => Box::new(analysis::peers::Peers::new(filter.clone())),
        Some(LiveView::Timeline) => Box::new(analysis::timeline::Timeline::new(filter.clone())),
        Some(LiveView::Churn) => Box::new(analysis::churn::Churn::new(
            filter.clone(),
            o.interval,
            o.top,
        )),
    };
    f(&mut ViewSink {
        view: &mut *view,
        filter: &filter,
    })
}

/// Where the events of every stream go: the message log, or a view.
pub(crate) trait Sink {
    /// One event of a stream; output errors are returned.
    fn event(&mut self, ctx: &StreamCtx<'_>, ev: &Event<'_>, out: &mut dyn Write)
    -> io::Result<()>;
    /// A stream starts or ends.
    fn lifecycle(&mut self, _l: &Lifecycle<'_>) {}
    /// Whether the event counts (passes the filter).
    fn accepts(&self, ctx: &StreamCtx<'_>, ev: &Event<'_>) -> bool;
    /// The view fed, when this sink feeds one (live commands re-draw it).
    fn view(&self) -> Option<&dyn View> {
        None
    }
    /// Whether file runs should decode on a second thread (see [`read_inputs`]).
    fn threaded(&self) -> bool {
        false
    }
    /// A message of a peer that another lane decodes (see [`crate::lanes`]): only its
    /// per-peer header.
    fn foreign(&mut self, _ctx: &StreamCtx<'_>, _peer: &PeerHeader) {}
    /// Whether the events should carry their routes' identities
    /// ([`crate::stream::Decoded::route_ids`]).
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
        let ctx = StreamCtx {
            name,
            router: &RouterInfo::default(),
            observed: None,
        };
        *summary.findings.entry(finding.kind).or_default() += 1;
        self.event(&ctx, &Event::Finding(finding), out)
    }
}

/// `decode`: renders each event.
struct RenderSink {
    json: bool,
    verbose: bool,
    filter: Filter,
}

impl Sink for RenderSink {
    fn event(
        &mut self,
        ctx: &StreamCtx<'_>,
        ev: &Event<'_>,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        match (ev, self.json) {
            (Event::Message(d), true) => writeln!(out, "{}", json::message(ctx, d)),
            (Event::Finding(f), true) => writeln!(out, "{}", json::finding(ctx, f)),
            (Event::Message(d), false) => {
                writeln!(out, "{}", text::message(ctx, d, self.verbose))
            }
            (Event::Finding(f), false) => writeln!(out, "{}", text::finding(ctx, f)),
        }
    }

    fn accepts(&self, ctx: &StreamCtx<'_>, ev: &Event<'_>) -> bool {
        self.filter.event(ctx, ev)
    }
}

/// A view: feeds every accepted event to it; the report comes at the end.
struct ViewSink<'a> {
    view: &'a mut dyn View,
    filter: &'a Filter,
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

/// Terminal width for tables: `COLUMNS`, else 100.
pub(crate) fn terminal_width() -> u16 {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|&w: &u16| w >= 40)
        .unwrap_or(100)
}

/// Ends a live run: prints the view's final report (the message log is already out), flushes,
/// prints the summary line; returns the exit status.
pub(crate) fn finish_live<W: Write>(
    sink: &dyn Sink,
    out: &mut W,
    summary: &Summary,
    as_json: bool,
    write_err: Option<io::Error>,
    fatal: bool,
) -> ExitStatus {
    let mut result = match write_err {
        Some(e) => Err(e),
        None => Ok(()),
    };
    if result.is_ok() {
        if let Some(view) = sink.view() {
            let report = if as_json {
                view.report_json().to_string()
            } else {
                view.report_text(terminal_width())
            };
            result = writeln!(out, "{report}");
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

fn run_view(input: &InputArgs, filter: &Filter, as_json: bool, view: &mut dyn View) -> ExitStatus {
    let mut sink = ViewSink {
        view: &mut *view,
        filter,
    };
    let status = read_inputs(input, &mut sink);
    print_report(&*view, status, as_json)
}

/// Runs a view whose work splits by peer ([`crate::lanes`]): on files, without `--afi`, with
/// more than one core, each lane's thread runs `new()`'s view over its share of the peers and
/// `merge` folds the lanes' views into one; otherwise one view as [`run_view`] does.
fn run_view_in_lanes<V: View + Send>(
    input: &InputArgs,
    filter: &Filter,
    as_json: bool,
    new: impl Fn() -> V,
    merge: impl Fn(&mut V, V),
) -> ExitStatus {
    let count = lanes::lane_count();
    let piped = input.files.iter().any(|p| p.as_os_str() == "-");
    if count < 2 || piped || !filter.families.is_empty() {
        let mut view = new();
        return run_view(input, filter, as_json, &mut view);
    }
    let mut views: Vec<V> = (0..count).map(|_| new()).collect();
    let status = read_inputs_in_lanes(input, filter, &mut views);
    let mut views = views.into_iter();
    let Some(mut view) = views.next() else {
        return ExitStatus::Fatal;
    };
    for other in views {
        merge(&mut view, other);
    }
    print_report(&view, status, as_json)
}

/// Prints a view's report after a run that ended with `status`; returns the run's status.
fn print_report(view: &dyn View, status: ExitStatus, as_json: bool) -> ExitStatus {
    if status == ExitStatus::Fatal && view.report_json().is_null() {
        return status;
    }
    let report = if as_json {
        view.report_json().to_string()
    } else {
        view.report_text(terminal_width())
    };
    let mut out = io::stdout().lock();
    match writeln!(out, "{report}").and_then(|()| out.flush()) {
        Err(e) if is_broken_pipe(&e) && status == ExitStatus::Fatal => ExitStatus::Fatal,
        Err(e) if is_broken_pipe(&e) => ExitStatus::Clean,
        Err(e) => {
            eprintln!("bmpctl: error: writing output: {e}");
            ExitStatus::Fatal
        }
        Ok(()) => status,
    }
}

pub(crate) fn is_broken_pipe(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::BrokenPipe
}

/// A reader that advances a progress bar and stops reading once output has failed.
struct Input<R> {
    inner: R,
    bar: ProgressBar,
    stop: Arc<AtomicBool>,
}

impl<R: Read> Read for Input<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.stop.load(Ordering::Relaxed) {
            return Err(io::Error::new(io::ErrorKind::BrokenPipe, "output closed"));
        }
        let n = self.inner.read(buf)?;
        self.bar.inc(n as u64);
        Ok(n)
    }
}

fn progress_bar(len: Option<u64>) -> ProgressBar {
    // Only on a terminal: never mixed into redirected output or logs.
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

/// Reads every input, hands its events to `sink`, prints the summary line; returns the exit
/// status the inputs deserve.
///
/// For a sink whose own work is heavy (the `churn` view, and `peers` when it does not run in
/// lanes: see [`run_view_in_lanes`]), files are read and decoded on a second thread while this
/// one feeds the sink (see [`crate::handoff`]): the two halves of the work run on two cores.
/// Otherwise (the message log, whose rendering is nearly all the work, and `timeline`), and
/// always for standard input (a live stream piped in is shown as it arrives, not per batch),
/// everything runs on this thread.
fn read_inputs(args: &InputArgs, sink: &mut dyn Sink) -> ExitStatus {
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut summary = Summary::default();
    let stop = Arc::new(AtomicBool::new(false));
    let piped = args.files.iter().any(|p| p.as_os_str() == "-");
    let (fatal, write_err) = if piped || !sink.threaded() {
        decode_files(args, sink, &mut out, &mut summary, &stop, None)
    } else {
        std::thread::scope(|scope| {
            let (tx, rx) = mpsc::sync_channel::<Batch>(BATCHES_IN_FLIGHT);
            let (back_tx, back_rx) = mpsc::channel::<Batch>();
            let decoder_stop = stop.clone();
            let route_ids = sink.uses_route_ids();
            let decoder = std::thread::Builder::new()
                .name("bmpctl-decode".into())
                .spawn_scoped(scope, move || {
                    let mut handoff = HandoffSink::new(tx, back_rx, route_ids);
                    let mut discard = io::sink();
                    let mut counted = Summary::default();
                    let (fatal, _) = decode_files(
                        args,
                        &mut handoff,
                        &mut discard,
                        &mut counted,
                        &decoder_stop,
                        None,
                    );
                    handoff.close();
                    fatal
                });
            let Ok(decoder) = decoder else {
                eprintln!("bmpctl: error: cannot start the decoding thread");
                return (true, None);
            };
            let (fatal, write_err) = feed(rx, &back_tx, sink, &mut out, &mut summary);
            if write_err.is_some() {
                stop.store(true, Ordering::Relaxed);
            }
            // The decoding thread ends once it sees the stop flag or the closed channel.
            drop(back_tx);
            let decoder_fatal = decoder.join().unwrap_or(true);
            (fatal || decoder_fatal, write_err)
        })
    };
    // A closed stdout (`| head`) ends the run quietly; an input that could not be read before
    // that still makes it a failure.
    let closed = if fatal {
        ExitStatus::Fatal
    } else {
        ExitStatus::Clean
    };
    if let Some(e) = write_err {
        if is_broken_pipe(&e) {
            return closed;
        }
        eprintln!("bmpctl: error: writing output: {e}");
        return ExitStatus::Fatal;
    }
    if let Err(e) = out.flush() {
        if is_broken_pipe(&e) {
            return closed;
        }
        eprintln!("bmpctl: error: writing output: {e}");
        return ExitStatus::Fatal;
    }
    eprintln!("{}", summary.line());
    summary.status(fatal)
}

/// Reads every input in one lane per view (see [`crate::lanes`]), each on its own thread (the
/// first on this one), prints the summary line of all lanes together; returns the exit status
/// the inputs deserve. Views print nothing until the end, so there is no output to fail here.
fn read_inputs_in_lanes<V: View + Send>(
    args: &InputArgs,
    filter: &Filter,
    views: &mut [V],
) -> ExitStatus {
    let count = views.len();
    let stop = Arc::new(AtomicBool::new(false));
    let counted = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let Some((first_view, rest)) = views.split_first_mut() else {
        return ExitStatus::Fatal;
    };
    let run_lane = |index: usize, view: &mut V| {
        let mut lane = Lane::new(index, count).counting_into(counted.clone());
        let mut sink = ViewSink { view, filter };
        let mut summary = Summary::default();
        // A view writes nothing until the end; errors go to stderr through `Sink::fatal`.
        let (fatal, _) = decode_files(
            args,
            &mut sink,
            &mut io::sink(),
            &mut summary,
            &stop,
            Some(&mut lane),
        );
        sink.view.finish();
        (fatal, summary)
    };
    let run_lane = &run_lane;
    let results = std::thread::scope(|scope| {
        let mut handles = Vec::new();
        for (i, view) in rest.iter_mut().enumerate() {
            let spawned = std::thread::Builder::new()
                .name(format!("bmpctl-lane-{}", i + 1))
                .spawn_scoped(scope, move || run_lane(i + 1, view));
            match spawned {
                Ok(h) => handles.push(h),
                Err(e) => {
                    // Without every lane some peers would go missing: stop the others.
                    stop.store(true, Ordering::Relaxed);
                    eprintln!("bmpctl: error: cannot start a decoding thread: {e}");
                    for h in handles {
                        let _ = h.join();
                    }
                    return None;
                }
            }
        }
        let mut results = vec![run_lane(0, first_view)];
        for h in handles {
            results.push(h.join().unwrap_or_else(|_| {
                eprintln!(
                    "bmpctl: error: a decoding thread failed (a bmpctl bug: please report it)"
                );
                (true, Summary::default())
            }));
        }
        Some(results)
    });
    let Some(results) = results else {
        return ExitStatus::Fatal;
    };
    let mut summary = Summary::default();
    let mut fatal = false;
    for (lane_fatal, lane_summary) in results {
        fatal |= lane_fatal;
        summary.add(lane_summary);
    }
    eprintln!("{}", summary.line());
    summary.status(fatal)
}

/// Batches between the decoding thread and the sink's: enough to ride out uneven messages,
/// few enough to keep memory bounded (a batch is sent at about 256 KiB of octets).
const BATCHES_IN_FLIGHT: usize = 4;

/// Decodes every input into `sink`; returns whether an input could not be read, and the first
/// output error (which ends the run).
fn decode_files<W: Write>(
    args: &InputArgs,
    sink: &mut dyn Sink,
    out: &mut W,
    summary: &mut Summary,
    stop: &Arc<AtomicBool>,
    mut lane: Option<&mut Lane>,
) -> (bool, Option<io::Error>) {
    let mut fatal = false;
    // Other lanes read the same inputs: the first reports what goes wrong with them.
    let first = lane.as_deref().is_none_or(Lane::first);
    for path in &args.files {
        let name = path.to_string_lossy().into_owned();
        let (reader, len): (Box<dyn Read + Send>, Option<u64>) = if name == "-" {
            (Box::new(io::stdin()), None)
        } else {
            match File::open(path) {
                Ok(f) => {
                    let len = f.metadata().ok().map(|m| m.len());
                    (Box::new(f), len)
                }
                Err(e) => {
                    if first {
                        sink.fatal(&format!("bmpctl: error: cannot read {name}: {e}"), out);
                    }
                    fatal = true;
                    continue;
                }
            }
        };
        let bar = if first {
            progress_bar(len)
        } else {
            ProgressBar::hidden()
        };
        let input = Input {
            inner: reader,
            bar: bar.clone(),
            stop: stop.clone(),
        };
        let mut run = DecodeRun {
            file: &name,
            max_message: args.max_message,
            limit: u64::MAX,
            sink: &mut *sink,
            out: &mut *out,
            summary: &mut *summary,
            streams: HashMap::new(),
            names: HashMap::new(),
            write_err: None,
            stop: stop.clone(),
            bar: bar.clone(),
            lane: lane.as_deref_mut(),
        };
        let result = source::run(input, &source_options(&name, args), &mut |ev| run.event(ev));
        bar.finish_and_clear();
        if let Some(e) = run.write_err.take() {
            return (fatal, Some(e));
        }
        match result {
            Ok(_) => {}
            Err(SourceError::Io(e)) => {
                if first {
                    sink.fatal(&format!("bmpctl: error: reading {name}: {e}"), out);
                }
                fatal = true;
            }
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

/// The sink's side of a threaded run: rebuilds every event of the batches and hands it to
/// `sink`, as [`DecodeRun`] would have. Returns whether an input could not be read, and the
/// first output error.
fn feed<W: Write>(
    rx: mpsc::Receiver<Batch>,
    back: &mpsc::Sender<Batch>,
    sink: &mut dyn Sink,
    out: &mut W,
    summary: &mut Summary,
) -> (bool, Option<io::Error>) {
    let mut fatal = false;
    let mut write_err = None;
    let mut name = String::new();
    let mut router = RouterInfo::default();
    for mut batch in rx {
        let Batch {
            bytes, items, ids, ..
        } = &mut batch;
        for item in items.drain(..) {
            if write_err.is_some() {
                break;
            }
            match item {
                Item::Start {
                    name,
                    router,
                    time,
                    reconnect,
                } => {
                    summary.streams += 1;
                    sink.lifecycle(&Lifecycle::StreamStart {
                        stream: &name,
                        router,
                        time,
                        reconnect,
                    });
                }
                Item::End {
                    name,
                    router,
                    how,
                    time,
                } => sink.lifecycle(&Lifecycle::StreamEnd {
                    stream: &name,
                    router: &router,
                    how,
                    time,
                }),
                Item::Context { name: n, router: r } => {
                    name = n;
                    router = r;
                }
                Item::Message {
                    observed,
                    offset,
                    at,
                    len,
                    record,
                    ids: (first, count),
                } => {
                    let route_ids = ids.get(first..first + count);
                    let raw = bytes.get(at..at + len).unwrap_or_default();
                    let ctx = context(&name, &router, observed);
                    let ev = match handoff::redecode(offset, raw, &record, route_ids) {
                        Some(d) => Event::Message(d),
                        // It decoded on the other thread, so this cannot happen; if it does,
                        // the message is not lost silently.
                        None => Event::Finding(
                            Finding::new(
                                Kind::MalformedMessage,
                                offset,
                                raw.get(5).copied(),
                                "message decoded but could not be handed over between threads (a bmpctl bug: please report it)".into(),
                            )
                            .with_raw(raw),
                        ),
                    };
                    emit(&ctx, &ev, sink, out, summary, &mut write_err, u64::MAX);
                }
                Item::Finding { observed, finding } => {
                    let ctx = context(&name, &router, observed);
                    emit(
                        &ctx,
                        &Event::Finding(finding),
                        sink,
                        out,
                        summary,
                        &mut write_err,
                        u64::MAX,
                    );
                }
                Item::SourceFailure { name, finding } => {
                    if let Err(e) = sink.source_failure(&name, finding, out, summary) {
                        write_err = Some(e);
                    }
                }
                Item::Fatal(msg) => {
                    sink.fatal(&msg, out);
                    fatal = true;
                }
            }
        }
        batch.clear();
        // The decoding thread reuses it; it may be gone already.
        let _ = back.send(batch);
        if write_err.is_some() {
            break;
        }
    }
    (fatal, write_err)
}

fn context<'a>(
    name: &'a str,
    router: &'a RouterInfo,
    observed: Option<(u64, u32)>,
) -> StreamCtx<'a> {
    StreamCtx {
        name,
        router,
        observed,
    }
}

/// The decoding thread's sink: packs every event into batches for [`feed`].
struct HandoffSink {
    batch: Batch,
    /// Compute the routes' identities (the other side's sink uses them).
    route_ids: bool,
    tx: mpsc::SyncSender<Batch>,
    back: mpsc::Receiver<Batch>,
    name: String,
    router: RouterInfo,
    /// No `Context` item sent yet.
    fresh: bool,
}

impl HandoffSink {
    fn new(tx: mpsc::SyncSender<Batch>, back: mpsc::Receiver<Batch>, route_ids: bool) -> Self {
        HandoffSink {
            batch: Batch::default(),
            route_ids,
            tx,
            back,
            name: String::new(),
            router: RouterInfo::default(),
            fresh: true,
        }
    }

    fn context(&mut self, ctx: &StreamCtx<'_>) {
        if self.fresh || self.name != ctx.name || self.router != *ctx.router {
            self.fresh = false;
            self.name = ctx.name.to_string();
            self.router = ctx.router.clone();
            self.batch.items.push(Item::Context {
                name: self.name.clone(),
                router: self.router.clone(),
            });
        }
    }

    /// Sends the batch; an error once the other side has stopped (its output failed).
    fn send(&mut self) -> io::Result<()> {
        let next = self.back.try_recv().unwrap_or_default();
        let full = std::mem::replace(&mut self.batch, next);
        self.tx
            .send(full)
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "output closed"))
    }

    fn send_if_full(&mut self) -> io::Result<()> {
        if self.batch.full() {
            self.send()
        } else {
            Ok(())
        }
    }

    /// Sends what is left.
    fn close(mut self) {
        if !self.batch.items.is_empty() {
            let _ = self.send();
        }
    }
}

impl Sink for HandoffSink {
    fn event(&mut self, ctx: &StreamCtx<'_>, ev: &Event<'_>, _: &mut dyn Write) -> io::Result<()> {
        self.context(ctx);
        match ev {
            Event::Message(d) => self.batch.message(ctx.observed, d, self.route_ids),
            Event::Finding(f) => self.batch.finding(ctx.observed, f),
        }
        self.send_if_full()
    }

    fn lifecycle(&mut self, l: &Lifecycle<'_>) {
        self.batch.items.push(match *l {
            Lifecycle::StreamStart {
                stream,
                router,
                time,
                reconnect,
            } => Item::Start {
                name: stream.to_string(),
                router,
                time,
                reconnect,
            },
            Lifecycle::StreamEnd {
                stream,
                router,
                how,
                time,
            } => Item::End {
                name: stream.to_string(),
                router: router.clone(),
                how,
                time,
            },
        });
        // A send error means the other side stopped; the next event finds it too.
        let _ = self.send_if_full();
    }

    /// Every event goes to the other side, whose sink filters.
    fn accepts(&self, _: &StreamCtx<'_>, _: &Event<'_>) -> bool {
        true
    }

    fn fatal(&mut self, msg: &str, _: &mut dyn Write) {
        self.batch.items.push(Item::Fatal(msg.to_string()));
    }

    fn source_failure(
        &mut self,
        name: &str,
        finding: Finding,
        _: &mut dyn Write,
        _: &mut Summary,
    ) -> io::Result<()> {
        self.batch.items.push(Item::SourceFailure {
            name: name.to_string(),
            finding,
        });
        self.send_if_full()
    }
}

pub(crate) fn source_options(name: &str, args: &InputArgs) -> SourceOptions {
    let mut opts = SourceOptions::named(name);
    opts.format = match args.format {
        FormatChoice::Auto => None,
        FormatChoice::Raw => Some(InputFormat::Raw),
        FormatChoice::Pcap => Some(InputFormat::Pcap),
        FormatChoice::Pcapng => Some(InputFormat::Pcapng),
        FormatChoice::Openbmp => Some(InputFormat::OpenBmp),
    };
    opts.port = args.port;
    opts.max_message = opts.max_message.max(args.max_message);
    if name == "-" {
        // A pipe delivers a live stream: do not wait for large chunks before decoding.
        opts.read_chunk = 4096;
    }
    opts
}

/// One open stream of the input.
struct OpenStream {
    name: String,
    decoder: StreamDecoder,
    health: StreamHealth,
}

/// How well a stream frames, for live sessions that cut off a peer sending garbage.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct StreamHealth {
    /// Bytes reported skipped (`garbage_skipped` findings) so far.
    pub garbage: u64,
    /// Stream offset just past the last decoded message (or the last resynchronisation).
    pub progress: u64,
    /// Bytes of the stream pushed so far.
    pub len: u64,
}

/// Decoding of one input (a file, or every session of a live run): its streams, and where
/// events go.
pub(crate) struct DecodeRun<'r, W: Write> {
    /// Input name, prefixed to stream names that differ from it (empty: no prefix).
    file: &'r str,
    max_message: u32,
    /// Events stop counting and reaching the sink once this many messages were counted.
    limit: u64,
    sink: &'r mut dyn Sink,
    out: &'r mut W,
    summary: &'r mut Summary,
    streams: HashMap<u64, OpenStream>,
    /// How many streams of this input had each name.
    names: HashMap<String, u32>,
    write_err: Option<io::Error>,
    stop: Arc<AtomicBool>,
    bar: ProgressBar,
    /// This run's lane, when the work is split by peer (see [`crate::lanes`]).
    lane: Option<&'r mut Lane>,
}

impl<'r, W: Write> DecodeRun<'r, W> {
    /// A run for live sessions: stream names are used as they come (no input-name prefix); at
    /// most `limit` messages reach the sink.
    pub(crate) fn live(
        max_message: u32,
        limit: u64,
        sink: &'r mut dyn Sink,
        out: &'r mut W,
        summary: &'r mut Summary,
    ) -> Self {
        DecodeRun {
            file: "",
            max_message,
            limit,
            sink,
            out,
            summary,
            streams: HashMap::new(),
            names: HashMap::new(),
            write_err: None,
            stop: Arc::new(AtomicBool::new(false)),
            bar: ProgressBar::hidden(),
            lane: None,
        }
    }

    /// The sink.
    pub(crate) fn sink(&self) -> &dyn Sink {
        &*self.sink
    }

    /// The output.
    pub(crate) fn out(&mut self) -> &mut W {
        self.out
    }

    /// Whether the message limit has been reached.
    pub(crate) fn limit_reached(&self) -> bool {
        self.summary.messages >= self.limit
    }

    /// The first output error, taken.
    pub(crate) fn take_write_err(&mut self) -> Option<io::Error> {
        self.write_err.take()
    }

    /// How a stream frames so far.
    pub(crate) fn health(&self, id: u64) -> Option<StreamHealth> {
        self.streams.get(&id).map(|s| StreamHealth {
            len: s.decoder.stream_len(),
            ..s.health
        })
    }

    /// A finding about a stream (or about no stream) from outside its bytes.
    pub(crate) fn finding(&mut self, stream: Option<u64>, finding: Finding) {
        let default_router = RouterInfo::default();
        let (name, router) = match stream.and_then(|s| self.streams.get(&s)) {
            Some(s) => (s.name.clone(), s.decoder.router.clone()),
            None => (self.file.to_string(), default_router),
        };
        let ctx = StreamCtx {
            name: &name,
            router: &router,
            observed: None,
        };
        emit(
            &ctx,
            &Event::Finding(finding),
            &mut *self.sink,
            self.out,
            self.summary,
            &mut self.write_err,
            self.limit,
        );
    }

    /// One event of the source.
    pub(crate) fn event(&mut self, ev: SourceEvent<'_>) {
        match ev {
            SourceEvent::StreamStart {
                id,
                name,
                router,
                time,
                reconnect,
            } => {
                let mut name = if name == self.file || self.file.is_empty() {
                    name
                } else {
                    format!("{} {name}", self.file)
                };
                // A reconnect on the same 4-tuple is a new session: give it a name of its own.
                let seen = self.names.entry(name.clone()).or_insert(0);
                *seen += 1;
                if *seen > 1 {
                    name = format!("{name} #{seen}");
                }
                let mut decoder = StreamDecoder::new(self.max_message);
                decoder.router.address = router;
                if self.first_lane() {
                    self.summary.streams += 1;
                }
                self.sink.lifecycle(&Lifecycle::StreamStart {
                    stream: &name,
                    router,
                    time: time.map(|t| (t.secs, t.nanos / 1000)),
                    reconnect,
                });
                self.streams.insert(
                    id.0,
                    OpenStream {
                        name,
                        decoder,
                        health: StreamHealth::default(),
                    },
                );
            }
            SourceEvent::Data { id, bytes, time } => {
                let observed = time.map(|t| (t.secs, t.nanos / 1000));
                self.with_stream(id.0, observed, |dec, lane, sink| {
                    dec.push_lane(bytes, lane, sink)
                });
            }
            SourceEvent::Gap {
                id, missing, time, ..
            } => {
                let observed = time.map(|t| (t.secs, t.nanos / 1000));
                self.with_stream(id.0, observed, |dec, lane, sink| {
                    dec.gap_lane(missing, lane, sink)
                });
            }
            SourceEvent::StreamEnd { id, time, how } => {
                let observed = time.map(|t| (t.secs, t.nanos / 1000));
                self.with_stream(id.0, observed, |dec, lane, sink| {
                    dec.finish_lane(lane, sink)
                });
                if let Some(s) = self.streams.remove(&id.0) {
                    self.sink.lifecycle(&Lifecycle::StreamEnd {
                        stream: &s.name,
                        router: &s.decoder.router,
                        how: match how {
                            EndReason::Fin => EndHow::Fin,
                            EndReason::Reset => EndHow::Reset,
                            EndReason::Superseded => EndHow::Superseded,
                            EndReason::EndOfInput => EndHow::EndOfInput,
                        },
                        time: observed,
                    });
                }
            }
            // A notice is about the input, not a peer: the first lane reports it.
            SourceEvent::Notice(_) if !self.first_lane() => {}
            SourceEvent::Notice(n) => {
                let (kind, stream) = match &n {
                    SourceNotice::ReorderOverflow { id, .. } => (Kind::ReorderOverflow, Some(id.0)),
                    SourceNotice::NotBmp { .. } => (Kind::NonBmpFlow, None),
                    SourceNotice::SkippedBeforeBmp { id, .. } => (Kind::SourceNotice, Some(id.0)),
                    SourceNotice::TruncatedCapture { .. } | SourceNotice::CorruptCapture { .. } => {
                        (Kind::CaptureDamaged, None)
                    }
                    _ => (Kind::SourceNotice, None),
                };
                self.finding(stream, Finding::new(kind, 0, None, n.to_string()));
            }
        }
        if self.write_err.is_some() {
            self.stop.store(true, Ordering::Relaxed);
        }
    }

    /// Whether this run reports what belongs to no peer: it is the first lane, or not split.
    fn first_lane(&self) -> bool {
        self.lane.as_deref().is_none_or(Lane::first)
    }

    /// Runs `f` on a stream's decoder, with this run's lane, and a sink that renders its
    /// events.
    fn with_stream(
        &mut self,
        id: u64,
        observed: Option<(u64, u32)>,
        f: impl FnOnce(
            &mut StreamDecoder,
            Option<&mut Lane>,
            &mut dyn FnMut(&RouterInfo, Delivery<'_, '_>),
        ),
    ) {
        let Some(stream) = self.streams.get_mut(&id) else {
            return;
        };
        let (sink, out, summary, write_err, limit) = (
            &mut *self.sink,
            &mut *self.out,
            &mut *self.summary,
            &mut self.write_err,
            self.limit,
        );
        let name = stream.name.as_str();
        let health = &mut stream.health;
        let before = summary.messages;
        f(
            &mut stream.decoder,
            self.lane.as_deref_mut(),
            &mut |router, delivery| {
                let (ev, counted) = match delivery {
                    Delivery::Counted(ev) => (ev, true),
                    Delivery::Uncounted(ev) => (ev, false),
                    Delivery::Foreign(peer) => {
                        let ctx = StreamCtx {
                            name,
                            router,
                            observed,
                        };
                        sink.foreign(&ctx, peer);
                        return;
                    }
                };
                match ev {
                    Event::Message(d) => health.progress = d.offset + d.raw.len() as u64,
                    Event::Finding(f) if f.kind == Kind::GarbageSkipped => {
                        let count = f.bytes.unwrap_or(0);
                        health.garbage += count;
                        health.progress = health.progress.max(f.offset + count);
                    }
                    Event::Finding(_) => {}
                }
                let ctx = StreamCtx {
                    name,
                    router,
                    observed,
                };
                if counted {
                    emit(&ctx, ev, &mut *sink, out, summary, write_err, limit);
                } else if write_err.is_none() && sink.accepts(&ctx, ev) {
                    // Another lane counts it; this one only needs what it says about the router.
                    if let Err(e) = sink.event(&ctx, ev, out) {
                        *write_err = Some(e);
                    }
                }
            },
        );
        // In lanes, the count shown is that of every lane.
        let added = self.summary.messages - before;
        let shown = match self.lane.as_deref() {
            Some(lane) => lane.counted(added),
            None => self.summary.messages,
        };
        if shown / PROGRESS_EVERY != (shown - added) / PROGRESS_EVERY {
            self.bar.set_message(format!("{shown} messages"));
        }
    }
}

fn emit(
    ctx: &StreamCtx<'_>,
    ev: &Event<'_>,
    sink: &mut dyn Sink,
    out: &mut dyn Write,
    summary: &mut Summary,
    write_err: &mut Option<io::Error>,
    limit: u64,
) {
    if summary.messages >= limit || !sink.accepts(ctx, ev) {
        return;
    }
    match ev {
        Event::Message(_) => summary.messages += 1,
        Event::Finding(f) => *summary.findings.entry(f.kind).or_default() += 1,
    }
    if write_err.is_some() {
        return;
    }
    if let Err(e) = sink.event(ctx, ev, out) {
        *write_err = Some(e);
    }
}
