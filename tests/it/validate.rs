//! `skyform validate`: the broken-manifest corpus (exact messages with line and
//! column), loading through the library API, the alias bomb, and a property test
//! that the loader never panics.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use skyform::manifest;
use skyform::spec::{Aoi, Ensure};

use crate::harness::skyform;

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

/// Every `NAME.yaml` (or directory `NAME/`) in `tests/corpus` is one broken manifest;
/// `NAME.expected` holds the exact stderr of `skyform validate NAME.yaml`.
#[test]
fn every_corpus_manifest_fails_with_its_exact_message() {
    let dir = corpus_dir();
    let mut cases = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            cases.push((name.clone(), format!("{name}/")));
        } else if let Some(stem) = name.strip_suffix(".yaml") {
            cases.push((stem.to_owned(), name.clone()));
        } else {
            assert!(name.ends_with(".expected"), "stray file in the corpus: {name}");
            let stem = name.trim_end_matches(".expected");
            assert!(
                dir.join(format!("{stem}.yaml")).exists() || dir.join(stem).is_dir(),
                "{name} has no manifest"
            );
        }
    }
    cases.sort();
    assert!(cases.len() >= 25, "only {} corpus cases", cases.len());
    let mut failures = Vec::new();
    for (stem, arg) in &cases {
        let expected = std::fs::read_to_string(dir.join(format!("{stem}.expected")))
            .unwrap_or_else(|_| panic!("{stem}.expected is missing"));
        let out = skyform(&dir, &["validate", arg]);
        if out.code != 1 || !out.stdout.is_empty() || out.stderr != expected {
            failures.push(format!(
                "--- {arg}: exit {}\n--- expected:\n{expected}--- got:\n{}{}",
                out.code, out.stdout, out.stderr
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn several_mistakes_in_one_file_are_reported_together() {
    let out = skyform(&corpus_dir(), &["validate", "several-mistakes.yaml"]);
    assert_eq!(out.code, 1);
    let lines: Vec<&str> =
        out.stderr.lines().filter(|l| l.starts_with("several-mistakes.yaml:")).collect();
    assert_eq!(lines.len(), 5, "{}", out.stderr);
    assert!(out.stderr.ends_with("error: 5 problems found in the manifests\n"));
}

#[test]
fn valid_manifests_print_one_status_line() {
    let dir = tempfile::tempdir().unwrap();
    let body = "orders:\n  - name: a\n    Model: Nimbus\n    SatelliteConstellations: [Sentinel2]\n    StorageMonths: 1\n    ApiRequests: 1\n    ImageFrequency: 1\n    From: 2025-01-01\n    Wkt: POLYGON((0 0,1 0,1 1,0 0))\n";
    std::fs::write(dir.path().join("one.yml"), body).unwrap();
    std::fs::write(dir.path().join("empty.yaml"), "").unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not a manifest").unwrap();
    let out = skyform(dir.path(), &["validate", "."]);
    assert_eq!(
        (out.code, out.stdout.as_str(), out.stderr.as_str()),
        (0, "2 manifests, 1 order: valid.\n", "")
    );
}

#[test]
fn a_missing_path_is_reported() {
    let out = skyform(&corpus_dir(), &["validate", "no/such/dir"]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr,
        "no/such/dir: no such file or directory\nerror: 1 problem found in the manifests\n"
    );
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn load_resolves_defaults_canonical_values_files_and_budget() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("aois")).unwrap();
    write(&dir.path().join("aois"), "f.wkt", "POLYGON((0 0,2 0,2 2,0 0))\n");
    write(
        dir.path(),
        "a.yaml",
        "defaults:\n  Model: stratus2fast\n  SatelliteConstellations: [sentinel2, SENTINEL1]\n  StorageMonths: 2\n  ApiRequests: 3\n  ImageFrequency: 4\n  From: 2025-02-01\nbudget:\n  max_current_month: 500\norders:\n  - name: f\n    ensure: absent\n    protect: true\n    WktFile: aois/f.wkt\n    To: 2025-03-31\n",
    );
    write(
        dir.path(),
        "b.yaml",
        "budget:\n  max_current_month: 900\n  max_monthly: 100.5\norders:\n  - name: t\n    Model: Nimbus\n    SatelliteConstellations: [Sentinel2]\n    StorageMonths: 1\n    ApiRequests: 1\n    ImageFrequency: 7\n    ReferenceDate: 2024-12-30\n    From: 2025-01-01\n    MiniTileGuids: [5cf00000-0079-8000-8000-0000000c0100]\n",
    );
    let set = manifest::load(&[dir.path().to_path_buf()]).unwrap();
    assert_eq!(set.orders.len(), 2);
    let f = &set.orders[0];
    assert_eq!((f.name.as_str(), f.ensure, f.protect), ("f", Ensure::Absent, true));
    assert_eq!(f.spec.model, "Stratus2Fast");
    assert_eq!(
        f.spec.constellations.iter().map(String::as_str).collect::<Vec<_>>(),
        ["Sentinel1", "Sentinel2"]
    );
    assert_eq!((f.spec.storage_months, f.spec.api_requests, f.spec.image_frequency), (2, 3, 4));
    assert_eq!(f.spec.reference_date.to_string(), "2025-02-01", "ReferenceDate defaults to From");
    assert_eq!(f.spec.to.map(|d| d.to_string()).as_deref(), Some("2025-03-31"));
    assert!(matches!(&f.spec.aoi, Aoi::Polygons(p) if p.len() == 1));
    assert_eq!((f.source.line, f.source.column), (11, 5));
    let t = &set.orders[1];
    assert!(t.spec.is_recurring());
    assert!(
        matches!(&t.spec.aoi, Aoi::Tiles { tiles, minitiles } if tiles.is_empty() && minitiles.len() == 1)
    );
    assert_eq!(set.budget.max_current_month, Some(500.0));
    assert_eq!(set.budget.max_monthly, Some(100.5));
    let names: Vec<String> = set
        .files
        .iter()
        .map(|f| f.path.strip_prefix(dir.path()).unwrap().display().to_string())
        .collect();
    assert_eq!(names, ["a.yaml", "b.yaml", "aois/f.wkt"]);
    assert!(set.files.iter().all(|f| f.sha256.len() == 64));
}

#[test]
fn diagnostics_render_plain_and_fancy() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "m.yaml", "orders:\n  - name: a\n    Model: Stratus-2\n");
    let diags = manifest::load(&[path]).unwrap_err();
    assert!(diags.len() > 1 && !diags.is_empty());
    assert!(diags.iter().any(|d| (d.line, d.column) == (3, 12)));
    let mut plain = Vec::new();
    diags.render(&mut plain, false).unwrap();
    let plain = String::from_utf8(plain).unwrap();
    assert!(plain.contains("m.yaml:3:12: unknown `Model` `Stratus-2`"), "{plain}");
    assert!(plain.contains("  hint: `Stratus-2` is a display label; use the API value `Stratus2`"));
    let mut fancy = Vec::new();
    diags.render_styled(&mut fancy, true, false).unwrap();
    let fancy = String::from_utf8(fancy).unwrap();
    assert!(fancy.contains("Model: Stratus-2") && fancy.contains("────"), "{fancy}");
    assert!(!fancy.contains('\u{1b}'), "no colour asked for");
}

/// A billion-laughs document: each level multiplies the one before by nine.
fn alias_bomb() -> String {
    let mut text = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..=9 {
        let prev = format!("*a{}", i - 1);
        let _ = writeln!(text, "a{i}: &a{i} [{}]", [prev.as_str(); 9].join(", "));
    }
    text.push_str("orders: *a9\n");
    text
}

#[test]
fn an_alias_bomb_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "bomb.yaml", &alias_bomb());
    let diags = manifest::load(&[path]).unwrap_err();
    let messages: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(messages.len(), 1);
    assert!(messages[0].starts_with("invalid YAML: alias replay limit exceeded"), "{messages:?}");
}

