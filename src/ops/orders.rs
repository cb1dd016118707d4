//! `orders` and `export` as operations: read the account's orders, match them
//! against the manifests given, and return the rows or the entries to write.
//!
//! Does IO (files, the API).

use clearsky::api::request::ListQuery;
use clearsky::api::types::TaskOrder;

use super::{load, observe, plan::warn_unoffered};
use crate::connect::{self, Connection};
use crate::render::{self, OrderRow};
use crate::settings::{ExportSettings, OrdersSettings};
use crate::spec::DesiredSet;
use crate::ui::Ui;
use crate::{Error, export, footprints, identity};

/// The live orders of `orders`, each with the entry it matches.
#[derive(Debug)]
pub struct OrdersOutcome {
    /// One row per order listed.
    pub rows: Vec<OrderRow>,
    /// Expired orders left out (without `--expired`).
    pub hidden: usize,
}

/// `skyform orders`: lists, matches and, for a map, fills the footprints.
pub fn orders(settings: &OrdersSettings, ui: &dyn Ui) -> Result<OrdersOutcome, Error> {
    let (desired, conn) = open(&settings.paths, &settings.api, ui)?;
    let query = ListQuery { get_expired: settings.expired, ..ListQuery::default() };
    let rt = super::runtime()?;
    rt.block_on(async {
        warn_unoffered(&conn, &desired, ui).await;
        let live = conn.client.list(query).await?;
        // Say when expired orders were left out: after a sandbox apply of the
        // examples, a missing 2023 order looks like a lost one.
        let hidden = if settings.expired {
            0
        } else {
            conn.client.list_all().await?.len().saturating_sub(live.len())
        };
        let matching = identity::match_all(&desired.orders, &live);
        let mut rows: Vec<OrderRow> = live
            .into_iter()
            .zip(&matching.owner)
            .map(|(order, owner)| OrderRow {
                order,
                entry: owner.map(|e| desired.orders[e].name.clone()),
            })
            .collect();
        if render::is_map(settings.format) {
            for w in footprints::fill_orders(&conn.client, &mut rows).await {
                ui.line(&format!("warning: {w}"));
            }
        }
        Ok(OrdersOutcome { rows, hidden })
    })
}

/// `skyform export`: manifest entries for the live orders no manifest
/// describes, pointing editors at `schema_ref`.
pub fn export(
    settings: &ExportSettings,
    schema_ref: &str,
    ui: &dyn Ui,
) -> Result<export::Export, Error> {
    let (desired, conn) = open(&settings.paths, &settings.api, ui)?;
    let live = super::runtime()?.block_on(async {
        warn_unoffered(&conn, &desired, ui).await;
        observe::list_live(&conn, ui).await
    })?;
    let matching = identity::match_all(&desired.orders, &live);
    let unmatched: Vec<TaskOrder> = live
        .into_iter()
        .zip(&matching.owner)
        .filter(|(o, owner)| owner.is_none() && !o.ordering_process_status.is_canceled())
        .map(|(o, _)| o)
        .collect();
    let export = export::manifest(&unmatched, schema_ref);
    for line in &export.skipped {
        ui.line(&format!("warning: {line}"));
    }
    Ok(export)
}

/// Loads the manifests given (none is an empty set) and connects.
fn open(
    paths: &[std::path::PathBuf],
    api: &crate::settings::ApiSettings,
    ui: &dyn Ui,
) -> Result<(DesiredSet, Connection), Error> {
    let desired = if paths.is_empty() { DesiredSet::default() } else { load::load(paths, ui)? };
    Ok((desired, connect::connect(api, ui)?))
}
