//! The few `git` commands the base needs, run in the repository's top level:
//! `rev-parse` (the top level, the commit a revision names, whether the clone
//! is shallow), `ls-tree` (what a path is at a commit, what a directory holds)
//! and `cat-file` (a file's bytes, read up to the loader's limit).
//!
//! Does IO: runs the `git` binary found on `PATH`.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use clearsky::read::FileKind;

use super::paths;
use crate::Error;

/// A git repository, by its top level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Git {
    top: PathBuf,
}

/// What a path is at a commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Entry {
    /// A file.
    Blob,
    /// A symbolic link.
    Link,
    /// A directory.
    Tree,
}

impl Git {
    /// The repository that holds `path` (a manifest path as given).
    pub(super) fn open(path: &Path) -> Result<Self, Error> {
        let dir = paths::existing_dir(path);
        let out =
            run(Command::new("git").arg("-C").arg(&dir).args(["rev-parse", "--show-toplevel"]))?;
        if !out.status.success() {
            return Err(Error::usage(
                format!(
                    "`--base` reads the manifests from git, but `{}` is not in a git repository",
                    path.display()
                ),
                Some(
                    "run skyform in a clone of the repository that holds the manifests, or plan \
                     without `--base` (then no live order is paired with an entry's earlier version)"
                        .to_owned(),
                ),
            ));
        }
        let top = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim_end_matches('\n'));
        let top = top.canonicalize().unwrap_or(top);
        Ok(Self { top })
    }

    /// The commit `rev` names, as a full hex id. A revision the clone does not
    /// have is an error saying how to fetch it.
    pub(super) fn commit(&self, rev: &str) -> Result<String, Error> {
        let spec = format!("{rev}^{{commit}}");
        let out = self.git(&["rev-parse", "--verify", "--quiet", "--end-of-options", &spec])?;
        let id = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        if out.status.success() && !id.is_empty() {
            return Ok(id);
        }
        let shallow = self
            .git(&["rev-parse", "--is-shallow-repository"])
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "true");
        Err(Error::usage(
            format!(
                "`--base {rev}` names no commit in this clone{}",
                if shallow { " (it is a shallow clone)" } else { "" }
            ),
            Some(fetch_hint(rev)),
        ))
    }

    /// The path `path` (as given on the command line) has in the repository.
    pub(super) fn repo_path(&self, path: &Path) -> Result<String, Error> {
        let outside = || {
            Error::usage(
                format!(
                    "`{}` is outside the git repository `{}` that `--base` reads",
                    path.display(),
                    self.top.display()
                ),
                None,
            )
        };
        let real = paths::real(path).map_err(|_| outside())?;
        paths::inside(&self.top, &real).ok_or_else(outside)
    }

    /// What `rel` is at `commit`; `None` when the commit has no such path.
    pub(super) fn entry(&self, commit: &str, rel: &str) -> Result<Option<Entry>, Error> {
        if rel.is_empty() {
            return Ok(Some(Entry::Tree));
        }
        let listed = self.ls_tree(commit, rel)?;
        Ok(listed.into_iter().find(|(_, path)| path == rel).map(|(entry, _)| entry))
    }

    /// The manifests (`*.yaml`, `*.yml`) directly inside the directory `rel`
    /// at `commit`, sorted, as repository paths.
    pub(super) fn manifests_in(&self, commit: &str, rel: &str) -> Result<Vec<String>, Error> {
        let inside = if rel.is_empty() { String::new() } else { format!("{rel}/") };
        let mut found: Vec<String> = self
            .ls_tree(commit, &inside)?
            .into_iter()
            .filter(|(entry, path)| {
                *entry != Entry::Tree && crate::manifest::is_manifest_name(Path::new(path))
            })
            .map(|(_, path)| path)
            .collect();
        found.sort();
        Ok(found)
    }

    /// The bytes of the file `rel` at `commit`, refused past the limit of `kind`.
    pub(super) fn read_blob(
        &self,
        commit: &str,
        rel: &str,
        kind: FileKind,
    ) -> Result<Vec<u8>, String> {
        let mut child = self
            .command(&["cat-file", "blob", &format!("{commit}:{rel}")])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run `git`: {e}"))?;
        let mut bytes = Vec::new();
        let limit = kind.limit();
        let read = child
            .stdout
            .take()
            .map(|out| out.take(limit.saturating_add(1)).read_to_end(&mut bytes));
        if bytes.len() as u64 > limit {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!(
                "it is larger than {} MiB, the limit for {}",
                limit / (1024 * 1024),
                kind.name()
            ));
        }
        let out = child.wait_with_output().map_err(|e| format!("cannot run `git`: {e}"))?;
        match read {
            Some(Ok(_)) if out.status.success() => Ok(bytes),
            _ => Err(format!("`git cat-file` failed: {}", first_line(&out.stderr))),
        }
    }

    /// `(entry, path)` of what `git ls-tree` lists for `rel` at `commit`
    /// (the entry itself, or with a trailing `/` a directory's contents).
    fn ls_tree(&self, commit: &str, rel: &str) -> Result<Vec<(Entry, String)>, Error> {
        let mut args = vec!["--literal-pathspecs", "ls-tree", "-z", "--full-tree", commit];
        if !rel.is_empty() {
            args.extend(["--", rel]);
        }
        let out = self.git(&args)?;
        if !out.status.success() {
            return Err(Error::usage(
                format!("`git ls-tree` failed: {}", first_line(&out.stderr)),
                Some(fetch_hint(commit)),
            ));
        }
        let text = String::from_utf8_lossy(&out.stdout);
        Ok(text.split('\0').filter_map(parse_ls_tree).collect())
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new("git");
        cmd.arg("-C").arg(&self.top).args(args).stdin(Stdio::null());
        cmd
    }

    fn git(&self, args: &[&str]) -> Result<Output, Error> {
        run(&mut self.command(args))
    }
}

