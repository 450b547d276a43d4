//! The rules of the users group, below HTTP: what its handlers in
//! `routes::users` call.

use super::sessions;
use crate::domain::validate::{
    check_metadata, deep_merge, parse_rfc3339_ms, valid_email, valid_phone, valid_web3,
};
use crate::error::{ApiError, ApiResult};
use crate::ids::{new_id, now_ms};
use crate::server::{Shared, json};
use crate::store::{Db, Ident, UserIndex, UserRecord};
use crate::totp;
use crate::wire::{
    CreateUserRequest, DeletedObject, EmailAddress, IdentificationStatus, Metadata, PasswordHasher,
    Patch, PhoneNumber, User, UserMetadataRequest, Verification, VerificationDetails,
    VerificationStatus, VerificationStrategy, Web3Wallet,
};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;

/// bcrypt cost for passwords and backup codes: the minimum, since nothing here guards real
/// accounts and tests create users by the thousand. Hashes still never store the secret.
pub(crate) const BCRYPT_COST: u32 = 4;

/// Verification attempts before a lockout, as instances created since 2026-07 default to.
pub(crate) const LOCKOUT_ATTEMPTS: i64 = 10;

/// Passwords refused as breached (a stand-in for Clerk's breach database).
pub(crate) const BREACHED: &[&str] = &[
    "password",
    "password1",
    "password123",
    "12345678",
    "123456789",
    "qwertyuiop",
    "iloveyou",
];

pub(crate) fn valid_username(s: &str) -> bool {
    (4..=64).contains(&s.chars().count())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
}

/// Checks a new password as Clerk does unless the checks are skipped.
pub(crate) fn check_password(password: &str, skip_checks: bool) -> ApiResult<()> {
    if password.len() > 72 {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_password_size_in_bytes_exceeded",
            "Your password is too long. Please use a shorter one.",
            "Your password is too long. Please use a shorter one.",
        )
        .param("password"));
    }
    if skip_checks {
        return Ok(());
    }
    if password.chars().count() < 8 {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_password_length_too_short",
            "Passwords must be 8 characters or more.",
            "Passwords must be 8 characters or more.",
        )
        .param("password"));
    }
    if BREACHED.contains(&password.to_lowercase().as_str()) {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_password_pwned",
            "Password has been found in an online data breach. For account safety, please use a different password.",
            "Password has been found in an online data breach. For account safety, please use a different password.",
        )
        .param("password"));
    }
    Ok(())
}

pub(crate) fn hash(secret: &str) -> ApiResult<String> {
    bcrypt::hash(secret, BCRYPT_COST).map_err(|_| ApiError::internal())
}

pub(crate) fn is_bcrypt_hash(s: &str) -> bool {
    ["$2a$", "$2b$", "$2y$"].iter().any(|p| s.starts_with(p)) && s.len() == 60
}

/// A password digest to import: only bcrypt digests can be checked by the emulator.
pub(crate) fn import_digest(digest: &str, hasher: Option<&PasswordHasher>) -> ApiResult<String> {
    match hasher {
        None => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_conditional_param_missing",
            "is missing",
            "`password_hasher` is required when `password_digest` is present.",
        )
        .param("password_hasher")),
        Some(PasswordHasher::Bcrypt) if is_bcrypt_hash(digest) => Ok(digest.to_owned()),
        Some(PasswordHasher::Bcrypt) => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_password_digest_invalid_code",
            "is invalid",
            "The password digest is not a valid bcrypt hash.",
        )
        .param("password_digest")),
        Some(other) => Err(ApiError::value_invalid(
            "password_hasher",
            format!(
                "{other} is not supported by the Clerk emulator, which imports bcrypt digests only."
            ),
        )),
    }
}

pub(crate) fn check_totp_secret(secret: &str) -> ApiResult<()> {
    match totp::decode_secret(secret) {
        Some(_) => Ok(()),
        None => Err(ApiError::format_invalid(
            "totp_secret",
            "totp_secret must be a base32-encoded secret.",
        )),
    }
}

pub(crate) fn hash_backup_codes(codes: &[crate::wire::SecretString]) -> ApiResult<Vec<String>> {
    codes
        .iter()
        .map(|c| {
            if is_bcrypt_hash(c.expose()) {
                Ok(c.expose().to_owned())
            } else {
                hash(c.expose())
            }
        })
        .collect()
}

