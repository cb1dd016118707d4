use chrono::{TimeZone, Utc};

use crate::plan::Action::{self, Blocked, Cancel, Create, Keep, Replace, Unmanaged};
use crate::plan::diff::{DiffOptions, diff};
use crate::plan::{CancelEffect, Plan};
use crate::spec::{DesiredOrder, DesiredSet, OrderSpec};
use crate::testing::{day, entry, order, spec, wkt_aoi};
use clearsky::api::types::TaskOrder;

/// A 0.1° × 0.1° square.
const OLD: &str = "POLYGON((10 56,10.1 56,10.1 56.1,10 56.1,10 56))";
/// `OLD` with its north-east vertex moved 0.02° east.
const MOVED: &str = "POLYGON((10 56,10.1 56,10.12 56.1,10 56.1,10 56))";
/// `OLD` shifted 0.03° east: still more than half in common.
const SHIFTED: &str = "POLYGON((10.03 56,10.13 56,10.13 56.1,10.03 56.1,10.03 56))";
/// Far from `OLD`.
const DISJOINT: &str = "POLYGON((11 56,11.1 56,11.1 56.1,11 56.1,11 56))";

fn poly(wkt: &str) -> OrderSpec {
    spec(wkt_aoi(wkt))
}

fn plan(entries: Vec<DesiredOrder>, live: &[TaskOrder], targets: &[&str]) -> Plan {
    let opts = DiffOptions {
        prune: false,
        targets: targets.iter().map(|s| (*s).to_owned()).collect(),
        max_cost: None,
        now: Utc.with_ymd_and_hms(2025, 6, 10, 12, 0, 0).unwrap(),
    };
    diff(&DesiredSet { orders: entries, ..DesiredSet::default() }, live, &opts)
}

fn lines(plan: &Plan) -> Vec<(String, Action)> {
    plan.changes
        .iter()
        .map(|c| {
            let who = c.name.clone().or_else(|| c.live.as_ref().map(|l| l.guid.clone()));
            (who.unwrap_or_default(), c.action)
        })
        .collect()
}

fn reason(plan: &Plan, guid: &str) -> String {
    let c = plan.changes.iter().find(|c| c.live.as_ref().is_some_and(|l| l.guid == guid));
    c.and_then(|c| c.reason.clone()).unwrap_or_default()
}

#[test]
fn an_edited_area_is_a_replace_with_the_wkt_diff() {
    let p =
        plan(vec![entry("e", poly(MOVED))], &[order("old", "Review", &poly(OLD), Some(OLD))], &[]);
    assert_eq!(lines(&p), vec![("e".into(), Replace)]);
    let c = &p.changes[0];
    assert_eq!(c.live.as_ref().unwrap().guid, "old");
    assert_eq!(c.cancel_effect, Some(CancelEffect::FullRefund));
    let fields: Vec<_> = c.field_changes.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["Wkt"]);
    // Both sides in one form, whatever the server's: only the moved vertex differs.
    let f = &c.field_changes[0];
    assert_eq!(f.old, "GEOMETRYCOLLECTION(POLYGON((10 56,10.1 56,10.1 56.1,10 56.1,10 56)))");
    assert_eq!(f.new, "GEOMETRYCOLLECTION(POLYGON((10 56,10.1 56,10.12 56.1,10 56.1,10 56)))");
}

