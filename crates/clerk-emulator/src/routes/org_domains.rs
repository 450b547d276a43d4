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

use crate::domain::org_domains::*;
use crate::domain::organizations as orgs;
use crate::error::{ApiError, ApiResult};
use crate::ids::{new_id, now_ms};
use crate::server::{JsonBody, Query, Shared, json};
use crate::store::org_domains::*;
use crate::wire::{DeletedObject, OrganizationDomainEnrollmentMode as Mode};
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, patch, post};

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

async fn create_domain(
    State(state): State<Shared>,
    Path(org_id): Path<String>,
    JsonBody(body): JsonBody<CreateDomainBody>,
) -> ApiResult<Response> {
    let mut db = state.write();
    if !orgs::org_exists(&db, &org_id) {
        return Err(org_not_found());
    }
    crate::domain::instance::check_org_domain(&db, body.enrollment_mode.as_deref())?;
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
    if body.enrollment_mode.is_some() {
        crate::domain::instance::check_org_domain(&db, body.enrollment_mode.as_deref())?;
    }
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
