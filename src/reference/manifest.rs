//! `docs/reference/manifest-fields.md`: every field of a manifest file with its type,
//! default, allowed values or range and description, read from the manifest's
//! JSON Schema (`schemas/manifest.schema.json`). One table for the top level
//! and one per mapping type (`$defs` with properties), in the order a reader
//! meets them; then the value types (model and constellation names, GUIDs...).
//!
//! Pure: the caller passes the parsed schema.

use std::fmt::Write as _;

use serde_json::{Map, Value};

use super::{cell, intro, sentence};

/// The whole page for the manifest schema `schema`.
pub fn markdown(schema: &Value) -> String {
    let mut out = intro("Manifest reference", "`schemas/manifest.schema.json`");
    out.push('\n');
    if let Some(text) = str_of(schema, "description") {
        let _ = writeln!(out, "{}\n", sentence(text));
    }
    out.push_str(
        "A manifest is a YAML file; fields named in `PascalCase` are the API's own, the \
         lower-case ones are skyform's. The tables below list every field: a field marked \
         *required* must be given; `—` means the schema sets no default (the description \
         says what leaving the field out means).\n",
    );
    let defs = schema.get("$defs").and_then(Value::as_object).cloned().unwrap_or_default();
    let order = reading_order(schema, &defs);
    out.push_str("\n## Top level\n\n");
    out.push_str(&fields(schema));
    for name in order.iter().filter(|n| is_mapping(&defs[n.as_str()])) {
        let def = &defs[name.as_str()];
        let _ = writeln!(out, "\n## {name}\n");
        out.push_str(&summary(def, &used_in(name, schema, &defs)));
        out.push_str(&fields(def));
    }
    let values: Vec<&String> = order.iter().filter(|n| !is_mapping(&defs[n.as_str()])).collect();
    if !values.is_empty() {
        out.push_str("\n## Value types\n");
    }
    for name in values {
        let def = &defs[name.as_str()];
        let _ = writeln!(out, "\n### {name}\n");
        out.push_str(&summary(def, &used_in(name, schema, &defs)));
        let _ = writeln!(out, "Type: {}.", type_of(def));
        out.push_str(&value_list(def));
    }
    out
}

/// The description of a definition and where it is used, as a paragraph.
fn summary(def: &Value, used: &[String]) -> String {
    let mut text = str_of(def, "description").map(sentence).unwrap_or_default();
    if !used.is_empty() {
        if !text.is_empty() {
            text.push(' ');
        }
        let _ = write!(text, "Used by {}.", used.join(", "));
    }
    if text.is_empty() { text } else { format!("{text}\n\n") }
}

/// The table of a mapping's fields: required ones first, then in schema order.
fn fields(object: &Value) -> String {
    let Some(props) = object.get("properties").and_then(Value::as_object) else {
        return String::new();
    };
    let required: Vec<&str> = object
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut names: Vec<&String> = props.keys().collect();
    names.sort_by_key(|n| !required.contains(&n.as_str()));
    let mut out =
        String::from("| Field | Type | Default | Allowed | Description |\n|---|---|---|---|---|\n");
    for name in names {
        let field = &props[name.as_str()];
        let default = if required.contains(&name.as_str()) {
            "*required*".to_owned()
        } else {
            field.get("default").map_or_else(|| "—".to_owned(), |d| format!("`{d}`"))
        };
        let description = str_of(field, "description").map(sentence).unwrap_or_default();
        let _ = writeln!(
            out,
            "| `{name}` | {} | {} | {} | {} |",
            cell(&type_of(field)),
            cell(&default),
            cell(&allowed(field)),
            cell(&description)
        );
    }
    if object.get("additionalProperties") == Some(&Value::Bool(false)) {
        out.push_str("\nAny other field is an error.\n");
    }
    out
}

/// A schema's type for people: `integer`, `date`, `list of [Guid](#guid)`,
/// `[ModelName](#modelname)`; `null` is left out (an absent field is null).
fn type_of(schema: &Value) -> String {
    if let Some(name) = ref_name(schema) {
        return format!("[{name}](#{})", name.to_lowercase());
    }
    let types: Vec<&str> = match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let types: Vec<String> = types
        .into_iter()
        .filter(|t| *t != "null")
        .map(|t| match t {
            "array" => {
                let items = schema.get("items").map_or_else(|| "values".to_owned(), type_of);
                format!("list of {items}")
            }
            "object" => "mapping".to_owned(),
            "string" => match str_of(schema, "format") {
                Some("date") => "date (`YYYY-MM-DD`)".to_owned(),
                Some(format) => format!("string ({format})"),
                None => "string".to_owned(),
            },
            other => other.to_owned(),
        })
        .collect();
    if !types.is_empty() {
        return types.join(" or ");
    }
    let branches: Vec<String> = branches(schema)
        .iter()
        .filter(|b| str_of(b, "type") != Some("null"))
        .map(|b| type_of(b))
        .filter(|t| !t.is_empty())
        .collect();
    let mut unique: Vec<String> = Vec::new();
    for b in branches {
        if !unique.contains(&b) {
            unique.push(b);
        }
    }
    unique.join(" or ")
}

