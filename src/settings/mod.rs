//! Resolved settings: the flags of [`crate::cli`] checked once and turned into
//! plain values (ripgrep's `LowArgs` → `HiArgs`, uv's `*Settings`).
//!
//! `cli` mirrors what the user typed; this module is the one place where
//! numbers are range-checked and flag combinations are refused, each with a
//! usage error that names the flag. Commands only see these types, and hand
//! the core (`plan::diff`, `pricing`, `apply`) the plain options built here.
//!
//! Pure: no IO. The one fact about the process a rule needs (whether stdin is a
//! terminal) is passed in, so every rule is unit-tested below.

use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Utc};

pub mod environment;
mod listing;
mod pending;

pub use environment::Environment;
pub use listing::{ExportSettings, OrdersSettings};
pub use pending::{ForgetSettings, PendingSettings};

use clearsky::api::ApiKey;

use crate::Error;
use crate::apply;
use crate::cli::{ApiArgs, ApplyArgs, Format, PlanArgs, PlanFlags};
use crate::limits;
use crate::plan::DiffOptions;
use crate::render;
use crate::saved_plan::{self, SavedSettings};

/// The longest wait or timeout any flag accepts: one day. Anything longer is
/// a typo, and would overflow the clock arithmetic of the waits.
pub const MAX_WAIT: Duration = Duration::from_secs(24 * 60 * 60);

/// How to reach the API: the resolved [`ApiArgs`].
#[derive(Debug, Clone, PartialEq)]
pub struct ApiSettings {
    /// API base URL (checked when the client is built).
    pub api_url: String,
    /// Read the API key from this file instead of `CLEARSKY_API_KEY`.
    pub api_key_file: Option<PathBuf>,
    /// Run against the embedded emulator.
    pub sandbox: bool,
    /// Where the sandbox keeps its state.
    pub sandbox_state: PathBuf,
    /// Longest wait for a connection; positive, at most [`MAX_WAIT`].
    pub connect_timeout: Duration,
    /// Longest wait for a whole request; positive, at most [`MAX_WAIT`].
    pub timeout: Duration,
    /// The clock to plan for (`--now`), when not the present.
    pub now: Option<DateTime<Utc>>,
    /// `CLEARSKY_API_KEY`, used when no `--api-key-file` is given.
    pub env_key: Option<ApiKey>,
    /// Where apply's account locks live.
    pub lock_dir: PathBuf,
    /// Test-only: the longest retry backoff against a loopback API URL.
    pub test_backoff: Option<Duration>,
}

impl ApiSettings {
    /// Checks the timeouts and parses `--now`; takes the key and the lock
    /// directory from `env`.
    pub fn resolve(args: &ApiArgs, env: &Environment) -> Result<Self, Error> {
        Ok(Self {
            api_url: args.api_url.clone(),
            env_key: env.api_key.clone(),
            lock_dir: env.lock_dir(),
            test_backoff: env.test_backoff_ms.map(Duration::from_millis),
            api_key_file: args.api_key_file.clone(),
            sandbox: args.sandbox,
            sandbox_state: args.sandbox_state.clone(),
            connect_timeout: seconds("connect-timeout", args.connect_timeout, Lower::Positive)?,
            timeout: seconds("timeout", args.timeout, Lower::Positive)?,
            now: args.now.as_deref().map(parse_now).transpose()?,
        })
    }
}

/// What a plan contains and how it is shown: the resolved [`PlanFlags`],
/// shared by `plan` and `apply`.
#[derive(Debug, Clone, PartialEq)]
pub struct Planning {
    /// Manifest files or directories.
    pub paths: Vec<PathBuf>,
    /// Also cancel live orders that match no entry.
    pub prune: bool,
    /// `--allow-empty`: `--prune` may run with no entry loaded.
    pub allow_empty: bool,
    /// Only these entries; empty means all. Checked against the manifests by
    /// the plan, once they are loaded.
    pub targets: Vec<String>,
    /// `--base`: the git revision holding the previous version of the
    /// manifests, as given (resolved to a commit by [`crate::base`]).
    pub base: Option<String>,
    /// Estimates, creates and cancels in flight at once (`--concurrency`);
    /// `None` leaves it to the account's limit ([`crate::limits`]).
    pub concurrency: Option<NonZeroUsize>,
    /// EUR limit on the current month; finite and not negative.
    pub max_cost: Option<f64>,
    /// Output format.
    pub format: Format,
    /// List unchanged entries and show long values in full.
    pub detailed: bool,
}

