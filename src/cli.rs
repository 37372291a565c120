//! The command line, as clap definitions only. [`crate::app`] resolves it into the
//! configuration of the layers below and runs it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::analysis::ViewKind;
use crate::render::Format;

/// When to colour text output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when stdout is a terminal and NO_COLOR is not set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// Decode and troubleshoot BGP Monitoring Protocol (BMP) streams.
#[derive(Debug, Parser)]
#[command(
    name = "bmpctl",
    version,
    about = "Decode and troubleshoot BGP Monitoring Protocol (BMP) streams",
    long_about = "Decode and troubleshoot BGP Monitoring Protocol (BMP, RFC 7854) streams: every BMP \
message and the BGP inside it, decoded the way each monitored session negotiated it (Add-Path per \
direction, 2- or 4-octet AS), with findings for anything malformed or unusual.",
    after_help = "Examples:\n  bmpctl decode samples/synthetic-session.bmp\n  bmpctl decode capture.pcap\n  bmpctl decode --json dump.bmp | jq 'select(.type == \"peer_down\")'\n  nc -l 11019 | bmpctl decode -\n\nExit status: 0 clean, 1 the input had errors, 2 usage or I/O failure."
)]
pub struct Cli {
    /// When to use colour in text output (NO_COLOR in the environment also turns it off).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// What to do: one subcommand each.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the message log of BMP streams: one line (or JSON object) per message and finding.
    #[command(
        after_help = "Examples:\n  bmpctl decode dump.bmp\n  bmpctl decode -v dump.bmp\n  bmpctl decode --port 11019 capture.pcapng.gz\n  kcat -C -t openbmp.bmp_raw -f '%s' | bmpctl decode -\n  bmpctl decode --json a.bmp b.bmp | jq -c 'select(.type == \"route_monitoring\") | .announced[].prefix'\n  cat dump.bmp | bmpctl decode -\n\nA raw dump is one BMP stream (the bytes a router sent, as `nc -l` records them); a capture holds one stream per TCP connection that carries BMP; `-` reads stdin.\nExit status: 0 clean, 1 the input had errors (findings of severity error), 2 usage or I/O failure."
    )]
    Decode(DecodeArgs),
    /// The views: one report over every input.
    #[command(flatten)]
    View(ViewCommand),
    /// Station mode: accept BMP sessions from routers and show them live (the message log, or a
    /// view re-drawn every few seconds).
    #[command(
        after_help = "Examples:\n  bmpctl listen\n  bmpctl listen 192.0.2.10:11019 --allow 192.0.2.0/24 --write /var/tmp/bmp\n  bmpctl listen --view peers --every 5s\n  bmpctl listen --json --duration 10m | jq -c 'select(.type == \"peer_down\")'\n\nBy default listens on port 11019 of every IPv4 and IPv6 address. Each connection is a BMP session of its own, named by the router's address and port (and its sysName once its Initiation arrives). Ctrl-C, SIGTERM, --duration or --count end the run: sessions are closed, everything is flushed, the final report and a summary line follow.\nExit status: 0 clean, 1 a session had errors, 2 usage or I/O failure (e.g. the address cannot be bound)."
    )]
    Listen(ListenArgs),
    /// Station mode, dialling out: connect to routers whose BMP station slot listens (FRR
    /// `bmp listener`, Junos `connection-mode passive`), reconnecting with backoff.
    #[command(
        after_help = "Examples:\n  bmpctl connect 192.0.2.1:5000\n  bmpctl connect r1.example.net:5000 r2.example.net:5000 --view timeline\n  bmpctl connect 192.0.2.1:5000 --retry-min 500ms --retry-max 30s --write /var/tmp/bmp\n\nAt most one connection per router at a time; every reconnect is a new BMP session.\nExit status: 0 clean, 1 a session had errors, 2 usage or I/O failure."
    )]
    Connect(ConnectArgs),
    /// Send the BMP sessions of dumps or captures to a station over TCP, one connection per
    /// recorded session, at the recorded pace or as fast as possible.
    #[command(
        after_help = "Examples:\n  bmpctl replay capture.pcap --to 127.0.0.1:11019\n  bmpctl replay --fast a.bmp b.bmp --to [::1]:11019\n  bmpctl replay --speed 10 capture.pcapng.gz --to collector.example.net:5000\n\nEvery session of every input is replayed at once, each over its own connection; the pace comes from capture times, else (raw dumps) from the per-peer header timestamps. A summary line per connection goes to stderr.\nExit status: 0 everything sent, 2 usage, read or connection failure."
    )]
    Replay(ReplayArgs),
}

