//! The emulator's fault injection, persistence, concurrency and control
//! plane seen from the outside: plain HTTP with reqwest against
//! `emulator::spawn` (helpers in `emulator.rs`).

use std::collections::BTreeSet;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use clearsky_emulator::{self as emulator, Config, Fault, FaultRates};
use serde_json::{Value, json};

use crate::emulator::{Api, ORDERS, SMALL_WKT, guids, order, start};

#[tokio::test]
async fn scripted_faults_come_in_order_then_calls_succeed() {
    let (h, api) = start(Config::default());
    h.script(
        "GET",
        ORDERS,
        vec![
            Fault::TooManyRequests { retry_after_secs: Some(3) },
            Fault::ServerError,
            Fault::Unavailable,
            Fault::Latency(Duration::from_millis(5)),
        ],
    );
    let resp = api
        .http
        .get(format!("{}{ORDERS}", api.url))
        .header("x-api-key", &api.key)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 429);
    assert_eq!(resp.headers()["retry-after"], "3");
    assert_eq!(api.get(ORDERS).await.0, 500);
    assert_eq!(api.get(ORDERS).await.0, 503);
    assert_eq!(api.get(ORDERS).await.0, 200);
    assert_eq!(api.get(ORDERS).await.0, 200);
    let statuses: Vec<u16> = h.calls().iter().map(|c| c.2).collect();
    assert_eq!(statuses, [429, 500, 503, 200, 200]);
}

#[tokio::test]
async fn commit_then_drop_stores_the_order_but_the_client_gets_no_response() {
    let (h, api) = start(Config::default());
    h.script("POST", ORDERS, vec![Fault::CommitThenDrop]);
    let body = order(SMALL_WKT, "2025-04-01", None);
    let sent = api
        .http
        .post(format!("{}{ORDERS}", api.url))
        .header("x-api-key", &api.key)
        .json(&body)
        .send()
        .await;
    let outcome = match sent {
        Err(e) => Err(e),
        Ok(resp) => resp.bytes().await.map(|_| ()),
    };
    let err = outcome.expect_err("the connection must break");
    assert!(!err.is_status(), "{err:?}");
    assert_eq!(h.orders().len(), 1);
    assert_eq!(api.list("").await.len(), 1);
    assert_eq!(h.calls()[0].2, 0);
}

#[tokio::test]
async fn a_hang_outlives_the_client_timeout_after_committing() {
    let (h, api) = start(Config::default());
    h.script("POST", ORDERS, vec![Fault::Hang(Duration::from_secs(1))]);
    let body = order(SMALL_WKT, "2025-04-01", None);
    let err = api
        .http
        .post(format!("{}{ORDERS}", api.url))
        .header("x-api-key", &api.key)
        .timeout(Duration::from_millis(100))
        .json(&body)
        .send()
        .await
        .expect_err("times out");
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(h.orders().len(), 1);
}

#[tokio::test]
async fn random_faults_follow_the_rates_and_the_route_filter() {
    let (h, api) = start(Config::default());
    h.set_rates(FaultRates {
        unavailable: 1.0,
        route: Some(("GET".into(), "/api/account/info".into())),
        ..FaultRates::default()
    });
    assert_eq!(api.get("/api/account/info").await.0, 503);
    assert_eq!(api.get(ORDERS).await.0, 200);
    h.set_rates(FaultRates { too_many_requests: 1.0, ..FaultRates::default() });
    assert_eq!(api.get(ORDERS).await.0, 429);
    h.set_rates(FaultRates::default());
    assert_eq!(api.get(ORDERS).await.0, 200);
}

#[tokio::test]
async fn a_restarted_emulator_carries_on_from_its_state_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("state").join("emulator.json");
    let config = Config { state_file: Some(file.clone()), seed: 9, ..Config::default() };
    let (guid, balance) = {
        let (h, api) = start(config.clone());
        let created = api.create(&order(SMALL_WKT, "2025-04-01", None)).await;
        h.advance(chrono::Duration::days(3));
        (created["TaskOrderGuid"].as_str().unwrap().to_owned(), h.balance())
    };
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(!text.contains("sandbox"), "the state file must not hold the API key");
    let (h, api) = start(config);
    assert_eq!(guids(&api.list("").await), std::slice::from_ref(&guid));
    assert_eq!(h.now(), Utc.with_ymd_and_hms(2025, 4, 13, 12, 0, 0).unwrap());
    assert!((h.balance() - balance).abs() < 1e-9);
    let second = api.create(&order(SMALL_WKT, "2025-04-01", None)).await;
    assert_ne!(second["TaskOrderGuid"].as_str().unwrap(), guid);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_concurrent_creates_give_200_orders_and_a_balance_that_adds_up() {
    let (h, api) = start(Config { balance_eur: 1_000_000.0, ..Config::default() });
    let api = std::sync::Arc::new(api);
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let api = std::sync::Arc::clone(&api);
        tasks.push(tokio::spawn(async move {
            let mut costs = Vec::new();
            for _ in 0..25 {
                let created = api.create(&order(SMALL_WKT, "2025-04-01", None)).await;
                costs.push(created["TaskOrderGuid"].as_str().unwrap().to_owned());
            }
            costs
        }));
    }
    let mut all = BTreeSet::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    assert_eq!(all.len(), 200);
    let state = h.state();
    let charged: f64 =
        state.tenants.values().flat_map(|t| &t.orders).flat_map(|o| &o.charges).map(|c| c.1).sum();
    assert!(charged > 0.0);
    assert!((h.balance() - (1_000_000.0 - charged)).abs() < 1e-4, "{} vs {charged}", h.balance());
    assert_eq!(api.list("").await.len(), 200);
}

