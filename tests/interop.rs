//! Interop suite: real BGP speakers (FRR bgpd with its BMP module, GoBGP) fed by ExaBGP on
//! loopback addresses, their BMP recorded raw and captured to pcap, and bmpctl's views checked
//! against what the suite injected; bmpctl's decoding of the capture checked against tshark's
//! BMP dissector and the raw recordings checked against tshark's TCP reassembly.
//!
//! Needs root (BGP port 179, capture on `lo`) and `bash tests/interop/install.sh`. Without the
//! tools it prints one line naming what is missing and passes; with
//! `BMPCTL_REQUIRE_INTEROP=1` (CI) the same line is a failure. `BMPCTL_RERECORD=1` copies the
//! recordings into `samples/recordings/`. `--nocapture` shows what the speakers sent.
//!
//! What each speaker sends, as observed here, is written up in `docs/interop.md`; the constants
//! below marked "observed" are those behaviours.

use std::collections::BTreeMap;
use std::fs;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use serde_json::Value;

const REQUIRE_ENV: &str = "BMPCTL_REQUIRE_INTEROP";
const RERECORD_ENV: &str = "BMPCTL_RERECORD";

// BMP ports (on the suite's own 127.x.y.z addresses, so they never clash).
const FRR_BMP_PORT: u16 = 11019;
const FRR_LISTEN_PORT: u16 = 11020;
const GOBGP_BMP_PORT: u16 = 11021;
const GOBGP_API_PORT: u16 = 50051;

// ---------------------------------------------------------------------------------------------
// Tools

struct Tools {
    bgpd: PathBuf,
    vtysh: PathBuf,
    gobgpd: PathBuf,
    gobgp: PathBuf,
    exabgp: PathBuf,
    tshark: PathBuf,
    dumpcap: PathBuf,
}

fn which(name: &str, extra: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs: Vec<PathBuf> = std::env::split_paths(&path).collect();
    dirs.extend(extra.iter().map(PathBuf::from));
    dirs.into_iter().map(|d| d.join(name)).find(|p| p.is_file())
}

fn bmp_module_present() -> bool {
    let mut dirs = vec![PathBuf::from("/usr/lib/frr/modules")];
    if let Ok(rd) = fs::read_dir("/usr/lib") {
        for e in rd.flatten() {
            dirs.push(e.path().join("frr/modules"));
        }
    }
    dirs.iter().any(|d| d.join("bgpd_bmp.so").is_file())
}

fn is_root() -> bool {
    fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .map(|l| l.split_whitespace().nth(2) == Some("0"))
        })
        .unwrap_or(false)
}

fn find_tools() -> Result<Tools, Vec<String>> {
    let sbin = ["/usr/sbin", "/sbin", "/usr/lib/frr"];
    let mut missing = Vec::new();
    let mut get = |name: &str, what: &str| {
        let p = which(name, &sbin);
        if p.is_none() {
            missing.push(what.to_string());
        }
        p.unwrap_or_default()
    };
    let tools = Tools {
        bgpd: get("bgpd", "bgpd (frr)"),
        vtysh: get("vtysh", "vtysh (frr)"),
        gobgpd: get("gobgpd", "gobgpd (gobgpd)"),
        gobgp: get("gobgp", "gobgp (gobgpd)"),
        exabgp: get("exabgp", "exabgp (exabgp)"),
        tshark: get("tshark", "tshark (tshark)"),
        dumpcap: get("dumpcap", "dumpcap (tshark)"),
    };
    if !bmp_module_present() {
        missing.push("bgpd_bmp.so (frr)".into());
    }
    if !is_root() {
        missing.push("root (BGP port 179 and capture on lo)".into());
    }
    if missing.is_empty() {
        Ok(tools)
    } else {
        Err(missing)
    }
}

// ---------------------------------------------------------------------------------------------
// Processes: every child in its own process group, killed (group-wide) on drop.

struct Procs {
    children: Vec<(String, Child)>,
}

fn signal_group(pid: u32, sig: &str) {
    let _ = Command::new("kill")
        .args([sig, "--", &format!("-{pid}")])
        .stderr(Stdio::null())
        .status();
}

/// SIGTERM to the child's process group, up to `grace` to exit, then SIGKILL.
fn stop_child(name: &str, c: &mut Child, grace: Duration) {
    if let Ok(Some(_)) = c.try_wait() {
        return;
    }
    signal_group(c.id(), "-TERM");
    let t = Instant::now();
    while t.elapsed() < grace {
        if let Ok(Some(_)) = c.try_wait() {
            // The group may hold helpers (ExaBGP's API process): make sure they go too.
            signal_group(c.id(), "-KILL");
            return;
        }
        thread::sleep(Duration::from_millis(50));
    }
    eprintln!("interop: {name} did not exit on SIGTERM, killing it");
    signal_group(c.id(), "-KILL");
    let _ = c.kill();
    let _ = c.wait();
}

impl Procs {
    fn spawn(&mut self, name: &str, cmd: &mut Command, log: &Path) -> u32 {
        let out = fs::File::create(log).expect("create log");
        let err = out.try_clone().expect("clone log");
        let child = cmd
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("start {name}: {e}"));
        let pid = child.id();
        self.children.push((name.to_string(), child));
        pid
    }

    fn stop(&mut self, name: &str) {
        if let Some(i) = self.children.iter().position(|(n, _)| n == name) {
            let (n, mut c) = self.children.remove(i);
            stop_child(&n, &mut c, Duration::from_secs(5));
        }
    }
}

impl Drop for Procs {
    fn drop(&mut self) {
        while let Some((n, mut c)) = self.children.pop() {
            stop_child(&n, &mut c, Duration::from_secs(3));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The in-test BMP recorder: what `bmpctl listen --write` / `bmpctl connect` will do (issue 6).
// Each TCP connection is written, byte for byte, to its own file.

struct Recorder {
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
    files: Arc<Mutex<Vec<PathBuf>>>,
}

fn pump(mut s: TcpStream, path: PathBuf, stop: Arc<AtomicBool>) {
    let mut f = fs::File::create(&path).expect("create recording");
    s.set_read_timeout(Some(Duration::from_millis(100))).ok();
    let mut buf = [0u8; 65536];
    loop {
        match s.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => f.write_all(&buf[..n]).expect("write recording"),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
            }
            Err(_) => break,
        }
    }
    f.flush().ok();
}

impl Recorder {
    fn new() -> Self {
        Recorder {
            stop: Arc::new(AtomicBool::new(false)),
            threads: Vec::new(),
            files: Arc::new(Mutex::new(Vec::new())),
        }
    }