/// The views: each reads the inputs, takes the shared filters, and prints one report.
#[derive(Debug, Subcommand)]
pub enum ViewCommand {
    /// One row per monitored peer and RIB view: state, flaps, routes, capabilities, statistics.
    #[command(
        after_help = "Examples:\n  bmpctl peers capture.pcap\n  bmpctl peers --rib in-post --json dump.bmp | jq '.peers[] | select(.state == \"down\")'\n\nFiles are split by peer over one thread per core (BMPCTL_LANES=N sets the number; 1 turns the split off).\nExit status: 0 clean, 1 the input had errors, 2 usage or I/O failure."
    )]
    Peers(ViewArgs),
    /// Session and peer events in time order: sessions, Peer Up/Down with reasons, End-of-RIB,
    /// findings.
    #[command(
        after_help = "Examples:\n  bmpctl timeline capture.pcap\n  bmpctl timeline --peer 192.0.2.0/24 --since 2024-06-11T14:00:00Z dump.bmp\n\nExit status: 0 clean, 1 the input had errors, 2 usage or I/O failure."
    )]
    Timeline(ViewArgs),
    /// Route churn per router, peer and RIB view and time bucket, the initial table dump apart.
    #[command(
        after_help = "Examples:\n  bmpctl churn capture.pcap\n  bmpctl churn --interval 1m --top 20 --json dump.bmp\n\nExit status: 0 clean, 1 the input had errors, 2 usage or I/O failure."
    )]
    Churn(ChurnArgs),
}

impl ViewCommand {
    /// The view to run, with its inputs and filters.
    pub fn view(&self) -> (ViewKind, &ViewArgs) {
        match self {
            ViewCommand::Peers(v) => (ViewKind::Peers, v),
            ViewCommand::Timeline(v) => (ViewKind::Timeline, v),
            ViewCommand::Churn(c) => (
                ViewKind::Churn {
                    interval: c.interval,
                    top: c.top,
                },
                &c.view,
            ),
        }
    }
}

/// The output format `--json` asks for.
fn format(json: bool) -> Format {
    if json { Format::Json } else { Format::Text }
}

/// Input formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatChoice {
    /// Recognise the format by content (pcap, pcapng, OpenBMP, raw BMP; gzip around any).
    Auto,
    /// Raw BMP bytes as a router sends them.
    Raw,
    /// pcap capture.
    Pcap,
    /// pcapng capture.
    Pcapng,
    /// OpenBMP raw messages (binary OBMP or text header), as published on Kafka.
    Openbmp,
}

/// The inputs every command reads.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Inputs: raw BMP dumps, pcap or pcapng captures, OpenBMP streams, any of them
    /// gzip-compressed; `-` is stdin.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Input format; by default recognised by content.
    #[arg(long, value_enum, default_value_t = FormatChoice::Auto)]
    pub format: FormatChoice,

    /// In captures, only TCP flows with this port on either side (by default every flow
    /// whose bytes frame as BMP, on any port).
    #[arg(long, value_name = "PORT")]
    pub port: Option<u16>,

    /// Largest BMP message accepted, in bytes; longer ones are skipped by their length with a
    /// finding.
    #[arg(long, value_name = "BYTES", default_value_t = crate::frame::DEFAULT_MAX_MESSAGE,
          value_parser = clap::value_parser!(u32).range(4096..))]
    pub max_message: u32,
}

/// The filters every command takes.
#[derive(Debug, Args, Default)]
pub struct FilterArgs {
    /// Only this router: its sysName, its address, or the stream name (repeatable).
    #[arg(long, value_name = "NAME")]
    pub router: Vec<String>,

    /// Only peers with this address or inside this prefix (repeatable).
    #[arg(long, value_name = "ADDR[/LEN]", value_parser = crate::filter::AddrMatch::parse)]
    pub peer: Vec<crate::filter::AddrMatch>,

    /// Only this RIB view: in-pre, in-post, out-pre, out-post, loc-rib (repeatable).
    #[arg(long, value_name = "VIEW", value_parser = crate::filter::parse_rib)]
    pub rib: Vec<crate::decode::bmp::header::RibView>,

    /// Only this address family: ipv4, ipv6, l2vpn, or a family such as ipv4_unicast,
    /// ipv6_vpn, l2vpn_evpn (repeatable).
    #[arg(long, value_name = "FAMILY")]
    pub afi: Vec<crate::decode::family::FamilyMatch>,

    /// Only events at or after this time (RFC 3339 or epoch seconds).
    #[arg(long, value_name = "TIME", value_parser = crate::time::Timestamp::parse)]
    pub since: Option<crate::time::Timestamp>,

    /// Only events at or before this time (RFC 3339 or epoch seconds).
    #[arg(long, value_name = "TIME", value_parser = crate::time::Timestamp::parse)]
    pub until: Option<crate::time::Timestamp>,
}

