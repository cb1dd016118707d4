//! Builders shared by the unit tests of every module: dates, AOIs, order
//! specs, manifest entries and live orders as the server lists them.
//!
//! Test-only (`#[cfg(test)]`); no IO.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use uuid::Uuid;

use crate::spec::{Aoi, DesiredOrder, Ensure, OrderSpec, Source};
use clearsky::api::types::{OrderStatus, TaskOrder, TileRef};

/// Parses `YYYY-MM-DD`.
pub(crate) fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// A polygon AOI from WKT.
pub(crate) fn wkt_aoi(text: &str) -> Aoi {
    Aoi::Polygons(clearsky::aoi::to_multipolygons(&clearsky::aoi::from_wkt(text).unwrap()))
}

/// A recurring Stratus-2 spec from April 2025 with `aoi`.
pub(crate) fn spec(aoi: Aoi) -> OrderSpec {
    OrderSpec {
        model: "Stratus2".into(),
        constellations: ["Sentinel1", "Sentinel2", "Landsat89"].map(String::from).into(),
        aoi,
        from: day("2025-04-01"),
        to: None,
        image_frequency: 3,
        reference_date: day("2025-01-01"),
        storage_months: 1,
        api_requests: 1,
    }
}

/// A present manifest entry named `name`.
pub(crate) fn entry(name: &str, spec: OrderSpec) -> DesiredOrder {
    DesiredOrder {
        name: name.into(),
        ensure: Ensure::Present,
        protect: false,
        tile_deduplication: spec.tile_deduplication(None),
        spec,
        source: Source { file: "orders.yaml".into(), line: 1, column: 1 },
    }
}

/// A live order as the server would list it for `spec`, with `wkt` as its stored AOI.
pub(crate) fn order(guid: &str, status: &str, spec: &OrderSpec, wkt: Option<&str>) -> TaskOrder {
    let refs =
        |s: &BTreeSet<Uuid>| s.iter().map(|g| TileRef { guid: g.to_string(), wkt: None }).collect();
    let (tiles, mini_tiles) = match &spec.aoi {
        Aoi::Tiles { tiles, minitiles } => (refs(tiles), refs(minitiles)),
        Aoi::Polygons(_) => (Vec::new(), Vec::new()),
    };
    TaskOrder {
        task_order_guid: guid.into(),
        billing_cycle: Some("Monthly".into()),
        ordering_process_status: OrderStatus::parse(status),
        storage_months: i64::from(spec.storage_months),
        api_requests: i64::from(spec.api_requests),
        task_order_area_km2: 10.0,
        satellite_constellations: spec.constellations.iter().cloned().collect(),
        model: spec.model.clone(),
        image_frequency: i64::from(spec.image_frequency),
        reference_date: Some(spec.reference_date),
        from: spec.from,
        to: spec.to,
        tiles,
        mini_tiles,
        wkt: wkt.map(str::to_owned),
        created_date: None,
    }
}

/// A tile AOI from small numbers standing for GUIDs.
pub(crate) fn tiles(tiles: &[u128], minitiles: &[u128]) -> Aoi {
    Aoi::Tiles {
        tiles: tiles.iter().map(|&n| Uuid::from_u128(n)).collect(),
        minitiles: minitiles.iter().map(|&n| Uuid::from_u128(n)).collect(),
    }
}

/// The manifests at a base revision holding `orders` (commit `c0ffee…`).
pub(crate) fn base(orders: Vec<DesiredOrder>) -> crate::spec::Base {
    crate::spec::Base { commit: format!("c0ffee{}", "0".repeat(34)), orders }
}

/// Diff options at 2025-06-10 12:00 UTC, with `--prune` and `--target` as given.
pub(crate) fn diff_options(prune: bool, targets: &[&str]) -> crate::plan::DiffOptions {
    use chrono::TimeZone;
    crate::plan::DiffOptions {
        prune,
        targets: targets.iter().map(|s| (*s).to_owned()).collect(),
        max_cost: None,
        now: chrono::Utc.with_ymd_and_hms(2025, 6, 10, 12, 0, 0).unwrap(),
    }
}

/// A manifest of one polygon entry `a`, recurring from April 2025.
pub(crate) const ONE_ENTRY_MANIFEST: &str = "orders:
  - name: a
    Model: Stratus2
    SatelliteConstellations: [Sentinel1, Sentinel2, Landsat89]
    StorageMonths: 1
    ApiRequests: 1
    ImageFrequency: 3
    Wkt: POLYGON((9.0 56.0,9.05 56.0,9.05 56.05,9.0 56.05,9.0 56.0))
    From: 2025-04-01
";

/// Writes `text` to `dir/o.yaml` and loads it (it must be valid).
pub(crate) fn load_manifest(dir: &std::path::Path, text: &str) -> crate::spec::DesiredSet {
    let path = dir.join("o.yaml");
    std::fs::write(&path, text).unwrap();
    crate::manifest::load(&[path]).expect("a valid manifest")
}
