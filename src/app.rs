//! Command dispatch: the parsed command line resolved into the configuration of the layers
//! below ([`crate::pipeline`], [`crate::live`]), run, and its exit status returned.

use std::io::{self, IsTerminal};

use crate::cli::{
    Cli, ColorChoice, Command, ConnectArgs, FormatChoice, InputArgs, ListenArgs, LiveOutputArgs,
    LiveRunArgs, ReplayArgs,
};
use crate::exit::ExitStatus;
use crate::live::{ConnectConfig, ListenConfig, LiveSource, ReplayConfig, StationConfig};
use crate::pipeline::{self, Inputs, LiveOutput, LiveShow, MessageLog};
use crate::source::{InputFormat, SourceOptions};

/// Runs the parsed command line.
pub fn run(cli: Cli) -> ExitStatus {
    let stdout_tty = io::stdout().is_terminal();
    let colour = match cli.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            stdout_tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    colored::control::set_override(colour);
    match cli.command {
        Command::Decode(args) => pipeline::decode(
            &inputs(&args.input),
            MessageLog::new(args.format(), args.verbose, args.filter.filter()),
        ),
        Command::View(v) => {
            let (kind, args) = v.view();
            let filter = args.filter.filter();
            let view = kind.build(filter.clone());
            pipeline::view(&inputs(&args.input), &filter, args.format(), view)
        }
        Command::Listen(args) => listen(&args, stdout_tty),
        Command::Connect(args) => connect(&args, stdout_tty),
        Command::Replay(args) => crate::live::replay(&replay_config(&args)),
    }
}

/// How to read the inputs of a file command.
fn inputs(args: &InputArgs) -> Inputs {
    Inputs {
        files: args.files.clone(),
        options: source_options(args),
        max_message: args.max_message,
    }
}

fn source_options(args: &InputArgs) -> SourceOptions {
    let mut opts = SourceOptions::default();
    opts.format = match args.format {
        FormatChoice::Auto => None,
        FormatChoice::Raw => Some(InputFormat::Raw),
        FormatChoice::Pcap => Some(InputFormat::Pcap),
        FormatChoice::Pcapng => Some(InputFormat::Pcapng),
        FormatChoice::Openbmp => Some(InputFormat::OpenBmp),
    };
    opts.port = args.port;
    opts.max_message = opts.max_message.max(args.max_message);
    opts
}

fn replay_config(args: &ReplayArgs) -> ReplayConfig {
    ReplayConfig {
        inputs: args.input.files.clone(),
        options: source_options(&args.input),
        to: args.to.clone(),
        speed: if args.fast { None } else { Some(args.speed) },
    }
}

fn station(run: &LiveRunArgs) -> StationConfig {
    StationConfig {
        write: run.write.clone(),
        duration: run.duration,
    }
}

fn listen(args: &ListenArgs, stdout_tty: bool) -> ExitStatus {
    let config = ListenConfig {
        addrs: args.addrs.clone(),
        allow: args.allow.clone(),
        max_sessions: args.max_sessions,
        port_file: args.port_file.clone(),
    };
    let source = LiveSource::listen(&station(&args.run), config);
    live(source, &args.output, &args.run, stdout_tty)
}

fn connect(args: &ConnectArgs, stdout_tty: bool) -> ExitStatus {
    let config = ConnectConfig {
        targets: args.targets.clone(),
        retry_min: args.retry_min,
        retry_max: args.retry_max,
    };
    let source = LiveSource::connect(&station(&args.run), config);
    live(source, &args.output, &args.run, stdout_tty)
}

/// A station's run: the message log, or a view, of its sessions.
fn live(
    source: Result<LiveSource, String>,
    o: &LiveOutputArgs,
    run: &LiveRunArgs,
    stdout_tty: bool,
) -> ExitStatus {
    let source = match source {
        Ok(s) => s,
        Err(e) => {
            eprintln!("bmpctl: error: {e}");
            return ExitStatus::Fatal;
        }
    };
    let filter = o.filter.filter();
    let show = match o.view_kind() {
        Some(kind) => LiveShow::View(kind.build(filter.clone()), filter),
        None => LiveShow::Log(MessageLog::new(o.format(), o.verbose, filter)),
    };
    let output = LiveOutput {
        format: o.format(),
        limit: run.count.unwrap_or(u64::MAX),
        max_message: o.max_message,
        every: o.every,
        stdout_tty,
    };
    pipeline::live(source, show, &output)
}
