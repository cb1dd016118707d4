//! The digest a saved plan carries of its own content.
//!
//! Pure, no IO. The digest is the SHA-256 of a canonical JSON text of the whole
//! document without its `digest` field: object keys sorted, no whitespace,
//! numbers as serde_json writes them. Re-indenting the file keeps it valid; any
//! change of a value, key or array element breaks it.
//!
//! The digest detects edits, it does not authenticate: anyone can compute a
//! SHA-256. What makes a saved plan safe to apply is that `apply --plan`
//! recomputes the plan and compares ([`super::verify`]); the digest makes a
//! hand-edited file fail early and plainly.

use serde_json::Value;
use sha2::{Digest, Sha256};

/// The name of the field that holds the digest.
pub const FIELD: &str = "digest";

/// The prefix of the digest's value, naming the algorithm.
const PREFIX: &str = "sha256:";

/// The digest of `doc` without its `digest` field, as `sha256:<hex>`.
pub fn digest(doc: &Value) -> String {
    let mut text = String::new();
    match doc {
        Value::Object(map) => {
            let rest: serde_json::Map<String, Value> = map
                .iter()
                .filter(|(k, _)| *k != FIELD)
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            canonical(&Value::Object(rest), &mut text);
        }
        other => canonical(other, &mut text),
    }
    format!("{PREFIX}{}", hex::encode(Sha256::digest(text.as_bytes())))
}

/// `doc` with its `digest` field set to its digest.
pub fn sealed(doc: Value) -> Value {
    let d = digest(&doc);
    match doc {
        Value::Object(mut map) => {
            map.remove(FIELD);
            map.insert(FIELD.to_owned(), Value::String(d));
            Value::Object(map)
        }
        other => other,
    }
}

/// Checks the `digest` field of `doc`; the error says what is wrong.
pub fn check(doc: &Value) -> Result<(), String> {
    match doc.get(FIELD).and_then(Value::as_str) {
        None => Err("the file has no `digest`: it was not written by `skyform plan --out`".into()),
        Some(d) if d == digest(doc) => Ok(()),
        Some(_) => Err(
            "the file was edited after `skyform plan --out` wrote it (its `digest` does not match its content)"
                .into(),
        ),
    }
}

/// Writes `v` as JSON with object keys sorted at every level and no whitespace.
fn canonical(v: &Value, out: &mut String) {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                canonical(&map[k], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_sealed_document_checks_and_survives_reformatting() {
        let doc = sealed(json!({"b": [1, 2.5, {"y": null, "x": "é"}], "a": true}));
        assert_eq!(check(&doc), Ok(()));
        let pretty = serde_json::to_string_pretty(&doc).unwrap();
        let reread: Value = serde_json::from_str(&pretty).unwrap();
        assert_eq!(check(&reread), Ok(()));
        assert!(doc[FIELD].as_str().unwrap().starts_with("sha256:"));
    }

    #[test]
    fn any_edit_breaks_the_seal() {
        let doc = sealed(json!({"plan": {"changes": [{"cost": 8.54}, {"cost": 1.0}]}}));
        let edits: [fn(&mut Value); 4] = [
            |d| d["plan"]["changes"][0]["cost"] = json!(0.0),
            |d| d["plan"]["changes"].as_array_mut().unwrap().push(json!({"cost": 1.0})),
            |d| d["plan"]["extra"] = json!(null),
            |d| d["plan"]["changes"].as_array_mut().unwrap().swap(0, 1),
        ];
        for edit in edits {
            let mut d = doc.clone();
            edit(&mut d);
            assert!(check(&d).unwrap_err().contains("edited"), "{d}");
        }
    }

    #[test]
    fn a_document_without_digest_is_refused() {
        assert!(check(&json!({"plan": {}})).unwrap_err().contains("no `digest`"));
    }
}
