//! Requests per second the emulator serves on loopback, without injected latency:
//! `GET /api/tasking/orders` (20 stored orders) and `POST /api/tasking/orders/estimate`
//! (the docs' three-box collection). One request in flight at a time, keep-alive on.

use std::sync::LazyLock;

use clearsky_emulator::{self as emulator, Config, Handle};
use divan::counter::ItemsCount;
use serde_json::json;

fn main() {
    divan::main();
}

struct Bench {
    handle: Handle,
    http: reqwest::Client,
    runtime: tokio::runtime::Runtime,
    estimate: serde_json::Value,
}

static BENCH: LazyLock<Bench> = LazyLock::new(|| {
    let handle =
        emulator::spawn(Config { balance_eur: 1.0e9, ..Config::default() }).expect("spawn");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let http = reqwest::Client::new();
    let estimate = json!({
        "Wkt": "GEOMETRYCOLLECTION (POLYGON ((8.675127 55.962046, 8.675127 55.963407, 8.679411 55.963407, 8.679411 55.962046, 8.675127 55.962046)), POLYGON ((8.472053 56.105382, 8.472053 56.337398, 8.948552 56.337398, 8.948552 56.105382, 8.472053 56.105382)), POLYGON ((8.678 55.948533, 8.678 56.068376, 8.878589 56.068376, 8.878589 55.948533, 8.678 55.948533)))",
        "SatelliteConstellations": ["Sentinel1", "Sentinel2", "Landsat89"], "Model": "Stratus2",
        "StorageMonths": 2, "ApiRequests": 2, "ImageFrequency": 2, "ReferenceDate": "2025-01-01",
        "From": "2025-04-01", "To": null,
    });
    let b = Bench { handle, http, runtime, estimate };
    for _ in 0..20 {
        b.call(reqwest::Method::POST, "/api/tasking/orders", Some(&b.estimate));
    }
    b
});

impl Bench {
    fn call(&self, method: reqwest::Method, path: &str, body: Option<&serde_json::Value>) {
        self.runtime.block_on(async {
            let mut req = self
                .http
                .request(method, format!("{}{path}", self.handle.url()))
                .header("x-api-key", self.handle.key());
            if let Some(b) = body {
                req = req.json(b);
            }
            let resp = req.send().await.expect("send");
            assert!(resp.status().is_success());
            resp.bytes().await.expect("body");
        });
    }
}

#[divan::bench(sample_count = 200, sample_size = 20)]
fn list_orders(bencher: divan::Bencher<'_, '_>) {
    let b = &*BENCH;
    bencher
        .counter(ItemsCount::new(1usize))
        .bench(|| b.call(reqwest::Method::GET, "/api/tasking/orders", None));
}

#[divan::bench(sample_count = 200, sample_size = 20)]
fn estimate(bencher: divan::Bencher<'_, '_>) {
    let b = &*BENCH;
    bencher
        .counter(ItemsCount::new(1usize))
        .bench(|| b.call(reqwest::Method::POST, "/api/tasking/orders/estimate", Some(&b.estimate)));
}
