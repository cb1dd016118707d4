//! Apply converges whatever fails: seeded faults on every call, and the
//! process killed at random moments. The invariant: in the end the account
//! holds exactly one live order per entry, and one more apply changes nothing.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

use clearsky_emulator::{Config, Fault, FaultRates};

use crate::harness::Env;

/// `n` recurring polygon entries with distinct AOIs.
pub(crate) fn manifest(n: usize) -> String {
    let mut s = String::from(
        "defaults:\n  Model: Stratus2\n  SatelliteConstellations: [Sentinel1, Sentinel2, Landsat89]\n  \
         StorageMonths: 1\n  ApiRequests: 1\n  ImageFrequency: 3\n  From: 2025-04-01\norders:\n",
    );
    for i in 0..n {
        #[allow(clippy::cast_precision_loss)]
        let (x, y) = (8.0 + (i % 20) as f64 * 0.1, 55.0 + (i / 20) as f64 * 0.1);
        let _ = write!(
            s,
            "  - name: field-{i:03}\n    Wkt: POLYGON(({x:.2} {y:.2},{x2:.2} {y:.2},{x2:.2} {y2:.2},{x:.2} {y2:.2},{x:.2} {y:.2}))\n",
            x2 = x + 0.05,
            y2 = y + 0.05
        );
    }
    s
}

/// Live (not cancelled) orders per AOI text: more than one is a duplicate.
fn per_aoi(env: &Env) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for o in env.live() {
        *m.entry(o.wkt.unwrap_or_default()).or_insert(0) += 1;
    }
    m
}

fn assert_converged(env: &Env, n: usize, context: &str) {
    let counts = per_aoi(env);
    assert_eq!(counts.len(), n, "{context}: {} distinct orders, want {n}", counts.len());
    let dups: Vec<_> = counts.iter().filter(|(_, c)| **c > 1).collect();
    assert!(dups.is_empty(), "{context}: duplicates {dups:?}");
}

fn faulty(seed: u64) -> Config {
    Config {
        seed,
        auto_accept: true,
        balance_eur: 1e12,
        fault_rates: FaultRates {
            too_many_requests: 0.10,
            unavailable: 0.05,
            commit_then_drop: 0.10,
            latency_jitter: Duration::from_millis(3),
            retry_after_secs: Some(0),
            ..FaultRates::default()
        },
        ..Config::default()
    }
}

/// The real binary under faults: one seed and a few entries. The many seeds
/// are `src/apply/convergence_tests.rs`, in-process and without sleeping.
#[test]
fn apply_converges_under_seeded_faults() {
    const N: usize = 12;
    const SEED: u64 = 3;
    let env = Env::with(faulty(SEED));
    env.write("o.yaml", &manifest(N));
    // Each kind at least once, whatever the random draws: then the seeded rates.
    env.emu.script("GET", "/api/tasking/orders", vec![Fault::Unavailable]);
    env.emu.script("POST", "/api/tasking/orders", vec![Fault::CommitThenDrop]);
    let limited = Fault::TooManyRequests { retry_after_secs: Some(0) };
    env.emu.script("POST", "/api/tasking/orders/estimate", vec![limited]);
    let mut runs = 0;
    loop {
        runs += 1;
        // The faults are injected, not load, and the list never lags: the
        // binary's backoff and re-check window are cut short.
        let out = env.run_with_short_backoff(&[
            "apply",
            "--auto-approve",
            "--concurrency",
            "8",
            "--recheck-wait",
            "0.1",
            // The emulator's list never lags: an order not listed was not stored.
            "--max-list-lag",
            "0",
            "o.yaml",
        ]);
        if out.code == 0 {
            break;
        }
        // 3: an estimate failed through every retry, so apply refused an unpriced create.
        let unpriced = out.code == 3 && out.stderr.contains("could not be priced");
        assert!(
            out.code == 5 || out.code == 1 || unpriced,
            "run {runs}: exit {}\n{}\n{}",
            out.code,
            out.stdout,
            out.stderr
        );
        // A create answered 503 or 500 is not sent again in the same run (its order
        // may exist), and no new create starts after it: each run stops at the
        // first such create, and the next one waits for it, then plans it again.
        assert!(runs < 15, "not converged after 15 runs\n{}", out.stdout);
    }
    assert_converged(&env, N, &format!("seed {SEED}"));
    let calls = env.emu.calls();
    let seen = |status: u16| calls.iter().filter(|c| c.2 == status).count();
    let (dropped, limited, unavailable) = (seen(0), seen(429), seen(503));
    assert!(
        dropped > 0 && limited > 0 && unavailable > 0,
        "the faults did not happen ({dropped} dropped, {limited} 429, {unavailable} 503)"
    );
    // One more apply, faults still on, has nothing to do.
    let again = env.run_with_short_backoff(&["apply", "--auto-approve", "o.yaml"]);
    assert_eq!(again.code, 0, "{}\n{}", again.stdout, again.stderr);
    assert!(again.stdout.contains("No changes."), "{}", again.stdout);
    assert_converged(&env, N, "after the last apply");
}

/// The real binary killed once, mid-apply, with two creates stored and not
/// yet answered. The kills at random moments are `src/apply/killed_tests.rs`,
/// in-process.
#[cfg(unix)]
#[test]
fn apply_killed_mid_apply_converges_without_duplicates() {
    const N: usize = 20;
    const ANSWERED: usize = 7;
    let env = Env::with(Config { auto_accept: true, balance_eur: 1e12, ..Config::default() });
    env.write("o.yaml", &manifest(N));
    let mut creates = vec![Fault::Latency(Duration::ZERO); ANSWERED];
    creates.extend([Fault::Hang(Duration::from_secs(60)), Fault::Hang(Duration::from_secs(60))]);
    env.emu.script("POST", "/api/tasking/orders", creates);
    let mut child = env
        .command(&["apply", "--auto-approve", "--concurrency", "2", "o.yaml"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn apply");
    // Both create slots hold a stored order whose answer never comes.
    let started = std::time::Instant::now();
    while env.live().len() < ANSWERED + 2 {
        assert!(started.elapsed() < Duration::from_secs(60), "apply never got going");
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().expect("SIGKILL");
    let _ = child.wait();
    assert_eq!(env.live().len(), ANSWERED + 2);
    // Nothing is in flight any more: a short wait for the intents it left, and
    // no list-lag bound (the emulator's list never lags: an intent not listed
    // was never stored).
    let args =
        ["apply", "--auto-approve", "--recheck-wait", "0.1", "--max-list-lag", "0", "o.yaml"];
    let out = env.run(&args);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains(&format!("{} to create", N - ANSWERED - 2)), "{}", out.stdout);
    assert_converged(&env, N, "killed with two creates unanswered");
}
