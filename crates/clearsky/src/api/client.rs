//! The client: sends [`Request`]s, retries what is safe to retry, and reports
//! creates and cancels as outcomes the caller must match.
//!
//! Does network IO (reqwest with rustls, on tokio). The `x-api-key` header is
//! added here, marked sensitive, and never logged; each attempt is logged at
//! debug level with method, path, status, attempt and duration.

use std::fmt;
use std::time::{Instant, SystemTime};

use serde::de::{DeserializeOwned, IgnoredAny};

use super::Error;
use super::body::{self, BodyError};
use super::config::Config;
use super::request::{self, Idempotency, ListQuery, Method, Request};
use super::response::{self, Reply};
use super::retry::{Decision, RetryPolicy, parse_retry_after};
use super::server_clock::ServerClock;
use super::types::{
    AccountInfo, ApiKeyInfo, Estimate, OrderRequest, TaskOrder, TaskOrders, TaskingModels,
    TileSearch, TileSearchRequest,
};

/// The result of a create, which is sent exactly once and never retried.
///
/// Creating an order spends money and the API has no idempotency key, so the
/// three cases must stay apart: only `Rejected` proves nothing was bought.
/// There is deliberately no conversion to `Result`.
#[must_use = "an `Unknown` create may have bought an order: re-list before trying again"]
#[derive(Debug)]
pub enum CreateOutcome {
    /// The order exists; this is the server's copy.
    Created(TaskOrder),
    /// The server gave a definite "no" before doing anything: nothing was bought.
    ///
    /// This covers an envelope with `Succeeded: false`, a 4xx whose body says
    /// why (an error code or messages per field), 401, 403 and 404, and a
    /// connection that was never made (the only case worth sending again).
    Rejected(Error),
    /// No definite answer: the order may exist. Re-list and match before
    /// sending again, and send again only when a list shows no such order.
    ///
    /// This covers a timeout or broken connection, 408, 429, 5xx, an
    /// unreadable 2xx, and a 4xx whose body does not say why. A 429 is
    /// usually a rate limiter's refusal, but a server has been seen to store
    /// the order and still answer 429.
    Unknown(Error),
}

/// What a cancel did, decided from the server's answer and the order as read
/// before and after it.
#[must_use]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CancelOutcome {
    /// The order was in `Review`: it is gone and its cost refunded.
    Removed,
    /// The order was accepted and recurring: the current month is still
    /// produced and paid, but it will not renew.
    RenewalStopped,
    /// The server refused (an accepted fixed-window order, or a renewal already stopped).
    NotCancellable(String),
}

/// A ClearSKY API client; cheap to clone (clones share the connection pool).
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    config: Config,
    clock: ServerClock,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client").field("config", &self.config).finish_non_exhaustive()
    }
}

impl Client {
    /// Builds a client with the configuration's timeouts.
    pub fn new(config: Config) -> Result<Self, Error> {
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            // reqwest keeps custom headers across redirects, even to another
            // host: following one could hand `x-api-key` to a stranger. The
            // API never redirects, so a 3xx is reported as an unexpected answer.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::Setup(error_chain(&e)))?;
        Ok(Self { http, config, clock: ServerClock::default() })
    }

    /// The configuration in use.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The server's time, from the `Date` header of its latest answer (none
    /// before the first answer, or when the server sends no `Date`).
    pub fn server_now(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.clock.now()
    }

    /// `GET /api/tasking/models`: the models and the constellations each supports.
    pub async fn models(&self) -> Result<TaskingModels, Error> {
        self.call(&request::models()).await
    }

    /// `POST /api/tasking/search/tiles`.
    pub async fn search_tiles(&self, search: &TileSearchRequest) -> Result<TileSearch, Error> {
        self.call(&request::search_tiles(search)).await
    }

    /// `POST /api/tasking/orders/estimate`: the price of an order (free).
    pub async fn estimate(&self, order: &OrderRequest) -> Result<Estimate, Error> {
        self.call(&request::estimate(order)).await
    }

    /// `POST /api/tasking/orders`, sent exactly once: see [`CreateOutcome`].
    pub async fn create(&self, order: &OrderRequest) -> CreateOutcome {
        let req = request::create(order);
        match self.send(&req, 1).await {
            Ok(reply) => create_outcome(&reply, response::handle(&req, &reply)),
            Err(e @ Error::Transport { not_sent: true, .. }) => CreateOutcome::Rejected(e),
            Err(e) => CreateOutcome::Unknown(e),
        }
    }

