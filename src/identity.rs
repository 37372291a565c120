//! Router identity: which router each BMP stream comes from, decided in one place for every
//! view, and how a stream relates to the earlier streams of its router.
//!
//! # Rules
//!
//! * **At its start**, a stream whose router address (known to captures, OpenBMP and live
//!   sessions) is that of an earlier stream's router belongs to that router: it is a new BMP
//!   session of it, and the router re-sends its tables. A stream from a new address, or whose
//!   source knows no address (a raw dump, standard input), starts a new router.
//! * **At its Initiation**, a stream whose router has no sysName yet takes the one given. When
//!   an earlier router already has that sysName and the two addresses do not differ (they are
//!   equal, or either is unknown, as in a raw dump), the stream belongs to that earlier router
//!   instead: a new session of it. Two routers at different addresses that give the same
//!   sysName stay two routers (a default hostname is not an identity), but the later stream is
//!   still reported as related to the earlier one ([`Predecessor`] matched by sysName).
//! * A new session's **predecessor** is the latest earlier stream of the same address (at the
//!   start) or of the same sysName (at the Initiation), whichever came first. It is a
//!   **reconnect** when that stream had ended, a **concurrent second session** when it was
//!   still open ([`Predecessor::ended`]).
//!
//! Every lane of a run split by peer sees every stream start and every Initiation, in the same
//! order, so every lane's [`Routers`] decides alike.

use std::collections::HashMap;
use std::net::IpAddr;

/// A router, as [`Routers`] numbers them in the order they appear (from 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct RouterId(pub u32);

impl RouterId {
    /// No router: findings about an input rather than one of its streams (a damaged capture
    /// file, a TCP flow that is not BMP).
    pub const NONE: RouterId = RouterId(u32::MAX);

    /// Whether this is [`RouterId::NONE`].
    pub fn is_none(self) -> bool {
        self == RouterId::NONE
    }

    /// As an index.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// What tied a stream to an earlier one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchedBy {
    /// The same router address at the stream's start.
    Address,
    /// The same sysName in the stream's Initiation.
    SysName,
}

impl MatchedBy {
    /// JSON name.
    pub fn name(self) -> &'static str {
        match self {
            MatchedBy::Address => "address",
            MatchedBy::SysName => "sys_name",
        }
    }
}

/// The earlier stream a new stream of a known router (or sysName) follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Predecessor {
    /// Its name.
    pub stream: String,
    /// What matched.
    pub matched_by: MatchedBy,
    /// It had ended when this one began (a reconnect); else the two run concurrently.
    pub ended: bool,
}

/// What a stream's start decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Started {
    /// The stream's router.
    pub router: RouterId,
    /// The router was seen before (by its address): this is a new session of it.
    pub known: bool,
    /// The earlier stream of the same address, if any.
    pub predecessor: Option<Predecessor>,
}

/// What a stream's Initiation changed about its identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Joined {
    /// The stream's router before: when it differs from the stream's router now, the stream
    /// turned out to be a new session of an earlier router, and everything seen of it so far
    /// belongs to that router.
    pub from: RouterId,
    /// The stream's router now.
    pub router: RouterId,
    /// The earlier stream of the same sysName, when the stream had no predecessor yet.
    pub predecessor: Option<Predecessor>,
}

impl Joined {
    /// Whether the stream moved to an earlier router.
    pub fn merged(&self) -> bool {
        self.from != self.router
    }
}

#[derive(Debug)]
struct Router {
    address: Option<IpAddr>,
    sys_name: Option<String>,
}

#[derive(Debug)]
struct Stream {
    name: String,
    router: RouterId,
    ended: bool,
    /// A predecessor was reported already.
    related: bool,
}

