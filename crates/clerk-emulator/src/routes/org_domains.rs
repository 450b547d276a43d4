//! Organization domains: email domains an organization claims, and the enrollment they drive.
//!
//! A domain belongs to one organization in the instance and cannot be a common email provider.
//! Created through the Backend API it is verified unless asked otherwise (affiliation
//! verification by the admin); `verify_ownership` records the DNS ownership proof as a manual
//! override. A verified domain in `automatic_invitation` mode invites every user with a
//! verified address at the domain (with the organization's default role), and one in
//! `automatic_suggestion` mode records a suggestion for them instead; both happen when the
//! domain becomes verified or changes mode (for the users already there), when a user is
//! created, and when a user adds or verifies an address. `manual_invitation` does nothing.
//!
//! Suggestions have no Backend API of their own; they show in the domain's
//! `total_pending_suggestions` until the user joins the organization.

use crate::store::org_domains::*;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, patch, post};
use serde::Deserialize;
use serde_json::json;

use super::organizations as orgs;
use crate::error::{ApiError, ApiResult};
use crate::ids::{new_id, now_ms};
use crate::server::{JsonBody, Query, Shared, json};
use crate::store::Db;
use crate::wire::{
    DeletedObject, OrganizationDomain, OrganizationDomainEnrollmentMode as Mode,
    OrganizationDomainVerification, OrganizationDomainVerificationStatus as VStatus,
};

/// Email providers whose domains no organization may claim (a sample of the common ones).
const COMMON_PROVIDERS: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "yahoo.com",
    "hotmail.com",
    "outlook.com",
    "live.com",
    "msn.com",
    "icloud.com",
    "me.com",
    "aol.com",
    "protonmail.com",
    "proton.me",
    "gmx.com",
    "mail.com",
    "yandex.com",
];

// ---- storage ---------------------------------------------------------------------------------

// ---- errors ----------------------------------------------------------------------------------

fn domain_error(code: &str, message: &str, long_message: &str) -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        code,
        message,
        long_message,
    )
    .param("name")
}

fn domain_not_found() -> ApiError {
    ApiError::resource_not_found()
}

fn org_not_found() -> ApiError {
    ApiError::not_found("Given organization not found.")
}

// ---- validation ------------------------------------------------------------------------------

/// A domain name: dot-separated labels of letters, digits and inner dashes, at least two.
fn check_domain_name(raw: &str) -> ApiResult<String> {
    let name = raw.trim().trim_end_matches('.').to_lowercase();
    if name.is_empty() {
        return Err(ApiError::param_missing("name"));
    }
    let labels: Vec<&str> = name.split('.').collect();
    let valid = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_lowercase()));
    if !valid {
        return Err(ApiError::format_invalid(
            "name",
            "name must be a valid domain name, such as example.com.",
        ));
    }
    if COMMON_PROVIDERS.contains(&name.as_str()) {
        return Err(domain_error(
            "organization_domain_common",
            "common email domain",
            "This is a common email provider domain. Please use a different one.",
        ));
    }
    Ok(name)
}

/// The three modes the emulator enrolls by; `enterprise_sso` needs an SSO connection, which
/// it does not emulate.
fn parse_mode(raw: &str) -> ApiResult<Mode> {
    match Mode::from(raw) {
        m @ (Mode::ManualInvitation | Mode::AutomaticInvitation | Mode::AutomaticSuggestion) => {
            Ok(m)
        }
        Mode::EnterpriseSso => Err(ApiError::value_invalid(
            "enrollment_mode",
            "enterprise_sso needs an enterprise SSO connection for the domain, which this instance does not have.",
        )),
        _ => Err(ApiError::value_invalid(
            "enrollment_mode",
            format!("{raw} does not match one of the allowed values for parameter enrollment_mode"),
        )),
    }
}

