//! The plan's price is the bill: each test plans on the emulator, applies,
//! and compares the plan's figures with what the account was charged (its
//! credit balance before and after), within one cent per change.

use chrono::{TimeZone, Utc};
use clearsky::grid::Cell;
use clearsky_emulator::Config;

use crate::harness::{Env, json};

const STRATUS: &str =
    "Model: Stratus2\n    SatelliteConstellations: [Sentinel1, Sentinel2, Landsat89]";
const FAST: &str =
    "Model: Stratus2Fast\n    SatelliteConstellations: [Sentinel1, Sentinel2, Landsat89]";
const NIMBUS: &str = "Model: Nimbus\n    SatelliteConstellations: [Sentinel2, Sentinel1]";

/// One recurring entry from April with a square polygon of `deg` degrees at (`lon`, 56).
fn entry(name: &str, model: &str, lon: f64, deg: f64) -> String {
    let (x2, y2) = (lon + deg, 56.0 + deg);
    format!(
        "  - name: {name}\n    {model}\n    Wkt: POLYGON(({lon} 56,{x2} 56,{x2} {y2},{lon} {y2},{lon} 56))\n"
    )
}

fn manifest(entries: &[String]) -> String {
    format!(
        "defaults:\n  StorageMonths: 1\n  ApiRequests: 1\n  ImageFrequency: 3\n  ReferenceDate: 2025-01-01\n  From: 2025-04-01\norders:\n{}",
        entries.concat()
    )
}

