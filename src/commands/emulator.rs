//! `skyform emulator`.

use super::Context;
use crate::cli::EmulatorArgs;
use crate::{Error, Outcome};

pub(crate) fn run(_args: &EmulatorArgs, _ctx: Context) -> Result<Outcome, Error> {
    Err(super::not_yet("emulator"))
}
