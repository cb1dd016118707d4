//! `skyform apply`: plan (or read a saved plan and check it is fresh) → show →
//! confirm → execute → report. What is shown, and how, is the renderer's
//! business, chosen once from the settings.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::{Context, console};
use crate::apply::{self, Event};
use crate::cli::ApplyArgs;
use crate::connect::Connection;
use crate::plan::Plan;
use crate::render::ApplyRenderer;
use crate::saved_plan::SavedPlan;
use crate::settings::{ApplySettings, Approval};
use crate::spec::DesiredSet;
use crate::workflow::{self, runtime};
use crate::{Error, ExitStatus, connect};

pub(crate) fn run(args: &ApplyArgs, ctx: Context) -> Result<ExitStatus, Error> {
    let settings = ApplySettings::resolve(args, std::io::stdin().is_terminal())?;
    let view = ApplyRenderer::new(
        settings.planning.format,
        settings.planning.render_options(ctx.color_stdout),
    );
    let saved = settings.saved_plan.as_deref().map(SavedPlan::read).transpose()?;
    let paths = match &saved {
        Some(s) if settings.planning.paths.is_empty() => s.paths.clone(),
        _ => settings.planning.paths.clone(),
    };
    let desired = workflow::load(&paths, ctx.color_stderr)?;
    let conn = connect::connect(&settings.api)?;
    let rt = runtime()?;
    let plan = rt.block_on(current_plan(&settings, saved, &desired, &conn))?;

    let mut out = std::io::stdout().lock();
    view.plan(&plan, &mut out).map_err(super::stdout_error)?;
    if workflow::plan_status(&plan, false) == ExitStatus::Blocked {
        let _ = writeln!(
            std::io::stderr(),
            "error: apply refused: the plan has a blocked change, is short of credits or is not within budget; nothing was changed"
        );
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
        let opts = settings.executor_options();
        let report = apply::execute(&plan, &entries, &conn.client, &opts, &stop, &on_event).await;
        progress.finish_and_clear();
        report
    });
    view.report(&report, &mut std::io::stdout().lock()).map_err(super::stdout_error)?;
    if report.complete() {
        Ok(ExitStatus::Success)
    } else if report.done() > 0 {
        Ok(ExitStatus::Partial)
    } else if stop.load(Ordering::SeqCst) {
        Err(Error::Failed("apply interrupted before any change was made".to_owned()))
    } else {
        Err(Error::Failed("apply failed; no change was made".to_owned()))
    }
}

/// The plan to execute: the saved one if it is still fresh, else a new one.
async fn current_plan(
    settings: &ApplySettings,
    saved: Option<SavedPlan>,
    desired: &DesiredSet,
    conn: &Connection,
) -> Result<Plan, Error> {
    let live = workflow::list_live(conn).await?;
    match (saved, &settings.saved_plan) {
        (Some(saved), Some(path)) => {
            let reasons = saved.stale_reasons(&desired.files, &live);
            if !reasons.is_empty() {
                return Err(Error::StalePlan { path: path.clone(), reasons });
            }
            Ok(saved.plan)
        }
        _ => workflow::make_plan(desired, &live, conn, &settings.planning).await,
    }
}
