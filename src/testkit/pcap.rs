//! Captures for tests: TCP segments in IPv4/IPv6 packets in link-layer frames, written as
//! legacy pcap or pcapng files, optionally gzipped.
//!
//! Every byte is written from the published layouts (RFC 791, RFC 8200, RFC 9293, the tcpdump
//! link-layer header types, the pcap and pcapng file formats), not with the crate's capture
//! reader, so that a test of that reader is not checked against itself. Only what the tests
//! need is written: no TCP options or checksums (readers do not verify them), one IPv6
//! extension header at most, no IP fragments.
//!
//! The usual path: a [`Flow`] hands out the [`Segment`]s of one TCP direction,
//! [`Segment::frame`] wraps one in a [`Link`] framing, and [`pcap`] / [`pcapng`] (or a
//! streaming [`PcapWriter`]) turn timed frames into a file.

use std::io::{self, Write};
use std::net::{IpAddr, Ipv6Addr};

use super::len16;

// ---- TCP -------------------------------------------------------------------------------------

/// TCP flag FIN: the sender has no more data.
pub const FIN: u8 = 0x01;
/// TCP flag SYN: synchronise sequence numbers (opens a connection).
pub const SYN: u8 = 0x02;
/// TCP flag RST: reset the connection.
pub const RST: u8 = 0x04;
/// TCP flag PSH: push the data to the application.
pub const PSH: u8 = 0x08;
/// TCP flag ACK: the acknowledgment number is significant.
pub const ACK: u8 = 0x10;

/// IP protocol number of TCP.
pub const PROTO_TCP: u8 = 6;
/// IP protocol number of UDP.
pub const PROTO_UDP: u8 = 17;

/// One end of a TCP connection or UDP exchange: address and port.
pub type Endpoint = (IpAddr, u16);

/// One TCP segment. Source and destination must be of the same IP version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// Sender.
    pub src: Endpoint,
    /// Receiver.
    pub dst: Endpoint,
    /// Sequence number of the first payload byte (of the SYN itself on a SYN).
    pub seq: u32,
    /// TCP flags ([`SYN`], [`ACK`], ...).
    pub flags: u8,
    /// Payload.
    pub payload: Vec<u8>,
}

impl Segment {
    /// The IPv4 or IPv6 packet (by the addresses) that carries this segment.
    ///
    /// # Panics
    /// If the source and destination addresses are of different IP versions.
    pub fn packet(&self) -> Vec<u8> {
        let mut l4 = Vec::with_capacity(20 + self.payload.len());
        l4.extend_from_slice(&tcp_header(self.src.1, self.dst.1, self.seq, self.flags));
        l4.extend_from_slice(&self.payload);
        ip_packet(self.src.0, self.dst.0, PROTO_TCP, &l4)
    }

    /// The frame that carries this segment on `link`.
    ///
    /// # Panics
    /// As [`Segment::packet`].
    pub fn frame(&self, link: Link) -> Vec<u8> {
        link.wrap(&self.packet())
    }
}

/// One direction of a TCP connection, handing out sequence numbers as a sender does.
#[derive(Debug, Clone)]
pub struct Flow {
    /// Sender (the router, for BMP).
    pub src: Endpoint,
    /// Receiver (the station).
    pub dst: Endpoint,
    /// Initial sequence number: that of the SYN.
    pub isn: u32,
    /// Sequence number of the next data byte.
    pub next: u32,
}

impl Flow {
    /// A flow whose SYN carries `isn`; data starts at `isn + 1`.
    pub fn new(src: Endpoint, dst: Endpoint, isn: u32) -> Self {
        Flow {
            src,
            dst,
            isn,
            next: isn.wrapping_add(1),
        }
    }

    /// The sender's SYN.
    pub fn syn(&self) -> Segment {
        self.segment(self.isn, SYN, Vec::new())
    }