impl Planning {
    /// Checks `--concurrency` and `--max-cost`.
    pub fn resolve(flags: &PlanFlags) -> Result<Self, Error> {
        let concurrency = flags.concurrency.map(limits::flag).transpose()?;
        if let Some(max) = flags.max_cost
            && !(max.is_finite() && max >= 0.0)
        {
            return Err(Error::usage(
                format!("`--max-cost` must be a non-negative amount, not `{}`", shown(max)),
                None,
            ));
        }
        Ok(Self {
            paths: flags.paths.clone(),
            prune: flags.prune,
            allow_empty: flags.allow_empty,
            targets: flags.target.clone(),
            // Empty counts as not given, as for a CI variable left unset
            // (`SKYFORM_BASE: $CI_MERGE_REQUEST_DIFF_BASE_SHA` on a branch).
            base: flags.base.clone().filter(|b| !b.is_empty()),
            concurrency,
            max_cost: flags.max_cost,
            format: flags.format,
            detailed: flags.detailed,
        })
    }

    /// The options of [`plan::diff`] at `now`. Whether each `--target`
    /// names an entry is the plan's check ([`crate::ops::plan::make_plan`]).
    pub fn diff_options(&self, now: DateTime<Utc>) -> DiffOptions {
        DiffOptions {
            prune: self.prune,
            targets: self.targets.clone(),
            max_cost: self.max_cost,
            now,
        }
    }

    /// The settings a saved plan records (`plan --out`): the ones that decide
    /// what the plan contains, with `base_commit` the commit `--base` named.
    pub fn saved_settings(&self, base_commit: Option<&str>) -> SavedSettings {
        SavedSettings {
            prune: self.prune,
            targets: self.targets.clone(),
            max_cost: self.max_cost,
            base: base_commit.map(str::to_owned),
        }
    }

    /// The options of the plan renderers.
    pub fn render_options(&self, color: bool) -> render::RenderOptions {
        render::RenderOptions { color, detailed: self.detailed, no_map: false }
    }
}

/// `skyform plan`, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanSettings {
    /// What the plan contains and how it is shown.
    pub planning: Planning,
    /// How to reach the API.
    pub api: ApiSettings,
    /// Save the plan here.
    pub out: Option<PathBuf>,
    /// Exit 2 when the plan has changes.
    pub detailed_exitcode: bool,
    /// `--no-map`: no map in the Markdown plan.
    pub no_map: bool,
    /// How long to wait for orders an earlier apply left pending; at most [`MAX_WAIT`].
    pub recheck_wait: Duration,
    /// `--max-list-lag`: how long after its create an order may be missing
    /// from the list; at most [`MAX_WAIT`].
    pub max_list_lag: Duration,
}

impl PlanSettings {
    /// Checks every flag of `plan`.
    pub fn resolve(args: &PlanArgs, env: &Environment) -> Result<Self, Error> {
        let planning = Planning::resolve(&args.flags)?;
        if planning.paths.is_empty() {
            return Err(no_manifest("skyform plan orders/"));
        }
        Ok(Self {
            planning,
            api: ApiSettings::resolve(&args.api, env)?,
            out: args.out.clone(),
            detailed_exitcode: args.detailed_exitcode,
            no_map: args.no_map,
            recheck_wait: seconds("recheck-wait", args.flags.recheck_wait, Lower::Zero)?,
            max_list_lag: seconds("max-list-lag", args.flags.max_list_lag, Lower::Zero)?,
        })
    }
}

/// Whether `apply` asks before changing anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Approval {
    /// Ask on the terminal; only `yes` applies.
    Ask,
    /// `--auto-approve`: apply without asking.
    Given,
}

/// `skyform apply`, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct ApplySettings {
    /// What the plan contains and how it is shown (the paths may be empty
    /// with a saved plan, which names its own).
    pub planning: Planning,
    /// How to reach the API.
    pub api: ApiSettings,
    /// Apply this saved plan, if a plan made now equals it.
    pub saved_plan: Option<PathBuf>,
    /// The oldest saved plan apply accepts (`--max-plan-age`).
    pub max_plan_age: Duration,
    /// Apply creates that could not be priced (`--allow-unpriced`).
    pub allow_unpriced: bool,
    /// Ask first, or not; [`Approval::Ask`] only when stdin is a terminal.
    pub approval: Approval,
    /// How long to re-list the orders after a create with an unknown outcome,
    /// after the creates, and for pending orders; at most [`MAX_WAIT`].
    pub recheck_wait: Duration,
    /// `--max-list-lag`: how long after its create an order may be missing
    /// from the list; at most [`MAX_WAIT`].
    pub max_list_lag: Duration,
    /// How long to wait for another apply's account lock; zero fails at once.
    pub lock_timeout: Duration,
}

