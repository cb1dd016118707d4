//! The manifest's JSON Schema (`schemas/manifest.schema.json`), generated from
//! the field table: one `$defs` entry per mapping, one property per row, its
//! type and range from the row's [`Ty`], `required` and `default` from its
//! [`Absent`]. It is as strict as `validate` where JSON Schema can say it (a
//! blank `name`, an empty `SatelliteConstellations`); rules across keys (one
//! area of interest, `To` after `From`) are `validate`'s alone.
//!
//! Pure, no IO.

use schemars::SchemaGenerator;
use serde_json::{Map, Value, json};

use super::table::{Absent, Block, Field, Ty};
use crate::spec::Ensure;
use clearsky::catalog;

/// The form of an API enum value ([`catalog::is_api_name`]).
const API_NAME_PATTERN: &str = "^[A-Za-z][A-Za-z0-9]{0,63}$";

/// Returns the JSON Schema of a manifest file, generated from the field table.
pub fn schema() -> Value {
    let mut generator = SchemaGenerator::default();
    let _ = generator.subschema_for::<Ensure>();
    let mut defs = generator.take_definitions(true);
    for block in [Block::Budget, Block::Defaults, Block::Entry] {
        defs.insert(block.def_name().into(), mapping(block));
    }
    defs.insert("ModelName".into(), model_name());
    defs.insert("ConstellationName".into(), constellation_name());
    defs.insert("Guid".into(), guid());
    defs.insert("GeoJsonValue".into(), geojson_value());
    let mut root = mapping(Block::Manifest);
    root["$defs"] = Value::Object(defs);
    root["$id"] = "https://github.com/skyform/skyform/schemas/manifest.schema.json".into();
    root["$schema"] = "https://json-schema.org/draft/2020-12/schema".into();
    root["title"] = "skyform manifest".into();
    root
}

/// Returns true when `field` must be written in `block` itself (not in `defaults` instead).
fn required_in(block: Block, field: &Field) -> bool {
    block != Block::Defaults && field.absent == Absent::Required && !field.in_defaults
}

fn mapping(block: Block) -> Value {
    let properties: Map<String, Value> =
        block.fields().map(|f| (f.name.to_owned(), property(block, f))).collect();
    let mut schema = json!({
        "type": "object",
        "additionalProperties": false,
        "description": block.doc(),
        "properties": properties,
    });
    let required: Vec<&str> =
        block.fields().filter(|f| required_in(block, f)).map(|f| f.name).collect();
    if !required.is_empty() {
        schema["required"] = json!(required);
    }
    schema
}

fn property(block: Block, field: &Field) -> Value {
    let mut schema = value(field.ty);
    if !required_in(block, field) {
        if schema.get("$ref").is_some() {
            schema = json!({ "anyOf": [schema, { "type": "null" }] });
        } else {
            let ty = schema["type"].take();
            schema["type"] = json!([ty, "null"]);
        }
    }
    schema["description"] = if block == Block::Defaults {
        let null = match field.absent {
            Absent::Null(means) => format!(" (`null` = {means})"),
            _ => String::new(),
        };
        format!("Default `{}`{null}.", field.name).into()
    } else {
        field.doc.into()
    };
    // Where `defaults` may set the key, what holds when it is left out is
    // the file's default, so no `default` is stated.
    if block != Block::Defaults && !field.in_defaults {
        match field.absent {
            Absent::Bool(b) => schema["default"] = b.into(),
            Absent::Str(s) => schema["default"] = s.into(),
            Absent::Null(_) => schema["default"] = Value::Null,
            _ => {}
        }
    }
    schema
}

