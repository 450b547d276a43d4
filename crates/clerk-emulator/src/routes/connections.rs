//! SAML connections (`/v1/saml_connections`) and enterprise connections
//! (`/v1/enterprise_connections`): create, list, read, update, delete.
//!
//! A domain belongs to one connection of either kind at most; connections start inactive and
//! can be activated only once their IdP is configured. No one signs in through them: the
//! emulator has no Frontend API. Enterprise connection test runs are not emulated.

use crate::domain::connections::*;
use crate::error::ApiResult;
use crate::server::{JsonBody, Query, Shared, json};
use crate::wire::DeletedObject;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;

pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route(
            "/v1/saml_connections",
            get(list_saml_handler).post(create_saml_handler),
        )
        .route(
            "/v1/saml_connections/{saml_connection_id}",
            get(get_saml_handler)
                .patch(update_saml_handler)
                .delete(delete_saml_handler),
        )
        .route(
            "/v1/enterprise_connections",
            get(list_enterprise_handler).post(create_enterprise_handler),
        )
        .route(
            "/v1/enterprise_connections/{enterprise_connection_id}",
            get(get_enterprise_handler)
                .patch(update_enterprise_handler)
                .delete(delete_enterprise_handler),
        )
}

fn deleted(object: &str, id: String) -> Response {
    json(&DeletedObject {
        object: object.into(),
        id: Some(id),
        slug: None,
        deleted: true,
        external_id: None,
    })
}

async fn list_saml_handler(
    State(state): State<Shared>,
    Query(params): Query<SamlListParams>,
) -> ApiResult<Response> {
    let (data, total) = list_saml(&state.read(), &params)?;
    Ok(json(&json!({"data": data, "total_count": total})))
}

async fn create_saml_handler(
    State(state): State<Shared>,
    JsonBody(body): JsonBody<SamlCreateBody>,
) -> ApiResult<Response> {
    let mut db = state.write();
    Ok(json(&create_saml(&mut db, &state.base_url, body)?))
}

async fn get_saml_handler(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    Ok(json(&get_saml(&state.read(), &id)?))
}

async fn update_saml_handler(
    State(state): State<Shared>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<SamlUpdateBody>,
) -> ApiResult<Response> {
    Ok(json(&update_saml(&mut state.write(), &id, body)?))
}

async fn delete_saml_handler(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    delete_saml(&mut state.write(), &id)?;
    Ok(deleted("saml_connection", id))
}

async fn list_enterprise_handler(
    State(state): State<Shared>,
    Query(params): Query<EnterpriseListParams>,
) -> ApiResult<Response> {
    let (data, total) = list_enterprise(&state.read(), &params)?;
    Ok(json(&json!({"data": data, "total_count": total})))
}

/// `POST /v1/enterprise_connections` answers 201, as the spec documents.
async fn create_enterprise_handler(
    State(state): State<Shared>,
    JsonBody(body): JsonBody<EnterpriseCreateBody>,
) -> ApiResult<Response> {
    let mut db = state.write();
    let created = create_enterprise(&mut db, &state.base_url, body)?;
    Ok((StatusCode::CREATED, json(&created)).into_response())
}

async fn get_enterprise_handler(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    Ok(json(&render_enterprise(&get_enterprise(
        &state.read(),
        &id,
    )?)))
}

async fn update_enterprise_handler(
    State(state): State<Shared>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<EnterpriseUpdateBody>,
) -> ApiResult<Response> {
    Ok(json(&update_enterprise(&mut state.write(), &id, body)?))
}

async fn delete_enterprise_handler(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    delete_enterprise(&mut state.write(), &id)?;
    Ok(deleted("enterprise_connection", id))
}
