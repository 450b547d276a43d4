//! Email addresses and phone numbers as their own resources (`/v1/email_addresses`,
//! `/v1/phone_numbers`, and replacing a user's address or number).
//!
//! They live inside their user's record. An address or number holds its value exclusively (in
//! `db.index`) once it is verified or reserved; an unverified one may also sit on other users
//! until one of them verifies it (SPEC ReplaceUserEmailAddress, `identification_status`). Every
//! change stamps the user's `updated_at` and emits `user.updated`. Preparing and attempting a
//! verification (codes sent by email or SMS) is not emulated: those answer 501.

use crate::wire::{
    DeletedObject, EmailAddress, PhoneNumber, User, Verification, VerificationStatus,
    VerificationStrategy,
};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post, put};
use serde::Deserialize;
use serde_json::Value;

use super::access_lists::check_identifiers;
use super::users::{admin_verified, details, mutate, refresh_mfa};
use crate::domain::validate::{valid_email, valid_phone};
use crate::error::{ApiError, ApiResult};
use crate::ids::{new_id, now_ms};
use crate::server::{JsonBody, Shared, json};
use crate::store::{Db, Ident, UserIndex};

pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route("/v1/email_addresses", post(create_email))
        .route(
            "/v1/email_addresses/{email_address_id}",
            get(get_email).patch(update_email).delete(delete_email),
        )
        .route("/v1/users/{user_id}/email_address", put(replace_email))
        .route("/v1/phone_numbers", post(create_phone))
        .route(
            "/v1/phone_numbers/{phone_number_id}",
            get(get_phone).patch(update_phone).delete(delete_phone),
        )
        .route("/v1/users/{user_id}/phone_number", put(replace_phone))
}

// ---- shared ----------------------------------------------------------------------------------

/// How a new address or number starts out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    /// Verified by the admin.
    Verified,
    /// Unverified but held: usable to sign in, claimable by nobody else.
    Reserved,
    /// Unverified and not held.
    Unverified,
}

