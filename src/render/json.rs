//! NDJSON: one object per message or finding. The schema is documented in the README and is a
//! contract: fields are added, never renamed or removed.

use serde_json::{Map, Value, json};

use crate::decode::bgp::open::{self, Capability, Open};
use crate::decode::bgp::update::{Plan, Update};
use crate::decode::bgp::{self, BgpMessage, BgpPdu};
use crate::decode::bmp::header::PeerHeader;
use crate::decode::bmp::info::InfoTlv;
use crate::decode::bmp::peer_down::Reason;
use crate::decode::bmp::route_monitoring::IndexedTlv;
use crate::decode::bmp::stats::StatValue;
use crate::decode::bmp::{Body, v4};
use crate::decode::codes;
use crate::decode::hex;
use crate::event::{Decoded, StreamCtx};
use crate::finding::Finding;
use crate::time::Timestamp;

/// A time as RFC 3339 text with microseconds, or `null`.
pub(crate) fn time_or_null(t: Option<Timestamp>) -> Value {
    t.map_or(Value::Null, |t| t.to_string().into())
}

/// The `peer` object.
pub fn peer(p: &PeerHeader) -> Value {
    json!({
        "type": codes::peer_type_name(p.peer_type),
        "type_code": p.peer_type,
        "flags": p.flags,
        "distinguisher": p.distinguisher_text(),
        "address": p.address().to_string(),
        "asn": p.asn,
        "bgp_id": p.bgp_id.to_string(),
        "rib": p.rib().name(),
        "timestamp_sec": p.ts_sec,
        "timestamp_usec": p.ts_usec,
    })
}

