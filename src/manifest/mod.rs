//! Manifest files: their serde model, loading and validation.
