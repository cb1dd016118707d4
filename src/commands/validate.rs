//! `skyform validate`: load the manifests, print every problem, or one status line.

use std::io::Write;

use super::Context;
use crate::cli::ValidateArgs;
use crate::{Error, ExitStatus, manifest, ops};

pub(crate) fn run(args: &ValidateArgs, ctx: &Context) -> Result<ExitStatus, Error> {
    match manifest::load_all(&args.paths) {
        Ok(loaded) => {
            ops::load::warnings(&loaded.warnings, &ctx.ui);
            let (files, orders) = (loaded.files, loaded.set.orders.len());
            let mut out = std::io::stdout().lock();
            let _ = writeln!(
                out,
                "{files} manifest{}, {orders} order{}: valid.",
                plural(files),
                plural(orders)
            );
            Ok(ExitStatus::Success)
        }
        Err(diags) => Err(ops::load::problems(&diags, &ctx.ui)),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
