//! Input sources (`bmpctl::source`): containers, link types, TCP reassembly, OpenBMP, raw.
//!
//! Real captures from `../shared/captures` (skipped with one stderr line when the folder is
//! missing, unless `BMPCTL_REQUIRE_CAPTURES=1`), and generated captures built here.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use bmpctl::event::EndReason;
use bmpctl::frame::FramingProblem;
use bmpctl::source::{self, InputFormat, SourceNotice, SourceOptions};
use bmpctl::testkit::pcap::{
    ACK, FIN, Link, PROTO_TCP, PSH, PcapFormat, RST, SYN, Segment, Time, gzip, ip_packet,
    ipv6_hop_by_hop_packet, pcap, pcap_with, pcapng_interface, pcapng_packet, pcapng_section,
    tcp_header,
};
use bmpctl::testkit::{bgp, bmp};
use bmpctl::time::Timestamp;

use crate::support::captures_dir;
use crate::support::sources::*;

// ---- real captures ---------------------------------------------------------------------------

/// (file, streams if SOURCES.md says, [route_monitoring, statistics, peer_down, peer_up,
/// initiation], complete messages, truncated last message (declared length, bytes present))
type Expect = (
    &'static str,
    Option<usize>,
    [usize; 5],
    usize,
    Option<(u32, u64)>,
);

/// Typed in from `../shared/captures/SOURCES.md`.
const CAPTURES: &[Expect] = &[
    (
        "netgauze_iosxr741_two-routers_midstream.pcapng",
        Some(4),
        [3, 2, 2, 3, 2],
        12,
        None,
    ),
    (
        "netgauze_evpn-vpn_midstream.pcap",
        Some(2),
        [143, 7, 2, 4, 0],
        156,
        None,
    ),
    (
        "netgauze_bmpv4_path-marking.pcap",
        None,
        [3, 0, 1, 1, 0],
        5,
        None,
    ),
    (
        "netgauze_iosxr7102_peers-different-caps.pcap",
        None,
        [173, 0, 0, 18, 1],
        192,
        None,
    ),
    (
        "netgauze_bmpv4_stateless-addpath-peerup.pcap",
        None,
        [21, 0, 0, 9, 0],
        30,
        None,
    ),
    (
        "netgauze_frr10_upa_3-routers.pcap",
        Some(3),
        [34, 0, 0, 7, 3],
        44,
        None,
    ),
    (
        "netgauze_bmpv4_vpnv4-stateless-withdraw.pcap",
        None,
        [15, 0, 0, 0, 0],
        15,
        None,
    ),
    (
        "pmacct_huawei-vrp8210_locrib.pcap",
        None,
        [84, 0, 0, 18, 1],
        103,
        None,
    ),
    (
        "pmacct_iosxr741_rd-instance.pcap",
        None,
        [251, 42, 0, 42, 1],
        336,
        None,
    ),
    (
        "pmacct_iosxr754_locrib.pcap",
        None,
        [53, 0, 0, 12, 1],
        66,
        Some((185, 156)),
    ),
    (
        "pmacct_iosxr7101_peer-down.pcap",
        None,
        [301, 28, 3, 10, 1],
        343,
        None,
    ),
    (
        "pmacct_frr801-6wind_peer-down.pcap",
        None,
        [451, 48, 2, 7, 1],
        509,
        None,
    ),
    (
        "pmacct_iosxr7101_srv6_with-ipfix.pcap",
        None,
        [156, 14, 0, 7, 1],
        178,
        None,
    ),
    (
        "pmacct_iosxr2441_locrib-peerdown-vrf.pcap",
        None,
        [856, 0, 1, 19, 1],
        877,
        None,
    ),
    (
        "trafficrepro_multi-vendor_14-routers_raw.pcap",
        Some(22),
        [6958, 3835, 0, 289, 15],
        11097,
        None,
    ),
];

