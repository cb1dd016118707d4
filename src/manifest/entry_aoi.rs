//! The area-of-interest keys of one entry (those of type [`Ty::is_aoi`] in the
//! table): exactly one mode is set, its value is read (files through the
//! loader's `read`) and parsed into polygons or tile sets.
//!
//! Pure: AOI files are read through the `read` function the loader passes in.

use std::collections::BTreeSet;
use std::path::Path;

use uuid::Uuid;

use super::fields::Sink;
use super::node::{Kind, Node, Pos};
use super::table::{Block, Field, Key, Ty};
use super::{aoi, geometry_checks};
use crate::spec::Aoi;

/// Reads an AOI file; the error is a message such as `no such file`.
pub(crate) type ReadFile<'a> = dyn FnMut(&Path) -> Result<String, String> + 'a;

/// Checks that exactly one AOI mode is set and parses it; `keys` are the AOI
/// keys the entry sets, with their key and value nodes.
pub(crate) fn parse(
    sink: &mut Sink<'_>,
    at: Pos,
    label: &str,
    keys: &[(&Field, &Node, &Node)],
    read: &mut ReadFile<'_>,
) -> Option<Aoi> {
    // Tile and minitile GUIDs are one mode, and may be combined.
    let mode = |f: &Field| if f.ty == Ty::Guids { Key::TileGuids.name() } else { f.name };
    let mut modes: Vec<(&str, &Node)> = Vec::new();
    for (field, k, _) in keys {
        if !modes.iter().any(|(m, _)| *m == mode(field)) {
            modes.push((mode(field), k));
        }
    }
    match modes.as_slice() {
        [] => {
            sink.error_hint(at, format!("{label} has no area of interest"), modes_hint());
            return None;
        }
        [_] => {}
        [first, .., last] => {
            let names: Vec<String> = modes.iter().map(|(m, _)| format!("`{m}`")).collect();
            sink.error_hint(
                last.1.pos,
                format!("{label} sets several areas of interest: {}", names.join(" and ")),
                format!(
                    "keep only one (an order has exactly one area of interest; `{}` came first)",
                    first.0
                ),
            );
            return None;
        }
    }
    let (field, _, v) = keys[0];
    if field.ty == Ty::Guids {
        return tiles(sink, at, label, keys);
    }
    let key = field.name;
    let (subject, text) = if field.ty == Ty::File {
        let Some(rel) = v.as_str() else {
            sink.wrong_type(key, "a file path relative to the manifest", v);
            return None;
        };
        let path = sink.file.parent().unwrap_or(Path::new("")).join(rel);
        match read(&path) {
            Ok(text) => (format!("`{key}` `{rel}`"), Some(text)),
            Err(e) => {
                sink.error(v.pos, format!("cannot read `{key}` `{}`: {e}", path.display()));
                return None;
            }
        }
    } else {
        (format!("`{key}`"), None)
    };
    let parsed = match (field.key, &v.kind, text) {
        (Key::Wkt, Kind::Str(s), _) => aoi::from_wkt(s),
        (Key::WktFile, _, Some(t)) => aoi::from_wkt(&t),
        (Key::GeoJson, Kind::Str(s), _) => aoi::from_geojson_str(s),
        (Key::GeoJson, Kind::Map(_), _) => aoi::from_geojson(v.to_json()),
        (Key::GeoJsonFile, _, Some(t)) => aoi::from_geojson_str(&t),
        (Key::Wkt, ..) => {
            sink.wrong_type(key, "a WKT string", v);
            return None;
        }
        _ => {
            sink.wrong_type(key, "a GeoJSON mapping or JSON string", v);
            return None;
        }
    };
    match parsed {
        Ok(parts) => {
            for w in geometry_checks::newer_rule_warnings(&parts) {
                let hint = "the documented rule bills each polygon's bounding box; the newer one measures the shape as sent";
                sink.warn(v.pos, format!("{subject}: {w}"), hint);
            }
            Some(Aoi::Polygons(parts))
        }
        Err(e) => {
            sink.error(v.pos, format!("{subject} {e}"));
            None
        }
    }
}

/// "set one of `Wkt`, …, or `TileGuids`/`MiniTileGuids`", from the table.
fn modes_hint() -> String {
    let quoted = |f: &Field| format!("`{}`", f.name);
    let aoi = Block::Entry.fields().filter(|f| f.ty.is_aoi());
    let (guids, others): (Vec<&Field>, Vec<&Field>) = aoi.partition(|f| f.ty == Ty::Guids);
    let others: Vec<String> = others.into_iter().map(quoted).collect();
    let guids: Vec<String> = guids.into_iter().map(quoted).collect();
    format!("set one of {}, or {}", others.join(", "), guids.join("/"))
}

fn tiles(
    sink: &mut Sink<'_>,
    at: Pos,
    label: &str,
    keys: &[(&Field, &Node, &Node)],
) -> Option<Aoi> {
    let mut sets = [BTreeSet::new(), BTreeSet::new()];
    let mut ok = true;
    for (field, _, v) in keys {
        let key = field.name;
        let Kind::Seq(items) = &v.kind else {
            sink.wrong_type(key, "a list of GUIDs", v);
            ok = false;
            continue;
        };
        let set = &mut sets[usize::from(field.key == Key::MiniTileGuids)];
        for item in items {
            if let Some(g) = item.as_str().and_then(|s| Uuid::parse_str(s).ok()) {
                set.insert(g);
            } else {
                ok = false;
                sink.error(
                    item.pos,
                    format!(
                        "`{key}` item `{item}` is not a GUID: expected 32 hex digits such as `c3528462-02fc-4301-bb37-8d226b45f149`"
                    ),
                );
            }
        }
    }
    let [tiles, minitiles] = sets;
    if ok && tiles.is_empty() && minitiles.is_empty() {
        sink.error(
            at,
            format!("{label} has empty `TileGuids`/`MiniTileGuids`: list at least one GUID"),
        );
        return None;
    }
    ok.then_some(Aoi::Tiles { tiles, minitiles })
}
