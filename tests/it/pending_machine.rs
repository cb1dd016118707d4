//! The pending record is kept per account and machine, not per working
//! directory, and an unknown create outcome is held until a list taken at
//! least the list-lag bound (`--max-list-lag`) after the create: a rerun from
//! another directory, or a list that lags longer than `--recheck-wait`, never
//! buys a second order. Money is asserted on the emulator.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use clearsky_emulator::{Config, Fault, Modes};

use crate::apply::{entry, manifest};
use crate::harness::{Env, Output};

const ORDERS: &str = "/api/tasking/orders";

fn lagging(env: &Env, secs: u64) {
    env.emu.set_modes(Modes { list_lag: Duration::from_secs(secs), ..Modes::default() });
}

fn creates_sent(env: &Env) -> usize {
    env.emu.calls().iter().filter(|(m, p, _)| m == "POST" && p == ORDERS).count()
}

/// The account's pending record in the test's machine directory.
pub(crate) fn record(env: &Env) -> PathBuf {
    let account = skyform::machine::AccountId::new(&env.emu.url(), &env.emu.key());
    env.path().join(".locks").join(account.as_str()).join("pending.json")
}

/// Runs `skyform ARGS` with `dir` (under the test's directory) as the working
/// directory; the lock and record directory stays the test's one machine.
pub(crate) fn run_in(env: &Env, dir: &str, args: &[&str]) -> Output {
    let path = env.path().join(dir);
    std::fs::create_dir_all(&path).expect("mkdir");
    let out = env.command(args).current_dir(path).output().expect("run skyform");
    Output {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        code: out.status.code().unwrap_or(-1),
    }
}

/// Writes the one-entry manifest `a` into `dir/o.yaml`.
fn checkout(env: &Env, dir: &str) {
    env.write(&format!("{dir}/o.yaml"), &manifest(&[entry("a", 9.0, "")]));
}

