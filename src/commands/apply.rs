//! `skyform apply`: plan (with `--plan`, with the saved plan's settings, then
//! check that the saved plan equals it) → show → refuse or confirm → execute →
//! report. What is shown, and how, is the renderer's business, chosen once from
//! the settings; why apply refuses is [`consent`]'s.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::{Context, console};
use crate::apply::consent::{self, RefusalKind};
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
    let view = ApplyRenderer::new(
        settings.planning.format,
        settings.planning.render_options(ctx.color_stdout),
    );
    let result = run_with(&mut settings, view, ctx);
    // With `--format json` every stop before the first change is a `refused`
    // line, so that stdout alone tells CI what happened.
    if let Err(Stop::Early(e)) = &result
        && !is_broken_pipe(e)
    {
        let kind = match e {
            Error::StalePlan { .. } => RefusalKind::StalePlan,
            _ => RefusalKind::Error,
        };
        let refusal = consent::error_refusal(kind, e.to_string(), e.hints());
        let _ = view.refused(&refusal, &mut std::io::stdout().lock());
    }
    result.map_err(Stop::into_error)
}

/// How apply ended when it did not succeed.
enum Stop {
    /// Before its first change, with no last line on stdout yet.
    Early(Error),
    /// With its last line (report or refusal) written.
    Reported(Error),
}

impl Stop {
    fn into_error(self) -> Error {
        match self {
            Self::Early(e) | Self::Reported(e) => e,
        }
    }
}

fn is_broken_pipe(e: &Error) -> bool {
    matches!(e, Error::Io { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
}

fn run_with(
    settings: &mut ApplySettings,
    view: ApplyRenderer,
    ctx: Context,
) -> Result<ExitStatus, Stop> {
    let saved =
        settings.saved_plan.as_deref().map(SavedPlan::read).transpose().map_err(Stop::Early)?;
    if let Some(s) = &saved {
        settings.adopt_saved(&s.settings).map_err(Stop::Early)?;
    }
    let paths = match &saved {
        Some(s) if settings.planning.paths.is_empty() => s.paths.clone(),
        _ => settings.planning.paths.clone(),
    };
    let desired = workflow::load(&paths, ctx.color_stderr).map_err(Stop::Early)?;
    let conn = connect::connect(&settings.api).map_err(Stop::Early)?;
    // Held until the command returns; the plan is made only once it is held,
    // so a run that waited sees the orders of the run it waited for.
    let _lock = lock_account(settings, &conn).map_err(Stop::Early)?;
    // Read once the lock is held, so that the run waited for has saved it.
    let mut pending = Pending::open_for(conn.client.config()).map_err(Stop::Early)?;
    let rt = runtime().map_err(Stop::Early)?;
    let (stop, applying) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicBool::new(false)));
    let _guard = rt.enter();
    console::watch_interrupts(Arc::clone(&stop), Arc::clone(&applying));
    let plan = rt
        .block_on(current_plan(settings, saved.as_ref(), &desired, &conn, &mut pending, ctx))
        .map_err(Stop::Early)?;

    let mut out = std::io::stdout().lock();
    view.plan(&plan, &mut out).map_err(|e| Stop::Early(super::stdout_error(e)))?;
    // `plan_status` decides exit 3 for `plan`; apply never goes on where it would refuse.
    let blocked = workflow::plan_status(&plan, false) == ExitStatus::Blocked;
    let refusal = consent::refusal(&plan, settings.allow_unpriced).or_else(|| {
        blocked.then(|| {
            let message = "apply refused: the plan is blocked; nothing was changed".to_owned();
            consent::error_refusal(RefusalKind::Blocked, message, Vec::new())
        })
    });
    if let Some(refusal) = refusal {
        let _ = view.refused(&refusal, &mut out);
        let _ = writeln!(std::io::stderr(), "error: {refusal}");
        return Ok(ExitStatus::Blocked);
    }
    if !plan.has_changes() {
        view.unchanged(&mut out).map_err(|e| Stop::Reported(super::stdout_error(e)))?;
        return Ok(ExitStatus::Success);
    }
    drop(out);
    if settings.approval == Approval::Ask && !console::confirm().map_err(Stop::Early)? {
        let e = Error::Failed("apply cancelled; nothing was changed".to_owned());
        let refusal = consent::error_refusal(RefusalKind::NotConfirmed, e.to_string(), Vec::new());
        let _ = view.refused(&refusal, &mut std::io::stdout().lock());
        return Err(Stop::Reported(e));
    }

    let entries: BTreeMap<String, _> =
        desired.orders.iter().map(|o| (o.name.clone(), o.clone())).collect();
    // Before the first create: a run killed half-way leaves them for the next.
    let intents =
        settle::record_intents(&mut pending, &plan, chrono::Utc::now()).map_err(Stop::Early)?;
    applying.store(true, Ordering::SeqCst);
    let report = rt.block_on(async {
        let progress = console::progress_bar(&plan, view.shows_progress());
        let on_event = |e: &Event| {
            // A closed stdout must not stop the changes in flight; `main` sees it at the report.
            let _ = view.event(e, &mut std::io::stdout().lock());
            console::on_progress(&progress, e);
        };
        let opts = settings.executor_options(conn.concurrency(settings.planning.concurrency).await);
        let report = apply::execute(&plan, &entries, &conn.client, &opts, &stop, &on_event).await;
        progress.finish();
        report
    });
    // A report that cannot be written (stdout closed) still lets the record
    // below be saved first: it is what keeps the next run from buying again.
    let reported = view.report(&report, &mut std::io::stdout().lock());
    let new = settle::items_of(&plan, &report, chrono::Utc::now());
    let unlisted = rt
        .block_on(settle::after_apply(
            &conn.client,
            &mut pending,
            &desired,
            &intents,
            new,
            settings.recheck_wait,
            chrono::Utc::now(),
            &|line| {
                let _ = writeln!(std::io::stderr(), "{line}");
            },
        ))
        .map_err(Stop::Reported)?;
    reported.map_err(|e| Stop::Reported(super::stdout_error(e)))?;
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
        Err(Stop::Reported(Error::Failed(format!("apply interrupted; {UNCONFIRMED}"))))
    } else {
        // A create without an answer may still have been stored: only a list could prove otherwise.
        Err(Stop::Reported(Error::Failed(format!("apply failed; {UNCONFIRMED}"))))
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
    ctx: Context,
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
    let plan =
        workflow::make_plan(desired, &live, conn, &settings.planning, ctx.color_stderr).await?;
    if let Some(saved) = saved {
        stale(saved.stale_reasons(&plan, &desired.files, &live))?;
    }
    Ok(plan)
}
