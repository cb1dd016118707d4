//! The ClearSKY catalogue skyform knows offline: models, constellations, which
//! constellations each model requires or allows, and the published EUR prices.
//!
//! Pure data, no IO. Shared by manifest validation (is this model real? is a
//! required constellation missing?) and by the emulator (what does an image cost?).
//! Sources are the model and pricing tables of the ClearSKY docs (see
//! `docs/clearsky-api.md` A5.1 and A11 in the shared docs).
//!
//! Assumption: the docs price Sentinel-3 as an optional input but do not say
//! which models take it; every model accepts it here as an add-on.

use crate::tiers::Family;

/// One satellite constellation by its API enum value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Constellation {
    /// The API enum value, e.g. `Sentinel1`.
    pub api_name: &'static str,
    /// EUR per km² per image when the constellation is an optional add-on.
    pub addon_eur_per_km2: f64,
}

/// Every constellation the API is known to accept.
pub const CONSTELLATIONS: &[Constellation] = &[
    Constellation { api_name: "Sentinel1", addon_eur_per_km2: 0.04 },
    Constellation { api_name: "Sentinel2", addon_eur_per_km2: 0.04 },
    Constellation { api_name: "Landsat89", addon_eur_per_km2: 0.02 },
    // Priced in the docs (Pricing & Billing: Sentinel-3 add-on €0.02/km²); the API
    // value `Sentinel3` is an assumption following the others' spelling.
    Constellation { api_name: "Sentinel3", addon_eur_per_km2: 0.02 },
];

/// One tasking model by its API enum value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Model {
    /// The API enum value, e.g. `Stratus2`.
    pub api_name: &'static str,
    /// The label the dashboard and docs show, e.g. `Stratus-2`.
    pub display_name: &'static str,
    /// Constellations the model cannot run without.
    pub required: &'static [&'static str],
    /// Constellations that may be added (priced as add-ons).
    pub optional: &'static [&'static str],
    /// EUR per km² per image in the first spend tier, required inputs included.
    pub base_eur_per_km2: f64,
    /// The discount column of the monthly spend tiers ([`crate::tiers`]).
    pub family: Family,
}

const S1_S2_L89: &[&str] = &["Sentinel1", "Sentinel2", "Landsat89"];

/// Every model the API is known to accept.
pub const MODELS: &[Model] = &[
    Model {
        api_name: "Stratus2",
        display_name: "Stratus-2",
        required: S1_S2_L89,
        optional: &["Sentinel3"],
        base_eur_per_km2: 0.20,
        family: Family::Stratus,
    },
    Model {
        api_name: "Stratus3",
        display_name: "Stratus-3",
        required: S1_S2_L89,
        optional: &["Sentinel3"],
        base_eur_per_km2: 0.20,
        family: Family::Stratus,
    },
    Model {
        api_name: "Stratus2Fast",
        display_name: "Stratus-2 Fast",
        required: &["Sentinel1", "Sentinel2"],
        optional: &["Landsat89", "Sentinel3"],
        base_eur_per_km2: 0.18,
        family: Family::Stratus,
    },
    Model {
        api_name: "Stratus2NoSnow",
        display_name: "Stratus-2 (No Snow)",
        required: S1_S2_L89,
        optional: &["Sentinel3"],
        base_eur_per_km2: 0.20,
        family: Family::Stratus,
    },
    Model {
        api_name: "Nimbus",
        display_name: "Nimbus",
        required: &["Sentinel2"],
        optional: &["Sentinel1", "Landsat89", "Sentinel3"],
        base_eur_per_km2: 0.10,
        family: Family::Nimbus,
    },
];

impl Model {
    /// EUR per km² per image before spend-tier discounts: the base rate plus the
    /// add-on rate of each selected constellation that is optional for the model
    /// (docs D37: "model package base rate + selected optional input add-on rates").
    pub fn list_eur_per_km2(&self, constellations: &[String]) -> f64 {
        let addons = self
            .optional
            .iter()
            .filter_map(|opt| constellation(opt))
            .map(|c| (c.api_name, c.addon_eur_per_km2));
        list_rate(self.base_eur_per_km2, addons, constellations)
    }
}

