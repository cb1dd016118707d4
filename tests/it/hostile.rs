//! Hostile input: files that are not what they claim (FIFOs, devices, links to
//! nothing, loops, sparse giants), out-of-range flags and environment
//! variables, geometry that would bill absurdly, and concurrent sandbox runs.
//! Each case must end in a clear error or warning, never a panic (exit 101)
//! or a hang: every run has a deadline and is killed past it.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::AARHUS_ENTRY;
use crate::harness::Output;

/// Longest a hostile case may take before it counts as a hang.
const DEADLINE: Duration = Duration::from_secs(20);

/// Runs `skyform ARGS` in `dir` with `env`, killed past [`DEADLINE`].
pub(crate) fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_skyform"));
    cmd.args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CLEARSKY_API_URL")
        .env_remove("RUST_LOG")
        .env_remove("SKYFORM_NOW")
        .env_remove("SKYFORM_RECHECK_WAIT")
        .env("CLEARSKY_API_KEY", "k")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("run skyform");
    let started = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if started.elapsed() > DEADLINE {
            let _ = child.kill();
            panic!("`skyform {}` hung (killed after {DEADLINE:?})", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().expect("output");
    Output {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        code: out.status.code().unwrap_or(-1),
    }
}

/// Asserts a clean failure (exit 1, no panic) whose stderr contains `want`.
fn refused(out: &Output, want: &str, what: &str) {
    assert!(!out.stderr.contains("panicked"), "{what}: panicked\n{}", out.stderr);
    assert_eq!(out.code, 1, "{what}: exit {}\n{}{}", out.code, out.stdout, out.stderr);
    assert!(out.stderr.contains(want), "{what}: stderr lacks {want:?}\n{}", out.stderr);
}

/// A valid manifest of one Aarhus entry, with its AOI line replaced by `aoi`.
pub(crate) fn manifest_with(name: &str, aoi: &str) -> String {
    let entry = AARHUS_ENTRY.replace("aarhus-bay", name);
    let wkt = entry.lines().find(|l| l.trim_start().starts_with("Wkt:")).unwrap().to_owned();
    format!("orders:\n{}", entry.replace(&wkt, &format!("    {aoi}")))
}

#[test]
fn oversized_and_special_files_are_refused_before_they_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Sparse files: the size is there, the disk blocks are not.
    let sparse = |name: &str, len: u64| {
        std::fs::File::create(d.join(name)).unwrap().set_len(len).unwrap();
    };
    sparse("giant.yaml", 2 << 30);
    sparse("huge.wkt", (256 << 20) + 1);
    sparse("key", 4097);
    sparse("plan.json", (64 << 20) + 1);
    std::fs::write(d.join("aoi.yaml"), manifest_with("a", "WktFile: huge.wkt")).unwrap();
    std::fs::write(d.join("ok.yaml"), format!("orders:\n{AARHUS_ENTRY}")).unwrap();
    let cases: &[(&[&str], &str)] = &[
        (
            &["validate", "giant.yaml"],
            "larger than 64 MiB (at least 2 GiB), the limit for a manifest",
        ),
        (
            &["validate", "aoi.yaml"],
            "larger than 256 MiB (at least 256 MiB), the limit for an AOI file",
        ),
        (&["plan", "--api-key-file", "key", "ok.yaml"], "the limit for an API key file"),
        (&["apply", "--auto-approve", "--plan", "plan.json"], "the limit for a saved plan"),
        (&["validate", "."], "./giant.yaml: cannot read the file: it is larger than 64 MiB"),
    ];
    for (args, want) in cases {
        refused(&run(d, args, &[]), want, &args.join(" "));
    }
}

