//! The rules of the org roles group, below HTTP: what its handlers in
//! `routes::org_roles` call.

use super::organizations as orgs;
use crate::error::{ApiError, ApiResult};
use crate::ids::{new_id, now_ms};
use crate::server::json;
use crate::store::Db;
use crate::store::org_roles::*;
use crate::wire::{DeletedObject, Organization, Permission, Role, RoleSet, RoleSetItem};
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::BTreeMap;

/// The key of the role an organization's creator gets, unless its role set names another.
pub(crate) const ADMIN: &str = "org:admin";

/// The key of the role members who join through a domain get, unless a role set says otherwise.
pub(crate) const MEMBER: &str = "org:member";

/// Clerk's system permissions: key, display name, what it allows.
pub(crate) const SYSTEM_PERMISSIONS: &[(&str, &str, &str)] = &[
    (
        "org:sys_profile:manage",
        "Manage organization",
        "Change the organization's profile.",
    ),
    (
        "org:sys_profile:delete",
        "Delete organization",
        "Delete the organization.",
    ),
    (
        "org:sys_memberships:read",
        "Read members",
        "See the organization's members.",
    ),
    (
        "org:sys_memberships:manage",
        "Manage members",
        "Invite, remove and change the roles of members.",
    ),
    (
        "org:sys_domains:read",
        "Read domains",
        "See the organization's verified domains.",
    ),
    (
        "org:sys_domains:manage",
        "Manage domains",
        "Add, verify and remove the organization's domains.",
    ),
];

/// The permissions a creator role must hold, so that every organization has someone who can
/// manage and delete it (**unverified** list).
pub(crate) const CREATOR_PERMISSIONS: &[&str] = &[
    "org:sys_memberships:read",
    "org:sys_memberships:manage",
    "org:sys_profile:delete",
];

/// What makes a member an administrator.
pub(crate) const MANAGE_MEMBERS: &str = "org:sys_memberships:manage";

/// The most roles one request may put in a role set.
pub(crate) const MAX_ROLES_PER_CALL: usize = 10;

pub(crate) const CREATOR_SETTING: &str = "creator_role";

pub(crate) const DEFAULT_SETTING: &str = "domains_default_role";

/// Gives a new instance (or a state file from before roles were stored) the system
/// permissions and the two default roles.
pub(crate) fn seed(db: &mut Db) {
    let data = &mut db.org_roles;
    if !data.permissions.is_empty() || !data.roles.is_empty() {
        return;
    }
    let now = now_ms();
    let mut ids = BTreeMap::new();
    for (key, name, description) in SYSTEM_PERMISSIONS {
        let id = new_id("perm");
        ids.insert(*key, id.clone());
        data.permissions.insert(
            id.clone(),
            Permission {
                object: "permission".into(),
                id,
                name: (*name).into(),
                key: (*key).into(),
                description: (*description).into(),
                kind: "system".into(),
                created_at: now,
                updated_at: now,
            },
        );
    }
    let grant = |keys: &[&str]| -> Vec<String> {
        keys.iter()
            .filter_map(|k| ids.get(k).cloned())
            .collect::<Vec<_>>()
    };
    let admin_permissions = grant(&SYSTEM_PERMISSIONS.iter().map(|p| p.0).collect::<Vec<_>>());
    let member_permissions = grant(&["org:sys_memberships:read"]);
    for (key, name, description, permissions, setting) in [
        (
            ADMIN,
            "Admin",
            "Can manage the organization and its members.",
            admin_permissions,
            CREATOR_SETTING,
        ),
        (
            MEMBER,
            "Member",
            "Can see the organization's members.",
            member_permissions,
            DEFAULT_SETTING,
        ),
    ] {
        let id = new_id("role");
        data.settings.insert(setting.into(), id.clone());
        data.roles.insert(
            id.clone(),
            RoleRecord {
                id,
                key: key.into(),
                name: name.into(),
                description: Some(description.into()),
                permissions,
                created_at: now,
                updated_at: now,
            },
        );
    }
}

pub(crate) fn permission_not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "resource_not_found",
        "not found",
        "Organization permission not found",
    )
}

/// ERR organizations.go/OrganizationRoleNotFound; `param` names the parameter that named it.
pub(crate) fn role_not_found(param: Option<&str>) -> ApiError {
    let e = ApiError::new(
        StatusCode::NOT_FOUND,
        "resource_not_found",
        "not found",
        "Organization role not found",
    );
    match param {
        Some(p) => e.param(p),
        None => e,
    }
}

