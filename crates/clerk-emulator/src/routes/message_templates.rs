//! Email and SMS templates (`/v1/templates/{template_type}[/{slug}]`): list, read, change,
//! revert, preview, and switch Clerk's delivery on or off.
//!
//! The instance starts with the built-in templates its messages come from (see
//! `domain::message_templates`); a change is stored, and every email and SMS the emulator sends
//! afterwards is rendered from it, with `delivered_by_clerk` taken from it.

use crate::domain::message_templates::*;
use crate::domain::paging::list_page;
use crate::error::ApiResult;
use crate::server::{JsonBody, Query, Shared, json};
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;

pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route("/v1/templates/{template_type}", get(list_handler))
        .route(
            "/v1/templates/{template_type}/{slug}",
            get(get_handler).put(upsert_template),
        )
        .route(
            "/v1/templates/{template_type}/{slug}/revert",
            post(revert_template),
        )
        .route(
            "/v1/templates/{template_type}/{slug}/preview",
            post(preview_template),
        )
        .route(
            "/v1/templates/{template_type}/{slug}/toggle_delivery",
            post(toggle_template_delivery),
        )
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ListParams {
    paginated: Option<bool>,
    limit: Option<i64>,
    offset: Option<i64>,
}

/// `GET /v1/templates/{template_type}`: an array by position, or `{data, total_count}` with
/// `paginated=true`.
async fn list_handler(
    State(state): State<Shared>,
    Path(template_type): Path<String>,
    Query(params): Query<ListParams>,
) -> ApiResult<Response> {
    let all = list_templates(&state.read(), &template_type)?;
    Ok(list_page(
        all.into_iter(),
        params.limit,
        params.offset,
        params.paginated,
    ))
}

async fn get_handler(
    State(state): State<Shared>,
    Path((template_type, slug)): Path<(String, String)>,
) -> ApiResult<Response> {
    Ok(json(&get_template(&state.read(), &template_type, &slug)?))
}

async fn upsert_template(
    State(state): State<Shared>,
    Path((template_type, slug)): Path<(String, String)>,
    JsonBody(body): JsonBody<UpsertBody>,
) -> ApiResult<Response> {
    let mut db = state.write();
    Ok(json(&upsert(
        &mut db,
        &state.instance_id,
        &template_type,
        &slug,
        body,
    )?))
}

async fn revert_template(
    State(state): State<Shared>,
    Path((template_type, slug)): Path<(String, String)>,
) -> ApiResult<Response> {
    Ok(json(&revert(&mut state.write(), &template_type, &slug)?))
}

async fn preview_template(
    State(state): State<Shared>,
    Path((template_type, slug)): Path<(String, String)>,
    JsonBody(body): JsonBody<PreviewBody>,
) -> ApiResult<Response> {
    Ok(json(&preview(&state.read(), &template_type, &slug, body)?))
}

async fn toggle_template_delivery(
    State(state): State<Shared>,
    Path((template_type, slug)): Path<(String, String)>,
    JsonBody(body): JsonBody<ToggleBody>,
) -> ApiResult<Response> {
    Ok(json(&toggle_delivery(
        &mut state.write(),
        &template_type,
        &slug,
        body,
    )?))
}
