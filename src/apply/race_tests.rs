//! Races of two to four applies on separate machines: each run has its own
//! pending record and no lock is shared, so nothing but the order list keeps
//! them from buying the same entry. Over 20 seeds, after the race and one
//! more apply, the account holds one live order per entry, and its spend is
//! that of one set of orders: the duplicates the race bought, still in
//! `Review`, were refunded in full.

use std::fmt::Write as _;

use clearsky::grid::Cell;
use clearsky_emulator::Config;

use super::fixtures::{Ended, World, manifest as polygon_manifest};

const ENTRIES: usize = 6;

/// `ENTRIES` recurring tile entries of two minitiles each, sent without
/// deduplication (with it, the server itself would drop a racing run's
/// tiles). Minitiles keep the month's spend in one tier, so that the spend of
/// one set does not depend on the order the creates were charged in.
fn tile_manifest() -> String {
    let mut s = String::from(
        "defaults:\n  Model: Stratus2\n  SatelliteConstellations: [Sentinel1, Sentinel2, Landsat89]\n  \
         StorageMonths: 1\n  ApiRequests: 1\n  ImageFrequency: 3\n  From: 2025-04-01\norders:\n",
    );
    for i in 0..ENTRIES {
        #[allow(clippy::cast_precision_loss)]
        let lon = 8.0 + i as f64;
        let mut minis = Cell::tile_at(lon, 56.0).minitiles().map(Cell::guid);
        let (a, b) = (minis.next().unwrap(), minis.next().unwrap());
        let _ = write!(
            s,
            "  - name: tiles-{i}\n    MiniTileGuids: [{a}, {b}]\n    TileDeduplication: false\n"
        );
    }
    s
}

/// What one apply of `manifest` spends on a fresh account.
fn one_set(manifest: &str) -> f64 {
    let world = World::with_manifest(Config::default(), manifest);
    let before = world.emu.balance();
    assert!(world.apply_on("alone", 2).succeeded());
    before - world.emu.balance()
}

/// Races two to four applies of `manifest` on separate machines, over 20
/// seeds; after one more apply, checks one order per entry, the spend of one
/// set, and that a further apply changes nothing. Fails when no race bought
/// anything twice: the test would prove nothing.
fn race(manifest: &str) {
    let one = one_set(manifest);
    let mut bought_twice = 0;
    for seed in 0..20_u64 {
        let runs = 2 + usize::try_from(seed % 3).unwrap();
        let world = World::with_manifest(Config { seed, ..Config::default() }, manifest);
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
        assert!(
            (spent - one).abs() < 0.01,
            "seed {seed}, {runs} machines: spent EUR {spent:.2}, one set costs EUR {one:.2}"
        );
        assert!(world.apply_on("machine-1", 2) == Ended::NoChanges, "seed {seed}");
        bought_twice += world.creates_sent().saturating_sub(ENTRIES);
    }
    assert!(bought_twice > 0, "no race bought anything twice: the test proves nothing");
}

#[test]
fn racing_applies_of_polygon_entries_leave_one_set_of_orders_and_its_price() {
    race(&polygon_manifest(ENTRIES));
}

#[test]
fn racing_applies_of_tile_entries_leave_one_set_of_orders_and_its_price() {
    race(&tile_manifest());
}