pub(crate) fn details(
    status: VerificationStatus,
    strategy: VerificationStrategy,
) -> VerificationDetails {
    VerificationDetails {
        status,
        strategy,
        attempts: None,
        expire_at: None,
        verified_at_client: None,
        channel: None,
        error: None,
        external_verification_redirect_url: None,
        nonce: None,
        message: None,
    }
}

/// Verified through the Backend API.
pub(crate) fn admin_verified() -> Verification {
    Verification::Admin(details(
        VerificationStatus::Verified,
        VerificationStrategy::Admin,
    ))
}

/// The verification of a new address or number: verified by the admin, or, when reserved,
/// waiting for a code (`verification_admin` only exists in the verified state).
pub(crate) fn identification_verification(
    statuses: &[IdentificationStatus],
    i: usize,
    code: VerificationStrategy,
) -> (bool, Verification) {
    match statuses.get(i) {
        Some(IdentificationStatus::Reserved) => (
            true,
            Verification::Otp(details(VerificationStatus::Unverified, code)),
        ),
        _ => (false, admin_verified()),
    }
}

/// Refuses an identifier another user holds.
pub(crate) fn check_unique(
    index: &UserIndex,
    kind: Ident,
    value: &str,
    me: Option<&str>,
) -> ApiResult<()> {
    match index.owner(kind, value) {
        Some(owner) if Some(owner) != me => Err(ApiError::identifier_exists(kind.param())),
        _ => Ok(()),
    }
}

/// Collects validation errors so one answer lists them all, as Clerk's does.
#[derive(Default)]
pub(crate) struct Problems(pub(crate) Option<ApiError>);

impl Problems {
    pub(crate) fn check(&mut self, result: ApiResult<()>) {
        if let Err(e) = result {
            self.0 = Some(match self.0.take() {
                Some(first) => first.and(e),
                None => e,
            });
        }
    }

    pub(crate) fn into_result(self) -> ApiResult<()> {
        self.0.map_or(Ok(()), Err)
    }
}

pub(crate) fn unique_in_request(values: &[String], kind: Ident, problems: &mut Problems) {
    let mut seen = std::collections::HashSet::new();
    for v in values {
        if !seen.insert(kind.key(v)) {
            problems.check(Err(ApiError::identifier_exists(kind.param())));
        }
    }
}

/// Creates a user from a `POST /v1/users` body (also used for seed users).
pub(crate) fn create(state: &crate::server::AppState, body: CreateUserRequest) -> ApiResult<User> {
    create_provisioned(state, body, |_, _| Ok(None))
}

