//! Benchmarks of the pure planning core: `diff` over many orders that all match.

use chrono::{NaiveDate, TimeZone, Utc};
use clearsky::api::types::{OrderStatus, TaskOrder};
use geo::{MultiPolygon, polygon};
use skyform::plan::{DiffOptions, diff};
use skyform::spec::{Aoi, DesiredOrder, DesiredSet, Ensure, OrderSpec, Source};

fn main() {
    divan::main();
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// `n` entries, each a small triangle on its own spot, and for each a live order
/// with the bounding-box `Wkt` the server stores, listed in reverse order.
fn fixture(n: usize) -> (DesiredSet, Vec<TaskOrder>) {
    let mut orders = Vec::with_capacity(n);
    let mut live = Vec::with_capacity(n);
    for i in 0..n {
        #[allow(clippy::cast_precision_loss)]
        let (x, y) = (-170.0 + (i % 300) as f64 * 1.1, -60.0 + (i / 300) as f64 * 1.1);
        let p = polygon![(x: x, y: y), (x: x + 0.5, y: y), (x: x + 0.25, y: y + 0.4), (x: x, y: y)];
        let spec = OrderSpec {
            model: "Stratus2".into(),
            constellations: ["Sentinel1", "Sentinel2", "Landsat89"].map(String::from).into(),
            aoi: Aoi::Polygons(vec![MultiPolygon(vec![p])]),
            from: day(2025, 4, 1),
            to: None,
            image_frequency: 3,
            reference_date: day(2025, 1, 1),
            storage_months: 1,
            api_requests: 1,
        };
        live.push(TaskOrder {
            task_order_guid: format!("{i:08x}-0000-4000-8000-000000000000"),
            billing_cycle: Some("Monthly".into()),
            ordering_process_status: OrderStatus::UpToDate,
            storage_months: 1,
            api_requests: 1,
            task_order_area_km2: 100.0,
            satellite_constellations: vec![
                "Landsat89".into(),
                "Sentinel1".into(),
                "Sentinel2".into(),
            ],
            model: "stratus2".into(),
            image_frequency: 3,
            reference_date: Some(day(2025, 1, 1)),
            from: day(2025, 4, 1),
            to: None,
            tiles: Vec::new(),
            mini_tiles: Vec::new(),
            wkt: Some(format!(
                "GEOMETRYCOLLECTION (POLYGON (({x} {y}, {x2} {y}, {x2} {y2}, {x} {y2}, {x} {y})))",
                x2 = x + 0.5,
                y2 = y + 0.4
            )),
            created_date: None,
        });
        orders.push(DesiredOrder {
            name: format!("aoi-{i}"),
            ensure: Ensure::Present,
            protect: false,
            spec,
            tile_deduplication: None,
            source: Source { file: "orders.yaml".into(), line: i + 1, column: 3 },
        });
    }
    live.reverse();
    (DesiredSet { orders, ..DesiredSet::default() }, live)
}

#[divan::bench(args = [1_000, 10_000], sample_count = 10)]
fn diff_all_matching(bencher: divan::Bencher, n: usize) {
    let (desired, live) = fixture(n);
    let opts = DiffOptions {
        prune: false,
        targets: Vec::new(),
        max_cost: None,
        now: Utc.with_ymd_and_hms(2025, 6, 10, 12, 0, 0).unwrap(),
    };
    bencher.bench_local(|| {
        let plan = diff(&desired, &live, &opts);
        assert!(!plan.has_changes() && plan.changes.len() == n);
        plan
    });
}
