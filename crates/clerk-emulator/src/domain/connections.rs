//! The rules of the SAML and enterprise connections group, below HTTP: validation, the
//! defaults a new connection gets, updates, and the rule both kinds share: a domain belongs to
//! one connection of the instance at most.

use super::organizations::{contains_ci, directed, paging};
use crate::error::{ApiError, ApiResult};
use crate::ids::{new_id, now_ms};
use crate::store::Db;
use crate::wire::{EnterpriseConnection, SamlAttributeMapping, SamlConnection, SamlLoginHint};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Map, Value, json};

/// The SAML providers.
pub(crate) const SAML_PROVIDERS: &[&str] =
    &["saml_custom", "saml_okta", "saml_google", "saml_microsoft"];

/// The OIDC providers enterprise connections also take.
pub(crate) const OIDC_PROVIDERS: &[&str] =
    &["oidc_custom", "oidc_github_enterprise", "oidc_gitlab"];

const LOGIN_HINT_MODES: &[&str] = &["email_address", "custom_attribute", "off"];

/// The attribute mapping body of a SAML connection.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(crate) struct MappingBody {
    pub(crate) user_id: Option<String>,
    pub(crate) email_address: Option<String>,
    pub(crate) first_name: Option<String>,
    pub(crate) last_name: Option<String>,
}

/// The login hint body.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct LoginHintBody {
    pub(crate) mode: String,
    #[serde(default)]
    pub(crate) source: Option<String>,
}

/// The body of `POST /v1/saml_connections`.
#[derive(Debug, Deserialize)]
pub(crate) struct SamlCreateBody {
    pub(crate) name: String,
    pub(crate) provider: String,
    #[serde(default)]
    pub(crate) domain: Option<String>,
    #[serde(default)]
    pub(crate) domains: Option<Vec<String>>,
    #[serde(default)]
    pub(crate) idp_entity_id: Option<String>,
    #[serde(default)]
    pub(crate) idp_sso_url: Option<String>,
    #[serde(default)]
    pub(crate) idp_certificate: Option<String>,
    #[serde(default)]
    pub(crate) idp_metadata_url: Option<String>,
    #[serde(default)]
    pub(crate) idp_metadata: Option<String>,
    #[serde(default)]
    pub(crate) organization_id: Option<String>,
    #[serde(default)]
    pub(crate) attribute_mapping: Option<MappingBody>,
    #[serde(default)]
    pub(crate) force_authn: Option<bool>,
    #[serde(default)]
    pub(crate) login_hint: Option<LoginHintBody>,
}

/// The body of `PATCH /v1/saml_connections/{id}`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct SamlUpdateBody {
    pub(crate) name: Option<String>,
    pub(crate) domain: Option<String>,
    pub(crate) domains: Option<Vec<String>>,
    pub(crate) idp_entity_id: Option<String>,
    pub(crate) idp_sso_url: Option<String>,
    pub(crate) idp_certificate: Option<String>,
    pub(crate) idp_metadata_url: Option<String>,
    pub(crate) idp_metadata: Option<String>,
    pub(crate) organization_id: Option<String>,
    pub(crate) attribute_mapping: Option<MappingBody>,
    pub(crate) active: Option<bool>,
    pub(crate) sync_user_attributes: Option<bool>,
    pub(crate) allow_subdomains: Option<bool>,
    pub(crate) allow_idp_initiated: Option<bool>,
    pub(crate) disable_additional_identifications: Option<bool>,
    pub(crate) allow_organization_account_linking: Option<bool>,
    pub(crate) force_authn: Option<bool>,
    pub(crate) login_hint: Option<LoginHintBody>,
    pub(crate) consent_verified_domains_deletion: Option<bool>,
}

/// The query of the SAML connection list.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct SamlListParams {
    pub(crate) limit: Option<i64>,
    pub(crate) offset: Option<i64>,
    pub(crate) query: Option<String>,
    pub(crate) order_by: Option<String>,
    pub(crate) organization_id: Vec<String>,
}

