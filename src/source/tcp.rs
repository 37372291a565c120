//! TCP reassembly per connection and direction, and BMP detection per direction.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::SocketAddr;

use super::link::{self, Frame, Segment};
use super::{SourceEvent, SourceNotice, SourceOptions, Stats, StreamId};
use crate::event::EndReason;
use crate::frame::{Plausible, plausible_start};
use crate::time::Timestamp;

type Sink<'s> = dyn FnMut(SourceEvent<'_>) + 's;

/// Stream positions start here so that re-anchoring backwards never goes below zero.
const ORIGIN: u64 = 1 << 40;

/// State shared by all connections.
struct Ctx<'o> {
    opts: &'o SourceOptions,
    next_id: u64,
    /// Connections (endpoints in order) already reported as not carrying BMP: a connection
    /// is reported once, whichever of its directions carried data.
    not_bmp: HashSet<(SocketAddr, SocketAddr)>,
}

impl Ctx<'_> {
    fn start_stream(
        &mut self,
        from: SocketAddr,
        to: SocketAddr,
        time: Option<Timestamp>,
        sink: &mut Sink<'_>,
    ) -> StreamId {
        let id = StreamId(self.next_id);
        self.next_id += 1;
        sink(SourceEvent::StreamStart {
            id,
            name: format!("{from}->{to}"),
            router: Some(from.ip()),
            time,
        });
        id
    }
}

/// The reassembly engine of one capture.
pub(crate) struct Engine<'o> {
    ctx: Ctx<'o>,
    conns: HashMap<(SocketAddr, SocketAddr), Conn>,
    next_conn: u64,
    closed: usize,
    unsupported: HashSet<i32>,
}

struct Conn {
    /// Creation order, for a deterministic end of input.
    order: u64,
    /// `dirs[0]` goes from the smaller endpoint of the key to the larger.
    dirs: [Dir; 2],
    closed: bool,
}

impl<'o> Engine<'o> {
    pub(crate) fn new(opts: &'o SourceOptions) -> Self {
        Engine {
            ctx: Ctx {
                opts,
                next_id: 0,
                not_bmp: HashSet::new(),
            },
            conns: HashMap::new(),
            next_conn: 0,
            closed: 0,
            unsupported: HashSet::new(),
        }
    }

    /// One captured frame.
    pub(crate) fn packet(
        &mut self,
        linktype: i32,
        time: Option<Timestamp>,
        frame: &[u8],
        stats: &mut Stats,
        sink: &mut Sink<'_>,
    ) {
        if !link::supported(linktype) {
            stats.unsupported_link_packets += 1;
            if self.unsupported.insert(linktype) {
                sink(SourceEvent::Notice(SourceNotice::UnsupportedLinkType {
                    linktype,
                }));
            }
            return;
        }
        let seg = match link::parse(linktype, frame) {
            Frame::Tcp(seg) => seg,
            Frame::Fragment => {
                stats.ip_fragments += 1;
                return;
            }
            Frame::NotTcp => {
                stats.non_tcp_packets += 1;
                return;
            }
            Frame::NotIp => {
                stats.non_ip_packets += 1;
                return;
            }
            Frame::Unsupported => {
                stats.unsupported_link_packets += 1;
                return;
            }
        };
        if let Some(p) = self.ctx.opts.port {
            if seg.src.port() != p && seg.dst.port() != p {
                stats.other_port_packets += 1;
                return;
            }
        }
        if seg.missing_tail > 0 {
            stats.truncated_packets += 1;
        }
        self.segment(&seg, time, stats, sink);
    }

