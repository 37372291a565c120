//! Test-only helpers for tests/sources.rs: a tiny pcap/pcapng writer, hand-built
//! Ethernet/IP/TCP frames, and a collector for source events.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::net::IpAddr;

use bmpctl::event::EndReason;
use bmpctl::frame::{DEFAULT_MAX_MESSAGE, FrameEvent, Framer, FramingProblem};
use bmpctl::source::{self, SourceEvent, SourceNotice, SourceOptions, SourceSummary, StreamId};
use bmpctl::time::Timestamp;

/// One collected stream.
#[derive(Debug, Clone, Default)]
pub struct Stream {
    pub name: String,
    pub router: Option<IpAddr>,
    pub start_time: Option<Timestamp>,
    pub bytes: Vec<u8>,
    /// (offset in `bytes`, bytes missing)
    pub gaps: Vec<(u64, u64)>,
    pub end: Option<EndReason>,
    pub data_times: Vec<Option<Timestamp>>,
}

#[derive(Debug, Default)]
pub struct Collected {
    pub streams: Vec<Stream>,
    pub notices: Vec<SourceNotice>,
    pub summary: SourceSummary,
}

/// Runs a source over `input`, checking the event contract on the way.
pub fn collect(input: &[u8], opts: &SourceOptions) -> Collected {
    let mut out = Collected::default();
    let mut index: BTreeMap<StreamId, usize> = BTreeMap::new();
    let summary = source::run(input, opts, &mut |ev| match ev {
        SourceEvent::StreamStart {
            id,
            name,
            router,
            time,
        } => {
            assert!(!index.contains_key(&id), "stream id {id:?} reused");
            index.insert(id, out.streams.len());
            out.streams.push(Stream {
                name,
                router,
                start_time: time,
                ..Stream::default()
            });
        }
        SourceEvent::Data { id, bytes, time } => {
            let s = &mut out.streams[index[&id]];
            assert!(s.end.is_none(), "data after the end");
            s.bytes.extend_from_slice(bytes);
            s.data_times.push(time);
        }
        SourceEvent::Gap {
            id, at, missing, ..
        } => {
            let s = &mut out.streams[index[&id]];
            assert_eq!(at, s.bytes.len() as u64, "gap offset");
            s.gaps.push((at, missing));
        }
        SourceEvent::StreamEnd { id, how, .. } => {
            let s = &mut out.streams[index[&id]];
            assert!(s.end.is_none(), "two ends");
            s.end = Some(how);
        }
        SourceEvent::Notice(n) => out.notices.push(n),
    })
    .expect("source run");
    for s in &out.streams {
        assert!(s.end.is_some(), "stream {} never ended", s.name);
    }
    out.summary = summary;
    out
}

/// Frames a stream (a new framer after each gap): message count per type and problems.
pub fn frame(stream: &Stream) -> (BTreeMap<u8, usize>, Vec<FramingProblem>) {
    let mut counts = BTreeMap::new();
    let mut problems = Vec::new();
    let mut cuts: Vec<usize> = stream.gaps.iter().map(|&(at, _)| at as usize).collect();
    cuts.push(stream.bytes.len());
    let mut from = 0;
    for cut in cuts {
        let mut f = Framer::new(DEFAULT_MAX_MESSAGE);
        f.push(&stream.bytes[from..cut]);
        f.finish();
        while let Some(ev) = f.next_event() {
            match ev {
                FrameEvent::Message { bytes, .. } => *counts.entry(bytes[5]).or_default() += 1,
                FrameEvent::Problem(p) => problems.push(p),
            }
        }
        from = cut;
    }
    (counts, problems)
}

// ---- frames ----------------------------------------------------------------------------------

pub const SYN: u8 = 0x02;
pub const FIN: u8 = 0x01;
pub const RST: u8 = 0x04;
pub const ACK: u8 = 0x10;
pub const PSH: u8 = 0x08;

/// A TCP segment between two endpoints.
#[derive(Debug, Clone)]
pub struct Seg {
    pub src: ([u8; 4], u16),
    pub dst: ([u8; 4], u16),
    pub seq: u32,
    pub flags: u8,
    pub payload: Vec<u8>,
}

pub fn tcp_header(sport: u16, dport: u16, seq: u32, flags: u8) -> Vec<u8> {
    let mut t = Vec::with_capacity(20);
    t.extend_from_slice(&sport.to_be_bytes());
    t.extend_from_slice(&dport.to_be_bytes());
    t.extend_from_slice(&seq.to_be_bytes());
    t.extend_from_slice(&1u32.to_be_bytes()); // ack
    t.push(5 << 4);
    t.push(flags);
    t.extend_from_slice(&65535u16.to_be_bytes());
    t.extend_from_slice(&[0, 0, 0, 0]); // checksum, urgent
    t
}

pub fn ipv4_packet(src: [u8; 4], dst: [u8; 4], proto: u8, l4: &[u8]) -> Vec<u8> {
    let total = (20 + l4.len()) as u16;
    let mut ip = vec![0x45, 0];
    ip.extend_from_slice(&total.to_be_bytes());
    ip.extend_from_slice(&[0, 1, 0x40, 0, 64, proto, 0, 0]);
    ip.extend_from_slice(&src);
    ip.extend_from_slice(&dst);
    let sum = checksum(&ip);
    ip[10..12].copy_from_slice(&sum.to_be_bytes());
    ip.extend_from_slice(l4);
    ip
}