/// A domain as stored: trimmed, lower case, checked to be a host name with a dot.
pub(crate) fn normalize_domain(param: &str, raw: &str) -> ApiResult<String> {
    let d = raw.trim().to_lowercase();
    let ok = d.contains('.')
        && d.len() <= 253
        && d.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    if ok {
        Ok(d)
    } else {
        Err(ApiError::format_invalid(
            param,
            format!("{raw} is not a valid domain."),
        ))
    }
}

fn normalize_domains(param: &str, raw: &[String]) -> ApiResult<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for d in raw {
        let d = normalize_domain(param, d)?;
        if !out.contains(&d) {
            out.push(d);
        }
    }
    Ok(out)
}

/// 409 when a domain already belongs to another connection (**unverified** status and code).
fn check_domains_free(db: &Db, domains: &[String], except: &str) -> ApiResult<()> {
    let taken = db
        .connections
        .saml
        .values()
        .filter(|c| c.id != except && c.enterprise_connection_id.as_deref() != Some(except))
        .flat_map(|c| c.domains.iter())
        .chain(
            db.connections
                .enterprise
                .values()
                .filter(|c| c.id != except)
                .flat_map(|c| c.domains.iter()),
        )
        .find(|d| domains.contains(d));
    match taken {
        Some(d) => {
            let text = format!("The domain {d} is already used by another connection.");
            Err(ApiError::new(
                StatusCode::CONFLICT,
                "duplicate_record",
                &text,
                text.clone(),
            )
            .param("domains"))
        }
        None => Ok(()),
    }
}

fn check_url(param: &str, value: Option<&str>) -> ApiResult<()> {
    match value {
        Some(u) if !(u.is_empty() || u.starts_with("https://") || u.starts_with("http://")) => Err(
            ApiError::format_invalid(param, format!("{param} must be a valid URL.")),
        ),
        _ => Ok(()),
    }
}

fn check_organization(db: &Db, organization_id: Option<&str>) -> ApiResult<()> {
    match organization_id {
        Some(id) if !super::organizations::org_exists(db, id) => Err(ApiError::not_found(
            "Given organization not found.".to_owned(),
        )),
        _ => Ok(()),
    }
}

fn check_login_hint(hint: &Option<LoginHintBody>) -> ApiResult<()> {
    if let Some(h) = hint {
        if !LOGIN_HINT_MODES.contains(&h.mode.as_str()) {
            return Err(ApiError::value_invalid(
                "login_hint",
                format!("{} is not a valid login_hint mode.", h.mode),
            ));
        }
        if h.mode == "custom_attribute" && h.source.as_deref().is_none_or(str::is_empty) {
            return Err(ApiError::param_missing("source"));
        }
    }
    Ok(())
}

fn provider_invalid(provider: &str) -> ApiError {
    ApiError::value_invalid(
        "provider",
        format!("{provider} does not match one of the allowed values for parameter provider"),
    )
}

fn apply_mapping(mapping: &mut SamlAttributeMapping, body: &MappingBody) {
    if let Some(v) = &body.user_id {
        mapping.user_id = v.clone();
    }
    if let Some(v) = &body.email_address {
        mapping.email_address = v.clone();
    }
    if let Some(v) = &body.first_name {
        mapping.first_name = v.clone();
    }
    if let Some(v) = &body.last_name {
        mapping.last_name = v.clone();
    }
}

/// Whether the IdP is configured enough to sign in through: metadata (URL or XML), or the
/// entity id, sign-on URL and certificate.
fn idp_configured(c: &SamlConnection) -> bool {
    c.idp_metadata_url.as_deref().is_some_and(|s| !s.is_empty())
        || c.idp_metadata.as_deref().is_some_and(|s| !s.is_empty())
        || [&c.idp_entity_id, &c.idp_sso_url, &c.idp_certificate]
            .iter()
            .all(|v| v.as_deref().is_some_and(|s| !s.is_empty()))
}

