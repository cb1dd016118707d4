//! The resolved, canonical form of one wanted order: what a manifest entry means
//! once defaults are applied, files are read and values are checked.
//!
//! Pure, no IO. `manifest` produces these; `identity` fingerprints and matches them
//! against live orders; `plan` and `apply` turn them into the exact request body
//! sent to the estimate and create endpoints ([`OrderSpec::to_request`]).

use std::collections::BTreeSet;
use std::path::PathBuf;

use chrono::NaiveDate;
use geo::MultiPolygon;
use uuid::Uuid;

use clearsky::api::types::OrderRequest;

pub use clearsky::ranges::IMAGE_FREQUENCY_DAYS;

/// `TileDeduplication` of a tile order whose entry leaves it out: skyform asks
/// the API to drop the tiles already ordered.
pub const TILE_DEDUPLICATION_DEFAULT: bool = true;

/// Every field the server keeps for an order, in canonical form.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderSpec {
    /// The model's API enum value in API casing (`Stratus2`).
    pub model: String,
    /// Constellation API values in API casing; a set, because order does not matter.
    pub constellations: BTreeSet<String>,
    /// The area of interest.
    pub aoi: Aoi,
    /// First month of the order (always the 1st of a month).
    pub from: NaiveDate,
    /// Last day of the order (a month end), or `None` for a recurring order.
    pub to: Option<NaiveDate>,
    /// Days between images, within [`IMAGE_FREQUENCY_DAYS`].
    pub image_frequency: u32,
    /// Anchor of the image cadence.
    pub reference_date: NaiveDate,
    /// Months the data is stored, at least 1.
    pub storage_months: u32,
    /// Download allowance, at least 1.
    pub api_requests: u32,
}

/// An area of interest: polygons, or a set of grid tiles and minitiles.
#[derive(Debug, Clone, PartialEq)]
pub enum Aoi {
    /// Polygon AOIs. Each part is one AOI as the API counts them: a WKT/GeoJSON
    /// `Polygon` becomes a one-member `MultiPolygon`, a `MultiPolygon` stays whole
    /// (the API bills a multipolygon's bounding box as one AOI).
    Polygons(Vec<MultiPolygon<f64>>),
    /// Grid cells by GUID. At least one of the two sets is non-empty.
    Tiles {
        /// Tile GUIDs.
        tiles: BTreeSet<Uuid>,
        /// Minitile GUIDs.
        minitiles: BTreeSet<Uuid>,
    },
}

impl OrderSpec {
    /// Returns true when the order renews every month (`To: null`).
    pub fn is_recurring(&self) -> bool {
        self.to.is_none()
    }

    /// Resolves `TileDeduplication` as written in the entry (`None`: left out)
    /// into the value sent on create: for a tile order the written value, else
    /// [`TILE_DEDUPLICATION_DEFAULT`]; `None` for a polygon order, which the
    /// API does not deduplicate.
    pub fn tile_deduplication(&self, written: Option<bool>) -> Option<bool> {
        match self.aoi {
            Aoi::Tiles { .. } => Some(written.unwrap_or(TILE_DEDUPLICATION_DEFAULT)),
            Aoi::Polygons(_) => None,
        }
    }

    /// Builds the request body sent to both the estimate and the create endpoint.
    ///
    /// Polygon AOIs are always sent as a WKT `GEOMETRYCOLLECTION`, the form the
    /// documented (legacy) area rule requires and the newer rule also accepts.
    /// `tile_deduplication` is only set on creates (the estimate ignores it).
    pub fn to_request(&self, tile_deduplication: Option<bool>) -> OrderRequest {
        let (wkt, tile_guids, mini_tile_guids) = match &self.aoi {
            Aoi::Polygons(parts) => (Some(geometry_collection_wkt(parts)), None, None),
            Aoi::Tiles { tiles, minitiles } => (
                None,
                (!tiles.is_empty()).then(|| tiles.iter().map(Uuid::to_string).collect()),
                (!minitiles.is_empty()).then(|| minitiles.iter().map(Uuid::to_string).collect()),
            ),
        };
        OrderRequest {
            wkt,
            geo_json: None,
            tile_guids,
            mini_tile_guids,
            satellite_constellations: self.constellations.iter().cloned().collect(),
            model: self.model.clone(),
            storage_months: i64::from(self.storage_months),
            api_requests: i64::from(self.api_requests),
            image_frequency: Some(i64::from(self.image_frequency)),
            reference_date: Some(self.reference_date.to_string()),
            from: self.from.to_string(),
            to: self.to.map(|d| d.to_string()),
            tile_deduplication: match self.aoi {
                Aoi::Tiles { .. } => tile_deduplication,
                Aoi::Polygons(_) => None,
            },
            simulated_euro_usage: None,
        }
    }
}

/// Writes polygon AOIs as one WKT `GEOMETRYCOLLECTION` (polygons as `POLYGON`,
/// multipolygons as `MULTIPOLYGON`).
pub fn geometry_collection_wkt(parts: &[MultiPolygon<f64>]) -> String {
    use wkt::ToWkt;
    let members: Vec<String> = parts
        .iter()
        .map(|mp| match mp.0.as_slice() {
            [single] => single.wkt_string(),
            _ => mp.wkt_string(),
        })
        .collect();
    format!("GEOMETRYCOLLECTION({})", members.join(","))
}