/// What a field allows beyond its type: values, ranges, lengths, patterns.
fn allowed(schema: &Value) -> String {
    let mut parts = Vec::new();
    let consts = consts(schema);
    if !consts.is_empty() {
        let list: Vec<String> = consts.iter().map(|(v, _)| format!("`{v}`")).collect();
        parts.push(list.join(", "));
    }
    if let Some(range) = range(schema, "minimum", "maximum", "") {
        parts.push(range);
    }
    if let Some(n) = num(schema, "exclusiveMinimum") {
        parts.push(format!("more than {n}"));
    }
    if let Some(n) = num(schema, "exclusiveMaximum") {
        parts.push(format!("less than {n}"));
    }
    if let Some(range) = range(schema, "minItems", "maxItems", " items") {
        parts.push(range);
    }
    if let Some(range) = range(schema, "minLength", "maxLength", " characters") {
        parts.push(range);
    }
    if schema.get("uniqueItems") == Some(&Value::Bool(true)) {
        parts.push("no duplicates".to_owned());
    }
    if let Some(pattern) = str_of(schema, "pattern") {
        parts.push(format!("matching `{pattern}`"));
    }
    if let Some(items) = schema.get("items").filter(|i| ref_name(i).is_none()) {
        let inner = allowed(items);
        if !inner.is_empty() {
            parts.push(format!("each: {inner}"));
        }
    }
    parts.join("; ")
}

/// `1 to 7`, `at least 1`, `at most 7` (with a unit), from two keywords.
fn range(schema: &Value, min: &str, max: &str, unit: &str) -> Option<String> {
    match (num(schema, min), num(schema, max)) {
        (Some(lo), Some(hi)) => Some(format!("{lo} to {hi}{unit}")),
        (Some(lo), None) => Some(format!("at least {lo}{unit}")),
        (None, Some(hi)) => Some(format!("at most {hi}{unit}")),
        (None, None) => None,
    }
}

/// The values of a value type as a list, each with its description when it
/// has one, and the pattern other values must match.
fn value_list(def: &Value) -> String {
    let mut out = String::new();
    let consts = consts(def);
    if !consts.is_empty() {
        out.push_str("\nValues:\n\n");
        for (value, description) in &consts {
            let text = description.map(|d| format!(": {}", sentence(d))).unwrap_or_default();
            let _ = writeln!(out, "- `{value}`{text}");
        }
    }
    let patterns: Vec<&str> =
        std::iter::once(def).chain(branches(def)).filter_map(|s| str_of(s, "pattern")).collect();
    for pattern in patterns {
        if consts.is_empty() {
            let _ = writeln!(out, "\nA string matching `{pattern}`.");
        } else {
            let _ = writeln!(out, "- or any other value matching `{pattern}`");
        }
    }
    let rest = allowed(&without(def, &["pattern", "enum", "const"]));
    if !rest.is_empty() {
        let _ = writeln!(out, "\nAllowed: {rest}.");
    }
    for branch in branches(def).iter().filter(|b| str_of(b, "type") == Some("object")) {
        if let Some(required) = branch.get("required").and_then(Value::as_array) {
            let keys: Vec<String> =
                required.iter().filter_map(Value::as_str).map(|k| format!("`{k}`")).collect();
            let _ = writeln!(out, "\nAs a mapping it must have {}.", keys.join(", "));
        }
    }
    out
}

/// The fixed values a schema allows (from `const`, `enum`, and the `anyOf` /
/// `oneOf` branches), each with its description when it has one.
fn consts(schema: &Value) -> Vec<(String, Option<&str>)> {
    let mut found = Vec::new();
    if let Some(value) = schema.get("const") {
        found.push((plain(value), str_of(schema, "description")));
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        found.extend(values.iter().map(|v| (plain(v), None)));
    }
    for branch in branches(schema) {
        found.extend(consts(branch));
    }
    found
}