    /// The receiver's SYN-ACK (the reverse direction, no data).
    pub fn syn_ack(&self) -> Segment {
        Segment {
            src: self.dst,
            dst: self.src,
            seq: 0x1000_0000,
            flags: SYN | ACK,
            payload: Vec::new(),
        }
    }

    /// The next data segment, carrying `payload`.
    pub fn data(&mut self, payload: &[u8]) -> Segment {
        let segment = self.segment(self.next, ACK | PSH, payload.to_vec());
        self.next = self.next.wrapping_add(len32(payload.len(), "TCP payload"));
        segment
    }

    /// A data segment at stream offset `offset` (0 is the first data byte), for
    /// retransmissions, overlaps and holes; does not move [`Flow::next`].
    pub fn at(&self, offset: usize, payload: &[u8]) -> Segment {
        let seq = self
            .isn
            .wrapping_add(1)
            .wrapping_add(len32(offset, "stream offset"));
        self.segment(seq, ACK | PSH, payload.to_vec())
    }

    /// The sender's FIN, after the data handed out so far.
    pub fn fin(&self) -> Segment {
        self.segment(self.next, FIN | ACK, Vec::new())
    }

    fn segment(&self, seq: u32, flags: u8, payload: Vec<u8>) -> Segment {
        Segment {
            src: self.src,
            dst: self.dst,
            seq,
            flags,
            payload,
        }
    }
}

/// A 20-octet TCP header (RFC 9293 §3.1) without options: acknowledgment number 1, window
/// 65535, checksum and urgent pointer 0.
pub fn tcp_header(src_port: u16, dst_port: u16, seq: u32, flags: u8) -> [u8; 20] {
    let mut header = [0u8; 20];
    header[0..2].copy_from_slice(&src_port.to_be_bytes());
    header[2..4].copy_from_slice(&dst_port.to_be_bytes());
    header[4..8].copy_from_slice(&seq.to_be_bytes());
    header[8..12].copy_from_slice(&1u32.to_be_bytes());
    header[12] = 5 << 4; // data offset: 5 words
    header[13] = flags;
    header[14..16].copy_from_slice(&65535u16.to_be_bytes());
    header
}

/// A UDP datagram (RFC 768, checksum 0: none) in an IP packet.
///
/// # Panics
/// As [`ip_packet`].
pub fn udp_packet(src: Endpoint, dst: Endpoint, payload: &[u8]) -> Vec<u8> {
    let mut l4 = Vec::with_capacity(8 + payload.len());
    l4.extend_from_slice(&src.1.to_be_bytes());
    l4.extend_from_slice(&dst.1.to_be_bytes());
    l4.extend_from_slice(&len16(8 + payload.len(), "UDP datagram").to_be_bytes());
    l4.extend_from_slice(&[0, 0]);
    l4.extend_from_slice(payload);
    ip_packet(src.0, dst.0, PROTO_UDP, &l4)
}

// ---- IP --------------------------------------------------------------------------------------

/// An IP packet carrying `payload` of IP protocol `protocol`: IPv4 (RFC 791: 20-octet header,
/// don't-fragment, TTL 64, header checksum) or IPv6 (RFC 8200: no extension headers, hop
/// limit 64), by the addresses.
///
/// # Panics
/// If `src` and `dst` are of different IP versions, or the payload does not fit the length
/// field.
pub fn ip_packet(src: IpAddr, dst: IpAddr, protocol: u8, payload: &[u8]) -> Vec<u8> {
    match (src, dst) {
        (IpAddr::V4(src), IpAddr::V4(dst)) => {
            let total = len16(20 + payload.len(), "IPv4 packet");
            let mut ip = Vec::with_capacity(20 + payload.len());
            ip.extend_from_slice(&[0x45, 0]); // version 4, 5 words; DSCP/ECN 0
            ip.extend_from_slice(&total.to_be_bytes());
            // identification 1, don't fragment, TTL 64, protocol, checksum (below)
            ip.extend_from_slice(&[0, 1, 0x40, 0, 64, protocol, 0, 0]);
            ip.extend_from_slice(&src.octets());
            ip.extend_from_slice(&dst.octets());
            let sum = ipv4_checksum(&ip);
            ip[10..12].copy_from_slice(&sum.to_be_bytes());
            ip.extend_from_slice(payload);
            ip
        }
        (IpAddr::V6(src), IpAddr::V6(dst)) => ipv6(src, dst, protocol, &[], payload),
        _ => panic!("mixed IP versions: {src} to {dst}"),
    }
}

