//! Organization permissions, roles and role sets.
//!
//! The instance starts with Clerk's system permissions (`org:sys_*`, which cannot be changed
//! or deleted) and its two default roles: `org:admin`, the role an organization's creator gets,
//! and `org:member`, the role given to members who join through a verified domain. Custom
//! permissions are `org:<feature>:<action>`; a role holds any of them. A role set limits the
//! roles an organization may hand out and names its default and creator roles; an organization
//! without one may use every role. A role still held by a member, named in a pending
//! invitation, or used as a creator or default role cannot be deleted.
//!
//! What memberships, invitations and session tokens read from here goes through the
//! `pub(crate)` functions at the end.

use crate::domain::org_roles::*;
use crate::domain::organizations as orgs;
use crate::error::{ApiError, ApiResult};
use crate::ids::{new_id, now_ms};
use crate::server::{JsonBody, Query, Shared, json};
use crate::store::org_roles::*;
use crate::wire::Permission;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::json;
use std::collections::BTreeMap;

pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route(
            "/v1/organization_permissions",
            get(list_permissions).post(create_permission),
        )
        .route(
            "/v1/organization_permissions/{permission_id}",
            get(get_permission)
                .patch(update_permission)
                .delete(delete_permission),
        )
        .route("/v1/organization_roles", get(list_roles).post(create_role))
        .route(
            "/v1/organization_roles/{role_id}",
            get(get_role).patch(update_role).delete(delete_role),
        )
        .route(
            "/v1/organization_roles/{role_id}/permissions/{permission_id}",
            post(assign_permission).delete(remove_permission),
        )
        .route("/v1/role_sets", get(list_role_sets).post(create_role_set))
        .route(
            "/v1/role_sets/{role_set}",
            get(get_role_set).patch(update_role_set),
        )
        .route("/v1/role_sets/{role_set}/replace", post(replace_role_set))
        .route("/v1/role_sets/{role_set}/roles", post(add_roles))
        .route(
            "/v1/role_sets/{role_set}/roles/replace",
            post(replace_role_in_set),
        )
}

async fn list_permissions(
    State(state): State<Shared>,
    Query(p): Query<ListParams>,
) -> ApiResult<Response> {
    let db = state.read();
    list_page(
        db.org_roles.permissions.values().collect(),
        |x: &Permission| (&x.id, &x.name, &x.key, x.created_at),
        &p,
        |x| x.clone(),
    )
}

async fn create_permission(
    State(state): State<Shared>,
    JsonBody(body): JsonBody<CreatePermissionBody>,
) -> ApiResult<Response> {
    let name = check_name(&body.name)?;
    check_permission_key(&body.key)?;
    let mut db = state.write();
    if db.org_roles.permissions.values().any(|p| p.key == body.key) {
        return Err(duplicate_key());
    }
    let now = now_ms();
    let permission = Permission {
        object: "permission".into(),
        id: new_id("perm"),
        name,
        key: body.key,
        description: body.description.unwrap_or_default(),
        kind: "custom".into(),
        created_at: now,
        updated_at: now,
    };
    db.org_roles
        .permissions
        .insert(permission.id.clone(), permission.clone());
    db.emit("permission.created", &permission);
    Ok(json(&permission))
}

async fn get_permission(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let db = state.read();
    let permission = db
        .org_roles
        .permissions
        .get(&id)
        .ok_or_else(permission_not_found)?;
    Ok(json(permission))
}

async fn update_permission(
    State(state): State<Shared>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<UpdatePermissionBody>,
) -> ApiResult<Response> {
    let mut db = state.write();
    let current = db
        .org_roles
        .permissions
        .get(&id)
        .ok_or_else(permission_not_found)?;
    if current.kind == "system" {
        return Err(system_permission_not_modifiable());
    }
    let name = body.name.as_deref().map(check_name).transpose()?;
    if let Some(key) = &body.key {
        check_permission_key(key)?;
        if db
            .org_roles
            .permissions
            .values()
            .any(|p| p.key == *key && p.id != id)
        {
            return Err(duplicate_key());
        }
    }
    let permission = db
        .org_roles
        .permissions
        .get_mut(&id)
        .ok_or_else(permission_not_found)?;
    if let Some(name) = name {
        permission.name = name;
    }
    if let Some(key) = body.key {
        permission.key = key;
    }
    if let Some(description) = body.description {
        permission.description = description;
    }
    permission.updated_at = now_ms().max(permission.updated_at);
    let permission = permission.clone();
    db.emit("permission.updated", &permission);
    Ok(json(&permission))
}

