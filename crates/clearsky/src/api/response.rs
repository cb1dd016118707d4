//! The one response handler: every HTTP answer becomes data or an [`Error`].
//!
//! Pure (crates-io's `handle()`): takes the status, the `Retry-After` already
//! read by the client, and the body bytes. 2xx with `Succeeded: true` gives the
//! envelope's `Data`, its keys read in any casing; `Succeeded: false` or a 4xx gives [`Error::Api`] with every
//! field message, from the `ServiceResult` envelope or from an ASP.NET
//! problem-details body; 401/403, 404, 429 and 5xx have their own variants.

use std::time::Duration;

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::Error;
use super::request::Request;
use super::types::casing::{canonical_keys, wire_keys};
use super::types::{ErrorBody, FieldErrors, ProblemDetails};

/// What came back over HTTP, read but not yet interpreted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// HTTP status code.
    pub status: u16,
    /// The `Retry-After` header, parsed.
    pub retry_after: Option<Duration>,
    /// The body.
    pub body: Vec<u8>,
}

/// Maps a reply to the request's data, or to the error it signals.
pub fn handle<T: DeserializeOwned>(request: &Request, reply: &Reply) -> Result<T, Error> {
    let decode_error = |reason: String| Error::Decode { request: request.describe(), reason };
    match reply.status {
        200..=299 => {
            let value = body_value(&reply.body).map_err(decode_error)?;
            if let Some(refusal) = refusal_in_envelope(reply.status, &value) {
                return Err(refusal);
            }
            let mut data = field(&value, "Data").cloned().unwrap_or(Value::Null);
            canonical_keys(&mut data, wire_keys());
            serde_json::from_value(data).map_err(|e| decode_error(e.to_string()))
        }
        401 | 403 => Err(Error::Auth { status: reply.status }),
        404 => Err(Error::NotFound { what: request.what.clone() }),
        429 => Err(Error::RateLimited { retry_after: reply.retry_after }),
        500..=599 => Err(Error::Server { status: reply.status, retry_after: reply.retry_after }),
        400..=499 => Err(refusal(reply)),
        300..=399 => Err(decode_error(format!(
            "unexpected redirect ({}); redirects are not followed so that the API key goes nowhere else",
            reply.status
        ))),
        other => Err(decode_error(format!("unexpected HTTP status {other}"))),
    }
}

/// Parses a body as JSON; an empty body reads as `null`.
fn body_value(body: &[u8]) -> Result<Value, String> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Null);
    }
    serde_json::from_slice(body).map_err(|e| e.to_string())
}

/// The refusal a 2xx envelope carries when `Succeeded` is false.
fn refusal_in_envelope(status: u16, value: &Value) -> Option<Error> {
    if value.is_null() || field(value, "Succeeded").and_then(Value::as_bool) != Some(false) {
        return None;
    }
    Some(envelope_error(status, value))
}

/// The [`Error::Api`] of a 4xx other than 401, 403, 404 and 429.
fn refusal(reply: &Reply) -> Error {
    let value = body_value(&reply.body).unwrap_or(Value::Null);
    if field(&value, "Succeeded").is_some() || field(&value, "Error").is_some() {
        return envelope_error(reply.status, &value);
    }
    if let Ok(problem) = serde_json::from_value::<ProblemDetails>(value.clone())
        && (!problem.title.is_empty() || !problem.errors.is_empty())
    {
        return Error::Api {
            status: reply.status,
            code: None,
            message: problem.title,
            fields: problem.errors,
        };
    }
    let text = String::from_utf8_lossy(&reply.body);
    let message = text.trim().chars().take(200).collect::<String>();
    Error::Api { status: reply.status, code: None, message, fields: FieldErrors::new() }
}

fn envelope_error(status: u16, value: &Value) -> Error {
    let body: ErrorBody = field(value, "Error")
        .and_then(|e| serde_json::from_value(e.clone()).ok())
        .unwrap_or(ErrorBody { message: String::new(), code: 0 });
    Error::Api {
        status,
        code: (body.code != 0).then_some(body.code),
        message: body.message,
        fields: field_errors(field(value, "Data")),
    }
}

/// Reads `Data` of an error envelope as field → messages, tolerating single strings.
fn field_errors(data: Option<&Value>) -> FieldErrors {
    let mut out = FieldErrors::new();
    let Some(Value::Object(map)) = data else { return out };
    for (name, messages) in map {
        let list: Vec<String> = match messages {
            Value::String(s) => vec![s.clone()],
            Value::Array(items) => items
                .iter()
                .map(|m| m.as_str().map_or_else(|| m.to_string(), str::to_owned))
                .collect(),
            Value::Null => continue,
            other => vec![other.to_string()],
        };
        out.insert(name.clone(), list);
    }
    out
}

