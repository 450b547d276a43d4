//! The rules of the directories group, below HTTP. The spec serves directories under two names,
//! `/scim_directories` and `/directories`: the same objects with different `object` values and,
//! in request bodies, different names for a group's id (`scim_group_id`; `directory_group_id`
//! or its older name `scim_group_id`). A [`Family`] says which name a request came through;
//! every rule below is written once for both.
//!
//! A directory belongs to one enterprise connection, holds the key its identity provider
//! authenticates with (see [`super::scim`]) and maps the provider's groups to organization
//! roles. Users it provisions are remembered, and refuse deletion through `DELETE /v1/users`.

use std::collections::{BTreeMap, HashSet};

use axum::http::StatusCode;
use serde::Deserialize;

use crate::error::{ApiError, ApiResult};
use crate::ids::{new_id, now_ms, random_base62};
use crate::store::Db;
use crate::store::directories::{DirectoryRecord, MappingRecord};
use crate::wire::{DeletedObject, Directory, DirectoryGroupRoleMapping};

/// The longest group display name.
const MAX_DISPLAY_NAME: usize = 255;

/// Which of the spec's two names for directories a request came through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Family {
    /// `/v1/scim_directories`.
    Scim,
    /// `/v1/directories`.
    Directory,
}

impl Family {
    fn directory_object(self) -> &'static str {
        match self {
            Family::Scim => "scim_directory",
            Family::Directory => "directory",
        }
    }

    fn mapping_object(self) -> &'static str {
        match self {
            Family::Scim => "scim_group_role_mapping",
            Family::Directory => "directory_group_role_mapping",
        }
    }

    /// The parameter that names a group in this family.
    fn group_param(self) -> &'static str {
        match self {
            Family::Scim => "scim_group_id",
            Family::Directory => "directory_group_id",
        }
    }
}

/// One group role mapping in a request body. It takes every name either family uses;
/// [`MappingInput::check_names`] refuses those the request's family and operation do not.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct MappingInput {
    #[serde(default)]
    pub(crate) directory_group_id: Option<String>,
    #[serde(default)]
    pub(crate) scim_group_id: Option<String>,
    #[serde(default)]
    pub(crate) directory_group_display_name: Option<String>,
    #[serde(default)]
    pub(crate) scim_group_display_name: Option<String>,
    pub(crate) role_id: String,
    #[serde(default)]
    pub(crate) precedence: Option<i64>,
}

/// Where a mapping input appears: what else it may carry.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    /// In a new directory's `group_role_mappings`: display names and precedence.
    WithDirectory,
    /// Alone (`POST .../group_role_mappings`): precedence.
    Single,
    /// In a replacement list: the array order is the precedence.
    Replacement,
}

/// A mapping input checked: the group, its display name, the role and the precedence asked.
struct Mapping {
    group_id: String,
    display_name: Option<String>,
    role_id: String,
    precedence: Option<i64>,
}

impl MappingInput {
    /// Refuses the names this family and context do not know as `form_param_unknown`.
    fn check_names(&self, family: Family, context: Context) -> ApiResult<()> {
        let directory = family == Family::Directory;
        let display = context == Context::WithDirectory;
        let names = [
            (
                "directory_group_id",
                self.directory_group_id.is_some(),
                directory,
            ),
            (
                "directory_group_display_name",
                self.directory_group_display_name.is_some(),
                directory && display,
            ),
            (
                "scim_group_display_name",
                self.scim_group_display_name.is_some(),
                display,
            ),
            (
                "precedence",
                self.precedence.is_some(),
                context != Context::Replacement,
            ),
        ];
        match names.iter().find(|(_, given, allowed)| *given && !allowed) {
            Some((name, _, _)) => Err(ApiError::param_unknown(name)),
            None => Ok(()),
        }
    }

