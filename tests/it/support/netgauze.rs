//! Reader for NetGauze's golden BMP JSON (`../shared/captures/expected/*.json`), reduced to
//! the fields our tests compare: message type, BMP version, peer address and the NLRI.
//!
//! Shape (one JSON object per line, one line per BMP message, capture order):
//! `{"V3": {"RouteMonitoring": {"peer_header": {"address": "192.0.2.1" | null, ...},
//!   "update_message": {"Update": {"withdrawn_routes": [..], "path_attributes": [..], "nlri": [..]}}}}}`
//! BMP v4 wraps the update as `"update_pdu": {"index": 0, "value": {"BgpUpdate": {"Update": ..}}}`.
//! Plain IPv4 NLRI are `{"path_id": null | N, "network": "10.0.0.0/24"}`. Multiprotocol NLRI sit in
//! path attributes `{"value": {"MpReach" | "MpUnreach": {"<Family>": {"nlri": [..], ..}}}}` where
//! `<Family>` is e.g. `Ipv4MplsVpnUnicast` (`{"path_id", "rd", "label_stack", "network"}`),
//! `Ipv4NlriMplsLabels` (`{"path_id", "labels", "prefix"}`) or `L2Evpn` (`{"path_id", "route": {..}}`).
//! Loc-RIB peers have `"address": null`. An End-of-RIB is an empty UPDATE (IPv4 unicast) or
//! one whose only attribute is an `MpUnreach` with no NLRI.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ExpectedMessage {
    /// 1-based line number in the expected file.
    pub line: usize,
    pub version: u8,
    /// Our type names: `route_monitoring`, `peer_up`, `peer_down`, `statistics_report`,
    /// `initiation`, `termination`, `route_mirroring`, or `unknown`.
    pub msg_type: &'static str,
    /// Per-peer header address; `None` for Loc-RIB peers and messages without a per-peer header.
    pub peer_address: Option<String>,
    /// IPv4/IPv6 unicast NLRI as `prefix` or `prefix path_id=N`.
    pub announced: BTreeSet<String>,
    pub withdrawn: BTreeSet<String>,
    /// Number of NLRI of other families (VPN, labeled unicast, EVPN, ...).
    pub other_announced: usize,
    pub other_withdrawn: usize,
    /// The IP prefix (plus ` path_id=N`) of the other-family NLRI that have one.
    pub other_prefixes_announced: BTreeSet<String>,
    pub other_prefixes_withdrawn: BTreeSet<String>,
    /// NetGauze family name of an End-of-RIB marker (`Ipv4Unicast` for an empty UPDATE).
    pub end_of_rib: Option<String>,
    /// Anything in the message this reader could not interpret (should stay empty).
    pub unparsed: Vec<String>,
}

/// Parse a whole expected file (one message per non-empty line).
pub fn parse_expected_file(path: &Path) -> Vec<ExpectedMessage> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| {
            let value: Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("{}:{}: not JSON: {e}", path.display(), i + 1));
            parse_expected_message(i + 1, &value)
        })
        .collect()
}

