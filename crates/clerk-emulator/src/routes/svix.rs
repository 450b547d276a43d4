//! Webhooks: the instance's Svix app (`/v1/webhooks/svix`, `/v1/webhooks/svix_url`): create
//! it, delete it, and get a link to its dashboard. Webhook delivery itself is the emulator's
//! `--webhook-url`; these operations only keep whether the app exists.

use crate::domain::svix::*;
use crate::error::ApiResult;
use crate::server::{Shared, json};
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;

pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route("/v1/webhooks/svix", post(create).delete(delete))
        .route("/v1/webhooks/svix_url", post(url))
}

async fn create(State(state): State<Shared>) -> Response {
    let mut db = state.write();
    json(&create_app(&mut db, &state.base_url))
}

/// Answers 204 with no body, as the spec documents.
async fn delete(State(state): State<Shared>) -> ApiResult<Response> {
    delete_app(&mut state.write())?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn url(State(state): State<Shared>) -> ApiResult<Response> {
    Ok(json(&app_url(&state.read(), &state.base_url)?))
}
