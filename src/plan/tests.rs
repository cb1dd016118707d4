use chrono::TimeZone;

use super::*;

fn change(action: Action, cost: Cost) -> Change {
    Change {
        name: Some("a".into()),
        action,
        desired: None,
        live: None,
        request: Some(OrderRequest::default()),
        field_changes: Vec::new(),
        cost,
        cancel_effect: None,
        reason: None,
        tiles: None,
    }
}

fn priced(currency: &str, current_month: f64, monthly: f64) -> Cost {
    Cost::Priced(Price {
        currency: currency.into(),
        current_month,
        monthly,
        area_km2: 1.0,
        image_dates: 1,
    })
}

fn plan(changes: Vec<Change>, budget: Option<BudgetLimits>) -> Plan {
    Plan { budget, ..Plan::new(Utc.with_ymd_and_hms(2025, 6, 10, 12, 0, 0).unwrap(), changes) }
}

const LIMIT: Option<BudgetLimits> =
    Some(BudgetLimits { max_current_month: Some(100.0), max_monthly: None });

#[test]
fn glyphs_and_names_are_distinct() {
    let glyphs: std::collections::BTreeSet<_> = Action::ALL.iter().map(|a| a.glyph()).collect();
    let names: std::collections::BTreeSet<_> = Action::ALL.iter().map(|a| a.as_str()).collect();
    assert_eq!((glyphs.len(), names.len()), (6, 6));
    assert_eq!(serde_json::to_value(Action::Replace).unwrap(), "replace");
}

#[test]
fn totals_are_per_currency_and_count_unpriced() {
    let p = plan(
        vec![
            change(Action::Create, priced("EUR", 10.0, 2.0)),
            change(Action::Replace, priced("EUR", 5.0, 1.0)),
            change(Action::Create, priced("USD", 3.0, 0.0)),
            change(Action::Create, Cost::Unpriced { reason: None }),
            change(Action::Keep, Cost::NotApplicable),
        ],
        None,
    );
    let t = p.totals();
    assert_eq!(t.per_currency["EUR"], Money { current_month: 15.0, monthly: 3.0 });
    assert_eq!(t.per_currency["USD"], Money { current_month: 3.0, monthly: 0.0 });
    assert_eq!(t.unpriced, 1);
    assert_eq!(p.counts().create, 3);
    assert!(p.has_changes());
    assert_eq!(p.budget_check(), None);
}

#[test]
fn budget_check_never_passes_what_it_cannot_prove() {
    let cases = [
        (vec![priced("EUR", 60.0, 0.0), priced("EUR", 40.0, 0.0)], BudgetStatus::Within),
        (vec![priced("EUR", 60.0, 0.0), priced("EUR", 40.5, 0.0)], BudgetStatus::Over),
        (vec![priced("EUR", 10.0, 0.0), Cost::Unpriced { reason: None }], BudgetStatus::Unknown),
        (vec![priced("EUR", 101.0, 0.0), Cost::Unpriced { reason: None }], BudgetStatus::Over),
        (vec![priced("USD", 1.0, 0.0)], BudgetStatus::Unknown),
    ];
    for (costs, want) in cases {
        let p = plan(costs.into_iter().map(|c| change(Action::Create, c)).collect(), LIMIT);
        let check = p.budget_check().unwrap();
        assert_eq!(check.status, want, "{:?}", p.totals());
        assert_eq!(check.passes(), want == BudgetStatus::Within);
    }
}

#[test]
fn set_cost_fills_one_item() {
    let mut p = plan(vec![change(Action::Create, Cost::Unpriced { reason: None })], LIMIT);
    assert_eq!(p.priceable(), vec![0]);
    assert!(p.set_cost(0, priced("EUR", 1.0, 1.0)));
    assert!(!p.set_cost(1, Cost::NotApplicable));
    assert_eq!(p.budget_check().unwrap().status, BudgetStatus::Within);
}

#[test]
fn plan_round_trips_through_json() {
    let mut c = change(Action::Cancel, Cost::NotApplicable);
    c.cancel_effect =
        Some(CancelEffect::RenewalStops { until: NaiveDate::from_ymd_opt(2025, 6, 30).unwrap() });
    let p = plan(vec![c], LIMIT);
    let json = serde_json::to_string(&p).unwrap();
    assert!(json.contains(r#""kind":"renewal_stops","until":"2025-06-30""#), "{json}");
    assert_eq!(serde_json::from_str::<Plan>(&json).unwrap(), p);
}