    /// A station that routers dial: one file `{prefix}-{n}.bmp` per connection.
    // SWITCH(issue 6): `bmpctl listen --write DIR ADDR:PORT` replaces this once it exists.
    fn listen(&mut self, addr: SocketAddr, dir: &Path, prefix: &str) {
        let l = TcpListener::bind(addr).unwrap_or_else(|e| panic!("bind {addr}: {e}"));
        l.set_nonblocking(true).unwrap();
        let (stop, files, dir, prefix) = (
            self.stop.clone(),
            self.files.clone(),
            dir.to_path_buf(),
            prefix.to_string(),
        );
        self.threads.push(thread::spawn(move || {
            let mut n = 0;
            let mut pumps = Vec::new();
            while !stop.load(Ordering::SeqCst) {
                match l.accept() {
                    Ok((s, _)) => {
                        s.set_nonblocking(false).unwrap();
                        n += 1;
                        let p = dir.join(format!("{prefix}-{n}.bmp"));
                        files.lock().unwrap().push(p.clone());
                        let st = stop.clone();
                        pumps.push(thread::spawn(move || pump(s, p, st)));
                    }
                    Err(_) => thread::sleep(Duration::from_millis(20)),
                }
            }
            for p in pumps {
                let _ = p.join();
            }
        }));
    }

    /// A station that dials a router's BMP listener (FRR `bmp listener`), retrying until it
    /// connects; writes `path`.
    // SWITCH(issue 6): `bmpctl connect ADDR:PORT --write FILE` replaces this once it exists.
    fn dial(&mut self, addr: SocketAddr, path: PathBuf) {
        let (stop, files) = (self.stop.clone(), self.files.clone());
        self.threads.push(thread::spawn(move || {
            while !stop.load(Ordering::SeqCst) {
                if let Ok(s) = TcpStream::connect_timeout(&addr, Duration::from_millis(200)) {
                    files.lock().unwrap().push(path.clone());
                    pump(s, path, stop);
                    return;
                }
                thread::sleep(Duration::from_millis(100));
            }
        }));
    }

    fn finish(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        self.finish();
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers

fn wait_for<T>(what: &str, timeout: Duration, mut f: impl FnMut() -> Option<T>) -> T {
    let t = Instant::now();
    loop {
        if let Some(v) = f() {
            return v;
        }
        if t.elapsed() > timeout {
            panic!("interop: timed out after {timeout:?} waiting for {what}");
        }
        thread::sleep(Duration::from_millis(200));
    }
}

fn run_out(cmd: &mut Command) -> String {
    let out = cmd.stderr(Stdio::null()).output().expect("run command");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn bmpctl(args: &[&str], files: &[&Path]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_bmpctl"))
        .args(args)
        .args(files)
        .output()
        .expect("run bmpctl");
    let s = String::from_utf8(out.stdout).expect("UTF-8");
    serde_json::from_str(&s).unwrap_or_else(|e| panic!("bmpctl {args:?}: not JSON ({e}): {s}"))
}

/// `bmpctl decode --json`, messages only (findings dropped).
fn decode(file: &Path) -> Vec<Value> {
    let out = Command::new(env!("CARGO_BIN_EXE_bmpctl"))
        .args(["decode", "--json"])
        .arg(file)
        .output()
        .expect("run bmpctl");
    String::from_utf8(out.stdout)
        .expect("UTF-8")
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("NDJSON"))
        .filter(|v| v["type"] != "finding")
        .collect()
}

fn fill(template: &str, vars: &[(&str, String)]) -> String {
    let mut s = template.to_string();
    for (k, v) in vars {
        s = s.replace(&format!("@{k}@"), v);
    }
    assert!(!s.contains("@DIR@"), "unfilled template");
    s
}

fn type_code(name: &str) -> u64 {
    match name {
        "route_monitoring" => 0,
        "statistics_report" => 1,
        "peer_down" => 2,
        "peer_up" => 3,
        "initiation" => 4,
        "termination" => 5,
        "route_mirroring" => 6,
        other => panic!("unknown message type {other}"),
    }
}

// ---------------------------------------------------------------------------------------------
// The scenario: what ExaBGP announces, withdraws and flaps.

/// (prefix, AS path, communities, add-path ID for GoBGP's IPv4 session, next hop)
struct Route {
    prefix: &'static str,
    as_path: &'static str,
    communities: &'static str,
    path_id: u32,
    next_hop: &'static str,
}

const fn r(
    prefix: &'static str,
    as_path: &'static str,
    communities: &'static str,
    path_id: u32,
    next_hop: &'static str,
) -> Route {
    Route {
        prefix,
        as_path,
        communities,
        path_id,
        next_hop,
    }
}

// Next hops are documentation addresses: neither speaker is given 127.x next hops.
const V4: &[Route] = &[
    r("10.1.1.0/24", "65100 65201", "65100:1", 1, "192.0.2.100"),
    r(
        "10.1.2.0/24",
        "65100 65202 65203",
        "65100:2 65100:3",
        1,
        "192.0.2.100",
    ),
    r("10.1.3.0/24", "65100", "65100:4", 1, "192.0.2.100"),
    r(
        "10.1.4.0/24",
        "65100 65204 65204 65204",
        "65100:5",
        1,
        "192.0.2.100",
    ),
    // FRR's inbound route-map denies this one: pre-policy only.
    r("10.1.5.0/24", "65100 65205", "65100:6", 1, "192.0.2.100"),
];
/// Second paths, to GoBGP only (its IPv4 session has Add-Path).
const V4_ADDPATH: &[Route] = &[
    r(
        "10.1.1.0/24",
        "65100 65299 65201",
        "65100:1",
        2,
        "192.0.2.101",
    ),
    r(
        "10.1.3.0/24",
        "65100 65299",
        "65100:4 65100:7",
        2,
        "192.0.2.101",
    ),
];
const V6: &[Route] = &[
    r(
        "2001:db8:1::/48",
        "65100 65201",
        "65100:11",
        0,
        "2001:db8::100",
    ),
    r(
        "2001:db8:2::/48",
        "65100 65202 65203",
        "65100:12",
        0,
        "2001:db8::100",
    ),
    r(
        "2001:db8:3::/48",
        "65100 65203",
        "65100:13 65100:14",
        0,
        "2001:db8::100",
    ),
];
/// Withdrawn after the initial table: (prefix, path ID on GoBGP's session or 0).
const WITHDRAW_V4: &[(&str, u32)] = &[("10.1.2.0/24", 1)];
const WITHDRAW_V4_ADDPATH: &[(&str, u32)] = &[("10.1.1.0/24", 2)];
const WITHDRAW_V6: &[(&str, u32)] = &[("2001:db8:3::/48", 0)];
/// FRR (observed) sends a Peer Down (reason 2, FSM event 0, BGP ID 0.0.0.0) for its peer
/// before the first Peer Up: the half-open incoming connection it discarded. It is not a flap:
/// the session was seen from its Initiation, so the peer was not up (the timeline shows it
/// for a separate peer with BGP ID 0.0.0.0).
const BMPCTL_COUNTS_FRR_INITIAL_DOWN: u64 = 0;
/// FRR's inbound policy drops this prefix (post-policy views never see it).
const FRR_DENIED: &str = "10.1.5.0/24";

fn announce(neighbor: &str, route: &Route, add_path: bool) -> String {
    let pi = if add_path {
        format!(" path-information 0.0.0.{}", route.path_id)
    } else {
        String::new()
    };
    format!(
        "neighbor {neighbor} announce route {}{pi} next-hop {} as-path [ {} ] community [ {} ]",
        route.prefix, route.next_hop, route.as_path, route.communities
    )
}

fn withdraw(neighbor: &str, prefix: &str, path_id: u32, add_path: bool) -> String {
    let pi = if add_path {
        format!(" path-information 0.0.0.{path_id}")
    } else {
        String::new()
    };
    format!("neighbor {neighbor} withdraw route {prefix}{pi}")
}

/// Expected per-family numbers for one monitored session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Counts {
    v4_initial: u64,
    v6_initial: u64,
    v4_withdrawn: u64,
    v6_withdrawn: u64,
}

impl Counts {
    fn v4_now(&self) -> u64 {
        self.v4_initial - self.v4_withdrawn
    }
    fn v6_now(&self) -> u64 {
        self.v6_initial - self.v6_withdrawn
    }
    /// Announcements over the run: the initial table, then after the flap the table again
    /// (ExaBGP re-sends what it still announces).
    fn announced(&self) -> u64 {
        self.v4_initial + self.v6_initial + self.v4_now() + self.v6_now()
    }
    fn withdrawn(&self) -> u64 {
        self.v4_withdrawn + self.v6_withdrawn
    }
}

// ---------------------------------------------------------------------------------------------
// Speakers' own view, to know when to go on.

fn frr_neighbor(tools: &Tools, vty: &Path, src: &str) -> Value {
    let s = run_out(
        Command::new(&tools.vtysh)
            .arg("--vty_socket")
            .arg(vty)
            .args(["-c", &format!("show bgp neighbors {src} json")]),
    );
    serde_json::from_str::<Value>(&s)
        .map(|v| v[src].clone())
        .unwrap_or(Value::Null)
}

fn gobgp_neighbor(tools: &Tools, api: &str, src: &str) -> Value {
    let s = run_out(Command::new(&tools.gobgp).args([
        "-u",
        api,
        "-p",
        &GOBGP_API_PORT.to_string(),
        "neighbor",
        src,
        "-j",
    ]));
    serde_json::from_str(&s).unwrap_or(Value::Null)
}

fn gobgp_established(n: &Value) -> bool {
    let s = &n["state"]["session_state"];
    s == 6
        || s.as_str()
            .is_some_and(|s| s.eq_ignore_ascii_case("established"))
}

fn gobgp_received(n: &Value) -> u64 {
    n["afi_safis"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| f["state"]["received"].as_u64().unwrap_or(0))
                .sum()
        })
        .unwrap_or(0)
}