pub(crate) fn role_set_not_found(param: Option<&str>) -> ApiError {
    let e = ApiError::new(
        StatusCode::NOT_FOUND,
        "resource_not_found",
        "not found",
        "Role set not found",
    );
    match param {
        Some(p) => e.param(p),
        None => e,
    }
}

pub(crate) fn system_permission_not_modifiable() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "organization_system_permission_not_modifiable",
        "organization system permission cannot be modified",
        "This organization permission cannot be modified because it is a system permission.",
    )
}

pub(crate) fn unprocessable(
    code: &str,
    message: &str,
    long_message: impl Into<String>,
) -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        code,
        message,
        long_message,
    )
}

pub(crate) fn used_as_creator_role() -> ApiError {
    unprocessable(
        "organization_role_default_creator_role",
        "role is used as the creator role",
        "The organization role cannot be deleted as it is currently used as the creator role.",
    )
}

pub(crate) fn used_as_default_role() -> ApiError {
    unprocessable(
        "organization_role_domain_default_role",
        "role is used as the domain default role",
        "The organization role cannot be deleted as it is currently used as the default domain role.",
    )
}

pub(crate) fn assigned_to_members() -> ApiError {
    unprocessable(
        "organization_role_assigned_members",
        "role is assigned to organization members",
        "The organization role is currently assigned to one or more organization members.",
    )
}

pub(crate) fn in_invitations() -> ApiError {
    unprocessable(
        "organization_role_exists_in_invitations",
        "role exists in pending organization invitations",
        "The organization role exists in one or more pending organization invitations. Please revoke these invitations to proceed.",
    )
}

/// A role some members hold would leave the organizations' role set.
pub(crate) fn role_on_set_assigned(role_key: &str) -> ApiError {
    unprocessable(
        "organization_role_on_set_assigned_to_user",
        "role is assigned to users",
        format!(
            "The role {role_key} is assigned to one or more users. Please re-assign the role to the users to proceed."
        ),
    )
    .meta("role_key", json!(role_key))
}

pub(crate) fn missing_creator_permissions(missing: &[&str]) -> ApiError {
    unprocessable(
        "organization_missing_creator_role_permissions",
        "missing permissions for creator role",
        format!(
            "The creator role must contain the following permissions: {}",
            missing.join(", ")
        ),
    )
}

pub(crate) fn association_exists() -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "organization_role_permission_association_exists",
        "permission already assigned to role",
        "This organization permission is already associated to this organization role.",
    )
}

pub(crate) fn association_not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "organization_role_permission_association_not_found",
        "permission not assigned to role",
        "This organization permission is not associated with the organization role.",
    )
}

