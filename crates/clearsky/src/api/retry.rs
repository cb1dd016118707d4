//! The retry policy: which failures are worth another attempt, and how long to wait.
//!
//! Pure: the policy decides and never sleeps; the client and apply do the
//! waiting through the client's injectable sleeper. Randomness (full jitter) comes in as a
//! number in `[0, 1)` so every decision is reproducible in tests. Only requests
//! that change nothing (reads, searches, estimates) are retried by
//! [`RetryPolicy::decide`]; a create is sent again only after a refusal that
//! bought nothing (a 429), after [`RetryPolicy::resend_wait`] (see
//! [`crate::api::CreateOutcome`]).

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

/// A wait the policy decided on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wait {
    /// How long to wait.
    pub duration: Duration,
    /// The server's `Retry-After` when it was longer than the policy allows
    /// and `duration` is the cap instead; the caller should say so.
    pub capped_from: Option<Duration>,
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

    /// How long to wait before sending a create again after the server
    /// refused send number `attempt` (1-based) with a 429, which bought nothing.
    ///
    /// The server's `Retry-After` is waited out, but never longer than
    /// [`RetryPolicy::cap`]: a date a day away must not hold apply for a day.
    /// Without one, the full-jitter backoff, so that creates refused together
    /// are not sent again together.
    pub fn resend_wait(&self, attempt: u32, retry_after: Option<Duration>, unit: f64) -> Wait {
        match retry_after {
            Some(asked) if asked > self.cap => {
                Wait { duration: self.cap, capped_from: Some(asked) }
            }
            Some(asked) => Wait { duration: asked, capped_from: None },
            None => Wait { duration: self.backoff(attempt, unit), capped_from: None },
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
    use crate::api::request;
    use crate::api::response::{Reply, handle};

    /// The error the response handler makes of an empty answer with `status`.
    fn answered(status: u16, retry_after: Option<Duration>) -> Error {
        let reply = Reply { status, retry_after, body: Vec::new() };
        handle::<serde_json::Value>(&request::models(), &reply).unwrap_err()
    }

    fn transient(status: u16) -> Error {
        answered(status, None)
    }

    #[test]
    fn retries_exactly_the_transient_statuses() {
        let p = RetryPolicy::default();
        let retried =
            |status| matches!(p.decide(1, &transient(status), 0.5), Decision::RetryAfter(_));
        #[rustfmt::skip]
        let table = [
            (400, false), (401, false), (403, false), (404, false), (408, false), (409, false),
            (429, true),
            (500, true), (501, false), (502, true), (503, true), (504, true), (505, false),
            (507, false), (511, false), (599, false),
        ];
        for (status, want) in table {
            assert_eq!(retried(status), want, "{status}");
            assert_eq!(transient(status).is_transient(), want, "{status}");
        }
        let broken =
            Error::Transport { request: "r".into(), reason: "reset".into(), not_sent: false };
        assert!(matches!(p.decide(1, &broken, 0.5), Decision::RetryAfter(_)));
        let refused = |code: i64| {
            let body = serde_json::json!({
                "Data": null, "Succeeded": false, "Error": {"Message": "m", "Code": code}
            });
            let body = serde_json::to_vec(&body).unwrap();
            let reply = Reply { status: 400, retry_after: None, body };
            handle::<serde_json::Value>(&request::models(), &reply).unwrap_err()
        };
        let busy = refused(1003);
        assert!(busy.is_busy() && busy.is_transient(), "1003: max concurrent requests reached");
        assert!(matches!(p.decide(1, &busy, 0.5), Decision::RetryAfter(_)));
        assert_eq!(p.decide(1, &refused(992), 0.5), Decision::Stop);
    }

    #[test]
    fn only_a_retried_status_is_told_to_try_again_later() {
        for status in [500, 501, 502, 503, 504, 505, 507, 599] {
            let e = transient(status);
            let later = e.hint().is_some_and(|h| h.contains("try again later"));
            assert_eq!(later, e.is_transient(), "{status}: {e}");
            assert_eq!(e.to_string().contains("unavailable"), e.is_transient(), "{status}: {e}");
        }
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
        let e = answered(429, Some(Duration::from_secs(7)));
        assert_eq!(p.decide(1, &e, 0.0), Decision::RetryAfter(Duration::from_secs(7)));
        let e = answered(503, Some(Duration::from_secs(3600)));
        assert_eq!(p.decide(1, &e, 0.0), Decision::Stop);
        let e = answered(501, Some(Duration::from_secs(1)));
        assert_eq!(p.decide(1, &e, 0.0), Decision::Stop, "a 501 is not retried, whatever it asks");
    }

    #[test]
    fn a_create_resend_waits_the_retry_after_up_to_the_cap() {
        let p = RetryPolicy::default();
        let secs = Duration::from_secs;
        let exact = |d| Wait { duration: d, capped_from: None };
        assert_eq!(p.resend_wait(1, Some(secs(3)), 0.9), exact(secs(3)));
        assert_eq!(p.resend_wait(1, Some(secs(30)), 0.9), exact(secs(30)));
        assert_eq!(
            p.resend_wait(1, Some(secs(86_400)), 0.9),
            Wait { duration: secs(30), capped_from: Some(secs(86_400)) }
        );
        assert_eq!(p.resend_wait(1, None, 0.5), exact(Duration::from_millis(250)));
        assert_eq!(p.resend_wait(3, None, 1.0), exact(secs(2)));
        assert_eq!(p.resend_wait(9, None, 1.0), exact(secs(30)));
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
