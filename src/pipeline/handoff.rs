//! Hands a stream's decoded events from the thread that reads and decodes the input to the
//! thread that renders or analyses them, so that the two halves of a file run use both cores.
//!
//! An [`Event`] borrows the framer's buffer, so it cannot cross threads. The decoding side
//! copies each message's octets into a [`Batch`] with a [`Record`] of what decoding decided
//! (how each NLRI field and the AS_PATH were read: [`PlanChoice`]); the other side rebuilds the
//! same [`Decoded`] from those octets with [`redecode`], which parses again but validates
//! nothing again and keeps no session state. Findings, stream starts and ends, and router
//! details travel as owned values, in stream order. Batches are bounded and recycled: the
//! decoding side waits when the other side is behind.

use std::io::{self, Write};
use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

use super::files::{Inputs, decode_files};
use super::run::emit;
use super::{Sink, Summary};
use crate::decode::bgp;
use crate::decode::bgp::route_id::{RouteId, for_each_route_id};
use crate::decode::bgp::update::{self, PlanChoice};
use crate::decode::bmp::{self, Body};
use crate::event::{Decoded, EndReason, Event, Lifecycle, RouterInfo, StreamCtx};
use crate::finding::{Finding, Kind};
use crate::identity::{Predecessor, RouterId, Routers};
use crate::stream::read_open;
use crate::time::Timestamp;

/// What decoding decided about a message, beyond its octets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Record {
    /// The plan of a Route Monitoring UPDATE.
    pub plan: Option<PlanChoice>,
    /// The plans of the mirrored UPDATEs, with the index of their TLV.
    pub mirrored: Vec<(usize, PlanChoice)>,
}

impl Record {
    /// The record of a decoded message.
    pub fn of(d: &Decoded<'_>) -> Record {
        Record {
            plan: d.update.as_ref().map(|(_, p)| p.choice()),
            mirrored: d
                .mirrored
                .iter()
                .map(|(i, _, p)| (*i, p.choice()))
                .collect(),
        }
    }
}

/// Rebuilds the [`Decoded`] of a message that the stream decoder decoded at `offset` from
/// `raw`, with its record and the routes' identities the decoding side computed; `None` if
/// `raw` does not parse (it did when it was recorded). Keep in step with the stream decoder
/// ([`crate::stream`]).
pub fn redecode<'a>(
    offset: u64,
    raw: &'a [u8],
    record: &Record,
    route_ids: Option<&'a [RouteId]>,
) -> Option<Decoded<'a>> {
    let msg = bmp::parse_message(raw).ok()?;
    let mut update = None;
    let mut opens = None;
    let mut mirrored = Vec::new();
    match &msg.body {
        Body::RouteMonitoring(_, rm) => {
            if let Some(choice) = &record.plan {
                let u = update::parse(rm.pdu.body).ok()?;
                update = Some((u, choice.apply(&u)));
            }
        }
        Body::PeerUp(_, up) => {
            if let (Ok(s), Ok(r)) = (read_open(&up.sent_open), read_open(&up.received_open)) {
                opens = Some(Box::new((s, r)));
            }
        }
        Body::RouteMirroring(_, tlvs) => {
            for (index, choice) in &record.mirrored {
                let tlv = tlvs.get(*index)?;
                let (_, pdu) = bgp::split_pdu(tlv.value).ok()?;
                let u = update::parse(pdu.body).ok()?;
                mirrored.push((*index, u, choice.apply(&u)));
            }
        }
        _ => {}
    }
    Some(Decoded {
        offset,
        raw,
        msg,
        update,
        opens,
        mirrored,
        route_ids: route_ids.filter(|ids| record.plan.is_some() && !ids.is_empty()),
    })
}

