//! Checked-in files that are generated from the code, and the tests that keep them current:
//!
//! * `completions/` (bash, zsh, fish, PowerShell, elvish) and `man/` (one page for `bmpctl`, one
//!   per subcommand), both from the clap definition [`bmpctl::cli::Cli`];
//! * `samples/synthetic-session.bmp` and `samples/README.md`, from [`synthetic_session`], which
//!   uses the test encoders [`bmpctl::testkit`] only.
//!
//! Each test regenerates its files in memory and fails when a committed file differs, is
//! missing, or when its directory holds a file the generator does not produce. To update them:
//!
//! ```text
//! BMPCTL_REGENERATE=1 cargo test --test it generated::
//! ```
//!
//! which writes the files (and removes stale ones) instead of comparing.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::net::{IpAddr, Ipv6Addr};
use std::path::PathBuf;

use crate::support::harness::v4;

use bmpctl::event::Event;
use bmpctl::stream::StreamDecoder;
use bmpctl::testkit::{bgp, bmp};
use clap::CommandFactory;
use clap_complete::Generator as _;

/// Env var that turns the comparison into writing the files.
const REGENERATE_ENV: &str = "BMPCTL_REGENERATE";
/// The documented way to regenerate.
const REGENERATE_CMD: &str = "BMPCTL_REGENERATE=1 cargo test --test it generated::";

/// Generated files, keyed by path relative to the crate root (`/`-separated).
type Files = BTreeMap<String, Vec<u8>>;

fn crate_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn regenerating() -> bool {
    std::env::var(REGENERATE_ENV).is_ok_and(|v| v.trim() == "1")
}

/// Compares `files` with the checked-in ones under `dirs` (every file there must be generated),
/// or, with `BMPCTL_REGENERATE=1`, writes them and removes stale files.
fn check_or_regenerate(dirs: &[&str], files: &Files, source: &str) {
    let root = crate_root();
    for path in files.keys() {
        assert!(
            dirs.iter().any(|d| path.starts_with(&format!("{d}/"))),
            "generator bug: {path} is outside {dirs:?}"
        );
    }
    let mut stale = Vec::new();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for entry in entries {
            let entry = entry.expect("read directory entry");
            if entry.path().is_dir() {
                // Subfolders (samples/recordings: real recordings) are not generated here.
                continue;
            }
            let rel = format!("{dir}/{}", entry.file_name().to_string_lossy());
            if !files.contains_key(&rel) {
                stale.push((rel, entry.path()));
            }
        }
    }
    if regenerating() {
        for (rel, bytes) in files {
            let path = root.join(rel);
            std::fs::create_dir_all(path.parent().expect("file has a parent"))
                .unwrap_or_else(|e| panic!("create directory for {rel}: {e}"));
            if std::fs::read(&path).ok().as_deref() != Some(bytes.as_slice()) {
                std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("write {rel}: {e}"));
                eprintln!("regenerated {rel}");
            }
        }
        for (rel, path) in &stale {
            let removed = if path.is_dir() {
                std::fs::remove_dir_all(path)
            } else {
                std::fs::remove_file(path)
            };
            removed.unwrap_or_else(|e| panic!("remove stale {rel}: {e}"));
            eprintln!("removed stale {rel}");
        }
        return;
    }
    let mut problems = Vec::new();
    for (rel, bytes) in files {
        match std::fs::read(root.join(rel)) {
            Err(e) => problems.push(format!("{rel}: missing ({e})")),
            Ok(on_disk) if on_disk != *bytes => {
                problems.push(format!(
                    "{rel}: differs from what {source} generates{}",
                    first_difference(&on_disk, bytes)
                ));
            }
            Ok(_) => {}
        }
    }
    for (rel, _) in &stale {
        problems.push(format!(
            "{rel}: not produced by the generator (stale leftover; regenerating removes it)"
        ));
    }
    assert!(
        problems.is_empty(),
        "generated files are out of date:\n  {}\nregenerate with `{REGENERATE_CMD}` and commit the result",
        problems.join("\n  ")
    );
}

/// Describes the first differing line, for the failure message.
fn first_difference(on_disk: &[u8], generated: &[u8]) -> String {
    let (Ok(a), Ok(b)) = (std::str::from_utf8(on_disk), std::str::from_utf8(generated)) else {
        return format!(
            " ({} bytes on disk, {} generated)",
            on_disk.len(),
            generated.len()
        );
    };
    let mut a_lines = a.lines();
    let mut b_lines = b.lines();
    for n in 1.. {
        match (a_lines.next(), b_lines.next()) {
            (None, None) => break,
            (x, y) if x == y => {}
            (x, y) => {
                return format!(
                    " (first at line {n}: on disk {:?}, generated {:?})",
                    x.unwrap_or("<end of file>"),
                    y.unwrap_or("<end of file>")
                );
            }
        }
    }
    " (line endings or final newline differ)".to_string()
}

// ---------------------------------------------------------------------------------------------
// Completions and man pages
// ---------------------------------------------------------------------------------------------

