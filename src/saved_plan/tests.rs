//! Flags given with `apply --plan` against the saved settings.

use clap::Parser;

use super::SavedSettings;
use crate::cli::{Args, Command, Format};
use crate::settings::ApplySettings;

fn apply(line: &str) -> ApplySettings {
    let words = ["skyform", "apply", "--plan", "p.json"].into_iter().chain(line.split_whitespace());
    let Command::Apply(args) = Args::try_parse_from(words).unwrap().command else { unreachable!() };
    ApplySettings::resolve(&args, &crate::settings::Environment::default(), true).unwrap()
}

fn saved() -> SavedSettings {
    SavedSettings {
        prune: true,
        targets: vec!["a".into(), "b".into()],
        max_cost: Some(100.0),
        base: None,
    }
}

#[test]
fn flags_equal_to_the_saved_ones_are_accepted_in_any_order() {
    assert!(
        apply("--prune --target b --target a --max-cost 100").adopt_saved(&saved(), None).is_ok()
    );
    assert!(apply("").adopt_saved(&SavedSettings::default(), None).is_ok());
}

#[test]
fn a_saved_flag_left_out_is_refused_naming_it() {
    for (line, message) in [
        (
            "--target a --target b --max-cost 100",
            "`--prune` differs from the saved plan: given no `--prune`, the plan was made with `--prune`",
        ),
        (
            "--prune --max-cost 100",
            "`--target` differs from the saved plan: given no `--target`, the plan was made with `a`, `b`",
        ),
        (
            "--prune --target a --target b",
            "`--max-cost` differs from the saved plan: given no `--max-cost`, the plan was made with `100`",
        ),
    ] {
        let err = apply(line).adopt_saved(&saved(), None).unwrap_err();
        assert_eq!(err.exit_code(), 1);
        assert_eq!(err.to_string(), message);
    }
}

#[test]
fn a_flag_that_would_change_the_plan_is_a_usage_error_naming_it() {
    let none = SavedSettings::default();
    for (line, settings, message) in [
        (
            "--prune",
            &none,
            "`--prune` differs from the saved plan: given `--prune`, the plan was made with no `--prune`",
        ),
        (
            "--prune --target a --max-cost 100",
            &saved(),
            "`--target` differs from the saved plan: given `a`, the plan was made with `a`, `b`",
        ),
        (
            "--target a",
            &none,
            "`--target` differs from the saved plan: given `a`, the plan was made with no `--target`",
        ),
        (
            "--prune --target a --target b --max-cost 1",
            &saved(),
            "`--max-cost` differs from the saved plan: given `1`, the plan was made with `100`",
        ),
        (
            "--max-cost 1",
            &none,
            "`--max-cost` differs from the saved plan: given `1`, the plan was made with no `--max-cost`",
        ),
    ] {
        let err = apply(line).adopt_saved(settings, None).unwrap_err();
        assert_eq!(err.exit_code(), 1);
        assert_eq!(err.to_string(), message);
    }
}

#[test]
fn the_saved_settings_replace_the_plan_flags_and_keep_the_output_flags() {
    let mut s = apply(
        "--format json --detailed --concurrency 2 --prune --target b --target a --max-cost 100",
    );
    s.adopt_saved(&saved(), None).unwrap();
    let p = &s.planning;
    assert!(p.prune && p.max_cost == Some(100.0) && p.targets == ["a", "b"]);
    assert!(
        p.detailed
            && p.format == Format::Json
            && p.concurrency.map(std::num::NonZeroUsize::get) == Some(2)
    );
}

#[test]
fn the_base_must_be_restated_and_name_the_same_commit() {
    let saved = SavedSettings { base: Some("c0ffee".into()), ..SavedSettings::default() };
    assert!(apply("--base origin/main").adopt_saved(&saved, Some("c0ffee")).is_ok());
    for (line, commit, message) in [
        (
            "",
            None,
            "`--base` differs from the saved plan: given no `--base`, the plan was made with commit `c0ffee`",
        ),
        (
            "--base HEAD",
            Some("decade"),
            "`--base` differs from the saved plan: given commit `decade`, the plan was made with commit `c0ffee`",
        ),
    ] {
        let err = apply(line).adopt_saved(&saved, commit).unwrap_err();
        assert_eq!(err.exit_code(), 1);
        assert_eq!(err.to_string(), message);
    }
    let err = apply("--base HEAD").adopt_saved(&SavedSettings::default(), Some("c0ffee"));
    assert!(
        err.unwrap_err()
            .to_string()
            .contains("given commit `c0ffee`, the plan was made with no `--base`")
    );
}
