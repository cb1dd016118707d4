//! Wire types of the ClearSKY tasking API, shared by the client and the emulator.
//!
//! Pure data, no IO. Keys are PascalCase as the API writes them. Output is always
//! PascalCase with `To: null` present. Decoding is tolerant where the API has
//! changed between generations: unknown fields are ignored, the estimate's three
//! generations of cost fields are read through aliases, the order status is an
//! open enum, and `Tiles` may be plain GUID strings or `{Guid, Wkt}` objects.
//! Case-insensitive *input* (the real service is ASP.NET) is the emulator's job:
//! it rewrites keys to these spellings before decoding (see [`canonical_keys`]).

use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The `ServiceResult` envelope around every JSON response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Envelope<T> {
    /// The payload; on a validation error, a map of field name → messages.
    #[serde(default = "none")]
    pub data: Option<T>,
    /// False on any error, also on a 2xx.
    #[serde(default)]
    pub succeeded: bool,
    /// Present when `succeeded` is false.
    #[serde(default)]
    pub error: Option<ErrorBody>,
}

fn none<T>() -> Option<T> {
    None
}

impl<T> Envelope<T> {
    /// Wraps a successful payload.
    pub fn ok(data: T) -> Self {
        Self { data: Some(data), succeeded: true, error: None }
    }
}

/// The `Error` member of the envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ErrorBody {
    /// Human-readable message.
    #[serde(default)]
    pub message: String,
    /// Numeric code: 992/993 validation, 1003 concurrency, 995 insufficient order credits (emulator).
    #[serde(default)]
    pub code: i64,
}

/// Field name → messages, the `Data` of a 400 envelope.
pub type FieldErrors = BTreeMap<String, Vec<String>>;

/// Error codes the API and the emulator use.
pub mod codes {
    /// Body or parameters malformed or invalid.
    pub const VALIDATION: i64 = 992;
    /// Parameters invalid (second documented validation code).
    pub const VALIDATION_PARAMS: i64 = 993;
    /// Not enough order credits (EUR) to place the order (emulator's own code; none is documented).
    pub const INSUFFICIENT_ORDER_CREDITS: i64 = 995;
    /// Max concurrent requests reached.
    pub const CONCURRENCY: i64 = 1003;
    /// Unknown order or other resource (emulator's code for 404 bodies).
    pub const NOT_FOUND: i64 = 404;
}

/// ASP.NET problem-details body, sent when model binding fails (e.g. unparsable JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProblemDetails {
    /// e.g. `https://tools.ietf.org/html/rfc9110#section-15.5.1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r#type: Option<String>,
    /// e.g. `One or more validation errors occurred.`
    #[serde(default)]
    pub title: String,
    /// HTTP status.
    #[serde(default)]
    pub status: u16,
    /// Field → messages.
    #[serde(default)]
    pub errors: FieldErrors,
    /// Request trace id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace_id: Option<String>,
}

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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct TaskOrders {
    /// The orders.
    #[serde(default, deserialize_with = "null_as_empty")]
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

/// A currency and a total, the Gen-3 estimate cost blocks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct CostTotal {
    /// e.g. `EUR`.
    #[serde(default)]
    pub currency_code: Option<String>,
    /// Total, also read from `TotalCostEuro`.
    #[serde(default, alias = "TotalCostEuro")]
    pub total_cost: Option<f64>,
}

/// The Gen-2 `Costs` block (Gen-1 names read through aliases).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct CostBreakdown {
    /// e.g. `EUR`.
    #[serde(default)]
    pub currency_code: Option<String>,
    /// Order cost of the current month.
    #[serde(default, alias = "HistoricOrderCostEstimate")]
    pub current_month_order_cost_estimate: Option<f64>,
    /// Storage cost of the current month.
    #[serde(default, alias = "HistoricStorageCosts")]
    pub current_month_storage_costs: Option<f64>,
    /// Order cost of the next month (recurring).
    #[serde(default, alias = "RecurringOrderCostEstimate")]
    pub next_month_order_cost_estimate: Option<f64>,
    /// Storage cost of the next month.
    #[serde(default, alias = "RecurringStorageCosts")]
    pub next_month_storage_costs: Option<f64>,
}

