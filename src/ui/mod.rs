//! Everything skyform tells the person running it on the side of its output:
//! status lines, warnings, manifest diagnostics, progress, the confirmation
//! prompt and interrupts. Library code talks to a [`Ui`] it is given and never
//! to stderr itself, so an operation runs the same in the terminal, in a test
//! (which records what it was told) and in a benchmark (which hears nothing).
//!
//! Does IO in [`Console`] (stderr, stdin, signals); [`Quiet`] and
//! [`Recorder`] do none.

pub mod logging;
mod progress;
pub mod terminal;

use std::io::{IsTerminal, Write};
use std::sync::Mutex;

pub use progress::{DELAY, Progress};

use crate::manifest::Diagnostics;

/// What an operation may tell the person running skyform, apart from its result.
pub trait Ui: Send + Sync {
    /// One line of status, note or warning (`warning: …` already in `text`).
    fn line(&self, text: &str);
    /// Manifest diagnostics: problems and warnings, each with its place.
    fn diagnostics(&self, diagnostics: &Diagnostics);
    /// A spinner for a wait of unknown length (`Listing the live orders…`).
    fn spinner(&self, label: &str) -> Progress {
        let _ = label;
        Progress::hidden()
    }
    /// A counter of `total` steps (`Pricing 37/100…`).
    fn counter(&self, label: &str, total: u64) -> Progress {
        let _ = (label, total);
        Progress::hidden()
    }
    /// A bar of `total` steps, for apply's changes.
    fn bar(&self, label: &str, total: u64) -> Progress {
        let _ = (label, total);
        Progress::hidden()
    }
}

/// The terminal: lines and diagnostics on stderr, progress when stderr is a
/// terminal, colour as `--color` and `NO_COLOR` decided.
#[derive(Debug, Clone, Copy)]
pub struct Console {
    /// Colour the diagnostics.
    pub color: bool,
}

/// `text` with every active character of [`crate::inert`] (ESC, CR, bidi
/// overrides, …) shown as a visible escape, line by line: skyform's own line
/// breaks stay, but text from a server or a manifest quoted in a message can
/// neither move the cursor nor hide or rewrite a line.
pub fn inert_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        line.chars().for_each(|c| {
            if crate::inert::is_active(c) {
                crate::inert::visible(c, &mut out);
            } else {
                out.push(c);
            }
        });
    }
    out
}

impl Ui for Console {
    fn line(&self, text: &str) {
        let _ = writeln!(std::io::stderr().lock(), "{}", inert_lines(text));
    }

    fn diagnostics(&self, diagnostics: &Diagnostics) {
        let stderr = std::io::stderr();
        let fancy = stderr.is_terminal();
        let mut err = stderr.lock();
        let _ = diagnostics.render_styled(&mut err, fancy, self.color);
        let _ = err.flush();
    }

    fn spinner(&self, label: &str) -> Progress {
        Progress::spinner(label)
    }

    fn counter(&self, label: &str, total: u64) -> Progress {
        Progress::counter(label, total)
    }

    fn bar(&self, label: &str, total: u64) -> Progress {
        Progress::bar(label, total)
    }
}

/// Tells nothing to anyone: for benchmarks and library callers.
#[derive(Debug, Clone, Copy, Default)]
pub struct Quiet;

impl Ui for Quiet {
    fn line(&self, _: &str) {}

    fn diagnostics(&self, _: &Diagnostics) {}
}

/// Keeps every line and diagnostic it is told, in order, for tests.
#[derive(Debug, Default)]
pub struct Recorder {
    lines: Mutex<Vec<String>>,
}

impl Recorder {
    /// The lines told so far (diagnostics rendered plain, one line each).
    pub fn lines(&self) -> Vec<String> {
        self.lines.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    fn push(&self, line: String) {
        self.lines.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(line);
    }
}

impl Ui for Recorder {
    fn line(&self, text: &str) {
        self.push(text.to_owned());
    }

    fn diagnostics(&self, diagnostics: &Diagnostics) {
        let mut out = Vec::new();
        let _ = diagnostics.render_styled(&mut out, false, false);
        for line in String::from_utf8_lossy(&out).lines() {
            self.push(line.to_owned());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_keep_their_breaks_and_lose_every_active_character() {
        let hostile = "error: order \u{1b}[2K\rfake\u{202e}\nhint: ok\tthen";
        assert_eq!(
            inert_lines(hostile),
            "error: order \\u{1b}[2K\\rfake\\u{202e}\nhint: ok\\tthen"
        );
        assert_eq!(inert_lines("plain\n  second"), "plain\n  second");
    }

    #[test]
    fn the_recorder_keeps_lines_in_order_and_quiet_keeps_none() {
        let recorder = Recorder::default();
        let ui: &dyn Ui = &recorder;
        ui.line("first");
        ui.line("warning: second");
        assert_eq!(recorder.lines(), ["first", "warning: second"]);
        let quiet: &dyn Ui = &Quiet;
        quiet.line("nothing");
        assert!(quiet.spinner("x").is_hidden());
    }
}
