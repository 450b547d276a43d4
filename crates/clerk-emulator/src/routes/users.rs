//! The Users operations, with Clerk's semantics: validation and uniqueness on create and
//! update, every list filter and ordering, cursor paging, bans that revoke sessions, locks,
//! profile images, metadata merge and replace, password and TOTP checks.

use crate::domain::paging::page_limit;
use crate::domain::sessions;
use crate::domain::users::*;
use crate::domain::validate::parse_rfc3339_ms;
use crate::error::{ApiError, ApiResult};
use crate::ids::{new_id, now_ms, now_secs};
use crate::server::{JsonBody, Query, Shared, UPLOAD_BODY_LIMIT, json};
use crate::store::{Db, Ident, Image, UserRecord};
use crate::totp;
use crate::wire::{
    CreateUserRequest, Patch, TotalCount, UpdateUserRequest, User, UserMetadataRequest,
};
use axum::Router;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{delete, get, patch, post};
use serde_json::json;

pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route("/v1/users", get(list).post(create_handler))
        .route("/v1/users/count", get(count))
        .route("/v1/users/ban", post(ban_many))
        .route("/v1/users/unban", post(unban_many))
        .route(
            "/v1/users/{user_id}",
            get(get_user).patch(update).delete(delete_user),
        )
        .route("/v1/users/{user_id}/ban", post(ban))
        .route("/v1/users/{user_id}/unban", post(unban))
        .route("/v1/users/{user_id}/lock", post(lock))
        .route("/v1/users/{user_id}/unlock", post(unlock))
        .route(
            "/v1/users/{user_id}/profile_image",
            post(set_profile_image)
                .delete(delete_profile_image)
                .layer(axum::extract::DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .route(
            "/v1/users/{user_id}/metadata",
            patch(merge_metadata).put(replace_metadata),
        )
        .route(
            "/v1/users/{user_id}/oauth_access_tokens/{provider}",
            get(oauth_access_tokens),
        )
        .route(
            "/v1/users/{user_id}/organization_memberships",
            get(organization_memberships),
        )
        .route(
            "/v1/users/{user_id}/organization_invitations",
            get(organization_invitations),
        )
        .route("/v1/users/{user_id}/remove_password", post(remove_password))
        .route("/v1/users/{user_id}/verify_password", post(verify_password))
        .route("/v1/users/{user_id}/verify_totp", post(verify_totp))
        .route("/v1/users/{user_id}/mfa", delete(disable_mfa))
        .route(
            "/v1/users/{user_id}/backup_code",
            delete(delete_backup_codes),
        )
        .route("/v1/users/{user_id}/totp", delete(delete_totp))
        .route("/v1/users/{user_id}/passkeys/{id}", delete(delete_passkey))
        .route("/v1/users/{user_id}/trusted_devices", get(trusted_devices))
        .route(
            "/v1/users/{user_id}/trusted_devices/{id}",
            delete(revoke_trusted_device),
        )
        .route(
            "/v1/users/{user_id}/web3_wallets/{id}",
            delete(delete_web3_wallet),
        )
        .route(
            "/v1/users/{user_id}/external_accounts/{id}",
            delete(delete_external_account),
        )
        .route(
            "/v1/users/{user_id}/password/set_compromised",
            post(set_password_compromised),
        )
        .route(
            "/v1/users/{user_id}/password/unset_compromised",
            post(unset_password_compromised),
        )
}

async fn create_handler(
    State(state): State<Shared>,
    JsonBody(body): JsonBody<CreateUserRequest>,
) -> ApiResult<Response> {
    Ok(json(&create(&state, body)?))
}

async fn get_user(State(state): State<Shared>, Path(user_id): Path<String>) -> ApiResult<Response> {
    let db = state.read();
    Ok(json(&find(&db, &user_id)?.user))
}

async fn list(
    State(state): State<Shared>,
    Query(filters): Query<Filters>,
    Query(params): Query<ListParams>,
) -> ApiResult<Response> {
    let (field, desc) = parse_order(&params.order_by)?;
    let offset = params.offset.unwrap_or(0);
    if offset < 0 {
        return Err(ApiError::value_invalid(
            "offset",
            "offset must be greater than or equal to 0.",
        ));
    }
    if params.starting_after.is_some() {
        if field != OrderField::CreatedAt {
            return Err(ApiError::value_invalid(
                "starting_after",
                "starting_after can only be combined with created_at ordering (order_by created_at, +created_at or -created_at).",
            ));
        }
        if offset != 0 {
            return Err(ApiError::value_invalid(
                "starting_after",
                "starting_after cannot be combined with a non-zero offset.",
            ));
        }
    }
    let matcher = Matcher::new(&filters)?;
    let limit = page_limit(params.limit);
    let db = state.read();
    let page: Vec<&User> = if field == OrderField::CreatedAt {
        // Ids sort in creation order, so the map's own order is the answer's; ties in
        // `created_at` (imports) still follow creation. A cursor is an id: it keeps working
        // even when that user has been deleted since.
        let users = &db.users;
        let iter: Box<dyn Iterator<Item = &UserRecord>> = match (&params.starting_after, desc) {
            (Some(after), true) => Box::new(
                users
                    .range::<str, _>((
                        std::ops::Bound::Unbounded,
                        std::ops::Bound::Excluded(after.as_str()),
                    ))
                    .rev()
                    .map(|(_, r)| r),
            ),
            (Some(after), false) => Box::new(
                users
                    .range::<str, _>((
                        std::ops::Bound::Excluded(after.as_str()),
                        std::ops::Bound::Unbounded,
                    ))
                    .map(|(_, r)| r),
            ),
            (None, true) => Box::new(users.values().rev()),
            (None, false) => Box::new(users.values()),
        };
        if !db.imported_created_at {
            iter.map(|r| &r.user)
                .filter(|u| matcher.matches(&db, u))
                .skip(offset as usize)
                .take(limit)
                .collect()
        } else {
            let all: Vec<&User> = iter
                .map(|r| &r.user)
                .filter(|u| matcher.matches(&db, u))
                .collect();
            ordered_page(all, field, desc, offset as usize, limit)
        }
    } else {
        let all: Vec<&User> = db
            .users
            .values()
            .map(|r| &r.user)
            .filter(|u| matcher.matches(&db, u))
            .collect();
        ordered_page(all, field, desc, offset as usize, limit)
    };
    Ok(json(&page))
}

async fn count(State(state): State<Shared>, Query(filters): Query<Filters>) -> ApiResult<Response> {
    let matcher = Matcher::new(&filters)?;
    let db = state.read();
    let n = db
        .users
        .values()
        .filter(|r| matcher.matches(&db, &r.user))
        .count();
    Ok(json(&TotalCount {
        object: "total_count".into(),
        total_count: n as u64,
    }))
}

async fn update(
    State(state): State<Shared>,
    Path(user_id): Path<String>,
    JsonBody(body): JsonBody<UpdateUserRequest>,
) -> ApiResult<Response> {
    let mut problems = Problems::default();
    if let Patch::Value(u) = &body.username
        && !u.is_empty()
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
    } else {
        for (given, name) in [
            (
                body.sign_out_of_other_sessions.is_some(),
                "sign_out_of_other_sessions",
            ),
            (body.skip_password_checks.is_some(), "skip_password_checks"),
        ] {
            if given {
                problems.check(Err(ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "form_conditional_param_missing",
                    "is missing",
                    format!("`password` is required when `{name}` is present."),
                )
                .param("password")));
            }
        }
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
    if let Patch::Value(s) = &body.totp_secret {
        problems.check(check_totp_secret(s.expose()));
    }
    let created_at = match &body.created_at {
        Some(t) => match parse_rfc3339_ms(t) {
            Some(ms) => Some(ms),
            None => {
                problems.check(Err(ApiError::format_invalid(
                    "created_at",
                    "created_at must be an RFC 3339 date-time.",
                )));
                None
            }
        },
        None => None,
    };
    let legal = match &body.legal_accepted_at {
        Patch::Value(t) => match parse_rfc3339_ms(t) {
            Some(ms) => Patch::Value(ms),
            None => {
                problems.check(Err(ApiError::format_invalid(
                    "legal_accepted_at",
                    "legal_accepted_at must be an RFC 3339 date-time.",
                )));
                Patch::Absent
            }
        },
        Patch::Null => Patch::Null,
        Patch::Absent => Patch::Absent,
    };
    problems.into_result()?;
    let password_hash = match (&body.password, digest) {
        (Some(p), _) => Some(hash(p.expose())?),
        (None, d) => d,
    };
    let backup = match &body.backup_codes {
        Some(codes) => Some(hash_backup_codes(codes)?),
        None => None,
    };

    let sign_out = body.sign_out_of_other_sessions == Some(true);
    let user = mutate(&state, &user_id, |db, id| {
        let Db {
            users,
            index,
            imported_created_at,
            ..
        } = &mut *db;
        let record = users
            .get_mut(id)
            .ok_or_else(|| ApiError::user_not_found(id))?;
        // Check everything before changing anything.
        if let Patch::Value(x) = &body.external_id {
            check_unique(index, Ident::ExternalId, x, Some(id))?;
        }
        if let Patch::Value(u) = &body.username
            && !u.is_empty()
        {
            check_unique(index, Ident::Username, u, Some(id))?;
        }
        let u = &mut record.user;
        // A new primary identification must be one of the user's own, and verified.
        let check_primary = |wanted: &Option<String>,
                             name: &str,
                             held: Vec<(Option<&str>, bool)>|
         -> ApiResult<()> {
            let Some(wanted) = wanted else { return Ok(()) };
            match held
                .into_iter()
                .find(|(id, _)| *id == Some(wanted.as_str()))
            {
                None => Err(ApiError::value_invalid(
                    name,
                    format!("{name} does not match any of the user's identifications."),
                )),
                Some((_, false)) => Err(ApiError::value_invalid(
                    name,
                    format!("{name} must point to a verified identification."),
                )),
                Some((_, true)) => Ok(()),
            }
        };
        check_primary(
            &body.primary_email_address_id,
            "primary_email_address_id",
            u.email_addresses
                .iter()
                .map(|e| (e.id.as_deref(), e.verification.is_verified()))
                .collect(),
        )?;
        check_primary(
            &body.primary_phone_number_id,
            "primary_phone_number_id",
            u.phone_numbers
                .iter()
                .map(|p| (p.id.as_deref(), p.verification.is_verified()))
                .collect(),
        )?;
        check_primary(
            &body.primary_web3_wallet_id,
            "primary_web3_wallet_id",
            u.web3_wallets
                .iter()
                .map(|w| (w.id.as_deref(), w.verification.is_verified()))
                .collect(),
        )?;

        match &body.external_id {
            Patch::Value(x) => {
                if let Some(old) = u.external_id.replace(x.clone()) {
                    index.remove(Ident::ExternalId, &old);
                }
                index.insert(Ident::ExternalId, x, id);
            }
            Patch::Null => {
                if let Some(old) = u.external_id.take() {
                    index.remove(Ident::ExternalId, &old);
                }
            }
            Patch::Absent => {}
        }
        match &body.username {
            Patch::Value(n) if !n.is_empty() => {
                if let Some(old) = u.username.replace(n.clone()) {
                    index.remove(Ident::Username, &old);
                }
                index.insert(Ident::Username, n, id);
            }
            Patch::Value(_) | Patch::Null => {
                if let Some(old) = u.username.take() {
                    index.remove(Ident::Username, &old);
                }
            }
            Patch::Absent => {}
        }
        apply_patch(&mut u.first_name, &body.first_name);
        apply_patch(&mut u.last_name, &body.last_name);
        apply_patch(&mut u.locale, &body.locale);
        if let Some(pid) = &body.primary_email_address_id {
            u.primary_email_address_id = Some(pid.clone());
        }
        if let Some(pid) = &body.primary_phone_number_id {
            u.primary_phone_number_id = Some(pid.clone());
        }
        if let Some(pid) = &body.primary_web3_wallet_id {
            u.primary_web3_wallet_id = Some(pid.clone());
        }
        if let Some(h) = password_hash {
            record.password_hash = Some(h);
            record.password_compromised = false;
            record.user.password_enabled = true;
            record.user.password_last_updated_at = Some(now_ms());
        }
        let u = &mut record.user;
        match &body.totp_secret {
            Patch::Value(s) => record.totp_secret = Some(s.expose().to_owned()),
            Patch::Null => record.totp_secret = None,
            Patch::Absent => {}
        }
        if let Some(codes) = backup {
            record.backup_code_hashes = codes;
        }
        if let Some(v) = body.delete_self_enabled {
            u.delete_self_enabled = v;
        }
        if let Some(v) = body.create_organization_enabled {
            u.create_organization_enabled = v;
        }
        match legal {
            Patch::Value(ms) => u.legal_accepted_at = Some(ms),
            Patch::Null => u.legal_accepted_at = None,
            Patch::Absent => {}
        }
        apply_patch(
            &mut u.create_organizations_limit,
            &body.create_organizations_limit,
        );
        if let Some(ms) = created_at {
            u.created_at = ms;
            *imported_created_at = true;
        }
        if let Some(v) = body.bypass_client_trust {
            u.bypass_client_trust = Some(v);
        }
        let record = db
            .users
            .get_mut(id)
            .ok_or_else(|| ApiError::user_not_found(id))?;
        refresh_mfa(record);
        if sign_out {
            sessions::revoke_user_sessions(db, id);
        }
        Ok(())
    })?;
    Ok(json(&user))
}

