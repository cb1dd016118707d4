//! Repair of duplicates: live orders matching an entry that another live order
//! already satisfies (two applies racing, or an order placed twice). For a
//! polygon entry, every matching order after the first; for a tile entry, every
//! order that only holds tiles earlier orders of the entry hold
//! ([`identity::tile_twins`]).
//!
//! Pure, no IO. The order kept is the one [`crate::identity`] prefers (accepted
//! before `Review` before `Failure`, then the oldest, then the lowest GUID), so
//! every run that sees the same orders keeps the same one. A duplicate matches
//! one of this manifest set's entries, so the set owns it. The rules:
//! - a duplicate in `Review` is a `cancel` with a full refund;
//! - an accepted recurring duplicate is a `cancel` that stops its renewal;
//! - both with or without `--prune`, under `--target` when the entry is
//!   targeted, and for a `protect`ed entry too: `protect` guards the kept order,
//!   which is never touched, not its duplicates;
//! - an accepted fixed window cannot be cancelled: it stays listed in
//!   [`Duplicate`] with the price of one such order, so the renderers can show
//!   what it costs.

use chrono::NaiveDate;

use crate::identity;
use crate::spec::{Aoi, DesiredOrder};
use clearsky::api::types::TaskOrder;

use serde::{Deserialize, Serialize};

use super::live::{cancel_effect, live_change, summary};
use super::{Action, CancelEffect, Change, Cost, LiveOrderSummary};
use clearsky::api::types::OrderRequest;

/// Extra live orders matching one entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Duplicate {
    /// The entry.
    pub name: String,
    /// GUID of the order kept for the entry.
    pub kept: String,
    /// The other matching orders.
    pub others: Vec<LiveOrderSummary>,
    /// GUIDs of the `others` the plan cancels (each is also a `cancel` change).
    #[serde(default)]
    pub cancelled: Vec<String>,
    /// The price of one order like the entry's: what each duplicate left in
    /// place costs. [`Cost::NotApplicable`] when every duplicate is cancelled.
    #[serde(default = "not_applicable")]
    pub cost: Cost,
    /// The entry's whole order, the body `cost` is estimated with; `None` when
    /// every duplicate is cancelled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<OrderRequest>,
}

impl Duplicate {
    /// The `others` the plan leaves in place (they cannot be refunded).
    pub fn left(&self) -> impl Iterator<Item = &LiveOrderSummary> {
        self.others.iter().filter(|o| !self.cancelled.contains(&o.guid))
    }
}

fn not_applicable() -> Cost {
    Cost::NotApplicable
}

/// The duplicates of one `ensure: present` entry and the changes that repair them.
#[derive(Debug, Clone, PartialEq, Default)]
pub(super) struct Repair {
    /// One `cancel` per duplicate the plan cancels.
    pub(super) changes: Vec<Change>,
    /// The entry's duplicates; `None` when it has none.
    pub(super) duplicate: Option<Duplicate>,
}

/// The order kept for `entry` and its duplicates, among `orders` (the live
/// orders matching it, indexes into `live`; preferred first for a polygon
/// entry); `None` when it has no duplicate.
pub fn duplicates_of(
    entry: &DesiredOrder,
    orders: &[usize],
    live: &[TaskOrder],
) -> Option<(usize, Vec<usize>)> {
    let (kept, others) = match &entry.spec.aoi {
        Aoi::Polygons(_) => {
            let (&kept, others) = orders.split_first()?;
            (kept, others.to_vec())
        }
        Aoi::Tiles { tiles, minitiles } => {
            let (kept, twins) = identity::tile_twins(tiles, minitiles, orders, live);
            (*kept.first()?, twins)
        }
    };
    (!others.is_empty()).then_some((kept, others))
}

