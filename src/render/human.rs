//! The human plan: Terraform-like lines, one per item, glyph first.
//!
//! Pure; writes to the writer it is given. Layout: what stops the plan, if
//! anything (a blocked change, a budget), then the manifest items in
//! execution order (with indented detail lines for field changes, tile
//! coverage and cancel effects), then the orders in no manifest, then the
//! duplicates, then the budget verdict, and the summary line last. Every
//! string the plan holds goes through [`term`] (or [`paint`], which escapes
//! too): control and format characters are shown as escapes, never obeyed.

use std::io;

use super::duplicates as dups;
use super::escape::terminal as term;
use super::style::{self, paint};
use super::{RenderOptions, inline_diff};
use crate::plan::{Action, Change, Cost, Plan, TileCoverage};

/// Widest name column; longer names push their line's other columns right.
const MAX_NAME_WIDTH: usize = 40;
/// GUIDs listed before `and N more` unless detailed.
const MAX_GUIDS: usize = 3;

/// Writes the human plan.
pub(super) fn render(plan: &Plan, opts: RenderOptions, w: &mut dyn io::Write) -> io::Result<()> {
    // Like Terraform, unchanged entries are only counted unless asked for: with
    // hundreds of orders they would bury the changes.
    let managed: Vec<&Change> = plan
        .changes
        .iter()
        .filter(|c| c.action != Action::Unmanaged)
        .filter(|c| opts.detailed || c.action != Action::Keep)
        .collect();
    let stops = super::stop_lines(plan);
    for line in &stops {
        writeln!(w, "{}", paint(opts.color, style::ERROR, line))?;
    }
    if !stops.is_empty() {
        writeln!(w)?;
    }
    let width = managed
        .iter()
        .map(|c| term(super::display_name(c)).chars().count())
        .max()
        .unwrap_or(0)
        .min(MAX_NAME_WIDTH);
    for c in &managed {
        item(c, width, opts, w)?;
    }
    if !managed.is_empty() {
        writeln!(w)?;
    }
    let unmanaged: Vec<&Change> = plan.unmanaged().collect();
    if !unmanaged.is_empty() {
        let title = "Orders not in any manifest (not touched; use --prune to cancel):";
        writeln!(w, "{}", paint(opts.color, style::HEADING, title))?;
        for c in unmanaged {
            item(c, 0, opts, w)?;
        }
        writeln!(w)?;
    }
    duplicates(plan, opts, w)?;
    if let Some(line) = super::budget_line(plan) {
        let look = match plan.budget_check().map(|b| b.status) {
            Some(crate::plan::BudgetStatus::Over) => style::ERROR,
            Some(crate::plan::BudgetStatus::Unknown) => style::WARNING,
            _ => anstyle::Style::new(),
        };
        writeln!(w, "{}", paint(opts.color, look, &line))?;
    }
    for note in super::account::notes(plan) {
        writeln!(w, "{}", paint(opts.color, style::WARNING, &format!("note: {note}")))?;
    }
    if let Some(line) = super::account::line(plan) {
        writeln!(w, "{}", term(&line))?;
    }
    if let Some(line) = super::base_line(plan) {
        writeln!(w, "{}", term(&line))?;
    }
    if let Some(line) = super::account::shortfall_line(plan) {
        writeln!(w, "{}", paint(opts.color, style::ERROR, &line))?;
    }
    writeln!(w, "{}", paint(opts.color, style::HEADING, &super::summary_line(plan)))
}

/// One item: its main line, then its detail lines.
fn item(c: &Change, width: usize, opts: RenderOptions, w: &mut dyn io::Write) -> io::Result<()> {
    let color = opts.color;
    let glyph = paint(color, style::action(c.action), c.action.glyph());
    let name = term(super::display_name(c));
    let pad = " ".repeat(width.saturating_sub(name.chars().count()));
    let live = c.live.as_ref();
    let guid = live.map_or("", |l| l.guid.as_str());
    let status = live.map_or(String::new(), |l| term(&l.status.to_string()).into_owned());
    let rest = match c.action {
        Action::Create | Action::Replace => cost_columns(c, color),
        Action::Keep => format!("{status}  {}", paint(color, style::DIM, guid)),
        Action::Cancel => {
            let effect = c.cancel_effect.as_ref().map(super::cancel_effect_text);
            format!("{status}  {}", term(&effect.unwrap_or_else(|| "cancelled".to_owned())))
        }
        Action::Blocked => {
            let why = format!("blocked: {}", c.reason.as_deref().unwrap_or("forbidden"));
            format!("{status}  {}", paint(color, style::ERROR, &why))
        }
        Action::Unmanaged => match live {
            Some(l) => format!(
                "{status}  {}  {} → {}  {:.2} km²",
                term(&l.model),
                l.from,
                l.to.map_or_else(|| "recurring".to_owned(), |d| d.to_string()),
                l.area_km2
            ),
            None => String::new(),
        },
    };
    writeln!(w, "  {glyph} {name}{pad}  {rest}")?;
    for line in details(c, opts) {
        writeln!(w, "      {line}")?;
    }
    Ok(())
}

