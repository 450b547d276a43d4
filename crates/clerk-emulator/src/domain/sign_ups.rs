//! The rules of the sign-ups group, below HTTP. The emulator has no Frontend API, so no
//! sign-up is ever created: every id is unknown, and the operations answer 404 once the
//! request itself is valid.

use crate::error::{ApiError, ApiResult};
use serde_json::{Map, Value};

/// 404 for a sign-up id (none exists in the emulator).
pub(crate) fn sign_up_not_found(id: &str) -> ApiError {
    ApiError::not_found(format!("No sign up was found with id {id}"))
}

/// Checks the types of the fields `PATCH /v1/sign_ups/{id}` knows (`external_id`: string or
/// null, `custom_action`: boolean or null); other members are allowed, as the spec's body
/// allows them.
pub(crate) fn check_update(body: &Map<String, Value>) -> ApiResult<()> {
    for (param, ok) in [
        (
            "external_id",
            body.get("external_id")
                .is_none_or(|v| v.is_string() || v.is_null()),
        ),
        (
            "custom_action",
            body.get("custom_action")
                .is_none_or(|v| v.is_boolean() || v.is_null()),
        ),
    ] {
        if !ok {
            let received = body.get(param).map(Value::to_string).unwrap_or_default();
            return Err(ApiError::value_invalid(
                param,
                format!("{param} is invalid. Received {received}."),
            ));
        }
    }
    Ok(())
}
