//! The committed schemas are the ones the code generates, and every example
//! validates against the manifest schema.

use std::path::Path;

use crate::examples::example_files;
use crate::harness::skyform;

fn committed() -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/manifest.schema.json"),
    )
    .unwrap()
}

#[test]
fn committed_manifest_schema_is_up_to_date() {
    let out = skyform(Path::new("."), &["schema"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout == committed(),
        "schemas/manifest.schema.json is stale: run `cargo run -- schema > schemas/manifest.schema.json`"
    );
}

/// `skyform schema --plan` and `--apply-events` print the committed schemas
/// (the unit tests under `render` keep those in step with the view types).
#[test]
fn the_schema_command_prints_the_committed_output_schemas() {
    for (flag, file) in
        [("--plan", "plan.schema.json"), ("--apply-events", "apply-events.schema.json")]
    {
        let out = skyform(Path::new("."), &["schema", flag]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        let printed: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas").join(file);
        let committed: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        assert!(printed == committed, "`skyform schema {flag}` differs from `schemas/{file}`");
    }
    let both = skyform(Path::new("."), &["schema", "--plan", "--apply-events"]);
    assert_eq!(both.code, 1, "{}", both.stderr);
}

fn validator() -> jsonschema::Validator {
    let schema: serde_json::Value = serde_json::from_str(&committed()).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

/// Reads YAML as skyform does (YAML 1.2 booleans).
fn yaml_to_json(text: &str) -> serde_json::Value {
    serde_saphyr::from_str_with_options(text, skyform::manifest::yaml_options()).unwrap()
}

#[test]
fn every_example_validates_against_the_manifest_schema() {
    let validator = validator();
    for path in example_files() {
        let instance = yaml_to_json(&std::fs::read_to_string(&path).unwrap());
        let errors: Vec<String> = validator.iter_errors(&instance).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{}: {errors:?}", path.display());
    }
}

#[test]
fn the_schema_rejects_what_validate_rejects() {
    let validator = validator();
    for bad in [
        "orders:\n  - name: a\n    Modle: Stratus2\n",
        "orders:\n  - name: a\n    Model: Stratus-2\n",
        "orders:\n  - name: a\n    ImageFrequency: 9\n",
        "orders:\n  - Model: Stratus2\n",
        "budget:\n  max_monthly: -1\n",
        "orders:\n  - name: ' '\n",
        "orders:\n  - name: a\n    SatelliteConstellations: []\n",
        "orders:\n  - name: a\n    protect: yes\n",
    ] {
        assert!(!validator.is_valid(&yaml_to_json(bad)), "schema accepts:\n{bad}");
    }
}
