//! Tickets: sign-in tokens (`/v1/sign_in_tokens`), actor tokens for impersonation
//! (`/v1/actor_tokens`), agent tasks (`/v1/agents/tasks`) and testing tokens
//! (`/v1/testing_tokens`).
//!
//! On Clerk, the frontend redeems a ticket at the Frontend API. The emulator has no Frontend
//! API, so it redeems them at its own `POST /emulator/tickets/accept` (`{"ticket": "..."}`,
//! with the secret key; also `Emulator::accept_ticket`): the ticket's user gets a new session
//! — with the actor on it for an actor token, so its session tokens carry the `act` claim —
//! and the ticket is `accepted`. A ticket works once, until it expires or is revoked. A browser
//! can also open a ticket's `url` (`GET /v1/tickets/accept?ticket=...`, served without the
//! secret key): the session starts, its `__session` and `__client_uat` cookies are set on the
//! emulator's host, and an agent task's browser is sent on to the task's `redirect_url`
//! (303); other tickets answer the session.
//!
//! Agent tasks: an agent keeps one id per `agent_name`; `on_behalf_of` names the user by id
//! (404 when unknown) or by a verified email address, phone number or username (404 when no
//! user holds it); the session lasts `session_max_duration_in_seconds` (30 minutes by
//! default). Unverified: agent ids start with `agent_` and task ids with `agtask_`; a task can
//! be redeemed for an hour; its session carries no `act` claim; `redirect_url` is not checked
//! against the instance's domains (the emulator's apps run anywhere).
//!
//! Choices where Clerk's behaviour is not documented (unverified): sign-in token ids start with
//! `sit_`; a ticket is an opaque random string; revoking a ticket that is not pending is 400
//! `<kind>_not_pending`; an actor token for an unknown user is 422 `form_param_value_invalid`
//! (the spec declares no 404 there); expired or used tickets are refused at accept with 400
//! `ticket_expired` / `ticket_invalid`.

use crate::domain::tickets::*;
use crate::error::{ApiError, ApiResult};
use crate::ids::{new_id, now_ms, now_secs, random_base62};
use crate::server::{JsonBody, Query, Shared, json};
use crate::store::tickets::*;
use crate::wire::{ActorToken, AgentTask, SignInToken, TestingToken, TicketStatus};
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::post;

pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route("/v1/sign_in_tokens", post(create_sign_in_token))
        .route(
            "/v1/sign_in_tokens/{sign_in_token_id}/revoke",
            post(revoke_sign_in_token),
        )
        .route("/v1/actor_tokens", post(create_actor_token))
        .route(
            "/v1/actor_tokens/{actor_token_id}/revoke",
            post(revoke_actor_token),
        )
        .route("/v1/testing_tokens", post(create_testing_token))
        .route("/v1/agents/tasks", post(create_agent_task_handler))
        .route(
            "/v1/agents/tasks/{agent_task_id}/revoke",
            post(revoke_agent_task),
        )
        .route("/emulator/tickets/accept", post(accept))
}

async fn create_sign_in_token(
    State(state): State<Shared>,
    JsonBody(body): JsonBody<CreateSignInToken>,
) -> ApiResult<Response> {
    let life = body
        .expires_in_seconds
        .unwrap_or(SIGN_IN_TOKEN_LIFETIME_SECS);
    if life < 1 {
        return Err(ApiError::value_invalid(
            "expires_in_seconds",
            "expires_in_seconds must be at least 1.",
        ));
    }
    let mut db = state.write();
    if !db.users.contains_key(&body.user_id) {
        return Err(ApiError::user_not_found(&body.user_id));
    }
    if let Some(org) = &body.org_id
        && !crate::domain::organizations::is_member(&db, org, &body.user_id)
    {
        return Err(ApiError::value_invalid(
            "org_id",
            "org_id must be an organization the user is a member of.",
        ));
    }
    let now = now_ms();
    let ticket = new_ticket();
    let token = SignInToken {
        object: "sign_in_token".into(),
        id: new_id("sit"),
        status: TicketStatus::Pending,
        user_id: body.user_id,
        token: None,
        url: None,
        created_at: now,
        updated_at: now,
    };
    db.tickets.sign_in_tokens.insert(
        token.id.clone(),
        Ticket {
            object: token.clone(),
            ticket: ticket.clone(),
            expire_at: now.saturating_add(life.saturating_mul(1000)),
            organization_id: body.org_id,
            session_secs: None,
        },
    );
    Ok(json(&SignInToken {
        url: Some(ticket_url(&state.base_url, &ticket)),
        token: Some(ticket),
        ..token
    }))
}

async fn revoke_sign_in_token(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let token = revoke(
        &mut state.write().tickets.sign_in_tokens,
        "sign_in_token",
        &id,
    )?;
    Ok(json(&token))
}