/// One item of a batch, in stream order.
#[derive(Debug)]
pub enum Item {
    /// A stream starts.
    Start {
        /// Stream name.
        name: String,
        /// Its router.
        router_id: RouterId,
        /// Router address, when the source knows it.
        address: Option<IpAddr>,
        /// Observed time of its first packet.
        time: Option<Timestamp>,
        /// The router was seen before in this run.
        reconnect: bool,
        /// The earlier stream of the same address.
        predecessor: Option<Predecessor>,
    },
    /// A stream ends.
    End {
        /// Stream name.
        name: String,
        /// Its router.
        router_id: RouterId,
        /// What the stream's Initiation said.
        router: RouterInfo,
        /// How the source saw it end.
        how: EndReason,
        /// Observed time of the packet that ended it.
        time: Option<Timestamp>,
    },
    /// The stream name, router details and identity of the items that follow.
    Context {
        /// Stream name.
        name: String,
        /// Router details.
        router: RouterInfo,
        /// Its identity.
        router_id: RouterId,
    },
    /// An Initiation changed what is known of a stream's identity.
    Joined {
        /// Stream name.
        name: String,
        /// Its router before.
        from: RouterId,
        /// Its router now.
        router: RouterId,
        /// The earlier stream of the same sysName.
        predecessor: Option<Predecessor>,
        /// Observed time of the Initiation.
        time: Option<Timestamp>,
    },
    /// A message: its octets are `bytes[at..at + len]` of the batch.
    Message {
        /// Observed time.
        observed: Option<Timestamp>,
        /// Stream offset.
        offset: u64,
        /// Start in the batch's octets.
        at: usize,
        /// Its length in the batch's octets.
        len: usize,
        /// What decoding decided.
        record: Record,
        /// Its routes' identities: `ids[ids.0..ids.0 + ids.1]` of the batch.
        ids: (usize, usize),
    },
    /// A finding.
    Finding {
        /// Observed time.
        observed: Option<Timestamp>,
        /// The finding.
        finding: Finding,
    },
    /// A capture file is damaged beyond reading.
    SourceFailure {
        /// Input name.
        name: String,
        /// The `capture_damaged` finding.
        finding: Finding,
    },
    /// Reading an input failed: the message for stderr.
    Fatal(String),
}

/// Items and the octets of their messages.
#[derive(Debug, Default)]
pub struct Batch {
    /// Message octets, back to back.
    pub bytes: Vec<u8>,
    /// The items.
    pub items: Vec<Item>,
    /// Route identities of the messages' UPDATEs, back to back: computed here, on the decoding
    /// side, which has the lighter share of the work.
    pub ids: Vec<RouteId>,
    /// Octets the findings carry (a malformed message's own octets, up to the message cap):
    /// they count towards [`Batch::BYTES`] too.
    pub finding_bytes: usize,
}

impl Batch {
    /// A batch is sent once it holds this many octets of messages...
    pub const BYTES: usize = 256 << 10;
    /// ...or this many items.
    pub const ITEMS: usize = 2048;

    /// Whether it is due to be sent.
    pub fn full(&self) -> bool {
        self.bytes.len() + self.finding_bytes >= Self::BYTES || self.items.len() >= Self::ITEMS
    }

    /// Adds a finding.
    pub fn finding(&mut self, observed: Option<Timestamp>, f: &Finding) {
        self.finding_bytes += f.raw.as_ref().map_or(0, Vec::len);
        self.items.push(Item::Finding {
            observed,
            finding: f.clone(),
        });
    }

    /// Adds a message, with its routes' identities when `route_ids` (for a sink that counts
    /// routes).
    pub fn message(&mut self, observed: Option<Timestamp>, d: &Decoded<'_>, route_ids: bool) {
        let at = self.bytes.len();
        self.bytes.extend_from_slice(d.raw);
        let first = self.ids.len();
        if let (Some((u, p)), true) = (&d.update, route_ids) {
            for_each_route_id(u, p, |r| self.ids.push(r));
        }
        self.items.push(Item::Message {
            observed,
            offset: d.offset,
            at,
            len: d.raw.len(),
            record: Record::of(d),
            ids: (first, self.ids.len() - first),
        });
    }

    /// Empties it for reuse, keeping its allocations.
    pub fn clear(&mut self) {
        self.bytes.clear();
        self.items.clear();
        self.ids.clear();
        self.finding_bytes = 0;
    }
}

/// Batches between the decoding thread and the sink's: enough to ride out uneven messages,
/// few enough to keep memory bounded (a batch is sent at about 256 KiB of octets).
const BATCHES_IN_FLIGHT: usize = 4;

/// A file run on two threads: every input is read and decoded on a second thread, whose sink
/// packs the events into batches; this thread rebuilds them and feeds `sink`. Returns whether
/// an input could not be read, and the first output error.
pub(super) fn run<W: Write>(
    inputs: &Inputs,
    sink: &mut dyn Sink,
    out: &mut W,
    summary: &mut Summary,
) -> (bool, Option<io::Error>) {
    let abort = Arc::new(AtomicBool::new(false));
    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::sync_channel::<Batch>(BATCHES_IN_FLIGHT);
        let (back_tx, back_rx) = mpsc::channel::<Batch>();
        let route_ids = sink.uses_route_ids();
        let decoder_abort = abort.clone();
        let decoder = std::thread::Builder::new()
            .name("bmpctl-decode".into())
            .spawn_scoped(scope, move || {
                let mut handoff = HandoffSink::new(tx, back_rx, route_ids);
                let mut counted = Summary::default();
                let mut routers = Routers::new();
                let (fatal, _) = decode_files(
                    inputs,
                    &mut handoff,
                    &mut io::sink(),
                    &mut counted,
                    &mut routers,
                    None,
                    Some(&decoder_abort),
                );
                handoff.close();
                fatal
            });
        let Ok(decoder) = decoder else {
            eprintln!("bmpctl: error: cannot start the decoding thread");
            return (true, None);
        };
        let (fatal, write_err) = feed(rx, &back_tx, sink, out, summary);
        if write_err.is_some() {
            abort.store(true, Ordering::Relaxed);
        }
        // The decoding thread ends once it sees the abort flag or the closed channel.
        drop(back_tx);
        let decoder_fatal = decoder.join().unwrap_or(true);
        (fatal || decoder_fatal, write_err)
    })
}

