//! Requests as plain values: method, path with query, headers and JSON body.
//!
//! Pure: one function per endpoint builds a [`Request`] without sending it, so
//! URLs, headers and bodies are unit-tested without a network (kube-core's
//! `Request`). The API key is not part of a request value; the client adds the
//! `x-api-key` header only when it sends one.

use std::fmt::Write as _;

use serde::Serialize;

use super::types::{DetailsRequest, OrderRequest, TileSearchRequest};

/// The HTTP methods the tasking API uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// `GET`.
    Get,
    /// `POST`.
    Post,
    /// `DELETE`.
    Delete,
}

impl Method {
    /// The method's name as sent.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Delete => "DELETE",
        }
    }
}

/// Whether sending a request twice can do harm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Idempotency {
    /// Reads, searches and estimates: retried on transient failures.
    Safe,
    /// Creates (they spend money): sent exactly once.
    Once,
}

/// One API request, ready to send (but for the key).
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// The method.
    pub method: Method,
    /// Path and query, relative to the base URL, e.g. `/api/tasking/orders?getExpired=true`.
    pub path: String,
    /// Headers other than `x-api-key`.
    pub headers: Vec<(&'static str, String)>,
    /// The JSON body, if any.
    pub body: Option<serde_json::Value>,
    /// Whether the client may send it again after a transient failure.
    pub idempotency: Idempotency,
    /// What a 404 means, e.g. "order `c352…`" (named in `Error::NotFound`).
    pub what: String,
}

impl Request {
    fn new(method: Method, path: String, what: impl Into<String>) -> Self {
        Self {
            method,
            path,
            // The docs list `Content-Type: application/json` as required on
            // every call, bodiless ones included (seed page "Tasking / Order
            // Endpoints", "Required headers").
            headers: vec![
                ("accept", "application/json".to_owned()),
                ("content-type", "application/json".to_owned()),
                ("user-agent", concat!("skyform/", env!("CARGO_PKG_VERSION")).to_owned()),
            ],
            body: None,
            idempotency: Idempotency::Safe,
            what: what.into(),
        }
    }

    fn json(mut self, body: &impl Serialize) -> Self {
        // The wire types serialize to JSON objects and cannot fail.
        self.body = Some(serde_json::to_value(body).unwrap_or(serde_json::Value::Null));
        self
    }

    /// `METHOD path`, as used in log lines and error messages.
    pub fn describe(&self) -> String {
        format!("`{} {}`", self.method.as_str(), self.path)
    }

    /// The path without its query string.
    pub fn route(&self) -> &str {
        self.path.split_once('?').map_or(&self.path, |(p, _)| p)
    }
}

/// Filters of the order list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListQuery {
    /// Only recurring (open-ended) orders.
    pub recurring_only: bool,
    /// Also orders whose storage has expired.
    pub get_expired: bool,
}

/// `GET /api/tasking/models`.
pub fn models() -> Request {
    Request::new(Method::Get, "/api/tasking/models".into(), "the model list")
}

/// `POST /api/tasking/search/tiles`.
pub fn search_tiles(body: &TileSearchRequest) -> Request {
    Request::new(Method::Post, "/api/tasking/search/tiles".into(), "the tile search").json(body)
}

/// `POST /api/tasking/orders/estimate` (free; changes nothing).
pub fn estimate(body: &OrderRequest) -> Request {
    Request::new(Method::Post, "/api/tasking/orders/estimate".into(), "the estimate endpoint")
        .json(body)
}

/// `POST /api/tasking/orders`: spends money, so it is marked to be sent once.
pub fn create(body: &OrderRequest) -> Request {
    let mut r =
        Request::new(Method::Post, "/api/tasking/orders".into(), "the order endpoint").json(body);
    r.idempotency = Idempotency::Once;
    r
}

/// `GET /api/tasking/orders?recurringOnly=…&getExpired=…`.
pub fn list(query: ListQuery) -> Request {
    let path = format!(
        "/api/tasking/orders?recurringOnly={}&getExpired={}",
        query.recurring_only, query.get_expired
    );
    Request::new(Method::Get, path, "the order list")
}

/// `POST /api/tasking/orders/details` with `{"Guids": [...]}` (the newest client's form).
pub fn details(guids: &[String]) -> Request {
    let what = match guids {
        [one] => format!("order `{one}`"),
        _ => "the orders".to_owned(),
    };
    Request::new(Method::Post, "/api/tasking/orders/details".into(), what)
        .json(&DetailsRequest { guids: guids.to_vec() })
}

/// `DELETE /api/tasking/orders/cancel?taskOrderGuid=…`.
///
/// Marked safe to repeat: a second cancel changes nothing more, and the
/// client reads the order afterwards to tell what happened.
pub fn cancel(guid: &str) -> Request {
    let path = format!("/api/tasking/orders/cancel?taskOrderGuid={}", encode(guid));
    Request::new(Method::Delete, path, format!("order `{guid}`"))
}

/// `GET /api/account/info`.
pub fn account_info() -> Request {
    Request::new(Method::Get, "/api/account/info".into(), "the account")
}

