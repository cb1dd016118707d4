//! Failure injection: scripted faults per route ("the next 2 calls to
//! `POST /api/tasking/orders` get a 429"), seeded random faults by rate, and
//! [`Modes`] that hold for every call (camelCase answers, a lagging list).
//!
//! Pure decisions, no IO: the router asks [`Faults::next`] what to do with a
//! call and carries it out.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::config::FaultRates;

/// One injected fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// 429 with no body, and `Retry-After` when given.
    TooManyRequests {
        /// Value of the `Retry-After` header in seconds.
        retry_after_secs: Option<u64>,
    },
    /// 400 with code 1003, "max concurrent requests reached" (docs D19); the
    /// call is not carried out.
    Busy,
    /// 400/992 with one field message: a refusal the call's validation
    /// would not give (the call is not carried out).
    Refused {
        /// The field named.
        field: String,
        /// Its message.
        message: String,
    },
    /// 500 with no body.
    ServerError,
    /// 503 with no body.
    Unavailable,
    /// The call is carried out (a create stores its order), then the connection
    /// is closed without a response.
    CommitThenDrop,
    /// The call is answered normally after this delay.
    Latency(Duration),
    /// The call is carried out at once but answered only after this delay, to
    /// outlive a client timeout.
    Hang(Duration),
    /// The call waits until the test lets it go ([`crate::Handle::release`]),
    /// then is carried out and answered: a call in flight for exactly as long
    /// as the test needs, instead of a guessed [`Fault::Latency`].
    Hold,
    /// The call is carried out (a create stores its order), then answered
    /// with this status and no body, as if it had failed (a 429 after commit).
    CommitThenFail {
        /// The status sent, e.g. 429 or 500.
        status: u16,
        /// Value of the `Retry-After` header in seconds.
        retry_after_secs: Option<u64>,
    },
    /// The call is not carried out; the answer is a 200 with this body.
    Malformed(Malformed),
}

/// A 200 answer skyform must not read as a list of orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Malformed {
    /// `{"Data":{"TaskOrders":null},…}`.
    NullOrders,
    /// `{"Data":{},…}`.
    EmptyData,
    /// The orders under another key: `{"Data":{"Orders":[]},…}`.
    RenamedKey,
    /// An HTML page (a proxy's or a login page).
    Html,
}

impl Malformed {
    /// Every kind, for tests that try them all.
    pub const ALL: [Malformed; 4] =
        [Malformed::NullOrders, Malformed::EmptyData, Malformed::RenamedKey, Malformed::Html];