fn frr_established(n: &Value) -> bool {
    n["bgpState"] == "Established"
}

fn frr_received(n: &Value) -> u64 {
    // Pre-policy (soft-reconfiguration keeps them) per family.
    let fams = &n["addressFamilyInfo"];
    ["ipv4Unicast", "ipv6Unicast"]
        .iter()
        .map(|f| fams[f]["acceptedPrefixCounter"].as_u64().unwrap_or(0))
        .sum()
}

// ---------------------------------------------------------------------------------------------

struct Net {
    frr: String,
    gobgp: String,
    src: String,
    rec: String,
}

fn net() -> Net {
    // A /24 of 127/8 of our own, from the process id: parallel runs do not collide.
    let pid = std::process::id();
    let base = format!("127.{}.{}", 100 + pid % 100, (pid / 100) % 250 + 1);
    Net {
        frr: format!("{base}.1"),
        gobgp: format!("{base}.2"),
        src: format!("{base}.10"),
        rec: format!("{base}.100"),
    }
}

fn skip_or_fail(missing: &[String]) {
    let line = format!(
        "interop: SKIPPED, missing: {} (install with `bash tests/interop/install.sh`, as root)",
        missing.join(", ")
    );
    if std::env::var(REQUIRE_ENV).is_ok_and(|v| v == "1") {
        panic!("{line}; {REQUIRE_ENV}=1 makes this a failure");
    }
    // Straight to the process's stderr: the test harness would swallow eprintln! here.
    let _ = writeln!(std::io::stderr(), "{line}");
}

