//! The tariff: what one order costs, by the published rates. The emulator bills
//! with it and skyform forecasts with it; the estimate endpoint stays the
//! authority on every price a plan shows.
//!
//! Pure, no IO. Sources (shared docs `clearsky-api.md` A9, A11, part B item 3):
//!
//! - rate per km² per image = model base + the add-on rate of each *optional*
//!   constellation selected; required inputs are included in the base (D28,
//!   D29, D37: "model package base rate + selected optional input add-on
//!   rates"; [`crate::catalog::list_rate`], which each side's model table calls);
//! - × the order-mode multiplier: polygon 1.0, tile 0.2, minitile 0.5 (D8, D27,
//!   D37, D38); a tile of 2621.44 km² and a minitile of 10.24 km² (D8, D9); a mix
//!   of tiles and minitiles in one order (D8, D29) is billed at each one's
//!   multiplier, which is the area-weighted multiplier over the whole area;
//! - × the billed area of one image × the number of images: area is charged
//!   per image (D31);
//! - the month's spend tiers then discount that list price progressively by
//!   model family ([`crate::tiers`], Pricing & Billing → Monthly Spend Tiers);
//! - storage: each image is kept through the end of the following month at no
//!   charge; each further month costs €0.00001 per km² (D34, D35, R8), so
//!   `km² × images × (StorageMonths − 1) × 0.00001`;
//! - the image part and the storage part are each rounded to the cent once, at
//!   the end ([`crate::money`]); the estimate shows them apart (D5:
//!   `CurrentMonthCost` = order estimate + storage).
//!
//! Assumptions (the docs are silent):
//!
//! - storage is not discounted by the spend tiers (the tier pages name only the
//!   base and add-on rates);
//! - `ApiRequests` costs no order credits: downloads are paid in processing
//!   units, a separate pool (D32, D33), and extra ones are bought apart (D34:
//!   €5 per 2,500 units); the estimate's breakdown has no request line (D5);
//! - an order with neither tiles nor minitiles is no tile order (empty arrays
//!   count as absent: part B item 6, as R1 normalises them): it is billed in
//!   polygon mode, so an empty selection bills 0 km² at multiplier 1.0. The
//!   API refuses such an order (B6, and B13 when deduplication empties it), so
//!   this only keeps the function total: never a 0/0 multiplier.

use crate::catalog::{MINITILE_KM2, MINITILE_MULTIPLIER, STORAGE_EUR_PER_KM2_MONTH};
use crate::catalog::{TILE_KM2, TILE_MULTIPLIER};
use crate::money::Cents;
use crate::tiers::{self, Family};

/// The order-mode multiplier of a polygon order.
pub const POLYGON_MULTIPLIER: f64 = 1.0;

/// What one image of an order covers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Area {
    /// A polygon order (`Wkt`/`GeoJson`): its billed km² per image.
    Polygons {
        /// Billed km² of one image (after the per-AOI minimum).
        km2: f64,
    },
    /// A tile order (`TileGuids`/`MiniTileGuids`): how many of each.
    Grid {
        /// Whole tiles.
        tiles: usize,
        /// Minitiles.
        minitiles: usize,
    },
}

impl Area {
    /// The area of an order as the API lists it: a grid order when it has a
    /// tile or a minitile, else a polygon order of `polygon_km2` (empty arrays
    /// count as absent).
    pub fn of_order(tiles: usize, minitiles: usize, polygon_km2: f64) -> Self {
        if tiles + minitiles == 0 {
            Area::Polygons { km2: polygon_km2 }
        } else {
            Area::Grid { tiles, minitiles }
        }
    }

    /// Returns the billed km² of one image and its area-weighted mode multiplier.
    pub fn km2_and_multiplier(self) -> (f64, f64) {
        match self {
            Area::Polygons { km2 } => (km2, POLYGON_MULTIPLIER),
            Area::Grid { tiles, minitiles } => {
                #[allow(clippy::cast_precision_loss)]
                let (t, m) = (tiles as f64 * TILE_KM2, minitiles as f64 * MINITILE_KM2);
                let km2 = t + m;
                if km2 == 0.0 {
                    return (0.0, POLYGON_MULTIPLIER);
                }
                (km2, (t * TILE_MULTIPLIER + m * MINITILE_MULTIPLIER) / km2)
            }
        }
    }
}