#[cfg(unix)]
#[test]
fn an_apply_killed_during_its_create_is_not_bought_again_from_another_directory() {
    let env = Env::with(Config { auto_accept: true, ..Config::default() });
    checkout(&env, "one");
    checkout(&env, "two");
    // The create is stored at once and answered only after a minute; the list
    // leaves the new order out for an hour.
    env.emu.script("POST", ORDERS, vec![Fault::Hang(Duration::from_secs(60))]);
    lagging(&env, 3_600);
    let mut child = env
        .command(&["apply", "--auto-approve", "o.yaml"])
        .current_dir(env.path().join("one"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn apply");
    let started = Instant::now();
    while env.emu.orders().is_empty() {
        assert!(started.elapsed() < Duration::from_secs(60), "the create never arrived");
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().expect("SIGKILL");
    child.wait().expect("wait");

    let out = run_in(&env, "two", &["apply", "--auto-approve", "--recheck-wait", "1", "o.yaml"]);
    assert_eq!(env.emu.orders().len(), 1, "bought twice:\n{}\n{}", out.stdout, out.stderr);
    // Held, not bought: the account is not known to match, so not exit 0.
    assert_eq!(out.code, 5, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("No changes."), "{}", out.stdout);
    assert!(out.stderr.contains("`a` is not bought again"), "{}", out.stderr);
    assert!(out.stderr.contains("skyform pending forget a"), "{}", out.stderr);
}

#[test]
fn a_create_answered_429_after_it_was_stored_is_not_sent_again_while_the_list_lags() {
    let env = Env::new();
    checkout(&env, "one");
    checkout(&env, "two");
    lagging(&env, 60);
    let fault = Fault::CommitThenFail { status: 429, retry_after_secs: Some(0) };
    env.emu.script("POST", ORDERS, vec![fault]);
    let args = ["apply", "--auto-approve", "--recheck-wait", "1", "o.yaml"];
    let first = run_in(&env, "one", &args);
    assert_eq!(creates_sent(&env), 1, "sent again:\n{}\n{}", first.stdout, first.stderr);
    assert_eq!(first.code, 5, "{}\n{}", first.stdout, first.stderr);
    assert!(first.stdout.contains("not sent again"), "{}", first.stdout);

    let second = run_in(&env, "two", &args);
    assert_eq!(creates_sent(&env), 1, "bought again:\n{}\n{}", second.stdout, second.stderr);
    assert_eq!(env.emu.orders().len(), 1);
    assert!(second.stderr.contains("`a` is not bought again"), "{}", second.stderr);
}

#[test]
fn a_list_lagging_past_the_recheck_wait_does_not_lead_to_a_second_order() {
    let env = Env::new();
    checkout(&env, "one");
    lagging(&env, 60);
    let fault = Fault::CommitThenFail { status: 500, retry_after_secs: None };
    env.emu.script("POST", ORDERS, vec![fault]);
    let args = ["apply", "--auto-approve", "--recheck-wait", "1", "o.yaml"];
    let first = run_in(&env, "one", &args);
    assert_eq!(first.code, 5, "{}\n{}", first.stdout, first.stderr);
    for _ in 0..2 {
        let again = run_in(&env, "one", &args);
        assert_eq!(again.code, 5, "{}\n{}", again.stdout, again.stderr);
        assert!(again.stderr.contains("error: `a` not bought"), "{}", again.stderr);
        assert_eq!(creates_sent(&env), 1, "bought again:\n{}\n{}", again.stdout, again.stderr);
    }
    assert_eq!(env.emu.orders().len(), 1);
}

#[test]
fn an_unknown_outcome_is_held_until_a_list_taken_after_the_lag_bound_then_bought() {
    let env = Env::new();
    checkout(&env, "one");
    // The create fails without storing anything: only the bound can tell.
    env.emu.script("POST", ORDERS, vec![Fault::ServerError]);
    let args = |lag: &'static str| {
        ["apply", "--auto-approve", "--recheck-wait", "0.5", "--max-list-lag", lag, "o.yaml"]
    };
    let first = run_in(&env, "one", &args("600"));
    assert_eq!(first.code, 5, "{}\n{}", first.stdout, first.stderr);
    let held = run_in(&env, "two-dir", &["pending"]);
    assert_eq!(held.code, 0, "{}\n{}", held.stdout, held.stderr);
    assert!(held.stdout.contains("\n  a  outcome unknown  recorded "), "{}", held.stdout);
    assert!(held.stdout.contains("skyform pending forget ENTRY"), "{}", held.stdout);

    let second = run_in(&env, "one", &args("600"));
    assert_eq!((second.code, creates_sent(&env)), (5, 1), "{}\n{}", second.stdout, second.stderr);
    assert!(second.stderr.contains("--max-list-lag"), "{}", second.stderr);

    std::thread::sleep(Duration::from_millis(1_100));
    let third = run_in(&env, "one", &args("1"));
    assert_eq!(third.code, 0, "{}\n{}", third.stdout, third.stderr);
    assert!(third.stderr.contains("`a` is planned again"), "{}", third.stderr);
    assert_eq!((creates_sent(&env), env.emu.orders().len()), (2, 1));
    let none = run_in(&env, "one", &["pending"]);
    assert!(none.stdout.contains("No pending orders"), "{}", none.stdout);
}

#[test]
fn pending_forget_releases_a_held_entry() {
    let env = Env::new();
    checkout(&env, "one");
    env.emu.script("POST", ORDERS, vec![Fault::ServerError]);
    let args = ["apply", "--auto-approve", "--recheck-wait", "0.5", "o.yaml"];
    assert_eq!(run_in(&env, "one", &args).code, 5);
    let unknown = run_in(&env, "elsewhere", &["pending", "forget", "b"]);
    assert_eq!(unknown.code, 1, "{}\n{}", unknown.stdout, unknown.stderr);
    assert!(unknown.stderr.contains("no pending order for `b`"), "{}", unknown.stderr);
    let forget = run_in(&env, "elsewhere", &["pending", "forget", "a"]);
    assert_eq!(forget.code, 0, "{}\n{}", forget.stdout, forget.stderr);
    assert!(forget.stderr.contains("Forgot 1 pending order of `a`"), "{}", forget.stderr);
    let out = run_in(&env, "one", &args);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert_eq!((creates_sent(&env), env.emu.orders().len()), (2, 1));
}
