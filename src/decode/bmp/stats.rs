//! Statistics Report (RFC 7854 §4.8, RFC 8671, RFC 9972). Each statistic is decoded by its length
//! (4 counter, 8 gauge, 11 per-AFI/SAFI gauge); any other length is kept raw. A bad statistic
//! never fails the message.

use super::header::RibView;
use crate::decode::family::Family;
use crate::decode::{DecodeError, Tlv, u32_, unwrap_err};

/// The RIB a route gauge counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GaugeView {
    /// The Adj-RIB-In, without saying pre- or post-policy (types 7 and 9, RFC 7854): as
    /// routers keep it, pre-policy.
    AdjRibIn,
    /// One RIB view (RFC 8671, RFC 9972; Loc-RIB types 8 and 10 for a Loc-RIB peer).
    View(RibView),
}

/// Which RIB a statistic type counts the routes of, when it is a route gauge for this kind of
/// peer: types 8 and 10 count the whole Loc-RIB, which is this peer's only for a Loc-RIB peer.
pub fn gauge_view(stat_type: u16, peer_is_loc_rib: bool) -> Option<GaugeView> {
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

/// A statistic's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatValue<'a> {
    /// 32-bit counter.
    Counter(u32),
    /// 64-bit gauge.
    Gauge(u64),
    /// Per-AFI/SAFI 64-bit gauge.
    AfiSafiGauge {
        /// The family it counts.
        family: Family,
        /// Value.
        value: u64,
    },
    /// Any other length: raw.
    Raw(&'a [u8]),
}

/// One statistic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stat<'a> {
    /// Stat type.
    pub stat_type: u16,
    /// Value.
    pub value: StatValue<'a>,
}

/// A Statistics Report body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatsReport<'a> {
    /// The count field.
    pub declared_count: u32,
    /// The statistics present.
    pub stats: Vec<Stat<'a>>,
    /// Octets after the last complete statistic, if the last one was cut short.
    pub trailing: &'a [u8],
}

/// Parses a Statistics Report body: a count, then TLVs until the end of the message. A count
/// that disagrees with the TLVs present, or a cut-off last TLV, is left for the caller to report;
/// the statistics that are present are kept.
pub fn parse(input: &[u8]) -> Result<StatsReport<'_>, DecodeError<'_>> {
    let (mut rest, declared_count) = u32_(input, "stats count").map_err(unwrap_err)?;
    let mut stats = Vec::new();
    while rest.len() >= 4 {
        let t = u16::from_be_bytes([rest[0], rest[1]]);
        let len = u16::from_be_bytes([rest[2], rest[3]]) as usize;
        let Some(value) = rest.get(4..4 + len) else {
            break;
        };
        stats.push(stat(Tlv { tlv_type: t, value }));
        rest = &rest[4 + len..];
    }
    Ok(StatsReport {
        declared_count,
        stats,
        trailing: rest,
    })
}

fn stat(t: Tlv<'_>) -> Stat<'_> {
    let v = t.value;
    let value = match v.len() {
        4 => StatValue::Counter(u32::from_be_bytes([v[0], v[1], v[2], v[3]])),
        8 => StatValue::Gauge(u64::from_be_bytes(v.try_into().unwrap_or([0; 8]))),
        11 => StatValue::AfiSafiGauge {
            family: Family::new(u16::from_be_bytes([v[0], v[1]]), v[2]),
            value: u64::from_be_bytes(v[3..].try_into().unwrap_or([0; 8])),
        },
        _ => StatValue::Raw(v),
    };
    Stat {
        stat_type: t.tlv_type,
        value,
    }
}
