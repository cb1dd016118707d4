//! Reaching the API from the command line: the real service, or the embedded
//! emulator for `--sandbox`.
//!
//! Does IO: reads the key file, starts the sandbox emulator, writes one line
//! on stderr when the sandbox is in use.

use std::io::Write;

use chrono::{DateTime, Utc};

use crate::api::{self, Client};
use crate::cli::ApiArgs;
use crate::{Error, emulator};

/// The API key of the sandbox emulator (not a secret).
pub const SANDBOX_KEY: &str = "sandbox";

/// A client and, for `--sandbox`, the emulator it talks to.
pub struct Connection {
    /// The API client.
    pub client: Client,
    /// The clock plans are made for: the sandbox's clock, `--now`, or the system clock.
    pub now: DateTime<Utc>,
    /// Keeps the sandbox emulator running while the command runs.
    _sandbox: Option<emulator::Handle>,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("client", &self.client)
            .field("now", &self.now)
            .finish_non_exhaustive()
    }
}

impl Connection {
    /// A connection through `client`, planning for `now` (for library users and benchmarks).
    pub fn new(client: Client, now: DateTime<Utc>) -> Self {
        Self { client, now, _sandbox: None }
    }
}

/// Connects as the flags say. With `--sandbox`, starts the emulator on a free
/// loopback port with its state in `--sandbox-state` (created on first use)
/// and auto-accept on.
///
/// The sandbox's clock starts at the emulator's fixed date (2025-04-10, the
/// month of the ClearSKY docs' examples) and is kept in the state file, so a
/// sandbox session is reproducible; `--now` moves it (forward only).
pub fn connect(args: &ApiArgs) -> Result<Connection, Error> {
    let now = args.now.as_deref().map(parse_now).transpose()?;
    if args.sandbox {
        return sandbox(args, now);
    }
    let env_key = std::env::var("CLEARSKY_API_KEY").ok().filter(|k| !k.trim().is_empty());
    let mut config = api::Config::resolve(&args.api_url, args.api_key_file.as_deref(), env_key)?;
    apply_timeouts(&mut config, args)?;
    Ok(Connection {
        client: Client::new(config)?,
        now: now.unwrap_or_else(Utc::now),
        _sandbox: None,
    })
}

fn sandbox(args: &ApiArgs, now: Option<DateTime<Utc>>) -> Result<Connection, Error> {
    let path = &args.sandbox_state;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| Error::Io {
            action: "create",
            path: dir.to_owned(),
            source,
        })?;
    }
    let config = emulator::Config {
        api_keys: vec![SANDBOX_KEY.to_owned()],
        auto_accept: true,
        balance_eur: 1_000_000.0,
        state_file: Some(path.clone()),
        ..emulator::Config::default()
    };
    let handle = emulator::spawn(config).map_err(|source| Error::Io {
        action: "start the sandbox with",
        path: path.clone(),
        source,
    })?;
    // Moving the clock forward renews recurring orders on each 1st passed.
    if let Some(t) = now.filter(|t| *t > handle.now()) {
        handle.set_now(t);
    }
    let _ = writeln!(
        std::io::stderr(),
        "sandbox: using the embedded ClearSKY emulator (state in `{}`); no real orders are placed",
        path.display()
    );
    let mut config = api::Config::new(&handle.url(), api::ApiKey::new(SANDBOX_KEY))?;
    apply_timeouts(&mut config, args)?;
    let now = handle.now();
    Ok(Connection { client: Client::new(config)?, now, _sandbox: Some(handle) })
}

fn apply_timeouts(config: &mut api::Config, args: &ApiArgs) -> Result<(), Error> {
    let secs = |name: &str, v: f64| {
        if v.is_finite() && v > 0.0 {
            Ok(std::time::Duration::from_secs_f64(v))
        } else {
            Err(Error::usage(
                format!("`--{name}` must be a positive number of seconds, not `{v}`"),
                None,
            ))
        }
    };
    config.connect_timeout = secs("connect-timeout", args.connect_timeout)?;
    config.request_timeout = secs("timeout", args.timeout)?;
    Ok(())
}

/// Parses `--now`: an RFC 3339 time or a `YYYY-MM-DD` day (midnight UTC).
pub fn parse_now(s: &str) -> Result<DateTime<Utc>, Error> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
        .ok_or_else(|| {
            Error::usage(
                format!("invalid time `{s}`"),
                Some(
                    "write an RFC 3339 time (`2025-04-10T12:00:00Z`) or a day (`2025-04-10`)"
                        .into(),
                ),
            )
        })
}
