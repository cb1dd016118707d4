use super::fixtures::{self, full_plan, no_change_plan};
use super::*;
use crate::plan::{BudgetLimits, Cost};

fn render_to_string(plan: &Plan, format: Format, opts: RenderOptions) -> String {
    let mut out = Vec::new();
    super::plan(plan, format, &opts, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

const PLAIN: RenderOptions = RenderOptions { color: false, detailed: false, no_map: false };
const COLOR: RenderOptions = RenderOptions { color: true, detailed: false, no_map: false };

#[test]
fn human_full_plan() {
    insta::assert_snapshot!("human_full", render_to_string(&full_plan(), Format::Human, PLAIN));
}

#[test]
fn human_no_changes() {
    insta::assert_snapshot!(
        "human_no_changes",
        render_to_string(&no_change_plan(), Format::Human, PLAIN)
    );
}

#[test]
fn human_colour_only_when_asked() {
    let plain = render_to_string(&full_plan(), Format::Human, PLAIN);
    let colored = render_to_string(&full_plan(), Format::Human, COLOR);
    assert!(!plain.contains('\u{1b}'));
    assert!(colored.contains("\u{1b}[32m+\u{1b}[0m"), "green create glyph");
    assert!(colored.contains("\u{1b}[1m\u{1b}[31m!") || colored.contains("\u{1b}[1;31m!"));
    // Stripped of its escapes, the coloured output is the plain one.
    let stripped: String = {
        let mut out = String::new();
        let mut chars = colored.chars();
        while let Some(c) = chars.next() {
            if c == '\u{1b}' {
                chars.by_ref().find(|c| *c == 'm');
            } else {
                out.push(c);
            }
        }
        out
    };
    assert_eq!(stripped, plain);
}

#[test]
fn human_lists_unchanged_entries_only_when_detailed() {
    let keep_line = "    copenhagen-harbour  UpToDate  0a1b2c3d-0000-4000-8000-000000000001";
    let plain = render_to_string(&full_plan(), Format::Human, PLAIN);
    assert!(!plain.lines().any(|l| l.starts_with("    copenhagen-harbour")), "{plain}");
    let detailed = RenderOptions { color: false, detailed: true, no_map: false };
    let full = render_to_string(&full_plan(), Format::Human, detailed);
    assert!(full.lines().any(|l| l == keep_line), "{full}");
    assert!(plain.contains("1 unchanged"), "{plain}");
}

#[test]
fn human_summary_is_the_last_line() {
    let out = render_to_string(&full_plan(), Format::Human, PLAIN);
    assert_eq!(out.lines().last().unwrap(), summary_line(&full_plan()));
}

#[test]
fn markdown_full_plan() {
    insta::assert_snapshot!(
        "markdown_full",
        render_to_string(&full_plan(), Format::Markdown, PLAIN)
    );
}

#[test]
fn markdown_no_changes() {
    insta::assert_snapshot!(
        "markdown_no_changes",
        render_to_string(&no_change_plan(), Format::Markdown, PLAIN)
    );
}

#[test]
fn json_full_plan() {
    insta::assert_snapshot!("json_full", render_to_string(&full_plan(), Format::Json, PLAIN));
}

#[test]
fn json_no_changes() {
    let out = render_to_string(&no_change_plan(), Format::Json, PLAIN);
    let value: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(value["summary"]["has_changes"], false);
    assert_eq!(value["summary"]["counts"]["keep"], 5);
    assert_eq!(value["summary"]["line"], "No changes. 5 orders match the manifests.");
    assert!(value["summary"]["budget"].is_null());
    assert_eq!(value["format_version"], crate::plan::FORMAT_VERSION);
}

#[test]
fn summary_lines() {
    assert_eq!(
        summary_line(&full_plan()),
        "Plan: 3 to create, 1 to replace, 2 to cancel, 1 blocked, 1 unchanged, \
         1 not in any manifest. Cost this month: at least EUR 281.82, \
         then at least EUR 845.46/month (1 change not priced). \
         1 duplicate order is still billed."
    );
    assert_eq!(summary_line(&no_change_plan()), "No changes. 5 orders match the manifests.");
    let mut one = no_change_plan();
    one.changes.truncate(1);
    one.changes.push(fixtures::change(None, Action::Unmanaged));
    assert_eq!(
        summary_line(&one),
        "No changes. 1 order matches the manifests; 1 order is in no manifest."
    );
    assert_eq!(
        summary_line(&fixtures::empty_plan(Vec::new())),
        "No changes. 0 orders match the manifests."
    );
}

#[test]
fn summary_line_for_a_fully_priced_plan() {
    let mut plan = full_plan();
    plan.changes.retain(|c| matches!(c.cost, Cost::Priced(_)) || c.action == Action::Cancel);
    assert_eq!(
        summary_line(&plan),
        "Plan: 2 to create, 1 to replace, 2 to cancel. \
         Cost this month: EUR 281.82, then EUR 845.46/month. \
         1 duplicate order is still billed."
    );
}

#[test]
fn summary_line_when_nothing_is_priced() {
    let mut plan = fixtures::huge_plan(2);
    for c in &mut plan.changes {
        c.cost = Cost::Unpriced { reason: None };
    }
    assert_eq!(summary_line(&plan), "Plan: 2 to create. Cost: unknown (2 changes not priced).");
}

#[test]
fn budget_lines() {
    assert_eq!(
        budget_line(&full_plan()).unwrap(),
        "Over budget: EUR 281.82 this month is EUR 31.82 over the limit of EUR 250.00."
    );
    let mut plan = fixtures::huge_plan(4);
    plan.budget = Some(BudgetLimits { max_current_month: Some(10.0), max_monthly: Some(10.0) });
    assert_eq!(
        budget_line(&plan).unwrap(),
        "Over budget: EUR 15.00/month is EUR 5.00 over the limit of EUR 10.00/month."
    );
    plan.budget = Some(BudgetLimits { max_current_month: Some(10.0), max_monthly: None });
    assert_eq!(budget_line(&plan).unwrap(), "Within budget: EUR 5.00 of EUR 10.00 this month.");
    plan.changes[0].cost = Cost::Unpriced { reason: None };
    assert_eq!(budget_line(&plan).unwrap(), "Budget cannot be checked: 1 change is not priced.");
    plan.budget = None;
    assert_eq!(budget_line(&plan), None);
}

#[test]
fn an_unpriced_item_is_never_shown_as_zero() {
    let plan = full_plan();
    let human = render_to_string(&plan, Format::Human, PLAIN);
    let line = human.lines().find(|l| l.contains("odense-fields")).unwrap();
    assert!(line.contains("price unknown: estimate failed: HTTP 503"), "{line}");
    assert!(!line.contains("0.00"), "{line}");
    let md = render_to_string(&plan, Format::Markdown, PLAIN);
    let row = md.lines().find(|l| l.contains("odense-fields")).unwrap();
    assert!(!row.contains("0.00"), "{row}");
}

#[test]
fn a_pruned_order_and_an_uncancellable_old_order() {
    use crate::plan::CancelEffect;
    use clearsky::api::types::OrderStatus;
    let mut pruned = fixtures::change(None, Action::Cancel);
    pruned.live = Some(fixtures::live("11112222-0000-4000-8000-000000000009", OrderStatus::Review));
    pruned.cancel_effect = Some(CancelEffect::FullRefund);
    pruned.reason = Some("in no manifest (`--prune`)".into());
    let mut replace = full_plan().changes.remove(4);
    replace.cancel_effect =
        Some(CancelEffect::NotCancellable { reason: "accepted fixed-window order".into() });
    let plan = fixtures::empty_plan(vec![pruned, replace]);
    let human = render_to_string(&plan, Format::Human, PLAIN);
    assert!(
        human.contains(
            "  - 11112222-0000-4000-8000-000000000009  Review  cancelled in review: removed and \
         refunded in full\n      in no manifest (`--prune`)\n"
        ),
        "{human}"
    );
    assert!(
        human.contains(
            "old order 5e6f7a8b-0000-4000-8000-000000000003 (UpToDate): stays, cannot be cancelled \
         (accepted fixed-window order)"
        ),
        "{human}"
    );
    let md = render_to_string(&plan, Format::Markdown, PLAIN);
    assert!(
        md.contains("- `11112222-0000-4000-8000-000000000009` (Review): cancelled in review"),
        "{md}"
    );
}

/// [`full_plan`] with the account figures a priced plan carries: one figure
/// unknown with its reason, a credit shortfall and a note.
fn plan_with_account() -> Plan {
    use crate::plan::account::{AccountSummary, Figure};
    let known =
        |before: f64, after: f64| Figure { before: Some(before), after: Some(after), reason: None };
    let mut plan = full_plan();
    plan.account = Some(AccountSummary {
        currency: "EUR".into(),
        credit_balance: known(120.0, -27.43),
        month_spend: Figure {
            before: None,
            after: None,
            reason: Some("the account endpoints give none".into()),
        },
        next_month_recurring: known(310.5, 350.0),
        credit_shortfall: Some(27.43),
        ordered_creates: false,
        notes: vec![
            "the account endpoints give no month-to-date spend: priced as if nothing \
                     was spent this month (the dearest band)"
                .into(),
        ],
    });
    plan
}

#[test]
fn the_account_line_in_every_format() {
    let plan = plan_with_account();
    insta::assert_snapshot!("human_account", render_to_string(&plan, Format::Human, PLAIN));
    insta::assert_snapshot!("markdown_account", render_to_string(&plan, Format::Markdown, PLAIN));
    let json: serde_json::Value =
        serde_json::from_str(&render_to_string(&plan, Format::Json, PLAIN)).unwrap();
    insta::assert_snapshot!(
        "json_account",
        serde_json::to_string_pretty(&json["summary"]["account"]).unwrap()
    );
}

#[test]
fn an_order_two_entries_keep_counts_once_in_the_no_changes_line() {
    let mut plan = no_change_plan();
    let shared = plan.changes[0].live.clone();
    plan.changes[1].live = shared;
    assert_eq!(super::summary_line(&plan), "No changes. 4 orders match the manifests.");
    // A tile entry kept by two orders counts both.
    plan.changes[2].tiles = Some(crate::plan::TileCoverage {
        tiles_wanted: 2,
        minitiles_wanted: 0,
        tiles_missing: 0,
        minitiles_missing: 0,
        covered_by: vec!["b01b2c3d-0000-4000-8000-00000000000a".into()],
    });
    assert_eq!(super::summary_line(&plan), "No changes. 5 orders match the manifests.");
}
