//! What `peers` keeps per router, per peer and per RIB view row.

use crate::analysis::notification::NotificationReport;
use crate::decode::family::Family;
use crate::event::RouterName;
use std::collections::{BTreeMap, BTreeSet};
use std::net::{IpAddr, Ipv4Addr};

use serde::Serialize;

use crate::analysis::route_set::RouteSet;
use crate::decode::bgp::open::Open;
use crate::decode::bgp::update::How;
use crate::decode::bgp::{self, BgpMessage};
use crate::decode::bmp::header::{Distinguisher, PeerHeader, PeerType, RibView};
use crate::decode::bmp::peer_down::Reason;
use crate::time::Timestamp;

pub(super) type Time = Option<Timestamp>;

/// A monitored peer within a router.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct PeerId {
    pub address: IpAddr,
    pub peer_type: PeerType,
    pub distinguisher: [u8; 8],
}

impl PeerId {
    pub fn of(p: &PeerHeader) -> Self {
        PeerId {
            address: p.address(),
            peer_type: p.peer_type,
            distinguisher: p.distinguisher,
        }
    }

    /// The identity folded into one word: two multiplications instead of a hasher call per
    /// field, on every message.
    fn fold(&self) -> u64 {
        let addr = match self.address {
            IpAddr::V4(a) => u128::from(u32::from(a)),
            IpAddr::V6(a) => u128::from(a) ^ (1 << 127),
        };
        let d = u64::from_be_bytes(self.distinguisher);
        ((addr as u64) ^ ((addr >> 64) as u64).rotate_left(17)).wrapping_mul(0x9e37_79b9_7f4a_7c15)
            ^ (d ^ u64::from(self.peer_type.0)).wrapping_mul(0xc2b2_ae3d_27d4_eb4f)
    }

    /// The distinguisher as a route distinguisher for RD-instance and Loc-RIB peers, else the
    /// number.
    pub fn distinguisher_text(&self) -> String {
        Distinguisher::new(self.peer_type, self.distinguisher).to_string()
    }
}

impl std::hash::Hash for PeerId {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_u64(self.fold());
    }
}

/// A row: one peer of one router in one RIB view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct RowKey {
    /// The router's index: its [`crate::identity::RouterId`].
    pub router: usize,
    pub peer: PeerId,
    pub rib: RibView,
}

impl std::hash::Hash for RowKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_u64(self.peer.fold() ^ ((self.router as u64) << 8 | self.rib as u64));
    }
}

/// A router, as far as this view needs it (its identity is [`crate::identity`]'s).
#[derive(Debug)]
pub(super) struct Router {
    /// The name of its first stream: its name while neither sysName nor address is known.
    pub first_stream: String,
    pub address: Option<IpAddr>,
    pub sys_name: Option<String>,
    /// The stream currently carrying the router's session.
    pub stream: String,
    /// The latest time seen from the router: the time of a session event without its own.
    pub last_time: Time,
    /// Its current session began with an Initiation: the stream was seen from its start, so
    /// a peer without a Peer Up in it was not up.
    pub initiated: bool,
    /// Every peer of the router is down or its session ended, and none changed since: a
    /// repeated session end has nothing to do (a stream may repeat Terminations).
    pub ended: bool,
}

impl Router {
    /// sysName, else address, else the stream name it was first seen on.
    pub fn name(&self) -> String {
        RouterName::new(self.sys_name.as_deref(), self.address, &self.first_stream).to_string()
    }
}

/// A peer's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// After a Peer Up.
    Up,
    /// After a Peer Down.
    Down,
    /// Nothing says (see the state detail).
    Unknown,
}

/// Decoding-relevant capabilities of the last Peer Up.
#[derive(Debug, Clone)]
pub(super) struct Caps {
    pub four_octet_as: bool,
    pub extended_message: bool,
    /// (family, mode in the sent OPEN, mode in the received OPEN).
    pub add_path: Vec<(Family, u8, u8)>,
}

impl Caps {
    pub fn of(sent: &Open<'_>, received: &Open<'_>) -> Self {
        // The first entry of a family counts, as `Open::add_path_mode` reads it; maps, not
        // scans: an OPEN may list thousands of families.
        let mut modes: BTreeMap<Family, (u8, u8)> = BTreeMap::new();
        for (family, mode) in sent.add_path_families() {
            modes.entry(family).or_insert((mode, 0));
        }
        let mut received_seen = BTreeSet::new();
        for (family, mode) in received.add_path_families() {
            if received_seen.insert(family) {
                modes.entry(family).or_insert((0, 0)).1 = mode;
            }
        }
        let add_path = modes
            .into_iter()
            .map(|(family, (s, r))| (family, s, r))
            .collect();
        Caps {
            four_octet_as: sent.four_octet_as().is_some() && received.four_octet_as().is_some(),
            extended_message: sent.extended_message() && received.extended_message(),
            add_path,
        }
    }
}

