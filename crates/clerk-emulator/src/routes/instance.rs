//! The instance and its settings (`/v1/instance...`, `/v1/beta_features/...`): stored, served,
//! and enforced where Clerk's settings change behaviour.
//!
//! - Restrictions: `allowlist` on refuses every identifier not on the allow-list when a user is
//!   created or an email address or phone number is added (on with an empty list refuses every
//!   sign-up, as Clerk's docs say); never set, a non-empty allow-list applies (the emulator's
//!   behaviour before it had the setting). `blocklist` off lifts the block-list (never set, it
//!   applies). `block_email_subaddresses` refuses addresses with `+`, `=` or `#` in the local
//!   part; `block_disposable_email_domains` refuses addresses at the sample of disposable
//!   providers in `domain::instance::DISPOSABLE_EMAIL_DOMAINS`. All are 403
//!   `not_allowed_access` with `meta.identifiers`, as the lists are (the code for the last two
//!   is **unverified**). The beta `restricted_to_allowlist` is the same switch as `allowlist`.
//! - Organization settings: `enabled: false` refuses creating organizations (403
//!   `organization_not_enabled_in_instance`); `max_allowed_memberships` and
//!   `admin_delete_enabled` are what a new organization gets when it does not say;
//!   `domains_enabled: false` and `domains_enrollment_modes` refuse organization domains
//!   outside them; `creator_role_id` / `domains_default_role_id` choose the roles a creator and
//!   a member joining through a domain get (the role settings `org_roles` reads).
//! - `PATCH /v1/instance`: `allowed_origins` shows in `GET /v1/instance`, `development_origin`
//!   on the primary domain; the rest is stored.
//! - Changing the production domain (beta) renames the primary domain.

use crate::domain::instance::*;
use crate::domain::org_roles;
use crate::domain::validate::valid_email;
use crate::error::{ApiError, ApiResult};
use crate::server::{JsonBody, Shared, json};
use crate::wire::{Instance, InstanceCommunication, InstanceProtect, InstanceSettings};
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post, put};
use serde::Deserialize;

pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route("/v1/instance", get(get_instance).patch(update_instance))
        .route("/v1/instance/restrictions", patch(update_restrictions))
        .route(
            "/v1/instance/protect",
            get(get_protect).patch(update_protect),
        )
        .route(
            "/v1/instance/communication",
            get(get_communication).patch(update_communication),
        )
        .route(
            "/v1/instance/oauth_application_settings",
            get(get_oauth).patch(update_oauth),
        )
        .route(
            "/v1/instance/organization_settings",
            get(get_org_settings).patch(update_org_settings),
        )
        .route(
            "/v1/beta_features/instance_settings",
            patch(update_beta_settings),
        )
        .route("/v1/beta_features/domain", put(change_domain))
        .route("/v1/instance/change_domain", post(change_domain))
}

