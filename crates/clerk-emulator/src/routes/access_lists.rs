//! The allow-list and block-list (`/v1/allowlist_identifiers`, `/v1/blocklist_identifiers`),
//! enforced when a user is created and when an email address or phone number is added.
//!
//! Matching follows Clerk's docs (guides/secure/restricting-access): identifiers compare
//! without case; an email domain entry (`example.com` or `*@example.com`) covers every address
//! at that domain and `*@*.example.com` every address at its subdomains; a blocked address also
//! blocks its subaddresses (`john+x@...`, `#`, `=`); an identifier on both lists is allowed.
//! Whether each list applies is the instance's restrictions setting (`routes::instance`); while
//! the allow-list switch was never set, the allow-list applies once it has an entry. A refused identifier is 403
//! `not_allowed_access` with `meta.identifiers` (ERR auth.go/IdentifierNotAllowedAccess, marked
//! as a Backend API error; `POST /v1/users` declares a 403 in the spec).

use crate::domain::access_lists::*;
use crate::error::ApiResult;
use crate::ids::{new_id, now_ms};
use crate::server::{JsonBody, Query, Shared, json};
use crate::wire::{AllowlistIdentifier, BlocklistIdentifier, IdentifierType};
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{delete, get};
use serde_json::json;

pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route(
            "/v1/allowlist_identifiers",
            get(list_allowlist).post(create_allowlist),
        )
        .route(
            "/v1/allowlist_identifiers/{identifier_id}",
            delete(delete_allowlist),
        )
        .route(
            "/v1/blocklist_identifiers",
            get(list_blocklist).post(create_blocklist),
        )
        .route(
            "/v1/blocklist_identifiers/{identifier_id}",
            delete(delete_blocklist),
        )
}

/// `GET /v1/allowlist_identifiers`: newest first; a bare array unless `paginated=true`.
async fn list_allowlist(
    State(state): State<Shared>,
    Query(params): Query<ListParams>,
) -> ApiResult<Response> {
    let db = state.read();
    let all = &db.access_lists.allowlist;
    Ok(crate::domain::paging::list_page(
        all.values().rev(),
        params.limit,
        params.offset,
        params.paginated,
    ))
}

async fn create_allowlist(
    State(state): State<Shared>,
    JsonBody(body): JsonBody<AllowBody>,
) -> ApiResult<Response> {
    let (kind, identifier) = classify(&body.identifier)?;
    let mut db = state.write();
    if db
        .access_lists
        .allowlist
        .values()
        .any(|e| e.identifier.as_deref() == Some(identifier.as_str()))
    {
        return Err(duplicate("allowlist", &identifier));
    }
    // `notify` invites the address to sign up; only a whole email address can be invited
    // (instance invitations are by email; the emulator sends no SMS).
    let invitation_id = (body.notify
        && kind == IdentifierType::EmailAddress
        && identifier.contains('@')
        && !identifier.starts_with("*@"))
    .then(|| crate::domain::invitations::invite(&mut db, &state.base_url, &identifier));
    let now = now_ms();
    let entry = AllowlistIdentifier {
        object: Some("allowlist_identifier".into()),
        id: Some(new_id("alid")),
        invitation_id,
        identifier: Some(identifier),
        identifier_type: Some(kind),
        instance_id: Some(state.instance_id.clone()),
        created_at: Some(now),
        updated_at: Some(now),
    };
    let id = entry.id.clone().unwrap_or_default();
    db.access_lists.allowlist.insert(id, entry.clone());
    Ok(json(&entry))
}

async fn delete_allowlist(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let mut db = state.write();
    db.access_lists
        .allowlist
        .remove(&id)
        .ok_or_else(|| identifier_not_found(&id))?;
    Ok(deleted("allowlist_identifier", id))
}

/// `GET /v1/blocklist_identifiers`: every entry, newest first, as `{data, total_count}` (the
/// spec gives this operation no paging parameters).
async fn list_blocklist(State(state): State<Shared>) -> ApiResult<Response> {
    let db = state.read();
    let all = &db.access_lists.blocklist;
    let data: Vec<&BlocklistIdentifier> = all.values().rev().collect();
    Ok(json(&json!({"data": data, "total_count": all.len()})))
}

async fn create_blocklist(
    State(state): State<Shared>,
    JsonBody(body): JsonBody<BlockBody>,
) -> ApiResult<Response> {
    let (kind, identifier) = classify(&body.identifier)?;
    let mut db = state.write();
    if db
        .access_lists
        .blocklist
        .values()
        .any(|e| e.identifier.as_deref() == Some(identifier.as_str()))
    {
        return Err(duplicate("blocklist", &identifier));
    }
    let now = now_ms();
    let entry = BlocklistIdentifier {
        object: Some("blocklist_identifier".into()),
        id: Some(new_id("blid")),
        identifier: Some(identifier),
        identifier_type: Some(kind),
        instance_id: Some(state.instance_id.clone()),
        created_at: Some(now),
        updated_at: Some(now),
    };
    let id = entry.id.clone().unwrap_or_default();
    db.access_lists.blocklist.insert(id, entry.clone());
    Ok(json(&entry))
}

async fn delete_blocklist(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let mut db = state.write();
    db.access_lists
        .blocklist
        .remove(&id)
        .ok_or_else(|| identifier_not_found(&id))?;
    Ok(deleted("blocklist_identifier", id))
}
