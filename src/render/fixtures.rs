//! Hand-written plans for the renderer tests (test builds only).

use chrono::{NaiveDate, TimeZone, Utc};

use crate::plan::{
    Action, BudgetLimits, CancelEffect, Change, Cost, DesiredSummary, Duplicate, FieldChange,
    LiveOrderSummary, Plan, Price, TileCoverage,
};
use crate::spec::Ensure;
use clearsky::api::types::{OrderRequest, OrderStatus};

pub(crate) fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub(crate) fn empty_plan(changes: Vec<Change>) -> Plan {
    Plan::new(Utc.with_ymd_and_hms(2025, 6, 14, 9, 30, 0).unwrap(), changes)
}

pub(crate) fn desired(name: &str, line: usize, ensure: Ensure) -> DesiredSummary {
    DesiredSummary {
        file: "manifests/denmark.yaml".into(),
        line,
        ensure,
        protect: false,
        spec_digest: format!("sha256:{:0>12}", name.len()),
        model: "Stratus2".into(),
        from: day(2025, 6, 1),
        to: None,
        aoi: "1 polygon".into(),
    }
}

pub(crate) fn live(guid: &str, status: OrderStatus) -> LiveOrderSummary {
    LiveOrderSummary {
        guid: guid.into(),
        status,
        model: "Stratus2".into(),
        from: day(2025, 3, 1),
        to: None,
        area_km2: 412.5,
        digest: format!("sha256:{}", &guid[..8]),
        wkt: None,
        tiles: Vec::new(),
        mini_tiles: Vec::new(),
    }
}

pub(crate) fn request(wkt: &str) -> OrderRequest {
    OrderRequest {
        wkt: Some(wkt.into()),
        satellite_constellations: vec!["Sentinel2".into()],
        model: "Stratus2".into(),
        storage_months: 3,
        api_requests: 5,
        image_frequency: Some(2),
        from: "2025-06-01".into(),
        ..OrderRequest::default()
    }
}

pub(crate) fn priced(current_month: f64, monthly: f64, area_km2: f64, images: usize) -> Cost {
    Cost::Priced(Price {
        currency: "EUR".into(),
        current_month,
        monthly,
        area_km2,
        image_dates: images,
    })
}

pub(crate) fn change(name: Option<&str>, action: Action) -> Change {
    Change::new(name.map(str::to_owned), action)
}

/// A polygon with many vertices, `x` being the longitude of one of them.
pub(crate) fn long_wkt(x: &str) -> String {
    let mut ring: Vec<String> =
        (0..40).map(|i| format!("10.{:02} 56.{:02}", i * 2 + 10, 90 - i * 2)).collect();
    ring[17] = format!("{x} 56.56");
    ring.push(ring[0].clone());
    format!("POLYGON (({}))", ring.join(", "))
}

const KEEP: &str = "0a1b2c3d-0000-4000-8000-000000000001";
const DUP: &str = "0a1b2c3d-0000-4000-8000-000000000002";
const OLD: &str = "5e6f7a8b-0000-4000-8000-000000000003";
const REVIEW: &str = "7c8d9e0f-0000-4000-8000-000000000004";
const RUNNING: &str = "8d9e0f1a-0000-4000-8000-000000000005";
const FIXED: &str = "9e0f1a2b-0000-4000-8000-000000000006";
const STRAY: &str = "af1b2c3d-0000-4000-8000-000000000007";
const TILE: &str = "b01b2c3d-0000-4000-8000-000000000008";

