//! API keys (`/v1/api_keys`): long-lived `ak_...` secrets a user, organization or machine hands
//! to a program, with scopes, custom claims, an optional expiration and revocation.

use crate::store::machine_auth::*;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{
    Json400, bad_param, expiration_from, hex_id, is_expired, is_hex_id, missing_param, paging_400,
    secret, subject_exists,
};
use crate::error::{ApiError, ApiResult};
use crate::ids::now_ms;
use crate::server::{Query, Shared, json};
use crate::store::Db;
use crate::wire::Patch;

/// The spec's API key object; `secret` only in the create answer.
#[derive(Debug, Serialize)]
struct ApiKeyView<'a> {
    object: &'static str,
    id: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
    subject: &'a str,
    name: &'a str,
    description: &'a Option<String>,
    claims: &'a Option<Value>,
    scopes: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    secret: Option<&'a str>,
    revoked: bool,
    revocation_reason: &'a Option<String>,
    expired: bool,
    expiration: Option<i64>,
    created_by: &'a Option<String>,
    last_used_at: Option<i64>,
    created_at: i64,
    updated_at: i64,
}

impl ApiKeyRow {
    fn view(&self, now: i64, with_secret: bool) -> ApiKeyView<'_> {
        ApiKeyView {
            object: "api_key",
            id: &self.id,
            kind: &self.kind,
            subject: &self.subject,
            name: &self.name,
            description: &self.description,
            claims: &self.claims,
            scopes: &self.scopes,
            secret: with_secret.then_some(self.secret.as_str()),
            revoked: self.revoked,
            revocation_reason: &self.revocation_reason,
            expired: is_expired(self.expiration, now),
            expiration: self.expiration,
            created_by: &self.created_by,
            last_used_at: self.last_used_at,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route("/v1/api_keys", get(list).post(create))
        // `verify` is also a (malformed, so unknown) key id for the other methods.
        .route(
            "/v1/api_keys/verify",
            post(verify).get(get_key).patch(update).delete(delete_key),
        )
        .route(
            "/v1/api_keys/{api_key_id}",
            get(get_key).patch(update).delete(delete_key),
        )
        .route("/v1/api_keys/{api_key_id}/secret", get(get_secret))
        .route("/v1/api_keys/{api_key_id}/revoke", post(revoke))
}

fn key_not_found(id: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "resource_not_found",
        "not found",
        format!("No API key was found with id {id}"),
    )
}

/// The stored id for a path id: `ak_<hex>`, or the same digits as `api_key_<hex>` (the spec's
/// path pattern takes both).
fn key_id(id: &str) -> String {
    match id.strip_prefix("api_key_") {
        Some(hex) if is_hex_id(&format!("ak_{hex}"), "ak") => format!("ak_{hex}"),
        _ => id.to_owned(),
    }
}

fn find<'a>(db: &'a Db, id: &str) -> ApiResult<&'a ApiKeyRow> {
    db.machine_auth
        .api_keys
        .get(&key_id(id))
        .ok_or_else(|| key_not_found(id))
}

/// A subject of the spec's form that exists; SCIM subjects are refused as not found (the
/// emulator has no SCIM directories).
fn check_subject(db: &Db, subject: &str) -> ApiResult<()> {
    let well_formed = ["user", "org", "mch", "scim"]
        .iter()
        .any(|p| super::is_clerk_id(subject, p));
    if !well_formed {
        return Err(bad_param(
            "subject",
            "subject must be a user, organization or machine id.",
        ));
    }
    if !subject_exists(db, subject) {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "resource_not_found",
            "not found",
            format!("No user, organization or machine was found with id {subject}"),
        ));
    }
    Ok(())
}

fn check_description(description: &Option<String>) -> ApiResult<()> {
    if description
        .as_ref()
        .is_some_and(|d| d.chars().count() > 255)
    {
        return Err(bad_param(
            "description",
            "description must be at most 255 characters long.",
        ));
    }
    Ok(())
}

// ---- the operations --------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
struct CreateBody {
    #[serde(default, rename = "type")]
    kind: Option<String>,
    name: String,
    #[serde(default)]
    description: Option<String>,
    subject: String,
    #[serde(default)]
    claims: Option<Value>,
    #[serde(default)]
    scopes: Option<Vec<String>>,
    #[serde(default)]
    created_by: Option<String>,
    #[serde(default)]
    seconds_until_expiration: Option<f64>,
}