/// The schema of one value of type `ty`, `null` not included.
fn value(ty: Ty) -> Value {
    let to = |def: &str| json!({ "$ref": format!("#/$defs/{def}") });
    match ty {
        Ty::Block(block) => to(block.def_name()),
        Ty::Entries => json!({ "type": "array", "items": to(Block::Entry.def_name()) }),
        Ty::Eur => json!({ "type": "number", "format": "double", "minimum": 0 }),
        Ty::Name => json!({ "type": "string", "pattern": "\\S" }),
        Ty::Ensure => to("Ensure"),
        Ty::Bool => json!({ "type": "boolean" }),
        Ty::Model => to("ModelName"),
        Ty::Constellations => {
            json!({ "type": "array", "items": to("ConstellationName"), "minItems": 1 })
        }
        Ty::Count(range) => {
            let mut schema = json!({ "type": "integer", "format": "uint32", "minimum": range.min });
            if let Some(max) = range.max {
                schema["maximum"] = max.into();
            }
            schema
        }
        Ty::Date => json!({ "type": "string", "format": "date" }),
        Ty::Wkt | Ty::File => json!({ "type": "string" }),
        Ty::GeoJson => to("GeoJsonValue"),
        Ty::Guids => json!({ "type": "array", "items": to("Guid") }),
    }
}

/// A model's API value; the schema lists the catalogue's models.
fn model_name() -> Value {
    let names: Vec<&str> = catalog::MODELS.iter().map(|m| m.api_name).collect();
    json!({
        "type": "string",
        "anyOf": [{ "enum": names }, { "pattern": API_NAME_PATTERN }],
        "description": "A model's API value: one skyform knows, or another the API \
                        offers (plan checks it against `GET /api/tasking/models`)."
    })
}

/// A constellation's API value; the schema lists the catalogue's constellations.
fn constellation_name() -> Value {
    let names: Vec<&str> = catalog::CONSTELLATIONS.iter().map(|c| c.api_name).collect();
    json!({
        "type": "string",
        "anyOf": [{ "enum": names }, { "pattern": API_NAME_PATTERN }],
        "description": "A constellation's API value: one skyform knows, or another the \
                        API offers (plan checks it against `GET /api/tasking/models`)."
    })
}

/// A tile or minitile GUID.
fn guid() -> Value {
    json!({
        "type": "string",
        "pattern": "^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$"
    })
}

/// Inline GeoJSON: a geometry, feature or feature collection, as a mapping or a JSON string.
fn geojson_value() -> Value {
    json!({
        "description": "A GeoJSON geometry, feature or feature collection (mapping or JSON string).",
        "anyOf": [
            { "type": "object", "required": ["type"], "properties": { "type": { "type": "string" } } },
            { "type": "string" }
        ]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn properties(schema: &Value, def: &str) -> Vec<String> {
        let obj = if def.is_empty() { schema } else { &schema["$defs"][def] };
        obj["properties"].as_object().unwrap().keys().cloned().collect()
    }

    fn names(block: Block) -> Vec<String> {
        let mut names: Vec<String> = block.names().into_iter().map(String::from).collect();
        names.sort();
        names
    }

    #[test]
    fn every_mapping_has_its_table_keys() {
        let s = schema();
        assert_eq!(properties(&s, ""), names(Block::Manifest));
        for block in [Block::Budget, Block::Defaults, Block::Entry] {
            assert_eq!(properties(&s, block.def_name()), names(block), "{block:?}");
        }
        assert_eq!(s["$defs"]["Entry"]["required"], json!(["name"]));
    }

    #[test]
    fn ranges_are_the_apis() {
        let s = schema();
        let frequency = &s["$defs"]["Entry"]["properties"]["ImageFrequency"];
        let days = clearsky::ranges::IMAGE_FREQUENCY_DAYS;
        assert_eq!(
            (&frequency["minimum"], &frequency["maximum"]),
            (&json!(days.min), &json!(days.max))
        );
        assert!(s["$defs"]["Defaults"]["properties"]["StorageMonths"].get("maximum").is_none());
    }

    #[test]
    fn schema_lists_the_catalogue() {
        let s = schema();
        assert_eq!(
            s["$defs"]["ModelName"]["anyOf"][0]["enum"].as_array().unwrap().len(),
            catalog::MODELS.len()
        );
    }
}
