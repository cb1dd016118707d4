//! One apply lock per account and machine, however the run spells the API's
//! URL and whatever its `$TMPDIR`: two applies on one machine that reach one
//! account by `http://127.0.0.1:P` and `http://localhost:P` (or from two
//! temporary directories) must not both buy. Money is asserted on the
//! emulator (orders created and balance), not on skyform's output.

use std::process::{Command, Stdio};
use std::time::Duration;

use clearsky_emulator::{Config, Fault};

use crate::apply::{entry, manifest};
use crate::harness::Env;

const BALANCE: f64 = 1_000_000.0;

fn config() -> Config {
    // Accepted at once: a duplicate cannot be refunded, it is money lost.
    Config { auto_accept: true, balance_eur: BALANCE, ..Config::default() }
}

/// Starts two applies of `o.yaml` together, each from its own copy of the
/// folder, tuned by `tune(k, command)`; returns their exit codes and stderr.
fn race(env: &Env, tune: &dyn Fn(usize, &mut Command)) -> Vec<(i32, String)> {
    for k in 0..2 {
        env.write(&format!("copy-{k}/o.yaml"), &manifest(&[entry("a", 9.0, "")]));
    }
    // Both first lists answer late, so that the two runs overlap on a busy machine.
    let late = vec![Fault::Latency(Duration::from_secs(2)); 2];
    env.emu.script("GET", "/api/tasking/orders", late);
    let children: Vec<_> = (0..2)
        .map(|k| {
            let mut cmd = env.command(&["apply", "--auto-approve", "o.yaml"]);
            cmd.current_dir(env.path().join(format!("copy-{k}")));
            tune(k, &mut cmd);
            cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn apply")
        })
        .collect();
    children
        .into_iter()
        .map(|c| {
            let out = c.wait_with_output().expect("wait");
            let text = format!(
                "{}\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            (out.status.code().unwrap_or(-1), text)
        })
        .collect()
}

/// The cost of one order of the entry, from a fresh account.
fn one_order() -> f64 {
    let env = Env::with(config());
    env.write("o.yaml", &manifest(&[entry("a", 9.0, "")]));
    let out = env.run(&["apply", "--auto-approve", "o.yaml"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    BALANCE - env.emu.balance()
}

fn assert_bought_once(env: &Env, runs: &[(i32, String)]) {
    for (code, text) in runs {
        assert_eq!(*code, 0, "{text}");
    }
    let waited =
        runs.iter().filter(|(_, t)| t.contains("waiting for another skyform apply")).count();
    assert_eq!(env.emu.orders().len(), 1, "bought twice:\n{runs:#?}");
    assert!((BALANCE - env.emu.balance() - one_order()).abs() < 0.005, "{runs:#?}");
    assert_eq!(waited, 1, "the second run waited for the first:\n{runs:#?}");
}

#[test]
fn applies_through_127_0_0_1_and_localhost_share_one_lock() {
    let env = Env::with(config());
    let port = env.emu.addr().port();
    let runs = race(&env, &|k, cmd| {
        let host = if k == 0 { "127.0.0.1" } else { "localhost" };
        cmd.env("CLEARSKY_API_URL", format!("http://{host}:{port}/"));
    });
    assert_bought_once(&env, &runs);
}

#[cfg(unix)]
#[test]
fn applies_with_two_tmpdirs_share_one_lock_in_the_machine_directory() {
    let env = Env::with(config());
    let runs = race(&env, &|k, cmd| {
        let tmp = env.path().join(format!("tmp-{k}"));
        std::fs::create_dir_all(&tmp).expect("mkdir");
        // The machine's own directory, as outside the tests.
        cmd.env_remove(skyform::lock::DIR_ENV).env("TMPDIR", tmp);
    });
    assert_bought_once(&env, &runs);
}
