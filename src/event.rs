//! The events every layer above decoding shares: what a stream yields ([`Event`]: a decoded
//! message or a finding), the stream it came from ([`StreamCtx`]), and how streams begin and
//! end ([`Lifecycle`]). Producers are the stream decoder ([`crate::stream`]) and the pipeline
//! ([`crate::pipeline`]); consumers are the views ([`crate::analysis`]), the filter and the
//! renderers.
//!
//! # Times
//!
//! A message has up to two clocks: the **observed** time, when the station saw it (the capture
//! time of the packet that completed it, the OpenBMP collector's time, or the receive time of
//! a live session), carried by the [`StreamCtx`]; and the **router** time, the per-peer
//! header's timestamp ([`crate::decode::bmp::header::PeerHeader::time`], none when 0). An
//! event's time ([`event_time`]) is the observed time when there is one, else the router time.

use std::net::IpAddr;

use crate::decode::bgp::open::Open;
use crate::decode::bgp::route_id::RouteId;
use crate::decode::bgp::update::{Plan, Update};
use crate::decode::bmp::BmpMessage;
use crate::decode::bmp::header::PeerHeader;
use crate::finding::Finding;
use crate::identity::{Predecessor, RouterId};
use crate::time::Timestamp;

/// A decoded message, borrowed from the stream buffer.
#[derive(Debug)]
pub struct Decoded<'a> {
    /// Stream offset of the message.
    pub offset: u64,
    /// The message octets.
    pub raw: &'a [u8],
    /// The BMP message.
    pub msg: BmpMessage<'a>,
    /// For Route Monitoring carrying an UPDATE: the UPDATE and how it decodes.
    pub update: Option<(Update<'a>, Plan<'a>)>,
    /// For Peer Up: both OPENs decoded (sent, received), when they parse.
    pub opens: Option<Box<(Open<'a>, Open<'a>)>>,
    /// For Route Mirroring: the mirrored UPDATEs (with the index of their TLV), decoded with the
    /// peer's Adj-RIB-In context.
    pub mirrored: Vec<(usize, Update<'a>, Plan<'a>)>,
    /// The identities of the UPDATE's routes, in the order of [`Plan::routes`], when the
    /// producer computed them (a threaded file run does, on the decoding thread; see
    /// [`crate::pipeline::handoff`]); else compute them with
    /// [`crate::decode::bgp::route_id::for_each_route_id`].
    pub route_ids: Option<&'a [RouteId]>,
}

/// What a stream yields. Events are handed to the sink by value and never stored, so the
/// message variant stays unboxed: boxing would cost an allocation per message.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)]
pub enum Event<'a> {
    /// A message.
    Message(Decoded<'a>),
    /// A finding.
    Finding(Finding),
}

impl Event<'_> {
    /// The per-peer header of the message or finding, when it has one.
    pub fn peer(&self) -> Option<&PeerHeader> {
        match self {
            Event::Message(d) => d.msg.peer(),
            Event::Finding(f) => f.peer.as_ref(),
        }
    }
}

/// What is known about the router at the other end of the stream.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RouterInfo {
    /// The router's address, when the source knows it (capture, OpenBMP, live).
    pub address: Option<IpAddr>,
    /// sysName from the latest Initiation.
    pub sys_name: Option<String>,
    /// sysDescr from the latest Initiation.
    pub sys_descr: Option<String>,
}

/// The stream an event came from, as far as the views and renderers need to know it.
#[derive(Debug, Clone, Copy)]
pub struct StreamCtx<'a> {
    /// Stream name (file path, `-`, TCP connection).
    pub name: &'a str,
    /// The router, as far as known.
    pub router: &'a RouterInfo,
    /// The router's identity across streams ([`crate::identity`]).
    pub router_id: RouterId,
    /// Observed time of the current message, when the source has one.
    pub observed: Option<Timestamp>,
}

impl<'a> StreamCtx<'a> {
    /// A context for events fed without a pipeline (tests, benchmarks): router 0.
    pub fn new(name: &'a str, router: &'a RouterInfo, observed: Option<Timestamp>) -> Self {
        StreamCtx {
            name,
            router,
            router_id: RouterId::default(),
            observed,
        }
    }

    /// The router's name: sysName once seen, else its address, else the stream name.
    pub fn router_name(&self) -> String {
        self.router_display().to_string()
    }

    /// [`Self::router_name`] without allocating: for output written to a writer.
    pub fn router_display(&self) -> RouterName<'a> {
        self.router.name(self.name)
    }
}

