//! The rules of the instance group, below HTTP: the settings and what they change elsewhere
//! (the restrictions user creation and new email addresses meet, the defaults and limits the
//! organization operations apply), domains, redirect URLs and their validation.

use crate::error::{ApiError, ApiResult};
use crate::store::Db;
use crate::store::instance::{SETTINGS_ROW, SatelliteRecord, Settings};
use crate::wire::{Domain, InstanceRestrictions, OAuthApplicationSettings, OrganizationSettings};
use axum::http::StatusCode;

/// A sample of disposable email providers' domains, refused (with their subdomains) when
/// `block_disposable_email_domains` is on. Clerk keeps its own, longer list; this one is a
/// stand-in for tests, like the breached-password list.
pub(crate) const DISPOSABLE_EMAIL_DOMAINS: &[&str] = &[
    "mailinator.com",
    "guerrillamail.com",
    "10minutemail.com",
    "yopmail.com",
    "trashmail.com",
    "tempmail.com",
    "temp-mail.org",
    "throwawaymail.com",
    "sharklasers.com",
    "getnada.com",
    "dispostable.com",
    "maildrop.cc",
];

/// The enrollment modes an organization domain can have.
pub(crate) const ENROLLMENT_MODES: &[&str] = &[
    "manual_invitation",
    "automatic_invitation",
    "automatic_suggestion",
];

/// The most roles and domains the emulator reports as allowed (it enforces neither).
pub(crate) const MAX_ALLOWED_ROLES: i64 = 10;
/// See [`MAX_ALLOWED_ROLES`].
pub(crate) const MAX_ALLOWED_DOMAINS: i64 = 10;

/// The settings, or the defaults when none was ever changed.
pub(crate) fn settings(db: &Db) -> Settings {
    db.instance
        .settings
        .get(SETTINGS_ROW)
        .cloned()
        .unwrap_or_default()
}

/// Changes the settings row (created with the defaults first when needed).
pub(crate) fn change_settings(db: &mut Db, change: impl FnOnce(&mut Settings)) -> Settings {
    let mut s = settings(db);
    change(&mut s);
    db.instance.settings.insert(SETTINGS_ROW.into(), s.clone());
    s
}

/// Whether the allow-list applies: the setting, or (never set) whether the list has entries.
pub(crate) fn allowlist_on(db: &Db, s: &Settings) -> bool {
    s.allowlist
        .unwrap_or_else(|| !db.access_lists.allowlist.is_empty())
}

/// Whether the block-list applies: the setting, or (never set) yes.
pub(crate) fn blocklist_on(s: &Settings) -> bool {
    s.blocklist.unwrap_or(true)
}

/// The restrictions as served: what applies now.
pub(crate) fn render_restrictions(db: &Db, s: &Settings) -> InstanceRestrictions {
    InstanceRestrictions {
        object: "instance_restrictions".into(),
        allowlist: allowlist_on(db, s),
        blocklist: blocklist_on(s),
        allowlist_blocklist_disabled_on_sign_in: s.allowlist_blocklist_disabled_on_sign_in,
        block_email_subaddresses: s.block_email_subaddresses,
        block_disposable_email_domains: s.block_disposable_email_domains,
    }
}

/// Whether an email address has a subaddress: `+`, `=` or `#` in its local part.
pub(crate) fn has_subaddress(email: &str) -> bool {
    email
        .rsplit_once('@')
        .is_some_and(|(local, _)| local.contains(['+', '=', '#']))
}

/// Whether an email address is at a disposable provider (or a subdomain of one).
pub(crate) fn is_disposable(email: &str) -> bool {
    let Some((_, domain)) = email.rsplit_once('@') else {
        return false;
    };
    let domain = domain.to_lowercase();
    DISPOSABLE_EMAIL_DOMAINS
        .iter()
        .any(|d| domain == *d || domain.strip_suffix(d).is_some_and(|sub| sub.ends_with('.')))
}

/// Whether the email restrictions (subaddresses, disposable domains) refuse an address.
pub(crate) fn email_refused(s: &Settings, email: &str) -> bool {
    (s.block_email_subaddresses && has_subaddress(email))
        || (s.block_disposable_email_domains && is_disposable(email))
}