    fn segment(
        &mut self,
        seg: &Segment<'_>,
        time: Option<Timestamp>,
        stats: &mut Stats,
        sink: &mut Sink<'_>,
    ) {
        let (key, d) = if seg.src <= seg.dst {
            ((seg.src, seg.dst), 0)
        } else {
            ((seg.dst, seg.src), 1)
        };
        let has_data = !seg.payload.is_empty() || seg.missing_tail > 0;
        // A SYN on a 4-tuple whose connection is over (or that we joined mid-way) starts anew.
        if seg.syn {
            if let Some(conn) = self.conns.get_mut(&key) {
                let dir = &conn.dirs[d];
                let fresh = conn.closed
                    || dir.ended
                    || dir.fin_pos.is_some()
                    || dir.isn.is_some_and(|isn| isn != seg.seq)
                    || (dir.isn.is_none() && dir.anchored);
                if fresh {
                    if !conn.closed {
                        for dir in &mut conn.dirs {
                            dir.end(EndReason::Superseded, time, &mut self.ctx, stats, sink);
                        }
                    } else {
                        self.closed = self.closed.saturating_sub(1);
                    }
                    self.conns.remove(&key);
                    self.ctx.not_bmp.remove(&key);
                }
            }
        }
        let conn = match self.conns.get_mut(&key) {
            Some(c) => c,
            None => {
                if !seg.syn && !has_data {
                    return;
                }
                let order = self.next_conn;
                self.next_conn += 1;
                self.conns.entry(key).or_insert_with(|| Conn {
                    order,
                    dirs: [Dir::new(key.0, key.1), Dir::new(key.1, key.0)],
                    closed: false,
                })
            }
        };
        if conn.closed {
            if has_data {
                stats.retransmissions += 1;
            }
            return;
        }
        if seg.rst {
            for dir in &mut conn.dirs {
                dir.end(EndReason::Reset, time, &mut self.ctx, stats, sink);
            }
        } else {
            let dir = &mut conn.dirs[d];
            let seq = seg.seq;
            let mut syn_payload = false;
            if seg.syn {
                dir.isn = Some(seg.seq);
                if !dir.anchored {
                    if has_data {
                        // Payload on a SYN: traffic-reproducer's synthetic SYNs carry the first
                        // data bytes at the SYN's own sequence number. Keep them there; should
                        // the next segment start one byte later (a real SYN with data, whose
                        // payload starts at ISN + 1), that byte is the SYN's, not a gap.
                        dir.anchor(seq);
                        syn_payload = true;
                    } else {
                        dir.anchor(seq.wrapping_add(1));
                    }
                }
            }
            if has_data {
                dir.data(
                    seq,
                    seg.payload,
                    seg.missing_tail,
                    time,
                    &mut self.ctx,
                    stats,
                    sink,
                );
                if syn_payload {
                    dir.syn_phantom = Some(dir.next_pos);
                }
            }
            if seg.fin {
                dir.fin(seq, seg.payload.len() as u64 + u64::from(seg.missing_tail));
            }
            dir.check_fin(time, &mut self.ctx, stats, sink);
        }
        if conn.dirs.iter().all(|d| d.ended) {
            conn.closed = true;
            conn.dirs = [Dir::new(key.0, key.1), Dir::new(key.1, key.0)];
            self.closed += 1;
            if self.closed > self.ctx.opts.max_closed_flows {
                self.conns.retain(|_, c| !c.closed);
                self.closed = 0;
            }
        }
    }

    /// End of input: every open stream ends.
    pub(crate) fn finish(&mut self, stats: &mut Stats, sink: &mut Sink<'_>) {
        let mut open: Vec<(u64, (SocketAddr, SocketAddr))> = self
            .conns
            .iter()
            .filter(|(_, c)| !c.closed)
            .map(|(k, c)| (c.order, *k))
            .collect();
        open.sort();
        for (_, key) in open {
            if let Some(mut conn) = self.conns.remove(&key) {
                for dir in &mut conn.dirs {
                    dir.end(EndReason::EndOfInput, None, &mut self.ctx, stats, sink);
                }
            }
        }
        self.conns.clear();
    }
}

/// A buffered out-of-order segment.
struct Pending {
    data: Vec<u8>,
    missing_tail: u32,
}

enum State {
    Undecided(Detector),
    Bmp { id: StreamId, delivered: u64 },
    NotBmp,
}

