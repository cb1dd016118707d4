//! `apply --plan FILE` end to end: a saved plan is applied only when a plan
//! made now equals it. Each tampering of issue 9 is refused with exit 4, and
//! the emulator shows that nothing was created or cancelled.

use chrono::{TimeZone, Utc};
use serde_json::{Value, json};

use crate::apply::{entry, manifest};
use crate::harness::{Env, spending_calls};

/// Two new entries: the saved plan has two creates.
fn two_creates() -> Env {
    let env = Env::new();
    env.write("o.yaml", &manifest(&[entry("a", 9.0, ""), entry("b", 9.2, "")]));
    env
}

fn save(env: &Env, flags: &[&str]) {
    let mut args = vec!["plan", "--out", "plan.json"];
    args.extend_from_slice(flags);
    args.push("o.yaml");
    let out = env.run(&args);
    assert!(matches!(out.code, 0 | 3), "{}\n{}", out.stdout, out.stderr);
}

/// Edits the saved plan's `plan` and seals the file again, as a careful forger
/// would, so that only the comparison with a fresh plan can catch it.
fn tamper(env: &Env, edit: impl FnOnce(&mut Value)) {
    let path = env.path().join("plan.json");
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    edit(&mut doc["plan"]);
    let doc = skyform::saved_plan::seal::sealed(doc);
    std::fs::write(&path, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
}

/// Runs `apply --plan plan.json` and expects exit 4 with `why`, and no create or cancel.
fn refused(env: &Env, flags: &[&str], why: &str) {
    let (orders, calls) = (env.emu.orders(), spending_calls(env));
    let mut args = vec!["apply", "--auto-approve", "--plan", "plan.json"];
    args.extend_from_slice(flags);
    let out = env.run(&args);
    assert_eq!(out.code, 4, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("error: saved plan `plan.json` is stale"), "{}", out.stderr);
    assert!(out.stderr.contains(why), "expected `{why}` in:\n{}", out.stderr);
    assert_eq!(env.emu.orders(), orders, "the emulator's orders changed");
    assert_eq!(spending_calls(env), calls, "apply sent a create or a cancel");
}

fn guid_of(env: &Env, lon: &str) -> String {
    let live = env.live();
    let order = live.iter().find(|o| o.wkt.as_deref().unwrap_or("").contains(lon)).unwrap();
    order.task_order_guid.clone()
}

#[test]
fn an_edited_plan_file_is_refused_even_without_a_difference() {
    let env = two_creates();
    save(&env, &[]);
    let path = env.path().join("plan.json");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replacen("\"prune\": false", "\"prune\": true", 1)).unwrap();
    refused(&env, &[], "the file was edited after `skyform plan --out` wrote it");
}

#[test]
fn a_tampered_plan_with_an_added_create_is_refused() {
    let env = two_creates();
    save(&env, &[]);
    tamper(&env, |plan| {
        let mut extra = plan["changes"][0].clone();
        extra["name"] = json!("nowhere");
        extra["request"]["Wkt"] = json!("POLYGON((1 1,1.5 1,1.5 1.5,1 1.5,1 1))");
        plan["changes"].as_array_mut().unwrap().push(extra);
    });
    refused(&env, &[], "`create` of `nowhere` is in the saved plan but not in a fresh plan");
}

#[test]
fn a_tampered_plan_with_a_changed_cancel_guid_is_refused() {
    let env = two_creates();
    assert_eq!(env.run(&["apply", "--auto-approve", "o.yaml"]).code, 0);
    let (a, b) = (guid_of(&env, "9 56"), guid_of(&env, "9.2 56"));
    env.write("o.yaml", &manifest(&[entry("a", 9.0, "")]));
    save(&env, &["--prune"]);
    tamper(&env, |plan| {
        let changes = plan["changes"].as_array_mut().unwrap();
        let cancel = changes.iter_mut().find(|c| c["action"] == "cancel").unwrap();
        assert_eq!(cancel["live"]["guid"], json!(b));
        cancel["live"]["guid"] = json!(a);
    });
    refused(
        &env,
        &["--prune"],
        &format!("`cancel` of order `{a}` is in the saved plan but not in a fresh plan"),
    );
    refused(
        &env,
        &["--prune"],
        &format!("`cancel` of order `{b}` is in a fresh plan but not in the saved plan"),
    );
}

#[test]
fn a_tampered_plan_that_turns_a_keep_into_a_cancel_is_refused() {
    let env = two_creates();
    assert_eq!(env.run(&["apply", "--auto-approve", "o.yaml"]).code, 0);
    let a = guid_of(&env, "9 56");
    save(&env, &[]);
    tamper(&env, |plan| {
        let keep = &mut plan["changes"][0];
        assert_eq!(keep["action"], "keep");
        keep["action"] = json!("cancel");
        keep["cancel_effect"] = json!({"kind": "full_refund"});
    });
    refused(
        &env,
        &[],
        &format!("`a` (order `{a}`): the saved plan says `cancel`, a fresh plan says `keep`"),
    );
    assert_eq!(env.live().len(), 2);
}

