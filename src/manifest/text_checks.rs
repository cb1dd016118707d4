//! Refuses the characters that make text act instead of read
//! ([`crate::inert`]: control characters, line and paragraph separators,
//! bidi and zero-width format characters) in every string of a manifest: the
//! `name`, every other value, and the keys. A name is shown in a terminal and
//! in a pull-request comment, where such a character could erase, hide or
//! reorder the lines a reviewer approves.
//!
//! Tab and line feed are refused too, except inside `Wkt` and `GeoJson`,
//! whose text may span lines (a YAML block scalar, pretty-printed JSON).
//!
//! Pure. Every offending string is reported, each once, naming its key and
//! every code point it holds; the rest of validation then reads a copy of the
//! manifests in which those strings show their characters as escapes
//! (`\u{1b}`), so that no later message prints them raw.

use std::borrow::Cow;
use std::path::PathBuf;

use super::diagnostic::{Diagnostic, Diagnostics};
use super::node::{Kind, Node};
use crate::inert;

/// Keys whose values may hold tab and line feed.
const MULTILINE_KEYS: &[&str] = &["Wkt", "GeoJson"];

/// Checks every string of `files`, reports each that holds an active
/// character, and returns the manifests to validate further: `files` itself
/// when all is well, else a copy with those strings escaped.
pub(crate) fn check<'a>(
    files: &'a [(PathBuf, Node)],
    diags: &mut Diagnostics,
) -> Cow<'a, [(PathBuf, Node)]> {
    let mut found = false;
    for (path, root) in files {
        walk(root, "a value", false, &mut |node, message, hint| {
            found = true;
            diags.push(Diagnostic::at(path, node.pos, message).hint(hint));
        });
    }
    if !found {
        return Cow::Borrowed(files);
    }
    let mut copy = files.to_vec();
    for (_, root) in &mut copy {
        make_visible(root, false);
    }
    Cow::Owned(copy)
}

/// Calls `report` for every string under `node` that holds a character it
/// may not hold; `label` names the string in the message.
fn walk(node: &Node, label: &str, multiline: bool, report: &mut dyn FnMut(&Node, String, &str)) {
    match &node.kind {
        Kind::Str(s) => {
            let refused = refused(s, multiline);
            if refused.is_empty() {
                return;
            }
            let names: Vec<String> = refused.iter().map(|c| inert::describe(*c)).collect();
            let message = format!(
                "{label} holds {}: control and format characters are not allowed",
                and_list(&names)
            );
            let hint = if refused.iter().all(|c| matches!(c, '\t' | '\n')) {
                "tab and line breaks are allowed only in `Wkt` and `GeoJson`; write this on one line"
            } else {
                "such characters can erase, hide or reorder what a reviewer reads in a terminal \
                 or a pull-request comment; remove them"
            };
            report(node, message, hint);
        }
        Kind::Seq(items) => items.iter().for_each(|item| walk(item, label, multiline, report)),
        Kind::Map(entries) => {
            for (k, v) in entries {
                walk(k, "a key", false, report);
                let (label, multiline) = match k.as_str() {
                    Some(key) if refused(key, false).is_empty() => {
                        (format!("`{key}`"), multiline || MULTILINE_KEYS.contains(&key))
                    }
                    _ => ("a value".to_owned(), multiline),
                };
                walk(v, &label, multiline, report);
            }
        }
        Kind::Null | Kind::Bool(_) | Kind::Int(_) | Kind::Float(_) => {}
    }
}

