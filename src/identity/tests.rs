use uuid::Uuid;

use super::geometry;
use super::*;
use crate::spec::{Ensure, OrderSpec};
use crate::testing::{day, entry, order, spec, tiles, wkt_aoi};
use clearsky::api::types::{OrderRequest, OrderStatus};

fn geojson_aoi(text: &str) -> Aoi {
    let parts = clearsky::aoi::from_geojson(serde_json::from_str(text).unwrap()).unwrap();
    Aoi::Polygons(clearsky::aoi::to_multipolygons(&parts))
}

const TRIANGLE: &str = "POLYGON((10 56,10.2 56,10.1 56.3,10 56))";
const TRIANGLE_BBOX: &str = "GEOMETRYCOLLECTION(POLYGON((10 56,10.2 56,10.2 56.3,10 56.3,10 56)))";
const TWO: &str = "GEOMETRYCOLLECTION(POLYGON((1 1,2 1,2 2,1 2,1 1)),POLYGON((5 5,6 5,5.5 6,5 5)))";

#[test]
fn polygon_aoi_cases() {
    // (case, desired, live Wkt, same AOI?)
    let cases: &[(&str, Aoi, &str, bool)] = &[
        (
            "as sent, identical text",
            wkt_aoi(TRIANGLE),
            "GEOMETRYCOLLECTION(POLYGON((10 56,10.2 56,10.1 56.3,10 56)))",
            true,
        ),
        ("bbox-normalised by the server", wkt_aoi(TRIANGLE), TRIANGLE_BBOX, true),
        (
            "bbox rule needs a rectangle: same bbox, other shape",
            wkt_aoi("POLYGON((10 56,10.2 56,10.2 56.3,10 56.3,10 56))"),
            "POLYGON((10 56,10.2 56,10.1 56.3,10 56))",
            false,
        ),
        (
            "ring start rotated",
            wkt_aoi(TRIANGLE),
            "POLYGON((10.1 56.3,10 56,10.2 56,10.1 56.3))",
            true,
        ),
        (
            "orientation reversed",
            wkt_aoi(TRIANGLE),
            "POLYGON((10 56,10.1 56.3,10.2 56,10 56))",
            true,
        ),
        (
            "polygons reordered",
            wkt_aoi(TWO),
            "GEOMETRYCOLLECTION(POLYGON((5 5,6 5,5.5 6,5 5)),POLYGON((1 1,2 1,2 2,1 2,1 1)))",
            true,
        ),
        (
            "bboxes reordered",
            wkt_aoi(TWO),
            "GEOMETRYCOLLECTION(POLYGON((5 5,6 5,6 6,5 6,5 5)),POLYGON((1 1,2 1,2 2,1 2,1 1)))",
            true,
        ),
        (
            "one polygon missing",
            wkt_aoi(TWO),
            "GEOMETRYCOLLECTION(POLYGON((1 1,2 1,2 2,1 2,1 1)))",
            false,
        ),
        (
            "1e-7 off matches",
            wkt_aoi(TRIANGLE),
            "POLYGON((10.0000001 56,10.2 56,10.1 56.3000001,10.0000001 56))",
            true,
        ),
        (
            "1e-4 off does not",
            wkt_aoi(TRIANGLE),
            "POLYGON((10.0001 56,10.2 56,10.1 56.3,10.0001 56))",
            false,
        ),
        (
            "1e-4 off bbox does not",
            wkt_aoi(TRIANGLE),
            "POLYGON((10 56,10.2001 56,10.2001 56.3,10 56.3,10 56))",
            false,
        ),
        (
            "multipolygon kept whole: its bbox",
            wkt_aoi("MULTIPOLYGON(((1 1,2 1,2 2,1 1)),((3 3,4 3,4 4,3 3)))"),
            "GEOMETRYCOLLECTION(POLYGON((1 1,4 1,4 4,1 4,1 1)))",
            true,
        ),
        (
            "multipolygon is not two AOIs",
            wkt_aoi("MULTIPOLYGON(((1 1,2 1,2 2,1 1)),((3 3,4 3,4 4,3 3)))"),
            "GEOMETRYCOLLECTION(POLYGON((1 1,2 1,2 2,1 1)),POLYGON((3 3,4 3,4 4,3 3)))",
            false,
        ),
        (
            "hole kept as sent",
            wkt_aoi("POLYGON((0 0,4 0,4 4,0 4,0 0),(1 1,2 1,2 2,1 1))"),
            "POLYGON((0 0,0 4,4 4,4 0,0 0),(2 2,2 1,1 1,2 2))",
            true,
        ),
        (
            "GeoJSON equals WKT",
            geojson_aoi(
                r#"{"type":"Polygon","coordinates":[[[10,56],[10.2,56],[10.1,56.3],[10,56]]]}"#,
            ),
            TRIANGLE_BBOX,
            true,
        ),
        ("unparsable live Wkt", wkt_aoi(TRIANGLE), "POLYGON((10 56,", false),
        ("non-polygonal live Wkt", wkt_aoi(TRIANGLE), "POINT(10 56)", false),
        (
            // The API never stores one; `clearsky::aoi` refuses nested collections.
            "nested collection in the live Wkt is not read",
            wkt_aoi(TRIANGLE),
            "GEOMETRYCOLLECTION(GEOMETRYCOLLECTION(POLYGON((10 56,10.2 56,10.1 56.3,10 56))))",
            false,
        ),
    ];
    for (case, desired, live, want) in cases {
        let spec = spec(desired.clone());
        let got = same_aoi(
            &desired.clone(),
            &LiveSpec::of_order(&order("g", "Review", &spec, Some(live))).aoi,
        );
        assert_eq!(got, *want, "{case}");
        // The hash join must agree with the direct comparison.
        let m = match_all(&[entry("e", spec.clone())], &[order("g", "Review", &spec, Some(live))]);
        assert_eq!(m.entries[0].is_satisfied(), *want, "{case} (match_all)");
    }
}