#[test]
fn frr_and_gobgp_fed_by_exabgp() {
    let tools = match find_tools() {
        Ok(t) => t,
        Err(missing) => return skip_or_fail(&missing),
    };
    let started = Instant::now();
    let n = net();
    let dir = std::env::temp_dir().join(format!("bmpctl-interop-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    let vty = dir.join("vty");
    fs::create_dir_all(&vty).unwrap();
    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop");
    let vars = [
        ("DIR", dir.display().to_string()),
        ("FRR", n.frr.clone()),
        ("GOBGP", n.gobgp.clone()),
        ("SRC", n.src.clone()),
        ("REC", n.rec.clone()),
        ("FRR_BMP_PORT", FRR_BMP_PORT.to_string()),
        ("FRR_LISTEN_PORT", FRR_LISTEN_PORT.to_string()),
        ("GOBGP_BMP_PORT", GOBGP_BMP_PORT.to_string()),
    ];
    for (t, out) in [
        ("frr-bgpd.conf", "bgpd.conf"),
        ("gobgpd.toml", "gobgpd.toml"),
        ("exabgp.conf", "exabgp.conf"),
    ] {
        let text = fs::read_to_string(here.join(t)).unwrap();
        fs::write(dir.join(out), fill(&text, &vars)).unwrap();
    }
    let cmds = dir.join("exabgp.cmd");
    fs::write(&cmds, "").unwrap();
    let exa = |line: &str| {
        let mut f = fs::OpenOptions::new().append(true).open(&cmds).unwrap();
        writeln!(f, "{line}").unwrap();
    };

    let mut procs = Procs {
        children: Vec::new(),
    };
    let mut rec = Recorder::new();

    // 1. Captures: one per speaker, so each ships as its own sample.
    let frr_pcap = dir.join("frr.pcap");
    let gobgp_pcap = dir.join("gobgp.pcap");
    for (name, pcap, filter) in [
        (
            "dumpcap-frr",
            &frr_pcap,
            format!(
                "tcp and net {}/24 and (port {FRR_BMP_PORT} or port {FRR_LISTEN_PORT})",
                n.rec.rsplit_once('.').unwrap().0.to_string() + ".0"
            ),
        ),
        (
            "dumpcap-gobgp",
            &gobgp_pcap,
            format!(
                "tcp and net {}.0/24 and port {GOBGP_BMP_PORT}",
                n.rec.rsplit_once('.').unwrap().0
            ),
        ),
    ] {
        let log = dir.join(format!("{name}.log"));
        procs.spawn(
            name,
            Command::new(&tools.dumpcap)
                .args(["-i", "lo", "-P", "-f", &filter, "-w"])
                .arg(pcap),
            &log,
        );
        wait_for(
            &format!("{name} to capture"),
            Duration::from_secs(15),
            || {
                fs::read_to_string(&log)
                    .ok()
                    .filter(|s| s.contains("Capturing on"))
                    .map(|_| ())
            },
        );
    }

    // 2. Stations.
    rec.listen(
        format!("{}:{FRR_BMP_PORT}", n.rec).parse().unwrap(),
        &dir,
        "frr",
    );
    rec.listen(
        format!("{}:{GOBGP_BMP_PORT}", n.rec).parse().unwrap(),
        &dir,
        "gobgp",
    );

    // 3. Speakers.
    procs.spawn(
        "bgpd",
        Command::new(&tools.bgpd)
            .args(["-f"])
            .arg(dir.join("bgpd.conf"))
            .args(["-M", "bmp", "-Z", "-n", "-S", "-P", "0", "-l", &n.frr, "-i"])
            .arg(dir.join("bgpd.pid"))
            .arg("--vty_socket")
            .arg(&vty),
        &dir.join("bgpd.out"),
    );
    let api = n.gobgp.clone();
    procs.spawn(
        "gobgpd",
        Command::new(&tools.gobgpd)
            .arg("-f")
            .arg(dir.join("gobgpd.toml"))
            .args(["-p", "--pprof-disable", "--api-hosts"])
            .arg(format!("{api}:{GOBGP_API_PORT}")),
        &dir.join("gobgpd.log"),
    );
    rec.dial(
        format!("{}:{FRR_LISTEN_PORT}", n.frr).parse().unwrap(),
        dir.join("frr-listener.bmp"),
    );
    // Both speakers up and their BMP sessions open before the source connects.
    wait_for(
        "FRR's and GoBGP's BMP sessions",
        Duration::from_secs(20),
        || {
            let files = rec.files.lock().unwrap().clone();
            let has = |p: &str| {
                files
                    .iter()
                    .any(|f| f.file_name().unwrap().to_string_lossy().starts_with(p))
            };
            (has("frr-1") && has("gobgp-1") && has("frr-listener")).then_some(())
        },
    );
    procs.spawn(
        "exabgp",
        Command::new(&tools.exabgp)
            .arg(dir.join("exabgp.conf"))
            .env("exabgp.daemon.user", "root")
            .env("exabgp.daemon.drop", "false")
            .env("exabgp.api.cli", "false")
            .env("exabgp.log.destination", dir.join("exabgp.log")),
        &dir.join("exabgp.out"),
    );
    let frr_n = || frr_neighbor(&tools, &vty, &n.src);
    let gobgp_n = || gobgp_neighbor(&tools, &api, &n.src);
    wait_for("sessions established", Duration::from_secs(30), || {
        (frr_established(&frr_n()) && gobgp_established(&gobgp_n())).then_some(())
    });

    // 4. The initial table.
    for r in V4.iter().chain(V6) {
        exa(&announce(&n.frr, r, false));
    }
    for r in V4.iter().chain(V4_ADDPATH) {
        exa(&announce(&n.gobgp, r, true));
    }
    for r in V6 {
        exa(&announce(&n.gobgp, r, false));
    }
    let frr_total = (V4.len() + V6.len()) as u64;
    let gobgp_total = (V4.len() + V4_ADDPATH.len() + V6.len()) as u64;
    wait_for("initial tables", Duration::from_secs(20), || {
        // FRR counts what its policy accepted.
        (frr_received(&frr_n()) == frr_total - 1 && gobgp_received(&gobgp_n()) == gobgp_total)
            .then_some(())
    });
    thread::sleep(Duration::from_secs(1));

    // 5. Withdrawals.
    for (p, id) in WITHDRAW_V4.iter().chain(WITHDRAW_V6) {
        exa(&withdraw(&n.frr, p, *id, false));
    }
    for (p, id) in WITHDRAW_V4.iter().chain(WITHDRAW_V4_ADDPATH) {
        exa(&withdraw(&n.gobgp, p, *id, true));
    }
    for (p, id) in WITHDRAW_V6 {
        exa(&withdraw(&n.gobgp, p, *id, false));
    }
    let frr_w = (WITHDRAW_V4.len() + WITHDRAW_V6.len()) as u64;
    let gobgp_w = (WITHDRAW_V4.len() + WITHDRAW_V4_ADDPATH.len() + WITHDRAW_V6.len()) as u64;
    let tables_after_withdraw = || {
        frr_received(&frr_n()) == frr_total - 1 - frr_w
            && gobgp_received(&gobgp_n()) == gobgp_total - gobgp_w
    };
    wait_for("withdrawals", Duration::from_secs(20), || {
        tables_after_withdraw().then_some(())
    });
    thread::sleep(Duration::from_secs(1));
    // Snapshot A: the recordings up to here (initial tables and withdrawals, before any flap).
    let frr_a = snapshot(&dir.join("frr-1.bmp"), &dir.join("frr-a.bmp"));
    let gobgp_a = snapshot(&dir.join("gobgp-1.bmp"), &dir.join("gobgp-a.bmp"));

    // 6. One flap each: FRR resets the session itself (`clear bgp`), ExaBGP tears GoBGP's down
    //    with a Cease NOTIFICATION (GoBGP's own `neighbor reset` keeps it idle for ~40 s).
    run_out(
        Command::new(&tools.vtysh)
            .arg("--vty_socket")
            .arg(&vty)
            .args(["-c", &format!("clear bgp {}", n.src)]),
    );
    exa(&format!("neighbor {} teardown 2", n.gobgp));
    wait_for("sessions re-established", Duration::from_secs(40), || {
        let f = frr_n();
        let g = gobgp_n();
        (frr_established(&f)
            && f["connectionsEstablished"].as_u64() == Some(2)
            && gobgp_established(&g)
            && g["state"]["flops"].as_u64().unwrap_or(1) >= 1
            && tables_after_withdraw())
        .then_some(())
    });

    // 7. A GoBGP statistics report after the flap (GoBGP's shortest interval is 15 s).
    let gobgp_raw = dir.join("gobgp-1.bmp");
    let flap_done = Instant::now();
    wait_for(
        "a GoBGP statistics report after the flap",
        Duration::from_secs(20),
        || {
            let msgs = decode(&gobgp_raw);
            let ups = msgs.iter().filter(|m| m["type"] == "peer_up").count();
            let stats_after_second_up = msgs
                .iter()
                .skip_while(|m| m["type"] != "peer_up")
                .skip(1)
                .skip_while(|m| m["type"] != "peer_up")
                .any(|m| m["type"] == "statistics_report");
            (ups >= 2 && stats_after_second_up && flap_done.elapsed() > Duration::from_secs(1))
                .then_some(())
        },
    );

    // 8. Ends: GoBGP's BMP session deleted (it sends Termination), FRR's station closes,
    //    everything stops.
    let del = Command::new(&tools.gobgp)
        .args(["-u", &api, "-p", &GOBGP_API_PORT.to_string(), "bmp", "del"])
        .arg(format!("{}:{GOBGP_BMP_PORT}", n.rec))
        .output()
        .expect("gobgp bmp del");
    assert!(
        del.status.success(),
        "gobgp bmp del: {}",
        String::from_utf8_lossy(&del.stderr)
    );
    thread::sleep(Duration::from_millis(1500));
    // FRR first, while its peer is still up: its recording then ends with the tables in place.
    procs.stop("bgpd");
    procs.stop("gobgpd");
    procs.stop("exabgp");
    thread::sleep(Duration::from_millis(500));
    rec.finish();
    thread::sleep(Duration::from_millis(500));
    procs.stop("dumpcap-frr");
    procs.stop("dumpcap-gobgp");
    eprintln!("interop: speakers ran {:?}", started.elapsed());

    let frr_raw = dir.join("frr-1.bmp");
    let listener_raw = dir.join("frr-listener.bmp");
    for f in [&frr_raw, &listener_raw, &gobgp_raw, &frr_pcap, &gobgp_pcap] {
        assert!(f.is_file(), "missing recording {}", f.display());
    }
    assert!(
        !dir.join("frr-2.bmp").exists() && !dir.join("gobgp-2.bmp").exists(),
        "a speaker reconnected its BMP session"
    );

    if std::env::var(RERECORD_ENV).is_ok_and(|v| v == "1") {
        let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/recordings");
        fs::create_dir_all(&out).unwrap();
        for (from, to) in [
            (&frr_raw, "frr.bmp"),
            (&frr_pcap, "frr.pcap"),
            (&gobgp_raw, "gobgp.bmp"),
            (&gobgp_pcap, "gobgp.pcap"),
        ] {
            fs::copy(from, out.join(to)).unwrap();
            // dumpcap writes 0600 files; the samples are for everyone.
            let mut perm = fs::metadata(out.join(to)).unwrap().permissions();
            std::os::unix::fs::PermissionsExt::set_mode(&mut perm, 0o644);
            fs::set_permissions(out.join(to), perm).unwrap();
        }
        eprintln!("interop: recordings copied to {}", out.display());
    }

    // ---- Assertions ----
    let frr = Counts {
        v4_initial: V4.len() as u64,
        v6_initial: V6.len() as u64,
        v4_withdrawn: WITHDRAW_V4.len() as u64,
        v6_withdrawn: WITHDRAW_V6.len() as u64,
    };
    let frr_post = Counts {
        v4_initial: frr.v4_initial - 1,
        ..frr
    };
    let gobgp = Counts {
        v4_initial: (V4.len() + V4_ADDPATH.len()) as u64,
        v6_initial: V6.len() as u64,
        v4_withdrawn: (WITHDRAW_V4.len() + WITHDRAW_V4_ADDPATH.len()) as u64,
        v6_withdrawn: WITHDRAW_V6.len() as u64,
    };
    check_before_flap(&frr_a, &gobgp_a, frr, frr_post, gobgp);
    check_views(&frr_raw, &gobgp_raw, &listener_raw, frr, frr_post, gobgp);
    check_capture_against_raw(&tools, &frr_pcap, &[&frr_raw, &listener_raw]);
    check_capture_against_raw(&tools, &gobgp_pcap, &[&gobgp_raw]);
    check_tshark_dissector(&tools, &frr_pcap);
    check_tshark_dissector(&tools, &gobgp_pcap);

    if std::env::var("BMPCTL_INTEROP_KEEP").is_ok_and(|v| v == "1") {
        eprintln!("interop: kept {}", dir.display());
    } else {
        let _ = fs::remove_dir_all(&dir);
    }
    eprintln!("interop: done in {:?}", started.elapsed());
}

// ---------------------------------------------------------------------------------------------
// Views

/// Copies `from` up to its last complete BMP message (framing read here, not by bmpctl).
fn snapshot(from: &Path, to: &Path) -> PathBuf {
    let bytes = fs::read(from).unwrap();
    let mut end = 0;
    while end + 6 <= bytes.len() {
        let len = u32::from_be_bytes(bytes[end + 1..end + 5].try_into().unwrap()) as usize;
        assert!(
            bytes[end] == 3 && len >= 6,
            "{}: not BMPv3 at {end}",
            from.display()
        );
        if end + len > bytes.len() {
            break;
        }
        end += len;
    }
    fs::write(to, &bytes[..end]).unwrap();
    to.to_path_buf()
}

fn rows<'a>(peers: &'a Value, router: &str, rib: &str) -> Vec<&'a Value> {
    peers["peers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["router"] == router && p["rib"] == rib)
        .collect()
}

fn one<'a>(peers: &'a Value, router: &str, rib: &str) -> &'a Value {
    let r = rows(peers, router, rib);
    assert_eq!(r.len(), 1, "{router} {rib}: rows {r:#?}");
    r[0]
}

