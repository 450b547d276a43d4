//! The instance's domains (`/v1/domains`) and proxy checks (`/v1/proxy_checks`).
//!
//! The primary domain is the emulator's own address (its id is derived from the instance id, so
//! it stays the same across restarts); it can be renamed and given a proxy URL but not
//! deleted (403). Satellite domains are added with `is_satellite: true` (the only value the
//! spec allows), a host name with an optional port, unique among the instance's domains (422
//! `form_identifier_exists`, **unverified**), and an optional absolute `http(s)` `proxy_url`.
//! The emulator serves one Frontend API address for every domain and no DNS records
//! (`cname_targets` is null, as for a development instance). A proxy check cannot reach a
//! real proxy from here: it records a check of the domain's proxy URL (or the one given) as
//! successful when the URL is well formed (**unverified** stand-in).

use crate::domain::instance::*;
use crate::error::{ApiError, ApiResult};
use crate::ids::{new_id, now_ms};
use crate::server::{JsonBody, Shared, json};
use crate::store::instance::SatelliteRecord;
use crate::wire::{DeletedObject, Domain, ProxyCheck};
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, patch, post};
use serde::Deserialize;
use serde_json::json;

pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route("/v1/domains", get(list_domains).post(add_domain))
        .route(
            "/v1/domains/{domain_id}",
            patch(update_domain).delete(delete_domain),
        )
        .route("/v1/proxy_checks", post(proxy_check))
}

