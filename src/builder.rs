//! Encoders for BMP and BGP messages, built from the RFC layouts.
//!
//! Layouts follow RFC 7854 (BMP), RFC 4271 (BGP-4), RFC 4760 (MP-BGP),
//! RFC 6793 (4-octet AS), RFC 7911 (Add-Path), RFC 8277 (labeled NLRI),
//! RFC 8671 (Adj-RIB-Out), RFC 9069 (Loc-RIB) and draft-ietf-grow-bmp-tlv
//! ("BMPv4"). Every function returns freshly encoded octets; all multi-octet
//! fields are big-endian. Nothing here depends on the rest of the crate.
//!
//! The encoders are for tests, benchmarks and synthetic samples. They panic,
//! with a clear message, only on programmer error: malformed prefix text, or a
//! field too long for its length field (documented on each function).

pub use bmp::with_version;

/// Converts a length to one octet, panicking with `what` if it does not fit.
fn len8(n: usize, what: &str) -> u8 {
    u8::try_from(n).unwrap_or_else(|_| panic!("{what} too long: {n} octets (max 255)"))
}

/// Converts a length to two octets, panicking with `what` if it does not fit.
fn len16(n: usize, what: &str) -> u16 {
    u16::try_from(n).unwrap_or_else(|_| panic!("{what} too long: {n} octets (max 65535)"))
}

/// BGP-4 messages and path attributes (RFC 4271 and extensions).
pub mod bgp {
    use super::{len8, len16};
    use std::net::IpAddr;

    /// BGP message type OPEN.
    pub const OPEN: u8 = 1;
    /// BGP message type UPDATE.
    pub const UPDATE: u8 = 2;
    /// BGP message type NOTIFICATION.
    pub const NOTIFICATION: u8 = 3;
    /// BGP message type KEEPALIVE.
    pub const KEEPALIVE: u8 = 4;
    /// BGP message type ROUTE-REFRESH (RFC 2918).
    pub const ROUTE_REFRESH: u8 = 5;

    /// AFI IPv4.
    pub const AFI_IPV4: u16 = 1;
    /// AFI IPv6.
    pub const AFI_IPV6: u16 = 2;
    /// SAFI unicast.
    pub const SAFI_UNICAST: u8 = 1;
    /// SAFI multicast.
    pub const SAFI_MULTICAST: u8 = 2;
    /// SAFI labeled unicast (RFC 8277).
    pub const SAFI_MPLS_LABEL: u8 = 4;
    /// SAFI MPLS-labeled VPN (RFC 4364).
    pub const SAFI_MPLS_VPN: u8 = 128;

    /// AS_TRANS (RFC 6793), written where a 4-octet ASN does not fit 2 octets.
    pub const AS_TRANS: u16 = 23456;

    /// Path attribute flag: optional.
    pub const FLAG_OPTIONAL: u8 = 0x80;
    /// Path attribute flag: transitive.
    pub const FLAG_TRANSITIVE: u8 = 0x40;
    /// Path attribute flag: partial.
    pub const FLAG_PARTIAL: u8 = 0x20;
    /// Path attribute flag: extended length (2-octet length).
    pub const FLAG_EXTENDED_LENGTH: u8 = 0x10;

    /// AS_PATH segment type AS_SET.
    pub const AS_SET: u8 = 1;
    /// AS_PATH segment type AS_SEQUENCE.
    pub const AS_SEQUENCE: u8 = 2;
    /// AS_PATH segment type AS_CONFED_SEQUENCE.
    pub const AS_CONFED_SEQUENCE: u8 = 3;
    /// AS_PATH segment type AS_CONFED_SET.
    pub const AS_CONFED_SET: u8 = 4;

    /// A 4-octet ASN as 2 octets, AS_TRANS if it does not fit.
    fn as2(asn: u32) -> u16 {
        u16::try_from(asn).unwrap_or(AS_TRANS)
    }

    /// Wraps a body in the 19-octet BGP header (16 x 0xff marker, length, type).
    ///
    /// Panics if the whole message exceeds 65535 octets.
    pub fn message(msg_type: u8, body: &[u8]) -> Vec<u8> {
        let total = len16(19 + body.len(), "BGP message");
        let mut out = Vec::with_capacity(usize::from(total));
        out.extend_from_slice(&[0xff; 16]);
        out.extend_from_slice(&total.to_be_bytes());
        out.push(msg_type);
        out.extend_from_slice(body);
        out
    }

