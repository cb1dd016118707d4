//! Flags every command shares: `--version`, `--help`, usage errors.

use crate::common::skyform;

#[test]
fn version_prints_the_crate_version() {
    let out = skyform(std::path::Path::new("."), &["--version"]);
    assert_eq!(out.code, 0);
    assert_eq!(out.stdout.trim(), format!("skyform {}", env!("CARGO_PKG_VERSION")));
}

#[test]
fn usage_errors_exit_1_not_2() {
    let out = skyform(std::path::Path::new("."), &["plan", "--no-such-flag"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("--no-such-flag"), "{}", out.stderr);
}

#[test]
fn every_command_has_help_with_an_example() {
    for cmd in ["validate", "schema", "plan", "apply", "orders", "export", "emulator"] {
        let out = skyform(std::path::Path::new("."), &[cmd, "--help"]);
        assert_eq!(out.code, 0, "{cmd}");
        assert!(out.stdout.contains("Example"), "`{cmd} --help` has no example:\n{}", out.stdout);
    }
}
