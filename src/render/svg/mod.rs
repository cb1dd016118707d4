//! The map as a self-contained SVG picture (`plan --format svg`, `orders
//! --format svg`), for places that do not render GeoJSON: GitLab notes, CI
//! artifacts, image viewers.
//!
//! Pure, no IO beyond the writer it is handed. Equirectangular projection with
//! its standard parallel at the middle latitude of the map, fitted to the areas;
//! areas painted by action (the colours of the GeoJSON), drawn bottom-up from
//! unchanged to created; a name above each area when there are few enough to
//! read; a title, a legend and a scale bar. No tiles, fonts or links: nothing is
//! fetched when it is opened.

use std::fmt::Write as _;
use std::io;

use geo::{BoundingRect, LineString, Rect};

use super::escape::xml as escape;
use super::map::{Area, Map, Side, style};
use crate::plan::Action;

const WIDTH: f64 = 960.0;
const MAX_MAP_HEIGHT: f64 = 640.0;
const MARGIN: f64 = 20.0;
const TOP: f64 = 40.0;
const BOTTOM: f64 = 56.0;
/// Above this many areas the names would hide the map; the `<title>` of each
/// area still names it.
const MAX_LABELS: usize = 150;
const FONT: &str = "font-family=\"sans-serif\"";

/// Lon/lat → picture coordinates.
struct Projection {
    west: f64,
    north: f64,
    /// Pixels per degree of latitude.
    scale: f64,
    /// cos of the standard parallel.
    k: f64,
    x0: f64,
}

impl Projection {
    fn fit(bounds: Rect<f64>) -> (Self, f64) {
        let pad = |span: f64| (span * 0.05).max(0.005);
        let (px, py) = (pad(bounds.width()), pad(bounds.height()));
        let (west, east) = (bounds.min().x - px, bounds.max().x + px);
        let (south, north) = (bounds.min().y - py, bounds.max().y + py);
        let k = f64::midpoint(south, north).to_radians().cos().max(0.05);
        let map_w = WIDTH - 2.0 * MARGIN;
        let scale = (map_w / ((east - west) * k)).min(MAX_MAP_HEIGHT / (north - south));
        let x0 = MARGIN + (map_w - (east - west) * k * scale) / 2.0;
        (Self { west, north, scale, k, x0 }, (north - south) * scale)
    }

    fn point(&self, lon: f64, lat: f64) -> (f64, f64) {
        (self.x0 + (lon - self.west) * self.k * self.scale, TOP + (self.north - lat) * self.scale)
    }
}

/// Writes the picture of `map` with `title` (the plan's summary line).
pub(super) fn render(map: &Map<'_>, title: &str, w: &mut dyn io::Write) -> io::Result<()> {
    let Some(bounds) = map.bounds() else {
        let height = TOP + BOTTOM;
        let mut out = header(height, title);
        let _ = writeln!(
            out,
            "<text x=\"{MARGIN}\" y=\"{}\" font-size=\"13\" {FONT}>Nothing to draw.</text>",
            TOP + 16.0
        );
        out.push_str("</svg>\n");
        return w.write_all(out.as_bytes());
    };
    let (proj, map_height) = Projection::fit(bounds);
    let height = (TOP + map_height + BOTTOM).ceil();
    let mut out = header(height, title);
    let mut order: Vec<&Area<'_>> = map.areas.iter().collect();
    order.sort_by_key(|a| style::layer(a.action, a.side));
    for area in &order {
        path(area, &proj, &mut out);
    }
    if map.areas.len() <= MAX_LABELS {
        for area in order.iter().filter(|a| a.side != Some(Side::Old)) {
            label(area, &proj, &mut out);
        }
    }
    scale_bar(&proj, height, &mut out);
    legend(map, height, &mut out);
    out.push_str("</svg>\n");
    w.write_all(out.as_bytes())
}

