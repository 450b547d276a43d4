//! Waitlist entries (`/v1/waitlist_entries`): join (once per address; joining again returns
//! the entry), join in bulk, list, invite, reject, delete.
//!
//! Inviting creates an instance invitation, emailed from the `waitlist_invitation` template,
//! and the entry carries it; rejecting revokes an invitation still pending. Entries are
//! announced with `waitlistEntry.created` and `waitlistEntry.updated`. No entry ever reaches
//! `completed` through the emulator: there is no sign-up flow to accept the invitation.

use crate::domain::waitlist::*;
use crate::error::{ApiError, ApiResult};
use crate::server::{JSON_BODY_LIMIT, JsonBody, Query, Shared, json, parse_json_body};
use crate::wire::DeletedObject;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{delete, get, post};
use serde_json::{Value, json};

pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route("/v1/waitlist_entries", get(list_entries).post(create))
        .route("/v1/waitlist_entries/bulk", post(create_bulk))
        .route(
            "/v1/waitlist_entries/{waitlist_entry_id}",
            delete(delete_handler),
        )
        .route(
            "/v1/waitlist_entries/{waitlist_entry_id}/invite",
            post(invite_entry),
        )
        .route(
            "/v1/waitlist_entries/{waitlist_entry_id}/reject",
            post(reject_entry),
        )
}

async fn create(
    State(state): State<Shared>,
    JsonBody(body): JsonBody<CreateBody>,
) -> ApiResult<Response> {
    validate(&body)?;
    Ok(json(&join(&mut state.write(), &body)))
}

/// `POST /v1/waitlist_entries/bulk`: a JSON array of 1 to 50 entries, all checked before any
/// is added.
async fn create_bulk(State(state): State<Shared>, body: Bytes) -> ApiResult<Response> {
    if body.len() > JSON_BODY_LIMIT {
        return Err(ApiError::body_too_large(JSON_BODY_LIMIT));
    }
    let items: Vec<Value> = match serde_json::from_slice(&body) {
        Ok(Value::Array(items)) => items,
        _ => return Err(ApiError::body_invalid()),
    };
    let bodies = items
        .into_iter()
        .map(|item| {
            let bytes = Bytes::from(serde_json::to_vec(&item).unwrap_or_default());
            let body: CreateBody = parse_json_body(&bytes)?;
            validate(&body)?;
            Ok(body)
        })
        .collect::<ApiResult<Vec<_>>>()?;
    check_bulk(&bodies)?;
    let mut db = state.write();
    let entries: Vec<_> = bodies.iter().map(|b| join(&mut db, b)).collect();
    Ok(json(&entries))
}

/// `GET /v1/waitlist_entries`: `{data, total_count}`, newest first by default.
async fn list_entries(
    State(state): State<Shared>,
    Query(params): Query<ListParams>,
) -> ApiResult<Response> {
    let (data, total) = list(&state.read(), &params)?;
    Ok(json(&json!({"data": data, "total_count": total})))
}

async fn invite_entry(
    State(state): State<Shared>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<InviteBody>,
) -> ApiResult<Response> {
    let mut db = state.write();
    Ok(json(&invite(&mut db, &state.base_url, &id, &body)?))
}

async fn reject_entry(State(state): State<Shared>, Path(id): Path<String>) -> ApiResult<Response> {
    Ok(json(&reject(&mut state.write(), &id)?))
}

async fn delete_handler(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    delete_entry(&mut state.write(), &id)?;
    Ok(json(&DeletedObject {
        object: "waitlist_entry".into(),
        id: Some(id),
        slug: None,
        deleted: true,
        external_id: None,
    }))
}
