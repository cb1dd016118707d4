//! Where the control plane may move the emulator's clock: a time between
//! 2000-01-01 and 2099-12-31 (UTC), reached by checked arithmetic, so that
//! no request can overflow the clock, wrap it around or send it to year −713,
//! and no move renews more than a century of months under the state lock.
//!
//! Pure, no IO.

use chrono::{DateTime, Duration, NaiveDate, Utc};

/// The earliest time the clock may show.
pub(crate) fn earliest() -> DateTime<Utc> {
    day(2000, 1, 1)
}

/// The latest time the clock may show (the last second of 2099).
pub(crate) fn latest() -> DateTime<Utc> {
    day(2100, 1, 1) - Duration::seconds(1)
}

fn day(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(y, m, d)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map_or(DateTime::<Utc>::MIN_UTC, |t| t.and_utc())
}

/// Checks a clock target: within [`earliest`]..=[`latest`], or a message.
pub(crate) fn check(t: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    if (earliest()..=latest()).contains(&t) {
        Ok(t)
    } else {
        Err(format!(
            "the clock must stay between {} and {}, not move to {}",
            earliest().date_naive(),
            latest().date_naive(),
            t.format("%Y-%m-%dT%H:%M:%SZ")
        ))
    }
}

/// The time `days` days and `seconds` seconds from `now`, when it is in range.
pub(crate) fn advanced(
    now: DateTime<Utc>,
    days: i64,
    seconds: i64,
) -> Result<DateTime<Utc>, String> {
    let out_of_range = || {
        format!(
            "`AdvanceDays` {days} and `AdvanceSeconds` {seconds} move the clock out of range: it must stay between {} and {}",
            earliest().date_naive(),
            latest().date_naive()
        )
    };
    let secs =
        days.checked_mul(86_400).and_then(|d| d.checked_add(seconds)).ok_or_else(out_of_range)?;
    let t = Duration::try_seconds(secs)
        .and_then(|d| now.checked_add_signed(d))
        .ok_or_else(out_of_range)?;
    check(t).map_err(|_| out_of_range())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_stay_in_range_without_overflow() {
        let now = day(2025, 4, 10);
        assert_eq!(advanced(now, 21, 60).unwrap(), day(2025, 5, 1) + Duration::seconds(60));
        assert_eq!(advanced(now, -1, 0).unwrap(), day(2025, 4, 9));
        for (d, s) in [
            (0, i64::MIN),
            (0, i64::MAX),
            (100_000_000_000, 0),
            (i64::MAX, 0),
            (i64::MIN, 0),
            (-1_000_000, 0),
            (1, i64::MAX),
            (40_000, 0),
        ] {
            let e = advanced(now, d, s).unwrap_err();
            assert!(e.contains("out of range"), "{d} {s}: {e}");
        }
        assert!(check(day(1999, 12, 31)).is_err());
        assert!(check(day(2100, 1, 1)).is_err());
        assert_eq!(check(latest()).unwrap(), latest());
    }
}
