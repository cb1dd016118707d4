//! `skyform emulator` resolved and served: the flags turned into the
//! emulator's [`Config`], and the emulator run in the foreground until Ctrl-C.
//!
//! Does IO (reads a `--models` file, binds a port, waits for signals).

use std::path::Path;
use std::time::Duration;

use clearsky::read::{self, FileKind};
use clearsky_emulator::{self as emulator, AreaRule, Catalogue, Config, FaultRates};

use crate::Error;
use crate::cli::{EmulatorArgs, RenewalStopArg};

/// Serves the emulator as `args` say; calls `on_url` with its URL once it
/// listens (and Ctrl-C is watched for), and returns at the first Ctrl-C or SIGTERM.
pub fn serve(args: &EmulatorArgs, on_url: impl FnOnce(&str)) -> Result<(), Error> {
    let config = settings(args)?;
    let handle = emulator::serve(&listen_addr(&args.listen), config).map_err(|e| {
        Error::usage(format!("cannot start the emulator on `{}`: {e}", args.listen), None)
    })?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::usage(format!("cannot start a runtime: {e}"), None))?;
    // Listen for Ctrl-C before the URL is given: whoever reads the URL may
    // interrupt at once, and must get a clean stop, not the default death.
    let stopped = {
        let _guard = runtime.enter();
        stop_signal().map_err(|e| Error::usage(format!("cannot watch for Ctrl-C: {e}"), None))?
    };
    on_url(&handle.url());
    runtime.block_on(stopped);
    drop(handle);
    Ok(())
}

/// A future that ends at the first Ctrl-C (or SIGTERM), registered now.
#[cfg(unix)]
fn stop_signal() -> std::io::Result<impl Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
    })
}

#[cfg(not(unix))]
fn stop_signal() -> std::io::Result<impl Future<Output = ()>> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}

/// The address to bind: `:PORT` (no host, as in Go and many servers) means
/// the loopback interface, since the emulator is for this machine.
fn listen_addr(listen: &str) -> String {
    match listen.strip_prefix(':') {
        Some(port) => format!("127.0.0.1:{port}"),
        None => listen.to_owned(),
    }
}

/// Turns the flags into a [`Config`].
fn settings(args: &EmulatorArgs) -> Result<Config, Error> {
    let mut config = Config::default();
    if !args.api_keys.is_empty() {
        config.api_keys.clone_from(&args.api_keys);
    }
    if let Some(now) = &args.now {
        config.now = emulator::parse_time(now).ok_or_else(|| {
            Error::usage(
                format!("invalid `--now` value `{now}`"),
                Some("use a date like `2025-04-10` or an RFC 3339 time".to_owned()),
            )
        })?;
    }
    if !(0.0..=1.0).contains(&args.fault_rate) {
        return Err(Error::usage(
            format!("`--fault-rate` must be between 0 and 1, not `{}`", args.fault_rate),
            None,
        ));
    }
    config.auto_accept = args.auto_accept;
    config.latency = Duration::from_millis(args.latency_ms);
    config.fault_rates = FaultRates::transient(args.fault_rate);
    config.seed = args.seed;
    config.area_rule = if args.new_area_rule { AreaRule::AsSent } else { AreaRule::BoundingBox };
    config.balance_eur = args.balance;
    config.overdraft_eur = args.overdraft;
    config.state_file.clone_from(&args.state);
    config.max_connections = args.max_connections.map(std::num::NonZeroUsize::get);
    config.renewal_stop = match args.renewal_stop {
        RenewalStopArg::MonthEnd => emulator::RenewalStop::MonthEnd,
        RenewalStopArg::Canceled => emulator::RenewalStop::Canceled,
    };
    if let Some(path) = &args.models {
        config.models = models(path)?;
    }
    Ok(config)
}

/// Reads a `--models` file; a bad one stops the emulator before it starts.
fn models(path: &Path) -> Result<Catalogue, Error> {
    let bytes = read::read(path, FileKind::Models).map_err(|source| Error::Io {
        action: "read the models file",
        path: path.to_owned(),
        source,
    })?;
    Catalogue::from_json(&bytes).map_err(|problems| {
        let what = match problems.as_slice() {
            [one] => format!(": {one}"),
            many => format!(":\n  {}", many.join("\n  ")),
        };
        Error::usage(
            format!("invalid models file `{}`{what}", path.display()),
            Some(
                "the file holds the answer of `GET /api/tasking/models` (or its `Data`); \
                 `examples/emulator-models.json` is one"
                    .to_owned(),
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_listen_address_without_host_is_loopback() {
        assert_eq!(super::listen_addr(":0"), "127.0.0.1:0");
        assert_eq!(super::listen_addr(":8080"), "127.0.0.1:8080");
        assert_eq!(super::listen_addr("0.0.0.0:80"), "0.0.0.0:80");
        assert_eq!(super::listen_addr("[::1]:0"), "[::1]:0");
    }
}
