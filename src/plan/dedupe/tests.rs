use uuid::Uuid;

use crate::plan::Action::{Cancel, Create, Keep, Replace, Unmanaged};
use crate::plan::{Action, CancelEffect, Cost, DiffOptions, Plan, diff};
use crate::spec::{DesiredOrder, DesiredSet, Ensure, OrderSpec};
use crate::testing::{base, day, diff_options as opts, entry, order, spec, tiles};
use clearsky::api::types::TaskOrder;

fn run(orders: Vec<DesiredOrder>, live: &[TaskOrder], o: &DiffOptions) -> Plan {
    diff(&DesiredSet { orders, ..DesiredSet::default() }, live, o)
}

/// [`run`] with the manifests at a base revision holding `previous`.
fn run_at(
    orders: Vec<DesiredOrder>,
    live: &[TaskOrder],
    previous: Vec<DesiredOrder>,
    o: &DiffOptions,
) -> Plan {
    let base = Some(base(previous));
    diff(&DesiredSet { orders, base, ..DesiredSet::default() }, live, o)
}

/// Tiles (and minitiles) in May 2025, every 3 days.
fn may(t: &[u128], m: &[u128]) -> OrderSpec {
    OrderSpec { from: day("2025-05-01"), to: Some(day("2025-05-31")), ..spec(tiles(t, m)) }
}

/// Tiles in May and June 2025, every 3 days: overlaps [`may`].
fn may_june(t: &[u128], m: &[u128]) -> OrderSpec {
    OrderSpec { to: Some(day("2025-06-30")), ..may(t, m) }
}

fn lines(plan: &Plan) -> Vec<(String, Action)> {
    let who = |c: &crate::plan::Change| {
        c.name.clone().or_else(|| c.live.as_ref().map(|l| l.guid.clone())).unwrap_or_default()
    };
    plan.changes.iter().map(|c| (who(c), c.action)).collect()
}

/// The GUIDs standing for these numbers, as a request lists them.
fn ids(n: &[u128]) -> Vec<String> {
    n.iter().map(|&n| Uuid::from_u128(n).to_string()).collect()
}

/// The `TileDeduplication` a change's request sends.
fn dedupes(c: &crate::plan::Change) -> Option<bool> {
    c.request.as_ref().and_then(|r| r.tile_deduplication)
}

/// The tile GUIDs a change's request orders.
fn requested(c: &crate::plan::Change) -> Vec<String> {
    c.request.as_ref().and_then(|r| r.tile_guids.clone()).unwrap_or_default()
}

#[test]
fn an_entry_whose_tiles_another_order_holds_under_the_same_settings_is_keep() {
    let a = order("a", "Review", &may(&[1, 2], &[10]), None);
    let entries = vec![entry("a", may(&[1, 2], &[10])), entry("b", may_june(&[1, 2], &[10]))];
    let plan = run(entries, std::slice::from_ref(&a), &opts(true, &[]));
    assert_eq!(lines(&plan), [("a".into(), Keep), ("b".into(), Keep)]);
    let c = &plan.changes[1];
    assert_eq!(c.live.as_ref().unwrap().guid, "a");
    assert_eq!((&c.request, &c.cost), (&None, &Cost::NotApplicable));
    assert_eq!(
        c.reason.as_deref().unwrap(),
        "2 tiles and 1 minitile are already ordered by `a` with the same model, constellations \
         and cadence in an overlapping period: the server's tile deduplication drops them \
         (`TileDeduplication: false` orders them for this entry too)"
    );
    let t = c.tiles.as_ref().unwrap();
    assert_eq!((t.tiles_missing, t.minitiles_missing), (0, 0));
    assert_eq!(t.covered_by, ["a"]);
    assert!(!plan.has_changes());

    // An order no entry claims covers too; it stays unmanaged.
    let bigger = order("x", "Review", &may(&[1, 2, 3], &[]), None);
    let plan = run(vec![entry("b", may_june(&[1], &[]))], &[bigger], &opts(false, &[]));
    assert_eq!(lines(&plan), [("b".into(), Keep), ("x".into(), Unmanaged)]);
    assert!(plan.changes[0].reason.as_deref().unwrap().starts_with("1 tile is already ordered"));
}

