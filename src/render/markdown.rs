//! The Markdown plan, for a pull-request comment.
//!
//! Pure. A title, then what stops the plan if anything does (a blocked
//! change, a credit shortfall, a budget exceeded or not provably kept), the
//! summary table (count and money per action), the summary line and the
//! budget verdict come first; then one collapsible `<details>`
//! block per action group; between them, unless `--no-map`, a ```` ```geojson ````
//! map of the areas ([`super::geojson::markdown_block`], at most
//! [`MAP_BUDGET`] bytes). The comment never exceeds [`LIMIT`] bytes (GitHub
//! refuses comments over 65,536 characters): when the details would, whole
//! items are left out from the end and a note says how many.
//!
//! Every string the plan holds is escaped by [`super::escape::markdown`]:
//! names and values as code spans, other text with Markdown, HTML and
//! mentions escaped, so no name can add, hide or quote a line.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::escape::markdown::{block, code, prose, text};
use super::{RenderOptions, inline_diff};
use crate::plan::{Action, BudgetStatus, Change, Cost, Plan};

/// Most bytes the comment may hold.
pub(super) const LIMIT: usize = 60_000;
/// Room kept for closing tags and the truncation note.
const RESERVE: usize = 600;
/// Most bytes the map may take; the details get the rest.
const MAP_BUDGET: usize = 24_000;

/// A collapsible group of items.
struct Section {
    title: &'static str,
    open: bool,
    /// Lines before the items (a table header), empty for a list.
    head: String,
    items: Vec<String>,
}

/// Renders the whole comment.
pub(super) fn render(plan: &Plan, opts: RenderOptions) -> String {
    let mut out = String::from("### skyform plan\n\n");
    // What stops the plan leads; the verdicts are not repeated below.
    let stops = super::stop_lines(plan);
    if !stops.is_empty() {
        let lines: Vec<String> = stops.iter().map(|l| format!("> {}", block(l))).collect();
        let _ = writeln!(out, "> [!CAUTION]\n{}\n", lines.join("\n>\n"));
    }
    summary_table(plan, &mut out);
    let _ = writeln!(out, "**{}**\n", prose(&super::summary_line(plan), false));
    for note in super::account::notes(plan) {
        let _ = writeln!(out, "> [!NOTE]\n> {}\n", block(note));
    }
    if let Some(line) = super::base_line(plan) {
        let _ = writeln!(out, "{}\n", block(&line));
    }
    if let Some(line) = super::budget_line(plan)
        && plan.budget_check().is_some_and(|b| b.status == BudgetStatus::Within)
    {
        let _ = writeln!(out, "{}\n", block(&line));
    }
    if !opts.no_map {
        let map = super::map::Map::of_plan(plan, opts);
        out.push_str(&super::geojson::markdown_block(&map, MAP_BUDGET));
    }
    let mut left_out: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut full = false;
    for section in sections(plan, opts) {
        let total = section.items.len();
        let mut body = String::new();
        let mut shown = 0;
        for item in section.items {
            // The summary's title is at most ~60 bytes; counted with the reserve.
            full =
                full || out.len() + section.head.len() + body.len() + item.len() + RESERVE > LIMIT;
            if full {
                *left_out.entry(section.title).or_default() += 1;
            } else {
                body.push_str(&item);
                shown += 1;
            }
        }
        if shown == 0 {
            continue;
        }
        let count = if shown == total { total.to_string() } else { format!("{shown} of {total}") };
        let open = if section.open { " open" } else { "" };
        let _ = write!(
            out,
            "<details{open}><summary><b>{}</b> ({count})</summary>\n\n{}{body}\n</details>\n\n",
            section.title, section.head
        );
    }
    if !left_out.is_empty() {
        truncation_note(&left_out, &mut out);
    }
    out
}

fn truncation_note(left_out: &BTreeMap<&'static str, usize>, out: &mut String) {
    let total: usize = left_out.values().sum();
    let per: Vec<String> = left_out.iter().map(|(title, n)| format!("{n} {title}")).collect();
    let items = if total == 1 { "item was" } else { "items were" };
    let _ = writeln!(
        out,
        "> [!NOTE]\n> {total} {items} left out to keep this comment under {LIMIT} characters \
         ({}). Run `skyform plan` locally for the full plan.",
        per.join(", ").to_lowercase()
    );
}

/// Count and money per action, then a total row.
fn summary_table(plan: &Plan, out: &mut String) {
    let counts = plan.counts();
    let order = Action::ALL;
    if order.iter().all(|a| counts.get(*a) == 0) {
        return;
    }
    out.push_str("| action | count | this month | per month |\n|:--|--:|--:|--:|\n");
    for action in order {
        let n = counts.get(action);
        if n == 0 {
            continue;
        }
        let glyph = match action {
            Action::Keep => String::new(),
            a => format!("{} ", code(a.glyph(), true)),
        };
        let (now, later) = money_of(plan.changes.iter().filter(|c| c.action == action));
        let (now, later) = (text(&now), text(&later));
        let _ = writeln!(
            out,
            "| {glyph}{} | {n} | {now} | {later} |",
            super::group_title(action).to_lowercase()
        );
    }
    if counts.create + counts.replace > 0 {
        let (now, later) = money_of(plan.changes.iter().filter(|c| c.action.is_change()));
        let _ = writeln!(out, "| **total** | | **{}** | **{}** |", text(&now), text(&later));
    }
    if let Some(a) = &plan.account {
        let [credits, spent, next] = super::account::figures(a).map(|(_, v)| text(&v));
        let _ =
            writeln!(out, "| account | | spent {spent}, credits {credits} | next month {next} |");
    }
    out.push('\n');
}

