//! M2M tokens (`/v1/m2m_tokens`): minted by a machine with its secret key, naming the machines
//! it is scoped to, opaque (`mt_...`, stored, listable, revocable) or JWTs signed with the
//! instance's key (stateless, verifiable against the JWKS).

use crate::store::machine_auth::*;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Extension, routing::get};
use data_encoding::BASE64URL_NOPAD;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::{
    Json400, MachineCaller, bad_param, expiration_from, hex_id, is_expired, missing_param,
    not_authorized, paging_400, secret,
};
use crate::error::{ApiError, ApiResult};
use crate::ids::now_ms;
use crate::server::{AppState, Query, Shared, json};
use crate::store::Db;

/// The `cat` header of M2M JWTs (CLERK-FACTS §4, JSB `tokens/jwtCategories.ts`).
pub(crate) const M2M_CATEGORY: &str = "cl_B7d4PD333AAA";
/// Claims a JWT-format token carries whatever the custom claims say (the emulator's choice of
/// claims, **unverified** beyond `sub` being the machine and `jti` the token id).
const STRUCTURAL_CLAIMS: &[&str] = &["iss", "sub", "exp", "iat", "nbf", "jti", "scopes"];

/// The spec's M2M token object; `token` only in the create answer.
#[derive(Debug, Serialize)]
struct M2mTokenView<'a> {
    object: &'static str,
    id: &'a str,
    subject: &'a str,
    claims: &'a Option<Value>,
    scopes: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    token: Option<&'a str>,
    revoked: bool,
    revocation_reason: &'a Option<String>,
    expired: bool,
    expiration: Option<i64>,
    last_used_at: Option<i64>,
    created_at: i64,
    updated_at: i64,
}

impl M2mTokenRow {
    fn view(&self, now: i64, with_token: bool) -> M2mTokenView<'_> {
        M2mTokenView {
            object: "machine_to_machine_token",
            id: &self.id,
            subject: &self.subject,
            claims: &self.claims,
            scopes: &self.scopes,
            token: with_token.then_some(self.token.as_str()),
            revoked: self.revoked,
            revocation_reason: &self.revocation_reason,
            expired: is_expired(self.expiration, now),
            expiration: self.expiration,
            last_used_at: self.last_used_at,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route("/v1/m2m_tokens", get(list).post(create))
        .route("/v1/m2m_tokens/verify", post(verify))
        .route("/v1/m2m_tokens/{m2m_token_id}/revoke", post(revoke))
}

/// A token that does not verify: unknown, revoked, expired, or not meant for the machine
/// asking. 404 as the spec declares; the JS SDK's fixtures use the message "Machine token not
/// found" (code **unverified**).
fn token_not_found(why: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "resource_not_found",
        "Machine token not found",
        why.to_owned(),
    )
}

fn created(body: Response) -> Response {
    (StatusCode::CREATED, body).into_response()
}

// ---- create ----------------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
struct CreateBody {
    #[serde(default)]
    token_format: Option<String>,
    #[serde(default)]
    seconds_until_expiration: Option<f64>,
    #[serde(default)]
    claims: Option<Value>,
    #[serde(default)]
    min_remaining_ttl_seconds: Option<i64>,
}

/// `POST /v1/m2m_tokens` (201). Only a machine secret key may mint (the instance key is 403
/// `authorization_invalid`, **unverified**). The token names the machines the minting machine
/// is scoped to now. Without `seconds_until_expiration` (or with `null`) it lives the machine's
/// `default_token_ttl` (**unverified** for `null`). With `min_remaining_ttl_seconds`, a live
/// opaque token of the same machine with the same claims and scopes and at least that much
/// life left is answered instead of a new one.
async fn create(
    State(state): State<Shared>,
    caller: Option<Extension<MachineCaller>>,
    Json400(body): Json400<CreateBody>,
) -> ApiResult<Response> {
    let Some(Extension(MachineCaller(machine_id))) = caller else {
        return Err(not_authorized());
    };
    let jwt = match body.token_format.as_deref() {
        None | Some("opaque") => false,
        Some("jwt") => true,
        Some(other) => {
            return Err(bad_param(
                "token_format",
                format!("token_format must be one of opaque, jwt. Received {other}."),
            ));
        }
    };
    let claims = match body.claims {
        None | Some(Value::Null) => None,
        Some(Value::Object(map)) => Some(map),
        Some(_) => return Err(bad_param("claims", "claims must be an object.")),
    };
    let now = now_ms();
    let (ttl_ms, scopes) = {
        let db = state.read();
        let machine = db
            .machine_auth
            .machines
            .get(&machine_id)
            .ok_or_else(not_authorized)?;
        let expiration = match body.seconds_until_expiration {
            Some(s) => expiration_from(s, now)?,
            None => now + machine.default_token_ttl * 1000,
        };
        (expiration - now, machine.scoped_ids())
    };
    if let Some(min) = body.min_remaining_ttl_seconds {
        if min < 0 {
            return Err(bad_param(
                "min_remaining_ttl_seconds",
                "min_remaining_ttl_seconds must be greater than or equal to 0.",
            ));
        }
        if min.saturating_mul(1000) >= ttl_ms {
            return Err(bad_param(
                "min_remaining_ttl_seconds",
                "min_remaining_ttl_seconds must be less than the token's lifetime.",
            ));
        }
    }
    if jwt {
        return mint_jwt(&state, &machine_id, scopes, claims, now, ttl_ms).map(created);
    }
    let claims = claims.map(Value::Object);
    let mut db = state.write();
    if let Some(min) = body.min_remaining_ttl_seconds {
        let reusable = db.machine_auth.m2m_tokens.values().rev().find(|t| {
            t.subject == machine_id
                && !t.revoked
                && t.claims == claims
                && t.scopes == scopes
                && t.expiration.is_none_or(|e| e - now >= min * 1000)
        });
        if let Some(t) = reusable {
            return Ok(created(json(&t.view(now, true))));
        }
    }
    let row = M2mTokenRow {
        id: hex_id("mt"),
        subject: machine_id,
        claims,
        scopes,
        token: secret("mt"),
        revoked: false,
        revocation_reason: None,
        expiration: Some(now + ttl_ms),
        last_used_at: None,
        created_at: now,
        updated_at: now,
    };
    db.machine_auth
        .m2m_tokens
        .insert(row.id.clone(), row.clone());
    Ok(created(json(&row.view(now, true))))
}

