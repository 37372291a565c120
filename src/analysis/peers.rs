//! `bmpctl peers`: one row per monitored peer, router and RIB view, with its state, flaps,
//! last down reason, negotiated capabilities, how its routes were decoded, the routes it holds
//! now, and the router's own statistics next to the tracked numbers.
//!
//! # Identity
//!
//! * A **router** is identified across streams by its address when the source knows it
//!   (captures, OpenBMP, live sessions), else by the stream name; once an Initiation gives the
//!   sysName, a stream whose router has the same sysName as an earlier stream's router is the
//!   same router. The router is shown by sysName, else address, else stream name.
//! * A **peer** is (router, peer address, peer type, peer distinguisher). Its AS and BGP ID are
//!   the latest seen in its per-peer headers. A **row** is a peer and one RIB view; a row exists
//!   once that view was seen in any message (Route Monitoring, Statistics Report, Peer Up or
//!   Peer Down: each message creates the row of the view its per-peer header names; a Peer Up
//!   with flags 0 creates the `adj_rib_in_pre` row).
//!
//! # State rules
//!
//! * **Peer Up** marks every row of the peer `up` (since: the Peer Up's time; another Peer Up
//!   while up, e.g. one per RIB view, keeps the time). It records the capabilities of the two
//!   OPENs.
//! * **Peer Down** marks the peer `down`, clears the route tables and End-of-RIB lists of every
//!   RIB view of the peer, and records the reason. It counts as a **flap** when it found the
//!   peer up: after its Peer Up, and also for a peer seen only mid-session (the stream did not
//!   start with an Initiation, so the peer was up before it). A Peer Down before any Peer Up in
//!   a session seen from its Initiation is not a flap (FRR sends one for every configured peer
//!   when its BMP session starts). Flaps are per peer: every RIB row of a peer shows
//!   the same number.
//! * A peer seen without a Peer Up (the stream started mid-session) is `unknown`
//!   (`state_detail` `no_peer_up`) until a Peer Up or Peer Down says otherwise.
//! * **A new BMP session of a known router** (a reconnect: same address, or after the
//!   Initiation the same sysName) re-sends the router's tables: every route table of the
//!   router's peers is cleared, End-of-RIB lists too, and every peer of the router becomes
//!   `unknown` (`new_session`) until its new Peer Up. Counters (announced, withdrawn, flaps,
//!   decode labels) go on accumulating.
//! * **Session end**: a Termination message, a TCP close, a TCP reset or a superseded
//!   connection make the peers of that router that are not down `unknown` with
//!   `state_detail` `session_ended:<how>` (`termination`, `tcp_close`, `tcp_reset`,
//!   `superseded`): nothing is known about them once the monitoring session is gone. Their
//!   routes are kept (the last known table). The mere end of the input (end of a file or of a
//!   capture) keeps the last state. The end of a stream that a newer stream of the same router
//!   already replaced changes nothing.
//! * Route Mirroring carries no RIB content and is not counted.
//!
//! # JSON (`bmpctl peers --json`)
//!
//! `{"peers": [row, ...]}`, rows sorted by router, peer address, RIB view (then peer type and
//! distinguisher). Each row:
//!
//! * `router`: sysName, else the router address, else the stream name (`router_address`:
//!   the address when known, else null).
//! * `address`: peer address (`0.0.0.0` for a Loc-RIB peer).
//! * `asn`: peer AS; `bgp_id`: peer BGP ID (latest per-peer header).
//! * `peer_type`: `global`, `rd_instance`, `local_instance`, `loc_rib`, ...;
//!   `peer_type_code`: its number.
//! * `distinguisher`: the peer distinguisher (RD text for RD-instance and Loc-RIB peers, else
//!   the number).
//! * `table_name`: the VRF/table name of the last Peer Up (information TLV 3), else null.
//! * `rib`: `adj_rib_in_pre`, `adj_rib_in_post`, `adj_rib_out_pre`, `adj_rib_out_post`,
//!   `loc_rib`.
//! * `state`: `up`, `down` or `unknown`; `state_detail`: null, or why the state is unknown
//!   (`no_peer_up`, `new_session`, `session_ended:<how>`); `last_state`: the state before
//!   the session ended or was replaced (`up`, `down`), else null.
//! * `since`: RFC 3339 time of the last state change (Peer Up, Peer Down, session start or
//!   end), null when unknown. Times are the capture time when the source has one, else the
//!   router's per-peer timestamp.
//! * `flaps`: Peer Downs of the peer that found it not already down (see above).
//! * `routes`: routes held now (all families, after the announcements and withdrawals seen;
//!   Add-Path paths count one each).
//! * `routes_by_family`: `{family: {"routes": n, "with_path_id": m}}`, families with at least
//!   one route (`ipv4_unicast`, `ipv6_vpn`, ...); `with_path_id` counts the Add-Path paths
//!   among them.
//! * `announced`, `withdrawn`: routes announced and withdrawn in the Route Monitoring seen
//!   (withdrawals of unknown routes included), cumulative over sessions.
//! * `last_down_reason`: null, or `{"code", "name", "text", "time"}` with `notification`
//!   (`{"code", "subcode", "name", "subcode_name", "shutdown_communication"?}`) for reasons 1 and
//!   3, `fsm_event` (`{"code", "name"}`) for reason 2, `information` (`[{"type", "name",
//!   "value"}]`) for reason 6. `text` says it in words.
//! * `capabilities`: null before a Peer Up, else what matters for decoding, from the two OPENs
//!   of the last Peer Up: `four_octet_as` (both OPENs), `extended_message` (both OPENs),
//!   `add_path`: `[{"family", "sent", "received", "adj_rib_in", "adj_rib_out"}]`, the modes each
//!   OPEN advertised (`receive`, `send`, `send_receive`, or null) and whether path IDs are
//!   expected towards the router (Adj-RIB-In) and from it (Adj-RIB-Out), per RFC 7911 §4.
//! * `decoded`: `{label: routes}`: how the routes of this row were actually decoded
//!   (`negotiated`, `assumed` (no Peer Up), `stateless` (BMPv4 TLV), `fallback:add_path`,
//!   `fallback:no_add_path`); an announced route whose AS_PATH needed the other AS width is
//!   counted once more under `fallback:2_octet_as` or `fallback:4_octet_as`.
//! * `end_of_rib`: families whose End-of-RIB was received since the last table clear.
//! * `last_update`: time of the last Route Monitoring of this row, or null.
//! * `stats`: the latest value of every statistic the router reported for this row's per-peer
//!   header (merged over reports): `[{"type", "name", "value", "change", "afi"?, "safi"?,
//!   "family"?, "tracked"?, "raw"?}]` sorted by type and family. `value` is null (and `raw` the
//!   hex) for an encoding bmpctl does not know; `change` is the difference from the previous
//!   report's value of the same statistic, null in the first; `tracked` is, for a route gauge,
//!   the tracked route count of the RIB view it describes at the time of the report.
//! * `stats_time`: time of the latest Statistics Report, or null.
//! * `gauge_mismatch`: null, or the first route gauge of the router that disagrees with the
//!   tracked count: `{"type", "name", "afi"?, "safi"?, "family"?, "gauge", "tracked",
//!   "more"?}` (`more`: the further disagreeing gauges). Gauges compared: types 7 and 9
//!   (Adj-RIB-In: the pre-policy view, compared only when pre-policy Route Monitoring was seen:
//!   a router that keeps no Adj-RIB-In reports 0 and sends post-policy routes only),
//!   18/19 (pre-policy Adj-RIB-In), 20/21 (post-policy Adj-RIB-In), 14/16 (pre-policy
//!   Adj-RIB-Out), 15/17 (post-policy Adj-RIB-Out), and 8/10 for a Loc-RIB peer only (for other
//!   peers they count the router's whole Loc-RIB). A gauge is compared with the tracked count of
//!   that view at the time of the report, only when that view's row exists; not at all with
//!   `--since` (routes before it were not seen); whole-table gauges not with `--afi`. Add-Path
//!   paths count as routes.
//!
//! # Text
//!
//! Per router a heading line (`router NAME (ADDRESS): N peers, M RIB view rows`) and a table
//! fitted to the width: peer (with its distinguisher when not 0 and its VRF/table name), AS,
//! RIB view, state (green up, red down, yellow unknown; `(ended)` or `(new)` under it), since,
//! flaps, routes (`!` marks a gauge mismatch, `(n ID)` the routes with path IDs), routes
//! announced and withdrawn (`+a -w`), last down reason (who closed and why, with the
//! NOTIFICATION code/subcode or the FSM event). Below each table, lines starting with `!` for
//! gauge mismatches and fallback decodes only.
//!
//! # Memory
//!
//! Per route one word in the row's [`RouteSet`] (a sorted array, merged in batches); every
//! other count is per row.
//!
//! # Lanes
//!
//! A file run splits its peers over threads ([`crate::lanes`]): each lane's view holds the
//! rows of its own peers and sees only the per-peer header of the others' messages
//! ([`Analysis::foreign`]), which keeps every lane's routers alike; [`Peers::absorb`] merges
//! the lanes' views.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::{IpAddr, Ipv4Addr};

