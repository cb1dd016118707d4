//! Unit tests of the served catalogue: the built-in default, the `--models`
//! file in both shapes and any casing, the price defaults, every refusal, and
//! pricing a model only the file knows.

use serde_json::{Value, json};

use super::*;
use crate::pricing::{PriceInput, price};

fn parse(v: &Value) -> Result<Catalogue, Vec<String>> {
    Catalogue::from_json(v.to_string().as_bytes())
}

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

/// `Cumulus1`: requires Sentinel-2, takes Sentinel-1 and an unknown constellation.
fn cumulus() -> Value {
    json!({"Model": "Cumulus1", "SupportedSatelliteConstellations": [
        {"SatelliteConstellation": "Sentinel2", "Optional": false},
        {"SatelliteConstellation": "Sentinel1", "Optional": true},
        {"SatelliteConstellation": "Modis", "Optional": true},
    ]})
}

#[test]
fn the_default_is_the_builtin_catalogue() {
    let c = Catalogue::default();
    assert_eq!(c, *builtin());
    assert_eq!(c.names(), "Stratus2, Stratus3, Stratus2Fast, Stratus2NoSnow, Nimbus");
    for m in catalog::MODELS {
        let served = c.model(&m.api_name.to_lowercase()).unwrap();
        assert_eq!((served.base_eur_per_km2, served.family), (m.base_eur_per_km2, m.family));
        assert_eq!(served.required, m.required);
        for c in ["Sentinel1", "Sentinel2", "Landsat89", "Sentinel3"] {
            let picked = [c.to_owned()];
            assert!(close(served.list_eur_per_km2(&picked), m.list_eur_per_km2(&picked)));
        }
    }
    assert_eq!(c.constellation("landsat89"), Some("Landsat89"));
    assert_eq!(c.constellation("Modis"), None);
    // The models endpoint lists required constellations first, then the optional ones.
    let served = c.tasking_models();
    let fast = &served.tasking_models[2];
    let listed: Vec<(&str, bool)> = fast
        .supported_satellite_constellations
        .iter()
        .map(|s| (s.satellite_constellation.as_str(), s.optional))
        .collect();
    assert_eq!(
        listed,
        [("Sentinel1", false), ("Sentinel2", false), ("Landsat89", true), ("Sentinel3", true)]
    );
}

#[test]
fn a_file_is_read_as_the_whole_answer_or_its_data_with_keys_in_any_case() {
    let bare = parse(&json!({"TaskingModels": [cumulus()]})).unwrap();
    let whole = parse(&json!({"Data": {"TaskingModels": [cumulus()]}, "Succeeded": true,
                              "Error": null}))
    .unwrap();
    assert_eq!(bare, whole);
    let camel = parse(&json!({"data": {"taskingModels": [{"model": "Cumulus1",
        "supportedSatelliteConstellations": [
            {"satelliteConstellation": "sentinel2"},
            {"SATELLITECONSTELLATION": "SENTINEL1", "optional": true},
            {"satelliteConstellation": "Modis", "optional": true}]}]}}))
    .unwrap();
    assert_eq!(camel, bare, "known constellations take their API spelling");
    assert_eq!(bare.names(), "Cumulus1");
    assert!(bare.model("Stratus2").is_none(), "the file replaces the built-in models");
    let m = bare.model("cumulus1").unwrap();
    assert_eq!(m.required, ["Sentinel2"]);
    assert_eq!(bare.constellation("modis"), Some("Modis"));
    assert_eq!(bare.constellation("Landsat89"), None);
    // The file's models are what the endpoint serves.
    let served = serde_json::to_value(bare.tasking_models()).unwrap();
    assert_eq!(served, json!({"TaskingModels": [cumulus()]}));
}

#[test]
fn missing_price_fields_default_to_stratus2_or_the_builtin_price() {
    let file = json!({"TaskingModels": [
        cumulus(),
        {"Model": "nimbus", "SupportedSatelliteConstellations": [{"SatelliteConstellation": "Sentinel2"}]},
        {"Model": "Cheap", "SupportedSatelliteConstellations": [{"SatelliteConstellation": "Sentinel2"}],
         "PriceEurPerKm2": 0.05},
        {"Model": "Fog", "SupportedSatelliteConstellations": [{"SatelliteConstellation": "Sentinel2"}],
         "pricingfamily": "NIMBUS", "PriceEurPerKm2": 0},
    ]});
    let c = parse(&file).unwrap();
    let rate = |name: &str| {
        let m = c.model(name).unwrap();
        (m.base_eur_per_km2, m.family)
    };
    assert_eq!(rate("Cumulus1"), (0.20, Family::Stratus), "priced like Stratus-2");
    assert_eq!(rate("Nimbus"), (0.10, Family::Nimbus), "a built-in name keeps its price");
    assert_eq!(rate("Cheap"), (0.05, Family::Stratus));
    assert_eq!(rate("Fog"), (0.0, Family::Nimbus));
    // Add-ons: Sentinel-1 at its built-in €0.04, an unknown constellation at €0.02.
    let addons: Vec<f64> =
        c.model("Cumulus1").unwrap().optional.iter().map(|a| a.eur_per_km2).collect();
    assert_eq!(addons, [0.04, DEFAULT_ADDON_EUR_PER_KM2]);
}

