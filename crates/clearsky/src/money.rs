//! Money amounts: the one rounding rule for EUR figures, and [`Cents`], an
//! exact amount in whole euro cents.
//!
//! Pure, no IO. Prices are computed in `f64` and rounded to the cent once, where
//! a figure is stored or shown, so that float noise (`0.30000000000000004`)
//! never reaches a balance, a bill or a document. A price that is rounded and
//! then added to others (the tariff's image and storage parts) is kept as
//! [`Cents`], so the sum is exact.

use std::ops::{Add, Sub};

/// Rounds an EUR amount to the nearest cent, halves away from zero.
pub fn cents(eur: f64) -> f64 {
    (eur * 100.0).round() / 100.0
}

/// An exact EUR amount in whole cents.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cents(pub i64);

impl Cents {
    /// No money.
    pub const ZERO: Cents = Cents(0);

    /// Rounds an EUR amount to the nearest cent as [`cents`] does; a figure
    /// that is not a number counts as zero.
    #[allow(clippy::cast_possible_truncation)] // a rounded EUR amount far below 2⁶³ cents
    pub fn from_eur(eur: f64) -> Self {
        Cents((eur * 100.0).round() as i64)
    }

    /// The amount in EUR, for the API's JSON and for rendering.
    #[allow(clippy::cast_precision_loss)] // exact below 2⁵³ cents (90 trillion EUR)
    pub fn eur(self) -> f64 {
        self.0 as f64 / 100.0
    }
}

impl Add for Cents {
    type Output = Cents;

    fn add(self, other: Cents) -> Cents {
        Cents(self.0 + other.0)
    }
}

impl Sub for Cents {
    type Output = Cents;

    fn sub(self, other: Cents) -> Cents {
        Cents(self.0 - other.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::float_cmp)] // the rounded values are exact decimal-to-f64 round trips
    fn rounds_to_the_nearest_cent() {
        assert_eq!(cents(0.1 + 0.2), 0.3);
        assert_eq!(cents(12.344_999), 12.34);
        assert_eq!(cents(12.345_001), 12.35);
        assert_eq!(cents(-1.005_1), -1.01);
        assert_eq!(cents(931.61 * 0.0), 0.0);
    }

    #[test]
    #[allow(clippy::float_cmp)] // as above
    fn whole_cents_round_as_cents_does_and_add_exactly() {
        for eur in [0.1 + 0.2, 12.344_999, 12.345_001, -1.005_1, 931.61 * 0.2, 0.0] {
            assert_eq!(Cents::from_eur(eur).eur(), cents(eur), "{eur}");
        }
        let sum = Cents::from_eur(0.1) + Cents::from_eur(0.2);
        assert_eq!((sum, sum.eur()), (Cents(30), 0.3));
        assert_eq!(sum - Cents(10), Cents(20));
        assert_eq!(Cents::from_eur(f64::NAN), Cents::ZERO);
    }
}