/// [`create`] for a user a directory provisions: `provision` runs under the same write, once
/// the user is checked and before it is stored, and may adjust it; the SCIM details it returns
/// travel in the `user.created` event only, as Clerk sends them.
pub(crate) fn create_provisioned(
    state: &crate::server::AppState,
    body: CreateUserRequest,
    provision: impl FnOnce(&mut Db, &mut User) -> ApiResult<Option<crate::wire::ScimUserMetadata>>,
) -> ApiResult<User> {
    let mut problems = Problems::default();
    for e in &body.email_address {
        if !valid_email(e) {
            problems.check(Err(ApiError::format_invalid(
                "email_address",
                "email_address must be a valid email address.",
            )));
        }
    }
    for p in &body.phone_number {
        if !valid_phone(p) {
            problems.check(Err(ApiError::format_invalid(
                "phone_number",
                "phone_number must be a valid phone number according to E.164 international standard.",
            )));
        }
    }
    for w in &body.web3_wallet {
        if !valid_web3(w) {
            problems.check(Err(ApiError::format_invalid(
                "web3_wallet",
                "web3_wallet must be a valid web3 wallet address.",
            )));
        }
    }
    for (statuses, values, name, other) in [
        (
            &body.email_address_identification_status,
            &body.email_address,
            "email_address_identification_status",
            "email_address",
        ),
        (
            &body.phone_number_identification_status,
            &body.phone_number,
            "phone_number_identification_status",
            "phone_number",
        ),
    ] {
        if !statuses.is_empty() && statuses.len() != values.len() {
            problems.check(Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "form_param_array_length_mismatch",
                "length mismatch",
                format!("{name} must contain exactly one item for each item in {other}."),
            )
            .param(name)));
        }
    }
    if let Some(u) = &body.username
        && !valid_username(u)
    {
        problems.check(Err(ApiError::format_invalid(
            "username",
            "username must be 4 to 64 characters: letters, digits, `_`, `-` or `.`.",
        )));
    }
    if let Some(p) = &body.password {
        problems.check(check_password(
            p.expose(),
            body.skip_password_checks == Some(true),
        ));
    }
    let digest = match &body.password_digest {
        Some(d) => match import_digest(d.expose(), body.password_hasher.as_ref()) {
            Ok(h) => Some(h),
            Err(e) => {
                problems.check(Err(e));
                None
            }
        },
        None => None,
    };
    if let Some(s) = &body.totp_secret {
        problems.check(check_totp_secret(s.expose()));
    }
    for (name, m) in [
        ("public_metadata", &body.public_metadata),
        ("private_metadata", &body.private_metadata),
        ("unsafe_metadata", &body.unsafe_metadata),
    ] {
        if let Some(m) = m {
            problems.check(check_metadata(name, m));
        }
    }
    let created_at = match &body.created_at {
        Some(t) => parse_rfc3339_ms(t).ok_or_else(|| {
            ApiError::format_invalid("created_at", "created_at must be an RFC 3339 date-time.")
        }),
        None => Ok(now_ms()),
    };
    let legal = match &body.legal_accepted_at {
        Some(t) => parse_rfc3339_ms(t).map(Some).ok_or_else(|| {
            ApiError::format_invalid(
                "legal_accepted_at",
                "legal_accepted_at must be an RFC 3339 date-time.",
            )
        }),
        None => Ok(None),
    };
    unique_in_request(&body.email_address, Ident::Email, &mut problems);
    unique_in_request(&body.phone_number, Ident::Phone, &mut problems);
    unique_in_request(&body.web3_wallet, Ident::Web3, &mut problems);
    problems.into_result()?;
    let (created_at, legal_accepted_at) = (created_at?, legal?);

    // Hash outside the lock: it is the slow part.
    let password_hash = match (&body.password, digest) {
        (Some(p), _) => Some(hash(p.expose())?),
        (None, d) => d,
    };
    let backup_code_hashes = hash_backup_codes(body.backup_codes.as_deref().unwrap_or_default())?;

    let now = now_ms();
    let emails: Vec<EmailAddress> = body
        .email_address
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let (reserved, verification) = identification_verification(
                &body.email_address_identification_status,
                i,
                VerificationStrategy::EmailCode,
            );
            EmailAddress {
                id: Some(new_id("idn")),
                object: "email_address".into(),
                email_address: e.clone(),
                reserved,
                verification,
                linked_to: vec![],
                matches_sso_connection: Some(false),
                created_at: now,
                updated_at: now,
            }
        })
        .collect();
    let phones: Vec<PhoneNumber> = body
        .phone_number
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let (reserved, verification) = identification_verification(
                &body.phone_number_identification_status,
                i,
                VerificationStrategy::PhoneCode,
            );
            PhoneNumber {
                id: Some(new_id("idn")),
                object: "phone_number".into(),
                phone_number: p.clone(),
                reserved_for_second_factor: Some(false),
                default_second_factor: Some(false),
                reserved,
                verification,
                linked_to: vec![],
                backup_codes: None,
                created_at: now,
                updated_at: now,
            }
        })
        .collect();
    let wallets: Vec<Web3Wallet> = body
        .web3_wallet
        .iter()
        .map(|w| Web3Wallet {
            id: Some(new_id("idn")),
            object: "web3_wallet".into(),
            web3_wallet: w.clone(),
            verification: admin_verified(),
            created_at: now,
            updated_at: now,
        })
        .collect();
    let totp_enabled = body.totp_secret.is_some();
    let backup_enabled = !backup_code_hashes.is_empty();
    let two_factor = totp_enabled || backup_enabled;
    let image = state.default_image_url();
    let locked = body.locked == Some(true);
    let user = User {
        id: new_id("user"),
        object: "user".into(),
        external_id: body.external_id.clone(),
        primary_email_address_id: emails
            .iter()
            .find(|e| !e.reserved)
            .and_then(|e| e.id.clone()),
        primary_phone_number_id: phones
            .iter()
            .find(|p| !p.reserved)
            .and_then(|p| p.id.clone()),
        primary_web3_wallet_id: wallets.first().and_then(|w| w.id.clone()),
        username: body.username.clone(),
        first_name: body.first_name.clone(),
        last_name: body.last_name.clone(),
        locale: body.locale.clone(),
        profile_image_url: Some(image.clone()),
        image_url: Some(image),
        has_image: false,
        public_metadata: body.public_metadata.clone().unwrap_or_default(),
        private_metadata: Some(body.private_metadata.clone().unwrap_or_default()),
        unsafe_metadata: Some(body.unsafe_metadata.clone().unwrap_or_default()),
        email_addresses: emails,
        phone_numbers: phones,
        web3_wallets: wallets,
        passkeys: vec![],
        password_enabled: password_hash.is_some(),
        two_factor_enabled: two_factor,
        totp_enabled,
        backup_code_enabled: backup_enabled,
        mfa_enabled_at: two_factor.then_some(now),
        mfa_disabled_at: None,
        password_last_updated_at: password_hash.as_ref().map(|_| now),
        external_accounts: vec![],
        saml_accounts: vec![],
        enterprise_accounts: vec![],
        organization_memberships: None,
        last_sign_in_at: None,
        banned: body.banned == Some(true),
        locked,
        deprovisioned: Some(false),
        lockout_expires_in_seconds: None,
        verification_attempts_remaining: Some(if locked { 0 } else { LOCKOUT_ATTEMPTS }),
        updated_at: now,
        created_at,
        delete_self_enabled: body.delete_self_enabled.unwrap_or(true),
        create_organization_enabled: body.create_organization_enabled.unwrap_or(true),
        create_organizations_limit: body.create_organizations_limit,
        last_active_at: None,
        legal_accepted_at,
        bypass_client_trust: Some(body.bypass_client_trust == Some(true)),
        scim: None,
    };
    let mut record = UserRecord {
        user,
        password_hash,
        password_compromised: false,
        totp_secret: body.totp_secret.as_ref().map(|s| s.expose().to_owned()),
        backup_code_hashes,
    };

    let user = {
        let mut db = state.write();
        let mut problems = Problems::default();
        for (kind, value) in UserIndex::identifiers(&record.user) {
            problems.check(check_unique(&db.index, kind, &value, None));
        }
        problems.into_result()?;
        super::access_lists::check_user(&db, &record.user)?;
        let scim = provision(&mut db, &mut record.user)?;
        if body.created_at.is_some() {
            db.imported_created_at = true;
        }
        db.index.add_user(&record.user);
        let user = record.user.clone();
        db.users.insert(user.id.clone(), record);
        db.emit(
            "user.created",
            &User {
                scim,
                ..user.clone()
            },
        );
        super::org_domains::enroll_user(&mut db, &user.id);
        user
    };
    Ok(user)
}