#[tokio::test]
async fn the_control_plane_drives_clock_review_faults_and_reset() {
    let (h, api) = start(Config::default());
    let control = |path: &str, body: Value| {
        let req = api.http.post(format!("{}/_emulator/{path}", api.url)).json(&body);
        async move { req.send().await.unwrap() }
    };
    let r = control("clock", json!({"now": "2025-05-01"})).await;
    assert_eq!(r.json::<Value>().await.unwrap()["Now"], "2025-05-01T00:00:00Z");
    control("clock", json!({"AdvanceDays": 2})).await;
    assert_eq!(h.now(), Utc.with_ymd_and_hms(2025, 5, 3, 0, 0, 0).unwrap());

    let created = api.create(&order(SMALL_WKT, "2025-05-01", None)).await;
    let g = created["TaskOrderGuid"].as_str().unwrap();
    assert_eq!(control("deny", json!({"TaskOrderGuid": g})).await.status(), 200);
    assert_eq!(api.list("").await[0]["OrderingProcessStatus"], "Canceled");
    assert_eq!(control("accept", json!({"TaskOrderGuid": g})).await.status(), 404);
    let created = api.create(&order(SMALL_WKT, "2025-05-01", None)).await;
    let g = created["TaskOrderGuid"].as_str().unwrap();
    assert_eq!(control("accept", json!({"taskOrderGuid": g})).await.status(), 200);
    assert_eq!(api.list("").await[1]["OrderingProcessStatus"], "Preparing");

    let script =
        json!({"Script": [{"Method": "GET", "Path": ORDERS, "Faults": [{"Kind": "Unavailable"}]}]});
    assert_eq!(control("faults", script).await.status(), 204);
    assert_eq!(api.get(ORDERS).await.0, 503);

    let state: Value = api
        .http
        .get(format!("{}/_emulator/state", api.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(state["Now"], "2025-05-03T00:00:00Z");
    assert_eq!(control("reset", json!({})).await.status(), 204);
    assert!(h.orders().is_empty() && h.calls().is_empty());
    assert_eq!(h.now(), Config::default().now);
}

#[test]
fn order_guids_are_deterministic_per_seed() {
    let make = |seed| {
        let h = emulator::spawn(Config { seed, ..Config::default() }).unwrap();
        let rt = tokio::runtime::Runtime::new().unwrap();
        let api = Api::new(&h);
        rt.block_on(async {
            api.create(&order(SMALL_WKT, "2025-04-01", None)).await["TaskOrderGuid"].clone()
        })
    };
    assert_eq!(make(1), make(1));
    assert_ne!(make(1), make(2));
}

#[tokio::test]
async fn the_command_prints_its_url_and_serves_the_given_key() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("s.json");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_skyform"))
        .args(["emulator", "--listen", "127.0.0.1:0", "--api-key", "k1", "--now", "2025-06-15"])
        .arg("--state")
        .arg(&state)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line.trim().to_owned();
    let http = reqwest::Client::new();
    let info = http.get(format!("{url}/api/account/info")).header("x-api-key", "k1").send().await;
    let sandbox = http.get(format!("{url}/api/account/info")).header("x-api-key", "sandbox").send();
    let sandbox = sandbox.await.map(|r| r.status().as_u16());
    let clock = http.get(format!("{url}/_emulator/clock")).send().await;
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert_eq!(info.unwrap().status(), 200);
    assert_eq!(sandbox.unwrap(), 401);
    let clock: Value = clock.unwrap().json().await.unwrap();
    assert_eq!(clock["Now"], "2025-06-15T00:00:00Z");
    assert!(state.exists());
}
