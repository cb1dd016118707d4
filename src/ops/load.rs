//! Loading manifests for an operation: every problem reported at once through
//! the [`Ui`], warnings too.
//!
//! Does IO (reads the manifest files).

use std::path::PathBuf;

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
