//! Following the live API rather than a snapshot: the server's
//! clock, the content type on every call, exports that validate, the
//! account's concurrency limit and 1003, renewal variants, deduplication
//! with cadence, real tile GUIDs in the sandbox, models from the API.

use clearsky_emulator::{Config, Fault, RenewalStop};

use crate::apply::{entry, manifest};
use crate::harness::{Env, json, tile_entry};

#[test]
fn every_request_carries_the_json_content_type() {
    let env = Env::with(Config { auto_accept: true, ..Config::default() });
    env.write("o.yaml", &manifest(&[entry("a", 9.0, ""), entry("b", 9.2, "")]));
    let out = env.run(&["apply", "--auto-approve", "o.yaml"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    env.write("o.yaml", &manifest(&[entry("a", 9.0, "")]));
    let out = env.run(&["apply", "--auto-approve", "--prune", "o.yaml"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    for args in [&["orders"][..], &["export"][..]] {
        let out = env.run(args);
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
    }
    let methods: std::collections::BTreeSet<String> =
        env.emu.calls().into_iter().map(|(m, p, _)| format!("{m} {p}")).collect();
    assert!(methods.iter().any(|c| c.starts_with("GET ")), "{methods:?}");
    assert!(methods.iter().any(|c| c.starts_with("DELETE ")), "{methods:?}");
    assert_eq!(env.emu.calls_without_content_type(), 0, "{methods:?}");
}

#[test]
fn a_plan_uses_the_servers_date_and_says_when_the_machines_clock_is_off() {
    // The emulator's clock stays at 2025-04-10; this machine's is the present.
    let env = Env::new();
    env.write("o.yaml", &manifest(&[entry("a", 9.0, "    To: 2025-05-31\n")]));
    let mut cmd = env.command(&["plan", "--format", "json", "o.yaml"]);
    cmd.env_remove("SKYFORM_NOW");
    let out = cmd.output().unwrap();
    let (stdout, stderr) =
        (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!("{e}\n{stdout}\n{stderr}");
    });
    assert_eq!(doc["today"], "2025-04-10", "{stdout}");
    let local = chrono::Utc::now();
    if (local - env.emu.now()).abs() > chrono::Duration::minutes(5) {
        let warnings: Vec<&str> =
            stderr.lines().filter(|l| l.contains("off the ClearSKY API's")).collect();
        assert_eq!(warnings.len(), 1, "{stderr}");
        assert!(warnings[0].contains("(2025-04-10 12:00 UTC)"), "{stderr}");
    }
}

#[test]
fn a_fixed_order_ending_in_the_servers_future_is_blocked_not_finished() {
    // Issue 11: with the machine's clock, a fixed order ending 2025-05-31 was
    // "nothing left to cancel"; in the server's April it cannot be cancelled.
    let env = Env::with(Config { auto_accept: true, ..Config::default() });
    env.write("o.yaml", &manifest(&[entry("a", 9.0, "    To: 2025-05-31\n")]));
    let out = env.run(&["apply", "--auto-approve", "o.yaml"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    env.write("o.yaml", &manifest(&[entry("a", 9.0, "    To: 2025-05-31\n    ensure: absent\n")]));
    let mut cmd = env.command(&["plan", "--format", "json", "o.yaml"]);
    cmd.env_remove("SKYFORM_NOW");
    let out = cmd.output().unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["changes"][0]["action"], "blocked", "{doc}");
    assert_eq!(out.status.code(), Some(3));
}

#[test]
fn export_writes_only_entries_that_validate() {
    let env = Env::with(Config { auto_accept: true, ..Config::default() });
    env.write("o.yaml", &manifest(&[entry("a", 9.0, ""), entry("b", 9.2, "")]));
    let out = env.run(&["apply", "--auto-approve", "o.yaml"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let out = env.run(&["export", "--out", "exported.yaml"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = env.run(&["validate", "exported.yaml"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let plan = env.run(&["plan", "--detailed-exitcode", "exported.yaml"]);
    assert_eq!(plan.code, 0, "{}\n{}", plan.stdout, plan.stderr);
}

/// `n` small recurring polygon entries, far enough apart to be distinct.
fn many_entries(n: usize) -> String {
    #[allow(clippy::cast_precision_loss)]
    let entries: Vec<String> =
        (0..n).map(|i| entry(&format!("e{i}"), 5.0 + i as f64 * 0.1, "")).collect();
    manifest(&entries)
}

#[test]
fn an_account_limit_of_two_prices_fifty_orders_with_concurrency_sixteen() {
    let env = Env::with(Config {
        max_connections: Some(2),
        latency: std::time::Duration::from_millis(5),
        ..Config::default()
    });
    env.write("o.yaml", &many_entries(50));
    let out = env.run(&["plan", "--format", "json", "--concurrency", "16", "o.yaml"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = json(&out);
    let changes = doc["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 50);
    for c in changes {
        assert_eq!(c["action"], "create");
        assert!(c["cost"]["current_month"].is_number(), "unpriced: {c}");
    }
    assert!(
        out.stderr.contains("`--concurrency 16` is above this account's limit of 2"),
        "{}",
        out.stderr
    );
    let busy = env.emu.calls().iter().filter(|c| c.2 == 400).count();
    assert_eq!(busy, 0, "no call beyond the limit");
}

#[test]
fn calls_refused_with_1003_are_sent_again_after_a_backoff() {
    let env = Env::with(Config { auto_accept: true, ..Config::default() });
    env.write("o.yaml", &many_entries(3));
    env.emu.script("POST", "/api/tasking/orders/estimate", vec![Fault::Busy; 4]);
    env.emu.script("POST", "/api/tasking/orders", vec![Fault::Busy; 2]);
    env.emu.script("GET", "/api/tasking/orders", vec![Fault::Busy]);
    // The backoff itself is the client's unit tests' subject; here it need not be waited out.
    let out = env.run_with_short_backoff(&["apply", "--auto-approve", "o.yaml"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert_eq!(env.live().len(), 3, "one order per entry, none twice");
    let refused = env.emu.calls().iter().filter(|c| c.2 == 400).count();
    assert_eq!(refused, 7);
    let again = env.run(&["plan", "--detailed-exitcode", "o.yaml"]);
    assert_eq!(again.code, 0, "{}\n{}", again.stdout, again.stderr);
}

/// A recurring tile entry from `from` with this cadence, deduplicated.
fn recurring_tile(name: &str, from: &str, frequency: u32) -> String {
    let tile = clearsky::grid::Cell::tile_at(10.0, 56.4).guid().to_string();
    let frequency = frequency.to_string();
    let fields = [
        ("ImageFrequency", frequency.as_str()),
        ("ReferenceDate", "2025-01-01"),
        ("From", from),
        ("TileDeduplication", "true"),
    ];
    tile_entry(name, &[tile], &fields)
}

#[test]
fn a_cadence_only_change_of_a_tile_entry_creates_a_new_order() {
    let env = Env::with(Config { auto_accept: true, ..Config::default() });
    env.write("o.yaml", &manifest(&[recurring_tile("t", "2025-04-01", 3)]));
    let out = env.run(&["apply", "--auto-approve", "o.yaml"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    env.write("o.yaml", &manifest(&[recurring_tile("t", "2025-04-01", 2)]));
    let out = env.run(&["apply", "--auto-approve", "o.yaml"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let every_2_days: Vec<_> = env.live().into_iter().filter(|o| o.image_frequency == 2).collect();
    assert_eq!(every_2_days.len(), 1, "{:?}", env.live());
    assert_eq!(every_2_days[0].tiles.len(), 1, "the tile is ordered again under the new cadence");
    let again = env.run(&["plan", "--detailed-exitcode", "o.yaml"]);
    assert_eq!(again.code, 0, "{}\n{}", again.stdout, again.stderr);
}

#[test]
fn a_create_refused_as_fully_deduplicated_is_already_ordered_not_a_failure() {
    let env = Env::with(Config { auto_accept: true, ..Config::default() });
    // The same tile and cadence from April and from May, planned together:
    // once the April order exists, the server finds the tile in it. (Once it
    // is listed, the plan says so itself: `may` is `keep`, see `dedupe.rs`.)
    let (april, may) =
        (recurring_tile("april", "2025-04-01", 3), recurring_tile("may", "2025-05-01", 3));
    env.write("o.yaml", &manifest(&[april, may]));
    let out = env.run(&["apply", "--auto-approve", "--concurrency", "1", "o.yaml"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("already ordered: the server's tile deduplication found "),
        "{}",
        out.stdout
    );
    assert_eq!(env.live().len(), 1, "nothing bought twice");
    let again = env.run(&["plan", "--detailed-exitcode", "o.yaml"]);
    assert_eq!(again.code, 0, "{}\n{}", again.stdout, again.stderr);
}

#[test]
fn stopped_renewals_converge_under_both_representations() {
    for stop in [RenewalStop::MonthEnd, RenewalStop::Canceled] {
        let env = Env::with(Config { auto_accept: true, renewal_stop: stop, ..Config::default() });
        let (a, b, c) = (entry("a", 9.0, ""), entry("b", 9.2, ""), entry("c", 9.4, ""));
        env.write("o.yaml", &manifest(&[a.clone(), b.clone(), c.clone()]));
        let out = env.run(&["apply", "--auto-approve", "o.yaml"]);
        assert_eq!(out.code, 0, "{stop:?}: {}\n{}", out.stdout, out.stderr);

        // `ensure: absent` on `a`, and `c` left out under `--prune`.
        let absent = format!("{a}    ensure: absent\n");
        env.write("o.yaml", &manifest(&[absent, b]));
        let out = env.run(&["apply", "--auto-approve", "--prune", "o.yaml"]);
        assert_eq!(out.code, 0, "{stop:?}: {}\n{}", out.stdout, out.stderr);
        assert_eq!(out.stdout.matches("renewal stopped").count(), 2, "{stop:?}: {}", out.stdout);
        for prune in [&["--prune"][..], &[][..]] {
            let mut args = vec!["plan", "--detailed-exitcode", "o.yaml"];
            args.extend_from_slice(prune);
            let again = env.run(&args);
            assert_eq!(again.code, 0, "{stop:?} {prune:?}: {}\n{}", again.stdout, again.stderr);
            assert!(again.stdout.contains("No changes."), "{stop:?}: {}", again.stdout);
        }
    }
}

#[test]
fn a_future_start_recurring_order_cancelled_before_its_first_month_is_removed_and_refunded() {
    let env = Env::with(Config { auto_accept: true, ..Config::default() });
    let june = entry("june", 9.0, "").replace("From: 2025-04-01", "From: 2025-06-01");
    env.write("o.yaml", &manifest(std::slice::from_ref(&june)));
    let balance = env.emu.balance();
    let out = env.run(&["apply", "--auto-approve", "o.yaml"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(env.emu.balance() < balance);
    env.write("o.yaml", &manifest(&[format!("{june}    ensure: absent\n")]));
    let out = env.run(&["apply", "--auto-approve", "o.yaml"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(env.live().is_empty(), "{:?}", env.live());
    assert!(env.emu.orders().iter().all(|o| o.to.is_none_or(|to| to >= o.from)));
    assert!((env.emu.balance() - balance).abs() < 0.005, "refunded");
    let again = env.run(&["plan", "--detailed-exitcode", "o.yaml"]);
    assert_eq!(again.code, 0, "{}\n{}", again.stdout, again.stderr);
    let export = env.run(&["export"]);
    assert!(!export.stdout.contains("- name:"), "{}", export.stdout);
}

#[test]
fn a_real_docs_tile_guid_plans_and_applies_in_the_sandbox() {
    let env = Env::new();
    let docs_tile = "c3528462-02fc-4301-bb37-8d226b45f149";
    let fields = [("ImageFrequency", "3"), ("From", "2025-04-01")];
    env.write("o.yaml", &manifest(&[tile_entry("docs-tile", &[docs_tile.to_owned()], &fields)]));
    let plan = env.run(&["plan", "--sandbox", "--format", "json", "o.yaml"]);
    assert_eq!(plan.code, 0, "{}", plan.stderr);
    assert!(json(&plan)["changes"][0]["cost"]["current_month"].is_number(), "{}", plan.stdout);
    let out = env.run(&["apply", "--sandbox", "--auto-approve", "o.yaml"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let again = env.run(&["plan", "--sandbox", "--detailed-exitcode", "o.yaml"]);
    assert_eq!(again.code, 0, "{}\n{}", again.stdout, again.stderr);
    let orders = env.run(&["orders", "--sandbox", "--format", "json"]);
    assert!(orders.stdout.contains(docs_tile), "{}", orders.stdout);
}
