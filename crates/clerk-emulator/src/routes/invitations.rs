//! Instance invitations (`/v1/invitations`): create one or up to ten at once, list, revoke.
//!
//! Semantics (SPEC CreateInvitation, CreateBulkInvitations, RevokeInvitation; ERR
//! invitations.go): one pending invitation per address and none for an address a user holds,
//! unless `ignore_existing` (in bulk, an existing user is refused regardless); invitations
//! expire after `expires_in_days` (1–365, default 30); revoking twice is an error. Unless
//! `notify` is false, each invitation is emailed into the emulator's mailbox. No invitation is
//! ever accepted through the emulator (there is no sign-up flow).

use crate::domain::invitations::*;
use crate::error::{ApiError, ApiResult};
use crate::ids::now_ms;
use crate::server::{JSON_BODY_LIMIT, JsonBody, Query, Shared, json, parse_json_body};
use crate::store::Ident;
use crate::wire::{Invitation, InvitationStatus};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::Value;

pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route("/v1/invitations", get(list).post(create))
        .route("/v1/invitations/bulk", post(create_bulk))
        .route("/v1/invitations/{invitation_id}/revoke", post(revoke))
}

async fn create(
    State(state): State<Shared>,
    JsonBody(body): JsonBody<InvitationBody>,
) -> ApiResult<Response> {
    validate(&body)?;
    let now = now_ms();
    let mut db = state.write();
    let taken = db.index.owner(Ident::Email, &body.email_address).is_some()
        || has_pending(&db, &body.email_address, now);
    if taken && body.ignore_existing != Some(true) {
        return Err(duplicates(std::slice::from_ref(&body.email_address)));
    }
    let inv = build(&body, &state.base_url, now);
    keep(&mut db, &body, inv.clone());
    Ok(json(&inv))
}

/// `POST /v1/invitations/bulk`: a JSON array of 1 to 10 invitation bodies, created all or none.
async fn create_bulk(State(state): State<Shared>, body: Bytes) -> ApiResult<Response> {
    if body.len() > JSON_BODY_LIMIT {
        return Err(ApiError::body_too_large(JSON_BODY_LIMIT));
    }
    let items: Vec<Value> = match serde_json::from_slice(&body) {
        Ok(Value::Array(items)) => items,
        _ => return Err(ApiError::body_invalid()),
    };
    if items.is_empty() || items.len() > BULK_MAX {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_param_value_invalid",
            "is invalid",
            format!("The request must contain between 1 and {BULK_MAX} invitations."),
        ));
    }
    let bodies = items
        .into_iter()
        .map(|item| {
            let bytes = Bytes::from(serde_json::to_vec(&item).unwrap_or_default());
            let body: InvitationBody = parse_json_body(&bytes)?;
            validate(&body)?;
            Ok(body)
        })
        .collect::<ApiResult<Vec<_>>>()?;

    let now = now_ms();
    let mut db = state.write();
    let mut refused = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for b in &bodies {
        let key = b.email_address.to_lowercase();
        // An address a user holds is refused even with `ignore_existing` (SPEC
        // CreateBulkInvitations: "this rule cannot be bypassed").
        let user_exists = db.index.owner(Ident::Email, &b.email_address).is_some();
        let pending = has_pending(&db, &b.email_address, now) || seen.contains(&key);
        if user_exists || (pending && b.ignore_existing != Some(true)) {
            refused.push(b.email_address.clone());
        }
        seen.insert(key);
    }
    if !refused.is_empty() {
        return Err(duplicates(&refused));
    }
    let created: Vec<Invitation> = bodies
        .iter()
        .map(|b| build(b, &state.base_url, now))
        .collect();
    for (b, inv) in bodies.iter().zip(&created) {
        keep(&mut db, b, inv.clone());
    }
    Ok(json(&created))
}

/// `GET /v1/invitations`. Without `status`, revoked invitations are left out: the spec says the
/// operation "returns all non-revoked invitations"; `status=revoked` lists them.
async fn list(
    State(state): State<Shared>,
    Query(params): Query<ListParams>,
) -> ApiResult<Response> {
    let status = match params.status.as_deref() {
        None | Some("") => None,
        Some(s) => match InvitationStatus::from(s) {
            InvitationStatus::Unknown(_) => {
                return Err(ApiError::value_invalid(
                    "status",
                    format!("{s} does not match one of the allowed values for parameter status"),
                ));
            }
            known => Some(known),
        },
    };
    let order = params.order_by.as_deref().unwrap_or("-created_at");
    let (desc, field) = match order.strip_prefix('-') {
        Some(f) => (true, f),
        None => (false, order.strip_prefix('+').unwrap_or(order)),
    };
    if !["created_at", "email_address", "expires_at"].contains(&field) {
        return Err(ApiError::value_invalid(
            "order_by",
            format!("{order} does not match one of the allowed values for parameter order_by"),
        ));
    }
    let query = params
        .query
        .as_deref()
        .map(str::to_lowercase)
        .filter(|q| !q.is_empty());
    let now = now_ms();
    let db = state.read();
    let mut all: Vec<Invitation> = db
        .invitations
        .invitations
        .values()
        .map(|inv| current(inv, now))
        .filter(|inv| match &status {
            Some(s) => &inv.status == s,
            None => inv.status != InvitationStatus::Revoked,
        })
        .filter(|inv| {
            query.as_ref().is_none_or(|q| {
                inv.email_address.to_lowercase().contains(q) || inv.id.to_lowercase().contains(q)
            })
        })
        .collect();
    // Ids sort in creation order, so they break ties (and order `created_at` exactly).
    all.sort_by(|a, b| {
        let by = match field {
            "email_address" => a
                .email_address
                .to_lowercase()
                .cmp(&b.email_address.to_lowercase()),
            "expires_at" => a.expires_at.cmp(&b.expires_at),
            _ => a.created_at.cmp(&b.created_at),
        }
        .then_with(|| a.id.cmp(&b.id));
        if desc { by.reverse() } else { by }
    });
    Ok(crate::domain::paging::list_page(
        all.into_iter(),
        params.limit,
        params.offset,
        params.paginated,
    ))
}

async fn revoke(State(state): State<Shared>, Path(id): Path<String>) -> ApiResult<Response> {
    let now = now_ms();
    let mut db = state.write();
    let inv = db
        .invitations
        .invitations
        .get_mut(&id)
        .ok_or_else(|| ApiError::not_found(format!("No invitation was found with id {id}.")))?;
    match inv.status {
        InvitationStatus::Revoked => {
            let text = "Invitation is already revoked.";
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "invitation_already_revoked",
                text,
                text,
            ));
        }
        InvitationStatus::Accepted => {
            let text = "Invitation is already accepted, try signing in instead.";
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "invitation_already_accepted",
                text,
                text,
            ));
        }
        // Pending or expired: "only active (i.e. non-revoked) invitations can be revoked".
        _ => {}
    }
    inv.status = InvitationStatus::Revoked;
    inv.revoked = Some(true);
    inv.updated_at = now.max(inv.updated_at);
    Ok(json(&current(inv, now)))
}
