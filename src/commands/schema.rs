//! `skyform schema`: print the manifest JSON Schema, or with `--plan` the schema
//! of `plan --format json`, or with `--apply-events` that of one line of
//! `apply --format json`.

use std::io::Write;

use crate::cli::SchemaArgs;
use crate::{Error, ExitStatus, manifest, render};

pub(crate) fn run(args: &SchemaArgs) -> Result<ExitStatus, Error> {
    let schema = if args.plan {
        render::plan_json_schema()
    } else if args.apply_events {
        render::apply_events_schema()
    } else {
        manifest::schema()
    };
    let text = serde_json::to_string_pretty(&schema)
        .map_err(|e| Error::Failed(format!("cannot write the schema: {e}")))?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}").map_err(super::stdout_error)?;
    Ok(ExitStatus::Success)
}
