//! The one rule that splits a WKT or GeoJSON geometry into AOI parts: the areas
//! of interest as the ClearSKY API counts and bills them (`clearsky-api.md`
//! A5.4 and A10). The manifest, identity and the emulator all split geometries
//! here, then each adds its own checks and messages.
//!
//! Pure, no IO. The rule:
//!
//! - a bare `POLYGON` or `MULTIPOLYGON` is one part;
//! - a `GEOMETRYCOLLECTION` gives one part per member, and each member must be a
//!   `POLYGON` or a `MULTIPOLYGON` (taken as a whole: one part, however many
//!   polygons it holds);
//! - in GeoJSON, a `Feature` stands for its geometry, and a `FeatureCollection`
//!   for a collection with one member per feature;
//! - refused: any other kind (points, lines), a collection with no member, a
//!   feature without a geometry, a GeoJSON position with fewer than two numbers,
//!   and a **nested collection** (a `GEOMETRYCOLLECTION` member of a collection,
//!   or a feature of a `FeatureCollection` whose geometry is a collection).
//!
//! Nested collections: the docs define a `Wkt` AOI as "a `GEOMETRYCOLLECTION` of
//! `POLYGON`/`MULTIPOLYGON`, each member one AOI" and say nothing more; a nested
//! collection is neither, so it is refused rather than flattened. Assumption
//! (the docs are silent): the live API refuses it too. Consequences: `validate`
//! reports it, the emulator answers 400, and identity reads a live order whose
//! `Wkt` has one as an order of unknown AOI (the API never stores one).
//!
//! Parts keep positions exactly as written: rings are not closed here.
//! [`validity`] then checks them (closed rings of at least 4 positions on the
//! globe), once for both sides, and each caller words its [`validity::Invalid`].

pub mod validity;

use std::str::FromStr;

use geo::{LineString, MultiPolygon, Polygon};

/// One ring as written: `(lon, lat)` positions, not closed automatically.
pub type Ring = Vec<(f64, f64)>;

/// One polygon as written: the exterior ring first, then the holes.
pub type RawPolygon = Vec<Ring>;

/// One AOI part as written: a polygon, or the polygons of one multipolygon.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    /// The polygons of the part: one for a `POLYGON` member.
    pub polygons: Vec<RawPolygon>,
}

impl Part {
    /// Builds the geo form of the part. Rings are closed as geo closes them (the
    /// first position is repeated at the end when it is missing); a polygon
    /// without rings gets an empty exterior.
    pub fn to_multipolygon(&self) -> MultiPolygon<f64> {
        let polygon = |rings: &RawPolygon| {
            let mut lines = rings.iter().map(|r| LineString::from(r.clone()));
            let exterior = lines.next().unwrap_or_else(|| LineString(Vec::new()));
            Polygon::new(exterior, lines.collect())
        };
        MultiPolygon(self.polygons.iter().map(polygon).collect())
    }
}

/// Builds the geo form of every part, in order.
pub fn to_multipolygons(parts: &[Part]) -> Vec<MultiPolygon<f64>> {
    parts.iter().map(Part::to_multipolygon).collect()
}

/// A kind of geometry that cannot be an AOI part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `POINT` / `Point`.
    Point,
    /// `MULTIPOINT` / `MultiPoint`.
    MultiPoint,
    /// `LINESTRING` / `LineString`.
    LineString,
    /// `MULTILINESTRING` / `MultiLineString`.
    MultiLineString,
    /// A collection inside a collection.
    GeometryCollection,
}

impl Kind {
    /// Returns the kind's WKT keyword (`POINT`).
    pub fn wkt_name(self) -> &'static str {
        match self {
            Self::Point => "POINT",
            Self::MultiPoint => "MULTIPOINT",
            Self::LineString => "LINESTRING",
            Self::MultiLineString => "MULTILINESTRING",
            Self::GeometryCollection => "GEOMETRYCOLLECTION",
        }
    }

    /// Returns the kind's GeoJSON `type` (`Point`).
    pub fn geojson_name(self) -> &'static str {
        match self {
            Self::Point => "Point",
            Self::MultiPoint => "MultiPoint",
            Self::LineString => "LineString",
            Self::MultiLineString => "MultiLineString",
            Self::GeometryCollection => "GeometryCollection",
        }
    }
}

