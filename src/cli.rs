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

/// Arguments of `decode`.
#[derive(Debug, Args)]
pub struct DecodeArgs {
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

    /// One JSON object per line (NDJSON) instead of text; the schema is in the README.
    #[arg(long)]
    pub json: bool,

    /// Show every route and attribute (text output).
    #[arg(short, long)]
    pub verbose: bool,

    /// Largest BMP message accepted, in bytes; longer ones are skipped by their length with a
    /// finding.
    #[arg(long, value_name = "BYTES", default_value_t = crate::frame::DEFAULT_MAX_MESSAGE,
          value_parser = clap::value_parser!(u32).range(4096..))]
    pub max_message: u32,
}
