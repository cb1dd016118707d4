//! What `apply` shows: the plan it is about to execute, its events while it
//! runs, and the final report, for people or as JSON lines.
//!
//! Pure, no IO of its own: [`ApplyRenderer`] writes to the `&mut dyn Write` it
//! is handed. The JSON lines are built from serialize-only view types defined
//! here, not from the executor's own values, and follow the rules of
//! [`super::schema`]; `schemas/apply-events.schema.json` is generated from
//! them and its version is [`APPLY_EVENTS_FORMAT_VERSION`].

use std::io;

use schemars::JsonSchema;
use serde::Serialize;

use super::escape::terminal as term;
use super::json::Document;
use super::refusal::RefusedView;
use super::schema::{ActionView, generate};
use super::{Format, RenderOptions};
use crate::apply::consent::Refusal;
use crate::apply::{Event, EventKind, Report, Step, StepOutcome, StepReport};
use crate::plan::{Action, Plan};

/// Version of the `apply --format json` event stream; bumped only on a
/// breaking change (fields are added without a bump).
pub const APPLY_EVENTS_FORMAT_VERSION: u32 = 1;

/// Shows one apply in one format, chosen once from `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplyRenderer {
    /// The plan and a report for people; a progress bar meanwhile.
    Human(RenderOptions),
    /// A `plan` line, then one JSON line per event and a `summary` line, or a
    /// `refused` line instead; nothing else on stdout.
    Json,
}

impl ApplyRenderer {
    /// The renderer for `format`. Apply has no Markdown report: `markdown`
    /// shows what `human` shows (the maps are refused when flags are resolved).
    pub fn new(format: Format, opts: RenderOptions) -> Self {
        match format {
            Format::Json => Self::Json,
            Format::Human | Format::Markdown | Format::Geojson | Format::Svg => Self::Human(opts),
        }
    }

    /// True when a progress bar should stand in for the events.
    pub fn shows_progress(&self) -> bool {
        matches!(self, Self::Human(_))
    }

    /// Writes the plan about to be applied; for machines, the first line: the
    /// document of `plan --format json` in a `plan` event.
    pub fn plan(&self, plan: &Plan, w: &mut dyn io::Write) -> io::Result<()> {
        match self {
            Self::Human(opts) => super::plan(plan, Format::Human, opts, w),
            Self::Json => line(
                &Line::Plan(PlanView {
                    format_version: APPLY_EVENTS_FORMAT_VERSION,
                    plan: Box::new(Document::new(plan)),
                }),
                w,
            ),
        }
    }

    /// Writes why apply stopped before changing anything (machines only:
    /// people read it on stderr, where the command writes it).
    pub fn refused(&self, refusal: &Refusal, w: &mut dyn io::Write) -> io::Result<()> {
        match self {
            Self::Human(_) => Ok(()),
            Self::Json => {
                line(&Line::Refused(RefusedView::new(refusal, APPLY_EVENTS_FORMAT_VERSION)), w)
            }
        }
    }

    /// Writes one event as it happens (machines only).
    pub fn event(&self, event: &Event, w: &mut dyn io::Write) -> io::Result<()> {
        match self {
            Self::Human(_) => Ok(()),
            Self::Json => line(&Line::from_event(event), w),
        }
    }

    /// Writes that there was nothing to apply (people already read it in the plan).
    pub fn unchanged(&self, w: &mut dyn io::Write) -> io::Result<()> {
        match self {
            Self::Human(_) => Ok(()),
            Self::Json => self.report(&Report::default(), w),
        }
    }

    /// Writes the final report.
    pub fn report(&self, report: &Report, w: &mut dyn io::Write) -> io::Result<()> {
        match self {
            Self::Human(_) => human_report(report, w),
            Self::Json => line(&Line::Summary(SummaryView::new(report)), w),
        }
    }
}

/// Returns the JSON Schema of one line of `apply --format json` (the committed
/// `schemas/apply-events.schema.json`).
pub fn apply_events_schema() -> serde_json::Value {
    generate::<Line>()
}

