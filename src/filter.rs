//! The filters shared by `decode` and every view: `--router`, `--peer`, `--rib`, `--afi`,
//! `--since`, `--until`. Each list filter matches when any of its values matches; an empty list
//! matches everything.

use std::net::IpAddr;

use crate::analysis::event_time;
use crate::decode::bmp::Body;
use crate::decode::bmp::header::{PeerHeader, RibView};
use crate::decode::codes;
use crate::render::StreamCtx;
use crate::stream::Event;

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

/// Parses a time for `--since`/`--until`: RFC 3339 (`2024-06-11T14:00:00Z`, fractional seconds
/// and `+hh:mm` offsets allowed) or seconds since the epoch. Returns microseconds.
pub fn parse_time(s: &str) -> Result<u64, String> {
    if let Ok(secs) = s.parse::<u64>() {
        return Ok(secs.saturating_mul(1_000_000));
    }
    let bad =
        || format!("'{s}' is not a time: use RFC 3339 (2024-06-11T14:00:00Z) or epoch seconds");
    let b = s.as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return Err(bad());
    }
    let num =
        |r: std::ops::Range<usize>| s.get(r).and_then(|x| x.parse::<i64>().ok()).ok_or_else(bad);
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
        return Err(bad());
    }
    let mut rest = &s[19..];
    let mut micros = 0i64;
    if let Some(frac) = rest.strip_prefix('.') {
        let digits: String = frac.chars().take_while(char::is_ascii_digit).collect();
        rest = &frac[digits.len()..];
        let padded = format!("{:0<6}", &digits[..digits.len().min(6)]);
        micros = padded.parse().map_err(|_| bad())?;
    }
    let offset = match rest {
        "Z" | "z" | "" => 0,
        o if o.len() == 6 && matches!(o.as_bytes()[0], b'+' | b'-') && o.as_bytes()[3] == b':' => {
            // By `get`: the other octets need not fall on character boundaries.
            let part = |r: std::ops::Range<usize>| o.get(r).and_then(|x| x.parse::<i64>().ok());
            let (Some(oh), Some(om)) = (part(1..3), part(4..6)) else {
                return Err(bad());
            };
            let v = oh * 3600 + om * 60;
            if o.starts_with('-') { -v } else { v }
        }
        _ => return Err(bad()),
    };
    let days = days_from_civil(y, mo, d);
    let secs = days * 86_400 + h * 3600 + mi * 60 + se - offset;
    if secs < 0 {
        return Err(bad());
    }
    Ok(secs as u64 * 1_000_000 + micros as u64)
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
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
    /// Address families: an AFI name (`ipv4`, `ipv6`, `l2vpn`) or a family (`ipv4_unicast`,
    /// `ipv6_vpn`, `l2vpn_evpn`).
    pub families: Vec<String>,
    /// Earliest time, microseconds since the epoch.
    pub since: Option<u64>,
    /// Latest time, microseconds since the epoch.
    pub until: Option<u64>,
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
    pub fn family(&self, afi: u16, safi: u8) -> bool {
        self.families.is_empty()
            || self
                .families
                .iter()
                .any(|f| f == codes::afi_name(afi) || *f == codes::family_name(afi, safi))
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
    pub fn time(&self, t: Option<(u64, u32)>) -> bool {
        let Some(t) = t.map(crate::analysis::micros) else {
            return true;
        };
        self.since.is_none_or(|s| t >= s) && self.until.is_none_or(|u| t <= u)
    }

    /// Whether a message of which only the per-peer header was read (another lane decodes
    /// it: see [`crate::lanes`]) passes, as [`event`](Self::event) would decide without
    /// `--afi` (a run is not split by peer when `--afi` is given).
    pub fn foreign(&self, ctx: &StreamCtx<'_>, p: &PeerHeader) -> bool {
        self.is_empty()
            || (self.router(ctx) && self.time(crate::analysis::header_time(ctx, p)) && self.peer(p))
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
        let peer = match ev {
            Event::Message(d) => d.msg.peer,
            Event::Finding(f) => f.peer,
        };
        match peer {
            Some(p) if !self.peer(&p) => return false,
            None if !self.peers.is_empty() || !self.ribs.is_empty() => return false,
            _ => {}
        }
        if self.families.is_empty() {
            return true;
        }
        match ev {
            Event::Message(d) if matches!(d.msg.body, Body::RouteMonitoring(_)) => {
                d.update.as_ref().is_some_and(|(u, plan)| {
                    plan.routes(u).any(|r| self.family(r.afi, r.safi))
                        || u.end_of_rib().is_some_and(|(a, s)| self.family(a, s))
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
    fn times() {
        assert_eq!(parse_time("0").unwrap(), 0);
        assert_eq!(parse_time("1970-01-01T00:00:01Z").unwrap(), 1_000_000);
        assert_eq!(
            parse_time("2014-12-30T02:29:31.920608Z").unwrap(),
            1_419_906_571_920_608
        );
        assert_eq!(
            parse_time("2014-12-30T04:29:31+02:00").unwrap(),
            1_419_906_571_000_000
        );
        assert!(parse_time("yesterday").is_err());
        assert!(parse_time("2014-13-30T04:29:31Z").is_err());
        // Offsets that are not ASCII where the digits should be: an error, not a panic.
        assert!(parse_time("2024-06-11T14:00:00+é:00").is_err());
        assert!(parse_time("2024-06-11T14:00:00éabcd").is_err());
        assert!(parse_time("2024-06-11T14:00:00+0é:0").is_err());
    }

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
