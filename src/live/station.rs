//! The network side of a station: listeners, the dialler, and one reader task per session.

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc, oneshot};

use super::{CHUNK, Msg, Network, StationConfig, Stop, peer_name};
use crate::event::EndReason;
use crate::filter::AddrMatch;
use crate::time::Timestamp;

/// The default port of a station.
pub const DEFAULT_PORT: u16 = 11019;

/// An address to listen on: `ADDR:PORT` (IPv6 in brackets), or a bare port for every address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListenAddr {
    /// One address.
    Addr(SocketAddr),
    /// Every IPv4 and IPv6 address.
    Port(u16),
}

/// Parses `192.0.2.10:11019`, `[2001:db8::1]:11019` or `11019`.
pub fn parse_listen_addr(s: &str) -> Result<ListenAddr, String> {
    if let Ok(port) = s.parse::<u16>() {
        return Ok(ListenAddr::Port(port));
    }
    s.parse().map(ListenAddr::Addr).map_err(|_| {
        format!("'{s}' is not ADDR:PORT (e.g. 0.0.0.0:11019, [::]:11019) or a port number")
    })
}

/// How a listening station accepts sessions.
#[derive(Debug, Clone, Default)]
pub struct ListenConfig {
    /// Where to listen; none: [`DEFAULT_PORT`] on every address.
    pub addrs: Vec<ListenAddr>,
    /// Accept only routers inside these (none: any).
    pub allow: Vec<AddrMatch>,
    /// Most sessions at once.
    pub max_sessions: usize,
    /// Write the bound addresses here once listening.
    pub port_file: Option<PathBuf>,
}

/// Which routers a dialling station connects to, and how it retries.
#[derive(Debug, Clone)]
pub struct ConnectConfig {
    /// `HOST:PORT` of each router.
    pub targets: Vec<String>,
    /// First wait before reconnecting (doubled after each failed attempt).
    pub retry_min: Duration,
    /// Longest wait between attempts.
    pub retry_max: Duration,
}

/// What every session of a station shares.
struct Shared {
    tx: mpsc::Sender<Msg>,
    stop: Stop,
    next_id: AtomicU64,
    write: Option<PathBuf>,
}

/// Binds every address of `listen` (on the runtime) and returns the network side: one accept
/// loop per listener.
pub(super) fn bind(
    rt: &tokio::runtime::Runtime,
    args: ListenConfig,
    station: &StationConfig,
) -> Result<Network, String> {
    let mut wanted = args.addrs.clone();
    if wanted.is_empty() {
        wanted.push(ListenAddr::Port(DEFAULT_PORT));
    }
    let listeners = rt.block_on(async {
        let mut out = Vec::new();
        for addr in &wanted {
            match *addr {
                ListenAddr::Addr(a) => {
                    let l = TcpListener::bind(a)
                        .await
                        .map_err(|e| format!("cannot listen on {a}: {e}"))?;
                    out.push(l);
                }
                ListenAddr::Port(port) => out.extend(bind_any(port).await?),
            }
        }
        Ok::<_, String>(out)
    })?;
    let mut bound = Vec::new();
    for l in &listeners {
        let a = l.local_addr().map_err(|e| e.to_string())?;
        eprintln!("bmpctl: listening on {a}");
        bound.push(a.to_string());
    }
    if let Some(path) = &args.port_file {
        write_port_file(path, &bound)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    let allow = args.allow;
    let max_sessions = args.max_sessions;
    let write = station.write.clone();
    Ok(Box::new(move |tx, stop| {
        let shared = Arc::new(Shared {
            tx,
            stop,
            next_id: AtomicU64::new(0),
            write,
        });
        let allow = Arc::new(allow);
        let slots = Arc::new(Semaphore::new(max_sessions));
        for l in listeners {
            tokio::spawn(accept_loop(
                l,
                shared.clone(),
                allow.clone(),
                slots.clone(),
                max_sessions,
            ));
        }
    }))
}

/// Every IPv6 and IPv4 address: `[::]` first; where it also takes IPv4 (IPV6_V6ONLY off), the
/// IPv4 bind fails with "address in use", which is fine.
async fn bind_any(port: u16) -> Result<Vec<TcpListener>, String> {
    let mut out = Vec::new();
    let v6 = TcpListener::bind(SocketAddr::new(IpAddr::V6(Ipv6Addr::UNSPECIFIED), port)).await;
    let mut v4_port = port;
    let v6_err = match v6 {
        Ok(l) => {
            if let Ok(a) = l.local_addr() {
                v4_port = a.port();
            }
            out.push(l);
            None
        }
        Err(e) => Some(e),
    };
    match TcpListener::bind(SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), v4_port)).await {
        Ok(l) => out.push(l),
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse && v6_err.is_none() => {}
        Err(e) => {
            if out.is_empty() {
                return Err(format!(
                    "cannot listen on port {port}: {e}{}",
                    v6_err.map_or(String::new(), |e6| format!(" (IPv6: {e6})"))
                ));
            }
        }
    }
    Ok(out)
}

