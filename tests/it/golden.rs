//! The golden corpus: what every command prints for every shipped sample and every real capture,
//! recorded once and compared on every run, so that a restructuring of the code cannot change
//! what a user sees without a test saying so.
//!
//! Each case runs the `bmpctl` binary with `--color never` and `COLUMNS=100` (the width text
//! tables are fitted to), unless it is one of the [`EXTRA`] cases that set another
//! [`Terminal`], in the tests' scrubbed environment (`support::bmpctl_command`: among
//! others `NO_COLOR=1`), from the crate root, with the input's path relative to it (stream
//! names contain it). Recorded per case: stdout (gzip, in `tests/golden/`), the exit status
//! and stderr (`tests/golden/status.txt`). Text output must match byte for byte; JSON output
//! (NDJSON or one document) is compared as parsed values, so that key order may change.
//!
//! Run it alone with `cargo test --test it golden`. When a change is meant to alter output,
//! re-record with `BMPCTL_BLESS=1 cargo test --test it golden` and review the diff of
//! `tests/golden/status.txt` and of the outputs (`zdiff` works on the `.gz` files). Blessing
//! re-records every case: JSON recordings made before a change of key order are rewritten with
//! the same values in another order, so keep only the files of the cases meant to change. When
//! `../shared/captures` is absent its cases are skipped with a note (a failure under
//! `BMPCTL_REQUIRE_CAPTURES=1`, as in CI); a capture there without a recording is noted and not
//! compared, and is a failure under `BMPCTL_REQUIRE_CAPTURES=1`. Every other case must have a
//! recording, and every recording a case.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::{REQUIRE_CAPTURES_ENV, bmpctl_command, captures_dir};

/// Shipped samples, relative to the crate root.
const SAMPLES: &[&str] = &[
    "samples/synthetic-session.bmp",
    "samples/recordings/frr.bmp",
    "samples/recordings/frr.pcap",
    "samples/recordings/gobgp.bmp",
    "samples/recordings/gobgp.pcap",
];

/// The real captures folder, relative to the crate root, as the cases name it (stream names
/// contain it); [`captures_dir`] decides whether it is there.
const CAPTURES: &str = "../shared/captures";

/// Every command on every input: (case suffix, arguments before the input, JSON output).
const COMMANDS: &[(&str, &[&str], bool)] = &[
    ("decode", &["decode"], false),
    ("decode-v", &["decode", "-v"], false),
    ("decode-json", &["decode", "--json"], true),
    ("peers", &["peers"], false),
    ("peers-json", &["peers", "--json"], true),
    ("timeline", &["timeline"], false),
    ("timeline-json", &["timeline", "--json"], true),
    ("churn", &["churn"], false),
    ("churn-json", &["churn", "--json"], true),
];

/// The terminal a case runs for: the `--color` value and the `COLUMNS` width.
#[derive(Debug, Clone, Copy)]
struct Terminal {
    color: &'static str,
    columns: &'static str,
}

/// Every case's terminal unless it says otherwise: no colour, tables fitted to 100 columns.
const PLAIN: Terminal = Terminal {
    color: "never",
    columns: "100",
};
/// Colour forced on (as `--color always` does on a pipe), 100 columns.
const COLOUR: Terminal = Terminal {
    color: "always",
    columns: "100",
};
/// A narrow terminal: the tables fitted to 60 columns, no colour.
const NARROW: Terminal = Terminal {
    color: "never",
    columns: "60",
};

