//! The `skyform emulator --models FILE` file: the answer of
//! `GET /api/tasking/models` (the whole `{"Data": {"TaskingModels": [...]},
//! "Succeeded": true, "Error": null}` envelope, or only its `Data`), with keys
//! in any case, read into a [`Catalogue`] that replaces the built-in one.
//!
//! Pure, no IO: the command reads the file (through `clearsky::read`).
//!
//! Assumptions (skyform's, not ClearSKY's; the API's answer carries no prices):
//! - Each model may carry two price fields of skyform's own: `PriceEurPerKm2`
//!   (the base rate, EUR per km² per image in the first spend tier, required
//!   inputs included; at least 0) and `PricingFamily` (`Stratus` or `Nimbus`,
//!   any case: the discount column of the monthly spend tiers).
//! - A model without them keeps its built-in price when the built-in catalogue
//!   knows its name (so a saved answer of the real API prices as before), and
//!   is priced like Stratus-2 otherwise (€0.20, the Stratus column). Each
//!   field defaults on its own.
//! - An optional constellation costs its built-in add-on rate, or €0.02 (the
//!   lowest published add-on) when the built-in catalogue does not know it.
//! - Keys other than these are ignored, as the client ignores them in answers.

use std::sync::Arc;

use serde::Deserialize;
use serde_json::Value;

use super::{Addon, Catalogue, DEFAULT_BASE_EUR_PER_KM2, DEFAULT_FAMILY, ServedModel};
use clearsky::api::types::TaskingModel;
use clearsky::api::types::casing::canonical_keys;
use clearsky::catalog;
use clearsky::tiers::Family;

/// Every key the file may use, in its canonical spelling.
const KEYS: &[&str] = &[
    "Data",
    "Succeeded",
    "Error",
    "TaskingModels",
    "Model",
    "SupportedSatelliteConstellations",
    "SatelliteConstellation",
    "Optional",
    "PriceEurPerKm2",
    "PricingFamily",
];

/// The values `PricingFamily` takes.
const FAMILIES: [(&str, Family); 2] = [("Stratus", Family::Stratus), ("Nimbus", Family::Nimbus)];

/// One entry of `TaskingModels` with skyform's price fields.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct FileModel {
    #[serde(flatten)]
    served: TaskingModel,
    #[serde(default)]
    price_eur_per_km2: Option<f64>,
    #[serde(default)]
    pricing_family: Option<String>,
}

/// Reads a catalogue; returns every problem found, one sentence each.
pub(super) fn parse(bytes: &[u8]) -> Result<Catalogue, Vec<String>> {
    let mut value: Value =
        serde_json::from_slice(bytes).map_err(|e| vec![format!("not JSON: {e}")])?;
    canonical_keys(&mut value, KEYS);
    let list = models_list(value).map_err(|e| vec![e])?;
    if list.is_empty() {
        return Err(vec!["`TaskingModels` is empty: the emulator needs at least one model".into()]);
    }
    let mut problems = Vec::new();
    let mut models: Vec<Arc<ServedModel>> = Vec::new();
    let mut constellations = Vec::new();
    for (i, item) in list.into_iter().enumerate() {
        match model(i, item, &mut constellations) {
            Ok(m) if models.iter().any(|o| o.name.eq_ignore_ascii_case(&m.name)) => problems.push(
                format!("model `{}` is listed twice (names are compared ignoring case)", m.name),
            ),
            Ok(m) => models.push(Arc::new(m)),
            Err(mut e) => problems.append(&mut e),
        }
    }
    if problems.is_empty() { Ok(Catalogue { models, constellations }) } else { Err(problems) }
}

/// The `TaskingModels` list of the envelope or of its `Data`.
fn models_list(mut value: Value) -> Result<Vec<Value>, String> {
    if let Some(data) = value.get_mut("Data").map(Value::take) {
        value = data;
    }
    match value.get_mut("TaskingModels").map(Value::take) {
        Some(Value::Array(list)) => Ok(list),
        Some(other) => Err(format!("`TaskingModels` must be a list, not `{other}`")),
        None => Err("no `TaskingModels` list, neither at the top nor in `Data`".to_owned()),
    }
}

/// Reads the `i`-th model; `seen` gathers the constellations of the whole
/// file, each in one spelling (the built-in one, else the first seen).
fn model(i: usize, item: Value, seen: &mut Vec<String>) -> Result<ServedModel, Vec<String>> {
    let at = format!("model {}", i + 1);
    let file: FileModel = serde_json::from_value(item).map_err(|e| vec![format!("{at}: {e}")])?;
    let name = file.served.model.trim().to_owned();
    if name.is_empty() {
        return Err(vec![format!("{at} has an empty `Model`")]);
    }
    let mut problems = Vec::new();
    let mut fail = |msg: String| problems.push(format!("model `{name}` {msg}"));
    let (mut required, mut optional): (Vec<String>, Vec<Addon>) = (Vec::new(), Vec::new());
    for entry in &file.served.supported_satellite_constellations {
        let raw = entry.satellite_constellation.trim();
        if raw.is_empty() {
            fail("has an empty `SatelliteConstellation`".to_owned());
            continue;
        }
        let c = canonical(raw, seen);
        if required.contains(&c) || optional.iter().any(|a| a.constellation == c) {
            fail(format!("lists the constellation `{c}` twice"));
        } else if entry.optional {
            optional.push(Addon::priced(&c));
        } else {
            required.push(c);
        }
    }
    if required.is_empty() {
        fail("has no required constellation (an entry with `\"Optional\": false`)".to_owned());
    }
    let builtin = catalog::model(&name);
    let base_eur_per_km2 = match file.price_eur_per_km2 {
        Some(p) if p < 0.0 => {
            fail(format!("has a negative `PriceEurPerKm2` ({p}): prices are at least 0"));
            p
        }
        Some(p) => p,
        None => builtin.map_or(DEFAULT_BASE_EUR_PER_KM2, |m| m.base_eur_per_km2),
    };
    let family = match file.pricing_family.as_deref().map(str::trim) {
        None => builtin.map_or(DEFAULT_FAMILY, |m| m.family),
        Some(f) => FAMILIES.iter().find(|(n, _)| n.eq_ignore_ascii_case(f)).map_or_else(
            || {
                let names: Vec<String> = FAMILIES.iter().map(|(n, _)| format!("`{n}`")).collect();
                fail(format!(
                    "has an unknown `PricingFamily` `{f}`: expected {}",
                    names.join(" or ")
                ));
                DEFAULT_FAMILY
            },
            |(_, family)| *family,
        ),
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(ServedModel { name, required, optional, base_eur_per_km2, family })
}

/// The spelling of constellation `raw` in this file: the built-in one when
/// the built-in catalogue knows it, else the first one seen.
fn canonical(raw: &str, seen: &mut Vec<String>) -> String {
    if let Some(c) = seen.iter().find(|c| c.eq_ignore_ascii_case(raw)) {
        return c.clone();
    }
    let c = catalog::constellation(raw).map_or_else(|| raw.to_owned(), |c| c.api_name.to_owned());
    seen.push(c.clone());
    c
}
