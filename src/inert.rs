//! The characters that make text act instead of read: the one list that
//! manifests refuse (`manifest::text_checks`) and that every renderer shows as
//! a visible escape (`render::escape`).
//!
//! Pure, no IO. A terminal obeys control characters (ESC sequences erase
//! lines, move the cursor, hide text; CR returns to the start of the line),
//! Markdown takes CR as a line end, and bidi and zero-width format characters
//! reorder or hide what a reviewer reads. None of them belongs in a name.
//!
//! The list: the C0 controls U+0000–U+001F, DEL U+007F, the C1 controls
//! U+0080–U+009F, the line and paragraph separators U+2028 and U+2029, and
//! every format character (Unicode general category Cf: the bidi embeddings,
//! overrides, isolates and marks, the zero-width characters, the byte order
//! mark, the soft hyphen, the tag characters, …).

use std::fmt::Write as _;

/// The format characters (general category Cf, Unicode 16), as inclusive ranges.
const FORMAT: &[(u32, u32)] = &[
    (0x00AD, 0x00AD),
    (0x0600, 0x0605),
    (0x061C, 0x061C),
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x0890, 0x0891),
    (0x08E2, 0x08E2),
    (0x180E, 0x180E),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x2064),
    (0x2066, 0x206F),
    (0xFEFF, 0xFEFF),
    (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x1343F),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001),
    (0xE0020, 0xE007F),
];

/// True for a character that text must not carry raw: a control character,
/// a line or paragraph separator, or a format character.
pub(crate) fn is_active(c: char) -> bool {
    let u = u32::from(c);
    c.is_control()
        || u == 0x2028
        || u == 0x2029
        || FORMAT.iter().any(|&(lo, hi)| (lo..=hi).contains(&u))
}