/// Cases beyond the matrix: filters, options, terminals and several inputs at once, on shipped
/// samples (always present) and on captures whose content exercises them. (name, terminal,
/// arguments, JSON).
const EXTRA: &[(&str, Terminal, &[&str], bool)] = &[
    (
        "frr-pcap.decode-json-afi-ipv6",
        PLAIN,
        &[
            "decode",
            "--json",
            "--afi",
            "ipv6",
            "samples/recordings/frr.pcap",
        ],
        true,
    ),
    (
        "frr-pcap.decode-rib-in-post",
        PLAIN,
        &["decode", "--rib", "in-post", "samples/recordings/frr.pcap"],
        false,
    ),
    (
        "gobgp-pcap.decode-peer-since",
        PLAIN,
        &[
            "decode",
            "--peer",
            "127.0.0.0/8",
            "--since",
            "2026-11-26T04:15:37Z",
            "samples/recordings/gobgp.pcap",
        ],
        false,
    ),
    (
        "synthetic.peers-json-afi-ipv4-unicast",
        PLAIN,
        &[
            "peers",
            "--json",
            "--afi",
            "ipv4_unicast",
            "samples/synthetic-session.bmp",
        ],
        true,
    ),
    (
        "recordings.peers-all",
        PLAIN,
        &[
            "peers",
            "samples/recordings/frr.pcap",
            "samples/recordings/gobgp.bmp",
            "samples/synthetic-session.bmp",
        ],
        false,
    ),
    (
        "recordings.timeline-json-all",
        PLAIN,
        &[
            "timeline",
            "--json",
            "samples/recordings/frr.bmp",
            "samples/recordings/gobgp.pcap",
        ],
        true,
    ),
    (
        "synthetic.churn-interval-top",
        PLAIN,
        &[
            "churn",
            "--interval",
            "1m",
            "--top",
            "3",
            "samples/synthetic-session.bmp",
        ],
        false,
    ),
    (
        "evpn.peers-afi-l2vpn",
        PLAIN,
        &[
            "peers",
            "--afi",
            "l2vpn",
            "../shared/captures/netgauze_evpn-vpn_midstream.pcap",
        ],
        false,
    ),
    (
        "evpn.decode-json-afi-ipv4-vpn",
        PLAIN,
        &[
            "decode",
            "--json",
            "--afi",
            "ipv4_vpn",
            "../shared/captures/netgauze_evpn-vpn_midstream.pcap",
        ],
        true,
    ),
    (
        "14-routers.timeline-router",
        PLAIN,
        &[
            "timeline",
            "--router",
            "ipf-zbl1312-r-daisy-19",
            "../shared/captures/trafficrepro_multi-vendor_14-routers_raw.pcap",
        ],
        false,
    ),
    (
        "14-routers.churn-json-interval",
        PLAIN,
        &[
            "churn",
            "--json",
            "--interval",
            "10s",
            "../shared/captures/trafficrepro_multi-vendor_14-routers_raw.pcap",
        ],
        true,
    ),
    (
        "locrib-vrf.peers-json-rib-loc-rib",
        PLAIN,
        &[
            "peers",
            "--json",
            "--rib",
            "loc-rib",
            "../shared/captures/pmacct_iosxr2441_locrib-peerdown-vrf.pcap",
        ],
        true,
    ),
    (
        "frr-pcap.decode-colour",
        COLOUR,
        &["decode", "samples/recordings/frr.pcap"],
        false,
    ),
    (
        "frr-pcap.decode-v-colour",
        COLOUR,
        &["decode", "-v", "samples/recordings/frr.pcap"],
        false,
    ),
    (
        "frr-pcap.peers-colour",
        COLOUR,
        &["peers", "samples/recordings/frr.pcap"],
        false,
    ),
    (
        "frr-pcap.timeline-colour",
        COLOUR,
        &["timeline", "samples/recordings/frr.pcap"],
        false,
    ),
    (
        "frr-pcap.churn-colour",
        COLOUR,
        &["churn", "samples/recordings/frr.pcap"],
        false,
    ),
    (
        "synthetic.peers-columns-60",
        NARROW,
        &["peers", "samples/synthetic-session.bmp"],
        false,
    ),
    (
        "synthetic.timeline-columns-60",
        NARROW,
        &["timeline", "samples/synthetic-session.bmp"],
        false,
    ),
    (
        "synthetic.churn-columns-60",
        NARROW,
        &["churn", "samples/synthetic-session.bmp"],
        false,
    ),
    // An input that cannot be read fails the run (exit 2) and the next is still read.
    (
        "missing-then-frr-bmp.decode",
        PLAIN,
        &[
            "decode",
            "samples/missing.bmp",
            "samples/recordings/frr.bmp",
        ],
        false,
    ),
    (
        "missing-then-frr-bmp.peers",
        PLAIN,
        &["peers", "samples/missing.bmp", "samples/recordings/frr.bmp"],
        false,
    ),
];

/// One case: a name, its terminal, the arguments, whether stdout is JSON.
struct Case {
    name: String,
    terminal: Terminal,
    args: Vec<String>,
    json: bool,
}

