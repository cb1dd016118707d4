//! The account before → after a plan, in every format: one line for people
//! (human output and the Markdown summary table), the line naming a credit
//! shortfall, and the `summary.account` object of `--format json`.
//!
//! Pure: builds strings and serialize-only views from [`AccountSummary`].

use schemars::JsonSchema;
use serde::Serialize;

use crate::plan::Plan;
use crate::plan::account::{AccountSummary, Figure};

/// `credits EUR 10000.00 → EUR 9000.00; spent this month EUR 0.00 → EUR 1000.00;
/// next month's recurring invoice EUR 0.00 → EUR 400.00`.
pub(super) fn figures(a: &AccountSummary) -> [(&'static str, String); 3] {
    [
        ("credits", figure(&a.currency, &a.credit_balance)),
        ("spent this month", figure(&a.currency, &a.month_spend)),
        ("next month's recurring invoice", figure(&a.currency, &a.next_month_recurring)),
    ]
}

/// The human line: `Account: credits … ; spent this month …; next month's recurring invoice ….`
pub(super) fn line(plan: &Plan) -> Option<String> {
    let a = plan.account.as_ref()?;
    let parts: Vec<String> = figures(a).iter().map(|(k, v)| format!("{k} {v}")).collect();
    Some(format!("Account: {}.", parts.join("; ")))
}

/// The blocking line when the creates exceed the credits.
pub(super) fn shortfall_line(plan: &Plan) -> Option<String> {
    let a = plan.account.as_ref()?;
    let short = a.credit_shortfall?;
    Some(format!(
        "Blocked: the creates cost {} more than the account's credit balance and overdraft allow; apply would create nothing.",
        super::money(&a.currency, short)
    ))
}

/// The assumptions behind the figures, one line each (the human renderer
/// puts `note: ` before each, Markdown a note box around it).
pub(super) fn notes(plan: &Plan) -> &[String] {
    plan.account.as_ref().map_or(&[], |a| a.notes.as_slice())
}

fn figure(currency: &str, f: &Figure) -> String {
    match (f.before, f.after) {
        (Some(b), Some(a)) => {
            format!("{} → {}", super::money(currency, b), super::money(currency, a))
        }
        _ => format!("unknown ({})", f.reason.as_deref().unwrap_or("not given")),
    }
}

/// The account before → after the plan (EUR).
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "Account")]
pub(super) struct AccountView {
    /// Currency of every figure.
    currency: String,
    /// Order credits.
    credit_balance: FigureView,
    /// This month's spend, which decides the spend-tier band.
    month_spend: FigureView,
    /// What recurring orders will be billed on the next 1st (all live recurring
    /// orders, with this plan's changes applied).
    next_month_recurring: FigureView,
    /// EUR the creates need beyond the credit balance plus overdraft; when not
    /// `null` the plan is blocked and apply creates nothing.
    credit_shortfall: Option<f64>,
    /// True when apply sends the creates one at a time, in plan order.
    ordered_creates: bool,
    /// What was assumed where the API gave no figure.
    notes: Vec<String>,
}

/// One figure before and after the plan.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "AccountFigure")]
struct FigureView {
    /// Before the plan; `null` when unknown.
    before: Option<f64>,
    /// After the plan is applied; `null` when unknown.
    after: Option<f64>,
    /// Why the figure is unknown; `null` when known.
    reason: Option<String>,
}

impl AccountView {
    pub(super) fn new(a: &AccountSummary) -> Self {
        let view =
            |f: &Figure| FigureView { before: f.before, after: f.after, reason: f.reason.clone() };
        Self {
            currency: a.currency.clone(),
            credit_balance: view(&a.credit_balance),
            month_spend: view(&a.month_spend),
            next_month_recurring: view(&a.next_month_recurring),
            credit_shortfall: a.credit_shortfall,
            ordered_creates: a.ordered_creates,
            notes: a.notes.clone(),
        }
    }
}