pub(crate) fn is_segment(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// `org:<feature>:<action>`, not in the system namespace.
pub(crate) fn check_permission_key(key: &str) -> ApiResult<()> {
    let ok = key
        .strip_prefix("org:")
        .and_then(|rest| rest.split_once(':'))
        .is_some_and(|(feature, action)| {
            is_segment(feature) && is_segment(action) && !feature.starts_with("sys_")
        });
    if ok {
        Ok(())
    } else {
        Err(ApiError::format_invalid(
            "key",
            "key must have the format org:<feature>:<action>, with lowercase letters, digits or underscores, and cannot use the org:sys_ prefix.",
        ))
    }
}

pub(crate) fn check_role_key(key: &str) -> ApiResult<()> {
    if key.strip_prefix("org:").is_some_and(is_segment) {
        Ok(())
    } else {
        Err(ApiError::format_invalid(
            "key",
            "key must start with org: followed by lowercase letters, digits or underscores.",
        ))
    }
}

pub(crate) fn check_role_set_key(key: &str) -> ApiResult<()> {
    if key.strip_prefix("role_set:").is_some_and(is_segment) {
        Ok(())
    } else {
        Err(ApiError::format_invalid(
            "key",
            "key must start with role_set: followed by lowercase letters, digits or underscores.",
        ))
    }
}

pub(crate) fn check_name(name: &str) -> ApiResult<String> {
    let name = name.trim();
    if name.is_empty() {
        Err(ApiError::param_missing("name"))
    } else {
        Ok(name.to_owned())
    }
}

/// `role_set:` and the name in lowercase letters, digits and underscores.
pub(crate) fn role_set_key_from(name: &str) -> String {
    let mut out = String::new();
    for c in name.to_lowercase().chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    let out = out.trim_end_matches('_');
    format!("role_set:{}", if out.is_empty() { "custom" } else { out })
}

pub(crate) fn duplicate_key() -> ApiError {
    // Clerk's code for a taken role or permission key is not documented (**unverified**).
    ApiError::identifier_exists("key")
}

/// `order_by` among `created_at`, `name`, `key`, `+`/`-` prefixed; newest first by default.
pub(crate) fn order(order_by: Option<&str>) -> ApiResult<(&str, bool)> {
    super::paging::sort_order(
        order_by.unwrap_or("-created_at"),
        &["created_at", "name", "key"],
    )
}

/// Rows filtered by `query` (exact id, partial name or key), ordered and paged.
pub(crate) fn list_page<T, R: Serialize>(
    rows: Vec<&T>,
    fields: impl Fn(&T) -> (&str, &str, &str, i64),
    p: &ListParams,
    render: impl Fn(&T) -> R,
) -> ApiResult<Response> {
    let (field, desc) = order(p.order_by.as_deref())?;
    let (limit, offset) = orgs::paging(p.limit, p.offset)?;
    let query = p.query.as_deref().map(str::trim).filter(|q| !q.is_empty());
    let lowered = query.map(str::to_lowercase);
    let mut rows: Vec<&T> = rows
        .into_iter()
        .filter(|r| {
            let (id, name, key, _) = fields(r);
            match (query, &lowered) {
                (Some(q), Some(l)) => {
                    id == q || name.to_lowercase().contains(l) || key.to_lowercase().contains(l)
                }
                _ => true,
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        let (ia, na, ka, ca) = fields(a);
        let (ib, nb, kb, cb) = fields(b);
        let by = match field {
            "name" => na.to_lowercase().cmp(&nb.to_lowercase()),
            "key" => ka.cmp(kb),
            _ => ca.cmp(&cb),
        };
        let by = by.then_with(|| ia.cmp(ib));
        if desc { by.reverse() } else { by }
    });
    let (data, total): (Vec<R>, usize) = super::paging::cut(rows, limit, offset, render);
    Ok(json(&json!({"data": data, "total_count": total})))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ListParams {
    pub(crate) query: Option<String>,
    pub(crate) order_by: Option<String>,
    pub(crate) limit: Option<i64>,
    pub(crate) offset: Option<i64>,
}

pub(crate) fn role_by_id<'a>(db: &'a Db, id: &str) -> Option<&'a RoleRecord> {
    db.org_roles.roles.get(id)
}

/// The role with this key.
pub(crate) fn role_by_key<'a>(db: &'a Db, key: &str) -> Option<&'a RoleRecord> {
    db.org_roles.roles.values().find(|r| r.key == key)
}

pub(crate) fn role_set_by_key_or_id<'a>(db: &'a Db, key_or_id: &str) -> Option<&'a RoleSetRecord> {
    db.org_roles
        .role_sets
        .get(key_or_id)
        .or_else(|| db.org_roles.role_sets.values().find(|s| s.key == key_or_id))
}

pub(crate) fn setting<'a>(db: &'a Db, name: &str) -> Option<&'a RoleRecord> {
    db.org_roles
        .settings
        .get(name)
        .and_then(|id| role_by_id(db, id))
}

pub(crate) fn permission_keys(db: &Db, role: &RoleRecord) -> Vec<String> {
    role.permissions
        .iter()
        .filter_map(|id| db.org_roles.permissions.get(id))
        .map(|p| p.key.clone())
        .collect()
}

pub(crate) fn creator_eligible(db: &Db, role: &RoleRecord) -> bool {
    missing_for_creator(db, role).is_empty()
}

pub(crate) fn missing_for_creator(db: &Db, role: &RoleRecord) -> Vec<&'static str> {
    let held = permission_keys(db, role);
    CREATOR_PERMISSIONS
        .iter()
        .filter(|k| !held.iter().any(|h| h == *k))
        .copied()
        .collect()
}

pub(crate) fn render_role(db: &Db, role: &RoleRecord) -> Role {
    Role {
        object: "role".into(),
        id: role.id.clone(),
        name: role.name.clone(),
        key: role.key.clone(),
        description: role.description.clone(),
        is_creator_eligible: Some(creator_eligible(db, role)),
        permissions: role
            .permissions
            .iter()
            .filter_map(|id| db.org_roles.permissions.get(id).cloned())
            .collect(),
        created_at: role.created_at,
        updated_at: role.updated_at,
    }
}