#[test]
fn the_entrys_own_remainder_and_the_orders_that_deduplicated_it_make_a_keep() {
    // A partly deduplicated create: the server created the entry's order with tile 3
    // only, since `a` held 1 and 2.
    let want = may_june(&[1, 2, 3], &[]);
    let own = order("own", "Review", &OrderSpec { aoi: tiles(&[3], &[]), ..want.clone() }, None);
    let a = order("a", "Processing", &may(&[1, 2], &[]), None);
    // `a` is no entry's: under `--prune` it stays too, as its window ended
    // (nothing left to cancel), and the remainder's order is `b`'s.
    for prune in [false, true] {
        let plan =
            run(vec![entry("b", want.clone())], &[own.clone(), a.clone()], &opts(prune, &[]));
        assert_eq!(lines(&plan), [("b".into(), Keep), ("a".into(), Unmanaged)], "{prune}");
        let c = &plan.changes[0];
        assert_eq!(c.live.as_ref().unwrap().guid, "own", "the entry's own order is kept");
        assert_eq!(c.tiles.as_ref().unwrap().covered_by, ["a", "own"]);
        assert!(c.reason.as_deref().unwrap().starts_with("2 tiles are already ordered by `a`"));
    }
}

#[test]
fn covered_tiles_leave_the_request_and_the_rest_is_bought() {
    let a = order("a", "Review", &may(&[1, 2], &[]), None);
    let b = order("b", "Review", &may(&[], &[11]), None);
    let plan = run(vec![entry("e", may_june(&[1, 2, 3], &[10, 11]))], &[a, b], &opts(false, &[]));
    let c = &plan.changes[0];
    assert_eq!(c.action, Create);
    let req = c.request.as_ref().unwrap();
    assert_eq!(
        (req.tile_guids.clone(), req.mini_tile_guids.clone()),
        (Some(ids(&[3])), Some(ids(&[10])))
    );
    assert_eq!(req.tile_deduplication, Some(true));
    let t = c.tiles.as_ref().unwrap();
    assert_eq!((t.tiles_missing, t.minitiles_missing), (1, 1));
    assert_eq!(t.covered_by, ["a", "b"]);
    assert!(c.reason.as_deref().unwrap().starts_with("2 tiles and 1 minitile are already"));
}

#[test]
fn without_deduplication_other_settings_or_a_cancelled_order_the_entry_is_bought() {
    // The entry's tiles differ from every live order's: no replace pairing.
    let want = may_june(&[1, 2, 3], &[]);
    let mut plain = entry("e", want.clone());
    plain.tile_deduplication = Some(false);
    let a = order("a", "Review", &may(&[1, 2], &[]), None);
    let plan = run(vec![plain], std::slice::from_ref(&a), &opts(false, &[]));
    assert_eq!(plan.changes[0].action, Create);
    assert_eq!(requested(&plan.changes[0]), ids(&[1, 2, 3]));

    let weekly = order("w", "Review", &OrderSpec { image_frequency: 7, ..may(&[1, 2], &[]) }, None);
    let june = OrderSpec { from: day("2025-07-01"), to: Some(day("2025-07-31")), ..want.clone() };
    let mut cancelled = a.clone();
    cancelled.ordering_process_status = clearsky::api::types::OrderStatus::Canceled;
    for live in [weekly, cancelled] {
        let plan =
            run(vec![entry("e", want.clone())], std::slice::from_ref(&live), &opts(false, &[]));
        assert_eq!(plan.changes[0].action, Create, "{live:?}");
        assert_eq!(requested(&plan.changes[0]), ids(&[1, 2, 3]));
    }
    let plan = run(vec![entry("e", june)], &[a], &opts(false, &[]));
    assert_eq!(plan.changes[0].action, Create, "July does not overlap May");
}

