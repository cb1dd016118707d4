//! Waiting for orders to show in the list: before planning, for the orders
//! an earlier apply recorded as pending, and after applying, for the orders
//! this apply created (read your writes).
//!
//! Does IO through the [`Client`] (lists) and waits through the client's
//! sleeper in the re-check rhythm of [`poll::recheck_polls`], through the one
//! re-list loop [`poll::until_listed`]; progress
//! is told through the `say` callback (the command writes it to stderr).
//! Which items are settled is decided by [`super::sort`].

use std::cell::Cell;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use super::{Pending, PendingOrder, sort, stand_in};
use crate::apply::{Report, Step, StepOutcome};
use crate::plan::Plan;
use crate::spec::DesiredSet;
use clearsky::api::poll::{self, Listed, OnListError, recheck_polls};
use clearsky::api::types::TaskOrder;
use clearsky::api::{self, Client};

/// How long to wait for the record's orders, and how long a list may lag.
#[derive(Debug, Clone, Copy)]
pub struct Waits {
    /// `--recheck-wait`: how long to re-list for the orders before planning.
    pub window: Duration,
    /// `--max-list-lag`: how long after its create an order may still be
    /// missing from the list.
    pub bound: TimeDelta,
}

impl Waits {
    /// The waits of `--recheck-wait` and `--max-list-lag`.
    pub fn new(window: Duration, max_list_lag: Duration) -> Self {
        Self { window, bound: TimeDelta::from_std(max_list_lag).unwrap_or(TimeDelta::MAX) }
    }
}

/// The list to plan from, and the entries it holds back.
#[derive(Debug)]
pub struct Settled {
    /// The live orders, with a [`stand_in`] for each order still missing.
    pub live: Vec<TaskOrder>,
    /// The loaded entries held back by a create of unknown outcome: they may
    /// have an order the list does not show yet, so they are not bought.
    pub held: Vec<String>,
}

/// Before planning: waits up to `waits.window` for the recorded orders of the
/// loaded entries to show in `live` (a list taken at `listed_at`), and
/// returns the list to plan from.
///
/// A recorded order that still does not show is kept in the record and added
/// to the list as a [`stand_in`], so its entry is not bought again, with a
/// warning that says why and how to release it. A create of unknown outcome
/// that a list taken at least `waits.bound` after it does not show is dropped,
/// saying so: its entry is planned again. Listed items are dropped. The
/// caller saves the record (apply) or not (plan).
pub async fn before_plan(
    client: &Client,
    pending: &mut Pending,
    desired: &DesiredSet,
    mut live: Vec<TaskOrder>,
    waits: Waits,
    listed_at: DateTime<Utc>,
    say: &dyn Fn(&str),
) -> Result<Settled, api::Error> {
    let bound = waits.bound;
    let mut sorted = sort(pending.items(), desired, &live, listed_at, bound);
    // The time of the last list: the re-lists below move it on.
    let mut last_at = listed_at;
    if !sorted.waiting.is_empty() {
        say(&format!(
            "Waiting up to {} s for {} from an earlier apply to show in the order list: {}.",
            secs(waits.window),
            orders(sorted.waiting.len()),
            names(&sorted.waiting)
        ));
        let never = AtomicBool::new(false);
        // Each re-list was asked for after the previous one was read: that
        // time is a lower bound of its own, so the bound is never overrated.
        let read_at = Cell::new(listed_at);
        let settled = |live: &[TaskOrder]| {
            let at = read_at.replace(Utc::now());
            let sorted = sort(pending.items(), desired, live, at, bound);
            sorted.waiting.is_empty().then(|| (live.to_vec(), at))
        };
        let polls = recheck_polls(waits.window);
        // A plan is made from a good list only: a failed re-list fails the run.
        let found = poll::until_listed(client, &polls, &never, OnListError::Fail, &|_| {}, settled);
        match found.await? {
            Listed::Found((last, at)) => (live, last_at) = (last, at),
            Listed::NotFound { last: Some(last) } => live = last,
            Listed::NotFound { last: None } | Listed::Interrupted => {}
        }
        sorted = sort(pending.items(), desired, &live, last_at, bound);
    }
    for item in &sorted.lapsed {
        let loaded = desired.orders.iter().any(|o| o.name == item.entry);
        say(&super::listing::lapsed_line(item, last_at, bound, loaded));
    }
    let (mut held, mut stood_in) = (Vec::new(), Vec::new());
    for item in &sorted.waiting {
        say(&super::listing::held_line(item, last_at, bound));
        if item.guid.is_none() && !held.contains(&item.entry) {
            held.push(item.entry.clone());
        }
        // One stand-in per entry: a second would look like a duplicate order.
        if !stood_in.contains(&item.entry)
            && let Some(order) = stand_in(item)
        {
            stood_in.push(item.entry.clone());
            live.push(order);
        }
    }
    let mut keep = sorted.other;
    keep.extend(sorted.waiting);
    pending.set_items(keep);
    Ok(Settled { live, held })
}

