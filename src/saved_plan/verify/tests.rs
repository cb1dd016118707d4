//! Table of tamperings: each edit of a saved plan is a difference from the fresh plan.

use chrono::{TimeZone, Utc};

use super::differences;
use crate::plan::{
    Action, BudgetLimits, CancelEffect, Change, Cost, LiveOrderSummary, Plan, Price,
};
use clearsky::api::types::{OrderRequest, OrderStatus};

fn live(guid: &str) -> LiveOrderSummary {
    LiveOrderSummary {
        guid: guid.into(),
        status: OrderStatus::Review,
        model: "Stratus2".into(),
        from: Utc.with_ymd_and_hms(2025, 4, 1, 0, 0, 0).unwrap().date_naive(),
        to: None,
        area_km2: 10.0,
        digest: format!("d-{guid}"),
        wkt: None,
        tiles: Vec::new(),
        mini_tiles: Vec::new(),
    }
}

fn create(name: &str, wkt: &str, eur: f64) -> Change {
    let mut c = Change::new(Some(name.into()), Action::Create);
    c.request = Some(OrderRequest {
        wkt: Some(wkt.into()),
        model: "Stratus2".into(),
        from: "2025-04-01".into(),
        ..OrderRequest::default()
    });
    c.cost = Cost::Priced(Price {
        currency: "EUR".into(),
        current_month: eur,
        monthly: eur,
        area_km2: 10.0,
        image_dates: 3,
    });
    c
}

fn keep(name: &str, guid: &str) -> Change {
    let mut c = Change::new(Some(name.into()), Action::Keep);
    c.live = Some(live(guid));
    c
}

fn prune(guid: &str) -> Change {
    let mut c = Change::new(None, Action::Cancel);
    c.live = Some(live(guid));
    c.cancel_effect = Some(CancelEffect::FullRefund);
    c
}

fn fresh() -> Plan {
    let changes =
        vec![create("a", "POLYGON((1 1,2 1,2 2,1 1))", 8.54), keep("b", "G-b"), prune("G-x")];
    Plan {
        prune: true,
        budget: Some(BudgetLimits { max_current_month: Some(10.0), max_monthly: None }),
        ..Plan::new(Utc.with_ymd_and_hms(2025, 4, 10, 12, 0, 0).unwrap(), changes)
    }
}

#[test]
fn a_plan_agrees_with_itself_and_with_prices_within_a_cent() {
    assert_eq!(differences(&fresh(), &fresh()), Vec::<String>::new());
    let mut saved = fresh();
    saved.changes[0] = create("a", "POLYGON((1 1,2 1,2 2,1 1))", 8.545);
    assert_eq!(differences(&saved, &fresh()), Vec::<String>::new());
}

#[test]
fn every_tampering_is_a_difference() {
    type Edit = fn(&mut Plan);
    let cases: Vec<(&str, Edit, &str)> = vec![
        (
            "added create",
            |p| p.changes.push(create("z", "POLYGON((5 5,6 5,6 6,5 5))", 1.0)),
            "`create` of `z` is in the saved plan but not in a fresh plan",
        ),
        (
            "changed cancel GUID",
            |p| p.changes[2].live = Some(live("G-b")),
            "`cancel` of order `G-x` is in a fresh plan but not in the saved plan",
        ),
        (
            "keep → cancel",
            |p| p.changes[1].action = Action::Cancel,
            "`b` (order `G-b`): the saved plan says `cancel`, a fresh plan says `keep`",
        ),
        (
            "edited body",
            |p| {
                p.changes[0].request.as_mut().unwrap().wkt =
                    Some("POLYGON((0 0,9 0,9 9,0 0))".into());
            },
            "`a`: the saved request body differs from a fresh plan's (`Wkt`)",
        ),
        (
            "duplicated create",
            |p| p.changes.insert(1, p.changes[0].clone()),
            "`create` of `a` is in the saved plan but not in a fresh plan",
        ),
        (
            "zeroed cost",
            |p| p.changes[0].cost = create("a", "", 0.0).cost,
            "`a`: the saved price (EUR 0.00 this month, 0.00/month) differs from a fresh estimate (EUR 8.54 this month, 8.54/month)",
        ),
        (
            "unpriced",
            |p| p.changes[0].cost = Cost::Unpriced { reason: None },
            "`a`: the saved price (unpriced) differs",
        ),
        (
            "edited budget",
            |p| p.budget = None,
            "the saved budget (none) differs from the manifests' and flags' (this month EUR 10.00, monthly none)",
        ),
        (
            "edited cancel effect",
            |p| p.changes[2].cancel_effect = None,
            "order `G-x`: the saved cancel effect differs",
        ),
        ("edited prune", |p| p.prune = false, "saved `prune` is false"),
        (
            "reordered",
            |p| p.changes.swap(0, 1),
            "the saved plan has its changes in another order than a fresh plan",
        ),
    ];
    for (what, edit, expected) in cases {
        let mut saved = fresh();
        edit(&mut saved);
        let reasons = differences(&saved, &fresh());
        assert!(
            reasons.iter().any(|r| r.starts_with(expected)),
            "{what}: expected `{expected}` in {reasons:#?}"
        );
    }
}
