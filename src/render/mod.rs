//! Renderers of a plan, of an apply and of the live-order list: human, JSON,
//! Markdown, and the maps (GeoJSON, SVG).
//!
//! Pure, no IO of its own: every renderer reads only the value it is given and
//! writes to the `&mut dyn Write` it is handed (ripgrep's printers). The words
//! shared by several formats (the summary line, the budget verdict, a cost, a
//! cancel effect) are built here once, so the formats never disagree.

mod account;
mod apply;
mod duplicates;
mod escape;
mod geojson;
mod human;
mod inline_diff;
mod json;
mod map;
mod markdown;
mod orders;
mod refusal;
mod schema;
mod style;
mod svg;

#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod inert_tests;

use std::fmt::Write as _;
use std::io;

pub use apply::{
    APPLY_EVENTS_FORMAT_VERSION, ApplyRenderer, apply_events_schema, apply_summary_line,
};
pub use orders::OrderRow;

use crate::plan::{
    Action, BUDGET_CURRENCY, BudgetCheck, BudgetStatus, CancelEffect, Change, Plan, Price,
};

/// Output format of `plan`, `apply`, `orders`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum Format {
    /// Terraform-like text for people.
    #[default]
    Human,
    /// Versioned JSON (see `schemas/plan.schema.json`; `apply` writes JSON
    /// lines, see `schemas/apply-events.schema.json`).
    Json,
    /// Markdown for a pull-request comment (with a ```geojson map unless `--no-map`).
    Markdown,
    /// An RFC 7946 GeoJSON FeatureCollection of the areas, styled by action
    /// (`plan` and `orders`).
    Geojson,
    /// A self-contained SVG map of the areas (`plan` and `orders`).
    Svg,
}

/// How to render, beyond the format.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RenderOptions {
    /// Writes ANSI colours (human format only).
    pub color: bool,
    /// Lists unchanged (`keep`) entries too, and shows long values (WKT diffs,
    /// GUID lists) in full instead of shortened. Human format only, and the
    /// maps, which draw unchanged areas only with it.
    pub detailed: bool,
    /// Leaves the map out of the Markdown plan (`--no-map`).
    pub no_map: bool,
}

/// Writes `plan` in `format` to `w`.
pub fn plan(
    plan: &Plan,
    format: Format,
    opts: &RenderOptions,
    w: &mut dyn io::Write,
) -> io::Result<()> {
    match format {
        Format::Human => human::render(plan, *opts, w),
        Format::Json => json::render(plan, w),
        Format::Markdown => w.write_all(markdown::render(plan, *opts).as_bytes()),
        Format::Geojson => w.write_all(geojson::render(&map::Map::of_plan(plan, *opts)).as_bytes()),
        Format::Svg => {
            let mut title = stop_lines(plan);
            title.push(summary_line(plan));
            svg::render(&map::Map::of_plan(plan, *opts), &title.join(" "), w)
        }
    }
}

/// Tells whether `format` is a map (GeoJSON or SVG), which `apply` cannot write.
pub fn is_map(format: Format) -> bool {
    matches!(format, Format::Geojson | Format::Svg)
}

/// Tells whether the plan output in `format` draws areas, and so needs
/// [`Plan::tile_footprints`] filled in for tile and minitile entries.
pub fn draws_map(format: Format, opts: &RenderOptions) -> bool {
    is_map(format) || (format == Format::Markdown && !opts.no_map)
}

/// Returns the JSON Schema of `plan --format json` (the committed
/// `schemas/plan.schema.json`).
pub fn plan_json_schema() -> serde_json::Value {
    json::schema()
}

/// Writes the live-order table (`skyform orders`) in `format` to `w`.
pub fn orders(
    rows: &[OrderRow],
    format: Format,
    opts: &RenderOptions,
    w: &mut dyn io::Write,
) -> io::Result<()> {
    orders::render(rows, format, *opts, w)
}

