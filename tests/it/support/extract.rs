//! A deliberately simple, test-only TCP payload extractor for the real BMP captures.
//!
//! It reads legacy pcap (either byte order, micro- or nanosecond) or pcapng with pcap-parser,
//! decodes Ethernet (with 802.1Q/802.1ad tags), Linux SLL or raw-IP link layers, IPv4/IPv6
//! and TCP by hand, keeps the TCP segments that carry payload to one destination port, and
//! reassembles each flow by sequence number (exact retransmissions dropped, overlaps trimmed,
//! holes recorded). The product gets its own reassembly; this only has to be right on the
//! captures in `../shared/captures`, and `extractor_counts_match_sources` checks that it is.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::ops::Range;
use std::path::Path;

use pcap_parser::{Block, Linktype, PcapBlockOwned, PcapError, PcapNGSlice};

/// One reassembled TCP direction (client to the collector port).
#[derive(Debug, Clone)]
pub struct TcpStream {
    /// Source endpoint, e.g. `192.0.2.1:12345` or `[2001:db8::1]:12345`; `#2`, `#3`... is
    /// appended when the same 4-tuple is reused by a later connection (new SYN).
    pub name: String,
    /// Index (0-based, capture order) of the first packet that carried payload for this flow.
    pub first_packet: usize,
    /// Reassembled payload.
    pub bytes: Vec<u8>,
    /// Which packet delivered each stretch of `bytes` (ascending, contiguous ranges).
    pub chunks: Vec<(Range<usize>, usize)>,
    /// Payload-carrying segments seen.
    pub segments: usize,
    /// Segments whose bytes were all delivered already (retransmissions, duplicates).
    pub duplicate_segments: usize,
    /// Segments that partly overlapped bytes already delivered (the overlap was trimmed).
    pub trimmed_segments: usize,
    /// Segments that arrived in the capture before a segment with a lower sequence number.
    pub out_of_order_segments: usize,
    /// Holes in the sequence space: (offset in `bytes` where the hole is, missing byte count).
    pub gaps: Vec<(usize, u64)>,
    /// With a SYN of this connection in the capture: first data sequence number minus (ISN + 1); 0 for a real handshake.
    pub data_start_after_syn: Option<i64>,
}

impl TcpStream {
    /// Index of the packet that delivered byte `offset` of the stream.
    pub fn packet_of(&self, offset: usize) -> Option<usize> {
        let i = self
            .chunks
            .partition_point(|(range, _)| range.end <= offset);
        self.chunks
            .get(i)
            .filter(|(range, _)| range.contains(&offset))
            .map(|&(_, packet)| packet)
    }
}

/// Everything the extractor found in one capture file.
#[derive(Debug, Clone, Default)]
pub struct Extraction {
    /// Packets (records) in the capture.
    pub packets: usize,
    /// Streams with payload to the port, in order of their first payload packet.
    pub streams: Vec<TcpStream>,
    /// TCP packets to the port whose IP datagram was not fully captured (snaplen).
    pub truncated_packets: usize,
    /// IP fragments carrying TCP (this extractor does not reassemble IP).
    pub tcp_fragments: usize,
    /// Packets whose link type this extractor does not understand.
    pub unsupported_link_packets: usize,
}

/// The BMP byte streams of `path`: TCP payload sent to destination `port`, one entry per
/// flow (named by its source endpoint), in order of each flow's first payload packet.
pub fn bmp_streams(path: &Path, port: u16) -> Vec<(String, Vec<u8>)> {
    tcp_streams(path, port)
        .streams
        .into_iter()
        .map(|s| (s.name, s.bytes))
        .collect()
}

