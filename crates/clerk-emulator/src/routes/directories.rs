//! Directories under both of the spec's names, `/v1/scim_directories` and `/v1/directories`:
//! create, list, read, update, delete, rotate the API key, and the group role mappings. Each
//! handler is written once and mounted for both families (`SCIM` true for the older name);
//! the rules are in [`crate::domain::directories`].

use crate::domain::directories::*;
use crate::error::ApiResult;
use crate::server::{JsonBody, Query, Shared, json};
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{delete, get, post};
use serde_json::json;

pub(crate) fn router() -> Router<Shared> {
    family::<true>("/v1/scim_directories", "scim_directory_id")
        .merge(family::<false>("/v1/directories", "directory_id"))
}

/// The routes of one family, under `base`, the directory id named `param`.
fn family<const SCIM: bool>(base: &str, param: &str) -> Router<Shared> {
    let one = format!("{base}/{{{param}}}");
    Router::new()
        .route(base, get(list_handler::<SCIM>).post(create_handler::<SCIM>))
        .route(
            &one,
            get(get_handler::<SCIM>)
                .patch(update_handler::<SCIM>)
                .delete(delete_handler::<SCIM>),
        )
        .route(
            &format!("{one}/rotate_api_key"),
            post(rotate_handler::<SCIM>),
        )
        .route(
            &format!("{one}/group_role_mappings"),
            get(list_mappings_handler::<SCIM>)
                .post(create_mapping_handler::<SCIM>)
                .put(replace_mappings_handler::<SCIM>),
        )
        .route(
            &format!("{one}/group_role_mappings/{{mapping_id}}"),
            delete(delete_mapping_handler::<SCIM>),
        )
}

const fn of<const SCIM: bool>() -> Family {
    if SCIM {
        Family::Scim
    } else {
        Family::Directory
    }
}

async fn list_handler<const SCIM: bool>(
    State(state): State<Shared>,
    Query(params): Query<ListParams>,
) -> ApiResult<Response> {
    let (data, total) = list_directories(&state.read(), of::<SCIM>(), &state.base_url, &params)?;
    Ok(json(&json!({"data": data, "total_count": total})))
}

async fn create_handler<const SCIM: bool>(
    State(state): State<Shared>,
    JsonBody(body): JsonBody<CreateBody>,
) -> ApiResult<Response> {
    let mut db = state.write();
    Ok(json(&create_directory(
        &mut db,
        of::<SCIM>(),
        &state.base_url,
        body,
    )?))
}

async fn get_handler<const SCIM: bool>(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    Ok(json(&get_directory(
        &state.read(),
        of::<SCIM>(),
        &state.base_url,
        &id,
    )?))
}

async fn update_handler<const SCIM: bool>(
    State(state): State<Shared>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<UpdateBody>,
) -> ApiResult<Response> {
    Ok(json(&update_directory(
        &mut state.write(),
        of::<SCIM>(),
        &state.base_url,
        &id,
        body,
    )?))
}

async fn delete_handler<const SCIM: bool>(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    Ok(json(&delete_directory(
        &mut state.write(),
        of::<SCIM>(),
        &id,
    )?))
}

async fn rotate_handler<const SCIM: bool>(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    Ok(json(&rotate_api_key(
        &mut state.write(),
        of::<SCIM>(),
        &state.base_url,
        &id,
    )?))
}

async fn list_mappings_handler<const SCIM: bool>(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let data = list_mappings(&state.read(), of::<SCIM>(), &id)?;
    Ok(json(&json!({"total_count": data.len(), "data": data})))
}

async fn create_mapping_handler<const SCIM: bool>(
    State(state): State<Shared>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<MappingInput>,
) -> ApiResult<Response> {
    Ok(json(&create_mapping(
        &mut state.write(),
        of::<SCIM>(),
        &id,
        body,
    )?))
}

async fn replace_mappings_handler<const SCIM: bool>(
    State(state): State<Shared>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<ReplaceBody>,
) -> ApiResult<Response> {
    let data = replace_mappings(&mut state.write(), of::<SCIM>(), &id, body)?;
    Ok(json(&json!({"total_count": data.len(), "data": data})))
}

async fn delete_mapping_handler<const SCIM: bool>(
    State(state): State<Shared>,
    Path((id, mapping_id)): Path<(String, String)>,
) -> ApiResult<Response> {
    Ok(json(&delete_mapping(
        &mut state.write(),
        of::<SCIM>(),
        &id,
        &mapping_id,
    )?))
}
