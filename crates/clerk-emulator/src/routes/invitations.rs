//! Instance invitations (`/v1/invitations`): create one or up to ten at once, list, revoke.
//!
//! Semantics (SPEC CreateInvitation, CreateBulkInvitations, RevokeInvitation; ERR
//! invitations.go): one pending invitation per address and none for an address a user holds,
//! unless `ignore_existing` (in bulk, an existing user is refused regardless); invitations
//! expire after `expires_in_days` (1–365, default 30); revoking twice is an error. Unless
//! `notify` is false, each invitation is emailed into the emulator's mailbox. No invitation is
//! ever accepted through the emulator (there is no sign-up flow).

use crate::wire::{Invitation, InvitationStatus, Metadata};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::Value;

use crate::domain::validate::{check_metadata, valid_email};
use crate::error::{ApiError, ApiResult};
use crate::ids::{new_id, now_ms, random_base62};
use crate::server::{JSON_BODY_LIMIT, JsonBody, Query, Shared, json, parse_json_body};
use crate::store::{Db, Ident};

const DEFAULT_EXPIRES_IN_DAYS: i64 = 30;
const DAY_MS: i64 = 86_400_000;
/// The most invitations `POST /v1/invitations/bulk` takes.
const BULK_MAX: usize = 10;
const TEMPLATE_SLUGS: &[&str] = &["invitation", "waitlist_invitation"];

pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route("/v1/invitations", get(list).post(create))
        .route("/v1/invitations/bulk", post(create_bulk))
        .route("/v1/invitations/{invitation_id}/revoke", post(revoke))
}

/// The invitation as it stands now: a pending one past its expiry is expired.
fn current(inv: &Invitation, now: i64) -> Invitation {
    let mut inv = inv.clone();
    if inv.status == InvitationStatus::Pending && inv.expires_at.is_some_and(|at| at <= now) {
        inv.status = InvitationStatus::Expired;
    }
    inv
}

/// The body of `POST /v1/invitations` and of each item of `POST /v1/invitations/bulk`.
#[derive(Debug, Deserialize)]
struct InvitationBody {
    email_address: String,
    #[serde(default)]
    public_metadata: Option<Metadata>,
    /// Where the invitation's link leads after sign-up; passed to the email.
    #[serde(default)]
    redirect_url: Option<String>,
    /// Whether the invitation is emailed (default: yes).
    #[serde(default)]
    notify: Option<bool>,
    #[serde(default)]
    ignore_existing: Option<bool>,
    #[serde(default)]
    expires_in_days: Option<i64>,
    #[serde(default)]
    template_slug: Option<String>,
}

/// Checks what can be checked without the data.
fn validate(body: &InvitationBody) -> ApiResult<()> {
    if !valid_email(&body.email_address) {
        return Err(ApiError::format_invalid(
            "email_address",
            "email_address must be a valid email address.",
        ));
    }
    if let Some(days) = body.expires_in_days
        && !(1..=365).contains(&days)
    {
        return Err(ApiError::value_invalid(
            "expires_in_days",
            "expires_in_days must be between 1 and 365.",
        ));
    }
    if let Some(slug) = &body.template_slug
        && !TEMPLATE_SLUGS.contains(&slug.as_str())
    {
        return Err(ApiError::value_invalid(
            "template_slug",
            format!("{slug} does not match one of the allowed values for parameter template_slug"),
        ));
    }
    if let Some(m) = &body.public_metadata {
        check_metadata("public_metadata", m)?;
    }
    Ok(())
}

fn has_pending(db: &Db, email: &str, now: i64) -> bool {
    let email = email.to_lowercase();
    db.invitations.invitations.values().any(|inv| {
        current(inv, now).status == InvitationStatus::Pending
            && inv.email_address.to_lowercase() == email
    })
}

/// 400 `duplicate_record` naming the addresses (ERR invitations.go/DuplicateInvitations).
fn duplicates(emails: &[String]) -> ApiError {
    let text = format!(
        "There are already pending invitations for the following email addresses: {}",
        emails.join(", ")
    );
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "duplicate_record",
        &text,
        text.clone(),
    )
    .meta(
        "email_addresses",
        Value::Array(emails.iter().cloned().map(Value::String).collect()),
    )
}

