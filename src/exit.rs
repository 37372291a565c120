//! How a run ends, decided in one place: the exit status every command returns.

use std::io;

/// The exit status of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// Everything decoded cleanly (warnings and info findings allowed).
    Clean = 0,
    /// The input had errors: a finding of severity error.
    InputErrors = 1,
    /// Usage or I/O failure: an input could not be read, output could not be written, an
    /// address could not be bound.
    Fatal = 2,
}

/// Whether an output error means the reader went away (`| head`): the run then ends quietly.
pub fn is_broken_pipe(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::BrokenPipe
}
