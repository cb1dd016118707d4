//! `skyform validate`.

use super::Context;
use crate::cli::ValidateArgs;
use crate::{Error, Outcome};

pub(crate) fn run(_args: &ValidateArgs, _ctx: Context) -> Result<Outcome, Error> {
    Err(super::not_yet("validate"))
}
