//! The monthly invoice of recurring orders, and the legacy account view that
//! reports it: what the 1st bills, computed once for both the renewal itself
//! and `GET /api/apikey/info`'s `NextMonthCosts`.
//!
//! Pure, no IO. Recurring billing is one invoice on the 1st for all active
//! recurring orders (contract A8, docs D36); the orders are billed one after
//! the other in creation order as one progressive sequence from the new
//! month's spend (zero on a fresh month), so later orders of a large account
//! fall into cheaper bands (docs, Pricing & Billing → Monthly Spend Tiers).

use std::sync::Arc;

use chrono::NaiveDate;

use super::state::{State, Tenant};
use crate::config::Config;
use crate::models::{Catalogue, ServedModel};
use clearsky::api::types::ApiKeyInfo;
use clearsky::calendar::{first_of_next_month, image_dates, month_end};
use clearsky::money::cents;

impl Tenant {
    /// What renewing on `start` (a 1st) bills each live accepted recurring
    /// order, by index, in creation order; `spend` is the month's spend so far.
    /// Prices come from the served catalogue `models`; an order whose model it
    /// no longer serves (a state file kept across a change of `--models`) is
    /// priced as [`ServedModel::unlisted`] says.
    pub(super) fn renewal_charges(
        &self,
        start: NaiveDate,
        mut spend: f64,
        models: &Catalogue,
    ) -> Vec<(usize, f64)> {
        let mut charges = Vec::new();
        for (i, o) in self.orders.iter().enumerate() {
            let live = !o.removed
                && o.accepted.is_some()
                && o.order.to.is_none()
                && !o.order.ordering_process_status.is_canceled()
                && o.paid_through < start;
            if !live {
                continue;
            }
            let w = &o.order;
            let model = models
                .model(&w.model)
                .cloned()
                .unwrap_or_else(|| Arc::new(ServedModel::unlisted(&w.model)));
            let images = image_dates(
                w.reference_date.unwrap_or(w.from),
                u32::try_from(w.image_frequency).unwrap_or(1),
                start,
                month_end(start),
            );
            let price = o.billing.price(
                &model,
                &w.satellite_constellations,
                images.len(),
                spend,
                w.storage_months,
            );
            let cost = cents(price.order_cost + price.storage_cost);
            spend += cost;
            charges.push((i, cost));
        }
        charges
    }
}

impl State {
    /// `GET /api/apikey/info` for a tenant: credits and limits as configured,
    /// this month's spend, and what the next 1st would bill.
    pub(crate) fn apikey_info(&self, id: &str, config: &Config) -> ApiKeyInfo {
        let account = self.account(id, config);
        let next = first_of_next_month(self.today());
        let next_month = self.tenants.get(id).map_or(0.0, |t| {
            t.renewal_charges(next, 0.0, &config.models).iter().map(|(_, c)| c).sum()
        });
        ApiKeyInfo {
            key: Some("****".to_owned()),
            credit_amount: Some(0.0),
            euro_credit_amount: account.euro_credit_amount,
            credit_limit: Some(0.0),
            euro_credit_limit: Some(config.overdraft_eur),
            contact_info: None,
            email: None,
            max_concurrent_connections: account.max_concurrent_connections,
            max_composite_area_km2: account.max_composite_area_km2,
            max_total_bands: account.max_total_bands,
            current_month_costs: Some(cents(self.month_spend(id))),
            next_month_costs: Some(cents(next_month)),
        }
    }
}