/// An IPv6 packet with one extension header, hop-by-hop options (8 octets, PadN only), before
/// `payload` of IP protocol `protocol`: readers must walk extension headers to find it.
///
/// # Panics
/// If the payload does not fit the length field.
pub fn ipv6_hop_by_hop_packet(
    src: Ipv6Addr,
    dst: Ipv6Addr,
    protocol: u8,
    payload: &[u8],
) -> Vec<u8> {
    // next header, length 0 (8 octets in all), PadN option of 4 octets
    let hop_by_hop = [protocol, 0, 1, 4, 0, 0, 0, 0];
    ipv6(src, dst, 0, &hop_by_hop, payload)
}

/// IPv6 header, `extension` (whose first octet names the payload's protocol) and `payload`;
/// `next_header` names the first of them.
fn ipv6(
    src: Ipv6Addr,
    dst: Ipv6Addr,
    next_header: u8,
    extension: &[u8],
    payload: &[u8],
) -> Vec<u8> {
    let length = len16(extension.len() + payload.len(), "IPv6 payload");
    let mut ip = Vec::with_capacity(40 + usize::from(length));
    ip.extend_from_slice(&[0x60, 0, 0, 0]); // version 6, traffic class and flow label 0
    ip.extend_from_slice(&length.to_be_bytes());
    ip.push(next_header);
    ip.push(64); // hop limit
    ip.extend_from_slice(&src.octets());
    ip.extend_from_slice(&dst.octets());
    ip.extend_from_slice(extension);
    ip.extend_from_slice(payload);
    ip
}

/// The IPv4 header checksum: one's complement of the one's-complement sum of its 16-bit words.
fn ipv4_checksum(header: &[u8]) -> u16 {
    let mut sum: u32 = header
        .chunks(2)
        .map(|w| u32::from(u16::from_be_bytes([w[0], *w.get(1).unwrap_or(&0)])))
        .sum();
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

// ---- link layer ------------------------------------------------------------------------------

/// Link-layer framings, each with its tcpdump link type (LINKTYPE_*).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    /// Ethernet II (link type 1), padded to the 60-octet minimum frame.
    Ethernet,
    /// Ethernet with one 802.1Q VLAN tag (VLAN 42).
    Vlan,
    /// Ethernet with an 802.1ad service tag (VLAN 100) and an 802.1Q tag (VLAN 42).
    QinQ,
    /// Linux cooked capture v1 (link type 113, `tcpdump -i any`).
    Sll,
    /// Linux cooked capture v2 (link type 276).
    Sll2,
    /// BSD loopback (link type 0): a 4-octet address family in host byte order (little-endian
    /// here), then the packet.
    Null,
    /// Raw IP (link type 101): the packet alone.
    RawIp,
}

impl Link {
    /// Every framing.
    pub const ALL: [Link; 7] = [
        Link::Ethernet,
        Link::Vlan,
        Link::QinQ,
        Link::Sll,
        Link::Sll2,
        Link::Null,
        Link::RawIp,
    ];

    /// The link type of this framing in a pcap or pcapng file.
    pub fn linktype(self) -> u32 {
        match self {
            Link::Ethernet | Link::Vlan | Link::QinQ => 1,
            Link::Sll => 113,
            Link::Sll2 => 276,
            Link::Null => 0,
            Link::RawIp => 101,
        }
    }

