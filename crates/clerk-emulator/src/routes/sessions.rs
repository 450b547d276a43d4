//! Sessions, clients, session tokens and the JWKS.

use crate::wire::{Client, Session, SessionStatus, SessionToken, User};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Map, json};

use crate::SessionCookies;
use crate::error::{ApiError, ApiResult};
use crate::ids::{new_id, now_ms, now_secs, random_base62};
use crate::keys::{SESSION_CATEGORY, TEMPLATE_CATEGORY};
use crate::server::{AppState, JsonBody, Query, Shared, json};
use crate::store::Db;

/// Sessions last a week unless ended; unused ones are abandoned after 30 days.
pub(crate) const SESSION_LIFETIME_MS: i64 = 7 * 24 * 3600 * 1000;
const ABANDON_AFTER_MS: i64 = 30 * 24 * 3600 * 1000;
/// Session tokens live 60 s.
const TOKEN_LIFETIME_SECS: i64 = 60;
/// `nbf` sits 10 s before `iat` on Clerk's session tokens.
const NBF_SKEW_SECS: i64 = 10;

pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route("/v1/sessions", get(list).post(create))
        .route("/v1/sessions/{session_id}", get(get_session))
        .route("/v1/sessions/{session_id}/revoke", post(revoke))
        .route("/v1/sessions/{session_id}/refresh", post(refresh))
        .route("/v1/sessions/{session_id}/tokens", post(create_token))
        .route(
            "/v1/sessions/{session_id}/tokens/{template_name}",
            post(create_template_token),
        )
        .route("/v1/clients", get(list_clients))
        .route("/v1/clients/verify", post(verify_client))
        .route("/v1/clients/{client_id}", get(get_client))
        .route("/v1/jwks", get(jwks))
        .route("/emulator/sessions/{session_id}/cookies", post(cookies))
}

/// What anyone may fetch without the secret key: the JWKS as the Frontend API serves it, and
/// uploaded images.
pub(crate) fn public_router() -> Router<Shared> {
    Router::new()
        .route("/.well-known/jwks.json", get(jwks))
        .route("/images/{image_id}", get(image))
}

/// The claims of a fresh session token for a live session, as `POST
/// /v1/sessions/{id}/tokens` mints it.
pub(crate) fn session_token_claims(
    db: &Db,
    issuer: &str,
    id: &str,
    life: i64,
) -> ApiResult<Map<String, serde_json::Value>> {
    let (session, _user) = live_session(db, id)?;
    let iat = now_secs();
    let first_factor_age = ((now_ms() - session.created_at) / 60_000).max(0);
    let mut claims = Map::new();
    claims.insert("exp".into(), json!(iat + life));
    claims.insert("fva".into(), json!([first_factor_age, -1]));
    claims.insert("iat".into(), json!(iat));
    claims.insert("iss".into(), json!(issuer));
    claims.insert("jti".into(), json!(random_base62(20)));
    claims.insert("nbf".into(), json!(iat - NBF_SKEW_SECS));
    claims.insert("sid".into(), json!(session.id));
    claims.insert("sts".into(), json!(session.status.as_str()));
    claims.insert("sub".into(), json!(session.user_id));
    claims.insert("v".into(), json!(2));
    // Impersonation: the actor token's actor, whole.
    if let Some(actor) = &session.actor {
        claims.insert("act".into(), json!(actor));
    }
    if let Some(org) = &session.last_active_organization_id
        && let Some((o, fea)) = super::organizations::session_org_claim(db, org, &session.user_id)
    {
        claims.insert("o".into(), o);
        // `fpm`'s masks are read against the organization features `fea` lists.
        if let Some(fea) = fea {
            claims.insert("fea".into(), json!(fea));
        }
    }
    Ok(claims)
}

/// The `__client_uat` of a session's client: the time, in Unix seconds, the client last
/// changed sessions (its last update).
pub(crate) fn client_uat(db: &Db, session_id: &str) -> ApiResult<i64> {
    let (session, _user) = live_session(db, session_id)?;
    let updated = db
        .clients
        .get(&session.client_id)
        .map_or(session.created_at, |c| c.updated_at);
    Ok(updated.div_euclid(1000))
}

