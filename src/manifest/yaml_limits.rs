//! How manifest YAML is read: serde-saphyr's options (the YAML 1.2 core
//! schema, see `yaml_core`, and the parser's limits) and the messages of the
//! limits: a breached limit is told as a plain sentence naming the limit,
//! never as the parser's `budget breached: Depth { depth: 65 }`.
//!
//! Pure, no IO.

/// Deepest nesting of lists and mappings.
pub(crate) const MAX_DEPTH: usize = 64;
/// Most YAML nodes (lists, mappings, values) in one file.
pub(crate) const MAX_NODES: usize = 5_000_000;
/// Most parser events in one file.
pub(crate) const MAX_EVENTS: usize = 10_000_000;
/// Most aliases (`*name`) in one file.
pub(crate) const MAX_ALIASES: usize = 1_000;
/// Most anchors (`&name`) in one file.
pub(crate) const MAX_ANCHORS: usize = 1_000;
/// Most bytes of text in all values of one file.
pub(crate) const MAX_SCALAR_BYTES: usize = 512 * 1024 * 1024;

/// The parser options: YAML 1.2 booleans, skyform's limits.
pub fn options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        strict_booleans: true,
        budget: serde_saphyr::budget! {
            max_aliases: MAX_ALIASES,
            max_anchors: MAX_ANCHORS,
            max_depth: MAX_DEPTH,
            max_documents: 1,
            max_nodes: MAX_NODES,
            max_events: MAX_EVENTS,
            max_total_scalar_bytes: MAX_SCALAR_BYTES,
        },
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: 100_000,
            max_replay_stack_depth: 16,
        },
        with_snippet: false,
    }
}

/// A plain sentence for the parser's `budget breached: NAME { … }` text, or
/// `None` when `text` is not a breached limit.
pub(crate) fn plain(text: &str) -> Option<String> {
    let breach = text.strip_prefix("budget breached: ")?;
    let name = breach.split([' ', '{']).next().unwrap_or(breach);
    let sentence = match name {
        "Depth" => format!("lists and mappings nest deeper than {MAX_DEPTH} levels, the limit"),
        "Nodes" => format!("the file has more than {MAX_NODES} YAML values, the limit"),
        "Events" => format!("the file has more than {MAX_EVENTS} YAML events, the limit"),
        "Aliases" => format!("the file uses more than {MAX_ALIASES} aliases (`*name`), the limit"),
        "Anchors" => {
            format!("the file defines more than {MAX_ANCHORS} anchors (`&name`), the limit")
        }
        "AliasAnchorRatio" => {
            "aliases are expanded far more often than anchors are defined (an alias bomb?)".into()
        }
        "ScalarBytes" => format!(
            "the values of the file hold more than {} MiB of text, the limit",
            MAX_SCALAR_BYTES / (1024 * 1024)
        ),
        "CommentBytes" => "the comments of the file are longer than the parser allows".into(),
        "Documents" => "the file holds more than one YAML document (`---`)".into(),
        "InputBytes" => "the file is longer than the parser allows".into(),
        "MergeKeys" => "the file uses more merge keys (`<<`) than the parser allows".into(),
        "SequenceUnbalanced" => "a list is not closed".into(),
        _ => "the file exceeds a limit of the YAML parser".into(),
    };
    Some(sentence)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breaches_read_as_sentences() {
        assert_eq!(
            plain("budget breached: Depth { depth: 65 }").unwrap(),
            "lists and mappings nest deeper than 64 levels, the limit"
        );
        assert!(plain("budget breached: Nodes { nodes: 5000001 }").unwrap().contains("5000000"));
        assert!(plain("budget breached: CommentBytes { total_comment_bytes: 1 }").is_some());
        assert!(plain("budget breached: SomethingNew").unwrap().contains("limit"));
        assert_eq!(plain("did not find expected key"), None);
    }
}