/// Shell completions for every shell clap_complete supports, named the way it names them.
fn completions() -> Files {
    use clap_complete::Shell;
    let mut out = Files::new();
    for shell in [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::PowerShell,
        Shell::Elvish,
    ] {
        let mut cmd = bmpctl::cli::Cli::command();
        let name = cmd.get_name().to_string();
        let mut buf = Vec::new();
        clap_complete::generate(shell, &mut cmd, &name, &mut buf);
        out.insert(format!("completions/{}", shell.file_name(&name)), buf);
    }
    out
}

/// `man/bmpctl.1` and one page per (non-hidden) subcommand, at any depth, named
/// `bmpctl-SUB.1`; clap's implicit `help` subcommand is left out.
fn man_pages() -> Files {
    fn walk(cmd: &clap::Command, out: &mut Files) {
        let man = clap_mangen::Man::new(cmd.clone());
        let mut buf = Vec::new();
        man.render(&mut buf).expect("render man page");
        out.insert(format!("man/{}", man.get_filename()), buf);
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            walk(sub, out);
        }
    }
    let mut cmd = bmpctl::cli::Cli::command().disable_help_subcommand(true);
    // Building sets each subcommand's display name (`bmpctl-decode`), which names its page.
    cmd.build();
    let mut out = Files::new();
    walk(&cmd, &mut out);
    out
}

#[test]
fn completions_and_man_pages_are_current() {
    let mut files = completions();
    files.extend(man_pages());
    for sub in bmpctl::cli::Cli::command().get_subcommands() {
        let page = format!("man/bmpctl-{}.1", sub.get_name());
        assert!(files.contains_key(&page), "no man page {page} generated");
    }
    assert!(!files.contains_key("man/bmpctl-help.1"));
    check_or_regenerate(
        &["completions", "man"],
        &files,
        "the clap definition (src/cli.rs)",
    );
}

// ---------------------------------------------------------------------------------------------
// The synthetic sample session
// ---------------------------------------------------------------------------------------------

/// Path of the sample, relative to the crate root.
const SAMPLE: &str = "samples/synthetic-session.bmp";

/// 2024-06-11 14:00:00 UTC: every timestamp of the sample lies in the hour that follows.
const HOUR_START: u32 = 1_718_114_400;

/// COMMUNITIES well-known value NO_EXPORT (RFC 1997).
const NO_EXPORT: u32 = 0xffff_ff01;

/// The monitored router's AS and BGP identifier.
const LOCAL_AS: u32 = 64496;
const ROUTER_ID: [u8; 4] = [192, 0, 2, 1];

/// A standard community `asn:value`.
fn community(asn: u16, value: u16) -> u32 {
    (u32::from(asn) << 16) | u32::from(value)
}

fn v6(text: &str) -> Ipv6Addr {
    text.parse().expect("IPv6 address literal")
}

/// Timestamps: strictly increasing, inside one hour, with irregular microseconds.
struct Clock {
    sec: u32,
    usec: u32,
    ticks: u32,
}

impl Clock {
    /// Moves forward to `HH:mm:ss` = 14:`min`:`sec` (never backwards).
    fn jump_to(&mut self, min: u32, sec: u32) {
        let target = HOUR_START + min * 60 + sec;
        assert!(target > self.sec, "clock would run backwards");
        self.sec = target;
        self.usec = 0;
    }

    /// The next timestamp, 1 to 41 ms after the previous one.
    fn next(&mut self) -> (u32, u32) {
        self.ticks += 1;
        self.usec += 1_000 + (self.ticks * 7_919 + 337) % 40_000;
        if self.usec >= 1_000_000 {
            self.sec += 1;
            self.usec -= 1_000_000;
        }
        assert!(self.sec < HOUR_START + 3600, "sample runs past the hour");
        (self.sec, self.usec)
    }
}

/// Next hop of a path.
#[derive(Clone, Copy)]
enum NextHop {
    V4([u8; 4]),
    /// Global address and optional link-local address (RFC 2545).
    V6(Ipv6Addr, Option<Ipv6Addr>),
}

/// The attributes of one path, as the generator means them.
#[derive(Clone)]
struct PathAttrs {
    origin: u8,
    /// AS_SEQUENCE, first ASN nearest.
    as_path: Vec<u32>,
    /// AS_PATH in 2-octet form (A flag), with AS4_PATH when given.
    two_octet: Option<Option<Vec<u32>>>,
    next_hop: NextHop,
    med: Option<u32>,
    local_pref: Option<u32>,
    atomic_aggregate: bool,
    aggregator: Option<(u32, [u8; 4])>,
    communities: Vec<u32>,
    large_communities: Vec<(u32, u32, u32)>,
}

impl PathAttrs {
    fn new(as_path: &[u32], next_hop: NextHop) -> Self {
        PathAttrs {
            origin: 0,
            as_path: as_path.to_vec(),
            two_octet: None,
            next_hop,
            med: None,
            local_pref: None,
            atomic_aggregate: false,
            aggregator: None,
            communities: Vec::new(),
            large_communities: Vec::new(),
        }
    }