    /// `GET /api/tasking/orders`.
    ///
    /// Fails closed: an answer without an array of orders is an error, never
    /// an empty account.
    pub async fn list(&self, query: ListQuery) -> Result<Vec<TaskOrder>, Error> {
        let orders: TaskOrders = self.call(&request::list(query)).await.map_err(|e| match e {
            Error::Decode { request, reason } => Error::Decode {
                request,
                reason: format!(
                    "{reason}; an answer without a list of orders is not taken for an \
                     account without orders"
                ),
            },
            other => other,
        })?;
        Ok(orders.task_orders)
    }

    /// Every order of the account, expired ones included: the one list every
    /// decision reads (an expired historical order still satisfies its entry,
    /// so it must never look absent). Fails closed, as [`Client::list`].
    pub async fn list_all(&self) -> Result<Vec<TaskOrder>, Error> {
        self.list(ListQuery { get_expired: true, ..ListQuery::default() }).await
    }

    /// The given orders, expired ones included, in the order asked for;
    /// GUIDs the account does not have are left out.
    ///
    /// Reads the documented list endpoint and filters it (the details endpoint's
    /// method and parameters differ between sources).
    pub async fn details(&self, guids: &[String]) -> Result<Vec<TaskOrder>, Error> {
        let all = self.list(ListQuery { recurring_only: false, get_expired: true }).await?;
        Ok(guids
            .iter()
            .filter_map(|g| all.iter().find(|o| o.task_order_guid.eq_ignore_ascii_case(g)))
            .cloned()
            .collect())
    }

    /// One order, or [`Error::NotFound`].
    pub async fn order(&self, guid: &str) -> Result<TaskOrder, Error> {
        self.details(&[guid.to_owned()])
            .await?
            .pop()
            .ok_or_else(|| Error::NotFound { what: format!("order `{guid}`") })
    }

    /// `DELETE /api/tasking/orders/cancel`: removes an order in `Review`, or
    /// stops the renewal of an accepted recurring one.
    ///
    /// Reads the order before (for its status) and after (to see what
    /// changed). A cancel is retried like a read: repeating it cannot cost
    /// money, and when a retry meets a 400 or 404 because an earlier attempt
    /// had in fact worked, the read afterwards tells.
    pub async fn cancel(&self, guid: &str) -> Result<CancelOutcome, Error> {
        let before = self.order(guid).await?;
        let sent: Result<IgnoredAny, Error> = self.call(&request::cancel(guid)).await;
        let after = self.details(&[guid.to_owned()]).await.map(|mut v| v.pop());
        let seen = after.ok().and_then(|after| visible_cancel(&before, after.as_ref()));
        match (sent, seen) {
            (_, Some(outcome)) => Ok(outcome),
            (Ok(_), None) if before.ordering_process_status.is_review() => {
                Ok(CancelOutcome::Removed)
            }
            (Ok(_), None) => Ok(CancelOutcome::RenewalStopped),
            (Err(Error::Api { status: 400..=499, message, fields, .. }), None) => {
                Ok(CancelOutcome::NotCancellable(refusal_text(&message, &fields)))
            }
            (Err(e), None) => Err(e),
        }
    }

    /// `GET /api/account/info`.
    pub async fn account_info(&self) -> Result<AccountInfo, Error> {
        self.call(&request::account_info()).await
    }

    /// `GET /api/apikey/info` (legacy): credits and this month's costs.
    pub async fn apikey_info(&self) -> Result<ApiKeyInfo, Error> {
        self.call(&request::apikey_info()).await
    }

    /// Sends a request, retrying transient failures if it is safe to, and
    /// maps the answer through [`response::handle`].
    pub async fn call<T: DeserializeOwned>(&self, req: &Request) -> Result<T, Error> {
        let policy = match req.idempotency {
            Idempotency::Safe => &self.config.retry,
            Idempotency::Once => &RetryPolicy::never(),
        };
        let mut attempt = 1;
        loop {
            let result = match self.send(req, attempt).await {
                Ok(reply) => response::handle(req, &reply),
                Err(e) => Err(e),
            };
            let error = match result {
                Ok(data) => return Ok(data),
                Err(e) => e,
            };
            match policy.decide(attempt, &error, (self.config.jitter)()) {
                Decision::RetryAfter(wait) => {
                    tracing::debug!(
                        method = req.method.as_str(),
                        path = req.path.as_str(),
                        attempt,
                        wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                        "retrying: {error}"
                    );
                    (self.config.sleeper)(wait).await;
                    attempt += 1;
                }
                Decision::Stop if error.is_transient() && req.idempotency == Idempotency::Safe => {
                    return Err(Error::GaveUp { attempts: attempt, last: Box::new(error) });
                }
                Decision::Stop => return Err(error),
            }
        }
    }