/// (case, entries, live orders, expected items).
type Case = (&'static str, Vec<DesiredOrder>, Vec<TaskOrder>, Vec<(String, Action)>);

#[test]
fn pairing_by_table() {
    let mut model = poly(OLD);
    model.model = "Cirrus".into();
    #[rustfmt::skip]
    let cases: Vec<Case> = vec![
        ("one vertex moved pairs", vec![entry("e", poly(MOVED))],
            vec![order("old", "Review", &poly(OLD), Some(OLD))], vec![("e".into(), Replace)]),
        ("disjoint areas do not pair", vec![entry("e", poly(DISJOINT))],
            vec![order("old", "Review", &poly(OLD), Some(OLD))], vec![("e".into(), Create), ("old".into(), Unmanaged)]),
        ("different Model and area never pairs", vec![entry("e", poly(MOVED))],
            vec![order("old", "Review", &model, Some(OLD))], vec![("e".into(), Create), ("old".into(), Unmanaged)]),
        ("two candidate orders: ambiguous", vec![entry("e", poly(MOVED))],
            vec![order("o1", "Review", &poly(OLD), Some(OLD)), order("o2", "Review", &poly(SHIFTED), Some(SHIFTED))],
            vec![("e".into(), Create), ("o1".into(), Unmanaged), ("o2".into(), Unmanaged)]),
        ("two candidate entries: ambiguous", vec![entry("e", poly(MOVED)), entry("f", poly(SHIFTED))],
            vec![order("old", "Review", &poly(OLD), Some(OLD))],
            vec![("e".into(), Create), ("f".into(), Create), ("old".into(), Unmanaged)]),
    ];
    for (case, entries, live, want) in cases {
        assert_eq!(lines(&plan(entries, &live, &[])), want, "{case}");
    }
}

#[test]
fn ambiguous_orders_say_which_entries_they_resemble_and_how_to_clean_up() {
    let live = [
        order("o1", "Review", &poly(OLD), Some(OLD)),
        order("o2", "Review", &poly(SHIFTED), Some(SHIFTED)),
    ];
    let p = plan(vec![entry("e", poly(MOVED))], &live, &[]);
    let note = reason(&p, "o1");
    assert!(note.contains("earlier version of entry `e`"), "{note}");
    assert!(note.contains("as do orders `o2`") && note.contains("--prune"), "{note}");
    assert!(!p.changes.iter().any(|c| c.action == Cancel));
    // Unrelated orders get no note.
    let p = plan(vec![entry("e", poly(DISJOINT))], &live[..1], &[]);
    assert_eq!(reason(&p, "o1"), "");
}

#[test]
fn the_superseded_half_of_a_replace_is_cancelled() {
    let new = order("new", "Review", &poly(MOVED), Some(MOVED));
    let mut edited = poly(OLD);
    edited.image_frequency = 5;
    #[rustfmt::skip]
    let cases: Vec<(&str, DesiredOrder, Vec<TaskOrder>, Option<CancelEffect>)> = vec![
        ("area edited, old in Review", entry("e", poly(MOVED)),
            vec![order("old", "Review", &poly(OLD), Some(OLD)), new.clone()], Some(CancelEffect::FullRefund)),
        ("area edited, old accepted recurring", entry("e", poly(MOVED)),
            vec![order("old", "UpToDate", &poly(OLD), Some(OLD)), new],
            Some(CancelEffect::RenewalStops { until: day("2025-06-30") })),
        ("fields edited, same area", entry("e", edited.clone()),
            vec![order("old", "Review", &poly(OLD), Some(OLD)), order("new", "Review", &edited, Some(OLD))],
            Some(CancelEffect::FullRefund)),
    ];
    for (case, e, live, effect) in cases {
        let p = plan(vec![e], &live, &[]);
        assert_eq!(lines(&p), vec![("e".into(), Keep), ("old".into(), Cancel)], "{case}");
        assert_eq!(p.changes[1].cancel_effect, effect, "{case}");
        assert!(p.has_changes(), "{case}");
        let why = reason(&p, "old");
        assert!(why.contains("superseded by `new` of entry `e`"), "{case}: {why}");
    }
}

#[test]
fn a_superseded_half_follows_protect_and_the_cancel_rules() {
    let new = order("new", "Review", &poly(MOVED), Some(MOVED));
    let mut protected = entry("e", poly(MOVED));
    protected.protect = true;
    let p =
        plan(vec![protected], &[order("old", "Review", &poly(OLD), Some(OLD)), new.clone()], &[]);
    assert_eq!(lines(&p), vec![("e".into(), Keep), ("old".into(), Blocked)]);
    assert!(reason(&p, "old").contains("`protect`"));

    // Stopped renewal of a field-edited order: nothing left to cancel, not blocked.
    let mut edited = poly(OLD);
    edited.image_frequency = 5;
    let mut stopped = order("old", "UpToDate", &poly(OLD), Some(OLD));
    stopped.to = Some(day("2025-06-30"));
    let p = plan(
        vec![entry("e", edited.clone())],
        &[stopped, order("new", "Review", &edited, Some(OLD))],
        &[],
    );
    assert_eq!(lines(&p), vec![("e".into(), Keep), ("old".into(), Unmanaged)]);
    assert!(!p.has_changes() && !p.is_blocked());
    let why = reason(&p, "old");
    assert!(why.contains("superseded by `new`") && why.contains("cannot be cancelled"), "{why}");

    // Two old versions of one satisfied entry: ambiguous, nothing cancelled.
    let live = [
        order("o1", "Review", &poly(OLD), Some(OLD)),
        order("o2", "Review", &poly(SHIFTED), Some(SHIFTED)),
        new.clone(),
    ];
    let p = plan(vec![entry("e", poly(MOVED))], &live, &[]);
    assert_eq!(
        lines(&p),
        vec![("e".into(), Keep), ("o1".into(), Unmanaged), ("o2".into(), Unmanaged)]
    );

    // `--target` of another entry leaves it alone; of this entry, cancels it.
    let live = [order("old", "Review", &poly(OLD), Some(OLD)), new];
    let entries = || vec![entry("e", poly(MOVED)), entry("f", poly(DISJOINT))];
    assert_eq!(lines(&plan(entries(), &live, &["f"])), vec![("f".into(), Create)]);
    assert_eq!(
        lines(&plan(entries(), &live, &["e"])),
        vec![("e".into(), Keep), ("old".into(), Cancel)]
    );
}
