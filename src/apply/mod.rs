//! Executes a plan: creates first (bounded concurrency), then cancels, and
//! decides nothing the plan did not decide.
//!
//! Does IO through the [`Client`]. Rules:
//! - a create is sent again only after a list shows no matching order, and
//!   only after a connection that was never made, or a 429 whose re-lists
//!   spanned the list-lag bound ([`ExecuteOptions::max_list_lag`]); any other
//!   unknown outcome the re-lists cannot resolve fails the step and is
//!   reported in [`Report::maybe_created`] (see `create.rs`);
//! - every wait goes through the client's sleeper ([`wait`]) and ends at the
//!   first interrupt;
//! - after the first failed change no new change starts; changes in flight
//!   finish; an interrupt (the `stop` flag) has the same effect, and a create
//!   waiting to be sent again or re-checked stops waiting and fails;
//! - a replace cancels its old order only after the new order exists, and only
//!   when the plan says the old order can be cancelled;
//! - the orders are listed again before the first create and once every
//!   four times the concurrency creates after it, without holding the other
//!   creates back; entries that another run has satisfied meanwhile are
//!   skipped ([`recheck`]);
//! - after the creates and cancels, the orders are listed once more and this
//!   run's creates that turned out to be duplicates are refunded ([`repair`]).

pub mod bill;
pub mod consent;
mod create;
mod dedupe;
mod recheck;
mod repair;
pub mod report;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use futures::StreamExt;

use crate::plan::{Action, CancelEffect, Change, Plan};
use crate::spec::DesiredOrder;
use clearsky::api::{self, CancelOutcome, Client};

pub use report::{Event, EventKind, Repair, Report, Step, StepOutcome, StepReport};

/// Creates between two re-lists, per unit of concurrency (see [`recheck`]).
const BATCH_ROUNDS: usize = 4;

/// The most re-lists one apply makes. Each reads the whole account, so a
/// re-list every batch would cost time quadratic in the number of creates
/// (6,000 creates took 14 s, most of it in list answers); past
/// `MAX_RELISTS` batches the batches grow instead, and the race window with
/// it. Up to 32 × 4 × concurrency creates (1,024 at `--concurrency 8`) are
/// not affected.
const MAX_RELISTS: usize = 32;

/// Creates between two re-lists: a batch of [`BATCH_ROUNDS`] rounds of
/// `concurrency`, or more when `creates` would need over [`MAX_RELISTS`].
fn relist_every(creates: usize, concurrency: usize) -> usize {
    (concurrency.max(1) * BATCH_ROUNDS).max(creates.div_ceil(MAX_RELISTS))
}

/// How the executor behaves.
#[derive(Debug, Clone)]
pub struct ExecuteOptions {
    /// Creates (and cancels) in flight at once.
    pub concurrency: usize,
    /// Waits before each re-list after a create with an unknown outcome.
    pub unknown_polls: Vec<Duration>,
    /// Most times one entry's create is sent.
    pub max_create_sends: u32,
    /// The longest a stored order may be missing from the list
    /// (`--max-list-lag`): a 429 is sent again only after re-lists that
    /// spanned this long show no order.
    pub max_list_lag: Duration,
}

impl Default for ExecuteOptions {
    fn default() -> Self {
        Self {
            concurrency: 4,
            unknown_polls: clearsky::api::poll::recheck_polls(Duration::from_secs(15)),
            max_create_sends: 5,
            max_list_lag: Duration::from_secs(600),
        }
    }
}

/// Called just before the create of change `index` is sent; an error keeps
/// it from being sent (the step fails with it).
pub type BeforeSend<'a> = &'a (dyn Fn(usize) -> Result<(), String> + Sync);

/// Runs `plan` against the API. `desired` are the manifest entries by name
/// (needed to recognise an order after an unknown create outcome); `stop` is
/// set by an interrupt; `on_event` sees every step as it happens.
pub async fn execute(
    plan: &Plan,
    desired: &BTreeMap<String, DesiredOrder>,
    client: &Client,
    opts: &ExecuteOptions,
    stop: &AtomicBool,
    on_event: &(dyn Fn(&Event) + Sync),
) -> Report {
    execute_with(plan, desired, client, opts, stop, on_event, &|_| Ok(())).await
}

