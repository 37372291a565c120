//! Interop suite: real BGP speakers (FRR bgpd with its BMP module, GoBGP) fed by ExaBGP on
//! loopback addresses, their BMP received by the real station (`bmpctl listen` for the
//! speakers' BMP targets, `bmpctl connect` for FRR's `bmp listener`), recorded with `--write`
//! and captured to pcap; bmpctl's views of the recordings checked against what the suite
//! injected, the stations' live views (`--view peers|timeline --json`, printed when they end on
//! SIGINT/SIGTERM) against the views of their `--write` files, bmpctl's decoding of the capture
//! against tshark's BMP dissector, and the recordings against tshark's TCP reassembly.
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
use std::io::Write;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::{DecodeJson, bmpctl_command};

const REQUIRE_ENV: &str = "BMPCTL_REQUIRE_INTEROP";
const RERECORD_ENV: &str = "BMPCTL_RERECORD";

// BMP ports (on the suite's own 127.x.y.z addresses, so they never clash).
const FRR_BMP_PORT: u16 = 11019;
const FRR_LISTEN_PORT: u16 = 11020;
const GOBGP_BMP_PORT: u16 = 11021;
/// GoBGP's second BMP server: the same stream to a station showing the live timeline (not
/// captured).
const GOBGP_TIMELINE_PORT: u16 = 11022;
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
// The stations: the real `bmpctl listen` / `bmpctl connect`, each recording with `--write DIR`
// and showing one live view (`--view VIEW --json`: one JSON document printed at the end).

struct Station {
    name: String,
    child: Option<Child>,
    /// `--write DIR`: one `ADDR_PORT_TIME.bmp` per BMP session.
    dir: PathBuf,
    out: PathBuf,
    err: PathBuf,
}

/// What a station left when it ended.
struct StationEnd {
    status: std::process::ExitStatus,
    /// The view's final JSON document (stdout).
    view: Value,
    stderr: String,
}

impl Station {
    /// `bmpctl listen ADDR:PORT` (`connect` false) or `bmpctl connect ADDR:PORT` (true).
    fn start(name: &str, connect: bool, addr: &str, view: &str, base: &Path) -> Station {
        let dir = base.join(format!("{name}.rec"));
        let out = base.join(format!("{name}.out"));
        let err = base.join(format!("{name}.err"));
        let port_file = base.join(format!("{name}.port"));
        let mut cmd = bmpctl_command();
        cmd.arg(if connect { "connect" } else { "listen" })
            .arg(addr)
            .args(["--json", "--view", view, "--write"])
            .arg(&dir);
        if connect {
            cmd.args(["--retry-min", "100ms", "--retry-max", "500ms"]);
        } else {
            cmd.arg("--port-file").arg(&port_file);
        }
        let child = cmd
            .stdin(Stdio::null())
            .stdout(fs::File::create(&out).unwrap())
            .stderr(fs::File::create(&err).unwrap())
            // Its own group: a Ctrl-C at the terminal reaches it only through the suite.
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("start bmpctl {name}: {e}"));
        let mut st = Station {
            name: name.to_string(),
            child: Some(child),
            dir,
            out,
            err,
        };
        if !connect {
            let bound = wait_for(
                &format!("bmpctl {name} listening"),
                Duration::from_secs(10),
                || {
                    if let Some(Ok(Some(s))) = st.child.as_mut().map(|c| c.try_wait()) {
                        panic!(
                            "bmpctl {name} exited ({s}): {}",
                            fs::read_to_string(&st.err).unwrap_or_default()
                        );
                    }
                    fs::read_to_string(&port_file)
                        .ok()
                        .filter(|s| s.ends_with('\n'))
                },
            );
            assert_eq!(
                bound.lines().collect::<Vec<_>>(),
                [addr],
                "{name} --port-file"
            );
        }
        st
    }

    /// The `--write` files so far.
    fn files(&self) -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = fs::read_dir(&self.dir)
            .map(|rd| {
                rd.flatten()
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "bmp"))
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    }

    /// The one recording of a station that saw one BMP session.
    fn recording(&self) -> PathBuf {
        let f = self.files();
        assert_eq!(
            f.len(),
            1,
            "bmpctl {}: one BMP session expected, recordings {f:?}",
            self.name
        );
        f[0].clone()
    }

    /// Ends the run with `sig` (`-INT`, `-TERM`) and collects what it printed.
    fn stop(&mut self, sig: &str) -> StationEnd {
        let mut c = self.child.take().expect("station running");
        let _ = Command::new("kill")
            .args([sig, &c.id().to_string()])
            .status();
        let t = Instant::now();
        let status = loop {
            if let Ok(Some(s)) = c.try_wait() {
                break s;
            }
            if t.elapsed() > Duration::from_secs(10) {
                let _ = c.kill();
                let _ = c.wait();
                panic!("bmpctl {} did not end on {sig} within 10 s", self.name);
            }
            thread::sleep(Duration::from_millis(50));
        };
        let stderr = fs::read_to_string(&self.err).unwrap();
        let out = fs::read_to_string(&self.out).unwrap();
        eprintln!(
            "interop: bmpctl {} ended on {sig}: {status}\n{stderr}",
            self.name
        );
        let view = serde_json::from_str(&out).unwrap_or_else(|e| {
            panic!(
                "bmpctl {}: the final view is not one JSON document ({e}): {out}",
                self.name
            )
        });
        StationEnd {
            status,
            view,
            stderr,
        }
    }
}

