//! `apply --format json` stands alone in CI: the plan is its first line, and
//! every stop before the first change is a `refused` line with the reason.

use crate::apply::{apply_events_validator, entry, manifest};
use crate::harness::Env;

/// The JSON lines of stdout, each checked against the committed schema.
fn events(stdout: &str) -> Vec<serde_json::Value> {
    let validator = apply_events_validator();
    stdout
        .lines()
        .map(|line| {
            let event: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
            let errors: Vec<String> =
                validator.iter_errors(&event).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{line}\n{errors:#?}");
            event
        })
        .collect()
}

#[test]
fn the_plan_is_the_first_event() {
    let env = Env::new();
    env.write("o.yaml", &manifest(&[entry("a", 9.0, "")]));
    let out = env.run(&["apply", "--auto-approve", "--format", "json", "o.yaml"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let events = events(&out.stdout);
    assert_eq!(events[0]["event"], "plan");
    let plan = &events[0]["plan"];
    assert_eq!(plan["format_version"], 1);
    assert_eq!(plan["changes"][0]["name"], "a");
    assert_eq!(plan["changes"][0]["action"], "create");
    assert_eq!(events.last().unwrap()["event"], "summary");
}

#[test]
fn an_over_budget_plan_is_refused_on_stdout_too() {
    let env = Env::new();
    env.write("o.yaml", &manifest(&[entry("a", 9.0, "")]));
    let out =
        env.run(&["apply", "--auto-approve", "--format", "json", "--max-cost", "0", "o.yaml"]);
    assert_eq!(out.code, 3, "{}\n{}", out.stdout, out.stderr);
    let events = events(&out.stdout);
    let kinds: Vec<&str> = events.iter().map(|e| e["event"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["plan", "refused"]);
    let refused = &events[1];
    assert_eq!(refused["reason"], "over_budget");
    assert!(refused["message"].as_str().unwrap().contains("over budget"), "{refused}");
    assert!(refused["details"][0].as_str().unwrap().contains("limit EUR 0.00"), "{refused}");
    assert!(out.stderr.contains("error: apply refused: the plan is over budget"), "{}", out.stderr);
    assert!(env.emu.orders().is_empty());
}

#[test]
fn a_stale_saved_plan_is_refused_with_its_reasons() {
    let env = Env::new();
    env.write("o.yaml", &manifest(&[entry("a", 9.0, "")]));
    let plan = env.run(&["plan", "--out", "plan.json", "o.yaml"]);
    assert_eq!(plan.code, 0, "{}", plan.stderr);
    env.write("o.yaml", &manifest(&[entry("a", 9.0, ""), entry("b", 9.2, "")]));
    let out = env.run(&["apply", "--auto-approve", "--format", "json", "--plan", "plan.json"]);
    assert_eq!(out.code, 4, "{}\n{}", out.stdout, out.stderr);
    let events = events(&out.stdout);
    let last = events.last().unwrap();
    assert_eq!(last["event"], "refused", "{}", out.stdout);
    assert_eq!(last["reason"], "stale_plan");
    let hints = last["hints"].as_array().unwrap();
    assert!(hints.iter().any(|h| h.as_str().unwrap().contains("o.yaml")), "{last}");
    assert!(env.emu.orders().is_empty());
}

#[test]
fn a_create_with_an_unknown_outcome_is_rechecked_in_the_open() {
    let env = Env::new();
    env.write("o.yaml", &manifest(&[entry("a", 9.0, "")]));
    env.emu.script("POST", "/api/tasking/orders", vec![clearsky_emulator::Fault::CommitThenDrop]);
    let out = env.run(&["apply", "--auto-approve", "--format", "json", "o.yaml"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let events = events(&out.stdout);
    let recheck = events.iter().find(|e| e["event"] == "change_rechecking").expect(&out.stdout);
    assert_eq!(recheck["name"], "a");
    assert!(recheck["seconds_left"].as_f64().unwrap() > 0.0, "{recheck}");
    assert_eq!(env.live().len(), 1, "bought once");
}
