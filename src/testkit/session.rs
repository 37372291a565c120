//! Whole generated BMP sessions: a router's Initiation, one Peer Up per monitored peer, Route
//! Monitoring from [`super::workload`], a Termination; written as a raw BMP dump or, one TCP
//! connection per router, as a pcap capture ([`super::pcap`]). Deterministic for a spec.
//! Used by the capture tests and the capture benchmark, which compare the two paths on the
//! same bytes.

use std::io::{self, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::bmp;
use super::pcap::{Flow, Link, PcapWriter, Segment, Time};
use super::workload::{self, PeerSpec, XorShift, route_monitoring};

/// What a generated session looks like.
#[derive(Debug, Clone)]
pub struct SessionSpec {
    /// Router number: its peers' addresses, and its TCP endpoint in a capture, derive from it.
    pub router: u8,
    /// Seed of the generator: the same spec gives the same bytes.
    pub seed: u64,
    /// sysName TLV of the Initiation (none: only sysDescr).
    pub sys_name: Option<String>,
    /// Monitored peers, each with a Peer Up before the Route Monitoring starts.
    pub peers: usize,
    /// Route Monitoring messages to write (ignored when `byte_budget` is set).
    pub route_monitoring: usize,
    /// Write Route Monitoring until the stream reaches this many bytes.
    pub byte_budget: Option<u64>,
    /// Every `big_every`-th Route Monitoring carries ~250 prefixes (spans TCP segments).
    pub big_every: usize,
}

impl SessionSpec {
    /// Three peers (one IPv6, one with Add-Path), 60 Route Monitoring messages, every seventh
    /// of them large; a few tens of kilobytes.
    pub fn small(router: u8) -> Self {
        SessionSpec {
            router,
            seed: 0x9e37_79b9_7f4a_7c15 ^ u64::from(router),
            sys_name: Some(format!("r{router}")),
            peers: 3,
            route_monitoring: 60,
            byte_budget: None,
            big_every: 7,
        }
    }
}

/// Peer `i` of router `r`: every fourth is IPv6; peer 0 (and every 5th) negotiates Add-Path for
/// IPv4 unicast in both directions.
fn peers(spec: &SessionSpec, rng: &mut XorShift) -> Vec<PeerSpec> {
    (0..spec.peers)
        .map(|i| {
            let n = i as u8 + 1;
            let v6 = i % 4 == 2;
            let address = if v6 {
                IpAddr::V6(Ipv6Addr::new(
                    0x2001,
                    0xdb8,
                    u16::from(spec.router),
                    0,
                    0,
                    0,
                    0,
                    u16::from(n),
                ))
            } else {
                IpAddr::V4(Ipv4Addr::new(10, spec.router, 0, n))
            };
            let add_path = !v6 && i % 5 == 0;
            let asn = 64_496 + rng.range(0, 1000) as u32;
            PeerSpec {
                peer: bmp::Peer::global(address, asn, [10, spec.router, 1, n]),
                v6,
                add_path,
            }
        })
        .collect()
}

/// The Peer Up of `p` as router number `router` sends it.
fn peer_up(p: &PeerSpec, router: u8) -> Vec<u8> {
    workload::peer_up(p, Ipv4Addr::new(10, router, 0, 254), [10, 255, 0, router])
}

/// A BMP session, message by message: Initiation, one Peer Up per peer, Route Monitoring,
/// Termination. Deterministic for a spec.
pub struct Session {
    spec: SessionSpec,
    rng: XorShift,
    peers: Vec<PeerSpec>,
    state: usize,
    rm_done: u64,
    bytes: u64,
    done: bool,
    /// Messages handed out so far.
    pub messages: u64,
    /// Routes announced by the messages so far.
    pub announced: u64,
    /// Routes withdrawn by the messages so far.
    pub withdrawn: u64,
}

impl Session {
    /// The session of `spec`, before its first message.
    ///
    /// Panics if `spec.peers` is 0: every Route Monitoring message is for one of the peers.
    pub fn new(spec: SessionSpec) -> Self {
        assert!(
            spec.peers > 0,
            "a generated session needs at least one monitored peer for its Route Monitoring"
        );
        let mut rng = XorShift(spec.seed | 1);
        let peers = peers(&spec, &mut rng);
        Session {
            spec,
            rng,
            peers,
            state: 0,
            rm_done: 0,
            bytes: 0,
            done: false,
            messages: 0,
            announced: 0,
            withdrawn: 0,
        }
    }

    /// Its monitored peers.
    pub fn peers(&self) -> &[PeerSpec] {
        &self.peers
    }

    fn rm_left(&self) -> bool {
        match self.spec.byte_budget {
            Some(b) => self.bytes < b,
            None => (self.rm_done as usize) < self.spec.route_monitoring,
        }
    }
}

impl Iterator for Session {
    type Item = Vec<u8>;

    fn next(&mut self) -> Option<Vec<u8>> {
        if self.done {
            return None;
        }
        let msg = if self.state == 0 {
            self.state = 1;
            let descr = format!("synthetic router {}", self.spec.router);
            match &self.spec.sys_name {
                Some(n) => bmp::initiation(&[(1, descr.as_bytes()), (2, n.as_bytes())]),
                None => bmp::initiation(&[(1, descr.as_bytes())]),
            }
        } else if self.state <= self.peers.len() {
            self.state += 1;
            peer_up(&self.peers[self.state - 2], self.spec.router)
        } else if self.rm_left() {
            let n = self.peers.len() as u64;
            let p = self.peers[self.rng.range(0, n - 1) as usize].clone();
            let big = self.spec.big_every > 0
                && self.rm_done as usize % self.spec.big_every == self.spec.big_every - 1;
            let count = if big { 250 } else { self.rng.range(1, 20) };
            let (m, a, w) = route_monitoring(&mut self.rng, &p, count, self.rm_done);
            self.rm_done += 1;
            self.announced += a;
            self.withdrawn += w;
            m
        } else {
            self.done = true;
            bmp::termination(&[(0, b"session closed".as_slice()), (1, &[0, 1])])
        };
        self.messages += 1;
        self.bytes += msg.len() as u64;
        Some(msg)
    }
}

// ---- multi-router captures, streamed -----------------------------------------------------------

/// Totals of a generated capture or raw dump.
#[derive(Debug, Default, Clone)]
pub struct CaptureTotals {
    /// Packets in the capture (0 for a raw dump).
    pub packets: u64,
    /// Octets of the capture's records: each packet with its 16-octet record header, not the
    /// 24-octet pcap file header before them (the file is that much larger). For a raw dump,
    /// the whole file.
    pub capture_bytes: u64,
    /// BMP bytes in it: the TCP payload of a capture.
    pub bmp_bytes: u64,
    /// BMP messages.
    pub messages: u64,
    /// Routes announced.
    pub announced: u64,
    /// Routes withdrawn.
    pub withdrawn: u64,
}

/// The TCP flow from router number `r` (192.0.2.(10 + r), port 40000 + r) to the station
/// (192.0.2.1, port 11019).
pub fn router_flow(r: u8) -> Flow {
    Flow::new(
        (
            IpAddr::V4(Ipv4Addr::new(192, 0, 2, 10 + r)),
            40_000 + u16::from(r),
        ),
        (IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)), 11019),
        0xfff0_0000u32.wrapping_add(u32::from(r) * 0x0100_0000),
    )
}

