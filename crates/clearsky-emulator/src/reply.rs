//! The emulator's answers: JSON bodies, the `ServiceResult` envelope of a
//! success, and [`Refusal`], the one type for every request turned away.
//!
//! No IO of its own: it builds axum responses that the router sends. The API
//! plane (`routes`) and the control plane (`control`) both answer through it.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use clearsky::api::types::{Envelope, ErrorBody, FieldErrors, ProblemDetails, codes};

/// The message of every 400/992 answer, as ASP.NET words it.
const VALIDATION_MESSAGE: &str = "One or more validation errors occurred.";

/// A request turned away, in one of the two shapes the service answers with.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Refusal {
    /// The JSON could not be parsed or bound: ASP.NET problem details (400)
    /// with this message under `$`.
    Unbound(String),
    /// Understood but refused: an envelope with `Succeeded: false`.
    Failed {
        /// HTTP status: 400 or 404.
        status: StatusCode,
        /// `Error.Code`.
        code: i64,
        /// `Error.Message`.
        message: String,
        /// `Data`: messages per field, for a validation error.
        fields: Option<FieldErrors>,
    },
}

impl Refusal {
    /// Returns a 400/992 carrying a message per field.
    pub(crate) fn invalid(fields: FieldErrors) -> Self {
        Self::Failed {
            status: StatusCode::BAD_REQUEST,
            code: codes::VALIDATION,
            message: VALIDATION_MESSAGE.to_owned(),
            fields: Some(fields),
        }
    }

    /// Returns a 400/992 with one message on one field.
    pub(crate) fn field(field: &str, message: &str) -> Self {
        Self::invalid(FieldErrors::from([(field.to_owned(), vec![message.to_owned()])]))
    }

    /// Returns a 404 with this message.
    pub(crate) fn not_found(message: String) -> Self {
        Self::Failed {
            status: StatusCode::NOT_FOUND,
            code: codes::NOT_FOUND,
            message,
            fields: None,
        }
    }

    /// Returns the 400/1003 of a call beyond the account's concurrent
    /// connections (docs D19: "Max concurrent requests reached"; the message
    /// wording is the emulator's).
    pub(crate) fn busy(limit: Option<usize>) -> Self {
        let message = match limit {
            Some(n) => format!("Max concurrent requests reached ({n} allowed)"),
            None => "Max concurrent requests reached".to_owned(),
        };
        Self::Failed {
            status: StatusCode::BAD_REQUEST,
            code: codes::CONCURRENCY,
            message,
            fields: None,
        }
    }

    /// Returns the 400/995 of an order that costs more than the credits available.
    pub(crate) fn insufficient_credits(cost: f64, available: f64) -> Self {
        Self::Failed {
            status: StatusCode::BAD_REQUEST,
            code: codes::INSUFFICIENT_ORDER_CREDITS,
            message: format!(
                "Insufficient order credits: the order costs {cost:.2} EUR, {available:.2} EUR available"
            ),
            fields: None,
        }
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Self::Unbound(message) => {
                let body = ProblemDetails {
                    r#type: Some("https://tools.ietf.org/html/rfc9110#section-15.5.1".to_owned()),
                    title: VALIDATION_MESSAGE.to_owned(),
                    status: 400,
                    errors: FieldErrors::from([("$".to_owned(), vec![message])]),
                    trace_id: Some("00-emulator-0000000000000000-00".to_owned()),
                };
                let mut resp = json(StatusCode::BAD_REQUEST, &body);
                resp.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/problem+json; charset=utf-8"),
                );
                resp
            }
            Self::Failed { status, code, message, fields } => {
                let body = Envelope {
                    data: fields,
                    succeeded: false,
                    error: Some(ErrorBody { message, code }),
                };
                json(status, &body)
            }
        }
    }
}

/// Answers `body` as JSON with this status; 500 when it cannot be serialized.
pub(super) fn json(status: StatusCode, body: &impl Serialize) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => (status, [(header::CONTENT_TYPE, "application/json; charset=utf-8")], bytes)
            .into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// Answers 200 with `data` in a succeeded envelope.
pub(super) fn ok<T: Serialize>(data: T) -> Response {
    json(StatusCode::OK, &Envelope::ok(data))
}

/// Answers 200 with a succeeded envelope whose `Data` is null.
pub(super) fn ok_null() -> Response {
    json(StatusCode::OK, &Envelope::<()> { data: None, succeeded: true, error: None })
}

/// Answers 200 with `data`, or the refusal.
pub(super) fn answer<T: Serialize>(result: Result<T, Refusal>) -> Response {
    match result {
        Ok(data) => ok(data),
        Err(refusal) => refusal.into_response(),
    }
}
