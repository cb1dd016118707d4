//! The base read from real git repositories in temp dirs.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::{load, resolve};
use crate::testing::ONE_ENTRY_MANIFEST;
use crate::ui::Recorder;

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@t.invalid", "-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

fn write(dir: &Path, rel: &str, text: &str) -> PathBuf {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path
}

fn commit(dir: &Path) -> String {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "--allow-empty", "-m", "c"]);
    git(dir, &["rev-parse", "HEAD"])
}

/// A repository with `orders/o.yaml` (entry `a`) committed.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    write(dir.path(), "orders/o.yaml", ONE_ENTRY_MANIFEST);
    commit(dir.path());
    dir
}

fn names(base: &crate::spec::Base) -> Vec<&str> {
    base.orders.iter().map(|o| o.name.as_str()).collect()
}

#[test]
fn the_manifests_at_the_base_are_loaded_from_git_not_from_the_work_tree() {
    let dir = repo();
    let first = git(dir.path(), &["rev-parse", "HEAD"]);
    write(dir.path(), "orders/o.yaml", &ONE_ENTRY_MANIFEST.replace("name: a", "name: b"));
    commit(dir.path());
    let paths = [dir.path().join("orders")];
    let rev = resolve("HEAD~1", &paths).unwrap();
    assert_eq!(rev.commit, first);
    let base = load(&rev, &paths, &Recorder::default()).unwrap();
    assert_eq!(base.commit, first);
    assert_eq!(names(&base), ["a"]);
    // A file given by name, from a subdirectory of the top level.
    let file = [dir.path().join("orders/o.yaml")];
    let base = load(&resolve("HEAD", &file).unwrap(), &file, &Recorder::default()).unwrap();
    assert_eq!(names(&base), ["b"]);
}

#[test]
fn a_file_or_folder_new_since_the_base_had_no_previous_version() {
    let dir = repo();
    write(dir.path(), "orders/new.yaml", &ONE_ENTRY_MANIFEST.replace("name: a", "name: n"));
    write(dir.path(), "b/o.yaml", &ONE_ENTRY_MANIFEST.replace("name: a", "name: m"));
    let paths = [dir.path().join("orders/new.yaml"), dir.path().join("b")];
    let base = load(&resolve("HEAD", &paths).unwrap(), &paths, &Recorder::default()).unwrap();
    assert!(base.orders.is_empty(), "{:?}", names(&base));
}

#[test]
fn aoi_files_are_read_at_the_base_too() {
    let dir = repo();
    let wkt = "POLYGON((9.0 56.0,9.05 56.0,9.05 56.05,9.0 56.05,9.0 56.0))";
    write(dir.path(), "shared/field.wkt", wkt);
    let text = ONE_ENTRY_MANIFEST.replace(&format!("Wkt: {wkt}"), "WktFile: ../shared/field.wkt");
    write(dir.path(), "orders/o.yaml", &text);
    commit(dir.path());
    std::fs::remove_dir_all(dir.path().join("shared")).unwrap();
    let paths = [dir.path().join("orders")];
    let base = load(&resolve("HEAD", &paths).unwrap(), &paths, &Recorder::default()).unwrap();
    assert_eq!(names(&base), ["a"]);
}

#[test]
fn a_manifest_at_the_top_level_reads_its_aoi_files_there() {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    let wkt = "POLYGON((9.0 56.0,9.05 56.0,9.05 56.05,9.0 56.05,9.0 56.0))";
    write(dir.path(), "field.wkt", wkt);
    let text = ONE_ENTRY_MANIFEST.replace(&format!("Wkt: {wkt}"), "WktFile: field.wkt");
    let manifest = write(dir.path(), "o.yaml", &text);
    commit(dir.path());
    let paths = [manifest];
    let base = load(&resolve("HEAD", &paths).unwrap(), &paths, &Recorder::default()).unwrap();
    assert_eq!(names(&base), ["a"]);
}

#[test]
fn invalid_manifests_at_the_base_end_the_command_located_at_the_revision() {
    let dir = repo();
    write(dir.path(), "orders/o.yaml", "orders:\n  - name: a\n    Model: 7\n");
    commit(dir.path());
    let paths = [dir.path().join("orders")];
    let ui = Recorder::default();
    let rev = resolve("HEAD", &paths).unwrap();
    let err = load(&rev, &paths, &ui).unwrap_err();
    let short = &rev.commit[..12];
    assert!(err.to_string().starts_with(&format!("the manifests at `--base HEAD` ({short})")));
    let at = format!("{short}:orders/o.yaml");
    assert!(ui.lines().iter().any(|l| l.contains(&at)), "{:?}", ui.lines());
}

#[test]
fn a_revision_the_clone_lacks_is_an_error_saying_how_to_fetch_it() {
    let dir = repo();
    let paths = [dir.path().join("orders")];
    let err = resolve("no-such-branch", &paths).unwrap_err();
    assert_eq!(err.to_string(), "`--base no-such-branch` names no commit in this clone");
    assert!(err.hints()[0].contains("`git fetch --depth=1 origin no-such-branch`"), "{err:?}");

    // A shallow clone of one commit, as CI checks out: the parent is not there.
    commit(dir.path());
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", dir.path().display());
    git(clone.path(), &["clone", "-q", "--depth=1", &url, "c"]);
    let paths = [clone.path().join("c/orders")];
    let err = resolve("HEAD~1", &paths).unwrap_err();
    assert_eq!(
        err.to_string(),
        "`--base HEAD~1` names no commit in this clone (it is a shallow clone)"
    );
    assert!(err.hints()[0].contains("`fetch-depth: 0`"), "{err:?}");
    assert!(resolve("HEAD", &paths).is_ok());
}

#[test]
fn manifests_outside_a_repository_or_in_two_are_refused() {
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "o.yaml", ONE_ENTRY_MANIFEST);
    let err = resolve("HEAD", &[outside.path().join("o.yaml")]).unwrap_err();
    assert!(err.to_string().contains("is not in a git repository"), "{err}");
    let (one, two) = (repo(), repo());
    let err = resolve("HEAD", &[one.path().join("orders"), two.path().join("orders")]);
    assert!(err.unwrap_err().to_string().contains("are in different ones"));
}

#[test]
fn an_option_is_never_taken_for_a_revision() {
    let dir = repo();
    let err = resolve("--output=x", &[dir.path().join("orders")]).unwrap_err();
    assert!(err.to_string().contains("names no commit"), "{err}");
    assert!(!dir.path().join("x").exists());
}
