//! Plan items built from one live order: what cancelling it does by its
//! lifecycle stage, and how the plan shows it. Shared by the diff and the
//! duplicate rules.
//!
//! Pure, no IO.

use chrono::NaiveDate;

use super::{Action, CancelEffect, Change, LiveOrderSummary};
use crate::identity;
use clearsky::api::types::TaskOrder;
use clearsky::calendar::month_end;

/// The cancel rules by lifecycle stage: `Review` is fully refunded; an accepted
/// recurring order stops renewing after this month; an accepted order with `To`
/// set cannot be cancelled.
pub(crate) fn cancel_effect(order: &TaskOrder, today: NaiveDate) -> Result<CancelEffect, String> {
    if order.ordering_process_status.is_review() {
        return Ok(CancelEffect::FullRefund);
    }
    match order.to {
        None => Ok(CancelEffect::RenewalStops { until: month_end(today) }),
        // Without the GUID: every line that shows this reason names the order already.
        Some(to) => Err(format!("accepted order with a fixed end ({to}): it cannot be cancelled")),
    }
}

/// True when the cancel rules allow cancelling `order` at all ([`cancel_effect`]).
pub(crate) fn cancellable(order: &TaskOrder) -> bool {
    cancel_effect(order, NaiveDate::MIN).is_ok()
}

/// A plan item about `order` alone (no manifest entry).
pub(crate) fn live_change(order: &TaskOrder, action: Action) -> Change {
    Change { live: Some(summary(order)), ..Change::new(None, action) }
}

/// How the plan shows `order`.
pub(crate) fn summary(order: &TaskOrder) -> LiveOrderSummary {
    LiveOrderSummary {
        guid: order.task_order_guid.clone(),
        status: order.ordering_process_status.clone(),
        model: order.model.clone(),
        from: order.from,
        to: order.to,
        area_km2: order.task_order_area_km2,
        digest: identity::live_digest(order),
        wkt: order.wkt.clone(),
        tiles: order.tiles.iter().map(|t| t.guid.clone()).collect(),
        mini_tiles: order.mini_tiles.iter().map(|t| t.guid.clone()).collect(),
    }
}