#[test]
fn match_across_a_bucket_edge() {
    // 0.01° cells: x = 0.0199999995 and 0.0200000004 fall in different cells but are within 1e-6.
    let desired = wkt_aoi("POLYGON((0.0199999995 1,1 1,1 2,0.0199999995 1))");
    let live = "POLYGON((0.0200000004 1,1 1,1 2,0.0200000004 1))";
    let s = spec(desired);
    let m = match_all(&[entry("e", s.clone())], &[order("g", "Processing", &s, Some(live))]);
    assert!(m.entries[0].is_satisfied());
}

#[test]
fn fingerprint_cases() {
    let base = spec(wkt_aoi(TRIANGLE));
    let mut reordered = order("g", "UpToDate", &base, Some(TRIANGLE_BBOX));
    reordered.satellite_constellations =
        vec!["landsat89".into(), "SENTINEL2".into(), "sentinel1".into()];
    reordered.model = "stratus2".into();
    let mut no_reference = order("g", "UpToDate", &base, Some(TRIANGLE_BBOX));
    no_reference.reference_date = None;
    let mut other_frequency = order("g", "UpToDate", &base, Some(TRIANGLE_BBOX));
    other_frequency.image_frequency = 2;
    let mut fixed = order("g", "UpToDate", &base, Some(TRIANGLE_BBOX));
    fixed.to = Some(day("2025-06-30"));
    let mut other_model = order("g", "UpToDate", &base, Some(TRIANGLE_BBOX));
    other_model.model = "Nimbus".into();
    let cases = [
        ("enum casing and constellation order ignored", reordered, true),
        ("missing ReferenceDate read as From", no_reference, false),
        ("ImageFrequency differs", other_frequency, false),
        ("To set on a recurring entry", fixed, false),
        ("model differs", other_model, false),
        ("Canceled ignored", order("g", "Canceled", &base, Some(TRIANGLE_BBOX)), false),
    ];
    for (case, live, want) in cases {
        let m = match_all(&[entry("e", base.clone())], &[live]);
        assert_eq!(m.entries[0].is_satisfied(), want, "{case}");
    }
    // ReferenceDate defaults to From on the live side.
    let mut anchored = base.clone();
    anchored.reference_date = anchored.from;
    let mut live = order("g", "UpToDate", &anchored, Some(TRIANGLE_BBOX));
    live.reference_date = None;
    assert!(match_all(&[entry("e", anchored)], &[live]).entries[0].is_satisfied());
}

