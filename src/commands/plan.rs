//! `skyform plan`.

use super::Context;
use crate::cli::PlanArgs;
use crate::{Error, Outcome};

pub(crate) fn run(_args: &PlanArgs, _ctx: Context) -> Result<Outcome, Error> {
    Err(super::not_yet("plan"))
}
