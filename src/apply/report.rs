//! What an apply did: one item per executed step, and the events seen while
//! it ran. These are the executor's own values; `render::apply` shows them
//! (for people, or as the versioned JSON event stream).
//!
//! Pure.

use crate::plan::{Action, Change};
use clearsky::api;

/// One step of a change: replaces have both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Placing the new order.
    Create,
    /// Cancelling the old order (or stopping its renewal).
    Cancel,
}

/// How one step ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepOutcome {
    /// Done; `guid` is the new order (create) or the cancelled one.
    Done {
        /// The order concerned.
        guid: Option<String>,
        /// E.g. `renewal stopped`, or how an unknown outcome was resolved.
        note: Option<String>,
    },
    /// Failed; nothing was changed by this step (or, for an unknown outcome,
    /// the next apply will find out).
    Failed {
        /// The error.
        error: String,
        /// Per-field messages of a 400.
        fields: Vec<String>,
    },
    /// Not started, because an earlier change failed or apply was interrupted.
    NotTried,
    /// Not sent: a re-list just before the create found an order that
    /// satisfies the entry (placed by another run since the plan was made).
    Satisfied {
        /// The order found.
        guid: String,
    },
}

impl StepOutcome {
    /// A failure with a message.
    pub fn failed(error: impl Into<String>, fields: Vec<String>) -> Self {
        Self::Failed { error: error.into(), fields }
    }

    /// A failure from an API error, keeping its field messages apart.
    pub fn from_error(e: &api::Error) -> Self {
        let fields = match e {
            api::Error::Api { fields, .. } => fields
                .iter()
                .flat_map(|(f, msgs)| msgs.iter().map(move |m| format!("{f}: {m}")))
                .collect(),
            _ => Vec::new(),
        };
        let error = match e {
            api::Error::Api { message, status, code, .. } => match code {
                Some(code) => {
                    format!("the API refused the order ({status}, code {code}): {message}")
                }
                None => format!("the API refused the order ({status}): {message}"),
            },
            other => other.to_string(),
        };
        Self::Failed { error, fields }
    }
}

/// One executed (or skipped) step.
#[derive(Debug, Clone, PartialEq)]
pub struct StepReport {
    /// Index of the change in the plan.
    pub index: usize,
    /// Entry name, or the GUID of an unmanaged order.
    pub name: String,
    /// The plan's action.
    pub action: Action,
    /// Which step.
    pub step: Step,
    /// How it ended.
    pub outcome: StepOutcome,
}

/// A duplicate this run created in a race with another run, and its refund.
#[derive(Debug, Clone, PartialEq)]
pub struct Repair {
    /// The entry.
    pub name: String,
    /// The duplicate this run created and cancelled.
    pub guid: String,
    /// The order kept for the entry.
    pub kept: String,
    /// How the cancel ended.
    pub outcome: StepOutcome,
}

/// The result of an apply.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Report {
    /// Steps in plan order.
    pub items: Vec<StepReport>,
    /// Duplicates of this run's creates, cancelled after the creates (see
    /// `docs/concepts/concurrent-applies.md`).
    pub repairs: Vec<Repair>,
    /// True when an interrupt stopped new changes.
    pub interrupted: bool,
    /// Indexes of the changes whose create failed with an unknown outcome
    /// that no list resolved: an order may exist that is not listed yet.
    pub maybe_created: Vec<usize>,
    /// What the creates were planned to cost and were charged, when the
    /// account's balance could be read before and after.
    pub bill: Option<super::bill::Bill>,
}

/// What happened to a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// The step started.
    Started,
    /// The step ended, done or not tried.
    Finished,
    /// The step failed.
    Failed,
    /// A create's outcome is unknown: the orders are listed again to find it,
    /// for at most `left` more.
    Rechecking {
        /// The longest the re-checks may still take.
        left: std::time::Duration,
    },
}

/// Something that happened while applying.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// What happened.
    pub kind: EventKind,
    /// Index of the change in the plan.
    pub index: usize,
    /// Entry name or GUID.
    pub name: String,
    /// The plan's action.
    pub action: Action,
    /// Which step.
    pub step: Step,
    /// How it ended; `None` when it started.
    pub outcome: Option<StepOutcome>,
}

fn label(change: &Change) -> String {
    change.name.clone().or_else(|| change.live.as_ref().map(|l| l.guid.clone())).unwrap_or_default()
}

