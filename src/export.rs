//! Writes manifest entries for live orders, so an existing account can be
//! brought under management (`skyform export`).
//!
//! Pure: turns orders into YAML text. The entries use the order's fields as
//! the API lists them (the stored, normalised `Wkt`, tile GUIDs), so a plan of
//! the exported manifest keeps every order. Each entry is checked with the
//! rules of `validate` ([`manifest::text::check`]); an order no valid entry
//! can describe (say a `To` before its `From`) is left out with a comment
//! and a note, so the file written always passes `validate`.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use clearsky::api::types::TaskOrder;
use clearsky::calendar;

use crate::manifest;

/// What `export` writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Export {
    /// The manifest text; passes `validate`.
    pub yaml: String,
    /// How many entries it has.
    pub entries: usize,
    /// One line per order left out because no valid entry describes it.
    pub skipped: Vec<String>,
}

/// The manifest for `orders` (which should be the orders no manifest
/// matches, without `Canceled` ones). Orders identical in every field are
/// written once, with a comment naming the others.
pub fn manifest(orders: &[TaskOrder], schema_ref: &str) -> Export {
    let mut skipped = Vec::new();
    let yaml = manifest_yaml(orders, schema_ref, &mut skipped);
    let entries = yaml.matches("\n  - name: ").count();
    Export { yaml, entries, skipped }
}

fn manifest_yaml(orders: &[TaskOrder], schema_ref: &str, skipped: &mut Vec<String>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# yaml-language-server: $schema={schema_ref}");
    let _ = writeln!(
        out,
        "# Written by `skyform export`: one entry per live order no manifest described."
    );
    let _ = writeln!(out, "# Review the names, then keep this file with your other manifests.");
    let _ = writeln!(out, "# Editor support: `skyform schema > {schema_ref}` next to this file.");
    let mut entries = String::new();
    let mut seen: Vec<(String, String)> = Vec::new();
    let mut names = BTreeSet::new();
    for order in orders {
        let body = entry_body(order);
        let guid = &order.task_order_guid;
        if let Err(why) = check_entry(&body) {
            let _ = writeln!(entries, "  # order `{guid}` is not exported: {why}");
            skipped.push(format!(
                "order `{guid}` is not exported: no valid manifest entry describes it ({why})"
            ));
            continue;
        }
        if let Some((_, first)) = seen.iter().find(|(b, _)| *b == body) {
            let _ = writeln!(
                entries,
                "  # order `{guid}` is identical to `{first}` and is not listed again"
            );
            continue;
        }
        let name = unique_name(&mut names, order);
        let _ = writeln!(entries, "  - name: {name}");
        let _ = writeln!(entries, "    # TaskOrderGuid {guid} ({})", order.ordering_process_status);
        entries.push_str(&body);
        seen.push((body, guid.clone()));
    }
    let _ = writeln!(out, "{}", if seen.is_empty() { "orders: []" } else { "orders:" });
    out.push_str(&entries);
    out
}

/// Checks one entry body as a manifest of its own: the first problem, if any.
fn check_entry(body: &str) -> Result<(), String> {
    let text = format!("orders:\n  - name: exported\n{body}");
    manifest::text::check("export.yaml", &text)
        .map_err(|diags| diags.iter().next().map(|d| d.message.clone()).unwrap_or_default())
}

fn entry_body(o: &TaskOrder) -> String {
    let mut b = String::new();
    let _ = writeln!(b, "    Model: {}", o.model);
    let _ = writeln!(b, "    SatelliteConstellations: [{}]", o.satellite_constellations.join(", "));
    let _ = writeln!(b, "    StorageMonths: {}", o.storage_months);
    let _ = writeln!(b, "    ApiRequests: {}", o.api_requests);
    let _ = writeln!(b, "    ImageFrequency: {}", o.image_frequency);
    if let Some(r) = o.reference_date {
        let _ = writeln!(b, "    ReferenceDate: {r}");
    }
    let _ = writeln!(b, "    From: {}", o.from);
    match o.to {
        Some(to) => {
            let _ = writeln!(b, "    To: {to}");
        }
        None => {
            let _ = writeln!(b, "    To: null  # recurring");
        }
    }
    if !o.tiles.is_empty() || !o.mini_tiles.is_empty() {
        for (key, refs) in [("TileGuids", &o.tiles), ("MiniTileGuids", &o.mini_tiles)] {
            if !refs.is_empty() {
                let guids: Vec<&str> = refs.iter().map(|t| t.guid.as_str()).collect();
                let _ = writeln!(b, "    {key}: [{}]", guids.join(", "));
            }
        }
    } else if let Some(wkt) = &o.wkt {
        // A JSON string is a valid YAML double-quoted scalar.
        let quoted = serde_json::to_string(wkt).unwrap_or_default();
        let _ = writeln!(b, "    Wkt: {quoted}");
    }
    b
}

