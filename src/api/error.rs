//! Errors of talking to the ClearSKY API, and the hints that say how to fix them.
//!
//! No IO. Every answer the API can give is mapped to one of these by
//! [`crate::api::response::handle`]; configuration problems (no key, a plain
//! `http://` URL for a remote host) are reported here too. No variant holds the
//! API key, so no message can show it.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Duration;

use super::types::{FieldErrors, codes};

/// An API failure.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The server refused the request: `Succeeded: false`, a 400, or another
    /// definite 4xx. Nothing was changed.
    #[error("{}", api_message(*status, *code, message, fields))]
    Api {
        /// HTTP status (200 when a 2xx carried `Succeeded: false`).
        status: u16,
        /// The envelope's `Error.Code`, absent in problem-details bodies.
        code: Option<i64>,
        /// The envelope's `Error.Message` or the problem-details `title`.
        message: String,
        /// Per-field messages from `Data` or the problem-details `errors`.
        fields: FieldErrors,
    },
    /// The API key was not accepted (401 or 403).
    #[error(
        "the ClearSKY API rejected the API key ({status}): check `CLEARSKY_API_KEY` or the file given to `--api-key-file`"
    )]
    Auth {
        /// 401 or 403.
        status: u16,
    },
    /// The thing looked up does not exist (404).
    #[error("{what} was not found")]
    NotFound {
        /// What was looked up, e.g. "order `c352…`".
        what: String,
    },
    /// The server is overloaded or failing (429 or 5xx); worth another try later.
    #[error("the ClearSKY API is unavailable ({})", status_text(*status))]
    Transient {
        /// 429 or a 5xx.
        status: u16,
        /// The server's `Retry-After`, when it sent one.
        retry_after: Option<Duration>,
    },
    /// The request got no HTTP answer (connect failure, timeout, broken connection).
    #[error("cannot reach the ClearSKY API ({request}): {reason}")]
    Transport {
        /// Method and path, e.g. "`GET /api/tasking/orders`".
        request: String,
        /// What went wrong, with its causes.
        reason: String,
        /// True when the connection was never made, so the request was never sent.
        not_sent: bool,
    },
    /// The answer could not be read.
    #[error("cannot read the ClearSKY API's answer to {request}: {reason}")]
    Decode {
        /// Method and path.
        request: String,
        /// What serde or the HTTP stack said.
        reason: String,
    },
    /// A retryable failure persisted through every attempt the policy allows.
    #[error("gave up after {attempts} attempt{}: {last}", if *attempts == 1 { "" } else { "s" })]
    GaveUp {
        /// How many requests were sent.
        attempts: u32,
        /// The last failure.
        last: Box<Error>,
    },
    /// No API key was given.
    #[error("no API key: set `CLEARSKY_API_KEY` or pass `--api-key-file PATH`")]
    MissingKey,
    /// The key file could not be read or is empty.
    #[error("cannot read the API key from `{}`{}", path.display(), if source.is_none() { ": the file is empty" } else { "" })]
    KeyFile {
        /// The file.
        path: PathBuf,
        /// Why it could not be read; `None` when it was empty.
        #[source]
        source: Option<std::io::Error>,
    },
    /// The base URL is not usable.
    #[error("invalid API URL `{url}`: {reason}")]
    InvalidUrl {
        /// As given.
        url: String,
        /// Why it was refused.
        reason: String,
    },
    /// The HTTP client could not be built (e.g. no TLS roots).
    #[error("cannot set up the HTTP client: {0}")]
    Setup(String),
}

impl Error {
    /// How to fix it, when known.
    pub fn hint(&self) -> Option<String> {
        let hint = match self {
            Self::Api { code: Some(codes::INSUFFICIENT_ORDER_CREDITS), .. } => {
                "top up the account's order credits, then run `skyform apply` again"
            }
            Self::Api { code: Some(codes::CONCURRENCY), .. } => {
                "too many requests run at once for this API key; try again in a moment"
            }
            Self::Api { fields, .. } if !fields.is_empty() => {
                "fix the fields listed above; a request the API refused is never retried"
            }
            Self::Auth { .. } => {
                "the key may be mistyped, revoked or lack permission; keys are managed at https://dashboard.clearsky.vision (Settings)"
            }
            Self::NotFound { .. } => {
                "if every request fails this way, check that `--api-url` points at the ClearSKY API"
            }
            Self::Transient { status: 429, .. } => {
                "the API key hit its rate limit; wait a moment and try again"
            }
            Self::Transient { .. } => "the ClearSKY API is having trouble; try again later",
            Self::Transport { .. } => "check the network connection and `--api-url`",
            Self::Decode { .. } => {
                "check that `--api-url` points at the ClearSKY API; run with `-v` to see the requests"
            }
            Self::GaveUp { last, .. } => return last.hint(),
            Self::MissingKey => {
                "create a key at https://dashboard.clearsky.vision (Settings), or use `--sandbox` to try skyform without an account"
            }
            Self::InvalidUrl { .. } => {
                "use an `https://` URL; plain `http://` is accepted only for 127.0.0.1, ::1 and localhost"
            }
            _ => return None,
        };
        Some(hint.to_owned())
    }

