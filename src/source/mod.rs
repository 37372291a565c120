//! Input sources: turn whatever a file or stdin holds into BMP byte streams.
//!
//! A source reads one input through any [`Read`], recognises its format by content
//! ([`detect`]), and hands [`SourceEvent`]s to a callback. Nothing here decodes BMP: the
//! events carry raw BMP bytes, one logical stream at a time, for the caller to push into a
//! [`crate::stream::StreamDecoder`] (one decoder per [`StreamId`]).
//!
//! Formats ([`InputFormat`]), any of them optionally gzip-compressed (gzip is detected by its
//! magic and undone with a streaming multi-member decoder):
//! * **raw BMP** (a TCP payload dump such as `bmp_play -m record` writes): one stream named
//!   after the input ([`SourceOptions::name`]), passed through in chunks;
//! * **pcap** (both byte orders, micro- and nanosecond) and **pcapng** (several sections and
//!   interfaces, per-interface link type and `if_tsresol`/`if_tsoffset`): link types Ethernet
//!   (802.1Q/802.1ad/QinQ tags), Linux cooked v1 (113) and v2 (276), BSD NULL (0) and LOOP
//!   (108), raw IP (12, 14, 101, 228, 229); IPv4 and IPv6 with extension headers (etherparse).
//!   Every TCP connection direction whose bytes frame as BMP becomes one stream, after
//!   reassembly (see below). Non-IP, non-TCP and non-BMP traffic is counted and skipped;
//! * **OpenBMP** (`openbmp.bmp_raw` Kafka topic): the binary `OBMP` v1.7 header or the older
//!   text header (`V:`, `C_HASH_ID:`, `R_HASH:`, `R_IP:`, `L:` lines, blank line). Each
//!   router address gets one stream; messages carry the collector's timestamp.
//!
//! # Event order and contract
//! For each stream: one [`SourceEvent::StreamStart`], then any number of
//! [`SourceEvent::Data`] and [`SourceEvent::Gap`], then exactly one [`SourceEvent::StreamEnd`]
//! (also when the input ends or fails: [`run`] closes every open stream before it returns,
//! `Ok` or `Err`). Streams interleave (a capture holds several connections at once); ids are
//! never reused within one [`run`]. [`SourceEvent::Notice`]s can come at any time.
//!
//! A [`SourceEvent::Gap`] means bytes of the stream were lost (not in the capture). The bytes
//! after it are delivered as they come; the caller should tell its framer, because a message
//! cut by the gap no longer frames. With the present [`crate::stream::StreamDecoder`], the
//! simplest correct handling is to `finish()` the stream's decoder (a truncated message is
//! reported) and continue with a fresh one; the framer then resynchronises at the next
//! plausible header of the data that follows.
//!
//! # TCP reassembly
//! Per connection (4-tuple) and direction: sequence numbers in serial arithmetic (wrap-around),
//! out-of-order segments buffered up to [`SourceOptions::max_reorder_bytes`] per direction (a
//! [`SourceNotice::ReorderOverflow`] and a gap when the bound is hit), retransmissions dropped and
//! overlaps trimmed (the first copy wins), SYN/FIN/RST lifecycle (a new SYN on a 4-tuple after
//! the old connection ends starts a new stream; FIN ends the stream once every byte before it
//! arrived; RST ends it at once), IP datagrams cut by the snap length produce a gap of the
//! missing length. A connection already running when the capture started begins at its first
//! data segment; its first bytes are then scanned for the first plausible BMP message
//! ([`SourceNotice::SkippedBeforeBmp`] tells how many bytes were skipped). A SYN's ISN never
//! discards payload: captures re-written by traffic-reproducer carry synthetic SYNs whose
//! sequence number equals the first data byte's, and that data is kept.
//!
//! Which direction, which flow: a direction is BMP when its first bytes frame as consecutive
//! plausible BMP messages (version 3 or 4, sane length, known type, a plausible per-peer header
//! or Initiation/Termination TLVs that fill the message, and a plausible header after it), on any
//! port unless [`SourceOptions::port`] restricts. The station-to-router direction (usually
//! empty) and flows that never frame are not passed on; a direction with data that does not
//! frame gets one [`SourceNotice::NotBmp`].
//!
//! # Memory
//! Bounded: the container reader's buffer (grown only for a single record larger than it), per
//! open connection direction at most the out-of-order bound plus a detection window of
//! [`SourceOptions::detect_bytes`], and per OpenBMP message one message. Connection state is
//! dropped when both directions end; only a small tombstone per closed 4-tuple is kept
//! (at most [`SourceOptions::max_closed_flows`]).
//!
//! # Example
//! ```no_run
//! use bmpctl::source::{self, SourceEvent, SourceOptions};
//! let file = std::fs::File::open("bmp.pcap").unwrap();
//! let opts = SourceOptions::named("bmp.pcap");
//! let summary = source::run(file, &opts, &mut |ev| match ev {
//!     SourceEvent::StreamStart { id, name, .. } => println!("{} starts: {name}", id.0),
//!     SourceEvent::Data { id, bytes, .. } => println!("{}: {} bytes", id.0, bytes.len()),
//!     SourceEvent::Gap { id, missing, .. } => println!("{}: {missing} bytes lost", id.0),
//!     SourceEvent::StreamEnd { id, how, .. } => println!("{} ends: {how:?}", id.0),
//!     SourceEvent::Notice(n) => eprintln!("{n}"),
//! })
//! .unwrap();
//! eprintln!("{} packets", summary.packets);
//! ```

