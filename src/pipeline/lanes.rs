//! Splits a file run of a view by peer across threads ("lanes"), so that each message is
//! decoded once, by one thread, and the cores share the whole of the work.
//!
//! Every lane reads and frames every input (framing is cheap), and agrees with the others on
//! which lane owns each monitored peer without talking to them: peers are dealt round-robin in
//! the order they first appear, which is the same order in every lane. A lane fully decodes:
//! - the messages of its own peers ([`Share::Own`]);
//! - the messages without a per-peer header (Initiation, Termination, unknown types), which
//!   every lane needs for the router's details ([`Share::Shared`]); only the first lane
//!   counts them and reports their findings.
//!
//! Of another lane's messages it reads only the per-peer header ([`Share::Foreign`]), which a
//! view uses to keep router-level state (the time of the router's last message) the same in
//! every lane. Stream-level findings (framing, gaps, source notices) are the first lane's. At
//! the end the views' reports are merged: a view that runs in lanes keeps its per-peer state
//! apart per peer, so the lanes' states are disjoint.
//!
//! All messages of one peer address and distinguisher go to one lane, whatever the peer type,
//! flags, router or stream, so that everything a view keys by peer stays in one lane.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::decode::bmp::header::{COMMON_HEADER_LEN, MessageType, PER_PEER_HEADER_LEN, PeerHeader};
use crate::hash::IdentityBuild;
use crate::stream::{Share, Splitter};

/// Most lanes a run uses: each reads every input, so more lanes than this cost more reading
/// than they save.
pub const MAX_LANES: usize = 8;

/// One lane of a run.
#[derive(Debug)]
pub struct Lane {
    index: usize,
    count: usize,
    /// Peer (distinguisher and address, folded to 64 bits) -> owning lane. Two peers whose
    /// folds collide share a lane, in every lane alike: harmless.
    owners: HashMap<u64, u32, IdentityBuild>,
    /// The latest peer looked up, and its lane: routers send runs of one peer's messages.
    last: Option<(u64, u32)>,
    /// Peers assigned so far: the next one goes to lane `assigned % count`.
    assigned: u64,
    /// Messages counted by every lane of the run so far, for the progress display.
    counted: Arc<AtomicU64>,
}

impl Lane {
    /// Lane `index` of `count` (`index < count`).
    pub fn new(index: usize, count: usize) -> Self {
        Lane {
            index,
            count: count.max(1),
            owners: HashMap::default(),
            last: None,
            assigned: 0,
            counted: Arc::default(),
        }
    }

    /// This lane, adding to `counted`, the count of messages that all lanes of the run share.
    pub fn counting_into(mut self, counted: Arc<AtomicU64>) -> Self {
        self.counted = counted;
        self
    }

    /// Adds `n` messages this lane counted; returns the run's count so far.
    pub fn counted(&self, n: u64) -> u64 {
        self.counted.fetch_add(n, Ordering::Relaxed) + n
    }

    /// Whether this is the first lane, which reports what belongs to no peer.
    pub fn is_first(&self) -> bool {
        self.index == 0
    }
}

impl Splitter for Lane {
    fn first(&self) -> bool {
        self.is_first()
    }

    /// What this lane does with a framed message (`raw`: the whole message, common header
    /// first).
    fn share(&mut self, raw: &[u8]) -> Share {
        let per_peer = raw
            .get(5)
            .is_some_and(|&t| MessageType(t).has_per_peer_header());
        let header = raw
            .get(COMMON_HEADER_LEN..)
            .and_then(<[u8]>::first_chunk::<PER_PEER_HEADER_LEN>);
        let (true, Some(header)) = (per_peer, header) else {
            return Share::Shared;
        };
        let peer = PeerHeader::from_octets(header);
        let key = identity(&peer);
        let owner = match self.last {
            Some((k, lane)) if k == key => lane,
            _ => {
                let count = self.count as u64;
                let next = &mut self.assigned;
                let lane = *self.owners.entry(key).or_insert_with(|| {
                    let lane = (*next % count) as u32;
                    *next += 1;
                    lane
                });
                self.last = Some((key, lane));
                lane
            }
        };
        if owner as usize == self.index {
            Share::Own
        } else {
            Share::Foreign(peer)
        }
    }
}

