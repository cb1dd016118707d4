//! `pending` and `pending forget`, resolved: the commands that read and edit
//! the account's pending record on this machine.
//!
//! Pure: no IO.

use std::time::Duration;

use super::{ApiSettings, Environment, Lower, seconds};
use crate::Error;
use crate::cli::{ForgetArgs, PendingArgs};

/// `skyform pending`, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingSettings {
    /// How to reach the API (only its URL and key name the account).
    pub api: ApiSettings,
    /// `--max-list-lag`, for the listing's "held until".
    pub max_list_lag: Duration,
}

impl PendingSettings {
    /// Resolves the flags of `pending`.
    pub fn resolve(args: &PendingArgs, env: &Environment) -> Result<Self, Error> {
        Ok(Self {
            api: ApiSettings::resolve(&args.api, env)?,
            max_list_lag: seconds("max-list-lag", args.max_list_lag, Lower::Zero)?,
        })
    }
}

/// `skyform pending forget`, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct ForgetSettings {
    /// The entry whose pending orders are forgotten.
    pub entry: String,
    /// How to reach the API (only its URL and key name the account).
    pub api: ApiSettings,
    /// How long to wait for an apply's account lock; zero fails at once.
    pub lock_timeout: Duration,
}

impl ForgetSettings {
    /// Resolves the flags of `pending forget`.
    pub fn resolve(args: &ForgetArgs, env: &Environment) -> Result<Self, Error> {
        Ok(Self {
            entry: args.entry.clone(),
            api: ApiSettings::resolve(&args.api, env)?,
            lock_timeout: seconds("lock-timeout", args.lock_timeout, Lower::Zero)?,
        })
    }
}
