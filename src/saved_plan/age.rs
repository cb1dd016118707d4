//! How old a saved plan may be: `--max-plan-age` values (`90m`, `24h`, `2d`,
//! `1h30m`, or plain seconds) and the month and age rules.
//!
//! Pure, no IO: the clock is a parameter.

use std::fmt::Write as _;
use std::time::Duration;

use chrono::{DateTime, Utc};

use clearsky::calendar;

/// The default of `--max-plan-age`.
pub const DEFAULT_MAX_AGE: &str = "24h";

/// How far in the future a plan may be dated (clocks of two machines differ).
const CLOCK_SKEW: Duration = Duration::from_secs(5 * 60);

/// Parses a duration: plain seconds (`3600`), or numbers with a unit each
/// (`s`, `m`, `h`, `d`, `w`), e.g. `90m`, `24h`, `2d`, `1h30m`.
pub fn parse_age(s: &str) -> Result<Duration, String> {
    let text = s.trim();
    let invalid = || {
        format!(
            "invalid duration `{s}`: write seconds (`3600`) or e.g. `90m`, `24h`, `2d`, `1h30m`"
        )
    };
    if text.is_empty() {
        return Err(invalid());
    }
    if let Ok(secs) = text.parse::<u64>() {
        return Ok(Duration::from_secs(secs));
    }
    let mut total: u64 = 0;
    let mut digits = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let unit: u64 = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            'w' => 7 * 86_400,
            _ => return Err(invalid()),
        };
        let too_long =
            || format!("duration `{s}` is too long: a saved plan is never older than a month");
        let n: u64 = if digits.is_empty() {
            Err(invalid())?
        } else {
            digits.parse().map_err(|_| too_long())?
        };
        digits.clear();
        total = n.checked_mul(unit).and_then(|v| total.checked_add(v)).ok_or_else(too_long)?;
    }
    if !digits.is_empty() {
        return Err(invalid());
    }
    Ok(Duration::from_secs(total))
}

/// Writes a duration the way [`parse_age`] reads it, largest units first (`1d2h`, `25h` → `1d1h`).
pub fn format_age(d: Duration) -> String {
    let mut secs = d.as_secs();
    if secs == 0 {
        return "0s".to_owned();
    }
    let mut out = String::new();
    for (unit, size) in [("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)] {
        if secs >= size {
            let _ = write!(out, "{}{unit}", secs / size);
            secs %= size;
        }
    }
    out
}

/// Why a plan made at `made` may no longer be applied at `now`: another
/// calendar month (UTC), older than `max_age`, or dated in the future.
pub(crate) fn age_reasons(
    made: DateTime<Utc>,
    now: DateTime<Utc>,
    max_age: Duration,
) -> Vec<String> {
    let mut reasons = Vec::new();
    let month = |t: DateTime<Utc>| calendar::month_key(t.date_naive());
    if month(made) != month(now) {
        reasons.push(format!(
            "the plan was made in {} and it is now {} (UTC): renewals and month-to-date prices have changed since",
            month(made),
            month(now)
        ));
    }
    match (now - made).to_std() {
        Ok(age) if age > max_age => reasons.push(format!(
            "the plan is {} old, older than `--max-plan-age` {}",
            format_age(age),
            format_age(max_age)
        )),
        Ok(_) => {}
        Err(_) => {
            let ahead = (made - now).to_std().unwrap_or_default();
            if ahead > CLOCK_SKEW {
                reasons.push(format!(
                    "the plan is dated {} ahead of the current time ({})",
                    format_age(ahead),
                    now.to_rfc3339()
                ));
            }
        }
    }
    reasons
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn durations_parse_like_humantime() {
        for (text, secs) in [
            ("3600", 3600),
            ("90m", 5400),
            ("24h", 86_400),
            ("2d", 172_800),
            ("1h30m", 5400),
            ("1w", 604_800),
        ] {
            assert_eq!(parse_age(text), Ok(Duration::from_secs(secs)), "{text}");
        }
        for bad in ["", "h", "24x", "1.5h", "-1h", "24h3"] {
            assert!(parse_age(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn durations_format_largest_units_first() {
        assert_eq!(format_age(Duration::from_secs(90_000)), "1d1h");
        assert_eq!(format_age(Duration::from_secs(5400)), "1h30m");
        assert_eq!(parse_age(&format_age(Duration::from_secs(97_261))).unwrap().as_secs(), 97_261);
    }

    #[test]
    fn a_plan_from_last_month_is_stale_even_an_hour_later() {
        let r = age_reasons(
            t("2025-04-30T23:30:00Z"),
            t("2025-05-01T00:30:00Z"),
            Duration::from_secs(86_400),
        );
        assert_eq!(r.len(), 1, "{r:?}");
        assert!(r[0].contains("made in 2025-04 and it is now 2025-05"), "{r:?}");
    }

    #[test]
    fn a_plan_older_than_the_limit_is_stale() {
        let day = Duration::from_secs(86_400);
        let r = age_reasons(t("2025-04-10T00:00:00Z"), t("2025-04-11T01:00:00Z"), day);
        assert_eq!(r, ["the plan is 1d1h old, older than `--max-plan-age` 1d"]);
        assert!(age_reasons(t("2025-04-10T00:00:00Z"), t("2025-04-11T00:00:00Z"), day).is_empty());
    }

    #[test]
    fn a_plan_from_the_future_is_stale_beyond_clock_skew() {
        let day = Duration::from_secs(86_400);
        assert!(age_reasons(t("2025-04-10T00:04:00Z"), t("2025-04-10T00:00:00Z"), day).is_empty());
        let r = age_reasons(t("2025-04-10T02:00:00Z"), t("2025-04-10T00:00:00Z"), day);
        assert!(r[0].contains("2h ahead"), "{r:?}");
    }
}
