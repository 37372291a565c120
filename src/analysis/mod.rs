//! The analysis layer: views (peers, timeline, churn) fed by the decoded events of every
//! stream of every source. A view observes events one at a time, keeps only compact state,
//! and at the end returns a [`Report`]: plain data (serde types) that [`crate::render`] prints
//! as a table or as one JSON document. Nothing here writes output.

pub mod churn;
pub mod peers;
mod route_log;
pub mod route_set;
pub mod route_table;
pub mod routes;
pub mod timeline;

use crate::decode::bmp::header::PeerHeader;
use crate::event::{Event, Lifecycle, StreamCtx};

/// A view over the events.
pub trait Analysis {
    /// One decoded message or finding, in stream order.
    fn event(&mut self, ctx: &StreamCtx<'_>, ev: &Event<'_>);
    /// A stream starts or ends.
    fn lifecycle(&mut self, _l: &Lifecycle<'_>) {}
    /// A message of a peer that another lane decodes, in stream order (see
    /// [`crate::pipeline::lanes`]): only its per-peer header, for router-level state.
    fn foreign(&mut self, _ctx: &StreamCtx<'_>, _peer: &PeerHeader) {}
}

/// A view: an analysis that ends in a report.
pub trait View: Analysis {
    /// The input has ended: do now the work the report would otherwise do (a view run in
    /// lanes finishes on each lane's thread, before the lanes are merged).
    fn finish(&mut self) {}
    /// The report, as it stands now (a live view is reported again and again).
    fn report(&self) -> Report<'_>;
    /// Whether a file run should decode on a second thread for this view (see
    /// [`crate::pipeline::handoff`]): worth it when the view's own work is heavy, like
    /// tracking every route; for a light view the hand-off costs more than it saves.
    fn threaded(&self) -> bool {
        false
    }
    /// Whether the view uses [`crate::event::Decoded::route_ids`] (a threaded run then
    /// computes them on the decoding thread).
    fn uses_route_ids(&self) -> bool {
        false
    }
}

/// The report of a view: what [`crate::render`] prints. Serialized, it is the view's JSON
/// document (the schemas are in docs/json.md).
#[derive(Debug)]
pub enum Report<'a> {
    /// `bmpctl peers`.
    Peers(peers::Report<'a>),
    /// `bmpctl timeline`.
    Timeline(timeline::Report<'a>),
    /// `bmpctl churn`.
    Churn(churn::Report<'a>),
}

impl serde::Serialize for Report<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Report::Peers(r) => r.serialize(s),
            Report::Timeline(r) => r.serialize(s),
            Report::Churn(r) => r.serialize(s),
        }
    }
}
