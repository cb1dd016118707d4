//! The wanted order's side of the server's tile deduplication: the settings
//! [`clearsky::dedupe`] compares, read off an [`OrderSpec`]. The rule itself is
//! the service's and lives in `clearsky`, shared with the emulator.
//!
//! Pure, no IO.

use clearsky::dedupe::Settings;

use crate::spec::OrderSpec;

/// The deduplication settings of a wanted order.
pub fn settings_of(spec: &OrderSpec) -> Settings {
    Settings::new(
        &spec.model,
        &spec.constellations,
        i64::from(spec.image_frequency),
        spec.reference_date,
        spec.from,
        spec.to,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::OrderSpec;
    use crate::testing::{day, order, spec, tiles};
    use clearsky::api::types::OrderStatus;
    use clearsky::api::types::TaskOrder;
    use clearsky::dedupe::{Covered, Ledger, already_ordered};
    use clearsky::grid::Cell;
    use std::collections::BTreeSet;
    use uuid::Uuid;

    fn may(aoi: crate::spec::Aoi) -> OrderSpec {
        OrderSpec { from: day("2025-05-01"), to: Some(day("2025-05-31")), ..spec(aoi) }
    }

    fn ids(n: &[u128]) -> BTreeSet<Uuid> {
        n.iter().map(|&n| Uuid::from_u128(n)).collect()
    }

    fn covered(request: &OrderSpec, live: &[TaskOrder], t: &[u128], m: &[u128]) -> Covered {
        already_ordered(&settings_of(request), live, &ids(t), &ids(m))
    }

    #[test]
    fn tiles_of_an_order_with_the_same_settings_and_an_overlapping_period_are_covered() {
        let live = [order("a", "Review", &may(tiles(&[1, 2], &[10])), None)];
        let june = OrderSpec { to: Some(day("2025-06-30")), ..may(tiles(&[], &[])) };
        let c = covered(&june, &live, &[1, 2, 3], &[10, 11]);
        assert_eq!((c.tiles, c.minitiles, c.by), (ids(&[1, 2]), ids(&[10]), BTreeSet::from([0])));
        // Recurring on either side overlaps whatever starts before the other ends.
        let recurring = OrderSpec { from: day("2025-01-01"), to: None, ..may(tiles(&[], &[])) };
        assert_eq!(covered(&recurring, &live, &[1], &[]).tiles, ids(&[1]));
        // StorageMonths, ApiRequests and casing play no part.
        let mut other = june.clone();
        other.storage_months = 3;
        other.api_requests = 9;
        other.model = "STRATUS2".into();
        other.constellations = ["sentinel1", "SENTINEL2", "landsat89"].map(String::from).into();
        assert_eq!(covered(&other, &live, &[1], &[]).tiles, ids(&[1]));
    }

    type Edit = fn(&mut OrderSpec);

    #[test]
    fn other_settings_another_period_or_a_cancelled_order_cover_nothing() {
        let base = may(tiles(&[1], &[]));
        let live = [order("a", "Processing", &base, None)];
        let changed: [(&str, Edit); 6] = [
            ("model", |s| s.model = "Stratus3".into()),
            ("constellations", |s| {
                s.constellations.remove("Landsat89");
            }),
            ("frequency", |s| s.image_frequency = 2),
            ("reference date", |s| s.reference_date = day("2025-01-02")),
            ("later period", |s| (s.from, s.to) = (day("2025-06-01"), Some(day("2025-06-30")))),
            ("earlier period", |s| (s.from, s.to) = (day("2025-04-01"), Some(day("2025-04-30")))),
        ];
        for (what, change) in changed {
            let mut s = base.clone();
            change(&mut s);
            assert!(covered(&s, &live, &[1], &[]).is_empty(), "{what}");
        }
        let mut cancelled = live[0].clone();
        cancelled.ordering_process_status = OrderStatus::Canceled;
        assert!(covered(&base, &[cancelled], &[1], &[]).is_empty());
    }

    #[test]
    fn a_live_order_without_reference_date_is_anchored_on_its_from() {
        let mut s = may(tiles(&[1], &[]));
        let mut o = order("a", "Review", &s, None);
        o.reference_date = None;
        assert!(covered(&s, std::slice::from_ref(&o), &[1], &[]).is_empty());
        s.reference_date = s.from;
        assert_eq!(covered(&s, &[o], &[1], &[]).tiles, ids(&[1]));
    }

    #[test]
    fn a_tile_covers_its_minitiles_but_not_the_other_way_round() {
        let tile = Cell::tile_at(10.0, 56.4);
        let minis: Vec<Uuid> = tile.minitiles().take(2).map(Cell::guid).collect();
        let aoi = |t: &[Uuid], m: &[Uuid]| crate::spec::Aoi::Tiles {
            tiles: t.iter().copied().collect(),
            minitiles: m.iter().copied().collect(),
        };
        let request = settings_of(&may(aoi(&[], &[])));
        let whole = [order("t", "Review", &may(aoi(&[tile.guid()], &[])), None)];
        let c = already_ordered(&request, &whole, &[], &minis);
        assert_eq!(c.minitiles, minis.iter().copied().collect());
        let one = [order("m", "Review", &may(aoi(&[], &minis[..1])), None)];
        let c = already_ordered(&request, &one, &[tile.guid()], &minis);
        assert!(c.tiles.is_empty());
        assert_eq!(c.minitiles, BTreeSet::from([minis[0]]));
        let elsewhere = Cell::tile_at(12.57, 55.68).minitiles().next().unwrap().guid();
        assert!(already_ordered(&request, &whole, &[], &[elsewhere]).is_empty());
    }

    #[test]
    fn every_covering_order_is_named_and_counts_can_leave_orders_out() {
        let live = [
            order("a", "Review", &may(tiles(&[1], &[])), None),
            order("b", "Review", &may(tiles(&[1, 2], &[])), None),
            order("c", "Review", &may(tiles(&[3], &[])), None),
        ];
        let request = settings_of(&may(tiles(&[], &[])));
        let ledger = Ledger::new(&live);
        let c = ledger.covered(&request, &ids(&[1, 2]), &ids(&[]), |_| true);
        assert_eq!((c.tiles, c.by), (ids(&[1, 2]), BTreeSet::from([0, 1])));
        let c = ledger.covered(&request, &ids(&[1, 2]), &ids(&[]), |i| i != 1);
        assert_eq!((c.tiles, c.by), (ids(&[1]), BTreeSet::from([0])));
    }
}
