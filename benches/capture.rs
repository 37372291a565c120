//! Capture path against raw path: the same BMP stream decoded as a raw dump and as a pcap.
//!
//! The stream (~50 MB of BMP) is one router's session built by `bmpctl::testkit::session`
//! (fixed seed): an Initiation, 24 Peer Ups (IPv4 and IPv6, some with Add-Path), Route
//! Monitoring with realistic UPDATEs of 1-20 prefixes, a Termination. The pcap carries it over
//! one TCP connection in 1400-byte segments (Ethernet, IPv4), 54 bytes of headers and a
//! 16-byte record header per segment.
//!
//! Both are timed through the path the CLI uses, minus rendering: `bmpctl::source::run` over
//! the in-memory input, one `StreamDecoder` per stream, a sink that counts messages and routes
//! (no JSON). Throughput is given in bytes of BMP (the same for both) and in messages, so the
//! two figures compare directly; the issue wants the pcap path at ≥ 70% of the raw path.
//!
//! Run: `cargo bench --bench capture -- --warm-up-time 1 --measurement-time 5`

use std::collections::HashMap;
use std::hint::black_box;

use bmpctl::event::{Event, RouterInfo};
use bmpctl::frame::DEFAULT_MAX_MESSAGE;
use bmpctl::source::{self, InputFormat, SourceEvent, SourceOptions};
use bmpctl::stream::StreamDecoder;
use bmpctl::testkit::session::{self, SessionSpec};
use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};

/// BMP bytes of the generated stream.
const BMP_BYTES: u64 = 50_000_000;
/// TCP payload per segment.
const MSS: usize = 1400;

fn spec() -> SessionSpec {
    SessionSpec {
        router: 1,
        seed: 0xbe9c_0001,
        sys_name: Some("bench-r1".into()),
        peers: 24,
        route_monitoring: 0,
        byte_budget: Some(BMP_BYTES),
        big_every: 0,
    }
}

#[derive(Debug, Default, PartialEq, Eq)]
struct Counts {
    streams: u64,
    messages: u64,
    findings: u64,
    announced: u64,
    withdrawn: u64,
}

/// The CLI's decode loop without rendering.
fn decode(input: &[u8], format: Option<InputFormat>) -> Counts {
    let mut counts = Counts::default();
    let mut decoders: HashMap<u64, StreamDecoder> = HashMap::new();
    let mut opts = SourceOptions::named("bench");
    opts.format = format;
    let tally = |counts: &mut Counts, ev: Event<'_>| match ev {
        Event::Message(d) => {
            counts.messages += 1;
            if let Some((update, plan)) = &d.update {
                for r in plan.routes(update) {
                    if r.withdrawn {
                        counts.withdrawn += 1;
                    } else {
                        counts.announced += 1;
                    }
                }
            }
        }
        Event::Finding(_) => counts.findings += 1,
    };
    source::run(input, &opts, &mut |ev| match ev {
        SourceEvent::StreamStart { id, router, .. } => {
            counts.streams += 1;
            let mut dec = StreamDecoder::new(DEFAULT_MAX_MESSAGE);
            dec.router.address = router;
            decoders.insert(id.0, dec);
        }
        SourceEvent::Data { id, bytes, .. } => {
            if let Some(dec) = decoders.get_mut(&id.0) {
                dec.push(bytes, &mut |_: &RouterInfo, ev| tally(&mut counts, ev));
            }
        }
        SourceEvent::Gap { id, missing, .. } => {
            if let Some(dec) = decoders.get_mut(&id.0) {
                dec.gap(missing, &mut |_: &RouterInfo, ev| tally(&mut counts, ev));
            }
        }
        SourceEvent::StreamEnd { id, .. } => {
            if let Some(mut dec) = decoders.remove(&id.0) {
                dec.finish(&mut |_: &RouterInfo, ev| tally(&mut counts, ev));
            }
        }
        SourceEvent::Notice(_) => counts.findings += 1,
    })
    .expect("in-memory input");
    counts
}

fn bench(c: &mut Criterion) {
    let specs = [spec()];
    let mut raw = Vec::new();
    let raw_totals = session::write_raw(&mut raw, &specs).expect("in memory");
    let mut pcap = Vec::new();
    let pcap_totals = session::write_capture(&mut pcap, &specs, MSS).expect("in memory");
    assert_eq!(raw_totals.bmp_bytes, pcap_totals.bmp_bytes);

    // Both paths decode the same thing, correctly, before anything is timed.
    let from_raw = decode(&raw, Some(InputFormat::Raw));
    let from_pcap = decode(&pcap, None);
    let want = Counts {
        streams: 1,
        messages: raw_totals.messages,
        findings: 0,
        announced: raw_totals.announced,
        withdrawn: raw_totals.withdrawn,
    };
    assert_eq!(from_raw, want, "raw path");
    assert_eq!(from_pcap, want, "pcap path");
    eprintln!(
        "stream: {} BMP bytes, {} messages, {} routes announced, {} withdrawn; pcap {} bytes, {} packets",
        raw.len(),
        raw_totals.messages,
        raw_totals.announced,
        raw_totals.withdrawn,
        pcap.len(),
        pcap_totals.packets
    );

    for (group, throughput) in [
        ("capture_bytes", Throughput::Bytes(raw_totals.bmp_bytes)),
        (
            "capture_messages",
            Throughput::Elements(raw_totals.messages),
        ),
    ] {
        let mut g = c.benchmark_group(group);
        g.sample_size(10);
        g.sampling_mode(SamplingMode::Flat);
        g.throughput(throughput);
        g.bench_function("raw", |b| {
            b.iter(|| black_box(decode(black_box(&raw), Some(InputFormat::Raw))))
        });
        g.bench_function("pcap", |b| {
            b.iter(|| black_box(decode(black_box(&pcap), None)))
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