    /// OPEN with version 4. An `asn` above 65535 is written as AS_TRANS 23456.
    ///
    /// `caps` are encoded capabilities (from the `cap_*` functions), all placed
    /// in ONE optional parameter of type 2; no optional parameters if empty.
    /// Panics if the capabilities exceed 253 octets.
    pub fn open(asn: u32, hold_time: u16, bgp_id: [u8; 4], caps: &[Vec<u8>]) -> Vec<u8> {
        let mut body = Vec::new();
        body.push(4);
        body.extend_from_slice(&as2(asn).to_be_bytes());
        body.extend_from_slice(&hold_time.to_be_bytes());
        body.extend_from_slice(&bgp_id);
        if caps.is_empty() {
            body.push(0);
        } else {
            let cap_bytes: Vec<u8> = caps.concat();
            let param_len = len8(cap_bytes.len(), "OPEN capabilities");
            body.push(len8(cap_bytes.len() + 2, "OPEN optional parameters"));
            body.push(2);
            body.push(param_len);
            body.extend_from_slice(&cap_bytes);
        }
        message(OPEN, &body)
    }

    /// Capability: code, length(1), value. Panics if `value` exceeds 255 octets.
    pub fn cap_raw(code: u8, value: &[u8]) -> Vec<u8> {
        let mut out = vec![code, len8(value.len(), "capability value")];
        out.extend_from_slice(value);
        out
    }

    /// Multiprotocol capability (code 1): afi(2), reserved(1), safi(1).
    pub fn cap_mp(afi: u16, safi: u8) -> Vec<u8> {
        let [a0, a1] = afi.to_be_bytes();
        cap_raw(1, &[a0, a1, 0, safi])
    }

    /// Route refresh capability (code 2), empty value.
    pub fn cap_route_refresh() -> Vec<u8> {
        cap_raw(2, &[])
    }

    /// Extended next hop capability (code 5, RFC 8950): per entry
    /// NLRI afi(2), NLRI safi(2), next-hop afi(2).
    pub fn cap_ext_next_hop(entries: &[(u16, u16, u16)]) -> Vec<u8> {
        let mut v = Vec::with_capacity(entries.len() * 6);
        for &(afi, safi, nh_afi) in entries {
            v.extend_from_slice(&afi.to_be_bytes());
            v.extend_from_slice(&safi.to_be_bytes());
            v.extend_from_slice(&nh_afi.to_be_bytes());
        }
        cap_raw(5, &v)
    }

    /// Extended message capability (code 6, RFC 8654), empty value.
    pub fn cap_ext_message() -> Vec<u8> {
        cap_raw(6, &[])
    }

    /// Multiple labels capability (code 8, RFC 8277): per entry afi(2),
    /// safi(1), label count(1).
    pub fn cap_multi_labels(entries: &[(u16, u8, u8)]) -> Vec<u8> {
        cap_raw(8, &afi_safi_byte(entries))
    }

    /// BGP role capability (code 9, RFC 9234): role(1).
    pub fn cap_role(role: u8) -> Vec<u8> {
        cap_raw(9, &[role])
    }

    /// Graceful restart capability (code 64, RFC 4724): restart flags and
    /// time(2), then per entry afi(2), safi(1), flags(1).
    pub fn cap_graceful_restart(flags_and_time: u16, entries: &[(u16, u8, u8)]) -> Vec<u8> {
        let mut v = flags_and_time.to_be_bytes().to_vec();
        v.extend_from_slice(&afi_safi_byte(entries));
        cap_raw(64, &v)
    }

    /// 4-octet AS capability (code 65, RFC 6793): asn(4).
    pub fn cap_as4(asn: u32) -> Vec<u8> {
        cap_raw(65, &asn.to_be_bytes())
    }

    /// Add-Path capability (code 69, RFC 7911): per entry afi(2), safi(1),
    /// send/receive(1): 1 receive, 2 send, 3 both.
    pub fn cap_add_path(entries: &[(u16, u8, u8)]) -> Vec<u8> {
        cap_raw(69, &afi_safi_byte(entries))
    }