/// `stratus2-2025-04-c3528462`: model, first month, start of the GUID.
fn unique_name(taken: &mut BTreeSet<String>, o: &TaskOrder) -> String {
    let short: String =
        o.task_order_guid.chars().filter(char::is_ascii_alphanumeric).take(8).collect();
    let base = format!(
        "{}-{}-{}",
        o.model.to_lowercase(),
        calendar::month_key(o.from),
        short.to_lowercase()
    );
    let mut name = base.clone();
    let mut n = 2;
    while !taken.insert(name.clone()) {
        name = format!("{base}-{n}");
        n += 1;
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use clearsky::api::types::{OrderStatus, TileRef};

    const TILE: &str = "c3528462-02fc-4301-bb37-8d226b45f149";

    fn order(guid: &str) -> TaskOrder {
        TaskOrder {
            task_order_guid: guid.into(),
            billing_cycle: None,
            ordering_process_status: OrderStatus::UpToDate,
            storage_months: 1,
            api_requests: 2,
            task_order_area_km2: 10.0,
            satellite_constellations: vec!["Sentinel1".into(), "Sentinel2".into()],
            model: "Stratus2Fast".into(),
            image_frequency: 3,
            reference_date: NaiveDate::from_ymd_opt(2025, 1, 1),
            from: NaiveDate::from_ymd_opt(2025, 4, 1).unwrap(),
            to: None,
            tiles: vec![],
            mini_tiles: vec![],
            wkt: Some("GEOMETRYCOLLECTION (POLYGON ((1 1, 2 1, 2 2, 1 2, 1 1)))".into()),
            created_date: None,
        }
    }

    #[test]
    fn writes_one_entry_per_order_and_skips_identical_ones() {
        let mut tile = order("bbbbbbbb-0000-0000-0000-000000000000");
        tile.wkt = None;
        tile.tiles = vec![TileRef { guid: TILE.into(), wkt: None }];
        let orders = [order("aaaaaaaa-1111"), order("cccccccc-2222"), tile];
        let export = manifest(&orders, "manifest.schema.json");
        assert_eq!((export.entries, export.skipped.len()), (2, 0));
        let yaml = export.yaml;
        assert!(yaml.contains("  - name: stratus2fast-2025-04-aaaaaaaa\n"), "{yaml}");
        assert!(
            yaml.contains(
                "    Wkt: \"GEOMETRYCOLLECTION (POLYGON ((1 1, 2 1, 2 2, 1 2, 1 1)))\"\n"
            )
        );
        assert!(yaml.contains("order `cccccccc-2222` is identical to `aaaaaaaa-1111`"), "{yaml}");
        assert!(yaml.contains(&format!("    TileGuids: [{TILE}]\n")), "{yaml}");
        assert_eq!(yaml.matches("  - name:").count(), 2);
        assert!(manifest::text::check("e.yaml", &yaml).is_ok(), "{yaml}");
    }

    #[test]
    fn an_order_no_valid_entry_describes_is_left_out_with_a_note() {
        let mut stopped = order("dddddddd-3333");
        stopped.from = NaiveDate::from_ymd_opt(2025, 6, 1).unwrap();
        stopped.to = NaiveDate::from_ymd_opt(2025, 4, 30);
        let export = manifest(&[stopped, order("aaaaaaaa-1111")], "m.json");
        assert_eq!(export.entries, 1);
        assert_eq!(export.skipped.len(), 1);
        assert!(
            export.skipped[0].starts_with("order `dddddddd-3333` is not exported"),
            "{export:?}"
        );
        assert!(
            export.yaml.contains("  # order `dddddddd-3333` is not exported: "),
            "{}",
            export.yaml
        );
        assert!(manifest::text::check("e.yaml", &export.yaml).is_ok(), "{}", export.yaml);
        let none = manifest(&[], "m.json");
        assert!(none.yaml.ends_with("orders: []\n"));
        assert!(manifest::text::check("e.yaml", &none.yaml).is_ok());
    }
}