/// `Data` of `POST /api/tasking/orders/estimate`, all three generations in one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Estimate {
    /// Echo.
    #[serde(default)]
    pub storage_months: Option<i64>,
    /// Echo.
    #[serde(default)]
    pub api_requests: Option<i64>,
    /// Echo.
    #[serde(default)]
    pub satellite_constellations: Vec<String>,
    /// Echo.
    #[serde(default)]
    pub model: Option<String>,
    /// Last moment a recurring order can be cancelled for next month.
    #[serde(default, with = "lenient_date_opt")]
    pub cancellation_date: Option<NaiveDate>,
    /// Billed area in km².
    #[serde(default)]
    pub area_km2: Option<f64>,
    /// Area before each AOI is raised to the minimum.
    #[serde(default)]
    pub area_km2_before_minimum1_km2_per_aoi: Option<f64>,
    /// Gen-2: order + storage cost this month (Gen-1 `TotalHistoricCost`).
    #[serde(default, alias = "TotalHistoricCost")]
    pub current_month_cost: Option<f64>,
    /// Gen-2: order + storage cost next month (Gen-1 `NextMonthRecurringCost`).
    #[serde(default, alias = "NextMonthRecurringCost")]
    pub next_month_cost: Option<f64>,
    /// Gen-2 breakdown.
    #[serde(default)]
    pub costs: Option<CostBreakdown>,
    /// Gen-2 legacy usage units (kept opaque).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage_units: Option<serde_json::Value>,
    /// Gen-3 current month total.
    #[serde(default)]
    pub current_month_costs: Option<CostTotal>,
    /// Gen-3 recurring total per month.
    #[serde(default)]
    pub recurring_costs_estimate: Option<CostTotal>,
    /// Tiles priced.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub tiles: Vec<TileRef>,
    /// Minitiles priced.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub mini_tiles: Vec<TileRef>,
    /// The normalised AOIs (bounding boxes under the legacy rule).
    #[serde(default)]
    pub areas_of_interest_wkt: Option<String>,
    /// Image dates in the priced window (Gen-1 `HistoricImageDates`).
    #[serde(default, alias = "HistoricImageDates", deserialize_with = "null_as_empty")]
    pub image_dates: Vec<String>,
}

impl Estimate {
    /// The currency of the estimate (`EUR` unless the response says otherwise).
    pub fn currency(&self) -> String {
        self.costs
            .as_ref()
            .and_then(|c| c.currency_code.clone())
            .or_else(|| self.current_month_costs.as_ref().and_then(|c| c.currency_code.clone()))
            .unwrap_or_else(|| "EUR".to_owned())
    }

    /// Cost in the current month, from whichever generation's field is present.
    pub fn current_month_total(&self) -> Option<f64> {
        self.current_month_cost
            .or_else(|| self.current_month_costs.as_ref().and_then(|c| c.total_cost))
            .or_else(|| {
                let c = self.costs.as_ref()?;
                Some(
                    c.current_month_order_cost_estimate?
                        + c.current_month_storage_costs.unwrap_or(0.0),
                )
            })
    }

    /// Cost of each following month, from whichever generation's field is present.
    pub fn monthly_total(&self) -> Option<f64> {
        self.next_month_cost
            .or_else(|| self.recurring_costs_estimate.as_ref().and_then(|c| c.total_cost))
            .or_else(|| {
                let c = self.costs.as_ref()?;
                Some(c.next_month_order_cost_estimate? + c.next_month_storage_costs.unwrap_or(0.0))
            })
    }
}

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

