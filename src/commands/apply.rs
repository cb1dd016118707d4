//! `skyform apply`.

use super::Context;
use crate::cli::ApplyArgs;
use crate::{Error, Outcome};

pub(crate) fn run(_args: &ApplyArgs, _ctx: Context) -> Result<Outcome, Error> {
    Err(super::not_yet("apply"))
}
