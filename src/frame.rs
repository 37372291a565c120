//! Sans-IO framing of a BMP byte stream, shared by every source. Push bytes in as they arrive,
//! pull [`FrameEvent`]s out. Lengths are checked before anything is buffered for them: a message
//! over the cap is sunk by its length (the stream stays in sync), and bytes that do not start a
//! valid header make the framer scan forward to the next plausible common header plus per-peer
//! header. Memory stays below the cap plus one pushed chunk.

use crate::decode::bmp::header::MessageType;
use crate::decode::bmp::header::{
    COMMON_HEADER_LEN, PER_PEER_HEADER_LEN, plausible_per_peer_header,
};

/// Default cap on one message: far above the largest Route Monitoring an RFC 8654 extended
/// UPDATE makes (6 + 42 + 65 535 octets), with room for BMPv4 TLVs.
pub const DEFAULT_MAX_MESSAGE: u32 = 1 << 20;

/// Why bytes were skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipCause {
    /// Version byte other than 3 or 4 (and not a legacy draft version).
    BadVersion(u8),
    /// Version 1 or 2: pre-RFC drafts whose messages carry no length and cannot be framed.
    LegacyVersion(u8),
    /// Length field below the 6-octet minimum (0 included).
    ShortLength(u32),
    /// Length field above the cap, in bytes that do not look like a message.
    ImplausibleLength(u32),
    /// Bytes of the stream were lost (a capture gap): what follows starts anywhere.
    AfterGap {
        /// Bytes lost.
        missing: u64,
    },
}

impl SkipCause {
    /// Explanation for people.
    pub fn describe(&self) -> String {
        match self {
            SkipCause::BadVersion(v) => format!("invalid BMP version {v}"),
            SkipCause::LegacyVersion(v) => {
                format!("BMP version {v} (pre-RFC 7854 draft, not supported)")
            }
            SkipCause::ShortLength(l) => format!("message length {l} below the minimum of 6"),
            SkipCause::ImplausibleLength(l) => {
                format!("message length {l} above the cap and no plausible header")
            }
            SkipCause::AfterGap { missing } => format!(
                "{missing} bytes were lost before this point; the message they cut and the bytes up to the next plausible message"
            ),
        }
    }
}

/// A framing problem, at a stream offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FramingProblem {
    /// Bytes skipped while resynchronising.
    Skipped {
        /// Stream offset of the first skipped byte.
        offset: u64,
        /// How many bytes.
        count: u64,
        /// What was wrong at `offset`.
        cause: SkipCause,
        /// Whether a plausible header was found after them (false: the stream ended first).
        resynced: bool,
    },
    /// A message longer than the cap, skipped by its declared length.
    Oversize {
        /// Stream offset of the message.
        offset: u64,
        /// Declared length.
        length: u32,
        /// Message type.
        msg_type: MessageType,
        /// The cap.
        cap: u32,
    },
    /// The stream ended inside a message.
    Truncated {
        /// Stream offset of the message.
        offset: u64,
        /// Declared length (0 if not even the common header was complete).
        length: u32,
        /// Message type, when known.
        msg_type: Option<MessageType>,
        /// Bytes present.
        available: u64,
    },
}

impl FramingProblem {
    /// Stream offset the problem refers to.
    pub fn offset(&self) -> u64 {
        match self {
            FramingProblem::Skipped { offset, .. }
            | FramingProblem::Oversize { offset, .. }
            | FramingProblem::Truncated { offset, .. } => *offset,
        }
    }
}

/// What the framer produces.
#[derive(Debug, PartialEq, Eq)]
pub enum FrameEvent<'a> {
    /// One complete message, common header included, at a stream offset.
    Message {
        /// Stream offset of its first byte.
        offset: u64,
        /// The message.
        bytes: &'a [u8],
    },
    /// A framing problem.
    Problem(FramingProblem),
}

/// Whether bytes start a plausible BMP message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plausible {
    /// A plausible header (and, where checked, body) starts here.
    Yes,
    /// No message a router would send starts here.
    No,
    /// Not enough bytes to tell.
    More,
}

