//! Earlier versions by the base revision: the live orders that match an
//! entry as it was at the base (the entry of the same `name` there, `present`)
//! and no current entry. Matching is identity's ([`identity::match_all`]), so
//! the pairing is exact: an order placed for another folder's entry, however
//! alike, matches nothing at this set's base.
//!
//! Pure, no IO.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use crate::identity;
use crate::spec::{Base, DesiredOrder, Ensure};
use clearsky::api::types::TaskOrder;

/// The free live orders each entry of the base matches.
pub(super) struct Versions<'a> {
    entries: &'a [DesiredOrder],
    base: &'a Base,
    /// Per base entry: the free orders it matches, preferred first (see
    /// [`identity::EntryMatch::orders`]), then those whose renewal stopped.
    /// Empty for `ensure: absent` entries: they described no order to keep.
    matched: Vec<Vec<usize>>,
    /// Base entry by name.
    by_name: HashMap<&'a str, usize>,
}

impl<'a> Versions<'a> {
    /// Matches the base's entries against the live orders among `free`.
    pub(super) fn of(
        entries: &'a [DesiredOrder],
        live: &[TaskOrder],
        free: &BTreeSet<usize>,
        base: &'a Base,
    ) -> Self {
        let matching = identity::match_all(&base.orders, live);
        let matched = base
            .orders
            .iter()
            .zip(&matching.entries)
            .map(|(entry, m)| {
                if entry.ensure == Ensure::Absent {
                    return Vec::new();
                }
                let all = m.orders.iter().chain(&m.stopped).copied();
                let mut seen = BTreeSet::new();
                all.filter(|i| free.contains(i) && seen.insert(*i)).collect()
            })
            .collect();
        let by_name = base.orders.iter().enumerate().map(|(b, o)| (o.name.as_str(), b)).collect();
        Self { entries, base, matched, by_name }
    }

    /// The free orders that match entry `e` (an index into the current
    /// entries) as it was at the base, preferred first.
    pub(super) fn of_entry(&self, e: usize) -> impl Iterator<Item = usize> + '_ {
        let b = self.by_name.get(self.entries[e].name.as_str());
        b.into_iter().flat_map(|&b| self.matched[b].iter().copied())
    }

    /// A note for each order not `taken` that matches an entry the base held
    /// and the manifests no longer do: such an order is left alone, as the
    /// entry's removal does not say whether it went elsewhere.
    pub(super) fn removed_entries(&self, taken: &BTreeSet<usize>) -> BTreeMap<usize, String> {
        let now: HashSet<&str> = self.entries.iter().map(|e| e.name.as_str()).collect();
        let mut notes = BTreeMap::new();
        for (entry, orders) in self.base.orders.iter().zip(&self.matched) {
            if now.contains(entry.name.as_str()) {
                continue;
            }
            for &i in orders.iter().filter(|i| !taken.contains(i)) {
                notes.entry(i).or_insert_with(|| {
                    format!(
                        "matches entry `{}` as it was at base `{}`, which the manifests no longer \
                         hold; cancel it with `--prune` or an `ensure: absent` entry",
                        entry.name,
                        self.base.short()
                    )
                });
            }
        }
        notes
    }
}
