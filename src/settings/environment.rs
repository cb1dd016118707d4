//! The process environment as skyform reads it: captured once at start-up,
//! then passed to the settings. After [`Environment::capture`] no module reads
//! an environment variable (clap reads the ones that stand for flags, such as
//! `CLEARSKY_API_URL`, `SKYFORM_NOW` and `SKYFORM_RECHECK_WAIT`).
//!
//! IO only in [`Environment::capture`]; everything else is a plain value.

use std::fmt;
use std::path::PathBuf;

use clearsky::api::ApiKey;

/// The variable holding the API key.
pub const API_KEY_ENV: &str = "CLEARSKY_API_KEY";

/// Set and not empty: no colour ([no-color.org](https://no-color.org)).
pub const NO_COLOR_ENV: &str = "NO_COLOR";

/// `tracing` directives; win over `-v`.
pub const RUST_LOG_ENV: &str = "RUST_LOG";

/// Test-only: the longest retry backoff, in milliseconds, against a loopback
/// API URL ([`crate::connect`]).
pub const TEST_BACKOFF_ENV: &str = "SKYFORM_TEST_BACKOFF_MS";

/// The variable that moves the apply lock directory (tests use it to simulate
/// runs on different machines).
pub const LOCK_DIR_ENV: &str = "SKYFORM_LOCK_DIR";

/// What skyform takes from the environment besides its flags.
#[derive(Clone, Default)]
pub struct Environment {
    /// `CLEARSKY_API_KEY`, when set and not blank.
    pub api_key: Option<ApiKey>,
    /// `NO_COLOR` is set and not empty.
    pub no_color: bool,
    /// `RUST_LOG`, when set.
    pub rust_log: Option<String>,
    /// `SKYFORM_LOCK_DIR`, when set and not empty.
    pub lock_dir: Option<PathBuf>,
    /// `SKYFORM_TEST_BACKOFF_MS`, when set to a number.
    pub test_backoff_ms: Option<u64>,
}

impl Environment {
    /// Reads the variables of the running process.
    pub fn capture() -> Self {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// Builds the snapshot from a lookup (tests pass a map).
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Self {
        Self {
            api_key: var(API_KEY_ENV).map(ApiKey::new).filter(|k| !k.expose().is_empty()),
            no_color: var(NO_COLOR_ENV).is_some_and(|v| !v.is_empty()),
            rust_log: var(RUST_LOG_ENV),
            lock_dir: var(LOCK_DIR_ENV).filter(|d| !d.is_empty()).map(PathBuf::from),
            test_backoff_ms: var(TEST_BACKOFF_ENV).and_then(|v| v.trim().parse().ok()),
        }
    }

    /// Where apply locks live: `SKYFORM_LOCK_DIR`, else `skyform-locks` in
    /// the system's temporary directory.
    pub fn lock_dir(&self) -> PathBuf {
        self.lock_dir.clone().unwrap_or_else(|| std::env::temp_dir().join("skyform-locks"))
    }
}

impl fmt::Debug for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The key's own Debug hides it; say only whether it is there.
        f.debug_struct("Environment")
            .field("api_key", &self.api_key.as_ref().map(|_| "***"))
            .field("no_color", &self.no_color)
            .field("rust_log", &self.rust_log)
            .field("lock_dir", &self.lock_dir)
            .field("test_backoff_ms", &self.test_backoff_ms)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_values_count_as_unset_and_the_key_never_shows() {
        let env = Environment::from_vars(|name| match name {
            "CLEARSKY_API_KEY" => Some("  sk-secret-1234  ".to_owned()),
            "NO_COLOR" | "SKYFORM_LOCK_DIR" => Some(String::new()),
            _ => None,
        });
        assert_eq!(env.api_key.as_ref().map(ApiKey::expose), Some("sk-secret-1234"));
        assert!(!env.no_color);
        assert_eq!(env.lock_dir, None);
        assert!(!format!("{env:?}").contains("sk-secret"), "{env:?}");
        let blank = Environment::from_vars(|n| (n == API_KEY_ENV).then(|| " ".to_owned()));
        assert!(blank.api_key.is_none());
    }
}
