//! The one helper module of the integration tests: run the real binary and
//! capture its output ([`skyform`], [`Output`]), or show it as one snapshot
//! ([`CommandOutput`]), a test environment of a temporary directory with
//! manifests and an in-process emulator ([`Env`]), and `skyform emulator` as
//! a child process ([`EmulatorProcess`]).

use std::path::{Path, PathBuf};
use std::process::Command;

use clearsky::api::types::TaskOrder;
use clearsky_emulator::{self as emulator, Config, Handle};

/// The docs' Aarhus bay polygon as one recurring manifest entry.
pub(crate) const AARHUS_ENTRY: &str = "  - name: aarhus-bay
    Model: Stratus2
    SatelliteConstellations: [Sentinel1, Sentinel2, Landsat89]
    StorageMonths: 1
    ApiRequests: 1
    ImageFrequency: 3
    ReferenceDate: 2025-01-01
    Wkt: POLYGON((9.87 56.47,10.19 56.47,10.19 56.28,9.87 56.28,9.87 56.47))
    From: 2025-04-01
";

/// A temp dir and an emulator; both go away when dropped.
pub(crate) struct Env {
    pub(crate) dir: tempfile::TempDir,
    pub(crate) emu: Handle,
}

impl Env {
    /// An emulator with auto-accept off (new orders stay in `Review`).
    pub(crate) fn new() -> Self {
        Self::with(Config::default())
    }

    /// An emulator with this configuration.
    pub(crate) fn with(config: Config) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let emu = emulator::spawn(config).expect("spawn emulator");
        Self { dir, emu }
    }

    /// The temp dir.
    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file under the temp dir (creating directories).
    pub(crate) fn write(&self, rel: &str, contents: &str) -> PathBuf {
        let path = self.dir.path().join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&path, contents).expect("write");
        path
    }

    /// Copies the repository's `examples/` into the temp dir as `examples/`.
    pub(crate) fn copy_examples(&self) {
        copy_dir(&repo().join("examples"), &self.dir.path().join("examples"));
    }

    /// Runs `skyform ARGS` against the emulator (its URL, key and clock).
    pub(crate) fn run(&self, args: &[&str]) -> Output {
        Output::of(&mut self.command(args))
    }

    /// Runs `skyform ARGS` like [`Env::run`], with the client's retry backoff
    /// cut to 1 ms ([`skyform::settings::environment::TEST_BACKOFF_ENV`]): for tests whose
    /// faults are injected, where real backoffs would only be slept through.
    pub(crate) fn run_with_short_backoff(&self, args: &[&str]) -> Output {
        Output::of(self.command(args).env(skyform::settings::environment::TEST_BACKOFF_ENV, "1"))
    }

    /// Runs `skyform ARGS` like [`Env::run`], for a snapshot: the emulator's
    /// port and the temp dir are filtered out.
    pub(crate) fn snapshot(&self, args: &[&str]) -> CommandOutput {
        let addr = self.emu.addr().to_string();
        let shown = format!("{}:[PORT]", self.emu.addr().ip());
        CommandOutput::new(self.run(args), self.path(), &[(addr.as_str(), shown.as_str())])
    }

    /// The command `run` would execute, to spawn it differently.
    pub(crate) fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_skyform"));
        cmd.args(args)
            .current_dir(self.dir.path())
            .env("NO_COLOR", "1")
            .env("CLEARSKY_API_KEY", self.emu.key())
            .env("CLEARSKY_API_URL", self.emu.url())
            .env("SKYFORM_NOW", self.emu.now().to_rfc3339())
            // Faults here are injected, not slow lists: a short re-check keeps the tests quick.
            .env("SKYFORM_RECHECK_WAIT", "2")
            // Runs of one test share a lock; no lock files are left in the machine's temp dir.
            .env(skyform::lock::DIR_ENV, self.dir.path().join(".locks"))
            .env_remove("SKYFORM_BASE")
            .env_remove("RUST_LOG");
        cmd
    }

    /// Orders the emulator holds that are not cancelled.
    pub(crate) fn live(&self) -> Vec<TaskOrder> {
        self.emu.orders().into_iter().filter(|o| !o.ordering_process_status.is_canceled()).collect()
    }
}

/// Creates and cancels the emulator received: what could spend or refund money.
pub(crate) fn spending_calls(env: &Env) -> usize {
    env.emu
        .calls()
        .iter()
        .filter(|(method, path, _)| {
            (method == "POST" && path == "/api/tasking/orders") || method == "DELETE"
        })
        .count()
}

/// The repository root.
pub(crate) fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

/// Parses stdout as JSON.
pub(crate) fn json(out: &Output) -> serde_json::Value {
    serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}\n{}", out.stdout, out.stderr))
}