/// 422 for activating a connection whose IdP is not configured (**unverified** code).
fn not_configured() -> ApiError {
    ApiError::value_invalid(
        "active",
        "The connection cannot be activated before its IdP metadata, or its entity ID, SSO URL \
         and certificate, are set.",
    )
}

fn saml_not_found(id: &str) -> ApiError {
    ApiError::not_found(format!("No SAML connection was found with id {id}"))
}

/// A new SAML connection with Clerk's defaults, its service-provider URLs on the emulator.
fn new_saml(base_url: &str, name: &str, provider: &str, domains: Vec<String>) -> SamlConnection {
    let now = now_ms();
    let id = new_id("samlc");
    SamlConnection {
        object: "saml_connection".into(),
        acs_url: format!("{base_url}/v1/saml/acs/{id}"),
        sp_entity_id: format!("{base_url}/saml/{id}"),
        sp_metadata_url: format!("{base_url}/v1/saml/metadata/{id}"),
        id,
        name: name.to_owned(),
        domain: domains.first().cloned().unwrap_or_default(),
        domains,
        idp_entity_id: None,
        idp_sso_url: None,
        idp_certificate: None,
        idp_certificate_issued_at: None,
        idp_certificate_expires_at: None,
        idp_metadata_url: None,
        idp_metadata: None,
        organization_id: None,
        attribute_mapping: SamlAttributeMapping {
            user_id: String::new(),
            email_address: String::new(),
            first_name: String::new(),
            last_name: String::new(),
        },
        active: false,
        provider: provider.to_owned(),
        user_count: 0,
        sync_user_attributes: true,
        allow_subdomains: false,
        allow_idp_initiated: false,
        disable_additional_identifications: false,
        allow_organization_account_linking: false,
        force_authn: false,
        authenticatable: false,
        disable_jit_provisioning: false,
        login_hint: SamlLoginHint {
            mode: "email_address".into(),
            source: None,
        },
        enterprise_connection_id: None,
        created_at: now,
        updated_at: now,
    }
}

/// The domains a SAML body names (`domains`, else `domain`), normalised.
fn body_domains(
    domain: &Option<String>,
    domains: &Option<Vec<String>>,
) -> ApiResult<Option<Vec<String>>> {
    match (domains, domain) {
        (Some(list), _) if !list.is_empty() => normalize_domains("domains", list).map(Some),
        (_, Some(one)) => normalize_domain("domain", one).map(|d| Some(vec![d])),
        _ => Ok(None),
    }
}

/// Creates a SAML connection: `name`, `provider` and at least one domain are needed; its
/// domains must not belong to another connection; it starts inactive.
pub(crate) fn create_saml(
    db: &mut Db,
    base_url: &str,
    b: SamlCreateBody,
) -> ApiResult<SamlConnection> {
    if b.name.trim().is_empty() {
        return Err(ApiError::param_missing("name"));
    }
    if !SAML_PROVIDERS.contains(&b.provider.as_str()) {
        return Err(provider_invalid(&b.provider));
    }
    let domains =
        body_domains(&b.domain, &b.domains)?.ok_or_else(|| ApiError::param_missing("domain"))?;
    check_url("idp_sso_url", b.idp_sso_url.as_deref())?;
    check_url("idp_metadata_url", b.idp_metadata_url.as_deref())?;
    check_login_hint(&b.login_hint)?;
    check_organization(db, b.organization_id.as_deref())?;
    check_domains_free(db, &domains, "")?;
    let mut c = new_saml(base_url, &b.name, &b.provider, domains);
    c.idp_entity_id = b.idp_entity_id;
    c.idp_sso_url = b.idp_sso_url;
    c.idp_certificate = b.idp_certificate;
    c.idp_metadata_url = b.idp_metadata_url;
    c.idp_metadata = b.idp_metadata;
    c.organization_id = b.organization_id;
    if let Some(m) = &b.attribute_mapping {
        apply_mapping(&mut c.attribute_mapping, m);
    }
    c.force_authn = b.force_authn.unwrap_or(false);
    if let Some(h) = b.login_hint {
        c.login_hint = SamlLoginHint {
            mode: h.mode,
            source: h.source,
        };
    }
    db.connections.saml.insert(c.id.clone(), c.clone());
    Ok(c)
}