/// Everything an order's list price depends on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Order {
    /// The model's discount column.
    pub family: Family,
    /// EUR per km² per image before tiers and mode ([`crate::catalog::list_rate`]).
    pub eur_per_km2: f64,
    /// Billed km² of one image; a negative figure counts as zero.
    pub km2_per_image: f64,
    /// The order-mode multiplier (see [`Area::km2_and_multiplier`]).
    pub mode_multiplier: f64,
    /// Images billed.
    pub images: usize,
    /// `StorageMonths`; one month is included, below one counts as one.
    pub storage_months: i64,
    /// `ApiRequests`: costs no order credits (see the module's assumptions).
    pub api_requests: i64,
}

/// An order's list price: its images undiscounted, and its storage.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ListPrice {
    /// The discount column the images are charged in.
    pub family: Family,
    /// EUR of the images before spend tiers (not rounded: the tiers split it).
    pub images_eur: f64,
    /// Extra storage, rounded; not discounted.
    pub storage: Cents,
}

/// What an order is charged at a given month-to-date spend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Charge {
    /// The images, after spend tiers.
    pub images: Cents,
    /// Extra storage.
    pub storage: Cents,
}

impl Charge {
    /// The images and the storage together.
    pub fn total(self) -> Cents {
        self.images + self.storage
    }
}

/// Returns the list price of `order`.
pub fn list_price(order: &Order) -> ListPrice {
    #[allow(clippy::cast_precision_loss)]
    let km2 = order.km2_per_image.max(0.0) * order.images as f64;
    #[allow(clippy::cast_precision_loss)]
    let extra_months = (order.storage_months - 1).max(0) as f64;
    ListPrice {
        family: order.family,
        images_eur: km2 * order.eur_per_km2 * order.mode_multiplier,
        storage: Cents::from_eur(km2 * extra_months * STORAGE_EUR_PER_KM2_MONTH),
    }
}

impl ListPrice {
    /// What the order is charged when the month's spend stands at `spend` EUR:
    /// the images graduated over the bands from there ([`tiers::charge`]).
    pub fn charge_at(self, spend: f64) -> Charge {
        Charge {
            images: Cents::from_eur(tiers::charge(self.family, spend, self.images_eur)),
            storage: self.storage,
        }
    }

