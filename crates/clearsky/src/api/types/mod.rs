//! Wire types of the ClearSKY tasking API, shared by the client and the emulator.
//!
//! Pure data, no IO. One file per resource: [`envelope`] (the `ServiceResult`
//! wrapper, error codes, problem details), [`orders`], [`estimate`],
//! [`catalog`] (models and tile search), [`account`], and the lenient decoding
//! they share ([`serde_helpers`]). Everything is re-exported here, so callers
//! write `api::types::TaskOrder`.
//!
//! Keys are PascalCase as the API writes them. Output is always PascalCase
//! with `To: null` present. Decoding is tolerant where the API has changed
//! between generations: unknown fields are ignored, the estimate's three
//! generations of cost fields are read through aliases, the order status is an
//! open enum, and `Tiles` may be plain GUID strings or `{Guid, Wkt}` objects.
//! Keys are matched case-insensitively on both sides ([`casing`]): the client
//! rewrites every answer's keys to these spellings before decoding (answers
//! have come in camelCase), and the emulator does the same with request bodies.

pub mod account;
pub mod casing;
pub mod catalog;
pub mod envelope;
pub mod estimate;
pub mod orders;
pub mod serde_helpers;

pub use account::{AccountInfo, ApiKeyInfo};
pub use catalog::{
    SupportedConstellation, TaskingModel, TaskingModels, TileInfo, TileSearch, TileSearchRequest,
};
pub use envelope::{Envelope, ErrorBody, FieldErrors, ProblemDetails, codes};
pub use estimate::{CostBreakdown, CostTotal, Estimate};
pub use orders::{DetailsRequest, OrderRequest, OrderStatus, TaskOrder, TaskOrders, TileRef};
pub use serde_helpers::{lenient_date, lenient_date_opt, parse_date};