/// One direction of a connection.
struct Dir {
    from: SocketAddr,
    to: SocketAddr,
    isn: Option<u32>,
    anchored: bool,
    /// Sequence number of the next byte expected, and its position.
    next_seq: u32,
    next_pos: u64,
    /// Position of the first byte of the direction.
    start_pos: u64,
    ooo: BTreeMap<u64, Pending>,
    ooo_bytes: usize,
    fin_pos: Option<u64>,
    /// Position right after a SYN's payload, where a real SYN's phantom byte may sit.
    syn_phantom: Option<u64>,
    ended: bool,
    state: State,
}

impl Dir {
    fn new(from: SocketAddr, to: SocketAddr) -> Self {
        Dir {
            from,
            to,
            isn: None,
            anchored: false,
            next_seq: 0,
            next_pos: ORIGIN,
            start_pos: ORIGIN,
            ooo: BTreeMap::new(),
            ooo_bytes: 0,
            fin_pos: None,
            syn_phantom: None,
            ended: false,
            state: State::Undecided(Detector::default()),
        }
    }

    fn anchor(&mut self, seq: u32) {
        self.anchored = true;
        self.next_seq = seq;
        self.next_pos = ORIGIN;
        self.start_pos = ORIGIN;
        if let State::Undecided(det) = &mut self.state {
            det.start_known = self.isn.is_some();
        }
    }

    /// Position of sequence number `seq` (serial arithmetic around the next expected byte).
    fn pos_of(&self, seq: u32) -> u64 {
        let rel = i64::from(seq.wrapping_sub(self.next_seq) as i32);
        (self.next_pos as i64 + rel).max(0) as u64
    }

    fn advance(&mut self, n: u64) {
        self.next_pos += n;
        self.next_seq = self.next_seq.wrapping_add(n as u32);
    }

    #[allow(clippy::too_many_arguments)]
    fn data(
        &mut self,
        seq: u32,
        payload: &[u8],
        missing_tail: u32,
        time: Option<Timestamp>,
        ctx: &mut Ctx<'_>,
        stats: &mut Stats,
        sink: &mut Sink<'_>,
    ) {
        if self.ended {
            stats.retransmissions += 1;
            return;
        }
        if !self.anchored {
            self.anchor(seq);
        }
        let mut pos = self.pos_of(seq);
        if pos < self.next_pos && self.next_pos == self.start_pos {
            // Nothing delivered yet and the data starts earlier than the anchor: a synthetic SYN
            // whose ISN is the first data byte's number, or reordering at the start. Never drop
            // payload because of the ISN.
            let back = self.next_pos - pos;
            self.next_pos -= back;
            self.start_pos = self.next_pos;
            self.next_seq = seq;
            pos = self.next_pos;
        }
        if self.syn_phantom == Some(self.next_pos) && pos == self.next_pos + 1 {
            self.advance(1);
        }
        self.syn_phantom = None;
        let end = pos + payload.len() as u64;
        let total_end = end + u64::from(missing_tail);
        if total_end <= self.next_pos {
            stats.retransmissions += 1;
            return;
        }
        if pos <= self.next_pos {
            if end > self.next_pos {
                let skip = (self.next_pos - pos) as usize;
                let n = end - self.next_pos;
                self.advance(n);
                self.deliver(&payload[skip..], time, ctx, stats, sink);
            }
            if total_end > self.next_pos {
                let n = total_end - self.next_pos;
                self.advance(n);
                self.gap(n, time, ctx, stats, sink);
            }
            self.drain(time, ctx, stats, sink);
        } else {
            stats.out_of_order += 1;
            let len = payload.len();
            match self.ooo.get_mut(&pos) {
                Some(p) if p.data.len() >= len => return,
                Some(p) => {
                    self.ooo_bytes = self.ooo_bytes - p.data.len() + len;
                    p.data = payload.to_vec();
                    p.missing_tail = missing_tail;
                }
                None => {
                    self.ooo_bytes += len;
                    self.ooo.insert(
                        pos,
                        Pending {
                            data: payload.to_vec(),
                            missing_tail,
                        },
                    );
                }
            }
            let limit = ctx.opts.max_reorder_bytes;
            if self.ooo_bytes > limit {
                if let State::Bmp { id, .. } = self.state {
                    sink(SourceEvent::Notice(SourceNotice::ReorderOverflow {
                        id,
                        buffered: self.ooo_bytes,
                        limit,
                    }));
                }
                while self.ooo_bytes > limit {
                    self.skip_ahead(time, ctx, stats, sink);
                }
            }
        }
    }

