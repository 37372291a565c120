//! `bmpctl replay`: every BMP session of every input sent to a station over its own TCP
//! connection.
//!
//! Each input is read by a [`FileSource`] on a thread of its own (raw, pcap, pcapng,
//! OpenBMP, gzip); its events go, as owned chunks through a bounded channel, to a dispatcher
//! task that opens one connection per stream and forwards the stream's bytes to that
//! connection's writer task (bounded channel again: a slow station slows the reading down).
//!
//! Pace: capture (or OpenBMP collector) times are followed by the dispatcher, for all streams
//! of the input together; raw dumps have none, so each writer follows the per-peer header
//! timestamps of its messages (never going back in time, and waiting at most
//! [`MAX_TIMESTAMP_JUMP`] for a jump forward, since per-peer timestamps of a table dump can be
//! hours apart). Messages without a timestamp go at once. `--speed` scales every wait;
//! `--fast` skips them.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::sync::mpsc;

use crate::decode::bmp::header::MessageType;
use crate::exit::ExitStatus;
use crate::source::{Consumer, Control, FileSource, Source, SourceEvent, SourceOptions};
use crate::time::Timestamp;

/// What `bmpctl replay` sends, where, and how fast.
#[derive(Debug, Clone)]
pub struct ReplayConfig {
    /// The inputs (`-`: standard input).
    pub inputs: Vec<PathBuf>,
    /// How to read them.
    pub options: SourceOptions,
    /// The station: `HOST:PORT`.
    pub to: String,
    /// Pace factor over the recorded times; `None`: as fast as possible.
    pub speed: Option<f64>,
}

/// Longest wait for one forward jump of per-peer header timestamps (before `--speed`).
pub const MAX_TIMESTAMP_JUMP: Duration = Duration::from_secs(10);

/// Events of an input, owned.
enum Ev {
    Start {
        id: u64,
        name: String,
    },
    Data {
        id: u64,
        bytes: Vec<u8>,
        time: Option<Timestamp>,
    },
    End {
        id: u64,
    },
}

/// Turns recorded times into waits.
struct Pacer {
    speed: f64,
    cap: Option<Duration>,
    started: Option<Instant>,
    last: Option<Duration>,
    /// Recorded time elapsed (jumps capped).
    virt: Duration,
}

impl Pacer {
    fn new(speed: f64, cap: Option<Duration>) -> Self {
        Pacer {
            speed,
            cap,
            started: None,
            last: None,
            virt: Duration::ZERO,
        }
    }

    /// When something recorded at `t` is due.
    fn due(&mut self, t: Duration) -> Instant {
        let start = *self.started.get_or_insert_with(Instant::now);
        match self.last {
            None => self.last = Some(t),
            Some(last) if t > last => {
                let jump = t - last;
                self.virt = self
                    .virt
                    .saturating_add(self.cap.map_or(jump, |c| jump.min(c)));
                self.last = Some(t);
            }
            Some(_) => {}
        }
        // Recorded times are input: a far jump or a tiny speed waits long, but never past
        // what an `Instant` can hold.
        let wait = Duration::try_from_secs_f64(self.virt.as_secs_f64() / self.speed)
            .unwrap_or(Duration::MAX);
        start
            .checked_add(wait)
            .unwrap_or_else(|| start + FAR_FUTURE)
    }
}

fn as_duration(t: Timestamp) -> Duration {
    t.since_epoch()
}

/// The latest a replay waits for: a year (the recording's clock jumped, or `--speed` is tiny).
const FAR_FUTURE: Duration = Duration::from_secs(365 * 86_400);

/// Finds message boundaries and per-peer timestamps in a byte stream without buffering it.
struct Walker {
    head: [u8; 48],
    /// Bytes of the current message seen.
    pos: u64,
    /// Length of the current message (0 until its common header is complete).
    len: u64,
    /// Framing lost (garbage): no more counting or timestamps.
    lost: bool,
    messages: u64,
}

impl Walker {
    fn new() -> Self {
        Walker {
            head: [0; 48],
            pos: 0,
            len: 0,
            lost: false,
            messages: 0,
        }
    }

