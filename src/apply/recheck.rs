//! Shrinks the race between applies that no lock separates (runs on different
//! machines): the orders are listed again just before the first create and
//! then once every batch of creates, and an entry another run has satisfied
//! since the plan was made is skipped instead of bought a second time.
//!
//! Only the first list holds the creates back (the plan may be older than
//! another run's orders). Later lists are made by the create that opens a
//! batch, before it is sent; the other creates go on meanwhile with the
//! newest list there is, so the re-lists cost one list call per batch and no
//! wait for the batch's slowest create.
//!
//! Does IO: the lists go through the [`Client`]. Whether an entry is
//! satisfied is [`crate::identity::find_matches`]'s answer.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use crate::identity;
use crate::plan::Plan;
use crate::spec::DesiredOrder;
use clearsky::api::Client;

/// Lists the orders again while creates run, and says which creates another
/// run has made unnecessary.
pub(super) struct Relister<'a> {
    client: &'a Client,
    plan: &'a Plan,
    desired: &'a BTreeMap<String, DesiredOrder>,
    /// Creates between two lists.
    every: usize,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// Creates not yet started (indexes into `plan.changes`).
    waiting: BTreeSet<usize>,
    /// Creates started since the last list.
    since_list: usize,
    /// Creates whose entry a listed order satisfies, with that order's GUID.
    satisfied: BTreeMap<usize, String>,
}

impl<'a> Relister<'a> {
    /// A relister for the creates `creates` of `plan`, listing once every
    /// `every` creates.
    pub(super) fn new(
        client: &'a Client,
        plan: &'a Plan,
        desired: &'a BTreeMap<String, DesiredOrder>,
        creates: &[usize],
        every: usize,
    ) -> Self {
        let state = State { waiting: creates.iter().copied().collect(), ..State::default() };
        Self { client, plan, desired, every: every.max(1), state: Mutex::new(state) }
    }

    /// Lists before any create starts.
    pub(super) async fn prime(&self) {
        let waiting: Vec<usize> = self.lock().waiting.iter().copied().collect();
        let found = self.satisfied(&waiting).await;
        self.lock().satisfied.extend(found);
    }

    /// Called just before create `i` is sent: the GUID of a live order that
    /// satisfies its entry, if the newest list has one. The create that opens
    /// a batch lists again first.
    pub(super) async fn check(&self, i: usize) -> Option<String> {
        let relist = {
            let mut state = self.lock();
            state.waiting.remove(&i);
            state.since_list += 1;
            if state.since_list > self.every {
                state.since_list = 1;
                let mut batch: Vec<usize> = state.waiting.iter().copied().collect();
                batch.push(i);
                Some(batch)
            } else {
                None
            }
        };
        if let Some(batch) = relist {
            let found = self.satisfied(&batch).await;
            self.lock().satisfied.extend(found);
        }
        self.lock().satisfied.get(&i).cloned()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The changes of `batch` whose entry a live order now satisfies, with
    /// that order's GUID. A list that fails skips nothing: the plan was made
    /// from a good list, and the unknown-outcome and repair rules still guard
    /// the creates.
    async fn satisfied(&self, batch: &[usize]) -> BTreeMap<usize, String> {
        let wanted: Vec<(usize, DesiredOrder)> = batch
            .iter()
            .filter_map(|&i| {
                let name = self.plan.changes[i].name.as_ref()?;
                self.desired.get(name).map(|e| (i, e.clone()))
            })
            .collect();
        if wanted.is_empty() {
            return BTreeMap::new();
        }
        let live = match self.client.list_all().await {
            Ok(live) => live,
            Err(e) => {
                tracing::debug!("re-list before creates failed: {e}");
                return BTreeMap::new();
            }
        };
        let entries: Vec<DesiredOrder> = wanted.iter().map(|(_, e)| e.clone()).collect();
        let found = identity::find_matches(&entries, &live);
        wanted
            .iter()
            .zip(found)
            .filter_map(|((i, _), order)| order.map(|o| (*i, o.task_order_guid.clone())))
            .collect()
    }
}
