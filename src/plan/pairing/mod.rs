//! Pairs entries with the live orders that are their earlier versions: the
//! old half of a replace, and the superseded half of a replace that did not
//! finish (the entry already has its new order, the old one still runs).
//!
//! Pure, no IO. Pairing decides what a plan cancels without `--prune`, so it
//! never guesses: a live order no current entry matches is an entry's earlier
//! version only when this manifest set owns it, that is when it matches the
//! entry as it was at the base revision (`--base`: the entry of the same
//! `name` in the manifests at that commit, see [`previous`]). Besides, an
//! entry's own order whose renewal was stopped, and which therefore cannot be
//! cancelled, is placed again as a replace that cancels nothing. Without a
//! base nothing else pairs. A pair with an unsatisfied entry is a replace
//! (further earlier versions of it are cancelled with it); a pair with a
//! satisfied entry is a cancel of the superseded order.
//!
//! Orders that merely look like an earlier version of an entry
//! ([`identity::earlier_versions`]: the same AOI with other fields, or the same
//! fields and overlapping areas) stay unmanaged, with a note that says so and
//! how to clean them up.

mod previous;

use std::collections::{BTreeMap, BTreeSet};

use geo::orient::{Direction, Orient};
use geo::{Coord, LineString, MultiPolygon, Polygon};

use super::FieldChange;
use super::live::cancellable;
use crate::identity::{self, LiveAoi, LiveSpec, Matching};
use crate::spec::{Aoi, Base, DesiredOrder, Ensure, geometry_collection_wkt};
use clearsky::api::types::TaskOrder;

/// What the pairing found.
#[derive(Debug, Default)]
pub(super) struct Pairing {
    /// Per entry: the live order a replace supersedes (entries matching nothing).
    pub(super) replaces: Vec<Option<usize>>,
    /// `(order, entry)`: further earlier versions of an entry, cancelled by
    /// its replace, or superseded by its order (a replace that did not
    /// finish), by live index.
    pub(super) superseded: Vec<(usize, usize)>,
    /// Per live order left unmanaged: why it is not paired with the entry it
    /// resembles, and how to clean it up.
    pub(super) notes: BTreeMap<usize, String>,
}

/// Pairs `present` entries with orders among `free` (live orders no entry
/// claims and not `Canceled`), each order with one entry at most.
pub(super) fn pair(
    entries: &[DesiredOrder],
    live: &[TaskOrder],
    matching: &Matching,
    free: &[usize],
    base: Option<&Base>,
) -> Pairing {
    let considered: Vec<usize> = (0..entries.len())
        .filter(|&e| {
            let m = &matching.entries[e];
            entries[e].ensure == Ensure::Present && (m.orders.is_empty() || m.is_satisfied())
        })
        .collect();
    let free_set: BTreeSet<usize> = free.iter().copied().collect();
    let mut pairing = Pairing { replaces: vec![None; entries.len()], ..Pairing::default() };
    let mut taken = BTreeSet::new();
    // The entry's own order, whole (all its tiles), renewal stopped.
    for &e in &considered {
        let m = &matching.entries[e];
        let own = m.stopped.iter().find(|&&i| {
            free_set.contains(&i)
                && !taken.contains(&i)
                && !cancellable(&live[i])
                && identity::same_aoi(&entries[e].spec.aoi, &LiveSpec::of_order(&live[i]).aoi)
        });
        if let (true, Some(&i)) = (m.orders.is_empty(), own) {
            pairing.replaces[e] = Some(i);
            taken.insert(i);
        }
    }
    let at_base = base.map(|b| previous::Versions::of(entries, live, &free_set, b));
    if let Some(versions) = &at_base {
        for &e in &considered {
            let mut orders = versions.of_entry(e).filter(|&i| taken.insert(i));
            if pairing.replaces[e].is_none() && matching.entries[e].orders.is_empty() {
                pairing.replaces[e] = orders.next();
            }
            pairing.superseded.extend(orders.map(|i| (i, e)));
        }
        pairing.notes = versions.removed_entries(&taken);
    }
    let found = identity::earlier_versions(entries, &considered, live, free);
    let mut resembles: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (&e, versions) in considered.iter().zip(&found) {
        for v in versions {
            if !taken.contains(&v.order) && cancellable(&live[v.order]) {
                resembles.entry(v.order).or_default().push(e);
            }
        }
    }
    for (i, by) in resembles {
        let names: Vec<String> = by.iter().map(|&e| format!("`{}`", entries[e].name)).collect();
        let names = names.join(" or ");
        let note = match base {
            None => format!(
                "looks like {} earlier version of {names}; cancel it with `--prune`, or plan with \
                 `--base REV`",
                if by.len() == 1 { "the" } else { "an" }
            ),
            Some(b) => format!(
                "looks like an earlier version of {names}, but matches no entry at base `{}`: \
                 not this manifest set's order, left alone (cancel it with `--prune` if it is)",
                b.short()
            ),
        };
        pairing.notes.entry(i).or_insert(note);
    }
    pairing
}

