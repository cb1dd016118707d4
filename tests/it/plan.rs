//! `skyform plan` end to end: the binary against the in-process emulator.

use crate::harness::{AARHUS_ENTRY, Env, actions, json};

const ODENSE_ENTRY: &str = "  - name: odense
    Model: Stratus2
    SatelliteConstellations: [Sentinel1, Sentinel2, Landsat89]
    StorageMonths: 1
    ApiRequests: 1
    ImageFrequency: 3
    Wkt: POLYGON((10.36 55.40,10.42 55.40,10.42 55.43,10.36 55.43,10.36 55.40))
    From: 2025-04-01
";

/// Two recurring entries: Aarhus bay and Odense.
fn recurring() -> String {
    format!("orders:\n{AARHUS_ENTRY}{ODENSE_ENTRY}")
}

fn present_entries(env: &Env) -> usize {
    let out = env.run(&["plan", "--format", "json", "examples/"]);
    let doc = json(&out);
    doc["changes"].as_array().unwrap().iter().filter(|c| c["action"] == "create").count()
}

#[test]
fn an_empty_account_plans_every_example_as_a_priced_create() {
    let env = Env::new();
    env.copy_examples();
    let out = env.run(&["plan", "--format", "json", "--detailed-exitcode", "examples/"]);
    assert_eq!(out.code, 2, "{}\n{}", out.stdout, out.stderr);
    let doc = json(&out);
    let (acts, absent): (Vec<_>, Vec<_>) =
        actions(&doc).into_iter().partition(|(name, _)| name != "old-pilot");
    assert!(acts.iter().all(|(_, a)| a == "create"), "{acts:?}");
    // every example entry except the `ensure: absent` one, which has nothing to cancel
    assert_eq!(acts.len(), 7, "{acts:?}");
    assert_eq!(absent, [("old-pilot".to_owned(), "keep".to_owned())]);
    let changes = doc["changes"].as_array().unwrap();
    for change in changes.iter().filter(|c| c["name"] != "old-pilot") {
        let cost = &change["cost"];
        assert_eq!(cost["status"], "priced", "{change}");
        assert!(cost["current_month"].as_f64().unwrap() > 0.0, "{change}");
        assert_eq!(cost["currency"], "EUR");
    }
    assert!(env.emu.orders().is_empty(), "plan must not create orders");
    assert_eq!(present_entries(&env), 7);
}

