//! One BMP stream (a file, a TCP connection): framing, stateless message decoding, and the
//! per-peer session context that the BGP inside Route Monitoring needs. Sans-IO: bytes go in,
//! [`Event`]s come out through a callback, borrowing the framer's buffer.

use crate::decode::Malformed;
use crate::decode::bgp::update::{self, Plan, Update};
use crate::decode::bgp::{self, BgpMessage, BgpPdu, open};
use crate::decode::bmp::header::{MessageType, PeerHeader};
use crate::decode::bmp::peer_down::Reason;
use crate::decode::bmp::{self, Body, info, mirroring};
use crate::decode::codes;
use crate::decode::family::Family;
use crate::event::{Decoded, Event, RouterInfo};
use crate::finding::{Finding, Kind};
use crate::frame::{FrameEvent, Framer, FramingProblem, SkipCause};
use crate::session::{self, PeerContext, Sessions};

/// What one decoder of a run split by peer does with a framed message (see
/// [`crate::pipeline::lanes`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Share {
    /// Its peer is this decoder's: decode, count, report.
    Own,
    /// No per-peer header (or none that can be read): every decoder decodes it.
    Shared,
    /// Another decoder's peer: only its per-peer header.
    Foreign(PeerHeader),
}

/// Decides the [`Share`] of every framed message, for one decoder of a run split by peer.
pub trait Splitter {
    /// What this decoder does with `raw` (the whole message, common header first).
    fn share(&mut self, raw: &[u8]) -> Share;
    /// Whether this decoder counts the shared messages and reports what belongs to no peer.
    fn first(&self) -> bool;
}

/// Decoder state of one stream.
#[derive(Debug, Default)]
pub struct StreamDecoder {
    framer: Framer,
    sessions: Sessions,
    /// The router, as far as its Initiation said.
    pub router: RouterInfo,
    fallback_reported: std::collections::HashSet<crate::session::PeerKey, crate::hash::FastBuild>,
}

impl StreamDecoder {
    /// A decoder whose framer accepts messages up to `max_message` octets.
    pub fn new(max_message: u32) -> Self {
        StreamDecoder {
            framer: Framer::new(max_message),
            ..StreamDecoder::default()
        }
    }

    /// Bytes of the stream seen so far.
    pub fn stream_len(&self) -> u64 {
        self.framer.stream_len()
    }