/// One message as a JSON object.
pub fn message(ctx: &StreamCtx<'_>, d: &Decoded<'_>) -> Value {
    let m = &d.msg;
    let mut o = Map::new();
    o.insert(
        "type".into(),
        codes::message_type_name(m.header.msg_type).into(),
    );
    o.insert("stream".into(), ctx.name.into());
    o.insert("offset".into(), d.offset.into());
    o.insert("length".into(), m.header.length.into());
    o.insert("version".into(), m.header.version.into());
    o.insert("router".into(), ctx.router_name().into());
    o.insert(
        "router_time".into(),
        time_or_null(m.peer().and_then(PeerHeader::time)),
    );
    o.insert("observed_time".into(), time_or_null(ctx.observed));
    if let Some(p) = m.peer() {
        o.insert("peer".into(), peer(p));
    }
    match &m.body {
        Body::RouteMonitoring(_, rm) => {
            if let Some((u, plan)) = &d.update {
                route_monitoring(&mut o, u, plan);
            } else {
                o.insert("announced".into(), json!([]));
                o.insert("withdrawn".into(), json!([]));
                o.insert("bgp_raw".into(), hex(rm.pdu.raw).into());
            }
            if !rm.trailing.is_empty() {
                o.insert("trailing_raw".into(), hex(rm.trailing).into());
            }
            if !rm.tlvs.is_empty() {
                let tlvs: Vec<Value> = rm.tlvs.iter().map(v4_tlv).collect();
                o.insert("tlvs".into(), tlvs.into());
            }
        }
        Body::StatisticsReport(_, r) => {
            let stats: Vec<Value> = r
                .stats
                .iter()
                .map(|s| {
                    let mut v = json!({"type": s.stat_type, "name": codes::stat_name(s.stat_type)});
                    match s.value {
                        StatValue::Counter(n) => v["value"] = n.into(),
                        StatValue::Gauge(n) => v["value"] = n.into(),
                        StatValue::AfiSafiGauge { afi, safi, value } => {
                            v["afi"] = afi.into();
                            v["safi"] = safi.into();
                            v["family"] = codes::family_name(afi, safi).into();
                            v["value"] = value.into();
                        }
                        StatValue::Raw(b) => v["raw"] = hex(b).into(),
                    }
                    v
                })
                .collect();
            o.insert("stats".into(), stats.into());
        }
        Body::PeerDown(_, down) => {
            o.insert("reason".into(), peer_down_reason(&down.reason));
            if !down.trailing.is_empty() {
                o.insert("tlvs_raw".into(), hex(down.trailing).into());
            }
        }
        Body::PeerUp(_, up) => {
            o.insert("local_address".into(), up.local_address.to_string().into());
            o.insert("local_port".into(), up.local_port.into());
            o.insert("remote_port".into(), up.remote_port.into());
            let (s, r) = match d.opens.as_deref() {
                Some((s, r)) => (open(s), open(r)),
                None => (
                    json!({"raw": hex(up.sent_open.raw)}),
                    json!({"raw": hex(up.received_open.raw)}),
                ),
            };
            o.insert("sent_open".into(), s);
            o.insert("received_open".into(), r);
            o.insert(
                "information".into(),
                info_tlvs(&up.information, codes::peer_up_tlv_name),
            );
        }
        Body::Initiation(tlvs) => {
            o.insert(
                "information".into(),
                info_tlvs(tlvs, codes::initiation_tlv_name),
            );
        }
        Body::Termination(tlvs) => {
            let mut infos = Vec::new();
            for t in tlvs {
                if t.tlv_type == 1 && t.value.len() == 2 {
                    let code = u16::from_be_bytes([t.value[0], t.value[1]]);
                    o.insert(
                        "reason".into(),
                        json!({"code": code, "name": codes::termination_reason_name(code)}),
                    );
                } else {
                    infos.push(*t);
                }
            }
            o.insert(
                "information".into(),
                info_tlvs(&infos, codes::termination_tlv_name),
            );
        }
        Body::RouteMirroring(_, tlvs) => {
            let v: Vec<Value> = tlvs
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    let mut e =
                        json!({"type": t.tlv_type, "name": codes::mirroring_tlv_name(t.tlv_type)});
                    match t.tlv_type {
                        0 => {
                            let mut bgp = bgp_pdu_bytes(t.value);
                            if let Some((_, u, plan)) = d.mirrored.iter().find(|(n, ..)| *n == i) {
                                let mut routes = Map::new();
                                route_monitoring(&mut routes, u, plan);
                                for (k, val) in routes {
                                    bgp[k] = val;
                                }
                            }
                            e["bgp"] = bgp;
                        }
                        1 if t.value.len() == 2 => {
                            let c = u16::from_be_bytes([t.value[0], t.value[1]]);
                            e["code"] = c.into();
                            e["code_name"] = codes::mirroring_info_name(c).into();
                        }
                        _ => e["raw"] = hex(t.value).into(),
                    }
                    e
                })
                .collect();
            o.insert("tlvs".into(), v.into());
        }
        Body::Unknown(body) => {
            o.insert("message_type".into(), m.header.msg_type.into());
            o.insert("raw".into(), hex(body).into());
        }
    }
    Value::Object(o)
}

/// A BMPv4 Route Monitoring TLV, decoded where its type is known.
fn v4_tlv(t: &IndexedTlv<'_>) -> Value {
    let mut v = json!({"type": t.tlv_type, "name": codes::v4_tlv_name(t.tlv_type),
                       "index": t.index, "value": hex(t.value)});
    match t.tlv_type {
        v4::TLV_STATELESS_PARSING => {
            v["capabilities"] = v4::stateless_capabilities(t.value)
                .map(|(code, value)| capability(&open::capability(code, value)))
                .collect::<Vec<_>>()
                .into();
        }
        v4::TLV_GROUP => {
            v["group_indexes"] = t
                .value
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect::<Vec<_>>()
                .into();
        }
        v4::TLV_VRF_TABLE_NAME => {
            v["vrf_table_name"] = String::from_utf8_lossy(t.value).into_owned().into();
        }
        v4::TLV_PATH_STATUS if t.value.len() >= 4 => {
            let b = t.value;
            let status = u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
            let (names, unknown) = v4::path_status_names(status);
            let mut ps = json!({"status": status, "names": names, "unknown_bits": unknown});
            if b.len() >= 6 {
                let code = u16::from_be_bytes([b[4], b[5]]);
                ps["reason"] = json!({"code": code, "name": v4::path_status_reason_name(code)});
            }
            v["path_status"] = ps;
        }
        _ => {}
    }
    v
}

