//! Tiles the server's deduplication finds already ordered: a tile create sent
//! with `TileDeduplication: true` drops every tile another live order holds
//! under the same settings ([`identity::dedupe`]), so the plan leaves them out
//! too, and an entry with nothing left is `keep`.
//!
//! Pure, no IO. Runs once the diff has decided every other item, on each
//! `create` of a tile entry whose request deduplicates (the default), and on
//! each `replace` of one whose old order cannot be cancelled (the old order
//! stays, so the replace is a plain create). The rules:
//! - an order this plan cancels (a `cancel` item, or the old order of a
//!   `replace` that cancels it) covers nothing: once it is gone the tiles are
//!   not ordered, so the entry needs its own order;
//! - the covered tiles leave the request (the estimate prices what the server
//!   would create); with none left the item is `keep`, its `live` the entry's
//!   own order if it has one, else the first covering order;
//! - the item's note names the covering orders; `tiles.covered_by` lists them
//!   with the entry's own orders;
//! - covering orders stay whatever else they are (another entry's, or
//!   unmanaged and pruned by `--prune`): they are not the entry's order;
//! - a `create` or `replace` whose tiles only orders this plan cancels hold
//!   is sent with `TileDeduplication: false` ([`sends_deduplicated`]).

use std::collections::{BTreeSet, HashMap};

use uuid::Uuid;

use super::live::summary;
use super::{Action, CancelEffect, Change, Cost, TileCoverage};
use crate::identity::Matching;
use crate::spec::{Aoi, DesiredOrder};
use clearsky::api::types::TaskOrder;
use clearsky::calendar::first_of_next_month;
use clearsky::dedupe::{Covered, Ledger};

/// Applies the deduplication rule to `changes` (see the module rules).
/// `matching` is the diff's matching of `entries` against `live`.
pub(super) fn drop_already_ordered(
    changes: &mut [Change],
    entries: &[DesiredOrder],
    live: &[TaskOrder],
    matching: &Matching,
) {
    if !changes.iter().any(sends_deduplicated) {
        return;
    }
    let leaving: BTreeSet<String> = changes
        .iter()
        .filter(|c| cancels(c))
        .filter_map(|c| c.live.as_ref().map(|l| l.guid.clone()))
        .collect();
    let counts: Vec<bool> = live.iter().map(|o| !leaving.contains(&o.task_order_guid)).collect();
    let ledger = Ledger::new(live);
    let by_name: HashMap<&str, usize> =
        entries.iter().enumerate().map(|(e, entry)| (entry.name.as_str(), e)).collect();
    for c in changes.iter_mut().filter(|c| deduplicates(c)) {
        let Some(&e) = c.name.as_deref().and_then(|n| by_name.get(n)) else { continue };
        let (entry, m) = (&entries[e], &matching.entries[e]);
        let Aoi::Tiles { tiles, minitiles } = &entry.spec.aoi else { continue };
        let settings = crate::identity::dedupe::settings_of(&entry.spec);
        let covered =
            ledger.covered(&settings, &m.missing_tiles, &m.missing_minitiles, |i| counts[i]);
        if covered.is_empty() {
            continue;
        }
        let rest_tiles: BTreeSet<Uuid> =
            m.missing_tiles.difference(&covered.tiles).copied().collect();
        let rest_minitiles: BTreeSet<Uuid> =
            m.missing_minitiles.difference(&covered.minitiles).copied().collect();
        let guid = |i: usize| live[i].task_order_guid.clone();
        let mut by: Vec<String> = covered.by.iter().map(|&i| guid(i)).collect();
        by.sort();
        let mut covered_by: Vec<String> =
            m.orders.iter().map(|&i| guid(i)).chain(by.clone()).collect();
        covered_by.sort();
        covered_by.dedup();
        c.tiles = Some(TileCoverage {
            tiles_wanted: tiles.len(),
            minitiles_wanted: minitiles.len(),
            tiles_missing: rest_tiles.len(),
            minitiles_missing: rest_minitiles.len(),
            covered_by,
        });
        c.reason = Some(note(&covered, &by));
        // The entry's own order, whose renewal was stopped, is what holds them.
        let own_stopped = match covered.by.iter().map(|&i| &live[i]).collect::<Vec<_>>()[..] {
            [o] if entry.spec.to.is_none()
                && c.live.as_ref().is_some_and(|l| l.guid == o.task_order_guid) =>
            {
                o.to
            }
            _ => None,
        };
        if let Some(end) = own_stopped {
            c.reason = Some(format!(
                "{}; its renewal was stopped and it runs through {end}, so the server refuses a \
                 new order overlapping it: to renew from the next month, set `From` to {}",
                c.reason.take().unwrap_or_default(),
                first_of_next_month(end)
            ));
        }
        if rest_tiles.is_empty() && rest_minitiles.is_empty() {
            let kept = m
                .orders
                .first()
                .copied()
                .or_else(|| covered.by.iter().copied().min_by_key(|&i| guid(i)));
            c.action = Action::Keep;
            c.live = kept.map(|i| summary(&live[i]));
            c.request = None;
            c.cost = Cost::NotApplicable;
            c.cancel_effect = None;
            c.field_changes.clear();
        } else {
            let mut rest = entry.spec.clone();
            rest.aoi = Aoi::Tiles { tiles: rest_tiles, minitiles: rest_minitiles };
            c.request = Some(rest.to_request(Some(true)));
        }
    }
    let held_by_leaving = |c: &Change| -> Option<Vec<String>> {
        let entry = &entries[*c.name.as_deref().and_then(|n| by_name.get(n))?];
        let request = c.request.as_ref()?;
        let guids = |g: &Option<Vec<String>>| -> BTreeSet<Uuid> {
            g.iter().flatten().filter_map(|s| Uuid::parse_str(s).ok()).collect()
        };
        let (tiles, minitiles) = (guids(&request.tile_guids), guids(&request.mini_tile_guids));
        let settings = crate::identity::dedupe::settings_of(&entry.spec);
        let staying = ledger.covered(&settings, &tiles, &minitiles, |i| counts[i]);
        let leaving = ledger.covered(&settings, &tiles, &minitiles, |i| !counts[i]);
        let mut by: Vec<String> =
            leaving.by.iter().map(|&i| live[i].task_order_guid.clone()).collect();
        by.sort();
        (staying.is_empty() && !leaving.is_empty()).then_some(by)
    };
    for c in changes.iter_mut() {
        if !sends_deduplicated(c) {
            continue;
        }
        let Some(by) = held_by_leaving(c) else { continue };
        if let Some(r) = c.request.as_mut() {
            r.tile_deduplication = Some(false);
        }
        let orders: Vec<String> = by.iter().map(|g| format!("`{g}`")).collect();
        let line = format!(
            "sent with `TileDeduplication: false`: {} this plan cancels {} some of its tiles, \
             which the server would otherwise drop (creates go before cancels)",
            orders.join(", "),
            if by.len() == 1 { "holds" } else { "hold" }
        );
        c.reason = Some(match c.reason.take() {
            Some(r) => format!("{r}; {line}"),
            None => line,
        });
    }
}