fn header(height: f64, title: &str) -> String {
    let title = escape(title);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height}\" \
         viewBox=\"0 0 {WIDTH} {height}\">\n<title>{title}</title>\n\
         <rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n\
         <text x=\"{MARGIN}\" y=\"24\" font-size=\"14\" font-weight=\"bold\" {FONT}>{title}</text>"
    );
    out
}

fn path(area: &Area<'_>, proj: &Projection, out: &mut String) {
    let paint = style::paint(area.action, area.side);
    let mut d = String::new();
    for polygon in &area.shape.0 {
        for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
            ring_path(ring, proj, &mut d);
        }
    }
    let side = area.side.map_or(String::new(), |s| format!(", {}", s.as_str()));
    let _ = writeln!(
        out,
        "<path d=\"{d}\" fill=\"{}\" fill-opacity=\"{}\" stroke=\"{}\" stroke-width=\"1.5\" \
         fill-rule=\"evenodd\"><title>{} ({}{side})</title></path>",
        paint.fill,
        paint.fill_opacity,
        paint.stroke,
        escape(area.name),
        area.action
    );
}

fn ring_path(ring: &LineString<f64>, proj: &Projection, d: &mut String) {
    for (i, c) in ring.0.iter().enumerate() {
        let (x, y) = proj.point(c.x, c.y);
        let _ = write!(d, "{}{x:.1},{y:.1}", if i == 0 { "M" } else { "L" });
    }
    d.push('Z');
}

/// The name, centred just above the area, so the area's middle stays visible.
fn label(area: &Area<'_>, proj: &Projection, out: &mut String) {
    let Some(r) = area.shape.bounding_rect() else { return };
    let (x, _) = proj.point(r.center().x, r.max().y);
    let (_, top) = proj.point(r.min().x, r.max().y);
    let y = (top - 4.0).max(TOP + 10.0);
    let _ = writeln!(
        out,
        "<text x=\"{x:.1}\" y=\"{y:.1}\" font-size=\"11\" text-anchor=\"middle\" {FONT} \
         stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\">{}</text>",
        escape(area.name)
    );
}

/// A bar of a round number of kilometres, at most 160 px, bottom left.
fn scale_bar(proj: &Projection, height: f64, out: &mut String) {
    let km_per_px = 111.32 / proj.scale;
    let max_km = 160.0 * km_per_px;
    let magnitude = 10f64.powf(max_km.log10().floor());
    let km =
        [5.0, 2.0, 1.0].iter().map(|m| m * magnitude).find(|km| *km <= max_km).unwrap_or(magnitude);
    let px = km / km_per_px;
    let (x, y) = (MARGIN, height - 18.0);
    let text = if km >= 1.0 { format!("{km} km") } else { format!("{} m", km * 1000.0) };
    let _ = writeln!(
        out,
        "<path d=\"M{x},{:.1}V{y}H{:.1}V{:.1}\" fill=\"none\" stroke=\"#24292f\" stroke-width=\"1.5\"/>\n\
         <text x=\"{x}\" y=\"{:.1}\" font-size=\"11\" {FONT}>{text}</text>",
        y - 5.0,
        x + px,
        y - 5.0,
        y - 9.0
    );
}

/// A swatch and a count per action on the map.
fn legend(map: &Map<'_>, height: f64, out: &mut String) {
    let mut x = MARGIN + 200.0;
    let y = height - 30.0;
    for action in Action::ALL {
        let n =
            map.areas.iter().filter(|a| a.action == action && a.side != Some(Side::Old)).count();
        if n == 0 {
            continue;
        }
        let paint = style::paint(action, None);
        let _ = writeln!(
            out,
            "<rect x=\"{x}\" y=\"{y}\" width=\"12\" height=\"12\" fill=\"{}\" fill-opacity=\"{}\" \
             stroke=\"{}\"/>\n<text x=\"{}\" y=\"{}\" font-size=\"11\" {FONT}>{action} ({n})</text>",
            paint.fill,
            paint.fill_opacity,
            paint.stroke,
            x + 16.0,
            y + 10.0
        );
        x += 110.0;
    }
}

#[cfg(test)]
mod tests;
