//! The SCIM 2.0 endpoint of each directory, at its `endpoint_url` (`/scim/{directory_id}`):
//! `Users` created, listed, read, replaced, patched and deleted by the identity provider. It
//! sits beside the Backend API, outside the secret-key check: the directory's own API key,
//! sent as a bearer token, authenticates each request. Answers are `application/scim+json`.

use crate::domain::scim::*;
use crate::server::Shared;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use serde_json::Value;

pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route(
            "/scim/{directory_id}/Users",
            get(list_handler).post(create_handler),
        )
        .route(
            "/scim/{directory_id}/Users/{user_id}",
            get(get_handler)
                .put(replace_handler)
                .patch(patch_handler)
                .delete(delete_handler),
        )
}

fn scim_json(status: StatusCode, value: &Value) -> Response {
    let bytes = serde_json::to_vec(value).unwrap_or_default();
    let mut response = (status, Body::from(bytes)).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/scim+json"),
    );
    response
}

fn answer(result: ScimResult<Response>) -> Response {
    result.unwrap_or_else(|e| scim_json(e.status, &e.body()))
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
}

fn parse(body: &Bytes) -> ScimResult<Value> {
    serde_json::from_slice(body).map_err(|_| invalid_json())
}

/// The query of `GET /Users`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct ListQuery {
    filter: Option<String>,
    start_index: Option<i64>,
    count: Option<i64>,
}

async fn list_handler(
    State(state): State<Shared>,
    Path(directory_id): Path<String>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    answer((|| {
        let q: ListQuery = serde_html_form::from_str(query.as_deref().unwrap_or_default())
            .map_err(|_| invalid_query())?;
        let db = state.read();
        authenticate(&db, &directory_id, bearer(&headers))?;
        let list = list_users(
            &db,
            &state.base_url,
            &directory_id,
            q.filter.as_deref(),
            q.start_index,
            q.count,
        )?;
        Ok(scim_json(StatusCode::OK, &list))
    })())
}

async fn create_handler(
    State(state): State<Shared>,
    Path(directory_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    answer((|| {
        authenticate(&state.read(), &directory_id, bearer(&headers))?;
        let created = create_user(&state, &directory_id, &parse(&body)?)?;
        Ok(scim_json(StatusCode::CREATED, &created))
    })())
}

async fn get_handler(
    State(state): State<Shared>,
    Path((directory_id, user_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    answer((|| {
        let db = state.read();
        authenticate(&db, &directory_id, bearer(&headers))?;
        Ok(scim_json(
            StatusCode::OK,
            &get_user(&db, &state.base_url, &directory_id, &user_id)?,
        ))
    })())
}

async fn replace_handler(
    State(state): State<Shared>,
    Path((directory_id, user_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    answer((|| {
        let mut db = state.write();
        authenticate(&db, &directory_id, bearer(&headers))?;
        let user = replace_user(
            &mut db,
            &state.base_url,
            &directory_id,
            &user_id,
            &parse(&body)?,
        )?;
        Ok(scim_json(StatusCode::OK, &user))
    })())
}

async fn patch_handler(
    State(state): State<Shared>,
    Path((directory_id, user_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    answer((|| {
        let mut db = state.write();
        authenticate(&db, &directory_id, bearer(&headers))?;
        let user = patch_user(
            &mut db,
            &state.base_url,
            &directory_id,
            &user_id,
            &parse(&body)?,
        )?;
        Ok(scim_json(StatusCode::OK, &user))
    })())
}

async fn delete_handler(
    State(state): State<Shared>,
    Path((directory_id, user_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    answer((|| {
        let mut db = state.write();
        authenticate(&db, &directory_id, bearer(&headers))?;
        delete_user(&mut db, &directory_id, &user_id)?;
        Ok(StatusCode::NO_CONTENT.into_response())
    })())
}