/// [`execute`], asking `before_send` before each create is sent (apply
/// records its intent there, so that a run killed while the create is in
/// flight leaves it for the next run).
pub async fn execute_with(
    plan: &Plan,
    desired: &BTreeMap<String, DesiredOrder>,
    client: &Client,
    opts: &ExecuteOptions,
    stop: &AtomicBool,
    on_event: &(dyn Fn(&Event) + Sync),
    before_send: BeforeSend<'_>,
) -> Report {
    let failed = AtomicBool::new(false);
    let halted = || failed.load(Ordering::SeqCst) || stop.load(Ordering::SeqCst);
    let mut report = Report::default();

    let creates: Vec<usize> =
        indexes(plan, |c| matches!(c.action, Action::Create | Action::Replace));
    let ordered = plan.account.as_ref().is_some_and(|a| a.ordered_creates);
    let relister = recheck::Relister::new(
        client,
        plan,
        desired,
        &creates,
        relist_every(creates.len(), opts.concurrency),
    );
    if !halted() {
        relister.prime().await;
    }
    let created: Vec<(usize, StepOutcome, bool)> = futures::stream::iter(creates)
        .map(|i| {
            let change = &plan.changes[i];
            let entry = change.name.as_ref().and_then(|n| desired.get(n));
            let (failed, relister) = (&failed, &relister);
            async move {
                if halted() {
                    return (i, StepOutcome::NotTried, false);
                }
                if let Some(guid) = relister.check(i).await {
                    let outcome = StepOutcome::Satisfied { guid };
                    on_event(&Event::finished(i, change, Step::Create, &outcome));
                    return (i, outcome, false);
                }
                if let Err(e) = before_send(i) {
                    failed.store(true, Ordering::SeqCst);
                    let outcome = StepOutcome::failed(format!("not sent: {e}"), Vec::new());
                    on_event(&Event::finished(i, change, Step::Create, &outcome));
                    return (i, outcome, false);
                }
                on_event(&Event::started(i, change, Step::Create));
                let recheck = |left| on_event(&Event::rechecking(i, change, left));
                let sent = create::create(client, change, entry, opts, stop, &recheck).await;
                if matches!(sent.outcome, StepOutcome::Failed { .. }) {
                    failed.store(true, Ordering::SeqCst);
                }
                on_event(&Event::finished(i, change, Step::Create, &sent.outcome));
                (i, sent.outcome, sent.maybe_bought)
            }
        })
        // Mixed model families across a spend band: the bill depends on the order (plan/account.rs).
        .buffer_unordered(if ordered { 1 } else { opts.concurrency.max(1) })
        .collect()
        .await;
    let mut create_done = vec![false; plan.changes.len()];
    let mut skipped: BTreeMap<usize, StepOutcome> = BTreeMap::new();
    for (i, outcome, maybe_bought) in created {
        create_done[i] = matches!(outcome, StepOutcome::Done { .. });
        if maybe_bought {
            report.maybe_created.push(i);
        }
        if matches!(outcome, StepOutcome::Satisfied { .. }) {
            skipped.insert(i, outcome.clone());
        }
        report.record(i, &plan.changes[i], Step::Create, outcome);
    }

    let cancels: Vec<usize> = indexes(plan, |c| match c.action {
        Action::Cancel => true,
        Action::Replace => {
            !matches!(c.cancel_effect, Some(CancelEffect::NotCancellable { .. }) | None)
        }
        _ => false,
    });
    let cancelled: Vec<(usize, StepOutcome)> = futures::stream::iter(cancels)
        .map(|i| {
            let change = &plan.changes[i];
            let ready = change.action == Action::Cancel || create_done[i];
            // A replace another run has made: that run cancels the old order.
            let satisfied = skipped.get(&i).cloned();
            let failed = &failed;
            async move {
                if let Some(outcome) = satisfied {
                    return (i, outcome);
                }
                if halted() || !ready {
                    return (i, StepOutcome::NotTried);
                }
                on_event(&Event::started(i, change, Step::Cancel));
                let outcome = cancel(client, change).await;
                if matches!(outcome, StepOutcome::Failed { .. }) {
                    failed.store(true, Ordering::SeqCst);
                }
                on_event(&Event::finished(i, change, Step::Cancel, &outcome));
                (i, outcome)
            }
        })
        .buffer_unordered(opts.concurrency.max(1))
        .collect()
        .await;
    for (i, outcome) in cancelled {
        report.record(i, &plan.changes[i], Step::Cancel, outcome);
    }
    if !stop.load(Ordering::SeqCst) {
        report.repairs = repair::own_duplicates(client, &report, desired).await;
    }
    // An interrupt that came once every step was done stopped nothing.
    report.interrupted = stop.load(Ordering::SeqCst) && report.failed() + report.not_tried() > 0;
    report.finish();
    report
}

fn indexes(plan: &Plan, keep: impl Fn(&Change) -> bool) -> Vec<usize> {
    (0..plan.changes.len()).filter(|&i| keep(&plan.changes[i])).collect()
}

async fn cancel(client: &Client, change: &Change) -> StepOutcome {
    let Some(live) = &change.live else {
        return StepOutcome::failed("the plan has no live order for this change", Vec::new());
    };
    let refund = matches!(change.cancel_effect, Some(CancelEffect::FullRefund));
    cancel_order(client, &live.guid, refund).await
}

/// Cancels one order. When a refund is expected (the order was in `Review`)
/// and the order is gone, another run has cancelled it: that is done too.
async fn cancel_order(client: &Client, guid: &str, refund: bool) -> StepOutcome {
    let done =
        |note: &str| StepOutcome::Done { guid: Some(guid.to_owned()), note: Some(note.into()) };
    match client.cancel(guid).await {
        Ok(CancelOutcome::Removed) => done("cancelled and refunded"),
        Ok(CancelOutcome::RenewalStopped) => done("renewal stopped"),
        Ok(CancelOutcome::NotCancellable(message)) => {
            StepOutcome::failed(format!("cannot be cancelled: {message}"), Vec::new())
        }
        Err(api::Error::NotFound { .. }) if refund => done("already cancelled by another run"),
        Err(e) => StepOutcome::from_error(&e),
    }
}

#[cfg(test)]
mod convergence_tests;
#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod killed_tests;
#[cfg(test)]
mod race_tests;
#[cfg(test)]
mod tests;
