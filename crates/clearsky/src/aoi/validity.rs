//! Whether the parts of a polygon AOI are valid geometries: the one rule that
//! skyform's `validate` and the emulator both apply after the split of
//! [`super`], each wording an [`Invalid`] its own way.
//!
//! Pure, no IO. Every part must hold a polygon, every polygon an exterior
//! ring, and each ring, exterior first then its holes, in this order:
//!
//! 1. every position lies on the globe: finite, longitude within −180..180 and
//!    latitude within −90..90 (`Wkt` and `GeoJson` are EPSG:4326 lon/lat:
//!    `clearsky-api.md` A5.1 and A5.4, from R1);
//! 2. the ring is closed: its last position is its first;
//! 3. it has at least 4 positions (a closed triangle).
//!
//! The first problem found is the answer. Rings are never closed on the
//! sender's behalf here (geo's conversion, [`super::Part::to_multipolygon`],
//! does, and is kept for reading what the API sends back).
//!
//! Sources and assumptions: the docs are silent on rings. GeoJSON defines a
//! linear ring as "a closed LineString with four or more positions" whose
//! first and last positions are equivalent (RFC 7946 §3.1.6), and WKT follows
//! OGC Simple Features, where a `LinearRing` is closed (OGC 06-103r4 §6.1.7).
//! Assumption: the live API, an ASP.NET service, reads both with a standard
//! geometry library (NetTopologySuite, as JTS and GEOS do) that refuses a ring
//! that is not closed, then one of 1 to 3 positions; hence the order of 2 and 3.
//!
//! Not here: the area rules' shape checks ([`crate::area`]), and skyform's own
//! advice (zero area, a ring crossing itself, a span across the antimeridian),
//! which the API is not known to refuse.

use geo::{Coord, LineString, MultiPolygon, Polygon};

use super::{Part, RawPolygon, Ring};

/// Where a ring lies in an AOI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RingAt {
    /// The part (member of the collection), from 1.
    pub part: usize,
    /// The polygon, from 1, counted across all parts.
    pub polygon: usize,
    /// 0 for the exterior ring, `h` for hole `h`.
    pub ring: usize,
}

/// Why an AOI is not a valid geometry. Callers word it their own way.
#[derive(Debug, Clone, PartialEq)]
pub enum Invalid {
    /// A part with no polygon (`MULTIPOLYGON EMPTY`).
    NoPolygon {
        /// The part, from 1.
        part: usize,
    },
    /// A polygon without rings (`POLYGON EMPTY`).
    EmptyPolygon {
        /// The part, from 1.
        part: usize,
        /// The polygon, from 1, counted across all parts.
        polygon: usize,
    },
    /// A position that is not a finite lon/lat on the globe.
    OffGlobe {
        /// The ring it is in.
        at: RingAt,
        /// The position, as written.
        position: (f64, f64),
    },
    /// A ring whose last position is not its first.
    Unclosed {
        /// The ring.
        at: RingAt,
        /// Its first position.
        first: (f64, f64),
        /// Its last position.
        last: (f64, f64),
    },
    /// A closed ring of fewer than 4 positions.
    TooFewPositions {
        /// The ring.
        at: RingAt,
        /// How many positions it has.
        count: usize,
    },
}

impl Invalid {
    /// The part the problem is in, from 1.
    pub fn part(&self) -> usize {
        match self {
            Invalid::NoPolygon { part } | Invalid::EmptyPolygon { part, .. } => *part,
            Invalid::OffGlobe { at, .. }
            | Invalid::Unclosed { at, .. }
            | Invalid::TooFewPositions { at, .. } => at.part,
        }
    }
}

/// Checks every part and builds its multipolygon, rings exactly as written.
pub fn validate(parts: Vec<Part>) -> Result<Vec<MultiPolygon<f64>>, Invalid> {
    let mut out = Vec::with_capacity(parts.len());
    let mut polygon = 0;
    for (i, p) in parts.into_iter().enumerate() {
        let part = i + 1;
        if p.polygons.is_empty() {
            return Err(Invalid::NoPolygon { part });
        }
        let mut polygons = Vec::with_capacity(p.polygons.len());
        for rings in p.polygons {
            polygon += 1;
            polygons.push(check_polygon(part, polygon, rings)?);
        }
        out.push(MultiPolygon(polygons));
    }
    Ok(out)
}

fn check_polygon(part: usize, polygon: usize, rings: RawPolygon) -> Result<Polygon<f64>, Invalid> {
    if rings.is_empty() {
        return Err(Invalid::EmptyPolygon { part, polygon });
    }
    let mut lines = Vec::with_capacity(rings.len());
    for (ring, positions) in rings.into_iter().enumerate() {
        check_ring(RingAt { part, polygon, ring }, &positions)?;
        lines.push(LineString(positions.into_iter().map(|(x, y)| Coord { x, y }).collect()));
    }
    let exterior = lines.remove(0);
    Ok(Polygon::new(exterior, lines))
}