/// Whether `b` starts with a plausible BMP message followed by a plausible header: version 3
/// or 4, a length from 6 to `max_len`, a known type with a plausible per-peer header (peer
/// type 0-3 or 251-254, reserved flags zero, zero padding before an IPv4 address) or
/// Initiation/Termination TLVs that fit the message, and after it another header of version
/// 3 or 4, a sane length and a known type. Used by the framer to resynchronise and by the
/// capture reader to find BMP flows.
///
/// `eof`: no more bytes will come; `full`: no more bytes will be looked at (a detection window
/// is full). `strict` (scanning a flow whose start was not seen): the message must be complete
/// and confirmed by the header after it, or end the input exactly.
pub fn plausible_start(b: &[u8], eof: bool, full: bool, strict: bool, max_len: u32) -> Plausible {
    let last = eof || full;
    let more = if last { Plausible::No } else { Plausible::More };
    if b.len() < COMMON_HEADER_LEN {
        return more;
    }
    let len = u32::from_be_bytes([b[1], b[2], b[3], b[4]]);
    let msg_type = MessageType(b[5]);
    if !matches!(b[0], 3 | 4) || len < COMMON_HEADER_LEN as u32 || len > max_len {
        return Plausible::No;
    }
    let len = len as usize;
    if msg_type.has_per_peer_header() {
        if len < COMMON_HEADER_LEN + PER_PEER_HEADER_LEN {
            return Plausible::No;
        }
        if b.len() < COMMON_HEADER_LEN + PER_PEER_HEADER_LEN {
            return more;
        }
        if !plausible_per_peer_header(&b[COMMON_HEADER_LEN..]) {
            return Plausible::No;
        }
    } else if matches!(msg_type, MessageType::INITIATION | MessageType::TERMINATION) {
        if b.len() < len {
            if !last {
                return Plausible::More;
            }
            if strict {
                return Plausible::No;
            }
        }
        if !tlvs_fit(&b[COMMON_HEADER_LEN..len.min(b.len())], b.len() >= len) {
            return Plausible::No;
        }
    } else {
        return Plausible::No;
    }
    if b.len() >= len + COMMON_HEADER_LEN {
        let n = &b[len..];
        let nlen = u32::from_be_bytes([n[1], n[2], n[3], n[4]]);
        if matches!(n[0], 3 | 4) && nlen >= COMMON_HEADER_LEN as u32 && nlen <= max_len && n[5] <= 6
        {
            Plausible::Yes
        } else {
            Plausible::No
        }
    } else if !last {
        Plausible::More
    } else if !strict || (eof && b.len() == len) {
        Plausible::Yes
    } else {
        Plausible::No
    }
}

/// Whether `b` splits into type-length-value elements (exactly when `complete`, else the last
/// may run past the end).
fn tlvs_fit(mut b: &[u8], complete: bool) -> bool {
    while !b.is_empty() {
        if b.len() < 4 {
            return !complete;
        }
        let len = u16::from_be_bytes([b[2], b[3]]) as usize;
        if b.len() < 4 + len {
            return !complete;
        }
        b = &b[4 + len..];
    }
    true
}

/// The framer of one stream.
#[derive(Debug)]
pub struct Framer {
    buf: Vec<u8>,
    pos: usize,
    /// Stream offset of `buf[0]`.
    base: u64,
    max_message: u32,
    /// Bytes of an oversize message still to discard.
    sink: u64,
    /// Resynchronising since this offset, for this cause.
    resync: Option<(u64, SkipCause)>,
    eof: bool,
}

impl Default for Framer {
    fn default() -> Self {
        Framer::new(DEFAULT_MAX_MESSAGE)
    }
}

impl Framer {
    /// A framer that accepts messages up to `max_message` octets.
    pub fn new(max_message: u32) -> Self {
        Framer {
            buf: Vec::new(),
            pos: 0,
            base: 0,
            max_message: max_message.max(COMMON_HEADER_LEN as u32),
            sink: 0,
            resync: None,
            eof: false,
        }
    }

    /// Total bytes pushed so far.
    pub fn stream_len(&self) -> u64 {
        self.base + self.buf.len() as u64
    }

    /// Bytes buffered and not yet framed.
    pub fn buffered(&self) -> usize {
        self.buf.len() - self.pos
    }

    /// Appends bytes from the stream.
    pub fn push(&mut self, data: &[u8]) {
        if self.pos > 0 {
            self.buf.drain(..self.pos);
            self.base += self.pos as u64;
            self.pos = 0;
        }
        let mut data = data;
        if self.sink > 0 {
            let n = (self.sink.min(data.len() as u64)) as usize;
            self.sink -= n as u64;
            self.base += n as u64;
            data = &data[n..];
        }
        self.buf.extend_from_slice(data);
    }

