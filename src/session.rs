//! Per-peer session context within one BMP session: what each peer's Peer Up negotiated, turned
//! into the parameters that decode its Route Monitoring in each direction.
//!
//! Add-Path is directional (RFC 7911 §4, per AFI/SAFI):
//! * Adj-RIB-In (peer to router): path identifiers iff the received OPEN says Send or Both and
//!   the sent OPEN says Receive or Both.
//! * Adj-RIB-Out (router to peer): iff the sent OPEN says Send or Both and the received OPEN says
//!   Receive or Both.
//! * Loc-RIB: iff either fabricated OPEN says Send or Both (RFC 9069 §5.2).
//!
//! AS width: 4-octet for Loc-RIB; otherwise the per-peer A flag decides, and a disagreement
//! with the OPENs (both must advertise capability 65 for 4-octet) is a finding. Before a peer's
//! Peer Up the width comes from the A flag and no Add-Path is assumed.

use std::collections::{HashMap, HashSet};

use crate::hash::FastBuild;

use crate::decode::bgp::open::Open;
use crate::decode::bgp::update::{DecodeParams, How};
use crate::decode::bmp::header::{PeerHeader, PeerType};
use crate::decode::family::Family;

/// Identifies a monitored peer within a BMP session (the RIB view is kept apart).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct PeerKey {
    /// Peer type, from the per-peer header.
    pub peer_type: PeerType,
    /// Peer distinguisher, as sent.
    pub distinguisher: [u8; 8],
    /// Peer address octets, as sent (IPv4 in the last four).
    pub address: [u8; 16],
    /// Peer AS: a peer that changes its AS is another peer.
    pub asn: u32,
    /// Peer BGP ID, as sent.
    pub bgp_id: [u8; 4],
}

impl std::hash::Hash for PeerKey {
    /// Four words instead of a hasher call per field and array length, on every message.
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        let [hi, lo] = [&self.address[..8], &self.address[8..]]
            .map(|half| u64::from_be_bytes(half.try_into().unwrap_or_default()));
        state.write_u64(u64::from_be_bytes(self.distinguisher));
        state.write_u64(hi);
        state.write_u64(lo);
        state.write_u64(
            ((u64::from(self.asn) << 32) | u64::from(u32::from_be_bytes(self.bgp_id)))
                ^ (u64::from(self.peer_type.0) << 56),
        );
    }
}

impl From<&PeerHeader> for PeerKey {
    fn from(p: &PeerHeader) -> Self {
        PeerKey {
            peer_type: p.peer_type,
            distinguisher: p.distinguisher,
            address: p.address_raw,
            asn: p.asn,
            bgp_id: p.bgp_id.octets(),
        }
    }
}

/// What a Peer Up established for a peer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerContext {
    /// Both OPENs advertised 4-octet AS.
    pub four_octet_as: bool,
    /// Parameters for Adj-RIB-In.
    pub adj_rib_in: DecodeParams,
    /// Parameters for Adj-RIB-Out.
    pub adj_rib_out: DecodeParams,
    /// Parameters for Loc-RIB.
    pub loc_rib: DecodeParams,
    /// Whether an A-flag disagreement was already reported.
    pub width_mismatch_reported: bool,
    /// RIB views (a bit per `RibView`) whose Peer Up was seen: routers send one Peer Up per view.
    pub views_up: u8,
}

/// Whether an Add-Path send/receive value (RFC 7911 §4: 1 receive, 2 send, 3 both) includes
/// sending path identifiers.
pub fn sends(mode: u8) -> bool {
    mode & 2 != 0
}

/// Whether an Add-Path send/receive value includes receiving path identifiers.
pub fn receives(mode: u8) -> bool {
    mode & 1 != 0
}

/// RFC 7911 §4 for one family: whether routes carry path identifiers towards the router
/// (Adj-RIB-In: the peer sends them, the router receives them) and from it (Adj-RIB-Out),
/// given the Add-Path modes (1 receive, 2 send, 3 both; 0 absent) of the OPEN the router sent
/// and of the one it received.
pub fn add_path_directions(sent: u8, received: u8) -> (bool, bool) {
    (
        sends(received) && receives(sent),
        sends(sent) && receives(received),
    )
}

