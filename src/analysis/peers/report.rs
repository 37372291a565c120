//! The `peers` report: one row per router, monitored peer and RIB view. Serialized, it is the
//! `bmpctl peers --json` document (docs/json.md); render/peers.rs draws it as tables.

use crate::analysis::notification::NotificationReport;
use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};

use serde::Serialize;

use super::Peers;
use super::state::{
    LastDown, PeerState, RIB_VIEWS, Router, Row as RowState, RowKey, StatVal, State,
};
use crate::decode::bmp::header::RibView;
use crate::decode::codes;
use crate::decode::hex;
use crate::session::add_path_directions;
use crate::time::Timestamp;

/// The report.
#[derive(Debug, Serialize)]
pub struct Report<'a> {
    /// The rows, sorted by router name (routers sharing a name in the order they appeared),
    /// peer address, RIB view, peer type and distinguisher.
    pub peers: Vec<Row<'a>>,
}

/// One peer of one router in one RIB view.
#[derive(Debug, Serialize)]
pub struct Row<'a> {
    /// sysName, else the router address, else the stream name.
    pub router: String,
    /// The router's address, when known.
    pub router_address: Option<IpAddr>,
    /// Peer address (`0.0.0.0` for a Loc-RIB peer).
    pub address: IpAddr,
    /// Peer AS (latest per-peer header).
    pub asn: u32,
    /// Peer BGP ID (latest per-peer header).
    pub bgp_id: Ipv4Addr,
    /// `global`, `rd_instance`, `local_instance`, `loc_rib`, ...
    pub peer_type: &'static str,
    /// The peer type's number.
    pub peer_type_code: u8,
    /// The peer distinguisher: an RD for RD-instance and Loc-RIB peers, else the number.
    pub distinguisher: String,
    /// VRF/table name of the last Peer Up.
    pub table_name: Option<&'a str>,
    /// The RIB view.
    pub rib: &'static str,
    /// `up`, `down` or `unknown`.
    pub state: State,
    /// Why the state is unknown: `no_peer_up`, `new_session`, `session_ended:<how>`.
    pub state_detail: Option<&'a str>,
    /// The state before the session ended or was replaced.
    pub last_state: Option<State>,
    /// Time of the last state change.
    pub since: Option<Timestamp>,
    /// Peer Downs that found the peer up.
    pub flaps: u64,
    /// Routes held now.
    pub routes: u64,
    /// Routes held now, per family.
    pub routes_by_family: BTreeMap<String, FamilyRoutes>,
    /// Routes announced in the Route Monitoring seen, over every session.
    pub announced: u64,
    /// Routes withdrawn in the Route Monitoring seen, over every session.
    pub withdrawn: u64,
    /// The last Peer Down's reason.
    pub last_down_reason: Option<DownReason<'a>>,
    /// What the two OPENs of the last Peer Up negotiated that matters for decoding.
    pub capabilities: Option<Capabilities>,
    /// Routes per decode label (`negotiated`, `assumed`, `stateless`, `fallback:...`).
    pub decoded: BTreeMap<&'static str, u64>,
    /// Families whose End-of-RIB came since the last table clear.
    pub end_of_rib: Vec<String>,
    /// Time of the last Route Monitoring of this row.
    pub last_update: Option<Timestamp>,
    /// The router's latest statistics for this per-peer header.
    pub stats: Vec<Stat>,
    /// Time of the latest Statistics Report.
    pub stats_time: Option<Timestamp>,
    /// The first route gauge that disagrees with the tracked count, and the others in `more`.
    pub gauge_mismatch: Option<Mismatch>,
    /// The router's place in the order routers appeared: the text groups rows by router.
    #[serde(skip)]
    pub router_index: usize,
    /// The RIB view, for its short name.
    #[serde(skip)]
    pub rib_view: RibView,
    /// The distinguisher as sent (zero: none to show).
    #[serde(skip)]
    pub distinguisher_raw: [u8; 8],
    /// Routes held that carry a path ID.
    #[serde(skip)]
    pub with_path_id: u64,
    /// Every route gauge that disagrees (the first is `gauge_mismatch`).
    #[serde(skip)]
    pub mismatches: Vec<Mismatch>,
}

/// Routes of one family.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct FamilyRoutes {
    /// Routes held.
    pub routes: u64,
    /// Those with an Add-Path path ID.
    pub with_path_id: u64,
}

/// AFI, SAFI and the family's name, for statistics that have them.
#[derive(Debug, Clone, Serialize)]
pub struct Family {
    /// AFI.
    pub afi: u16,
    /// SAFI.
    pub safi: u8,
    /// `ipv4_unicast`, ...
    pub family: String,
}

impl Family {
    fn of(family: crate::decode::family::Family) -> Self {
        Family {
            afi: family.afi.0,
            safi: family.safi.0,
            family: family.to_string(),
        }
    }
}