pub(crate) fn get_saml(db: &Db, id: &str) -> ApiResult<SamlConnection> {
    db.connections
        .saml
        .get(id)
        .cloned()
        .ok_or_else(|| saml_not_found(id))
}

/// Applies a SAML connection update; activating needs a configured IdP.
pub(crate) fn update_saml(db: &mut Db, id: &str, b: SamlUpdateBody) -> ApiResult<SamlConnection> {
    let mut c = get_saml(db, id)?;
    if let Some(name) = &b.name {
        if name.trim().is_empty() {
            return Err(ApiError::value_invalid("name", "name must not be blank."));
        }
        c.name = name.clone();
    }
    if let Some(domains) = body_domains(&b.domain, &b.domains)? {
        check_domains_free(
            db,
            &domains,
            &c.enterprise_connection_id
                .clone()
                .unwrap_or_else(|| c.id.clone()),
        )?;
        c.domain = domains.first().cloned().unwrap_or_default();
        c.domains = domains;
    }
    check_url("idp_sso_url", b.idp_sso_url.as_deref())?;
    check_url("idp_metadata_url", b.idp_metadata_url.as_deref())?;
    check_login_hint(&b.login_hint)?;
    check_organization(db, b.organization_id.as_deref())?;
    let _ = b.consent_verified_domains_deletion;
    macro_rules! set_opt {
        ($($field:ident),*) => { $( if let Some(v) = b.$field { c.$field = Some(v); } )* };
    }
    set_opt!(
        idp_entity_id,
        idp_sso_url,
        idp_certificate,
        idp_metadata_url,
        idp_metadata,
        organization_id
    );
    macro_rules! set {
        ($($field:ident),*) => { $( if let Some(v) = b.$field { c.$field = v; } )* };
    }
    set!(
        sync_user_attributes,
        allow_subdomains,
        allow_idp_initiated,
        disable_additional_identifications,
        allow_organization_account_linking,
        force_authn
    );
    if let Some(m) = &b.attribute_mapping {
        apply_mapping(&mut c.attribute_mapping, m);
    }
    if let Some(h) = b.login_hint {
        c.login_hint = SamlLoginHint {
            mode: h.mode,
            source: h.source,
        };
    }
    if let Some(active) = b.active {
        if active && !idp_configured(&c) {
            return Err(not_configured());
        }
        c.active = active;
        c.authenticatable = active;
    }
    c.updated_at = now_ms().max(c.updated_at);
    db.connections.saml.insert(c.id.clone(), c.clone());
    Ok(c)
}

/// Deletes a SAML connection.
pub(crate) fn delete_saml(db: &mut Db, id: &str) -> ApiResult<()> {
    db.connections
        .saml
        .remove(id)
        .map(|_| ())
        .ok_or_else(|| saml_not_found(id))
}

