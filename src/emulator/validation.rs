//! Decoding and validating request bodies the way the ASP.NET service does:
//! keys in any case, enum values in any case, problem details when the JSON
//! cannot be bound, and a 400/992 with per-field messages otherwise.
//!
//! Pure, no IO.

use chrono::{Datelike, NaiveDate};
use geo::MultiPolygon;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use super::area::{self, AoiArea, AreaRule};
use super::canonical::canonical_keys;
use super::{dates, tiles};
use crate::api::types::{FieldErrors, OrderRequest, ProblemDetails, parse_date};
use crate::catalog::{self, Model};

/// Every request key the emulator knows, in the API's spelling.
const KNOWN_KEYS: &[&str] = &[
    "Wkt",
    "GeoJson",
    "TileGuids",
    "MiniTileGuids",
    "TileGuidForMiniTiles",
    "SatelliteConstellations",
    "Model",
    "StorageMonths",
    "ApiRequests",
    "ImageFrequency",
    "ReferenceDate",
    "From",
    "To",
    "TileDeduplication",
    "SimulatedEuroUsage",
    "Guids",
];

/// Why a body was turned away.
#[derive(Debug)]
pub(crate) enum Rejection {
    /// The JSON could not be parsed or bound: ASP.NET problem details.
    Problem(ProblemDetails),
    /// The body was bound but breaks the rules: 400/992 with these messages.
    Invalid(FieldErrors),
}

/// Parses a JSON body with keys in any case into `T`.
pub(crate) fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, Rejection> {
    let mut value: serde_json::Value = serde_json::from_slice(body).map_err(|e| problem(&e))?;
    canonical_keys(&mut value, KNOWN_KEYS);
    serde_json::from_value(value).map_err(|e| problem(&e))
}

fn problem(err: &serde_json::Error) -> Rejection {
    let mut errors = FieldErrors::new();
    errors.insert("$".to_owned(), vec![err.to_string()]);
    Rejection::Problem(ProblemDetails {
        r#type: Some("https://tools.ietf.org/html/rfc9110#section-15.5.1".to_owned()),
        title: "One or more validation errors occurred.".to_owned(),
        status: 400,
        errors,
        trace_id: Some("00-emulator-0000000000000000-00".to_owned()),
    })
}

/// The area an order covers.
#[derive(Debug, Clone)]
pub(crate) enum Aoi {
    /// A polygon order, measured under the configured rule.
    Polygons(AoiArea),
    /// A tile/minitile order.
    Tiles {
        /// Tile GUIDs, as sent (lower-case).
        tiles: Vec<Uuid>,
        /// Minitile GUIDs.
        minitiles: Vec<Uuid>,
    },
}

/// An order body that passed every rule, with canonical enum spellings.
#[derive(Debug, Clone)]
pub(crate) struct ValidOrder {
    /// The model.
    pub(crate) model: &'static Model,
    /// Constellations, in the API's spelling, in the order sent.
    pub(crate) constellations: Vec<String>,
    /// ≥ 1.
    pub(crate) storage_months: i64,
    /// ≥ 1.
    pub(crate) api_requests: i64,
    /// 1..=7.
    pub(crate) image_frequency: u32,
    /// Cadence anchor (defaults to `from`).
    pub(crate) reference_date: NaiveDate,
    /// First day of the first month.
    pub(crate) from: NaiveDate,
    /// Last day of a month, or `None` for recurring.
    pub(crate) to: Option<NaiveDate>,
    /// Polygons or tiles.
    pub(crate) aoi: Aoi,
    /// Create only.
    pub(crate) tile_deduplication: bool,
    /// Estimate only.
    pub(crate) simulated_euro_usage: Option<f64>,
}

