//! BGP-4 messages and path attributes (RFC 4271 and extensions).

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

// The segment types are written here from RFC 4271 and RFC 5065, not taken from the decoder's
// `as_path` constants: testkit sits below `decode` (tests/it/layers.rs), so that what it
// encodes checks the decoder against the RFCs rather than against itself.

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
