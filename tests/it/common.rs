//! Shared helpers: run the binary, capture its output.

use std::path::Path;
use std::process::Command;

/// The outcome of one run of the binary.
#[derive(Debug)]
pub(crate) struct Output {
    pub(crate) stdout: String,
    pub(crate) stderr: String,
    pub(crate) code: i32,
}

/// Runs `skyform` with `args` in `dir`, without colour and without the user's API settings.
pub(crate) fn skyform(dir: &Path, args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_skyform"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CLEARSKY_API_KEY")
        .env_remove("CLEARSKY_API_URL")
        .env_remove("RUST_LOG")
        .output()
        .expect("run skyform");
    Output {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        code: out.status.code().unwrap_or(-1),
    }
}