fn fam(row: &Value, f: &str) -> u64 {
    row["routes_by_family"][f]["routes"].as_u64().unwrap_or(0)
}

/// The numbers of one peers row: (announced, withdrawn, IPv4 routes, IPv6 routes).
fn nums(row: &Value) -> (u64, u64, u64, u64) {
    (
        row["announced"].as_u64().unwrap(),
        row["withdrawn"].as_u64().unwrap(),
        fam(row, "ipv4_unicast"),
        fam(row, "ipv6_unicast"),
    )
}

/// Churn rows: (initial + steady announced, initial + steady withdrawn).
fn churn_totals(churn: &Value, router: &str, rib: &str) -> (u64, u64) {
    let rows: Vec<&Value> = churn["peers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["router"] == router && p["rib"] == rib)
        .collect();
    assert_eq!(rows.len(), 1, "churn {router} {rib}: {rows:#?}");
    let sum =
        |k: &str| rows[0]["initial"][k].as_u64().unwrap() + rows[0]["steady"][k].as_u64().unwrap();
    (sum("announced"), sum("withdrawn"))
}

/// Before any flap every number is exact and the speakers' ordering is deterministic.
fn check_before_flap(frr_a: &Path, gobgp_a: &Path, frr: Counts, frr_post: Counts, gobgp: Counts) {
    let peers = bmpctl(&["peers", "--json"], &[frr_a, gobgp_a]);
    let churn = bmpctl(&["churn", "--json"], &[frr_a, gobgp_a]);
    eprintln!("interop: peers before the flap {peers:#}");
    eprintln!("interop: churn before the flap {churn:#}");

    // FRR (observed): the route its inbound policy denies (10.1.5.0/24) is in NEITHER view:
    // FRR 8.4 sends a withdrawal for it in pre-policy too, although soft-reconfiguration
    // keeps it. So pre-policy = post-policy here, each with one extra withdrawal.
    for m in decode(frr_a) {
        if m["type"] == "route_monitoring" {
            let has = |k: &str| {
                m[k].as_array()
                    .unwrap()
                    .iter()
                    .any(|r| r["prefix"] == FRR_DENIED)
            };
            assert!(
                !has("announced"),
                "FRR announced the denied {FRR_DENIED}: {m:#}"
            );
        }
    }
    for rib in ["adj_rib_in_pre", "adj_rib_in_post"] {
        let row = one(&peers, "frr-interop", rib);
        let want = (
            frr_post.v4_initial + frr_post.v6_initial,
            frr.withdrawn() + 1,
            frr_post.v4_now(),
            frr_post.v6_now(),
        );
        assert_eq!(nums(row), want, "FRR {rib} before the flap: {row:#}");
        assert_eq!(row["state"], "up", "FRR {rib}");
        assert_eq!(row["flaps"], BMPCTL_COUNTS_FRR_INITIAL_DOWN, "FRR {rib}");
        assert_eq!(
            churn_totals(&churn, "frr-interop", rib),
            (want.0, want.1),
            "FRR {rib} churn"
        );
    }

    // GoBGP pre-policy: exactly what ExaBGP sent, Add-Path IDs included.
    let pre = one(&peers, "GoBGP", "adj_rib_in_pre");
    let want = (
        gobgp.v4_initial + gobgp.v6_initial,
        gobgp.withdrawn(),
        gobgp.v4_now(),
        gobgp.v6_now(),
    );
    assert_eq!(nums(pre), want, "GoBGP pre-policy before the flap: {pre:#}");
    assert_eq!(
        pre["routes_by_family"]["ipv4_unicast"]["with_path_id"].as_u64(),
        Some(gobgp.v4_now()),
        "GoBGP pre-policy IPv4 routes carry path IDs"
    );
    assert_eq!(
        churn_totals(&churn, "GoBGP", "adj_rib_in_pre"),
        (want.0, want.1)
    );
    // GoBGP post-policy (observed): the same messages WITHOUT path IDs although Add-Path was
    // negotiated (bmpctl falls back, `fallback:no_add_path`); the second path of a prefix
    // reads as a replacement, and withdrawing path 2 of 10.1.1.0/24 withdraws the prefix.
    let post = one(&peers, "GoBGP", "adj_rib_in_post");
    let distinct_v4 = V4.len() as u64 - WITHDRAW_V4.len() as u64;
    assert_eq!(
        nums(post),
        (
            gobgp.v4_initial + gobgp.v6_initial,
            gobgp.withdrawn(),
            distinct_v4 - WITHDRAW_V4_ADDPATH.len() as u64,
            gobgp.v6_now()
        ),
        "GoBGP post-policy before the flap: {post:#}"
    );
    assert!(
        post["decoded"]["fallback:no_add_path"]
            .as_u64()
            .unwrap_or(0)
            > 0,
        "{post:#}"
    );
    // GoBGP Loc-RIB: best path per prefix.
    let loc = one(&peers, "GoBGP", "loc_rib");
    assert_eq!(
        (fam(loc, "ipv4_unicast"), fam(loc, "ipv6_unicast")),
        (distinct_v4, gobgp.v6_now()),
        "GoBGP Loc-RIB before the flap: {loc:#}"
    );
}

fn check_views(
    frr_raw: &Path,
    gobgp_raw: &Path,
    listener_raw: &Path,
    frr: Counts,
    frr_post: Counts,
    gobgp: Counts,
) {
    let peers = bmpctl(&["peers", "--json"], &[frr_raw, gobgp_raw]);
    let timeline = bmpctl(&["timeline", "--json"], &[frr_raw, gobgp_raw]);
    let churn = bmpctl(&["churn", "--json"], &[frr_raw, gobgp_raw]);
    let listener_peers = bmpctl(&["peers", "--json"], &[listener_raw]);
    eprintln!("interop: peers {peers:#}");
    eprintln!("interop: timeline {timeline:#}");
    eprintln!("interop: churn {churn:#}");
    eprintln!("interop: listener peers {listener_peers:#}");

    // Current routes after withdrawals and a flap (ExaBGP re-sent its table).
    for rib in ["adj_rib_in_pre", "adj_rib_in_post"] {
        let row = one(&peers, "frr-interop", rib);
        assert_eq!(
            (fam(row, "ipv4_unicast"), fam(row, "ipv6_unicast")),
            (frr_post.v4_now(), frr_post.v6_now()),
            "FRR {rib} at the end: {row:#}"
        );
        // One `clear bgp`; FRR reports it as reason 2 (local close, FSM event follows) with
        // FSM event 0: no detail.
        assert_eq!(
            row["flaps"],
            1 + BMPCTL_COUNTS_FRR_INITIAL_DOWN,
            "FRR {rib} flaps: {row:#}"
        );
        assert_eq!(row["last_down_reason"]["code"], 2, "FRR {rib}: {row:#}");
    }
    let pre = one(&peers, "GoBGP", "adj_rib_in_pre");
    assert_eq!(
        nums(pre),
        (
            gobgp.announced(),
            gobgp.withdrawn(),
            gobgp.v4_now(),
            gobgp.v6_now()
        ),
        "GoBGP pre-policy at the end: {pre:#}"
    );
    assert_eq!(pre["flaps"], 1, "GoBGP flaps: {pre:#}");
    // ExaBGP's `teardown 2`: GoBGP reports reason 3 with the Cease NOTIFICATION it received.
    let down = &pre["last_down_reason"];
    assert_eq!(
        (
            &down["code"],
            &down["notification"]["code"],
            &down["notification"]["subcode"]
        ),
        (&3.into(), &6.into(), &2.into()),
        "{down:#}"
    );
    // GoBGP's statistics after the re-sent table: Adj-RIB-In gauge (type 7) counts paths.
    let stat = |t: u64| {
        pre["stats"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["type"] == t)
            .cloned()
    };
    assert_eq!(
        stat(7).map(|s| s["value"].clone()),
        Some((gobgp.v4_now() + gobgp.v6_now()).into()),
        "{pre:#}"
    );
    assert!(pre["gauge_mismatch"].is_null(), "{pre:#}");
    let loc = one(&peers, "GoBGP", "loc_rib");
    let distinct_v4 = V4.len() as u64 - WITHDRAW_V4.len() as u64;
    assert_eq!(
        (fam(loc, "ipv4_unicast"), fam(loc, "ipv6_unicast")),
        (distinct_v4, gobgp.v6_now()),
        "GoBGP Loc-RIB at the end: {loc:#}"
    );

    // Timeline: one Peer Down per flap, with the speakers' reasons.
    let downs: Vec<(String, u64)> = timeline["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event"] == "peer_down")
        .map(|e| {
            (
                e["router"].as_str().unwrap().to_string(),
                e["reason"]["code"].as_u64().unwrap(),
            )
        })
        .collect();
    eprintln!("interop: peer downs {downs:?}");
    // Termination only from GoBGP (`gobgp bmp del`); FRR never sends one.
    let terms: Vec<&str> = timeline["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event"] == "termination")
        .map(|e| e["router"].as_str().unwrap())
        .collect();
    assert_eq!(terms, ["GoBGP"], "Termination messages");
    // Churn agrees with the peers view on GoBGP's deterministic pre-policy stream.
    assert_eq!(
        churn_totals(&churn, "GoBGP", "adj_rib_in_pre"),
        (gobgp.announced(), gobgp.withdrawn())
    );

    // FRR's `bmp listener` target (the station dialled in): post-policy routes as above, and
    // every UPDATE ExaBGP sent mirrored (Route Mirroring), the denied route included.
    let post = one(&listener_peers, "frr-interop", "adj_rib_in_post");
    assert_eq!(
        (fam(post, "ipv4_unicast"), fam(post, "ipv6_unicast")),
        (frr_post.v4_now(), frr_post.v6_now()),
        "FRR listener post-policy: {post:#}"
    );
    assert!(
        rows(&listener_peers, "frr-interop", "adj_rib_in_pre")
            .iter()
            .all(|r| r["announced"] == 0),
        "the listener target monitors post-policy only"
    );
    let (mut ann, mut wd) = (0, 0);
    for m in decode(listener_raw)
        .iter()
        .filter(|m| m["type"] == "route_mirroring")
    {
        for tlv in m["tlvs"].as_array().unwrap() {
            ann += tlv["bgp"]["announced"].as_array().map_or(0, Vec::len) as u64;
            wd += tlv["bgp"]["withdrawn"].as_array().map_or(0, Vec::len) as u64;
        }
    }
    assert_eq!(
        (ann, wd),
        (frr.announced(), frr.withdrawn()),
        "FRR mirrored UPDATEs"
    );
}