/// The lines of a replace's field diff when the new area differs from the old
/// order's: `Area` in terms a reviewer checks (km² before → after, and how
/// many of the new vertices moved), then `Wkt`, the old order's as listed →
/// the one the create sends.
pub(super) fn area_change(spec_aoi: &Aoi, old: &TaskOrder) -> Vec<FieldChange> {
    let Aoi::Polygons(parts) = spec_aoi else { return Vec::new() };
    let live = LiveSpec::of_order(old).aoi;
    if identity::same_aoi(spec_aoi, &live) {
        return Vec::new();
    }
    let mut changes = Vec::new();
    let old_wkt = match &live {
        LiveAoi::Polygons(old_parts) => {
            let moved = moved_vertices(old_parts, parts);
            changes.push(FieldChange {
                field: "Area".to_owned(),
                old: area_text(old_parts, None),
                new: area_text(parts, Some(moved)),
            });
            display_wkt(old_parts)
        }
        _ => old.wkt.clone().unwrap_or_default(),
    };
    changes.push(FieldChange { field: "Wkt".to_owned(), old: old_wkt, new: display_wkt(parts) });
    changes
}

/// `18.42 km², 5 vertices` (and `, 1 moved` when `moved` is given): the
/// geodesic area of the parts and their distinct exterior vertices.
fn area_text(parts: &[MultiPolygon<f64>], moved: Option<usize>) -> String {
    use geo::GeodesicArea;
    let km2: f64 = parts.iter().map(|mp| mp.geodesic_area_unsigned() / 1e6).sum();
    let n = vertices(parts).len();
    let moved = moved.map(|m| format!(", {m} moved")).unwrap_or_default();
    format!("{km2:.2} km², {n} vertices{moved}")
}

/// The distinct exterior vertices of `parts` (a ring's closing point once).
fn vertices(parts: &[MultiPolygon<f64>]) -> Vec<Coord<f64>> {
    let mut out: Vec<Coord<f64>> = Vec::new();
    for p in parts.iter().flat_map(|mp| &mp.0) {
        for c in &p.exterior().0 {
            if !out.iter().any(|o| same_point(*o, *c)) {
                out.push(*c);
            }
        }
    }
    out
}

/// How many vertices of `new` are not vertices of `old`.
fn moved_vertices(old: &[MultiPolygon<f64>], new: &[MultiPolygon<f64>]) -> usize {
    let old = vertices(old);
    vertices(new).iter().filter(|c| !old.iter().any(|o| same_point(*o, **c))).count()
}

fn same_point(a: Coord<f64>, b: Coord<f64>) -> bool {
    (a.x - b.x).abs() <= identity::TOLERANCE && (a.y - b.y).abs() <= identity::TOLERANCE
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

#[cfg(test)]
mod tests;