/// Sums per currency of the items' prices, with the number of unpriced items.
fn money_of<'a>(changes: impl Iterator<Item = &'a Change>) -> (String, String) {
    let mut sums: BTreeMap<&str, (f64, f64)> = BTreeMap::new();
    let mut unpriced = 0;
    let mut priceable = false;
    for c in changes {
        match &c.cost {
            Cost::Priced(p) => {
                priceable = true;
                let sum = sums.entry(&p.currency).or_default();
                sum.0 += p.current_month;
                sum.1 += p.monthly;
            }
            Cost::Unpriced { .. } => {
                priceable = true;
                unpriced += 1;
            }
            Cost::NotApplicable => {}
        }
    }
    if !priceable {
        return ("–".to_owned(), "–".to_owned());
    }
    let join = |pick: fn(&(f64, f64)) -> f64| {
        let mut parts: Vec<String> =
            sums.iter().map(|(cur, sum)| super::money(cur, pick(sum))).collect();
        if unpriced > 0 {
            parts.push(format!("{unpriced} unpriced"));
        }
        parts.join(" + ")
    };
    (join(|s| s.0), join(|s| s.1))
}

/// The detail groups, in the order they are shown (and cut from the end).
fn sections(plan: &Plan, opts: RenderOptions) -> Vec<Section> {
    let of = |action: Action| plan.changes.iter().filter(move |c| c.action == action);
    let mut sections = vec![
        Section {
            title: "Create",
            open: false,
            head: "| name | model | area km² | images | this month | per month |\n\
                   |:--|:--|--:|--:|--:|--:|\n"
                .to_owned(),
            items: of(Action::Create).map(|c| create_row(c, opts)).collect(),
        },
        list("Replace", false, of(Action::Replace).map(|c| replace_item(c, opts)).collect()),
        list("Cancel", false, of(Action::Cancel).map(cancel_item).collect()),
        list("Blocked", true, of(Action::Blocked).map(cancel_item).collect()),
        list("Not in any manifest", false, of(Action::Unmanaged).map(unmanaged_item).collect()),
        list("Duplicate orders", !super::duplicates::left(plan).is_empty(), duplicate_items(plan)),
        list("Unchanged", false, of(Action::Keep).map(keep_item).collect()),
    ];
    sections.retain(|s| !s.items.is_empty());
    sections
}

fn list(title: &'static str, open: bool, items: Vec<String>) -> Section {
    Section { title, open, head: String::new(), items }
}

fn create_row(c: &Change, opts: RenderOptions) -> String {
    let mut name = code(super::display_name(c), true);
    if let Some(t) = &c.tiles {
        let tiles = super::human::tiles_text(t, opts.detailed);
        let _ = write!(name, "<br><sub>{}</sub>", prose(&tiles, true));
    }
    let model = code(super::model(c), true);
    match &c.cost {
        Cost::Priced(p) => format!(
            "| {name} | {model} | {:.2} | {} | {} | {} |\n",
            p.area_km2,
            p.image_dates,
            text(&super::money(&p.currency, p.current_month)),
            text(&super::money(&p.currency, p.monthly))
        ),
        Cost::Unpriced { reason } => format!(
            "| {name} | {model} | | | {} | – |\n",
            prose(&super::unpriced_text(reason.as_deref()), true)
        ),
        Cost::NotApplicable => format!("| {name} | {model} | | | – | – |\n"),
    }
}

/// `- `name` Stratus2, 277.50 km², 15 images, EUR …` and the field diffs under it.
fn replace_item(c: &Change, opts: RenderOptions) -> String {
    let cost = match &c.cost {
        Cost::Priced(p) => format!(
            "{:.2} km², {}, {}",
            p.area_km2,
            super::images(p.image_dates),
            super::price_text(p)
        ),
        Cost::Unpriced { reason } => super::unpriced_text(reason.as_deref()),
        Cost::NotApplicable => String::new(),
    };
    let mut item = format!(
        "- {} {}, {}\n",
        code(super::display_name(c), false),
        text(super::model(c)),
        prose(&cost, false)
    );
    for f in &c.field_changes {
        let diff = if f.old.chars().count() + f.new.chars().count() <= 80 {
            format!("{} → {}", code(&f.old, false), code(&f.new, false))
        } else {
            code(&inline_diff::describe(&f.old, &f.new, opts.detailed, false), false)
        };
        let _ = writeln!(item, "  - {}: {diff}", code(&f.field, false));
    }
    if let Some(t) = &c.tiles {
        let _ = writeln!(item, "  - {}", prose(&super::human::tiles_text(t, opts.detailed), false));
    }
    if let (Some(l), Some(effect)) = (&c.live, &c.cancel_effect) {
        let _ = writeln!(
            item,
            "  - old order {} ({}): {}",
            code(&l.guid, false),
            text(&l.status.to_string()),
            prose(&super::cancel_effect_text(effect), false)
        );
    }
    item
}

