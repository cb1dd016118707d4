//! The `ServiceResult` envelope around every answer, its error member, the
//! error codes, and ASP.NET's problem-details body.
//!
//! Pure data, no IO.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The `ServiceResult` envelope around every JSON response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Envelope<T> {
    /// The payload; on a validation error, a map of field name → messages.
    #[serde(default = "none")]
    pub data: Option<T>,
    /// False on any error, also on a 2xx.
    #[serde(default)]
    pub succeeded: bool,
    /// Present when `succeeded` is false.
    #[serde(default)]
    pub error: Option<ErrorBody>,
}

fn none<T>() -> Option<T> {
    None
}

impl<T> Envelope<T> {
    /// Wraps a successful payload.
    pub fn ok(data: T) -> Self {
        Self { data: Some(data), succeeded: true, error: None }
    }
}

/// The `Error` member of the envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ErrorBody {
    /// Human-readable message.
    #[serde(default)]
    pub message: String,
    /// Numeric code: 992/993 validation, 1003 concurrency, 995 insufficient order credits (emulator).
    #[serde(default)]
    pub code: i64,
}

/// Field name → messages, the `Data` of a 400 envelope.
pub type FieldErrors = BTreeMap<String, Vec<String>>;

/// Error codes the API and the emulator use.
pub mod codes {
    /// Body or parameters malformed or invalid.
    pub const VALIDATION: i64 = 992;
    /// Parameters invalid (second documented validation code).
    pub const VALIDATION_PARAMS: i64 = 993;
    /// Not enough order credits (EUR) to place the order (emulator's own code; none is documented).
    pub const INSUFFICIENT_ORDER_CREDITS: i64 = 995;
    /// Max concurrent requests reached.
    pub const CONCURRENCY: i64 = 1003;
    /// Unknown order or other resource (emulator's code for 404 bodies).
    pub const NOT_FOUND: i64 = 404;
}

/// ASP.NET problem-details body, sent when model binding fails (e.g. unparsable JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProblemDetails {
    /// e.g. `https://tools.ietf.org/html/rfc9110#section-15.5.1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r#type: Option<String>,
    /// e.g. `One or more validation errors occurred.`
    #[serde(default)]
    pub title: String,
    /// HTTP status.
    #[serde(default)]
    pub status: u16,
    /// Field → messages.
    #[serde(default)]
    pub errors: FieldErrors,
    /// Request trace id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace_id: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_missing_data_member_reads_as_none() {
        let env: Envelope<u32> = serde_json::from_value(
            json!({"Succeeded": false, "Error": {"Message": "no", "Code": 992}}),
        )
        .unwrap();
        assert_eq!(env.data, None);
        assert_eq!(env.error, Some(ErrorBody { message: "no".into(), code: codes::VALIDATION }));
        assert_eq!(Envelope::ok(3).data, Some(3));
    }
}
