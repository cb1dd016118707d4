//! skyform's single integration-test binary: runs the real `skyform` binary,
//! mostly against the in-process emulator.

mod apply;
mod cli;
mod client;
mod common;
mod concurrency;
mod confirm;
mod convergence;
mod emulator;
mod estimates;
mod examples;
mod harness;
mod hostile;
mod hostile_sandbox;
mod lists;
mod live_api;
mod map;
mod plan;
mod pricing;
mod python_flow;
mod quickstart;
mod replace;
mod saved_plan;
mod schemas;
mod validate;