impl FilterArgs {
    /// The filter these arguments describe.
    pub fn filter(&self) -> crate::filter::Filter {
        crate::filter::Filter {
            routers: self.router.clone(),
            peers: self.peer.clone(),
            ribs: self.rib.clone(),
            families: self.afi.clone(),
            since: self.since,
            until: self.until,
        }
    }
}

/// Parses `500ms`, `30s`, `5m`, `2h` (a bare number is seconds).
pub fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    let bad = || format!("'{s}' is not a duration: use e.g. 500ms, 30s, 5m, 2h");
    let split = s
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: f64 = num.parse().map_err(|_| bad())?;
    let secs = match unit {
        "ms" => n / 1000.0,
        "" | "s" => n,
        "m" => n * 60.0,
        "h" => n * 3600.0,
        "d" => n * 86_400.0,
        _ => return Err(bad()),
    };
    if !secs.is_finite() || secs <= 0.0 || secs > 1e9 {
        return Err(bad());
    }
    let d = std::time::Duration::from_secs_f64(secs);
    // Shorter would redraw, reconnect or bucket (in microseconds) in a tight loop, or not at
    // all once rounded to zero.
    if d < std::time::Duration::from_millis(1) {
        return Err(format!("'{s}' is too short: use at least 1ms"));
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::parse_duration;
    use std::time::Duration;

    #[test]
    fn durations_in_every_unit_and_none_too_short() {
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("1.5"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_duration("2h"), Ok(Duration::from_secs(7200)));
        assert_eq!(parse_duration("1d"), Ok(Duration::from_secs(86_400)));
        assert_eq!(parse_duration("1ms"), Ok(Duration::from_millis(1)));
        for bad in [
            "0",
            "0s",
            "0.0000000001",
            "0.5ms",
            "-1s",
            "5x",
            "",
            "ms",
            "inf",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad:?}");
        }
    }
}

/// Arguments of `decode`.
#[derive(Debug, Args)]
pub struct DecodeArgs {
    /// The inputs, and how to read them.
    #[command(flatten)]
    pub input: InputArgs,

    /// What to keep: the filters every command shares.
    #[command(flatten)]
    pub filter: FilterArgs,

    /// One JSON object per line (NDJSON) instead of text; the schema is in docs/json.md.
    #[arg(long)]
    pub json: bool,

    /// Show every route and attribute (text output).
    #[arg(short, long)]
    pub verbose: bool,
}

impl DecodeArgs {
    /// The output format.
    pub fn format(&self) -> Format {
        format(self.json)
    }
}

/// Arguments of the views (`peers`, `timeline`; `churn` adds its own).
#[derive(Debug, Args)]
pub struct ViewArgs {
    /// The inputs, and how to read them.
    #[command(flatten)]
    pub input: InputArgs,

    /// What to keep: the filters every command shares.
    #[command(flatten)]
    pub filter: FilterArgs,

    /// One JSON document instead of a table; the schema is in docs/json.md.
    #[arg(long)]
    pub json: bool,
}

impl ViewArgs {
    /// The output format.
    pub fn format(&self) -> Format {
        format(self.json)
    }
}

/// Arguments of `churn`.
#[derive(Debug, Args)]
pub struct ChurnArgs {
    /// Inputs, filters, output.
    #[command(flatten)]
    pub view: ViewArgs,

    /// Bucket width (e.g. 10s, 1m, 1h); by default chosen from the time span.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub interval: Option<std::time::Duration>,

    /// How many of the most churning prefixes and origin ASes to list.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub top: usize,
}

/// A view shown live instead of the message log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LiveView {
    /// One row per monitored peer and RIB view.
    Peers,
    /// Sessions and peer events in time order.
    Timeline,
    /// Route churn per router, peer and time bucket.
    Churn,
}

/// What live commands show.
#[derive(Debug, Args)]
pub struct LiveOutputArgs {
    /// What to keep: the filters every command shares.
    #[command(flatten)]
    pub filter: FilterArgs,

    /// JSON: NDJSON messages, or the view's JSON document at the end.
    #[arg(long)]
    pub json: bool,

    /// Show every route and attribute (text message log).
    #[arg(short, long)]
    pub verbose: bool,

    /// Show this view instead of the message log: re-drawn every --every on a terminal, and
    /// printed once more at the end.
    #[arg(long, value_enum, value_name = "VIEW")]
    pub view: Option<LiveView>,

    /// How often a view is re-drawn on a terminal (e.g. 500ms, 2s, 1m).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "2s")]
    pub every: std::time::Duration,

