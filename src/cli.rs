//! The command line, as clap definitions only. [`crate::app`] turns it into work.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

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

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the message log of BMP streams: one line (or JSON object) per message and finding.
    #[command(
        after_help = "Examples:\n  bmpctl decode dump.bmp\n  bmpctl decode -v dump.bmp\n  bmpctl decode --port 11019 capture.pcapng.gz\n  kcat -C -t openbmp.bmp_raw -f '%s' | bmpctl decode -\n  bmpctl decode --json a.bmp b.bmp | jq -c 'select(.type == \"route_monitoring\") | .announced[].prefix'\n  cat dump.bmp | bmpctl decode -\n\nA raw dump is one BMP stream (the bytes a router sent, as `nc -l` records them); a capture holds one stream per TCP connection that carries BMP; `-` reads stdin.\nExit status: 0 clean, 1 the input had errors (findings of severity error), 2 usage or I/O failure."
    )]
    Decode(DecodeArgs),
    /// One row per monitored peer and RIB view: state, flaps, routes, capabilities, statistics.
    #[command(
        after_help = "Examples:\n  bmpctl peers capture.pcap\n  bmpctl peers --rib in-post --json dump.bmp | jq '.peers[] | select(.state == \"down\")'\n\nExit status: 0 clean, 1 the input had errors, 2 usage or I/O failure."
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
    pub afi: Vec<String>,

    /// Only events at or after this time (RFC 3339 or epoch seconds).
    #[arg(long, value_name = "TIME", value_parser = crate::filter::parse_time)]
    pub since: Option<u64>,

    /// Only events at or before this time (RFC 3339 or epoch seconds).
    #[arg(long, value_name = "TIME", value_parser = crate::filter::parse_time)]
    pub until: Option<u64>,
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
    Ok(std::time::Duration::from_secs_f64(secs))
}

/// Arguments of `decode`.
#[derive(Debug, Args)]
pub struct DecodeArgs {
    /// Inputs.
    #[command(flatten)]
    pub input: InputArgs,

    /// Filters.
    #[command(flatten)]
    pub filter: FilterArgs,

    /// One JSON object per line (NDJSON) instead of text; the schema is in the README.
    #[arg(long)]
    pub json: bool,

    /// Show every route and attribute (text output).
    #[arg(short, long)]
    pub verbose: bool,
}

/// Arguments of the views (`peers`, `timeline`; `churn` adds its own).
#[derive(Debug, Args)]
pub struct ViewArgs {
    /// Inputs.
    #[command(flatten)]
    pub input: InputArgs,

    /// Filters.
    #[command(flatten)]
    pub filter: FilterArgs,

    /// One JSON document instead of a table; the schema is in the README.
    #[arg(long)]
    pub json: bool,
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
