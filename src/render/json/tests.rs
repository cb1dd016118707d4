use super::*;
use crate::render::fixtures;

const SCHEMA_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/schemas/plan.schema.json");

fn committed_schema() -> serde_json::Value {
    let text = std::fs::read_to_string(SCHEMA_PATH).expect("schemas/plan.schema.json exists");
    serde_json::from_str(&text).expect("schemas/plan.schema.json is JSON")
}

/// Fails when the view types and the committed schema drift apart. To
/// accept a change (adding a field), run with `SKYFORM_BLESS_SCHEMAS=1`.
#[test]
fn committed_schema_is_generated_from_the_view_types() {
    let generated = schema();
    if std::env::var_os("SKYFORM_BLESS_SCHEMAS").is_some() {
        let text = serde_json::to_string_pretty(&generated).unwrap() + "\n";
        std::fs::write(SCHEMA_PATH, text).unwrap();
    }
    assert!(
        committed_schema() == generated,
        "schemas/plan.schema.json is out of date: fields may be added, never renamed or \
         removed; rerun with SKYFORM_BLESS_SCHEMAS=1 to rewrite it"
    );
    assert_eq!(generated["title"], "skyform plan");
    assert!(generated["description"].as_str().unwrap().contains("never renamed"));
}

fn document(plan: &Plan) -> serde_json::Value {
    let mut out = Vec::new();
    render(plan, &mut out).unwrap();
    serde_json::from_slice(&out).unwrap()
}

#[test]
fn rendered_plans_validate_against_the_committed_schema() {
    let validator = jsonschema::draft202012::new(&committed_schema()).unwrap();
    let mut plans = vec![fixtures::full_plan(), fixtures::no_change_plan(), fixtures::huge_plan(3)];
    plans[2].budget = Some(plan::BudgetLimits { max_current_month: None, max_monthly: Some(1.0) });
    for plan in &plans {
        let doc = document(plan);
        let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{errors:#?}");
    }
}

#[test]
fn the_schema_rejects_what_the_contract_forbids() {
    let validator = jsonschema::draft202012::new(&committed_schema()).unwrap();
    let mut doc = document(&fixtures::full_plan());
    assert!(validator.is_valid(&doc));
    doc["changes"][0]["action"] = "update".into();
    assert!(!validator.is_valid(&doc), "unknown action accepted");
    let mut doc = document(&fixtures::full_plan());
    doc["summary"].as_object_mut().unwrap().remove("counts");
    assert!(!validator.is_valid(&doc), "missing summary field accepted");
    let mut doc = document(&fixtures::full_plan());
    doc["changes"][0].as_object_mut().unwrap().remove("reason");
    assert!(!validator.is_valid(&doc), "a null field left out was accepted");
    let mut doc = document(&fixtures::full_plan());
    doc["changes"][0]["reason"] = serde_json::Value::Null;
    doc["changes"][0]["something_new"] = 1.into();
    assert!(validator.is_valid(&doc), "a future field must not invalidate");
}

#[test]
fn costs_say_whether_they_are_priced() {
    let doc = document(&fixtures::full_plan());
    let cost = |name: &str| {
        doc["changes"].as_array().unwrap().iter().find(|c| c["name"] == name).unwrap()["cost"]
            .clone()
    };
    assert_eq!(cost("aarhus-bay")["status"], "priced");
    assert_eq!(cost("aarhus-bay")["current_month"], 186.32);
    assert_eq!(cost("odense-fields")["status"], "unpriced");
    assert!(cost("odense-fields")["current_month"].is_null());
    assert_eq!(cost("old-pilot")["status"], "not_applicable");
    assert_eq!(doc["summary"]["totals"]["EUR"]["current_month"], 281.82);
    assert_eq!(doc["summary"]["budget"]["status"], "over");
    assert_eq!(doc["changes"][1]["request"]["Model"], "Stratus2");
}
