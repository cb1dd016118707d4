//! Tile entries get duplicates like polygon entries (issue 20, case 3): a
//! second order of the same tiles with the same settings, bought by a run on
//! another machine with `TileDeduplication: false`, is drift. In `Review` it is
//! refunded by the next plan and apply; accepted and recurring, its renewal is
//! stopped without `--prune`. Money is checked on the emulator's balance.

use clearsky::api::types::OrderRequest;
use clearsky::api::{self, CreateOutcome};
use clearsky::grid::Cell;
use clearsky_emulator::Config;

use crate::apply::manifest;
use crate::harness::{Env, json, tile_entry};

/// A recurring entry of two tiles, sent without deduplication.
fn entry() -> String {
    let guids: Vec<String> =
        [9.0, 10.0].iter().map(|&lon| Cell::tile_at(lon, 56.0).guid().to_string()).collect();
    let fields = [("ImageFrequency", "3"), ("From", "2025-04-01"), ("TileDeduplication", "false")];
    tile_entry("fields", &guids, &fields)
}

/// The request body the plan would send for the entry.
fn body(env: &Env) -> OrderRequest {
    let plan = json(&env.run(&["plan", "--format", "json", "o.yaml"]));
    serde_json::from_value(plan["changes"][0]["request"].clone()).unwrap()
}

/// Buys `body`, as a second machine racing this one would.
fn buy(env: &Env, body: &OrderRequest) -> String {
    let config = api::Config::new(&env.emu.url(), api::ApiKey::new(env.emu.key())).unwrap();
    let client = api::Client::new(config).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    match rt.block_on(client.create(body)) {
        CreateOutcome::Created(o) => o.task_order_guid,
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_tile_order_bought_twice_is_refunded_while_in_review() {
    let env = Env::with(Config { balance_eur: 100_000.0, ..Config::default() });
    env.write("o.yaml", &manifest(&[entry()]));
    let body = body(&env);
    let twin = buy(&env, &body);
    let one_order = 100_000.0 - env.emu.balance();
    assert_eq!(env.run(&["apply", "--auto-approve", "o.yaml"]).code, 0);
    assert_eq!(env.live().len(), 1, "the plan saw the first order: no second create");
    let _ = buy(&env, &body);
    assert_eq!(env.live().len(), 2);

    let out = env.run(&["plan", "--detailed-exitcode", "o.yaml"]);
    assert_eq!(out.code, 2, "a tile duplicate is a change:\n{}", out.stdout);
    assert!(out.stdout.contains("refunded in full"), "{}", out.stdout);
    let out = env.run(&["apply", "--auto-approve", "o.yaml"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert_eq!(env.live().len(), 1);
    assert!(env.live()[0].task_order_guid == twin, "the oldest order is kept");
    let spent = 100_000.0 - env.emu.balance();
    assert!((spent - one_order).abs() < 0.01, "spent {spent}, one order costs {one_order}");
    assert_eq!(env.run(&["plan", "--detailed-exitcode", "o.yaml"]).code, 0);
}

#[test]
fn an_accepted_recurring_tile_duplicate_stops_renewing_without_prune() {
    let env = Env::with(Config { auto_accept: true, ..Config::default() });
    env.write("o.yaml", &manifest(&[entry()]));
    let body = body(&env);
    let first = buy(&env, &body);
    let second = buy(&env, &body);
    let out = env.run(&["plan", "--detailed-exitcode", "o.yaml"]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(out.stdout.contains("its renewal stops"), "{}", out.stdout);
    let out = env.run(&["apply", "--auto-approve", "o.yaml"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let renewing: Vec<String> =
        env.live().into_iter().filter(|o| o.to.is_none()).map(|o| o.task_order_guid).collect();
    assert_eq!(renewing.len(), 1, "one order renews, not two: {renewing:?}");
    assert!(renewing[0] == first || renewing[0] == second);
}
