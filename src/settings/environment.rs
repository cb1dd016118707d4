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

/// The variable that moves the machine directory of apply locks and pending
/// records (tests use it to simulate runs on different machines).
pub const LOCK_DIR_ENV: &str = "SKYFORM_LOCK_DIR";

/// Windows only: the parent of the machine directory.
pub const PROGRAM_DATA_ENV: &str = "PROGRAMDATA";

/// The machine directory on Unix: the same for every user, working directory,
/// `$HOME` and `$TMPDIR` of the machine, and kept across reboots (the FHS
/// promises `/var/tmp` on every Unix, writable by everyone, not cleared at boot).
#[cfg(unix)]
pub const MACHINE_DIR: &str = "/var/tmp/skyform";

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
    /// `PROGRAMDATA` (Windows only: the machine directory's parent).
    pub program_data: Option<PathBuf>,
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
            program_data: if cfg!(windows) {
                var(PROGRAM_DATA_ENV).filter(|d| !d.is_empty()).map(PathBuf::from)
            } else {
                None
            },
        }
    }

    /// The machine directory, where the apply locks and pending records of
    /// every account live: `SKYFORM_LOCK_DIR`, else [`MACHINE_DIR`] on Unix
    /// (`%ProgramData%\skyform` on Windows). Never under `$TMPDIR`, `$HOME`
    /// or the working directory, which differ between runs of one machine.
    pub fn lock_dir(&self) -> PathBuf {
        if let Some(dir) = &self.lock_dir {
            return dir.clone();
        }
        #[cfg(unix)]
        {
            PathBuf::from(MACHINE_DIR)
        }
        #[cfg(not(unix))]
        {
            let base = self.program_data.clone();
            base.unwrap_or_else(|| PathBuf::from(r"C:\ProgramData")).join("skyform")
        }
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
            .field("program_data", &self.program_data)
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

    #[cfg(unix)]
    #[test]
    fn the_machine_directory_depends_on_no_temporary_or_home_directory() {
        let dir = |tmp: &str, home: &str| {
            let (tmp, home) = (tmp.to_owned(), home.to_owned());
            Environment::from_vars(move |name| match name {
                "TMPDIR" => Some(tmp.clone()),
                "HOME" | "XDG_STATE_HOME" => Some(home.clone()),
                _ => None,
            })
            .lock_dir()
        };
        assert_eq!(dir("/tmp/a", "/home/a"), PathBuf::from("/var/tmp/skyform"));
        assert_eq!(dir("/tmp/b", "/builds/b"), dir("/tmp/a", "/home/a"));
        let moved = Environment::from_vars(|n| (n == LOCK_DIR_ENV).then(|| "/m/1".to_owned()));
        assert_eq!(moved.lock_dir(), PathBuf::from("/m/1"));
    }
}
