//! The executor against the in-process emulator, with a sleeper that records
//! each wait instead of sleeping: every wait is checked exactly, none is
//! waited out.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use clearsky::api::poll::recheck_polls;

use super::{Event, ExecuteOptions, Report, StepOutcome, execute};
use crate::plan::{self, DiffOptions, Plan};
use crate::spec::DesiredSet;
use crate::testing::{ONE_ENTRY_MANIFEST, load_manifest};
use clearsky::api::{ApiKey, Client, Config};
use clearsky_emulator::{self as emulator, Fault, Handle};

const ORDERS: &str = "/api/tasking/orders";

/// An emulator, a client whose sleeper records, and the stop flag that the
/// sleeper sets once it has slept `stop_after` times (an interrupt mid-wait).
struct Env {
    emu: Handle,
    client: Client,
    slept: Arc<Mutex<Vec<Duration>>>,
    stop: Arc<AtomicBool>,
    dir: tempfile::TempDir,
}

impl Env {
    fn new(stop_after: usize) -> Self {
        let emu = emulator::spawn(emulator::Config::default()).expect("start the emulator");
        let mut config = Config::new(&emu.url(), ApiKey::new(emu.key())).expect("client config");
        let (slept, stop) = (Arc::new(Mutex::new(Vec::new())), Arc::new(AtomicBool::new(false)));
        let (record, flag) = (Arc::clone(&slept), Arc::clone(&stop));
        config.sleeper = Arc::new(move |d| {
            let mut slept = record.lock().unwrap();
            slept.push(d);
            if slept.len() >= stop_after {
                flag.store(true, Ordering::SeqCst);
            }
            Box::pin(async {})
        });
        config.jitter = Arc::new(|| 0.5);
        let client = Client::new(config).expect("client");
        let dir = tempfile::tempdir().expect("temp dir");
        Self { emu, client, slept, stop, dir }
    }

    /// Plans `ONE_ENTRY_MANIFEST` against the emulator and applies it, calling `on_event`
    /// with the stop flag for each event.
    fn apply(&self, on_event: &(dyn Fn(&Event, &AtomicBool) + Sync)) -> Report {
        self.apply_with(ExecuteOptions::default().max_list_lag, on_event)
    }

    /// [`Env::apply`] with the list-lag bound `max_list_lag`.
    fn apply_with(
        &self,
        max_list_lag: Duration,
        on_event: &(dyn Fn(&Event, &AtomicBool) + Sync),
    ) -> Report {
        let desired = load_manifest(self.dir.path(), ONE_ENTRY_MANIFEST);
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let plan = self.plan(&desired).await;
            let entries: BTreeMap<_, _> =
                desired.orders.iter().map(|o| (o.name.clone(), o.clone())).collect();
            let opts = ExecuteOptions { concurrency: 1, max_list_lag, ..ExecuteOptions::default() };
            let stop = &*self.stop;
            let on_event = |e: &Event| on_event(e, stop);
            execute(&plan, &entries, &self.client, &opts, stop, &on_event).await
        })
    }

    async fn plan(&self, desired: &DesiredSet) -> Plan {
        let live = self.client.list(clearsky::api::ListQuery::default()).await.expect("list");
        let opts =
            DiffOptions { prune: false, targets: Vec::new(), max_cost: None, now: self.emu.now() };
        plan::diff(desired, &live, &opts)
    }

    fn slept(&self) -> Duration {
        self.slept.lock().unwrap().iter().sum()
    }

    fn creates_sent(&self) -> usize {
        self.emu.calls().iter().filter(|(m, p, _)| m == "POST" && p == ORDERS).count()
    }

    fn only_outcome(report: &Report) -> &StepOutcome {
        assert_eq!(report.items.len(), 1, "{report:?}");
        &report.items[0].outcome
    }
}

fn quiet(_: &Event, _: &AtomicBool) {}

fn failure(outcome: &StepOutcome) -> &str {
    match outcome {
        StepOutcome::Failed { error, .. } => error,
        other => panic!("expected a failure, got {other:?}"),
    }
}

#[test]
fn a_429_on_create_is_sent_again_only_after_the_rechecks_and_the_retry_after() {
    let env = Env::new(usize::MAX);
    env.emu.script(
        "POST",
        ORDERS,
        vec![
            Fault::TooManyRequests { retry_after_secs: Some(86_400) },
            Fault::TooManyRequests { retry_after_secs: None },
        ],
    );
    // Lists are trusted to show an order within the re-check window.
    let report = env.apply_with(Duration::from_secs(15), &quiet);
    assert!(matches!(Env::only_outcome(&report), StepOutcome::Done { .. }), "{report:?}");
    assert!(report.complete() && report.maybe_created.is_empty());
    // Each 429 is followed by the re-lists of the window (15 s); a day's
    // Retry-After waits the policy's cap (30 s) in all, so 15 s more; the
    // second 429's backoff (0.5 s) went by during its re-lists.
    assert_eq!(env.slept(), Duration::from_secs(45));
    assert_eq!((env.creates_sent(), env.emu.orders().len()), (3, 1));
}

