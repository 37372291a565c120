//! File runs: the message log or a view over every input, on one thread, on two (the
//! hand-off driver) or on one per core (the lane driver); the closing summary line and the exit
//! status.

use std::io::{self, BufWriter, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use super::files::{Inputs, decode_files};
use super::lanes::{self, Lane};
use super::sinks::{MessageLog, ViewSink, print_report};
use super::{Sink, Summary, handoff};
use crate::analysis::View;
use crate::exit::{ExitStatus, is_broken_pipe};
use crate::filter::Filter;
use crate::identity::Routers;
use crate::render::Format;

/// `bmpctl decode`: the message log of every input.
pub fn decode(inputs: &Inputs, mut log: MessageLog) -> ExitStatus {
    read_inputs(inputs, &mut log)
}

/// A view over every input, and its report. A view whose state splits by peer
/// ([`View::lane`]) runs in lanes ([`lanes`]) on files, without `--afi`, with more than one
/// core: each lane's thread runs a view of its own over its share of the peers, and the first
/// absorbs the others at the end.
pub fn view(
    inputs: &Inputs,
    filter: &Filter,
    format: Format,
    mut view: Box<dyn View>,
) -> ExitStatus {
    let count = lanes::lane_count();
    let split = count >= 2 && !inputs.piped() && filter.families.is_empty();
    let others: Option<Vec<Box<dyn View>>> = if split {
        (1..count).map(|_| view.lane()).collect()
    } else {
        None
    };
    let Some(others) = others else {
        let mut sink = ViewSink::new(&mut *view, filter);
        let status = read_inputs(inputs, &mut sink);
        return print_report(&*view, status, format);
    };
    let mut views: Vec<Box<dyn View>> = std::iter::once(view).chain(others).collect();
    let status = read_inputs_in_lanes(inputs, filter, &mut views);
    let mut views = views.into_iter();
    let Some(mut first) = views.next() else {
        return ExitStatus::Fatal;
    };
    for other in views {
        first.absorb(other);
    }
    print_report(&*first, status, format)
}

/// Reads every input, hands its events to `sink`, prints the summary line; returns the exit
/// status the inputs deserve.
///
/// For a sink whose own work is heavy (the `churn` view, and `peers` when it does not run in
/// lanes), files are read and decoded on a second thread while this one feeds the sink (see
/// [`handoff`]): the two halves of the work run on two cores. Otherwise (the message log,
/// whose rendering is nearly all the work, and `timeline`), and always for standard input (a
/// live stream piped in is shown as it arrives, not per batch), everything runs on this
/// thread.
fn read_inputs(inputs: &Inputs, sink: &mut dyn Sink) -> ExitStatus {
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut summary = Summary::default();
    let (fatal, write_err) = if inputs.piped() || !sink.threaded() {
        let mut routers = Routers::new();
        decode_files(
            inputs,
            sink,
            &mut out,
            &mut summary,
            &mut routers,
            None,
            None,
        )
    } else {
        handoff::run(inputs, sink, &mut out, &mut summary)
    };
    // A closed stdout (`| head`) ends the run quietly; an input that could not be read before
    // that still makes it a failure.
    let closed = if fatal {
        ExitStatus::Fatal
    } else {
        ExitStatus::Clean
    };
    if let Some(e) = write_err {
        if is_broken_pipe(&e) {
            return closed;
        }
        eprintln!("bmpctl: error: writing output: {e}");
        return ExitStatus::Fatal;
    }
    if let Err(e) = out.flush() {
        if is_broken_pipe(&e) {
            return closed;
        }
        eprintln!("bmpctl: error: writing output: {e}");
        return ExitStatus::Fatal;
    }
    eprintln!("{}", summary.line());
    summary.status(fatal)
}

/// Reads every input in one lane per view, each on its own thread (the first on this one),
/// prints the summary line of all lanes together; returns the exit status the inputs deserve.
/// Views print nothing until the end, so there is no output to fail here.
fn read_inputs_in_lanes(
    inputs: &Inputs,
    filter: &Filter,
    views: &mut [Box<dyn View>],
) -> ExitStatus {
    let count = views.len();
    let abort = Arc::new(AtomicBool::new(false));
    let counted = Arc::new(AtomicU64::new(0));
    let Some((first_view, rest)) = views.split_first_mut() else {
        return ExitStatus::Fatal;
    };
    let run_lane = |index: usize, view: &mut Box<dyn View>| {
        let mut lane = Lane::new(index, count).counting_into(counted.clone());
        let mut sink = ViewSink::new(&mut **view, filter);
        let mut summary = Summary::default();
        let mut routers = Routers::new();
        // A view writes nothing until the end; errors go to stderr through `Sink::fatal`.
        let (fatal, _) = decode_files(
            inputs,
            &mut sink,
            &mut io::sink(),
            &mut summary,
            &mut routers,
            Some(&mut lane),
            Some(&abort),
        );
        sink.view_mut().finish();
        (fatal, summary)
    };
    let run_lane = &run_lane;
    let results = std::thread::scope(|scope| {
        let mut handles = Vec::new();
        for (i, view) in rest.iter_mut().enumerate() {
            let spawned = std::thread::Builder::new()
                .name(format!("bmpctl-lane-{}", i + 1))
                .spawn_scoped(scope, move || run_lane(i + 1, view));
            match spawned {
                Ok(h) => handles.push(h),
                Err(e) => {
                    // Without every lane some peers would go missing: stop the others.
                    abort.store(true, Ordering::Relaxed);
                    eprintln!("bmpctl: error: cannot start a decoding thread: {e}");
                    for h in handles {
                        let _ = h.join();
                    }
                    return None;
                }
            }
        }
        let mut results = vec![run_lane(0, first_view)];
        for h in handles {
            results.push(h.join().unwrap_or_else(|_| {
                eprintln!(
                    "bmpctl: error: a decoding thread failed (a bmpctl bug: please report it)"
                );
                (true, Summary::default())
            }));
        }
        Some(results)
    });
    let Some(results) = results else {
        return ExitStatus::Fatal;
    };
    let mut summary = Summary::default();
    let mut fatal = false;
    for (lane_fatal, lane_summary) in results {
        fatal |= lane_fatal;
        summary.add(lane_summary);
    }
    eprintln!("{}", summary.line());
    summary.status(fatal)
}
