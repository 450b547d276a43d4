//! OAuth applications (`/v1/oauth_applications`), the access tokens they are given for users,
//! and access-token verification (`POST /v1/oauth_applications/access_tokens/verify`).
//!
//! The emulator has no Frontend API to run an authorization flow, so access tokens come from
//! its own endpoint `POST /emulator/oauth_applications/{id}/access_tokens` (and
//! `Emulator::oauth_access_token`), as if the user had consented.

use crate::store::machine_auth::*;
use axum::Router;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{Json400, hex_id, is_expired, missing_param, secret};
use crate::error::{ApiError, ApiResult};
use crate::ids::{new_id, now_ms, random_base62};
use crate::server::{AppState, JsonBody, Query, Shared, UPLOAD_BODY_LIMIT, json};
use crate::store::{Db, Image};

/// The scopes an application gets when none are given (SPEC CreateOAuthApplication).
const DEFAULT_SCOPES: &str = "profile email";
/// How long a minted access token lives when the mint does not say (**unverified**: Clerk's
/// default lifetime is not in the spec).
pub(crate) const DEFAULT_ACCESS_TOKEN_TTL_SECS: i64 = 86_400;
/// The longest `callback_url` and `scopes` (SPEC).
const MAX_FIELD_LEN: usize = 1024;

/// The spec's `OAuthApplication` (and `OAuthApplicationWithSecret`).
#[derive(Serialize)]
struct ApplicationView<'a> {
    object: &'static str,
    id: &'a str,
    instance_id: &'a str,
    name: &'a str,
    client_id: &'a str,
    client_uri: Option<String>,
    client_image_url: &'a Option<String>,
    dynamically_registered: bool,
    consent_screen_enabled: bool,
    pkce_required: bool,
    public: bool,
    scopes: &'a str,
    redirect_uris: &'a [String],
    callback_url: &'a str,
    authorize_url: String,
    token_fetch_url: String,
    user_info_url: String,
    discovery_url: String,
    token_introspection_url: String,
    created_at: i64,
    updated_at: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    client_secret: Option<&'a str>,
}

/// An application as served. Its OAuth endpoints are the Frontend API's (here the emulator's
/// own URL; the paths are Clerk's documented ones, **unverified** in the spec).
fn view<'a>(
    state: &'a AppState,
    app: &'a OAuthApplicationRow,
    with_secret: bool,
) -> ApplicationView<'a> {
    let base = &state.base_url;
    ApplicationView {
        object: "oauth_application",
        id: &app.id,
        instance_id: &state.instance_id,
        name: &app.name,
        client_id: &app.client_id,
        client_uri: None,
        client_image_url: &app.client_image_url,
        dynamically_registered: false,
        consent_screen_enabled: app.consent_screen_enabled,
        pkce_required: app.pkce_required,
        public: app.public,
        scopes: &app.scopes,
        redirect_uris: &app.redirect_uris,
        callback_url: &app.callback_url,
        authorize_url: format!("{base}/oauth/authorize"),
        token_fetch_url: format!("{base}/oauth/token"),
        user_info_url: format!("{base}/oauth/userinfo"),
        discovery_url: format!("{base}/.well-known/openid-configuration"),
        token_introspection_url: format!("{base}/oauth/token_info"),
        created_at: app.created_at,
        updated_at: app.updated_at,
        client_secret: with_secret.then_some(app.client_secret.as_str()),
    }
}

pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route("/v1/oauth_applications", get(list).post(create))
        .route(
            "/v1/oauth_applications/access_tokens/verify",
            post(verify_access_token),
        )
        .route(
            "/v1/oauth_applications/{oauth_application_id}",
            get(get_application)
                .patch(update)
                .delete(delete_application),
        )
        .route(
            "/v1/oauth_applications/{oauth_application_id}/logo",
            put(upload_logo).layer(axum::extract::DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .route(
            "/v1/oauth_applications/{oauth_application_id}/rotate_secret",
            post(rotate_secret),
        )
        .route(
            "/v1/oauth_applications/{oauth_application_id}/revoke_token",
            post(revoke_token),
        )
        .route(
            "/emulator/oauth_applications/{oauth_application_id}/access_tokens",
            post(mint_access_token),
        )
}

pub(crate) fn application_not_found(id: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "resource_not_found",
        "not found",
        format!("No OAuth application was found with id {id}"),
    )
}

