//! `skyform apply --auto-approve` in-process, for the property tests: the
//! steps of the apply command (list, wait for the orders an earlier run left
//! pending, diff, price, consent, record the intents, execute, wait for the
//! new orders) against an in-process emulator, through a client whose sleeper
//! returns at once and adds the wait to a total instead. A 15 s re-check
//! window and a server's `Retry-After` cost no time, and the windows are the
//! production ones.
//!
//! A run can be killed: at its `k`-th moment (a step of the command, or an
//! executor event) the run's future, client and runtime are dropped, with
//! whatever calls were in flight, as a SIGKILL would leave them.
//!
//! Test-only. Does IO: the emulator over loopback, the pending record and
//! the manifest in a temp dir.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::consent::{self, RefusalKind};
use clearsky::api::poll::recheck_polls;

use super::{Event, ExecuteOptions, Step, StepOutcome, execute_with};
use crate::machine::AccountId;
use crate::pending::intents::Intents;
use crate::pending::settle::Waits;
use crate::pending::{Pending, settle};
use crate::plan::{self, DiffOptions};
use crate::pricing;
use crate::spec::DesiredSet;
use clearsky::api::request::ListQuery;
use clearsky::api::types::TaskOrder;
use clearsky::api::{ApiKey, Client, Config};
use clearsky_emulator::{self as emulator, Handle};

/// The re-check window of `--recheck-wait`'s default.
const WINDOW: Duration = Duration::from_secs(15);

/// The re-check window, and a list-lag bound of zero: the emulator's list
/// never lags, so a create not listed by the next list was not stored.
fn waits() -> Waits {
    Waits::new(WINDOW, Duration::ZERO)
}

/// How a run ended: the exit status `skyform apply` gives for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Ended {
    /// Exit 0 with "No changes.".
    NoChanges,
    /// Exit 0: every change made, every new order listed.
    Complete,
    /// Exit 5: some changes made (or maybe made), or new orders not listed yet.
    Partial,
    /// Exit 1: nothing confirmed; the reason.
    Failed(String),
    /// Exit 3: refused before the first change.
    Refused(RefusalKind),
}

impl Ended {
    /// Exit 0.
    pub(super) fn succeeded(&self) -> bool {
        matches!(self, Self::NoChanges | Self::Complete)
    }
}

/// What a killed run had heard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Killed {
    /// Creates it heard were done.
    pub(super) created: usize,
}

/// An emulator, a manifest of polygon entries and the pending record of the
/// runs made on them.
pub(super) struct World {
    pub(super) emu: Handle,
    dir: tempfile::TempDir,
    desired: DesiredSet,
    /// Every wait asked of the sleepers, added up.
    slept: Arc<Mutex<Duration>>,
    jitter: Arc<Mutex<StdRng>>,
}

impl World {
    /// `entries` recurring polygon entries with distinct AOIs on an emulator
    /// set up by `config`; backoff jitter drawn from `config.seed`.
    pub(super) fn new(config: emulator::Config, entries: usize) -> Self {
        Self::with_manifest(config, &manifest(entries))
    }

    /// [`World::new`] with the manifest `yaml`.
    pub(super) fn with_manifest(config: emulator::Config, yaml: &str) -> Self {
        let seed = config.seed;
        let emu = emulator::spawn(config).expect("start the emulator");
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("o.yaml");
        std::fs::write(&path, yaml).expect("write the manifest");
        let desired = crate::manifest::load(&[path]).expect("a valid manifest");
        let jitter = Arc::new(Mutex::new(StdRng::seed_from_u64(seed)));
        Self { emu, dir, desired, slept: Arc::default(), jitter }
    }

    /// The entries.
    pub(super) fn entries(&self) -> usize {
        self.desired.orders.len()
    }

    /// Every wait asked of the sleepers so far.
    pub(super) fn slept(&self) -> Duration {
        *self.slept.lock().unwrap()
    }

    /// A client of the emulator that records its waits instead of sleeping.
    fn client(&self) -> Client {
        let mut config = Config::new(&self.emu.url(), ApiKey::new(self.emu.key())).unwrap();
        let slept = Arc::clone(&self.slept);
        config.sleeper = Arc::new(move |d| {
            *slept.lock().unwrap() += d;
            Box::pin(async {})
        });
        let jitter = Arc::clone(&self.jitter);
        config.jitter = Arc::new(move || jitter.lock().unwrap().random());
        Client::new(config).expect("client")
    }