/// A peer's distinguisher and address as the views key it ([`PeerHeader::address`]: an IPv4
/// address is the last 4 octets, whatever the 12 before), folded to a well-mixed `u64`.
fn identity(p: &PeerHeader) -> u64 {
    let mut address = p.address_raw;
    if !p.is_ipv6() {
        address[..12].fill(0);
    }
    let [hi, lo] = [&address[..8], &address[8..]]
        .map(|half| u64::from_le_bytes(half.try_into().unwrap_or_default()));
    let h = (u64::from_le_bytes(p.distinguisher) ^ hi.rotate_left(21) ^ lo.rotate_left(42))
        .wrapping_mul(0x9e37_79b9_7f4a_7c15);
    h ^ (h >> 29)
}

/// How many lanes a file run uses: `BMPCTL_LANES` when set (1 turns lanes off), else the
/// available cores, at most [`MAX_LANES`].
pub fn lane_count() -> usize {
    let from_env = std::env::var("BMPCTL_LANES")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok());
    let n = from_env.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    n.clamp(1, MAX_LANES)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::{bgp, bmp};

    fn peer_message(msg_type: u8, last_octet: u8) -> Vec<u8> {
        let addr = std::net::Ipv4Addr::new(192, 0, 2, last_octet).into();
        let peer = bmp::Peer::global(addr, 65000, [192, 0, 2, last_octet]).with_time(1, 0);
        match msg_type {
            2 => bmp::peer_down(&peer, 2, &[0, 1]),
            _ => bmp::route_monitoring(&peer, &bgp::update(&[], &[], &[])),
        }
    }

    #[test]
    fn peers_are_dealt_round_robin_in_order_of_appearance() {
        let msgs: Vec<Vec<u8>> = [1u8, 2, 3, 1, 2, 3, 4]
            .iter()
            .map(|&o| peer_message(0, o))
            .collect();
        let mut lanes = [Lane::new(0, 2), Lane::new(1, 2)];
        let mut owners = Vec::new();
        for m in &msgs {
            let shares: Vec<Share> = lanes.iter_mut().map(|l| l.share(m)).collect();
            // Exactly one lane owns each message; the other sees its per-peer header.
            let own: Vec<usize> = (0..2).filter(|&i| shares[i] == Share::Own).collect();
            assert_eq!(own.len(), 1, "{shares:?}");
            let other = 1 - own[0];
            match shares[other] {
                Share::Foreign(p) => assert_eq!(p.address_raw[15], m[31]),
                s => panic!("expected foreign, got {s:?}"),
            }
            owners.push(own[0]);
        }
        assert_eq!(owners, [0, 1, 0, 0, 1, 0, 1]);
    }

    #[test]
    fn a_peer_keeps_its_lane_across_message_types() {
        let mut lane = Lane::new(1, 3);
        assert!(matches!(lane.share(&peer_message(0, 9)), Share::Foreign(_)));
        assert_eq!(lane.share(&peer_message(0, 10)), Share::Own);
        assert_eq!(lane.share(&peer_message(2, 10)), Share::Own);
        assert!(matches!(lane.share(&peer_message(2, 9)), Share::Foreign(_)));
    }

    #[test]
    fn an_ipv4_peer_keeps_its_lane_whatever_the_octets_before_its_address() {
        // The views read an IPv4 peer address from the last 4 octets only (V flag clear), so
        // octets before them must not move the peer to another lane.
        let mut lanes = [Lane::new(0, 2), Lane::new(1, 2)];
        let clean = peer_message(0, 7);
        let mut junk = clean.clone();
        junk[6 + 2 + 8] = 0xff; // the first octet of the address field
        lanes.iter_mut().for_each(|l| {
            l.share(&peer_message(0, 1));
        });
        for m in [&clean, &junk, &clean] {
            assert_eq!(lanes[1].share(m), Share::Own);
            assert!(matches!(lanes[0].share(m), Share::Foreign(_)));
        }
    }

    #[test]
    fn messages_without_a_readable_per_peer_header_are_shared() {
        let mut lane = Lane::new(1, 2);
        let init = bmp::initiation(&[(2, b"r1".as_slice())]);
        assert_eq!(lane.share(&init), Share::Shared);
        // A Route Monitoring cut short inside its per-peer header.
        let cut = &peer_message(0, 1)[..30];
        assert_eq!(lane.share(cut), Share::Shared);
        assert_eq!(lane.share(&[]), Share::Shared);
        // Nothing was assigned: the next peer still goes to lane 0.
        assert!(matches!(lane.share(&peer_message(0, 5)), Share::Foreign(_)));
    }
}
