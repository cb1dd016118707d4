//! When a wanted order and a live order are the same order: the spec fingerprint.
//!
//! Pure, no IO, and the only place in skyform that compares orders. Orders carry
//! no name or client reference, so identity is content: every field the server
//! keeps, in canonical form ([`Fingerprint`]), plus the AOI compared as geometry
//! ([`geometry`]) or as GUID sets. Matching many entries against many live
//! orders is a hash join ([`match_all`]). Orders that look like an earlier
//! version of an entry (replace candidates) are found by [`earlier_versions`].
//! Which tiles the server's deduplication finds already ordered by other
//! orders is [`dedupe`]'s rule, shared with the emulator.

pub mod dedupe;
mod geometry;
mod matching;
mod overlap;
mod tile_twins;
mod twins;

use std::collections::BTreeSet;

use chrono::NaiveDate;
use geo::MultiPolygon;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::spec::{Aoi, DesiredOrder, OrderSpec};
use clearsky::api::types::{OrderRequest, TaskOrder};
use clearsky::catalog;

pub use geometry::TOLERANCE;
pub use matching::{EntryMatch, Matching, match_all};
pub use overlap::{EarlierVersion, Kinship, MIN_OVERLAP, earlier_versions, overlap};
pub use tile_twins::tile_twins;
pub use twins::twins;

/// The canonical non-AOI fields of an order: equal fingerprints and equal AOIs
/// make the same order.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Fingerprint {
    /// Model in API casing (a model the catalogue does not know in lower case).
    pub model: String,
    /// Constellations in API casing, as a set.
    pub constellations: BTreeSet<String>,
    /// First month.
    pub from: NaiveDate,
    /// Last day; `None` when recurring.
    pub to: Option<NaiveDate>,
    /// Days between images.
    pub image_frequency: i64,
    /// Cadence anchor (a live order without one is read as anchored on `from`,
    /// the server's default).
    pub reference_date: NaiveDate,
    /// Storage months.
    pub storage_months: i64,
    /// Download allowance.
    pub api_requests: i64,
}

impl Fingerprint {
    /// The fingerprint of a wanted order.
    pub fn of_spec(spec: &OrderSpec) -> Self {
        Self {
            model: canonical_model(&spec.model),
            constellations: spec
                .constellations
                .iter()
                .map(|c| canonical_constellation(c))
                .collect(),
            from: spec.from,
            to: spec.to,
            image_frequency: i64::from(spec.image_frequency),
            reference_date: spec.reference_date,
            storage_months: i64::from(spec.storage_months),
            api_requests: i64::from(spec.api_requests),
        }
    }

    /// The fingerprint of a live order.
    pub fn of_order(order: &TaskOrder) -> Self {
        Self {
            model: canonical_model(&order.model),
            constellations: order
                .satellite_constellations
                .iter()
                .map(|c| canonical_constellation(c))
                .collect(),
            from: order.from,
            to: order.to,
            image_frequency: order.image_frequency,
            reference_date: order.reference_date.unwrap_or(order.from),
            storage_months: order.storage_months,
            api_requests: order.api_requests,
        }
    }

    /// This fingerprint with `to` cleared: the bucket key shared by an order and
    /// its stopped-renewal form.
    pub(crate) fn without_to(&self) -> Self {
        Self { to: None, ..self.clone() }
    }
}

/// A model name in API casing when the catalogue knows it, else in lower
/// case: the API binds names without regard to case, so `cumulus1` in a
/// manifest and `Cumulus1` in a listing are the same model.
pub fn canonical_model(name: &str) -> String {
    catalog::model(name).map_or_else(|| name.to_ascii_lowercase(), |m| m.api_name.to_owned())
}

/// A constellation name in API casing when the catalogue knows it, else in
/// lower case (see [`canonical_model`]).
pub fn canonical_constellation(name: &str) -> String {
    catalog::constellation(name)
        .map_or_else(|| name.to_ascii_lowercase(), |c| c.api_name.to_owned())
}

/// The AOI of a live order, parsed.
#[derive(Debug, Clone, PartialEq)]
pub enum LiveAoi {
    /// Polygon parts parsed from `Wkt`.
    Polygons(Vec<MultiPolygon<f64>>),
    /// Tile and minitile GUIDs (those that parse as UUIDs).
    Tiles {
        /// Tile GUIDs.
        tiles: BTreeSet<Uuid>,
        /// Minitile GUIDs.
        minitiles: BTreeSet<Uuid>,
    },
    /// Neither tiles nor a polygonal `Wkt`: matches nothing.
    Unknown,
}

/// A live order in comparable form.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveSpec {
    /// The canonical non-AOI fields.
    pub fingerprint: Fingerprint,
    /// The AOI.
    pub aoi: LiveAoi,
}

impl LiveSpec {
    /// Parses a listed order. Tiles win over `Wkt` when an order has both.
    pub fn of_order(order: &TaskOrder) -> Self {
        let guids = |refs: &[clearsky::api::types::TileRef]| -> BTreeSet<Uuid> {
            refs.iter().filter_map(|t| Uuid::parse_str(t.guid.trim()).ok()).collect()
        };
        let aoi = if !order.tiles.is_empty() || !order.mini_tiles.is_empty() {
            LiveAoi::Tiles { tiles: guids(&order.tiles), minitiles: guids(&order.mini_tiles) }
        } else {
            order
                .wkt
                .as_deref()
                .and_then(geometry::parse_wkt_parts)
                .map_or(LiveAoi::Unknown, LiveAoi::Polygons)
        };
        Self { fingerprint: Fingerprint::of_order(order), aoi }
    }
}