/// Returns the one-line summary that ends a human plan, e.g. `Plan: 2 to
/// create, 1 to cancel, 5 unchanged. Cost this month: EUR 123.45, then EUR
/// 80.00/month.`, or `No changes. 5 orders match the manifests.`
pub fn summary_line(plan: &Plan) -> String {
    let n = plan.counts();
    if !plan.has_changes() && n.blocked == 0 {
        // An `ensure: absent` entry with nothing to cancel is unchanged but
        // matches no order; an order two tile entries share counts once.
        let matched: std::collections::BTreeSet<&str> = plan
            .changes
            .iter()
            .filter(|c| c.action == Action::Keep)
            .flat_map(|c| {
                let covering = c.tiles.iter().flat_map(|t| &t.covered_by);
                c.live.iter().map(|l| &l.guid).chain(covering).map(String::as_str)
            })
            .collect();
        let mut line =
            format!("No changes. {} the manifests.", orders_match(matched.len(), "match"));
        if n.unmanaged > 0 {
            line.pop();
            let _ = write!(line, "; {} in no manifest.", orders_match(n.unmanaged, "are"));
        }
        return line + &duplicates::summary_suffix(plan);
    }
    let parts: Vec<String> = [
        (n.create, "to create"),
        (n.replace, "to replace"),
        (n.cancel, "to cancel"),
        (n.blocked, "blocked"),
        (n.keep, "unchanged"),
        (n.unmanaged, "not in any manifest"),
    ]
    .iter()
    .filter(|(count, _)| *count > 0)
    .map(|(count, what)| format!("{count} {what}"))
    .collect();
    let mut line = format!("Plan: {}.", parts.join(", "));
    if n.create + n.replace > 0 {
        line.push(' ');
        line.push_str(&cost_sentence(plan));
    }
    line + &duplicates::summary_suffix(plan)
}

/// `5 orders match`, `1 order matches`, `2 orders are`, `1 order is`.
fn orders_match(count: usize, verb: &str) -> String {
    let (noun, verb) = match (count, verb) {
        (1, "match") => ("order", "matches"),
        (1, _) => ("order", "is"),
        (_, verb) => ("orders", verb),
    };
    format!("{count} {noun} {verb}")
}

/// `Cost this month: EUR 1.00, then EUR 2.00/month.` with `at least` and the
/// number of unpriced changes when some could not be priced.
fn cost_sentence(plan: &Plan) -> String {
    let totals = plan.totals();
    let unpriced = match totals.unpriced {
        0 => String::new(),
        1 => " (1 change not priced)".to_owned(),
        k => format!(" ({k} changes not priced)"),
    };
    if totals.per_currency.is_empty() {
        return format!("Cost: unknown{unpriced}.");
    }
    let floor = if totals.unpriced > 0 { "at least " } else { "" };
    let now: Vec<String> =
        totals.per_currency.iter().map(|(c, m)| money(c, m.current_month)).collect();
    let later: Vec<String> =
        totals.per_currency.iter().map(|(c, m)| format!("{}/month", money(c, m.monthly))).collect();
    format!(
        "Cost this month: {floor}{}, then {floor}{}{unpriced}.",
        now.join(" + "),
        later.join(" + ")
    )
}

/// The facts a plan that apply would refuse leads with, in every format: a
/// blocked change, a credit shortfall, a budget exceeded or not provably kept.
/// Empty when apply may proceed.
pub(crate) fn stop_lines(plan: &Plan) -> Vec<String> {
    let mut lines = Vec::new();
    match plan.counts().blocked {
        0 => {}
        1 => lines.push(
            "Blocked: 1 change cannot be made (marked `!`); apply would change nothing.".to_owned(),
        ),
        n => lines.push(format!(
            "Blocked: {n} changes cannot be made (marked `!`); apply would change nothing."
        )),
    }
    lines.extend(account::shortfall_line(plan));
    if plan.budget_check().is_some_and(|b| b.status != BudgetStatus::Within) {
        lines.extend(budget_line(plan));
    }
    lines
}

/// `Base: …`: which revision's manifests decided the earlier versions of
/// entries (`--base`), or nothing without a base.
pub(crate) fn base_line(plan: &Plan) -> Option<String> {
    let commit = plan.base.as_deref()?;
    let short = commit.get(..12).unwrap_or(commit);
    Some(format!(
        "Base: {short} (`--base`): an order matching an entry as it was there is that entry's \
         earlier version."
    ))
}

/// The budget verdict as a sentence, or `None` when the plan has no budget.
/// A plan that is blocked is never said to be within budget.
pub(crate) fn budget_line(plan: &Plan) -> Option<String> {
    let check = plan.budget_check()?;
    Some(match check.status {
        BudgetStatus::Within if plan.is_blocked() || plan.credit_shortfall().is_some() => {
            budget_of_blocked(&check)
        }
        BudgetStatus::Within => within_budget(&check),
        BudgetStatus::Over => over_budget(&check),
        BudgetStatus::Unknown => {
            let totals = plan.totals();
            let mut why = Vec::new();
            match totals.unpriced {
                0 => {}
                1 => why.push("1 change is not priced".to_owned()),
                k => why.push(format!("{k} changes are not priced")),
            }
            let others: Vec<&str> = totals
                .per_currency
                .keys()
                .filter(|c| *c != BUDGET_CURRENCY)
                .map(String::as_str)
                .collect();
            if !others.is_empty() {
                why.push(format!("prices in {} cannot be compared", others.join(", ")));
            }
            format!("Budget cannot be checked: {}.", why.join("; "))
        }
    })
}

