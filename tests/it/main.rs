//! skyform's single integration-test binary: runs the real `skyform` binary,
//! mostly against the in-process emulator.

mod cli;
mod common;
mod examples;
mod schemas;
mod validate;
