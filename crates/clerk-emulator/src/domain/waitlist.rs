//! The rules of the waitlist group, below HTTP: joining (once per address), listing, inviting
//! (an instance invitation, emailed from the `waitlist_invitation` template), rejecting and
//! deleting entries, and the webhook events they send.

use super::invitations::{self as invitations, InvitationBody};
use super::organizations::{contains_ci, directed, paging};
use super::validate::valid_email;
use crate::error::{ApiError, ApiResult};
use crate::ids::{new_id, now_ms};
use crate::store::waitlist::WaitlistRecord;
use crate::store::{Db, Ident};
use crate::wire::{Metadata, WaitlistEntry, WaitlistEntryStatus};
use axum::http::StatusCode;
use serde::Deserialize;

/// The most entries `POST /v1/waitlist_entries/bulk` takes.
pub(crate) const BULK_MAX: usize = 50;

/// The body of `POST /v1/waitlist_entries` and of each item of the bulk call.
#[derive(Debug, Deserialize)]
pub(crate) struct CreateBody {
    pub(crate) email_address: String,
    #[serde(default)]
    pub(crate) notify: Option<bool>,
}

/// The body of `POST /v1/waitlist_entries/{id}/invite`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct InviteBody {
    pub(crate) ignore_existing: Option<bool>,
}

/// The query of `GET /v1/waitlist_entries`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ListParams {
    pub(crate) limit: Option<i64>,
    pub(crate) offset: Option<i64>,
    pub(crate) query: Option<String>,
    pub(crate) status: Option<String>,
    pub(crate) order_by: Option<String>,
}

/// 422 unless the address is an email address.
pub(crate) fn validate(body: &CreateBody) -> ApiResult<()> {
    if valid_email(&body.email_address) {
        Ok(())
    } else {
        Err(ApiError::format_invalid(
            "email_address",
            "email_address must be a valid email address.",
        ))
    }
}

fn entry_not_found(id: &str) -> ApiError {
    ApiError::not_found(format!("No waitlist entry was found with id {id}"))
}

/// 409 for an action the entry's status does not allow (**unverified** code).
fn wrong_status(action: &str, status: &WaitlistEntryStatus) -> ApiError {
    let text = format!("A waitlist entry that is {status} cannot be {action}.");
    ApiError::new(StatusCode::CONFLICT, "conflict", &text, text.clone())
}

/// The entry as served: its invitation as it stands now.
pub(crate) fn render(db: &Db, record: &WaitlistRecord, now: i64) -> WaitlistEntry {
    let mut entry = record.entry.clone();
    entry.invitation = record
        .invitation_id
        .as_deref()
        .and_then(|id| db.invitations.invitations.get(id))
        .map(|inv| invitations::current(inv, now));
    entry
}

/// The entry for an address (compared without case), if it is on the waitlist.
fn by_email<'a>(db: &'a Db, email: &str) -> Option<&'a WaitlistRecord> {
    db.waitlist
        .entries
        .values()
        .find(|r| r.entry.email_address.eq_ignore_ascii_case(email))
}

/// Adds an address to the waitlist, or returns the entry it already has. A new entry is
/// announced (`waitlistEntry.created`) and, unless `notify` is false, confirmed by email
/// (template `waitlist_confirmation`).
pub(crate) fn join(db: &mut Db, body: &CreateBody) -> WaitlistEntry {
    let now = now_ms();
    if let Some(existing) = by_email(db, &body.email_address) {
        return render(db, existing, now);
    }
    let entry = WaitlistEntry {
        object: "waitlist_entry".into(),
        id: new_id("wle"),
        email_address: body.email_address.clone(),
        status: WaitlistEntryStatus::Pending,
        is_locked: Some(false),
        created_at: now,
        updated_at: now,
        invitation: None,
    };
    db.waitlist.entries.insert(
        entry.id.clone(),
        WaitlistRecord {
            entry: entry.clone(),
            invitation_id: None,
        },
    );
    db.emit("waitlistEntry.created", &entry);
    if body.notify != Some(false) {
        super::mailbox::send_email(
            db,
            super::mailbox::Recipient {
                address: &entry.email_address,
                identification_id: None,
                user_id: None,
            },
            "waitlist_confirmation",
            Metadata::new(),
        );
    }
    entry
}

/// Checks a bulk request: 1 to 50 entries, no address twice (compared without case).
pub(crate) fn check_bulk(bodies: &[CreateBody]) -> ApiResult<()> {
    if bodies.is_empty() || bodies.len() > BULK_MAX {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_param_value_invalid",
            "is invalid",
            format!("The request must contain between 1 and {BULK_MAX} waitlist entries."),
        ));
    }
    let mut seen = std::collections::HashSet::new();
    for b in bodies {
        if !seen.insert(b.email_address.to_lowercase()) {
            return Err(ApiError::value_invalid(
                "email_address",
                format!("{} appears more than once in the request.", b.email_address),
            ));
        }
    }
    Ok(())
}

/// The stored entry, or 404.
fn record(db: &Db, id: &str) -> ApiResult<WaitlistRecord> {
    db.waitlist
        .entries
        .get(id)
        .cloned()
        .ok_or_else(|| entry_not_found(id))
}