fn examples() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    paths.sort();
    paths.iter().map(|p| std::fs::read_to_string(p).unwrap()).collect()
}

/// Loads `bytes` as a manifest in a directory that also has the examples' AOI files.
fn load_bytes(bytes: &[u8]) -> bool {
    let dir = tempfile::tempdir().unwrap();
    let aois = dir.path().join("aois");
    std::fs::create_dir(&aois).unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/aois/silkeborg.geojson");
    std::fs::copy(src, aois.join("silkeborg.geojson")).unwrap();
    let path = dir.path().join("m.yaml");
    std::fs::write(&path, bytes).unwrap();
    match manifest::load(&[path]) {
        Ok(_) => true,
        Err(diags) => {
            assert!(!diags.is_empty(), "an error always carries a diagnostic");
            false
        }
    }
}

#[derive(Debug, Clone)]
enum Mutation {
    Delete(usize, usize),
    Insert(usize, Vec<u8>),
    Replace(usize, u8),
    DuplicateLine(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1..40usize).prop_map(|(at, n)| Mutation::Delete(at, n)),
        (
            any::<usize>(),
            prop::collection::vec(
                prop_oneof![
                    Just(b':'),
                    Just(b'-'),
                    Just(b' '),
                    Just(b'\n'),
                    Just(b'['),
                    Just(b'&'),
                    Just(b'*'),
                    any::<u8>()
                ],
                1..8
            )
        )
            .prop_map(|(at, b)| Mutation::Insert(at, b)),
        (any::<usize>(), any::<u8>()).prop_map(|(at, b)| Mutation::Replace(at, b)),
        any::<usize>().prop_map(Mutation::DuplicateLine),
    ]
}

fn apply(text: &str, muts: &[Mutation]) -> Vec<u8> {
    let mut b = text.as_bytes().to_vec();
    for m in muts {
        let len = b.len().max(1);
        match m {
            Mutation::Delete(at, n) => {
                let at = at % len;
                let end = (at + n).min(b.len());
                b.drain(at.min(end)..end);
            }
            Mutation::Insert(at, bytes) => {
                let at = at % (b.len() + 1);
                b.splice(at..at, bytes.iter().copied());
            }
            Mutation::Replace(at, byte) => {
                if !b.is_empty() {
                    let at = at % b.len();
                    b[at] = *byte;
                }
            }
            Mutation::DuplicateLine(n) => {
                let lines: Vec<&[u8]> = b.split(|c| *c == b'\n').collect();
                let i = n % lines.len();
                let mut out: Vec<u8> = Vec::new();
                for (j, l) in lines.iter().enumerate() {
                    out.extend_from_slice(l);
                    out.push(b'\n');
                    if j == i {
                        out.extend_from_slice(l);
                        out.push(b'\n');
                    }
                }
                b = out;
            }
        }
    }
    b
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        load_bytes(&bytes);
    }

    #[test]
    fn mutated_examples_never_panic(which in any::<usize>(), muts in prop::collection::vec(mutation(), 1..5)) {
        let all = examples();
        let text = &all[which % all.len()];
        load_bytes(&apply(text, &muts));
    }
}

#[test]
fn unmutated_examples_load() {
    for text in examples() {
        assert!(load_bytes(text.as_bytes()), "{text}");
    }
}