async fn delete_permission(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let mut db = state.write();
    let current = db
        .org_roles
        .permissions
        .get(&id)
        .ok_or_else(permission_not_found)?;
    if current.kind == "system" {
        return Err(system_permission_not_modifiable());
    }
    db.org_roles.permissions.remove(&id);
    let now = now_ms();
    // The roles that held it no longer do.
    db.org_roles.roles.update_where(
        |r| r.permissions.contains(&id),
        |r| {
            r.permissions.retain(|p| *p != id);
            r.updated_at = now;
        },
    );
    let gone = deleted("permission", id);
    db.emit("permission.deleted", &gone);
    Ok(json(&gone))
}

async fn list_roles(
    State(state): State<Shared>,
    Query(p): Query<ListParams>,
) -> ApiResult<Response> {
    let db = state.read();
    list_page(
        db.org_roles.roles.values().collect(),
        |r: &RoleRecord| (&r.id, &r.name, &r.key, r.created_at),
        &p,
        |r| render_role(&db, r),
    )
}

async fn create_role(
    State(state): State<Shared>,
    JsonBody(body): JsonBody<CreateRoleBody>,
) -> ApiResult<Response> {
    let name = check_name(&body.name)?;
    check_role_key(&body.key)?;
    let mut db = state.write();
    if role_by_key(&db, &body.key).is_some() {
        return Err(duplicate_key());
    }
    let permissions = check_permission_ids(&db, body.permissions.as_deref().unwrap_or(&[]))?;
    let now = now_ms();
    let role = RoleRecord {
        id: new_id("role"),
        key: body.key,
        name,
        description: body.description,
        permissions,
        created_at: now,
        updated_at: now,
    };
    db.org_roles.roles.insert(role.id.clone(), role.clone());
    if body.include_in_initial_role_set == Some(true) {
        let id = role.id.clone();
        db.org_roles.role_sets.update_where(
            |s| s.kind == "initial",
            |s| {
                s.roles.push(id.clone());
                s.updated_at = now;
            },
        );
    }
    let rendered = render_role(&db, &role);
    db.emit("role.created", &rendered);
    Ok(json(&rendered))
}

async fn get_role(State(state): State<Shared>, Path(id): Path<String>) -> ApiResult<Response> {
    let db = state.read();
    let role = role_by_id(&db, &id).ok_or_else(|| role_not_found(None))?;
    Ok(json(&render_role(&db, role)))
}

async fn update_role(
    State(state): State<Shared>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<UpdateRoleBody>,
) -> ApiResult<Response> {
    let name = body.name.as_deref().map(check_name).transpose()?;
    if let Some(key) = &body.key {
        check_role_key(key)?;
    }
    let mut db = state.write();
    let old_key = role_by_id(&db, &id)
        .ok_or_else(|| role_not_found(None))?
        .key
        .clone();
    if let Some(key) = &body.key
        && role_by_key(&db, key).is_some_and(|r| r.id != id)
    {
        return Err(duplicate_key());
    }
    let permissions = body
        .permissions
        .as_deref()
        .map(|p| check_permission_ids(&db, p))
        .transpose()?;
    let before = role_by_id(&db, &id).cloned();
    let rendered = mutate_role(&mut db, &id, |role| {
        if let Some(name) = name {
            role.name = name;
        }
        if let Some(key) = &body.key {
            role.key = key.clone();
        }
        if body.description.is_some() {
            role.description = body.description.clone();
        }
        if let Some(permissions) = permissions {
            role.permissions = permissions;
        }
        Ok(())
    })?;
    if let Err(e) = check_still_creator_eligible(&db, &id) {
        // Undo: the role stays as it was.
        if let Some(before) = before {
            db.org_roles.roles.insert(id.clone(), before);
        }
        db.events.clear();
        return Err(e);
    }
    if let Some(key) = &body.key
        && *key != old_key
    {
        // Memberships and invitations name roles by key: they follow the rename.
        orgs::rename_role(&mut db, &old_key, key);
    }
    Ok(json(&rendered))
}

