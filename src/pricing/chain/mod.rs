//! Chained estimates: every create priced at the month's spend as it will
//! stand when apply sends it, so that per-change costs are marginal costs and
//! their sum is what the account is charged.
//!
//! Does IO only through the `estimate` function it is given (the client's, or
//! a fake in tests). Spend tiers are progressive across the month (docs,
//! Pricing & Billing → Monthly Spend Tiers): the n-th create of a plan is
//! priced with `SimulatedEuroUsage` = month-to-date spend + the charges of the
//! creates before it. Sent one after the other that is N round trips; instead:
//!
//! 1. **One concurrent pass.** Estimates go out `concurrency` at a time in
//!    execution order. Each is sent at its *predicted* position: the spend so
//!    far plus the answers already in, plus, for those still in flight, the
//!    average list price seen so far run through the published table
//!    ([`clearsky::tiers`]).
//! 2. **Check.** Walking the changes in order with the true running spend, an
//!    answer stands when it was priced within half a cent of its true position,
//!    or when the published table says the position makes no difference (both
//!    the predicted and the true interval lie inside one band).
//! 3. **Re-estimate the rest**, concurrently, at positions predicted from the
//!    list prices the first answers reveal; repeat. A re-estimate that disagrees
//!    with the table by more than a cent means the account is not priced as
//!    published: from then on every change is estimated one after the other at
//!    its exact position. The server stays the authority on every figure.
//!
//! Typically only the changes around a band boundary are estimated twice.
//! An unpriced change adds nothing to the chain (it is never counted as 0 in
//! the totals, which say they are a lower bound).

use std::future::Future;
use std::sync::Mutex;

use futures::StreamExt;

use super::cost_of;
use crate::plan::Cost;
use clearsky::api::types::{Estimate, OrderRequest};
use clearsky::api::{self};
use clearsky::money::cents;
use clearsky::tiers::{self, Family};

/// How far a priced position may be from the true one, EUR: an error of at
/// most this moves a price by less than a cent (a later euro is never dearer).
const EXACT: f64 = 0.005;
/// How far a re-estimate may differ from the table before the table is distrusted.
const AGREES: f64 = 0.011;
/// Re-estimate rounds before falling back to one estimate at a time.
const MAX_ROUNDS: usize = 4;

/// One create to price, in execution order.
#[derive(Debug, Clone)]
pub struct Job {
    /// Index of the change in the plan.
    pub index: usize,
    /// The body the create sends (without `SimulatedEuroUsage`).
    pub body: OrderRequest,
    /// The model's family; `None` for a model skyform does not know (then
    /// only an estimate at the exact position counts).
    pub family: Option<Family>,
}

/// What the chain found.
#[derive(Debug, Clone, PartialEq)]
pub struct Chained {
    /// The cost of each job, by plan index, in execution order.
    pub costs: Vec<(usize, Cost)>,
    /// The month's spend after every priced create.
    pub end_spend: f64,
    /// How the figures were obtained.
    pub stats: Stats,
}

/// Counters for benchmarks and logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stats {
    /// Estimate calls made.
    pub estimates: usize,
    /// Re-estimate rounds after the first pass.
    pub rounds: usize,
    /// True when the table was distrusted and estimates went one at a time.
    pub sequential: bool,
}

/// An estimate answer and where it was priced.
#[derive(Debug, Clone)]
struct Answer {
    /// `SimulatedEuroUsage` it was sent with.
    at: f64,
    /// The cost it gave.
    cost: Cost,
    /// Its storage part (not discounted, so left out of list prices).
    storage: f64,
}

impl Answer {
    fn total(&self) -> Option<f64> {
        match &self.cost {
            Cost::Priced(p) => Some(p.current_month),
            _ => None,
        }
    }

    /// The list price the answer reveals, by the published table.
    fn list(&self, family: Family) -> Option<f64> {
        self.total().map(|t| tiers::list_price(family, self.at, t - self.storage))
    }

    /// What the table says the same order costs at `spend`.
    fn at_spend(&self, family: Family, spend: f64) -> Option<f64> {
        self.list(family).map(|l| cents(tiers::charge(family, spend, l)) + self.storage)
    }
}

/// Prices `jobs` as one chain starting at `start` EUR of month-to-date spend.
pub async fn price_chain<E, F>(estimate: E, jobs: &[Job], start: f64, concurrency: usize) -> Chained
where
    E: Fn(usize, OrderRequest) -> F,
    F: Future<Output = Result<Estimate, api::Error>>,
{
    let send = |i: usize, at: f64| {
        let mut body = jobs[i].body.clone();
        // The estimate ignores deduplication; the create gets the flag as planned.
        body.tile_deduplication = None;
        body.simulated_euro_usage = Some(cents(at));
        let fut = estimate(jobs[i].index, body);
        async move {
            let result = fut.await;
            let storage = result
                .as_ref()
                .ok()
                .and_then(|e| e.costs.as_ref())
                .and_then(|c| c.current_month_storage_costs)
                .unwrap_or(0.0);
            (i, Answer { at: cents(at), cost: cost_of(result), storage })
        }
    };
    let mut stats = Stats::default();
    let mut answers = first_pass(jobs, start, concurrency, &send).await;
    stats.estimates = jobs.len();

    let mut trusted = true;
    loop {
        let redo = check(jobs, &answers, start, trusted);
        if redo.is_empty() {
            break;
        }
        if !trusted || stats.rounds >= MAX_ROUNDS {
            stats.sequential = true;
            sequential(&mut answers, start, &send, &mut stats).await;
            break;
        }
        stats.rounds += 1;
        stats.estimates += redo.len();
        let results: Vec<(usize, Answer)> = futures::stream::iter(redo.iter().copied())
            .map(|(i, at, _)| send(i, at))
            .buffer_unordered(concurrency.max(1))
            .collect()
            .await;
        for (i, answer) in results {
            let predicted = redo.iter().find(|r| r.0 == i).and_then(|r| r.2);
            if let (Some(p), Some(t)) = (predicted, answer.total())
                && (p - t).abs() > AGREES
            {
                trusted = false;
            }
            answers[i] = Some(answer);
        }
    }

    let mut spend = start;
    let mut costs = Vec::with_capacity(jobs.len());
    for (job, answer) in jobs.iter().zip(answers) {
        let answer = answer.expect("every job has an answer after the first pass");
        spend += answer.total().unwrap_or(0.0);
        costs.push((job.index, answer.cost));
    }
    Chained { costs, end_spend: cents(spend), stats }
}

