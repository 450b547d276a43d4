//! Admin portal link tokens (`/v1/admin_portal_link_tokens`): short-lived tokens that open an
//! organization's admin portal (or one for an IT contact).
//!
//! A token needs an `organization_id` (an existing organization) or an `it_contact_id` (400
//! otherwise, **unverified**); it lives `seconds_until_expiration` seconds (1 to 86400, default
//! 3600). Tokens for the same organization or contact share one admin portal link
//! (`apl_...`). The token value is in the create answer only. Revoking marks it revoked (again:
//! it stays revoked and a new reason replaces the old, **unverified**). Bad input is 400, the
//! status this group declares.

use crate::domain::organizations::org_exists;
use crate::error::{ApiError, ApiResult};
use crate::ids::{new_id, now_ms, random_base62};
use crate::server::{Shared, json, parse_json_body};
use crate::store::instance::PortalTokenRecord;
use crate::wire::AdminPortalLinkToken;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde::Deserialize;
use serde::de::DeserializeOwned;

pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route("/v1/admin_portal_link_tokens", post(create))
        .route(
            "/v1/admin_portal_link_tokens/{token_id}/revoke",
            post(revoke),
        )
}

/// The body parsed as everywhere else, its 422 answers turned into 400.
fn body_400<T: DeserializeOwned>(bytes: &Bytes) -> ApiResult<T> {
    parse_json_body(bytes).map_err(|mut e| {
        if e.status == StatusCode::UNPROCESSABLE_ENTITY {
            e.status = StatusCode::BAD_REQUEST;
        }
        e
    })
}

fn bad(param: &str, message: &str) -> ApiError {
    let mut e = ApiError::value_invalid(param, message.to_owned());
    e.status = StatusCode::BAD_REQUEST;
    e
}

fn render(r: &PortalTokenRecord, instance_id: &str, token: Option<String>) -> AdminPortalLinkToken {
    AdminPortalLinkToken {
        object: "admin_portal_link_token".into(),
        id: r.id.clone(),
        admin_portal_link_id: r.admin_portal_link_id.clone(),
        instance_id: instance_id.to_owned(),
        organization_id: r.organization_id.clone(),
        it_contact_id: r.it_contact_id.clone(),
        scopes: r.scopes.clone(),
        token,
        revoked: r.revoked,
        revocation_reason: r.revocation_reason.clone(),
        expired: now_ms() >= r.expiration,
        expiration: Some(r.expiration),
        created_at: r.created_at,
        updated_at: r.updated_at,
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CreateBody {
    organization_id: Option<String>,
    it_contact_id: Option<String>,
    scopes: Option<Vec<String>>,
    seconds_until_expiration: Option<i64>,
}

async fn create(State(state): State<Shared>, bytes: Bytes) -> ApiResult<Response> {
    let b: CreateBody = body_400(&bytes)?;
    if b.organization_id.is_none() && b.it_contact_id.is_none() {
        let mut e = ApiError::param_missing("organization_id");
        e.status = StatusCode::BAD_REQUEST;
        return Err(e);
    }
    if let Some(org) = &b.organization_id
        && !org.strip_prefix("org_").is_some_and(|rest| {
            rest.len() == 27 && rest.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_')
        })
    {
        return Err(bad(
            "organization_id",
            "organization_id must be an organization id.",
        ));
    }
    if b.it_contact_id.as_deref() == Some("") {
        return Err(bad("it_contact_id", "it_contact_id must not be empty."));
    }
    if b.scopes.iter().flatten().any(String::is_empty) {
        return Err(bad("scopes", "scopes must not contain empty strings."));
    }
    let seconds = b.seconds_until_expiration.unwrap_or(3600);
    if !(1..=86_400).contains(&seconds) {
        return Err(bad(
            "seconds_until_expiration",
            "seconds_until_expiration must be between 1 and 86400.",
        ));
    }
    let mut db = state.write();
    if let Some(org) = &b.organization_id
        && !org_exists(&db, org)
    {
        return Err(ApiError::not_found("Given organization not found."));
    }
    let link = db
        .instance
        .portal_tokens
        .values()
        .find(|t| t.organization_id == b.organization_id && t.it_contact_id == b.it_contact_id)
        .map(|t| t.admin_portal_link_id.clone())
        .unwrap_or_else(|| new_id("apl"));
    let now = now_ms();
    let hex: String = (0..32)
        .map(|_| char::from_digit(fastrand::u32(0..16), 16).unwrap_or('0'))
        .collect();
    let record = PortalTokenRecord {
        id: format!("aplt_{hex}"),
        admin_portal_link_id: link,
        organization_id: b.organization_id,
        it_contact_id: b.it_contact_id,
        scopes: b.scopes,
        revoked: false,
        revocation_reason: None,
        expiration: now.saturating_add(seconds * 1000),
        created_at: now,
        updated_at: now,
    };
    db.instance
        .portal_tokens
        .insert(record.id.clone(), record.clone());
    let token = format!("aplt_tok_{}", random_base62(40));
    let body = render(&record, &state.instance_id, Some(token));
    let mut response = json(&body);
    *response.status_mut() = StatusCode::CREATED;
    Ok(response.into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RevokeBody {
    revocation_reason: Option<String>,
}

async fn revoke(
    State(state): State<Shared>,
    Path(id): Path<String>,
    bytes: Bytes,
) -> ApiResult<Response> {
    let b: RevokeBody = body_400(&bytes)?;
    let mut db = state.write();
    let Some(t) = db.instance.portal_tokens.get_mut(&id) else {
        return Err(ApiError::not_found(format!(
            "No admin portal link token was found with id {id}"
        )));
    };
    t.revoked = true;
    if b.revocation_reason.is_some() {
        t.revocation_reason = b.revocation_reason;
    }
    t.updated_at = now_ms().max(t.updated_at);
    let t = t.clone();
    Ok(json(&render(&t, &state.instance_id, None)))
}