/// The SAML connections a list asks for, with the total before paging.
pub(crate) fn list_saml(db: &Db, p: &SamlListParams) -> ApiResult<(Vec<SamlConnection>, usize)> {
    let raw = p.order_by.as_deref().unwrap_or("-created_at");
    let (field, desc) = super::paging::sort_order(raw, &["created_at", "name"])?;
    let (limit, offset) = paging(p.limit, p.offset)?;
    let query = p
        .query
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .map(str::to_lowercase);
    let orgs: Vec<&str> = p
        .organization_id
        .iter()
        .map(|o| o.trim_start_matches(['+', '-']))
        .filter(|o| !o.is_empty())
        .collect();
    let mut rows: Vec<SamlConnection> = db
        .connections
        .saml
        .values()
        .filter(|c| query.as_deref().is_none_or(|q| contains_ci(&c.name, q)))
        .filter(|c| {
            orgs.is_empty()
                || c.organization_id
                    .as_deref()
                    .is_some_and(|o| orgs.contains(&o))
        })
        .cloned()
        .collect();
    rows.sort_by(|a, b| {
        let by = match field {
            "name" => a.name.to_lowercase().cmp(&b.name.to_lowercase()),
            _ => a.created_at.cmp(&b.created_at),
        };
        directed(by.then_with(|| a.id.cmp(&b.id)), desc)
    });
    Ok(super::paging::cut(rows, limit, offset, |r| r))
}

// ---- enterprise connections ----------------------------------------------------------------

/// The `saml` object of an enterprise connection body.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct EnterpriseSamlBody {
    pub(crate) name: Option<String>,
    pub(crate) idp_entity_id: Option<String>,
    pub(crate) idp_sso_url: Option<String>,
    pub(crate) idp_certificate: Option<String>,
    pub(crate) idp_metadata_url: Option<String>,
    pub(crate) idp_metadata: Option<String>,
    pub(crate) attribute_mapping: Option<Map<String, Value>>,
    pub(crate) allow_subdomains: Option<bool>,
    pub(crate) allow_idp_initiated: Option<bool>,
    pub(crate) force_authn: Option<bool>,
    pub(crate) login_hint: Option<LoginHintBody>,
}

/// The `oidc` object of an enterprise connection body.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct EnterpriseOidcBody {
    pub(crate) client_id: Option<String>,
    pub(crate) client_secret: Option<String>,
    pub(crate) discovery_url: Option<String>,
    pub(crate) auth_url: Option<String>,
    pub(crate) token_url: Option<String>,
    pub(crate) user_info_url: Option<String>,
    pub(crate) requires_pkce: Option<bool>,
}

/// The body of `POST /v1/enterprise_connections`.
#[derive(Debug, Deserialize)]
pub(crate) struct EnterpriseCreateBody {
    pub(crate) name: String,
    pub(crate) provider: String,
    pub(crate) domains: Vec<String>,
    #[serde(default)]
    pub(crate) organization_id: Option<String>,
    #[serde(default)]
    pub(crate) allow_organization_account_linking: Option<bool>,
    #[serde(default)]
    pub(crate) active: Option<bool>,
    #[serde(default)]
    pub(crate) saml: Option<EnterpriseSamlBody>,
    #[serde(default)]
    pub(crate) oidc: Option<EnterpriseOidcBody>,
    #[serde(default)]
    pub(crate) custom_attributes: Option<Vec<Map<String, Value>>>,
}

/// The body of `PATCH /v1/enterprise_connections/{id}`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct EnterpriseUpdateBody {
    pub(crate) name: Option<String>,
    pub(crate) domains: Option<Vec<String>>,
    pub(crate) active: Option<bool>,
    pub(crate) sync_user_attributes: Option<bool>,
    pub(crate) disable_additional_identifications: Option<bool>,
    pub(crate) allow_organization_account_linking: Option<bool>,
    pub(crate) organization_id: Option<String>,
    pub(crate) saml: Option<EnterpriseSamlBody>,
    pub(crate) oidc: Option<EnterpriseOidcBody>,
    pub(crate) custom_attributes: Option<Vec<Map<String, Value>>>,
}

/// The query of the enterprise connection list.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct EnterpriseListParams {
    pub(crate) limit: Option<i64>,
    pub(crate) offset: Option<i64>,
    pub(crate) organization_id: Option<String>,
    pub(crate) active: Option<bool>,
}

