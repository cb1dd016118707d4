//! The control plane under `/_emulator/` (never under `/api/`, no key needed):
//! clock, accept/deny, faults, reset and a state dump. The same operations
//! are methods of [`super::Handle`] for in-process tests.
//!
//! Does network IO through the router in `mod.rs`, which hands it every call
//! under `/_emulator`. Bodies are JSON with keys in any case.
//!
//! | method & path | body | effect |
//! |---|---|---|
//! | `GET /_emulator/clock` | | `{"Now": "…"}` |
//! | `POST /_emulator/clock` | `{"Now": "2025-05-01"}` or `{"AdvanceDays": 21}` / `{"AdvanceSeconds": 60}` | moves the clock within 2000–2099 (else 400), renews on the 1st |
//! | `POST /_emulator/accept` | `{"TaskOrderGuid": "…"}` (or `?taskOrderGuid=`) | `Review` → `Preparing` |
//! | `POST /_emulator/deny` | same | `Review` → `Canceled`, refunded |
//! | `POST /_emulator/faults` | `{"Script": [{"Method", "Path", "Faults": [{"Kind": "TooManyRequests", "RetryAfterSecs": 0}]}], "Rates": {…}, "Modes": {"CamelCase": true, "ListLagMillis": 2000}, "Clear": true}` | injects faults |
//! | `POST /_emulator/reset` | | fresh state, no faults, empty call log |
//! | `GET /_emulator/state` | | the whole state as JSON |
//!
//! Fault kinds: `TooManyRequests`, `ServerError`, `Unavailable`, `CommitThenDrop`,
//! `Latency` and `Hang` (with `Millis`), `CommitThenFail` (with `Status` and
//! `RetryAfterSecs`), `Malformed` (with `Body`: `NullOrders`, `EmptyData`,
//! `RenamedKey` or `Html`).

use std::time::Duration;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveTime, Utc};
use serde::Deserialize;
use serde_json::json;

use super::canonical::canonical_keys;
use super::clock;
use super::faults::{Fault, Malformed, Modes};
use super::reply::json;
use super::{Call, FaultRates, Shared, State};
use clearsky::api::types::parse_date;

