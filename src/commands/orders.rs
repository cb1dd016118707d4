//! `skyform orders`.

use super::Context;
use crate::cli::OrdersArgs;
use crate::{Error, Outcome};

pub(crate) fn run(_args: &OrdersArgs, _ctx: Context) -> Result<Outcome, Error> {
    Err(super::not_yet("orders"))
}
