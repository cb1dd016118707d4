//! The API client against the in-process emulator, with scripted faults.
//!
//! Sleeps between retries are recorded instead of waited out, and the jitter is
//! fixed, so every expected wait is exact.

use std::future::Future;
use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use clearsky::api::types::{OrderRequest, TileSearchRequest};
use clearsky::api::{ApiKey, CancelOutcome, Client, Config, CreateOutcome, Error, ListQuery};
use clearsky_emulator::{self as emulator, Fault, Handle};

const ORDERS: &str = "/api/tasking/orders";
const MODELS: &str = "/api/tasking/models";

/// An emulator, a client pointed at it, and the sleeps the client asked for.
struct Env {
    emu: Handle,
    client: Client,
    sleeps: Arc<Mutex<Vec<Duration>>>,
}

impl Env {
    fn new() -> Self {
        Self::with(emu_config(), None)
    }

    fn with(config: emulator::Config, key: Option<&str>) -> Self {
        let emu = emulator::spawn(config).expect("start the emulator");
        let key = key.map_or_else(|| emu.key(), str::to_owned);
        let mut config = Config::new(&emu.url(), ApiKey::new(key)).expect("client config");
        let sleeps = Arc::new(Mutex::new(Vec::new()));
        let record = Arc::clone(&sleeps);
        config.sleeper = Arc::new(move |d| {
            record.lock().unwrap().push(d);
            Box::pin(async {})
        });
        config.jitter = Arc::new(|| 0.5);
        config.request_timeout = Duration::from_secs(5);
        let client = Client::new(config).expect("client");
        Self { emu, client, sleeps }
    }

    fn sleeps(&self) -> Vec<Duration> {
        self.sleeps.lock().unwrap().clone()
    }

    /// How many calls the emulator saw to `method path` (query ignored).
    fn calls_to(&self, method: &str, path: &str) -> usize {
        self.emu
            .calls()
            .iter()
            .filter(|(m, p, _)| m == method && p.split('?').next() == Some(path))
            .count()
    }
}

/// An emulator setup with a key distinctive enough to search logs for.
fn emu_config() -> emulator::Config {
    emulator::Config { api_keys: vec!["sk-test-5f1e9c2a7b".into()], ..Default::default() }
}

fn block_on<F: Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(f)
}

fn order(to: Option<&str>) -> OrderRequest {
    OrderRequest {
        wkt: Some(
            "GEOMETRYCOLLECTION (POLYGON ((8.6 55.9, 8.6 56.0, 8.7 56.0, 8.7 55.9, 8.6 55.9)))"
                .into(),
        ),
        satellite_constellations: vec!["Sentinel1".into(), "Sentinel2".into(), "Landsat89".into()],
        model: "Stratus2".into(),
        storage_months: 1,
        api_requests: 1,
        image_frequency: Some(2),
        reference_date: Some("2025-04-01".into()),
        from: "2025-04-01".into(),
        to: to.map(str::to_owned),
        ..OrderRequest::default()
    }
}

fn invalid_order() -> OrderRequest {
    OrderRequest { model: "NoSuchModel".into(), ..order(Some("2025-04-30")) }
}

#[test]
fn a_read_that_gets_429_is_retried_after_the_backoff() {
    let env = Env::new();
    env.emu.script("GET", ORDERS, vec![Fault::TooManyRequests { retry_after_secs: None }]);
    let orders = block_on(env.client.list(ListQuery::default())).expect("list");
    assert!(orders.is_empty());
    assert_eq!(env.calls_to("GET", ORDERS), 2);
    // Full jitter fixed at 0.5 of the 0.5 s base.
    assert_eq!(env.sleeps(), [Duration::from_millis(250)]);
}

#[test]
fn retry_after_is_honoured() {
    let env = Env::new();
    env.emu.script(
        "GET",
        MODELS,
        vec![Fault::TooManyRequests { retry_after_secs: Some(7) }, Fault::Unavailable],
    );
    let models = block_on(env.client.models()).expect("models");
    assert!(!models.tasking_models.is_empty());
    // The server's 7 s, then the second backoff step (1 s × 0.5).
    assert_eq!(env.sleeps(), [Duration::from_secs(7), Duration::from_millis(500)]);
}

