//! Case-insensitive JSON keys: the real service is ASP.NET, whose binder
//! accepts any casing, while serde matches names exactly.
//!
//! Pure, no IO. The emulator rewrites a body's keys with [`canonical_keys`]
//! (shared with the client, which reads answers the same way) before
//! decoding it into the API's wire types.

pub(crate) use clearsky::api::types::casing::canonical_keys;
