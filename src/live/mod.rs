//! Live BMP: the station (`listen`, `connect`) and the sender (`replay`).
//!
//! # Station design
//! The network side runs on a tokio runtime created for live commands only (the rest of the
//! crate stays synchronous). Each TCP connection is one BMP session, read by its own task
//! ([`station`]): the task waits for the socket to become readable, reads at most
//! [`CHUNK`] bytes into a fresh buffer, appends them to the session's `--write` file (before
//! anything else, unbuffered, so that a crash or Ctrl-C never loses received bytes), and sends
//! the owned chunk through one bounded channel ([`CHANNEL`] chunks) to the consumer. An idle
//! session holds no buffer at all.
//!
//! The consumer ([`consume`]) runs on the calling thread: it owns every
//! [`crate::stream::StreamDecoder`] (through [`crate::app`]'s `DecodeRun`, the very path files
//! take), the sink (message log or view) and stdout. When it is slow (a slow terminal, a big
//! view), the channel fills, readers wait on it, stop reading their sockets, and TCP flow
//! control slows the routers down: memory stays bounded at about `CHANNEL × CHUNK` plus one
//! chunk per session plus the decoders' state.
//!
//! A session whose bytes do not frame is cut off by the consumer (see [`GARBAGE_LIMIT`]): it
//! reports a finding and tells that session's reader to close; other sessions go on.
//!
//! The run ends on Ctrl-C, SIGTERM, `--duration` or `--count`: a shared flag tells the
//! acceptors and readers to stop, each reader ends its session (its file is complete: every
//! chunk was written before it was queued), the consumer drains the channel, and the final
//! report and the summary line are printed.

mod replay;
mod station;

use std::io::{self, Write};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::sync::{mpsc, oneshot, watch};

use crate::app::{self, DecodeRun, ExitStatus, Sink, Summary};
use crate::cli::{ConnectArgs, ListenArgs, LiveOutputArgs, LiveRunArgs, ReplayArgs};
use crate::finding::{Finding, Kind};
use crate::source::{EndReason, SourceEvent, Timestamp};

/// Largest read from a session socket (and so the largest chunk queued).
pub const CHUNK: usize = 64 << 10;

/// Chunks queued between the readers and the consumer, for all sessions together.
pub const CHANNEL: usize = 32;

/// A session is disconnected once its `garbage_skipped` findings add up to more than this many
/// bytes, or once this many bytes beyond `--max-message` arrived without a single message
/// framing (a peer that sends nothing that frames never produces a finding on its own).
pub const GARBAGE_LIMIT: u64 = 1 << 20;

/// What the network side tells the consumer.
#[derive(Debug)]
pub(crate) enum Msg {
    /// A session starts.
    Start {
        id: u64,
        peer: SocketAddr,
        time: Timestamp,
        /// Dropping or firing it makes the session's reader close the connection.
        close: oneshot::Sender<()>,
    },
    /// Bytes of a session, as received.
    Data {
        id: u64,
        bytes: Vec<u8>,
        time: Timestamp,
    },
    /// A session ended.
    End {
        id: u64,
        how: EndReason,
        time: Timestamp,
    },
    /// Time to re-draw the view.
    Tick,
}

/// Now, as a [`Timestamp`].
pub(crate) fn now() -> Timestamp {
    let d = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    Timestamp::new(d.as_secs(), d.subsec_nanos())
}

/// `192.0.2.1:43210`, `[2001:db8::1]:43210`; IPv4-mapped IPv6 addresses shown as IPv4.
pub(crate) fn peer_name(peer: SocketAddr) -> String {
    SocketAddr::new(peer.ip().to_canonical(), peer.port()).to_string()
}

/// The run-wide stop flag: set once, by a signal, `--duration`, `--count` or a fatal output
/// error.
/// It also records that writing a `--write` file failed (the exit status is then 2).
#[derive(Debug, Clone)]
pub(crate) struct Stop {
    flag: Arc<watch::Sender<bool>>,
    failed: Arc<AtomicBool>,
}