async fn delete_user(
    State(state): State<Shared>,
    Path(user_id): Path<String>,
) -> ApiResult<Response> {
    let mut db = state.write();
    crate::domain::directories::check_user_deletable(&db, &user_id)?;
    Ok(json(&delete_record(&mut db, &user_id)?))
}

async fn ban(State(state): State<Shared>, Path(user_id): Path<String>) -> ApiResult<Response> {
    Ok(json(&set_banned(&state, &user_id, true)?))
}

async fn unban(State(state): State<Shared>, Path(user_id): Path<String>) -> ApiResult<Response> {
    Ok(json(&set_banned(&state, &user_id, false)?))
}

async fn ban_many(
    State(state): State<Shared>,
    JsonBody(body): JsonBody<UserIds>,
) -> ApiResult<Response> {
    bulk(&state, body, true)
}

async fn unban_many(
    State(state): State<Shared>,
    JsonBody(body): JsonBody<UserIds>,
) -> ApiResult<Response> {
    bulk(&state, body, false)
}

async fn lock(State(state): State<Shared>, Path(user_id): Path<String>) -> ApiResult<Response> {
    let user = mutate(&state, &user_id, |db, id| {
        if let Some(r) = db.users.get_mut(id) {
            r.user.locked = true;
            // An explicit lock has no end until unlocked.
            r.user.lockout_expires_in_seconds = None;
            r.user.verification_attempts_remaining = Some(0);
        }
        Ok(())
    })?;
    Ok(json(&user))
}

