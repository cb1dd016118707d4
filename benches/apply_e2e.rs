//! End-to-end apply speed against the emulator on loopback:
//! - `apply_1000_new`: a plan of 1,000 creates executed with 8 in flight and
//!   20 ms latency per API call. The floor is 1,000 / 8 × 20 ms = 2.5 s of
//!   creates; what apply adds on top (the re-lists that shrink the race with
//!   other runs, the read-your-writes list, the repair list) is the overhead
//!   the benchmark prints, with the number of list calls.
//!
//! Each sample gets a fresh emulator, so every sample creates 1,000 orders.
//! Run with `cargo bench --bench apply_e2e`.

use std::collections::BTreeMap;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use clearsky::api::{self, ApiKey, Client};
use clearsky_emulator::{self as emulator, Config};
use skyform::apply::{self, ExecuteOptions};
use skyform::cli::{Format, PlanFlags};
use skyform::connect::Connection;
use skyform::ops;
use skyform::settings::Planning;
use skyform::ui::Quiet;

const ORDERS: usize = 1_000;
const CONCURRENCY: usize = 8;
const LATENCY: Duration = Duration::from_millis(20);

mod common;

use common::manifest;

fn main() {
    divan::main();
}

#[divan::bench(sample_count = 3, sample_size = 1)]
fn apply_1000_new(bencher: divan::Bencher) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.yaml");
    std::fs::write(&path, manifest(ORDERS)).unwrap();
    let desired = skyform::manifest::load(&[path]).unwrap_or_else(|_| panic!("manifest invalid"));
    let entries: BTreeMap<_, _> =
        desired.orders.iter().map(|o| (o.name.clone(), o.clone())).collect();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let flags = Planning::resolve(&PlanFlags {
        paths: Vec::new(),
        prune: false,
        allow_empty: false,
        recheck_wait: 15.0,
        max_list_lag: 600.0,
        target: Vec::new(),
        base: None,
        concurrency: Some(CONCURRENCY),
        max_cost: None,
        format: Format::Json,
        detailed: false,
    })
    .unwrap();
    bencher
        .with_inputs(|| {
            // A fresh account; the plan is made here, only the apply is timed.
            let emu = emulator::spawn(Config {
                latency: LATENCY,
                auto_accept: true,
                balance_eur: 1e15,
                ..Config::default()
            })
            .unwrap();
            let config = api::Config::new(&emu.url(), ApiKey::new(emu.key())).unwrap();
            let conn = Connection::new(Client::new(config).unwrap(), emu.now());
            let plan = runtime.block_on(async {
                let live = ops::observe::list_live(&conn, &Quiet).await.unwrap();
                ops::make_plan(&desired, &live, &conn, &flags, &Quiet).await.unwrap().0
            });
            let calls_before = emu.calls().len();
            (emu, conn, plan, calls_before)
        })
        .bench_local_values(|(emu, conn, plan, calls_before)| {
            let opts = ExecuteOptions { concurrency: CONCURRENCY, ..ExecuteOptions::default() };
            let stop = AtomicBool::new(false);
            let started = Instant::now();
            let report = runtime.block_on(apply::execute(
                &plan,
                &entries,
                &conn.client,
                &opts,
                &stop,
                &|_| {},
            ));
            let took = started.elapsed();
            assert!(report.complete(), "apply did not complete");
            let calls = emu.calls();
            let lists = calls[calls_before..]
                .iter()
                .filter(|(m, p, _)| m == "GET" && p.starts_with("/api/tasking/orders"))
                .count();
            #[allow(clippy::cast_precision_loss)]
            let floor = LATENCY.as_secs_f64() * ORDERS as f64 / CONCURRENCY as f64;
            #[allow(clippy::print_stderr)] // the benchmark's report line
            {
            eprintln!(
                "apply_1000_new: {:.2} s = {:.3} × the floor of {floor:.2} s; {lists} list calls",
                took.as_secs_f64(),
                took.as_secs_f64() / floor
            );
            }
            emu
        });
}
