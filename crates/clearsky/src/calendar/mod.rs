//! Calendar months, the unit in which ClearSKY bills, renews and cancels orders:
//! month starts and ends, the first day of the next month, month keys
//! (`2025-04`), whose clock says which month it is (the server's), and the
//! image dates of a cadence ([`cadence`]).
//!
//! Pure, no IO: no function here reads the clock; callers pass the day. Every
//! module that reasons about months (manifest checks, plan cancel rules, the
//! emulator's renewal and spend) uses these functions rather than its own.
//!
//! The functions saturate instead of failing at the far end of chrono's range
//! (year 262 142): a date that cannot exist becomes [`NaiveDate::MAX`].

mod cadence;

use chrono::{DateTime, Datelike, NaiveDate, Utc};

pub use cadence::{image_count, image_dates};

/// How far this machine's clock may be off from the server's before skyform
/// says so: a few minutes, more than any request takes.
pub const CLOCK_TOLERANCE: chrono::Duration = chrono::Duration::minutes(5);

/// Returns the time plans are made for: a fixed time (`--now`, the sandbox's
/// clock) first, else the server's (the HTTP `Date` of its answers: the
/// server's month decides billing and cancel rules), else the local clock.
pub fn planning_now(
    fixed: Option<DateTime<Utc>>,
    server: Option<DateTime<Utc>>,
    local: DateTime<Utc>,
) -> DateTime<Utc> {
    fixed.or(server).unwrap_or(local)
}

/// Returns one line saying that the local clock is off from the server's,
/// when it is off by more than [`CLOCK_TOLERANCE`].
pub fn skew_note(local: DateTime<Utc>, server: DateTime<Utc>) -> Option<String> {
    let off = (local - server).abs();
    if off <= CLOCK_TOLERANCE {
        return None;
    }
    let amount = if off >= chrono::Duration::days(2) {
        format!("{} days", off.num_days())
    } else if off >= chrono::Duration::hours(2) {
        format!("{} hours", off.num_hours())
    } else {
        format!("{} minutes", off.num_minutes())
    };
    let fmt = "%Y-%m-%d %H:%M UTC";
    Some(format!(
        "warning: this machine's clock ({}) is {amount} off the ClearSKY API's ({}); \
         planning with the API's date",
        local.format(fmt),
        server.format(fmt)
    ))
}

/// Returns the first day of `day`'s month.
pub fn month_start(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

/// Returns the last day of `day`'s month (29 February in leap years).
pub fn month_end(day: NaiveDate) -> NaiveDate {
    // Only December of chrono's last year has no next month; its end is `MAX`.
    next_month_start(day).and_then(|first| first.pred_opt()).unwrap_or(NaiveDate::MAX)
}

/// Returns the first day of the month after `day`'s month (January of the next
/// year after December).
pub fn first_of_next_month(day: NaiveDate) -> NaiveDate {
    next_month_start(day).unwrap_or(NaiveDate::MAX)
}

fn next_month_start(day: NaiveDate) -> Option<NaiveDate> {
    let (y, m) =
        if day.month() == 12 { (day.year() + 1, 1) } else { (day.year(), day.month() + 1) };
    NaiveDate::from_ymd_opt(y, m, 1)
}

/// True when `day` is the first day of its month (a valid order `From`).
pub fn is_month_start(day: NaiveDate) -> bool {
    day.day() == 1
}

/// True when `day` is the last day of its month (a valid order `To`).
pub fn is_month_end(day: NaiveDate) -> bool {
    month_end(day) == day
}

/// Returns the key of `day`'s month, `YYYY-MM` (`2025-04`): sorts in time order
/// as text, and names months in spend tables and exported file names.
pub fn month_key(day: NaiveDate) -> String {
    day.format("%Y-%m").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::day;

    #[test]
    fn month_ends_follow_month_lengths_and_leap_years() {
        let cases = [
            ("2025-01-15", "2025-01-31"),
            ("2025-04-01", "2025-04-30"),
            ("2025-02-01", "2025-02-28"),
            ("2024-02-03", "2024-02-29"),
            ("2000-02-10", "2000-02-29"),
            ("1900-02-10", "1900-02-28"),
            ("2025-12-01", "2025-12-31"),
            ("2025-12-31", "2025-12-31"),
        ];
        for (d, want) in cases {
            assert_eq!(month_end(day(d)), day(want), "{d}");
        }
    }

    #[test]
    fn next_month_rolls_over_the_year() {
        assert_eq!(first_of_next_month(day("2025-12-15")), day("2026-01-01"));
        assert_eq!(first_of_next_month(day("2025-06-30")), day("2025-07-01"));
        assert_eq!(first_of_next_month(day("2024-02-29")), day("2024-03-01"));
        assert_eq!(month_end(first_of_next_month(day("2025-01-31"))), day("2025-02-28"));
    }

    #[test]
    fn month_starts_and_predicates() {
        assert_eq!(month_start(day("2025-06-30")), day("2025-06-01"));
        assert_eq!(month_start(day("2025-06-01")), day("2025-06-01"));
        assert!(is_month_start(day("2025-06-01")));
        assert!(!is_month_start(day("2025-06-02")));
        assert!(is_month_end(day("2024-02-29")));
        assert!(!is_month_end(day("2025-02-27")));
        assert!(is_month_end(day("2025-12-31")));
    }

    #[test]
    fn month_keys_are_zero_padded_and_sort_in_time_order() {
        assert_eq!(month_key(day("2025-04-17")), "2025-04");
        assert_eq!(month_key(day("2025-12-31")), "2025-12");
        assert!(month_key(day("2025-09-30")) < month_key(day("2025-10-01")));
    }

    #[test]
    fn the_server_clock_wins_unless_fixed_and_skew_is_told_beyond_the_tolerance() {
        let t = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        let (server, local) = (t("2025-04-10T12:00:00Z"), t("2026-11-30T08:00:00Z"));
        assert_eq!(planning_now(None, Some(server), local), server);
        assert_eq!(planning_now(Some(local), Some(server), server), local);
        assert_eq!(planning_now(None, None, local), local);
        assert_eq!(
            skew_note(local, server).unwrap(),
            "warning: this machine's clock (2026-11-30 08:00 UTC) is 598 days off the ClearSKY \
             API's (2025-04-10 12:00 UTC); planning with the API's date"
        );
        assert_eq!(skew_note(server + chrono::Duration::minutes(4), server), None);
        let hours = skew_note(server - chrono::Duration::hours(3), server).unwrap();
        assert!(hours.contains("is 3 hours off"), "{hours}");
        let minutes = skew_note(server + chrono::Duration::minutes(7), server).unwrap();
        assert!(minutes.contains("is 7 minutes off"), "{minutes}");
    }

    #[test]
    fn the_end_of_chronos_range_saturates() {
        assert_eq!(month_end(NaiveDate::MAX), NaiveDate::MAX);
        assert_eq!(first_of_next_month(NaiveDate::MAX), NaiveDate::MAX);
    }
}
