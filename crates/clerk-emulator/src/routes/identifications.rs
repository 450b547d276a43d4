//! Email addresses and phone numbers as their own resources (`/v1/email_addresses`,
//! `/v1/phone_numbers`, and replacing a user's address or number).
//!
//! They live inside their user's record. An address or number holds its value exclusively (in
//! `db.index`) once it is verified or reserved; an unverified one may also sit on other users
//! until one of them verifies it (SPEC ReplaceUserEmailAddress, `identification_status`). Every
//! change stamps the user's `updated_at` and emits `user.updated`. Preparing and attempting a
//! verification (codes sent by email or SMS) is not emulated: those answer 501.

use crate::domain::access_lists::check_identifiers;
use crate::domain::identifications::*;
use crate::domain::users::{admin_verified, mutate, refresh_mfa};
use crate::domain::validate::{valid_email, valid_phone};
use crate::error::{ApiError, ApiResult};
use crate::ids::{new_id, now_ms};
use crate::server::{JsonBody, Shared, json};
use crate::store::{Db, Ident};
use crate::wire::{EmailAddress, User, Verification, VerificationStrategy};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post, put};
use serde_json::Value;

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
        crate::domain::org_domains::enroll_user(db, uid);
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
        crate::domain::org_domains::enroll_user(db, uid);
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
        crate::domain::org_domains::enroll_user(db, uid);
        Ok(())
    })?;
    Ok(json(&created))
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