pub(crate) fn render_oauth(s: &Settings) -> OAuthApplicationSettings {
    OAuthApplicationSettings {
        object: "oauth_application_settings".into(),
        dynamic_oauth_client_registration: s.dynamic_oauth_client_registration,
        default_scopes: s.default_scopes.clone(),
        oauth_jwt_access_tokens: s.oauth_jwt_access_tokens,
        client_id_metadata_documents_advertised: s.cimd_advertised,
        client_id_metadata_documents_only_allow_pre_registered_clients: s.cimd_only_pre_registered,
        client_id_metadata_documents_block_implicitly_allowed_clients: s.cimd_block_implicit,
    }
}

pub(crate) fn render_org_settings(db: &Db, s: &Settings) -> OrganizationSettings {
    use super::org_roles::{ADMIN, CREATOR_SETTING, DEFAULT_SETTING, MEMBER, setting};
    OrganizationSettings {
        object: "organization_settings".into(),
        enabled: s.orgs_enabled,
        max_allowed_memberships: s.max_allowed_memberships,
        max_allowed_roles: MAX_ALLOWED_ROLES,
        max_role_sets_allowed: None,
        max_allowed_domains: MAX_ALLOWED_DOMAINS,
        creator_role: setting(db, CREATOR_SETTING)
            .map_or_else(|| ADMIN.to_owned(), |r| r.key.clone()),
        admin_delete_enabled: s.admin_delete_enabled,
        domains_enabled: s.domains_enabled,
        slug_disabled: Some(s.slug_disabled),
        domains_enrollment_modes: s.domains_enrollment_modes.clone(),
        domains_default_role: setting(db, DEFAULT_SETTING)
            .map_or_else(|| MEMBER.to_owned(), |r| r.key.clone()),
        initial_role_set_key: super::org_roles::initial_role_set_key(db),
    }
}

/// Organizations are off: 403 (code seen in clients of Clerk; status **unverified**).
pub(crate) fn organizations_disabled() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "organization_not_enabled_in_instance",
        "organizations not enabled",
        "The organizations feature is not enabled for your instance. You can enable it in the instance's organization settings.",
    )
}

/// Organization domains are off: 403 (**unverified** code).
pub(crate) fn org_domains_disabled() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "organization_domains_not_enabled",
        "organization domains not enabled",
        "The organization domains feature is not enabled for your instance.",
    )
}

/// Refuses organization operations while organizations are off.
pub(crate) fn check_orgs_enabled(db: &Db) -> ApiResult<()> {
    if settings(db).orgs_enabled {
        Ok(())
    } else {
        Err(organizations_disabled())
    }
}

/// Refuses creating organization domains while they are off, and modes not allowed.
pub(crate) fn check_org_domain(db: &Db, mode: Option<&str>) -> ApiResult<()> {
    let s = settings(db);
    if !s.orgs_enabled {
        return Err(organizations_disabled());
    }
    if !s.domains_enabled {
        return Err(org_domains_disabled());
    }
    match mode {
        Some(m)
            if ENROLLMENT_MODES.contains(&m)
                && !s.domains_enrollment_modes.iter().any(|x| x == m) =>
        {
            Err(ApiError::value_invalid(
                "enrollment_mode",
                format!("{m} is not an enrollment mode enabled for this instance."),
            ))
        }
        _ => Ok(()),
    }
}

// ---- URLs and domain names ---------------------------------------------------------------

/// `scheme://rest`: a scheme of a letter then letters, digits, `+`, `-`, `.`; something after
/// it; no whitespace or control characters. Native apps' custom schemes pass.
pub(crate) fn valid_redirect_url(url: &str) -> bool {
    let Some((scheme, rest)) = url.split_once("://") else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !rest.is_empty()
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// An `http`/`https` URL's host and port part, if it is one.
pub(crate) fn http_authority(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    (valid_host(authority) && !url.chars().any(|c| c.is_whitespace() || c.is_control()))
        .then_some(authority)
}

/// An origin: `http(s)://host[:port]` and nothing after it.
pub(crate) fn valid_origin(origin: &str) -> bool {
    http_authority(origin).is_some_and(|a| {
        origin.ends_with(a) || origin.strip_suffix('/').is_some_and(|o| o.ends_with(a))
    })
}

/// A host name (`example.com`, `localhost`, an IPv4 address) with an optional port.
pub(crate) fn valid_host(s: &str) -> bool {
    let (host, port) = match s.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (s, None),
    };
    let port_ok = port.is_none_or(|p| p.parse::<u16>().is_ok_and(|n| n > 0));
    let host = host.to_lowercase();
    port_ok && (host == "localhost" || super::access_lists::valid_domain(&host))
}

