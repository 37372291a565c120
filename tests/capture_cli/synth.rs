//! Generators shared by tests/capture_cli.rs and benches/capture.rs: BMP sessions with
//! realistic UPDATEs (built with `bmpctl::builder`), TCP segmentation, link-layer framing and
//! tiny streaming pcap / pcapng writers. Nothing here reads bmpctl's source layer: the bytes
//! are written from the file-format and protocol layouts.
#![allow(dead_code)] // The bench and the tests each use a part.

use std::io::{self, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use bmpctl::testkit::bmp;
use bmpctl::testkit::workload;

pub use bmpctl::testkit::workload::{PeerSpec, XorShift};

// ---- BMP sessions ----------------------------------------------------------------------------

/// What a generated session looks like.
#[derive(Debug, Clone)]
pub struct SessionSpec {
    /// Router number: peers get addresses of their own per router.
    pub router: u8,
    pub seed: u64,
    /// sysName TLV of the Initiation (none: only sysDescr).
    pub sys_name: Option<String>,
    pub peers: usize,
    /// Route Monitoring messages to write (ignored when `byte_budget` is set).
    pub route_monitoring: usize,
    /// Write Route Monitoring until the stream reaches this many bytes.
    pub byte_budget: Option<u64>,
    /// Every `big_every`-th Route Monitoring carries ~250 prefixes (spans TCP segments).
    pub big_every: usize,
}

impl SessionSpec {
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
pub fn peers(spec: &SessionSpec, rng: &mut XorShift) -> Vec<PeerSpec> {
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

pub fn peer_up(p: &PeerSpec, router: u8) -> Vec<u8> {
    workload::peer_up(p, Ipv4Addr::new(10, router, 0, 254), [10, 255, 0, router])
}

/// One Route Monitoring message: (bytes, routes announced, routes withdrawn).
pub use bmpctl::testkit::workload::route_monitoring;

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
    /// Totals so far.
    pub messages: u64,
    pub announced: u64,
    pub withdrawn: u64,
}

impl Session {
    pub fn new(spec: SessionSpec) -> Self {
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

// ---- TCP, IP, link layer ---------------------------------------------------------------------

pub const FIN: u8 = 0x01;
pub const SYN: u8 = 0x02;
pub const RST: u8 = 0x04;
pub const PSH: u8 = 0x08;
pub const ACK: u8 = 0x10;

/// A TCP segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seg {
    pub src: (IpAddr, u16),
    pub dst: (IpAddr, u16),
    pub seq: u32,
    pub flags: u8,
    pub payload: Vec<u8>,
}

/// One direction of a TCP connection, handing out sequence numbers.
#[derive(Debug, Clone)]
pub struct Flow {
    pub src: (IpAddr, u16),
    pub dst: (IpAddr, u16),
    pub isn: u32,
    /// Sequence number of the next data byte.
    pub next: u32,
}

impl Flow {
    pub fn new(src: (IpAddr, u16), dst: (IpAddr, u16), isn: u32) -> Self {
        Flow {
            src,
            dst,
            isn,
            next: isn.wrapping_add(1),
        }
    }

    pub fn syn(&self) -> Seg {
        self.seg(self.isn, SYN, Vec::new())
    }

    /// The station's SYN-ACK (reverse direction, no data).
    pub fn syn_ack(&self) -> Seg {
        Seg {
            src: self.dst,
            dst: self.src,
            seq: 0x1000_0000,
            flags: SYN | ACK,
            payload: Vec::new(),
        }
    }

    /// The next data segment.
    pub fn data(&mut self, payload: &[u8]) -> Seg {
        let s = self.seg(self.next, ACK | PSH, payload.to_vec());
        self.next = self.next.wrapping_add(payload.len() as u32);
        s
    }

    /// A segment at an arbitrary stream offset (0 = first data byte), for retransmissions and
    /// overlaps.
    pub fn at(&self, offset: usize, payload: &[u8]) -> Seg {
        self.seg(
            self.isn.wrapping_add(1).wrapping_add(offset as u32),
            ACK | PSH,
            payload.to_vec(),
        )
    }

    pub fn fin(&self) -> Seg {
        self.seg(self.next, FIN | ACK, Vec::new())
    }

    fn seg(&self, seq: u32, flags: u8, payload: Vec<u8>) -> Seg {
        Seg {
            src: self.src,
            dst: self.dst,
            seq,
            flags,
            payload,
        }
    }
}

pub fn tcp_header(sport: u16, dport: u16, seq: u32, flags: u8) -> [u8; 20] {
    let mut t = [0u8; 20];
    t[0..2].copy_from_slice(&sport.to_be_bytes());
    t[2..4].copy_from_slice(&dport.to_be_bytes());
    t[4..8].copy_from_slice(&seq.to_be_bytes());
    t[8..12].copy_from_slice(&1u32.to_be_bytes()); // ack
    t[12] = 5 << 4;
    t[13] = flags;
    t[14..16].copy_from_slice(&65535u16.to_be_bytes());
    t
}

fn checksum(b: &[u8]) -> u16 {
    let mut s: u32 = 0;
    for c in b.chunks(2) {
        s += u32::from(u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]));
    }
    while s > 0xffff {
        s = (s & 0xffff) + (s >> 16);
    }
    !(s as u16)
}

/// An IPv4 or IPv6 packet around a layer-4 payload.
pub fn ip_packet(src: IpAddr, dst: IpAddr, proto: u8, l4: &[u8]) -> Vec<u8> {
    match (src, dst) {
        (IpAddr::V4(s), IpAddr::V4(d)) => {
            let total = (20 + l4.len()) as u16;
            let mut ip = Vec::with_capacity(20 + l4.len());
            ip.extend_from_slice(&[0x45, 0]);
            ip.extend_from_slice(&total.to_be_bytes());
            ip.extend_from_slice(&[0, 1, 0x40, 0, 64, proto, 0, 0]);
            ip.extend_from_slice(&s.octets());
            ip.extend_from_slice(&d.octets());
            let sum = checksum(&ip);
            ip[10..12].copy_from_slice(&sum.to_be_bytes());
            ip.extend_from_slice(l4);
            ip
        }
        (IpAddr::V6(s), IpAddr::V6(d)) => {
            let mut ip = Vec::with_capacity(40 + l4.len());
            ip.extend_from_slice(&[0x60, 0, 0, 0]);
            ip.extend_from_slice(&(l4.len() as u16).to_be_bytes());
            ip.push(proto);
            ip.push(64);
            ip.extend_from_slice(&s.octets());
            ip.extend_from_slice(&d.octets());
            ip.extend_from_slice(l4);
            ip
        }
        _ => panic!("mixed IP versions"),
    }
}

pub fn tcp_packet(seg: &Seg) -> Vec<u8> {
    let mut l4 = Vec::with_capacity(20 + seg.payload.len());
    l4.extend_from_slice(&tcp_header(seg.src.1, seg.dst.1, seg.seq, seg.flags));
    l4.extend_from_slice(&seg.payload);
    ip_packet(seg.src.0, seg.dst.0, 6, &l4)
}

pub fn udp_packet(src: (IpAddr, u16), dst: (IpAddr, u16), payload: &[u8]) -> Vec<u8> {
    let mut l4 = Vec::with_capacity(8 + payload.len());
    l4.extend_from_slice(&src.1.to_be_bytes());
    l4.extend_from_slice(&dst.1.to_be_bytes());
    l4.extend_from_slice(&((8 + payload.len()) as u16).to_be_bytes());
    l4.extend_from_slice(&[0, 0]);
    l4.extend_from_slice(payload);
    ip_packet(src.0, dst.0, 17, &l4)
}

/// Link-layer framings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    Ethernet,
    /// Ethernet with one 802.1Q tag.
    Vlan,
    /// Linux cooked capture v1 (`tcpdump -i any`).
    Sll,
}

