//! Area of interest parsing and billable-area measurement for polygon orders
//! (contract items A5.4, A5.5, A10 and part B item 5 of `clearsky-api.md`).
//!
//! Pure, no IO. An order's AOI arrives as `Wkt` or `GeoJson`; every member of
//! the collection (a `POLYGON`, or a `MULTIPOLYGON` taken as a whole) is one AOI,
//! split by the shared rule of [`crate::aoi`] (a nested collection is refused, as
//! the docs allow only polygons and multipolygons as members).
//! Two area rules exist:
//!
//! - [`AreaRule::BoundingBox`], the documented legacy rule and the default: each
//!   AOI is replaced by its lon/lat bounding box, measured on the WGS84
//!   ellipsoid, and raised to at least 1 km². This reproduces the docs' estimate
//!   example (930.65 km² before, 931.61 km² after the minimum). It is the
//!   default because its sources are the newest dated ones that state a rule
//!   (the client code at commit `1b09d5a3`, 2024-12-04: R4, R11) and the
//!   current pricing pages (D28, D29) still bill at least 1 km²; the newer
//!   rule's pages (D21, D23, a preview build) carry no date.
//! - [`AreaRule::AsSent`], the newer rule: the geodesic area of the geometry as
//!   sent, at least 0.5 km² per AOI; an AOI is refused when it covers under 5 %
//!   of its bounding box or a side of that box is 150 m or shorter.
//!
//! Assumptions: reported areas are rounded to 2 decimals (as the service shows
//! them) and prices are computed on the rounded value; the bounding box side of
//! the newer rule is measured as the geodesic length of the box's west edge and
//! of its middle parallel; AOIs crossing the antimeridian are not special-cased.

use geo::orient::Direction;
use geo::{
    BoundingRect, Distance, Geodesic, GeodesicArea, MultiPolygon, Orient, Point, Polygon, Rect,
};

use crate::aoi::validity::{self, Invalid};
use crate::aoi::{self, Kind, PartsError};

/// Semi-major axis of the WGS84 ellipsoid in metres.
const WGS84_A: f64 = 6_378_137.0;
/// Flattening of the WGS84 ellipsoid.
const WGS84_F: f64 = 1.0 / 298.257_223_563;
/// Smallest billed area per AOI under [`AreaRule::BoundingBox`], km².
const BBOX_MIN_KM2: f64 = 1.0;
/// Smallest billed area per AOI under [`AreaRule::AsSent`], km².
const AS_SENT_MIN_KM2: f64 = 0.5;
/// Smallest share of its bounding box an AOI must cover under [`AreaRule::AsSent`].
const AS_SENT_MIN_FILL: f64 = 0.05;
/// A bounding box side must be longer than this under [`AreaRule::AsSent`], metres.
const AS_SENT_MIN_SIDE_M: f64 = 150.0;

/// Which rule turns a submitted AOI into a billed area.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AreaRule {
    /// Legacy documented rule: bounding box per AOI, at least 1 km² each.
    #[default]
    BoundingBox,
    /// Newer rule: geometry as sent, at least 0.5 km² each, with shape checks.
    AsSent,
}

/// The measured AOI of a polygon order.
#[derive(Debug, Clone, PartialEq)]
pub struct AoiArea {
    /// Normalised `GEOMETRYCOLLECTION` stored on the order and returned as
    /// `AreasOfInterestWkt` (bounding boxes under [`AreaRule::BoundingBox`]).
    pub wkt: String,
    /// Sum of the AOI areas before the per-AOI minimum, km², rounded to 2 decimals.
    pub area_km2_before_minimum: f64,
    /// Billed area, km², rounded to 2 decimals.
    pub area_km2: f64,
    /// The AOIs as sent, one multipolygon each, for tile search.
    pub parts: Vec<MultiPolygon<f64>>,
}