/// The routers of a run and the streams that carry them.
#[derive(Debug, Default)]
pub struct Routers {
    routers: Vec<Router>,
    streams: Vec<Stream>,
    /// Open stream name -> stream.
    open: HashMap<String, usize>,
    /// Router address -> its router.
    by_address: HashMap<IpAddr, RouterId>,
    /// Router address -> its latest stream.
    latest_by_address: HashMap<IpAddr, usize>,
    /// sysName -> its latest stream.
    latest_by_sys_name: HashMap<String, usize>,
    /// Routers merged so far: a caller that keeps a stream's router asks again when it changed.
    merges: u64,
}

impl Routers {
    /// No routers yet.
    pub fn new() -> Self {
        Routers::default()
    }

    /// A stream starts: its router, and whether it is a new session of a known one. A name
    /// used again (the same file read twice) is a new stream.
    pub fn start(&mut self, stream: &str, address: Option<IpAddr>) -> Started {
        let known = address.and_then(|a| self.by_address.get(&a).copied());
        let router = known.unwrap_or_else(|| self.new_router(address));
        let s = self.streams.len();
        let predecessor = address
            .and_then(|a| self.latest_by_address.insert(a, s))
            .map(|p| self.predecessor(p, MatchedBy::Address));
        if let Some(a) = address {
            self.by_address.entry(a).or_insert(router);
        }
        self.streams.push(Stream {
            name: stream.to_string(),
            router,
            ended: false,
            related: predecessor.is_some(),
        });
        self.open.insert(stream.to_string(), s);
        Started {
            router,
            known: known.is_some(),
            predecessor,
        }
    }

    /// The router of an open stream (a stream never started, as when events are fed without
    /// a source, is started here).
    pub fn router(&mut self, stream: &str) -> RouterId {
        match self.open.get(stream) {
            Some(&s) => self.streams[s].router,
            None => self.start(stream, None).router,
        }
    }

    /// A stream's Initiation gave `sys_name`: `Some` when that changed the stream's router or
    /// related it to an earlier stream.
    pub fn initiation(&mut self, stream: &str, sys_name: &str) -> Option<Joined> {
        let s = match self.open.get(stream) {
            Some(&s) => s,
            None => {
                self.start(stream, None);
                self.streams.len() - 1
            }
        };
        let from = self.streams[s].router;
        let mut router = from;
        if self.routers[from.index()].sys_name.is_none() {
            let address = self.routers[from.index()].address;
            let earlier = self.routers.iter().position(|r| {
                r.sys_name.as_deref() == Some(sys_name)
                    && (r.address.is_none() || address.is_none() || r.address == address)
            });
            if let Some(o) = earlier.filter(|&o| o != from.index()) {
                router = RouterId(o as u32);
                self.merge(from, router);
            }
        }
        // A router keeps the sysName of its latest Initiation.
        self.routers[router.index()].sys_name = Some(sys_name.to_string());
        let previous = self.latest_by_sys_name.insert(sys_name.to_string(), s);
        let predecessor = match previous {
            Some(p) if p != s && !self.streams[s].related => {
                self.streams[s].related = true;
                Some(self.predecessor(p, MatchedBy::SysName))
            }
            _ => None,
        };
        (router != from || predecessor.is_some()).then_some(Joined {
            from,
            router,
            predecessor,
        })
    }

    /// Counts the merges so far: while it is unchanged, every open stream's router is too.
    pub fn epoch(&self) -> u64 {
        self.merges
    }

    /// A stream ended.
    pub fn end(&mut self, stream: &str) {
        if let Some(s) = self.open.remove(stream) {
            self.streams[s].ended = true;
        }
    }

    fn new_router(&mut self, address: Option<IpAddr>) -> RouterId {
        self.routers.push(Router {
            address,
            sys_name: None,
        });
        RouterId((self.routers.len() - 1) as u32)
    }

    fn predecessor(&self, s: usize, matched_by: MatchedBy) -> Predecessor {
        Predecessor {
            stream: self.streams[s].name.clone(),
            matched_by,
            ended: self.streams[s].ended,
        }
    }

