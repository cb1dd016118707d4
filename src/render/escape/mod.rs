//! Escaping of every string a renderer did not write itself (names, reasons,
//! errors, notes, and the statuses, models, GUIDs and currencies the server
//! sends), one function per target, so that such text is read and never
//! obeyed: it cannot move the cursor, erase or hide a line, reorder a line,
//! open an HTML comment or a quote, or mention someone.
//!
//! Pure. Every target first shows the active characters of [`crate::inert`]
//! (control characters, line and paragraph separators, bidi and zero-width
//! format characters) as visible escapes: `\r`, `\n`, `\t`, else `\u{1b}`
//! (Rust's notation). A backslash is left as it is, so a name that spells
//! `\u{1b}` reads the same as one that held the character; both are inert.
//!
//! - terminal ([`terminal`]): the visible escapes; nothing else is needed.
//! - Markdown ([`markdown`]): the visible escapes, then its own syntax.
//! - XML, for SVG ([`xml`]): the visible escapes, then the five entities.
//! - JSON and GeoJSON ([`json`]): every string keeps its exact value, with
//!   the active characters written as `\uXXXX` escapes.

pub(crate) mod json;
pub(crate) mod markdown;

use std::borrow::Cow;

use crate::inert;

/// `s` for a terminal: every active character, tab and line feed included,
/// as a visible escape.
pub(crate) fn terminal(s: &str) -> Cow<'_, str> {
    if !s.chars().any(inert::is_active) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    s.chars().for_each(|c| inert::visible(c, &mut out));
    Cow::Owned(out)
}

/// `s` inside an XML element or attribute: visible escapes (XML 1.0 allows
/// no control character but tab and line breaks), then `&`, `<`, `>`, `"`
/// and `'` as entities.
pub(crate) fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in terminal(s).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests;
