//! The rules of the invitations group, below HTTP: what its handlers in
//! `routes::invitations` call.

use crate::domain::validate::{check_metadata, valid_email};
use crate::error::{ApiError, ApiResult};
use crate::ids::{new_id, now_ms, random_base62};
use crate::store::Db;
use crate::wire::{Invitation, InvitationStatus, Metadata};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::Value;

pub(crate) const DEFAULT_EXPIRES_IN_DAYS: i64 = 30;

pub(crate) const DAY_MS: i64 = 86_400_000;

/// The most invitations `POST /v1/invitations/bulk` takes.
pub(crate) const BULK_MAX: usize = 10;

pub(crate) const TEMPLATE_SLUGS: &[&str] = &["invitation", "waitlist_invitation"];

/// The invitation as it stands now: a pending one past its expiry is expired.
pub(crate) fn current(inv: &Invitation, now: i64) -> Invitation {
    let mut inv = inv.clone();
    if inv.status == InvitationStatus::Pending && inv.expires_at.is_some_and(|at| at <= now) {
        inv.status = InvitationStatus::Expired;
    }
    inv
}

/// The body of `POST /v1/invitations` and of each item of `POST /v1/invitations/bulk`.
#[derive(Debug, Deserialize)]
pub(crate) struct InvitationBody {
    pub(crate) email_address: String,
    #[serde(default)]
    pub(crate) public_metadata: Option<Metadata>,
    /// Where the invitation's link leads after sign-up; passed to the email.
    #[serde(default)]
    pub(crate) redirect_url: Option<String>,
    /// Whether the invitation is emailed (default: yes).
    #[serde(default)]
    pub(crate) notify: Option<bool>,
    #[serde(default)]
    pub(crate) ignore_existing: Option<bool>,
    #[serde(default)]
    pub(crate) expires_in_days: Option<i64>,
    #[serde(default)]
    pub(crate) template_slug: Option<String>,
}

/// Checks what can be checked without the data.
pub(crate) fn validate(body: &InvitationBody) -> ApiResult<()> {
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

pub(crate) fn has_pending(db: &Db, email: &str, now: i64) -> bool {
    let email = email.to_lowercase();
    db.invitations.invitations.values().any(|inv| {
        current(inv, now).status == InvitationStatus::Pending
            && inv.email_address.to_lowercase() == email
    })
}

/// 400 `duplicate_record` naming the addresses (ERR invitations.go/DuplicateInvitations).
pub(crate) fn duplicates(emails: &[String]) -> ApiError {
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
pub(crate) fn build(body: &InvitationBody, base_url: &str, now: i64) -> Invitation {
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
pub(crate) fn keep(db: &mut Db, body: &InvitationBody, inv: Invitation) {
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
        super::mailbox::send_email(
            db,
            super::mailbox::Recipient {
                address: &inv.email_address,
                identification_id: None,
                user_id: None,
            },
            body.template_slug.as_deref().unwrap_or("invitation"),
            data,
        );
    }
    db.invitations.invitations.insert(inv.id.clone(), inv);
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
pub(crate) struct ListParams {
    pub(crate) status: Option<String>,
    pub(crate) query: Option<String>,
    pub(crate) order_by: Option<String>,
    pub(crate) paginated: Option<bool>,
    pub(crate) limit: Option<i64>,
    pub(crate) offset: Option<i64>,
}
