//! The catalogue the emulator serves: which models exist, which constellations
//! each requires or allows, and what each costs. It is what
//! `GET /api/tasking/models` answers, what order validation checks, and what
//! estimates, creates and renewals price with.
//!
//! Pure, no IO. The default is built from the client's offline snapshot
//! ([`clearsky::catalog`]), so every answer and price of an emulator without
//! `--models` is the built-in one; `skyform emulator --models FILE` replaces it
//! with a file in the shape of the API's answer (see `file`, which also holds
//! the assumptions about prices the API does not publish).

mod file;

use std::sync::{Arc, LazyLock};

use clearsky::api::types::{SupportedConstellation, TaskingModel, TaskingModels};
use clearsky::catalog;
use clearsky::tiers::Family;

/// EUR per km² per image of a model whose price is not known: Stratus-2's base
/// rate (docs A11). Assumption: the docs publish no price for a model they do not list.
pub const DEFAULT_BASE_EUR_PER_KM2: f64 = 0.20;
/// The discount column of a model whose family is not known: Stratus-2's.
pub const DEFAULT_FAMILY: Family = Family::Stratus;
/// Add-on EUR per km² per image of an optional constellation the built-in
/// catalogue does not know. Assumption (no price is published): the lowest
/// published add-on rate (Landsat 8/9 and Sentinel-3, €0.02).
pub const DEFAULT_ADDON_EUR_PER_KM2: f64 = 0.02;

/// One model as the emulator serves it.
#[derive(Debug, Clone, PartialEq)]
pub struct ServedModel {
    /// The API enum value, e.g. `Stratus2`.
    pub name: String,
    /// Constellations the model cannot run without.
    pub required: Vec<String>,
    /// Constellations that may be added, each with its add-on rate.
    pub optional: Vec<Addon>,
    /// EUR per km² per image in the first spend tier, required inputs included.
    pub base_eur_per_km2: f64,
    /// The discount column of the monthly spend tiers.
    pub family: Family,
}

/// An optional constellation of a model and what adding it costs.
#[derive(Debug, Clone, PartialEq)]
pub struct Addon {
    /// The constellation's API value, e.g. `Sentinel3`.
    pub constellation: String,
    /// EUR per km² per image, before spend-tier discounts.
    pub eur_per_km2: f64,
}

impl ServedModel {
    /// Returns the model the built-in catalogue has under this name, or, for a
    /// name it does not know, a model priced like Stratus-2 with no
    /// constellations: how a stored order of a model no longer served renews.
    pub fn unlisted(name: &str) -> Self {
        catalog::model(name).map_or_else(
            || Self {
                name: name.to_owned(),
                required: Vec::new(),
                optional: Vec::new(),
                base_eur_per_km2: DEFAULT_BASE_EUR_PER_KM2,
                family: DEFAULT_FAMILY,
            },
            Self::from_builtin,
        )
    }

    fn from_builtin(m: &catalog::Model) -> Self {
        Self {
            name: m.api_name.to_owned(),
            required: m.required.iter().map(|c| (*c).to_owned()).collect(),
            optional: m.optional.iter().map(|c| Addon::priced(c)).collect(),
            base_eur_per_km2: m.base_eur_per_km2,
            family: m.family,
        }
    }

    /// EUR per km² per image before spend-tier discounts: the base rate plus
    /// the add-on rate of each selected constellation that is optional for the
    /// model (docs D37: "model package base rate + selected optional input
    /// add-on rates"). Required and unknown constellations add nothing.
    pub fn list_eur_per_km2(&self, constellations: &[String]) -> f64 {
        let addons = self.optional.iter().map(|a| (a.constellation.as_str(), a.eur_per_km2));
        catalog::list_rate(self.base_eur_per_km2, addons, constellations)
    }

    /// Tells whether `constellation` (in its canonical spelling) is one the model takes.
    pub fn supports(&self, constellation: &str) -> bool {
        self.required.iter().any(|c| c == constellation)
            || self.optional.iter().any(|a| a.constellation == constellation)
    }
}

impl Addon {
    /// The add-on `constellation` at its built-in rate, or at
    /// [`DEFAULT_ADDON_EUR_PER_KM2`] when the built-in catalogue does not know it.
    fn priced(constellation: &str) -> Self {
        Self {
            constellation: constellation.to_owned(),
            eur_per_km2: catalog::constellation(constellation)
                .map_or(DEFAULT_ADDON_EUR_PER_KM2, |c| c.addon_eur_per_km2),
        }
    }
}

/// The models an emulator serves; cheap to clone.
#[derive(Debug, Clone, PartialEq)]
pub struct Catalogue {
    models: Vec<Arc<ServedModel>>,
    /// Every constellation a model names, in its canonical spelling.
    constellations: Vec<String>,
}

/// Returns the built-in catalogue ([`clearsky::catalog`]'s models and constellations).
pub fn builtin() -> &'static Catalogue {
    static BUILTIN: LazyLock<Catalogue> = LazyLock::new(|| Catalogue {
        models: catalog::MODELS.iter().map(|m| Arc::new(ServedModel::from_builtin(m))).collect(),
        constellations: catalog::CONSTELLATIONS.iter().map(|c| c.api_name.to_owned()).collect(),
    });
    &BUILTIN
}

impl Default for Catalogue {
    fn default() -> Self {
        builtin().clone()
    }
}

impl Catalogue {
    /// Reads a catalogue in the shape of `GET /api/tasking/models`'s answer
    /// (the whole envelope or its `Data`), keys in any case. Returns every
    /// problem found, one sentence each.
    pub fn from_json(bytes: &[u8]) -> Result<Self, Vec<String>> {
        file::parse(bytes)
    }

    /// Finds a served model by its API value, case-insensitively (the API is
    /// ASP.NET and binds enums without regard to case).
    pub fn model(&self, name: &str) -> Option<&Arc<ServedModel>> {
        self.models.iter().find(|m| m.name.eq_ignore_ascii_case(name))
    }

    /// Returns every served model, in the order served.
    pub fn models(&self) -> &[Arc<ServedModel>] {
        &self.models
    }

    /// Finds a constellation some served model names, case-insensitively, in
    /// its canonical spelling.
    pub fn constellation(&self, name: &str) -> Option<&str> {
        self.constellations.iter().find(|c| c.eq_ignore_ascii_case(name)).map(String::as_str)
    }

    /// Returns the API values of the served models, joined by `, ` (for messages).
    pub fn names(&self) -> String {
        self.models.iter().map(|m| m.name.as_str()).collect::<Vec<_>>().join(", ")
    }

    /// Returns the `Data` of `GET /api/tasking/models`: each model's required
    /// constellations, then its optional ones.
    pub fn tasking_models(&self) -> TaskingModels {
        let entry = |name: &str, optional| SupportedConstellation {
            satellite_constellation: name.to_owned(),
            optional,
        };
        TaskingModels {
            tasking_models: self
                .models
                .iter()
                .map(|m| TaskingModel {
                    model: m.name.clone(),
                    supported_satellite_constellations: m
                        .required
                        .iter()
                        .map(|c| entry(c, false))
                        .chain(m.optional.iter().map(|a| entry(&a.constellation, true)))
                        .collect(),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests;