impl Status {
    fn parse(value: Option<&str>) -> ApiResult<Status> {
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
    fn apply(self, code: VerificationStrategy) -> (bool, Verification) {
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

fn holds(reserved: bool, verification: &Verification) -> bool {
    reserved || verification.is_verified()
}

/// Frees a value in the index if this user holds it.
fn release(index: &mut UserIndex, kind: Ident, value: &str, user_id: &str) {
    if index.owner(kind, value) == Some(user_id) {
        index.remove(kind, value);
    }
}

/// Refuses a value another user holds.
fn free_for(db: &Db, kind: Ident, value: &str, user_id: &str) -> ApiResult<()> {
    match db.index.owner(kind, value) {
        Some(owner) if owner != user_id => Err(ApiError::identifier_exists(kind.param())),
        _ => Ok(()),
    }
}

/// How many ways the user has to identify themselves; a phone number reserved for second
/// factor is not one.
fn identification_count(u: &User) -> usize {
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
fn last_identification() -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "identification_deletion_failed",
        "Deletion failed",
        "You cannot delete your last identification.",
    )
}

fn must_be_verified_to_be_primary(what: &str) -> ApiError {
    ApiError::value_invalid(
        "primary",
        format!("The {what} must be verified to become the primary one."),
    )
}

fn deleted(object: &str, id: String) -> Response {
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

// ---- email addresses -------------------------------------------------------------------------

/// Keeps the primary address one that exists and is verified: else the first verified one.
fn settle_primary_email(u: &mut User) {
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
struct CreateEmailBody {
    user_id: String,
    email_address: String,
    #[serde(default)]
    verified: Option<bool>,
    #[serde(default)]
    primary: Option<bool>,
    // Accepted: the emulator sends no email.
    #[serde(default)]
    #[allow(dead_code)]
    notify_primary_email_address_changed: Option<bool>,
}

/// `POST /v1/email_addresses`. `verified` defaults to false (the spec: "When created, the
/// email address will be marked as verified", read as "when true"); a new verified address
/// becomes primary when asked or when the user has no primary address yet.
async fn create_email(
    State(state): State<Shared>,
    JsonBody(body): JsonBody<CreateEmailBody>,
) -> ApiResult<Response> {
    if !valid_email(&body.email_address) {
        return Err(ApiError::format_invalid(
            "email_address",
            "email_address must be a valid email address.",
        ));
    }
    let verified = body.verified == Some(true);
    if body.primary == Some(true) && !verified {
        return Err(must_be_verified_to_be_primary("email address"));
    }
    let address = body.email_address.clone();
    let mut created = None;
    mutate(&state, &body.user_id, |db, uid| {
        let key = Ident::Email.key(&address);
        let mine = db.users.get(uid).is_some_and(|r| {
            r.user
                .email_addresses
                .iter()
                .any(|e| Ident::Email.key(&e.email_address) == key)
        });
        if mine || db.index.owner(Ident::Email, &address).is_some() {
            return Err(ApiError::identifier_exists("email_address"));
        }
        check_identifiers(db, &[(Ident::Email, address.as_str())])?;
        let Db { users, index, .. } = &mut *db;
        let u = &mut users
            .get_mut(uid)
            .ok_or_else(|| ApiError::user_not_found(uid))?
            .user;
        let status = if verified {
            Status::Verified
        } else {
            Status::Unverified
        };
        let (reserved, verification) = status.apply(VerificationStrategy::EmailCode);
        let now = now_ms();
        let email = EmailAddress {
            id: Some(new_id("idn")),
            object: "email_address".into(),
            email_address: address.clone(),
            reserved,
            verification,
            linked_to: vec![],
            matches_sso_connection: Some(false),
            created_at: now,
            updated_at: now,
        };
        if holds(email.reserved, &email.verification) {
            index.insert(Ident::Email, &address, uid);
        }
        let primary = body.primary.unwrap_or(u.primary_email_address_id.is_none());
        if primary && verified {
            u.primary_email_address_id = email.id.clone();
        }
        u.email_addresses.push(email.clone());
        created = Some(email);
        // A verified address at a verified domain enrolls the user there.
        super::org_domains::enroll_user(db, uid);
        Ok(())
    })?;
    Ok(json(&created))
}

async fn get_email(State(state): State<Shared>, Path(id): Path<String>) -> ApiResult<Response> {
    let db = state.read();
    let email = db
        .users
        .values()
        .flat_map(|r| r.user.email_addresses.iter())
        .find(|e| e.id.as_deref() == Some(id.as_str()))
        .ok_or_else(ApiError::identification_not_found)?;
    Ok(json(email))
}

#[derive(Debug, Default, Deserialize)]
struct UpdateEmailBody {
    #[serde(default)]
    verified: Option<bool>,
    #[serde(default)]
    primary: Option<bool>,
    #[serde(default)]
    #[allow(dead_code)]
    notify_primary_email_address_changed: Option<bool>,
}

/// `PATCH /v1/email_addresses/{id}`: `verified: true` verifies it (refused when another user
/// holds the address), `verified: false` takes the verification back (a primary address then
/// hands over to another verified one), `primary: true` makes a verified address primary.
async fn update_email(
    State(state): State<Shared>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<UpdateEmailBody>,
) -> ApiResult<Response> {
    let user_id = owner_of(&state.read(), &id, false)?;
    let mut updated = None;
    mutate(&state, &user_id, |db, uid| {
        let find = |u: &User| {
            u.email_addresses
                .iter()
                .position(|e| e.id.as_deref() == Some(id.as_str()))
        };
        let u = &db
            .users
            .get(uid)
            .ok_or_else(ApiError::identification_not_found)?
            .user;
        let pos = find(u).ok_or_else(ApiError::identification_not_found)?;
        let current = &u.email_addresses[pos];
        let address = current.email_address.clone();
        let was_verified = current.verification.is_verified();
        let verified = body.verified.unwrap_or(was_verified);
        if verified && !was_verified {
            free_for(db, Ident::Email, &address, uid)?;
        }
        if body.primary == Some(true) && !verified {
            return Err(must_be_verified_to_be_primary("email address"));
        }
        let Db { users, index, .. } = &mut *db;
        let u = &mut users
            .get_mut(uid)
            .ok_or_else(ApiError::identification_not_found)?
            .user;
        let e = &mut u.email_addresses[pos];
        let held = holds(e.reserved, &e.verification);
        if verified && !was_verified {
            e.verification = admin_verified();
            e.reserved = false;
        } else if !verified && was_verified {
            e.verification = Verification::Other(Value::Null);
        }
        match (held, holds(e.reserved, &e.verification)) {
            (false, true) => index.insert(Ident::Email, &address, uid),
            (true, false) => release(index, Ident::Email, &address, uid),
            _ => {}
        }
        e.updated_at = now_ms().max(e.updated_at);
        if body.primary == Some(true) {
            u.primary_email_address_id = e.id.clone();
        }
        updated = Some(e.clone());
        settle_primary_email(u);
        super::org_domains::enroll_user(db, uid);
        Ok(())
    })?;
    Ok(json(&updated))
}

async fn delete_email(State(state): State<Shared>, Path(id): Path<String>) -> ApiResult<Response> {
    let user_id = owner_of(&state.read(), &id, false)?;
    mutate(&state, &user_id, |db, uid| {
        let Db { users, index, .. } = &mut *db;
        let u = &mut users
            .get_mut(uid)
            .ok_or_else(ApiError::identification_not_found)?
            .user;
        let pos = u
            .email_addresses
            .iter()
            .position(|e| e.id.as_deref() == Some(id.as_str()))
            .ok_or_else(ApiError::identification_not_found)?;
        if identification_count(u) <= 1 {
            return Err(last_identification());
        }
        let e = u.email_addresses.remove(pos);
        if holds(e.reserved, &e.verification) {
            release(index, Ident::Email, &e.email_address, uid);
        }
        settle_primary_email(u);
        Ok(())
    })?;
    Ok(deleted("email_address", id))
}

#[derive(Debug, Deserialize)]
struct ReplaceEmailBody {
    email_address: String,
    #[serde(default)]
    identification_status: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    notify_primary_email_address_changed: Option<bool>,
}

/// `PUT /v1/users/{user_id}/email_address`: the user's only email address, and primary,
/// whatever its status.
async fn replace_email(
    State(state): State<Shared>,
    Path(user_id): Path<String>,
    JsonBody(body): JsonBody<ReplaceEmailBody>,
) -> ApiResult<Response> {
    if !valid_email(&body.email_address) {
        return Err(ApiError::format_invalid(
            "email_address",
            "email_address must be a valid email address.",
        ));
    }
    let status = Status::parse(body.identification_status.as_deref())?;
    let address = body.email_address;
    let mut created = None;
    mutate(&state, &user_id, |db, uid| {
        let u = &db
            .users
            .get(uid)
            .ok_or_else(|| ApiError::user_not_found(uid))?
            .user;
        if u.email_addresses.iter().any(|e| !e.linked_to.is_empty()) {
            // The spec says such a request is rejected; its code is not documented
            // (**unverified**).
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "identification_deletion_failed",
                "Deletion failed",
                "An email address of this user is linked to a connected account; remove the connected account first.",
            ));
        }
        free_for(db, Ident::Email, &address, uid)?;
        check_identifiers(db, &[(Ident::Email, address.as_str())])?;
        let Db { users, index, .. } = &mut *db;
        let u = &mut users
            .get_mut(uid)
            .ok_or_else(|| ApiError::user_not_found(uid))?
            .user;
        for old in u.email_addresses.drain(..) {
            if holds(old.reserved, &old.verification) {
                release(index, Ident::Email, &old.email_address, uid);
            }
        }
        let (reserved, verification) = status.apply(VerificationStrategy::EmailCode);
        let now = now_ms();
        let email = EmailAddress {
            id: Some(new_id("idn")),
            object: "email_address".into(),
            email_address: address.clone(),
            reserved,
            verification,
            linked_to: vec![],
            matches_sso_connection: Some(false),
            created_at: now,
            updated_at: now,
        };
        if holds(email.reserved, &email.verification) {
            index.insert(Ident::Email, &address, uid);
        }
        u.primary_email_address_id = email.id.clone();
        u.email_addresses.push(email.clone());
        created = Some(email);
        // A verified address at a verified domain enrolls the user there.
        super::org_domains::enroll_user(db, uid);
        Ok(())
    })?;
    Ok(json(&created))
}

// ---- phone numbers ---------------------------------------------------------------------------

/// Keeps the primary number one that exists and is verified: else the first verified one.
fn settle_primary_phone(u: &mut User) {
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
fn settle_second_factor(u: &mut User) {
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

fn second_factor_unverified(create: bool) -> ApiError {
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

fn new_phone(number: &str, status: Status, second_factor: bool) -> PhoneNumber {
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

fn invalid_phone() -> ApiError {
    ApiError::format_invalid(
        "phone_number",
        "phone_number must be a valid phone number according to E.164 international standard.",
    )
}

#[derive(Debug, Deserialize)]
struct CreatePhoneBody {
    user_id: String,
    phone_number: String,
    #[serde(default)]
    verified: Option<bool>,
    #[serde(default)]
    primary: Option<bool>,
    #[serde(default)]
    reserved_for_second_factor: Option<bool>,
}

/// `POST /v1/phone_numbers`: as `POST /v1/email_addresses`, plus `reserved_for_second_factor`
/// (only on a verified number; the first such number becomes the default second factor).
async fn create_phone(
    State(state): State<Shared>,
    JsonBody(body): JsonBody<CreatePhoneBody>,
) -> ApiResult<Response> {
    if !valid_phone(&body.phone_number) {
        return Err(invalid_phone());
    }
    let verified = body.verified == Some(true);
    let second_factor = body.reserved_for_second_factor == Some(true);
    if second_factor && !verified {
        return Err(second_factor_unverified(true));
    }
    if body.primary == Some(true) && !verified {
        return Err(must_be_verified_to_be_primary("phone number"));
    }
    let number = body.phone_number.clone();
    let mut created = None;
    mutate(&state, &body.user_id, |db, uid| {
        let mine = db.users.get(uid).is_some_and(|r| {
            r.user
                .phone_numbers
                .iter()
                .any(|p| p.phone_number == number)
        });
        if mine || db.index.owner(Ident::Phone, &number).is_some() {
            return Err(ApiError::identifier_exists("phone_number"));
        }
        check_identifiers(db, &[(Ident::Phone, number.as_str())])?;
        let Db { users, index, .. } = &mut *db;
        let record = users
            .get_mut(uid)
            .ok_or_else(|| ApiError::user_not_found(uid))?;
        let u = &mut record.user;
        let status = if verified {
            Status::Verified
        } else {
            Status::Unverified
        };
        let phone = new_phone(&number, status, second_factor);
        if holds(phone.reserved, &phone.verification) {
            index.insert(Ident::Phone, &number, uid);
        }
        let primary = body.primary.unwrap_or(u.primary_phone_number_id.is_none());
        if primary && verified {
            u.primary_phone_number_id = phone.id.clone();
        }
        let id = phone.id.clone();
        u.phone_numbers.push(phone);
        settle_second_factor(u);
        created = u.phone_numbers.iter().find(|p| p.id == id).cloned();
        refresh_mfa(record);
        Ok(())
    })?;
    Ok(json(&created))
}

async fn get_phone(State(state): State<Shared>, Path(id): Path<String>) -> ApiResult<Response> {
    let db = state.read();
    let phone = db
        .users
        .values()
        .flat_map(|r| r.user.phone_numbers.iter())
        .find(|p| p.id.as_deref() == Some(id.as_str()))
        .ok_or_else(ApiError::identification_not_found)?;
    Ok(json(phone))
}

#[derive(Debug, Default, Deserialize)]
struct UpdatePhoneBody {
    #[serde(default)]
    verified: Option<bool>,
    #[serde(default)]
    primary: Option<bool>,
    #[serde(default)]
    reserved_for_second_factor: Option<bool>,
}

/// `PATCH /v1/phone_numbers/{id}`: as for email addresses, plus `reserved_for_second_factor`
/// (only on a verified number, and not on the user's last identification). Taking the
/// verification back also takes the number out of second factor.
async fn update_phone(
    State(state): State<Shared>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<UpdatePhoneBody>,
) -> ApiResult<Response> {
    let user_id = owner_of(&state.read(), &id, true)?;
    let mut updated = None;
    mutate(&state, &user_id, |db, uid| {
        let u = &db
            .users
            .get(uid)
            .ok_or_else(ApiError::identification_not_found)?
            .user;
        let pos = u
            .phone_numbers
            .iter()
            .position(|p| p.id.as_deref() == Some(id.as_str()))
            .ok_or_else(ApiError::identification_not_found)?;
        let current = &u.phone_numbers[pos];
        let number = current.phone_number.clone();
        let was_verified = current.verification.is_verified();
        let was_second_factor = current.reserved_for_second_factor == Some(true);
        let verified = body.verified.unwrap_or(was_verified);
        if verified && !was_verified {
            free_for(db, Ident::Phone, &number, uid)?;
        }
        if body.reserved_for_second_factor == Some(true) {
            if !verified {
                return Err(second_factor_unverified(false));
            }
            if !was_second_factor && identification_count(u) <= 1 {
                // ERR identifications.go/LastIdentificationSetFor2FAFailed.
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "identification_update_failed",
                    "Update failed",
                    "You cannot set your last identification as second factor.",
                ));
            }
        }
        if body.primary == Some(true) && !verified {
            return Err(must_be_verified_to_be_primary("phone number"));
        }
        let Db { users, index, .. } = &mut *db;
        let record = users
            .get_mut(uid)
            .ok_or_else(ApiError::identification_not_found)?;
        let u = &mut record.user;
        let p = &mut u.phone_numbers[pos];
        let held = holds(p.reserved, &p.verification);
        if verified && !was_verified {
            p.verification = admin_verified();
            p.reserved = false;
        } else if !verified && was_verified {
            p.verification = Verification::Other(Value::Null);
            p.reserved_for_second_factor = Some(false);
        }
        match (held, holds(p.reserved, &p.verification)) {
            (false, true) => index.insert(Ident::Phone, &number, uid),
            (true, false) => release(index, Ident::Phone, &number, uid),
            _ => {}
        }
        if let Some(v) = body.reserved_for_second_factor {
            p.reserved_for_second_factor = Some(v && verified);
        }
        p.updated_at = now_ms().max(p.updated_at);
        if body.primary == Some(true) {
            u.primary_phone_number_id = p.id.clone();
        }
        settle_primary_phone(u);
        settle_second_factor(u);
        updated = Some(u.phone_numbers[pos].clone());
        refresh_mfa(record);
        Ok(())
    })?;
    Ok(json(&updated))
}

async fn delete_phone(State(state): State<Shared>, Path(id): Path<String>) -> ApiResult<Response> {
    let user_id = owner_of(&state.read(), &id, true)?;
    mutate(&state, &user_id, |db, uid| {
        let Db { users, index, .. } = &mut *db;
        let record = users
            .get_mut(uid)
            .ok_or_else(ApiError::identification_not_found)?;
        let u = &mut record.user;
        let pos = u
            .phone_numbers
            .iter()
            .position(|p| p.id.as_deref() == Some(id.as_str()))
            .ok_or_else(ApiError::identification_not_found)?;
        let second_factor = u.phone_numbers[pos].reserved_for_second_factor == Some(true);
        if !second_factor && identification_count(u) <= 1 {
            return Err(last_identification());
        }
        let p = u.phone_numbers.remove(pos);
        if holds(p.reserved, &p.verification) {
            release(index, Ident::Phone, &p.phone_number, uid);
        }
        settle_primary_phone(u);
        settle_second_factor(u);
        refresh_mfa(record);
        Ok(())
    })?;
    Ok(deleted("phone_number", id))
}

#[derive(Debug, Deserialize)]
struct ReplacePhoneBody {
    phone_number: String,
    #[serde(default)]
    identification_status: Option<String>,
}

/// `PUT /v1/users/{user_id}/phone_number`: the user's only phone number, and primary, never
/// reserved for second factor; a number that was is gone, and with it SMS second factor.
async fn replace_phone(
    State(state): State<Shared>,
    Path(user_id): Path<String>,
    JsonBody(body): JsonBody<ReplacePhoneBody>,
) -> ApiResult<Response> {
    if !valid_phone(&body.phone_number) {
        return Err(invalid_phone());
    }
    let status = Status::parse(body.identification_status.as_deref())?;
    let number = body.phone_number;
    let mut created = None;
    mutate(&state, &user_id, |db, uid| {
        free_for(db, Ident::Phone, &number, uid)?;
        check_identifiers(db, &[(Ident::Phone, number.as_str())])?;
        let Db { users, index, .. } = &mut *db;
        let record = users
            .get_mut(uid)
            .ok_or_else(|| ApiError::user_not_found(uid))?;
        let u = &mut record.user;
        for old in u.phone_numbers.drain(..) {
            if holds(old.reserved, &old.verification) {
                release(index, Ident::Phone, &old.phone_number, uid);
            }
        }
        let phone = new_phone(&number, status, false);
        if holds(phone.reserved, &phone.verification) {
            index.insert(Ident::Phone, &number, uid);
        }
        u.primary_phone_number_id = phone.id.clone();
        u.phone_numbers.push(phone.clone());
        created = Some(phone);
        refresh_mfa(record);
        Ok(())
    })?;
    Ok(json(&created))
}
