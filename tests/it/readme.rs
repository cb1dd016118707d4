//! The documentation, verbatim: the README and every page under `docs/`.
//!
//! - Every command of their `sh` blocks that needs no API key (validate,
//!   schema, the sandbox, completions, the man page) runs in a temporary copy
//!   of the examples and exits as the text says.
//! - Every manifest they show is valid and plans within its own budget.
//! - The emulator command starts an emulator.
//! - Every relative link points at a file of the repository, and every
//!   `#anchor` at a heading of the Markdown file it names.
//! - The README stays short.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::{Env, repo};

/// The README's length limit: the manual is in `docs/`.
const README_MAX_LINES: usize = 250;

/// The README and every Markdown file under `docs/`, README first.
fn documents() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<PathBuf> =
            std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "md") {
                out.push(path);
            }
        }
    }
    let mut docs = vec![repo().join("README.md")];
    walk(&repo().join("docs"), &mut docs);
    docs
}

/// A document's path from the repository root, with `/`.
fn name(doc: &Path) -> String {
    doc.strip_prefix(repo()).unwrap().to_string_lossy().replace('\\', "/")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A fenced code block: its language and its lines, unindented by the fence's indent.
struct Block {
    lang: String,
    body: String,
}

/// The fenced blocks of a Markdown text, and the text outside them.
fn split_fences(text: &str) -> (Vec<Block>, String) {
    let mut blocks = Vec::new();
    let mut prose = String::new();
    let mut open: Option<(usize, usize, Block)> = None; // (indent, fence length, block)
    for line in text.lines() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let ticks = trimmed.chars().take_while(|&c| c == '`').count();
        match open.take() {
            None if ticks >= 3 => {
                let lang = trimmed[ticks..].trim().to_owned();
                open = Some((indent, ticks, Block { lang, body: String::new() }));
            }
            None => {
                prose.push_str(line);
                prose.push('\n');
            }
            Some((_, fence, block)) if ticks >= fence && trimmed[ticks..].trim().is_empty() => {
                blocks.push(block);
            }
            Some((fence_indent, fence, mut block)) => {
                let cut = indent.min(fence_indent);
                block.body.push_str(&line[cut..]);
                block.body.push('\n');
                open = Some((fence_indent, fence, block));
            }
        }
    }
    (blocks, prose)
}

/// A documented line as the arguments of `skyform` and the exit code its
/// comment names (`# exits 2`; 0 when it names none), when it is a skyform
/// command that needs no API key; `None` for any other line (`mkdir`, cargo,
/// curl, export, a pipe, a command that talks to the real API). A redirect is
/// dropped: the test reads the output instead of writing to the home directory.
fn keyless_command(line: &str) -> Option<(Vec<String>, i32)> {
    let (command, comment) = line.split_once(" #").unwrap_or((line, ""));
    let command = command.trim();
    let command = command
        .strip_prefix("cargo run --release -- ")
        .or_else(|| command.strip_prefix("skyform "))?;
    let command = command.split(" >").next()?.trim();
    if command.contains(['|', '$', '"', '\'', '&', ';']) {
        return None;
    }
    let args: Vec<String> = command.split_whitespace().map(str::to_owned).collect();
    let keyless = matches!(args.first()?.as_str(), "validate" | "schema" | "completions" | "man");
    if !keyless && !args.iter().any(|a| a == "--sandbox") {
        return None;
    }
    let code = comment
        .split_once("exits ")
        .and_then(|(_, rest)| rest.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok())
        .unwrap_or(0);
    Some((args, code))
}

/// The file a `yaml` block asks the reader to create: its first line is a
/// comment naming it (`# orders/denmark.yaml`).
fn named_file(block: &Block) -> Option<&str> {
    let name = block.body.lines().next()?.strip_prefix("# ")?.trim();
    let yaml = Path::new(name).extension().is_some_and(|e| e == "yaml" || e == "yml");
    let is_path = yaml && !name.contains(' ');
    is_path.then_some(name)
}

/// Runs `skyform ARGS` in `dir` with no API settings at all.
fn run_keyless(dir: &Path, args: &[String]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_skyform"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("HOME", dir)
        .env_remove("CLEARSKY_API_KEY")
        .env_remove("CLEARSKY_API_URL")
        .env_remove("SKYFORM_NOW")
        .env_remove("RUST_LOG")
        .output()
        .expect("run skyform")
}

