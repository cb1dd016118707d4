//! Tests of the chained estimates against a fake estimate endpoint that
//! prices by the published table (or, to test the fallback, by another one).

use std::sync::atomic::{AtomicUsize, Ordering};

use super::*;
use clearsky::api::types::CostBreakdown;

/// A job whose list price (EUR, undiscounted) is carried in `ApiRequests` cents.
fn job(index: usize, list: f64, family: Family) -> Job {
    let model = match family {
        Family::Stratus => "Stratus2",
        Family::Nimbus => "Nimbus",
    };
    #[allow(clippy::cast_possible_truncation)]
    let body = OrderRequest {
        model: model.into(),
        api_requests: (list * 100.0).round() as i64,
        ..OrderRequest::default()
    };
    Job { index, body, family: Some(family) }
}

fn family_of(body: &OrderRequest) -> Family {
    if body.model == "Nimbus" { Family::Nimbus } else { Family::Stratus }
}

#[allow(clippy::cast_precision_loss)]
fn list_of(body: &OrderRequest) -> f64 {
    body.api_requests as f64 / 100.0
}

/// The fake endpoint: prices at `SimulatedEuroUsage` with `charge`, counting calls.
async fn fake(
    body: OrderRequest,
    calls: &AtomicUsize,
    charge: fn(Family, f64, f64) -> f64,
) -> Result<Estimate, api::Error> {
    calls.fetch_add(1, Ordering::SeqCst);
    tokio::task::yield_now().await;
    let at = body.simulated_euro_usage.unwrap_or(0.0);
    let total = cents(charge(family_of(&body), at, list_of(&body)));
    Ok(Estimate {
        current_month_cost: Some(total),
        costs: Some(CostBreakdown { currency_code: Some("EUR".into()), ..Default::default() }),
        ..Estimate::default()
    })
}

/// What the account is charged when the jobs are created one after the other.
fn billed(jobs: &[Job], start: f64, charge: fn(Family, f64, f64) -> f64) -> Vec<f64> {
    let mut spend = start;
    jobs.iter()
        .map(|j| {
            let c = cents(charge(j.family.unwrap(), spend, list_of(&j.body)));
            spend += c;
            c
        })
        .collect()
}

fn totals(chained: &Chained) -> Vec<f64> {
    chained
        .costs
        .iter()
        .map(|(_, c)| match c {
            Cost::Priced(p) => p.current_month,
            other => panic!("not priced: {other:?}"),
        })
        .collect()
}

fn run(jobs: &[Job], start: f64, charge: fn(Family, f64, f64) -> f64) -> (Chained, usize) {
    let calls = AtomicUsize::new(0);
    let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let chained = rt.block_on(price_chain(|_, b| fake(b, &calls, charge), jobs, start, 8));
    (chained, calls.load(Ordering::SeqCst))
}

fn assert_bill(chained: &Chained, want: &[f64]) {
    let got = totals(chained);
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!((g - w).abs() < 0.011, "change {i}: plan {g}, billed {w}");
    }
}

#[test]
fn a_fresh_month_crossing_bands_costs_what_it_bills_with_few_extra_calls() {
    let jobs: Vec<Job> = (0..400)
        .map(|i| job(i, 10.0 + f64::from(u8::try_from(i % 7).unwrap()), Family::Stratus))
        .collect();
    let want = billed(&jobs, 0.0, tiers::charge);
    let (chained, calls) = run(&jobs, 0.0, tiers::charge);
    assert_bill(&chained, &want);
    let sum: f64 = want.iter().sum();
    assert!((chained.end_spend - cents(sum)).abs() < 0.011);
    assert!(sum > 1_000.0, "crosses at least one boundary: {sum}");
    assert!(calls <= jobs.len() + 20, "{calls} calls for {} jobs: {:?}", jobs.len(), chained.stats);
    assert!(!chained.stats.sequential);
}

#[test]
fn mixed_families_from_mid_band_follow_execution_order() {
    let jobs: Vec<Job> = (0..60)
        .map(|i| {
            let family = if i % 3 == 0 { Family::Nimbus } else { Family::Stratus };
            job(i, 150.0 + f64::from(u8::try_from(i % 5).unwrap()) * 40.0, family)
        })
        .collect();
    let want = billed(&jobs, 2_500.0, tiers::charge);
    let (chained, calls) = run(&jobs, 2_500.0, tiers::charge);
    assert_bill(&chained, &want);
    assert!(calls < 2 * jobs.len(), "{calls}");
}

/// A server whose bands are twice as wide as published.
fn other_table(family: Family, spend: f64, list: f64) -> f64 {
    2.0 * tiers::charge(family, spend / 2.0, list / 2.0)
}

#[test]
fn a_server_off_the_published_table_is_still_followed_exactly() {
    let jobs: Vec<Job> = (0..80).map(|i| job(i, 60.0, Family::Stratus)).collect();
    let want = billed(&jobs, 0.0, other_table);
    let (chained, _) = run(&jobs, 0.0, other_table);
    assert_bill(&chained, &want);
    assert!(chained.stats.sequential, "{:?}", chained.stats);
}

#[test]
fn an_unpriced_change_adds_nothing_to_the_chain() {
    let jobs = vec![job(0, 500.0, Family::Stratus), job(1, 900.0, Family::Stratus)];
    let calls = AtomicUsize::new(0);
    let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let chained = rt.block_on(price_chain(
        |_, b| {
            let refuse = b.api_requests == 50_000;
            let f = fake(b, &calls, tiers::charge);
            async move {
                if refuse {
                    Err(api::Error::NotFound { what: "the estimate".into() })
                } else {
                    f.await
                }
            }
        },
        &jobs,
        0.0,
        4,
    ));
    assert!(matches!(chained.costs[0].1, Cost::Unpriced { .. }));
    let Cost::Priced(p) = &chained.costs[1].1 else { panic!("second unpriced") };
    assert!((p.current_month - 900.0).abs() < 1e-9, "{p:?}");
}
