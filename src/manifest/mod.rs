//! Manifest files: their serde model (the source of `schemas/manifest.schema.json`),
//! loading and validation into a [`DesiredSet`](crate::spec::DesiredSet).
//!
//! The types here mirror the YAML for the JSON Schema and for editors; the loader
//! itself walks a position-keeping YAML tree (`node`) so that it can report every
//! problem with its line and column. A unit test keeps the key lists the loader
//! accepts equal to the schema's properties. IO happens only in `load`.

mod aoi;
mod diagnostic;
mod fields;
mod geometry_checks;
mod load;
mod node;
mod scan;
pub mod text;
mod text_checks;
mod validate;
mod yaml_limits;

use std::borrow::Cow;

use chrono::NaiveDate;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Deserialize;

pub use diagnostic::{Diagnostic, Diagnostics};
pub use load::{Loaded, load, load_all, load_counted};

use crate::spec::Ensure;
use clearsky::catalog;

/// One manifest file.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "skyform manifest")]
pub struct Manifest {
    /// Values for order fields that an entry leaves out (this file only).
    pub defaults: Option<Defaults>,
    /// Spending limits in EUR; with several files the smallest limit wins.
    pub budget: Option<BudgetBlock>,
    /// The orders wanted.
    pub orders: Option<Vec<Entry>>,
}

/// Spending limits in EUR.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BudgetBlock {
    /// Most a plan may cost in the current month.
    #[schemars(range(min = 0))]
    pub max_current_month: Option<f64>,
    /// Most a plan may add to each following month.
    #[schemars(range(min = 0))]
    pub max_monthly: Option<f64>,
}

/// Defaults for the order fields of every entry in the same file.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "PascalCase")]
pub struct Defaults {
    /// Default `protect`.
    #[serde(rename = "protect")]
    pub protect: Option<bool>,
    /// Default `Model`.
    pub model: Option<ModelName>,
    /// Default `SatelliteConstellations`.
    pub satellite_constellations: Option<Vec<ConstellationName>>,
    /// Default `StorageMonths`.
    #[schemars(range(min = 1))]
    pub storage_months: Option<u32>,
    /// Default `ApiRequests`.
    #[schemars(range(min = 1))]
    pub api_requests: Option<u32>,
    /// Default `ImageFrequency`.
    #[schemars(range(min = 1, max = 7))]
    pub image_frequency: Option<u32>,
    /// Default `ReferenceDate`.
    pub reference_date: Option<NaiveDate>,
    /// Default `From`.
    pub from: Option<NaiveDate>,
    /// Default `To` (`null` = recurring).
    pub to: Option<NaiveDate>,
    /// Default `TileDeduplication`.
    pub tile_deduplication: Option<bool>,
}

/// One wanted order: tool keys in lower case, order fields with the API's names.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "PascalCase")]
pub struct Entry {
    /// Name for people (plan lines, `--target`, errors); unique across all manifests.
    #[serde(rename = "name")]
    pub name: String,
    /// `present` (default) or `absent` (a matching live order is cancelled).
    #[serde(rename = "ensure")]
    pub ensure: Option<Ensure>,
    /// When true the matching order is never cancelled or replaced.
    #[serde(rename = "protect")]
    pub protect: Option<bool>,
    /// The model's API value (`Stratus2`, not the label `Stratus-2`).
    pub model: Option<ModelName>,
    /// Input constellations; must include every one the model requires.
    pub satellite_constellations: Option<Vec<ConstellationName>>,
    /// Months the data is stored, at least 1.
    #[schemars(range(min = 1))]
    pub storage_months: Option<u32>,
    /// Download allowance, at least 1.
    #[schemars(range(min = 1))]
    pub api_requests: Option<u32>,
    /// Days between images: 1 (daily) to 7 (weekly).
    #[schemars(range(min = 1, max = 7))]
    pub image_frequency: Option<u32>,
    /// Anchor of the image cadence; defaults to `From`.
    pub reference_date: Option<NaiveDate>,
    /// First month: the 1st of a month.
    pub from: Option<NaiveDate>,
    /// Last day: a month end; `null` or absent means recurring.
    pub to: Option<NaiveDate>,
    /// Let the API drop tiles already ordered (tile orders; skyform sends `true` by default).
    pub tile_deduplication: Option<bool>,
    /// AOI as WKT: `POLYGON`, `MULTIPOLYGON` or a `GEOMETRYCOLLECTION` of them.
    pub wkt: Option<String>,
    /// AOI as GeoJSON: an inline mapping or a JSON string.
    pub geo_json: Option<GeoJsonValue>,
    /// AOI from a WKT file, relative to the manifest.
    pub wkt_file: Option<String>,
    /// AOI from a GeoJSON file, relative to the manifest.
    pub geo_json_file: Option<String>,
    /// Tile GUIDs (may be combined with `MiniTileGuids`).
    pub tile_guids: Option<Vec<Guid>>,
    /// Minitile GUIDs (may be combined with `TileGuids`).
    pub mini_tile_guids: Option<Vec<Guid>>,
}

