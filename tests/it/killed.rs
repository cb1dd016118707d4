//! An apply killed while a create is in flight: the order may exist on the
//! server without any answer having reached skyform. The apply records every
//! create it is about to send before sending it, so the next run waits for
//! such an order to show in the list instead of buying it again.

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::{Duration, Instant};

use clearsky_emulator::{Config, Fault, Modes};

use crate::apply::{entry, manifest};
use crate::harness::Env;

use crate::pending_machine::record;

/// A refusal the create's own validation would not give.
fn refused() -> Fault {
    Fault::Refused { field: "Wkt".into(), message: "refused for this test".into() }
}

#[cfg(unix)]
#[test]
fn an_apply_killed_during_its_create_is_not_bought_again_by_the_next_run() {
    let env = Env::with(Config { auto_accept: true, ..Config::default() });
    env.write("o.yaml", &manifest(&[entry("a", 9.0, "")]));
    // The create is stored at once and answered only after a minute, and the
    // list leaves the new order out until the test says otherwise.
    env.emu.script("POST", "/api/tasking/orders", vec![Fault::Hang(Duration::from_secs(60))]);
    let lagging = |lag: u64| Modes { list_lag: Duration::from_secs(lag), ..Modes::default() };
    env.emu.set_modes(lagging(3_600));
    let mut child = env
        .command(&["apply", "--auto-approve", "o.yaml"])
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
    let intents = std::fs::read_to_string(record(&env)).expect("the record of intents");
    assert!(
        intents.contains("\"entry\": \"a\"") && intents.contains("\"guid\": null"),
        "{intents}"
    );

    // The next run does not see the order in its first list: it must wait for
    // it. Once it says so, the list catches up.
    let mut next = env
        .command(&["apply", "--auto-approve", "--recheck-wait", "60", "o.yaml"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn the next apply");
    let mut stderr = BufReader::new(next.stderr.take().expect("stderr"));
    let mut said = String::new();
    let mut line = String::new();
    while stderr.read_line(&mut line).expect("read stderr") > 0 {
        said.push_str(&line);
        if line.contains("from an earlier apply") {
            env.emu.set_modes(lagging(0));
        }
        line.clear();
    }
    let out = next.wait_with_output().expect("wait");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{said}");
    assert!(said.contains("from an earlier apply"), "it never waited:\n{said}");
    assert_eq!(env.live().len(), 1, "bought twice:\n{stdout}\n{said}");
    assert!(stdout.contains("No changes"), "{stdout}");
    assert!(!record(&env).exists(), "the order showed up: nothing is left pending");
}

#[test]
fn an_apply_that_returns_leaves_no_intent_behind() {
    let env = Env::with(Config { auto_accept: true, ..Config::default() });
    env.write("o.yaml", &manifest(&[entry("a", 9.0, ""), entry("b", 9.2, "")]));
    // The second create is refused for good: apply fails, but it returns.
    env.emu.script("POST", "/api/tasking/orders", vec![Fault::Latency(Duration::ZERO), refused()]);
    let out = env.run(&["apply", "--auto-approve", "--concurrency", "1", "o.yaml"]);
    assert_ne!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert_eq!(env.live().len(), 1);
    assert!(!record(&env).exists(), "{}", out.stderr);
    let out = env.run(&["apply", "--auto-approve", "o.yaml"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(
        !out.stderr.contains("earlier apply"),
        "no wait for what was never bought:\n{}",
        out.stderr
    );
    assert_eq!(env.live().len(), 2);
}