mod capture;
mod detect;
mod file;
mod link;
mod openbmp;
mod tcp;

use std::fmt;
use std::io::{self, Read};
use std::net::IpAddr;

pub use detect::{Detected, detect};
pub use file::{FileSource, OnRead};

use crate::event::EndReason;
use crate::time::Timestamp;

/// Container or wrapper format of an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InputFormat {
    /// A raw BMP byte stream.
    Raw,
    /// Legacy pcap (libpcap), either byte order, micro- or nanosecond timestamps.
    Pcap,
    /// pcapng.
    Pcapng,
    /// OpenBMP `bmp_raw` messages (binary `OBMP` or text header).
    OpenBmp,
}

impl InputFormat {
    /// Lower-case name (`raw`, `pcap`, `pcapng`, `openbmp`), as a `--format` value would be.
    pub fn name(self) -> &'static str {
        match self {
            InputFormat::Raw => "raw",
            InputFormat::Pcap => "pcap",
            InputFormat::Pcapng => "pcapng",
            InputFormat::OpenBmp => "openbmp",
        }
    }
}

impl fmt::Display for InputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Identifies one stream within one [`run`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StreamId(pub u64);

/// What a source yields. Borrowed data is only valid during the callback.
#[derive(Debug)]
pub enum SourceEvent<'a> {
    /// A new stream.
    StreamStart {
        /// Its id, used by every later event of the stream.
        id: StreamId,
        /// For TCP `"192.0.2.55:38211->192.0.2.6:1790"` (IPv6 in brackets); for OpenBMP the
        /// router address; for raw input [`SourceOptions::name`].
        name: String,
        /// The router: TCP source address of the BMP direction, or the OpenBMP router IP.
        router: Option<IpAddr>,
        /// Capture time of the first segment (TCP) or collector time of the first message
        /// (OpenBMP).
        time: Option<Timestamp>,
    },
    /// Stream bytes, in order.
    Data {
        /// The stream.
        id: StreamId,
        /// The bytes.
        bytes: &'a [u8],
        /// Capture time of the packet that made these bytes available (for bytes released
        /// from the out-of-order buffer: of the packet that filled the hole), or OpenBMP
        /// collector time.
        time: Option<Timestamp>,
    },
    /// Bytes of the stream are missing (lost from the capture); data continues after them.
    Gap {
        /// The stream.
        id: StreamId,
        /// Bytes delivered to this stream before the gap (the offset a framer fed with every
        /// [`SourceEvent::Data`] of the stream has reached).
        at: u64,
        /// How many bytes are missing.
        missing: u64,
        /// Capture time of the packet that revealed the gap.
        time: Option<Timestamp>,
    },
    /// The stream ended; its id is not used again.
    StreamEnd {
        /// The stream.
        id: StreamId,
        /// How it ended (TCP close or reset, superseded, end of input).
        how: EndReason,
        /// Capture time of the packet that ended it (`None` at the end of input).
        time: Option<Timestamp>,
    },
    /// Something worth telling about the input.
    Notice(SourceNotice),
}

