//! The rules of the tickets group, below HTTP: what its handlers in
//! `routes::tickets` call.

use super::sessions::{NewSession, start_session};
use crate::error::{ApiError, ApiResult};
use crate::ids::{now_ms, random_base62};
use crate::store::Db;
use crate::store::tickets::Ticket;
use crate::table::Table;
use crate::wire::{ActorToken, Metadata, Session, SignInToken, TicketStatus};
use axum::http::StatusCode;
use serde::Deserialize;

/// Sign-in tokens last 30 days unless asked otherwise (the spec's default).
pub(crate) const SIGN_IN_TOKEN_LIFETIME_SECS: i64 = 30 * 24 * 3600;

/// Actor tokens last an hour, and their sessions 30 minutes, unless asked otherwise (the
/// spec's defaults).
pub(crate) const ACTOR_TOKEN_LIFETIME_SECS: i64 = 3600;

pub(crate) const ACTOR_SESSION_SECS: i64 = 1800;

/// Testing tokens last an hour (as the spec's example has it).
pub(crate) const TESTING_TOKEN_LIFETIME_SECS: i64 = 3600;

pub(crate) fn new_ticket() -> String {
    random_base62(48)
}

/// Where the frontend would redeem a ticket: the Frontend API's path, on the emulator's URL
/// (which stands in for the Frontend API, as in invitations).
pub(crate) fn ticket_url(base_url: &str, ticket: &str) -> String {
    format!("{base_url}/v1/tickets/accept?ticket={ticket}")
}

pub(crate) fn not_pending(kind: &str, id: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        &format!("{kind}_not_pending"),
        "Not pending",
        format!("{id} is not pending: it was already used or revoked."),
    )
}

#[derive(Debug, Deserialize)]
pub(crate) struct CreateSignInToken {
    pub(crate) user_id: String,
    #[serde(default)]
    pub(crate) org_id: Option<String>,
    #[serde(default)]
    pub(crate) expires_in_seconds: Option<i64>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct CreateActorToken {
    pub(crate) user_id: String,
    pub(crate) actor: Metadata,
    #[serde(default)]
    pub(crate) expires_in_seconds: Option<i64>,
    #[serde(default)]
    pub(crate) session_max_duration_in_seconds: Option<i64>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct AcceptBody {
    pub(crate) ticket: String,
}

pub(crate) fn ticket_error(code: &str, long_message: &str) -> ApiError {
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

/// What sign-in and actor tokens share: a status and a last update.
pub(crate) trait TicketObject: Clone {
    fn state(&mut self) -> (&mut TicketStatus, &mut i64);
}

impl TicketObject for SignInToken {
    fn state(&mut self) -> (&mut TicketStatus, &mut i64) {
        (&mut self.status, &mut self.updated_at)
    }
}

impl TicketObject for ActorToken {
    fn state(&mut self) -> (&mut TicketStatus, &mut i64) {
        (&mut self.status, &mut self.updated_at)
    }
}

/// Revokes a pending ticket (`kind`: `sign_in_token` or `actor_token`, as its errors name it);
/// a used or revoked one is refused.
pub(crate) fn revoke<T: TicketObject>(
    tickets: &mut Table<Ticket<T>>,
    kind: &str,
    id: &str,
) -> ApiResult<T> {
    let stored = tickets.get_mut(id).ok_or_else(|| {
        ApiError::not_found(format!(
            "No {} was found with id {id}",
            kind.replace('_', " ").replace("sign in", "sign-in")
        ))
    })?;
    let (status, updated_at) = stored.object.state();
    if *status != TicketStatus::Pending {
        return Err(not_pending(kind, id));
    }
    *status = TicketStatus::Revoked;
    *updated_at = now_ms();
    Ok(stored.object.clone())
}
