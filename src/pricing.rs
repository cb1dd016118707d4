//! Prices a plan: every create and replace is estimated with the exact body
//! apply would send, a bounded number at a time.
//!
//! Does IO through [`Client::estimate`] (which retries 429/5xx under its
//! policy); [`cost_of`] and [`is_definite_refusal`] are the pure part. An
//! estimate that fails for a reason that may pass (429, 5xx, 413, a broken
//! connection) leaves the change unpriced; one the API refuses for good (a
//! 400, or a validation code) is returned as a [`Refusal`], because the create
//! would be refused the same way.

use futures::StreamExt;

use crate::api::types::{Estimate, codes};
use crate::api::{self, Client};
use crate::plan::{Cost, Plan, Price};

/// An estimate the API refused for good: the entry's create would be refused too.
#[derive(Debug)]
pub struct Refusal {
    /// The entry's name.
    pub name: String,
    /// The API's answer, with its per-field messages.
    pub error: api::Error,
}

/// Estimates every priceable change of `plan`, at most `concurrency` at once,
/// and stores the result in each change's `cost`. A failed estimate leaves the
/// change `Unpriced` with the reason; it is never counted as 0. Returns the
/// estimates the API refused for good ([`is_definite_refusal`]), in plan order.
pub async fn price(client: &Client, plan: &mut Plan, concurrency: usize) -> Vec<Refusal> {
    let jobs: Vec<(usize, api::types::OrderRequest)> = plan
        .priceable()
        .into_iter()
        .filter_map(|i| plan.changes[i].request.clone().map(|r| (i, r)))
        .collect();
    let results: Vec<(usize, Result<Estimate, api::Error>)> = futures::stream::iter(jobs)
        .map(|(i, mut body)| async move {
            // The estimate ignores deduplication; the create gets the flag as planned.
            body.tile_deduplication = None;
            (i, client.estimate(&body).await)
        })
        .buffer_unordered(concurrency.max(1))
        .collect()
        .await;
    let mut refusals = Vec::new();
    for (i, result) in results {
        match result {
            Err(error) if is_definite_refusal(&error) => {
                let name = plan.changes[i].name.clone().unwrap_or_default();
                refusals.push((i, Refusal { name, error }));
            }
            result => {
                plan.set_cost(i, cost_of(result));
            }
        }
    }
    refusals.sort_by_key(|(i, _)| *i);
    price_duplicates(client, plan, concurrency).await;
    refusals.into_iter().map(|(_, r)| r).collect()
}

/// Estimates one order like the entry's for every entry with duplicates the
/// plan cannot cancel: what each of them costs, shown next to them. A refused
/// estimate only leaves it unpriced: the duplicate exists already.
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

/// True when the API refused an estimate in a way a create of the same body
/// would be refused too: a 400, or a validation code (992, 993) in any answer.
/// A 413, 429, 5xx or a broken connection says nothing about the body's
/// validity: such an estimate is unpriced instead.
pub fn is_definite_refusal(error: &api::Error) -> bool {
    matches!(
        error,
        api::Error::Api { status: 400, .. }
            | api::Error::Api { code: Some(codes::VALIDATION | codes::VALIDATION_PARAMS), .. }
    )
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
    fn only_a_400_or_a_validation_code_is_a_definite_refusal() {
        let api = |status, code| api::Error::Api {
            status,
            code,
            message: String::new(),
            fields: api::types::FieldErrors::new(),
        };
        assert!(is_definite_refusal(&api(400, Some(codes::VALIDATION))));
        assert!(is_definite_refusal(&api(400, None)));
        assert!(is_definite_refusal(&api(200, Some(codes::VALIDATION_PARAMS))));
        assert!(!is_definite_refusal(&api(413, None)));
        assert!(!is_definite_refusal(&api::Error::Server { status: 503, retry_after: None }));
        assert!(!is_definite_refusal(&api::Error::RateLimited { retry_after: None }));
    }

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
