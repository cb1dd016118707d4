//! The source layout rules the code review relies on, checked on every test
//! run: no source file over 500 lines; no two modules of a crate that import
//! each other (neither two top-level modules nor two files of one folder);
//! skyform uses the emulator only where it wires the sandbox in; `render`
//! never names `cli`. Between crates, cargo itself refuses a cycle, and the
//! manifests below say which crate may depend on which.

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

/// The source folders of the workspace's crates.
const CRATE_SOURCES: [&str; 3] = ["src", "crates/clearsky/src", "crates/clearsky-emulator/src"];

/// The module path of a file below `root`: `store/mod.rs` → `[store]`.
fn module_of(root: &str, file: &Path) -> Vec<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join(root);
    let rel = file.strip_prefix(&src).expect("file under the crate's sources");
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
    for dir in CRATE_SOURCES.into_iter().chain(["tests", "benches"]) {
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
    let mut found = Vec::new();
    for root in CRATE_SOURCES {
        let files: Vec<(Vec<String>, String)> = sources(root)
            .iter()
            .filter(|f| !is_test_file(f))
            .map(|f| (module_of(root, f), std::fs::read_to_string(f).expect("read source")))
            .collect();
        found.extend(cycles(&files).into_iter().map(|c| format!("{root}: {c}")));
    }
    assert!(found.is_empty(), "modules that import each other:\n{}", found.join("\n"));
}

/// The files of `root` whose code (outside `#[cfg(test)]`) mentions `name`,
/// except those in `allowed` (paths relative to `root`, a folder ending in `/`).
fn files_naming(root: &str, name: &str, allowed: &[&str]) -> Vec<String> {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join(root);
    sources(root)
        .iter()
        .filter(|f| !is_test_file(f))
        .filter_map(|f| {
            let rel = f.strip_prefix(&base).expect("under root").to_string_lossy().into_owned();
            let text = std::fs::read_to_string(f).expect("read source");
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            let ok = allowed.iter().any(|a| rel == *a || (a.ends_with('/') && rel.starts_with(a)));
            (!ok && code.contains(name)).then_some(rel)
        })
        .collect()
}

#[test]
fn skyform_uses_the_emulator_only_to_wire_in_the_sandbox() {
    let found = files_naming("src", "clearsky_emulator", &["sandbox/"]);
    assert!(
        found.is_empty(),
        "only src/sandbox/ may start the emulator, not:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_service_crate_knows_neither_skyform_nor_the_emulator() {
    let manifest = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/clearsky/Cargo.toml"),
    )
    .expect("read crates/clearsky/Cargo.toml");
    let deps = manifest.split("[dependencies]").nth(1).expect("a [dependencies] table");
    for name in ["skyform", "clearsky-emulator", "axum"] {
        assert!(!deps.contains(name), "crates/clearsky must not depend on `{name}`");
    }
    let emulator = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/clearsky-emulator/Cargo.toml"),
    )
    .expect("read crates/clearsky-emulator/Cargo.toml");
    assert!(!emulator.contains("skyform"), "the emulator must not depend on skyform");
}

#[test]
fn only_the_ui_writes_to_stderr() {
    let mut found = Vec::new();
    for name in ["stderr()", "eprintln!", "eprint!"] {
        // `main.rs` lets clap print its own usage errors.
        found.extend(files_naming("src", name, &["ui/", "commands/mod.rs", "main.rs"]));
    }
    // `commands/mod.rs` may only ask whether stderr is a terminal.
    let commands =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/commands/mod.rs"))
            .expect("read src/commands/mod.rs");
    let asks_only =
        commands.matches("stderr()").count() == commands.matches("stderr().is_terminal()").count();
    assert!(asks_only, "src/commands/mod.rs writes to stderr");
    assert!(found.is_empty(), "write through `ui::Ui` instead of stderr in:\n{}", found.join("\n"));
}

#[test]
fn commands_are_thin() {
    let long: Vec<String> = sources("src/commands")
        .iter()
        .filter_map(|f| {
            let lines = std::fs::read_to_string(f).expect("read").lines().count();
            (lines >= 100).then(|| format!("{} ({lines} lines)", f.display()))
        })
        .collect();
    assert!(long.is_empty(), "move the work of these commands into `ops`:\n{}", long.join("\n"));
}

#[test]
fn render_never_names_the_command_line() {
    let found = files_naming("src/render", "crate::cli", &[]);
    assert!(
        found.is_empty(),
        "render/ must take resolved options, not flags:\n{}",
        found.join("\n")
    );
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

#[test]
fn the_readme_test_command_runs_every_crate_s_tests() {
    let manifest =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
            .expect("read Cargo.toml");
    let line = manifest.lines().find(|l| l.starts_with("default-members")).expect(
        "`[workspace] default-members`, so that `cargo test` at the root tests every crate",
    );
    assert!(line.contains("\".\"") && line.contains("\"crates/*\""), "{line}");
}