/// The definitions in the order a reader meets them: breadth first from the
/// top level, each the first time a field refers to it.
fn reading_order(schema: &Value, defs: &Map<String, Value>) -> Vec<String> {
    let mut order: Vec<String> = Vec::new();
    let mut queue = vec![schema];
    let mut next = 0;
    while next < queue.len() {
        let mut refs = Vec::new();
        collect_refs(queue[next], &mut refs);
        next += 1;
        for name in refs {
            if let Some(def) = defs.get(&name).filter(|_| !order.contains(&name)) {
                queue.push(def);
                order.push(name);
            }
        }
    }
    let unreached: Vec<String> = defs.keys().filter(|k| !order.contains(k)).cloned().collect();
    order.extend(unreached);
    order
}

/// Where a definition is used: `` `Entry.Model` `` or `` `budget` (top level) ``.
fn used_in(name: &str, schema: &Value, defs: &Map<String, Value>) -> Vec<String> {
    let owners = std::iter::once((None, schema)).chain(defs.iter().map(|(n, d)| (Some(n), d)));
    let mut found = Vec::new();
    for (owner, def) in owners {
        let Some(props) = def.get("properties").and_then(Value::as_object) else { continue };
        for (field, field_schema) in props {
            let mut refs = Vec::new();
            collect_refs(field_schema, &mut refs);
            if refs.iter().any(|r| r == name) {
                found.push(match owner {
                    Some(owner) => format!("`{field}` in [{owner}](#{})", owner.to_lowercase()),
                    None => format!("`{field}` (top level)"),
                });
            }
        }
    }
    found
}

/// The `$ref` names in a schema, in document order (not following them).
fn collect_refs(schema: &Value, out: &mut Vec<String>) {
    match schema {
        Value::Object(map) => {
            for (key, value) in map {
                match key.as_str() {
                    "$ref" => out.extend(value.as_str().and_then(last_segment)),
                    "$defs" => {}
                    _ => collect_refs(value, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

fn is_mapping(def: &Value) -> bool {
    def.get("properties").is_some()
}

fn ref_name(schema: &Value) -> Option<String> {
    str_of(schema, "$ref").and_then(last_segment)
}

fn last_segment(reference: &str) -> Option<String> {
    reference.rsplit('/').next().map(ToOwned::to_owned)
}

fn branches(schema: &Value) -> Vec<&Value> {
    ["anyOf", "oneOf"]
        .iter()
        .filter_map(|k| schema.get(*k).and_then(Value::as_array))
        .flatten()
        .collect()
}

fn str_of<'a>(schema: &'a Value, key: &str) -> Option<&'a str> {
    schema.get(key).and_then(Value::as_str)
}

fn num(schema: &Value, key: &str) -> Option<String> {
    schema.get(key).filter(|v| v.is_number()).map(ToString::to_string)
}

/// A JSON value as written in YAML: strings without quotes.
fn plain(value: &Value) -> String {
    value.as_str().map_or_else(|| value.to_string(), ToOwned::to_owned)
}

/// A copy of a schema without some keywords (and without its branches).
fn without(schema: &Value, keys: &[&str]) -> Value {
    let mut copy = schema.as_object().cloned().unwrap_or_default();
    for key in keys.iter().chain(&["anyOf", "oneOf"]) {
        copy.remove(*key);
    }
    Value::Object(copy)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn fields_show_type_default_range_and_values() {
        let schema = json!({
            "description": "One file.",
            "required": ["name"],
            "properties": {
                "Days": {"type": ["integer", "null"], "minimum": 1, "maximum": 7, "default": 3},
                "Kind": {"anyOf": [{"$ref": "#/$defs/Kind"}, {"type": "null"}]},
                "name": {"type": "string", "description": "A name"}
            },
            "$defs": {"Kind": {"oneOf": [
                {"const": "a", "type": "string", "description": "The first"},
                {"const": "b", "type": "string"}
            ]}}
        });
        let page = super::markdown(&schema);
        assert!(page.contains("| `name` | string | *required* |  | A name. |"), "{page}");
        assert!(page.contains("| `Days` | integer | `3` | 1 to 7 |  |"), "{page}");
        assert!(page.contains("| `Kind` | [Kind](#kind) | — |  |  |"), "{page}");
        assert!(
            page.contains("### Kind\n\nUsed by `Kind` (top level).\n\nType: string.\n"),
            "{page}"
        );
        assert!(page.contains("- `a`: The first.\n- `b`\n"), "{page}");
    }
}