fn write_port_file(path: &Path, bound: &[String]) -> std::io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    std::fs::write(
        &tmp,
        bound.iter().map(|b| format!("{b}\n")).collect::<String>(),
    )?;
    std::fs::rename(&tmp, path)
}

async fn accept_loop(
    listener: TcpListener,
    shared: Arc<Shared>,
    allow: Arc<Vec<AddrMatch>>,
    slots: Arc<Semaphore>,
    max_sessions: usize,
) {
    loop {
        let accepted = tokio::select! {
            r = listener.accept() => r,
            _ = shared.stop.stopped() => break,
        };
        let (stream, peer) = match accepted {
            Ok(x) => x,
            Err(e) => {
                // Out of descriptors and the like: wait a little rather than spin.
                eprintln!("bmpctl: accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let ip = peer.ip().to_canonical();
        if !allow.is_empty() && !allow.iter().any(|a| a.contains(ip)) {
            eprintln!("bmpctl: refused {}: not in --allow", peer_name(peer));
            drop(stream);
            continue;
        }
        let Ok(permit) = slots.clone().try_acquire_owned() else {
            eprintln!(
                "bmpctl: refused {}: --max-sessions {max_sessions} sessions already open",
                peer_name(peer)
            );
            drop(stream);
            continue;
        };
        tokio::spawn(session(stream, peer, shared.clone(), Some(permit)));
    }
}

/// The dialler of `connect`: one task per router, at most one connection each.
pub(super) fn dialler(args: ConnectConfig, station: &StationConfig) -> Result<Network, String> {
    let targets = args.targets;
    for t in &targets {
        if t.rsplit_once(':')
            .is_none_or(|(_, p)| p.parse::<u16>().is_err())
        {
            return Err(format!("'{t}' is not HOST:PORT"));
        }
    }
    let (min, max) = (args.retry_min, args.retry_max.max(args.retry_min));
    let write = station.write.clone();
    Ok(Box::new(move |tx, stop| {
        let shared = Arc::new(Shared {
            tx,
            stop,
            next_id: AtomicU64::new(0),
            write,
        });
        for t in targets {
            tokio::spawn(dial_loop(t, shared.clone(), min, max));
        }
    }))
}

/// Connects to `target` again and again: after a session ends, wait `min`; after each failed
/// attempt, double the wait, up to `max`.
async fn dial_loop(target: String, shared: Arc<Shared>, min: Duration, max: Duration) {
    let mut wait = min;
    loop {
        let attempt = tokio::select! {
            r = tokio::time::timeout(max.max(Duration::from_secs(10)), TcpStream::connect(target.as_str())) => r,
            _ = shared.stop.stopped() => break,
        };
        match attempt {
            Ok(Ok(stream)) => {
                let peer = stream
                    .peer_addr()
                    .unwrap_or_else(|_| SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), 0));
                let resolved = peer_name(peer);
                if resolved == *target {
                    eprintln!("bmpctl: connected to {target}");
                } else {
                    eprintln!("bmpctl: connected to {target} ({resolved})");
                }
                session(stream, peer, shared.clone(), None).await;
                wait = min;
                if !shared.stop.is_stopped() {
                    eprintln!(
                        "bmpctl: {target}: session ended; reconnecting in {}",
                        show(wait)
                    );
                }
            }
            Ok(Err(e)) => eprintln!("bmpctl: connect {target}: {e}; retrying in {}", show(wait)),
            Err(_) => eprintln!(
                "bmpctl: connect {target}: timed out; retrying in {}",
                show(wait)
            ),
        }
        if shared.stop.is_stopped() {
            break;
        }
        let slept = wait;
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = shared.stop.stopped() => break,
        }
        wait = (slept * 2).min(max);
    }
}

fn show(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{}s", d.as_secs())
    } else {
        format!("{}ms", d.as_millis())
    }
}

/// TCP keepalive on a session: idle this long, then probes this far apart, this many. The
/// station never sends, so without it a router that vanishes without FIN or RST (a reboot, a
/// cut link) would hold its session, its `--max-sessions` slot and `connect`'s redial forever;
/// with it the session ends as reset after about 90 s.
const KEEPALIVE: (Duration, Duration, u32) = (Duration::from_secs(60), Duration::from_secs(10), 3);

/// Turns TCP keepalive on (best effort: a system that refuses it keeps the session as it is).
fn keep_alive(stream: &TcpStream) {
    let (idle, interval, probes) = KEEPALIVE;
    let ka = socket2::TcpKeepalive::new()
        .with_time(idle)
        .with_interval(interval)
        .with_retries(probes);
    let _ = socket2::SockRef::from(stream).set_tcp_keepalive(&ka);
}