    /// FQDN capability (code 73): len(1)+host, len(1)+domain.
    ///
    /// Panics if host or domain exceeds 255 octets.
    pub fn cap_fqdn(host: &str, domain: &str) -> Vec<u8> {
        let mut v = vec![len8(host.len(), "FQDN host name")];
        v.extend_from_slice(host.as_bytes());
        v.push(len8(domain.len(), "FQDN domain name"));
        v.extend_from_slice(domain.as_bytes());
        cap_raw(73, &v)
    }

    /// Encodes (afi(2), safi(1), one octet) triples back to back.
    fn afi_safi_byte(entries: &[(u16, u8, u8)]) -> Vec<u8> {
        let mut v = Vec::with_capacity(entries.len() * 4);
        for &(afi, safi, b) in entries {
            v.extend_from_slice(&afi.to_be_bytes());
            v.push(safi);
            v.push(b);
        }
        v
    }

    /// UPDATE: withdrawn-routes length(2)+withdrawn, total path attribute
    /// length(2)+attrs, nlri. Returns the full BGP message.
    ///
    /// Panics if a length does not fit its field.
    pub fn update(withdrawn: &[u8], attrs: &[u8], nlri: &[u8]) -> Vec<u8> {
        let mut body = Vec::with_capacity(4 + withdrawn.len() + attrs.len() + nlri.len());
        body.extend_from_slice(&len16(withdrawn.len(), "withdrawn routes").to_be_bytes());
        body.extend_from_slice(withdrawn);
        body.extend_from_slice(&len16(attrs.len(), "path attributes").to_be_bytes());
        body.extend_from_slice(attrs);
        body.extend_from_slice(nlri);
        message(UPDATE, &body)
    }

    /// NOTIFICATION: error code(1), subcode(1), data.
    pub fn notification(code: u8, subcode: u8, data: &[u8]) -> Vec<u8> {
        let mut body = vec![code, subcode];
        body.extend_from_slice(data);
        message(NOTIFICATION, &body)
    }

    /// KEEPALIVE: the bare 19-octet header.
    pub fn keepalive() -> Vec<u8> {
        message(KEEPALIVE, &[])
    }

    /// ROUTE-REFRESH (RFC 2918): afi(2), reserved(1)=0, safi(1).
    pub fn route_refresh(afi: u16, safi: u8) -> Vec<u8> {
        let [a0, a1] = afi.to_be_bytes();
        message(ROUTE_REFRESH, &[a0, a1, 0, safi])
    }

    /// Parses "10.0.0.0/24" or "2001:db8::/32" into (address octets, bits).
    ///
    /// Panics on malformed text or a length beyond the address size.
    fn parse_prefix(text: &str) -> (Vec<u8>, u8) {
        let (addr, len) = text
            .split_once('/')
            .unwrap_or_else(|| panic!("malformed prefix {text:?}: expected ADDR/LEN"));
        let addr: IpAddr = addr
            .parse()
            .unwrap_or_else(|_| panic!("malformed prefix {text:?}: bad address"));
        let len: u8 = len
            .parse()
            .unwrap_or_else(|_| panic!("malformed prefix {text:?}: bad length"));
        let octets = match addr {
            IpAddr::V4(a) => a.octets().to_vec(),
            IpAddr::V6(a) => a.octets().to_vec(),
        };
        assert!(
            usize::from(len) <= octets.len() * 8,
            "malformed prefix {text:?}: length exceeds address size"
        );
        (octets, len)
    }

    /// One NLRI prefix: optional 4-octet path id (RFC 7911), length in bits,
    /// the minimum octets (copied as written, host bits not masked).
    ///
    /// Text "10.0.0.0/24" or "2001:db8::/32"; panics on malformed text.
    pub fn prefix(path_id: Option<u32>, prefix: &str) -> Vec<u8> {
        let (octets, len) = parse_prefix(prefix);
        let mut out = Vec::with_capacity(5 + octets.len());
        if let Some(id) = path_id {
            out.extend_from_slice(&id.to_be_bytes());
        }
        out.push(len);
        out.extend_from_slice(&octets[..usize::from(len).div_ceil(8)]);
        out
    }

