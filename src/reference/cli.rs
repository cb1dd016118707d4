//! `docs/reference/cli-options.md`: every command with its summary, usage, arguments
//! and options (help, default, environment variable, values) and examples,
//! then the environment variables and files, all read from the clap
//! definitions and the tables in [`crate::cli`].
//!
//! Pure.

use std::fmt::Write as _;

use clap::{Arg, ArgAction, Command, CommandFactory};

use super::environment::{ENVIRONMENT, FILES};
use super::{intro, sentence};
use crate::cli::Args;

/// The whole page.
pub fn markdown() -> String {
    let mut cmd = Args::command();
    cmd.build();
    let subs = commands(&cmd);
    let mut out = intro("Command-line reference", "the flag definitions in `src/cli.rs`");
    out.push('\n');
    out.push_str(&about(&cmd));
    out.push_str(&usage(&cmd));
    out.push_str("\n| Command | What it does |\n|---|---|\n");
    for sub in &subs {
        let name = sub.get_bin_name().unwrap_or_else(|| sub.get_name());
        let anchor = name.replace(' ', "-");
        let summary = sub.get_about().map(ToString::to_string).unwrap_or_default();
        let _ = writeln!(out, "| [`{name}`](#{anchor}) | {} |", super::cell(&summary));
    }
    out.push_str(
        "\n`skyform help COMMAND` and `skyform COMMAND --help` show the same on a terminal; \
         `skyform man` prints it as a manual page.\n",
    );
    out.push_str(
        "\n## Global options\n\nThese work with every command, before or after its name.\n\n",
    );
    for arg in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
        out.push_str(&item(&cmd, arg));
    }
    if let Some(text) = cmd.get_after_long_help().or_else(|| cmd.get_after_help()) {
        let _ = writeln!(
            out,
            "\n## Examples and exit codes\n\n```text\n{}\n```",
            text.to_string().trim_end()
        );
    }
    for sub in &subs {
        out.push_str(&command(sub));
    }
    out.push_str("\n## Environment\n\n");
    for (name, text) in ENVIRONMENT {
        let _ = writeln!(out, "- `{name}`: {text}");
    }
    out.push_str("\n## Files\n\n");
    for (name, text) in FILES {
        let _ = writeln!(out, "- `{name}`: {text}");
    }
    out
}

/// Every subcommand, depth first, without clap's `help` and hidden ones.
fn commands(cmd: &Command) -> Vec<&Command> {
    let mut all = Vec::new();
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help" && !s.is_hide_set()) {
        all.push(sub);
        all.extend(commands(sub));
    }
    all
}

/// One command's section: summary, usage, arguments, options, examples.
fn command(cmd: &Command) -> String {
    let name = cmd.get_bin_name().unwrap_or_else(|| cmd.get_name());
    let mut out = format!("\n## `{name}`\n\n");
    out.push_str(&about(cmd));
    out.push_str(&usage(cmd));
    let own: Vec<&Arg> = cmd
        .get_arguments()
        .filter(|a| !a.is_hide_set() && !a.is_global_set())
        .filter(|a| !matches!(a.get_action(), ArgAction::Help | ArgAction::Version))
        .collect();
    let (positionals, options): (Vec<&Arg>, Vec<&Arg>) =
        own.into_iter().partition(|a| a.is_positional());
    if !positionals.is_empty() {
        out.push_str("\n### Arguments\n\n");
        for arg in positionals {
            out.push_str(&item(cmd, arg));
        }
    }
    out.push_str("\n### Options\n\n");
    for arg in options {
        out.push_str(&item(cmd, arg));
    }
    out.push_str("- The [global options](#global-options).\n");
    if let Some(text) = cmd.get_after_long_help().or_else(|| cmd.get_after_help()) {
        let text = text.to_string();
        let body = text.split_once('\n').map_or(text.as_str(), |(_, rest)| rest);
        let _ = writeln!(out, "\n### Examples\n\n```text\n{}\n```", dedent(body));
    }
    out
}

/// The command's summary (its long description when it has one) as a paragraph.
fn about(cmd: &Command) -> String {
    let text = cmd.get_long_about().or_else(|| cmd.get_about()).map(ToString::to_string);
    text.map(|t| format!("{}\n", sentence(&t))).unwrap_or_default()
}

/// The usage line in a code block.
fn usage(cmd: &Command) -> String {
    let usage = cmd.clone().render_usage().to_string();
    let usage = usage.trim().trim_start_matches("Usage:").trim();
    format!("\n```text\n{usage}\n```\n")
}

