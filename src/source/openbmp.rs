//! OpenBMP `bmp_raw` messages: the binary `OBMP` v1.7 header, or the older text header.

use std::collections::HashMap;
use std::io::{self, Read};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::{Counting, SourceError, SourceEvent, SourceNotice, SourceOptions, Stats, StreamId};
use crate::event::EndReason;
use crate::time::Timestamp;

/// Object type of a raw BMP message.
const OBJ_BMP_RAW: u8 = 12;
/// Fixed part of the binary header, up to the admin id length.
const FIXED: usize = 40;
/// Longest text header accepted.
const MAX_TEXT_HEADER: usize = 4096;

/// One parse step.
enum Step {
    /// A message: its total length, the BMP bytes' range, router, time.
    Message {
        total: usize,
        bmp: (usize, usize),
        router: Option<IpAddr>,
        time: Option<Timestamp>,
    },
    /// A well-formed message that is not raw BMP: skipped whole.
    Skip {
        total: usize,
        detail: String,
    },
    /// Not a message here: skip this many bytes and look again.
    Bad {
        skip: usize,
        detail: String,
    },
    More,
}

fn be16(b: &[u8], at: usize) -> usize {
    usize::from(u16::from_be_bytes([b[at], b[at + 1]]))
}

fn be32(b: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// Distance to the next possible header start after the first byte.
fn resync(b: &[u8]) -> usize {
    (1..b.len())
        .find(|&i| b[i..].starts_with(b"OBMP") || b[i..].starts_with(b"V: "))
        .unwrap_or(b.len().saturating_sub(3).max(1))
}

fn step(b: &[u8], max_message: u32) -> Step {
    if b.len() < 4 {
        return if b"OBMP".starts_with(b) || b"V: ".starts_with(&b[..b.len().min(3)]) {
            Step::More
        } else {
            Step::Bad {
                skip: resync(b),
                detail: "not an OpenBMP header".into(),
            }
        };
    }
    if b.starts_with(b"OBMP") {
        binary(b, max_message)
    } else if b.starts_with(b"V: ") {
        text(b, max_message)
    } else {
        Step::Bad {
            skip: resync(b),
            detail: "not an OpenBMP header".into(),
        }
    }
}

fn binary(b: &[u8], max_message: u32) -> Step {
    if b.len() < 14 {
        return Step::More;
    }
    let (major, minor) = (b[4], b[5]);
    let header_len = be16(b, 6);
    let bmp_len = be32(b, 8);
    let flags = b[12];
    let obj = b[13];
    if major != 1 || header_len < FIXED {
        return Step::Bad {
            skip: resync(b),
            detail: format!(
                "unsupported OBMP header version {major}.{minor} or length {header_len}"
            ),
        };
    }
    if bmp_len > max_message {
        return Step::Bad {
            skip: resync(b),
            detail: format!("message length {bmp_len} over the cap of {max_message}"),
        };
    }
    let total = header_len + bmp_len as usize;
    if b.len() < total {
        return Step::More;
    }
    if obj != OBJ_BMP_RAW {
        return Step::Skip {
            total,
            detail: format!("object type {obj} is not raw BMP (12); skipped"),
        };
    }
    let h = &b[..header_len];
    let secs = be32(h, 14);
    let usecs = be32(h, 18);
    let time = Some(Timestamp::new(
        u64::from(secs),
        usecs.min(999_999).saturating_mul(1000),
    ));
    // admin id, router hash, router IP.
    let admin_len = be16(h, 38);
    let ip_at = FIXED + admin_len + 16;
    let router = h.get(ip_at..ip_at + 16).map(|ip| {
        if flags & 0x40 != 0 {
            IpAddr::V6(Ipv6Addr::from(<[u8; 16]>::try_from(ip).expect("16 bytes")))
        } else if ip[..4] == [0; 4] && ip[12..] != [0; 4] {
            // Right-aligned IPv4, as some writers put it.
            IpAddr::V4(Ipv4Addr::new(ip[12], ip[13], ip[14], ip[15]))
        } else {
            IpAddr::V4(Ipv4Addr::new(ip[0], ip[1], ip[2], ip[3]))
        }
    });
    Step::Message {
        total,
        bmp: (header_len, total),
        router,
        time,
    }
}

fn text(b: &[u8], max_message: u32) -> Step {
    let window = &b[..b.len().min(MAX_TEXT_HEADER)];
    let Some(end) = window.windows(2).position(|w| w == b"\n\n") else {
        if b.len() >= MAX_TEXT_HEADER {
            return Step::Bad {
                skip: resync(b),
                detail: "text header without an empty line".into(),
            };
        }
        return Step::More;
    };
    let header = String::from_utf8_lossy(&b[..end]);
    let mut length: Option<u32> = None;
    let mut router = None;
    for line in header.lines() {
        let Some((k, v)) = line.split_once(':') else {
            continue;
        };
        let v = v.trim();
        match k.trim() {
            "L" => length = v.parse().ok(),
            "R_IP" => router = v.parse::<IpAddr>().ok(),
            _ => {}
        }
    }
    let Some(length) = length.filter(|&l| l <= max_message) else {
        return Step::Bad {
            skip: resync(b),
            detail: "text header without a usable L: length".into(),
        };
    };
    let start = end + 2;
    let total = start + length as usize;
    if b.len() < total {
        return Step::More;
    }
    Step::Message {
        total,
        bmp: (start, total),
        router,
        time: None,
    }
}

pub(crate) fn run<R: Read>(
    input: &mut Counting<R>,
    opts: &SourceOptions,
    stats: &mut Stats,
    sink: &mut dyn FnMut(SourceEvent<'_>),
) -> Result<(), SourceError> {
    let mut streams: HashMap<Option<IpAddr>, StreamId> = HashMap::new();
    let mut order: Vec<StreamId> = Vec::new();
    let mut buf: Vec<u8> = Vec::new();
    let mut pos = 0usize;
    let mut base = 0u64;
    let mut chunk = vec![0u8; opts.read_chunk.max(4096)];
    let mut eof = false;
    let mut skipped_kinds: HashMap<String, ()> = HashMap::new();
    let result = loop {
        loop {
            let offset = base + pos as u64;
            match step(&buf[pos..], opts.max_message) {
                Step::Message {
                    total,
                    bmp,
                    router,
                    time,
                } => {
                    stats.packets += 1;
                    let id = *streams.entry(router).or_insert_with(|| {
                        let id = StreamId(order.len() as u64);
                        order.push(id);
                        sink(SourceEvent::StreamStart {
                            id,
                            name: router.map_or_else(|| "unknown router".into(), |r| r.to_string()),
                            router,
                            time,
                        });
                        id
                    });
                    sink(SourceEvent::Data {
                        id,
                        bytes: &buf[pos + bmp.0..pos + bmp.1],
                        time,
                    });
                    pos += total;
                }
                Step::Skip { total, detail } => {
                    stats.packets += 1;
                    if skipped_kinds.insert(detail.clone(), ()).is_none() {
                        sink(SourceEvent::Notice(SourceNotice::OpenBmp {
                            offset,
                            detail,
                        }));
                    }
                    pos += total;
                }
                Step::Bad { skip, detail } => {
                    if eof || buf.len() - pos >= 4 {
                        sink(SourceEvent::Notice(SourceNotice::OpenBmp {
                            offset,
                            detail,
                        }));
                        pos += skip.max(1).min(buf.len() - pos);
                    } else {
                        break;
                    }
                }
                Step::More => break,
            }
            if pos >= buf.len() {
                break;
            }
        }
        if eof {
            if pos < buf.len() {
                sink(SourceEvent::Notice(SourceNotice::TruncatedCapture {
                    packets: stats.packets,
                    detail: format!("{} bytes of a partial OpenBMP message", buf.len() - pos),
                }));
            }
            break Ok(());
        }
        buf.drain(..pos);
        base += pos as u64;
        pos = 0;
        match input.read(&mut chunk) {
            Ok(0) => eof = true,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => break Err(SourceError::Io(e)),
        }
    };
    for id in order {
        sink(SourceEvent::StreamEnd {
            id,
            how: EndReason::EndOfInput,
            time: None,
        });
    }
    result
}