/// Things a source reports besides data: not errors in the BMP, but in or about the container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceNotice {
    /// The out-of-order buffer of a stream went over [`SourceOptions::max_reorder_bytes`]; the
    /// stream skips ahead (a [`SourceEvent::Gap`] follows).
    ReorderOverflow {
        /// The stream.
        id: StreamId,
        /// Bytes that were buffered.
        buffered: usize,
        /// The bound.
        limit: usize,
    },
    /// A TCP connection direction carried data that does not frame as BMP; it is ignored.
    /// Reported once per connection.
    NotBmp {
        /// `"src->dst"`.
        flow: String,
        /// Bytes examined before giving up.
        bytes: u64,
    },
    /// A stream that started mid-connection: bytes skipped before its first plausible BMP
    /// message (not counted in [`SourceEvent::Gap`]s or in the stream's offsets).
    SkippedBeforeBmp {
        /// The stream.
        id: StreamId,
        /// Bytes skipped.
        bytes: u64,
    },
    /// The capture file ends in the middle of a record or block.
    TruncatedCapture {
        /// Records read before the cut.
        packets: u64,
        /// What pcap-parser or the OpenBMP reader said.
        detail: String,
    },
    /// The capture file is damaged beyond this point; reading stops.
    CorruptCapture {
        /// Records read before the damage.
        packets: u64,
        /// What went wrong.
        detail: String,
    },
    /// Packets of a link type this reader does not understand (reported once per link type;
    /// the summary counts the packets).
    UnsupportedLinkType {
        /// The LINKTYPE_ value.
        linktype: i32,
    },
    /// A pcapng packet referred to an interface that no Interface Description Block declared.
    UnknownInterface {
        /// The interface id.
        interface: u32,
    },
    /// An OpenBMP message that could not be used (bad header, other object type, ...).
    OpenBmp {
        /// Byte offset of the message in the (decompressed) input.
        offset: u64,
        /// What was wrong.
        detail: String,
    },
}

impl fmt::Display for SourceNotice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SourceNotice::ReorderOverflow {
                id,
                buffered,
                limit,
            } => write!(
                f,
                "stream {}: {buffered} out-of-order bytes buffered, over the limit of {limit}; skipping ahead",
                id.0
            ),
            SourceNotice::NotBmp { flow, bytes } => write!(
                f,
                "TCP flow {flow} does not carry BMP ({bytes} bytes examined); ignored"
            ),
            SourceNotice::SkippedBeforeBmp { id, bytes } => write!(
                f,
                "stream {}: started mid-connection; {bytes} bytes skipped before the first BMP message",
                id.0
            ),
            SourceNotice::TruncatedCapture { packets, detail } => write!(
                f,
                "capture file cut short after {packets} packets (a partial record at the end: {detail})"
            ),
            SourceNotice::CorruptCapture { packets, detail } => write!(
                f,
                "capture file damaged after {packets} packets: {detail}; the rest is not read"
            ),
            SourceNotice::UnsupportedLinkType { linktype } => {
                write!(
                    f,
                    "link type {linktype} is not supported; its packets are skipped"
                )
            }
            SourceNotice::UnknownInterface { interface } => write!(
                f,
                "pcapng packets on undeclared interface {interface} are skipped"
            ),
            SourceNotice::OpenBmp { offset, detail } => {
                write!(f, "OpenBMP message at byte {offset}: {detail}")
            }
        }
    }
}

/// Where a [`Source`] hands its events, and what it answers.
pub trait Consumer {
    /// One event of the source, in order.
    fn event(&mut self, ev: SourceEvent<'_>) -> Control;
    /// The source has nothing more at hand for now (a live source waiting for the network): a
    /// good moment to show what was decoded so far.
    fn idle(&mut self) -> Control {
        Control::Continue
    }
    /// A periodic tick, from a source asked for them (a live view re-drawn every few seconds).
    fn tick(&mut self) -> Control {
        Control::Continue
    }
}

/// What a [`Consumer`] answers a [`Source`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    /// Go on.
    Continue,
    /// Close this stream (a live session that sends garbage); a source that cannot close one
    /// stream alone ignores it.
    Close(StreamId),
    /// Stop reading: the output failed, or enough was read. The source ends its streams and
    /// returns.
    Stop,
}

