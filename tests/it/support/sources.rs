//! Helpers of the `sources` tests: a collector of source events that checks the event contract
//! on the way, and a framer of the collected streams. The captures they read are written with
//! `bmpctl::testkit::pcap`.

use std::collections::BTreeMap;
use std::net::IpAddr;

use bmpctl::event::EndReason;
use bmpctl::frame::{DEFAULT_MAX_MESSAGE, FrameEvent, Framer, FramingProblem};
use bmpctl::source::{self, SourceEvent, SourceNotice, SourceOptions, SourceSummary, StreamId};
use bmpctl::time::Timestamp;

/// One collected stream.
#[derive(Debug, Clone, Default)]
pub struct Stream {
    pub name: String,
    pub router: Option<IpAddr>,
    pub start_time: Option<Timestamp>,
    pub bytes: Vec<u8>,
    /// (offset in `bytes`, bytes missing)
    pub gaps: Vec<(u64, u64)>,
    pub end: Option<EndReason>,
    pub data_times: Vec<Option<Timestamp>>,
}

#[derive(Debug, Default)]
pub struct Collected {
    pub streams: Vec<Stream>,
    pub notices: Vec<SourceNotice>,
    pub summary: SourceSummary,
}

/// Runs a source over `input`, checking the event contract on the way.
pub fn collect(input: &[u8], opts: &SourceOptions) -> Collected {
    let mut out = Collected::default();
    let mut index: BTreeMap<StreamId, usize> = BTreeMap::new();
    let summary = source::run(input, opts, &mut |ev| match ev {
        SourceEvent::StreamStart {
            id,
            name,
            router,
            time,
        } => {
            assert!(!index.contains_key(&id), "stream id {id:?} reused");
            index.insert(id, out.streams.len());
            out.streams.push(Stream {
                name,
                router,
                start_time: time,
                ..Stream::default()
            });
        }
        SourceEvent::Data { id, bytes, time } => {
            let s = &mut out.streams[index[&id]];
            assert!(s.end.is_none(), "data after the end");
            s.bytes.extend_from_slice(bytes);
            s.data_times.push(time);
        }
        SourceEvent::Gap {
            id, at, missing, ..
        } => {
            let s = &mut out.streams[index[&id]];
            assert_eq!(at, s.bytes.len() as u64, "gap offset");
            s.gaps.push((at, missing));
        }
        SourceEvent::StreamEnd { id, how, .. } => {
            let s = &mut out.streams[index[&id]];
            assert!(s.end.is_none(), "two ends");
            s.end = Some(how);
        }
        SourceEvent::Notice(n) => out.notices.push(n),
    })
    .expect("source run");
    for s in &out.streams {
        assert!(s.end.is_some(), "stream {} never ended", s.name);
    }
    out.summary = summary;
    out
}

/// Frames a stream (a new framer after each gap): message count per type and problems.
pub fn frame(stream: &Stream) -> (BTreeMap<u8, usize>, Vec<FramingProblem>) {
    let mut counts = BTreeMap::new();
    let mut problems = Vec::new();
    let mut cuts: Vec<usize> = stream.gaps.iter().map(|&(at, _)| at as usize).collect();
    cuts.push(stream.bytes.len());
    let mut from = 0;
    for cut in cuts {
        let mut f = Framer::new(DEFAULT_MAX_MESSAGE);
        f.push(&stream.bytes[from..cut]);
        f.finish();
        while let Some(ev) = f.next_event() {
            match ev {
                FrameEvent::Message { bytes, .. } => *counts.entry(bytes[5]).or_default() += 1,
                FrameEvent::Problem(p) => problems.push(p),
            }
        }
        from = cut;
    }
    (counts, problems)
}
