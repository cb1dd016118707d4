//! The HTTP surface: authentication, fault injection, the call log, and one
//! match on `(method, path)` that maps each `/api` route to the store.
//!
//! Does network IO (it is the axum handler). Paths match without regard to
//! case or a trailing `/`, as ASP.NET routing does; so do query parameter names.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::faults::Fault;
use super::store::Refusal;
use super::validation::{self, Rejection};
use super::{Shared, control, quote, tiles};
use crate::api::types::{
    DetailsRequest, Envelope, ErrorBody, FieldErrors, OrderRequest, SupportedConstellation,
    TaskOrders, TaskingModel, TaskingModels, TileSearch, TileSearchRequest, codes,
};
use crate::catalog;

/// The one axum handler: every request comes through here.
pub(super) async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().trim_end_matches('/').to_ascii_lowercase();
    let query = query_pairs(&uri);
    if path.starts_with("/_emulator") {
        return control::handle(&shared, method.as_str(), &path, &query, &body);
    }
    let log = |status: u16| {
        shared.lock().calls.push((method.to_string(), uri.path().to_owned(), status));
    };
    let key = headers.get("x-api-key").and_then(|v| v.to_str().ok()).unwrap_or_default();
    let Some(tenant) = shared.keys.iter().find(|k| k.0 == key).map(|k| k.1.clone()) else {
        log(401);
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let fault = shared.lock().faults.next(method.as_str(), &path);
    if !shared.config.latency.is_zero() {
        tokio::time::sleep(shared.config.latency).await;
    }
    let call = || api(&shared, &tenant, method.as_str(), &path, &query, &body);
    let response = match fault {
        None => call(),
        Some(Fault::TooManyRequests { retry_after_secs }) => {
            let mut r = StatusCode::TOO_MANY_REQUESTS.into_response();
            if let Some(secs) = retry_after_secs {
                r.headers_mut().insert(header::RETRY_AFTER, secs.into());
            }
            r
        }
        Some(Fault::ServerError) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        Some(Fault::Unavailable) => StatusCode::SERVICE_UNAVAILABLE.into_response(),
        Some(Fault::Latency(d)) => {
            tokio::time::sleep(d).await;
            call()
        }
        Some(Fault::Hang(d)) => {
            let r = call();
            tokio::time::sleep(d).await;
            r
        }
        Some(Fault::CommitThenDrop) => {
            drop(call());
            log(0);
            return dropped_connection();
        }
    };
    log(response.status().as_u16());
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

fn api(
    shared: &Shared,
    tenant: &str,
    method: &str,
    path: &str,
    query: &[(String, String)],
    body: &[u8],
) -> Response {
    let config = &shared.config;
    match (method, path) {
        ("GET", "/api/tasking/models") => ok(models()),
        ("POST", "/api/tasking/search/tiles") => match search_tiles(body) {
            Ok(found) => ok(found),
            Err(r) => rejected(r),
        },
        ("POST", "/api/tasking/orders/estimate") => {
            let order = match order_body(body, shared) {
                Ok(o) => o,
                Err(r) => return rejected(r),
            };
            let inner = shared.lock();
            let state = &inner.state;
            let today = state.now.date_naive();
            let spend = order.simulated_euro_usage.unwrap_or_else(|| state.month_spend(tenant));
            let q = quote::quote(&order, today, spend);
            ok(quote::estimate(&order, &q, today))
        }
        ("POST", "/api/tasking/orders") => match order_body(body, shared) {
            Ok(order) => match shared.mutate(|s| s.create(tenant, order, config)) {
                Ok(created) => ok(created),
                Err(r) => refused(r),
            },
            Err(r) => rejected(r),
        },
        ("GET", "/api/tasking/orders") => {
            let (recurring_only, get_expired) =
                match (flag(query, "recurringonly"), flag(query, "getexpired")) {
                    (Ok(r), Ok(e)) => (r, e),
                    (Err(r), _) | (_, Err(r)) => return rejected(r),
                };
            let task_orders = shared.lock().state.list(tenant, recurring_only, get_expired);
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
            details(shared, tenant, &guids)
        }
        ("POST", "/api/tasking/orders/details") => match validation::decode::<DetailsRequest>(body)
        {
            Ok(req) => details(shared, tenant, &req.guids),
            Err(r) => rejected(r),
        },
        ("DELETE", "/api/tasking/orders/cancel") => {
            let Some(guid) = query.iter().find(|(k, _)| k == "taskorderguid").map(|kv| &kv.1)
            else {
                return rejected(field_error("TaskOrderGuid", "TaskOrderGuid is required"));
            };
            match shared.mutate(|s| s.cancel(tenant, guid)) {
                Ok(()) => ok_null(),
                Err(r) => refused(r),
            }
        }
        ("GET", "/api/account/info") => ok(shared.lock().state.account(tenant, config)),
        (
            _,
            "/api/tasking/models"
            | "/api/tasking/search/tiles"
            | "/api/tasking/orders/estimate"
            | "/api/tasking/orders"
            | "/api/tasking/orders/details"
            | "/api/tasking/orders/cancel"
            | "/api/account/info",
        ) => StatusCode::METHOD_NOT_ALLOWED.into_response(),
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

fn models() -> TaskingModels {
    let entry = |name: &&str, optional| SupportedConstellation {
        satellite_constellation: (*name).to_owned(),
        optional,
    };
    TaskingModels {
        tasking_models: catalog::MODELS
            .iter()
            .map(|m| TaskingModel {
                model: m.api_name.to_owned(),
                supported_satellite_constellations: m
                    .required
                    .iter()
                    .map(|c| entry(c, false))
                    .chain(m.optional.iter().map(|c| entry(c, true)))
                    .collect(),
            })
            .collect(),
    }
}

fn search_tiles(body: &[u8]) -> Result<TileSearch, Rejection> {
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
        return Err(field_error(
            "Wkt",
            "Exactly one of Wkt, GeoJson, TileGuids, MiniTileGuids or TileGuidForMiniTiles is required",
        ));
    }
    if let Some(parent) = parent {
        let tiles = tiles::minitiles_of(&parent).ok_or_else(|| {
            field_error("TileGuidForMiniTiles", &format!("'{parent}' is not a known tile GUID"))
        })?;
        return Ok(TileSearch { tiles });
    }
    if wkt.is_some() || geo_json.is_some() {
        let field = if wkt.is_some() { "Wkt" } else { "GeoJson" };
        let parts = super::area::parse_aoi(wkt, geo_json).map_err(|m| field_error(field, &m))?;
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
        match tiles::describe(g).filter(|t| t.mini_tile == mini) {
            Some(t) => tiles.push(t),
            None => errors
                .push(format!("'{g}' is not a known {}", if mini { "minitile" } else { "tile" })),
        }
    }
    if errors.is_empty() {
        Ok(TileSearch { tiles })
    } else {
        Err(Rejection::Invalid(FieldErrors::from([(field.to_owned(), errors)])))
    }
}

fn order_body(body: &[u8], shared: &Shared) -> Result<validation::ValidOrder, Rejection> {
    let req: OrderRequest = validation::decode(body)?;
    validation::order(&req, shared.config.area_rule).map_err(Rejection::Invalid)
}

fn details(shared: &Shared, tenant: &str, guids: &[String]) -> Response {
    if guids.iter().all(|g| g.trim().is_empty()) {
        return rejected(field_error("Guids", "At least one order GUID is required"));
    }
    let task_orders = shared.lock().state.details(tenant, guids);
    if task_orders.is_empty() {
        return refused(Refusal {
            status: 404,
            code: codes::NOT_FOUND,
            message: "No task order with these GUIDs was found".to_owned(),
            fields: None,
        });
    }
    ok(TaskOrders { task_orders })
}

/// Parses a bool query parameter the way ASP.NET binds it (`true`, `False`, `1`, `0`).
fn flag(query: &[(String, String)], name: &str) -> Result<bool, Rejection> {
    let Some((_, v)) = query.iter().find(|(k, _)| k == name) else { return Ok(false) };
    match v.trim().to_ascii_lowercase().as_str() {
        "true" | "1" => Ok(true),
        "false" | "0" | "" => Ok(false),
        _ => Err(field_error(name, &format!("The value '{v}' is not valid."))),
    }
}

/// Query parameters with lower-cased names.
fn query_pairs(uri: &Uri) -> Vec<(String, String)> {
    Query::<Vec<(String, String)>>::try_from_uri(uri)
        .map(|q| q.0.into_iter().map(|(k, v)| (k.to_ascii_lowercase(), v)).collect())
        .unwrap_or_default()
}

fn field_error(field: &str, msg: &str) -> Rejection {
    Rejection::Invalid(FieldErrors::from([(field.to_owned(), vec![msg.to_owned()])]))
}

pub(super) fn json(status: StatusCode, body: &impl Serialize) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => (status, [(header::CONTENT_TYPE, "application/json; charset=utf-8")], bytes)
            .into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

fn ok<T: Serialize>(data: T) -> Response {
    json(StatusCode::OK, &Envelope::ok(data))
}

fn ok_null() -> Response {
    json(StatusCode::OK, &Envelope::<()> { data: None, succeeded: true, error: None })
}

fn rejected(r: Rejection) -> Response {
    match r {
        Rejection::Problem(p) => {
            let mut resp = json(StatusCode::BAD_REQUEST, &p);
            resp.headers_mut().insert(
                header::CONTENT_TYPE,
                header::HeaderValue::from_static("application/problem+json; charset=utf-8"),
            );
            resp
        }
        Rejection::Invalid(fields) => refused(Refusal {
            status: 400,
            code: codes::VALIDATION,
            message: "One or more validation errors occurred.".to_owned(),
            fields: Some(fields),
        }),
    }
}

fn refused(r: Refusal) -> Response {
    let status = StatusCode::from_u16(r.status).unwrap_or(StatusCode::BAD_REQUEST);
    let body = Envelope {
        data: r.fields,
        succeeded: false,
        error: Some(ErrorBody { message: r.message, code: r.code }),
    };
    json(status, &body)
}