/// Something that yields BMP streams: an input file or standard input ([`FileSource`]), the
/// sessions of a live station ([`crate::live`]). Every input kind implements it; the pipeline
/// decodes whatever a source yields the same way.
pub trait Source: Send {
    /// The input's name, for messages about it.
    fn name(&self) -> &str;
    /// Reads the input to its end (or until `to` answers [`Control::Stop`]), handing every
    /// event to `to` under the event order contract above. `Err` when the input failed; its
    /// streams were ended all the same.
    fn run(&mut self, to: &mut dyn Consumer) -> Result<(), SourceError>;
    /// Its size in bytes, when known in advance (a file): a progress display's total.
    fn size(&self) -> Option<u64> {
        None
    }
    /// Calls `f` with the number of bytes of each read, for a progress display.
    fn on_read(&mut self, _f: OnRead) {}
}

/// Opens the input a command line names: `-` is standard input, anything else a file. The one
/// place where an input's name chooses its kind.
pub fn open(name: &std::path::Path, opts: SourceOptions) -> io::Result<Box<dyn Source>> {
    Ok(Box::new(FileSource::open(name, opts)?))
}

/// How to read an input.
#[derive(Debug, Clone)]
pub struct SourceOptions {
    /// Name of the input (file name, `-`), used for the raw stream.
    pub name: String,
    /// Force a format instead of detecting it (gzip is still detected and undone).
    pub format: Option<InputFormat>,
    /// Only TCP flows with this port on either side are considered.
    pub port: Option<u16>,
    /// Bound on out-of-order bytes buffered per connection direction.
    pub max_reorder_bytes: usize,
    /// Bound on bytes held per direction while deciding whether it is BMP (a first message
    /// longer than this is judged by its headers alone).
    pub detect_bytes: usize,
    /// A direction whose start was not captured is scanned this far for a first plausible BMP
    /// message before it is declared not BMP.
    pub max_scan_bytes: u64,
    /// Largest OpenBMP-wrapped message accepted (and largest BMP length believed while
    /// detecting).
    pub max_message: u32,
    /// Closed connections remembered (so late retransmissions do not start new streams).
    pub max_closed_flows: usize,
    /// Size of each read from the input (and initial container buffer).
    pub read_chunk: usize,
}

impl Default for SourceOptions {
    fn default() -> Self {
        SourceOptions {
            name: "-".into(),
            format: None,
            port: None,
            max_reorder_bytes: 4 << 20,
            detect_bytes: 64 << 10,
            max_scan_bytes: 1 << 20,
            max_message: 16 << 20,
            max_closed_flows: 65_536,
            read_chunk: 256 << 10,
        }
    }
}

impl SourceOptions {
    /// Defaults, with the input's name.
    pub fn named(name: impl Into<String>) -> Self {
        SourceOptions {
            name: name.into(),
            ..SourceOptions::default()
        }
    }
}

/// Counters for one [`run`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceSummary {
    /// The format read.
    pub format: Option<InputFormat>,
    /// Whether it was gzip-compressed.
    pub gzip: bool,
    /// Bytes read from the (decompressed) input.
    pub input_bytes: u64,
    /// Packet records (pcap/pcapng) or OpenBMP messages read.
    pub packets: u64,
    /// Packets of an unsupported link type.
    pub unsupported_link_packets: u64,
    /// Packets that are not IPv4/IPv6 (ARP, LLDP, ...), or whose IP header does not parse.
    pub non_ip_packets: u64,
    /// IP packets that are not TCP (UDP IPFIX, ICMP, ...).
    pub non_tcp_packets: u64,
    /// TCP packets outside [`SourceOptions::port`].
    pub other_port_packets: u64,
    /// IP fragments carrying TCP (IP reassembly is not done; their bytes become gaps).
    pub ip_fragments: u64,
    /// TCP packets cut by the snap length.
    pub truncated_packets: u64,
    /// TCP segments with payload that was all delivered before (retransmissions).
    pub retransmissions: u64,
    /// TCP segments that arrived ahead of a hole and were buffered.
    pub out_of_order: u64,
    /// Connection directions with data that were not BMP.
    pub non_bmp_flows: u64,
    /// Streams started.
    pub streams: u64,
    /// BMP bytes delivered in [`SourceEvent::Data`].
    pub bmp_bytes: u64,
    /// Gaps reported.
    pub gaps: u64,
    /// Bytes missing in those gaps.
    pub gap_bytes: u64,
    /// Notices emitted.
    pub notices: u64,
}