    /// Many prefixes concatenated, the same path id rule for each.
    ///
    /// Panics on malformed text.
    pub fn prefixes(path_id: Option<u32>, prefixes: &[&str]) -> Vec<u8> {
        prefixes.iter().flat_map(|p| prefix(path_id, p)).collect()
    }

    /// Labeled prefix (RFC 8277): path id, length in bits = 24*labels +
    /// [64 if rd] + prefix bits, then labels (3 octets each: label<<4,
    /// bottom-of-stack bit set on the last), then 8-octet RD if given, then
    /// prefix octets.
    ///
    /// Panics on malformed text or if the total length exceeds 255 bits.
    pub fn labeled_prefix(
        path_id: Option<u32>,
        labels: &[u32],
        rd: Option<[u8; 8]>,
        prefix: &str,
    ) -> Vec<u8> {
        let (octets, len) = parse_prefix(prefix);
        let bits = 24 * labels.len() + if rd.is_some() { 64 } else { 0 } + usize::from(len);
        let bits = u8::try_from(bits)
            .unwrap_or_else(|_| panic!("labeled prefix {prefix:?} too long: {bits} bits"));
        let mut out = Vec::new();
        if let Some(id) = path_id {
            out.extend_from_slice(&id.to_be_bytes());
        }
        out.push(bits);
        for (i, &label) in labels.iter().enumerate() {
            let bos = u32::from(i + 1 == labels.len());
            let v = ((label << 4) | bos).to_be_bytes();
            out.extend_from_slice(&v[1..]);
        }
        if let Some(rd) = rd {
            out.extend_from_slice(&rd);
        }
        out.extend_from_slice(&octets[..usize::from(len).div_ceil(8)]);
        out
    }

    /// Path attribute: flags, type code, length (1 octet, or 2 octets with the
    /// extended-length flag 0x10 set automatically when value > 255), value.
    ///
    /// If the caller already set 0x10, a 2-octet length is used regardless.
    /// Panics if `value` exceeds 65535 octets.
    pub fn attr(flags: u8, code: u8, value: &[u8]) -> Vec<u8> {
        let extended = flags & FLAG_EXTENDED_LENGTH != 0 || value.len() > 255;
        let mut out = Vec::with_capacity(4 + value.len());
        if extended {
            out.push(flags | FLAG_EXTENDED_LENGTH);
            out.push(code);
            out.extend_from_slice(&len16(value.len(), "path attribute").to_be_bytes());
        } else {
            out.push(flags);
            out.push(code);
            out.push(len8(value.len(), "path attribute"));
        }
        out.extend_from_slice(value);
        out
    }

    /// ORIGIN (well-known transitive 0x40, code 1): 0 IGP, 1 EGP, 2 INCOMPLETE.
    pub fn origin(origin: u8) -> Vec<u8> {
        attr(FLAG_TRANSITIVE, 1, &[origin])
    }

    /// Encodes AS_PATH segments: type(1), count(1), ASNs (2 or 4 octets).
    fn segments(segments: &[(u8, &[u32])], four_octet: bool) -> Vec<u8> {
        let mut v = Vec::new();
        for &(seg_type, asns) in segments {
            v.push(seg_type);
            v.push(len8(asns.len(), "AS_PATH segment"));
            for &asn in asns {
                if four_octet {
                    v.extend_from_slice(&asn.to_be_bytes());
                } else {
                    v.extend_from_slice(&as2(asn).to_be_bytes());
                }
            }
        }
        v
    }

    /// AS_PATH (0x40, code 2): segments (type 1 AS_SET, 2 AS_SEQUENCE,
    /// 3 CONFED_SEQUENCE, 4 CONFED_SET), ASNs 2 or 4 octets.
    ///
    /// With 2 octets, an ASN above 65535 becomes AS_TRANS. Panics if a
    /// segment holds more than 255 ASNs.
    pub fn as_path(segments: &[(u8, &[u32])], four_octet: bool) -> Vec<u8> {
        attr(FLAG_TRANSITIVE, 2, &self::segments(segments, four_octet))
    }

