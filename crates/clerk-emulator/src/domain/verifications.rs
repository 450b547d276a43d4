//! The rules of the verifications group, below HTTP: what its handlers in
//! `routes::verifications` call.

use super::identifications::{confirm_by_code, owner_of};
use super::mailbox::{Recipient, send_email, send_sms};
use crate::error::{ApiError, ApiResult};
use crate::ids::{new_id, now_ms};
use crate::server::{Shared, json};
use crate::store::verifications::*;
use crate::wire::{
    CodeVerification, Metadata, Verification, VerificationDetails, VerificationStatus,
    VerificationStrategy,
};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;

/// How long a code is valid.
pub(crate) const CODE_LIFETIME_MS: i64 = 10 * 60 * 1000;

/// Wrong codes before the verification fails.
pub(crate) const MAX_ATTEMPTS: i64 = 5;

/// Both operations take no parameters in the body but `attempt`'s; an empty or `{}` body is fine.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct NoBody {}

#[derive(Debug, Deserialize)]
pub(crate) struct AttemptBody {
    pub(crate) verification_id: String,
    pub(crate) code: String,
}

pub(crate) fn six_digits() -> String {
    format!("{:06}", fastrand::u32(..1_000_000))
}

pub(crate) fn prepare(state: &Shared, identification_id: &str, phone: bool) -> ApiResult<Response> {
    let mut db = state.write();
    let user_id = owner_of(&db, identification_id, phone)?;
    let record = db
        .users
        .get(&user_id)
        .ok_or_else(ApiError::identification_not_found)?;
    let address = if phone {
        record
            .user
            .phone_numbers
            .iter()
            .find(|p| p.id.as_deref() == Some(identification_id))
            .map(|p| p.phone_number.clone())
    } else {
        record
            .user
            .email_addresses
            .iter()
            .find(|e| e.id.as_deref() == Some(identification_id))
            .map(|e| e.email_address.clone())
    }
    .ok_or_else(ApiError::identification_not_found)?;

    let code = six_digits();
    let verification = CodeVerification {
        object: "verification".into(),
        id: new_id("ver"),
        status: "unverified".into(),
        strategy: if phone { "phone_code" } else { "email_code" }.into(),
        attempts: Some(0),
        expire_at: Some(now_ms() + CODE_LIFETIME_MS),
        channel: phone.then(|| "sms".to_owned()),
    };
    // A new code replaces the one sent before.
    db.verifications
        .codes
        .retain(|_, p| p.identification_id != identification_id);
    db.verifications.codes.insert(
        verification.id.clone(),
        PendingCode {
            verification: verification.clone(),
            identification_id: identification_id.to_owned(),
            code: code.clone(),
        },
    );
    let to = Recipient {
        address: &address,
        identification_id: Some(identification_id),
        user_id: Some(&user_id),
    };
    let mut data = Metadata::new();
    data.insert("otp_code".into(), json!(code));
    if phone {
        send_sms(&mut db, to, "verification_code", data);
    } else {
        send_email(&mut db, to, "verification_code", data);
    }
    Ok(json(&verification))
}

pub(crate) fn code_error(code: &str, message: &str, long_message: &str) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, code, message, long_message)
}

pub(crate) fn attempt(
    state: &Shared,
    identification_id: &str,
    phone: bool,
    body: AttemptBody,
) -> ApiResult<Response> {
    let mut db = state.write();
    let user_id = owner_of(&db, identification_id, phone)?;
    let pending = db
        .verifications
        .codes
        .get(&body.verification_id)
        .filter(|p| p.identification_id == identification_id)
        .cloned()
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "resource_not_found",
                "Resource not found",
                format!(
                    "No verification was found with id {} for {identification_id}",
                    body.verification_id
                ),
            )
            .param("verification_id")
        })?;
    let mut verification = pending.verification.clone();
    let now = now_ms();
    let outcome = match verification.status.as_str() {
        "verified" => Err(code_error(
            "verification_already_verified",
            "Already verified",
            "This verification has already been completed.",
        )),
        "failed" => Err(code_error(
            "verification_failed",
            "Verification failed",
            "Too many wrong codes: prepare a new verification.",
        )),
        _ if verification.status == "expired"
            || verification.expire_at.is_some_and(|e| now >= e) =>
        {
            verification.status = "expired".into();
            Err(code_error(
                "verification_expired",
                "Verification expired",
                "The code has expired: prepare a new verification.",
            ))
        }
        _ => {
            let attempts = verification.attempts.unwrap_or(0) + 1;
            verification.attempts = Some(attempts);
            if body.code.trim() == pending.code {
                verification.status = "verified".into();
                Ok(())
            } else if attempts >= MAX_ATTEMPTS {
                verification.status = "failed".into();
                Err(code_error(
                    "verification_failed",
                    "Verification failed",
                    "Too many wrong codes: prepare a new verification.",
                ))
            } else {
                Err(code_error(
                    "form_code_incorrect",
                    "Incorrect code",
                    "The code is incorrect.",
                )
                .param("code"))
            }
        }
    };
    if outcome.is_ok() {
        let strategy = if phone {
            VerificationStrategy::PhoneCode
        } else {
            VerificationStrategy::EmailCode
        };
        let details = VerificationDetails {
            status: VerificationStatus::Verified,
            strategy,
            attempts: verification.attempts,
            expire_at: verification.expire_at,
            verified_at_client: None,
            channel: verification.channel.clone(),
            error: None,
            external_verification_redirect_url: None,
            nonce: None,
            message: None,
        };
        // Refused (the value is held by another user): the code stays usable.
        confirm_by_code(
            &mut db,
            &user_id,
            identification_id,
            phone,
            Verification::Otp(details),
        )?;
    }
    // Attempts count whether they succeed or not.
    if let Some(p) = db.verifications.codes.get_mut(&body.verification_id) {
        p.verification = verification.clone();
    }
    outcome.map(|()| json(&verification))
}