/// The item of change `index` of `plan`, for the order with `guid` (`None`:
/// the create's outcome is not known).
pub(super) fn item_of(
    plan: &Plan,
    index: usize,
    guid: Option<String>,
    now: DateTime<Utc>,
) -> Option<PendingOrder> {
    let change = plan.changes.get(index)?;
    Some(PendingOrder {
        entry: change.name.clone()?,
        spec_digest: change.desired.as_ref()?.spec_digest.clone(),
        guid,
        request: change.request.clone()?,
        recorded_at: now,
    })
}

/// The items an apply leaves to check: its new orders (with their GUIDs),
/// except duplicates it cancelled again, and the creates whose outcome stayed
/// unknown (without).
pub fn items_of(plan: &Plan, report: &Report, now: DateTime<Utc>) -> Vec<PendingOrder> {
    // A duplicate this run cancelled again (repair) is not waited for.
    let cancelled = |g: &str| {
        report.repairs.iter().any(|r| {
            r.guid.eq_ignore_ascii_case(g) && matches!(r.outcome, StepOutcome::Done { .. })
        })
    };
    let created = report.items.iter().filter_map(|i| match (&i.step, &i.outcome) {
        (Step::Create, StepOutcome::Done { guid: Some(g), .. }) if !cancelled(g) => {
            item_of(plan, i.index, Some(g.clone()), now)
        }
        _ => None,
    });
    let unknown = report.maybe_created.iter().filter_map(|&i| item_of(plan, i, None, now));
    created.chain(unknown).collect()
}

/// After applying: replaces the `intents` [`super::intents`] saved with the
/// `new` items, then waits up to `waits.window` until every new order with a
/// GUID shows in the list. Returns those that do not; they stay in the record
/// (saved here) for the next run, like every create of unknown outcome.
#[allow(clippy::too_many_arguments)]
pub async fn after_apply(
    client: &Client,
    pending: &mut Pending,
    desired: &DesiredSet,
    intents: &[PendingOrder],
    new: Vec<PendingOrder>,
    waits: Waits,
    now: DateTime<Utc>,
    say: &dyn Fn(&str),
) -> Result<Vec<PendingOrder>, crate::Error> {
    let window = waits.window;
    let mut items: Vec<PendingOrder> =
        pending.items().iter().filter(|i| !intents.contains(i)).cloned().collect();
    let waits = !new.is_empty();
    items.extend(new);
    pending.set_items(items);
    // Saved before waiting: an apply killed while it waits leaves the record.
    pending.save()?;
    if !waits {
        return Ok(Vec::new());
    }
    let unlisted = |sorted: &super::Sorted| -> Vec<PendingOrder> {
        sorted.waiting.iter().filter(|i| i.guid.is_some()).cloned().collect()
    };
    let never = AtomicBool::new(false);
    let polls: Vec<Duration> =
        std::iter::once(Duration::ZERO).chain(recheck_polls(window)).collect();
    let mut told = false;
    // Only the next run's lists decide that an unknown outcome stored nothing.
    let never_lapses = TimeDelta::MAX;
    let mut last = sort(pending.items(), desired, &[], now, never_lapses);
    let all_listed = |live: &[TaskOrder]| {
        let sorted = sort(pending.items(), desired, live, now, never_lapses);
        let missing = unlisted(&sorted);
        if missing.is_empty() {
            return Some(sorted);
        }
        if !told {
            told = true;
            say(&format!(
                "Waiting up to {} s for {} to show in the order list…",
                secs(window),
                orders(missing.len())
            ));
        }
        last = sorted;
        None
    };
    // A re-list that fails is tried again: the record keeps what it cannot prove.
    let listed =
        poll::until_listed(client, &polls, &never, OnListError::Skip, &|_| {}, all_listed).await;
    if let Ok(Listed::Found(sorted)) = listed {
        last = sorted;
    }
    let missing = unlisted(&last);
    let mut keep = last.other;
    keep.extend(last.waiting);
    pending.set_items(keep);
    pending.save()?;
    Ok(missing)
}

/// `1 order`, `3 orders`.
pub fn orders(n: usize) -> String {
    if n == 1 { "1 order".to_owned() } else { format!("{n} orders") }
}

/// `` `a`, `b` ``.
pub fn names(items: &[PendingOrder]) -> String {
    items.iter().map(|i| format!("`{}`", i.entry)).collect::<Vec<_>>().join(", ")
}

fn secs(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 { format!("{s:.0}") } else { format!("{s:.1}") }
}