    /// One run to its end on the machine named `machine` (its own pending
    /// record), with `concurrency` changes in flight; runs on two machines
    /// share the emulator and nothing else.
    pub(super) fn apply_on(&self, machine: &str, concurrency: usize) -> Ended {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let client = self.client();
        rt.block_on(self.run_on(machine, &client, concurrency, &|_| ()))
    }

    /// One run to its end, with `concurrency` changes in flight.
    pub(super) fn apply(&self, concurrency: usize) -> Ended {
        self.apply_killed(concurrency, usize::MAX, 0).expect("a run nobody kills ends")
    }

    /// One run, killed at its `at`-th moment (1-based): its future is dropped
    /// once it waits after `yields` more turns of the runtime, then its client
    /// and runtime go too, and the emulator finishes with the calls they had
    /// sent. A killed run returns what it had heard.
    pub(super) fn apply_killed(
        &self,
        concurrency: usize,
        at: usize,
        yields: usize,
    ) -> Result<Ended, Killed> {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let (moments, kill) = (AtomicUsize::new(0), tokio::sync::Notify::new());
        let created = AtomicUsize::new(0);
        let moment = |event: Option<&Event>| {
            let done = |e: &Event| {
                e.step == Step::Create && matches!(e.outcome, Some(StepOutcome::Done { .. }))
            };
            if event.is_some_and(done) {
                created.fetch_add(1, Ordering::SeqCst);
            }
            if moments.fetch_add(1, Ordering::SeqCst) + 1 == at {
                kill.notify_one();
            }
        };
        let client = self.client();
        let ended = rt.block_on(async {
            tokio::select! {
                biased;
                () = async {
                    kill.notified().await;
                    for _ in 0..yields {
                        tokio::task::yield_now().await;
                    }
                } => None,
                ended = self.run(&client, concurrency, &moment) => Some(ended),
            }
        });
        drop(client);
        drop(rt);
        ended.ok_or_else(|| {
            assert!(self.emu.wait_idle(Duration::from_secs(30)), "the emulator never went idle");
            Killed { created: created.into_inner() }
        })
    }

    /// The steps of `skyform apply --auto-approve` (see `commands/apply.rs`),
    /// calling `moment` after each and with every executor event.
    async fn run(
        &self,
        client: &Client,
        concurrency: usize,
        moment: &(dyn Fn(Option<&Event>) + Sync),
    ) -> Ended {
        self.run_on("machine", client, concurrency, moment).await
    }

