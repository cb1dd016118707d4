//! Benchmarks of the map outputs: `plan --format geojson` and `--format svg`
//! of a plan of 10,000 changes (creates, replaces, cancels, unmanaged orders),
//! with the output size reported as a byte counter.

use chrono::{NaiveDate, TimeZone, Utc};
use clearsky::api::types::{OrderRequest, OrderStatus};
use skyform::plan::{Action, Change, Cost, LiveOrderSummary, Plan, Price};
use skyform::render::{self, Format, RenderOptions};

fn main() {
    divan::main();
}

/// A small pentagon at grid position `i`.
fn wkt(i: usize) -> String {
    #[allow(clippy::cast_precision_loss)]
    let (x, y) = (-170.0 + (i % 300) as f64 * 1.1, -60.0 + (i / 300) as f64 * 1.1);
    format!(
        "POLYGON(({x} {y},{} {y},{} {},{} {},{x} {},{x} {y}))",
        x + 0.5,
        x + 0.6,
        y + 0.2,
        x + 0.25,
        y + 0.4,
        y + 0.3
    )
}

fn live(i: usize) -> LiveOrderSummary {
    LiveOrderSummary {
        guid: format!("{i:08x}-0000-4000-8000-000000000000"),
        status: OrderStatus::UpToDate,
        model: "Stratus2".into(),
        from: NaiveDate::from_ymd_opt(2025, 4, 1).unwrap(),
        to: None,
        area_km2: 100.0,
        digest: String::new(),
        wkt: Some(wkt(i)),
        tiles: Vec::new(),
        mini_tiles: Vec::new(),
    }
}

fn plan(n: usize) -> Plan {
    let changes = (0..n)
        .map(|i| {
            let action =
                [Action::Create, Action::Replace, Action::Cancel, Action::Unmanaged][i % 4];
            let mut c = Change::new(Some(format!("area-{i}")), action);
            if matches!(action, Action::Create | Action::Replace) {
                c.request = Some(OrderRequest { wkt: Some(wkt(i)), ..OrderRequest::default() });
                c.cost = Cost::Priced(Price {
                    currency: "EUR".into(),
                    current_month: 12.5,
                    monthly: 30.0,
                    area_km2: 100.0,
                    image_dates: 10,
                });
            }
            if action != Action::Create {
                c.live = Some(live(i));
            }
            c
        })
        .collect();
    Plan { prune: true, ..Plan::new(Utc.with_ymd_and_hms(2025, 6, 14, 9, 30, 0).unwrap(), changes) }
}

fn render_bench(bencher: divan::Bencher, n: usize, format: Format) {
    let plan = plan(n);
    let size = {
        let mut out = Vec::new();
        render::plan(&plan, format, &RenderOptions::default(), &mut out).unwrap();
        out.len()
    };
    bencher.counter(divan::counter::BytesCount::new(size)).bench(|| {
        let mut out = Vec::with_capacity(size);
        render::plan(&plan, format, &RenderOptions::default(), &mut out).unwrap();
        out
    });
}

#[divan::bench(args = [10_000], sample_count = 10)]
fn geojson(bencher: divan::Bencher, n: usize) {
    render_bench(bencher, n, Format::Geojson);
}

#[divan::bench(args = [10_000], sample_count = 10)]
fn svg(bencher: divan::Bencher, n: usize) {
    render_bench(bencher, n, Format::Svg);
}

#[divan::bench(args = [10_000], sample_count = 10)]
fn markdown_with_map(bencher: divan::Bencher, n: usize) {
    render_bench(bencher, n, Format::Markdown);
}