#[test]
fn stopped_renewal_does_not_satisfy_a_recurring_entry() {
    let s = spec(wkt_aoi(TRIANGLE));
    let mut stopped = order("g", "Processing", &s, Some(TRIANGLE_BBOX));
    stopped.to = Some(day("2025-06-30"));
    let mut absent = entry("e", s.clone());
    absent.ensure = Ensure::Absent;
    let m = match_all(&[entry("p", s.clone()), absent], &[stopped]);
    assert!(!m.entries[0].is_satisfied());
    assert_eq!(m.entries[0].stopped, vec![0]);
    // Only the `absent` entry claims a stopped order.
    assert_eq!(m.owner, vec![Some(1)]);
}

#[test]
fn tile_sets_are_satisfied_by_the_union() {
    let want = spec(tiles(&[1, 2, 3], &[10]));
    let a = order("a", "Processing", &spec(tiles(&[1, 2], &[])), None);
    let b = order("b", "Review", &spec(tiles(&[3, 99], &[10])), None);
    let mut other_fields = spec(tiles(&[3], &[]));
    other_fields.storage_months = 2;
    let c = order("c", "Processing", &other_fields, None);
    let canceled = order("d", "Canceled", &spec(tiles(&[3], &[10])), None);

    let m = match_all(&[entry("e", want.clone())], &[a.clone(), b.clone()]);
    assert!(m.entries[0].is_satisfied());
    assert_eq!(m.entries[0].orders, vec![0, 1]);

    let m = match_all(&[entry("e", want.clone())], &[a.clone(), c, canceled]);
    assert!(!m.entries[0].is_satisfied());
    assert_eq!(m.entries[0].missing_tiles, [Uuid::from_u128(3)].into());
    assert_eq!(m.entries[0].missing_minitiles, [Uuid::from_u128(10)].into());
    assert_eq!(m.owner, vec![Some(0), None, None]);
}

#[test]
fn duplicates_prefer_accepted_then_oldest_then_lowest_guid() {
    let s = spec(wkt_aoi(TRIANGLE));
    let mut old = order("c", "Processing", &s, Some(TRIANGLE_BBOX));
    old.created_date = Some("2025-01-01T00:00:00Z".into());
    let review = order("a", "Review", &s, Some(TRIANGLE_BBOX));
    let newer = order("b", "UpToDate", &s, Some(TRIANGLE_BBOX));
    let m = match_all(&[entry("e", s)], &[review, newer, old]);
    assert_eq!(m.entries[0].orders, vec![2, 1, 0]);
}

/// The body of a create for the tiles `tiles` (what apply sent).
fn sent_tiles(tiles: &[u128]) -> OrderRequest {
    let guids = tiles.iter().map(|&n| Uuid::from_u128(n).to_string()).collect();
    OrderRequest { tile_guids: Some(guids), ..OrderRequest::default() }
}

#[test]
fn find_match_after_an_unknown_create() {
    let s = spec(wkt_aoi(TRIANGLE));
    let e = entry("e", s.clone());
    let polygon = OrderRequest::default();
    let other = order("x", "Review", &spec(wkt_aoi(TWO)), Some(TWO));
    assert!(find_match(&e, &polygon, std::slice::from_ref(&other)).is_none());
    let live = [other, order("new", "Review", &s, Some(TRIANGLE_BBOX))];
    assert_eq!(find_match(&e, &polygon, &live).map(|o| o.task_order_guid.as_str()), Some("new"));

    let t = entry("t", spec(tiles(&[1, 2], &[])));
    let part = order("p", "Processing", &spec(tiles(&[1], &[])), None);
    assert!(find_match(&t, &sent_tiles(&[2]), std::slice::from_ref(&part)).is_none());
    let live = [part, order("rest", "Review", &spec(tiles(&[2], &[])), None)];
    assert!(find_match(&t, &sent_tiles(&[2]), &live).is_some());
}