/// A Peer Down reason.
#[derive(Debug, Serialize)]
pub struct DownReason<'a> {
    /// Reason code.
    pub code: u8,
    /// Its name.
    pub name: &'static str,
    /// The reason in words.
    pub text: String,
    /// Time of the Peer Down.
    pub time: Option<Timestamp>,
    /// For reasons 1 and 3: the NOTIFICATION.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notification: Option<NotificationReport>,
    /// For reason 2: the FSM event.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fsm_event: Option<Named<u16>>,
    /// For reason 6: the information TLVs.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub information: Vec<Information<'a>>,
}

/// A code and its name.
#[derive(Debug, Serialize)]
pub struct Named<T> {
    /// The code.
    pub code: T,
    /// Its name.
    pub name: &'static str,
}

/// An information TLV.
#[derive(Debug, Serialize)]
pub struct Information<'a> {
    /// TLV type.
    #[serde(rename = "type")]
    pub tlv_type: u16,
    /// Its name.
    pub name: &'static str,
    /// The text.
    pub value: &'a str,
}

/// What the OPENs of the last Peer Up negotiated that matters for decoding.
#[derive(Debug, Serialize)]
pub struct Capabilities {
    /// Both OPENs advertised 4-octet AS numbers.
    pub four_octet_as: bool,
    /// Both OPENs advertised extended messages.
    pub extended_message: bool,
    /// Add-Path per family.
    pub add_path: Vec<AddPath>,
}

/// Add-Path for one family.
#[derive(Debug, Serialize)]
pub struct AddPath {
    /// The family.
    pub family: String,
    /// The mode the router's OPEN advertised.
    pub sent: Option<&'static str>,
    /// The mode the peer's OPEN advertised.
    pub received: Option<&'static str>,
    /// Path IDs expected towards the router.
    pub adj_rib_in: bool,
    /// Path IDs expected from the router.
    pub adj_rib_out: bool,
}

/// A statistic's latest value.
#[derive(Debug, Serialize)]
pub struct Stat {
    /// Stat type.
    #[serde(rename = "type")]
    pub stat_type: u16,
    /// Its name.
    pub name: &'static str,
    /// The value; none for an encoding bmpctl does not know.
    pub value: Option<u64>,
    /// The difference from the previous report's value.
    pub change: Option<i64>,
    /// The family of a per-AFI/SAFI gauge.
    #[serde(flatten)]
    pub family: Option<Family>,
    /// For a route gauge: the tracked route count of the RIB view it describes then.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tracked: Option<u64>,
    /// The octets of an unknown encoding, in hex.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raw: Option<String>,
}

/// A route gauge that disagrees with the tracked count.
#[derive(Debug, Clone, Serialize)]
pub struct Mismatch {
    /// Stat type.
    #[serde(rename = "type")]
    pub stat_type: u16,
    /// Its name.
    pub name: &'static str,
    /// The family of a per-AFI/SAFI gauge.
    #[serde(flatten)]
    pub family: Option<Family>,
    /// The router's number.
    pub gauge: u64,
    /// The routes tracked.
    pub tracked: u64,
    /// The further disagreeing gauges (on the first only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub more: Vec<Mismatch>,
}