    /// The body sent, and its content type.
    pub fn body(self) -> (&'static str, &'static str) {
        const JSON: &str = "application/json; charset=utf-8";
        match self {
            Self::NullOrders => {
                (r#"{"Data":{"TaskOrders":null},"Succeeded":true,"Error":null}"#, JSON)
            }
            Self::EmptyData => (r#"{"Data":{},"Succeeded":true,"Error":null}"#, JSON),
            Self::RenamedKey => (r#"{"Data":{"Orders":[]},"Succeeded":true,"Error":null}"#, JSON),
            Self::Html => (
                "<!DOCTYPE html><html><body><h1>Sign in</h1></body></html>",
                "text/html; charset=utf-8",
            ),
        }
    }
}

/// Ways every answer misbehaves until changed, unlike a [`Fault`], which hits one call.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Modes {
    /// Every JSON answer's keys start with a lower-case letter (`data`, `taskOrderGuid`).
    pub camel_case: bool,
    /// The order list (`GET /api/tasking/orders`) leaves out orders created
    /// less than this long ago, in real time.
    pub list_lag: Duration,
    /// Estimates quote this percent of what a create then charges (a server
    /// whose estimates are wrong); `None` quotes the price charged.
    pub estimate_percent: Option<u32>,
}

/// Scripts and rates; one per emulator.
#[derive(Debug)]
pub(crate) struct Faults {
    scripts: HashMap<(String, String), VecDeque<Fault>>,
    rates: FaultRates,
    rng: StdRng,
    /// Misbehaviour of every answer.
    pub(crate) modes: Modes,
}

impl Faults {
    /// No scripts, the given rates, a generator seeded with `seed`.
    pub(crate) fn new(rates: FaultRates, seed: u64) -> Self {
        Self {
            scripts: HashMap::new(),
            rates,
            rng: StdRng::seed_from_u64(seed),
            modes: Modes::default(),
        }
    }

    /// Queues `faults` for the next calls to `(method, path)`, after any already queued.
    pub(crate) fn script(&mut self, method: &str, path: &str, faults: Vec<Fault>) {
        self.scripts.entry(route_key(method, path)).or_default().extend(faults);
    }

    /// Replaces the random rates.
    pub(crate) fn set_rates(&mut self, rates: FaultRates) {
        self.rates = rates;
    }

    /// Forgets every script, rate and mode.
    pub(crate) fn clear(&mut self) {
        self.scripts.clear();
        self.rates = FaultRates::default();
        self.modes = Modes::default();
    }

    /// Decides the fault for one call: the route's next scripted fault, else a random one.
    pub(crate) fn next(&mut self, method: &str, path: &str) -> Option<Fault> {
        let key = route_key(method, path);
        if let Some(fault) = self.scripts.get_mut(&key).and_then(VecDeque::pop_front) {
            return Some(fault);
        }
        let rates = &self.rates;
        if rates.route.as_ref().is_some_and(|r| route_key(&r.0, &r.1) != key) {
            return None;
        }
        let roll: f64 = self.rng.random();
        let is_create = key == route_key("POST", "/api/tasking/orders");
        let mut edge = rates.too_many_requests;
        if roll < edge {
            return Some(Fault::TooManyRequests { retry_after_secs: rates.retry_after_secs });
        }
        edge += rates.unavailable;
        if roll < edge {
            return Some(Fault::Unavailable);
        }
        edge += rates.server_error;
        if roll < edge {
            return Some(Fault::ServerError);
        }
        edge += rates.commit_then_drop;
        if is_create && roll < edge {
            return Some(Fault::CommitThenDrop);
        }
        if rates.latency_jitter > Duration::ZERO {
            let jitter = self.rng.random_range(0.0..=1.0) * rates.latency_jitter.as_secs_f64();
            return Some(Fault::Latency(Duration::from_secs_f64(jitter)));
        }
        None
    }
}

/// Routes are matched without regard to the method's or the path's case, or a trailing `/`.
fn route_key(method: &str, path: &str) -> (String, String) {
    (method.to_ascii_uppercase(), path.trim_end_matches('/').to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripted_faults_come_in_order_then_stop() {
        let mut f = Faults::new(FaultRates::default(), 1);
        f.script("post", "/api/tasking/orders/", vec![Fault::ServerError, Fault::Unavailable]);
        assert_eq!(f.next("GET", "/api/tasking/orders"), None);
        assert_eq!(f.next("POST", "/API/tasking/orders"), Some(Fault::ServerError));
        assert_eq!(f.next("POST", "/api/tasking/orders"), Some(Fault::Unavailable));
        assert_eq!(f.next("POST", "/api/tasking/orders"), None);
    }

    #[test]
    fn random_faults_are_reproducible_and_near_their_rate() {
        let draw = |seed| {
            let mut f = Faults::new(FaultRates::transient(0.3), seed);
            (0..3000).map(|_| f.next("GET", "/api/tasking/orders")).collect::<Vec<_>>()
        };
        let a = draw(7);
        assert_eq!(a, draw(7));
        let hits = a.iter().filter(|x| x.is_some()).count();
        assert!((800..1000).contains(&hits), "{hits} faults in 3000 calls at rate 0.3");
    }

    #[test]
    fn a_route_filter_spares_other_routes() {
        let rates = FaultRates {
            server_error: 1.0,
            route: Some(("GET".into(), "/api/account/info".into())),
            ..FaultRates::default()
        };
        let mut f = Faults::new(rates, 0);
        assert_eq!(f.next("GET", "/api/tasking/models"), None);
        assert_eq!(f.next("GET", "/api/account/info"), Some(Fault::ServerError));
    }
}
