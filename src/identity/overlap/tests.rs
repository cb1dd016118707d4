use super::*;
use crate::spec::OrderSpec;
use crate::testing::{entry, order, spec, tiles, wkt_aoi};

/// A 0.1° × 0.1° square.
const SQUARE: &str = "POLYGON((10 56,10.1 56,10.1 56.1,10 56.1,10 56))";
/// `SQUARE` with its north-east vertex moved 0.02° east.
const MOVED: &str = "POLYGON((10 56,10.1 56,10.12 56.1,10 56.1,10 56))";
/// `SQUARE` shifted 0.03° east: overlaps 7/13 ≈ 0.54.
const SHIFTED: &str = "POLYGON((10.03 56,10.13 56,10.13 56.1,10.03 56.1,10.03 56))";
/// `SQUARE` shifted 0.05° east: overlaps 1/3.
const HALF: &str = "POLYGON((10.05 56,10.15 56,10.15 56.1,10.05 56.1,10.05 56))";
/// Far away.
const DISJOINT: &str = "POLYGON((11 56,11.1 56,11.1 56.1,11 56.1,11 56))";
/// A triangle whose bounding box is `SQUARE`.
const TRIANGLE: &str = "POLYGON((10 56,10.1 56,10 56.1,10 56))";

fn parts(wkt: &str) -> Vec<MultiPolygon<f64>> {
    let Aoi::Polygons(p) = wkt_aoi(wkt) else { unreachable!() };
    p
}

#[test]
fn overlap_is_intersection_over_union_under_the_better_rule() {
    let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
    assert!(close(overlap(&parts(SQUARE), &parts(SQUARE)), 1.0));
    assert!(close(overlap(&parts(SQUARE), &parts(HALF)), 1.0 / 3.0));
    assert!(close(overlap(&parts(SQUARE), &parts(SHIFTED)), 7.0 / 13.0));
    assert!(close(overlap(&parts(SQUARE), &parts(DISJOINT)), 0.0));
    // As sent the triangle is half the square; as bounding boxes they are equal.
    assert!(close(overlap(&parts(TRIANGLE), &parts(SQUARE)), 1.0));
    let moved = overlap(&parts(SQUARE), &parts(MOVED));
    assert!(moved > 0.9 && moved < 1.0, "{moved}");
}

/// (case, entry AOI, live orders as (fields, stored `Wkt`), expected candidates).
type Case<'a> = (&'a str, &'a str, Vec<(&'a OrderSpec, &'a str)>, Vec<usize>);

#[test]
fn earlier_versions_by_table() {
    let base = spec(wkt_aoi(SQUARE));
    let other_model = {
        let mut s = base.clone();
        s.model = "Cirrus".into();
        s
    };
    let mut other_to = base.clone();
    other_to.to = Some(crate::testing::day("2025-12-31"));
    #[rustfmt::skip]
    let cases: Vec<Case> = vec![
        ("one vertex moved pairs", MOVED, vec![(&base, SQUARE)], vec![0]),
        ("shifted by 30 % pairs", SHIFTED, vec![(&base, SQUARE)], vec![0]),
        ("half overlap does not", HALF, vec![(&base, SQUARE)], vec![]),
        ("disjoint areas do not", DISJOINT, vec![(&base, SQUARE)], vec![]),
        ("different Model never pairs by overlap", MOVED, vec![(&other_model, SQUARE)], vec![]),
        ("different To never pairs by overlap", MOVED, vec![(&other_to, SQUARE)], vec![]),
        ("same area, other fields", SQUARE, vec![(&other_model, SQUARE)], vec![0]),
        ("same area as a bounding box", TRIANGLE, vec![(&other_model, SQUARE)], vec![0]),
        ("two candidates are both reported", MOVED, vec![(&base, SQUARE), (&base, SHIFTED)], vec![0, 1]),
    ];
    for (case, wanted, live, want) in cases {
        let desired = [entry("e", spec(wkt_aoi(wanted)))];
        let live: Vec<TaskOrder> = live
            .iter()
            .enumerate()
            .map(|(i, (s, w))| order(&format!("o{i}"), "Review", s, Some(w)))
            .collect();
        let free: Vec<usize> = (0..live.len()).collect();
        let got: Vec<usize> =
            earlier_versions(&desired, &[0], &live, &free)[0].iter().map(|v| v.order).collect();
        assert_eq!(got, want, "{case}");
    }
}

#[test]
fn tile_orders_are_earlier_versions_only_with_the_same_tiles() {
    let want = spec(tiles(&[1, 2], &[]));
    let mut old = want.clone();
    old.image_frequency = 5;
    let live = [
        order("same", "Review", &old, None),
        order("part", "Review", &spec(tiles(&[1], &[])), None),
    ];
    let found = earlier_versions(&[entry("t", want)], &[0], &live, &[0, 1]);
    assert_eq!(found, vec![vec![EarlierVersion { order: 0, kinship: Kinship::SameArea }]]);
}

#[test]
fn only_free_orders_are_considered() {
    let live = [order("o", "Review", &spec(wkt_aoi(SQUARE)), Some(SQUARE))];
    let found = earlier_versions(&[entry("e", spec(wkt_aoi(MOVED)))], &[0], &live, &[]);
    assert_eq!(found, vec![Vec::new()]);
}
