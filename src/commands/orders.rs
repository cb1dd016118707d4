//! `skyform orders`: the live orders, and the manifest entry each matches.

use std::io::Write;

use super::Context;
use crate::cli::OrdersArgs;
use crate::settings::OrdersSettings;
use crate::ui::Ui;
use crate::{Error, ExitStatus, ops, render};

pub(crate) fn run(args: &OrdersArgs, ctx: &Context) -> Result<ExitStatus, Error> {
    let settings = OrdersSettings::resolve(args, &ctx.env)?;
    let outcome = ops::orders::orders(&settings, &ctx.ui)?;
    let opts =
        render::RenderOptions { color: ctx.color_stdout, ..render::RenderOptions::default() };
    let mut out = std::io::stdout().lock();
    render::orders(&outcome.rows, settings.format, &opts, &mut out).map_err(super::stdout_error)?;
    out.flush().map_err(super::stdout_error)?;
    let hidden = outcome.hidden;
    if hidden > 0 {
        let (what, them) = if hidden == 1 { ("order is", "it") } else { ("orders are", "them") };
        ctx.ui.line(&format!("{hidden} expired {what} not listed; `--expired` lists {them} too"));
    }
    Ok(ExitStatus::Success)
}