/// What a run printed.
struct Outcome {
    stdout: Vec<u8>,
    stderr: String,
    status: i32,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn golden_dir() -> PathBuf {
    root().join("tests/golden")
}

/// `samples/recordings/frr.pcap` -> `frr-pcap`; captures by their file stem.
fn slug(path: &str) -> String {
    let file = Path::new(path)
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    file.replace('.', "-")
}

/// The captures in `dir` (the real captures folder), as the cases name them.
fn capture_inputs(dir: &Path) -> Vec<String> {
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
    let mut v: Vec<String> = entries
        .map(|e| e.expect("a directory entry"))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".pcap") || n.ends_with(".pcapng"))
        .map(|n| format!("{CAPTURES}/{n}"))
        .collect();
    v.sort();
    v
}

/// Every case: the matrix on the samples and, when `captures` is the captures folder, on each
/// capture, then [`EXTRA`].
fn golden_cases(captures: Option<&Path>) -> Vec<Case> {
    let mut inputs: Vec<String> = SAMPLES.iter().map(|s| s.to_string()).collect();
    inputs.extend(captures.map(capture_inputs).unwrap_or_default());
    let mut out = Vec::new();
    for input in &inputs {
        for (suffix, args, json) in COMMANDS {
            let mut a: Vec<String> = args.iter().map(|s| s.to_string()).collect();
            a.push(input.clone());
            out.push(Case {
                name: format!("{}.{suffix}", slug(input)),
                terminal: PLAIN,
                args: a,
                json: *json,
            });
        }
    }
    for (name, terminal, args, json) in EXTRA {
        out.push(Case {
            name: name.to_string(),
            terminal: *terminal,
            args: args.iter().map(|s| s.to_string()).collect(),
            json: *json,
        });
    }
    out
}

/// Whether a case reads a real capture (which a machine may not have).
fn on_captures(args: &[impl AsRef<str>]) -> bool {
    args.iter().any(|a| a.as_ref().starts_with(CAPTURES))
}

fn run(case: &Case) -> Outcome {
    let out = bmpctl_command()
        .arg("--color")
        .arg(case.terminal.color)
        .args(&case.args)
        .current_dir(root())
        .env("COLUMNS", case.terminal.columns)
        .output()
        .unwrap_or_else(|e| panic!("cannot run bmpctl for {}: {e}", case.name));
    Outcome {
        stdout: out.stdout,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        status: out.status.code().unwrap_or(-1),
    }
}

/// The status file: `name<TAB>exit<TAB>stderr` with stderr's newlines as `\n`. A line
/// that does not read so fails the test: a case lost to a damaged line would go unchecked.
fn read_status() -> BTreeMap<String, (i32, String)> {
    let path = golden_dir().join("status.txt");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut all = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        let mut parts = line.splitn(3, '\t');
        let (Some(name), Some(status), Some(stderr)) = (parts.next(), parts.next(), parts.next())
        else {
            panic!(
                "status.txt line {}: not name, status, stderr: {line}",
                i + 1
            );
        };
        let status: i32 = status
            .parse()
            .unwrap_or_else(|_| panic!("status.txt line {}: status {status:?}", i + 1));
        let stderr = stderr.replace("\\n", "\n");
        if all.insert(name.to_string(), (status, stderr)).is_some() {
            panic!("status.txt line {}: {name} recorded twice", i + 1);
        }
    }
    all
}

fn write_status(all: &BTreeMap<String, (i32, String)>) {
    let mut text = String::from(
        "# Golden corpus: exit status and stderr per case (tests/it/golden.rs). Re-record with BMPCTL_BLESS=1.\n",
    );
    for (name, (status, stderr)) in all {
        assert!(
            !stderr.contains('\t'),
            "{name}: stderr contains a tab, which the status file cannot hold"
        );
        text.push_str(&format!(
            "{name}\t{status}\t{}\n",
            stderr.replace('\n', "\\n")
        ));
    }
    std::fs::write(golden_dir().join("status.txt"), text).expect("write status.txt");
}

fn gz_path(name: &str) -> PathBuf {
    golden_dir().join(format!("{name}.out.gz"))
}