/// Checks an order body against part B item 6 of the contract; collects every problem.
pub(crate) fn order(req: &OrderRequest, rule: AreaRule) -> Result<ValidOrder, FieldErrors> {
    let mut errs = FieldErrors::new();
    let mut fail = |field: &str, msg: String| errs.entry(field.to_owned()).or_default().push(msg);

    let aoi = check_aoi(req, rule, &mut fail);
    let model = catalog::model(&req.model);
    if model.is_none() {
        let names: Vec<&str> = catalog::MODELS.iter().map(|m| m.api_name).collect();
        fail(
            "Model",
            format!("'{}' is not a valid Model; use one of {}", req.model, names.join(", ")),
        );
    }
    let constellations = check_constellations(req, model, &mut fail);
    if req.storage_months < 1 {
        fail("StorageMonths", "StorageMonths must be at least 1".to_owned());
    }
    if req.api_requests < 1 {
        fail("ApiRequests", "ApiRequests must be at least 1".to_owned());
    }
    let image_frequency = match req.image_frequency {
        None => {
            fail("ImageFrequency", "ImageFrequency is required".to_owned());
            None
        }
        Some(f @ 1..=7) => u32::try_from(f).ok(),
        Some(_) => {
            fail("ImageFrequency", "ImageFrequency must be between 1 and 7".to_owned());
            None
        }
    };
    let from = match parse_date(&req.from) {
        None if req.from.trim().is_empty() => {
            fail("From", "From is required".to_owned());
            None
        }
        None => {
            fail("From", format!("'{}' is not a valid date", req.from));
            None
        }
        Some(d) if d.day() != 1 => {
            fail("From", "From must be the first day of a month".to_owned());
            None
        }
        Some(d) => Some(d),
    };
    let to = match req.to.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => match parse_date(s) {
            None => {
                fail("To", format!("'{s}' is not a valid date"));
                None
            }
            Some(d) if from.is_some_and(|f| d < f) => {
                fail("To", "To must not be before From".to_owned());
                None
            }
            Some(d) if dates::month_end(d) != d => {
                fail("To", "To must be the last day of a month".to_owned());
                None
            }
            Some(d) => Some(d),
        },
    };
    let reference_date = match req.reference_date.as_deref().map(str::trim) {
        None | Some("") => from,
        Some(s) => {
            let d = parse_date(s);
            if d.is_none() {
                fail("ReferenceDate", format!("'{s}' is not a valid date"));
            }
            d
        }
    };
    if !errs.is_empty() {
        return Err(errs);
    }
    match (model, image_frequency, reference_date, from, aoi) {
        (Some(model), Some(image_frequency), Some(reference_date), Some(from), Some(aoi)) => {
            Ok(ValidOrder {
                model,
                constellations,
                storage_months: req.storage_months,
                api_requests: req.api_requests,
                image_frequency,
                reference_date,
                from,
                to,
                aoi,
                tile_deduplication: req.tile_deduplication.unwrap_or(false),
                simulated_euro_usage: req.simulated_euro_usage,
            })
        }
        _ => Err(errs),
    }
}

fn check_aoi(
    req: &OrderRequest,
    rule: AreaRule,
    fail: &mut impl FnMut(&str, String),
) -> Option<Aoi> {
    let wkt = req.wkt.as_deref().filter(|s| !s.trim().is_empty());
    let geo_json = req.geo_json.as_ref().filter(|v| !v.is_null());
    let tiles = req.tile_guids.as_deref().unwrap_or_default();
    let minitiles = req.mini_tile_guids.as_deref().unwrap_or_default();
    let has_tiles = !tiles.is_empty() || !minitiles.is_empty();
    let modes =
        usize::from(wkt.is_some()) + usize::from(geo_json.is_some()) + usize::from(has_tiles);
    if modes != 1 {
        let msg = if modes == 0 {
            "One of Wkt, GeoJson or TileGuids/MiniTileGuids is required"
        } else {
            "Only one of Wkt, GeoJson or TileGuids/MiniTileGuids may be given"
        };
        fail("Wkt", msg.to_owned());
        return None;
    }
    if has_tiles {
        let tiles = check_tiles(tiles, false, "TileGuids", fail)?;
        let minitiles = check_tiles(minitiles, true, "MiniTileGuids", fail)?;
        return Some(Aoi::Tiles { tiles, minitiles });
    }
    let field = if wkt.is_some() { "Wkt" } else { "GeoJson" };
    let measured = area::parse_aoi(wkt, geo_json)
        .and_then(|parts: Vec<MultiPolygon<f64>>| area::measure(&parts, rule));
    match measured {
        Ok(a) => Some(Aoi::Polygons(a)),
        Err(msg) => {
            fail(field, msg);
            None
        }
    }
}

fn check_tiles(
    guids: &[String],
    mini: bool,
    field: &str,
    fail: &mut impl FnMut(&str, String),
) -> Option<Vec<Uuid>> {
    let mut out = Vec::with_capacity(guids.len());
    let mut ok = true;
    for g in guids {
        let found = tiles::describe(g).filter(|t| t.mini_tile == mini);
        match (Uuid::parse_str(g.trim()), found) {
            (Ok(u), Some(_)) if !out.contains(&u) => out.push(u),
            (Ok(_), Some(_)) => {}
            _ => {
                let kind = if mini { "minitile" } else { "tile" };
                fail(field, format!("'{g}' is not a known {kind} GUID"));
                ok = false;
            }
        }
    }
    ok.then_some(out)
}

fn check_constellations(
    req: &OrderRequest,
    model: Option<&Model>,
    fail: &mut impl FnMut(&str, String),
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for name in &req.satellite_constellations {
        match catalog::constellation(name) {
            Some(c) if !out.iter().any(|o| o == c.api_name) => out.push(c.api_name.to_owned()),
            Some(_) => {}
            None => fail(
                "SatelliteConstellations",
                format!("'{name}' is not a valid SatelliteConstellation"),
            ),
        }
    }
    let Some(model) = model else { return out };
    for required in model.required {
        if !out.iter().any(|c| c == required) {
            fail("SatelliteConstellations", format!("{} requires {required}", model.api_name));
        }
    }
    for c in &out {
        if !model.required.contains(&c.as_str()) && !model.optional.contains(&c.as_str()) {
            fail("SatelliteConstellations", format!("{} does not support {c}", model.api_name));
        }
    }
    out
}
