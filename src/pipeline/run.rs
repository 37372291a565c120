//! Decoding of one source: its streams, their routers, and where their events go.

use std::collections::{HashMap, HashSet};
use std::io::{self, Write};
use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use indicatif::ProgressBar;

use super::{Sink, Summary};
use crate::event::{Event, Lifecycle, RouterInfo, StreamCtx};
use crate::finding::{Finding, Kind};
use crate::identity::{RouterId, Routers, StreamHandle};
use crate::source::{Consumer, Control, SourceEvent, SourceNotice};
use crate::stream::{Delivery, Splitter, StreamDecoder};
use crate::time::Timestamp;

/// Messages between progress-bar updates.
const PROGRESS_EVERY: u64 = 4096;

/// A live session is disconnected once its `garbage_skipped` findings add up to more than this
/// many bytes, or once this many bytes beyond `--max-message` arrived without a single message
/// framing (a peer that sends nothing that frames never produces a finding on its own).
pub const GARBAGE_LIMIT: u64 = 1 << 20;

/// One open stream of the source.
struct OpenStream {
    name: String,
    decoder: StreamDecoder,
    /// Its identity, which tells its router.
    handle: StreamHandle,
    health: StreamHealth,
}

/// How well a stream frames, for live sessions that cut off a peer sending garbage.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct StreamHealth {
    /// Bytes reported skipped (`garbage_skipped` findings) so far.
    garbage: u64,
    /// Stream offset just past the last decoded message (or the last resynchronisation).
    progress: u64,
}

/// Decoding of one source (a file, or every session of a live station): its streams, and where
/// their events go. It is the source's [`Consumer`].
pub struct DecodeRun<'r, W: Write> {
    /// The source's name, for findings about it rather than one of its streams.
    input: &'r str,
    max_message: u32,
    /// Events stop counting and reaching the sink once this many messages were counted.
    limit: u64,
    sink: &'r mut dyn Sink,
    out: &'r mut W,
    summary: &'r mut Summary,
    routers: &'r mut Routers,
    streams: HashMap<u64, OpenStream>,
    /// How many streams of this source had each name.
    names: HashMap<String, u32>,
    /// Router addresses of this source's streams so far: a stream from one of them is a
    /// reconnect (or a second session).
    addresses: HashSet<IpAddr>,
    write_err: Option<io::Error>,
    bar: Option<ProgressBar>,
    /// This run's lane, when the work is split by peer (see [`super::lanes`]).
    lane: Option<&'r mut super::lanes::Lane>,
    /// Cut off streams that send garbage (live sessions).
    guard: bool,
    /// Re-draw the sink's view on every tick, on a terminal.
    redraw: Option<u16>,
    /// Set when another part of the run failed: stop reading.
    abort: Option<Arc<AtomicBool>>,
}

impl<'r, W: Write> DecodeRun<'r, W> {
    /// A run over the source named `input`, whose events go to `sink` (writing to `out`) and
    /// whose routers join those of the run so far (`routers`).
    pub fn new(
        input: &'r str,
        max_message: u32,
        sink: &'r mut dyn Sink,
        out: &'r mut W,
        summary: &'r mut Summary,
        routers: &'r mut Routers,
    ) -> Self {
        DecodeRun {
            input,
            max_message,
            limit: u64::MAX,
            sink,
            out,
            summary,
            routers,
            streams: HashMap::new(),
            names: HashMap::new(),
            addresses: HashSet::new(),
            write_err: None,
            bar: None,
            lane: None,
            guard: false,
            redraw: None,
            abort: None,
        }
    }

    /// Stops the source once `flag` is set (another lane of the run failed).
    pub fn abort_on(mut self, flag: Option<Arc<AtomicBool>>) -> Self {
        self.abort = flag;
        self
    }

    /// At most `limit` messages reach the sink; then the source is told to stop.
    pub fn limit(mut self, limit: u64) -> Self {
        self.limit = limit;
        self
    }

