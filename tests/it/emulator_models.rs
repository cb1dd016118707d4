//! `skyform emulator --models FILE`: the real binary serving, validating
//! against and pricing with the catalogue of `examples/emulator-models.json`
//! (which replaces the built-in one), and refusing a bad file before it starts.

use serde_json::{Value, json};

use crate::emulator::{Api, ORDERS, SMALL_WKT};
use crate::harness::{EmulatorProcess, repo, skyform};

/// `skyform emulator --auto-accept --models FILE`, run from the repository.
fn start(models: &str) -> EmulatorProcess {
    EmulatorProcess::start(&["--auto-accept", "--models", models], &repo())
}

/// A client of `emu` with the emulator's default key.
fn api(emu: &EmulatorProcess) -> Api {
    Api { http: reqwest::Client::new(), url: emu.url.clone(), key: "sandbox".to_owned() }
}

fn body(model: &str, constellations: &[&str]) -> Value {
    json!({
        "Wkt": SMALL_WKT, "SatelliteConstellations": constellations, "Model": model,
        "StorageMonths": 1, "ApiRequests": 1, "ImageFrequency": 7, "From": "2025-04-01",
    })
}

#[tokio::test]
async fn a_models_file_replaces_the_catalogue_it_serves_validates_and_prices() {
    let emu = start("examples/emulator-models.json");
    let api = api(&emu);
    let (status, v) = api.get("/api/tasking/models").await;
    assert_eq!(status, 200, "{v}");
    let served: Vec<&str> = v["Data"]["TaskingModels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["Model"].as_str().unwrap())
        .collect();
    assert_eq!(served, ["Stratus2", "Nimbus", "Cumulus1", "NimbusNdvi"]);
    assert_eq!(
        v["Data"]["TaskingModels"][2]["SupportedSatelliteConstellations"],
        json!([
            {"SatelliteConstellation": "Sentinel2", "Optional": false},
            {"SatelliteConstellation": "Sentinel1", "Optional": true},
        ])
    );

    // A model without price fields costs what Stratus-2 costs over the same area.
    let estimate = |b: Value| {
        let api = &api;
        async move {
            let (status, v) = api.post("/api/tasking/orders/estimate", &b).await;
            assert_eq!(status, 200, "{v}");
            v["Data"].clone()
        }
    };
    let cumulus = estimate(body("Cumulus1", &["Sentinel2"])).await;
    let stratus = estimate(body("Stratus2", &["Sentinel1", "Sentinel2", "Landsat89"])).await;
    assert!(cumulus["CurrentMonthCost"].as_f64().unwrap() > 0.0, "{cumulus}");
    for key in ["AreaKm2", "CurrentMonthCost", "NextMonthCost"] {
        assert_eq!(cumulus[key], stratus[key], "{key}");
    }
    // Its optional Sentinel-1 is an add-on; a required constellation must be there.
    let with_s1 = estimate(body("cumulus1", &["Sentinel2", "Sentinel1"])).await;
    assert!(with_s1["CurrentMonthCost"].as_f64() > cumulus["CurrentMonthCost"].as_f64());
    let (status, v) = api.post(ORDERS, &body("Cumulus1", &["Sentinel1"])).await;
    assert_eq!(
        (status, &v["Data"]["SatelliteConstellations"]),
        (400, &json!(["Cumulus1 requires Sentinel2"]))
    );

    let created = api.create(&body("Cumulus1", &["Sentinel2"])).await;
    assert_eq!(created["Model"], "Cumulus1");
    assert_eq!(created["OrderingProcessStatus"], "Preparing");
    let listed = api.list("").await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["TaskOrderGuid"], created["TaskOrderGuid"]);

    // A built-in model the file leaves out is unknown, and the refusal lists the file's.
    let (status, v) = api.post(ORDERS, &body("Stratus2Fast", &["Sentinel1", "Sentinel2"])).await;
    assert_eq!(status, 400, "{v}");
    assert_eq!(v["Error"]["Code"], 992);
    assert_eq!(
        v["Data"]["Model"],
        json!([
            "'Stratus2Fast' is not a valid Model; use one of Stratus2, Nimbus, Cumulus1, NimbusNdvi"
        ])
    );
}

#[test]
fn a_bad_models_file_stops_the_emulator_before_it_starts() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("models.json");
    std::fs::write(&file, r#"{"Data": {"TaskingModels": [{"Model": "Cumulus1"}]}}"#).unwrap();
    let out =
        skyform(dir.path(), &["emulator", "--listen", "127.0.0.1:0", "--models", "models.json"]);
    assert_eq!(out.stdout, "", "no URL is printed");
    assert_eq!(
        out.stderr,
        "error: invalid models file `models.json`: model `Cumulus1` has no required \
         constellation (an entry with `\"Optional\": false`)\n\
         hint: the file holds the answer of `GET /api/tasking/models` (or its `Data`); \
         `examples/emulator-models.json` is one\n"
    );
    assert_eq!(out.code, 1);
    let out =
        skyform(dir.path(), &["emulator", "--listen", "127.0.0.1:0", "--models", "gone.json"]);
    assert_eq!(
        (out.stderr.as_str(), out.code),
        ("error: cannot read the models file `gone.json`\ncaused by: no such file\n", 1)
    );
}
