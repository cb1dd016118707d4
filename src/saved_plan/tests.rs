//! Flags given with `apply --plan` against the saved settings.

use super::SavedSettings;
use crate::cli::{Format, PlanFlags};

fn flags(prune: bool, target: &[&str], max_cost: Option<f64>) -> PlanFlags {
    PlanFlags {
        paths: Vec::new(),
        prune,
        target: target.iter().map(|t| (*t).to_owned()).collect(),
        concurrency: 4,
        max_cost,
        format: Format::Json,
        detailed: true,
    }
}

fn saved() -> SavedSettings {
    SavedSettings { prune: true, targets: vec!["a".into(), "b".into()], max_cost: Some(100.0) }
}

#[test]
fn flags_left_out_or_equal_to_the_saved_ones_are_accepted() {
    assert!(saved().check_flags(&flags(false, &[], None)).is_ok());
    assert!(saved().check_flags(&flags(true, &["b", "a"], Some(100.0))).is_ok());
}

#[test]
fn a_flag_that_would_change_the_plan_is_a_usage_error_naming_it() {
    let none = SavedSettings::default();
    for (given, settings, flag) in [
        (flags(true, &[], None), &none, "`--prune`"),
        (flags(false, &["a"], None), &saved(), "`--target`"),
        (flags(false, &["a"], None), &none, "`--target`"),
        (flags(false, &[], Some(1.0)), &saved(), "`--max-cost`"),
        (flags(false, &[], Some(1.0)), &none, "`--max-cost`"),
    ] {
        let err = settings.check_flags(&given).unwrap_err();
        assert_eq!(err.exit_code(), 1);
        assert!(
            err.to_string().starts_with(&format!("{flag} differs from the saved plan")),
            "{err}"
        );
    }
}

#[test]
fn the_saved_settings_replace_the_plan_flags_and_keep_the_output_flags() {
    let merged = saved().apply_to(&flags(false, &[], None));
    assert!(merged.prune && merged.max_cost == Some(100.0) && merged.target == ["a", "b"]);
    assert!(merged.detailed && merged.format == Format::Json);
}
