//! The two records of the log, a message and a finding, and the body of each message type.

use std::net::{IpAddr, Ipv4Addr};

use serde::Serialize;

use super::bgp::OpenOrRaw;
use super::bmp::{InfoTlvs, MirrorTlvs, PeerDownReason, StatJson, V4TlvJson};
use super::update::UpdateBody;
use super::{CodeName, Each, HexText, Shown, hex};
use crate::decode::bmp::Body;
use crate::decode::bmp::header::{Distinguisher, MessageType, PeerHeader};
use crate::decode::bmp::info::{self, InfoTlv};
use crate::decode::codes;
use crate::event::{Decoded, RouterName, StreamCtx};
use crate::finding::Finding;
use crate::time::Timestamp;

/// A message of the log: `type` (the BMP message type's name), the stream, offset and router
/// it came from, its router and observed times, its per-peer header, then its body.
#[derive(Serialize)]
pub struct MessageRecord<'a> {
    #[serde(rename = "type")]
    message_type: &'static str,
    stream: &'a str,
    offset: u64,
    router: Shown<RouterName<'a>>,
    router_time: Option<Timestamp>,
    observed_time: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    peer: Option<Peer>,
    version: u8,
    length: u32,
    #[serde(flatten)]
    body: MessageBody<'a>,
}

impl<'a> MessageRecord<'a> {
    /// The record of a message of the stream `ctx`.
    pub fn new(ctx: &StreamCtx<'a>, d: &'a Decoded<'a>) -> Self {
        let m = &d.msg;
        let peer = m.peer();
        MessageRecord {
            message_type: m.header.msg_type.name(),
            stream: ctx.name,
            offset: d.offset,
            router: Shown(ctx.router_display()),
            router_time: peer.and_then(PeerHeader::time),
            observed_time: ctx.observed,
            peer: peer.map(Peer::new),
            version: m.header.version,
            length: m.header.length,
            body: MessageBody::new(d),
        }
    }
}

/// A finding of the log: `type` "finding", where it was found, then what it says.
#[derive(Serialize)]
pub struct FindingRecord<'a> {
    #[serde(rename = "type")]
    record_type: &'static str,
    stream: &'a str,
    offset: u64,
    router: Shown<RouterName<'a>>,
    observed_time: Option<Timestamp>,
    message_type: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    peer: Option<Peer>,
    severity: &'static str,
    kind: &'static str,
    detail: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    bytes: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    raw: Option<HexText<'a>>,
}

impl<'a> FindingRecord<'a> {
    /// The record of a finding of the stream `ctx`.
    pub fn new(ctx: &StreamCtx<'a>, f: &'a Finding) -> Self {
        FindingRecord {
            record_type: "finding",
            stream: ctx.name,
            offset: f.offset,
            router: Shown(ctx.router_display()),
            observed_time: ctx.observed,
            message_type: f.msg_type.map(MessageType::name),
            peer: f.peer.as_ref().map(Peer::new),
            severity: f.severity().name(),
            kind: f.kind.name(),
            detail: &f.detail,
            bytes: f.bytes,
            raw: f.raw.as_deref().map(hex),
        }
    }
}

/// The `peer` object: the per-peer header.
#[derive(Serialize)]
pub(crate) struct Peer {
    #[serde(rename = "type")]
    peer_type: &'static str,
    type_code: u8,
    flags: u8,
    distinguisher: Shown<Distinguisher>,
    address: IpAddr,
    asn: u32,
    bgp_id: Ipv4Addr,
    rib: &'static str,
    timestamp_sec: u32,
    timestamp_usec: u32,
}

impl Peer {
    pub(crate) fn new(p: &PeerHeader) -> Self {
        Peer {
            peer_type: p.peer_type.name(),
            type_code: p.peer_type.0,
            flags: p.flags,
            distinguisher: Shown(p.distinguisher_display()),
            address: p.address(),
            asn: p.asn,
            bgp_id: p.bgp_id,
            rib: p.rib().name(),
            timestamp_sec: p.ts_sec,
            timestamp_usec: p.ts_usec,
        }
    }
}