/// Streams a file through the source (no port given: BMP is found by content).
fn collect_file(path: &std::path::Path, opts: &SourceOptions) -> Collected {
    let mut out = Collected::default();
    let file = std::fs::File::open(path).unwrap();
    let mut streams: BTreeMap<source::StreamId, usize> = BTreeMap::new();
    out.summary = source::run(file, opts, &mut |ev| match ev {
        source::SourceEvent::StreamStart { id, name, .. } => {
            streams.insert(id, out.streams.len());
            out.streams.push(Stream {
                name,
                ..Stream::default()
            });
        }
        source::SourceEvent::Data { id, bytes, .. } => {
            out.streams[streams[&id]].bytes.extend_from_slice(bytes)
        }
        source::SourceEvent::Gap {
            id, at, missing, ..
        } => out.streams[streams[&id]].gaps.push((at, missing)),
        source::SourceEvent::StreamEnd { id, how, .. } => out.streams[streams[&id]].end = Some(how),
        source::SourceEvent::Notice(n) => out.notices.push(n),
    })
    .unwrap();
    out
}

#[test]
fn real_captures_match_sources() {
    let Some(dir) = captures_dir() else { return };
    let mut failures = Vec::new();
    for &(file, streams, [rm, stats, down, up, init], total, truncated) in CAPTURES {
        let path = dir.join(file);
        let got = collect_file(&path, &SourceOptions::named(file));
        let mut counts: BTreeMap<u8, usize> = BTreeMap::new();
        let mut problems: Vec<FramingProblem> = Vec::new();
        for s in &got.streams {
            if !s.gaps.is_empty() {
                failures.push(format!("{file}: stream {} has gaps {:?}", s.name, s.gaps));
            }
            let (c, p) = frame(s);
            for (t, n) in c {
                *counts.entry(t).or_default() += n;
            }
            problems.extend(p);
        }
        let want: BTreeMap<u8, usize> = [(0, rm), (1, stats), (2, down), (3, up), (4, init)]
            .into_iter()
            .filter(|&(_, n)| n > 0)
            .collect();
        if counts != want || counts.values().sum::<usize>() != total {
            failures.push(format!("{file}: counts {counts:?}, want {want:?}"));
        }
        if let Some(n) = streams {
            if got.streams.len() != n {
                failures.push(format!("{file}: {} streams, want {n}", got.streams.len()));
            }
        }
        match truncated {
            None if !problems.is_empty() => {
                failures.push(format!("{file}: framing problems {problems:?}"))
            }
            Some((len, avail)) => {
                let ok = matches!(problems.as_slice(), [FramingProblem::Truncated { length, available, .. }] if *length == len && *available == avail);
                if !ok {
                    failures.push(format!(
                        "{file}: want one truncated message, got {problems:?}"
                    ));
                }
            }
            None => {}
        }
        if got.notices.iter().any(|n| {
            matches!(
                n,
                SourceNotice::ReorderOverflow { .. } | SourceNotice::TruncatedCapture { .. }
            )
        }) {
            failures.push(format!("{file}: notices {:?}", got.notices));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn real_capture_with_port_and_gzip() {
    let Some(dir) = captures_dir() else { return };
    let path = dir.join("pmacct_iosxr7101_srv6_with-ipfix.pcap");
    let plain = collect_file(&path, &SourceOptions::named("x"));
    assert!(plain.summary.non_tcp_packets >= 583, "{:?}", plain.summary);
    let data = std::fs::read(&path).unwrap();
    let opts = SourceOptions {
        port: Some(1790),
        ..SourceOptions::named("x")
    };
    let gz = collect(&gzip(&data), &opts);
    assert!(gz.summary.gzip);
    assert_eq!(gz.streams.len(), plain.streams.len());
    for (a, b) in gz.streams.iter().zip(&plain.streams) {
        assert_eq!(a.bytes, b.bytes);
    }
    let other = collect(
        &data,
        &SourceOptions {
            port: Some(11019),
            ..SourceOptions::named("x")
        },
    );
    assert!(other.streams.is_empty());
}

// ---- generated captures ----------------------------------------------------------------------

const ROUTER: (IpAddr, u16) = (IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)), 40000);
const STATION: (IpAddr, u16) = (IpAddr::V4(Ipv4Addr::new(192, 0, 2, 100)), 1790);

/// A BMP session: Initiation, Peer Up, many Route Monitoring, Statistics, Termination.
fn bmp_stream(routes: usize) -> Vec<u8> {
    let peer = bmp::Peer::global(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)), 65001, [10, 0, 0, 1]);
    let open = bgp::open(
        65001,
        90,
        [10, 0, 0, 1],
        &[bgp::cap_mp(1, 1), bgp::cap_as4(65001)],
    );
    let mut s = bmp::initiation(&[(2, b"router1"), (1, b"a test router")]);
    s.extend(bmp::peer_up(
        &peer,
        IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2)),
        179,
        40001,
        &open,
        &open,
        &[],
    ));
    for i in 0..routes {
        let attrs = [
            bgp::origin(0),
            bgp::as_path(&[(2, &[65001, 65002])], true),
            bgp::next_hop([10, 0, 0, 1]),
        ]
        .concat();
        let prefix = format!("10.{}.{}.0/24", (i >> 8) & 0xff, i & 0xff);
        let upd = bgp::update(&[], &attrs, &bgp::prefix(None, &prefix));
        s.extend(bmp::route_monitoring(&peer, &upd));
    }
    s.extend(bmp::statistics(&peer, &[bmp::stat_counter(0, 5)]));
    s.extend(bmp::termination(&[(0, b"bye")]));
    s
}