/// A cancel or blocked item: name, order, status and what happens or why not.
fn cancel_item(c: &Change) -> String {
    let mut item = format!("- {}", code(super::display_name(c), false));
    if let Some(l) = &c.live {
        if c.name.is_some() {
            let _ = write!(item, " {}", code(&l.guid, false));
        }
        let _ = write!(item, " ({})", text(&l.status.to_string()));
    }
    let what = match (c.action, &c.cancel_effect) {
        (Action::Blocked, _) => c.reason.clone().unwrap_or_else(|| "forbidden".to_owned()),
        (_, Some(effect)) => super::cancel_effect_text(effect),
        (_, None) => "cancelled".to_owned(),
    };
    let _ = writeln!(item, ": {}", prose(&what, false));
    // Never an empty item: a lone `-` under a line would make it a heading.
    if c.action != Action::Blocked
        && let Some(reason) = c.reason.as_deref().filter(|r| !r.is_empty())
    {
        let _ = writeln!(item, "  - {}", block(reason));
    }
    item
}

fn unmanaged_item(c: &Change) -> String {
    let Some(l) = &c.live else {
        return format!("- {}\n", code(super::display_name(c), false));
    };
    let to = l.to.map_or_else(|| "recurring".to_owned(), |d| d.to_string());
    format!(
        "- {} {}, {}, {} → {to}, {:.2} km²\n",
        code(&l.guid, false),
        text(&l.status.to_string()),
        text(&l.model),
        l.from,
        l.area_km2
    )
}

/// Every duplicate: those still billed first, with their price.
fn duplicate_items(plan: &Plan) -> Vec<String> {
    let left = super::duplicates::left(plan).into_iter().map(|(d, o)| {
        format!(
            "- **still billed:** {} {} duplicates {} of {}: {}; {}\n",
            code(&o.guid, false),
            text(&o.status.to_string()),
            code(&d.kept, false),
            code(&d.name, false),
            prose(&super::duplicates::cost_text(&d.cost), false),
            prose(&super::duplicates::why_left(o), false),
        )
    });
    let cancelled = super::duplicates::cancelled(plan).into_iter().map(|(d, guid)| {
        format!(
            "- {} duplicates {} of {}: cancelled with a full refund\n",
            code(guid, false),
            code(&d.kept, false),
            code(&d.name, false)
        )
    });
    left.chain(cancelled).collect()
}

fn keep_item(c: &Change) -> String {
    let mut item = format!("- {}", code(super::display_name(c), false));
    if let Some(l) = &c.live {
        let _ = write!(item, " {} {}", text(&l.status.to_string()), code(&l.guid, false));
    }
    if let Some(reason) = &c.reason {
        let _ = write!(item, " — {}", prose(&reason.replace('\n', " "), false));
    }
    item.push('\n');
    item
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fixtures;

    #[test]
    fn names_with_pipes_and_backticks_do_not_break_the_table() {
        let mut plan = fixtures::huge_plan(1);
        plan.changes[0].name = Some("evil|name`with``ticks".into());
        let md = render(&plan, RenderOptions::default());
        let row = md.lines().find(|l| l.starts_with("| ") && l.contains("evil")).unwrap();
        assert!(row.contains("```evil\\|name`with``ticks```"), "{row}");
        // Seven cells: the pipe inside the name is escaped.
        assert_eq!(row.matches(" | ").count() + 2, 7, "{row}");
    }

    #[test]
    fn a_huge_plan_is_cut_to_whole_items_with_a_note() {
        let n = 5_000;
        let md = render(&fixtures::huge_plan(n), RenderOptions::default());
        assert!(md.len() <= LIMIT, "{} bytes", md.len());
        let shown = md.lines().filter(|l| l.starts_with("| `generated-entry")).count();
        assert!(shown > 100 && shown < n, "{shown}");
        let note = format!("> {} items were left out", n - shown);
        assert!(md.contains(&note), "{note}");
        assert!(md.contains("Run `skyform plan` locally"));
        assert!(md.contains(&format!("<b>Create</b> ({shown} of {n})")));
        // The summary table still counts every item.
        assert!(md.contains(&format!("create | {n} | EUR 6250.00 | EUR 18750.00 |")), "{md:.600}");
        assert!(md.trim_end().ends_with("for the full plan."));
    }

    #[test]
    fn a_small_plan_has_no_note() {
        let md = render(&fixtures::full_plan(), RenderOptions::default());
        assert!(!md.contains("left out"));
    }
}
