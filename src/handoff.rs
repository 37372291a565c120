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

use std::net::IpAddr;

use crate::analysis::EndHow;
use crate::decode::bgp;
use crate::decode::bgp::route_id::{RouteId, for_each_route_id};
use crate::decode::bgp::update::{self, PlanChoice};
use crate::decode::bmp::{self, Body};
use crate::finding::Finding;
use crate::stream::{Decoded, RouterInfo, read_open};

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
/// `raw` does not parse (it did when it was recorded). Keep in step with
/// `stream::Lower::message`.
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
        Body::RouteMonitoring(rm) => {
            if let Some(choice) = &record.plan {
                let u = update::parse(rm.pdu.body).ok()?;
                update = Some((u, choice.apply(&u)));
            }
        }
        Body::PeerUp(up) => {
            if let (Ok(s), Ok(r)) = (read_open(&up.sent_open), read_open(&up.received_open)) {
                opens = Some(Box::new((s, r)));
            }
        }
        Body::RouteMirroring(tlvs) => {
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
        /// Router address, when the source knows it.
        router: Option<IpAddr>,
        /// Capture time of its first packet.
        time: Option<(u64, u32)>,
        /// The source saw an earlier connection on the same 4-tuple.
        reconnect: bool,
    },
    /// A stream ends.
    End {
        /// Stream name.
        name: String,
        /// What the stream's Initiation said.
        router: RouterInfo,
        /// How.
        how: EndHow,
        /// When.
        time: Option<(u64, u32)>,
    },
    /// The stream name and router details of the items that follow.
    Context {
        /// Stream name.
        name: String,
        /// Router details.
        router: RouterInfo,
    },
    /// A message: its octets are `bytes[at..at + len]` of the batch.
    Message {
        /// Capture time.
        observed: Option<(u64, u32)>,
        /// Stream offset.
        offset: u64,
        /// Start in the batch's octets.
        at: usize,
        /// Length.
        len: usize,
        /// What decoding decided.
        record: Record,
        /// Its routes' identities: `ids[ids.0..ids.0 + ids.1]` of the batch.
        ids: (usize, usize),
    },
    /// A finding.
    Finding {
        /// Capture time.
        observed: Option<(u64, u32)>,
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
    pub fn finding(&mut self, observed: Option<(u64, u32)>, f: &Finding) {
        self.finding_bytes += f.raw.as_ref().map_or(0, Vec::len);
        self.items.push(Item::Finding {
            observed,
            finding: f.clone(),
        });
    }

    /// Adds a message, with its routes' identities when `route_ids` (for a sink that counts
    /// routes).
    pub fn message(&mut self, observed: Option<(u64, u32)>, d: &Decoded<'_>, route_ids: bool) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Kind;

    #[test]
    fn the_octets_findings_carry_fill_a_batch() {
        let mut batch = Batch::default();
        let big = vec![0u8; Batch::BYTES / 2];
        let f = Finding::new(Kind::MalformedMessage, 0, Some(0), "does not decode".into());
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
