//! The maps end to end: `plan` and `orders` as GeoJSON and SVG, the Markdown
//! plan's map, and what the tile footprints cost in API calls.

use crate::harness::{Env, json, repo};

const TILE_SEARCH: &str = "/api/tasking/search/tiles";

fn tile_searches(env: &Env) -> usize {
    env.emu.calls().iter().filter(|(_, path, _)| path == TILE_SEARCH).count()
}

fn assert_valid_geojson(doc: &serde_json::Value) {
    let path = repo().join("tests/schemas/geojson-feature-collection.schema.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn plan_geojson_draws_every_example_with_one_tile_search_per_kind() {
    let env = Env::new();
    env.copy_examples();
    let out = env.run(&["plan", "--format", "geojson", "examples/"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stderr, "", "no warning");
    let doc = json(&out);
    assert_valid_geojson(&doc);
    let features = doc["features"].as_array().unwrap();
    assert_eq!(features.len(), 7, "every create of the examples is drawn");
    let tiles = features.iter().find(|f| f["properties"]["name"] == "jutland-tiles").unwrap();
    // Two tiles and three minitiles.
    assert_eq!(tiles["geometry"]["coordinates"].as_array().unwrap().len(), 5);
    // The example has tiles and minitiles: one search for each, whatever their number.
    assert_eq!(tile_searches(&env), 2);

    // The other formats make no tile search.
    let before = tile_searches(&env);
    for format in ["human", "json"] {
        let out = env.run(&["plan", "--format", format, "examples/"]);
        assert_eq!(out.code, 0, "{}", out.stderr);
    }
    let out = env.run(&["plan", "--format", "markdown", "--no-map", "examples/"]);
    assert!(!out.stdout.contains("```geojson"), "{}", out.stdout);
    assert_eq!(tile_searches(&env), before);
}

#[test]
fn the_markdown_plan_and_the_svg_show_the_same_areas() {
    let env = Env::new();
    env.copy_examples();
    let md = env.run(&["plan", "--format", "markdown", "examples/"]);
    assert_eq!(md.code, 0, "{}", md.stderr);
    let start = md.stdout.find("```geojson\n").unwrap() + "```geojson\n".len();
    let end = start + md.stdout[start..].find("```").unwrap();
    let doc: serde_json::Value = serde_json::from_str(&md.stdout[start..end]).unwrap();
    assert_valid_geojson(&doc);
    assert_eq!(doc["features"].as_array().unwrap().len(), 7);

    let svg = env.run(&["plan", "--format", "svg", "examples/"]);
    assert_eq!(svg.code, 0, "{}", svg.stderr);
    let parsed = roxmltree::Document::parse(&svg.stdout).unwrap();
    let areas = parsed.descendants().filter(|n| n.has_tag_name("path")).count();
    assert_eq!(areas, 7 + 1, "seven areas and the scale bar");
}

#[test]
fn orders_geojson_draws_live_orders_with_status_and_entry() {
    let env = Env::new();
    env.copy_examples();
    let out = env.run(&["apply", "--auto-approve", "examples/"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let before = tile_searches(&env);
    let out = env.run(&["orders", "--format", "geojson", "examples/"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = json(&out);
    assert_valid_geojson(&doc);
    let features = doc["features"].as_array().unwrap();
    let listed = json(&env.run(&["orders", "--format", "json", "examples/"]));
    assert_eq!(features.len(), listed.as_array().unwrap().len());
    for f in features {
        let p = &f["properties"];
        assert_eq!(p["action"], "keep", "{p}");
        assert_eq!(p["status"], "Review", "{p}");
        assert_eq!(p["entry"], p["name"], "{p}");
    }
    assert!(tile_searches(&env) - before <= 2);
}

#[test]
fn apply_refuses_the_map_formats() {
    let env = Env::new();
    env.copy_examples();
    for format in ["geojson", "svg"] {
        let out = env.run(&["apply", "--auto-approve", "--format", format, "examples/"]);
        assert_eq!(out.code, 1, "{}", out.stderr);
        assert!(out.stderr.contains("`apply` cannot write a map"), "{}", out.stderr);
    }
    assert!(env.emu.orders().is_empty());
}
