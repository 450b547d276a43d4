//! Organizations, their memberships and invitations, with Clerk's semantics: unique slugs (one
//! is derived from the name when none is given), the creator as first admin, membership quotas
//! that count pending invitations, roles that must exist (and be in the organization's role set,
//! see `org_roles.rs`), invitations that expire, and the `o` claim of session tokens.
//!
//! Accepting an invitation is a Frontend API action; here, adding as a member a user who owns
//! an invited address accepts that organization's pending invitations to it: the invitation's
//! metadata moves to the membership and `organizationInvitation.accepted` is sent.

use crate::domain::org_roles::{self};
use crate::domain::organizations::*;
use crate::domain::validate::{check_metadata, deep_merge};
use crate::error::{ApiError, ApiResult};
use crate::ids::{new_id, now_ms};
use crate::server::{JsonBody, Query, Shared, UPLOAD_BODY_LIMIT, json, parse_json_body};
use crate::store::organizations::*;
use crate::store::{Db, Image};
use crate::wire::{
    CreateOrganizationInvitationRequest, CreateOrganizationMembershipRequest,
    CreateOrganizationRequest, DeletedObject, Metadata, Organization, OrganizationInvitationStatus,
    OrganizationMetadataRequest, RevokeOrganizationInvitationRequest,
    UpdateOrganizationMembershipRequest, UpdateOrganizationRequest,
};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, patch, post, put};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashSet};

pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route(
            "/v1/organizations",
            get(list_organizations).post(create_organization),
        )
        .route(
            "/v1/organizations/{organization_id}",
            get(get_organization)
                .patch(update_organization)
                .delete(delete_organization),
        )
        .route(
            "/v1/organizations/{organization_id}/metadata",
            patch(merge_metadata).put(replace_metadata),
        )
        .route(
            "/v1/organizations/{organization_id}/logo",
            put(upload_logo)
                .delete(delete_logo)
                .layer(axum::extract::DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .route(
            "/v1/organizations/{organization_id}/memberships",
            get(list_memberships).post(create_membership),
        )
        .route(
            "/v1/organizations/{organization_id}/memberships/{user_id}",
            patch(update_membership).delete(delete_membership),
        )
        .route(
            "/v1/organizations/{organization_id}/memberships/{user_id}/metadata",
            patch(merge_membership_metadata),
        )
        .route(
            "/v1/organization_memberships",
            get(list_instance_memberships),
        )
        .route(
            "/v1/organization_invitations",
            get(list_instance_invitations),
        )
        .route(
            "/v1/organizations/{organization_id}/invitations",
            get(list_invitations).post(create_invitation),
        )
        .route(
            "/v1/organizations/{organization_id}/invitations/bulk",
            post(create_invitations_bulk),
        )
        .route(
            "/v1/organizations/{organization_id}/invitations/pending",
            get(list_pending_invitations),
        )
        .route(
            "/v1/organizations/{organization_id}/invitations/{invitation_id}",
            get(get_invitation),
        )
        .route(
            "/v1/organizations/{organization_id}/invitations/{invitation_id}/revoke",
            post(revoke_invitation),
        )
}

async fn create_organization(
    State(state): State<Shared>,
    JsonBody(body): JsonBody<CreateOrganizationRequest>,
) -> ApiResult<Response> {
    let name = check_name(&body.name)?;
    if let Some(slug) = &body.slug {
        check_slug(slug)?;
    }
    let max = check_max_memberships(body.max_allowed_memberships)?;
    let created_at = parse_created_at(body.created_at.as_deref())?;
    for (param, m) in [
        ("public_metadata", &body.public_metadata),
        ("private_metadata", &body.private_metadata),
    ] {
        if let Some(m) = m {
            check_metadata(param, m)?;
        }
    }
    let image_url = state.default_image_url();
    let org = {
        let mut db = state.write();
        crate::domain::instance::check_orgs_enabled(&db)?;
        let settings = crate::domain::instance::settings(&db);
        if let Some(creator) = &body.created_by
            && !db.users.contains_key(creator)
        {
            return Err(creator_not_found(creator));
        }
        let slug = match &body.slug {
            Some(s) if slug_taken(&db, s, None) => {
                return Err(ApiError::identifier_exists("slug"));
            }
            Some(s) => s.clone(),
            None => unique_slug(&db, &slugify(&name)),
        };
        let role_set_key = match &body.role_set_key {
            Some(key) => Some(check_role_set(&db, key)?),
            None => org_roles::initial_role_set_key(&db),
        };
        let now = now_ms();
        let org = Organization {
            object: "organization".into(),
            id: new_id("org"),
            name,
            slug,
            image_url: Some(image_url),
            has_image: false,
            members_count: None,
            missing_member_with_elevated_permissions: None,
            pending_invitations_count: None,
            max_allowed_memberships: max.unwrap_or(settings.max_allowed_memberships),
            admin_delete_enabled: settings.admin_delete_enabled,
            public_metadata: body.public_metadata.clone().unwrap_or_default(),
            private_metadata: Some(body.private_metadata.clone().unwrap_or_default()),
            created_by: body.created_by.clone(),
            created_at: created_at.unwrap_or(now),
            updated_at: now,
            last_active_at: None,
            role_set_key,
        };
        db.organizations.orgs.insert(org.id.clone(), org.clone());
        let mut creator_membership = None;
        if let Some(creator) = &body.created_by {
            let m = MembershipRecord {
                id: new_id("orgmem"),
                organization_id: org.id.clone(),
                user_id: creator.clone(),
                role: org_roles::creator_role_key(&db, &org),
                public_metadata: Metadata::new(),
                private_metadata: Metadata::new(),
                created_at: now,
                updated_at: now,
            };
            db.organizations.memberships.insert(m.id.clone(), m.clone());
            creator_membership = Some(render_membership(&db, &org, &m, FULL));
        }
        let created = render_org(&db, &org, FULL);
        db.emit("organization.created", &created);
        if let Some(m) = creator_membership {
            db.emit("organizationMembership.created", &m);
        }
        org
    };
    Ok(json(&org))
}

async fn list_organizations(
    State(state): State<Shared>,
    Query(p): Query<OrgListParams>,
) -> ApiResult<Response> {
    let (field, desc) = parse_order(
        &p.order_by,
        &["created_at", "name", "members_count"],
        ("created_at", true),
    )?;
    let (limit, offset) = paging(p.limit, p.offset)?;
    let view = View {
        counts: p.include_members_count == Some(true),
        elevated: p.include_missing_member_with_elevated_permissions == Some(true),
    };
    let db = state.read();
    let mut member_counts: BTreeMap<&str, usize> = BTreeMap::new();
    for m in db.organizations.memberships.values() {
        *member_counts.entry(m.organization_id.as_str()).or_default() += 1;
    }
    let count = |id: &str| member_counts.get(id).copied().unwrap_or(0);
    let orgs_of = |users: &[&str]| -> HashSet<&str> {
        db.organizations
            .memberships
            .values()
            .filter(|m| users.contains(&m.user_id.as_str()))
            .map(|m| m.organization_id.as_str())
            .collect()
    };
    let (user_in, user_out) = split_signed(&p.user_id);
    let with_users = (!user_in.is_empty()).then(|| orgs_of(&user_in));
    let without_users = orgs_of(&user_out);
    let (org_in, org_out) = split_signed(&p.organization_id);
    let query = lowered(&p.query);
    let mut orgs: Vec<&Organization> = db
        .organizations
        .orgs
        .values()
        .filter(|o| {
            let id = o.id.as_str();
            (org_in.is_empty() || org_in.contains(&id))
                && !org_out.contains(&id)
                && with_users.as_ref().is_none_or(|s| s.contains(id))
                && !without_users.contains(id)
                && query.as_ref().is_none_or(|q| {
                    p.query.as_deref() == Some(id)
                        || contains_ci(&o.name, q)
                        || contains_ci(&o.slug, q)
                })
        })
        .collect();
    orgs.sort_by(|a, b| {
        let by = match field {
            "name" => a.name.to_lowercase().cmp(&b.name.to_lowercase()),
            "members_count" => count(&a.id).cmp(&count(&b.id)),
            _ => a.created_at.cmp(&b.created_at),
        };
        directed(by.then_with(|| a.id.cmp(&b.id)), desc)
    });
    Ok(page(orgs, limit, offset, |o| render_org(&db, o, view)))
}

async fn get_organization(
    State(state): State<Shared>,
    Path(id_or_slug): Path<String>,
    Query(p): Query<GetOrgParams>,
) -> ApiResult<Response> {
    let db = state.read();
    let org = db
        .organizations
        .orgs
        .get(&id_or_slug)
        .or_else(|| {
            db.organizations
                .orgs
                .values()
                .find(|o| o.slug == id_or_slug)
        })
        .ok_or_else(org_not_found)?;
    let view = View {
        counts: p.include_members_count == Some(true),
        elevated: p.include_missing_member_with_elevated_permissions == Some(true),
    };
    Ok(json(&render_org(&db, org, view)))
}

async fn update_organization(
    State(state): State<Shared>,
    Path(org_id): Path<String>,
    JsonBody(body): JsonBody<UpdateOrganizationRequest>,
) -> ApiResult<Response> {
    let name = body.name.as_deref().map(check_name).transpose()?;
    if let Some(slug) = &body.slug {
        check_slug(slug)?;
    }
    let max = check_max_memberships(body.max_allowed_memberships)?;
    let created_at = parse_created_at(body.created_at.as_deref())?;
    let org = mutate_org(&state, &org_id, |db| {
        if let Some(slug) = &body.slug
            && slug_taken(db, slug, Some(&org_id))
        {
            return Err(ApiError::identifier_exists("slug"));
        }
        if let Some(key) = &body.role_set_key {
            check_role_set(db, key)?;
            // Every member's role must be one the new set hands out.
            if let Some(m) = members(db, &org_id)
                .find(|m| !org_roles::set_allows(db, Some(key.as_str()), &m.role))
            {
                return Err(org_roles::role_on_set_assigned(&m.role));
            }
        }
        let org = db
            .organizations
            .orgs
            .get_mut(&org_id)
            .ok_or_else(org_not_found)?;
        if let Some(name) = name {
            org.name = name;
        }
        if let Some(slug) = &body.slug {
            org.slug = slug.clone();
        }
        if let Some(max) = max {
            org.max_allowed_memberships = max;
        }
        if let Some(v) = body.admin_delete_enabled {
            org.admin_delete_enabled = v;
        }
        if let Some(ms) = created_at {
            org.created_at = ms;
        }
        if let Some(key) = &body.role_set_key {
            org.role_set_key = Some(key.clone());
        }
        Ok(())
    })?;
    Ok(json(&org))
}

async fn delete_organization(
    State(state): State<Shared>,
    Path(org_id): Path<String>,
) -> ApiResult<Response> {
    let mut db = state.write();
    let org = db
        .organizations
        .orgs
        .remove(&org_id)
        .ok_or_else(org_not_found)?;
    let data = &mut db.organizations;
    data.memberships.retain(|_, m| m.organization_id != org_id);
    data.invitations.retain(|_, i| i.organization_id != org_id);
    if let Some(image) = logo_image_id(&org) {
        db.images.remove(image);
    }
    crate::domain::org_domains::remove_organization(&mut db, &org_id);
    let now = now_ms();
    db.sessions.update_where(
        |s| s.last_active_organization_id.as_deref() == Some(org_id.as_str()),
        |s| {
            s.last_active_organization_id = None;
            s.updated_at = now;
        },
    );
    let deleted = DeletedObject {
        object: "organization".into(),
        id: Some(org.id),
        slug: Some(org.slug),
        deleted: true,
        external_id: None,
    };
    db.emit("organization.deleted", &deleted);
    Ok(json(&deleted))
}

async fn merge_metadata(
    State(state): State<Shared>,
    Path(org_id): Path<String>,
    JsonBody(body): JsonBody<OrganizationMetadataRequest>,
) -> ApiResult<Response> {
    Ok(json(&update_org_metadata(&state, &org_id, body, true)?))
}

async fn replace_metadata(
    State(state): State<Shared>,
    Path(org_id): Path<String>,
    JsonBody(body): JsonBody<OrganizationMetadataRequest>,
) -> ApiResult<Response> {
    Ok(json(&update_org_metadata(&state, &org_id, body, false)?))
}

async fn upload_logo(
    State(state): State<Shared>,
    Path(org_id): Path<String>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<Response> {
    find_org(&state.read(), &org_id)?;
    let upload = crate::server::read_image_upload(multipart).await?;
    let (content_type, data) = (upload.content_type, upload.data);
    let uploader = upload.fields.get("uploader_user_id").cloned();
    let image_id = new_id("img");
    let url = format!("{}/images/{image_id}", state.base_url);
    let org = mutate_org(&state, &org_id, |db| {
        if let Some(user) = &uploader
            && !db.users.contains_key(user)
        {
            return Err(ApiError::user_not_found(user));
        }
        let Db {
            organizations,
            images,
            ..
        } = db;
        let org = organizations
            .orgs
            .get_mut(&org_id)
            .ok_or_else(org_not_found)?;
        if let Some(old) = logo_image_id(org) {
            images.remove(old);
        }
        images.insert(
            image_id.clone(),
            Image {
                content_type: content_type.to_owned(),
                data: data.to_vec(),
            },
        );
        org.image_url = Some(url.clone());
        org.has_image = true;
        Ok(())
    })?;
    Ok(json(&org))
}

async fn delete_logo(
    State(state): State<Shared>,
    Path(org_id): Path<String>,
) -> ApiResult<Response> {
    let default = state.default_image_url();
    let org = mutate_org(&state, &org_id, |db| {
        let Db {
            organizations,
            images,
            ..
        } = db;
        let org = organizations
            .orgs
            .get_mut(&org_id)
            .ok_or_else(org_not_found)?;
        if let Some(old) = logo_image_id(org) {
            images.remove(old);
        }
        org.image_url = Some(default.clone());
        org.has_image = false;
        Ok(())
    })?;
    Ok(json(&org))
}

async fn create_membership(
    State(state): State<Shared>,
    Path(org_id): Path<String>,
    JsonBody(body): JsonBody<CreateOrganizationMembershipRequest>,
) -> ApiResult<Response> {
    for (param, m) in [
        ("public_metadata", &body.public_metadata),
        ("private_metadata", &body.private_metadata),
    ] {
        if let Some(m) = m {
            check_metadata(param, m)?;
        }
    }
    let mut db = state.write();
    let org = find_org(&db, &org_id)?.clone();
    let user = db
        .users
        .get(&body.user_id)
        .ok_or_else(|| ApiError::user_not_found(&body.user_id))?;
    org_roles::check_assignable(&db, &org, &body.role)?;
    if membership_of(&db, &org_id, &body.user_id).is_some() {
        return Err(already_member(&body.user_id));
    }
    let now = now_ms();
    // The user's own pending invitations turn into this membership, freeing their seats.
    let emails = user_emails(&user.user);
    let accepted: Vec<String> = pending_invitations(&db, &org_id, now)
        .filter(|i| emails.contains(&i.email_address.to_lowercase()))
        .map(|i| i.id.clone())
        .collect();
    let freed = accepted
        .iter()
        .filter(|id| {
            db.organizations
                .invitations
                .get(*id)
                .is_some_and(|i| i.domain_id.is_none())
        })
        .count();
    check_quota(&org, seats_taken(&db, &org_id, now) - freed, 1)?;
    let mut public = Metadata::new();
    let mut private = Metadata::new();
    for id in &accepted {
        if let Some(inv) = db.organizations.invitations.get(id) {
            deep_merge(&mut public, &inv.public_metadata);
            deep_merge(&mut private, &inv.private_metadata);
        }
    }
    deep_merge(
        &mut public,
        &body.public_metadata.clone().unwrap_or_default(),
    );
    deep_merge(
        &mut private,
        &body.private_metadata.clone().unwrap_or_default(),
    );
    let m = MembershipRecord {
        id: new_id("orgmem"),
        organization_id: org_id.clone(),
        user_id: body.user_id.clone(),
        role: body.role.clone(),
        public_metadata: public,
        private_metadata: private,
        created_at: now,
        updated_at: now,
    };
    db.organizations.memberships.insert(m.id.clone(), m.clone());
    for id in &accepted {
        let Some(inv) = db.organizations.invitations.get_mut(id) else {
            continue;
        };
        inv.status = OrganizationInvitationStatus::Accepted;
        inv.user_id = Some(body.user_id.clone());
        inv.updated_at = now;
        let inv = inv.clone();
        // The accepted event names the user who joined.
        let mut data = to_value(&render_invitation(&db, &inv, false, now));
        data["user_id"] = json!(body.user_id);
        db.emit("organizationInvitation.accepted", &data);
    }
    let created = render_membership(&db, &org, &m, FULL);
    db.emit("organizationMembership.created", &created);
    Ok(json(&render_membership(&db, &org, &m, View::default())))
}

async fn update_membership(
    State(state): State<Shared>,
    Path((org_id, user_id)): Path<(String, String)>,
    JsonBody(body): JsonBody<UpdateOrganizationMembershipRequest>,
) -> ApiResult<Response> {
    let membership = mutate_membership(
        &state,
        &org_id,
        &user_id,
        |db, org| org_roles::check_assignable(db, org, &body.role),
        |m| {
            m.role = body.role.clone();
            Ok(())
        },
    )?;
    Ok(json(&membership))
}

async fn merge_membership_metadata(
    State(state): State<Shared>,
    Path((org_id, user_id)): Path<(String, String)>,
    JsonBody(body): JsonBody<OrganizationMetadataRequest>,
) -> ApiResult<Response> {
    let membership = mutate_membership(
        &state,
        &org_id,
        &user_id,
        |_, _| Ok(()),
        |m| {
            let mut public = m.public_metadata.clone();
            let mut private = m.private_metadata.clone();
            apply_metadata(&mut public, &mut private, &body, true)?;
            m.public_metadata = public;
            m.private_metadata = private;
            Ok(())
        },
    )?;
    Ok(json(&membership))
}

async fn delete_membership(
    State(state): State<Shared>,
    Path((org_id, user_id)): Path<(String, String)>,
) -> ApiResult<Response> {
    let mut db = state.write();
    let org = find_org(&db, &org_id)?.clone();
    let id = membership_of(&db, &org_id, &user_id)
        .map(|m| m.id.clone())
        .ok_or_else(ApiError::resource_not_found)?;
    let m = db
        .organizations
        .memberships
        .remove(&id)
        .ok_or_else(ApiError::resource_not_found)?;
    // A former member's sessions no longer have the organization active.
    let now = now_ms();
    db.sessions.update_where(
        |s| s.user_id == user_id && s.last_active_organization_id.as_deref() == Some(&org_id),
        |s| {
            s.last_active_organization_id = None;
            s.updated_at = now;
        },
    );
    let deleted = render_membership(&db, &org, &m, FULL);
    db.emit("organizationMembership.deleted", &deleted);
    Ok(json(&render_membership(&db, &org, &m, View::default())))
}

async fn list_memberships(
    State(state): State<Shared>,
    Path(org_id): Path<String>,
    Query(p): Query<MemberListParams>,
) -> ApiResult<Response> {
    let db = state.read();
    find_org(&db, &org_id)?;
    membership_page(&db, Some(&org_id), &p)
}

async fn list_instance_memberships(
    State(state): State<Shared>,
    Query(p): Query<MemberListParams>,
) -> ApiResult<Response> {
    membership_page(&state.read(), None, &p)
}

async fn create_invitation(
    State(state): State<Shared>,
    Path(org_id): Path<String>,
    JsonBody(body): JsonBody<CreateOrganizationInvitationRequest>,
) -> ApiResult<Response> {
    let created = create_invitations(&state, &org_id, std::slice::from_ref(&body))?;
    let invitation = created.into_iter().next().ok_or_else(ApiError::internal)?;
    Ok(json(&invitation))
}

async fn create_invitations_bulk(
    State(state): State<Shared>,
    Path(org_id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let Ok(Value::Array(items)) = serde_json::from_slice::<Value>(&body) else {
        return Err(ApiError::body_invalid());
    };
    if items.is_empty() || items.len() > MAX_BULK_INVITATIONS {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_param_value_invalid",
            "is invalid",
            format!("Between 1 and {MAX_BULK_INVITATIONS} invitations can be created at once."),
        ));
    }
    let bodies = items
        .iter()
        .map(|item| parse_json_body(&Bytes::from(serde_json::to_vec(item).unwrap_or_default())))
        .collect::<ApiResult<Vec<CreateOrganizationInvitationRequest>>>()?;
    let created = create_invitations(&state, &org_id, &bodies)?;
    let n = created.len();
    Ok(page(created, n, 0, |i| i))
}

async fn list_invitations(
    State(state): State<Shared>,
    Path(org_id): Path<String>,
    Query(p): Query<InvitationListParams>,
) -> ApiResult<Response> {
    let db = state.read();
    find_org(&db, &org_id)?;
    invitation_page(&db, Some(&org_id), &p)
}

async fn list_pending_invitations(
    State(state): State<Shared>,
    Path(org_id): Path<String>,
    Query(p): Query<InvitationListParams>,
) -> ApiResult<Response> {
    let db = state.read();
    find_org(&db, &org_id)?;
    let pending = InvitationListParams {
        status: vec!["pending".into()],
        limit: p.limit,
        offset: p.offset,
        ..InvitationListParams::default()
    };
    invitation_page(&db, Some(&org_id), &pending)
}

async fn list_instance_invitations(
    State(state): State<Shared>,
    Query(p): Query<InvitationListParams>,
) -> ApiResult<Response> {
    invitation_page(&state.read(), None, &p)
}

async fn get_invitation(
    State(state): State<Shared>,
    Path((org_id, invitation_id)): Path<(String, String)>,
) -> ApiResult<Response> {
    let db = state.read();
    let inv = find_invitation(&db, &org_id, &invitation_id)?;
    Ok(json(&render_invitation(&db, inv, false, now_ms())))
}

async fn revoke_invitation(
    State(state): State<Shared>,
    Path((org_id, invitation_id)): Path<(String, String)>,
    JsonBody(body): JsonBody<RevokeOrganizationInvitationRequest>,
) -> ApiResult<Response> {
    let mut db = state.write();
    let now = now_ms();
    let pending = find_invitation(&db, &org_id, &invitation_id)?.is_pending(now);
    if let Some(user) = &body.requesting_user_id {
        check_admin(&db, &org_id, user)?;
    }
    if !pending {
        return Err(invitation_not_pending());
    }
    let inv = db
        .organizations
        .invitations
        .get_mut(&invitation_id)
        .ok_or_else(ApiError::resource_not_found)?;
    inv.status = OrganizationInvitationStatus::Revoked;
    inv.updated_at = now;
    let inv = inv.clone();
    let revoked = render_invitation(&db, &inv, false, now);
    db.emit("organizationInvitation.revoked", &revoked);
    Ok(json(&revoked))
}