/// Why a geometry gives no AOI parts. Callers turn it into their own message.
#[derive(Debug, Clone, PartialEq)]
pub enum PartsError {
    /// The text is not WKT, or the value is not GeoJSON: the parser's message.
    Syntax(String),
    /// A member is neither a polygon nor a multipolygon. Members count from 1,
    /// and a bare geometry is member 1; `Kind::GeometryCollection` here means a
    /// nested collection.
    NotPolygonal {
        /// The member's number, from 1.
        member: usize,
        /// What the member is.
        kind: Kind,
    },
    /// A GeoJSON feature has no geometry.
    FeatureWithoutGeometry,
    /// A GeoJSON position has `len` numbers, fewer than the two of `[lon, lat]`.
    ShortPosition {
        /// How many numbers the position has.
        len: usize,
    },
    /// The geometry has no member (`GEOMETRYCOLLECTION EMPTY`, an empty
    /// `FeatureCollection`).
    Empty,
}

/// Splits WKT text into AOI parts.
pub fn from_wkt(text: &str) -> Result<Vec<Part>, PartsError> {
    let wkt =
        wkt::Wkt::<f64>::from_str(text.trim()).map_err(|e| PartsError::Syntax(e.to_owned()))?;
    match &wkt {
        wkt::Wkt::GeometryCollection(gc) => {
            non_empty(gc.geometries().iter().enumerate().map(|(i, g)| wkt_member(i + 1, g)))
        }
        bare => Ok(vec![wkt_member(1, bare)?]),
    }
}

fn wkt_member(member: usize, geometry: &wkt::Wkt<f64>) -> Result<Part, PartsError> {
    let ring = |l: &wkt::types::LineString<f64>| l.coords().iter().map(|c| (c.x, c.y)).collect();
    let polygon = |p: &wkt::types::Polygon<f64>| p.rings().iter().map(ring).collect();
    let kind = match geometry {
        wkt::Wkt::Polygon(p) => return Ok(Part { polygons: vec![polygon(p)] }),
        wkt::Wkt::MultiPolygon(mp) => {
            return Ok(Part { polygons: mp.polygons().iter().map(polygon).collect() });
        }
        wkt::Wkt::Point(_) => Kind::Point,
        wkt::Wkt::MultiPoint(_) => Kind::MultiPoint,
        wkt::Wkt::LineString(_) => Kind::LineString,
        wkt::Wkt::MultiLineString(_) => Kind::MultiLineString,
        wkt::Wkt::GeometryCollection(_) => Kind::GeometryCollection,
    };
    Err(PartsError::NotPolygonal { member, kind })
}

/// Splits a GeoJSON value (a geometry, a feature or a feature collection) into
/// AOI parts.
pub fn from_geojson(value: serde_json::Value) -> Result<Vec<Part>, PartsError> {
    let gj = serde_json::from_value::<geojson::GeoJson>(value)
        .map_err(|e| PartsError::Syntax(e.to_string()))?;
    match gj {
        geojson::GeoJson::Geometry(g) => geojson_members(&g.value),
        geojson::GeoJson::Feature(f) => geojson_members(&feature_geometry(&f)?.value),
        geojson::GeoJson::FeatureCollection(fc) => non_empty(
            fc.features
                .iter()
                .enumerate()
                .map(|(i, f)| feature_geometry(f).and_then(|g| geojson_member(i + 1, &g.value))),
        ),
    }
}

fn feature_geometry(f: &geojson::Feature) -> Result<&geojson::Geometry, PartsError> {
    f.geometry.as_ref().ok_or(PartsError::FeatureWithoutGeometry)
}

fn geojson_members(value: &geojson::GeometryValue) -> Result<Vec<Part>, PartsError> {
    match value {
        geojson::GeometryValue::GeometryCollection { geometries } => {
            non_empty(geometries.iter().enumerate().map(|(i, g)| geojson_member(i + 1, &g.value)))
        }
        bare => Ok(vec![geojson_member(1, bare)?]),
    }
}

