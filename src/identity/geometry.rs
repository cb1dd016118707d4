//! Polygon AOI comparison under the two normalisation rules the server may apply.
//!
//! Pure, no IO. An AOI is a list of parts, each a `MultiPolygon` (one AOI as the
//! API counts them). Two AOIs are equal *as sent* when their parts form the same
//! multiset of shapes, and equal *as bounding boxes* when the live parts are
//! exactly the per-part bounding boxes of the desired parts. Coordinates compare
//! with a tolerance of [`TOLERANCE`] degrees; ring start and orientation, and the
//! order of parts and of polygons in a part, are ignored.

use geo::{BoundingRect, Coord, LineString, MultiPolygon, Polygon, Rect};

/// Largest difference in degrees between two coordinates that are the same.
pub const TOLERANCE: f64 = 1e-6;

/// Size in degrees of the grid cells AOIs are bucketed by.
const CELL: f64 = 0.01;

/// Parses a live order's `Wkt` into AOI parts by the shared rule of
/// [`clearsky::aoi`]: each `POLYGON` of a collection is one part, each
/// `MULTIPOLYGON` one part. `None` for anything else (points, lines, a nested
/// collection, unparsable text, an empty collection).
pub(crate) fn parse_wkt_parts(text: &str) -> Option<Vec<MultiPolygon<f64>>> {
    clearsky::aoi::from_wkt(text).ok().map(|parts| clearsky::aoi::to_multipolygons(&parts))
}

/// True when `live` equals `desired` as sent or as per-part bounding boxes.
pub(crate) fn aoi_matches(desired: &[MultiPolygon<f64>], live: &[MultiPolygon<f64>]) -> bool {
    same_as_sent(desired, live) || same_as_bboxes(desired, live)
}

/// The same multiset of parts, each part the same multiset of polygons.
pub(crate) fn same_as_sent(a: &[MultiPolygon<f64>], b: &[MultiPolygon<f64>]) -> bool {
    multiset_eq(a, b, |x, y| multiset_eq(&x.0, &y.0, polygon_eq))
}

/// Every live part is an axis-aligned rectangle, and these rectangles are the
/// bounding boxes of the desired parts.
pub(crate) fn same_as_bboxes(desired: &[MultiPolygon<f64>], live: &[MultiPolygon<f64>]) -> bool {
    let Some(live_rects) = live.iter().map(as_rect).collect::<Option<Vec<_>>>() else {
        return false;
    };
    let Some(boxes) = desired.iter().map(BoundingRect::bounding_rect).collect::<Option<Vec<_>>>()
    else {
        return false;
    };
    multiset_eq(&boxes, &live_rects, |a, b| close(a.min(), b.min()) && close(a.max(), b.max()))
}

/// The union bounding box's south-west corner: stable under both rules (a part's
/// bounding box has the same extent as the part) and moves at most by the
/// tolerance when the coordinates do.
pub(crate) fn anchor(parts: &[MultiPolygon<f64>]) -> Option<Coord<f64>> {
    let mut min: Option<Coord<f64>> = None;
    for r in parts.iter().filter_map(BoundingRect::bounding_rect) {
        let m = r.min();
        min = Some(min.map_or(m, |c| Coord { x: c.x.min(m.x), y: c.y.min(m.y) }));
    }
    min
}

/// The grid cell an anchor falls in, for indexing live orders.
pub(crate) fn cell(anchor: Coord<f64>) -> (i64, i64) {
    (quantise(anchor.x), quantise(anchor.y))
}

/// The cells a live AOI equal to one with this anchor may have been indexed
/// under: one per axis, two when the anchor is within the tolerance of a cell edge.
pub(crate) fn cells_near(anchor: Coord<f64>) -> Vec<(i64, i64)> {
    let axis = |v: f64| {
        let (lo, hi) = (quantise(v - TOLERANCE), quantise(v + TOLERANCE));
        if lo == hi { vec![lo] } else { vec![lo, hi] }
    };
    let (xs, ys) = (axis(anchor.x), axis(anchor.y));
    xs.iter().flat_map(|&x| ys.iter().map(move |&y| (x, y))).collect()
}

#[allow(clippy::cast_possible_truncation)]
fn quantise(v: f64) -> i64 {
    // Saturating cast: longitudes and latitudes are far inside i64's range.
    (v / CELL).floor() as i64
}

