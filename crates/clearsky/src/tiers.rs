//! The published monthly spend tiers: five bands of month-to-date paid spend,
//! each with a discount by model family, applied progressively.
//!
//! Pure data and arithmetic, no IO. Shared by the emulator (which bills with it)
//! and by the planner (which uses it only to predict where each change sits in
//! the month's spend, so that estimates can be sent concurrently; the estimate
//! endpoint stays the authority on every price).
//!
//! Source: docs.clearsky.vision, Pricing & Billing → Monthly Spend Tiers (shared
//! docs `clearsky-api.md` A11, "Newer table"): the discount applies to "model
//! package base rate + selected optional input add-on rates"; an order can
//! straddle bands and each part is priced at its band. Amounts here are *list*
//! EUR (what the order would cost undiscounted) and *charged* EUR (what the
//! account pays); spend grows by the charged amount.
//!
//! Assumption (the docs are silent): a band's discount applies from the exact
//! euro at which the spend reaches the band's lower bound, so a straddling order
//! is split at that euro. Rounding to cents is the caller's business.

use serde::{Deserialize, Serialize};

/// Lower bounds (EUR of month-to-date spend) of the five bands.
pub const BAND_STARTS: [f64; 5] = [0.0, 1_000.0, 3_000.0, 12_000.0, 50_000.0];

/// Price multipliers (1 − discount) of the Stratus family per band: 0 %, 65 %,
/// 80 %, 85 %, 90 % off (docs, Monthly Spend Tiers).
const STRATUS: [f64; 5] = [1.0, 0.35, 0.20, 0.15, 0.10];

/// Price multipliers of the Nimbus family per band: 0 %, 25 %, 50 %, 70 %, 80 % off.
const NIMBUS: [f64; 5] = [1.0, 0.75, 0.50, 0.30, 0.20];

/// A model family: the models that share one discount column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    /// Stratus-2, Stratus-3 and Stratus-2 Fast (docs); Stratus-2 (No Snow) by assumption.
    Stratus,
    /// Nimbus and its variants.
    Nimbus,
}

impl Family {
    /// The price multiplier of each band.
    pub fn multipliers(self) -> &'static [f64; 5] {
        match self {
            Family::Stratus => &STRATUS,
            Family::Nimbus => &NIMBUS,
        }
    }

    /// The price multiplier at `spend` EUR of month-to-date spend.
    pub fn multiplier_at(self, spend: f64) -> f64 {
        self.multipliers()[band(spend)]
    }
}

/// Returns the index (0–4) of the band `spend` lies in.
pub fn band(spend: f64) -> usize {
    BAND_STARTS.iter().rposition(|start| *start <= spend).unwrap_or(0)
}

/// Returns the spend at which the band after `spend`'s begins; `None` in the last band.
pub fn band_end(spend: f64) -> Option<f64> {
    BAND_STARTS.get(band(spend) + 1).copied()
}

/// True when both `[a, a + amount]` and `[b, b + amount]` lie inside one and the
/// same band: then an order of that charged amount costs the same at `a` as at `b`.
pub fn same_band(a: f64, b: f64, amount: f64) -> bool {
    let inside = |s: f64| band_end(s).is_none_or(|end| s + amount <= end);
    band(a) == band(b) && inside(a) && inside(b)
}

/// Returns what an order of `list` EUR list price is charged when the month's
/// spend stands at `spend`: each part at the multiplier of the band it falls in.
pub fn charge(family: Family, spend: f64, list: f64) -> f64 {
    let mut spend = spend.max(0.0);
    let mut left = list.max(0.0);
    let mut charged = 0.0;
    while left > 0.0 {
        let m = family.multiplier_at(spend);
        match band_end(spend) {
            Some(end) if spend + left * m > end => {
                let step = end - spend;
                charged += step;
                left -= step / m;
                spend = end;
            }
            _ => return charged + left * m,
        }
    }
    charged
}

