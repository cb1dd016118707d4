//! Areas of interest from WKT and GeoJSON text: the manifest's messages for the
//! shared rules, and skyform's own checks on top of them.
//!
//! Pure, no IO. [`clearsky::aoi`] decides what one AOI part is (each top-level
//! polygon or multipolygon, or each member of a collection; nested collections
//! are refused) and whether it is a valid geometry ([`validity`]: closed rings
//! of at least 4 positions on the globe, as the emulator checks too); this
//! module words those problems, then refuses a polygon of zero area and what
//! [`geometry_checks`] finds.

use geo::{Area, MultiPolygon};

use super::geometry_checks;
use clearsky::aoi::validity::{self, Invalid};
use clearsky::aoi::{self, Kind, Part, PartsError};

/// Parses WKT text into AOI parts, or says what is wrong with it.
pub(crate) fn from_wkt(text: &str) -> Result<Vec<MultiPolygon<f64>>, String> {
    let parts = aoi::from_wkt(text).map_err(|e| match e {
        PartsError::Syntax(e) => format!("cannot be parsed as WKT: {}", lower_first(&e)),
        e => parts_error(&e, Kind::wkt_name),
    })?;
    check(parts)
}

/// Parses a GeoJSON value (geometry, feature or feature collection) into AOI parts.
pub(crate) fn from_geojson(value: serde_json::Value) -> Result<Vec<MultiPolygon<f64>>, String> {
    let parts = aoi::from_geojson(value).map_err(|e| match e {
        PartsError::Syntax(e) => format!("is not valid GeoJSON: {}", lower_first(&e)),
        e => parts_error(&e, Kind::geojson_name),
    })?;
    check(parts)
}

/// Parses GeoJSON text (inline string or file contents).
pub(crate) fn from_geojson_str(text: &str) -> Result<Vec<MultiPolygon<f64>>, String> {
    let value: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| format!("is not valid JSON: {}", lower_first(&e.to_string())))?;
    from_geojson(value)
}

/// Words a split problem other than a syntax error; `name` spells a kind as the
/// input's format does.
fn parts_error(e: &PartsError, name: fn(Kind) -> &'static str) -> String {
    match e {
        PartsError::NotPolygonal { kind: Kind::GeometryCollection, .. } => format!(
            "contains a nested `{}`: members of a collection must be polygons or multipolygons",
            name(Kind::GeometryCollection)
        ),
        PartsError::NotPolygonal { kind, .. } => {
            format!("contains a `{}`: only polygons and multipolygons are allowed", name(*kind))
        }
        PartsError::FeatureWithoutGeometry => "has a feature without a geometry".into(),
        PartsError::ShortPosition { len } => {
            format!("has a position with {len} number(s): expected [lon, lat]")
        }
        PartsError::Empty => "contains no polygon".into(),
        PartsError::Syntax(e) => e.clone(),
    }
}

/// Checks the parts by the shared validity rule, then skyform's own checks
/// of each polygon (zero area, then [`geometry_checks`]).
fn check(parts: Vec<Part>) -> Result<Vec<MultiPolygon<f64>>, String> {
    let parts = validity::validate(parts).map_err(|e| invalid(&e))?;
    let polygons = parts.iter().flat_map(|mp| &mp.0);
    for (i, polygon) in polygons.enumerate() {
        let n = i + 1;
        if polygon.unsigned_area() <= 0.0 {
            return Err(format!("has zero area in polygon {n}"));
        }
        let rings = std::iter::once(polygon.exterior()).chain(polygon.interiors());
        for (r, ring) in rings.enumerate() {
            if let Some(problem) = geometry_checks::ring_problem(ring, &ring_name(n, r)) {
                return Err(problem);
            }
        }
    }
    Ok(parts)
}

/// "in polygon 2", "in hole 1 of polygon 2".
fn ring_name(polygon: usize, ring: usize) -> String {
    if ring == 0 {
        format!("in polygon {polygon}")
    } else {
        format!("in hole {ring} of polygon {polygon}")
    }
}

/// Words an invalid AOI as the manifest's diagnostics do.
fn invalid(e: &Invalid) -> String {
    match e {
        Invalid::NoPolygon { .. } => "has an empty multipolygon".into(),
        Invalid::EmptyPolygon { polygon, .. } => format!("has an empty polygon {polygon}"),
        Invalid::OffGlobe { at, position: (x, y) } => format!(
            "has the position `{x} {y}` out of range {}: longitude must be within -180..180 and latitude within -90..90",
            ring_name(at.polygon, at.ring)
        ),
        Invalid::TooFewPositions { at, count } => format!(
            "has a ring of {count} position(s) {}: a closed ring needs at least 4",
            ring_name(at.polygon, at.ring)
        ),
        Invalid::Unclosed { at, first, last } => format!(
            "has an unclosed ring {}: it starts at `{} {}` and ends at `{} {}`",
            ring_name(at.polygon, at.ring),
            first.0,
            first.1,
            last.0,
            last.1
        ),
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match (c.next(), c.next()) {
        (Some(a), Some(b)) if b.is_lowercase() => a.to_lowercase().chain([b]).chain(c).collect(),
        _ => s.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_polygons_and_collections_into_parts() {
        let p = from_wkt("POLYGON((9.87 56.47,10.19 56.47,10.19 56.28,9.87 56.28,9.87 56.47))")
            .unwrap();
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].0[0].exterior().0.len(), 5);
        let gc = from_wkt(
            "GEOMETRYCOLLECTION(POLYGON((0 0,1 0,1 1,0 0)),MULTIPOLYGON(((2 2,3 2,3 3,2 2)),((4 4,5 4,5 5,4 4))))",
        )
        .unwrap();
        assert_eq!(gc.iter().map(|m| m.0.len()).collect::<Vec<_>>(), [1, 2]);
    }

    #[test]
    fn wkt_and_geojson_of_the_same_shape_agree() {
        let w = from_wkt("POLYGON((0 0,1 0,1 1,0 0))").unwrap();
        let g = from_geojson_str(r#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}"#)
            .unwrap();
        assert_eq!(w, g);
    }

    #[test]
    fn rejects_what_the_api_would() {
        let err = |t: &str| from_wkt(t).unwrap_err();
        assert!(err("POINT(1 2)").contains("`POINT`"));
        assert!(err("POLYGON((0 0,1 0,1 1,0 1))").contains("unclosed ring in polygon 1"));
        assert!(err("POLYGON((0 0,181 0,1 1,0 0))").contains("`181 0` out of range"));
        assert!(err("POLYGON((0 0,1 1,2 2,0 0))").contains("zero area"));
        assert!(err("POLYGON((0 0,1 0,0 0))").contains("ring of 3 position(s)"));
        assert!(err("POLYGON((0 0,1 0").starts_with("cannot be parsed as WKT"));
        assert!(err("GEOMETRYCOLLECTION EMPTY").contains("no polygon"));
        let nested = err("GEOMETRYCOLLECTION(GEOMETRYCOLLECTION(POLYGON((0 0,1 0,1 1,0 0))))");
        assert!(nested.starts_with("contains a nested `GEOMETRYCOLLECTION`"), "{nested}");
        let gj = from_geojson_str(r#"{"type":"LineString","coordinates":[[0,0],[1,1]]}"#);
        assert!(gj.unwrap_err().contains("`LineString`"));
        assert!(from_geojson_str("{").unwrap_err().starts_with("is not valid JSON"));
        let short =
            from_geojson_str(r#"{"type":"Polygon","coordinates":[[[0,0],[1],[1,1],[0,0]]]}"#);
        assert!(short.unwrap_err().contains("position with 1 number(s)"));
    }
}