/// The visible form of an active character: `\t`, `\n`, `\r`, else
/// `\u{1b}` (Rust's notation, lower-case hex). Other characters are returned
/// as they are.
pub(crate) fn visible(c: char, out: &mut String) {
    match c {
        '\t' => out.push_str("\\t"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        c if is_active(c) => {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        }
        c => out.push(c),
    }
}

/// `U+202E RIGHT-TO-LEFT OVERRIDE`, or `U+E0041 (a format character)` for
/// the rarer ones.
pub(crate) fn describe(c: char) -> String {
    let u = u32::from(c);
    match name(u) {
        Some(name) => format!("U+{u:04X} {name}"),
        None if c.is_control() => format!("U+{u:04X} (a control character)"),
        None => format!("U+{u:04X} (a format character)"),
    }
}

/// The Unicode name (or, for the C0 and C1 controls, the formal alias).
fn name(u: u32) -> Option<&'static str> {
    const C0: [&str; 32] = [
        "NULL",
        "START OF HEADING",
        "START OF TEXT",
        "END OF TEXT",
        "END OF TRANSMISSION",
        "ENQUIRY",
        "ACKNOWLEDGE",
        "BELL",
        "BACKSPACE",
        "CHARACTER TABULATION",
        "LINE FEED",
        "LINE TABULATION",
        "FORM FEED",
        "CARRIAGE RETURN",
        "SHIFT OUT",
        "SHIFT IN",
        "DATA LINK ESCAPE",
        "DEVICE CONTROL ONE",
        "DEVICE CONTROL TWO",
        "DEVICE CONTROL THREE",
        "DEVICE CONTROL FOUR",
        "NEGATIVE ACKNOWLEDGE",
        "SYNCHRONOUS IDLE",
        "END OF TRANSMISSION BLOCK",
        "CANCEL",
        "END OF MEDIUM",
        "SUBSTITUTE",
        "ESCAPE",
        "INFORMATION SEPARATOR FOUR",
        "INFORMATION SEPARATOR THREE",
        "INFORMATION SEPARATOR TWO",
        "INFORMATION SEPARATOR ONE",
    ];
    const C1: [&str; 32] = [
        "PADDING CHARACTER",
        "HIGH OCTET PRESET",
        "BREAK PERMITTED HERE",
        "NO BREAK HERE",
        "INDEX",
        "NEXT LINE",
        "START OF SELECTED AREA",
        "END OF SELECTED AREA",
        "CHARACTER TABULATION SET",
        "CHARACTER TABULATION WITH JUSTIFICATION",
        "LINE TABULATION SET",
        "PARTIAL LINE FORWARD",
        "PARTIAL LINE BACKWARD",
        "REVERSE LINE FEED",
        "SINGLE SHIFT TWO",
        "SINGLE SHIFT THREE",
        "DEVICE CONTROL STRING",
        "PRIVATE USE ONE",
        "PRIVATE USE TWO",
        "SET TRANSMIT STATE",
        "CANCEL CHARACTER",
        "MESSAGE WAITING",
        "START OF GUARDED AREA",
        "END OF GUARDED AREA",
        "START OF STRING",
        "SINGLE GRAPHIC CHARACTER INTRODUCER",
        "SINGLE CHARACTER INTRODUCER",
        "CONTROL SEQUENCE INTRODUCER",
        "STRING TERMINATOR",
        "OPERATING SYSTEM COMMAND",
        "PRIVACY MESSAGE",
        "APPLICATION PROGRAM COMMAND",
    ];
    let index = |base: u32| usize::try_from(u - base).ok();
    Some(match u {
        0x00..=0x1F => C0[index(0)?],
        0x7F => "DELETE",
        0x80..=0x9F => C1[index(0x80)?],
        0x00AD => "SOFT HYPHEN",
        0x061C => "ARABIC LETTER MARK",
        0x180E => "MONGOLIAN VOWEL SEPARATOR",
        0x200B => "ZERO WIDTH SPACE",
        0x200C => "ZERO WIDTH NON-JOINER",
        0x200D => "ZERO WIDTH JOINER",
        0x200E => "LEFT-TO-RIGHT MARK",
        0x200F => "RIGHT-TO-LEFT MARK",
        0x2028 => "LINE SEPARATOR",
        0x2029 => "PARAGRAPH SEPARATOR",
        0x202A => "LEFT-TO-RIGHT EMBEDDING",
        0x202B => "RIGHT-TO-LEFT EMBEDDING",
        0x202C => "POP DIRECTIONAL FORMATTING",
        0x202D => "LEFT-TO-RIGHT OVERRIDE",
        0x202E => "RIGHT-TO-LEFT OVERRIDE",
        0x2060 => "WORD JOINER",
        0x2061 => "FUNCTION APPLICATION",
        0x2062 => "INVISIBLE TIMES",
        0x2063 => "INVISIBLE SEPARATOR",
        0x2064 => "INVISIBLE PLUS",
        0x2066 => "LEFT-TO-RIGHT ISOLATE",
        0x2067 => "RIGHT-TO-LEFT ISOLATE",
        0x2068 => "FIRST STRONG ISOLATE",
        0x2069 => "POP DIRECTIONAL ISOLATE",
        0xFEFF => "ZERO WIDTH NO-BREAK SPACE (BYTE ORDER MARK)",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(s: &str) -> String {
        let mut out = String::new();
        s.chars().for_each(|c| visible(c, &mut out));
        out
    }

    #[test]
    fn the_list_holds_controls_separators_and_format_characters() {
        for c in ['\0', '\t', '\n', '\r', '\u{1b}', '\u{7f}', '\u{85}', '\u{9b}', '\u{9f}'] {
            assert!(is_active(c), "{c:?}");
        }
        for u in [0x200B, 0x200F, 0x202A, 0x202E, 0x2060, 0x2064, 0x2066, 0x2069, 0xFEFF] {
            assert!(is_active(char::from_u32(u).unwrap()), "U+{u:04X}");
        }
        for c in ['\u{2028}', '\u{2029}', '\u{ad}', '\u{e0041}'] {
            assert!(is_active(c), "{c:?}");
        }
        for c in ['a', ' ', 'é', '\u{301}', 'Ω', '漢', '😀', '\u{a0}', '@', '<', '\\', '|'] {
            assert!(!is_active(c), "{c:?}");
        }
    }

    #[test]
    fn active_characters_are_shown_as_escapes() {
        assert_eq!(shown("a\u{1b}[2K\rb"), "a\\u{1b}[2K\\rb");
        assert_eq!(shown("x\u{202e}y\u{200b}z\t\n"), "x\\u{202e}y\\u{200b}z\\t\\n");
        assert_eq!(shown("\u{7f}\u{9b}é"), "\\u{7f}\\u{9b}é");
    }

    #[test]
    fn every_character_is_described_by_its_code_point_and_name() {
        assert_eq!(describe('\u{202e}'), "U+202E RIGHT-TO-LEFT OVERRIDE");
        assert_eq!(describe('\u{1b}'), "U+001B ESCAPE");
        assert_eq!(describe('\r'), "U+000D CARRIAGE RETURN");
        assert_eq!(describe('\u{7f}'), "U+007F DELETE");
        assert_eq!(describe('\u{9b}'), "U+009B CONTROL SEQUENCE INTRODUCER");
        assert_eq!(describe('\u{200b}'), "U+200B ZERO WIDTH SPACE");
        assert_eq!(describe('\u{e0041}'), "U+E0041 (a format character)");
    }
}
