//! Paths of the base: the directory to run `git` in, and repository paths in
//! the form git's `COMMIT:path` takes (`/`-separated, no `.` or `..`).
//!
//! Pure but for [`existing_dir`] and [`real`], which look at the file system.

use std::path::{Component, Path, PathBuf};

/// A directory to run `git` in for `path`: the path itself when it is a
/// directory, else its parent, else the current directory.
pub(super) fn existing_dir(path: &Path) -> PathBuf {
    if path.is_dir() {
        return path.to_path_buf();
    }
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() && p.is_dir() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// `path` made absolute with its symbolic links resolved as far as it exists
/// (a file the manifests name need not exist any more), `.` and `..` removed.
pub(super) fn real(path: &Path) -> std::io::Result<PathBuf> {
    let absolute = lexical(&std::path::absolute(path)?);
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(found) = existing.canonicalize() {
            let mut out = found;
            for part in rest.iter().rev() {
                out.push(part);
            }
            return Ok(out);
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_owned());
                existing = parent;
            }
            _ => return Ok(absolute),
        }
    }
}

/// `path` with `.` and `..` removed by their meaning in the text.
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// A relative path as a repository path: parts joined by `/`, `.` dropped,
/// `..` taken back. `None` when it leaves the top level or is absolute.
pub(super) fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    if path.starts_with('/') {
        return None;
    }
    Some(parts.join("/"))
}

/// `path` (made [`real`]) relative to the repository's top level `top`, as a
/// repository path; `None` when it is outside.
pub(super) fn inside(top: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(top).ok()?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| match c {
            Component::Normal(p) => Some(p.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect::<Option<_>>()?;
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repository_paths_by_table() {
        for (given, want) in [
            ("orders/o.yaml", Some("orders/o.yaml")),
            ("orders/./aois/../x.wkt", Some("orders/x.wkt")),
            ("orders\\aois\\x.wkt", Some("orders/aois/x.wkt")),
            ("orders/../../x.wkt", None),
            ("/etc/passwd", None),
            ("", Some("")),
        ] {
            assert_eq!(normalize(given).as_deref(), want, "{given}");
        }
    }

    #[test]
    fn paths_inside_the_top_level_only() {
        let top = Path::new("/repo");
        assert_eq!(inside(top, Path::new("/repo/a/b.yaml")).as_deref(), Some("a/b.yaml"));
        assert_eq!(inside(top, Path::new("/repo")).as_deref(), Some(""));
        assert_eq!(inside(top, Path::new("/elsewhere/b.yaml")), None);
    }

    #[test]
    fn a_path_that_no_longer_exists_is_made_real_from_its_existing_part() {
        let dir = tempfile::tempdir().unwrap();
        let real_dir = dir.path().canonicalize().unwrap();
        let gone = dir.path().join("gone/../also-gone/x.yaml");
        assert_eq!(real(&gone).unwrap(), real_dir.join("also-gone/x.yaml"));
    }
}
