//! The ranges the API accepts for order fields, as published. The manifest
//! checks by them (and its JSON Schema states them); the emulator refuses by
//! them.
//!
//! Pure, no IO.

/// The whole numbers the API accepts for a field: from `min`, and up to `max`
/// where the API sets a largest value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Accepted {
    /// The smallest value accepted.
    pub min: u32,
    /// The largest value accepted, if any.
    pub max: Option<u32>,
}

impl Accepted {
    /// Returns true when the API accepts `n`.
    pub fn contains(self, n: i64) -> bool {
        n >= i64::from(self.min) && self.max.is_none_or(|max| n <= i64::from(max))
    }

    /// Says the range in words, for messages: `at least 1`, `between 1 and 7`.
    pub fn rule(self) -> String {
        match self.max {
            Some(max) => format!("between {} and {max}", self.min),
            None => format!("at least {}", self.min),
        }
    }
}

/// `StorageMonths`: months the data is stored, at least 1.
pub const STORAGE_MONTHS: Accepted = Accepted { min: 1, max: None };

/// `ApiRequests`: the download allowance, at least 1.
pub const API_REQUESTS: Accepted = Accepted { min: 1, max: None };

/// `ImageFrequency`: days between images, from 1 (daily) to 7 (weekly).
pub const IMAGE_FREQUENCY_DAYS: Accepted = Accepted { min: 1, max: Some(7) };

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_contain_their_ends_and_say_themselves() {
        assert!(IMAGE_FREQUENCY_DAYS.contains(1) && IMAGE_FREQUENCY_DAYS.contains(7));
        assert!(!IMAGE_FREQUENCY_DAYS.contains(0) && !IMAGE_FREQUENCY_DAYS.contains(8));
        assert!(STORAGE_MONTHS.contains(i64::MAX) && !STORAGE_MONTHS.contains(0));
        assert_eq!(IMAGE_FREQUENCY_DAYS.rule(), "between 1 and 7");
        assert_eq!(API_REQUESTS.rule(), "at least 1");
    }
}
