//! Every file in `examples/` is a valid manifest and starts with the schema comment.

use std::path::{Path, PathBuf};

use crate::harness::skyform;

pub(crate) fn example_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    paths.sort();
    paths
}

#[test]
fn the_examples_directory_validates() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = skyform(root, &["validate", "examples/"]);
    assert_eq!(out.stderr, "");
    assert_eq!(out.code, 0);
    let n = example_files().len();
    assert!(out.stdout.starts_with(&format!("{n} manifests, ")), "{}", out.stdout);
    assert!(out.stdout.ends_with(" orders: valid.\n"), "{}", out.stdout);
}

#[test]
fn each_example_validates_alone_and_names_the_schema() {
    let files = example_files();
    assert!(files.len() >= 6, "{files:?}");
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with("# yaml-language-server: $schema=../schemas/manifest.schema.json\n"),
            "{} lacks the schema comment",
            path.display()
        );
        let out =
            skyform(Path::new(env!("CARGO_MANIFEST_DIR")), &["validate", path.to_str().unwrap()]);
        assert_eq!((out.code, out.stderr.as_str()), (0, ""), "{}", path.display());
    }
}