#[test]
fn a_429_is_not_sent_again_when_its_rechecks_are_shorter_than_the_list_lag_bound() {
    let env = Env::new(usize::MAX);
    env.emu.script("POST", ORDERS, vec![Fault::TooManyRequests { retry_after_secs: None }]);
    let report = env.apply_with(Duration::from_secs(16), &quiet);
    let error = failure(Env::only_outcome(&report));
    assert!(
        error.contains("not listed after 15 s, but a list may lag up to 16 s (`--max-list-lag`)"),
        "{error}"
    );
    assert!(error.contains("not sent again"), "{error}");
    assert_eq!(report.maybe_created, [0], "held for the next run");
    assert_eq!((env.slept(), env.creates_sent()), (Duration::from_secs(15), 1));
}

#[test]
fn a_429_after_the_order_was_stored_finds_the_order_and_buys_nothing_more() {
    let env = Env::new(usize::MAX);
    let fault = Fault::CommitThenFail { status: 429, retry_after_secs: Some(0) };
    env.emu.script("POST", ORDERS, vec![fault]);
    let report = env.apply(&quiet);
    let StepOutcome::Done { note, .. } = Env::only_outcome(&report) else { panic!("{report:?}") };
    assert!(note.as_deref().unwrap_or("").contains("found the order"), "{note:?}");
    assert_eq!((env.creates_sent(), env.emu.orders().len()), (1, 1));
}

#[test]
fn a_500_whose_order_is_not_listed_is_not_sent_again_and_is_reported_as_maybe_bought() {
    let env = Env::new(usize::MAX);
    env.emu.script("POST", ORDERS, vec![Fault::ServerError]);
    let report = env.apply(&quiet);
    let error = failure(Env::only_outcome(&report));
    assert!(error.contains("not listed after 15 s; not sent again"), "{error}");
    assert_eq!(report.maybe_created, [0]);
    assert_eq!(env.slept(), Duration::from_secs(15));
    assert_eq!(env.creates_sent(), 1);
}

#[test]
fn the_first_interrupt_cuts_the_rechecks_after_a_429_short() {
    let env = Env::new(3);
    env.emu.script("POST", ORDERS, vec![Fault::TooManyRequests { retry_after_secs: Some(20) }]);
    let report = env.apply(&quiet);
    let error = failure(Env::only_outcome(&report));
    assert!(error.contains("interrupted before the orders were checked"), "{error}");
    assert!(error.contains("not sent again"), "{error}");
    assert_eq!(env.slept(), Duration::from_millis(250), "the first recheck's slices");
    assert_eq!((env.creates_sent(), env.emu.orders().len()), (1, 0));
    assert!(report.interrupted);
}

#[test]
fn an_unknown_create_is_rechecked_through_the_sleeper() {
    let env = Env::new(usize::MAX);
    env.emu.script("POST", ORDERS, vec![Fault::CommitThenDrop]);
    let report = env.apply(&quiet);
    let orders = env.emu.orders();
    assert_eq!(orders.len(), 1);
    let StepOutcome::Done { guid, note } = Env::only_outcome(&report) else { panic!("{report:?}") };
    assert_eq!(guid.as_deref(), Some(orders[0].task_order_guid.as_str()));
    assert!(note.as_deref().unwrap_or("").contains("found the order"), "{note:?}");
    assert_eq!(env.slept(), recheck_polls(Duration::from_secs(15))[0]);
}

#[test]
fn the_first_interrupt_cuts_a_recheck_short_and_nothing_is_sent_again() {
    let env = Env::new(2);
    env.emu.script("POST", ORDERS, vec![Fault::Unavailable]);
    let report = env.apply(&quiet);
    let error = failure(Env::only_outcome(&report));
    assert!(error.contains("interrupted before the orders were checked"), "{error}");
    assert_eq!(env.slept(), Duration::from_millis(200));
    assert_eq!(env.creates_sent(), 1);
    assert!(report.interrupted);
}

#[test]
fn an_interrupt_after_the_last_step_finished_is_not_a_partial_apply() {
    let env = Env::new(usize::MAX);
    let interrupt_when_done = |e: &Event, stop: &AtomicBool| {
        if e.outcome.is_some() {
            stop.store(true, Ordering::SeqCst);
        }
    };
    let report = env.apply(&interrupt_when_done);
    assert!(env.stop.load(Ordering::SeqCst));
    assert!(!report.interrupted && report.complete(), "{report:?}");
    assert_eq!(crate::render::apply_summary_line(&report), "Apply complete: 1 change made.");
}

#[test]
fn re_lists_come_every_batch_but_never_more_than_the_cap() {
    use super::{MAX_RELISTS, relist_every};
    assert_eq!(relist_every(1_000, 8), 32);
    assert_eq!(relist_every(10, 8), 32);
    assert_eq!(relist_every(5, 0), 4, "concurrency 0 counts as 1");
    for (creates, concurrency) in [(6_000, 10), (100_000, 16), (1_025, 8)] {
        let every = relist_every(creates, concurrency);
        assert!(creates.div_ceil(every) <= MAX_RELISTS, "{creates} creates: every {every}");
        assert!(every >= concurrency * 4);
    }
}
