//! The models the API offers (`GET /api/tasking/models`), and the check of
//! what a run would order against them.
//!
//! The built-in [`clearsky::catalog`] is an offline snapshot: it lets `validate`
//! work without an account, and it warns about names it does not know. The
//! API's own list is the authority: `plan` and `apply` refuse to create an
//! order whose model the API does not offer, or whose constellations break the
//! model's required/optional rules, with the API's list in the message.
//! `orders` and `export` run the same check on their manifests as warnings.
//!
//! Pure, no IO: the caller reads the list once per run.

use std::collections::BTreeSet;

use crate::manifest::{Diagnostic, Diagnostics};
use crate::plan::Plan;
use crate::spec::{DesiredSet, Ensure, Source};
use crate::suggest::closest_ignoring_case;
use clearsky::api::types::{TaskingModel, TaskingModels};

/// One order a run would create: where it is written and what it names.
#[derive(Debug, Clone)]
pub struct Wanted<'a> {
    /// Where the entry is written.
    pub at: &'a Source,
    /// The entry's `name`.
    pub name: &'a str,
    /// The model as written.
    pub model: &'a str,
    /// The constellations as written.
    pub constellations: Vec<&'a str>,
}

/// The creates of `plan` (creates and replaces; keeps need no offered
/// model), each where its entry in `desired` is written.
pub fn creates_of<'a>(plan: &'a Plan, desired: &'a DesiredSet) -> Vec<Wanted<'a>> {
    plan.priceable()
        .into_iter()
        .filter_map(|i| {
            let c = &plan.changes[i];
            let (name, request) = (c.name.as_deref()?, c.request.as_ref()?);
            let entry = desired.orders.iter().find(|e| e.name == name)?;
            Some(Wanted {
                at: &entry.source,
                name,
                model: &request.model,
                constellations: request
                    .satellite_constellations
                    .iter()
                    .map(String::as_str)
                    .collect(),
            })
        })
        .collect()
}

/// Every `ensure: present` entry of `desired`.
pub fn entries_of(desired: &DesiredSet) -> Vec<Wanted<'_>> {
    desired
        .orders
        .iter()
        .filter(|e| e.ensure == Ensure::Present)
        .map(|e| Wanted {
            at: &e.source,
            name: &e.name,
            model: &e.spec.model,
            constellations: e.spec.constellations.iter().map(String::as_str).collect(),
        })
        .collect()
}

/// The problems of `wanted` against the API's list: an unknown model (with
/// the list and a "did you mean"), a missing required constellation, a
/// constellation the model does not take. Names compare without regard to
/// case, as the API binds them.
pub fn check<'a>(
    wanted: impl IntoIterator<Item = Wanted<'a>>,
    offered: &TaskingModels,
) -> Diagnostics {
    let mut out = Diagnostics::default();
    let names: Vec<&str> = offered.tasking_models.iter().map(|m| m.model.as_str()).collect();
    let listed = || names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
    for w in wanted {
        let at = |message: String| Diagnostic::at_entry(w.at, message);
        let Some(model) = find(offered, w.model) else {
            let message = if names.is_empty() {
                format!(
                    "order `{}`: model `{}` is not offered: the API lists no models",
                    w.name, w.model
                )
            } else {
                format!(
                    "order `{}`: model `{}` is not offered by the API; it offers {}",
                    w.name,
                    w.model,
                    listed()
                )
            };
            let squashed: String = w.model.chars().filter(char::is_ascii_alphanumeric).collect();
            out.push(match closest_ignoring_case(&squashed, &names) {
                Some(near) => at(message).hint(format!("did you mean `{near}`?")),
                None => at(message),
            });
            continue;
        };
        // A model listed without constellations says nothing about them: the
        // estimate checks them.
        if model.supported_satellite_constellations.is_empty() {
            continue;
        }
        let has = |c: &str| w.constellations.iter().any(|w| w.eq_ignore_ascii_case(c));
        let (required, optional) = split(model);
        for req in required.iter().filter(|c| !has(c)) {
            let message = format!(
                "order `{}`: the API says model `{}` requires constellation `{req}`",
                w.name, model.model
            );
            out.push(at(message).hint(format!("add `{req}` to `SatelliteConstellations`")));
        }
        let allowed: BTreeSet<String> =
            required.iter().chain(&optional).map(|c| c.to_ascii_lowercase()).collect();
        for extra in w.constellations.iter().filter(|c| !allowed.contains(&c.to_ascii_lowercase()))
        {
            let shown = required.iter().chain(&optional).map(|c| format!("`{c}`"));
            out.push(at(format!(
                "order `{}`: the API says model `{}` does not take constellation `{extra}`; it \
                 takes {}",
                w.name,
                model.model,
                shown.collect::<Vec<_>>().join(", ")
            )));
        }
    }
    out.finish();
    out
}