/// Deletes a user with its sessions and memberships, announcing `user.deleted`.
pub(crate) fn delete_record(db: &mut Db, user_id: &str) -> ApiResult<DeletedObject> {
    let record = db
        .users
        .remove(user_id)
        .ok_or_else(|| ApiError::user_not_found(user_id))?;
    db.index.remove_user(&record.user);
    sessions::remove_user_sessions(db, &record.user);
    super::organizations::remove_user(db, user_id);
    let deleted = DeletedObject {
        object: "user".into(),
        id: Some(record.user.id.clone()),
        slug: None,
        deleted: true,
        external_id: record.user.external_id.clone(),
    };
    db.emit("user.deleted", &deleted);
    Ok(deleted)
}

pub(crate) fn find<'a>(db: &'a Db, user_id: &str) -> ApiResult<&'a UserRecord> {
    db.users
        .get(user_id)
        .ok_or_else(|| ApiError::user_not_found(user_id))
}

/// The filters of `GET /v1/users` and `GET /v1/users/count`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Filters {
    pub(crate) email_address: Vec<String>,
    pub(crate) phone_number: Vec<String>,
    pub(crate) external_id: Vec<String>,
    pub(crate) username: Vec<String>,
    pub(crate) web3_wallet: Vec<String>,
    pub(crate) user_id: Vec<String>,
    pub(crate) organization_id: Vec<String>,
    pub(crate) query: Option<String>,
    pub(crate) email_address_query: Option<String>,
    pub(crate) phone_number_query: Option<String>,
    pub(crate) username_query: Option<String>,
    pub(crate) name_query: Option<String>,
    pub(crate) banned: Option<bool>,
    pub(crate) last_active_at_before: Option<i64>,
    pub(crate) last_active_at_after: Option<i64>,
    pub(crate) last_active_at_since: Option<i64>,
    pub(crate) created_at_before: Option<i64>,
    pub(crate) created_at_after: Option<i64>,
    pub(crate) last_sign_in_at_before: Option<i64>,
    pub(crate) last_sign_in_at_after: Option<i64>,
    pub(crate) provider: Option<String>,
    pub(crate) provider_user_id: Vec<String>,
}