const KEYS: &[&str] = &[
    "Now",
    "AdvanceDays",
    "AdvanceSeconds",
    "TaskOrderGuid",
    "Script",
    "Method",
    "Path",
    "Faults",
    "Kind",
    "RetryAfterSecs",
    "Millis",
    "Rates",
    "TooManyRequests",
    "Unavailable",
    "ServerError",
    "CommitThenDrop",
    "LatencyJitterMs",
    "Clear",
    "Status",
    "Body",
    "Modes",
    "CamelCase",
    "ListLagMillis",
];

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct Body {
    now: Option<String>,
    advance_days: Option<i64>,
    advance_seconds: Option<i64>,
    task_order_guid: Option<String>,
    script: Vec<ScriptEntry>,
    rates: Option<Rates>,
    modes: Option<ModeSpec>,
    clear: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct ModeSpec {
    camel_case: bool,
    list_lag_millis: u64,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ScriptEntry {
    method: String,
    path: String,
    faults: Vec<FaultSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct FaultSpec {
    kind: String,
    #[serde(default)]
    retry_after_secs: Option<u64>,
    #[serde(default)]
    millis: u64,
    #[serde(default)]
    status: Option<u16>,
    #[serde(default)]
    body: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct Rates {
    too_many_requests: f64,
    retry_after_secs: Option<u64>,
    unavailable: f64,
    server_error: f64,
    commit_then_drop: f64,
    latency_jitter_ms: u64,
    method: Option<String>,
    path: Option<String>,
}

/// Serves one control-plane call.
pub(super) fn handle(shared: &Shared, call: &Call<'_>) -> Response {
    let (path, query, body) = (call.path.as_str(), &call.query, call.body);
    let body: Body = if body.iter().all(u8::is_ascii_whitespace) {
        Body::default()
    } else {
        let parsed = serde_json::from_slice(body).and_then(|mut v: serde_json::Value| {
            canonical_keys(&mut v, KEYS);
            serde_json::from_value(v)
        });
        match parsed {
            Ok(b) => b,
            Err(e) => return bad(&format!("invalid control body: {e}")),
        }
    };
    match (call.method, path) {
        ("GET", "/_emulator/clock") => clock(shared),
        ("POST", "/_emulator/clock") => {
            let target = if let Some(now) = &body.now {
                let Some(t) = parse_time(now) else { return bad(&format!("invalid time `{now}`")) };
                clock::check(t)
            } else {
                let now = shared.lock().state.now;
                clock::advanced(
                    now,
                    body.advance_days.unwrap_or(0),
                    body.advance_seconds.unwrap_or(0),
                )
            };
            match target {
                Ok(t) => shared.mutate(|s| s.set_now(t, &shared.config.models)),
                Err(e) => return bad(&e),
            }
            clock(shared)
        }
        ("POST", "/_emulator/accept" | "/_emulator/deny") => {
            let guid = body
                .task_order_guid
                .or_else(|| query.iter().find(|(k, _)| k == "taskorderguid").map(|kv| kv.1.clone()))
                .unwrap_or_default();
            let done = if path.ends_with("accept") {
                shared.mutate(|s| s.accept(&guid))
            } else {
                shared.mutate(|s| s.deny(&guid))
            };
            if done {
                json(StatusCode::OK, &json!({ "TaskOrderGuid": guid }))
            } else {
                json(
                    StatusCode::NOT_FOUND,
                    &json!({ "Error": "no order in Review with this GUID" }),
                )
            }
        }
        ("POST", "/_emulator/faults") => {
            let mut inner = shared.lock();
            if body.clear {
                inner.faults.clear();
            }
            for entry in body.script {
                let mut faults = Vec::new();
                for spec in &entry.faults {
                    match fault(spec) {
                        Some(f) => faults.push(f),
                        None => return bad(&format!("unknown fault kind `{}`", spec.kind)),
                    }
                }
                inner.faults.script(&entry.method, &entry.path, faults);
            }
            if let Some(r) = body.rates {
                inner.faults.set_rates(FaultRates {
                    too_many_requests: r.too_many_requests,
                    retry_after_secs: r.retry_after_secs.or(Some(1)),
                    unavailable: r.unavailable,
                    server_error: r.server_error,
                    commit_then_drop: r.commit_then_drop,
                    latency_jitter: Duration::from_millis(r.latency_jitter_ms),
                    route: r.method.zip(r.path),
                });
            }
            if let Some(m) = body.modes {
                inner.faults.modes = Modes {
                    camel_case: m.camel_case,
                    list_lag: Duration::from_millis(m.list_lag_millis),
                    estimate_percent: None,
                };
            }
            StatusCode::NO_CONTENT.into_response()
        }
        ("POST", "/_emulator/reset") => {
            shared.mutate(|s| *s = State::new(&shared.config));
            let mut inner = shared.lock();
            inner.faults.clear();
            inner.calls.clear();
            StatusCode::NO_CONTENT.into_response()
        }
        ("GET", "/_emulator/state") => json(StatusCode::OK, &shared.lock().state),
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

fn clock(shared: &Shared) -> Response {
    let now = shared.lock().state.now;
    json(StatusCode::OK, &json!({ "Now": now }))
}

fn bad(msg: &str) -> Response {
    json(StatusCode::BAD_REQUEST, &json!({ "Error": msg }))
}

/// Reads an RFC 3339 time or a `YYYY-MM-DD` date (midnight UTC).
pub fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s.trim()).map(|t| t.with_timezone(&Utc)).ok().or_else(|| {
        (s.trim().len() == 10)
            .then(|| parse_date(s.trim()))
            .flatten()
            .map(|d| d.and_time(NaiveTime::MIN).and_utc())
    })
}

fn fault(spec: &FaultSpec) -> Option<Fault> {
    let d = Duration::from_millis(spec.millis);
    Some(match spec.kind.to_ascii_lowercase().as_str() {
        "toomanyrequests" | "429" => {
            Fault::TooManyRequests { retry_after_secs: spec.retry_after_secs }
        }
        "busy" | "1003" => Fault::Busy,
        "servererror" | "500" => Fault::ServerError,
        "unavailable" | "503" => Fault::Unavailable,
        "committhendrop" => Fault::CommitThenDrop,
        "latency" => Fault::Latency(d),
        "hang" => Fault::Hang(d),
        "committhenfail" => Fault::CommitThenFail {
            status: spec.status.unwrap_or(500),
            retry_after_secs: spec.retry_after_secs,
        },
        "malformed" => {
            let wanted = spec.body.as_deref().unwrap_or("NullOrders");
            let kind = Malformed::ALL
                .into_iter()
                .find(|k| format!("{k:?}").eq_ignore_ascii_case(wanted))?;
            Fault::Malformed(kind)
        }
        _ => return None,
    })
}