/// A JWT-format token: RS256 with the instance's key, `cat` the M2M category, the machine as
/// `sub`, the token id as `jti`, the scoped machines space-separated in `scopes`, the custom
/// claims beside them. Not stored.
fn mint_jwt(
    state: &AppState,
    machine_id: &str,
    scopes: Vec<String>,
    custom: Option<Map<String, Value>>,
    now: i64,
    ttl_ms: i64,
) -> ApiResult<Response> {
    let id = hex_id("mt");
    let iat = now / 1000;
    let exp_ms = now + ttl_ms;
    let mut claims = custom.clone().unwrap_or_default();
    claims.retain(|k, _| !STRUCTURAL_CLAIMS.contains(&k.as_str()));
    claims.insert("iss".into(), json!(state.base_url));
    claims.insert("sub".into(), json!(machine_id));
    claims.insert("iat".into(), json!(iat));
    claims.insert("nbf".into(), json!(iat));
    // `exp` is whole seconds, rounded up so the token never outlives its `expiration` by less.
    claims.insert("exp".into(), json!((exp_ms + 999) / 1000));
    claims.insert("jti".into(), json!(id));
    claims.insert("scopes".into(), json!(scopes.join(" ")));
    let token = state
        .key
        .sign_jwt(M2M_CATEGORY, &claims)
        .map_err(|_| ApiError::internal())?;
    let row = M2mTokenRow {
        id,
        subject: machine_id.to_owned(),
        claims: custom.map(Value::Object),
        scopes,
        token,
        revoked: false,
        revocation_reason: None,
        expiration: Some((exp_ms + 999) / 1000 * 1000),
        last_used_at: None,
        created_at: now,
        updated_at: now,
    };
    Ok(json(&row.view(now, true)))
}

// ---- list ------------------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ListParams {
    subject: Option<String>,
    revoked: Option<bool>,
    expired: Option<bool>,
    limit: Option<i64>,
    offset: Option<i64>,
}

/// `GET /v1/m2m_tokens?subject=mch_...`: `{m2m_tokens, total_count}`, newest first. Revoked and
/// expired tokens are left out unless `revoked=true` / `expired=true` asks for them too
/// (**unverified** reading of those flags). A machine key lists only its own machine's tokens
/// (another subject is 403).
async fn list(
    State(state): State<Shared>,
    caller: Option<Extension<MachineCaller>>,
    Query(params): Query<ListParams>,
) -> ApiResult<Response> {
    let subject = params.subject.ok_or_else(|| missing_param("subject"))?;
    let (limit, offset) = paging_400(params.limit, params.offset, 100)?;
    if let Some(Extension(MachineCaller(me))) = &caller
        && *me != subject
    {
        return Err(not_authorized());
    }
    let db = state.read();
    if !db.machine_auth.machines.contains_key(&subject) {
        return Err(super::machines::machine_not_found(&subject));
    }
    let now = now_ms();
    let found: Vec<&M2mTokenRow> = db
        .machine_auth
        .m2m_tokens
        .values()
        .rev()
        .filter(|t| t.subject == subject)
        .filter(|t| params.revoked == Some(true) || !t.revoked)
        .filter(|t| params.expired == Some(true) || !is_expired(t.expiration, now))
        .collect();
    let total = found.len();
    let tokens: Vec<M2mTokenView<'_>> = super::page(found, limit, offset)
        .into_iter()
        .map(|t| t.view(now, false))
        .collect();
    Ok(json(&json!({"m2m_tokens": tokens, "total_count": total})))
}

// ---- revoke ----------------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
struct RevokeBody {
    #[serde(default)]
    revocation_reason: Option<String>,
}

