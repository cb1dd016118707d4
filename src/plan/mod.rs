//! The plan: a plain value saying what would change and what it costs.
//!
//! Pure, no IO. [`diff::diff`] computes a [`Plan`] from the manifests and the live
//! orders; an IO step then fills in [`Cost`] for creates and replaces
//! ([`Plan::set_cost`]); renderers read it; `apply` executes it and makes no
//! decision of its own. The value is serialized as is into saved plans
//! (`plan --out`), so fields are added, never renamed or removed.
//!
//! What `apply` may rely on:
//! - `changes` is in execution order: manifest entries in manifest order, then
//!   live orders that match no entry and the duplicates cancelled, by GUID.
//! - a [`Action::Create`] has `request`; a [`Action::Replace`] has `request` and
//!   `live` (the order it supersedes) and `cancel_effect` says whether the old
//!   order is cancelled after the new one exists; a [`Action::Cancel`] has `live`
//!   and `cancel_effect`. Nothing else is executed.

pub mod account;
mod action;
mod dedupe;
pub mod diff;
mod duplicates;
mod live;
mod pairing;

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::spec::Ensure;
use clearsky::api::types::{OrderRequest, OrderStatus};

pub use action::Action;
pub use diff::{DiffOptions, diff};
pub use duplicates::{Duplicate, duplicates_of};

/// Version of the saved-plan and `--format json` document; bumped only on a
/// breaking change (fields are added without a bump).
pub const FORMAT_VERSION: u32 = 1;

/// What would change, and what it costs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// Always [`FORMAT_VERSION`] when written by this build.
    pub format_version: u32,
    /// When the plan was computed (the clock given to `diff`).
    pub generated_at: DateTime<Utc>,
    /// The UTC day the cancel rules were evaluated for (`generated_at`'s date).
    pub today: NaiveDate,
    /// Whether `--prune` was given.
    pub prune: bool,
    /// The `--target` names; empty means every entry.
    pub targets: Vec<String>,
    /// The commit `--base` named, whose manifests decided which live orders
    /// are an entry's previous version; `None` without `--base`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<String>,
    /// One item per manifest entry that matters and per live order that matches
    /// no entry, in execution order. Includes `keep` and `unmanaged` items.
    pub changes: Vec<Change>,
    /// Live orders that match an entry that another live order already satisfies.
    /// Those in `Review` are also `cancel` changes (full refund); with `--prune`
    /// so are accepted recurring ones; the rest are only listed here.
    pub duplicates: Vec<Duplicate>,
    /// Spending limits (manifest `budget`, tightened by `--max-cost`); `None`
    /// when neither sets a limit.
    pub budget: Option<BudgetLimits>,
    /// The account before → after and the credits guard; `None` until priced.
    #[serde(default)]
    pub account: Option<account::AccountSummary>,
    /// Footprint WKT (EPSG:4326) of tile and minitile GUIDs the plan draws,
    /// filled in by an IO step only for the map formats; drawing only, never
    /// compared or executed.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tile_footprints: BTreeMap<String, String>,
}

/// One line of the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// The manifest entry's `name`; `None` for a live order that matches no entry.
    pub name: Option<String>,
    /// What happens.
    pub action: Action,
    /// The manifest entry, when there is one.
    pub desired: Option<DesiredSummary>,
    /// The live order concerned: the order kept, replaced, cancelled, blocked or
    /// unmanaged. For a tile entry, the first covering order (all are in `tiles`).
    pub live: Option<LiveOrderSummary>,
    /// The exact body the estimate and the create get (creates and replaces only).
    /// For a tile entry it holds only the uncovered remainder.
    pub request: Option<OrderRequest>,
    /// For a replace (or a blocked replace): the fields that differ, old → new.
    pub field_changes: Vec<FieldChange>,
    /// The price of the create; [`Cost::Unpriced`] until the pricing step ran.
    pub cost: Cost,
    /// What cancelling `live` does (cancel and replace only).
    pub cancel_effect: Option<CancelEffect>,
    /// Why the change is blocked, or a note on a keep/unmanaged/cancel item.
    pub reason: Option<String>,
    /// Coverage of a tile entry by live orders.
    pub tiles: Option<TileCoverage>,
}

/// A manifest entry as the plan shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DesiredSummary {
    /// Manifest file.
    pub file: String,
    /// 1-based line of the entry.
    pub line: usize,
    /// `present` or `absent`.
    pub ensure: Ensure,
    /// `protect: true`.
    pub protect: bool,
    /// [`crate::identity::spec_digest`] of the entry's spec.
    pub spec_digest: String,
    /// Model in API casing.
    pub model: String,
    /// First month.
    pub from: NaiveDate,
    /// Last day; `None` when recurring.
    pub to: Option<NaiveDate>,
    /// Short description of the AOI (`2 polygons`, `3 tiles, 5 minitiles`).
    pub aoi: String,
}

