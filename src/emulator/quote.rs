//! What an order costs and when it is billed: the numbers behind both the
//! estimate response and the credits a create deducts.
//!
//! Pure, no IO. Billing periods: a fixed-window order is a one-time purchase,
//! billed in full at creation. A recurring order is billed at creation from
//! `From` to the end of the current month (or of `From`'s month when it starts
//! later), then once per month on the 1st (see `store`). Also decides how an
//! order's AOI is shown on an order and an estimate ([`Quote::shown_aoi`]).

use chrono::NaiveDate;
use uuid::Uuid;

use super::dates::{first_of_next_month, image_dates, month_end};
use super::pricing::{Billing, Price};
use super::validation::{Aoi, ValidOrder};
use crate::api::types::{CostBreakdown, CostTotal, Estimate, TileRef};

/// The price of an order placed today.
#[derive(Debug, Clone)]
pub(crate) struct Quote {
    /// Per-image billing.
    pub(crate) billing: Billing,
    /// Last day billed at creation.
    pub(crate) first_period_end: NaiveDate,
    /// Image dates billed at creation.
    pub(crate) image_dates: Vec<NaiveDate>,
    /// Billed at creation.
    pub(crate) current: Price,
    /// Billed on the next 1st (recurring orders only; zero otherwise).
    pub(crate) next: Price,
}

/// An order's AOI as the API shows it on an order and on an estimate.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ShownAoi {
    /// `TaskOrderAreaKm2` / `AreaKm2`: the billed km² of one image.
    pub(crate) area_km2: f64,
    /// `AreaKm2BeforeMinimum1Km2PerAoi`; the billed area for a tile order.
    pub(crate) area_km2_before_minimum: f64,
    /// The normalised AOIs of a polygon order.
    pub(crate) wkt: Option<String>,
    /// Tiles of a tile order.
    pub(crate) tiles: Vec<TileRef>,
    /// Minitiles of a tile order.
    pub(crate) mini_tiles: Vec<TileRef>,
}

impl Quote {
    /// What a create deducts.
    pub(crate) fn current_total(&self) -> f64 {
        cents(self.current.order_cost + self.current.storage_cost)
    }

    /// Shows `aoi`, the AOI this quote priced.
    pub(crate) fn shown_aoi(&self, aoi: &Aoi) -> ShownAoi {
        match aoi {
            Aoi::Polygons(a) => ShownAoi {
                area_km2: a.area_km2,
                area_km2_before_minimum: a.area_km2_before_minimum,
                wkt: Some(a.wkt.clone()),
                tiles: Vec::new(),
                mini_tiles: Vec::new(),
            },
            Aoi::Tiles { tiles, minitiles } => {
                let km2 = cents(self.billing.km2_per_image);
                ShownAoi {
                    area_km2: km2,
                    area_km2_before_minimum: km2,
                    wkt: None,
                    tiles: tile_refs(tiles),
                    mini_tiles: tile_refs(minitiles),
                }
            }
        }
    }
}

fn tile_refs(guids: &[Uuid]) -> Vec<TileRef> {
    guids.iter().map(|g| TileRef { guid: g.to_string(), wkt: None }).collect()
}

/// Returns how one image of an order for `aoi` is billed.
fn billing(aoi: &Aoi) -> Billing {
    match aoi {
        Aoi::Polygons(a) => Billing::polygons(a.area_km2),
        Aoi::Tiles { tiles, minitiles } => Billing::tiles(tiles.len(), minitiles.len()),
    }
}

/// Prices `order` placed on `today` by an account that spent `spend` EUR this month.
pub(crate) fn quote(order: &ValidOrder, today: NaiveDate, spend: f64) -> Quote {
    let billing = billing(&order.aoi);
    let first_period_end = order.to.unwrap_or_else(|| month_end(today.max(order.from)));
    let image_dates =
        image_dates(order.reference_date, order.image_frequency, order.from, first_period_end);
    let price = |images, spend| {
        billing.price(order.model, &order.constellations, images, spend, order.storage_months)
    };
    let current = price(image_dates.len(), spend);
    let next = if order.to.is_none() {
        let start = first_of_next_month(first_period_end);
        price(month_images(order, start).len(), 0.0)
    } else {
        Price { order_cost: 0.0, storage_cost: 0.0 }
    };
    Quote { billing, first_period_end, image_dates, current, next }
}

/// Image dates of `order` in the month starting `month_start`.
pub(crate) fn month_images(order: &ValidOrder, month_start: NaiveDate) -> Vec<NaiveDate> {
    image_dates(order.reference_date, order.image_frequency, month_start, month_end(month_start))
}

/// The estimate response for `order` and its quote (Gen-2 and Gen-3 keys both).
pub(crate) fn estimate(order: &ValidOrder, q: &Quote, today: NaiveDate) -> Estimate {
    let eur = || Some("EUR".to_owned());
    let current_total = q.current_total();
    let next_total = cents(q.next.order_cost + q.next.storage_cost);
    let shown = q.shown_aoi(&order.aoi);
    #[allow(clippy::cast_precision_loss)]
    let units = |images: usize| cents(q.billing.km2_per_image * images as f64);
    let next_images = if order.to.is_none() {
        month_images(order, first_of_next_month(q.first_period_end)).len()
    } else {
        0
    };
    Estimate {
        storage_months: Some(order.storage_months),
        api_requests: Some(order.api_requests),
        satellite_constellations: order.constellations.clone(),
        model: Some(order.model.api_name.to_owned()),
        cancellation_date: Some(month_end(today)),
        area_km2: Some(shown.area_km2),
        area_km2_before_minimum1_km2_per_aoi: Some(shown.area_km2_before_minimum),
        current_month_cost: Some(current_total),
        next_month_cost: Some(next_total),
        costs: Some(CostBreakdown {
            currency_code: eur(),
            current_month_order_cost_estimate: Some(q.current.order_cost),
            current_month_storage_costs: Some(q.current.storage_cost),
            next_month_order_cost_estimate: Some(q.next.order_cost),
            next_month_storage_costs: Some(q.next.storage_cost),
        }),
        usage_units: Some(serde_json::json!({
            "CurrentMonthOrderUsageUnitsEstimate": units(q.image_dates.len()),
            "NextMonthOrderUsageUnitsEstimate": units(next_images),
        })),
        current_month_costs: Some(CostTotal {
            currency_code: eur(),
            total_cost: Some(current_total),
        }),
        recurring_costs_estimate: Some(CostTotal {
            currency_code: eur(),
            total_cost: Some(next_total),
        }),
        tiles: shown.tiles,
        mini_tiles: shown.mini_tiles,
        areas_of_interest_wkt: shown.wkt,
        image_dates: q.image_dates.iter().map(ToString::to_string).collect(),
    }
}

/// Rounds EUR to cents.
pub(crate) fn cents(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}
