use super::*;
use crate::plan::Change;
use clearsky::api::types::FieldErrors;

const SCHEMA_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/schemas/apply-events.schema.json");

fn committed_schema() -> serde_json::Value {
    let text =
        std::fs::read_to_string(SCHEMA_PATH).expect("schemas/apply-events.schema.json exists");
    serde_json::from_str(&text).expect("schemas/apply-events.schema.json is JSON")
}

/// Fails when the view types and the committed schema drift apart. To
/// accept a change (adding a field), run with `SKYFORM_BLESS_SCHEMAS=1`.
#[test]
fn committed_schema_is_generated_from_the_view_types() {
    let generated = apply_events_schema();
    if std::env::var_os("SKYFORM_BLESS_SCHEMAS").is_some() {
        let text = serde_json::to_string_pretty(&generated).unwrap() + "\n";
        std::fs::write(SCHEMA_PATH, text).unwrap();
    }
    assert!(
        committed_schema() == generated,
        "schemas/apply-events.schema.json is out of date: fields may be added, never renamed \
         or removed; rerun with SKYFORM_BLESS_SCHEMAS=1 to rewrite it"
    );
    assert_eq!(generated["title"], "skyform apply events");
    assert!(generated["description"].as_str().unwrap().contains("never renamed"));
}

/// A replace of `a` whose create was done and whose cancel was not tried, a
/// failed create of `b`, and the events that led there.
fn part_way() -> (Vec<Event>, Report) {
    let a = Change::new(Some("a".into()), Action::Replace);
    let b = Change::new(Some("b".into()), Action::Create);
    let done = StepOutcome::Done { guid: Some("g-new".into()), note: None };
    let mut fields = FieldErrors::new();
    fields.insert("TileGuids".into(), vec!["unknown tile".into()]);
    let refused =
        clearsky::api::Error::Api { status: 400, code: None, message: "no".into(), fields };
    let failed = StepOutcome::from_error(&refused);
    let events = vec![
        Event::started(0, &a, Step::Create),
        Event::started(1, &b, Step::Create),
        Event::finished(0, &a, Step::Create, &done),
        Event::finished(1, &b, Step::Create, &failed),
    ];
    let mut report = Report::default();
    report.record(1, &b, Step::Create, failed);
    report.record(0, &a, Step::Cancel, StepOutcome::NotTried);
    report.record(0, &a, Step::Create, done);
    report.finish();
    (events, report)
}

fn json_lines(events: &[Event], report: &Report) -> Vec<serde_json::Value> {
    let mut out = Vec::new();
    for e in events {
        ApplyRenderer::Json.event(e, &mut out).unwrap();
    }
    ApplyRenderer::Json.report(report, &mut out).unwrap();
    String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect()
}