    /// What the inbound policy of pe1 does to an accepted path: sets LOCAL_PREF and tags it.
    fn post_policy(&self, local_pref: u32, tag: u32) -> Self {
        let mut p = self.clone();
        p.local_pref = Some(local_pref);
        p.communities.push(tag);
        p
    }

    /// How the path looks in the Loc-RIB: 4-octet AS_PATH (AS4_PATH merged back in).
    fn loc_rib(&self, global_next_hop_only: bool) -> Self {
        let mut p = self.clone();
        p.two_octet = None;
        if let (true, NextHop::V6(g, _)) = (global_next_hop_only, p.next_hop) {
            p.next_hop = NextHop::V6(g, None);
        }
        p
    }

    /// Path attributes in type-code order; `mp_nlri` goes into MP_REACH_NLRI for IPv6.
    fn encode(&self, mp_nlri: &[u8]) -> Vec<u8> {
        let four = self.two_octet.is_none();
        let seq: &[u32] = &self.as_path;
        let mut a = vec![bgp::origin(self.origin)];
        a.push(bgp::as_path(&[(bgp::AS_SEQUENCE, seq)], four));
        if let NextHop::V4(nh) = self.next_hop {
            a.push(bgp::next_hop(nh));
        }
        if let Some(m) = self.med {
            a.push(bgp::med(m));
        }
        if let Some(lp) = self.local_pref {
            a.push(bgp::local_pref(lp));
        }
        if self.atomic_aggregate {
            a.push(bgp::atomic_aggregate());
        }
        if let Some((asn, id)) = self.aggregator {
            a.push(bgp::aggregator(asn, id, four));
        }
        if !self.communities.is_empty() {
            a.push(bgp::communities(&self.communities));
        }
        if let NextHop::V6(global, link_local) = self.next_hop {
            let mut nh = global.octets().to_vec();
            if let Some(ll) = link_local {
                nh.extend_from_slice(&ll.octets());
            }
            a.push(bgp::mp_reach(
                bgp::AFI_IPV6,
                bgp::SAFI_UNICAST,
                &nh,
                mp_nlri,
            ));
        }
        if let Some(Some(as4)) = &self.two_octet {
            a.push(bgp::as4_path(&[(bgp::AS_SEQUENCE, as4)]));
            if let Some((asn, id)) = self.aggregator.filter(|(asn, _)| *asn > 65535) {
                a.push(bgp::as4_aggregator(asn, id));
            }
        }
        if !self.large_communities.is_empty() {
            a.push(bgp::large_communities(&self.large_communities));
        }
        a.concat()
    }
}

/// A route as the generator announces or withdraws it: optional path id and prefix text.
type Nlri = (Option<u32>, &'static str);

/// What the generator meant one message to be; the decoder test checks the sample against it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Intent {
    /// JSON message type name.
    kind: &'static str,
    /// Routes announced, as `prefix` or `prefix path-id N`.
    announced: Vec<String>,
    /// Routes withdrawn, same form.
    withdrawn: Vec<String>,
    /// End-of-RIB family (afi, safi).
    end_of_rib: Option<(u16, u8)>,
}

fn route_text(path_id: Option<u32>, prefix: &str) -> String {
    match path_id {
        Some(id) => format!("{prefix} path-id {id}"),
        None => prefix.to_string(),
    }
}

/// The sample being built: its messages and what each was meant to be.
struct Session {
    clock: Clock,
    bytes: Vec<u8>,
    intents: Vec<Intent>,
}

impl Session {
    fn push(&mut self, msg: Vec<u8>, intent: Intent) {
        self.bytes.extend_from_slice(&msg);
        self.intents.push(intent);
    }

    fn stamped(&mut self, peer: &bmp::Peer) -> bmp::Peer {
        let (sec, usec) = self.clock.next();
        peer.with_time(sec, usec)
    }

    fn simple(&mut self, kind: &'static str, msg: Vec<u8>) {
        self.push(
            msg,
            Intent {
                kind,
                ..Intent::default()
            },
        );
    }

    fn route_monitoring(&mut self, peer: &bmp::Peer, update: Vec<u8>, intent: Intent) {
        let p = self.stamped(peer);
        self.push(bmp::route_monitoring(&p, &update), intent);
    }

    /// Announces `routes` (all IPv4 or all IPv6) with one path.
    fn announce(&mut self, peer: &bmp::Peer, path: &PathAttrs, routes: &[Nlri]) {
        let nlri: Vec<u8> = routes
            .iter()
            .flat_map(|&(id, p)| bgp::prefix(id, p))
            .collect();
        let ipv6 = routes.iter().all(|(_, p)| p.contains(':'));
        assert!(ipv6 || routes.iter().all(|(_, p)| !p.contains(':')));
        assert_eq!(ipv6, matches!(path.next_hop, NextHop::V6(..)));
        let update = if ipv6 {
            bgp::update(&[], &path.encode(&nlri), &[])
        } else {
            bgp::update(&[], &path.encode(&[]), &nlri)
        };
        let intent = Intent {
            kind: "route_monitoring",
            announced: routes.iter().map(|&(id, p)| route_text(id, p)).collect(),
            ..Intent::default()
        };
        self.route_monitoring(peer, update, intent);
    }

