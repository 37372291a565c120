//! `bmpctl churn` on generated streams with known content: initial dumps kept apart from
//! steady churn (End-of-RIB, the quiet rule, flaps, reconnects), exact totals and buckets,
//! spikes, top prefixes and origin ASes, `--afi`, one text snapshot, and (ignored) a peak-memory
//! measurement.

use crate::support;
use crate::support::harness::v4;

use std::path::PathBuf;

use bmpctl::testkit::{bgp, bmp, pcap};
use serde_json::Value;

/// A round time (a multiple of 10 s) so that 10 s buckets start at T, T+10, ...
const T: u32 = 1_700_000_000;

fn open(asn: u32) -> Vec<u8> {
    bgp::open(
        asn,
        90,
        [192, 0, 2, 254],
        &[
            bgp::cap_mp(bgp::AFI_IPV4, bgp::SAFI_UNICAST),
            bgp::cap_mp(bgp::AFI_IPV6, bgp::SAFI_UNICAST),
            bgp::cap_as4(asn),
        ],
    )
}

/// A stream under construction.
struct Stream {
    bytes: Vec<u8>,
}

impl Stream {
    fn new(sys_name: &str) -> Self {
        Stream {
            bytes: bmp::initiation(&[(2, sys_name.as_bytes())]),
        }
    }

    fn at(p: &bmp::Peer, sec: u32, usec: u32) -> bmp::Peer {
        p.with_time(T + sec, usec)
    }

    fn peer_up(&mut self, p: &bmp::Peer, sec: u32) -> &mut Self {
        let m = bmp::peer_up(
            &Self::at(p, sec, 0),
            v4(192, 0, 2, 254),
            179,
            50_000,
            &open(65_000),
            &open(p.asn),
            &[],
        );
        self.bytes.extend(m);
        self
    }

    fn peer_down(&mut self, p: &bmp::Peer, sec: u32) -> &mut Self {
        // Reason 4: the remote system closed the session without a notification.
        self.bytes
            .extend(bmp::peer_down(&Self::at(p, sec, 0), 4, &[]));
        self
    }

    fn update(&mut self, p: &bmp::Peer, sec: u32, usec: u32, upd: &[u8]) -> &mut Self {
        self.bytes
            .extend(bmp::route_monitoring(&Self::at(p, sec, usec), upd));
        self
    }

    fn announce(
        &mut self,
        p: &bmp::Peer,
        sec: u32,
        attrs: &[u8],
        prefixes: &[String],
    ) -> &mut Self {
        self.announce_us(p, sec, 0, attrs, prefixes)
    }

    fn announce_us(
        &mut self,
        p: &bmp::Peer,
        sec: u32,
        usec: u32,
        attrs: &[u8],
        prefixes: &[String],
    ) -> &mut Self {
        for chunk in prefixes.chunks(200) {
            let nlri = nlri(chunk);
            self.update(p, sec, usec, &bgp::update(&[], attrs, &nlri));
        }
        self
    }

    fn withdraw(&mut self, p: &bmp::Peer, sec: u32, prefixes: &[String]) -> &mut Self {
        for chunk in prefixes.chunks(200) {
            self.update(p, sec, 0, &bgp::update(&nlri(chunk), &[], &[]));
        }
        self
    }

    fn eor(&mut self, p: &bmp::Peer, sec: u32) -> &mut Self {
        self.update(p, sec, 0, &bgp::update(&[], &[], &[]))
    }

