//! bmpctl: decode and troubleshoot BGP Monitoring Protocol (BMP) streams.
//!
//! Layers, each in its own module: [`frame`] turns a byte stream into messages (sans-IO),
//! [`decode`] parses BMP and BGP without I/O or state, [`session`] keeps what each peer's Peer Up
//! negotiated, [`stream`] ties them together per stream and yields events, [`render`] turns
//! events into text or JSON, and [`app`] runs the commands defined in [`cli`].
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod analysis;
pub mod app;
pub mod builder;
pub mod cli;
pub mod decode;
pub mod filter;
pub mod finding;
pub mod frame;
pub mod handoff;
pub mod hash;
pub mod lanes;
pub mod live;
pub mod render;
pub mod session;
pub mod source;
pub mod stream;
pub mod workload;
