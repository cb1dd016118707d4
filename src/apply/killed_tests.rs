//! Apply killed at random moments converges without buying twice: each round
//! kills one to three runs at a seeded moment (while it lists, prices, sends
//! creates, or waits for its new orders), with the calls in flight left to
//! the server, then the next run must exit 0 with exactly one live order per
//! entry, and one more changes nothing. Runs are in-process ([`World`]).

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::fixtures::{Ended, World};
use clearsky_emulator::{Config, FaultRates};

/// Rounds per test; each round is a fresh account.
const ROUNDS: u64 = 32;

/// What the kills of some rounds caught, to prove the dangerous cases happen.
#[derive(Debug, Default)]
struct Caught {
    /// Kills after some but not all orders were bought.
    mid_apply: usize,
    /// Kills that left an order the killed run never heard was created.
    unanswered: usize,
}

fn round(seed: u64, caught: &mut Caught) {
    let mut rng = StdRng::seed_from_u64(seed);
    let entries = rng.random_range(4..=12);
    let concurrency = 1 << rng.random_range(0..4);
    // A quarter of the rounds also get faults, so kills land in re-checks too.
    let fault_rates = if seed % 4 == 3 {
        FaultRates {
            too_many_requests: 0.05,
            unavailable: 0.05,
            commit_then_drop: 0.05,
            ..FaultRates::default()
        }
    } else {
        FaultRates::default()
    };
    let config =
        Config { seed, auto_accept: true, balance_eur: 1e12, fault_rates, ..Config::default() };
    let faulty = config.fault_rates != FaultRates::default();
    let world = World::new(config, entries);
    let mut kills = Vec::new();
    for _ in 0..rng.random_range(1..=3) {
        // Moments: 4 steps before the creates, 2 events per create, 2 after;
        // a moment past the last one lets the run end.
        let at = rng.random_range(1..=2 * entries + 7);
        let yields = rng.random_range(0..12);
        let before = world.live().len();
        let ended = world.apply_killed(concurrency, at, yields);
        let after = world.live().len();
        if let Err(killed) = &ended {
            caught.mid_apply += usize::from(after > before && after < entries);
            caught.unanswered += usize::from(after.saturating_sub(before) > killed.created);
        }
        kills.push((at, yields, after, ended));
    }
    let context =
        format!("seed {seed}: {entries} entries, concurrency {concurrency}, kills {kills:?}");
    let mut runs = Vec::new();
    loop {
        let ended = world.apply(concurrency);
        runs.push(ended.clone());
        if ended.succeeded() {
            break;
        }
        // Without faults the first run after the kills must exit 0.
        assert!(faulty && runs.len() < 15, "{context}: runs {runs:?}");
    }
    world.assert_one_order_per_entry(&format!("{context}, runs {runs:?}"));
    let creates = world.creates_sent();
    let again: Vec<Ended> = (0..3).map(|_| world.apply(concurrency)).collect();
    assert!(again.contains(&Ended::NoChanges), "{context}: {again:?}");
    assert_eq!(world.creates_sent(), creates, "{context}: a converged account was sent a create");
}

fn rounds(seeds: std::ops::Range<u64>) {
    let mut caught = Caught::default();
    for seed in seeds {
        round(seed, &mut caught);
    }
    assert!(caught.mid_apply > 0, "no kill landed between two creates: {caught:?}");
    assert!(caught.unanswered > 0, "no kill left an order its run never heard of: {caught:?}");
}

#[test]
fn apply_killed_at_random_moments_converges_without_duplicates_seeds_0_to_31() {
    rounds(0..ROUNDS);
}

#[test]
fn apply_killed_at_random_moments_converges_without_duplicates_seeds_32_to_63() {
    rounds(ROUNDS..2 * ROUNDS);
}