/// A new pending invitation (not stored yet).
fn build(body: &InvitationBody, base_url: &str, now: i64) -> Invitation {
    let days = body.expires_in_days.unwrap_or(DEFAULT_EXPIRES_IN_DAYS);
    Invitation {
        object: "invitation".into(),
        id: new_id("inv"),
        email_address: body.email_address.clone(),
        public_metadata: body.public_metadata.clone().unwrap_or_default(),
        revoked: Some(false),
        status: InvitationStatus::Pending,
        // The ticket a sign-up would redeem; the emulator has no sign-up flow to take it.
        url: Some(format!(
            "{base_url}/v1/tickets/accept?ticket={}",
            random_base62(40)
        )),
        expires_at: Some(now + days * DAY_MS),
        created_at: now,
        updated_at: now,
    }
}

/// Stores a new invitation and, unless `notify` is false, emails it (template
/// `template_slug`, by default `invitation`) with its link as `action_url`.
fn keep(db: &mut Db, body: &InvitationBody, inv: Invitation) {
    if body.notify != Some(false) {
        let mut data = Metadata::new();
        data.insert("action_url".into(), Value::from(inv.url.clone()));
        if let Some(redirect) = &body.redirect_url {
            data.insert("redirect_url".into(), Value::from(redirect.clone()));
        }
        data.insert(
            "invitation".into(),
            serde_json::json!({"public_metadata": inv.public_metadata}),
        );
        let url = inv.url.clone().unwrap_or_default();
        super::mailbox::send_email(
            db,
            super::mailbox::Recipient {
                address: &inv.email_address,
                identification_id: None,
                user_id: None,
            },
            body.template_slug.as_deref().unwrap_or("invitation"),
            "You have been invited".to_owned(),
            format!("You have been invited to sign up. Accept the invitation: {url}"),
            data,
        );
    }
    db.invitations.invitations.insert(inv.id.clone(), inv);
}

async fn create(
    State(state): State<Shared>,
    JsonBody(body): JsonBody<InvitationBody>,
) -> ApiResult<Response> {
    validate(&body)?;
    let now = now_ms();
    let mut db = state.write();
    let taken = db.index.owner(Ident::Email, &body.email_address).is_some()
        || has_pending(&db, &body.email_address, now);
    if taken && body.ignore_existing != Some(true) {
        return Err(duplicates(std::slice::from_ref(&body.email_address)));
    }
    let inv = build(&body, &state.base_url, now);
    keep(&mut db, &body, inv.clone());
    Ok(json(&inv))
}

/// `POST /v1/invitations/bulk`: a JSON array of 1 to 10 invitation bodies, created all or none.
async fn create_bulk(State(state): State<Shared>, body: Bytes) -> ApiResult<Response> {
    if body.len() > JSON_BODY_LIMIT {
        return Err(ApiError::body_too_large(JSON_BODY_LIMIT));
    }
    let items: Vec<Value> = match serde_json::from_slice(&body) {
        Ok(Value::Array(items)) => items,
        _ => return Err(ApiError::body_invalid()),
    };
    if items.is_empty() || items.len() > BULK_MAX {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_param_value_invalid",
            "is invalid",
            format!("The request must contain between 1 and {BULK_MAX} invitations."),
        ));
    }
    let bodies = items
        .into_iter()
        .map(|item| {
            let bytes = Bytes::from(serde_json::to_vec(&item).unwrap_or_default());
            let body: InvitationBody = parse_json_body(&bytes)?;
            validate(&body)?;
            Ok(body)
        })
        .collect::<ApiResult<Vec<_>>>()?;

    let now = now_ms();
    let mut db = state.write();
    let mut refused = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for b in &bodies {
        let key = b.email_address.to_lowercase();
        // An address a user holds is refused even with `ignore_existing` (SPEC
        // CreateBulkInvitations: "this rule cannot be bypassed").
        let user_exists = db.index.owner(Ident::Email, &b.email_address).is_some();
        let pending = has_pending(&db, &b.email_address, now) || seen.contains(&key);
        if user_exists || (pending && b.ignore_existing != Some(true)) {
            refused.push(b.email_address.clone());
        }
        seen.insert(key);
    }
    if !refused.is_empty() {
        return Err(duplicates(&refused));
    }
    let created: Vec<Invitation> = bodies
        .iter()
        .map(|b| build(b, &state.base_url, now))
        .collect();
    for (b, inv) in bodies.iter().zip(&created) {
        keep(&mut db, b, inv.clone());
    }
    Ok(json(&created))
}

