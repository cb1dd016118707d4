//! The reference pages under `docs/reference/` that are generated from the
//! code: `cli.md` from the clap definitions in [`crate::cli`] ([`cli_markdown`])
//! and `manifest.md` from the manifest's JSON Schema ([`manifest_markdown`]).
//! The test `tests/it/reference.rs` generates both again and fails when the
//! committed files differ; [`REFRESH`] is the command that rewrites them.
//!
//! Pure: builds strings; the test reads and writes the files.

mod cli;
pub mod environment;
pub mod man;
mod manifest;

pub use cli::markdown as cli_markdown;
pub use manifest::markdown as manifest_markdown;

/// The command that rewrites the generated pages from the code.
pub const REFRESH: &str = "SKYFORM_BLESS_DOCS=1 cargo test --test it reference";

/// The title, then the line saying where the page comes from and how to refresh it.
fn intro(title: &str, source: &str) -> String {
    format!(
        "# {title}\n\n\
         *Generated from {source}: do not edit by hand. After changing the source, \
         refresh it with `{REFRESH}`.*\n"
    )
}

/// A paragraph of help text as a Markdown sentence: trimmed, ending in a period.
fn sentence(text: &str) -> String {
    let text = text.trim();
    if text.is_empty() || text.ends_with(['.', ':', '!', '?']) {
        text.to_owned()
    } else {
        format!("{text}.")
    }
}

/// Text for one Markdown table cell: no line breaks, `|` escaped.
fn cell(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ").replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    #[test]
    fn sentences_end_once_and_cells_stay_in_their_column() {
        assert_eq!(super::sentence(" Output format "), "Output format.");
        assert_eq!(super::sentence("Ends here."), "Ends here.");
        assert_eq!(super::cell("a |\n b"), "a \\| b");
    }
}
