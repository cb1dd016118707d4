//! The hash join of wanted orders against live orders.
//!
//! Pure, no IO. Live orders are indexed once by fingerprint (without `To`, so
//! that stopped renewals land in the same bucket), AOI part count and the grid
//! cell of the AOI's south-west corner (polygons), or by GUID (tiles). Each
//! entry then probes at most four buckets, or one bucket per wanted GUID, and
//! compares geometry only with the few orders it finds there.

use std::cmp::Ordering;
use std::collections::{BTreeSet, HashMap};

use uuid::Uuid;

use super::geometry;
use super::{Fingerprint, LiveAoi, LiveSpec};
use crate::spec::{Aoi, DesiredOrder, Ensure};
use clearsky::api::types::{OrderStatus, TaskOrder};

/// What the live orders are to each entry, and each live order to the entries.
#[derive(Debug, Clone, PartialEq)]
pub struct Matching {
    /// One per entry, in the entries' order.
    pub entries: Vec<EntryMatch>,
    /// One per live order: the first entry that claims it (through `orders`, or
    /// through `stopped` for an `ensure: absent` entry).
    pub owner: Vec<Option<usize>>,
}

/// The live orders matching one entry. Indexes are into the live slice.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EntryMatch {
    /// Orders with the entry's fingerprint and AOI, never `Canceled`. For a polygon
    /// entry, preferred first: accepted before `Review` before `Failure`, then the
    /// oldest `CreatedDate` (missing last), then the lowest GUID. For a tile
    /// entry, every order covering at least one wanted GUID, by GUID.
    pub orders: Vec<usize>,
    /// Wanted tiles no order in `orders` covers (empty for polygon entries).
    pub missing_tiles: BTreeSet<Uuid>,
    /// Wanted minitiles no order in `orders` covers.
    pub missing_minitiles: BTreeSet<Uuid>,
    /// For a recurring entry: orders equal to it except that `To` is set (a month
    /// end not before `From`): its renewal was stopped. They do not satisfy it.
    pub stopped: Vec<usize>,
}

impl EntryMatch {
    /// True when the entry's order exists (all wanted GUIDs covered, for tiles).
    pub fn is_satisfied(&self) -> bool {
        !self.orders.is_empty()
            && self.missing_tiles.is_empty()
            && self.missing_minitiles.is_empty()
    }
}

type PolygonKey = (Fingerprint, usize, (i64, i64));
type TileKey = (Fingerprint, bool, Uuid);

/// Matches every entry against every live order; `Canceled` orders match nothing.
pub fn match_all(desired: &[DesiredOrder], live: &[TaskOrder]) -> Matching {
    let specs: Vec<LiveSpec> = live.iter().map(LiveSpec::of_order).collect();
    let mut polygons: HashMap<PolygonKey, Vec<usize>> = HashMap::new();
    let mut tiles: HashMap<TileKey, Vec<usize>> = HashMap::new();
    for (i, spec) in specs.iter().enumerate() {
        if live[i].ordering_process_status.is_canceled() {
            continue;
        }
        let base = spec.fingerprint.without_to();
        match &spec.aoi {
            LiveAoi::Polygons(parts) => {
                if let Some(a) = geometry::anchor(parts) {
                    let key = (base, parts.len(), geometry::cell(a));
                    polygons.entry(key).or_default().push(i);
                }
            }
            LiveAoi::Tiles { tiles: t, minitiles: m } => {
                let keyed = t.iter().map(|g| (false, *g)).chain(m.iter().map(|g| (true, *g)));
                for (mini, g) in keyed {
                    tiles.entry((base.clone(), mini, g)).or_default().push(i);
                }
            }
            LiveAoi::Unknown => {}
        }
    }

    let mut entries = Vec::with_capacity(desired.len());
    for entry in desired {
        let fp = Fingerprint::of_spec(&entry.spec);
        let base = fp.without_to();
        let relation = |i: usize| relation(&fp, &specs[i].fingerprint);
        let mut m = EntryMatch::default();
        match &entry.spec.aoi {
            Aoi::Polygons(parts) => {
                let mut found = BTreeSet::new();
                if let Some(a) = geometry::anchor(parts) {
                    for cell in geometry::cells_near(a) {
                        let key = (base.clone(), parts.len(), cell);
                        found.extend(polygons.get(&key).into_iter().flatten().copied());
                    }
                }
                for i in found {
                    let LiveAoi::Polygons(lp) = &specs[i].aoi else { continue };
                    match relation(i) {
                        Relation::Same if geometry::aoi_matches(parts, lp) => m.orders.push(i),
                        Relation::Stopped if geometry::aoi_matches(parts, lp) => m.stopped.push(i),
                        _ => {}
                    }
                }
                m.orders.sort_by(|&a, &b| preference(&live[a], &live[b]));
            }
            Aoi::Tiles { tiles: want_t, minitiles: want_m } => {
                let mut orders = BTreeSet::new();
                let mut stopped = BTreeSet::new();
                let wanted =
                    want_t.iter().map(|g| (false, *g)).chain(want_m.iter().map(|g| (true, *g)));
                for (mini, g) in wanted {
                    let mut covered = false;
                    for &i in tiles.get(&(base.clone(), mini, g)).into_iter().flatten() {
                        match relation(i) {
                            Relation::Same => {
                                covered = true;
                                orders.insert(i);
                            }
                            Relation::Stopped => {
                                stopped.insert(i);
                            }
                            Relation::Other => {}
                        }
                    }
                    if !covered {
                        if mini { &mut m.missing_minitiles } else { &mut m.missing_tiles }
                            .insert(g);
                    }
                }
                m.orders = sort_by_guid(orders, live);
                m.stopped = sort_by_guid(stopped, live);
            }
        }
        entries.push(m);
    }

    let mut owner = vec![None; live.len()];
    for (e, (entry, m)) in desired.iter().zip(&entries).enumerate() {
        let stopped = if entry.ensure == Ensure::Absent { m.stopped.as_slice() } else { &[] };
        for &i in m.orders.iter().chain(stopped) {
            owner[i].get_or_insert(e);
        }
    }
    Matching { entries, owner }
}

enum Relation {
    Same,
    Stopped,
    Other,
}

fn relation(want: &Fingerprint, live: &Fingerprint) -> Relation {
    if live.to == want.to {
        Relation::Same
    } else if want.to.is_none() && live.to.is_some_and(|t| t >= want.from) {
        Relation::Stopped
    } else {
        Relation::Other
    }
}

fn status_rank(s: &OrderStatus) -> u8 {
    match s {
        OrderStatus::Review => 1,
        OrderStatus::Failure => 2,
        _ => 0,
    }
}

/// Which of two matching orders is kept for an entry: accepted first, then the
/// oldest, then the lowest GUID.
pub(crate) fn preference(a: &TaskOrder, b: &TaskOrder) -> Ordering {
    status_rank(&a.ordering_process_status)
        .cmp(&status_rank(&b.ordering_process_status))
        .then_with(|| match (&a.created_date, &b.created_date) {
            (Some(x), Some(y)) => x.cmp(y),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        })
        .then_with(|| a.task_order_guid.cmp(&b.task_order_guid))
}

fn sort_by_guid(set: BTreeSet<usize>, live: &[TaskOrder]) -> Vec<usize> {
    let mut v: Vec<usize> = set.into_iter().collect();
    v.sort_by(|&a, &b| live[a].task_order_guid.cmp(&live[b].task_order_guid));
    v
}