fn find<'a>(db: &'a Db, id: &str) -> ApiResult<&'a OAuthApplicationRow> {
    db.machine_auth
        .oauth_applications
        .get(id)
        .ok_or_else(|| application_not_found(id))
}

fn check_url(param: &str, url: &str) -> ApiResult<()> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    let ok = url.len() <= MAX_FIELD_LEN
        && rest.is_some_and(|r| {
            !r.is_empty() && !r.starts_with('/') && !r.chars().any(char::is_whitespace)
        });
    if ok {
        Ok(())
    } else {
        Err(ApiError::format_invalid(
            param,
            format!("{param} must be a valid http or https URL."),
        ))
    }
}

fn check_scopes(scopes: &str) -> ApiResult<()> {
    if scopes.len() > MAX_FIELD_LEN {
        return Err(ApiError::value_invalid(
            "scopes",
            format!("scopes must be at most {MAX_FIELD_LEN} characters long."),
        ));
    }
    Ok(())
}

/// `redirect_uris` and the deprecated `callback_url` together: the list wins; a lone
/// `callback_url` becomes the list; `callback_url` reads as the first redirect URI.
fn redirects(
    uris: Option<Vec<String>>,
    callback: Option<String>,
) -> ApiResult<Option<(Vec<String>, String)>> {
    let uris = match (uris, callback) {
        (Some(uris), _) => uris,
        (None, Some(cb)) if cb.is_empty() => Vec::new(),
        (None, Some(cb)) => vec![cb],
        (None, None) => return Ok(None),
    };
    for uri in &uris {
        check_url("redirect_uris", uri)?;
    }
    let first = uris.first().cloned().unwrap_or_default();
    Ok(Some((uris, first)))
}

// ---- the operations --------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ListParams {
    limit: Option<i64>,
    offset: Option<i64>,
    order_by: Vec<String>,
    name_query: Option<String>,
}

/// `GET /v1/oauth_applications`: `{data, total_count}`, oldest first unless `order_by` says
/// otherwise (`created_at` or `name`; the allowed fields are **unverified**); `name_query`
/// matches part of the name, without case.
async fn list(
    State(state): State<Shared>,
    Query(params): Query<ListParams>,
) -> ApiResult<Response> {
    let (field, desc) = crate::domain::organizations::parse_order(
        &params.order_by,
        &["created_at", "name"],
        ("created_at", false),
    )?;
    let (limit, offset) = crate::domain::paging::paging(params.limit, params.offset)?;
    let needle = params.name_query.as_deref().map(str::to_lowercase);
    let db = state.read();
    let mut found: Vec<&OAuthApplicationRow> = db
        .machine_auth
        .oauth_applications
        .values()
        .filter(|a| {
            needle
                .as_deref()
                .is_none_or(|q| a.name.to_lowercase().contains(q))
        })
        .collect();
    if field == "name" {
        found.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    }
    if desc {
        found.reverse();
    }
    let total = found.len();
    let data: Vec<ApplicationView<'_>> = super::page(found, limit, offset)
        .into_iter()
        .map(|a| view(&state, a, false))
        .collect();
    Ok(json(&json!({"data": data, "total_count": total})))
}

#[derive(Debug, Deserialize)]
struct CreateBody {
    name: String,
    #[serde(default)]
    redirect_uris: Option<Vec<String>>,
    #[serde(default)]
    callback_url: Option<String>,
    #[serde(default)]
    scopes: Option<String>,
    #[serde(default)]
    consent_screen_enabled: Option<bool>,
    #[serde(default)]
    pkce_required: Option<bool>,
    #[serde(default)]
    public: Option<bool>,
}

