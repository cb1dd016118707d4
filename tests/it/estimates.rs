//! Plan and apply when estimates fail: an unpriced create needs
//! `--allow-unpriced`; an estimate the API refuses for good fails the plan.

use clearsky_emulator::Fault;

use crate::apply::{entry, manifest};
use crate::harness::{Env, tile_entry};

/// An entry with a well-formed tile GUID the API does not know: `validate`
/// accepts it, the API refuses it (400, code 992).
/// An entry the API refuses to estimate: a minitile's GUID listed as a tile.
fn unknown_tile_entry() -> String {
    let minitile = clearsky::grid::Cell::tile_at(10.0, 56.0).minitiles().next().unwrap().guid();
    let fields = [("ImageFrequency", "3"), ("From", "2025-04-01")];
    tile_entry("bad-tiles", &[minitile.to_string()], &fields)
}

const ESTIMATE: &str = "/api/tasking/orders/estimate";

/// Makes the next estimate fail through every retry (429 with `Retry-After: 0`).
fn fail_next_estimate(env: &Env) {
    let busy = Fault::TooManyRequests { retry_after_secs: Some(0) };
    env.emu.script("POST", ESTIMATE, vec![busy; 5]);
}

#[test]
fn an_unpriced_create_is_applied_only_with_allow_unpriced() {
    let env = Env::new();
    env.write("o.yaml", &manifest(&[entry("a", 9.0, "")]));
    fail_next_estimate(&env);
    let out = env.run(&["apply", "--auto-approve", "o.yaml"]);
    assert_eq!(out.code, 3, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("price unknown"), "{}", out.stdout);
    assert!(
        out.stderr.contains("error: apply refused: 1 create could not be priced"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("`a`: gave up after 5 attempts"), "{}", out.stderr);
    assert!(out.stderr.contains("--allow-unpriced"), "{}", out.stderr);
    assert!(env.emu.orders().is_empty());

    fail_next_estimate(&env);
    let out = env.run(&["apply", "--auto-approve", "--allow-unpriced", "o.yaml"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert_eq!(env.live().len(), 1);
}

#[test]
fn an_estimate_refused_for_good_fails_plan_and_apply_with_the_field_messages() {
    let env = Env::new();
    env.write("o.yaml", &manifest(&[entry("a", 9.0, ""), unknown_tile_entry()]));
    for args in [&["plan", "o.yaml"][..], &["apply", "--auto-approve", "o.yaml"][..]] {
        let out = env.run(args);
        assert_eq!(out.code, 1, "{args:?}: {}\n{}", out.stdout, out.stderr);
        assert!(
            out.stderr.contains(
                "error: the ClearSKY API refused to estimate `bad-tiles`, so it would refuse to create it too"
            ),
            "{}",
            out.stderr
        );
        assert!(out.stderr.contains("(400, code 992)"), "{}", out.stderr);
        assert!(out.stderr.contains("`TileGuids`:"), "field message missing:\n{}", out.stderr);
    }
    assert!(env.emu.orders().is_empty(), "apply bought an order of a plan that cannot be made");
}
