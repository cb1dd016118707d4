//! What a reviewer approves is what runs, for the cases of issue 20 that a
//! saved plan or a prune could slip past: a plan reviewed for one account is
//! never applied to another, a flag the reviewed plan was made with must be
//! restated, an empty manifest set never prunes, and an order `--prune`
//! cannot cancel does not block CI for months. Money is checked on the
//! emulator (its calls, orders and balance), not on skyform's output.

use clearsky_emulator::{Config, Modes};

use crate::apply::{entry, manifest};
use crate::harness::{Env, spending_calls};

const KEY_A: &str = "sk-team-a-5f1e9c2a7b";
const KEY_B: &str = "sk-team-b-0c4d8e1f3a";

#[test]
fn a_plan_saved_for_one_account_is_refused_on_another_and_never_holds_the_key() {
    let env = Env::with(Config { api_keys: vec![KEY_A.into(), KEY_B.into()], ..Config::default() });
    env.write("o.yaml", &manifest(&[entry("a", 9.0, ""), entry("b", 9.2, "")]));
    let out = env
        .command(&["plan", "--out", "plan.json", "o.yaml"])
        .env("CLEARSKY_API_KEY", KEY_A)
        .output();
    assert_eq!(out.unwrap().status.code(), Some(0));
    let saved = std::fs::read_to_string(env.path().join("plan.json")).unwrap();
    assert!(!saved.contains(KEY_A) && !saved.contains("5f1e9c2a7b"), "the key is in the file");

    let out = env
        .command(&["apply", "--auto-approve", "--plan", "plan.json"])
        .env("CLEARSKY_API_KEY", KEY_B)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(stderr.contains("the plan was made for another account"), "{stderr}");
    assert_eq!(spending_calls(&env), 0, "nothing was bought for account B");

    let out = env
        .command(&["apply", "--auto-approve", "--plan", "plan.json"])
        .env("CLEARSKY_API_KEY", KEY_A)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(env.live().len(), 2, "the reviewed account got its two orders");
}

#[test]
fn a_swapped_in_plan_made_with_prune_cannot_prune_a_run_reviewed_without_it() {
    let env = Env::new();
    env.write("o.yaml", &manifest(&[entry("a", 9.0, ""), entry("b", 9.2, "")]));
    assert_eq!(env.run(&["apply", "--auto-approve", "o.yaml"]).code, 0);
    // The artifact is replaced by a plan that prunes `b`; CI still runs the
    // command the reviewed pipeline wrote, without `--prune`.
    env.write("o.yaml", &manifest(&[entry("a", 9.0, "")]));
    assert_eq!(env.run(&["plan", "--prune", "--out", "plan.json", "o.yaml"]).code, 0);
    let out = env.run(&["apply", "--auto-approve", "--plan", "plan.json"]);
    assert_eq!(out.code, 1, "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains(
            "`--prune` differs from the saved plan: given no `--prune`, the plan was made with `--prune`"
        ),
        "{}",
        out.stderr
    );
    assert_eq!(spending_calls(&env), 2, "only the first apply's two creates");
    assert_eq!(env.live().len(), 2);
}

#[test]
fn prune_over_an_empty_manifest_set_is_refused_unless_allowed() {
    let env = Env::new();
    env.write("o.yaml", &manifest(&[entry("a", 9.0, ""), entry("b", 9.2, "")]));
    assert_eq!(env.run(&["apply", "--auto-approve", "o.yaml"]).code, 0);
    let balance = env.emu.balance();
    env.write("o.yaml", "orders: []\n");
    for args in
        [&["plan", "--prune", "o.yaml"][..], &["apply", "--auto-approve", "--prune", "o.yaml"]]
    {
        let (command, out) = (args[0], env.run(args));
        assert_eq!(out.code, 1, "{command}: {}\n{}", out.stdout, out.stderr);
        assert!(
            out.stderr.contains("refusing `--prune` with no manifest entry")
                && out.stderr.contains("`--allow-empty`"),
            "{command}: {}",
            out.stderr
        );
    }
    assert_eq!(env.live().len(), 2, "nothing was cancelled");
    assert_eq!(spending_calls(&env), 2);
    assert!((env.emu.balance() - balance).abs() < 0.005);

    let out = env.run(&["apply", "--auto-approve", "--prune", "--allow-empty", "o.yaml"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(env.live().is_empty(), "asked for on purpose: both orders were cancelled");
}

#[test]
fn an_accepted_fixed_window_that_prune_cannot_cancel_is_reported_not_blocked() {
    let env = Env::with(Config { auto_accept: true, ..Config::default() });
    let window = "    To: 2025-09-30\n";
    env.write("o.yaml", &manifest(&[entry("a", 9.0, ""), entry("summer", 9.2, window)]));
    assert_eq!(env.run(&["apply", "--auto-approve", "o.yaml"]).code, 0);
    env.write("o.yaml", &manifest(&[entry("a", 9.0, "")]));
    let out = env.run(&["plan", "--prune", "--detailed-exitcode", "o.yaml"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("billed until it ends on 2025-09-30"), "{}", out.stdout);
    let out = env.run(&["apply", "--auto-approve", "--prune", "o.yaml"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert_eq!(spending_calls(&env), 2, "no cancel was sent for the window");
}

#[test]
fn creates_charged_more_than_the_plan_said_exit_5_with_both_amounts() {
    let env = Env::new();
    // A server whose estimates are 5 % of what a create charges.
    env.emu.set_modes(Modes { estimate_percent: Some(5), ..Modes::default() });
    env.write("o.yaml", &manifest(&[entry("a", 9.0, ""), entry("b", 9.2, "")]));
    let balance = env.emu.balance();
    let out = env.run(&["apply", "--auto-approve", "o.yaml"]);
    assert_eq!(out.code, 5, "{}\n{}", out.stdout, out.stderr);
    let charged = balance - env.emu.balance();
    assert!(charged > 1.0, "the emulator charged EUR {charged}");
    assert!(
        out.stderr
            .contains(&format!("error: the account was charged EUR {charged:.2} for 2 orders")),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("the plan said EUR"), "{}", out.stderr);

    // Honest estimates: the same apply is not flagged, and its JSON summary
    // carries both amounts.
    let env = Env::new();
    env.write("o.yaml", &manifest(&[entry("a", 9.0, ""), entry("b", 9.2, "")]));
    let balance = env.emu.balance();
    let out = env.run(&["apply", "--auto-approve", "--format", "json", "o.yaml"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(!out.stderr.contains("was charged"), "{}", out.stderr);
    let last: serde_json::Value = serde_json::from_str(out.stdout.lines().last().unwrap()).unwrap();
    let bill = &last["bill"];
    assert_eq!((bill["creates"].as_u64(), bill["exceeds_plan"].as_bool()), (Some(2), Some(false)));
    let charged = bill["charged_eur"].as_f64().unwrap();
    assert!((charged - (balance - env.emu.balance())).abs() < 0.005, "{bill}");
    assert!((charged - bill["planned_eur"].as_f64().unwrap()).abs() <= 0.02, "{bill}");
}
