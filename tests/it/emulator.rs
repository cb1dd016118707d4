//! The emulator seen from the outside: plain HTTP with reqwest against
//! `emulator::spawn`, one test per documented behaviour.

use std::collections::BTreeSet;

use chrono::{TimeZone, Utc};
use clearsky_emulator::{self as emulator, Config, Handle};
use serde_json::{Value, json};

/// The docs' estimate example (same text as the area module's `DOCS_ESTIMATE_WKT`).
pub(crate) const DOCS_WKT: &str = "GEOMETRYCOLLECTION (\
    POLYGON ((8.675127 55.962046, 8.675127 55.963407, 8.679411 55.963407, 8.679411 55.962046, 8.675127 55.962046)), \
    POLYGON ((8.472053 56.105382, 8.472053 56.337398, 8.948552 56.337398, 8.948552 56.105382, 8.472053 56.105382)), \
    POLYGON ((8.678 55.948533, 8.678 56.068376, 8.878589 56.068376, 8.878589 55.948533, 8.678 55.948533)))";

pub(crate) const SMALL_WKT: &str =
    "POLYGON((9.87 56.47,9.97 56.47,9.97 56.40,9.87 56.40,9.87 56.47))";

pub(crate) const ORDERS: &str = "/api/tasking/orders";

pub(crate) struct Api {
    pub(crate) http: reqwest::Client,
    pub(crate) url: String,
    pub(crate) key: String,
}

impl Api {
    pub(crate) fn new(h: &Handle) -> Self {
        Self { http: reqwest::Client::new(), url: h.url(), key: h.key() }
    }

    pub(crate) async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
    ) -> (u16, Value) {
        let mut req = self.http.request(method, format!("{}{path}", self.url));
        req = req.header("x-api-key", &self.key);
        if let Some(b) = body {
            req = req.json(b);
        }
        let resp = req.send().await.expect("send");
        let status = resp.status().as_u16();
        let text = resp.text().await.expect("body");
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    pub(crate) async fn get(&self, path: &str) -> (u16, Value) {
        self.send(reqwest::Method::GET, path, None).await
    }

    pub(crate) async fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }

    pub(crate) async fn delete(&self, path: &str) -> (u16, Value) {
        self.send(reqwest::Method::DELETE, path, None).await
    }

    pub(crate) async fn create(&self, body: &Value) -> Value {
        let (status, v) = self.post(ORDERS, body).await;
        assert_eq!(status, 200, "{v}");
        v["Data"].clone()
    }

    pub(crate) async fn list(&self, query: &str) -> Vec<Value> {
        let (status, v) = self.get(&format!("{ORDERS}{query}")).await;
        assert_eq!(status, 200, "{v}");
        v["Data"]["TaskOrders"].as_array().unwrap().clone()
    }
}

pub(crate) fn order(wkt: &str, from: &str, to: Option<&str>) -> Value {
    json!({
        "Wkt": wkt, "SatelliteConstellations": ["Sentinel1", "Sentinel2", "Landsat89"],
        "Model": "Stratus2", "StorageMonths": 1, "ApiRequests": 1, "ImageFrequency": 7,
        "ReferenceDate": "2025-01-01", "From": from, "To": to,
    })
}

pub(crate) fn start(config: Config) -> (Handle, Api) {
    let h = emulator::spawn(config).unwrap();
    let api = Api::new(&h);
    (h, api)
}

