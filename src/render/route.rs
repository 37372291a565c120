//! JSON for one route (NLRI element), per family.

use serde_json::{Map, Value};

use crate::decode::bgp::nlri::{NlriKind, label_values, rd_text};
use crate::decode::bgp::update::Route;
use crate::decode::codes;
use crate::decode::hex;

/// One route.
pub fn route(r: &Route<'_>) -> Value {
    let mut v = Map::new();
    match r.nlri.kind {
        NlriKind::Prefix(p) => {
            v.insert("prefix".into(), p.to_string().into());
        }
        NlriKind::Labeled { labels, prefix } => {
            v.insert("prefix".into(), prefix.to_string().into());
            v.insert(
                "labels".into(),
                label_values(labels).collect::<Vec<_>>().into(),
            );
        }
        NlriKind::Vpn { labels, rd, prefix } => {
            v.insert("prefix".into(), prefix.to_string().into());
            v.insert("rd".into(), rd_text(&rd).into());
            v.insert(
                "labels".into(),
                label_values(labels).collect::<Vec<_>>().into(),
            );
        }
        NlriKind::Evpn { route_type, value } => {
            v.insert("evpn_route_type".into(), route_type.into());
            v.insert("raw".into(), hex(value).into());
        }
        NlriKind::Raw(b) => {
            v.insert("raw".into(), hex(b).into());
        }
    }
    if let Some(id) = r.nlri.path_id {
        v.insert("path_id".into(), id.into());
    }
    v.insert("family".into(), codes::family_name(r.afi, r.safi).into());
    v.insert("decoded".into(), r.how.label().into());
    Value::Object(v)
}
