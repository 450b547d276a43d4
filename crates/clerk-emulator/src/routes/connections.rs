//! SAML connections (`/v1/saml_connections`) and enterprise connections
//! (`/v1/enterprise_connections`): create, list, read, update, delete.
//!
//! A domain belongs to one connection of either kind at most; connections start inactive and
//! can be activated only once their IdP is configured. No one signs in through them: the
//! emulator has no Frontend API. Enterprise connection test runs
//! (`/v1/enterprise_connections/{id}/test_runs`) finish at a URL on the emulator that plays the
//! IdP (see `domain::connection_tests`).

use crate::domain::connection_tests::*;
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
            "/v1/enterprise_connections/{enterprise_connection_id}/test_runs",
            get(list_test_runs_handler).post(create_test_run_handler),
        )
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

/// What a browser opens without the secret key: the test run URLs.
pub(crate) fn public_router() -> Router<Shared> {
    Router::new().route("/emulator/sso/test_runs/{secret}", get(visit_test_run))
}

async fn list_test_runs_handler(
    State(state): State<Shared>,
    Path(id): Path<String>,
    Query(params): Query<TestRunListParams>,
) -> ApiResult<Response> {
    let (data, total) = list_test_runs(&state.read(), &id, &params)?;
    Ok(json(&json!({"data": data, "total_count": total})))
}

async fn create_test_run_handler(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let secret = create_test_run(&mut state.write(), &id)?;
    Ok(json(
        &json!({"url": test_run_url(&state.base_url, &secret)}),
    ))
}

/// The emulated IdP: finishes the run and shows how it ended.
async fn visit_test_run(
    State(state): State<Shared>,
    Path(secret): Path<String>,
    Query(answer): Query<IdpAnswer>,
) -> Response {
    let finished = finish_test_run(&mut state.write(), &secret, &answer);
    let (status, title, body) = match finished {
        None => (
            StatusCode::NOT_FOUND,
            "Unknown test run",
            "No test run has this URL.".to_owned(),
        ),
        Some((run, false)) => (
            StatusCode::GONE,
            "Test run already finished",
            format!("Test run {} already ended as {}.", run.id, run.status),
        ),
        Some((run, true)) => (
            StatusCode::OK,
            if run.status == "success" {
                "Test run succeeded"
            } else {
                "Test run failed"
            },
            run.logs
                .iter()
                .map(|l| format!("{}: {}", l.level, l.message))
                .collect::<Vec<_>>()
                .join("\n"),
        ),
    };
    let page = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>{title}</title></head><body><h1>{title}</h1><pre>{}</pre></body></html>",
        crate::domain::mailbox::escape_text(&body)
    );
    (
        status,
        [(axum::http::header::CONTENT_TYPE, "text/html; charset=utf-8")],
        page,
    )
        .into_response()
}
