//! The rules of the org domains group, below HTTP: what its handlers in
//! `routes::org_domains` call.

use super::organizations as orgs;
use crate::error::{ApiError, ApiResult};
use crate::ids::{new_id, now_ms};
use crate::server::json;
use crate::store::Db;
use crate::store::org_domains::*;
use crate::wire::{
    OrganizationDomain, OrganizationDomainEnrollmentMode as Mode, OrganizationDomainVerification,
    OrganizationDomainVerificationStatus as VStatus,
};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;

/// Email providers whose domains no organization may claim (a sample of the common ones).
pub(crate) const COMMON_PROVIDERS: &[&str] = &[
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

pub(crate) fn domain_error(code: &str, message: &str, long_message: &str) -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        code,
        message,
        long_message,
    )
    .param("name")
}

pub(crate) fn domain_not_found() -> ApiError {
    ApiError::resource_not_found()
}

pub(crate) fn org_not_found() -> ApiError {
    ApiError::not_found("Given organization not found.")
}

/// A domain name: dot-separated labels of letters, digits and inner dashes, at least two.
pub(crate) fn check_domain_name(raw: &str) -> ApiResult<String> {
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
pub(crate) fn parse_mode(raw: &str) -> ApiResult<Mode> {
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

pub(crate) fn parse_verified(raw: Option<&str>) -> ApiResult<Option<bool>> {
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

pub(crate) fn render(db: &Db, d: &DomainRecord) -> OrganizationDomain {
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
pub(crate) fn pending_suggestions(db: &Db, domain_id: &str) -> usize {
    db.org_domains
        .suggestions
        .values()
        .filter(|s| s.domain_id == domain_id)
        .filter(|s| db.users.contains_key(&s.user_id))
        .filter(|s| !orgs::is_member(db, &s.organization_id, &s.user_id))
        .count()
}

pub(crate) fn page(db: &Db, rows: Vec<&DomainRecord>, limit: usize, offset: usize) -> Response {
    let (data, total): (Vec<OrganizationDomain>, usize) =
        super::paging::cut(rows, limit, offset, |d| render(db, d));
    json(&json!({"data": data, "total_count": total}))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct CreateDomainBody {
    pub(crate) name: Option<String>,
    pub(crate) enrollment_mode: Option<String>,
    pub(crate) verified: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct OrgListParams {
    pub(crate) verified: Option<String>,
    pub(crate) enrollment_mode: Option<String>,
    pub(crate) limit: Option<i64>,
    pub(crate) offset: Option<i64>,
}

/// `value` passes include (`mode`) and exclude (`-mode`) filters.
pub(crate) fn mode_filter(filters: &[String]) -> ApiResult<impl Fn(&Mode) -> bool + use<>> {
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

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct AllListParams {
    pub(crate) organization_id: Option<String>,
    pub(crate) verified: Option<String>,
    pub(crate) enrollment_mode: Vec<String>,
    pub(crate) query: Option<String>,
    pub(crate) domains: Vec<String>,
    pub(crate) order_by: Option<String>,
    pub(crate) limit: Option<i64>,
    pub(crate) offset: Option<i64>,
}

/// The domain, when it belongs to the organization.
pub(crate) fn find<'a>(db: &'a Db, org_id: &str, domain_id: &str) -> ApiResult<&'a DomainRecord> {
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
pub(crate) struct UpdateDomainBody {
    pub(crate) enrollment_mode: Option<String>,
    pub(crate) verified: Option<bool>,
}

/// Invites (or suggests) the users with a verified address at verified, automatic domains:
/// only `user_id` when given, only the domain `domain_id` when given.
pub(crate) fn enroll(db: &mut Db, user_id: Option<&str>, domain_id: Option<&str>) {
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
