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

use super::pricing::{Billing, Price};
use super::validation::{Aoi, ValidOrder};
use clearsky::api::types::{CostBreakdown, CostTotal, Estimate, TileRef};
use clearsky::calendar::{first_of_next_month, image_dates, month_end};
use clearsky::money::cents;

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
    /// Scales every price by `factor`: the estimate of a server whose
    /// estimates are wrong (`Modes::estimate_percent`); a create still
    /// charges the true price.
    pub(crate) fn scale(&mut self, factor: f64) {
        for p in [&mut self.current, &mut self.next] {
            p.order_cost = cents(p.order_cost * factor);
            p.storage_cost = cents(p.storage_cost * factor);
        }
    }

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
        billing.price(&order.model, &order.constellations, images, spend, order.storage_months)
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
        model: Some(order.model.name.clone()),
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

#[cfg(test)]
mod tests {
    use super::*;
    use clearsky::grid::Cell;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn a_fixed_window_is_billed_in_full_at_creation() {
        // Stratus-2 at €0.20/km²: 5 weekly images of 100 km² in January.
        let order = ValidOrder::stratus2(Aoi::km2(100.0), "2025-01-01", Some("2025-01-31"));
        let q = quote(&order, day("2025-01-10"), 0.0);
        assert_eq!(q.first_period_end, day("2025-01-31"));
        assert_eq!(q.image_dates.len(), 5);
        assert!(close(q.current.order_cost, 100.0), "{q:?}");
        assert!(close(q.current_total(), 100.0));
        assert_eq!(q.next, Price { order_cost: 0.0, storage_cost: 0.0 });
    }

    #[test]
    fn a_recurring_order_is_billed_to_month_end_then_monthly() {
        // April: 1, 8, 15, 22, 29 (5 images); May: 6, 13, 20, 27 (4 images).
        let order = ValidOrder::stratus2(Aoi::km2(100.0), "2025-04-01", None);
        let q = quote(&order, day("2025-04-10"), 0.0);
        assert_eq!(q.first_period_end, day("2025-04-30"));
        assert!(close(q.current_total(), 100.0), "{q:?}");
        assert!(close(q.next.order_cost, 80.0), "{q:?}");
        // Starting in a later month, the first period is that month.
        let later = ValidOrder::stratus2(Aoi::km2(100.0), "2025-06-01", None);
        let q = quote(&later, day("2025-04-10"), 0.0);
        assert_eq!(q.first_period_end, day("2025-06-30"));
        assert_eq!(q.image_dates.first(), Some(&day("2025-06-01")));
    }

    #[test]
    fn month_to_date_spend_moves_the_creation_price_into_the_next_tier() {
        // From 990 € spent: 10 € buy 50 km² at €0.20, the other 450 km² cost €0.07.
        let order = ValidOrder::stratus2(Aoi::km2(100.0), "2025-01-01", Some("2025-01-31"));
        let q = quote(&order, day("2025-01-10"), 990.0);
        assert!(close(q.current_total(), 10.0 + 450.0 * 0.07), "{q:?}");
        // The next month of a recurring order is priced at zero spend.
        let recurring = ValidOrder::stratus2(Aoi::km2(100.0), "2025-04-01", None);
        assert!(close(quote(&recurring, day("2025-04-10"), 5_000.0).next.order_cost, 80.0));
    }

    #[test]
    fn extra_storage_months_are_added_to_the_total() {
        let order = ValidOrder {
            storage_months: 3,
            ..ValidOrder::stratus2(Aoi::km2(1_000.0), "2025-01-01", Some("2025-01-31"))
        };
        let q = quote(&order, day("2025-01-10"), 0.0);
        // 5 images × 1000 km² × 2 extra months × €0.00001.
        assert!(close(q.current.storage_cost, 0.1), "{q:?}");
        assert!(close(q.current_total(), 1_000.0 + 0.1));
    }

    #[test]
    fn a_tile_order_is_billed_at_the_tile_multiplier_and_shown_as_references() {
        let tile = Cell::tile_at(10.0, 56.4).guid();
        let aoi = Aoi::Tiles { tiles: vec![tile], minitiles: Vec::new() };
        let order = ValidOrder::stratus2(aoi, "2025-01-01", Some("2025-01-31"));
        let q = quote(&order, day("2025-01-10"), 0.0);
        assert_eq!(q.billing, Billing { km2_per_image: 2621.44, mode_multiplier: 0.2 });
        // 5 images × 2621.44 km² × €0.20 × 0.2.
        assert!(close(q.current_total(), 524.29), "{q:?}");
        let shown = q.shown_aoi(&order.aoi);
        assert!(close(shown.area_km2, 2621.44) && close(shown.area_km2_before_minimum, 2621.44));
        assert_eq!(shown.wkt, None);
        assert_eq!(shown.tiles, [TileRef { guid: tile.to_string(), wkt: None }]);
        assert!(shown.mini_tiles.is_empty());
    }

    #[test]
    fn the_estimate_carries_both_generations_of_totals() {
        let order = ValidOrder::stratus2(Aoi::km2(100.0), "2025-04-01", None);
        let today = day("2025-04-10");
        let e = estimate(&order, &quote(&order, today, 0.0), today);
        assert_eq!(e.cancellation_date, Some(day("2025-04-30")));
        assert_eq!(e.current_month_cost, Some(100.0));
        assert_eq!(e.next_month_cost, Some(80.0));
        assert_eq!(e.current_month_costs.and_then(|c| c.total_cost), Some(100.0));
        assert_eq!(e.recurring_costs_estimate.and_then(|c| c.total_cost), Some(80.0));
        assert_eq!(e.area_km2, Some(100.0));
        assert_eq!(e.areas_of_interest_wkt.as_deref(), Some("GEOMETRYCOLLECTION EMPTY"));
        let units = e.usage_units.unwrap();
        assert_eq!(units["CurrentMonthOrderUsageUnitsEstimate"], 500.0);
        assert_eq!(units["NextMonthOrderUsageUnitsEstimate"], 400.0);
        assert_eq!(e.image_dates[..2], ["2025-04-01", "2025-04-08"]);
    }
}
