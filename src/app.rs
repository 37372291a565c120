//! Runs the commands: sources in, renderers out, exit status decided in one place.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Read, Write};

use crate::cli::{Cli, ColorChoice, Command, DecodeArgs};
use crate::finding::{Kind, Severity};
use crate::render::{StreamCtx, json, text};
use crate::stream::{Event, StreamDecoder};

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// Everything decoded cleanly.
    Clean = 0,
    /// The input had errors.
    InputErrors = 1,
    /// Usage or I/O failure.
    Fatal = 2,
}

/// Size of each read from a file or stdin.
const READ_CHUNK: usize = 64 * 1024;

/// Tallies for the closing summary line.
#[derive(Debug, Default)]
pub struct Summary {
    /// Messages decoded.
    pub messages: u64,
    /// Streams read.
    pub streams: u64,
    /// Findings by kind.
    pub findings: BTreeMap<Kind, u64>,
}

impl Summary {
    fn has_errors(&self) -> bool {
        self.findings
            .keys()
            .any(|k| k.severity() == Severity::Error)
    }

    fn line(&self) -> String {
        let streams = if self.streams == 1 {
            "stream"
        } else {
            "streams"
        };
        let mut s = format!(
            "bmpctl: {} messages decoded from {} {streams}",
            self.messages, self.streams
        );
        if self.findings.is_empty() {
            s.push_str(", no findings");
        } else {
            let total: u64 = self.findings.values().sum();
            let kinds: Vec<String> = self
                .findings
                .iter()
                .map(|(k, n)| format!("{n} {}", k.name()))
                .collect();
            s.push_str(&format!(", {total} findings ({})", kinds.join(", ")));
        }
        s
    }
}

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
        Command::Decode(args) => decode(&args),
    }
}

fn is_broken_pipe(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::BrokenPipe
}

fn decode(args: &DecodeArgs) -> ExitStatus {
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut summary = Summary::default();
    let mut fatal = false;
    for path in &args.files {
        let name = path.to_string_lossy().into_owned();
        let reader: Box<dyn Read> = if name == "-" {
            Box::new(io::stdin().lock())
        } else {
            match File::open(path) {
                Ok(f) => Box::new(f),
                Err(e) => {
                    let _ = out.flush();
                    eprintln!("bmpctl: error: cannot read {name}: {e}");
                    fatal = true;
                    continue;
                }
            }
        };
        summary.streams += 1;
        match decode_stream(reader, &name, args, &mut out, &mut summary) {
            Ok(()) => {}
            Err(e) if is_broken_pipe(&e) => return ExitStatus::Clean,
            Err(e) => {
                let _ = out.flush();
                eprintln!("bmpctl: error: reading {name}: {e}");
                fatal = true;
            }
        }
    }
    if let Err(e) = out.flush() {
        if is_broken_pipe(&e) {
            return ExitStatus::Clean;
        }
        eprintln!("bmpctl: error: writing output: {e}");
        return ExitStatus::Fatal;
    }
    eprintln!("{}", summary.line());
    if fatal {
        ExitStatus::Fatal
    } else if summary.has_errors() {
        ExitStatus::InputErrors
    } else {
        ExitStatus::Clean
    }
}

/// Reads one stream to its end, rendering every event. Output errors stop it; read errors are
/// returned as well.
fn decode_stream(
    mut reader: Box<dyn Read>,
    name: &str,
    args: &DecodeArgs,
    out: &mut dyn Write,
    summary: &mut Summary,
) -> io::Result<()> {
    let mut dec = StreamDecoder::new(args.max_message);
    let mut buf = vec![0u8; READ_CHUNK];
    let mut write_err: Option<io::Error> = None;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                // Report what was read so far, then the error.
                finish(&mut dec, name, args, out, summary, &mut write_err);
                return Err(write_err.unwrap_or(e));
            }
        };
        push(
            &mut dec,
            &buf[..n],
            name,
            args,
            out,
            summary,
            &mut write_err,
        );
        if let Some(e) = write_err {
            return Err(e);
        }
    }
    finish(&mut dec, name, args, out, summary, &mut write_err);
    write_err.map_or(Ok(()), Err)
}

fn push(
    dec: &mut StreamDecoder,
    data: &[u8],
    name: &str,
    args: &DecodeArgs,
    out: &mut dyn Write,
    summary: &mut Summary,
    write_err: &mut Option<io::Error>,
) {
    dec.push(data, &mut |router, ev| {
        render(&ev, name, router, args, out, summary, write_err)
    });
}

fn finish(
    dec: &mut StreamDecoder,
    name: &str,
    args: &DecodeArgs,
    out: &mut dyn Write,
    summary: &mut Summary,
    write_err: &mut Option<io::Error>,
) {
    dec.finish(&mut |router, ev| render(&ev, name, router, args, out, summary, write_err));
}

fn render(
    ev: &Event<'_>,
    name: &str,
    router: &crate::stream::RouterInfo,
    args: &DecodeArgs,
    out: &mut dyn Write,
    summary: &mut Summary,
    write_err: &mut Option<io::Error>,
) {
    let ctx = StreamCtx {
        name,
        router,
        observed: None,
    };
    match ev {
        Event::Message(_) => summary.messages += 1,
        Event::Finding(f) => *summary.findings.entry(f.kind).or_default() += 1,
    }
    if write_err.is_some() {
        return;
    }
    let res = match (ev, args.json) {
        (Event::Message(d), true) => writeln!(out, "{}", json::message(&ctx, d)),
        (Event::Finding(f), true) => writeln!(out, "{}", json::finding(&ctx, f)),
        (Event::Message(d), false) => writeln!(out, "{}", text::message(&ctx, d, args.verbose)),
        (Event::Finding(f), false) => writeln!(out, "{}", text::finding(&ctx, f)),
    };
    if let Err(e) = res {
        *write_err = Some(e);
    }
}
