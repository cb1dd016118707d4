use chrono::{TimeZone, Utc};

use crate::plan::Action::{self, Blocked, Cancel, Create, Keep, Replace, Unmanaged};
use crate::plan::diff::{DiffOptions, diff};
use crate::plan::{CancelEffect, Plan};
use crate::spec::{Base, DesiredOrder, DesiredSet, OrderSpec};
use crate::testing::{base, day, entry, order, spec, tiles, wkt_aoi};
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

/// The plan of `entries` against `live`, with the manifests at `base` if any.
fn plan_at(
    entries: Vec<DesiredOrder>,
    live: &[TaskOrder],
    targets: &[&str],
    base: Option<Base>,
) -> Plan {
    let opts = DiffOptions {
        prune: false,
        targets: targets.iter().map(|s| (*s).to_owned()).collect(),
        max_cost: None,
        now: Utc.with_ymd_and_hms(2025, 6, 10, 12, 0, 0).unwrap(),
    };
    diff(&DesiredSet { orders: entries, base, ..DesiredSet::default() }, live, &opts)
}

/// The plan with entry `e` at the base as `OLD`.
fn plan(entries: Vec<DesiredOrder>, live: &[TaskOrder], targets: &[&str]) -> Plan {
    plan_at(entries, live, targets, Some(base(vec![entry("e", poly(OLD))])))
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
    assert_eq!(fields, ["Area", "Wkt"]);
    // In terms a reviewer checks: the area before and after, and what moved.
    let area = &c.field_changes[0];
    assert!(area.old.ends_with("km², 4 vertices"), "{area:?}");
    assert!(area.new.ends_with("km², 4 vertices, 1 moved"), "{area:?}");
    assert_ne!(area.old.split(' ').next(), area.new.split(' ').next(), "{area:?}");
    // Both sides in one form, whatever the server's: only the moved vertex differs.
    let f = &c.field_changes[1];
    assert_eq!(f.old, "GEOMETRYCOLLECTION(POLYGON((10 56,10.1 56,10.1 56.1,10 56.1,10 56)))");
    assert_eq!(f.new, "GEOMETRYCOLLECTION(POLYGON((10 56,10.1 56,10.12 56.1,10 56.1,10 56)))");
}

