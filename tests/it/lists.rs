//! Lists skyform cannot read, and lists that lag behind creates: apply fails
//! closed, never re-sends a create before a list shows no such order, waits
//! for its own orders to be listed, and leaves a pending record for the next
//! run. Lags are real time; the test ends a lag (the orders show) when the
//! run under test has said that it waits, so no test waits for a lag to pass.

use std::time::Duration;

use clearsky_emulator::{Fault, Malformed, Modes};

use crate::apply::entry;
use crate::harness::{Env, json};
use crate::pending_machine::record;

const ORDERS: &str = "/api/tasking/orders";

/// A manifest of `n` entries, `e0`, `e1`, …
fn manifest(n: u32) -> String {
    let entries: Vec<String> =
        (0..n).map(|i| entry(&format!("e{i}"), 9.0 + f64::from(i) * 0.1, "")).collect();
    format!("orders:\n{}", entries.concat())
}

fn creates_sent(env: &Env) -> usize {
    env.emu.calls().iter().filter(|(m, p, _)| m == "POST" && p == ORDERS).count()
}

fn lagging(lag: Duration) -> Env {
    let env = Env::new();
    env.emu.set_modes(Modes { list_lag: lag, ..Modes::default() });
    env
}

#[test]
fn a_list_answer_without_an_array_of_orders_buys_nothing_and_exits_1() {
    for kind in Malformed::ALL {
        let env = Env::new();
        env.write("o.yaml", &manifest(2));
        env.emu.script("GET", ORDERS, vec![Fault::Malformed(kind)]);
        let out = env.run(&["apply", "--auto-approve", "o.yaml"]);
        assert_eq!(out.code, 1, "{kind:?}: {}\n{}", out.stdout, out.stderr);
        assert!(
            out.stderr
                .contains("cannot read the ClearSKY API's answer to `GET /api/tasking/orders"),
            "{kind:?}: {}",
            out.stderr
        );
        if kind != Malformed::Html {
            assert!(
                out.stderr.contains("not taken for an account without orders"),
                "{kind:?}: {}",
                out.stderr
            );
        }
        assert_eq!(creates_sent(&env), 0, "{kind:?}");
        assert!(env.emu.orders().is_empty(), "{kind:?}");
    }
}

#[test]
fn a_plan_over_an_unreadable_list_fails_too() {
    let env = Env::new();
    env.write("o.yaml", &manifest(1));
    env.emu.script("GET", ORDERS, vec![Fault::Malformed(Malformed::NullOrders)]);
    let out = env.run(&["plan", "o.yaml"]);
    assert_eq!(out.code, 1, "{}\n{}", out.stdout, out.stderr);
    assert!(!out.stdout.contains("to create"), "{}", out.stdout);
}

