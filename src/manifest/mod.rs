//! Manifest files: loading and validation into a
//! [`DesiredSet`](crate::spec::DesiredSet), and their JSON Schema.
//!
//! One field table (`table`) describes every key; the loader walks a
//! position-keeping YAML tree (`node`) by it, so that it can report every
//! problem with its line and column, and `schema` generates
//! `schemas/manifest.schema.json` from it. IO happens only in `load`.

mod aoi;
mod diagnostic;
mod entry_aoi;
mod fields;
mod geometry_checks;
mod load;
mod node;
mod scan;
mod schema;
mod table;
pub mod text;
mod text_checks;
mod validate;
mod yaml_core;
mod yaml_limits;

pub use diagnostic::{Diagnostic, Diagnostics};
pub use load::{Loaded, ReadBytes, load, load_all, load_counted, load_with};
pub(crate) use scan::is_manifest_name;
pub use schema::schema;
pub use yaml_limits::options as yaml_options;
