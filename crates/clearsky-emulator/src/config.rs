//! How an emulator instance is set up: keys, clock, credits, area rule, faults,
//! state file, served models.
//!
//! Pure data, no IO.

use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};

use super::models::Catalogue;
use clearsky::area::AreaRule;

/// Settings of one emulator instance.
#[derive(Debug, Clone)]
pub struct Config {
    /// Accepted `x-api-key` values; each key is its own tenant with its own orders and credits.
    pub api_keys: Vec<String>,
    /// New orders skip `Review` and start in `Preparing`.
    pub auto_accept: bool,
    /// Start of the emulator's clock (ignored when a state file already holds one).
    pub now: DateTime<Utc>,
    /// How polygon AOIs become billable area.
    pub area_rule: AreaRule,
    /// Order credits (EUR) each tenant starts with.
    pub balance_eur: f64,
    /// How far below zero a tenant's balance may go (`EuroOverdraftLimit`).
    pub overdraft_eur: f64,
    /// Seed of order GUIDs and of random faults.
    pub seed: u64,
    /// Latency added to every API call.
    pub latency: Duration,
    /// Random transient faults.
    pub fault_rates: FaultRates,
    /// Keep the whole state in this JSON file, rewritten after every change.
    pub state_file: Option<PathBuf>,
    /// How an accepted recurring order shows once its renewal is stopped.
    pub renewal_stop: RenewalStop,
    /// Most API calls of one emulator served at once; more get 400/1003.
    /// Reported as the account's `MaxConcurrentConnections` (10 when unset).
    pub max_connections: Option<usize>,
    /// The models served, validated against and priced: the built-in
    /// catalogue unless `--models FILE` replaces it.
    pub models: Catalogue,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            api_keys: vec!["sandbox".to_owned()],
            auto_accept: false,
            now: Utc.with_ymd_and_hms(2025, 4, 10, 12, 0, 0).single().unwrap_or_default(),
            area_rule: AreaRule::BoundingBox,
            balance_eur: 10_000.0,
            overdraft_eur: 0.0,
            seed: 0,
            latency: Duration::ZERO,
            fault_rates: FaultRates::default(),
            state_file: None,
            max_connections: None,
            renewal_stop: RenewalStop::MonthEnd,
            models: Catalogue::default(),
        }
    }
}

/// How the order list shows an accepted recurring order whose renewal was
/// stopped ("cancel recurring"). The docs say only that it "remains visible
/// but no longer renews" (D11, D44); these are the two candidates of part B
/// item 9, neither confirmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RenewalStop {
    /// `To` becomes the last day of the current month; the status follows the clock.
    #[default]
    MonthEnd,
    /// `OrderingProcessStatus` becomes `Canceled`; `To` stays null.
    Canceled,
}

/// Probabilities of random faults, drawn per API call from the seeded generator.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultRates {
    /// Share of calls answered 429 (with `Retry-After: retry_after_secs`).
    pub too_many_requests: f64,
    /// `Retry-After` of random 429s, in seconds (1 by default); `None` sends none.
    pub retry_after_secs: Option<u64>,
    /// Share of calls answered 503.
    pub unavailable: f64,
    /// Share of calls answered 500.
    pub server_error: f64,
    /// Share of creates that store the order and then drop the connection.
    pub commit_then_drop: f64,
    /// Extra latency, uniform in `0..=latency_jitter`, on every call.
    pub latency_jitter: Duration,
    /// Only calls to this `(method, path)` get faults; `None` means every API call.
    pub route: Option<(String, String)>,
}

impl Default for FaultRates {
    fn default() -> Self {
        Self {
            too_many_requests: 0.0,
            retry_after_secs: Some(1),
            unavailable: 0.0,
            server_error: 0.0,
            commit_then_drop: 0.0,
            latency_jitter: Duration::ZERO,
            route: None,
        }
    }
}

impl FaultRates {
    /// Splits `p` evenly over 429, 500 and 503 (the CLI's `--fault-rate`).
    pub fn transient(p: f64) -> Self {
        let each = p.clamp(0.0, 1.0) / 3.0;
        Self { too_many_requests: each, unavailable: each, server_error: each, ..Self::default() }
    }
}
