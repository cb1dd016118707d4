//! Checks a saved plan against a plan recomputed now: apply executes only when
//! they agree.
//!
//! Pure, no IO. Two plans agree when they have the same settings and budget,
//! and their changes pair up one to one, in the same order, with equal
//! action, entry name, live order GUID, request body, cancel effect, and price
//! (same currency, amounts within a cent). Items are paired by entry name and
//! live GUID, so a reason names the item that differs instead of every item
//! after it.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::SavedPlan;
use super::age::age_reasons;
use crate::plan::{BudgetLimits, Change, Cost, Plan};
use crate::spec::ManifestDigest;
use clearsky::api::types::{OrderRequest, TaskOrder};

/// Two prices closer than this (in their currency) are equal.
const CENT: f64 = 0.01;

impl SavedPlan {
    /// Why the plan is too old to apply at `now` (see [`super::parse_age`]):
    /// made in another calendar month (UTC), or longer than `max_age` ago.
    pub fn age_reasons(&self, now: DateTime<Utc>, max_age: Duration) -> Vec<String> {
        age_reasons(self.plan.generated_at, now, max_age)
    }

    /// Every reason not to apply: files and live orders that changed since, then
    /// every difference between the saved plan and `fresh`, the plan computed now
    /// with the saved settings. Empty when the saved plan may be applied.
    pub fn stale_reasons(
        &self,
        fresh: &Plan,
        files: &[ManifestDigest],
        live: &[TaskOrder],
    ) -> Vec<String> {
        let mut reasons = self.input_changes(files, live);
        reasons.extend(differences(&self.plan, fresh));
        reasons
    }
}

/// Every difference between a saved plan and a fresh one; empty when they agree.
pub fn differences(saved: &Plan, fresh: &Plan) -> Vec<String> {
    let mut reasons = Vec::new();
    if saved.prune != fresh.prune {
        reasons
            .push(format!("saved `prune` is {}, a fresh plan's is {}", saved.prune, fresh.prune));
    }
    if saved.targets != fresh.targets {
        reasons.push(format!(
            "saved targets are {:?}, a fresh plan's are {:?}",
            saved.targets, fresh.targets
        ));
    }
    if saved.budget != fresh.budget {
        reasons.push(format!(
            "the saved budget ({}) differs from the manifests' and flags' ({})",
            budget(saved.budget.as_ref()),
            budget(fresh.budget.as_ref())
        ));
    }

    let mut used = vec![false; fresh.changes.len()];
    let mut paired = Vec::new();
    for s in &saved.changes {
        let found =
            (0..fresh.changes.len()).find(|&j| !used[j] && key(s) == key(&fresh.changes[j]));
        match found {
            Some(j) => {
                used[j] = true;
                paired.push(j);
                reasons.extend(compare(s, &fresh.changes[j]));
            }
            None => {
                reasons
                    .push(format!("{} is in the saved plan but not in a fresh plan", describe(s)));
            }
        }
    }
    for (f, _) in fresh.changes.iter().zip(&used).filter(|(_, used)| !**used) {
        reasons.push(format!("{} is in a fresh plan but not in the saved plan", describe(f)));
    }
    if reasons.is_empty() && paired.windows(2).any(|w| w[0] > w[1]) {
        reasons.push("the saved plan has its changes in another order than a fresh plan".into());
    }
    reasons
}

/// What pairs a saved item with a fresh one: the entry name and the live order.
fn key(c: &Change) -> (Option<&str>, Option<&str>) {
    (c.name.as_deref(), c.live.as_ref().map(|l| l.guid.as_str()))
}

/// The differences of two paired items.
fn compare(saved: &Change, fresh: &Change) -> Vec<String> {
    let who = who(saved);
    let mut reasons = Vec::new();
    if saved.action != fresh.action {
        reasons.push(format!(
            "{who}: the saved plan says `{}`, a fresh plan says `{}`",
            saved.action, fresh.action
        ));
    }
    if saved.request != fresh.request {
        reasons.push(format!(
            "{who}: the saved request body differs from a fresh plan's ({})",
            request_fields(saved.request.as_ref(), fresh.request.as_ref())
        ));
    }
    if saved.cancel_effect != fresh.cancel_effect {
        reasons.push(format!("{who}: the saved cancel effect differs from a fresh plan's"));
    }
    if !same_price(&saved.cost, &fresh.cost) {
        reasons.push(format!(
            "{who}: the saved price ({}) differs from a fresh estimate ({})",
            price(&saved.cost),
            price(&fresh.cost)
        ));
    }
    reasons
}

fn same_price(a: &Cost, b: &Cost) -> bool {
    match (a, b) {
        (Cost::NotApplicable, Cost::NotApplicable)
        | (Cost::Unpriced { .. }, Cost::Unpriced { .. }) => true,
        (Cost::Priced(a), Cost::Priced(b)) => {
            a.currency == b.currency
                && (a.current_month - b.current_month).abs() < CENT
                && (a.monthly - b.monthly).abs() < CENT
        }
        _ => false,
    }
}

/// The API fields in which two request bodies differ, e.g. "`Wkt`, `ImageFrequency`".
fn request_fields(a: Option<&OrderRequest>, b: Option<&OrderRequest>) -> String {
    let (Some(a), Some(b)) = (a, b) else {
        return if a.is_some() { "a fresh plan has none" } else { "the saved plan has none" }
            .into();
    };
    let fields = |r: &OrderRequest| match serde_json::to_value(r) {
        Ok(Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    };
    let (a, b) = (fields(a), fields(b));
    let mut names: Vec<&String> =
        a.keys().chain(b.keys()).filter(|k| a.get(*k) != b.get(*k)).collect();
    names.sort();
    names.dedup();
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

fn price(c: &Cost) -> String {
    match c {
        Cost::NotApplicable => "none".into(),
        Cost::Unpriced { .. } => "unpriced".into(),
        Cost::Priced(p) => {
            format!("{} {:.2} this month, {:.2}/month", p.currency, p.current_month, p.monthly)
        }
    }
}

fn budget(b: Option<&BudgetLimits>) -> String {
    let Some(b) = b else { return "none".into() };
    let limit = |l: Option<f64>| l.map_or_else(|| "none".to_owned(), |v| format!("EUR {v:.2}"));
    format!("this month {}, monthly {}", limit(b.max_current_month), limit(b.max_monthly))
}

/// Names an item: "`aarhus-bay`", "order `G`", or "`aarhus-bay` (order `G`)".
fn who(c: &Change) -> String {
    match (&c.name, &c.live) {
        (Some(n), Some(l)) => format!("`{n}` (order `{}`)", l.guid),
        (Some(n), None) => format!("`{n}`"),
        (None, Some(l)) => format!("order `{}`", l.guid),
        (None, None) => "an item without entry or order".into(),
    }
}

/// Names an item with its action: "`create` of `aarhus-bay`".
fn describe(c: &Change) -> String {
    format!("`{}` of {}", c.action, who(c))
}

#[cfg(test)]
mod tests;