// ---------------------------------------------------------------------------------------------
// Capture vs raw recording

/// The BMP byte stream of every TCP connection in `pcap`, reassembled by tshark.
fn tshark_streams(tools: &Tools, pcap: &Path) -> Vec<Vec<u8>> {
    let ids = run_out(Command::new(&tools.tshark).arg("-r").arg(pcap).args([
        "-T",
        "fields",
        "-e",
        "tcp.stream",
    ]));
    let mut ids: Vec<u32> = ids.lines().filter_map(|l| l.trim().parse().ok()).collect();
    ids.sort();
    ids.dedup();
    ids.iter()
        .map(|id| {
            let out = run_out(Command::new(&tools.tshark).arg("-r").arg(pcap).args([
                "-q",
                "-z",
                &format!("follow,tcp,raw,{id}"),
            ]));
            let mut bytes = Vec::new();
            for line in out.lines() {
                let l = line.trim();
                if l.is_empty() || !l.bytes().all(|b| b.is_ascii_hexdigit()) {
                    continue;
                }
                for i in (0..l.len()).step_by(2) {
                    bytes.push(u8::from_str_radix(&l[i..i + 2], 16).unwrap());
                }
            }
            bytes
        })
        .collect()
}

fn check_capture_against_raw(tools: &Tools, pcap: &Path, raws: &[&Path]) {
    // Byte for byte: each raw recording is one TCP connection of the capture.
    let streams = tshark_streams(tools, pcap);
    for raw in raws {
        let bytes = fs::read(raw).unwrap();
        assert!(
            streams.contains(&bytes),
            "{}: no TCP connection in {} carries the same {} bytes (tshark reassembled {:?} bytes)",
            raw.display(),
            pcap.display(),
            bytes.len(),
            streams.iter().map(Vec::len).collect::<Vec<_>>()
        );
    }
    // And bmpctl decodes the capture into the same messages as the raw recordings.
    let strip = |mut v: Value| {
        let o = v.as_object_mut().unwrap();
        o.remove("stream");
        o.remove("observed_time");
        o.remove("router");
        v
    };
    let mut by_stream: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for m in decode(pcap) {
        by_stream
            .entry(m["stream"].as_str().unwrap().to_string())
            .or_default()
            .push(strip(m));
    }
    assert_eq!(
        by_stream.len(),
        raws.len(),
        "BMP streams in {}",
        pcap.display()
    );
    for raw in raws {
        let msgs: Vec<Value> = decode(raw).into_iter().map(strip).collect();
        assert!(!msgs.is_empty());
        assert!(
            by_stream.values().any(|s| *s == msgs),
            "{}: bmpctl decodes the capture {} differently",
            raw.display(),
            pcap.display()
        );
    }
}

