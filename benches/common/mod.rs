//! What the end-to-end benchmarks share: the manifest of `n` small square
//! polygon entries they plan and apply.

use std::fmt::Write as _;

/// A manifest of `n` recurring Stratus-2 entries `f0`, `f1`, …, each a
/// 0.01° square on its own grid point.
pub(crate) fn manifest(n: usize) -> String {
    let mut s = String::from(
        "defaults:\n  Model: Stratus2\n  SatelliteConstellations: [Sentinel1, Sentinel2, Landsat89]\n  \
         StorageMonths: 1\n  ApiRequests: 1\n  ImageFrequency: 3\n  From: 2025-04-01\norders:\n",
    );
    for i in 0..n {
        #[allow(clippy::cast_precision_loss)]
        let (x, y) = (-170.0 + (i % 300) as f64 * 0.5, -60.0 + (i / 300) as f64 * 0.5);
        let _ = writeln!(
            s,
            "  - name: f{i}\n    Wkt: POLYGON(({x} {y},{x2} {y},{x2} {y2},{x} {y2},{x} {y}))",
            x2 = x + 0.01,
            y2 = y + 0.01
        );
    }
    s
}
