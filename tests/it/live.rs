//! Live commands against the real binary over loopback: `listen` with concurrent replay
//! clients, garbage, resets and half-sent messages, `--max-sessions` and `--allow`, `connect`
//! with reconnects, Ctrl-C and SIGTERM, `--duration` and `--count`.

use crate::support::live as helpers;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use helpers::*;
use serde_json::Value;

/// The first `n` messages of the sample, as a second, different input.
fn sample_prefix(dir: &TempDir, n: usize) -> PathBuf {
    let bytes = std::fs::read(sample()).unwrap();
    let mut at = 0;
    for _ in 0..n {
        let len = u32::from_be_bytes(bytes[at + 1..at + 5].try_into().unwrap()) as usize;
        at += len;
    }
    let path = dir.path().join(format!("prefix{n}.bmp"));
    std::fs::write(&path, &bytes[..at]).unwrap();
    path
}

fn count(lines: &[Value], ty: &str) -> usize {
    lines.iter().filter(|l| l["type"] == ty).count()
}

fn ipv6_loopback() -> bool {
    TcpListener::bind("[::1]:0").is_ok()
}

#[test]
fn concurrent_replays_are_recorded_byte_identical_and_decoded_alike() {
    let inputs = TempDir::new("inputs");
    let short = sample_prefix(&inputs, 12);
    let mut listen = vec!["127.0.0.1:0"];
    if ipv6_loopback() {
        listen.push("[::1]:0");
    }
    let rec = inputs.path().join("rec");
    let station = Station::listen(&listen, &["--json", "--write", rec.to_str().unwrap()]);
    let addrs = station.addrs.clone();
    assert_eq!(addrs.len(), listen.len(), "{addrs:?}");
    let sample = sample();
    let clients: Vec<_> = (0..4)
        .map(|i| {
            let to = addrs[i % addrs.len()].clone();
            let file = if i % 2 == 0 {
                sample.clone()
            } else {
                short.clone()
            };
            std::thread::spawn(move || replay_fast(&[&file], &to))
        })
        .collect();
    for c in clients {
        let err = c.join().unwrap();
        assert!(err.contains("bmpctl: replayed"), "{err}");
    }
    // Let every session end (the replays closed) before the station stops.
    let deadline = Instant::now() + Duration::from_secs(20);
    while count(&ndjson(&station.stdout()), "termination") < 2 {
        assert!(Instant::now() < deadline, "sessions did not finish");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(300));
    station.signal("INT");
    let done = station.wait(20);
    assert_eq!(done.status.code(), Some(0), "{}", done.stderr);
    let lines = ndjson(&done.stdout);
    let streams = by_stream(&lines);
    assert_eq!(streams.len(), 4, "{:?}", streams.keys());
    let full = decode_json(&sample);
    let part = decode_json(&short);
    assert_eq!(full.len(), 53);
    assert_eq!(part.len(), 12);
    let mut full_seen = 0;
    for (name, msgs) in &streams {
        if msgs.len() == full.len() {
            assert_eq!(msgs, &full, "stream {name}");
            full_seen += 1;
        } else {
            assert_eq!(msgs, &part, "stream {name}");
        }
    }
    assert_eq!(full_seen, 2);
    assert!(
        done.stderr
            .contains("130 messages decoded from 4 streams, no findings"),
        "{}",
        done.stderr
    );
    // The recordings: byte-identical to what was sent, and `decode` agrees with the live log.
    let files: Vec<_> = std::fs::read_dir(&rec)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 4, "{files:?}");
    let (a, b) = (
        std::fs::read(&sample).unwrap(),
        std::fs::read(&short).unwrap(),
    );
    let mut same = (0, 0);
    for f in &files {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            name.starts_with("127.0.0.1_") || name.starts_with("--1_"),
            "{name}"
        );
        assert!(name.ends_with("Z.bmp"), "{name}");
        let got = std::fs::read(f).unwrap();
        if got == a {
            same.0 += 1;
            assert_eq!(decode_json(f), full);
        } else {
            assert_eq!(got, b, "{name}");
            same.1 += 1;
            assert_eq!(decode_json(f), part);
        }
    }
    assert_eq!(same, (2, 2));
}

