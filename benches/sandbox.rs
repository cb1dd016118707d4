//! `apply --sandbox` of many orders (state file, lock, writer thread) against
//! the same apply on an in-process emulator without a state file: the state
//! file must cost at most 3× (issue 10). Runs the real binary; each sample
//! starts from an empty account.

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

use clearsky_emulator::{self as emulator, Config};

fn main() {
    divan::main();
}

const SIZES: [usize; 2] = [200, 1000];

/// A manifest of `n` recurring orders, each a distinct 0.1° square.
fn manifest(dir: &Path, n: usize) -> std::path::PathBuf {
    let mut text = String::from(
        "defaults:\n  Model: Stratus2\n  SatelliteConstellations: [Sentinel1, Sentinel2, Landsat89]\n  StorageMonths: 1\n  ApiRequests: 1\n  ImageFrequency: 3\n  From: 2025-04-01\norders:\n",
    );
    for i in 0..n {
        #[allow(clippy::cast_precision_loss)]
        let (lon, lat) = (-170.0 + (i % 300) as f64 * 0.5, -60.0 + (i / 300) as f64);
        let (lon2, lat2) = (lon + 0.1, lat + 0.1);
        let _ = writeln!(
            text,
            "  - name: o{i}\n    Wkt: POLYGON(({lon} {lat},{lon2} {lat},{lon2} {lat2},{lon} {lat2},{lon} {lat}))"
        );
    }
    let path = dir.join("orders.yaml");
    std::fs::write(&path, text).expect("write manifest");
    path
}

fn skyform(dir: &Path, args: &[&str], env: &[(&str, &str)]) {
    let status = Command::new(env!("CARGO_BIN_EXE_skyform"))
        .args(args)
        .current_dir(dir)
        .envs(env.iter().copied())
        .env_remove("SKYFORM_NOW")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("run skyform");
    assert!(status.success(), "skyform {args:?} failed");
}

#[divan::bench(args = SIZES, sample_count = 3, sample_size = 1)]
fn apply_sandbox_with_state(bencher: divan::Bencher<'_, '_>, n: usize) {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = manifest(dir.path(), n);
    let file = file.to_str().expect("utf-8 path");
    bencher.with_inputs(|| tempfile::tempdir_in(dir.path()).expect("temp dir")).bench_refs(
        |state| {
            let state = state.path().join("state.json");
            let args = [
                "apply",
                "--sandbox",
                "--sandbox-state",
                state.to_str().unwrap(),
                "--auto-approve",
                file,
            ];
            skyform(dir.path(), &args, &[]);
        },
    );
}

#[divan::bench(args = SIZES, sample_count = 3, sample_size = 1)]
fn apply_emulator_without_state(bencher: divan::Bencher<'_, '_>, n: usize) {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = manifest(dir.path(), n);
    let file = file.to_str().expect("utf-8 path");
    let config = || Config {
        api_keys: vec!["sandbox".to_owned()],
        auto_accept: true,
        balance_eur: 1_000_000.0,
        ..Config::default()
    };
    bencher.with_inputs(|| emulator::spawn(config()).expect("spawn")).bench_refs(|emu| {
        let (url, now) = (emu.url(), emu.now().to_rfc3339());
        let args = ["apply", "--api-url", &url, "--now", &now, "--auto-approve", file];
        skyform(dir.path(), &args, &[("CLEARSKY_API_KEY", "sandbox")]);
    });
}
