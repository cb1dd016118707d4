//! Replaces end to end: an edited area pairs with its old order (the
//! manifest as committed, `--base HEAD`), and a replace that did not finish
//! (cancel refused, process killed) finishes on the next run; without a base
//! nothing is cancelled.

use std::time::{Duration, Instant};

use clearsky_emulator::Fault;

use crate::git;
use crate::harness::{Env, actions, json};

const OLD: &str = "POLYGON((9 56,9.05 56,9.05 56.05,9 56.05,9 56))";
/// `OLD` with its north-east vertex moved 0.01° east.
const MOVED: &str = "POLYGON((9 56,9.05 56,9.06 56.05,9 56.05,9 56))";
const CANCEL: &str = "/api/tasking/orders/cancel";

fn manifest(wkt: &str) -> String {
    format!(
        "orders:
  - name: field
    Model: Stratus2
    SatelliteConstellations: [Sentinel1, Sentinel2, Landsat89]
    StorageMonths: 1
    ApiRequests: 1
    ImageFrequency: 3
    From: 2025-04-01
    Wkt: {wkt}
"
    )
}

/// Orders neither cancelled nor with their renewal stopped.
fn running(env: &Env) -> Vec<String> {
    env.live().into_iter().filter(|o| o.to.is_none()).map(|o| o.task_order_guid).collect()
}

