//! A decoded UPDATE as the message log writes it, in a Route Monitoring or a mirrored one: its
//! routes, its attributes, the AS width it was read with.

use serde::Serialize;

use super::attributes::AttributesOf;
use super::routes::Routes;
use super::{Shown, family};
use crate::decode::bgp::update::{Plan, Update};
use crate::decode::family::Family;

/// The fields of a decoded UPDATE (in a Route Monitoring, or a mirrored one).
#[derive(Serialize)]
pub(crate) struct UpdateBody<'a> {
    announced: Routes<'a>,
    withdrawn: Routes<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_of_rib: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_of_rib_family: Option<Shown<Family>>,
    attributes: AttributesOf<'a>,
    as_width: AsWidth,
}

impl<'a> UpdateBody<'a> {
    pub(crate) fn new(u: &'a Update<'a>, plan: &'a Plan<'a>) -> Self {
        let end_of_rib = u.end_of_rib();
        UpdateBody {
            announced: Routes::announced(u, plan),
            withdrawn: Routes::withdrawn(u, plan),
            end_of_rib: end_of_rib.map(|_| true),
            end_of_rib_family: end_of_rib.map(family),
            attributes: AttributesOf { update: u, plan },
            as_width: AsWidth {
                octets: if plan.four_octet_as { 4 } else { 2 },
                decoded: plan.as_how.label(),
            },
        }
    }
}

/// The AS width an UPDATE was decoded with, and why.
#[derive(Serialize)]
struct AsWidth {
    octets: u8,
    decoded: &'static str,
}