    /// Shows the count of messages on this progress bar.
    pub fn progress(mut self, bar: ProgressBar) -> Self {
        self.bar = Some(bar);
        self
    }

    /// Decodes only this lane's share of the peers (see [`super::lanes`]).
    pub fn lane(mut self, lane: Option<&'r mut super::lanes::Lane>) -> Self {
        self.lane = lane;
        self
    }

    /// Cuts off streams whose bytes do not frame (a live station: see [`GARBAGE_LIMIT`]).
    pub fn guard(mut self) -> Self {
        self.guard = true;
        self
    }

    /// Re-draws the sink's view, `width` columns wide, on every tick.
    pub fn redraw(mut self, width: u16) -> Self {
        self.redraw = Some(width);
        self
    }

    /// The first output error, taken.
    pub fn take_write_err(&mut self) -> Option<io::Error> {
        self.write_err.take()
    }

    /// Whether this run reports what belongs to no peer: it is the first lane, or not split.
    fn first_lane(&self) -> bool {
        self.lane.as_deref().is_none_or(Splitter::first)
    }

    /// A finding about a stream (or about no stream) from outside its bytes.
    fn finding(&mut self, stream: Option<u64>, finding: Finding) {
        let none = RouterInfo::default();
        let (name, router, router_id) = match stream.and_then(|s| self.streams.get(&s)) {
            Some(s) => (
                s.name.as_str(),
                &s.decoder.router,
                self.routers.router(s.handle),
            ),
            None => (self.input, &none, RouterId::NONE),
        };
        let ctx = StreamCtx {
            name,
            router,
            router_id,
            observed: None,
        };
        emit(
            &ctx,
            &Event::Finding(finding),
            &mut *self.sink,
            self.out,
            self.summary,
            &mut self.write_err,
            self.limit,
        );
    }

    /// One event of the source; `Some(stream)` when that stream should be cut off.
    fn source_event(&mut self, ev: SourceEvent<'_>) -> Option<u64> {
        match ev {
            SourceEvent::StreamStart {
                id,
                mut name,
                router,
                time,
            } => {
                // A reconnect on the same 4-tuple is a new session: give it a name of its own.
                let seen = self.names.entry(name.clone()).or_insert(0);
                *seen += 1;
                if *seen > 1 {
                    name = format!("{name} #{seen}");
                }
                let mut decoder = StreamDecoder::new(self.max_message);
                decoder.router.address = router;
                if self.first_lane() {
                    self.summary.streams += 1;
                }
                let started = self.routers.start(&name, router);
                let reconnect = router.is_some_and(|a| !self.addresses.insert(a));
                self.sink.lifecycle(&Lifecycle::StreamStart {
                    stream: &name,
                    router_id: started.router,
                    address: router,
                    time: time.map(micros_only),
                    reconnect,
                    predecessor: started.predecessor.as_ref(),
                });
                self.streams.insert(
                    id.0,
                    OpenStream {
                        name,
                        decoder,
                        handle: started.stream,
                        health: StreamHealth::default(),
                    },
                );
            }
            SourceEvent::Data { id, bytes, time } => {
                self.with_stream(id.0, time, |dec, lane, sink| {
                    dec.push_lane(bytes, lane, sink)
                });
                if self.guard {
                    return self.check_health(id.0);
                }
            }
            SourceEvent::Gap {
                id, missing, time, ..
            } => {
                self.with_stream(id.0, time, |dec, lane, sink| {
                    dec.gap_lane(missing, lane, sink)
                });
            }
            SourceEvent::StreamEnd { id, time, how } => {
                self.with_stream(id.0, time, |dec, lane, sink| dec.finish_lane(lane, sink));
                if let Some(s) = self.streams.remove(&id.0) {
                    let router_id = self.routers.router(s.handle);
                    self.routers.end(s.handle);
                    self.sink.lifecycle(&Lifecycle::StreamEnd {
                        stream: &s.name,
                        router_id,
                        router: &s.decoder.router,
                        how,
                        time: time.map(micros_only),
                    });
                }
            }
            // A notice is about the input, not a peer: the first lane reports it.
            SourceEvent::Notice(_) if !self.first_lane() => {}
            SourceEvent::Notice(n) => {
                let (kind, stream) = match &n {
                    SourceNotice::ReorderOverflow { id, .. } => (Kind::ReorderOverflow, Some(id.0)),
                    SourceNotice::NotBmp { .. } => (Kind::NonBmpFlow, None),
                    SourceNotice::SkippedBeforeBmp { id, .. } => (Kind::SourceNotice, Some(id.0)),
                    SourceNotice::TruncatedCapture { .. } | SourceNotice::CorruptCapture { .. } => {
                        (Kind::CaptureDamaged, None)
                    }
                    _ => (Kind::SourceNotice, None),
                };
                self.finding(stream, Finding::new(kind, 0, None, n.to_string()));
            }
        }
        None
    }

