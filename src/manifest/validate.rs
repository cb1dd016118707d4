//! Checks parsed manifests and resolves them into [`DesiredOrder`]s: defaults,
//! required fields, model and constellations, dates, the area of interest, and
//! the checks across entries and files (duplicate names, identical orders).
//!
//! Pure: AOI files are read through the `read` function the loader passes in.
//! Every problem is collected; nothing stops at the first.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use uuid::Uuid;

use super::diagnostic::Diagnostics;
use super::fields::{Fields, Opt, Sink};
use super::node::{Kind, Node, Pos};
use super::{AOI_KEYS, BUDGET_KEYS, ORDER_FIELDS, TOOL_KEYS, TOP_KEYS, aoi, geometry_checks};
use crate::spec::{Aoi, Budget, DesiredOrder, Ensure, OrderSpec, Source};
use clearsky::catalog;

use crate::identity;

/// Reads an AOI file; the error is a message such as `no such file`.
pub(crate) type ReadFile<'a> = dyn FnMut(&Path) -> Result<String, String> + 'a;

/// Where each name was first used.
type Names = HashMap<String, (PathBuf, Pos)>;

/// Validates parsed manifests (in order) and returns the orders and the budget.
pub(crate) fn validate(
    files: &[(PathBuf, Node)],
    read: &mut ReadFile<'_>,
    diags: &mut Diagnostics,
) -> (Vec<DesiredOrder>, Budget) {
    let files = &*super::text_checks::check(files, diags);
    let mut orders = Vec::new();
    let mut budget = Budget::default();
    let mut names = Names::new();
    for (path, root) in files {
        let mut sink = Sink { file: path, diags };
        file(&mut sink, root, read, &mut names, &mut orders, &mut budget);
    }
    across(&orders, diags);
    (orders, budget)
}

fn file(
    sink: &mut Sink<'_>,
    root: &Node,
    read: &mut ReadFile<'_>,
    names: &mut Names,
    orders: &mut Vec<DesiredOrder>,
    budget: &mut Budget,
) {
    let map = match &root.kind {
        Kind::Null => return,
        Kind::Map(m) => m,
        _ => {
            sink.wrong_type("manifest", "a mapping with `orders`, `defaults` or `budget`", root);
            return;
        }
    };
    let mut defaults = Fields::default();
    let mut entries = None;
    for (k, v) in map {
        match k.as_str() {
            Some("defaults") => defaults = parse_defaults(sink, v),
            Some("budget") => parse_budget(sink, v, budget),
            Some("orders") => entries = Some(v),
            _ => sink.unknown_key(k, TOP_KEYS, "the manifest"),
        }
    }
    match entries.map(|n| &n.kind) {
        None | Some(Kind::Null) => {}
        Some(Kind::Seq(items)) => {
            for item in items {
                if let Some(order) = entry(sink, item, &defaults, read, names) {
                    orders.push(order);
                }
            }
        }
        Some(_) => sink.wrong_type("orders", "a list of orders", entries.unwrap_or(root)),
    }
}

fn parse_defaults(sink: &mut Sink<'_>, v: &Node) -> Fields {
    let mut fields = Fields::default();
    let Some(map) = v.as_map() else {
        if !matches!(v.kind, Kind::Null) {
            sink.wrong_type("defaults", "a mapping of order fields", v);
        }
        return fields;
    };
    let allowed: Vec<&str> = ORDER_FIELDS.iter().copied().chain(["protect"]).collect();
    for (k, val) in map {
        match k.as_str() {
            Some(key) if allowed.contains(&key) => fields.set(sink, key, val),
            Some(key) if AOI_KEYS.contains(&key) || TOOL_KEYS.contains(&key) => sink.error_hint(
                k.pos,
                format!("`{key}` cannot be set in `defaults`"),
                "set it in each order; `defaults` holds order fields such as `Model` and `From`",
            ),
            _ => sink.unknown_key(k, &allowed, "`defaults`"),
        }
    }
    fields
}

fn parse_budget(sink: &mut Sink<'_>, v: &Node, budget: &mut Budget) {
    let Some(map) = v.as_map() else {
        sink.wrong_type("budget", "a mapping with `max_current_month` or `max_monthly`", v);
        return;
    };
    for (k, val) in map {
        let slot = match k.as_str() {
            Some("max_current_month") => &mut budget.max_current_month,
            Some("max_monthly") => &mut budget.max_monthly,
            _ => {
                sink.unknown_key(k, BUDGET_KEYS, "`budget`");
                continue;
            }
        };
        #[allow(clippy::cast_precision_loss)]
        let eur = match val.kind {
            Kind::Int(i) => i as f64,
            Kind::Float(f) => f,
            _ => {
                sink.wrong_type(&k.to_string(), "an amount in EUR", val);
                continue;
            }
        };
        if !(eur.is_finite() && eur >= 0.0) {
            sink.error(val.pos, format!("`{k}` must be zero or more EUR, found `{val}`"));
            continue;
        }
        *slot = Some(slot.map_or(eur, |old| old.min(eur)));
    }
}

