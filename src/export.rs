//! Writes manifest entries for live orders, so an existing account can be
//! brought under management (`skyform export`).
//!
//! Pure: turns orders into YAML text. The entries use the order's fields as
//! the API lists them (the stored, normalised `Wkt`, tile GUIDs), so a plan of
//! the exported manifest keeps every order.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use crate::api::types::TaskOrder;
use crate::calendar;

/// The manifest text for `orders` (which should be the orders no manifest
/// matches, without `Canceled` ones). Orders identical in every field are
/// written once, with a comment naming the others.
pub fn manifest_yaml(orders: &[TaskOrder], schema_ref: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# yaml-language-server: $schema={schema_ref}");
    let _ = writeln!(
        out,
        "# Written by `skyform export`: one entry per live order no manifest described."
    );
    let _ = writeln!(out, "# Review the names, then keep this file with your other manifests.");
    let _ = writeln!(out, "# Editor support: `skyform schema > {schema_ref}` next to this file.");
    if orders.is_empty() {
        let _ = writeln!(out, "orders: []");
        return out;
    }
    let _ = writeln!(out, "orders:");
    let mut seen: Vec<(String, String)> = Vec::new();
    let mut names = BTreeSet::new();
    for order in orders {
        let body = entry_body(order);
        if let Some((_, first)) = seen.iter().find(|(b, _)| *b == body) {
            let _ = writeln!(
                out,
                "  # order `{}` is identical to `{first}` and is not listed again",
                order.task_order_guid
            );
            continue;
        }
        let name = unique_name(&mut names, order);
        let _ = writeln!(out, "  - name: {name}");
        let _ = writeln!(
            out,
            "    # TaskOrderGuid {} ({})",
            order.task_order_guid, order.ordering_process_status
        );
        out.push_str(&body);
        seen.push((body, order.task_order_guid.clone()));
    }
    out
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
    use crate::api::types::{OrderStatus, TileRef};
    use chrono::NaiveDate;

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
        tile.tiles = vec![TileRef { guid: "t1".into(), wkt: None }];
        let orders = [order("aaaaaaaa-1111"), order("cccccccc-2222"), tile];
        let yaml = manifest_yaml(&orders, "manifest.schema.json");
        assert!(yaml.contains("  - name: stratus2fast-2025-04-aaaaaaaa\n"), "{yaml}");
        assert!(
            yaml.contains(
                "    Wkt: \"GEOMETRYCOLLECTION (POLYGON ((1 1, 2 1, 2 2, 1 2, 1 1)))\"\n"
            )
        );
        assert!(yaml.contains("order `cccccccc-2222` is identical to `aaaaaaaa-1111`"), "{yaml}");
        assert!(yaml.contains("    TileGuids: [t1]\n"), "{yaml}");
        assert_eq!(yaml.matches("  - name:").count(), 2);
    }
}