pub(crate) fn render_item(db: &Db, set: &RoleSetRecord, role_id: &str) -> Option<RoleSetItem> {
    let role = role_by_id(db, role_id)?;
    let members = orgs::members_with_role(db, &role.key, Some(&set.key)) as i64;
    Some(RoleSetItem {
        object: "role_set_item".into(),
        id: role.id.clone(),
        name: role.name.clone(),
        key: role.key.clone(),
        description: role.description.clone(),
        members_count: Some(members),
        has_members: Some(members > 0),
        created_at: role.created_at,
        updated_at: role.updated_at,
    })
}

pub(crate) fn render_set(db: &Db, set: &RoleSetRecord) -> RoleSet {
    RoleSet {
        object: "role_set".into(),
        id: set.id.clone(),
        name: set.name.clone(),
        key: set.key.clone(),
        description: set.description.clone(),
        roles: set
            .roles
            .iter()
            .filter_map(|id| render_item(db, set, id))
            .collect(),
        default_role: render_item(db, set, &set.default_role),
        creator_role: render_item(db, set, &set.creator_role),
        kind: set.kind.clone(),
        role_set_migration: None,
        created_at: set.created_at,
        updated_at: set.updated_at,
    }
}

pub(crate) fn deleted(object: &str, id: String) -> DeletedObject {
    DeletedObject {
        object: object.into(),
        id: Some(id),
        slug: None,
        deleted: true,
        external_id: None,
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct CreatePermissionBody {
    pub(crate) name: String,
    pub(crate) key: String,
    #[serde(default)]
    pub(crate) description: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct UpdatePermissionBody {
    pub(crate) name: Option<String>,
    pub(crate) key: Option<String>,
    pub(crate) description: Option<String>,
}

/// Permission ids as given, each one existing, without repeats.
pub(crate) fn check_permission_ids(db: &Db, ids: &[String]) -> ApiResult<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for id in ids {
        if !db.org_roles.permissions.contains_key(id) {
            return Err(permission_not_found().param("permissions"));
        }
        if !out.contains(id) {
            out.push(id.clone());
        }
    }
    Ok(out)
}

#[derive(Debug, Deserialize)]
pub(crate) struct CreateRoleBody {
    pub(crate) name: String,
    pub(crate) key: String,
    #[serde(default)]
    pub(crate) description: Option<String>,
    #[serde(default)]
    pub(crate) permissions: Option<Vec<String>>,
    #[serde(default)]
    pub(crate) include_in_initial_role_set: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct UpdateRoleBody {
    pub(crate) name: Option<String>,
    pub(crate) key: Option<String>,
    pub(crate) description: Option<String>,
    pub(crate) permissions: Option<Vec<String>>,
}

/// Applies `change` to a role under the write lock, stamps it and announces `role.updated`.
pub(crate) fn mutate_role(
    db: &mut Db,
    id: &str,
    change: impl FnOnce(&mut RoleRecord) -> ApiResult<()>,
) -> ApiResult<Role> {
    let role = db
        .org_roles
        .roles
        .get_mut(id)
        .ok_or_else(|| role_not_found(None))?;
    change(role)?;
    role.updated_at = now_ms().max(role.updated_at);
    let role = role.clone();
    let rendered = render_role(db, &role);
    db.emit("role.updated", &rendered);
    Ok(rendered)
}

/// Creator roles must keep what lets someone manage the organization.
pub(crate) fn check_still_creator_eligible(db: &Db, role_id: &str) -> ApiResult<()> {
    let used_as_creator = db
        .org_roles
        .settings
        .get(CREATOR_SETTING)
        .map(String::as_str)
        == Some(role_id)
        || db
            .org_roles
            .role_sets
            .values()
            .any(|s| s.creator_role == role_id);
    if !used_as_creator {
        return Ok(());
    }
    match role_by_id(db, role_id) {
        Some(role) => {
            let missing = missing_for_creator(db, role);
            if missing.is_empty() {
                Ok(())
            } else {
                Err(missing_creator_permissions(&missing))
            }
        }
        None => Ok(()),
    }
}

/// The ids of roles named by key; `param` names the parameter in errors.
pub(crate) fn role_ids(db: &Db, keys: &[String], param: &str) -> ApiResult<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for key in keys {
        let role = role_by_key(db, key).ok_or_else(|| role_not_found(Some(param)))?;
        if !out.contains(&role.id) {
            out.push(role.id.clone());
        }
    }
    Ok(out)
}

/// The id of the role `key` when the set (`roles`) has it; else a 422 on `param`.
pub(crate) fn role_in(db: &Db, roles: &[String], key: &str, param: &str) -> ApiResult<String> {
    let role = role_by_key(db, key).ok_or_else(|| role_not_found(Some(param)))?;
    if roles.contains(&role.id) {
        Ok(role.id.clone())
    } else {
        Err(ApiError::value_invalid(
            param,
            format!("{key} is not one of the roles of the role set."),
        ))
    }
}

pub(crate) fn check_creator(db: &Db, role_id: &str) -> ApiResult<()> {
    match role_by_id(db, role_id) {
        Some(role) => {
            let missing = missing_for_creator(db, role);
            if missing.is_empty() {
                Ok(())
            } else {
                Err(missing_creator_permissions(&missing))
            }
        }
        None => Err(role_not_found(Some("creator_role_key"))),
    }
}

pub(crate) fn check_role_count(n: usize, param: &str) -> ApiResult<()> {
    if (1..=MAX_ROLES_PER_CALL).contains(&n) {
        Ok(())
    } else {
        Err(ApiError::value_invalid(
            param,
            format!("{param} must contain between 1 and {MAX_ROLES_PER_CALL} roles."),
        ))
    }
}

pub(crate) fn check_kind(kind: &str) -> ApiResult<()> {
    if kind == "initial" || kind == "custom" {
        Ok(())
    } else {
        Err(ApiError::value_invalid(
            "type",
            format!("{kind} does not match one of the allowed values for parameter type"),
        ))
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct CreateRoleSetBody {
    pub(crate) name: String,
    #[serde(default)]
    pub(crate) key: Option<String>,
    #[serde(default)]
    pub(crate) description: Option<String>,
    pub(crate) default_role_key: String,
    pub(crate) creator_role_key: String,
    #[serde(default, rename = "type")]
    pub(crate) kind: Option<String>,
    pub(crate) roles: Vec<String>,
}

/// Only one role set is `initial`: the current one becomes `custom`.
pub(crate) fn demote_initial(db: &mut Db, now: i64) {
    db.org_roles.role_sets.update_where(
        |s| s.kind == "initial",
        |s| {
            s.kind = "custom".into();
            s.updated_at = now;
        },
    );
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct UpdateRoleSetBody {
    pub(crate) name: Option<String>,
    pub(crate) key: Option<String>,
    pub(crate) description: Option<String>,
    #[serde(rename = "type")]
    pub(crate) kind: Option<String>,
    pub(crate) default_role_key: Option<String>,
    pub(crate) creator_role_key: Option<String>,
}

/// Applies `change` to a role set under the write lock and stamps it.
pub(crate) fn mutate_set(
    db: &mut Db,
    key_or_id: &str,
    change: impl FnOnce(&Db, &mut RoleSetRecord) -> ApiResult<()>,
) -> ApiResult<RoleSet> {
    let mut set = role_set_by_key_or_id(db, key_or_id)
        .ok_or_else(|| role_set_not_found(None))?
        .clone();
    change(db, &mut set)?;
    set.updated_at = now_ms().max(set.updated_at);
    db.org_roles.role_sets.insert(set.id.clone(), set.clone());
    Ok(render_set(db, &set))
}

#[derive(Debug, Deserialize)]
pub(crate) struct AddRolesBody {
    pub(crate) role_keys: Vec<String>,
    #[serde(default)]
    pub(crate) default_role_key: Option<String>,
    #[serde(default)]
    pub(crate) creator_role_key: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ReplaceRoleBody {
    pub(crate) role_key: String,
    pub(crate) to_role_key: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ReplaceRoleSetBody {
    pub(crate) dest_role_set_key: String,
    #[serde(default)]
    pub(crate) reassignment_mappings: Option<BTreeMap<String, String>>,
}

/// The name of the role with this key.
pub(crate) fn role_name(db: &Db, key: &str) -> Option<String> {
    role_by_key(db, key).map(|r| r.name.clone())
}

/// The permission keys of the role with this key, in the order they were granted.
pub(crate) fn role_permissions(db: &Db, key: &str) -> Vec<String> {
    role_by_key(db, key).map_or_else(Vec::new, |r| permission_keys(db, r))
}

/// Whether the role lets its members manage the organization's members (an "admin").
pub(crate) fn is_admin_role(db: &Db, key: &str) -> bool {
    role_permissions(db, key)
        .iter()
        .any(|p| p == MANAGE_MEMBERS)
}

/// Whether a role set with this key exists.
pub(crate) fn role_set_exists(db: &Db, key: &str) -> bool {
    db.org_roles.role_sets.values().any(|s| s.key == key)
}

/// The key of the `initial` role set, which new organizations get when none is asked for.
pub(crate) fn initial_role_set_key(db: &Db) -> Option<String> {
    db.org_roles
        .role_sets
        .values()
        .find(|s| s.kind == "initial")
        .map(|s| s.key.clone())
}

/// The role keys an organization may hand out: its role set's, or every role's.
pub(crate) fn allowed_keys(db: &Db, role_set_key: Option<&str>) -> Option<Vec<String>> {
    let set = role_set_key.and_then(|k| db.org_roles.role_sets.values().find(|s| s.key == k))?;
    Some(
        set.roles
            .iter()
            .filter_map(|id| role_by_id(db, id))
            .map(|r| r.key.clone())
            .collect(),
    )
}

/// Whether a role set (or, for `None`, the instance) lets organizations hand out the role.
pub(crate) fn set_allows(db: &Db, role_set_key: Option<&str>, key: &str) -> bool {
    role_by_key(db, key).is_some()
        && allowed_keys(db, role_set_key).is_none_or(|keys| keys.iter().any(|k| k == key))
}

/// Refuses a role that does not exist, or that the organization's role set does not have, as
/// Clerk's "Organization role not found" with `param_name` (**unverified** for the latter).
pub(crate) fn check_assignable(db: &Db, org: &Organization, key: &str) -> ApiResult<()> {
    if set_allows(db, org.role_set_key.as_deref(), key) {
        Ok(())
    } else {
        Err(role_not_found(Some("role")))
    }
}

pub(crate) fn set_role(
    db: &Db,
    org: &Organization,
    pick: fn(&RoleSetRecord) -> &String,
) -> Option<String> {
    let set = org
        .role_set_key
        .as_deref()
        .and_then(|k| db.org_roles.role_sets.values().find(|s| s.key == k))?;
    role_by_id(db, pick(set)).map(|r| r.key.clone())
}

/// The role an organization's creator gets: its role set's creator role, else the instance's.
pub(crate) fn creator_role_key(db: &Db, org: &Organization) -> String {
    set_role(db, org, |s| &s.creator_role)
        .or_else(|| setting(db, CREATOR_SETTING).map(|r| r.key.clone()))
        .unwrap_or_else(|| ADMIN.to_owned())
}

/// The role members joining through a domain get: the role set's default role, else the
/// instance's domain default role.
pub(crate) fn default_role_key(db: &Db, org: &Organization) -> String {
    set_role(db, org, |s| &s.default_role)
        .or_else(|| setting(db, DEFAULT_SETTING).map(|r| r.key.clone()))
        .unwrap_or_else(|| MEMBER.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_follow_clerks_formats() {
        assert!(check_permission_key("org:posts:read").is_ok());
        assert!(check_permission_key("org:team_2:manage_all").is_ok());
        for bad in [
            "org:posts",
            "posts:read",
            "org:Posts:read",
            "org:sys_profile:manage",
            "org:posts:read:more",
            "org::read",
        ] {
            assert!(check_permission_key(bad).is_err(), "{bad}");
        }
        assert!(check_role_key("org:editor_2").is_ok());
        for bad in ["editor", "org:", "org:Editor", "org:a-b"] {
            assert!(check_role_key(bad).is_err(), "{bad}");
        }
        assert_eq!(role_set_key_from("Sales Team!"), "role_set:sales_team");
        assert_eq!(role_set_key_from("***"), "role_set:custom");
    }

    #[test]
    fn a_new_instance_has_the_system_permissions_and_default_roles() {
        let mut db = Db::default();
        seed(&mut db);
        seed(&mut db);
        assert_eq!(db.org_roles.permissions.len(), SYSTEM_PERMISSIONS.len());
        assert_eq!(db.org_roles.roles.len(), 2);
        assert!(is_admin_role(&db, ADMIN));
        assert!(!is_admin_role(&db, MEMBER));
        assert_eq!(role_permissions(&db, MEMBER), ["org:sys_memberships:read"]);
        let admin = role_by_key(&db, ADMIN).unwrap();
        assert!(creator_eligible(&db, admin));
        assert!(!creator_eligible(&db, role_by_key(&db, MEMBER).unwrap()));
    }
}
