//! bmpctl: decode and troubleshoot BGP Monitoring Protocol (BMP) streams.
//!
//! The crate is layered; each layer imports only its own and the layers below it, and
//! [`analysis`] and [`render`] do not import [`source`] or [`live`] (docs/architecture.md draws
//! the layers finer; `tests/it/layers.rs` checks them):
//!
//! 1. foundations: [`time`], [`hash`], [`exit`];
//! 2. [`decode`]: BMP and BGP parsed without I/O or state, protocol meaning decided once;
//! 3. the stream: [`frame`] (framing, sans-IO), [`session`] (what each Peer Up negotiated),
//!    [`finding`], [`identity`] (which router a stream is), [`event`] (what every layer above
//!    shares), [`stream`] (one stream's bytes to events), [`filter`];
//! 4. [`source`]: inputs as byte streams (files, stdin, captures, OpenBMP) and [`live`]
//!    (the station's sessions, and the sender of `replay`);
//! 5. [`analysis`]: the views and their reports;
//! 6. [`render`]: text and JSON of the message log and of the reports;
//! 7. [`pipeline`]: sources through decoders into the log or a view, on one thread or more;
//! 8. [`cli`] and [`app`]: the command line and its dispatch.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod analysis;
pub mod app;
pub mod cli;
pub mod decode;
pub mod event;
pub mod exit;
pub mod filter;
pub mod finding;
pub mod frame;
pub mod hash;
pub mod identity;
pub mod live;
pub mod pipeline;
pub mod render;
pub mod session;
pub mod source;
pub mod stream;
#[cfg(any(test, feature = "testkit"))]
pub mod testkit;
pub mod time;
