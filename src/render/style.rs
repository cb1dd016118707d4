//! Colours of the human output, and the one function that applies them.
//!
//! Pure. Colour is decided by the caller ([`super::RenderOptions::color`]); with it
//! off, text passes through (escaped like all text), so plain output never
//! holds an escape sequence.

use anstyle::{AnsiColor, Style};

use crate::plan::Action;

/// The style of an action's glyph: green `+`, yellow `±`, red `-`, bold red
/// `!`, dim `?`.
pub(crate) fn action(action: Action) -> Style {
    match action {
        Action::Create => fg(AnsiColor::Green),
        Action::Replace => fg(AnsiColor::Yellow),
        Action::Cancel => fg(AnsiColor::Red),
        Action::Blocked => fg(AnsiColor::Red).bold(),
        Action::Unmanaged => Style::new().dimmed(),
        Action::Keep => Style::new(),
    }
}

/// Removed text in a diff.
pub(crate) const REMOVED: Style = fg(AnsiColor::Red);
/// Added text in a diff.
pub(crate) const ADDED: Style = fg(AnsiColor::Green);
/// A failure that stops the plan (blocked reason, budget exceeded).
pub(crate) const ERROR: Style = fg(AnsiColor::Red).bold();
/// A caveat (unpriced, budget unknown).
pub(crate) const WARNING: Style = fg(AnsiColor::Yellow);
/// Secondary text (GUIDs, notes).
pub(crate) const DIM: Style = Style::new().dimmed();
/// Section headings and the summary line.
pub(crate) const HEADING: Style = Style::new().bold();

const fn fg(color: AnsiColor) -> Style {
    Style::new().fg_color(Some(anstyle::Color::Ansi(color)))
}

/// Returns `text` in `style` when `color` is on, else `text` as is; either
/// way escaped for the terminal ([`super::escape::terminal`]), so that no
/// escape but the style's own reaches the screen.
pub(crate) fn paint(color: bool, style: Style, text: &str) -> String {
    let text = super::escape::terminal(text);
    if color && !text.is_empty() { format!("{style}{text}{style:#}") } else { text.into_owned() }
}
