//! `skyform completions SHELL`: prints a completion script for the shell on
//! stdout (clap_complete), generated from the same flag definitions as `--help`.
//!
//! Does IO: writes to stdout.

use std::io::Write;

use clap::CommandFactory;

use crate::cli::{Args, CompletionsArgs};
use crate::{Error, ExitStatus};

pub(crate) fn run(args: &CompletionsArgs) -> Result<ExitStatus, Error> {
    let mut cmd = Args::command();
    // Generated into memory first: clap_complete panics on a write error, and
    // a closed pipe must end the command quietly instead.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "skyform", &mut script);
    let mut out = std::io::stdout().lock();
    out.write_all(&script).and_then(|()| out.flush()).map_err(super::stdout_error)?;
    Ok(ExitStatus::Success)
}
