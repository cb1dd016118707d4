//! The reference generated from the code is committed and current
//! (`docs/reference/cli-options.md` and `manifest-fields.md`), and the help and the manual
//! page tell the truth: the man page has ENVIRONMENT and FILES sections that
//! name every environment variable the code reads, and refers to no
//! `skyform-plan(1)`-style page (there are none); a command's `--help` gives
//! the global `--color` one line instead of its values' whole block.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::harness::{repo, skyform};
use skyform::reference;
use skyform::reference::environment::{ENVIRONMENT, FILES};

/// Set to rewrite the generated pages instead of comparing them.
const BLESS: &str = "SKYFORM_BLESS_DOCS";

#[test]
fn the_generated_reference_pages_are_current() {
    let schema_path = repo().join("schemas/manifest.schema.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    let pages = [
        ("docs/reference/cli-options.md", reference::cli_markdown()),
        ("docs/reference/manifest-fields.md", reference::manifest_markdown(&schema)),
    ];
    let bless = std::env::var_os(BLESS).is_some();
    let mut stale = Vec::new();
    for (rel, generated) in pages {
        let path = repo().join(rel);
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        if committed == generated {
            continue;
        }
        if bless {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, generated).unwrap();
            continue;
        }
        let diff = similar::TextDiff::from_lines(&committed, &generated)
            .unified_diff()
            .context_radius(2)
            .header(&format!("{rel} (committed)"), &format!("{rel} (generated)"))
            .to_string();
        stale.push(format!("{rel} is stale:\n{diff}"));
    }
    assert!(
        stale.is_empty(),
        "{}\nrefresh the generated reference with `{}`",
        stale.join("\n"),
        reference::REFRESH
    );
}

#[test]
fn the_man_page_has_environment_and_files_and_no_missing_pages() {
    let out = skyform(Path::new("."), &["man"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // roff writes `-` as `\-`.
    let page = out.stdout.replace("\\-", "-");
    for section in [".SH COMMANDS", ".SH ENVIRONMENT", ".SH FILES"] {
        assert!(page.contains(&format!("\n{section}\n")), "no `{section}` in the man page");
    }
    for name in ["CLEARSKY_API_KEY", "CLEARSKY_API_URL", "NO_COLOR", "RUST_LOG", "SKYFORM_NOW"] {
        assert!(page.contains(&format!("\\fB{name}\\fR")), "`{name}` is not under ENVIRONMENT");
    }
    for (name, _) in FILES {
        assert!(page.contains(&format!("\\fB{name}\\fR")), "`{name}` is not under FILES");
    }
    assert!(page.contains("to `.gitignore`"), "FILES does not say to ignore `.skyform/`");
    let refs: Vec<&str> =
        page.lines().filter(|l| !l.starts_with(".TH ") && l.contains("(1)")).collect();
    assert!(refs.is_empty(), "the man page refers to pages that do not exist: {refs:?}");
    assert!(page.contains("Colour on a terminal unless"), "--color's values are not explained");
}

#[test]
fn command_help_gives_the_global_color_flag_one_line() {
    for cmd in ["validate", "schema", "plan", "apply", "orders", "export", "emulator", "man"] {
        let out = skyform(Path::new("."), &[cmd, "--help"]);
        assert_eq!(out.code, 0, "{cmd}: {}", out.stderr);
        let block: Vec<&str> = out
            .stdout
            .lines()
            .skip_while(|l| !l.trim_start().starts_with("--color"))
            .skip(1)
            .take_while(|l| l.trim().is_empty() || l.starts_with("          "))
            .filter(|l| !l.trim().is_empty())
            .collect();
        assert!(
            block.len() <= 2 && !block.iter().any(|l| l.contains("Possible values")),
            "`{cmd} --help` gives --color more than its line and default: {block:#?}"
        );
    }
}

#[test]
fn the_emulator_seed_says_it_fixes_the_order_guids() {
    let out = skyform(Path::new("."), &["emulator", "--help"]);
    let seed = out.stdout.split("--seed").nth(1).unwrap_or_default();
    let seed = seed.split("\n\n").next().unwrap_or_default();
    assert!(seed.contains("order GUIDs"), "--seed's help: {seed}");
}

/// Every environment variable the code reads (outside tests) is listed in the
/// man page's ENVIRONMENT table, and every listed one is read.
#[test]
fn every_environment_variable_the_code_reads_is_documented() {
    let mut files = Vec::new();
    rust_files(&repo().join("src"), &mut files);
    let mut read = BTreeSet::new();
    for file in files {
        let name = file.file_name().unwrap().to_string_lossy();
        if name == "tests.rs" || name.ends_with("_tests.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        for line in code.lines().filter(|l| READS.iter().any(|r| l.contains(r))) {
            read.extend(variable_names(line));
        }
    }
    let documented: BTreeSet<String> = ENVIRONMENT.iter().map(|(n, _)| (*n).to_owned()).collect();
    assert_eq!(
        read, documented,
        "read by the code (left) and in `reference::environment::ENVIRONMENT` (right)"
    );
}

/// How the code reads a variable: `std::env::var("X")`, `var_os("X")`, clap's
/// `env = "X"`, or a constant `X_ENV: &str = "X"` read elsewhere.
const READS: [&str; 4] = ["env::var(", "var_os(", "env = \"", "ENV: &str"];

/// The string literals on a line that look like environment variable names
/// (`"SKYFORM_NOW"`: upper case, with an underscore).
fn variable_names(line: &str) -> Vec<String> {
    line.split('"')
        .skip(1)
        .step_by(2)
        .filter(|s| s.contains('_') && s.chars().all(|c| c.is_ascii_uppercase() || c == '_'))
        .map(ToOwned::to_owned)
        .collect()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn variable_names_are_the_quoted_upper_case_words() {
    assert_eq!(variable_names(r#"std::env::var("RUST_LOG").ok(), "no", "X""#), ["RUST_LOG"]);
    assert_eq!(
        variable_names(r#"#[arg(long, env = "SKYFORM_NOW", value_name = "TIME")]"#),
        ["SKYFORM_NOW"]
    );
}

/// `--color` hides its values in `--help` only: completions still offer them.
#[test]
fn completions_still_offer_the_color_values() {
    let out = skyform(Path::new("."), &["completions", "bash"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("\"auto always never\""), "no --color values in bash completions");
}