fn geojson_member(member: usize, value: &geojson::GeometryValue) -> Result<Part, PartsError> {
    let ring = |r: &Vec<geojson::Position>| -> Result<Ring, PartsError> {
        r.iter()
            .map(|p| match p.as_slice() {
                [x, y, ..] => Ok((*x, *y)),
                short => Err(PartsError::ShortPosition { len: short.len() }),
            })
            .collect()
    };
    let polygon = |p: &geojson::PolygonType| p.iter().map(ring).collect::<Result<RawPolygon, _>>();
    let kind = match value {
        geojson::GeometryValue::Polygon { coordinates } => {
            return Ok(Part { polygons: vec![polygon(coordinates)?] });
        }
        geojson::GeometryValue::MultiPolygon { coordinates } => {
            let polygons = coordinates.iter().map(polygon).collect::<Result<_, _>>()?;
            return Ok(Part { polygons });
        }
        geojson::GeometryValue::Point { .. } => Kind::Point,
        geojson::GeometryValue::MultiPoint { .. } => Kind::MultiPoint,
        geojson::GeometryValue::LineString { .. } => Kind::LineString,
        geojson::GeometryValue::MultiLineString { .. } => Kind::MultiLineString,
        geojson::GeometryValue::GeometryCollection { .. } => Kind::GeometryCollection,
    };
    Err(PartsError::NotPolygonal { member, kind })
}