/// One item of every action, a replace with a WKT change, an unpriced create,
/// a duplicate, and a budget that is exceeded.
pub(crate) fn full_plan() -> Plan {
    let mut keep = change(Some("copenhagen-harbour"), Action::Keep);
    keep.desired = Some(desired("copenhagen-harbour", 3, Ensure::Present));
    keep.live = Some(live(KEEP, OrderStatus::UpToDate));

    let mut create = change(Some("aarhus-bay"), Action::Create);
    create.desired = Some(desired("aarhus-bay", 12, Ensure::Present));
    create.request = Some(request("POLYGON ((10.2 56.1, 10.3 56.1, 10.3 56.2, 10.2 56.1))"));
    create.cost = priced(186.32, 558.96, 931.61, 10);

    let mut tiles = change(Some("skagen-tiles"), Action::Create);
    tiles.desired = Some(DesiredSummary {
        aoi: "5 tiles".into(),
        ..desired("skagen-tiles", 20, Ensure::Present)
    });
    tiles.request = Some(OrderRequest {
        wkt: None,
        tile_guids: Some(vec!["t-1".into(), "t-2".into()]),
        ..request("")
    });
    tiles.cost = priced(40.0, 120.0, 200.0, 4);
    tiles.tiles = Some(TileCoverage {
        tiles_wanted: 5,
        minitiles_wanted: 0,
        tiles_missing: 2,
        minitiles_missing: 0,
        covered_by: vec![TILE.into()],
    });

    let mut unpriced = change(Some("odense-fields"), Action::Create);
    unpriced.desired = Some(desired("odense-fields", 28, Ensure::Present));
    unpriced.request = Some(request("POLYGON ((10.3 55.3, 10.4 55.3, 10.4 55.4, 10.3 55.3))"));
    unpriced.cost = Cost::Unpriced { reason: Some("estimate failed: HTTP 503".into()) };

    let mut replace = change(Some("aalborg-fjord"), Action::Replace);
    replace.desired = Some(desired("aalborg-fjord", 35, Ensure::Present));
    replace.live = Some(live(OLD, OrderStatus::UpToDate));
    replace.request = Some(request(&long_wkt("10.45")));
    replace.field_changes = vec![
        FieldChange { field: "ImageFrequency".into(), old: "3".into(), new: "2".into() },
        FieldChange { field: "Wkt".into(), old: long_wkt("10.44"), new: long_wkt("10.45") },
    ];
    replace.cost = priced(55.5, 166.5, 277.5, 15);
    replace.cancel_effect = Some(CancelEffect::RenewalStops { until: day(2025, 6, 30) });

    let mut refund = change(Some("old-pilot"), Action::Cancel);
    refund.desired = Some(desired("old-pilot", 44, Ensure::Absent));
    refund.live = Some(live(REVIEW, OrderStatus::Review));
    refund.cancel_effect = Some(CancelEffect::FullRefund);

    let mut stop = change(Some("esbjerg-port"), Action::Cancel);
    stop.desired = Some(desired("esbjerg-port", 51, Ensure::Absent));
    stop.live = Some(live(RUNNING, OrderStatus::Processing));
    stop.cancel_effect = Some(CancelEffect::RenewalStops { until: day(2025, 6, 30) });

    let mut blocked = change(Some("ribe-marsh"), Action::Blocked);
    blocked.desired = Some(desired("ribe-marsh", 58, Ensure::Absent));
    blocked.live = Some(LiveOrderSummary {
        to: Some(day(2025, 9, 30)),
        ..live(FIXED, OrderStatus::Processing)
    });
    blocked.reason = Some("accepted fixed-window order: it cannot be cancelled".into());

    let mut stray = change(None, Action::Unmanaged);
    stray.live = Some(live(STRAY, OrderStatus::Completed));

    Plan {
        duplicates: vec![Duplicate {
            name: "copenhagen-harbour".into(),
            kept: KEEP.into(),
            others: vec![live(DUP, OrderStatus::Processing)],
            cancelled: Vec::new(),
            cost: priced(20.0, 60.0, 100.0, 10),
            request: Some(request("POLYGON ((12.5 55.6, 12.6 55.6, 12.6 55.7, 12.5 55.6))")),
        }],
        budget: Some(BudgetLimits { max_current_month: Some(250.0), max_monthly: Some(1000.0) }),
        account: None,
        ..empty_plan(vec![keep, create, tiles, unpriced, replace, refund, stop, blocked, stray])
    }
}

/// Five entries, all kept.
pub(crate) fn no_change_plan() -> Plan {
    let changes = (1..=5)
        .map(|i| {
            let name = format!("field-{i}");
            let mut c = change(Some(&name), Action::Keep);
            c.desired = Some(desired(&name, i * 8, Ensure::Present));
            c.live = Some(live(
                &format!("{i:08x}-0000-4000-8000-00000000000{i}"),
                OrderStatus::UpToDate,
            ));
            c
        })
        .collect();
    empty_plan(changes)
}

/// `n` priced creates with long names, for the Markdown size cap.
pub(crate) fn huge_plan(n: usize) -> Plan {
    let changes = (0..n)
        .map(|i| {
            let name = format!("generated-entry-with-a-rather-long-name-{i:06}");
            let mut c = change(Some(&name), Action::Create);
            c.desired = Some(desired(&name, i + 1, Ensure::Present));
            c.request = Some(request("POLYGON ((10 56, 10.1 56, 10.1 56.1, 10 56))"));
            c.cost = priced(1.25, 3.75, 12.5, 3);
            c
        })
        .collect();
    empty_plan(changes)
}

/// GitHub-flavoured Markdown to HTML as GitHub renders a comment: comrak (a
/// port of cmark-gfm) with tables, alerts, autolinks and math; raw HTML kept.
pub(crate) fn gfm(md: &str) -> String {
    let mut options = comrak::Options::default();
    options.extension.table = true;
    options.extension.strikethrough = true;
    options.extension.autolink = true;
    options.extension.tasklist = true;
    options.extension.footnotes = true;
    options.extension.alerts = true;
    options.extension.math_dollars = true;
    options.render.r#unsafe = true;
    comrak::markdown_to_html(md, &options)
}

/// What a terminal shows after printing `out` (through a tty, which turns
/// each `\n` into `\r\n`): one string per row, trailing blanks and rows cut.
pub(crate) fn screen(out: &str) -> Vec<String> {
    let lines = out.lines().count() + 2;
    let widest = out.lines().map(|l| l.chars().count() * 2).max().unwrap_or(0) + 2;
    let rows = u16::try_from(lines).unwrap();
    let cols = u16::try_from(widest).unwrap();
    let mut parser = vt100::Parser::new(rows.try_into().unwrap(), cols.try_into().unwrap(), 0);
    parser.process(out.replace('\n', "\r\n").as_bytes());
    let mut shown: Vec<String> =
        parser.screen().rows(0, cols).map(|r| r.trim_end().to_owned()).collect();
    while shown.last().is_some_and(String::is_empty) {
        shown.pop();
    }
    shown
}