/// Interpret one NetGauze message object.
pub fn parse_expected_message(line: usize, value: &Value) -> ExpectedMessage {
    let mut msg = ExpectedMessage {
        line,
        ..ExpectedMessage::default()
    };
    let Some((version_key, body)) = single_entry(value) else {
        msg.msg_type = "unknown";
        msg.unparsed.push(format!(
            "top level is not {{\"V3\"|\"V4\": ..}}: {}",
            short(value)
        ));
        return msg;
    };
    msg.version = match version_key {
        "V3" => 3,
        "V4" => 4,
        other => {
            msg.unparsed.push(format!("unknown version key {other:?}"));
            0
        }
    };
    // Message: {"RouteMonitoring": {...}} (or a bare string for a unit variant).
    let (type_key, message) = match body {
        Value::String(s) => (s.as_str(), &Value::Null),
        _ => single_entry(body).unwrap_or(("?", &Value::Null)),
    };
    msg.msg_type = match type_key {
        "Initiation" => "initiation",
        "PeerUpNotification" => "peer_up",
        "PeerDownNotification" => "peer_down",
        "RouteMonitoring" => "route_monitoring",
        "StatisticsReport" => "statistics_report",
        "Termination" => "termination",
        "RouteMirroring" => "route_mirroring",
        other => {
            msg.unparsed.push(format!("message type {other:?}"));
            "unknown"
        }
    };
    msg.peer_address = message
        .get("peer_header")
        .and_then(|h| h.get("address"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    if msg.msg_type == "route_monitoring" {
        match find_update(message) {
            Some(update) => read_update(update, &mut msg),
            None => msg
                .unparsed
                .push(format!("no BGP UPDATE found in {}", short(message))),
        }
    }
    msg
}

/// `{"Key": value}` with exactly one key.
fn single_entry(value: &Value) -> Option<(&str, &Value)> {
    let obj = value.as_object()?;
    (obj.len() == 1).then(|| obj.iter().next().map(|(k, v)| (k.as_str(), v)))?
}

/// The `{"withdrawn_routes", "path_attributes", "nlri"}` object of a RouteMonitoring.
fn find_update(message: &Value) -> Option<&Value> {
    let v3 = message.get("update_message").and_then(|u| u.get("Update"));
    let v4 = message
        .get("update_pdu")
        .and_then(|p| p.get("value"))
        .and_then(|v| v.get("BgpUpdate"))
        .and_then(|u| u.get("Update"));
    v3.or(v4)
}

fn read_update(update: &Value, msg: &mut ExpectedMessage) {
    let list = |key: &str| update.get(key).and_then(Value::as_array).map(Vec::as_slice);
    let (Some(withdrawn), Some(attributes), Some(nlri)) = (
        list("withdrawn_routes"),
        list("path_attributes"),
        list("nlri"),
    ) else {
        msg.unparsed
            .push(format!("UPDATE without the three lists: {}", short(update)));
        return;
    };
    for n in nlri {
        add_nlri(n, true, true, msg);
    }
    for n in withdrawn {
        add_nlri(n, true, false, msg);
    }
    let mut mp_unreach_families = Vec::new();
    let mut mp_unreach_entries = 0;
    for attribute in attributes {
        let Some(value) = attribute.get("value") else {
            msg.unparsed.push(format!(
                "path attribute without value: {}",
                short(attribute)
            ));
            continue;
        };
        for (key, announced) in [("MpReach", true), ("MpUnreach", false)] {
            let Some(mp) = value.get(key) else { continue };
            let Some((family, body)) = single_entry(mp) else {
                msg.unparsed
                    .push(format!("{key} is not {{family: ..}}: {}", short(mp)));
                continue;
            };
            let Some(entries) = body.get("nlri").and_then(Value::as_array) else {
                msg.unparsed.push(format!(
                    "{key} {family} without an nlri list: {}",
                    short(body)
                ));
                continue;
            };
            let unicast = matches!(family, "Ipv4Unicast" | "Ipv6Unicast");
            for n in entries {
                add_nlri(n, unicast, announced, msg);
            }
            if !announced {
                mp_unreach_families.push(family.to_owned());
                mp_unreach_entries += entries.len();
            }
        }
    }
    // RFC 4724: End-of-RIB is an UPDATE with nothing in it (IPv4 unicast), or one whose only
    // attribute is an MP_UNREACH_NLRI without NLRI.
    if nlri.is_empty() && withdrawn.is_empty() {
        if attributes.is_empty() {
            msg.end_of_rib = Some("Ipv4Unicast".to_owned());
        } else if attributes.len() == 1 && mp_unreach_families.len() == 1 && mp_unreach_entries == 0
        {
            msg.end_of_rib = mp_unreach_families.pop();
        }
    }
}

/// Add one NLRI object to the right set of `msg`.
fn add_nlri(nlri: &Value, unicast: bool, announced: bool, msg: &mut ExpectedMessage) {
    let text = nlri_text(nlri);
    if unicast {
        let Some(text) = text else {
            msg.unparsed
                .push(format!("unicast NLRI without network: {}", short(nlri)));
            return;
        };
        if announced {
            &mut msg.announced
        } else {
            &mut msg.withdrawn
        }
        .insert(text);
    } else {
        if announced {
            msg.other_announced += 1;
        } else {
            msg.other_withdrawn += 1;
        }
        if let Some(text) = text {
            if announced {
                &mut msg.other_prefixes_announced
            } else {
                &mut msg.other_prefixes_withdrawn
            }
            .insert(text);
        }
    }
}

/// `"10.0.0.0/24"` or `"10.0.0.0/24 path_id=7"` from `{"network"|"prefix": .., "path_id": ..}`.
fn nlri_text(nlri: &Value) -> Option<String> {
    let prefix = nlri
        .get("network")
        .or_else(|| nlri.get("prefix"))
        .and_then(Value::as_str)?;
    Some(prefix_text(
        prefix,
        nlri.get("path_id").and_then(Value::as_u64),
    ))
}

/// The text form used on both sides of the comparison.
pub fn prefix_text(prefix: &str, path_id: Option<u64>) -> String {
    match path_id {
        Some(id) => format!("{prefix} path_id={id}"),
        None => prefix.to_owned(),
    }
}

fn short(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(200) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text,
    }
}