#[test]
fn five_503s_give_up_and_say_how_many_attempts() {
    let env = Env::new();
    env.emu.script("GET", MODELS, vec![Fault::Unavailable; 5]);
    let e = block_on(env.client.models()).unwrap_err();
    assert!(matches!(e, Error::GaveUp { attempts: 5, .. }), "{e:?}");
    assert!(e.to_string().starts_with("gave up after 5 attempts: "), "{e}");
    assert!(e.to_string().contains("503"), "{e}");
    assert_eq!(env.calls_to("GET", MODELS), 5);
    let ms: Vec<u128> = env.sleeps().iter().map(Duration::as_millis).collect();
    assert_eq!(ms, [250, 500, 1000, 2000]);
}

#[test]
fn a_400_is_not_retried_and_its_field_messages_are_shown() {
    let env = Env::new();
    let e = block_on(env.client.estimate(&invalid_order())).unwrap_err();
    let Error::Api { status: 400, fields, .. } = &e else { panic!("{e:?}") };
    assert!(fields.contains_key("Model"), "{fields:?}");
    assert!(e.to_string().contains("\n  `Model`: "), "{e}");
    assert_eq!(env.calls_to("POST", "/api/tasking/orders/estimate"), 1);
    assert!(env.sleeps().is_empty());
}

#[test]
fn a_401_names_the_variable_and_hides_the_key() {
    let key = "not-the-right-key-8f3a";
    let env = Env::with(emu_config(), Some(key));
    let e = block_on(env.client.list(ListQuery::default())).unwrap_err();
    assert!(matches!(e, Error::Auth { status: 401 }), "{e:?}");
    let shown = format!("{e}\n{}\n{e:?}\n{:?}", e.hint().unwrap_or_default(), env.client);
    assert!(shown.contains("`CLEARSKY_API_KEY`"), "{shown}");
    assert!(!shown.contains(key), "{shown}");
    assert_eq!(env.calls_to("GET", ORDERS), 1, "a 401 is not retried");
}

#[test]
fn a_create_that_commits_then_drops_the_connection_is_unknown() {
    let env = Env::new();
    env.emu.script("POST", ORDERS, vec![Fault::CommitThenDrop]);
    let outcome = block_on(env.client.create(&order(Some("2025-04-30"))));
    assert!(matches!(outcome, CreateOutcome::Unknown(Error::Transport { .. })), "{outcome:?}");
    assert_eq!(env.emu.orders().len(), 1, "the order exists although the answer was lost");
    assert_eq!(env.calls_to("POST", ORDERS), 1, "a create is never retried");
}

#[test]
fn a_create_answered_503_is_unknown_and_not_retried() {
    let env = Env::new();
    env.emu.script("POST", ORDERS, vec![Fault::Unavailable]);
    let outcome = block_on(env.client.create(&order(Some("2025-04-30"))));
    assert!(matches!(outcome, CreateOutcome::Unknown(Error::Server { status: 503, .. })));
    assert_eq!(env.calls_to("POST", ORDERS), 1);
    assert!(env.sleeps().is_empty());
}

#[test]
fn a_create_that_times_out_is_unknown() {
    let mut env = Env::new();
    let mut config = env.client.config().clone();
    config.request_timeout = Duration::from_millis(100);
    env.client = Client::new(config).unwrap();
    env.emu.script("POST", ORDERS, vec![Fault::Hang(Duration::from_secs(1))]);
    let outcome = block_on(env.client.create(&order(Some("2025-04-30"))));
    assert!(matches!(outcome, CreateOutcome::Unknown(Error::Transport { .. })), "{outcome:?}");
    assert_eq!(env.emu.orders().len(), 1);
}

#[test]
fn a_rejected_create_buys_nothing() {
    let env = Env::new();
    let outcome = block_on(env.client.create(&invalid_order()));
    let CreateOutcome::Rejected(e) = outcome else { panic!("{outcome:?}") };
    assert!(matches!(e, Error::Api { status: 400, .. }), "{e:?}");
    assert!(env.emu.orders().is_empty());
}

