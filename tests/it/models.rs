//! Models from the API: the built-in catalogue is an offline
//! snapshot that only warns about names it does not know; `plan` and `apply`
//! check every create against `GET /api/tasking/models`.

use clearsky_emulator::{Catalogue, Config};

use crate::apply::{entry, manifest};
use crate::harness::{Env, json};

/// An entry of `model` with `constellations`, otherwise [`entry`]'s.
fn entry_of(name: &str, lon: f64, model: &str, constellations: &str) -> String {
    entry(name, lon, "")
        .replace("Model: Stratus2", &format!("Model: {model}"))
        .replace("[Sentinel1, Sentinel2, Landsat89]", constellations)
}

#[test]
fn validate_warns_about_a_well_formed_name_it_does_not_know_and_passes() {
    let env = Env::new();
    env.write("o.yaml", &manifest(&[entry_of("a", 9.0, "Cumulus1", "[Sentinel2, Sentinel5P]")]));
    let out = env.run(&["validate", "o.yaml"]);
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (0, "1 manifest, 1 order: valid.\n"),
        "{}",
        out.stderr
    );
    let warnings: Vec<&str> = out.stderr.lines().filter(|l| l.contains("warning:")).collect();
    assert_eq!(
        warnings,
        [
            "o.yaml:3:12: warning: model `Cumulus1` is not in skyform's catalogue; plan checks it \
             against the API",
            "o.yaml:4:42: warning: constellation `Sentinel5P` is not in skyform's catalogue; plan \
             checks it against the API",
        ],
        "{}",
        out.stderr
    );
}

#[test]
fn plan_refuses_a_model_the_api_does_not_offer_before_pricing_anything() {
    let env = Env::new();
    let entries = [entry("ok", 9.0, ""), entry_of("new", 9.2, "Cumulus1", "[Sentinel2]")];
    env.write("o.yaml", &manifest(&entries));
    let out = env.run(&["plan", "o.yaml"]);
    assert_eq!(out.code, 1, "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains(
            "o.yaml:10:5: order `new`: model `Cumulus1` is not offered by the API; it offers \
             `Stratus2`, `Stratus3`, `Stratus2Fast`, `Stratus2NoSnow`, `Nimbus`"
        ),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    let calls = env.emu.calls();
    assert_eq!(calls.iter().filter(|(_, p, _)| p.ends_with("/tasking/models")).count(), 1);
    assert!(!calls.iter().any(|(_, p, _)| p.contains("estimate")), "{calls:?}");
    let out = env.run(&["apply", "--auto-approve", "o.yaml"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(env.live().is_empty());
}

#[test]
fn a_plan_without_creates_does_not_read_the_models() {
    let env = Env::new();
    env.write("o.yaml", "orders: []\n");
    let out = env.run(&["plan", "--prune", "--allow-empty", "o.yaml"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!env.emu.calls().iter().any(|(_, p, _)| p.ends_with("/tasking/models")));
}

#[test]
fn orders_and_export_warn_about_entries_the_api_would_refuse() {
    let env = Env::new();
    env.write("o.yaml", &manifest(&[entry_of("new", 9.2, "Cumulus1", "[Sentinel2]")]));
    for command in ["orders", "export"] {
        let out = env.run(&[command, "o.yaml"]);
        assert_eq!(out.code, 0, "{command}: {}", out.stderr);
        assert!(
            out.stderr.contains("warning: order `new`: model `Cumulus1` is not offered by the API"),
            "{command}: {}",
            out.stderr
        );
    }
    let models = env.emu.calls().iter().filter(|(_, p, _)| p.ends_with("/tasking/models")).count();
    assert_eq!(models, 2, "one read per run");
}

/// An emulator serving `examples/emulator-models.json` (`Cumulus1` is only there).
fn env_with_example_models() -> Env {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/emulator-models.json");
    let models = Catalogue::from_json(&std::fs::read(path).unwrap()).unwrap();
    Env::with(Config { auto_accept: true, models, ..Config::default() })
}

#[test]
fn a_model_served_only_by_a_models_file_plans_applies_and_converges() {
    let env = env_with_example_models();
    // Written in another casing than the API's: the API binds names without regard to case.
    let entries = [
        entry_of("new", 9.2, "Cumulus1", "[Sentinel2, Sentinel1]"),
        entry_of("lower", 9.4, "cumulus1", "[sentinel2]"),
    ];
    env.write("o.yaml", &manifest(&entries));
    let plan = json(&env.run(&["plan", "--format", "json", "o.yaml"]));
    let changes = plan["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 2);
    for c in changes {
        assert_eq!(c["action"], "create", "{c}");
        assert!(c["cost"]["current_month"].as_f64().unwrap() > 0.0, "unpriced: {c}");
    }
    let planned: f64 = changes.iter().map(|c| c["cost"]["current_month"].as_f64().unwrap()).sum();
    let before = env.emu.balance();
    let out = env.run(&["apply", "--auto-approve", "o.yaml"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let billed = before - env.emu.balance();
    assert!((billed - planned).abs() <= 0.02, "planned {planned}, billed {billed}");
    let models: Vec<String> = env.live().iter().map(|o| o.model.clone()).collect();
    assert_eq!(models, ["Cumulus1", "Cumulus1"]);
    let out = env.run(&["plan", "--detailed-exitcode", "o.yaml"]);
    assert_eq!(out.code, 0, "the second plan changes nothing:\n{}\n{}", out.stdout, out.stderr);
}

#[test]
fn a_model_the_snapshot_knows_but_the_api_no_longer_offers_is_refused() {
    let env = env_with_example_models();
    env.write(
        "o.yaml",
        &manifest(&[entry_of("old", 9.2, "Stratus3", "[Sentinel1, Sentinel2, Landsat89]")]),
    );
    let out = env.run(&["apply", "--auto-approve", "o.yaml"]);
    assert_eq!(out.code, 1, "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains(
            "order `old`: model `Stratus3` is not offered by the API; it offers `Stratus2`, \
             `Nimbus`, `Cumulus1`, `NimbusNdvi`"
        ),
        "{}",
        out.stderr
    );
    assert!(env.live().is_empty());
}

#[test]
fn the_apis_constellation_rules_win_over_the_snapshots() {
    // The snapshot lets Nimbus take Sentinel3; the served list does not.
    let env = env_with_example_models();
    env.write("o.yaml", &manifest(&[entry_of("nim", 9.2, "Nimbus", "[Sentinel2, Sentinel3]")]));
    let out = env.run(&["plan", "o.yaml"]);
    assert_eq!(out.code, 1, "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains(
            "order `nim`: the API says model `Nimbus` does not take constellation `Sentinel3`; it \
             takes `Sentinel2`, `Sentinel1`, `Landsat89`"
        ),
        "{}",
        out.stderr
    );
}