fn store_update(db: &mut Db, mut rec: WaitlistRecord, now: i64) -> WaitlistEntry {
    rec.entry.updated_at = now.max(rec.entry.updated_at);
    db.waitlist
        .entries
        .insert(rec.entry.id.clone(), rec.clone());
    let served = render(db, &rec, now);
    db.emit("waitlistEntry.updated", &served);
    served
}

/// Invites the address: creates an instance invitation (emailed from `waitlist_invitation`)
/// and marks the entry invited. A user holding the address, or a pending invitation for it,
/// refuses the invite as `POST /v1/invitations` does, unless `ignore_existing`. A completed
/// entry cannot be invited.
pub(crate) fn invite(
    db: &mut Db,
    base_url: &str,
    id: &str,
    body: &InviteBody,
) -> ApiResult<WaitlistEntry> {
    let now = now_ms();
    let mut rec = record(db, id)?;
    if rec.entry.status == WaitlistEntryStatus::Completed {
        return Err(wrong_status("invited", &rec.entry.status));
    }
    let email = rec.entry.email_address.clone();
    let taken =
        db.index.owner(Ident::Email, &email).is_some() || invitations::has_pending(db, &email, now);
    if taken && body.ignore_existing != Some(true) {
        return Err(invitations::duplicates(std::slice::from_ref(&email)));
    }
    let inv_body = InvitationBody {
        email_address: email,
        public_metadata: None,
        redirect_url: None,
        notify: Some(true),
        ignore_existing: body.ignore_existing,
        expires_in_days: None,
        template_slug: Some("waitlist_invitation".into()),
    };
    let inv = invitations::build(&inv_body, base_url, now);
    rec.invitation_id = Some(inv.id.clone());
    invitations::keep(db, &inv_body, inv);
    rec.entry.status = WaitlistEntryStatus::Invited;
    Ok(store_update(db, rec, now))
}

/// Rejects the entry. A pending invitation sent to it is revoked; a completed entry cannot be
/// rejected; rejecting twice returns the entry unchanged.
pub(crate) fn reject(db: &mut Db, id: &str) -> ApiResult<WaitlistEntry> {
    let now = now_ms();
    let mut rec = record(db, id)?;
    match rec.entry.status {
        WaitlistEntryStatus::Completed => return Err(wrong_status("rejected", &rec.entry.status)),
        WaitlistEntryStatus::Rejected => return Ok(render(db, &rec, now)),
        _ => {}
    }
    if let Some(inv_id) = &rec.invitation_id
        && let Some(inv) = db.invitations.invitations.get(inv_id)
        && invitations::current(inv, now).status == crate::wire::InvitationStatus::Pending
    {
        let inv_id = inv_id.clone();
        if let Some(inv) = db.invitations.invitations.get_mut(&inv_id) {
            inv.status = crate::wire::InvitationStatus::Revoked;
            inv.revoked = Some(true);
            inv.updated_at = now.max(inv.updated_at);
        }
    }
    rec.entry.status = WaitlistEntryStatus::Rejected;
    Ok(store_update(db, rec, now))
}

/// Deletes a pending entry; any other is a conflict.
pub(crate) fn delete_entry(db: &mut Db, id: &str) -> ApiResult<()> {
    let rec = record(db, id)?;
    if rec.entry.status != WaitlistEntryStatus::Pending {
        return Err(wrong_status("deleted", &rec.entry.status));
    }
    db.waitlist.entries.remove(id);
    Ok(())
}

/// The entries a list asks for, ordered, with the total before paging.
pub(crate) fn list(db: &Db, p: &ListParams) -> ApiResult<(Vec<WaitlistEntry>, usize)> {
    let status = match p.status.as_deref() {
        None | Some("") => None,
        Some(s) => match WaitlistEntryStatus::from(s) {
            WaitlistEntryStatus::Unknown(_) => {
                return Err(ApiError::value_invalid(
                    "status",
                    format!("{s} does not match one of the allowed values for parameter status"),
                ));
            }
            known => Some(known),
        },
    };
    let raw = p.order_by.as_deref().unwrap_or("-created_at");
    let (field, desc) =
        super::paging::sort_order(raw, &["created_at", "email_address", "invited_at"])?;
    let (limit, offset) = paging(p.limit, p.offset)?;
    let query = p
        .query
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .map(str::to_lowercase);
    let now = now_ms();
    let mut rows: Vec<WaitlistEntry> = db
        .waitlist
        .entries
        .values()
        .filter(|r| status.as_ref().is_none_or(|s| &r.entry.status == s))
        .filter(|r| {
            query.as_deref().is_none_or(|q| {
                contains_ci(&r.entry.email_address, q) || r.entry.id.to_lowercase() == q
            })
        })
        .map(|r| render(db, r, now))
        .collect();
    rows.sort_by(|a, b| {
        let by = match field {
            "email_address" => a
                .email_address
                .to_lowercase()
                .cmp(&b.email_address.to_lowercase()),
            "invited_at" => invited_at(a).cmp(&invited_at(b)),
            _ => a.created_at.cmp(&b.created_at),
        };
        directed(by.then_with(|| a.id.cmp(&b.id)), desc)
    });
    Ok(super::paging::cut(rows, limit, offset, |r| r))
}

/// When the entry was invited (its invitation's creation), if it was.
fn invited_at(entry: &WaitlistEntry) -> Option<i64> {
    entry.invitation.as_ref().map(|i| i.created_at)
}