/// `POST /v1/oauth_applications`: the application with its client secret (every application
/// gets one, public ones too, **unverified**).
async fn create(
    State(state): State<Shared>,
    JsonBody(body): JsonBody<CreateBody>,
) -> ApiResult<Response> {
    let name = body.name.trim().to_owned();
    if name.is_empty() {
        return Err(ApiError::param_missing("name"));
    }
    let scopes = body.scopes.unwrap_or_else(|| DEFAULT_SCOPES.into());
    check_scopes(&scopes)?;
    let (redirect_uris, callback_url) =
        redirects(body.redirect_uris, body.callback_url)?.unwrap_or_default();
    let now = now_ms();
    let app = OAuthApplicationRow {
        id: new_id("oa"),
        name,
        client_id: random_base62(16),
        client_secret: random_base62(32),
        client_image_url: None,
        image_id: None,
        consent_screen_enabled: body.consent_screen_enabled.unwrap_or(true),
        pkce_required: body.pkce_required.unwrap_or(false),
        public: body.public.unwrap_or(false),
        scopes,
        redirect_uris,
        callback_url,
        created_at: now,
        updated_at: now,
    };
    state
        .write()
        .machine_auth
        .oauth_applications
        .insert(app.id.clone(), app.clone());
    Ok(json(&view(&state, &app, true)))
}

async fn get_application(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let db = state.read();
    Ok(json(&view(&state, find(&db, &id)?, false)))
}

#[derive(Debug, Deserialize)]
struct UpdateBody {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    redirect_uris: Option<Vec<String>>,
    #[serde(default)]
    callback_url: Option<String>,
    #[serde(default)]
    scopes: Option<String>,
    #[serde(default)]
    consent_screen_enabled: Option<bool>,
    #[serde(default)]
    pkce_required: Option<bool>,
    #[serde(default)]
    public: Option<bool>,
}

/// `PATCH /v1/oauth_applications/{id}`: what is sent changes; what is left out or `null`
/// stays (**unverified** for `null`).
async fn update(
    State(state): State<Shared>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<UpdateBody>,
) -> ApiResult<Response> {
    let name = match body.name.map(|n| n.trim().to_owned()) {
        Some(n) if n.is_empty() => return Err(ApiError::param_missing("name")),
        other => other,
    };
    if let Some(scopes) = &body.scopes {
        check_scopes(scopes)?;
    }
    let redirects = redirects(body.redirect_uris, body.callback_url)?;
    let mut db = state.write();
    find(&db, &id)?;
    let Some(app) = db.machine_auth.oauth_applications.get_mut(&id) else {
        return Err(application_not_found(&id));
    };
    if let Some(name) = name {
        app.name = name;
    }
    if let Some((uris, callback)) = redirects {
        app.redirect_uris = uris;
        app.callback_url = callback;
    }
    if let Some(scopes) = body.scopes {
        app.scopes = scopes;
    }
    if let Some(v) = body.consent_screen_enabled {
        app.consent_screen_enabled = v;
    }
    if let Some(v) = body.pkce_required {
        app.pkce_required = v;
    }
    if let Some(v) = body.public {
        app.public = v;
    }
    app.updated_at = now_ms().max(app.updated_at);
    let app = app.clone();
    Ok(json(&view(&state, &app, false)))
}

/// `DELETE /v1/oauth_applications/{id}`: the application, its logo and its access tokens go.
async fn delete_application(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let mut db = state.write();
    let app = db
        .machine_auth
        .oauth_applications
        .remove(&id)
        .ok_or_else(|| application_not_found(&id))?;
    if let Some(image) = &app.image_id {
        db.images.remove(image);
    }
    db.machine_auth
        .oauth_access_tokens
        .retain(|_, t| t.application_id != id);
    Ok(json(
        &json!({"object": "oauth_application", "id": id, "deleted": true}),
    ))
}

