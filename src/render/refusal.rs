//! The `refused` line of `apply --format json`: why apply changed nothing.
//!
//! Pure: a serialize-only view of an [`apply::consent::Refusal`](Refusal),
//! under the rules of [`super::schema`].

use schemars::JsonSchema;
use serde::Serialize;

use crate::apply::consent::{Refusal, RefusalKind};

/// Why apply changed nothing.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "RefusedEvent")]
pub(super) struct RefusedView {
    /// Version of this format; bumped only on a breaking change.
    format_version: u32,
    /// The kind of refusal.
    reason: RefusalView,
    /// What stderr says, one line.
    message: String,
    /// One line per item concerned (a blocked change, an unpriced create).
    details: Vec<String>,
    /// What to do about it (for a stale plan: each reason, then what to do).
    hints: Vec<String>,
}

/// The kind of refusal, and the exit code that goes with it.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "Refusal")]
#[serde(rename_all = "snake_case")]
enum RefusalView {
    /// A change is blocked (exit 3).
    Blocked,
    /// Over budget or not provably within it (exit 3).
    OverBudget,
    /// The creates cost more than the order credits available (exit 3).
    ShortOfCredits,
    /// A create could not be priced and `--allow-unpriced` was not given (exit 3).
    Unpriced,
    /// The saved plan is stale (exit 4).
    StalePlan,
    /// The confirmation was not `yes` (exit 1).
    NotConfirmed,
    /// Another error before the first change (exit 1).
    Error,
}

impl RefusedView {
    /// The view of `r`, in events of `format_version`.
    pub(super) fn new(r: &Refusal, format_version: u32) -> Self {
        Self {
            format_version,
            reason: match r.kind {
                RefusalKind::Blocked => RefusalView::Blocked,
                RefusalKind::OverBudget => RefusalView::OverBudget,
                RefusalKind::ShortOfCredits => RefusalView::ShortOfCredits,
                RefusalKind::Unpriced => RefusalView::Unpriced,
                RefusalKind::StalePlan => RefusalView::StalePlan,
                RefusalKind::NotConfirmed => RefusalView::NotConfirmed,
                RefusalKind::Error => RefusalView::Error,
            },
            message: r.message.clone(),
            details: r.details.clone(),
            hints: r.hints.clone(),
        }
    }
}