async fn create_actor_token(
    State(state): State<Shared>,
    JsonBody(body): JsonBody<CreateActorToken>,
) -> ApiResult<Response> {
    match body.actor.get("sub") {
        None => return Err(ApiError::param_missing("actor.sub")),
        Some(serde_json::Value::String(s)) if !s.is_empty() => {}
        Some(_) => {
            return Err(ApiError::value_invalid(
                "actor.sub",
                "actor.sub must be the id of the actor, a string.",
            ));
        }
    }
    let life = body.expires_in_seconds.unwrap_or(ACTOR_TOKEN_LIFETIME_SECS);
    let session_secs = body
        .session_max_duration_in_seconds
        .unwrap_or(ACTOR_SESSION_SECS);
    for (param, value) in [
        ("expires_in_seconds", life),
        ("session_max_duration_in_seconds", session_secs),
    ] {
        if value < 1 {
            return Err(ApiError::value_invalid(
                param,
                format!("{param} must be at least 1."),
            ));
        }
    }
    let mut db = state.write();
    if !db.users.contains_key(&body.user_id) {
        return Err(ApiError::value_invalid(
            "user_id",
            format!("No user was found with id {}", body.user_id),
        ));
    }
    let now = now_ms();
    let ticket = new_ticket();
    let token = ActorToken {
        object: "actor_token".into(),
        id: new_id("impt"),
        status: TicketStatus::Pending,
        user_id: body.user_id,
        actor: body.actor,
        token: None,
        url: None,
        created_at: now,
        updated_at: now,
    };
    db.tickets.actor_tokens.insert(
        token.id.clone(),
        Ticket {
            object: token.clone(),
            ticket: ticket.clone(),
            expire_at: now.saturating_add(life.saturating_mul(1000)),
            organization_id: None,
            session_secs: Some(session_secs),
        },
    );
    Ok(json(&ActorToken {
        url: Some(ticket_url(&state.base_url, &ticket)),
        token: Some(ticket),
        ..token
    }))
}

async fn revoke_actor_token(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let token = revoke(&mut state.write().tickets.actor_tokens, "actor_token", &id)?;
    Ok(json(&token))
}

async fn create_testing_token(State(state): State<Shared>) -> ApiResult<Response> {
    let now = now_secs();
    let token = TestingToken {
        object: "testing_token".into(),
        token: format!("{now}-{}", random_base62(40)),
        expires_at: now + TESTING_TOKEN_LIFETIME_SECS,
    };
    state
        .write()
        .tickets
        .testing_tokens
        .insert(token.token.clone(), token.clone());
    Ok(json(&token))
}

/// `POST /emulator/tickets/accept` (the emulator's own): redeems a ticket, answering the new
/// session.
async fn accept(
    State(state): State<Shared>,
    JsonBody(body): JsonBody<AcceptBody>,
) -> ApiResult<Response> {
    let session = accept_ticket(&mut state.write(), &body.ticket)?;
    Ok(json(&session))
}

async fn create_agent_task_handler(
    State(state): State<Shared>,
    JsonBody(body): JsonBody<CreateAgentTask>,
) -> ApiResult<Response> {
    let (record, ticket) = create_agent_task(&mut state.write(), body)?;
    Ok(json(&AgentTask {
        url: Some(ticket_url(&state.base_url, &ticket)),
        ..record.task
    }))
}

async fn revoke_agent_task(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let record = revoke(&mut state.write().tickets.agent_tasks, "agent_task", &id)?;
    Ok(json(&record.task))
}

/// What a browser opens without the secret key: a ticket's URL.
pub(crate) fn public_router() -> Router<Shared> {
    Router::new().route("/v1/tickets/accept", axum::routing::get(visit))
}

/// `GET /v1/tickets/accept?ticket=...`: redeems the ticket as a browser would, setting the
/// session's cookies, and sends an agent task's browser on to its redirect URL.
async fn visit(
    State(state): State<Shared>,
    Query(query): Query<TicketQuery>,
) -> ApiResult<Response> {
    use axum::http::{StatusCode, header};
    use axum::response::IntoResponse;
    let ticket = query
        .ticket
        .ok_or_else(|| ApiError::param_missing("ticket"))?;
    let redeemed = redeem(&mut state.write(), &ticket)?;
    let cookies = crate::domain::sessions::session_cookies(&state, &redeemed.session.id)?;
    let set_cookie = [
        format!("__session={}; Path=/; SameSite=Lax", cookies.session),
        format!("__client_uat={}; Path=/; SameSite=Lax", cookies.client_uat),
    ];
    let mut response = match redeemed.redirect_url {
        Some(to) => (StatusCode::SEE_OTHER, [(header::LOCATION, to)]).into_response(),
        None => json(&redeemed.session),
    };
    for c in set_cookie {
        if let Ok(v) = header::HeaderValue::from_str(&c) {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    Ok(response)
}
