//! Image dates (contract part B item 4, A5.4 `ReferenceDate`/`ImageFrequency`):
//! the one cadence rule the emulator bills by and the plan forecasts with.
//!
//! Pure, no IO. An order receives an image on every day `d` of its window with
//! `(d − ReferenceDate).days mod ImageFrequency == 0` (the docs' "modulus
//! formula"); the reference date may lie before, inside or after the window.
//! Assumption: a frequency of 0 (refused by validation) yields no dates rather
//! than a division by zero.

use chrono::{Days, NaiveDate};

/// Returns every image date in `from..=to_inclusive` on the cadence of `frequency_days`
/// anchored at `reference`, in ascending order.
pub fn image_dates(
    reference: NaiveDate,
    frequency_days: u32,
    from: NaiveDate,
    to_inclusive: NaiveDate,
) -> Vec<NaiveDate> {
    if frequency_days == 0 || to_inclusive < from {
        return Vec::new();
    }
    let step = i64::from(frequency_days);
    let offset = (from - reference).num_days().rem_euclid(step);
    let first_gap = (step - offset) % step;
    let mut dates = Vec::new();
    let mut d = from.checked_add_days(Days::new(first_gap.unsigned_abs()));
    while let Some(day) = d.filter(|day| *day <= to_inclusive) {
        dates.push(day);
        d = day.checked_add_days(Days::new(u64::from(frequency_days)));
    }
    dates
}

/// How many images [`image_dates`] gives, for a live order's cadence: a
/// frequency below 1 (or beyond any real one) gives none.
pub fn image_count(
    reference: NaiveDate,
    frequency_days: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> u32 {
    let frequency = u32::try_from(frequency_days).unwrap_or(0);
    u32::try_from(image_dates(reference, frequency, from, to).len()).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use chrono::Datelike;

    use super::*;
    use crate::testing::day;

    #[test]
    fn weekly_cadence_from_new_year_hits_the_docs_days() {
        let dates = image_dates(day("2025-01-01"), 7, day("2025-01-01"), day("2025-01-31"));
        let days: Vec<u32> = dates.iter().map(Datelike::day).collect();
        assert_eq!(days, [1, 8, 15, 22, 29]);
    }

    #[test]
    fn reference_after_the_window_counts_backwards() {
        // 2025-01-03 is 57 = 3 × 19 days before 2025-03-01, so the cadence
        // that runs through 2025-03-01 hits 2025-01-03, 01-06, 01-09.
        let dates = image_dates(day("2025-03-01"), 3, day("2025-01-01"), day("2025-01-10"));
        assert_eq!(dates, [day("2025-01-03"), day("2025-01-06"), day("2025-01-09")]);
        for d in &dates {
            assert_eq!((day("2025-03-01") - *d).num_days() % 3, 0);
        }
    }

    #[test]
    fn every_date_is_on_cadence_and_none_is_missed() {
        let reference = day("2023-06-01");
        for freq in 1..=7 {
            let (from, to) = (day("2023-06-01"), day("2023-07-31"));
            let dates = image_dates(reference, freq, from, to);
            let brute: Vec<NaiveDate> = from
                .iter_days()
                .take_while(|d| *d <= to)
                .filter(|d| (*d - reference).num_days().rem_euclid(i64::from(freq)) == 0)
                .collect();
            assert_eq!(dates, brute, "frequency {freq}");
        }
        // The docs' estimate example: every 2nd day, June–July 2023.
        assert_eq!(image_dates(reference, 2, day("2023-06-01"), day("2023-07-31")).len(), 31);
    }

    #[test]
    fn empty_windows_and_zero_frequency_give_no_dates() {
        assert!(image_dates(day("2025-01-01"), 0, day("2025-01-01"), day("2025-01-31")).is_empty());
        assert!(image_dates(day("2025-01-01"), 1, day("2025-02-01"), day("2025-01-31")).is_empty());
        assert_eq!(
            image_dates(day("2025-01-01"), 1, day("2025-01-05"), day("2025-01-05")).len(),
            1
        );
    }

    #[test]
    fn a_live_orders_cadence_counts_its_images() {
        // Weekly from 2025-01-01: May has 6, 13, 20, 27.
        assert_eq!(image_count(day("2025-01-01"), 7, day("2025-05-01"), day("2025-05-31")), 4);
        assert_eq!(image_count(day("2025-04-01"), 3, day("2025-04-01"), day("2025-04-30")), 10);
        assert_eq!(image_count(day("2025-04-01"), 0, day("2025-04-01"), day("2025-04-30")), 0);
        assert_eq!(image_count(day("2025-04-01"), -3, day("2025-04-01"), day("2025-04-30")), 0);
    }
}