/// True for a `create` or `replace` that still sends tiles with
/// `TileDeduplication: true`.
///
/// Such a create may want tiles that only orders this plan cancels hold:
/// `--prune` or `ensure: absent` takes them away, or they are the old order
/// of this very replace. Apply sends creates before cancels, so the server
/// would still find those tiles ordered and drop them, and once the cancels
/// are done nothing would hold them: the entry would need a second apply.
/// Its request is sent without deduplication instead (see
/// [`drop_already_ordered`]), but only when no order that stays holds any of
/// its tiles: those were taken out of a plain create's request, and a
/// replace that has them keeps the server's deduplication.
fn sends_deduplicated(c: &Change) -> bool {
    matches!(c.action, Action::Create | Action::Replace)
        && c.request.as_ref().is_some_and(|r| {
            r.tile_deduplication == Some(true)
                && (r.tile_guids.as_ref().is_some_and(|g| !g.is_empty())
                    || r.mini_tile_guids.as_ref().is_some_and(|g| !g.is_empty()))
        })
}

/// True for an item whose create the server deduplicates: a tile `create`, or
/// a tile `replace` that leaves its old order, sent with `TileDeduplication: true`.
fn deduplicates(c: &Change) -> bool {
    let plain_create = match c.action {
        Action::Create => true,
        Action::Replace => matches!(c.cancel_effect, Some(CancelEffect::NotCancellable { .. })),
        _ => false,
    };
    plain_create && c.request.as_ref().is_some_and(|r| r.tile_deduplication == Some(true))
}

/// True for an item that cancels its `live` order.
fn cancels(c: &Change) -> bool {
    match c.action {
        Action::Cancel => true,
        Action::Replace => {
            !matches!(c.cancel_effect, Some(CancelEffect::NotCancellable { .. }) | None)
        }
        _ => false,
    }
}

/// `2 tiles are already ordered by `<guid>` …`.
fn note(covered: &Covered, by: &[String]) -> String {
    let plural = |n: usize, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "s" });
    let mut what = Vec::new();
    if !covered.tiles.is_empty() {
        what.push(plural(covered.tiles.len(), "tile"));
    }
    if !covered.minitiles.is_empty() {
        what.push(plural(covered.minitiles.len(), "minitile"));
    }
    let one = covered.tiles.len() + covered.minitiles.len() == 1;
    let (is, them) = if one { ("is", "it") } else { ("are", "them") };
    let orders: Vec<String> = by.iter().map(|g| format!("`{g}`")).collect();
    format!(
        "{} {is} already ordered by {} with the same model, constellations and cadence in an \
         overlapping period: the server's tile deduplication drops {them} \
         (`TileDeduplication: false` orders {them} for this entry too)",
        what.join(" and "),
        orders.join(", ")
    )
}

#[cfg(test)]
mod tests;
