//! Computes a [`Plan`] from the wanted orders and the live orders.
//!
//! Pure, no IO: the clock is a parameter. Identity questions ("is this the same
//! order?") are asked of [`crate::identity`]; this module applies the rules of
//! `design.md` ("Plan") and of `docs/concepts/identity.md` on top of the answers.

use chrono::{DateTime, NaiveDate, Utc};

use crate::identity::{self, Fingerprint, Matching};
use crate::spec::{Aoi, DesiredOrder, DesiredSet, Ensure};
use clearsky::api::types::TaskOrder;
use clearsky::calendar::month_end;

use super::live::{cancel_effect, live_change, summary};
use super::pairing;
use super::{
    Action, BudgetLimits, CancelEffect, Change, Cost, DesiredSummary, FORMAT_VERSION, FieldChange,
    Plan, TileCoverage, dedupe, duplicates,
};

/// Options of one diff.
#[derive(Debug, Clone, PartialEq)]
pub struct DiffOptions {
    /// Cancel live orders that match no entry (`--prune`).
    pub prune: bool,
    /// Only these entries (`--target`, repeatable); empty means all. Unknown names
    /// are the caller's error to report (see [`unknown_targets`]).
    pub targets: Vec<String>,
    /// `--max-cost`: EUR limit on the current month, combined with the manifests' budget.
    pub max_cost: Option<f64>,
    /// The clock: decides the cancel rules (current month) and `generated_at`.
    pub now: DateTime<Utc>,
}

/// The `--target` names that name no entry.
pub fn unknown_targets<'a>(desired: &DesiredSet, targets: &'a [String]) -> Vec<&'a str> {
    targets
        .iter()
        .filter(|t| !desired.orders.iter().any(|o| &o.name == *t))
        .map(String::as_str)
        .collect()
}

/// Decides what would change to make the live orders match `desired`.
pub fn diff(desired: &DesiredSet, live: &[TaskOrder], opts: &DiffOptions) -> Plan {
    let today = opts.now.date_naive();
    let entries = &desired.orders;
    let matching = identity::match_all(entries, live);
    let targeted = |e: usize| opts.targets.is_empty() || opts.targets.contains(&entries[e].name);

    // Live orders some entry claims, or that are duplicates of one.
    let mut claimed: Vec<bool> = matching.owner.iter().map(Option::is_some).collect();
    let canceled = |i: usize| live[i].ordering_process_status.is_canceled();

    let free: Vec<usize> = (0..live.len()).filter(|&i| !claimed[i] && !canceled(i)).collect();
    let pairing = pairing::pair(entries, live, &matching, &free, desired.base.as_ref());
    let replaces = &pairing.replaces;
    for &i in replaces.iter().flatten().chain(pairing.superseded.iter().map(|(i, _)| i)) {
        claimed[i] = true;
    }

    let mut changes = Vec::new();
    let mut live_changes = Vec::new();
    let mut dups = Vec::new();
    for (e, entry) in entries.iter().enumerate() {
        if !targeted(e) {
            continue;
        }
        let ctx = EntryCtx { entry, live, matching: &matching, e, today };
        match entry.ensure {
            Ensure::Present => {
                changes.push(ctx.present(replaces[e]));
                for &(i, _) in pairing.superseded.iter().filter(|&&(_, by)| by == e) {
                    let why = match matching.entries[e].orders.first() {
                        Some(&new) => format!(
                            "superseded by `{}` of entry `{}` (an earlier replace did not finish)",
                            live[new].task_order_guid, entry.name
                        ),
                        None => format!(
                            "also an earlier version of entry `{}`: its replace supersedes it",
                            entry.name
                        ),
                    };
                    live_changes.push(superseded_change(&live[i], entry, &why, opts.prune, today));
                }
                let repair = duplicates::repair(entry, &matching.entries[e].orders, live, today);
                live_changes.extend(repair.changes);
                dups.extend(repair.duplicate);
            }
            Ensure::Absent => changes.extend(ctx.absent()),
        }
    }

    if opts.targets.is_empty() {
        for i in (0..live.len()).filter(|&i| !claimed[i] && !canceled(i)) {
            let mut c = unmatched(&live[i], opts.prune, today);
            if let Some(note) = pairing.notes.get(&i) {
                c.reason = Some(c.reason.map_or_else(|| note.clone(), |r| format!("{r}; {note}")));
            }
            live_changes.push(c);
        }
    }
    live_changes.sort_by(|a, b| live_guid(a).cmp(live_guid(b)));
    changes.extend(live_changes);
    dedupe::drop_already_ordered(&mut changes, entries, live, &matching);

    Plan {
        format_version: FORMAT_VERSION,
        generated_at: opts.now,
        today,
        prune: opts.prune,
        targets: opts.targets.clone(),
        base: desired.base.as_ref().map(|b| b.commit.clone()),
        changes,
        duplicates: dups,
        budget: budget(desired, opts.max_cost),
        account: None,
        tile_footprints: std::collections::BTreeMap::new(),
    }
}

