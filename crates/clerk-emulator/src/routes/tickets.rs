//! Tickets: sign-in tokens (`/v1/sign_in_tokens`), actor tokens for impersonation
//! (`/v1/actor_tokens`) and testing tokens (`/v1/testing_tokens`).
//!
//! On Clerk, the frontend redeems a ticket at the Frontend API. The emulator has no Frontend
//! API, so it redeems them at its own `POST /emulator/tickets/accept` (`{"ticket": "..."}`,
//! with the secret key; also `Emulator::accept_ticket`): the ticket's user gets a new session
//! — with the actor on it for an actor token, so its session tokens carry the `act` claim —
//! and the ticket is `accepted`. A ticket works once, until it expires or is revoked.
//!
//! Choices where Clerk's behaviour is not documented (unverified): sign-in token ids start with
//! `sit_`; a ticket is an opaque random string; revoking a ticket that is not pending is 400
//! `<kind>_not_pending`; an actor token for an unknown user is 422 `form_param_value_invalid`
//! (the spec declares no 404 there); expired or used tickets are refused at accept with 400
//! `ticket_expired` / `ticket_invalid`.

use crate::domain::tickets::*;
use crate::error::{ApiError, ApiResult};
use crate::ids::{new_id, now_ms, now_secs, random_base62};
use crate::server::{JsonBody, Shared, json};
use crate::store::tickets::*;
use crate::wire::{ActorToken, SignInToken, TestingToken, TicketStatus};
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