fn check_ring(at: RingAt, ring: &Ring) -> Result<(), Invalid> {
    let on_globe = |&(x, y): &(f64, f64)| {
        x.is_finite() && y.is_finite() && x.abs() <= 180.0 && y.abs() <= 90.0
    };
    if let Some(&position) = ring.iter().find(|p| !on_globe(p)) {
        return Err(Invalid::OffGlobe { at, position });
    }
    if let (Some(&first), Some(&last)) = (ring.first(), ring.last()) {
        #[allow(clippy::float_cmp)] // closed means the very same position, as written
        if first != last {
            return Err(Invalid::Unclosed { at, first, last });
        }
    }
    if ring.len() < 4 {
        return Err(Invalid::TooFewPositions { at, count: ring.len() });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::aoi::{from_geojson, from_wkt};

    fn check(wkt: &str) -> Result<Vec<MultiPolygon<f64>>, Invalid> {
        validate(from_wkt(wkt).unwrap())
    }

    fn at(part: usize, polygon: usize, ring: usize) -> RingAt {
        RingAt { part, polygon, ring }
    }

    #[test]
    fn valid_rings_are_kept_as_written() {
        let parts = check("POLYGON((0 0,1 0,1 1,0 0),(0.1 0.1,0.2 0.1,0.2 0.2,0.1 0.1))").unwrap();
        assert_eq!(parts[0].0[0].exterior().0.len(), 4);
        assert_eq!(parts[0].0[0].interiors().len(), 1);
        let gc = check(
            "GEOMETRYCOLLECTION(POLYGON((0 0,1 0,1 1,0 0)),\
             MULTIPOLYGON(((2 2,3 2,3 3,2 2)),((-180 -90,180 -90,180 90,-180 -90))))",
        )
        .unwrap();
        assert_eq!(gc.iter().map(|m| m.0.len()).collect::<Vec<_>>(), [1, 2]);
    }

    #[test]
    fn each_problem_names_its_place() {
        let cases = [
            // The disagreement this rule ended: the emulator closed this ring.
            (
                "POLYGON((0 0,1 0,1 1))",
                Invalid::Unclosed { at: at(1, 1, 0), first: (0.0, 0.0), last: (1.0, 1.0) },
            ),
            ("POLYGON((0 0,1 0,0 0))", Invalid::TooFewPositions { at: at(1, 1, 0), count: 3 }),
            ("POLYGON((0 0,0 0))", Invalid::TooFewPositions { at: at(1, 1, 0), count: 2 }),
            (
                "POLYGON((0 0,181 0,1 1,0 0))",
                Invalid::OffGlobe { at: at(1, 1, 0), position: (181.0, 0.0) },
            ),
            (
                "POLYGON((0 0,1 0,1 1,0 0),(0 0,0 -91,1 1,0 0))",
                Invalid::OffGlobe { at: at(1, 1, 1), position: (0.0, -91.0) },
            ),
            (
                "GEOMETRYCOLLECTION(MULTIPOLYGON(((0 0,1 0,1 1,0 0)),((2 2,3 2,3 3,2 2))),\
                 POLYGON((0 0,1 0,1 1,0 1)))",
                Invalid::Unclosed { at: at(2, 3, 0), first: (0.0, 0.0), last: (0.0, 1.0) },
            ),
            ("POLYGON EMPTY", Invalid::EmptyPolygon { part: 1, polygon: 1 }),
            (
                "GEOMETRYCOLLECTION(POLYGON((0 0,1 0,1 1,0 0)),MULTIPOLYGON EMPTY)",
                Invalid::NoPolygon { part: 2 },
            ),
        ];
        for (wkt, want) in cases {
            let got = check(wkt).unwrap_err();
            assert_eq!(got.part(), want.part(), "{wkt}");
            assert_eq!(got, want, "{wkt}");
        }
    }

    #[test]
    fn geojson_follows_the_same_rule() {
        let open = json!({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1]]]});
        let got = validate(from_geojson(open).unwrap()).unwrap_err();
        assert_eq!(got, Invalid::Unclosed { at: at(1, 1, 0), first: (0.0, 0.0), last: (1.0, 1.0) });
        let empty = json!({"type": "Polygon", "coordinates": [[]]});
        let got = validate(from_geojson(empty).unwrap()).unwrap_err();
        assert_eq!(got, Invalid::TooFewPositions { at: at(1, 1, 0), count: 0 });
    }
}
