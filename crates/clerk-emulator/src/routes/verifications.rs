//! One-time codes for email addresses and phone numbers a user already has:
//! `POST /v1/{email_addresses,phone_numbers}/{id}/prepare_verification` sends a code (into the
//! [mailbox](super::mailbox)) on a verification of its own, and `.../attempt_verification`
//! checks it; the right code verifies the address or number.
//!
//! Choices where Clerk's behaviour is not documented (unverified): six-digit codes valid for
//! ten minutes; a new prepare replaces the previous verification of the same address; five
//! wrong codes fail the verification; errors are 400 `form_code_incorrect`,
//! `verification_failed`, `verification_expired` and `verification_already_verified`, as the
//! Frontend API names those situations; a verification id that is not the address's current one
//! is 404.

use crate::domain::verifications::*;
use crate::error::ApiResult;
use crate::server::{JsonBody, Shared};
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::post;

pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route(
            "/v1/email_addresses/{email_address_id}/prepare_verification",
            post(prepare_email),
        )
        .route(
            "/v1/email_addresses/{email_address_id}/attempt_verification",
            post(attempt_email),
        )
        .route(
            "/v1/phone_numbers/{phone_number_id}/prepare_verification",
            post(prepare_phone),
        )
        .route(
            "/v1/phone_numbers/{phone_number_id}/attempt_verification",
            post(attempt_phone),
        )
}

async fn prepare_email(
    State(state): State<Shared>,
    Path(id): Path<String>,
    JsonBody(NoBody {}): JsonBody<NoBody>,
) -> ApiResult<Response> {
    prepare(&state, &id, false)
}

async fn prepare_phone(
    State(state): State<Shared>,
    Path(id): Path<String>,
    JsonBody(NoBody {}): JsonBody<NoBody>,
) -> ApiResult<Response> {
    prepare(&state, &id, true)
}

async fn attempt_email(
    State(state): State<Shared>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<AttemptBody>,
) -> ApiResult<Response> {
    attempt(&state, &id, false, body)
}

async fn attempt_phone(
    State(state): State<Shared>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<AttemptBody>,
) -> ApiResult<Response> {
    attempt(&state, &id, true, body)
}