/// The plan's EUR total this month and its number of priced changes.
fn plan_total(env: &Env) -> (serde_json::Value, f64) {
    let out = env.run(&["plan", "--format", "json", "m.yaml"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = json(&out);
    let total = doc["summary"]["totals"]["EUR"]["current_month"].as_f64().unwrap_or(0.0);
    assert_eq!(doc["summary"]["unpriced"], 0, "{doc:#}");
    (doc, total)
}

fn changes(doc: &serde_json::Value) -> f64 {
    let c = &doc["summary"]["counts"];
    #[allow(clippy::cast_precision_loss)]
    let n = (c["create"].as_u64().unwrap()
        + c["replace"].as_u64().unwrap()
        + c["cancel"].as_u64().unwrap()) as f64;
    n
}

fn apply(env: &Env, concurrency: &str) {
    let out = env.run(&["apply", "--auto-approve", "--concurrency", concurrency, "m.yaml"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
}

/// Plans, applies (`concurrency` creates at once), and checks the bill against
/// the plan; returns the plan.
fn plan_then_apply(env: &Env, concurrency: &str) -> serde_json::Value {
    let (doc, total) = plan_total(env);
    let before = env.emu.balance();
    apply(env, concurrency);
    let billed = before - env.emu.balance();
    let account = &doc["summary"]["account"];
    let tolerance = 0.01 * changes(&doc) + 1e-6;
    assert!(
        (account["credit_balance"]["before"].as_f64().unwrap() - before).abs() < 1e-6,
        "{account:#}"
    );
    let after = account["credit_balance"]["after"].as_f64().unwrap();
    assert!(
        (after - env.emu.balance()).abs() <= tolerance,
        "plan says {after}, account has {}",
        env.emu.balance()
    );
    if doc["summary"]["counts"]["cancel"] == 0 {
        assert!((total - billed).abs() <= tolerance, "plan {total}, billed {billed}");
    }
    doc
}

fn env(config: Config) -> Env {
    Env::with(Config { balance_eur: 100_000.0, ..config })
}

#[test]
fn a_fresh_month_crossing_several_bands_costs_what_the_plan_said() {
    let env = env(Config::default());
    let entries: Vec<String> =
        (0..14).map(|i| entry(&format!("f{i}"), STRATUS, 9.0 + f64::from(i) * 0.3, 0.2)).collect();
    env.write("m.yaml", &manifest(&entries));
    let doc = plan_then_apply(&env, "4");
    let spent = doc["summary"]["account"]["month_spend"]["after"].as_f64().unwrap();
    assert!(spent > 3_000.0, "crosses 1,000 and 3,000: {spent}");
    assert_eq!(doc["summary"]["account"]["month_spend"]["before"], 0.0);
}

#[test]
fn an_account_mid_band_continues_from_its_spend() {
    let env = env(Config { auto_accept: true, ..Config::default() });
    let first: Vec<String> =
        (0..4).map(|i| entry(&format!("a{i}"), STRATUS, 9.0 + f64::from(i) * 0.3, 0.2)).collect();
    env.write("m.yaml", &manifest(&first));
    plan_then_apply(&env, "4");
    let mut more = first.clone();
    more.extend((0..6).map(|i| entry(&format!("b{i}"), STRATUS, 12.0 + f64::from(i) * 0.3, 0.15)));
    env.write("m.yaml", &manifest(&more));
    let doc = plan_then_apply(&env, "4");
    assert!(doc["summary"]["account"]["month_spend"]["before"].as_f64().unwrap() > 1_000.0);
}

#[test]
fn a_mix_of_models_tiles_and_minitiles_is_billed_as_planned() {
    let env = env(Config::default());
    let tile = Cell::tile_at(10.0, 56.4);
    let mini: Vec<String> = tile.minitiles().take(3).map(|c| c.guid().to_string()).collect();
    let other_tile = Cell::tile_at(14.0, 56.4).guid();
    let mut entries = vec![
        entry("s1", STRATUS, 9.0, 0.3),
        entry("n1", NIMBUS, 9.5, 0.3),
        entry("f1", FAST, 10.0, 0.3),
        entry("s2", STRATUS, 10.5, 0.3),
        entry("n2", NIMBUS, 11.0, 0.4),
    ];
    entries.push(format!("  - name: tiles\n    {STRATUS}\n    TileGuids: [{other_tile}]\n"));
    entries
        .push(format!("  - name: minis\n    {NIMBUS}\n    MiniTileGuids: [{}]\n", mini.join(", ")));
    entries.push(entry("f2", FAST, 11.5, 0.3));
    env.write("m.yaml", &manifest(&entries));
    let doc = plan_then_apply(&env, "4");
    assert_eq!(doc["summary"]["account"]["ordered_creates"], true, "{:#}", doc["summary"]);
}

#[test]
fn creates_with_review_cancels_end_at_the_planned_balance_and_spend() {
    let env = env(Config::default());
    let old: Vec<String> =
        (0..3).map(|i| entry(&format!("old{i}"), STRATUS, 9.0 + f64::from(i) * 0.3, 0.2)).collect();
    env.write("m.yaml", &manifest(&old));
    // One create at a time, so that the order cancelled below is the last one placed.
    plan_then_apply(&env, "1");
    // The last order placed is cancelled while in Review; two new ones are created.
    let mut next = old.clone();
    next[2] = next[2].replacen("    Model", "    ensure: absent\n    Model", 1);
    next.extend((0..2).map(|i| entry(&format!("new{i}"), STRATUS, 12.0 + f64::from(i) * 0.3, 0.2)));
    env.write("m.yaml", &manifest(&next));
    let doc = plan_then_apply(&env, "4");
    assert_eq!(doc["summary"]["counts"]["cancel"], 1);
    let spent = doc["summary"]["account"]["month_spend"]["after"].as_f64().unwrap();
    let state = env.emu.state();
    let actual: f64 =
        state.tenants.values().map(|t| t.spend.get("2025-04").copied().unwrap_or(0.0)).sum();
    assert!((spent - actual).abs() <= 0.03, "plan {spent}, account {actual}");
}

#[test]
fn next_months_recurring_invoice_is_what_the_first_renewal_bills() {
    let env = env(Config { auto_accept: true, ..Config::default() });
    let entries: Vec<String> = (0..8)
        .map(|i| {
            let model = if i % 3 == 0 { NIMBUS } else { STRATUS };
            entry(&format!("r{i}"), model, 9.0 + f64::from(i) * 0.3, 0.25)
        })
        .collect();
    env.write("m.yaml", &manifest(&entries));
    let doc = plan_then_apply(&env, "4");
    let next = doc["summary"]["account"]["next_month_recurring"]["after"].as_f64().unwrap();
    let monthly = doc["summary"]["totals"]["EUR"]["monthly"].as_f64().unwrap();
    assert!((next - monthly).abs() < 0.011, "no recurring order before: {next} vs {monthly}");
    let before = env.emu.balance();
    env.emu.set_now(Utc.with_ymd_and_hms(2025, 5, 1, 0, 30, 0).unwrap());
    let renewed = before - env.emu.balance();
    assert!((next - renewed).abs() <= 0.01 * 8.0, "plan {next}, renewals billed {renewed}");
}

#[test]
fn a_plan_over_the_credit_balance_is_blocked_and_apply_creates_nothing() {
    let env = Env::with(Config { balance_eur: 500.0, overdraft_eur: 100.0, ..Config::default() });
    let entries: Vec<String> =
        (0..4).map(|i| entry(&format!("c{i}"), STRATUS, 9.0 + f64::from(i) * 0.3, 0.2)).collect();
    env.write("m.yaml", &manifest(&entries));
    let out = env.run(&["plan", "m.yaml"]);
    assert_eq!(out.code, 3, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("Blocked: the creates cost EUR "), "{}", out.stdout);
    let doc = json(&env.run(&["plan", "--format", "json", "m.yaml"]));
    let short = doc["summary"]["account"]["credit_shortfall"].as_f64().unwrap();
    let total = doc["summary"]["totals"]["EUR"]["current_month"].as_f64().unwrap();
    assert!((short - (total - 600.0)).abs() < 0.011, "{short} {total}");
    assert_eq!(doc["summary"]["blocked"], true);
    let out = env.run(&["apply", "--auto-approve", "m.yaml"]);
    assert_eq!(out.code, 3, "{}\n{}", out.stdout, out.stderr);
    assert!(env.emu.orders().is_empty());
    assert!(!env.emu.calls().iter().any(|(m, p, _)| m == "POST" && p == "/api/tasking/orders"));
}
