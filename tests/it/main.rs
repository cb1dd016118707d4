//! skyform's single integration-test binary: runs the real `skyform` binary,
//! mostly against the in-process emulator.

mod apply;
mod cli;
mod client;
mod common;
mod confirm;
mod convergence;
mod emulator;
mod examples;
mod harness;
mod plan;
mod pricing;
mod quickstart;
mod schemas;
mod validate;
