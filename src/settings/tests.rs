//! The rules of the settings, one table of flags each.

use clap::Parser;

use super::*;
use crate::cli::{Args, Command};
use crate::testing::{entry, spec, wkt_aoi};

fn parse(line: &str) -> Command {
    let words = std::iter::once("skyform").chain(line.split_whitespace());
    Args::try_parse_from(words).unwrap_or_else(|e| panic!("{line}: {e}")).command
}

fn plan(line: &str) -> Result<PlanSettings, String> {
    let Command::Plan(args) = parse(&format!("plan {line}")) else { unreachable!() };
    PlanSettings::resolve(&args, &Environment::default()).map_err(|e| e.to_string())
}

fn apply(line: &str, terminal: bool) -> Result<ApplySettings, String> {
    let Command::Apply(args) = parse(&format!("apply {line}")) else { unreachable!() };
    ApplySettings::resolve(&args, &Environment::default(), terminal).map_err(|e| e.to_string())
}

#[test]
fn plan_flags_are_checked_with_messages_that_name_the_flag() {
    let cases: &[(&str, Result<(), &str>)] = &[
        ("o.yaml", Ok(())),
        ("--concurrency 1 --max-cost 0 --timeout 0.5 o.yaml", Ok(())),
        ("--timeout 86400 --connect-timeout 86400 o.yaml", Ok(())),
        ("", Err("no manifest given")),
        ("--concurrency 0 o.yaml", Err("`--concurrency` must be at least 1, not `0`")),
        ("--max-cost=-1 o.yaml", Err("`--max-cost` must be a non-negative amount, not `-1`")),
        ("--max-cost NaN o.yaml", Err("`--max-cost` must be a non-negative amount, not `NaN`")),
        ("--max-cost inf o.yaml", Err("`--max-cost` must be a non-negative amount, not `inf`")),
        ("--timeout 0 o.yaml", Err("`--timeout` must be a positive number of seconds, not `0`")),
        ("--timeout=-3 o.yaml", Err("`--timeout` must be a positive number of seconds, not `-3`")),
        (
            "--timeout inf o.yaml",
            Err("`--timeout` must be a positive number of seconds, not `inf`"),
        ),
        (
            "--timeout 86401 o.yaml",
            Err("`--timeout` must be at most 86400 seconds (one day), not `86401`"),
        ),
        (
            "--timeout 1e300 o.yaml",
            Err("`--timeout` must be at most 86400 seconds (one day), not `1e300`"),
        ),
        (
            "--connect-timeout 1e20 o.yaml",
            Err("`--connect-timeout` must be at most 86400 seconds (one day), not `1e20`"),
        ),
        (
            "--connect-timeout NaN o.yaml",
            Err("`--connect-timeout` must be a positive number of seconds, not `NaN`"),
        ),
        ("--now 2025-13-01 o.yaml", Err("invalid time `2025-13-01`")),
    ];
    for (line, want) in cases {
        match (plan(line), want) {
            (Ok(_), Ok(())) => {}
            (Err(got), Err(want)) => assert_eq!(&got, want, "plan {line}"),
            (got, want) => panic!("plan {line}: got {got:?}, want {want:?}"),
        }
    }
}