/// Paging and order of `GET /v1/users`, decoded from the same query string as [`Filters`]
/// (`#[serde(flatten)]` would lose single values of list parameters).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ListParams {
    pub(crate) limit: Option<i64>,
    pub(crate) offset: Option<i64>,
    pub(crate) starting_after: Option<String>,
    pub(crate) order_by: Vec<String>,
}

/// `+`/`-` prefixed include and exclude lists.
pub(crate) fn split_signed(values: &[String]) -> (Vec<&str>, Vec<&str>) {
    let mut include = Vec::new();
    let mut exclude = Vec::new();
    for v in values {
        match v.strip_prefix('-') {
            Some(rest) => exclude.push(rest),
            None => include.push(v.strip_prefix('+').unwrap_or(v)),
        }
    }
    (include, exclude)
}

/// Whether `value` equals one of the (lower-cased) `wanted`, ignoring case, without
/// allocating: a list filter runs this for every stored user.
pub(crate) fn any_eq_ci(wanted: &[String], value: &str) -> bool {
    if value.is_ascii() {
        wanted.iter().any(|w| w.eq_ignore_ascii_case(value))
    } else {
        wanted.contains(&value.to_lowercase())
    }
}

pub(crate) fn contains_ci(haystack: &str, needle_lower: &str) -> bool {
    haystack.to_lowercase().contains(needle_lower)
}

/// A compiled [`Filters`]: lowercased needles, include/exclude sets.
pub(crate) struct Matcher<'a> {
    pub(crate) f: &'a Filters,
    pub(crate) emails: Vec<String>,
    pub(crate) usernames: Vec<String>,
    pub(crate) wallets: Vec<String>,
    pub(crate) ext: (Vec<&'a str>, Vec<&'a str>),
    pub(crate) ids: (Vec<&'a str>, Vec<&'a str>),
    pub(crate) orgs: (Vec<&'a str>, Vec<&'a str>),
    pub(crate) query: Option<String>,
    pub(crate) email_q: Option<String>,
    pub(crate) phone_q: Option<String>,
    pub(crate) username_q: Option<String>,
    pub(crate) name_q: Option<String>,
}

