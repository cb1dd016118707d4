//! Computes a [`Plan`] from the wanted orders and the live orders.
//!
//! Pure, no IO: the clock is a parameter.

use chrono::{DateTime, Utc};

use crate::api::types::TaskOrder;
use crate::spec::DesiredSet;

use super::{FORMAT_VERSION, Plan};

/// Options of one diff.
#[derive(Debug, Clone, PartialEq)]
pub struct DiffOptions {
    /// Cancel live orders that match no entry (`--prune`).
    pub prune: bool,
    /// Only these entries (`--target`, repeatable); empty means all.
    pub targets: Vec<String>,
    /// `--max-cost`: EUR limit on the current month, combined with the manifests' budget.
    pub max_cost: Option<f64>,
    /// The clock: decides the cancel rules (current month) and `generated_at`.
    pub now: DateTime<Utc>,
}

/// Decides what would change to make the live orders match `desired`.
pub fn diff(desired: &DesiredSet, live: &[TaskOrder], opts: &DiffOptions) -> Plan {
    let _ = (desired, live);
    Plan {
        format_version: FORMAT_VERSION,
        generated_at: opts.now,
        today: opts.now.date_naive(),
        prune: opts.prune,
        targets: opts.targets.clone(),
        changes: Vec::new(),
        duplicates: Vec::new(),
        budget: None,
    }
}
