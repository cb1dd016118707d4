//! Loads and validates a generated manifest of 10,000 orders, each with a
//! 100-vertex polygon (target: under 1 s on one core), and refuses an alias bomb.
//!
//! Run with `cargo bench --bench manifest`. Before divan's table it prints the
//! size of the generated YAML, the time of a first load, and the process's peak
//! resident memory before and after that load (Linux `VmHWM`).

#![allow(clippy::cast_precision_loss)]

use std::fmt::Write as _;
use std::path::PathBuf;

const ORDERS: usize = 10_000;
const VERTICES: usize = 100;

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let manifest = dir.path().join("big.yaml");
    let text = generate();
    std::fs::write(&manifest, &text).expect("write manifest");
    let bomb = dir.path().join("bomb.yaml");
    std::fs::write(&bomb, alias_bomb()).expect("write bomb");
    drop(text);

    // One load first, for the peak-memory figure (before divan adds its own).
    let before = peak_rss_kib();
    let start = std::time::Instant::now();
    let set = skyform::manifest::load(std::slice::from_ref(&manifest)).expect("valid manifest");
    let elapsed = start.elapsed();
    let after = peak_rss_kib();
    assert_eq!(set.orders.len(), ORDERS);
    drop(set);
    let size = std::fs::metadata(&manifest).map_or(0, |m| m.len());
    let report = format!(
        "manifest: {ORDERS} orders x {VERTICES}-vertex polygons, {:.1} MB of YAML\n\
         first load: {:.0} ms; peak RSS before {} MiB, after {} MiB (load added {} MiB)\n",
        size as f64 / 1e6,
        elapsed.as_secs_f64() * 1e3,
        before / 1024,
        after / 1024,
        after.saturating_sub(before) / 1024,
    );
    std::io::Write::write_all(&mut std::io::stderr(), report.as_bytes()).ok();

    PATHS.set((manifest, bomb)).ok();
    divan::main();
}

static PATHS: std::sync::OnceLock<(PathBuf, PathBuf)> = std::sync::OnceLock::new();

#[divan::bench(sample_count = 10, sample_size = 1)]
fn load_10k_orders() -> usize {
    let (manifest, _) = PATHS.get().expect("paths");
    skyform::manifest::load(std::slice::from_ref(manifest)).map_or(0, |s| s.orders.len())
}

#[divan::bench(sample_count = 20, sample_size = 1)]
fn refuse_alias_bomb() -> bool {
    let (_, bomb) = PATHS.get().expect("paths");
    skyform::manifest::load(std::slice::from_ref(bomb)).is_err()
}

/// A manifest with `defaults` and 10,000 distinct recurring polygon orders.
fn generate() -> String {
    let mut s = String::from(
        "defaults:\n  Model: Stratus2\n  SatelliteConstellations: [Sentinel1, Sentinel2, Landsat89]\n  StorageMonths: 1\n  ApiRequests: 1\n  ImageFrequency: 3\n  From: 2025-04-01\norders:\n",
    );
    for i in 0..ORDERS {
        let (cx, cy) = (-170.0 + (i % 340) as f64, -60.0 + (i / 340) as f64 * 3.5);
        let _ = write!(s, "  - name: field-{i}\n    Wkt: POLYGON((");
        for v in 0..=VERTICES {
            let a = (v % VERTICES) as f64 / VERTICES as f64 * std::f64::consts::TAU;
            let sep = if v == 0 { "" } else { "," };
            let _ = write!(s, "{sep}{:.6} {:.6}", cx + 0.05 * a.cos(), cy + 0.05 * a.sin());
        }
        s.push_str("))\n");
    }
    s
}

/// A billion-laughs document.
fn alias_bomb() -> String {
    let mut text = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..=9 {
        let prev = format!("*a{}", i - 1);
        let _ = writeln!(text, "a{i}: &a{i} [{}]", [prev.as_str(); 9].join(", "));
    }
    text.push_str("orders: *a9\n");
    text
}

/// Peak resident set size of this process in KiB (0 where `/proc` is missing).
fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
        })
        .unwrap_or(0)
}