    /// Records that `missing` bytes of the stream were lost at the current end of the pushed
    /// data (a capture gap). The partial message buffered can never complete: it is dropped,
    /// stream offsets advance past the lost bytes, and framing resumes at the next plausible
    /// message, reported as skipped bytes.
    pub fn gap(&mut self, missing: u64) {
        let start = self.offset_at(self.pos);
        if self.sink > missing && self.pos == self.buf.len() {
            // Still inside an oversize message being sunk: the gap only ate more of it.
            self.sink -= missing;
            self.base += self.buf.len() as u64 + missing;
            self.buf.clear();
            self.pos = 0;
            return;
        }
        self.sink = 0;
        self.base += self.buf.len() as u64 + missing;
        self.buf.clear();
        self.pos = 0;
        let start = self.resync.map_or(start, |(s, _)| s);
        self.resync = Some((start, SkipCause::AfterGap { missing }));
    }

    /// Marks the end of the stream: what remains is framed as far as possible, then reported.
    pub fn finish(&mut self) {
        self.eof = true;
    }

    fn offset_at(&self, pos: usize) -> u64 {
        self.base + pos as u64
    }

    fn candidate(&self, at: usize) -> Plausible {
        plausible_start(&self.buf[at..], self.eof, false, false, self.max_message)
    }

    /// Scans for the next plausible message start while resynchronising.
    fn scan(&mut self) -> Option<FramingProblem> {
        let (start, cause) = self.resync?;
        let mut at = self.pos;
        while at < self.buf.len() {
            match self.candidate(at) {
                Plausible::Yes => {
                    self.resync = None;
                    self.pos = at;
                    return Some(FramingProblem::Skipped {
                        offset: start,
                        count: self.offset_at(at) - start,
                        cause,
                        resynced: true,
                    });
                }
                Plausible::More => {
                    self.pos = at;
                    return None;
                }
                Plausible::No => at += 1,
            }
        }
        self.pos = at;
        if self.eof {
            self.resync = None;
            return Some(FramingProblem::Skipped {
                offset: start,
                count: self.offset_at(at) - start,
                cause,
                resynced: false,
            });
        }
        None
    }

