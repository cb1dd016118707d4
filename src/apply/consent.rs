//! What a plan needs beyond the user's "yes" before apply may spend: nothing
//! blocked, provably within budget and the credits, and creates the API could not price are
//! applied only with `--allow-unpriced`. Every reason apply has to stop before
//! it changes anything is a [`Refusal`], shown on stderr and, with `--format
//! json`, as a `refused` event.
//!
//! Pure, no IO: the command prints the message and ends with exit 3.

use std::fmt::{self, Write as _};

use crate::plan::{Action, BudgetStatus, Cost, Plan};

/// Why apply stopped before changing anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefusalKind {
    /// A change is blocked (exit 3).
    Blocked,
    /// The plan is over budget, or cannot be proved within it (exit 3).
    OverBudget,
    /// The creates cost more than the order credits available (exit 3).
    ShortOfCredits,
    /// A create could not be priced and `--allow-unpriced` was not given (exit 3).
    Unpriced,
    /// The saved plan (`--plan`) is stale (exit 4).
    StalePlan,
    /// The person at the terminal did not answer `yes` (exit 1).
    NotConfirmed,
    /// Any other error before the first change (exit 1).
    Error,
}

/// A refusal: what, why, and the lines that explain it.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    /// The kind.
    pub kind: RefusalKind,
    /// One line, lower-case (`apply refused: …`).
    pub message: String,
    /// One line per item concerned (`` `ribe-marsh`: … ``).
    pub details: Vec<String>,
    /// What to do about it.
    pub hints: Vec<String>,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        for d in &self.details {
            write!(f, "\n  {d}")?;
        }
        for h in &self.hints {
            write!(f, "\nhint: {h}")?;
        }
        Ok(())
    }
}

/// The refusal apply owes for `plan` before asking anyone: blocked changes
/// first, then the budget, the credits, then unpriced creates; `None` when
/// apply may go on.
pub fn refusal(plan: &Plan, allow_unpriced: bool) -> Option<Refusal> {
    let blocked: Vec<String> = plan
        .changes
        .iter()
        .filter(|c| c.action == Action::Blocked)
        .map(|c| {
            let who = c.name.clone().or_else(|| c.live.as_ref().map(|l| l.guid.clone()));
            let why = c.reason.as_deref().unwrap_or("blocked");
            format!("`{}`: {why}", who.unwrap_or_default())
        })
        .collect();
    if !blocked.is_empty() {
        let n = blocked.len();
        return Some(Refusal {
            kind: RefusalKind::Blocked,
            message: format!(
                "apply refused: the plan has {n} blocked change{}; nothing was changed",
                plural(n)
            ),
            details: blocked,
            hints: vec![
                "change the manifests so that nothing is blocked (e.g. drop `ensure: absent` of an order that cannot be cancelled)".to_owned(),
            ],
        });
    }
    if let Some(check) = plan.budget_check().filter(|b| !b.passes()) {
        let limits = [
            ("this month", check.current_month, check.limits.max_current_month),
            ("per month", check.monthly, check.limits.max_monthly),
        ];
        let details = limits
            .iter()
            .filter_map(|(what, cost, limit)| {
                limit.map(|l| format!("EUR {cost:.2} {what} (at least), limit EUR {l:.2}"))
            })
            .collect();
        let message = match check.status {
            BudgetStatus::Unknown => {
                "apply refused: the plan cannot be proved within budget (a change is not priced in EUR); nothing was changed"
            }
            _ => "apply refused: the plan is over budget; nothing was changed",
        };
        return Some(Refusal {
            kind: RefusalKind::OverBudget,
            message: message.to_owned(),
            details,
            hints: vec![
                "raise the manifest's `budget` (or `--max-cost`), or order less".to_owned(),
            ],
        });
    }
    if let Some(short) = plan.credit_shortfall() {
        return Some(Refusal {
            kind: RefusalKind::ShortOfCredits,
            message: format!(
                "apply refused: the creates cost EUR {short:.2} more than the order credits \
                 available (balance plus overdraft); nothing was changed"
            ),
            details: Vec::new(),
            hints: vec!["top up the account's order credits, or order less".to_owned()],
        });
    }
    unpriced(plan, allow_unpriced)
}

/// A refusal for an error that ended apply before its first change.
pub fn error_refusal(kind: RefusalKind, message: String, hints: Vec<String>) -> Refusal {
    Refusal { kind, message, details: Vec::new(), hints }
}

/// The refusal to print when `plan` has creates or replaces without a price and
/// `allow_unpriced` is false; `None` when apply may go on.
pub fn unpriced_refusal(plan: &Plan, allow_unpriced: bool) -> Option<String> {
    unpriced(plan, allow_unpriced).map(|r| r.to_string())
}

fn unpriced(plan: &Plan, allow_unpriced: bool) -> Option<Refusal> {
    if allow_unpriced {
        return None;
    }
    let details: Vec<String> = plan
        .changes
        .iter()
        .filter(|c| c.action.is_change() && matches!(c.cost, Cost::Unpriced { .. }))
        .map(|c| {
            let name = c.name.as_deref().unwrap_or("?");
            let reason = match &c.cost {
                Cost::Unpriced { reason: Some(r) } => r.as_str(),
                _ => "not estimated",
            };
            format!("`{name}`: {reason}")
        })
        .collect();
    if details.is_empty() {
        return None;
    }
    let n = details.len();
    let mut message = String::new();
    let _ = write!(
        message,
        "apply refused: {n} create{} could not be priced, so the plan's cost is unknown; nothing was changed",
        plural(n)
    );
    Some(Refusal {
        kind: RefusalKind::Unpriced,
        message,
        details,
        hints: vec![
            "run apply again when the estimates succeed, or pass `--allow-unpriced` to buy without a price".to_owned(),
        ],
    })
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{Action, Change};
    use chrono::Utc;

    fn plan(costs: Vec<Cost>) -> Plan {
        let changes = costs
            .into_iter()
            .enumerate()
            .map(|(i, cost)| Change { cost, ..Change::new(Some(format!("e{i}")), Action::Create) })
            .collect();
        Plan::new(Utc::now(), changes)
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
        assert_eq!(refusal(&plan(vec![Cost::NotApplicable]), false), None);
    }

    #[test]
    fn a_blocked_change_is_refused_with_its_name_and_reason() {
        let mut p = plan(vec![Cost::Unpriced { reason: None }]);
        p.changes.push(Change {
            reason: Some("accepted fixed-window order: it cannot be cancelled".into()),
            ..Change::new(Some("ribe".into()), Action::Blocked)
        });
        let r = refusal(&p, false).unwrap();
        assert_eq!(r.kind, RefusalKind::Blocked);
        assert_eq!(r.message, "apply refused: the plan has 1 blocked change; nothing was changed");
        assert_eq!(r.details, ["`ribe`: accepted fixed-window order: it cannot be cancelled"]);
    }
}