impl Event {
    /// A step started.
    pub fn started(index: usize, change: &Change, step: Step) -> Self {
        Self {
            kind: EventKind::Started,
            index,
            name: label(change),
            action: change.action,
            step,
            outcome: None,
        }
    }

    /// A create with an unknown outcome is being re-checked, for at most `left` more.
    pub fn rechecking(index: usize, change: &Change, left: std::time::Duration) -> Self {
        Self { kind: EventKind::Rechecking { left }, ..Self::started(index, change, Step::Create) }
    }

    /// A step ended.
    pub fn finished(index: usize, change: &Change, step: Step, outcome: &StepOutcome) -> Self {
        let kind = match outcome {
            StepOutcome::Failed { .. } => EventKind::Failed,
            _ => EventKind::Finished,
        };
        Self {
            kind,
            index,
            name: label(change),
            action: change.action,
            step,
            outcome: Some(outcome.clone()),
        }
    }
}

impl Report {
    /// Records a step; call [`Report::finish`] when all are recorded.
    pub(crate) fn record(
        &mut self,
        index: usize,
        change: &Change,
        step: Step,
        outcome: StepOutcome,
    ) {
        self.items.push(StepReport {
            index,
            name: label(change),
            action: change.action,
            step,
            outcome,
        });
    }

    /// Puts the steps in plan order, a replace's create before its cancel.
    pub(crate) fn finish(&mut self) {
        self.items.sort_by_key(|i| (i.index, i.step == Step::Cancel));
    }

    /// Number of steps done, repairs included.
    pub fn done(&self) -> usize {
        self.count(|o| matches!(o, StepOutcome::Done { .. }))
    }

    /// Number of steps failed, repairs included.
    pub fn failed(&self) -> usize {
        self.count(|o| matches!(o, StepOutcome::Failed { .. }))
    }

    /// Number of creates skipped because another run had placed the order.
    pub fn satisfied(&self) -> usize {
        self.count(|o| matches!(o, StepOutcome::Satisfied { .. }))
    }

    /// Number of this run's duplicates refunded.
    pub fn refunded(&self) -> usize {
        self.repairs.iter().filter(|r| matches!(r.outcome, StepOutcome::Done { .. })).count()
    }

    /// Number of steps not started.
    pub fn not_tried(&self) -> usize {
        self.count(|o| matches!(o, StepOutcome::NotTried))
    }

    fn count(&self, f: impl Fn(&StepOutcome) -> bool) -> usize {
        let outcomes = self.items.iter().map(|i| &i.outcome);
        outcomes.chain(self.repairs.iter().map(|r| &r.outcome)).filter(|o| f(o)).count()
    }

    /// True when every step was done.
    pub fn complete(&self) -> bool {
        self.failed() == 0 && self.not_tried() == 0 && !self.interrupted
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clearsky::api::types::FieldErrors;

    fn report(outcomes: Vec<(Step, StepOutcome)>) -> Report {
        let change = Change::new(Some("a".into()), Action::Replace);
        let mut r = Report::default();
        for (step, outcome) in outcomes.into_iter().rev() {
            r.record(0, &change, step, outcome);
        }
        r.finish();
        r
    }

    #[test]
    fn a_replace_lists_its_create_before_its_cancel_and_counts_each_step() {
        let done = StepOutcome::Done { guid: Some("g".into()), note: None };
        let r = report(vec![(Step::Create, done.clone()), (Step::Cancel, StepOutcome::NotTried)]);
        assert_eq!(
            r.items.iter().map(|i| i.step).collect::<Vec<_>>(),
            [Step::Create, Step::Cancel]
        );
        assert_eq!((r.done(), r.failed(), r.not_tried()), (1, 0, 1));
        assert!(!r.complete());
        let all = report(vec![(Step::Create, done.clone()), (Step::Cancel, done)]);
        assert!(all.complete());
    }

    #[test]
    fn an_api_refusal_keeps_its_field_messages_apart() {
        let mut fields = FieldErrors::new();
        fields.insert("TileGuids".into(), vec!["unknown tile".into()]);
        let e = api::Error::Api { status: 400, code: Some(992), message: "invalid".into(), fields };
        let StepOutcome::Failed { error, fields } = StepOutcome::from_error(&e) else { panic!() };
        assert_eq!(error, "the API refused the order (400, code 992): invalid");
        assert_eq!(fields, ["TileGuids: unknown tile"]);
    }
}