#[test]
fn a_create_answered_429_is_unknown_with_its_retry_after() {
    // A server may store the order and still answer 429: only a list can tell.
    let env = Env::new();
    env.emu.script("POST", ORDERS, vec![Fault::TooManyRequests { retry_after_secs: Some(3) }]);
    let outcome = block_on(env.client.create(&order(Some("2025-04-30"))));
    let CreateOutcome::Unknown(e) = outcome else { panic!("{outcome:?}") };
    assert_eq!(e.retry_after(), Some(Duration::from_secs(3)));
    assert!(e.is_transient());
    assert!(env.emu.orders().is_empty());
    assert_eq!(env.calls_to("POST", ORDERS), 1);
}

#[test]
fn a_created_order_is_listed_and_found_by_guid() {
    let env = Env::new();
    let CreateOutcome::Created(created) = block_on(env.client.create(&order(None))) else {
        panic!("create failed")
    };
    assert_eq!(created.to, None);
    let found = block_on(env.client.details(&[created.task_order_guid.clone(), "nope".into()]))
        .expect("details");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].task_order_guid, created.task_order_guid);
    let recurring =
        block_on(env.client.list(ListQuery { recurring_only: true, get_expired: false }))
            .expect("list");
    assert_eq!(recurring.len(), 1);
    let e = block_on(env.client.order("0000")).unwrap_err();
    assert_eq!(e.to_string(), "order `0000` was not found");
}

#[test]
fn estimate_search_and_account_decode() {
    let env = Env::new();
    let estimate = block_on(env.client.estimate(&order(Some("2025-04-30")))).expect("estimate");
    assert!(estimate.area_km2.is_some_and(|a| a > 0.0), "{estimate:?}");
    assert!(estimate.current_month_total().is_some());
    let search = TileSearchRequest { wkt: order(None).wkt, ..TileSearchRequest::default() };
    let tiles = block_on(env.client.search_tiles(&search)).expect("search");
    assert!(!tiles.tiles.is_empty());
    block_on(env.client.account_info()).expect("account");
}

#[test]
fn cancelling_an_order_in_review_removes_it() {
    let env = Env::new();
    let CreateOutcome::Created(o) = block_on(env.client.create(&order(Some("2025-04-30")))) else {
        panic!("create failed")
    };
    let outcome = block_on(env.client.cancel(&o.task_order_guid)).expect("cancel");
    assert_eq!(outcome, CancelOutcome::Removed);
    assert!(block_on(env.client.list(ListQuery::default())).unwrap().is_empty());
}

#[test]
fn cancelling_an_accepted_recurring_order_stops_its_renewal() {
    let env = Env::with(emulator::Config { auto_accept: true, ..emu_config() }, None);
    let CreateOutcome::Created(o) = block_on(env.client.create(&order(None))) else {
        panic!("create failed")
    };
    let outcome = block_on(env.client.cancel(&o.task_order_guid)).expect("cancel");
    assert_eq!(outcome, CancelOutcome::RenewalStopped);
    let again = block_on(env.client.cancel(&o.task_order_guid)).expect("second cancel");
    assert!(matches!(again, CancelOutcome::NotCancellable(_)), "{again:?}");
}

#[test]
fn an_accepted_fixed_window_order_cannot_be_cancelled() {
    let env = Env::with(emulator::Config { auto_accept: true, ..emu_config() }, None);
    let CreateOutcome::Created(o) = block_on(env.client.create(&order(Some("2025-04-30")))) else {
        panic!("create failed")
    };
    let outcome = block_on(env.client.cancel(&o.task_order_guid)).expect("cancel");
    let CancelOutcome::NotCancellable(why) = outcome else { panic!("{outcome:?}") };
    assert!(why.to_lowercase().contains("cannot be cancelled"), "{why}");
    assert_eq!(env.emu.orders().len(), 1);
}

#[test]
fn cancelling_an_unknown_order_is_not_found() {
    let env = Env::new();
    let e = block_on(env.client.cancel("c3528462-02fc-4301-bb37-8d226b45f149")).unwrap_err();
    assert!(matches!(e, Error::NotFound { .. }), "{e:?}");
}

