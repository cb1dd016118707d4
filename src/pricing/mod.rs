//! Prices a plan: every create and replace is estimated with the exact body
//! apply would send, chained through the month's spend ([`chain`]), and the
//! account before and after is fetched ([`account`]).
//!
//! Does IO through [`Client::estimate`] (which retries 429/5xx under its
//! policy) and the account endpoints; [`cost_of`] and [`is_definite_refusal`]
//! are the pure part. An estimate that fails for a reason that may pass (429,
//! 5xx, 413, a broken connection) leaves the change unpriced; one the API
//! refuses for good (a 400, or a validation code) is returned as a
//! [`EstimateRefusal`], because the create would be refused the same way.

pub mod account;
pub mod chain;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Mutex, PoisonError};

use futures::StreamExt;

use crate::plan::{Cost, Plan, Price};
use clearsky::api::types::{Estimate, FieldErrors, codes};
use clearsky::api::{self, Client};
use clearsky::catalog;

/// An estimate the API refused for good: the entry's create would be refused too.
#[derive(Debug)]
pub struct EstimateRefusal {
    /// The entry's name.
    pub name: String,
    /// The API's answer, with its per-field messages.
    pub error: api::Error,
}

/// Estimates every priceable change of `plan` in execution order, chained from
/// `month_spend` EUR spent this month, at most `concurrency` at once, and stores
/// the result in each change's `cost`: the marginal cost of the change. A failed
/// estimate leaves the change `Unpriced` with the reason; it is never counted as 0.
/// Returns the estimates the API refused for good ([`is_definite_refusal`]), in
/// plan order.
pub async fn price(
    client: &Client,
    plan: &mut Plan,
    concurrency: usize,
    month_spend: f64,
) -> Vec<EstimateRefusal> {
    price_with(client, plan, concurrency, month_spend, &|| ()).await
}

/// [`price`], calling `on_priced` once per change the first time it is
/// estimated (for a `Pricing 37/100…` line; the chain may estimate a change again).
pub async fn price_with(
    client: &Client,
    plan: &mut Plan,
    concurrency: usize,
    month_spend: f64,
    on_priced: &(dyn Fn() + Sync),
) -> Vec<EstimateRefusal> {
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
    let refused: Mutex<BTreeMap<usize, api::Error>> = Mutex::new(BTreeMap::new());
    let priced: Mutex<BTreeSet<usize>> = Mutex::new(BTreeSet::new());
    let estimate = |i: usize, body: api::types::OrderRequest| {
        let (refused, priced) = (&refused, &priced);
        async move {
            let result = client.estimate(&body).await;
            if priced.lock().unwrap_or_else(PoisonError::into_inner).insert(i) {
                on_priced();
            }
            match result {
                Err(e) if is_definite_refusal(&e) => {
                    // The chain only needs the message; the full error is kept for the report.
                    let message = e.to_string();
                    let mut refused = refused.lock().unwrap_or_else(PoisonError::into_inner);
                    refused.entry(i).or_insert(e);
                    Err(api::Error::Api {
                        status: 400,
                        code: None,
                        message,
                        fields: FieldErrors::new(),
                    })
                }
                result => result,
            }
        }
    };
    let chained = chain::price_chain(estimate, &jobs, month_spend, concurrency).await;
    tracing::debug!(
        creates = jobs.len(),
        estimates = chained.stats.estimates,
        rounds = chained.stats.rounds,
        sequential = chained.stats.sequential,
        "priced the plan as one chain"
    );
    let refused = refused.into_inner().unwrap_or_else(PoisonError::into_inner);
    for (i, cost) in chained.costs {
        if !refused.contains_key(&i) {
            plan.set_cost(i, cost);
        }
    }
    price_duplicates(client, plan, concurrency).await;
    refused
        .into_iter()
        .map(|(i, error)| EstimateRefusal {
            name: plan.changes[i].name.clone().unwrap_or_default(),
            error,
        })
        .collect()
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
