//! Orders: the create and estimate body, the listed order, its open status
//! enum and its tile references.
//!
//! Pure data, no IO.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::serde_helpers::{lenient_date, lenient_date_opt, null_as_empty};

/// Body of `POST /api/tasking/orders/estimate` and `POST /api/tasking/orders`.
///
/// Integers are `i64` and dates strings so that the emulator can decode any
/// body a client may send and answer with the API's own per-field 400 instead
/// of a decoding error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct OrderRequest {
    /// WKT AOI (EPSG:4326).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wkt: Option<String>,
    /// GeoJSON geometry AOI; never together with `wkt`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geo_json: Option<serde_json::Value>,
    /// Tile GUIDs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tile_guids: Option<Vec<String>>,
    /// Minitile GUIDs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mini_tile_guids: Option<Vec<String>>,
    /// Constellation enum values.
    #[serde(default)]
    pub satellite_constellations: Vec<String>,
    /// Model enum value.
    #[serde(default)]
    pub model: String,
    /// Storage months (≥ 1).
    #[serde(default)]
    pub storage_months: i64,
    /// Download allowance (≥ 1).
    #[serde(default)]
    pub api_requests: i64,
    /// Days between images (1..=7).
    #[serde(default)]
    pub image_frequency: Option<i64>,
    /// Cadence anchor `YYYY-MM-DD`.
    #[serde(default)]
    pub reference_date: Option<String>,
    /// First month `YYYY-MM-01`.
    #[serde(default)]
    pub from: String,
    /// Last day, or null for recurring. Always serialized.
    #[serde(default)]
    pub to: Option<String>,
    /// Create only: drop tiles already ordered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tile_deduplication: Option<bool>,
    /// Estimate only: price as if month-to-date spend were this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub simulated_euro_usage: Option<f64>,
}

/// `OrderingProcessStatus`: an open enum over all three known vocabularies.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum OrderStatus {
    /// Submitted and paid, awaiting ClearSKY's accept or deny.
    Review,
    /// Accepted, being set up.
    Preparing,
    /// Waiting for satellite data.
    AwaitingSatelliteProducts,
    /// Producing images.
    Processing,
    /// Predicting images.
    Predicting,
    /// Processing and predicting.
    ProcessingPredicting,
    /// Fixed window fully produced.
    Completed,
    /// Recurring order caught up.
    UpToDate,
    /// Terminal: denied or cancelled.
    Canceled,
    /// Legacy: scheduling image prediction.
    Initialize,
    /// Legacy: being scheduled for live data.
    Working,
    /// Legacy: finished.
    Done,
    /// Legacy: needs support.
    Failure,
    /// Any value skyform does not know, kept as sent.
    Unknown(String),
}

impl OrderStatus {
    const KNOWN: [(&'static str, OrderStatus); 13] = [
        ("Review", OrderStatus::Review),
        ("Preparing", OrderStatus::Preparing),
        ("AwaitingSatelliteProducts", OrderStatus::AwaitingSatelliteProducts),
        ("Processing", OrderStatus::Processing),
        ("Predicting", OrderStatus::Predicting),
        ("ProcessingPredicting", OrderStatus::ProcessingPredicting),
        ("Completed", OrderStatus::Completed),
        ("UpToDate", OrderStatus::UpToDate),
        ("Canceled", OrderStatus::Canceled),
        ("Initialize", OrderStatus::Initialize),
        ("Working", OrderStatus::Working),
        ("Done", OrderStatus::Done),
        ("Failure", OrderStatus::Failure),
    ];

    /// Parses a status case-insensitively; anything unknown is kept verbatim.
    pub fn parse(s: &str) -> Self {
        if s.eq_ignore_ascii_case("Cancelled") {
            return Self::Canceled;
        }
        Self::KNOWN
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(s))
            .map_or_else(|| Self::Unknown(s.to_owned()), |(_, st)| st.clone())
    }

    /// The API spelling.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Unknown(s) => s,
            known => {
                Self::KNOWN.iter().find(|(_, st)| st == known).map_or("Unknown", |(name, _)| name)
            }
        }
    }

    /// True while ClearSKY has not yet accepted the order (full cancel possible).
    pub fn is_review(&self) -> bool {
        matches!(self, Self::Review)
    }

    /// True for the terminal cancelled/denied state.
    pub fn is_canceled(&self) -> bool {
        matches!(self, Self::Canceled)
    }
}

impl fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for OrderStatus {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for OrderStatus {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(Self::parse(&s))
    }
}

/// A tile or minitile reference in an order: read from a GUID string or a
/// `{Guid, Wkt}` object, always written as the GUID string.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TileRef {
    /// The GUID as sent.
    pub guid: String,
    /// The footprint, when the server sent one.
    pub wkt: Option<String>,
}

impl Serialize for TileRef {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.guid)
    }
}

