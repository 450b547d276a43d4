//! Errors in Clerk's shape: `{"errors": [{code, message, long_message, meta}], "clerk_trace_id"}`
//! with the status and code Clerk uses for each situation (see CLERK-FACTS §1).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::wire::ClerkError;
use serde_json::{Map, Value};

/// The body of every error answer (the spec's `ClerkErrors`).
#[derive(Serialize)]
struct ErrorBody<'a> {
    errors: &'a [ClerkError],
    clerk_trace_id: &'a str,
}

/// An error answer of the emulated API.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) errors: Vec<ClerkError>,
    pub(crate) retry_after: Option<u64>,
}

pub(crate) type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub(crate) fn new(
        status: StatusCode,
        code: &str,
        message: &str,
        long_message: impl Into<String>,
    ) -> Self {
        ApiError {
            status,
            errors: vec![ClerkError {
                code: code.to_owned(),
                message: message.to_owned(),
                long_message: long_message.into(),
                meta: None,
            }],
            retry_after: None,
        }
    }

    /// The first error's code and long message, for errors that leave the HTTP layer.
    pub(crate) fn describe(&self) -> String {
        match self.errors.first() {
            Some(e) => format!("{}: {}", e.code, e.long_message),
            None => self.status.to_string(),
        }
    }

    /// Adds `meta.param_name` to the first error.
    pub(crate) fn param(mut self, name: &str) -> Self {
        if let Some(first) = self.errors.first_mut() {
            first
                .meta
                .get_or_insert_with(Map::new)
                .insert("param_name".to_owned(), Value::String(name.to_owned()));
        }
        self
    }

    /// Adds `meta.<key>` to the first error.
    pub(crate) fn meta(mut self, key: &str, value: Value) -> Self {
        if let Some(first) = self.errors.first_mut() {
            first
                .meta
                .get_or_insert_with(Map::new)
                .insert(key.to_owned(), value);
        }
        self
    }

    /// Adds another error to the body.
    pub(crate) fn and(mut self, other: ApiError) -> Self {
        self.errors.extend(other.errors);
        self
    }

    /// The status this error answers with.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The first error's code.
    pub fn code(&self) -> &str {
        self.errors.first().map_or("", |e| e.code.as_str())
    }

    // ---- the catalogue -------------------------------------------------------------------

    pub(crate) fn auth_header_invalid() -> Self {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "authorization_header_format_invalid",
            "Invalid Authorization header format",
            "Invalid Authorization header format. Must be 'Bearer <YOUR_API_KEY>'",
        )
    }

    pub(crate) fn secret_key_invalid() -> Self {
        let text = "The provided Clerk Secret Key is invalid. Make sure that your Clerk Secret Key is correct.";
        ApiError::new(StatusCode::UNAUTHORIZED, "clerk_key_invalid", text, text)
    }

    pub(crate) fn not_found(long_message: impl Into<String>) -> Self {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "resource_not_found",
            "not found",
            long_message,
        )
    }

    pub(crate) fn user_not_found(id: &str) -> Self {
        ApiError::not_found(format!("No user was found with id {id}"))
    }

    pub(crate) fn resource_not_found() -> Self {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "resource_not_found",
            "not found",
            "Resource not found",
        )
    }

    /// An email address or phone number that is not there (identifications.go).
    pub(crate) fn identification_not_found() -> Self {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "resource_not_found",
            "Resource not found",
            "Resource not found",
        )
    }

    /// `attribute` is `id` or `name`.
    pub(crate) fn jwt_template_not_found(attribute: &str, value: &str) -> Self {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "resource_not_found",
            "JWT template not found",
            format!("No JWT template exists with {attribute}: {value}"),
        )
    }

    /// Identifiers the allow-list or block-list refuse (auth.go/IdentifierNotAllowedAccess).
    pub(crate) fn not_allowed_access(identifiers: &[String]) -> Self {
        let verb = if identifiers.len() == 1 { "is" } else { "are" };
        ApiError::new(
            StatusCode::FORBIDDEN,
            "not_allowed_access",
            "Access not allowed.",
            format!(
                "{} {verb} not allowed to access this application.",
                identifiers.join(", ")
            ),
        )
        .meta(
            "identifiers",
            Value::Array(identifiers.iter().cloned().map(Value::String).collect()),
        )
    }

    /// A parameter needed because another one is present.
    pub(crate) fn conditional_param_missing(missing: &str, present: &str) -> Self {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_conditional_param_missing",
            "is missing",
            format!("`{missing}` is required when `{present}` is present."),
        )
        .param(missing)
    }

    pub(crate) fn identifier_exists(param: &str) -> Self {
        let what = match param {
            "email_address" => "email address",
            "phone_number" => "phone number",
            "web3_wallet" => "web3 wallet",
            "external_id" => "external ID",
            other => other,
        };
        let text = format!("That {what} is taken. Please try another.");
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_identifier_exists",
            &text,
            text.clone(),
        )
        .param(param)
    }

    pub(crate) fn format_invalid(param: &str, long_message: impl Into<String>) -> Self {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_param_format_invalid",
            "is invalid",
            long_message,
        )
        .param(param)
    }

    pub(crate) fn value_invalid(param: &str, long_message: impl Into<String>) -> Self {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_param_value_invalid",
            "is invalid",
            long_message,
        )
        .param(param)
    }

    pub(crate) fn param_unknown(param: &str) -> Self {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_param_unknown",
            "is unknown",
            format!("{param} is not a valid parameter for this request."),
        )
        .param(param)
    }

    pub(crate) fn param_missing(param: &str) -> Self {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_param_missing",
            "is missing",
            format!("{param} must be included."),
        )
        .param(param)
    }

    pub(crate) fn body_invalid() -> Self {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "request_body_invalid",
            "Request body invalid",
            "The request body is invalid. Please consult the API documentation for more information.",
        )
    }

    pub(crate) fn body_too_large(limit: usize) -> Self {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "request_body_too_large",
            "Request body too large",
            format!("The request body exceeds the maximum allowed size of {limit} bytes."),
        )
    }

    pub(crate) fn query_invalid(detail: impl std::fmt::Display) -> Self {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed_request_parameters",
            "malformed request parameters",
            format!("The request parameters are malformed: {detail}"),
        )
    }

    pub(crate) fn too_many_requests(retry_after: u64) -> Self {
        let mut e = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_requests",
            "Too many requests",
            "Too many requests, retry later",
        );
        e.retry_after = Some(retry_after);
        e
    }

    pub(crate) fn internal() -> Self {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_clerk_error",
            "Oops, an unexpected error occurred",
            "There was an internal error on our servers. We've been notified and are working on fixing it.",
        )
    }

    pub(crate) fn unavailable() -> Self {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "service_unavailable",
            "Service unavailable",
            "The service is temporarily unavailable. Please try again.",
        )
    }

    pub(crate) fn not_implemented(operation_id: &str) -> Self {
        ApiError::new(
            StatusCode::NOT_IMPLEMENTED,
            "operation_not_implemented",
            "not implemented",
            format!("The Clerk emulator does not implement {operation_id} yet."),
        )
    }
}

/// A fresh trace id: 32 lowercase hex digits, as Clerk's look.
pub(crate) fn trace_id() -> String {
    format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..))
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let trace = trace_id();
        let body = ErrorBody {
            errors: &self.errors,
            clerk_trace_id: &trace,
        };
        let bytes = serde_json::to_vec(&body).unwrap_or_else(|_| b"{\"errors\":[]}".to_vec());
        let mut response = (self.status, bytes).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        if let Ok(v) = HeaderValue::from_str(&trace) {
            headers.insert("clerk-trace-id", v);
        }
        if let Some(secs) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}
