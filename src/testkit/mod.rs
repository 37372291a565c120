//! Test tooling, apart from the product: encoders for BMP and BGP messages built from the RFC
//! layouts ([`bgp`], [`bmp`]), a generator of realistic BMP traffic ([`workload`]) and of
//! whole sessions ([`session`]), and a writer of pcap and pcapng captures ([`pcap`]).
//! Compiled for the crate's own unit tests and with the `testkit` feature, which the
//! integration tests, benchmarks and examples enable; the `bmpctl` binary never contains it.
//!
//! Encoder layouts follow RFC 7854 (BMP), RFC 4271 (BGP-4), RFC 4760 (MP-BGP),
//! RFC 6793 (4-octet AS), RFC 7911 (Add-Path), RFC 8277 (labeled NLRI),
//! RFC 8671 (Adj-RIB-Out), RFC 9069 (Loc-RIB) and draft-ietf-grow-bmp-tlv
//! ("BMPv4"). Every function returns freshly encoded octets; all multi-octet
//! protocol fields are big-endian (the capture files of [`pcap`] say their own byte
//! order). Nothing here depends on the rest of the crate.
//!
//! The encoders are for tests, benchmarks and synthetic samples. They panic,
//! with a clear message, only on programmer error: malformed prefix text, or a
//! field too long for its length field (documented on each function).

pub mod bgp;
pub mod bmp;
pub mod pcap;
pub mod session;
pub mod workload;

pub use bmp::with_version;

/// Converts a length to one octet, panicking with `what` if it does not fit.
fn len8(n: usize, what: &str) -> u8 {
    u8::try_from(n).unwrap_or_else(|_| panic!("{what} too long: {n} octets (max 255)"))
}

/// Converts a length to two octets, panicking with `what` if it does not fit.
fn len16(n: usize, what: &str) -> u16 {
    u16::try_from(n).unwrap_or_else(|_| panic!("{what} too long: {n} octets (max 65535)"))
}

#[cfg(test)]
mod tests {
    use super::{bgp, bmp};
    use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

    fn be32(b: &[u8]) -> u32 {
        u32::from_be_bytes([b[0], b[1], b[2], b[3]])
    }

    #[test]
    fn keepalive_is_19_octets() {
        let mut want = vec![0xff; 16];
        want.extend_from_slice(&[0x00, 0x13, 0x04]);
        assert_eq!(bgp::keepalive(), want);
    }

    #[test]
    fn prefixes_minimum_octets() {
        assert_eq!(bgp::prefix(None, "10.0.0.0/8"), [8, 10]);
        assert_eq!(
            bgp::prefix(Some(1 << 24), "10.1.0.0/16"),
            [1, 0, 0, 0, 16, 10, 1]
        );
        assert_eq!(bgp::prefix(None, "0.0.0.0/0"), [0]);
        assert_eq!(bgp::prefix(None, "10.1.2.128/25"), [25, 10, 1, 2, 128]);
        assert_eq!(
            bgp::prefix(None, "2001:db8::/32"),
            [32, 0x20, 0x01, 0x0d, 0xb8]
        );
        assert_eq!(
            bgp::prefixes(None, &["10.0.0.0/8", "192.168.0.0/16"]),
            [8, 10, 16, 192, 168]
        );
    }

    #[test]
    #[should_panic(expected = "malformed prefix")]
    fn prefix_malformed_panics() {
        bgp::prefix(None, "10.0.0.0/33");
    }

    #[test]
    fn labeled_prefix_layout() {
        // One label 16 (0x10 << 4 | BoS = 0x000101), RD 0:1:1, 10.0.0.0/24:
        // 24 + 64 + 24 = 112 bits.
        let rd = [0, 0, 0, 1, 0, 0, 0, 1];
        let got = bgp::labeled_prefix(None, &[16], Some(rd), "10.0.0.0/24");
        let mut want = vec![112, 0x00, 0x01, 0x01];
        want.extend_from_slice(&rd);
        want.extend_from_slice(&[10, 0, 0]);
        assert_eq!(got, want);
        // Two labels, only the last has the bottom-of-stack bit.
        let got = bgp::labeled_prefix(Some(7), &[1, 2], None, "10.0.0.0/8");
        assert_eq!(got, [0, 0, 0, 7, 56, 0, 0, 0x10, 0, 0, 0x21, 10]);
    }

