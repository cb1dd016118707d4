//! The process-wide `tracing` subscriber: `-v` and `RUST_LOG` decide what the
//! API client and skyform log to stderr.
//!
//! IO: installs a global subscriber once, at start-up.

use std::io::IsTerminal;

/// Installs the process-wide `tracing` subscriber, writing to stderr.
///
/// `RUST_LOG` wins when set; otherwise `-v` shows each API request (method,
/// path, status, attempt, duration) and `-vv` adds the HTTP stack's own debug
/// lines. Does nothing if a subscriber is already installed.
pub fn init(verbose: u8, rust_log: Option<&str>) {
    let filter = tracing_subscriber::EnvFilter::new(log_filter(verbose, rust_log));
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
        (_, 1) => "warn,skyform=debug,clearsky=debug".to_owned(),
        _ => "debug,skyform=trace,clearsky=trace".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::log_filter;

    #[test]
    fn rust_log_wins_over_verbose() {
        assert_eq!(log_filter(0, None), "warn");
        assert_eq!(log_filter(1, Some("  ")), "warn,skyform=debug,clearsky=debug");
        assert_eq!(log_filter(3, None), "debug,skyform=trace,clearsky=trace");
        assert_eq!(log_filter(1, Some("skyform=trace")), "skyform=trace");
    }
}