/// The last Peer Down reason of a peer.
#[derive(Debug, Clone)]
pub(super) struct LastDown {
    pub code: u8,
    /// The NOTIFICATION of reasons 1 and 3, when it decodes.
    pub notification: Option<NotificationReport>,
    pub fsm_event: Option<u16>,
    pub information: Vec<(u16, String)>,
    pub time: Time,
}

impl LastDown {
    pub fn of(r: &Reason<'_>, time: Time) -> Self {
        let mut d = LastDown {
            code: r.code(),
            notification: None,
            fsm_event: None,
            information: Vec::new(),
            time,
        };
        match r {
            Reason::Notification { pdu, .. } => {
                if let Ok(BgpMessage::Notification(n)) = bgp::decode_pdu(pdu) {
                    d.notification = Some(NotificationReport::of(&n));
                }
            }
            Reason::FsmEvent(e) => d.fsm_event = Some(*e),
            Reason::Tlvs(tlvs) => {
                d.information = tlvs.iter().map(|t| (t.tlv_type, t.text())).collect();
            }
            Reason::NoData(_) | Reason::Other { .. } => {}
        }
        d
    }
}

/// What is known about one peer of a router, whatever the RIB view.
#[derive(Debug)]
pub(super) struct PeerState {
    pub state: State,
    pub detail: Option<String>,
    /// The state before a session ended or was replaced, when it was known.
    pub last_state: Option<State>,
    pub since: Time,
    pub flaps: u64,
    pub last_down: Option<LastDown>,
    pub caps: Option<Caps>,
    pub table_name: Option<String>,
    pub asn: u32,
    pub bgp_id: Ipv4Addr,
}

impl PeerState {
    pub fn new(p: &PeerHeader) -> Self {
        PeerState {
            state: State::Unknown,
            detail: Some("no_peer_up".into()),
            last_state: None,
            since: None,
            flaps: 0,
            last_down: None,
            caps: None,
            table_name: None,
            asn: p.asn,
            bgp_id: p.bgp_id,
        }
    }
}

/// A statistic's latest value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum StatVal {
    Num(u64),
    /// An encoding bmpctl does not know.
    Raw(Box<[u8]>),
}

#[derive(Debug, Clone)]
pub(super) struct StatSlot {
    pub value: StatVal,
    /// The difference from the previous report's value.
    pub change: Option<i128>,
    /// For a route gauge: the RIB view it describes and that view's tracked count then.
    pub tracked: Option<(RibView, u64)>,
}

/// (type, per-AFI/SAFI family)
pub(super) type StatKey = (u16, Option<Family>);

/// One peer of one router in one RIB view.
#[derive(Debug, Default)]
pub(super) struct Row {
    pub table: RouteSet,
    pub announced: u64,
    pub withdrawn: u64,
    /// Routes per decode label, indexed by `How::index`.
    pub decoded: [u64; How::ALL.len()],
    /// In family order (a set: a stream may name any number of families).
    pub end_of_rib: BTreeSet<Family>,
    pub last_update: Time,
    /// Route Monitoring was seen for this view.
    pub monitored: bool,
    pub stats: BTreeMap<StatKey, StatSlot>,
    pub stats_time: Time,
}

impl Row {
    /// The decode labels with routes, and their counts, sorted by label.
    pub fn decoded_labels(&self) -> impl Iterator<Item = (&'static str, u64)> + '_ {
        let mut v: Vec<(&'static str, u64)> = How::ALL
            .iter()
            .map(|h| (h.label(), self.decoded[h.index()]))
            .filter(|(_, n)| *n > 0)
            .collect();
        v.sort_unstable();
        v.into_iter()
    }

    pub fn clear_table(&mut self) {
        self.table.clear();
        self.end_of_rib.clear();
    }

    /// The routes held, of one family or of all.
    pub fn tracked(&self, family: Option<Family>) -> u64 {
        match family {
            None => self.table.len(),
            Some(f) => self
                .table
                .per_family()
                .find(|(k, _)| *k == f)
                .map_or(0, |(_, (n, _))| n),
        }
    }
}

/// Every RIB view a row can have: a peer's rows are found by key, not by a scan of every row.
pub(super) const RIB_VIEWS: [RibView; 6] = RibView::ALL;