#[test]
fn find_match_counts_what_the_servers_deduplication_finds_in_other_orders() {
    // The entry wants 1, 2, 3 from May to June; `a` (May) holds 1 and 2, so
    // the create sent 3 only and the server placed it.
    let may = OrderSpec {
        from: day("2025-05-01"),
        to: Some(day("2025-05-31")),
        ..spec(tiles(&[1, 2], &[]))
    };
    let want = OrderSpec { to: Some(day("2025-06-30")), ..may.clone() };
    let want = OrderSpec { aoi: tiles(&[1, 2, 3], &[]), ..want };
    let t = entry("t", want.clone());
    let a = order("a", "Processing", &may, None);
    let new = order("new", "Review", &OrderSpec { aoi: tiles(&[3], &[]), ..want }, None);
    let sent = OrderRequest { tile_deduplication: Some(true), ..sent_tiles(&[3]) };
    let live = [a.clone(), new];
    let found = find_match(&t, &sent, &live).map(|o| o.task_order_guid.as_str());
    assert_eq!(found, Some("new"));
    // Not without deduplication, not before the new order shows, and not when
    // `a` no longer covers.
    let plain = OrderRequest { tile_deduplication: Some(false), ..sent.clone() };
    assert!(find_match(&t, &plain, &live).is_none());
    assert!(find_match(&t, &sent, std::slice::from_ref(&a)).is_none());
    let mut cancelled = a;
    cancelled.ordering_process_status = OrderStatus::Canceled;
    assert!(find_match(&t, &sent, &[cancelled, live[1].clone()]).is_none());
}

#[test]
fn find_match_reports_the_new_tile_order_not_the_one_covering_most() {
    let t = entry("t", spec(tiles(&[1, 2, 3, 4], &[])));
    let old = order("old", "Processing", &spec(tiles(&[1, 2, 3], &[])), None);
    let new = order("new", "Review", &spec(tiles(&[4], &[])), None);
    let live = [old.clone(), new.clone()];
    let found = |sent: &OrderRequest, live: &[TaskOrder]| {
        find_match(&t, sent, live).map(|o| o.task_order_guid.clone())
    };
    assert_eq!(found(&sent_tiles(&[4]), &live), Some("new".to_owned()));
    assert_eq!(found(&sent_tiles(&[4]), &[new, old]), Some("new".to_owned()));
    // Nothing sent that a live order holds: the widest cover is reported.
    assert_eq!(found(&OrderRequest::default(), &live), Some("old".to_owned()));
}

#[test]
fn spec_digest_is_canonical() {
    let wkt = spec(wkt_aoi(TRIANGLE));
    let rotated = spec(wkt_aoi("POLYGON((10.1 56.3,10.2 56,10 56,10.1 56.3))"));
    let geojson = spec(geojson_aoi(
        r#"{"type":"Polygon","coordinates":[[[10,56],[10.2,56],[10.1,56.3],[10,56]]]}"#,
    ));
    let mut cased = wkt.clone();
    cased.model = "STRATUS2".into();
    let d = spec_digest(&wkt);
    assert_eq!(d.len(), 64);
    assert_eq!(spec_digest(&rotated), d);
    assert_eq!(spec_digest(&geojson), d);
    assert_eq!(spec_digest(&cased), d);
    let mut other = wkt.clone();
    other.api_requests = 2;
    assert_ne!(spec_digest(&other), d);
    assert_ne!(spec_digest(&spec(wkt_aoi(TWO))), d);
    assert_ne!(spec_digest(&spec(tiles(&[1], &[]))), spec_digest(&spec(tiles(&[], &[1]))));
}

#[test]
fn live_digest_follows_the_listed_fields() {
    let s = spec(wkt_aoi(TRIANGLE));
    let a = order("a", "Review", &s, Some(TRIANGLE_BBOX));
    let mut b = a.clone();
    assert_eq!(live_digest(&a), live_digest(&b));
    b.ordering_process_status = OrderStatus::Preparing;
    assert_ne!(live_digest(&a), live_digest(&b));
}

#[test]
fn cells_near_covers_the_tolerance() {
    let a = geo::Coord { x: 0.019_999_999_5, y: 5.005 };
    assert_eq!(geometry::cells_near(a).len(), 2);
    assert!(
        geometry::cells_near(a)
            .contains(&geometry::cell(geo::Coord { x: 0.020_000_000_4, y: 5.005 }))
    );
}
