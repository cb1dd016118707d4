//! Which live orders look like an earlier version of an entry: the candidates
//! for a replace, and for the superseded half of a replace that did not finish.
//!
//! Pure, no IO. A live order that is not the entry's order is an *earlier
//! version* of the entry when either
//! - it has the entry's AOI (as [`super::same_aoi`] decides) and some other
//!   field differs: the entry's fields were edited ([`Kinship::SameArea`]); or
//! - it has the entry's [`Fingerprint`] (every non-AOI field, `To` included),
//!   both AOIs are polygons, and the areas overlap: intersection over union at
//!   least [`MIN_OVERLAP`], as sent or as per-part bounding boxes, whichever is
//!   higher (the server may have normalised the old order's `Wkt`): the
//!   entry's area was edited ([`Kinship::Overlap`]).
//!
//! Areas are measured in the lon/lat plane; the ratio of two nearby areas
//! hardly depends on the projection. What to do with the candidates (pair one
//! to one, or only report them) is the plan's decision.

use std::collections::HashMap;

use geo::{Area, BooleanOps, BoundingRect, Intersects, MultiPolygon, Rect};

use super::{Fingerprint, LiveAoi, LiveSpec, geometry, same_aoi};
use crate::spec::{Aoi, DesiredOrder};
use clearsky::api::types::TaskOrder;

/// Least intersection over union of two areas for an order with the entry's
/// fields to count as an earlier version of it. One moved vertex keeps a
/// typical field well above it; two areas side by side are far below it.
pub const MIN_OVERLAP: f64 = 0.5;

/// How a live order is related to an entry it does not match.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kinship {
    /// The same AOI; some other field differs.
    SameArea,
    /// The same fields; the areas overlap by this intersection over union
    /// (at least [`MIN_OVERLAP`], below 1).
    Overlap(f64),
}

/// A live order that looks like an earlier version of an entry.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EarlierVersion {
    /// Index into the live orders.
    pub order: usize,
    /// Why it looks so.
    pub kinship: Kinship,
}

/// For each of `entries` (indexes into `desired`), the orders among `free`
/// (indexes into `live`) that look like an earlier version of it, by index.
/// The result has one list per entry, in the order of `entries`.
///
/// Orders are indexed by AOI anchor cell (same AOI) and by fingerprint (overlap,
/// after a bounding-box test), so each entry computes few overlaps.
pub fn earlier_versions(
    desired: &[DesiredOrder],
    entries: &[usize],
    live: &[TaskOrder],
    free: &[usize],
) -> Vec<Vec<EarlierVersion>> {
    let specs: HashMap<usize, LiveSpec> =
        free.iter().map(|&i| (i, LiveSpec::of_order(&live[i]))).collect();
    let mut by_cell: HashMap<(usize, (i64, i64)), Vec<usize>> = HashMap::new();
    let mut by_tiles: HashMap<_, Vec<usize>> = HashMap::new();
    let mut by_fields: HashMap<&Fingerprint, Vec<(usize, Rect<f64>)>> = HashMap::new();
    for &i in free {
        let spec = &specs[&i];
        match &spec.aoi {
            LiveAoi::Polygons(parts) => {
                if let Some(a) = geometry::anchor(parts) {
                    by_cell.entry((parts.len(), geometry::cell(a))).or_default().push(i);
                }
                if let Some(rect) = bounds(parts) {
                    by_fields.entry(&spec.fingerprint).or_default().push((i, rect));
                }
            }
            LiveAoi::Tiles { tiles, minitiles } => {
                by_tiles.entry((tiles, minitiles)).or_default().push(i);
            }
            LiveAoi::Unknown => {}
        }
    }

    let mut out = Vec::with_capacity(entries.len());
    for &e in entries {
        let spec = &desired[e].spec;
        let fp = Fingerprint::of_spec(spec);
        let mut found: Vec<EarlierVersion> = Vec::new();
        let mut same_area = |i: usize| {
            let s = &specs[&i];
            if s.fingerprint != fp && same_aoi(&spec.aoi, &s.aoi) {
                found.push(EarlierVersion { order: i, kinship: Kinship::SameArea });
            }
        };
        match &spec.aoi {
            Aoi::Tiles { tiles, minitiles } => {
                by_tiles.get(&(tiles, minitiles)).into_iter().flatten().for_each(|&i| same_area(i));
            }
            Aoi::Polygons(parts) => {
                let mut near: Vec<usize> = geometry::anchor(parts)
                    .map(geometry::cells_near)
                    .unwrap_or_default()
                    .into_iter()
                    .flat_map(|c| by_cell.get(&(parts.len(), c)).into_iter().flatten().copied())
                    .collect();
                near.sort_unstable();
                near.dedup();
                near.into_iter().for_each(&mut same_area);
                let rect = bounds(parts);
                for &(i, r) in by_fields.get(&fp).into_iter().flatten() {
                    let LiveAoi::Polygons(lp) = &specs[&i].aoi else { continue };
                    if !rect.is_some_and(|d| d.intersects(&r))
                        || same_aoi(&spec.aoi, &specs[&i].aoi)
                    {
                        continue;
                    }
                    let ratio = overlap(parts, lp);
                    if ratio >= MIN_OVERLAP {
                        found.push(EarlierVersion { order: i, kinship: Kinship::Overlap(ratio) });
                    }
                }
            }
        }
        found.sort_by_key(|v| v.order);
        out.push(found);
    }
    out
}

/// The intersection over union of two polygon AOIs: the higher of the ratio of
/// the areas as sent and the ratio of their per-part bounding boxes. 0 when
/// either area is empty.
pub fn overlap(a: &[MultiPolygon<f64>], b: &[MultiPolygon<f64>]) -> f64 {
    let boxes = |parts: &[MultiPolygon<f64>]| -> Vec<MultiPolygon<f64>> {
        parts
            .iter()
            .filter_map(BoundingRect::bounding_rect)
            .map(|r| MultiPolygon(vec![r.to_polygon()]))
            .collect()
    };
    iou(&merge(a), &merge(b)).max(iou(&merge(&boxes(a)), &merge(&boxes(b))))
}

/// The parts as one area without overlaps, so that areas add up.
fn merge(parts: &[MultiPolygon<f64>]) -> MultiPolygon<f64> {
    parts.iter().fold(MultiPolygon(Vec::new()), |acc, p| acc.union(p))
}

fn iou(a: &MultiPolygon<f64>, b: &MultiPolygon<f64>) -> f64 {
    let inter = a.intersection(b).unsigned_area();
    let union = a.unsigned_area() + b.unsigned_area() - inter;
    if union > 0.0 { (inter / union).clamp(0.0, 1.0) } else { 0.0 }
}

/// The bounding box of all parts.
fn bounds(parts: &[MultiPolygon<f64>]) -> Option<Rect<f64>> {
    let all: Vec<_> = parts.iter().flat_map(|p| p.0.iter().cloned()).collect();
    MultiPolygon(all).bounding_rect()
}

#[cfg(test)]
mod tests;
