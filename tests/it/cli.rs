//! Flags every command shares: `--version`, `--help`, usage errors.

use crate::harness::skyform;

#[test]
fn version_prints_the_crate_version() {
    let out = skyform(std::path::Path::new("."), &["--version"]);
    assert_eq!(out.code, 0);
    assert_eq!(out.stdout.trim(), format!("skyform {}", env!("CARGO_PKG_VERSION")));
}

#[test]
fn usage_errors_exit_1_not_2() {
    let out = skyform(std::path::Path::new("."), &["plan", "--no-such-flag"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("--no-such-flag"), "{}", out.stderr);
}

#[test]
fn a_refused_api_url_and_a_missing_manifest_are_named_as_given() {
    let env = crate::harness::Env::new();
    env.write("o.yaml", "orders: []\n");
    let url = format!("{}/?token=hunter2", env.emu.url());
    insta::assert_snapshot!(env.snapshot(&["plan", "--api-url", &url, "o.yaml"]), @r"
    --- stderr ---
    error: invalid API URL `http://127.0.0.1:[PORT]/?…`: it must not have a query or fragment
    hint: give `--api-url` (or `CLEARSKY_API_URL`) as a base URL such as `https://api.clearsky.vision`
    [exit status: 1]
    ");
    let missing = env.path().join("missing.yaml");
    insta::assert_snapshot!(env.snapshot(&["validate", &missing.display().to_string()]), @r"
    --- stderr ---
    [TEMP]/missing.yaml: no such file or directory
    error: 1 problem found in the manifests
    [exit status: 1]
    ");
}

#[test]
fn every_command_has_help_with_an_example() {
    for cmd in ["validate", "schema", "plan", "apply", "orders", "export", "emulator"] {
        let out = skyform(std::path::Path::new("."), &[cmd, "--help"]);
        assert_eq!(out.code, 0, "{cmd}");
        assert!(out.stdout.contains("Example"), "`{cmd} --help` has no example:\n{}", out.stdout);
    }
}

#[test]
fn verbose_logs_every_request_and_never_the_key() {
    let key = "sk-live-7f3a9c1e5b2d4c6a8e0f";
    let env = crate::harness::Env::with(clearsky_emulator::Config {
        api_keys: vec![key.to_owned()],
        ..clearsky_emulator::Config::default()
    });
    env.write(
        "o.yaml",
        "orders:\n  - name: a\n    Model: Stratus2\n    SatelliteConstellations: [Sentinel1, Sentinel2, Landsat89]\n    \
         StorageMonths: 1\n    ApiRequests: 1\n    ImageFrequency: 3\n    From: 2025-04-01\n    \
         Wkt: POLYGON((9 56,9.1 56,9.1 56.1,9 56.1,9 56))\n",
    );
    let out = env.run(&["apply", "-vv", "--auto-approve", "o.yaml"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    for path in ["/api/tasking/orders/estimate", "/api/tasking/orders"] {
        assert!(out.stderr.contains(path), "no log line for {path}:\n{}", out.stderr);
    }
    assert!(
        !out.stderr.contains(key) && !out.stdout.contains(key),
        "the key leaked:\n{}",
        out.stderr
    );
    // Nothing listens on port 9: every retry fails at once, and need not wait.
    let fail = env.run_with_short_backoff(&[
        "--color",
        "never",
        "plan",
        "-vv",
        "--api-url",
        "http://127.0.0.1:9",
        "o.yaml",
    ]);
    assert!(!fail.stderr.contains(key), "{}", fail.stderr);
}
