//! `skyform export`.

use super::Context;
use crate::cli::ExportArgs;
use crate::{Error, Outcome};

pub(crate) fn run(_args: &ExportArgs, _ctx: Context) -> Result<Outcome, Error> {
    Err(super::not_yet("export"))
}