#[cfg(unix)]
#[test]
fn devices_and_fifos_are_refused_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let fifo = |name: &str| {
        let ok = Command::new("mkfifo").arg(d.join(name)).status().unwrap().success();
        assert!(ok, "mkfifo {name}");
    };
    fifo("pipe.yaml");
    fifo("pipe.wkt");
    std::fs::write(d.join("fifo-aoi.yaml"), manifest_with("a", "WktFile: pipe.wkt")).unwrap();
    std::fs::write(d.join("zero-aoi.yaml"), manifest_with("a", "GeoJsonFile: /dev/zero")).unwrap();
    std::fs::write(d.join("ok.yaml"), format!("orders:\n{AARHUS_ENTRY}")).unwrap();
    let fifo_msg = "it is a FIFO (named pipe), not a regular file";
    let device = "it is a device, not a regular file";
    let cases: &[(&[&str], &str)] = &[
        (&["validate", "pipe.yaml"], fifo_msg),
        (&["validate", "fifo-aoi.yaml"], fifo_msg),
        (&["validate", "/dev/zero"], device),
        (&["validate", "zero-aoi.yaml"], device),
        (&["plan", "--api-key-file", "/dev/zero", "ok.yaml"], device),
        (&["plan", "--api-key-file", "pipe.wkt", "ok.yaml"], fifo_msg),
        (&["apply", "--auto-approve", "--plan", "/dev/zero"], device),
        (&["validate", "."], "pipe.yaml"),
    ];
    for (args, want) in cases {
        refused(&run(d, args, &[]), want, &args.join(" "));
    }
}

#[cfg(unix)]
#[test]
fn a_directory_with_unreadable_manifests_is_refused_by_validate_plan_and_prune() {
    let dir = tempfile::tempdir().unwrap();
    let orders = dir.path().join("orders");
    std::fs::create_dir(&orders).unwrap();
    std::fs::write(orders.join("good.YML"), format!("orders:\n{AARHUS_ENTRY}")).unwrap();
    std::os::unix::fs::symlink(orders.join("gone.yaml"), orders.join("dangling.yaml")).unwrap();
    std::os::unix::fs::symlink(orders.join("loop-b.yaml"), orders.join("loop-a.yaml")).unwrap();
    std::os::unix::fs::symlink(orders.join("loop-a.yaml"), orders.join("loop-b.yaml")).unwrap();
    assert!(Command::new("mkfifo").arg(orders.join("pipe.yml")).status().unwrap().success());
    let state = dir.path().join("state.json");
    let state = state.to_str().unwrap();
    let prune = ["apply", "--sandbox", "--sandbox-state", state, "--prune", "--auto-approve"];
    for args in [&["validate"][..], &["plan", "--sandbox", "--sandbox-state", state], &prune] {
        let mut args = args.to_vec();
        args.push("orders");
        let out = run(dir.path(), &args, &[]);
        let what = args.join(" ");
        refused(
            &out,
            "orders/dangling.yaml: cannot read the file: it is a symbolic link to a missing file",
            &what,
        );
        refused(
            &out,
            "orders/loop-a.yaml: cannot read the file: too many levels of symbolic links",
            &what,
        );
        refused(&out, "orders/pipe.yml: cannot read the file: it is a FIFO (named pipe)", &what);
        refused(&out, "error: 4 problems found in the manifests", &what);
    }
    // Nothing was bought or cancelled: the sandbox was never reached.
    assert!(!dir.path().join("state.json").exists());
    let out = run(dir.path(), &["validate", "orders/good.YML"], &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
}

/// Arguments, environment, and what stderr must say.
type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], &'a str);

#[test]
fn out_of_range_flags_and_variables_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("ok.yaml"), format!("orders:\n{AARHUS_ENTRY}")).unwrap();
    let cases: &[Case] = &[
        (
            &["apply", "--auto-approve", "--recheck-wait", "1e300", "ok.yaml"],
            &[],
            "`--recheck-wait` must be at most 86400",
        ),
        (
            &["apply", "--auto-approve", "ok.yaml"],
            &[("SKYFORM_RECHECK_WAIT", "1e20")],
            "`--recheck-wait` must be at most 86400",
        ),
        (
            &["plan", "--timeout", "18446744073709551615", "ok.yaml"],
            &[],
            "`--timeout` must be at most 86400",
        ),
        (
            &["plan", "--connect-timeout", "NaN", "ok.yaml"],
            &[],
            "`--connect-timeout` must be a positive",
        ),
        (
            &["apply", "--auto-approve", "--max-plan-age", "99999999999999999999d", "--plan", "p"],
            &[],
            "is too long",
        ),
        (
            &["plan", "--sandbox", "--sandbox-state", "s.json", "--now", "9999-01-01", "ok.yaml"],
            &[],
            "the clock must stay between 2000-01-01 and 2099-12-31",
        ),
        (
            &["plan", "--api-url", "https://me:hunter2@api.example.com/?token=t0k", "ok.yaml"],
            &[],
            "`https://***@api.example.com/?…`",
        ),
    ];
    for (args, env, want) in cases {
        let out = run(d, args, env);
        refused(&out, want, &args.join(" "));
        assert!(!out.stderr.contains("hunter2") && !out.stderr.contains("t0k"), "{}", out.stderr);
    }
}