async fn get_instance(State(state): State<Shared>) -> ApiResult<Response> {
    let s = settings(&state.read());
    Ok(json(&Instance {
        object: "instance".into(),
        id: state.instance_id.clone(),
        environment_type: "development".into(),
        allowed_origins: Some(s.allowed_origins),
        workspace_id: None,
    }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct UpdateInstanceBody {
    test_mode: Option<bool>,
    hibp: Option<bool>,
    support_email: Option<String>,
    clerk_js_version: Option<String>,
    development_origin: Option<String>,
    allowed_origins: Option<Vec<String>>,
    cookieless_dev: Option<bool>,
    url_based_session_syncing: Option<bool>,
    preferred_sign_in_strategy_when_password_required: Option<String>,
}

/// `PATCH /v1/instance`: 204 with no body.
async fn update_instance(
    State(state): State<Shared>,
    JsonBody(b): JsonBody<UpdateInstanceBody>,
) -> ApiResult<Response> {
    if let Some(email) = &b.support_email
        && !email.is_empty()
        && !valid_email(email)
    {
        return Err(ApiError::format_invalid(
            "support_email",
            "support_email must be a valid email address.",
        ));
    }
    if let Some(origin) = &b.development_origin
        && !origin.is_empty()
        && !valid_origin(origin)
    {
        return Err(ApiError::format_invalid(
            "development_origin",
            "development_origin must be a valid origin, such as http://localhost:3000.",
        ));
    }
    if let Some(bad) = b
        .allowed_origins
        .iter()
        .flatten()
        .find(|o| !valid_origin(o))
    {
        return Err(ApiError::format_invalid(
            "allowed_origins",
            format!("{bad} is not a valid origin."),
        ));
    }
    if let Some(v) = &b.preferred_sign_in_strategy_when_password_required
        && !["password", "otp", ""].contains(&v.as_str())
    {
        return Err(ApiError::value_invalid(
            "preferred_sign_in_strategy_when_password_required",
            "preferred_sign_in_strategy_when_password_required must be one of: password, otp.",
        ));
    }
    let mut db = state.write();
    change_settings(&mut db, |s| {
        let keep = |new: Option<bool>, old: Option<bool>| new.or(old);
        s.test_mode = keep(b.test_mode, s.test_mode);
        s.hibp = keep(b.hibp, s.hibp);
        s.cookieless_dev = keep(b.cookieless_dev, s.cookieless_dev);
        s.url_based_session_syncing =
            keep(b.url_based_session_syncing, s.url_based_session_syncing);
        let text = |new: Option<String>, old: &mut Option<String>| {
            if let Some(v) = new {
                *old = (!v.is_empty()).then_some(v);
            }
        };
        text(b.support_email, &mut s.support_email);
        text(b.clerk_js_version, &mut s.clerk_js_version);
        text(
            b.development_origin
                .map(|o| o.trim_end_matches('/').to_owned()),
            &mut s.development_origin,
        );
        text(
            b.preferred_sign_in_strategy_when_password_required,
            &mut s.preferred_sign_in_strategy,
        );
        if let Some(origins) = b.allowed_origins {
            let mut kept: Vec<String> = Vec::new();
            for o in origins {
                let o = o.trim_end_matches('/').to_owned();
                if !kept.contains(&o) {
                    kept.push(o);
                }
            }
            s.allowed_origins = kept;
        }
    });
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RestrictionsBody {
    allowlist: Option<bool>,
    blocklist: Option<bool>,
    allowlist_blocklist_disabled_on_sign_in: Option<bool>,
    block_email_subaddresses: Option<bool>,
    block_disposable_email_domains: Option<bool>,
}

async fn update_restrictions(
    State(state): State<Shared>,
    JsonBody(b): JsonBody<RestrictionsBody>,
) -> ApiResult<Response> {
    let mut db = state.write();
    let s = change_settings(&mut db, |s| {
        if b.allowlist.is_some() {
            s.allowlist = b.allowlist;
        }
        if b.blocklist.is_some() {
            s.blocklist = b.blocklist;
        }
        if let Some(v) = b.allowlist_blocklist_disabled_on_sign_in {
            s.allowlist_blocklist_disabled_on_sign_in = v;
        }
        if let Some(v) = b.block_email_subaddresses {
            s.block_email_subaddresses = v;
        }
        if let Some(v) = b.block_disposable_email_domains {
            s.block_disposable_email_domains = v;
        }
    });
    Ok(json(&render_restrictions(&db, &s)))
}

fn protect(s: &crate::store::instance::Settings) -> InstanceProtect {
    InstanceProtect {
        object: "instance_protect".into(),
        rules_enabled: s.rules_enabled,
        specter_enabled: s.specter_enabled,
        checks_bypassed: false,
    }
}

async fn get_protect(State(state): State<Shared>) -> ApiResult<Response> {
    Ok(json(&protect(&settings(&state.read()))))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ProtectBody {
    rules_enabled: Option<bool>,
    specter_enabled: Option<bool>,
}

async fn update_protect(
    State(state): State<Shared>,
    JsonBody(b): JsonBody<ProtectBody>,
) -> ApiResult<Response> {
    let mut db = state.write();
    let s = change_settings(&mut db, |s| {
        if let Some(v) = b.rules_enabled {
            s.rules_enabled = v;
        }
        if let Some(v) = b.specter_enabled {
            s.specter_enabled = v;
        }
    });
    Ok(json(&protect(&s)))
}

fn communication(s: &crate::store::instance::Settings) -> InstanceCommunication {
    InstanceCommunication {
        object: "instance_communication".into(),
        blocked_country_codes: s.blocked_country_codes.clone(),
    }
}

async fn get_communication(State(state): State<Shared>) -> ApiResult<Response> {
    Ok(json(&communication(&settings(&state.read()))))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CommunicationBody {
    blocked_country_codes: Option<Vec<String>>,
}

/// `PATCH /v1/instance/communication`: replaces the list; codes must be two capital letters,
/// at most 250, no repeats; omitted (or null) changes nothing. The emulator sends no SMS, so
/// the list is stored only.
async fn update_communication(
    State(state): State<Shared>,
    JsonBody(b): JsonBody<CommunicationBody>,
) -> ApiResult<Response> {
    if let Some(codes) = &b.blocked_country_codes {
        if codes.len() > 250 {
            return Err(ApiError::value_invalid(
                "blocked_country_codes",
                "blocked_country_codes must have at most 250 items.",
            ));
        }
        if let Some(bad) = codes
            .iter()
            .find(|c| c.len() != 2 || !c.bytes().all(|b| b.is_ascii_uppercase()))
        {
            return Err(ApiError::format_invalid(
                "blocked_country_codes",
                format!("{bad} is not an ISO 3166-1 alpha-2 country code."),
            ));
        }
        let mut seen = std::collections::HashSet::new();
        if let Some(dup) = codes.iter().find(|c| !seen.insert(c.as_str())) {
            return Err(ApiError::value_invalid(
                "blocked_country_codes",
                format!("{dup} appears more than once."),
            ));
        }
    }
    let mut db = state.write();
    let s = change_settings(&mut db, |s| {
        if let Some(codes) = b.blocked_country_codes {
            s.blocked_country_codes = codes;
        }
    });
    Ok(json(&communication(&s)))
}

async fn get_oauth(State(state): State<Shared>) -> ApiResult<Response> {
    Ok(json(&render_oauth(&settings(&state.read()))))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct OAuthBody {
    dynamic_oauth_client_registration: Option<bool>,
    default_scopes: Option<Vec<String>>,
    oauth_jwt_access_tokens: Option<bool>,
    client_id_metadata_documents_advertised: Option<bool>,
    client_id_metadata_documents_only_allow_pre_registered_clients: Option<bool>,
    client_id_metadata_documents_block_implicitly_allowed_clients: Option<bool>,
}

/// `PATCH /v1/instance/oauth_application_settings`: scopes are single words (no spaces) and
/// are kept once each, in the order given.
async fn update_oauth(
    State(state): State<Shared>,
    JsonBody(b): JsonBody<OAuthBody>,
) -> ApiResult<Response> {
    if let Some(bad) = b
        .default_scopes
        .iter()
        .flatten()
        .find(|s| s.is_empty() || s.chars().any(|c| c.is_whitespace() || c.is_control()))
    {
        return Err(ApiError::format_invalid(
            "default_scopes",
            format!("{bad:?} is not a valid scope."),
        ));
    }
    let mut db = state.write();
    let s = change_settings(&mut db, |s| {
        let set = |v: Option<bool>, field: &mut bool| {
            if let Some(v) = v {
                *field = v;
            }
        };
        set(
            b.dynamic_oauth_client_registration,
            &mut s.dynamic_oauth_client_registration,
        );
        set(b.oauth_jwt_access_tokens, &mut s.oauth_jwt_access_tokens);
        set(
            b.client_id_metadata_documents_advertised,
            &mut s.cimd_advertised,
        );
        set(
            b.client_id_metadata_documents_only_allow_pre_registered_clients,
            &mut s.cimd_only_pre_registered,
        );
        set(
            b.client_id_metadata_documents_block_implicitly_allowed_clients,
            &mut s.cimd_block_implicit,
        );
        if let Some(scopes) = b.default_scopes {
            let mut kept: Vec<String> = Vec::new();
            for scope in scopes {
                if !kept.contains(&scope) {
                    kept.push(scope);
                }
            }
            s.default_scopes = Some(kept);
        }
    });
    Ok(json(&render_oauth(&s)))
}

async fn get_org_settings(State(state): State<Shared>) -> ApiResult<Response> {
    let db = state.read();
    let s = settings(&db);
    Ok(json(&render_org_settings(&db, &s)))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct OrgSettingsBody {
    enabled: Option<bool>,
    max_allowed_memberships: Option<i64>,
    admin_delete_enabled: Option<bool>,
    domains_enabled: Option<bool>,
    slug_disabled: Option<bool>,
    domains_enrollment_modes: Option<Vec<String>>,
    creator_role_id: Option<String>,
    domains_default_role_id: Option<String>,
}

/// `PATCH /v1/instance/organization_settings`. The role ids must name existing roles (404
/// otherwise); the creator role must hold the permissions a creator needs (as for role sets).
async fn update_org_settings(
    State(state): State<Shared>,
    JsonBody(b): JsonBody<OrgSettingsBody>,
) -> ApiResult<Response> {
    if let Some(max) = b.max_allowed_memberships
        && max < 0
    {
        return Err(ApiError::value_invalid(
            "max_allowed_memberships",
            "max_allowed_memberships must be greater than or equal to 0.",
        ));
    }
    let mut modes: Option<Vec<String>> = None;
    if let Some(given) = &b.domains_enrollment_modes {
        let mut kept: Vec<String> = Vec::new();
        for m in given {
            if !ENROLLMENT_MODES.contains(&m.as_str()) {
                return Err(ApiError::value_invalid(
                    "domains_enrollment_modes",
                    format!(
                        "{m} is not an enrollment mode: use manual_invitation, automatic_invitation or automatic_suggestion."
                    ),
                ));
            }
            if !kept.contains(m) {
                kept.push(m.clone());
            }
        }
        modes = Some(kept);
    }
    let mut db = state.write();
    if let Some(id) = &b.creator_role_id {
        if org_roles::role_by_id(&db, id).is_none() {
            return Err(org_roles::role_not_found(Some("creator_role_id")));
        }
        org_roles::check_creator(&db, id)?;
    }
    if let Some(id) = &b.domains_default_role_id
        && org_roles::role_by_id(&db, id).is_none()
    {
        return Err(org_roles::role_not_found(Some("domains_default_role_id")));
    }
    if let Some(id) = &b.creator_role_id {
        db.org_roles
            .settings
            .insert(org_roles::CREATOR_SETTING.into(), id.clone());
    }
    if let Some(id) = &b.domains_default_role_id {
        db.org_roles
            .settings
            .insert(org_roles::DEFAULT_SETTING.into(), id.clone());
    }
    let s = change_settings(&mut db, |s| {
        if let Some(v) = b.enabled {
            s.orgs_enabled = v;
        }
        if let Some(v) = b.max_allowed_memberships {
            s.max_allowed_memberships = v;
        }
        if let Some(v) = b.admin_delete_enabled {
            s.admin_delete_enabled = v;
        }
        if let Some(v) = b.domains_enabled {
            s.domains_enabled = v;
        }
        if let Some(v) = b.slug_disabled {
            s.slug_disabled = v;
        }
        if let Some(m) = modes {
            s.domains_enrollment_modes = m;
        }
    });
    Ok(json(&render_org_settings(&db, &s)))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct BetaSettingsBody {
    restricted_to_allowlist: Option<bool>,
    from_email_address: Option<String>,
    progressive_sign_up: Option<bool>,
    test_mode: Option<bool>,
}

/// `PATCH /v1/beta_features/instance_settings`. `from_email_address` is the local part of
/// the sender address (letters, digits, `.`, `_`, `-`, `+`).
async fn update_beta_settings(
    State(state): State<Shared>,
    JsonBody(b): JsonBody<BetaSettingsBody>,
) -> ApiResult<Response> {
    if let Some(from) = &b.from_email_address
        && (from.is_empty()
            || from.len() > 64
            || !from
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-' | b'+')))
    {
        return Err(ApiError::format_invalid(
            "from_email_address",
            "from_email_address must be the local part of an email address, such as notifications.",
        ));
    }
    let mut db = state.write();
    let s = change_settings(&mut db, |s| {
        if b.restricted_to_allowlist.is_some() {
            s.allowlist = b.restricted_to_allowlist;
        }
        if let Some(v) = b.from_email_address {
            s.from_email_address = Some(v);
        }
        if let Some(v) = b.progressive_sign_up {
            s.progressive_sign_up = v;
        }
        if b.test_mode.is_some() {
            s.test_mode = b.test_mode;
        }
    });
    Ok(json(&InstanceSettings {
        object: "instance_settings".into(),
        id: state.instance_id.clone(),
        restricted_to_allowlist: allowlist_on(&db, &s),
        from_email_address: s.from_email_address.clone(),
        progressive_sign_up: s.progressive_sign_up,
    }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ChangeDomainBody {
    home_url: Option<String>,
    is_secondary: Option<bool>,
}

/// `PUT /v1/beta_features/domain`, `POST /v1/instance/change_domain`: the primary domain takes
/// the host of `home_url` (required, an absolute `http(s)` URL); 202 with no body. Clerk
/// allows this on production instances only; the emulator (a development instance) allows it
/// so code that calls it can be tested (**unverified** leniency). `is_secondary` is accepted
/// and not used.
async fn change_domain(
    State(state): State<Shared>,
    JsonBody(b): JsonBody<ChangeDomainBody>,
) -> ApiResult<Response> {
    let _ = b.is_secondary;
    let home_url = b
        .home_url
        .ok_or_else(|| ApiError::param_missing("home_url"))?;
    let host = http_authority(home_url.trim())
        .ok_or_else(|| {
            ApiError::format_invalid("home_url", "home_url must be a valid absolute URL.")
        })?
        .to_lowercase();
    let mut db = state.write();
    let primary = settings(&db).primary_domain_name;
    if primary.as_deref() != Some(host.as_str()) && domain_taken(&db, "", &host, None) {
        return Err(ApiError::identifier_exists("home_url"));
    }
    change_settings(&mut db, |s| s.primary_domain_name = Some(host));
    Ok(StatusCode::ACCEPTED.into_response())
}