async fn delete_role(State(state): State<Shared>, Path(id): Path<String>) -> ApiResult<Response> {
    let mut db = state.write();
    let role = role_by_id(&db, &id).ok_or_else(|| role_not_found(None))?;
    let sets = db.org_roles.role_sets.values();
    let mut creator = db.org_roles.settings.get(CREATOR_SETTING) == Some(&id);
    let mut default = db.org_roles.settings.get(DEFAULT_SETTING) == Some(&id);
    for set in sets {
        creator |= set.creator_role == id;
        default |= set.default_role == id;
    }
    if creator {
        return Err(used_as_creator_role());
    }
    if default {
        return Err(used_as_default_role());
    }
    if orgs::members_with_role(&db, &role.key, None) > 0 {
        return Err(assigned_to_members());
    }
    if orgs::pending_invitations_with_role(&db, &role.key) > 0 {
        return Err(in_invitations());
    }
    db.org_roles.roles.remove(&id);
    let now = now_ms();
    db.org_roles.role_sets.update_where(
        |s| s.roles.contains(&id),
        |s| {
            s.roles.retain(|r| *r != id);
            s.updated_at = now;
        },
    );
    let gone = deleted("role", id);
    db.emit("role.deleted", &gone);
    Ok(json(&gone))
}

async fn assign_permission(
    State(state): State<Shared>,
    Path((role_id, permission_id)): Path<(String, String)>,
) -> ApiResult<Response> {
    let mut db = state.write();
    let role = role_by_id(&db, &role_id).ok_or_else(|| role_not_found(None))?;
    if !db.org_roles.permissions.contains_key(&permission_id) {
        return Err(permission_not_found());
    }
    if role.permissions.contains(&permission_id) {
        return Err(association_exists());
    }
    let role = mutate_role(&mut db, &role_id, |r| {
        r.permissions.push(permission_id.clone());
        Ok(())
    })?;
    Ok(json(&role))
}

async fn remove_permission(
    State(state): State<Shared>,
    Path((role_id, permission_id)): Path<(String, String)>,
) -> ApiResult<Response> {
    let mut db = state.write();
    let role = role_by_id(&db, &role_id).ok_or_else(|| role_not_found(None))?;
    if !db.org_roles.permissions.contains_key(&permission_id) {
        return Err(permission_not_found());
    }
    if !role.permissions.contains(&permission_id) {
        return Err(association_not_found());
    }
    let before = role.clone();
    let role = mutate_role(&mut db, &role_id, |r| {
        r.permissions.retain(|p| *p != permission_id);
        Ok(())
    })?;
    if let Err(e) = check_still_creator_eligible(&db, &role_id) {
        db.org_roles.roles.insert(role_id, before);
        db.events.clear();
        return Err(e);
    }
    Ok(json(&role))
}

async fn list_role_sets(
    State(state): State<Shared>,
    Query(p): Query<ListParams>,
) -> ApiResult<Response> {
    let db = state.read();
    list_page(
        db.org_roles.role_sets.values().collect(),
        |s: &RoleSetRecord| (&s.id, &s.name, &s.key, s.created_at),
        &p,
        |s| render_set(&db, s),
    )
}