    /// Withdraws `routes` (all IPv4 or all IPv6).
    fn withdraw(&mut self, peer: &bmp::Peer, routes: &[Nlri]) {
        let nlri: Vec<u8> = routes
            .iter()
            .flat_map(|&(id, p)| bgp::prefix(id, p))
            .collect();
        let update = if routes.iter().all(|(_, p)| p.contains(':')) {
            let unreach = bgp::mp_unreach(bgp::AFI_IPV6, bgp::SAFI_UNICAST, &nlri);
            bgp::update(&[], &unreach, &[])
        } else {
            bgp::update(&nlri, &[], &[])
        };
        let intent = Intent {
            kind: "route_monitoring",
            withdrawn: routes.iter().map(|&(id, p)| route_text(id, p)).collect(),
            ..Intent::default()
        };
        self.route_monitoring(peer, update, intent);
    }

    /// End-of-RIB (RFC 4724): an empty UPDATE for IPv4 unicast, an empty MP_UNREACH otherwise.
    fn end_of_rib(&mut self, peer: &bmp::Peer, afi: u16) {
        let update = if afi == bgp::AFI_IPV4 {
            bgp::update(&[], &[], &[])
        } else {
            bgp::update(&[], &bgp::mp_unreach(afi, bgp::SAFI_UNICAST, &[]), &[])
        };
        let intent = Intent {
            kind: "route_monitoring",
            end_of_rib: Some((afi, bgp::SAFI_UNICAST)),
            ..Intent::default()
        };
        self.route_monitoring(peer, update, intent);
    }

    #[allow(clippy::too_many_arguments)]
    fn peer_up(
        &mut self,
        peer: &bmp::Peer,
        local: IpAddr,
        local_port: u16,
        remote_port: u16,
        sent: &[u8],
        received: &[u8],
        tlvs: &[(u16, &[u8])],
    ) {
        let p = self.stamped(peer);
        let msg = bmp::peer_up(&p, local, local_port, remote_port, sent, received, tlvs);
        self.simple("peer_up", msg);
    }
}

/// The peers of the sample.
struct Peers {
    /// IPv4 eBGP transit with a 4-octet AS, Add-Path both ways for IPv4 unicast.
    transit: bmp::Peer,
    /// IPv6 eBGP peer.
    v6: bmp::Peer,
    /// Legacy speaker without 4-octet AS support (A flag).
    legacy: bmp::Peer,
    /// The router's own Loc-RIB.
    loc_rib: bmp::Peer,
}