struct EntryCtx<'a> {
    entry: &'a DesiredOrder,
    live: &'a [TaskOrder],
    matching: &'a Matching,
    e: usize,
    today: NaiveDate,
}

impl EntryCtx<'_> {
    fn base(&self, action: Action) -> Change {
        Change {
            desired: Some(desired_summary(self.entry)),
            ..Change::new(Some(self.entry.name.clone()), action)
        }
    }

    fn present(&self, replace: Option<usize>) -> Change {
        let m = &self.matching.entries[self.e];
        let spec = &self.entry.spec;
        let coverage = self.coverage();
        if m.is_satisfied() {
            let mut c = self.base(Action::Keep);
            c.live = Some(summary(&self.live[m.orders[0]]));
            c.tiles = coverage;
            return c;
        }
        if let Some(i) = replace {
            let old = &self.live[i];
            let mut c = self.base(Action::Replace);
            c.live = Some(summary(old));
            c.field_changes =
                field_changes(&Fingerprint::of_order(old), &Fingerprint::of_spec(spec));
            c.field_changes.extend(pairing::area_change(&spec.aoi, old));
            let effect = cancel_effect(old, self.today);
            // `protect` forbids cancelling: when the old order cannot be
            // cancelled anyway (its renewal already stopped), the new one is
            // simply placed.
            if self.entry.protect && effect.is_ok() {
                c.action = Action::Blocked;
                c.reason = Some(format!(
                    "`protect` is set: live order `{}` would be replaced",
                    old.task_order_guid
                ));
                return c;
            }
            c.request = Some(spec.to_request(self.entry.tile_deduplication));
            c.cost = Cost::Unpriced { reason: None };
            c.cancel_effect =
                Some(effect.unwrap_or_else(|reason| CancelEffect::NotCancellable { reason }));
            return c;
        }
        let mut c = self.base(Action::Create);
        c.cost = Cost::Unpriced { reason: None };
        c.request = Some(match &spec.aoi {
            Aoi::Tiles { .. } => {
                let mut remainder = spec.clone();
                remainder.aoi = Aoi::Tiles {
                    tiles: m.missing_tiles.clone(),
                    minitiles: m.missing_minitiles.clone(),
                };
                remainder.to_request(self.entry.tile_deduplication)
            }
            Aoi::Polygons(_) => spec.to_request(None),
        });
        c.live = m.orders.first().map(|&i| summary(&self.live[i]));
        c.tiles = coverage;
        c
    }

    fn coverage(&self) -> Option<TileCoverage> {
        let Aoi::Tiles { tiles, minitiles } = &self.entry.spec.aoi else { return None };
        let m = &self.matching.entries[self.e];
        Some(TileCoverage {
            tiles_wanted: tiles.len(),
            minitiles_wanted: minitiles.len(),
            tiles_missing: m.missing_tiles.len(),
            minitiles_missing: m.missing_minitiles.len(),
            covered_by: m.orders.iter().map(|&i| self.live[i].task_order_guid.clone()).collect(),
        })
    }

    /// `ensure: absent`: one change per matching order; an order whose renewal
    /// already stopped needs nothing more.
    fn absent(&self) -> Vec<Change> {
        let m = &self.matching.entries[self.e];
        if m.orders.is_empty() {
            // Listed with `--detailed` like any satisfied entry.
            let mut c = self.base(Action::Keep);
            c.reason = Some("absent: no live order matches; nothing to cancel".to_owned());
            return vec![c];
        }
        m.orders
            .iter()
            .map(|&i| {
                let order = &self.live[i];
                let mut c = self.base(Action::Cancel);
                c.live = Some(summary(order));
                if self.entry.protect {
                    c.action = Action::Blocked;
                    c.reason = Some("`protect` is set: the order is never cancelled".to_owned());
                    return c;
                }
                match cancel_effect(order, self.today) {
                    Ok(effect) => c.cancel_effect = Some(effect),
                    Err(reason) => {
                        c.action = Action::Blocked;
                        c.reason = Some(reason);
                    }
                }
                c
            })
            .collect()
    }
}

