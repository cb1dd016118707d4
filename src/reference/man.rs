//! The manual page, skyform(1), as roff (clap_mangen), generated from the same flag definitions as `--help`. Each
//! subcommand gets its own section with its options; the global options, with
//! the long help of their values, are shown once, at the top. ENVIRONMENT and
//! FILES come from [`super::environment::ENVIRONMENT`] and [`super::environment::FILES`].
//!
//! Pure: builds bytes; `skyform man` writes them.

use clap::CommandFactory;
use clap_mangen::roff::{Roff, bold, roman};

use super::environment::{ENVIRONMENT, FILES};
use crate::cli::Args;

/// The whole page: skyform(1), its commands, then one section per subcommand,
/// then examples, exit codes, the environment and the files.
pub fn page() -> std::io::Result<Vec<u8>> {
    let mut cmd = Args::command();
    cmd.build();
    let globals: Vec<String> =
        cmd.get_arguments().filter(|a| a.is_global_set()).map(|a| a.get_id().to_string()).collect();
    let mut top = cmd.clone();
    for id in &globals {
        top = top.mut_arg(id, |a| a.hide_possible_values(false));
    }
    let subs: Vec<&clap::Command> =
        cmd.get_subcommands().filter(|s| s.get_name() != "help" && !s.is_hide_set()).collect();
    let mut page = Vec::new();
    let man = clap_mangen::Man::new(top);
    man.render_title(&mut page)?;
    man.render_name_section(&mut page)?;
    man.render_synopsis_section(&mut page)?;
    man.render_description_section(&mut page)?;
    man.render_options_section(&mut page)?;
    commands_section(&subs).to_writer(&mut page)?;
    for sub in &subs {
        command_section(sub, &globals, &mut page)?;
    }
    man.render_extra_section(&mut page)?;
    definitions("ENVIRONMENT", ENVIRONMENT).to_writer(&mut page)?;
    definitions("FILES", FILES).to_writer(&mut page)?;
    man.render_version_section(&mut page)?;
    Ok(tidy(&String::from_utf8_lossy(&page)).into_bytes())
}

/// COMMANDS: each command with its summary, pointing to its section below
/// (clap_mangen's own list would point to `skyform-plan(1)` pages that do not
/// exist).
fn commands_section(subs: &[&clap::Command]) -> Roff {
    let mut roff = Roff::new();
    roff.control("SH", ["COMMANDS"]);
    roff.text([roman(
        "Each command is described in its own section below; on a terminal, \
         `skyform help COMMAND` or `skyform COMMAND --help` shows the same.",
    )]);
    for sub in subs {
        let about = sub.get_about().map(ToString::to_string).unwrap_or_default();
        roff.control("TP", []).text([bold(format!("skyform {}", sub.get_name()))]);
        roff.text([roman(about)]);
    }
    roff
}

/// The section of one subcommand: its summary, synopsis, options and examples.
/// The global options and `--help`/`--version` are left out: the page shows
/// them once, under OPTIONS.
fn command_section(
    sub: &clap::Command,
    globals: &[String],
    page: &mut Vec<u8>,
) -> std::io::Result<()> {
    let name = sub.get_name();
    let mut head = Roff::new();
    head.control("SH", [format!("SKYFORM {}", name.to_uppercase()).as_str()]);
    head.text([roman(sub.get_about().map(ToString::to_string).unwrap_or_default())]);
    head.to_writer(page)?;
    let mut sub = sub.clone().bin_name(format!("skyform {name}"));
    let shared: Vec<String> = sub
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .filter(|id| globals.contains(id) || id == "help" || id == "version")
        .collect();
    for id in &shared {
        sub = sub.mut_arg(id, |a| a.hide(true));
    }
    let sub_man = clap_mangen::Man::new(sub);
    let mut section = Vec::new();
    sub_man.render_synopsis_section(&mut section)?;
    sub_man.render_options_section(&mut section)?;
    sub_man.render_extra_section(&mut section)?;
    // Nested `.SH` headers become `.SS` under this command's section.
    let text = String::from_utf8_lossy(&section).replace(".SH ", ".SS ");
    page.extend_from_slice(text.as_bytes());
    Ok(())
}

/// A section of tagged paragraphs: each name in bold, then what it is.
fn definitions(title: &str, items: &[(&str, &str)]) -> Roff {
    let mut roff = Roff::new();
    roff.control("SH", [title]);
    for (name, text) in items {
        roff.control("TP", []).text([bold(*name)]).text([roman(*text)]);
    }
    roff
}

/// The preamble clap_mangen writes before every section (it defines `\*(Aq`,
/// the apostrophe): kept once, after `.TH`, so that the page starts with its title.
const PREAMBLE: [&str; 2] = [".ie \\n(.g .ds Aq \\(aq", ".el .ds Aq '"];

/// Keeps one preamble, after the title, and names the `after_help` sections.
fn tidy(page: &str) -> String {
    let mut out = String::new();
    for line in page.lines().filter(|l| !PREAMBLE.contains(l)) {
        let line = match line {
            ".SH EXTRA" => ".SH \"EXAMPLES AND EXIT CODES\"",
            ".SS EXTRA" => ".SS EXAMPLES",
            other => other,
        };
        out.push_str(line);
        out.push('\n');
        if line.starts_with(".TH ") {
            for p in PREAMBLE {
                out.push_str(p);
                out.push('\n');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_page_has_a_title_and_a_section_per_command() {
        let page = String::from_utf8(super::page().unwrap()).unwrap();
        assert!(page.starts_with(".TH"), "{}", &page[..page.len().min(200)]);
        for cmd in ["VALIDATE", "PLAN", "APPLY", "ORDERS", "COMPLETIONS"] {
            assert!(page.contains(&format!(".SH \"SKYFORM {cmd}\"")), "no section for {cmd}");
        }
        assert!(page.contains("\\-\\-auto\\-approve"), "apply's options are missing");
    }
}
