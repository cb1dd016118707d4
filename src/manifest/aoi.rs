//! Areas of interest from WKT and GeoJSON text: the checks the API would make
//! (closed rings, coordinates in range, non-zero area) and the manifest's
//! messages, on top of the shared split into parts.
//!
//! Pure, no IO. [`clearsky::aoi`] decides what one AOI part is (each top-level
//! polygon or multipolygon, or each member of a collection; nested collections
//! are refused); this module checks the parts and words every problem.

use geo::{Area, Coord, LineString, MultiPolygon, Polygon};

use super::geometry_checks;
use clearsky::aoi::{self, Kind, Part, PartsError, RawPolygon};

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

/// Checks every ring and builds the geo types.
fn check(parts: Vec<Part>) -> Result<Vec<MultiPolygon<f64>>, String> {
    let mut out = Vec::with_capacity(parts.len());
    let mut n = 0;
    for part in parts {
        let mut polygons = Vec::with_capacity(part.polygons.len());
        for rings in part.polygons {
            n += 1;
            polygons.push(check_polygon(n, rings)?);
        }
        if polygons.is_empty() {
            return Err("has an empty multipolygon".into());
        }
        out.push(MultiPolygon(polygons));
    }
    Ok(out)
}

fn check_polygon(n: usize, rings: RawPolygon) -> Result<Polygon<f64>, String> {
    if rings.is_empty() {
        return Err(format!("has an empty polygon {n}"));
    }
    let mut lines = Vec::with_capacity(rings.len());
    for (r, ring) in rings.into_iter().enumerate() {
        let what = if r == 0 { format!("polygon {n}") } else { format!("hole {r} of polygon {n}") };
        let what = format!("in {what}");
        if let Some((x, y)) = ring
            .iter()
            .find(|(x, y)| !(x.is_finite() && y.is_finite() && x.abs() <= 180.0 && y.abs() <= 90.0))
        {
            return Err(format!(
                "has the position `{x} {y}` out of range {what}: longitude must be within -180..180 and latitude within -90..90"
            ));
        }
        if ring.len() < 4 {
            return Err(format!(
                "has a ring of {} position(s) {what}: a closed ring needs at least 4",
                ring.len()
            ));
        }
        let (first, last) = (ring[0], ring[ring.len() - 1]);
        #[allow(clippy::float_cmp)]
        if first != last {
            return Err(format!(
                "has an unclosed ring {what}: it starts at `{} {}` and ends at `{} {}`",
                first.0, first.1, last.0, last.1
            ));
        }
        lines.push(LineString(ring.into_iter().map(|(x, y)| Coord { x, y }).collect()));
    }
    let exterior = lines.remove(0);
    let polygon = Polygon::new(exterior, lines);
    if polygon.unsigned_area() <= 0.0 {
        return Err(format!("has zero area in polygon {n}"));
    }
    let rings = std::iter::once(polygon.exterior()).chain(polygon.interiors());
    for (r, ring) in rings.enumerate() {
        let what =
            if r == 0 { format!("in polygon {n}") } else { format!("in hole {r} of polygon {n}") };
        if let Some(problem) = geometry_checks::ring_problem(ring, &what) {
            return Err(problem);
        }
    }
    Ok(polygon)
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