use comfy_table::{ColumnConstraint, ContentArrangement, Table, Width};
use serde_json::{Map, Value, json};

use super::route_set::RouteSet;
use super::routes::{FastBuild, RouteId, for_each_route_id};
use super::{Analysis, View};
use crate::decode::bgp::open::Open;
use crate::decode::bgp::update::How;
use crate::decode::bgp::{self, BgpMessage};
use crate::decode::bmp::Body;
use crate::decode::bmp::header::{PeerHeader, RibView};
use crate::decode::bmp::peer_down::Reason;
use crate::decode::bmp::stats::StatValue;
use crate::decode::codes;
use crate::decode::hex;
use crate::event::{EndReason, Event, Lifecycle, StreamCtx, event_time, header_time};
use crate::filter::Filter;
use crate::render::json::time_or_null;
use crate::render::sanitize::for_terminal;
use crate::time::Timestamp;

type Time = Option<Timestamp>;

/// A monitored peer within a router.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct PeerId {
    address: IpAddr,
    peer_type: u8,
    distinguisher: [u8; 8],
}

impl PeerId {
    fn of(p: &PeerHeader) -> Self {
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
            ^ (d ^ u64::from(self.peer_type)).wrapping_mul(0xc2b2_ae3d_27d4_eb4f)
    }

    fn distinguisher_text(&self) -> String {
        if matches!(self.peer_type, 1 | 3) && self.distinguisher != [0; 8] {
            crate::decode::bgp::nlri::rd_text(&self.distinguisher)
        } else {
            u64::from_be_bytes(self.distinguisher).to_string()
        }
    }
}

impl std::hash::Hash for PeerId {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_u64(self.fold());
    }
}

/// A row: one peer of one router in one RIB view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct RowKey {
    router: usize,
    peer: PeerId,
    rib: RibView,
}

impl std::hash::Hash for RowKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_u64(self.peer.fold() ^ ((self.router as u64) << 8 | self.rib as u64));
    }
}

#[derive(Debug)]
struct Router {
    /// Address, else stream name: the key before the sysName is known.
    key: String,
    address: Option<IpAddr>,
    sys_name: Option<String>,
    /// The stream currently carrying the router's session.
    stream: String,
    /// Set when an Initiation showed this router to be an earlier one.
    merged_into: Option<usize>,
    /// The latest time seen from the router: the time of a session event without its own.
    last_time: Time,
    /// Its current session began with an Initiation: the stream was seen from its start, so
    /// a peer without a Peer Up in it was not up.
    initiated: bool,
    /// Every peer of the router is down or its session ended, and none changed since: a
    /// repeated session end has nothing to do (a stream may repeat Terminations).
    ended: bool,
}

