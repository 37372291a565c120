//! Helpers shared by the integration tests: the `bmpctl` binary in a scrubbed environment,
//! temporary directories, the real captures and independent readers of them.
//!
//! The captures are not shipped with the repository: they live next to the crate in
//! `../shared/captures` (see `SOURCES.md` there). Tests call [`captures_dir`] and return early
//! when it gives `None`; CI sets `BMPCTL_REQUIRE_CAPTURES=1` so a missing folder fails instead.
//!
//! [`extract`] and [`netgauze`] are the oracles for the real captures: they share no code with
//! the product (nor with `bmpctl::testkit`). The other modules are the helpers of one area
//! each: [`harness`] (decode, attributes), [`sources`], [`live`]; [`nlri`] holds NLRI parts
//! that the family tests and the documented examples share.

pub mod extract;
pub mod harness;
pub mod live;
pub mod netgauze;
pub mod nlri;
pub mod sources;

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// Env var that turns "captures folder missing" from a skip into a failure.
pub const REQUIRE_CAPTURES_ENV: &str = "BMPCTL_REQUIRE_CAPTURES";

/// The real-captures folder (`CARGO_MANIFEST_DIR/../shared/captures`) if it exists.
///
/// When it is absent, panics if `BMPCTL_REQUIRE_CAPTURES=1`, otherwise prints one line to
/// stderr and returns `None` (the caller should return early: the test is skipped).
pub fn captures_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/captures");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var(REQUIRE_CAPTURES_ENV).is_ok_and(|v| v.trim() == "1") {
        panic!(
            "{REQUIRE_CAPTURES_ENV}=1 but the real captures folder {} does not exist; \
             check out the shared captures next to the crate (../shared/captures) or unset {REQUIRE_CAPTURES_ENV}",
            dir.display()
        );
    }
    eprintln!(
        "skipping: ../shared/captures not found (real captures are not shipped with the repo)"
    );
    None
}

/// A temporary directory for one test's files, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    /// A new, empty directory named after the test binary's process and `test`.
    pub fn new(test: &str) -> TempDir {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "bmpctl-test-{}-{test}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        // Left over from a run that died (a process id is reused): start empty.
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
        TempDir(dir)
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.0
    }

    /// Writes `bytes` to the file `name` in it; returns its path.
    pub fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, bytes)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The `bmpctl` binary built by cargo for this test run, in the one test environment: what
/// the binary reads from the environment is scrubbed, so that a developer's shell does not
/// change what tests see (no colours: `NO_COLOR`; no terminal-width dependent tables:
/// `COLUMNS`; the default lane count: `BMPCTL_LANES`; the time zone, should anything ever
/// print local time: `TZ`). A test that wants one of them sets it on the command.
pub fn bmpctl_command() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_bmpctl"));
    cmd.env("NO_COLOR", "1")
        .env_remove("COLUMNS")
        .env_remove("BMPCTL_LANES")
        .env_remove("TZ");
    cmd
}

/// [`bmpctl_command`] as an `assert_cmd` command (stdin from memory, assertions on output).
pub fn bmpctl() -> assert_cmd::Command {
    assert_cmd::Command::from_std(bmpctl_command())
}

/// The lines of a JSON-lines output, each parsed; a line that is not JSON fails the test.
pub fn json_lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line ({e}): {l:?}")))
        .collect()
}

/// One run of `bmpctl decode --json`: its exit code, its message log (UTF-8, every line JSON,
/// else the test fails) and its stderr.
pub struct DecodeJson {
    pub code: i32,
    pub lines: Vec<Value>,
    pub stderr: String,
}

impl DecodeJson {
    /// `bmpctl decode --json ARGS`.
    pub fn run<S: AsRef<OsStr>>(args: &[S]) -> DecodeJson {
        let out = bmpctl()
            .args(["decode", "--json"])
            .args(args)
            .output()
            .expect("run bmpctl");
        DecodeJson::of(out)
    }

    /// `bmpctl decode --json ARGS -` with `input` on standard input.
    pub fn run_stdin<S: AsRef<OsStr>>(args: &[S], input: Vec<u8>) -> DecodeJson {
        let out = bmpctl()
            .args(["decode", "--json"])
            .args(args)
            .arg("-")
            .write_stdin(input)
            .output()
            .expect("run bmpctl");
        DecodeJson::of(out)
    }

