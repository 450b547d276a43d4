//! Sessions, clients, session tokens and the JWKS.

use crate::domain::sessions::*;
use crate::error::{ApiError, ApiResult};
use crate::ids::{now_ms, now_secs, random_base62};
use crate::keys::{SESSION_CATEGORY, TEMPLATE_CATEGORY};
use crate::server::{JsonBody, Query, Shared, json};
use crate::wire::{Client, Session, SessionStatus, SessionToken};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::json;

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
        let template =
            crate::domain::jwt_templates::by_name(&db, &template_name).ok_or_else(|| {
                ApiError::new(
                    axum::http::StatusCode::NOT_FOUND,
                    "resource_not_found",
                    "JWT template not found",
                    format!("No JWT template exists with name: {template_name}"),
                )
            })?;
        let life = lifetime(body.expires_in_seconds, template.lifetime)?;
        let iat = now_secs();
        let mut claims =
            crate::domain::jwt_templates::render_claims(&db, &template, &user, &session);
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
