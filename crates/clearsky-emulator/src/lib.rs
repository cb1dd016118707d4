//! A local implementation of the ClearSKY tasking API, for tests, `--sandbox` and benchmarks.
//!
//! Does network and file IO: [`spawn`] and [`serve`] run an axum server on a
//! thread of its own with its own tokio runtime, so a plain `#[test]` and code
//! already inside a runtime can both use it; dropping the [`Handle`] stops it.
//! The contract is `clearsky-api.md` in the shared docs: part A where the docs
//! speak, part B where they are silent.
//!
//! Layout: this module's `dispatch` sends calls under `/_emulator` to
//! `control` (clock, review, faults, reset) and the rest to `routes` (the
//! `/api` plane: one match on method and path); both answer through `reply`
//! (JSON bodies and `reply::Refusal`, the one shape of a turned-away
//! request). Requests are decoded and checked by `validation`, priced by
//! `quote` (what is billed when) over `pricing` (`clearsky::tariff` fed the
//! served models, and `pricing::Billing`),
//! and carried out on `store` (`state`, `orders`, `lifecycle`), which
//! `persist` writes to the state file; `faults` decides injected failures,
//! `config` holds the settings, `models` the served catalogue (built in, or
//! `--models FILE`). The math lives in `area`, `dates` and
//! `tiles`; `listener` counts open connections for [`Handle::wait_idle`].
//! Dependencies point one way: routes and control → store → quote
//! → pricing; nothing below the planes imports them.
//!
//! Deviations from part B, and choices where it leaves room:
//! - Billing periods: a fixed window (`To` set) is a one-time purchase billed
//!   in full at creation, so its `NextMonthCost` is 0 even when the window
//!   reaches past this month. A recurring order is billed at creation from
//!   `From` to the end of the current month (or of `From`'s month when it
//!   starts later; `ImageDates` lists that period), then on each 1st.
//!   `NextMonthCost` prices the next month at zero month-to-date spend.
//! - `CancellationDate` is the last day of the current month for every order.
//! - Only accepted orders renew; an order still in `Review` on the 1st does not.
//! - Status follows the clock for accepted orders: `Preparing` for a day after
//!   acceptance, then `AwaitingSatelliteProducts` until the first image date,
//!   then `UpToDate` (recurring) or `Processing` (fixed window) until the day
//!   after `To`, then `Completed`. No legacy-vocabulary switch.
//! - The list omits `CreatedDate`; details and create include it. Details
//!   omit unknown GUIDs and answer 404 only when none is found.
//! - `recurringOnly` also hides denied (`Canceled`) recurring orders.
//! - Insufficient credits: 400, code 995, `Data: null`. A tile order whose
//!   tiles are all deduplicated away: 400/992 on `TileGuids`.
//! - Random faults: `--fault-rate` splits evenly over 429 (`Retry-After: 1`),
//!   500 and 503; 429 and 5xx bodies are empty. `Latency` sleeps before the
//!   call is carried out, `Hang` after, `Hold` until the test releases it
//!   ([`Handle::release`]). Calls dropped by `CommitThenDrop` are
//!   logged with status 0. No token bucket. `--max-connections N` answers
//!   400/1003 to calls beyond N in flight (see `connections`).
//! - Misbehaviour on request only: `CommitThenFail` (an order stored, then a
//!   429 or 500), `Malformed` list answers, and the [`Modes`] camelCase
//!   answers and a list lagging behind creates by real time.
//! - With a state file, the file's clock wins over [`Config::now`]; API keys
//!   are never written, tenants are keyed by a hash of the key.

pub mod pricing;
pub mod tiles;

mod calls;
mod canonical;
mod clock;
mod config;
mod connections;
mod control;
mod faults;
mod headers;
mod listener;
pub mod models;
mod persist;
mod quote;
mod reply;
mod routes;
mod saver;
pub mod store;
mod validation;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;

use axum::body::Bytes;
use axum::extract::Query;
use axum::http::{HeaderMap, Method, Uri};
use axum::response::Response;
use chrono::{DateTime, Utc};

pub use clearsky::area::{self, AreaRule};
pub use config::{Config, FaultRates, RenewalStop};
pub use control::parse_time;
pub use faults::{Fault, Malformed, Modes};
pub use models::{Catalogue, ServedModel};
pub use store::State;

use clearsky::api::types::TaskOrder;
use faults::Faults;

/// State shared by the server's tasks and the [`Handle`].
struct Shared {
    config: Config,
    /// `(key, tenant id)` of every accepted key.
    keys: Vec<(String, String)>,
    inner: Mutex<Inner>,
    /// Tells the state-file writer that the state changed.
    dirty: saver::Dirty,
    /// API calls that came without `Content-Type: application/json`.
    untyped_calls: std::sync::atomic::AtomicUsize,
    /// API calls being served now (for `--max-connections`).
    in_flight: std::sync::atomic::AtomicUsize,
    /// Calls waiting under [`Fault::Hold`], and the permits that let them go.
    holding: std::sync::atomic::AtomicUsize,
    release: tokio::sync::Semaphore,
}