/// The synthetic BMP session: the stream bytes and what every message was meant to be.
fn synthetic_session() -> (Vec<u8>, Vec<Intent>) {
    let mut s = Session {
        clock: Clock {
            sec: HOUR_START,
            usec: 0,
            ticks: 0,
        },
        bytes: Vec::new(),
        intents: Vec::new(),
    };
    let post = |p: &bmp::Peer| p.with_flags(p.flags | bmp::FLAG_L);

    let peers = Peers {
        transit: bmp::Peer::global(v4(192, 0, 2, 129), 4_200_000_001, [192, 0, 2, 11]),
        v6: bmp::Peer::global(IpAddr::V6(v6("2001:db8:ffff::2")), 64500, [192, 0, 2, 12]),
        legacy: bmp::Peer::global(v4(192, 0, 2, 131), 64510, [192, 0, 2, 13])
            .with_flags(bmp::FLAG_A),
        loc_rib: bmp::Peer::loc_rib(LOCAL_AS, ROUTER_ID),
    };

    // Paths as received (pre-policy).
    let transit_nh = NextHop::V4([192, 0, 2, 129]);
    let mut t1 = PathAttrs::new(&[4_200_000_001, 64497, 64498], transit_nh);
    t1.med = Some(10);
    t1.large_communities = vec![(4_200_000_001, 1, 2001), (4_200_000_001, 2, 64498)];
    let mut t2 = PathAttrs::new(&[4_200_000_001, 64499, 64499, 64499, 64498], transit_nh);
    t2.med = Some(40);
    t2.large_communities = vec![(4_200_000_001, 1, 2002)];
    let mut t3 = PathAttrs::new(&[4_200_000_001], transit_nh);
    t3.med = Some(0);
    t3.communities = vec![NO_EXPORT];
    t3.large_communities = vec![(4_200_000_001, 1, 1000)];

    let v6_nh = NextHop::V6(v6("2001:db8:ffff::2"), Some(v6("fe80::5054:ff:fe12:3456")));
    let mut b1 = PathAttrs::new(&[64500, 64501], v6_nh);
    b1.med = Some(50);
    b1.communities = vec![community(64500, 120)];
    let mut b2 = PathAttrs::new(&[64500, 64502, 64503, 64503], v6_nh);
    b2.origin = 2;
    b2.communities = vec![community(64500, 130), community(64502, 666)];
    b2.large_communities = vec![(64500, 0, 3)];

    let legacy_nh = NextHop::V4([192, 0, 2, 131]);
    // 4200000002 aggregated and sent to 64509, an old speaker, which passed AS4_PATH on.
    let mut c1 = PathAttrs::new(&[64510, 64509, 4_200_000_002, 64505], legacy_nh);
    c1.two_octet = Some(Some(vec![4_200_000_002, 64505]));
    c1.med = Some(20);
    c1.atomic_aggregate = true;
    c1.aggregator = Some((4_200_000_002, [192, 0, 2, 14]));
    let mut c2 = PathAttrs::new(&[64510], legacy_nh);
    c2.two_octet = Some(None);
    c2.origin = 1;
    c2.communities = vec![community(64510, 100), community(64510, 200)];

    // Inbound policy of pe1: local preference per neighbour, tag 64496:100x.
    let t1p = t1.post_policy(200, community(64496, 1001));
    let t3p = t3.post_policy(200, community(64496, 1001));
    let b1p = b1.post_policy(100, community(64496, 1002));
    let b2p = b2.post_policy(100, community(64496, 1002));
    let c1p = c1.post_policy(150, community(64496, 1003));
    let c2p = c2.post_policy(150, community(64496, 1003));

    // --- 14:00:00 the collector connects.
    s.simple(
        "initiation",
        bmp::initiation(&[
            // The file named is where this generator was when the sample was first made: the
            // text is part of the sample, and so of every recorded output of it.
            (
                1,
                b"Synthetic sample generated by bmpctl's test builder (tests/generated.rs); not a capture of a real router",
            ),
            (2, b"pe1.example"),
        ]),
    );

    let router_open = |hold: u16, caps: &[Vec<u8>]| bgp::open(LOCAL_AS, hold, ROUTER_ID, caps);
    let add_path_both = bgp::cap_add_path(&[(bgp::AFI_IPV4, bgp::SAFI_UNICAST, 3)]);
    let transit_sent = router_open(
        90,
        &[
            bgp::cap_mp(bgp::AFI_IPV4, bgp::SAFI_UNICAST),
            bgp::cap_route_refresh(),
            bgp::cap_as4(LOCAL_AS),
            add_path_both.clone(),
        ],
    );
    let transit_received = bgp::open(
        4_200_000_001,
        90,
        [192, 0, 2, 11],
        &[
            bgp::cap_mp(bgp::AFI_IPV4, bgp::SAFI_UNICAST),
            bgp::cap_route_refresh(),
            bgp::cap_as4(4_200_000_001),
            add_path_both,
            bgp::cap_fqdn("edge7", "transit.example"),
        ],
    );
    let v6_sent = router_open(
        180,
        &[
            bgp::cap_mp(bgp::AFI_IPV6, bgp::SAFI_UNICAST),
            bgp::cap_route_refresh(),
            bgp::cap_as4(LOCAL_AS),
        ],
    );
    let v6_received = bgp::open(
        64500,
        180,
        [192, 0, 2, 12],
        &[
            bgp::cap_mp(bgp::AFI_IPV6, bgp::SAFI_UNICAST),
            bgp::cap_route_refresh(),
            bgp::cap_as4(64500),
            bgp::cap_graceful_restart(120, &[(bgp::AFI_IPV6, bgp::SAFI_UNICAST, 0x80)]),
        ],
    );
    let legacy_sent = router_open(
        90,
        &[
            bgp::cap_mp(bgp::AFI_IPV4, bgp::SAFI_UNICAST),
            bgp::cap_route_refresh(),
            bgp::cap_as4(LOCAL_AS),
        ],
    );
    // An old speaker: no 4-octet AS capability, so the session uses 2-octet AS_PATH.
    let legacy_received = bgp::open(
        64510,
        90,
        [192, 0, 2, 13],
        &[
            bgp::cap_mp(bgp::AFI_IPV4, bgp::SAFI_UNICAST),
            bgp::cap_route_refresh(),
        ],
    );
    // RFC 9069 §5.2: the Loc-RIB Peer Up carries a fabricated OPEN, twice.
    let loc_rib_open = router_open(
        0,
        &[
            bgp::cap_mp(bgp::AFI_IPV4, bgp::SAFI_UNICAST),
            bgp::cap_mp(bgp::AFI_IPV6, bgp::SAFI_UNICAST),
            bgp::cap_as4(LOCAL_AS),
        ],
    );
    let v6_local = IpAddr::V6(v6("2001:db8:ffff::1"));

    s.peer_up(
        &peers.transit,
        v4(192, 0, 2, 128),
        179,
        50_712,
        &transit_sent,
        &transit_received,
        &[(0, b"transit AS4200000001, edge7.transit.example")],
    );
    s.peer_up(
        &peers.v6,
        v6_local,
        179,
        41_006,
        &v6_sent,
        &v6_received,
        &[(0, b"IPv6 peer AS64500")],
    );
    s.peer_up(
        &peers.legacy,
        v4(192, 0, 2, 130),
        33_981,
        179,
        &legacy_sent,
        &legacy_received,
        &[(0, b"customer AS64510 (old speaker, 2-octet AS only)")],
    );
    s.peer_up(
        &peers.loc_rib,
        v4(0, 0, 0, 0),
        0,
        0,
        &loc_rib_open,
        &loc_rib_open,
        &[(3, b"global")],
    );

    // --- Initial table dumps: Adj-RIB-In pre-policy, post-policy, then the Loc-RIB.
    let transit = peers.transit;
    s.announce(
        &transit,
        &t1,
        &[(Some(1), "198.51.100.0/25"), (Some(1), "198.51.100.128/26")],
    );
    s.announce(&transit, &t2, &[(Some(2), "198.51.100.0/25")]);
    s.announce(&transit, &t3, &[(Some(1), "203.0.113.0/26")]);
    s.end_of_rib(&transit, bgp::AFI_IPV4);
    // Path 2 (AS_PATH longer than 4) is rejected by the inbound policy.
    s.announce(
        &post(&transit),
        &t1p,
        &[(Some(1), "198.51.100.0/25"), (Some(1), "198.51.100.128/26")],
    );
    s.announce(&post(&transit), &t3p, &[(Some(1), "203.0.113.0/26")]);
    s.end_of_rib(&post(&transit), bgp::AFI_IPV4);

    let v6_routes_1: &[Nlri] = &[(None, "2001:db8:1000::/36"), (None, "2001:db8:2000::/40")];
    let v6_routes_2: &[Nlri] = &[(None, "2001:db8:2100::/48")];
    let v6_peer = peers.v6;
    for (peer, p1, p2) in [(v6_peer, &b1, &b2), (post(&v6_peer), &b1p, &b2p)] {
        s.announce(&peer, p1, v6_routes_1);
        s.announce(&peer, p2, v6_routes_2);
        s.end_of_rib(&peer, bgp::AFI_IPV6);
    }

    let legacy = peers.legacy;
    s.announce(&legacy, &c1, &[(None, "203.0.113.128/25")]);
    s.announce(
        &legacy,
        &c2,
        &[(None, "198.51.100.224/27"), (None, "203.0.113.64/26")],
    );
    s.end_of_rib(&legacy, bgp::AFI_IPV4);
    s.announce(&post(&legacy), &c1p, &[(None, "203.0.113.128/25")]);
    s.announce(
        &post(&legacy),
        &c2p,
        &[(None, "198.51.100.224/27"), (None, "203.0.113.64/26")],
    );
    s.end_of_rib(&post(&legacy), bgp::AFI_IPV4);

    let loc = peers.loc_rib;
    s.announce(
        &loc,
        &t1p.loc_rib(true),
        &[(None, "198.51.100.0/25"), (None, "198.51.100.128/26")],
    );
    s.announce(&loc, &t3p.loc_rib(true), &[(None, "203.0.113.0/26")]);
    s.announce(&loc, &c1p.loc_rib(true), &[(None, "203.0.113.128/25")]);
    s.announce(
        &loc,
        &c2p.loc_rib(true),
        &[(None, "198.51.100.224/27"), (None, "203.0.113.64/26")],
    );
    s.end_of_rib(&loc, bgp::AFI_IPV4);
    s.announce(&loc, &b1p.loc_rib(true), v6_routes_1);
    s.announce(&loc, &b2p.loc_rib(true), v6_routes_2);
    s.end_of_rib(&loc, bgp::AFI_IPV6);

    // --- 14:15:00 periodic statistics.
    s.clock.jump_to(15, 0);
    let p = s.stamped(&transit);
    s.simple(
        "statistics_report",
        bmp::statistics(
            &p,
            &[
                bmp::stat_counter(0, 1), // prefixes rejected by inbound policy: path 2
                bmp::stat_counter(1, 0), // duplicate prefix advertisements
                bmp::stat_gauge(7, 4),   // routes in Adj-RIBs-In (pre-policy paths)
                bmp::stat_afi_gauge(9, bgp::AFI_IPV4, bgp::SAFI_UNICAST, 4),
            ],
        ),
    );
    let p = s.stamped(&loc);
    s.simple(
        "statistics_report",
        bmp::statistics(
            &p,
            &[
                bmp::stat_gauge(8, 9), // routes in Loc-RIB
                bmp::stat_afi_gauge(10, bgp::AFI_IPV4, bgp::SAFI_UNICAST, 6),
                bmp::stat_afi_gauge(10, bgp::AFI_IPV6, bgp::SAFI_UNICAST, 3),
            ],
        ),
    );

    // --- 14:21:37 the transit withdraws 198.51.100.128/26.
    s.clock.jump_to(21, 37);
    s.withdraw(&transit, &[(Some(1), "198.51.100.128/26")]);
    s.withdraw(&post(&transit), &[(Some(1), "198.51.100.128/26")]);
    s.withdraw(&loc, &[(None, "198.51.100.128/26")]);

    // --- 14:27:12 the legacy peer changes the MED of 203.0.113.128/25; the UPDATE is mirrored.
    s.clock.jump_to(27, 12);
    let mut c1b = c1.clone();
    c1b.med = Some(30);
    let c1bp = c1b.post_policy(150, community(64496, 1003));
    let mirrored = bgp::update(
        &[],
        &c1b.encode(&[]),
        &bgp::prefix(None, "203.0.113.128/25"),
    );
    let p = s.stamped(&legacy);
    s.simple(
        "route_mirroring",
        bmp::route_mirroring(&p, &[(0, &mirrored)]),
    );
    s.announce(&legacy, &c1b, &[(None, "203.0.113.128/25")]);
    s.announce(&post(&legacy), &c1bp, &[(None, "203.0.113.128/25")]);
    s.announce(&loc, &c1bp.loc_rib(true), &[(None, "203.0.113.128/25")]);

    // --- 14:35:00 the IPv6 peer shuts the session down for maintenance (RFC 8203).
    s.clock.jump_to(35, 0);
    let text = b"maintenance window";
    let mut data = vec![u8::try_from(text.len()).expect("short text")];
    data.extend_from_slice(text);
    let p = s.stamped(&v6_peer);
    s.simple(
        "peer_down",
        bmp::peer_down(&p, 3, &bgp::notification(6, 2, &data)),
    );
    let all_v6: Vec<Nlri> = [v6_routes_1, v6_routes_2].concat();
    s.withdraw(&loc, &all_v6);

    // --- 14:52:30 it comes back and sends its routes again.
    s.clock.jump_to(52, 30);
    s.peer_up(
        &v6_peer,
        v6_local,
        179,
        41_374,
        &v6_sent,
        &v6_received,
        &[(0, b"IPv6 peer AS64500")],
    );
    for (peer, p1, p2) in [(v6_peer, &b1, &b2), (post(&v6_peer), &b1p, &b2p)] {
        s.announce(&peer, p1, v6_routes_1);
        s.announce(&peer, p2, v6_routes_2);
        s.end_of_rib(&peer, bgp::AFI_IPV6);
    }
    s.announce(&loc, &b1p.loc_rib(true), v6_routes_1);
    s.announce(&loc, &b2p.loc_rib(true), v6_routes_2);

    // --- the router closes the BMP session.
    s.simple(
        "termination",
        bmp::termination(&[
            (0, b"pe1.example: BMP session closed by configuration"),
            (1, &0u16.to_be_bytes()),
        ]),
    );
    (s.bytes, s.intents)
}