/// Creates a pending invitation for an address unless one is pending; returns its id. Used by
/// the allow-list's `notify`.
pub(crate) fn invite(db: &mut Db, base_url: &str, email: &str) -> String {
    let now = now_ms();
    let lower = email.to_lowercase();
    if let Some(existing) = db.invitations.invitations.values().find(|inv| {
        current(inv, now).status == InvitationStatus::Pending
            && inv.email_address.to_lowercase() == lower
    }) {
        return existing.id.clone();
    }
    let body = InvitationBody {
        email_address: email.to_owned(),
        public_metadata: None,
        redirect_url: None,
        notify: Some(true),
        ignore_existing: None,
        expires_in_days: None,
        template_slug: None,
    };
    let inv = build(&body, base_url, now);
    let id = inv.id.clone();
    keep(db, &body, inv);
    id
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ListParams {
    status: Option<String>,
    query: Option<String>,
    order_by: Option<String>,
    paginated: Option<bool>,
    limit: Option<i64>,
    offset: Option<i64>,
}

/// `GET /v1/invitations`. Without `status`, revoked invitations are left out: the spec says the
/// operation "returns all non-revoked invitations"; `status=revoked` lists them.
async fn list(
    State(state): State<Shared>,
    Query(params): Query<ListParams>,
) -> ApiResult<Response> {
    let status = match params.status.as_deref() {
        None | Some("") => None,
        Some(s) => match InvitationStatus::from(s) {
            InvitationStatus::Unknown(_) => {
                return Err(ApiError::value_invalid(
                    "status",
                    format!("{s} does not match one of the allowed values for parameter status"),
                ));
            }
            known => Some(known),
        },
    };
    let order = params.order_by.as_deref().unwrap_or("-created_at");
    let (desc, field) = match order.strip_prefix('-') {
        Some(f) => (true, f),
        None => (false, order.strip_prefix('+').unwrap_or(order)),
    };
    if !["created_at", "email_address", "expires_at"].contains(&field) {
        return Err(ApiError::value_invalid(
            "order_by",
            format!("{order} does not match one of the allowed values for parameter order_by"),
        ));
    }
    let query = params
        .query
        .as_deref()
        .map(str::to_lowercase)
        .filter(|q| !q.is_empty());
    let now = now_ms();
    let db = state.read();
    let mut all: Vec<Invitation> = db
        .invitations
        .invitations
        .values()
        .map(|inv| current(inv, now))
        .filter(|inv| match &status {
            Some(s) => &inv.status == s,
            None => inv.status != InvitationStatus::Revoked,
        })
        .filter(|inv| {
            query.as_ref().is_none_or(|q| {
                inv.email_address.to_lowercase().contains(q) || inv.id.to_lowercase().contains(q)
            })
        })
        .collect();
    // Ids sort in creation order, so they break ties (and order `created_at` exactly).
    all.sort_by(|a, b| {
        let by = match field {
            "email_address" => a
                .email_address
                .to_lowercase()
                .cmp(&b.email_address.to_lowercase()),
            "expires_at" => a.expires_at.cmp(&b.expires_at),
            _ => a.created_at.cmp(&b.created_at),
        }
        .then_with(|| a.id.cmp(&b.id));
        if desc { by.reverse() } else { by }
    });
    Ok(crate::domain::paging::list_page(
        all.into_iter(),
        params.limit,
        params.offset,
        params.paginated,
    ))
}

async fn revoke(State(state): State<Shared>, Path(id): Path<String>) -> ApiResult<Response> {
    let now = now_ms();
    let mut db = state.write();
    let inv = db
        .invitations
        .invitations
        .get_mut(&id)
        .ok_or_else(|| ApiError::not_found(format!("No invitation was found with id {id}.")))?;
    match inv.status {
        InvitationStatus::Revoked => {
            let text = "Invitation is already revoked.";
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "invitation_already_revoked",
                text,
                text,
            ));
        }
        InvitationStatus::Accepted => {
            let text = "Invitation is already accepted, try signing in instead.";
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "invitation_already_accepted",
                text,
                text,
            ));
        }
        // Pending or expired: "only active (i.e. non-revoked) invitations can be revoked".
        _ => {}
    }
    inv.status = InvitationStatus::Revoked;
    inv.revoked = Some(true);
    inv.updated_at = now.max(inv.updated_at);
    Ok(json(&current(inv, now)))
}