/// A live order as the plan shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveOrderSummary {
    /// `TaskOrderGuid`: what cancel is called with.
    pub guid: String,
    /// `OrderingProcessStatus` as listed.
    pub status: OrderStatus,
    /// Model as listed.
    pub model: String,
    /// First month.
    pub from: NaiveDate,
    /// Last day; `None` when recurring.
    pub to: Option<NaiveDate>,
    /// Billed area (`TaskOrderAreaKm2`).
    pub area_km2: f64,
    /// [`crate::identity::live_digest`] of the order as listed: a saved plan is
    /// stale when a re-listed order's digest differs.
    pub digest: String,
    /// The order's `Wkt` as listed (polygon orders), for drawing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wkt: Option<String>,
    /// The order's tile GUIDs, for drawing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tiles: Vec<String>,
    /// The order's minitile GUIDs, for drawing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mini_tiles: Vec<String>,
}

/// One field of a replace, in API form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    /// API field name (`ImageFrequency`).
    pub field: String,
    /// Value of the live order (`null` for a recurring `To`).
    pub old: String,
    /// Value the entry wants.
    pub new: String,
}

/// The price of a change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Cost {
    /// The change places no order (keep, cancel, blocked, unmanaged).
    NotApplicable,
    /// Not priced: never counted as 0. `reason` is `None` until the pricing step
    /// ran, then the estimate's error.
    Unpriced {
        /// Why the estimate failed.
        reason: Option<String>,
    },
    /// The estimate of `request`.
    Priced(Price),
}

/// An estimate's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Price {
    /// Currency code (`EUR`).
    pub currency: String,
    /// Cost charged in the current month.
    pub current_month: f64,
    /// Cost of each following month (0 for a fixed window ending this month).
    pub monthly: f64,
    /// Billed area in km².
    pub area_km2: f64,
    /// Number of image dates in the priced window.
    pub image_dates: usize,
}

/// What cancelling a live order does, by lifecycle stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CancelEffect {
    /// In `Review`: the order disappears and its cost is refunded.
    FullRefund,
    /// Accepted and recurring: no further renewal; the current month is still
    /// produced and billed, through `until` (the last day of the current month).
    /// The cancel must reach the API before 00:00 UTC on the day after `until`.
    RenewalStops {
        /// Last day still produced and billed.
        until: NaiveDate,
    },
    /// Replace only: the old order cannot be cancelled and stays as it is.
    NotCancellable {
        /// Why (`accepted fixed-window order`, `renewal already stopped`).
        reason: String,
    },
}

/// How far live orders cover a tile entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TileCoverage {
    /// Tiles the entry wants.
    pub tiles_wanted: usize,
    /// Minitiles the entry wants.
    pub minitiles_wanted: usize,
    /// Tiles no live order covers (these go in `request`): neither one of the
    /// entry's orders nor, when the create deduplicates, an order the server's
    /// deduplication finds them in (see `dedupe`).
    pub tiles_missing: usize,
    /// Minitiles no live order covers (these go in `request`), as `tiles_missing`.
    pub minitiles_missing: usize,
    /// GUIDs of the live orders that cover part of the entry, both kinds.
    pub covered_by: Vec<String>,
}

/// Spending limits, in EUR.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BudgetLimits {
    /// Most the plan may cost in the current month.
    pub max_current_month: Option<f64>,
    /// Most the plan may add to each following month.
    pub max_monthly: Option<f64>,
}

/// The currency budgets are written in.
pub const BUDGET_CURRENCY: &str = "EUR";

/// Money per currency.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Money {
    /// Charged in the current month.
    pub current_month: f64,
    /// Added to each following month.
    pub monthly: f64,
}

/// Sums of the priced creates and replaces.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Totals {
    /// Sum per currency code of the priced items.
    pub per_currency: BTreeMap<String, Money>,
    /// Creates and replaces without a price: the totals are a lower bound when non-zero.
    pub unpriced: usize,
}

/// Number of items per action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Counts {
    /// `keep` items.
    pub keep: usize,
    /// `create` items.
    pub create: usize,
    /// `replace` items.
    pub replace: usize,
    /// `cancel` items.
    pub cancel: usize,
    /// `blocked` items.
    pub blocked: usize,
    /// `unmanaged` items.
    pub unmanaged: usize,
}

impl Counts {
    /// The count for one action.
    pub fn get(&self, action: Action) -> usize {
        match action {
            Action::Keep => self.keep,
            Action::Create => self.create,
            Action::Replace => self.replace,
            Action::Cancel => self.cancel,
            Action::Blocked => self.blocked,
            Action::Unmanaged => self.unmanaged,
        }
    }
}

/// Result of checking the totals against the budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BudgetStatus {
    /// Every item is priced in EUR and the totals are within every limit.
    Within,
    /// A limit is exceeded (already by the priced items alone).
    Over,
    /// Some item is unpriced or not in EUR, so the plan cannot prove it is within
    /// budget; treated as a failure like `Over`.
    Unknown,
}