impl Stop {
    fn new() -> Self {
        Stop {
            flag: Arc::new(watch::channel(false).0),
            failed: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Ends the run.
    pub(crate) fn stop(&self) {
        self.flag.send_replace(true);
    }

    /// Whether the run is ending.
    pub(crate) fn is_stopped(&self) -> bool {
        *self.flag.borrow()
    }

    /// Resolves once the run is ending.
    pub(crate) async fn stopped(&self) {
        let mut rx = self.flag.subscribe();
        let _ = rx.wait_for(|v| *v).await;
    }

    /// Records an I/O failure that must show in the exit status.
    pub(crate) fn fail(&self) {
        self.failed.store(true, Ordering::Relaxed);
    }

    fn failed(&self) -> bool {
        self.failed.load(Ordering::Relaxed)
    }
}

/// What the consumer needs to know.
struct ConsumeOpts {
    max_message: u32,
    limit: u64,
    /// Re-draw the view on each tick (stdout is a terminal, text output).
    redraw: bool,
}

/// Per-session state of the consumer.
struct Session {
    close: Option<oneshot::Sender<()>>,
}

/// Runs on the calling thread until every sender of `rx` is gone: decodes every session
/// through `run`, re-draws the view on ticks, cuts off sessions that send garbage, stops the
/// run when `--count` is reached or output fails.
fn consume<W: Write>(
    mut rx: mpsc::Receiver<Msg>,
    run: &mut DecodeRun<'_, W>,
    opts: &ConsumeOpts,
    stop: &Stop,
) -> Option<io::Error> {
    let mut sessions: std::collections::HashMap<u64, Session> = Default::default();
    let mut seen = std::collections::HashSet::new();
    let mut write_err = None;
    let stall_limit = u64::from(opts.max_message) + GARBAGE_LIMIT;
    while let Some(msg) = rx.blocking_recv() {
        match msg {
            Msg::Start {
                id,
                peer,
                time,
                close,
            } => {
                let router = peer.ip().to_canonical();
                let reconnect = !seen.insert(router);
                sessions.insert(id, Session { close: Some(close) });
                run.event(SourceEvent::StreamStart {
                    id: crate::source::StreamId(id),
                    name: peer_name(peer),
                    router: Some(router),
                    time: Some(time),
                    reconnect,
                });
            }
            Msg::Data { id, bytes, time } => {
                let Some(session) = sessions.get_mut(&id) else {
                    continue;
                };
                if session.close.is_none() {
                    // Cut off: what was still queued is not decoded.
                    continue;
                }
                run.event(SourceEvent::Data {
                    id: crate::source::StreamId(id),
                    bytes: &bytes,
                    time: Some(time),
                });
                if let Some(h) = run.health(id) {
                    let stalled = h.len.saturating_sub(h.progress);
                    if h.garbage > GARBAGE_LIMIT || stalled > stall_limit {
                        let detail = format!(
                            "session disconnected: {} bytes skipped as garbage and {stalled} bytes without a message since the last one (limits: {GARBAGE_LIMIT} bytes of garbage, --max-message + {GARBAGE_LIMIT} bytes without a message)",
                            h.garbage
                        );
                        run.finding(
                            Some(id),
                            Finding::new(Kind::SourceNotice, h.len, None, detail),
                        );
                        if let Some(close) = session.close.take() {
                            let _ = close.send(());
                        }
                    }
                }
            }
            Msg::End { id, how, time } => {
                sessions.remove(&id);
                run.event(SourceEvent::StreamEnd {
                    id: crate::source::StreamId(id),
                    how,
                    time: Some(time),
                });
            }
            Msg::Tick => {
                if opts.redraw {
                    if let Some(view) = run.sink().view() {
                        let text = view.report_text(app::terminal_width());
                        let out = run.out();
                        let r = writeln!(out, "\x1b[2J\x1b[H{text}").and_then(|()| out.flush());
                        if let Err(e) = r {
                            write_err.get_or_insert(e);
                            stop.stop();
                        }
                    }
                }
            }
        }
        if let Some(e) = run.take_write_err() {
            write_err.get_or_insert(e);
            stop.stop();
        }
        if run.limit_reached() {
            stop.stop();
        }
        if rx.is_empty() && write_err.is_none() {
            // Nothing queued: show what we have now rather than when the buffer fills.
            if let Err(e) = run.out().flush() {
                write_err.get_or_insert(e);
                stop.stop();
            }
        }
    }
    write_err
}

/// The network side of a station, given the channel to the consumer and the stop flag.
type Network = Box<dyn FnOnce(mpsc::Sender<Msg>, Stop) + Send>;

/// Runs a station: builds the runtime, lets `start` set up the network side on it (returning
/// an error when it cannot, e.g. an address cannot be bound), consumes on this thread, prints
/// the final report and summary.
fn station(
    out_args: &LiveOutputArgs,
    run_args: &LiveRunArgs,
    sink: &mut dyn Sink,
    stdout_tty: bool,
    start: impl FnOnce(&tokio::runtime::Runtime, &Stop) -> Result<Network, String>,
) -> ExitStatus {
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("bmpctl-net")
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("bmpctl: error: cannot start the runtime: {e}");
            return ExitStatus::Fatal;
        }
    };
    if let Some(dir) = &run_args.write {
        if let Err(e) = std::fs::create_dir_all(dir) {
            eprintln!("bmpctl: error: cannot create {}: {e}", dir.display());
            return ExitStatus::Fatal;
        }
    }
    let stop = Stop::new();
    // Signals and --duration end the run. The handlers are installed before anything listens,
    // so that a signal sent as soon as the station is up is never the default (fatal) one.
    {
        let stop = stop.clone();
        let duration = run_args.duration;
        let _guard = rt.enter();
        let signals = Signals::install();
        rt.spawn(async move {
            let timer = async {
                match duration {
                    Some(d) => tokio::time::sleep(d).await,
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                _ = signals.any() => {}
                _ = timer => {}
                _ = stop.stopped() => {}
            }
            stop.stop();
        });
    }
    let network = match start(&rt, &stop) {
        Ok(n) => n,
        Err(e) => {
            eprintln!("bmpctl: error: {e}");
            return ExitStatus::Fatal;
        }
    };
    let (tx, rx) = mpsc::channel(CHANNEL);
    let as_view = sink.view().is_some();
    let redraw = as_view && stdout_tty && !out_args.json;
    if redraw {
        let tx = tx.clone();
        let stop = stop.clone();
        let every = out_args.every;
        rt.spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.tick().await;
            loop {
                tokio::select! {
                    _ = tick.tick() => if tx.send(Msg::Tick).await.is_err() { break },
                    _ = stop.stopped() => break,
                }
            }
        });
    }
    {
        let _guard = rt.enter();
        network(tx, stop.clone());
    }
    let opts = ConsumeOpts {
        max_message: out_args.max_message,
        limit: run_args.count.unwrap_or(u64::MAX),
        redraw,
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut summary = Summary::default();
    let write_err = {
        let mut run = DecodeRun::live(
            out_args.max_message,
            opts.limit,
            sink,
            &mut out,
            &mut summary,
        );
        let err = consume(rx, &mut run, &opts, &stop);
        err.or_else(|| run.take_write_err())
    };
    rt.shutdown_timeout(Duration::from_millis(200));
    app::finish_live(
        sink,
        &mut out,
        &summary,
        out_args.json,
        write_err,
        stop.failed(),
    )
}