    fn check(self, family: Family, context: Context) -> ApiResult<Mapping> {
        self.check_names(family, context)?;
        let group_id = one_of(
            family.group_param(),
            self.directory_group_id,
            self.scim_group_id,
        )?
        .filter(|g| !g.trim().is_empty())
        .ok_or_else(|| ApiError::param_missing(family.group_param()))?;
        let display_name = one_of(
            "scim_group_display_name",
            self.directory_group_display_name,
            self.scim_group_display_name,
        )?;
        if let Some(name) = &display_name
            && name.chars().count() > MAX_DISPLAY_NAME
        {
            return Err(ApiError::value_invalid(
                "scim_group_display_name",
                format!("The group display name must be at most {MAX_DISPLAY_NAME} characters."),
            ));
        }
        if self.role_id.trim().is_empty() {
            return Err(ApiError::param_missing("role_id"));
        }
        if let Some(p) = self.precedence
            && p < 1
        {
            return Err(ApiError::value_invalid(
                "precedence",
                "precedence must be greater than or equal to 1.",
            ));
        }
        Ok(Mapping {
            group_id,
            display_name,
            role_id: self.role_id,
            precedence: self.precedence,
        })
    }
}

/// A value that may come under its new name, its older one, or both when they agree.
fn one_of(
    param: &str,
    new_name: Option<String>,
    old_name: Option<String>,
) -> ApiResult<Option<String>> {
    match (new_name, old_name) {
        (Some(a), Some(b)) if a != b => Err(ApiError::value_invalid(
            param,
            format!("{param} and its other name were given different values."),
        )),
        (Some(a), _) | (None, Some(a)) => Ok(Some(a)),
        (None, None) => Ok(None),
    }
}

/// The body of `POST /v1/directories` and `POST /v1/scim_directories`.
#[derive(Debug, Deserialize)]
pub(crate) struct CreateBody {
    pub(crate) enterprise_connection_id: String,
    pub(crate) provider: String,
    #[serde(default)]
    pub(crate) name: Option<String>,
    #[serde(default)]
    pub(crate) group_role_mappings: Option<Vec<MappingInput>>,
}

/// The body of `PATCH` on a directory.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct UpdateBody {
    pub(crate) name: Option<String>,
    pub(crate) enabled: Option<bool>,
    pub(crate) provider: Option<String>,
    /// Entries to merge: a `null` value removes its key.
    pub(crate) attribute_mapping: Option<BTreeMap<String, Option<String>>>,
    pub(crate) group_role_mapping_enabled: Option<bool>,
}

/// The body of `PUT .../group_role_mappings`.
#[derive(Debug, Deserialize)]
pub(crate) struct ReplaceBody {
    pub(crate) mappings: Vec<MappingInput>,
}

/// The query of a directory list.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ListParams {
    pub(crate) limit: Option<i64>,
    pub(crate) offset: Option<i64>,
}

fn directory_not_found(id: &str) -> ApiError {
    ApiError::not_found(format!("No directory was found with id {id}"))
}

fn mapping_not_found(id: &str) -> ApiError {
    ApiError::not_found(format!("No group role mapping was found with id {id}"))
}

/// Mappings can be changed only while the directory has group role mapping enabled
/// (**unverified** status and code: the spec states the rule and lists 400 for every
/// operation it applies to).
fn mapping_disabled() -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "group_role_mapping_disabled",
        "group role mapping disabled",
        "Group role mapping must be enabled on the directory before its mappings can be changed.",
    )
}

/// A group mapped twice in one directory (**unverified** code, as for other taken keys).
fn group_taken(family: Family) -> ApiError {
    ApiError::identifier_exists(family.group_param())
}

/// A fresh key for a directory's SCIM requests.
fn new_api_key() -> String {
    random_base62(48)
}

/// The directory with this id, 404 otherwise.
pub(crate) fn find<'a>(db: &'a Db, id: &str) -> ApiResult<&'a DirectoryRecord> {
    db.directories
        .directories
        .get(id)
        .ok_or_else(|| directory_not_found(id))
}

/// Where a directory's SCIM endpoint is: on the emulator's current address, so a restart on
/// another port still advertises the right one.
pub(crate) fn endpoint_url(base_url: &str, id: &str) -> String {
    format!("{base_url}/scim/{id}")
}

/// The directory as this family serves it; the key only when `with_key`.
fn render(family: Family, base_url: &str, record: &DirectoryRecord, with_key: bool) -> Directory {
    Directory {
        object: family.directory_object().into(),
        api_key: with_key.then(|| record.api_key.clone()),
        endpoint_url: endpoint_url(base_url, &record.directory.id),
        ..record.directory.clone()
    }
}

