//! `skyform export`: manifest entries for the live orders no manifest describes.

use std::io::Write;

use super::Context;
use crate::cli::ExportArgs;
use crate::settings::ApiSettings;
use crate::spec::DesiredSet;
use crate::workflow::{self, runtime};
use crate::{Error, ExitStatus, connect, export, identity};
use clearsky::api::types::TaskOrder;

/// Where editors find the schema: write it beside the manifest with `skyform schema > manifest.schema.json`.
const SCHEMA_REF: &str = "manifest.schema.json";

pub(crate) fn run(args: &ExportArgs, ctx: Context) -> Result<ExitStatus, Error> {
    let api = ApiSettings::resolve(&args.api)?;
    let desired = if args.paths.is_empty() {
        DesiredSet::default()
    } else {
        workflow::load(&args.paths, ctx.color_stderr)?
    };
    let conn = connect::connect(&api)?;
    let live = runtime()?.block_on(async {
        workflow::warn_unoffered(&conn, &desired, ctx.color_stderr).await;
        workflow::list_live(&conn).await
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
        let _ = writeln!(std::io::stderr(), "warning: {line}");
    }
    let (yaml, entries) = (export.yaml, export.entries);
    if let Some(path) = &args.out {
        std::fs::write(path, &yaml).map_err(|source| Error::Io {
            action: "write",
            path: path.clone(),
            source,
        })?;
        let _ = writeln!(
            std::io::stderr(),
            "Wrote {} entr{} to `{}`.",
            entries,
            if entries == 1 { "y" } else { "ies" },
            path.display()
        );
    } else {
        let mut out = std::io::stdout().lock();
        out.write_all(yaml.as_bytes()).map_err(super::stdout_error)?;
    }
    Ok(ExitStatus::Success)
}