/// One order entry: its own fields, the defaults, and its AOI.
fn entry(
    sink: &mut Sink<'_>,
    item: &Node,
    defaults: &Fields,
    read: &mut ReadFile<'_>,
    names: &mut Names,
) -> Option<DesiredOrder> {
    let Some(map) = item.as_map() else {
        sink.wrong_type("orders", "a list of mappings (one per order)", item);
        return None;
    };
    let mut own = Fields::default();
    let mut name: Opt<String> = Opt::Unset;
    let mut aoi_keys: Vec<(&str, &Node, &Node)> = Vec::new();
    let allowed: Vec<&str> = [TOOL_KEYS, ORDER_FIELDS, AOI_KEYS].concat();
    for (k, v) in map {
        match k.as_str() {
            Some("name") => name = parse_name(sink, v, names),
            Some(key) if AOI_KEYS.contains(&key) => {
                if !matches!(v.kind, Kind::Null) {
                    aoi_keys.push((AOI_KEYS[AOI_KEYS.iter().position(|a| *a == key)?], k, v));
                }
            }
            Some(key) if allowed.contains(&key) => own.set(sink, key, v),
            _ => sink.unknown_key(k, &allowed, "an order"),
        }
    }
    let label = match &name {
        Opt::Set(n, _) => format!("order `{n}`"),
        _ => "this order".to_owned(),
    };
    if matches!(name, Opt::Unset) {
        sink.error_hint(
            item.pos,
            "order has no `name`".into(),
            "every order needs a `name`, unique across all manifests",
        );
    }
    let f = own.or(defaults);
    let required = [
        ("Model", matches!(f.model, Opt::Unset)),
        ("SatelliteConstellations", matches!(f.constellations, Opt::Unset)),
        ("StorageMonths", matches!(f.storage_months, Opt::Unset)),
        ("ApiRequests", matches!(f.api_requests, Opt::Unset)),
        ("ImageFrequency", matches!(f.image_frequency, Opt::Unset)),
        ("From", matches!(f.from, Opt::Unset)),
    ];
    for (key, missing) in required {
        if missing {
            sink.error_hint(
                item.pos,
                format!("{label} has no `{key}`"),
                format!("set `{key}` in the order or in `defaults`"),
            );
        }
    }
    // The offline snapshot's rules, for the models and constellations it
    // knows; others were warned about and are checked against the API by plan.
    if let (Opt::Set(name, _), Opt::Set(set, pos)) = (&f.model, &f.constellations)
        && let Some(model) = catalog::model(name)
    {
        for req in model.required.iter().filter(|c| !set.contains(**c)) {
            sink.error_hint(
                *pos,
                format!("model `{}` requires constellation `{req}`", model.api_name),
                format!("add `{req}` to `SatelliteConstellations`"),
            );
        }
        let refused = |c: &&String| {
            catalog::constellation(c).is_some()
                && !model.required.contains(&c.as_str())
                && !model.optional.contains(&c.as_str())
        };
        for extra in set.iter().filter(refused) {
            let allowed = model.required.iter().chain(model.optional).map(|c| format!("`{c}`"));
            sink.error(
                *pos,
                format!(
                    "model `{}` does not take constellation `{extra}`: allowed are {}",
                    model.api_name,
                    allowed.collect::<Vec<_>>().join(", ")
                ),
            );
        }
    }
    if let (Opt::Set(from, _), Opt::Set(Some(to), pos)) = (&f.from, &f.to)
        && to < from
    {
        sink.error(*pos, format!("`To` (`{to}`) is before `From` (`{from}`)"));
    }
    let area = parse_aoi(sink, item.pos, &label, &aoi_keys, read);
    if let (Opt::Set(_, pos), Some(Aoi::Polygons(_))) = (&own.tile_deduplication, &area) {
        sink.error_hint(
            *pos,
            "`TileDeduplication` only applies to tile orders".into(),
            "remove it, or order by `TileGuids`/`MiniTileGuids`",
        );
    }
    let (
        Opt::Set(name, _),
        Opt::Set(model, _),
        Opt::Set(constellations, _),
        Opt::Set(storage_months, _),
        Opt::Set(api_requests, _),
        Opt::Set(image_frequency, _),
        Opt::Set(from, _),
        Some(aoi),
    ) = (
        name,
        f.model,
        f.constellations,
        f.storage_months,
        f.api_requests,
        f.image_frequency,
        f.from,
        area,
    )
    else {
        return None;
    };
    let to = match f.to {
        Opt::Set(to, _) => to,
        Opt::Unset => None,
        Opt::Bad => return None,
    };
    let reference_date = match f.reference_date {
        Opt::Set(d, _) => d,
        Opt::Unset => from,
        Opt::Bad => return None,
    };
    let opt_bool = |o: Opt<bool>| match o {
        Opt::Set(b, _) => Ok(Some(b)),
        Opt::Unset => Ok(None),
        Opt::Bad => Err(()),
    };
    let ensure = match f.ensure {
        Opt::Set(e, _) => e,
        Opt::Unset => Ensure::Present,
        Opt::Bad => return None,
    };
    let protect = opt_bool(f.protect).ok()?.unwrap_or(false);
    let tile_deduplication = opt_bool(f.tile_deduplication).ok()?;
    Some(DesiredOrder {
        name,
        ensure,
        protect,
        spec: OrderSpec {
            model,
            constellations,
            aoi,
            from,
            to,
            image_frequency,
            reference_date,
            storage_months,
            api_requests,
        },
        tile_deduplication,
        source: Source {
            file: sink.file.to_path_buf(),
            line: item.pos.line,
            column: item.pos.column,
        },
    })
}

