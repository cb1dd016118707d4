//! The map as GeoJSON: `plan --format geojson`, `orders --format geojson`, and
//! the ```` ```geojson ```` block of the Markdown plan.
//!
//! Pure, no IO. An RFC 7946 `FeatureCollection` with one `Feature` per
//! [`Area`] (a replace gives two: `side` `old` and `new`), a `Polygon` or
//! `MultiPolygon` geometry in lon/lat with rings by the right-hand rule, and
//! `properties`: `name`, `action`, `side`, `guid`, `status`, `entry`,
//! `currency`, `this_month`, `per_month` (absent when they do not apply) and
//! simplestyle-spec styling (`fill`, `fill-opacity`, `stroke`,
//! `stroke-width`), which GitHub uses to colour its map. One feature per line,
//! so a diff of two maps is readable.

use std::fmt::Write as _;

use serde::Serialize;

use super::map::{Area, Map, simplify, style};

/// Decimal places of coordinates in the full output: about 1 cm.
const FULL_PRECISION: i32 = 7;

/// The whole document, ending with a newline.
pub(super) fn render(map: &Map<'_>) -> String {
    collection(map, FULL_PRECISION)
}

/// The document with coordinates rounded to `precision` decimal places.
fn collection(map: &Map<'_>, precision: i32) -> String {
    let scale = 10f64.powi(precision);
    let mut out = String::from("{\"type\":\"FeatureCollection\",\"features\":[");
    for (i, area) in map.areas.iter().enumerate() {
        out.push_str(if i == 0 { "\n" } else { ",\n" });
        let feature = Feature::new(area, scale);
        // Serializing plain strings and finite numbers cannot fail.
        out.push_str(&super::escape::json::to_string(&feature));
    }
    out.push_str("\n]}\n");
    out
}

/// The Markdown plan's map within `budget` bytes: the full map, else simplified
/// by Douglas–Peucker, else bounding boxes, else a note that it was left out.
/// Empty when nothing can be drawn.
pub(super) fn markdown_block(map: &Map<'_>, budget: usize) -> String {
    let mut undrawn = String::new();
    if !map.undrawn.is_empty() {
        let n = map.undrawn.len();
        let (items, them) = if n == 1 { ("item is", "it") } else { ("items are", "them") };
        let _ = writeln!(
            undrawn,
            "> [!NOTE]\n> {n} {items} not on the map: no geometry is known for {them} (for tiles: \
             the tile search did not describe them).\n"
        );
    }
    if map.areas.is_empty() {
        return undrawn;
    }
    let fenced = |doc: String| format!("```geojson\n{doc}```\n\n{undrawn}");
    let full = fenced(collection(map, 6));
    if full.len() <= budget {
        return full;
    }
    let extent = map.bounds().map_or(1.0, |r| r.width().max(r.height()));
    for (fraction, precision) in [(1e-3, 5), (1e-2, 4)] {
        let doc = fenced(collection(&simplify::simplified(map, extent * fraction), precision));
        if doc.len() <= budget {
            return doc;
        }
    }
    let doc = fenced(collection(&simplify::boxes(map), 4));
    if doc.len() <= budget {
        return doc;
    }
    format!(
        "> [!NOTE]\n> The map of the {} areas was left out: even as bounding boxes it would not fit \
         in this comment. Run `skyform plan --format geojson` (or `--format svg`) to draw it.\n\n{undrawn}",
        map.areas.len()
    )
}

#[derive(Serialize)]
struct Feature<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    properties: Properties<'a>,
    geometry: Geometry,
}

#[derive(Serialize)]
struct Properties<'a> {
    name: &'a str,
    action: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    side: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    guid: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    entry: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    currency: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    this_month: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    per_month: Option<f64>,
    fill: &'static str,
    #[serde(rename = "fill-opacity")]
    fill_opacity: f64,
    stroke: &'static str,
    #[serde(rename = "stroke-width")]
    stroke_width: f64,
}

/// Rings of `[lon, lat]` positions.
type Rings = Vec<Vec<[f64; 2]>>;

#[derive(Serialize)]
#[serde(tag = "type", content = "coordinates")]
enum Geometry {
    Polygon(Rings),
    MultiPolygon(Vec<Rings>),
}

impl<'a> Feature<'a> {
    fn new(area: &'a Area<'a>, scale: f64) -> Self {
        let paint = style::paint(area.action, area.side);
        let finite = |x: f64| x.is_finite().then_some(x);
        let properties = Properties {
            name: area.name,
            action: area.action.as_str(),
            side: area.side.map(super::map::Side::as_str),
            guid: area.guid,
            status: area.status.map(ToString::to_string),
            entry: area.entry,
            currency: area.price.map(|p| p.currency.as_str()),
            this_month: area.price.and_then(|p| finite(p.current_month)),
            per_month: area.price.and_then(|p| finite(p.monthly)),
            fill: paint.fill,
            fill_opacity: paint.fill_opacity,
            stroke: paint.stroke,
            stroke_width: 2.0,
        };
        let round = |x: f64| (x * scale).round() / scale;
        let polygons: Vec<Rings> = area
            .shape
            .0
            .iter()
            .map(|p| {
                std::iter::once(p.exterior())
                    .chain(p.interiors())
                    .map(|r| r.0.iter().map(|c| [round(c.x), round(c.y)]).collect())
                    .collect()
            })
            .collect();
        let geometry = match <[Rings; 1]>::try_from(polygons) {
            Ok([one]) => Geometry::Polygon(one),
            Err(many) => Geometry::MultiPolygon(many),
        };
        Feature { kind: "Feature", properties, geometry }
    }
}

#[cfg(test)]
mod tests;