fn read_gz(path: &Path) -> Option<Vec<u8>> {
    let file = std::fs::File::open(path).ok()?;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(file)
        .read_to_end(&mut out)
        .ok()?;
    Some(out)
}

fn write_gz(path: &Path, bytes: &[u8]) {
    let file = std::fs::File::create(path).expect("create golden file");
    let mut gz = flate2::write::GzEncoder::new(file, flate2::Compression::best());
    gz.write_all(bytes).expect("write golden file");
    gz.finish().expect("finish golden file");
}

/// The first difference between two JSON values, as a path.
fn json_diff(path: &str, a: &Value, b: &Value) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for k in x.keys().chain(y.keys()) {
                match (x.get(k), y.get(k)) {
                    (Some(p), Some(q)) => {
                        if let Some(d) = json_diff(&format!("{path}.{k}"), p, q) {
                            return Some(d);
                        }
                    }
                    (p, q) => {
                        return Some(format!(
                            "{path}.{k}: expected {}, got {}",
                            p.map_or("nothing".into(), Value::to_string),
                            q.map_or("nothing".into(), Value::to_string)
                        ));
                    }
                }
            }
            None
        }
        (Value::Array(x), Value::Array(y)) => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                if let Some(d) = json_diff(&format!("{path}[{i}]"), p, q) {
                    return Some(d);
                }
            }
            (x.len() != y.len())
                .then(|| format!("{path}: expected {} elements, got {}", x.len(), y.len()))
        }
        _ => (a != b).then(|| format!("{path}: expected {a}, got {b}")),
    }
}

/// Why `actual` differs from `expected`, or `None`.
fn compare(case: &Case, expected: &[u8], actual: &[u8]) -> Option<String> {
    let exp = String::from_utf8_lossy(expected);
    let act = String::from_utf8_lossy(actual);
    if !case.json {
        if expected == actual {
            return None;
        }
        let (el, al): (Vec<&str>, Vec<&str>) = (exp.lines().collect(), act.lines().collect());
        for (i, (e, a)) in el.iter().zip(&al).enumerate() {
            if e != a {
                return Some(format!("line {}:\n  expected: {e}\n  actual:   {a}", i + 1));
            }
        }
        return Some(format!(
            "expected {} lines, got {} (or a difference in line ends)",
            el.len(),
            al.len()
        ));
    }
    let (el, al): (Vec<&str>, Vec<&str>) = (exp.lines().collect(), act.lines().collect());
    if el.len() != al.len() {
        return Some(format!(
            "expected {} JSON lines, got {}",
            el.len(),
            al.len()
        ));
    }
    for (i, (e, a)) in el.iter().zip(&al).enumerate() {
        let ev: Value = serde_json::from_str(e).unwrap_or(Value::String(e.to_string()));
        let av: Value = match serde_json::from_str(a) {
            Ok(v) => v,
            Err(err) => return Some(format!("line {}: not JSON ({err}): {a}", i + 1)),
        };
        if let Some(d) = json_diff("$", &ev, &av) {
            return Some(format!("line {}: {d}", i + 1));
        }
    }
    None
}