/// Whether a manifest entry wants its order to exist.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Ensure {
    /// The order should exist (the default).
    #[default]
    Present,
    /// The order should not exist: a matching live order is cancelled.
    Absent,
}

/// Where a manifest entry was written, for messages.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Source {
    /// The manifest file as given on the command line (or found in a directory).
    pub file: PathBuf,
    /// 1-based line of the entry.
    pub line: usize,
    /// 1-based column of the entry.
    pub column: usize,
}

/// One manifest entry, resolved and valid.
#[derive(Debug, Clone, PartialEq)]
pub struct DesiredOrder {
    /// The entry's `name`, unique across all loaded manifests.
    pub name: String,
    /// `present` or `absent`.
    pub ensure: Ensure,
    /// When true the matching order is never cancelled or replaced.
    pub protect: bool,
    /// The order fields.
    pub spec: OrderSpec,
    /// `TileDeduplication` sent on create, resolved by
    /// [`OrderSpec::tile_deduplication`]: always `Some` for a tile order,
    /// `None` for a polygon order.
    pub tile_deduplication: Option<bool>,
    /// Where the entry is.
    pub source: Source,
}

/// Spending limits from the manifests' `budget` blocks, in EUR.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Budget {
    /// Most the plan may cost in the current month.
    pub max_current_month: Option<f64>,
    /// Most the plan may add to each following month.
    pub max_monthly: Option<f64>,
}

/// A manifest file that was read, with the SHA-256 of its bytes (for saved plans).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestDigest {
    /// The file's path.
    pub path: PathBuf,
    /// Lower-case hex SHA-256 of the file's bytes.
    pub sha256: String,
}

/// Everything the loaded manifests ask for.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DesiredSet {
    /// Entries in file order, files sorted by path.
    pub orders: Vec<DesiredOrder>,
    /// The combined budget (the smallest limit wins when several files set one).
    pub budget: Budget,
    /// Every file read, including AOI files.
    pub files: Vec<ManifestDigest>,
    /// The same manifests at the base revision (`--base`), when one was given:
    /// what decides which live orders are the previous version of an entry.
    pub base: Option<Base>,
}

/// The manifests as they were at a base revision: the previous version of
/// each entry is the entry of the same `name` here.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Base {
    /// The commit the revision named (full hex id).
    pub commit: String,
    /// The entries at that commit (none for files that did not exist then).
    pub orders: Vec<DesiredOrder>,
}

impl Base {
    /// The commit id as plans show it: its first 12 hex digits.
    pub fn short(&self) -> &str {
        self.commit.get(..12).unwrap_or(&self.commit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    fn spec(aoi: Aoi) -> OrderSpec {
        OrderSpec {
            model: "Stratus2".into(),
            constellations: ["Sentinel1", "Sentinel2", "Landsat89"].map(String::from).into(),
            aoi,
            from: NaiveDate::from_ymd_opt(2025, 4, 1).unwrap(),
            to: None,
            image_frequency: 3,
            reference_date: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
            storage_months: 1,
            api_requests: 1,
        }
    }

    #[test]
    fn polygon_request_is_a_geometry_collection_with_null_to() {
        let p = polygon![(x: 9.87, y: 56.47), (x: 10.19, y: 56.47), (x: 10.19, y: 56.28), (x: 9.87, y: 56.47)];
        let body = spec(Aoi::Polygons(vec![MultiPolygon(vec![p])])).to_request(Some(true));
        let json = serde_json::to_value(&body).unwrap();
        assert_eq!(
            json["Wkt"],
            "GEOMETRYCOLLECTION(POLYGON((9.87 56.47,10.19 56.47,10.19 56.28,9.87 56.47)))"
        );
        assert!(json["To"].is_null() && json.as_object().unwrap().contains_key("To"));
        assert!(json.get("TileDeduplication").is_none());
        assert_eq!(
            json["SatelliteConstellations"],
            serde_json::json!(["Landsat89", "Sentinel1", "Sentinel2"])
        );
    }

    #[test]
    fn tile_orders_resolve_deduplication_and_polygon_orders_have_none() {
        let tiles =
            spec(Aoi::Tiles { tiles: [Uuid::from_u128(7)].into(), minitiles: BTreeSet::new() });
        assert_eq!(tiles.tile_deduplication(None), Some(TILE_DEDUPLICATION_DEFAULT));
        assert_eq!(tiles.tile_deduplication(Some(false)), Some(false));
        let polygons = spec(Aoi::Polygons(Vec::new()));
        assert_eq!(polygons.tile_deduplication(None), None);
    }

    #[test]
    fn tile_request_carries_deduplication() {
        let g = Uuid::from_u128(7);
        let body = spec(Aoi::Tiles { tiles: [g].into(), minitiles: BTreeSet::new() })
            .to_request(Some(true));
        let json = serde_json::to_value(&body).unwrap();
        assert_eq!(json["TileGuids"], serde_json::json!([g.to_string()]));
        assert!(json.get("MiniTileGuids").is_none());
        assert_eq!(json["TileDeduplication"], true);
    }
}
