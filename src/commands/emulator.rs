//! `skyform emulator`: runs the local ClearSKY API emulator in the foreground,
//! prints the URL it serves on stdout and stops on Ctrl-C.

use std::io::Write;

use super::Context;
use crate::cli::EmulatorArgs;
use crate::{Error, ExitStatus, sandbox};

pub(crate) fn run(args: &EmulatorArgs, _ctx: &Context) -> Result<ExitStatus, Error> {
    sandbox::serve::serve(args, |url| {
        let mut out = std::io::stdout().lock();
        writeln!(out, "{url}").and_then(|()| out.flush()).ok();
    })?;
    Ok(ExitStatus::Success)
}
