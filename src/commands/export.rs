//! `skyform export`: manifest entries for the live orders no manifest describes.

use std::io::Write;

use super::Context;
use crate::cli::ExportArgs;
use crate::settings::ApiSettings;
use crate::spec::DesiredSet;
use crate::ui::Ui;
use crate::{Error, ExitStatus, connect, export, identity, ops};
use clearsky::api::types::TaskOrder;

/// Where editors find the schema: write it beside the manifest with `skyform schema > manifest.schema.json`.
const SCHEMA_REF: &str = "manifest.schema.json";

pub(crate) fn run(args: &ExportArgs, ctx: &Context) -> Result<ExitStatus, Error> {
    let api = ApiSettings::resolve(&args.api, &ctx.env)?;
    let desired = if args.paths.is_empty() {
        DesiredSet::default()
    } else {
        ops::load(&args.paths, &ctx.ui)?
    };
    let conn = connect::connect(&api, &ctx.ui)?;
    let live = ops::runtime()?.block_on(async {
        ops::plan::warn_unoffered(&conn, &desired, &ctx.ui).await;
        ops::observe::list_live(&conn, &ctx.ui).await
    })?;
    let matching = identity::match_all(&desired.orders, &live);
    let unmatched: Vec<TaskOrder> = live
        .into_iter()
        .zip(&matching.owner)
        .filter(|(o, owner)| owner.is_none() && !o.ordering_process_status.is_canceled())
        .map(|(o, _)| o)
        .collect();
    let export = export::manifest(&unmatched, SCHEMA_REF);
    for line in &export.skipped {
        ctx.ui.line(&format!("warning: {line}"));
    }
    let (yaml, entries) = (export.yaml, export.entries);
    if let Some(path) = &args.out {
        std::fs::write(path, &yaml).map_err(|source| Error::Io {
            action: "write",
            path: path.clone(),
            source,
        })?;
        let plural = if entries == 1 { "y" } else { "ies" };
        ctx.ui.line(&format!("Wrote {entries} entr{plural} to `{}`.", path.display()));
    } else {
        let mut out = std::io::stdout().lock();
        out.write_all(yaml.as_bytes()).map_err(super::stdout_error)?;
    }
    Ok(ExitStatus::Success)
}
