//! The catalog: tasking models and their constellations, and the tile search.
//!
//! Pure data, no IO.

use serde::{Deserialize, Serialize};

use super::serde_helpers::{null_as_empty, string_or_number};

/// One entry of `GET /api/tasking/models`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TaskingModel {
    /// Model enum value.
    pub model: String,
    /// Constellations and whether each is optional.
    #[serde(default)]
    pub supported_satellite_constellations: Vec<SupportedConstellation>,
}

/// A constellation a model supports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SupportedConstellation {
    /// Constellation enum value.
    pub satellite_constellation: String,
    /// `false`: required; `true`: may be added.
    #[serde(default)]
    pub optional: bool,
}

/// `Data` of `GET /api/tasking/models`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct TaskingModels {
    /// The models.
    #[serde(default)]
    pub tasking_models: Vec<TaskingModel>,
}

/// Body of `POST /api/tasking/search/tiles`: exactly one selector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct TileSearchRequest {
    /// AOI as WKT.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wkt: Option<String>,
    /// AOI as GeoJSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geo_json: Option<serde_json::Value>,
    /// Tile GUIDs to describe.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tile_guids: Option<Vec<String>>,
    /// Minitile GUIDs to describe.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mini_tile_guids: Option<Vec<String>>,
    /// List the minitiles of this tile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tile_guid_for_mini_tiles: Option<String>,
}

/// One tile or minitile found by a search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TileInfo {
    /// GUID used to order it.
    pub guid: String,
    /// True for a minitile.
    #[serde(default)]
    pub mini_tile: bool,
    /// EPSG code of the stored data, as a string (`"32632"`).
    #[serde(default, deserialize_with = "string_or_number")]
    pub epsg: String,
    /// Footprint in EPSG:4326.
    #[serde(default)]
    pub data_geog_wkt: Option<String>,
}

/// `Data` of `POST /api/tasking/search/tiles`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct TileSearch {
    /// Tiles and minitiles found.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub tiles: Vec<TileInfo>,
}
