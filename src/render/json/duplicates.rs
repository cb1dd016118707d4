//! The duplicates of the JSON plan: several live orders matching one entry.
//!
//! Pure.

use schemars::JsonSchema;
use serde::Serialize;

use super::{CostView, LiveView};
use crate::plan::Duplicate;

/// Several live orders matching one entry.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "Duplicate")]
pub(super) struct DuplicateView {
    /// The entry.
    name: String,
    /// GUID of the order kept for it.
    kept: String,
    /// The other matching orders.
    others: Vec<LiveView>,
    /// GUIDs of the `others` the plan cancels (each is also a `cancel` change);
    /// the rest stay in place and are still billed.
    cancelled: Vec<String>,
    /// Estimated price of one order like the entry's: what each duplicate
    /// left in place costs (`not_applicable` when every one is cancelled).
    cost: CostView,
}

impl DuplicateView {
    pub(super) fn new(d: &Duplicate) -> Self {
        Self {
            name: d.name.clone(),
            kept: d.kept.clone(),
            others: d.others.iter().map(LiveView::new).collect(),
            cancelled: d.cancelled.clone(),
            cost: CostView::new(&d.cost),
        }
    }
}
