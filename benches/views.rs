//! Throughput of the `peers` and `churn` views over a generated full-table BMP dump, side by
//! side with bgpkit-parser merely parsing the same octets (docs/views-performance.md).
//!
//! The dump comes from the generator in `examples/gen_full_table.rs` (fixed-seed PRNG, real
//! 2002 prefixes and AS paths when `../shared/mrt/...` is readable), held in memory: by default
//! 1 peer × (170,000 IPv4 + 30,000 IPv6 routes) plus 10,000 churn UPDATEs. With
//! `BMPCTL_VIEWS_DUMP=FILE` the dump is read from FILE instead (e.g. the 4-peer dump).
//!
//! Timed, per iteration over the whole dump:
//! - `bmpctl_decode`: `StreamDecoder::push` in 64 KiB chunks, the sink only counts events;
//! - `bmpctl_peers` / `bmpctl_churn`: the same, every event through the view (as
//!   `bmpctl peers` / `bmpctl churn` do), then the JSON report written to a sink;
//! - `bgpkit_parse`: `bgpkit_parser::parser::bmp::parse_bmp_msg` on every message (message
//!   boundaries from the BMP common header length), over a `bytes::Bytes` of the dump;
//! - `bmpctl_peers_process`: the whole `bmpctl peers --json FILE` process on the dump written
//!   to a temporary file (the measure of the aim: at most half of `bgpkit_parse`).
//!
//! Run: `cargo bench --bench views -- --warm-up-time 1 --measurement-time 5`

#[path = "../examples/gen_full_table.rs"]
#[allow(dead_code)]
mod gen_full_table;

use std::hint::black_box;

use bmpctl::analysis::View;
use bmpctl::analysis::churn::Churn;
use bmpctl::analysis::peers::Peers;
use bmpctl::event::{EndReason, Event, Lifecycle, RouterInfo, StreamCtx};
use bmpctl::frame::DEFAULT_MAX_MESSAGE;
use bmpctl::identity::RouterId;
use bmpctl::stream::StreamDecoder;
use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use gen_full_table::{Config, generate};

const CHUNK: usize = 64 * 1024;
const NAME: &str = "bench.bmp";

/// Feeds the dump through a decoder; every event goes to `view` when given. Returns
/// (messages, findings).
fn run(bytes: &[u8], mut view: Option<&mut dyn View>) -> (u64, u64) {
    let (mut messages, mut findings) = (0u64, 0u64);
    let router = RouterInfo::default();
    if let Some(v) = view.as_deref_mut() {
        v.lifecycle(&Lifecycle::StreamStart {
            stream: NAME,
            router_id: RouterId::default(),
            address: None,
            time: None,
            reconnect: false,
            predecessor: None,
        });
    }
    let mut dec = StreamDecoder::new(DEFAULT_MAX_MESSAGE);
    {
        let mut sink = |r: &RouterInfo, ev: Event<'_>| {
            match &ev {
                Event::Message(_) => messages += 1,
                Event::Finding(_) => findings += 1,
            }
            if let Some(v) = view.as_deref_mut() {
                let ctx = StreamCtx::new(NAME, r, None);
                v.event(&ctx, &ev);
            }
        };
        for chunk in bytes.chunks(CHUNK) {
            dec.push(chunk, &mut sink);
        }
        dec.finish(&mut sink);
    }
    if let Some(v) = view {
        v.lifecycle(&Lifecycle::StreamEnd {
            stream: NAME,
            router_id: RouterId::default(),
            router: &router,
            how: EndReason::EndOfInput,
            time: None,
        });
        // Written as the CLI writes it, straight from the report to the output.
        black_box(serde_json::to_writer(std::io::sink(), &v.report()).ok());
    }
    (messages, findings)
}

fn bench(c: &mut Criterion) {
    let (data, label) = match std::env::var("BMPCTL_VIEWS_DUMP") {
        Ok(path) => (
            std::fs::read(&path).expect("BMPCTL_VIEWS_DUMP is readable"),
            path,
        ),
        Err(_) => {
            let cfg = Config {
                peers: 1,
                v4_routes: 170_000,
                v6_routes: 30_000,
                churn_per_peer: 10_000,
            };
            let mut data = Vec::new();
            let st = generate(&cfg, &mut data).expect("in-memory generation");
            eprintln!("generated {cfg:?}: {st:?}");
            (data, "in-memory".to_string())
        }
    };
    let (messages, findings) = run(&data, None);
    assert_eq!(findings, 0, "the generated dump decodes without findings");
    let (ok, err) = gen_full_table::bgpkit_parse(bytes::Bytes::from(data.clone()));
    eprintln!(
        "dump {label}: {} bytes, {messages} BMP messages; bgpkit-parser: {ok} parsed, {err} errors",
        data.len()
    );
    assert_eq!(ok, messages, "bgpkit-parser parses every message");

    let mut g = c.benchmark_group("views");
    g.sample_size(10);
    g.sampling_mode(SamplingMode::Flat);
    g.throughput(Throughput::Elements(messages));
    g.bench_function("bmpctl_decode", |b| {
        b.iter(|| black_box(run(black_box(&data), None)))
    });
    g.bench_function("bmpctl_peers", |b| {
        b.iter(|| {
            let mut v = Peers::new(Default::default());
            black_box(run(black_box(&data), Some(&mut v)))
        })
    });
    g.bench_function("bmpctl_churn", |b| {
        b.iter(|| {
            let mut v = Churn::new(Default::default(), None, 10);
            black_box(run(black_box(&data), Some(&mut v)))
        })
    });
    let shared = bytes::Bytes::from(data.clone());
    g.bench_function("bgpkit_parse", |b| {
        b.iter(|| black_box(gen_full_table::bgpkit_parse(black_box(shared.clone()))))
    });
    // The aim's own measure: the whole `bmpctl peers --json FILE` process (reading the file,
    // decoding on its second thread, the report), next to `bgpkit_parse` above.
    let file = std::env::temp_dir().join(format!("bmpctl-views-bench-{}.bmp", std::process::id()));
    std::fs::write(&file, &data).expect("temporary dump written");
    g.bench_function("bmpctl_peers_process", |b| {
        b.iter(|| {
            let status = std::process::Command::new(env!("CARGO_BIN_EXE_bmpctl"))
                .args(["peers", "--json"])
                .arg(&file)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .status()
                .expect("bmpctl runs");
            assert!(status.success());
        })
    });
    let _ = std::fs::remove_file(&file);
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
