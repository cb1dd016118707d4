//! Markdown (GitHub-flavoured, as GitHub renders a pull-request comment).
//!
//! Pure. The scheme, after the visible escapes of [`super::terminal`] (so no
//! string ever holds a line end, and none can open a block on a line of
//! its own):
//!
//! - [`code`]: a value shown verbatim (a name, a GUID, a field value) is a
//!   code span whose fence is one backtick longer than the longest run
//!   inside. Nothing is interpreted in a code span: not HTML, not `@`. In a
//!   table cell a `|` gets a backslash (GFM splits cells before it reads
//!   code spans), two when backslashes already precede it.
//! - [`text`]: free text from elsewhere (a status, a model, a currency) has
//!   `&`, `<`, `>` as entities, a backslash before every other character
//!   that Markdown reads (`` \ ` * _ [ ] ~ | $ ``), blanks at either end as
//!   character references, and `@` and `#` in `<code>` elements, so GitHub
//!   links no mention and no issue reference.
//! - [`prose`]: a sentence of ours that quotes names in backticks (a reason,
//!   a note): when its backticks pair up, each quoted part is a [`code`] span
//!   and the rest [`text`]; else it is all [`text`].
//! - [`block`]: [`prose`] that begins a block (a line, a quote, a list
//!   item): its first character is escaped too when it could start one (`-`,
//!   `+`, `=`, a digit run followed by `.` or `)`, a space).
//!
//! A bare URL in [`text`] may still be linked by GitHub; its whole text is shown.

use std::fmt::Write as _;

use super::terminal;

/// A code span holding `s` verbatim; `in_table` escapes `|` for a table cell.
pub(crate) fn code(s: &str, in_table: bool) -> String {
    if s.is_empty() {
        // A code span cannot be empty: two backticks would show as text.
        return "<code></code>".to_owned();
    }
    let shown = terminal(s);
    let mut body = String::with_capacity(shown.len() + 4);
    let mut backslashes = 0_usize;
    for c in shown.chars() {
        if c == '|' && in_table {
            // GFM reads `\` + punctuation as a pair, from the left: the pipe
            // is escaped only after an odd run of backslashes.
            body.push_str(if backslashes.is_multiple_of(2) { "\\" } else { "\\\\" });
        }
        backslashes = if c == '\\' { backslashes + 1 } else { 0 };
        body.push(c);
    }
    let mut longest = 0;
    let mut run = 0;
    for c in body.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    // CommonMark strips one space from each end when both ends have one; a
    // backtick at an end needs a space between it and the fence.
    let edge = |c: char| c == '`' || c == ' ';
    let pad = if body.starts_with('`')
        || body.ends_with('`')
        || (body.starts_with(edge) && body.ends_with(edge) && body.trim() != "")
    {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{body}{pad}{fence}")
}

/// Free text with every Markdown, HTML and GitHub reference character
/// escaped; safe in a paragraph, a list item, a quote and a table cell.
pub(crate) fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    // Blanks at either end as character references: text between our own
    // `**` must not turn the emphasis off.
    let start = s.len() - s.trim_start_matches(char::is_whitespace).len();
    let end = s.trim_end_matches(char::is_whitespace).len().max(start);
    s[..start].chars().for_each(|c| blank(c, &mut out));
    text_into(&s[start..end], false, &mut out);
    s[end..].chars().for_each(|c| blank(c, &mut out));
    out
}

/// A blank as a character reference; a tab or a line end as its escape.
fn blank(c: char, out: &mut String) {
    if crate::inert::is_active(c) {
        text_into(c.encode_utf8(&mut [0; 4]), false, out);
    } else {
        let _ = write!(out, "&#x{:x};", u32::from(c));
    }
}

/// A sentence that quotes names and values in backticks: the quoted parts as
/// code spans when the backticks pair up, the rest as [`text`].
pub(crate) fn prose(s: &str, in_table: bool) -> String {
    prose_at(s, in_table, false)
}

/// [`prose`] at the start of a block: a leading list marker, setext
/// underline or indentation is escaped too.
pub(crate) fn block(s: &str) -> String {
    prose_at(s, false, true)
}

fn prose_at(s: &str, in_table: bool, at_start: bool) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let parts: Vec<&str> = s.split('`').collect();
    if parts.len().is_multiple_of(2) {
        text_into(s, at_start, &mut out);
        return out;
    }
    for (i, part) in parts.iter().enumerate() {
        if i % 2 == 1 {
            // Two spans side by side would read as one longer fence.
            if out.ends_with('`') {
                out.push(' ');
            }
            out.push_str(&code(part, in_table));
        } else {
            text_into(part, at_start && i == 0, &mut out);
        }
    }
    out
}

fn text_into(s: &str, at_start: bool, out: &mut String) {
    let shown = terminal(s);
    let block_start = at_start.then(|| block_marker_end(&shown)).flatten();
    let reference = |c: &char| matches!(c, '@' | '#');
    let mut chars = shown.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if block_start == Some(i) {
            if c == ' ' {
                out.push_str("&#32;");
                continue;
            }
            out.push('\\');
        }
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '@' | '#' => {
                // An element, not a backtick span, so that it never runs
                // into a code span next to it.
                out.push_str("<code>");
                out.push(c);
                while let Some((_, next)) = chars.next_if(|(_, c)| reference(c)) {
                    out.push(next);
                }
                out.push_str("</code>");
            }
            '\\' | '`' | '*' | '_' | '[' | ']' | '~' | '|' | '$' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
}

/// The byte index of the character that would make `s` start a block when
/// it begins a line (a list marker, a setext underline, indentation), if any.
fn block_marker_end(s: &str) -> Option<usize> {
    let first = s.chars().next()?;
    if matches!(first, '-' | '+' | '=' | ' ') {
        return Some(0);
    }
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    (digits > 0 && matches!(s.as_bytes().get(digits), Some(b'.' | b')'))).then_some(digits)
}
