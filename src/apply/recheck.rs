//! Shrinks the race between applies that no lock separates (runs on different
//! machines): just before each batch of creates the orders are listed again,
//! and the entries another run has satisfied since the plan was made are
//! skipped instead of bought a second time.
//!
//! Does IO: one list per batch through the [`Client`]. Whether an entry is
//! satisfied is [`crate::identity::find_matches`]'s answer.

use std::collections::BTreeMap;

use crate::api::Client;
use crate::api::request::ListQuery;
use crate::identity;
use crate::plan::Plan;
use crate::spec::DesiredOrder;

/// The changes of `batch` (indexes into `plan.changes`) whose entry a live
/// order now satisfies, with that order's GUID. A list that fails skips
/// nothing: the plan was made from a good list, and the unknown-outcome and
/// repair rules still guard the creates.
pub(super) async fn satisfied(
    client: &Client,
    plan: &Plan,
    batch: &[usize],
    desired: &BTreeMap<String, DesiredOrder>,
) -> BTreeMap<usize, String> {
    let wanted: Vec<(usize, DesiredOrder)> = batch
        .iter()
        .filter_map(|&i| {
            let name = plan.changes[i].name.as_ref()?;
            desired.get(name).map(|e| (i, e.clone()))
        })
        .collect();
    if wanted.is_empty() {
        return BTreeMap::new();
    }
    let query = ListQuery { get_expired: true, ..ListQuery::default() };
    let live = match client.list(query).await {
        Ok(live) => live,
        Err(e) => {
            tracing::debug!("re-list before a batch of creates failed: {e}");
            return BTreeMap::new();
        }
    };
    let entries: Vec<DesiredOrder> = wanted.iter().map(|(_, e)| e.clone()).collect();
    let found = identity::find_matches(&entries, &live);
    wanted
        .iter()
        .zip(found)
        .filter_map(|((i, _), order)| order.map(|o| (*i, o.task_order_guid.clone())))
        .collect()
}
