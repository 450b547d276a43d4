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

use crate::store::tickets::*;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use serde::Deserialize;

use super::sessions::{NewSession, start_session};
use crate::error::{ApiError, ApiResult};
use crate::ids::{new_id, now_ms, now_secs, random_base62};
use crate::server::{JsonBody, Shared, json};
use crate::store::Db;
use crate::wire::{ActorToken, Metadata, Session, SignInToken, TestingToken, TicketStatus};

/// Sign-in tokens last 30 days unless asked otherwise (the spec's default).
const SIGN_IN_TOKEN_LIFETIME_SECS: i64 = 30 * 24 * 3600;
/// Actor tokens last an hour, and their sessions 30 minutes, unless asked otherwise (the
/// spec's defaults).
const ACTOR_TOKEN_LIFETIME_SECS: i64 = 3600;
const ACTOR_SESSION_SECS: i64 = 1800;
/// Testing tokens last an hour (as the spec's example has it).
const TESTING_TOKEN_LIFETIME_SECS: i64 = 3600;

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

fn new_ticket() -> String {
    random_base62(48)
}

/// Where the frontend would redeem a ticket: the Frontend API's path, on the emulator's URL
/// (which stands in for the Frontend API, as in invitations).
fn ticket_url(base_url: &str, ticket: &str) -> String {
    format!("{base_url}/v1/tickets/accept?ticket={ticket}")
}

fn not_pending(kind: &str, id: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        &format!("{kind}_not_pending"),
        "Not pending",
        format!("{id} is not pending: it was already used or revoked."),
    )
}

#[derive(Debug, Deserialize)]
struct CreateSignInToken {
    user_id: String,
    #[serde(default)]
    org_id: Option<String>,
    #[serde(default)]
    expires_in_seconds: Option<i64>,
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
        && !super::organizations::is_member(&db, org, &body.user_id)
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
    let mut db = state.write();
    let stored =
        db.tickets.sign_in_tokens.get_mut(&id).ok_or_else(|| {
            ApiError::not_found(format!("No sign-in token was found with id {id}"))
        })?;
    if stored.object.status != TicketStatus::Pending {
        return Err(not_pending("sign_in_token", &id));
    }
    stored.object.status = TicketStatus::Revoked;
    stored.object.updated_at = now_ms();
    Ok(json(&stored.object))
}

#[derive(Debug, Deserialize)]
struct CreateActorToken {
    user_id: String,
    actor: Metadata,
    #[serde(default)]
    expires_in_seconds: Option<i64>,
    #[serde(default)]
    session_max_duration_in_seconds: Option<i64>,
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
    let mut db = state.write();
    let stored = db
        .tickets
        .actor_tokens
        .get_mut(&id)
        .ok_or_else(|| ApiError::not_found(format!("No actor token was found with id {id}")))?;
    if stored.object.status != TicketStatus::Pending {
        return Err(not_pending("actor_token", &id));
    }
    stored.object.status = TicketStatus::Revoked;
    stored.object.updated_at = now_ms();
    Ok(json(&stored.object))
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

#[derive(Debug, Deserialize)]
struct AcceptBody {
    ticket: String,
}

fn ticket_error(code: &str, long_message: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        code,
        "Invalid ticket",
        long_message,
    )
    .param("ticket")
}

/// Redeems a sign-in or actor token's ticket within a write: the new session.
pub(crate) fn accept_ticket(db: &mut Db, ticket: &str) -> ApiResult<Session> {
    let now = now_ms();
    let sign_in = db
        .tickets
        .sign_in_tokens
        .iter()
        .find(|(_, t)| t.ticket == ticket)
        .map(|(id, t)| (id.clone(), t.object.status.clone(), t.expire_at));
    let actor = db
        .tickets
        .actor_tokens
        .iter()
        .find(|(_, t)| t.ticket == ticket)
        .map(|(id, t)| (id.clone(), t.object.status.clone(), t.expire_at));
    let (id, status, expire_at, is_actor) = match (sign_in, actor) {
        (Some((id, s, e)), _) => (id, s, e, false),
        (None, Some((id, s, e))) => (id, s, e, true),
        (None, None) => return Err(ticket_error("ticket_invalid", "No such ticket.")),
    };
    if status != TicketStatus::Pending {
        return Err(ticket_error(
            "ticket_invalid",
            "The ticket was already used or revoked.",
        ));
    }
    if now >= expire_at {
        return Err(ticket_error("ticket_expired", "The ticket has expired."));
    }
    let session = if is_actor {
        let t = db
            .tickets
            .actor_tokens
            .get(&id)
            .cloned()
            .ok_or_else(ApiError::internal)?;
        start_session(
            db,
            NewSession {
                user_id: &t.object.user_id,
                organization_id: None,
                organization_param: "ticket",
                actor: Some(t.object.actor.clone()),
                lifetime_ms: t.session_secs.unwrap_or(ACTOR_SESSION_SECS) * 1000,
                strategy: "ticket",
            },
        )?
    } else {
        let t = db
            .tickets
            .sign_in_tokens
            .get(&id)
            .cloned()
            .ok_or_else(ApiError::internal)?;
        start_session(
            db,
            NewSession {
                user_id: &t.object.user_id,
                organization_id: t.organization_id.as_deref(),
                organization_param: "org_id",
                actor: None,
                lifetime_ms: super::sessions::SESSION_LIFETIME_MS,
                strategy: "ticket",
            },
        )?
    };
    if is_actor {
        if let Some(t) = db.tickets.actor_tokens.get_mut(&id) {
            t.object.status = TicketStatus::Accepted;
            t.object.updated_at = now;
        }
    } else if let Some(t) = db.tickets.sign_in_tokens.get_mut(&id) {
        t.object.status = TicketStatus::Accepted;
        t.object.updated_at = now;
    }
    Ok(session)
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