async fn create_role_set(
    State(state): State<Shared>,
    JsonBody(body): JsonBody<CreateRoleSetBody>,
) -> ApiResult<Response> {
    let name = check_name(&body.name)?;
    let key = match &body.key {
        Some(k) => {
            check_role_set_key(k)?;
            k.clone()
        }
        None => role_set_key_from(&name),
    };
    let kind = body.kind.clone().unwrap_or_else(|| "custom".into());
    check_kind(&kind)?;
    check_role_count(body.roles.len(), "roles")?;
    let mut db = state.write();
    if role_set_by_key_or_id(&db, &key).is_some() {
        return Err(duplicate_key());
    }
    let roles = role_ids(&db, &body.roles, "roles")?;
    let default_role = role_in(&db, &roles, &body.default_role_key, "default_role_key")?;
    let creator_role = role_in(&db, &roles, &body.creator_role_key, "creator_role_key")?;
    check_creator(&db, &creator_role)?;
    let now = now_ms();
    if kind == "initial" {
        demote_initial(&mut db, now);
    }
    let set = RoleSetRecord {
        id: new_id("rs"),
        key,
        name,
        description: body.description,
        kind,
        roles,
        default_role,
        creator_role,
        created_at: now,
        updated_at: now,
    };
    db.org_roles.role_sets.insert(set.id.clone(), set.clone());
    Ok(json(&render_set(&db, &set)))
}

async fn get_role_set(
    State(state): State<Shared>,
    Path(key_or_id): Path<String>,
) -> ApiResult<Response> {
    let db = state.read();
    let set = role_set_by_key_or_id(&db, &key_or_id).ok_or_else(|| role_set_not_found(None))?;
    Ok(json(&render_set(&db, set)))
}

async fn update_role_set(
    State(state): State<Shared>,
    Path(key_or_id): Path<String>,
    JsonBody(body): JsonBody<UpdateRoleSetBody>,
) -> ApiResult<Response> {
    let name = body.name.as_deref().map(check_name).transpose()?;
    if let Some(key) = &body.key {
        check_role_set_key(key)?;
    }
    if let Some(kind) = &body.kind
        && kind != "initial"
    {
        return Err(ApiError::value_invalid(
            "type",
            format!("{kind} does not match one of the allowed values for parameter type"),
        ));
    }
    let mut db = state.write();
    let current = role_set_by_key_or_id(&db, &key_or_id)
        .ok_or_else(|| role_set_not_found(None))?
        .clone();
    if let Some(key) = &body.key
        && role_set_by_key_or_id(&db, key).is_some_and(|s| s.id != current.id)
    {
        return Err(duplicate_key());
    }
    let now = now_ms();
    let mut prepared = current.clone();
    if let Some(k) = &body.default_role_key {
        prepared.default_role = role_in(&db, &current.roles, k, "default_role_key")?;
    }
    if let Some(k) = &body.creator_role_key {
        prepared.creator_role = role_in(&db, &current.roles, k, "creator_role_key")?;
        check_creator(&db, &prepared.creator_role)?;
    }
    if body.kind.is_some() && current.kind != "initial" {
        demote_initial(&mut db, now);
    }
    let set = mutate_set(&mut db, &current.id, |_, set| {
        *set = prepared;
        if let Some(name) = name {
            set.name = name;
        }
        if let Some(key) = &body.key {
            set.key = key.clone();
        }
        if body.description.is_some() {
            set.description = body.description.clone();
        }
        if body.kind.is_some() {
            set.kind = "initial".into();
        }
        Ok(())
    })?;
    if let Some(key) = &body.key
        && *key != current.key
    {
        orgs::rename_role_set(&mut db, &current.key, key);
    }
    Ok(json(&set))
}

async fn add_roles(
    State(state): State<Shared>,
    Path(key_or_id): Path<String>,
    JsonBody(body): JsonBody<AddRolesBody>,
) -> ApiResult<Response> {
    check_role_count(body.role_keys.len(), "role_keys")?;
    let mut db = state.write();
    let set = mutate_set(&mut db, &key_or_id, |db, set| {
        let added = role_ids(db, &body.role_keys, "role_keys")?;
        for id in &added {
            if !set.roles.contains(id) {
                set.roles.push(id.clone());
            }
        }
        // The default and creator roles may only move to one of the roles added now.
        if let Some(k) = &body.default_role_key {
            set.default_role = role_in(db, &added, k, "default_role_key")?;
        }
        if let Some(k) = &body.creator_role_key {
            set.creator_role = role_in(db, &added, k, "creator_role_key")?;
            check_creator(db, &set.creator_role)?;
        }
        Ok(())
    })?;
    Ok(json(&set))
}