    /// Feeds bytes; every complete message and finding goes to `sink`.
    pub fn push(&mut self, data: &[u8], sink: &mut dyn FnMut(&RouterInfo, Event<'_>)) {
        self.framer.push(data);
        self.drain(sink);
    }

    /// Records that `missing` bytes were lost after the data pushed so far (a capture gap): a
    /// `tcp_gap` finding, then framing resumes at the next plausible message. Peer contexts
    /// are kept: the BMP session goes on.
    pub fn gap(&mut self, missing: u64, sink: &mut dyn FnMut(&RouterInfo, Event<'_>)) {
        sink(&self.router, Event::Finding(self.gap_finding(missing)));
        self.framer.gap(missing);
        self.drain(sink);
    }

    /// Ends the stream: a partial last message or trailing garbage is reported.
    pub fn finish(&mut self, sink: &mut dyn FnMut(&RouterInfo, Event<'_>)) {
        self.framer.finish();
        self.drain(sink);
    }

    /// [`push`](Self::push) for one lane of a run split by peer (see
    /// [`crate::pipeline::lanes`]);
    /// without a lane, every delivery is [`Delivery::Counted`].
    pub fn push_lane(
        &mut self,
        data: &[u8],
        lane: Option<&mut dyn Splitter>,
        sink: &mut dyn FnMut(&RouterInfo, Delivery<'_, '_>),
    ) {
        self.framer.push(data);
        self.drain_lane(lane, sink);
    }

    /// [`gap`](Self::gap) for one lane: only the first lane reports the gap.
    pub fn gap_lane(
        &mut self,
        missing: u64,
        lane: Option<&mut dyn Splitter>,
        sink: &mut dyn FnMut(&RouterInfo, Delivery<'_, '_>),
    ) {
        if lane.as_ref().is_none_or(|l| l.first()) {
            let ev = Event::Finding(self.gap_finding(missing));
            sink(&self.router, Delivery::Counted(&ev));
        }
        self.framer.gap(missing);
        self.drain_lane(lane, sink);
    }

    /// [`finish`](Self::finish) for one lane.
    pub fn finish_lane(
        &mut self,
        lane: Option<&mut dyn Splitter>,
        sink: &mut dyn FnMut(&RouterInfo, Delivery<'_, '_>),
    ) {
        self.framer.finish();
        self.drain_lane(lane, sink);
    }

    fn gap_finding(&self, missing: u64) -> Finding {
        let at = self.framer.stream_len();
        Finding::new(
            Kind::TcpGap,
            at,
            None,
            format!(
                "{missing} bytes of the TCP stream are missing from the capture at stream offset {at}; decoding resumes at the next plausible message"
            ),
        )
        .with_bytes(missing)
    }

    /// The framer, and the decoder of what it frames.
    fn parts(&mut self) -> (&mut Framer, Lower<'_>) {
        let StreamDecoder {
            framer,
            sessions,
            router,
            fallback_reported,
        } = self;
        let lower = Lower {
            sessions,
            router,
            fallback_reported,
        };
        (framer, lower)
    }

    fn drain(&mut self, sink: &mut dyn FnMut(&RouterInfo, Event<'_>)) {
        let (framer, mut lower) = self.parts();
        while let Some(ev) = framer.next_event() {
            match ev {
                FrameEvent::Message { offset, bytes } => lower.message(offset, bytes, sink),
                FrameEvent::Problem(p) => sink(lower.router, Event::Finding(framing_finding(&p))),
            }
        }
    }

    fn drain_lane(
        &mut self,
        mut lane: Option<&mut dyn Splitter>,
        sink: &mut dyn FnMut(&RouterInfo, Delivery<'_, '_>),
    ) {
        let (framer, mut lower) = self.parts();
        let first = lane.as_ref().is_none_or(|l| l.first());
        while let Some(ev) = framer.next_event() {
            match ev {
                FrameEvent::Message { offset, bytes } => {
                    let share = lane.as_mut().map_or(Share::Own, |l| l.share(bytes));
                    // The first lane counts what every lane decodes and reports its findings.
                    let counted = match share {
                        Share::Own => true,
                        Share::Shared => first,
                        Share::Foreign(peer) => {
                            sink(lower.router, Delivery::Foreign(&peer));
                            continue;
                        }
                    };
                    if counted {
                        lower.message(offset, bytes, &mut |r, e| sink(r, Delivery::Counted(&e)));
                    } else {
                        lower.message(offset, bytes, &mut |r, e| {
                            if let Event::Message(_) = e {
                                sink(r, Delivery::Uncounted(&e))
                            }
                        });
                    }
                }
                FrameEvent::Problem(p) if first => sink(
                    lower.router,
                    Delivery::Counted(&Event::Finding(framing_finding(&p))),
                ),
                FrameEvent::Problem(_) => {}
            }
        }
    }
}

/// What a decoder hands on in one lane of a run split by peer (see
/// [`crate::pipeline::lanes`]).
#[derive(Debug, Clone, Copy)]
pub enum Delivery<'e, 'a> {
    /// An event this lane counts and reports: every event when there are no lanes.
    Counted(&'e Event<'a>),
    /// A message that every lane decodes (it has no per-peer header) and another counts.
    Uncounted(&'e Event<'a>),
    /// A message of a peer that another lane decodes: only its per-peer header was read.
    Foreign(&'e PeerHeader),
}

fn framing_finding(p: &FramingProblem) -> Finding {
    match *p {
        FramingProblem::Skipped {
            offset,
            count,
            cause,
            resynced,
        } => {
            let kind = if matches!(cause, SkipCause::LegacyVersion(_)) {
                Kind::LegacyVersion
            } else {
                Kind::GarbageSkipped
            };
            let tail = if resynced {
                "resynchronised at the next plausible message"
            } else {
                "no plausible message followed before the end"
            };
            Finding::new(
                kind,
                offset,
                None,
                format!("skipped {count} bytes: {}; {tail}", cause.describe()),
            )
            .with_bytes(count)
        }
        FramingProblem::Oversize {
            offset,
            length,
            msg_type,
            cap,
        } => Finding::new(
            Kind::OversizeMessage,
            offset,
            Some(msg_type),
            format!(
                "{} message of {length} bytes exceeds the cap of {cap}; skipped by its length",
                msg_type.name()
            ),
        ),
        FramingProblem::Truncated {
            offset,
            length,
            msg_type,
            available,
        } => {
            let what = msg_type.map_or("message header", MessageType::name);
            let detail = if length == 0 {
                format!("stream ends inside a common header ({available} of 6 bytes)")
            } else {
                format!(
                    "stream ends inside a {what} message: {available} of {length} bytes present"
                )
            };
            Finding::new(Kind::TruncatedMessage, offset, msg_type, detail)
        }
    }
}

struct Lower<'s> {
    sessions: &'s mut Sessions,
    router: &'s mut RouterInfo,
    fallback_reported:
        &'s mut std::collections::HashSet<crate::session::PeerKey, crate::hash::FastBuild>,
}

impl Lower<'_> {
    fn message<'a>(
        &mut self,
        offset: u64,
        raw: &'a [u8],
        sink: &mut dyn FnMut(&RouterInfo, Event<'_>),
    ) {
        let msg_type = MessageType(raw[5]);
        let msg = match bmp::parse_message(raw) {
            Ok(m) => m,
            Err(m) => {
                sink(self.router, Event::Finding(malformed(offset, raw, &m)));
                return;
            }
        };
        let mut findings = Vec::new();
        let peer = msg.peer().copied();
        let f = |kind: Kind, at: u64, detail: String| {
            Finding::new(kind, at, Some(msg_type), detail).with_peer(peer)
        };
        if let Some(p) = &peer {
            let reserved = p.reserved_flags();
            if reserved != 0 {
                findings.push(f(
                    Kind::ReservedFlags,
                    offset,
                    format!(
                        "reserved peer flag bits 0x{reserved:02x} set (flags 0x{:02x})",
                        p.flags
                    ),
                ));
            }
        }
        let mut update_plan = None;
        let mut opens = None;
        let mut mirrored = Vec::new();
        match &msg.body {
            Body::Initiation(tlvs) => {
                for t in tlvs {
                    match t.tlv_type {
                        info::SYS_DESCR => self.router.sys_descr = Some(t.text()),
                        info::SYS_NAME => self.router.sys_name = Some(t.text()),
                        _ => {}
                    }
                }
            }
            Body::Unknown(_) => findings.push(f(
                Kind::UnknownMessageType,
                offset,
                format!(
                    "BMP message type {msg_type} ({}), {} bytes, skipped by its length",
                    msg_type.unknown_class(),
                    raw.len()
                ),
            )),
            Body::PeerUp(p, up) => {
                let sent = decode_open(&up.sent_open, raw, offset, "sent OPEN", &f, &mut findings);
                let recv = decode_open(
                    &up.received_open,
                    raw,
                    offset,
                    "received OPEN",
                    &f,
                    &mut findings,
                );
                if let (Some(s), Some(r)) = (sent, recv) {
                    if self.sessions.peer_up(p, PeerContext::from_opens(&s, &r)) {
                        findings.push(f(
                            Kind::DuplicatePeerUp,
                            offset,
                            "Peer Up for a peer that is already up (no Peer Down in between); its context is replaced".into(),
                        ));
                    }
                    opens = Some(Box::new((s, r)));
                }
            }
            Body::PeerDown(p, down) => {
                if !self.sessions.peer_down(p) {
                    findings.push(f(
                        Kind::PeerDownWithoutPeerUp,
                        offset,
                        "Peer Down for a peer without a Peer Up in this stream".into(),
                    ));
                }
                match &down.reason {
                    Reason::Other { code: 0, .. } => findings.push(f(
                        Kind::ReservedPeerDownReason,
                        offset,
                        "Peer Down reason 0 is reserved and must not be sent".into(),
                    )),
                    Reason::FsmEvent(0) => findings.push(f(
                        Kind::LocalCloseNoDetail,
                        offset,
                        "local close with FSM event 0: the router gave no detail (FRR does this for most local resets)".into(),
                    )),
                    Reason::Notification { pdu, .. } => {
                        check_pdu(pdu, raw, offset, "Peer Down NOTIFICATION", &f, &mut findings);
                        if let Err(e) = bgp::decode_pdu(pdu) {
                            findings.push(f(
                                Kind::MalformedBgp,
                                offset + crate::decode::offset_of(raw, e.at) as u64,
                                format!("Peer Down NOTIFICATION: {}", e.problem),
                            ));
                        }
                    }
                    _ => {}
                }
                if !down.trailing.is_empty() && msg.header.version == 3 {
                    findings.push(f(
                        Kind::TrailingData,
                        offset,
                        format!(
                            "{} bytes after the Peer Down reason data",
                            down.trailing.len()
                        ),
                    ));
                }
            }
            Body::StatisticsReport(_, report) => {
                if report.declared_count as usize != report.stats.len()
                    || !report.trailing.is_empty()
                {
                    findings.push(f(
                        Kind::StatisticsMismatch,
                        offset,
                        format!(
                            "count field says {} statistics, {} present{}",
                            report.declared_count,
                            report.stats.len(),
                            if report.trailing.is_empty() {
                                String::new()
                            } else {
                                format!(", {} bytes of a cut-off statistic", report.trailing.len())
                            }
                        ),
                    ));
                }
            }
            Body::RouteMonitoring(p, rm) => {
                update_plan = self.route_monitoring(p, rm, raw, offset, &f, &mut findings);
            }
            Body::RouteMirroring(p, tlvs) => {
                for (index, t) in tlvs
                    .iter()
                    .enumerate()
                    .filter(|(_, t)| t.tlv_type == mirroring::TLV_BGP_MESSAGE)
                {
                    match bgp::split_pdu(t.value) {
                        Ok((_, pdu)) => {
                            check_pdu(&pdu, raw, offset, "mirrored BGP message", &f, &mut findings);
                            if pdu.msg_type == bgp::TYPE_UPDATE {
                                // Mirrored messages are what the peer sent: Adj-RIB-In context.
                                match update::parse(pdu.body) {
                                    Ok(u) => {
                                        let choice = self.sessions.choose(p);
                                        mirrored.push((
                                            index,
                                            u,
                                            update::plan(&u, &choice.params, choice.how),
                                        ));
                                    }
                                    Err(e) => findings.push(
                                        f(
                                            Kind::MalformedBgp,
                                            offset + crate::decode::offset_of(raw, e.at) as u64,
                                            format!("mirrored UPDATE: {}", e.problem),
                                        )
                                        .with_raw(pdu.raw),
                                    ),
                                }
                            }
                        }
                        Err(e) => {
                            let e = crate::decode::unwrap_err(e);
                            findings.push(f(
                                Kind::MalformedBgp,
                                offset + crate::decode::offset_of(raw, e.at) as u64,
                                format!("mirrored BGP message: {}", e.problem),
                            ))
                        }
                    }
                }
            }
            Body::Termination(_) => {}
        }
        sink(
            self.router,
            Event::Message(Decoded {
                offset,
                raw,
                msg,
                update: update_plan,
                opens,
                mirrored,
                route_ids: None,
            }),
        );
        for fnd in findings {
            sink(self.router, Event::Finding(fnd));
        }
    }

    fn route_monitoring<'a>(
        &mut self,
        peer: &PeerHeader,
        rm: &bmp::route_monitoring::RouteMonitoring<'a>,
        raw: &'a [u8],
        offset: u64,
        f: &dyn Fn(Kind, u64, String) -> Finding,
        findings: &mut Vec<Finding>,
    ) -> Option<(Update<'a>, Plan<'a>)> {
        let at = |part: &[u8]| offset + crate::decode::offset_of(raw, part) as u64;
        check_pdu(
            &rm.pdu,
            raw,
            offset,
            "Route Monitoring BGP message",
            f,
            findings,
        );
        if !rm.trailing.is_empty() {
            findings.push(f(
                Kind::TrailingData,
                at(rm.trailing),
                format!(
                    "{} bytes after the BGP message{}; kept as trailing_raw",
                    rm.trailing.len(),
                    tlv_hint(rm.trailing)
                ),
            ));
        }
        if rm.pdu.msg_type != bgp::TYPE_UPDATE {
            findings.push(
                f(
                    Kind::MalformedBgp,
                    at(rm.pdu.raw),
                    format!(
                        "Route Monitoring carries a BGP {} message, not an UPDATE",
                        codes::bgp_message_type_name(rm.pdu.msg_type)
                    ),
                )
                .with_raw(rm.pdu.raw),
            );
            return None;
        }
        let upd = match update::parse(rm.pdu.body) {
            Ok(u) => u,
            Err(e) => {
                findings.push(
                    f(
                        Kind::MalformedBgp,
                        at(e.at),
                        format!("UPDATE: {}", e.problem),
                    )
                    .with_raw(rm.pdu.raw),
                );
                return None;
            }
        };
        let mut choice = self.sessions.choose(peer);
        // A BMPv4 Stateless Parsing TLV says how to decode this very message: the monitored
        // router's Add-Path value towards the peer (receive: Adj-RIB-In carries path IDs; send:
        // Adj-RIB-Out does; Loc-RIB: either).
        let mut params = choice.params;
        let stateless = bmp::v4::stateless(&rm.tlvs, |family, mode| {
            let on = if peer.is_loc_rib() {
                mode != 0
            } else if peer.adj_rib_out() {
                session::sends(mode)
            } else {
                session::receives(mode)
            };
            params = if on {
                params.with_add_path(family)
            } else {
                params.without_add_path(family)
            };
        });
        if stateless.present {
            params.four_octet_as |= stateless.four_octet_as;
            choice.params = params;
            choice.how = update::How::Stateless;
            choice.report_no_context = false;
        }
        if choice.report_no_context {
            findings.push(f(
                Kind::RouteMonitoringBeforePeerUp,
                offset,
                format!(
                    "Route Monitoring for a peer with no Peer Up in this stream (capture started mid-session?); decoded with {}-octet AS ({}) and no Add-Path",
                    if choice.params.four_octet_as { 4 } else { 2 },
                    if peer.is_loc_rib() { "Loc-RIB is always 4-octet" } else { "from the A flag" }
                ),
            ));
        }
        if let Some((flag4, open4)) = choice.report_width_mismatch {
            findings.push(f(
                Kind::AsWidthMismatch,
                offset,
                format!(
                    "per-peer A flag says {}-octet AS but the OPENs negotiated {}-octet; the flag is used",
                    if flag4 { 4 } else { 2 },
                    if open4 { 4 } else { 2 }
                ),
            ));
        }
        let plan = update::plan(&upd, &choice.params, choice.how);
        if let Some((pos, problem)) = &plan.attr_error {
            findings.push(
                f(
                    Kind::MalformedAttribute,
                    at(upd.attrs) + *pos as u64,
                    format!(
                        "path attributes do not frame: {problem} (RFC 7606: treat-as-withdraw)"
                    ),
                )
                .with_raw(upd.attrs),
            );
        }
        for (field, data) in plan.undecodable(&upd) {
            findings.push(
                f(
                    Kind::UndecodableUpdate,
                    at(data),
                    format!(
                        "{} ({} bytes) decodes neither with nor without Add-Path path identifiers; kept raw",
                        field.name(),
                        data.len()
                    ),
                )
                .with_raw(data),
            );
        }
        let fallback = plan
            .fallbacks()
            .next()
            .map(|(field, family, how)| (format!("{} ({family})", field.name()), how.label()))
            .or_else(|| {
                plan.as_how
                    .is_fallback()
                    .then(|| ("AS_PATH".to_string(), plan.as_how.label()))
            });
        if let Some((field, label)) = fallback {
            if self
                .fallback_reported
                .insert(crate::session::PeerKey::from(peer))
            {
                findings.push(f(
                    Kind::DecodeFallback,
                    offset,
                    format!(
                        "{field} did not decode as {} ({}); decoded as {label}. Reported once per peer; every route carries its label",
                        choice.how.label(),
                        describe_params(&choice.params),
                    ),
                ));
            }
        }
        // Attribute values that do not decode (RFC 7606 territory).
        for a in upd.attributes().map_while(Result::ok) {
            let width = plan.four_octet_as;
            if let Err(problem) = bgp::attr::check(&a, width) {
                findings.push(
                    f(
                        Kind::MalformedAttribute,
                        at(a.value),
                        format!(
                            "{} (type {}): {problem}; RFC 7606: {}",
                            codes::attribute_name(a.code),
                            a.code,
                            bgp::attr::rfc7606_action(a.code).name()
                        ),
                    )
                    .with_raw(a.value),
                );
            }
        }
        Some((upd, plan))
    }
}

fn describe_params(p: &update::DecodeParams) -> String {
    let fams: Vec<String> = p
        .add_path_families()
        .iter()
        .map(Family::to_string)
        .collect();
    format!(
        "{}-octet AS, Add-Path for {}",
        if p.four_octet_as { 4 } else { 2 },
        if fams.is_empty() {
            "no family".to_string()
        } else {
            fams.join(", ")
        }
    )
}

fn check_pdu(
    pdu: &BgpPdu<'_>,
    raw: &[u8],
    offset: u64,
    what: &str,
    f: &dyn Fn(Kind, u64, String) -> Finding,
    findings: &mut Vec<Finding>,
) {
    if !pdu.marker_ok {
        findings.push(f(
            Kind::BadBgpMarker,
            offset + crate::decode::offset_of(raw, pdu.raw) as u64,
            format!("{what}: BGP marker is not all ones"),
        ));
    }
}

/// The OPEN of a Peer Up, read from `pdu`: `Err(None)` when the PDU is another BGP message,
/// `Err(Some(_))` when it does not decode. The stream decoder reports both
/// ([`decode_open`]); rebuilding a message ([`crate::handoff`]) only needs the OPEN.
pub(crate) fn read_open<'a>(
    pdu: &BgpPdu<'a>,
) -> Result<open::Open<'a>, Option<crate::decode::DecodeError<'a>>> {
    if pdu.msg_type != bgp::TYPE_OPEN {
        return Err(None);
    }
    match bgp::decode_pdu(pdu) {
        Ok(BgpMessage::Open(o)) => Ok(o),
        Ok(_) => Err(None),
        Err(e) => Err(Some(e)),
    }
}

fn decode_open<'a>(
    pdu: &BgpPdu<'a>,
    raw: &'a [u8],
    offset: u64,
    what: &str,
    f: &dyn Fn(Kind, u64, String) -> Finding,
    findings: &mut Vec<Finding>,
) -> Option<open::Open<'a>> {
    check_pdu(pdu, raw, offset, what, f, findings);
    match read_open(pdu) {
        Ok(o) => Some(o),
        Err(None) if pdu.msg_type != bgp::TYPE_OPEN => {
            findings.push(f(
                Kind::MalformedBgp,
                offset + crate::decode::offset_of(raw, pdu.raw) as u64,
                format!(
                    "{what}: BGP {} message instead of an OPEN",
                    codes::bgp_message_type_name(pdu.msg_type)
                ),
            ));
            None
        }
        Err(None) => None,
        Err(Some(e)) => {
            findings.push(
                f(
                    Kind::MalformedBgp,
                    offset + crate::decode::offset_of(raw, e.at) as u64,
                    format!("{what}: {}", e.problem),
                )
                .with_raw(pdu.raw),
            );
            None
        }
    }
}