/// `Stratus2  931.61 km²  10 images  EUR 186.32 this month, then EUR 558.96/month`.
fn cost_columns(c: &Change, color: bool) -> String {
    let model = term(super::model(c));
    match &c.cost {
        Cost::Priced(p) => format!(
            "{model}  {:.2} km²  {}  {}",
            p.area_km2,
            super::images(p.image_dates),
            term(&super::price_text(p))
        ),
        Cost::Unpriced { reason } => {
            let text = super::unpriced_text(reason.as_deref());
            format!("{model}  {}", paint(color, style::WARNING, &text))
        }
        Cost::NotApplicable => model.into_owned(),
    }
}

/// The indented lines under an item.
fn details(c: &Change, opts: RenderOptions) -> Vec<String> {
    let mut lines = Vec::new();
    let live = c.live.as_ref();
    // The order's GUID, unless the reason on the main line already names it.
    let named = |guid: &str| c.reason.as_deref().is_some_and(|r| r.contains(guid));
    if matches!(c.action, Action::Cancel | Action::Blocked)
        && c.name.is_some()
        && let Some(l) = live.filter(|l| !named(&l.guid))
    {
        lines.push(format!("order {}", paint(opts.color, style::DIM, &l.guid)));
    }
    for f in &c.field_changes {
        let diff = inline_diff::describe(&f.old, &f.new, opts.detailed, opts.color);
        lines.push(format!("{}: {diff}", term(&f.field)));
    }
    if let Some(t) = &c.tiles {
        lines.push(term(&tiles_text(t, opts.detailed)).into_owned());
    }
    if c.action == Action::Replace
        && let (Some(l), Some(effect)) = (live, &c.cancel_effect)
    {
        let old = paint(opts.color, style::DIM, &l.guid);
        let effect = term(&super::cancel_effect_text(effect)).into_owned();
        lines.push(format!("old order {old} ({}): {effect}", term(&l.status.to_string())));
    }
    if c.action != Action::Blocked
        && let Some(reason) = &c.reason
    {
        lines.push(paint(opts.color, style::DIM, reason));
    }
    lines
}

/// `2 of 5 tiles still to order; the rest is covered by <guid>`.
pub(super) fn tiles_text(t: &TileCoverage, detailed: bool) -> String {
    let mut missing = Vec::new();
    if t.tiles_wanted > 0 {
        missing.push(format!("{} of {} tiles", t.tiles_missing, t.tiles_wanted));
    }
    if t.minitiles_wanted > 0 {
        missing.push(format!("{} of {} minitiles", t.minitiles_missing, t.minitiles_wanted));
    }
    let covered = guid_list(&t.covered_by, detailed);
    match (t.tiles_missing + t.minitiles_missing, covered.is_empty()) {
        (0, _) => format!("covered by {covered}"),
        (_, true) => format!("{} still to order", missing.join(", ")),
        (_, false) => {
            format!("{} still to order; the rest is covered by {covered}", missing.join(", "))
        }
    }
}

/// `a, b, c and 4 more` (all of them when detailed).
pub(super) fn guid_list(guids: &[String], detailed: bool) -> String {
    if detailed || guids.len() <= MAX_GUIDS {
        return guids.join(", ");
    }
    format!("{} and {} more", guids[..MAX_GUIDS].join(", "), guids.len() - MAX_GUIDS)
}

/// Refunded duplicates briefly (their cancels are listed above), then every
/// duplicate still billed, with its price, in the error style.
fn duplicates(plan: &Plan, opts: RenderOptions, w: &mut dyn io::Write) -> io::Result<()> {
    let cancelled = dups::cancelled(plan);
    if !cancelled.is_empty() {
        let title = "Duplicate orders (cancelled above):";
        writeln!(w, "{}", paint(opts.color, style::HEADING, title))?;
        for (d, guid) in cancelled {
            writeln!(w, "  {}: {} duplicates {}", term(&d.name), term(guid), term(&d.kept))?;
        }
        writeln!(w)?;
    }
    let left = dups::left(plan);
    if !left.is_empty() {
        let title = "Duplicate orders still billed (no refund possible):";
        writeln!(w, "{}", paint(opts.color, style::ERROR, title))?;
        for (d, o) in left {
            let line = format!("  {}: {} ({}) duplicates {}", d.name, o.guid, o.status, d.kept);
            writeln!(w, "{}", paint(opts.color, style::ERROR, &line))?;
            writeln!(w, "      {}", term(&dups::cost_text(&d.cost)))?;
            writeln!(w, "      {}", term(&dups::why_left(o)))?;
        }
        writeln!(w)?;
    }
    Ok(())
}
