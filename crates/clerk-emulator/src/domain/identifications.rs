//! The rules of the identifications group, below HTTP: what its handlers in
//! `routes::identifications` call.

use super::users::{admin_verified, details};
use crate::error::{ApiError, ApiResult};
use crate::ids::{new_id, now_ms};
use crate::server::json;
use crate::store::{Db, Ident, UserIndex};
use crate::wire::{
    DeletedObject, PhoneNumber, User, Verification, VerificationStatus, VerificationStrategy,
};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::Value;

/// How a new address or number starts out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    /// Verified by the admin.
    Verified,
    /// Unverified but held: usable to sign in, claimable by nobody else.
    Reserved,
    /// Unverified and not held.
    Unverified,
}

impl Status {
    pub(crate) fn parse(value: Option<&str>) -> ApiResult<Status> {
        match value {
            None | Some("verified") => Ok(Status::Verified),
            Some("reserved") => Ok(Status::Reserved),
            Some("unverified") => Ok(Status::Unverified),
            Some(other) => Err(ApiError::value_invalid(
                "identification_status",
                format!(
                    "{other} does not match one of the allowed values for parameter identification_status"
                ),
            )),
        }
    }

    /// `reserved` and the verification. `verification_admin` only exists verified, so a
    /// reserved identification waits for a code; an unverified one has no verification yet.
    pub(crate) fn apply(self, code: VerificationStrategy) -> (bool, Verification) {
        match self {
            Status::Verified => (false, admin_verified()),
            Status::Reserved => (
                true,
                Verification::Otp(details(VerificationStatus::Unverified, code)),
            ),
            Status::Unverified => (false, Verification::Other(Value::Null)),
        }
    }
}

pub(crate) fn holds(reserved: bool, verification: &Verification) -> bool {
    reserved || verification.is_verified()
}

/// Frees a value in the index if this user holds it.
pub(crate) fn release(index: &mut UserIndex, kind: Ident, value: &str, user_id: &str) {
    if index.owner(kind, value) == Some(user_id) {
        index.remove(kind, value);
    }
}

/// Refuses a value another user holds.
pub(crate) fn free_for(db: &Db, kind: Ident, value: &str, user_id: &str) -> ApiResult<()> {
    match db.index.owner(kind, value) {
        Some(owner) if owner != user_id => Err(ApiError::identifier_exists(kind.param())),
        _ => Ok(()),
    }
}

/// How many ways the user has to identify themselves; a phone number reserved for second
/// factor is not one.
pub(crate) fn identification_count(u: &User) -> usize {
    u.email_addresses.len()
        + u.phone_numbers
            .iter()
            .filter(|p| p.reserved_for_second_factor != Some(true))
            .count()
        + u.web3_wallets.len()
        + usize::from(u.username.is_some())
        + u.external_accounts.len()
        + u.saml_accounts.len()
        + u.enterprise_accounts.len()
}

/// ERR identifications.go/LastIdentificationDeletionFailed.
pub(crate) fn last_identification() -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "identification_deletion_failed",
        "Deletion failed",
        "You cannot delete your last identification.",
    )
}

pub(crate) fn must_be_verified_to_be_primary(what: &str) -> ApiError {
    ApiError::value_invalid(
        "primary",
        format!("The {what} must be verified to become the primary one."),
    )
}

pub(crate) fn deleted(object: &str, id: String) -> Response {
    json(&DeletedObject {
        object: object.into(),
        id: Some(id),
        slug: None,
        deleted: true,
        external_id: None,
    })
}

/// The user holding the email address (or phone number) with this id.
pub(crate) fn owner_of(db: &Db, id: &str, phone: bool) -> ApiResult<String> {
    db.users
        .values()
        .find(|r| {
            if phone {
                r.user
                    .phone_numbers
                    .iter()
                    .any(|p| p.id.as_deref() == Some(id))
            } else {
                r.user
                    .email_addresses
                    .iter()
                    .any(|e| e.id.as_deref() == Some(id))
            }
        })
        .map(|r| r.user.id.clone())
        .ok_or_else(ApiError::identification_not_found)
}

/// Marks a user's email address (or phone number) verified by a code: refused when another
/// user holds the value; it becomes the primary one when the user has none. Within a write.
pub(crate) fn confirm_by_code(
    db: &mut Db,
    user_id: &str,
    identification_id: &str,
    phone: bool,
    verification: Verification,
) -> ApiResult<User> {
    super::users::mutate_locked(db, user_id, |db, uid| {
        let u = &db
            .users
            .get(uid)
            .ok_or_else(ApiError::identification_not_found)?
            .user;
        let (kind, value) = if phone {
            let p = u
                .phone_numbers
                .iter()
                .find(|p| p.id.as_deref() == Some(identification_id))
                .ok_or_else(ApiError::identification_not_found)?;
            (Ident::Phone, p.phone_number.clone())
        } else {
            let e = u
                .email_addresses
                .iter()
                .find(|e| e.id.as_deref() == Some(identification_id))
                .ok_or_else(ApiError::identification_not_found)?;
            (Ident::Email, e.email_address.clone())
        };
        free_for(db, kind, &value, uid)?;
        let Db { users, index, .. } = &mut *db;
        let u = &mut users
            .get_mut(uid)
            .ok_or_else(ApiError::identification_not_found)?
            .user;
        let now = now_ms();
        if phone {
            if let Some(p) = u
                .phone_numbers
                .iter_mut()
                .find(|p| p.id.as_deref() == Some(identification_id))
            {
                p.verification = verification;
                p.reserved = false;
                p.updated_at = now.max(p.updated_at);
            }
            settle_primary_phone(u);
        } else {
            if let Some(e) = u
                .email_addresses
                .iter_mut()
                .find(|e| e.id.as_deref() == Some(identification_id))
            {
                e.verification = verification;
                e.reserved = false;
                e.updated_at = now.max(e.updated_at);
            }
            settle_primary_email(u);
        }
        index.insert(kind, &value, uid);
        Ok(())
    })
}

