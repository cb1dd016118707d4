use geo::{Coord, LineString, Winding};
use serde_json::Value;

use crate::plan::Plan;
use crate::render::map::fixtures::drawn_plan;
use crate::render::{Format, RenderOptions, fixtures};

/// The GeoJSON schema of geojson.org, shipped with the tests.
const SCHEMA: &str = include_str!("../../../tests/schemas/geojson-feature-collection.schema.json");

fn geojson(plan: &Plan, opts: RenderOptions) -> Value {
    let mut out = Vec::new();
    crate::render::plan(plan, Format::Geojson, &opts, &mut out).unwrap();
    serde_json::from_slice(&out).unwrap()
}

fn assert_valid(doc: &Value) {
    let schema: Value = serde_json::from_str(SCHEMA).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
}

/// Every ring of every feature, exterior first.
fn rings(feature: &Value) -> Vec<(bool, LineString<f64>)> {
    let g = &feature["geometry"];
    let polygons = match g["type"].as_str() {
        Some("Polygon") => vec![g["coordinates"].clone()],
        Some("MultiPolygon") => g["coordinates"].as_array().unwrap().clone(),
        other => panic!("{other:?}"),
    };
    let mut out = Vec::new();
    for p in polygons {
        for (i, ring) in p.as_array().unwrap().iter().enumerate() {
            let coords = ring
                .as_array()
                .unwrap()
                .iter()
                .map(|c| Coord { x: c[0].as_f64().unwrap(), y: c[1].as_f64().unwrap() });
            out.push((i == 0, LineString(coords.collect())));
        }
    }
    out
}

#[test]
fn a_plan_with_every_action_is_valid_geojson_one_feature_per_drawable_change() {
    let plan = drawn_plan();
    let doc = geojson(&plan, RenderOptions { detailed: true, ..RenderOptions::default() });
    assert_valid(&doc);
    let features = doc["features"].as_array().unwrap();
    let got: Vec<(&str, &str, Option<&str>)> = features
        .iter()
        .map(|f| {
            let p = &f["properties"];
            (p["name"].as_str().unwrap(), p["action"].as_str().unwrap(), p["side"].as_str())
        })
        .collect();
    // One per change, the replace twice; the unmanaged order under its GUID.
    assert_eq!(got.len(), plan.changes.len() + 1);
    for (change, action) in plan.changes.iter().zip(["keep", "create", "create", "create"]) {
        assert!(got.contains(&(crate::render::display_name(change), action, None)));
    }
    for want in [
        ("aalborg-fjord", "replace", Some("old")),
        ("aalborg-fjord", "replace", Some("new")),
        ("old-pilot", "cancel", None),
        ("esbjerg-port", "cancel", None),
        ("ribe-marsh", "blocked", None),
        ("af1b2c3d-0000-4000-8000-000000000007", "unmanaged", None),
    ] {
        assert!(got.contains(&want), "{want:?} in {got:?}");
    }
    for f in features {
        for (exterior, ring) in rings(f) {
            assert_eq!(ring.is_ccw(), exterior, "{}", f["properties"]["name"]);
        }
    }
}

#[test]
fn properties_carry_the_price_the_order_and_simplestyle() {
    let doc = geojson(&drawn_plan(), RenderOptions::default());
    let features = doc["features"].as_array().unwrap();
    let find = |name: &str| features.iter().find(|f| f["properties"]["name"] == name).unwrap();
    let create = &find("aarhus-bay")["properties"];
    assert_eq!(create["this_month"], 186.32);
    assert_eq!(create["per_month"], 558.96);
    assert_eq!(create["currency"], "EUR");
    assert_eq!(create["fill"], "#1a7f37");
    assert!(create.get("guid").is_none());
    let cancel = &find("old-pilot")["properties"];
    assert_eq!(cancel["guid"], "7c8d9e0f-0000-4000-8000-000000000004");
    assert_eq!(cancel["status"], "Review");
    assert_eq!(cancel["fill"], "#cf222e");
    assert!(cancel.get("this_month").is_none());
    assert!(find("odense-fields")["properties"].get("this_month").is_none(), "unpriced is not 0");
    assert_eq!(find("skagen-tiles")["geometry"]["type"], "MultiPolygon");
}

#[test]
fn an_empty_plan_is_an_empty_collection() {
    let doc = geojson(&fixtures::empty_plan(Vec::new()), RenderOptions::default());
    assert_valid(&doc);
    assert_eq!(doc["features"], Value::Array(Vec::new()));
}

/// The ```geojson block of a Markdown plan, parsed; `None` when there is none.
fn map_block(md: &str) -> Option<Value> {
    let start = md.find("```geojson\n")? + "```geojson\n".len();
    let end = start + md[start..].find("```")?;
    Some(serde_json::from_str(&md[start..end]).unwrap())
}

fn markdown(plan: &Plan, opts: RenderOptions) -> String {
    let mut out = Vec::new();
    crate::render::plan(plan, Format::Markdown, &opts, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn the_markdown_plan_carries_the_map_unless_no_map() {
    let plan = drawn_plan();
    let md = markdown(&plan, RenderOptions::default());
    let doc = map_block(&md).expect("a map");
    assert_valid(&doc);
    assert_eq!(doc["features"].as_array().unwrap().len(), 9);
    // After the summary table, before the details.
    assert!(md.find("| **total** |").unwrap() < md.find("```geojson").unwrap());
    assert!(md.find("```geojson").unwrap() < md.find("<details").unwrap());
    let none = markdown(&plan, RenderOptions { no_map: true, ..RenderOptions::default() });
    assert!(!none.contains("geojson"));
}

#[test]
fn a_markdown_plan_of_1500_creates_stays_under_the_limit_with_a_map_or_a_note() {
    let md = markdown(&fixtures::huge_plan(1_500), RenderOptions::default());
    assert!(md.len() < 60_000, "{} bytes", md.len());
    match map_block(&md) {
        Some(doc) => assert_valid(&doc),
        None => assert!(md.contains("The map of the 1500 areas was left out"), "{md:.2000}"),
    }
}

#[test]
fn a_detailed_map_is_simplified_to_fit() {
    // 40 round areas of 2,000 positions each: about 2 MB of coordinates.
    let circle = |cx: f64| {
        let ring: Vec<String> = (0..=2_000)
            .map(|i| {
                let t = f64::from(i % 2_000) / 2_000.0 * std::f64::consts::TAU;
                format!("{} {}", cx + 0.2 * t.cos(), 56.0 + 0.1 * t.sin())
            })
            .collect();
        format!("POLYGON(({}))", ring.join(","))
    };
    let mut plan = fixtures::huge_plan(40);
    for (i, c) in plan.changes.iter_mut().enumerate() {
        c.request.as_mut().unwrap().wkt =
            Some(circle(8.0 + 0.45 * f64::from(u32::try_from(i).unwrap())));
    }
    let md = markdown(&plan, RenderOptions::default());
    assert!(md.len() < 60_000, "{} bytes", md.len());
    let doc = map_block(&md).expect("a simplified map");
    assert_valid(&doc);
    let features = doc["features"].as_array().unwrap();
    assert_eq!(features.len(), 40);
    for f in features {
        let rings = rings(f);
        assert!(rings[0].1.0.len() > 5, "simplified, not boxed");
        assert!(rings[0].1.0.len() < 2_000);
        assert!(rings[0].1.is_ccw());
    }
}
