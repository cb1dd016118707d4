//! The account before and after a plan: credit balance, this month's spend,
//! and next month's recurring invoice; and the credits guard.
//!
//! Pure, no IO: [`summarize`] reads the priced plan, the live orders and what
//! the account endpoints said ([`AccountStart`]). Every figure is EUR.
//!
//! - Creates are charged in plan order before any cancel (that is how apply
//!   runs), so the month's spend after is the spend before plus the chained
//!   creates, minus the refunds of `Review` cancels.
//! - A refund is what the order was charged, which no endpoint tells.
//!   Assumption: the order was the last one placed before the plan (orders in
//!   `Review` are the newest), so its charge is the top of the month's spend
//!   ([`tiers::charge_ending_at`]), for its images from `From` to the end of
//!   its first billed month.
//! - Next month's invoice bills every live recurring order on the 1st as one
//!   progressive sequence from zero spend, in creation order (the list's
//!   order), then this plan's new recurring orders in plan order (contract A8,
//!   docs D36; Monthly Spend Tiers). It is computed here from the list and the
//!   published rates ([`clearsky::tariff`], the formula the emulator bills
//!   by), so it costs no API call however many recurring orders
//!   the account has. Assumption: orders still in `Review` are accepted by then.
//!   Each new recurring create's `monthly` becomes its marginal share of it.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{Action, CancelEffect, Cost, Plan};
use clearsky::api::types::{OrderRequest, TaskOrder};
use clearsky::calendar::{self, first_of_next_month, month_end};
use clearsky::catalog;
use clearsky::money::cents;
use clearsky::tariff::{self, Area, ListPrice};
use clearsky::tiers;

/// Where the account stands before the plan, as the account endpoints said.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct AccountStart {
    /// Order credits, EUR.
    pub credit_balance: Option<f64>,
    /// How far below zero the balance may go, EUR.
    pub overdraft: Option<f64>,
    /// EUR spent on orders this month.
    pub month_spend: Option<f64>,
    /// One line per figure the endpoints did not give, saying what was assumed.
    pub notes: Vec<String>,
}

impl AccountStart {
    /// The spend the chain starts from: the month's spend, or 0 when unknown
    /// (the dearest band: a plan is never cheaper than the bill for want of it).
    pub fn chain_start(&self) -> f64 {
        self.month_spend.unwrap_or(0.0)
    }
}

/// One figure before and after the plan; `null` with a `reason` where unknown.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Figure {
    /// Before the plan.
    pub before: Option<f64>,
    /// After the plan is applied.
    pub after: Option<f64>,
    /// Why a figure is unknown.
    pub reason: Option<String>,
}

/// The account before → after the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountSummary {
    /// Currency of every figure (`EUR`).
    pub currency: String,
    /// Order credits.
    pub credit_balance: Figure,
    /// This month's spend, which decides the spend-tier band.
    pub month_spend: Figure,
    /// What the recurring orders will be billed on the next 1st.
    pub next_month_recurring: Figure,
    /// EUR the creates need beyond the balance plus overdraft; `None` when they
    /// fit or the balance is unknown. A plan with a shortfall is blocked.
    pub credit_shortfall: Option<f64>,
    /// True when the creates must reach the API one at a time in plan order for
    /// the bill to match (models of two families across a band boundary).
    pub ordered_creates: bool,
    /// Assumptions made for figures the API did not give.
    pub notes: Vec<String>,
}

/// Computes `plan.account` and the chained `monthly` of each new recurring create.
pub fn summarize(plan: &mut Plan, live: &[TaskOrder], start: &AccountStart) {
    let spend = start.chain_start();
    let mut creates = 0.0;
    // The discount columns the creates are billed in: a model skyform does
    // not know counts as a column of its own, as nothing says which it shares.
    let mut families = BTreeSet::new();
    for c in plan.changes.iter().filter(|c| matches!(c.action, Action::Create | Action::Replace)) {
        if let Cost::Priced(p) = &c.cost {
            creates += p.current_month;
        }
        if let Some(r) = &c.request {
            families.insert(catalog::model(&r.model).map_or_else(
                || format!("model {}", r.model.to_ascii_lowercase()),
                |m| format!("{:?}", m.family),
            ));
        }
    }
    let refunds = refunds(plan, live, spend);
    let month_spend = Figure {
        before: start.month_spend,
        after: start.month_spend.map(|s| cents((s + creates - refunds).max(0.0))),
        reason: start.month_spend.is_none().then(|| "the account endpoints give none".to_owned()),
    };
    let credit_balance = Figure {
        before: start.credit_balance,
        after: start.credit_balance.map(|b| cents(b - creates + refunds)),
        reason: start
            .credit_balance
            .is_none()
            .then(|| "the account endpoints give none".to_owned()),
    };
    let available = start.credit_balance.map(|b| b + start.overdraft.unwrap_or(0.0));
    let credit_shortfall = available.map(|a| cents(creates - a)).filter(|s| *s > 0.0);
    let next_month_recurring = next_month(plan, live);
    plan.account = Some(AccountSummary {
        currency: super::BUDGET_CURRENCY.to_owned(),
        credit_balance,
        month_spend,
        next_month_recurring,
        credit_shortfall,
        ordered_creates: families.len() > 1 && tiers::band(spend) != tiers::band(spend + creates),
        notes: start.notes.clone(),
    });
}

