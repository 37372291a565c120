//! pcap and pcapng containers, read with pcap-parser's streaming readers.

use std::collections::HashSet;
use std::io::Read;

use pcap_parser::traits::PcapReaderIterator;
use pcap_parser::{Block, LegacyPcapReader, PcapBlockOwned, PcapError, PcapNGReader};

use super::Stats;
use super::tcp::Engine;
use super::{Counting, InputFormat, SourceError, SourceEvent, SourceNotice, SourceOptions};
use crate::time::Timestamp;

/// Largest buffer the reader may grow to for one oversized record.
const MAX_BUFFER: usize = 256 << 20;

/// How a container loop ended.
enum Stop {
    Done,
    ReadFailed,
    Format(String),
}

pub(crate) fn run<R: Read>(
    input: &mut Counting<R>,
    format: InputFormat,
    opts: &SourceOptions,
    stats: &mut Stats,
    sink: &mut dyn FnMut(SourceEvent<'_>),
) -> Result<(), SourceError> {
    let mut engine = Engine::new(opts);
    let capacity = opts.read_chunk.max(65_536);
    let stop = if format == InputFormat::Pcapng {
        pcapng(&mut *input, capacity, &mut engine, stats, sink)
    } else {
        legacy(&mut *input, capacity, &mut engine, stats, sink)
    };
    engine.finish(stats, sink);
    match stop {
        Stop::Done => Ok(()),
        Stop::Format(s) => Err(SourceError::Format(s)),
        Stop::ReadFailed => Err(SourceError::Io(input.take_error().unwrap_or_else(|| {
            std::io::Error::other("read error while reading the capture")
        }))),
    }
}

/// The error without its borrow of the reader's buffer.
fn owned(e: PcapError<&[u8]>) -> PcapError<()> {
    match e {
        PcapError::Eof => PcapError::Eof,
        PcapError::BufferTooSmall => PcapError::BufferTooSmall,
        PcapError::UnexpectedEof => PcapError::UnexpectedEof,
        PcapError::ReadError => PcapError::ReadError,
        PcapError::Incomplete(n) => PcapError::Incomplete(n),
        PcapError::HeaderNotRecognized => PcapError::HeaderNotRecognized,
        PcapError::NomError(_, k) => PcapError::NomError((), k),
        PcapError::OwnedNomError(_, k) => PcapError::NomError((), k),
    }
}

/// What to do after a reader error other than `Eof`.
fn on_error<E: std::fmt::Debug>(
    e: PcapError<E>,
    packets: u64,
    can_grow: &mut dyn FnMut() -> bool,
    sink: &mut dyn FnMut(SourceEvent<'_>),
) -> Option<Stop> {
    match e {
        PcapError::Eof => Some(Stop::Done),
        PcapError::ReadError => Some(Stop::ReadFailed),
        PcapError::UnexpectedEof | PcapError::Incomplete(_) => {
            sink(SourceEvent::Notice(SourceNotice::TruncatedCapture {
                packets,
                detail: "the last record is incomplete".into(),
            }));
            Some(Stop::Done)
        }
        PcapError::BufferTooSmall => {
            if can_grow() {
                None
            } else {
                sink(SourceEvent::Notice(SourceNotice::CorruptCapture {
                    packets,
                    detail: format!("a record is larger than {MAX_BUFFER} bytes"),
                }));
                Some(Stop::Done)
            }
        }
        other => {
            sink(SourceEvent::Notice(SourceNotice::CorruptCapture {
                packets,
                detail: format!("{other:?}"),
            }));
            Some(Stop::Done)
        }
    }
}

/// Recovers from a reader error: reads more for a record not yet complete, grows the buffer
/// for one larger than it, or says why reading stops.
fn recover<P: PcapReaderIterator>(
    reader: &mut P,
    e: PcapError<()>,
    cap: &mut usize,
    packets: u64,
    sink: &mut dyn FnMut(SourceEvent<'_>),
) -> Result<(), Stop> {
    if matches!(e, PcapError::Incomplete(_)) && !reader.reader_exhausted() {
        return reader.refill().map_err(|_| Stop::ReadFailed);
    }
    let mut grow = || {
        *cap *= 2;
        *cap <= MAX_BUFFER
    };
    if let Some(stop) = on_error(e, packets, &mut grow, sink) {
        return Err(stop);
    }
    if !reader.grow(*cap) {
        return Err(Stop::Done);
    }
    reader.refill().map_err(|_| Stop::ReadFailed)
}

fn legacy<R: Read>(
    input: R,
    capacity: usize,
    engine: &mut Engine<'_>,
    stats: &mut Stats,
    sink: &mut dyn FnMut(SourceEvent<'_>),
) -> Stop {
    let mut reader = match LegacyPcapReader::new(capacity, input) {
        Ok(r) => r,
        Err(PcapError::Incomplete(_)) => {
            sink(SourceEvent::Notice(SourceNotice::TruncatedCapture {
                packets: 0,
                detail: "the file header is incomplete".into(),
            }));
            return Stop::Done;
        }
        Err(PcapError::ReadError) => return Stop::ReadFailed,
        Err(e) => return Stop::Format(format!("not a pcap file: {e:?}")),
    };
    let mut linktype = 1;
    let mut nanos = false;
    let mut cap = capacity;
    loop {
        match reader.next() {
            Ok((offset, block)) => {
                match block {
                    PcapBlockOwned::LegacyHeader(h) => {
                        linktype = h.network.0;
                        nanos = h.is_nanosecond_precision();
                    }
                    PcapBlockOwned::Legacy(b) => {
                        stats.packets += 1;
                        let frac = if nanos {
                            b.ts_usec
                        } else {
                            b.ts_usec.saturating_mul(1000)
                        };
                        let time = Timestamp::new(u64::from(b.ts_sec), frac);
                        let data = &b.data[..(b.caplen as usize).min(b.data.len())];
                        engine.packet(linktype, Some(time), data, stats, sink);
                    }
                    PcapBlockOwned::NG(_) => {}
                }
                reader.consume(offset);
            }
            Err(e) => {
                let e = owned(e);
                if let Err(stop) = recover(&mut reader, e, &mut cap, stats.packets, sink) {
                    return stop;
                }
            }
        }
    }
}

struct Interface {
    linktype: i32,
    /// Timestamp units per second.
    resolution: u64,
    offset: i64,
    snaplen: u32,
}

fn pcapng<R: Read>(
    input: R,
    capacity: usize,
    engine: &mut Engine<'_>,
    stats: &mut Stats,
    sink: &mut dyn FnMut(SourceEvent<'_>),
) -> Stop {
    let mut reader = match PcapNGReader::new(capacity, input) {
        Ok(r) => r,
        Err(PcapError::Incomplete(_)) => {
            sink(SourceEvent::Notice(SourceNotice::TruncatedCapture {
                packets: 0,
                detail: "the section header block is incomplete".into(),
            }));
            return Stop::Done;
        }
        Err(PcapError::ReadError) => return Stop::ReadFailed,
        Err(e) => return Stop::Format(format!("not a pcapng file: {e:?}")),
    };
    let mut interfaces: Vec<Interface> = Vec::new();
    let mut unknown_reported: HashSet<u32> = HashSet::new();
    let mut cap = capacity;
    loop {
        match reader.next() {
            Ok((offset, block)) => {
                if let PcapBlockOwned::NG(block) = block {
                    match block {
                        Block::SectionHeader(_) => interfaces.clear(),
                        Block::InterfaceDescription(idb) => interfaces.push(Interface {
                            linktype: idb.linktype.0,
                            resolution: idb.ts_resolution().unwrap_or(1_000_000).max(1),
                            offset: idb.ts_offset(),
                            snaplen: idb.snaplen,
                        }),
                        Block::EnhancedPacket(epb) => {
                            stats.packets += 1;
                            match interfaces.get(epb.if_id as usize) {
                                Some(i) => {
                                    let ts = (u64::from(epb.ts_high) << 32) | u64::from(epb.ts_low);
                                    let time = time_of(ts, i.resolution, i.offset);
                                    let data =
                                        &epb.data[..(epb.caplen as usize).min(epb.data.len())];
                                    engine.packet(i.linktype, time, data, stats, sink);
                                }
                                None => {
                                    if unknown_reported.insert(epb.if_id) {
                                        sink(SourceEvent::Notice(SourceNotice::UnknownInterface {
                                            interface: epb.if_id,
                                        }));
                                    }
                                }
                            }
                        }
                        Block::SimplePacket(spb) => {
                            stats.packets += 1;
                            match interfaces.first() {
                                Some(i) => {
                                    let mut len = (spb.origlen as usize).min(spb.data.len());
                                    if i.snaplen > 0 {
                                        len = len.min(i.snaplen as usize);
                                    }
                                    engine.packet(i.linktype, None, &spb.data[..len], stats, sink);
                                }
                                None => {
                                    if unknown_reported.insert(0) {
                                        sink(SourceEvent::Notice(SourceNotice::UnknownInterface {
                                            interface: 0,
                                        }));
                                    }
                                }
                            }
                        }
                        _ => {}
                    }
                }
                reader.consume(offset);
            }
            Err(e) => {
                let e = owned(e);
                if let Err(stop) = recover(&mut reader, e, &mut cap, stats.packets, sink) {
                    return stop;
                }
            }
        }
    }
}

/// A pcapng timestamp in `resolution` units per second, shifted by `offset` seconds.
fn time_of(ts: u64, resolution: u64, offset: i64) -> Option<Timestamp> {
    let secs = (ts / resolution) as i64 + offset;
    let frac = ts % resolution;
    let nanos = (u128::from(frac) * 1_000_000_000 / u128::from(resolution)) as u32;
    u64::try_from(secs).ok().map(|s| Timestamp::new(s, nanos))
}
