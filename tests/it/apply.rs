//! `skyform apply` end to end: convergence, saved plans, replace, cancel,
//! failures part-way.

use std::time::Duration;

use clearsky::grid::Cell;
use clearsky_emulator::Fault;

use crate::harness::{Env, json, tile_entry};

pub(crate) fn entry(name: &str, lon: f64, extra: &str) -> String {
    format!(
        "  - name: {name}
    Model: Stratus2
    SatelliteConstellations: [Sentinel1, Sentinel2, Landsat89]
    StorageMonths: 1
    ApiRequests: 1
    ImageFrequency: 3
    Wkt: POLYGON(({lon} 56.0,{lon2} 56.0,{lon2} 56.05,{lon} 56.05,{lon} 56.0))
    From: 2025-04-01
{extra}",
        lon2 = lon + 0.05
    )
}

pub(crate) fn manifest(entries: &[String]) -> String {
    format!("orders:\n{}", entries.concat())
}

#[test]
fn apply_creates_exactly_the_planned_orders_and_a_second_apply_changes_nothing() {
    let env = Env::new();
    env.copy_examples();
    let plan = json(&env.run(&["plan", "--format", "json", "examples/"]));
    let planned =
        plan["changes"].as_array().unwrap().iter().filter(|c| c["action"] == "create").count();
    let out = env.run(&["apply", "--auto-approve", "examples/"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert_eq!(env.live().len(), planned);
    assert!(
        out.stdout.contains(&format!("Apply complete: {planned} changes made.")),
        "{}",
        out.stdout
    );
    let again = env.run(&["apply", "--auto-approve", "examples/"]);
    assert_eq!(again.code, 0, "{}\n{}", again.stdout, again.stderr);
    assert!(again.stdout.contains("No changes."), "{}", again.stdout);
    assert_eq!(env.live().len(), planned);
}

#[test]
fn apply_without_a_terminal_needs_auto_approve() {
    let env = Env::new();
    env.write("o.yaml", &manifest(&[entry("a", 9.0, "")]));
    insta::assert_snapshot!(env.snapshot(&["apply", "o.yaml"]), @r"
    --- stderr ---
    error: refusing to apply without confirmation: standard input is not a terminal
    hint: pass `--auto-approve` to apply without asking (as in CI)
    [exit status: 1]
    ");
    assert!(env.emu.orders().is_empty());
}

#[test]
fn a_saved_plan_is_applied_exactly_when_fresh() {
    let env = Env::new();
    env.write("o.yaml", &manifest(&[entry("a", 9.0, ""), entry("b", 9.2, "")]));
    let out = env.run(&["plan", "--out", "plan.json", "o.yaml"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = env.run(&["apply", "--auto-approve", "--plan", "plan.json"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert_eq!(env.live().len(), 2);
}

#[test]
fn a_stale_saved_plan_is_refused_with_exit_4_for_each_kind_of_change() {
    let env = Env::new();
    env.write("o.yaml", &manifest(&[entry("a", 9.0, ""), entry("b", 9.2, "")]));
    assert_eq!(env.run(&["apply", "--auto-approve", "--target", "a", "o.yaml"]).code, 0);
    let first = env.live()[0].task_order_guid.clone();
    let save = || assert_eq!(env.run(&["plan", "--out", "plan.json", "o.yaml"]).code, 0);
    let refused = |why: &str| {
        let out = env.run(&["apply", "--auto-approve", "--plan", "plan.json"]);
        assert_eq!(out.code, 4, "{why}: {}\n{}", out.stdout, out.stderr);
        assert!(out.stderr.contains(why), "expected `{why}` in:\n{}", out.stderr);
    };

    save();
    env.write("o.yaml", &manifest(&[entry("a", 9.0, ""), entry("b", 9.3, "")]));
    refused("manifest `o.yaml` changed");

    save();
    assert!(env.emu.accept(&first));
    refused(&format!("order `{first}` changed status: Review → Preparing"));

    save();
    // a second order placed meanwhile (e.g. in the dashboard)
    assert_eq!(env.run(&["apply", "--auto-approve", "--target", "b", "o.yaml"]).code, 0);
    let appeared = env.live().into_iter().find(|o| o.task_order_guid != first).unwrap();
    refused(&format!("order `{}` appeared", appeared.task_order_guid));

    env.write("o.yaml", &manifest(&[entry("a", 9.0, "")]));
    save();
    let cancel = env.run(&["apply", "--auto-approve", "--prune", "o.yaml"]);
    assert_eq!(cancel.code, 0, "{}", cancel.stderr);
    refused(&format!("order `{}` disappeared", appeared.task_order_guid));
    assert_eq!(env.live().len(), 1);
}

#[test]
fn a_replace_leaves_one_new_order_and_the_old_one_cancelled() {
    let env = Env::new();
    env.write("o.yaml", &manifest(&[entry("a", 9.0, "")]));
    assert_eq!(env.run(&["apply", "--auto-approve", "o.yaml"]).code, 0);
    let old = env.live()[0].task_order_guid.clone();
    crate::git::init(env.path());
    env.write(
        "o.yaml",
        &manifest(&[entry("a", 9.0, "    StorageMonths: 2\n")])
            .replace("    StorageMonths: 1\n", ""),
    );
    let out = env.run(&["apply", "--auto-approve", "--base", "HEAD", "o.yaml"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let live = env.live();
    assert_eq!(live.len(), 1, "{live:?}");
    assert_ne!(live[0].task_order_guid, old);
    assert_eq!(live[0].storage_months, 2);
    assert_eq!(env.run(&["plan", "--detailed-exitcode", "o.yaml"]).code, 0);
}

#[test]
fn a_replace_of_an_accepted_recurring_order_stops_its_renewal() {
    let env = Env::new();
    env.write("o.yaml", &manifest(&[entry("a", 9.0, "")]));
    assert_eq!(env.run(&["apply", "--auto-approve", "o.yaml"]).code, 0);
    let old = env.live()[0].task_order_guid.clone();
    assert!(env.emu.accept(&old));
    crate::git::init(env.path());
    env.write(
        "o.yaml",
        &manifest(&[entry("a", 9.0, "")]).replace("ImageFrequency: 3", "ImageFrequency: 4"),
    );
    let out = env.run(&["apply", "--auto-approve", "--base", "HEAD", "o.yaml"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let orders = env.emu.orders();
    let old_now = orders.iter().find(|o| o.task_order_guid == old).unwrap();
    assert!(old_now.to.is_some() || old_now.ordering_process_status.is_canceled(), "{old_now:?}");
    assert_eq!(env.run(&["plan", "--detailed-exitcode", "o.yaml"]).code, 0);
}

#[test]
fn absent_and_prune_cancel_only_what_the_plan_listed() {
    let env = Env::new();
    env.write(
        "o.yaml",
        &manifest(&[entry("a", 9.0, ""), entry("b", 9.2, ""), entry("c", 9.4, "")]),
    );
    assert_eq!(env.run(&["apply", "--auto-approve", "o.yaml"]).code, 0);
    let live = env.live();
    let guid_of = |lon: &str| {
        live.iter()
            .find(|o| o.wkt.as_deref().unwrap_or("").contains(lon))
            .unwrap()
            .task_order_guid
            .clone()
    };
    let (a, b, c) = (guid_of("9 56"), guid_of("9.2 56"), guid_of("9.4 56"));
    env.write("o.yaml", &manifest(&[entry("a", 9.0, "    ensure: absent\n"), entry("b", 9.2, "")]));
    let out = env.run(&["apply", "--auto-approve", "o.yaml"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let left: Vec<String> = env.live().into_iter().map(|o| o.task_order_guid).collect();
    assert!(!left.contains(&a) && left.contains(&b) && left.contains(&c), "{left:?}");
    let out = env.run(&["apply", "--auto-approve", "--prune", "o.yaml"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let left: Vec<String> = env.live().into_iter().map(|o| o.task_order_guid).collect();
    assert_eq!(left, [b]);
}

#[test]
fn a_rejected_create_stops_further_creates_and_exits_5_with_the_api_message() {
    let env = refused_second_create();
    let out = env.run(&["apply", "--auto-approve", "--concurrency", "1", "o.yaml"]);
    assert_eq!(out.code, 5, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("failed      b"), "{}", out.stdout);
    assert!(out.stdout.contains("Model is unavailable"), "API message missing:\n{}", out.stdout);
    assert!(out.stdout.contains("not tried   c"), "{}", out.stdout);
    assert_eq!(env.live().len(), 2);
}

/// A tile entry of one tile, ordered every `frequency` days.
fn one_tile_entry(name: &str, frequency: u32) -> String {
    let tile = Cell::tile_at(10.0, 56.4).guid().to_string();
    let frequency = frequency.to_string();
    tile_entry(name, &[tile], &[("ImageFrequency", &frequency), ("From", "2025-04-01")])
}

/// An account and a manifest whose second create (`b`) passes its estimate but
/// is refused by the server (a scripted 400/992). (A create refused for
/// credits no longer reaches the API: the plan is blocked; one refused as fully
/// deduplicated is reported as already ordered, not as a failure.)
fn refused_second_create() -> Env {
    let env = Env::new();
    env.write("o.yaml", &manifest(&[one_tile_entry("t0", 2)]));
    let out = env.run(&["apply", "--auto-approve", "o.yaml"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let entries =
        [one_tile_entry("t0", 2), entry("a", 9.0, ""), one_tile_entry("b", 3), entry("c", 9.4, "")];
    env.write("o.yaml", &manifest(&entries));
    let refused = Fault::Refused { field: "Model".into(), message: "Model is unavailable".into() };
    env.emu.script("POST", "/api/tasking/orders", vec![Fault::Latency(Duration::ZERO), refused]);
    env
}

#[test]
fn a_create_that_commits_and_drops_the_connection_is_found_not_bought_twice() {
    let env = Env::new();
    env.write("o.yaml", &manifest(&[entry("a", 9.0, "")]));
    env.emu.script("POST", "/api/tasking/orders", vec![Fault::CommitThenDrop]);
    let out = env.run(&["apply", "--auto-approve", "o.yaml"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("found the order"), "{}", out.stdout);
    assert_eq!(env.live().len(), 1);
}

/// A tile entry wanting the tiles at these longitudes (latitude 56).
fn tiles_at(lons: &[f64]) -> String {
    let guids: Vec<String> =
        lons.iter().map(|&lon| Cell::tile_at(lon, 56.0).guid().to_string()).collect();
    tile_entry("t", &guids, &[("ImageFrequency", "3"), ("From", "2025-04-01")])
}

#[test]
fn an_unknown_tile_create_reports_the_new_order_not_the_one_covering_most_tiles() {
    let env = Env::new();
    env.write("o.yaml", &manifest(&[tiles_at(&[9.0, 10.0, 11.0])]));
    assert_eq!(env.run(&["apply", "--auto-approve", "o.yaml"]).code, 0);
    let old = env.live()[0].task_order_guid.clone();
    env.write("o.yaml", &manifest(&[tiles_at(&[9.0, 10.0, 11.0, 12.0])]));
    env.emu.script("POST", "/api/tasking/orders", vec![Fault::CommitThenDrop]);
    let out = env.run(&["apply", "--auto-approve", "o.yaml"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let live = env.live();
    assert_eq!(live.len(), 2, "{live:?}");
    let new = live.iter().find(|o| o.task_order_guid != old).unwrap();
    assert_eq!(new.tiles.len(), 1, "only the missing tile was ordered: {new:?}");
    let line = out.stdout.lines().find(|l| l.contains("done        t:")).unwrap_or_default();
    assert!(line.contains(&new.task_order_guid), "{}", out.stdout);
    assert!(line.contains("found the order"), "{}", out.stdout);
}

#[test]
fn json_format_streams_one_event_per_line() {
    let env = Env::new();
    env.write("o.yaml", &manifest(&[entry("a", 9.0, ""), entry("b", 9.2, "")]));
    let out = env.run(&["apply", "--auto-approve", "--format", "json", "o.yaml"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let events: Vec<serde_json::Value> =
        out.stdout.lines().map(|l| serde_json::from_str(l).expect("a JSON line")).collect();
    let kinds: Vec<&str> = events.iter().map(|e| e["event"].as_str().unwrap()).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "change_started").count(), 2, "{kinds:?}");
    assert_eq!(kinds.iter().filter(|k| **k == "change_finished").count(), 2, "{kinds:?}");
    assert_eq!(kinds.last(), Some(&"summary"));
    assert_eq!(events.last().unwrap()["done"], 2);
}

pub(crate) fn apply_events_validator() -> jsonschema::Validator {
    let path = crate::harness::repo().join("schemas/apply-events.schema.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::validator_for(&schema).expect("schema compiles")
}

/// Every line `apply --format json` writes, for a run that creates, fails,
/// leaves a change untried, and for one with nothing to do.
#[test]
fn every_json_event_line_validates_against_the_committed_schema() {
    let env = refused_second_create();
    let args = ["apply", "--auto-approve", "--format", "json", "--concurrency", "1", "o.yaml"];
    let failed = env.run(&args);
    assert_eq!(failed.code, 5, "{}\n{}", failed.stdout, failed.stderr);
    env.write("o.yaml", &manifest(&[one_tile_entry("t0", 2), entry("a", 9.0, "")]));
    let unchanged = env.run(&args);
    assert_eq!(unchanged.code, 0, "{}", unchanged.stderr);

    let validator = apply_events_validator();
    let mut kinds = Vec::new();
    for line in failed.stdout.lines().chain(unchanged.stdout.lines()) {
        let event: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
        let errors: Vec<String> = validator.iter_errors(&event).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{line}\n{errors:#?}");
        assert_eq!(event["format_version"], 1, "{line}");
        kinds.push(event["event"].as_str().unwrap().to_owned());
    }
    assert_eq!(
        kinds,
        [
            "plan",
            "change_started",
            "change_finished",
            "change_started",
            "change_failed",
            "summary",
            "plan",
            "summary"
        ]
    );
    let summary: serde_json::Value =
        serde_json::from_str(failed.stdout.lines().last().unwrap()).unwrap();
    let statuses: Vec<&str> = summary["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["outcome"]["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["done", "failed", "not_tried"]);
}

#[test]
fn out_of_range_numbers_are_usage_errors_before_any_request() {
    let env = Env::new();
    env.write("o.yaml", &manifest(&[entry("a", 9.0, "")]));
    for (flag, value, message) in [
        ("--concurrency", "0", "`--concurrency` must be at least 1, not `0`"),
        ("--timeout", "1e300", "`--timeout` must be at most 86400 seconds (one day), not `1e300`"),
        ("--recheck-wait", "inf", "`--recheck-wait` must be a non-negative number of seconds"),
        ("--max-cost", "NaN", "`--max-cost` must be a non-negative amount, not `NaN`"),
    ] {
        let out = env.run(&["apply", "--auto-approve", flag, value, "o.yaml"]);
        assert_eq!(out.code, 1, "{flag} {value}: {}", out.stderr);
        assert!(out.stderr.contains(message), "{flag} {value}:\n{}", out.stderr);
        assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    }
    assert!(env.emu.orders().is_empty());
}

#[cfg(unix)]
#[test]
fn the_first_interrupt_lets_changes_in_flight_finish_and_exits_5() {
    use std::io::{BufRead, BufReader, Read};
    use std::time::Instant;
    let env = Env::new();
    let entries: Vec<String> =
        (0..30).map(|i| entry(&format!("e{i}"), 5.0 + f64::from(i) * 0.1, "")).collect();
    env.write("o.yaml", &manifest(&entries));
    // Three creates are answered; the fourth is in flight when the interrupt comes.
    let mut creates = vec![Fault::Latency(Duration::ZERO); 3];
    creates.push(Fault::Hold);
    env.emu.script("POST", "/api/tasking/orders", creates);
    let mut child = env
        .command(&["apply", "--auto-approve", "--concurrency", "1", "o.yaml"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn apply");
    let started = Instant::now();
    while env.emu.held() == 0 {
        assert!(started.elapsed() < Duration::from_secs(60), "apply never got going");
        std::thread::sleep(Duration::from_millis(5));
    }
    let kill = std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status();
    assert!(kill.expect("kill(1)").success());
    // Once apply says it heard the interrupt, the create in flight may finish.
    let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
    let mut said = String::new();
    while !said.contains("Interrupted: no new change will start") {
        assert!(stderr.read_line(&mut said).expect("read stderr") > 0, "not heard: {said}");
    }
    env.emu.release(1);
    let out = child.wait_with_output().unwrap();
    stderr.read_to_string(&mut said).expect("read stderr");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(5), "{stdout}\n{said}");
    assert!(stdout.contains("Apply interrupted:"), "{stdout}");
    assert_eq!(env.live().len(), 4, "the create in flight finished, no other started");
    assert!(stdout.contains("not tried"), "{stdout}");
    let again = env.run(&["apply", "--auto-approve", "o.yaml"]);
    assert_eq!(again.code, 0, "{}\n{}", again.stdout, again.stderr);
    assert_eq!(env.live().len(), 30);
}
