//! Money amounts: the one rounding rule for EUR figures.
//!
//! Pure, no IO. Prices are computed in `f64` and rounded to the cent once, where
//! a figure is stored or shown, so that float noise (`0.30000000000000004`)
//! never reaches a balance, a bill or a document.

/// Rounds an EUR amount to the nearest cent, halves away from zero.
pub fn cents(eur: f64) -> f64 {
    (eur * 100.0).round() / 100.0
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
}