    /// The frame around the IP packet `ip` (IPv4 or IPv6 by its version nibble).
    pub fn wrap(self, ip: &[u8]) -> Vec<u8> {
        let ethertype: [u8; 2] = if ip.first().is_some_and(|b| b >> 4 == 6) {
            [0x86, 0xdd]
        } else {
            [0x08, 0x00]
        };
        let mut frame = Vec::with_capacity(ip.len() + 24);
        match self {
            Link::Ethernet | Link::Vlan | Link::QinQ => {
                // destination, source: locally administered addresses
                frame.extend_from_slice(&[2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2]);
                if self == Link::QinQ {
                    frame.extend_from_slice(&[0x88, 0xa8, 0, 100]);
                }
                if self != Link::Ethernet {
                    frame.extend_from_slice(&[0x81, 0x00, 0, 42]);
                }
                frame.extend_from_slice(&ethertype);
            }
            Link::Sll => {
                // packet type 0 (to us), ARPHRD_ETHER, address length 6, address (8 octets)
                frame.extend_from_slice(&[0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0]);
                frame.extend_from_slice(&ethertype);
            }
            Link::Sll2 => {
                // protocol, reserved, interface index 2, ARPHRD_ETHER, packet type 0,
                // address length 6, address (8 octets)
                frame.extend_from_slice(&ethertype);
                frame.extend_from_slice(&[0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0]);
            }
            // AF_INET, whatever the version: readers go by the IP version nibble
            Link::Null => frame.extend_from_slice(&2u32.to_le_bytes()),
            Link::RawIp => {}
        }
        frame.extend_from_slice(ip);
        if matches!(self, Link::Ethernet | Link::Vlan | Link::QinQ) && frame.len() < 60 {
            frame.resize(60, 0); // padding, which readers must cut off by the IP length
        }
        frame
    }
}

// ---- files -----------------------------------------------------------------------------------

/// A capture time: seconds since the Unix epoch and the fraction of the second, in the file's
/// resolution (microseconds unless said otherwise).
pub type Time = (u32, u32);

/// How a legacy pcap file writes its numbers and times.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PcapFormat {
    /// Big-endian file (as written on a big-endian host); else little-endian.
    pub big_endian: bool,
    /// Nanosecond timestamps (magic `a1b23c4d`); else microseconds (magic `a1b2c3d4`).
    pub nanos: bool,
}

impl PcapFormat {
    fn u16(self, v: u16) -> [u8; 2] {
        if self.big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    }

    fn u32(self, v: u32) -> [u8; 4] {
        if self.big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    }
}

/// Writes a legacy pcap file (version 2.4, snap length 262144) packet by packet, so that
/// large captures never sit in memory.
pub struct PcapWriter<W: Write> {
    out: W,
    format: PcapFormat,
}

impl<W: Write> PcapWriter<W> {
    /// A little-endian, microsecond pcap of link type `linktype`; writes the file header.
    pub fn new(out: W, linktype: u32) -> io::Result<Self> {
        Self::with_format(out, linktype, PcapFormat::default())
    }

    /// A pcap in `format` of link type `linktype`; writes the file header.
    pub fn with_format(mut out: W, linktype: u32, format: PcapFormat) -> io::Result<Self> {
        let magic = if format.nanos {
            0xa1b2_3c4d
        } else {
            0xa1b2_c3d4
        };
        let mut header = Vec::with_capacity(24);
        header.extend_from_slice(&format.u32(magic));
        header.extend_from_slice(&format.u16(2)); // version 2.4
        header.extend_from_slice(&format.u16(4));
        header.extend_from_slice(&format.u32(0)); // reserved (once the time zone)
        header.extend_from_slice(&format.u32(0)); // reserved (once the accuracy)
        header.extend_from_slice(&format.u32(262_144)); // snap length
        header.extend_from_slice(&format.u32(linktype));
        out.write_all(&header)?;
        Ok(PcapWriter { out, format })
    }