/// The refunds of the plan's `Review` cancels, walked down from `spend`.
fn refunds(plan: &Plan, live: &[TaskOrder], spend: f64) -> f64 {
    let mut top = spend;
    let mut total = 0.0;
    let by_guid: HashMap<&str, &TaskOrder> =
        live.iter().map(|o| (o.task_order_guid.as_str(), o)).collect();
    for c in &plan.changes {
        let refunded = matches!(c.action, Action::Cancel | Action::Replace)
            && c.cancel_effect == Some(CancelEffect::FullRefund);
        let order = c.live.as_ref().filter(|_| refunded).and_then(|l| by_guid.get(l.guid.as_str()));
        let Some(&o) = order else { continue };
        let first_end = o.to.unwrap_or_else(|| month_end(plan.today.max(o.from)));
        let Some(price) = of_order(o, o.from, first_end) else { continue };
        let refund = price.charged_ending_at(top).total().eur();
        top = (top - refund).max(0.0);
        total += refund;
    }
    total
}

/// Next month's invoice before and after; sets each renewing create's `monthly`.
fn next_month(plan: &mut Plan, live: &[TaskOrder]) -> Figure {
    let start = first_of_next_month(plan.today);
    let end = month_end(start);
    let stopped: HashSet<&str> = plan
        .changes
        .iter()
        .filter(|c| matches!(c.action, Action::Cancel | Action::Replace))
        .filter(|c| {
            matches!(
                c.cancel_effect,
                Some(CancelEffect::FullRefund | CancelEffect::RenewalStops { .. })
            )
        })
        .filter_map(|c| c.live.as_ref().map(|l| l.guid.as_str()))
        .collect();
    let renewing: Vec<&TaskOrder> = live
        .iter()
        .filter(|o| o.to.is_none() && !o.ordering_process_status.is_canceled() && o.from < start)
        .collect();
    let walk = |orders: &mut dyn Iterator<Item = ListPrice>| {
        orders.fold(0.0, |spend, price| spend + charge(price, spend))
    };
    let before = walk(&mut renewing.iter().filter_map(|o| of_order(o, start, end)));
    let mut after = walk(
        &mut renewing
            .iter()
            .filter(|o| !stopped.contains(&o.task_order_guid.as_str()))
            .filter_map(|o| of_order(o, start, end)),
    );
    for c in
        plan.changes.iter_mut().filter(|c| matches!(c.action, Action::Create | Action::Replace))
    {
        let (Some(req), Cost::Priced(p)) = (&c.request, &mut c.cost) else { continue };
        let Some(price) = of_request(req, p.area_km2, start, end) else { continue };
        let share = charge(price, after);
        p.monthly = share;
        after += share;
    }
    Figure { before: Some(cents(before)), after: Some(cents(after)), reason: None }
}

/// What a month charges for `price` from `spend` on (rounded as the bill is).
fn charge(price: ListPrice, spend: f64) -> f64 {
    price.charge_at(spend).total().eur()
}

/// The list price of `images` images of an order, by the shared tariff.
fn list_price(
    model: &str,
    constellations: &[String],
    area: Area,
    images: u32,
    storage_months: i64,
    api_requests: i64,
) -> Option<ListPrice> {
    let model = catalog::model(model)?;
    let (km2_per_image, mode_multiplier) = area.km2_and_multiplier();
    Some(tariff::list_price(&tariff::Order {
        family: model.family,
        eur_per_km2: model.list_eur_per_km2(constellations),
        km2_per_image,
        mode_multiplier,
        images: images as usize,
        storage_months,
        api_requests,
    }))
}

/// A live order's images in `from..=to`.
fn of_order(o: &TaskOrder, from: NaiveDate, to: NaiveDate) -> Option<ListPrice> {
    let images =
        calendar::image_count(o.reference_date.unwrap_or(o.from), o.image_frequency, from, to);
    let area = Area::of_order(o.tiles.len(), o.mini_tiles.len(), o.task_order_area_km2);
    let (storage, requests) = (o.storage_months, o.api_requests);
    list_price(&o.model, &o.satellite_constellations, area, images, storage, requests)
}

/// A new order's images in `from..=to`, when it renews then; `area_km2` is the estimate's.
fn of_request(
    r: &OrderRequest,
    area_km2: f64,
    from: NaiveDate,
    to: NaiveDate,
) -> Option<ListPrice> {
    let order_from: NaiveDate = r.from.parse().ok()?;
    if r.to.is_some() || order_from >= from {
        return None;
    }
    let reference = r.reference_date.as_deref().and_then(|d| d.parse().ok()).unwrap_or(order_from);
    let images = calendar::image_count(reference, r.image_frequency.unwrap_or(1), from, to);
    let area = Area::of_order(
        r.tile_guids.as_ref().map_or(0, Vec::len),
        r.mini_tile_guids.as_ref().map_or(0, Vec::len),
        area_km2,
    );
    let (storage, requests) = (r.storage_months, r.api_requests);
    list_price(&r.model, &r.satellite_constellations, area, images, storage, requests)
}

#[cfg(test)]
mod tests;