fn render_mapping(db: &Db, family: Family, m: &MappingRecord) -> DirectoryGroupRoleMapping {
    DirectoryGroupRoleMapping {
        object: family.mapping_object().into(),
        id: m.id.clone(),
        directory_id: m.directory_id.clone(),
        scim_directory_id: m.directory_id.clone(),
        directory_group_id: m.group_id.clone(),
        scim_group_id: m.group_id.clone(),
        directory_group_display_name: m.display_name.clone(),
        scim_group_display_name: m.display_name.clone(),
        role: super::org_roles::role_by_id(db, &m.role_id)
            .map(|r| super::org_roles::render_role(db, r)),
        precedence: m.precedence,
        created_at: m.created_at,
        updated_at: m.updated_at,
    }
}

/// A directory's mappings, by precedence.
fn mappings_of<'a>(db: &'a Db, directory_id: &str) -> Vec<&'a MappingRecord> {
    let mut out: Vec<&MappingRecord> = db
        .directories
        .mappings
        .values()
        .filter(|m| m.directory_id == directory_id)
        .collect();
    out.sort_by_key(|m| (m.precedence, m.created_at));
    out
}

/// Checks mappings about to be stored together: each role exists, no group twice. `existing`
/// are the groups the directory keeps beside them.
fn check_mappings(
    db: &Db,
    family: Family,
    mappings: &[Mapping],
    existing: &[&str],
    role_missing: impl Fn() -> ApiError,
) -> ApiResult<()> {
    let mut seen: HashSet<&str> = existing.iter().copied().collect();
    for m in mappings {
        if super::org_roles::role_by_id(db, &m.role_id).is_none() {
            return Err(role_missing());
        }
        if !seen.insert(m.group_id.as_str()) {
            return Err(group_taken(family));
        }
    }
    Ok(())
}

/// Gives a directory's mappings the precedences 1, 2, ... in their current order, stamping
/// those whose precedence changed.
fn renumber(db: &mut Db, directory_id: &str, now: i64) {
    let order: Vec<(String, i64)> = mappings_of(db, directory_id)
        .iter()
        .map(|m| (m.id.clone(), m.precedence))
        .collect();
    for (i, (id, old)) in order.into_iter().enumerate() {
        let rank = i as i64 + 1;
        if rank != old
            && let Some(m) = db.directories.mappings.get_mut(&id)
        {
            m.precedence = rank;
            m.updated_at = now;
        }
    }
}

fn new_mapping(directory_id: &str, m: Mapping, precedence: i64, now: i64) -> MappingRecord {
    MappingRecord {
        id: new_id("dirgrm"),
        directory_id: directory_id.to_owned(),
        group_id: m.group_id,
        display_name: m.display_name.unwrap_or_default(),
        role_id: m.role_id,
        precedence,
        created_at: now,
        updated_at: now,
    }
}

