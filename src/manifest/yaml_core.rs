//! Manifests are read by the YAML 1.2 core schema (serde-saphyr's
//! `strict_booleans`, set in [`yaml_limits::options`](super::yaml_limits::options)):
//! only `true` and `false` are booleans, so YAML 1.1's `NO`, `y` and `off`
//! (the "Norway problem") are strings. A boolean field given one of those
//! spellings is refused as a string, with a hint naming the boolean meant.
//!
//! Pure, no IO.

/// The boolean YAML 1.1 read `s` as (`yes`, `y`, `on` / `no`, `n`, `off`, in
/// any case), or `None` for any other text.
pub(crate) fn yaml_1_1_boolean(s: &str) -> Option<bool> {
    let is = |words: [&str; 3]| words.iter().any(|w| w.eq_ignore_ascii_case(s.trim()));
    if is(["yes", "y", "on"]) {
        Some(true)
    } else if is(["no", "n", "off"]) {
        Some(false)
    } else {
        None
    }
}

/// The hint for a boolean field given a YAML 1.1 boolean spelling.
pub(crate) fn boolean_hint(meant: bool) -> String {
    format!("manifests are YAML 1.2, where only `true` and `false` are booleans: write `{meant}`")
}

#[cfg(test)]
mod tests {
    use crate::manifest::text::check;
    use crate::testing::{ONE_ENTRY_MANIFEST, load_manifest};

    /// [`ONE_ENTRY_MANIFEST`] with its entry named by `name` as written.
    fn named(name: &str) -> String {
        ONE_ENTRY_MANIFEST.replace("- name: a\n", &format!("- name: {name}\n"))
    }

    #[test]
    fn yaml_1_1_booleans_are_names() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["NO", "y", "off", "Yes", "ON", "n"] {
            let set = load_manifest(dir.path(), &named(name));
            assert_eq!(set.orders[0].name, name);
        }
    }

    #[test]
    fn only_true_and_false_are_booleans() {
        let dir = tempfile::tempdir().unwrap();
        for (written, protect) in
            [("true", true), ("false", false), ("True", true), ("FALSE", false)]
        {
            let text = named(&format!("a\n    protect: {written}"));
            assert_eq!(load_manifest(dir.path(), &text).orders[0].protect, protect, "{written}");
        }
    }

    #[test]
    fn a_boolean_field_given_yes_is_refused_as_a_string() {
        let diags = check("o.yaml", &named("a\n    protect: yes")).unwrap_err();
        let d = diags.iter().next().unwrap();
        assert_eq!((d.line, d.column), (3, 14));
        assert_eq!(d.message, "`protect` must be `true` or `false`, found a string `yes`");
        assert_eq!(
            d.hints,
            ["manifests are YAML 1.2, where only `true` and `false` are booleans: write `true`"]
        );
        let diags = check("o.yaml", &named("a\n    protect: off")).unwrap_err();
        let d = diags.iter().next().unwrap();
        assert_eq!(d.message, "`protect` must be `true` or `false`, found a string `off`");
        assert!(d.hints[0].ends_with("write `false`"), "{:?}", d.hints);
    }
}
