//! Hostile text through the human and Markdown plans: names, reasons and the
//! statuses, models, GUIDs and currencies a server sends. The terminal output
//! is read back through a VT100 screen and the Markdown through GFM HTML;
//! every change must still be shown, with the true totals, and nothing the
//! text holds may be obeyed.

use proptest::prelude::*;

use super::escape::terminal as term;
use super::fixtures::{self, full_plan, gfm, screen};
use super::{Format, RenderOptions, display_name, stop_lines, summary_line};
use crate::plan::{Action, Cost, Plan};
use clearsky::api::types::OrderStatus;

fn render(plan: &Plan, format: Format, color: bool) -> String {
    let mut out = Vec::new();
    let opts = RenderOptions { color, ..RenderOptions::default() };
    super::plan(plan, format, &opts, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

/// The full plan with `words` (used in turn) as every name, reason, field,
/// status, model, GUID and currency the renderers show.
fn plan_with(words: &[String]) -> Plan {
    let mut next = words.iter().cycle().cloned();
    let mut word = move || next.next().unwrap_or_default();
    let mut plan = full_plan();
    for c in &mut plan.changes {
        if c.name.is_some() {
            c.name = Some(word());
        }
        if let Some(l) = &mut c.live {
            l.status = OrderStatus::Unknown(word());
            l.model = word();
            if c.action == Action::Unmanaged {
                l.guid = word();
            }
        }
        if c.action != Action::Create {
            c.reason = Some(word());
        }
        for f in &mut c.field_changes {
            (f.field, f.old, f.new) = (word(), word(), word());
        }
        match &mut c.cost {
            Cost::Priced(p) if c.action == Action::Create => p.currency = word(),
            Cost::Unpriced { reason } => *reason = Some(word()),
            _ => {}
        }
    }
    for d in &mut plan.duplicates {
        (d.name, d.kept) = (word(), word());
        for o in &mut d.others {
            (o.guid, o.status) = (word(), OrderStatus::Unknown(word()));
        }
    }
    plan
}

/// What the issue reproduced: a name that erases the line of a costly create
/// and prints a fake summary, then hides the rest; a status that does the same.
fn attack() -> Vec<String> {
    let fake = "\u{1b}[2K\r  + cheap  Stratus2  EUR 0.15\r\nPlan: 1 to create. Cost this month: EUR 0.15.\u{1b}[8m";
    let md = "x\r<!--\r> [!NOTE]\r> all fine @someone | `tick` \u{202e}drow";
    [fake, md, "\u{1b}[1A\u{1b}[2K", "\u{9b}2K\u{7f}\u{200b}", "ok"].map(String::from).to_vec()
}

#[test]
fn a_terminal_shows_every_change_and_the_true_summary_whatever_the_names() {
    let plan = plan_with(&attack());
    for color in [false, true] {
        let out = render(&plan, Format::Human, color);
        assert!(!out.contains('\r') && !out.contains("\u{1b}[2K"), "{out}");
        check_screen(&plan, &out, &render(&plan, Format::Human, false));
    }
}

#[test]
fn markdown_shows_every_change_and_makes_no_element_whatever_the_names() {
    let md = render(&plan_with(&attack()), Format::Markdown, false);
    assert!(!md.contains('\r'), "{md}");
    check_markdown(&attack(), &md);
    let html = gfm(&md);
    // The comment, the quote and the mention stay inside their code span.
    assert!(
        html.contains("<code>x\\r&lt;!--\\r&gt; [!NOTE]\\r&gt; all fine @someone | "),
        "{html}"
    );
}

#[test]
fn a_blocked_or_over_budget_plan_leads_with_it_in_every_format() {
    let plan = full_plan();
    let stops = stop_lines(&plan);
    assert_eq!(
        stops,
        [
            "Blocked: 1 change cannot be made (marked `!`); apply would change nothing.",
            "Over budget: EUR 281.82 this month is EUR 31.82 over the limit of EUR 250.00."
        ]
    );
    let human = render(&plan, Format::Human, false);
    assert!(human.starts_with(&format!("{}\n{}\n\n", stops[0], stops[1])), "{human}");
    let md = render(&plan, Format::Markdown, false);
    assert!(md.starts_with("### skyform plan\n\n> [!CAUTION]\n> Blocked: "), "{md}");
    let json: serde_json::Value =
        serde_json::from_str(&render(&plan, Format::Json, false)).unwrap();
    assert_eq!(json["summary"]["blocked"], true);
    assert_eq!(json["summary"]["budget"]["passes"], false);
    let svg = render(&plan, Format::Svg, false);
    assert!(svg.contains("<title>Blocked: 1 change cannot be made"), "{svg:.400}");
}

#[test]
fn within_budget_never_follows_a_blocked_change() {
    let mut plan = full_plan();
    plan.budget =
        Some(crate::plan::BudgetLimits { max_current_month: Some(10_000.0), max_monthly: None });
    plan.changes.retain(|c| !matches!(c.cost, Cost::Unpriced { .. }));
    let line = super::budget_line(&plan).unwrap();
    assert_eq!(
        line,
        "Budget: EUR 281.82 of EUR 10000.00 this month; nothing is applied while the plan is blocked."
    );
    for format in [Format::Human, Format::Markdown, Format::Json] {
        assert!(!render(&plan, format, false).contains("Within budget"), "{format:?}");
    }
}

/// The screen shows exactly the plain output, line for line; the summary is
/// the last line; what stops the plan leads; every change has its line.
fn check_screen(plan: &Plan, out: &str, plain: &str) {
    // The emulator drops U+FFFD (its mark for bytes that are not UTF-8),
    // which a terminal shows; it is left out of what is compared.
    let seen = |s: &str| s.replace('\u{fffd}', "").trim_end().to_owned();
    let rows = screen(out);
    let lines: Vec<String> = plain.lines().map(seen).collect();
    assert_eq!(rows, lines, "the screen differs from the text\n{out}");
    assert_eq!(rows.last(), Some(&seen(&term(&summary_line(plan)))));
    for (row, stop) in rows.iter().zip(stop_lines(plan)) {
        assert_eq!(*row, seen(&term(&stop)));
    }
    for c in plan.changes.iter().filter(|c| c.action != Action::Keep) {
        let start = seen(&format!("  {} {}", c.action.glyph(), term(display_name(c))));
        assert!(rows.iter().any(|r| r.starts_with(&start)), "no line for {start:?}\n{out}");
    }
}

/// The HTML has the same elements, in the same order, as the plan with plain
/// words has (code spans aside), no comment, a row per create, the summary
/// as written.
fn check_markdown(words: &[String], md: &str) {
    let plan = plan_with(words);
    let html = gfm(md);
    // Plain words where the words are, empty where they are empty (an empty
    // reason has no line of its own).
    let plain_words: Vec<String> = words
        .iter()
        .enumerate()
        .map(|(i, w)| if w.is_empty() { String::new() } else { format!("w{i}") })
        .collect();
    let plain = gfm(&render(&plan_with(&plain_words), Format::Markdown, false));
    assert_eq!(elements(&html), elements(&plain), "{md}\n{html}");
    assert!(!html.contains("<!--"), "{html}");
    for c in plan.changes.iter().filter(|c| c.action == Action::Create) {
        let name = html_escape(&table_code_shows(display_name(c)));
        let cell = format!("<td align=\"left\"><code>{name}</code>");
        assert!(html.contains(&cell), "no row for {cell}\n{html}");
    }
    let strong = html.split("<p><strong>").nth(1).and_then(|s| s.split("</strong></p>").next());
    // Blanks aside: two quoted parts side by side get a space between them.
    let words = |s: String| s.split_whitespace().collect::<String>();
    let want = words(prose_shows(&summary_line(&plan)));
    assert_eq!(strong.map(|s| words(html_text(s))), Some(want), "{html}");
}

/// The element names of `html` in order, code spans left out.
fn elements(html: &str) -> Vec<String> {
    html.split('<')
        .skip(1)
        .map(|t| t.split(|c: char| c == '>' || c.is_whitespace()).next().unwrap_or("").to_owned())
        .filter(|t| t.trim_start_matches('/') != "code")
        .collect()
}

/// The text of an HTML fragment: tags dropped, entities decoded.
fn html_text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&")
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// What a name in a table's code span shows: its escaped text, with one more
/// backslash before a `|` that follows an odd run of backslashes.
fn table_code_shows(s: &str) -> String {
    let mut out = String::new();
    let mut run = 0;
    for c in term(s).chars() {
        if c == '|' && run % 2 == 1 {
            out.push('\\');
        }
        run = if c == '\\' { run + 1 } else { 0 };
        out.push(c);
    }
    out
}

/// What [`super::escape::markdown::prose`] shows of `s`: its escaped text,
/// without the backticks when they pair up.
fn prose_shows(s: &str) -> String {
    let shown = term(s);
    if shown.matches('`').count().is_multiple_of(2) {
        shown.replace('`', "")
    } else {
        shown.into_owned()
    }
}

/// Arbitrary text, with the pieces attacks are made of.
fn hostile() -> impl Strategy<Value = String> {
    let pieces = [
        "\u{1b}[2K",
        "\r",
        "\n",
        "\u{1b}[8m",
        "\u{1b}[1A",
        "\u{1b}]0;t\u{7}",
        "\u{202e}",
        "\u{2066}",
        "\u{200b}",
        "\u{7f}",
        "\u{9b}2K",
        "\u{85}",
        "<!--",
        "-->",
        "> [!NOTE]",
        "@someone",
        "#12",
        "|",
        "`",
        "``",
        "\\",
        "\\|",
        "*",
        "_",
        "[x](y)",
        "<details>",
        "# h",
        "- ",
        "1. ",
        "$x$",
        "&amp;",
        "\t",
        "    ",
        "Plan: 1 to create.",
        " ",
        "EUR 0.15",
    ];
    let piece = prop_oneof![
        3 => any::<char>().prop_map(String::from),
        2 => prop::sample::select(pieces.to_vec()).prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..10).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_names_and_server_strings_stay_text(
        words in prop::collection::vec(hostile(), 1..24)
    ) {
        let plan = plan_with(&words);
        let plain = render(&plan, Format::Human, false);
        check_screen(&plan, &plain, &plain);
        check_screen(&plan, &render(&plan, Format::Human, true), &plain);
        check_markdown(&words, &render(&plan, Format::Markdown, false));
    }
}

#[test]
fn the_fixtures_are_untouched_by_escaping() {
    // No fixture holds a character to escape, so escaping changes none of them.
    for plan in [full_plan(), fixtures::no_change_plan(), fixtures::huge_plan(3)] {
        let human = render(&plan, Format::Human, false);
        assert_eq!(screen(&human), human.lines().map(str::trim_end).collect::<Vec<_>>());
    }
}

#[test]
fn the_apply_report_shows_server_errors_as_text() {
    use crate::apply::{Report, Step, StepOutcome};
    use crate::plan::Change;
    let change = Change::new(Some("a".into()), Action::Create);
    let error = clearsky::api::Error::Api {
        status: 400,
        code: None,
        message: "no\u{1b}[2K\rApply complete: 1 change made.\u{1b}[8m".into(),
        fields: clearsky::api::types::FieldErrors::new(),
    };
    let mut report = Report::default();
    report.record(0, &change, Step::Create, StepOutcome::from_error(&error));
    report.finish();
    let renderer = super::ApplyRenderer::new(Format::Human, RenderOptions::default());
    let mut out = Vec::new();
    renderer.report(&report, &mut out).unwrap();
    let out = String::from_utf8(out).unwrap();
    let rows = screen(&out);
    assert_eq!(rows, out.lines().map(str::trim_end).collect::<Vec<_>>(), "{out}");
    assert!(rows[1].contains("no\\u{1b}[2K\\rApply complete"), "{rows:?}");
    assert!(rows.last().unwrap().starts_with("Apply failed"), "{rows:?}");
}

#[test]
fn the_order_list_shows_server_strings_as_text() {
    use super::OrderRow;
    use clearsky::api::types::TaskOrder;
    let order = TaskOrder {
        task_order_guid: "g\u{1b}[2K\r".into(),
        ordering_process_status: OrderStatus::Unknown("Review\u{202e}weiveR".into()),
        model: "x|y`<!--".into(),
        ..serde_json::from_value(serde_json::json!({
            "TaskOrderGuid": "g", "OrderingProcessStatus": "Review", "StorageMonths": 1,
            "ApiRequests": 1, "TaskOrderAreaKm2": 1.0, "SatelliteConstellations": [],
            "Model": "m", "ImageFrequency": 1, "From": "2025-01-01"
        }))
        .unwrap()
    };
    let rows = [OrderRow { order, entry: Some("e".into()) }];
    let mut out = Vec::new();
    super::orders(&rows, Format::Human, &RenderOptions::default(), &mut out).unwrap();
    let human = String::from_utf8(out).unwrap();
    assert_eq!(screen(&human), human.lines().map(str::trim_end).collect::<Vec<_>>());
    assert!(human.contains("g\\u{1b}[2K\\r") && human.contains("Review\\u{202e}weiveR"), "{human}");
    let mut out = Vec::new();
    super::orders(&rows, Format::Markdown, &RenderOptions::default(), &mut out).unwrap();
    let html = gfm(&String::from_utf8(out).unwrap());
    assert_eq!(html.matches("<td").count(), 7, "{html}");
    assert!(html.contains("<code>x|y`&lt;!--</code>"), "{html}");
}

#[test]
fn svg_text_shows_control_and_bidi_characters_as_escapes() {
    let mut plan = plan_with(&attack());
    plan.changes[1].name = Some(attack()[1].clone());
    let svg = render(&plan, Format::Svg, false);
    let doc = roxmltree::Document::parse(&svg).unwrap();
    assert!(svg.contains("\\u{202e}drow") && !svg.contains('\u{202e}'), "{svg:.600}");
    assert!(doc.descendants().all(|n| n.text().is_none_or(|t| !t.contains('\u{1b}'))));
}

#[test]
fn json_and_geojson_keep_every_value_and_hold_no_active_character_raw() {
    let plan = plan_with(&attack());
    for format in [Format::Json, Format::Geojson, Format::Markdown] {
        let out = render(&plan, format, false);
        let raw = out.chars().find(|c| crate::inert::is_active(*c) && *c != '\n');
        assert_eq!(raw, None, "{format:?}: {out}");
    }
    let json: serde_json::Value =
        serde_json::from_str(&render(&plan, Format::Json, false)).unwrap();
    let names: Vec<&str> =
        json["changes"].as_array().unwrap().iter().filter_map(|c| c["name"].as_str()).collect();
    let want: Vec<&str> = plan.changes.iter().filter_map(|c| c.name.as_deref()).collect();
    assert_eq!(names, want);
}