async fn unlock(State(state): State<Shared>, Path(user_id): Path<String>) -> ApiResult<Response> {
    let user = mutate(&state, &user_id, |db, id| {
        if let Some(r) = db.users.get_mut(id) {
            r.user.locked = false;
            r.user.lockout_expires_in_seconds = None;
            r.user.verification_attempts_remaining = Some(LOCKOUT_ATTEMPTS);
        }
        Ok(())
    })?;
    Ok(json(&user))
}

async fn set_profile_image(
    State(state): State<Shared>,
    Path(user_id): Path<String>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<Response> {
    state
        .read()
        .users
        .get(&user_id)
        .ok_or_else(|| ApiError::user_not_found(&user_id))?;
    let upload = crate::server::read_image_upload(multipart).await?;
    let (content_type, data) = (upload.content_type, upload.data);
    let image_id = new_id("img");
    let url = format!("{}/images/{image_id}", state.base_url);
    let user = mutate(&state, &user_id, |db, id| {
        db.images.insert(
            image_id.clone(),
            Image {
                content_type: content_type.to_owned(),
                data: data.to_vec(),
            },
        );
        if let Some(r) = db.users.get_mut(id) {
            r.user.has_image = true;
            r.user.image_url = Some(url.clone());
            r.user.profile_image_url = Some(url.clone());
        }
        Ok(())
    })?;
    Ok(json(&user))
}

async fn delete_profile_image(
    State(state): State<Shared>,
    Path(user_id): Path<String>,
) -> ApiResult<Response> {
    let default = state.default_image_url();
    let user = mutate(&state, &user_id, |db, id| {
        if let Some(r) = db.users.get_mut(id) {
            r.user.has_image = false;
            r.user.image_url = Some(default.clone());
            r.user.profile_image_url = Some(default.clone());
        }
        Ok(())
    })?;
    Ok(json(&user))
}

async fn merge_metadata(
    State(state): State<Shared>,
    Path(user_id): Path<String>,
    JsonBody(body): JsonBody<UserMetadataRequest>,
) -> ApiResult<Response> {
    Ok(json(&update_metadata(&state, &user_id, body, true)?))
}

async fn replace_metadata(
    State(state): State<Shared>,
    Path(user_id): Path<String>,
    JsonBody(body): JsonBody<UserMetadataRequest>,
) -> ApiResult<Response> {
    Ok(json(&update_metadata(&state, &user_id, body, false)?))
}

async fn oauth_access_tokens(
    State(state): State<Shared>,
    Path((user_id, _provider)): Path<(String, String)>,
    Query(page): Query<PageParams>,
) -> ApiResult<Response> {
    find(&state.read(), &user_id)?;
    // The emulator holds no provider tokens: every external account here was never signed in.
    if page.paginated == Some(true) {
        Ok(json(&json!({"data": [], "total_count": 0})))
    } else {
        Ok(json(&json!([])))
    }
}

async fn organization_memberships(
    State(state): State<Shared>,
    Path(user_id): Path<String>,
    Query(page): Query<PageParams>,
) -> ApiResult<Response> {
    let db = state.read();
    find(&db, &user_id)?;
    let (data, total) = crate::domain::organizations::user_memberships(
        &db,
        &user_id,
        page_limit(page.limit),
        page.offset.unwrap_or(0).max(0) as usize,
    );
    Ok(json(&json!({"data": data, "total_count": total})))
}

async fn organization_invitations(
    State(state): State<Shared>,
    Path(user_id): Path<String>,
    Query(page): Query<InvitationParams>,
) -> ApiResult<Response> {
    let db = state.read();
    find(&db, &user_id)?;
    let (data, total) = crate::domain::organizations::user_invitations(
        &db,
        &user_id,
        page.status.as_deref(),
        page_limit(page.limit),
        page.offset.unwrap_or(0).max(0) as usize,
    );
    Ok(json(&json!({"data": data, "total_count": total})))
}

async fn trusted_devices(
    State(state): State<Shared>,
    Path(user_id): Path<String>,
) -> ApiResult<Response> {
    find(&state.read(), &user_id)?;
    Ok(json(&json!({"data": [], "total_count": 0})))
}

async fn revoke_trusted_device(
    State(state): State<Shared>,
    Path((user_id, _id)): Path<(String, String)>,
) -> ApiResult<Response> {
    find(&state.read(), &user_id)?;
    Err(ApiError::resource_not_found())
}

async fn remove_password(
    State(state): State<Shared>,
    Path(user_id): Path<String>,
    JsonBody(body): JsonBody<RemovePasswordBody>,
) -> ApiResult<Response> {
    let user = mutate(&state, &user_id, |db, id| {
        if let Some(r) = db.users.get_mut(id) {
            r.password_hash = None;
            r.password_compromised = false;
            r.user.password_enabled = false;
        }
        if body.sign_out_of_other_sessions {
            sessions::revoke_user_sessions(db, id);
        }
        Ok(())
    })?;
    Ok(json(&user))
}

async fn verify_password(
    State(state): State<Shared>,
    Path(user_id): Path<String>,
    JsonBody(body): JsonBody<PasswordBody>,
) -> ApiResult<Response> {
    let hash = find(&state.read(), &user_id)?.password_hash.clone();
    let Some(hash) = hash else {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "no_password_set",
            "no password set",
            "This user does not have a password set for their account",
        ));
    };
    if bcrypt::verify(&body.password, &hash).unwrap_or(false) {
        Ok(json(&json!({"verified": true})))
    } else {
        Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "incorrect_password",
            "incorrect password",
            "The provided password is not the one the user has set",
        ))
    }
}

