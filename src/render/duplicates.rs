//! What the renderers say about duplicates: live orders matching an entry that
//! another order already satisfies. Refundable ones are `cancel` items like any
//! other; the ones left in place are still billed, so each is shown with its
//! price and with why it stays.
//!
//! Pure; the human and Markdown renderers call these.

use crate::plan::{Cost, Duplicate, LiveOrderSummary, Plan};

/// The duplicates the plan leaves in place, with their entry.
pub(super) fn left(plan: &Plan) -> Vec<(&Duplicate, &LiveOrderSummary)> {
    plan.duplicates.iter().flat_map(|d| d.left().map(move |o| (d, o))).collect()
}

/// The duplicates the plan cancels, with their entry.
pub(super) fn cancelled(plan: &Plan) -> Vec<(&Duplicate, &str)> {
    plan.duplicates.iter().flat_map(|d| d.cancelled.iter().map(move |g| (d, g.as_str()))).collect()
}

/// `about EUR 20.00 this month, then EUR 60.00/month each`, or why it is unknown.
pub(super) fn cost_text(cost: &Cost) -> String {
    match cost {
        Cost::Priced(p) => format!("about {} (estimate of one such order)", super::price_text(p)),
        Cost::Unpriced { reason } => super::unpriced_text(reason.as_deref()),
        Cost::NotApplicable => "price not estimated".to_owned(),
    }
}

/// Why a duplicate stays: an accepted fixed window cannot be cancelled.
pub(super) fn why_left(order: &LiveOrderSummary) -> String {
    match order.to {
        Some(to) => format!("accepted, fixed window through {to}: cannot be cancelled"),
        None => "accepted: its renewal could not be stopped".to_owned(),
    }
}

/// ` 2 duplicate orders are still billed.` for the summary line, or nothing.
pub(super) fn summary_suffix(plan: &Plan) -> String {
    match left(plan).len() {
        0 => String::new(),
        1 => " 1 duplicate order is still billed.".to_owned(),
        n => format!(" {n} duplicate orders are still billed."),
    }
}
