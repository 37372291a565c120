//! Live BMP: the station's sessions as a [`Source`] (`listen`, `connect`) and the sender
//! (`replay`).
//!
//! # Station design
//! The network side runs on a tokio runtime created for live commands only (the rest of the
//! crate stays synchronous). Each TCP connection is one BMP session, read by its own task
//! (`station.rs`): the task waits for the socket to become readable, reads at most
//! [`CHUNK`] bytes into a fresh buffer, appends them to the session's `--write` file (before
//! anything else, unbuffered, so that a crash or Ctrl-C never loses received bytes), and sends
//! the owned chunk through one bounded channel ([`CHANNEL`] chunks) to the consumer. An idle
//! session holds no buffer at all.
//!
//! The consumer is whatever runs [`LiveSource::run`] on the calling thread: the pipeline, which
//! owns every stream decoder, the sink (message log or view) and stdout, as for files. When it
//! is slow (a slow terminal, a big view), the channel fills, readers wait on it, stop reading
//! their sockets, and TCP flow control slows the routers down: memory stays bounded at about
//! `CHANNEL × CHUNK` plus one chunk per session plus the decoders' state.
//!
//! A session whose bytes do not frame is cut off when the consumer answers
//! [`Control::Close`]: its reader closes the connection, and what it had still queued is not
//! handed on; other sessions go on.
//!
//! The run ends on Ctrl-C, SIGTERM, `--duration`, or when the consumer answers
//! [`Control::Stop`] (`--count` reached, output failed): a shared flag tells the acceptors and
//! readers to stop, each reader ends its session (its file is complete: every chunk was
//! written before it was queued), the channel drains, and [`LiveSource::run`] returns.

mod replay;
mod station;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::sync::{mpsc, oneshot, watch};

pub use replay::{ReplayConfig, replay};
pub use station::{ConnectConfig, DEFAULT_PORT, ListenAddr, ListenConfig, parse_listen_addr};

use crate::event::EndReason;
use crate::source::{Consumer, Control, Source, SourceError, SourceEvent, StreamId};
use crate::time::Timestamp;

/// Largest read from a session socket (and so the largest chunk queued).
pub const CHUNK: usize = 64 << 10;

/// Chunks queued between the readers and the consumer, for all sessions together.
pub const CHANNEL: usize = 32;

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

/// `192.0.2.1:43210`, `[2001:db8::1]:43210`; IPv4-mapped IPv6 addresses shown as IPv4.
pub(crate) fn peer_name(peer: SocketAddr) -> String {
    SocketAddr::new(peer.ip().to_canonical(), peer.port()).to_string()
}

/// The run-wide stop flag: set once, by a signal, `--duration`, or the consumer.
/// It also records that writing a `--write` file failed (the run then fails).
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

/// What every station shares, whichever way it connects.
#[derive(Debug, Clone, Default)]
pub struct StationConfig {
    /// Save each session's bytes, as received, to its own file in this directory.
    pub write: Option<PathBuf>,
    /// Stop after this long.
    pub duration: Option<Duration>,
}

/// The network side of a station, given the channel to the consumer and the stop flag.
type Network = Box<dyn FnOnce(mpsc::Sender<Msg>, Stop) + Send>;

/// The sessions of a live station, as a [`Source`]: each session is one stream, named by the
/// router's address and port.
pub struct LiveSource {
    name: String,
    rt: Option<tokio::runtime::Runtime>,
    stop: Stop,
    network: Option<Network>,
    tick: Option<Duration>,
}

impl std::fmt::Debug for LiveSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveSource")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl LiveSource {
    /// A station that listens (`bmpctl listen`): the addresses are bound here, so that an
    /// error (an address in use) comes before anything runs.
    pub fn listen(station: &StationConfig, listen: ListenConfig) -> Result<LiveSource, String> {
        Self::start("listen", station, |rt| station::bind(rt, listen, station))
    }

    /// A station that dials routers (`bmpctl connect`).
    pub fn connect(station: &StationConfig, connect: ConnectConfig) -> Result<LiveSource, String> {
        Self::start("connect", station, |_| station::dialler(connect, station))
    }

    /// Also hands the consumer a [`Consumer::tick`] every `every` (a view re-drawn live).
    pub fn ticking(mut self, every: Duration) -> Self {
        self.tick = Some(every);
        self
    }

    fn start(
        name: &str,
        station: &StationConfig,
        network: impl FnOnce(&tokio::runtime::Runtime) -> Result<Network, String>,
    ) -> Result<LiveSource, String> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .thread_name("bmpctl-net")
            .build()
            .map_err(|e| format!("cannot start the runtime: {e}"))?;
        if let Some(dir) = &station.write {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        let stop = Stop::new();
        // Signals and --duration end the run. The handlers are installed before anything
        // listens, so that a signal sent as soon as the station is up is never the default
        // (fatal) one.
        {
            let stop = stop.clone();
            let duration = station.duration;
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
        let network = network(&rt)?;
        Ok(LiveSource {
            name: name.to_string(),
            rt: Some(rt),
            stop,
            network: Some(network),
            tick: None,
        })
    }
}

/// Per-session state of the consumer's side.
struct Session {
    /// `None` once the session was cut off.
    close: Option<oneshot::Sender<()>>,
}

impl Source for LiveSource {
    fn name(&self) -> &str {
        &self.name
    }

    /// Runs until every session has ended after the run was stopped.
    fn run(&mut self, to: &mut dyn Consumer) -> Result<(), SourceError> {
        let (Some(rt), Some(network)) = (self.rt.take(), self.network.take()) else {
            return Ok(());
        };
        let stop = self.stop.clone();
        let (tx, mut rx) = mpsc::channel(CHANNEL);
        if let Some(every) = self.tick {
            let tx = tx.clone();
            let stop = stop.clone();
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
        let mut sessions: HashMap<u64, Session> = HashMap::new();
        while let Some(msg) = rx.blocking_recv() {
            let control = match msg {
                Msg::Start {
                    id,
                    peer,
                    time,
                    close,
                } => {
                    sessions.insert(id, Session { close: Some(close) });
                    to.event(SourceEvent::StreamStart {
                        id: StreamId(id),
                        name: peer_name(peer),
                        router: Some(peer.ip().to_canonical()),
                        time: Some(time),
                    })
                }
                Msg::Data { id, bytes, time } => match sessions.get(&id) {
                    // Cut off: what was still queued is not decoded.
                    Some(Session { close: Some(_) }) => to.event(SourceEvent::Data {
                        id: StreamId(id),
                        bytes: &bytes,
                        time: Some(time),
                    }),
                    _ => Control::Continue,
                },
                Msg::End { id, how, time } => {
                    sessions.remove(&id);
                    to.event(SourceEvent::StreamEnd {
                        id: StreamId(id),
                        how,
                        time: Some(time),
                    })
                }
                Msg::Tick => to.tick(),
            };
            match control {
                Control::Continue => {}
                Control::Stop => stop.stop(),
                Control::Close(StreamId(id)) => {
                    if let Some(close) = sessions.get_mut(&id).and_then(|s| s.close.take()) {
                        let _ = close.send(());
                    }
                }
            }
            // Nothing queued: show what we have now rather than when the buffer fills.
            if rx.is_empty() && to.idle() == Control::Stop {
                stop.stop();
            }
        }
        rt.shutdown_timeout(Duration::from_millis(200));
        if stop.failed() {
            Err(SourceError::Reported)
        } else {
            Ok(())
        }
    }
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
