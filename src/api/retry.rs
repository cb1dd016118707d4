//! The retry policy: which failures are worth another attempt, and how long to wait.
//!
//! Pure: the policy decides and never sleeps; the client does the waiting
//! through its injectable sleeper. Randomness (full jitter) comes in as a
//! number in `[0, 1)` so every decision is reproducible in tests. Only requests
//! that change nothing (reads, searches, estimates) go through this policy; a
//! create is never retried (see [`crate::api::CreateOutcome`]).

use std::time::{Duration, SystemTime};

use super::Error;

/// How often and how patiently to retry transient failures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Most requests sent in total, the first one included (at least 1).
    pub max_attempts: u32,
    /// Backoff before the second attempt, doubled each time (before jitter).
    pub base: Duration,
    /// Upper bound of the backoff (before jitter).
    pub cap: Duration,
    /// A `Retry-After` longer than this ends the retries instead of being waited out.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 5,
            base: Duration::from_millis(500),
            cap: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(120),
        }
    }
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Wait this long, then send the request again.
    RetryAfter(Duration),
    /// Return the failure: it is not transient, or the policy's patience ran out.
    Stop,
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn never() -> Self {
        Self { max_attempts: 1, ..Self::default() }
    }

    /// Decides what follows failed attempt number `attempt` (1-based).
    ///
    /// `unit` is a random number in `[0, 1)` that scales the backoff (full
    /// jitter); a server-sent `Retry-After` is waited out exactly instead.
    pub fn decide(&self, attempt: u32, error: &Error, unit: f64) -> Decision {
        if !error.is_transient() || attempt >= self.max_attempts {
            return Decision::Stop;
        }
        match error.retry_after() {
            Some(wait) if wait > self.max_retry_after => Decision::Stop,
            Some(wait) => Decision::RetryAfter(wait),
            None => Decision::RetryAfter(self.backoff(attempt, unit)),
        }
    }

    /// The full-jitter backoff after failed attempt `attempt` (1-based):
    /// `unit × min(cap, base × 2^(attempt − 1))`.
    pub fn backoff(&self, attempt: u32, unit: f64) -> Duration {
        let exp = attempt.saturating_sub(1).min(30);
        let ceiling = self.base.saturating_mul(1 << exp).min(self.cap);
        ceiling.mul_f64(unit.clamp(0.0, 1.0))
    }
}

/// Reads a `Retry-After` header: delay-seconds or an HTTP date (RFC 9110 §10.2.3).
///
/// A date in the past means "now" (zero); anything unreadable is ignored.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn transient(status: u16) -> Error {
        Error::Transient { status, retry_after: None }
    }

    #[test]
    fn retries_exactly_the_transient_statuses() {
        let p = RetryPolicy::default();
        for status in [429, 500, 502, 503, 504] {
            assert!(matches!(p.decide(1, &transient(status), 0.5), Decision::RetryAfter(_)));
        }
        for status in [501, 505] {
            assert_eq!(p.decide(1, &transient(status), 0.5), Decision::Stop, "{status}");
        }
        let refused = Error::Api {
            status: 400,
            code: Some(992),
            message: String::new(),
            fields: crate::api::types::FieldErrors::new(),
        };
        assert_eq!(p.decide(1, &refused, 0.5), Decision::Stop);
        assert_eq!(p.decide(1, &Error::Auth { status: 401 }, 0.5), Decision::Stop);
        assert_eq!(p.decide(1, &Error::NotFound { what: "x".into() }, 0.5), Decision::Stop);
        let broken =
            Error::Transport { request: "r".into(), reason: "reset".into(), not_sent: false };
        assert!(matches!(p.decide(1, &broken, 0.5), Decision::RetryAfter(_)));
    }

    #[test]
    fn backoff_doubles_from_the_base_and_stops_at_the_cap() {
        let p = RetryPolicy::default();
        let full: Vec<_> = (1..=8).map(|a| p.backoff(a, 1.0).as_millis()).collect();
        assert_eq!(full, [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000]);
        assert_eq!(p.backoff(3, 0.25), Duration::from_millis(500));
        assert_eq!(p.backoff(3, 0.0), Duration::ZERO);
        assert_eq!(p.backoff(u32::MAX, 1.0), Duration::from_secs(30));
    }

    #[test]
    fn jitter_scales_the_wait() {
        let p = RetryPolicy::default();
        assert_eq!(
            p.decide(2, &transient(503), 0.5),
            Decision::RetryAfter(Duration::from_millis(500))
        );
        assert_eq!(
            p.decide(2, &transient(503), 0.1),
            Decision::RetryAfter(Duration::from_millis(100))
        );
    }

    #[test]
    fn stops_after_max_attempts() {
        let p = RetryPolicy { max_attempts: 3, ..RetryPolicy::default() };
        assert!(matches!(p.decide(2, &transient(503), 0.5), Decision::RetryAfter(_)));
        assert_eq!(p.decide(3, &transient(503), 0.5), Decision::Stop);
        assert_eq!(RetryPolicy::never().decide(1, &transient(503), 0.5), Decision::Stop);
    }

    #[test]
    fn retry_after_replaces_the_backoff_unless_too_long() {
        let p = RetryPolicy::default();
        let e = Error::Transient { status: 429, retry_after: Some(Duration::from_secs(7)) };
        assert_eq!(p.decide(1, &e, 0.0), Decision::RetryAfter(Duration::from_secs(7)));
        let e = Error::Transient { status: 503, retry_after: Some(Duration::from_secs(3600)) };
        assert_eq!(p.decide(1, &e, 0.0), Decision::Stop);
    }

    #[test]
    fn parses_retry_after_seconds_and_dates() {
        let now = httpdate::parse_http_date("Wed, 21 Oct 2015 07:28:00 GMT").unwrap();
        assert_eq!(parse_retry_after("120", now), Some(Duration::from_secs(120)));
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:09 GMT", now),
            Some(Duration::from_secs(9))
        );
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-3", now), None);
    }
}
