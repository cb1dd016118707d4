//! The emulator's whole state and every rule that changes it: tenants and
//! their credits, orders and their lifecycle, the clock and monthly renewal.
//!
//! Pure, no IO: the router locks it, calls one method and persists it.
//! The state is serializable as is (it is the `--state` file and the
//! `/_emulator/state` dump); API keys are never stored, tenants are keyed by a
//! hash of the key.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::config::Config;
use super::dates::{first_of_next_month, image_dates, month_end};
use super::pricing::{self, Price, PriceInput};
use super::quote;
use super::tiles;
use super::validation::{Aoi, ValidOrder};
use crate::api::types::{AccountInfo, FieldErrors, OrderStatus, TaskOrder, TileRef, codes};
use crate::calendar::month_key;
use crate::catalog::Model;
use crate::money::cents;

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

/// How one image of an order is billed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Billing {
    /// Billed km² per image.
    pub km2_per_image: f64,
    /// Order-mode multiplier (1.0 polygon, 0.2 tile, 0.5 minitile, or a weighted mix).
    pub mode_multiplier: f64,
}

impl Billing {
    /// The billing of an AOI.
    pub(crate) fn of(aoi: &Aoi) -> Self {
        match aoi {
            Aoi::Polygons(a) => Self { km2_per_image: a.area_km2, mode_multiplier: 1.0 },
            Aoi::Tiles { tiles, minitiles } => {
                let (km2, mult) = pricing::tile_mode(tiles.len(), minitiles.len());
                Self { km2_per_image: km2, mode_multiplier: mult }
            }
        }
    }

    /// Prices `images` images at the given month-to-date spend.
    pub(crate) fn price(
        self,
        model: &Model,
        constellations: &[String],
        images: usize,
        spend: f64,
        storage_months: i64,
    ) -> Price {
        pricing::price(&PriceInput {
            model,
            constellations,
            km2_per_image: self.km2_per_image,
            images,
            mode_multiplier: self.mode_multiplier,
            month_to_date_spend: spend,
            storage_months: u32::try_from(storage_months).unwrap_or(1),
        })
    }
}

/// A refused request: HTTP status, error code, message and per-field data.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Refusal {
    /// 400 or 404.
    pub(crate) status: u16,
    /// `Error.Code`.
    pub(crate) code: i64,
    /// `Error.Message`.
    pub(crate) message: String,
    /// `Data`.
    pub(crate) fields: Option<FieldErrors>,
}

impl Refusal {
    fn invalid(field: &str, msg: &str) -> Self {
        let mut fields = FieldErrors::new();
        fields.insert(field.to_owned(), vec![msg.to_owned()]);
        Self {
            status: 400,
            code: codes::VALIDATION,
            message: "One or more validation errors occurred.".to_owned(),
            fields: Some(fields),
        }
    }

    fn not_found(guid: &str) -> Self {
        Self {
            status: 404,
            code: codes::NOT_FOUND,
            message: format!("Task order '{guid}' was not found"),
            fields: None,
        }
    }
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

    fn today(&self) -> NaiveDate {
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
            return Err(Refusal {
                status: 400,
                code: codes::INSUFFICIENT_ORDER_CREDITS,
                message: format!(
                    "Insufficient order credits: the order costs {cost:.2} EUR, {available:.2} EUR available"
                ),
                fields: None,
            });
        }
        let guid = order_guid(config.seed, seq);
        let status = if config.auto_accept { OrderStatus::Preparing } else { OrderStatus::Review };
        let (area, wkt, tiles, minitiles) = match &order.aoi {
            Aoi::Polygons(a) => (a.area_km2, Some(a.wkt.clone()), vec![], vec![]),
            Aoi::Tiles { tiles, minitiles } => {
                (cents(q.billing.km2_per_image), None, refs(tiles), refs(minitiles))
            }
        };
        let wire = TaskOrder {
            task_order_guid: guid.to_string(),
            billing_cycle: Some("Monthly".to_owned()),
            ordering_process_status: status,
            storage_months: order.storage_months,
            api_requests: order.api_requests,
            task_order_area_km2: area,
            satellite_constellations: order.constellations.clone(),
            model: order.model.api_name.to_owned(),
            image_frequency: i64::from(order.image_frequency),
            reference_date: Some(order.reference_date),
            from: order.from,
            to: order.to,
            tiles,
            mini_tiles: minitiles,
            wkt,
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
            .filter(|o| {
                guids.iter().any(|g| g.trim().eq_ignore_ascii_case(&o.order.task_order_guid))
            })
            .map(|o| o.order.clone())
            .collect()
    }

    fn visible(&self, id: &str) -> impl Iterator<Item = &StoredOrder> {
        self.tenants.get(id).into_iter().flat_map(|t| &t.orders).filter(|o| !o.removed)
    }

