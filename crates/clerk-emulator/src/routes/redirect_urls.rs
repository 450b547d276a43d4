//! Redirect URLs (`/v1/redirect_urls`): the URLs the instance may send users to after
//! authentication. A URL is `scheme://...` (custom schemes for native apps included), stored
//! as given and unique (422 `form_identifier_exists`, **unverified**); the list is a bare array
//! (`{data, total_count}` with `paginated=true`), oldest first (**unverified** order).

use crate::domain::instance::valid_redirect_url;
use crate::error::{ApiError, ApiResult};
use crate::ids::{new_id, now_ms};
use crate::server::{JsonBody, Query, Shared, json};
use crate::wire::{DeletedObject, RedirectUrl};
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;

pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route("/v1/redirect_urls", get(list).post(create))
        .route("/v1/redirect_urls/{id}", get(get_one).delete(delete_one))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ListParams {
    paginated: Option<bool>,
    limit: Option<i64>,
    offset: Option<i64>,
}

async fn list(State(state): State<Shared>, Query(p): Query<ListParams>) -> ApiResult<Response> {
    let db = state.read();
    Ok(crate::domain::paging::list_page(
        db.instance.redirect_urls.values(),
        p.limit,
        p.offset,
        p.paginated,
    ))
}

#[derive(Debug, Deserialize)]
struct CreateBody {
    url: String,
}

fn not_found(id: &str) -> ApiError {
    ApiError::not_found(format!("No redirect URL was found with id {id}"))
}

async fn create(
    State(state): State<Shared>,
    JsonBody(b): JsonBody<CreateBody>,
) -> ApiResult<Response> {
    let url = b.url.trim().to_owned();
    if !valid_redirect_url(&url) {
        return Err(ApiError::format_invalid(
            "url",
            "url must be a valid URL, such as https://example.com/callback or myapp://callback.",
        ));
    }
    let mut db = state.write();
    if db.instance.redirect_urls.values().any(|r| r.url == url) {
        return Err(ApiError::identifier_exists("url"));
    }
    let now = now_ms();
    let r = RedirectUrl {
        object: "redirect_url".into(),
        id: new_id("ru"),
        url,
        created_at: now,
        updated_at: now,
    };
    db.instance.redirect_urls.insert(r.id.clone(), r.clone());
    Ok(json(&r))
}

async fn get_one(State(state): State<Shared>, Path(id): Path<String>) -> ApiResult<Response> {
    let db = state.read();
    let r = db
        .instance
        .redirect_urls
        .get(&id)
        .ok_or_else(|| not_found(&id))?;
    Ok(json(r))
}

async fn delete_one(State(state): State<Shared>, Path(id): Path<String>) -> ApiResult<Response> {
    let mut db = state.write();
    db.instance
        .redirect_urls
        .remove(&id)
        .ok_or_else(|| not_found(&id))?;
    Ok(json(&DeletedObject {
        object: "redirect_url".into(),
        id: Some(id),
        slug: None,
        deleted: true,
        external_id: None,
    }))
}