/// Takes a role out of a set; the members holding it in the set's organizations move to
/// another role of the set, as do the set's default and creator roles when it was one.
async fn replace_role_in_set(
    State(state): State<Shared>,
    Path(key_or_id): Path<String>,
    JsonBody(body): JsonBody<ReplaceRoleBody>,
) -> ApiResult<Response> {
    let mut db = state.write();
    let current = role_set_by_key_or_id(&db, &key_or_id)
        .ok_or_else(|| role_set_not_found(None))?
        .clone();
    let from = role_in(&db, &current.roles, &body.role_key, "role_key")?;
    let to = role_in(&db, &current.roles, &body.to_role_key, "to_role_key")?;
    if from == to {
        return Err(ApiError::value_invalid(
            "to_role_key",
            "to_role_key must be another role than role_key.",
        ));
    }
    if current.creator_role == from {
        check_creator(&db, &to)?;
    }
    let set = mutate_set(&mut db, &current.id, |_, set| {
        set.roles.retain(|r| *r != from);
        if set.default_role == from {
            set.default_role = to.clone();
        }
        if set.creator_role == from {
            set.creator_role = to.clone();
        }
        Ok(())
    })?;
    let mapping = BTreeMap::from([(body.role_key.clone(), body.to_role_key.clone())]);
    orgs::reassign_roles(&mut db, &current.key, None, &mapping);
    // The answer counts the members after the move.
    let set = role_set_by_key_or_id(&db, &current.id)
        .map(|s| render_set(&db, s))
        .unwrap_or(set);
    Ok(json(&set))
}

/// Moves the organizations on a role set to another set, reassigning the roles the other
/// set lacks as the mappings say, and deletes the set.
async fn replace_role_set(
    State(state): State<Shared>,
    Path(key_or_id): Path<String>,
    JsonBody(body): JsonBody<ReplaceRoleSetBody>,
) -> ApiResult<Response> {
    let mut db = state.write();
    let source = role_set_by_key_or_id(&db, &key_or_id)
        .ok_or_else(|| role_set_not_found(None))?
        .clone();
    let dest = db
        .org_roles
        .role_sets
        .values()
        .find(|s| s.key == body.dest_role_set_key)
        .ok_or_else(|| role_set_not_found(Some("dest_role_set_key")))?
        .clone();
    if dest.id == source.id {
        return Err(ApiError::value_invalid(
            "dest_role_set_key",
            "dest_role_set_key must name another role set.",
        ));
    }
    if source.kind == "initial" {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "cannot_delete_initial_role_set",
            "cannot delete initial role set",
            "Cannot delete the initial role set.",
        ));
    }
    let mappings = body.reassignment_mappings.unwrap_or_default();
    let dest_keys: Vec<String> = dest
        .roles
        .iter()
        .filter_map(|id| role_by_id(&db, id))
        .map(|r| r.key.clone())
        .collect();
    for (from, to) in &mappings {
        if !dest_keys.contains(to) {
            return Err(unprocessable(
                "organization_role_set_reassignment_mappings_invalid",
                "reassignment mappings invalid",
                format!(
                    "The role {from} is invalid in the reassignment mappings. It must be present in the new role set."
                ),
            )
            .meta("role_key", json!(from)));
        }
    }
    // Every role held in the source's organizations must exist in the destination or be mapped.
    let missing: Vec<String> = orgs::roles_held_in_set(&db, &source.key)
        .into_iter()
        .filter(|k| !dest_keys.contains(k) && !mappings.contains_key(k))
        .collect();
    if !missing.is_empty() {
        return Err(unprocessable(
            "organization_role_set_reassignment_mappings_missing",
            "reassignment mappings missing",
            format!(
                "The following roles are missing from the reassignment mappings: {}",
                missing.join(", ")
            ),
        )
        .meta("role_keys", json!(missing)));
    }
    orgs::reassign_roles(&mut db, &source.key, Some(&dest.key), &mappings);
    db.org_roles.role_sets.remove(&source.id);
    Ok(json(&deleted("role_set", source.id)))
}
