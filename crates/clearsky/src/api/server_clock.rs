//! The server's clock as its answers tell it: the HTTP `Date` header
//! (RFC 9110 §6.6.1) of the latest answer, moved on by the time elapsed since.
//!
//! No IO: the client hands each answer's header to [`ServerClock::record`];
//! reading the time uses the monotonic clock only. Month boundaries decide
//! billing and cancel rules, and the server's month is the one that counts,
//! so plans are made for this time rather than the machine's.

use std::sync::{Arc, Mutex};
use std::time::{Instant, SystemTime};

use chrono::{DateTime, Utc};

/// A server time and the moment it was read.
type Reading = (DateTime<Utc>, Instant);

/// The latest `Date` the server sent; shared by clones of the client.
#[derive(Debug, Clone, Default)]
pub struct ServerClock {
    seen: Arc<Mutex<Option<Reading>>>,
}

impl ServerClock {
    /// Records the `Date` header of an answer; an unreadable one is ignored.
    pub fn record(&self, header: &str) {
        let Ok(at) = httpdate::parse_http_date(header.trim()) else { return };
        self.record_time(at);
    }

    /// Records a server time read just now.
    pub fn record_time(&self, at: SystemTime) {
        let at = DateTime::<Utc>::from(at);
        *self.seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner) =
            Some((at, Instant::now()));
    }

    /// The server's time now, when any answer carried a `Date`.
    pub fn now(&self) -> Option<DateTime<Utc>> {
        let seen = *self.seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let (at, when) = seen?;
        let elapsed = chrono::Duration::from_std(when.elapsed()).unwrap_or_default();
        Some(at + elapsed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_date_header_and_ignores_garbage() {
        let clock = ServerClock::default();
        assert_eq!(clock.now(), None);
        clock.record("not a date");
        assert_eq!(clock.now(), None);
        clock.record("Thu, 10 Apr 2025 12:00:00 GMT");
        let now = clock.now().unwrap();
        assert_eq!(now.date_naive().to_string(), "2025-04-10");
        assert!(now.timestamp() - 1_744_286_400 < 5);
        let shared = clock.clone();
        shared.record("Fri, 30 May 2025 23:59:59 GMT");
        assert_eq!(clock.now().unwrap().date_naive().to_string(), "2025-05-30");
    }
}