    /// Delivers buffered segments that are now in order.
    fn drain(
        &mut self,
        time: Option<Timestamp>,
        ctx: &mut Ctx<'_>,
        stats: &mut Stats,
        sink: &mut Sink<'_>,
    ) {
        while let Some(entry) = self.ooo.first_entry() {
            let pos = *entry.key();
            if pos > self.next_pos {
                break;
            }
            let p = entry.remove();
            self.ooo_bytes -= p.data.len();
            let end = pos + p.data.len() as u64;
            let total_end = end + u64::from(p.missing_tail);
            if total_end <= self.next_pos {
                stats.retransmissions += 1;
                continue;
            }
            if end > self.next_pos {
                let skip = (self.next_pos - pos) as usize;
                let n = end - self.next_pos;
                self.advance(n);
                self.deliver(&p.data[skip..], time, ctx, stats, sink);
            }
            if total_end > self.next_pos {
                let n = total_end - self.next_pos;
                self.advance(n);
                self.gap(n, time, ctx, stats, sink);
            }
        }
    }

    /// Gives up on the hole before the first buffered segment.
    fn skip_ahead(
        &mut self,
        time: Option<Timestamp>,
        ctx: &mut Ctx<'_>,
        stats: &mut Stats,
        sink: &mut Sink<'_>,
    ) {
        if let Some(&pos) = self.ooo.keys().next() {
            if pos > self.next_pos {
                let n = pos - self.next_pos;
                self.advance(n);
                self.gap(n, time, ctx, stats, sink);
            }
        }
        self.drain(time, ctx, stats, sink);
    }

    fn fin(&mut self, seq: u32, len: u64) {
        if self.anchored {
            self.fin_pos = Some(self.pos_of(seq) + len);
        } else {
            // A FIN without any data seen: nothing to wait for.
            self.fin_pos = Some(self.next_pos);
            self.anchored = true;
            self.next_seq = seq;
        }
    }

    fn check_fin(
        &mut self,
        time: Option<Timestamp>,
        ctx: &mut Ctx<'_>,
        stats: &mut Stats,
        sink: &mut Sink<'_>,
    ) {
        if let Some(f) = self.fin_pos {
            if self.next_pos >= f && !self.ended {
                self.end(EndReason::Fin, time, ctx, stats, sink);
            }
        }
    }

    /// Ends the direction: buffered data goes out (holes become gaps), an undecided direction
    /// is judged on what it has, and a stream gets its end.
    fn end(
        &mut self,
        how: EndReason,
        time: Option<Timestamp>,
        ctx: &mut Ctx<'_>,
        stats: &mut Stats,
        sink: &mut Sink<'_>,
    ) {
        if self.ended {
            return;
        }
        if how != EndReason::Fin {
            while !self.ooo.is_empty() {
                self.skip_ahead(time, ctx, stats, sink);
            }
            if let Some(f) = self.fin_pos {
                if f > self.next_pos {
                    let n = f - self.next_pos;
                    self.advance(n);
                    self.gap(n, time, ctx, stats, sink);
                }
            }
        }
        self.ooo.clear();
        self.ooo_bytes = 0;
        self.ended = true;
        if let State::Undecided(det) = &mut self.state {
            let det = std::mem::take(det);
            self.decide(det, true, time, ctx, stats, sink);
        }
        if let State::Bmp { id, .. } = self.state {
            sink(SourceEvent::StreamEnd { id, how, time });
        }
        self.state = State::NotBmp;
    }

