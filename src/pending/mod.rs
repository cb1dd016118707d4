//! The pending record: orders an apply created, or may have created, that the
//! order list did not show yet, so that no run on this machine buys them again
//! before the list can be trusted to show them.
//!
//! The API's list can show a new order well after the create answered (or
//! failed). Apply waits for its own orders before it exits ([`settle`]); what
//! is still missing then is written to the account's record on this machine
//! ([`record`]: `pending.json` beside the apply lock, under
//! [`crate::machine`]), and every later `plan` or `apply` of that account on
//! the machine, from any directory, waits for those orders before planning
//! their entries. One [`PendingOrder`] per order: the entry's name and spec
//! digest, the GUID when the create answered with one, the body sent, and when.
//!
//! An order is held until a list shows it, or, for a create whose outcome is
//! unknown, until a list taken at least the list-lag bound (`--max-list-lag`)
//! after the create still does not: only then is it taken as never created
//! ([`sort`]). A created order (with a GUID) is held until a list shows it or
//! someone forgets it (`skyform pending forget`), never dropped on a timer.
//!
//! This module's [`sort`] and [`stand_in`] are pure; [`record`] and
//! [`legacy`] do the file IO, [`settle`] the waiting.

pub mod file;
pub mod intents;
pub mod legacy;
pub mod listing;
pub mod record;
pub mod settle;

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::identity;
use crate::spec::DesiredSet;
use clearsky::api::types::{OrderRequest, OrderStatus, TaskOrder, TileRef, parse_date};

pub use file::RecordError;
pub use record::Pending;

/// The status a stand-in for a created order shows in plans.
pub const NOT_YET_LISTED: &str = "created, not yet listed";

/// The status a stand-in for a create of unknown outcome shows in plans.
pub const OUTCOME_UNKNOWN: &str = "create outcome unknown, not yet listed";

/// The GUID a stand-in for a create of unknown outcome shows (no order has one yet).
pub const UNKNOWN_GUID: &str = "outcome-unknown";

/// One order that may exist but was not listed yet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PendingOrder {
    /// The manifest entry's `name`.
    pub entry: String,
    /// [`identity::spec_digest`] of the entry when the order was sent: an
    /// edited entry is not the same order.
    pub spec_digest: String,
    /// The new order's GUID; `None` when the create's outcome was unknown.
    pub guid: Option<String>,
    /// The body sent, to recognise the order in the list.
    pub request: OrderRequest,
    /// When the create was sent, or when its outcome was last found unknown
    /// (wall clock): the list-lag bound counts from here.
    pub recorded_at: DateTime<Utc>,
}

impl PendingOrder {
    /// The time from which a list that still does not show this create's
    /// order proves it was never stored (`recorded_at` + `bound`).
    pub fn held_until(&self, bound: TimeDelta) -> DateTime<Utc> {
        self.recorded_at.checked_add_signed(bound).unwrap_or(DateTime::<Utc>::MAX_UTC)
    }
}

/// The items of a record, sorted against a list of live orders.
#[derive(Debug, Default, PartialEq)]
pub struct Sorted {
    /// The order shows in the list (by GUID, or matching its entry): dropped.
    pub listed: Vec<PendingOrder>,
    /// The entry is loaded, unchanged, and no order for it shows yet: waited
    /// for, then held (its entry is not bought).
    pub waiting: Vec<PendingOrder>,
    /// A create of unknown outcome whose order does not show in a list taken
    /// at least the list-lag bound after it: it stored nothing; dropped (and said).
    pub lapsed: Vec<PendingOrder>,
    /// The entry is not loaded or was edited since: kept, not waited for.
    pub other: Vec<PendingOrder>,
}

/// Sorts `items` against the manifests and the live orders of a list taken at
/// `listed_at` (wall clock), with the list-lag bound `bound`.
pub fn sort(
    items: &[PendingOrder],
    desired: &DesiredSet,
    live: &[TaskOrder],
    listed_at: DateTime<Utc>,
    bound: TimeDelta,
) -> Sorted {
    let mut sorted = Sorted::default();
    for item in items {
        let entry = desired
            .orders
            .iter()
            .find(|o| o.name == item.entry && identity::spec_digest(&o.spec) == item.spec_digest);
        let by_guid = item
            .guid
            .as_deref()
            .is_some_and(|g| live.iter().any(|o| o.task_order_guid.eq_ignore_ascii_case(g)));
        let by_entry =
            entry.is_some_and(|e| identity::find_match(e, &item.request, live).is_some());
        let bucket = if by_guid || by_entry {
            &mut sorted.listed
        } else if item.guid.is_none() && listed_at >= item.held_until(bound) {
            &mut sorted.lapsed
        } else if entry.is_some() {
            &mut sorted.waiting
        } else {
            &mut sorted.other
        };
        bucket.push(item.clone());
    }
    sorted
}

/// An order standing in for one the list does not show yet, built from the
/// body sent, so that the plan keeps its entry instead of buying it again:
/// with the status [`NOT_YET_LISTED`] and its GUID, or for a create of unknown
/// outcome [`OUTCOME_UNKNOWN`] and [`UNKNOWN_GUID`]. `None` only when the
/// body's `From` is not a date (never for a body skyform built).
pub fn stand_in(item: &PendingOrder) -> Option<TaskOrder> {
    let r = &item.request;
    let (guid, status) = match &item.guid {
        Some(guid) => (guid.clone(), NOT_YET_LISTED),
        None => (UNKNOWN_GUID.to_owned(), OUTCOME_UNKNOWN),
    };
    let refs = |guids: &Option<Vec<String>>| -> Vec<TileRef> {
        guids.iter().flatten().map(|g| TileRef { guid: g.clone(), wkt: None }).collect()
    };
    Some(TaskOrder {
        task_order_guid: guid,
        billing_cycle: None,
        ordering_process_status: OrderStatus::Unknown(status.to_owned()),
        storage_months: r.storage_months,
        api_requests: r.api_requests,
        task_order_area_km2: 0.0,
        satellite_constellations: r.satellite_constellations.clone(),
        model: r.model.clone(),
        image_frequency: r.image_frequency.unwrap_or_default(),
        reference_date: r.reference_date.as_deref().and_then(parse_date),
        from: parse_date(&r.from)?,
        to: r.to.as_deref().and_then(parse_date),
        tiles: refs(&r.tile_guids),
        mini_tiles: refs(&r.mini_tile_guids),
        wkt: r.wkt.clone(),
        created_date: None,
    })
}

#[cfg(test)]
mod tests;