#[test]
fn an_order_the_plan_cancels_covers_nothing() {
    let want = may_june(&[1], &[]);
    let a = order("a", "Review", &may(&[1, 2], &[]), None);
    // Pruned: the entry needs its own order.
    let plan = run(vec![entry("e", want.clone())], std::slice::from_ref(&a), &opts(true, &[]));
    assert_eq!(lines(&plan), [("e".into(), Create), ("a".into(), Cancel)]);
    assert_eq!(requested(&plan.changes[0]), ids(&[1]));
    // The create goes before the cancel: sent without deduplication, so the
    // server does not drop the tile the cancelled order still holds.
    assert_eq!(dedupes(&plan.changes[0]), Some(false));
    assert!(plan.changes[0].reason.as_deref().unwrap().contains("`a` this plan cancels holds"));
    // Cancelled by an `ensure: absent` entry, unless that entry is not targeted.
    let mut gone = entry("gone", may(&[1, 2], &[]));
    gone.ensure = Ensure::Absent;
    let both = vec![entry("e", want), gone];
    let plan = run(both.clone(), std::slice::from_ref(&a), &opts(false, &[]));
    assert_eq!(lines(&plan), [("e".into(), Create), ("gone".into(), Cancel)]);
    let plan = run(both, &[a], &opts(false, &["e"]));
    assert_eq!(lines(&plan), [("e".into(), Keep)]);
}

#[test]
fn a_replace_that_keeps_its_old_order_is_a_create_the_server_deduplicates() {
    // A recurring entry whose order's renewal stopped: the old order stays
    // and still overlaps, so the server would drop every tile again.
    let want = OrderSpec { to: None, ..may(&[1, 2], &[]) };
    let mut stopped = order("s", "UpToDate", &want, None);
    stopped.to = Some(day("2025-06-30"));
    let plan = run(vec![entry("e", want.clone())], &[stopped], &opts(false, &[]));
    let c = &plan.changes[0];
    assert_eq!((c.action, c.live.as_ref().unwrap().guid.as_str()), (Keep, "s"));
    assert!(c.field_changes.is_empty() && c.cancel_effect.is_none() && c.request.is_none());
    assert!(c.reason.as_deref().unwrap().contains("`TileDeduplication: false`"));
    assert!(
        c.reason.as_deref().unwrap().ends_with(
            "its renewal was stopped and it runs through 2025-06-30, so the server refuses a new \
             order overlapping it: to renew from the next month, set `From` to 2025-07-01"
        ),
        "{:?}",
        c.reason
    );

    // An old order the replace cancels covers nothing: the replace stays.
    let was = OrderSpec { storage_months: 2, ..want.clone() };
    let old = order("o", "Review", &was, None);
    let plan = run_at(vec![entry("e", want)], &[old], vec![entry("e", was)], &opts(false, &[]));
    let c = &plan.changes[0];
    assert_eq!((c.action, c.cancel_effect.clone()), (Replace, Some(CancelEffect::FullRefund)));
    assert_eq!(requested(c), ids(&[1, 2]));
    assert_eq!(dedupes(c), Some(false), "the old order's tiles are bought for the new one");
}

#[test]
fn a_create_keeps_deduplication_when_an_order_that_stays_holds_a_tile_too() {
    // Tile 1 is held by the replaced order only, tile 2 by it and by `k`, an
    // order another entry keeps: the server must still drop tile 2.
    let want = may(&[1, 2], &[]);
    let was = OrderSpec { storage_months: 2, ..want.clone() };
    let old = order("o", "Review", &was, None);
    let other = OrderSpec { storage_months: 3, ..may(&[2], &[]) };
    let kept = order("k", "Review", &other, None);
    let entries = vec![entry("e", want), entry("other", other)];
    let plan = run_at(entries, &[old, kept], vec![entry("e", was)], &opts(false, &[]));
    let c = &plan.changes[0];
    assert_eq!(c.action, Replace);
    assert_eq!(dedupes(c), Some(true));
    // Without a holder that stays, the flag is what the entry says.
    let plan = run(vec![entry("e", may_june(&[3], &[]))], &[], &opts(false, &[]));
    assert_eq!(dedupes(&plan.changes[0]), Some(true));
}