#[test]
fn every_line_validates_against_the_committed_schema() {
    let validator = jsonschema::draft202012::new(&committed_schema()).unwrap();
    let (events, report) = part_way();
    let mut lines = json_lines(&events, &report);
    lines.extend(json_lines(&[], &Report::default()));
    for line in &lines {
        let errors: Vec<String> = validator.iter_errors(line).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{line}: {errors:#?}");
    }
    let kinds: Vec<&str> = lines.iter().map(|l| l["event"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "change_started",
            "change_started",
            "change_finished",
            "change_failed",
            "summary",
            "summary"
        ]
    );
}

#[test]
fn lines_keep_every_field_of_the_unversioned_stream_and_add_to_it() {
    let (events, report) = part_way();
    let lines = json_lines(&events, &report);
    assert_eq!(
        lines[0],
        serde_json::json!({
            "event": "change_started", "format_version": 1, "index": 0, "name": "a",
            "action": "replace", "step": "create", "outcome": null,
        })
    );
    assert_eq!(
        lines[3]["outcome"],
        serde_json::json!({
            "status": "failed", "guid": null, "note": null,
            "error": "the API refused the order (400): no", "fields": ["TileGuids: unknown tile"],
        })
    );
    let summary = &lines[4];
    assert_eq!((summary["done"].as_u64(), summary["failed"].as_u64()), (Some(1), Some(1)));
    assert_eq!(
        (summary["not_tried"].as_u64(), summary["complete"].as_bool()),
        (Some(1), Some(false))
    );
    assert_eq!(summary["interrupted"], false);
    assert_eq!(summary["items"][1]["step"], "cancel");
    assert_eq!(summary["items"][1]["outcome"]["status"], "not_tried");
    assert_eq!(summary["items"][0]["outcome"]["guid"], "g-new");
    assert_eq!(summary["line"], apply_summary_line(&report));
}

#[test]
fn the_schema_rejects_what_the_contract_forbids() {
    let validator = jsonschema::draft202012::new(&committed_schema()).unwrap();
    let (events, report) = part_way();
    let good = json_lines(&events, &report);
    let mut bad = good[0].clone();
    bad["event"] = "change_paused".into();
    assert!(!validator.is_valid(&bad), "unknown event accepted");
    let mut bad = good[0].clone();
    bad.as_object_mut().unwrap().remove("outcome");
    assert!(!validator.is_valid(&bad), "a null field left out was accepted");
    let mut bad = good[4].clone();
    bad.as_object_mut().unwrap().remove("format_version");
    assert!(!validator.is_valid(&bad), "a line without its version was accepted");
    let mut future = good[2].clone();
    future["something_new"] = 1.into();
    assert!(validator.is_valid(&future), "a future field must not invalidate");
}

#[test]
fn the_human_report_lists_each_step_and_ends_with_the_summary_line() {
    let (events, report) = part_way();
    let human = ApplyRenderer::new(Format::Human, RenderOptions::default());
    let mut out = Vec::new();
    for e in &events {
        human.event(e, &mut out).unwrap();
    }
    human.unchanged(&mut out).unwrap();
    assert!(out.is_empty(), "events are shown by the progress bar, not on stdout");
    human.report(&report, &mut out).unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "
  done        a: replace: create g-new
  not tried   a: replace: cancel old
  failed      b: create: the API refused the order (400): no
                TileGuids: unknown tile
Apply failed part-way: 1 done, 1 failed, 1 not tried. Run apply again to converge.
"
    );
    assert!(human.shows_progress() && !ApplyRenderer::Json.shows_progress());
    assert_eq!(ApplyRenderer::new(Format::Markdown, RenderOptions::default()), human);
}

#[test]
fn the_summary_line_says_how_the_apply_ended() {
    let change = Change::new(Some("a".into()), Action::Create);
    let done = StepOutcome::Done { guid: Some("g".into()), note: None };
    let mut report = Report::default();
    assert_eq!(apply_summary_line(&report), "Apply complete: no changes.");
    report.record(0, &change, Step::Create, done.clone());
    assert_eq!(apply_summary_line(&report), "Apply complete: 1 change made.");
    report.record(1, &change, Step::Create, done);
    assert_eq!(apply_summary_line(&report), "Apply complete: 2 changes made.");
    report.record(2, &change, Step::Create, StepOutcome::NotTried);
    report.interrupted = true;
    assert_eq!(
        apply_summary_line(&report),
        "Apply interrupted: 2 done, 0 failed, 1 not tried. Run apply again to converge."
    );
    // Nothing done: the exit code is 1, so the line does not say "part-way".
    let mut report = Report::default();
    report.record(0, &change, Step::Create, StepOutcome::failed("refused", Vec::new()));
    report.record(1, &change, Step::Create, StepOutcome::NotTried);
    assert_eq!(
        apply_summary_line(&report),
        "Apply failed: 0 done, 1 failed, 1 not tried. Run apply again to converge."
    );
}

#[test]
fn skipped_creates_and_refunded_duplicates_are_reported_apart() {
    let change = Change::new(Some("a".into()), Action::Create);
    let mut report = Report::default();
    report.record(
        0,
        &change,
        Step::Create,
        StepOutcome::Done { guid: Some("g".into()), note: None },
    );
    report.record(1, &change, Step::Create, StepOutcome::Satisfied { guid: "other".into() });
    report.repairs.push(crate::apply::Repair {
        name: "a".into(),
        guid: "g".into(),
        kept: "k".into(),
        outcome: StepOutcome::Done { guid: Some("g".into()), note: None },
    });
    assert!(report.complete());
    let mut out = Vec::new();
    ApplyRenderer::new(Format::Human, RenderOptions::default()).report(&report, &mut out).unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "
  done        a: create g
  satisfied   a: create skipped: order other (placed by another run) satisfies it
  done        a: cancel duplicate g (keeps k): refunded
Apply complete: 2 changes made (1 duplicate from a concurrent run refunded), 1 already satisfied by another run.
"
    );
    let lines = json_lines(&[], &report);
    let summary = lines.last().unwrap();
    assert_eq!(summary["already_satisfied"], 1);
    assert_eq!(summary["items"][1]["outcome"]["status"], "satisfied");
    assert_eq!(summary["repairs"][0]["kept"], "k");
}
