//! `skyform schema`.

use crate::cli::SchemaArgs;
use crate::{Error, Outcome};

pub(crate) fn run(_args: &SchemaArgs) -> Result<Outcome, Error> {
    Err(super::not_yet("schema"))
}