pub(crate) fn enterprise_not_found(id: &str) -> ApiError {
    ApiError::not_found(format!("No enterprise connection was found with id {id}"))
}

fn check_custom_attributes(attrs: &[Map<String, Value>]) -> ApiResult<()> {
    for a in attrs {
        for key in ["name", "key"] {
            if !a.get(key).is_some_and(Value::is_string) {
                return Err(ApiError::param_missing(key));
            }
        }
    }
    Ok(())
}

fn set_str(map: &mut Map<String, Value>, key: &str, value: &Option<String>) {
    if let Some(v) = value {
        map.insert(key.to_owned(), Value::from(v.clone()));
    }
}

fn set_bool(map: &mut Map<String, Value>, key: &str, value: Option<bool>) {
    if let Some(v) = value {
        map.insert(key.to_owned(), Value::from(v));
    }
}

fn apply_saml(side: &mut Map<String, Value>, b: &EnterpriseSamlBody) -> ApiResult<()> {
    check_url("idp_sso_url", b.idp_sso_url.as_deref())?;
    check_url("idp_metadata_url", b.idp_metadata_url.as_deref())?;
    check_login_hint(&b.login_hint)?;
    set_str(side, "name", &b.name);
    set_str(side, "idp_entity_id", &b.idp_entity_id);
    set_str(side, "idp_sso_url", &b.idp_sso_url);
    set_str(side, "idp_metadata_url", &b.idp_metadata_url);
    set_bool(side, "allow_subdomains", b.allow_subdomains);
    set_bool(side, "allow_idp_initiated", b.allow_idp_initiated);
    set_bool(side, "force_authn", b.force_authn);
    if let Some(h) = &b.login_hint {
        let mut hint = json!({"mode": h.mode});
        if let Some(s) = &h.source {
            hint["source"] = Value::from(s.clone());
        }
        side.insert("login_hint".into(), hint);
    }
    // Not served: whether metadata XML or a certificate was given (they are not echoed).
    if b.idp_metadata.as_deref().is_some_and(|s| !s.is_empty()) {
        side.insert("_has_metadata".into(), Value::Bool(true));
    }
    if b.idp_certificate.as_deref().is_some_and(|s| !s.is_empty()) {
        side.insert("_has_certificate".into(), Value::Bool(true));
    }
    Ok(())
}

fn apply_oidc(side: &mut Map<String, Value>, b: &EnterpriseOidcBody) -> ApiResult<()> {
    for (param, v) in [
        ("discovery_url", &b.discovery_url),
        ("auth_url", &b.auth_url),
        ("token_url", &b.token_url),
        ("user_info_url", &b.user_info_url),
    ] {
        check_url(param, v.as_deref())?;
    }
    set_str(side, "client_id", &b.client_id);
    set_str(side, "discovery_url", &b.discovery_url);
    set_str(side, "auth_url", &b.auth_url);
    set_str(side, "token_url", &b.token_url);
    set_str(side, "user_info_url", &b.user_info_url);
    set_bool(side, "requires_pkce", b.requires_pkce);
    if b.client_secret.is_some() {
        side.insert("_has_secret".into(), Value::Bool(true));
    }
    side.insert("updated_at".into(), Value::from(now_ms()));
    Ok(())
}

/// Whether the connection's IdP is configured enough to be active: for SAML, metadata, or the
/// entity id, sign-on URL and certificate; for OIDC, a client id and a discovery URL or the
/// authorization and token URLs.
pub(crate) fn enterprise_configured(c: &EnterpriseConnection) -> bool {
    let has = |m: &Map<String, Value>, k: &str| {
        m.get(k)
            .and_then(Value::as_str)
            .is_some_and(|s| !s.is_empty())
    };
    if let Some(s) = &c.saml_connection {
        return has(s, "idp_metadata_url")
            || s.contains_key("_has_metadata")
            || (has(s, "idp_entity_id")
                && has(s, "idp_sso_url")
                && s.contains_key("_has_certificate"));
    }
    if let Some(o) = &c.oauth_config {
        return has(o, "client_id")
            && (has(o, "discovery_url") || (has(o, "auth_url") && has(o, "token_url")));
    }
    false
}

