//! Helpers for the live tests: a `bmpctl listen` process on a loopback port, plain TCP
//! clients, and the message log of a file for comparison.

use std::collections::BTreeMap;
use std::io::Write;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

pub use super::{TempDir, bmpctl_command};

/// A running `bmpctl` station (listen or connect) with stdout and stderr in files.
pub struct Station {
    pub child: Child,
    pub dir: TempDir,
    /// Bound addresses (listen only).
    pub addrs: Vec<String>,
}

/// What a finished station printed.
pub struct Finished {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Station {
    /// `bmpctl listen ADDRS --port-file F EXTRA...`; waits until it listens.
    pub fn listen(addrs: &[&str], extra: &[&str]) -> Station {
        let dir = TempDir::new("station");
        let port_file = dir.path().join("port");
        let mut args: Vec<String> = vec!["listen".into()];
        args.extend(addrs.iter().map(|s| s.to_string()));
        args.push("--port-file".into());
        args.push(port_file.to_string_lossy().into_owned());
        args.extend(extra.iter().map(|s| s.to_string()));
        let child = spawn(&dir, &args);
        let mut station = Station {
            child,
            dir,
            addrs: Vec::new(),
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(text) = std::fs::read_to_string(&port_file) {
                station.addrs = text.lines().map(str::to_string).collect();
                break;
            }
            if let Ok(Some(st)) = station.child.try_wait() {
                panic!("listen exited early ({st}): {}", station.stderr());
            }
            assert!(Instant::now() < deadline, "listen did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        station
    }

    /// `bmpctl ARGS...` (e.g. connect).
    pub fn run(args: &[&str]) -> Station {
        let dir = TempDir::new("station");
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let child = spawn(&dir, &args);
        Station {
            child,
            dir,
            addrs: Vec::new(),
        }
    }

    pub fn addr(&self) -> &str {
        &self.addrs[0]
    }

    pub fn stderr(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("stderr")).unwrap_or_default()
    }

    pub fn stdout(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("stdout")).unwrap_or_default()
    }

    /// Sends a signal (`INT`, `TERM`) with kill(1).
    pub fn signal(&self, sig: &str) {
        let st = Command::new("kill")
            .arg(format!("-{sig}"))
            .arg(self.child.id().to_string())
            .status()
            .expect("run kill");
        assert!(st.success(), "kill -{sig} failed");
    }

    /// Waits until stderr contains `what` (or panics after `secs`).
    pub fn wait_stderr(&mut self, what: &str, secs: u64) {
        let deadline = Instant::now() + Duration::from_secs(secs);
        while !self.stderr().contains(what) {
            if let Ok(Some(st)) = self.child.try_wait() {
                panic!("station exited ({st}) before '{what}': {}", self.stderr());
            }
            assert!(
                Instant::now() < deadline,
                "no '{what}' on stderr: {}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits for the exit (killing it and panicking after `secs`).
    pub fn wait(mut self, secs: u64) -> Finished {
        let deadline = Instant::now() + Duration::from_secs(secs);
        let status = loop {
            if let Some(st) = self.child.try_wait().unwrap() {
                break st;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!("station did not exit; stderr: {}", self.stderr());
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        Finished {
            status,
            stdout: self.stdout(),
            stderr: self.stderr(),
        }
    }
}

impl Drop for Station {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn spawn(dir: &TempDir, args: &[String]) -> Child {
    let out = std::fs::File::create(dir.path().join("stdout")).unwrap();
    let err = std::fs::File::create(dir.path().join("stderr")).unwrap();
    bmpctl_command()
        .args(args)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .expect("spawn bmpctl")
}

/// `bmpctl replay --fast FILES --to ADDR`, run to completion; returns stderr.
pub fn replay_fast(files: &[&Path], to: &str) -> String {
    let out = bmpctl_command()
        .arg("replay")
        .arg("--fast")
        .args(files)
        .arg("--to")
        .arg(to)
        .output()
        .expect("run replay");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "replay failed: {stderr}");
    stderr
}

/// Connects to `addr` and sends `bytes`, then closes.
pub fn send(addr: &str, bytes: &[u8]) {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.write_all(bytes).expect("send");
}

/// The NDJSON lines of `text`.
pub fn ndjson(text: &str) -> Vec<Value> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad JSON {l}: {e}")))
        .collect()
}

/// Drops what differs between a live run and a file decode of the same bytes.
pub fn normalise(mut v: Value) -> Value {
    if let Some(o) = v.as_object_mut() {
        o.remove("stream");
        o.remove("observed_time");
    }
    v
}

/// The message log of a file (`decode --json`), normalised.
pub fn decode_json(path: &Path) -> Vec<Value> {
    super::DecodeJson::run(&[path])
        .lines
        .into_iter()
        .map(normalise)
        .collect()
}

/// Lines of a live message log grouped by stream, normalised.
pub fn by_stream(lines: &[Value]) -> BTreeMap<String, Vec<Value>> {
    let mut m: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for l in lines {
        let s = l["stream"].as_str().unwrap_or("").to_string();
        m.entry(s).or_default().push(normalise(l.clone()));
    }
    m
}

/// The sample session shipped with the crate.
pub fn sample() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples/synthetic-session.bmp")
}