/// The sink's side of a threaded run: rebuilds every event of the batches and hands it to
/// `sink`, as [`super::DecodeRun`] would have. Returns whether an input could not be read, and the
/// first output error.
fn feed<W: Write>(
    rx: mpsc::Receiver<Batch>,
    back: &mpsc::Sender<Batch>,
    sink: &mut dyn Sink,
    out: &mut W,
    summary: &mut Summary,
) -> (bool, Option<io::Error>) {
    let mut fatal = false;
    let mut write_err = None;
    let mut name = String::new();
    let mut router = RouterInfo::default();
    let mut router_id = RouterId::default();
    for mut batch in rx {
        let Batch {
            bytes, items, ids, ..
        } = &mut batch;
        for item in items.drain(..) {
            if write_err.is_some() {
                break;
            }
            match item {
                Item::Start {
                    name,
                    router_id,
                    address,
                    time,
                    reconnect,
                    predecessor,
                } => {
                    summary.streams += 1;
                    sink.lifecycle(&Lifecycle::StreamStart {
                        stream: &name,
                        router_id,
                        address,
                        time,
                        reconnect,
                        predecessor: predecessor.as_ref(),
                    });
                }
                Item::End {
                    name,
                    router_id,
                    router,
                    how,
                    time,
                } => sink.lifecycle(&Lifecycle::StreamEnd {
                    stream: &name,
                    router_id,
                    router: &router,
                    how,
                    time,
                }),
                Item::Context {
                    name: n,
                    router: r,
                    router_id: id,
                } => {
                    name = n;
                    router = r;
                    router_id = id;
                }
                Item::Joined {
                    name,
                    from,
                    router: joined,
                    predecessor,
                    time,
                } => sink.lifecycle(&Lifecycle::Joined {
                    stream: &name,
                    from,
                    router: joined,
                    // The Initiation that joined it came just before, with its router.
                    info: &router,
                    predecessor: predecessor.as_ref(),
                    time,
                }),
                Item::Message {
                    observed,
                    offset,
                    at,
                    len,
                    record,
                    ids: (first, count),
                } => {
                    let route_ids = ids.get(first..first + count);
                    let raw = bytes.get(at..at + len).unwrap_or_default();
                    let ctx = StreamCtx {
                        name: &name,
                        router: &router,
                        router_id,
                        observed,
                    };
                    let ev = match redecode(offset, raw, &record, route_ids) {
                        Some(d) => Event::Message(d),
                        // It decoded on the other thread, so this cannot happen; if it does,
                        // the message is not lost silently.
                        None => Event::Finding(
                            Finding::new(
                                Kind::MalformedMessage,
                                offset,
                                raw.get(5).map(|&t| crate::decode::bmp::header::MessageType(t)),
                                "message decoded but could not be handed over between threads (a bmpctl bug: please report it)".into(),
                            )
                            .with_raw(raw),
                        ),
                    };
                    emit(&ctx, &ev, sink, out, summary, &mut write_err, u64::MAX);
                }
                Item::Finding { observed, finding } => {
                    let ctx = StreamCtx {
                        name: &name,
                        router: &router,
                        router_id,
                        observed,
                    };
                    emit(
                        &ctx,
                        &Event::Finding(finding),
                        sink,
                        out,
                        summary,
                        &mut write_err,
                        u64::MAX,
                    );
                }
                Item::SourceFailure { name, finding } => {
                    if let Err(e) = sink.source_failure(&name, finding, out, summary) {
                        write_err = Some(e);
                    }
                }
                Item::Fatal(msg) => {
                    sink.fatal(&msg, out);
                    fatal = true;
                }
            }
        }
        batch.clear();
        // The decoding thread reuses it; it may be gone already.
        let _ = back.send(batch);
        if write_err.is_some() {
            break;
        }
    }
    (fatal, write_err)
}

