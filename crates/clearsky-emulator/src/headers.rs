//! Headers of the API plane: the `Date` of every answer is the emulator's
//! clock, and calls without `Content-Type: application/json` are counted.
//!
//! No IO of its own; `routes` calls it for every `/api` call.
//!
//! - `Date`: HTTP servers stamp each answer with their time (RFC 9110
//!   §6.6.1); the emulator's time is its controllable clock, so a client
//!   that takes "today" from the server sees the emulator's month.
//! - `Content-Type`: the docs list `Content-Type: application/json` as a
//!   required header on every call (seed page "Tasking / Order Endpoints",
//!   "Required headers"; authentication page D16). What the service does
//!   without it is not documented, so the emulator serves the call and
//!   counts it ([`super::Handle::calls_without_content_type`]) for the tests.

use std::sync::atomic::Ordering;

use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;

use super::Shared;

/// Counts the call when it lacks `Content-Type: application/json`.
pub(super) fn check_content_type(shared: &Shared, headers: &HeaderMap) {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
    if !json {
        shared.untyped_calls.fetch_add(1, Ordering::Relaxed);
    }
}

/// Sets the answer's `Date` to the emulator's clock.
pub(super) fn stamp(shared: &Shared, response: &mut Response) {
    let now = shared.lock().state.now;
    let date = httpdate::fmt_http_date(now.into());
    if let Ok(value) = HeaderValue::from_str(&date) {
        response.headers_mut().insert(header::DATE, value);
    }
}
