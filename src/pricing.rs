//! Prices a plan: every create and replace is estimated with the exact body
//! apply would send, a bounded number at a time.
//!
//! Does IO through [`Client::estimate`] (which retries 429/5xx under its
//! policy); [`cost_of`] is the pure part.

use futures::StreamExt;

use crate::api::types::Estimate;
use crate::api::{self, Client};
use crate::plan::{Cost, Plan, Price};

/// Estimates every priceable change of `plan`, at most `concurrency` at once,
/// and stores the result in each change's `cost`. A failed estimate leaves the
/// change `Unpriced` with the reason; it is never counted as 0.
pub async fn price(client: &Client, plan: &mut Plan, concurrency: usize) {
    let jobs: Vec<(usize, api::types::OrderRequest)> = plan
        .priceable()
        .into_iter()
        .filter_map(|i| plan.changes[i].request.clone().map(|r| (i, r)))
        .collect();
    let results: Vec<(usize, Cost)> = futures::stream::iter(jobs)
        .map(|(i, mut body)| async move {
            // The estimate ignores deduplication; the create gets the flag as planned.
            body.tile_deduplication = None;
            (i, cost_of(client.estimate(&body).await))
        })
        .buffer_unordered(concurrency.max(1))
        .collect()
        .await;
    for (i, cost) in results {
        plan.set_cost(i, cost);
    }
    price_duplicates(client, plan, concurrency).await;
}

/// Estimates one order like the entry's for every entry with duplicates the
/// plan cannot cancel: what each of them costs, shown next to them.
async fn price_duplicates(client: &Client, plan: &mut Plan, concurrency: usize) {
    let jobs: Vec<(usize, api::types::OrderRequest)> = plan
        .duplicates
        .iter()
        .enumerate()
        .filter_map(|(i, d)| d.request.clone().map(|r| (i, r)))
        .collect();
    let results: Vec<(usize, Cost)> = futures::stream::iter(jobs)
        .map(|(i, body)| async move { (i, cost_of(client.estimate(&body).await)) })
        .buffer_unordered(concurrency.max(1))
        .collect()
        .await;
    for (i, cost) in results {
        plan.duplicates[i].cost = cost;
    }
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