    /// Whether a stream should be cut off for sending garbage: reported as a finding.
    fn check_health(&mut self, id: u64) -> Option<u64> {
        let s = self.streams.get(&id)?;
        let len = s.decoder.stream_len();
        let stalled = len.saturating_sub(s.health.progress);
        let stall_limit = u64::from(self.max_message) + GARBAGE_LIMIT;
        if s.health.garbage <= GARBAGE_LIMIT && stalled <= stall_limit {
            return None;
        }
        let detail = format!(
            "session disconnected: {} bytes skipped as garbage and {stalled} bytes without a message since the last one (limits: {GARBAGE_LIMIT} bytes of garbage, --max-message + {GARBAGE_LIMIT} bytes without a message)",
            s.health.garbage
        );
        self.finding(
            Some(id),
            Finding::new(Kind::SourceNotice, len, None, detail),
        );
        Some(id)
    }

    /// Runs `f` on a stream's decoder, with this run's lane, and a sink that hands its events
    /// on with the stream's context.
    fn with_stream(
        &mut self,
        id: u64,
        observed: Option<Timestamp>,
        f: impl FnOnce(
            &mut StreamDecoder,
            Option<&mut dyn Splitter>,
            &mut dyn FnMut(&RouterInfo, Delivery<'_, '_>),
        ),
    ) {
        let observed = observed.map(micros_only);
        let Some(stream) = self.streams.get_mut(&id) else {
            return;
        };
        let (sink, out, summary, write_err, limit, routers) = (
            &mut *self.sink,
            &mut *self.out,
            &mut *self.summary,
            &mut self.write_err,
            self.limit,
            &mut *self.routers,
        );
        let name = stream.name.as_str();
        let health = &mut stream.health;
        let handle = stream.handle;
        let before = summary.messages;
        f(
            &mut stream.decoder,
            self.lane.as_deref_mut().map(|l| l as &mut dyn Splitter),
            &mut |router, delivery| {
                let (ev, counted) = match delivery {
                    Delivery::Counted(ev) => (ev, true),
                    Delivery::Uncounted(ev) => (ev, false),
                    Delivery::Foreign(peer) => {
                        let ctx = StreamCtx {
                            name,
                            router,
                            router_id: routers.router(handle),
                            observed,
                        };
                        sink.foreign(&ctx, peer);
                        return;
                    }
                };
                // Every lane decodes every Initiation: each lane's identity decides alike.
                let joined = match (ev, router.sys_name.as_deref()) {
                    (Event::Message(d), Some(sys_name))
                        if matches!(d.msg.body, crate::decode::bmp::Body::Initiation(_)) =>
                    {
                        routers.initiation(handle, sys_name)
                    }
                    _ => None,
                };
                match ev {
                    Event::Message(d) => health.progress = d.offset + d.raw.len() as u64,
                    Event::Finding(f) if f.kind == Kind::GarbageSkipped => {
                        let count = f.bytes.unwrap_or(0);
                        health.garbage += count;
                        health.progress = health.progress.max(f.offset + count);
                    }
                    Event::Finding(_) => {}
                }
                let ctx = StreamCtx {
                    name,
                    router,
                    router_id: routers.router(handle),
                    observed,
                };
                if counted {
                    emit(&ctx, ev, &mut *sink, out, summary, write_err, limit);
                } else if write_err.is_none() && sink.accepts(&ctx, ev) {
                    // Another lane counts it; this one only needs what it says about the router.
                    if let Err(e) = sink.event(&ctx, ev, out) {
                        *write_err = Some(e);
                    }
                }
                if let Some(j) = &joined {
                    sink.lifecycle(&Lifecycle::Joined {
                        stream: name,
                        from: j.from,
                        router: j.router,
                        info: router,
                        predecessor: j.predecessor.as_ref(),
                        time: observed,
                    });
                }
            },
        );
        let Some(bar) = &self.bar else {
            return;
        };
        // In lanes, the count shown is that of every lane.
        let added = self.summary.messages - before;
        let shown = match self.lane.as_deref() {
            Some(lane) => lane.counted(added),
            None => self.summary.messages,
        };
        if shown / PROGRESS_EVERY != (shown - added) / PROGRESS_EVERY {
            bar.set_message(format!("{shown} messages"));
        }
    }

