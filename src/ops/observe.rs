//! The live side of a plan: every order of the account, read once and fail
//! closed, and the orders an earlier apply on this machine (from any
//! directory) left pending, waited for or held.
//!
//! Does IO (the API, through the connection).

use clearsky::api::types::TaskOrder;

use crate::Error;
use crate::connect::Connection;
use crate::pending::Pending;
use crate::pending::settle::{self, Settled, Waits};
use crate::spec::DesiredSet;
use crate::ui::Ui;

/// Lists every live order of the account, expired ones included (an expired
/// historical order still satisfies its entry: it must not be bought again).
pub async fn list_live(conn: &Connection, ui: &dyn Ui) -> Result<Vec<TaskOrder>, Error> {
    let progress = ui.spinner("Listing the live orders…");
    let live = conn.client.list_all().await;
    progress.finish();
    let live = live?;
    if let Some(line) = conn.clock_skew_note() {
        ui.line(&line);
    }
    Ok(live)
}

/// Lists the live orders, then waits up to `waits.window` for the orders an
/// earlier apply on this machine left pending, and holds those still missing
/// within the list-lag bound ([`settle::before_plan`]); returns the list to
/// plan from and the entries held. The record is updated in memory; apply saves it.
pub async fn list_settled(
    conn: &Connection,
    desired: &DesiredSet,
    pending: &mut Pending,
    waits: Waits,
    ui: &dyn Ui,
) -> Result<Settled, Error> {
    // Taken before the list is asked for: the list is at least this recent.
    let listed_at = chrono::Utc::now();
    let live = list_live(conn, ui).await?;
    let say = |line: &str| ui.line(line);
    Ok(settle::before_plan(&conn.client, pending, desired, live, waits, listed_at, &say).await?)
}
