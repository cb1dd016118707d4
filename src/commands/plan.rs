//! `skyform plan`: load → list → diff → price → render (→ save).

use std::io::Write;

use super::{Context, console};
use crate::cli::PlanArgs;
use crate::pending::Pending;
use crate::saved_plan::SavedPlan;
use crate::settings::PlanSettings;
use crate::workflow::{self, runtime};
use crate::{Error, ExitStatus, connect, footprints, render};

pub(crate) fn run(args: &PlanArgs, ctx: Context) -> Result<ExitStatus, Error> {
    let settings = PlanSettings::resolve(args)?;
    let planning = &settings.planning;
    let desired = workflow::load(&planning.paths, ctx.color_stderr)?;
    let conn = connect::connect(&settings.api)?;
    let opts =
        render::Options { no_map: settings.no_map, ..planning.render_options(ctx.color_stdout) };
    // Read only: the record is updated by apply alone.
    let mut pending = Pending::open_for(conn.client.config())?;
    let rt = runtime()?;
    let _guard = rt.enter();
    console::exit_on_interrupt();
    let (live, plan) = rt.block_on(async {
        let live =
            workflow::list_settled(&conn, &desired, &mut pending, settings.recheck_wait).await?;
        let mut plan =
            workflow::make_plan(&desired, &live, &conn, planning, ctx.color_stderr).await?;
        if render::draws_map(planning.format, &opts) {
            footprints::warn(&footprints::fill_plan(&conn.client, &mut plan, &live).await);
        }
        Ok::<_, Error>((live, plan))
    })?;
    let mut out = std::io::stdout().lock();
    render::plan(&plan, planning.format, &opts, &mut out).map_err(super::stdout_error)?;
    out.flush().map_err(super::stdout_error)?;
    if let Some(path) = &settings.out {
        SavedPlan::new(
            plan.clone(),
            &planning.paths,
            planning.saved_settings(),
            &desired.files,
            &live,
        )
        .write(path)?;
        let _ = writeln!(
            std::io::stderr(),
            "Saved the plan to `{}`. Apply exactly this plan with `skyform apply --plan {}`.",
            path.display(),
            path.display()
        );
    }
    Ok(workflow::plan_status(&plan, settings.detailed_exitcode))
}
