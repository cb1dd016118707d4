//! What a newcomer meets first: shell completions, the man page, `--help`
//! lines that match behaviour, and the emulator started by hand.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::skyform;
use crate::harness::{AARHUS_ENTRY, Env};

fn run(args: &[&str]) -> crate::harness::Output {
    skyform(Path::new("."), args)
}

#[test]
fn completions_are_produced_for_every_shell_and_know_the_commands() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = run(&["completions", shell]);
        assert_eq!(out.code, 0, "{shell}: {}", out.stderr);
        assert!(out.stdout.contains("plan"), "{shell} script does not mention `plan`");
        assert!(out.stdout.contains("auto-approve"), "{shell} script lacks apply's flags");
    }
    let out = run(&["completions", "tcsh"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
}

#[test]
fn the_man_page_is_roff_with_every_command() {
    let out = run(&["man"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.starts_with(".TH skyform 1"), "{}", &out.stdout[..200]);
    for cmd in ["VALIDATE", "PLAN", "APPLY", "ORDERS", "EXPORT", "SCHEMA", "EMULATOR"] {
        assert!(out.stdout.contains(&format!(".SH \"SKYFORM {cmd}\"")), "no section for {cmd}");
    }
}

#[test]
fn help_shows_only_the_flags_each_command_takes() {
    for cmd in ["validate", "schema", "emulator", "completions", "man"] {
        let out = run(&[cmd, "--help"]);
        assert!(!out.stdout.contains("--verbose"), "`{cmd} --help` offers -v:\n{}", out.stdout);
    }
    for cmd in ["plan", "apply", "orders", "export"] {
        let out = run(&[cmd, "--help"]);
        assert!(out.stdout.contains("--verbose"), "`{cmd} --help` lacks -v");
        assert!(out.stdout.contains("--now <TIME>"), "`{cmd} --help` hides --now");
    }
    let orders = run(&["orders", "--help"]);
    assert!(orders.stdout.contains("A Markdown table"), "{}", orders.stdout);
    assert!(!orders.stdout.contains("plan.schema.json"), "{}", orders.stdout);
    let apply = run(&["apply", "--help"]);
    assert!(apply.stdout.contains("then creates and cancels while"), "{}", apply.stdout);
}

#[test]
fn invalid_values_are_refused_and_a_mistyped_target_gets_a_suggestion() {
    let out = run(&["plan", "--concurrency", "0", "o.yaml"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("`--concurrency` must be at least 1"), "{}", out.stderr);

    let env = Env::new();
    env.write("o.yaml", &format!("orders:\n{AARHUS_ENTRY}"));
    let out = env.run(&["plan", "--target", "arhus-bay", "o.yaml"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("hint: did you mean `aarhus-bay`"), "{}", out.stderr);
}

#[test]
fn the_emulator_listens_on_a_free_loopback_port_and_stops_on_ctrl_c() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_skyform"))
        .args(["emulator", "--listen", ":0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the emulator");
    let mut url = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut url).unwrap();
    let url = url.trim();
    let port: u16 = url.strip_prefix("http://127.0.0.1:").and_then(|p| p.parse().ok()).unwrap_or(0);
    if port == 0 {
        let _ = child.kill();
        panic!("not a loopback URL with a port: `{url}`");
    }
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_ok(), "nothing listens on {url}");
    let kill = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(kill.success());
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        // Generous: a hang is the failure, not a slow machine.
        if started.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("the emulator did not stop on SIGINT");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(child.wait().unwrap().code(), Some(0));
}

#[test]
fn the_sandbox_says_what_it_does_with_its_state_and_an_earlier_clock() {
    let env = Env::new();
    env.write("o.yaml", &format!("orders:\n{AARHUS_ENTRY}"));
    let sandbox = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_skyform"))
            .args(args)
            .current_dir(env.path())
            .env("NO_COLOR", "1")
            .env_remove("SKYFORM_NOW")
            .env_remove("CLEARSKY_API_KEY")
            .env_remove("CLEARSKY_API_URL")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let state = ["--sandbox", "--sandbox-state", "deep/er/state.json"];
    let first = sandbox(&[&["plan"][..], &state, &["--now", "2025-05-02", "o.yaml"]].concat());
    assert!(first.contains("sandbox: created the directory `deep/er`"), "{first}");
    let again = sandbox(&[&["plan"][..], &state, &["--now", "2025-04-01", "o.yaml"]].concat());
    assert!(!again.contains("created the directory"), "{again}");
    assert!(
        again.contains("warning: `--now 2025-04-01T00:00:00+00:00` is before the sandbox clock"),
        "{again}"
    );
}
