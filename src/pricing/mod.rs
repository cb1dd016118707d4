//! Prices a plan: every create and replace is estimated with the exact body
//! apply would send, chained through the month's spend ([`chain`]), and the
//! account before and after is fetched ([`account`]).
//!
//! Does IO through [`Client::estimate`] (which retries 429/5xx under its
//! policy) and the account endpoints; [`cost_of`] is the pure part.

pub mod account;
pub mod chain;

use crate::api::types::Estimate;
use crate::api::{self, Client};
use crate::catalog;
use crate::plan::{Cost, Plan, Price};

/// Estimates every priceable change of `plan` in execution order, chained from
/// `month_spend` EUR spent this month, at most `concurrency` at once, and stores
/// the result in each change's `cost`: the marginal cost of the change. A failed
/// estimate leaves the change `Unpriced` with the reason; it is never counted as 0.
pub async fn price(
    client: &Client,
    plan: &mut Plan,
    concurrency: usize,
    month_spend: f64,
) -> chain::Stats {
    // Apply sends every create (and a replace's create) before any cancel, in
    // plan order; the chain follows it.
    let jobs: Vec<chain::Job> = plan
        .priceable()
        .into_iter()
        .filter_map(|i| {
            let body = plan.changes[i].request.clone()?;
            let family = catalog::model(&body.model).map(|m| m.family);
            Some(chain::Job { index: i, body, family })
        })
        .collect();
    let estimate = |body: api::types::OrderRequest| async move { client.estimate(&body).await };
    let chained = chain::price_chain(estimate, &jobs, month_spend, concurrency).await;
    tracing::debug!(
        creates = jobs.len(),
        estimates = chained.stats.estimates,
        rounds = chained.stats.rounds,
        sequential = chained.stats.sequential,
        "priced the plan as one chain"
    );
    for (i, cost) in chained.costs {
        plan.set_cost(i, cost);
    }
    chained.stats
}

/// Turns an estimate answer into a [`Cost`].
pub fn cost_of(result: Result<Estimate, api::Error>) -> Cost {
    match result {
        // One line: the reason is shown inline in the plan.
        Err(e) => {
            let reason = e.to_string().lines().map(str::trim).collect::<Vec<_>>().join("; ");
            Cost::Unpriced { reason: Some(reason) }
        }
        Ok(est) => match (est.current_month_total(), est.monthly_total()) {
            (Some(current_month), monthly) => Cost::Priced(Price {
                currency: est.currency(),
                current_month,
                monthly: monthly.unwrap_or(0.0),
                area_km2: est.area_km2.unwrap_or(0.0),
                image_dates: est.image_dates.len(),
            }),
            (None, _) => Cost::Unpriced {
                reason: Some("the estimate has no cost for the current month".to_owned()),
            },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_estimate_without_costs_is_unpriced_never_zero() {
        let cost = cost_of(Ok(Estimate::default()));
        assert!(matches!(cost, Cost::Unpriced { reason: Some(_) }), "{cost:?}");
    }

    #[test]
    fn a_gen2_estimate_is_priced_in_its_currency() {
        let est: Estimate = serde_json::from_value(serde_json::json!({
            "AreaKm2": 931.61, "CurrentMonthCost": 12.5, "NextMonthCost": 30.0,
            "Costs": {"CurrencyCode": "EUR"}, "ImageDates": ["2025-04-01", "2025-04-04"]
        }))
        .unwrap();
        let Cost::Priced(p) = cost_of(Ok(est)) else { panic!("not priced") };
        assert_eq!((p.currency.as_str(), p.current_month, p.monthly), ("EUR", 12.5, 30.0));
        assert_eq!((p.area_km2, p.image_dates), (931.61, 2));
    }
}
