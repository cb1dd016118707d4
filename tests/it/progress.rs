//! Progress on a terminal, driven through a pseudo-terminal (util-linux
//! `script`): slow pricing and applying show what they are doing, and Ctrl-C
//! while planning says that nothing was changed.

use std::io::{Read, Write};
use std::process::{Child, ChildStdin, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clearsky_emulator::Fault;

use crate::apply::{entry, manifest};
use crate::harness::Env;

/// `skyform ARGS` on a terminal, its screen collected as it is drawn.
struct Screen {
    child: Child,
    stdin: ChildStdin,
    text: Arc<Mutex<Vec<u8>>>,
    reader: std::thread::JoinHandle<()>,
}

impl Screen {
    fn start(env: &Env, args: &str) -> Self {
        let bin = env!("CARGO_BIN_EXE_skyform");
        let mut child = std::process::Command::new("script")
            .args(["-q", "-e", "-c", &format!("'{bin}' {args}"), "/dev/null"])
            .current_dir(env.path())
            .envs(
                env.command(&[])
                    .get_envs()
                    .filter_map(|(k, v)| Some((k.to_owned(), v?.to_owned()))),
            )
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("script(1) from util-linux");
        let stdin = child.stdin.take().unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let text = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&text);
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stdout.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Self { child, stdin, text, reader }
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.text.lock().unwrap()).into_owned()
    }

    /// Waits until the screen shows `what`.
    fn wait_for(&mut self, what: &str) {
        let started = Instant::now();
        while !self.text().contains(what) {
            if started.elapsed() > Duration::from_secs(60)
                || self.child.try_wait().unwrap().is_some()
            {
                let _ = self.child.kill();
                panic!("the screen never showed `{what}`:\n{}", self.text());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits for the end; returns the exit code and the whole screen.
    fn finish(self) -> (i32, String) {
        let Self { mut child, stdin, text, reader } = self;
        let code = child.wait().unwrap().code().unwrap_or(-1);
        drop(stdin);
        // The reader thread drains what is left, up to the end of the pty.
        reader.join().expect("screen reader");
        let text = String::from_utf8_lossy(&text.lock().unwrap()).into_owned();
        (code, text)
    }
}

/// Two entries on an emulator whose first estimate and first create each
/// take `slow`: pricing and applying each take longer than the second
/// before progress shows ([`skyform::ui::DELAY`]).
fn slow_env(slow: Duration) -> Env {
    let env = Env::new();
    env.emu.script("POST", "/api/tasking/orders/estimate", vec![Fault::Latency(slow)]);
    env.emu.script("POST", "/api/tasking/orders", vec![Fault::Latency(slow)]);
    let entries: Vec<String> =
        (0..2).map(|i| entry(&format!("e{i}"), 9.0 + f64::from(i) * 0.2, "")).collect();
    env.write("o.yaml", &manifest(&entries));
    env
}

/// Long enough to be interrupted in: the test ends at the interrupt.
const MINUTE: Duration = Duration::from_secs(60);

#[test]
fn slow_pricing_and_applying_show_progress() {
    let env = slow_env(skyform::ui::DELAY + Duration::from_millis(500));
    let mut screen = Screen::start(&env, "apply --auto-approve --concurrency 1 o.yaml");
    screen.wait_for("Pricing");
    screen.wait_for("changes: creating `e");
    let (code, text) = screen.finish();
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("Apply complete: 2 changes made."), "{text}");
}

#[test]
fn ctrl_c_while_planning_says_nothing_was_changed() {
    let env = slow_env(MINUTE);
    let mut screen = Screen::start(&env, "apply --auto-approve --concurrency 1 o.yaml");
    screen.wait_for("Pricing");
    screen.stdin.write_all(b"\x03").unwrap();
    screen.stdin.flush().unwrap();
    let (code, text) = screen.finish();
    assert_eq!(code, 130, "{text}");
    assert!(text.contains("Interrupted: exiting; no order was created or cancelled."), "{text}");
    assert!(env.emu.orders().is_empty());
}

#[test]
fn ctrl_c_while_planning_a_plan_exits_130_saying_so() {
    let env = slow_env(MINUTE);
    let mut screen = Screen::start(&env, "plan --concurrency 1 o.yaml");
    screen.wait_for("Pricing");
    screen.stdin.write_all(b"\x03").unwrap();
    screen.stdin.flush().unwrap();
    let (code, text) = screen.finish();
    assert_eq!(code, 130, "{text}");
    assert!(text.contains("Interrupted: exiting; no order was created or cancelled."), "{text}");
}