    /// AS4_PATH (optional transitive 0xC0, code 17), 4-octet ASNs.
    ///
    /// Panics if a segment holds more than 255 ASNs.
    pub fn as4_path(segments: &[(u8, &[u32])]) -> Vec<u8> {
        attr(
            FLAG_OPTIONAL | FLAG_TRANSITIVE,
            17,
            &self::segments(segments, true),
        )
    }

    /// NEXT_HOP (0x40, code 3): IPv4 address.
    pub fn next_hop(addr: [u8; 4]) -> Vec<u8> {
        attr(FLAG_TRANSITIVE, 3, &addr)
    }

    /// MULTI_EXIT_DISC (optional 0x80, code 4).
    pub fn med(v: u32) -> Vec<u8> {
        attr(FLAG_OPTIONAL, 4, &v.to_be_bytes())
    }

    /// LOCAL_PREF (0x40, code 5).
    pub fn local_pref(v: u32) -> Vec<u8> {
        attr(FLAG_TRANSITIVE, 5, &v.to_be_bytes())
    }

    /// ATOMIC_AGGREGATE (0x40, code 6), empty value.
    pub fn atomic_aggregate() -> Vec<u8> {
        attr(FLAG_TRANSITIVE, 6, &[])
    }

    /// AGGREGATOR (0xC0, code 7): asn (2 or 4 octets), IPv4 address.
    ///
    /// With 2 octets, an ASN above 65535 becomes AS_TRANS.
    pub fn aggregator(asn: u32, addr: [u8; 4], four_octet: bool) -> Vec<u8> {
        let mut v = if four_octet {
            asn.to_be_bytes().to_vec()
        } else {
            as2(asn).to_be_bytes().to_vec()
        };
        v.extend_from_slice(&addr);
        attr(FLAG_OPTIONAL | FLAG_TRANSITIVE, 7, &v)
    }

    /// AS4_AGGREGATOR (0xC0, code 18): asn(4), IPv4 address.
    pub fn as4_aggregator(asn: u32, addr: [u8; 4]) -> Vec<u8> {
        let mut v = asn.to_be_bytes().to_vec();
        v.extend_from_slice(&addr);
        attr(FLAG_OPTIONAL | FLAG_TRANSITIVE, 18, &v)
    }

    /// COMMUNITIES (0xC0, code 8): 4 octets each.
    pub fn communities(values: &[u32]) -> Vec<u8> {
        let v: Vec<u8> = values.iter().flat_map(|c| c.to_be_bytes()).collect();
        attr(FLAG_OPTIONAL | FLAG_TRANSITIVE, 8, &v)
    }

    /// ORIGINATOR_ID (0x80, code 9).
    pub fn originator_id(id: [u8; 4]) -> Vec<u8> {
        attr(FLAG_OPTIONAL, 9, &id)
    }

    /// CLUSTER_LIST (0x80, code 10): 4 octets each.
    pub fn cluster_list(ids: &[[u8; 4]]) -> Vec<u8> {
        attr(FLAG_OPTIONAL, 10, &ids.concat())
    }

    /// MP_REACH_NLRI (0x80, code 14): afi(2), safi(1), next-hop length(1),
    /// next hop, reserved(1)=0, nlri.
    ///
    /// Panics if the next hop exceeds 255 octets.
    pub fn mp_reach(afi: u16, safi: u8, next_hop: &[u8], nlri: &[u8]) -> Vec<u8> {
        let mut v = Vec::with_capacity(5 + next_hop.len() + nlri.len());
        v.extend_from_slice(&afi.to_be_bytes());
        v.push(safi);
        v.push(len8(next_hop.len(), "MP_REACH next hop"));
        v.extend_from_slice(next_hop);
        v.push(0);
        v.extend_from_slice(nlri);
        attr(FLAG_OPTIONAL, 14, &v)
    }

    /// MP_UNREACH_NLRI (0x80, code 15): afi(2), safi(1), withdrawn nlri.
    pub fn mp_unreach(afi: u16, safi: u8, nlri: &[u8]) -> Vec<u8> {
        let mut v = Vec::with_capacity(3 + nlri.len());
        v.extend_from_slice(&afi.to_be_bytes());
        v.push(safi);
        v.extend_from_slice(nlri);
        attr(FLAG_OPTIONAL, 15, &v)
    }

