//! The churn report: what the text renderer prints, and, serialized, the JSON document
//! of `bmpctl churn --json` (described in the module documentation of [`super`]).

use std::net::{IpAddr, Ipv4Addr};

use serde::{Serialize, Serializer};

use crate::decode::bmp::header::RibView;
use crate::time::Timestamp;

/// The whole report.
#[derive(Debug, Serialize)]
pub struct Report<'a> {
    /// The bucket width in seconds; `None` when it was to be chosen from the time span and no
    /// event had a time.
    pub interval_seconds: Option<IntervalSeconds>,
    /// The earliest event time.
    pub start: Option<Timestamp>,
    /// The latest event time.
    pub end: Option<Timestamp>,
    /// One entry per router, monitored peer and RIB view, in report order (router, peer
    /// address, AS, RIB view).
    pub peers: Vec<Peer<'a>>,
    /// The routes changed most in steady state, most first.
    pub top_prefixes: Vec<TopPrefix<'a>>,
    /// The origin ASes with the most steady-state changes, most first.
    pub top_origin_as: Vec<TopOrigin>,
    /// The bucket width, microseconds (also without any event time: what the buckets would
    /// have been).
    #[serde(skip)]
    pub bucket_us: u64,
}

/// A bucket width in seconds: an integer when whole, else a fraction (`--interval 500ms`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(untagged)]
pub enum IntervalSeconds {
    /// Whole seconds.
    Whole(u64),
    /// Below a second, or not a whole number of them.
    Fraction(f64),
}

/// One router, monitored peer and RIB view.
#[derive(Debug, Serialize)]
pub struct Peer<'a> {
    /// The router's name: sysName, else address, else stream name (as the router was last
    /// seen).
    pub router: &'a str,
    /// The peer's address.
    pub address: IpAddr,
    /// The peer's AS.
    pub asn: u32,
    /// The peer's BGP identifier.
    pub bgp_id: Ipv4Addr,
    /// The RIB view.
    #[serde(serialize_with = "rib_name")]
    pub rib: RibView,
    /// Initial dumps seen (Peer Up, new session of the router).
    pub dumps: u32,
    /// How the latest dump ended; `None` when no dump was seen.
    pub initial_complete: Option<InitialComplete>,
    /// Route events of the dumps.
    pub initial: Totals,
    /// Route events outside the dumps.
    pub steady: Totals,
    /// The buckets with any route event, the one without time first, then by time.
    pub buckets: Vec<Bucket>,
}

/// How a peer's latest initial dump ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InitialComplete {
    /// Every family that had routes in it got its End-of-RIB.
    EndOfRib,
    /// Some family ended by the quiet rule.
    Rule,
    /// Still running at the end of the input, or the peer went down during it.
    Incomplete,
}

/// Route events of one phase (initial dumps or steady state).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Every announced route, whatever it did to the table.
    pub announced: u64,
    /// Every explicit withdrawal.
    pub withdrawn: u64,
    /// Announcements of a route the table held, with other attributes.
    pub implicit_withdrawn: u64,
    /// Announcements of a route the table held, with the same attributes.
    pub duplicate: u64,
    /// Distinct routes announced or withdrawn (see the module documentation of [`super`]).
    pub routes_touched: u64,
}

/// One time bucket of a peer.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Bucket {
    /// Its start; `None` for the events before any time was seen.
    pub start: Option<Timestamp>,
    /// Steady-state announcements.
    pub announced: u64,
    /// Steady-state withdrawals.
    pub withdrawn: u64,
    /// Steady-state implicit withdrawals.
    pub implicit_withdrawn: u64,
    /// Steady-state duplicates.
    pub duplicate: u64,
    /// Distinct routes touched in steady state.
    pub routes_touched: u64,
    /// Route events of the initial dump.
    pub initial: u64,
    /// Its steady churn stands out from the peer's usual rate.
    pub spike: bool,
}

impl Bucket {
    /// Steady churn: announcements and withdrawals.
    pub fn churn(&self) -> u64 {
        self.announced + self.withdrawn
    }
}

/// A route among the most changed.
#[derive(Debug, Serialize)]
pub struct TopPrefix<'a> {
    /// The router's name.
    pub router: &'a str,
    /// The peer's address.
    pub address: IpAddr,
    /// The RIB view.
    #[serde(serialize_with = "rib_name")]
    pub rib: RibView,
    /// The route: prefix (RD as `[65000:1]10.0.0.0/24`, path ID as `#7`).
    pub prefix: &'a str,
    /// Its address family (`ipv4_unicast`, ...).
    pub family: String,
    /// Its changes in steady state.
    pub changes: u32,
    /// What the changes were.
    pub changed: Changed,
}

/// What a route's changes were: announcements that entered the table, withdrawals of it, and
/// per attribute the implicit withdrawals that changed it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Changed {
    /// Announcements that entered the table.
    pub announced: u32,
    /// Withdrawals of the route in the table.
    pub withdrawn: u32,
    /// Implicit withdrawals with another AS_PATH.
    pub as_path: u32,
    /// Implicit withdrawals with another next hop.
    pub next_hop: u32,
    /// Implicit withdrawals with other communities (standard, extended or large).
    pub communities: u32,
    /// Implicit withdrawals with another MED.
    pub med: u32,
    /// Implicit withdrawals that changed only other attributes (LOCAL_PREF, ORIGIN, ...).
    pub other: u32,
}

/// An origin AS among the most churning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TopOrigin {
    /// The AS.
    pub asn: u32,
    /// Steady-state changes of routes it originates.
    pub changes: u64,
}

fn rib_name<S: Serializer>(rib: &RibView, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(rib.name())
}
