//! The analysis layer: views (peers, timeline, churn) fed by the decoded events of every
//! stream of every source. An analysis observes events one at a time and keeps only compact
//! state; renderers turn its report into a table or one JSON document.

pub mod churn;
pub mod peers;
mod route_log;
pub mod route_set;
pub mod route_table;
pub mod routes;
pub mod timeline;

use std::net::IpAddr;

use crate::decode::bmp::header::PeerHeader;
use crate::render::StreamCtx;
use crate::stream::Event;

/// How a stream ended, when the source knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndHow {
    /// TCP FIN.
    Fin,
    /// TCP RST.
    Reset,
    /// A new connection on the same 4-tuple replaced it.
    Superseded,
    /// The input ended (a file, or the capture stopped).
    EndOfInput,
}

impl EndHow {
    /// JSON name.
    pub fn name(self) -> &'static str {
        match self {
            EndHow::Fin => "tcp_close",
            EndHow::Reset => "tcp_reset",
            EndHow::Superseded => "superseded",
            EndHow::EndOfInput => "end_of_input",
        }
    }
}

/// Stream lifecycle, as the source saw it.
#[derive(Debug, Clone, Copy)]
pub enum Lifecycle<'a> {
    /// A BMP stream starts (a TCP connection, a file, an OpenBMP router).
    StreamStart {
        /// Stream name.
        stream: &'a str,
        /// Router address, when known.
        router: Option<IpAddr>,
        /// Capture time of its first packet.
        time: Option<(u64, u32)>,
        /// The source saw an earlier connection on the same 4-tuple.
        reconnect: bool,
    },
    /// A BMP stream ends.
    StreamEnd {
        /// Stream name.
        stream: &'a str,
        /// What its Initiation said (sysName) and its address.
        router: &'a crate::stream::RouterInfo,
        /// How.
        how: EndHow,
        /// When.
        time: Option<(u64, u32)>,
    },
}

/// A view over the events.
pub trait Analysis {
    /// One decoded message or finding, in stream order.
    fn event(&mut self, ctx: &StreamCtx<'_>, ev: &Event<'_>);
    /// A stream starts or ends.
    fn lifecycle(&mut self, _l: &Lifecycle<'_>) {}
    /// A message of a peer that another lane decodes, in stream order (see
    /// [`crate::lanes`]): only its per-peer header, for router-level state.
    fn foreign(&mut self, _ctx: &StreamCtx<'_>, _peer: &PeerHeader) {}
}

/// A view: an analysis that ends in a report.
pub trait View: Analysis {
    /// The input has ended: do now the work the report would otherwise do (a view run in
    /// lanes finishes on each lane's thread, before the lanes are merged).
    fn finish(&mut self) {}
    /// The report as one JSON document (the README documents each view's schema).
    fn report_json(&self) -> serde_json::Value;
    /// The report for people: tables fitted to `width` columns; colour per the `colored`
    /// crate's global switch.
    fn report_text(&self, width: u16) -> String;
    /// Whether a file run should decode on a second thread for this view (see
    /// [`crate::handoff`]): worth it when the view's own work is heavy, like tracking every
    /// route; for a light view the hand-off costs more than it saves.
    fn threaded(&self) -> bool {
        false
    }
    /// Whether the view uses [`crate::stream::Decoded::route_ids`] (a threaded run then
    /// computes them on the decoding thread).
    fn uses_route_ids(&self) -> bool {
        false
    }
}

/// The best time for an event: the capture time when the source has one, else the router's
/// per-peer timestamp (when not 0), else none.
pub fn event_time(ctx: &StreamCtx<'_>, ev: &Event<'_>) -> Option<(u64, u32)> {
    ctx.observed.or_else(|| match ev {
        Event::Message(d) => crate::render::json::router_time(d.msg.peer.as_ref()),
        Event::Finding(f) => crate::render::json::router_time(f.peer.as_ref()),
    })
}

/// [`event_time`] of a message of which only the per-peer header was read.
pub fn header_time(ctx: &StreamCtx<'_>, p: &PeerHeader) -> Option<(u64, u32)> {
    ctx.observed
        .or_else(|| crate::render::json::router_time(Some(p)))
}

/// Microseconds since the epoch, for ordering and durations.
pub fn micros((s, us): (u64, u32)) -> u64 {
    s.saturating_mul(1_000_000).saturating_add(us as u64)
}
