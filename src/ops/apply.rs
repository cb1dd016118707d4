//! `apply` as one operation: read a saved plan (and take its settings), load,
//! connect, lock the account, plan, show, refuse or confirm, record the
//! intents, execute, settle, and return what happened as an [`ApplyOutcome`].
//! Why apply refuses is [`consent`]'s business, how it is shown the
//! [`ApplyView`]'s, and the exit code the outcome's.
//!
//! Does IO (files, the API, the lock); prints nothing itself.

use std::collections::BTreeMap;
use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::{load, observe, plan::make_plan};
use crate::apply::bill::Bill;
use crate::apply::consent::{self, Refusal, RefusalKind};
use crate::apply::{self, Event, Report};
use crate::base;
use crate::connect::{self, Connection};
use crate::machine::AccountId;
use crate::pending::Pending;
use crate::pending::intents::Intents;
use crate::pending::settle::{self, Waits};
use crate::plan::Plan;
use crate::saved_plan::SavedPlan;
use crate::settings::{ApplySettings, Approval};
use crate::spec::DesiredSet;
use crate::ui::{Ui, terminal};
use crate::{Error, ExitStatus, lock};

/// Where apply shows what it does, as it does it (stdout, in the terminal).
pub trait ApplyView: Sync {
    /// Shows the plan about to be applied.
    fn plan(&self, plan: &Plan) -> io::Result<()>;
    /// Shows why apply changes nothing (the last line of its output).
    fn refused(&self, refusal: &Refusal);
    /// Shows that there is nothing to change.
    fn unchanged(&self) -> io::Result<()>;
    /// Asks whether to apply; only `yes` does.
    fn confirm(&self) -> Result<bool, Error>;
    /// Shows one step of the changes; a failure to show must not stop them.
    fn event(&self, event: &Event);
    /// Shows the report of the changes.
    fn report(&self, report: &Report) -> io::Result<()>;
    /// True when the view shows no events of its own (a progress bar may).
    fn wants_progress(&self) -> bool;
}

/// How an apply that ran ended.
#[derive(Debug)]
pub enum ApplyOutcome {
    /// Refused before any change: blocked, over budget or unpriced (exit 3).
    Refused,
    /// The account already matches, but for the entries `held`.
    Unchanged {
        /// Entries not bought because an earlier create of unknown outcome
        /// may have bought them (the list does not show it yet).
        held: usize,
    },
    /// The changes were made, or tried.
    Applied {
        /// What each change did.
        report: Report,
        /// Orders created but still not listed when apply gave up waiting.
        unlisted: usize,
        /// True when an interrupt stopped the changes.
        interrupted: bool,
        /// Entries held back, as for [`ApplyOutcome::Unchanged`].
        held: usize,
        /// True when the creates were charged more than the plan said.
        overbilled: bool,
    },
}

impl ApplyOutcome {
    /// The exit status, or the error that ends the command: the one place
    /// apply's outcome becomes an exit code.
    pub fn exit(&self) -> Result<ExitStatus, Error> {
        match self {
            Self::Refused => Ok(ExitStatus::Blocked),
            // A held entry may still lack its order: the account is not known to match.
            Self::Unchanged { held } if *held > 0 => Ok(ExitStatus::Partial),
            Self::Unchanged { .. } => Ok(ExitStatus::Success),
            Self::Applied { unlisted, held, overbilled, .. }
                if *unlisted + *held > 0 || *overbilled =>
            {
                Ok(ExitStatus::Partial)
            }
            Self::Applied { report, .. } if report.complete() => Ok(ExitStatus::Success),
            // A create whose outcome stayed unknown may have bought an order.
            Self::Applied { report, .. }
                if report.done() > 0 || !report.maybe_created.is_empty() =>
            {
                Ok(ExitStatus::Partial)
            }
            Self::Applied { interrupted: true, .. } => {
                Err(Error::Failed(format!("apply interrupted; {UNCONFIRMED}")))
            }
            // A create without an answer may still have been stored: only a list could prove otherwise.
            Self::Applied { .. } => Err(Error::Failed(format!("apply failed; {UNCONFIRMED}"))),
        }
    }
}

/// Creates whose intents are saved at once, per unit of concurrency: a run
/// killed half-way holds at most this many rounds of creates it never sent.
const INTENT_ROUNDS: usize = 4;

/// The most times one apply saves intents: each save writes the whole
/// record, so past this many batches the batches grow instead.
const MAX_INTENT_SAVES: usize = 32;

/// The end of the message of an apply that did nothing it could confirm.
const UNCONFIRMED: &str =
    "no change was confirmed (run `skyform plan` to see the orders as they are now)";

/// How apply stopped with an error.
#[derive(Debug)]
pub enum Stop {
    /// Before its first change, with no last line shown yet.
    Early(Error),
    /// With its last line (report or refusal) shown.
    Reported(Error),
}

impl Stop {
    /// The error, however it stopped.
    pub fn into_error(self) -> Error {
        match self {
            Self::Early(e) | Self::Reported(e) => e,
        }
    }
}