fn message_count(routes: usize) -> usize {
    routes + 4
}

/// The router's segments: a SYN, data cut into `mss`-byte segments, a FIN; seq from `isn`.
fn segments(data: &[u8], isn: u32, mss: usize) -> Vec<Segment> {
    let mut v = vec![Segment {
        src: ROUTER,
        dst: STATION,
        seq: isn,
        flags: SYN,
        payload: vec![],
    }];
    let mut seq = isn.wrapping_add(1);
    for chunk in data.chunks(mss) {
        v.push(Segment {
            src: ROUTER,
            dst: STATION,
            seq,
            flags: ACK | PSH,
            payload: chunk.to_vec(),
        });
        seq = seq.wrapping_add(chunk.len() as u32);
    }
    v.push(Segment {
        src: ROUTER,
        dst: STATION,
        seq,
        flags: FIN | ACK,
        payload: vec![],
    });
    v
}

fn to_pcap(segs: &[Segment], link: Link) -> Vec<u8> {
    let frames: Vec<(Time, Vec<u8>)> = segs
        .iter()
        .enumerate()
        .map(|(i, s)| ((1_700_000_000 + i as u32, 500), s.frame(link)))
        .collect();
    pcap(link.linktype(), &frames)
}

fn opts() -> SourceOptions {
    SourceOptions::named("generated")
}

fn one_stream(c: &Collected) -> &Stream {
    assert_eq!(
        c.streams.len(),
        1,
        "streams: {:#?} notices {:?}",
        c.streams.len(),
        c.notices
    );
    &c.streams[0]
}

#[test]
fn clean_capture_yields_the_stream() {
    let data = bmp_stream(50);
    let c = collect(
        &to_pcap(&segments(&data, 1000, 200), Link::Ethernet),
        &opts(),
    );
    let s = one_stream(&c);
    assert_eq!(s.bytes, data);
    assert_eq!(s.end, Some(EndReason::Fin));
    assert_eq!(s.name, "192.0.2.1:40000->192.0.2.100:1790");
    assert_eq!(s.router, Some(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1))));
    assert_eq!(s.start_time, Some(Timestamp::new(1_700_000_001, 500_000)));
    let (counts, problems) = frame(s);
    assert_eq!(counts.values().sum::<usize>(), message_count(50));
    assert!(problems.is_empty());
    assert_eq!(c.summary.format, Some(InputFormat::Pcap));
}