/// True when `live` has the same AOI as `desired`: polygons under either
/// normalisation rule, or exactly the same tile and minitile sets.
pub fn same_aoi(desired: &Aoi, live: &LiveAoi) -> bool {
    match (desired, live) {
        (Aoi::Polygons(d), LiveAoi::Polygons(l)) => geometry::aoi_matches(d, l),
        (Aoi::Tiles { tiles, minitiles }, LiveAoi::Tiles { tiles: lt, minitiles: lm }) => {
            tiles == lt && minitiles == lm
        }
        _ => false,
    }
}

/// Lower-case hex SHA-256 of the canonical form of a spec: the same for the same
/// order whatever the input form (GeoJSON or WKT, ring start and orientation,
/// polygon and constellation order, enum casing). Used in saved plans and logs.
pub fn spec_digest(spec: &OrderSpec) -> String {
    let fp = Fingerprint::of_spec(spec);
    let aoi = match &spec.aoi {
        Aoi::Polygons(parts) => format!("polygons:{}", geometry::canonical_text(parts)),
        Aoi::Tiles { tiles, minitiles } => {
            let join =
                |s: &BTreeSet<Uuid>| s.iter().map(Uuid::to_string).collect::<Vec<_>>().join(",");
            format!("tiles:{};minitiles:{}", join(tiles), join(minitiles))
        }
    };
    let text = format!(
        "skyform-spec-v1\nModel={}\nSatelliteConstellations={}\nFrom={}\nTo={}\n\
         ImageFrequency={}\nReferenceDate={}\nStorageMonths={}\nApiRequests={}\nAoi={}\n",
        fp.model,
        fp.constellations.iter().cloned().collect::<Vec<_>>().join(","),
        fp.from,
        fp.to.map_or_else(|| "null".to_owned(), |d| d.to_string()),
        fp.image_frequency,
        fp.reference_date,
        fp.storage_months,
        fp.api_requests,
        aoi,
    );
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// Lower-case hex SHA-256 of a live order as skyform serializes it: changes when
/// any listed field (status, `To`, area, …) changes. Used to detect stale saved plans.
pub fn live_digest(order: &TaskOrder) -> String {
    // Serializing plain data to a Vec cannot fail; an empty digest input would
    // only make every plan look stale, never fresh.
    let bytes = serde_json::to_vec(order).unwrap_or_default();
    hex::encode(Sha256::digest(&bytes))
}

/// The live order that satisfies `desired`, if any: used by apply after a create
/// whose outcome is unknown, before it tries again. `sent` is that create's body.
///
/// For a polygon entry, the preferred match (see [`Matching`]). For a tile
/// entry, `Some` only when the union of matching orders covers every wanted
/// GUID, or, when `sent` deduplicates, every wanted GUID they miss is one the
/// server's deduplication finds in another live order ([`dedupe`]: sending the
/// create again would be refused). The order returned is one of the matching
/// orders: the one holding the most GUIDs of `sent` (the remainder no order
/// covered when the plan was made), so that the order the create placed wins
/// over an older one that covers more of the entry; ties go to the order
/// covering the most wanted GUIDs.
pub fn find_match<'a>(
    desired: &DesiredOrder,
    sent: &OrderRequest,
    live: &'a [TaskOrder],
) -> Option<&'a TaskOrder> {
    let m = match_all(std::slice::from_ref(desired), live);
    let entry = m.entries.into_iter().next()?;
    let deduplicated = || {
        let settings = dedupe::settings_of(&desired.spec);
        let (tiles, minitiles) = (&entry.missing_tiles, &entry.missing_minitiles);
        let covered = clearsky::dedupe::already_ordered(&settings, live, tiles, minitiles);
        covered.tiles == *tiles && covered.minitiles == *minitiles
    };
    let deduplicates = sent.tile_deduplication == Some(true);
    if entry.orders.is_empty() || !(entry.is_satisfied() || (deduplicates && deduplicated())) {
        return None;
    }
    match &desired.spec.aoi {
        Aoi::Polygons(_) => entry.orders.first().map(|&i| &live[i]),
        Aoi::Tiles { tiles, minitiles } => {
            let guids = |list: &Option<Vec<String>>| -> BTreeSet<Uuid> {
                list.iter().flatten().filter_map(|g| Uuid::parse_str(g.trim()).ok()).collect()
            };
            let (sent_tiles, sent_minitiles) =
                (guids(&sent.tile_guids), guids(&sent.mini_tile_guids));
            entry
                .orders
                .iter()
                .max_by_key(|&&i| match LiveSpec::of_order(&live[i]).aoi {
                    LiveAoi::Tiles { tiles: t, minitiles: mt } => (
                        t.intersection(&sent_tiles).count()
                            + mt.intersection(&sent_minitiles).count(),
                        t.intersection(tiles).count() + mt.intersection(minitiles).count(),
                    ),
                    _ => (0, 0),
                })
                .map(|&i| &live[i])
        }
    }
}

/// For each entry, an order that satisfies it now, if any (for a tile entry,
/// only when every wanted GUID is covered; the first covering order): used by
/// apply just before each batch of creates, with one index of the live orders.
pub fn find_matches<'a>(
    desired: &[DesiredOrder],
    live: &'a [TaskOrder],
) -> Vec<Option<&'a TaskOrder>> {
    match_all(desired, live)
        .entries
        .into_iter()
        .map(|entry| entry.is_satisfied().then(|| &live[entry.orders[0]]))
        .collect()
}

#[cfg(test)]
mod tests;
