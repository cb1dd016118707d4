//! Order and storage prices of the emulator (contract A11 and part B item 3).
//!
//! Pure, no IO. The formula is the shared tariff ([`clearsky::tariff`]: rate ×
//! mode multiplier × km² × images, graduated over the spend tiers, plus extra
//! storage, each rounded to cents once); this module feeds it the model as the
//! emulator serves it (possibly from `--models`) and keeps, on each stored
//! order, how one image is billed ([`Billing`]), so that renewals price the
//! same area again.

use serde::{Deserialize, Serialize};

use super::models::ServedModel;
use clearsky::tariff::{self, Area};

/// What a price depends on.
#[derive(Debug, Clone, Copy)]
pub struct PriceInput<'a> {
    /// The ordered model, as the emulator serves it.
    pub model: &'a ServedModel,
    /// The ordered constellations; those in the model's optional set are add-ons.
    pub constellations: &'a [String],
    /// Billed area of one image, km².
    pub km2_per_image: f64,
    /// Number of images billed.
    pub images: usize,
    /// Order-mode multiplier: 1.0 polygon, 0.2 tile, 0.5 minitile, or a
    /// weighted value for a tile/minitile mix (see [`tile_mode`]).
    pub mode_multiplier: f64,
    /// The account's EUR spend so far this calendar month.
    pub month_to_date_spend: f64,
    /// `StorageMonths` of the order.
    pub storage_months: u32,
}

/// EUR prices, rounded to cents.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Price {
    /// Cost of the images.
    pub order_cost: f64,
    /// Cost of storage beyond the included month.
    pub storage_cost: f64,
}

/// How one image of an order is billed; kept on a stored order so that each
/// monthly renewal prices the same area again.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Billing {
    /// Billed km² per image.
    pub km2_per_image: f64,
    /// Order-mode multiplier (1.0 polygon, 0.2 tile, 0.5 minitile, or a weighted mix).
    pub mode_multiplier: f64,
}

impl Billing {
    /// Returns the billing of a polygon order of `km2` billed km².
    pub fn polygons(km2: f64) -> Self {
        Self::of(Area::Polygons { km2 })
    }

    /// Returns the billing of an order of whole tiles and minitiles (see [`tile_mode`]).
    pub fn tiles(tiles: usize, minitiles: usize) -> Self {
        Self::of(Area::Grid { tiles, minitiles })
    }

    fn of(area: Area) -> Self {
        let (km2_per_image, mode_multiplier) = area.km2_and_multiplier();
        Self { km2_per_image, mode_multiplier }
    }

    /// Prices `images` images at the given month-to-date spend.
    pub fn price(
        self,
        model: &ServedModel,
        constellations: &[String],
        images: usize,
        spend: f64,
        storage_months: i64,
    ) -> Price {
        price(&PriceInput {
            model,
            constellations,
            km2_per_image: self.km2_per_image,
            images,
            mode_multiplier: self.mode_multiplier,
            month_to_date_spend: spend,
            storage_months: u32::try_from(storage_months).unwrap_or(1),
        })
    }
}

/// Prices `images` images of `km2_per_image` km² each, graduated over the spend tiers.
pub fn price(input: &PriceInput<'_>) -> Price {
    let order = tariff::Order {
        family: input.model.family,
        eur_per_km2: input.model.list_eur_per_km2(input.constellations),
        km2_per_image: input.km2_per_image,
        mode_multiplier: input.mode_multiplier,
        images: input.images,
        storage_months: i64::from(input.storage_months),
        // The emulator bills no order credits for download requests (see the tariff).
        api_requests: 1,
    };
    let charge = tariff::list_price(&order).charge_at(input.month_to_date_spend);
    Price { order_cost: charge.images.eur(), storage_cost: charge.storage.eur() }
}