/// Runs the keyless commands of one document, in order, in a fresh copy of
/// the examples with the files its `yaml` blocks name; returns the commands run.
fn run_document(doc: &Path, env: &Env) -> Vec<String> {
    env.copy_examples();
    let (blocks, _) = split_fences(&read(doc));
    for block in blocks.iter().filter(|b| b.lang == "yaml") {
        if let Some(name) = named_file(block) {
            env.write(name, &block.body);
        }
    }
    let mut ran = Vec::new();
    for line in blocks.iter().filter(|b| b.lang == "sh").flat_map(|b| b.body.lines()) {
        let Some((args, code)) = keyless_command(line) else { continue };
        let out = run_keyless(env.path(), &args);
        assert_eq!(
            out.status.code(),
            Some(code),
            "{}: `{}`:\n{}\n{}",
            doc.display(),
            line.trim(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        ran.push(args[0].clone());
    }
    ran
}

#[test]
fn every_keyless_command_of_the_docs_runs_and_exits_as_documented() {
    for doc in documents() {
        let env = Env::new();
        let ran = run_document(&doc, &env);
        let doc_name = name(&doc);
        let required: &[&str] = match doc_name.as_str() {
            "README.md" => &["apply", "validate", "plan", "completions", "man"],
            "docs/guides/first-manifest.md" => &["schema", "validate", "plan", "apply"],
            _ => &[],
        };
        for cmd in required {
            assert!(ran.iter().any(|r| r == cmd), "no `{cmd}` command of {doc_name} ran: {ran:?}");
        }
        if doc_name == "README.md" {
            // The quick start's promise: after the sandbox apply, a plan has nothing to do.
            let args: Vec<String> = ["plan", "--sandbox", "--detailed-exitcode", "examples/"]
                .map(str::to_owned)
                .to_vec();
            let out = run_keyless(env.path(), &args);
            assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
            assert!(String::from_utf8_lossy(&out.stdout).contains("No changes."));
        }
    }
}

#[test]
fn every_manifest_of_the_docs_is_valid_and_within_its_own_budget() {
    let aoi = read(&repo().join("examples/aois/silkeborg.geojson"));
    let mut checked = Vec::new();
    for doc in documents() {
        let (blocks, _) = split_fences(&read(&doc));
        let manifests = blocks
            .iter()
            .filter(|b| b.lang == "yaml" && b.body.lines().any(|l| l.starts_with("orders:")));
        for manifest in manifests {
            let env = Env::new();
            env.write("orders/manifest.yaml", &manifest.body);
            env.write("orders/aois/silkeborg.geojson", &aoi);
            for args in [vec!["validate", "orders/"], vec!["plan", "--sandbox", "orders/"]] {
                let args: Vec<String> = args.into_iter().map(str::to_owned).collect();
                let out = run_keyless(env.path(), &args);
                assert_eq!(
                    out.status.code(),
                    Some(0),
                    "{}: {args:?} of the manifest\n{}:\n{}\n{}",
                    doc.display(),
                    manifest.body,
                    String::from_utf8_lossy(&out.stdout),
                    String::from_utf8_lossy(&out.stderr)
                );
            }
            checked.push(name(&doc));
        }
    }
    for doc in ["README.md", "docs/reference/manifest.md", "docs/guides/first-manifest.md"] {
        assert!(checked.iter().any(|c| c == doc), "no manifest of {doc} was checked: {checked:?}");
    }
}

#[test]
fn the_documented_emulator_command_serves_its_clock() {
    let line = documents()
        .iter()
        .flat_map(|doc| split_fences(&read(doc)).0)
        .filter(|b| b.lang == "sh")
        .find_map(|b| {
            b.body.lines().find(|l| l.starts_with("skyform emulator --")).map(str::to_owned)
        })
        .expect("a documented `skyform emulator --listen …` command");
    let mut args: Vec<&str> = Vec::new();
    let mut words = line.split_whitespace().skip(1);
    while let Some(w) = words.next() {
        args.push(w);
        if w == "--listen" {
            // Any free port: the documented 8080 may be taken on a shared machine.
            words.next();
            args.push(":0");
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_skyform"))
        .args(&args)
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the emulator");
    let mut url = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut url).unwrap();
    let clock =
        tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(
            async {
                let resp = reqwest::get(format!("{}/_emulator/clock", url.trim())).await?;
                resp.text().await
            },
        );
    let _ = Command::new("kill").args(["-INT", &child.id().to_string()]).status();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() && started.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let status = child.try_wait().unwrap();
    if status.is_none() {
        let _ = child.kill();
    }
    let clock = clock.unwrap_or_else(|e| panic!("GET {url}/_emulator/clock: {e}"));
    assert!(
        clock.contains("2025-04-10"),
        "the documented `--now 2025-04-10` is not the clock: {clock}"
    );
    assert_eq!(status.and_then(|s| s.code()), Some(0), "the emulator did not stop on Ctrl-C");
    assert!(dir.path().join("emu.json").is_file(), "`--state emu.json` wrote no state");
}

/// GitHub's anchor of a heading: lower case, punctuation dropped, spaces as `-`.
fn slug(heading: &str) -> String {
    heading
        .to_lowercase()
        .chars()
        .filter(|&c| c.is_alphanumeric() || matches!(c, '-' | '_' | ' '))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// The anchors of a Markdown text's headings, numbered as GitHub numbers repeats.
fn anchors(text: &str) -> Vec<String> {
    let (_, prose) = split_fences(text);
    let mut bases: Vec<String> = Vec::new();
    let mut anchors = Vec::new();
    for line in prose.lines() {
        let Some(heading) = line.strip_prefix('#') else { continue };
        let heading = heading.trim_start_matches('#');
        if !heading.starts_with(' ') {
            continue;
        }
        let base = slug(heading.trim().trim_end_matches('#').trim());
        let repeats = bases.iter().filter(|b| **b == base).count();
        anchors.push(if repeats == 0 { base.clone() } else { format!("{base}-{repeats}") });
        bases.push(base);
    }
    anchors
}

/// The targets of the inline links of a Markdown text, outside code blocks.
fn links(text: &str) -> Vec<String> {
    let (_, prose) = split_fences(text);
    prose
        .split("](")
        .skip(1)
        .filter_map(|t| t.split(')').next())
        .map(|t| t.split_whitespace().next().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn every_relative_link_of_the_docs_resolves() {
    let root = repo().canonicalize().unwrap();
    let mut problems = Vec::new();
    for doc in documents() {
        let text = read(&doc);
        for target in links(&text) {
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            let (path, anchor) = target.split_once('#').unwrap_or((&target, ""));
            let file = if path.is_empty() { doc.clone() } else { doc.parent().unwrap().join(path) };
            let Ok(file) = file.canonicalize() else {
                problems.push(format!("{}: `{target}` is not in the repository", doc.display()));
                continue;
            };
            if !file.starts_with(&root) {
                problems.push(format!("{}: `{target}` is outside the repository", doc.display()));
            } else if !anchor.is_empty() {
                let is_markdown = file.extension().is_some_and(|e| e == "md");
                if !is_markdown || !anchors(&read(&file)).iter().any(|a| a == anchor) {
                    problems.push(format!("{}: `{target}`: no such heading", doc.display()));
                }
            }
        }
    }
    assert!(problems.is_empty(), "broken links:\n{}", problems.join("\n"));
}

#[test]
fn the_docs_cite_only_what_a_reader_can_open() {
    for doc in documents() {
        let text = read(&doc);
        for private in ["`design.md`", "`style.md`", "clearsky-api.md"] {
            assert!(
                !text.contains(private),
                "{} cites {private}, which is not in the repository",
                doc.display()
            );
        }
        // Page keys of the project's private API notes (D22, R1, A5.10).
        let keys: Vec<&str> = text
            .split(|c: char| !c.is_ascii_alphanumeric() && c != '.')
            .map(|w| w.trim_end_matches('.'))
            .filter(|w| {
                let mut chars = w.chars();
                matches!(chars.next(), Some('D' | 'R' | 'A'))
                    && chars
                        .as_str()
                        .split('.')
                        .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            })
            .collect();
        assert!(
            keys.is_empty(),
            "{} cites page keys {keys:?}; name the public page",
            doc.display()
        );
    }
}

#[test]
fn the_readme_is_short() {
    let lines = read(&repo().join("README.md")).lines().count();
    assert!(lines <= README_MAX_LINES, "README.md has {lines} lines, more than {README_MAX_LINES}");
}

#[test]
fn keyless_command_reads_commands_as_the_docs_write_them() {
    let args = |line| keyless_command(line).map(|(a, c)| (a.join(" "), c));
    let own = |s: &str, c| Some((s.to_owned(), c));
    assert_eq!(args("skyform man > ~/.local/share/man/man1/skyform.1"), own("man", 0));
    assert_eq!(
        args("  skyform plan --sandbox --detailed-exitcode orders/   # exits 2: changes"),
        own("plan --sandbox --detailed-exitcode orders/", 2)
    );
    assert_eq!(
        args("cargo run --release -- apply --sandbox --auto-approve examples/   # no account"),
        own("apply --sandbox --auto-approve examples/", 0)
    );
    for skipped in [
        "mkdir -p ~/.local/share/man/man1",
        "mkdir -p ~/.zfunc && skyform completions zsh > ~/.zfunc/_skyform",
        "skyform plan orders/",
        "skyform emulator --listen 127.0.0.1:8080",
        "skyform plan --format json orders/ | jq -r .changes",
        "export CLEARSKY_API_KEY=...",
        "cargo test --locked",
    ] {
        assert_eq!(args(skipped), None, "`{skipped}` must not run");
    }
}

#[test]
fn anchors_follow_github() {
    let text =
        "# Title\n```sh\n# not a heading\n```\n## `plan --format json`\n## 1. One: two\n## Title\n";
    assert_eq!(anchors(text), ["title", "plan---format-json", "1-one-two", "title-1"]);
}