/// Creates a directory for an existing enterprise connection (one directory per connection).
/// Its SCIM endpoint is `{base_url}/scim/{id}`; the answer carries its API key, which nothing
/// serves again. Mappings given with it turn group role mapping on.
pub(crate) fn create_directory(
    db: &mut Db,
    family: Family,
    base_url: &str,
    b: CreateBody,
) -> ApiResult<Directory> {
    if b.enterprise_connection_id.trim().is_empty() {
        return Err(ApiError::param_missing("enterprise_connection_id"));
    }
    if b.provider.trim().is_empty() {
        return Err(ApiError::param_missing("provider"));
    }
    if let Some(name) = &b.name
        && name.trim().is_empty()
    {
        return Err(ApiError::value_invalid("name", "name must not be blank."));
    }
    let inputs = b.group_role_mappings.unwrap_or_default();
    let mut mappings = Vec::with_capacity(inputs.len());
    for input in inputs {
        mappings.push(input.check(family, Context::WithDirectory)?);
    }
    // Unknown references are refused as invalid values: the spec lists no 404 for the create
    // (**unverified**).
    let connection = db
        .connections
        .enterprise
        .get(&b.enterprise_connection_id)
        .ok_or_else(|| {
            ApiError::value_invalid(
                "enterprise_connection_id",
                format!(
                    "No enterprise connection was found with id {}.",
                    b.enterprise_connection_id
                ),
            )
        })?;
    if db
        .directories
        .directories
        .values()
        .any(|d| d.directory.enterprise_connection_id.as_deref() == Some(connection.id.as_str()))
    {
        // One directory per connection (**unverified** rule and code).
        return Err(ApiError::identifier_exists("enterprise_connection_id"));
    }
    check_mappings(db, family, &mappings, &[], || {
        ApiError::value_invalid("role_id", "No organization role was found with this id.")
    })?;
    let now = now_ms();
    let id = new_id("dir");
    let record = DirectoryRecord {
        directory: Directory {
            object: Family::Directory.directory_object().into(),
            id: id.clone(),
            name: b.name.unwrap_or_else(|| connection.name.clone()),
            enterprise_connection_id: Some(connection.id.clone()),
            endpoint_url: endpoint_url(base_url, &id),
            provider: b.provider,
            enabled: true,
            group_role_mapping_enabled: !mappings.is_empty(),
            attribute_mapping: BTreeMap::new(),
            api_key: None,
            created_at: now,
            updated_at: now,
        },
        api_key: new_api_key(),
    };
    // Precedence as given, else the array position; then 1, 2, ... in that order.
    let mut ranked: Vec<(i64, usize, Mapping)> = mappings
        .into_iter()
        .enumerate()
        .map(|(i, m)| (m.precedence.unwrap_or(i as i64 + 1), i, m))
        .collect();
    ranked.sort_by_key(|(p, i, _)| (*p, *i));
    for (rank, (_, _, m)) in ranked.into_iter().enumerate() {
        let mapping = new_mapping(&id, m, rank as i64 + 1, now);
        db.directories.mappings.insert(mapping.id.clone(), mapping);
    }
    let answer = render(family, base_url, &record, true);
    db.directories.directories.insert(id, record);
    Ok(answer)
}

/// A directory, without its key.
pub(crate) fn get_directory(
    db: &Db,
    family: Family,
    base_url: &str,
    id: &str,
) -> ApiResult<Directory> {
    Ok(render(family, base_url, find(db, id)?, false))
}

/// The directories a list asks for, newest first, with the total before paging.
pub(crate) fn list_directories(
    db: &Db,
    family: Family,
    base_url: &str,
    p: &ListParams,
) -> ApiResult<(Vec<Directory>, usize)> {
    let (limit, offset) = super::paging::paging(p.limit, p.offset)?;
    let total = db.directories.directories.len();
    let page = db
        .directories
        .directories
        .values()
        .rev()
        .skip(offset)
        .take(limit)
        .map(|r| render(family, base_url, r, false))
        .collect();
    Ok((page, total))
}

/// Applies a directory update; `attribute_mapping` entries merge, `null` ones are removed.
pub(crate) fn update_directory(
    db: &mut Db,
    family: Family,
    base_url: &str,
    id: &str,
    b: UpdateBody,
) -> ApiResult<Directory> {
    let mut record = find(db, id)?.clone();
    let d = &mut record.directory;
    for (param, value) in [("name", &b.name), ("provider", &b.provider)] {
        if value.as_deref().is_some_and(|v| v.trim().is_empty()) {
            return Err(ApiError::value_invalid(
                param,
                format!("{param} must not be blank."),
            ));
        }
    }
    if let Some(name) = b.name {
        d.name = name;
    }
    if let Some(provider) = b.provider {
        d.provider = provider;
    }
    if let Some(enabled) = b.enabled {
        d.enabled = enabled;
    }
    if let Some(enabled) = b.group_role_mapping_enabled {
        d.group_role_mapping_enabled = enabled;
    }
    for (key, value) in b.attribute_mapping.unwrap_or_default() {
        match value {
            Some(path) => d.attribute_mapping.insert(key, path),
            None => d.attribute_mapping.remove(&key),
        };
    }
    d.updated_at = now_ms().max(d.updated_at);
    let answer = render(family, base_url, &record, false);
    db.directories.directories.insert(id.to_owned(), record);
    Ok(answer)
}