/// `PUT /v1/oauth_applications/{id}/logo`: an image as user profile images are (the `file`
/// field; JPEG, PNG, GIF or WebP up to 10 MB). An `uploader_user_id` must be a user (404
/// otherwise, **unverified**).
async fn upload_logo(
    State(state): State<Shared>,
    Path(id): Path<String>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<Response> {
    find(&state.read(), &id)?;
    let upload = crate::server::read_image_upload(multipart).await?;
    let image_id = new_id("img");
    let url = format!("{}/images/{image_id}", state.base_url);
    let mut db = state.write();
    if let Some(uploader) = upload.fields.get("uploader_user_id")
        && !db.users.contains_key(uploader)
    {
        return Err(ApiError::user_not_found(uploader));
    }
    let old = find(&db, &id)?.image_id.clone();
    if let Some(old) = old {
        db.images.remove(&old);
    }
    db.images.insert(
        image_id.clone(),
        Image {
            content_type: upload.content_type.to_owned(),
            data: upload.data.to_vec(),
        },
    );
    let Some(app) = db.machine_auth.oauth_applications.get_mut(&id) else {
        return Err(application_not_found(&id));
    };
    app.image_id = Some(image_id);
    app.client_image_url = Some(url);
    app.updated_at = now_ms().max(app.updated_at);
    let app = app.clone();
    Ok(json(&view(&state, &app, false)))
}

/// `POST /v1/oauth_applications/{id}/rotate_secret`: a new client secret; the old one stops
/// working.
async fn rotate_secret(State(state): State<Shared>, Path(id): Path<String>) -> ApiResult<Response> {
    let mut db = state.write();
    find(&db, &id)?;
    let Some(app) = db.machine_auth.oauth_applications.get_mut(&id) else {
        return Err(application_not_found(&id));
    };
    app.client_secret = random_base62(32);
    app.updated_at = now_ms().max(app.updated_at);
    let app = app.clone();
    Ok(json(&view(&state, &app, true)))
}

#[derive(Debug, Deserialize)]
struct RevokeBody {
    token: String,
}

/// `POST /v1/oauth_applications/{id}/revoke_token` (204): the application's access token is
/// revoked. A token the application does not hold is answered 204 too and nothing changes, as
/// OAuth token revocation (RFC 7009 §2.2) does (**unverified** for Clerk).
async fn revoke_token(
    State(state): State<Shared>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<RevokeBody>,
) -> ApiResult<Response> {
    let mut db = state.write();
    find(&db, &id)?;
    let now = now_ms();
    db.machine_auth.oauth_access_tokens.update_where(
        |t| t.application_id == id && t.token == body.token && !t.revoked,
        |t| {
            t.revoked = true;
            t.updated_at = now.max(t.updated_at);
        },
    );
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Debug, Deserialize)]
struct VerifyBody {
    #[serde(default)]
    access_token: Option<String>,
    #[serde(default)]
    secret: Option<String>,
}

/// An access token that does not verify: 404 as the spec declares; the JS SDK's fixtures use
/// the message "OAuth token not found" (code **unverified**).
fn token_not_found(why: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "resource_not_found",
        "OAuth token not found",
        why.to_owned(),
    )
}

/// `POST /v1/oauth_applications/access_tokens/verify`: the token as
/// `clerk_idp_oauth_access_token`. Unknown, revoked and expired tokens, and tokens whose
/// user or application is gone, are 404. `secret` is the deprecated name of `access_token`.
async fn verify_access_token(
    State(state): State<Shared>,
    Json400(body): Json400<VerifyBody>,
) -> ApiResult<Response> {
    let token = body
        .access_token
        .or(body.secret)
        .ok_or_else(|| missing_param("access_token"))?;
    let now = now_ms();
    let db = state.read();
    let t = db
        .machine_auth
        .oauth_access_tokens
        .values()
        .find(|t| t.token == token)
        .ok_or_else(|| token_not_found("The access token does not exist."))?;
    if t.revoked {
        return Err(token_not_found("The access token has been revoked."));
    }
    if is_expired(t.expiration, now) {
        return Err(token_not_found("The access token has expired."));
    }
    if !db.users.contains_key(&t.subject)
        || !db
            .machine_auth
            .oauth_applications
            .contains_key(&t.application_id)
    {
        return Err(token_not_found(
            "The user or application of the access token no longer exists.",
        ));
    }
    Ok(json(&json!({
        "object": "clerk_idp_oauth_access_token",
        "id": t.id,
        "client_id": t.client_id,
        "subject": t.subject,
        "scopes": t.scopes,
        "revoked": t.revoked,
        "revocation_reason": t.revocation_reason,
        "expired": false,
        "expiration": t.expiration,
        "created_at": t.created_at,
        "updated_at": t.updated_at,
    })))
}