#[test]
fn reordered_duplicated_overlapping_are_identical() {
    let data = bmp_stream(60);
    let clean = segments(&data, 7, 150);
    // Reordered: swap neighbours and move one segment far ahead.
    let mut reordered = clean.clone();
    for i in (1..reordered.len() - 2).step_by(3) {
        reordered.swap(i, i + 1);
    }
    let late = reordered.remove(5);
    reordered.insert(30, late);
    // Duplicated: every fourth segment twice, and one retransmitted at the end.
    let mut duplicated = Vec::new();
    for (i, s) in clean.iter().enumerate() {
        duplicated.push(s.clone());
        if i % 4 == 2 {
            duplicated.push(s.clone());
        }
    }
    let fin = duplicated.pop().unwrap();
    duplicated.push(clean[3].clone());
    duplicated.push(fin);
    // Overlapping: re-segmented so that each segment repeats 37 bytes of the previous one.
    let mut overlapping = vec![clean[0].clone()];
    let mut off = 0usize;
    while off < data.len() {
        let start = off.saturating_sub(37);
        let end = (off + 180).min(data.len());
        overlapping.push(Segment {
            src: ROUTER,
            dst: STATION,
            seq: 8 + start as u32,
            flags: ACK,
            payload: data[start..end].to_vec(),
        });
        off = end;
    }
    overlapping.push(clean.last().unwrap().clone());
    for (what, segs) in [
        ("reordered", reordered),
        ("duplicated", duplicated),
        ("overlapping", overlapping),
    ] {
        let c = collect(&to_pcap(&segs, Link::Ethernet), &opts());
        let s = one_stream(&c);
        assert!(s.gaps.is_empty(), "{what}: {:?}", s.gaps);
        assert!(s.bytes == data, "{what}: bytes differ");
        assert_eq!(s.end, Some(EndReason::Fin), "{what}");
    }
}

#[test]
fn sequence_numbers_wrap() {
    let data = bmp_stream(40);
    let mut segs = segments(&data, u32::MAX - 1000, 128);
    segs.swap(5, 9); // reordering across the wrap as well
    let c = collect(&to_pcap(&segs, Link::Ethernet), &opts());
    assert_eq!(one_stream(&c).bytes, data);
}

#[test]
fn lost_segment_is_a_gap_with_its_size() {
    let data = bmp_stream(40);
    let mut segs = segments(&data, 5000, 100);
    let lost = segs.remove(12);
    let c = collect(&to_pcap(&segs, Link::Ethernet), &opts());
    let s = one_stream(&c);
    assert_eq!(s.gaps, vec![(11 * 100, lost.payload.len() as u64)]);
    assert_eq!(s.bytes.len(), data.len() - lost.payload.len());
    assert_eq!(&s.bytes[..1100], &data[..1100]);
    assert_eq!(&s.bytes[1100..], &data[1200..]);
    assert_eq!(c.summary.gap_bytes, 100);
    // The framer resyncs after the gap: only the messages touched by the hole are lost.
    let (counts, _) = frame(s);
    let got: usize = counts.values().sum();
    assert!(
        got >= message_count(40) - 3 && got < message_count(40),
        "{got}"
    );
}

#[test]
fn last_segment_lost_before_fin_is_a_gap_at_the_end() {
    let data = bmp_stream(10);
    let mut segs = segments(&data, 1, 100);
    let n = segs.len();
    let lost = segs.remove(n - 2);
    let c = collect(&to_pcap(&segs, Link::Ethernet), &opts());
    let s = one_stream(&c);
    assert_eq!(
        s.gaps,
        vec![(s.bytes.len() as u64, lost.payload.len() as u64)]
    );
}

#[test]
fn link_types_and_ip_versions() {
    let data = bmp_stream(20);
    let segs = segments(&data, 99, 300);
    for link in Link::ALL {
        let c = collect(&to_pcap(&segs, link), &opts());
        assert_eq!(one_stream(&c).bytes, data, "{link:?}");
    }
    // IPv6 with a hop-by-hop extension header, raw IPv6 link type.
    let (a, b) = (
        Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1),
        Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 2),
    );
    let frames: Vec<(Time, Vec<u8>)> = segs
        .iter()
        .map(|s| {
            let mut t = tcp_header(s.src.1, s.dst.1, s.seq, s.flags).to_vec();
            t.extend_from_slice(&s.payload);
            ((1, 0), ipv6_hop_by_hop_packet(a, b, PROTO_TCP, &t))
        })
        .collect();
    let c = collect(&pcap(229, &frames), &opts());
    let s = one_stream(&c);
    assert_eq!(s.bytes, data);
    assert_eq!(s.name, "[2001:db8::1]:40000->[2001:db8::2]:1790");
}

