//! Apply converges whatever fails: seeded 429s, 503s and creates that store
//! the order and then drop the connection, on every call, for many seeds.
//! Runs are in-process ([`World`]) and never sleep. The invariant: the
//! runs end in exit 0 within a bound, the account then holds exactly one
//! live order per entry, and one more apply (faults still on) sends no create.

use std::time::Duration;

use super::consent::RefusalKind;
use super::fixtures::{Ended, World};
use clearsky_emulator::{Config, FaultRates};

/// Seeds per test; each seed is a fresh account.
const SEEDS: u64 = 16;

/// Entries per seed.
const ENTRIES: usize = 12;

/// Most runs before a seed must have converged.
const MAX_RUNS: usize = 15;

fn faulty(seed: u64) -> Config {
    Config {
        seed,
        auto_accept: true,
        balance_eur: 1e12,
        fault_rates: FaultRates {
            too_many_requests: 0.10,
            unavailable: 0.05,
            commit_then_drop: 0.10,
            // Waited out by the recording sleeper: it costs no time.
            retry_after_secs: Some(1),
            ..FaultRates::default()
        },
        ..Config::default()
    }
}

/// Faults each kind of seed saw, to prove they happened.
#[derive(Debug, Default)]
struct Seen {
    dropped: usize,
    limited: usize,
    unavailable: usize,
}

/// Applies until a run exits 0, checks the invariant, and returns the faults seen.
fn converge(seed: u64) -> Seen {
    let world = World::new(faulty(seed), ENTRIES);
    // Every concurrency the executor allows matters: 1, 2, 4 and 8 changes in flight.
    let concurrency = 1 << (seed % 4);
    let mut runs = Vec::new();
    loop {
        let ended = world.apply(concurrency);
        runs.push(ended.clone());
        if ended.succeeded() {
            break;
        }
        // Exit 5 or 1 (a create's outcome stayed unknown, a list failed through
        // every retry), or 3: an estimate failed through every retry, so
        // apply refused an unpriced create.
        assert!(
            matches!(
                ended,
                Ended::Partial | Ended::Failed(_) | Ended::Refused(RefusalKind::Unpriced)
            ),
            "seed {seed}: run {} ended {ended:?}",
            runs.len()
        );
        assert!(runs.len() < MAX_RUNS, "seed {seed}: not converged: {runs:?}");
    }
    world.assert_one_order_per_entry(&format!("seed {seed} after {runs:?}"));

    // One more apply, faults still on, buys nothing; a list failing through
    // every retry ends it before its plan, so it may take another run.
    let creates = world.creates_sent();
    let again: Vec<Ended> = (0..3).map(|_| world.apply(concurrency)).collect();
    assert!(again.contains(&Ended::NoChanges), "seed {seed}: {again:?}");
    assert_eq!(world.creates_sent(), creates, "seed {seed}: a converged account was sent a create");
    world.assert_one_order_per_entry(&format!("seed {seed}, after the last apply"));

    let calls = world.emu.calls();
    let count = |status: u16| calls.iter().filter(|c| c.2 == status).count();
    assert!(world.slept() > Duration::ZERO, "seed {seed}: no retry waited");
    Seen { dropped: count(0), limited: count(429), unavailable: count(503) }
}

fn converge_all(seeds: std::ops::Range<u64>) {
    let mut total = Seen::default();
    for seed in seeds {
        let seen = converge(seed);
        total.dropped += seen.dropped;
        total.limited += seen.limited;
        total.unavailable += seen.unavailable;
    }
    assert!(
        total.dropped > 0 && total.limited > 0 && total.unavailable > 0,
        "the faults did not happen: {total:?}"
    );
}

#[test]
fn apply_converges_under_seeded_faults_seeds_0_to_15() {
    converge_all(0..SEEDS);
}

#[test]
fn apply_converges_under_seeded_faults_seeds_16_to_31() {
    converge_all(SEEDS..2 * SEEDS);
}

#[test]
fn apply_converges_under_seeded_faults_seeds_32_to_47() {
    converge_all(2 * SEEDS..3 * SEEDS);
}

#[test]
fn apply_converges_under_seeded_faults_seeds_48_to_63() {
    converge_all(3 * SEEDS..4 * SEEDS);
}