/// Collects everything a `tracing` subscriber writes.
#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl io::Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Buffer {
    type Writer = Buffer;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// Set in the child process that [`verbose_logging_never_shows_the_key`] runs.
const LOG_CHILD: &str = "SKYFORM_TEST_LOG_CHILD";

/// Runs its scenario in a child process of this test binary, alone, with a
/// process-wide subscriber. In-process it was flaky: `tracing` caches whether a
/// log site is enabled once per process, and while at most one subscriber
/// exists it asks the subscriber of whichever thread reaches the site first. A
/// parallel test thread with no subscriber reaching `api request` first cached
/// it as disabled, so this test's thread-local (`set_default`) subscriber never
/// saw those lines ("nothing logged").
#[test]
fn verbose_logging_never_shows_the_key() {
    if std::env::var_os(LOG_CHILD).is_some() {
        return log_scenario();
    }
    let out = std::process::Command::new(std::env::current_exe().expect("test binary"))
        .args(["--exact", "client::verbose_logging_never_shows_the_key", "--nocapture"])
        .args(["--test-threads", "1"])
        .env(LOG_CHILD, "1")
        .output()
        .expect("run the test binary");
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "the logging scenario failed:\n{text}");
    assert!(text.contains("1 passed"), "the logging scenario did not run:\n{text}");
}

fn log_scenario() {
    let buffer = Buffer::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(buffer.clone())
        .with_ansi(false)
        .with_env_filter(tracing_subscriber::EnvFilter::new("trace"))
        .finish();
    // Process-wide, before any log site is reached: every thread (the
    // emulator's and the client's) logs into the buffer.
    tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");

    let env = Env::new();
    let key = env.emu.key();
    assert!(key.len() >= 6, "the key `{key}` is too short to search for");
    env.emu.script("GET", ORDERS, vec![Fault::Unavailable]);
    env.emu.script("POST", ORDERS, vec![Fault::CommitThenDrop]);
    block_on(async {
        env.client.models().await.expect("models");
        env.client.list(ListQuery::default()).await.expect("list");
        let _ = env.client.estimate(&order(Some("2025-04-30"))).await;
        let outcome = env.client.create(&order(Some("2025-04-30"))).await;
        tracing::debug!("{outcome:?} {:?}", env.client);
        let _ = env.client.create(&invalid_order()).await;
    });
    let wrong = Env::with(emu_config(), Some(&format!("{key}-revoked")));
    let e = block_on(wrong.client.models()).unwrap_err();
    tracing::debug!("{e} {e:?}");

    let text = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    assert!(text.contains("api request") && text.contains("status=503"), "nothing logged:\n{text}");
    assert!(text.contains("attempt=2") && text.contains("duration_ms="), "{text}");
    assert!(!text.contains(&key), "the key appears in the log:\n{text}");
}

/// A client like `env`'s that reads at most `limit` bytes of an answer.
fn limited(env: &Env, limit: usize) -> Client {
    let mut config = Config::new(&env.emu.url(), ApiKey::new(env.emu.key())).expect("config");
    config.max_answer_bytes = limit;
    config.sleeper = Arc::new(|_| Box::pin(async {}));
    Client::new(config).expect("client")
}

#[test]
fn an_answer_longer_than_the_limit_is_an_error_and_a_create_stays_unknown() {
    let env = Env::with(emulator::Config { auto_accept: true, ..emu_config() }, None);
    for _ in 0..3 {
        assert!(matches!(block_on(env.client.create(&order(None))), CreateOutcome::Created(_)));
    }
    let e = block_on(limited(&env, 1024).list(ListQuery::default())).unwrap_err();
    assert!(
        e.to_string().contains("the answer is longer than 1 KiB; skyform does not read it"),
        "{e}"
    );
    assert_eq!(env.calls_to("GET", ORDERS), 1, "not retried: the same answer would come back");
    // The create was carried out; its answer was not read: the outcome is unknown, never "refused".
    let outcome = block_on(limited(&env, 100).create(&order(None)));
    assert!(matches!(outcome, CreateOutcome::Unknown(_)), "{outcome:?}");
    assert_eq!(env.emu.orders().len(), 4);
    assert_eq!(block_on(env.client.list(ListQuery::default())).expect("list").len(), 4);
}
