//! The official Python client's example flow against `skyform emulator`,
//! with requests built the way that client builds them (contract sections
//! A1, A4, A5 and R1/R3/R6 of the shared docs): `X-API-KEY` in upper case,
//! `Content-Type` and `Accept` on every call, every AOI key present with the
//! unused ones `null`, the model in lower case, R1's default cadence, and
//! Python's `True`/`False` in query strings. Only the base URL differs.

use serde_json::{Value, json};

use crate::harness::EmulatorProcess;

/// One call as the Python client sends it; the answer's status and JSON.
async fn call(
    http: &reqwest::Client,
    method: &str,
    url: &str,
    body: Option<&Value>,
) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut req = http
        .request(method, url)
        .header("X-API-KEY", "py-key")
        .header("Content-Type", "application/json")
        .header("Accept", "application/json, application/octet-stream");
    if let Some(b) = body {
        req = req.body(b.to_string());
    }
    let resp = req.send().await.expect("send");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn the_python_clients_flow_runs_unmodified_but_for_the_base_url() {
    let dir = tempfile::tempdir().expect("a directory");
    let emu = EmulatorProcess::start(&["--api-key", "py-key"], dir.path());
    let http = reqwest::Client::new();
    let url = |path: &str| format!("{}{path}", emu.url);

    // get_api_key_info (R3, R6: the legacy endpoint), then R1's get_account_info.
    let (status, key) = call(&http, "GET", &url("/api/apikey/info"), None).await;
    assert_eq!(status, 200, "{key}");
    assert_eq!(key["Succeeded"], true);
    assert!(key["Data"]["EuroCreditAmount"].is_number(), "{key}");
    let (status, info) = call(&http, "GET", &url("/api/account/info"), None).await;
    assert_eq!(status, 200, "{info}");
    assert!(info["Data"]["MaxConcurrentConnections"].is_number(), "{info}");

    // estimate_order: every AOI key present, unused ones null (R1).
    let mut order = json!({
        "Wkt": "POLYGON((9.87 56.47,10.19 56.47,10.19 56.28,9.87 56.28,9.87 56.47))",
        "GeoJson": null, "TileGuids": null, "MiniTileGuids": null,
        "SatelliteConstellations": ["Sentinel1", "Sentinel2", "Landsat89"],
        "Model": "stratus2", "StorageMonths": 1, "ApiRequests": 1,
        "ImageFrequency": 2, "ReferenceDate": "2024-01-01",
        "From": "2025-04-01", "To": null
    });
    let (status, estimate) =
        call(&http, "POST", &url("/api/tasking/orders/estimate"), Some(&order)).await;
    assert_eq!(status, 200, "{estimate}");
    assert!(estimate["Data"]["AreaKm2"].as_f64().unwrap() > 0.0, "{estimate}");
    assert!(estimate["Data"]["ImageDates"].as_array().is_some_and(|d| !d.is_empty()));

    // create_order: the same body plus TileDeduplication (R1).
    order["TileDeduplication"] = json!(false);
    let (status, created) = call(&http, "POST", &url("/api/tasking/orders"), Some(&order)).await;
    assert_eq!(status, 200, "{created}");
    let guid = created["Data"]["TaskOrderGuid"].as_str().expect("TaskOrderGuid").to_owned();
    assert!(created["Data"]["OrderingProcessStatus"].is_string());

    // list_orders with Python's bools (R3 formats them as `True`/`False`).
    let list = url("/api/tasking/orders?recurringOnly=False&getExpired=True");
    let (status, listed) = call(&http, "GET", &list, None).await;
    assert_eq!(status, 200, "{listed}");
    let orders = listed["Data"]["TaskOrders"].as_array().expect("TaskOrders");
    assert!(orders.iter().any(|o| o["TaskOrderGuid"] == guid.as_str()), "{listed}");
    assert_eq!(orders[0]["Model"], "Stratus2", "enum values come back in API form");
}