    /// The next event, or `None` when more bytes are needed (or, after [`Framer::finish`], when
    /// everything has been reported).
    pub fn next_event(&mut self) -> Option<FrameEvent<'_>> {
        loop {
            if self.sink > 0 {
                let avail = (self.buf.len() - self.pos) as u64;
                let n = self.sink.min(avail);
                self.pos += n as usize;
                self.sink -= n;
                if self.sink > 0 {
                    if self.eof {
                        self.sink = 0;
                    }
                    return None;
                }
            }
            if self.resync.is_some() {
                if let Some(p) = self.scan() {
                    return Some(FrameEvent::Problem(p));
                }
                if self.resync.is_some() {
                    return None;
                }
                continue;
            }
            let avail = self.buf.len() - self.pos;
            if avail == 0 {
                return None;
            }
            let offset = self.offset_at(self.pos);
            if avail < COMMON_HEADER_LEN {
                if self.eof {
                    self.pos = self.buf.len();
                    return Some(FrameEvent::Problem(FramingProblem::Truncated {
                        offset,
                        length: 0,
                        msg_type: None,
                        available: avail as u64,
                    }));
                }
                return None;
            }
            let h = &self.buf[self.pos..self.pos + COMMON_HEADER_LEN];
            let (version, msg_type) = (h[0], MessageType(h[5]));
            let len = u32::from_be_bytes([h[1], h[2], h[3], h[4]]);
            let cause = match version {
                3 | 4 if len < COMMON_HEADER_LEN as u32 => Some(SkipCause::ShortLength(len)),
                3 | 4 => None,
                1 | 2 => Some(SkipCause::LegacyVersion(version)),
                v => Some(SkipCause::BadVersion(v)),
            };
            if let Some(cause) = cause {
                self.resync = Some((offset, cause));
                self.pos += 1;
                continue;
            }
            if len > self.max_message {
                if self.oversize_is_plausible() {
                    self.pos += COMMON_HEADER_LEN;
                    self.sink = len as u64 - COMMON_HEADER_LEN as u64;
                    return Some(FrameEvent::Problem(FramingProblem::Oversize {
                        offset,
                        length: len,
                        msg_type,
                        cap: self.max_message,
                    }));
                }
                if avail < COMMON_HEADER_LEN + PER_PEER_HEADER_LEN && !self.eof {
                    return None;
                }
                self.resync = Some((offset, SkipCause::ImplausibleLength(len)));
                self.pos += 1;
                continue;
            }
            let len = len as usize;
            if avail < len {
                if self.eof {
                    self.pos = self.buf.len();
                    return Some(FrameEvent::Problem(FramingProblem::Truncated {
                        offset,
                        length: len as u32,
                        msg_type: Some(msg_type),
                        available: avail as u64,
                    }));
                }
                return None;
            }
            let start = self.pos;
            self.pos += len;
            return Some(FrameEvent::Message {
                offset,
                bytes: &self.buf[start..start + len],
            });
        }
    }

    /// An over-cap length is believed only for a known message type with a plausible per-peer
    /// header; otherwise it is more likely garbage than a message worth sinking.
    fn oversize_is_plausible(&self) -> bool {
        let b = &self.buf[self.pos..];
        MessageType(b[5]).has_per_peer_header()
            && b.len() >= COMMON_HEADER_LEN + PER_PEER_HEADER_LEN
            && plausible_per_peer_header(&b[COMMON_HEADER_LEN..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(chunks: &[&[u8]]) -> Vec<String> {
        let mut f = Framer::new(1000);
        let mut out = Vec::new();
        for c in chunks {
            f.push(c);
            while let Some(e) = f.next_event() {
                out.push(describe(&e));
            }
        }
        f.finish();
        while let Some(e) = f.next_event() {
            out.push(describe(&e));
        }
        out
    }

    fn describe(e: &FrameEvent<'_>) -> String {
        match e {
            FrameEvent::Message { offset, bytes } => format!("msg@{offset}/{}", bytes.len()),
            FrameEvent::Problem(p) => format!("{p:?}"),
        }
    }

    fn term() -> Vec<u8> {
        // Termination with one reason TLV.
        vec![3, 0, 0, 0, 12, 5, 0, 1, 0, 2, 0, 0]
    }

    #[test]
    fn frames_across_chunk_boundaries() {
        let mut s = term();
        s.extend(term());
        let (a, b) = s.split_at(7);
        assert_eq!(events(&[a, b]), ["msg@0/12", "msg@12/12"]);
    }

    #[test]
    fn zero_length_is_skipped_and_resynced() {
        let mut s = vec![3, 0, 0, 0, 0, 4];
        s.extend(term());
        s.extend(term());
        let ev = events(&[&s]);
        assert!(
            ev[0].contains("ShortLength(0)") && ev[0].contains("count: 6"),
            "{ev:?}"
        );
        assert_eq!(&ev[1..], ["msg@6/12", "msg@18/12"]);
    }

    #[test]
    fn truncated_last_message() {
        let mut s = term();
        s.extend(&term()[..8]);
        let ev = events(&[&s]);
        assert_eq!(ev[0], "msg@0/12");
        assert!(
            ev[1].contains("Truncated") && ev[1].contains("available: 8"),
            "{ev:?}"
        );
    }

    #[test]
    fn gap_drops_the_cut_message_and_resyncs() {
        let mut f = Framer::new(1000);
        let mut s = term();
        s.extend(&term()[..5]);
        f.push(&s);
        assert!(matches!(
            f.next_event(),
            Some(FrameEvent::Message { offset: 0, .. })
        ));
        assert!(f.next_event().is_none());
        // 7 bytes lost: the rest of the cut message never arrives; the next one does.
        f.gap(7);
        f.push(&term());
        f.finish();
        let ev: Vec<String> = std::iter::from_fn(|| f.next_event().map(|e| describe(&e))).collect();
        assert!(
            ev[0].contains("AfterGap { missing: 7 }") && ev[0].contains("count: 12"),
            "{ev:?}"
        );
        assert_eq!(ev[1], "msg@24/12");
    }

    #[test]
    fn garbage_only() {
        let ev = events(&[&[0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 3, 4]]);
        assert_eq!(ev.len(), 1);
        assert!(
            ev[0].contains("count: 9") && ev[0].contains("resynced: false"),
            "{ev:?}"
        );
    }
}