/// `GET /api/apikey/info`: the legacy account endpoint (contract A5.10) that
/// tells the order-credit balance and this month's costs.
pub fn apikey_info() -> Request {
    Request::new(Method::Get, "/api/apikey/info".into(), "the API key")
}

/// Percent-encodes a query value (everything but RFC 3986 unreserved characters).
fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn header<'a>(r: &'a Request, name: &str) -> Option<&'a str> {
        r.headers.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
    }

    fn order() -> OrderRequest {
        OrderRequest {
            wkt: Some("POLYGON ((8 55, 8 56, 9 56, 9 55, 8 55))".into()),
            satellite_constellations: vec!["Sentinel1".into(), "Sentinel2".into()],
            model: "Stratus2".into(),
            storage_months: 2,
            api_requests: 1,
            image_frequency: Some(2),
            reference_date: Some("2025-01-01".into()),
            from: "2025-04-01".into(),
            to: None,
            ..OrderRequest::default()
        }
    }

    #[test]
    fn reads_are_gets_without_body_but_with_the_content_type() {
        for (r, path) in [
            (models(), "/api/tasking/models"),
            (account_info(), "/api/account/info"),
            (apikey_info(), "/api/apikey/info"),
            (
                list(ListQuery::default()),
                "/api/tasking/orders?recurringOnly=false&getExpired=false",
            ),
            (
                list(ListQuery { recurring_only: true, get_expired: true }),
                "/api/tasking/orders?recurringOnly=true&getExpired=true",
            ),
        ] {
            assert_eq!((r.method, r.path.as_str()), (Method::Get, path));
            assert_eq!(r.body, None);
            assert_eq!(header(&r, "content-type"), Some("application/json"));
            assert_eq!(header(&r, "accept"), Some("application/json"));
            assert_eq!(r.idempotency, Idempotency::Safe);
        }
        assert_eq!(list(ListQuery::default()).route(), "/api/tasking/orders");
    }

    #[test]
    fn no_request_carries_the_key_header() {
        let all = [
            models(),
            account_info(),
            list(ListQuery::default()),
            estimate(&order()),
            create(&order()),
            search_tiles(&TileSearchRequest::default()),
            details(&["g".into()]),
            cancel("g"),
        ];
        for r in all {
            assert!(r.headers.iter().all(|(n, _)| !n.eq_ignore_ascii_case("x-api-key")));
            assert_eq!(header(&r, "content-type"), Some("application/json"), "{}", r.describe());
        }
    }

    #[test]
    fn estimate_and_create_send_the_same_pascal_case_body() {
        let e = estimate(&order());
        let c = create(&order());
        assert_eq!((e.method, e.path.as_str()), (Method::Post, "/api/tasking/orders/estimate"));
        assert_eq!((c.method, c.path.as_str()), (Method::Post, "/api/tasking/orders"));
        assert_eq!(e.body, c.body);
        assert_eq!(
            c.body.unwrap(),
            json!({
                "Wkt": "POLYGON ((8 55, 8 56, 9 56, 9 55, 8 55))",
                "SatelliteConstellations": ["Sentinel1", "Sentinel2"],
                "Model": "Stratus2", "StorageMonths": 2, "ApiRequests": 1,
                "ImageFrequency": 2, "ReferenceDate": "2025-01-01",
                "From": "2025-04-01", "To": null
            })
        );
        assert_eq!(header(&e, "content-type"), Some("application/json"));
        assert_eq!(e.idempotency, Idempotency::Safe);
        assert_eq!(c.idempotency, Idempotency::Once);
    }

    #[test]
    fn search_tiles_sends_only_the_selector() {
        let body = TileSearchRequest {
            tile_guids: Some(vec!["t1".into()]),
            ..TileSearchRequest::default()
        };
        let r = search_tiles(&body);
        assert_eq!((r.method, r.path.as_str()), (Method::Post, "/api/tasking/search/tiles"));
        assert_eq!(r.body, Some(json!({"TileGuids": ["t1"]})));
    }

    #[test]
    fn details_and_cancel_name_the_order() {
        let r = details(&["a".into(), "b".into()]);
        assert_eq!(r.body, Some(json!({"Guids": ["a", "b"]})));
        assert_eq!(details(&["a".into()]).what, "order `a`");
        let r = cancel("c3528462-02fc-4301-bb37-8d226b45f149");
        assert_eq!(r.method, Method::Delete);
        assert_eq!(
            r.path,
            "/api/tasking/orders/cancel?taskOrderGuid=c3528462-02fc-4301-bb37-8d226b45f149"
        );
        assert_eq!(r.body, None);
        assert_eq!(r.what, "order `c3528462-02fc-4301-bb37-8d226b45f149`");
        assert_eq!(r.describe(), format!("`DELETE {}`", r.path));
    }

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(
            cancel("a b&c=d").path,
            "/api/tasking/orders/cancel?taskOrderGuid=a%20b%26c%3Dd"
        );
    }
}