#[test]
fn a_file_only_model_is_priced_like_stratus2_plus_its_addons() {
    let c = parse(&json!({"TaskingModels": [cumulus()]})).unwrap();
    let cumulus = c.model("Cumulus1").unwrap();
    let stratus2 = builtin().model("Stratus2").unwrap();
    let s2 = names(&["Sentinel2"]);
    let input = |model, constellations, spend| PriceInput {
        model,
        constellations,
        km2_per_image: 100.0,
        images: 5,
        mode_multiplier: 1.0,
        month_to_date_spend: spend,
        storage_months: 1,
    };
    let all = names(&["Sentinel1", "Sentinel2", "Landsat89"]);
    for spend in [0.0, 990.0, 5_000.0] {
        let file_only = price(&input(cumulus, &s2, spend));
        assert_eq!(file_only, price(&input(stratus2, &all, spend)), "at {spend}");
    }
    assert!(close(price(&input(cumulus, &s2, 0.0)).order_cost, 100.0));
    let with_s1 = names(&["Sentinel2", "sentinel1"]);
    assert!(close(price(&input(cumulus, &with_s1, 0.0)).order_cost, 500.0 * 0.24));
    let with_modis = names(&["Sentinel2", "Modis"]);
    assert!(close(price(&input(cumulus, &with_modis, 0.0)).order_cost, 500.0 * 0.22));
}

#[test]
fn a_model_no_longer_served_renews_at_its_builtin_price_or_stratus2s() {
    let nimbus = ServedModel::unlisted("Nimbus");
    assert_eq!(nimbus, **builtin().model("Nimbus").unwrap());
    let gone = ServedModel::unlisted("Cumulus1");
    assert_eq!((gone.base_eur_per_km2, gone.family), (0.20, Family::Stratus));
    assert!(close(gone.list_eur_per_km2(&names(&["Sentinel1"])), 0.20));
}

#[test]
fn every_bad_file_is_refused_with_what_is_wrong() {
    let s2 = json!([{"SatelliteConstellation": "Sentinel2"}]);
    let one = |m: Value| json!({"TaskingModels": [m]});
    let cases: Vec<(Value, Vec<&str>)> = vec![
        (json!([1]), vec!["no `TaskingModels` list, neither at the top nor in `Data`"]),
        (json!({"Data": null}), vec!["no `TaskingModels` list, neither at the top nor in `Data`"]),
        (json!({"TaskingModels": {}}), vec!["`TaskingModels` must be a list, not `{}`"]),
        (
            json!({"TaskingModels": []}),
            vec!["`TaskingModels` is empty: the emulator needs at least one model"],
        ),
        (
            one(json!({"SupportedSatelliteConstellations": s2})),
            vec!["model 1: missing field `Model`"],
        ),
        (
            one(json!({"Model": " ", "SupportedSatelliteConstellations": s2})),
            vec!["model 1 has an empty `Model`"],
        ),
        (
            one(json!({"Model": "A", "SupportedSatelliteConstellations": [
                {"SatelliteConstellation": "Sentinel2", "Optional": true}]})),
            vec!["model `A` has no required constellation (an entry with `\"Optional\": false`)"],
        ),
        (
            one(json!({"Model": "A"})),
            vec!["model `A` has no required constellation (an entry with `\"Optional\": false`)"],
        ),
        (
            one(json!({"Model": "A", "SupportedSatelliteConstellations": [
                {"SatelliteConstellation": "Sentinel2"},
                {"SatelliteConstellation": "sentinel2", "Optional": true},
                {"SatelliteConstellation": ""}]})),
            vec![
                "model `A` lists the constellation `Sentinel2` twice",
                "model `A` has an empty `SatelliteConstellation`",
            ],
        ),
        (
            one(json!({"Model": "A", "SupportedSatelliteConstellations": s2,
                       "PriceEurPerKm2": -0.1, "PricingFamily": "Cirrus"})),
            vec![
                "model `A` has a negative `PriceEurPerKm2` (-0.1): prices are at least 0",
                "model `A` has an unknown `PricingFamily` `Cirrus`: expected `Stratus` or `Nimbus`",
            ],
        ),
        (
            one(json!({"Model": "A", "SupportedSatelliteConstellations": s2,
                       "PriceEurPerKm2": "0.2"})),
            vec!["model 1: invalid type: string \"0.2\", expected f64"],
        ),
        (
            json!({"TaskingModels": [cumulus(), {"Model": "Stratus2"}, cumulus(),
                                     {"Model": "CUMULUS1", "SupportedSatelliteConstellations": s2}]}),
            vec![
                "model `Stratus2` has no required constellation (an entry with `\"Optional\": false`)",
                "model `Cumulus1` is listed twice (names are compared ignoring case)",
                "model `CUMULUS1` is listed twice (names are compared ignoring case)",
            ],
        ),
    ];
    for (file, want) in cases {
        assert_eq!(parse(&file).unwrap_err(), want, "{file}");
    }
    let err = Catalogue::from_json(b"{\"TaskingModels\": [").unwrap_err();
    assert_eq!(err.len(), 1);
    assert!(err[0].starts_with("not JSON: EOF while parsing"), "{err:?}");
}