struct Inner {
    state: State,
    faults: Faults,
    calls: calls::CallLog,
    /// When each order (lower-case GUID) was created, in real time, for a lagging list.
    created_at: std::collections::HashMap<String, std::time::Instant>,
}

impl Shared {
    fn new(config: Config, state: State) -> Self {
        let keys = config.api_keys.iter().map(|k| (k.clone(), store::tenant_id(k))).collect();
        let faults = Faults::new(config.fault_rates.clone(), config.seed);
        Self {
            config,
            keys,
            untyped_calls: std::sync::atomic::AtomicUsize::new(0),
            in_flight: std::sync::atomic::AtomicUsize::new(0),
            holding: std::sync::atomic::AtomicUsize::new(0),
            release: tokio::sync::Semaphore::new(0),
            inner: Mutex::new(Inner {
                state,
                faults,
                calls: calls::CallLog::default(),
                created_at: std::collections::HashMap::new(),
            }),
            dirty: saver::Dirty::default(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Runs `f` on the state, then has the state file written (by
    /// [`saver`], outside this lock, and only if the state differs).
    fn mutate<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        let out = f(&mut self.lock().state);
        self.dirty.mark();
        out
    }
}

/// One call as both planes see it, matched the way ASP.NET routing matches:
/// without regard to the path's case or a trailing `/`, nor to the case of
/// query parameter names.
struct Call<'a> {
    /// `GET`, `POST`, …
    method: &'a str,
    /// The path, lower-cased, without a trailing `/`.
    path: String,
    /// Query parameters with lower-cased names.
    query: Vec<(String, String)>,
    /// The request body.
    body: &'a [u8],
}

/// The one axum handler: `/_emulator…` goes to the control plane, every other
/// path to the API plane.
async fn dispatch(
    axum::extract::State(shared): axum::extract::State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let call = Call {
        method: method.as_str(),
        path: uri.path().trim_end_matches('/').to_ascii_lowercase(),
        query: Query::<Vec<(String, String)>>::try_from_uri(&uri)
            .map(|q| q.0.into_iter().map(|(k, v)| (k.to_ascii_lowercase(), v)).collect())
            .unwrap_or_default(),
        body: &body,
    };
    if call.path.starts_with("/_emulator") {
        control::handle(&shared, &call)
    } else {
        routes::handle(&shared, &call, uri.path(), &headers).await
    }
}

/// A running emulator; dropping it stops the server.
pub struct Handle {
    shared: Arc<Shared>,
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    /// Connections accepted and not yet closed (see `listener`).
    open: Arc<std::sync::atomic::AtomicUsize>,
    thread: Option<JoinHandle<()>>,
    saver: Option<JoinHandle<()>>,
}

/// Starts an emulator on `127.0.0.1` at a free port.
pub fn spawn(config: Config) -> std::io::Result<Handle> {
    serve("127.0.0.1:0", config)
}

/// Starts an emulator listening on `addr` (e.g. `127.0.0.1:8080`), loading the
/// state file when the config names one that exists.
pub fn serve(addr: &str, config: Config) -> std::io::Result<Handle> {
    let loaded = match &config.state_file {
        Some(path) => persist::load(path)?,
        None => None,
    };
    // The file's contents in the form the saver writes, so that a run that
    // changes nothing does not rewrite it (nor does its start).
    let written = loaded.as_ref().and_then(|s| serde_json::to_vec(s).ok());
    let mut state = loaded.unwrap_or_else(|| State::new(&config));
    for key in &config.api_keys {
        state.tenant(&store::tenant_id(key), &config);
    }
    let shared = Arc::new(Shared::new(config, state));
    let saver = match shared.config.state_file.clone() {
        Some(path) => {
            // The file exists and holds the whole state once `serve` returns:
            // written here on first use, or when `tenant` added an account.
            let now = serde_json::to_vec(&shared.lock().state)?;
            if written.as_ref() != Some(&now) {
                persist::save_bytes(&path, &now)?;
            }
            Some(saver::spawn(Arc::clone(&shared), path, Some(now))?)
        }
        None => None,
    };
    let listener = std::net::TcpListener::bind(addr)?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("skyform-emulator")
        .enable_all()
        .build()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let app = axum::Router::new().fallback(dispatch).with_state(Arc::clone(&shared));
    let open = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = Arc::clone(&open);
    let thread =
        std::thread::Builder::new().name("skyform-emulator".to_owned()).spawn(move || {
            runtime.block_on(async move {
                let listener = match tokio::net::TcpListener::from_std(listener) {
                    Ok(l) => listener::Counting::new(l, counted),
                    Err(e) => return tracing::error!("emulator cannot listen: {e}"),
                };
                tokio::select! {
                    res = axum::serve(listener, app) => {
                        if let Err(e) = res {
                            tracing::error!("emulator stopped: {e}");
                        }
                    }
                    _ = stopped => {}
                }
            });
            runtime.shutdown_background();
        })?;
    Ok(Handle { shared, addr, stop: Some(stop), open, thread: Some(thread), saver })
}

impl Handle {
    /// Returns the base URL, `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Returns the address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Returns the first accepted API key.
    pub fn key(&self) -> String {
        self.shared.keys.first().map(|k| k.0.clone()).unwrap_or_default()
    }

    /// Makes the next `faults.len()` calls to `(method, path)` fail as given, in order.
    pub fn script(&self, method: &str, path: &str, faults: Vec<Fault>) {
        self.shared.lock().faults.script(method, path, faults);
    }

    /// Replaces the random fault rates.
    pub fn set_rates(&self, rates: FaultRates) {
        self.shared.lock().faults.set_rates(rates);
    }

    /// Sets how every answer misbehaves from now on (camelCase keys, a lagging list).
    pub fn set_modes(&self, modes: Modes) {
        self.shared.lock().faults.modes = modes;
    }

    /// Forgets every scripted fault not yet used, the random rates and the modes.
    pub fn clear_faults(&self) {
        self.shared.lock().faults.clear();
    }

    /// Returns the emulator's clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.shared.lock().state.now
    }

    /// Sets the clock; crossing 00:00 UTC on a 1st renews recurring orders.
    /// A time outside 2000–2099 is kept to that range.
    pub fn set_now(&self, t: DateTime<Utc>) {
        let t = t.clamp(clock::earliest(), clock::latest());
        self.shared.mutate(|s| s.set_now(t, &self.shared.config.models));
    }

    /// Sets the clock like [`Handle::set_now`], refusing a time outside 2000–2099.
    pub fn try_set_now(&self, t: DateTime<Utc>) -> Result<(), String> {
        let t = clock::check(t)?;
        self.shared.mutate(|s| s.set_now(t, &self.shared.config.models));
        Ok(())
    }

    /// Moves the clock by `d`.
    pub fn advance(&self, d: chrono::Duration) {
        self.shared.mutate(|s| s.advance(d, &self.shared.config.models));
    }

    /// Accepts an order in `Review`; false when there is none with this GUID.
    pub fn accept(&self, guid: &str) -> bool {
        self.shared.mutate(|s| s.accept(guid))
    }

    /// Denies an order in `Review` (it becomes `Canceled`, refunded).
    pub fn deny(&self, guid: &str) -> bool {
        self.shared.mutate(|s| s.deny(guid))
    }

    /// Returns every stored order of every tenant, including cancelled ones.
    pub fn orders(&self) -> Vec<TaskOrder> {
        self.shared.lock().state.all_orders()
    }

    /// Returns the order-credit balance (EUR) of the first key's tenant.
    pub fn balance(&self) -> f64 {
        let tenant = self.shared.keys.first().map(|k| k.1.clone()).unwrap_or_default();
        let inner = self.shared.lock();
        inner.state.tenants.get(&tenant).map_or(self.shared.config.balance_eur, |t| t.balance_eur)
    }

    /// Returns `(method, path, status)` of the latest `/api` calls (up to
    /// 10,000, oldest first); status 0 = dropped.
    pub fn calls(&self) -> Vec<(String, String, u16)> {
        self.shared.lock().calls.to_vec()
    }

    /// Returns how many `/api` calls came without `Content-Type: application/json`.
    pub fn calls_without_content_type(&self) -> usize {
        self.shared.untyped_calls.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Returns how many calls wait under [`Fault::Hold`] now.
    pub fn held(&self) -> usize {
        self.shared.holding.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Lets `n` calls held by [`Fault::Hold`] go on; when fewer are held, the
    /// next ones to be held go on at once.
    pub fn release(&self, n: usize) {
        self.shared.release.add_permits(n);
    }

    /// Returns a copy of the whole state.
    pub fn state(&self) -> State {
        self.shared.lock().state.clone()
    }

    /// Waits until the server is done with every connection made to it before
    /// this call: each call that reached it was carried out or abandoned, and
    /// none is left to change the state later. For tests that stop a client
    /// mid-call (a killed apply) and then look at, or act on, the orders.
    /// Returns false if that takes over `limit`.
    pub fn wait_idle(&self, limit: std::time::Duration) -> bool {
        use std::io::{Read, Write};
        use std::sync::atomic::Ordering;
        let started = std::time::Instant::now();
        // Connections are accepted one at a time, in the order they came: once
        // this one is answered, every earlier one has been accepted and counted.
        let answered = std::net::TcpStream::connect(self.addr).and_then(|mut probe| {
            probe.set_read_timeout(Some(limit))?;
            probe.write_all(
                b"GET /_emulator/clock HTTP/1.1\r\nHost: emulator\r\nConnection: close\r\n\r\n",
            )?;
            probe.read_to_end(&mut Vec::new())
        });
        if answered.is_err() {
            return false;
        }
        while self.open.load(Ordering::SeqCst) > 0 {
            if started.elapsed() > limit {
                return false;
            }
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        true
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        // Last: the final state is written before the handle is gone.
        self.shared.dirty.stop();
        if let Some(saver) = self.saver.take() {
            let _ = saver.join();
        }
    }
}
