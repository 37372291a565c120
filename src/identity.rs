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

    /// As an index.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// An open stream, as [`Routers::start`] gave it: the caller keeps it while the stream is
/// open and hands it back, so a merge of routers needs no bookkeeping by the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamHandle(usize);

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
    /// The stream, for the later calls about it.
    pub stream: StreamHandle,
    /// The stream's router.
    pub router: RouterId,
    /// The earlier stream of the same address, if any.
    pub predecessor: Option<Predecessor>,
}

/// What a stream's Initiation changed about its identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Joined {
    /// The stream's router before: when it differs from the stream's router now, the stream
    /// turned out to be a new session of an earlier router, and everything seen of router
    /// `from` so far (on this stream and on any other of its streams) belongs to that router.
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
    /// How many of the `latest_by_*` maps point at it: an ended stream is forgotten once none
    /// does, so a station that runs for months keeps only what it can still be asked about.
    latest_of: u8,
}

/// The routers of a run and the streams that carry them.
#[derive(Debug, Default)]
pub struct Routers {
    routers: Vec<Router>,
    /// Open streams, and ended streams that are still some address's or sysName's latest;
    /// `None` is a free slot.
    streams: Vec<Option<Stream>>,
    free: Vec<usize>,
    /// Router address -> its router.
    by_address: HashMap<IpAddr, RouterId>,
    /// Router address -> its latest stream.
    latest_by_address: HashMap<IpAddr, usize>,
    /// sysName -> its latest stream.
    latest_by_sys_name: HashMap<String, usize>,
}

impl Routers {
    /// No routers yet.
    pub fn new() -> Self {
        Routers::default()
    }

    /// A stream starts: its router, and the earlier stream of its address. A name used again
    /// (the same file read twice) is a new stream.
    pub fn start(&mut self, stream: &str, address: Option<IpAddr>) -> Started {
        let router = match address.and_then(|a| self.by_address.get(&a).copied()) {
            Some(known) => known,
            None => self.new_router(address),
        };
        let s = self.add_stream(Stream {
            name: stream.to_string(),
            router,
            ended: false,
            related: false,
            latest_of: 0,
        });
        let predecessor = address.and_then(|a| {
            self.by_address.entry(a).or_insert(router);
            let previous = self.latest_by_address.insert(a, s);
            self.stream_mut(s).latest_of += 1;
            let p = previous.map(|p| self.predecessor(p, MatchedBy::Address));
            if let Some(p) = previous {
                self.release(p);
            }
            p
        });
        self.stream_mut(s).related = predecessor.is_some();
        Started {
            stream: StreamHandle(s),
            router,
            predecessor,
        }
    }

    /// The router of an open stream.
    pub fn router(&self, stream: StreamHandle) -> RouterId {
        self.streams[stream.0]
            .as_ref()
            .map_or(RouterId::NONE, |s| s.router)
    }

    /// An open stream's Initiation gave `sys_name`: `Some` when that changed the stream's
    /// router or related it to an earlier stream.
    pub fn initiation(&mut self, stream: StreamHandle, sys_name: &str) -> Option<Joined> {
        let s = stream.0;
        let from = self.streams[s].as_ref()?.router;
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
        let previous = match self.latest_by_sys_name.get_mut(sys_name) {
            Some(latest) => Some(std::mem::replace(latest, s)),
            None => {
                self.latest_by_sys_name.insert(sys_name.to_string(), s);
                None
            }
        };
        if previous != Some(s) {
            self.stream_mut(s).latest_of += 1;
        }
        let predecessor = match previous {
            Some(p) if p != s && !self.stream_mut(s).related => {
                self.stream_mut(s).related = true;
                Some(self.predecessor(p, MatchedBy::SysName))
            }
            _ => None,
        };
        if let Some(p) = previous.filter(|&p| p != s) {
            self.release(p);
        }
        (router != from || predecessor.is_some()).then_some(Joined {
            from,
            router,
            predecessor,
        })
    }

    /// An open stream ended; its handle is not to be used again.
    pub fn end(&mut self, stream: StreamHandle) {
        if let Some(st) = self.streams[stream.0].as_mut() {
            st.ended = true;
            if st.latest_of == 0 {
                self.forget(stream.0);
            }
        }
    }

    fn new_router(&mut self, address: Option<IpAddr>) -> RouterId {
        self.routers.push(Router {
            address,
            sys_name: None,
        });
        RouterId((self.routers.len() - 1) as u32)
    }

    fn add_stream(&mut self, stream: Stream) -> usize {
        match self.free.pop() {
            Some(s) => {
                self.streams[s] = Some(stream);
                s
            }
            None => {
                self.streams.push(Some(stream));
                self.streams.len() - 1
            }
        }
    }

    /// A stream in use (open, or some address's or sysName's latest).
    fn stream_mut(&mut self, s: usize) -> &mut Stream {
        self.streams[s]
            .as_mut()
            .expect("a stream in use has its slot")
    }

    /// One of the `latest_by_*` maps stopped pointing at stream `s`.
    fn release(&mut self, s: usize) {
        let st = self.stream_mut(s);
        st.latest_of -= 1;
        if st.latest_of == 0 && st.ended {
            self.forget(s);
        }
    }

