//! Tile and minitile footprints for the maps: the cells a plan or a live-order
//! list draws, looked up with the API's tile search.
//!
//! Does IO (the API). Cost: at most **two calls per plan or list**, one
//! `POST /api/tasking/search/tiles` with `TileGuids` for every tile GUID to
//! draw and one with `MiniTileGuids` for every minitile GUID (the search takes
//! one selector per call, contract A5.2); none when nothing is a tile, and none
//! for a cell whose footprint the order list already gave (`{Guid, Wkt}` tile
//! references). GUIDs are opaque on the real service, so they are never decoded
//! locally. A failed search is not an error: the map is drawn without those
//! cells and a warning says why.

use std::collections::{BTreeMap, BTreeSet};

use crate::plan::Plan;
use crate::render::OrderRow;
use clearsky::api::Client;
use clearsky::api::types::{TaskOrder, TileSearchRequest};

/// Tile and minitile GUIDs to look up.
#[derive(Debug, Default)]
struct Wanted {
    tiles: BTreeSet<String>,
    mini_tiles: BTreeSet<String>,
}

/// Fills [`Plan::tile_footprints`] for every tile and minitile the plan names,
/// from the listed orders' tile references first, then from the tile search.
/// Returns a warning per failed search.
pub async fn fill_plan(client: &Client, plan: &mut Plan, live: &[TaskOrder]) -> Vec<String> {
    let mut known = BTreeMap::new();
    for order in live {
        for t in order.tiles.iter().chain(&order.mini_tiles) {
            if let Some(wkt) = &t.wkt {
                known.insert(t.guid.clone(), wkt.clone());
            }
        }
    }
    let mut wanted = Wanted::default();
    for c in &plan.changes {
        if let Some(r) = &c.request {
            wanted.tiles.extend(r.tile_guids.iter().flatten().cloned());
            wanted.mini_tiles.extend(r.mini_tile_guids.iter().flatten().cloned());
        }
        if let Some(l) = &c.live {
            wanted.tiles.extend(l.tiles.iter().cloned());
            wanted.mini_tiles.extend(l.mini_tiles.iter().cloned());
        }
    }
    let warnings = search(client, wanted, &mut known).await;
    plan.tile_footprints = known;
    warnings
}

/// Fills the footprint of every tile reference of `rows` that has none.
/// Returns a warning per failed search.
pub async fn fill_orders(client: &Client, rows: &mut [OrderRow]) -> Vec<String> {
    let mut wanted = Wanted::default();
    for o in rows.iter().map(|r| &r.order) {
        wanted.tiles.extend(o.tiles.iter().filter(|t| t.wkt.is_none()).map(|t| t.guid.clone()));
        let minis = o.mini_tiles.iter().filter(|t| t.wkt.is_none());
        wanted.mini_tiles.extend(minis.map(|t| t.guid.clone()));
    }
    let mut found = BTreeMap::new();
    let warnings = search(client, wanted, &mut found).await;
    for row in rows {
        for t in row.order.tiles.iter_mut().chain(&mut row.order.mini_tiles) {
            if t.wkt.is_none() {
                t.wkt = found.get(&t.guid).cloned();
            }
        }
    }
    warnings
}

/// Looks up every wanted GUID not in `known` (one call per kind) and adds the
/// footprints found to `known`, under the GUID as the caller spelled it.
async fn search(
    client: &Client,
    wanted: Wanted,
    known: &mut BTreeMap<String, String>,
) -> Vec<String> {
    let mut warnings = Vec::new();
    for (mini, guids) in [(false, wanted.tiles), (true, wanted.mini_tiles)] {
        let guids: Vec<String> = guids.into_iter().filter(|g| !known.contains_key(g)).collect();
        if guids.is_empty() {
            continue;
        }
        let request = if mini {
            TileSearchRequest { mini_tile_guids: Some(guids.clone()), ..Default::default() }
        } else {
            TileSearchRequest { tile_guids: Some(guids.clone()), ..Default::default() }
        };
        let kind = if mini { "minitile" } else { "tile" };
        match client.search_tiles(&request).await {
            Ok(found) => {
                let by_guid: BTreeMap<String, String> = found
                    .tiles
                    .into_iter()
                    .filter_map(|t| Some((t.guid.to_ascii_lowercase(), t.data_geog_wkt?)))
                    .collect();
                let before = known.len();
                for g in &guids {
                    if let Some(wkt) = by_guid.get(&g.to_ascii_lowercase()) {
                        known.insert(g.clone(), wkt.clone());
                    }
                }
                let missing = guids.len() - (known.len() - before);
                if missing > 0 {
                    warnings.push(format!(
                        "the tile search described no footprint for {missing} {kind} GUIDs; \
                         the map leaves them out"
                    ));
                }
            }
            Err(e) => warnings
                .push(format!("cannot draw {} {kind}s: the tile search failed: {e}", guids.len())),
        }
    }
    warnings
}