/// `Data` of `GET /api/account/info`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct AccountInfo {
    /// Tenant id.
    #[serde(default)]
    pub tenant_id: Option<String>,
    /// Concurrency limit.
    #[serde(default)]
    pub max_concurrent_connections: Option<i64>,
    /// Download area limit.
    #[serde(default)]
    pub max_composite_area_km2: Option<f64>,
    /// Download band limit.
    #[serde(default)]
    pub max_total_bands: Option<i64>,
    /// How far below zero the order-credit balance may go.
    #[serde(default)]
    pub euro_overdraft_limit: Option<f64>,
    /// Most order credits the account may hold.
    #[serde(default)]
    pub euro_balance_cap: Option<f64>,
    /// Current order-credit balance (legacy `EuroCreditAmount`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub euro_credit_amount: Option<f64>,
}

fn null_as_empty<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

fn string_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(match Option::<serde_json::Value>::deserialize(d)? {
        Some(serde_json::Value::String(s)) => s,
        Some(serde_json::Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    })
}

/// Parses `YYYY-MM-DD`, also when followed by a time (`2025-04-01T00:00:00Z`).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let day = s.get(..10).unwrap_or(s);
    NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()
}

/// Serde for a date written as `YYYY-MM-DD` and read leniently.
pub mod lenient_date {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    /// Writes `YYYY-MM-DD`.
    pub fn serialize<S: Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(d)
    }

    /// Reads `YYYY-MM-DD` or an ISO date-time.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        let s = String::deserialize(d)?;
        super::parse_date(&s).ok_or_else(|| D::Error::custom(format!("invalid date `{s}`")))
    }
}

/// Like [`lenient_date`] for an optional date; `None` is written as `null`.
pub mod lenient_date_opt {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    /// Writes `YYYY-MM-DD` or `null`.
    #[allow(clippy::ref_option)]
    pub fn serialize<S: Serializer>(d: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.collect_str(d),
            None => s.serialize_none(),
        }
    }

    /// Reads `YYYY-MM-DD`, an ISO date-time, `null` or an empty string.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(s) if s.trim().is_empty() => Ok(None),
            Some(s) => super::parse_date(&s)
                .map(Some)
                .ok_or_else(|| D::Error::custom(format!("invalid date `{s}`"))),
        }
    }
}

/// Rewrites the keys of a JSON value, recursively, to the spelling in `known`
/// when they match case-insensitively, so that an ASP.NET-style
/// case-insensitive binder can be emulated with serde's exact names.
pub fn canonical_keys(value: &mut serde_json::Value, known: &[&str]) {
    match value {
        serde_json::Value::Object(map) => {
            let entries = std::mem::take(map);
            for (key, mut v) in entries {
                canonical_keys(&mut v, known);
                let key = known
                    .iter()
                    .find(|k| k.eq_ignore_ascii_case(&key))
                    .map_or(key, |k| (*k).to_owned());
                map.insert(key, v);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| canonical_keys(v, known)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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

    #[test]
    fn estimate_reads_each_generation() {
        let gen1: Estimate =
            serde_json::from_value(json!({"TotalHistoricCost": 5.0, "NextMonthRecurringCost": 2.0,
            "Costs": {"CurrencyCode": "EUR", "HistoricOrderCostEstimate": 4.0}}))
            .unwrap();
        assert_eq!((gen1.current_month_total(), gen1.monthly_total()), (Some(5.0), Some(2.0)));
        let gen3: Estimate = serde_json::from_value(
            json!({"CurrentMonthCosts": {"CurrencyCode": "EUR", "TotalCostEuro": 7.5},
            "RecurringCostsEstimate": {"TotalCost": 3.0}}),
        )
        .unwrap();
        assert_eq!((gen3.current_month_total(), gen3.monthly_total()), (Some(7.5), Some(3.0)));
        assert_eq!(gen3.currency(), "EUR");
    }

    #[test]
    fn canonical_keys_rewrites_any_casing() {
        let mut v = json!({"wkt": "x", "model": "stratus2", "TILEGUIDS": ["a"], "other": 1});
        canonical_keys(&mut v, &["Wkt", "Model", "TileGuids"]);
        assert_eq!(v, json!({"Wkt": "x", "Model": "stratus2", "TileGuids": ["a"], "other": 1}));
    }
}