#[test]
fn after_apply_the_same_plan_keeps_everything_and_exits_0() {
    let env = Env::new();
    env.copy_examples();
    let out = env.run(&["apply", "--auto-approve", "examples/"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert_eq!(env.live().len(), 7);
    let out = env.run(&["plan", "--detailed-exitcode", "examples/"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("No changes."), "{}", out.stdout);
}

#[test]
fn a_changed_image_frequency_plans_a_replace_with_the_field_diff() {
    let env = Env::new();
    env.write("orders.yaml", &recurring());
    assert_eq!(env.run(&["apply", "--auto-approve", "orders.yaml"]).code, 0);
    crate::git::init(env.path());
    env.write("orders.yaml", &recurring().replacen("ImageFrequency: 3", "ImageFrequency: 5", 1));
    let out = env.run(&["plan", "--format", "json", "--base", "HEAD", "orders.yaml"]);
    let doc = json(&out);
    let replace = doc["changes"].as_array().unwrap().iter().find(|c| c["action"] == "replace");
    let replace = replace.unwrap_or_else(|| panic!("no replace in {doc}"));
    assert_eq!(replace["name"], "aarhus-bay");
    let fields = replace["field_changes"].as_array().unwrap();
    assert_eq!(fields.len(), 1, "{fields:?}");
    assert_eq!(
        (&fields[0]["field"], &fields[0]["old"], &fields[0]["new"]),
        (&"ImageFrequency".into(), &"3".into(), &"5".into())
    );
    let human = env.run(&["plan", "--base", "HEAD", "orders.yaml"]);
    assert!(human.stdout.contains("ImageFrequency"), "{}", human.stdout);
}

#[test]
fn a_removed_entry_is_unmanaged_and_with_prune_cancelled() {
    let env = Env::new();
    env.write("orders.yaml", &recurring());
    assert_eq!(env.run(&["apply", "--auto-approve", "orders.yaml"]).code, 0);
    env.write("orders.yaml", &format!("orders:\n{ODENSE_ENTRY}"));
    let plain = json(&env.run(&["plan", "--format", "json", "orders.yaml"]));
    let acts: Vec<String> = actions(&plain).into_iter().map(|(_, a)| a).collect();
    assert_eq!(acts, ["keep", "unmanaged"]);
    let out =
        env.run(&["plan", "--prune", "--detailed-exitcode", "--format", "json", "orders.yaml"]);
    assert_eq!(out.code, 2);
    let acts: Vec<String> = actions(&json(&out)).into_iter().map(|(_, a)| a).collect();
    assert_eq!(acts, ["keep", "cancel"]);
}

#[test]
fn cancelling_an_accepted_fixed_window_order_is_blocked_with_exit_3() {
    let env = Env::new();
    let fixed = "\
orders:
  - name: summer
    Model: Stratus2
    SatelliteConstellations: [Sentinel1, Sentinel2, Landsat89]
    StorageMonths: 1
    ApiRequests: 1
    ImageFrequency: 2
    Wkt: POLYGON((9.87 56.47,10.19 56.47,10.19 56.28,9.87 56.28,9.87 56.47))
    From: 2025-03-01
    To: 2025-03-31
";
    env.write("orders.yaml", fixed);
    assert_eq!(env.run(&["apply", "--auto-approve", "orders.yaml"]).code, 0);
    let guid = env.live()[0].task_order_guid.clone();
    assert!(env.emu.accept(&guid));
    env.write(
        "orders.yaml",
        &fixed.replace("  - name: summer\n", "  - name: summer\n    ensure: absent\n"),
    );
    insta::assert_snapshot!(env.snapshot(&["plan", "orders.yaml"]), @r"
    Blocked: 1 change cannot be made (marked `!`); apply would change nothing.

      ! summer  Completed  blocked: accepted order with a fixed end (2025-03-31): it cannot be cancelled
          order 7fb27b94-1602-401d-9154-2211134fc71a

    Account: credits EUR 8881.50 → EUR 8881.50; spent this month EUR 1118.50 → EUR 1118.50; next month's recurring invoice EUR 0.00 → EUR 0.00.
    Plan: 1 blocked.
    [exit status: 3]
    ");
    insta::assert_snapshot!(env.snapshot(&["apply", "--auto-approve", "orders.yaml"]), @r"
    Blocked: 1 change cannot be made (marked `!`); apply would change nothing.

      ! summer  Completed  blocked: accepted order with a fixed end (2025-03-31): it cannot be cancelled
          order 7fb27b94-1602-401d-9154-2211134fc71a

    Account: credits EUR 8881.50 → EUR 8881.50; spent this month EUR 1118.50 → EUR 1118.50; next month's recurring invoice EUR 0.00 → EUR 0.00.
    Plan: 1 blocked.
    --- stderr ---
    error: apply refused: the plan has 1 blocked change; nothing was changed
      `summer`: accepted order with a fixed end (2025-03-31): it cannot be cancelled
    hint: change the manifests so that nothing is blocked (e.g. drop `ensure: absent` of an order that cannot be cancelled)
    [exit status: 3]
    ");
    assert_eq!(env.live().len(), 1, "a blocked plan changes nothing");
}

#[test]
fn a_plan_over_budget_exits_3_and_max_cost_tightens_it() {
    let env = Env::new();
    env.write("orders.yaml", &format!("budget:\n  max_current_month: 1\n{}", recurring()));
    let out = env.run(&["plan", "orders.yaml"]);
    assert_eq!(out.code, 3, "{}\n{}", out.stdout, out.stderr);
    env.write("orders.yaml", &recurring());
    assert_eq!(env.run(&["plan", "orders.yaml"]).code, 0);
    assert_eq!(env.run(&["plan", "--max-cost", "0.5", "orders.yaml"]).code, 3);
    assert!(env.emu.orders().is_empty());
}

#[test]
fn export_then_plan_keeps_every_order() {
    let env = Env::new();
    env.copy_examples();
    assert_eq!(env.run(&["apply", "--auto-approve", "examples/"]).code, 0);
    let out = env.run(&["export", "--out", "imported.yaml"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let exported = std::fs::read_to_string(env.path().join("imported.yaml")).unwrap();
    assert_eq!(exported.matches("  - name:").count(), 7, "{exported}");
    let validate = env.run(&["validate", "imported.yaml"]);
    assert_eq!(validate.code, 0, "{}\n{exported}", validate.stderr);
    let out = env.run(&["plan", "--format", "json", "--detailed-exitcode", "imported.yaml"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let acts = actions(&json(&out));
    assert!(acts.iter().all(|(_, a)| a == "keep"), "{acts:?}");
    // With the examples as the managed set, nothing is left to export.
    let again = env.run(&["export", "examples/"]);
    assert_eq!(again.stdout.matches("  - name:").count(), 0, "{}", again.stdout);
}

#[test]
fn orders_lists_each_order_with_its_entry() {
    let env = Env::new();
    env.write("orders.yaml", &recurring());
    assert_eq!(env.run(&["apply", "--auto-approve", "orders.yaml"]).code, 0);
    let out = env.run(&["orders", "orders.yaml"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    for order in env.live() {
        let line = out.stdout.lines().find(|l| l.contains(&order.task_order_guid));
        let line =
            line.unwrap_or_else(|| panic!("{} missing:\n{}", order.task_order_guid, out.stdout));
        assert!(line.contains("aarhus-bay") || line.contains("odense"), "{line}");
    }
    let doc = json(&env.run(&["orders", "--format", "json", "orders.yaml"]));
    assert_eq!(doc.as_array().unwrap().len(), 2);
}

#[test]
fn plan_json_validates_against_the_committed_schema() {
    let env = Env::new();
    env.copy_examples();
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(crate::harness::repo().join("schemas/plan.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let doc = json(&env.run(&["plan", "--format", "json", "examples/"]));
    let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(doc["format_version"], 1);
}

#[test]
fn unknown_targets_are_a_usage_error() {
    let env = Env::new();
    env.write("orders.yaml", &recurring());
    insta::assert_snapshot!(env.snapshot(&["plan", "--target", "nope", "orders.yaml"]), @r"
    --- stderr ---
    error: `--target` names no manifest entry: `nope`
    hint: `--target` takes an entry's `name`; `skyform validate` lists problems
    [exit status: 1]
    ");
    let only = json(&env.run(&["plan", "--format", "json", "--target", "odense", "orders.yaml"]));
    let acts = actions(&only);
    assert_eq!(acts, [("odense".to_owned(), "create".to_owned())]);
}