    /// Writes one record: `frame` captured whole at `time`.
    pub fn packet(&mut self, time: Time, frame: &[u8]) -> io::Result<()> {
        let length = len32(frame.len(), "frame");
        let mut header = [0u8; 16];
        header[0..4].copy_from_slice(&self.format.u32(time.0));
        header[4..8].copy_from_slice(&self.format.u32(time.1));
        header[8..12].copy_from_slice(&self.format.u32(length)); // captured
        header[12..16].copy_from_slice(&self.format.u32(length)); // original
        self.out.write_all(&header)?;
        self.out.write_all(frame)
    }

    /// The underlying writer.
    pub fn into_inner(self) -> W {
        self.out
    }
}

/// A little-endian, microsecond pcap of link type `linktype` holding `packets`.
pub fn pcap(linktype: u32, packets: &[(Time, Vec<u8>)]) -> Vec<u8> {
    pcap_with(PcapFormat::default(), linktype, packets)
}

/// A pcap in `format` of link type `linktype` holding `packets`.
pub fn pcap_with(format: PcapFormat, linktype: u32, packets: &[(Time, Vec<u8>)]) -> Vec<u8> {
    let mut writer =
        PcapWriter::with_format(Vec::new(), linktype, format).expect("writing to memory");
    for (time, frame) in packets {
        writer.packet(*time, frame).expect("writing to memory");
    }
    writer.into_inner()
}

/// A pcapng file of one section and one interface of link type `linktype` in microseconds
/// (the default: no `if_tsresol` option), holding `packets` as Enhanced Packet Blocks.
pub fn pcapng(linktype: u32, packets: &[(Time, Vec<u8>)]) -> Vec<u8> {
    let mut out = pcapng_section();
    out.extend(pcapng_interface(linktype, None));
    for (time, frame) in packets {
        let micros = u64::from(time.0) * 1_000_000 + u64::from(time.1);
        out.extend(pcapng_packet(0, micros, frame));
    }
    out
}

/// A pcapng Section Header Block: little-endian, version 1.0, section length unknown.
/// Interfaces are numbered from 0 again in each section.
pub fn pcapng_section() -> Vec<u8> {
    let mut body = Vec::with_capacity(16);
    body.extend_from_slice(&0x1a2b_3c4du32.to_le_bytes()); // byte-order magic
    body.extend_from_slice(&1u16.to_le_bytes());
    body.extend_from_slice(&0u16.to_le_bytes());
    body.extend_from_slice(&(-1i64).to_le_bytes());
    pcapng_block(0x0a0d_0d0a, &body)
}

/// A pcapng Interface Description Block of link type `linktype`, no snap length, with an
/// `if_tsresol` option when `tsresol` is given (a power of ten: 6 is microseconds, 9
/// nanoseconds), else none (microseconds).
///
/// # Panics
/// If `linktype` does not fit pcapng's 16 bits.
pub fn pcapng_interface(linktype: u32, tsresol: Option<u8>) -> Vec<u8> {
    let linktype = u16::try_from(linktype)
        .unwrap_or_else(|_| panic!("link type {linktype} does not fit pcapng's 16 bits"));
    let mut body = Vec::with_capacity(20);
    body.extend_from_slice(&linktype.to_le_bytes());
    body.extend_from_slice(&0u16.to_le_bytes()); // reserved
    body.extend_from_slice(&0u32.to_le_bytes()); // snap length: none
    if let Some(tsresol) = tsresol {
        body.extend_from_slice(&9u16.to_le_bytes()); // if_tsresol
        body.extend_from_slice(&1u16.to_le_bytes());
        body.extend_from_slice(&[tsresol, 0, 0, 0]);
        body.extend_from_slice(&[0, 0, 0, 0]); // opt_endofopt
    }
    pcapng_block(1, &body)
}