/// A failure that stops reading.
#[derive(Debug)]
pub enum SourceError {
    /// Reading the input failed.
    Io(io::Error),
    /// The input is not of the format detected or forced (for example a pcap header that does
    /// not parse).
    Format(String),
    /// The source failed and has said why on stderr already (a live station whose recording
    /// could not be written).
    Reported,
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SourceError::Io(e) => write!(f, "{e}"),
            SourceError::Format(s) => f.write_str(s),
            SourceError::Reported => f.write_str("failed (see above)"),
        }
    }
}

impl std::error::Error for SourceError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SourceError::Io(e) => Some(e),
            SourceError::Format(_) | SourceError::Reported => None,
        }
    }
}

impl From<io::Error> for SourceError {
    fn from(e: io::Error) -> Self {
        SourceError::Io(e)
    }
}

/// How many leading bytes [`run`] looks at to detect the format.
pub const DETECT_LEN: usize = 64;

/// Reads a whole input, calling `sink` for every event, and returns the counters.
///
/// Streaming: the input is read in chunks of [`SourceOptions::read_chunk`] and never held
/// whole. Every stream that was started is ended before this returns, also on error.
pub fn run<R: Read>(
    input: R,
    opts: &SourceOptions,
    sink: &mut dyn FnMut(SourceEvent<'_>),
) -> Result<SourceSummary, SourceError> {
    let mut summary = SourceSummary::default();
    let mut counting = Counting::new(input);
    let head = counting.peek(DETECT_LEN)?;
    let outer = detect(&head);
    if outer.gzip {
        summary.gzip = true;
        let gz = flate2::read::MultiGzDecoder::new(counting);
        let mut inner = Counting::new(gz);
        let head = inner.peek(DETECT_LEN)?;
        let format = opts.format.unwrap_or(detect(&head).format);
        dispatch(format, inner, opts, sink, &mut summary)?;
    } else {
        let format = opts.format.unwrap_or(outer.format);
        dispatch(format, counting, opts, sink, &mut summary)?;
    }
    Ok(summary)
}

fn dispatch<R: Read>(
    format: InputFormat,
    mut input: Counting<R>,
    opts: &SourceOptions,
    sink: &mut dyn FnMut(SourceEvent<'_>),
    summary: &mut SourceSummary,
) -> Result<(), SourceError> {
    summary.format = Some(format);
    let mut counted = |ev: SourceEvent<'_>| {
        match &ev {
            SourceEvent::StreamStart { .. } => summary.streams += 1,
            SourceEvent::Data { bytes, .. } => summary.bmp_bytes += bytes.len() as u64,
            SourceEvent::Gap { missing, .. } => {
                summary.gaps += 1;
                summary.gap_bytes += missing;
            }
            SourceEvent::Notice(_) => summary.notices += 1,
            SourceEvent::StreamEnd { .. } => {}
        }
        sink(ev)
    };
    let mut stats = Stats::default();
    let result = match format {
        InputFormat::Raw => raw(&mut input, opts, &mut counted),
        InputFormat::Pcap | InputFormat::Pcapng => {
            capture::run(&mut input, format, opts, &mut stats, &mut counted)
        }
        InputFormat::OpenBmp => openbmp::run(&mut input, opts, &mut stats, &mut counted),
    };
    stats.apply(summary);
    summary.input_bytes = input.count;
    result
}

/// Counters kept by the parts that see packets (merged into [`SourceSummary`]).
#[derive(Debug, Default)]
pub(crate) struct Stats {
    pub packets: u64,
    pub unsupported_link_packets: u64,
    pub non_ip_packets: u64,
    pub non_tcp_packets: u64,
    pub other_port_packets: u64,
    pub ip_fragments: u64,
    pub truncated_packets: u64,
    pub retransmissions: u64,
    pub out_of_order: u64,
    pub non_bmp_flows: u64,
}

impl Stats {
    fn apply(&self, s: &mut SourceSummary) {
        s.packets = self.packets;
        s.unsupported_link_packets = self.unsupported_link_packets;
        s.non_ip_packets = self.non_ip_packets;
        s.non_tcp_packets = self.non_tcp_packets;
        s.other_port_packets = self.other_port_packets;
        s.ip_fragments = self.ip_fragments;
        s.truncated_packets = self.truncated_packets;
        s.retransmissions = self.retransmissions;
        s.out_of_order = self.out_of_order;
        s.non_bmp_flows = self.non_bmp_flows;
    }
}

fn raw<R: Read>(
    input: &mut Counting<R>,
    opts: &SourceOptions,
    sink: &mut dyn FnMut(SourceEvent<'_>),
) -> Result<(), SourceError> {
    let id = StreamId(0);
    sink(SourceEvent::StreamStart {
        id,
        name: opts.name.clone(),
        router: None,
        time: None,
    });
    // Raw BMP needs no whole headers per read: hand on what arrives, so that a pipe's last
    // messages are decoded when they arrive, not when the next chunk fills.
    input.fill = false;
    let mut buf = vec![0u8; opts.read_chunk.max(4096)];
    let result = loop {
        match input.read(&mut buf) {
            Ok(0) => break Ok(()),
            Ok(n) => sink(SourceEvent::Data {
                id,
                bytes: &buf[..n],
                time: None,
            }),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => break Err(SourceError::Io(e)),
        }
    };
    sink(SourceEvent::StreamEnd {
        id,
        how: EndReason::EndOfInput,
        time: None,
    });
    result
}

/// A reader that counts bytes, can give back a peeked prefix, fills each read as far as the
/// input allows (so parsers that read once see whole headers), and keeps the I/O error that
/// pcap-parser would otherwise flatten into `ReadError`.
pub(crate) struct Counting<R> {
    inner: R,
    prefix: Vec<u8>,
    prefix_pos: usize,
    pub(crate) count: u64,
    pub(crate) error: Option<io::Error>,
    /// Fill each read as far as the input allows; else return what one read of the input
    /// gives, as soon as it gives anything.
    fill: bool,
}

impl<R: Read> Counting<R> {
    fn new(inner: R) -> Self {
        Counting {
            inner,
            prefix: Vec::new(),
            prefix_pos: 0,
            count: 0,
            error: None,
            fill: true,
        }
    }

    /// Reads up to `n` bytes ahead and returns them; they are read again afterwards.
    fn peek(&mut self, n: usize) -> Result<Vec<u8>, SourceError> {
        let mut buf = vec![0u8; n];
        let mut got = 0;
        while got < n {
            match self.inner.read(&mut buf[got..]) {
                Ok(0) => break,
                Ok(k) => got += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(SourceError::Io(e)),
            }
        }
        buf.truncate(got);
        self.prefix = buf.clone();
        self.prefix_pos = 0;
        Ok(buf)
    }

    /// The I/O error a read hit, taken.
    pub(crate) fn take_error(&mut self) -> Option<io::Error> {
        self.error.take()
    }
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut got = 0;
        if self.prefix_pos < self.prefix.len() {
            let n = (self.prefix.len() - self.prefix_pos).min(buf.len());
            buf[..n].copy_from_slice(&self.prefix[self.prefix_pos..self.prefix_pos + n]);
            self.prefix_pos += n;
            got = n;
            if self.prefix_pos == self.prefix.len() {
                self.prefix = Vec::new();
                self.prefix_pos = 0;
            }
        }
        while got < buf.len() && (self.fill || got == 0) {
            match self.inner.read(&mut buf[got..]) {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    if got > 0 {
                        self.error = Some(e);
                        break;
                    }
                    self.count += got as u64;
                    let copy = io::Error::new(e.kind(), e.to_string());
                    self.error = Some(e);
                    return Err(copy);
                }
            }
        }
        self.count += got as u64;
        Ok(got)
    }
}