#[test]
fn garbage_sender_is_cut_off_and_others_are_unaffected() {
    let station = Station::listen(&["127.0.0.1:0"], &["--json"]);
    let addr = station.addr().to_string();
    let bad = {
        let addr = addr.clone();
        std::thread::spawn(move || {
            let mut s = TcpStream::connect(&addr).unwrap();
            let junk = vec![0u8; 64 << 10];
            let mut sent = 0u64;
            // At most 32 MiB: the station must hang up long before.
            while sent < 32 << 20 {
                if s.write_all(&junk).is_err() {
                    return (sent, true);
                }
                sent += junk.len() as u64;
            }
            (sent, false)
        })
    };
    let sample = std::fs::read(sample()).unwrap();
    let good: Vec<_> = (0..2)
        .map(|_| {
            let (addr, bytes) = (addr.clone(), sample.clone());
            std::thread::spawn(move || send(&addr, &bytes))
        })
        .collect();
    for g in good {
        g.join().unwrap();
    }
    let (sent, cut) = bad.join().unwrap();
    assert!(
        cut,
        "the garbage sender was not disconnected after {sent} bytes"
    );
    std::thread::sleep(Duration::from_millis(300));
    station.signal("TERM");
    let done = station.wait(20);
    // garbage_skipped is an error: exit status 1.
    assert_eq!(done.status.code(), Some(1), "{}", done.stderr);
    let lines = ndjson(&done.stdout);
    let streams = by_stream(&lines);
    assert_eq!(streams.len(), 3, "{:?}", streams.keys());
    let mut good_streams = 0;
    for msgs in streams.values() {
        let messages = msgs.iter().filter(|m| m["type"] != "finding").count();
        if messages == 53 {
            good_streams += 1;
            assert!(msgs.iter().all(|m| m["type"] != "finding"), "{msgs:?}");
        } else {
            assert_eq!(messages, 0);
            let text = serde_json::to_string(msgs).unwrap();
            assert!(text.contains("session disconnected"), "{text}");
            assert!(text.contains("garbage_skipped"), "{text}");
        }
    }
    assert_eq!(good_streams, 2);
}

#[test]
fn resets_and_half_sent_messages_get_truncated_findings() {
    let station = Station::listen(&["127.0.0.1:0"], &["--view", "timeline", "--json"]);
    let addr = station.addr().to_string();
    let sample = std::fs::read(sample()).unwrap();
    let half = &sample[..sample.len() - 7];
    // Half a message, then FIN.
    send(&addr, half);
    // Half a message, then RST (SO_LINGER 0).
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        use tokio::io::AsyncWriteExt;
        let sock = tokio::net::TcpSocket::new_v4().unwrap();
        let mut s = sock.connect(addr.parse().unwrap()).await.unwrap();
        s.write_all(half).await.unwrap();
        s.flush().await.unwrap();
        tokio::time::sleep(Duration::from_millis(200)).await;
        #[allow(deprecated)] // Blocking on drop is the point: an abortive close.
        s.set_linger(Some(Duration::ZERO)).unwrap();
        drop(s);
    });
    std::thread::sleep(Duration::from_millis(500));
    station.signal("INT");
    let done = station.wait(20);
    assert_eq!(done.status.code(), Some(1), "{}", done.stderr);
    let report: Value = serde_json::from_str(done.stdout.trim()).expect("one JSON document");
    let events = report["events"].as_array().unwrap();
    let ends: Vec<&Value> = events
        .iter()
        .filter(|e| e["event"] == "session_end")
        .collect();
    assert_eq!(ends.len(), 2, "{ends:?}");
    let transports: Vec<&str> = ends
        .iter()
        .map(|e| e["transport"].as_str().unwrap())
        .collect();
    assert!(transports.contains(&"tcp_close"), "{transports:?}");
    assert!(transports.contains(&"tcp_reset"), "{transports:?}");
    assert!(
        done.stderr.contains("2 truncated_message"),
        "{}",
        done.stderr
    );
}

#[test]
fn max_sessions_and_allow_refuse_connections() {
    let station = Station::listen(&["127.0.0.1:0"], &["--max-sessions", "1", "--json"]);
    let addr = station.addr().to_string();
    let mut first = TcpStream::connect(&addr).unwrap();
    first
        .write_all(&std::fs::read(sample()).unwrap()[..129])
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let mut second = TcpStream::connect(&addr).unwrap();
    second
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut buf = [0u8; 16];
    // A timeout is an error here, not 0 octets: the station must close it, not keep it.
    let n = second
        .read(&mut buf)
        .expect("closed by the station, not timed out");
    assert_eq!(n, 0, "the second session must be closed at once");
    drop(first);
    std::thread::sleep(Duration::from_millis(300));
    station.signal("TERM");
    let done = station.wait(20);
    assert_eq!(done.status.code(), Some(0), "{}", done.stderr);
    assert!(
        done.stderr
            .contains("--max-sessions 1 sessions already open"),
        "{}",
        done.stderr
    );
    assert_eq!(count(&ndjson(&done.stdout), "initiation"), 1);

    let station = Station::listen(&["127.0.0.1:0"], &["--allow", "192.0.2.0/24"]);
    let mut s = TcpStream::connect(station.addr()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    assert_eq!(
        s.read(&mut buf)
            .expect("closed by the station, not timed out"),
        0
    );
    std::thread::sleep(Duration::from_millis(100));
    station.signal("INT");
    let done = station.wait(20);
    assert_eq!(done.status.code(), Some(0));
    assert!(done.stderr.contains("not in --allow"), "{}", done.stderr);
    assert!(
        done.stderr.contains("0 messages decoded from 0 streams"),
        "{}",
        done.stderr
    );
}

#[test]
fn connect_reconnects_with_backoff_and_shows_two_sessions() {
    let sample = std::fs::read(sample()).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let mut station = Station::run(&[
        "connect",
        &addr.to_string(),
        "--retry-min",
        "100ms",
        "--retry-max",
        "400ms",
        "--view",
        "timeline",
        "--json",
    ]);
    // First session: accept, send, close; then stop listening for a while (refusals).
    let (mut s, _) = listener.accept().unwrap();
    s.write_all(&sample).unwrap();
    drop(s);
    drop(listener);
    station.wait_stderr("retrying in 400ms", 20);
    let listener = TcpListener::bind(addr).unwrap();
    let (mut s, _) = listener.accept().unwrap();
    // No third session: refuse further attempts.
    drop(listener);
    s.write_all(&sample).unwrap();
    drop(s);
    std::thread::sleep(Duration::from_millis(500));
    station.signal("TERM");
    let done = station.wait(20);
    assert_eq!(done.status.code(), Some(0), "{}", done.stderr);
    for wait in ["200ms", "400ms"] {
        assert!(
            done.stderr.contains(&format!("retrying in {wait}")),
            "{}",
            done.stderr
        );
    }
    let report: Value = serde_json::from_str(done.stdout.trim()).unwrap();
    let starts: Vec<&Value> = report["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event"] == "session_start")
        .collect();
    assert_eq!(starts.len(), 2, "{starts:?}");
    assert_eq!(starts[1]["reconnect"], true);
    assert!(
        done.stderr.contains("106 messages decoded from 2 streams"),
        "{}",
        done.stderr
    );
}

