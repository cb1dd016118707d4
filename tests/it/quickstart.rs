//! The README's quick start works on a fresh checkout: a sandbox apply of the
//! examples, after which a sandbox plan has nothing to do.

use crate::harness::{Env, repo};

const APPLY: &str = "cargo run --release -- apply --sandbox --auto-approve examples/";
const TEST: &str = "cargo test --locked";

#[test]
fn the_readme_quick_start_commands_are_the_ones_tested_here() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let first_block = readme.split("```").nth(1).expect("a code block in the README");
    assert!(first_block.contains(APPLY), "README's first block:\n{first_block}");
    assert!(first_block.contains(TEST), "README's first block:\n{first_block}");
}

#[test]
fn sandbox_apply_of_the_examples_then_plan_has_no_changes() {
    let env = Env::new();
    env.copy_examples();
    let sandbox = |args: &[&str]| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_skyform"));
        cmd.args(args)
            .current_dir(env.path())
            .env("NO_COLOR", "1")
            .env_remove("CLEARSKY_API_KEY")
            .env_remove("CLEARSKY_API_URL")
            .env_remove("SKYFORM_NOW");
        cmd.output().unwrap()
    };
    let apply = sandbox(&["apply", "--sandbox", "--auto-approve", "examples/"]);
    let text = |o: &std::process::Output| {
        format!("{}\n{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
    };
    assert_eq!(apply.status.code(), Some(0), "{}", text(&apply));
    assert!(String::from_utf8_lossy(&apply.stderr).contains("no real orders are placed"));
    assert!(env.path().join(".skyform/sandbox.json").is_file());
    let plan = sandbox(&["plan", "--sandbox", "--detailed-exitcode", "examples/"]);
    assert_eq!(plan.status.code(), Some(0), "{}", text(&plan));
    // The sandbox persists: `orders` and `export` see the same account.
    let rows = |extra: &[&str]| {
        let mut args = vec!["orders", "--sandbox", "--format", "json", "examples/"];
        args.extend_from_slice(extra);
        let out = sandbox(&args);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        serde_json::from_slice::<serde_json::Value>(&out.stdout)
            .unwrap()
            .as_array()
            .unwrap()
            .clone()
    };
    // The 2023 historical order has expired: listed only with `--expired`.
    assert_eq!(rows(&[]).len(), 6);
    let rows = rows(&["--expired"]);
    assert_eq!(rows.len(), 7, "{rows:?}");
    assert!(rows.iter().all(|r| r["entry"].is_string()), "{rows:?}");
    let export = sandbox(&["export", "--sandbox", "examples/"]);
    assert_eq!(export.status.code(), Some(0), "{}", text(&export));
    assert!(String::from_utf8_lossy(&export.stdout).contains("orders: []"), "{}", text(&export));
}