    fn forget(&mut self, s: usize) {
        self.streams[s] = None;
        self.free.push(s);
    }

    fn predecessor(&self, s: usize, matched_by: MatchedBy) -> Predecessor {
        let st = self.streams[s]
            .as_ref()
            .expect("a latest stream has its slot");
        Predecessor {
            stream: st.name.clone(),
            matched_by,
            ended: st.ended,
        }
    }

    /// Router `from` turned out to be router `into`: its streams and its address go there.
    fn merge(&mut self, from: RouterId, into: RouterId) {
        for st in self.streams.iter_mut().flatten() {
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
        assert_eq!((a.router, a.predecessor), (RouterId(0), None));
        let b = r.start("b", ip("192.0.2.1"));
        assert_eq!(b.router, RouterId(0));
        assert_eq!(
            b.predecessor,
            Some(Predecessor {
                stream: "a".into(),
                matched_by: MatchedBy::Address,
                ended: false
            })
        );
        r.end(b.stream);
        let c = r.start("c", ip("192.0.2.1"));
        assert!(c.predecessor.is_some_and(|p| p.stream == "b" && p.ended));
        assert_eq!(r.start("d", ip("192.0.2.2")).router, RouterId(1));
        assert_eq!(r.start("e", None).router, RouterId(2));
    }

    #[test]
    fn a_sys_name_joins_streams_whose_addresses_do_not_differ() {
        let mut r = Routers::new();
        let flow = r.start("pcap flow", ip("192.0.2.1")).stream;
        assert_eq!(r.initiation(flow, "pe1"), None);
        // A raw dump of the same router: no address, the same sysName.
        let dump = r.start("dump.bmp", None);
        assert_eq!(dump.router, RouterId(1));
        let joined = r.initiation(dump.stream, "pe1").expect("joins pe1");
        assert_eq!((joined.from, joined.router), (RouterId(1), RouterId(0)));
        assert!(joined.merged());
        assert_eq!(
            joined.predecessor.map(|p| (p.stream, p.matched_by)),
            Some(("pcap flow".to_string(), MatchedBy::SysName))
        );
        assert_eq!(r.router(dump.stream), RouterId(0));
    }

    #[test]
    fn routers_at_different_addresses_with_one_sys_name_stay_apart_but_related() {
        let mut r = Routers::new();
        let x = r.start("x", ip("192.0.2.1")).stream;
        r.initiation(x, "frr");
        let y = r.start("y", ip("192.0.2.9")).stream;
        let j = r.initiation(y, "frr").expect("related by sysName");
        assert!(!j.merged());
        assert_eq!(j.router, RouterId(1));
        assert!(j.predecessor.is_some_and(|p| p.stream == "x" && !p.ended));
    }

    #[test]
    fn a_stream_related_by_address_is_not_related_again_by_sys_name() {
        let mut r = Routers::new();
        let a = r.start("a", ip("192.0.2.1")).stream;
        r.initiation(a, "pe1");
        r.end(a);
        let b = r.start("b", ip("192.0.2.1")).stream;
        assert_eq!(r.initiation(b, "pe1"), None);
    }

    #[test]
    fn a_merge_moves_every_open_stream_of_the_router() {
        let mut r = Routers::new();
        let dump = r.start("dump.bmp", None).stream;
        r.initiation(dump, "pe1");
        let a = r.start("a", ip("192.0.2.1")).stream;
        let b = r.start("b", ip("192.0.2.1")).stream;
        assert_eq!(r.router(b), RouterId(1));
        assert!(r.initiation(a, "pe1").is_some_and(|j| j.merged()));
        // "b", a concurrent session from the same address, moved too.
        assert_eq!(r.router(b), RouterId(0));
    }

    #[test]
    fn a_merged_routers_address_leads_to_the_merged_router() {
        let mut r = Routers::new();
        let dump = r.start("dump.bmp", None).stream;
        r.initiation(dump, "pe1");
        let flow = r.start("flow", ip("192.0.2.1")).stream;
        assert!(r.initiation(flow, "pe1").is_some_and(|j| j.merged()));
        assert_eq!(r.start("flow2", ip("192.0.2.1")).router, RouterId(0));
    }

    #[test]
    fn ended_streams_are_forgotten_once_nothing_can_name_them() {
        let mut r = Routers::new();
        // A router that reconnects all day: one address, one sysName.
        for i in 0..1000 {
            let s = r.start(&format!("192.0.2.1:{i}"), ip("192.0.2.1")).stream;
            r.initiation(s, "pe1");
            r.end(s);
        }
        // Only the latest session is kept: it is the address's and the sysName's latest.
        assert_eq!(r.streams.iter().flatten().count(), 1);
        assert!(
            r.streams.len() <= 2,
            "slots are reused: {}",
            r.streams.len()
        );
        let next = r.start("192.0.2.1:next", ip("192.0.2.1"));
        assert!(
            next.predecessor
                .is_some_and(|p| p.stream == "192.0.2.1:999" && p.ended)
        );
        // A stream that is nobody's latest is forgotten when it ends.
        let dump = r.start("dump.bmp", None).stream;
        r.end(dump);
        assert_eq!(r.streams.iter().flatten().count(), 2);
    }
}
