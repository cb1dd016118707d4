//! The bill, checked: what the account's balance says this apply's creates
//! were charged, against what the plan said they cost.
//!
//! Pure, no IO: apply reads the balance before its first change and after its
//! last (`GET /api/account/info`, else the legacy `GET /api/apikey/info`) and
//! hands both here. A create whose outcome stayed unknown counts at its
//! planned price (it may have been charged). Refunds of this apply's cancels
//! only lower the drop in balance, so they can hide an overcharge but never
//! raise a false one; another run spending on the same account at the same
//! time can raise one, and it is worth a look too.

use super::{Report, Step, StepOutcome};
use crate::plan::{Cost, Plan};

/// How far the charges may exceed the plan, per create: a cent of rounding.
pub const TOLERANCE_PER_CREATE: f64 = 0.01;

/// What the creates of one apply were planned to cost and were charged, EUR.
#[derive(Debug, Clone, PartialEq)]
pub struct Bill {
    /// The plan's this-month cost of the creates done (or maybe done).
    pub planned: f64,
    /// The drop in the account's balance over the apply.
    pub charged: f64,
    /// Creates done or maybe done.
    pub creates: usize,
}

impl Bill {
    /// The bill of `report`'s creates, given the balance before and after;
    /// `None` when no create was done (nothing to check) or a price is unknown.
    pub fn of(plan: &Plan, report: &Report, before: f64, after: f64) -> Option<Self> {
        let mut planned = 0.0;
        let mut creates = 0;
        for item in report.items.iter().filter(|i| i.step == Step::Create) {
            let done = matches!(item.outcome, StepOutcome::Done { .. });
            if !done && !report.maybe_created.contains(&item.index) {
                continue;
            }
            let Cost::Priced(price) = &plan.changes.get(item.index)?.cost else { return None };
            planned += price.current_month;
            creates += 1;
        }
        (creates > 0).then_some(Self { planned, charged: before - after, creates })
    }

    /// True when the account was charged more than the plan said, beyond a
    /// cent of rounding per create.
    pub fn exceeds_plan(&self) -> bool {
        #[allow(clippy::cast_precision_loss)]
        let tolerance = TOLERANCE_PER_CREATE * self.creates as f64;
        self.charged > self.planned + tolerance + 1e-9
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{Action, Change, Price};

    fn plan_of(prices: &[f64]) -> Plan {
        let changes = prices
            .iter()
            .map(|&p| Change {
                cost: Cost::Priced(Price {
                    currency: "EUR".into(),
                    current_month: p,
                    monthly: p,
                    area_km2: 1.0,
                    image_dates: 1,
                }),
                ..Change::new(Some("e".into()), Action::Create)
            })
            .collect();
        Plan::new(chrono::Utc::now(), changes)
    }

    fn report(outcomes: &[StepOutcome], maybe: &[usize]) -> Report {
        let items = outcomes
            .iter()
            .enumerate()
            .map(|(index, o)| super::super::StepReport {
                index,
                name: "e".into(),
                action: Action::Create,
                step: Step::Create,
                outcome: o.clone(),
            })
            .collect();
        Report { items, maybe_created: maybe.to_vec(), ..Report::default() }
    }

    fn done() -> StepOutcome {
        StepOutcome::Done { guid: Some("g".into()), note: None }
    }

    #[test]
    fn charges_within_a_cent_per_create_pass_and_more_is_caught() {
        let plan = plan_of(&[10.0, 20.0, 30.0]);
        let r = report(&[done(), done(), StepOutcome::NotTried], &[]);
        let bill = Bill::of(&plan, &r, 1000.0, 970.02).unwrap();
        assert_eq!(bill.creates, 2);
        assert!((bill.planned - 30.0).abs() < 1e-9, "{bill:?}");
        assert!(!bill.exceeds_plan(), "{bill:?}");
        assert!(Bill::of(&plan, &r, 1000.0, 969.97).unwrap().exceeds_plan());
        // Estimates at 5 % of the charges, as a lying server would give.
        assert!(Bill::of(&plan, &r, 1000.0, 400.0).unwrap().exceeds_plan());
    }

    #[test]
    fn a_create_of_unknown_outcome_counts_and_no_create_is_nothing_to_check() {
        let plan = plan_of(&[10.0, 20.0]);
        let failed = StepOutcome::Failed { error: "timeout".into(), fields: Vec::new() };
        let r = report(&[done(), failed.clone()], &[1]);
        assert!((Bill::of(&plan, &r, 100.0, 70.0).unwrap().planned - 30.0).abs() < 1e-9);
        assert_eq!(Bill::of(&plan, &report(&[failed], &[]), 100.0, 100.0), None);
    }
}