    /// EXTENDED_COMMUNITIES (0xC0, code 16): 8 octets each.
    pub fn extended_communities(values: &[[u8; 8]]) -> Vec<u8> {
        attr(FLAG_OPTIONAL | FLAG_TRANSITIVE, 16, &values.concat())
    }

    /// LARGE_COMMUNITY (0xC0, code 32, RFC 8092): 12 octets each.
    pub fn large_communities(values: &[(u32, u32, u32)]) -> Vec<u8> {
        let mut v = Vec::with_capacity(values.len() * 12);
        for &(a, b, c) in values {
            v.extend_from_slice(&a.to_be_bytes());
            v.extend_from_slice(&b.to_be_bytes());
            v.extend_from_slice(&c.to_be_bytes());
        }
        attr(FLAG_OPTIONAL | FLAG_TRANSITIVE, 32, &v)
    }
}

/// BMP messages (RFC 7854, RFC 8671, RFC 9069, draft-ietf-grow-bmp-tlv).
pub mod bmp {
    use super::len16;
    use std::net::IpAddr;

    /// BMP message type Route Monitoring.
    pub const ROUTE_MONITORING: u8 = 0;
    /// BMP message type Statistics Report.
    pub const STATISTICS_REPORT: u8 = 1;
    /// BMP message type Peer Down Notification.
    pub const PEER_DOWN: u8 = 2;
    /// BMP message type Peer Up Notification.
    pub const PEER_UP: u8 = 3;
    /// BMP message type Initiation.
    pub const INITIATION: u8 = 4;
    /// BMP message type Termination.
    pub const TERMINATION: u8 = 5;
    /// BMP message type Route Mirroring.
    pub const ROUTE_MIRRORING: u8 = 6;

    /// Peer type: global instance peer.
    pub const PEER_TYPE_GLOBAL: u8 = 0;
    /// Peer type: RD instance peer.
    pub const PEER_TYPE_RD: u8 = 1;
    /// Peer type: local instance peer.
    pub const PEER_TYPE_LOCAL: u8 = 2;
    /// Peer type: Loc-RIB instance peer (RFC 9069).
    pub const PEER_TYPE_LOC_RIB: u8 = 3;

    /// Peer flag V: IPv6 peer address.
    pub const FLAG_V: u8 = 0x80;
    /// Peer flag L: post-policy.
    pub const FLAG_L: u8 = 0x40;
    /// Peer flag A: 2-octet AS_PATH format.
    pub const FLAG_A: u8 = 0x20;
    /// Peer flag O: Adj-RIB-Out (RFC 8671).
    pub const FLAG_O: u8 = 0x10;
    /// Loc-RIB peer flag F: filtered (RFC 9069).
    pub const FLAG_F: u8 = 0x80;