impl<'a> Matcher<'a> {
    pub(crate) fn new(f: &'a Filters) -> ApiResult<Matcher<'a>> {
        if !f.provider_user_id.is_empty() && f.provider.is_none() {
            return Err(ApiError::param_missing("provider"));
        }
        let lower = |v: &[String]| v.iter().map(|s| s.to_lowercase()).collect::<Vec<_>>();
        let lower_opt = |v: &Option<String>| {
            v.as_ref()
                .map(|s| s.to_lowercase())
                .filter(|s| !s.is_empty())
        };
        Ok(Matcher {
            f,
            emails: lower(&f.email_address),
            usernames: lower(&f.username),
            wallets: lower(&f.web3_wallet),
            ext: split_signed(&f.external_id),
            ids: split_signed(&f.user_id),
            orgs: split_signed(&f.organization_id),
            query: lower_opt(&f.query),
            email_q: lower_opt(&f.email_address_query),
            phone_q: lower_opt(&f.phone_number_query),
            username_q: lower_opt(&f.username_query),
            name_q: lower_opt(&f.name_query),
        })
    }

    pub(crate) fn matches(&self, db: &Db, u: &User) -> bool {
        let f = self.f;
        if !self.emails.is_empty()
            && !u
                .email_addresses
                .iter()
                .any(|e| any_eq_ci(&self.emails, &e.email_address))
        {
            return false;
        }
        if !f.phone_number.is_empty()
            && !u
                .phone_numbers
                .iter()
                .any(|p| f.phone_number.contains(&p.phone_number))
        {
            return false;
        }
        if !self.usernames.is_empty()
            && !u
                .username
                .as_ref()
                .is_some_and(|n| any_eq_ci(&self.usernames, n))
        {
            return false;
        }
        if !self.wallets.is_empty()
            && !u
                .web3_wallets
                .iter()
                .any(|w| any_eq_ci(&self.wallets, &w.web3_wallet))
        {
            return false;
        }
        let signed = |(inc, exc): &(Vec<&str>, Vec<&str>), value: Option<&str>| {
            (inc.is_empty() || value.is_some_and(|v| inc.contains(&v)))
                && !value.is_some_and(|v| exc.contains(&v))
        };
        if !signed(&self.ext, u.external_id.as_deref()) || !signed(&self.ids, Some(&u.id)) {
            return false;
        }
        if !self.orgs.0.is_empty() || !self.orgs.1.is_empty() {
            let mine = super::organizations::user_organization_ids(db, &u.id);
            if !self.orgs.0.is_empty() && !mine.iter().any(|o| self.orgs.0.contains(&o.as_str())) {
                return false;
            }
            if mine.iter().any(|o| self.orgs.1.contains(&o.as_str())) {
                return false;
            }
        }
        if let Some(q) = &self.query {
            let hit = u
                .email_addresses
                .iter()
                .any(|e| contains_ci(&e.email_address, q))
                || u.phone_numbers
                    .iter()
                    .any(|p| contains_ci(&p.phone_number, q))
                || u.web3_wallets
                    .iter()
                    .any(|w| contains_ci(&w.web3_wallet, q))
                || u.username.as_deref().is_some_and(|n| contains_ci(n, q))
                || contains_ci(&u.id, q)
                || u.first_name.as_deref().is_some_and(|n| contains_ci(n, q))
                || u.last_name.as_deref().is_some_and(|n| contains_ci(n, q));
            if !hit {
                return false;
            }
        }
        if let Some(q) = &self.email_q
            && !u
                .email_addresses
                .iter()
                .any(|e| contains_ci(&e.email_address, q))
        {
            return false;
        }
        if let Some(q) = &self.phone_q
            && !u
                .phone_numbers
                .iter()
                .any(|p| contains_ci(&p.phone_number, q))
        {
            return false;
        }
        if let Some(q) = &self.username_q
            && !u.username.as_deref().is_some_and(|n| contains_ci(n, q))
        {
            return false;
        }
        if let Some(q) = &self.name_q {
            let full = format!(
                "{} {}",
                u.first_name.as_deref().unwrap_or(""),
                u.last_name.as_deref().unwrap_or("")
            );
            if !contains_ci(&full, q) {
                return false;
            }
        }
        if f.banned.is_some_and(|b| b != u.banned) {
            return false;
        }
        let before =
            |v: Option<i64>, limit: Option<i64>| limit.is_none_or(|l| v.is_some_and(|v| v < l));
        let after =
            |v: Option<i64>, limit: Option<i64>| limit.is_none_or(|l| v.is_some_and(|v| v > l));
        if !before(u.last_active_at, f.last_active_at_before)
            || !after(u.last_active_at, f.last_active_at_after)
            || !after(u.last_active_at, f.last_active_at_since)
            || !before(Some(u.created_at), f.created_at_before)
            || !after(Some(u.created_at), f.created_at_after)
            || !before(u.last_sign_in_at, f.last_sign_in_at_before)
            || !after(u.last_sign_in_at, f.last_sign_in_at_after)
        {
            return false;
        }
        if let Some(provider) = &f.provider {
            let hit = u.external_accounts.iter().any(|a| {
                (a.provider == *provider || a.provider == format!("oauth_{provider}"))
                    && (f.provider_user_id.is_empty()
                        || f.provider_user_id.contains(&a.provider_user_id))
            });
            if !hit {
                return false;
            }
        }
        true
    }
}

/// The orderings `GET /v1/users` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OrderField {
    CreatedAt,
    UpdatedAt,
    EmailAddress,
    Web3Wallet,
    FirstName,
    LastName,
    PhoneNumber,
    Username,
    LastActiveAt,
    LastSignInAt,
}

pub(crate) fn parse_order(order_by: &[String]) -> ApiResult<(OrderField, bool)> {
    let Some(raw) = order_by.first() else {
        return Ok((OrderField::CreatedAt, true));
    };
    let (desc, name) = match raw.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, raw.strip_prefix('+').unwrap_or(raw)),
    };
    let field = match name {
        "created_at" => OrderField::CreatedAt,
        "updated_at" => OrderField::UpdatedAt,
        "email_address" => OrderField::EmailAddress,
        "web3wallet" => OrderField::Web3Wallet,
        "first_name" => OrderField::FirstName,
        "last_name" => OrderField::LastName,
        "phone_number" => OrderField::PhoneNumber,
        "username" => OrderField::Username,
        "last_active_at" => OrderField::LastActiveAt,
        "last_sign_in_at" => OrderField::LastSignInAt,
        _ => {
            return Err(ApiError::value_invalid(
                "order_by",
                format!("{raw} does not match one of the allowed values for parameter order_by"),
            ));
        }
    };
    Ok((field, desc))
}

pub(crate) fn primary_email(u: &User) -> Option<&str> {
    u.primary_email_address().map(|e| e.email_address.as_str())
}

/// A user's sort key for an ordering. Missing values sort after present ones ascending, and
/// so before them descending.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum SortKey {
    Int(i64),
    Text(String),
    Missing,
}