/// The `action` of every change in a `plan --format json` document, by name or GUID.
pub(crate) fn actions(doc: &serde_json::Value) -> Vec<(String, String)> {
    doc["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| {
            let who = c["name"]
                .as_str()
                .map(str::to_owned)
                .or_else(|| c["live"]["guid"].as_str().map(str::to_owned))
                .unwrap_or_default();
            (who, c["action"].as_str().unwrap_or_default().to_owned())
        })
        .collect()
}

/// The outcome of one run of the binary.
#[derive(Debug)]
pub(crate) struct Output {
    pub(crate) stdout: String,
    pub(crate) stderr: String,
    pub(crate) code: i32,
}

impl Output {
    /// Runs `cmd` to its end.
    fn of(cmd: &mut Command) -> Self {
        let out = cmd.output().expect("run skyform");
        Self {
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            code: out.status.code().unwrap_or(-1),
        }
    }
}

/// One run of the binary as a snapshot shows it (jj's `CommandOutput`):
/// stdout, then `--- stderr ---` and stderr when there is any, then
/// `[exit status: N]`, with the temp dir shown as `[TEMP]` and other
/// run-specific text (the emulator's port) filtered out. Compare it with
/// `insta::assert_snapshot!(output, @"…")`.
#[derive(Debug)]
pub(crate) struct CommandOutput {
    /// Stdout, filtered.
    pub(crate) stdout: String,
    /// Stderr, filtered.
    pub(crate) stderr: String,
    /// The exit status.
    pub(crate) code: i32,
}

impl CommandOutput {
    /// Filters `out`: `dir` (as given and canonical) becomes `[TEMP]`, then
    /// each `(from, to)` of `filters` is replaced.
    pub(crate) fn new(out: Output, dir: &Path, filters: &[(&str, &str)]) -> Self {
        let mut dirs = vec![dir.display().to_string()];
        if let Ok(canonical) = dir.canonicalize() {
            dirs.insert(0, canonical.display().to_string());
        }
        let filter = |text: String| {
            let mut text = dirs.iter().fold(text, |t, d| t.replace(d.as_str(), "[TEMP]"));
            for (from, to) in filters {
                text = text.replace(from, to);
            }
            text
        };
        Self { stdout: filter(out.stdout), stderr: filter(out.stderr), code: out.code }
    }
}

impl std::fmt::Display for CommandOutput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let line = |text: &str| if text.is_empty() || text.ends_with('\n') { "" } else { "\n" };
        write!(f, "{}{}", self.stdout, line(&self.stdout))?;
        if !self.stderr.is_empty() {
            write!(f, "--- stderr ---\n{}{}", self.stderr, line(&self.stderr))?;
        }
        write!(f, "[exit status: {}]", self.code)
    }
}

/// Runs `skyform` with `args` in `dir`, without colour and without the user's API settings.
pub(crate) fn skyform(dir: &Path, args: &[&str]) -> Output {
    Output::of(
        Command::new(env!("CARGO_BIN_EXE_skyform"))
            .args(args)
            .current_dir(dir)
            .env("NO_COLOR", "1")
            .env_remove("CLEARSKY_API_KEY")
            .env_remove("CLEARSKY_API_URL")
            .env_remove("RUST_LOG"),
    )
}

/// A `skyform emulator` child process on a free loopback port, killed when dropped.
pub(crate) struct EmulatorProcess {
    child: std::process::Child,
    /// The base URL it printed.
    pub(crate) url: String,
}

impl EmulatorProcess {
    /// Starts `skyform emulator --listen 127.0.0.1:0 ARGS…` in `dir` and reads
    /// the URL it prints first.
    pub(crate) fn start(args: &[&str], dir: &Path) -> Self {
        use std::io::{BufRead, BufReader};
        let mut child = Command::new(env!("CARGO_BIN_EXE_skyform"))
            .args(["emulator", "--listen", "127.0.0.1:0"])
            .args(args)
            .current_dir(dir)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start skyform emulator");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("url");
        Self { child, url: line.trim().to_owned() }
    }
}

impl Drop for EmulatorProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A tile entry `name` ordering `guids` with Stratus-2 on its three
/// constellations, one storage month and one download, and `fields` (its
/// cadence and period: `("ImageFrequency", "3")`, `("From", "2025-04-01")`, …).
pub(crate) fn tile_entry(name: &str, guids: &[String], fields: &[(&str, &str)]) -> String {
    use std::fmt::Write as _;
    let mut s = format!(
        "  - name: {name}
    Model: Stratus2
    SatelliteConstellations: [Sentinel1, Sentinel2, Landsat89]
    StorageMonths: 1
    ApiRequests: 1
    TileGuids: [{}]
",
        guids.join(", ")
    );
    for (key, value) in fields {
        let _ = writeln!(s, "    {key}: {value}");
    }
    s
}