    /// Router `from` turned out to be router `into`: its streams and its address go there.
    fn merge(&mut self, from: RouterId, into: RouterId) {
        self.merges += 1;
        for st in &mut self.streams {
            if st.router == from {
                st.router = into;
            }
        }
        if let Some(a) = self.routers[from.index()].address {
            self.by_address.insert(a, into);
            let target = &mut self.routers[into.index()];
            target.address = target.address.or(Some(a));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn the_same_address_is_the_same_router_reconnecting_or_concurrent() {
        let mut r = Routers::new();
        let a = r.start("a", ip("192.0.2.1"));
        assert_eq!(
            (a.router, a.known, a.predecessor),
            (RouterId(0), false, None)
        );
        let b = r.start("b", ip("192.0.2.1"));
        assert_eq!(b.router, RouterId(0));
        assert!(b.known);
        assert_eq!(
            b.predecessor,
            Some(Predecessor {
                stream: "a".into(),
                matched_by: MatchedBy::Address,
                ended: false
            })
        );
        r.end("b");
        let c = r.start("c", ip("192.0.2.1"));
        assert!(c.predecessor.is_some_and(|p| p.stream == "b" && p.ended));
        assert_eq!(r.start("d", ip("192.0.2.2")).router, RouterId(1));
        assert_eq!(r.start("e", None).router, RouterId(2));
    }

    #[test]
    fn a_sys_name_joins_streams_whose_addresses_do_not_differ() {
        let mut r = Routers::new();
        r.start("pcap flow", ip("192.0.2.1"));
        assert_eq!(r.initiation("pcap flow", "pe1"), None);
        // A raw dump of the same router: no address, the same sysName.
        let dump = r.start("dump.bmp", None);
        assert_eq!(dump.router, RouterId(1));
        let joined = r.initiation("dump.bmp", "pe1").expect("joins pe1");
        assert_eq!((joined.from, joined.router), (RouterId(1), RouterId(0)));
        assert!(joined.merged());
        assert_eq!(
            joined.predecessor.map(|p| (p.stream, p.matched_by)),
            Some(("pcap flow".to_string(), MatchedBy::SysName))
        );
        assert_eq!(r.router("dump.bmp"), RouterId(0));
    }

    #[test]
    fn routers_at_different_addresses_with_one_sys_name_stay_apart_but_related() {
        let mut r = Routers::new();
        r.start("x", ip("192.0.2.1"));
        r.initiation("x", "frr");
        r.start("y", ip("192.0.2.9"));
        let j = r.initiation("y", "frr").expect("related by sysName");
        assert!(!j.merged());
        assert_eq!(j.router, RouterId(1));
        assert!(j.predecessor.is_some_and(|p| p.stream == "x" && !p.ended));
    }

    #[test]
    fn a_stream_related_by_address_is_not_related_again_by_sys_name() {
        let mut r = Routers::new();
        r.start("a", ip("192.0.2.1"));
        r.initiation("a", "pe1");
        r.end("a");
        r.start("b", ip("192.0.2.1"));
        assert_eq!(r.initiation("b", "pe1"), None);
    }

    #[test]
    fn a_merge_moves_every_open_stream_of_the_router() {
        let mut r = Routers::new();
        r.start("dump.bmp", None);
        r.initiation("dump.bmp", "pe1");
        r.start("a", ip("192.0.2.1"));
        r.start("b", ip("192.0.2.1"));
        let before = r.epoch();
        assert!(r.initiation("a", "pe1").is_some_and(|j| j.merged()));
        assert_ne!(r.epoch(), before);
        // "b", a concurrent session from the same address, moved too.
        assert_eq!(r.router("b"), RouterId(0));
    }

    #[test]
    fn a_merged_routers_address_leads_to_the_merged_router() {
        let mut r = Routers::new();
        r.start("dump.bmp", None);
        r.initiation("dump.bmp", "pe1");
        r.start("flow", ip("192.0.2.1"));
        assert!(r.initiation("flow", "pe1").is_some_and(|j| j.merged()));
        assert_eq!(r.start("flow2", ip("192.0.2.1")).router, RouterId(0));
    }
}
