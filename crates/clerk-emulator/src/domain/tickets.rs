//! The rules of the tickets group, below HTTP: what its handlers in
//! `routes::tickets` call.

use super::sessions::{NewSession, start_session};
use crate::error::{ApiError, ApiResult};
use crate::ids::{now_ms, random_base62};
use crate::store::Db;
use crate::store::tickets::Ticket;
use crate::table::Table;
use crate::wire::{ActorToken, AgentTaskRecord, Metadata, Session, SignInToken, TicketStatus};
use axum::http::StatusCode;
use serde::Deserialize;

/// Sign-in tokens last 30 days unless asked otherwise (the spec's default).
pub(crate) const SIGN_IN_TOKEN_LIFETIME_SECS: i64 = 30 * 24 * 3600;

/// Actor tokens last an hour, and their sessions 30 minutes, unless asked otherwise (the
/// spec's defaults).
pub(crate) const ACTOR_TOKEN_LIFETIME_SECS: i64 = 3600;

pub(crate) const ACTOR_SESSION_SECS: i64 = 1800;

/// Agent tasks can be redeemed for an hour (unverified), and their sessions last 30 minutes
/// unless asked otherwise (the spec's default).
pub(crate) const AGENT_TASK_LIFETIME_SECS: i64 = 3600;

pub(crate) const AGENT_SESSION_SECS: i64 = 1800;

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

/// The query of a ticket's URL.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct TicketQuery {
    pub(crate) ticket: Option<String>,
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

/// What redeeming a ticket did: the new session, and where an agent task sends the browser.
pub(crate) struct Redeemed {
    pub(crate) session: Session,
    pub(crate) redirect_url: Option<String>,
}

/// How a ticket's session starts.
struct Plan {
    user_id: String,
    organization_id: Option<String>,
    organization_param: &'static str,
    actor: Option<Metadata>,
    lifetime_ms: i64,
    redirect_url: Option<String>,
}

/// The ticket's row in one table: its id, status, expiry and session plan.
fn find<T: TicketObject>(
    table: &Table<Ticket<T>>,
    ticket: &str,
    plan: impl Fn(&Ticket<T>) -> Plan,
) -> Option<(String, TicketStatus, i64, Plan)> {
    table
        .iter()
        .find(|(_, t)| t.ticket == ticket)
        .map(|(id, t)| (id.clone(), t.object.status().clone(), t.expire_at, plan(t)))
}

fn mark_accepted<T: TicketObject>(table: &mut Table<Ticket<T>>, id: &str) {
    if let Some(t) = table.get_mut(id) {
        let (status, updated_at) = t.object.state();
        *status = TicketStatus::Accepted;
        *updated_at = now_ms();
    }
}

/// Redeems a sign-in token's, actor token's or agent task's ticket within a write: the new
/// session.
pub(crate) fn accept_ticket(db: &mut Db, ticket: &str) -> ApiResult<Session> {
    redeem(db, ticket).map(|r| r.session)
}

/// Redeems a ticket of any kind: its user gets a new session, and the ticket is used up.
pub(crate) fn redeem(db: &mut Db, ticket: &str) -> ApiResult<Redeemed> {
    #[derive(Clone, Copy)]
    enum Kind {
        SignIn,
        Actor,
        Agent,
    }
    let t = &db.tickets;
    let found = find(&t.sign_in_tokens, ticket, |t| Plan {
        user_id: t.object.user_id.clone(),
        organization_id: t.organization_id.clone(),
        organization_param: "org_id",
        actor: None,
        lifetime_ms: super::sessions::SESSION_LIFETIME_MS,
        redirect_url: None,
    })
    .map(|f| (Kind::SignIn, f))
    .or_else(|| {
        find(&t.actor_tokens, ticket, |t| Plan {
            user_id: t.object.user_id.clone(),
            organization_id: None,
            organization_param: "ticket",
            actor: Some(t.object.actor.clone()),
            lifetime_ms: t.session_secs.unwrap_or(ACTOR_SESSION_SECS) * 1000,
            redirect_url: None,
        })
        .map(|f| (Kind::Actor, f))
    })
    .or_else(|| {
        find(&t.agent_tasks, ticket, |t| Plan {
            user_id: t.object.user_id.clone(),
            organization_id: None,
            organization_param: "ticket",
            actor: None,
            lifetime_ms: t.session_secs.unwrap_or(AGENT_SESSION_SECS) * 1000,
            redirect_url: Some(t.object.redirect_url.clone()),
        })
        .map(|f| (Kind::Agent, f))
    });
    let Some((kind, (id, status, expire_at, plan))) = found else {
        return Err(ticket_error("ticket_invalid", "No such ticket."));
    };
    if status != TicketStatus::Pending {
        return Err(ticket_error(
            "ticket_invalid",
            "The ticket was already used or revoked.",
        ));
    }
    if now_ms() >= expire_at {
        return Err(ticket_error("ticket_expired", "The ticket has expired."));
    }
    let session = start_session(
        db,
        NewSession {
            user_id: &plan.user_id,
            organization_id: plan.organization_id.as_deref(),
            organization_param: plan.organization_param,
            actor: plan.actor,
            lifetime_ms: plan.lifetime_ms,
            strategy: "ticket",
        },
    )?;
    match kind {
        Kind::SignIn => mark_accepted(&mut db.tickets.sign_in_tokens, &id),
        Kind::Actor => mark_accepted(&mut db.tickets.actor_tokens, &id),
        Kind::Agent => mark_accepted(&mut db.tickets.agent_tasks, &id),
    }
    Ok(Redeemed {
        session,
        redirect_url: plan.redirect_url,
    })
}