fn within_budget(check: &BudgetCheck) -> String {
    format!("Within budget: {}.", budget_parts(check).join(", "))
}

/// The budget of a plan that is blocked: the figures, and that nothing is applied.
fn budget_of_blocked(check: &BudgetCheck) -> String {
    format!(
        "Budget: {}; nothing is applied while the plan is blocked.",
        budget_parts(check).join(", ")
    )
}

/// `EUR 5.00 of EUR 10.00 this month`, `EUR 15.00 of EUR 20.00 per month`.
fn budget_parts(check: &BudgetCheck) -> Vec<String> {
    let mut parts = Vec::new();
    if let Some(limit) = check.limits.max_current_month {
        parts.push(format!("{} of {} this month", eur(check.current_month), eur(limit)));
    }
    if let Some(limit) = check.limits.max_monthly {
        parts.push(format!("{} of {} per month", eur(check.monthly), eur(limit)));
    }
    parts
}

fn over_budget(check: &BudgetCheck) -> String {
    let mut parts = Vec::new();
    let over = |limit: Option<f64>, value: f64| limit.filter(|l| value > *l);
    if let Some(limit) = over(check.limits.max_current_month, check.current_month) {
        parts.push(format!(
            "{} this month is {} over the limit of {}",
            eur(check.current_month),
            eur(check.current_month - limit),
            eur(limit)
        ));
    }
    if let Some(limit) = over(check.limits.max_monthly, check.monthly) {
        parts.push(format!(
            "{}/month is {} over the limit of {}/month",
            eur(check.monthly),
            eur(check.monthly - limit),
            eur(limit)
        ));
    }
    format!("Over budget: {}.", parts.join("; "))
}

/// `EUR 12.30`.
pub(crate) fn money(currency: &str, amount: f64) -> String {
    format!("{currency} {amount:.2}")
}

fn eur(amount: f64) -> String {
    money(BUDGET_CURRENCY, amount)
}

/// `EUR 186.32 this month, then EUR 558.96/month`.
pub(crate) fn price_text(p: &Price) -> String {
    let now = money(&p.currency, p.current_month);
    if p.monthly > 0.0 {
        format!("{now} this month, then {}/month", money(&p.currency, p.monthly))
    } else {
        format!("{now} this month, nothing after")
    }
}

/// `10 images` or `1 image`.
pub(crate) fn images(count: usize) -> String {
    if count == 1 { "1 image".to_owned() } else { format!("{count} images") }
}

/// `price unknown: <reason>` for an unpriced cost; never a 0.
pub(crate) fn unpriced_text(reason: Option<&str>) -> String {
    format!("price unknown: {}", reason.unwrap_or("not estimated"))
}

/// What cancelling an order does, as a phrase.
pub(crate) fn cancel_effect_text(effect: &CancelEffect) -> String {
    match effect {
        CancelEffect::FullRefund => "cancelled in review: removed and refunded in full".to_owned(),
        CancelEffect::RenewalStops { until } => {
            format!("renewal stops: still produced and billed through {until}, nothing after")
        }
        CancelEffect::NotCancellable { reason } => {
            format!("stays, cannot be cancelled ({reason})")
        }
    }
}

/// The name a change is shown under: the entry's name, else the live GUID.
pub(crate) fn display_name(change: &Change) -> &str {
    change
        .name
        .as_deref()
        .or_else(|| change.live.as_ref().map(|l| l.guid.as_str()))
        .unwrap_or("(unnamed)")
}

/// The model of a change: the entry's, else the request's, else the live order's.
pub(crate) fn model(change: &Change) -> &str {
    change
        .desired
        .as_ref()
        .map(|d| d.model.as_str())
        .or_else(|| change.request.as_ref().map(|r| r.model.as_str()))
        .or_else(|| change.live.as_ref().map(|l| l.model.as_str()))
        .unwrap_or("")
}

/// Human title of an action group (`Create`, `Not in any manifest`).
pub(crate) fn group_title(action: Action) -> &'static str {
    match action {
        Action::Create => "Create",
        Action::Replace => "Replace",
        Action::Cancel => "Cancel",
        Action::Blocked => "Blocked",
        Action::Keep => "Unchanged",
        Action::Unmanaged => "Not in any manifest",
    }
}

#[cfg(test)]
mod tests;
