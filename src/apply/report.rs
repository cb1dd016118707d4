//! What an apply did: one item per executed change, the events seen while it
//! ran, and their renderings (a human report, JSON event lines).
//!
//! Pure: renderers write to the `&mut dyn Write` they are given.

use std::io::{self, Write};

use serde::Serialize;

use crate::api;
use crate::plan::{Action, Change};

/// One step of a change: replaces have both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Step {
    /// Placing the new order.
    Create,
    /// Cancelling the old order (or stopping its renewal).
    Cancel,
}

/// How one step ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
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

impl Outcome {
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
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Item {
    /// Index of the change in the plan.
    pub index: usize,
    /// Entry name, or the GUID of an unmanaged order.
    pub name: String,
    /// The plan's action.
    pub action: Action,
    /// Which step.
    pub step: Step,
    /// How it ended.
    pub outcome: Outcome,
}

/// A duplicate this run created in a race with another run, and its refund.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Repair {
    /// The entry.
    pub name: String,
    /// The duplicate this run created and cancelled.
    pub guid: String,
    /// The order kept for the entry.
    pub kept: String,
    /// How the cancel ended.
    pub outcome: Outcome,
}

/// The result of an apply.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Report {
    /// Steps in plan order.
    pub items: Vec<Item>,
    /// Duplicates of this run's creates, cancelled after the creates (see
    /// `docs/apply.md`).
    pub repairs: Vec<Repair>,
    /// True when an interrupt stopped new changes.
    pub interrupted: bool,
}

/// Something that happened while applying; one JSON line each with `--format json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    /// `change_started`, `change_finished` or `change_failed`.
    pub event: &'static str,
    /// Index of the change in the plan.
    pub index: usize,
    /// Entry name or GUID.
    pub name: String,
    /// The plan's action.
    pub action: Action,
    /// Which step.
    pub step: Step,
    /// How it ended (finished/failed only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
}

fn label(change: &Change) -> String {
    change.name.clone().or_else(|| change.live.as_ref().map(|l| l.guid.clone())).unwrap_or_default()
}

impl Event {
    /// A step started.
    pub fn started(index: usize, change: &Change, step: Step) -> Self {
        Self {
            event: "change_started",
            index,
            name: label(change),
            action: change.action,
            step,
            outcome: None,
        }
    }

    /// A step ended.
    pub fn finished(index: usize, change: &Change, step: Step, outcome: &Outcome) -> Self {
        let event = match outcome {
            Outcome::Failed { .. } => "change_failed",
            _ => "change_finished",
        };
        Self {
            event,
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
    pub(crate) fn record(&mut self, index: usize, change: &Change, step: Step, outcome: Outcome) {
        self.items.push(Item { index, name: label(change), action: change.action, step, outcome });
    }

    /// Puts the steps in plan order, a replace's create before its cancel.
    pub(crate) fn finish(&mut self) {
        self.items.sort_by_key(|i| (i.index, i.step == Step::Cancel));
    }

    /// Number of steps done, repairs included.
    pub fn done(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Done { .. }))
    }