    fn deliver(
        &mut self,
        bytes: &[u8],
        time: Option<Timestamp>,
        ctx: &mut Ctx<'_>,
        stats: &mut Stats,
        sink: &mut Sink<'_>,
    ) {
        match &mut self.state {
            State::Bmp { id, delivered } => {
                *delivered += bytes.len() as u64;
                sink(SourceEvent::Data {
                    id: *id,
                    bytes,
                    time,
                });
            }
            State::NotBmp => {}
            State::Undecided(det) => {
                if det.first_time.is_none() {
                    det.first_time = time;
                }
                if time.is_some() {
                    det.last_time = time;
                }
                det.buf.extend_from_slice(bytes);
                let det = std::mem::take(det);
                self.decide(det, false, time, ctx, stats, sink);
            }
        }
    }

    fn gap(
        &mut self,
        missing: u64,
        time: Option<Timestamp>,
        _ctx: &mut Ctx<'_>,
        _stats: &mut Stats,
        sink: &mut Sink<'_>,
    ) {
        match &mut self.state {
            State::Bmp { id, delivered } => sink(SourceEvent::Gap {
                id: *id,
                at: *delivered,
                missing,
                time,
            }),
            State::NotBmp => {}
            State::Undecided(det) => {
                // What was held cannot continue across the hole: scan again after it.
                det.discarded += det.buf.len() as u64 + missing;
                det.buf.clear();
                det.start_known = false;
            }
        }
    }

    /// Runs the detector; sets the state to the verdict (or back to undecided).
    fn decide(
        &mut self,
        mut det: Detector,
        eof: bool,
        time: Option<Timestamp>,
        ctx: &mut Ctx<'_>,
        stats: &mut Stats,
        sink: &mut Sink<'_>,
    ) {
        match det.find(eof, ctx.opts) {
            Found::At(at) => {
                let id = ctx.start_stream(self.from, self.to, det.first_time.or(time), sink);
                let skipped = det.discarded + at as u64;
                if skipped > 0 {
                    sink(SourceEvent::Notice(SourceNotice::SkippedBeforeBmp {
                        id,
                        bytes: skipped,
                    }));
                }
                let bytes = &det.buf[at..];
                let time = time.or(det.last_time);
                sink(SourceEvent::Data { id, bytes, time });
                self.state = State::Bmp {
                    id,
                    delivered: bytes.len() as u64,
                };
            }
            Found::Not => {
                let examined = det.discarded + det.buf.len() as u64;
                let conn = if self.from <= self.to {
                    (self.from, self.to)
                } else {
                    (self.to, self.from)
                };
                if examined > 0 && ctx.not_bmp.insert(conn) {
                    stats.non_bmp_flows += 1;
                    sink(SourceEvent::Notice(SourceNotice::NotBmp {
                        flow: format!("{}->{}", self.from, self.to),
                        bytes: examined,
                    }));
                }
                self.state = State::NotBmp;
            }
            Found::Pending => self.state = State::Undecided(det),
        }
    }
}

/// Holds the first bytes of a direction until they show whether it carries BMP.
#[derive(Default)]
struct Detector {
    buf: Vec<u8>,
    /// Bytes dropped before `buf` (scanned and rejected, or lost in gaps).
    discarded: u64,
    /// The direction's first byte is known (its SYN was seen): BMP must start there.
    start_known: bool,
    first_time: Option<Timestamp>,
    /// Capture time of the latest bytes held: the time of the data released at a decision
    /// that the end of the input (which has no time) forces.
    last_time: Option<Timestamp>,
}

enum Found {
    At(usize),
    Not,
    Pending,
}

impl Detector {
    fn find(&mut self, eof: bool, opts: &SourceOptions) -> Found {
        let mut at = 0;
        while at < self.buf.len() {
            let window_full = self.buf.len() - at >= opts.detect_bytes;
            let strict = !self.start_known;
            match plausible_start(&self.buf[at..], eof, window_full, strict, opts.max_message) {
                Plausible::Yes => return Found::At(at),
                Plausible::More => break,
                Plausible::No => {
                    if self.start_known {
                        return Found::Not;
                    }
                    at += 1;
                }
            }
        }
        if at > 0 {
            self.buf.drain(..at);
            self.discarded += at as u64;
        }
        if eof || self.discarded > opts.max_scan_bytes {
            Found::Not
        } else {
            Found::Pending
        }
    }
}