impl RouterInfo {
    /// What names the router of stream `stream`: its sysName once seen, else its address,
    /// else the stream's name.
    pub fn name<'a>(&'a self, stream: &'a str) -> RouterName<'a> {
        RouterName::new(self.sys_name.as_deref(), self.address, stream)
    }
}

/// What names a router in output ([`StreamCtx::router_name`]); displays as the name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouterName<'a> {
    /// The sysName of its latest Initiation.
    SysName(&'a str),
    /// Its address, before any sysName.
    Address(IpAddr),
    /// Neither known: the stream's name.
    Stream(&'a str),
}

impl<'a> RouterName<'a> {
    /// The rule every view names routers by: the sysName once seen, else the address, else
    /// the name of the stream it came on.
    pub fn new(sys_name: Option<&'a str>, address: Option<IpAddr>, stream: &'a str) -> Self {
        match (sys_name, address) {
            (Some(name), _) => RouterName::SysName(name),
            (None, Some(addr)) => RouterName::Address(addr),
            (None, None) => RouterName::Stream(stream),
        }
    }
}

impl std::fmt::Display for RouterName<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RouterName::SysName(name) | RouterName::Stream(name) => f.write_str(name),
            RouterName::Address(addr) => addr.fmt(f),
        }
    }
}

/// How a stream ended, when the source knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndReason {
    /// TCP FIN, every byte before it delivered (or reported as a gap).
    Fin,
    /// TCP RST (from either side).
    Reset,
    /// A new connection on the same 4-tuple replaced it.
    Superseded,
    /// The input ended (or failed) with the stream still open: always the case for raw and
    /// OpenBMP inputs.
    EndOfInput,
}

impl EndReason {
    /// JSON name.
    pub fn name(self) -> &'static str {
        match self {
            EndReason::Fin => "tcp_close",
            EndReason::Reset => "tcp_reset",
            EndReason::Superseded => "superseded",
            EndReason::EndOfInput => "end_of_input",
        }
    }
}

/// Stream lifecycle, as the source saw it and [`crate::identity`] judged it.
#[derive(Debug, Clone, Copy)]
pub enum Lifecycle<'a> {
    /// A BMP stream starts (a TCP connection, a file, an OpenBMP router).
    StreamStart {
        /// Stream name.
        stream: &'a str,
        /// Its router.
        router_id: RouterId,
        /// Router address, when known.
        address: Option<IpAddr>,
        /// Observed time of its first packet.
        time: Option<Timestamp>,
        /// The same source (input file, live station) had a stream from the router's address
        /// before: it reconnected, or runs a second session.
        reconnect: bool,
        /// The earlier stream of the same address.
        predecessor: Option<&'a Predecessor>,
    },
    /// A BMP stream ends.
    StreamEnd {
        /// Stream name.
        stream: &'a str,
        /// Its router.
        router_id: RouterId,
        /// What its Initiation said (sysName) and its address.
        router: &'a RouterInfo,
        /// How the source saw it end.
        how: EndReason,
        /// Observed time of the packet that ended it; none at the end of input.
        time: Option<Timestamp>,
    },
    /// A stream's Initiation changed what is known of its identity ([`crate::identity`]): it
    /// comes right after that Initiation's event, and reaches every view whatever the filter
    /// kept, so that every view follows the same identity.
    Joined {
        /// Stream name.
        stream: &'a str,
        /// The stream's router before the Initiation. When it differs from `router`, the
        /// stream turned out to be a new session of an earlier router, and everything seen of
        /// router `from`, on any of its streams, belongs to `router` from now on.
        from: RouterId,
        /// The stream's router now.
        router: RouterId,
        /// What the Initiation said (sysName) and the stream's address.
        info: &'a RouterInfo,
        /// The earlier stream of the same sysName, when the stream had no predecessor yet.
        predecessor: Option<&'a Predecessor>,
        /// Observed time of the Initiation.
        time: Option<Timestamp>,
    },
}

/// The best time for an event: the observed time when the source has one, else the router's
/// per-peer timestamp (when not 0), else none.
pub fn event_time(ctx: &StreamCtx<'_>, ev: &Event<'_>) -> Option<Timestamp> {
    ctx.observed
        .or_else(|| ev.peer().and_then(PeerHeader::time))
}

/// [`event_time`] of a message of which only the per-peer header was read.
pub fn header_time(ctx: &StreamCtx<'_>, p: &PeerHeader) -> Option<Timestamp> {
    ctx.observed.or_else(|| p.time())
}