/// A pcapng Enhanced Packet Block: `frame` captured whole on interface `interface` of the
/// section, at `timestamp` in that interface's units.
pub fn pcapng_packet(interface: u32, timestamp: u64, frame: &[u8]) -> Vec<u8> {
    let length = len32(frame.len(), "frame");
    let mut body = Vec::with_capacity(20 + frame.len());
    body.extend_from_slice(&interface.to_le_bytes());
    body.extend_from_slice(&((timestamp >> 32) as u32).to_le_bytes());
    body.extend_from_slice(&(timestamp as u32).to_le_bytes());
    body.extend_from_slice(&length.to_le_bytes()); // captured
    body.extend_from_slice(&length.to_le_bytes()); // original
    body.extend_from_slice(frame);
    pcapng_block(6, &body)
}

/// A pcapng block: type, total length, `body` padded to 32 bits, total length again.
fn pcapng_block(block_type: u32, body: &[u8]) -> Vec<u8> {
    let padded = body.len().next_multiple_of(4);
    let total = len32(12 + padded, "pcapng block");
    let mut block = Vec::with_capacity(12 + padded);
    block.extend_from_slice(&block_type.to_le_bytes());
    block.extend_from_slice(&total.to_le_bytes());
    block.extend_from_slice(body);
    block.resize(8 + padded, 0);
    block.extend_from_slice(&total.to_le_bytes());
    block
}

/// `data` gzipped, as captures are often shipped.
pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(data).expect("writing to memory");
    encoder.finish().expect("writing to memory")
}

