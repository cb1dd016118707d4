//! Tests of the account summary: refunds, next month's invoice, the credits guard.

use chrono::{TimeZone, Utc};

use super::*;
use crate::plan::{Change, LiveOrderSummary, Price};
use clearsky::api::types::OrderStatus;

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn order(guid: &str, km2: f64, to: Option<&str>, status: OrderStatus) -> TaskOrder {
    TaskOrder {
        task_order_guid: guid.into(),
        ordering_process_status: status,
        storage_months: 1,
        api_requests: 1,
        task_order_area_km2: km2,
        satellite_constellations: vec!["Sentinel1".into(), "Sentinel2".into(), "Landsat89".into()],
        model: "Stratus2".into(),
        image_frequency: 7,
        reference_date: Some(day("2025-01-01")),
        from: day("2025-04-01"),
        to: to.map(day),
        billing_cycle: None,
        tiles: Vec::new(),
        mini_tiles: Vec::new(),
        wkt: None,
        created_date: None,
    }
}

fn live_summary(o: &TaskOrder) -> LiveOrderSummary {
    LiveOrderSummary {
        guid: o.task_order_guid.clone(),
        status: o.ordering_process_status.clone(),
        model: o.model.clone(),
        from: o.from,
        to: o.to,
        area_km2: o.task_order_area_km2,
        digest: String::new(),
        wkt: o.wkt.clone(),
        tiles: Vec::new(),
        mini_tiles: Vec::new(),
    }
}

fn create(km2: f64, current_month: f64) -> Change {
    let request = OrderRequest {
        model: "Stratus2".into(),
        satellite_constellations: vec!["Sentinel1".into(), "Sentinel2".into(), "Landsat89".into()],
        storage_months: 1,
        image_frequency: Some(7),
        reference_date: Some("2025-01-01".into()),
        from: "2025-04-01".into(),
        ..OrderRequest::default()
    };
    Change {
        request: Some(request),
        cost: Cost::Priced(Price {
            currency: "EUR".into(),
            current_month,
            monthly: 0.0,
            area_km2: km2,
            image_dates: 5,
        }),
        ..Change::new(Some("new".into()), Action::Create)
    }
}

fn plan(changes: Vec<Change>) -> Plan {
    Plan { prune: true, ..Plan::new(Utc.with_ymd_and_hms(2025, 4, 10, 12, 0, 0).unwrap(), changes) }
}

#[test]
fn next_month_bills_renewals_progressively_and_counts_the_new_order_marginally() {
    // Two recurring orders of 1,000 km²: 4 May images each, €800 list price each.
    let a = order("a", 1_000.0, None, OrderStatus::UpToDate);
    let b = order("b", 1_000.0, None, OrderStatus::UpToDate);
    let fixed = order("c", 1_000.0, Some("2025-04-30"), OrderStatus::Processing);
    let mut p = plan(vec![create(1_000.0, 100.0)]);
    let start = AccountStart {
        credit_balance: Some(5_000.0),
        overdraft: Some(0.0),
        month_spend: Some(600.0),
        notes: Vec::new(),
    };
    summarize(&mut p, &[a, b, fixed], &start);
    let acc = p.account.as_ref().unwrap();
    // 800 at full price, then 200 at full and 600 list at 35 %.
    let before = 800.0 + 200.0 + 600.0 * 0.35;
    assert_eq!(acc.next_month_recurring.before, Some(cents(before)));
    let Cost::Priced(price) = &p.changes[0].cost else { panic!() };
    assert!((price.monthly - 800.0 * 0.35).abs() < 1e-9, "{price:?}");
    assert_eq!(acc.next_month_recurring.after, Some(cents(before + 800.0 * 0.35)));
    assert_eq!(acc.month_spend.after, Some(700.0));
    assert_eq!(acc.credit_balance.after, Some(4_900.0));
    assert_eq!(acc.credit_shortfall, None);
}

#[test]
fn a_review_cancel_refunds_the_top_of_the_spend_and_stops_its_renewal() {
    // Placed last this month from €900: 5 April images × 200 km² = €200 list,
    // charged 100 + 100 × 0.35 = €135; the spend now stands at €1,035.
    let r = order("r", 200.0, None, OrderStatus::Review);
    let cancel = Change {
        live: Some(live_summary(&r)),
        cancel_effect: Some(CancelEffect::FullRefund),
        ..Change::new(None, Action::Cancel)
    };
    let mut p = plan(vec![cancel]);
    let start = AccountStart {
        credit_balance: Some(65.0),
        overdraft: Some(0.0),
        month_spend: Some(1_035.0),
        notes: Vec::new(),
    };
    summarize(&mut p, &[r], &start);
    let acc = p.account.as_ref().unwrap();
    assert_eq!(acc.month_spend.after, Some(900.0));
    assert_eq!(acc.credit_balance.after, Some(200.0));
    assert_eq!(acc.next_month_recurring.before, Some(160.0));
    assert_eq!(acc.next_month_recurring.after, Some(0.0));
}

#[test]
fn creates_beyond_balance_and_overdraft_are_short_by_the_difference() {
    let mut p = plan(vec![create(100.0, 700.0), create(100.0, 450.25)]);
    let start = AccountStart {
        credit_balance: Some(1_000.0),
        overdraft: Some(100.0),
        month_spend: Some(0.0),
        notes: Vec::new(),
    };
    summarize(&mut p, &[], &start);
    assert_eq!(p.credit_shortfall(), Some(50.25));
    // Unknown balance: no guard, and the figure says why.
    let mut p = plan(vec![create(100.0, 700.0)]);
    summarize(&mut p, &[], &AccountStart::default());
    let acc = p.account.as_ref().unwrap();
    assert_eq!(p.credit_shortfall(), None);
    assert_eq!(acc.credit_balance.before, None);
    assert!(acc.credit_balance.reason.is_some());
}

#[test]
fn creates_across_a_band_go_in_order_when_their_discount_columns_may_differ() {
    let with_model = |model: &str, current_month: f64| {
        let mut c = create(100.0, current_month);
        c.request.as_mut().unwrap().model = model.into();
        c
    };
    let start = AccountStart { month_spend: Some(900.0), ..AccountStart::default() };
    let ordered = |changes: Vec<Change>| {
        let mut p = plan(changes);
        summarize(&mut p, &[], &start);
        p.account.unwrap().ordered_creates
    };
    // 900 → 1,100 crosses the 1,000 band boundary.
    assert!(!ordered(vec![with_model("Stratus2", 100.0), with_model("Stratus3", 100.0)]));
    assert!(ordered(vec![with_model("Stratus2", 100.0), with_model("Nimbus", 100.0)]));
    // A model only the API knows may be billed in either column.
    assert!(ordered(vec![with_model("Stratus2", 100.0), with_model("Cumulus1", 100.0)]));
    assert!(!ordered(vec![with_model("Cumulus1", 100.0), with_model("cumulus1", 100.0)]));
    // Within one band the order makes no difference.
    assert!(!ordered(vec![with_model("Stratus2", 10.0), with_model("Cumulus1", 10.0)]));
}
