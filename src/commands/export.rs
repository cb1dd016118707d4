//! `skyform export`: manifest entries for the live orders no manifest describes.

use std::io::Write;

use super::Context;
use crate::cli::ExportArgs;
use crate::settings::ExportSettings;
use crate::ui::Ui;
use crate::{Error, ExitStatus, ops};

/// Where editors find the schema: write it beside the manifest with `skyform schema > manifest.schema.json`.
const SCHEMA_REF: &str = "manifest.schema.json";

pub(crate) fn run(args: &ExportArgs, ctx: &Context) -> Result<ExitStatus, Error> {
    let settings = ExportSettings::resolve(args, &ctx.env)?;
    let export = ops::orders::export(&settings, SCHEMA_REF, &ctx.ui)?;
    let (yaml, entries) = (export.yaml, export.entries);
    if let Some(path) = &settings.out {
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