    /// True for failures a later identical request may not hit: 429, 500,
    /// 502, 503, 504 and transport errors.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Transient { status, .. } => matches!(status, 429 | 500 | 502 | 503 | 504),
            Self::Transport { .. } => true,
            Self::GaveUp { last, .. } => last.is_transient(),
            _ => false,
        }
    }

    /// The server's `Retry-After`, when the failure carried one.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Transient { retry_after, .. } => *retry_after,
            Self::GaveUp { last, .. } => last.retry_after(),
            _ => None,
        }
    }
}

fn status_text(status: u16) -> String {
    let reason = match status {
        429 => "429 Too Many Requests",
        500 => "500 Internal Server Error",
        502 => "502 Bad Gateway",
        503 => "503 Service Unavailable",
        504 => "504 Gateway Timeout",
        _ => return status.to_string(),
    };
    reason.to_owned()
}

fn api_message(status: u16, code: Option<i64>, message: &str, fields: &FieldErrors) -> String {
    let mut out = String::from("the ClearSKY API refused the request (");
    let _ = write!(out, "{status}");
    if let Some(code) = code {
        let _ = write!(out, ", code {code}");
    }
    out.push(')');
    let message = message.trim().trim_end_matches('.');
    if !message.is_empty() {
        let _ = write!(out, ": {}", lower_first(message));
    }
    for (field, messages) in fields {
        for m in messages {
            let _ = write!(out, "\n  `{field}`: {}", m.trim().trim_end_matches('.'));
        }
    }
    out
}

/// Lower-cases the first letter unless the first word looks like an acronym or a name (`API`, `Wkt`).
fn lower_first(s: &str) -> String {
    let first_word = s.split_whitespace().next().unwrap_or("");
    let mut chars = first_word.chars();
    let shouty = chars.next().is_some_and(char::is_uppercase) && chars.any(char::is_uppercase);
    if shouty {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars();
    if let Some(c) = it.next() {
        out.extend(c.to_lowercase());
    }
    out.extend(it);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_error_lists_every_field_message() {
        let mut fields = FieldErrors::new();
        fields.insert("Wkt".into(), vec!["Wkt must be a GEOMETRYCOLLECTION.".into()]);
        fields.insert("Model".into(), vec!["unknown model `Foo`".into(), "second".into()]);
        let e = Error::Api {
            status: 400,
            code: Some(992),
            message: "One or more validation errors occurred.".into(),
            fields,
        };
        assert_eq!(
            e.to_string(),
            "the ClearSKY API refused the request (400, code 992): one or more validation errors occurred\n  `Model`: unknown model `Foo`\n  `Model`: second\n  `Wkt`: Wkt must be a GEOMETRYCOLLECTION"
        );
        assert!(e.hint().unwrap().contains("never retried"));
    }

    #[test]
    fn auth_error_names_the_variable() {
        let e = Error::Auth { status: 401 };
        assert!(e.to_string().contains("`CLEARSKY_API_KEY`"));
        assert!(e.hint().is_some());
    }

    #[test]
    fn gave_up_counts_attempts_and_keeps_the_hint() {
        let e = Error::GaveUp {
            attempts: 5,
            last: Box::new(Error::Transient { status: 503, retry_after: None }),
        };
        assert_eq!(
            e.to_string(),
            "gave up after 5 attempts: the ClearSKY API is unavailable (503 Service Unavailable)"
        );
        assert_eq!(e.hint(), Error::Transient { status: 503, retry_after: None }.hint());
        assert!(e.is_transient());
    }

    #[test]
    fn acronyms_keep_their_case() {
        assert_eq!(lower_first("API key expired"), "API key expired");
        assert_eq!(lower_first("Order cannot be cancelled"), "order cannot be cancelled");
    }

    #[test]
    fn transient_statuses() {
        for (status, want) in [(429, true), (500, true), (503, true), (501, false), (505, false)] {
            let e = Error::Transient { status, retry_after: None };
            assert_eq!(e.is_transient(), want, "{status}");
        }
        assert!(!Error::Auth { status: 401 }.is_transient());
    }
}
