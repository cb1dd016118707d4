//! The account: `GET /api/account/info`.
//!
//! Pure data, no IO.

use serde::{Deserialize, Serialize};

/// `Data` of `GET /api/account/info`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct AccountInfo {
    /// Tenant id.
    #[serde(default)]
    pub tenant_id: Option<String>,
    /// Concurrency limit.
    #[serde(default)]
    pub max_concurrent_connections: Option<i64>,
    /// Download area limit.
    #[serde(default)]
    pub max_composite_area_km2: Option<f64>,
    /// Download band limit.
    #[serde(default)]
    pub max_total_bands: Option<i64>,
    /// How far below zero the order-credit balance may go.
    #[serde(default)]
    pub euro_overdraft_limit: Option<f64>,
    /// Most order credits the account may hold.
    #[serde(default)]
    pub euro_balance_cap: Option<f64>,
    /// Current order-credit balance (legacy `EuroCreditAmount`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub euro_credit_amount: Option<f64>,
}