fn parse_name(sink: &mut Sink<'_>, v: &Node, names: &mut Names) -> Opt<String> {
    match v.as_str() {
        Some(s) if !s.trim().is_empty() => {
            if let Some((file, pos)) = names.get(s) {
                sink.error_hint(
                    v.pos,
                    format!(
                        "duplicate name `{s}`: also used at {}:{}:{}",
                        file.display(),
                        pos.line,
                        pos.column
                    ),
                    "names must be unique across all manifests; rename one",
                );
                return Opt::Bad;
            }
            names.insert(s.to_owned(), (sink.file.to_path_buf(), v.pos));
            Opt::Set(s.to_owned(), v.pos)
        }
        _ => {
            sink.wrong_type("name", "a non-empty string", v);
            Opt::Bad
        }
    }
}

/// Checks that exactly one AOI mode is set and parses it.
fn parse_aoi(
    sink: &mut Sink<'_>,
    at: Pos,
    label: &str,
    keys: &[(&str, &Node, &Node)],
    read: &mut ReadFile<'_>,
) -> Option<Aoi> {
    fn mode(k: &str) -> &str {
        if k == "MiniTileGuids" { "TileGuids" } else { k }
    }
    let mut modes: Vec<(&str, &Node)> = Vec::new();
    for (key, k, _) in keys {
        if !modes.iter().any(|(m, _)| *m == mode(key)) {
            modes.push((mode(key), k));
        }
    }
    match modes.as_slice() {
        [] => {
            sink.error_hint(
                at,
                format!("{label} has no area of interest"),
                "set one of `Wkt`, `GeoJson`, `WktFile`, `GeoJsonFile`, or `TileGuids`/`MiniTileGuids`",
            );
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
    if modes[0].0 == "TileGuids" {
        return tiles(sink, at, label, keys);
    }
    let (key, _, v) = keys[0];
    let (subject, text) = match key {
        "Wkt" | "GeoJson" => (format!("`{key}`"), None),
        _ => {
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
        }
    };
    let parsed = match (key, &v.kind, text) {
        ("Wkt", Kind::Str(s), _) => aoi::from_wkt(s),
        ("WktFile", _, Some(t)) => aoi::from_wkt(&t),
        ("GeoJson", Kind::Str(s), _) => aoi::from_geojson_str(s),
        ("GeoJson", Kind::Map(_), _) => aoi::from_geojson(v.to_json()),
        ("GeoJsonFile", _, Some(t)) => aoi::from_geojson_str(&t),
        ("Wkt", ..) => {
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

fn tiles(sink: &mut Sink<'_>, at: Pos, label: &str, keys: &[(&str, &Node, &Node)]) -> Option<Aoi> {
    let mut sets = [BTreeSet::new(), BTreeSet::new()];
    let mut ok = true;
    for (key, _, v) in keys {
        let Kind::Seq(items) = &v.kind else {
            sink.wrong_type(key, "a list of GUIDs", v);
            ok = false;
            continue;
        };
        let set = &mut sets[usize::from(*key == "MiniTileGuids")];
        for item in items {
            if let Some(g) = item.as_str().and_then(|s| Uuid::parse_str(s).ok()) {
                set.insert(g);
            } else {
                {
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

/// Checks across all files: entries that are the same order, by the identity
/// rules of matching ([`identity::twins`]).
fn across(orders: &[DesiredOrder], diags: &mut Diagnostics) {
    let specs: Vec<&OrderSpec> = orders.iter().map(|o| &o.spec).collect();
    for (i, first) in identity::twins(&specs) {
        let (o, first) = (&orders[i], &orders[first]);
        let mut sink = Sink { file: &o.source.file, diags };
        let pos = Pos { line: o.source.line, column: o.source.column, ..Pos::default() };
        sink.error_hint(
            pos,
            format!(
                "order `{}` is the same order as order `{}` at {}",
                o.name,
                first.name,
                place(&first.source)
            ),
            "both would match the same live order (areas compare as shapes, within 1e-6°, \
             also as bounding boxes); change a field or remove one",
        );
    }
}

fn place(s: &Source) -> String {
    format!("{}:{}:{}", s.file.display(), s.line, s.column)
}
