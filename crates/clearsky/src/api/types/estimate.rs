//! The estimate: its three generations of cost fields read into one type.
//!
//! Pure data, no IO.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::orders::TileRef;
use super::serde_helpers::{lenient_date_opt, null_as_empty};

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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
}