/// A domain name as stored: trimmed, lower case; or why it is not one.
pub(crate) fn check_domain_name(name: &str) -> ApiResult<String> {
    let name = name.trim().to_lowercase();
    if valid_host(&name) {
        Ok(name)
    } else {
        Err(ApiError::format_invalid(
            "name",
            "name must be a valid domain name, optionally with a port.",
        ))
    }
}

/// A proxy URL: an absolute `http(s)` URL.
pub(crate) fn check_proxy_url(url: &str) -> ApiResult<String> {
    let url = url.trim();
    if http_authority(url).is_some() {
        Ok(url.trim_end_matches('/').to_owned())
    } else {
        Err(ApiError::format_invalid(
            "proxy_url",
            "proxy_url must be a valid absolute URL.",
        ))
    }
}

/// The primary domain's id: the instance id's characters under the domain prefix, so it stays
/// the same across restarts.
pub(crate) fn primary_domain_id(instance_id: &str) -> String {
    format!(
        "dmn_{}",
        instance_id.strip_prefix("ins_").unwrap_or(instance_id)
    )
}

/// The primary domain: named after the emulator's own address unless renamed.
pub(crate) fn render_primary(s: &Settings, instance_id: &str, base_url: &str) -> Domain {
    let authority = base_url
        .split_once("://")
        .map_or(base_url, |(_, a)| a)
        .to_owned();
    Domain {
        object: "domain".into(),
        id: primary_domain_id(instance_id),
        name: s.primary_domain_name.clone().unwrap_or(authority),
        is_satellite: false,
        frontend_api_url: base_url.to_owned(),
        accounts_portal_url: None,
        proxy_url: s.primary_proxy_url.clone(),
        development_origin: s.development_origin.clone().unwrap_or_default(),
        cname_targets: None,
    }
}

pub(crate) fn render_satellite(d: &SatelliteRecord, base_url: &str) -> Domain {
    Domain {
        object: "domain".into(),
        id: d.id.clone(),
        name: d.name.clone(),
        is_satellite: true,
        frontend_api_url: base_url.to_owned(),
        accounts_portal_url: None,
        proxy_url: d.proxy_url.clone(),
        development_origin: String::new(),
        cname_targets: None,
    }
}

/// Whether a domain name is taken by the primary or a satellite (other than `except`).
pub(crate) fn domain_taken(db: &Db, primary_name: &str, name: &str, except: Option<&str>) -> bool {
    primary_name == name
        || db
            .instance
            .domains
            .values()
            .any(|d| d.name == name && Some(d.id.as_str()) != except)
}

pub(crate) fn domain_not_found(id: &str) -> ApiError {
    ApiError::not_found(format!("No domain was found with id {id}"))
}

pub(crate) fn domain_exists() -> ApiError {
    ApiError::identifier_exists("name")
}

/// Deleting the primary domain: 403 as the spec declares (code **unverified**).
pub(crate) fn primary_not_deletable() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "operation_not_allowed_on_primary_domain",
        "operation not allowed",
        "The primary domain of an instance cannot be deleted.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subaddresses_and_disposable_domains() {
        assert!(has_subaddress("a+b@x.com"));
        assert!(has_subaddress("a=b@x.com"));
        assert!(has_subaddress("a#b@x.com"));
        assert!(!has_subaddress("a.b@x+y.com"));
        assert!(is_disposable("eve@Mailinator.com"));
        assert!(is_disposable("eve@eu.mailinator.com"));
        assert!(!is_disposable("eve@notmailinator.com"));
    }

    #[test]
    fn urls_hosts_and_origins() {
        assert!(valid_redirect_url("https://example.com/callback"));
        assert!(valid_redirect_url("myapp://oauth"));
        for bad in [
            "",
            "example.com",
            "://x",
            "1ab://x",
            "https://",
            "https://a b",
        ] {
            assert!(!valid_redirect_url(bad), "{bad}");
        }
        assert!(valid_host("localhost:3000"));
        assert!(valid_host("app.example.com"));
        assert!(!valid_host("example"));
        assert!(!valid_host("example.com:0"));
        assert!(!valid_host("example.com:99999"));
        assert!(valid_origin("https://app.example.com"));
        assert!(valid_origin("http://localhost:3000/"));
        assert!(!valid_origin("https://app.example.com/path"));
        assert!(!valid_origin("ftp://app.example.com"));
        assert_eq!(primary_domain_id("ins_abc"), "dmn_abc");
    }
}