/// Writes an Ethernet pcap in which `specs.len()` routers each send their session over one TCP
/// connection, in `mss`-byte segments, round-robin; never holds more than one segment per
/// router. Returns the totals.
pub fn write_capture<W: Write>(
    out: W,
    specs: &[SessionSpec],
    mss: usize,
) -> io::Result<CaptureTotals> {
    let mut w = PcapWriter::new(io::BufWriter::with_capacity(1 << 20, out), 1)?;
    let mut totals = CaptureTotals::default();
    let mut routers: Vec<(Session, Flow, Vec<u8>, bool)> = specs
        .iter()
        .map(|s| {
            (
                Session::new(s.clone()),
                router_flow(s.router),
                Vec::new(),
                false,
            )
        })
        .collect();
    let mut tick: u64 = 0;
    let mut time = || {
        tick += 1;
        (
            1_700_000_000 + (tick / 10_000) as u32,
            (tick % 10_000) as u32 * 100,
        )
    };
    let emit = |w: &mut PcapWriter<_>, seg: &Segment, t: Time, totals: &mut CaptureTotals| {
        let frame = seg.frame(Link::Ethernet);
        totals.packets += 1;
        totals.capture_bytes += 16 + frame.len() as u64;
        w.packet(t, &frame)
    };
    for (_, flow, _, _) in &routers {
        emit(&mut w, &flow.syn(), time(), &mut totals)?;
        emit(&mut w, &flow.syn_ack(), time(), &mut totals)?;
    }
    let mut open = routers.len();
    while open > 0 {
        for (session, flow, pending, finished) in routers.iter_mut() {
            if *finished {
                continue;
            }
            while pending.len() < mss {
                match session.next() {
                    Some(m) => pending.extend_from_slice(&m),
                    None => break,
                }
            }
            if pending.is_empty() {
                emit(&mut w, &flow.fin(), time(), &mut totals)?;
                *finished = true;
                open -= 1;
                totals.messages += session.messages;
                totals.announced += session.announced;
                totals.withdrawn += session.withdrawn;
                continue;
            }
            let n = pending.len().min(mss);
            let seg = flow.data(&pending[..n]);
            totals.bmp_bytes += n as u64;
            pending.drain(..n);
            emit(&mut w, &seg, time(), &mut totals)?;
        }
    }
    w.into_inner().flush()?;
    Ok(totals)
}

/// Writes the raw BMP bytes of the same sessions, one after the other.
pub fn write_raw<W: Write>(out: W, specs: &[SessionSpec]) -> io::Result<CaptureTotals> {
    let mut w = io::BufWriter::with_capacity(1 << 20, out);
    let mut totals = CaptureTotals::default();
    for s in specs {
        let mut session = Session::new(s.clone());
        for m in session.by_ref() {
            totals.bmp_bytes += m.len() as u64;
            w.write_all(&m)?;
        }
        totals.messages += session.messages;
        totals.announced += session.announced;
        totals.withdrawn += session.withdrawn;
    }
    totals.capture_bytes = totals.bmp_bytes;
    w.flush()?;
    Ok(totals)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[should_panic(expected = "at least one monitored peer")]
    fn a_session_without_peers_is_refused_when_built() {
        Session::new(SessionSpec {
            peers: 0,
            ..SessionSpec::small(1)
        });
    }
}
