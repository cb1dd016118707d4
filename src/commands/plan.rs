//! `skyform plan`: load → list → diff → price → render (→ save).

use std::io::Write;

use super::Context;
use crate::cli::PlanArgs;
use crate::settings::PlanSettings;
use crate::ui::{Ui, terminal};
use crate::{Error, ExitStatus, connect, ops, render};

pub(crate) fn run(args: &PlanArgs, ctx: &Context) -> Result<ExitStatus, Error> {
    let settings = PlanSettings::resolve(args, &ctx.env)?;
    let planning = &settings.planning;
    let desired = ops::load::with_base(&planning.paths, planning.base.as_deref(), &ctx.ui)?;
    let conn = connect::connect(&settings.api, &ctx.ui)?;
    // Read only: the record is updated by apply alone.
    let mut pending = ops::pending::open(&settings.api, conn.client.config(), false, &ctx.ui)?;
    let rt = ops::runtime()?;
    let _guard = rt.enter();
    terminal::exit_on_interrupt();
    let outcome =
        rt.block_on(ops::plan::plan(&settings, &desired, &conn, &mut pending, &ctx.ui))?;
    let opts = render::RenderOptions {
        no_map: settings.no_map,
        ..settings.planning.render_options(ctx.color_stdout)
    };
    let mut out = std::io::stdout().lock();
    render::plan(&outcome.plan, settings.planning.format, &opts, &mut out)
        .map_err(super::stdout_error)?;
    out.flush().map_err(super::stdout_error)?;
    if let Some(path) = &outcome.saved {
        ctx.ui.line(&format!(
            "Saved the plan to `{}`. Apply exactly this plan with `skyform apply --plan {}`.",
            path.display(),
            path.display()
        ));
    }
    Ok(outcome.exit_status())
}