    /// What the order was charged if it was the last spend before the month
    /// reached `spend` EUR ([`tiers::charge_ending_at`]): its refund.
    pub fn charged_ending_at(self, spend: f64) -> Charge {
        let images_top = spend - self.storage.eur();
        Charge {
            images: Cents::from_eur(tiers::charge_ending_at(
                self.family,
                images_top,
                self.images_eur,
            )),
            storage: self.storage,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    /// An order of `model` with `selected` constellations over `area`.
    fn order(model: &str, selected: &[&str], area: Area, images: usize, storage: i64) -> Order {
        let m = catalog::model(model).unwrap();
        let (km2_per_image, mode_multiplier) = area.km2_and_multiplier();
        Order {
            family: m.family,
            eur_per_km2: m.list_eur_per_km2(&names(selected)),
            km2_per_image,
            mode_multiplier,
            images,
            storage_months: storage,
            api_requests: 1,
        }
    }

    const S1_S2_L89: &[&str] = &["Sentinel1", "Sentinel2", "Landsat89"];

    fn polygons(km2: f64) -> Area {
        Area::Polygons { km2 }
    }

    #[test]
    fn list_rates_add_optional_inputs_only() {
        // (model, selected, EUR/km²): D28/D29 base rates and add-ons.
        let table: [(&str, &[&str], f64); 7] = [
            ("Stratus2", S1_S2_L89, 0.20),
            ("Stratus2", &["Sentinel1", "Sentinel2", "Landsat89", "sentinel3"], 0.22),
            ("Stratus2Fast", &["Sentinel1", "Sentinel2"], 0.18),
            ("Stratus2Fast", S1_S2_L89, 0.20),
            ("Nimbus", &["Sentinel2"], 0.10),
            ("Nimbus", &["Sentinel2", "Sentinel1", "Landsat89", "Sentinel3"], 0.18),
            ("Nimbus", &["Sentinel2", "Modis"], 0.10),
        ];
        for (model, selected, want) in table {
            let got = catalog::model(model).unwrap().list_eur_per_km2(&names(selected));
            assert!((got - want).abs() < 1e-12, "{model} {selected:?}: {got}");
        }
        let rate = catalog::list_rate(0.5, [("A", 0.25), ("B", 1.0)], &names(&["a"]));
        assert!((rate - 0.75).abs() < 1e-12);
    }

    #[test]
    fn areas_and_mode_multipliers() {
        // (area, km² per image, multiplier): D8/D37 sizes and multipliers.
        let table = [
            (polygons(931.61), 931.61, 1.0),
            (Area::Grid { tiles: 1, minitiles: 0 }, 2621.44, 0.2),
            (Area::Grid { tiles: 0, minitiles: 3 }, 30.72, 0.5),
            (Area::Grid { tiles: 1, minitiles: 3 }, 2652.16, (524.288 + 15.36) / 2652.16),
            // Decided from the docs: an empty selection is no tile order.
            (Area::Grid { tiles: 0, minitiles: 0 }, 0.0, 1.0),
        ];
        for (area, km2, mult) in table {
            let (got_km2, got_mult) = area.km2_and_multiplier();
            assert!((got_km2 - km2).abs() < 1e-9 && (got_mult - mult).abs() < 1e-12, "{area:?}");
        }
        assert_eq!(Area::of_order(0, 0, 12.5), polygons(12.5));
        assert_eq!(Area::of_order(2, 0, 12.5), Area::Grid { tiles: 2, minitiles: 0 });
    }

    #[test]
    fn prices_by_the_table() {
        let grid = |tiles, minitiles| Area::Grid { tiles, minitiles };
        let s2 = |area, images, storage| order("Stratus2", S1_S2_L89, area, images, storage);
        // (what, order, month-to-date spend, EUR of images, EUR of storage)
        let table: [(&str, Order, f64, f64, f64); 12] = [
            ("first band", s2(polygons(100.0), 15, 1), 0.0, 300.0, 0.0),
            ("band 2", s2(polygons(100.0), 1, 1), 1_000.0, 7.0, 0.0),
            ("band 5", order("Nimbus", &["Sentinel2"], polygons(100.0), 1, 1), 50_000.0, 2.0, 0.0),
            (
                "an add-on is discounted with the base",
                order("Stratus2Fast", S1_S2_L89, polygons(100.0), 1, 1),
                12_000.0,
                3.0,
                0.0,
            ),
            // From €990: €10 at 0.20 buys 50 km², the other 950 km² at 0.07.
            ("straddles a band", s2(polygons(100.0), 10, 1), 990.0, 76.5, 0.0),
            ("a tile", s2(grid(1, 0), 1, 1), 0.0, 104.86, 0.0),
            ("three minitiles", s2(grid(0, 3), 1, 1), 0.0, 3.07, 0.0),
            ("a mix", s2(grid(1, 3), 1, 1), 0.0, 107.93, 0.0),
            // 931.61 km² × 31 images × 2 extra months × €0.00001 of storage,
            // undiscounted; €5,775.98 of images: €1,000 then 4,775.98 at 35 %.
            ("storage", s2(polygons(931.61), 31, 3), 0.0, 2_671.59, 0.58),
            ("no storage below one month", s2(polygons(100.0), 5, -2), 0.0, 100.0, 0.0),
            ("no images", s2(polygons(100.0), 0, 4), 0.0, 0.0, 0.0),
            ("zero area", s2(grid(0, 0), 3, 4), 2_000.0, 0.0, 0.0),
        ];
        for (what, o, spend, images, storage) in table {
            let charge = list_price(&o).charge_at(spend);
            let want =
                Charge { images: Cents::from_eur(images), storage: Cents::from_eur(storage) };
            assert_eq!(charge, want, "{what}");
            assert_eq!(charge.total(), want.images + want.storage, "{what}");
        }
    }

    #[test]
    fn api_requests_cost_no_order_credits() {
        let one = order("Stratus2", S1_S2_L89, polygons(100.0), 5, 2);
        let many = Order { api_requests: 25, ..one };
        assert_eq!(list_price(&one), list_price(&many));
    }

    #[test]
    fn the_charge_ending_at_a_spend_is_the_charge_that_reached_it() {
        for (spend, km2) in [(0.0, 100.0), (950.0, 4_000.0), (2_999.0, 200_000.0)] {
            let price = list_price(&order("Nimbus", &["Sentinel2"], polygons(km2), 3, 2));
            let charge = price.charge_at(spend);
            let top = spend + charge.total().eur();
            let back = price.charged_ending_at(top);
            assert!((back.images.0 - charge.images.0).abs() <= 1, "{spend}: {back:?} {charge:?}");
            assert_eq!(back.storage, charge.storage);
        }
    }
}