fn close(a: Coord<f64>, b: Coord<f64>) -> bool {
    (a.x - b.x).abs() <= TOLERANCE && (a.y - b.y).abs() <= TOLERANCE
}

/// Greedy multiset equality under an equivalence with tolerance.
fn multiset_eq<T>(a: &[T], b: &[T], eq: impl Fn(&T, &T) -> bool) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut used = vec![false; b.len()];
    a.iter().all(|x| {
        let found = (0..b.len()).find(|&i| !used[i] && eq(x, &b[i]));
        found.inspect(|&i| used[i] = true).is_some()
    })
}

fn polygon_eq(a: &Polygon<f64>, b: &Polygon<f64>) -> bool {
    ring_eq(a.exterior(), b.exterior()) && multiset_eq(a.interiors(), b.interiors(), ring_eq)
}

/// The distinct vertices of a ring, without the closing point.
pub(crate) fn ring_vertices(ring: &LineString<f64>) -> Vec<Coord<f64>> {
    let mut pts: Vec<Coord<f64>> = Vec::with_capacity(ring.0.len());
    for &c in &ring.0 {
        if pts.last() != Some(&c) {
            pts.push(c);
        }
    }
    if pts.len() > 1 && pts.first() == pts.last() {
        pts.pop();
    }
    pts
}

/// Same cyclic sequence of vertices, from any start, in either direction.
fn ring_eq(a: &LineString<f64>, b: &LineString<f64>) -> bool {
    let (a, b) = (ring_vertices(a), ring_vertices(b));
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n == 0 {
        return true;
    }
    (0..n).filter(|&r| close(a[0], b[r])).any(|r| {
        (0..n).all(|i| close(a[i], b[(r + i) % n]))
            || (0..n).all(|i| close(a[i], b[(r + n - i) % n]))
    })
}

/// The part as an axis-aligned rectangle, if it is one: a single polygon without
/// holes whose four vertices are the corners of its bounding box.
fn as_rect(part: &MultiPolygon<f64>) -> Option<Rect<f64>> {
    let [polygon] = part.0.as_slice() else { return None };
    if !polygon.interiors().is_empty() {
        return None;
    }
    let rect = polygon.bounding_rect()?;
    let pts = ring_vertices(polygon.exterior());
    let (lo, hi) = (rect.min(), rect.max());
    let corners = [lo, Coord { x: hi.x, y: lo.y }, hi, Coord { x: lo.x, y: hi.y }];
    let is_rect = pts.len() == 4
        && pts.iter().all(|p| corners.iter().any(|c| close(*p, *c)))
        && corners.iter().all(|c| pts.iter().any(|p| close(*p, *c)));
    is_rect.then_some(rect)
}

/// A text form of the parts that is the same for the same shape whatever the
/// ring start, ring orientation, polygon order and part order: used by digests.
pub(crate) fn canonical_text(parts: &[MultiPolygon<f64>]) -> String {
    let mut texts: Vec<String> = parts
        .iter()
        .map(|mp| {
            let mut polys: Vec<String> = mp.0.iter().map(canonical_polygon).collect();
            polys.sort();
            format!("({})", polys.join(","))
        })
        .collect();
    texts.sort();
    texts.join(",")
}

fn canonical_polygon(p: &Polygon<f64>) -> String {
    let mut holes: Vec<String> = p.interiors().iter().map(|r| canonical_ring(r, false)).collect();
    holes.sort();
    let mut rings = vec![canonical_ring(p.exterior(), true)];
    rings.extend(holes);
    format!("({})", rings.join(","))
}

/// Exterior counter-clockwise, holes clockwise, starting at the smallest vertex.
fn canonical_ring(ring: &LineString<f64>, ccw: bool) -> String {
    let mut pts = ring_vertices(ring);
    if (signed_area(&pts) > 0.0) != ccw {
        pts.reverse();
    }
    let start = (0..pts.len())
        .min_by(|&i, &j| pts[i].x.total_cmp(&pts[j].x).then(pts[i].y.total_cmp(&pts[j].y)))
        .unwrap_or(0);
    pts.rotate_left(start);
    let coords: Vec<String> = pts.iter().map(|c| format!("{} {}", c.x, c.y)).collect();
    format!("({})", coords.join(","))
}

fn signed_area(pts: &[Coord<f64>]) -> f64 {
    let n = pts.len();
    (0..n).map(|i| pts[i].x * pts[(i + 1) % n].y - pts[(i + 1) % n].x * pts[i].y).sum::<f64>() / 2.0
}