fn info_tlvs(tlvs: &[InfoTlv<'_>], name: fn(u16) -> &'static str) -> Value {
    tlvs.iter()
        .map(|t| json!({"type": t.tlv_type, "name": name(t.tlv_type), "value": t.text()}))
        .collect::<Vec<_>>()
        .into()
}

fn peer_down_reason(r: &Reason<'_>) -> Value {
    let code = r.code();
    let mut v = json!({"code": code, "name": codes::peer_down_reason_name(code)});
    match r {
        Reason::Notification { pdu, .. } => v["notification"] = notification_pdu(pdu),
        Reason::FsmEvent(e) => {
            v["fsm_event"] = json!({"code": e, "name": codes::fsm_event_name(*e)});
        }
        Reason::Tlvs(t) => v["information"] = info_tlvs(t, codes::peer_up_tlv_name),
        Reason::Other { data, .. } => v["data"] = hex(data).into(),
        Reason::NoData(_) => {}
    }
    v
}

/// A NOTIFICATION's code and subcode with their names, and its shutdown communication when
/// it carries one: the shape every report uses.
pub fn notification_json(code: u8, subcode: u8, shutdown: Option<&str>) -> Value {
    let mut v = json!({
        "code": code, "subcode": subcode,
        "name": codes::notification_code_name(code),
        "subcode_name": codes::notification_subcode_name(code, subcode),
    });
    if let Some(text) = shutdown {
        v["shutdown_communication"] = text.into();
    }
    v
}

fn notification_pdu(pdu: &BgpPdu<'_>) -> Value {
    match bgp::decode_pdu(pdu) {
        Ok(BgpMessage::Notification(n)) => {
            let mut v = notification_json(n.code, n.subcode, n.shutdown_communication().as_deref());
            v["data"] = hex(n.data).into();
            v
        }
        _ => json!({"raw": hex(pdu.raw)}),
    }
}

fn bgp_pdu_bytes(b: &[u8]) -> Value {
    match bgp::split_pdu(b) {
        Ok((_, pdu)) => {
            let mut v = json!({"type": codes::bgp_message_type_name(pdu.msg_type), "length": pdu.raw.len()});
            match bgp::decode_pdu(&pdu) {
                Ok(BgpMessage::Notification(_)) => v["notification"] = notification_pdu(&pdu),
                Ok(BgpMessage::Open(o)) => v["open"] = open(&o),
                _ => {}
            }
            v["raw"] = hex(pdu.raw).into();
            v
        }
        Err(_) => json!({"raw": hex(b)}),
    }
}

/// An OPEN.
pub fn open(o: &Open<'_>) -> Value {
    json!({
        "version": o.version,
        "my_as": o.my_as,
        "asn": o.asn(),
        "hold_time": o.hold_time,
        "bgp_id": o.bgp_id.to_string(),
        "capabilities": o.capabilities.iter().map(capability).collect::<Vec<_>>(),
    })
}

/// `{afi, safi, family}`.
pub fn fam(afi: u16, safi: u8) -> Value {
    json!({"afi": afi, "safi": safi, "family": codes::family_name(afi, safi)})
}

/// A capability.
pub fn capability(c: &Capability<'_>) -> Value {
    let mut v = json!({"code": c.code(), "name": codes::capability_name(c.code())});
    match c {
        Capability::Multiprotocol { afi, safi } => {
            v["afi"] = (*afi).into();
            v["safi"] = (*safi).into();
            v["family"] = codes::family_name(*afi, *safi).into();
        }
        Capability::ExtendedNextHop(e) => {
            v["families"] = e
                .iter()
                .map(|(a, s, n)| json!({"afi": a, "safi": s, "next_hop_afi": n}))
                .collect::<Vec<_>>()
                .into();
        }
        Capability::MultipleLabels(e) => {
            v["families"] = e
                .iter()
                .map(|(a, s, n)| {
                    let mut f = fam(*a, *s);
                    f["count"] = (*n).into();
                    f
                })
                .collect::<Vec<_>>()
                .into();
        }
        Capability::Role(r) => {
            v["role"] = (*r).into();
            v["role_name"] = codes::role_name(*r).into();
        }
        Capability::GracefulRestart {
            flags_and_time,
            families,
        } => {
            v["restart_flags"] = (flags_and_time >> 12).into();
            v["restart_time"] = (flags_and_time & 0x0fff).into();
            v["families"] = families
                .iter()
                .map(|(a, s, f)| {
                    let mut x = fam(*a, *s);
                    x["flags"] = (*f).into();
                    x
                })
                .collect::<Vec<_>>()
                .into();
        }
        Capability::FourOctetAs(asn) => v["asn"] = (*asn).into(),
        Capability::AddPath(e) => {
            v["families"] = e
                .iter()
                .map(|(a, s, m)| {
                    let mut x = fam(*a, *s);
                    x["send_receive"] = (*m).into();
                    x["mode"] = codes::add_path_mode_name(*m).into();
                    x
                })
                .collect::<Vec<_>>()
                .into();
        }
        Capability::Fqdn { host, domain } => {
            v["host"] = host.as_str().into();
            v["domain"] = domain.as_str().into();
        }
        Capability::Other { value, .. } => v["raw"] = hex(value).into(),
        Capability::RouteRefresh { .. } | Capability::ExtendedMessage => {}
    }
    v
}

fn route_monitoring(o: &mut Map<String, Value>, u: &Update<'_>, plan: &Plan<'_>) {
    let mut announced = Vec::new();
    let mut withdrawn = Vec::new();
    for r in plan.routes(u) {
        if r.withdrawn {
            withdrawn.push(super::route::route(&r));
        } else {
            announced.push(super::route::route(&r));
        }
    }
    o.insert("announced".into(), announced.into());
    o.insert("withdrawn".into(), withdrawn.into());
    if let Some((afi, safi)) = u.end_of_rib() {
        o.insert("end_of_rib".into(), true.into());
        o.insert(
            "end_of_rib_family".into(),
            codes::family_name(afi, safi).into(),
        );
    }
    o.insert("attributes".into(), super::attrs::attributes(u, plan));
    o.insert(
        "as_width".into(),
        json!({"octets": if plan.four_octet_as { 4 } else { 2 }, "decoded": plan.as_how.label()}),
    );
}

/// One finding as a JSON object.
pub fn finding(ctx: &StreamCtx<'_>, f: &Finding) -> Value {
    let mut o = Map::new();
    o.insert("type".into(), "finding".into());
    o.insert("severity".into(), f.severity().name().into());
    o.insert("kind".into(), f.kind.name().into());
    o.insert("stream".into(), ctx.name.into());
    o.insert("offset".into(), f.offset.into());
    o.insert("router".into(), ctx.router_name().into());
    o.insert("observed_time".into(), time_or_null(ctx.observed));
    o.insert(
        "message_type".into(),
        f.msg_type
            .map_or(Value::Null, |t| codes::message_type_name(t).into()),
    );
    if let Some(p) = &f.peer {
        o.insert("peer".into(), peer(p));
    }
    o.insert("detail".into(), f.detail.clone().into());
    if let Some(n) = f.bytes {
        o.insert("bytes".into(), n.into());
    }
    if let Some(raw) = &f.raw {
        o.insert("raw".into(), hex(raw).into());
    }
    Value::Object(o)
}