#[test]
fn pcap_byte_orders_and_nanoseconds() {
    let data = bmp_stream(5);
    let segs = segments(&data, 1, 400);
    let frames: Vec<(Time, Vec<u8>)> = segs
        .iter()
        .map(|s| ((1_600_000_000, 123_456_789), s.frame(Link::Ethernet)))
        .collect();
    for big in [false, true] {
        let format = PcapFormat {
            big_endian: big,
            nanos: true,
        };
        let c = collect(&pcap_with(format, 1, &frames), &opts());
        let s = one_stream(&c);
        assert_eq!(s.bytes, data);
        assert_eq!(
            s.start_time,
            Some(Timestamp::new(1_600_000_000, 123_456_789))
        );
    }
}

#[test]
fn pcapng_sections_interfaces_and_resolution() {
    let data = bmp_stream(12);
    let segs = segments(&data, 1, 250);
    let mut file = pcapng_section();
    file.extend(pcapng_interface(1, Some(6))); // microseconds, Ethernet
    file.extend(pcapng_interface(113, Some(9))); // nanoseconds, Linux SLL
    for (i, s) in segs.iter().enumerate() {
        if i == 4 {
            // A second section re-declares interfaces (only SLL, nanoseconds).
            file.extend(pcapng_section());
            file.extend(pcapng_interface(113, Some(9)));
        }
        if i < 4 {
            let (iface, ts, link) = if i % 2 == 0 {
                (0, 1_700_000_000_000_001u64, Link::Ethernet)
            } else {
                (1, 1_700_000_000_000_000_002u64, Link::Sll)
            };
            file.extend(pcapng_packet(iface, ts, &s.frame(link)));
        } else {
            file.extend(pcapng_packet(
                0,
                1_700_000_000_000_000_007,
                &s.frame(Link::Sll),
            ));
        }
    }
    let c = collect(&file, &opts());
    assert_eq!(c.summary.format, Some(InputFormat::Pcapng));
    let s = one_stream(&c);
    assert_eq!(s.bytes, data);
    // First data segment: interface 1 (nanoseconds).
    assert_eq!(s.start_time, Some(Timestamp::new(1_700_000_000, 2)));
    assert!(
        s.data_times
            .contains(&Some(Timestamp::new(1_700_000_000, 7)))
    );
    // gzip around pcapng.
    let g = collect(&gzip(&file), &opts());
    assert_eq!(one_stream(&g).bytes, data);
}

#[test]
fn capture_cut_in_a_packet_ends_with_a_notice() {
    let data = bmp_stream(30);
    let file = to_pcap(&segments(&data, 1, 200), Link::Ethernet);
    let cut = &file[..file.len() - 150]; // inside a data packet (the FIN is 60 bytes + 16)
    let c = collect(cut, &opts());
    assert!(
        c.notices
            .iter()
            .any(|n| matches!(n, SourceNotice::TruncatedCapture { .. })),
        "{:?}",
        c.notices
    );
    let s = one_stream(&c);
    assert_eq!(s.end, Some(EndReason::EndOfInput));
    assert!(!s.bytes.is_empty() && data.starts_with(&s.bytes));
    // Also for pcapng.
    let mut ng = pcapng_section();
    ng.extend(pcapng_interface(1, Some(6)));
    for (i, s) in segments(&data, 1, 200).iter().enumerate() {
        ng.extend(pcapng_packet(0, i as u64, &s.frame(Link::Ethernet)));
    }
    let c = collect(&ng[..ng.len() - 100], &opts());
    assert!(
        c.notices
            .iter()
            .any(|n| matches!(n, SourceNotice::TruncatedCapture { .. }))
    );
}

#[test]
fn synthetic_syn_with_the_first_bytes_sequence_number_keeps_them() {
    // traffic-reproducer: the SYN carries the first data byte's sequence number.
    let data = bmp_stream(8);
    let mut segs = segments(&data, 500, 300);
    segs[0].seq = 501;
    let c = collect(&to_pcap(&segs, Link::Ethernet), &opts());
    let s = one_stream(&c);
    assert_eq!(s.bytes, data);
    assert!(s.gaps.is_empty());
}