/// Returns the list price that `charged` EUR buys from `spend` on: the inverse of [`charge`].
pub fn list_price(family: Family, spend: f64, charged: f64) -> f64 {
    let mut spend = spend.max(0.0);
    let mut left = charged.max(0.0);
    let mut list = 0.0;
    while left > 0.0 {
        let m = family.multiplier_at(spend);
        match band_end(spend) {
            Some(end) if spend + left > end => {
                list += (end - spend) / m;
                left -= end - spend;
                spend = end;
            }
            _ => return list + left / m,
        }
    }
    list
}

/// Returns what an order of `list` EUR list price was charged if it was the last
/// spend before the month reached `spend` (walking the bands downwards).
pub fn charge_ending_at(family: Family, spend: f64, list: f64) -> f64 {
    let mut spend = spend.max(0.0);
    let mut left = list.max(0.0);
    let mut charged = 0.0;
    while left > 0.0 && spend > 0.0 {
        // The band of the euro just below `spend`.
        let b = BAND_STARTS.iter().rposition(|start| *start < spend).unwrap_or(0);
        let (start, m) = (BAND_STARTS[b], family.multipliers()[b]);
        if spend - left * m < start {
            charged += spend - start;
            left -= (spend - start) / m;
            spend = start;
        } else {
            return charged + left * m;
        }
    }
    charged
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn the_docs_absolute_rates_follow_from_base_times_multiplier() {
        // Docs: Stratus-2 €0.20 / 0.07 / 0.04 / 0.03 / 0.02, Stratus-2 Fast
        // €0.18 / 0.063 / 0.036 / 0.027 / 0.018, Nimbus €0.10 / 0.075 / 0.05 / 0.03 / 0.02.
        let stratus2 = [0.20, 0.07, 0.04, 0.03, 0.02];
        let fast = [0.18, 0.063, 0.036, 0.027, 0.018];
        let nimbus = [0.10, 0.075, 0.05, 0.03, 0.02];
        for (b, start) in BAND_STARTS.iter().enumerate() {
            let at = start + 1.0;
            assert!(close(0.20 * Family::Stratus.multiplier_at(at), stratus2[b]), "band {b}");
            assert!(close(0.18 * Family::Stratus.multiplier_at(at), fast[b]), "band {b}");
            assert!(close(0.10 * Family::Nimbus.multiplier_at(at), nimbus[b]), "band {b}");
        }
    }

    #[test]
    fn bands_start_at_their_lower_bound() {
        assert_eq!([band(0.0), band(999.99), band(1_000.0), band(49_999.0)], [0, 0, 1, 3]);
        assert_eq!((band(50_000.0), band_end(50_000.0)), (4, None));
        assert_eq!(band_end(2_000.0), Some(3_000.0));
        assert!(same_band(1_000.0, 2_000.0, 1_000.0));
        assert!(!same_band(1_000.0, 2_500.0, 1_000.0));
        assert!(!same_band(900.0, 1_100.0, 10.0));
    }

    #[test]
    fn an_order_straddling_a_boundary_pays_each_part_at_its_band() {
        // From €900: €100 at full price, the other €400 of list price at 35 %.
        assert!(close(charge(Family::Stratus, 900.0, 500.0), 100.0 + 400.0 * 0.35));
        // Nimbus from €2,900: €100 at 75 % buys €133.33 list; the rest at 50 %.
        let rest = 500.0 - 100.0 / 0.75;
        assert!(close(charge(Family::Nimbus, 2_900.0, 500.0), 100.0 + rest * 0.5));
        // Across three boundaries from zero: 1000 + 2000 + 9000 + 38000, then 10 %.
        let list = 1_000.0 + 2_000.0 / 0.35 + 9_000.0 / 0.2 + 38_000.0 / 0.15 + 1_000.0;
        assert!(close(charge(Family::Stratus, 0.0, list), 50_000.0 + 100.0));
    }

    #[test]
    fn list_price_inverts_charge_and_the_downward_walk_mirrors_it() {
        for family in [Family::Stratus, Family::Nimbus] {
            for (spend, list) in [(0.0, 10.0), (950.0, 900.0), (2_999.0, 40_000.0), (60_000.0, 5.0)]
            {
                let c = charge(family, spend, list);
                assert!((list_price(family, spend, c) - list).abs() < 1e-6, "{family:?} {spend}");
                assert!((charge_ending_at(family, spend + c, list) - c).abs() < 1e-6);
            }
        }
    }
}