    fn write(&self, name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("bmpctl-churn-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join(name);
        std::fs::write(&path, &self.bytes).expect("write stream");
        path
    }
}

fn nlri(prefixes: &[String]) -> Vec<u8> {
    let refs: Vec<&str> = prefixes.iter().map(String::as_str).collect();
    bgp::prefixes(None, &refs)
}

fn attrs(path: &[u32], nh: [u8; 4]) -> Vec<u8> {
    [
        bgp::origin(0),
        bgp::as_path(&[(2, path)], true),
        bgp::next_hop(nh),
    ]
    .concat()
}

/// `10.{b}.{i}.0/24` for i in `range`.
fn p24(b: u8, range: std::ops::Range<u32>) -> Vec<String> {
    range.map(|i| format!("10.{b}.{i}.0/24")).collect()
}

fn churn_json(args: &[&str], files: &[&PathBuf]) -> Value {
    let out = support::bmpctl()
        .arg("churn")
        .arg("--json")
        .args(args)
        .args(files.iter().map(|f| f.as_os_str()))
        .output()
        .expect("run bmpctl");
    assert!(
        out.status.success(),
        "bmpctl failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON document")
}

fn totals(v: &Value) -> [u64; 5] {
    [
        "announced",
        "withdrawn",
        "implicit_withdrawn",
        "duplicate",
        "routes_touched",
    ]
    .map(|k| v[k].as_u64().unwrap_or_else(|| panic!("{k} in {v}")))
}

/// (start offset from T in seconds, announced, withdrawn, implicit, duplicate, touched,
/// initial, spike)
type B = (u64, u64, u64, u64, u64, u64, u64, bool);

fn buckets(peer: &Value) -> Vec<B> {
    peer["buckets"]
        .as_array()
        .expect("buckets")
        .iter()
        .map(|b| {
            let start = b["start"].as_str().expect("timed bucket");
            let secs = bmpctl::time::Timestamp::parse(start)
                .expect("RFC 3339")
                .secs();
            let n = |k: &str| b[k].as_u64().unwrap_or_else(|| panic!("{k} in {b}"));
            (
                secs - T as u64,
                n("announced"),
                n("withdrawn"),
                n("implicit_withdrawn"),
                n("duplicate"),
                n("routes_touched"),
                n("initial"),
                b["spike"].as_bool().expect("spike"),
            )
        })
        .collect()
}

fn peer_a() -> bmp::Peer {
    bmp::Peer::global(v4(192, 0, 2, 1), 65_001, [192, 0, 2, 1])
}

/// The known-churn stream:
/// * T+0: Peer Up, a dump of 50 routes 10.0.0-49.0/24 (path 65001 64500), End-of-RIB at T+1;
/// * [T+10, T+20): 3 new prefixes 10.1.0-2.0/24, 2 withdrawals (10.0.0.0/24, 10.0.1.0/24);
/// * [T+20, T+30): 4 implicit withdrawals: 10.0.2-3.0/24 with AS path 65001 64501, 10.0.4-5.0/24
///   with next hop 192.0.2.2; 2 duplicates 10.0.6-7.0/24;
/// * [T+30, T+40): 10.0.2.0/24 flaps twice (withdrawn, announced, withdrawn, announced);
/// * [T+40, T+50): a burst of 40 withdrawals 10.0.10-49.0/24.
fn known_churn() -> Stream {
    let p = peer_a();
    let p1 = attrs(&[65_001, 64_500], [192, 0, 2, 1]);
    let p2 = attrs(&[65_001, 64_501], [192, 0, 2, 1]);
    let p3 = attrs(&[65_001, 64_500], [192, 0, 2, 2]);
    let mut s = Stream::new("r1");
    s.peer_up(&p, 0)
        .announce(&p, 0, &p1, &p24(0, 0..50))
        .eor(&p, 1)
        .announce(&p, 11, &p1, &p24(1, 0..3))
        .withdraw(&p, 12, &p24(0, 0..2))
        .announce(&p, 21, &p2, &p24(0, 2..4))
        .announce(&p, 22, &p3, &p24(0, 4..6))
        .announce(&p, 23, &p1, &p24(0, 6..8))
        .withdraw(&p, 31, &p24(0, 2..3))
        .announce(&p, 32, &p1, &p24(0, 2..3))
        .withdraw(&p, 33, &p24(0, 2..3))
        .announce(&p, 34, &p1, &p24(0, 2..3))
        .withdraw(&p, 45, &p24(0, 10..50));
    s
}

#[test]
fn known_churn_totals_buckets_and_spike() {
    let f = known_churn().write("known.bmp");
    let v = churn_json(&["--interval", "10s"], &[&f]);
    assert_eq!(v["interval_seconds"], 10);
    assert_eq!(v["start"], "2023-11-14T22:13:20.000000Z");
    assert_eq!(v["end"], "2023-11-14T22:14:05.000000Z");
    let peers = v["peers"].as_array().unwrap();
    assert_eq!(peers.len(), 1);
    let peer = &peers[0];
    assert_eq!(peer["router"], "r1");
    assert_eq!(peer["address"], "192.0.2.1");
    assert_eq!(peer["asn"], 65_001);
    assert_eq!(peer["rib"], "adj_rib_in_pre");
    assert_eq!(peer["dumps"], 1);
    assert_eq!(peer["initial_complete"], "end_of_rib");
    assert_eq!(totals(&peer["initial"]), [50, 0, 0, 0, 50]);
    // announced: 3 new + 4 implicit + 2 duplicates + 2 re-announcements; withdrawn 2 + 2 + 40;
    // touched: 5 + 6 + 0 (10.0.2.0/24 again) + 40.
    assert_eq!(totals(&peer["steady"]), [11, 44, 4, 2, 51]);
    assert_eq!(
        buckets(peer),
        [
            (0, 0, 0, 0, 0, 0, 50, false),
            (10, 3, 2, 0, 0, 5, 0, false),
            (20, 6, 0, 4, 2, 6, 0, false),
            (30, 2, 2, 0, 0, 1, 0, false),
            // 40 > 3 × 5 (lower median of 4, 5, 6, 40) and >= 10.
            (40, 0, 40, 0, 0, 40, 0, true),
        ]
    );
}

#[test]
fn top_prefixes_and_origin_as() {
    let f = known_churn().write("top.bmp");
    let v = churn_json(&["--interval", "10s", "--top", "3"], &[&f]);
    let top = v["top_prefixes"].as_array().unwrap();
    assert_eq!(top.len(), 3);
    assert_eq!(top[0]["prefix"], "10.0.2.0/24");
    assert_eq!(top[0]["family"], "ipv4_unicast");
    assert_eq!(top[0]["router"], "r1");
    assert_eq!(top[0]["address"], "192.0.2.1");
    assert_eq!(top[0]["rib"], "adj_rib_in_pre");
    assert_eq!(top[0]["changes"], 5);
    let c = &top[0]["changed"];
    assert_eq!(
        (
            &c["as_path"],
            &c["next_hop"],
            &c["communities"],
            &c["med"],
            &c["withdrawn"],
            &c["announced"],
        ),
        (
            &1.into(),
            &0.into(),
            &0.into(),
            &0.into(),
            &2.into(),
            &2.into()
        )
    );
    // Ties (one change each) by prefix text.
    assert_eq!(top[1]["prefix"], "10.0.0.0/24");
    assert_eq!(top[1]["changed"]["withdrawn"], 1);
    assert_eq!(top[2]["prefix"], "10.0.1.0/24");

    // Next hop changes, with all entries.
    let v = churn_json(&["--interval", "10s", "--top", "100"], &[&f]);
    let top = v["top_prefixes"].as_array().unwrap();
    // 3 new + 2 withdrawn + 4 implicit (10.0.2.0/24 among them) + 40 burst withdrawals.
    assert_eq!(top.len(), 3 + 2 + 4 + 40);
    let nh: Vec<&str> = top
        .iter()
        .filter(|t| t["changed"]["next_hop"] == 1)
        .map(|t| t["prefix"].as_str().unwrap())
        .collect();
    assert_eq!(nh, ["10.0.4.0/24", "10.0.5.0/24"]);
    assert!(top.iter().all(|t| t["changed"]["med"] == 0));

    // Origin AS: 64500 for 3 new + 2 next-hop changes + flaps of 10.0.2.0/24 (announced twice,
    // withdrawn once after a 64500 announcement), and for the 2 + 40 withdrawals of routes it
    // originated in the dump; 64501 for 2 AS path changes and the first flap withdrawal.
    assert_eq!(
        v["top_origin_as"],
        serde_json::json!([{"asn": 64500, "changes": 8 + 42}, {"asn": 64501, "changes": 3}])
    );
}

#[test]
fn flap_re_dump_is_initial() {
    let p = peer_a();
    let a = attrs(&[65_001, 64_500], [192, 0, 2, 1]);
    let mut s = Stream::new("r1");
    s.peer_up(&p, 0)
        .announce(&p, 0, &a, &p24(0, 0..20))
        .eor(&p, 1)
        .withdraw(&p, 10, &p24(0, 0..1))
        .peer_down(&p, 20)
        .peer_up(&p, 21)
        .announce(&p, 21, &a, &p24(0, 0..20))
        .eor(&p, 22)
        .announce(&p, 35, &a, &p24(1, 0..1));
    let f = s.write("flap.bmp");
    let v = churn_json(&["--interval", "10s"], &[&f]);
    let peer = &v["peers"][0];
    assert_eq!(v["peers"].as_array().unwrap().len(), 1);
    assert_eq!(peer["dumps"], 2);
    assert_eq!(peer["initial_complete"], "end_of_rib");
    assert_eq!(totals(&peer["initial"]), [40, 0, 0, 0, 40]);
    assert_eq!(totals(&peer["steady"]), [1, 1, 0, 0, 2]);
    assert_eq!(
        buckets(peer),
        [
            (0, 0, 0, 0, 0, 0, 20, false),
            (10, 0, 1, 0, 0, 1, 0, false),
            (20, 0, 0, 0, 0, 0, 20, false),
            (30, 1, 0, 0, 0, 1, 0, false),
        ]
    );
}

#[test]
fn reconnect_re_dump_is_initial() {
    let p = peer_a();
    let a = attrs(&[65_001, 64_500], [192, 0, 2, 1]);
    let mut first = Stream::new("r1");
    first
        .peer_up(&p, 0)
        .announce(&p, 0, &a, &p24(0, 0..20))
        .eor(&p, 1)
        .withdraw(&p, 10, &p24(0, 0..1));
    // The router reconnects (a new BMP session, as a second file) and re-sends everything.
    let mut second = Stream::new("r1");
    second
        .peer_up(&p, 100)
        .announce(&p, 100, &a, &p24(0, 0..20))
        .eor(&p, 101)
        .withdraw(&p, 110, &p24(0, 1..3));
    let f1 = first.write("reconnect-1.bmp");
    let f2 = second.write("reconnect-2.bmp");
    let v = churn_json(&["--interval", "10s"], &[&f1, &f2]);
    let peers = v["peers"].as_array().unwrap();
    assert_eq!(peers.len(), 1, "{v}");
    let peer = &peers[0];
    assert_eq!(peer["router"], "r1");
    assert_eq!(peer["dumps"], 2);
    assert_eq!(totals(&peer["initial"]), [40, 0, 0, 0, 40]);
    assert_eq!(totals(&peer["steady"]), [0, 3, 0, 0, 3]);
    let b = buckets(peer);
    assert_eq!(b.iter().map(|b| b.6).sum::<u64>(), 40);
    assert_eq!(b[2], (100, 0, 0, 0, 0, 0, 20, false));
    assert_eq!(b[3], (110, 0, 2, 0, 0, 2, 0, false));
}

#[test]
fn dump_without_end_of_rib_ends_by_the_quiet_rule() {
    let p = peer_a();
    let a = attrs(&[65_001, 64_500], [192, 0, 2, 1]);
    let b2 = attrs(&[65_001, 64_501], [192, 0, 2, 1]);
    // A small dump at T, no End-of-RIB; steady churn at T+10: 2 withdrawals, 1 implicit.
    let mut s = Stream::new("r1");
    s.peer_up(&p, 0)
        .announce(&p, 0, &a, &p24(0, 0..30))
        .withdraw(&p, 10, &p24(0, 0..2))
        .announce(&p, 11, &b2, &p24(0, 2..3));
    let f = s.write("no-eor.bmp");
    let v = churn_json(&["--interval", "10s"], &[&f]);
    let peer = &v["peers"][0];
    assert_eq!(peer["initial_complete"], "rule");
    assert_eq!(totals(&peer["initial"]), [30, 0, 0, 0, 30]);
    assert_eq!(totals(&peer["steady"]), [1, 2, 1, 0, 3]);

    // A larger dump keeps going while each 1-second window brings at least 100 new routes:
    // 250 at T+0.0, 150 at T+1.5 (window 1), 10 at T+2.2 (window 2); window 2 has fewer than
    // 100, so the announcement at T+3.5 is steady.
    let mut s = Stream::new("r1");
    s.peer_up(&p, 0)
        .announce_us(&p, 0, 0, &a, &p24(0, 0..250))
        .announce_us(&p, 1, 500_000, &a, &p24(1, 0..150))
        .announce_us(&p, 2, 200_000, &a, &p24(2, 0..10))
        .announce_us(&p, 3, 500_000, &a, &p24(3, 0..5));
    let f = s.write("no-eor-big.bmp");
    let v = churn_json(&["--interval", "10s"], &[&f]);
    let peer = &v["peers"][0];
    assert_eq!(peer["initial_complete"], "rule");
    assert_eq!(totals(&peer["initial"]), [410, 0, 0, 0, 410]);
    assert_eq!(totals(&peer["steady"]), [5, 0, 0, 0, 5]);

    // A busy window followed by an empty one ends the dump too: 250 new routes in window 0,
    // nothing in window 1, so the announcement at T+2.1 (window 2) is steady.
    let mut s = Stream::new("r1");
    s.peer_up(&p, 0)
        .announce_us(&p, 0, 0, &a, &p24(0, 0..250))
        .announce_us(&p, 2, 100_000, &a, &p24(1, 0..5));
    let f = s.write("no-eor-pause.bmp");
    let v = churn_json(&["--interval", "10s"], &[&f]);
    let peer = &v["peers"][0];
    assert_eq!(peer["initial_complete"], "rule");
    assert_eq!(totals(&peer["initial"]), [250, 0, 0, 0, 250]);
    assert_eq!(totals(&peer["steady"]), [5, 0, 0, 0, 5]);
}

/// Routers that stamp whole seconds (GoBGP) can put a short dump in two seconds: the first
/// window then holds a few routes, and the next event still announces new ones. The dump goes
/// on; withdrawals (or a route announced again) after a quiet first window still end it.
#[test]
fn whole_second_timestamps_do_not_cut_a_short_dump() {
    let p = peer_a();
    let a = attrs(&[65_001, 64_500], [192, 0, 2, 1]);
    // 1 route at T, 6 more at T+1 (the same burst, stamped in the next second), then 2
    // withdrawals at T+2: the dump is 7 routes, the withdrawals are steady.
    let mut s = Stream::new("r1");
    s.peer_up(&p, 0)
        .announce(&p, 0, &a, &p24(0, 0..1))
        .announce(&p, 1, &a, &p24(0, 1..7))
        .withdraw(&p, 2, &p24(0, 0..2));
    let f = s.write("split-dump.bmp");
    let v = churn_json(&["--interval", "10s"], &[&f]);
    let peer = &v["peers"][0];
    assert_eq!(totals(&peer["initial"]), [7, 0, 0, 0, 7]);
    assert_eq!(totals(&peer["steady"]), [0, 2, 0, 0, 2]);
    assert_eq!(peer["initial_complete"], "rule");

    // Withdrawals right after a quiet first window end the dump, as before.
    let mut s = Stream::new("r1");
    s.peer_up(&p, 0)
        .announce(&p, 0, &a, &p24(0, 0..10))
        .withdraw(&p, 1, &p24(0, 0..2))
        .announce(&p, 1, &a, &p24(0, 20..21));
    let f = s.write("dump-then-withdraw.bmp");
    let v = churn_json(&["--interval", "10s"], &[&f]);
    let peer = &v["peers"][0];
    assert_eq!(totals(&peer["initial"]), [10, 0, 0, 0, 10]);
    assert_eq!(totals(&peer["steady"]), [1, 2, 0, 0, 3]);

    // So does a route announced again (a duplicate is not part of a dump).
    let mut s = Stream::new("r1");
    s.peer_up(&p, 0)
        .announce(&p, 0, &a, &p24(0, 0..10))
        .announce(&p, 1, &a, &p24(0, 5..6));
    let f = s.write("dump-then-duplicate.bmp");
    let v = churn_json(&["--interval", "10s"], &[&f]);
    let peer = &v["peers"][0];
    assert_eq!(totals(&peer["initial"]), [10, 0, 0, 0, 10]);
    assert_eq!(totals(&peer["steady"]), [1, 0, 0, 1, 1]);
}

#[test]
fn afi_restricts_a_mixed_stream() {
    let p = peer_a();
    let v6_nh: [u8; 16] = "2001:db8::1"
        .parse::<std::net::Ipv6Addr>()
        .unwrap()
        .octets();
    let v6 = |r: std::ops::Range<u32>| -> Vec<String> {
        r.map(|i| format!("2001:db8:{i:x}::/48")).collect()
    };
    let mixed = |v4s: &[String], v6s: &[String]| {
        let attrs = [
            bgp::origin(0),
            bgp::as_path(&[(2, &[65_001, 64_600])], true),
            bgp::next_hop([192, 0, 2, 1]),
            bgp::mp_reach(bgp::AFI_IPV6, bgp::SAFI_UNICAST, &v6_nh, &nlri(v6s)),
        ]
        .concat();
        bgp::update(&[], &attrs, &nlri(v4s))
    };
    let mut s = Stream::new("r1");
    s.peer_up(&p, 0)
        .update(&p, 0, 0, &mixed(&p24(0, 0..5), &v6(0..3)))
        .eor(&p, 1)
        .update(
            &p,
            1,
            0,
            &bgp::update(
                &[],
                &bgp::mp_unreach(bgp::AFI_IPV6, bgp::SAFI_UNICAST, &[]),
                &[],
            ),
        )
        .update(
            &p,
            10,
            0,
            &bgp::update(
                &nlri(&p24(0, 0..1)),
                &bgp::mp_unreach(bgp::AFI_IPV6, bgp::SAFI_UNICAST, &nlri(&v6(0..2))),
                &[],
            ),
        );
    let f = s.write("mixed.bmp");

    let all = churn_json(&["--interval", "10s"], &[&f]);
    let peer = &all["peers"][0];
    assert_eq!(peer["initial_complete"], "end_of_rib");
    assert_eq!(totals(&peer["initial"]), [8, 0, 0, 0, 8]);
    assert_eq!(totals(&peer["steady"]), [0, 3, 0, 0, 3]);

    let v6only = churn_json(&["--interval", "10s", "--afi", "ipv6"], &[&f]);
    let peer = &v6only["peers"][0];
    assert_eq!(peer["initial_complete"], "end_of_rib");
    assert_eq!(totals(&peer["initial"]), [3, 0, 0, 0, 3]);
    assert_eq!(totals(&peer["steady"]), [0, 2, 0, 0, 2]);
    let prefixes: Vec<&str> = v6only["top_prefixes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["prefix"].as_str().unwrap())
        .collect();
    // Ties by route text.
    assert_eq!(prefixes, ["2001:db8:1::/48", "2001:db8::/48"]);
    assert_eq!(v6only["top_prefixes"][0]["family"], "ipv6_unicast");
    // Withdrawals of routes announced in the dump count for the origin they had there.
    assert_eq!(
        v6only["top_origin_as"],
        serde_json::json!([{"asn": 64600, "changes": 2}])
    );
}

#[test]
fn default_interval_follows_the_span() {
    // 45 s of events: 1 s would give 46 buckets, so 1 s it is; 200 s gives 5 s buckets.
    let f = known_churn().write("auto.bmp");
    let v = churn_json(&[], &[&f]);
    assert_eq!(v["interval_seconds"], 1);
    let p = peer_a();
    let a = attrs(&[65_001, 64_500], [192, 0, 2, 1]);
    let mut s = known_churn();
    s.withdraw(&p, 200, &p24(1, 0..1))
        .announce(&p, 201, &a, &p24(1, 0..1));
    let f = s.write("auto-long.bmp");
    let v = churn_json(&[], &[&f]);
    assert_eq!(v["interval_seconds"], 5);
    let b = buckets(&v["peers"][0]);
    assert_eq!(b.last().unwrap(), &(200, 1, 1, 0, 0, 1, 0, false));
    // Totals do not depend on the width.
    assert_eq!(totals(&v["peers"][0]["steady"]), [12, 45, 4, 2, 51]);
}

/// A withdrawal counts for the origin of the path it withdraws: none for an empty AS_PATH, even
/// when an earlier steady-state announcement of the route had one.
#[test]
fn withdrawal_of_an_empty_path_counts_for_no_origin() {
    let p = peer_a();
    let via_64500 = attrs(&[65_001, 64_500], [192, 0, 2, 1]);
    let local = [
        bgp::origin(0),
        bgp::as_path(&[], true),
        bgp::next_hop([192, 0, 2, 1]),
    ]
    .concat();
    let mut s = Stream::new("r1");
    s.peer_up(&p, 0)
        .eor(&p, 0)
        .announce(&p, 10, &via_64500, &p24(0, 0..1))
        .peer_down(&p, 20)
        .peer_up(&p, 21)
        .announce(&p, 21, &local, &p24(0, 0..1))
        .eor(&p, 22)
        .withdraw(&p, 30, &p24(0, 0..1));
    let f = s.write("empty-path.bmp");
    let v = churn_json(&[], &[&f]);
    let origins = v["top_origin_as"].as_array().expect("top_origin_as");
    assert_eq!(
        origins
            .iter()
            .map(|o| (o["asn"].as_u64(), o["changes"].as_u64()))
            .collect::<Vec<_>>(),
        [(Some(64_500), Some(1))],
        "{v:#}"
    );
}

/// Router clocks decide the span: two updates 2 000 000 000 s apart with `--interval 1ms` are
/// two trillion buckets, which the text view must not lay out one by one.
#[test]
fn far_apart_timestamps_with_a_fine_interval() {
    let p = peer_a();
    let p1 = attrs(&[65_001, 64_500], [192, 0, 2, 1]);
    let mut s = Stream::new("r1");
    s.peer_up(&p, 0)
        .eor(&p, 0)
        .announce(&p, 1, &p1, &p24(0, 0..1))
        .announce(&p, 2_000_000_000, &p1, &p24(0, 1..2));
    let f = s.write("far.bmp");
    let out = support::bmpctl()
        .env("COLUMNS", "100")
        .args(["churn", "--interval", "1ms"])
        .arg(&f)
        .output()
        .expect("run bmpctl");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("buckets of 1ms"), "{text}");
    assert!(text.contains('█'), "{text}");
}

#[test]
fn text_snapshot() {
    let f = known_churn().write("text.bmp");
    let out = support::bmpctl()
        .env("COLUMNS", "100")
        .args(["churn", "--interval", "10s", "--top", "3"])
        .arg(&f)
        .output()
        .expect("run bmpctl");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let want = "\
Route churn, buckets of 10s from 2023-11-14T22:13:20Z to 2023-11-14T22:14:05Z (initial dumps apart)
┌────────┬───────────┬────────┬─────────┬───────────┬─────────────┬───────┐
│ Router ┆ Peer      ┆ RIB    ┆ Initial ┆ Steady    ┆ Spikes      ┆ Churn │
│        ┆           ┆        ┆         ┆ a/w/i/d   ┆             ┆       │
╞════════╪═══════════╪════════╪═════════╪═══════════╪═════════════╪═══════╡
│ r1     ┆ 192.0.2.1 ┆ in-pre ┆ 50 EoR  ┆ 11/44/4/2 ┆ 1: 22:14:00 ┆ ·▁▂▁█ │
│        ┆ AS65001   ┆        ┆         ┆           ┆             ┆       │
└────────┴───────────┴────────┴─────────┴───────────┴─────────────┴───────┘
Initial: routes announced in table dumps; how the last ended (EoR, rule, incomplete); ×dumps.
Steady: announced/withdrawn/implicit withdrawals/duplicates outside the dumps.
Churn: steady announcements and withdrawals per bucket (· none).

Most changed prefixes (steady state)
┌────────┬───────────┬────────┬─────────────┬─────────┬─────────────────────────────────────┐
│ Router ┆ Peer      ┆ RIB    ┆ Prefix      ┆ Changes ┆ What changed                        │
╞════════╪═══════════╪════════╪═════════════╪═════════╪═════════════════════════════════════╡
│ r1     ┆ 192.0.2.1 ┆ in-pre ┆ 10.0.2.0/24 ┆       5 ┆ withdrawn 2, announced 2, as_path 1 │
│ r1     ┆ 192.0.2.1 ┆ in-pre ┆ 10.0.0.0/24 ┆       1 ┆ withdrawn 1                         │
│ r1     ┆ 192.0.2.1 ┆ in-pre ┆ 10.0.1.0/24 ┆       1 ┆ withdrawn 1                         │
└────────┴───────────┴────────┴─────────────┴─────────┴─────────────────────────────────────┘

Most churning origin AS (steady state)
┌───────────┬─────────┐
│ Origin AS ┆ Changes │
╞═══════════╪═════════╡
│ AS64500   ┆      50 │
│ AS64501   ┆       3 │
└───────────┴─────────┘
";
    assert_eq!(text, want, "\n{text}");
}

/// `stream` as a capture of the router at `router` sending it to a station: one TCP segment per
/// BMP message, captured at the message's per-peer time (a message without one, at the time of
/// the message before it, T for the first), so that the capture times the run goes by are the
/// router times the stream was written with.
fn capture_of(stream: &[u8], router: pcap::Endpoint) -> Vec<u8> {
    let station = (v4(192, 0, 2, 200), 11019);
    let mut flow = pcap::Flow::new(router, station, 0x0100_0000);
    let mut time: pcap::Time = (T, 0);
    let mut packets = vec![(time, flow.syn()), (time, flow.syn_ack())];
    let walk = support::walk_bmp(stream);
    assert!(walk.error.is_none() && walk.partial.is_none(), "{:?}", walk);
    for m in &walk.messages {
        let bytes = &stream[m.offset..m.offset + m.length];
        // Common header (6 octets), then the per-peer header: type, flags, distinguisher (8),
        // address (16), AS (4), BGP ID (4), seconds (4), microseconds (4).
        if support::per_peer_address(bytes).is_some() {
            let secs = u32::from_be_bytes(bytes[40..44].try_into().expect("4 octets"));
            let micros = u32::from_be_bytes(bytes[44..48].try_into().expect("4 octets"));
            time = (secs, micros);
        }
        packets.push((time, flow.data(bytes)));
    }
    packets.push((time, flow.fin()));
    let frames: Vec<(pcap::Time, Vec<u8>)> = packets
        .iter()
        .map(|(t, s)| (*t, s.frame(pcap::Link::Ethernet)))
        .collect();
    pcap::pcap(pcap::Link::Ethernet.linktype(), &frames)
}

#[test]
fn a_raw_dump_of_a_router_known_by_address_is_a_new_session_of_it() {
    // The router's TCP session (its address known: a capture), then a raw dump of a later
    // session of it: the same sysName, no address. One router, two dumps.
    let p = peer_a();
    let a = attrs(&[65_001, 64_500], [192, 0, 2, 1]);
    let mut flow = Stream::new("pe1");
    flow.peer_up(&p, 0)
        .announce(&p, 0, &a, &p24(0, 0..20))
        .eor(&p, 1)
        .withdraw(&p, 10, &p24(0, 0..1));
    let mut dump = Stream::new("pe1");
    dump.peer_up(&p, 100)
        .announce(&p, 100, &a, &p24(0, 0..20))
        .eor(&p, 101)
        .withdraw(&p, 110, &p24(0, 1..3));
    let dir = support::TempDir::new("churn-known-by-address");
    let capture = dir.write(
        "pe1.pcap",
        &capture_of(&flow.bytes, (v4(192, 0, 2, 99), 4711)),
    );
    let raw = dir.write("pe1.bmp", &dump.bytes);
    let v = churn_json(&["--interval", "10s"], &[&capture, &raw]);
    let peers = v["peers"].as_array().unwrap();
    // Merged: one row, with the dumps and withdrawals of both streams (1 + 2).
    assert_eq!(peers.len(), 1, "{v}");
    assert_eq!(peers[0]["router"], "pe1");
    assert_eq!(peers[0]["address"], "192.0.2.1");
    assert_eq!(peers[0]["dumps"], 2);
    assert_eq!(totals(&peers[0]["initial"]), [40, 0, 0, 0, 40]);
    assert_eq!(totals(&peers[0]["steady"]), [0, 3, 0, 0, 3]);
}

#[test]
fn a_stream_that_names_its_router_late_brings_its_peers_to_that_router() {
    // Stream b shows a peer before its Initiation names it as a new session of router pe1
    // (stream a): the peer's row goes to pe1, and pe1's other peers start a new dump.
    let pa = peer_a();
    let pb = bmp::Peer::global(v4(192, 0, 2, 2), 65_002, [192, 0, 2, 2]);
    let a = attrs(&[65_001, 64_500], [192, 0, 2, 1]);
    let mut first = Stream::new("pe1");
    first
        .peer_up(&pa, 0)
        .announce(&pa, 0, &a, &p24(0, 0..10))
        .eor(&pa, 1);
    let mut second = Stream { bytes: Vec::new() };
    second
        .peer_up(&pb, 50)
        .announce(&pb, 50, &a, &p24(1, 0..10))
        .eor(&pb, 51);
    second
        .bytes
        .extend(bmp::initiation(&[(2, b"pe1".as_slice())]));
    second.announce(&pb, 60, &a, &p24(1, 10..11));
    let dir = support::TempDir::new("churn-named-late");
    let a_path = dir.write("a.bmp", &first.bytes);
    let b_path = dir.write("b.bmp", &second.bytes);
    let v = churn_json(&["--interval", "10s"], &[&a_path, &b_path]);
    let peers = v["peers"].as_array().unwrap();
    // One router: both streams' peers, once each.
    assert_eq!(peers.len(), 2, "{v}");
    assert!(peers.iter().all(|p| p["router"] == "pe1"), "{v}");
    let (pa, pb) = (&peers[0], &peers[1]);
    assert_eq!(pa["address"], "192.0.2.1");
    assert_eq!(pa["dumps"], 2);
    assert_eq!(pa["initial_complete"], "incomplete");
    assert_eq!(totals(&pa["initial"]), [10, 0, 0, 0, 10]);
    assert_eq!(pb["address"], "192.0.2.2");
    assert_eq!(pb["dumps"], 1);
    assert_eq!(pb["initial_complete"], "end_of_rib");
    assert_eq!(totals(&pb["initial"]), [10, 0, 0, 0, 10]);
    assert_eq!(totals(&pb["steady"]), [1, 0, 0, 0, 1]);
}

/// Peak memory per tracked route: 1M IPv4 /24 routes of one peer through the churn view (the
/// stream is generated message by message, so it is not held in memory).
/// `cargo test --release --test it -- --ignored --nocapture churn::memory`
#[test]
#[ignore]
fn memory_per_million_routes() {
    use bmpctl::analysis::churn::Churn;
    use bmpctl::analysis::{Analysis, View};
    use bmpctl::event::StreamCtx;
    use bmpctl::stream::StreamDecoder;

    use support::proc_status_bytes as status;
    const ROUTES: u32 = 1 << 20;
    let before = status("VmRSS");
    let mut view = Churn::new(bmpctl::filter::Filter::default(), None, 10);
    let mut dec = StreamDecoder::new(1 << 20);
    let mut feed = |view: &mut Churn, bytes: &[u8]| {
        dec.push(bytes, &mut |router, ev| {
            let ctx = StreamCtx::new("memory", router, None);
            view.event(&ctx, &ev);
        });
    };
    let p = peer_a();
    let a = attrs(&[65_001, 64_500], [192, 0, 2, 1]);
    let mut s = Stream::new("r1");
    s.peer_up(&p, 0);
    feed(&mut view, &s.bytes);
    let per_msg = 800;
    let mut i = 0;
    while i < ROUTES {
        let mut nlri = Vec::with_capacity(per_msg * 4);
        for k in i..(i + per_msg as u32).min(ROUTES) {
            // 16.0.0.0/24 onwards: k-th /24.
            let x = (16u32 << 24) + (k << 8);
            let o = x.to_be_bytes();
            nlri.extend_from_slice(&[24, o[0], o[1], o[2]]);
        }
        let m = bmp::route_monitoring(
            &p.with_time(T + i / 100_000, 0),
            &bgp::update(&[], &a, &nlri),
        );
        feed(&mut view, &m);
        i += per_msg as u32;
    }
    let report = serde_json::to_value(view.report()).expect("report");
    assert_eq!(
        report["peers"][0]["initial"]["announced"].as_u64(),
        Some(ROUTES as u64)
    );
    let peak = status("VmHWM");
    let now = status("VmRSS");
    println!("RSS after the dump: {} MiB", now >> 20);
    let per_route = (peak - before) as f64 / ROUTES as f64;
    println!(
        "churn view: {ROUTES} tracked routes, peak RSS {} MiB above the start ({} MiB at start): {per_route:.1} bytes per route",
        (peak - before) >> 20,
        before >> 20
    );
}
