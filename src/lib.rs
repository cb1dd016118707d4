//! skyform: declarative plan/apply for ClearSKY Vision tasking orders.
//!
//! Data flow: `cli` parses the flags and `settings` checks and resolves them;
//! `manifest` loads and validates YAML into `spec::DesiredSet`;
//! `api::Client` lists live orders; `identity` matches them; `plan::diff`
//! decides; `render` shows; `apply` executes. `emulator` is a local ClearSKY
//! API used by the tests, `--sandbox` and the benchmarks.

pub mod apply;
pub mod base;
pub mod cli;
pub mod commands;
pub mod connect;
pub mod error;
pub mod export;
pub mod footprints;
pub mod identity;
mod inert;
pub mod limits;
pub mod lock;
pub mod machine;

pub mod manifest;
pub mod offered;
pub mod ops;
pub mod pending;
pub mod plan;
pub mod pricing;
pub mod reference;
pub mod render;

pub mod sandbox;
pub mod saved_plan;
pub mod settings;
pub mod spec;
pub mod suggest;
pub mod ui;

#[cfg(test)]
mod testing;

pub use error::{Error, ExitStatus};

/// Runs one command line; the caller turns the result into an exit code.
pub fn run(args: cli::Args) -> Result<ExitStatus, Error> {
    commands::run(args)
}