    /// Cancels per part B item 9: removes and refunds in `Review`, stops the
    /// renewal of an accepted recurring order, refuses anything else.
    pub(crate) fn cancel(&mut self, id: &str, guid: &str) -> Result<(), Refusal> {
        let today = self.today();
        let tenant = self.tenants.get_mut(id).ok_or_else(|| Refusal::not_found(guid))?;
        let idx = tenant
            .orders
            .iter()
            .position(|o| !o.removed && o.order.task_order_guid.eq_ignore_ascii_case(guid.trim()))
            .ok_or_else(|| Refusal::not_found(guid))?;
        let stored = &tenant.orders[idx];
        let status = &stored.order.ordering_process_status;
        if status.is_review() {
            refund(tenant, idx);
            let o = &mut tenant.orders[idx];
            o.removed = true;
            o.order.ordering_process_status = OrderStatus::Canceled;
            return Ok(());
        }
        if status.is_canceled() || stored.order.to.is_some() {
            return Err(Refusal::invalid("TaskOrderGuid", "Order cannot be cancelled"));
        }
        tenant.orders[idx].order.to = Some(month_end(today));
        Ok(())
    }

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
            let found = tenant.orders.iter().position(|o| {
                !o.removed
                    && o.order.ordering_process_status.is_review()
                    && o.order.task_order_guid.eq_ignore_ascii_case(guid.trim())
            });
            if let Some(idx) = found {
                refund(tenant, idx);
                tenant.orders[idx].order.ordering_process_status = OrderStatus::Canceled;
                return true;
            }
        }
        false
    }

    fn find_mut(&mut self, guid: &str) -> Option<&mut StoredOrder> {
        self.tenants
            .values_mut()
            .flat_map(|t| &mut t.orders)
            .find(|o| !o.removed && o.order.task_order_guid.eq_ignore_ascii_case(guid.trim()))
    }

    /// Moves the clock; crossing 00:00 UTC on a 1st renews recurring orders
    /// (part B item 10). Moving back renews nothing.
    pub(crate) fn set_now(&mut self, t: DateTime<Utc>) {
        let mut start = first_of_next_month(self.today());
        while start <= t.date_naive() {
            self.renew(start);
            start = first_of_next_month(start);
        }
        self.now = t;
        self.progress();
    }

    /// Moves the clock forward (or back) by `d`.
    pub(crate) fn advance(&mut self, d: Duration) {
        self.set_now(self.now + d);
    }

    fn renew(&mut self, start: NaiveDate) {
        let month = month_key(start);
        for tenant in self.tenants.values_mut() {
            for i in 0..tenant.orders.len() {
                let o = &tenant.orders[i];
                let live = !o.removed
                    && o.accepted.is_some()
                    && o.order.to.is_none()
                    && !o.order.ordering_process_status.is_canceled()
                    && o.paid_through < start;
                if !live {
                    continue;
                }
                let w = &o.order;
                let images = image_dates(
                    w.reference_date.unwrap_or(w.from),
                    u32::try_from(w.image_frequency).unwrap_or(1),
                    start,
                    month_end(start),
                );
                let Some(model) = crate::catalog::model(&w.model) else { continue };
                let spend = tenant.spend.get(&month).copied().unwrap_or(0.0);
                let price = o.billing.price(
                    model,
                    &w.satellite_constellations,
                    images.len(),
                    spend,
                    w.storage_months,
                );
                let cost = cents(price.order_cost + price.storage_cost);
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

    /// `GET /api/account/info` for a tenant.
    pub(crate) fn account(&self, id: &str, config: &Config) -> AccountInfo {
        let mut bytes = [0u8; 16];
        let hash = Sha256::digest(id.as_bytes());
        bytes.copy_from_slice(&hash[..16]);
        AccountInfo {
            tenant_id: Some(Uuid::from_bytes(bytes).to_string()),
            max_concurrent_connections: Some(10),
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
}

fn refs(guids: &[Uuid]) -> Vec<TileRef> {
    guids.iter().map(|g| TileRef { guid: g.to_string(), wkt: None }).collect()
}

fn refund(tenant: &mut Tenant, idx: usize) {
    for (month, eur) in std::mem::take(&mut tenant.orders[idx].charges) {
        tenant.balance_eur = cents(tenant.balance_eur + eur);
        if let Some(s) = tenant.spend.get_mut(&month) {
            *s = cents(*s - eur).max(0.0);
        }
    }
}

/// Drops the tiles an earlier live order with the same model, constellations
/// and an overlapping period already covers (part B item 13).
fn dedupe(tenant: &Tenant, order: &mut ValidOrder) -> Result<(), Refusal> {
    let Aoi::Tiles { tiles, minitiles } = &mut order.aoi else { return Ok(()) };
    let set = |v: &[String]| v.iter().map(|s| s.to_ascii_lowercase()).collect::<BTreeSet<_>>();
    let wanted = set(&order.constellations);
    let end = |to: Option<NaiveDate>| to.unwrap_or(NaiveDate::MAX);
    let ordered: BTreeSet<Uuid> = tenant
        .orders
        .iter()
        .map(|o| &o.order)
        .filter(|w| !w.ordering_process_status.is_canceled())
        .filter(|w| w.model.eq_ignore_ascii_case(order.model.api_name))
        .filter(|w| set(&w.satellite_constellations) == wanted)
        .filter(|w| w.from <= end(order.to) && order.from <= end(w.to))
        .flat_map(|w| w.tiles.iter().chain(&w.mini_tiles))
        .filter_map(|t| Uuid::parse_str(&t.guid).ok())
        .collect();
    tiles.retain(|g| !tiles::covered(&ordered, *g));
    minitiles.retain(|g| !tiles::covered(&ordered, *g));
    if tiles.is_empty() && minitiles.is_empty() {
        return Err(Refusal::invalid("TileGuids", "All tiles and minitiles are already ordered"));
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
pub(crate) fn order_guid(seed: u64, seq: u64) -> Uuid {
    let mut rng = StdRng::seed_from_u64(seed ^ seq.wrapping_mul(0x9e37_79b9_7f4a_7c15));
    uuid::Builder::from_random_bytes(rng.random()).into_uuid()
}