/// IPv6 with a hop-by-hop options extension header before TCP.
pub fn ipv6_packet(src: [u8; 16], dst: [u8; 16], l4: &[u8]) -> Vec<u8> {
    let hop = [6u8, 0, 1, 4, 0, 0, 0, 0]; // next TCP, len 0 (8 bytes), PadN
    let plen = (hop.len() + l4.len()) as u16;
    let mut ip = vec![0x60, 0, 0, 0];
    ip.extend_from_slice(&plen.to_be_bytes());
    ip.push(0); // hop-by-hop
    ip.push(64);
    ip.extend_from_slice(&src);
    ip.extend_from_slice(&dst);
    ip.extend_from_slice(&hop);
    ip.extend_from_slice(l4);
    ip
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

/// Link layer wrappers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    Ethernet,
    Vlan,
    QinQ,
    Sll,
    Sll2,
    Null,
    RawIp,
}

impl Link {
    pub fn linktype(self) -> u32 {
        match self {
            Link::Ethernet | Link::Vlan | Link::QinQ => 1,
            Link::Sll => 113,
            Link::Sll2 => 276,
            Link::Null => 0,
            Link::RawIp => 101,
        }
    }

    pub fn wrap(self, ip: &[u8]) -> Vec<u8> {
        let ethertype: [u8; 2] = if ip[0] >> 4 == 6 {
            [0x86, 0xdd]
        } else {
            [0x08, 0x00]
        };
        let mut f = Vec::new();
        match self {
            Link::Ethernet | Link::Vlan | Link::QinQ => {
                f.extend_from_slice(&[2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2]);
                if self == Link::QinQ {
                    f.extend_from_slice(&[0x88, 0xa8, 0, 100]);
                }
                if self != Link::Ethernet {
                    f.extend_from_slice(&[0x81, 0x00, 0, 42]);
                }
                f.extend_from_slice(&ethertype);
            }
            Link::Sll => {
                f.extend_from_slice(&[0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0]);
                f.extend_from_slice(&ethertype);
            }
            Link::Sll2 => {
                f.extend_from_slice(&ethertype);
                f.extend_from_slice(&[0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0]);
            }
            Link::Null => f.extend_from_slice(&2u32.to_le_bytes()),
            Link::RawIp => {}
        }
        f.extend_from_slice(ip);
        if matches!(self, Link::Ethernet | Link::Vlan | Link::QinQ) && f.len() < 60 {
            f.resize(60, 0); // Ethernet padding, to be trimmed by the IP length
        }
        f
    }
}

pub fn frame_of(seg: &Seg, link: Link) -> Vec<u8> {
    let tcp = {
        let mut t = tcp_header(seg.src.1, seg.dst.1, seg.seq, seg.flags);
        t.extend_from_slice(&seg.payload);
        t
    };
    link.wrap(&ipv4_packet(seg.src.0, seg.dst.0, 6, &tcp))
}

// ---- containers ------------------------------------------------------------------------------

/// A legacy pcap: (seconds, fraction, frame). `nanos` picks the nanosecond magic.
pub fn pcap(
    linktype: u32,
    frames: &[(u32, u32, Vec<u8>)],
    big_endian: bool,
    nanos: bool,
) -> Vec<u8> {
    let w32 = |v: u32| {
        if big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    };
    let w16 = |v: u16| {
        if big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    };
    let mut out = Vec::new();
    out.extend_from_slice(&w32(if nanos { 0xa1b2_3c4d } else { 0xa1b2_c3d4 }));
    out.extend_from_slice(&w16(2));
    out.extend_from_slice(&w16(4));
    out.extend_from_slice(&w32(0));
    out.extend_from_slice(&w32(0));
    out.extend_from_slice(&w32(262_144));
    out.extend_from_slice(&w32(linktype));
    for (s, frac, f) in frames {
        out.extend_from_slice(&w32(*s));
        out.extend_from_slice(&w32(*frac));
        out.extend_from_slice(&w32(f.len() as u32));
        out.extend_from_slice(&w32(f.len() as u32));
        out.extend_from_slice(f);
    }
    out
}

fn ng_block(block_type: u32, body: &[u8]) -> Vec<u8> {
    let mut body = body.to_vec();
    while body.len() % 4 != 0 {
        body.push(0);
    }
    let len = (12 + body.len()) as u32;
    let mut b = Vec::new();
    b.extend_from_slice(&block_type.to_le_bytes());
    b.extend_from_slice(&len.to_le_bytes());
    b.extend_from_slice(&body);
    b.extend_from_slice(&len.to_le_bytes());
    b
}

pub fn ng_section() -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(&0x1a2b_3c4du32.to_le_bytes());
    body.extend_from_slice(&1u16.to_le_bytes());
    body.extend_from_slice(&0u16.to_le_bytes());
    body.extend_from_slice(&(-1i64).to_le_bytes());
    ng_block(0x0a0d_0d0a, &body)
}

/// Interface Description Block with an `if_tsresol` option.
pub fn ng_interface(linktype: u16, tsresol: u8) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(&linktype.to_le_bytes());
    body.extend_from_slice(&0u16.to_le_bytes());
    body.extend_from_slice(&0u32.to_le_bytes()); // snaplen
    body.extend_from_slice(&9u16.to_le_bytes()); // if_tsresol
    body.extend_from_slice(&1u16.to_le_bytes());
    body.extend_from_slice(&[tsresol, 0, 0, 0]);
    body.extend_from_slice(&[0, 0, 0, 0]); // opt_endofopt
    ng_block(1, &body)
}

/// Enhanced Packet Block; `ts` in the interface's units.
pub fn ng_packet(interface: u32, ts: u64, frame: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(&interface.to_le_bytes());
    body.extend_from_slice(&((ts >> 32) as u32).to_le_bytes());
    body.extend_from_slice(&(ts as u32).to_le_bytes());
    body.extend_from_slice(&(frame.len() as u32).to_le_bytes());
    body.extend_from_slice(&(frame.len() as u32).to_le_bytes());
    body.extend_from_slice(frame);
    ng_block(6, &body)
}

pub fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}