/// Message count per JSON type name.
fn counts(intents: &[Intent]) -> BTreeMap<&'static str, usize> {
    let mut c = BTreeMap::new();
    for i in intents {
        *c.entry(i.kind).or_default() += 1;
    }
    c
}

/// `samples/README.md` up to the generated message counts.
const README_INTRO: &str = r#"# Samples

`synthetic-session.bmp` is a **synthetic** BMP stream (RFC 7854): it was not captured from a
router. It is generated by `synthetic_session()` in `tests/it/generated.rs` with bmpctl's test
encoders (`bmpctl::testkit`), so every byte is known and reproducible. It is a demo of the tool
and a regression test input:

```text
cargo run --release -- decode samples/synthetic-session.bmp
cargo run --release -- decode -v samples/synthetic-session.bmp
cargo run --release -- decode --json samples/synthetic-session.bmp
```

## What it contains

One BMP session of a router with sysName `pe1.example` (AS64496, BGP identifier 192.0.2.1),
all timestamps between 14:00 and 15:00 UTC on 2024-06-11. Only documentation addresses
(192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32; link-local next hops in
fe80::/10), documentation ASNs (64496-64511) and private-use 4-octet ASNs (4200000000 and up)
are used.

Peers:

* 192.0.2.129, AS4200000001: IPv4 eBGP transit with a 4-octet AS. Add-Path send/receive is
  negotiated for IPv4 unicast, so its Adj-RIB-In routes carry path identifiers (two paths for
  198.51.100.0/25; the second is rejected by the inbound policy and counted in the statistics).