impl ApplySettings {
    /// Checks every flag of `apply`; `stdin_is_terminal` decides whether it
    /// can ask for confirmation.
    pub fn resolve(
        args: &ApplyArgs,
        env: &Environment,
        stdin_is_terminal: bool,
    ) -> Result<Self, Error> {
        let approval = match (args.auto_approve, stdin_is_terminal) {
            (true, _) => Approval::Given,
            (false, true) => Approval::Ask,
            (false, false) => {
                return Err(Error::usage(
                    "refusing to apply without confirmation: standard input is not a terminal",
                    Some("pass `--auto-approve` to apply without asking (as in CI)".to_owned()),
                ));
            }
        };
        let planning = Planning::resolve(&args.flags)?;
        if render::is_map(planning.format) {
            return Err(Error::usage(
                "`apply` cannot write a map (`--format geojson` or `svg`)",
                Some("draw the plan first with `skyform plan --format geojson` (or `svg`)".into()),
            ));
        }
        // With `--plan`, `--prune`, `--target`, `--max-cost` and `--base` are
        // checked against the saved plan's by `adopt_saved`, once the file is read.
        if args.plan.is_none() && planning.paths.is_empty() {
            return Err(no_manifest("skyform apply orders/"));
        }
        let max_plan_age = saved_plan::parse_age(&args.max_plan_age)
            .map_err(|e| Error::usage(format!("`--max-plan-age`: {e}"), None))?;
        Ok(Self {
            planning,
            api: ApiSettings::resolve(&args.api, env)?,
            saved_plan: args.plan.clone(),
            max_plan_age,
            allow_unpriced: args.allow_unpriced,
            approval,
            recheck_wait: seconds("recheck-wait", args.flags.recheck_wait, Lower::Zero)?,
            max_list_lag: seconds("max-list-lag", args.flags.max_list_lag, Lower::Zero)?,
            lock_timeout: seconds("lock-timeout", args.lock_timeout, Lower::Zero)?,
        })
    }

    /// Takes the plan-deciding settings of a saved plan. A saved plan is
    /// applied as saved: `--prune`, `--target`, `--max-cost` and `--base`
    /// (`base_commit`, the commit it named here) must be restated equal to the
    /// saved ones ([`SavedSettings::check_flags`]); output flags stay as given.
    pub fn adopt_saved(
        &mut self,
        saved: &SavedSettings,
        base_commit: Option<&str>,
    ) -> Result<(), Error> {
        saved.check_flags(&self.planning.saved_settings(base_commit))?;
        self.planning.prune = saved.prune;
        self.planning.targets.clone_from(&saved.targets);
        self.planning.max_cost = saved.max_cost;
        Ok(())
    }

    /// The executor's options, with `concurrency` as decided for the account.
    pub fn executor_options(&self, concurrency: NonZeroUsize) -> apply::ExecuteOptions {
        apply::ExecuteOptions {
            concurrency: concurrency.get(),
            unknown_polls: clearsky::api::poll::recheck_polls(self.recheck_wait),
            max_list_lag: self.max_list_lag,
            ..apply::ExecuteOptions::default()
        }
    }
}

fn no_manifest(example: &str) -> Error {
    Error::usage(
        "no manifest given",
        Some(format!("name manifest files or directories, e.g. `{example}`")),
    )
}

/// The smallest value a seconds flag accepts.
#[derive(Clone, Copy)]
pub(crate) enum Lower {
    Zero,
    Positive,
}

/// A seconds flag as a [`Duration`]: finite, in range, at most [`MAX_WAIT`].
pub(crate) fn seconds(flag: &str, value: f64, lower: Lower) -> Result<Duration, Error> {
    let (ok, kind) = match lower {
        Lower::Zero => (value >= 0.0, "non-negative"),
        Lower::Positive => (value > 0.0, "positive"),
    };
    if !(ok && value.is_finite()) {
        return Err(Error::usage(
            format!("`--{flag}` must be a {kind} number of seconds, not `{}`", shown(value)),
            None,
        ));
    }
    match Duration::try_from_secs_f64(value) {
        Ok(d) if d <= MAX_WAIT => Ok(d),
        _ => Err(Error::usage(
            format!(
                "`--{flag}` must be at most {} seconds (one day), not `{}`",
                MAX_WAIT.as_secs(),
                shown(value)
            ),
            None,
        )),
    }
}

/// A number as the user would have typed it: `1e300`, not 301 digits.
fn shown(value: f64) -> String {
    if value.is_finite() && value.abs() >= 1e15 { format!("{value:e}") } else { value.to_string() }
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

#[cfg(test)]
mod tests;
