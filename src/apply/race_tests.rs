//! Races of two to four applies on separate machines: each run has its own
//! pending record and no lock is shared, so nothing but the order list keeps
//! them from buying the same entry. Over 20 seeds, after the race and one
//! more apply, the account holds one live order per entry, and its spend is
//! that of one set of orders: the duplicates the race bought, still in
//! `Review`, were refunded in full.

use clearsky_emulator::Config;

use super::fixtures::World;

const ENTRIES: usize = 6;

/// What one apply of the entries spends on a fresh account.
fn one_set(seed: u64) -> f64 {
    let world = World::new(Config { seed, ..Config::default() }, ENTRIES);
    let before = world.emu.balance();
    assert!(world.apply_on("alone", 2).succeeded());
    before - world.emu.balance()
}

#[test]
fn racing_applies_on_separate_machines_leave_one_set_of_orders_and_its_price() {
    let mut bought_twice = 0;
    for seed in 0..20_u64 {
        let runs = 2 + usize::try_from(seed % 3).unwrap();
        let world = World::new(Config { seed, ..Config::default() }, ENTRIES);
        let before = world.emu.balance();
        std::thread::scope(|s| {
            for m in 0..runs {
                let world = &world;
                let concurrency = 1 + (usize::try_from(seed).unwrap() + m) % 4;
                s.spawn(move || world.apply_on(&format!("machine-{m}"), concurrency));
            }
        });
        let last = world.apply_on("machine-0", 4);
        assert!(last.succeeded(), "seed {seed}: the apply after the race ended {last:?}");
        world.assert_one_order_per_entry(&format!("seed {seed}, {runs} machines"));
        let spent = before - world.emu.balance();
        let one = one_set(seed);
        assert!(
            (spent - one).abs() < 0.01,
            "seed {seed}, {runs} machines: spent EUR {spent:.2}, one set of orders costs EUR {one:.2}"
        );
        assert!(world.apply_on("machine-1", 2) == super::fixtures::Ended::NoChanges);
        bought_twice += world.creates_sent().saturating_sub(ENTRIES);
    }
    // The races are real: some entries were bought more than once, then repaired.
    assert!(bought_twice > 0, "no race bought anything twice: the test proves nothing");
}
