//! Which files of a directory argument are manifests: every entry named
//! `*.yaml` or `*.yml`, the extension in any case (`ORDERS.YML` too).
//!
//! Nothing that looks like a manifest is skipped: an entry that is a dangling
//! link, a symlink loop, a FIFO or unreadable is still returned, so that the
//! bounded read refuses it with its path and reason, and an entry the
//! directory listing itself cannot show is reported here. A run with any such
//! problem fails before the API is called, so `--prune` can never cancel the
//! orders of a file it did not read.
//!
//! Does file IO (directory listings only).

use std::path::{Path, PathBuf};

use super::diagnostic::{Diagnostic, Diagnostics};
use clearsky::read;

/// True for a name ending in `.yaml` or `.yml`, in any case.
pub(crate) fn is_manifest_name(path: &Path) -> bool {
    path.extension()
        .and_then(|x| x.to_str())
        .is_some_and(|x| x.eq_ignore_ascii_case("yaml") || x.eq_ignore_ascii_case("yml"))
}

/// The manifests directly inside `dir`, sorted; problems go to `diags`.
pub(crate) fn manifests_in(dir: &Path, diags: &mut Diagnostics) -> Vec<PathBuf> {
    let entries = match std::fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) => {
            diags.push(Diagnostic::file(
                dir,
                format!("cannot read the directory: {}", read::reason(&e)),
            ));
            return Vec::new();
        }
    };
    let mut found = Vec::new();
    let mut unlisted = false;
    for entry in entries {
        match entry {
            Ok(entry) => {
                let path = entry.path();
                if is_manifest_name(&path) {
                    found.push(path);
                }
            }
            Err(e) => {
                unlisted = true;
                diags.push(Diagnostic::file(
                    dir,
                    format!("cannot list an entry of the directory: {}", read::reason(&e)),
                ));
            }
        }
    }
    found.sort();
    if found.is_empty() && !unlisted {
        diags.push(Diagnostic::file(dir, "contains no `*.yaml` or `*.yml` manifest".into()));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_names_in_any_case() {
        for yes in ["a.yaml", "a.yml", "A.YAML", "b.Yml", "dir/c.YaMl"] {
            assert!(is_manifest_name(Path::new(yes)), "{yes}");
        }
        for no in ["a.json", "yaml", "a.yaml.bak", "a.ya"] {
            assert!(!is_manifest_name(Path::new(no)), "{no}");
        }
    }

    #[test]
    fn upper_case_extensions_are_found() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["b.YML", "a.yaml", "c.Yaml", "notes.txt"] {
            std::fs::write(dir.path().join(name), "").unwrap();
        }
        let mut diags = Diagnostics::default();
        let found = manifests_in(dir.path(), &mut diags);
        let names: Vec<_> =
            found.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
        assert_eq!(names, ["a.yaml", "b.YML", "c.Yaml"]);
        assert!(diags.is_empty());
    }
}
