//! `skyform man`: prints the manual page, skyform(1), as roff on stdout
//! (clap_mangen), generated from the same flag definitions as `--help`. Each
//! subcommand gets its own section with its options.
//!
//! Does IO: writes to stdout.

use std::io::Write;

use clap::CommandFactory;

use crate::cli::Args;
use crate::{Error, ExitStatus};

pub(crate) fn run() -> Result<ExitStatus, Error> {
    let page = page().map_err(super::stdout_error)?;
    let mut out = std::io::stdout().lock();
    out.write_all(&page).and_then(|()| out.flush()).map_err(super::stdout_error)?;
    Ok(ExitStatus::Success)
}

/// The whole page: skyform(1), then one section per subcommand.
fn page() -> std::io::Result<Vec<u8>> {
    let mut cmd = Args::command();
    cmd.build();
    let mut page = Vec::new();
    let man = clap_mangen::Man::new(cmd.clone());
    man.render_title(&mut page)?;
    man.render_name_section(&mut page)?;
    man.render_synopsis_section(&mut page)?;
    man.render_description_section(&mut page)?;
    man.render_options_section(&mut page)?;
    man.render_subcommands_section(&mut page)?;
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = sub.get_name();
        writeln!(page, ".SH \"SKYFORM {}\"", name.to_uppercase())?;
        let about = sub.get_about().map(ToString::to_string).unwrap_or_default();
        writeln!(page, "{}", roff_text(&about))?;
        let sub_man = clap_mangen::Man::new(sub.clone().bin_name(format!("skyform {name}")));
        let mut section = Vec::new();
        sub_man.render_synopsis_section(&mut section)?;
        sub_man.render_options_section(&mut section)?;
        sub_man.render_extra_section(&mut section)?;
        // Nested `.SH` headers become `.SS` under this command's section.
        let text = String::from_utf8_lossy(&section).replace(".SH ", ".SS ");
        page.extend_from_slice(text.as_bytes());
    }
    man.render_extra_section(&mut page)?;
    man.render_version_section(&mut page)?;
    Ok(tidy(&String::from_utf8_lossy(&page)).into_bytes())
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

/// Escapes a line of plain text for roff: a leading `.` or `'` would be read
/// as a request, and `\` starts an escape.
fn roff_text(text: &str) -> String {
    let text = text.replace('\\', "\\e");
    if text.starts_with(['.', '\'']) { format!("\\&{text}") } else { text }
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