/// `GET /v1/domains`: the primary domain, then the satellites oldest first.
async fn list_domains(State(state): State<Shared>) -> ApiResult<Response> {
    let db = state.read();
    let s = settings(&db);
    let mut data: Vec<Domain> = vec![render_primary(&s, &state.instance_id, &state.base_url)];
    data.extend(
        db.instance
            .domains
            .values()
            .map(|d| render_satellite(d, &state.base_url)),
    );
    let total = data.len();
    Ok(json(&json!({"data": data, "total_count": total})))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct AddBody {
    name: Option<String>,
    is_satellite: Option<bool>,
    proxy_url: Option<String>,
}

async fn add_domain(
    State(state): State<Shared>,
    JsonBody(b): JsonBody<AddBody>,
) -> ApiResult<Response> {
    let name = check_domain_name(
        b.name
            .as_deref()
            .ok_or_else(|| ApiError::param_missing("name"))?,
    )?;
    match b.is_satellite {
        None => return Err(ApiError::param_missing("is_satellite")),
        Some(false) => {
            return Err(ApiError::value_invalid(
                "is_satellite",
                "is_satellite must be true: an instance has one primary domain.",
            ));
        }
        Some(true) => {}
    }
    let proxy_url = b.proxy_url.as_deref().map(check_proxy_url).transpose()?;
    let mut db = state.write();
    let primary = render_primary(&settings(&db), &state.instance_id, &state.base_url);
    if domain_taken(&db, &primary.name, &name, None) {
        return Err(domain_exists());
    }
    let record = SatelliteRecord {
        id: new_id("dmn"),
        name,
        proxy_url,
        created_at: now_ms(),
    };
    db.instance
        .domains
        .insert(record.id.clone(), record.clone());
    Ok(json(&render_satellite(&record, &state.base_url)))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct UpdateBody {
    name: Option<String>,
    #[serde(deserialize_with = "present")]
    proxy_url: Option<Option<String>>,
    is_secondary: Option<bool>,
}

/// A field that is present, null or not: `Some(None)` for null, `None` when absent.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

/// `PATCH /v1/domains/{id}`: `name` renames, `proxy_url` sets (null clears) the proxy.
async fn update_domain(
    State(state): State<Shared>,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<UpdateBody>,
) -> ApiResult<Response> {
    let _ = b.is_secondary;
    let name = b.name.as_deref().map(check_domain_name).transpose()?;
    let proxy_url = match &b.proxy_url {
        Some(Some(url)) => Some(Some(check_proxy_url(url)?)),
        Some(None) => Some(None),
        None => None,
    };
    let mut db = state.write();
    let s = settings(&db);
    let primary = render_primary(&s, &state.instance_id, &state.base_url);
    let is_primary = id == primary.id;
    if !is_primary && !db.instance.domains.contains_key(&id) {
        return Err(domain_not_found(&id));
    }
    if let Some(name) = &name {
        let except = (!is_primary).then_some(id.as_str());
        let primary_name = if is_primary {
            ""
        } else {
            primary.name.as_str()
        };
        if domain_taken(&db, primary_name, name, except) {
            return Err(domain_exists());
        }
    }
    if is_primary {
        let s = change_settings(&mut db, |s| {
            if let Some(name) = name {
                s.primary_domain_name = Some(name);
            }
            if let Some(url) = proxy_url {
                s.primary_proxy_url = url;
            }
        });
        return Ok(json(&render_primary(
            &s,
            &state.instance_id,
            &state.base_url,
        )));
    }
    let Some(d) = db.instance.domains.get_mut(&id) else {
        return Err(domain_not_found(&id));
    };
    if let Some(name) = name {
        d.name = name;
    }
    if let Some(url) = proxy_url {
        d.proxy_url = url;
    }
    let d = d.clone();
    Ok(json(&render_satellite(&d, &state.base_url)))
}

async fn delete_domain(State(state): State<Shared>, Path(id): Path<String>) -> ApiResult<Response> {
    if id == primary_domain_id(&state.instance_id) {
        return Err(primary_not_deletable());
    }
    let mut db = state.write();
    db.instance
        .domains
        .remove(&id)
        .ok_or_else(|| domain_not_found(&id))?;
    db.instance.proxy_checks.retain(|_, c| c.domain_id != id);
    Ok(json(&DeletedObject {
        object: "domain".into(),
        id: Some(id),
        slug: None,
        deleted: true,
        external_id: None,
    }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ProxyCheckBody {
    domain_id: Option<String>,
    proxy_url: Option<String>,
}

/// `POST /v1/proxy_checks`: `domain_id` is required; `proxy_url` defaults to the domain's own
/// (422 `form_param_missing` when it has none). One check per domain and URL, rerun in place.
async fn proxy_check(
    State(state): State<Shared>,
    JsonBody(b): JsonBody<ProxyCheckBody>,
) -> ApiResult<Response> {
    let domain_id = b
        .domain_id
        .ok_or_else(|| ApiError::param_missing("domain_id"))?;
    let given = b.proxy_url.as_deref().map(check_proxy_url).transpose()?;
    let mut db = state.write();
    let s = settings(&db);
    let domain = if domain_id == primary_domain_id(&state.instance_id) {
        render_primary(&s, &state.instance_id, &state.base_url)
    } else {
        let d = db
            .instance
            .domains
            .get(&domain_id)
            .ok_or_else(|| domain_not_found(&domain_id))?;
        render_satellite(d, &state.base_url)
    };
    let proxy_url = given
        .or(domain.proxy_url)
        .ok_or_else(|| ApiError::param_missing("proxy_url"))?;
    let now = now_ms();
    let existing = db
        .instance
        .proxy_checks
        .values()
        .find(|c| c.domain_id == domain_id && c.proxy_url == proxy_url)
        .cloned();
    let check = match existing {
        Some(mut c) => {
            c.last_run_at = Some(now);
            c.updated_at = now.max(c.updated_at);
            c.successful = true;
            c
        }
        None => ProxyCheck {
            object: "proxy_check".into(),
            id: new_id("proxychk"),
            domain_id,
            last_run_at: Some(now),
            proxy_url,
            successful: true,
            created_at: now,
            updated_at: now,
        },
    };
    db.instance
        .proxy_checks
        .insert(check.id.clone(), check.clone());
    Ok(json(&check))
}