    /// [`World::run`] with the pending record of the machine named `machine`.
    async fn run_on(
        &self,
        machine: &str,
        client: &Client,
        concurrency: usize,
        moment: &(dyn Fn(Option<&Event>) + Sync),
    ) -> Ended {
        // The machine record of this account, in the test's own directory.
        let account = AccountId::new(&client.config().base_url, client.config().key.expose());
        let mut pending =
            Pending::open(&self.dir.path().join(machine), account, None).expect("the record");
        let query = ListQuery { get_expired: true, ..ListQuery::default() };
        let live = match client.list(query).await {
            Ok(live) => live,
            Err(e) => return Ended::Failed(e.to_string()),
        };
        moment(None);
        let now = chrono::Utc::now();
        let desired = &self.desired;
        let settled =
            settle::before_plan(client, &mut pending, desired, live, waits(), now, &|_| ()).await;
        let live = match settled {
            Ok(settled) => settled.live,
            Err(e) => return Ended::Failed(e.to_string()),
        };
        pending.save().expect("save the pending record");
        moment(None);

        let opts =
            DiffOptions { prune: false, targets: Vec::new(), max_cost: None, now: self.emu.now() };
        let mut plan = plan::diff(desired, &live, &opts);
        let (account, legacy) = futures::join!(client.account_info(), client.apikey_info());
        let start = pricing::account::start(account.as_ref().ok(), legacy.as_ref().ok());
        let refusals = pricing::price(client, &mut plan, concurrency, start.chain_start()).await;
        if !refusals.is_empty() {
            return Ended::Failed(format!("estimates refused: {refusals:?}"));
        }
        plan::account::summarize(&mut plan, &live, &start);
        moment(None);
        if let Some(refusal) = consent::refusal(&plan, false) {
            return Ended::Refused(refusal.kind);
        }
        if !plan.has_changes() {
            return Ended::NoChanges;
        }

        let entries: BTreeMap<_, _> =
            desired.orders.iter().map(|o| (o.name.clone(), o.clone())).collect();
        moment(None);
        let opts = ExecuteOptions {
            concurrency,
            unknown_polls: recheck_polls(WINDOW),
            ..ExecuteOptions::default()
        };
        let never = AtomicBool::new(false);
        let on_event = |e: &Event| moment(Some(e));
        // As apply does: each create's intent is saved before it is sent.
        let ledger = Intents::new(&mut pending, &plan, concurrency * 4);
        let before_send = |i: usize| ledger.before_send(i);
        let report =
            execute_with(&plan, &entries, client, &opts, &never, &on_event, &before_send).await;
        let intents = ledger.into_recorded();
        moment(None);
        let new = settle::items_of(&plan, &report, chrono::Utc::now());
        let now = chrono::Utc::now();
        let unlisted = settle::after_apply(
            client,
            &mut pending,
            desired,
            &intents,
            new,
            waits(),
            now,
            &|_| (),
        )
        .await
        .expect("save the pending record");
        moment(None);
        if !unlisted.is_empty() {
            Ended::Partial
        } else if report.complete() {
            Ended::Complete
        } else if report.done() > 0 || !report.maybe_created.is_empty() {
            Ended::Partial
        } else {
            Ended::Failed(format!("no change confirmed: {:?}", report.items))
        }
    }

    /// Live (not cancelled) orders.
    pub(super) fn live(&self) -> Vec<TaskOrder> {
        self.emu.orders().into_iter().filter(|o| !o.ordering_process_status.is_canceled()).collect()
    }

    /// Checks exactly one live order per entry: orders told apart by their
    /// AOI (a polygon order's `Wkt`, a tile order's tiles and minitiles).
    pub(super) fn assert_one_order_per_entry(&self, context: &str) {
        let mut per_aoi: BTreeMap<(String, Vec<String>), usize> = BTreeMap::new();
        for o in self.live() {
            let mut held: Vec<String> =
                o.tiles.iter().chain(&o.mini_tiles).map(|t| t.guid.clone()).collect();
            held.sort();
            *per_aoi.entry((o.wkt.unwrap_or_default(), held)).or_default() += 1;
        }
        let n = self.entries();
        assert_eq!(
            per_aoi.len(),
            n,
            "{context}: {} entries have an order, want {n}",
            per_aoi.len()
        );
        let dups: Vec<_> = per_aoi.iter().filter(|(_, c)| **c > 1).collect();
        assert!(dups.is_empty(), "{context}: bought twice: {dups:?}");
    }

    /// Creates the emulator has been sent.
    pub(super) fn creates_sent(&self) -> usize {
        self.emu
            .calls()
            .iter()
            .filter(|(m, p, _)| m == "POST" && p == "/api/tasking/orders")
            .count()
    }
}

/// `n` recurring polygon entries with distinct AOIs.
pub(super) fn manifest(n: usize) -> String {
    let mut s = String::from(
        "defaults:\n  Model: Stratus2\n  SatelliteConstellations: [Sentinel1, Sentinel2, Landsat89]\n  \
         StorageMonths: 1\n  ApiRequests: 1\n  ImageFrequency: 3\n  From: 2025-04-01\norders:\n",
    );
    for i in 0..n {
        #[allow(clippy::cast_precision_loss)]
        let (x, y) = (8.0 + (i % 20) as f64 * 0.1, 55.0 + (i / 20) as f64 * 0.1);
        let _ = write!(
            s,
            "  - name: field-{i:03}\n    Wkt: POLYGON(({x:.2} {y:.2},{x2:.2} {y:.2},{x2:.2} {y2:.2},{x:.2} {y2:.2},{x:.2} {y:.2}))\n",
            x2 = x + 0.05,
            y2 = y + 0.05
        );
    }
    s
}