// ---------------------------------------------------------------------------------------------
// tshark's BMP dissector vs bmpctl

/// Counts the occurrences of `keys` anywhere in a tshark JSON tree (`--no-duplicate-keys`
/// turns repeated fields into arrays).
fn count_keys(v: &Value, keys: &[&str]) -> u64 {
    match v {
        Value::Object(o) => o
            .iter()
            .map(|(k, v)| {
                if keys.contains(&k.as_str()) {
                    v.as_array().map_or(1, |a| a.len() as u64)
                } else {
                    count_keys(v, keys)
                }
            })
            .sum(),
        Value::Array(a) => a.iter().map(|v| count_keys(v, keys)).sum(),
        _ => 0,
    }
}

const ANNOUNCED_KEYS: &[&str] = &["bgp.nlri_prefix", "bgp.mp_reach_nlri_ipv6_prefix"];
const WITHDRAWN_KEYS: &[&str] = &["bgp.withdrawn_prefix", "bgp.mp_unreach_nlri_ipv6_prefix"];

/// One BMP message as (type, announced prefixes, withdrawn prefixes, prefixes with a
/// path ID); Route Mirroring counts
/// the prefixes of the mirrored UPDATE.
/// (type, announced, withdrawn, prefixes with an Add-Path ID)
type Msg = (u64, u64, u64, u64);

