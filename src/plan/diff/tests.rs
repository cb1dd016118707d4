use chrono::TimeZone;
use uuid::Uuid;

use super::*;
use crate::plan::Action::{Blocked, Cancel, Create, Keep, Replace, Unmanaged};
use crate::spec::{Budget, OrderSpec};
use crate::testing::{base, day, diff_options as opts, entry, order, spec, tiles, wkt_aoi};
use clearsky::api::types::TaskOrder;

const A: &str = "POLYGON((10 56,10.2 56,10.1 56.3,10 56))";
const A_BBOX: &str = "GEOMETRYCOLLECTION(POLYGON((10 56,10.2 56,10.2 56.3,10 56.3,10 56)))";
const B: &str = "POLYGON((1 1,2 1,2 2,1 2,1 1))";
const C: &str = "POLYGON((3 3,4 3,4 4,3 4,3 3))";

fn set(orders: Vec<DesiredOrder>) -> DesiredSet {
    DesiredSet { orders, ..DesiredSet::default() }
}

fn poly(wkt: &str) -> OrderSpec {
    spec(wkt_aoi(wkt))
}

fn fixed(mut s: OrderSpec, to: &str) -> OrderSpec {
    s.to = Some(day(to));
    s
}

fn absent(mut e: DesiredOrder) -> DesiredOrder {
    e.ensure = Ensure::Absent;
    e
}

fn protect(mut e: DesiredOrder) -> DesiredOrder {
    e.protect = true;
    e
}

/// `(name or live GUID, action)` of every item, in order.
fn lines(plan: &Plan) -> Vec<(String, Action)> {
    plan.changes
        .iter()
        .map(|c| (c.name.clone().unwrap_or_else(|| live_guid(c).to_owned()), c.action))
        .collect()
}

fn run(orders: Vec<DesiredOrder>, live: &[TaskOrder], o: &DiffOptions) -> Plan {
    diff(&set(orders), live, o)
}

