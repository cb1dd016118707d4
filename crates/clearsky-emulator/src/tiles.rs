//! Tile search and tile coverage of the emulator (contract A5.2, A9, A12 and
//! part B items 5 and 13), built on the deterministic grid of [`clearsky::grid`].
//!
//! Pure, no IO. A search by geometry returns every tile whose footprint
//! intersects the AOI; a search by GUID decodes the GUID (grid GUIDs describe
//! their own cell, so no table is kept). Assumptions: `Epsg` is the UTM zone of
//! the cell's centre (`326xx` north, `327xx` south, without the Norway and
//! Svalbard exceptions); `DataGeogWkt` is the cell's full lon/lat footprint
//! (the real service trims no-data areas); cells never overlap, unlike the real
//! grid in UTM transition zones.

use std::collections::BTreeSet;

use geo::{Intersects, MultiPolygon, Polygon};
use sha2::Digest as _;
use uuid::Uuid;

use clearsky::api::types::TileInfo;
use clearsky::area::polygon_wkt;
use clearsky::grid::{Cell, col_width_deg, row_height_deg};

/// Returns every tile intersecting the AOI, sorted by row then column.
#[allow(clippy::cast_possible_truncation)]
pub fn search_geometry(parts: &[MultiPolygon<f64>]) -> Vec<TileInfo> {
    let mut cells = BTreeSet::new();
    for polygon in parts.iter().flat_map(|mp| &mp.0) {
        let Some(bbox) = geo::BoundingRect::bounding_rect(polygon) else { continue };
        let (min, max) = (bbox.min(), bbox.max());
        let h = row_height_deg();
        let (row0, row1) = ((min.y / h).floor() as i32, (max.y / h).floor() as i32);
        for row in row0..=row1 {
            let w = col_width_deg(row);
            let (col0, col1) = ((min.x / w).floor() as i32, (max.x / w).floor() as i32);
            for col in col0..=col1 {
                let cell = Cell { row, col, sub: None };
                if cell.bounds().to_polygon().intersects(polygon) {
                    cells.insert(cell);
                }
            }
        }
    }
    cells.into_iter().map(info).collect()
}

/// Describes the tile or minitile with this GUID; `None` for a GUID not on the grid.
pub fn describe(guid: &str) -> Option<TileInfo> {
    cell_of(guid).map(info)
}

/// Describes a tile (`mini` false) or minitile GUID as search and create
/// take it: a grid GUID as [`describe`] (of the kind asked for), and any other
/// well-formed GUID, such as the real service's (`c3528462-…` in the docs),
/// as itself placed on a stand-in cell chosen from a hash of the GUID.
///
/// The real grid is not published, so a real GUID's footprint is the
/// emulator's invention (an assumption): deterministic, on land-ish
/// latitudes, and the right size (2621.44 km² or 10.24 km²). What a plan
/// needs, the GUID as ordered and its area, is right.
pub fn describe_as(guid: &str, mini: bool) -> Option<TileInfo> {
    let uuid = Uuid::parse_str(guid.trim()).ok()?;
    if let Some(cell) = Cell::from_guid(uuid) {
        return Some(info(cell)).filter(|t| t.mini_tile == mini);
    }
    let hash = sha2::Sha256::digest(uuid.as_bytes());
    let lat = -50.0 + f64::from(u16::from_be_bytes([hash[0], hash[1]]) % 11_000) / 100.0;
    let lon = -180.0 + f64::from(u16::from_be_bytes([hash[2], hash[3]]) % 36_000) / 100.0;
    let tile = Cell::tile_at(lon, lat);
    let n = clearsky::grid::MINITILES_PER_SIDE;
    let cell = if mini { Cell { sub: Some((hash[4] % n, hash[5] % n)), ..tile } } else { tile };
    Some(TileInfo { guid: uuid.hyphenated().to_string(), ..info(cell) })
}

/// Lists the 256 minitiles of a tile; `None` unless `tile_guid` is a tile's GUID.
pub fn minitiles_of(tile_guid: &str) -> Option<Vec<TileInfo>> {
    let tile = cell_of(tile_guid).filter(|c| !c.is_minitile())?;
    Some(tile.minitiles().map(info).collect())
}

/// Returns the footprint polygon of a tile or minitile GUID.
pub fn footprint(guid: Uuid) -> Option<Polygon<f64>> {
    Cell::from_guid(guid).map(|c| c.bounds().to_polygon())
}

fn cell_of(guid: &str) -> Option<Cell> {
    Uuid::parse_str(guid.trim()).ok().and_then(Cell::from_guid)
}

fn info(cell: Cell) -> TileInfo {
    let footprint = cell.bounds().to_polygon();
    let centre = cell.bounds().center();
    TileInfo {
        guid: cell.guid().hyphenated().to_string(),
        mini_tile: cell.is_minitile(),
        epsg: utm_epsg(centre.x, centre.y).to_string(),
        data_geog_wkt: Some(polygon_wkt(&footprint)),
    }
}

