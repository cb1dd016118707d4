//! Case-insensitive JSON keys: the real service is ASP.NET, whose binder
//! accepts any casing and whose answers have come in PascalCase and in
//! camelCase, while serde matches names exactly.
//!
//! Pure, no IO. [`canonical_keys`] rewrites a value's keys to known
//! spellings before it is decoded; [`wire_keys`] is every key the wire types
//! read, taken from the types themselves (serde's own field lists, aliases
//! included), so a field added to a type is read in any casing without a list
//! to keep up to date. The client applies both to every answer's `Data`; the
//! emulator applies [`canonical_keys`] to request bodies, with
//! [`request_keys`] taken from the request types the same way.

use std::sync::LazyLock;

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

use super::{
    AccountInfo, CostBreakdown, CostTotal, DetailsRequest, Estimate, OrderRequest,
    SupportedConstellation, TaskOrder, TaskOrders, TaskingModel, TaskingModels, TileInfo,
    TileSearch, TileSearchRequest,
};

/// Rewrites the keys of a JSON value, recursively, to the spelling in `known`
/// when they match case-insensitively, so that an ASP.NET-style
/// case-insensitive binder can be emulated with serde's exact names.
pub fn canonical_keys(value: &mut serde_json::Value, known: &[&str]) {
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

/// Every key the answer types read (aliases included), in their spelling.
pub fn wire_keys() -> &'static [&'static str] {
    static KEYS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
        key_list(
            &[
                fields_of::<TaskOrders>,
                fields_of::<TaskOrder>,
                fields_of::<Estimate>,
                fields_of::<CostTotal>,
                fields_of::<CostBreakdown>,
                fields_of::<TaskingModels>,
                fields_of::<TaskingModel>,
                fields_of::<SupportedConstellation>,
                fields_of::<TileSearch>,
                fields_of::<TileInfo>,
                fields_of::<AccountInfo>,
            ],
            // `TileRef` objects (`{Guid, Wkt}`) have a hand-written decoder.
            &["Guid", "Wkt"],
        )
    });
    &KEYS
}

/// Every key the request types read, in their spelling (for a server that
/// binds request bodies case-insensitively).
pub fn request_keys() -> &'static [&'static str] {
    static KEYS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
        let types = [
            fields_of::<OrderRequest>,
            fields_of::<TileSearchRequest>,
            fields_of::<DetailsRequest>,
        ];
        key_list(&types, &[])
    });
    &KEYS
}

/// The field names of the types `add` reads, and `more`, sorted, each once.
fn key_list(add: &[fn(&mut Vec<&'static str>)], more: &[&'static str]) -> Vec<&'static str> {
    let mut keys = more.to_vec();
    for fields in add {
        fields(&mut keys);
    }
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// Adds the field names (aliases included) serde's derive gives `T`.
fn fields_of<'de, T: Deserialize<'de>>(out: &mut Vec<&'static str>) {
    let _ = T::deserialize(FieldNames(out));
}

/// A deserializer that only records the field list a derived struct asks for.
struct FieldNames<'a>(&'a mut Vec<&'static str>);

impl<'de> Deserializer<'de> for FieldNames<'_> {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("field names only"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.extend_from_slice(fields);
        Err(de::Error::custom("field names only"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map enum identifier ignored_any
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

    #[test]
    fn request_keys_come_from_the_request_types() {
        let keys = request_keys();
        for key in ["Wkt", "StorageMonths", "TileDeduplication", "TileGuidForMiniTiles", "Guids"] {
            assert!(keys.contains(&key), "{key} missing from {keys:?}");
        }
        assert_eq!(keys.len(), 16, "{keys:?}");
    }

    #[test]
    fn wire_keys_come_from_the_types_aliases_included() {
        let keys = wire_keys();
        for key in ["TaskOrders", "TaskOrderGuid", "OrderingProcessStatus", "TotalCostEuro", "Epsg"]
        {
            assert!(keys.contains(&key), "{key} missing from {keys:?}");
        }
        let mut lower: Vec<String> = keys.iter().map(|k| k.to_ascii_lowercase()).collect();
        lower.sort_unstable();
        let before = lower.len();
        lower.dedup();
        assert_eq!(before, lower.len(), "two keys differ only in case: {keys:?}");
    }
}
