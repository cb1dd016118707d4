//! Reaching the API from the command line: the real service, or the embedded
//! emulator for `--sandbox` ([`crate::sandbox`]).
//!
//! Does IO: reads the key file, starts the sandbox.

use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, Utc};
use clearsky::api::{self, Client};
use clearsky::calendar;

use crate::Error;
use crate::sandbox::{SANDBOX_KEY, Sandbox};
use crate::settings::ApiSettings;
use crate::ui::Ui;

/// A client and, for `--sandbox`, the emulator it talks to.
pub struct Connection {
    /// The API client.
    pub client: Client,
    /// The clock plans are made for when it is fixed: `--now`, or the sandbox's clock.
    fixed_now: Option<DateTime<Utc>>,
    /// Set once the clock skew line has been given.
    skew_told: AtomicBool,
    /// Keeps the sandbox emulator running, and its state locked, while the
    /// command runs.
    _sandbox: Option<Sandbox>,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("client", &self.client)
            .field("fixed_now", &self.fixed_now)
            .finish_non_exhaustive()
    }
}

impl Connection {
    /// A connection through `client`, planning for `now` (for library users and benchmarks).
    pub fn new(client: Client, now: DateTime<Utc>) -> Self {
        Self::with(client, Some(now), None)
    }

    fn with(client: Client, fixed_now: Option<DateTime<Utc>>, sandbox: Option<Sandbox>) -> Self {
        Self { client, fixed_now, skew_told: AtomicBool::new(false), _sandbox: sandbox }
    }

    /// The time plans are made for ([`calendar::planning_now`]): `--now` or
    /// the sandbox's clock when fixed, else the server's clock (the `Date` of
    /// its latest answer), else this machine's.
    pub fn now(&self) -> DateTime<Utc> {
        calendar::planning_now(self.fixed_now, self.client.server_now(), Utc::now())
    }

    /// The line to tell, once per run, when this machine's clock is off from
    /// the server's by more than [`calendar::CLOCK_TOLERANCE`].
    pub fn clock_skew_note(&self) -> Option<String> {
        if self.fixed_now.is_some() {
            return None;
        }
        let line = calendar::skew_note(Utc::now(), self.client.server_now()?)?;
        (!self.skew_told.swap(true, Ordering::SeqCst)).then_some(line)
    }
}

/// Connects as the settings say. With `--sandbox`, starts the emulator on a
/// free loopback port with its state in `--sandbox-state` (created on first
/// use) and auto-accept on.
///
/// The sandbox's clock starts at the emulator's fixed date (2025-04-10, the
/// month of the ClearSKY docs' examples) and is kept in the state file, so a
/// sandbox session is reproducible; `--now` moves it (forward only).
pub fn connect(args: &ApiSettings, ui: &dyn Ui) -> Result<Connection, Error> {
    if args.sandbox {
        let sandbox = Sandbox::start(&args.sandbox_state, args.now, ui)?;
        let mut config = api::Config::new(&sandbox.url(), api::ApiKey::new(SANDBOX_KEY))?;
        set_timeouts(&mut config, args);
        let now = sandbox.now();
        return Ok(Connection::with(Client::new(config)?, Some(now), Some(sandbox)));
    }
    let env_key = args.env_key.as_ref().map(|k| k.expose().to_owned());
    let mut config = api::Config::resolve(&args.api_url, args.api_key_file.as_deref(), env_key)?;
    set_timeouts(&mut config, args);
    Ok(Connection::with(Client::new(config)?, args.now, None))
}

fn set_timeouts(config: &mut api::Config, args: &ApiSettings) {
    config.connect_timeout = args.connect_timeout;
    config.request_timeout = args.timeout;
    cap_backoff(config, args.test_backoff);
}

/// Test-only: the longest wait the client's retry backoff may make between
/// two attempts (the policy's base and cap are lowered to it, and so is a
/// create's wait for a server's `Retry-After`), so that tests of the binary
/// against the emulator do not sleep through real backoffs
/// (`SKYFORM_TEST_BACKOFF_MS`, read by [`crate::settings::Environment`]).
/// Honoured only for a loopback API URL (an emulator), and it only shortens
/// those waits: the attempts made, the re-check window (`--recheck-wait`) and
/// the rule that a create is sent again only after a list shows no such order
/// are untouched, so it cannot buy anything twice.
fn cap_backoff(config: &mut api::Config, most: Option<std::time::Duration>) {
    let Some(most) = most else { return };
    let url = reqwest::Url::parse(&config.base_url).ok();
    let host = url.as_ref().and_then(reqwest::Url::host_str).unwrap_or_default();
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let loopback = host
        .parse::<std::net::IpAddr>()
        .map_or(host.eq_ignore_ascii_case("localhost"), |ip| ip.is_loopback());
    if loopback {
        config.retry.base = config.retry.base.min(most);
        config.retry.cap = config.retry.cap.min(most);
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::cap_backoff;
    use clearsky::api::{ApiKey, Config, RetryPolicy};

    fn capped(url: &str, millis: Option<u64>) -> RetryPolicy {
        let mut config = Config::new(url, ApiKey::new("k")).unwrap();
        cap_backoff(&mut config, millis.map(Duration::from_millis));
        config.retry
    }

    #[test]
    fn the_test_backoff_only_shortens_waits_and_only_for_an_emulator() {
        let short = RetryPolicy {
            base: Duration::from_millis(1),
            cap: Duration::from_millis(1),
            ..RetryPolicy::default()
        };
        for url in ["http://127.0.0.1:8080", "http://[::1]:9", "http://localhost:1"] {
            assert_eq!(capped(url, Some(1)), short, "{url}");
        }
        assert_eq!(capped("https://api.clearsky.vision", Some(1)), RetryPolicy::default());
        assert_eq!(capped("http://127.0.0.1:8080", None), RetryPolicy::default());
        assert_eq!(capped("http://127.0.0.1:8080", Some(3_600_000)), RetryPolicy::default());
    }
}