/// tshark's BMP dissector, per TCP connection (keyed by "srcport->dstport").
fn tshark_messages(tools: &Tools, pcap: &Path) -> BTreeMap<String, Vec<Msg>> {
    let mut cmd = Command::new(&tools.tshark);
    cmd.arg("-r").arg(pcap);
    for port in [FRR_BMP_PORT, FRR_LISTEN_PORT, GOBGP_BMP_PORT] {
        cmd.args(["-d", &format!("tcp.port=={port},bmp")]);
    }
    cmd.args(["-Y", "bmp", "-T", "json", "--no-duplicate-keys"]);
    let out = run_out(&mut cmd);
    let frames: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("tshark JSON: {e}"));
    let mut by_conn: BTreeMap<String, Vec<Msg>> = BTreeMap::new();
    for f in frames.as_array().unwrap() {
        let l = &f["_source"]["layers"];
        let conn = format!(
            "{}->{}",
            l["tcp"]["tcp.srcport"].as_str().unwrap(),
            l["tcp"]["tcp.dstport"].as_str().unwrap()
        );
        let msgs: Vec<&Value> = match &l["bmp"] {
            Value::Array(a) => a.iter().collect(),
            v => vec![v],
        };
        for m in msgs {
            let t = m["bmp.type"].as_str().unwrap().parse().unwrap();
            by_conn.entry(conn.clone()).or_default().push((
                t,
                count_keys(m, ANNOUNCED_KEYS),
                count_keys(m, WITHDRAWN_KEYS),
                // tshark finds Add-Path IDs by heuristics (it cannot see the OPENs' capabilities
                // per BMP peer); on these recordings it finds exactly the ones GoBGP sent.
                count_keys(m, &["bgp.nlri_path_id"]),
            ));
        }
    }
    by_conn
}

/// bmpctl's decoding of the same capture, per TCP connection.
fn bmpctl_messages(pcap: &Path) -> BTreeMap<String, Vec<Msg>> {
    let mut by_conn: BTreeMap<String, Vec<Msg>> = BTreeMap::new();
    for m in decode(pcap) {
        // "FILE A:P->B:Q": keep "P->Q".
        let stream = m["stream"].as_str().unwrap();
        let flow = stream.rsplit(' ').next().unwrap();
        let (a, b) = flow.split_once("->").unwrap();
        let port = |s: &str| s.rsplit_once(':').unwrap().1.to_string();
        let conn = format!("{}->{}", port(a), port(b));
        let t = type_code(m["type"].as_str().unwrap());
        let len = |v: &Value| v.as_array().map_or(0, |a| a.len() as u64);
        let ids = |v: &Value| {
            v.as_array().map_or(0, |a| {
                a.iter().filter(|r| r.get("path_id").is_some()).count() as u64
            })
        };
        let msg = if t == 6 {
            m["tlvs"]
                .as_array()
                .unwrap()
                .iter()
                .fold((6, 0, 0, 0), |(t, x, y, z), tlv| {
                    let b = &tlv["bgp"];
                    (
                        t,
                        x + len(&b["announced"]),
                        y + len(&b["withdrawn"]),
                        z + ids(&b["announced"]) + ids(&b["withdrawn"]),
                    )
                })
        } else {
            (
                t,
                len(&m["announced"]),
                len(&m["withdrawn"]),
                ids(&m["announced"]) + ids(&m["withdrawn"]),
            )
        };
        by_conn.entry(conn).or_default().push(msg);
    }
    by_conn
}

fn check_tshark_dissector(tools: &Tools, pcap: &Path) {
    let tshark = tshark_messages(tools, pcap);
    let ours = bmpctl_messages(pcap);
    assert_eq!(
        tshark.keys().collect::<Vec<_>>(),
        ours.keys().collect::<Vec<_>>(),
        "{}: BMP connections",
        pcap.display()
    );
    for (conn, theirs) in &tshark {
        let mine = &ours[conn];
        let hist = |v: &[Msg]| {
            let mut h = BTreeMap::new();
            for m in v {
                *h.entry(m.0).or_insert(0u64) += 1;
            }
            h
        };
        eprintln!("interop: {} {conn}: types {:?}", pcap.display(), hist(mine));
        assert_eq!(
            hist(theirs),
            hist(mine),
            "{} {conn}: messages per type, tshark vs bmpctl",
            pcap.display()
        );
        let diffs: Vec<(usize, &Msg, &Msg)> = theirs
            .iter()
            .zip(mine)
            .enumerate()
            .filter(|(_, (a, b))| a != b)
            .map(|(i, (a, b))| (i, a, b))
            .collect();
        assert!(
            diffs.is_empty() && theirs.len() == mine.len(),
            "{} {conn}: (type, announced, withdrawn, path IDs) differ, (index, tshark, bmpctl): {diffs:?}",
            pcap.display()
        );
        let total = |v: &[Msg]| v.iter().map(|m| m.1 + m.2).sum::<u64>();
        assert!(
            total(mine) > 0,
            "{} {conn}: no prefixes at all",
            pcap.display()
        );
    }
}
