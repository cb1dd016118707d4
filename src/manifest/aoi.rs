//! Areas of interest from WKT and GeoJSON text: parsing, then the checks the API
//! would make (polygons only, closed rings, coordinates in range, non-zero area).
//!
//! Pure, no IO. Each top-level polygon or multipolygon becomes one AOI part (a
//! `GEOMETRYCOLLECTION` contributes one part per member), matching how the API
//! counts AOIs.

use std::str::FromStr;

use geo::{Area, Coord, LineString, MultiPolygon, Polygon};

/// Rings as written: exterior first, then holes; each a list of (lon, lat).
type RawPolygon = Vec<Vec<(f64, f64)>>;

/// One AOI part as written: one polygon, or the polygons of one multipolygon.
type RawPart = Vec<RawPolygon>;

/// Parses WKT text into AOI parts, or says what is wrong with it.
pub(crate) fn from_wkt(text: &str) -> Result<Vec<MultiPolygon<f64>>, String> {
    let wkt = wkt::Wkt::<f64>::from_str(text.trim())
        .map_err(|e| format!("cannot be parsed as WKT: {}", lower_first(e)))?;
    let mut parts = Vec::new();
    wkt_parts(&wkt, &mut parts)?;
    check(parts)
}

fn wkt_parts(wkt: &wkt::Wkt<f64>, parts: &mut Vec<RawPart>) -> Result<(), String> {
    let ring = |l: &wkt::types::LineString<f64>| l.coords().iter().map(|c| (c.x, c.y)).collect();
    let polygon = |p: &wkt::types::Polygon<f64>| p.rings().iter().map(ring).collect::<RawPolygon>();
    match wkt {
        wkt::Wkt::Polygon(p) => parts.push(vec![polygon(p)]),
        wkt::Wkt::MultiPolygon(mp) => parts.push(mp.polygons().iter().map(polygon).collect()),
        wkt::Wkt::GeometryCollection(gc) => {
            for member in gc.geometries() {
                wkt_parts(member, parts)?;
            }
        }
        wkt::Wkt::Point(_) => return Err(not_polygonal("POINT")),
        wkt::Wkt::LineString(_) => return Err(not_polygonal("LINESTRING")),
        wkt::Wkt::MultiPoint(_) => return Err(not_polygonal("MULTIPOINT")),
        wkt::Wkt::MultiLineString(_) => return Err(not_polygonal("MULTILINESTRING")),
    }
    Ok(())
}

/// Parses a GeoJSON value (geometry, feature or feature collection) into AOI parts.
pub(crate) fn from_geojson(value: serde_json::Value) -> Result<Vec<MultiPolygon<f64>>, String> {
    let gj = serde_json::from_value::<geojson::GeoJson>(value)
        .map_err(|e| format!("is not valid GeoJSON: {}", lower_first(&e.to_string())))?;
    let mut parts = Vec::new();
    match gj {
        geojson::GeoJson::Geometry(g) => geojson_parts(&g.value, &mut parts)?,
        geojson::GeoJson::Feature(f) => feature_parts(&f, &mut parts)?,
        geojson::GeoJson::FeatureCollection(fc) => {
            for f in &fc.features {
                feature_parts(f, &mut parts)?;
            }
        }
    }
    check(parts)
}

/// Parses GeoJSON text (inline string or file contents).
pub(crate) fn from_geojson_str(text: &str) -> Result<Vec<MultiPolygon<f64>>, String> {
    let value: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| format!("is not valid JSON: {}", lower_first(&e.to_string())))?;
    from_geojson(value)
}

fn feature_parts(f: &geojson::Feature, parts: &mut Vec<RawPart>) -> Result<(), String> {
    match &f.geometry {
        Some(g) => geojson_parts(&g.value, parts),
        None => Err("has a feature without a geometry".into()),
    }
}

fn geojson_parts(value: &geojson::GeometryValue, parts: &mut Vec<RawPart>) -> Result<(), String> {
    let ring = |r: &Vec<geojson::Position>| -> Result<Vec<(f64, f64)>, String> {
        r.iter()
            .map(|p| match p.as_slice() {
                [x, y, ..] => Ok((*x, *y)),
                _ => Err(format!("has a position with {} number(s): expected [lon, lat]", p.len())),
            })
            .collect()
    };
    let polygon = |p: &geojson::PolygonType| p.iter().map(ring).collect::<Result<RawPolygon, _>>();
    match value {
        geojson::GeometryValue::Polygon { coordinates: p } => parts.push(vec![polygon(p)?]),
        geojson::GeometryValue::MultiPolygon { coordinates: mp } => {
            parts.push(mp.iter().map(polygon).collect::<Result<_, _>>()?);
        }
        geojson::GeometryValue::GeometryCollection { geometries: members } => {
            for g in members {
                geojson_parts(&g.value, parts)?;
            }
        }
        geojson::GeometryValue::Point { .. } => return Err(not_polygonal("Point")),
        geojson::GeometryValue::MultiPoint { .. } => return Err(not_polygonal("MultiPoint")),
        geojson::GeometryValue::LineString { .. } => return Err(not_polygonal("LineString")),
        geojson::GeometryValue::MultiLineString { .. } => {
            return Err(not_polygonal("MultiLineString"));
        }
    }
    Ok(())
}

fn not_polygonal(kind: &str) -> String {
    format!("contains a `{kind}`: only polygons and multipolygons are allowed")
}

/// Checks every ring and builds the geo types.
fn check(parts: Vec<RawPart>) -> Result<Vec<MultiPolygon<f64>>, String> {
    if parts.is_empty() {
        return Err("contains no polygon".into());
    }
    let mut out = Vec::with_capacity(parts.len());
    let mut n = 0;
    for part in parts {
        let mut polygons = Vec::with_capacity(part.len());
        for rings in part {
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
        let gj = from_geojson_str(r#"{"type":"LineString","coordinates":[[0,0],[1,1]]}"#);
        assert!(gj.unwrap_err().contains("`LineString`"));
        assert!(from_geojson_str("{").unwrap_err().starts_with("is not valid JSON"));
    }
}