/// The decoding thread's sink: packs every event into batches for [`feed`].
struct HandoffSink {
    batch: Batch,
    /// Compute the routes' identities (the other side's sink uses them).
    route_ids: bool,
    tx: mpsc::SyncSender<Batch>,
    back: mpsc::Receiver<Batch>,
    name: String,
    router: RouterInfo,
    router_id: RouterId,
    /// No `Context` item sent yet.
    fresh: bool,
}

impl HandoffSink {
    fn new(tx: mpsc::SyncSender<Batch>, back: mpsc::Receiver<Batch>, route_ids: bool) -> Self {
        HandoffSink {
            batch: Batch::default(),
            route_ids,
            tx,
            back,
            name: String::new(),
            router: RouterInfo::default(),
            router_id: RouterId::default(),
            fresh: true,
        }
    }

    fn context(&mut self, ctx: &StreamCtx<'_>) {
        if self.fresh
            || self.name != ctx.name
            || self.router != *ctx.router
            || self.router_id != ctx.router_id
        {
            self.fresh = false;
            self.name = ctx.name.to_string();
            self.router = ctx.router.clone();
            self.router_id = ctx.router_id;
            self.batch.items.push(Item::Context {
                name: self.name.clone(),
                router: self.router.clone(),
                router_id: self.router_id,
            });
        }
    }

    /// Sends the batch; an error once the other side has stopped (its output failed).
    fn send(&mut self) -> io::Result<()> {
        let next = self.back.try_recv().unwrap_or_default();
        let full = std::mem::replace(&mut self.batch, next);
        self.tx
            .send(full)
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "output closed"))
    }

    fn send_if_full(&mut self) -> io::Result<()> {
        if self.batch.full() {
            self.send()
        } else {
            Ok(())
        }
    }

    /// Sends what is left.
    fn close(mut self) {
        if !self.batch.items.is_empty() {
            let _ = self.send();
        }
    }
}

impl Sink for HandoffSink {
    fn event(&mut self, ctx: &StreamCtx<'_>, ev: &Event<'_>, _: &mut dyn Write) -> io::Result<()> {
        self.context(ctx);
        match ev {
            Event::Message(d) => self.batch.message(ctx.observed, d, self.route_ids),
            Event::Finding(f) => self.batch.finding(ctx.observed, f),
        }
        self.send_if_full()
    }

    fn lifecycle(&mut self, l: &Lifecycle<'_>) {
        self.batch.items.push(match *l {
            Lifecycle::StreamStart {
                stream,
                router_id,
                address,
                time,
                reconnect,
                predecessor,
            } => Item::Start {
                name: stream.to_string(),
                router_id,
                address,
                time,
                reconnect,
                predecessor: predecessor.cloned(),
            },
            Lifecycle::StreamEnd {
                stream,
                router_id,
                router,
                how,
                time,
            } => Item::End {
                name: stream.to_string(),
                router_id,
                router: router.clone(),
                how,
                time,
            },
            Lifecycle::Joined {
                stream,
                from,
                router,
                predecessor,
                time,
                ..
            } => Item::Joined {
                name: stream.to_string(),
                from,
                router,
                predecessor: predecessor.cloned(),
                time,
            },
        });
        // A send error means the other side stopped; the next event finds it too.
        let _ = self.send_if_full();
    }

    /// Every event goes to the other side, whose sink filters.
    fn accepts(&self, _: &StreamCtx<'_>, _: &Event<'_>) -> bool {
        true
    }

    fn fatal(&mut self, msg: &str, _: &mut dyn Write) {
        self.batch.items.push(Item::Fatal(msg.to_string()));
    }

    fn source_failure(
        &mut self,
        name: &str,
        finding: Finding,
        _: &mut dyn Write,
        _: &mut Summary,
    ) -> io::Result<()> {
        self.batch.items.push(Item::SourceFailure {
            name: name.to_string(),
            finding,
        });
        self.send_if_full()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_octets_findings_carry_fill_a_batch() {
        let mut batch = Batch::default();
        let big = vec![0u8; Batch::BYTES / 2];
        let f = Finding::new(
            Kind::MalformedMessage,
            0,
            Some(crate::decode::bmp::header::MessageType::ROUTE_MONITORING),
            "does not decode".into(),
        );
        batch.finding(None, &f.clone().with_raw(&big));
        assert!(!batch.full());
        batch.finding(None, &f.with_raw(&big));
        assert!(
            batch.full(),
            "two findings of half a batch's octets each fill it"
        );
        batch.clear();
        assert!(!batch.full());
    }
}
