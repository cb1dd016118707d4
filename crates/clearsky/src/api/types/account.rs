//! The account: `GET /api/account/info` and the legacy `GET /api/apikey/info`
//! (contract A5.10).
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

/// `Data` of the legacy `GET /api/apikey/info` (contract A5.10, from the Dec
/// 2024 Python models). `Euro*` are order credits; `Credit*` download credits.
///
/// Assumption (no example in the sources): `CurrentMonthCosts` is the EUR the
/// account has spent on orders this calendar month and `NextMonthCosts` the
/// EUR its recurring orders will be billed on the next 1st, both plain numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct ApiKeyInfo {
    /// The key (masked by the server).
    #[serde(default)]
    pub key: Option<String>,
    /// Download credits left.
    #[serde(default)]
    pub credit_amount: Option<f64>,
    /// Order credits left, EUR.
    #[serde(default)]
    pub euro_credit_amount: Option<f64>,
    /// How far below zero the download credits may go.
    #[serde(default)]
    pub credit_limit: Option<f64>,
    /// How far below zero the order credits may go, EUR.
    #[serde(default)]
    pub euro_credit_limit: Option<f64>,
    /// Contact name.
    #[serde(default)]
    pub contact_info: Option<String>,
    /// Contact e-mail.
    #[serde(default)]
    pub email: Option<String>,
    /// Concurrency limit.
    #[serde(default)]
    pub max_concurrent_connections: Option<i64>,
    /// Download area limit.
    #[serde(default)]
    pub max_composite_area_km2: Option<f64>,
    /// Download band limit.
    #[serde(default)]
    pub max_total_bands: Option<i64>,
    /// EUR spent on orders this month.
    #[serde(default)]
    pub current_month_costs: Option<f64>,
    /// EUR the recurring orders will be billed on the next 1st.
    #[serde(default)]
    pub next_month_costs: Option<f64>,
}
