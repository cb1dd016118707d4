//! Applies racing on one account: the lock serialises runs on one machine,
//! and the re-list before each batch of creates plus the refund of duplicates
//! make runs that no lock separates (different machines) converge. Orders stay
//! in `Review`, so every duplicate can still be refunded.

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use clearsky::api::types::OrderRequest;
use clearsky::api::{self, CreateOutcome};
use clearsky_emulator::{Config, Fault};

use crate::convergence::manifest;
use crate::harness::{AARHUS_ENTRY, Env, json};

const ENTRIES: usize = 20;

fn config() -> Config {
    Config { balance_eur: 1_000_000.0, latency: Duration::from_millis(20), ..Config::default() }
}

/// EUR spent by one apply of the manifest on a fresh account: the most the
/// racing runs may spend together.
fn one_order_each() -> f64 {
    let env = Env::with(Config { latency: Duration::ZERO, ..config() });
    env.write("o.yaml", &manifest(ENTRIES));
    let out = env.run(&["apply", "--auto-approve", "o.yaml"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    1_000_000.0 - env.emu.balance()
}

/// The numbers of one race, for the assertions and for `--nocapture`.
#[derive(Debug)]
#[allow(dead_code)] // Read through `Debug` in the reports.
struct Race {
    exit_codes: Vec<i32>,
    waited: usize,
    orders_created: usize,
    live_after_runs: usize,
    spent: f64,
    one_each: f64,
}

/// Starts `runs` applies together (each in its own copy of the manifests when
/// `copies`, each with its own lock directory when `no_lock`), waits for
/// them, applies once more, and checks one live order per entry and no more
/// credits spent than one order per entry.
fn race(runs: usize, copies: bool, no_lock: bool) -> Race {
    // Without a shared lock, slow calls make the runs overlap; with one, the
    // held list does.
    let env =
        Env::with(if no_lock { config() } else { Config { latency: Duration::ZERO, ..config() } });
    let dirs: Vec<String> =
        (0..runs).map(|k| if copies { format!("copy-{k}") } else { "shared".to_owned() }).collect();
    for dir in &dirs {
        env.write(&format!("{dir}/o.yaml"), &manifest(ENTRIES));
    }
    if !no_lock {
        // The first list is held (with the lock) until every other run waits
        // for the lock, so that the runs overlap however loaded the machine is.
        env.emu.script("GET", "/api/tasking/orders", vec![Fault::Hold]);
    }
    let (waiting, waits) = std::sync::mpsc::channel();
    let children: Vec<_> = dirs
        .iter()
        .enumerate()
        .map(|(k, dir)| {
            let mut cmd: Command = env.command(&["apply", "--auto-approve", "o.yaml"]);
            cmd.current_dir(env.path().join(dir)).stdout(Stdio::piped()).stderr(Stdio::piped());
            if no_lock {
                cmd.env(skyform::lock::DIR_ENV, env.path().join(format!("machine-{k}")));
            }
            let mut child = cmd.spawn().expect("spawn apply");
            let stderr = BufReader::new(child.stderr.take().expect("stderr"));
            let waiting = waiting.clone();
            let reader = std::thread::spawn(move || {
                let mut text = String::new();
                for line in stderr.lines().map_while(Result::ok) {
                    if line.contains("waiting for another skyform apply") {
                        let _ = waiting.send(());
                    }
                    text.push_str(&line);
                    text.push('\n');
                }
                text
            });
            (child, reader)
        })
        .collect();
    if !no_lock {
        for _ in 1..runs {
            waits.recv_timeout(Duration::from_secs(60)).expect("a run never waited for the lock");
        }
        env.emu.release(1);
    }
    let outputs: Vec<_> = children
        .into_iter()
        .map(|(child, reader)| {
            let mut out = child.wait_with_output().unwrap();
            out.stderr = reader.join().expect("stderr reader").into_bytes();
            out
        })
        .collect();
    let text = |o: &std::process::Output| {
        format!("{}\n{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
    };
    let exit_codes: Vec<i32> = outputs.iter().map(|o| o.status.code().unwrap_or(-1)).collect();
    for (o, code) in outputs.iter().zip(&exit_codes) {
        assert!(*code == 0 || (no_lock && *code == 5), "exit {code}:\n{}", text(o));
    }
    let waited = outputs
        .iter()
        .filter(|o| {
            String::from_utf8_lossy(&o.stderr)
                .contains("waiting for another skyform apply on this account (pid ")
        })
        .count();
    let live_after_runs = env.live().len();

    let first = format!("{}/o.yaml", dirs[0]);
    let again = env.run(&["apply", "--auto-approve", &first]);
    assert_eq!(again.code, 0, "{}\n{}", again.stdout, again.stderr);
    let plan = env.run(&["plan", "--detailed-exitcode", &first]);
    assert_eq!(plan.code, 0, "converged: {}\n{}", plan.stdout, plan.stderr);

    let live = env.live();
    let mut aois: Vec<String> = live.iter().map(|o| o.wkt.clone().unwrap_or_default()).collect();
    aois.sort();
    aois.dedup();
    assert_eq!((live.len(), aois.len()), (ENTRIES, ENTRIES), "one live order per entry");
    let race = Race {
        exit_codes,
        waited,
        orders_created: env.emu.orders().len(),
        live_after_runs,
        spent: 1_000_000.0 - env.emu.balance(),
        one_each: one_order_each(),
    };
    assert!(race.spent <= race.one_each + 0.005, "spent more than one order per entry: {race:?}");
    race
}

#[allow(clippy::print_stderr)]
fn report(name: &str, race: &Race) {
    eprintln!("{name}: {race:?}");
}

#[test]
fn two_applies_from_one_directory_buy_each_order_once() {
    let r = race(2, false, false);
    report("2 runs, one directory", &r);
    assert_eq!((r.orders_created, r.waited), (ENTRIES, 1), "{r:?}");
}

#[test]
fn two_applies_from_separate_copies_buy_each_order_once() {
    let r = race(2, true, false);
    report("2 runs, separate copies", &r);
    assert_eq!((r.orders_created, r.waited), (ENTRIES, 1), "{r:?}");
}

#[test]
fn four_applies_from_one_directory_buy_each_order_once() {
    let r = race(4, false, false);
    report("4 runs, one directory", &r);
    assert_eq!(r.orders_created, ENTRIES, "{r:?}");
    assert!(r.waited >= 1, "{r:?}");
}

#[test]
fn four_applies_from_separate_copies_buy_each_order_once() {
    let r = race(4, true, false);
    report("4 runs, separate copies", &r);
    assert_eq!(r.orders_created, ENTRIES, "{r:?}");
    assert!(r.waited >= 1, "{r:?}");
}

#[test]
fn two_applies_on_different_machines_refund_their_duplicates() {
    let r = race(2, true, true);
    report("2 runs, no shared lock", &r);
    assert_eq!(r.waited, 0, "{r:?}");
}

#[test]
fn four_applies_on_different_machines_refund_their_duplicates() {
    let r = race(4, true, true);
    report("4 runs, no shared lock", &r);
    assert_eq!(r.waited, 0, "{r:?}");
}

#[test]
fn a_held_lock_makes_apply_fail_at_once_or_wait_for_it() {
    let env = Env::with(config());
    env.write("o.yaml", &manifest(2));
    let account = skyform::machine::AccountId::new(&env.emu.url(), &env.emu.key());
    let dir = env.path().join(".locks");
    let held = skyform::lock::acquire(&account, &dir, Duration::ZERO, &mut |_| {}).unwrap();

    let out = env.run(&["apply", "--auto-approve", "--lock-timeout", "0", "o.yaml"]);
    assert_eq!(out.code, 1, "{}\n{}", out.stdout, out.stderr);
    let pid = std::process::id();
    assert!(
        out.stderr.contains(&format!(
            "error: another skyform apply on this account is running (pid {pid}); gave up"
        )),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("hint: nothing was changed"), "{}", out.stderr);
    assert!(env.emu.orders().is_empty());

    let start = Instant::now();
    let mut child = env
        .command(&["apply", "--auto-approve", "--lock-timeout", "30", "o.yaml"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
    let mut said = String::new();
    let waiting = format!("waiting for another skyform apply on this account (pid {pid})");
    while !said.contains(&waiting) {
        assert!(stderr.read_line(&mut said).expect("read stderr") > 0, "it never waited: {said}");
    }
    assert!(env.emu.calls().is_empty(), "nothing happens while the lock is held");
    drop(held);
    let out = child.wait_with_output().unwrap();
    stderr.read_to_string(&mut said).expect("read stderr");
    assert_eq!(out.status.code(), Some(0), "{said}");
    assert!(start.elapsed() < Duration::from_secs(10));
    assert_eq!(env.live().len(), 2);
}

#[test]
fn a_run_that_planned_before_another_run_finished_skips_what_that_run_bought() {
    let env = Env::with(Config { latency: Duration::ZERO, ..config() });
    env.write("a/o.yaml", &manifest(ENTRIES));
    env.write("b/o.yaml", &manifest(ENTRIES));
    // Run A's first estimate is held: run B plans and buys everything meanwhile.
    env.emu.script("POST", "/api/tasking/orders/estimate", vec![Fault::Hold]);
    let mut a = env.command(&["apply", "--auto-approve", "o.yaml"]);
    a.current_dir(env.path().join("a")).env(skyform::lock::DIR_ENV, env.path().join("machine-a"));
    let a = a.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let start = Instant::now();
    while env.emu.held() == 0 {
        assert!(start.elapsed() < Duration::from_secs(10), "run A never sent its estimate");
        std::thread::sleep(Duration::from_millis(5));
    }
    let mut b = env.command(&["apply", "--auto-approve", "o.yaml"]);
    b.current_dir(env.path().join("b")).env(skyform::lock::DIR_ENV, env.path().join("machine-b"));
    let b = b.output().unwrap();
    assert_eq!(b.status.code(), Some(0), "{}", String::from_utf8_lossy(&b.stderr));
    env.emu.release(1);
    let a = a.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&a.stdout);
    assert_eq!(a.status.code(), Some(0), "{stdout}\n{}", String::from_utf8_lossy(&a.stderr));
    assert!(
        stdout.contains("Apply complete: 0 changes made, 20 already satisfied by another run."),
        "{stdout}"
    );
    assert!(stdout.contains("  satisfied   field-000: create skipped: order "), "{stdout}");
    assert_eq!(env.emu.orders().len(), ENTRIES, "nothing bought twice");
}

#[test]
fn duplicates_in_review_are_planned_cancels_and_the_others_are_shown_with_their_price() {
    let env = Env::with(config());
    env.write("o.yaml", &format!("orders:\n{AARHUS_ENTRY}"));
    let plan = json(&env.run(&["plan", "--format", "json", "o.yaml"]));
    let body: OrderRequest = serde_json::from_value(plan["changes"][0]["request"].clone()).unwrap();
    let api = api::Config::new(&env.emu.url(), api::ApiKey::new(env.emu.key())).unwrap();
    let client = api::Client::new(api).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let mut guids: Vec<String> = (0..3)
        .map(|_| match rt.block_on(client.create(&body)) {
            CreateOutcome::Created(o) => o.task_order_guid,
            other => panic!("{other:?}"),
        })
        .collect();
    guids.sort();
    // The two lowest GUIDs are accepted: the lowest is kept; the other is this
    // set's own duplicate, so its renewal is stopped without `--prune`.
    assert!(env.emu.accept(&guids[0]) && env.emu.accept(&guids[1]));
    let paid = 1_000_000.0 - env.emu.balance();

    let out = env.run(&["plan", "--detailed-exitcode", "o.yaml"]);
    assert_eq!(out.code, 2, "duplicates are changes: {}", out.stdout);
    for want in [
        format!("duplicate of `{}` (entry `aarhus-bay`): refunded in full", guids[0]),
        format!(
            "duplicate of entry `aarhus-bay`, which keeps order `{}`: its renewal stops",
            guids[0]
        ),
        "Duplicate orders (cancelled above):".to_owned(),
        format!("aarhus-bay: {} duplicates {}", guids[1], guids[0]),
    ] {
        assert!(out.stdout.contains(&want), "`{want}` not in:\n{}", out.stdout);
    }
    assert!(!out.stdout.contains("still billed"), "{}", out.stdout);
    let md = env.run(&["plan", "--format", "markdown", "o.yaml"]);
    assert!(md.stdout.contains("**Plan: 2 to cancel, 1 unchanged.**"), "{}", md.stdout);
    assert!(md.stdout.contains("its renewal stops"), "{}", md.stdout);

    let out = env.run(&["apply", "--auto-approve", "o.yaml"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains(&format!("done        {}: cancel", guids[2])), "{}", out.stdout);
    assert!(out.stdout.contains(&format!("done        {}: cancel", guids[1])), "{}", out.stdout);
    assert!(1_000_000.0 - env.emu.balance() < paid, "the Review duplicate was refunded");
    let renewing: Vec<_> = env.live().into_iter().filter(|o| o.to.is_none()).collect();
    assert_eq!(renewing.len(), 1, "one order renews: {renewing:?}");
    assert_eq!(renewing[0].task_order_guid, guids[0]);
    let out = env.run(&["plan", "--detailed-exitcode", "o.yaml"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
}
