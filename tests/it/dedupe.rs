//! Tile deduplication in the plan: an entry whose tiles
//! earlier orders with the same settings already cover is `keep`, so that a
//! second plan after apply has no changes; what the server would not drop is
//! still bought.

use std::io::{BufRead, BufReader};
use std::time::Duration;

use clearsky::grid::Cell;
use clearsky_emulator::Fault;

use crate::apply::manifest;
use crate::harness::{Env, actions, json, tile_entry};

/// The GUID of the tile at this longitude (latitude 56).
fn tile(lon: f64) -> String {
    Cell::tile_at(lon, 56.0).guid().to_string()
}

/// A tile entry of the tiles at `lons`, every 3 days from `from` to `to`,
/// with `extra` lines.
fn tiles_entry(name: &str, lons: &[f64], from: &str, to: &str, extra: &str) -> String {
    let guids: Vec<String> = lons.iter().map(|&lon| tile(lon)).collect();
    tile_entry(name, &guids, &[("ImageFrequency", "3"), ("From", from), ("To", to)]) + extra
}

/// Entry `a`: tiles T1, T2 in May 2025.
fn a() -> String {
    tiles_entry("a", &[9.0, 10.0], "2025-05-01", "2025-05-31", "")
}

/// Entry `b`: the tiles at `lons` in May and June 2025, which overlaps `a`.
fn b(lons: &[f64], extra: &str) -> String {
    tiles_entry("b", lons, "2025-05-01", "2025-06-30", extra)
}