#[test]
fn a_tampered_plan_with_an_edited_request_body_is_refused() {
    let env = two_creates();
    save(&env, &[]);
    tamper(&env, |plan| {
        plan["changes"][0]["request"]["Wkt"] = json!("POLYGON((0 50,12 50,12 58,0 58,0 50))");
        plan["changes"][0]["request"]["ImageFrequency"] = json!(1);
    });
    refused(
        &env,
        &[],
        "`a`: the saved request body differs from a fresh plan's (`ImageFrequency`, `Wkt`)",
    );
}

#[test]
fn a_tampered_plan_with_a_duplicated_create_is_refused() {
    let env = two_creates();
    save(&env, &[]);
    tamper(&env, |plan| {
        let first = plan["changes"][0].clone();
        let changes = plan["changes"].as_array_mut().unwrap();
        changes.insert(1, first.clone());
        changes.insert(1, first);
    });
    refused(&env, &[], "`create` of `a` is in the saved plan but not in a fresh plan");
}

/// One entry and a EUR 1 budget: the plan is over budget (exit 3) but saved.
fn over_budget() -> Env {
    let env = Env::new();
    let body = manifest(&[entry("a", 9.0, "")]);
    env.write("o.yaml", &format!("budget:\n  max_current_month: 1\n{body}"));
    save(&env, &[]);
    env
}

#[test]
fn a_tampered_plan_with_zeroed_costs_is_refused() {
    let env = over_budget();
    tamper(&env, |plan| {
        plan["changes"][0]["cost"]["current_month"] = json!(0.0);
        plan["changes"][0]["cost"]["monthly"] = json!(0.0);
    });
    refused(
        &env,
        &[],
        "`a`: the saved price (EUR 0.00 this month, 0.00/month) differs from a fresh estimate",
    );
}

#[test]
fn a_tampered_plan_with_an_edited_budget_is_refused() {
    let env = over_budget();
    tamper(&env, |plan| plan["budget"]["max_current_month"] = json!(1_000_000.0));
    refused(&env, &[], "the saved budget (this month EUR 1000000.00, monthly none) differs");
}

#[test]
fn a_plan_from_last_month_is_refused_even_an_hour_later() {
    let env = two_creates();
    env.emu.set_now(Utc.with_ymd_and_hms(2025, 4, 30, 23, 30, 0).unwrap());
    save(&env, &[]);
    env.emu.set_now(Utc.with_ymd_and_hms(2025, 5, 1, 0, 30, 0).unwrap());
    refused(
        &env,
        &["--max-plan-age", "30d"],
        "the plan was made in 2025-04 and it is now 2025-05 (UTC)",
    );
}

#[test]
fn a_plan_older_than_max_plan_age_is_refused_and_a_longer_age_accepts_it() {
    let env = two_creates();
    save(&env, &[]);
    env.emu.advance(chrono::Duration::hours(25));
    refused(&env, &[], "the plan is 1d1h old, older than `--max-plan-age` 1d");
    refused(&env, &["--max-plan-age", "90m"], "older than `--max-plan-age` 1h30m");
    let out = env.run(&["apply", "--auto-approve", "--plan", "plan.json", "--max-plan-age", "2d"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert_eq!(env.live().len(), 2);
}

#[test]
fn flags_that_would_change_the_plan_are_refused_unless_restated_as_saved() {
    let env = two_creates();
    save(&env, &["--target", "a", "--max-cost", "5000"]);
    for (flags, named) in [
        (
            &["--target", "a", "--max-cost", "1"][..],
            "`--max-cost` differs from the saved plan: given `1`, the plan was made with `5000`",
        ),
        (
            &["--prune", "--target", "a", "--max-cost", "5000"][..],
            "`--prune` differs from the saved plan",
        ),
        (
            &["--target", "b", "--max-cost", "5000"][..],
            "`--target` differs from the saved plan: given `b`, the plan was made with `a`",
        ),
        // A flag the saved plan set must be restated: a file swapped in after
        // review cannot add a `--target` or lift a `--max-cost` on its own.
        (
            &["--max-cost", "5000"][..],
            "`--target` differs from the saved plan: given no `--target`",
        ),
        (&["--target", "a"][..], "`--max-cost` differs from the saved plan: given no `--max-cost`"),
    ] {
        let mut args = vec!["apply", "--auto-approve", "--plan", "plan.json"];
        args.extend_from_slice(flags);
        let out = env.run(&args);
        assert_eq!(out.code, 1, "{flags:?}: {}\n{}", out.stdout, out.stderr);
        assert!(out.stderr.contains(named), "expected `{named}` in:\n{}", out.stderr);
        assert_eq!(spending_calls(&env), 0);
    }
    let out = env.run(&[
        "apply",
        "--auto-approve",
        "--plan",
        "plan.json",
        "--target",
        "a",
        "--max-cost",
        "5000",
    ]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert_eq!(env.live().len(), 1, "only the targeted entry is bought");
}

#[test]
fn output_flags_work_with_a_saved_plan() {
    let env = two_creates();
    save(&env, &[]);
    let out = env.run(&["apply", "--auto-approve", "--plan", "plan.json", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let events: Vec<Value> =
        out.stdout.lines().map(|l| serde_json::from_str(l).expect("a JSON line")).collect();
    assert_eq!(events.last().unwrap()["event"], "summary", "{}", out.stdout);
    assert_eq!(events.last().unwrap()["done"], 2);
}