/// Deletes a directory with its mappings. The users it provisioned stay, no longer managed by
/// a directory (**unverified**), and its key stops working.
pub(crate) fn delete_directory(db: &mut Db, family: Family, id: &str) -> ApiResult<DeletedObject> {
    db.directories
        .directories
        .remove(id)
        .ok_or_else(|| directory_not_found(id))?;
    db.directories.mappings.retain(|_, m| m.directory_id != id);
    db.directories.users.retain(|_, u| u.directory_id != id);
    Ok(DeletedObject {
        object: family.directory_object().into(),
        id: Some(id.to_owned()),
        slug: None,
        deleted: true,
        external_id: None,
    })
}

/// Replaces a directory's key: the old one stops working at once (Clerk keeps it valid for a
/// short grace period; the emulator has none). The answer carries the new key.
pub(crate) fn rotate_api_key(
    db: &mut Db,
    family: Family,
    base_url: &str,
    id: &str,
) -> ApiResult<Directory> {
    find(db, id)?;
    let record = db
        .directories
        .directories
        .get_mut(id)
        .ok_or_else(|| directory_not_found(id))?;
    record.api_key = new_api_key();
    record.directory.updated_at = now_ms().max(record.directory.updated_at);
    Ok(render(family, base_url, record, true))
}

/// A directory's mappings, by precedence.
pub(crate) fn list_mappings(
    db: &Db,
    family: Family,
    id: &str,
) -> ApiResult<Vec<DirectoryGroupRoleMapping>> {
    find(db, id)?;
    Ok(mappings_of(db, id)
        .into_iter()
        .map(|m| render_mapping(db, family, m))
        .collect())
}

fn find_enabled<'a>(db: &'a Db, id: &str) -> ApiResult<&'a DirectoryRecord> {
    let record = find(db, id)?;
    if record.directory.group_role_mapping_enabled {
        Ok(record)
    } else {
        Err(mapping_disabled())
    }
}

/// Adds a mapping at the precedence asked (the ones at and after it move down one), or after
/// the last.
pub(crate) fn create_mapping(
    db: &mut Db,
    family: Family,
    id: &str,
    input: MappingInput,
) -> ApiResult<DirectoryGroupRoleMapping> {
    let m = input.check(family, Context::Single)?;
    find_enabled(db, id)?;
    let existing: Vec<&MappingRecord> = mappings_of(db, id);
    let groups: Vec<&str> = existing.iter().map(|e| e.group_id.as_str()).collect();
    check_mappings(db, family, std::slice::from_ref(&m), &groups, || {
        super::org_roles::role_not_found(Some("role_id"))
    })?;
    let last = existing.len() as i64 + 1;
    let precedence = m.precedence.unwrap_or(last).min(last);
    let now = now_ms();
    let moved: Vec<String> = existing
        .iter()
        .filter(|e| e.precedence >= precedence)
        .map(|e| e.id.clone())
        .collect();
    for moved_id in moved {
        if let Some(e) = db.directories.mappings.get_mut(&moved_id) {
            e.precedence += 1;
            e.updated_at = now;
        }
    }
    let mapping = new_mapping(id, m, precedence, now);
    let mapping_id = mapping.id.clone();
    db.directories.mappings.insert(mapping_id.clone(), mapping);
    renumber(db, id, now);
    let stored = db
        .directories
        .mappings
        .get(&mapping_id)
        .ok_or_else(ApiError::internal)?;
    Ok(render_mapping(db, family, stored))
}