#[test]
fn geometry_that_would_bill_absurdly_is_refused_or_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let write =
        |name: &str, aoi: &str| std::fs::write(d.join(name), manifest_with("g", aoi)).unwrap();
    write(
        "dateline.yaml",
        "Wkt: POLYGON((179.9 -17,-179.9 -17,-179.9 -16.8,179.9 -16.8,179.9 -17))",
    );
    write("eight.yaml", "Wkt: POLYGON((9 56,9.2 56.2,9.4 56,9 56.1,9 56))");
    write("thin.yaml", "Wkt: POLYGON((9 56,9.001 56,9.001 56.1,9 56.1,9 56))");
    let out = run(d, &["validate", "dateline.yaml"], &[]);
    refused(&out, "spans 359.8° of longitude in polygon 1", "dateline");
    refused(&out, "split it at 180°", "dateline");
    let out = run(d, &["validate", "eight.yaml"], &[]);
    refused(&out, "has a ring that crosses itself in polygon 1: edges 1 and 3 meet at", "eight");
    let out = run(d, &["validate", "thin.yaml"], &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("valid"), "{}", out.stdout);
    assert!(
        out.stderr.contains("warning: `Wkt`: AOI 1 would be refused under the newer area rule"),
        "{}",
        out.stderr
    );
}

/// YAML-shaped manifests: the manifest's own keys with values of any shape,
/// written as block YAML or as JSON (a YAML flow document).
fn manifest_doc() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    use serde_json::Value;
    let key = prop_oneof![
        Just("orders"),
        Just("defaults"),
        Just("budget"),
        Just("name"),
        Just("Model"),
        Just("Wkt"),
        Just("GeoJson"),
        Just("WktFile"),
        Just("TileGuids"),
        Just("From"),
        Just("To"),
        Just("StorageMonths"),
        Just("ImageFrequency"),
        Just("ensure"),
        Just("max_monthly"),
    ]
    .prop_map(str::to_owned);
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        "[ -~]{0,30}".prop_map(Value::from),
        Just(Value::from("POLYGON((0 0,1 0,1 1,0 0))")),
        Just(Value::from("POLYGON((179 0,-179 0,-179 1,179 0))")),
        Just(Value::from("2025-04-01")),
        Just(Value::from("/dev/zero")),
    ];
    let value = leaf.prop_recursive(4, 40, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map(key.clone(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    });
    (value, any::<bool>()).prop_map(|(v, block)| {
        let json = serde_json::to_string(&v).unwrap_or_default();
        if block { to_block_yaml(&v, 0) } else { json }
    })
}

/// A JSON value as block-style YAML (strings quoted as JSON, which YAML reads).
fn to_block_yaml(v: &serde_json::Value, indent: usize) -> String {
    use serde_json::Value;
    let pad = " ".repeat(indent);
    match v {
        Value::Object(m) if !m.is_empty() => m
            .iter()
            .map(|(k, v)| match v {
                Value::Object(o) if !o.is_empty() => {
                    format!("{pad}{k}:\n{}", to_block_yaml(v, indent + 2))
                }
                Value::Array(a) if !a.is_empty() => {
                    format!("{pad}{k}:\n{}", to_block_yaml(v, indent + 2))
                }
                _ => format!("{pad}{k}: {v}\n"),
            })
            .collect(),
        Value::Array(a) if !a.is_empty() => a
            .iter()
            .map(|v| match v {
                Value::Object(o) if !o.is_empty() => {
                    let inner = to_block_yaml(v, indent + 2);
                    format!("{pad}- {}\n", inner.trim_start().trim_end_matches('\n'))
                }
                _ => format!("{pad}- {v}\n"),
            })
            .collect(),
        other => format!("{pad}{other}\n"),
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(96))]

    #[test]
    fn yaml_shaped_manifests_never_panic(doc in manifest_doc()) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.yaml");
        std::fs::write(&path, &doc).unwrap();
        // Either outcome is fine; a panic fails the property.
        let _ = skyform::manifest::load_all(&[path]);
    }
}
