//! The ClearSKY Vision tasking API as published, for both sides of the wire.
//!
//! skyform (the client) and `clearsky-emulator` (the fake service) depend on
//! this crate and never on each other, so the rules they share are written
//! once and cannot drift:
//!
//! - [`api`]: the wire types, requests, one response handler, the retry policy
//!   and the client (the only module here that does network IO);
//! - [`catalog`], [`tiers`]: the published models, constellations and monthly
//!   spend tiers; [`tariff`]: what an order costs by them; [`money`]: cents;
//! - [`aoi`], [`area`]: how a geometry splits into billed areas of interest,
//!   and how each is measured;
//! - [`calendar`], [`grid`], [`dedupe`], [`ranges`]: month ends and image
//!   cadences, the tile grid, tile deduplication and the accepted field ranges;
//! - [`read`]: bounded reads of local files (keys, models lists, state).
//!
//! Everything but [`api::Client`] and [`read`] is pure. Where the published
//! docs are silent, the module that decides says so as an assumption.

pub mod aoi;
pub mod api;
pub mod area;
pub mod calendar;
pub mod catalog;
pub mod dedupe;
pub mod grid;
pub mod money;
pub mod ranges;
pub mod read;
pub mod tariff;
pub mod tiers;

#[cfg(test)]
pub(crate) mod testing {
    use chrono::NaiveDate;

    /// Parses `YYYY-MM-DD`.
    pub(crate) fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }
}