impl Router {
    fn name(&self) -> String {
        match (&self.sys_name, self.address) {
            (Some(n), _) => n.clone(),
            (None, Some(a)) => a.to_string(),
            (None, None) => self.key.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Up,
    Down,
    Unknown,
}

impl State {
    fn name(self) -> &'static str {
        match self {
            State::Up => "up",
            State::Down => "down",
            State::Unknown => "unknown",
        }
    }
}

/// Decoding-relevant capabilities of the last Peer Up.
#[derive(Debug, Clone)]
struct Caps {
    four_octet_as: bool,
    extended_message: bool,
    /// (AFI, SAFI, mode in the sent OPEN, mode in the received OPEN).
    add_path: Vec<(u16, u8, u8, u8)>,
}

impl Caps {
    fn of(sent: &Open<'_>, received: &Open<'_>) -> Self {
        // The first entry of a family counts, as `Open::add_path_mode` reads it; maps, not
        // scans: an OPEN may list thousands of families.
        let mut modes: BTreeMap<(u16, u8), (u8, u8)> = BTreeMap::new();
        for (afi, safi, mode) in sent.add_path_families() {
            modes.entry((afi, safi)).or_insert((mode, 0));
        }
        let mut received_seen = BTreeSet::new();
        for (afi, safi, mode) in received.add_path_families() {
            if received_seen.insert((afi, safi)) {
                modes.entry((afi, safi)).or_insert((0, 0)).1 = mode;
            }
        }
        let add_path = modes
            .into_iter()
            .map(|((afi, safi), (s, r))| (afi, safi, s, r))
            .collect();
        Caps {
            four_octet_as: sent.four_octet_as().is_some() && received.four_octet_as().is_some(),
            extended_message: sent.extended_message() && received.extended_message(),
            add_path,
        }
    }

