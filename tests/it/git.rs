//! A git repository in a test's temp dir, for plans with `--base`.

use std::path::Path;
use std::process::Command;

/// Runs `git ARGS` in `dir` with a fixed identity and no user or system
/// configuration; panics when it fails. Returns its stdout, trimmed.
pub(crate) fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(["-c", "user.name=skyform tests", "-c", "user.email=tests@skyform.invalid"])
        .args(["-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .expect("run git");
    assert!(out.status.success(), "git {args:?} failed:\n{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// Makes `dir` a git repository holding its files in one commit (skyform's
/// own state and the tests' lock directory left out).
pub(crate) fn init(dir: &Path) {
    std::fs::write(dir.join(".gitignore"), ".skyform/\n.locks/\n").expect("write .gitignore");
    git(dir, &["init", "-q"]);
    commit(dir, "first");
}

/// Commits every file of `dir` (the repository) with `message`.
pub(crate) fn commit(dir: &Path, message: &str) {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "--allow-empty", "-m", message]);
}