/// (case, entries, live orders, base, expected items).
type Case = (&'static str, Vec<DesiredOrder>, Vec<TaskOrder>, Option<Base>, Vec<(String, Action)>);

#[test]
fn pairing_by_table() {
    let mut nimbus = poly(OLD);
    nimbus.model = "Nimbus".into();
    let old = || vec![order("old", "Review", &poly(OLD), Some(OLD))];
    let at_base = |entries: Vec<DesiredOrder>| Some(base(entries));
    let was_old = || at_base(vec![entry("e", poly(OLD))]);
    let create_and_leave = || vec![("e".into(), Create), ("old".into(), Unmanaged)];
    #[rustfmt::skip]
    let cases: Vec<Case> = vec![
        ("one vertex moved, the base has the old area", vec![entry("e", poly(MOVED))], old(), was_old(),
            vec![("e".into(), Replace)]),
        ("fields edited, the base has the old fields", vec![entry("e", nimbus.clone())], old(), was_old(),
            vec![("e".into(), Replace)]),
        ("no base: nothing pairs", vec![entry("e", poly(MOVED))], old(), None, create_and_leave()),
        ("a new entry on another folder's field (issue 20)", vec![entry("e", nimbus.clone())], old(),
            at_base(Vec::new()), create_and_leave()),
        ("the base's entry of that name had another area", vec![entry("e", poly(MOVED))], old(),
            at_base(vec![entry("e", poly(DISJOINT))]), create_and_leave()),
        ("only the same name pairs", vec![entry("e", poly(MOVED))], old(),
            at_base(vec![entry("f", poly(OLD))]), create_and_leave()),
        ("an absent entry at the base describes no version", vec![entry("e", poly(MOVED))], old(),
            at_base(vec![DesiredOrder { ensure: crate::spec::Ensure::Absent, ..entry("e", poly(OLD)) }]),
            create_and_leave()),
        ("the old order matches a current entry: it is that entry's",
            vec![entry("e", poly(MOVED)), entry("f", poly(OLD))], old(), was_old(),
            vec![("e".into(), Create), ("f".into(), Keep)]),
        ("two orders of the previous version: one replaced, the other cancelled",
            vec![entry("e", poly(MOVED))],
            vec![order("o1", "UpToDate", &poly(OLD), Some(OLD)), order("o2", "Review", &poly(OLD), Some(OLD))],
            was_old(), vec![("e".into(), Replace), ("o2".into(), Cancel)]),
        ("tile fields edited", vec![entry("e", spec(tiles(&[1, 2], &[])))],
            vec![order("old", "Review", &{ let mut s = spec(tiles(&[1, 2], &[])); s.storage_months = 2; s }, None)],
            at_base(vec![entry("e", { let mut s = spec(tiles(&[1, 2], &[])); s.storage_months = 2; s })]),
            vec![("e".into(), Replace)]),
    ];
    for (case, entries, live, base, want) in cases {
        assert_eq!(lines(&plan_at(entries, &live, &[], base)), want, "{case}");
    }
}

#[test]
fn look_alikes_are_left_alone_with_a_note_saying_how_to_clean_up() {
    let live = [order("old", "Review", &poly(OLD), Some(OLD))];
    let p = plan_at(vec![entry("e", poly(MOVED))], &live, &[], None);
    assert_eq!(
        reason(&p, "old"),
        "looks like the earlier version of `e`; cancel it with `--prune`, or plan with `--base REV`"
    );
    let p = plan_at(vec![entry("e", poly(MOVED)), entry("f", poly(SHIFTED))], &live, &[], None);
    assert!(reason(&p, "old").starts_with("looks like an earlier version of `e` or `f`;"));
    let p = plan_at(vec![entry("e", poly(MOVED))], &live, &[], Some(base(Vec::new())));
    assert_eq!(
        reason(&p, "old"),
        "looks like an earlier version of `e`, but matches no entry at base `c0ffee000000`: \
         not this manifest set's order, left alone (cancel it with `--prune` if it is)"
    );
    // An entry the manifests no longer hold.
    let p = plan_at(
        vec![entry("g", poly(DISJOINT))],
        &live,
        &[],
        Some(base(vec![entry("e", poly(OLD))])),
    );
    assert_eq!(lines(&p), vec![("g".into(), Create), ("old".into(), Unmanaged)]);
    assert!(reason(&p, "old").starts_with("matches entry `e` as it was at base `c0ffee000000`"));
    // Unrelated orders get no note, and nothing is cancelled.
    let p = plan_at(vec![entry("e", poly(DISJOINT))], &live, &[], None);
    assert_eq!(reason(&p, "old"), "");
    assert!(!p.changes.iter().any(|c| c.action == Cancel));
}

#[test]
fn the_superseded_half_of_a_replace_is_cancelled_with_a_base_only() {
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
        let p = plan(vec![e.clone()], &live, &[]);
        assert_eq!(lines(&p), vec![("e".into(), Keep), ("old".into(), Cancel)], "{case}");
        assert_eq!(p.changes[1].cancel_effect, effect, "{case}");
        assert!(p.has_changes(), "{case}");
        let why = reason(&p, "old");
        assert!(why.contains("superseded by `new` of entry `e`"), "{case}: {why}");
        // Without a base the old order is only pointed at.
        let p = plan_at(vec![e], &live, &[], None);
        assert_eq!(lines(&p), vec![("e".into(), Keep), ("old".into(), Unmanaged)], "{case}");
        assert!(reason(&p, "old").contains("`--base REV`"), "{case}");
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

    // `--target` of another entry leaves it alone; of this entry, cancels it.
    let live = [order("old", "Review", &poly(OLD), Some(OLD)), new];
    let entries = || vec![entry("e", poly(MOVED)), entry("f", poly(DISJOINT))];
    assert_eq!(lines(&plan(entries(), &live, &["f"])), vec![("f".into(), Create)]);
    assert_eq!(
        lines(&plan(entries(), &live, &["e"])),
        vec![("e".into(), Keep), ("old".into(), Cancel)]
    );
}

#[test]
fn an_entrys_own_order_whose_renewal_stopped_is_placed_again_without_a_base() {
    let mut stopped = order("s", "UpToDate", &poly(OLD), Some(OLD));
    stopped.to = Some(day("2025-06-30"));
    let p = plan_at(vec![entry("e", poly(OLD))], &[stopped.clone()], &[], None);
    assert_eq!(lines(&p), vec![("e".into(), Replace)]);
    assert!(matches!(p.changes[0].cancel_effect, Some(CancelEffect::NotCancellable { .. })));
    // In `Review` it could still be refunded: not this entry's to cancel.
    stopped.ordering_process_status = clearsky::api::types::OrderStatus::parse("Review");
    let p = plan_at(vec![entry("e", poly(OLD))], &[stopped], &[], None);
    assert_eq!(lines(&p), vec![("e".into(), Create), ("s".into(), Unmanaged)]);
}