/// The characters of `s` it may not hold, each once, in order of appearance.
fn refused(s: &str, multiline: bool) -> Vec<char> {
    let mut out: Vec<char> = Vec::new();
    for c in s.chars() {
        let allowed = multiline && matches!(c, '\t' | '\n');
        if inert::is_active(c) && !allowed && !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

/// Rewrites every refused character under `node` as its escape.
fn make_visible(node: &mut Node, multiline: bool) {
    match &mut node.kind {
        Kind::Str(s) if !refused(s, multiline).is_empty() => {
            let mut out = String::with_capacity(s.len() + 8);
            for c in s.chars() {
                if multiline && matches!(c, '\t' | '\n') {
                    out.push(c);
                } else {
                    inert::visible(c, &mut out);
                }
            }
            *s = out;
        }
        Kind::Seq(items) => items.iter_mut().for_each(|item| make_visible(item, multiline)),
        Kind::Map(entries) => {
            for (k, v) in entries {
                let multiline =
                    multiline || k.as_str().is_some_and(|key| MULTILINE_KEYS.contains(&key));
                make_visible(k, false);
                make_visible(v, multiline);
            }
        }
        _ => {}
    }
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::super::text::check as check_text;

    const ENTRY: &str = "orders:\n  - name: NAME\n    Model: Stratus2\n    SatelliteConstellations: [Sentinel1, Sentinel2, Landsat89]\n    StorageMonths: 1\n    ApiRequests: 1\n    ImageFrequency: 3\n    From: 2025-05-01\n    Wkt: POLYGON((9 56,9.1 56,9.1 56.1,9 56.1,9 56))\n";

    /// The messages `validate` gives for the manifest `text`.
    fn messages(text: &str) -> Vec<String> {
        match check_text("x.yaml", text) {
            Ok(()) => Vec::new(),
            Err(diags) => diags.iter().map(|d| format!("{}: {}", d.line, d.message)).collect(),
        }
    }

    fn with_name(name_yaml: &str) -> Vec<String> {
        messages(&ENTRY.replace("NAME", name_yaml))
    }

    #[test]
    fn a_plain_name_is_valid() {
        assert_eq!(with_name("aarhus-bay"), Vec::<String>::new());
        assert_eq!(with_name("\"Århus bugt — 東 @team <b>|x|</b> `y`\""), Vec::<String>::new());
    }

    #[test]
    fn every_active_character_in_a_name_is_refused_by_code_point() {
        let cases = [
            ("\"a\\rb\"", "U+000D CARRIAGE RETURN"),
            ("\"a\\e[2Kb\"", "U+001B ESCAPE"),
            ("\"a\\e[8m\"", "U+001B ESCAPE"),
            ("\"a\u{202e}b\"", "U+202E RIGHT-TO-LEFT OVERRIDE"),
            ("\"a\u{200b}b\"", "U+200B ZERO WIDTH SPACE"),
            ("\"a\\x7fb\"", "U+007F DELETE"),
            ("\"a\\x9bb\"", "U+009B CONTROL SEQUENCE INTRODUCER"),
            ("\"a\\x85b\"", "U+0085 NEXT LINE"),
            ("\"a\u{2066}b\"", "U+2066 LEFT-TO-RIGHT ISOLATE"),
            ("\"\u{feff}a\"", "U+FEFF ZERO WIDTH NO-BREAK SPACE (BYTE ORDER MARK)"),
            ("\"a\\tb\"", "U+0009 CHARACTER TABULATION"),
            ("\"a\\nb\"", "U+000A LINE FEED"),
        ];
        for (name, what) in cases {
            let want =
                format!("2: `name` holds {what}: control and format characters are not allowed");
            assert_eq!(with_name(name), vec![want], "{name}");
        }
    }

    #[test]
    fn several_characters_are_named_in_one_message() {
        assert_eq!(
            with_name("\"\\e[2K\\rPlan: 1 to create.\\e[8m\""),
            vec![
                "2: `name` holds U+001B ESCAPE and U+000D CARRIAGE RETURN: control and format \
                 characters are not allowed"
            ]
        );
    }

    #[test]
    fn every_string_is_checked_and_all_problems_are_reported_together() {
        let text =
            ENTRY.replace("NAME", "\"a\\e\"").replace("Model: Stratus2", "Model: \"St\\x9b\"")
                + "  - name: \"b\u{200f}\"\n    \"Wk\\et\": x\n    WktFile: \"f\\e]0;t\\a.wkt\"\n";
        let got = messages(&text);
        let want = [
            "2: `name` holds U+001B ESCAPE",
            "3: `Model` holds U+009B CONTROL SEQUENCE INTRODUCER",
            "10: `name` holds U+200F RIGHT-TO-LEFT MARK",
            "11: a key holds U+001B ESCAPE",
            "12: `WktFile` holds U+001B ESCAPE and U+0007 BELL",
        ];
        for w in want {
            assert!(got.iter().any(|m| m.starts_with(w)), "{w}\n{got:#?}");
        }
    }

    #[test]
    fn later_messages_show_the_characters_as_escapes() {
        let text = ENTRY.replace("NAME", "\"a\\e[8m\"").replace("    Model: Stratus2\n", "");
        let got = messages(&text);
        assert!(got.iter().any(|m| m.contains("order `a\\u{1b}[8m` has no `Model`")), "{got:#?}");
        assert!(got.iter().all(|m| !m.contains('\u{1b}')), "{got:#?}");
    }

    #[test]
    fn wkt_and_geojson_may_span_lines_even_with_crlf_line_ends() {
        let block = ENTRY.replace(
            "Wkt: POLYGON((9 56,9.1 56,9.1 56.1,9 56.1,9 56))",
            "Wkt: |\n      POLYGON((9 56,9.1 56,\n      9.1\t56.1,9 56.1,9 56))",
        );
        assert_eq!(messages(&block.replace("NAME", "a")), Vec::<String>::new());
        let crlf = block.replace("NAME", "a").replace('\n', "\r\n");
        assert_eq!(messages(&crlf), Vec::<String>::new());
        let geojson = ENTRY.replace("NAME", "a").replace(
            "Wkt: POLYGON((9 56,9.1 56,9.1 56.1,9 56.1,9 56))",
            "GeoJson: \"{\\\"type\\\":\\n \\\"Polygon\\\", \\\"coordinates\\\": [[[9,56],[9.1,56],[9.1,56.1],[9,56]]]}\"",
        );
        assert_eq!(messages(&geojson), Vec::<String>::new());
        let escape_in_wkt = ENTRY.replace("NAME", "a").replace("POLYGON((9", "POLYGON((\\e9");
        let escape_in_wkt = escape_in_wkt.replace("Wkt: POLYGON", "Wkt: \"POLYGON") + "";
        let escape_in_wkt = escape_in_wkt.replace("9 56))\n", "9 56))\"\n");
        let got = messages(&escape_in_wkt);
        assert!(got.iter().any(|m| m.contains("`Wkt` holds U+001B ESCAPE")), "{got:#?}");
    }
}
