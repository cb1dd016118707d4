//! The pending record as a file: read bounded like every file (a link to
//! `/dev/zero` or a FIFO, where the record or a committed legacy record would
//! be, is refused at once instead of filling memory or hanging), and the
//! legacy per-directory record of earlier versions read once and moved into
//! the machine's record.

use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::apply::{entry, manifest};
use crate::harness::{Env, Output, json};
use crate::pending_machine::{record, run_in};

/// Runs `skyform ARGS` in the test's directory; fails the test if it does
/// not end within 20 s (killing it).
fn run_bounded(env: &Env, args: &[&str]) -> Output {
    let mut child = env
        .command(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn skyform");
    let started = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if started.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("skyform {args:?} hung on the record");
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

#[cfg(unix)]
#[test]
fn a_record_that_is_a_link_to_dev_zero_or_a_fifo_is_refused_at_once() {
    let env = Env::new();
    env.write("o.yaml", &manifest(&[entry("a", 9.0, "")]));
    let machine = record(&env);
    std::fs::create_dir_all(machine.parent().unwrap()).unwrap();
    let legacy = env.path().join(".skyform/pending.json");
    std::fs::create_dir_all(legacy.parent().unwrap()).unwrap();
    for path in [&machine, &legacy] {
        std::os::unix::fs::symlink("/dev/zero", path).unwrap();
        for args in [&["plan", "o.yaml"][..], &["apply", "--auto-approve", "o.yaml"], &["pending"]]
        {
            let out = run_bounded(&env, args);
            assert_eq!(out.code, 1, "{args:?}: {}\n{}", out.stdout, out.stderr);
            assert!(
                out.stderr.contains("caused by: it is a device, not a regular file"),
                "{args:?}: {}",
                out.stderr
            );
        }
        std::fs::remove_file(path).unwrap();
        assert!(std::process::Command::new("mkfifo").arg(path).status().unwrap().success());
        let out = run_bounded(&env, &["apply", "--auto-approve", "o.yaml"]);
        assert_eq!(out.code, 1, "{}\n{}", out.stdout, out.stderr);
        assert!(
            out.stderr.contains("caused by: it is a FIFO (named pipe), not a regular file"),
            "{}",
            out.stderr
        );
        assert!(out.stderr.contains("hint: the record keeps creates"), "{}", out.stderr);
        std::fs::remove_file(path).unwrap();
    }
    assert!(env.emu.orders().is_empty(), "nothing is bought past a record it cannot read");
}

#[test]
fn a_record_of_an_unknown_format_version_is_refused() {
    let env = Env::new();
    env.write("o.yaml", &manifest(&[entry("a", 9.0, "")]));
    let path = record(&env);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, r#"{"format_version": 3, "items": []}"#).unwrap();
    let out = env.run(&["apply", "--auto-approve", "o.yaml"]);
    assert_eq!(out.code, 1, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("has `format_version` 3; this skyform reads version 2 only"));
    assert!(env.emu.orders().is_empty());
}

#[test]
fn a_legacy_record_in_the_working_directory_is_moved_to_the_machine_record() {
    let env = Env::new();
    env.write("one/o.yaml", &manifest(&[entry("a", 9.0, "")]));
    let plan = json(&run_in(&env, "one", &["plan", "--format", "json", "o.yaml"]));
    let change = &plan["changes"][0];
    // What an earlier version left after a create answered 500: an unknown outcome.
    let item = serde_json::json!({
        "entry": "a",
        "spec_digest": change["desired"]["spec_digest"],
        "guid": null,
        "request": change["request"],
        "recorded_at": chrono::Utc::now().to_rfc3339(),
    });
    let id = skyform::pending::legacy::account_id(&env.emu.url(), &env.emu.key());
    let legacy = serde_json::json!({ "format_version": 1, "accounts": { id: [item] } });
    env.write("one/.skyform/pending.json", &legacy.to_string());

    let read = run_in(&env, "one", &["plan", "--recheck-wait", "0.2", "o.yaml"]);
    assert_eq!(read.code, 0, "{}\n{}", read.stdout, read.stderr);
    assert!(read.stderr.contains("Read 1 order of this account from `.skyform/pending.json`"));
    assert!(env.path().join("one/.skyform/pending.json").exists(), "plan moves nothing");

    let out = run_in(&env, "one", &["apply", "--auto-approve", "--recheck-wait", "0.2", "o.yaml"]);
    assert_eq!(out.code, 5, "held, not bought: {}\n{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("Moving 1 order of this account from `.skyform/pending.json`"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("`a` is not bought again"), "{}", out.stderr);
    assert!(!env.path().join("one/.skyform/pending.json").exists(), "moved out");
    assert!(env.emu.orders().is_empty());
    let listed = run_in(&env, "elsewhere", &["pending"]);
    assert!(listed.stdout.contains("\n  a  outcome unknown  recorded "), "{}", listed.stdout);
}
