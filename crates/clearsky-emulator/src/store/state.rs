//! The state's types: tenants, their credits and monthly spend, stored orders
//! with the bookkeeping the API does not show; and the small readers the
//! rules in `orders` and `lifecycle` share.
//!
//! Pure, no IO. Serializable as is: it is the `--state` file.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::config::Config;
use crate::pricing::Billing;
use clearsky::api::types::{AccountInfo, TaskOrder};
pub(super) use clearsky::calendar::month_key;
use clearsky::money::cents;

/// Everything the emulator remembers.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct State {
    /// The emulator's clock.
    pub now: DateTime<Utc>,
    /// Orders created so far; numbers the seeded order GUIDs.
    pub orders_created: u64,
    /// Tenants by id (a hash of the API key).
    pub tenants: BTreeMap<String, Tenant>,
}

/// One account.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Tenant {
    /// Order credits left, EUR (negative within the overdraft).
    pub balance_eur: f64,
    /// EUR spent per calendar month (`YYYY-MM`), for the spend tiers.
    pub spend: BTreeMap<String, f64>,
    /// Orders in creation order, including those cancelled in `Review`.
    pub orders: Vec<StoredOrder>,
}

/// An order with the bookkeeping the API does not show.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StoredOrder {
    /// The order as the API shows it.
    pub order: TaskOrder,
    /// When it was placed.
    pub created: DateTime<Utc>,
    /// When ClearSKY accepted it; `None` while in `Review` or when denied.
    pub accepted: Option<DateTime<Utc>>,
    /// Cancelled in `Review`: gone from every API answer.
    pub removed: bool,
    /// How an image is billed.
    pub billing: Billing,
    /// Every charge: (month `YYYY-MM`, EUR).
    pub charges: Vec<(String, f64)>,
    /// Last day billed so far.
    pub paid_through: NaiveDate,
}

/// The tenant id of an API key: a hash, so that state files never hold keys.
pub(crate) fn tenant_id(key: &str) -> String {
    hex::encode(&Sha256::digest(key.as_bytes())[..8])
}

impl State {
    /// A fresh state with one tenant per configured key.
    pub(crate) fn new(config: &Config) -> Self {
        let tenants = config
            .api_keys
            .iter()
            .map(|k| (tenant_id(k), Tenant::new(config.balance_eur)))
            .collect();
        Self { now: config.now, orders_created: 0, tenants }
    }

    /// The clock's date (UTC).
    pub(super) fn today(&self) -> NaiveDate {
        self.now.date_naive()
    }

    /// The tenant, created with the configured balance on first use.
    pub(crate) fn tenant(&mut self, id: &str, config: &Config) -> &mut Tenant {
        self.tenants.entry(id.to_owned()).or_insert_with(|| Tenant::new(config.balance_eur))
    }

    /// EUR the tenant spent in the current month.
    pub(crate) fn month_spend(&self, id: &str) -> f64 {
        let month = month_key(self.today());
        self.tenants.get(id).and_then(|t| t.spend.get(&month)).copied().unwrap_or(0.0)
    }

    /// `GET /api/account/info` for a tenant.
    pub(crate) fn account(&self, id: &str, config: &Config) -> AccountInfo {
        let mut bytes = [0u8; 16];
        let hash = Sha256::digest(id.as_bytes());
        bytes.copy_from_slice(&hash[..16]);
        AccountInfo {
            tenant_id: Some(Uuid::from_bytes(bytes).to_string()),
            // The docs publish no number; 10 is the emulator's (part B item 18).
            max_concurrent_connections: Some(
                config.max_connections.and_then(|n| i64::try_from(n).ok()).unwrap_or(10),
            ),
            max_composite_area_km2: Some(10_000.0),
            max_total_bands: Some(20),
            euro_overdraft_limit: Some(config.overdraft_eur),
            euro_balance_cap: Some(1_000_000.0),
            euro_credit_amount: Some(
                self.tenants.get(id).map_or(config.balance_eur, |t| t.balance_eur),
            ),
        }
    }

    /// Every stored order of every tenant, including cancelled ones.
    pub(crate) fn all_orders(&self) -> Vec<TaskOrder> {
        let mut all: Vec<&StoredOrder> = self.tenants.values().flat_map(|t| &t.orders).collect();
        all.sort_by_key(|o| o.created);
        all.into_iter().map(|o| o.order.clone()).collect()
    }
}

impl Tenant {
    fn new(balance_eur: f64) -> Self {
        Self { balance_eur, spend: BTreeMap::new(), orders: Vec::new() }
    }

    /// Pays back every charge of the order at `idx` and takes it off the monthly spend.
    pub(super) fn refund(&mut self, idx: usize) {
        for (month, eur) in std::mem::take(&mut self.orders[idx].charges) {
            self.balance_eur = cents(self.balance_eur + eur);
            if let Some(s) = self.spend.get_mut(&month) {
                *s = cents(*s - eur).max(0.0);
            }
        }
    }
}

impl StoredOrder {
    /// Tells whether this is the visible order with this GUID (any case).
    pub(super) fn is(&self, guid: &str) -> bool {
        !self.removed && self.order.task_order_guid.eq_ignore_ascii_case(guid.trim())
    }
}
