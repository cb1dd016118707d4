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
    /// The API key sent too many requests (429); the request was refused
    /// before anything was done, and may be sent again later.
    #[error("rate limited: the ClearSKY API refused this API key's request for now (429 Too Many Requests){}", wait_text(*retry_after))]
    RateLimited {
        /// The server's `Retry-After`, when it sent one.
        retry_after: Option<Duration>,
    },
    /// The server answered with a 5xx. Only 500, 502, 503 and 504 are worth
    /// another try (see [`Error::is_transient`]); the message says which.
    #[error("{}", server_message(*status, *retry_after))]
    Server {
        /// A status from 500 to 599.
        status: u16,
        /// The server's `Retry-After`, when it sent one.
        retry_after: Option<Duration>,
    },
    /// The request got no HTTP answer (connect failure, timeout, broken
    /// connection). Only a request never sent (`not_sent`) "cannot reach" the
    /// API; any other may have been processed.
    #[error("{}", transport_message(request, reason, *not_sent))]
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
            Self::RateLimited { .. } => {
                "the API key hit its rate limit; wait a moment and try again"
            }
            Self::Server { status, .. } => server_hint(*status),
            Self::Transport { .. } => "check the network connection and `--api-url`",
            Self::Decode { .. } => {
                "check that `--api-url` points at the ClearSKY API; run with `-v` to see the requests"
            }
            Self::GaveUp { last, .. } => return last.hint(),
            Self::MissingKey => {
                "create a key at https://dashboard.clearsky.vision (Settings), or use `--sandbox` to try skyform without an account"
            }
            Self::InvalidUrl { reason, .. }
                if reason.contains("http") || reason.contains("scheme") =>
            {
                "use an `https://` URL; plain `http://` is accepted only for 127.0.0.1, ::1 and localhost"
            }
            Self::InvalidUrl { .. } => {
                "give `--api-url` (or `CLEARSKY_API_URL`) as a base URL such as `https://api.clearsky.vision`"
            }
            _ => return None,
        };
        Some(hint.to_owned())
    }

    /// True for failures a later identical request may not hit: 429, 400
    /// with code 1003, 500, 502, 503, 504 and transport errors.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::RateLimited { .. } | Self::Transport { .. } => true,
            Self::Api { .. } => self.is_busy(),
            Self::Server { status, .. } => is_transient_status(*status),
            Self::GaveUp { last, .. } => last.is_transient(),
            _ => false,
        }
    }

    /// True for 400 with code 1003, "max concurrent requests reached": the
    /// account's `MaxConcurrentConnections` were all in use. The request was
    /// refused before anything was done; the error-code page says to retry
    /// after a backoff (docs D19, "Error codes").
    pub fn is_busy(&self) -> bool {
        match self {
            Self::Api { code: Some(code), .. } => *code == super::types::codes::CONCURRENCY,
            Self::GaveUp { last, .. } => last.is_busy(),
            _ => false,
        }
    }

    /// The server's `Retry-After`, when the failure carried one.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::RateLimited { retry_after } | Self::Server { retry_after, .. } => *retry_after,
            Self::GaveUp { last, .. } => last.retry_after(),
            _ => None,
        }
    }
}

/// True for the 5xx statuses that say "not now" rather than "not this".
fn is_transient_status(status: u16) -> bool {
    matches!(status, 500 | 502 | 503 | 504)
}

/// The message of a 5xx: "unavailable" only when trying again may help.
fn server_message(status: u16, retry_after: Option<Duration>) -> String {
    let text = match status {
        500 => "500 Internal Server Error",
        501 => "501 Not Implemented",
        502 => "502 Bad Gateway",
        503 => "503 Service Unavailable",
        504 => "504 Gateway Timeout",
        505 => "505 HTTP Version Not Supported",
        507 => "507 Insufficient Storage",
        508 => "508 Loop Detected",
        511 => "511 Network Authentication Required",
        _ => return format!("the ClearSKY API failed ({status}){}", wait_text(retry_after)),
    };
    let what = match status {
        _ if is_transient_status(status) => "is unavailable",
        501 | 505 => "does not support this request",
        511 => "cannot be reached without a network login",
        _ => "failed",
    };
    format!("the ClearSKY API {what} ({text}){}", wait_text(retry_after))
}