* 2001:db8:ffff::2, AS64500: IPv6 peer, routes in MP_REACH_NLRI with a global and a link-local
  next hop. At 14:35 it closes the session (Peer Down: remote close with a NOTIFICATION
  Cease / administrative shutdown carrying the RFC 8203 shutdown communication "maintenance
  window"); at 14:52 it comes back up and sends its routes again.
* 192.0.2.131, AS64510: an old speaker without 4-octet AS support (per-peer A flag set):
  AS_PATH carries AS_TRANS (23456) with the 4-octet ASNs in AS4_PATH, plus
  AGGREGATOR/AS4_AGGREGATOR. One of its UPDATEs is also sent as Route Mirroring.
* The Loc-RIB instance (peer type 3, RFC 9069) with VRF/table name `global`.

Route Monitoring covers Adj-RIB-In pre- and post-policy and the Loc-RIB, with ORIGIN, AS_PATH
of varying length, MED, LOCAL_PREF, communities (including NO_EXPORT), large communities,
withdrawals, and an End-of-RIB per peer, RIB view and family. Statistics Reports (counters,
gauges, per-AFI/SAFI gauges) follow at 14:15, and a Termination ends the stream. Decoding it
yields no findings.

"#;

/// `samples/README.md` after the generated message counts.
const README_REGENERATING: &str = r#"## Regenerating

This file and the sample are generated: do not edit them by hand. Change `synthetic_session()`
in `tests/it/generated.rs`, then run

```text
BMPCTL_REGENERATE=1 cargo test --test it generated::
```

`cargo test` fails while the committed files differ from what the generator produces.
"#;

/// `samples/README.md`, with the counts taken from the generator.
fn sample_readme(bytes: &[u8], intents: &[Intent]) -> String {
    let mut s = String::from(README_INTRO);
    let _ = writeln!(
        s,
        "Messages ({} in total, {} bytes):\n",
        intents.len(),
        bytes.len()
    );
    s.push_str("| type | count |\n|---|---|\n");
    for (kind, n) in counts(intents) {
        let _ = writeln!(s, "| {kind} | {n} |");
    }
    let routes = |f: fn(&Intent) -> usize| intents.iter().map(f).sum::<usize>();
    let _ = writeln!(
        s,
        "\nRoute Monitoring: {} routes announced, {} withdrawn, {} End-of-RIB markers.\n",
        routes(|i| i.announced.len()),
        routes(|i| i.withdrawn.len()),
        routes(|i| usize::from(i.end_of_rib.is_some())),
    );
    s.push_str(README_REGENERATING);
    s
}

#[test]
fn synthetic_sample_is_current() {
    let (bytes, intents) = synthetic_session();
    assert!(
        bytes.len() < 20 * 1024,
        "sample grew to {} bytes",
        bytes.len()
    );
    let mut files = Files::new();
    files.insert(
        "samples/README.md".to_string(),
        sample_readme(&bytes, &intents).into_bytes(),
    );
    files.insert(SAMPLE.to_string(), bytes);
    check_or_regenerate(
        &["samples"],
        &files,
        "synthetic_session() in tests/it/generated.rs",
    );
}

/// What the decoder made of one message, in the generator's terms.
fn observed(d: &bmpctl::event::Decoded<'_>) -> Intent {
    let mut out = Intent {
        kind: d.msg.header.msg_type.name(),
        ..Intent::default()
    };
    if let Some((update, plan)) = &d.update {
        out.end_of_rib = update.end_of_rib().map(|f| (f.afi.0, f.safi.0));
        for r in plan.routes(update) {
            assert_eq!(
                r.how.label(),
                "negotiated",
                "route decoded by a fallback: {r:?}"
            );
            let prefix = r.nlri.kind.prefix().expect("plain prefix").to_string();
            let text = route_text(r.nlri.path_id, &prefix);
            if r.withdrawn {
                out.withdrawn.push(text);
            } else {
                out.announced.push(text);
            }
        }
    }
    out
}

#[test]
fn synthetic_sample_decodes_cleanly() {
    // Decode what the generator builds (the committed file is checked against it above).
    let (bytes, intents) = synthetic_session();
    let mut decoder = StreamDecoder::new(bmpctl::frame::DEFAULT_MAX_MESSAGE);
    let mut got = Vec::new();
    let mut findings = Vec::new();
    let mut sys_name = None;
    let mut sink = |router: &bmpctl::event::RouterInfo, ev: Event<'_>| match ev {
        Event::Message(d) => {
            got.push(observed(&d));
            sys_name.clone_from(&router.sys_name);
        }
        Event::Finding(f) => findings.push(format!(
            "{} {} at offset {}: {}",
            f.severity().name(),
            f.kind.name(),
            f.offset,
            f.detail
        )),
    };
    decoder.push(&bytes, &mut sink);
    decoder.finish(&mut sink);

    let errors: Vec<&String> = findings
        .iter()
        .filter(|f| f.starts_with("error "))
        .collect();
    assert!(errors.is_empty(), "error findings: {errors:#?}");
    assert_eq!(counts(&got), counts(&intents), "message counts per type");
    assert_eq!(got.len(), intents.len());
    for (n, (g, want)) in got.iter().zip(&intents).enumerate() {
        assert_eq!(
            g, want,
            "message #{n} decodes differently from what was built"
        );
    }
    assert_eq!(sys_name.as_deref(), Some("pe1.example"));
    assert!(
        findings.is_empty(),
        "the sample is meant to decode without findings: {findings:#?}"
    );
}
