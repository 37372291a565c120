//! The message log as NDJSON: one JSON object per line for each message and each finding. The
//! schema is documented in docs/json.md and is a contract: fields are added, never renamed or
//! removed.
//!
//! Each line is a record type serialized straight to the writer. A record starts with `type`
//! (the message type, or `finding`), then what identifies it (`stream`, `offset`, `router`,
//! the times, `peer`), then its body. The parts:
//! - `record`: the message and finding records, and the body of each message type;
//! - `bmp`: BMP TLVs (information, BMPv4 Route Monitoring, Route Mirroring), statistics and
//!   Peer Down reasons;
//! - `bgp`: BGP messages carried in BMP: OPEN and its capabilities, NOTIFICATION, a whole
//!   mirrored PDU;
//! - `routes`: the routes of an UPDATE, one object per NLRI element;
//! - `attributes`: the path attributes of an UPDATE.
//!
//! Records borrow from the decoded message. Text inside them (addresses, prefixes, hex, names
//! of families) is written through `Display` into the output, not built as strings first.

pub(crate) mod attributes;
mod bgp;
mod bmp;
mod record;
mod routes;
mod update;

use std::fmt;
use std::io::{self, Write};

use serde::{Serialize, Serializer};

pub use record::{FindingRecord, MessageRecord};

use crate::decode::Hex;
use crate::decode::family::Family;
use crate::event::{Decoded, StreamCtx};
use crate::finding::Finding;

/// One message as its NDJSON record (serialize it with `serde_json`).
pub fn message<'a>(ctx: &StreamCtx<'a>, d: &'a Decoded<'a>) -> MessageRecord<'a> {
    MessageRecord::new(ctx, d)
}

/// One finding as its NDJSON record.
pub fn finding<'a>(ctx: &StreamCtx<'a>, f: &'a Finding) -> FindingRecord<'a> {
    FindingRecord::new(ctx, f)
}

/// Writes one message as a line: its record and a line end.
pub fn write_message(out: &mut dyn Write, ctx: &StreamCtx<'_>, d: &Decoded<'_>) -> io::Result<()> {
    write_line(out, &message(ctx, d))
}

/// Writes one finding as a line: its record and a line end.
pub fn write_finding(out: &mut dyn Write, ctx: &StreamCtx<'_>, f: &Finding) -> io::Result<()> {
    write_line(out, &finding(ctx, f))
}

fn write_line(out: &mut dyn Write, record: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer(&mut *out, record)?;
    out.write_all(b"\n")
}

/// A value written as a JSON string through its `Display`, without building a `String`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Shown<T>(pub(crate) T);

impl<T: fmt::Display> Serialize for Shown<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

/// Octets as a lower-case hex string.
pub(crate) type HexText<'a> = Shown<Hex<'a>>;

/// `bytes` as a lower-case hex string.
pub(crate) fn hex(bytes: &[u8]) -> HexText<'_> {
    Shown(Hex(bytes))
}

/// The family name of an AFI/SAFI pair (`ipv4_unicast`, ...) as a string.
pub(crate) fn family(family: Family) -> Shown<Family> {
    Shown(family)
}

/// Octets as a string, invalid UTF-8 replaced (router-supplied text: never sanitised in JSON).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Lossy<'a>(pub(crate) &'a [u8]);

impl Serialize for Lossy<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&String::from_utf8_lossy(self.0))
    }
}

/// A slice written as a JSON array of what the function makes of each item.
pub(crate) struct Each<'a, T, R>(pub(crate) &'a [T], pub(crate) fn(&'a T) -> R);

impl<T, R> Each<'_, T, R> {
    /// Whether the list is empty.
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'a, T, R: Serialize> Serialize for Each<'a, T, R> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(self.1))
    }
}

/// A code with its name: `{"code", "name"}`.
#[derive(Serialize)]
pub(crate) struct CodeName<T> {
    pub(crate) code: T,
    pub(crate) name: &'static str,
}
