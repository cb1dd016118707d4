//! Loading manifests for an operation: every problem reported at once through
//! the [`Ui`], warnings too; with `--base`, the same manifests at that git
//! revision as well.
//!
//! Does IO (reads the manifest files, runs `git` for a base).

use std::path::PathBuf;

use crate::base::{self, Revision};
use crate::spec::DesiredSet;
use crate::ui::Ui;
use crate::{Error, manifest};

/// Loads and validates the manifests; tells the warnings; on problems, tells
/// them all and fails with [`Error::Invalid`].
pub fn load(paths: &[PathBuf], ui: &dyn Ui) -> Result<DesiredSet, Error> {
    let loaded = manifest::load_all(paths).map_err(|diags| problems(&diags, ui))?;
    warnings(&loaded.warnings, ui);
    Ok(loaded.set)
}

/// Loads the manifests as [`load`] does and, with a base revision (`--base`
/// as given), the same manifests at that revision into [`DesiredSet::base`].
pub fn with_base(paths: &[PathBuf], base: Option<&str>, ui: &dyn Ui) -> Result<DesiredSet, Error> {
    let rev = base.map(|rev| base::resolve(rev, paths)).transpose()?;
    load_at(paths, rev.as_ref(), ui)
}

/// Like [`with_base`], with the base already resolved.
pub fn load_at(
    paths: &[PathBuf],
    rev: Option<&Revision>,
    ui: &dyn Ui,
) -> Result<DesiredSet, Error> {
    let mut desired = load(paths, ui)?;
    if let Some(rev) = rev {
        desired.base = Some(base::load(rev, paths, ui)?);
    }
    Ok(desired)
}

/// Tells manifest warnings, if there are any.
pub fn warnings(warnings: &manifest::Diagnostics, ui: &dyn Ui) {
    if !warnings.warnings().is_empty() {
        ui.diagnostics(warnings);
    }
}

/// Tells manifest problems and returns the error that ends the command.
pub fn problems(diags: &manifest::Diagnostics, ui: &dyn Ui) -> Error {
    ui.diagnostics(diags);
    Error::Invalid { count: diags.len() }
}
