use super::markdown::{block, code, prose, text};
use super::{terminal, xml};
use crate::render::fixtures::gfm;

#[test]
fn terminal_text_shows_active_characters_as_escapes() {
    assert_eq!(terminal("aarhus-bay"), "aarhus-bay");
    assert!(matches!(terminal("Århus 東"), std::borrow::Cow::Borrowed(_)));
    assert_eq!(
        terminal("x\u{1b}[2K\rPlan: 1 to create.\u{1b}[8m"),
        "x\\u{1b}[2K\\rPlan: 1 to create.\\u{1b}[8m"
    );
    assert_eq!(
        terminal("a\u{202e}b\u{200b}c\u{7f}\u{9b}\t\n"),
        "a\\u{202e}b\\u{200b}c\\u{7f}\\u{9b}\\t\\n"
    );
}

#[test]
fn xml_text_has_entities_and_no_control_character() {
    assert_eq!(
        xml("<a href='x'>&\"\u{1}\u{202e}"),
        "&lt;a href=&apos;x&apos;&gt;&amp;&quot;\\u{1}\\u{202e}"
    );
}

#[test]
fn code_spans_hold_backticks_pipes_and_backslashes() {
    assert_eq!(code("a|b", true), "`a\\|b`");
    assert_eq!(code("a|b", false), "`a|b`");
    assert_eq!(code("x`y", false), "``x`y``");
    assert_eq!(code("`x", false), "`` `x ``");
    assert_eq!(code("a\\|b", true), "`a\\\\\\|b`");
    assert_eq!(code("a\\\\|b", true), "`a\\\\\\|b`");
    assert_eq!(code("a\rb", false), "`a\\rb`");
    assert_eq!(code("", false), "<code></code>");
    for (name, cell) in [
        ("a|b", "<code>a|b</code>"),
        ("a\\|b", "<code>a\\\\|b</code>"),
        ("a\\\\|b", "<code>a\\\\|b</code>"),
        ("x`y", "<code>x`y</code>"),
        (" a ", "<code> a </code>"),
        ("<!-- @x", "<code>&lt;!-- @x</code>"),
    ] {
        let html = gfm(&format!("| a | b |\n|--|--|\n| {} | end |\n", code(name, true)));
        assert!(html.contains(&format!("<td>{cell}</td>\n<td>end</td>")), "{name:?}: {html}");
    }
}

#[test]
fn text_is_shown_as_written_and_makes_no_element() {
    let cases = [
        "plain words, 2025-06-01 → recurring",
        "<!-- hidden",
        "> [!NOTE]",
        "# heading",
        "- item",
        "+ item",
        "1. item",
        "2) item",
        "    indented",
        "===",
        "---",
        "***",
        "**bold** _em_ ~~del~~ `code",
        "[link](x.html) ![img](x.png)",
        "a | b \\| c \\",
        "&amp; &#64; <b>tag</b>",
        "$\\Huge{x}$",
        "[^1]: note",
    ];
    for s in cases {
        let html = gfm(&block(s));
        let inner = html.trim_end().strip_prefix("<p>").and_then(|h| h.strip_suffix("</p>"));
        let inner = inner.unwrap_or_else(|| panic!("{s:?} is not one paragraph: {html}"));
        let shown = inner.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"");
        let shown = shown.replace("<code>", "").replace("</code>", "").replace("&amp;", "&");
        assert_eq!(shown, s, "{s:?}: {html}");
    }
}

#[test]
fn mentions_and_references_are_code() {
    let html = gfm(&text("ping @octocat and #12, @@x"));
    assert_eq!(
        html, "<p>ping <code>@</code>octocat and <code>#</code>12, <code>@@</code>x</p>\n",
        "{html}"
    );
}

#[test]
fn text_in_a_table_cell_stays_in_its_cell() {
    for s in ["a|b", "a\\|b", "a\\\\|b", "|", "\\", "x`|`y"] {
        let html = gfm(&format!("| a | b |\n|--|--|\n| {} | end |\n", text(s)));
        let cell = format!("<td>{s}</td>\n<td>end</td>");
        assert!(html.contains(&cell), "{s:?}: {html}");
    }
}

#[test]
fn prose_keeps_paired_backticks_as_code() {
    assert_eq!(prose("`--prune` stops its renewal", false), "`--prune` stops its renewal");
    assert_eq!(prose("entry `a|b` here", true), "entry `a\\|b` here");
    assert_eq!(prose("`x``y` `@z`", false), "`x` `y` `@z`");
    assert_eq!(text("`@"), "\\`<code>@</code>");
    assert_eq!(prose("odd ` tick <x>", false), "odd \\` tick &lt;x&gt;");
    assert_eq!(prose("> `x` <!--", false), "&gt; `x` &lt;!--");
    assert_eq!(prose("1. `x`", false), "1. `x`");
    assert_eq!(block("1. `x`"), "1\\. `x`");
    assert_eq!(block("- x"), "\\- x");
    assert_eq!(text("- x"), "- x");
    let html = gfm(&prose("`protect` is set on entry `a`b``: @x <!--", false));
    assert!(!html.contains("<!--") && !html.contains("<a "), "{html}");
}

#[test]
fn json_writes_active_characters_as_escapes_of_the_same_value() {
    let value = serde_json::json!({ "name": "a\u{1b}[2K\r\u{202e}b\u{7f}\u{85}\u{e0041}é\"" });
    let escaped = r#""a\u001b[2K\r\u202eb\u007f\u0085\udb40\udc41é\"""#;
    let text = super::json::to_string(&value);
    assert_eq!(text, format!("{{\"name\":{escaped}}}"));
    assert_eq!(serde_json::from_str::<serde_json::Value>(&text).unwrap(), value);
    let mut pretty = Vec::new();
    super::json::to_writer_pretty(&mut pretty, &value).unwrap();
    let pretty = String::from_utf8(pretty).unwrap();
    assert_eq!(pretty, format!("{{\n  \"name\": {escaped}\n}}"));
}