pub(crate) fn sort_key(field: OrderField, u: &User) -> SortKey {
    let text = |s: Option<&str>| s.map_or(SortKey::Missing, |s| SortKey::Text(s.to_lowercase()));
    let int = |v: Option<i64>| v.map_or(SortKey::Missing, SortKey::Int);
    match field {
        OrderField::CreatedAt => SortKey::Int(u.created_at),
        OrderField::UpdatedAt => SortKey::Int(u.updated_at),
        OrderField::EmailAddress => text(primary_email(u)),
        OrderField::Web3Wallet => text(u.web3_wallets.first().map(|w| w.web3_wallet.as_str())),
        OrderField::FirstName => text(u.first_name.as_deref()),
        OrderField::LastName => text(u.last_name.as_deref()),
        OrderField::PhoneNumber => text(u.primary_phone_number().map(|p| p.phone_number.as_str())),
        OrderField::Username => text(u.username.as_deref()),
        OrderField::LastActiveAt => int(u.last_active_at),
        OrderField::LastSignInAt => int(u.last_sign_in_at),
    }
}

/// One page of `users` in the given order. Keys are computed once per user, and only the
/// users up to the page's end are fully sorted: a page of 100 over 100,000 users costs a
/// linear selection, not a full sort.
pub(crate) fn ordered_page<'a>(
    users: Vec<&'a User>,
    field: OrderField,
    desc: bool,
    offset: usize,
    limit: usize,
) -> Vec<&'a User> {
    let mut keyed: Vec<(SortKey, &'a User)> =
        users.into_iter().map(|u| (sort_key(field, u), u)).collect();
    let cmp = |a: &(SortKey, &User), b: &(SortKey, &User)| {
        let order = a.0.cmp(&b.0).then_with(|| a.1.id.cmp(&b.1.id));
        if desc { order.reverse() } else { order }
    };
    let end = offset.saturating_add(limit);
    if end < keyed.len() {
        keyed.select_nth_unstable_by(end, cmp);
        keyed.truncate(end);
    }
    keyed.sort_by(cmp);
    keyed.into_iter().skip(offset).map(|(_, u)| u).collect()
}

/// Applies `change` to a user under the write lock, stamps `updated_at`, emits `user.updated`
/// and answers with the user.
pub(crate) fn mutate(
    state: &Shared,
    user_id: &str,
    change: impl FnOnce(&mut Db, &str) -> ApiResult<()>,
) -> ApiResult<User> {
    mutate_locked(&mut state.write(), user_id, change)
}

/// [`mutate`] within a write the caller already holds.
pub(crate) fn mutate_locked(
    db: &mut Db,
    user_id: &str,
    change: impl FnOnce(&mut Db, &str) -> ApiResult<()>,
) -> ApiResult<User> {
    find(db, user_id)?;
    if let Err(e) = change(db, user_id) {
        // Nothing happened, so nothing is announced.
        db.events.clear();
        return Err(e);
    }
    let record = db
        .users
        .get_mut(user_id)
        .ok_or_else(|| ApiError::user_not_found(user_id))?;
    record.user.updated_at = now_ms().max(record.user.updated_at);
    let user = record.user.clone();
    db.emit("user.updated", &user);
    Ok(user)
}

pub(crate) fn apply_patch<T: Clone>(slot: &mut Option<T>, patch: &Patch<T>) {
    match patch {
        Patch::Value(v) => *slot = Some(v.clone()),
        Patch::Null => *slot = None,
        Patch::Absent => {}
    }
}

/// Recomputes the MFA flags from the secrets held.
pub(crate) fn refresh_mfa(record: &mut UserRecord) {
    let u = &mut record.user;
    let before = u.two_factor_enabled;
    u.totp_enabled = record.totp_secret.is_some();
    u.backup_code_enabled = !record.backup_code_hashes.is_empty();
    // A phone number reserved for second factor is an SMS second factor.
    u.two_factor_enabled = u.totp_enabled
        || u.backup_code_enabled
        || u.phone_numbers
            .iter()
            .any(|p| p.reserved_for_second_factor == Some(true));
    if u.two_factor_enabled && !before {
        u.mfa_enabled_at = Some(now_ms());
    } else if !u.two_factor_enabled && before {
        u.mfa_disabled_at = Some(now_ms());
    }
}

pub(crate) fn set_banned(state: &Shared, user_id: &str, banned: bool) -> ApiResult<User> {
    mutate(state, user_id, ban_change(banned))
}

