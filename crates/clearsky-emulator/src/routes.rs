//! The API plane under `/api/`: authentication, fault injection, the call
//! log, and one match on `(method, path)` that maps each route to the store.
//!
//! Does network IO (sleeps for latency faults, drops connections, rewrites
//! answers for the camelCase mode, hides new orders for a lagging list); the router
//! in `mod.rs` hands it every call outside `/_emulator/`, already normalised
//! (see [`super::Call`]). Answers are built by `reply`.

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::faults::Fault;
use super::reply::{Refusal, answer, ok, ok_null};
use super::validation::{self, ValidOrder};
use super::{Call, Shared, connections, headers, quote, tiles};
use clearsky::api::types::{
    DetailsRequest, FieldErrors, OrderRequest, TaskOrders, TileSearch, TileSearchRequest,
};

/// Serves one `/api` call: checks the key, injects a fault or carries the
/// call out, and logs it under `raw_path` (the path as sent).
pub(super) async fn handle(
    shared: &Shared,
    call: &Call<'_>,
    raw_path: &str,
    headers: &HeaderMap,
) -> Response {
    let log = |status: u16| {
        shared.lock().calls.push((call.method.to_owned(), raw_path.to_owned(), status));
    };
    let key = headers.get("x-api-key").and_then(|v| v.to_str().ok()).unwrap_or_default();
    headers::check_content_type(shared, headers);
    let Some(tenant) = shared.keys.iter().find(|k| k.0 == key).map(|k| k.1.clone()) else {
        log(401);
        return StatusCode::UNAUTHORIZED.into_response();
    };
    // Held until the answer is built: the call counts against `--max-connections`.
    let in_flight = connections::InFlight::enter(shared);
    let fault = if in_flight.over_limit() {
        Some(Fault::Busy)
    } else {
        shared.lock().faults.next(call.method, &call.path)
    };
    if !shared.config.latency.is_zero() {
        tokio::time::sleep(shared.config.latency).await;
    }
    let carry_out = || api(shared, &tenant, call);
    let response = match fault {
        None => carry_out(),
        Some(Fault::TooManyRequests { retry_after_secs }) => {
            let mut r = StatusCode::TOO_MANY_REQUESTS.into_response();
            if let Some(secs) = retry_after_secs {
                r.headers_mut().insert(header::RETRY_AFTER, secs.into());
            }
            r
        }
        Some(Fault::Busy) => Refusal::busy(shared.config.max_connections).into_response(),
        Some(Fault::Refused { field, message }) => Refusal::field(&field, &message).into_response(),
        Some(Fault::ServerError) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        Some(Fault::Unavailable) => StatusCode::SERVICE_UNAVAILABLE.into_response(),
        Some(Fault::Latency(d)) => {
            tokio::time::sleep(d).await;
            carry_out()
        }
        Some(Fault::Hold) => {
            use std::sync::atomic::Ordering;
            shared.holding.fetch_add(1, Ordering::SeqCst);
            if let Ok(permit) = shared.release.acquire().await {
                permit.forget();
            }
            shared.holding.fetch_sub(1, Ordering::SeqCst);
            carry_out()
        }
        Some(Fault::Hang(d)) => {
            let r = carry_out();
            tokio::time::sleep(d).await;
            r
        }
        Some(Fault::CommitThenDrop) => {
            drop(carry_out());
            log(0);
            return dropped_connection();
        }
        Some(Fault::CommitThenFail { status, retry_after_secs }) => {
            drop(carry_out());
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let mut r = status.into_response();
            if let Some(secs) = retry_after_secs {
                r.headers_mut().insert(header::RETRY_AFTER, secs.into());
            }
            r
        }
        Some(Fault::Malformed(kind)) => {
            let (body, content_type) = kind.body();
            (StatusCode::OK, [(header::CONTENT_TYPE, content_type)], body).into_response()
        }
    };
    let camel_case = shared.lock().faults.modes.camel_case;
    let mut response = if camel_case { camel_cased(response).await } else { response };
    headers::stamp(shared, &mut response);
    log(response.status().as_u16());
    drop(in_flight);
    response
}