/// A live order no entry claims: unmanaged, or with `--prune` a cancel where the
/// rules allow it. An accepted order with a fixed end in the current month or
/// earlier (a finished window, or a renewal already stopped) has nothing left to
/// cancel and stays unmanaged. An accepted fixed window running past this month
/// cannot be cancelled either: it stays unmanaged, reported as billed until it
/// ends, rather than a blocked plan that would keep CI failing for months
/// (`ensure: absent` on its own entry still blocks: that entry asks for what
/// cannot be done). `--prune` never blocks.
fn unmatched(order: &TaskOrder, prune: bool, today: NaiveDate) -> Change {
    let mut c = live_change(order, Action::Unmanaged);
    if !prune {
        return c;
    }
    match cancel_effect(order, today) {
        Ok(effect) => {
            c.action = Action::Cancel;
            c.cancel_effect = Some(effect);
        }
        // Only an accepted order with a fixed end cannot be cancelled.
        Err(reason) => match order.to {
            Some(to) if to <= month_end(today) => {
                c.reason = Some(format!("ends on {to}: nothing left to cancel"));
            }
            Some(to) => {
                c.reason = Some(format!(
                    "{reason}; billed until it ends on {to} (`--prune` cannot stop it)"
                ));
            }
            None => c.reason = Some(reason),
        },
    }
    c
}

/// The item for an earlier version of `entry` that its replace or its order
/// supersedes (`why` says which): a cancel where the
/// rules allow it (blocked under `protect`); an order that cannot be cancelled
/// any more is treated as an order no entry claims (unmanaged, or under
/// `--prune` blocked when it runs past this month), with a note.
fn superseded_change(
    old: &TaskOrder,
    entry: &DesiredOrder,
    why: &str,
    prune: bool,
    today: NaiveDate,
) -> Change {
    let mut c = live_change(old, Action::Cancel);
    match cancel_effect(old, today) {
        Ok(_) if entry.protect => {
            c.action = Action::Blocked;
            c.reason = Some(format!("`protect` is set on entry `{}`: {why}", entry.name));
        }
        Ok(effect) => {
            c.cancel_effect = Some(effect);
            c.reason = Some(why.to_owned());
        }
        Err(reason) => {
            // As any order no entry claims: unmanaged, billed until it ends.
            c = unmatched(old, prune, today);
            let note = format!("{why}; {reason}");
            c.reason = Some(c.reason.map_or_else(|| note.clone(), |r| format!("{r}; {note}")));
        }
    }
    c
}

fn live_guid(c: &Change) -> &str {
    c.live.as_ref().map_or("", |l| l.guid.as_str())
}

fn desired_summary(entry: &DesiredOrder) -> DesiredSummary {
    let plural = |n: usize, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "s" });
    let aoi = match &entry.spec.aoi {
        Aoi::Polygons(parts) => plural(parts.len(), "polygon"),
        Aoi::Tiles { tiles, minitiles } => {
            format!("{}, {}", plural(tiles.len(), "tile"), plural(minitiles.len(), "minitile"))
        }
    };
    DesiredSummary {
        file: entry.source.file.display().to_string(),
        line: entry.source.line,
        ensure: entry.ensure,
        protect: entry.protect,
        spec_digest: identity::spec_digest(&entry.spec),
        model: entry.spec.model.clone(),
        from: entry.spec.from,
        to: entry.spec.to,
        aoi,
    }
}

/// The fields that differ between a live order and the entry replacing it.
fn field_changes(old: &Fingerprint, new: &Fingerprint) -> Vec<FieldChange> {
    let date = |d: Option<NaiveDate>| d.map_or_else(|| "null".to_owned(), |d| d.to_string());
    let set =
        |s: &std::collections::BTreeSet<String>| s.iter().cloned().collect::<Vec<_>>().join(", ");
    let pairs = [
        ("Model", old.model.clone(), new.model.clone()),
        ("SatelliteConstellations", set(&old.constellations), set(&new.constellations)),
        ("From", old.from.to_string(), new.from.to_string()),
        ("To", date(old.to), date(new.to)),
        ("ImageFrequency", old.image_frequency.to_string(), new.image_frequency.to_string()),
        ("ReferenceDate", old.reference_date.to_string(), new.reference_date.to_string()),
        ("StorageMonths", old.storage_months.to_string(), new.storage_months.to_string()),
        ("ApiRequests", old.api_requests.to_string(), new.api_requests.to_string()),
    ];
    pairs
        .into_iter()
        .filter(|(_, o, n)| o != n)
        .map(|(field, old, new)| FieldChange { field: field.to_owned(), old, new })
        .collect()
}

/// The manifests' budget tightened by `--max-cost`; `None` when nothing limits.
fn budget(desired: &DesiredSet, max_cost: Option<f64>) -> Option<BudgetLimits> {
    let b = desired.budget;
    let max_current_month = match (b.max_current_month, max_cost) {
        (Some(a), Some(c)) => Some(a.min(c)),
        (a, c) => a.or(c),
    };
    (max_current_month.is_some() || b.max_monthly.is_some())
        .then_some(BudgetLimits { max_current_month, max_monthly: b.max_monthly })
}

#[cfg(test)]
mod tests;
