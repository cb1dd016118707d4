//! What the API does to orders: create (with tile deduplication and the
//! credit check), list (with expiry), details and cancel.
//!
//! Pure, no IO.

use chrono::NaiveDate;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use uuid::Uuid;

use super::state::{State, StoredOrder, Tenant, month_key};
use crate::config::{Config, RenewalStop};
use crate::quote;
use crate::reply::Refusal;
use crate::validation::{Aoi, ValidOrder};
use clearsky::api::types::{OrderStatus, TaskOrder};
use clearsky::calendar::{first_of_next_month, month_end};
use clearsky::dedupe;
use clearsky::money::cents;

impl State {
    /// Places an order: deduplicates tiles, checks and deducts credits, stores it.
    pub(crate) fn create(
        &mut self,
        id: &str,
        mut order: ValidOrder,
        config: &Config,
    ) -> Result<TaskOrder, Refusal> {
        let (now, today) = (self.now, self.today());
        let spend = self.month_spend(id);
        let seq = self.orders_created;
        let tenant = self.tenant(id, config);
        if order.tile_deduplication {
            dedupe(tenant, &mut order)?;
        }
        let q = quote::quote(&order, today, spend);
        let cost = q.current_total();
        let available = tenant.balance_eur + config.overdraft_eur;
        if cost > available + 1e-9 {
            return Err(Refusal::insufficient_credits(cost, available));
        }
        let status = if config.auto_accept { OrderStatus::Preparing } else { OrderStatus::Review };
        let shown = q.shown_aoi(&order.aoi);
        let wire = TaskOrder {
            task_order_guid: order_guid(config.seed, seq).to_string(),
            billing_cycle: Some("Monthly".to_owned()),
            ordering_process_status: status,
            storage_months: order.storage_months,
            api_requests: order.api_requests,
            task_order_area_km2: shown.area_km2,
            satellite_constellations: order.constellations,
            model: order.model.name.clone(),
            image_frequency: i64::from(order.image_frequency),
            reference_date: Some(order.reference_date),
            from: order.from,
            to: order.to,
            tiles: shown.tiles,
            mini_tiles: shown.mini_tiles,
            wkt: shown.wkt,
            created_date: Some(now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        };
        tenant.balance_eur = cents(tenant.balance_eur - cost);
        *tenant.spend.entry(month_key(today)).or_default() += cost;
        tenant.orders.push(StoredOrder {
            order: wire.clone(),
            created: now,
            accepted: config.auto_accept.then_some(now),
            removed: false,
            billing: q.billing,
            charges: vec![(month_key(today), cost)],
            paid_through: q.first_period_end,
        });
        self.orders_created += 1;
        Ok(wire)
    }

    /// The tenant's visible orders (`recurringOnly`, `getExpired` as the list endpoint).
    pub(crate) fn list(&self, id: &str, recurring_only: bool, get_expired: bool) -> Vec<TaskOrder> {
        let today = self.today();
        self.visible(id)
            .filter(|o| {
                !recurring_only
                    || (o.order.to.is_none() && !o.order.ordering_process_status.is_canceled())
            })
            .filter(|o| get_expired || !expired(&o.order, today))
            .map(|o| TaskOrder { created_date: None, ..o.order.clone() })
            .collect()
    }

    /// The tenant's visible orders with these GUIDs (any case), with `CreatedDate`.
    pub(crate) fn details(&self, id: &str, guids: &[String]) -> Vec<TaskOrder> {
        self.visible(id)
            .filter(|o| guids.iter().any(|g| o.is(g)))
            .map(|o| o.order.clone())
            .collect()
    }

    fn visible(&self, id: &str) -> impl Iterator<Item = &StoredOrder> {
        self.tenants.get(id).into_iter().flat_map(|t| &t.orders).filter(|o| !o.removed)
    }

    /// Cancels per part B item 9: removes and refunds in `Review`, stops the
    /// renewal of an accepted recurring order (shown as `stop` says), refuses
    /// anything else.
    ///
    /// An accepted recurring order whose first month is still ahead has
    /// produced nothing yet: it is removed and refunded like one in `Review`
    /// (the docs do not cover this case; setting `To` to this month's end
    /// would leave `To` before `From`, and keep a charge for a month never
    /// produced).
    pub(crate) fn cancel(
        &mut self,
        id: &str,
        guid: &str,
        stop: RenewalStop,
    ) -> Result<(), Refusal> {
        let today = self.today();
        let not_found = || Refusal::not_found(format!("Task order '{guid}' was not found"));
        let tenant = self.tenants.get_mut(id).ok_or_else(not_found)?;
        let idx = tenant.orders.iter().position(|o| o.is(guid)).ok_or_else(not_found)?;
        let stored = &tenant.orders[idx];
        let status = &stored.order.ordering_process_status;
        let not_started = stored.order.to.is_none() && stored.order.from > month_end(today);
        if status.is_review() || (not_started && !status.is_canceled()) {
            tenant.refund(idx);
            let o = &mut tenant.orders[idx];
            o.removed = true;
            o.order.ordering_process_status = OrderStatus::Canceled;
            return Ok(());
        }
        if status.is_canceled() || stored.order.to.is_some() {
            return Err(Refusal::field("TaskOrderGuid", "Order cannot be cancelled"));
        }
        let order = &mut tenant.orders[idx].order;
        match stop {
            RenewalStop::MonthEnd => order.to = Some(month_end(today)),
            RenewalStop::Canceled => order.ordering_process_status = OrderStatus::Canceled,
        }
        Ok(())
    }
}

/// Drops the tiles an earlier live order already covers under the same
/// settings (part B item 13; the rule, shared with the plan, is
/// [`clearsky::dedupe`]'s), and refuses when nothing is left.
fn dedupe(tenant: &Tenant, order: &mut ValidOrder) -> Result<(), Refusal> {
    let settings = dedupe::Settings::new(
        &order.model.name,
        &order.constellations,
        i64::from(order.image_frequency),
        order.reference_date,
        order.from,
        order.to,
    );
    let Aoi::Tiles { tiles, minitiles } = &mut order.aoi else { return Ok(()) };
    let orders = tenant.orders.iter().map(|o| &o.order);
    let covered = dedupe::already_ordered(&settings, orders, tiles.iter(), minitiles.iter());
    tiles.retain(|g| !covered.tiles.contains(g));
    minitiles.retain(|g| !covered.minitiles.contains(g));
    if tiles.is_empty() && minitiles.is_empty() {
        return Err(Refusal::field("TileGuids", "All tiles and minitiles are already ordered"));
    }
    Ok(())
}

/// Expired: a fixed window whose storage ended (end of `To`'s month + `StorageMonths` months).
fn expired(order: &TaskOrder, today: NaiveDate) -> bool {
    let Some(mut end) = order.to else { return false };
    for _ in 0..order.storage_months.max(0) {
        end = month_end(first_of_next_month(end));
    }
    today > end
}

/// The `seq`-th order GUID of an emulator seeded with `seed`: a v4 UUID.
fn order_guid(seed: u64, seq: u64) -> Uuid {
    let mut rng = StdRng::seed_from_u64(seed ^ seq.wrapping_mul(0x9e37_79b9_7f4a_7c15));
    uuid::Builder::from_random_bytes(rng.random()).into_uuid()
}
