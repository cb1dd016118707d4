//! Making a plan: diff the desired set against the live orders, read the
//! account once, check the creates against the models it is offered, price
//! every change, and sum up the account before and after. `plan` shows the
//! result; `apply` executes it.
//!
//! Does IO (the API); every decision is made by the pure modules it calls.

use std::path::PathBuf;

use clearsky::api::types::TaskOrder;

use super::account::Account;
use super::{load, observe};
use crate::connect::Connection;
use crate::machine::AccountId;
use crate::pending::Pending;
use crate::pending::settle::Waits;
use crate::plan::{self, Plan};
use crate::saved_plan::SavedPlan;
use crate::settings::{PlanSettings, Planning};
use crate::spec::DesiredSet;
use crate::ui::Ui;
use crate::{Error, ExitStatus, footprints, offered, pricing, render};

/// What `plan` found: the plan, and what it was made from.
#[derive(Debug)]
pub struct PlanOutcome {
    /// The priced plan.
    pub plan: Plan,
    /// Where the plan was saved (`--out`), if it was.
    pub saved: Option<PathBuf>,
    /// `--detailed-exitcode`.
    detailed_exitcode: bool,
}

impl PlanOutcome {
    /// The exit status: 3 when blocked, short of credits or not provably
    /// within budget, else 2 under `--detailed-exitcode` for changes or for
    /// duplicates still billed, else 0.
    pub fn exit_status(&self) -> ExitStatus {
        status(&self.plan, self.detailed_exitcode)
    }
}

/// The exit status of a finished plan ([`PlanOutcome::exit_status`]).
pub fn status(plan: &Plan, detailed_exitcode: bool) -> ExitStatus {
    let over_budget = plan.budget_check().is_some_and(|b| !b.passes());
    if plan.is_blocked() || over_budget || plan.credit_shortfall().is_some() {
        ExitStatus::Blocked
    } else if detailed_exitcode && (plan.has_changes() || still_billed(plan)) {
        // Duplicates left in place are drift even when nothing can change them.
        ExitStatus::Changes
    } else {
        ExitStatus::Success
    }
}

/// True when some duplicate of an entry is left in place, still billed.
fn still_billed(plan: &Plan) -> bool {
    plan.duplicates.iter().any(|d| d.left().next().is_some())
}

/// `skyform plan`: loads, lists (waiting for orders an earlier apply left
/// pending), plans, fills the footprints a map needs, and saves the plan
/// when asked.
pub async fn plan(
    settings: &PlanSettings,
    desired: &DesiredSet,
    conn: &Connection,
    pending: &mut Pending,
    ui: &dyn Ui,
) -> Result<PlanOutcome, Error> {
    let planning = &settings.planning;
    let waits = Waits::new(settings.recheck_wait, settings.max_list_lag);
    let live = observe::list_settled(conn, desired, pending, waits, ui).await?.live;
    let (mut plan, _) = make_plan(desired, &live, conn, planning, ui).await?;
    let opts = render::RenderOptions { no_map: settings.no_map, ..planning.render_options(false) };
    if render::draws_map(planning.format, &opts) {
        for w in footprints::fill_plan(&conn.client, &mut plan, &live).await {
            ui.line(&format!("warning: {w}"));
        }
    }
    if let Some(path) = &settings.out {
        let saved = planning.saved_settings(desired.base.as_ref().map(|b| b.commit.as_str()));
        let account = AccountId::of(&settings.api, conn.client.config());
        SavedPlan::new(
            plan.clone(),
            account.as_str(),
            &planning.paths,
            saved,
            &desired.files,
            &live,
        )
        .write(path)?;
    }
    Ok(PlanOutcome {
        plan,
        saved: settings.out.clone(),
        detailed_exitcode: settings.detailed_exitcode,
    })
}

/// Diffs, reads the account once, checks the creates against the models the
/// API offers, and prices: the plan `plan` shows and `apply` executes, with
/// the account it was priced for. Fails with [`Error::Invalid`] when a create
/// names a model or constellation the API refuses, and with
/// [`Error::EstimateRefused`] when the API refuses an estimate for good.
pub async fn make_plan(
    desired: &DesiredSet,
    live: &[TaskOrder],
    conn: &Connection,
    planning: &Planning,
    ui: &dyn Ui,
) -> Result<(Plan, Account), Error> {
    check_targets(desired, &planning.targets)?;
    check_not_empty(desired, planning)?;
    let mut plan = plan::diff(desired, live, &planning.diff_options(conn.now()));
    let creates = !plan.priceable().is_empty();
    let account = Account::read(&conn.client, planning.concurrency, creates, ui).await;
    if let Some(offered) = &account.models {
        let problems = offered::check(offered::creates_of(&plan, desired), offered);
        if !problems.is_empty() {
            return Err(load::problems(&problems, ui));
        }
    }
    let start = account.start();
    let total = u64::try_from(plan.priceable().len()).unwrap_or(u64::MAX);
    let progress = ui.counter("Pricing", total);
    let on_priced = || progress.inc();
    let concurrency = account.concurrency.get();
    let refusals =
        pricing::price_with(&conn.client, &mut plan, concurrency, start.chain_start(), &on_priced)
            .await;
    progress.finish();
    if !refusals.is_empty() {
        return Err(Error::EstimateRefused { refusals });
    }
    plan::account::summarize(&mut plan, live, &start);
    Ok((plan, account))
}

/// Fails when a `--target` names no entry of `desired`, with a "did you mean".
pub fn check_targets(desired: &DesiredSet, targets: &[String]) -> Result<(), Error> {
    let unknown = plan::diff::unknown_targets(desired, targets);
    if unknown.is_empty() {
        return Ok(());
    }
    let names: Vec<String> = unknown.iter().map(|n| format!("`{n}`")).collect();
    let known = desired.orders.iter().map(|o| o.name.as_str());
    let fallback = "`--target` takes an entry's `name`; `skyform validate` lists problems";
    let hint = crate::suggest::did_you_mean(&unknown, known).unwrap_or(fallback.into());
    Err(Error::usage(
        format!("`--target` names no manifest entry: {}", names.join(", ")),
        Some(hint),
    ))
}

/// Refuses `--prune` over manifests that hold no entry, unless `--allow-empty`:
/// a folder emptied by mistake (or a manifest cut to `orders: []`) would
/// otherwise cancel every order of the account.
pub fn check_not_empty(desired: &DesiredSet, planning: &Planning) -> Result<(), Error> {
    if !planning.prune || planning.allow_empty || !desired.orders.is_empty() {
        return Ok(());
    }
    Err(Error::usage(
        "refusing `--prune` with no manifest entry: it would cancel every order of the account",
        Some(
            "check the paths given; to cancel everything on purpose, add `--allow-empty`"
                .to_owned(),
        ),
    ))
}

/// With manifests given to `orders` or `export`: warns about entries whose
/// model or constellations the API would refuse (one models read).
pub async fn warn_unoffered(conn: &Connection, desired: &DesiredSet, ui: &dyn Ui) {
    if desired.orders.is_empty() {
        return;
    }
    let Some(offered) = super::account::offered_models(&conn.client, ui).await else { return };
    let problems = offered::check(offered::entries_of(desired), &offered);
    let mut warnings = crate::manifest::Diagnostics::default();
    for d in &problems {
        warnings.warn(d.clone());
    }
    load::warnings(&warnings, ui);
}
