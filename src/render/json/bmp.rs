//! BMP parts of a record: information TLVs, BMPv4 Route Monitoring TLVs, Route Mirroring TLVs,
//! statistics and the Peer Down reason.

use std::borrow::Cow;

use serde::ser::SerializeSeq;
use serde::{Serialize, Serializer};

use super::bgp::{CapabilityJson, NotificationOrRaw, PduJson};
use super::update::UpdateBody;
use super::{CodeName, HexText, Lossy, Shown, family, hex};
use crate::decode::bgp::update::{Plan, Update};
use crate::decode::bmp::info::InfoTlv;
use crate::decode::bmp::mirroring::{MirrorTlv, MirrorValue};
use crate::decode::bmp::peer_down::Reason;
use crate::decode::bmp::route_monitoring::IndexedTlv;
use crate::decode::bmp::stats::{Stat, StatValue};
use crate::decode::bmp::v4::{self, GroupIndexes, PathStatus, StatelessCapabilities, TlvValue};
use crate::decode::codes;
use crate::decode::family::Family;

/// A list of information TLVs (Initiation, Termination, Peer Up, Peer Down reason 6), each
/// `{"type", "name", "value"}`, optionally without some.
pub(crate) struct InfoTlvs<'a> {
    tlvs: &'a [InfoTlv<'a>],
    name: fn(u16) -> &'static str,
    left_out: fn(&InfoTlv<'_>) -> bool,
}

impl<'a> InfoTlvs<'a> {
    /// Every TLV, named by `name`.
    pub(crate) fn all(tlvs: &'a [InfoTlv<'a>], name: fn(u16) -> &'static str) -> Self {
        InfoTlvs {
            tlvs,
            name,
            left_out: |_| false,
        }
    }

    /// The TLVs but those `left_out` says, named by `name`.
    pub(crate) fn without(
        tlvs: &'a [InfoTlv<'a>],
        name: fn(u16) -> &'static str,
        left_out: fn(&InfoTlv<'_>) -> bool,
    ) -> Self {
        InfoTlvs {
            tlvs,
            name,
            left_out,
        }
    }
}

impl Serialize for InfoTlvs<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(
            self.tlvs
                .iter()
                .filter(|t| !(self.left_out)(t))
                .map(|t| InfoTlvJson {
                    tlv_type: t.tlv_type,
                    name: (self.name)(t.tlv_type),
                    value: Lossy(t.value),
                }),
        )
    }
}

#[derive(Serialize)]
struct InfoTlvJson<'a> {
    #[serde(rename = "type")]
    tlv_type: u16,
    name: &'static str,
    value: Lossy<'a>,
}

/// A BMPv4 Route Monitoring TLV: type, name, index and value as hex, plus the value decoded
/// where its type is known.
#[derive(Serialize)]
pub(crate) struct V4TlvJson<'a> {
    #[serde(rename = "type")]
    tlv_type: u16,
    name: &'static str,
    index: u16,
    value: HexText<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    capabilities: Option<StatelessCapabilitiesJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    group_indexes: Option<GroupIndexesJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    vrf_table_name: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    path_status: Option<PathStatusJson>,
}

impl<'a> V4TlvJson<'a> {
    pub(crate) fn new(t: &'a IndexedTlv<'a>) -> Self {
        let mut j = V4TlvJson {
            tlv_type: t.tlv_type,
            name: codes::v4_tlv_name(t.tlv_type),
            index: t.index,
            value: hex(t.value),
            capabilities: None,
            group_indexes: None,
            vrf_table_name: None,
            path_status: None,
        };
        match v4::decode_tlv(t) {
            TlvValue::StatelessParsing(c) => j.capabilities = Some(StatelessCapabilitiesJson(c)),
            TlvValue::Group(g) => j.group_indexes = Some(GroupIndexesJson(g)),
            TlvValue::VrfTableName(name) => j.vrf_table_name = Some(name),
            TlvValue::PathStatus(p) => j.path_status = Some(PathStatusJson::new(p)),
            TlvValue::Other(_) => {}
        }
        j
    }
}

struct StatelessCapabilitiesJson<'a>(StatelessCapabilities<'a>);

impl Serialize for StatelessCapabilitiesJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(None)?;
        for c in self.0.iter() {
            seq.serialize_element(&CapabilityJson::new(&c))?;
        }
        seq.end()
    }
}

struct GroupIndexesJson<'a>(GroupIndexes<'a>);

impl Serialize for GroupIndexesJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter())
    }
}

#[derive(Serialize)]
struct PathStatusJson {
    status: u32,
    names: PathStatusNames,
    unknown_bits: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<CodeName<u16>>,
}

impl PathStatusJson {
    fn new(p: PathStatus) -> Self {
        PathStatusJson {
            status: p.status,
            names: PathStatusNames(p),
            unknown_bits: p.unknown_bits(),
            reason: p.reason.map(|code| CodeName {
                code,
                name: v4::path_status_reason_name(code),
            }),
        }
    }
}