/// The offered model named `name`, compared without regard to case.
fn find<'m>(offered: &'m TaskingModels, name: &str) -> Option<&'m TaskingModel> {
    offered.tasking_models.iter().find(|m| m.model.eq_ignore_ascii_case(name))
}

/// A model's required and optional constellation names.
fn split(model: &TaskingModel) -> (Vec<&str>, Vec<&str>) {
    let names = |optional: bool| {
        model
            .supported_satellite_constellations
            .iter()
            .filter(|c| c.optional == optional)
            .map(|c| c.satellite_constellation.as_str())
            .collect()
    };
    (names(false), names(true))
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use serde_json::json;

    use super::*;

    fn offered() -> TaskingModels {
        serde_json::from_value(json!({"TaskingModels": [
            {"Model": "Stratus2", "SupportedSatelliteConstellations": [
                {"SatelliteConstellation": "Sentinel1", "Optional": false},
                {"SatelliteConstellation": "Sentinel2", "Optional": false},
                {"SatelliteConstellation": "Landsat89", "Optional": false}]},
            {"Model": "Cumulus1", "SupportedSatelliteConstellations": [
                {"SatelliteConstellation": "Sentinel2", "Optional": false},
                {"SatelliteConstellation": "Sentinel5P", "Optional": true}]}
        ]}))
        .unwrap()
    }

    static AT: Source = Source { file: PathBuf::new(), line: 7, column: 5 };

    fn wanted<'a>(model: &'a str, constellations: &[&'a str]) -> Wanted<'a> {
        Wanted { at: &AT, name: "field", model, constellations: constellations.to_vec() }
    }

    fn messages(w: Wanted<'_>) -> Vec<(String, Vec<String>)> {
        check([w], &offered()).iter().map(|d| (d.message.clone(), d.hints.clone())).collect()
    }

    #[test]
    fn a_model_the_api_offers_passes_in_any_casing() {
        assert!(messages(wanted("cumulus1", &["sentinel2", "SENTINEL5P"])).is_empty());
        assert!(messages(wanted("Stratus2", &["Sentinel1", "Sentinel2", "Landsat89"])).is_empty());
    }

    #[test]
    fn a_model_the_api_does_not_offer_is_refused_with_the_list() {
        let got = messages(wanted("Stratus3", &["Sentinel2"]));
        assert_eq!(got.len(), 1);
        assert_eq!(
            got[0].0,
            "order `field`: model `Stratus3` is not offered by the API; it offers `Stratus2`, \
             `Cumulus1`"
        );
        assert_eq!(got[0].1, ["did you mean `Stratus2`?"]);
    }

    #[test]
    fn the_api_s_required_and_optional_rules_apply() {
        let got = messages(wanted("Cumulus1", &["Sentinel1"]));
        let texts: Vec<&str> = got.iter().map(|(m, _)| m.as_str()).collect();
        assert_eq!(
            texts,
            [
                "order `field`: the API says model `Cumulus1` requires constellation `Sentinel2`",
                "order `field`: the API says model `Cumulus1` does not take constellation \
                 `Sentinel1`; it takes `Sentinel2`, `Sentinel5P`",
            ]
        );
        assert_eq!(got[0].1, ["add `Sentinel2` to `SatelliteConstellations`"]);
    }

    #[test]
    fn a_model_listed_without_constellations_leaves_them_to_the_estimate() {
        let offered: TaskingModels =
            serde_json::from_value(json!({"TaskingModels": [{"Model": "Cumulus1"}]})).unwrap();
        assert!(check([wanted("Cumulus1", &["Sentinel9"])], &offered).is_empty());
        assert_eq!(check([wanted("Stratus2", &["Sentinel1"])], &offered).len(), 1);
    }

    #[test]
    fn problems_point_at_the_entry() {
        let got = check([wanted("Nope", &[])], &offered());
        let d = got.iter().next().unwrap();
        assert_eq!((d.line, d.column, d.warning), (7, 5, false));
    }

    #[test]
    fn an_empty_list_refuses_every_model() {
        let got = check([wanted("Stratus2", &[])], &TaskingModels::default());
        assert_eq!(
            got.iter().next().unwrap().message,
            "order `field`: model `Stratus2` is not offered: the API lists no models"
        );
    }
}