/// Like [`bmp_streams`], with per-flow reassembly details and capture-level counters.
pub fn tcp_streams(path: &Path, port: u16) -> Extraction {
    let data =
        std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let packets = read_packets(&data).unwrap_or_else(|e| panic!("{}: {e}", path.display()));

    let mut extraction = Extraction {
        packets: packets.len(),
        ..Extraction::default()
    };
    let mut flows: Vec<FlowBuilder> = Vec::new();
    let mut current: HashMap<(SocketAddr, SocketAddr), usize> = HashMap::new();

    for (index, packet) in packets.iter().enumerate() {
        let ip = match link_payload(packet.linktype, packet.data) {
            Some(Some(ip)) => ip,
            Some(None) => continue, // not IP
            None => {
                extraction.unsupported_link_packets += 1;
                continue;
            }
        };
        let tcp = match parse_ip_tcp(ip) {
            IpTcp::Segment(tcp) => tcp,
            IpTcp::TcpFragment => {
                extraction.tcp_fragments += 1;
                continue;
            }
            IpTcp::Other => continue,
        };
        if tcp.dst.port() != port {
            continue;
        }
        if tcp.truncated {
            extraction.truncated_packets += 1;
        }
        let key = (tcp.src, tcp.dst);
        let is_syn = tcp.flags & 0x02 != 0 && tcp.flags & 0x10 == 0;
        let flow_index = match current.get(&key) {
            // A new SYN after data on the same 4-tuple: a new connection.
            Some(&i) if is_syn && !flows[i].segments.is_empty() => None,
            Some(&i) => Some(i),
            None => None,
        };
        let flow_index = flow_index.unwrap_or_else(|| {
            let generation = flows
                .iter()
                .filter(|f| f.src == tcp.src && f.dst == tcp.dst)
                .count();
            flows.push(FlowBuilder {
                src: tcp.src,
                dst: tcp.dst,
                generation,
                syn_seq: None,
                segments: Vec::new(),
            });
            current.insert(key, flows.len() - 1);
            flows.len() - 1
        });
        let flow = &mut flows[flow_index];
        if is_syn {
            flow.syn_seq = Some(tcp.seq);
        }
        if !tcp.payload.is_empty() {
            flow.segments.push((index, tcp.seq, tcp.payload.to_vec()));
        }
    }

    let mut streams: Vec<TcpStream> = flows
        .into_iter()
        .filter(|f| !f.segments.is_empty())
        .map(FlowBuilder::reassemble)
        .collect();
    streams.sort_by_key(|s| s.first_packet);
    extraction.streams = streams;
    extraction
}

struct FlowBuilder {
    src: SocketAddr,
    dst: SocketAddr,
    generation: usize,
    syn_seq: Option<u32>,
    /// (packet index, sequence number, payload)
    segments: Vec<(usize, u32, Vec<u8>)>,
}

impl FlowBuilder {
    fn reassemble(self) -> TcpStream {
        let mut name = self.src.to_string();
        if self.generation > 0 {
            name.push_str(&format!("#{}", self.generation + 1));
        }
        let first_packet = self.segments[0].0;
        // Data starts right after the SYN when we saw it, else at the first payload segment.
        let reference = self
            .syn_seq
            .map_or(self.segments[0].1, |isn| isn.wrapping_add(1));
        let relative = |seq: u32| i64::from(seq.wrapping_sub(reference) as i32);

        let mut out_of_order = 0;
        let mut highest_seen = i64::MIN;
        for (_, seq, _) in &self.segments {
            let rel = relative(*seq);
            if rel < highest_seen {
                out_of_order += 1;
            }
            highest_seen = highest_seen.max(rel);
        }

        let mut ordered: Vec<&(usize, u32, Vec<u8>)> = self.segments.iter().collect();
        // Stable: among equal sequence numbers the first captured copy wins.
        ordered.sort_by_key(|(_, seq, _)| relative(*seq));

        let mut stream = TcpStream {
            name,
            first_packet,
            bytes: Vec::new(),
            chunks: Vec::new(),
            segments: self.segments.len(),
            duplicate_segments: 0,
            trimmed_segments: 0,
            out_of_order_segments: out_of_order,
            gaps: Vec::new(),
            data_start_after_syn: None,
        };
        // Start at the lowest sequence number seen. Data normally starts at ISN + 1; a hole
        // right after a captured SYN means the first bytes are missing. (The synthetic SYNs
        // added by traffic-reproducer carry the first data byte's number as ISN, so there the
        // data starts one below ISN + 1.)
        let mut cursor = relative(ordered[0].1);
        stream.data_start_after_syn = self.syn_seq.map(|_| cursor);
        if self.syn_seq.is_some() && cursor > 0 {
            stream.gaps.push((0, cursor as u64));
        }
        for (packet, seq, payload) in ordered {
            let start = relative(*seq);
            let end = start + payload.len() as i64;
            if end <= cursor {
                stream.duplicate_segments += 1;
                continue;
            }
            if start < cursor {
                stream.trimmed_segments += 1;
            } else if start > cursor {
                stream
                    .gaps
                    .push((stream.bytes.len(), (start - cursor) as u64));
            }
            let skip = (cursor - start).max(0) as usize;
            let from = stream.bytes.len();
            stream.bytes.extend_from_slice(&payload[skip..]);
            stream.chunks.push((from..stream.bytes.len(), *packet));
            cursor = end;
        }
        stream
    }
}