/// Decides what happens to the duplicates of `entry`. `orders` are the live
/// orders matching it (indexes into `live`), preferred first for a polygon entry.
pub(super) fn repair(
    entry: &DesiredOrder,
    orders: &[usize],
    live: &[TaskOrder],
    today: NaiveDate,
) -> Repair {
    let Some((kept, others)) = duplicates_of(entry, orders, live) else {
        return Repair::default();
    };
    let others = others.as_slice();
    let kept = &live[kept].task_order_guid;
    let mut changes = Vec::new();
    let mut left = false;
    for &i in others {
        let order = &live[i];
        let Ok(effect) = cancel_effect(order, today) else {
            left = true;
            continue;
        };
        let mut c = live_change(order, Action::Cancel);
        c.reason = Some(match effect {
            CancelEffect::FullRefund => {
                format!("duplicate of `{kept}` (entry `{}`): refunded in full", entry.name)
            }
            _ => format!(
                "duplicate of entry `{}`, which keeps order `{kept}`: its renewal stops",
                entry.name
            ),
        });
        c.cancel_effect = Some(effect);
        changes.push(c);
    }
    let cancelled: Vec<String> =
        changes.iter().filter_map(|c| c.live.as_ref().map(|l| l.guid.clone())).collect();
    let duplicate = Duplicate {
        name: entry.name.clone(),
        kept: kept.clone(),
        others: others.iter().map(|&i| summary(&live[i])).collect(),
        cancelled,
        cost: if left { Cost::Unpriced { reason: None } } else { Cost::NotApplicable },
        request: left.then(|| entry.spec.to_request(None)),
    };
    Repair { changes, duplicate: Some(duplicate) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{day, entry, order, spec, wkt_aoi};

    const A: &str = "POLYGON((10 56,10.2 56,10.2 56.3,10 56.3,10 56))";

    fn live(statuses: &[(&str, &str, Option<&str>)]) -> Vec<TaskOrder> {
        let s = spec(wkt_aoi(A));
        statuses
            .iter()
            .map(|(guid, status, to)| {
                let mut o = order(guid, status, &s, Some(A));
                o.to = to.map(day);
                o
            })
            .collect()
    }

    fn run(protect: bool, live: &[TaskOrder]) -> Repair {
        let mut e = entry("e", spec(wkt_aoi(A)));
        e.protect = protect;
        let orders: Vec<usize> = (0..live.len()).collect();
        repair(&e, &orders, live, day("2025-06-10"))
    }

    fn cancelled(r: &Repair) -> Vec<(&str, Option<&CancelEffect>)> {
        r.changes
            .iter()
            .map(|c| (c.live.as_ref().unwrap().guid.as_str(), c.cancel_effect.as_ref()))
            .collect()
    }

    #[test]
    fn one_order_is_no_duplicate() {
        assert_eq!(run(false, &live(&[("k", "Review", None)])), Repair::default());
    }

    #[test]
    fn review_duplicates_are_refunded_with_or_without_prune_and_protect() {
        let orders =
            live(&[("k", "UpToDate", None), ("d1", "Review", None), ("d2", "Review", None)]);
        let refund = Some(&CancelEffect::FullRefund);
        for protect in [false, true] {
            let r = run(protect, &orders);
            assert_eq!(cancelled(&r), [("d1", refund), ("d2", refund)], "{protect}");
            let dup = r.duplicate.unwrap();
            assert_eq!((dup.kept.as_str(), dup.cancelled.len()), ("k", 2));
            assert_eq!((dup.cost, dup.request), (Cost::NotApplicable, None));
            let reason = r.changes[0].reason.as_deref().unwrap();
            assert_eq!(reason, "duplicate of `k` (entry `e`): refunded in full");
        }
    }

    #[test]
    fn the_kept_order_is_never_cancelled_even_in_review() {
        let r = run(false, &live(&[("k", "Review", None), ("d", "Review", None)]));
        assert_eq!(cancelled(&r), [("d", Some(&CancelEffect::FullRefund))]);
    }

    #[test]
    fn accepted_recurring_duplicates_stop_renewing_even_for_protect_and_fixed_windows_stay() {
        let orders = live(&[
            ("k", "UpToDate", None),
            ("rec", "Processing", None),
            ("fixed", "Processing", Some("2025-12-31")),
        ]);
        let stops = CancelEffect::RenewalStops { until: day("2025-06-30") };
        for protect in [false, true] {
            let r = run(protect, &orders);
            assert_eq!(cancelled(&r), [("rec", Some(&stops))], "{protect}");
            let dup = r.duplicate.unwrap();
            assert_eq!(dup.others.len(), 2);
            assert_eq!(dup.left().map(|o| o.guid.as_str()).collect::<Vec<_>>(), ["fixed"]);
            assert_eq!(dup.cost, Cost::Unpriced { reason: None });
            assert!(dup.request.is_some(), "the fixed window left in place is priced");
        }
    }
}