/// Converts a length to a 32-bit field, panicking with `what` if it does not fit.
fn len32(n: usize, what: &str) -> u32 {
    u32::try_from(n).unwrap_or_else(|_| panic!("{what} too long: {n} octets (max 2^32 - 1)"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    fn v4(a: u8, b: u8, c: u8, d: u8) -> IpAddr {
        IpAddr::V4(Ipv4Addr::new(a, b, c, d))
    }

    fn flow() -> Flow {
        Flow::new(
            (v4(192, 0, 2, 10), 40_000),
            (v4(192, 0, 2, 1), 11019),
            0xffff_fffe,
        )
    }

    #[test]
    fn flow_numbers_data_from_isn_plus_one_and_wraps() {
        let mut f = flow();
        assert_eq!(f.syn().seq, 0xffff_fffe);
        assert_eq!(f.syn().flags, SYN);
        let first = f.data(b"abc");
        assert_eq!((first.seq, first.flags), (0xffff_ffff, ACK | PSH));
        assert_eq!(f.data(b"d").seq, 2, "wraps past 2^32");
        assert_eq!(f.at(1, b"bc").seq, 0, "offset 1 of the stream");
        assert_eq!((f.fin().seq, f.fin().flags), (3, FIN | ACK));
        let syn_ack = f.syn_ack();
        assert_eq!((syn_ack.src, syn_ack.dst), (f.dst, f.src));
    }

    #[test]
    fn ipv4_tcp_layout_and_checksum() {
        let mut f = flow();
        let packet = f.data(b"BMP!").packet();
        assert_eq!(packet.len(), 20 + 20 + 4);
        assert_eq!(packet[0], 0x45);
        assert_eq!(
            u16::from_be_bytes([packet[2], packet[3]]),
            44,
            "total length"
        );
        assert_eq!(packet[9], PROTO_TCP);
        assert_eq!(
            ipv4_checksum(&packet[..20]),
            0,
            "a header with its checksum sums to 0"
        );
        assert_eq!(packet[12..20], [192, 0, 2, 10, 192, 0, 2, 1]);
        let tcp = &packet[20..];
        assert_eq!(u16::from_be_bytes([tcp[0], tcp[1]]), 40_000);
        assert_eq!(u16::from_be_bytes([tcp[2], tcp[3]]), 11019);
        assert_eq!(
            u32::from_be_bytes([tcp[4], tcp[5], tcp[6], tcp[7]]),
            0xffff_ffff
        );
        assert_eq!((tcp[12] >> 4, tcp[13]), (5, ACK | PSH));
        assert_eq!(&tcp[20..], b"BMP!");
    }

    #[test]
    fn ipv6_packets_with_and_without_hop_by_hop() {
        let (a, b) = (
            "2001:db8::1".parse().unwrap(),
            "2001:db8::2".parse().unwrap(),
        );
        let plain = ip_packet(IpAddr::V6(a), IpAddr::V6(b), PROTO_TCP, &[1, 2, 3]);
        assert_eq!(plain.len(), 43);
        assert_eq!(plain[0] >> 4, 6);
        assert_eq!(
            u16::from_be_bytes([plain[4], plain[5]]),
            3,
            "payload length"
        );
        assert_eq!(plain[6], PROTO_TCP);
        let hop = ipv6_hop_by_hop_packet(a, b, PROTO_TCP, &[1, 2, 3]);
        assert_eq!(
            u16::from_be_bytes([hop[4], hop[5]]),
            11,
            "extension header counts"
        );
        assert_eq!(hop[6], 0, "hop-by-hop first");
        assert_eq!(hop[40], PROTO_TCP, "then TCP");
        assert_eq!(&hop[48..], [1, 2, 3]);
    }

    #[test]
    #[should_panic(expected = "mixed IP versions")]
    fn mixed_ip_versions_panic() {
        ip_packet(
            v4(192, 0, 2, 1),
            "2001:db8::1".parse().unwrap(),
            PROTO_TCP,
            &[],
        );
    }

    #[test]
    fn udp_length_covers_its_header() {
        let packet = udp_packet((v4(192, 0, 2, 1), 4739), (v4(192, 0, 2, 2), 4739), b"ipfix");
        assert_eq!(packet[9], PROTO_UDP);
        assert_eq!(u16::from_be_bytes([packet[24], packet[25]]), 13);
    }

    #[test]
    fn etherparse_reads_every_framing() {
        let mut f = flow();
        let segment = f.data(b"bmp");
        for link in Link::ALL {
            let frame = segment.frame(link);
            let ip = match link {
                Link::Ethernet | Link::Vlan | Link::QinQ => {
                    assert!(frame.len() >= 60, "{link:?}: padded to the minimum");
                    let sliced = etherparse::LaxSlicedPacket::from_ethernet(&frame).unwrap();
                    let vlans: Vec<u16> = sliced.vlan_ids().iter().map(|id| id.value()).collect();
                    let want: &[u16] = match link {
                        Link::Vlan => &[42],
                        Link::QinQ => &[100, 42],
                        _ => &[],
                    };
                    assert_eq!(vlans, want, "{link:?}");
                    sliced
                }
                Link::Sll => etherparse::LaxSlicedPacket::from_ip(&frame[16..]).unwrap(),
                Link::Sll2 => etherparse::LaxSlicedPacket::from_ip(&frame[20..]).unwrap(),
                Link::Null => etherparse::LaxSlicedPacket::from_ip(&frame[4..]).unwrap(),
                Link::RawIp => etherparse::LaxSlicedPacket::from_ip(&frame).unwrap(),
            };
            let Some(etherparse::TransportSlice::Tcp(tcp)) = ip.transport else {
                panic!("{link:?}: no TCP");
            };
            assert_eq!(tcp.sequence_number(), segment.seq, "{link:?}");
            assert_eq!(tcp.payload(), b"bmp", "{link:?}: padding cut off");
        }
    }

    #[test]
    fn pcap_header_and_records_in_every_format() {
        let frames = vec![
            ((1_700_000_000, 5), vec![1, 2, 3]),
            ((1_700_000_001, 6), vec![4]),
        ];
        for (big_endian, nanos) in [(false, false), (true, false), (false, true), (true, true)] {
            let format = PcapFormat { big_endian, nanos };
            let file = pcap_with(format, 113, &frames);
            let word = |at: usize| {
                let b = [file[at], file[at + 1], file[at + 2], file[at + 3]];
                if big_endian {
                    u32::from_be_bytes(b)
                } else {
                    u32::from_le_bytes(b)
                }
            };
            let magic = if nanos { 0xa1b2_3c4d } else { 0xa1b2_c3d4 };
            assert_eq!((word(0), word(20)), (magic, 113), "{format:?}");
            assert_eq!(file.len(), 24 + 16 + 3 + 16 + 1, "{format:?}");
            assert_eq!(
                [word(24), word(28), word(32), word(36)],
                [1_700_000_000, 5, 3, 3]
            );
            assert_eq!(file[40..43], [1, 2, 3]);
            let (_, header) = pcap_parser::parse_pcap_header(&file).unwrap();
            assert_eq!(header.is_bigendian(), big_endian, "{format:?}");
            assert_eq!(header.is_nanosecond_precision(), nanos, "{format:?}");
        }
        assert_eq!(
            pcap(1, &frames),
            pcap_with(PcapFormat::default(), 1, &frames)
        );
    }

    #[test]
    fn pcapng_blocks_are_padded_and_framed() {
        let file = pcapng(1, &[((1, 2), vec![0xaa; 5])]);
        let mut blocks = Vec::new();
        let mut at = 0;
        while at < file.len() {
            let word = |i: usize| u32::from_le_bytes(file[i..i + 4].try_into().unwrap());
            let (block_type, total) = (word(at), word(at + 4) as usize);
            assert_eq!(total % 4, 0, "block {block_type:#x} padded");
            assert_eq!(word(at + total - 4) as usize, total, "trailing length");
            blocks.push((block_type, total));
            at += total;
        }
        assert_eq!(blocks, [(0x0a0d_0d0a, 28), (1, 20), (6, 40)]);
        // Enhanced Packet Block: interface 0, 1.000002 s in microseconds, 5 octets.
        let epb = &file[48..];
        assert_eq!(epb[8..12], [0, 0, 0, 0]);
        assert_eq!(epb[16..20], 1_000_002u32.to_le_bytes());
        assert_eq!(epb[20..24], 5u32.to_le_bytes());
        let with_resolution = pcapng_interface(113, Some(9));
        assert_eq!(with_resolution.len(), 32);
        assert_eq!(with_resolution[16..21], [9, 0, 1, 0, 9], "if_tsresol = 9");
    }

    #[test]
    fn pcap_parser_reads_what_the_writers_write() {
        let frames: Vec<(Time, Vec<u8>)> = (0..3u8)
            .map(|i| {
                (
                    (1_700_000_000, u32::from(i)),
                    flow().at(usize::from(i), &[i]).frame(Link::Ethernet),
                )
            })
            .collect();
        for (what, file) in [("pcap", pcap(1, &frames)), ("pcapng", pcapng(1, &frames))] {
            let mut reader = pcap_parser::create_reader(1 << 16, file.as_slice()).unwrap();
            let mut packets = 0;
            loop {
                match reader.next() {
                    Ok((consumed, block)) => {
                        if matches!(
                            block,
                            pcap_parser::PcapBlockOwned::Legacy(_)
                                | pcap_parser::PcapBlockOwned::NG(
                                    pcap_parser::Block::EnhancedPacket(_)
                                )
                        ) {
                            packets += 1;
                        }
                        reader.consume(consumed);
                    }
                    Err(pcap_parser::PcapError::Eof) => break,
                    Err(pcap_parser::PcapError::Incomplete(_)) => reader.refill().unwrap(),
                    Err(e) => panic!("{what}: {e:?}"),
                }
            }
            assert_eq!(packets, 3, "{what}");
        }
    }

    #[test]
    fn gzip_has_the_gzip_magic() {
        assert_eq!(gzip(b"bmp")[..3], [0x1f, 0x8b, 8]);
    }
}
