//! skyform's single integration-test binary: runs the real `skyform` binary,
//! mostly against the in-process emulator.

mod cli;
mod client;
mod common;
mod emulator;
mod apply;
mod harness;
mod plan;
mod convergence;
mod confirm;
mod quickstart;