#[test]
fn duration_and_count_end_the_run() {
    // --duration: nothing arrives, the run ends by itself with the view's report.
    let station = Station::listen(
        &["127.0.0.1:0"],
        &["--duration", "500ms", "--view", "peers", "--json"],
    );
    let done = station.wait(20);
    assert_eq!(done.status.code(), Some(0), "{}", done.stderr);
    let report: Value = serde_json::from_str(done.stdout.trim()).unwrap();
    assert!(report.is_object());

    // --count: exactly that many messages, then a clean end.
    let station = Station::listen(&["127.0.0.1:0"], &["--count", "10", "--json"]);
    let addr = station.addr().to_string();
    let sample = std::fs::read(sample()).unwrap();
    send(&addr, &sample);
    let done = station.wait(20);
    assert_eq!(done.status.code(), Some(0), "{}", done.stderr);
    let lines = ndjson(&done.stdout);
    assert_eq!(lines.len(), 10);
    assert!(
        done.stderr.contains("10 messages decoded from 1 stream"),
        "{}",
        done.stderr
    );
}

#[test]
fn cannot_bind_is_an_io_failure() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let out = bmpctl_command().args(["listen", &addr]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot listen on"));
}

#[test]
fn live_churn_view_takes_interval_and_top() {
    // The sample session's messages arrive; the churn view is printed at the end with the
    // requested bucket width and top-list length, as `bmpctl churn` gives them for files.
    let bytes = std::fs::read(sample()).unwrap();
    let n = decode_json(&sample())
        .iter()
        .filter(|l| l["type"] != "finding")
        .count();
    let station = Station::listen(
        &["127.0.0.1:0"],
        &[
            "--view",
            "churn",
            "--interval",
            "10s",
            "--top",
            "2",
            "--json",
            "--count",
            &n.to_string(),
        ],
    );
    let addr = station.addr().to_string();
    send(&addr, &bytes);
    let done = station.wait(20);
    assert_eq!(done.status.code(), Some(0), "{}", done.stderr);
    let live: Value = serde_json::from_str(done.stdout.trim()).unwrap();
    assert_eq!(live["interval_seconds"], 10);
    assert!(live["top_prefixes"].as_array().unwrap().len() <= 2);
    let file = bmpctl_command()
        .args(["churn", "--json", "--interval", "10s", "--top", "2"])
        .arg(sample())
        .output()
        .unwrap();
    let file: Value = serde_json::from_slice(&file.stdout).unwrap();
    assert_eq!(live["top_prefixes"], file["top_prefixes"]);
    assert_eq!(
        live["peers"].as_array().unwrap().len(),
        file["peers"].as_array().unwrap().len()
    );
}

/// `replay -` forwards a pipe as it arrives, as `decode -` decodes it: the station gets the
/// first messages while standard input is still open.
#[test]
fn replay_from_a_pipe_forwards_before_the_pipe_ends() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let to = listener.local_addr().unwrap().to_string();
    let mut replay = crate::support::bmpctl_command()
        .args(["replay", "--fast", "-", "--to", &to])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let bytes = std::fs::read(sample()).unwrap();
    let mut stdin = replay.stdin.take().unwrap();
    stdin.write_all(&bytes).unwrap();
    stdin.flush().unwrap();
    // The pipe stays open: everything written must arrive all the same.
    let (mut conn, _) = listener.accept().unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut got = vec![0u8; bytes.len()];
    let read = conn.read_exact(&mut got);
    drop(stdin);
    let status = replay.wait().unwrap();
    if let Err(e) = read {
        let n = got.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
        panic!(
            "the replayed bytes arrive while the pipe is open: {e} (about {n} of {} bytes)",
            bytes.len()
        );
    }
    assert_eq!(got, bytes);
    assert_eq!(status.code(), Some(0));
}