/// The budget check of a plan.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BudgetCheck {
    /// The limits checked.
    pub limits: BudgetLimits,
    /// EUR this month from the priced items (a lower bound unless `status` is `within`/`over`).
    pub current_month: f64,
    /// EUR per following month from the priced items.
    pub monthly: f64,
    /// The verdict.
    pub status: BudgetStatus,
}

impl BudgetCheck {
    /// True only when the plan is provably within budget.
    pub fn passes(&self) -> bool {
        self.status == BudgetStatus::Within
    }
}

impl Change {
    /// A change with only its name and action set: no live order, no request,
    /// no field changes, nothing to price.
    pub fn new(name: Option<String>, action: Action) -> Self {
        Self {
            name,
            action,
            desired: None,
            live: None,
            request: None,
            field_changes: Vec::new(),
            cost: Cost::NotApplicable,
            cancel_effect: None,
            reason: None,
            tiles: None,
        }
    }
}

impl Plan {
    /// A plan of `changes` computed at `generated_at`, with no `--prune`, no
    /// targets, duplicates, budget, account or footprints (for library users,
    /// tests and benchmarks; [`diff`] fills every field).
    pub fn new(generated_at: DateTime<Utc>, changes: Vec<Change>) -> Self {
        Self {
            format_version: FORMAT_VERSION,
            generated_at,
            today: generated_at.date_naive(),
            prune: false,
            targets: Vec::new(),
            base: None,
            changes,
            duplicates: Vec::new(),
            budget: None,
            account: None,
            tile_footprints: BTreeMap::new(),
        }
    }

    /// True when apply would create, replace or cancel something.
    pub fn has_changes(&self) -> bool {
        self.changes.iter().any(|c| c.action.is_change())
    }

    /// True when some change is blocked (the plan fails with exit 3).
    pub fn is_blocked(&self) -> bool {
        self.changes.iter().any(|c| c.action == Action::Blocked)
    }

    /// Number of items per action.
    pub fn counts(&self) -> Counts {
        let mut n = Counts::default();
        for c in &self.changes {
            *match c.action {
                Action::Keep => &mut n.keep,
                Action::Create => &mut n.create,
                Action::Replace => &mut n.replace,
                Action::Cancel => &mut n.cancel,
                Action::Blocked => &mut n.blocked,
                Action::Unmanaged => &mut n.unmanaged,
            } += 1;
        }
        n
    }

    /// Indexes of the changes that need a price (creates and replaces), for the pricing step.
    pub fn priceable(&self) -> Vec<usize> {
        (0..self.changes.len())
            .filter(|&i| self.changes[i].request.is_some() && self.changes[i].action.is_change())
            .collect()
    }

    /// Sets the cost of change `index`; returns false when there is no such change.
    pub fn set_cost(&mut self, index: usize, cost: Cost) -> bool {
        match self.changes.get_mut(index) {
            Some(change) => {
                change.cost = cost;
                true
            }
            None => false,
        }
    }

    /// Totals per currency of the priced creates and replaces, and how many are unpriced.
    pub fn totals(&self) -> Totals {
        let mut totals = Totals::default();
        for c in self.changes.iter().filter(|c| c.action.is_change()) {
            match &c.cost {
                Cost::Priced(p) => {
                    let m = totals.per_currency.entry(p.currency.clone()).or_default();
                    m.current_month += p.current_month;
                    m.monthly += p.monthly;
                }
                Cost::Unpriced { .. } => totals.unpriced += 1,
                Cost::NotApplicable => {}
            }
        }
        totals
    }

    /// Checks the totals against `budget`; `None` when there is no limit.
    ///
    /// An unpriced item, or a price in another currency than EUR, makes the
    /// result [`BudgetStatus::Unknown`] unless the priced EUR items alone already
    /// exceed a limit (costs are never negative), which is [`BudgetStatus::Over`].
    pub fn budget_check(&self) -> Option<BudgetCheck> {
        let limits = self.budget?;
        let totals = self.totals();
        let eur = totals.per_currency.get(BUDGET_CURRENCY).copied().unwrap_or_default();
        let other_currency = totals.per_currency.keys().any(|k| k != BUDGET_CURRENCY);
        let over = |limit: Option<f64>, value: f64| limit.is_some_and(|l| value > l);
        let status = if over(limits.max_current_month, eur.current_month)
            || over(limits.max_monthly, eur.monthly)
        {
            BudgetStatus::Over
        } else if totals.unpriced > 0 || other_currency {
            BudgetStatus::Unknown
        } else {
            BudgetStatus::Within
        };
        Some(BudgetCheck { limits, current_month: eur.current_month, monthly: eur.monthly, status })
    }

    /// EUR the creates need beyond the credit balance plus overdraft (the plan is blocked).
    pub fn credit_shortfall(&self) -> Option<f64> {
        self.account.as_ref().and_then(|a| a.credit_shortfall)
    }

    /// The `unmanaged` items.
    pub fn unmanaged(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(|c| c.action == Action::Unmanaged)
    }
}

#[cfg(test)]
mod tests;