fn parse_verified(raw: Option<&str>) -> ApiResult<Option<bool>> {
    match raw {
        None => Ok(None),
        Some("true") => Ok(Some(true)),
        Some("false") => Ok(Some(false)),
        Some(other) => Err(ApiError::value_invalid(
            "verified",
            format!("{other} does not match one of the allowed values for parameter verified"),
        )),
    }
}

// ---- rendering -------------------------------------------------------------------------------

fn render(db: &Db, d: &DomainRecord) -> OrganizationDomain {
    let affiliation = d.verified.then(|| OrganizationDomainVerification {
        status: VStatus::Verified,
        strategy: "admin".into(),
        attempts: None,
        expire_at: None,
        verified_at: None,
    });
    OrganizationDomain {
        object: "organization_domain".into(),
        id: d.id.clone(),
        organization_id: d.organization_id.clone(),
        name: d.name.clone(),
        enrollment_mode: d.enrollment_mode.clone(),
        affiliation_email_address: None,
        affiliation_verification: affiliation.clone(),
        ownership_verification: d
            .ownership_verified_at
            .map(|at| OrganizationDomainVerification {
                status: VStatus::Verified,
                strategy: "manual_override".into(),
                attempts: None,
                expire_at: None,
                verified_at: Some(at),
            }),
        verification: affiliation,
        total_pending_invitations: orgs::pending_domain_invitations(db, &d.id) as i64,
        total_pending_suggestions: pending_suggestions(db, &d.id) as i64,
        public_organization_data: orgs::public_organization_data(db, &d.organization_id),
        created_at: d.created_at,
        updated_at: d.updated_at,
    }
}

/// Suggestions of the domain whose user has not joined the organization yet.
fn pending_suggestions(db: &Db, domain_id: &str) -> usize {
    db.org_domains
        .suggestions
        .values()
        .filter(|s| s.domain_id == domain_id)
        .filter(|s| db.users.contains_key(&s.user_id))
        .filter(|s| !orgs::is_member(db, &s.organization_id, &s.user_id))
        .count()
}

fn page(db: &Db, rows: Vec<&DomainRecord>, limit: usize, offset: usize) -> Response {
    let total = rows.len();
    let data: Vec<OrganizationDomain> = rows
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(|d| render(db, d))
        .collect();
    json(&json!({"data": data, "total_count": total}))
}

// ---- router ----------------------------------------------------------------------------------

pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route(
            "/v1/organizations/{organization_id}/domains",
            get(list_domains).post(create_domain),
        )
        .route(
            "/v1/organizations/{organization_id}/domains/{domain_id}",
            patch(update_domain).delete(delete_domain),
        )
        .route(
            "/v1/organizations/{organization_id}/domains/{domain_id}/verify_ownership",
            post(verify_ownership),
        )
        .route("/v1/organization_domains", get(list_all_domains))
}

// ---- operations ------------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CreateDomainBody {
    name: Option<String>,
    enrollment_mode: Option<String>,
    verified: Option<bool>,
}