/// An emulator where `a` is applied, then the manifest `a` + `b`.
fn with_a_applied(b: &str) -> Env {
    let env = Env::new();
    env.write("o.yaml", &manifest(&[a()]));
    let out = env.run(&["apply", "--auto-approve", "o.yaml"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    env.write("o.yaml", &manifest(&[a(), b.to_owned()]));
    env
}

fn no_changes(env: &Env, extra: &[&str]) {
    let args = [&["plan", "--detailed-exitcode"][..], extra, &["o.yaml"]].concat();
    let out = env.run(&args);
    assert_eq!(out.code, 0, "{args:?}: {}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("No changes."), "{}", out.stdout);
}

#[test]
fn an_entry_whose_tiles_are_all_already_ordered_is_keep_naming_the_order() {
    let env = with_a_applied(&b(&[9.0, 10.0], ""));
    let a_guid = env.live()[0].task_order_guid.clone();
    let doc = json(&env.run(&["plan", "--format", "json", "o.yaml"]));
    assert_eq!(actions(&doc), [("a".into(), "keep".into()), ("b".into(), "keep".into())]);
    let keep = &doc["changes"][1];
    assert_eq!(keep["live"]["guid"], a_guid.as_str());
    let reason = keep["reason"].as_str().unwrap();
    assert!(reason.contains(&format!("`{a_guid}`")), "{reason}");
    assert!(reason.contains("tile deduplication"), "{reason}");
    assert!(keep["request"].is_null());

    let out = env.run(&["apply", "--auto-approve", "o.yaml"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("No changes."), "{}", out.stdout);
    assert_eq!(env.live().len(), 1, "nothing bought");
    no_changes(&env, &[]);
    no_changes(&env, &["--prune"]);
    let detailed = env.run(&["plan", "--detailed", "o.yaml"]);
    assert!(
        detailed.stdout.contains(&format!("already ordered by `{a_guid}`")),
        "{}",
        detailed.stdout
    );
    let markdown = env.run(&["plan", "--format", "markdown", "o.yaml"]);
    assert!(markdown.stdout.contains("tile deduplication"), "{}", markdown.stdout);
}

#[test]
fn a_partly_covered_entry_orders_only_the_rest_and_then_has_no_changes() {
    let env = with_a_applied(&b(&[9.0, 10.0, 11.0], ""));
    let doc = json(&env.run(&["plan", "--format", "json", "o.yaml"]));
    assert_eq!(actions(&doc)[1], ("b".into(), "create".into()));
    let request = &doc["changes"][1]["request"];
    assert_eq!(request["TileGuids"], serde_json::json!([tile(11.0)]), "{request}");

    let out = env.run(&["apply", "--auto-approve", "o.yaml"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let live = env.live();
    assert_eq!(live.len(), 2, "{live:?}");
    let rest: Vec<_> =
        live.iter().filter(|o| o.to.is_some_and(|t| t.to_string() == "2025-06-30")).collect();
    assert_eq!(rest.len(), 1, "{live:?}");
    let guids: Vec<&str> = rest[0].tiles.iter().map(|t| t.guid.as_str()).collect();
    assert_eq!(guids, [tile(11.0)]);
    no_changes(&env, &[]);
    // The remainder's order is `b`'s: `--prune` leaves it.
    no_changes(&env, &["--prune"]);
}

#[test]
fn without_tile_deduplication_the_entry_is_bought_whole() {
    let env = with_a_applied(&b(&[9.0, 10.0, 11.0], "    TileDeduplication: false\n"));
    let doc = json(&env.run(&["plan", "--format", "json", "o.yaml"]));
    assert_eq!(actions(&doc)[1], ("b".into(), "create".into()));
    assert_eq!(doc["changes"][1]["request"]["TileGuids"].as_array().unwrap().len(), 3);
    let out = env.run(&["apply", "--auto-approve", "o.yaml"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let live = env.live();
    assert_eq!(live.len(), 2, "{live:?}");
    assert!(live.iter().any(|o| o.tiles.len() == 3), "{live:?}");
    no_changes(&env, &[]);
}

#[test]
fn an_order_the_plan_cancels_covers_nothing() {
    // `a` leaves the manifests and `b` wants one of its tiles: `a`'s order,
    // still in `Review`, covers it until `--prune` cancels it.
    let env = with_a_applied(&b(&[9.0], ""));
    env.write("o.yaml", &manifest(&[b(&[9.0], "")]));
    let a_guid = env.live()[0].task_order_guid.clone();
    let doc = json(&env.run(&["plan", "--format", "json", "o.yaml"]));
    assert_eq!(actions(&doc), [("b".into(), "keep".into()), (a_guid.clone(), "unmanaged".into())]);
    let doc = json(&env.run(&["plan", "--format", "json", "--prune", "o.yaml"]));
    assert_eq!(actions(&doc), [("b".into(), "create".into()), (a_guid.clone(), "cancel".into())]);
    // The create goes first, while `a`'s order still holds the tile: it is
    // sent without deduplication, so `b` is bought and `a` refunded at once.
    let plan = json(&env.run(&["plan", "--format", "json", "--prune", "o.yaml"]));
    assert_eq!(
        plan["changes"][0]["request"]["TileDeduplication"], false,
        "{:#}",
        plan["changes"][0]
    );
    let out = env.run(&["apply", "--auto-approve", "--prune", "o.yaml"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(!out.stdout.contains("already ordered"), "{}", out.stdout);
    let live = env.live();
    assert_eq!(live.len(), 1);
    assert_eq!(live[0].tiles.len(), 1);
    assert_ne!(live[0].task_order_guid, a_guid);
    no_changes(&env, &["--prune"]);
}

#[test]
fn a_replace_of_a_tile_order_in_review_buys_the_new_one_in_the_same_apply() {
    // Only `StorageMonths` changes: the new order has the old one's model,
    // constellations and cadence, so the server would drop every tile while
    // the old order (in `Review`, refunded by the cancel) still holds them.
    let env = Env::new();
    env.write("o.yaml", &manifest(&[a()]));
    let out = env.run(&["apply", "--auto-approve", "o.yaml"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let old = env.live()[0].task_order_guid.clone();
    crate::git::init(env.path());
    env.write("o.yaml", &manifest(&[a().replace("StorageMonths: 1", "StorageMonths: 2")]));
    let doc = json(&env.run(&["plan", "--format", "json", "--base", "HEAD", "o.yaml"]));
    assert_eq!(actions(&doc), [("a".into(), "replace".into())]);
    let out = env.run(&["apply", "--auto-approve", "--base", "HEAD", "o.yaml"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let live = env.live();
    assert_eq!(live.len(), 1, "{live:?}");
    assert_ne!(live[0].task_order_guid, old, "the old order is refunded");
    assert_eq!((live[0].storage_months, live[0].tiles.len()), (2, 2));
    no_changes(&env, &[]);
}

#[test]
fn a_deduplicated_create_whose_answer_is_lost_is_found_not_sent_again() {
    let env = with_a_applied(&b(&[9.0, 10.0, 11.0], ""));
    env.emu.script("POST", "/api/tasking/orders", vec![Fault::CommitThenDrop]);
    let out = env.run(&["apply", "--auto-approve", "o.yaml"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("found the order"), "{}", out.stdout);
    assert_eq!(env.live().len(), 2);
    no_changes(&env, &[]);
}

#[test]
fn two_applies_of_the_same_tile_replace_at_once_buy_it_once() {
    // The replace's create goes without deduplication: the lock, and the plan
    // the second run makes once it holds it, are what keep it from buying twice.
    let env = Env::new();
    env.write("o.yaml", &manifest(&[a()]));
    let out = env.run(&["apply", "--auto-approve", "o.yaml"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    crate::git::init(env.path());
    env.write("o.yaml", &manifest(&[a().replace("StorageMonths: 1", "StorageMonths: 2")]));
    // The first run's create is held, with the lock, until the second run waits for the lock.
    env.emu.script("POST", "/api/tasking/orders", vec![Fault::Hold]);
    let spawn = || {
        env.command(&["apply", "--auto-approve", "--base", "HEAD", "o.yaml"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn apply")
    };
    let first = spawn();
    let started = std::time::Instant::now();
    while env.emu.held() == 0 {
        assert!(started.elapsed() < Duration::from_secs(60), "the first create never came");
        std::thread::sleep(Duration::from_millis(5));
    }
    let mut second = spawn();
    let mut stderr = BufReader::new(second.stderr.take().expect("stderr"));
    let mut said = String::new();
    while !said.contains("waiting for another skyform apply") {
        assert!(stderr.read_line(&mut said).expect("read stderr") > 0, "no wait: {said}");
    }
    env.emu.release(1);
    for run in [first, second] {
        let out = run.wait_with_output().expect("wait");
        let (stdout, stderr) =
            (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}\n{said}");
    }
    let live = env.live();
    assert_eq!(live.len(), 1, "{live:?}");
    assert_eq!((live[0].storage_months, live[0].tiles.len()), (2, 2));
    assert_eq!(env.emu.orders().iter().filter(|o| o.storage_months == 2).count(), 1);
    no_changes(&env, &[]);
}