/// Returns the EPSG code of the WGS84 UTM zone containing a lon/lat point.
#[allow(clippy::cast_possible_truncation)]
pub fn utm_epsg(lon: f64, lat: f64) -> u32 {
    let zone = (((lon + 180.0) / 6.0).floor() as i64).rem_euclid(60) + 1;
    let base = if lat >= 0.0 { 32_600 } else { 32_700 };
    base + u32::try_from(zone).unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clearsky::area::parse_aoi;
    use wkt::TryFromWkt;

    const AARHUS: &str = "POLYGON((9.87 56.47,10.19 56.47,10.19 56.28,9.87 56.28,9.87 56.47))";

    fn guid(info: &TileInfo) -> Uuid {
        info.guid.parse().unwrap()
    }

    #[test]
    fn aarhus_tiles_are_found_and_all_intersect_it() {
        let parts = parse_aoi(Some(AARHUS), None).unwrap();
        let tiles = search_geometry(&parts);
        assert!(!tiles.is_empty());
        let aoi = &parts[0];
        for t in &tiles {
            assert!(!t.mini_tile);
            assert_eq!(t.epsg, "32632", "Aarhus lies in UTM zone 32N");
            let wkt = t.data_geog_wkt.as_deref().unwrap();
            let poly = Polygon::<f64>::try_from_wkt_str(wkt).unwrap();
            assert!(poly.intersects(aoi), "{} does not touch the AOI", t.guid);
            assert_eq!(describe(&t.guid).as_ref(), Some(t));
        }
        // Every corner of the AOI lies in a returned tile.
        let found: BTreeSet<Uuid> = tiles.iter().map(guid).collect();
        for (x, y) in [(9.87, 56.47), (10.19, 56.47), (10.19, 56.28), (9.87, 56.28)] {
            assert!(found.contains(&Cell::tile_at(x, y).guid()), "corner {x} {y}");
        }
        // Sorted and distinct.
        let cells: Vec<Cell> = tiles.iter().map(|t| Cell::from_guid(guid(t)).unwrap()).collect();
        assert!(cells.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn tiles_far_from_the_aoi_are_not_returned() {
        let parts = parse_aoi(Some(AARHUS), None).unwrap();
        let found: BTreeSet<Uuid> = search_geometry(&parts).iter().map(guid).collect();
        let copenhagen = Cell::tile_at(12.57, 55.68).guid();
        assert!(!found.contains(&copenhagen));
        // A triangle whose bounding box touches more tiles than the shape itself.
        let tri =
            parse_aoi(Some("POLYGON((9.0 56.0, 10.9 56.0, 9.0 56.9, 9.0 56.0))"), None).unwrap();
        let tiles = search_geometry(&tri);
        let far_corner = Cell::tile_at(10.85, 56.85).guid();
        assert!(!tiles.iter().any(|t| guid(t) == far_corner));
        assert!(tiles.iter().any(|t| guid(t) == Cell::tile_at(9.01, 56.01).guid()));
    }

    #[test]
    fn minitiles_are_256_distinct_minitiles_of_their_tile() {
        let tile = Cell::tile_at(10.0, 56.4);
        let minis = minitiles_of(&tile.guid().to_string()).unwrap();
        assert_eq!(minis.len(), 256);
        let guids: BTreeSet<Uuid> = minis.iter().map(guid).collect();
        assert_eq!(guids.len(), 256);
        for m in &minis {
            assert!(m.mini_tile);
            assert_eq!(Cell::from_guid(guid(m)).unwrap().tile(), tile);
        }
    }

    #[test]
    fn guids_are_looked_up_case_insensitively_and_foreign_ones_rejected() {
        let tile = Cell::tile_at(10.0, 56.4);
        let upper = tile.guid().to_string().to_uppercase();
        let info = describe(&upper).unwrap();
        assert_eq!(info.guid, tile.guid().to_string());
        assert!(!info.mini_tile);
        let mini = tile.minitiles().nth(17).unwrap().guid().to_string();
        assert!(describe(&mini).unwrap().mini_tile);
        assert!(minitiles_of(&mini).is_none());
        assert!(describe("c3528462-02fc-4301-bb37-8d226b45f149").is_none());
        assert!(describe("not-a-guid").is_none());
        assert!(minitiles_of("c3528462-02fc-4301-bb37-8d226b45f149").is_none());
    }

    #[test]
    fn real_guids_stand_in_on_a_deterministic_cell_and_keep_their_guid() {
        let docs_tile = "C3528462-02FC-4301-BB37-8D226B45F149";
        let t = describe_as(docs_tile, false).unwrap();
        assert_eq!(t.guid, docs_tile.to_ascii_lowercase());
        assert!(!t.mini_tile);
        assert_eq!(describe_as(docs_tile, false), Some(t.clone()), "deterministic");
        let m = describe_as("0194d140-faa6-7b7a-a382-2d40abff0f9a", true).unwrap();
        assert!(m.mini_tile && m.guid == "0194d140-faa6-7b7a-a382-2d40abff0f9a");
        assert_ne!(m.data_geog_wkt, t.data_geog_wkt);
        assert_eq!(describe_as("not-a-guid", false), None);
        let grid_mini = Cell::tile_at(10.0, 56.0).minitiles().next().unwrap().guid().to_string();
        assert_eq!(describe_as(&grid_mini, false), None, "a grid minitile is not a tile");
        assert!(describe_as(&grid_mini, true).is_some());
    }

    #[test]
    fn utm_zones_follow_longitude_and_hemisphere() {
        assert_eq!(utm_epsg(10.0, 56.4), 32632);
        assert_eq!(utm_epsg(-0.1, 51.5), 32630);
        assert_eq!(utm_epsg(151.2, -33.9), 32756);
        assert_eq!(utm_epsg(-180.0, 0.0), 32601);
        assert_eq!(utm_epsg(180.0, -1.0), 32701);
    }
}
