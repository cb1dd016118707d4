//! "Did you mean": the known word closest to a mistyped one.
//!
//! Pure, no IO.

/// The word of `known` closest to `word`, if one is close enough to be what
/// was meant (normalised Damerau-Levenshtein similarity of at least 0.6).
pub fn closest<'a>(word: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (strsim::normalized_damerau_levenshtein(word, k), *k))
        .filter(|(score, _)| *score >= 0.6)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

/// Like [`closest`], comparing without regard to case (model and key names).
pub fn closest_ignoring_case<'a>(word: &str, known: &[&'a str]) -> Option<&'a str> {
    let lower = word.to_lowercase();
    known
        .iter()
        .map(|k| (strsim::normalized_damerau_levenshtein(&lower, &k.to_lowercase()), *k))
        .filter(|(score, _)| *score >= 0.6)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

/// "did you mean `aarhus-bay` for `arhus-bay`?" for each of `unknown` that
/// has a close word in `known`; `None` when none has.
pub fn did_you_mean<'a>(
    unknown: &[&str],
    known: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let known: Vec<&str> = known.into_iter().collect();
    let guesses: Vec<String> = unknown
        .iter()
        .filter_map(|u| closest(u, &known).map(|k| format!("`{k}` for `{u}`")))
        .collect();
    (!guesses.is_empty()).then(|| format!("did you mean {}?", guesses.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn a_near_miss_is_suggested_and_a_stranger_is_not() {
        let known = ["aarhus-bay", "odense-harbour"];
        assert_eq!(closest("arhus-bay", &known), Some("aarhus-bay"));
        assert_eq!(closest("odense-harbor", &known), Some("odense-harbour"));
        assert_eq!(closest("zzz", &known), None);
        let hint = super::did_you_mean(&["arhus-bay", "zzz"], known);
        assert_eq!(hint.as_deref(), Some("did you mean `aarhus-bay` for `arhus-bay`?"));
    }
}