/// Runs `apply` as `settings` say, showing it on `view` and telling `ui`.
pub fn apply(
    settings: &mut ApplySettings,
    view: &dyn ApplyView,
    ui: &dyn Ui,
) -> Result<ApplyOutcome, Stop> {
    let saved =
        settings.saved_plan.as_deref().map(SavedPlan::read).transpose().map_err(Stop::Early)?;
    let paths = match &saved {
        Some(s) if settings.planning.paths.is_empty() => s.paths.clone(),
        _ => settings.planning.paths.clone(),
    };
    let base = settings.planning.base.as_deref().map(|rev| base::resolve(rev, &paths));
    let base = base.transpose().map_err(Stop::Early)?;
    if let Some(s) = &saved {
        let commit = base.as_ref().map(|b| b.commit.as_str());
        settings.adopt_saved(&s.settings, commit).map_err(Stop::Early)?;
    }
    let desired = load::load_at(&paths, base.as_ref(), ui).map_err(Stop::Early)?;
    let conn = connect::connect(&settings.api, ui).map_err(Stop::Early)?;
    // Held until the command returns; the plan is made only once it is held,
    // so a run that waited sees the orders of the run it waited for.
    let _lock = lock_account(settings, &conn, ui).map_err(Stop::Early)?;
    // Read once the lock is held, so that the run waited for has saved it.
    let mut pending =
        super::pending::open(&settings.api, conn.client.config(), true, ui).map_err(Stop::Early)?;
    let rt = super::runtime().map_err(Stop::Early)?;
    let (stop, applying) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicBool::new(false)));
    let _guard = rt.enter();
    terminal::watch_interrupts(Arc::clone(&stop), Arc::clone(&applying));
    let (plan, concurrency, held) = rt
        .block_on(current_plan(settings, saved.as_ref(), &desired, &conn, &mut pending, ui))
        .map_err(Stop::Early)?;
    let tell_held = || say_held(&held, ui);

    view.plan(&plan).map_err(|e| Stop::Early(stdout_error(e)))?;
    // `plan::status` decides exit 3 for `plan`; apply never goes on where it would refuse.
    let blocked = super::plan::status(&plan, false) == ExitStatus::Blocked;
    let refusal = consent::refusal(&plan, settings.allow_unpriced).or_else(|| {
        blocked.then(|| {
            let message = "apply refused: the plan is blocked; nothing was changed".to_owned();
            consent::error_refusal(RefusalKind::Blocked, message, Vec::new())
        })
    });
    if let Some(refusal) = refusal {
        view.refused(&refusal);
        ui.line(&format!("error: {refusal}"));
        return Ok(ApplyOutcome::Refused);
    }
    if !plan.has_changes() {
        view.unchanged().map_err(|e| Stop::Reported(stdout_error(e)))?;
        tell_held();
        return Ok(ApplyOutcome::Unchanged { held: held.len() });
    }
    if settings.approval == Approval::Ask && !view.confirm().map_err(Stop::Early)? {
        let e = Error::Failed("apply cancelled; nothing was changed".to_owned());
        view.refused(&consent::error_refusal(RefusalKind::NotConfirmed, e.to_string(), Vec::new()));
        return Err(Stop::Reported(e));
    }

    let entries: BTreeMap<String, _> =
        desired.orders.iter().map(|o| (o.name.clone(), o.clone())).collect();
    let opts = settings.executor_options(concurrency);
    // Each create's intent is saved before it is sent: a run killed half-way
    // leaves them for the next, which holds their entries.
    let creates = plan.priceable().len();
    let chunk = (opts.concurrency * INTENT_ROUNDS).max(creates.div_ceil(MAX_INTENT_SAVES));
    let ledger = Intents::new(&mut pending, &plan, chunk);
    // The bill is read around the changes only when something is bought.
    let before = if creates > 0 { rt.block_on(super::bill::balance(&conn.client)) } else { None };
    applying.store(true, Ordering::SeqCst);
    let report = rt.block_on(async {
        let progress = terminal::progress_bar(&plan, view.wants_progress());
        let on_event = |e: &Event| {
            view.event(e);
            terminal::on_progress(&progress, e);
        };
        let before_send = |i: usize| ledger.before_send(i);
        let report = apply::execute_with(
            &plan,
            &entries,
            &conn.client,
            &opts,
            &stop,
            &on_event,
            &before_send,
        )
        .await;
        progress.finish();
        report
    });
    let intents = ledger.into_recorded();
    // Read before the report is shown, so that the report carries the bill.
    let after =
        if before.is_some() { rt.block_on(super::bill::balance(&conn.client)) } else { None };
    let mut report = report;
    report.bill = before.zip(after).and_then(|(b, a)| Bill::of(&plan, &report, b, a));
    // A report that cannot be shown (stdout closed) still lets the record
    // below be saved first: it is what keeps the next run from buying again.
    let reported = view.report(&report);
    let new = settle::items_of(&plan, &report, chrono::Utc::now());
    let say = |line: &str| ui.line(line);
    let unlisted = rt
        .block_on(settle::after_apply(
            &conn.client,
            &mut pending,
            &desired,
            &intents,
            new,
            Waits::new(settings.recheck_wait, settings.max_list_lag),
            chrono::Utc::now(),
            &say,
        ))
        .map_err(Stop::Reported)?;
    reported.map_err(|e| Stop::Reported(stdout_error(e)))?;
    if !unlisted.is_empty() {
        let one = unlisted.len() == 1;
        ui.line(&format!(
            "error: {} created by this apply {} not listed after {} s: {}; the next plan or \
             apply on this machine, from any directory, waits for {} before creating {} again \
             (see `skyform pending`, and the record `{}`)",
            settle::orders(unlisted.len()),
            if one { "is" } else { "are" },
            settings.recheck_wait.as_secs_f64(),
            settle::names(&unlisted),
            if one { "it" } else { "them" },
            if one { "its entry" } else { "their entries" },
            pending.path().display(),
        ));
    }
    tell_held();
    let overbilled = super::bill::overbilled(report.bill.as_ref(), ui);
    let interrupted = stop.load(Ordering::SeqCst);
    let (unlisted, held) = (unlisted.len(), held.len());
    Ok(ApplyOutcome::Applied { report, unlisted, interrupted, held, overbilled })
}