/// The same answer with every JSON key starting in lower case (`data`,
/// `taskOrderGuid`), as ASP.NET answers with its default serializer settings.
async fn camel_cased(response: Response) -> Response {
    fn rewrite(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, mut v) in std::mem::take(map) {
                    rewrite(&mut v);
                    let mut chars = key.chars();
                    let key = chars
                        .next()
                        .map(|c| c.to_ascii_lowercase().to_string() + chars.as_str())
                        .unwrap_or_default();
                    map.insert(key, v);
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(rewrite),
            _ => {}
        }
    }
    let (parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    rewrite(&mut value);
    let bytes = serde_json::to_vec(&value).unwrap_or_default();
    let mut response = Response::from_parts(parts, Body::from(bytes));
    response.headers_mut().remove(header::CONTENT_LENGTH);
    response
}

/// A response whose body fails before anything is sent: hyper then closes
/// the connection, and the client sees an incomplete message.
fn dropped_connection() -> Response {
    let failing = futures::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::other("connection dropped by fault"))
    });
    Response::new(Body::from_stream(failing))
}

fn api(shared: &Shared, tenant: &str, call: &Call<'_>) -> Response {
    let config = &shared.config;
    let (query, body) = (call.query.as_slice(), call.body);
    match (call.method, call.path.as_str()) {
        ("GET", "/api/tasking/models") => ok(config.models.tasking_models()),
        ("POST", "/api/tasking/search/tiles") => answer(search_tiles(body)),
        ("POST", "/api/tasking/orders/estimate") => {
            let order = match order_body(body, shared) {
                Ok(o) => o,
                Err(r) => return r.into_response(),
            };
            let inner = shared.lock();
            let state = &inner.state;
            let today = state.now.date_naive();
            let spend = order.simulated_euro_usage.unwrap_or_else(|| state.month_spend(tenant));
            let mut q = quote::quote(&order, today, spend);
            if let Some(percent) = inner.faults.modes.estimate_percent {
                q.scale(f64::from(percent) / 100.0);
            }
            ok(quote::estimate(&order, &q, today))
        }
        ("POST", "/api/tasking/orders") => {
            let created = order_body(body, shared)
                .and_then(|order| shared.mutate(|s| s.create(tenant, order, config)));
            if let Ok(order) = &created {
                let guid = order.task_order_guid.to_ascii_lowercase();
                shared.lock().created_at.insert(guid, std::time::Instant::now());
            }
            answer(created)
        }
        ("GET", "/api/tasking/orders") => {
            let (recurring_only, get_expired) =
                match (flag(query, "recurringonly"), flag(query, "getexpired")) {
                    (Ok(r), Ok(e)) => (r, e),
                    (Err(r), _) | (_, Err(r)) => return r.into_response(),
                };
            let inner = shared.lock();
            let mut task_orders = inner.state.list(tenant, recurring_only, get_expired);
            let lag = inner.faults.modes.list_lag;
            if !lag.is_zero() {
                // A lagging list: orders newer than `lag` (real time) are not shown yet.
                task_orders.retain(|o| {
                    inner
                        .created_at
                        .get(&o.task_order_guid.to_ascii_lowercase())
                        .is_none_or(|t| t.elapsed() >= lag)
                });
            }
            drop(inner);
            ok(TaskOrders { task_orders })
        }
        ("GET", "/api/tasking/orders/details") => {
            let guids: Vec<String> = query
                .iter()
                .filter(|(k, _)| {
                    matches!(k.as_str(), "taskorderguid" | "guids" | "taskorderguids" | "guid")
                })
                .flat_map(|(_, v)| v.split(','))
                .map(str::to_owned)
                .collect();
            answer(details(shared, tenant, &guids))
        }
        ("POST", "/api/tasking/orders/details") => answer(
            validation::decode::<DetailsRequest>(body)
                .and_then(|req| details(shared, tenant, &req.guids)),
        ),
        ("DELETE", "/api/tasking/orders/cancel") => {
            let Some(guid) = query.iter().find(|(k, _)| k == "taskorderguid").map(|kv| &kv.1)
            else {
                return Refusal::field("TaskOrderGuid", "TaskOrderGuid is required")
                    .into_response();
            };
            match shared.mutate(|s| s.cancel(tenant, guid, config.renewal_stop)) {
                Ok(()) => ok_null(),
                Err(r) => r.into_response(),
            }
        }
        ("GET", "/api/account/info") => ok(shared.lock().state.account(tenant, config)),
        ("GET", "/api/apikey/info") => ok(shared.lock().state.apikey_info(tenant, config)),
        (
            _,
            "/api/tasking/models"
            | "/api/tasking/search/tiles"
            | "/api/tasking/orders/estimate"
            | "/api/tasking/orders"
            | "/api/tasking/orders/details"
            | "/api/tasking/orders/cancel"
            | "/api/account/info"
            | "/api/apikey/info",
        ) => StatusCode::METHOD_NOT_ALLOWED.into_response(),
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

fn search_tiles(body: &[u8]) -> Result<TileSearch, Refusal> {
    let req: TileSearchRequest = validation::decode(body)?;
    let wkt = req.wkt.as_deref().filter(|s| !s.trim().is_empty());
    let geo_json = req.geo_json.as_ref().filter(|v| !v.is_null());
    let tile_guids = req.tile_guids.unwrap_or_default();
    let mini_guids = req.mini_tile_guids.unwrap_or_default();
    let parent = req.tile_guid_for_mini_tiles.filter(|s| !s.trim().is_empty());
    let selectors = [
        wkt.is_some(),
        geo_json.is_some(),
        !tile_guids.is_empty(),
        !mini_guids.is_empty(),
        parent.is_some(),
    ];
    if selectors.iter().filter(|s| **s).count() != 1 {
        return Err(Refusal::field(
            "Wkt",
            "Exactly one of Wkt, GeoJson, TileGuids, MiniTileGuids or TileGuidForMiniTiles is required",
        ));
    }
    if let Some(parent) = parent {
        let tiles = tiles::minitiles_of(&parent).ok_or_else(|| {
            Refusal::field("TileGuidForMiniTiles", &format!("'{parent}' is not a known tile GUID"))
        })?;
        return Ok(TileSearch { tiles });
    }
    if wkt.is_some() || geo_json.is_some() {
        let field = if wkt.is_some() { "Wkt" } else { "GeoJson" };
        let parts =
            clearsky::area::parse_aoi(wkt, geo_json).map_err(|m| Refusal::field(field, &m))?;
        return Ok(TileSearch { tiles: tiles::search_geometry(&parts) });
    }
    let (field, guids, mini) = if tile_guids.is_empty() {
        ("MiniTileGuids", mini_guids, true)
    } else {
        ("TileGuids", tile_guids, false)
    };
    let mut tiles = Vec::new();
    let mut errors = Vec::new();
    for g in &guids {
        match tiles::describe_as(g, mini) {
            Some(t) => tiles.push(t),
            None => errors
                .push(format!("'{g}' is not a known {}", if mini { "minitile" } else { "tile" })),
        }
    }
    if errors.is_empty() {
        Ok(TileSearch { tiles })
    } else {
        Err(Refusal::invalid(FieldErrors::from([(field.to_owned(), errors)])))
    }
}

fn order_body(body: &[u8], shared: &Shared) -> Result<ValidOrder, Refusal> {
    let req: OrderRequest = validation::decode(body)?;
    validation::order(&req, shared.config.area_rule, &shared.config.models)
        .map_err(Refusal::invalid)
}

fn details(shared: &Shared, tenant: &str, guids: &[String]) -> Result<TaskOrders, Refusal> {
    if guids.iter().all(|g| g.trim().is_empty()) {
        return Err(Refusal::field("Guids", "At least one order GUID is required"));
    }
    let task_orders = shared.lock().state.details(tenant, guids);
    if task_orders.is_empty() {
        return Err(Refusal::not_found("No task order with these GUIDs was found".to_owned()));
    }
    Ok(TaskOrders { task_orders })
}

/// Parses a bool query parameter the way ASP.NET binds it (`true`, `False`, `1`, `0`).
fn flag(query: &[(String, String)], name: &str) -> Result<bool, Refusal> {
    let Some((_, v)) = query.iter().find(|(k, _)| k == name) else { return Ok(false) };
    match v.trim().to_ascii_lowercase().as_str() {
        "true" | "1" => Ok(true),
        "false" | "0" | "" => Ok(false),
        _ => Err(Refusal::field(name, &format!("The value '{v}' is not valid."))),
    }
}