async fn create_domain(
    State(state): State<Shared>,
    Path(org_id): Path<String>,
    JsonBody(body): JsonBody<CreateDomainBody>,
) -> ApiResult<Response> {
    let mut db = state.write();
    if !orgs::org_exists(&db, &org_id) {
        return Err(org_not_found());
    }
    let name = check_domain_name(
        body.name
            .as_deref()
            .ok_or_else(|| ApiError::param_missing("name"))?,
    )?;
    let mode = match &body.enrollment_mode {
        Some(m) => parse_mode(m)?,
        None => Mode::ManualInvitation,
    };
    if let Some(taken) = db.org_domains.domains.values().find(|d| d.name == name) {
        return Err(if taken.organization_id == org_id {
            domain_error(
                "organization_domain_already_exists_same_organization",
                "organization domain already exists",
                "This domain is already used by your organization.",
            )
        } else {
            domain_error(
                "organization_domain_already_exists",
                "organization domain already exists",
                "This domain is already used by another organization.",
            )
        });
    }
    let now = now_ms();
    let domain = DomainRecord {
        id: new_id("orgdmn"),
        organization_id: org_id,
        name,
        enrollment_mode: mode,
        verified: body.verified.unwrap_or(true),
        ownership_verified_at: None,
        created_at: now,
        updated_at: now,
    };
    db.org_domains
        .domains
        .insert(domain.id.clone(), domain.clone());
    let rendered = render(&db, &domain);
    db.emit("organizationDomain.created", &rendered);
    enroll(&mut db, None, Some(&domain.id));
    Ok(json(&render(&db, &domain)))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct OrgListParams {
    verified: Option<String>,
    enrollment_mode: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
}

/// `value` passes include (`mode`) and exclude (`-mode`) filters.
fn mode_filter(filters: &[String]) -> ApiResult<impl Fn(&Mode) -> bool + use<>> {
    let mut include = Vec::new();
    let mut exclude = Vec::new();
    for f in filters {
        let (list, raw) = match f.strip_prefix('-') {
            Some(rest) => (&mut exclude, rest),
            None => (&mut include, f.as_str()),
        };
        match Mode::from(raw) {
            Mode::Unknown(_) => {
                return Err(ApiError::value_invalid(
                    "enrollment_mode",
                    format!(
                        "{f} does not match one of the allowed values for parameter enrollment_mode"
                    ),
                ));
            }
            m => list.push(m),
        }
    }
    Ok(move |m: &Mode| (include.is_empty() || include.contains(m)) && !exclude.contains(m))
}

async fn list_domains(
    State(state): State<Shared>,
    Path(org_id): Path<String>,
    Query(p): Query<OrgListParams>,
) -> ApiResult<Response> {
    let verified = parse_verified(p.verified.as_deref())?;
    let modes = mode_filter(p.enrollment_mode.as_slice())?;
    let (limit, offset) = orgs::paging(p.limit, p.offset)?;
    let db = state.read();
    if !orgs::org_exists(&db, &org_id) {
        return Err(org_not_found());
    }
    let mut rows: Vec<&DomainRecord> = db
        .org_domains
        .domains
        .values()
        .filter(|d| d.organization_id == org_id)
        .filter(|d| verified.is_none_or(|v| d.verified == v))
        .filter(|d| modes(&d.enrollment_mode))
        .collect();
    rows.sort_by(|a, b| (b.created_at, &b.id).cmp(&(a.created_at, &a.id)));
    Ok(page(&db, rows, limit, offset))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct AllListParams {
    organization_id: Option<String>,
    verified: Option<String>,
    enrollment_mode: Vec<String>,
    query: Option<String>,
    domains: Vec<String>,
    order_by: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
}

async fn list_all_domains(
    State(state): State<Shared>,
    Query(p): Query<AllListParams>,
) -> ApiResult<Response> {
    let verified = parse_verified(p.verified.as_deref())?;
    let modes = mode_filter(&p.enrollment_mode)?;
    let (limit, offset) = orgs::paging(p.limit, p.offset)?;
    let query = match p.query.as_deref().map(str::trim) {
        Some("") => {
            return Err(ApiError::value_invalid("query", "query must not be empty."));
        }
        other => other.map(str::to_lowercase),
    };
    let raw_order = p.order_by.as_deref().unwrap_or("-created_at");
    let (field, desc) = match raw_order.strip_prefix('-') {
        Some(rest) => (rest, true),
        None => (raw_order.strip_prefix('+').unwrap_or(raw_order), false),
    };
    if field != "name" && field != "created_at" {
        return Err(ApiError::value_invalid(
            "order_by",
            format!("{raw_order} does not match one of the allowed values for parameter order_by"),
        ));
    }
    let names: Vec<String> = p.domains.iter().map(|d| d.to_lowercase()).collect();
    let db = state.read();
    let mut rows: Vec<&DomainRecord> = db
        .org_domains
        .domains
        .values()
        .filter(|d| {
            p.organization_id
                .as_deref()
                .is_none_or(|o| d.organization_id == o)
        })
        .filter(|d| verified.is_none_or(|v| d.verified == v))
        .filter(|d| modes(&d.enrollment_mode))
        .filter(|d| names.is_empty() || names.contains(&d.name))
        .filter(|d| {
            query.as_deref().is_none_or(|q| {
                if q.starts_with("org_") {
                    d.organization_id.to_lowercase() == q
                } else {
                    d.name.contains(q)
                }
            })
        })
        .collect();
    rows.sort_by(|a, b| {
        let by = match field {
            "name" => a.name.cmp(&b.name),
            _ => a.created_at.cmp(&b.created_at),
        }
        .then_with(|| a.id.cmp(&b.id));
        if desc { by.reverse() } else { by }
    });
    Ok(page(&db, rows, limit, offset))
}

/// The domain, when it belongs to the organization.
fn find<'a>(db: &'a Db, org_id: &str, domain_id: &str) -> ApiResult<&'a DomainRecord> {
    if !orgs::org_exists(db, org_id) {
        return Err(org_not_found());
    }
    db.org_domains
        .domains
        .get(domain_id)
        .filter(|d| d.organization_id == org_id)
        .ok_or_else(domain_not_found)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct UpdateDomainBody {
    enrollment_mode: Option<String>,
    verified: Option<bool>,
}

async fn update_domain(
    State(state): State<Shared>,
    Path((org_id, domain_id)): Path<(String, String)>,
    JsonBody(body): JsonBody<UpdateDomainBody>,
) -> ApiResult<Response> {
    let mode = body
        .enrollment_mode
        .as_deref()
        .map(parse_mode)
        .transpose()?;
    let mut db = state.write();
    find(&db, &org_id, &domain_id)?;
    let d = db
        .org_domains
        .domains
        .get_mut(&domain_id)
        .ok_or_else(domain_not_found)?;
    if let Some(mode) = mode {
        d.enrollment_mode = mode;
    }
    if let Some(verified) = body.verified {
        d.verified = verified;
    }
    d.updated_at = now_ms().max(d.updated_at);
    let d = d.clone();
    let rendered = render(&db, &d);
    db.emit("organizationDomain.updated", &rendered);
    enroll(&mut db, None, Some(&d.id));
    Ok(json(&render(&db, &d)))
}

async fn delete_domain(
    State(state): State<Shared>,
    Path((org_id, domain_id)): Path<(String, String)>,
) -> ApiResult<Response> {
    let mut db = state.write();
    find(&db, &org_id, &domain_id)?;
    db.org_domains.domains.remove(&domain_id);
    db.org_domains
        .suggestions
        .retain(|_, s| s.domain_id != domain_id);
    let gone = DeletedObject {
        object: "organization_domain".into(),
        id: Some(domain_id),
        slug: None,
        deleted: true,
        external_id: None,
    };
    db.emit("organizationDomain.deleted", &gone);
    Ok(json(&gone))
}

/// Records ownership as verified by manual override; again on a verified domain, answers it
/// unchanged.
async fn verify_ownership(
    State(state): State<Shared>,
    Path((org_id, domain_id)): Path<(String, String)>,
) -> ApiResult<Response> {
    let mut db = state.write();
    if find(&db, &org_id, &domain_id)?
        .ownership_verified_at
        .is_none()
    {
        let d = db
            .org_domains
            .domains
            .get_mut(&domain_id)
            .ok_or_else(domain_not_found)?;
        let now = now_ms();
        d.ownership_verified_at = Some(now);
        d.updated_at = now.max(d.updated_at);
        let d = d.clone();
        let rendered = render(&db, &d);
        db.emit("organizationDomain.updated", &rendered);
    }
    let d = find(&db, &org_id, &domain_id)?;
    Ok(json(&render(&db, d)))
}

// ---- enrollment ------------------------------------------------------------------------------

/// Invites (or suggests) the users with a verified address at verified, automatic domains:
/// only `user_id` when given, only the domain `domain_id` when given.
fn enroll(db: &mut Db, user_id: Option<&str>, domain_id: Option<&str>) {
    let mut invitations: Vec<(String, String, String)> = Vec::new();
    let mut suggestions: Vec<SuggestionRecord> = Vec::new();
    let now = now_ms();
    for d in db.org_domains.domains.values() {
        let automatic = matches!(
            d.enrollment_mode,
            Mode::AutomaticInvitation | Mode::AutomaticSuggestion
        );
        if !d.verified || !automatic || domain_id.is_some_and(|id| id != d.id) {
            continue;
        }
        let users = db
            .users
            .values()
            .filter(|r| user_id.is_none_or(|id| r.user.id == id));
        for record in users {
            let user = &record.user;
            if orgs::is_member(db, &d.organization_id, &user.id) {
                continue;
            }
            let at_domain = user.email_addresses.iter().find(|e| {
                e.verification.is_verified()
                    && e.email_address
                        .rsplit_once('@')
                        .is_some_and(|(_, host)| host.eq_ignore_ascii_case(&d.name))
            });
            let Some(email) = at_domain else {
                continue;
            };
            if d.enrollment_mode == Mode::AutomaticInvitation {
                invitations.push((
                    d.organization_id.clone(),
                    d.id.clone(),
                    email.email_address.clone(),
                ));
            } else if !db
                .org_domains
                .suggestions
                .values()
                .any(|s| s.domain_id == d.id && s.user_id == user.id)
            {
                suggestions.push(SuggestionRecord {
                    id: new_id("orgsug"),
                    domain_id: d.id.clone(),
                    organization_id: d.organization_id.clone(),
                    user_id: user.id.clone(),
                    email_address: email.email_address.clone(),
                    created_at: now,
                });
            }
        }
    }
    for (org_id, domain_id, email) in invitations {
        orgs::invite_through_domain(db, &org_id, &domain_id, &email);
    }
    for s in suggestions {
        db.org_domains.suggestions.insert(s.id.clone(), s);
    }
}

/// A user was created, or added or verified an address: the verified domains enroll them.
pub(crate) fn enroll_user(db: &mut Db, user_id: &str) {
    enroll(db, Some(user_id), None);
}

/// An organization was deleted: its domains and their suggestions go with it.
pub(crate) fn remove_organization(db: &mut Db, org_id: &str) {
    db.org_domains
        .domains
        .retain(|_, d| d.organization_id != org_id);
    db.org_domains
        .suggestions
        .retain(|_, s| s.organization_id != org_id);
}

/// A user was deleted: the suggestions made to them go.
pub(crate) fn remove_user(db: &mut Db, user_id: &str) {
    db.org_domains
        .suggestions
        .retain(|_, s| s.user_id != user_id);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_names_are_checked() {
        assert_eq!(check_domain_name(" Acme.COM ").unwrap(), "acme.com");
        assert_eq!(
            check_domain_name("mail.acme-2.co.uk").unwrap(),
            "mail.acme-2.co.uk"
        );
        for bad in [
            "acme",
            "-acme.com",
            "acme..com",
            "acme.c0m",
            "ac me.com",
            "acme.com/x",
        ] {
            assert_eq!(
                check_domain_name(bad).unwrap_err().code(),
                "form_param_format_invalid",
                "{bad}"
            );
        }
        assert_eq!(
            check_domain_name("Gmail.com").unwrap_err().code(),
            "organization_domain_common"
        );
    }

    #[test]
    fn enrollment_modes() {
        assert_eq!(
            parse_mode("automatic_invitation").unwrap(),
            Mode::AutomaticInvitation
        );
        assert!(parse_mode("enterprise_sso").is_err());
        assert!(parse_mode("magic").is_err());
        let only_auto = mode_filter(&["-manual_invitation".into()]).unwrap();
        assert!(only_auto(&Mode::AutomaticSuggestion));
        assert!(!only_auto(&Mode::ManualInvitation));
        assert!(mode_filter(&["nope".into()]).is_err());
    }
}
