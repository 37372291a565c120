//! The filters shared by `decode` and every view: `--router`, `--peer`, `--rib`, `--afi`,
//! `--since`, `--until`. Each list filter matches when any of its values matches; an empty list
//! matches everything.

use std::net::IpAddr;

use crate::decode::bmp::Body;
use crate::decode::bmp::header::{PeerHeader, RibView};
use crate::decode::family::{Family, FamilyMatch};
use crate::event::{Event, StreamCtx, event_time, header_time};
use crate::time::Timestamp;

/// An address or a prefix that peer addresses must fall in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AddrMatch {
    /// Network address.
    pub addr: IpAddr,
    /// Prefix length (32 or 128 for a single address).
    pub len: u8,
}

impl AddrMatch {
    /// Parses `192.0.2.1`, `2001:db8::1` or `192.0.2.0/24`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let (a, l) = match s.split_once('/') {
            Some((a, l)) => (a, Some(l)),
            None => (s, None),
        };
        let addr: IpAddr = a
            .parse()
            .map_err(|_| format!("'{s}' is not an IP address or prefix"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let len = match l {
            Some(l) => l
                .parse::<u8>()
                .ok()
                .filter(|&n| n <= max)
                .ok_or_else(|| format!("'{s}': prefix length must be 0-{max}"))?,
            None => max,
        };
        Ok(AddrMatch { addr, len })
    }

    /// Whether `a` is inside.
    pub fn contains(&self, a: IpAddr) -> bool {
        let (n, x) = match (self.addr, a) {
            (IpAddr::V4(n), IpAddr::V4(x)) => (u32::from(n) as u128, u32::from(x) as u128),
            (IpAddr::V6(n), IpAddr::V6(x)) => (u128::from(n), u128::from(x)),
            _ => return false,
        };
        let bits = if self.addr.is_ipv4() { 32 } else { 128 };
        let shift = bits - self.len as u32;
        shift >= 128 || (n >> shift) == (x >> shift)
    }
}

/// RIB view names as the command line takes them.
pub fn parse_rib(s: &str) -> Result<RibView, String> {
    Ok(match s {
        "in-pre" | "adj_rib_in_pre" => RibView::AdjRibInPre,
        "in-post" | "adj_rib_in_post" => RibView::AdjRibInPost,
        "out-pre" | "adj_rib_out_pre" => RibView::AdjRibOutPre,
        "out-post" | "adj_rib_out_post" => RibView::AdjRibOutPost,
        "loc-rib" | "loc_rib" => RibView::LocRib,
        _ => {
            return Err(format!(
                "'{s}' is not a RIB view: in-pre, in-post, out-pre, out-post or loc-rib"
            ));
        }
    })
}

/// The filter.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Router names (sysName), addresses or stream names.
    pub routers: Vec<String>,
    /// Peer addresses or prefixes.
    pub peers: Vec<AddrMatch>,
    /// RIB views.
    pub ribs: Vec<RibView>,
    /// Address families: a whole AFI or one family.
    pub families: Vec<FamilyMatch>,
    /// Earliest time.
    pub since: Option<Timestamp>,
    /// Latest time.
    pub until: Option<Timestamp>,
}

impl Filter {
    /// Whether the filter lets everything through.
    pub fn is_empty(&self) -> bool {
        self.routers.is_empty()
            && self.peers.is_empty()
            && self.ribs.is_empty()
            && self.families.is_empty()
            && self.since.is_none()
            && self.until.is_none()
    }

    /// Whether routes of this family pass `--afi`.
    pub fn family(&self, family: Family) -> bool {
        self.families.is_empty() || self.families.iter().any(|m| m.matches(family))
    }

    /// Whether the router passes `--router`.
    pub fn router(&self, ctx: &StreamCtx<'_>) -> bool {
        self.routers.is_empty()
            || self.routers.iter().any(|r| {
                ctx.router.sys_name.as_deref() == Some(r.as_str())
                    || ctx.router.address.is_some_and(|a| a.to_string() == *r)
                    || ctx.name == r
            })
    }

    /// Whether a per-peer header passes `--peer` and `--rib`.
    pub fn peer(&self, p: &PeerHeader) -> bool {
        (self.peers.is_empty() || self.peers.iter().any(|m| m.contains(p.address())))
            && (self.ribs.is_empty() || self.ribs.contains(&p.rib()))
    }

    /// Whether a time passes `--since` and `--until` (an event without time passes).
    pub fn time(&self, t: Option<Timestamp>) -> bool {
        let Some(t) = t.map(Timestamp::micros) else {
            return true;
        };
        self.since.is_none_or(|s| t >= s.micros()) && self.until.is_none_or(|u| t <= u.micros())
    }

    /// Whether a message of which only the per-peer header was read (another lane decodes
    /// it: see [`crate::pipeline::lanes`]) passes, as [`event`](Self::event) would decide without
    /// `--afi` (a run is not split by peer when `--afi` is given).
    pub fn foreign(&self, ctx: &StreamCtx<'_>, p: &PeerHeader) -> bool {
        self.is_empty() || (self.router(ctx) && self.time(header_time(ctx, p)) && self.peer(p))
    }

    /// Whether an event passes. Messages without a per-peer header pass `--peer` and `--rib`
    /// only when those are not given; Route Monitoring passes `--afi` when it carries a route
    /// or End-of-RIB of a matching family; other messages ignore `--afi`.
    pub fn event(&self, ctx: &StreamCtx<'_>, ev: &Event<'_>) -> bool {
        if self.is_empty() {
            return true;
        }
        if !self.router(ctx) || !self.time(event_time(ctx, ev)) {
            return false;
        }
        match ev.peer() {
            Some(p) if !self.peer(p) => return false,
            None if !self.peers.is_empty() || !self.ribs.is_empty() => return false,
            _ => {}
        }
        if self.families.is_empty() {
            return true;
        }
        match ev {
            Event::Message(d) if matches!(d.msg.body, Body::RouteMonitoring(..)) => {
                d.update.as_ref().is_some_and(|(u, plan)| {
                    plan.routes(u).any(|r| self.family(r.family))
                        || u.end_of_rib().is_some_and(|f| self.family(f))
                })
            }
            _ => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes() {
        let m = AddrMatch::parse("192.0.2.0/24").unwrap();
        assert!(m.contains("192.0.2.77".parse().unwrap()));
        assert!(!m.contains("192.0.3.1".parse().unwrap()));
        assert!(!m.contains("2001:db8::1".parse().unwrap()));
        let all = AddrMatch::parse("::/0").unwrap();
        assert!(all.contains("2001:db8::1".parse().unwrap()));
        assert!(AddrMatch::parse("192.0.2.0/33").is_err());
    }
}
