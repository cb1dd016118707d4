//! Hostile use of the sandbox and the emulator: concurrent `apply --sandbox`
//! runs on one state file, a state file that must not be rewritten by a
//! read-only run, out-of-range clock moves on the control plane, and random
//! JSON sent to every route (never a panic, always an HTTP answer).

use std::process::Stdio;

use clearsky_emulator::{self as emulator, Config, State};
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::hostile::{manifest_with, run};

/// A manifest of `n` orders named `PREFIX-i`, each a distinct small square.
fn manifest(prefix: &str, n: usize, lat: f64) -> String {
    let mut text = String::from("orders:\n");
    for i in 0..n {
        #[allow(clippy::cast_precision_loss)]
        let lon = 9.0 + 0.2 * i as f64;
        let (lon2, lat2) = (lon + 0.1, lat + 0.1);
        let aoi = format!(
            "Wkt: POLYGON(({lon} {lat},{lon2} {lat},{lon2} {lat2},{lon} {lat2},{lon} {lat}))"
        );
        let one = manifest_with(&format!("{prefix}-{i}"), &aoi);
        text.push_str(one.strip_prefix("orders:\n").unwrap());
    }
    text
}

fn stored_orders(path: &std::path::Path) -> usize {
    let state: State = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    state.tenants.values().map(|t| t.orders.len()).sum()
}

#[test]
fn concurrent_sandbox_applies_keep_every_order() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("a.yaml"), manifest("a", 6, 56.0)).unwrap();
    std::fs::write(d.join("b.yaml"), manifest("b", 6, 57.0)).unwrap();
    let apply = |file: &str| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_skyform"));
        cmd.args(["apply", "--sandbox", "--sandbox-state", "s/state.json", "--auto-approve", file])
            .current_dir(d)
            .env("NO_COLOR", "1")
            .env_remove("SKYFORM_NOW")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd.spawn().unwrap()
    };
    let (a, b) = (apply("a.yaml"), apply("b.yaml"));
    for child in [a, b] {
        let out = child.wait_with_output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
        assert!(text.contains("Apply complete: 6 changes made."), "{text}");
    }
    let state = d.join("s/state.json");
    assert_eq!(stored_orders(&state), 12);

    // A read-only run does not rewrite the file.
    let before = std::fs::metadata(&state).unwrap().modified().unwrap();
    let bytes = std::fs::read(&state).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let out =
        run(d, &["plan", "--sandbox", "--sandbox-state", "s/state.json", "a.yaml", "b.yaml"], &[]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_eq!(std::fs::metadata(&state).unwrap().modified().unwrap(), before);
    assert_eq!(std::fs::read(&state).unwrap(), bytes);
}

#[tokio::test]
async fn out_of_range_clock_moves_get_400_and_leave_the_clock_alone() {
    let h = emulator::spawn(Config::default()).unwrap();
    let http = reqwest::Client::new();
    let url = format!("{}/_emulator/clock", h.url());
    let before = h.now();
    for body in [
        json!({"AdvanceSeconds": i64::MIN}),
        json!({"AdvanceSeconds": i64::MAX}),
        json!({"AdvanceDays": 100_000_000_000_i64}),
        json!({"AdvanceDays": i64::MAX}),
        json!({"AdvanceDays": -1_000_000}),
        json!({"AdvanceDays": i64::MAX, "AdvanceSeconds": i64::MAX}),
        json!({"Now": "1999-12-31"}),
        json!({"Now": "9999-12-31"}),
    ] {
        let resp = http.post(&url).json(&body).send().await.unwrap();
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap();
        assert_eq!(status, 400, "{body}: {text}");
        assert!(text.contains("2000-01-01") && text.contains("2099-12-31"), "{body}: {text}");
        assert_eq!(h.now(), before, "{body}");
    }
    let resp = http.post(&url).json(&json!({"AdvanceDays": 21})).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(h.now(), before + chrono::Duration::days(21));
}

/// Random JSON: scalars, lists and objects, with the API's own keys mixed in.
fn any_json() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        Just("Model".to_owned()),
        Just("Wkt".to_owned()),
        Just("GeoJson".to_owned()),
        Just("TileGuids".to_owned()),
        Just("From".to_owned()),
        Just("To".to_owned()),
        Just("AdvanceDays".to_owned()),
        Just("AdvanceSeconds".to_owned()),
        Just("Now".to_owned()),
        Just("Script".to_owned()),
        Just("Rates".to_owned()),
        "[A-Za-z]{1,8}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        "[ -~]{0,40}".prop_map(Value::from),
        Just(Value::from("POLYGON((0 0,1 0,1 1,0 0))")),
        Just(Value::from("2025-05-01")),
    ];
    leaf.prop_recursive(4, 32, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(key.clone(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

const ROUTES: &[(&str, &str)] = &[
    ("POST", "/api/tasking/orders"),
    ("POST", "/api/tasking/orders/estimate"),
    ("GET", "/api/tasking/orders"),
    ("DELETE", "/api/tasking/orders"),
    ("POST", "/_emulator/clock"),
    ("POST", "/_emulator/faults"),
    ("POST", "/_emulator/accept"),
    ("POST", "/_emulator/deny"),
    ("POST", "/api/account/info"),
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn random_json_to_any_route_gets_an_answer(route in 0..ROUTES.len(), body in any_json()) {
        let (method, path) = ROUTES[route];
        let h = emulator::spawn(Config::default()).unwrap();
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let status = rt.block_on(async {
            let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
            reqwest::Client::new()
                .request(method, format!("{}{path}", h.url()))
                .header("x-api-key", h.key())
                .timeout(std::time::Duration::from_secs(10))
                .json(&body)
                .send()
                .await
                .map(|r| r.status().as_u16())
        });
        let status = status.unwrap_or_else(|e| panic!("{method} {path} {body}: {e}"));
        prop_assert!(status < 500 || status == 503, "{method} {path} {body}: {status}");
        // The emulator still answers after whatever it was sent.
        prop_assert!(h.now() >= emulator::parse_time("2000-01-01").unwrap());
    }
}