struct RawPacket<'a> {
    linktype: Linktype,
    data: &'a [u8],
}

/// All packet records of a pcap or pcapng file, in file order.
fn read_packets(data: &[u8]) -> Result<Vec<RawPacket<'_>>, String> {
    if data.starts_with(&[0x0a, 0x0d, 0x0d, 0x0a]) {
        read_pcapng(data)
    } else {
        read_legacy_pcap(data)
    }
}

fn read_legacy_pcap(data: &[u8]) -> Result<Vec<RawPacket<'_>>, String> {
    let (mut rest, header) = pcap_parser::parse_pcap_header(data)
        .map_err(|e| format!("not a pcap or pcapng file: {e:?}"))?;
    if header.is_modified_format() {
        return Err(
            "modified (Kuznetzov) pcap format is not supported by the test extractor".into(),
        );
    }
    let parse_frame = if header.is_bigendian() {
        pcap_parser::parse_pcap_frame_be
    } else {
        pcap_parser::parse_pcap_frame
    };
    let mut packets = Vec::new();
    while !rest.is_empty() {
        let (next, frame) = parse_frame(rest).map_err(|e| {
            format!(
                "pcap record {} at byte {}: {e:?}",
                packets.len(),
                data.len() - rest.len()
            )
        })?;
        packets.push(RawPacket {
            linktype: header.network,
            data: frame.data,
        });
        rest = next;
    }
    Ok(packets)
}

fn read_pcapng(data: &[u8]) -> Result<Vec<RawPacket<'_>>, String> {
    let slice = PcapNGSlice::from_slice(data).map_err(|e| format!("bad pcapng: {e:?}"))?;
    let mut interfaces: Vec<Linktype> = Vec::new();
    let mut packets = Vec::new();
    for (i, block) in slice.enumerate() {
        let block = match block {
            Ok(block) => block,
            // A trailing partial block (capture cut short) ends the file.
            Err(pcap_parser::nom::Err::Incomplete(_))
            | Err(pcap_parser::nom::Err::Error(PcapError::Incomplete(_))) => break,
            Err(e) => return Err(format!("pcapng block {i}: {e:?}")),
        };
        let PcapBlockOwned::NG(block) = block else {
            continue;
        };
        match block {
            Block::SectionHeader(_) => interfaces.clear(),
            Block::InterfaceDescription(idb) => interfaces.push(idb.linktype),
            Block::EnhancedPacket(epb) => {
                let linktype = *interfaces
                    .get(epb.if_id as usize)
                    .ok_or_else(|| format!("pcapng block {i}: unknown interface {}", epb.if_id))?;
                packets.push(RawPacket {
                    linktype,
                    data: &epb.data[..(epb.caplen as usize).min(epb.data.len())],
                });
            }
            Block::SimplePacket(spb) => {
                let linktype = *interfaces
                    .first()
                    .ok_or_else(|| format!("pcapng block {i}: no interface"))?;
                packets.push(RawPacket {
                    linktype,
                    data: &spb.data[..(spb.origlen as usize).min(spb.data.len())],
                });
            }
            _ => {}
        }
    }
    Ok(packets)
}

/// The IP packet inside a link-layer frame: `None` if the link type is unsupported,
/// `Some(None)` if the frame does not carry IPv4/IPv6.
fn link_payload(linktype: Linktype, frame: &[u8]) -> Option<Option<&[u8]>> {
    let (ethertype, rest) = match linktype {
        Linktype::ETHERNET => {
            let mut ethertype = u16::from_be_bytes([*frame.get(12)?, *frame.get(13)?]);
            let mut offset = 14;
            // 802.1Q, 802.1ad and the old QinQ tag: 4 bytes each.
            while matches!(ethertype, 0x8100 | 0x88a8 | 0x9100) {
                ethertype = u16::from_be_bytes([*frame.get(offset + 2)?, *frame.get(offset + 3)?]);
                offset += 4;
            }
            (ethertype, frame.get(offset..)?)
        }
        Linktype::LINUX_SLL => (
            u16::from_be_bytes([*frame.get(14)?, *frame.get(15)?]),
            frame.get(16..)?,
        ),
        Linktype::RAW | Linktype::IPV4 | Linktype::IPV6 => {
            let ethertype = match frame.first()? >> 4 {
                4 => 0x0800,
                6 => 0x86dd,
                _ => 0,
            };
            (ethertype, frame)
        }
        _ => return None,
    };
    Some(matches!(ethertype, 0x0800 | 0x86dd).then_some(rest))
}