/// Parses an order's `Wkt` or `GeoJson` into its AOIs, one multipolygon per AOI.
///
/// Splits by the shared rule of [`crate::aoi`]: a `GEOMETRYCOLLECTION` of
/// `POLYGON`/`MULTIPOLYGON`, a bare `POLYGON` or `MULTIPOLYGON` (taken as a
/// collection of one), and GeoJSON `Polygon`, `MultiPolygon`,
/// `GeometryCollection`, `Feature` and `FeatureCollection`. Refuses anything
/// else, nested collections, and what [`crate::aoi::validity`] refuses (empty
/// geometries, unclosed or short rings, coordinates off the globe), in the
/// emulator's words.
pub fn parse_aoi(
    wkt: Option<&str>,
    geojson: Option<&serde_json::Value>,
) -> Result<Vec<MultiPolygon<f64>>, String> {
    let (field, parts) = match (wkt, geojson) {
        (Some(_), Some(_)) => return Err("give either `Wkt` or `GeoJson`, not both".to_owned()),
        (None, None) => return Err("one of `Wkt` or `GeoJson` is required".to_owned()),
        (Some(text), None) => ("Wkt", aoi::from_wkt(text)),
        (None, Some(value)) => ("GeoJson", aoi::from_geojson(value.clone())),
    };
    let parts = parts.map_err(|e| refusal(field, e))?;
    validity::validate(parts).map_err(|e| invalid(field, &e))
}

fn refusal(field: &str, e: PartsError) -> String {
    match e {
        PartsError::Syntax(e) if field == "Wkt" => format!("`Wkt` is not valid WKT: {e}"),
        PartsError::Syntax(e) => format!("`GeoJson` is not valid GeoJSON: {e}"),
        PartsError::NotPolygonal { member, kind } => {
            let kind = match kind {
                Kind::GeometryCollection => "nested GEOMETRYCOLLECTION",
                other => other.wkt_name(),
            };
            format!(
                "`{field}` member {member} is a {kind}; only POLYGON and MULTIPOLYGON are accepted"
            )
        }
        PartsError::FeatureWithoutGeometry => format!("`{field}` has a feature without a geometry"),
        PartsError::ShortPosition { len } => {
            format!("`{field}` has a position with {len} number(s); expected [lon, lat]")
        }
        PartsError::Empty => format!("`{field}` holds no polygon"),
    }
}

/// Words an invalid AOI as the emulator's 400 does.
fn invalid(field: &str, e: &Invalid) -> String {
    let n = e.part();
    match e {
        Invalid::NoPolygon { .. }
        | Invalid::EmptyPolygon { .. }
        | Invalid::TooFewPositions { .. } => {
            format!("`{field}` member {n} is an empty or degenerate polygon")
        }
        Invalid::OffGlobe { .. } => format!(
            "`{field}` member {n} has coordinates outside EPSG:4326 (lon -180..180, lat -90..90)"
        ),
        Invalid::Unclosed { first, last, .. } => format!(
            "`{field}` member {n} has an unclosed ring: it starts at `{} {}` and ends at `{} {}`",
            first.0, first.1, last.0, last.1
        ),
    }
}

/// Measures parsed AOIs under `rule` and builds the normalised collection.
///
/// Fails under [`AreaRule::AsSent`] when an AOI breaks the 5 % or 150 m rule.
pub fn measure(parts: &[MultiPolygon<f64>], rule: AreaRule) -> Result<AoiArea, String> {
    if parts.is_empty() {
        return Err("the area of interest holds no polygon".to_owned());
    }
    let mut before = 0.0;
    let mut after = 0.0;
    let mut members = Vec::with_capacity(parts.len());
    for (i, part) in parts.iter().enumerate() {
        let bbox = part.bounding_rect().ok_or_else(|| format!("AOI {} is empty", i + 1))?;
        let bbox_km2 = rect_km2(bbox);
        let km2 = match rule {
            AreaRule::BoundingBox => {
                members.push(polygon_wkt(&bbox_ring(bbox)));
                after += bbox_km2.max(BBOX_MIN_KM2);
                bbox_km2
            }
            AreaRule::AsSent => {
                // Winding is normalised first: a clockwise ring would otherwise
                // measure as the rest of the globe.
                let km2 = part.orient(Direction::Default).geodesic_area_unsigned() / 1e6;
                check_as_sent(i + 1, bbox, km2, bbox_km2)?;
                members.push(multipolygon_member_wkt(part));
                after += km2.max(AS_SENT_MIN_KM2);
                km2
            }
        };
        before += km2;
    }
    Ok(AoiArea {
        wkt: format!("GEOMETRYCOLLECTION ({})", members.join(", ")),
        area_km2_before_minimum: round2(before),
        area_km2: round2(after),
        parts: parts.to_vec(),
    })
}