/// Keeps the primary address one that exists and is verified: else the first verified one.
pub(crate) fn settle_primary_email(u: &mut User) {
    let ok = u.primary_email_address_id.as_ref().is_some_and(|id| {
        u.email_addresses
            .iter()
            .any(|e| e.id.as_ref() == Some(id) && e.verification.is_verified())
    });
    if !ok {
        u.primary_email_address_id = u
            .email_addresses
            .iter()
            .find(|e| e.verification.is_verified())
            .and_then(|e| e.id.clone());
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct CreateEmailBody {
    pub(crate) user_id: String,
    pub(crate) email_address: String,
    #[serde(default)]
    pub(crate) verified: Option<bool>,
    #[serde(default)]
    pub(crate) primary: Option<bool>,
    // Accepted: the emulator sends no email.
    #[serde(default)]
    #[allow(dead_code)]
    pub(crate) notify_primary_email_address_changed: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct UpdateEmailBody {
    #[serde(default)]
    pub(crate) verified: Option<bool>,
    #[serde(default)]
    pub(crate) primary: Option<bool>,
    #[serde(default)]
    #[allow(dead_code)]
    pub(crate) notify_primary_email_address_changed: Option<bool>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ReplaceEmailBody {
    pub(crate) email_address: String,
    #[serde(default)]
    pub(crate) identification_status: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    pub(crate) notify_primary_email_address_changed: Option<bool>,
}

/// Keeps the primary number one that exists and is verified: else the first verified one.
pub(crate) fn settle_primary_phone(u: &mut User) {
    let ok = u.primary_phone_number_id.as_ref().is_some_and(|id| {
        u.phone_numbers
            .iter()
            .any(|p| p.id.as_ref() == Some(id) && p.verification.is_verified())
    });
    if !ok {
        u.primary_phone_number_id = u
            .phone_numbers
            .iter()
            .find(|p| p.verification.is_verified())
            .and_then(|p| p.id.clone());
    }
}

/// Exactly one number reserved for second factor is the default one, when there is any.
pub(crate) fn settle_second_factor(u: &mut User) {
    for p in &mut u.phone_numbers {
        if p.reserved_for_second_factor != Some(true) {
            p.default_second_factor = Some(false);
        }
    }
    if !u
        .phone_numbers
        .iter()
        .any(|p| p.default_second_factor == Some(true))
        && let Some(p) = u
            .phone_numbers
            .iter_mut()
            .find(|p| p.reserved_for_second_factor == Some(true))
    {
        p.default_second_factor = Some(true);
    }
}

pub(crate) fn second_factor_unverified(create: bool) -> ApiError {
    // ERR identifications.go/CreateSecondFactorUnverified, UpdateSecondFactorUnverified.
    if create {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "identification_create_second_factor_unverified",
            "Create failed",
            "Unverified identifications cannot be a second factor",
        )
    } else {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "identification_update_second_factor_unverified",
            "Update failed",
            "Cannot update second factor attributes for unverified identification",
        )
    }
}

pub(crate) fn new_phone(number: &str, status: Status, second_factor: bool) -> PhoneNumber {
    let (reserved, verification) = status.apply(VerificationStrategy::PhoneCode);
    let now = now_ms();
    PhoneNumber {
        id: Some(new_id("idn")),
        object: "phone_number".into(),
        phone_number: number.to_owned(),
        reserved_for_second_factor: Some(second_factor),
        default_second_factor: Some(false),
        reserved,
        verification,
        linked_to: vec![],
        backup_codes: None,
        created_at: now,
        updated_at: now,
    }
}

pub(crate) fn invalid_phone() -> ApiError {
    ApiError::format_invalid(
        "phone_number",
        "phone_number must be a valid phone number according to E.164 international standard.",
    )
}

#[derive(Debug, Deserialize)]
pub(crate) struct CreatePhoneBody {
    pub(crate) user_id: String,
    pub(crate) phone_number: String,
    #[serde(default)]
    pub(crate) verified: Option<bool>,
    #[serde(default)]
    pub(crate) primary: Option<bool>,
    #[serde(default)]
    pub(crate) reserved_for_second_factor: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct UpdatePhoneBody {
    #[serde(default)]
    pub(crate) verified: Option<bool>,
    #[serde(default)]
    pub(crate) primary: Option<bool>,
    #[serde(default)]
    pub(crate) reserved_for_second_factor: Option<bool>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ReplacePhoneBody {
    pub(crate) phone_number: String,
    #[serde(default)]
    pub(crate) identification_status: Option<String>,
}