#[test]
fn mid_connection_start_resyncs_at_a_message() {
    let data = bmp_stream(30);
    let mut segs = segments(&data, 1, 100);
    segs.remove(0); // no SYN
    segs.remove(0); // the first 100 bytes are before the capture
    let c = collect(&to_pcap(&segs, Link::Ethernet), &opts());
    let s = one_stream(&c);
    let skipped = c
        .notices
        .iter()
        .find_map(|n| match n {
            SourceNotice::SkippedBeforeBmp { bytes, .. } => Some(*bytes),
            _ => None,
        })
        .expect("a skip notice");
    assert_eq!(&data[100 + skipped as usize..], &s.bytes[..]);
    let (_, problems) = frame(s);
    assert!(problems.is_empty(), "{problems:?}");
}

#[test]
fn non_bmp_traffic_is_ignored_and_counted() {
    let data = bmp_stream(10);
    let mut segs = segments(&data, 1, 200);
    // The station answers with something that is not BMP.
    segs.insert(
        3,
        Segment {
            src: STATION,
            dst: ROUTER,
            seq: 77,
            flags: ACK,
            payload: b"hello router, this is not BMP at all".to_vec(),
        },
    );
    // An HTTP flow.
    let http = Segment {
        src: (IpAddr::V4(Ipv4Addr::new(192, 0, 2, 9)), 50000),
        dst: (IpAddr::V4(Ipv4Addr::new(192, 0, 2, 10)), 80),
        seq: 1,
        flags: ACK,
        payload: b"GET / HTTP/1.1\r\nHost: example\r\n\r\n".to_vec(),
    };
    segs.insert(2, http);
    let mut frames: Vec<(Time, Vec<u8>)> = segs
        .iter()
        .map(|s| ((1, 0), s.frame(Link::Ethernet)))
        .collect();
    // UDP (IPFIX) and ARP.
    let udp = [&[0x12, 0x34, 0x11, 0x2b, 0, 12, 0, 0][..], b"ipfx"].concat();
    frames.insert(
        1,
        (
            (1, 0),
            Link::Ethernet.wrap(&ip_packet(
                IpAddr::V4(Ipv4Addr::new(1, 1, 1, 1)),
                IpAddr::V4(Ipv4Addr::new(2, 2, 2, 2)),
                17,
                &udp,
            )),
        ),
    );
    let mut arp = vec![0xff; 6];
    arp.extend_from_slice(&[2, 0, 0, 0, 0, 1, 0x08, 0x06]);
    arp.extend_from_slice(&[0, 1, 8, 0, 6, 4, 0, 1]);
    arp.resize(60, 0);
    frames.insert(1, ((1, 0), arp));
    let c = collect(&pcap(1, &frames), &opts());
    assert_eq!(one_stream(&c).bytes, data);
    assert_eq!(c.summary.non_tcp_packets, 1);
    assert_eq!(c.summary.non_ip_packets, 1);
    assert_eq!(c.summary.non_bmp_flows, 2);
    let not_bmp: Vec<_> = c
        .notices
        .iter()
        .filter(|n| matches!(n, SourceNotice::NotBmp { .. }))
        .collect();
    assert_eq!(not_bmp.len(), 2, "{not_bmp:?}");
}

#[test]
fn new_syn_after_fin_is_a_new_stream_of_the_same_router() {
    let a = bmp_stream(5);
    let b = bmp_stream(7);
    let mut segs = segments(&a, 10, 300);
    segs.extend(segments(&b, 900_000, 300));
    let c = collect(&to_pcap(&segs, Link::Ethernet), &opts());
    assert_eq!(c.streams.len(), 2);
    assert_eq!(c.streams[0].bytes, a);
    assert_eq!(c.streams[1].bytes, b);
    // Both carry the router's address: crate::identity makes the second a new session of it.
    assert!(c.streams[0].router.is_some() && c.streams[0].router == c.streams[1].router);
    // Without FIN, a RST ends the first.
    let mut segs = segments(&a, 10, 300);
    let last = segs.last_mut().unwrap();
    last.flags = RST;
    segs.extend(segments(&b, 900_000, 300));
    let c = collect(&to_pcap(&segs, Link::Ethernet), &opts());
    assert_eq!(c.streams[0].end, Some(EndReason::Reset));
    assert_eq!(c.streams[1].bytes, b);
}