fn check_as_sent(n: usize, bbox: Rect<f64>, km2: f64, bbox_km2: f64) -> Result<(), String> {
    let (min, max) = (bbox.min(), bbox.max());
    let mid_lat = f64::midpoint(min.y, max.y);
    let height_m = Geodesic.distance(Point::new(min.x, min.y), Point::new(min.x, max.y));
    let width_m = Geodesic.distance(Point::new(min.x, mid_lat), Point::new(max.x, mid_lat));
    if height_m <= AS_SENT_MIN_SIDE_M || width_m <= AS_SENT_MIN_SIDE_M {
        return Err(format!(
            "AOI {n} has a bounding box of {width_m:.0} m × {height_m:.0} m; \
             each side must be longer than {AS_SENT_MIN_SIDE_M:.0} m"
        ));
    }
    if km2 < AS_SENT_MIN_FILL * bbox_km2 {
        return Err(format!(
            "AOI {n} covers {:.1} % of its bounding box; at least {:.0} % is required",
            100.0 * km2 / bbox_km2,
            100.0 * AS_SENT_MIN_FILL
        ));
    }
    Ok(())
}

fn rect_km2(r: Rect<f64>) -> f64 {
    ellipsoid_rect_area_km2(r.min().x, r.min().y, r.max().x, r.max().y)
}