/// What sign-in tokens, actor tokens and agent tasks share: a status and a last update.
pub(crate) trait TicketObject: Clone {
    fn status(&self) -> &TicketStatus;
    fn state(&mut self) -> (&mut TicketStatus, &mut i64);
}

macro_rules! ticket_object {
    ($($t:ty),*) => {$(
        impl TicketObject for $t {
            fn status(&self) -> &TicketStatus {
                &self.status
            }
            fn state(&mut self) -> (&mut TicketStatus, &mut i64) {
                (&mut self.status, &mut self.updated_at)
            }
        }
    )*};
}

ticket_object!(SignInToken, ActorToken, AgentTaskRecord);

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

/// The body of `POST /v1/agents/tasks`.
#[derive(Debug, Deserialize)]
pub(crate) struct CreateAgentTask {
    pub(crate) on_behalf_of: OnBehalfOf,
    pub(crate) permissions: String,
    pub(crate) agent_name: String,
    pub(crate) task_description: String,
    pub(crate) redirect_url: String,
    #[serde(default)]
    pub(crate) session_max_duration_in_seconds: Option<i64>,
}

/// Whom an agent task signs in: exactly one of a user id or an identifier.
#[derive(Debug, Deserialize)]
pub(crate) struct OnBehalfOf {
    #[serde(default)]
    pub(crate) user_id: Option<String>,
    #[serde(default)]
    pub(crate) identifier: Option<String>,
}

/// Creates an agent task within a write: the task as stored and its ticket.
pub(crate) fn create_agent_task(
    db: &mut Db,
    body: CreateAgentTask,
) -> ApiResult<(AgentTaskRecord, String)> {
    use crate::store::Ident;
    if body.permissions != "*" {
        return Err(ApiError::value_invalid(
            "permissions",
            "permissions must be \"*\".",
        ));
    }
    for (param, value) in [
        ("agent_name", &body.agent_name),
        ("task_description", &body.task_description),
    ] {
        if value.trim().is_empty() {
            return Err(ApiError::param_missing(param));
        }
    }
    if super::instance::http_authority(&body.redirect_url).is_none() {
        return Err(ApiError::format_invalid(
            "redirect_url",
            "redirect_url must be an absolute http or https URL.",
        ));
    }
    let session_secs = body
        .session_max_duration_in_seconds
        .unwrap_or(AGENT_SESSION_SECS);
    if session_secs < 1 {
        return Err(ApiError::value_invalid(
            "session_max_duration_in_seconds",
            "session_max_duration_in_seconds must be at least 1.",
        ));
    }
    let user_id = match (&body.on_behalf_of.user_id, &body.on_behalf_of.identifier) {
        (Some(id), None) => {
            if !db.users.contains_key(id) {
                return Err(ApiError::user_not_found(id));
            }
            id.clone()
        }
        (None, Some(identifier)) => [Ident::Email, Ident::Phone, Ident::Username]
            .into_iter()
            .find_map(|kind| db.index.owner(kind, identifier.trim()))
            .map(str::to_owned)
            .ok_or_else(|| {
                ApiError::not_found(format!("No user has the verified identifier {identifier}."))
            })?,
        (Some(_), Some(_)) => {
            return Err(ApiError::value_invalid(
                "on_behalf_of",
                "Give exactly one of on_behalf_of.user_id and on_behalf_of.identifier.",
            ));
        }
        (None, None) => return Err(ApiError::param_missing("on_behalf_of.user_id")),
    };
    let agent_id = match db.tickets.agents.get(&body.agent_name) {
        Some(id) => id.clone(),
        None => {
            let id = crate::ids::new_id("agent");
            db.tickets
                .agents
                .insert(body.agent_name.clone(), id.clone());
            id
        }
    };
    let now = now_ms();
    let task_id = crate::ids::new_id("agtask");
    let record = AgentTaskRecord {
        task: crate::wire::AgentTask {
            object: "agent_task".into(),
            agent_id,
            agent_task_id: task_id.clone(),
            task_id: task_id.clone(),
            url: None,
        },
        user_id,
        agent_name: body.agent_name,
        task_description: body.task_description,
        redirect_url: body.redirect_url,
        status: TicketStatus::Pending,
        created_at: now,
        updated_at: now,
    };
    let ticket = new_ticket();
    db.tickets.agent_tasks.insert(
        task_id,
        Ticket {
            object: record.clone(),
            ticket: ticket.clone(),
            expire_at: now.saturating_add(AGENT_TASK_LIFETIME_SECS * 1000),
            organization_id: None,
            session_secs: Some(session_secs),
        },
    );
    Ok((record, ticket))
}