/// `POST /v1/api_keys`: the key and its secret. The subject (and `created_by`) must exist (404
/// otherwise, **unverified**); a live key of the same subject and name is 409
/// `duplicate_record` (the spec declares a 409; its cause is **unverified**).
async fn create(
    State(state): State<Shared>,
    Json400(body): Json400<CreateBody>,
) -> ApiResult<Response> {
    let kind = body.kind.unwrap_or_else(|| "api_key".into());
    if !(3..=25).contains(&kind.chars().count()) {
        return Err(bad_param("type", "type must be 3 to 25 characters long."));
    }
    let name = body.name;
    if name.trim() != name {
        return Err(bad_param(
            "name",
            "name must not start or end with whitespace.",
        ));
    }
    if name.chars().count() < 3 {
        return Err(bad_param(
            "name",
            "name must be at least 3 characters long.",
        ));
    }
    check_description(&body.description)?;
    let now = now_ms();
    let expiration = body
        .seconds_until_expiration
        .map(|s| expiration_from(s, now))
        .transpose()?;
    let mut db = state.write();
    check_subject(&db, &body.subject)?;
    if let Some(by) = &body.created_by {
        if !super::is_clerk_id(by, "user") {
            return Err(bad_param("created_by", "created_by must be a user id."));
        }
        if !db.users.contains_key(by) {
            return Err(ApiError::user_not_found(by));
        }
    }
    let taken = db.machine_auth.api_keys.values().any(|k| {
        k.subject == body.subject
            && k.kind == kind
            && k.name == name
            && !k.revoked
            && !is_expired(k.expiration, now)
    });
    if taken {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "duplicate_record",
            "duplicate API key",
            format!(
                "An API key named {name} already exists for {}",
                body.subject
            ),
        ));
    }
    let row = ApiKeyRow {
        id: hex_id("ak"),
        kind,
        subject: body.subject,
        name,
        description: body.description,
        claims: body.claims.filter(|c| !c.is_null()),
        scopes: body.scopes.unwrap_or_default(),
        secret: secret("ak"),
        revoked: false,
        revocation_reason: None,
        expiration,
        created_by: body.created_by,
        last_used_at: None,
        created_at: now,
        updated_at: now,
    };
    db.machine_auth.api_keys.insert(row.id.clone(), row.clone());
    Ok(json(&row.view(now, true)))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ListParams {
    #[serde(rename = "type")]
    kind: Option<String>,
    subject: Option<String>,
    include_invalid: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
    query: Option<String>,
}

/// `GET /v1/api_keys?subject=...`: `{data, total_count}`, newest first, of one type
/// (`api_key` unless `type` says otherwise); revoked and expired keys only with
/// `include_invalid=true`; `query` matches part of the name, without case.
async fn list(
    State(state): State<Shared>,
    Query(params): Query<ListParams>,
) -> ApiResult<Response> {
    let subject = params.subject.ok_or_else(|| missing_param("subject"))?;
    let include_invalid = match params.include_invalid.as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            return Err(bad_param(
                "include_invalid",
                format!("include_invalid must be true or false. Received {other}."),
            ));
        }
    };
    let (limit, offset) = paging_400(params.limit, params.offset, 100)?;
    let kind = params.kind.unwrap_or_else(|| "api_key".into());
    let needle = params.query.as_deref().map(str::to_lowercase);
    let now = now_ms();
    let db = state.read();
    let found: Vec<&ApiKeyRow> = db
        .machine_auth
        .api_keys
        .values()
        .rev()
        .filter(|k| k.subject == subject && k.kind == kind)
        .filter(|k| include_invalid || !(k.revoked || is_expired(k.expiration, now)))
        .filter(|k| {
            needle
                .as_deref()
                .is_none_or(|q| k.name.to_lowercase().contains(q))
        })
        .collect();
    let total = found.len();
    let data: Vec<ApiKeyView<'_>> = super::page(found, limit, offset)
        .into_iter()
        .map(|k| k.view(now, false))
        .collect();
    Ok(json(&json!({"data": data, "total_count": total})))
}

async fn get_key(State(state): State<Shared>, Path(id): Path<String>) -> ApiResult<Response> {
    let db = state.read();
    Ok(json(&find(&db, &id)?.view(now_ms(), false)))
}

#[derive(Debug, Deserialize)]
struct UpdateBody {
    #[serde(default)]
    claims: Patch<Value>,
    #[serde(default)]
    scopes: Option<Vec<String>>,
    #[serde(default)]
    description: Patch<String>,
    #[serde(default)]
    subject: Option<String>,
    #[serde(default)]
    seconds_until_expiration: Patch<f64>,
}

