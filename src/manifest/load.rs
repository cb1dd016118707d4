//! Reads manifest files and directories, parses their YAML (with serde-saphyr's
//! budgets on, so an alias bomb is refused quickly), reads AOI files, and hands
//! everything to `validate`.
//!
//! Does IO: this is the one place in `manifest` that touches the file system.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use sha2::{Digest, Sha256};

use super::diagnostic::{Diagnostic, Diagnostics};
use super::node::{Node, Pos};
use super::validate;
use super::{scan, yaml_limits};
use crate::spec::{DesiredSet, ManifestDigest};
use clearsky::read::{self, FileKind};

/// Loads and validates manifests: files, and directories (every `*.yaml` /
/// `*.yml` directly inside, sorted). Returns every problem at once.
pub fn load(paths: &[PathBuf]) -> Result<DesiredSet, Diagnostics> {
    load_counted(paths).map(|(set, _)| set)
}

/// Like [`load`], also returning how many manifest files were read.
pub fn load_counted(paths: &[PathBuf]) -> Result<(DesiredSet, usize), Diagnostics> {
    load_all(paths).map(|l| (l.set, l.files))
}

/// What [`load_all`] found in valid manifests.
#[derive(Debug)]
pub struct Loaded {
    /// The wanted orders and budget.
    pub set: DesiredSet,
    /// How many manifest files were read.
    pub files: usize,
    /// Warnings: the manifests are valid, but these deserve a look.
    pub warnings: Diagnostics,
}

/// Like [`load`], also returning the file count and the warnings. On
/// failure the diagnostics hold the warnings too.
pub fn load_all(paths: &[PathBuf]) -> Result<Loaded, Diagnostics> {
    let mut diags = Diagnostics::default();
    let manifests = find(paths, &mut diags);
    let mut read =
        |path: &Path, kind: FileKind| read::read(path, kind).map_err(|e| read::reason(&e));
    load_found(&manifests, &mut read, diags)
}

/// Reads a file of a kind: its bytes, or why it cannot be read.
pub type ReadBytes<'a> = dyn FnMut(&Path, FileKind) -> Result<Vec<u8>, String> + 'a;

/// Loads and validates the manifests `manifests` (files, not directories),
/// reading them and the AOI files they name with `read` (the bytes, or why
/// not) instead of from the file system: the manifests at a git revision.
pub fn load_with(manifests: &[PathBuf], read: &mut ReadBytes<'_>) -> Result<Loaded, Diagnostics> {
    load_found(manifests, read, Diagnostics::default())
}

fn load_found(
    manifests: &[PathBuf],
    read_bytes: &mut ReadBytes<'_>,
    mut diags: Diagnostics,
) -> Result<Loaded, Diagnostics> {
    let mut files = Vec::new();
    let mut parsed = Vec::new();
    for path in manifests {
        let bytes = match read_bytes(path, FileKind::Manifest) {
            Ok(b) => b,
            Err(reason) => {
                diags.push(Diagnostic::file(path, format!("cannot read the file: {reason}")));
                continue;
            }
        };
        files.push(digest(path, &bytes));
        let Ok(text) = String::from_utf8(bytes) else {
            diags.push(Diagnostic::file(path, "is not UTF-8 text".into()));
            continue;
        };
        let text: Arc<str> = text.into();
        diags.add_source(path, Arc::clone(&text));
        match parse(&text) {
            Ok(root) => parsed.push((path.clone(), root)),
            Err(d) => diags.push(Diagnostic::at(path, d.0, d.1)),
        }
    }
    let mut read = |path: &Path| -> Result<String, String> {
        let bytes = read_bytes(path, FileKind::Aoi)?;
        if !files.iter().any(|f: &ManifestDigest| f.path == path) {
            files.push(digest(path, &bytes));
        }
        String::from_utf8(bytes).map_err(|_| "the file is not UTF-8 text".to_owned())
    };
    let (orders, budget) = validate::validate(&parsed, &mut read, &mut diags);
    diags.finish();
    if diags.is_empty() {
        let warnings = diags.take_warnings();
        let set = DesiredSet { orders, budget, files, base: None };
        Ok(Loaded { set, files: manifests.len(), warnings })
    } else {
        Err(diags)
    }
}

/// Parses one YAML document into a node tree, or returns the position and message of the error.
pub(crate) fn parse(text: &str) -> Result<Node, (Pos, String)> {
    let options = yaml_limits::options();
    serde_saphyr::from_str_with_options::<Node>(text, options).map_err(|e| {
        let pos = e.location().map_or(Pos::default(), |loc| {
            let span = loc.span();
            Pos {
                line: usize::try_from(loc.line()).unwrap_or(0),
                column: usize::try_from(loc.column()).unwrap_or(0),
                offset: span.byte_offset().and_then(|o| usize::try_from(o).ok()).unwrap_or(0),
                len: 1,
            }
        });
        (pos, yaml_message(&e))
    })
}

/// The parser's message without the position it appends (we print our own).
fn yaml_message(e: &serde_saphyr::Error) -> String {
    let full = e.without_snippet().to_string();
    let first = full.lines().next().unwrap_or_default();
    let trimmed = first.split(" at line ").next().unwrap_or(first).trim_end();
    if let Some(sentence) = yaml_limits::plain(trimmed) {
        return format!("cannot be read as a manifest: {sentence}");
    }
    if let Some(key) = trimmed.strip_prefix("duplicate mapping key: ") {
        let key = key.split(',').next().unwrap_or(key);
        return format!("duplicate key `{key}`: each key may appear once per mapping");
    }
    format!("invalid YAML: {trimmed}")
}

/// Expands directories into their manifests ([`scan::manifests_in`]); reports
/// missing paths and every directory entry that cannot be looked at.
fn find(paths: &[PathBuf], diags: &mut Diagnostics) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = Vec::new();
    for path in paths {
        if path.is_dir() {
            out.extend(scan::manifests_in(path, diags));
        } else if path.exists() || path.symlink_metadata().is_ok() {
            // Dangling links and the like are refused, with their reason, by the read.
            out.push(path.clone());
        } else {
            diags.push(Diagnostic::file(path, "no such file or directory".into()));
        }
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|p| seen.insert(p.clone()));
    out
}

fn digest(path: &Path, bytes: &[u8]) -> ManifestDigest {
    ManifestDigest { path: path.to_path_buf(), sha256: hex::encode(Sha256::digest(bytes)) }
}