async fn verify_totp(
    State(state): State<Shared>,
    Path(user_id): Path<String>,
    JsonBody(body): JsonBody<CodeBody>,
) -> ApiResult<Response> {
    let (secret, backups) = {
        let db = state.read();
        let r = find(&db, &user_id)?;
        (r.totp_secret.clone(), r.backup_code_hashes.clone())
    };
    if secret.is_none() && backups.is_empty() {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "totp_disabled",
            "TOTP is disabled",
            "This user does not have TOTP enabled in their account",
        ));
    }
    let code = body.code.trim();
    if let Some(matched) = backups
        .iter()
        .find(|h| bcrypt::verify(code, h).unwrap_or(false))
    {
        // A backup code works once: it is taken under the write lock, by value, so two
        // requests racing with the same code cannot both succeed.
        let taken = mutate(&state, &user_id, |db, id| {
            let r = db
                .users
                .get_mut(id)
                .ok_or_else(|| ApiError::user_not_found(id))?;
            let Some(at) = r.backup_code_hashes.iter().position(|h| h == matched) else {
                return Err(incorrect_totp());
            };
            r.backup_code_hashes.remove(at);
            refresh_mfa(r);
            Ok(())
        });
        taken?;
        return Ok(json(&json!({"verified": true, "code_type": "backup_code"})));
    }
    // A code of another length can only be a backup code, which did not match: Clerk's
    // answer then is "incorrect", unless the user has no backup codes at all (unverified
    // pairing; the length error only makes sense for app codes).
    if code.len() != 6 && backups.is_empty() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "totp_invalid_length",
            "invalid length",
            "The provided TOTP code must be 6 characters long.",
        ));
    }
    if secret.is_some_and(|s| totp::verify(&s, code, now_secs())) {
        return Ok(json(&json!({"verified": true, "code_type": "totp"})));
    }
    Err(incorrect_totp())
}

