//! Geometry checks on top of what the API refuses, for polygons that would be
//! accepted but bill or behave absurdly:
//!
//! - a ring that crosses itself is refused, with where its edges cross (an
//!   asymmetric figure-eight has a non-zero area, so the area check alone lets
//!   it through);
//! - a ring spanning more than 180° of longitude is refused: it is almost
//!   always a small polygon crossing the antimeridian, which the API bills as
//!   its bounding box the whole way round the globe;
//! - a warning for an AOI the newer area rule would refuse (under 5 % of its
//!   bounding box, or a side of the box of 150 m or less), so a manifest does
//!   not break silently when the API switches rules.
//!
//! Pure, no IO. Self-intersections are found with geo's sweep, in
//! O((n + k) log n), so a huge AOI file cannot stall validation.

use geo::algorithm::sweep::{Cross, Intersections};
use geo::{Coord, Line, LineIntersection, LineString, MultiPolygon};

use clearsky::area::{self, AreaRule};

/// The widest span of longitude a ring may cover, in degrees.
const MAX_LON_SPAN: f64 = 180.0;

/// The first problem of one ring (`what` names it, e.g. "in polygon 2"), if any.
pub(crate) fn ring_problem(ring: &LineString<f64>, what: &str) -> Option<String> {
    antimeridian(ring, what).or_else(|| self_intersection(ring, what))
}

fn antimeridian(ring: &LineString<f64>, what: &str) -> Option<String> {
    let (min, max) = ring
        .0
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), c| (lo.min(c.x), hi.max(c.x)));
    let span = max - min;
    (span > MAX_LON_SPAN).then(|| {
        format!(
            "spans {span:.1}° of longitude {what} (from {min} to {max}): a polygon crossing the \
             antimeridian (180°) would be billed as a box {span:.1}° wide; split it at 180° into \
             two polygons of a `MULTIPOLYGON` (one ending at 180, one starting at -180)"
        )
    })
}

/// One edge of a ring, numbered so that neighbours can be told apart.
#[derive(Debug, Clone, Copy)]
struct Edge {
    index: usize,
    line: Line<f64>,
}

impl Cross for Edge {
    type Scalar = f64;

    fn line(&self) -> Line<f64> {
        self.line
    }
}

fn self_intersection(ring: &LineString<f64>, what: &str) -> Option<String> {
    let edges: Vec<Edge> = ring
        .lines()
        .filter(|l| l.start != l.end)
        .enumerate()
        .map(|(index, line)| Edge { index, line })
        .collect();
    let n = edges.len();
    let neighbours = |a: usize, b: usize| a.abs_diff(b) == 1 || a.abs_diff(b) == n - 1;
    for (a, b, cross) in Intersections::from_iter(edges) {
        let at = match cross {
            LineIntersection::SinglePoint { intersection, .. } => {
                // Neighbouring edges meet at their shared corner, and only there.
                if neighbours(a.index, b.index) && is_corner(&a.line, &b.line, intersection) {
                    continue;
                }
                intersection
            }
            LineIntersection::Collinear { intersection } => intersection.start,
        };
        return Some(format!(
            "has a ring that crosses itself {what}: edges {} and {} meet at `{} {}`",
            a.index.min(b.index) + 1,
            a.index.max(b.index) + 1,
            at.x,
            at.y
        ));
    }
    None
}

fn is_corner(a: &Line<f64>, b: &Line<f64>, at: Coord<f64>) -> bool {
    [a.start, a.end].contains(&at) && [b.start, b.end].contains(&at)
}

/// Warnings for AOIs the newer area rule (geometry as sent) would refuse.
pub(crate) fn newer_rule_warnings(parts: &[MultiPolygon<f64>]) -> Vec<String> {
    parts
        .iter()
        .enumerate()
        .filter_map(|(i, part)| {
            area::measure(std::slice::from_ref(part), AreaRule::AsSent).err().map(|e| {
                let e = e.strip_prefix("AOI 1 ").unwrap_or(&e);
                format!("AOI {} would be refused under the newer area rule: it {e}", i + 1)
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring(points: &[(f64, f64)]) -> LineString<f64> {
        LineString::from(points.to_vec())
    }

    #[test]
    fn crossing_rings_are_found_with_their_location() {
        // Asymmetric figure-eight: non-zero area, but the edges cross at (1, 1).
        let eight = ring(&[(0.0, 0.0), (2.0, 2.0), (3.0, 0.0), (0.0, 2.0), (0.0, 0.0)]);
        let e = ring_problem(&eight, "in polygon 1").unwrap();
        assert!(e.starts_with("has a ring that crosses itself in polygon 1: edges 1 and 3"), "{e}");
        let square = ring(&[(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0), (0.0, 0.0)]);
        assert_eq!(ring_problem(&square, "in polygon 1"), None);
        // Repeated points are not crossings.
        let repeated = ring(&[(0.0, 0.0), (1.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 0.0)]);
        assert_eq!(ring_problem(&repeated, "in polygon 1"), None);
        // A spike doubles back over its own edge.
        let spike = ring(&[(0.0, 0.0), (2.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 0.0)]);
        assert!(ring_problem(&spike, "x").unwrap().contains("crosses itself"));
    }

    #[test]
    fn rings_across_the_antimeridian_are_refused() {
        let wide = ring(&[(179.9, 0.0), (-179.9, 0.0), (-179.9, 0.1), (179.9, 0.1), (179.9, 0.0)]);
        let e = ring_problem(&wide, "in polygon 1").unwrap();
        assert!(e.starts_with("spans 359.8° of longitude in polygon 1"), "{e}");
        assert!(e.contains("antimeridian") && e.contains("`MULTIPOLYGON`"), "{e}");
        let half = ring(&[(-90.0, 0.0), (90.0, 0.0), (90.0, 1.0), (-90.0, 1.0), (-90.0, 0.0)]);
        assert_eq!(ring_problem(&half, "x"), None);
    }

    #[test]
    fn shapes_the_newer_rule_refuses_are_warned_about() {
        let ok = crate::manifest::aoi::from_wkt(
            "POLYGON((9.87 56.47,10.19 56.47,10.19 56.28,9.87 56.28,9.87 56.47))",
        )
        .unwrap();
        assert!(newer_rule_warnings(&ok).is_empty());
        let thin =
            crate::manifest::aoi::from_wkt("POLYGON((9 56,9.001 56,9.001 56.1,9 56.1,9 56))")
                .unwrap();
        let w = newer_rule_warnings(&thin);
        assert!(
            w[0].starts_with(
                "AOI 1 would be refused under the newer area rule: it has a bounding box of"
            ),
            "{w:?}"
        );
        let sliver = crate::manifest::aoi::from_wkt("POLYGON((9 56,10 57,10 56.99,9 56))").unwrap();
        assert!(newer_rule_warnings(&sliver)[0].contains("5 %"));
    }
}