/// SIGINT and SIGTERM, registered at once.
struct Signals {
    #[cfg(unix)]
    int: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    term: Option<tokio::signal::unix::Signal>,
}

impl Signals {
    /// Installs the handlers (within a runtime context).
    fn install() -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Signals {
                int: signal(SignalKind::interrupt()).ok(),
                term: signal(SignalKind::terminate()).ok(),
            }
        }
        #[cfg(not(unix))]
        Signals {}
    }

    /// Resolves at the first signal.
    async fn any(mut self) {
        #[cfg(unix)]
        {
            async fn recv(s: Option<&mut tokio::signal::unix::Signal>) {
                match s {
                    Some(s) => {
                        s.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            }
            tokio::select! {
                _ = recv(self.int.as_mut()) => {}
                _ = recv(self.term.as_mut()) => {}
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// `bmpctl listen`.
pub(crate) fn listen(args: &ListenArgs, sink: &mut dyn Sink, stdout_tty: bool) -> ExitStatus {
    station(&args.output, &args.run, sink, stdout_tty, |rt, _| {
        station::bind(rt, args)
    })
}

/// `bmpctl connect`.
pub(crate) fn connect(args: &ConnectArgs, sink: &mut dyn Sink, stdout_tty: bool) -> ExitStatus {
    station(&args.output, &args.run, sink, stdout_tty, |_, _| {
        station::dialler(args)
    })
}

/// `bmpctl replay`.
pub fn replay(args: &ReplayArgs) -> ExitStatus {
    replay::run(args)
}