/// The claims of a fresh session token as `POST /v1/sessions/{id}/tokens` mints it by default.
pub(crate) fn default_token_claims(
    state: &AppState,
    id: &str,
) -> ApiResult<Map<String, serde_json::Value>> {
    session_token_claims(&state.read(), &state.base_url, id, TOKEN_LIFETIME_SECS)
}

/// The cookies a browser signed in to this session holds.
pub(crate) fn session_cookies(state: &AppState, id: &str) -> ApiResult<SessionCookies> {
    let (claims, client_uat) = {
        let db = state.read();
        (
            session_token_claims(&db, &state.base_url, id, TOKEN_LIFETIME_SECS)?,
            client_uat(&db, id)?,
        )
    };
    let session = state
        .key
        .sign_jwt(SESSION_CATEGORY, &claims)
        .map_err(|_| ApiError::internal())?;
    let client_id = state
        .read()
        .sessions
        .get(id)
        .map(|s| s.client_id.clone())
        .ok_or_else(|| session_not_found(id))?;
    Ok(SessionCookies {
        session,
        client_uat,
        suffix: crate::keys::cookie_suffix(&state.publishable_key),
        refresh: refresh_token(state, id),
        client: client_token(state, &client_id)?,
    })
}

/// A keyed digest of `purpose:value` under the instance's secret key: stable across restarts
/// (the key is kept in the state file) and unguessable without the key.
fn digest(state: &AppState, purpose: &str, value: &str) -> String {
    use aws_lc_rs::hmac;
    let key = hmac::Key::new(hmac::HMAC_SHA256, state.secret_key.as_bytes());
    let tag = hmac::sign(&key, format!("{purpose}:{value}").as_bytes());
    data_encoding::BASE64URL_NOPAD.encode(tag.as_ref())
}

/// A session's refresh token: what the Frontend API's handshake sets in `__refresh`, and
/// `POST /v1/sessions/{id}/refresh` wants back.
pub(crate) fn refresh_token(state: &AppState, session_id: &str) -> String {
    digest(state, "refresh", session_id)
}

/// The JWT that stands for a client (the Frontend API's `__client` cookie), which `POST
/// /v1/clients/verify` checks: the client's id and a rotating token, signed by the instance.
pub(crate) fn client_token(state: &AppState, client_id: &str) -> ApiResult<String> {
    let header = json!({"alg": "RS256", "kid": state.key.kid(), "typ": "JWT"});
    let claims = json!({
        "id": client_id,
        "rotating_token": digest(state, "client", client_id),
    });
    state
        .key
        .sign_with_header(&header, &claims)
        .map_err(|_| ApiError::internal())
}

/// `POST /emulator/sessions/{session_id}/cookies` (the emulator's own, not Clerk's): the
/// cookies a browser signed in to this session holds, a fresh `__session` token and the
/// client's `__client_uat`, under their plain and suffixed names.
async fn cookies(State(state): State<Shared>, Path(id): Path<String>) -> ApiResult<Response> {
    let cookies = session_cookies(&state, &id)?;
    Ok(json(&json!({
        "object": "session_cookies",
        "__session": cookies.session,
        "__client_uat": cookies.client_uat.to_string(),
        "suffix": cookies.suffix,
        "cookie": cookies.cookie_header(),
        "suffixed_cookie": cookies.suffixed_cookie_header(),
        "__refresh": cookies.refresh,
        "__client": cookies.client,
    })))
}