/// Replaces every mapping of a directory; the array order is the precedence. A group kept
/// from before keeps its mapping's id and display name.
pub(crate) fn replace_mappings(
    db: &mut Db,
    family: Family,
    id: &str,
    b: ReplaceBody,
) -> ApiResult<Vec<DirectoryGroupRoleMapping>> {
    let mut mappings = Vec::with_capacity(b.mappings.len());
    for input in b.mappings {
        mappings.push(input.check(family, Context::Replacement)?);
    }
    find_enabled(db, id)?;
    check_mappings(db, family, &mappings, &[], || {
        super::org_roles::role_not_found(Some("role_id"))
    })?;
    let now = now_ms();
    let old: BTreeMap<String, MappingRecord> = mappings_of(db, id)
        .into_iter()
        .map(|m| (m.group_id.clone(), m.clone()))
        .collect();
    db.directories.mappings.retain(|_, m| m.directory_id != id);
    for (i, m) in mappings.into_iter().enumerate() {
        let precedence = i as i64 + 1;
        let record = match old.get(&m.group_id) {
            Some(kept) => {
                let changed = kept.role_id != m.role_id || kept.precedence != precedence;
                MappingRecord {
                    role_id: m.role_id,
                    precedence,
                    updated_at: if changed { now } else { kept.updated_at },
                    ..kept.clone()
                }
            }
            None => new_mapping(id, m, precedence, now),
        };
        db.directories.mappings.insert(record.id.clone(), record);
    }
    Ok(mappings_of(db, id)
        .into_iter()
        .map(|m| render_mapping(db, family, m))
        .collect())
}

/// Deletes one mapping; those after it move up one.
pub(crate) fn delete_mapping(
    db: &mut Db,
    family: Family,
    id: &str,
    mapping_id: &str,
) -> ApiResult<serde_json::Value> {
    find_enabled(db, id)?;
    match db.directories.mappings.get(mapping_id) {
        Some(m) if m.directory_id == id => {}
        _ => return Err(mapping_not_found(mapping_id)),
    }
    db.directories.mappings.remove(mapping_id);
    renumber(db, id, now_ms());
    Ok(serde_json::json!({
        "object": family.mapping_object(),
        "id": mapping_id,
        "deleted": true,
    }))
}

/// An enterprise connection was deleted: its directory stays, tied to no connection.
pub(crate) fn connection_deleted(db: &mut Db, connection_id: &str) {
    db.directories.directories.update_where(
        |d| d.directory.enterprise_connection_id.as_deref() == Some(connection_id),
        |d| d.directory.enterprise_connection_id = None,
    );
}

/// 409 for deleting, through the Backend API, a user a directory manages (CLERK-FACTS §1).
pub(crate) fn check_user_deletable(db: &Db, user_id: &str) -> ApiResult<()> {
    if db.directories.users.contains_key(user_id) {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "user_managed_by_scim",
            "This user is managed by a directory and cannot be deleted manually.",
            "This user is managed by a directory and cannot be deleted manually.",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(dir: Option<&str>, scim: Option<&str>) -> MappingInput {
        MappingInput {
            directory_group_id: dir.map(str::to_owned),
            scim_group_id: scim.map(str::to_owned),
            role_id: "role_x".into(),
            ..Default::default()
        }
    }

    #[test]
    fn group_ids_take_either_name_in_the_directory_family() {
        let one = |i: MappingInput| i.check(Family::Directory, Context::Single);
        assert_eq!(one(input(Some("g"), None)).unwrap().group_id, "g");
        assert_eq!(one(input(None, Some("g"))).unwrap().group_id, "g");
        assert_eq!(one(input(Some("g"), Some("g"))).unwrap().group_id, "g");
        let differ = one(input(Some("g"), Some("h"))).err().unwrap();
        assert_eq!(differ.code(), "form_param_value_invalid");
        let none = one(input(None, None)).err().unwrap();
        assert_eq!(none.code(), "form_param_missing");
    }

    #[test]
    fn the_scim_family_knows_only_its_own_names() {
        let scim = |i: MappingInput, c| i.check(Family::Scim, c).err().map(|e| e.code().to_owned());
        assert_eq!(scim(input(None, Some("g")), Context::Single), None);
        assert_eq!(
            scim(input(Some("g"), None), Context::Single).as_deref(),
            Some("form_param_unknown")
        );
        let with_precedence = MappingInput {
            precedence: Some(2),
            ..input(None, Some("g"))
        };
        assert_eq!(
            scim(with_precedence, Context::Replacement).as_deref(),
            Some("form_param_unknown")
        );
        let low = MappingInput {
            precedence: Some(0),
            ..input(None, Some("g"))
        };
        assert_eq!(
            scim(low, Context::Single).as_deref(),
            Some("form_param_value_invalid")
        );
    }
}
