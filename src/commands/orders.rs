//! `skyform orders`: the live orders, and the manifest entry each matches.

use std::io::Write;

use super::Context;
use crate::cli::OrdersArgs;
use crate::render::{self, OrderRow};
use crate::settings::ApiSettings;
use crate::spec::DesiredSet;
use crate::ui::Ui;
use crate::{Error, ExitStatus, connect, footprints, identity, ops};
use clearsky::api::request::ListQuery;

pub(crate) fn run(args: &OrdersArgs, ctx: &Context) -> Result<ExitStatus, Error> {
    let api = ApiSettings::resolve(&args.api, &ctx.env)?;
    let desired = if args.paths.is_empty() {
        DesiredSet::default()
    } else {
        ops::load(&args.paths, &ctx.ui)?
    };
    let conn = connect::connect(&api, &ctx.ui)?;
    let query = ListQuery { get_expired: args.expired, ..ListQuery::default() };
    let rt = ops::runtime()?;
    let (live, hidden) = rt.block_on(async {
        ops::plan::warn_unoffered(&conn, &desired, &ctx.ui).await;
        let live = conn.client.list(query).await?;
        // Say when expired orders were left out: after a sandbox apply of the
        // examples, a missing 2023 order looks like a lost one.
        let hidden = if args.expired {
            0
        } else {
            conn.client.list_all().await?.len().saturating_sub(live.len())
        };
        Ok::<_, Error>((live, hidden))
    })?;
    let matching = identity::match_all(&desired.orders, &live);
    let mut rows: Vec<OrderRow> = live
        .into_iter()
        .zip(&matching.owner)
        .map(|(order, owner)| OrderRow {
            order,
            entry: owner.map(|e| desired.orders[e].name.clone()),
        })
        .collect();
    let opts = render::Options { color: ctx.color_stdout, ..render::Options::default() };
    if render::is_map(args.format.into()) {
        for w in rt.block_on(footprints::fill_orders(&conn.client, &mut rows)) {
            ctx.ui.line(&format!("warning: {w}"));
        }
    }
    let mut out = std::io::stdout().lock();
    render::orders(&rows, args.format.into(), &opts, &mut out).map_err(super::stdout_error)?;
    out.flush().map_err(super::stdout_error)?;
    if hidden > 0 {
        let (what, them) = if hidden == 1 { ("order is", "it") } else { ("orders are", "them") };
        ctx.ui.line(&format!("{hidden} expired {what} not listed; `--expired` lists {them} too"));
    }
    Ok(ExitStatus::Success)
}
