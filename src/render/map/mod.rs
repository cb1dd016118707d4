//! The map of a plan or of the live-order list: one [`Area`] per drawable item,
//! its geometry in lon/lat (EPSG:4326) and the action that colours it. The
//! GeoJSON, SVG and Markdown renderers all draw this one list, so they never
//! disagree about what is shown.
//!
//! Pure, no IO. Geometry comes from the value rendered and nothing else: a
//! request's or a live order's `Wkt` or `GeoJson`, split by [`clearsky::aoi`], and
//! tile and minitile cells from their footprints ([`Plan::tile_footprints`], or
//! the footprint a listed order's tile reference carries). Rings follow the
//! right-hand rule of RFC 7946 (exterior counter-clockwise, holes clockwise);
//! rings with fewer than four positions or a non-finite coordinate are dropped.

#[cfg(test)]
pub(super) mod fixtures;
pub(super) mod simplify;
pub(super) mod style;

use geo::orient::{Direction, Orient};
use geo::{LineString, MultiPolygon, Polygon, Rect};

use super::{OrderRow, RenderOptions, display_name};
use crate::plan::{Action, Change, Cost, LiveOrderSummary, Plan, Price};
use clearsky::aoi;
use clearsky::api::types::{OrderRequest, OrderStatus};

/// Everything a map shows.
#[derive(Debug, Clone)]
pub(super) struct Map<'a> {
    /// The drawable items, in plan (or list) order.
    pub areas: Vec<Area<'a>>,
    /// Names of items that have an area but none could be drawn (a tile whose
    /// footprint is unknown, a geometry that does not parse).
    pub undrawn: Vec<&'a str>,
}

/// Which half of a replace an area is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Side {
    /// The live order being replaced.
    Old,
    /// The order about to be placed.
    New,
}

impl Side {
    /// `old` or `new`.
    pub(in crate::render) fn as_str(self) -> &'static str {
        match self {
            Side::Old => "old",
            Side::New => "new",
        }
    }
}

/// One drawable item.
#[derive(Debug, Clone)]
pub(super) struct Area<'a> {
    /// The entry's name, else the live order's GUID.
    pub name: &'a str,
    /// What happens to it (`keep` or `unmanaged` for a listed order).
    pub action: Action,
    /// For a replace: which half.
    pub side: Option<Side>,
    /// The live order's GUID, when there is one.
    pub guid: Option<&'a str>,
    /// The live order's status, when there is one.
    pub status: Option<&'a OrderStatus>,
    /// The matching entry (live-order list only).
    pub entry: Option<&'a str>,
    /// The price of the create (creates and the new half of replaces).
    pub price: Option<&'a Price>,
    /// The polygons, oriented by the right-hand rule.
    pub shape: MultiPolygon<f64>,
}

impl<'a> Map<'a> {
    /// The map of a plan: creates, both halves of replaces, cancels, blocked
    /// cancels and unmanaged orders; unchanged entries only with `detailed`.
    pub(in crate::render) fn of_plan(plan: &'a Plan, opts: RenderOptions) -> Self {
        let cell = |guid: &str| plan.tile_footprints.get(guid).map(String::as_str);
        let mut map = Map { areas: Vec::new(), undrawn: Vec::new() };
        for change in &plan.changes {
            if change.action == Action::Keep && !opts.detailed {
                continue;
            }
            let before = map.areas.len();
            let request = change.request.as_ref().filter(|_| change.action.is_change());
            let live = change.live.as_ref().filter(|_| change.action != Action::Create);
            if let Some(live) = live {
                let side = (change.action == Action::Replace).then_some(Side::Old);
                map.push(area(change, live_shape(live, &cell), side, Some(live), None));
            }
            if let Some(req) = request.filter(|_| change.action != Action::Cancel) {
                let side = (change.action == Action::Replace).then_some(Side::New);
                let price = match &change.cost {
                    Cost::Priced(p) => Some(p),
                    _ => None,
                };
                map.push(area(change, request_shape(req, &cell), side, None, price));
            }
            if map.areas.len() == before && (live.is_some() || request.is_some()) {
                map.undrawn.push(display_name(change));
            }
        }
        map
    }