/// How to go on after a 5xx.
fn server_hint(status: u16) -> &'static str {
    match status {
        _ if is_transient_status(status) => "the ClearSKY API is having trouble; try again later",
        501 | 505 => {
            "trying again will not help: check that `--api-url` points at the ClearSKY API, and any proxy in between"
        }
        511 => "sign in to the network (a captive portal answered), then try again",
        _ => "trying again is unlikely to help; if it persists, contact ClearSKY support",
    }
}

/// A request without an HTTP answer: "cannot reach" only when it was never sent.
fn transport_message(request: &str, reason: &str, not_sent: bool) -> String {
    if not_sent {
        format!("cannot reach the ClearSKY API ({request}): {reason}")
    } else {
        format!("no complete answer from the ClearSKY API to {request}: {reason}")
    }
}

/// `; retry after N s` when the server sent a `Retry-After`.
fn wait_text(retry_after: Option<Duration>) -> String {
    retry_after.map(|d| format!("; retry after {} s", d.as_secs())).unwrap_or_default()
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
            last: Box::new(Error::Server { status: 503, retry_after: None }),
        };
        assert_eq!(
            e.to_string(),
            "gave up after 5 attempts: the ClearSKY API is unavailable (503 Service Unavailable)"
        );
        assert_eq!(e.hint(), Error::Server { status: 503, retry_after: None }.hint());
        assert!(e.is_transient());
    }

    #[test]
    fn acronyms_keep_their_case() {
        assert_eq!(lower_first("API key expired"), "API key expired");
        assert_eq!(lower_first("Order cannot be cancelled"), "order cannot be cancelled");
    }

    #[test]
    fn each_5xx_says_whether_trying_again_helps() {
        let later = "the ClearSKY API is having trouble; try again later";
        let not_again = "trying again will not help";
        let unlikely = "trying again is unlikely to help";
        #[rustfmt::skip]
        let table: [(u16, bool, &str, &str); 10] = [
            (500, true,  "the ClearSKY API is unavailable (500 Internal Server Error)", later),
            (501, false, "the ClearSKY API does not support this request (501 Not Implemented)", not_again),
            (502, true,  "the ClearSKY API is unavailable (502 Bad Gateway)", later),
            (503, true,  "the ClearSKY API is unavailable (503 Service Unavailable)", later),
            (504, true,  "the ClearSKY API is unavailable (504 Gateway Timeout)", later),
            (505, false, "the ClearSKY API does not support this request (505 HTTP Version Not Supported)", not_again),
            (507, false, "the ClearSKY API failed (507 Insufficient Storage)", unlikely),
            (508, false, "the ClearSKY API failed (508 Loop Detected)", unlikely),
            (511, false, "the ClearSKY API cannot be reached without a network login (511 Network Authentication Required)", "sign in to the network"),
            (599, false, "the ClearSKY API failed (599)", unlikely),
        ];
        for (status, transient, message, hint) in table {
            let e = Error::Server { status, retry_after: None };
            assert_eq!(e.is_transient(), transient, "{status}");
            assert_eq!(e.to_string(), message, "{status}");
            let got = e.hint().unwrap();
            assert!(got.starts_with(hint), "{status}: {got}");
            assert!(transient || !got.contains("try again later"), "{status}: {got}");
        }
    }

    #[test]
    fn a_rate_limit_is_transient_and_names_its_wait() {
        let e = Error::RateLimited { retry_after: Some(Duration::from_secs(7)) };
        assert!(e.is_transient());
        assert_eq!(e.retry_after(), Some(Duration::from_secs(7)));
        assert_eq!(
            e.to_string(),
            "rate limited: the ClearSKY API refused this API key's request for now (429 Too Many Requests); retry after 7 s"
        );
        assert!(e.hint().unwrap().contains("rate limit"));
        let e = Error::Server { status: 503, retry_after: Some(Duration::from_secs(2)) };
        assert!(e.to_string().ends_with("(503 Service Unavailable); retry after 2 s"), "{e}");
        assert!(!Error::Auth { status: 401 }.is_transient());
    }
}
