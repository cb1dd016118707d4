//! Repairs the duplicates this run's own race made: after its creates (and
//! the plan's cancels), apply lists the orders once more and cancels, with a
//! full refund, each order it created that is not the one kept for its entry
//! (polygon and tile entries alike: the plan's rule, [`duplicates_of`]).
//!
//! Does IO through the [`Client`]. The order kept is the one
//! [`crate::identity`] prefers, the same rule `plan` uses, so racing runs that
//! see the same orders agree on it. Only this run's own orders are cancelled
//! (two runs never cancel the same order), only while in `Review` (a refund),
//! and never the kept order. What a run cannot see yet (a list that lags) is
//! left to the next plan, which shows every duplicate as a `cancel`.

use std::collections::BTreeMap;

use crate::identity;
use crate::plan::duplicates_of;
use crate::spec::DesiredOrder;
use clearsky::api::Client;

use super::{Repair, Report, Step, StepOutcome};

/// Cancels this run's duplicates (orders it created, per `report`) and
/// returns one [`Repair`] per cancel tried. A list that fails repairs nothing.
pub(super) async fn own_duplicates(
    client: &Client,
    report: &Report,
    desired: &BTreeMap<String, DesiredOrder>,
) -> Vec<Repair> {
    let created: Vec<(&DesiredOrder, &str)> = report
        .items
        .iter()
        .filter(|i| i.step == Step::Create)
        .filter_map(|i| match &i.outcome {
            StepOutcome::Done { guid: Some(guid), .. } => {
                Some((desired.get(&i.name)?, guid.as_str()))
            }
            _ => None,
        })
        .collect();
    if created.is_empty() {
        return Vec::new();
    }
    let live = match client.list_all().await {
        Ok(live) => live,
        Err(e) => {
            tracing::debug!(
                "re-list after the creates failed; duplicates left to the next plan: {e}"
            );
            return Vec::new();
        }
    };
    let entries: Vec<DesiredOrder> = created.iter().map(|(e, _)| (*e).clone()).collect();
    let matching = identity::match_all(&entries, &live);
    let mut repairs = Vec::new();
    for ((entry, ours), m) in created.iter().zip(&matching.entries) {
        let Some((kept, others)) = duplicates_of(entry, &m.orders, &live) else { continue };
        let mine = others.iter().map(|&i| &live[i]).find(|o| o.task_order_guid == *ours);
        let Some(order) = mine.filter(|o| o.ordering_process_status.is_review()) else { continue };
        let outcome = super::cancel_order(client, &order.task_order_guid, true).await;
        repairs.push(Repair {
            name: entry.name.clone(),
            guid: order.task_order_guid.clone(),
            kept: live[kept].task_order_guid.clone(),
            outcome,
        });
    }
    repairs
}