/// `PATCH /v1/api_keys/{id}`: what is sent changes (`null` clears the claims, description or
/// expiration); a new `seconds_until_expiration` counts from now.
async fn update(
    State(state): State<Shared>,
    Path(id): Path<String>,
    Json400(body): Json400<UpdateBody>,
) -> ApiResult<Response> {
    let now = now_ms();
    let mut db = state.write();
    let id = find(&db, &id)?.id.clone();
    if let Patch::Value(d) = &body.description {
        check_description(&Some(d.clone()))?;
    }
    if let Some(subject) = &body.subject {
        check_subject(&db, subject)?;
    }
    let expiration = match body.seconds_until_expiration {
        Patch::Absent => None,
        Patch::Null => Some(None),
        Patch::Value(s) => Some(Some(expiration_from(s, now)?)),
    };
    let Some(k) = db.machine_auth.api_keys.get_mut(&id) else {
        return Err(key_not_found(&id));
    };
    match body.claims {
        Patch::Absent => {}
        Patch::Null => k.claims = None,
        Patch::Value(c) => k.claims = Some(c),
    }
    if let Some(scopes) = body.scopes {
        k.scopes = scopes;
    }
    match body.description {
        Patch::Absent => {}
        Patch::Null => k.description = None,
        Patch::Value(d) => k.description = Some(d),
    }
    if let Some(subject) = body.subject {
        k.subject = subject;
    }
    if let Some(expiration) = expiration {
        k.expiration = expiration;
    }
    k.updated_at = now.max(k.updated_at);
    let k = k.clone();
    Ok(json(&k.view(now, false)))
}

async fn delete_key(State(state): State<Shared>, Path(id): Path<String>) -> ApiResult<Response> {
    let mut db = state.write();
    let id = find(&db, &id)?.id.clone();
    db.machine_auth.api_keys.remove(&id);
    Ok(json(
        &json!({"id": id, "object": "api_key", "deleted": true}),
    ))
}

async fn get_secret(State(state): State<Shared>, Path(id): Path<String>) -> ApiResult<Response> {
    let db = state.read();
    Ok(json(&json!({"secret": find(&db, &id)?.secret})))
}

#[derive(Debug, Default, Deserialize)]
struct RevokeBody {
    #[serde(default)]
    revocation_reason: Option<String>,
}

/// `POST /v1/api_keys/{id}/revoke`: revoking again keeps the key revoked and replaces the
/// reason when one is given (**unverified**).
async fn revoke(
    State(state): State<Shared>,
    Path(id): Path<String>,
    Json400(body): Json400<RevokeBody>,
) -> ApiResult<Response> {
    let now = now_ms();
    let mut db = state.write();
    let id = find(&db, &id)?.id.clone();
    let Some(k) = db.machine_auth.api_keys.get_mut(&id) else {
        return Err(key_not_found(&id));
    };
    k.revoked = true;
    if body.revocation_reason.is_some() {
        k.revocation_reason = body.revocation_reason;
    }
    k.updated_at = now.max(k.updated_at);
    let k = k.clone();
    Ok(json(&k.view(now, false)))
}

#[derive(Debug, Deserialize)]
struct VerifyBody {
    secret: String,
}

/// An API key that does not verify: 404 as the spec declares; the JS SDK's fixtures use the
/// message "API key not found" (code **unverified**).
fn secret_not_found(why: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "resource_not_found",
        "API key not found",
        why.to_owned(),
    )
}

/// `POST /v1/api_keys/verify`: the key (without its secret), its `last_used_at` now. Unknown,
/// revoked and expired secrets, and keys whose subject is gone, are 404.
async fn verify(
    State(state): State<Shared>,
    Json400(body): Json400<VerifyBody>,
) -> ApiResult<Response> {
    let now = now_ms();
    let mut db = state.write();
    let found = body
        .secret
        .starts_with("ak_")
        .then(|| {
            db.machine_auth
                .api_keys
                .values()
                .find(|k| k.secret == body.secret)
        })
        .flatten()
        .ok_or_else(|| secret_not_found("The API key does not exist."))?;
    if found.revoked {
        return Err(secret_not_found("The API key has been revoked."));
    }
    if is_expired(found.expiration, now) {
        return Err(secret_not_found("The API key has expired."));
    }
    if !subject_exists(&db, &found.subject) {
        return Err(secret_not_found(
            "The subject of the API key no longer exists.",
        ));
    }
    let id = found.id.clone();
    let Some(k) = db.machine_auth.api_keys.get_mut(&id) else {
        return Err(secret_not_found("The API key does not exist."));
    };
    k.last_used_at = Some(now);
    let k = k.clone();
    Ok(json(&k.view(now, false)))
}
