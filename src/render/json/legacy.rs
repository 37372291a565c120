//! JSON values for the views that still build their reports as `serde_json::Value`
//! (`analysis::peers` and `analysis::timeline` import these). They go when those views have
//! typed reports; the message log does not use them.

use serde_json::{Value, json};

use crate::decode::bmp::header::PeerHeader;
use crate::decode::codes;
use crate::time::Timestamp;

/// A time as RFC 3339 text with microseconds, or `null`.
pub fn time_or_null(t: Option<Timestamp>) -> Value {
    t.map_or(Value::Null, |t| t.to_string().into())
}

/// The `peer` object, as the message log writes it.
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