    /// Sends one attempt and reads the whole answer.
    async fn send(&self, req: &Request, attempt: u32) -> Result<Reply, Error> {
        let url = format!("{}{}", self.config.base_url, req.path);
        let method = match req.method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Delete => reqwest::Method::DELETE,
        };
        let mut key =
            reqwest::header::HeaderValue::from_str(self.config.key.expose()).map_err(|_| {
                Error::Setup("the API key contains characters not allowed in an HTTP header".into())
            })?;
        key.set_sensitive(true);
        let mut builder = self.http.request(method, url).header("x-api-key", key);
        for (name, value) in &req.headers {
            builder = builder.header(*name, value);
        }
        if let Some(body) = &req.body {
            builder = builder.body(body.to_string());
        }
        let started = Instant::now();
        let timeout = self.config.request_timeout.as_secs_f64();
        let transport = |e: &reqwest::Error| Error::Transport {
            request: req.describe(),
            reason: if e.is_timeout() && !e.is_connect() {
                format!("no answer within {timeout} s (the request may have been processed)")
            } else {
                error_chain(e)
            },
            not_sent: e.is_connect(),
        };
        let result = async {
            let resp = builder.send().await.map_err(|e| transport(&e))?;
            let status = resp.status().as_u16();
            if let Some(date) = resp.headers().get(reqwest::header::DATE) {
                self.clock.record(date.to_str().unwrap_or_default());
            }
            let retry_after = resp
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| parse_retry_after(v, SystemTime::now()));
            let body = match body::read(resp, self.config.max_answer_bytes).await {
                Ok(body) => body,
                Err(BodyError::Transport(e)) => return Err(transport(&e)),
                Err(BodyError::TooLong { limit }) => {
                    return Err(Error::Decode {
                        request: req.describe(),
                        reason: format!(
                            "the answer is longer than {}; skyform does not read it",
                            body::shown(limit)
                        ),
                    });
                }
            };
            Ok(Reply { status, retry_after, body })
        }
        .await;
        let duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        match &result {
            Ok(reply) => tracing::debug!(
                method = req.method.as_str(),
                path = req.path.as_str(),
                status = reply.status,
                attempt,
                duration_ms,
                "api request"
            ),
            Err(e) => tracing::debug!(
                method = req.method.as_str(),
                path = req.path.as_str(),
                attempt,
                duration_ms,
                "api request failed: {e}"
            ),
        }
        result
    }
}

/// Sorts a create's answer into the three outcomes (see [`CreateOutcome`]).
fn create_outcome(reply: &Reply, result: Result<TaskOrder, Error>) -> CreateOutcome {
    let error = match result {
        Ok(order) => return CreateOutcome::Created(order),
        Err(e) => e,
    };
    // A 2xx with `Succeeded: false` and a 4xx that says why are refusals by
    // the API itself. A 408 may come from a proxy after the request was
    // forwarded, a 429 from a server that stored the order anyway, and a 4xx
    // without a reason (an HTML page) from anything: none of them proves
    // that nothing was bought.
    let says_why = |e: &Error| match e {
        Error::Api { code, fields, .. } => code.is_some() || !fields.is_empty(),
        _ => false,
    };
    let refused = match reply.status {
        200..=299 => matches!(error, Error::Api { .. }),
        401 | 403 | 404 => true,
        408 | 429 => false,
        400..=499 => says_why(&error),
        _ => false,
    };
    if refused { CreateOutcome::Rejected(error) } else { CreateOutcome::Unknown(error) }
}

/// What the order list shows a cancel did, if anything.
fn visible_cancel(before: &TaskOrder, after: Option<&TaskOrder>) -> Option<CancelOutcome> {
    let Some(after) = after else { return Some(CancelOutcome::Removed) };
    let was_review = before.ordering_process_status.is_review();
    let canceled = after.ordering_process_status.is_canceled()
        && !before.ordering_process_status.is_canceled();
    if was_review && canceled {
        return Some(CancelOutcome::Removed);
    }
    let renewal_ended = before.to.is_none() && after.to.is_some();
    (renewal_ended || canceled).then_some(CancelOutcome::RenewalStopped)
}