/// One argument as a list item: its names, its help, then its default,
/// environment variable, conflicts and values.
fn item(cmd: &Command, arg: &Arg) -> String {
    let mut out = format!("- {}:", names(arg));
    let help = arg.get_long_help().or_else(|| arg.get_help()).map(ToString::to_string);
    for (i, paragraph) in help.unwrap_or_default().split("\n\n").enumerate() {
        let lead = if i == 0 { " " } else { "\n\n  " };
        out.push_str(lead);
        out.push_str(&sentence(paragraph).replace('\n', "\n  "));
    }
    let mut facts = Vec::new();
    let defaults: Vec<String> =
        arg.get_default_values().iter().map(|v| v.to_string_lossy().into_owned()).collect();
    if takes_value(arg) && !defaults.is_empty() && !arg.is_hide_default_value_set() {
        facts.push(format!("Default: `{}`.", defaults.join(" ")));
    }
    if let Some(env) = arg.get_env().filter(|_| !arg.is_hide_env_set()) {
        facts.push(format!("Environment: `{}`.", env.to_string_lossy()));
    }
    if !arg.is_positional() && arg.is_required_set() {
        facts.push("Required.".to_owned());
    }
    let conflicts: Vec<String> =
        cmd.get_arg_conflicts_with(arg).iter().map(|a| format!("`{}`", flag(a))).collect();
    if !conflicts.is_empty() {
        facts.push(format!("Not with {}.", conflicts.join(", ")));
    }
    if !facts.is_empty() {
        out.push_str("\n  ");
        out.push_str(&facts.join(" "));
    }
    out.push('\n');
    out.push_str(&values(arg));
    out
}

/// The names an argument is given by: `` `-v`, `--verbose` ``, `` `--out <FILE>` ``, `` `<PATH>...` ``.
fn names(arg: &Arg) -> String {
    let value = value_name(arg);
    let many = matches!(arg.get_action(), ArgAction::Append) && arg.is_positional();
    if arg.is_positional() {
        let (open, close) = if arg.is_required_set() { ('<', '>') } else { ('[', ']') };
        let dots = if many { "..." } else { "" };
        return format!("`{open}{value}{close}{dots}`");
    }
    let mut names = Vec::new();
    if let Some(short) = arg.get_short() {
        names.push(format!("`-{short}`"));
    }
    let long = flag(arg);
    if takes_value(arg) {
        names.push(format!("`{long} <{value}>`"));
    } else {
        names.push(format!("`{long}`"));
    }
    names.join(", ")
}

/// `--long`, or `-s` for a short-only flag, or the value name of a positional.
fn flag(arg: &Arg) -> String {
    match (arg.get_long(), arg.get_short()) {
        (Some(long), _) => format!("--{long}"),
        (None, Some(short)) => format!("-{short}"),
        (None, None) => value_name(arg),
    }
}

fn value_name(arg: &Arg) -> String {
    arg.get_value_names()
        .and_then(|v| v.first())
        .map_or_else(|| arg.get_id().as_str().to_uppercase(), ToString::to_string)
}

fn takes_value(arg: &Arg) -> bool {
    arg.get_num_args().is_some_and(|n| n.takes_values())
}

/// The values an argument accepts, with their help, as a nested list (or one
/// line when none has help).
fn values(arg: &Arg) -> String {
    let values: Vec<_> =
        arg.get_possible_values().into_iter().filter(|v| !v.is_hide_set()).collect();
    if values.is_empty() || !takes_value(arg) {
        return String::new();
    }
    if values.iter().all(|v| v.get_help().is_none()) {
        let list: Vec<String> = values.iter().map(|v| format!("`{}`", v.get_name())).collect();
        return format!("  Values: {}.\n", list.join(", "));
    }
    let mut out = String::new();
    for value in values {
        let help = value.get_help().map(|h| format!(": {}", sentence(&h.to_string())));
        let _ = writeln!(out, "  - `{}`{}", value.get_name(), help.unwrap_or_default());
    }
    out
}

/// Removes the indentation every non-empty line shares, and trailing blank lines.
fn dedent(text: &str) -> String {
    let indent = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let lines: Vec<&str> = text.lines().map(|l| l.get(indent..).unwrap_or("")).collect();
    lines.join("\n").trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_command_and_option_is_in_the_page() {
        let page = super::markdown();
        for cmd in ["validate", "schema", "plan", "apply", "orders", "export", "emulator", "man"] {
            assert!(page.contains(&format!("\n## `skyform {cmd}`\n")), "no section for {cmd}");
        }
        assert!(page.contains("- `--auto-approve`: "), "apply's options are missing");
        assert!(page.contains("Environment: `SKYFORM_RECHECK_WAIT`."));
        assert!(page.contains("  - `always`: Always colour."), "--color's values are missing");
        assert!(page.contains("Not with `--plan`."), "the conflict of --apply-events is missing");
    }

    #[test]
    fn dedent_keeps_relative_indentation() {
        assert_eq!(super::dedent("  a\n    b\n\n"), "a\n  b");
    }
}