impl Peers {
    /// The report as it stands.
    pub(super) fn build_report(&self) -> Report<'_> {
        let peers = self
            .sorted()
            .into_iter()
            .map(|(name, k, row)| self.report_row(name, k, row))
            .collect();
        Report { peers }
    }

    fn report_row<'a>(&'a self, router: String, k: &RowKey, row: &'a RowState) -> Row<'a> {
        let peer: Option<&PeerState> = self.peers.get(&(k.router, k.peer));
        let routes_by_family = row
            .table
            .per_family()
            .map(|(family, (routes, with_path_id))| {
                (
                    family.to_string(),
                    FamilyRoutes {
                        routes,
                        with_path_id,
                    },
                )
            })
            .collect::<BTreeMap<_, _>>();
        let with_path_id = routes_by_family.values().map(|f| f.with_path_id).sum();
        let stats = row
            .stats
            .iter()
            .map(|(&(t, family), slot)| Stat {
                stat_type: t,
                name: codes::stat_name(t),
                value: match &slot.value {
                    StatVal::Num(n) => Some(*n),
                    StatVal::Raw(_) => None,
                },
                change: slot.change.and_then(|c| i64::try_from(c).ok()),
                family: family.map(Family::of),
                tracked: slot.tracked.map(|(_, n)| n),
                raw: match &slot.value {
                    StatVal::Raw(b) => Some(hex(b)),
                    StatVal::Num(_) => None,
                },
            })
            .collect();
        let mismatches = self.mismatches(k);
        let gauge_mismatch = mismatches.split_first().map(|(first, rest)| Mismatch {
            more: rest.to_vec(),
            ..first.clone()
        });
        Row {
            router,
            router_address: self.router_at(k.router).and_then(|r| r.address),
            address: k.peer.address,
            asn: peer.map_or(0, |p| p.asn),
            bgp_id: peer.map_or(Ipv4Addr::UNSPECIFIED, |p| p.bgp_id),
            peer_type: k.peer.peer_type.name(),
            peer_type_code: k.peer.peer_type.0,
            distinguisher: k.peer.distinguisher_text(),
            table_name: peer.and_then(|p| p.table_name.as_deref()),
            rib: k.rib.name(),
            state: peer.map_or(State::Unknown, |p| p.state),
            state_detail: peer.and_then(|p| p.detail.as_deref()),
            last_state: peer.and_then(|p| p.last_state),
            since: peer.and_then(|p| p.since),
            flaps: peer.map_or(0, |p| p.flaps),
            routes: row.table.len(),
            routes_by_family,
            announced: row.announced,
            withdrawn: row.withdrawn,
            last_down_reason: peer.and_then(|p| p.last_down.as_ref()).map(down_reason),
            capabilities: peer.and_then(|p| p.caps.as_ref()).map(|c| Capabilities {
                four_octet_as: c.four_octet_as,
                extended_message: c.extended_message,
                add_path: c
                    .add_path
                    .iter()
                    .map(|&(family, sent, received)| {
                        let (adj_rib_in, adj_rib_out) = add_path_directions(sent, received);
                        let mode = |m: u8| (m != 0).then(|| codes::add_path_mode_name(m));
                        AddPath {
                            family: family.to_string(),
                            sent: mode(sent),
                            received: mode(received),
                            adj_rib_in,
                            adj_rib_out,
                        }
                    })
                    .collect(),
            }),
            decoded: row.decoded_labels().collect(),
            end_of_rib: row
                .end_of_rib
                .iter()
                .map(|family| family.to_string())
                .collect(),
            last_update: row.last_update,
            stats,
            stats_time: row.stats_time,
            gauge_mismatch,
            router_index: k.router,
            rib_view: k.rib,
            distinguisher_raw: k.peer.distinguisher,
            with_path_id,
            mismatches,
        }
    }

    fn router_at(&self, router: usize) -> Option<&Router> {
        self.routers.get(router).and_then(Option::as_ref)
    }

    /// The route gauges of the router that disagree with the tracked count of this row's view.
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
                    Some(family) => self.filter.family(family),
                };
                if counted {
                    out.push(Mismatch {
                        stat_type,
                        name: codes::stat_name(stat_type),
                        family: family.map(Family::of),
                        gauge: *gauge,
                        tracked,
                        more: Vec::new(),
                    });
                }
            }
        }
        out.sort_by_key(|m| (m.stat_type, m.family.as_ref().map(|f| (f.afi, f.safi))));
        out
    }

    /// Rows in report order: router name, peer address, RIB view, peer type, distinguisher.
    fn sorted(&self) -> Vec<(String, &RowKey, &RowState)> {
        let mut v: Vec<(String, &RowKey, &RowState)> = self
            .rows
            .iter()
            .map(|(k, r)| {
                let name = self
                    .router_at(k.router)
                    .map_or_else(String::new, Router::name);
                (name, k, r)
            })
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
}

fn down_reason(d: &LastDown) -> DownReason<'_> {
    DownReason {
        code: d.code,
        name: codes::peer_down_reason_name(d.code),
        text: down_text(d),
        time: d.time,
        notification: d.notification.clone(),
        fsm_event: d.fsm_event.map(|e| Named {
            code: e,
            name: codes::fsm_event_name(e),
        }),
        information: d
            .information
            .iter()
            .map(|(t, v)| Information {
                tlv_type: *t,
                name: codes::peer_up_tlv_name(*t),
                value: v,
            })
            .collect(),
    }
}

/// The reason in words (router-supplied text as sent: JSON escapes it, text output sanitises
/// it).
fn down_text(d: &LastDown) -> String {
    let mut s = codes::peer_down_reason_name(d.code).to_string();
    if let Some(n) = &d.notification {
        s.push_str(&format!(
            ": {} / {} ({}/{})",
            n.name, n.subcode_name, n.code, n.subcode
        ));
        if let Some(t) = &n.shutdown_communication {
            s.push_str(&format!(" \"{t}\""));
        }
    }
    if let Some(e) = d.fsm_event {
        s.push_str(&format!(": FSM event {e} ({})", codes::fsm_event_name(e)));
    }
    for (t, v) in &d.information {
        s.push_str(&format!(": {} \"{v}\"", codes::peer_up_tlv_name(*t)));
    }
    s
}
