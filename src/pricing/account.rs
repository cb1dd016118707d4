//! Where the account stands before a plan: credits and this month's spend
//! from the account endpoints.
//!
//! Pure: the caller reads `GET /api/account/info` (newest: overdraft) and the
//! legacy `GET /api/apikey/info` (credit balance, `CurrentMonthCosts`), both
//! at once (contract A5.10). A figure neither gives is `None` with a note
//! saying what the plan assumed; it is never a silent zero.

use crate::plan::account::AccountStart;
use clearsky::api::types::{AccountInfo, ApiKeyInfo};

/// The account's start from the two endpoints' answers; a failed call
/// (`None`) only leaves its figures unknown.
pub fn start(account: Option<&AccountInfo>, legacy: Option<&ApiKeyInfo>) -> AccountStart {
    let credit_balance = legacy
        .and_then(|l| l.euro_credit_amount)
        .or_else(|| account.and_then(|a| a.euro_credit_amount));
    let overdraft = account
        .and_then(|a| a.euro_overdraft_limit)
        .or_else(|| legacy.and_then(|l| l.euro_credit_limit));
    let month_spend = legacy.and_then(|l| l.current_month_costs);
    let mut notes = Vec::new();
    if month_spend.is_none() {
        notes.push(
            "the account endpoints give no month-to-date spend: priced as if nothing was spent \
             this month (the dearest band)"
                .to_owned(),
        );
    }
    if credit_balance.is_none() {
        notes.push(
            "the account endpoints give no credit balance: the credits check was skipped"
                .to_owned(),
        );
    }
    AccountStart { credit_balance, overdraft, month_spend, notes }
}