    /// Feeds `data`; `points` gets (offset in `data` just past a per-peer timestamp, time).
    fn feed(&mut self, data: &[u8], points: &mut Vec<(usize, Duration)>) {
        let mut i = 0;
        while i < data.len() && !self.lost {
            if self.pos < 48 {
                let want = if self.len == 0 { 6 } else { 48.min(self.len) };
                let take = ((want - self.pos) as usize).min(data.len() - i);
                let p = self.pos as usize;
                self.head[p..p + take].copy_from_slice(&data[i..i + take]);
                self.pos += take as u64;
                i += take;
                if self.len == 0 && self.pos == 6 {
                    let h = &self.head;
                    let len = u32::from_be_bytes([h[1], h[2], h[3], h[4]]) as u64;
                    if !matches!(h[0], 3 | 4) || len < 6 {
                        self.lost = true;
                        break;
                    }
                    self.len = len;
                }
                if self.len >= 48
                    && self.pos == 48
                    && MessageType(self.head[5]).has_per_peer_header()
                {
                    let h = &self.head;
                    let secs = u32::from_be_bytes([h[40], h[41], h[42], h[43]]);
                    let usecs = u32::from_be_bytes([h[44], h[45], h[46], h[47]]);
                    if secs != 0 {
                        let t = Duration::new(u64::from(secs), usecs.min(999_999) * 1000);
                        points.push((i, t));
                    }
                }
            } else {
                let take = ((self.len - self.pos) as usize).min(data.len() - i);
                self.pos += take as u64;
                i += take;
            }
            if self.len != 0 && self.pos == self.len {
                self.messages += 1;
                self.pos = 0;
                self.len = 0;
            }
        }
    }
}

/// Runs `bmpctl replay`.
pub fn replay(args: &ReplayConfig) -> ExitStatus {
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("bmpctl-replay")
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("bmpctl: error: cannot start the runtime: {e}");
            return ExitStatus::Fatal;
        }
    };
    let speed = args.speed;
    let ok = rt.block_on(async {
        let mut tasks = Vec::new();
        for path in &args.inputs {
            let name = path.to_string_lossy().into_owned();
            tasks.push(tokio::spawn(replay_input(
                path.clone(),
                name,
                args.options.clone(),
                args.to.clone(),
                speed,
            )));
        }
        let mut ok = true;
        for t in tasks {
            ok &= t.await.unwrap_or(false);
        }
        ok
    });
    rt.shutdown_timeout(Duration::from_millis(200));
    if ok {
        ExitStatus::Clean
    } else {
        ExitStatus::Fatal
    }
}

/// Replays one input; false on any failure.
async fn replay_input(
    path: PathBuf,
    name: String,
    opts: SourceOptions,
    to: String,
    speed: Option<f64>,
) -> bool {
    let (tx, mut rx) = mpsc::channel::<Ev>(16);
    let reader_name = name.clone();
    let reader = std::thread::spawn(move || -> Result<(), String> {
        let mut input = FileSource::open(&path, opts)
            .map_err(|e| format!("cannot read {reader_name}: {e}"))?
            .unprefixed();
        let mut forward = Forward {
            name: &reader_name,
            tx,
        };
        input
            .run(&mut forward)
            .map_err(|e| format!("reading {reader_name}: {e}"))
    });
    let mut conns: std::collections::HashMap<u64, mpsc::Sender<(Vec<u8>, bool)>> =
        Default::default();
    let mut writers = Vec::new();
    let mut pacer = speed.map(|s| Pacer::new(s, None));
    while let Some(ev) = rx.recv().await {
        match ev {
            Ev::Start { id, name } => {
                let (ctx, crx) = mpsc::channel(8);
                conns.insert(id, ctx);
                writers.push(tokio::spawn(writer(name, to.clone(), crx, speed)));
            }
            Ev::Data { id, bytes, time } => {
                let paced = match (time, pacer.as_mut()) {
                    (Some(t), Some(p)) => {
                        tokio::time::sleep_until(p.due(as_duration(t)).into()).await;
                        true
                    }
                    _ => false,
                };
                if let Some(c) = conns.get(&id) {
                    if c.send((bytes, paced)).await.is_err() {
                        conns.remove(&id);
                    }
                }
            }
            Ev::End { id } => {
                conns.remove(&id);
            }
        }
    }
    drop(conns);
    let mut ok = true;
    for w in writers {
        ok &= w.await.unwrap_or(false);
    }
    match tokio::task::spawn_blocking(move || reader.join()).await {
        Ok(Ok(Ok(()))) => {}
        Ok(Ok(Err(e))) => {
            eprintln!("bmpctl: error: {e}");
            ok = false;
        }
        _ => {
            eprintln!("bmpctl: error: {name}: the reader failed");
            ok = false;
        }
    }
    ok
}

/// Hands an input's events, owned, to the dispatcher.
struct Forward<'a> {
    name: &'a str,
    tx: mpsc::Sender<Ev>,
}

impl Consumer for Forward<'_> {
    fn event(&mut self, ev: SourceEvent<'_>) -> Control {
        let owned = match ev {
            SourceEvent::StreamStart { id, name, .. } => Ev::Start { id: id.0, name },
            SourceEvent::Data { id, bytes, time } => Ev::Data {
                id: id.0,
                bytes: bytes.to_vec(),
                time,
            },
            SourceEvent::StreamEnd { id, .. } => Ev::End { id: id.0 },
            SourceEvent::Gap { id, missing, .. } => {
                eprintln!(
                    "bmpctl: {}: stream {}: {missing} bytes missing from the capture; replayed without them",
                    self.name, id.0
                );
                return Control::Continue;
            }
            SourceEvent::Notice(n) => {
                eprintln!("bmpctl: {}: {n}", self.name);
                return Control::Continue;
            }
        };
        // The dispatcher is gone (the run failed): stop reading.
        match self.tx.blocking_send(owned) {
            Ok(()) => Control::Continue,
            Err(_) => Control::Stop,
        }
    }
}

