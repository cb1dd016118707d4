use geo::Winding;

use super::fixtures::drawn_plan;
use super::*;

fn detailed() -> RenderOptions {
    RenderOptions { detailed: true, ..RenderOptions::default() }
}

fn actions(map: &Map<'_>) -> Vec<(String, Action, Option<Side>)> {
    map.areas.iter().map(|a| (a.name.to_owned(), a.action, a.side)).collect()
}

#[test]
fn every_drawable_change_is_one_area_and_a_replace_two() {
    let plan = drawn_plan();
    let map = Map::of_plan(&plan, detailed());
    let got = actions(&map);
    let want = [
        ("copenhagen-harbour", Action::Keep, None),
        ("aarhus-bay", Action::Create, None),
        ("skagen-tiles", Action::Create, None),
        ("odense-fields", Action::Create, None),
        ("aalborg-fjord", Action::Replace, Some(Side::Old)),
        ("aalborg-fjord", Action::Replace, Some(Side::New)),
        ("old-pilot", Action::Cancel, None),
        ("esbjerg-port", Action::Cancel, None),
        ("ribe-marsh", Action::Blocked, None),
        ("af1b2c3d-0000-4000-8000-000000000007", Action::Unmanaged, None),
    ]
    .map(|(n, a, s)| (n.to_owned(), a, s));
    assert_eq!(got, want);
    assert!(map.undrawn.is_empty(), "{:?}", map.undrawn);
    // Unchanged entries only with `--detailed`.
    let plain = Map::of_plan(&plan, RenderOptions::default());
    assert_eq!(plain.areas.len(), want.len() - 1);
    assert!(plain.areas.iter().all(|a| a.action != Action::Keep));
}

#[test]
fn areas_carry_the_live_order_and_the_price() {
    let plan = drawn_plan();
    let map = Map::of_plan(&plan, RenderOptions::default());
    let by =
        |name: &str, side| map.areas.iter().find(|a| a.name == name && a.side == side).unwrap();
    let old = by("aalborg-fjord", Some(Side::Old));
    assert_eq!(old.guid, Some("5e6f7a8b-0000-4000-8000-000000000003"));
    assert!(old.price.is_none());
    let new = by("aalborg-fjord", Some(Side::New));
    assert_eq!(new.guid, None);
    assert_eq!(new.price.map(|p| p.current_month), Some(55.5));
    assert!(by("odense-fields", None).price.is_none(), "unpriced is no price, not 0");
    assert_eq!(by("skagen-tiles", None).shape.0.len(), 2, "one polygon per tile");
}

#[test]
fn rings_follow_the_right_hand_rule() {
    let plan = drawn_plan();
    let map = Map::of_plan(&plan, detailed());
    for area in &map.areas {
        for p in &area.shape.0 {
            assert!(p.exterior().is_ccw(), "{}", area.name);
            assert!(p.interiors().iter().all(Winding::is_cw), "{}", area.name);
        }
    }
    let esbjerg = map.areas.iter().find(|a| a.name == "esbjerg-port").unwrap();
    assert_eq!(esbjerg.shape.0[0].interiors().len(), 1);
}

#[test]
fn tiles_without_footprints_and_broken_geometry_are_listed_as_undrawn() {
    let mut plan = drawn_plan();
    plan.tile_footprints.clear();
    plan.changes[1].request.as_mut().unwrap().wkt = Some("POLYGON((0 0, nan 1, 1 1, 0 0))".into());
    let map = Map::of_plan(&plan, RenderOptions::default());
    assert_eq!(map.undrawn, ["aarhus-bay", "skagen-tiles"]);
    assert!(map.areas.iter().all(|a| a.name != "skagen-tiles" && a.name != "aarhus-bay"));
}

#[test]
fn live_orders_are_kept_or_unmanaged_with_status_and_entry() {
    use clearsky::api::types::{TaskOrder, TileRef};
    let order = |guid: &str, wkt: Option<&str>| TaskOrder {
        task_order_guid: guid.into(),
        billing_cycle: None,
        ordering_process_status: OrderStatus::Review,
        storage_months: 1,
        api_requests: 1,
        task_order_area_km2: 1.0,
        satellite_constellations: Vec::new(),
        model: "Stratus2".into(),
        image_frequency: 3,
        reference_date: None,
        from: crate::render::fixtures::day(2025, 6, 1),
        to: None,
        tiles: Vec::new(),
        mini_tiles: Vec::new(),
        wkt: wkt.map(str::to_owned),
        created_date: None,
    };
    let tile = TileRef { guid: "t".into(), wkt: Some("POLYGON((1 1,2 1,2 2,1 2,1 1))".into()) };
    let rows = vec![
        OrderRow {
            order: order("g-1", Some(super::fixtures::AARHUS)),
            entry: Some("aarhus".into()),
        },
        OrderRow { order: TaskOrder { tiles: vec![tile], ..order("g-2", None) }, entry: None },
        OrderRow { order: order("g-3", None), entry: None },
    ];
    let map = Map::of_orders(&rows);
    let got: Vec<_> = map.areas.iter().map(|a| (a.name, a.action, a.guid, a.entry)).collect();
    assert_eq!(
        got,
        [
            ("aarhus", Action::Keep, Some("g-1"), Some("aarhus")),
            ("g-2", Action::Unmanaged, Some("g-2"), None)
        ]
    );
    assert_eq!(map.undrawn, ["g-3"]);
}
