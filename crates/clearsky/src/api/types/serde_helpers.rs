//! Lenient decoding shared by the wire types: dates with or without a time,
//! `null` lists, numbers sent as strings.
//!
//! Pure, no IO.

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer};

/// Reads a list, `null` or a missing member as empty.
pub(super) fn null_as_empty<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// Reads a string, or a number as its text; `null` as empty.
pub(super) fn string_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(match Option::<serde_json::Value>::deserialize(d)? {
        Some(serde_json::Value::String(s)) => s,
        Some(serde_json::Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    })
}

/// Parses `YYYY-MM-DD`, also when followed by a time (`2025-04-01T00:00:00Z`).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let day = s.get(..10).unwrap_or(s);
    NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()
}

/// Serde for a date written as `YYYY-MM-DD` and read leniently.
pub mod lenient_date {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    /// Writes `YYYY-MM-DD`.
    pub fn serialize<S: Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(d)
    }

    /// Reads `YYYY-MM-DD` or an ISO date-time.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        let s = String::deserialize(d)?;
        super::parse_date(&s).ok_or_else(|| D::Error::custom(format!("invalid date `{s}`")))
    }
}

/// Like [`lenient_date`] for an optional date; `None` is written as `null`.
pub mod lenient_date_opt {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    /// Writes `YYYY-MM-DD` or `null`.
    #[allow(clippy::ref_option)]
    pub fn serialize<S: Serializer>(d: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.collect_str(d),
            None => s.serialize_none(),
        }
    }

    /// Reads `YYYY-MM-DD`, an ISO date-time, `null` or an empty string.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(s) if s.trim().is_empty() => Ok(None),
            Some(s) => super::parse_date(&s)
                .map(Some)
                .ok_or_else(|| D::Error::custom(format!("invalid date `{s}`"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_read_with_or_without_a_time() {
        let day = NaiveDate::from_ymd_opt(2025, 4, 1);
        assert_eq!(parse_date("2025-04-01"), day);
        assert_eq!(parse_date("2025-04-01T00:00:00Z"), day);
        assert_eq!(parse_date("01/04/2025"), None);
    }
}
