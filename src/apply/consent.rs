//! What a plan needs beyond the user's "yes" before apply may spend: creates
//! the API could not price are applied only with `--allow-unpriced`.
//!
//! Pure, no IO: the command prints the message and ends with exit 3.

use std::fmt::Write as _;

use crate::plan::{Cost, Plan};

/// The refusal to print when `plan` has creates or replaces without a price and
/// `allow_unpriced` is false; `None` when apply may go on.
pub fn unpriced_refusal(plan: &Plan, allow_unpriced: bool) -> Option<String> {
    if allow_unpriced {
        return None;
    }
    let unpriced: Vec<_> = plan
        .changes
        .iter()
        .filter(|c| c.action.is_change() && matches!(c.cost, Cost::Unpriced { .. }))
        .collect();
    if unpriced.is_empty() {
        return None;
    }
    let n = unpriced.len();
    let mut out = format!(
        "apply refused: {n} create{} could not be priced, so the plan's cost is unknown; nothing was changed",
        if n == 1 { "" } else { "s" }
    );
    for c in unpriced {
        let name = c.name.as_deref().unwrap_or("?");
        let reason = match &c.cost {
            Cost::Unpriced { reason: Some(r) } => r.as_str(),
            _ => "not estimated",
        };
        let _ = write!(out, "\n  `{name}`: {reason}");
    }
    out.push_str(
        "\nhint: run apply again when the estimates succeed, or pass `--allow-unpriced` to buy without a price",
    );
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{Action, Change, FORMAT_VERSION};
    use chrono::Utc;

    fn plan(costs: Vec<Cost>) -> Plan {
        let changes = costs
            .into_iter()
            .enumerate()
            .map(|(i, cost)| Change { cost, ..Change::new(Some(format!("e{i}")), Action::Create) })
            .collect();
        Plan {
            format_version: FORMAT_VERSION,
            generated_at: Utc::now(),
            today: Utc::now().date_naive(),
            prune: false,
            targets: Vec::new(),
            changes,
            duplicates: Vec::new(),
            budget: None,
            account: None,
            tile_footprints: std::collections::BTreeMap::new(),
        }
    }

    #[test]
    fn an_unpriced_create_needs_consent() {
        let p = plan(vec![Cost::NotApplicable, Cost::Unpriced { reason: Some("413".into()) }]);
        let msg = unpriced_refusal(&p, false).unwrap();
        assert!(msg.starts_with("apply refused: 1 create could not be priced"), "{msg}");
        assert!(msg.contains("`e1`: 413") && msg.contains("--allow-unpriced"), "{msg}");
        assert_eq!(unpriced_refusal(&p, true), None);
    }

    #[test]
    fn a_priced_plan_needs_no_consent() {
        assert_eq!(unpriced_refusal(&plan(vec![Cost::NotApplicable]), false), None);
    }
}