/// One line of `git ls-tree -z`: `MODE TYPE ID<TAB>PATH`; submodules are left out.
fn parse_ls_tree(line: &str) -> Option<(Entry, String)> {
    let (meta, path) = line.split_once('\t')?;
    let mut fields = meta.split(' ');
    let (mode, kind) = (fields.next()?, fields.next()?);
    let entry = match (mode, kind) {
        ("120000", _) => Entry::Link,
        (_, "blob") => Entry::Blob,
        (_, "tree") => Entry::Tree,
        _ => return None,
    };
    Some((entry, path.to_owned()))
}

fn run(cmd: &mut Command) -> Result<Output, Error> {
    cmd.stdin(Stdio::null()).output().map_err(|e| {
        Error::usage(
            format!("cannot run `git`, which `--base` reads the manifests with: {e}"),
            Some("install git, or plan without `--base`".to_owned()),
        )
    })
}

fn first_line(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    text.lines().next().unwrap_or("no message").trim().to_owned()
}

/// How to get a base a clone lacks: fetch it, or the whole history.
fn fetch_hint(rev: &str) -> String {
    let fetch = match rev.strip_prefix("origin/") {
        Some(branch) => format!("git fetch --depth=1 origin {branch}"),
        None if rev.contains(['~', '^']) => "git fetch --deepen=1".to_owned(),
        None => format!("git fetch --depth=1 origin {rev}"),
    };
    format!(
        "fetch it first (`{fetch}`), or check out the whole history (`fetch-depth: 0` with \
         actions/checkout, `GIT_DEPTH: 0` in GitLab CI); CI checkouts are often shallow"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ls_tree_lines_by_table() {
        let id = "587be6b4c3f93f93c489c0111bba5596147a26cb";
        for (line, want) in [
            (format!("100644 blob {id}\ta/o.yaml"), Some((Entry::Blob, "a/o.yaml"))),
            (format!("100755 blob {id}\ta b.yml"), Some((Entry::Blob, "a b.yml"))),
            (format!("120000 blob {id}\tl.yaml"), Some((Entry::Link, "l.yaml"))),
            (format!("040000 tree {id}\tdir"), Some((Entry::Tree, "dir"))),
            (format!("160000 commit {id}\tsub"), None),
            (String::new(), None),
        ] {
            let got = parse_ls_tree(&line);
            assert_eq!(got.as_ref().map(|(e, p)| (*e, p.as_str())), want, "{line}");
        }
    }

    #[test]
    fn the_fetch_hint_names_the_branch_or_commit() {
        assert!(fetch_hint("origin/main").contains("`git fetch --depth=1 origin main`"));
        assert!(fetch_hint("HEAD~1").contains("`git fetch --deepen=1`"));
        assert!(fetch_hint("1a2b3c").contains("`git fetch --depth=1 origin 1a2b3c`"));
        assert!(fetch_hint("1a2b3c").contains("`fetch-depth: 0`"));
    }
}