    /// With `--view churn`: bucket width (e.g. 10s, 1m); by default chosen from the time span.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub interval: Option<std::time::Duration>,

    /// With `--view churn`: how many of the most churning prefixes and origin ASes to list.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub top: usize,

    /// Largest BMP message accepted, in bytes; longer ones are skipped by their length with a
    /// finding.
    #[arg(long, value_name = "BYTES", default_value_t = crate::frame::DEFAULT_MAX_MESSAGE,
          value_parser = clap::value_parser!(u32).range(4096..))]
    pub max_message: u32,
}

impl LiveOutputArgs {
    /// The output format.
    pub fn format(&self) -> Format {
        format(self.json)
    }

    /// The view shown instead of the message log, if any.
    pub fn view_kind(&self) -> Option<ViewKind> {
        self.view.map(|v| match v {
            LiveView::Peers => ViewKind::Peers,
            LiveView::Timeline => ViewKind::Timeline,
            LiveView::Churn => ViewKind::Churn {
                interval: self.interval,
                top: self.top,
            },
        })
    }
}

/// How long live commands run and what they record.
#[derive(Debug, Args)]
pub struct LiveRunArgs {
    /// Stop after this long (e.g. 30s, 10m, 2h).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub duration: Option<std::time::Duration>,

    /// Stop after this many messages (those that pass the filters).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub count: Option<u64>,

    /// Save each session's bytes, exactly as received, to its own file in DIR
    /// (ADDRESS_PORT_STARTTIME.bmp), written as they arrive; `bmpctl decode` reads them.
    #[arg(long, value_name = "DIR")]
    pub write: Option<PathBuf>,
}

/// Arguments of `listen`.
#[derive(Debug, Args)]
pub struct ListenArgs {
    /// Addresses to listen on (ADDR:PORT, IPv6 in brackets, or a bare port for every
    /// address); by default port 11019 on every IPv4 and IPv6 address.
    #[arg(value_name = "ADDR:PORT", value_parser = crate::live::parse_listen_addr)]
    pub addrs: Vec<crate::live::ListenAddr>,

    /// What to show: the message log or a view, as text or JSON.
    #[command(flatten)]
    pub output: LiveOutputArgs,

    /// Run length and recording.
    #[command(flatten)]
    pub run: LiveRunArgs,

    /// Most sessions at once; routers beyond it are refused (connection closed, message on
    /// stderr).
    #[arg(long, value_name = "N", default_value_t = 64, value_parser = max_sessions)]
    pub max_sessions: usize,

    /// Accept connections only from these addresses or prefixes (repeatable; by default
    /// from anywhere). Others are closed at once, with a message on stderr.
    #[arg(long, value_name = "ADDR[/LEN]", value_parser = crate::filter::AddrMatch::parse)]
    pub allow: Vec<crate::filter::AddrMatch>,

    /// Write the bound addresses (one per line) to FILE once listening.
    #[arg(long, value_name = "FILE")]
    pub port_file: Option<PathBuf>,
}

/// Arguments of `connect`.
#[derive(Debug, Args)]
pub struct ConnectArgs {
    /// Routers to dial: HOST:PORT (IPv6 in brackets).
    #[arg(required = true, value_name = "HOST:PORT")]
    pub targets: Vec<String>,

    /// What to show: the message log or a view, as text or JSON.
    #[command(flatten)]
    pub output: LiveOutputArgs,

    /// Run length and recording.
    #[command(flatten)]
    pub run: LiveRunArgs,

    /// First wait before reconnecting (doubled after each failed attempt).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "1s")]
    pub retry_min: std::time::Duration,

    /// Longest wait between attempts.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "60s")]
    pub retry_max: std::time::Duration,
}

/// Arguments of `replay`.
#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// The inputs, and how to read them.
    #[command(flatten)]
    pub input: InputArgs,

    /// The station: HOST:PORT (IPv6 in brackets).
    #[arg(long, required = true, value_name = "HOST:PORT")]
    pub to: String,

    /// Pace factor: 2 replays twice as fast as recorded, 0.5 half as fast.
    #[arg(long, value_name = "X", default_value_t = 1.0, value_parser = parse_speed)]
    pub speed: f64,

    /// As fast as possible, ignoring recorded times.
    #[arg(long, conflicts_with = "speed")]
    pub fast: bool,
}

fn parse_speed(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if x.is_finite() && x > 0.0 => Ok(x),
        _ => Err(format!("'{s}' is not a positive number")),
    }
}

/// `--max-sessions`: 1 to 1 000 000 (each session holds a socket and a decoder).
fn max_sessions(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n @ 1..=1_000_000) => Ok(n),
        _ => Err(format!("'{s}' is not a session count from 1 to 1000000")),
    }
}