/// Applies `OLD` and commits it, then edits it to `MOVED`; returns the old
/// order's GUID.
fn placed_then_edited(env: &Env) -> String {
    env.write("o.yaml", &manifest(OLD));
    let out = env.run(&["apply", "--auto-approve", "o.yaml"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    git::init(env.path());
    env.write("o.yaml", &manifest(MOVED));
    env.live()[0].task_order_guid.clone()
}

/// The next plan shows the pending cancel of `old`, and the next apply makes it.
fn next_run_finishes_the_replace(env: &Env, old: &str) {
    let plan = env.run(&["plan", "--detailed-exitcode", "--base", "HEAD", "o.yaml"]);
    assert_eq!(plan.code, 2, "{}\n{}", plan.stdout, plan.stderr);
    assert!(plan.stdout.contains(&format!("- {old}")), "{}", plan.stdout);
    assert!(plan.stdout.contains("an earlier replace did not finish"), "{}", plan.stdout);
    let out = env.run(&["apply", "--auto-approve", "--base", "HEAD", "o.yaml"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let left = running(env);
    assert_eq!(left.len(), 1, "{left:?}");
    assert_ne!(left[0], old);
    assert_eq!(env.run(&["plan", "--detailed-exitcode", "--base", "HEAD", "o.yaml"]).code, 0);
}

#[test]
fn editing_one_vertex_plans_one_replace_with_the_wkt_diff_and_leaves_one_order() {
    let env = Env::new();
    let old = placed_then_edited(&env);
    let plan = env.run(&["plan", "--detailed-exitcode", "--base", "HEAD", "o.yaml"]);
    assert_eq!(plan.code, 2, "{}\n{}", plan.stdout, plan.stderr);
    assert!(plan.stdout.contains("± field"), "{}", plan.stdout);
    assert!(plan.stdout.contains("Wkt: …56,9.05 [-56,9.05-]{+56,9.06+} 56.05"), "{}", plan.stdout);
    assert!(plan.stdout.contains("Plan: 1 to replace."), "{}", plan.stdout);
    let doc = json(&env.run(&["plan", "--format", "json", "--base", "HEAD", "o.yaml"]));
    let changes = doc["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{doc:#}");
    assert_eq!(changes[0]["action"], "replace");
    assert_eq!(changes[0]["live"]["guid"], old.as_str());
    assert_eq!(changes[0]["field_changes"][0]["field"], "Area");
    assert_eq!(changes[0]["field_changes"][1]["field"], "Wkt");
    assert!(plan.stdout.contains("vertices, 1 moved"), "{}", plan.stdout);

    let out = env.run(&["apply", "--auto-approve", "--base", "HEAD", "o.yaml"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let live = env.live();
    assert_eq!(live.len(), 1, "{live:?}");
    assert_ne!(live[0].task_order_guid, old);
    assert!(live[0].wkt.as_deref().unwrap_or_default().contains("9.06 56.05"), "{live:?}");
    assert_eq!(env.run(&["plan", "--detailed-exitcode", "--base", "HEAD", "o.yaml"]).code, 0);
}

#[test]
fn without_a_base_an_edit_is_a_create_and_the_old_order_is_left_alone() {
    let env = Env::new();
    let old = placed_then_edited(&env);
    let doc = json(&env.run(&["plan", "--format", "json", "o.yaml"]));
    assert_eq!(
        actions(&doc),
        [("field".into(), "create".into()), (old.clone(), "unmanaged".into())]
    );
    let note = doc["changes"][1]["reason"].as_str().unwrap_or_default();
    assert!(note.contains("looks like the earlier version of `field`"), "{note}");
    let out = env.run(&["apply", "--auto-approve", "o.yaml"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert_eq!(running(&env).len(), 2, "the old order is not cancelled");
    // The old order is now the superseded half of a replace: still only
    // pointed at without a base, cancelled with one.
    let plan = env.run(&["plan", "--detailed-exitcode", "o.yaml"]);
    assert_eq!(plan.code, 0, "{}\n{}", plan.stdout, plan.stderr);
    next_run_finishes_the_replace(&env, &old);
}

#[test]
fn a_replace_whose_cancel_fails_is_finished_by_the_next_apply() {
    let env = Env::new();
    let old = placed_then_edited(&env);
    assert!(env.emu.accept(&old));
    env.emu.script("DELETE", CANCEL, vec![Fault::Unavailable; 5]);
    // The cancel fails through every retry; the retries need not wait.
    let out = env.run_with_short_backoff(&["apply", "--auto-approve", "--base", "HEAD", "o.yaml"]);
    assert_eq!(out.code, 5, "{}\n{}", out.stdout, out.stderr);
    assert_eq!(running(&env).len(), 2, "the old order still renews");
    next_run_finishes_the_replace(&env, &old);
    let stopped = env.emu.orders().into_iter().find(|o| o.task_order_guid == old).unwrap();
    assert!(stopped.to.is_some(), "renewal of the old order stops: {stopped:?}");
}

#[cfg(unix)]
#[test]
fn a_replace_killed_after_the_create_is_finished_by_the_next_apply() {
    let env = Env::new();
    let old = placed_then_edited(&env);
    // The cancel is held, never answered: the run is killed while it is in flight.
    env.emu.script("DELETE", CANCEL, vec![Fault::Hold]);
    let mut child = env
        .command(&["apply", "--auto-approve", "--base", "HEAD", "o.yaml"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn apply");
    let started = Instant::now();
    while env.emu.held() == 0 {
        assert!(started.elapsed() < Duration::from_secs(60), "the cancel never came");
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(env.live().len(), 2, "the new order exists before the cancel is sent");
    child.kill().expect("SIGKILL");
    child.wait().expect("wait");
    env.emu.clear_faults();
    assert_eq!(running(&env).len(), 2, "the old order is still live");
    next_run_finishes_the_replace(&env, &old);
    assert!(!env.live().iter().any(|o| o.task_order_guid == old), "the old order is cancelled");
}

#[cfg(unix)]
#[test]
fn a_replace_interrupted_after_the_create_is_finished_by_the_next_apply() {
    use std::io::{BufRead, BufReader};

    let env = Env::new();
    let old = placed_then_edited(&env);
    // The create is held: the interrupt comes while it is in flight, so the
    // new order is made and the cancel half never starts.
    env.emu.script("POST", "/api/tasking/orders", vec![Fault::Hold]);
    let mut child = env
        .command(&["apply", "--auto-approve", "--base", "HEAD", "o.yaml"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn apply");
    let started = Instant::now();
    while env.emu.held() == 0 {
        assert!(started.elapsed() < Duration::from_secs(60), "the create never came");
        std::thread::sleep(Duration::from_millis(5));
    }
    let pid = child.id().to_string();
    let sent = std::process::Command::new("kill").args(["-INT", &pid]).status().expect("kill");
    assert!(sent.success(), "SIGINT not sent");
    // Once apply says it heard the interrupt, the create may finish.
    let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
    let heard = lines.by_ref().map_while(Result::ok).any(|l| l.contains("Interrupted"));
    assert!(heard, "apply never heard the interrupt");
    env.emu.release(1);
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(5), "a partial apply: {rest:?}");
    assert_eq!(running(&env).len(), 2, "the new order exists and the old one is still live");
    next_run_finishes_the_replace(&env, &old);
    assert!(!env.live().iter().any(|o| o.task_order_guid == old), "the old order is cancelled");
}