#[test]
fn camel_case_answers_are_read_and_nothing_is_bought_twice() {
    let env = Env::new();
    env.emu.set_modes(Modes { camel_case: true, ..Modes::default() });
    env.write("o.yaml", &manifest(3));
    let out = env.run(&["apply", "--auto-approve", "o.yaml"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(!out.stdout.contains("found the order"), "creates were read: {}", out.stdout);
    let again = env.run(&["apply", "--auto-approve", "o.yaml"]);
    assert_eq!(again.code, 0, "{}\n{}", again.stdout, again.stderr);
    assert!(again.stdout.contains("No changes."), "{}", again.stdout);
    assert_eq!((env.live().len(), creates_sent(&env)), (3, 3));
}

#[test]
fn a_429_after_the_order_was_stored_buys_nothing_twice() {
    let env = Env::new();
    env.write("o.yaml", &manifest(4));
    let fault = Fault::CommitThenFail { status: 429, retry_after_secs: Some(0) };
    env.emu.script("POST", ORDERS, vec![fault; 4]);
    let out = env.run(&["apply", "--auto-approve", "o.yaml"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert_eq!(out.stdout.matches("found the order").count(), 4, "{}", out.stdout);
    assert_eq!((env.live().len(), creates_sent(&env)), (4, 4));
}

/// Runs `skyform ARGS` and ends the list lag once its stderr says `cue`.
/// Returns its exit code, stdout and stderr.
fn run_until_said(env: &Env, args: &[&str], cue: &str) -> (i32, String, String) {
    use std::io::{BufRead, BufReader, Read};
    let mut child = env
        .command(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn skyform");
    let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
    let mut said = String::new();
    while !said.contains(cue) {
        if stderr.read_line(&mut said).expect("read stderr") == 0 {
            break;
        }
    }
    env.emu.set_modes(Modes::default());
    let out = child.wait_with_output().expect("wait");
    stderr.read_to_string(&mut said).expect("read stderr");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), said)
}

/// Longer than any test runs: the list shows a new order only once the test ends the lag.
const FOR_GOOD: Duration = Duration::from_secs(3_600);

#[test]
fn apply_waits_for_its_new_orders_to_be_listed_before_it_exits() {
    let env = lagging(FOR_GOOD);
    env.write("o.yaml", &manifest(2));
    let args = ["apply", "--auto-approve", "--recheck-wait", "3", "o.yaml"];
    let (code, stdout, stderr) = run_until_said(&env, &args, "to show in the order list");
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(stderr.contains("Waiting up to 3 s for 2 orders to show"), "{stderr}");
    assert!(!record(&env).exists(), "nothing left pending");
    let again = env.run(&["apply", "--auto-approve", "o.yaml"]);
    assert!(again.stdout.contains("No changes."), "{}", again.stdout);
    assert_eq!(env.live().len(), 2);
}

#[test]
fn a_list_lagging_past_the_wait_exits_5_and_an_immediate_rerun_buys_nothing() {
    let env = lagging(FOR_GOOD);
    env.write("o.yaml", &manifest(3));
    let args = ["apply", "--auto-approve", "--recheck-wait", "0.3", "o.yaml"];
    let first = env.run(&args);
    assert_eq!(first.code, 5, "{}\n{}", first.stdout, first.stderr);
    assert!(first.stdout.contains("Apply complete: 3 changes made."), "{}", first.stdout);
    assert!(
        first.stderr.contains("error: 3 orders created by this apply are not listed after 0.3 s"),
        "{}",
        first.stderr
    );
    let text = std::fs::read_to_string(record(&env)).unwrap();
    assert!(!text.contains(&env.emu.key()), "the record never holds the key");

    let plan = env.run(&["plan", "--format", "json", "--recheck-wait", "0.1", "o.yaml"]);
    assert_eq!(plan.code, 0, "{}", plan.stderr);
    let doc = json(&plan);
    for change in doc["changes"].as_array().unwrap() {
        assert_eq!(change["action"], "keep", "{change}");
        assert_eq!(change["live"]["status"], "created, not yet listed", "{change}");
    }

    let second = env.run(&args);
    assert_eq!(second.code, 0, "{}\n{}", second.stdout, second.stderr);
    assert!(second.stdout.contains("No changes."), "{}", second.stdout);
    assert!(second.stderr.contains("is still not listed"), "{}", second.stderr);
    assert_eq!((env.live().len(), creates_sent(&env)), (3, 3));

    // The orders show up at last.
    env.emu.set_modes(Modes::default());
    let third = env.run(&args);
    assert_eq!(third.code, 0, "{}\n{}", third.stdout, third.stderr);
    assert!(!record(&env).exists(), "the orders showed up");
    assert_eq!((env.live().len(), creates_sent(&env)), (3, 3));
}

#[test]
fn a_create_answered_500_and_listed_later_is_not_bought_twice_across_two_runs() {
    // The order shows only after the first run has given up on it, while
    // the second waits for it.
    let env = lagging(FOR_GOOD);
    env.write("o.yaml", &manifest(1));
    let fault = Fault::CommitThenFail { status: 500, retry_after_secs: None };
    env.emu.script("POST", ORDERS, vec![fault]);
    let args = ["apply", "--auto-approve", "--recheck-wait", "0.3", "o.yaml"];
    let first = env.run(&args);
    assert_eq!(first.code, 5, "{}\n{}", first.stdout, first.stderr);
    assert!(first.stdout.contains("not sent again"), "{}", first.stdout);
    assert_eq!(creates_sent(&env), 1);
    let args = ["apply", "--auto-approve", "--recheck-wait", "60", "o.yaml"];
    let (code, stdout, stderr) = run_until_said(&env, &args, "from an earlier apply to show");
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(stderr.contains("from an earlier apply to show"), "{stderr}");
    assert!(stdout.contains("No changes."), "{stdout}");
    assert_eq!((env.live().len(), creates_sent(&env)), (1, 1));
    assert!(!record(&env).exists());
}