/// (case, entries, live orders, options, expected lines).
type Case = (&'static str, Vec<DesiredOrder>, Vec<TaskOrder>, DiffOptions, Vec<(String, Action)>);

#[test]
fn action_table() {
    let stopped = {
        let mut o = order("s", "UpToDate", &poly(A), Some(A_BBOX));
        o.to = Some(day("2025-06-30"));
        o
    };
    let mut dashboard = order("d", "Processing", &poly(A), Some(A_BBOX));
    dashboard.model = "stratus2".into();
    dashboard.satellite_constellations =
        vec!["Landsat89".into(), "Sentinel2".into(), "Sentinel1".into()];
    let past = fixed(poly(B), "2024-03-31");
    let canceled = order("x", "Canceled", &poly(A), Some(A_BBOX));
    let over = |s: &str| (s.to_owned(), Keep);
    #[rustfmt::skip]
    let cases: Vec<Case> = vec![
        ("empty account: creates", vec![entry("a", poly(A)), entry("b", poly(B))], vec![], opts(false, &[]),
            vec![("a".into(), Create), ("b".into(), Create)]),
        ("dashboard-made order adopted", vec![entry("a", poly(A))], vec![dashboard], opts(true, &[]), vec![over("a")]),
        ("Canceled order ignored and not listed", vec![entry("a", poly(A))], vec![canceled.clone()], opts(false, &[]),
            vec![("a".into(), Create)]),
        ("Canceled order not pruned", vec![], vec![canceled], opts(true, &[]), vec![]),
        ("expired fixed window kept", vec![entry("p", past.clone())], vec![order("o", "Completed", &past, Some(B))],
            opts(false, &[]), vec![over("p")]),
        ("past fixed window with no match: create", vec![entry("p", past)], vec![], opts(false, &[]),
            vec![("p".into(), Create)]),
        ("unmanaged without prune", vec![entry("a", poly(A))],
            vec![order("a1", "Review", &poly(A), Some(A)), order("zz", "UpToDate", &poly(C), Some(C))],
            opts(false, &[]), vec![over("a"), ("zz".into(), Unmanaged)]),
        ("prune: each cancel rule", vec![],
            vec![
                order("r", "Review", &fixed(poly(A), "2025-09-30"), Some(A)),
                order("u", "UpToDate", &poly(B), Some(B)),
                order("f", "Processing", &fixed(poly(C), "2025-09-30"), Some(C)),
                order("e", "Completed", &fixed(poly(C), "2025-01-31"), Some(C)),
                stopped.clone(),
            ],
            opts(true, &[]),
            vec![("e".into(), Unmanaged), ("f".into(), Unmanaged), ("r".into(), Cancel), ("s".into(), Unmanaged), ("u".into(), Cancel)]),
        ("absent: Review is a full cancel", vec![absent(entry("a", poly(A)))], vec![order("g", "Review", &poly(A), Some(A_BBOX))],
            opts(false, &[]), vec![("a".into(), Cancel)]),
        ("absent: accepted recurring stops renewing", vec![absent(entry("a", poly(A)))], vec![order("g", "UpToDate", &poly(A), Some(A_BBOX))],
            opts(false, &[]), vec![("a".into(), Cancel)]),
        ("absent: accepted fixed window is blocked", vec![absent(entry("a", fixed(poly(A), "2025-12-31")))],
            vec![order("g", "Processing", &fixed(poly(A), "2025-12-31"), Some(A_BBOX))], opts(false, &[]), vec![("a".into(), Blocked)]),
        ("absent: renewal already stopped needs nothing", vec![absent(entry("a", poly(A)))], vec![stopped.clone()],
            opts(true, &[]), vec![over("a")]),
        ("absent with no match: nothing to do", vec![absent(entry("a", poly(A)))], vec![], opts(true, &[]), vec![over("a")]),
        ("absent and protected: blocked", vec![protect(absent(entry("a", poly(A))))], vec![order("g", "Review", &poly(A), Some(A))],
            opts(false, &[]), vec![("a".into(), Blocked)]),
        ("protected keep", vec![protect(entry("a", poly(A)))], vec![order("g", "Review", &poly(A), Some(A))],
            opts(true, &[]), vec![over("a")]),
        ("recurring entry vs stopped renewal: replace", vec![entry("a", poly(A))], vec![stopped], opts(false, &[]),
            vec![("a".into(), Replace)]),
        ("target: only that entry, live orders untouched", vec![entry("a", poly(A)), entry("b", poly(B))],
            vec![order("zz", "Review", &poly(C), Some(C))], opts(true, &["b"]), vec![("b".into(), Create)]),
    ];
    for (case, orders, live, o, want) in cases {
        assert_eq!(lines(&run(orders, &live, &o)), want, "{case}");
    }
}

#[test]
fn create_carries_the_exact_request_and_is_unpriced() {
    let e = entry("a", poly(A));
    let plan = run(vec![e.clone()], &[], &opts(false, &[]));
    let c = &plan.changes[0];
    assert_eq!(c.request.as_ref(), Some(&e.spec.to_request(None)));
    assert_eq!(c.cost, Cost::Unpriced { reason: None });
    assert_eq!(c.desired.as_ref().unwrap().spec_digest, identity::spec_digest(&e.spec));
    assert_eq!(c.desired.as_ref().unwrap().aoi, "1 polygon");
    assert!(plan.has_changes());
    assert_eq!(plan.priceable(), vec![0]);
}

#[test]
fn keep_plan_has_no_changes() {
    let s = poly(A);
    let plan = run(
        vec![entry("a", s.clone())],
        &[order("g", "UpToDate", &s, Some(A_BBOX))],
        &opts(false, &[]),
    );
    assert!(!plan.has_changes());
    assert_eq!(plan.changes[0].live.as_ref().unwrap().guid, "g");
    assert_eq!(plan.changes[0].cost, Cost::NotApplicable);
}

#[test]
fn replace_shows_the_field_diff_and_cancel_effect() {
    let old = poly(A);
    let mut new = old.clone();
    new.image_frequency = 5;
    new.storage_months = 2;
    let cases = [
        (order("g", "Review", &old, Some(A_BBOX)), CancelEffect::FullRefund),
        (
            order("g", "UpToDate", &old, Some(A_BBOX)),
            CancelEffect::RenewalStops { until: day("2025-06-30") },
        ),
    ];
    // The base has entry `a` as it was.
    let run = |orders, live: &[TaskOrder], o: &DiffOptions| {
        let desired = DesiredSet { base: Some(base(vec![entry("a", old.clone())])), ..set(orders) };
        diff(&desired, live, o)
    };
    for (live, effect) in cases {
        let plan = run(vec![entry("a", new.clone())], &[live], &opts(false, &[]));
        let c = &plan.changes[0];
        assert_eq!(c.action, Replace);
        assert_eq!(c.cancel_effect, Some(effect));
        assert_eq!(c.request.as_ref(), Some(&new.to_request(None)));
        let fields: Vec<_> = c
            .field_changes
            .iter()
            .map(|f| (f.field.as_str(), f.old.as_str(), f.new.as_str()))
            .collect();
        assert_eq!(fields, vec![("ImageFrequency", "3", "5"), ("StorageMonths", "1", "2")]);
    }
    // An accepted fixed window is replaced without cancelling the old one.
    let old = fixed(poly(A), "2025-12-31");
    let mut new = old.clone();
    new.api_requests = 3;
    let desired = DesiredSet {
        base: Some(base(vec![entry("a", old.clone())])),
        ..set(vec![entry("a", new)])
    };
    let plan = diff(&desired, &[order("g", "Processing", &old, Some(A))], &opts(false, &[]));
    assert!(matches!(plan.changes[0].cancel_effect, Some(CancelEffect::NotCancellable { .. })));
}

#[test]
fn replace_needs_exactly_one_candidate() {
    let mut new = poly(A);
    new.image_frequency = 5;
    let live =
        [order("g1", "Review", &poly(A), Some(A)), order("g2", "Review", &poly(A), Some(A_BBOX))];
    let plan = run(vec![entry("a", new)], &live, &opts(false, &[]));
    assert_eq!(
        lines(&plan),
        vec![("a".into(), Create), ("g1".into(), Unmanaged), ("g2".into(), Unmanaged)]
    );
}

#[test]
fn protected_replace_is_blocked_without_a_request() {
    let mut new = poly(A);
    new.image_frequency = 5;
    let desired = DesiredSet {
        base: Some(base(vec![entry("a", poly(A))])),
        ..set(vec![protect(entry("a", new))])
    };
    let plan = diff(&desired, &[order("g", "Review", &poly(A), Some(A))], &opts(false, &[]));
    let c = &plan.changes[0];
    assert_eq!(c.action, Blocked);
    assert!(c.request.is_none() && c.reason.as_deref().unwrap().contains("protect"));
    assert_eq!(c.field_changes.len(), 1);
    assert!(plan.is_blocked());
}

#[test]
fn target_does_not_steal_another_entrys_order() {
    // `b` changed and would pair with `g`; `a` matches `g` exactly and owns it.
    let mut b = poly(A);
    b.reference_date = day("2025-02-01");
    let live = [order("g", "Review", &poly(A), Some(A))];
    let plan = run(vec![entry("a", poly(A)), entry("b", b)], &live, &opts(false, &["b"]));
    assert_eq!(lines(&plan), vec![("b".into(), Create)]);
}

#[test]
fn review_duplicates_are_cancelled_without_prune_and_make_changes() {
    let s = poly(A);
    let live = [
        order("a-review", "Review", &s, Some(A)),
        order("b-accepted", "UpToDate", &s, Some(A_BBOX)),
        order("c-fixed", "Processing", &fixed(s.clone(), "2025-12-31"), Some(A)),
    ];
    let plan = run(vec![entry("e", s.clone())], &live[..2], &opts(false, &[]));
    assert_eq!(lines(&plan), vec![("e".into(), Keep), ("a-review".into(), Cancel)]);
    assert!(plan.has_changes(), "a plan with a refundable duplicate has changes");
    assert_eq!(plan.changes[1].cancel_effect, Some(CancelEffect::FullRefund));
    assert!(plan.changes[1].reason.as_deref().unwrap().contains("duplicate of `b-accepted`"));
    assert_eq!(plan.duplicates.len(), 1);
    assert_eq!(plan.duplicates[0].kept, "b-accepted");
    assert_eq!(plan.duplicates[0].cancelled, ["a-review"]);
    assert_eq!(plan.duplicates[0].left().count(), 0);

    let plan = run(vec![entry("e", s.clone())], &live, &opts(true, &[]));
    // An accepted fixed window cannot be cancelled: `--prune` reports it as
    // billed until it ends instead of blocking the plan for months.
    assert_eq!(
        lines(&plan),
        vec![("e".into(), Keep), ("a-review".into(), Cancel), ("c-fixed".into(), Unmanaged)]
    );
    assert!(!plan.is_blocked());
    let why = plan.changes[2].reason.as_deref().unwrap();
    assert!(why.contains("billed until it ends on 2025-12-31"), "{why}");

    // `protect` guards the kept order; a refundable duplicate is still refunded.
    let plan = run(vec![protect(entry("e", s.clone()))], &live[..2], &opts(true, &[]));
    assert_eq!(lines(&plan), vec![("e".into(), Keep), ("a-review".into(), Cancel)]);

    // A targeted entry's duplicates are repaired; another entry's are not touched.
    let targeted = run(vec![entry("e", s.clone())], &live[..2], &opts(false, &["e"]));
    assert_eq!(lines(&targeted), vec![("e".into(), Keep), ("a-review".into(), Cancel)]);
    let other = run(vec![entry("e", s), entry("f", poly(B))], &live[..2], &opts(false, &["f"]));
    assert_eq!(lines(&other), vec![("f".into(), Create)]);
}

#[test]
fn accepted_recurring_duplicates_stop_renewing_without_prune() {
    let s = poly(A);
    let live = [
        order("a-accepted", "UpToDate", &s, Some(A)),
        order("b-accepted", "Processing", &s, Some(A_BBOX)),
    ];
    // The duplicate matches this set's entry, so the set owns it: no `--prune`
    // is needed to stop it renewing.
    let plan = run(vec![entry("e", s)], &live, &opts(false, &[]));
    assert_eq!(lines(&plan), vec![("e".into(), Keep), ("b-accepted".into(), Cancel)]);
    assert!(plan.has_changes());
    let dup = &plan.duplicates[0];
    assert_eq!((dup.kept.as_str(), dup.left().count()), ("a-accepted", 0));
    assert_eq!(
        plan.changes[1].cancel_effect,
        Some(CancelEffect::RenewalStops { until: day("2025-06-30") })
    );
}

#[test]
fn tile_duplicates_are_repaired_like_polygon_duplicates() {
    let want = spec(tiles(&[1, 2], &[10]));
    let mut kept = order("kept", "UpToDate", &want, None);
    kept.created_date = Some("2025-04-01T00:00:00".into());
    let mut twin = order("twin", "Review", &want, None);
    twin.created_date = Some("2025-04-01T00:00:01".into());
    let plan = run(vec![entry("t", want.clone())], &[twin, kept], &opts(false, &[]));
    assert_eq!(lines(&plan), vec![("t".into(), Keep), ("twin".into(), Cancel)]);
    assert_eq!(plan.changes[1].cancel_effect, Some(CancelEffect::FullRefund));
    assert_eq!(plan.duplicates[0].kept, "kept");
}

#[test]
fn tile_entry_orders_only_the_uncovered_remainder() {
    let want = spec(tiles(&[1, 2, 3], &[10, 11]));
    let a = order("a", "Processing", &spec(tiles(&[1], &[10])), None);
    let b = order("b", "Review", &spec(tiles(&[2, 3], &[11])), None);
    let plan = run(vec![entry("t", want.clone())], &[a.clone(), b], &opts(true, &[]));
    assert_eq!(lines(&plan), vec![("t".into(), Keep)]);
    assert_eq!(plan.changes[0].tiles.as_ref().unwrap().covered_by, vec!["a", "b"]);

    let plan = run(vec![entry("t", want.clone())], std::slice::from_ref(&a), &opts(true, &[]));
    let c = &plan.changes[0];
    assert_eq!(c.action, Create);
    let req = c.request.as_ref().unwrap();
    let ids = |n: &[u128]| n.iter().map(|&n| Uuid::from_u128(n).to_string()).collect::<Vec<_>>();
    assert_eq!(req.tile_guids, Some(ids(&[2, 3])));
    assert_eq!(req.mini_tile_guids, Some(ids(&[11])));
    assert_eq!(req.tile_deduplication, Some(true));
    let cov = c.tiles.as_ref().unwrap();
    assert_eq!((cov.tiles_wanted, cov.tiles_missing, cov.minitiles_missing), (3, 2, 1));

    let mut no_dedup = entry("t", want);
    no_dedup.tile_deduplication = Some(false);
    let plan = run(vec![no_dedup], &[a], &opts(false, &[]));
    assert_eq!(plan.changes[0].request.as_ref().unwrap().tile_deduplication, Some(false));
}

#[test]
fn cancel_effects_name_the_last_billed_day() {
    let plan = run(
        vec![absent(entry("a", poly(A)))],
        &[order("g", "UpToDate", &poly(A), Some(A))],
        &opts(false, &[]),
    );
    assert_eq!(
        plan.changes[0].cancel_effect,
        Some(CancelEffect::RenewalStops { until: day("2025-06-30") })
    );
    let mut december = opts(false, &[]);
    december.now = Utc.with_ymd_and_hms(2025, 12, 31, 23, 59, 0).unwrap();
    assert_eq!(month_end(december.now.date_naive()), day("2025-12-31"));
    assert_eq!(month_end(day("2024-02-03")), day("2024-02-29"));
}

#[test]
fn budget_combines_manifest_and_max_cost() {
    let mut desired = set(vec![]);
    assert_eq!(diff(&desired, &[], &opts(false, &[])).budget, None);
    desired.budget = Budget { max_current_month: Some(100.0), max_monthly: Some(50.0) };
    let mut o = opts(false, &[]);
    o.max_cost = Some(80.0);
    let b = diff(&desired, &[], &o).budget.unwrap();
    assert_eq!((b.max_current_month, b.max_monthly), (Some(80.0), Some(50.0)));
    desired.budget = Budget::default();
    let b = diff(&desired, &[], &o).budget.unwrap();
    assert_eq!((b.max_current_month, b.max_monthly), (Some(80.0), None));
}

#[test]
fn unknown_targets_are_reported() {
    let desired = set(vec![entry("a", poly(A))]);
    let targets = vec!["a".to_owned(), "nope".to_owned()];
    assert_eq!(unknown_targets(&desired, &targets), vec!["nope"]);
}

#[test]
fn a_protected_entry_whose_renewal_stopped_is_placed_again_without_a_cancel() {
    let mut stopped = order("s", "UpToDate", &poly(A), Some(A_BBOX));
    stopped.to = Some(day("2025-06-30"));
    let plan = run(vec![protect(entry("a", poly(A)))], &[stopped], &opts(false, &[]));
    let c = &plan.changes[0];
    assert_eq!(c.action, Replace, "{c:?}");
    assert!(c.request.is_some());
    assert!(matches!(c.cancel_effect, Some(CancelEffect::NotCancellable { .. })), "{c:?}");
    assert!(!plan.is_blocked());
}

#[test]
fn an_absent_entry_with_nothing_to_cancel_is_an_unchanged_item() {
    let plan = run(vec![absent(entry("a", poly(A)))], &[], &opts(false, &[]));
    assert_eq!(lines(&plan), [("a".to_owned(), Keep)]);
    assert!(plan.changes[0].reason.as_deref().unwrap().contains("nothing to cancel"));
    assert!(!plan.has_changes());
}