    /// The map of `skyform orders`: every listed order, `keep` when it matches
    /// an entry and `unmanaged` otherwise.
    pub(in crate::render) fn of_orders(rows: &'a [OrderRow]) -> Self {
        let mut map = Map { areas: Vec::new(), undrawn: Vec::new() };
        for row in rows {
            let o = &row.order;
            let cells = o.tiles.iter().chain(&o.mini_tiles).map(|t| t.wkt.as_deref());
            let shape = shape(o.wkt.as_deref(), None, cells);
            let name = row.entry.as_deref().unwrap_or(&o.task_order_guid);
            if shape.0.is_empty() {
                map.undrawn.push(name);
                continue;
            }
            map.areas.push(Area {
                name,
                action: if row.entry.is_some() { Action::Keep } else { Action::Unmanaged },
                side: None,
                guid: Some(&o.task_order_guid),
                status: Some(&o.ordering_process_status),
                entry: row.entry.as_deref(),
                price: None,
                shape,
            });
        }
        map
    }

    fn push(&mut self, area: Area<'a>) {
        if !area.shape.0.is_empty() {
            self.areas.push(area);
        }
    }

    /// The lon/lat box around every area; `None` for an empty map.
    pub(in crate::render) fn bounds(&self) -> Option<Rect<f64>> {
        let mut it = self.areas.iter().filter_map(|a| geo::BoundingRect::bounding_rect(&a.shape));
        let first = it.next()?;
        Some(it.fold(first, |acc, r| {
            Rect::new(
                geo::coord! { x: acc.min().x.min(r.min().x), y: acc.min().y.min(r.min().y) },
                geo::coord! { x: acc.max().x.max(r.max().x), y: acc.max().y.max(r.max().y) },
            )
        }))
    }
}

fn area<'a>(
    change: &'a Change,
    shape: MultiPolygon<f64>,
    side: Option<Side>,
    live: Option<&'a LiveOrderSummary>,
    price: Option<&'a Price>,
) -> Area<'a> {
    Area {
        name: display_name(change),
        action: change.action,
        side,
        guid: live.map(|l| l.guid.as_str()),
        status: live.map(|l| &l.status),
        entry: None,
        price,
        shape,
    }
}

fn live_shape<'p>(
    live: &'p LiveOrderSummary,
    cell: &impl Fn(&str) -> Option<&'p str>,
) -> MultiPolygon<f64> {
    let cells = live.tiles.iter().chain(&live.mini_tiles).map(|g| cell(g));
    shape(live.wkt.as_deref(), None, cells)
}

fn request_shape<'p>(
    req: &'p OrderRequest,
    cell: &impl Fn(&str) -> Option<&'p str>,
) -> MultiPolygon<f64> {
    let guids = req.tile_guids.iter().chain(&req.mini_tile_guids).flatten();
    shape(req.wkt.as_deref(), req.geo_json.as_ref(), guids.map(|g| cell(g)))
}

/// The polygons of an AOI given as WKT, GeoJSON or cell footprints (WKT each;
/// `None` for a cell whose footprint is unknown, which is skipped).
fn shape<'c>(
    wkt: Option<&str>,
    geo_json: Option<&serde_json::Value>,
    cells: impl Iterator<Item = Option<&'c str>>,
) -> MultiPolygon<f64> {
    let mut parts = Vec::new();
    if let Some(Ok(p)) = wkt.map(aoi::from_wkt) {
        parts.extend(p);
    }
    if let Some(Ok(p)) = geo_json.map(|v| aoi::from_geojson(v.clone())) {
        parts.extend(p);
    }
    for footprint in cells.flatten() {
        if let Ok(p) = aoi::from_wkt(footprint) {
            parts.extend(p);
        }
    }
    let polygons = aoi::to_multipolygons(&parts).into_iter().flat_map(|mp| mp.0);
    MultiPolygon(polygons.filter_map(drawable).collect())
}

/// The polygon oriented by the right-hand rule, without degenerate or
/// non-finite rings; `None` when its exterior is one of those.
fn drawable(p: Polygon<f64>) -> Option<Polygon<f64>> {
    let ok = |r: &LineString<f64>| {
        r.0.len() >= 4 && r.0.iter().all(|c| c.x.is_finite() && c.y.is_finite())
    };
    if !ok(p.exterior()) {
        return None;
    }
    let (exterior, interiors) = p.into_inner();
    let holes = interiors.into_iter().filter(ok).collect();
    Some(Polygon::new(exterior, holes).orient(Direction::Default))
}

#[cfg(test)]
mod tests;
