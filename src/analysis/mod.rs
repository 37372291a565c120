//! The analysis layer: views (peers, timeline, churn) fed by the decoded events of every
//! stream of every source. A view observes events one at a time, keeps only compact state,
//! and at the end returns a [`Report`]: plain data (serde types) that [`crate::render`] prints
//! as a table or as one JSON document. Nothing here writes output.

pub mod churn;
pub mod notification;
pub mod peers;
mod route_log;
pub mod route_set;
pub mod route_table;
pub mod routes;
pub mod timeline;

use std::any::Any;
use std::time::Duration;

use crate::decode::bmp::header::PeerHeader;
use crate::event::{Event, Lifecycle, StreamCtx};
use crate::filter::Filter;

/// Which view to run, with the options that are its own: what the command line chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViewKind {
    /// `bmpctl peers`.
    Peers,
    /// `bmpctl timeline`.
    Timeline,
    /// `bmpctl churn`: the bucket width (chosen from the time span when `None`) and the length
    /// of the top lists.
    Churn {
        /// Bucket width.
        interval: Option<Duration>,
        /// Entries in each top list.
        top: usize,
    },
}

impl ViewKind {
    /// A new, empty view of this kind, seeing what passes `filter`.
    pub fn build(self, filter: Filter) -> Box<dyn View> {
        match self {
            ViewKind::Peers => Box::new(peers::Peers::new(filter)),
            ViewKind::Timeline => Box::new(timeline::Timeline::new(filter)),
            ViewKind::Churn { interval, top } => Box::new(churn::Churn::new(filter, interval, top)),
        }
    }
}

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
pub trait View: Analysis + Send + IntoAny {
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
    /// For a view whose state splits by peer (see [`crate::pipeline::lanes`]): a new, empty
    /// view like this one, for another lane of the run. `None`: the view runs whole.
    fn lane(&self) -> Option<Box<dyn View>> {
        None
    }
    /// Folds in another lane's view (one that [`View::lane`] made), at the end of the run.
    fn absorb(&mut self, _other: Box<dyn View>) {}
}

/// A view as `Any`, so that a view can take back the lanes it made ([`View::absorb`]).
pub trait IntoAny {
    /// The view, boxed as `Any`.
    fn into_any(self: Box<Self>) -> Box<dyn Any>;
}

impl<T: Any> IntoAny for T {
    fn into_any(self: Box<Self>) -> Box<dyn Any> {
        self
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
