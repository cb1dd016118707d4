//! Pairs entries with the live orders that look like their earlier versions:
//! the old half of a replace, and the superseded half of a replace that did
//! not finish (the entry already has its new order, the old one still runs).
//!
//! Pure, no IO. Which orders *look like* an earlier version of an entry is
//! [`identity::earlier_versions`]' answer (same AOI with other fields, or same
//! fields with overlapping areas). This module decides what to do with it:
//! an entry and an order pair only when each is the other's only candidate,
//! counting every `present` entry that is wholly unsatisfied or satisfied. A
//! pair with an unsatisfied entry is a replace; a pair with a satisfied entry is
//! a cancel of the superseded order, planned without `--prune`. Orders in an
//! ambiguous pairing are never touched; their unmanaged item says which entries
//! they resemble and how to clean them up.

use std::collections::BTreeMap;

use geo::orient::{Direction, Orient};
use geo::{Coord, LineString, MultiPolygon, Polygon};

use super::FieldChange;
use crate::identity::{self, EarlierVersion, Kinship, LiveAoi, LiveSpec, Matching};
use crate::spec::{Aoi, DesiredOrder, Ensure, geometry_collection_wkt};
use clearsky::api::types::TaskOrder;

/// What the pairing found.
#[derive(Debug, Default)]
pub(super) struct Pairing {
    /// Per entry: the live order a replace supersedes (entries matching nothing).
    pub(super) replaces: Vec<Option<usize>>,
    /// `(order, entry)`: live orders that are the superseded half of a satisfied
    /// entry's replace, by live index.
    pub(super) superseded: Vec<(usize, usize)>,
    /// Per live order in an ambiguous pairing: which entries it resembles and
    /// how to clean it up.
    pub(super) notes: BTreeMap<usize, String>,
}

/// Pairs `present` entries with orders among `free` (live orders no entry
/// claims and not `Canceled`), one to one.
pub(super) fn pair(
    entries: &[DesiredOrder],
    live: &[TaskOrder],
    matching: &Matching,
    free: &[usize],
) -> Pairing {
    let considered: Vec<usize> = (0..entries.len())
        .filter(|&e| {
            let m = &matching.entries[e];
            entries[e].ensure == Ensure::Present && (m.orders.is_empty() || m.is_satisfied())
        })
        .collect();
    let found = identity::earlier_versions(entries, &considered, live, free);
    let mut wanted_by: BTreeMap<usize, Vec<(usize, Kinship)>> = BTreeMap::new();
    for (&e, versions) in considered.iter().zip(&found) {
        for v in versions {
            wanted_by.entry(v.order).or_default().push((e, v.kinship));
        }
    }

    let mut pairing = Pairing { replaces: vec![None; entries.len()], ..Pairing::default() };
    for (&e, versions) in considered.iter().zip(&found) {
        if let [EarlierVersion { order, .. }] = versions.as_slice()
            && wanted_by[order].len() == 1
        {
            if matching.entries[e].orders.is_empty() {
                pairing.replaces[e] = Some(*order);
            } else {
                pairing.superseded.push((*order, e));
            }
        }
    }
    let versions_of: BTreeMap<usize, &Vec<EarlierVersion>> =
        considered.iter().copied().zip(&found).collect();
    let paired = |i: usize| {
        pairing.replaces.contains(&Some(i)) || pairing.superseded.iter().any(|&(o, _)| o == i)
    };
    let mut notes = BTreeMap::new();
    for (&i, by) in &wanted_by {
        if paired(i) {
            continue;
        }
        let names: Vec<String> = by
            .iter()
            .map(|&(e, k)| format!("`{}` ({})", entries[e].name, kinship_text(k)))
            .collect();
        let mut rivals: Vec<String> = by
            .iter()
            .flat_map(|&(e, _)| versions_of[&e].iter())
            .filter(|v| v.order != i)
            .map(|v| format!("`{}`", live[v.order].task_order_guid))
            .collect();
        rivals.sort();
        rivals.dedup();
        let rivals = if rivals.is_empty() {
            String::new()
        } else {
            format!(", as do orders {}", rivals.join(", "))
        };
        notes.insert(
            i,
            format!(
                "looks like an earlier version of entry {}{rivals}; not paired because that is \
                 ambiguous: once the entries' new orders exist, cancel the old ones with \
                 `--prune` or an `ensure: absent` entry, or give this one an entry to keep it",
                names.join(" and ")
            ),
        );
    }
    pairing.notes = notes;
    pairing
}

/// The `Wkt` line of a replace's field diff, when the new area differs from the
/// old order's: its `Wkt` as listed → the `Wkt` the create sends.
pub(super) fn area_change(spec_aoi: &Aoi, old: &TaskOrder) -> Option<FieldChange> {
    let Aoi::Polygons(parts) = spec_aoi else { return None };
    if identity::same_aoi(spec_aoi, &LiveSpec::of_order(old).aoi) {
        return None;
    }
    let old_wkt = match LiveSpec::of_order(old).aoi {
        LiveAoi::Polygons(old_parts) => display_wkt(&old_parts),
        _ => old.wkt.clone().unwrap_or_default(),
    };
    Some(FieldChange { field: "Wkt".to_owned(), old: old_wkt, new: display_wkt(parts) })
}

/// Both sides of the `Wkt` diff in one form (exteriors counter-clockwise, each
/// ring from its smallest vertex, as the create sends it), so that the word
/// diff shows what moved rather than how the server wrote it.
fn display_wkt(parts: &[MultiPolygon<f64>]) -> String {
    let ring = |r: &LineString<f64>| {
        let mut pts: Vec<Coord<f64>> = r.0.clone();
        if pts.len() > 1 && pts.first() == pts.last() {
            pts.pop();
        }
        let start = (0..pts.len())
            .min_by(|&i, &j| pts[i].x.total_cmp(&pts[j].x).then(pts[i].y.total_cmp(&pts[j].y)))
            .unwrap_or(0);
        pts.rotate_left(start);
        LineString::from(pts)
    };
    let polygon = |p: &Polygon<f64>| {
        let p = p.orient(Direction::Default);
        Polygon::new(ring(p.exterior()), p.interiors().iter().map(ring).collect())
    };
    let parts: Vec<MultiPolygon<f64>> =
        parts.iter().map(|mp| MultiPolygon(mp.0.iter().map(polygon).collect())).collect();
    geometry_collection_wkt(&parts)
}

fn kinship_text(k: Kinship) -> String {
    match k {
        Kinship::SameArea => "same area, other fields".to_owned(),
        Kinship::Overlap(r) => format!("same fields, {:.0} % of the area in common", r * 100.0),
    }
}

#[cfg(test)]
mod tests;