    /// Per-peer header fields.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct Peer {
        /// Peer type (0 global, 1 RD, 2 local, 3 Loc-RIB).
        pub peer_type: u8,
        /// Peer flags (V, L, A, O; F for Loc-RIB).
        pub flags: u8,
        /// Peer distinguisher.
        pub distinguisher: [u8; 8],
        /// Peer address.
        pub address: IpAddr,
        /// Peer AS.
        pub asn: u32,
        /// Peer BGP identifier.
        pub bgp_id: [u8; 4],
        /// Timestamp, seconds.
        pub ts_sec: u32,
        /// Timestamp, microseconds.
        pub ts_usec: u32,
    }

    impl Peer {
        /// Global instance peer (type 0), flags 0 (or 0x80 = V when the
        /// address is IPv6), distinguisher 0, timestamp 0.
        pub fn global(address: IpAddr, asn: u32, bgp_id: [u8; 4]) -> Peer {
            Peer {
                peer_type: PEER_TYPE_GLOBAL,
                flags: if address.is_ipv6() { FLAG_V } else { 0 },
                distinguisher: [0; 8],
                address,
                asn,
                bgp_id,
                ts_sec: 0,
                ts_usec: 0,
            }
        }

        /// Loc-RIB instance peer (type 3), address all zero, flags 0.
        pub fn loc_rib(asn: u32, bgp_id: [u8; 4]) -> Peer {
            Peer {
                peer_type: PEER_TYPE_LOC_RIB,
                flags: 0,
                distinguisher: [0; 8],
                address: IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED),
                asn,
                bgp_id,
                ts_sec: 0,
                ts_usec: 0,
            }
        }

        /// Replaces the flags.
        #[must_use]
        pub fn with_flags(self, flags: u8) -> Peer {
            Peer { flags, ..self }
        }

        /// Replaces the peer type.
        #[must_use]
        pub fn with_type(self, t: u8) -> Peer {
            Peer {
                peer_type: t,
                ..self
            }
        }

        /// Replaces the peer distinguisher.
        #[must_use]
        pub fn with_distinguisher(self, d: [u8; 8]) -> Peer {
            Peer {
                distinguisher: d,
                ..self
            }
        }

        /// Replaces the timestamp.
        #[must_use]
        pub fn with_time(self, sec: u32, usec: u32) -> Peer {
            Peer {
                ts_sec: sec,
                ts_usec: usec,
                ..self
            }
        }
    }

    /// Common header (version, 4-octet length including the 6-octet header,
    /// type) + body.
    ///
    /// Panics if the message exceeds u32::MAX octets.
    pub fn message(version: u8, msg_type: u8, body: &[u8]) -> Vec<u8> {
        let total = u32::try_from(6 + body.len())
            .unwrap_or_else(|_| panic!("BMP message too long: {} octets", 6 + body.len()));
        let mut out = Vec::with_capacity(6 + body.len());
        out.push(version);
        out.extend_from_slice(&total.to_be_bytes());
        out.push(msg_type);
        out.extend_from_slice(body);
        out
    }

    /// Rewrites the version octet (byte 0) of an encoded message; an empty
    /// message is returned unchanged.
    pub fn with_version(mut msg: Vec<u8>, version: u8) -> Vec<u8> {
        if let Some(b) = msg.first_mut() {
            *b = version;
        }
        msg
    }

    /// An address as 16 octets, IPv4 in the last 4 and the rest zero.
    fn addr16(addr: IpAddr) -> [u8; 16] {
        match addr {
            IpAddr::V4(a) => {
                let mut out = [0; 16];
                out[12..].copy_from_slice(&a.octets());
                out
            }
            IpAddr::V6(a) => a.octets(),
        }
    }

    /// 42-octet per-peer header. IPv4 address goes in the last 4 of the 16
    /// address octets, the rest zero.
    pub fn peer_header(peer: &Peer) -> Vec<u8> {
        let mut out = Vec::with_capacity(42);
        out.push(peer.peer_type);
        out.push(peer.flags);
        out.extend_from_slice(&peer.distinguisher);
        out.extend_from_slice(&addr16(peer.address));
        out.extend_from_slice(&peer.asn.to_be_bytes());
        out.extend_from_slice(&peer.bgp_id);
        out.extend_from_slice(&peer.ts_sec.to_be_bytes());
        out.extend_from_slice(&peer.ts_usec.to_be_bytes());
        out
    }

    /// Information TLV: type(2) length(2) value.
    ///
    /// Panics if `value` exceeds 65535 octets.
    pub fn tlv(tlv_type: u16, value: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(4 + value.len());
        out.extend_from_slice(&tlv_type.to_be_bytes());
        out.extend_from_slice(&len16(value.len(), "TLV value").to_be_bytes());
        out.extend_from_slice(value);
        out
    }

    /// BMPv4 TLV: type(2) length(2) index(2) value; length counts the value
    /// only, not the index.
    ///
    /// Panics if `value` exceeds 65535 octets.
    pub fn tlv_indexed(tlv_type: u16, index: u16, value: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(6 + value.len());
        out.extend_from_slice(&tlv_type.to_be_bytes());
        out.extend_from_slice(&len16(value.len(), "TLV value").to_be_bytes());
        out.extend_from_slice(&index.to_be_bytes());
        out.extend_from_slice(value);
        out
    }

    /// Concatenates information TLVs.
    fn tlvs_bytes(tlvs: &[(u16, &[u8])]) -> Vec<u8> {
        tlvs.iter().flat_map(|&(t, v)| tlv(t, v)).collect()
    }

    /// Initiation (version 3): information TLVs.
    pub fn initiation(tlvs: &[(u16, &[u8])]) -> Vec<u8> {
        message(3, INITIATION, &tlvs_bytes(tlvs))
    }

    /// Termination (version 3): information TLVs.
    pub fn termination(tlvs: &[(u16, &[u8])]) -> Vec<u8> {
        message(3, TERMINATION, &tlvs_bytes(tlvs))
    }

    /// Route Monitoring (version 3): per-peer header, BGP PDU.
    pub fn route_monitoring(peer: &Peer, bgp_pdu: &[u8]) -> Vec<u8> {
        let mut body = peer_header(peer);
        body.extend_from_slice(bgp_pdu);
        message(3, ROUTE_MONITORING, &body)
    }

    /// BMPv4 Route Monitoring (version 4): per-peer header then TLVs each
    /// type(2) length(2) index(2) value, where length counts the value only
    /// (NOT the index). The BGP PDU goes in as TLV type 4.
    ///
    /// `tlvs` are (type, index, value).
    pub fn route_monitoring_v4(peer: &Peer, tlvs: &[(u16, u16, &[u8])]) -> Vec<u8> {
        let mut body = peer_header(peer);
        for &(t, i, v) in tlvs {
            body.extend_from_slice(&tlv_indexed(t, i, v));
        }
        message(4, ROUTE_MONITORING, &body)
    }

    /// Statistic counter: type(2), length 4, value(4).
    pub fn stat_counter(stat_type: u16, value: u32) -> Vec<u8> {
        tlv(stat_type, &value.to_be_bytes())
    }

    /// Statistic gauge: type(2), length 8, value(8).
    pub fn stat_gauge(stat_type: u16, value: u64) -> Vec<u8> {
        tlv(stat_type, &value.to_be_bytes())
    }

    /// Per-AFI/SAFI statistic gauge: type(2), length 11, afi(2), safi(1),
    /// value(8).
    pub fn stat_afi_gauge(stat_type: u16, afi: u16, safi: u8, value: u64) -> Vec<u8> {
        let mut v = Vec::with_capacity(11);
        v.extend_from_slice(&afi.to_be_bytes());
        v.push(safi);
        v.extend_from_slice(&value.to_be_bytes());
        tlv(stat_type, &v)
    }

    /// Statistics report: per-peer header, count(4) = stats.len(), then the
    /// encoded stats.
    pub fn statistics(peer: &Peer, stats: &[Vec<u8>]) -> Vec<u8> {
        let mut body = peer_header(peer);
        let count = u32::try_from(stats.len()).unwrap_or(u32::MAX);
        body.extend_from_slice(&count.to_be_bytes());
        for s in stats {
            body.extend_from_slice(s);
        }
        message(3, STATISTICS_REPORT, &body)
    }

    /// Peer Up: per-peer header, local address (16; IPv4 in the last 4),
    /// local port(2), remote port(2), sent OPEN, received OPEN (full BGP
    /// messages), then information TLVs.
    pub fn peer_up(
        peer: &Peer,
        local: IpAddr,
        local_port: u16,
        remote_port: u16,
        sent_open: &[u8],
        received_open: &[u8],
        tlvs: &[(u16, &[u8])],
    ) -> Vec<u8> {
        let mut body = peer_header(peer);
        body.extend_from_slice(&addr16(local));
        body.extend_from_slice(&local_port.to_be_bytes());
        body.extend_from_slice(&remote_port.to_be_bytes());
        body.extend_from_slice(sent_open);
        body.extend_from_slice(received_open);
        body.extend_from_slice(&tlvs_bytes(tlvs));
        message(3, PEER_UP, &body)
    }

    /// Peer Down: per-peer header, reason(1), data.
    pub fn peer_down(peer: &Peer, reason: u8, data: &[u8]) -> Vec<u8> {
        let mut body = peer_header(peer);
        body.push(reason);
        body.extend_from_slice(data);
        message(3, PEER_DOWN, &body)
    }

    /// Route Mirroring: per-peer header, TLVs (type 0 BGP message, type 1
    /// information code 2 octets).
    pub fn route_mirroring(peer: &Peer, tlvs: &[(u16, &[u8])]) -> Vec<u8> {
        let mut body = peer_header(peer);
        body.extend_from_slice(&tlvs_bytes(tlvs));
        message(3, ROUTE_MIRRORING, &body)
    }
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