pub(crate) fn guids(orders: &[Value]) -> Vec<String> {
    orders.iter().map(|o| o["TaskOrderGuid"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn a_missing_or_unknown_key_gets_401_with_an_empty_body() {
    let (h, api) = start(Config::default());
    let resp = api.http.get(format!("{}{ORDERS}", h.url())).send().await.unwrap();
    assert_eq!(resp.status(), 401);
    assert_eq!(resp.text().await.unwrap(), "");
    let wrong = Api { key: "nope".into(), ..Api::new(&h) };
    assert_eq!(wrong.get("/api/account/info").await.0, 401);
    assert_eq!(h.calls().last().unwrap().2, 401);
}

#[tokio::test]
async fn models_and_account_info_are_served() {
    let (_h, api) = start(Config { overdraft_eur: 250.0, ..Config::default() });
    let (status, v) = api.get("/API/Tasking/Models/").await;
    assert_eq!(status, 200);
    let stratus = &v["Data"]["TaskingModels"][0];
    assert_eq!(stratus["Model"], "Stratus2");
    assert_eq!(
        stratus["SupportedSatelliteConstellations"][2]["SatelliteConstellation"],
        "Landsat89"
    );
    assert_eq!(stratus["SupportedSatelliteConstellations"][2]["Optional"], false);
    let (status, v) = api.get("/api/account/info").await;
    assert_eq!(status, 200);
    assert_eq!(v["Data"]["EuroOverdraftLimit"], 250.0);
    assert_eq!(v["Data"]["EuroCreditAmount"], 10_000.0);
    assert!(v["Data"]["TenantId"].as_str().is_some_and(|t| !t.is_empty()));
}

#[tokio::test]
async fn estimate_reproduces_the_docs_areas_and_emits_both_generations() {
    let (_h, api) = start(Config::default());
    let mut body = order(DOCS_WKT, "2025-04-01", None);
    body["ImageFrequency"] = json!(2);
    let (status, v) = api.post("/api/tasking/orders/estimate", &body).await;
    assert_eq!(status, 200, "{v}");
    let d = &v["Data"];
    assert_eq!(d["AreaKm2BeforeMinimum1Km2PerAoi"], 930.65);
    assert_eq!(d["AreaKm2"], 931.61);
    assert!(d["AreasOfInterestWkt"].as_str().unwrap().starts_with("GEOMETRYCOLLECTION (POLYGON"));
    assert_eq!(d["CancellationDate"], "2025-04-30");
    assert_eq!(d["CurrentMonthCost"], d["CurrentMonthCosts"]["TotalCost"]);
    assert_eq!(d["NextMonthCost"], d["RecurringCostsEstimate"]["TotalCost"]);
    assert_eq!(d["Costs"]["CurrencyCode"], "EUR");
    assert!(d["NextMonthCost"].as_f64().unwrap() > 0.0);
    assert_eq!(d["ImageDates"].as_array().unwrap().len(), 15, "{}", d["ImageDates"]);
}

#[tokio::test]
async fn weekly_cadence_gives_the_docs_days() {
    let (_h, api) = start(Config::default());
    let body = order(SMALL_WKT, "2025-01-01", Some("2025-01-31"));
    let (_, v) = api.post("/api/tasking/orders/estimate", &body).await;
    let want = ["2025-01-01", "2025-01-08", "2025-01-15", "2025-01-22", "2025-01-29"];
    assert_eq!(v["Data"]["ImageDates"], json!(want));
    assert_eq!(v["Data"]["NextMonthCost"], 0.0);
}

#[tokio::test]
async fn spend_tiers_graduate_across_the_1000_eur_boundary() {
    let (_h, api) = start(Config::default());
    let cost = |usage: f64| {
        let mut body = order(DOCS_WKT, "2025-01-01", Some("2025-01-31"));
        body["SimulatedEuroUsage"] = json!(usage);
        let api = &api;
        async move {
            let (_, v) = api.post("/api/tasking/orders/estimate", &body).await;
            v["Data"]["CurrentMonthCost"].as_f64().unwrap()
        }
    };
    // 5 images of 931.61 km²: 931.61 EUR at €0.20, 326.06 at €0.07; from 990 EUR spent,
    // the first 10 EUR (50 km²) are billed at €0.20 and the rest at €0.07.
    for (usage, want) in [(0.0, 931.61), (1_000.0, 326.06), (990.0, 332.56)] {
        let got = cost(usage).await;
        assert!((got - want).abs() < 1e-9, "at {usage} EUR spent: {got}, want {want}");
    }
}

#[tokio::test]
async fn create_charges_credits_and_lists_the_order_in_review() {
    let (h, api) = start(Config::default());
    let mut body = order(SMALL_WKT, "2025-04-01", None);
    body["ImageFrequency"] = json!(3);
    let (_, est) = api.post("/api/tasking/orders/estimate", &body).await;
    let created = api.create(&body).await;
    assert_eq!(created["OrderingProcessStatus"], "Review");
    assert!(created.as_object().unwrap().contains_key("To") && created["To"].is_null());
    let guid = created["TaskOrderGuid"].as_str().unwrap();
    assert_eq!(uuid::Uuid::parse_str(guid).unwrap().get_version_num(), 4);
    let cost = est["Data"]["CurrentMonthCost"].as_f64().unwrap();
    assert!(cost > 0.0);
    assert!((h.balance() - (10_000.0 - cost)).abs() < 1e-6);
    let listed = api.list("").await;
    assert_eq!(guids(&listed), [guid]);
    assert!(listed[0].get("CreatedDate").is_none());
    let (status, v) = api.get(&format!("{ORDERS}/details?TaskOrderGuid={guid}")).await;
    assert_eq!(status, 200);
    assert_eq!(v["Data"]["TaskOrders"][0]["CreatedDate"], "2025-04-10T12:00:00Z");
    let (status, v) = api.post(&format!("{ORDERS}/details"), &json!({"guids": [guid]})).await;
    assert_eq!((status, v["Data"]["TaskOrders"][0]["TaskOrderGuid"].as_str()), (200, Some(guid)));
    let (status, v) =
        api.get(&format!("{ORDERS}/details?taskOrderGuid={}", uuid::Uuid::nil())).await;
    assert_eq!((status, v["Succeeded"].as_bool()), (404, Some(false)));
}

#[tokio::test]
async fn input_is_case_insensitive_and_auto_accept_skips_review() {
    let (_h, api) = start(Config { auto_accept: true, ..Config::default() });
    let body = json!({
        "wkt": SMALL_WKT, "satelliteconstellations": ["sentinel1", "SENTINEL2", "landsat89"],
        "model": "stratus2", "storageMonths": 2, "apirequests": 1, "imageFrequency": 2,
        "from": "2025-04-01", "to": "2025-04-30",
    });
    let created = api.create(&body).await;
    assert_eq!(created["OrderingProcessStatus"], "Preparing");
    assert_eq!(created["Model"], "Stratus2");
    assert_eq!(created["SatelliteConstellations"], json!(["Sentinel1", "Sentinel2", "Landsat89"]));
    assert_eq!(created["ReferenceDate"], "2025-04-01");
    assert_eq!(created["To"], "2025-04-30");
}

#[tokio::test]
async fn invalid_orders_get_992_with_a_message_per_field() {
    let (h, api) = start(Config::default());
    let body = json!({
        "Wkt": SMALL_WKT, "SatelliteConstellations": ["Sentinel1", "Sentinel9"],
        "Model": "Stratus-2", "StorageMonths": 0, "ApiRequests": 0, "ImageFrequency": 9,
        "From": "2025-04-02", "To": "2025-04-15",
    });
    let (status, v) = api.post(ORDERS, &body).await;
    assert_eq!(status, 400);
    assert_eq!(v["Succeeded"], false);
    assert_eq!(v["Error"]["Code"], 992);
    let fields: BTreeSet<&str> =
        v["Data"].as_object().unwrap().keys().map(String::as_str).collect();
    let want = [
        "ApiRequests",
        "From",
        "ImageFrequency",
        "Model",
        "SatelliteConstellations",
        "StorageMonths",
        "To",
    ];
    assert_eq!(fields, want.into_iter().collect());

    let mut both = order(SMALL_WKT, "2025-04-01", None);
    both["GeoJson"] = json!({"type": "Polygon", "coordinates": [[[9.0, 56.0], [9.1, 56.0], [9.1, 56.1], [9.0, 56.0]]]});
    let (status, v) = api.post("/api/tasking/orders/estimate", &both).await;
    assert_eq!((status, v["Error"]["Code"].as_i64()), (400, Some(992)));
    assert!(v["Data"]["Wkt"][0].as_str().unwrap().contains("Only one"));

    let mut missing = order(SMALL_WKT, "2025-04-01", None);
    missing["ImageFrequency"] = Value::Null;
    missing["Wkt"] = json!("LINESTRING (1 1, 2 2)");
    let (status, v) = api.post(ORDERS, &missing).await;
    assert_eq!(status, 400);
    assert!(v["Data"]["ImageFrequency"].is_array() && v["Data"]["Wkt"].is_array(), "{v}");
    assert!(h.orders().is_empty());
}

/// A ring whose last position is not its first: `validate` refused it while
/// the emulator closed it and took the order. Both now follow the one AOI
/// validity rule of `clearsky::aoi` and refuse it, each in its own words.
#[tokio::test]
async fn an_unclosed_ring_is_refused_by_validate_and_the_emulator_alike() {
    let unclosed = "POLYGON((0 0,1 0,1 1))";
    let (h, api) = start(Config::default());
    let body = order(unclosed, "2025-04-01", None);
    for path in ["/api/tasking/orders/estimate", ORDERS, "/api/tasking/search/tiles"] {
        let (status, v) = api.post(path, &body).await;
        assert_eq!((status, v["Error"]["Code"].as_i64()), (400, Some(992)), "{path}: {v}");
        assert_eq!(
            v["Data"]["Wkt"][0],
            "`Wkt` member 1 has an unclosed ring: it starts at `0 0` and ends at `1 1`",
            "{path}"
        );
    }
    assert!(h.orders().is_empty());

    let dir = tempfile::tempdir().unwrap();
    let manifest = format!(
        "orders:\n  - name: a\n    Model: Nimbus\n    SatelliteConstellations: [Sentinel2]\n    \
         StorageMonths: 1\n    ApiRequests: 1\n    ImageFrequency: 1\n    From: 2025-01-01\n    \
         Wkt: {unclosed}\n"
    );
    std::fs::write(dir.path().join("m.yaml"), manifest).unwrap();
    let out = crate::harness::skyform(dir.path(), &["validate", "m.yaml"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "`Wkt` has an unclosed ring in polygon 1: it starts at `0 0` and ends at `1 1`"
        ),
        "{}",
        out.stderr
    );
}

#[tokio::test]
async fn unparsable_json_gets_problem_details() {
    let (_h, api) = start(Config::default());
    let resp = api
        .http
        .post(format!("{}{ORDERS}", api.url))
        .header("x-api-key", &api.key)
        .header("content-type", "application/json")
        .body("{\"Wkt\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let v: Value = resp.json().await.unwrap();
    assert_eq!(v["title"], "One or more validation errors occurred.");
    assert_eq!(v["status"], 400);
    assert!(v["errors"].as_object().is_some_and(|e| !e.is_empty()));
    assert!(v.get("Succeeded").is_none());
}

#[tokio::test]
async fn insufficient_credits_is_a_400_with_code_995_and_changes_nothing() {
    let (h, api) = start(Config { balance_eur: 100.0, overdraft_eur: 50.0, ..Config::default() });
    let (status, v) = api.post(ORDERS, &order(DOCS_WKT, "2025-01-01", Some("2025-01-31"))).await;
    assert_eq!((status, v["Error"]["Code"].as_i64()), (400, Some(995)), "{v}");
    assert!(h.orders().is_empty());
    assert!((h.balance() - 100.0).abs() < 1e-9);
    // A small order fits into balance + overdraft.
    api.create(&order(SMALL_WKT, "2025-04-01", Some("2025-04-30"))).await;
}

#[tokio::test]
async fn cancel_follows_the_lifecycle_stage() {
    let (h, api) = start(Config::default());
    let cancel = |g: String| {
        let api = &api;
        async move { api.delete(&format!("{ORDERS}/cancel?taskOrderGuid={g}")).await }
    };
    // Review: removed and refunded.
    let review = api.create(&order(SMALL_WKT, "2025-04-01", None)).await;
    let g = review["TaskOrderGuid"].as_str().unwrap().to_owned();
    let (status, v) = cancel(g.clone()).await;
    assert_eq!((status, &v), (200, &json!({"Data": null, "Succeeded": true, "Error": null})));
    assert!(api.list("?getExpired=true").await.is_empty());
    assert!((h.balance() - 10_000.0).abs() < 1e-9);
    assert!(h.orders()[0].ordering_process_status.is_canceled());
    assert_eq!(cancel(g).await.0, 404);

    // Accepted recurring: renewal stopped, To = end of this month; a second cancel is refused.
    let rec = api.create(&order(SMALL_WKT, "2025-04-01", None)).await;
    let g = rec["TaskOrderGuid"].as_str().unwrap().to_owned();
    assert!(h.accept(&g));
    assert_eq!(cancel(g.clone()).await.0, 200);
    let listed = api.list("").await;
    assert_eq!(listed[0]["To"], "2025-04-30");
    assert_ne!(listed[0]["OrderingProcessStatus"], "Canceled");
    assert!(api.list("?recurringOnly=true").await.is_empty());
    let (status, v) = cancel(g).await;
    assert_eq!(
        (status, &v["Data"]["TaskOrderGuid"][0]),
        (400, &json!("Order cannot be cancelled"))
    );

    // Accepted fixed window: refused.
    let fixed = api.create(&order(SMALL_WKT, "2025-03-01", Some("2025-03-31"))).await;
    let g = fixed["TaskOrderGuid"].as_str().unwrap().to_owned();
    assert!(h.accept(&g));
    assert_eq!(cancel(g.clone()).await.0, 400);

    // Another tenant's order is unknown.
    let h2 =
        emulator::spawn(Config { api_keys: vec!["a".into(), "b".into()], ..Config::default() })
            .unwrap();
    let a = Api::new(&h2);
    let b = Api { key: "b".into(), ..Api::new(&h2) };
    let mine = a.create(&order(SMALL_WKT, "2025-04-01", None)).await;
    let g = mine["TaskOrderGuid"].as_str().unwrap();
    assert_eq!(b.delete(&format!("{ORDERS}/cancel?TASKORDERGUID={g}")).await.0, 404);
    assert!(b.list("").await.is_empty());
}

#[tokio::test]
async fn recurring_orders_renew_on_the_first_and_progress_with_the_clock() {
    let (h, api) = start(Config { auto_accept: true, ..Config::default() });
    let body = order(DOCS_WKT, "2025-04-01", None);
    let (_, est) = api.post("/api/tasking/orders/estimate", &body).await;
    let next = est["Data"]["NextMonthCost"].as_f64().unwrap();
    let stopped = api.create(&order(SMALL_WKT, "2025-04-01", None)).await;
    let stopped = stopped["TaskOrderGuid"].as_str().unwrap().to_owned();
    assert_eq!(api.delete(&format!("{ORDERS}/cancel?taskOrderGuid={stopped}")).await.0, 200);
    api.create(&body).await;
    let before = h.balance();
    h.set_now(Utc.with_ymd_and_hms(2025, 4, 30, 23, 59, 59).unwrap());
    assert!((h.balance() - before).abs() < 1e-9, "no renewal before the cutoff");
    h.advance(chrono::Duration::seconds(1));
    assert!((h.balance() - (before - next)).abs() < 1e-6, "{} {before} {next}", h.balance());
    let orders = api.list("?getExpired=1").await;
    assert_eq!(orders[0]["OrderingProcessStatus"], "Completed", "the stopped order ended in April");
    assert_eq!(orders[1]["OrderingProcessStatus"], "UpToDate");
    // Crossing two more month starts renews twice more.
    h.set_now(Utc.with_ymd_and_hms(2025, 7, 2, 0, 0, 0).unwrap());
    assert!(h.balance() < before - 2.0 * next);
}

#[tokio::test]
async fn expired_orders_show_only_with_get_expired() {
    let (h, api) = start(Config::default());
    let old = api.create(&order(SMALL_WKT, "2025-01-01", Some("2025-01-31"))).await;
    let old = old["TaskOrderGuid"].as_str().unwrap();
    // Storage: through the end of To's month + StorageMonths months (January + 1 = February,
    // February + 2 = April).
    let mut kept = order(SMALL_WKT, "2025-02-01", Some("2025-02-28"));
    kept["StorageMonths"] = json!(2);
    let live = api.create(&kept).await;
    let live = live["TaskOrderGuid"].as_str().unwrap();
    assert_eq!(guids(&api.list("").await), [live]);
    assert_eq!(guids(&api.list("?GetExpired=True").await), [old, live]);
    assert_eq!(guids(&api.list("?getexpired=0").await), [live]);
    assert_eq!(api.get(&format!("{ORDERS}?getExpired=maybe")).await.0, 400);
    h.set_now(Utc.with_ymd_and_hms(2025, 5, 1, 0, 0, 0).unwrap());
    assert!(api.list("").await.is_empty());
}

#[tokio::test]
async fn tile_search_and_tile_deduplication() {
    let (h, api) = start(Config::default());
    let (status, v) = api.post("/api/tasking/search/tiles", &json!({"wkt": SMALL_WKT})).await;
    assert_eq!(status, 200, "{v}");
    let tile = v["Data"]["Tiles"][0]["Guid"].as_str().unwrap().to_owned();
    let (_, v) = api.post("/api/tasking/search/tiles", &json!({"TileGuids": [tile]})).await;
    assert_eq!(v["Data"]["Tiles"][0]["MiniTile"], false);
    let (_, v) =
        api.post("/api/tasking/search/tiles", &json!({"TileGuidForMiniTiles": tile})).await;
    let minis = v["Data"]["Tiles"].as_array().unwrap();
    assert_eq!(minis.len(), 256);
    let mini = minis[0]["Guid"].as_str().unwrap().to_owned();
    let (status, v) = api
        .post("/api/tasking/search/tiles", &json!({"Wkt": SMALL_WKT, "TileGuids": [tile]}))
        .await;
    assert_eq!((status, v["Error"]["Code"].as_i64()), (400, Some(992)));

    let tile_order = |tiles: Vec<&str>, minis: Vec<&str>, dedupe: bool| {
        let mut b = order(SMALL_WKT, "2025-04-01", Some("2025-04-30"));
        b["Wkt"] = Value::Null;
        b["TileGuids"] = json!(tiles);
        b["MiniTileGuids"] = json!(minis);
        b["TileDeduplication"] = json!(dedupe);
        b
    };
    let first = api.create(&tile_order(vec![&tile], vec![], false)).await;
    assert_eq!(first["TaskOrderAreaKm2"], 2621.44);
    let (status, v) = api.post(ORDERS, &tile_order(vec![&tile], vec![&mini], true)).await;
    assert_eq!((status, v["Error"]["Code"].as_i64()), (400, Some(992)), "{v}");
    // Another tile (one row north) stays; the ordered one is dropped.
    let north = "POLYGON((9.90 57.0,9.91 57.0,9.91 57.01,9.90 57.01,9.90 57.0))";
    let (_, v) = api.post("/api/tasking/search/tiles", &json!({"Wkt": north})).await;
    let other = v["Data"]["Tiles"][0]["Guid"].as_str().unwrap().to_owned();
    assert_ne!(other, tile);
    let kept = api.create(&tile_order(vec![&tile, &other], vec![], true)).await;
    assert_eq!(kept["Tiles"], json!([other]));
    assert_eq!(kept["TaskOrderAreaKm2"], 2621.44);
    // Without deduplication nothing is dropped.
    let all = api.create(&tile_order(vec![&tile], vec![&mini], false)).await;
    assert_eq!(all["MiniTiles"], json!([mini]));
    // A malformed GUID is refused, and a minitile's GUID is not a tile.
    for bad in ["not-a-guid", mini.as_str()] {
        let (status, v) = api.post(ORDERS, &tile_order(vec![bad], vec![], false)).await;
        assert_eq!(status, 400, "{bad}");
        assert!(v["Data"]["TileGuids"].is_array());
    }
    assert_eq!(h.orders().len(), 3);
    // Any other well-formed GUID (the docs' real tile) is a tile on a stand-in cell.
    let docs_tile = "c3528462-02fc-4301-bb37-8d226b45f149";
    let real = api.create(&tile_order(vec![docs_tile], vec![], false)).await;
    assert_eq!(real["Tiles"], json!([docs_tile]));
    assert_eq!(real["TaskOrderAreaKm2"], 2621.44);
}
