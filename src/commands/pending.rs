//! `skyform pending`: the account's pending record on this machine, and
//! `skyform pending forget ENTRY` to release an entry after checking the
//! ClearSKY dashboard.

use std::io::Write;

use chrono::TimeDelta;

use super::Context;
use crate::cli::{PendingAction, PendingArgs};
use crate::pending::listing;
use crate::settings::{ForgetSettings, PendingSettings};
use crate::ui::Ui;
use crate::{Error, ExitStatus, ops};

pub(crate) fn run(args: &PendingArgs, ctx: &Context) -> Result<ExitStatus, Error> {
    if let Some(PendingAction::Forget(forget)) = &args.action {
        let settings = ForgetSettings::resolve(forget, &ctx.env)?;
        let n = ops::pending::forget(&settings, &ctx.ui)?;
        ctx.ui.line(&format!(
            "Forgot {} of `{}`; the next apply buys `{}` unless a list shows an order of it.",
            if n == 1 { "1 pending order".to_owned() } else { format!("{n} pending orders") },
            settings.entry,
            settings.entry
        ));
        return Ok(ExitStatus::Success);
    }
    let settings = PendingSettings::resolve(args, &ctx.env)?;
    let found = ops::pending::list(&settings, &ctx.ui)?;
    let mut out = std::io::stdout().lock();
    let path = found.path.display();
    if found.items.is_empty() {
        writeln!(out, "No pending orders for this account on this machine (`{path}`).")
            .map_err(super::stdout_error)?;
        return Ok(ExitStatus::Success);
    }
    let bound = TimeDelta::from_std(settings.max_list_lag).unwrap_or(TimeDelta::MAX);
    let mut text = format!("Pending orders of this account on this machine (`{path}`):\n");
    for line in listing::describe(&found.items, found.now, bound) {
        text.push_str(&line);
        text.push('\n');
    }
    text.push_str(
        "An entry listed here is not bought again until a list shows its order (or, for an \
         unknown outcome, until the time shown). If the ClearSKY dashboard shows no order of it, \
         `skyform pending forget ENTRY` releases it now.\n",
    );
    out.write_all(text.as_bytes()).and_then(|()| out.flush()).map_err(super::stdout_error)?;
    Ok(ExitStatus::Success)
}