#[test]
fn every_command_on_every_input_prints_what_was_recorded() {
    let bless = std::env::var("BMPCTL_BLESS").is_ok_and(|v| v == "1");
    // Panics under BMPCTL_REQUIRE_CAPTURES=1 when the folder is missing.
    let captures = captures_dir();
    let have_captures = captures.is_some();
    if !have_captures {
        eprintln!("note: the golden cases of real captures are skipped");
    }
    let require_captures = std::env::var(REQUIRE_CAPTURES_ENV).is_ok_and(|v| v.trim() == "1");
    let recorded = read_status();
    let cases: Vec<Case> = golden_cases(captures.as_deref())
        .into_iter()
        .filter(|c| have_captures || !on_captures(&c.args))
        .collect();
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<(usize, Outcome)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(case) = cases.get(i) else { break };
                        mine.push((i, run(case)));
                    }
                    mine
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a golden worker panicked"))
            .collect()
    });
    let mut results = results;
    results.sort_by_key(|(i, _)| *i);

    if bless {
        std::fs::create_dir_all(golden_dir()).expect("create tests/golden");
        let mut status = if have_captures {
            BTreeMap::new()
        } else {
            // Keep the recordings of captures this machine does not have.
            recorded.clone()
        };
        for (i, out) in &results {
            let case = &cases[*i];
            write_gz(&gz_path(&case.name), &out.stdout);
            status.insert(case.name.clone(), (out.status, out.stderr.clone()));
        }
        write_status(&status);
        eprintln!("golden corpus re-recorded: {} cases", results.len());
        return;
    }

    let actual_dir = root().join("target/golden-actual");
    let mut failures = Vec::new();
    let mut unrecorded = Vec::new();
    for (i, out) in &results {
        let case = &cases[*i];
        let Some((status, stderr)) = recorded.get(&case.name) else {
            unrecorded.push(case.name.clone());
            continue;
        };
        let Some(expected) = read_gz(&gz_path(&case.name)) else {
            failures.push(format!(
                "{}: tests/golden/{}.out.gz is missing",
                case.name, case.name
            ));
            continue;
        };
        let mut why = Vec::new();
        if out.status != *status {
            why.push(format!("exit status {} instead of {status}", out.status));
        }
        if out.stderr != *stderr {
            why.push(format!(
                "stderr differs:\n  expected: {}\n  actual:   {}",
                stderr.trim_end(),
                out.stderr.trim_end()
            ));
        }
        if let Some(d) = compare(case, &expected, &out.stdout) {
            why.push(d);
        }
        if !why.is_empty() {
            let _ = std::fs::create_dir_all(&actual_dir);
            let _ = std::fs::write(actual_dir.join(&case.name), &out.stdout);
            failures.push(format!(
                "{} (bmpctl {}):\n{}",
                case.name,
                case.args.join(" "),
                why.join("\n")
            ));
        }
    }
    // A recorded case that no longer runs (a sample renamed) must not pass unnoticed. Without
    // the captures, only the cases of captures are not run: a recorded name that is neither
    // a case run nor a case of captures is one no longer run.
    let without_captures = golden_cases(None);
    for name in recorded.keys() {
        let ran = cases.iter().any(|c| &c.name == name);
        let known_without_captures = without_captures
            .iter()
            .any(|c| &c.name == name && !on_captures(&c.args));
        if !ran && (have_captures || known_without_captures) {
            failures.push(format!("{name}: recorded but no longer run"));
        }
    }
    // A case of a capture may lack a recording (a capture added to the shared folder since);
    // any other case, and every case when the captures are required, may not.
    for name in &unrecorded {
        let case = cases.iter().find(|c| &c.name == name).expect("a case run");
        if on_captures(&case.args) && !require_captures {
            eprintln!(
                "note: no golden recording for {name} (a capture added since?); not compared"
            );
        } else {
            failures.push(format!(
                "{name}: no recording (record it with BMPCTL_BLESS=1 and review the diff)"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} golden cases differ (actual outputs in target/golden-actual/; re-record with BMPCTL_BLESS=1 only when the change is meant):\n\n{}",
        failures.len(),
        results.len(),
        failures.join("\n\n")
    );
}

/// Every recording has its line in the status file and every line its recording: a stray
/// `.out.gz` (a case renamed, its old output left behind) or a line whose output is gone
/// would otherwise never be compared, on any machine.
#[test]
fn the_recordings_and_the_status_file_name_the_same_cases() {
    let recorded = read_status();
    let entries = std::fs::read_dir(golden_dir()).expect("list tests/golden");
    let mut outputs = std::collections::BTreeSet::new();
    let mut wrong = Vec::new();
    for entry in entries {
        let name = entry.expect("a directory entry").file_name();
        let name = name.to_string_lossy();
        if name == "status.txt" {
            continue;
        }
        match name.strip_suffix(".out.gz") {
            Some(case) => {
                outputs.insert(case.to_string());
            }
            None => wrong.push(format!(
                "tests/golden/{name}: neither a recording nor status.txt"
            )),
        }
    }
    for case in &outputs {
        if !recorded.contains_key(case) {
            wrong.push(format!("tests/golden/{case}.out.gz: no line in status.txt"));
        }
    }
    for case in recorded.keys() {
        if !outputs.contains(case) {
            wrong.push(format!(
                "status.txt: {case} has no tests/golden/{case}.out.gz"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
