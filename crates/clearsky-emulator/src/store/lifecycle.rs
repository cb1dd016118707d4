//! What time and ClearSKY do to orders: accept and deny (control plane),
//! monthly renewal when the clock crosses a 1st, and each accepted order's
//! status recomputed from the clock.
//!
//! Pure, no IO.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::state::{State, StoredOrder, month_key};
use crate::clock;
use crate::models::Catalogue;
use clearsky::api::types::OrderStatus;
use clearsky::calendar::{first_of_next_month, image_dates, month_end};
use clearsky::money::cents;

impl State {
    /// Control plane: ClearSKY accepts an order in `Review`.
    pub(crate) fn accept(&mut self, guid: &str) -> bool {
        let now = self.now;
        let Some(o) = self.find_mut(guid) else { return false };
        if !o.order.ordering_process_status.is_review() {
            return false;
        }
        o.accepted = Some(now);
        o.order.ordering_process_status = OrderStatus::Preparing;
        self.progress();
        true
    }

    /// Control plane: ClearSKY denies an order in `Review`: `Canceled`, refunded.
    pub(crate) fn deny(&mut self, guid: &str) -> bool {
        for tenant in self.tenants.values_mut() {
            let found = tenant
                .orders
                .iter()
                .position(|o| o.is(guid) && o.order.ordering_process_status.is_review());
            if let Some(idx) = found {
                tenant.refund(idx);
                tenant.orders[idx].order.ordering_process_status = OrderStatus::Canceled;
                return true;
            }
        }
        false
    }

    fn find_mut(&mut self, guid: &str) -> Option<&mut StoredOrder> {
        self.tenants.values_mut().flat_map(|t| &mut t.orders).find(|o| o.is(guid))
    }

    /// Moves the clock; crossing 00:00 UTC on a 1st renews recurring orders
    /// (part B item 10) at the prices of `models`. Moving back renews nothing.
    pub(crate) fn set_now(&mut self, t: DateTime<Utc>, models: &Catalogue) {
        let mut start = first_of_next_month(self.today());
        while start <= t.date_naive() {
            self.renew(start, models);
            start = first_of_next_month(start);
        }
        self.now = t;
        self.progress();
    }

    /// Moves the clock forward (or back) by `d`, kept within 2000–2099.
    pub(crate) fn advance(&mut self, d: Duration, models: &Catalogue) {
        let t = self.now.checked_add_signed(d).unwrap_or(if d < Duration::zero() {
            clock::earliest()
        } else {
            clock::latest()
        });
        self.set_now(t.clamp(clock::earliest(), clock::latest()), models);
    }

    /// Bills every live accepted recurring order for the month starting
    /// `start`, as one progressive sequence (see `renewal`).
    fn renew(&mut self, start: NaiveDate, models: &Catalogue) {
        let month = month_key(start);
        for tenant in self.tenants.values_mut() {
            let spend = tenant.spend.get(&month).copied().unwrap_or(0.0);
            for (i, cost) in tenant.renewal_charges(start, spend, models) {
                tenant.balance_eur = cents(tenant.balance_eur - cost);
                *tenant.spend.entry(month.clone()).or_default() += cost;
                let o = &mut tenant.orders[i];
                o.charges.push((month.clone(), cost));
                o.paid_through = month_end(start);
            }
        }
    }

    /// Recomputes the status of every accepted order from the clock.
    fn progress(&mut self) {
        let now = self.now;
        let today = now.date_naive();
        for o in self.tenants.values_mut().flat_map(|t| &mut t.orders) {
            let Some(accepted) = o.accepted else { continue };
            let w = &mut o.order;
            if o.removed || w.ordering_process_status.is_canceled() {
                continue;
            }
            let produced = !image_dates(
                w.reference_date.unwrap_or(w.from),
                u32::try_from(w.image_frequency).unwrap_or(1),
                w.from,
                today,
            )
            .is_empty();
            w.ordering_process_status = match w.to {
                Some(to) if today > to => OrderStatus::Completed,
                _ if now - accepted < Duration::days(1) => OrderStatus::Preparing,
                None if produced => OrderStatus::UpToDate,
                Some(_) if produced => OrderStatus::Processing,
                _ => OrderStatus::AwaitingSatelliteProducts,
            };
        }
    }
}
