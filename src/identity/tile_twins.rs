//! Duplicates among the orders of a tile entry: two orders of the entry
//! holding the same tiles with the same settings (two applies racing with
//! `TileDeduplication: false`, or an order placed twice).
//!
//! Pure, no IO. The orders are taken in the order of preference polygon
//! duplicates use (accepted before `Review` before `Failure`, then the oldest,
//! then the lowest GUID); an order is a duplicate when every tile and minitile
//! it holds is wanted by the entry and already held by an order taken before
//! it. An order holding anything the entry does not want is never a duplicate:
//! cancelling it would lose what it holds for someone else.

use std::collections::BTreeSet;

use clearsky::api::types::TaskOrder;
use uuid::Uuid;

use super::matching::preference;

/// The orders among `orders` (indexes into `live`, all matching one tile entry
/// wanting `tiles` and `minitiles`) that only repeat what earlier-preferred
/// orders hold; returns `(kept, duplicates)`, each in order of preference.
pub fn tile_twins(
    tiles: &BTreeSet<Uuid>,
    minitiles: &BTreeSet<Uuid>,
    orders: &[usize],
    live: &[TaskOrder],
) -> (Vec<usize>, Vec<usize>) {
    let mut sorted = orders.to_vec();
    sorted.sort_by(|&a, &b| preference(&live[a], &live[b]));
    let mut held: BTreeSet<(bool, Uuid)> = BTreeSet::new();
    let (mut kept, mut twins) = (Vec::new(), Vec::new());
    for i in sorted {
        let Some(holds) = holdings(&live[i]) else {
            kept.push(i);
            continue;
        };
        let wanted = holds
            .iter()
            .all(|&(mini, g)| if mini { minitiles.contains(&g) } else { tiles.contains(&g) });
        if wanted && !holds.is_empty() && holds.iter().all(|h| held.contains(h)) {
            twins.push(i);
        } else {
            held.extend(holds);
            kept.push(i);
        }
    }
    (kept, twins)
}

/// What an order holds, as `(is_minitile, GUID)`; `None` when a GUID does not
/// parse (such an order is kept: what it holds cannot be compared).
fn holdings(order: &TaskOrder) -> Option<BTreeSet<(bool, Uuid)>> {
    let tiles = order.tiles.iter().map(|t| (false, &t.guid));
    let minis = order.mini_tiles.iter().map(|t| (true, &t.guid));
    tiles.chain(minis).map(|(mini, g)| Uuid::parse_str(g.trim()).ok().map(|u| (mini, u))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{order, spec, tiles};

    fn tile_order(guid: &str, status: &str, created: &str, held: &[u128]) -> TaskOrder {
        let aoi = tiles(held, &[]);
        let mut o = order(guid, status, &spec(aoi), None);
        o.created_date = Some(created.to_owned());
        o
    }

    fn ids(v: &[u128]) -> BTreeSet<Uuid> {
        v.iter().map(|&n| Uuid::from_u128(n)).collect()
    }

    #[test]
    fn a_second_order_of_the_same_tiles_is_a_twin_and_the_accepted_one_is_kept() {
        let live = [
            tile_order("b-review", "Review", "2025-04-10T10:00:00", &[1, 2]),
            tile_order("a-accepted", "UpToDate", "2025-04-10T11:00:00", &[1, 2]),
        ];
        let (kept, twins) = tile_twins(&ids(&[1, 2]), &BTreeSet::new(), &[0, 1], &live);
        assert_eq!((kept, twins), (vec![1], vec![0]));
    }

    #[test]
    fn orders_that_split_the_tiles_or_hold_more_are_not_twins() {
        let live = [
            tile_order("a", "UpToDate", "2025-04-01T00:00:00", &[1]),
            tile_order("b", "UpToDate", "2025-04-02T00:00:00", &[2]),
            tile_order("c", "Review", "2025-04-03T00:00:00", &[1, 3]),
        ];
        let (kept, twins) = tile_twins(&ids(&[1, 2, 3]), &BTreeSet::new(), &[0, 1, 2], &live);
        assert_eq!((kept, twins), (vec![0, 1, 2], vec![]));
        // Tile 3 is not the entry's: the order holding it is never a twin.
        let (_, twins) = tile_twins(&ids(&[1, 2]), &BTreeSet::new(), &[0, 2], &live);
        assert!(twins.is_empty());
    }
}