fn refusal_text(message: &str, fields: &super::types::FieldErrors) -> String {
    let mut parts: Vec<&str> = fields.values().flatten().map(String::as_str).collect();
    if parts.is_empty() {
        parts.push(message);
    }
    parts.join("; ")
}

/// An error and its sources, joined by `: `.
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::types::{FieldErrors, OrderStatus};
    use chrono::NaiveDate;

    fn reply(status: u16) -> Reply {
        Reply { status, retry_after: None, body: Vec::new() }
    }

    fn order(status: &OrderStatus, to: Option<NaiveDate>) -> TaskOrder {
        serde_json::from_value(serde_json::json!({
            "TaskOrderGuid": "g", "OrderingProcessStatus": status.as_str(),
            "From": "2025-04-01", "To": to.map(|d| d.to_string()),
        }))
        .unwrap()
    }

    fn api(status: u16) -> Error {
        Error::Api { status, code: None, message: String::new(), fields: FieldErrors::new() }
    }

    #[test]
    fn create_outcomes_by_answer() {
        let created = create_outcome(&reply(200), Ok(order(&OrderStatus::Review, None)));
        assert!(matches!(created, CreateOutcome::Created(_)));
        let rejected = |status, e| {
            matches!(create_outcome(&reply(status), Err(e)), CreateOutcome::Rejected(_))
        };
        let unknown =
            |status, e| matches!(create_outcome(&reply(status), Err(e)), CreateOutcome::Unknown(_));
        let invalid = |status| {
            let fields = FieldErrors::from([("Wkt".to_owned(), vec!["bad".to_owned()])]);
            Error::Api { status, code: None, message: String::new(), fields }
        };
        let coded = Error::Api {
            status: 400,
            code: Some(995),
            message: "no credits".into(),
            fields: FieldErrors::new(),
        };
        assert!(rejected(200, api(200)), "Succeeded: false");
        assert!(rejected(400, invalid(400)), "a 400 that names invalid fields is final");
        assert!(rejected(400, coded), "a 400 with the API's error code");
        assert!(rejected(422, invalid(422)));
        assert!(unknown(400, api(400)), "a 400 that does not say why (a proxy's page)");
        assert!(rejected(401, Error::Auth { status: 401 }));
        assert!(rejected(403, Error::Auth { status: 403 }));
        assert!(rejected(404, Error::NotFound { what: "x".into() }));
        assert!(
            unknown(429, Error::RateLimited { retry_after: None }),
            "a server may store the order and still answer 429"
        );
        assert!(unknown(408, api(408)));
        assert!(unknown(500, Error::Server { status: 500, retry_after: None }));
        assert!(unknown(503, Error::Server { status: 503, retry_after: None }));
        let garbled = Error::Decode { request: "r".into(), reason: "eof".into() };
        assert!(unknown(200, garbled), "a 2xx we cannot read may still have created the order");
    }

    #[test]
    fn cancel_outcome_from_the_list() {
        let may = NaiveDate::from_ymd_opt(2025, 5, 31);
        let review = order(&OrderStatus::Review, None);
        let accepted = order(&OrderStatus::Preparing, None);
        assert_eq!(visible_cancel(&review, None), Some(CancelOutcome::Removed));
        assert_eq!(
            visible_cancel(&review, Some(&order(&OrderStatus::Canceled, None))),
            Some(CancelOutcome::Removed)
        );
        assert_eq!(
            visible_cancel(&accepted, Some(&order(&OrderStatus::Preparing, may))),
            Some(CancelOutcome::RenewalStopped)
        );
        assert_eq!(
            visible_cancel(&accepted, Some(&order(&OrderStatus::Canceled, None))),
            Some(CancelOutcome::RenewalStopped)
        );
        assert_eq!(visible_cancel(&accepted, Some(&accepted)), None);
    }

    #[test]
    fn refusal_text_prefers_field_messages() {
        let mut fields = crate::api::types::FieldErrors::new();
        assert_eq!(refusal_text("No.", &fields), "No.");
        fields.insert("TaskOrderGuid".into(), vec!["Order cannot be cancelled".into()]);
        assert_eq!(refusal_text("No.", &fields), "Order cannot be cancelled");
    }
}