/// The fields after the envelope, per message type.
#[derive(Serialize)]
#[serde(untagged)]
enum MessageBody<'a> {
    RouteMonitoring {
        #[serde(flatten)]
        update: UpdateOrRaw<'a>,
        #[serde(skip_serializing_if = "Option::is_none")]
        trailing_raw: Option<HexText<'a>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        tlvs: Option<Each<'a, crate::decode::bmp::route_monitoring::IndexedTlv<'a>, V4TlvJson<'a>>>,
    },
    Statistics {
        stats: Each<'a, crate::decode::bmp::stats::Stat<'a>, StatJson<'a>>,
    },
    PeerDown {
        reason: PeerDownReason<'a>,
        #[serde(skip_serializing_if = "Option::is_none")]
        tlvs_raw: Option<HexText<'a>>,
    },
    PeerUp {
        local_address: IpAddr,
        local_port: u16,
        remote_port: u16,
        sent_open: OpenOrRaw<'a>,
        received_open: OpenOrRaw<'a>,
        information: InfoTlvs<'a>,
    },
    Initiation {
        information: InfoTlvs<'a>,
    },
    Termination {
        #[serde(skip_serializing_if = "Option::is_none")]
        reason: Option<CodeName<u16>>,
        /// Every TLV but the reasons.
        information: InfoTlvs<'a>,
    },
    RouteMirroring {
        tlvs: MirrorTlvs<'a>,
    },
    Unknown {
        message_type: u8,
        raw: HexText<'a>,
    },
}

impl<'a> MessageBody<'a> {
    fn new(d: &'a Decoded<'a>) -> Self {
        let m = &d.msg;
        match &m.body {
            Body::RouteMonitoring(_, rm) => MessageBody::RouteMonitoring {
                update: match &d.update {
                    Some((u, plan)) => UpdateOrRaw::Decoded(UpdateBody::new(u, plan)),
                    None => UpdateOrRaw::Undecoded {
                        announced: [],
                        withdrawn: [],
                        bgp_raw: hex(rm.pdu.raw),
                    },
                },
                trailing_raw: (!rm.trailing.is_empty()).then(|| hex(rm.trailing)),
                tlvs: (!rm.tlvs.is_empty()).then(|| Each(&rm.tlvs[..], V4TlvJson::new)),
            },
            Body::StatisticsReport(_, r) => MessageBody::Statistics {
                stats: Each(&r.stats[..], StatJson::new),
            },
            Body::PeerDown(_, down) => MessageBody::PeerDown {
                reason: PeerDownReason::new(&down.reason),
                tlvs_raw: (!down.trailing.is_empty()).then(|| hex(down.trailing)),
            },
            Body::PeerUp(_, up) => {
                let opens = d.opens.as_deref();
                MessageBody::PeerUp {
                    local_address: up.local_address,
                    local_port: up.local_port,
                    remote_port: up.remote_port,
                    sent_open: OpenOrRaw::new(opens.map(|(s, _)| s), up.sent_open.raw),
                    received_open: OpenOrRaw::new(opens.map(|(_, r)| r), up.received_open.raw),
                    information: InfoTlvs::all(&up.information, codes::peer_up_tlv_name),
                }
            }
            Body::Initiation(tlvs) => MessageBody::Initiation {
                information: InfoTlvs::all(tlvs, codes::initiation_tlv_name),
            },
            Body::Termination(tlvs) => MessageBody::Termination {
                reason: info::termination_reason(tlvs).map(|code| CodeName {
                    code,
                    name: codes::termination_reason_name(code),
                }),
                information: InfoTlvs::without(
                    tlvs,
                    codes::termination_tlv_name,
                    |t: &InfoTlv<'_>| t.reason().is_some(),
                ),
            },
            Body::RouteMirroring(_, tlvs) => MessageBody::RouteMirroring {
                tlvs: MirrorTlvs::new(tlvs, &d.mirrored),
            },
            Body::Unknown(body) => MessageBody::Unknown {
                message_type: m.header.msg_type.0,
                raw: hex(body),
            },
        }
    }
}

/// A Route Monitoring's UPDATE: its routes and attributes, or its octets when it did not
/// decode (the finding says why).
#[derive(Serialize)]
#[serde(untagged)]
enum UpdateOrRaw<'a> {
    Decoded(UpdateBody<'a>),
    Undecoded {
        announced: [u8; 0],
        withdrawn: [u8; 0],
        bgp_raw: HexText<'a>,
    },
}