#[test]
fn reorder_bound_gives_a_notice_and_a_gap() {
    let data = bmp_stream(100);
    let mut segs = segments(&data, 1, 100);
    let lost = segs.remove(3);
    let o = SourceOptions {
        max_reorder_bytes: 1000,
        ..opts()
    };
    let c = collect(&to_pcap(&segs, Link::Ethernet), &o);
    assert!(
        c.notices
            .iter()
            .any(|n| matches!(n, SourceNotice::ReorderOverflow { limit: 1000, .. }))
    );
    let s = one_stream(&c);
    assert_eq!(s.gaps, vec![(200, lost.payload.len() as u64)]);
    assert_eq!(s.bytes.len(), data.len() - 100);
}

#[test]
fn snaplen_cut_packet_is_a_gap() {
    let data = bmp_stream(10);
    let segs = segments(&data, 1, 200);
    let mut frames: Vec<(Time, Vec<u8>)> = segs
        .iter()
        .map(|s| ((1, 0), s.frame(Link::Ethernet)))
        .collect();
    let f = &mut frames[3].1;
    f.truncate(f.len() - 50);
    let c = collect(&pcap(1, &frames), &opts());
    let s = one_stream(&c);
    assert_eq!(s.gaps, vec![(3 * 200 - 50, 50)]);
    assert_eq!(c.summary.truncated_packets, 1);
}

// ---- OpenBMP and raw ------------------------------------------------------------------------

fn obmp(router: [u8; 4], secs: u32, bmp_msg: &[u8]) -> Vec<u8> {
    let admin = b"collector-1";
    let group = b"lab";
    let mut h = Vec::new();
    h.extend_from_slice(b"OBMP");
    h.extend_from_slice(&[1, 7]);
    h.extend_from_slice(&[0, 0]); // header length, set below
    h.extend_from_slice(&(bmp_msg.len() as u32).to_be_bytes());
    h.push(0x80); // router message, IPv4
    h.push(12); // BMP raw
    h.extend_from_slice(&secs.to_be_bytes());
    h.extend_from_slice(&250u32.to_be_bytes());
    h.extend_from_slice(&[0xaa; 16]);
    h.extend_from_slice(&(admin.len() as u16).to_be_bytes());
    h.extend_from_slice(admin);
    h.extend_from_slice(&[0xbb; 16]);
    let mut ip = [0u8; 16];
    ip[..4].copy_from_slice(&router);
    h.extend_from_slice(&ip);
    h.extend_from_slice(&(group.len() as u16).to_be_bytes());
    h.extend_from_slice(group);
    h.extend_from_slice(&1u32.to_be_bytes());
    let len = h.len() as u16;
    h[6..8].copy_from_slice(&len.to_be_bytes());
    h.extend_from_slice(bmp_msg);
    h
}

fn split_messages(data: &[u8]) -> Vec<&[u8]> {
    let mut v = Vec::new();
    let mut at = 0;
    while at < data.len() {
        let len =
            u32::from_be_bytes([data[at + 1], data[at + 2], data[at + 3], data[at + 4]]) as usize;
        v.push(&data[at..at + len]);
        at += len;
    }
    v
}

