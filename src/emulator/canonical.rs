//! Case-insensitive JSON keys: the real service is ASP.NET, whose binder
//! accepts any casing, while serde matches names exactly.
//!
//! Pure, no IO. The emulator rewrites a body's keys with [`canonical_keys`]
//! before decoding it into the API's wire types.

/// Rewrites the keys of a JSON value, recursively, to the spelling in `known`
/// when they match case-insensitively, so that an ASP.NET-style
/// case-insensitive binder can be emulated with serde's exact names.
pub(crate) fn canonical_keys(value: &mut serde_json::Value, known: &[&str]) {
    match value {
        serde_json::Value::Object(map) => {
            let entries = std::mem::take(map);
            for (key, mut v) in entries {
                canonical_keys(&mut v, known);
                let key = known
                    .iter()
                    .find(|k| k.eq_ignore_ascii_case(&key))
                    .map_or(key, |k| (*k).to_owned());
                map.insert(key, v);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| canonical_keys(v, known)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn canonical_keys_rewrites_any_casing() {
        let mut v = json!({"wkt": "x", "model": "stratus2", "TILEGUIDS": ["a"], "other": 1});
        canonical_keys(&mut v, &["Wkt", "Model", "TileGuids"]);
        assert_eq!(v, json!({"Wkt": "x", "Model": "stratus2", "TileGuids": ["a"], "other": 1}));
    }

    #[test]
    fn nested_objects_and_arrays_are_rewritten_too() {
        let mut v = json!({"geojson": {"TYPE": "Point"}, "list": [{"model": 1}]});
        canonical_keys(&mut v, &["GeoJson", "type", "Model"]);
        assert_eq!(v, json!({"GeoJson": {"type": "Point"}, "list": [{"Model": 1}]}));
    }
}
