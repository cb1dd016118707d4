//! Reading the account's balance around an apply's changes, and telling the
//! person when the creates were charged more than the plan said
//! ([`crate::apply::bill`] decides).
//!
//! Does IO (one or two API reads per call).

use clearsky::api::Client;

use crate::apply::bill::Bill;
use crate::ui::Ui;

/// The account's order-credit balance in EUR, when the API says it.
pub async fn balance(client: &Client) -> Option<f64> {
    if let Some(b) = client.account_info().await.ok().and_then(|a| a.euro_credit_amount) {
        return Some(b);
    }
    client.apikey_info().await.ok().and_then(|a| a.euro_credit_amount)
}

/// Tells, and returns true, when `bill` says the creates were charged more
/// than the plan said.
pub fn overbilled(bill: Option<&Bill>, ui: &dyn Ui) -> bool {
    let Some(bill) = bill.filter(|b| b.exceeds_plan()) else { return false };
    ui.line(&format!(
        "error: the account was charged EUR {:.2} for {} order{} this apply created; the plan \
         said EUR {:.2}. The estimates did not match the bill: check the orders and the \
         invoice on the ClearSKY dashboard before applying again",
        bill.charged,
        bill.creates,
        if bill.creates == 1 { "" } else { "s" },
        bill.planned,
    ));
    true
}