/// Returns the area in km² of the lon/lat rectangle on the WGS84 ellipsoid.
///
/// Exact formula through the authalic latitude: `a²·Δλ·(q(φ₂) − q(φ₁))/2`,
/// with `q(φ) = (1 − e²)·(sin φ/(1 − e² sin² φ) + atanh(e sin φ)/e)`.
pub fn ellipsoid_rect_area_km2(min_lon: f64, min_lat: f64, max_lon: f64, max_lat: f64) -> f64 {
    let e2 = WGS84_F * (2.0 - WGS84_F);
    let e = e2.sqrt();
    let q = |lat_deg: f64| {
        let s = lat_deg.to_radians().sin();
        (1.0 - e2) * (s / (1.0 - e2 * s * s) + (e * s).atanh() / e)
    };
    let d_lon = (max_lon - min_lon).abs().to_radians();
    let m2 = WGS84_A * WGS84_A * d_lon * (q(max_lat) - q(min_lat)).abs() / 2.0;
    m2 / 1e6
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The bounding box as a closed ring in the order the service writes it:
/// south-west, north-west, north-east, south-east, south-west.
fn bbox_ring(r: Rect<f64>) -> Polygon<f64> {
    let (min, max) = (r.min(), r.max());
    Polygon::new(
        vec![(min.x, min.y), (min.x, max.y), (max.x, max.y), (max.x, min.y), (min.x, min.y)].into(),
        vec![],
    )
}

fn ring_wkt(ring: &geo::LineString<f64>) -> String {
    let coords: Vec<String> = ring.coords().map(|c| format!("{} {}", c.x, c.y)).collect();
    format!("({})", coords.join(", "))
}

fn polygon_body(p: &Polygon<f64>) -> String {
    let rings: Vec<String> =
        std::iter::once(p.exterior()).chain(p.interiors()).map(ring_wkt).collect();
    format!("({})", rings.join(", "))
}

/// Writes a polygon as `POLYGON ((x y, …))`, the spacing the service uses.
pub fn polygon_wkt(p: &Polygon<f64>) -> String {
    format!("POLYGON {}", polygon_body(p))
}

/// One AOI as a collection member: a `POLYGON` when it has one part, else a `MULTIPOLYGON`.
fn multipolygon_member_wkt(mp: &MultiPolygon<f64>) -> String {
    if let [p] = mp.0.as_slice() {
        return polygon_wkt(p);
    }
    let polys: Vec<String> = mp.0.iter().map(polygon_body).collect();
    format!("MULTIPOLYGON ({})", polys.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The estimate payload of the docs' "first API order" page
    /// (docs.clearsky.vision/docs/api-guide/first-api-order), three boxes.
    const DOCS_ESTIMATE_WKT: &str = "GEOMETRYCOLLECTION (\
        POLYGON ((8.675127 55.962046, 8.675127 55.963407, 8.679411 55.963407, 8.679411 55.962046, 8.675127 55.962046)), \
        POLYGON ((8.472053 56.105382, 8.472053 56.337398, 8.948552 56.337398, 8.948552 56.105382, 8.472053 56.105382)), \
        POLYGON ((8.678 55.948533, 8.678 56.068376, 8.878589 56.068376, 8.878589 55.948533, 8.678 55.948533)))";

    #[test]
    fn docs_estimate_example_gives_930_65_and_931_61() {
        let parts = parse_aoi(Some(DOCS_ESTIMATE_WKT), None).unwrap();
        assert_eq!(parts.len(), 3);
        let area = measure(&parts, AreaRule::BoundingBox).unwrap();
        assert!((area.area_km2_before_minimum - 930.65).abs() < 1e-9, "{area:?}");
        assert!((area.area_km2 - 931.61).abs() < 1e-9, "{area:?}");
        // The docs' box inputs come back unchanged, in the listed form.
        assert_eq!(area.wkt, DOCS_ESTIMATE_WKT);
    }

    #[test]
    #[allow(clippy::unreadable_literal)] // coordinates as the docs print them
    fn each_docs_box_matches_its_published_area() {
        let boxes = [
            ((8.675127, 55.962046, 8.679411, 55.963407), 0.0405),
            ((8.472053, 56.105382, 8.948552, 56.337398), 763.6508),
            ((8.678, 55.948533, 8.878589, 56.068376), 166.9622),
        ];
        for ((x0, y0, x1, y1), want) in boxes {
            let got = ellipsoid_rect_area_km2(x0, y0, x1, y1);
            assert!((got - want).abs() < 5e-5, "{got} vs {want}");
        }
    }

    #[test]
    fn one_degree_at_the_equator_matches_the_geodesic_area() {
        let rect = ellipsoid_rect_area_km2(0.0, 0.0, 1.0, 1.0);
        let poly = bbox_ring(Rect::new((0.0, 0.0), (1.0, 1.0)));
        let geodesic = poly.orient(Direction::Default).geodesic_area_unsigned() / 1e6;
        // Lon/lat rectangles and geodesic polygons differ along parallels, by
        // well under 0.1 % at this size near the equator.
        assert!((rect - geodesic).abs() / geodesic < 1e-3, "{rect} vs {geodesic}");
        assert!((rect - 12_308.0).abs() < 10.0, "{rect}");
    }

    #[test]
    fn docs_field_polygon_becomes_its_bounding_box() {
        // The first, 30-vertex field of the docs' order request body; its box
        // is the first box of the stored `Wkt` in the list example.
        let wkt = "GEOMETRYCOLLECTION (POLYGON ((8.675127 55.962365, 8.675136 55.962394, 8.675156 55.962461, \
            8.675523 55.96269, 8.676139 55.962787, 8.677469 55.962962, 8.678751 55.963407, 8.679153 55.963118, \
            8.679411 55.962933, 8.678925 55.962744, 8.677587 55.962061, 8.677558 55.962046, 8.675246 55.962311, \
            8.675127 55.962365)))";
        let area = measure(&parse_aoi(Some(wkt), None).unwrap(), AreaRule::BoundingBox).unwrap();
        assert_eq!(
            area.wkt,
            "GEOMETRYCOLLECTION (POLYGON ((8.675127 55.962046, 8.675127 55.963407, 8.679411 55.963407, \
             8.679411 55.962046, 8.675127 55.962046)))"
        );
        assert!((area.area_km2_before_minimum - 0.04).abs() < 1e-9);
        assert!((area.area_km2 - 1.0).abs() < 1e-9);
    }

    #[test]
    fn multipolygon_is_one_aoi_with_one_box() {
        let wkt = "GEOMETRYCOLLECTION (MULTIPOLYGON (((0 0, 0 0.01, 0.01 0.01, 0 0)), ((0.5 0.5, 0.5 0.51, 0.51 0.51, 0.5 0.5))))";
        let parts = parse_aoi(Some(wkt), None).unwrap();
        assert_eq!(parts.len(), 1);
        let area = measure(&parts, AreaRule::BoundingBox).unwrap();
        assert!(area.wkt.contains("0 0, 0 0.51, 0.51 0.51, 0.51 0, 0 0"), "{}", area.wkt);
        let want = ellipsoid_rect_area_km2(0.0, 0.0, 0.51, 0.51);
        assert!((area.area_km2 - round2(want)).abs() < 1e-9);
    }

    #[test]
    fn bare_polygon_and_geojson_forms_are_accepted() {
        let aarhus = "POLYGON((9.87 56.47,10.19 56.47,10.19 56.28,9.87 56.28,9.87 56.47))";
        let from_wkt = parse_aoi(Some(aarhus), None).unwrap();
        let ring =
            json!([[[9.87, 56.47], [10.19, 56.47], [10.19, 56.28], [9.87, 56.28], [9.87, 56.47]]]);
        let polygon = json!({"type": "Polygon", "coordinates": ring});
        let forms = [
            polygon.clone(),
            json!({"type": "MultiPolygon", "coordinates": [ring]}),
            json!({"type": "GeometryCollection", "geometries": [polygon]}),
            json!({"type": "Feature", "properties": {}, "geometry": polygon}),
            json!({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": null, "geometry": polygon}]}),
        ];
        for form in forms {
            let parts = parse_aoi(None, Some(&form)).unwrap_or_else(|e| panic!("{form}: {e}"));
            assert_eq!(parts, from_wkt, "{form}");
        }
    }

    #[test]
    fn bad_inputs_are_refused_with_a_message() {
        let cases = [
            (Some("POLYGON((0 0, 1 1"), None, "not valid WKT"),
            (Some("LINESTRING(0 0, 1 1)"), None, "LINESTRING"),
            (
                Some("GEOMETRYCOLLECTION (POLYGON ((0 0, 0 1, 1 1, 0 0)), POINT (1 1))"),
                None,
                "member 2",
            ),
            (Some("GEOMETRYCOLLECTION EMPTY"), None, "no polygon"),
            (
                Some("GEOMETRYCOLLECTION (GEOMETRYCOLLECTION (POLYGON ((0 0, 0 1, 1 1, 0 0))))"),
                None,
                "member 1 is a nested GEOMETRYCOLLECTION",
            ),
            (Some("POLYGON((0 0, 0 100, 1 100, 0 0))"), None, "outside EPSG:4326"),
            (Some("POLYGON((0 0, 1 0, 1 1))"), None, "member 1 has an unclosed ring"),
            (Some("POLYGON((0 0, 1 0, 0 0))"), None, "member 1 is an empty or degenerate"),
            (None, None, "required"),
        ];
        for (wkt, gj, want) in cases {
            let err = parse_aoi(wkt, gj).unwrap_err();
            assert!(err.contains(want), "{wkt:?}: {err}");
        }
        let both = parse_aoi(Some("POLYGON((0 0, 0 1, 1 1, 0 0))"), Some(&json!({}))).unwrap_err();
        assert!(both.contains("not both"), "{both}");
        let point = json!({"type": "Point", "coordinates": [1.0, 2.0]});
        assert!(parse_aoi(None, Some(&point)).unwrap_err().contains("POINT"));
        assert!(parse_aoi(None, Some(&json!({"kind": 1}))).unwrap_err().contains("GeoJSON"));
        // A short position is refused, not indexed past its end.
        let short = json!({"type": "Polygon", "coordinates": [[[0, 0], [1], [1, 1], [0, 0]]]});
        assert!(parse_aoi(None, Some(&short)).unwrap_err().contains("1 number(s)"));
    }

    #[test]
    fn as_sent_rule_uses_the_geometry_and_its_minimum() {
        // A right triangle fills half of its box, and at 0.5 km² minimum a
        // small one is raised to 0.5.
        let small = parse_aoi(Some("POLYGON((10 56, 10 56.005, 10.005 56, 10 56))"), None).unwrap();
        let area = measure(&small, AreaRule::AsSent).unwrap();
        let half_box = ellipsoid_rect_area_km2(10.0, 56.0, 10.005, 56.005) / 2.0;
        assert!((area.area_km2_before_minimum - round2(half_box)).abs() < 0.011, "{area:?}");
        assert!((area.area_km2 - 0.5).abs() < 1e-9);
        assert!(
            area.wkt.starts_with("GEOMETRYCOLLECTION (POLYGON ((10 56, 10 56.005"),
            "{}",
            area.wkt
        );
        // The legacy rule bills the full box, at least 1 km², for the same input.
        let legacy = measure(&small, AreaRule::BoundingBox).unwrap();
        assert!((legacy.area_km2 - 1.0).abs() < 1e-9);
    }

    #[test]
    fn as_sent_rule_refuses_thin_and_sparse_shapes() {
        // About 111 m tall: too short a side.
        let thin =
            parse_aoi(Some("POLYGON((10 56, 10 56.001, 10.1 56.001, 10.1 56, 10 56))"), None)
                .unwrap();
        let err = measure(&thin, AreaRule::AsSent).unwrap_err();
        assert!(err.contains("150 m"), "{err}");
        // A sliver diagonal triangle covers far below 5 % of its box.
        let sparse =
            parse_aoi(Some("POLYGON((10 56, 10.1 56.1, 10.1 56.0999, 10 56))"), None).unwrap();
        let err = measure(&sparse, AreaRule::AsSent).unwrap_err();
        assert!(err.contains("5 %"), "{err}");
        // Both pass the legacy rule.
        assert!(measure(&thin, AreaRule::BoundingBox).is_ok());
        assert!(measure(&sparse, AreaRule::BoundingBox).is_ok());
    }
}
