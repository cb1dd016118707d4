//! Ownership before any cancel (issue 20, case 2): a plan cancels or replaces
//! only the orders its manifests own, the previous version of an entry coming
//! from git (`--base`). Folders `a/` and `b/` stand for two teams sharing one
//! account; the assertions are on the emulator's orders.

use crate::git;
use crate::harness::{Env, actions, json};

/// Team A's field, and team B's new entry on the same field with another model.
const FIELD: &str = "POLYGON((9 56,9.05 56,9.05 56.05,9 56.05,9 56))";

fn entry(name: &str, model: &str) -> String {
    format!(
        "orders:
  - name: {name}
    Model: {model}
    SatelliteConstellations: [Sentinel1, Sentinel2, Landsat89]
    StorageMonths: 1
    ApiRequests: 1
    ImageFrequency: 3
    From: 2025-04-01
    Wkt: {FIELD}
"
    )
}

/// Team A's order, placed from `a/` and accepted (recurring, renewing monthly).
fn team_a_order(env: &Env) -> String {
    env.write("a/orders.yaml", &entry("field-x", "Stratus2"));
    let out = env.run(&["apply", "--auto-approve", "a/"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let guid = env.live()[0].task_order_guid.clone();
    assert!(env.emu.accept(&guid));
    guid
}

/// Team A's order is neither cancelled nor stopped: it still renews.
fn still_renews(env: &Env, guid: &str) {
    let order = env.emu.orders().into_iter().find(|o| o.task_order_guid == guid).unwrap();
    assert!(!order.ordering_process_status.is_canceled(), "{order:?}");
    assert_eq!(order.to, None, "team A's renewal was stopped: {order:?}");
}

#[test]
fn a_new_entry_in_another_folder_never_cancels_its_look_alike() {
    let env = Env::new();
    let a = team_a_order(&env);
    env.write("b/orders.yaml", &entry("field-x-ndvi", "Nimbus"));

    let doc = json(&env.run(&["plan", "--format", "json", "b/"]));
    assert_eq!(
        actions(&doc),
        [("field-x-ndvi".into(), "create".into()), (a.clone(), "unmanaged".into())]
    );
    let note = doc["changes"][1]["reason"].as_str().unwrap_or_default();
    assert!(
        note.contains("looks like the earlier version of `field-x-ndvi`")
            && note.contains("`--prune`")
            && note.contains("`--base REV`"),
        "{note}"
    );
    let out = env.run(&["apply", "--auto-approve", "b/"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    still_renews(&env, &a);
    assert_eq!(env.live().len(), 2);
    // Team A's next apply buys nothing again.
    let out = env.run(&["plan", "--detailed-exitcode", "a/"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
}

#[test]
fn with_a_base_a_new_file_has_no_previous_version() {
    let env = Env::new();
    let a = team_a_order(&env);
    git::init(env.path());
    env.write("b/orders.yaml", &entry("field-x-ndvi", "Nimbus"));

    let doc = json(&env.run(&["plan", "--format", "json", "--base", "HEAD", "b/"]));
    assert_eq!(
        actions(&doc),
        [("field-x-ndvi".into(), "create".into()), (a.clone(), "unmanaged".into())]
    );
    let note = doc["changes"][1]["reason"].as_str().unwrap_or_default();
    assert!(note.contains("matches no entry at base"), "{note}");
    // The plan says which revision decided: the commit in full in JSON, its
    // first 12 digits in the human plan.
    let commit = doc["base"].as_str().expect("the base commit in the JSON plan").to_owned();
    assert_eq!(commit.len(), 40, "{commit}");
    let human = env.run(&["plan", "--base", "HEAD", "b/"]);
    assert!(
        human.stdout.contains(&format!("Base: {} (`--base`)", &commit[..12])),
        "{}",
        human.stdout
    );
    let without = json(&env.run(&["plan", "--format", "json", "b/"]));
    assert!(without["base"].is_null(), "{without}");
    let out = env.run(&["apply", "--auto-approve", "--base", "HEAD", "b/"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    still_renews(&env, &a);
}

#[test]
fn an_entry_edited_since_the_base_replaces_its_order_and_saved_plans_keep_the_base() {
    let env = Env::new();
    let a = team_a_order(&env);
    git::init(env.path());
    let first = git::git(env.path(), &["rev-parse", "HEAD"]);
    env.write("a/orders.yaml", &entry("field-x", "Nimbus"));
    let out = env.run(&["plan", "--base", "HEAD", "--out", "plan.json", "a/"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("Model: Stratus2 → Nimbus"), "{}", out.stdout);
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(env.path().join("plan.json")).unwrap())
            .unwrap();
    assert_eq!(saved["settings"]["base"], first.as_str());

    // `--base` is restated, naming the same commit.
    let out = env.run(&["apply", "--auto-approve", "--plan", "plan.json", "a/"]);
    assert_eq!(out.code, 1, "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains(&format!(
            "`--base` differs from the saved plan: given no `--base`, the plan was made with \
             commit `{first}`"
        )),
        "{}",
        out.stderr
    );
    git::commit(env.path(), "Nimbus on field X");
    let out = env.run(&["apply", "--auto-approve", "--plan", "plan.json", "--base", "HEAD", "a/"]);
    assert_eq!(out.code, 1, "{}\n{}", out.stdout, out.stderr);
    still_renews(&env, &a);

    let out =
        env.run(&["apply", "--auto-approve", "--plan", "plan.json", "--base", "HEAD~1", "a/"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let old = env.emu.orders().into_iter().find(|o| o.task_order_guid == a).unwrap();
    assert!(old.to.is_some(), "the old order's renewal stops: {old:?}");
    let running: Vec<_> = env.live().into_iter().filter(|o| o.to.is_none()).collect();
    assert_eq!(running.len(), 1, "{running:?}");
    assert_eq!(running[0].model, "Nimbus");
}

#[test]
fn a_base_missing_from_a_shallow_checkout_fails_saying_how_to_fetch_it() {
    let env = Env::new();
    let origin = env.path().join("origin");
    std::fs::create_dir_all(origin.join("a")).unwrap();
    std::fs::write(origin.join("a/orders.yaml"), entry("field-x", "Stratus2")).unwrap();
    git::init(&origin);
    git::commit(&origin, "second");
    let url = format!("file://{}", origin.display());
    git::git(env.path(), &["clone", "-q", "--depth=1", &url, "checkout"]);
    let out = env.run(&["plan", "--base", "HEAD~1", "checkout/a/"]);
    assert_eq!(out.code, 1, "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stderr
            .contains("`--base HEAD~1` names no commit in this clone (it is a shallow clone)"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("`fetch-depth: 0`"), "{}", out.stderr);
    assert!(env.emu.calls().is_empty(), "nothing is asked of the API");
}
