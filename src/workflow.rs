//! The steps `plan`, `apply`, `orders` and `export` share: load the manifests
//! (reporting every problem), list the live orders, diff, price.
//!
//! Does IO (files, the API, stderr for manifest diagnostics); the decisions are
//! made by the pure modules it calls.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Duration;

use crate::connect::Connection;
use crate::pending::{self, Pending};
use crate::plan::{self, Plan};
use crate::progress::Progress;
use crate::settings::Planning;
use crate::spec::DesiredSet;
use crate::{Error, ExitStatus, manifest, offered, pricing};
use clearsky::api::request::ListQuery;
use clearsky::api::types::{TaskOrder, TaskingModels};

/// Loads and validates the manifests; prints warnings to stderr; on
/// problems, prints them all and fails with [`Error::Invalid`].
pub fn load(paths: &[PathBuf], color: bool) -> Result<DesiredSet, Error> {
    let loaded = manifest::load_all(paths).map_err(|diags| report_problems(&diags, color))?;
    report_warnings(&loaded.warnings, color);
    Ok(loaded.set)
}

/// Prints manifest warnings to stderr, as [`report_problems`] prints problems.
pub fn report_warnings(warnings: &manifest::Diagnostics, color: bool) {
    if warnings.warnings().is_empty() {
        return;
    }
    let stderr = std::io::stderr();
    let fancy = stderr.is_terminal();
    let mut err = stderr.lock();
    let _ = warnings.render_styled(&mut err, fancy, color);
    let _ = err.flush();
}

/// Prints manifest problems to stderr (a snippet on a terminal, plain
/// `file:line:col` lines otherwise) and returns the error that ends the command.
pub fn report_problems(diags: &manifest::Diagnostics, color: bool) -> Error {
    let stderr = std::io::stderr();
    let fancy = stderr.is_terminal();
    let mut err = stderr.lock();
    let _ = diags.render_styled(&mut err, fancy, color);
    let _ = err.flush();
    Error::Invalid { count: diags.len() }
}

/// Lists every live order of the account, expired ones included (an expired
/// historical order still satisfies its entry: it must not be bought again).
pub async fn list_live(conn: &Connection) -> Result<Vec<TaskOrder>, Error> {
    let query = ListQuery { get_expired: true, ..ListQuery::default() };
    let progress = Progress::spinner("Listing the live orders…");
    let live = conn.client.list(query).await;
    progress.finish();
    let live = live?;
    conn.tell_clock_skew();
    Ok(live)
}

/// Lists the live orders, then waits up to `window` for the orders an
/// earlier apply on this machine left pending ([`pending::settle::before_plan`]);
/// progress goes to stderr. The record is updated in memory; apply saves it.
pub async fn list_settled(
    conn: &Connection,
    desired: &DesiredSet,
    pending: &mut Pending,
    window: Duration,
) -> Result<Vec<TaskOrder>, Error> {
    let live = list_live(conn).await?;
    let say = |line: &str| {
        let _ = writeln!(std::io::stderr(), "{line}");
    };
    let now = chrono::Utc::now();
    Ok(pending::settle::before_plan(&conn.client, pending, desired, live, window, now, &say)
        .await?)
}

/// Diffs, checks the creates against the models the API offers, and prices:
/// the plan `plan` shows and `apply` executes. Fails with [`Error::Invalid`]
/// when a create names a model or constellation the API refuses, and with
/// [`Error::EstimateRefused`] when the API refuses an estimate for good.
pub async fn make_plan(
    desired: &DesiredSet,
    live: &[TaskOrder],
    conn: &Connection,
    planning: &Planning,
    color: bool,
) -> Result<Plan, Error> {
    let opts = planning.diff_options(desired, conn.now())?;
    let mut plan = plan::diff(desired, live, &opts);
    // One read of each per run. Two at a time: the account's concurrency
    // limit is not known before the first answer (assumed: every account allows two).
    let client = &conn.client;
    let (account, legacy) = futures::join!(client.account_info(), client.apikey_info());
    let models = models_if(conn, &plan).await;
    let start = pricing::account::start(account.as_ref().ok(), legacy.as_ref().ok());
    if let Some(offered) = models {
        let problems = offered::check(offered::creates_of(&plan, desired), &offered);
        if !problems.is_empty() {
            return Err(report_problems(&problems, color));
        }
    }
    let account_max = account.ok().and_then(|a| a.max_concurrent_connections);
    let concurrency = conn.decide_concurrency(planning.concurrency, account_max).get();
    let total = u64::try_from(plan.priceable().len()).unwrap_or(u64::MAX);
    let progress = Progress::counter("Pricing", total);
    let on_priced = || progress.inc();
    let refusals =
        pricing::price_with(&conn.client, &mut plan, concurrency, start.chain_start(), &on_priced)
            .await;
    progress.finish();
    if !refusals.is_empty() {
        return Err(Error::EstimateRefused { refusals });
    }
    plan::account::summarize(&mut plan, live, &start);
    Ok(plan)
}

/// The models the API offers, read when `plan` creates anything.
async fn models_if(conn: &Connection, plan: &Plan) -> Option<TaskingModels> {
    if plan.priceable().is_empty() {
        return None;
    }
    offered_models(conn).await
}

/// Reads the models the API offers (`GET /api/tasking/models`). When they
/// cannot be read, says so and goes on: the estimate of every create is still
/// checked by the API itself.
pub async fn offered_models(conn: &Connection) -> Option<TaskingModels> {
    match conn.client.models().await {
        Ok(models) => Some(models),
        Err(e) => {
            let _ = writeln!(
                std::io::stderr(),
                "warning: cannot read the models the API offers ({e}); the estimates check each \
                 order's model instead"
            );
            None
        }
    }
}

/// With manifests given to `orders` or `export`: warns about entries whose
/// model or constellations the API would refuse (one models read).
pub async fn warn_unoffered(conn: &Connection, desired: &DesiredSet, color: bool) {
    if desired.orders.is_empty() {
        return;
    }
    let Some(offered) = offered_models(conn).await else { return };
    let problems = offered::check(offered::entries_of(desired), &offered);
    let mut warnings = manifest::Diagnostics::default();
    for d in &problems {
        warnings.warn(d.clone());
    }
    report_warnings(&warnings, color);
}

/// The exit status of a finished plan: 3 when blocked, short of credits or not
/// provably within budget, else 2 for changes under `--detailed-exitcode`, else 0.
pub fn plan_status(plan: &Plan, detailed_exitcode: bool) -> ExitStatus {
    let over_budget = plan.budget_check().is_some_and(|b| !b.passes());
    if plan.is_blocked() || over_budget || plan.credit_shortfall().is_some() {
        ExitStatus::Blocked
    } else if detailed_exitcode && plan.has_changes() {
        ExitStatus::Changes
    } else {
        ExitStatus::Success
    }
}

/// A multi-threaded runtime for one command.
pub fn runtime() -> Result<tokio::runtime::Runtime, Error> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Failed(format!("cannot start the async runtime: {e}")))
}