/// Looks up a key case-insensitively (the API is ASP.NET; its casing has varied).
fn field<'a>(value: &'a Value, name: &str) -> Option<&'a Value> {
    let map = value.as_object()?;
    map.get(name).or_else(|| map.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::request::{self, ListQuery};
    use crate::api::types::{Estimate, OrderRequest, OrderStatus, TaskOrders, TileSearch};
    use serde_json::json;

    fn reply(status: u16, body: &Value) -> Reply {
        Reply { status, retry_after: None, body: serde_json::to_vec(body).unwrap() }
    }

    fn ok<T: DeserializeOwned>(data: &Value) -> T {
        handle(
            &request::models(),
            &reply(200, &json!({"Data": data, "Succeeded": true, "Error": null})),
        )
        .unwrap()
    }

    #[test]
    fn a_succeeded_envelope_gives_its_data() {
        let orders: TaskOrders = ok(&json!({"TaskOrders": [{
            "TaskOrderGuid": "g", "OrderingProcessStatus": "Frozen", "From": "2025-04-01",
            "To": null, "Tiles": [{"Guid": "t1", "Wkt": "POLYGON EMPTY"}], "MiniTiles": ["m1"],
            "Extra": {"nested": true}}]}));
        let o = &orders.task_orders[0];
        assert_eq!(o.ordering_process_status, OrderStatus::Unknown("Frozen".into()));
        assert_eq!(o.tiles[0].guid, "t1");
        assert_eq!(o.tiles[0].wkt.as_deref(), Some("POLYGON EMPTY"));
        assert_eq!(o.mini_tiles[0].guid, "m1");
    }

    #[test]
    fn decodes_each_estimate_generation() {
        let gen1: Estimate = ok(&json!({"TotalHistoricCost": 5.0, "NextMonthRecurringCost": 2.0,
            "HistoricImageDates": ["2024-11-01"], "RecurringImageDates": []}));
        assert_eq!((gen1.current_month_total(), gen1.monthly_total()), (Some(5.0), Some(2.0)));
        assert_eq!(gen1.image_dates, ["2024-11-01"]);
        let gen2: Estimate = ok(&json!({"AreaKm2": 931.61, "CurrentMonthCost": 10.0,
            "NextMonthCost": 0.0, "CancellationDate": "2024-09-30",
            "Costs": {"CurrencyCode": "EUR", "CurrentMonthOrderCostEstimate": 9.0,
                      "CurrentMonthStorageCosts": 1.0},
            "UsageUnits": {"CurrentMonthOrderUsageUnitsEstimate": 1.0}, "Tiles": null}));
        assert_eq!(gen2.area_km2, Some(931.61));
        assert_eq!((gen2.current_month_total(), gen2.monthly_total()), (Some(10.0), Some(0.0)));
        let gen3: Estimate = ok(&json!({"AreaKm2": 3.0,
            "CurrentMonthCosts": {"CurrencyCode": "EUR", "TotalCost": 7.5},
            "RecurringCostsEstimate": {"CurrencyCode": "EUR", "TotalCostEuro": 3.0}}));
        assert_eq!((gen3.current_month_total(), gen3.monthly_total()), (Some(7.5), Some(3.0)));
    }

    #[test]
    fn tile_search_reads_numeric_epsg() {
        let found: TileSearch =
            ok(&json!({"Tiles": [{"Guid": "t", "MiniTile": false, "Epsg": 32632}]}));
        assert_eq!(found.tiles[0].epsg, "32632");
    }

    #[test]
    fn unit_data_accepts_null_and_empty_bodies() {
        let r = request::cancel("g");
        let () = handle(&r, &reply(200, &json!({"Data": null, "Succeeded": true}))).unwrap();
        let () = handle(&r, &Reply { status: 200, retry_after: None, body: vec![] }).unwrap();
    }

    #[test]
    fn a_400_envelope_carries_code_message_and_fields() {
        let body = json!({"Data": {"Wkt": ["Wkt must be a polygon"], "Model": "unknown"},
            "Succeeded": false, "Error": {"Message": "One or more validation errors occurred.", "Code": 992}});
        let e = handle::<Value>(&request::estimate(&OrderRequest::default()), &reply(400, &body))
            .unwrap_err();
        let Error::Api { status, code, message, fields } = e else { panic!("{e:?}") };
        assert_eq!((status, code), (400, Some(992)));
        assert_eq!(message, "One or more validation errors occurred.");
        assert_eq!(fields["Wkt"], ["Wkt must be a polygon"]);
        assert_eq!(fields["Model"], ["unknown"]);
    }

    #[test]
    fn succeeded_false_on_a_200_is_a_refusal() {
        let body =
            json!({"Data": null, "Succeeded": false, "Error": {"Message": "No", "Code": 1002}});
        let e = handle::<Value>(&request::models(), &reply(200, &body)).unwrap_err();
        assert!(matches!(e, Error::Api { status: 200, code: Some(1002), .. }), "{e:?}");
    }

    #[test]
    fn problem_details_bodies_become_api_errors() {
        let body = json!({"type": "https://tools.ietf.org/html/rfc9110#section-15.5.1",
            "title": "One or more validation errors occurred.", "status": 400,
            "errors": {"$.From": ["The JSON value could not be converted."]}, "traceId": "00-ab"});
        let e = handle::<Value>(&request::create(&OrderRequest::default()), &reply(400, &body))
            .unwrap_err();
        let Error::Api { code, message, fields, .. } = e else { panic!("{e:?}") };
        assert_eq!(code, None);
        assert_eq!(message, "One or more validation errors occurred.");
        assert_eq!(fields["$.From"], ["The JSON value could not be converted."]);
    }

    #[test]
    fn a_400_with_a_plain_body_keeps_the_text() {
        let r = Reply { status: 400, retry_after: None, body: b"bad thing".to_vec() };
        let e = handle::<Value>(&request::models(), &r).unwrap_err();
        assert!(matches!(&e, Error::Api { message, .. } if message == "bad thing"), "{e:?}");
    }

    #[test]
    fn statuses_map_to_their_variants() {
        let empty =
            |status| Reply { status, retry_after: Some(Duration::from_secs(2)), body: vec![] };
        let r = request::cancel("abc");
        assert!(matches!(handle::<Value>(&r, &empty(401)), Err(Error::Auth { status: 401 })));
        assert!(matches!(handle::<Value>(&r, &empty(403)), Err(Error::Auth { status: 403 })));
        let e = handle::<Value>(&r, &empty(404)).unwrap_err();
        assert_eq!(e.to_string(), "order `abc` was not found");
        let e = handle::<Value>(&r, &empty(429)).unwrap_err();
        assert!(matches!(e, Error::RateLimited { retry_after: Some(_) }), "{e:?}");
        for status in [500, 501, 503, 505, 599] {
            let e = handle::<Value>(&r, &empty(status)).unwrap_err();
            assert!(
                matches!(e, Error::Server { status: s, retry_after: Some(_) } if s == status),
                "{e:?}"
            );
        }
    }

    #[test]
    fn redirects_are_reported_not_followed() {
        let r = Reply { status: 302, retry_after: None, body: vec![] };
        let e = handle::<Value>(&request::models(), &r).unwrap_err();
        assert!(matches!(&e, Error::Decode { reason, .. } if reason.contains("redirect")), "{e:?}");
    }

    #[test]
    fn camel_case_answers_read_like_pascal_case_ones() {
        let list = request::list(ListQuery::default());
        let camel = reply(
            200,
            &json!({"data": {"taskOrders": [{
            "taskOrderGuid": "g", "orderingProcessStatus": "review", "from": "2025-04-01",
            "to": null, "satelliteConstellations": ["Sentinel2"], "model": "Stratus2",
            "imageFrequency": 3, "tiles": [{"guid": "t1"}], "wkt": "POLYGON EMPTY"}]},
            "succeeded": true, "error": null}),
        );
        let orders: TaskOrders = handle(&list, &camel).unwrap();
        let o = &orders.task_orders[0];
        assert_eq!((o.task_order_guid.as_str(), o.image_frequency), ("g", 3));
        assert_eq!(o.ordering_process_status, OrderStatus::Review);
        assert_eq!((o.model.as_str(), o.wkt.as_deref()), ("Stratus2", Some("POLYGON EMPTY")));
        assert_eq!(o.tiles[0].guid, "t1");
        let est: Estimate = ok(&json!({"areaKm2": 3.0,
            "currentMonthCosts": {"currencyCode": "EUR", "totalCostEuro": 7.5}}));
        assert_eq!((est.area_km2, est.current_month_total()), (Some(3.0), Some(7.5)));
    }

    #[test]
    fn a_list_without_an_array_of_orders_is_never_an_empty_account() {
        let list = request::list(ListQuery::default());
        for data in [
            json!({"TaskOrders": null}),
            json!({}),
            json!({"Orders": []}),
            json!(null),
            json!({"TaskOrders": {}}),
        ] {
            let answer = reply(200, &json!({"Data": data, "Succeeded": true, "Error": null}));
            let e = handle::<TaskOrders>(&list, &answer).unwrap_err();
            assert!(matches!(e, Error::Decode { .. }), "{data}: {e:?}");
        }
        let ok = reply(200, &json!({"Data": {"TaskOrders": []}, "Succeeded": true}));
        assert_eq!(handle::<TaskOrders>(&list, &ok).unwrap(), TaskOrders::default());
    }

    #[test]
    fn undecodable_bodies_are_decode_errors() {
        let r = Reply { status: 200, retry_after: None, body: b"<html>".to_vec() };
        let e = handle::<TaskOrders>(&request::list(ListQuery::default()), &r).unwrap_err();
        assert!(matches!(e, Error::Decode { .. }), "{e:?}");
        assert!(e.to_string().contains("`GET /api/tasking/orders?"), "{e}");
        let wrong = reply(200, &json!({"Data": {"TaskOrders": "nope"}, "Succeeded": true}));
        let e = handle::<TaskOrders>(&request::list(ListQuery::default()), &wrong).unwrap_err();
        assert!(matches!(e, Error::Decode { .. }), "{e:?}");
    }
}
