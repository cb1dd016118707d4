//! `skyform schema`: print the manifest JSON Schema (the plan schema comes later).

use std::io::Write;

use crate::cli::SchemaArgs;
use crate::{Error, Outcome, manifest};

pub(crate) fn run(args: &SchemaArgs) -> Result<Outcome, Error> {
    if args.plan {
        return Err(super::not_yet("schema --plan"));
    }
    let text = serde_json::to_string_pretty(&manifest::schema())
        .map_err(|e| Error::Failed(format!("cannot write the schema: {e}")))?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}").map_err(|source| Error::Io {
        action: "write",
        path: "<stdout>".into(),
        source,
    })?;
    Ok(Outcome::Success)
}