impl Link {
    pub fn linktype(self) -> u32 {
        match self {
            Link::Ethernet | Link::Vlan => 1,
            Link::Sll => 113,
        }
    }

    pub fn wrap(self, ip: &[u8]) -> Vec<u8> {
        let ethertype: [u8; 2] = if ip[0] >> 4 == 6 {
            [0x86, 0xdd]
        } else {
            [0x08, 0x00]
        };
        let mut f = Vec::with_capacity(ip.len() + 20);
        match self {
            Link::Ethernet | Link::Vlan => {
                f.extend_from_slice(&[2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2]);
                if self == Link::Vlan {
                    f.extend_from_slice(&[0x81, 0x00, 0, 42]);
                }
                f.extend_from_slice(&ethertype);
            }
            Link::Sll => {
                // packet type 0 (to us), ARPHRD_ETHER, address length 6, address, protocol
                f.extend_from_slice(&[0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0]);
                f.extend_from_slice(&ethertype);
            }
        }
        f.extend_from_slice(ip);
        if matches!(self, Link::Ethernet | Link::Vlan) && f.len() < 60 {
            f.resize(60, 0); // Ethernet padding, trimmed by the IP length
        }
        f
    }
}

// ---- containers ------------------------------------------------------------------------------

/// A capture time: seconds and microseconds.
pub type Time = (u32, u32);

