//! The server's tile deduplication: which tiles and minitiles of a tile order
//! earlier live orders already cover, so that a create sent with
//! `TileDeduplication: true` drops them (contract part B item 13).
//!
//! Pure, no IO. One rule for both sides, so that they cannot drift: the
//! emulator applies it to every deduplicated create, and the plan asks it
//! whether a tile entry is already ordered. A live order covers a wanted GUID
//! when
//! - it is not `Canceled`;
//! - it has the same `Model`, the same set of `SatelliteConstellations` (any
//!   case), the same `ImageFrequency` and the same `ReferenceDate` (a missing
//!   one read as its `From`, the server's default);
//! - its period overlaps the request's (`To: null` runs for ever);
//! - it holds the GUID, or, for a minitile, the minitile's tile (known only
//!   for GUIDs on [`crate::grid`]; the real service's GUIDs cover themselves).
//!
//! The seed page ("Tasking / Order Endpoints", "Common Failure and Fix") names
//! Model, SatelliteConstellations, tile selection and time/cadence settings as
//! what deduplication depends on; that the cadence must be equal (not merely
//! producing overlapping dates) and that the periods need only overlap is
//! skyform's assumption. `StorageMonths` and `ApiRequests` play no part.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use uuid::Uuid;

use crate::api::types::TaskOrder;
use crate::grid::Cell;

/// The fields deduplication compares, of a request or of a live order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    model: String,
    constellations: BTreeSet<String>,
    image_frequency: i64,
    reference_date: NaiveDate,
    from: NaiveDate,
    to: Option<NaiveDate>,
}

impl Settings {
    /// The settings of a request: `reference_date` already defaulted to `from`.
    pub fn new<S: AsRef<str>>(
        model: &str,
        constellations: impl IntoIterator<Item = S>,
        image_frequency: i64,
        reference_date: NaiveDate,
        from: NaiveDate,
        to: Option<NaiveDate>,
    ) -> Self {
        Self {
            model: model.to_ascii_lowercase(),
            constellations: constellations
                .into_iter()
                .map(|c| c.as_ref().to_ascii_lowercase())
                .collect(),
            image_frequency,
            reference_date,
            from,
            to,
        }
    }

    /// The settings of a live order.
    pub fn of_order(order: &TaskOrder) -> Self {
        Self::new(
            &order.model,
            &order.satellite_constellations,
            order.image_frequency,
            order.reference_date.unwrap_or(order.from),
            order.from,
            order.to,
        )
    }

    /// True when an order with `other` settings deduplicates a request with these.
    fn dedupes(&self, other: &Self) -> bool {
        let end = |to: Option<NaiveDate>| to.unwrap_or(NaiveDate::MAX);
        self.model == other.model
            && self.constellations == other.constellations
            && self.image_frequency == other.image_frequency
            && self.reference_date == other.reference_date
            && self.from <= end(other.to)
            && other.from <= end(self.to)
    }
}

/// The wanted GUIDs found already ordered, and by which orders.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Covered {
    /// Wanted tiles some order covers.
    pub tiles: BTreeSet<Uuid>,
    /// Wanted minitiles some order covers (itself or through its tile).
    pub minitiles: BTreeSet<Uuid>,
    /// Every order covering at least one of them, by index into the orders
    /// the [`Ledger`] was built from.
    pub by: BTreeSet<usize>,
}

impl Covered {
    /// True when nothing is covered.
    pub fn is_empty(&self) -> bool {
        self.tiles.is_empty() && self.minitiles.is_empty()
    }
}

/// Live orders indexed by the tile and minitile GUIDs they hold: each question
/// looks up the wanted GUIDs (and a minitile's tile) instead of reading every
/// order.
#[derive(Debug, Default)]
pub struct Ledger {
    settings: Vec<Settings>,
    by_guid: HashMap<Uuid, Vec<usize>>,
}

impl Ledger {
    /// Indexes `orders`; `Canceled` orders and GUIDs that do not parse are left out.
    pub fn new<'a>(orders: impl IntoIterator<Item = &'a TaskOrder>) -> Self {
        let mut ledger = Self::default();
        for (i, order) in orders.into_iter().enumerate() {
            ledger.settings.push(Settings::of_order(order));
            if order.ordering_process_status.is_canceled() {
                continue;
            }
            for t in order.tiles.iter().chain(&order.mini_tiles) {
                if let Ok(g) = Uuid::parse_str(t.guid.trim()) {
                    ledger.by_guid.entry(g).or_default().push(i);
                }
            }
        }
        ledger
    }

    /// The GUIDs among `tiles` and `minitiles` that the orders for which
    /// `counts` is true already cover under `request`'s settings.
    pub fn covered<'a>(
        &self,
        request: &Settings,
        tiles: impl IntoIterator<Item = &'a Uuid>,
        minitiles: impl IntoIterator<Item = &'a Uuid>,
        counts: impl Fn(usize) -> bool,
    ) -> Covered {
        let mut covered = Covered::default();
        let mut holders = |g: Uuid| -> bool {
            let mut found = false;
            for &i in self.by_guid.get(&g).into_iter().flatten() {
                if counts(i) && request.dedupes(&self.settings[i]) {
                    covered.by.insert(i);
                    found = true;
                }
            }
            found
        };
        let mut tiles_found = BTreeSet::new();
        for &g in tiles {
            if holders(g) {
                tiles_found.insert(g);
            }
        }
        let mut minitiles_found = BTreeSet::new();
        for &g in minitiles {
            let parent = Cell::from_guid(g).filter(|c| c.is_minitile()).map(|c| c.tile().guid());
            // Both lookups run, so that `by` names every covering order.
            let own = holders(g);
            let through_tile = parent.is_some_and(&mut holders);
            if own || through_tile {
                minitiles_found.insert(g);
            }
        }
        covered.tiles = tiles_found;
        covered.minitiles = minitiles_found;
        covered
    }
}

/// The GUIDs among `tiles` and `minitiles` that `orders` already cover under
/// `request`'s settings: what a deduplicated create drops.
pub fn already_ordered<'a, 'b>(
    request: &Settings,
    orders: impl IntoIterator<Item = &'a TaskOrder>,
    tiles: impl IntoIterator<Item = &'b Uuid>,
    minitiles: impl IntoIterator<Item = &'b Uuid>,
) -> Covered {
    Ledger::new(orders).covered(request, tiles, minitiles, |_| true)
}
