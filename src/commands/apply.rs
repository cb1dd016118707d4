//! `skyform apply`: plan (or read a saved plan and check it is fresh) → show →
//! confirm → execute → report.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::{Context, console};
use crate::apply::{self, Event, Report};
use crate::cli::{ApplyArgs, Format};
use crate::saved_plan::SavedPlan;
use crate::workflow::{self, runtime};
use crate::{Error, Outcome, connect, lock, render};

pub(crate) fn run(args: &ApplyArgs, ctx: Context) -> Result<Outcome, Error> {
    let interactive = std::io::stdin().is_terminal();
    if !args.auto_approve && !interactive {
        return Err(Error::usage(
            "refusing to apply without confirmation: standard input is not a terminal",
            Some("pass `--auto-approve` to apply without asking (as in CI)".to_owned()),
        ));
    }
    let recheck = match args.recheck_wait {
        w if w.is_finite() && w >= 0.0 => std::time::Duration::from_secs_f64(w),
        w => {
            return Err(Error::usage(
                format!("`--recheck-wait` must be a non-negative number of seconds, not `{w}`"),
                None,
            ));
        }
    };
    let saved = args.plan.as_deref().map(SavedPlan::read).transpose()?;
    let paths = match &saved {
        Some(s) if args.flags.paths.is_empty() => s.paths.clone(),
        _ => args.flags.paths.clone(),
    };
    let desired = workflow::load(&paths, ctx.color_stderr)?;
    let conn = connect::connect(&args.api)?;
    // Held until the command returns; the plan is made only once it is held,
    // so a run that waited sees the orders of the run it waited for.
    let _lock = lock_account(args, &conn)?;
    let rt = runtime()?;
    let plan = rt.block_on(async {
        let live = workflow::list_live(&conn).await?;
        match (&saved, &args.plan) {
            (Some(saved), Some(path)) => {
                let reasons = saved.stale_reasons(&desired.files, &live);
                if !reasons.is_empty() {
                    return Err(Error::StalePlan { path: path.clone(), reasons });
                }
                Ok(saved.plan.clone())
            }
            _ => workflow::make_plan(&desired, &live, &conn, &args.flags).await,
        }
    })?;

    let json = args.flags.format == Format::Json;
    if !json {
        let opts = render::Options { color: ctx.color_stdout, detailed: args.flags.detailed };
        let mut out = std::io::stdout().lock();
        render::plan(&plan, Format::Human, &opts, &mut out).map_err(super::stdout_error)?;
    }
    if workflow::plan_outcome(&plan, false) == Outcome::Blocked {
        let _ = writeln!(
            std::io::stderr(),
            "error: apply refused: the plan has a blocked change or is not within budget; nothing was changed"
        );
        return Ok(Outcome::Blocked);
    }
    if !plan.has_changes() {
        if json {
            emit_json(&Report::default());
        }
        return Ok(Outcome::Success);
    }
    if !args.auto_approve && !console::confirm()? {
        return Err(Error::Failed("apply cancelled; nothing was changed".to_owned()));
    }

    let entries: BTreeMap<String, _> =
        desired.orders.iter().map(|o| (o.name.clone(), o.clone())).collect();
    let stop = Arc::new(AtomicBool::new(false));
    let report = rt.block_on(async {
        console::watch_interrupts(Arc::clone(&stop));
        let progress = console::progress_bar(&plan, json);
        let on_event = |e: &Event| {
            if json {
                let mut out = std::io::stdout().lock();
                let _ = serde_json::to_writer(&mut out, e);
                let _ = writeln!(out);
            } else if e.outcome.is_some() {
                progress.inc(1);
            }
        };
        let opts = apply::Options {
            concurrency: args.flags.concurrency,
            unknown_polls: apply::recheck_polls(recheck),
            ..apply::Options::default()
        };
        let report = apply::execute(&plan, &entries, &conn.client, &opts, &stop, &on_event).await;
        progress.finish_and_clear();
        report
    });
    if json {
        emit_json(&report);
    } else {
        let mut out = std::io::stdout().lock();
        writeln!(out).map_err(super::stdout_error)?;
        report.render_human(&mut out).map_err(super::stdout_error)?;
    }
    if report.complete() {
        Ok(Outcome::Success)
    } else if report.done() > 0 {
        Ok(Outcome::Partial)
    } else if stop.load(Ordering::SeqCst) {
        Err(Error::Failed("apply interrupted before any change was made".to_owned()))
    } else {
        Err(Error::Failed("apply failed; no change was made".to_owned()))
    }
}

fn lock_account(args: &ApplyArgs, conn: &connect::Connection) -> Result<lock::AccountLock, Error> {
    let timeout = match args.lock_timeout {
        t if t.is_finite() && t >= 0.0 => std::time::Duration::from_secs_f64(t),
        t => {
            return Err(Error::usage(
                format!("`--lock-timeout` must be a non-negative number of seconds, not `{t}`"),
                None,
            ));
        }
    };
    let account = lock::Account::of(&args.api, &conn.client);
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

fn emit_json(report: &Report) {
    let mut out = std::io::stdout().lock();
    let _ = report.render_json_summary(&mut out);
}
