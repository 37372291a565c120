//! bmpctl's integration tests: one test binary, one module per area, helpers in [`support`].
//! One binary links the crate once instead of once per area, and its tests share the test
//! harness's threads.
//!
//! `cargo test --test it` runs them all; `cargo test --test it AREA::` one area (the filter
//! is a substring of `area::test_name`, e.g. `captures::`, `live::`; `golden` alone is enough).
//! `tests/alloc.rs` stays a binary of its own: it measures allocations with a process-wide
//! allocator (see its top).
//!
//! Every run of the `bmpctl` binary goes through [`support::bmpctl`] (or
//! [`support::bmpctl_command`] for a child process the test drives itself), which scrubs the
//! environment the binary reads. Colour of in-process text rendering is process-wide too:
//! tests that render text call [`support::no_colour`].

mod support;

mod attributes;
mod bmpv4;
mod capture_cli;
mod captures;
mod churn;
mod cli;
mod decode;
mod doc_examples;
mod families;
mod generated;
mod golden;
mod handoff;
mod interop;
mod lanes;
mod layers;
mod live;
mod peers;
mod robustness;
mod sources;
mod timeline;