    #[test]
    fn attr_extended_length() {
        let short = bgp::attr(0xc0, 8, &[1, 2, 3, 4]);
        assert_eq!(short, [0xc0, 8, 4, 1, 2, 3, 4]);
        let value = vec![0xab; 300];
        let long = bgp::attr(0xc0, 8, &value);
        assert_eq!(&long[..4], [0xd0, 8, 0x01, 0x2c]);
        assert_eq!(long.len(), 4 + 300);
        assert_eq!(&long[4..], value.as_slice());
        assert_eq!(bgp::origin(0), [0x40, 1, 1, 0]);
        assert_eq!(bgp::med(5), [0x80, 4, 4, 0, 0, 0, 5]);
    }

    #[test]
    fn as_path_two_and_four_octets() {
        let seq: &[u32] = &[65001, 4_200_000_000];
        assert_eq!(
            bgp::as_path(&[(2, seq)], false),
            [0x40, 2, 6, 2, 2, 0xfd, 0xe9, 0x5b, 0xa0]
        );
        assert_eq!(
            bgp::as_path(&[(2, seq)], true),
            [0x40, 2, 10, 2, 2, 0, 0, 0xfd, 0xe9, 0xfa, 0x56, 0xea, 0x00]
        );
    }

    #[test]
    fn open_layout() {
        let caps = [bgp::cap_mp(1, 1), bgp::cap_as4(4_200_000_000)];
        let m = bgp::open(4_200_000_000, 90, [192, 0, 2, 1], &caps);
        let mut want = vec![0xff; 16];
        // 19 + 10 fixed + 2 param header + 6 + 6 caps = 43
        want.extend_from_slice(&[0, 43, 1]);
        want.extend_from_slice(&[4, 0x5b, 0xa0, 0, 90, 192, 0, 2, 1]);
        want.extend_from_slice(&[14, 2, 12]);
        want.extend_from_slice(&[1, 4, 0, 1, 0, 1]);
        want.extend_from_slice(&[65, 4, 0xfa, 0x56, 0xea, 0x00]);
        assert_eq!(m, want);
        let bare = bgp::open(65001, 180, [1, 2, 3, 4], &[]);
        assert_eq!(bare.len(), 29);
        assert_eq!(bare[28], 0);
    }

    #[test]
    fn update_layout() {
        let attrs = [bgp::origin(0), bgp::next_hop([192, 0, 2, 1])].concat();
        let m = bgp::update(&[], &attrs, &bgp::prefix(None, "10.0.0.0/8"));
        let mut want = vec![0xff; 16];
        want.extend_from_slice(&[0, 19 + 2 + 2 + 11 + 2, 2, 0, 0, 0, 11]);
        want.extend_from_slice(&[0x40, 1, 1, 0, 0x40, 3, 4, 192, 0, 2, 1, 8, 10]);
        assert_eq!(m, want);
    }

    #[test]
    fn mp_reach_layout() {
        let nh = Ipv6Addr::LOCALHOST.octets();
        let nlri = bgp::prefix(None, "2001:db8::/32");
        let a = bgp::mp_reach(2, 1, &nh, &nlri);
        assert_eq!(&a[..6], [0x80, 14, 3 + 1 + 16 + 1 + 5, 0, 2, 1]);
        assert_eq!(a[6], 16);
        assert_eq!(a[23], 0);
        assert_eq!(&a[24..], nlri.as_slice());
    }

