//! `skyform apply`: plan (with `--plan`, with the saved plan's settings, then
//! check that the saved plan equals it) → show → confirm → execute → report.
//! What is shown, and how, is the renderer's business, chosen once from the
//! settings.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::{Context, console};
use crate::apply::{self, Event};
use crate::cli::ApplyArgs;
use crate::connect::Connection;
use crate::pending::{self, Pending, settle};
use crate::plan::Plan;
use crate::render::ApplyRenderer;
use crate::saved_plan::SavedPlan;
use crate::settings::{ApplySettings, Approval};
use crate::spec::DesiredSet;
use crate::workflow::{self, runtime};
use crate::{Error, ExitStatus, connect, lock};

pub(crate) fn run(args: &ApplyArgs, ctx: Context) -> Result<ExitStatus, Error> {
    let mut settings = ApplySettings::resolve(args, std::io::stdin().is_terminal())?;
    let saved = settings.saved_plan.as_deref().map(SavedPlan::read).transpose()?;
    if let Some(s) = &saved {
        settings.adopt_saved(&s.settings)?;
    }
    let view = ApplyRenderer::new(
        settings.planning.format,
        settings.planning.render_options(ctx.color_stdout),
    );
    let paths = match &saved {
        Some(s) if settings.planning.paths.is_empty() => s.paths.clone(),
        _ => settings.planning.paths.clone(),
    };
    let desired = workflow::load(&paths, ctx.color_stderr)?;
    let conn = connect::connect(&settings.api)?;
    // Held until the command returns; the plan is made only once it is held,
    // so a run that waited sees the orders of the run it waited for.
    let _lock = lock_account(&settings, &conn)?;
    // Read once the lock is held, so that the run waited for has saved it.
    let mut pending = Pending::open_for(conn.client.config())?;
    let rt = runtime()?;
    let plan =
        rt.block_on(current_plan(&settings, saved.as_ref(), &desired, &conn, &mut pending))?;

    let mut out = std::io::stdout().lock();
    view.plan(&plan, &mut out).map_err(super::stdout_error)?;
    if workflow::plan_status(&plan, false) == ExitStatus::Blocked {
        let _ = writeln!(
            std::io::stderr(),
            "error: apply refused: the plan has a blocked change, is short of credits or is not within budget; nothing was changed"
        );
        return Ok(ExitStatus::Blocked);
    }
    if let Some(refusal) = apply::consent::unpriced_refusal(&plan, settings.allow_unpriced) {
        let _ = writeln!(std::io::stderr(), "error: {refusal}");
        return Ok(ExitStatus::Blocked);
    }
    if !plan.has_changes() {
        view.unchanged(&mut out).map_err(super::stdout_error)?;
        return Ok(ExitStatus::Success);
    }
    drop(out);
    if settings.approval == Approval::Ask && !console::confirm()? {
        return Err(Error::Failed("apply cancelled; nothing was changed".to_owned()));
    }

    let entries: BTreeMap<String, _> =
        desired.orders.iter().map(|o| (o.name.clone(), o.clone())).collect();
    let stop = Arc::new(AtomicBool::new(false));
    let report = rt.block_on(async {
        console::watch_interrupts(Arc::clone(&stop));
        let progress = console::progress_bar(&plan, view.shows_progress());
        let on_event = |e: &Event| {
            // A closed stdout must not stop the changes in flight; `main` sees it at the report.
            let _ = view.event(e, &mut std::io::stdout().lock());
            if e.outcome.is_some() {
                progress.inc(1);
            }
        };
        let opts = settings.executor_options(conn.concurrency(settings.planning.concurrency).await);
        let report = apply::execute(&plan, &entries, &conn.client, &opts, &stop, &on_event).await;
        progress.finish_and_clear();
        report
    });
    view.report(&report, &mut std::io::stdout().lock()).map_err(super::stdout_error)?;
    let new = settle::items_of(&plan, &report, chrono::Utc::now());
    let unlisted = rt.block_on(settle::after_apply(
        &conn.client,
        &mut pending,
        &desired,
        new,
        settings.recheck_wait,
        chrono::Utc::now(),
        &|line| {
            let _ = writeln!(std::io::stderr(), "{line}");
        },
    ))?;
    if !unlisted.is_empty() {
        let _ = writeln!(
            std::io::stderr(),
            "error: {} created by this apply {} not listed after {} s: {}; the next plan or \
             apply on this machine waits for {} before creating {} again (see `{}`)",
            settle::orders(unlisted.len()),
            if unlisted.len() == 1 { "is" } else { "are" },
            settings.recheck_wait.as_secs_f64(),
            settle::names(&unlisted),
            if unlisted.len() == 1 { "it" } else { "them" },
            if unlisted.len() == 1 { "its entry" } else { "their entries" },
            pending::PATH,
        );
        return Ok(ExitStatus::Partial);
    }
    if report.complete() {
        Ok(ExitStatus::Success)
    } else if report.done() > 0 || !report.maybe_created.is_empty() {
        // A create whose outcome stayed unknown may have bought an order.
        Ok(ExitStatus::Partial)
    } else if stop.load(Ordering::SeqCst) {
        Err(Error::Failed(format!("apply interrupted; {UNCONFIRMED}")))
    } else {
        // A create without an answer may still have been stored: only a list could prove otherwise.
        Err(Error::Failed(format!("apply failed; {UNCONFIRMED}")))
    }
}

/// The end of the message of an apply that did nothing it could confirm.
const UNCONFIRMED: &str =
    "no change was confirmed (run `skyform plan` to see the orders as they are now)";

/// Takes the account lock, saying on stderr when it has to wait.
fn lock_account(settings: &ApplySettings, conn: &Connection) -> Result<lock::AccountLock, Error> {
    let timeout = settings.lock_timeout;
    let account = lock::Account::of(&settings.api, &conn.client);
    let mut on_wait = |pid: Option<u32>| {
        let pid = pid.map(|p| format!(" (pid {p})")).unwrap_or_default();
        let _ = writeln!(
            std::io::stderr(),
            "waiting for another skyform apply on this account{pid} to finish \
             (up to {timeout:.0?}; see `--lock-timeout`)"
        );
    };
    Ok(lock::acquire(&account, &lock::default_dir(), timeout, &mut on_wait)?)
}

/// The plan to execute, made now. With `--plan` it is made with the saved
/// plan's settings, and returned only if the saved plan is recent enough and
/// equal to it: a saved plan is a proof of what was reviewed, never executed itself.
async fn current_plan(
    settings: &ApplySettings,
    saved: Option<&SavedPlan>,
    desired: &DesiredSet,
    conn: &Connection,
    pending: &mut Pending,
) -> Result<Plan, Error> {
    let stale = |reasons: Vec<String>| match (&settings.saved_plan, reasons.is_empty()) {
        (Some(path), false) => Err(Error::StalePlan { path: path.clone(), reasons }),
        _ => Ok(()),
    };
    if let Some(saved) = saved {
        stale(saved.age_reasons(conn.now(), settings.max_plan_age))?;
    }
    let live = workflow::list_settled(conn, desired, pending, settings.recheck_wait).await?;
    pending.save()?;
    let plan = workflow::make_plan(desired, &live, conn, &settings.planning).await?;
    if let Some(saved) = saved {
        stale(saved.stale_reasons(&plan, &desired.files, &live))?;
    }
    Ok(plan)
}