struct PathStatusNames(PathStatus);

impl Serialize for PathStatusNames {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.names())
    }
}

/// One statistic: type and name, then the value by its encoding.
#[derive(Serialize)]
pub(crate) struct StatJson<'a> {
    #[serde(rename = "type")]
    stat_type: u16,
    name: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    afi: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    safi: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    family: Option<Shown<Family>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    raw: Option<HexText<'a>>,
}

impl<'a> StatJson<'a> {
    pub(crate) fn new(st: &'a Stat<'a>) -> Self {
        let mut j = StatJson {
            stat_type: st.stat_type,
            name: codes::stat_name(st.stat_type),
            afi: None,
            safi: None,
            family: None,
            value: None,
            raw: None,
        };
        match st.value {
            StatValue::Counter(n) => j.value = Some(n.into()),
            StatValue::Gauge(n) => j.value = Some(n),
            StatValue::AfiSafiGauge { family: f, value } => {
                j.afi = Some(f.afi.0);
                j.safi = Some(f.safi.0);
                j.family = Some(family(f));
                j.value = Some(value);
            }
            StatValue::Raw(b) => j.raw = Some(hex(b)),
        }
        j
    }
}

/// The Peer Down reason: code and name, then what the reason carries.
#[derive(Serialize)]
pub(crate) struct PeerDownReason<'a> {
    code: u8,
    name: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    notification: Option<NotificationOrRaw<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fsm_event: Option<CodeName<u16>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    information: Option<InfoTlvs<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<HexText<'a>>,
}

impl<'a> PeerDownReason<'a> {
    pub(crate) fn new(r: &'a Reason<'a>) -> Self {
        let code = r.code();
        let mut j = PeerDownReason {
            code,
            name: codes::peer_down_reason_name(code),
            notification: None,
            fsm_event: None,
            information: None,
            data: None,
        };
        match r {
            Reason::Notification { pdu, .. } => j.notification = Some(NotificationOrRaw::of(pdu)),
            Reason::FsmEvent(e) => {
                j.fsm_event = Some(CodeName {
                    code: *e,
                    name: codes::fsm_event_name(*e),
                });
            }
            Reason::Tlvs(t) => j.information = Some(InfoTlvs::all(t, codes::peer_up_tlv_name)),
            Reason::Other { data, .. } => j.data = Some(hex(data)),
            Reason::NoData(_) => {}
        }
        j
    }
}

/// The TLVs of a Route Mirroring message, with the mirrored UPDATEs decoded.
pub(crate) struct MirrorTlvs<'a> {
    tlvs: &'a [MirrorTlv<'a>],
    mirrored: &'a [(usize, Update<'a>, Plan<'a>)],
}

impl<'a> MirrorTlvs<'a> {
    /// `mirrored`: the decoded UPDATEs, each with the index of its TLV.
    pub(crate) fn new(
        tlvs: &'a [MirrorTlv<'a>],
        mirrored: &'a [(usize, Update<'a>, Plan<'a>)],
    ) -> Self {
        MirrorTlvs { tlvs, mirrored }
    }
}

impl Serialize for MirrorTlvs<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.tlvs.iter().enumerate().map(|(i, t)| {
            let update = self.mirrored.iter().find(|(n, ..)| *n == i);
            MirrorTlvJson::new(t, update.map(|(_, u, plan)| UpdateBody::new(u, plan)))
        }))
    }
}

/// One Route Mirroring TLV: type and name, then the BGP message, the information code, or the
/// raw value.
#[derive(Serialize)]
struct MirrorTlvJson<'a> {
    #[serde(rename = "type")]
    tlv_type: u16,
    name: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    bgp: Option<MirroredBgp<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    code_name: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    raw: Option<HexText<'a>>,
}

impl<'a> MirrorTlvJson<'a> {
    fn new(t: &MirrorTlv<'a>, update: Option<UpdateBody<'a>>) -> Self {
        let mut j = MirrorTlvJson {
            tlv_type: t.tlv_type,
            name: codes::mirroring_tlv_name(t.tlv_type),
            bgp: None,
            code: None,
            code_name: None,
            raw: None,
        };
        match t.decoded() {
            MirrorValue::BgpMessage(b) => {
                j.bgp = Some(MirroredBgp {
                    pdu: PduJson::new(b),
                    update,
                });
            }
            MirrorValue::Information(c) => {
                j.code = Some(c);
                j.code_name = Some(codes::mirroring_info_name(c));
            }
            MirrorValue::Other(v) => j.raw = Some(hex(v)),
        }
        j
    }
}

/// A mirrored BGP message, and the routes and attributes of an UPDATE that decoded.
#[derive(Serialize)]
struct MirroredBgp<'a> {
    #[serde(flatten)]
    pdu: PduJson<'a>,
    #[serde(flatten)]
    update: Option<UpdateBody<'a>>,
}