/// Bans (revoking the user's sessions) or unbans.
pub(crate) fn ban_change(banned: bool) -> impl FnOnce(&mut Db, &str) -> ApiResult<()> {
    move |db, id| {
        if let Some(r) = db.users.get_mut(id) {
            r.user.banned = banned;
        }
        if banned {
            sessions::revoke_user_sessions(db, id);
        }
        Ok(())
    }
}

#[derive(Deserialize)]
pub(crate) struct UserIds {
    pub(crate) user_ids: Vec<String>,
}

pub(crate) fn bulk(state: &Shared, body: UserIds, banned: bool) -> ApiResult<Response> {
    if body.user_ids.is_empty() || body.user_ids.len() > 50 {
        return Err(ApiError::value_invalid(
            "user_ids",
            "user_ids must contain between 1 and 50 user IDs.",
        ));
    }
    // All or nothing, under one write: a user deleted meanwhile cannot leave half the list
    // banned.
    let mut db = state.write();
    for id in &body.user_ids {
        find(&db, id)?;
    }
    let users = body
        .user_ids
        .iter()
        .map(|id| mutate_locked(&mut db, id, ban_change(banned)))
        .collect::<ApiResult<Vec<User>>>()?;
    Ok(json(&users))
}

pub(crate) fn update_metadata(
    state: &Shared,
    user_id: &str,
    body: UserMetadataRequest,
    merge: bool,
) -> ApiResult<User> {
    mutate(state, user_id, |db, id| {
        let record = db
            .users
            .get_mut(id)
            .ok_or_else(|| ApiError::user_not_found(id))?;
        let u = &record.user;
        let mut public = u.public_metadata.clone();
        let mut private = u.private_metadata.clone().unwrap_or_default();
        let mut unsafe_ = u.unsafe_metadata.clone().unwrap_or_default();
        for (name, slot, patch) in [
            ("public_metadata", &mut public, &body.public_metadata),
            ("private_metadata", &mut private, &body.private_metadata),
            ("unsafe_metadata", &mut unsafe_, &body.unsafe_metadata),
        ] {
            match patch {
                Patch::Value(m) if merge => deep_merge(slot, m),
                Patch::Value(m) => *slot = m.clone(),
                // Replacing with null empties the field; merging null changes nothing.
                Patch::Null if !merge => *slot = Metadata::new(),
                Patch::Null | Patch::Absent => {}
            }
            check_metadata(name, slot)?;
        }
        let u = &mut record.user;
        u.public_metadata = public;
        u.private_metadata = Some(private);
        u.unsafe_metadata = Some(unsafe_);
        Ok(())
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct PageParams {
    pub(crate) paginated: Option<bool>,
    pub(crate) limit: Option<i64>,
    pub(crate) offset: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct InvitationParams {
    pub(crate) limit: Option<i64>,
    pub(crate) offset: Option<i64>,
    pub(crate) status: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct RemovePasswordBody {
    pub(crate) sign_out_of_other_sessions: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PasswordBody {
    pub(crate) password: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CodeBody {
    pub(crate) code: String,
}

pub(crate) fn incorrect_totp() -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "totp_incorrect_code",
        "incorrect TOTP",
        "The provided TOTP code is incorrect",
    )
}

pub(crate) fn clear_factors(
    state: &Shared,
    user_id: &str,
    totp: bool,
    backup: bool,
) -> ApiResult<Response> {
    let user = mutate(state, user_id, |db, id| {
        if let Some(r) = db.users.get_mut(id) {
            if totp {
                r.totp_secret = None;
            }
            if backup {
                r.backup_code_hashes.clear();
            }
            refresh_mfa(r);
        }
        Ok(())
    })?;
    Ok(json(&json!({"user_id": user.id})))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct CompromisedBody {
    pub(crate) revoke_all_sessions: Option<bool>,
}

pub(crate) fn deleted(object: &str, id: &str) -> Response {
    json(&DeletedObject {
        object: object.into(),
        id: Some(id.into()),
        slug: None,
        deleted: true,
        external_id: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifier_formats() {
        assert!(
            valid_email("ada@example.com")
                && !valid_email("ada")
                && !valid_email("a@b")
                && !valid_email("a b@c.d")
        );
        assert!(
            valid_phone("+15555550100") && !valid_phone("5555550100") && !valid_phone("+1-555")
        );
        assert!(valid_web3("0x52908400098527886E0F7030069857D2E4169EE7") && !valid_web3("0x123"));
        assert!(
            valid_username("ada_l") && !valid_username("ada") && !valid_username("ada lovelace")
        );
    }
}
