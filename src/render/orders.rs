//! The live-order list of `skyform orders`: an aligned table, a Markdown table,
//! or a JSON array of the orders as the API lists them plus `entry`.
//!
//! Pure; writes to the writer it is given.

use std::fmt::Write as _;
use std::io;

use serde::Serialize;

use super::escape::markdown::code;
use super::escape::terminal as term;
use super::map::Map;
use super::{Format, RenderOptions, style};
use clearsky::api::types::TaskOrder;

/// One live order and the manifest entry it matches.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderRow {
    /// The order as listed.
    pub order: TaskOrder,
    /// Name of the manifest entry the order matches, if any.
    pub entry: Option<String>,
}

/// A row of the JSON array: the order's own fields (PascalCase, as the API
/// writes them) and `entry`.
#[derive(Serialize)]
struct JsonRow<'a> {
    #[serde(flatten)]
    order: &'a TaskOrder,
    entry: Option<&'a str>,
}

const HEADERS: [&str; 7] = ["GUID", "STATUS", "MODEL", "FROM", "TO", "AREA KM²", "ENTRY"];
/// Index of the right-aligned area column.
const AREA: usize = 5;

/// Writes the rows in `format`.
pub(super) fn render(
    rows: &[OrderRow],
    format: Format,
    opts: RenderOptions,
    w: &mut dyn io::Write,
) -> io::Result<()> {
    match format {
        Format::Json => {
            let rows: Vec<JsonRow<'_>> = rows
                .iter()
                .map(|r| JsonRow { order: &r.order, entry: r.entry.as_deref() })
                .collect();
            super::escape::json::to_writer_pretty(&mut *w, &rows)?;
            writeln!(w)
        }
        Format::Human => table(rows, opts, w),
        Format::Markdown => markdown(rows, w),
        Format::Geojson => w.write_all(super::geojson::render(&Map::of_orders(rows)).as_bytes()),
        Format::Svg => super::svg::render(&Map::of_orders(rows), &count_line(rows), w),
    }
}

fn cells(row: &OrderRow) -> [String; 7] {
    let o = &row.order;
    [
        o.task_order_guid.clone(),
        o.ordering_process_status.to_string(),
        o.model.clone(),
        o.from.to_string(),
        o.to.map_or_else(|| "recurring".to_owned(), |d| d.to_string()),
        format!("{:.2}", o.task_order_area_km2),
        row.entry.clone().unwrap_or_else(|| "-".to_owned()),
    ]
}

fn table(rows: &[OrderRow], opts: RenderOptions, w: &mut dyn io::Write) -> io::Result<()> {
    if rows.is_empty() {
        return writeln!(w, "No live orders.");
    }
    // Escaped before the widths are measured: the server's strings are shown
    // with their control characters as escapes.
    let body: Vec<[String; 7]> =
        rows.iter().map(|r| cells(r).map(|c| term(&c).into_owned())).collect();
    let mut widths = HEADERS.map(|h| h.chars().count());
    for cells in &body {
        for (width, cell) in widths.iter_mut().zip(cells) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let header = HEADERS.map(str::to_owned);
    let line = |cells: &[String; 7]| {
        let mut out = String::new();
        for (i, (cell, width)) in cells.iter().zip(widths).enumerate() {
            let pad = " ".repeat(width - cell.chars().count());
            let _ = match i {
                AREA => write!(out, "{pad}{cell}  "),
                6 => write!(out, "{cell}"),
                _ => write!(out, "{cell}{pad}  "),
            };
        }
        out
    };
    writeln!(w, "{}", style::paint(opts.color, style::HEADING, &line(&header)))?;
    for cells in &body {
        writeln!(w, "{}", line(cells))?;
    }
    writeln!(w, "\n{}", count_line(rows))
}

/// `3 orders, 2 matching a manifest entry.`
fn count_line(rows: &[OrderRow]) -> String {
    let matched = rows.iter().filter(|r| r.entry.is_some()).count();
    let orders = if rows.len() == 1 { "order" } else { "orders" };
    format!("{} {orders}, {matched} matching a manifest entry.", rows.len())
}

fn markdown(rows: &[OrderRow], w: &mut dyn io::Write) -> io::Result<()> {
    writeln!(w, "| {} |", HEADERS.join(" | ").to_lowercase())?;
    writeln!(w, "|:--|:--|:--|:--|:--|--:|:--|")?;
    for row in rows {
        let cells = cells(row).map(|c| code(&c, true));
        writeln!(w, "| {} |", cells.join(" | "))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fixtures::day;
    use clearsky::api::types::OrderStatus;

    fn order(guid: &str, to: Option<chrono::NaiveDate>, area: f64) -> TaskOrder {
        TaskOrder {
            task_order_guid: guid.into(),
            billing_cycle: Some("Monthly".into()),
            ordering_process_status: OrderStatus::UpToDate,
            storage_months: 3,
            api_requests: 5,
            task_order_area_km2: area,
            satellite_constellations: vec!["Sentinel2".into()],
            model: "Stratus2".into(),
            image_frequency: 2,
            reference_date: None,
            from: day(2025, 3, 1),
            to,
            tiles: Vec::new(),
            mini_tiles: Vec::new(),
            wkt: Some("POLYGON ((8 55, 8 56, 9 56, 8 55))".into()),
            created_date: None,
        }
    }

    fn rows() -> Vec<OrderRow> {
        vec![
            OrderRow {
                order: order("c3528462-02fc-4301-bb37-8d226b45f149", None, 525.3),
                entry: Some("aarhus-bay".into()),
            },
            OrderRow {
                order: TaskOrder {
                    ordering_process_status: OrderStatus::Review,
                    model: "Nimbus".into(),
                    ..order("0f1e2d3c-0000-4000-8000-000000000001", Some(day(2025, 9, 30)), 12.0)
                },
                entry: None,
            },
        ]
    }

    fn to_string(rows: &[OrderRow], format: Format, color: bool) -> String {
        let mut out = Vec::new();
        let opts = RenderOptions { color, ..RenderOptions::default() };
        render(rows, format, opts, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn human_table_is_aligned() {
        insta::assert_snapshot!("orders_human", to_string(&rows(), Format::Human, false));
    }

    #[test]
    fn no_orders() {
        assert_eq!(to_string(&[], Format::Human, false), "No live orders.\n");
    }

    #[test]
    fn json_has_the_api_fields_and_entry() {
        let v: serde_json::Value =
            serde_json::from_str(&to_string(&rows(), Format::Json, false)).unwrap();
        assert_eq!(v[0]["TaskOrderGuid"], "c3528462-02fc-4301-bb37-8d226b45f149");
        assert_eq!(v[0]["entry"], "aarhus-bay");
        assert!(v[0]["To"].is_null());
        assert!(v[1]["entry"].is_null());
        assert_eq!(v[1]["To"], "2025-09-30");
        assert_eq!(v[1]["OrderingProcessStatus"], "Review");
    }

    #[test]
    fn markdown_table() {
        insta::assert_snapshot!("orders_markdown", to_string(&rows(), Format::Markdown, false));
    }
}
