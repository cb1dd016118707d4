//! `skyform man`: prints the manual page, skyform(1), as roff on stdout
//! ([`crate::reference::man`]).

use std::io::Write;

use crate::{Error, ExitStatus, reference};

pub(crate) fn run() -> Result<ExitStatus, Error> {
    let page = reference::man::page().map_err(super::stdout_error)?;
    let mut out = std::io::stdout().lock();
    out.write_all(&page).and_then(|()| out.flush()).map_err(super::stdout_error)?;
    Ok(ExitStatus::Success)
}