async fn disable_mfa(
    State(state): State<Shared>,
    Path(user_id): Path<String>,
) -> ApiResult<Response> {
    clear_factors(&state, &user_id, true, true)
}

async fn delete_backup_codes(
    State(state): State<Shared>,
    Path(user_id): Path<String>,
) -> ApiResult<Response> {
    clear_factors(&state, &user_id, false, true)
}

async fn delete_totp(
    State(state): State<Shared>,
    Path(user_id): Path<String>,
) -> ApiResult<Response> {
    clear_factors(&state, &user_id, true, false)
}

async fn set_password_compromised(
    State(state): State<Shared>,
    Path(user_id): Path<String>,
    JsonBody(body): JsonBody<CompromisedBody>,
) -> ApiResult<Response> {
    let user = mutate(&state, &user_id, |db, id| {
        let r = db
            .users
            .get_mut(id)
            .ok_or_else(|| ApiError::user_not_found(id))?;
        if r.password_hash.is_none() {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "no_password_set",
                "no password set",
                "This user does not have a password set for their account",
            ));
        }
        r.password_compromised = true;
        if body.revoke_all_sessions == Some(true) {
            sessions::revoke_user_sessions(db, id);
        }
        Ok(())
    })?;
    Ok(json(&user))
}

async fn unset_password_compromised(
    State(state): State<Shared>,
    Path(user_id): Path<String>,
) -> ApiResult<Response> {
    let user = mutate(&state, &user_id, |db, id| {
        if let Some(r) = db.users.get_mut(id) {
            r.password_compromised = false;
        }
        Ok(())
    })?;
    Ok(json(&user))
}

