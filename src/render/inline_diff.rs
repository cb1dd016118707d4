//! How a changed field is shown: `old → new` for short values, and for long
//! ones (a WKT polygon) a compact word diff that keeps only a little unchanged
//! text around each change, git `--word-diff` style: `[-removed-]{+added+}`.
//!
//! Pure. Used by the human and Markdown renderers.

use similar::{ChangeTag, TextDiff};

use super::style;

/// Values whose combined length is at most this many characters are shown whole.
const SHORT: usize = 80;
/// Unchanged characters kept on each side of a change.
const CONTEXT: usize = 24;
/// Longest removed or added run shown in full unless `detailed`.
const MAX_RUN: usize = 80;

/// A run of the diff.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Same(String),
    Old(String),
    New(String),
}

/// Describes the change of one value: `old → new`, or a compact word diff when
/// the values are long. `detailed` keeps every character; `color` paints
/// removed text red and added text green.
pub(crate) fn describe(old: &str, new: &str, detailed: bool, color: bool) -> String {
    // Escaped first, so that the diff runs over (and shows) what a reader sees.
    let (old, new) = (&*super::escape::terminal(old), &*super::escape::terminal(new));
    if old.chars().count() + new.chars().count() <= SHORT {
        let old = style::paint(color, style::REMOVED, old);
        let new = style::paint(color, style::ADDED, new);
        return format!("{old} → {new}");
    }
    let pieces = pieces(old, new);
    let last = pieces.len().saturating_sub(1);
    let mut out = String::new();
    for (i, piece) in pieces.iter().enumerate() {
        match piece {
            Piece::Same(s) if detailed => out.push_str(s),
            Piece::Same(s) => out.push_str(&elide(s, i == 0, i == last)),
            Piece::Old(s) => {
                let text = format!("[-{}-]", cap(s, detailed));
                out.push_str(&style::paint(color, style::REMOVED, &text));
            }
            Piece::New(s) => {
                let text = format!("{{+{}+}}", cap(s, detailed));
                out.push_str(&style::paint(color, style::ADDED, &text));
            }
        }
    }
    out
}

/// The word diff as runs; whitespace between two changes joins them, so that
/// `a b` → `x y` reads `[-a b-]{+x y+}` rather than two interleaved changes.
fn pieces(old: &str, new: &str) -> Vec<Piece> {
    let diff = TextDiff::from_words(old, new);
    let tokens: Vec<(ChangeTag, &str)> =
        diff.iter_all_changes().map(|c| (c.tag(), c.value())).collect();
    let mut out = Vec::new();
    let (mut same, mut removed, mut added) = (String::new(), String::new(), String::new());
    for (i, &(tag, text)) in tokens.iter().enumerate() {
        let changed = |j: Option<usize>| {
            j.and_then(|j| tokens.get(j)).is_some_and(|(t, _)| *t != ChangeTag::Equal)
        };
        let joins = tag == ChangeTag::Equal
            && text.trim().is_empty()
            && changed(i.checked_sub(1))
            && changed(Some(i + 1));
        if joins {
            removed.push_str(text);
            added.push_str(text);
            continue;
        }
        if tag == ChangeTag::Equal {
            flush_change(&mut out, &mut removed, &mut added);
            same.push_str(text);
        } else {
            if !same.is_empty() {
                out.push(Piece::Same(std::mem::take(&mut same)));
            }
            if tag == ChangeTag::Delete { &mut removed } else { &mut added }.push_str(text);
        }
    }
    flush_change(&mut out, &mut removed, &mut added);
    if !same.is_empty() {
        out.push(Piece::Same(same));
    }
    out
}

fn flush_change(out: &mut Vec<Piece>, removed: &mut String, added: &mut String) {
    if !removed.is_empty() {
        out.push(Piece::Old(std::mem::take(removed)));
    }
    if !added.is_empty() {
        out.push(Piece::New(std::mem::take(added)));
    }
}

/// Shortens unchanged text to about [`CONTEXT`] characters next to each
/// change, cutting at whitespace so that no number is shown in part.
fn elide(s: &str, first: bool, last: bool) -> String {
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len();
    // The first CONTEXT characters, back to the last whitespace.
    let head = || {
        let mut end = CONTEXT;
        while end > 0 && !chars[end].is_whitespace() {
            end -= 1;
        }
        if end == 0 {
            end = CONTEXT;
        }
        chars[..end].iter().collect::<String>()
    };
    // The last CONTEXT characters, forward to the next word start. A word
    // longer than CONTEXT is cut where it falls.
    let tail = || {
        let mut start = n - CONTEXT;
        while start < n && !chars[start - 1].is_whitespace() {
            start += 1;
        }
        if start == n {
            start = n - CONTEXT;
        }
        chars[start..].iter().collect::<String>()
    };
    match (first, last) {
        (true, false) if n > CONTEXT => format!("…{}", tail()),
        (false, true) if n > CONTEXT => format!("{}…", head()),
        (false, false) if n > 2 * CONTEXT + 3 => format!("{} … {}", head(), tail()),
        _ => s.to_owned(),
    }
}

/// Shortens a removed or added run to [`MAX_RUN`] characters unless `detailed`.
fn cap(s: &str, detailed: bool) -> String {
    let n = s.chars().count();
    if detailed || n <= MAX_RUN {
        return s.to_owned();
    }
    let half = MAX_RUN / 2;
    let head: String = s.chars().take(half).collect();
    let tail: String = s.chars().skip(n - half).collect();
    format!("{head} …({} characters)… {tail}", n - MAX_RUN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_values_are_shown_whole() {
        assert_eq!(describe("3", "2", false, false), "3 → 2");
    }

    #[test]
    fn a_changed_coordinate_is_shown_with_a_little_context() {
        let ring = |x: &str| {
            format!(
                "POLYGON ((10.1 56.1, 10.2 56.1, {x} 56.2, 10.1 56.2, 10.1 56.1, \
                 10.15 56.15, 10.16 56.16, 10.17 56.17, 10.18 56.18, 10.1 56.1))"
            )
        };
        let got = describe(&ring("10.2"), &ring("10.25"), false, false);
        assert_eq!(got, "…((10.1 56.1, 10.2 56.1, [-10.2-]{+10.25+} 56.2, 10.1 56.2, 10.1…");
        assert!(got.len() < ring("10.2").len());
    }

    #[test]
    fn adjacent_changed_words_form_one_change() {
        let old = format!("{} a b {}", "x".repeat(50), "y".repeat(50));
        let new = format!("{} c d {}", "x".repeat(50), "y".repeat(50));
        let got = describe(&old, &new, true, false);
        assert!(got.contains("[-a b-]{+c d+}"), "{got}");
    }

    #[test]
    fn long_runs_are_capped_unless_detailed() {
        let old = "a ".repeat(200);
        let new = "b ".repeat(200);
        let short = describe(&old, &new, false, false);
        assert!(short.len() < 300 && short.contains("characters)"), "{short}");
        let full = describe(&old, &new, true, false);
        assert!(full.len() > 800);
    }

    #[test]
    fn colour_only_when_asked() {
        assert!(!describe("a", "b", false, false).contains('\u{1b}'));
        assert!(describe("a", "b", false, true).contains('\u{1b}'));
    }
}
