//! Smaller maps for size-bounded outputs (the Markdown plan): Douglas–Peucker
//! simplification, then bounding boxes.
//!
//! Pure, no IO. Simplification never drops an area: a ring that would collapse
//! below four positions becomes its bounding box, and every ring is oriented
//! again (simplifying can flip a thin ring).

use geo::orient::{Direction, Orient};
use geo::{BoundingRect, LineString, MultiPolygon, Polygon, Simplify};

use super::Map;

/// The map with every polygon simplified by Douglas–Peucker with tolerance
/// `epsilon` (degrees).
pub(in crate::render) fn simplified<'a>(map: &Map<'a>, epsilon: f64) -> Map<'a> {
    reshape(map, |p| {
        let simple = p.simplify(epsilon);
        if simple.exterior().0.len() < 4 {
            return bbox(p);
        }
        let (exterior, interiors) = simple.into_inner();
        let holes = interiors.into_iter().filter(|r| r.0.len() >= 4).collect();
        Polygon::new(exterior, holes).orient(Direction::Default)
    })
}

/// The map with every polygon replaced by its bounding box.
pub(in crate::render) fn boxes<'a>(map: &Map<'a>) -> Map<'a> {
    reshape(map, bbox)
}

fn reshape<'a>(map: &Map<'a>, f: impl Fn(&Polygon<f64>) -> Polygon<f64>) -> Map<'a> {
    let areas = map
        .areas
        .iter()
        .map(|a| {
            let mut a = a.clone();
            a.shape = MultiPolygon(a.shape.0.iter().map(&f).collect());
            a
        })
        .collect();
    Map { areas, undrawn: map.undrawn.clone() }
}

/// The polygon's bounding box as a counter-clockwise ring.
fn bbox(p: &Polygon<f64>) -> Polygon<f64> {
    match p.bounding_rect() {
        Some(r) => {
            let (a, b) = (r.min(), r.max());
            let ring = vec![(a.x, a.y), (b.x, a.y), (b.x, b.y), (a.x, b.y), (a.x, a.y)];
            Polygon::new(LineString::from(ring), Vec::new())
        }
        None => p.clone(),
    }
}

#[cfg(test)]
mod tests {
    use geo::{Area, Winding, polygon};

    use super::*;
    use crate::plan::Action;
    use crate::render::map::Area as MapArea;

    fn map_of(p: Polygon<f64>) -> Map<'static> {
        let area = MapArea {
            name: "a",
            action: Action::Create,
            side: None,
            guid: None,
            status: None,
            entry: None,
            price: None,
            shape: MultiPolygon(vec![p]),
        };
        Map { areas: vec![area], undrawn: Vec::new() }
    }

    #[test]
    fn simplification_keeps_every_area_counter_clockwise() {
        // A ring of 100 positions on a circle, and a sliver that collapses.
        let circle: Vec<(f64, f64)> = (0..=100)
            .map(|i| {
                let t = f64::from(i) / 100.0 * std::f64::consts::TAU;
                (10.0 + t.cos(), 56.0 + t.sin())
            })
            .collect();
        let round = Polygon::new(LineString::from(circle), Vec::new());
        let sliver =
            polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 0.5, y: 1e-9), (x: 0.0, y: 0.0)];
        for p in [round, sliver] {
            let small = simplified(&map_of(p.clone()), 0.05);
            let q = &small.areas[0].shape.0[0];
            assert!(q.exterior().0.len() >= 4);
            assert!(q.exterior().0.len() <= p.exterior().0.len());
            assert!(q.exterior().is_ccw());
            assert!(q.unsigned_area() > 0.0 || p.unsigned_area() < 1e-6);
        }
    }

    #[test]
    fn boxes_are_closed_counter_clockwise_rectangles() {
        let tri = polygon![(x: 1.0, y: 1.0), (x: 1.0, y: 3.0), (x: 2.0, y: 1.0), (x: 1.0, y: 1.0)];
        let b = boxes(&map_of(tri));
        let ring = b.areas[0].shape.0[0].exterior();
        assert_eq!(ring.0.len(), 5);
        assert!(ring.is_ccw());
        assert!((b.areas[0].shape.unsigned_area() - 2.0).abs() < 1e-12);
    }
}