async fn delete_passkey(
    State(state): State<Shared>,
    Path((user_id, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    mutate(&state, &user_id, |db, uid| {
        let r = db
            .users
            .get_mut(uid)
            .ok_or_else(|| ApiError::user_not_found(uid))?;
        let before = r.user.passkeys.len();
        r.user
            .passkeys
            .retain(|p| p.id.as_deref() != Some(id.as_str()));
        if r.user.passkeys.len() == before {
            Err(ApiError::resource_not_found())
        } else {
            Ok(())
        }
    })?;
    Ok(deleted("passkey", &id))
}

async fn delete_web3_wallet(
    State(state): State<Shared>,
    Path((user_id, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    mutate(&state, &user_id, |db, uid| {
        let Db { users, index, .. } = &mut *db;
        let r = users
            .get_mut(uid)
            .ok_or_else(|| ApiError::user_not_found(uid))?;
        let pos = r
            .user
            .web3_wallets
            .iter()
            .position(|w| w.id.as_deref() == Some(id.as_str()))
            .ok_or_else(ApiError::resource_not_found)?;
        let wallet = r.user.web3_wallets.remove(pos);
        index.remove(Ident::Web3, &wallet.web3_wallet);
        if r.user.primary_web3_wallet_id == wallet.id {
            r.user.primary_web3_wallet_id = r.user.web3_wallets.first().and_then(|w| w.id.clone());
        }
        Ok(())
    })?;
    Ok(deleted("web3_wallet", &id))
}

async fn delete_external_account(
    State(state): State<Shared>,
    Path((user_id, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    mutate(&state, &user_id, |db, uid| {
        let r = db
            .users
            .get_mut(uid)
            .ok_or_else(|| ApiError::user_not_found(uid))?;
        let before = r.user.external_accounts.len();
        r.user.external_accounts.retain(|a| a.id != id);
        if r.user.external_accounts.len() == before {
            Err(ApiError::resource_not_found())
        } else {
            Ok(())
        }
    })?;
    Ok(deleted("external_account", &id))
}