/// The connection as served: the internal markers dropped from its nested sides.
pub(crate) fn render_enterprise(c: &EnterpriseConnection) -> EnterpriseConnection {
    let mut c = c.clone();
    for side in [&mut c.saml_connection, &mut c.oauth_config]
        .into_iter()
        .flatten()
    {
        side.retain(|k, _| !k.starts_with('_'));
    }
    c
}

/// Creates an enterprise connection: `name`, `provider` and at least one domain; domains are
/// lower-cased and must not belong to another connection; `active: true` needs the IdP
/// configured.
pub(crate) fn create_enterprise(
    db: &mut Db,
    base_url: &str,
    b: EnterpriseCreateBody,
) -> ApiResult<EnterpriseConnection> {
    if b.name.trim().is_empty() {
        return Err(ApiError::param_missing("name"));
    }
    let saml = SAML_PROVIDERS.contains(&b.provider.as_str());
    if !saml && !OIDC_PROVIDERS.contains(&b.provider.as_str()) {
        return Err(provider_invalid(&b.provider));
    }
    if b.domains.is_empty() {
        return Err(ApiError::param_missing("domains"));
    }
    let domains = normalize_domains("domains", &b.domains)?;
    if let Some(attrs) = &b.custom_attributes {
        check_custom_attributes(attrs)?;
    }
    check_organization(db, b.organization_id.as_deref())?;
    check_domains_free(db, &domains, "")?;
    let now = now_ms();
    let id = new_id("entconn");
    let (saml_side, oauth_side) = if saml {
        let sp = new_saml(base_url, &b.name, &b.provider, domains.clone());
        let mut side = Map::new();
        side.insert("id".into(), Value::from(sp.id.clone()));
        side.insert("name".into(), Value::from(b.name.clone()));
        side.insert("acs_url".into(), Value::from(sp.acs_url));
        side.insert("sp_entity_id".into(), Value::from(sp.sp_entity_id));
        side.insert("sp_metadata_url".into(), Value::from(sp.sp_metadata_url));
        side.insert("active".into(), Value::Bool(false));
        side.insert("allow_idp_initiated".into(), Value::Bool(false));
        side.insert("allow_subdomains".into(), Value::Bool(false));
        side.insert("force_authn".into(), Value::Bool(false));
        side.insert("login_hint".into(), json!({"mode": "email_address"}));
        if let Some(s) = &b.saml {
            apply_saml(&mut side, s)?;
        }
        (Some(side), None)
    } else {
        let mut side = Map::new();
        side.insert("id".into(), Value::from(new_id("oac")));
        side.insert("name".into(), Value::from(b.name.clone()));
        side.insert("provider_key".into(), Value::from(b.provider.clone()));
        side.insert("requires_pkce".into(), Value::Bool(false));
        side.insert("created_at".into(), Value::from(now));
        side.insert("updated_at".into(), Value::from(now));
        if let Some(o) = &b.oidc {
            apply_oidc(&mut side, o)?;
        }
        (None, Some(side))
    };
    let mut c = EnterpriseConnection {
        object: "enterprise_connection".into(),
        id,
        name: b.name,
        provider: b.provider,
        logo_public_url: None,
        active: false,
        domains,
        organization_id: b.organization_id,
        sync_user_attributes: true,
        disable_additional_identifications: false,
        allow_organization_account_linking: b.allow_organization_account_linking.unwrap_or(false),
        authenticatable: false,
        disable_jit_provisioning: false,
        custom_attributes: b
            .custom_attributes
            .unwrap_or_default()
            .into_iter()
            .map(Value::Object)
            .collect(),
        saml_connection: saml_side,
        oauth_config: oauth_side,
        created_at: now,
        updated_at: now,
    };
    if b.active == Some(true) {
        if !enterprise_configured(&c) {
            return Err(not_configured());
        }
        set_active(&mut c, true);
    }
    db.connections.enterprise.insert(c.id.clone(), c.clone());
    Ok(render_enterprise(&c))
}