/// Streaming little-endian microsecond pcap writer.
pub struct PcapWriter<W: Write> {
    out: W,
}

impl<W: Write> PcapWriter<W> {
    pub fn new(mut out: W, linktype: u32) -> io::Result<Self> {
        let mut h = Vec::with_capacity(24);
        h.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
        h.extend_from_slice(&2u16.to_le_bytes());
        h.extend_from_slice(&4u16.to_le_bytes());
        h.extend_from_slice(&0u32.to_le_bytes());
        h.extend_from_slice(&0u32.to_le_bytes());
        h.extend_from_slice(&262_144u32.to_le_bytes());
        h.extend_from_slice(&linktype.to_le_bytes());
        out.write_all(&h)?;
        Ok(PcapWriter { out })
    }

    pub fn packet(&mut self, t: Time, frame: &[u8]) -> io::Result<()> {
        let mut h = [0u8; 16];
        h[0..4].copy_from_slice(&t.0.to_le_bytes());
        h[4..8].copy_from_slice(&t.1.to_le_bytes());
        h[8..12].copy_from_slice(&(frame.len() as u32).to_le_bytes());
        h[12..16].copy_from_slice(&(frame.len() as u32).to_le_bytes());
        self.out.write_all(&h)?;
        self.out.write_all(frame)
    }

    pub fn into_inner(self) -> W {
        self.out
    }
}

fn ng_block(block_type: u32, body: &[u8]) -> Vec<u8> {
    let mut body = body.to_vec();
    while body.len() % 4 != 0 {
        body.push(0);
    }
    let len = (12 + body.len()) as u32;
    let mut b = Vec::with_capacity(len as usize);
    b.extend_from_slice(&block_type.to_le_bytes());
    b.extend_from_slice(&len.to_le_bytes());
    b.extend_from_slice(&body);
    b.extend_from_slice(&len.to_le_bytes());
    b
}

/// pcapng: one section, one interface (microsecond resolution, the default), Enhanced Packet
/// Blocks.
pub fn pcapng(linktype: u32, packets: &[(Time, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut shb = Vec::new();
    shb.extend_from_slice(&0x1a2b_3c4du32.to_le_bytes());
    shb.extend_from_slice(&1u16.to_le_bytes());
    shb.extend_from_slice(&0u16.to_le_bytes());
    shb.extend_from_slice(&(-1i64).to_le_bytes());
    out.extend(ng_block(0x0a0d_0d0a, &shb));
    let mut idb = Vec::new();
    idb.extend_from_slice(&(linktype as u16).to_le_bytes());
    idb.extend_from_slice(&0u16.to_le_bytes());
    idb.extend_from_slice(&0u32.to_le_bytes()); // snaplen: none
    out.extend(ng_block(1, &idb));
    for (t, frame) in packets {
        let ts = u64::from(t.0) * 1_000_000 + u64::from(t.1);
        let mut epb = Vec::with_capacity(20 + frame.len());
        epb.extend_from_slice(&0u32.to_le_bytes());
        epb.extend_from_slice(&((ts >> 32) as u32).to_le_bytes());
        epb.extend_from_slice(&(ts as u32).to_le_bytes());
        epb.extend_from_slice(&(frame.len() as u32).to_le_bytes());
        epb.extend_from_slice(&(frame.len() as u32).to_le_bytes());
        epb.extend_from_slice(frame);
        out.extend(ng_block(6, &epb));
    }
    out
}

pub fn pcap(linktype: u32, packets: &[(Time, Vec<u8>)]) -> Vec<u8> {
    let mut w = PcapWriter::new(Vec::new(), linktype).expect("in memory");
    for (t, f) in packets {
        w.packet(*t, f).expect("in memory");
    }
    w.into_inner()
}

pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).expect("in memory");
    e.finish().expect("in memory")
}

// ---- multi-router captures, streamed -----------------------------------------------------------

/// Totals of a generated capture.
#[derive(Debug, Default, Clone)]
pub struct CaptureTotals {
    pub packets: u64,
    pub capture_bytes: u64,
    pub bmp_bytes: u64,
    pub messages: u64,
    pub announced: u64,
    pub withdrawn: u64,
}

/// Router `r`'s TCP endpoint and the station's.
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
    let emit = |w: &mut PcapWriter<_>, seg: &Seg, t: Time, totals: &mut CaptureTotals| {
        let frame = Link::Ethernet.wrap(&tcp_packet(seg));
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