/// One BMP session: reads the connection until it ends, the consumer cuts it off, or the run
/// stops. Holds a buffer only while bytes are there to read.
async fn session(
    stream: TcpStream,
    peer: SocketAddr,
    shared: Arc<Shared>,
    _permit: Option<OwnedSemaphorePermit>,
) {
    keep_alive(&stream);
    let id = shared.next_id.fetch_add(1, Ordering::Relaxed);
    let start = Timestamp::now();
    let mut file = match &shared.write {
        Some(dir) => match create_file(dir, peer, start) {
            Ok((f, path)) => {
                eprintln!(
                    "bmpctl: {}: recording to {}",
                    peer_name(peer),
                    path.display()
                );
                Some(f)
            }
            Err(e) => {
                eprintln!(
                    "bmpctl: error: {}: cannot create a file in {}: {e}",
                    peer_name(peer),
                    dir.display()
                );
                shared.stop.fail();
                None
            }
        },
        None => None,
    };
    let (close_tx, mut close_rx) = oneshot::channel();
    let start_msg = Msg::Start {
        id,
        peer,
        time: start,
        close: close_tx,
    };
    if shared.tx.send(start_msg).await.is_err() {
        return;
    }
    let how = loop {
        tokio::select! {
            biased;
            _ = &mut close_rx => break EndReason::EndOfInput,
            _ = shared.stop.stopped() => break EndReason::EndOfInput,
            r = stream.readable() => {
                if r.is_err() {
                    break EndReason::Reset;
                }
                let mut buf = Vec::with_capacity(CHUNK);
                match stream.try_read_buf(&mut buf) {
                    Ok(0) => break EndReason::Fin,
                    Ok(_) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(_) => break EndReason::Reset,
                }
                let time = Timestamp::now();
                if let Some(f) = &mut file {
                    if let Err(e) = f.write_all(&buf) {
                        eprintln!("bmpctl: error: {}: writing the recording: {e}", peer_name(peer));
                        shared.stop.fail();
                        file = None;
                    }
                }
                if shared.tx.send(Msg::Data { id, bytes: buf, time }).await.is_err() {
                    return;
                }
            }
        }
    };
    drop(file);
    drop(stream);
    let _ = shared
        .tx
        .send(Msg::End {
            id,
            how,
            time: Timestamp::now(),
        })
        .await;
}

/// `192.0.2.1_43210_20261126T031500.123Z.bmp` (IPv6: `2001-db8--1_...`), a new file: a suffix
/// `-2`, `-3`... when the name is taken.
fn create_file(
    dir: &Path,
    peer: SocketAddr,
    start: Timestamp,
) -> std::io::Result<(std::fs::File, PathBuf)> {
    let stem = file_stem(peer, start);
    for n in 1u32.. {
        let name = if n == 1 {
            format!("{stem}.bmp")
        } else {
            format!("{stem}-{n}.bmp")
        };
        let path = dir.join(name);
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(f) => return Ok((f, path)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 1000 => {}
            Err(e) => return Err(e),
        }
    }
    unreachable!("the loop returns")
}

/// The file name of a recording, without extension.
pub(crate) fn file_stem(peer: SocketAddr, start: Timestamp) -> String {
    let ip = peer.ip().to_canonical().to_string().replace(':', "-");
    // 2026-11-26T03:15:00.123456Z -> 20261126T031500.123Z
    let t = start.to_string();
    let compact: String = t[..23].chars().filter(|c| *c != '-' && *c != ':').collect();
    format!("{ip}_{}_{compact}Z", peer.port())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn sessions_have_tcp_keepalive() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (client, accepted) = tokio::join!(TcpStream::connect(addr), listener.accept());
        let (stream, _) = accepted.unwrap();
        keep_alive(&stream);
        let sock = socket2::SockRef::from(&stream);
        assert!(sock.keepalive().unwrap());
        assert_eq!(sock.tcp_keepalive_time().unwrap(), KEEPALIVE.0);
        drop(client);
    }

    #[test]
    fn file_names() {
        let t = Timestamp::new(1_795_662_900, 123_456_789);
        let v4: SocketAddr = "192.0.2.1:43210".parse().unwrap();
        assert_eq!(file_stem(v4, t), "192.0.2.1_43210_20261126T031500.123Z");
        let v6: SocketAddr = "[2001:db8::1]:179".parse().unwrap();
        assert_eq!(file_stem(v6, t), "2001-db8--1_179_20261126T031500.123Z");
        let mapped: SocketAddr = "[::ffff:192.0.2.1]:5".parse().unwrap();
        assert!(file_stem(mapped, t).starts_with("192.0.2.1_5_"));
    }
}