fn session_not_found(id: &str) -> ApiError {
    ApiError::new(
        axum::http::StatusCode::NOT_FOUND,
        "resource_not_found",
        "Session not found",
        format!("No session was found with id {id}"),
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateSession {
    user_id: String,
    #[serde(default)]
    active_organization_id: Option<String>,
}

async fn create(
    State(state): State<Shared>,
    JsonBody(body): JsonBody<CreateSession>,
) -> ApiResult<Response> {
    let session = start_session(
        &mut state.write(),
        NewSession {
            user_id: &body.user_id,
            organization_id: body.active_organization_id.as_deref(),
            organization_param: "active_organization_id",
            actor: None,
            lifetime_ms: SESSION_LIFETIME_MS,
            strategy: "admin",
        },
    )?;
    Ok(json(&session))
}

/// What a new session starts with.
pub(crate) struct NewSession<'a> {
    pub(crate) user_id: &'a str,
    /// The organization active in it; the user must be a member.
    pub(crate) organization_id: Option<&'a str>,
    /// The parameter that named the organization, for the error when it is not the user's.
    pub(crate) organization_param: &'a str,
    /// Who impersonates the user, for an actor token's session.
    pub(crate) actor: Option<crate::wire::Metadata>,
    pub(crate) lifetime_ms: i64,
    /// How the client signed in (`admin`, `ticket`).
    pub(crate) strategy: &'a str,
}

/// Signs a user in on a new client, within a write: refused for unknown or banned users and
/// for an organization the user is not a member of. Announces `session.created`.
pub(crate) fn start_session(db: &mut Db, new: NewSession<'_>) -> ApiResult<Session> {
    let record = db
        .users
        .get(new.user_id)
        .ok_or_else(|| ApiError::user_not_found(new.user_id))?;
    if record.user.banned {
        return Err(ApiError::new(
            axum::http::StatusCode::FORBIDDEN,
            "user_banned",
            "User banned",
            "You have been banned. If you think this was by mistake, please contact support.",
        ));
    }
    if let Some(org) = new.organization_id
        && !super::organizations::is_member(db, org, new.user_id)
    {
        return Err(ApiError::value_invalid(
            new.organization_param,
            format!(
                "{} must be an organization the user is a member of.",
                new.organization_param
            ),
        ));
    }
    let now = now_ms();
    let client_id = new_id("client");
    let session = Session {
        object: "session".into(),
        id: new_id("sess"),
        user_id: new.user_id.to_owned(),
        client_id: client_id.clone(),
        actor: new.actor,
        status: SessionStatus::Active,
        last_active_organization_id: new.organization_id.map(str::to_owned),
        last_active_at: now,
        latest_activity: None,
        expire_at: now + new.lifetime_ms,
        abandon_at: now + ABANDON_AFTER_MS.max(new.lifetime_ms),
        updated_at: now,
        created_at: now,
        tasks: None,
    };
    db.clients.insert(
        client_id.clone(),
        Client {
            object: "client".into(),
            id: client_id,
            session_ids: vec![session.id.clone()],
            sessions: vec![],
            sign_in_id: None,
            sign_up_id: None,
            last_active_session_id: Some(session.id.clone()),
            last_authentication_strategy: Some(new.strategy.to_owned()),
            updated_at: now,
            created_at: now,
        },
    );
    db.sessions.insert(session.id.clone(), session.clone());
    let event = session_event(&session, db.users.get(&session.user_id).map(|r| &r.user));
    db.emit("session.created", &event);
    let user = db.users.get_mut(new.user_id).map(|r| {
        r.user.last_sign_in_at = Some(now);
        // Clerk reports activity with day precision.
        r.user.last_active_at = Some(now - now.rem_euclid(86_400_000));
        r.user.updated_at = now;
        r.user.clone()
    });
    if let Some(user) = &user {
        db.emit("user.updated", user);
    }
    Ok(session)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ListParams {
    user_id: Option<String>,
    client_id: Option<String>,
    status: Option<String>,
    paginated: Option<bool>,
    limit: Option<i64>,
    offset: Option<i64>,
}

async fn list(
    State(state): State<Shared>,
    Query(params): Query<ListParams>,
) -> ApiResult<Response> {
    if params.user_id.is_none() && params.client_id.is_none() {
        return Err(ApiError::new(
            axum::http::StatusCode::BAD_REQUEST,
            "missing_query_parameter",
            "missing query parameter",
            "Either of the following query parameters must be provided: user_id, client_id.",
        ));
    }
    let db = state.read();
    let matching: Vec<&Session> = db
        .sessions
        .values()
        .rev()
        .filter(|s| params.user_id.as_ref().is_none_or(|u| &s.user_id == u))
        .filter(|s| params.client_id.as_ref().is_none_or(|c| &s.client_id == c))
        .filter(|s| {
            params
                .status
                .as_ref()
                .is_none_or(|st| s.status.as_str() == st)
        })
        .collect();
    Ok(crate::domain::paging::list_page(
        matching.into_iter(),
        params.limit,
        params.offset,
        params.paginated,
    ))
}

async fn get_session(State(state): State<Shared>, Path(id): Path<String>) -> ApiResult<Response> {
    let db = state.read();
    Ok(json(
        db.sessions.get(&id).ok_or_else(|| session_not_found(&id))?,
    ))
}

async fn revoke(State(state): State<Shared>, Path(id): Path<String>) -> ApiResult<Response> {
    let session = {
        let mut db = state.write();
        let s = db
            .sessions
            .get_mut(&id)
            .ok_or_else(|| session_not_found(&id))?;
        let changed = matches!(s.status, SessionStatus::Active | SessionStatus::Pending);
        if changed {
            s.status = SessionStatus::Revoked;
            s.updated_at = now_ms();
        }
        let session = s.clone();
        if changed {
            let event = session_event(&session, db.users.get(&session.user_id).map(|r| &r.user));
            db.emit("session.revoked", &event);
        }
        session
    };
    Ok(json(&session))
}

/// Revokes every live session of a user (a ban, a password change); returns them.
pub(crate) fn revoke_user_sessions(db: &mut Db, user_id: &str) {
    let now = now_ms();
    let mut revoked: Vec<Session> = Vec::new();
    db.sessions.update_where(
        |s| {
            s.user_id == user_id
                && matches!(s.status, SessionStatus::Active | SessionStatus::Pending)
        },
        |s| {
            s.status = SessionStatus::Revoked;
            s.updated_at = now;
            revoked.push(s.clone());
        },
    );
    let user = db.users.get(user_id).map(|r| r.user.clone());
    for s in &revoked {
        let event = session_event(s, user.as_ref());
        db.emit("session.revoked", &event);
    }
}

/// Removes every session and client of a deleted user, announcing the live ones as removed.
pub(crate) fn remove_user_sessions(db: &mut Db, user: &User) {
    let user_id = user.id.as_str();
    let ids: Vec<String> = db
        .sessions
        .values()
        .filter(|s| s.user_id == user_id)
        .map(|s| s.id.clone())
        .collect();
    for id in ids {
        if let Some(mut s) = db.sessions.remove(&id) {
            db.clients.remove(&s.client_id);
            if matches!(s.status, SessionStatus::Active | SessionStatus::Pending) {
                s.status = SessionStatus::Removed;
                s.updated_at = now_ms();
                db.emit("session.removed", &session_event(&s, Some(user)));
            }
        }
    }
}

/// A session event's payload: the session with its user, as Clerk's `session.*` webhooks carry.
fn session_event(session: &Session, user: Option<&User>) -> serde_json::Value {
    let mut value = serde_json::to_value(session).unwrap_or_default();
    if let (Some(map), Some(user)) = (value.as_object_mut(), user) {
        map.insert(
            "user".into(),
            serde_json::to_value(user).unwrap_or_default(),
        );
    }
    value
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct TokenBody {
    expires_in_seconds: Option<i64>,
}

/// The live session and its user, or the error Clerk gives.
fn live_session(db: &Db, id: &str) -> ApiResult<(Session, User)> {
    let session = db.sessions.get(id).ok_or_else(|| session_not_found(id))?;
    if !matches!(
        session.status,
        SessionStatus::Active | SessionStatus::Pending
    ) {
        return Err(session_not_found(id));
    }
    let user = db
        .users
        .get(&session.user_id)
        .ok_or_else(|| session_not_found(id))?;
    Ok((session.clone(), user.user.clone()))
}

fn lifetime(requested: Option<i64>, default: i64) -> ApiResult<i64> {
    match requested {
        None => Ok(default),
        Some(s) if (30..=315_360_000).contains(&s) => Ok(s),
        Some(_) => Err(ApiError::value_invalid(
            "expires_in_seconds",
            "expires_in_seconds must be between 30 and 315360000.",
        )),
    }
}

async fn create_token(
    State(state): State<Shared>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<TokenBody>,
) -> ApiResult<Response> {
    let life = lifetime(body.expires_in_seconds, TOKEN_LIFETIME_SECS)?;
    let claims = session_token_claims(&state.read(), &state.base_url, &id, life)?;
    let jwt = state
        .key
        .sign_jwt(SESSION_CATEGORY, &claims)
        .map_err(|_| ApiError::internal())?;
    Ok(json(&SessionToken {
        object: "token".into(),
        jwt,
    }))
}

async fn create_template_token(
    State(state): State<Shared>,
    Path((id, template_name)): Path<(String, String)>,
    JsonBody(body): JsonBody<TokenBody>,
) -> ApiResult<Response> {
    let claims = {
        let db = state.read();
        let (session, user) = live_session(&db, &id)?;
        let template = super::jwt_templates::by_name(&db, &template_name).ok_or_else(|| {
            ApiError::new(
                axum::http::StatusCode::NOT_FOUND,
                "resource_not_found",
                "JWT template not found",
                format!("No JWT template exists with name: {template_name}"),
            )
        })?;
        let life = lifetime(body.expires_in_seconds, template.lifetime)?;
        let iat = now_secs();
        let mut claims = super::jwt_templates::render_claims(&db, &template, &user, &session);
        claims.insert("exp".into(), json!(iat + life));
        claims.insert("iat".into(), json!(iat));
        claims.insert("iss".into(), json!(state.base_url));
        claims.insert("jti".into(), json!(random_base62(20)));
        claims.insert("nbf".into(), json!(iat - template.allowed_clock_skew));
        claims.insert("sub".into(), json!(user.id));
        claims
    };
    let jwt = state
        .key
        .sign_jwt(TEMPLATE_CATEGORY, &claims)
        .map_err(|_| ApiError::internal())?;
    Ok(json(&SessionToken {
        object: "token".into(),
        jwt,
    }))
}

async fn get_client(State(state): State<Shared>, Path(id): Path<String>) -> ApiResult<Response> {
    let db = state.read();
    let mut client = db.clients.get(&id).cloned().ok_or_else(|| {
        ApiError::new(
            axum::http::StatusCode::NOT_FOUND,
            "resource_not_found",
            "Client not found",
            format!("No client was found with id {id}"),
        )
    })?;
    client = client_with_sessions(&db, &client);
    Ok(json(&client))
}

async fn jwks(State(state): State<Shared>) -> Response {
    json(&json!({"keys": [state.key.jwk()]}))
}

async fn image(State(state): State<Shared>, Path(id): Path<String>) -> Response {
    let db = state.read();
    match db.images.get(&id) {
        Some(img) => {
            let mut response = img.data.clone().into_response();
            if let Ok(v) = HeaderValue::from_str(&img.content_type) {
                response.headers_mut().insert(header::CONTENT_TYPE, v);
            }
            response
        }
        // The default avatar: a 1×1 transparent PNG.
        None if id == "default" => (
            [(header::CONTENT_TYPE, HeaderValue::from_static("image/png"))],
            DEFAULT_AVATAR,
        )
            .into_response(),
        None => ApiError::resource_not_found().into_response(),
    }
}

const DEFAULT_AVATAR: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x60, 0x00, 0x02, 0x00,
    0x00, 0x05, 0x00, 0x01, 0x7A, 0x5E, 0xAB, 0x3F, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44,
    0xAE, 0x42, 0x60, 0x82,
];

fn refresh_refused(long_message: impl Into<String>) -> ApiError {
    ApiError::new(
        axum::http::StatusCode::UNAUTHORIZED,
        "authentication_invalid",
        "Refresh refused",
        long_message,
    )
}

#[derive(Debug, Deserialize)]
struct RefreshBody {
    expired_token: String,
    refresh_token: String,
    request_origin: String,
    #[serde(default)]
    #[allow(dead_code)] // accepted; the emulator does not fingerprint requests
    request_headers: Option<Map<String, serde_json::Value>>,
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    #[allow(dead_code)] // accepted, as above
    request_originating_ip: Option<String>,
}

/// `POST /v1/sessions/{id}/refresh`: a new session token for a live session, given the
/// (possibly expired) token the frontend last had and the session's refresh token. Any
/// mismatch is 401, the answer that sends Clerk's SDKs to the handshake. The new token's `azp`
/// is the request's origin. `format: cookie` answers the `Set-Cookie` directives instead.
async fn refresh(
    State(state): State<Shared>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<RefreshBody>,
) -> ApiResult<Response> {
    let as_cookies = match body.format.as_deref() {
        None | Some("token") => false,
        Some("cookie") => true,
        Some(other) => {
            return Err(ApiError::value_invalid(
                "format",
                format!("{other} does not match one of the allowed values for parameter format"),
            ));
        }
    };
    let old = state
        .key
        .verified_claims(&body.expired_token)
        .ok_or_else(|| refresh_refused("expired_token is not a session token of this instance."))?;
    let session = {
        let db = state.read();
        let (session, _user) =
            live_session(&db, &id).map_err(|_| refresh_refused("The session is not active."))?;
        session
    };
    if old.get("sid").and_then(|v| v.as_str()) != Some(session.id.as_str())
        || old.get("sub").and_then(|v| v.as_str()) != Some(session.user_id.as_str())
    {
        return Err(refresh_refused("expired_token belongs to another session."));
    }
    let expected = refresh_token(&state, &id);
    if aws_lc_rs::constant_time::verify_slices_are_equal(
        body.refresh_token.as_bytes(),
        expected.as_bytes(),
    )
    .is_err()
    {
        return Err(refresh_refused("refresh_token does not match the session."));
    }
    let mut claims =
        session_token_claims(&state.read(), &state.base_url, &id, TOKEN_LIFETIME_SECS)?;
    if !body.request_origin.is_empty() {
        claims.insert("azp".into(), json!(body.request_origin));
    }
    let jwt = state
        .key
        .sign_jwt(SESSION_CATEGORY, &claims)
        .map_err(|_| ApiError::internal())?;
    if as_cookies {
        let uat = client_uat(&state.read(), &id)?;
        let suffix = crate::keys::cookie_suffix(&state.publishable_key);
        let cookies: Vec<String> = [
            format!("__session={jwt}"),
            format!("__session_{suffix}={jwt}"),
            format!("__client_uat={uat}"),
            format!("__client_uat_{suffix}={uat}"),
        ]
        .into_iter()
        .map(|c| format!("{c}; Path=/; SameSite=Lax"))
        .collect();
        return Ok(json(&json!({"object": "cookies", "cookies": cookies})));
    }
    Ok(json(&SessionToken {
        object: "token".into(),
        jwt,
    }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ClientListParams {
    paginated: Option<bool>,
    limit: Option<i64>,
    offset: Option<i64>,
}

/// A client with its sessions filled in.
fn client_with_sessions(db: &Db, client: &Client) -> Client {
    let mut client = client.clone();
    client.sessions = client
        .session_ids
        .iter()
        .filter_map(|s| db.sessions.get(s).cloned())
        .collect();
    client
}

/// `GET /v1/clients`: every client, newest first.
async fn list_clients(
    State(state): State<Shared>,
    Query(params): Query<ClientListParams>,
) -> ApiResult<Response> {
    let db = state.read();
    let clients: Vec<Client> = db
        .clients
        .values()
        .rev()
        .map(|c| client_with_sessions(&db, c))
        .collect();
    Ok(crate::domain::paging::list_page(
        clients.into_iter(),
        params.limit,
        params.offset,
        params.paginated,
    ))
}

#[derive(Debug, Deserialize)]
struct VerifyClientBody {
    token: String,
}

/// `POST /v1/clients/verify`: the client a client token stands for (see [`client_token`]).
async fn verify_client(
    State(state): State<Shared>,
    JsonBody(body): JsonBody<VerifyClientBody>,
) -> ApiResult<Response> {
    let invalid = || {
        ApiError::new(
            axum::http::StatusCode::BAD_REQUEST,
            "client_token_invalid",
            "Invalid client token",
            "token is not a client token of this instance.",
        )
        .param("token")
    };
    let claims = state.key.verified_claims(&body.token).ok_or_else(invalid)?;
    let client_id = claims
        .get("id")
        .and_then(|v| v.as_str())
        .ok_or_else(invalid)?;
    let rotating = claims
        .get("rotating_token")
        .and_then(|v| v.as_str())
        .ok_or_else(invalid)?;
    if rotating != digest(&state, "client", client_id) {
        return Err(invalid());
    }
    let db = state.read();
    let client = db.clients.get(client_id).ok_or_else(|| {
        ApiError::new(
            axum::http::StatusCode::NOT_FOUND,
            "resource_not_found",
            "Client not found",
            format!("No client was found with id {client_id}"),
        )
    })?;
    Ok(json(&client_with_sessions(&db, client)))
}