/// `POST /v1/m2m_tokens/{id}/revoke`: a machine key revokes only its own machine's tokens
/// (another's is 404, **unverified**). Revoking again keeps the token revoked and replaces the
/// reason when one is given (**unverified**).
async fn revoke(
    State(state): State<Shared>,
    caller: Option<Extension<MachineCaller>>,
    Path(id): Path<String>,
    Json400(body): Json400<RevokeBody>,
) -> ApiResult<Response> {
    let mut db = state.write();
    let owned = db.machine_auth.m2m_tokens.get(&id).is_some_and(|t| {
        caller
            .as_ref()
            .is_none_or(|Extension(MachineCaller(me))| *me == t.subject)
    });
    if !owned {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "resource_not_found",
            "not found",
            format!("No machine token was found with id {id}"),
        ));
    }
    let now = now_ms();
    let Some(t) = db.machine_auth.m2m_tokens.get_mut(&id) else {
        return Err(ApiError::resource_not_found());
    };
    t.revoked = true;
    if body.revocation_reason.is_some() {
        t.revocation_reason = body.revocation_reason;
    }
    t.updated_at = now.max(t.updated_at);
    let t = t.clone();
    Ok(json(&t.view(now, false)))
}

// ---- verify ----------------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
struct VerifyBody {
    token: String,
}

/// `POST /v1/m2m_tokens/verify`: the token's object, its `last_used_at` now; an unknown,
/// revoked or expired token, one whose machine is gone, or (with a machine key) one not scoped
/// to the asking machine is 404. JWT-format tokens are checked by their signature and times.
async fn verify(
    State(state): State<Shared>,
    caller: Option<Extension<MachineCaller>>,
    Json400(body): Json400<VerifyBody>,
) -> ApiResult<Response> {
    let now = now_ms();
    let mut db = state.write();
    let row = match find_opaque(&db, &body.token) {
        Some(row) => row.clone(),
        None => verify_jwt(&state, &body.token)
            .ok_or_else(|| token_not_found("The machine token does not exist."))?,
    };
    if row.revoked {
        return Err(token_not_found("The machine token has been revoked."));
    }
    if is_expired(row.expiration, now) {
        return Err(token_not_found("The machine token has expired."));
    }
    if !db.machine_auth.machines.contains_key(&row.subject) {
        return Err(token_not_found(
            "The machine of this token no longer exists.",
        ));
    }
    if let Some(Extension(MachineCaller(me))) = &caller
        && !row.scopes.contains(me)
    {
        return Err(token_not_found(
            "The machine token is not scoped to the machine verifying it.",
        ));
    }
    let mut row = row;
    if let Some(t) = db.machine_auth.m2m_tokens.get_mut(&row.id) {
        t.last_used_at = Some(now);
        row = t.clone();
    }
    Ok(json(&row.view(now, false)))
}

fn find_opaque<'a>(db: &'a Db, token: &str) -> Option<&'a M2mTokenRow> {
    if !token.starts_with("mt_") {
        return None;
    }
    db.machine_auth
        .m2m_tokens
        .values()
        .find(|t| t.token == token)
}

/// A JWT-format token this instance minted, as a (not stored) row: its header must be the M2M
/// category and its signature the instance key's (PKCS#1 v1.5 signatures are deterministic,
/// so signing the same header and claims again gives the same token).
fn verify_jwt(state: &AppState, token: &str) -> Option<M2mTokenRow> {
    let mut parts = token.split('.');
    let (h, p, s) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let header: Value = serde_json::from_slice(&BASE64URL_NOPAD.decode(h.as_bytes()).ok()?).ok()?;
    let claims: Map<String, Value> =
        serde_json::from_slice(&BASE64URL_NOPAD.decode(p.as_bytes()).ok()?).ok()?;
    if header.get("cat").and_then(Value::as_str) != Some(M2M_CATEGORY) {
        return None;
    }
    // serde_json writes the same JSON back for what it wrote, so only a token signed here
    // with exactly these header and claims comes out identical.
    let resigned = state.key.sign_with_header(&header, &claims).ok()?;
    if resigned != token || s.is_empty() {
        return None;
    }
    let subject = claims.get("sub")?.as_str()?.to_owned();
    let id = claims.get("jti")?.as_str()?.to_owned();
    let exp = claims.get("exp")?.as_i64()?;
    let iat = claims.get("iat").and_then(Value::as_i64).unwrap_or(exp);
    let scopes = claims
        .get("scopes")
        .and_then(Value::as_str)
        .map(|s| s.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default();
    let mut custom = claims.clone();
    custom.retain(|k, _| !STRUCTURAL_CLAIMS.contains(&k.as_str()));
    Some(M2mTokenRow {
        id,
        subject,
        claims: (!custom.is_empty()).then_some(Value::Object(custom)),
        scopes,
        token: token.to_owned(),
        revoked: false,
        revocation_reason: None,
        expiration: Some(exp * 1000),
        last_used_at: None,
        created_at: iat * 1000,
        updated_at: iat * 1000,
    })
}
