//! Sign-ups (`/v1/sign_ups/{id}`): read and update. No sign-up exists in the emulator (it has
//! no Frontend API to start one), so a valid request answers 404 `resource_not_found`.

use crate::domain::sign_ups::*;
use crate::error::ApiResult;
use crate::server::{JsonBody, Shared};
use axum::Router;
use axum::extract::Path;
use axum::response::Response;
use axum::routing::get;
use serde_json::{Map, Value};

pub(crate) fn router() -> Router<Shared> {
    Router::new().route("/v1/sign_ups/{id}", get(read).patch(update))
}

async fn read(Path(id): Path<String>) -> ApiResult<Response> {
    Err(sign_up_not_found(&id))
}

async fn update(
    Path(id): Path<String>,
    JsonBody(body): JsonBody<Map<String, Value>>,
) -> ApiResult<Response> {
    check_update(&body)?;
    Err(sign_up_not_found(&id))
}