impl<'de> Deserialize<'de> for TileRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Shape {
            Guid(String),
            Object {
                #[serde(alias = "guid", alias = "GUID", alias = "TileGuid", alias = "tileGuid")]
                #[serde(rename = "Guid")]
                guid: String,
                #[serde(default, rename = "Wkt", alias = "wkt")]
                wkt: Option<String>,
            },
        }
        Ok(match Shape::deserialize(d)? {
            Shape::Guid(guid) => Self { guid, wkt: None },
            Shape::Object { guid, wkt } => Self { guid, wkt },
        })
    }
}

/// One order as listed by `GET /api/tasking/orders` (`TaskOrderDto`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TaskOrder {
    /// The order's only identifier.
    pub task_order_guid: String,
    /// `Monthly` or `Yearly`.
    #[serde(default)]
    pub billing_cycle: Option<String>,
    /// Lifecycle status.
    pub ordering_process_status: OrderStatus,
    /// As ordered.
    #[serde(default)]
    pub storage_months: i64,
    /// As ordered.
    #[serde(default)]
    pub api_requests: i64,
    /// Billed area in km².
    #[serde(default)]
    pub task_order_area_km2: f64,
    /// As ordered.
    #[serde(default)]
    pub satellite_constellations: Vec<String>,
    /// As ordered.
    #[serde(default)]
    pub model: String,
    /// As ordered.
    #[serde(default)]
    pub image_frequency: i64,
    /// As ordered.
    #[serde(default, with = "lenient_date_opt")]
    pub reference_date: Option<NaiveDate>,
    /// First month.
    #[serde(with = "lenient_date")]
    pub from: NaiveDate,
    /// Last day, or null while recurring. Always serialized.
    #[serde(default, with = "lenient_date_opt")]
    pub to: Option<NaiveDate>,
    /// Tile GUIDs (empty for polygon orders).
    #[serde(default, deserialize_with = "null_as_empty")]
    pub tiles: Vec<TileRef>,
    /// Minitile GUIDs.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub mini_tiles: Vec<TileRef>,
    /// Normalised AOI of polygon orders.
    #[serde(default)]
    pub wkt: Option<String>,
    /// When the order was placed (not documented everywhere).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_date: Option<String>,
}

/// `Data` of the list and details endpoints.
///
/// `TaskOrders` must be present and an array: an answer without it (`null`,
/// an empty `Data`, a renamed key) is a decoding error, never an account
/// without orders, which would have every entry bought again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct TaskOrders {
    /// The orders.
    pub task_orders: Vec<TaskOrder>,
}

/// Body of `POST /api/tasking/orders/details`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct DetailsRequest {
    /// Order GUIDs.
    #[serde(default)]
    pub guids: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::types::{Envelope, TaskOrders};
    use serde_json::json;

    #[test]
    fn decodes_the_docs_list_example_and_writes_null_to() {
        let body = json!({"Data": {"TaskOrders": [{
            "TaskOrderGuid": "c3528462-02fc-4301-bb37-8d226b45f149",
            "BillingCycle": "Monthly", "OrderingProcessStatus": "Initialize",
            "StorageMonths": 3, "ApiRequests": 5, "TaskOrderAreaKm2": 525.3,
            "SatelliteConstellations": ["Sentinel1","Sentinel2","Landsat89"],
            "Model": "Stratus2", "ImageFrequency": 2, "ReferenceDate": "2023-06-01",
            "From": "2023-06-01", "To": null, "Tiles": [], "MiniTiles": [],
            "Wkt": "GEOMETRYCOLLECTION (POLYGON ((8 55, 8 56, 9 56, 9 55, 8 55)))",
            "SomethingNew": 1 }]}, "Succeeded": true, "Error": null});
        let env: Envelope<TaskOrders> = serde_json::from_value(body).unwrap();
        let order = &env.data.unwrap().task_orders[0];
        assert_eq!(order.ordering_process_status, OrderStatus::Initialize);
        assert_eq!(order.to, None);
        let out = serde_json::to_value(order).unwrap();
        assert!(out.as_object().unwrap().contains_key("To") && out["To"].is_null());
        assert_eq!(out["From"], "2023-06-01");
    }

    #[test]
    fn status_is_open_and_case_insensitive() {
        assert_eq!(OrderStatus::parse("uptodate"), OrderStatus::UpToDate);
        assert_eq!(OrderStatus::parse("Frozen"), OrderStatus::Unknown("Frozen".into()));
        assert_eq!(OrderStatus::parse("Frozen").to_string(), "Frozen");
    }

    #[test]
    fn tiles_as_strings_or_objects() {
        let a: Vec<TileRef> =
            serde_json::from_value(json!(["g1", {"Guid": "g2", "Wkt": "POLYGON EMPTY"}])).unwrap();
        assert_eq!(a[0].guid, "g1");
        assert_eq!(a[1].guid, "g2");
        assert_eq!(serde_json::to_value(&a).unwrap(), json!(["g1", "g2"]));
    }
}