/// Returns the area (km²) and area-weighted mode multiplier of a tile/minitile order.
pub fn tile_mode(tiles: usize, minitiles: usize) -> (f64, f64) {
    Area::Grid { tiles, minitiles }.km2_and_multiplier()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::builtin;
    use clearsky::money::cents;

    fn input<'a>(model: &'a str, constellations: &'a [String]) -> PriceInput<'a> {
        PriceInput {
            model: builtin().model(model).unwrap(),
            constellations,
            km2_per_image: 100.0,
            images: 1,
            mode_multiplier: 1.0,
            month_to_date_spend: 0.0,
            storage_months: 1,
        }
    }

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn first_tier_is_the_base_rate_per_km2_and_image() {
        let all = names(&["Sentinel1", "Sentinel2", "Landsat89"]);
        let p = price(&PriceInput { images: 15, ..input("Stratus2", &all) });
        assert!(close(p.order_cost, 100.0 * 15.0 * 0.20), "{p:?}");
        assert!(close(p.storage_cost, 0.0));
    }

    #[test]
    fn every_band_of_the_docs_table_is_reproduced() {
        // docs.clearsky.vision, Pricing & Billing → Monthly Spend Tiers: €/km² without add-ons.
        let table: [(&str, [f64; 5]); 4] = [
            ("Stratus2", [0.20, 0.07, 0.04, 0.03, 0.02]),
            ("Stratus3", [0.20, 0.07, 0.04, 0.03, 0.02]),
            ("Stratus2Fast", [0.18, 0.063, 0.036, 0.027, 0.018]),
            ("Nimbus", [0.10, 0.075, 0.05, 0.03, 0.02]),
        ];
        let bands = [0.0, 1_000.0, 3_000.0, 12_000.0, 50_000.0];
        for (model, rates) in table {
            let required = builtin().model(model).unwrap().required.clone();
            for (spend, rate) in bands.iter().zip(rates) {
                let p =
                    price(&PriceInput { month_to_date_spend: *spend, ..input(model, &required) });
                assert!(close(p.order_cost, cents(100.0 * rate)), "{model} at {spend}: {p:?}");
            }
        }
        // Add-ons are discounted with the base: Stratus-2 Fast + Landsat 8/9 in band 3.
        let fast = names(&["Sentinel1", "Sentinel2", "Landsat89"]);
        let p =
            price(&PriceInput { month_to_date_spend: 12_000.0, ..input("Stratus2Fast", &fast) });
        assert!(close(p.order_cost, cents(100.0 * 0.20 * 0.15)), "{p:?}");
    }

    #[test]
    fn crossing_a_tier_boundary_is_graduated() {
        let all = names(&["Sentinel1", "Sentinel2", "Landsat89"]);
        // 990 € spent: 10 € at 0.20 €/km² buys 50 km², the other 50 km² cost 0.07.
        let p = price(&PriceInput { month_to_date_spend: 990.0, ..input("Stratus2", &all) });
        assert!(close(p.order_cost, 10.0 + 50.0 * 0.07), "{p:?}");
        // Ten images of 100 km² from 990 €: 50 km² at 0.20, 950 km² at 0.07.
        let p = price(&PriceInput {
            month_to_date_spend: 990.0,
            images: 10,
            ..input("Stratus2", &all)
        });
        assert!(close(p.order_cost, 10.0 + 950.0 * 0.07), "{p:?}");
        // Two boundaries in one order: 0 → 1000 (5000 km²), 1000 → 3000 at 0.07, rest at 0.04.
        let p = price(&PriceInput { km2_per_image: 50_000.0, ..input("Stratus2", &all) });
        let rest_km2 = 45_000.0 - 2_000.0 / 0.07;
        assert!(close(p.order_cost, cents(3_000.0 + rest_km2 * 0.04)), "{p:?}");
    }

    #[test]
    fn addons_follow_the_tier_discount() {
        let with_s1 = names(&["Sentinel2", "Sentinel1"]);
        // Nimbus 0.10 + Sentinel-1 0.04 = 0.14 in tier 1; tier 2 is 0.075/0.10 of it.
        let p = price(&input("Nimbus", &with_s1));
        assert!(close(p.order_cost, 14.0), "{p:?}");
        let p = price(&PriceInput { month_to_date_spend: 990.0, ..input("Nimbus", &with_s1) });
        let km2_tier1 = 10.0 / 0.14;
        assert!(close(p.order_cost, cents(10.0 + (100.0 - km2_tier1) * 0.14 * 0.75)), "{p:?}");
        // A required constellation is not an add-on; Sentinel-3 adds €0.02; an
        // unknown one is ignored.
        let plain = names(&["sentinel2", "Sentinel3", "Modis"]);
        assert!(close(price(&input("Nimbus", &plain)).order_cost, 12.0));
    }

    #[test]
    fn stratus_fast_uses_its_own_base_and_the_table_discount() {
        let req = names(&["Sentinel1", "Sentinel2", "Landsat89"]);
        let p = price(&input("Stratus2Fast", &req));
        assert!(close(p.order_cost, 100.0 * (0.18 + 0.02)), "{p:?}");
        let p = price(&PriceInput { month_to_date_spend: 5_000.0, ..input("Stratus2Fast", &req) });
        assert!(close(p.order_cost, 100.0 * 0.20 * 0.2), "{p:?}");
    }

    #[test]
    fn tile_and_minitile_multipliers_scale_the_rate() {
        let all = names(&["Sentinel1", "Sentinel2", "Landsat89"]);
        let (tile_km2, tile_mult) = tile_mode(1, 0);
        assert!(close(tile_km2, 2621.44) && close(tile_mult, 0.2));
        let (mini_km2, mini_mult) = tile_mode(0, 3);
        assert!(close(mini_km2, 30.72) && close(mini_mult, 0.5));
        let tile = price(&PriceInput {
            km2_per_image: tile_km2,
            mode_multiplier: tile_mult,
            ..input("Stratus2", &all)
        });
        assert!(close(tile.order_cost, cents(2621.44 * 0.20 * 0.2)), "{tile:?}");
        let mini = price(&PriceInput {
            km2_per_image: mini_km2,
            mode_multiplier: mini_mult,
            ..input("Stratus2", &all)
        });
        assert!(close(mini.order_cost, cents(30.72 * 0.20 * 0.5)), "{mini:?}");
        // A mix costs the sum of its parts while it stays in one tier.
        let (mix_km2, mix_mult) = tile_mode(1, 3);
        let mix = price(&PriceInput {
            km2_per_image: mix_km2,
            mode_multiplier: mix_mult,
            ..input("Stratus2", &all)
        });
        assert!((mix.order_cost - (tile.order_cost + mini.order_cost)).abs() <= 0.011, "{mix:?}");
    }

    #[test]
    fn storage_charges_extra_months_only() {
        let all = names(&["Sentinel1", "Sentinel2", "Landsat89"]);
        let base = PriceInput { km2_per_image: 931.61, images: 31, ..input("Stratus2", &all) };
        assert!(close(price(&PriceInput { storage_months: 1, ..base }).storage_cost, 0.0));
        assert!(close(price(&PriceInput { storage_months: 0, ..base }).storage_cost, 0.0));
        let p = price(&PriceInput { storage_months: 3, ..base });
        assert!(close(p.storage_cost, cents(931.61 * 31.0 * 2.0 * 0.000_01)), "{p:?}");
        assert!(p.storage_cost > 0.0);
    }

    #[test]
    fn no_images_cost_nothing() {
        let all = names(&["Sentinel1", "Sentinel2", "Landsat89"]);
        let p = price(&PriceInput { images: 0, storage_months: 4, ..input("Stratus2", &all) });
        assert_eq!(p, Price { order_cost: 0.0, storage_cost: 0.0 });
    }

    #[test]
    fn billing_prices_its_area_and_multiplier_again() {
        let all = names(&["Sentinel1", "Sentinel2", "Landsat89"]);
        let model = builtin().model("Stratus2").unwrap();
        let tiles = Billing::tiles(1, 3);
        let (km2, mult) = tile_mode(1, 3);
        assert_eq!(tiles, Billing { km2_per_image: km2, mode_multiplier: mult });
        assert_eq!(
            Billing::polygons(931.61),
            Billing { km2_per_image: 931.61, mode_multiplier: 1.0 }
        );
        // 5 images of 100 km² at €0.20; a storage month count below 1 bills no storage.
        let p = Billing::polygons(100.0).price(model, &all, 5, 0.0, -2);
        assert_eq!(p, Price { order_cost: 100.0, storage_cost: 0.0 });
        let p = Billing::polygons(100.0).price(model, &all, 5, 1_000.0, 3);
        assert_eq!(p, Price { order_cost: 35.0, storage_cost: 0.01 });
    }
}