/// The last line of the human report.
pub fn apply_summary_line(report: &Report) -> String {
    let (done, failed, skipped) = (report.done(), report.failed(), report.not_tried());
    if report.items.is_empty() {
        return "Apply complete: no changes.".to_owned();
    }
    if report.complete() {
        let (refunded, satisfied) = (report.refunded(), report.satisfied());
        let refunds = if refunded > 0 {
            format!(" ({refunded} duplicate{} from a concurrent run refunded)", plural(refunded))
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
    // "part-way" only when something was (or may have been) done: the exit
    // code is then 5, else 1.
    let some = done > 0 || !report.maybe_created.is_empty();
    let why = match (report.interrupted, some) {
        (true, _) => "interrupted",
        (false, false) => "failed",
        (false, true) => "failed part-way",
    };
    format!(
        "Apply {why}: {done} done, {failed} failed, {skipped} not tried. Run apply again to converge."
    )
}

/// The report for people; every name, GUID, note and error escaped
/// ([`term`]), since the errors quote the server.
fn human_report(report: &Report, w: &mut dyn io::Write) -> io::Result<()> {
    writeln!(w)?;
    for item in &report.items {
        let name = term(&item.name);
        let what = match (item.action, item.step) {
            (Action::Replace, Step::Create) => "replace: create",
            (Action::Replace, Step::Cancel) => "replace: cancel old",
            (_, Step::Create) => "create",
            (_, Step::Cancel) => "cancel",
        };
        match &item.outcome {
            StepOutcome::Done { guid, note } => {
                let guid = term(guid.as_deref().unwrap_or("-"));
                let note = note.as_deref().map(|n| format!(" ({})", term(n))).unwrap_or_default();
                writeln!(w, "  done        {name}: {what} {guid}{note}")?;
            }
            StepOutcome::Failed { error, fields } => {
                writeln!(w, "  failed      {name}: {what}: {}", term(error))?;
                for f in fields {
                    writeln!(w, "                {}", term(f))?;
                }
            }
            StepOutcome::NotTried => writeln!(w, "  not tried   {name}: {what}")?,
            StepOutcome::Satisfied { guid } => writeln!(
                w,
                "  satisfied   {name}: {what} skipped: order {} (placed by another run) satisfies it",
                term(guid)
            )?,
        }
    }
    for r in &report.repairs {
        let what = format!("cancel duplicate {} (keeps {})", term(&r.guid), term(&r.kept));
        let name = term(&r.name);
        match &r.outcome {
            StepOutcome::Failed { error, .. } => {
                writeln!(w, "  failed      {name}: {what}: {}", term(error))?;
            }
            _ => writeln!(w, "  done        {name}: {what}: refunded")?,
        }
    }
    writeln!(w, "{}", apply_summary_line(report))
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn line(value: &Line, w: &mut dyn io::Write) -> io::Result<()> {
    super::escape::json::to_writer(&mut *w, value)?;
    writeln!(w)
}

/// One line of `skyform apply --format json`: an event while apply runs, or
/// the summary that ends the stream. Each line is a whole JSON object that
/// names its `event` and `format_version`. Fields are added in later
/// versions, never renamed or removed.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(title = "skyform apply events")]
#[serde(tag = "event", rename_all = "snake_case")]
enum Line {
    /// The first line: the plan apply is about to execute, as `plan --format
    /// json` writes it (`schemas/plan.schema.json`).
    Plan(PlanView),
    /// The last line when apply stops before its first change: blocked, over
    /// budget, unpriced, a stale saved plan, no confirmation, or an error.
    Refused(RefusedView),
    /// A step started.
    ChangeStarted(StepView),
    /// A step ended, done (or not tried).
    ChangeFinished(StepView),
    /// A step failed; no new change starts after it.
    ChangeFailed(StepView),
    /// A create's outcome is unknown (timeout, 5xx, dropped connection): the
    /// orders are listed again to find it before it may be sent again.
    ChangeRechecking(RecheckView),
    /// The last line: what the apply did, step by step.
    Summary(SummaryView),
}

/// The plan about to be applied.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "PlanEvent")]
struct PlanView {
    /// Version of this format; bumped only on a breaking change.
    format_version: u32,
    /// The plan, as `plan --format json` writes it.
    plan: Box<Document>,
}

/// One step of a change, as it starts or ends.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "StepEvent")]
struct StepView {
    /// Version of this format; bumped only on a breaking change.
    format_version: u32,
    /// Index of the change in the plan (`changes` of `plan --format json`).
    index: usize,
    /// The entry's name, or the GUID of a live order in no manifest.
    name: String,
    /// The plan's action.
    action: ActionView,
    /// Which step of the change.
    step: StepKind,
    /// How the step ended; `null` when it started.
    outcome: Option<OutcomeView>,
}

/// A create being re-checked after an unknown outcome.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "RecheckEvent")]
struct RecheckView {
    /// Version of this format; bumped only on a breaking change.
    format_version: u32,
    /// Index of the change in the plan.
    index: usize,
    /// The entry's name.
    name: String,
    /// The plan's action (`create` or `replace`).
    action: ActionView,
    /// The longest the re-checks may still take, in seconds.
    seconds_left: f64,
}

/// A step of a change: a replace has both.
#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
#[schemars(rename = "Step")]
#[serde(rename_all = "lowercase")]
enum StepKind {
    /// Placing the new order.
    Create,
    /// Cancelling the old order (or stopping its renewal).
    Cancel,
}

/// How a step ended.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "Outcome")]
struct OutcomeView {
    /// Done, failed, not tried, or satisfied.
    status: OutcomeStatus,
    /// For `done`: the new order (create) or the cancelled one; for
    /// `satisfied`: the other run's order; else `null`.
    guid: Option<String>,
    /// For `done`: e.g. `renewal stopped`, or how an unknown outcome was resolved.
    note: Option<String>,
    /// For `failed`: the error.
    error: Option<String>,
    /// For `failed`: the API's per-field messages (`Field: message`); else empty.
    fields: Vec<String>,
}

/// Whether a step was made.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
enum OutcomeStatus {
    /// The step was made.
    Done,
    /// The step failed; it changed nothing, or the next apply finds out.
    Failed,
    /// Not started: an earlier change failed or apply was interrupted.
    NotTried,
    /// Not sent: just before the create, a re-list found an order (`guid`,
    /// placed by another run) that satisfies the entry.
    Satisfied,
}

/// The end of the stream.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "Summary")]
struct SummaryView {
    /// Version of this format; bumped only on a breaking change.
    format_version: u32,
    /// Steps done.
    done: usize,
    /// Steps failed.
    failed: usize,
    /// Steps not started.
    not_tried: usize,
    /// True when an interrupt stopped new changes.
    interrupted: bool,
    /// True when every step was done (exit 0).
    complete: bool,
    /// Creates not sent because another run's order satisfied the entry.
    already_satisfied: usize,
    /// The one-line summary the human report ends with.
    line: String,
    /// Every step in plan order, a replace's create before its cancel.
    items: Vec<ItemView>,
    /// Orders this run created that another run's order duplicated, cancelled
    /// (refunded) after the creates; counted in `done` and `failed`.
    repairs: Vec<RepairView>,
    /// What the creates were planned to cost and were charged (the drop in
    /// the account's balance), when the balance could be read before and after
    /// and a create was done; else `null`.
    bill: Option<BillView>,
}

/// The bill of this run's creates.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "Bill")]
struct BillView {
    /// EUR the plan said the creates done (or maybe done) cost this month.
    planned_eur: f64,
    /// EUR the account's balance dropped by over the apply.
    charged_eur: f64,
    /// Creates done or maybe done.
    creates: usize,
    /// True when the charges exceed the plan by more than a cent per create (exit 5).
    exceeds_plan: bool,
}

/// A duplicate this run created in a race, and its refund.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "Repair")]
struct RepairView {
    /// The entry.
    name: String,
    /// The duplicate this run created and cancelled.
    guid: String,
    /// The order kept for the entry.
    kept: String,
    /// How the cancel ended.
    outcome: OutcomeView,
}

/// One step in the summary.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "Item")]
struct ItemView {
    /// Index of the change in the plan.
    index: usize,
    /// The entry's name, or the GUID of a live order in no manifest.
    name: String,
    /// The plan's action.
    action: ActionView,
    /// Which step of the change.
    step: StepKind,
    /// How the step ended.
    outcome: OutcomeView,
}

impl Line {
    fn from_event(e: &Event) -> Self {
        let step = || StepView {
            format_version: APPLY_EVENTS_FORMAT_VERSION,
            index: e.index,
            name: e.name.clone(),
            action: e.action.into(),
            step: e.step.into(),
            outcome: e.outcome.as_ref().map(OutcomeView::new),
        };
        match e.kind {
            EventKind::Started => Self::ChangeStarted(step()),
            EventKind::Finished => Self::ChangeFinished(step()),
            EventKind::Failed => Self::ChangeFailed(step()),
            EventKind::Rechecking { left } => Self::ChangeRechecking(RecheckView {
                format_version: APPLY_EVENTS_FORMAT_VERSION,
                index: e.index,
                name: e.name.clone(),
                action: e.action.into(),
                seconds_left: left.as_secs_f64(),
            }),
        }
    }
}

impl From<Step> for StepKind {
    fn from(step: Step) -> Self {
        match step {
            Step::Create => Self::Create,
            Step::Cancel => Self::Cancel,
        }
    }
}

impl OutcomeView {
    fn new(outcome: &StepOutcome) -> Self {
        let empty =
            |status| Self { status, guid: None, note: None, error: None, fields: Vec::new() };
        match outcome {
            StepOutcome::Done { guid, note } => {
                Self { guid: guid.clone(), note: note.clone(), ..empty(OutcomeStatus::Done) }
            }
            StepOutcome::Failed { error, fields } => Self {
                error: Some(error.clone()),
                fields: fields.clone(),
                ..empty(OutcomeStatus::Failed)
            },
            StepOutcome::NotTried => empty(OutcomeStatus::NotTried),
            StepOutcome::Satisfied { guid } => {
                Self { guid: Some(guid.clone()), ..empty(OutcomeStatus::Satisfied) }
            }
        }
    }
}

impl SummaryView {
    fn new(report: &Report) -> Self {
        Self {
            format_version: APPLY_EVENTS_FORMAT_VERSION,
            done: report.done(),
            failed: report.failed(),
            not_tried: report.not_tried(),
            interrupted: report.interrupted,
            complete: report.complete(),
            already_satisfied: report.satisfied(),
            line: apply_summary_line(report),
            items: report.items.iter().map(ItemView::new).collect(),
            repairs: report
                .repairs
                .iter()
                .map(|r| RepairView {
                    name: r.name.clone(),
                    guid: r.guid.clone(),
                    kept: r.kept.clone(),
                    outcome: OutcomeView::new(&r.outcome),
                })
                .collect(),
            bill: report.bill.as_ref().map(|b| BillView {
                planned_eur: (b.planned * 100.0).round() / 100.0,
                charged_eur: (b.charged * 100.0).round() / 100.0,
                creates: b.creates,
                exceeds_plan: b.exceeds_plan(),
            }),
        }
    }
}

impl ItemView {
    fn new(item: &StepReport) -> Self {
        Self {
            index: item.index,
            name: item.name.clone(),
            action: item.action.into(),
            step: item.step.into(),
            outcome: OutcomeView::new(&item.outcome),
        }
    }
}

#[cfg(test)]
mod tests;