    fn json(&self) -> Value {
        let mode = |m: u8| {
            if m == 0 {
                Value::Null
            } else {
                codes::add_path_mode_name(m).into()
            }
        };
        let add_path: Vec<Value> = self
            .add_path
            .iter()
            .map(|&(afi, safi, s, r)| {
                json!({
                    "family": codes::family_name(afi, safi),
                    "sent": mode(s),
                    "received": mode(r),
                    "adj_rib_in": r & 2 != 0 && s & 1 != 0,
                    "adj_rib_out": s & 2 != 0 && r & 1 != 0,
                })
            })
            .collect();
        json!({
            "four_octet_as": self.four_octet_as,
            "extended_message": self.extended_message,
            "add_path": add_path,
        })
    }
}

/// The last Peer Down reason of a peer.
#[derive(Debug, Clone)]
struct LastDown {
    code: u8,
    /// (code, subcode, shutdown communication)
    notification: Option<(u8, u8, Option<String>)>,
    fsm_event: Option<u16>,
    information: Vec<(u16, String)>,
    time: Time,
}

impl LastDown {
    fn of(r: &Reason<'_>, time: Time) -> Self {
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
                    d.notification = Some((n.code, n.subcode, n.shutdown_communication()));
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

    /// The reason in words (router-supplied text not yet sanitised).
    fn text(&self) -> String {
        let mut s = codes::peer_down_reason_name(self.code).to_string();
        if let Some((c, sc, comm)) = &self.notification {
            s.push_str(&format!(
                ": {} / {} ({c}/{sc})",
                codes::notification_code_name(*c),
                codes::notification_subcode_name(*c, *sc)
            ));
            if let Some(t) = comm {
                s.push_str(&format!(" \"{t}\""));
            }
        }
        if let Some(e) = self.fsm_event {
            s.push_str(&format!(": FSM event {e} ({})", codes::fsm_event_name(e)));
        }
        for (t, v) in &self.information {
            s.push_str(&format!(": {} \"{v}\"", codes::peer_up_tlv_name(*t)));
        }
        s
    }

    /// Short form for the table: who closed, and why.
    fn short(&self) -> String {
        let who = match self.code {
            1 | 2 | 6 => "local: ",
            3 | 4 => "remote: ",
            _ => "",
        };
        if let Some((c, sc, _)) = &self.notification {
            let what = match codes::notification_subcode_name(*c, *sc) {
                "unknown" | "unspecific" => codes::notification_code_name(*c),
                name => name,
            };
            format!("{who}{what} ({c}/{sc})")
        } else if let Some(e) = self.fsm_event {
            format!("{who}FSM {} ({e})", codes::fsm_event_name(e))
        } else {
            match self.code {
                4 => "remote: closed, no data".to_string(),
                5 => "peer de-configured".to_string(),
                6 => match self.information.first() {
                    Some((_, v)) => format!("local: \"{}\"", for_terminal(v)),
                    None => "local: TLV".to_string(),
                },
                c => format!("{} ({c})", codes::peer_down_reason_name(c)),
            }
        }
    }

    fn json(&self) -> Value {
        let mut v = json!({
            "code": self.code,
            "name": codes::peer_down_reason_name(self.code),
            "text": self.text(),
            "time": time_or_null(self.time),
        });
        if let Some((c, sc, comm)) = &self.notification {
            v["notification"] = crate::render::json::notification_json(*c, *sc, comm.as_deref());
        }
        if let Some(e) = self.fsm_event {
            v["fsm_event"] = json!({"code": e, "name": codes::fsm_event_name(e)});
        }
        if !self.information.is_empty() {
            v["information"] = self
                .information
                .iter()
                .map(|(t, s)| json!({"type": t, "name": codes::peer_up_tlv_name(*t), "value": s}))
                .collect::<Vec<_>>()
                .into();
        }
        v
    }
}

#[derive(Debug)]
struct PeerState {
    state: State,
    detail: Option<String>,
    /// The state before a session ended or was replaced, when it was known.
    last_state: Option<State>,
    since: Time,
    flaps: u64,
    last_down: Option<LastDown>,
    caps: Option<Caps>,
    table_name: Option<String>,
    asn: u32,
    bgp_id: Ipv4Addr,
}

impl PeerState {
    fn new(p: &PeerHeader) -> Self {
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

/// A statistic's value.
#[derive(Debug, Clone, PartialEq, Eq)]
enum StatVal {
    Num(u64),
    Raw(Box<[u8]>),
}

#[derive(Debug, Clone)]
struct StatSlot {
    value: StatVal,
    change: Option<i128>,
    /// For a route gauge: the RIB view it describes and that view's tracked count then.
    tracked: Option<(RibView, u64)>,
}

/// (type, per-AFI/SAFI family)
type StatKey = (u16, Option<(u16, u8)>);

#[derive(Debug, Default)]
struct Row {
    table: RouteSet,
    announced: u64,
    withdrawn: u64,
    /// Routes per decode label, indexed by `How::index`.
    decoded: [u64; How::ALL.len()],
    /// In family order (a set: a stream may name any number of families).
    end_of_rib: BTreeSet<(u16, u8)>,
    last_update: Time,
    /// Route Monitoring was seen for this view.
    monitored: bool,
    stats: BTreeMap<StatKey, StatSlot>,
    stats_time: Time,
}

impl Row {
    /// The decode labels with routes, and their counts, sorted by label.
    fn decoded_labels(&self) -> impl Iterator<Item = (&'static str, u64)> + '_ {
        let mut v: Vec<(&'static str, u64)> = How::ALL
            .iter()
            .map(|h| (h.label(), self.decoded[h.index()]))
            .filter(|(_, n)| *n > 0)
            .collect();
        v.sort_unstable();
        v.into_iter()
    }

    fn clear_table(&mut self) {
        self.table.clear();
        self.end_of_rib.clear();
    }

    fn tracked(&self, family: Option<(u16, u8)>) -> u64 {
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

/// Which view a route gauge describes.
#[derive(Debug, Clone, Copy)]
enum GaugeView {
    /// Adj-RIB-In without saying pre or post policy (types 7, 9).
    AdjRibIn,
    View(RibView),
}

fn gauge_view(stat_type: u16, peer_is_loc_rib: bool) -> Option<GaugeView> {
    Some(match stat_type {
        7 | 9 => GaugeView::AdjRibIn,
        18 | 19 => GaugeView::View(RibView::AdjRibInPre),
        20 | 21 => GaugeView::View(RibView::AdjRibInPost),
        14 | 16 => GaugeView::View(RibView::AdjRibOutPre),
        15 | 17 => GaugeView::View(RibView::AdjRibOutPost),
        8 | 10 if peer_is_loc_rib => GaugeView::View(RibView::LocRib),
        _ => return None,
    })
}

/// One gauge that disagrees with the tracked count.
#[derive(Debug)]
struct Mismatch {
    stat_type: u16,
    family: Option<(u16, u8)>,
    gauge: u64,
    tracked: u64,
}

impl Mismatch {
    fn json(&self) -> Value {
        let mut v = json!({
            "type": self.stat_type,
            "name": codes::stat_name(self.stat_type),
            "gauge": self.gauge,
            "tracked": self.tracked,
        });
        if let Some((afi, safi)) = self.family {
            v["afi"] = afi.into();
            v["safi"] = safi.into();
            v["family"] = codes::family_name(afi, safi).into();
        }
        v
    }
}

/// Every RIB view a row can have: a peer's rows are found by key, not by a scan of every row.
const RIB_VIEWS: [RibView; 6] = [
    RibView::AdjRibInPre,
    RibView::AdjRibInPost,
    RibView::AdjRibOutPre,
    RibView::AdjRibOutPost,
    RibView::LocRib,
    RibView::Unknown,
];

/// The view.
#[derive(Debug)]
pub struct Peers {
    filter: Filter,
    routers: Vec<Router>,
    /// Stream name -> router index.
    streams: HashMap<String, usize, FastBuild>,
    /// The latest lookup in `streams`: messages come in runs of one stream.
    last_stream: Option<(String, usize)>,
    peers: HashMap<(usize, PeerId), PeerState, FastBuild>,
    rows: HashMap<RowKey, Row, FastBuild>,
}

impl Peers {
    /// A new view.
    pub fn new(filter: Filter) -> Self {
        Peers {
            filter,
            routers: Vec::new(),
            streams: HashMap::default(),
            last_stream: None,
            peers: HashMap::default(),
            rows: HashMap::default(),
        }
    }

    /// Folds in the view of another lane of the same run (see [`crate::lanes`]): it saw the
    /// same routers and streams, and other peers.
    pub fn absorb(&mut self, other: Peers) {
        self.peers.extend(other.peers);
        self.rows.extend(other.rows);
    }

    fn resolve(&self, mut i: usize) -> usize {
        while let Some(j) = self.routers[i].merged_into {
            i = j;
        }
        i
    }

    /// A stream starts: a new router, or a new session of a known one.
    fn stream_start(&mut self, stream: &str, address: Option<IpAddr>, time: Time) -> usize {
        let known = address.and_then(|a| {
            self.routers
                .iter()
                .position(|r| r.merged_into.is_none() && r.address == Some(a))
        });
        let i = match known {
            Some(i) => {
                self.new_session(i, time);
                self.routers[i].stream = stream.to_string();
                i
            }
            None => {
                self.routers.push(Router {
                    key: address.map_or_else(|| stream.to_string(), |a| a.to_string()),
                    address,
                    sys_name: None,
                    stream: stream.to_string(),
                    merged_into: None,
                    last_time: time,
                    initiated: false,
                    ended: false,
                });
                self.routers.len() - 1
            }
        };
        self.streams.insert(stream.to_string(), i);
        self.last_stream = None;
        i
    }

    fn router_of(&mut self, ctx: &StreamCtx<'_>) -> usize {
        if let Some((name, i)) = &self.last_stream {
            if name == ctx.name {
                return self.resolve(*i);
            }
        }
        match self.streams.get(ctx.name) {
            Some(&i) => {
                self.last_stream = Some((ctx.name.to_string(), i));
                self.resolve(i)
            }
            None => self.stream_start(ctx.name, ctx.router.address, None),
        }
    }

    /// The router starts a new BMP session: it re-sends its tables.
    fn new_session(&mut self, router: usize, time: Time) {
        self.routers[router].initiated = false;
        self.routers[router].ended = false;
        for (k, row) in self.rows.iter_mut() {
            if k.router == router {
                row.clear_table();
            }
        }
        for ((r, _), p) in self.peers.iter_mut() {
            if *r == router {
                if p.state != State::Unknown {
                    p.last_state = Some(p.state);
                }
                p.state = State::Unknown;
                p.detail = Some("new_session".into());
                p.since = time;
            }
        }
    }

    /// The router's session ended: its peers that are not down become unknown.
    fn session_ended(&mut self, router: usize, how: &str, time: Time) {
        if std::mem::replace(&mut self.routers[router].ended, true) {
            return;
        }
        for ((r, _), p) in self.peers.iter_mut() {
            // The first end wins: a Termination, then the TCP close that follows it, is
            // an end by Termination.
            let already_ended = p
                .detail
                .as_deref()
                .is_some_and(|d| d.starts_with("session_ended:"));
            if *r == router && p.state != State::Down && !already_ended {
                if p.state == State::Up {
                    p.last_state = Some(State::Up);
                }
                p.state = State::Unknown;
                p.detail = Some(format!("session_ended:{how}"));
                p.since = time;
            }
        }
    }

    /// An Initiation: learn the sysName; a stream of a router seen before (same sysName) is
    /// a new session of it.
    fn initiation(&mut self, i: usize, ctx: &StreamCtx<'_>, time: Time) {
        let Some(name) = ctx.router.sys_name.clone() else {
            return;
        };
        if self.routers[i].sys_name.is_none() {
            let addr = self.routers[i].address;
            let earlier = self.routers.iter().position(|r| {
                r.merged_into.is_none()
                    && r.sys_name.as_deref() == Some(name.as_str())
                    && (r.address.is_none() || addr.is_none() || r.address == addr)
            });
            if let Some(o) = earlier.filter(|&o| o != i) {
                self.merge(i, o, ctx.name, time);
                self.routers[o].initiated = true;
                return;
            }
        }
        self.routers[i].sys_name = Some(name);
        self.routers[i].initiated = true;
    }

    /// Router `from` turned out to be router `into`, in a new session on `stream`.
    fn merge(&mut self, from: usize, into: usize, stream: &str, time: Time) {
        self.new_session(into, time);
        self.routers[from].merged_into = Some(into);
        if self.routers[into].address.is_none() {
            self.routers[into].address = self.routers[from].address;
        }
        self.routers[into].stream = stream.to_string();
        self.streams.insert(stream.to_string(), into);
        self.last_stream = None;
        let moved: Vec<RowKey> = self
            .rows
            .keys()
            .filter(|k| k.router == from)
            .copied()
            .collect();
        for k in moved {
            if let Some(row) = self.rows.remove(&k) {
                self.rows.insert(RowKey { router: into, ..k }, row);
            }
        }
        let moved: Vec<(usize, PeerId)> =
            self.peers.keys().filter(|k| k.0 == from).copied().collect();
        for k in moved {
            if let Some(p) = self.peers.remove(&k) {
                self.peers.insert((into, k.1), p);
            }
        }
    }

    /// The peer's state, created unknown; its AS and BGP ID updated.
    fn peer(&mut self, router: usize, p: &PeerHeader) -> &mut PeerState {
        let Peers { peers, routers, .. } = self;
        let st = peers.entry((router, PeerId::of(p))).or_insert_with(|| {
            routers[router].ended = false;
            PeerState::new(p)
        });
        st.asn = p.asn;
        st.bgp_id = p.bgp_id;
        st
    }

    fn row(&mut self, router: usize, p: &PeerHeader) -> &mut Row {
        self.rows
            .entry(RowKey {
                router,
                peer: PeerId::of(p),
                rib: p.rib(),
            })
            .or_default()
    }

    /// Clears the tables of every view of a peer.
    fn clear_peer_tables(&mut self, router: usize, peer: PeerId) {
        for rib in RIB_VIEWS {
            if let Some(row) = self.rows.get_mut(&RowKey { router, peer, rib }) {
                row.clear_table();
            }
        }
    }

    fn route_monitoring(
        &mut self,
        router: usize,
        p: &PeerHeader,
        update: Option<&(bgp::update::Update<'_>, bgp::update::Plan<'_>)>,
        route_ids: Option<&[RouteId]>,
        time: Time,
    ) {
        self.peer(router, p);
        let filter_families = !self.filter.families.is_empty();
        let Peers { rows, filter, .. } = self;
        let row = rows
            .entry(RowKey {
                router,
                peer: PeerId::of(p),
                rib: p.rib(),
            })
            .or_default();
        row.monitored = true;
        row.last_update = time.or(row.last_update);
        let Some((u, plan)) = update else {
            return;
        };
        if let Some((afi, safi)) = u.end_of_rib() {
            if filter.family(afi, safi) {
                row.end_of_rib.insert((afi, safi));
            }
        }
        // The set only counts routes: no attribute sets, and nothing is asked back per route,
        // so the routes are merged in sorted batches.
        let as_fallback = plan.as_how.is_fallback().then(|| plan.as_how.index());
        let count = |r: RouteId| {
            if filter_families && !filter.family(r.afi, r.safi) {
                return;
            }
            if r.withdrawn {
                row.withdrawn += 1;
            } else {
                row.announced += 1;
                if let Some(i) = as_fallback {
                    row.decoded[i] += 1;
                }
            }
            row.decoded[r.how.index()] += 1;
            row.table.apply(&r);
        };
        match route_ids {
            Some(ids) => ids.iter().copied().for_each(count),
            None => for_each_route_id(u, plan, count),
        }
    }

    fn statistics(
        &mut self,
        router: usize,
        p: &PeerHeader,
        report: &crate::decode::bmp::stats::StatsReport<'_>,
        time: Time,
    ) {
        self.peer(router, p);
        let peer = PeerId::of(p);
        // Tracked counts of the views the gauges describe, before borrowing the stats row.
        fn view_row(
            rows: &HashMap<RowKey, Row, FastBuild>,
            key: RowKey,
            rib: RibView,
        ) -> Option<&Row> {
            rows.get(&RowKey { rib, ..key })
        }
        let key = RowKey {
            router,
            peer,
            rib: RibView::Unknown,
        };
        let mut tracked = Vec::with_capacity(report.stats.len());
        for s in &report.stats {
            let family = match s.value {
                StatValue::AfiSafiGauge { afi, safi, .. } => Some((afi, safi)),
                _ => None,
            };
            let t = gauge_view(s.stat_type, p.is_loc_rib()).and_then(|g| {
                let rib = match g {
                    GaugeView::View(v) => Some(v),
                    // Types 7 and 9 count the Adj-RIB-In as the router keeps it: pre-policy.
                    // A router that keeps none (FRR without soft-reconfiguration inbound)
                    // reports 0 and sends only post-policy routes, so without pre-policy
                    // Route Monitoring there is nothing to compare with.
                    GaugeView::AdjRibIn => view_row(&self.rows, key, RibView::AdjRibInPre)
                        .filter(|r| r.monitored)
                        .map(|_| RibView::AdjRibInPre),
                }?;
                view_row(&self.rows, key, rib).map(|r| (rib, r.tracked(family)))
            });
            tracked.push(t);
        }
        let row = self.row(router, p);
        row.stats_time = time.or(row.stats_time);
        for (s, tracked) in report.stats.iter().zip(tracked) {
            let (family, value) = match s.value {
                StatValue::Counter(v) => (None, StatVal::Num(v.into())),
                StatValue::Gauge(v) => (None, StatVal::Num(v)),
                StatValue::AfiSafiGauge { afi, safi, value } => {
                    (Some((afi, safi)), StatVal::Num(value))
                }
                StatValue::Raw(b) => (None, StatVal::Raw(b.into())),
            };
            let key = (s.stat_type, family);
            let change = match (row.stats.get(&key).map(|o| &o.value), &value) {
                (Some(StatVal::Num(a)), StatVal::Num(b)) => Some(*b as i128 - *a as i128),
                _ => None,
            };
            row.stats.insert(
                key,
                StatSlot {
                    value,
                    change,
                    tracked,
                },
            );
        }
    }

    fn peer_up(&mut self, router: usize, p: &PeerHeader, d: &crate::event::Decoded<'_>, t: Time) {
        self.routers[router].ended = false;
        let table_name = match &d.msg.body {
            Body::PeerUp(_, up) => up
                .information
                .iter()
                .find(|i| i.tlv_type == 3)
                .map(|i| i.text()),
            _ => None,
        };
        let caps = d.opens.as_deref().map(|(s, r)| Caps::of(s, r));
        let st = self.peer(router, p);
        if st.state != State::Up {
            st.state = State::Up;
            st.detail = None;
            st.last_state = None;
            st.since = t;
        }
        if caps.is_some() {
            st.caps = caps;
        }
        if table_name.is_some() {
            st.table_name = table_name;
        }
        self.row(router, p);
    }

    fn peer_down(&mut self, router: usize, p: &PeerHeader, reason: &Reason<'_>, t: Time) {
        let session_seen_from_start = self.routers[router].initiated;
        let st = self.peer(router, p);
        // A flap is a Peer Down that found the peer up: after its Peer Up, or, in a stream
        // seen only from mid-session, when nothing said it was down. A Peer Down before any
        // Peer Up of a session seen from its Initiation (FRR sends one) is not a flap.
        if st.state == State::Up || (st.state == State::Unknown && !session_seen_from_start) {
            st.flaps += 1;
        }
        st.state = State::Down;
        st.detail = None;
        st.last_state = None;
        st.since = t;
        st.last_down = Some(LastDown::of(reason, t));
        self.row(router, p);
        self.clear_peer_tables(router, PeerId::of(p));
    }

    fn mismatches(&self, key: &RowKey) -> Vec<Mismatch> {
        let mut out = Vec::new();
        if self.filter.since.is_some() {
            return out;
        }
        // The peer's rows of every view: a gauge of one view may be kept on another's row.
        let rows = RIB_VIEWS
            .iter()
            .filter_map(|&rib| self.rows.get(&RowKey { rib, ..*key }));
        for row in rows {
            for (&(stat_type, family), slot) in &row.stats {
                let (Some((rib, tracked)), StatVal::Num(gauge)) = (slot.tracked, &slot.value)
                else {
                    continue;
                };
                if rib != key.rib || *gauge == tracked {
                    continue;
                }
                let counted = match family {
                    None => self.filter.families.is_empty(),
                    Some((afi, safi)) => self.filter.family(afi, safi),
                };
                if counted {
                    out.push(Mismatch {
                        stat_type,
                        family,
                        gauge: *gauge,
                        tracked,
                    });
                }
            }
        }
        out.sort_by_key(|m| (m.stat_type, m.family));
        out
    }

    /// Rows in report order: router name, peer address, RIB view, peer type, distinguisher.
    fn sorted(&self) -> Vec<(String, &RowKey, &Row)> {
        let mut v: Vec<(String, &RowKey, &Row)> = self
            .rows
            .iter()
            .map(|(k, r)| (self.routers[k.router].name(), k, r))
            .collect();
        v.sort_by(|a, b| {
            (
                &a.0,
                // Routers of one name (a sysName used twice) apart, in the order they
                // appeared: the text report groups consecutive rows by router.
                a.1.router,
                a.1.peer.address,
                a.1.rib,
                a.1.peer.peer_type,
                a.1.peer.distinguisher,
            )
                .cmp(&(
                    &b.0,
                    b.1.router,
                    b.1.peer.address,
                    b.1.rib,
                    b.1.peer.peer_type,
                    b.1.peer.distinguisher,
                ))
        });
        v
    }

    fn row_json(&self, name: &str, k: &RowKey, row: &Row) -> Value {
        let peer = self.peers.get(&(k.router, k.peer));
        let mut by_family = Map::new();
        for ((afi, safi), (n, with_id)) in row.table.per_family() {
            by_family.insert(
                codes::family_name(afi, safi),
                json!({"routes": n, "with_path_id": with_id}),
            );
        }
        let stats: Vec<Value> = row
            .stats
            .iter()
            .map(|(&(t, family), slot)| {
                let mut v = json!({
                    "type": t,
                    "name": codes::stat_name(t),
                    "value": match &slot.value { StatVal::Num(n) => Value::from(*n), StatVal::Raw(_) => Value::Null },
                    "change": slot.change.and_then(|c| i64::try_from(c).ok()).map_or(Value::Null, Value::from),
                });
                if let StatVal::Raw(b) = &slot.value {
                    v["raw"] = hex(b).into();
                }
                if let Some((afi, safi)) = family {
                    v["afi"] = afi.into();
                    v["safi"] = safi.into();
                    v["family"] = codes::family_name(afi, safi).into();
                }
                if let Some((_, n)) = slot.tracked {
                    v["tracked"] = n.into();
                }
                v
            })
            .collect();
        let mismatches = self.mismatches(k);
        let gauge_mismatch = match mismatches.split_first() {
            None => Value::Null,
            Some((first, rest)) => {
                let mut v = first.json();
                if !rest.is_empty() {
                    v["more"] = rest.iter().map(Mismatch::json).collect::<Vec<_>>().into();
                }
                v
            }
        };
        let router = &self.routers[k.router];
        json!({
            "router": name,
            "router_address": router.address.map_or(Value::Null, |a| a.to_string().into()),
            "address": k.peer.address.to_string(),
            "asn": peer.map_or(0, |p| p.asn),
            "bgp_id": peer.map_or(Ipv4Addr::UNSPECIFIED, |p| p.bgp_id).to_string(),
            "peer_type": codes::peer_type_name(k.peer.peer_type),
            "peer_type_code": k.peer.peer_type,
            "distinguisher": k.peer.distinguisher_text(),
            "table_name": peer.and_then(|p| p.table_name.clone()),
            "rib": k.rib.name(),
            "state": peer.map_or("unknown", |p| p.state.name()),
            "state_detail": peer.and_then(|p| p.detail.clone()),
            "last_state": peer.and_then(|p| p.last_state).map(State::name),
            "since": time_or_null(peer.and_then(|p| p.since)),
            "flaps": peer.map_or(0, |p| p.flaps),
            "routes": row.table.len(),
            "routes_by_family": by_family,
            "announced": row.announced,
            "withdrawn": row.withdrawn,
            "last_down_reason": peer.and_then(|p| p.last_down.as_ref()).map_or(Value::Null, LastDown::json),
            "capabilities": peer.and_then(|p| p.caps.as_ref()).map_or(Value::Null, Caps::json),
            "decoded": row.decoded_labels().map(|(l, n)| (l.to_string(), Value::from(n))).collect::<Map<_, _>>(),
            "end_of_rib": row.end_of_rib.iter().map(|&(a, s)| codes::family_name(a, s)).collect::<Vec<_>>(),
            "last_update": time_or_null(row.last_update),
            "stats": stats,
            "stats_time": time_or_null(row.stats_time),
            "gauge_mismatch": gauge_mismatch,
        })
    }
}

/// `YYYY-MM-DD` and `HH:MM:SS` (UTC) on two lines, for the table.
fn time_text(t: Time) -> String {
    match t {
        Some(t) => {
            let (date, time) = t.date_and_time();
            format!("{date}\n{time}")
        }
        None => "-".to_string(),
    }
}

impl Analysis for Peers {
    fn event(&mut self, ctx: &StreamCtx<'_>, ev: &Event<'_>) {
        let d = match ev {
            Event::Message(d) => d,
            // A per-peer message that does not decode still says when the router sent it,
            // as another lane's message does (`foreign`).
            Event::Finding(f) => {
                if let Some(p) = &f.peer {
                    self.foreign(ctx, p);
                }
                return;
            }
        };
        let router = self.router_of(ctx);
        let t = event_time(ctx, ev).or(self.routers[router].last_time);
        self.routers[router].last_time = t;
        match &d.msg.body {
            Body::Initiation(_) => self.initiation(router, ctx, t),
            Body::Termination(_) => self.session_ended(router, "termination", t),
            Body::PeerUp(p, _) => self.peer_up(router, p, d, t),
            Body::PeerDown(p, down) => self.peer_down(router, p, &down.reason, t),
            Body::RouteMonitoring(p, _) => {
                self.route_monitoring(router, p, d.update.as_ref(), d.route_ids, t)
            }
            Body::StatisticsReport(p, report) => self.statistics(router, p, report, t),
            Body::RouteMirroring(..) | Body::Unknown(_) => {}
        }
    }

    fn foreign(&mut self, ctx: &StreamCtx<'_>, peer: &PeerHeader) {
        // As `event` keeps the router's time: the rows are another lane's.
        let router = self.router_of(ctx);
        let t = header_time(ctx, peer).or(self.routers[router].last_time);
        self.routers[router].last_time = t;
    }

    fn lifecycle(&mut self, l: &Lifecycle<'_>) {
        match *l {
            Lifecycle::StreamStart {
                stream,
                address,
                time,
                ..
            } => {
                self.stream_start(stream, address, time);
            }
            Lifecycle::StreamEnd {
                stream, how, time, ..
            } => {
                let Some(&i) = self.streams.get(stream) else {
                    return;
                };
                let i = self.resolve(i);
                if self.routers[i].stream != stream {
                    return; // a newer session of the router already replaced this one
                }
                if matches!(
                    how,
                    EndReason::Fin | EndReason::Reset | EndReason::Superseded
                ) {
                    let time = time.or(self.routers[i].last_time);
                    self.session_ended(i, how.name(), time);
                }
            }
        }
    }
}

impl View for Peers {
    fn report(&self) -> super::Report<'_> {
        super::Report::Peers(Report { view: self })
    }

    fn threaded(&self) -> bool {
        true
    }

    fn finish(&mut self) {
        for row in self.rows.values_mut() {
            row.table.settle();
        }
    }

    fn uses_route_ids(&self) -> bool {
        true
    }
}

/// The report. Its JSON and text are still built by the view's own code (`report_json`,
/// `report_text`); they move to serde types and a renderer in [`crate::render`].
#[derive(Debug)]
pub struct Report<'a> {
    view: &'a Peers,
}

impl serde::Serialize for Report<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.view.report_json().serialize(s)
    }
}

impl Report<'_> {
    /// The text report, `width` columns wide.
    pub fn legacy_text(&self, width: u16) -> String {
        self.view.report_text(width)
    }
}

impl Peers {
    fn report_json(&self) -> Value {
        let rows: Vec<Value> = self
            .sorted()
            .into_iter()
            .map(|(name, k, row)| self.row_json(&name, k, row))
            .collect();
        json!({ "peers": rows })
    }
    fn report_text(&self, width: u16) -> String {
        let rows = self.sorted();
        if rows.is_empty() {
            return "no peers".to_string();
        }
        let mut out = String::new();
        let mut start = 0;
        while start < rows.len() {
            let router = rows[start].1.router;
            let end = rows[start..]
                .iter()
                .position(|r| r.1.router != router)
                .map_or(rows.len(), |n| start + n);
            if start > 0 {
                out.push_str("\n\n");
            }
            out.push_str(&self.router_text(&rows[start..end], width));
            start = end;
        }
        out
    }
}

impl Peers {
    /// One router: a heading line, its table, and notes.
    fn router_text(&self, rows: &[(String, &RowKey, &Row)], width: u16) -> String {
        let Some((name, first, _)) = rows.first() else {
            return String::new();
        };
        let r = &self.routers[first.router];
        let peers: std::collections::BTreeSet<PeerId> = rows.iter().map(|r| r.1.peer).collect();
        let mut out = format!("router {}", for_terminal(name));
        if let Some(a) = r.address.filter(|a| a.to_string() != *name) {
            out.push_str(&format!(" ({a})"));
        }
        out.push_str(&format!(
            ": {} peer{}, {} RIB view row{}\n",
            peers.len(),
            if peers.len() == 1 { "" } else { "s" },
            rows.len(),
            if rows.len() == 1 { "" } else { "s" }
        ));
        let mut table = Table::new();
        table
            .load_preset(TABLE_STYLE)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_width(width)
            .set_header(HEADER.to_vec());
        let mut notes = Vec::new();
        let mut cells: Vec<Vec<String>> = Vec::new();
        for (_, k, row) in rows {
            let peer = self.peers.get(&(k.router, k.peer));
            let mut peer_cell = k.peer.address.to_string();
            if k.peer.distinguisher != [0; 8] {
                peer_cell.push_str(&format!("\nRD {}", k.peer.distinguisher_text()));
            }
            if let Some(tn) = peer.and_then(|p| p.table_name.as_deref()) {
                peer_cell.push_str(&format!("\n[{}]", for_terminal(tn)));
            }
            let label = format!("{} {}", k.peer.address, k.rib.short());
            let mismatches = self.mismatches(k);
            let with_id: u64 = row.table.per_family().map(|(_, (_, w))| w).sum();
            let mut routes = row.table.len().to_string();
            if !mismatches.is_empty() {
                routes.push_str(" !");
            }
            if with_id > 0 {
                routes.push_str(&format!("\n({with_id} ID)"));
            }
            for m in &mismatches {
                let fam = m
                    .family
                    .map(|(a, s)| format!(" {}", codes::family_name(a, s)))
                    .unwrap_or_default();
                notes.push(format!(
                    "! {label}: router gauge {} ({}){fam} = {}, tracked {}",
                    m.stat_type,
                    codes::stat_name(m.stat_type),
                    m.gauge,
                    m.tracked
                ));
            }
            for (l, n) in row
                .decoded_labels()
                .filter(|(l, _)| l.starts_with("fallback"))
            {
                notes.push(format!("! {label}: {n} routes decoded by {l}"));
            }
            let state = peer.map_or(State::Unknown, |p| p.state);
            let mut state_cell = state.name().to_string();
            match peer.and_then(|p| p.detail.as_deref()) {
                Some(d) if d.starts_with("session_ended:") => state_cell.push_str("\n(ended)"),
                Some("new_session") => state_cell.push_str("\n(new)"),
                _ => {}
            }
            cells.push(vec![
                peer_cell,
                peer.map_or(0, |p| p.asn).to_string(),
                k.rib.short().to_string(),
                state_cell,
                time_text(peer.and_then(|p| p.since)),
                peer.map_or(0, |p| p.flaps).to_string(),
                routes,
                format!("+{} -{}", row.announced, row.withdrawn),
                peer.and_then(|p| p.last_down.as_ref())
                    .map_or_else(|| "-".to_string(), LastDown::short),
            ]);
        }
        // Each column gets at least the width of its longest line (up to a cap): comfy-table
        // alone would split every long column evenly. When that is too wide, the peer and the
        // down reason columns give way first (their text wraps).
        let longest: Vec<usize> = (0..HEADER.len())
            .map(|i| {
                cells
                    .iter()
                    .map(|r| r[i].as_str())
                    .chain(std::iter::once(HEADER[i]))
                    .flat_map(|c| c.lines().map(|l| l.chars().count()))
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let mut min: Vec<usize> = longest
            .iter()
            .zip(MIN_WIDTH_CAP)
            .map(|(l, cap)| (*l).min(cap))
            .collect();
        // Per column one padding space, between columns one separator space.
        let budget = usize::from(width).saturating_sub(2 * HEADER.len() - 1);
        while min.iter().sum::<usize>() > budget {
            let Some(i) = [0, HEADER.len() - 1]
                .into_iter()
                .filter(|&i| min[i] > 8)
                .max_by_key(|&i| min[i])
            else {
                break;
            };
            min[i] -= 1;
        }
        for (col, w) in table.column_iter_mut().zip(&min) {
            col.set_padding((0, 1));
            let w = u16::try_from(w + 1).unwrap_or(u16::MAX);
            col.set_constraint(ColumnConstraint::LowerBoundary(Width::Fixed(w)));
        }
        for r in cells {
            table.add_row(r);
        }
        let mut body: String = table
            .to_string()
            .lines()
            .map(str::trim_end)
            .collect::<Vec<_>>()
            .join("\n");
        if colored::control::SHOULD_COLORIZE.should_colorize() {
            body = colour_states(&body);
        }
        out.push_str(&body);
        for n in notes {
            out.push('\n');
            out.push_str(&n);
        }
        out
    }
}

/// No outer borders, no vertical lines: a rule under the header.
const TABLE_STYLE: &str = "     ──            ";

/// Caps of the guaranteed width of each column.
const MIN_WIDTH_CAP: [usize; 9] = [20, 10, 7, 7, 10, 5, 7, 9, 16];

const HEADER: [&str; 9] = [
    "Peer",
    "AS",
    "RIB",
    "State",
    "Since",
    "Flaps",
    "Routes",
    "Seen",
    "Last down",
];

/// Colours the state words in the State column of a rendered table (comfy-table would count
/// escape codes as width, so colour goes in after layout). Cells are left-aligned, so the
/// column's text starts where its header does.
fn colour_states(table: &str) -> String {
    use colored::Colorize;
    let mut lines = table.lines();
    let Some(header) = lines.next() else {
        return String::new();
    };
    let Some(col) = header.find("State").map(|b| header[..b].chars().count()) else {
        return table.to_string();
    };
    let mut out = header.to_string();
    for line in lines {
        out.push('\n');
        let rest: String = line.chars().skip(col).collect();
        let word = rest.split(' ').next().unwrap_or("");
        let coloured = match word {
            "up" => word.green().to_string(),
            "down" => word.red().to_string(),
            "unknown" => word.yellow().to_string(),
            _ => {
                out.push_str(line);
                continue;
            }
        };
        out.extend(line.chars().take(col));
        out.push_str(&coloured);
        out.push_str(&rest[word.len()..]);
    }
    out
}
