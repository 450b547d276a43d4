//! The rules of the sessions group, below HTTP: what its handlers in
//! `routes::sessions` call.

use crate::SessionCookies;
use crate::error::{ApiError, ApiResult};
use crate::ids::{new_id, now_ms, now_secs, random_base62};
use crate::keys::SESSION_CATEGORY;
use crate::server::AppState;
use crate::store::Db;
use crate::wire::{Client, Session, SessionStatus, User};
use serde::Deserialize;
use serde_json::{Map, json};

/// Sessions last a week unless ended; unused ones are abandoned after 30 days.
pub(crate) const SESSION_LIFETIME_MS: i64 = 7 * 24 * 3600 * 1000;

pub(crate) const ABANDON_AFTER_MS: i64 = 30 * 24 * 3600 * 1000;

/// Session tokens live 60 s.
pub(crate) const TOKEN_LIFETIME_SECS: i64 = 60;

/// `nbf` sits 10 s before `iat` on Clerk's session tokens.
pub(crate) const NBF_SKEW_SECS: i64 = 10;

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
pub(crate) fn digest(state: &AppState, purpose: &str, value: &str) -> String {
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

pub(crate) fn session_not_found(id: &str) -> ApiError {
    ApiError::new(
        axum::http::StatusCode::NOT_FOUND,
        "resource_not_found",
        "Session not found",
        format!("No session was found with id {id}"),
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CreateSession {
    pub(crate) user_id: String,
    #[serde(default)]
    pub(crate) active_organization_id: Option<String>,
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
pub(crate) struct ListParams {
    pub(crate) user_id: Option<String>,
    pub(crate) client_id: Option<String>,
    pub(crate) status: Option<String>,
    pub(crate) paginated: Option<bool>,
    pub(crate) limit: Option<i64>,
    pub(crate) offset: Option<i64>,
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
pub(crate) fn session_event(session: &Session, user: Option<&User>) -> serde_json::Value {
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
pub(crate) struct TokenBody {
    pub(crate) expires_in_seconds: Option<i64>,
}

/// The live session and its user, or the error Clerk gives.
pub(crate) fn live_session(db: &Db, id: &str) -> ApiResult<(Session, User)> {
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

pub(crate) fn lifetime(requested: Option<i64>, default: i64) -> ApiResult<i64> {
    match requested {
        None => Ok(default),
        Some(s) if (30..=315_360_000).contains(&s) => Ok(s),
        Some(_) => Err(ApiError::value_invalid(
            "expires_in_seconds",
            "expires_in_seconds must be between 30 and 315360000.",
        )),
    }
}

pub(crate) const DEFAULT_AVATAR: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x60, 0x00, 0x02, 0x00,
    0x00, 0x05, 0x00, 0x01, 0x7A, 0x5E, 0xAB, 0x3F, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44,
    0xAE, 0x42, 0x60, 0x82,
];

pub(crate) fn refresh_refused(long_message: impl Into<String>) -> ApiError {
    ApiError::new(
        axum::http::StatusCode::UNAUTHORIZED,
        "authentication_invalid",
        "Refresh refused",
        long_message,
    )
}

#[derive(Debug, Deserialize)]
pub(crate) struct RefreshBody {
    pub(crate) expired_token: String,
    pub(crate) refresh_token: String,
    pub(crate) request_origin: String,
    #[serde(default)]
    #[allow(dead_code)] // accepted; the emulator does not fingerprint requests
    pub(crate) request_headers: Option<Map<String, serde_json::Value>>,
    #[serde(default)]
    pub(crate) format: Option<String>,
    #[serde(default)]
    #[allow(dead_code)] // accepted, as above
    pub(crate) request_originating_ip: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ClientListParams {
    pub(crate) paginated: Option<bool>,
    pub(crate) limit: Option<i64>,
    pub(crate) offset: Option<i64>,
}

/// A client with its sessions filled in.
pub(crate) fn client_with_sessions(db: &Db, client: &Client) -> Client {
    let mut client = client.clone();
    client.sessions = client
        .session_ids
        .iter()
        .filter_map(|s| db.sessions.get(s).cloned())
        .collect();
    client
}

#[derive(Debug, Deserialize)]
pub(crate) struct VerifyClientBody {
    pub(crate) token: String,
}
