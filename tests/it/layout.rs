//! The source layout rules the code review relies on, checked on every test
//! run: no source file over 500 lines, and no two modules that import each
//! other (neither two top-level modules nor two files of one folder).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const MAX_LINES: usize = 500;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read source dir") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn sources(dir: &str) -> Vec<PathBuf> {
    let mut files = Vec::new();
    rust_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join(dir), &mut files);
    files.sort();
    files
}

/// The module path of a file below `src/`: `emulator/store/mod.rs` → `[emulator, store]`.
fn module_of(file: &Path) -> Vec<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let rel = file.strip_prefix(&src).expect("file under src");
    let mut parts: Vec<String> =
        rel.with_extension("").iter().map(|p| p.to_string_lossy().into_owned()).collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib" || p == "main") {
        parts.pop();
    }
    parts
}

fn is_test_file(file: &Path) -> bool {
    let name = file.file_name().unwrap_or_default().to_string_lossy();
    name == "tests.rs" || name.ends_with("_tests.rs") || name == "fixtures.rs"
}

/// The modules a file imports with `use crate::…` or `use super::…`, resolved
/// to module paths (the first segment that names a module), outside test code.
fn imports(me: &[String], text: &str) -> Vec<Vec<String>> {
    let code = text.split("#[cfg(test)]").next().unwrap_or_default();
    let mut found = Vec::new();
    for stmt in code.split(';') {
        let stmt = stmt.trim();
        let Some(path) = stmt.strip_prefix("use ").or_else(|| stmt.strip_prefix("pub use ")) else {
            continue;
        };
        let path = path.trim();
        let heads: Vec<String> = if let Some((base, group)) = path.split_once("::{") {
            group
                .trim_end_matches('}')
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| format!("{base}::{s}"))
                .collect()
        } else {
            vec![path.to_owned()]
        };
        for head in heads {
            let segs: Vec<&str> = head.split("::").map(str::trim).collect();
            let target = match segs.first() {
                Some(&"crate") => segs.get(1).map(|s| vec![(*s).to_owned()]),
                Some(&"super") if me.len() > 1 => segs.get(1).map(|s| {
                    let mut t = me[..me.len() - 1].to_vec();
                    t.push((*s).to_owned());
                    t
                }),
                _ => None,
            };
            if let Some(t) = target {
                found.push(t);
            }
        }
    }
    found
}

#[test]
fn no_source_file_is_over_500_lines() {
    let mut long = Vec::new();
    for dir in ["src", "tests", "benches"] {
        for file in sources(dir) {
            let lines = std::fs::read_to_string(&file).expect("read").lines().count();
            if lines > MAX_LINES {
                long.push(format!("{} ({lines} lines)", file.display()));
            }
        }
    }
    assert!(long.is_empty(), "split these files below {MAX_LINES} lines:\n{}", long.join("\n"));
}

/// Pairs of modules that import each other, as `a <-> b`.
fn cycles(files: &[(Vec<String>, String)]) -> Vec<String> {
    let mut edges = BTreeSet::new();
    for (me, text) in files {
        if me.is_empty() {
            continue;
        }
        for target in imports(me, text) {
            // Between top-level modules.
            if me[0] != target[0] {
                edges.insert((me[0].clone(), target[0].clone()));
            }
            // Between files of one folder.
            if me.len() == target.len()
                && me[..me.len() - 1] == target[..target.len() - 1]
                && *me != target
            {
                edges.insert((me.join("/"), target.join("/")));
            }
        }
    }
    edges
        .iter()
        .filter(|(a, b)| a < b && edges.contains(&(b.clone(), a.clone())))
        .map(|(a, b)| format!("{a} <-> {b}"))
        .collect()
}

#[test]
fn no_two_modules_import_each_other() {
    let files: Vec<(Vec<String>, String)> = sources("src")
        .iter()
        .filter(|f| !is_test_file(f))
        .map(|f| (module_of(f), std::fs::read_to_string(f).expect("read source")))
        .collect();
    let found = cycles(&files);
    assert!(found.is_empty(), "modules that import each other:\n{}", found.join("\n"));
}

#[test]
fn the_import_check_sees_the_cycles_it_must_refuse() {
    let m = |p: &str| p.split('/').map(str::to_owned).collect::<Vec<_>>();
    let files = vec![
        (m("emulator/quote"), "use super::store::Billing;\nuse crate::api::types::X;".to_owned()),
        (m("emulator/store"), "use super::{quote, tiles::Cell};".to_owned()),
        (m("api"), "#[cfg(test)]\nuse crate::emulator;".to_owned()),
        (m("plan"), "use crate::render::Options;".to_owned()),
        (m("render/json"), "pub use crate::plan::Plan;".to_owned()),
    ];
    assert_eq!(cycles(&files), ["emulator/quote <-> emulator/store", "plan <-> render"]);
}
