//! Following the live API rather than a snapshot (issue 11): the server's
//! clock, the content type on every call, exports that validate, the
//! account's concurrency limit and 1003, renewal variants, deduplication
//! with cadence, real tile GUIDs in the sandbox, models from the API.

use skyform::emulator::Config;

use crate::apply::{entry, manifest};
use crate::harness::{Env, json};

#[test]
fn every_request_carries_the_json_content_type() {
    let env = Env::with(Config { auto_accept: true, ..Config::default() });
    env.write("o.yaml", &manifest(&[entry("a", 9.0, ""), entry("b", 9.2, "")]));
    let out = env.run(&["apply", "--auto-approve", "o.yaml"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    env.write("o.yaml", &manifest(&[entry("a", 9.0, "")]));
    let out = env.run(&["apply", "--auto-approve", "--prune", "o.yaml"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    for args in [&["orders"][..], &["export"][..]] {
        let out = env.run(args);
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
    }
    let methods: std::collections::BTreeSet<String> =
        env.emu.calls().into_iter().map(|(m, p, _)| format!("{m} {p}")).collect();
    assert!(methods.iter().any(|c| c.starts_with("GET ")), "{methods:?}");
    assert!(methods.iter().any(|c| c.starts_with("DELETE ")), "{methods:?}");
    assert_eq!(env.emu.calls_without_content_type(), 0, "{methods:?}");
}

#[test]
fn a_plan_uses_the_servers_date_and_says_when_the_machines_clock_is_off() {
    // The emulator's clock stays at 2025-04-10; this machine's is the present.
    let env = Env::new();
    env.write("o.yaml", &manifest(&[entry("a", 9.0, "    To: 2025-05-31\n")]));
    let mut cmd = env.command(&["plan", "--format", "json", "o.yaml"]);
    cmd.env_remove("SKYFORM_NOW");
    let out = cmd.output().unwrap();
    let (stdout, stderr) =
        (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!("{e}\n{stdout}\n{stderr}");
    });
    assert_eq!(doc["today"], "2025-04-10", "{stdout}");
    let local = chrono::Utc::now();
    if (local - env.emu.now()).abs() > chrono::Duration::minutes(5) {
        let warnings: Vec<&str> =
            stderr.lines().filter(|l| l.contains("off the ClearSKY API's")).collect();
        assert_eq!(warnings.len(), 1, "{stderr}");
        assert!(warnings[0].contains("(2025-04-10 12:00 UTC)"), "{stderr}");
    }
}

#[test]
fn a_fixed_order_ending_in_the_servers_future_is_blocked_not_finished() {
    // Issue 11: with the machine's clock, a fixed order ending 2025-05-31 was
    // "nothing left to cancel"; in the server's April it cannot be cancelled.
    let env = Env::with(Config { auto_accept: true, ..Config::default() });
    env.write("o.yaml", &manifest(&[entry("a", 9.0, "    To: 2025-05-31\n")]));
    let out = env.run(&["apply", "--auto-approve", "o.yaml"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    env.write("o.yaml", &manifest(&[entry("a", 9.0, "    To: 2025-05-31\n    ensure: absent\n")]));
    let mut cmd = env.command(&["plan", "--format", "json", "o.yaml"]);
    cmd.env_remove("SKYFORM_NOW");
    let out = cmd.output().unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["changes"][0]["action"], "blocked", "{doc}");
    assert_eq!(out.status.code(), Some(3));
}

#[test]
fn export_writes_only_entries_that_validate() {
    let env = Env::with(Config { auto_accept: true, ..Config::default() });
    env.write("o.yaml", &manifest(&[entry("a", 9.0, ""), entry("b", 9.2, "")]));
    let out = env.run(&["apply", "--auto-approve", "o.yaml"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let out = env.run(&["export", "--out", "exported.yaml"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = env.run(&["validate", "exported.yaml"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let plan = env.run(&["plan", "--detailed-exitcode", "exported.yaml"]);
    assert_eq!(plan.code, 0, "{}\n{}", plan.stdout, plan.stderr);
}
