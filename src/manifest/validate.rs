//! Checks parsed manifests and resolves them into [`DesiredOrder`]s: defaults,
//! required fields, model and constellations, dates, the area of interest, and
//! the checks across entries and files (duplicate names, identical orders).
//!
//! Pure: AOI files are read through the `read` function the loader passes in.
//! Every problem is collected; nothing stops at the first.

use std::collections::HashMap;
use std::path::PathBuf;

use super::diagnostic::Diagnostics;
use super::entry_aoi::{self, ReadFile};
use super::fields::{Fields, Opt, Sink};
use super::node::{Kind, Node, Pos};
use super::table::{Absent, Block, Field, Key};
use crate::spec::{Aoi, Budget, DesiredOrder, Ensure, OrderSpec, Source};
use clearsky::catalog;

use crate::identity;

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
        match k.as_str().and_then(|s| Block::Manifest.find(s)).map(|f| f.key) {
            Some(Key::Defaults) => defaults = parse_defaults(sink, v),
            Some(Key::Budget) => parse_budget(sink, v, budget),
            Some(Key::Orders) => entries = Some(v),
            _ => sink.unknown_key(k, &Block::Manifest.names(), "the manifest"),
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
    for (k, val) in map {
        let name = k.as_str().unwrap_or_default();
        if let Some(field) = Block::Defaults.find(name) {
            fields.set(sink, field, val);
        } else if Block::Entry.find(name).is_some() {
            sink.error_hint(
                k.pos,
                format!("`{name}` cannot be set in `defaults`"),
                "set it in each order; `defaults` holds order fields such as `Model` and `From`",
            );
        } else {
            sink.unknown_key(k, &Block::Defaults.names(), "`defaults`");
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
        let slot = match k.as_str().and_then(|s| Block::Budget.find(s)).map(|f| f.key) {
            Some(Key::MaxCurrentMonth) => &mut budget.max_current_month,
            Some(Key::MaxMonthly) => &mut budget.max_monthly,
            _ => {
                sink.unknown_key(k, &Block::Budget.names(), "`budget`");
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
    let mut aoi_keys: Vec<(&Field, &Node, &Node)> = Vec::new();
    for (k, v) in map {
        match k.as_str().and_then(|s| Block::Entry.find(s)) {
            Some(field) if field.key == Key::Name => name = parse_name(sink, v, names),
            Some(field) if field.ty.is_aoi() => {
                if !matches!(v.kind, Kind::Null) {
                    aoi_keys.push((field, k, v));
                }
            }
            Some(field) => own.set(sink, field, v),
            None => sink.unknown_key(k, &Block::Entry.names(), "an order"),
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
    let required = Block::Defaults.fields().filter(|field| field.absent == Absent::Required);
    for key in required.filter(|field| f.is_unset(field.key)).map(|field| field.name) {
        sink.error_hint(
            item.pos,
            format!("{label} has no `{key}`"),
            format!("set `{key}` in the order or in `defaults`"),
        );
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
    let area = entry_aoi::parse(sink, item.pos, &label, &aoi_keys, read);
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
        Opt::Unset => Ensure::default(),
        Opt::Bad => return None,
    };
    let protect = opt_bool(f.protect).ok()?.unwrap_or(false);
    let spec = OrderSpec {
        model,
        constellations,
        aoi,
        from,
        to,
        image_frequency,
        reference_date,
        storage_months,
        api_requests,
    };
    let tile_deduplication = spec.tile_deduplication(opt_bool(f.tile_deduplication).ok()?);
    Some(DesiredOrder {
        name,
        ensure,
        protect,
        spec,
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