/// Returns the list rate (EUR per km² per image, before spend tiers and the
/// order mode) of a model of `base` EUR/km² whose optional constellations cost
/// `addons` (API name, EUR/km²), for the constellations `selected` names in
/// any case: the one formula of the built-in models and the emulator's served
/// ones (docs D37). A selected constellation the model requires or does not
/// offer adds nothing.
pub fn list_rate<'a>(
    base: f64,
    addons: impl IntoIterator<Item = (&'a str, f64)>,
    selected: &[String],
) -> f64 {
    let added: f64 = addons
        .into_iter()
        .filter(|(name, _)| selected.iter().any(|s| s.eq_ignore_ascii_case(name)))
        .map(|(_, eur)| eur)
        .sum();
    base + added
}

/// Finds a model by its API value, case-insensitively (the API is ASP.NET and
/// binds enums without regard to case).
pub fn model(name: &str) -> Option<&'static Model> {
    MODELS.iter().find(|m| m.api_name.eq_ignore_ascii_case(name))
}

/// Finds the model whose display label is `label` (`Stratus-2`), ignoring case
/// and the characters `-`, ` `, `(`, `)`: used for "did you mean" hints.
pub fn model_by_label(label: &str) -> Option<&'static Model> {
    let squash = |s: &str| -> String {
        s.chars()
            .filter(|c| !matches!(c, '-' | ' ' | '(' | ')' | '_'))
            .flat_map(char::to_lowercase)
            .collect()
    };
    let wanted = squash(label);
    MODELS.iter().find(|m| squash(m.display_name) == wanted || squash(m.api_name) == wanted)
}

/// Finds a constellation by its API value, case-insensitively.
pub fn constellation(name: &str) -> Option<&'static Constellation> {
    CONSTELLATIONS.iter().find(|c| c.api_name.eq_ignore_ascii_case(name))
}

/// Whether `name` has the form of an API enum value (`Stratus2`,
/// `Sentinel1`): an ASCII letter, then letters and digits, at most 64 in all.
/// A name of that form that the catalogue does not know may be one the API
/// added since; a label such as `Stratus-2` never is.
pub fn is_api_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric())
        && name.len() <= 64
}

/// Order-mode price multipliers (tile 0.2, minitile 0.5, polygon 1.0).
pub const TILE_MULTIPLIER: f64 = 0.2;
/// See [`TILE_MULTIPLIER`].
pub const MINITILE_MULTIPLIER: f64 = 0.5;
/// Area of one tile in km² (5120 × 5120 px at 10 m).
pub const TILE_KM2: f64 = 2621.44;
/// Area of one minitile in km² (320 × 320 px at 10 m).
pub const MINITILE_KM2: f64 = 10.24;
/// Extra storage, EUR per km² per image per extra month.
pub const STORAGE_EUR_PER_KM2_MONTH: f64 = 0.000_01;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_models_case_insensitively_and_by_label() {
        assert_eq!(model("stratus2").unwrap().api_name, "Stratus2");
        assert!(model("Stratus-2").is_none());
        assert_eq!(model_by_label("Stratus-2").unwrap().api_name, "Stratus2");
        assert_eq!(model_by_label("stratus-2 fast").unwrap().api_name, "Stratus2Fast");
        assert_eq!(constellation("landsat89").unwrap().api_name, "Landsat89");
    }

    #[test]
    fn api_names_are_letters_then_letters_and_digits() {
        for ok in ["Stratus2", "Cumulus", "NimbusNdvi", "S"] {
            assert!(is_api_name(ok), "{ok}");
        }
        for bad in
            ["", "Stratus-2", "Stratus 2", "2Stratus", "Nimbus_NDVI", "Ström", &"a".repeat(65)]
        {
            assert!(!is_api_name(bad), "{bad}");
        }
    }

    #[test]
    fn every_required_constellation_exists() {
        for m in MODELS {
            for c in m.required.iter().chain(m.optional) {
                assert!(constellation(c).is_some(), "{} names unknown {c}", m.api_name);
            }
        }
    }
}