    #[test]
    fn route_monitoring_length_matches() {
        let peer = bmp::Peer::global(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)), 65001, [1; 4])
            .with_time(1_700_000_000, 5);
        let m = bmp::route_monitoring(&peer, &bgp::keepalive());
        assert_eq!(m[0], 3);
        assert_eq!(be32(&m[1..5]) as usize, m.len());
        assert_eq!(m.len(), 6 + 42 + 19);
        assert_eq!(m[5], bmp::ROUTE_MONITORING);
        // Per-peer header: IPv4 address in the last 4 of 16 octets.
        let ph = &m[6..48];
        assert_eq!(&ph[0..10], [0; 10]);
        assert_eq!(&ph[10..22], [0; 12]);
        assert_eq!(&ph[22..26], [192, 0, 2, 1]);
        assert_eq!(be32(&ph[26..30]), 65001);
        assert_eq!(&ph[30..34], [1; 4]);
        assert_eq!(be32(&ph[34..38]), 1_700_000_000);
        assert_eq!(be32(&ph[38..42]), 5);
    }

    #[test]
    fn peer_constructors() {
        let v6 = bmp::Peer::global(IpAddr::V6(Ipv6Addr::LOCALHOST), 1, [0; 4]);
        assert_eq!(v6.flags, 0x80);
        let ph = bmp::peer_header(&v6);
        assert_eq!(&ph[10..26], Ipv6Addr::LOCALHOST.octets());
        let loc = bmp::Peer::loc_rib(65000, [10, 0, 0, 1]);
        let ph = bmp::peer_header(&loc);
        assert_eq!(ph[0], 3);
        assert_eq!(&ph[1..26], [0; 25]);
    }

    #[test]
    fn route_monitoring_v4_tlv_length_excludes_index() {
        let peer = bmp::Peer::loc_rib(65000, [10, 0, 0, 1]);
        let pdu = bgp::keepalive();
        let m = bmp::route_monitoring_v4(&peer, &[(4, 0, &pdu)]);
        assert_eq!(m[0], 4);
        assert_eq!(be32(&m[1..5]) as usize, m.len());
        let t = &m[48..];
        assert_eq!(&t[..6], [0, 4, 0, 19, 0, 0]);
        assert_eq!(&t[6..], pdu.as_slice());
    }

    #[test]
    fn statistics_and_tlvs() {
        assert_eq!(bmp::stat_counter(0, 7), [0, 0, 0, 4, 0, 0, 0, 7]);
        assert_eq!(bmp::stat_gauge(7, 1).len(), 12);
        let g = bmp::stat_afi_gauge(9, 2, 1, 3);
        assert_eq!(&g[..7], [0, 9, 0, 11, 0, 2, 1]);
        assert_eq!(g.len(), 15);
        let peer = bmp::Peer::global(IpAddr::V4(Ipv4Addr::LOCALHOST), 1, [0; 4]);
        let s = bmp::statistics(&peer, &[bmp::stat_counter(0, 7), g]);
        assert_eq!(be32(&s[48..52]), 2);
        assert_eq!(be32(&s[1..5]) as usize, s.len());
        let init = bmp::initiation(&[(2, b"r1")]);
        assert_eq!(init, [3, 0, 0, 0, 12, 4, 0, 2, 0, 2, b'r', b'1']);
        assert_eq!(bmp::with_version(init, 4)[0], 4);
        assert!(super::with_version(Vec::new(), 4).is_empty());
    }

    #[test]
    fn peer_up_and_down_layout() {
        let peer = bmp::Peer::global(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)), 65001, [1; 4]);
        let open = bgp::open(65000, 90, [2; 4], &[]);
        let local = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 2));
        let m = bmp::peer_up(&peer, local, 179, 40000, &open, &open, &[(0, b"x")]);
        assert_eq!(m.len(), 6 + 42 + 20 + 2 * 29 + 5);
        assert_eq!(be32(&m[1..5]) as usize, m.len());
        assert_eq!(
            &m[48..68],
            [
                0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 192, 0, 2, 2, 0, 179, 0x9c, 0x40
            ]
        );
        let d = bmp::peer_down(&peer, 1, &bgp::notification(6, 2, &[]));
        assert_eq!(d[5], bmp::PEER_DOWN);
        assert_eq!(d[48], 1);
        assert_eq!(d.len(), 6 + 42 + 1 + 21);
    }
}
