//! End-to-end planning speed against the emulator on loopback:
//! - `plan_1000_new`: 1,000 entries that all need a create, 20 ms latency per
//!   API call, 8 estimates in flight. The floor is 1,000 / 8 × 20 ms + the list,
//!   the account reads and the models read = 2.56 s; the target is at most
//!   1.3 × that.
//! - `plan_10000_matching`: 10,000 entries that all match live orders (one list
//!   call, no estimates); target under 2 s.
//!
//! Run with `cargo bench --bench plan_e2e`.

use std::path::PathBuf;
use std::sync::LazyLock;
use std::time::Duration;

use clearsky::api::{self, ApiKey, Client, CreateOutcome};
use clearsky_emulator::{self as emulator, Config, Handle};
use futures::StreamExt;
use skyform::cli::{Format, PlanFlags};
use skyform::connect::Connection;
use skyform::ops;
use skyform::settings::Planning;
use skyform::spec::DesiredSet;
use skyform::ui::Quiet;

mod common;

use common::manifest;

fn main() {
    divan::main();
}

struct Setup {
    desired: DesiredSet,
    emu: Handle,
    runtime: tokio::runtime::Runtime,
    _dir: tempfile::TempDir,
}

fn setup(n: usize, latency: Duration) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let path: PathBuf = dir.path().join("m.yaml");
    std::fs::write(&path, manifest(n)).unwrap();
    let desired = skyform::manifest::load(&[path]).unwrap_or_else(|_| panic!("manifest invalid"));
    let emu = emulator::spawn(Config {
        latency,
        auto_accept: true,
        balance_eur: 1e15,
        ..Config::default()
    })
    .unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    Setup { desired, emu, runtime, _dir: dir }
}

fn connection(emu: &Handle) -> Connection {
    let config = api::Config::new(&emu.url(), ApiKey::new(emu.key())).unwrap();
    Connection::new(Client::new(config).unwrap(), emu.now())
}

fn flags(concurrency: usize) -> Planning {
    let flags = PlanFlags {
        paths: Vec::new(),
        prune: false,
        allow_empty: false,
        recheck_wait: 15.0,
        max_list_lag: 600.0,
        target: Vec::new(),
        base: None,
        concurrency: Some(concurrency),
        max_cost: None,
        format: Format::Json,
        detailed: false,
    };
    Planning::resolve(&flags).unwrap()
}

static NEW: LazyLock<Setup> = LazyLock::new(|| setup(1_000, Duration::from_millis(20)));

static MATCHING: LazyLock<Setup> = LazyLock::new(|| {
    let s = setup(10_000, Duration::ZERO);
    let conn = connection(&s.emu);
    s.runtime.block_on(async {
        let bodies: Vec<_> = s.desired.orders.iter().map(|o| o.spec.to_request(None)).collect();
        futures::stream::iter(bodies)
            .for_each_concurrent(16, |body| {
                let client = &conn.client;
                async move {
                    let CreateOutcome::Created(_) = client.create(&body).await else {
                        panic!("setup create failed")
                    };
                }
            })
            .await;
    });
    s
});

#[divan::bench(sample_count = 3, sample_size = 1)]
fn plan_1000_new() -> usize {
    let s = &*NEW;
    let conn = connection(&s.emu);
    let estimates = || {
        s.emu.calls().iter().filter(|(_, path, _)| path == "/api/tasking/orders/estimate").count()
    };
    let before = estimates();
    let n = s.runtime.block_on(async {
        let live = ops::observe::list_live(&conn, &Quiet).await.unwrap();
        let plan = ops::make_plan(&s.desired, &live, &conn, &flags(8), &Quiet).await.unwrap().0;
        assert_eq!(plan.counts().create, 1_000);
        assert_eq!(plan.totals().unpriced, 0);
        plan.changes.len()
    });
    // The chained estimates: one per create, plus the few re-estimated around a band boundary.
    #[allow(clippy::print_stderr)]
    {
        eprintln!("plan_1000_new: {} estimate calls for 1,000 creates", estimates() - before);
    }
    n
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn plan_10000_matching() -> usize {
    let s = &*MATCHING;
    let conn = connection(&s.emu);
    s.runtime.block_on(async {
        let live = ops::observe::list_live(&conn, &Quiet).await.unwrap();
        let plan = ops::make_plan(&s.desired, &live, &conn, &flags(8), &Quiet).await.unwrap().0;
        assert_eq!(plan.counts().keep, 10_000);
        plan.changes.len()
    })
}