fn malformed(offset: u64, raw: &[u8], m: &Malformed) -> Finding {
    let msg_type = MessageType(raw[5]);
    let peer = if msg_type.has_per_peer_header() {
        bmp::header::per_peer_header(&raw[6..]).ok().map(|(_, p)| p)
    } else {
        None
    };
    Finding::new(
        Kind::MalformedMessage,
        offset + m.offset as u64,
        Some(msg_type),
        format!(
            "{} message at offset {offset} ({} bytes) does not decode: {}",
            msg_type.name(),
            raw.len(),
            m.problem
        ),
    )
    .with_peer(peer)
    .with_raw(raw)
}

/// Describes trailing octets that frame as type-length-value elements (vendors append TLVs
/// after the BGP PDU of a version 3 Route Monitoring).
fn tlv_hint(mut b: &[u8]) -> String {
    let mut tlvs = Vec::new();
    while b.len() >= 4 {
        let t = u16::from_be_bytes([b[0], b[1]]);
        let len = u16::from_be_bytes([b[2], b[3]]) as usize;
        if b.len() < 4 + len {
            return String::new();
        }
        tlvs.push(format!("type {t} length {len}"));
        b = &b[4 + len..];
    }
    if b.is_empty() && !tlvs.is_empty() {
        format!(
            " (they frame as TLVs: {}; a vendor extension?)",
            tlvs.join(", ")
        )
    } else {
        String::new()
    }
}
