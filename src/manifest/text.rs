//! Checks manifest text that is not (yet) a file: what `skyform export`
//! writes is checked with the same rules as `validate` before it is written.
//!
//! Pure: AOI files are not read (exported entries carry their AOI inline).

use std::path::{Path, PathBuf};

use super::diagnostic::{Diagnostic, Diagnostics};
use super::{load, validate};

/// Checks `text` as if it were the manifest file `name`; returns every
/// problem `validate` would report.
pub fn check(name: &str, text: &str) -> Result<(), Diagnostics> {
    let path = PathBuf::from(name);
    let mut diags = Diagnostics::default();
    diags.add_source(&path, text.into());
    match load::parse(text) {
        Ok(root) => {
            let mut no_files =
                |_: &Path| -> Result<String, String> { Err("not read while checking".into()) };
            let _ = validate::validate(&[(path, root)], &mut no_files, &mut diags);
        }
        Err((pos, message)) => diags.push(Diagnostic::at(&path, pos, message)),
    }
    diags.finish();
    if diags.is_empty() { Ok(()) } else { Err(diags) }
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn reports_what_validate_reports() {
        let ok = "orders:\n  - name: a\n    Model: Stratus2\n    SatelliteConstellations: [Sentinel1, Sentinel2, Landsat89]\n    StorageMonths: 1\n    ApiRequests: 1\n    ImageFrequency: 3\n    From: 2025-05-01\n    To: 2025-05-31\n    Wkt: POLYGON((9 56,9.1 56,9.1 56.1,9 56.1,9 56))\n";
        assert!(check("x.yaml", ok).is_ok());
        let bad = ok.replace("To: 2025-05-31", "To: 2025-04-30");
        let diags = check("x.yaml", &bad).unwrap_err();
        assert!(diags.iter().any(|d| d.message.contains("To")), "{:?}", diags.iter().next());
    }
}
