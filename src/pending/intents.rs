//! Intents: before a create is sent, the record holds it as an item of
//! unknown outcome (`guid: null`), so that an apply killed while the create
//! is in flight (SIGKILL, a cancelled CI job, a power cut) leaves it for the
//! next run, which holds the entry until a list shows its order or the
//! list-lag bound has passed.
//!
//! Intents are saved a chunk of creates at a time, just before the first of
//! the chunk is sent: a killed apply leaves intents for at most one chunk of
//! creates it never sent (held like the others, though nothing was bought),
//! and a plan of many creates costs a few record writes, not one per create.
//! An apply that returns replaces its intents with what it did
//! ([`super::settle::after_apply`]).
//!
//! Does file IO (the record, through [`Pending::save`]).

use std::sync::Mutex;

use chrono::Utc;

use super::settle::item_of;
use super::{Pending, PendingOrder};
use crate::plan::Plan;

/// The intents of one apply, recorded as its creates go out.
#[derive(Debug)]
pub struct Intents<'a> {
    plan: &'a Plan,
    /// The creates that may be sent, in the order the executor starts them.
    creates: Vec<usize>,
    chunk: usize,
    state: Mutex<State<'a>>,
}

#[derive(Debug)]
struct State<'a> {
    pending: &'a mut Pending,
    /// The changes whose intents are recorded, with their items.
    recorded: Vec<(usize, PendingOrder)>,
}

impl<'a> Intents<'a> {
    /// Intents of the creates of `plan`, saved `chunk` creates at a time.
    pub fn new(pending: &'a mut Pending, plan: &'a Plan, chunk: usize) -> Self {
        let state = State { pending, recorded: Vec::new() };
        Self { plan, creates: plan.priceable(), chunk: chunk.max(1), state: Mutex::new(state) }
    }

    /// Called just before the create of change `index` is sent: makes sure
    /// its intent is saved, saving it and the next creates' when it is not.
    /// An error means the intent could not be saved: the create must not go.
    pub fn before_send(&self, index: usize) -> Result<(), String> {
        let mut state = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if state.recorded.iter().any(|(i, _)| *i == index) {
            return Ok(());
        }
        let from = self.creates.iter().position(|&i| i == index).unwrap_or(self.creates.len());
        let now = Utc::now();
        let chunk: Vec<(usize, PendingOrder)> = std::iter::once(index)
            .chain(self.creates.iter().skip(from + 1).copied())
            .filter(|i| !state.recorded.iter().any(|(r, _)| r == i))
            .take(self.chunk)
            .filter_map(|i| item_of(self.plan, i, None, now).map(|item| (i, item)))
            .collect();
        if chunk.is_empty() {
            // A create without an entry: nothing to wait for by name.
            return Ok(());
        }
        let mut items = state.pending.items().to_vec();
        items.extend(chunk.iter().map(|(_, item)| item.clone()));
        state.pending.set_items(items);
        if let Err(e) = state.pending.save() {
            let kept: Vec<PendingOrder> = state.pending.items()[..]
                .iter()
                .filter(|i| !chunk.iter().any(|(_, c)| c == *i))
                .cloned()
                .collect();
            state.pending.set_items(kept);
            return Err(format!("{e}; its intent could not be recorded"));
        }
        state.recorded.extend(chunk);
        Ok(())
    }

    /// The intents recorded, to be replaced by what the apply did.
    pub fn into_recorded(self) -> Vec<PendingOrder> {
        let state = self.state.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
        state.recorded.into_iter().map(|(_, item)| item).collect()
    }
}
