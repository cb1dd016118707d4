//! The ClearSKY API: wire types shared with the emulator, and the client.
//!
//! [`Client`] does the network IO; everything it decides is pure and lives in
//! its own file: [`request`] builds requests as values, [`response::handle`]
//! maps every answer to data or an [`Error`], [`retry::RetryPolicy`] decides
//! whether and when to try again, and [`config`] says where and how to connect.
//! Creates are never retried and report [`CreateOutcome`]; cancels report
//! [`CancelOutcome`].

mod body;
pub mod client;
pub mod config;
pub mod error;
pub mod request;
pub mod response;
pub mod retry;
pub mod server_clock;
pub mod types;

use std::io::IsTerminal;

pub use client::{CancelOutcome, Client, CreateOutcome};
pub use config::{ApiKey, Config, DEFAULT_URL, Jitter, MAX_ANSWER_BYTES, Sleeper};
pub use error::Error;
pub use request::ListQuery;
pub use retry::RetryPolicy;
pub use server_clock::ServerClock;

/// Installs the process-wide `tracing` subscriber, writing to stderr.
///
/// `RUST_LOG` wins when set; otherwise `-v` shows each API request (method,
/// path, status, attempt, duration) and `-vv` adds the HTTP stack's own debug
/// lines. Does nothing if a subscriber is already installed.
pub fn init_logging(verbose: u8) {
    let rust_log = std::env::var("RUST_LOG").ok();
    let filter = tracing_subscriber::EnvFilter::new(log_filter(verbose, rust_log.as_deref()));
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(filter)
        .try_init();
}

/// The `EnvFilter` directives for a `-v` count and an optional `RUST_LOG`.
pub fn log_filter(verbose: u8, rust_log: Option<&str>) -> String {
    match (rust_log.map(str::trim), verbose) {
        (Some(directives), _) if !directives.is_empty() => directives.to_owned(),
        (_, 0) => "warn".to_owned(),
        (_, 1) => "warn,skyform=debug".to_owned(),
        _ => "debug,skyform=trace".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::log_filter;

    #[test]
    fn rust_log_wins_over_verbose() {
        assert_eq!(log_filter(0, None), "warn");
        assert_eq!(log_filter(1, Some("  ")), "warn,skyform=debug");
        assert_eq!(log_filter(3, None), "debug,skyform=trace");
        assert_eq!(log_filter(1, Some("skyform=trace")), "skyform=trace");
    }
}
