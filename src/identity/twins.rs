//! Wanted orders that are the same order: both would match the same live
//! order, so `validate` refuses them.
//!
//! Pure, no IO. Uses the rules of matching: equal [`Fingerprint`]s, and AOIs
//! equal as sent, or with the same per-part bounding boxes (a server that
//! normalises AOIs to boxes stores both as one), within [`super::TOLERANCE`];
//! tile AOIs with the same tile and minitile sets. Specs are bucketed by
//! fingerprint and AOI anchor cell, so many specs cost little.

use std::collections::{BTreeSet, HashMap};

use geo::{BoundingRect, MultiPolygon};
use uuid::Uuid;

use super::{Fingerprint, geometry};
use crate::spec::{Aoi, OrderSpec};

#[derive(Debug, PartialEq, Eq, Hash)]
enum Bucket<'a> {
    Polygons(usize, (i64, i64)),
    Tiles(&'a BTreeSet<Uuid>, &'a BTreeSet<Uuid>),
}

/// For each spec that is the same order as an earlier one: `(its index, the
/// index of the first earlier spec it equals)`, in the order of `specs`.
pub fn twins(specs: &[&OrderSpec]) -> Vec<(usize, usize)> {
    let mut seen: HashMap<(Fingerprint, Bucket), Vec<usize>> = HashMap::new();
    let mut out = Vec::new();
    for (i, spec) in specs.iter().enumerate() {
        let fp = Fingerprint::of_spec(spec);
        let (own, probes) = match &spec.aoi {
            Aoi::Tiles { tiles, minitiles } => {
                let b = || Bucket::Tiles(tiles, minitiles);
                (Some(b()), vec![b()])
            }
            Aoi::Polygons(parts) => match geometry::anchor(parts) {
                Some(a) => (
                    Some(Bucket::Polygons(parts.len(), geometry::cell(a))),
                    geometry::cells_near(a)
                        .into_iter()
                        .map(|c| Bucket::Polygons(parts.len(), c))
                        .collect(),
                ),
                None => (None, Vec::new()),
            },
        };
        let first = probes
            .into_iter()
            .filter_map(|b| seen.get(&(fp.clone(), b)))
            .flatten()
            .copied()
            .filter(|&j| same_area(&spec.aoi, &specs[j].aoi))
            .min();
        match (first, own) {
            (Some(j), _) => out.push((i, j)),
            (None, Some(b)) => seen.entry((fp, b)).or_default().push(i),
            (None, None) => {}
        }
    }
    out
}

fn same_area(a: &Aoi, b: &Aoi) -> bool {
    match (a, b) {
        (Aoi::Polygons(a), Aoi::Polygons(b)) => {
            geometry::same_as_sent(a, b) || geometry::same_as_bboxes(a, &boxes(b))
        }
        (Aoi::Tiles { tiles: t, minitiles: m }, Aoi::Tiles { tiles: u, minitiles: n }) => {
            t == u && m == n
        }
        _ => false,
    }
}

/// Each part replaced by its bounding box.
fn boxes(parts: &[MultiPolygon<f64>]) -> Vec<MultiPolygon<f64>> {
    parts
        .iter()
        .filter_map(BoundingRect::bounding_rect)
        .map(|r| MultiPolygon(vec![r.to_polygon()]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{spec, tiles, wkt_aoi};

    const SQUARE: &str = "POLYGON((10 56,10.1 56,10.1 56.1,10 56.1,10 56))";

    #[test]
    fn twins_by_table() {
        let other_start = "POLYGON((10.1 56.1,10 56.1,10 56,10.1 56,10.1 56.1))";
        let nudged = "POLYGON((10.0000001 56,10.1 56,10.1 56.1,10 56.1,10.0000001 56))";
        let moved = "POLYGON((9.9999 56,10.1 56,10.1 56.1,10 56.1,9.9999 56))";
        let triangle = "POLYGON((10 56,10.1 56,10 56.1,10 56))";
        let edge = "POLYGON((9.9999999 56,10.1 56,10.1 56.1,9.9999999 56.1,9.9999999 56))";
        let mut other_model = spec(wkt_aoi(SQUARE));
        other_model.model = "Cirrus".into();
        let cases: Vec<(&str, OrderSpec, bool)> = vec![
            ("ring starting at another vertex", spec(wkt_aoi(other_start)), true),
            ("coordinates 1e-7 apart", spec(wkt_aoi(nudged)), true),
            ("across a grid cell edge", spec(wkt_aoi(edge)), true),
            ("same bounding box", spec(wkt_aoi(triangle)), true),
            ("coordinates 1e-4 apart", spec(wkt_aoi(moved)), false),
            ("another model", other_model, false),
        ];
        let first = spec(wkt_aoi(SQUARE));
        for (case, second, want) in cases {
            let got = twins(&[&first, &second]);
            assert_eq!(got == vec![(1, 0)], want, "{case}: {got:?}");
        }
    }

    #[test]
    fn tile_twins_need_the_same_sets_and_each_twin_names_the_first() {
        let a = spec(tiles(&[1, 2], &[]));
        let b = spec(tiles(&[2, 1], &[]));
        let c = spec(tiles(&[1], &[]));
        assert_eq!(twins(&[&a, &c, &b, &a.clone()]), vec![(2, 0), (3, 0)]);
    }
}