    /// Number of steps failed, repairs included.
    pub fn failed(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Failed { .. }))
    }

    /// Number of creates skipped because another run had placed the order.
    pub fn satisfied(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Satisfied { .. }))
    }

    /// Number of duplicates of this run refunded.
    pub fn refunded(&self) -> usize {
        self.repairs.iter().filter(|r| matches!(r.outcome, Outcome::Done { .. })).count()
    }

    /// Number of steps not started.
    pub fn not_tried(&self) -> usize {
        self.count(|o| matches!(o, Outcome::NotTried))
    }

    fn count(&self, f: impl Fn(&Outcome) -> bool) -> usize {
        let outcomes = self.items.iter().map(|i| &i.outcome);
        outcomes.chain(self.repairs.iter().map(|r| &r.outcome)).filter(|o| f(o)).count()
    }

    /// True when every step was done.
    pub fn complete(&self) -> bool {
        self.failed() == 0 && self.not_tried() == 0 && !self.interrupted
    }

    /// Writes the report for people.
    pub fn render_human(&self, w: &mut dyn Write) -> io::Result<()> {
        for item in &self.items {
            let what = match (item.action, item.step) {
                (Action::Replace, Step::Create) => "replace: create",
                (Action::Replace, Step::Cancel) => "replace: cancel old",
                (_, Step::Create) => "create",
                (_, Step::Cancel) => "cancel",
            };
            match &item.outcome {
                Outcome::Done { guid, note } => {
                    let guid = guid.as_deref().unwrap_or("-");
                    let note = note.as_deref().map(|n| format!(" ({n})")).unwrap_or_default();
                    writeln!(w, "  done        {}: {what} {guid}{note}", item.name)?;
                }
                Outcome::Failed { error, fields } => {
                    writeln!(w, "  failed      {}: {what}: {error}", item.name)?;
                    for f in fields {
                        writeln!(w, "                {f}")?;
                    }
                }
                Outcome::NotTried => writeln!(w, "  not tried   {}: {what}", item.name)?,
                Outcome::Satisfied { guid } => writeln!(
                    w,
                    "  satisfied   {}: {what} skipped: order {guid} (placed by another run) satisfies it",
                    item.name
                )?,
            }
        }
        for r in &self.repairs {
            let what = format!("cancel duplicate {} (keeps {})", r.guid, r.kept);
            match &r.outcome {
                Outcome::Failed { error, .. } => {
                    writeln!(w, "  failed      {}: {what}: {error}", r.name)?;
                }
                _ => writeln!(w, "  done        {}: {what}: refunded", r.name)?,
            }
        }
        writeln!(w, "{}", self.summary_line())
    }

    /// The last line of the report.
    pub fn summary_line(&self) -> String {
        let (done, failed, skipped) = (self.done(), self.failed(), self.not_tried());
        if self.items.is_empty() {
            return "Apply complete: no changes.".to_owned();
        }
        if self.complete() {
            let (refunded, satisfied) = (self.refunded(), self.satisfied());
            let refunds = if refunded > 0 {
                format!(
                    " ({refunded} duplicate{} from a concurrent run refunded)",
                    plural(refunded)
                )
            } else {
                String::new()
            };
            let others = if satisfied > 0 {
                format!(", {satisfied} already satisfied by another run")
            } else {
                String::new()
            };
            return format!("Apply complete: {done} change{} made{refunds}{others}.", plural(done));
        }
        let why = if self.interrupted { "interrupted" } else { "failed part-way" };
        format!(
            "Apply {why}: {done} done, {failed} failed, {skipped} not tried. Run apply again to converge."
        )
    }

    /// Writes the final summary as one JSON line.
    pub fn render_json_summary(&self, w: &mut dyn Write) -> io::Result<()> {
        let line = serde_json::json!({
            "event": "summary",
            "done": self.done(),
            "failed": self.failed(),
            "not_tried": self.not_tried(),
            "already_satisfied": self.satisfied(),
            "interrupted": self.interrupted,
            "items": self.items,
            "repairs": self.repairs,
        });
        writeln!(w, "{line}")
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::types::FieldErrors;

    fn report(outcomes: Vec<(Step, Outcome)>) -> Report {
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
        let done = Outcome::Done { guid: Some("g".into()), note: None };
        let r = report(vec![(Step::Create, done.clone()), (Step::Cancel, Outcome::NotTried)]);
        assert_eq!(
            r.items.iter().map(|i| i.step).collect::<Vec<_>>(),
            [Step::Create, Step::Cancel]
        );
        assert_eq!((r.done(), r.failed(), r.not_tried()), (1, 0, 1));
        assert!(!r.complete());
        assert_eq!(
            r.summary_line(),
            "Apply failed part-way: 1 done, 0 failed, 1 not tried. Run apply again to converge."
        );
        let all = report(vec![(Step::Create, done.clone()), (Step::Cancel, done)]);
        assert_eq!(all.summary_line(), "Apply complete: 2 changes made.");
        assert_eq!(Report::default().summary_line(), "Apply complete: no changes.");
    }

    #[test]
    fn an_api_refusal_keeps_its_field_messages_apart() {
        let mut fields = FieldErrors::new();
        fields.insert("TileGuids".into(), vec!["unknown tile".into()]);
        let e = api::Error::Api { status: 400, code: Some(992), message: "invalid".into(), fields };
        let Outcome::Failed { error, fields } = Outcome::from_error(&e) else { panic!() };
        assert_eq!(error, "the API refused the order (400, code 992): invalid");
        assert_eq!(fields, ["TileGuids: unknown tile"]);
    }
}