    /// The run that gave `out`.
    pub fn of(out: Output) -> DecodeJson {
        let stdout = String::from_utf8(out.stdout).expect("UTF-8 stdout");
        DecodeJson {
            code: out.status.code().expect("exited, not killed by a signal"),
            lines: json_lines(&stdout),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// The message lines (every line but the findings).
    pub fn messages(&self) -> Vec<&Value> {
        self.lines
            .iter()
            .filter(|v| v["type"] != "finding")
            .collect()
    }

    /// The finding lines.
    pub fn findings(&self) -> Vec<&Value> {
        self.lines
            .iter()
            .filter(|v| v["type"] == "finding")
            .collect()
    }

    /// The finding lines of one kind.
    pub fn findings_of(&self, kind: &str) -> Vec<&Value> {
        self.lines
            .iter()
            .filter(|v| v["type"] == "finding" && v["kind"] == kind)
            .collect()
    }

    /// Exit code, message count, findings and stderr, for an assertion's message.
    pub fn describe(&self) -> String {
        let findings: Vec<String> = self
            .findings()
            .iter()
            .map(|f| format!("{} @{}: {}", f["kind"], f["offset"], f["detail"]))
            .collect();
        format!(
            "exit {}, {} messages, findings {findings:#?}, stderr: {}",
            self.code,
            self.messages().len(),
            self.stderr.trim()
        )
    }
}

/// A memory figure of this process from `/proc/self/status` (Linux), in bytes: `field` is
/// `"VmRSS"` (resident now), `"VmHWM"` (peak resident), ... For the ignored memory
/// measurements; panics where the file or the field is missing.
pub fn proc_status_bytes(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status")
        .unwrap_or_else(|e| panic!("cannot read /proc/self/status: {e}"));
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().strip_suffix("kB")?.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {field} in kB in /proc/self/status"));
    kib * 1024
}

/// Turns colour off for text rendered in this process. The `colored` crate's switch is
/// process-wide and every area runs in one binary: a test that compares text rendered
/// in-process pins it, so that a test running alongside cannot flip it between two renders.
pub fn no_colour() {
    colored::control::set_override(false);
}

/// Our JSON name for a BMP message type code (RFC 7854 section 4.1).
pub fn bmp_type_name(msg_type: u8) -> &'static str {
    match msg_type {
        0 => "route_monitoring",
        1 => "statistics_report",
        2 => "peer_down",
        3 => "peer_up",
        4 => "initiation",
        5 => "termination",
        6 => "route_mirroring",
        _ => "unknown",
    }
}

/// One BMP message found by walking common headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BmpHeader {
    /// Offset of the message's first byte in its stream.
    pub offset: usize,
    pub version: u8,
    /// Total length from the common header (includes the 6 header bytes).
    pub length: usize,
    pub msg_type: u8,
}

/// Bytes left at the end of a stream that do not form a complete message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrailingPartial {
    pub offset: usize,
    /// Bytes present from `offset` to the end of the stream.
    pub available: usize,
    /// The common header of the partial message, when at least 6 bytes are present.
    pub header: Option<BmpHeader>,
}

/// Result of walking a byte stream as consecutive BMP common headers.
#[derive(Debug, Clone, Default)]
pub struct BmpWalk {
    pub messages: Vec<BmpHeader>,
    pub partial: Option<TrailingPartial>,
    /// Set when a header is not a plausible BMP common header (the walk stops there).
    pub error: Option<String>,
}

impl BmpWalk {
    /// Message count per type name (`route_monitoring`, `peer_up`, ...).
    pub fn counts(&self) -> BTreeMap<&'static str, usize> {
        let mut counts = BTreeMap::new();
        for m in &self.messages {
            *counts.entry(bmp_type_name(m.msg_type)).or_default() += 1;
        }
        counts
    }
}

/// Walk `bytes` as consecutive BMP messages: byte 0 version (3 or 4), bytes 1..5 big-endian
/// length including the 6-byte common header, byte 5 type.
pub fn walk_bmp(bytes: &[u8]) -> BmpWalk {
    let mut walk = BmpWalk::default();
    let mut offset = 0;
    while offset < bytes.len() {
        let rest = &bytes[offset..];
        if rest.len() < 6 {
            walk.partial = Some(TrailingPartial {
                offset,
                available: rest.len(),
                header: None,
            });
            break;
        }
        let header = BmpHeader {
            offset,
            version: rest[0],
            length: u32::from_be_bytes([rest[1], rest[2], rest[3], rest[4]]) as usize,
            msg_type: rest[5],
        };
        if !(header.version == 3 || header.version == 4) || header.length < 6 {
            walk.error = Some(format!(
                "offset {offset}: not a BMP common header (version {}, length {}, type {}); next bytes {}",
                header.version,
                header.length,
                header.msg_type,
                hex(&rest[..rest.len().min(16)])
            ));
            break;
        }
        if rest.len() < header.length {
            walk.partial = Some(TrailingPartial {
                offset,
                available: rest.len(),
                header: Some(header),
            });
            break;
        }
        walk.messages.push(header);
        offset += header.length;
    }
    walk
}

/// Peer address from the per-peer header of a complete message (RFC 7854 4.2), the way
/// NetGauze reports it: `None` for messages without a per-peer header and for Loc-RIB peers
/// (RFC 9069: the address is zero there).
pub fn per_peer_address(message: &[u8]) -> Option<String> {
    let msg_type = *message.get(5)?;
    if !matches!(msg_type, 0 | 1 | 2 | 3 | 6) {
        return None;
    }
    let peer = message.get(6..6 + 42)?;
    let (peer_type, flags) = (peer[0], peer[1]);
    if peer_type == 3 {
        return None;
    }
    let addr = &peer[10..26];
    let ip = if flags & 0x80 != 0 {
        IpAddr::V6(Ipv6Addr::from(<[u8; 16]>::try_from(addr).ok()?))
    } else {
        IpAddr::V4(Ipv4Addr::new(addr[12], addr[13], addr[14], addr[15]))
    };
    Some(ip.to_string())
}

/// Lower-case hex of `bytes`, written here so that expectations do not depend on the crate's
/// own (`bmpctl::decode::hex`).
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
