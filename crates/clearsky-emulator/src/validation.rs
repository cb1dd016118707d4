//! Decoding and validating request bodies the way the ASP.NET service does:
//! keys in any case, enum values in any case, a [`Refusal::Unbound`] (problem
//! details) when the JSON cannot be bound, and per-field messages otherwise.
//!
//! Pure, no IO.

use chrono::NaiveDate;
use geo::MultiPolygon;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use std::sync::Arc;

use super::canonical::canonical_keys;
use super::models::{Catalogue, ServedModel};
use super::reply::Refusal;
use super::tiles;
use clearsky::api::types::casing::request_keys;
use clearsky::api::types::{FieldErrors, OrderRequest, parse_date};
use clearsky::area::{self, AoiArea, AreaRule};
use clearsky::calendar;
use clearsky::ranges::{API_REQUESTS, Accepted, IMAGE_FREQUENCY_DAYS, STORAGE_MONTHS};

/// Parses a JSON body with keys in any case into `T`.
pub(crate) fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, Refusal> {
    let unbound = |e: serde_json::Error| Refusal::Unbound(e.to_string());
    let mut value: serde_json::Value = serde_json::from_slice(body).map_err(unbound)?;
    canonical_keys(&mut value, request_keys());
    serde_json::from_value(value).map_err(unbound)
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
    /// The model, as the emulator serves it.
    pub(crate) model: Arc<ServedModel>,
    /// Constellations, in the API's spelling, in the order sent.
    pub(crate) constellations: Vec<String>,
    /// Within [`STORAGE_MONTHS`].
    pub(crate) storage_months: i64,
    /// Within [`API_REQUESTS`].
    pub(crate) api_requests: i64,
    /// Within [`IMAGE_FREQUENCY_DAYS`].
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

#[cfg(test)]
impl ValidOrder {
    /// A Stratus-2 order of `aoi` from `from` to `to` (`None`: recurring) with
    /// the three required constellations, an image every 7 days from `from`
    /// and one storage month: the base order of the emulator's unit tests.
    pub(crate) fn stratus2(aoi: Aoi, from: &str, to: Option<&str>) -> Self {
        let day = |s: &str| s.parse::<NaiveDate>().unwrap();
        Self {
            model: Arc::clone(super::models::builtin().model("Stratus2").unwrap()),
            constellations: ["Sentinel1", "Sentinel2", "Landsat89"].map(str::to_owned).to_vec(),
            storage_months: 1,
            api_requests: 1,
            image_frequency: 7,
            reference_date: day(from),
            from: day(from),
            to: to.map(day),
            aoi,
            tile_deduplication: false,
            simulated_euro_usage: None,
        }
    }
}

#[cfg(test)]
impl Aoi {
    /// A polygon AOI billed at `km2` km² per image.
    pub(crate) fn km2(km2: f64) -> Self {
        Self::Polygons(AoiArea {
            wkt: "GEOMETRYCOLLECTION EMPTY".to_owned(),
            area_km2_before_minimum: km2,
            area_km2: km2,
            parts: Vec::new(),
        })
    }
}

/// Checks an order body against part B item 6 of the contract and the served
/// catalogue `models`; collects every problem.
pub(crate) fn order(
    req: &OrderRequest,
    rule: AreaRule,
    models: &Catalogue,
) -> Result<ValidOrder, FieldErrors> {
    let mut errs = FieldErrors::new();
    let mut fail = |field: &str, msg: String| errs.entry(field.to_owned()).or_default().push(msg);

    let aoi = check_aoi(req, rule, &mut fail);
    let model = models.model(&req.model).cloned();
    if model.is_none() {
        let names = models.names();
        fail("Model", format!("'{}' is not a valid Model; use one of {names}", req.model));
    }
    let constellations = check_constellations(req, models, model.as_deref(), &mut fail);
    in_range("StorageMonths", req.storage_months, STORAGE_MONTHS, &mut fail);
    in_range("ApiRequests", req.api_requests, API_REQUESTS, &mut fail);
    let image_frequency = match req.image_frequency {
        None => {
            fail("ImageFrequency", "ImageFrequency is required".to_owned());
            None
        }
        Some(f) => in_range("ImageFrequency", f, IMAGE_FREQUENCY_DAYS, &mut fail)
            .then_some(f)
            .and_then(|days| u32::try_from(days).ok()),
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
        Some(d) if !calendar::is_month_start(d) => {
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
            Some(d) if !calendar::is_month_end(d) => {
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

/// Returns true when `range` accepts `n`; else refuses `field` with the API's message.
fn in_range(field: &str, n: i64, range: Accepted, fail: &mut impl FnMut(&str, String)) -> bool {
    let ok = range.contains(n);
    if !ok {
        fail(field, format!("{field} must be {}", range.rule()));
    }
    ok
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
        let found = tiles::describe_as(g, mini);
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
    models: &Catalogue,
    model: Option<&ServedModel>,
    fail: &mut impl FnMut(&str, String),
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for name in &req.satellite_constellations {
        match models.constellation(name) {
            Some(c) if !out.iter().any(|o| o == c) => out.push(c.to_owned()),
            Some(_) => {}
            None => fail(
                "SatelliteConstellations",
                format!("'{name}' is not a valid SatelliteConstellation"),
            ),
        }
    }
    let Some(model) = model else { return out };
    for required in &model.required {
        if !out.contains(required) {
            fail("SatelliteConstellations", format!("{} requires {required}", model.name));
        }
    }
    for c in &out {
        if !model.supports(c) {
            fail("SatelliteConstellations", format!("{} does not support {c}", model.name));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use clearsky::grid::Cell;

    const SMALL_WKT: &str = "POLYGON((9.90 56.40,9.91 56.40,9.91 56.41,9.90 56.41,9.90 56.40))";

    fn request() -> OrderRequest {
        OrderRequest {
            wkt: Some(SMALL_WKT.to_owned()),
            satellite_constellations: vec![
                "sentinel1".into(),
                "SENTINEL2".into(),
                "Landsat89".into(),
            ],
            model: "stratus2".to_owned(),
            storage_months: 2,
            api_requests: 1,
            image_frequency: Some(3),
            from: "2025-04-01".to_owned(),
            to: Some("2025-05-31".to_owned()),
            ..OrderRequest::default()
        }
    }

    fn check(req: &OrderRequest) -> Result<ValidOrder, FieldErrors> {
        order(req, AreaRule::BoundingBox, crate::models::builtin())
    }

    fn fields(errs: &FieldErrors) -> Vec<&str> {
        errs.keys().map(String::as_str).collect()
    }

    #[test]
    fn a_valid_order_gets_canonical_spellings_and_defaults() {
        let o = check(&request()).unwrap();
        assert_eq!(o.model.name, "Stratus2");
        assert_eq!(o.constellations, ["Sentinel1", "Sentinel2", "Landsat89"]);
        assert_eq!(o.image_frequency, 3);
        assert_eq!(o.reference_date, NaiveDate::from_ymd_opt(2025, 4, 1).unwrap());
        assert_eq!(o.to, NaiveDate::from_ymd_opt(2025, 5, 31));
        assert!(!o.tile_deduplication);
        let Aoi::Polygons(a) = &o.aoi else { panic!("a WKT order is a polygon order") };
        assert!((a.area_km2 - 1.0).abs() < 1e-9, "a tiny AOI is billed at the 1 km² minimum");
    }

    #[test]
    fn every_broken_field_is_reported_at_once() {
        let req = OrderRequest {
            satellite_constellations: vec!["Sentinel1".into(), "Sentinel9".into()],
            model: "Stratus-2".to_owned(),
            storage_months: 0,
            api_requests: 0,
            image_frequency: Some(9),
            from: "2025-04-02".to_owned(),
            to: Some("2025-04-15".to_owned()),
            reference_date: Some("someday".to_owned()),
            ..request()
        };
        let errs = check(&req).unwrap_err();
        let want = [
            "ApiRequests",
            "From",
            "ImageFrequency",
            "Model",
            "ReferenceDate",
            "SatelliteConstellations",
            "StorageMonths",
            "To",
        ];
        assert_eq!(fields(&errs), want);
        assert_eq!(errs["From"], ["From must be the first day of a month"]);
        assert_eq!(errs["To"], ["To must be the last day of a month"]);
        assert_eq!(
            errs["SatelliteConstellations"],
            ["'Sentinel9' is not a valid SatelliteConstellation"]
        );
    }

    #[test]
    fn dates_must_bound_whole_months_in_order() {
        let before = OrderRequest { to: Some("2025-03-31".to_owned()), ..request() };
        let errs = check(&before).unwrap_err();
        assert_eq!(errs["To"], ["To must not be before From"]);
        let missing = OrderRequest { from: String::new(), image_frequency: None, ..request() };
        let errs = check(&missing).unwrap_err();
        assert_eq!(fields(&errs), ["From", "ImageFrequency"]);
        assert_eq!(errs["From"], ["From is required"]);
        let recurring = OrderRequest { to: Some(" ".to_owned()), ..request() };
        assert_eq!(check(&recurring).unwrap().to, None);
    }

    #[test]
    fn constellations_must_fit_the_model() {
        let req = OrderRequest {
            model: "Nimbus".to_owned(),
            satellite_constellations: vec!["Sentinel1".into(), "sentinel1".into()],
            ..request()
        };
        let errs = check(&req).unwrap_err();
        assert_eq!(errs["SatelliteConstellations"], ["Nimbus requires Sentinel2"]);
        let with_addon = OrderRequest {
            satellite_constellations: vec!["Sentinel2".into(), "Sentinel1".into()],
            ..req
        };
        let ok = check(&with_addon).unwrap();
        assert_eq!(ok.constellations, ["Sentinel2", "Sentinel1"]);
        let errs = check(&OrderRequest {
            satellite_constellations: vec!["Sentinel2".into(), "Sentinel5".into()],
            ..with_addon
        })
        .unwrap_err();
        // Every catalog model takes every known constellation, so an unknown
        // name is the only way to leave the model's set.
        assert_eq!(
            errs["SatelliteConstellations"],
            ["'Sentinel5' is not a valid SatelliteConstellation"]
        );
    }

    #[test]
    fn exactly_one_aoi_mode_and_only_known_tiles() {
        let tile = Cell::tile_at(10.0, 56.4);
        let mini = tile.minitiles().next().unwrap().guid().to_string();
        let tile = tile.guid().to_string();
        let both = OrderRequest { tile_guids: Some(vec![tile.clone()]), ..request() };
        let errs = check(&both).unwrap_err();
        assert_eq!(
            errs["Wkt"],
            ["Only one of Wkt, GeoJson or TileGuids/MiniTileGuids may be given"]
        );
        let none = OrderRequest { wkt: None, ..request() };
        let errs = check(&none).unwrap_err();
        assert_eq!(errs["Wkt"], ["One of Wkt, GeoJson or TileGuids/MiniTileGuids is required"]);

        let tiles = OrderRequest {
            wkt: None,
            tile_guids: Some(vec![tile.to_uppercase(), tile.clone()]),
            mini_tile_guids: Some(vec![mini.clone()]),
            tile_deduplication: Some(true),
            ..request()
        };
        let o = check(&tiles).unwrap();
        let Aoi::Tiles { tiles: t, minitiles: m } = &o.aoi else { panic!("a tile order") };
        assert_eq!((t.len(), m.len()), (1, 1), "a GUID sent twice is kept once");
        assert!(o.tile_deduplication);

        let swapped = OrderRequest {
            wkt: None,
            tile_guids: Some(vec![mini.clone()]),
            mini_tile_guids: Some(vec![tile.clone()]),
            ..request()
        };
        let errs = check(&swapped).unwrap_err();
        assert_eq!(errs["TileGuids"], [format!("'{mini}' is not a known tile GUID")]);
    }

    #[test]
    fn bodies_bind_with_keys_in_any_case_or_are_unbound() {
        let req: OrderRequest =
            decode(br#"{"model": "Nimbus", "STORAGEMONTHS": 3, "from": "2025-04-01"}"#).unwrap();
        assert_eq!((req.model.as_str(), req.storage_months), ("Nimbus", 3));
        let err = decode::<OrderRequest>(b"{\"Wkt\": ").unwrap_err();
        assert!(matches!(err, Refusal::Unbound(m) if m.contains("EOF")));
        let err = decode::<OrderRequest>(br#"{"StorageMonths": "three"}"#).unwrap_err();
        assert!(matches!(err, Refusal::Unbound(_)));
    }
}