/// Collects the members' parts; a collection without members is [`PartsError::Empty`].
fn non_empty(
    members: impl Iterator<Item = Result<Part, PartsError>>,
) -> Result<Vec<Part>, PartsError> {
    let parts = members.collect::<Result<Vec<_>, _>>()?;
    if parts.is_empty() { Err(PartsError::Empty) } else { Ok(parts) }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn polygon_counts(text: &str) -> Vec<usize> {
        from_wkt(text).unwrap().iter().map(|p| p.polygons.len()).collect()
    }

    #[test]
    fn each_bare_geometry_or_collection_member_is_one_part() {
        assert_eq!(polygon_counts("POLYGON((0 0,1 0,1 1,0 0))"), [1]);
        assert_eq!(polygon_counts("MULTIPOLYGON(((0 0,1 0,1 1,0 0)),((2 2,3 2,3 3,2 2)))"), [2]);
        assert_eq!(
            polygon_counts(
                "GEOMETRYCOLLECTION(POLYGON((0 0,1 0,1 1,0 0)),\
                 MULTIPOLYGON(((2 2,3 2,3 3,2 2)),((4 4,5 4,5 5,4 4))))"
            ),
            [1, 2]
        );
    }

    #[test]
    fn positions_are_kept_as_written() {
        let parts =
            from_wkt("  POLYGON((0 0,1 0,1 1),(0.1 0.1,0.2 0.1,0.2 0.2,0.1 0.1)) ").unwrap();
        let rings = &parts[0].polygons[0];
        assert_eq!(rings[0], [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0)]);
        assert_eq!(rings.len(), 2);
        // The geo form closes the ring, as geo's own conversion does.
        let mp = parts[0].to_multipolygon();
        assert_eq!(mp.0[0].exterior().0.len(), 4);
        assert_eq!(mp.0[0].interiors().len(), 1);
        let empty = from_wkt("POLYGON EMPTY").unwrap();
        assert!(empty[0].polygons[0].is_empty());
        assert!(empty[0].to_multipolygon().0[0].exterior().0.is_empty());
    }

    #[test]
    fn wkt_and_geojson_of_the_same_shapes_agree() {
        let ring = json!([[[0, 0], [1, 0], [1, 1], [0, 0]]]);
        let polygon = json!({"type": "Polygon", "coordinates": ring});
        let wkt = from_wkt("GEOMETRYCOLLECTION(POLYGON((0 0,1 0,1 1,0 0)))").unwrap();
        let forms = [
            polygon.clone(),
            json!({"type": "GeometryCollection", "geometries": [polygon]}),
            json!({"type": "Feature", "properties": null, "geometry": polygon}),
            json!({"type": "FeatureCollection", "features": [
                {"type": "Feature", "properties": null, "geometry": polygon}]}),
        ];
        for form in forms {
            assert_eq!(from_geojson(form.clone()).unwrap(), wkt, "{form}");
        }
        let multi = json!({"type": "MultiPolygon", "coordinates": [ring, ring]});
        assert_eq!(from_geojson(multi).unwrap()[0].polygons.len(), 2);
        // Extra numbers (height) are dropped.
        let z = json!({"type": "Polygon", "coordinates": [[[0, 0, 9], [1, 0, 9], [1, 1, 9], [0, 0, 9]]]});
        assert_eq!(from_geojson(z).unwrap(), wkt);
    }

    #[test]
    fn nested_collections_are_refused_in_both_formats() {
        let nested = PartsError::NotPolygonal { member: 2, kind: Kind::GeometryCollection };
        let wkt = from_wkt(
            "GEOMETRYCOLLECTION(POLYGON((0 0,1 0,1 1,0 0)),GEOMETRYCOLLECTION(POLYGON((2 2,3 2,3 3,2 2))))",
        );
        assert_eq!(wkt, Err(nested.clone()));
        let polygon = json!({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]});
        let inner = json!({"type": "GeometryCollection", "geometries": [polygon]});
        let gc = json!({"type": "GeometryCollection", "geometries": [polygon, inner]});
        assert_eq!(from_geojson(gc), Err(nested.clone()));
        let feature =
            |g: &serde_json::Value| json!({"type": "Feature", "properties": null, "geometry": g});
        let fc =
            json!({"type": "FeatureCollection", "features": [feature(&polygon), feature(&inner)]});
        assert_eq!(from_geojson(fc), Err(nested));
        // A single feature stands for its geometry: its collection is the top level.
        assert_eq!(from_geojson(feature(&inner)).unwrap().len(), 1);
    }

    #[test]
    fn refuses_what_is_not_an_aoi() {
        let not = |member, kind| Err(PartsError::NotPolygonal { member, kind });
        assert_eq!(from_wkt("POINT(1 2)"), not(1, Kind::Point));
        assert_eq!(from_wkt("MULTIPOINT((1 2))"), not(1, Kind::MultiPoint));
        assert_eq!(
            from_wkt("GEOMETRYCOLLECTION(POLYGON((0 0,1 0,1 1,0 0)),LINESTRING(0 0,1 1))"),
            not(2, Kind::LineString)
        );
        assert_eq!(from_wkt("MULTILINESTRING((0 0,1 1))"), not(1, Kind::MultiLineString));
        assert_eq!(from_wkt("GEOMETRYCOLLECTION EMPTY"), Err(PartsError::Empty));
        assert!(matches!(from_wkt("POLYGON((0 0,1 0"), Err(PartsError::Syntax(_))));
        let line = json!({"type": "LineString", "coordinates": [[0, 0], [1, 1]]});
        assert_eq!(from_geojson(line), not(1, Kind::LineString));
        let short = json!({"type": "Polygon", "coordinates": [[[0, 0], [1], [1, 1], [0, 0]]]});
        assert_eq!(from_geojson(short), Err(PartsError::ShortPosition { len: 1 }));
        let bare = json!({"type": "Feature", "properties": null, "geometry": null});
        assert_eq!(from_geojson(bare), Err(PartsError::FeatureWithoutGeometry));
        let none = json!({"type": "FeatureCollection", "features": []});
        assert_eq!(from_geojson(none), Err(PartsError::Empty));
        assert!(matches!(from_geojson(json!({"kind": 1})), Err(PartsError::Syntax(_))));
    }

    #[test]
    fn kinds_have_both_spellings() {
        assert_eq!(Kind::MultiLineString.wkt_name(), "MULTILINESTRING");
        assert_eq!(Kind::MultiLineString.geojson_name(), "MultiLineString");
    }
}
