//! A tile create the server refuses because its deduplication found every
//! tile and minitile in earlier orders: nothing was bought, and the entry's
//! tiles are already ordered, so the step is reported as done ("already
//! ordered", with the GUIDs), not as a failure of apply.
//!
//! Pure, no IO. Assumption: the docs do not show the refusal; skyform
//! recognises a 400 on `TileGuids`/`MiniTileGuids` whose message says
//! "already ordered" for a create sent with `TileDeduplication: true` (the
//! emulator's "All tiles and minitiles are already ordered").

use clearsky::api::Error;
use clearsky::api::types::OrderRequest;

/// The note for a create refused as fully deduplicated, or `None` for any
/// other refusal.
pub(super) fn already_ordered(error: &Error, sent: &OrderRequest) -> Option<String> {
    if sent.tile_deduplication != Some(true) {
        return None;
    }
    let Error::Api { fields, .. } = error else { return None };
    let said = fields
        .iter()
        .filter(|(field, _)| {
            field.eq_ignore_ascii_case("TileGuids") || field.eq_ignore_ascii_case("MiniTileGuids")
        })
        .flat_map(|(_, messages)| messages)
        .any(|m| m.to_ascii_lowercase().contains("already ordered"));
    if !said {
        return None;
    }
    let guids: Vec<&str> =
        sent.tile_guids.iter().chain(&sent.mini_tile_guids).flatten().map(String::as_str).collect();
    Some(format!(
        "already ordered: the server's tile deduplication found {} in earlier orders with the \
         same settings; nothing was bought",
        guids.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clearsky::api::types::FieldErrors;

    fn refusal(field: &str, message: &str) -> Error {
        Error::Api {
            status: 400,
            code: Some(992),
            message: "One or more validation errors occurred.".into(),
            fields: FieldErrors::from([(field.to_owned(), vec![message.to_owned()])]),
        }
    }

    #[test]
    fn only_a_deduplicated_tile_create_is_already_ordered() {
        let sent = OrderRequest {
            tile_guids: Some(vec!["t1".into()]),
            mini_tile_guids: Some(vec!["m1".into()]),
            tile_deduplication: Some(true),
            ..OrderRequest::default()
        };
        let dedup = refusal("TileGuids", "All tiles and minitiles are already ordered");
        assert_eq!(
            already_ordered(&dedup, &sent).unwrap(),
            "already ordered: the server's tile deduplication found t1, m1 in earlier orders \
             with the same settings; nothing was bought"
        );
        assert_eq!(already_ordered(&refusal("TileGuids", "'x' is not a known tile"), &sent), None);
        assert_eq!(already_ordered(&refusal("Wkt", "already ordered"), &sent), None);
        let plain = OrderRequest { tile_deduplication: None, ..sent.clone() };
        assert_eq!(already_ordered(&dedup, &plain), None);
        assert_eq!(already_ordered(&Error::RateLimited { retry_after: None }, &sent), None);
    }
}