/// Sends one stream over its own connection; false on failure.
async fn writer(
    name: String,
    to: String,
    mut rx: mpsc::Receiver<(Vec<u8>, bool)>,
    speed: Option<f64>,
) -> bool {
    let started = Instant::now();
    let mut stream = match TcpStream::connect(to.as_str()).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("bmpctl: error: replay {name}: cannot connect to {to}: {e}");
            while rx.recv().await.is_some() {}
            return false;
        }
    };
    let _ = stream.set_nodelay(true);
    let local = stream
        .local_addr()
        .map_or_else(|_| "?".to_string(), |a: SocketAddr| super::peer_name(a));
    let mut walker = Walker::new();
    let mut pacer = speed.map(|s| Pacer::new(s, Some(MAX_TIMESTAMP_JUMP)));
    let mut points = Vec::new();
    let mut bytes = 0u64;
    let mut failed = None;
    while let Some((chunk, paced)) = rx.recv().await {
        points.clear();
        walker.feed(&chunk, &mut points);
        let mut from = 0;
        if !paced {
            if let Some(p) = pacer.as_mut() {
                for &(at, t) in &points {
                    let due = p.due(t);
                    if due > Instant::now() {
                        if let Err(e) = stream.write_all(&chunk[from..at]).await {
                            failed = Some(e);
                            break;
                        }
                        bytes += (at - from) as u64;
                        from = at;
                        tokio::time::sleep_until(due.into()).await;
                    }
                }
            }
        }
        if failed.is_some() {
            break;
        }
        if let Err(e) = stream.write_all(&chunk[from..]).await {
            failed = Some(e);
            break;
        }
        bytes += (chunk.len() - from) as u64;
    }
    let flushed = match failed {
        Some(e) => Err(e),
        None => stream.shutdown().await,
    };
    let secs = started.elapsed().as_secs_f64();
    match flushed {
        Ok(()) => {
            eprintln!(
                "bmpctl: replayed {name} -> {to} (from {local}): {} messages, {bytes} bytes in {secs:.2}s",
                walker.messages
            );
            true
        }
        Err(e) => {
            eprintln!(
                "bmpctl: error: replay {name} -> {to}: {e} after {} messages, {bytes} bytes",
                walker.messages
            );
            while rx.recv().await.is_some() {}
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::bmp;

    #[test]
    fn far_recorded_times_wait_long_but_do_not_panic() {
        let mut p = Pacer::new(1e-15, None);
        let start = p.due(Duration::ZERO);
        let far = p.due(Duration::from_secs(u64::MAX));
        assert!(far > start && far <= start + FAR_FUTURE);
        assert_eq!(
            as_duration(Timestamp::new(u64::MAX, 999_999_999)),
            Duration::MAX
        );
    }

    #[test]
    fn walker_counts_and_finds_timestamps_across_chunks() {
        let init = bmp::initiation(&[(2, b"r1")]);
        let peer = bmp::Peer::global("192.0.2.1".parse().unwrap(), 65001, [192, 0, 2, 1])
            .with_time(1_700_000_000, 250_000);
        let stats = bmp::statistics(&peer, &[bmp::stat_counter(0, 1)]);
        let init_len = init.len();
        let stream: Vec<u8> = [init.clone(), stats, init].concat();
        for cut in 0..stream.len() {
            let mut w = Walker::new();
            let mut p = Vec::new();
            w.feed(&stream[..cut], &mut p);
            let n = p.len();
            w.feed(&stream[cut..], &mut p);
            assert_eq!(w.messages, 3, "cut at {cut}");
            assert_eq!(p.len(), 1, "cut at {cut}");
            let at = if n == 1 { p[0].0 } else { p[0].0 + cut };
            assert_eq!(at, init_len + 48, "cut at {cut}");
            assert_eq!(p[0].1, Duration::new(1_700_000_000, 250_000_000));
        }
    }

    #[test]
    fn pacer_caps_jumps_and_never_goes_back() {
        let mut p = Pacer::new(2.0, Some(Duration::from_secs(10)));
        let t0 = p.due(Duration::from_secs(100));
        assert_eq!(p.due(Duration::from_secs(50)), t0);
        assert_eq!(p.due(Duration::from_secs(104)) - t0, Duration::from_secs(2));
        assert_eq!(
            p.due(Duration::from_secs(1000)) - t0,
            Duration::from_secs(7)
        );
    }
}