/// Sends every estimate once, `concurrency` at a time, each at its predicted position.
async fn first_pass<S, F>(
    jobs: &[Job],
    start: f64,
    concurrency: usize,
    send: &S,
) -> Vec<Option<Answer>>
where
    S: Fn(usize, f64) -> F,
    F: Future<Output = (usize, Answer)>,
{
    let progress = Mutex::new(Progress::new(jobs.len(), start));
    futures::stream::iter(0..jobs.len())
        // Runs as a slot frees up, so the prediction sees every answer in so far.
        .map(|i| send(i, lock(&progress).predict(jobs, i)))
        .buffer_unordered(concurrency.max(1))
        .for_each(|(i, answer)| {
            lock(&progress).record(jobs, i, answer);
            async {}
        })
        .await;
    progress.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner).answers
}

fn lock(m: &Mutex<Progress>) -> std::sync::MutexGuard<'_, Progress> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The answers of the first pass so far.
struct Progress {
    answers: Vec<Option<Answer>>,
    /// Sum and count of the list prices seen, for guessing those in flight.
    list_sum: f64,
    list_count: u32,
    /// Jobs `0..prefix` are all answered; `prefix_spend` is the spend after them.
    prefix: usize,
    prefix_spend: f64,
}

impl Progress {
    fn new(n: usize, start: f64) -> Self {
        Self {
            answers: vec![None; n],
            list_sum: 0.0,
            list_count: 0,
            prefix: 0,
            prefix_spend: start,
        }
    }

    fn record(&mut self, jobs: &[Job], i: usize, answer: Answer) {
        if let Some(list) = jobs[i].family.and_then(|f| answer.list(f)) {
            self.list_sum += list;
            self.list_count += 1;
        }
        self.answers[i] = Some(answer);
        while let Some(Some(a)) = self.answers.get(self.prefix) {
            self.prefix_spend += a.total().unwrap_or(0.0);
            self.prefix += 1;
        }
    }

    /// The spend before job `i`, as far as the answers in so far tell.
    fn predict(&self, jobs: &[Job], i: usize) -> f64 {
        let guess =
            if self.list_count == 0 { 0.0 } else { self.list_sum / f64::from(self.list_count) };
        let mut spend = self.prefix_spend;
        for (job, answer) in jobs[self.prefix..i].iter().zip(&self.answers[self.prefix..i]) {
            spend += match answer {
                Some(a) => a.total().unwrap_or(0.0),
                None => tiers::charge(job.family.unwrap_or(Family::Stratus), spend, guess),
            };
        }
        spend
    }
}

/// Walks the chain with the true running spend; returns the jobs whose answer
/// does not stand, each with the position to re-estimate it at and what the
/// table predicts there.
fn check(
    jobs: &[Job],
    answers: &[Option<Answer>],
    start: f64,
    trusted: bool,
) -> Vec<(usize, f64, Option<f64>)> {
    let mut redo = Vec::new();
    let mut spend = start;
    for (i, job) in jobs.iter().enumerate() {
        let Some(answer) = &answers[i] else { continue };
        let Some(total) = answer.total() else { continue };
        let stands = (answer.at - spend).abs() <= EXACT
            || (trusted && job.family.is_some() && tiers::same_band(answer.at, spend, total));
        if stands {
            spend += total;
            continue;
        }
        let predicted = job.family.and_then(|f| answer.at_spend(f, spend));
        redo.push((i, spend, predicted));
        spend += predicted.unwrap_or(total);
    }
    redo
}

/// Estimates, one at a time, every change not priced at its exact position.
async fn sequential<S, F>(answers: &mut [Option<Answer>], start: f64, send: &S, stats: &mut Stats)
where
    S: Fn(usize, f64) -> F,
    F: Future<Output = (usize, Answer)>,
{
    let mut spend = start;
    for (i, answer) in answers.iter_mut().enumerate() {
        let exact = answer.as_ref().is_some_and(|a| (a.at - spend).abs() <= EXACT);
        if !exact {
            stats.estimates += 1;
            *answer = Some(send(i, spend).await.1);
        }
        spend += answer.as_ref().and_then(Answer::total).unwrap_or(0.0);
    }
}

#[cfg(test)]
mod tests;