fn set_active(c: &mut EnterpriseConnection, active: bool) {
    c.active = active;
    c.authenticatable = active;
    if let Some(s) = &mut c.saml_connection {
        s.insert("active".into(), Value::Bool(active));
    }
}

pub(crate) fn get_enterprise(db: &Db, id: &str) -> ApiResult<EnterpriseConnection> {
    db.connections
        .enterprise
        .get(id)
        .cloned()
        .ok_or_else(|| enterprise_not_found(id))
}

/// Applies an enterprise connection update. An empty `domains` leaves them unchanged.
pub(crate) fn update_enterprise(
    db: &mut Db,
    id: &str,
    b: EnterpriseUpdateBody,
) -> ApiResult<EnterpriseConnection> {
    let mut c = get_enterprise(db, id)?;
    if let Some(name) = &b.name {
        if name.trim().is_empty() {
            return Err(ApiError::value_invalid("name", "name must not be blank."));
        }
        c.name = name.clone();
    }
    if let Some(domains) = b.domains.as_ref().filter(|d| !d.is_empty()) {
        let domains = normalize_domains("domains", domains)?;
        check_domains_free(db, &domains, &c.id)?;
        c.domains = domains;
    }
    if let Some(attrs) = &b.custom_attributes {
        check_custom_attributes(attrs)?;
        c.custom_attributes = attrs.iter().cloned().map(Value::Object).collect();
    }
    check_organization(db, b.organization_id.as_deref())?;
    if let Some(org) = b.organization_id {
        c.organization_id = Some(org);
    }
    if let Some(v) = b.sync_user_attributes {
        c.sync_user_attributes = v;
    }
    if let Some(v) = b.disable_additional_identifications {
        c.disable_additional_identifications = v;
    }
    if let Some(v) = b.allow_organization_account_linking {
        c.allow_organization_account_linking = v;
    }
    if let (Some(side), Some(s)) = (&mut c.saml_connection, &b.saml) {
        apply_saml(side, s)?;
    }
    if let (Some(side), Some(o)) = (&mut c.oauth_config, &b.oidc) {
        apply_oidc(side, o)?;
    }
    if let Some(active) = b.active {
        if active && !enterprise_configured(&c) {
            return Err(not_configured());
        }
        set_active(&mut c, active);
    }
    c.updated_at = now_ms().max(c.updated_at);
    db.connections.enterprise.insert(c.id.clone(), c.clone());
    Ok(render_enterprise(&c))
}

/// Deletes an enterprise connection.
pub(crate) fn delete_enterprise(db: &mut Db, id: &str) -> ApiResult<()> {
    db.connections
        .enterprise
        .remove(id)
        .ok_or_else(|| enterprise_not_found(id))?;
    super::connection_tests::drop_test_runs(db, id);
    super::directories::connection_deleted(db, id);
    Ok(())
}

/// The enterprise connections a list asks for, newest first, with the total before paging.
pub(crate) fn list_enterprise(
    db: &Db,
    p: &EnterpriseListParams,
) -> ApiResult<(Vec<EnterpriseConnection>, usize)> {
    let (limit, offset) = paging(p.limit, p.offset)?;
    let rows: Vec<EnterpriseConnection> = db
        .connections
        .enterprise
        .values()
        .rev()
        .filter(|c| {
            p.organization_id
                .as_deref()
                .is_none_or(|o| c.organization_id.as_deref() == Some(o))
        })
        .filter(|c| p.active.is_none_or(|a| c.active == a))
        .map(render_enterprise)
        .collect();
    Ok(super::paging::cut(rows, limit, offset, |r| r))
}