impl Drop for Station {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// The station names each recording `ADDR_PORT_TIME.bmp` (IPv4 here; `-N` when a name is
/// taken): checks the form and returns (address, port).
fn recording_name(f: &Path) -> (String, u16) {
    let name = f.file_name().unwrap().to_string_lossy().into_owned();
    let parts: Vec<&str> = name
        .strip_suffix(".bmp")
        .unwrap_or_else(|| panic!("{name}: not .bmp"))
        .splitn(3, '_')
        .collect();
    assert_eq!(parts.len(), 3, "{name}: not ADDR_PORT_TIME.bmp");
    let addr: std::net::Ipv4Addr = parts[0]
        .parse()
        .unwrap_or_else(|e| panic!("{name}: address {}: {e}", parts[0]));
    let port: u16 = parts[1]
        .parse()
        .unwrap_or_else(|e| panic!("{name}: port {}: {e}", parts[1]));
    // 20261126T031500.123Z, maybe followed by -2, -3...
    let time = parts[2].split('-').next().unwrap();
    let b = time.as_bytes();
    assert!(
        b.len() == 20
            && b[8] == b'T'
            && b[15] == b'.'
            && b[19] == b'Z'
            && b.iter()
                .enumerate()
                .all(|(i, c)| matches!(i, 8 | 15 | 19) || c.is_ascii_digit()),
        "{name}: start time {time} is not YYYYMMDDTHHMMSS.mmmZ"
    );
    (addr.to_string(), port)
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
    let out = bmpctl_command()
        .args(args)
        .args(files)
        .output()
        .expect("run bmpctl");
    let s = String::from_utf8(out.stdout).expect("UTF-8");
    serde_json::from_str(&s).unwrap_or_else(|e| panic!("bmpctl {args:?}: not JSON ({e}): {s}"))
}

/// `bmpctl decode --json`, messages only (findings dropped).
fn decode(file: &Path) -> Vec<Value> {
    let run = DecodeJson::run(&[file]);
    run.messages().into_iter().cloned().collect()
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
        ("GOBGP_TIMELINE_PORT", GOBGP_TIMELINE_PORT.to_string()),
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

    // 2. Stations: `bmpctl listen` for the speakers' BMP targets (FRR's `collector`, GoBGP's
    //    two servers), each recording with --write and showing a live view.
    let mut st_frr = Station::start(
        "frr",
        false,
        &format!("{}:{FRR_BMP_PORT}", n.rec),
        "peers",
        &dir,
    );
    let mut st_gobgp = Station::start(
        "gobgp",
        false,
        &format!("{}:{GOBGP_BMP_PORT}", n.rec),
        "peers",
        &dir,
    );
    let mut st_gobgp_tl = Station::start(
        "gobgp-timeline",
        false,
        &format!("{}:{GOBGP_TIMELINE_PORT}", n.rec),
        "timeline",
        &dir,
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
    // `bmpctl connect` dials FRR's `bmp listener` (target `station`), retrying until bgpd
    // listens.
    let mut st_listener = Station::start(
        "frr-listener",
        true,
        &format!("{}:{FRR_LISTEN_PORT}", n.frr),
        "timeline",
        &dir,
    );
    // Both speakers up and their BMP sessions open before the source connects.
    wait_for(
        "FRR's and GoBGP's BMP sessions",
        Duration::from_secs(20),
        || {
            [&st_frr, &st_gobgp, &st_gobgp_tl, &st_listener]
                .iter()
                .all(|s| !s.files().is_empty())
                .then_some(())
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
    let frr_a = snapshot(&st_frr.recording(), &dir.join("frr-a.bmp"));
    let gobgp_a = snapshot(&st_gobgp.recording(), &dir.join("gobgp-a.bmp"));

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
    let gobgp_raw = st_gobgp.recording();
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
    // The stations end as an operator ends them: Ctrl-C (SIGINT) and SIGTERM.
    let live_frr = st_frr.stop("-INT");
    let live_listener = st_listener.stop("-INT");
    let live_gobgp = st_gobgp.stop("-TERM");
    let live_gobgp_tl = st_gobgp_tl.stop("-TERM");
    thread::sleep(Duration::from_millis(500));
    procs.stop("dumpcap-frr");
    procs.stop("dumpcap-gobgp");
    eprintln!("interop: speakers ran {:?}", started.elapsed());

    // One BMP session per station (no speaker reconnected its BMP session), each recorded in
    // its own ADDR_PORT_TIME.bmp.
    let frr_raw = st_frr.recording();
    let listener_raw = st_listener.recording();
    let gobgp_tl_raw = st_gobgp_tl.recording();
    assert_eq!(st_gobgp.recording(), gobgp_raw);
    for f in [&frr_pcap, &gobgp_pcap] {
        assert!(f.is_file(), "missing capture {}", f.display());
    }
    assert_eq!(
        recording_name(&listener_raw),
        (n.frr.clone(), FRR_LISTEN_PORT),
        "connect names its recording after the router it dialled"
    );
    let frr_from = recording_name(&frr_raw).1;
    let gobgp_from = recording_name(&gobgp_raw).1;
    recording_name(&gobgp_tl_raw);

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
    let frr_conns = check_tshark_dissector(&tools, &frr_pcap);
    let gobgp_conns = check_tshark_dissector(&tools, &gobgp_pcap);
    // The router port in each listen recording's name is that of a BMP connection in the
    // capture.
    for (conns, from, to) in [
        (&frr_conns, frr_from, FRR_BMP_PORT),
        (&gobgp_conns, gobgp_from, GOBGP_BMP_PORT),
    ] {
        assert!(
            conns.contains(&format!("{from}->{to}")),
            "recording from port {from}: no such BMP connection in the capture: {conns:?}"
        );
    }
    check_live_against_files(
        &live_frr,
        &frr_raw,
        &live_listener,
        &listener_raw,
        &live_gobgp,
        &gobgp_raw,
        &live_gobgp_tl,
        &gobgp_tl_raw,
    );

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

/// One churn row split: ((initial announced, initial withdrawn), (steady announced, steady
/// withdrawn), dumps).
fn churn_split(churn: &Value, router: &str, rib: &str) -> ((u64, u64), (u64, u64), u64) {
    let rows: Vec<&Value> = churn["peers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["router"] == router && p["rib"] == rib)
        .collect();
    assert_eq!(rows.len(), 1, "churn {router} {rib}: {rows:#?}");
    let g = |part: &str, k: &str| rows[0][part][k].as_u64().unwrap();
    (
        (g("initial", "announced"), g("initial", "withdrawn")),
        (g("steady", "announced"), g("steady", "withdrawn")),
        rows[0]["dumps"].as_u64().unwrap(),
    )
}

/// The Peer Downs of a timeline for (router, peer BGP ID): (reason code, NOTIFICATION
/// code/subcode or FSM event, flaps).
fn timeline_downs(timeline: &Value, router: &str, bgp_id: &str) -> Vec<(u64, Value, u64)> {
    timeline["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event"] == "peer_down" && e["router"] == router)
        .filter(|e| e["peer"]["bgp_id"] == bgp_id)
        .map(|e| {
            let r = &e["reason"];
            let detail = if r["notification"].is_object() {
                serde_json::json!([r["notification"]["code"], r["notification"]["subcode"]])
            } else {
                r["fsm_event"]["code"].clone()
            };
            (
                r["code"].as_u64().unwrap(),
                detail,
                e["flaps"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

fn timeline_ups(timeline: &Value, router: &str, bgp_id: &str) -> usize {
    timeline["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event"] == "peer_up" && e["router"] == router)
        .filter(|e| e["peer"]["bgp_id"] == bgp_id)
        .count()
}

/// ExaBGP's BGP ID (`router-id` in exabgp.conf).
const SOURCE_BGP_ID: &str = "192.0.2.100";

/// The flap as the timeline must show it (issue 5): GoBGP one Peer Down, reason 3 with
/// ExaBGP's Cease/Administrative Shutdown, then a second Peer Up; FRR one Peer Down of the
/// established peer, reason 2 with FSM event 0 (the spurious one before the first Peer Up has
/// BGP ID 0.0.0.0, see `BMPCTL_COUNTS_FRR_INITIAL_DOWN`).
fn check_timeline_flaps(what: &str, timeline: &Value, frr: bool, gobgp: bool) {
    if gobgp {
        assert_eq!(
            timeline_downs(timeline, "GoBGP", SOURCE_BGP_ID),
            [(3, serde_json::json!([6, 2]), 1)],
            "{what}: GoBGP's Peer Downs"
        );
        assert_eq!(
            timeline_ups(timeline, "GoBGP", SOURCE_BGP_ID),
            2,
            "{what}: GoBGP's Peer Ups"
        );
    }
    if frr {
        assert_eq!(
            timeline_downs(timeline, "frr-interop", SOURCE_BGP_ID),
            [(2, 0.into(), 1)],
            "{what}: FRR's Peer Downs"
        );
        assert_eq!(
            timeline_ups(timeline, "frr-interop", SOURCE_BGP_ID),
            2,
            "{what}: FRR's Peer Ups"
        );
    }
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
    // Churn: the table dump is `initial`, the withdrawals that came a second later `steady`.
    assert_eq!(
        churn_split(&churn, "GoBGP", "adj_rib_in_pre"),
        ((want.0, 0), (0, want.1), 1),
        "GoBGP pre-policy churn before the flap: ((initial ann, wd), (steady ann, wd), dumps)"
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
    // Issue 5: the table ExaBGP re-sent after the flap is a second dump, counted `initial`
    // like the first; the only steady churn is the withdrawals.
    assert_eq!(
        churn_split(&churn, "GoBGP", "adj_rib_in_pre"),
        ((gobgp.announced(), 0), (0, gobgp.withdrawn()), 2),
        "GoBGP pre-policy churn at the end: ((initial ann, wd), (steady ann, wd), dumps)"
    );
    check_timeline_flaps("bmpctl timeline", &timeline, true, true);

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

/// Returns the BMP connections ("srcport->dstport").
fn check_tshark_dissector(tools: &Tools, pcap: &Path) -> Vec<String> {
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
    tshark.into_keys().collect()
}

// ---------------------------------------------------------------------------------------------
// Live views vs the views of the `--write` files (issue 6)

/// Removes `keys` at any depth.
fn without(v: &Value, keys: &[&str]) -> Value {
    match v {
        Value::Object(o) => Value::Object(
            o.iter()
                .filter(|(k, _)| !keys.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), without(v, keys)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(|v| without(v, keys)).collect()),
        v => v.clone(),
    }
}

/// Times: receive times live, router timestamps (or none) from a raw file. `router_address`:
/// a raw file does not know it. State: compared by `same_state`.
const PEERS_TIME_KEYS: &[&str] = &[
    "since",
    "last_update",
    "stats_time",
    "time",
    "router_address",
    "state",
    "state_detail",
    "last_state",
];

/// The live row's state against the file's. The raw file ends where the router's bytes end; the
/// live run also saw the TCP close that followed them (documented: a TCP close makes the
/// peers that are not down `unknown`, `session_ended:tcp_close`; the end of a file keeps the
/// last state). Returns which case applied.
fn same_state(live: &Value, file: &Value) -> Result<&'static str, String> {
    let f = |r: &Value, k: &str| r[k].as_str().map(str::to_string);
    let (ls, ld, ll) = (
        f(live, "state"),
        f(live, "state_detail"),
        f(live, "last_state"),
    );
    let (fs_, fd, fl) = (
        f(file, "state"),
        f(file, "state_detail"),
        f(file, "last_state"),
    );
    let tcp_close = ld.as_deref() == Some("session_ended:tcp_close");
    if ld == fd && ls == fs_ && ll == fl {
        Ok("equal")
    } else if tcp_close
        && !fd.as_deref().unwrap_or("").starts_with("session_ended:")
        && ls.as_deref() == Some("unknown")
        && (if fs_.as_deref() == Some("up") {
            ll.as_deref() == Some("up")
        } else {
            ll == fl
        })
    {
        Ok("tcp_close live only")
    } else {
        Err(format!(
            "state live {ls:?}/{ld:?}/{ll:?}, from the file {fs_:?}/{fd:?}/{fl:?}"
        ))
    }
}

/// The final `--view peers --json` of a live run equals `bmpctl peers --json` of its `--write`
/// file on every field that does not depend on time.
fn check_live_peers(what: &str, live: &Value, file: &Path) -> Vec<&'static str> {
    let from_file = bmpctl(&["peers", "--json"], &[file]);
    let (l, f) = (
        live["peers"].as_array().unwrap(),
        from_file["peers"].as_array().unwrap(),
    );
    assert!(!l.is_empty(), "{what}: live peers view is empty");
    assert_eq!(
        l.len(),
        f.len(),
        "{what}: peer rows, live {live:#} vs file {from_file:#}"
    );
    let mut cases = Vec::new();
    for (a, b) in l.iter().zip(f) {
        let (sa, sb) = (without(a, PEERS_TIME_KEYS), without(b, PEERS_TIME_KEYS));
        assert!(
            sa == sb,
            "{what}: live peers row differs from `bmpctl peers` of {}:\nlive {sa:#}\nfile {sb:#}",
            file.display()
        );
        cases.push(same_state(a, b).unwrap_or_else(|e| {
            panic!(
                "{what} {} {}: {e}\nlive {a:#}\nfile {b:#}",
                a["address"], a["rib"]
            )
        }));
    }
    eprintln!(
        "interop: {what}: live peers = file peers ({} rows; states {cases:?})",
        l.len()
    );
    cases
}

/// Times, stream names (the live stream is `ADDR:PORT`, the file's its path), and what only
/// a live run knows: the router's address and the transport end of a session, `down_for`
/// (from receive times), clock-skew checks (router time vs receive time).
const TIMELINE_TIME_KEYS: &[&str] = &[
    "time",
    "stream",
    "observed_time",
    "down_for",
    "down_seconds_total",
    "since",
    "first_seen",
    "last_seen",
];

/// `live`: a session that ended with a TCP close ends, in its raw file, with the end of the
/// file (a Termination is in both).
fn timeline_events(v: &Value, live: bool) -> Vec<Value> {
    v["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event"] != "clock_skew")
        .map(|e| {
            let mut e = without(e, TIMELINE_TIME_KEYS);
            let o = e.as_object_mut().unwrap();
            if o["event"] == "session_start" {
                o.remove("address");
            }
            if o["event"] == "session_end" {
                o.remove("transport");
                if live && o["how"] == "tcp_close" {
                    o.insert("how".into(), "end_of_input".into());
                }
            }
            e
        })
        .collect()
}

/// The final `--view timeline --json` of a live run against `bmpctl timeline --json` of its
/// `--write` file: the same events with the same reasons, and the same peer summaries.
/// `same_order`: also in the same order. A timeline is sorted by time: live by receive time,
/// from a raw file by the router's per-peer timestamps, and FRR's are coarse (whole seconds of
/// its monotonic clock plus a constant fraction), so a Peer Up can sort before the Peer Down
/// that preceded it in the stream (seen here).
fn check_live_timeline(what: &str, live: &Value, file: &Path, same_order: bool) {
    let from_file = bmpctl(&["timeline", "--json"], &[file]);
    let (l, f) = (
        timeline_events(live, true),
        timeline_events(&from_file, false),
    );
    let kinds = |v: &[Value]| {
        v.iter()
            .map(|e| e["event"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    if l != f {
        let sorted = |v: &[Value]| {
            let mut v: Vec<String> = v.iter().map(Value::to_string).collect();
            v.sort();
            v
        };
        assert!(
            !same_order && sorted(&l) == sorted(&f),
            "{what}: timeline events, live vs `bmpctl timeline` of {}:\nlive {:?}\nfile {:?}\n{}",
            file.display(),
            kinds(&l),
            kinds(&f),
            l.iter()
                .zip(&f)
                .enumerate()
                .filter(|(_, (a, b))| a != b)
                .map(|(i, (a, b))| format!("event {i}:\nlive {a:#}\nfile {b:#}\n"))
                .collect::<String>()
        );
        eprintln!(
            "interop: {what}: the same timeline events, in another order (router timestamps):\n  live {:?}\n  file {:?}",
            kinds(&l),
            kinds(&f)
        );
    }
    let peers = |v: &Value| without(&v["peers"], TIMELINE_TIME_KEYS);
    assert_eq!(
        peers(live),
        peers(&from_file),
        "{what}: timeline peers, live vs file"
    );
    eprintln!(
        "interop: {what}: live timeline = file timeline ({} events)",
        l.len()
    );
}

#[allow(clippy::too_many_arguments)]
fn check_live_against_files(
    frr: &StationEnd,
    frr_raw: &Path,
    listener: &StationEnd,
    listener_raw: &Path,
    gobgp: &StationEnd,
    gobgp_raw: &Path,
    gobgp_tl: &StationEnd,
    gobgp_tl_raw: &Path,
) {
    for (what, end) in [
        ("listen (FRR)", frr),
        ("connect (FRR bmp listener)", listener),
        ("listen (GoBGP)", gobgp),
        ("listen (GoBGP, timeline)", gobgp_tl),
    ] {
        // The one-line summary, and the recording announced.
        assert!(
            end.stderr.contains("recording to ")
                && end.stderr.contains(" messages decoded from 1 stream"),
            "{what}: stderr {}",
            end.stderr
        );
        assert!(end.status.success(), "{what}: {}", end.status);
    }
    let frr_cases = check_live_peers("listen (FRR)", &frr.view, frr_raw);
    // bgpd was stopped before the station: live, its peers ended with the TCP close.
    assert!(
        frr_cases.iter().all(|c| *c == "tcp_close live only"),
        "{frr_cases:?}"
    );
    let gobgp_cases = check_live_peers("listen (GoBGP)", &gobgp.view, gobgp_raw);
    // GoBGP sent a Termination (`gobgp bmp del`) and then closed: the Termination ends the
    // session live as in the file (the FIN after it does not replace the reason).
    assert!(
        gobgp_cases.iter().all(|c| *c == "equal"),
        "GoBGP sent a Termination (`gobgp bmp del`): {gobgp_cases:?}"
    );
    check_live_timeline(
        "connect (FRR bmp listener)",
        &listener.view,
        listener_raw,
        false,
    );
    check_live_timeline(
        "listen (GoBGP, timeline)",
        &gobgp_tl.view,
        gobgp_tl_raw,
        true,
    );
    // And the live timelines report the flap exactly.
    check_timeline_flaps("connect (FRR bmp listener)", &listener.view, true, false);
    check_timeline_flaps("listen (GoBGP, timeline)", &gobgp_tl.view, false, true);
    // The live peers views too: one flap each, with the speaker's reason.
    for (what, v, router, code) in [
        ("listen (FRR)", &frr.view, "frr-interop", 2),
        ("listen (GoBGP)", &gobgp.view, "GoBGP", 3),
    ] {
        let pre = one(v, router, "adj_rib_in_pre");
        assert_eq!(
            (&pre["flaps"], &pre["last_down_reason"]["code"]),
            (&1.into(), &code.into()),
            "{what}: {pre:#}"
        );
    }
}