#[test]
fn apply_flags_are_checked_with_messages_that_name_the_flag() {
    let no_tty = "refusing to apply without confirmation: standard input is not a terminal";
    let cases: &[(&str, bool, Result<(), &str>)] = &[
        ("--auto-approve o.yaml", false, Ok(())),
        ("o.yaml", true, Ok(())),
        ("--plan p.json", true, Ok(())),
        ("--plan p.json --concurrency 2 --format json o.yaml", true, Ok(())),
        ("--recheck-wait 0 o.yaml", true, Ok(())),
        ("--recheck-wait 86400 o.yaml", true, Ok(())),
        ("o.yaml", false, Err(no_tty)),
        ("--recheck-wait 1e300 o.yaml", false, Err(no_tty)),
        ("", true, Err("no manifest given")),
        ("--concurrency 0 o.yaml", true, Err("`--concurrency` must be at least 1, not `0`")),
        (
            "--recheck-wait=-1 o.yaml",
            true,
            Err("`--recheck-wait` must be a non-negative number of seconds, not `-1`"),
        ),
        (
            "--recheck-wait NaN o.yaml",
            true,
            Err("`--recheck-wait` must be a non-negative number of seconds, not `NaN`"),
        ),
        (
            "--recheck-wait 1e300 o.yaml",
            true,
            Err("`--recheck-wait` must be at most 86400 seconds (one day), not `1e300`"),
        ),
        (
            "--recheck-wait 90000 o.yaml",
            true,
            Err("`--recheck-wait` must be at most 86400 seconds (one day), not `90000`"),
        ),
        (
            "--timeout 1e300 o.yaml",
            true,
            Err("`--timeout` must be at most 86400 seconds (one day), not `1e300`"),
        ),
        // Checked against the saved plan by `adopt_saved` (see `saved_plan::tests`).
        ("--plan p.json --target a --prune --max-cost 5", true, Ok(())),
        ("--plan p.json --max-plan-age 2d", true, Ok(())),
        (
            "--plan p.json --max-plan-age 2x",
            true,
            Err(
                "`--max-plan-age`: invalid duration `2x`: write seconds (`3600`) or e.g. `90m`, `24h`, `2d`, `1h30m`",
            ),
        ),
    ];
    for (line, terminal, want) in cases {
        match (apply(line, *terminal), want) {
            (Ok(_), Ok(())) => {}
            (Err(got), Err(want)) => assert_eq!(&got, want, "apply {line}"),
            (got, want) => {
                panic!("apply {line} (terminal: {terminal}): got {got:?}, want {want:?}")
            }
        }
    }
}

#[test]
fn resolved_values_reach_the_core_as_plain_options() {
    let s = apply("--auto-approve --concurrency 3 --recheck-wait 0.75 --timeout 2.5 o.yaml", false)
        .unwrap();
    assert_eq!(s.approval, Approval::Given);
    assert_eq!(s.api.timeout, Duration::from_millis(2500));
    assert_eq!(s.planning.concurrency, NonZeroUsize::new(3));
    let opts = s.executor_options(NonZeroUsize::new(3).unwrap());
    assert_eq!(opts.concurrency, 3);
    assert_eq!(opts.unknown_polls, [Duration::from_millis(250), Duration::from_millis(500)]);
    assert_eq!(apply("o.yaml", true).unwrap().approval, Approval::Ask);

    let s = plan("--target a --prune --max-cost 12.5 --now 2025-04-10 o.yaml").unwrap();
    let now = s.api.now.unwrap();
    assert_eq!(now.to_rfc3339(), "2025-04-10T00:00:00+00:00");
    let mut desired = crate::spec::DesiredSet::default();
    let err = crate::ops::plan::check_targets(&desired, &s.planning.targets).unwrap_err();
    assert_eq!(err.to_string(), "`--target` names no manifest entry: `a`");
    let aoi = wkt_aoi("POLYGON((9 56,9.1 56,9.1 56.1,9 56.1,9 56))");
    desired.orders.push(entry("a", spec(aoi)));
    assert!(crate::ops::plan::check_targets(&desired, &s.planning.targets).is_ok());
    let opts = s.planning.diff_options(now);
    assert_eq!((opts.prune, opts.targets, opts.max_cost), (true, vec!["a".into()], Some(12.5)));
}

#[test]
fn an_empty_base_counts_as_none() {
    assert_eq!(
        plan("--base origin/main o.yaml").unwrap().planning.base.as_deref(),
        Some("origin/main")
    );
    assert_eq!(plan("--base= o.yaml").unwrap().planning.base, None);
    assert_eq!(plan("o.yaml").unwrap().planning.base, None);
}
