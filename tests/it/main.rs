//! skyform's single integration-test binary: runs the real `skyform` binary,
//! mostly against the in-process emulator.

mod apply;
mod apply_events;
mod cli;
mod client;
mod concurrency;
mod confirm;
mod convergence;
mod dedupe;
mod emulator;
mod emulator_faults;
mod emulator_models;
mod estimates;
mod examples;
mod harness;
mod hostile;
mod hostile_sandbox;
mod killed;
mod layout;
mod lists;
mod live_api;
mod machine_lock;
mod map;
mod models;
mod pending_machine;
mod plan;
mod pricing;
mod progress;
mod python_flow;
mod quickstart;
mod readme;
mod replace;
mod saved_plan;
mod schemas;
mod shell;
mod validate;