#[test]
fn openbmp_binary_yields_the_same_bytes() {
    let a = bmp_stream(20);
    let b = bmp_stream(3);
    let mut input = Vec::new();
    let (ma, mb) = (split_messages(&a), split_messages(&b));
    for i in 0..ma.len().max(mb.len()) {
        if let Some(m) = ma.get(i) {
            input.extend(obmp([203, 0, 113, 5], 1000 + i as u32, m));
        }
        if let Some(m) = mb.get(i) {
            input.extend(obmp([203, 0, 113, 6], 2000, m));
        }
    }
    let c = collect(&input, &opts());
    assert_eq!(c.summary.format, Some(InputFormat::OpenBmp));
    assert_eq!(c.streams.len(), 2);
    assert_eq!(c.streams[0].name, "203.0.113.5");
    assert_eq!(c.streams[0].bytes, a);
    assert_eq!(c.streams[1].bytes, b);
    assert_eq!(
        c.streams[0].data_times[1],
        Some(Timestamp::new(1001, 250_000))
    );
    // Compressed, and cut short.
    let g = collect(&gzip(&input), &opts());
    assert_eq!(g.streams[0].bytes, a);
    let cut = collect(&input[..input.len() - 10], &opts());
    assert!(
        cut.notices
            .iter()
            .any(|n| matches!(n, SourceNotice::TruncatedCapture { .. }))
    );
}

#[test]
fn openbmp_text_header() {
    let a = bmp_stream(4);
    let mut input = Vec::new();
    for m in split_messages(&a) {
        input.extend_from_slice(
            format!(
                "V: 1.7\nC_HASH_ID: 0123\nR_HASH: 4567\nR_IP: 2001:db8::9\nL: {}\n\n",
                m.len()
            )
            .as_bytes(),
        );
        input.extend_from_slice(m);
    }
    let c = collect(&input, &opts());
    assert_eq!(c.summary.format, Some(InputFormat::OpenBmp));
    let s = one_stream(&c);
    assert_eq!(s.name, "2001:db8::9");
    assert_eq!(s.bytes, a);
}

#[test]
fn raw_input_passes_through() {
    let a = bmp_stream(30);
    let c = collect(&a, &SourceOptions::named("dump.bmp"));
    let s = one_stream(&c);
    assert_eq!(s.name, "dump.bmp");
    assert_eq!(s.bytes, a);
    assert_eq!(c.summary.format, Some(InputFormat::Raw));
    let g = collect(&gzip(&a), &SourceOptions::named("dump.bmp.gz"));
    assert_eq!(one_stream(&g).bytes, a);
    assert!(g.summary.gzip);
}

#[test]
fn detection_by_content() {
    use source::detect;
    for magic in [
        [0xd4, 0xc3, 0xb2, 0xa1],
        [0xa1, 0xb2, 0xc3, 0xd4],
        [0x4d, 0x3c, 0xb2, 0xa1],
        [0xa1, 0xb2, 0x3c, 0x4d],
    ] {
        assert_eq!(detect(&magic).format, InputFormat::Pcap);
    }
    assert_eq!(
        detect(&[0x0a, 0x0d, 0x0d, 0x0a, 0, 0]).format,
        InputFormat::Pcapng
    );
    assert!(detect(&[0x1f, 0x8b, 8]).gzip);
    assert_eq!(detect(b"OBMP\x01\x07").format, InputFormat::OpenBmp);
    assert_eq!(detect(b"V: 1.7\n").format, InputFormat::OpenBmp);
    assert_eq!(detect(&[3, 0, 0, 0, 6, 4]).format, InputFormat::Raw);
    assert_eq!(detect(&[]).format, InputFormat::Raw);
}

#[test]
fn syn_with_payload_at_its_own_or_the_next_sequence_number() {
    let data = bmp_stream(6);
    // traffic-reproducer style: the SYN carries the first bytes at its own sequence number.
    let mut segs = segments(&data, 100, 200);
    segs.remove(0);
    segs[0].flags = SYN;
    segs[0].seq = 100;
    for s in segs.iter_mut().skip(1) {
        s.seq -= 1;
    }
    let c = collect(&to_pcap(&segs, Link::Ethernet), &opts());
    assert_eq!(one_stream(&c).bytes, data);
    assert!(one_stream(&c).gaps.is_empty());
    // A real SYN with data: payload at ISN + 1, the next segment one byte further on.
    let mut segs = segments(&data, 100, 200);
    segs.remove(0);
    segs[0].flags = SYN;
    segs[0].seq = 100; // payload really starts at 101
    let c = collect(&to_pcap(&segs, Link::Ethernet), &opts());
    assert_eq!(one_stream(&c).bytes, data);
    assert!(one_stream(&c).gaps.is_empty());
}