    fn control(&self, close: Option<u64>) -> Control {
        let aborted = self
            .abort
            .as_ref()
            .is_some_and(|f| f.load(Ordering::Relaxed));
        if aborted || self.write_err.is_some() || self.summary.messages >= self.limit {
            Control::Stop
        } else {
            close.map_or(Control::Continue, |id| {
                Control::Close(crate::source::StreamId(id))
            })
        }
    }
}

impl<W: Write> Consumer for DecodeRun<'_, W> {
    fn event(&mut self, ev: SourceEvent<'_>) -> Control {
        let close = self.source_event(ev);
        self.control(close)
    }

    fn idle(&mut self) -> Control {
        if self.write_err.is_none() {
            if let Err(e) = self.out.flush() {
                self.write_err = Some(e);
            }
        }
        self.control(None)
    }

    fn tick(&mut self) -> Control {
        if let (Some(width), None) = (self.redraw, &self.write_err) {
            if let Some(view) = self.sink.view() {
                let mut text = Vec::new();
                let drawn = crate::render::write_report(
                    &mut text,
                    crate::render::Format::Text,
                    &view.report(),
                    width,
                )
                .and_then(|()| {
                    self.out.write_all(b"\x1b[2J\x1b[H")?;
                    self.out.write_all(&text)?;
                    self.out.flush()
                });
                if let Err(e) = drawn {
                    self.write_err = Some(e);
                }
            }
        }
        self.control(None)
    }
}

/// Event times are microseconds, the resolution every view and renderer works in (a capture's
/// nanoseconds are cut here, once).
fn micros_only(t: Timestamp) -> Timestamp {
    Timestamp::from_micros(t.secs(), t.subsec_micros())
}

/// Counts an event that passes the sink's filter, and hands it to the sink.
pub(super) fn emit(
    ctx: &StreamCtx<'_>,
    ev: &Event<'_>,
    sink: &mut dyn Sink,
    out: &mut dyn Write,
    summary: &mut Summary,
    write_err: &mut Option<io::Error>,
    limit: u64,
) {
    if summary.messages >= limit || !sink.accepts(ctx, ev) {
        return;
    }
    match ev {
        Event::Message(_) => summary.messages += 1,
        Event::Finding(f) => *summary.findings.entry(f.kind).or_default() += 1,
    }
    if write_err.is_some() {
        return;
    }
    if let Err(e) = sink.event(ctx, ev, out) {
        *write_err = Some(e);
    }
}