/// The form of an API enum value ([`catalog::is_api_name`]).
const API_NAME_PATTERN: &str = "^[A-Za-z][A-Za-z0-9]{0,63}$";

/// A model's API value; the schema lists the catalogue's models.
#[derive(Debug, Deserialize)]
pub struct ModelName(pub String);

impl JsonSchema for ModelName {
    fn schema_name() -> Cow<'static, str> {
        "ModelName".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let names: Vec<&str> = catalog::MODELS.iter().map(|m| m.api_name).collect();
        json_schema!({
            "type": "string",
            "anyOf": [{ "enum": names }, { "pattern": API_NAME_PATTERN }],
            "description": "A model's API value: one skyform knows, or another the API \
                            offers (plan checks it against `GET /api/tasking/models`)."
        })
    }
}

/// A constellation's API value; the schema lists the catalogue's constellations.
#[derive(Debug, Deserialize)]
pub struct ConstellationName(pub String);

impl JsonSchema for ConstellationName {
    fn schema_name() -> Cow<'static, str> {
        "ConstellationName".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let names: Vec<&str> = catalog::CONSTELLATIONS.iter().map(|c| c.api_name).collect();
        json_schema!({
            "type": "string",
            "anyOf": [{ "enum": names }, { "pattern": API_NAME_PATTERN }],
            "description": "A constellation's API value: one skyform knows, or another the \
                            API offers (plan checks it against `GET /api/tasking/models`)."
        })
    }
}

/// A tile or minitile GUID.
#[derive(Debug, Deserialize)]
pub struct Guid(pub String);

impl JsonSchema for Guid {
    fn schema_name() -> Cow<'static, str> {
        "Guid".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": "^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$"
        })
    }
}

/// Inline GeoJSON: a geometry, feature or feature collection, as a mapping or a JSON string.
#[derive(Debug, Deserialize)]
pub struct GeoJsonValue(pub serde_json::Value);

impl JsonSchema for GeoJsonValue {
    fn schema_name() -> Cow<'static, str> {
        "GeoJsonValue".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A GeoJSON geometry, feature or feature collection (mapping or JSON string).",
            "anyOf": [
                { "type": "object", "required": ["type"], "properties": { "type": { "type": "string" } } },
                { "type": "string" }
            ]
        })
    }
}

/// Top-level keys of a manifest.
pub(crate) const TOP_KEYS: &[&str] = &["defaults", "budget", "orders"];
/// Keys of a `budget` block.
pub(crate) const BUDGET_KEYS: &[&str] = &["max_current_month", "max_monthly"];
/// Order fields that `defaults` may set (besides `protect`).
pub(crate) const ORDER_FIELDS: &[&str] = &[
    "Model",
    "SatelliteConstellations",
    "StorageMonths",
    "ApiRequests",
    "ImageFrequency",
    "ReferenceDate",
    "From",
    "To",
    "TileDeduplication",
];
/// Keys that choose the area of interest (one mode per order).
pub(crate) const AOI_KEYS: &[&str] =
    &["Wkt", "GeoJson", "WktFile", "GeoJsonFile", "TileGuids", "MiniTileGuids"];
/// Tool keys of an entry.
pub(crate) const TOOL_KEYS: &[&str] = &["name", "ensure", "protect"];

/// Returns the JSON Schema of a manifest file, generated from [`Manifest`].
pub fn schema() -> serde_json::Value {
    let mut schema = serde_json::to_value(schemars::schema_for!(Manifest)).unwrap_or_default();
    if let Some(obj) = schema.as_object_mut() {
        obj.insert(
            "$id".into(),
            "https://github.com/skyform/skyform/schemas/manifest.schema.json".into(),
        );
    }
    schema
}

#[cfg(test)]
mod tests {
    use super::*;

    fn properties(schema: &serde_json::Value, def: &str) -> Vec<String> {
        let obj = if def.is_empty() { schema } else { &schema["$defs"][def] };
        let mut keys: Vec<String> =
            obj["properties"].as_object().unwrap().keys().cloned().collect();
        keys.sort();
        keys
    }

    fn sorted(lists: &[&[&str]]) -> Vec<String> {
        let mut keys: Vec<String> = lists.concat().into_iter().map(String::from).collect();
        keys.sort();
        keys
    }

    #[test]
    fn loader_keys_equal_schema_properties() {
        let s = schema();
        assert_eq!(properties(&s, ""), sorted(&[TOP_KEYS]));
        assert_eq!(properties(&s, "BudgetBlock"), sorted(&[BUDGET_KEYS]));
        assert_eq!(properties(&s, "Defaults"), sorted(&[ORDER_FIELDS, &["protect"]]));
        assert_eq!(properties(&s, "Entry"), sorted(&[TOOL_KEYS, ORDER_FIELDS, AOI_KEYS]));
    }

    #[test]
    fn schema_lists_the_catalogue() {
        let s = schema();
        assert_eq!(
            s["$defs"]["ModelName"]["anyOf"][0]["enum"].as_array().unwrap().len(),
            catalog::MODELS.len()
        );
        assert_eq!(s["$defs"]["Entry"]["required"], serde_json::json!(["name"]));
    }
}
