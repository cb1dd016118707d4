//! The manifests at a base revision (`--base REV`): where a plan learns the
//! previous version of each entry, so that it pairs an edited entry with its
//! old order exactly and never takes another manifest's order for one.
//!
//! The base is read from git, where the manifests are kept: the same paths as
//! given to `plan`, relative to the repository's top level, at the commit
//! `REV` names, loaded by the normal manifest loader. Nothing is guessed: a
//! revision this clone does not have (a shallow CI checkout) is an error that
//! says how to fetch it. A manifest file or directory that did not exist at the
//! base is new: its entries had no previous version.
//!
//! Does IO: runs the `git` binary ([`git`]).

mod git;
mod paths;

use std::path::{Path, PathBuf};

use clearsky::read::FileKind;

use crate::Error;
use crate::manifest;
use crate::spec::Base;
use crate::ui::Ui;

use git::{Entry, Git};

/// A `--base` revision, resolved in the repository holding the manifests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    /// The revision as given (`origin/main`, `HEAD~1`, a commit id).
    pub given: String,
    /// The commit it names: full hex id.
    pub commit: String,
    git: Git,
}

/// Resolves `rev` to a commit of the repository that holds `paths` (the
/// manifest paths given to the command). Fails when there is no such
/// repository, when the paths are in several, or when the revision is not
/// in this clone, saying how to fetch it.
pub fn resolve(rev: &str, paths: &[PathBuf]) -> Result<Revision, Error> {
    let first = paths.first().ok_or_else(|| {
        Error::usage("`--base` needs manifest paths", Some("name the manifests to plan".into()))
    })?;
    let git = Git::open(first)?;
    for path in &paths[1..] {
        let other = Git::open(path)?;
        if other != git {
            return Err(Error::usage(
                format!(
                    "`--base` reads one git repository, but `{}` and `{}` are in different ones",
                    first.display(),
                    path.display()
                ),
                Some("plan the manifests of each repository separately".to_owned()),
            ));
        }
    }
    let commit = git.commit(rev)?;
    Ok(Revision { given: rev.to_owned(), commit, git })
}

/// Loads the manifests `paths` as they were at `rev`. Problems in them are
/// told through `ui` (each located as `COMMIT:path`) and end the command: the base
/// decides which orders a plan may cancel, so it is never half read.
pub fn load(rev: &Revision, paths: &[PathBuf], ui: &dyn Ui) -> Result<Base, Error> {
    let git = &rev.git;
    let mut manifests: Vec<(PathBuf, String)> = Vec::new();
    for path in paths {
        let rel = git.repo_path(path)?;
        match git.entry(&rev.commit, &rel)? {
            None => {}
            Some(Entry::Tree) => {
                let found = git.manifests_in(&rev.commit, &rel)?;
                manifests.extend(found.into_iter().map(|r| (label(rev, &r), r)));
            }
            Some(Entry::Blob | Entry::Link) => manifests.push((label(rev, &rel), rel)),
        }
    }
    let mut seen = std::collections::HashSet::new();
    manifests.retain(|(_, rel)| seen.insert(rel.clone()));
    let prefix = format!("{}:", short(&rev.commit));
    let mut read = |path: &Path, kind: FileKind| -> Result<Vec<u8>, String> {
        let shown = path.to_string_lossy();
        let inside = shown.strip_prefix(&prefix).unwrap_or(&shown);
        let rel = paths::normalize(inside)
            .ok_or_else(|| "the path leads outside the git repository".to_owned())?;
        match git.entry(&rev.commit, &rel).map_err(|e| e.to_string())? {
            Some(Entry::Blob) => git.read_blob(&rev.commit, &rel, kind),
            Some(Entry::Link) => Err("a symbolic link at the base revision (not followed)".into()),
            Some(Entry::Tree) => Err("a directory at the base revision".into()),
            None => Err("no such file at the base revision".into()),
        }
    };
    let labels: Vec<PathBuf> = manifests.into_iter().map(|(label, _)| label).collect();
    match manifest::load_with(&labels, &mut read) {
        Ok(loaded) => Ok(Base { commit: rev.commit.clone(), orders: loaded.set.orders }),
        Err(diags) => {
            ui.diagnostics(&diags);
            Err(Error::usage(
                format!(
                    "the manifests at `--base {}` ({}) have {} problem{}",
                    rev.given,
                    short(&rev.commit),
                    diags.len(),
                    if diags.len() == 1 { "" } else { "s" }
                ),
                Some(
                    "the base decides which live orders are the previous version of an entry; \
                     choose a base whose manifests are valid"
                        .to_owned(),
                ),
            ))
        }
    }
}

/// How a file at the base is named in diagnostics: `COMMIT:path`, which is
/// also what `git show` takes. The short commit id holds no `/`, so the
/// loader's `parent().join(…)` of an AOI file keeps the prefix, or drops it
/// whole for a manifest at the top level (whose AOI paths are then relative to
/// the top level, as they should be).
fn label(rev: &Revision, rel: &str) -> PathBuf {
    PathBuf::from(format!("{}:{rel}", short(&rev.commit)))
}

/// The first 12 hex digits of a commit id.
fn short(commit: &str) -> &str {
    commit.get(..12).unwrap_or(commit)
}

#[cfg(test)]
mod tests;