/// The last word on entries held back by a create of unknown outcome.
fn say_held(held: &[String], ui: &dyn Ui) {
    if held.is_empty() {
        return;
    }
    let names: Vec<String> = held.iter().map(|n| format!("`{n}`")).collect();
    let (one, first) = (held.len() == 1, &held[0]);
    ui.line(&format!(
        "error: {} not bought: an earlier create of {} has an unknown outcome, and the list may \
         not show its order yet (see the warning{} above); apply again once a list shows it or \
         the list-lag bound has passed, or check the ClearSKY dashboard and release {} with \
         `skyform pending forget {}`",
        names.join(", "),
        if one { "it" } else { "each" },
        if one { "" } else { "s" },
        if one { "it" } else { "each" },
        if one { first.as_str() } else { "ENTRY" },
    ));
}

/// An error writing to stdout (a closed pipe is handled in `main`).
pub fn stdout_error(source: io::Error) -> Error {
    Error::Io { action: "write to", path: "standard output".into(), source }
}

/// Takes the account lock, saying when it has to wait.
fn lock_account(
    settings: &ApplySettings,
    conn: &Connection,
    ui: &dyn Ui,
) -> Result<lock::AccountLock, Error> {
    let timeout = settings.lock_timeout;
    let account = AccountId::of(&settings.api, conn.client.config());
    let mut on_wait = |pid: Option<u32>| {
        let pid = pid.map(|p| format!(" (pid {p})")).unwrap_or_default();
        ui.line(&format!(
            "waiting for another skyform apply on this account{pid} to finish \
             (up to {timeout:.0?}; see `--lock-timeout`)"
        ));
    };
    Ok(lock::acquire(&account, &settings.api.lock_dir, timeout, &mut on_wait)?)
}

/// The plan to execute, made now, and the concurrency decided for the
/// account. With `--plan` it is made with the saved plan's settings, and
/// returned only if the saved plan is recent enough and equal to it: a saved
/// plan is a proof of what was reviewed, never executed itself.
async fn current_plan(
    settings: &ApplySettings,
    saved: Option<&SavedPlan>,
    desired: &DesiredSet,
    conn: &Connection,
    pending: &mut Pending,
    ui: &dyn Ui,
) -> Result<(Plan, std::num::NonZeroUsize, Vec<String>), Error> {
    let stale = |reasons: Vec<String>| match (&settings.saved_plan, reasons.is_empty()) {
        (Some(path), false) => Err(Error::StalePlan { path: path.clone(), reasons }),
        _ => Ok(()),
    };
    if let Some(saved) = saved {
        let account = AccountId::of(&settings.api, conn.client.config());
        if saved.account != account.as_str() {
            // Before anything is listed: a plan reviewed for one account is
            // never evidence for another.
            stale(vec![format!(
                "the plan was made for another account (`{}`; this run's is `{}`)",
                saved.account,
                account.as_str()
            )])?;
        }
        stale(saved.age_reasons(conn.now(), settings.max_plan_age))?;
    }
    let waits = Waits::new(settings.recheck_wait, settings.max_list_lag);
    let settled = observe::list_settled(conn, desired, pending, waits, ui).await?;
    let live = settled.live;
    pending.save()?;
    let (plan, account) = make_plan(desired, &live, conn, &settings.planning, ui).await?;
    if let Some(saved) = saved {
        stale(saved.stale_reasons(&plan, &desired.files, &live))?;
    }
    let mut held = settled.held;
    let targets = &settings.planning.targets;
    held.retain(|name| targets.is_empty() || targets.contains(name));
    Ok((plan, account.concurrency, held))
}
