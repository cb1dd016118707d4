//! `plan --format json`: the plan for machines.
//!
//! Pure. The document is built from serialize-only view types defined here
//! (ripgrep's `jsont.rs`), not from the `Plan`'s own serde, so the saved-plan
//! format and this public contract can evolve apart. It follows the rules of
//! [`super::schema`] (fields added, never renamed or removed; `null`, never
//! left out); `schemas/plan.schema.json` is generated from these types and its
//! version is [`crate::plan::FORMAT_VERSION`]. Money is a number in the
//! currency named next to it; totals are rounded to the cent.

use std::collections::BTreeMap;
use std::io;

use chrono::{DateTime, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::Serialize;

use super::schema::{ActionView, generate};
use crate::plan::{self, BudgetStatus, CancelEffect, Change, Cost, LiveOrderSummary, Plan};
use crate::spec::Ensure;
use clearsky::money::cents;

/// Writes `plan` as one pretty-printed JSON document followed by a newline.
pub(super) fn render(plan: &Plan, w: &mut dyn io::Write) -> io::Result<()> {
    super::escape::json::to_writer_pretty(&mut *w, &Document::new(plan))?;
    writeln!(w)
}

/// The JSON Schema of the document (`schemas/plan.schema.json`).
pub(super) fn schema() -> serde_json::Value {
    generate::<Document>()
}

/// The plan `skyform plan --format json` writes: what would change and what it
/// costs. Fields are added in later versions, never renamed or removed.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(title = "skyform plan")]
pub(super) struct Document {
    /// Version of this format; bumped only on a breaking change.
    format_version: u32,
    /// When the plan was computed (UTC).
    generated_at: DateTime<Utc>,
    /// The UTC day the cancel rules were evaluated for.
    today: NaiveDate,
    /// Whether `--prune` was given.
    prune: bool,
    /// The `--target` names; empty means every entry.
    targets: Vec<String>,
    /// The commit `--base` named (a full id): its manifests decided which live
    /// orders are an entry's previous version. `null` without `--base`.
    base: Option<String>,
    /// Counts, totals and the budget verdict.
    summary: Summary,
    /// One item per manifest entry and per live order in no manifest, in the
    /// order apply executes them.
    changes: Vec<ChangeView>,
    /// Live orders matching an entry another live order already satisfies.
    duplicates: Vec<DuplicateView>,
}

/// The plan at a glance.
#[derive(Debug, Serialize, JsonSchema)]
struct Summary {
    /// True when apply would create, replace or cancel something.
    has_changes: bool,
    /// True when the plan is blocked (it fails): a change is forbidden, or the
    /// creates exceed the credits (`account.credit_shortfall`).
    blocked: bool,
    /// Number of items per action.
    counts: Counts,
    /// Cost of the priced creates and replaces, per currency code (`EUR`).
    totals: BTreeMap<String, Money>,
    /// Creates and replaces without a price; when non-zero the totals are a lower bound.
    unpriced: usize,
    /// The budget check; `null` when no budget applies.
    budget: Option<Budget>,
    /// The account before → after; `null` when the plan was not priced.
    account: Option<super::account::AccountView>,
    /// The one-line summary the human output ends with.
    line: String,
}

/// Number of items per action.
#[derive(Debug, Serialize, JsonSchema)]
struct Counts {
    /// Entries already satisfied.
    keep: usize,
    /// Orders to place.
    create: usize,
    /// Orders to place in place of a live order.
    replace: usize,
    /// Live orders to cancel.
    cancel: usize,
    /// Wanted changes the rules forbid.
    blocked: usize,
    /// Live orders in no manifest, not touched.
    unmanaged: usize,
}

/// An amount charged now and per following month.
#[derive(Debug, Serialize, JsonSchema)]
struct Money {
    /// Charged in the current month.
    current_month: f64,
    /// Added to each following month.
    monthly: f64,
}

/// The budget check (limits in EUR).
#[derive(Debug, Serialize, JsonSchema)]
struct Budget {
    /// Most the plan may cost this month; `null` when unlimited.
    max_current_month: Option<f64>,
    /// Most the plan may add per month; `null` when unlimited.
    max_monthly: Option<f64>,
    /// EUR this month of the priced items.
    current_month: f64,
    /// EUR per month of the priced items.
    monthly: f64,
    /// The verdict; `unknown` (some item unpriced or not in EUR) fails like `over`.
    status: BudgetVerdict,
    /// True only when the plan is provably within budget.
    passes: bool,
    /// The verdict as a sentence.
    message: String,
}

/// Verdict of the budget check.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "BudgetStatus")]
#[serde(rename_all = "lowercase")]
enum BudgetVerdict {
    /// Within every limit.
    Within,
    /// Some limit is exceeded.
    Over,
    /// Cannot be proven within the limits.
    Unknown,
}

/// One item of the plan.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "Change")]
struct ChangeView {
    /// What happens.
    action: ActionView,
    /// The manifest entry's name; `null` for a live order in no manifest.
    name: Option<String>,
    /// The live order concerned; `null` for a create.
    live: Option<LiveView>,
    /// The manifest entry; `null` for a live order in no manifest.
    desired: Option<DesiredView>,
    /// The exact body the create sends, with the API's PascalCase keys; `null`
    /// unless the item places an order.
    request: Option<serde_json::Value>,
    /// The price of the order placed.
    cost: CostView,
    /// For a replace or a blocked replace: the fields that differ.
    field_changes: Vec<FieldChangeView>,
    /// What cancelling the live order does (cancel and replace).
    cancel_effect: Option<CancelEffectView>,
    /// Why the item is blocked, or a note on it.
    reason: Option<String>,
    /// Coverage of a tile entry by live orders.
    tiles: Option<TilesView>,
}

/// A live order.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "LiveOrder")]
struct LiveView {
    /// `TaskOrderGuid`.
    guid: String,
    /// `OrderingProcessStatus` as listed.
    status: String,
    /// Model.
    model: String,
    /// First month.
    from: NaiveDate,
    /// Last day; `null` while recurring.
    to: Option<NaiveDate>,
    /// Billed area in km².
    area_km2: f64,
    /// Digest of the order as listed.
    digest: String,
}

/// A manifest entry.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "Desired")]
struct DesiredView {
    /// Manifest file.
    file: String,
    /// 1-based line of the entry.
    line: usize,
    /// `present` or `absent`.
    ensure: EnsureView,
    /// Whether the entry has `protect: true`.
    protect: bool,
    /// Fingerprint of the entry's spec.
    spec_digest: String,
    /// Model.
    model: String,
    /// First month.
    from: NaiveDate,
    /// Last day; `null` when recurring.
    to: Option<NaiveDate>,
    /// Short description of the AOI.
    aoi: String,
}

/// `ensure` of an entry.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "Ensure")]
#[serde(rename_all = "lowercase")]
enum EnsureView {
    /// The order should exist.
    Present,
    /// The order should not exist.
    Absent,
}

/// Whether and how an item is priced.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
enum CostStatus {
    /// Priced by the estimate endpoint.
    Priced,
    /// Should be priced but is not; never counts as 0.
    Unpriced,
    /// The item places no order.
    NotApplicable,
}

/// The price of an item; the figures are `null` unless `status` is `priced`.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "Cost")]
struct CostView {
    /// Whether the item is priced.
    status: CostStatus,
    /// Currency code.
    currency: Option<String>,
    /// Charged in the current month.
    current_month: Option<f64>,
    /// Charged in each following month.
    monthly: Option<f64>,
    /// Billed area in km².
    area_km2: Option<f64>,
    /// Image dates in the priced window.
    image_dates: Option<usize>,
    /// Why an unpriced item has no price.
    reason: Option<String>,
}

/// One changed field, in API form.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "FieldChange")]
struct FieldChangeView {
    /// API field name (`ImageFrequency`).
    field: String,
    /// Value of the live order; `null` for an absent value (a recurring `To`).
    old: Option<String>,
    /// Value the entry wants; `null` for an absent value (a recurring `To`).
    new: Option<String>,
}

/// Kind of a cancel effect.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
enum CancelKind {
    /// In review: removed and refunded.
    FullRefund,
    /// Accepted and recurring: billed through `until`, not renewed after.
    RenewalStops,
    /// The old order of a replace cannot be cancelled and stays.
    NotCancellable,
}

/// What cancelling a live order does.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "CancelEffect")]
struct CancelEffectView {
    /// The kind of effect.
    kind: CancelKind,
    /// For `renewal_stops`: the last day still produced and billed.
    until: Option<NaiveDate>,
    /// For `not_cancellable`: why.
    reason: Option<String>,
    /// The effect as a phrase.
    description: String,
}

/// Coverage of a tile entry by live orders.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "TileCoverage")]
struct TilesView {
    /// Tiles the entry wants.
    tiles_wanted: usize,
    /// Minitiles the entry wants.
    minitiles_wanted: usize,
    /// Tiles no live order covers.
    tiles_missing: usize,
    /// Minitiles no live order covers.
    minitiles_missing: usize,
    /// GUIDs of the live orders covering part of the entry.
    covered_by: Vec<String>,
}

impl Document {
    /// The document of `plan` (also the `plan` event of `apply --format json`).
    pub(super) fn new(plan: &Plan) -> Self {
        Self {
            format_version: plan::FORMAT_VERSION,
            generated_at: plan.generated_at,
            today: plan.today,
            prune: plan.prune,
            targets: plan.targets.clone(),
            base: plan.base.clone(),
            summary: Summary::new(plan),
            changes: plan.changes.iter().map(ChangeView::new).collect(),
            duplicates: plan.duplicates.iter().map(DuplicateView::new).collect(),
        }
    }
}

impl Summary {
    fn new(plan: &Plan) -> Self {
        let n = plan.counts();
        let totals = plan.totals();
        let budget = plan.budget_check().map(|check| Budget {
            max_current_month: check.limits.max_current_month,
            max_monthly: check.limits.max_monthly,
            current_month: cents(check.current_month),
            monthly: cents(check.monthly),
            status: match check.status {
                BudgetStatus::Within => BudgetVerdict::Within,
                BudgetStatus::Over => BudgetVerdict::Over,
                BudgetStatus::Unknown => BudgetVerdict::Unknown,
            },
            passes: check.passes(),
            message: super::budget_line(plan).unwrap_or_default(),
        });
        Self {
            has_changes: plan.has_changes(),
            blocked: plan.is_blocked() || plan.credit_shortfall().is_some(),
            counts: Counts {
                keep: n.keep,
                create: n.create,
                replace: n.replace,
                cancel: n.cancel,
                blocked: n.blocked,
                unmanaged: n.unmanaged,
            },
            totals: totals
                .per_currency
                .iter()
                .map(|(currency, m)| {
                    let money =
                        Money { current_month: cents(m.current_month), monthly: cents(m.monthly) };
                    (currency.clone(), money)
                })
                .collect(),
            unpriced: totals.unpriced,
            budget,
            account: plan.account.as_ref().map(super::account::AccountView::new),
            line: super::summary_line(plan),
        }
    }
}

impl ChangeView {
    fn new(c: &Change) -> Self {
        Self {
            action: c.action.into(),
            name: c.name.clone(),
            live: c.live.as_ref().map(LiveView::new),
            desired: c.desired.as_ref().map(|d| DesiredView {
                file: d.file.clone(),
                line: d.line,
                ensure: match d.ensure {
                    Ensure::Present => EnsureView::Present,
                    Ensure::Absent => EnsureView::Absent,
                },
                protect: d.protect,
                spec_digest: d.spec_digest.clone(),
                model: d.model.clone(),
                from: d.from,
                to: d.to,
                aoi: d.aoi.clone(),
            }),
            // An `OrderRequest` always serializes; `null` only if that ever changed.
            request: c.request.as_ref().and_then(|r| serde_json::to_value(r).ok()),
            cost: CostView::new(&c.cost),
            field_changes: c
                .field_changes
                .iter()
                .map(|f| FieldChangeView {
                    field: f.field.clone(),
                    old: (f.old != "null").then(|| f.old.clone()),
                    new: (f.new != "null").then(|| f.new.clone()),
                })
                .collect(),
            cancel_effect: c.cancel_effect.as_ref().map(CancelEffectView::new),
            reason: c.reason.clone(),
            tiles: c.tiles.as_ref().map(|t| TilesView {
                tiles_wanted: t.tiles_wanted,
                minitiles_wanted: t.minitiles_wanted,
                tiles_missing: t.tiles_missing,
                minitiles_missing: t.minitiles_missing,
                covered_by: t.covered_by.clone(),
            }),
        }
    }
}

impl LiveView {
    fn new(l: &LiveOrderSummary) -> Self {
        Self {
            guid: l.guid.clone(),
            status: l.status.to_string(),
            model: l.model.clone(),
            from: l.from,
            to: l.to,
            area_km2: l.area_km2,
            digest: l.digest.clone(),
        }
    }
}

impl CostView {
    fn new(cost: &Cost) -> Self {
        let empty = |status, reason| Self {
            status,
            currency: None,
            current_month: None,
            monthly: None,
            area_km2: None,
            image_dates: None,
            reason,
        };
        match cost {
            Cost::NotApplicable => empty(CostStatus::NotApplicable, None),
            Cost::Unpriced { reason } => empty(CostStatus::Unpriced, reason.clone()),
            Cost::Priced(p) => Self {
                status: CostStatus::Priced,
                currency: Some(p.currency.clone()),
                current_month: Some(p.current_month),
                monthly: Some(p.monthly),
                area_km2: Some(p.area_km2),
                image_dates: Some(p.image_dates),
                reason: None,
            },
        }
    }
}

impl CancelEffectView {
    fn new(effect: &CancelEffect) -> Self {
        let (kind, until, reason) = match effect {
            CancelEffect::FullRefund => (CancelKind::FullRefund, None, None),
            CancelEffect::RenewalStops { until } => (CancelKind::RenewalStops, Some(*until), None),
            CancelEffect::NotCancellable { reason } => {
                (CancelKind::NotCancellable, None, Some(reason.clone()))
            }
        };
        Self { kind, until, reason, description: super::cancel_effect_text(effect) }
    }
}

mod duplicates;

use duplicates::DuplicateView;

#[cfg(test)]
mod tests;