impl PeerContext {
    /// Builds the context from the OPEN the router sent and the one it received.
    pub fn from_opens(sent: &Open<'_>, received: &Open<'_>) -> Self {
        let four = sent.four_octet_as().is_some() && received.four_octet_as().is_some();
        let mut labels = 1u8;
        for family in [
            Family::IPV4_LABELED_UNICAST,
            Family::IPV6_LABELED_UNICAST,
            Family::IPV4_VPN,
            Family::IPV6_VPN,
        ] {
            labels = labels.max(sent.label_count(family).min(received.label_count(family)));
        }
        let mut adj_in = DecodeParams::new(four);
        let mut adj_out = DecodeParams::new(four);
        let mut loc = DecodeParams::new(true);
        adj_in.max_labels = labels;
        adj_out.max_labels = labels;
        loc.max_labels = labels;
        let families: Vec<Family> = sent
            .add_path_families()
            .chain(received.add_path_families())
            .map(|(family, _)| family)
            .collect();
        for family in families {
            let s = sent.add_path_mode(family);
            let r = received.add_path_mode(family);
            let (towards_router, from_router) = add_path_directions(s, r);
            if towards_router {
                adj_in = adj_in.with_add_path(family);
            }
            if from_router {
                adj_out = adj_out.with_add_path(family);
            }
            if sends(s) || sends(r) {
                loc = loc.with_add_path(family);
            }
        }
        PeerContext {
            four_octet_as: four,
            adj_rib_in: adj_in,
            adj_rib_out: adj_out,
            loc_rib: loc,
            width_mismatch_reported: false,
            views_up: 0,
        }
    }
}

/// Decoding parameters for one Route Monitoring message and what to report about them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choice {
    /// The parameters.
    pub params: DecodeParams,
    /// Negotiated or assumed.
    pub how: How,
    /// First Route Monitoring for a peer without context: report it.
    pub report_no_context: bool,
    /// First disagreement of the A flag with the OPENs: (A flag says 4-octet, OPENs say 4-octet).
    pub report_width_mismatch: Option<(bool, bool)>,
}

/// All peer contexts of one BMP session.
#[derive(Debug, Default)]
pub struct Sessions {
    peers: HashMap<PeerKey, PeerContext, FastBuild>,
    without_context: HashSet<PeerKey, FastBuild>,
}

impl Sessions {
    /// Installs a peer's context from its Peer Up; returns true if a Peer Up for the same RIB
    /// view was already in force (routers send one Peer Up per view they monitor, so a Peer Up
    /// for another view is not a duplicate).
    pub fn peer_up(&mut self, peer: &PeerHeader, mut ctx: PeerContext) -> bool {
        let key = PeerKey::from(peer);
        self.without_context.remove(&key);
        let bit = 1u8 << (peer.rib() as u8);
        let previous = self.peers.get(&key).map_or(0, |c| c.views_up);
        ctx.views_up = previous | bit;
        self.peers.insert(key, ctx);
        previous & bit != 0
    }

    /// Drops a peer's context at its Peer Down; returns false if there was none.
    pub fn peer_down(&mut self, peer: &PeerHeader) -> bool {
        self.peers.remove(&PeerKey::from(peer)).is_some()
    }

    /// Number of peers with context.
    pub fn len(&self) -> usize {
        self.peers.len()
    }

    /// Whether no peer has context.
    pub fn is_empty(&self) -> bool {
        self.peers.is_empty()
    }

    /// The parameters for a Route Monitoring message from `peer`.
    pub fn choose(&mut self, peer: &PeerHeader) -> Choice {
        let key = PeerKey::from(peer);
        let flag_four = !peer.legacy_as2();
        match self.peers.get_mut(&key) {
            Some(ctx) => {
                let mut params = if peer.is_loc_rib() {
                    ctx.loc_rib
                } else if peer.adj_rib_out() {
                    ctx.adj_rib_out
                } else {
                    ctx.adj_rib_in
                };
                let mut mismatch = None;
                if !peer.is_loc_rib() {
                    params.four_octet_as = flag_four;
                    if flag_four != ctx.four_octet_as && !ctx.width_mismatch_reported {
                        ctx.width_mismatch_reported = true;
                        mismatch = Some((flag_four, ctx.four_octet_as));
                    }
                }
                Choice {
                    params,
                    how: How::Negotiated,
                    report_no_context: false,
                    report_width_mismatch: mismatch,
                }
            }
            None => Choice {
                params: DecodeParams::new(peer.is_loc_rib() || flag_four),
                how: How::Assumed,
                report_no_context: self.without_context.insert(key),
                report_width_mismatch: None,
            },
        }
    }
}
