//! The `bmpctl` binary: parse the command line, run, exit with the status `app` decided.
#![forbid(unsafe_code)]

use clap::Parser;

fn main() {
    let cli = bmpctl::cli::Cli::parse();
    let status = bmpctl::app::run(cli);
    std::process::exit(status as i32);
}