// ---- minting (the emulator's own) ------------------------------------------------------------

/// The body of `POST /emulator/oauth_applications/{id}/access_tokens`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct MintBody {
    pub(crate) user_id: String,
    /// Space-separated; a subset of the application's scopes (default: all of them).
    #[serde(default)]
    pub(crate) scopes: Option<String>,
    /// Lifetime in seconds (default [`DEFAULT_ACCESS_TOKEN_TTL_SECS`]).
    #[serde(default)]
    pub(crate) expires_in_seconds: Option<i64>,
}

/// Issues an access token of an application for a user, as a finished authorization flow
/// would: the token row, its secret included.
pub(crate) fn mint(
    state: &AppState,
    application_id: &str,
    body: MintBody,
) -> ApiResult<OAuthAccessTokenRow> {
    let mut db = state.write();
    let app = find(&db, application_id)?;
    if !db.users.contains_key(&body.user_id) {
        return Err(ApiError::user_not_found(&body.user_id));
    }
    let allowed: Vec<&str> = app.scopes.split_whitespace().collect();
    let scopes: Vec<String> = match &body.scopes {
        None => allowed.iter().map(|s| (*s).to_owned()).collect(),
        Some(asked) => {
            let asked: Vec<String> = asked.split_whitespace().map(str::to_owned).collect();
            if let Some(bad) = asked.iter().find(|s| !allowed.contains(&s.as_str())) {
                return Err(ApiError::value_invalid(
                    "scopes",
                    format!("The application does not have the scope {bad}."),
                ));
            }
            asked
        }
    };
    let ttl = body
        .expires_in_seconds
        .unwrap_or(DEFAULT_ACCESS_TOKEN_TTL_SECS);
    if !(1..=315_360_000).contains(&ttl) {
        return Err(ApiError::value_invalid(
            "expires_in_seconds",
            "expires_in_seconds must be between 1 and 315360000.",
        ));
    }
    let now = now_ms();
    let row = OAuthAccessTokenRow {
        id: hex_id("oat"),
        token: secret("oat"),
        application_id: app.id.clone(),
        client_id: app.client_id.clone(),
        subject: body.user_id,
        scopes,
        revoked: false,
        revocation_reason: None,
        expiration: Some(now + ttl * 1000),
        created_at: now,
        updated_at: now,
    };
    db.machine_auth
        .oauth_access_tokens
        .insert(row.id.clone(), row.clone());
    Ok(row)
}

/// `POST /emulator/oauth_applications/{id}/access_tokens` (the emulator's own, with the secret
/// key): `{user_id, scopes?, expires_in_seconds?}` → the new token.
async fn mint_access_token(
    State(state): State<Shared>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<MintBody>,
) -> ApiResult<Response> {
    let row = mint(&state, &id, body)?;
    Ok(json(&token_json(&row)))
}

/// The emulator endpoint's answer for a minted token.
pub(crate) fn token_json(row: &OAuthAccessTokenRow) -> Value {
    json!({
        "object": "oauth_access_token",
        "id": row.id,
        "token": row.token,
        "application_id": row.application_id,
        "client_id": row.client_id,
        "subject": row.subject,
        "scopes": row.scopes,
        "expiration": row.expiration,
        "created_at": row.created_at,
    })
}
