//! The README walk-through, verbatim: every command of its `sh` blocks that
//! needs no API key (validate, schema, the sandbox, completions, the man page)
//! runs in a temporary copy of the examples and exits as the README says.
//! Also: the README's example manifest is valid and within its own budget, its
//! emulator command starts an emulator, and every file the README and `docs/`
//! link to is in the repository.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::{Env, repo};

fn readme() -> String {
    std::fs::read_to_string(repo().join("README.md")).expect("README.md")
}

/// The fenced blocks of `text` in `lang`, in order.
fn blocks<'a>(text: &'a str, lang: &str) -> Vec<&'a str> {
    text.split("```")
        .skip(1)
        .step_by(2)
        .filter_map(|b| b.strip_prefix(lang).and_then(|b| b.strip_prefix('\n')))
        .collect()
}

/// A README line as the arguments of `skyform`, when it is a skyform command
/// that needs no API key; `None` for any other line (cargo, curl, export, a
/// pipe, a command that talks to the real API). A redirect is dropped: the
/// test reads the output instead of writing to the home directory.
fn keyless_command(line: &str) -> Option<Vec<String>> {
    let line = line.split(" #").next()?.trim();
    let line =
        line.strip_prefix("cargo run --release -- ").or_else(|| line.strip_prefix("skyform "))?;
    let line = line.split(" >").next()?.trim();
    if line.contains(['|', '$', '"', '\'']) {
        return None;
    }
    let args: Vec<String> = line.split_whitespace().map(str::to_owned).collect();
    let keyless = matches!(args[0].as_str(), "validate" | "schema" | "completions" | "man");
    (keyless || args.iter().any(|a| a == "--sandbox")).then_some(args)
}

/// Runs `skyform ARGS` in `dir` with no API settings at all.
fn run_keyless(dir: &Path, args: &[String]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_skyform"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("HOME", dir)
        .env_remove("CLEARSKY_API_KEY")
        .env_remove("CLEARSKY_API_URL")
        .env_remove("SKYFORM_NOW")
        .env_remove("RUST_LOG")
        .output()
        .expect("run skyform")
}

#[test]
fn every_keyless_command_of_the_readme_runs_and_exits_0() {
    let env = Env::new();
    env.copy_examples();
    let text = readme();
    let mut ran = Vec::new();
    for block in blocks(&text, "sh") {
        for line in block.lines() {
            let Some(args) = keyless_command(line) else { continue };
            let out = run_keyless(env.path(), &args);
            assert_eq!(
                out.status.code(),
                Some(0),
                "README command `{line}`:\n{}\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            ran.push(args[0].clone());
        }
    }
    for cmd in ["apply", "validate", "plan", "completions", "man"] {
        assert!(ran.iter().any(|r| r == cmd), "no README command `{cmd}` ran: {ran:?}");
    }
    // The quick start's promise: after the sandbox apply, a plan has nothing to do.
    let args: Vec<String> =
        ["plan", "--sandbox", "--detailed-exitcode", "examples/"].map(str::to_owned).to_vec();
    let out = run_keyless(env.path(), &args);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("No changes."));
}

#[test]
fn the_readme_manifest_is_valid_and_within_its_own_budget() {
    let env = Env::new();
    let text = readme();
    let manifest = blocks(&text, "yaml")
        .into_iter()
        .find(|b| b.contains("orders:") && b.contains("budget:"))
        .expect("the README's example manifest");
    env.write("orders/denmark.yaml", manifest);
    let aoi = std::fs::read_to_string(repo().join("examples/aois/silkeborg.geojson")).unwrap();
    env.write("orders/aois/silkeborg.geojson", &aoi);
    for args in [vec!["validate", "orders/"], vec!["plan", "--sandbox", "orders/"]] {
        let args: Vec<String> = args.into_iter().map(str::to_owned).collect();
        let out = run_keyless(env.path(), &args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn the_readme_emulator_command_serves_its_clock() {
    let text = readme();
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("    skyform emulator "))
        .expect("the README's emulator command");
    let mut args: Vec<&str> = vec!["emulator"];
    let mut words = line.split_whitespace();
    while let Some(w) = words.next() {
        args.push(w);
        if w == "--listen" {
            // Any free port: the README's 8080 may be taken on a shared machine.
            words.next();
            args.push(":0");
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_skyform"))
        .args(&args)
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the emulator");
    let mut url = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut url).unwrap();
    let clock =
        tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(
            async {
                let resp = reqwest::get(format!("{}/_emulator/clock", url.trim())).await?;
                resp.text().await
            },
        );
    let _ = Command::new("kill").args(["-INT", &child.id().to_string()]).status();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() && started.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let status = child.try_wait().unwrap();
    if status.is_none() {
        let _ = child.kill();
    }
    let clock = clock.unwrap_or_else(|e| panic!("GET {url}/_emulator/clock: {e}"));
    assert!(
        clock.contains("2025-04-10"),
        "the README's `--now 2025-04-10` is not the clock: {clock}"
    );
    assert_eq!(status.and_then(|s| s.code()), Some(0), "the emulator did not stop on Ctrl-C");
    assert!(dir.path().join("emu.json").is_file(), "`--state emu.json` wrote no state");
}

#[test]
fn every_file_the_readme_and_docs_link_to_exists() {
    let root = repo();
    let mut docs = vec![root.join("README.md")];
    let mut dirs = vec![root.join("docs")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() { dirs.push(path) } else { docs.push(path) }
        }
    }
    for doc in docs {
        let text = std::fs::read_to_string(&doc).unwrap();
        for target in text.split("](").skip(1).filter_map(|t| t.split(')').next()) {
            let path = target.split('#').next().unwrap_or_default();
            if path.is_empty() || path.contains("://") {
                continue;
            }
            let file = doc.parent().unwrap().join(path);
            assert!(
                file.exists(),
                "{} links to `{target}`, which is not in the repository",
                doc.display()
            );
        }
        assert!(
            !text.contains("`design.md`"),
            "{} cites `design.md`, which is not in the repository",
            doc.display()
        );
    }
}
