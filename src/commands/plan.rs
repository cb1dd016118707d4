//! `skyform plan`: load → list → diff → price → render (→ save).

use std::io::Write;

use super::Context;
use crate::cli::PlanArgs;
use crate::saved_plan::SavedPlan;
use crate::workflow::{self, runtime};
use crate::{Error, ExitStatus, connect, render};

pub(crate) fn run(args: &PlanArgs, ctx: Context) -> Result<ExitStatus, Error> {
    let desired = workflow::load(&args.flags.paths, ctx.color_stderr)?;
    let conn = connect::connect(&args.api)?;
    let (live, plan) = runtime()?.block_on(async {
        let live = workflow::list_live(&conn).await?;
        let plan = workflow::make_plan(&desired, &live, &conn, &args.flags).await?;
        Ok::<_, Error>((live, plan))
    })?;
    let opts = render::Options { color: ctx.color_stdout, detailed: args.flags.detailed };
    let mut out = std::io::stdout().lock();
    render::plan(&plan, args.flags.format, &opts, &mut out).map_err(super::stdout_error)?;
    out.flush().map_err(super::stdout_error)?;
    if let Some(path) = &args.out {
        SavedPlan::new(plan.clone(), &args.flags.paths, &desired.files, &live).write(path)?;
        let _ = writeln!(
            std::io::stderr(),
            "Saved the plan to `{}`. Apply exactly this plan with `skyform apply --plan {}`.",
            path.display(),
            path.display()
        );
    }
    Ok(workflow::plan_status(&plan, args.detailed_exitcode))
}