struct TcpSegment<'a> {
    src: SocketAddr,
    dst: SocketAddr,
    seq: u32,
    flags: u8,
    payload: &'a [u8],
    /// The IP datagram is longer than what was captured.
    truncated: bool,
}

enum IpTcp<'a> {
    Segment(TcpSegment<'a>),
    TcpFragment,
    Other,
}

fn parse_ip_tcp(ip: &[u8]) -> IpTcp<'_> {
    let Some(&first) = ip.first() else {
        return IpTcp::Other;
    };
    let parsed = match first >> 4 {
        4 => parse_ipv4(ip),
        6 => parse_ipv6(ip),
        _ => None,
    };
    let Some((src_ip, dst_ip, proto, fragment, body, truncated)) = parsed else {
        return IpTcp::Other;
    };
    if proto != 6 {
        return IpTcp::Other;
    }
    if fragment {
        return IpTcp::TcpFragment;
    }
    if body.len() < 20 {
        return IpTcp::Other;
    }
    let data_offset = usize::from(body[12] >> 4) * 4;
    if data_offset < 20 || data_offset > body.len() {
        return IpTcp::Other;
    }
    IpTcp::Segment(TcpSegment {
        src: SocketAddr::new(src_ip, u16::from_be_bytes([body[0], body[1]])),
        dst: SocketAddr::new(dst_ip, u16::from_be_bytes([body[2], body[3]])),
        seq: u32::from_be_bytes([body[4], body[5], body[6], body[7]]),
        flags: body[13],
        payload: &body[data_offset..],
        truncated,
    })
}

/// (src, dst, protocol, is a fragment, transport bytes, truncated by snaplen)
type IpParts<'a> = (IpAddr, IpAddr, u8, bool, &'a [u8], bool);

fn parse_ipv4(ip: &[u8]) -> Option<IpParts<'_>> {
    let header_len = usize::from(ip.first()? & 0x0f) * 4;
    let total_len = usize::from(u16::from_be_bytes([*ip.get(2)?, *ip.get(3)?]));
    if header_len < 20 || total_len < header_len || ip.len() < header_len {
        return None;
    }
    let fragment = u16::from_be_bytes([ip[6], ip[7]]) & 0x3fff != 0; // MF flag or offset
    let src = IpAddr::V4(Ipv4Addr::new(ip[12], ip[13], ip[14], ip[15]));
    let dst = IpAddr::V4(Ipv4Addr::new(ip[16], ip[17], ip[18], ip[19]));
    // Trim Ethernet padding; note when the datagram was cut by the snaplen.
    let end = total_len.min(ip.len());
    Some((
        src,
        dst,
        ip[9],
        fragment,
        &ip[header_len..end],
        total_len > ip.len(),
    ))
}

fn parse_ipv6(ip: &[u8]) -> Option<IpParts<'_>> {
    let fixed = ip.get(..40)?;
    let payload_len = usize::from(u16::from_be_bytes([fixed[4], fixed[5]]));
    let src = IpAddr::V6(Ipv6Addr::from(<[u8; 16]>::try_from(&fixed[8..24]).ok()?));
    let dst = IpAddr::V6(Ipv6Addr::from(<[u8; 16]>::try_from(&fixed[24..40]).ok()?));
    let truncated = 40 + payload_len > ip.len();
    let mut body = &ip[40..(40 + payload_len).min(ip.len())];
    let mut next = fixed[6];
    let mut fragment = false;
    loop {
        match next {
            // Hop-by-hop, routing, destination options: (len + 1) * 8 bytes.
            0 | 43 | 60 => {
                let len = (usize::from(*body.get(1)?) + 1) * 8;
                next = *body.first()?;
                body = body.get(len..)?;
            }
            44 => {
                let frag = body.get(..8)?;
                fragment = u16::from_be_bytes([frag[2], frag[3]]) != 0; // offset or M flag
                next = frag[0];
                body = &body[8..];
            }
            // Authentication header: (len + 2) * 4 bytes.
            51 => {
                let len = (usize::from(*body.get(1)?) + 2) * 4;
                next = *body.first()?;
                body = body.get(len..)?;
            }
            _ => break,
        }
    }
    Some((src, dst, next, fragment, body, truncated))
}
