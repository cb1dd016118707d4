//! What the machine formats (`plan --format json`, `apply --format json`)
//! share: their compatibility rules, the generator of their JSON Schemas, and
//! the view of an [`Action`].
//!
//! Pure.
//!
//! # Compatibility
//!
//! Each format is a public contract (cargo's `schemas.md`): fields are added,
//! never renamed or removed, and an optional field is written as `null` rather
//! than left out. A breaking change bumps the format's `format_version`. Each
//! committed schema under `schemas/` is generated from the view types
//! ([`generate`]) and a test fails when the two drift apart.

use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use schemars::transform::RecursiveTransform;
use serde::Serialize;

use crate::plan::Action;

/// The JSON Schema (draft 2020-12) of `T`. Every property is `required`, since
/// optional values are written as `null`, never left out.
pub(super) fn generate<T: JsonSchema>() -> serde_json::Value {
    let all_required = RecursiveTransform(|schema: &mut schemars::Schema| {
        let keys: Option<Vec<serde_json::Value>> = schema
            .get("properties")
            .and_then(serde_json::Value::as_object)
            .map(|props| props.keys().map(|k| k.as_str().into()).collect());
        if let Some(keys) = keys {
            schema.insert("required".to_owned(), keys.into());
        }
    });
    SchemaSettings::draft2020_12()
        .with_transform(all_required)
        .into_generator()
        .into_root_schema_for::<T>()
        .to_value()
}

/// Kind of a change.
#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
#[schemars(rename = "Action")]
#[serde(rename_all = "lowercase")]
pub(super) enum ActionView {
    /// An entry is satisfied by a live order; nothing happens.
    Keep,
    /// A new order is placed.
    Create,
    /// A new order is placed, then the old one is cancelled where the rules allow.
    Replace,
    /// A live order is cancelled.
    Cancel,
    /// A cancel or replace is wanted but forbidden; the plan fails.
    Blocked,
    /// A live order in no manifest; never touched.
    Unmanaged,
}

impl From<Action> for ActionView {
    fn from(action: Action) -> Self {
        match action {
            Action::Keep => Self::Keep,
            Action::Create => Self::Create,
            Action::Replace => Self::Replace,
            Action::Cancel => Self::Cancel,
            Action::Blocked => Self::Blocked,
            Action::Unmanaged => Self::Unmanaged,
        }
    }
}
