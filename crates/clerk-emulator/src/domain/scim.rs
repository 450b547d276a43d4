//! The SCIM 2.0 provisioning side of directories (RFC 7643/7644, the Users resource): what an
//! identity provider calls at a directory's `endpoint_url`, authenticated with the directory's
//! API key as a bearer token.
//!
//! Users created here are ordinary users of the instance (made by the same code as
//! `POST /v1/users`, announced by `user.created`), their email addresses verified by SCIM, and
//! remembered as managed by the directory: the Backend API refuses to delete them. Setting
//! `active` to false leaves the user `deprovisioned` and revokes their sessions (**unverified**
//! choice: the spec's user object has the flag; Clerk's exact effect is not documented);
//! deleting through SCIM deletes the user.

use axum::http::StatusCode;
use serde_json::{Map, Value, json};

use super::directories as dirs;
use super::users;
use crate::error::ApiError;
use crate::ids::{new_id, now_ms};
use crate::server::AppState;
use crate::store::directories::{DirectoryRecord, ProvisionedUser};
use crate::store::{Db, Ident};
use crate::wire::{
    CreateUserRequest, EmailAddress, ScimUserMetadata, User, Verification, VerificationStatus,
    VerificationStrategy,
};

const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
const LIST_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
const ERROR_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:Error";

/// The most users one list page holds.
const MAX_COUNT: usize = 100;

/// An error in SCIM's shape (RFC 7644 §3.12).
#[derive(Debug)]
pub(crate) struct ScimError {
    pub(crate) status: StatusCode,
    scim_type: Option<&'static str>,
    detail: String,
}

/// What a SCIM operation answers or the error it fails with.
pub(crate) type ScimResult<T> = Result<T, ScimError>;

impl ScimError {
    fn new(status: StatusCode, scim_type: Option<&'static str>, detail: impl Into<String>) -> Self {
        ScimError {
            status,
            scim_type,
            detail: detail.into(),
        }
    }

    fn invalid(detail: impl Into<String>) -> Self {
        ScimError::new(StatusCode::BAD_REQUEST, Some("invalidValue"), detail)
    }

    fn syntax(detail: impl Into<String>) -> Self {
        ScimError::new(StatusCode::BAD_REQUEST, Some("invalidSyntax"), detail)
    }

    fn user_not_found(id: &str) -> Self {
        ScimError::new(
            StatusCode::NOT_FOUND,
            None,
            format!("No user {id} was provisioned by this directory."),
        )
    }

    fn taken(what: &str) -> Self {
        ScimError::new(
            StatusCode::CONFLICT,
            Some("uniqueness"),
            format!("The {what} is already in use."),
        )
    }

    /// The error body.
    pub(crate) fn body(&self) -> Value {
        let mut body = json!({
            "schemas": [ERROR_SCHEMA],
            "status": self.status.as_u16().to_string(),
            "detail": self.detail,
        });
        if let Some(t) = self.scim_type {
            body["scimType"] = json!(t);
        }
        body
    }
}

/// 400 for a body that is not JSON.
pub(crate) fn invalid_json() -> ScimError {
    ScimError::syntax("The body is not valid JSON.")
}

/// 400 for a query string that does not decode.
pub(crate) fn invalid_query() -> ScimError {
    ScimError::new(
        StatusCode::BAD_REQUEST,
        None,
        "The query string is invalid.",
    )
}

impl From<ApiError> for ScimError {
    /// A Backend API rule broken by provisioning: a taken identifier is SCIM's uniqueness
    /// conflict, any other refusal of the data an invalid value.
    fn from(e: ApiError) -> Self {
        let detail = e
            .errors
            .first()
            .map(|x| x.long_message.clone())
            .unwrap_or_default();
        match (e.status, e.code()) {
            (_, "form_identifier_exists") => {
                ScimError::new(StatusCode::CONFLICT, Some("uniqueness"), detail)
            }
            (StatusCode::NOT_FOUND, _) => ScimError::new(StatusCode::NOT_FOUND, None, detail),
            (s, _) if s.is_server_error() => ScimError::new(s, None, detail),
            _ => ScimError::invalid(detail),
        }
    }
}

/// The directory a SCIM request is for, if the bearer token is its current key: 401 for a
/// missing or wrong key or an unknown directory (the same answer, so keys cannot be probed),
/// 403 while the directory is disabled (**unverified**).
pub(crate) fn authenticate<'a>(
    db: &'a Db,
    directory_id: &str,
    authorization: Option<&str>,
) -> ScimResult<&'a DirectoryRecord> {
    let token = authorization
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let record = db.directories.directories.get(directory_id);
    match (record, token) {
        (Some(r), Some(t)) if !t.is_empty() && r.api_key == t => {
            if r.directory.enabled {
                Ok(r)
            } else {
                Err(ScimError::new(
                    StatusCode::FORBIDDEN,
                    None,
                    "The directory is disabled.",
                ))
            }
        }
        _ => Err(ScimError::new(
            StatusCode::UNAUTHORIZED,
            None,
            "The bearer token is not this directory's API key.",
        )),
    }
}

/// Attribute changes read from a SCIM resource or patch. `Some(None)` clears a value.
#[derive(Debug, Default)]
struct Changes {
    user_name: Option<String>,
    external_id: Option<Option<String>>,
    given_name: Option<Option<String>>,
    family_name: Option<Option<String>>,
    email: Option<String>,
    active: Option<bool>,
}

fn text(value: &Value, attribute: &str) -> ScimResult<Option<String>> {
    match value {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s.clone())),
        _ => Err(ScimError::invalid(format!("{attribute} must be a string."))),
    }
}

/// `active` as a boolean, or as the strings some providers send.
fn flag(value: &Value) -> ScimResult<bool> {
    match value {
        Value::Bool(b) => Ok(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(false),
        _ => Err(ScimError::invalid("active must be a boolean.")),
    }
}

/// The address an `emails` value names: the primary one, else the first.
fn email_of(value: &Value) -> ScimResult<Option<String>> {
    match value {
        Value::Array(items) => {
            let pick = items
                .iter()
                .find(|e| e.get("primary").is_some_and(|p| flag(p).unwrap_or(false)))
                .or_else(|| items.first());
            match pick {
                Some(e) => email_of(e),
                None => Ok(None),
            }
        }
        Value::Object(map) => map
            .get("value")
            .map_or(Ok(None), |v| text(v, "emails.value")),
        other => text(other, "emails"),
    }
}

impl Changes {
    /// Applies one attribute (names compare without case, as SCIM's do); attributes the
    /// emulator does not keep are ignored.
    fn set(&mut self, path: &str, value: &Value, remove: bool) -> ScimResult<()> {
        let lower = path.to_ascii_lowercase();
        let prefix = format!("{}:", USER_SCHEMA.to_ascii_lowercase());
        let name = lower.strip_prefix(&prefix).unwrap_or(&lower);
        let cleared = |v: &Value, attribute: &str| -> ScimResult<Option<String>> {
            if remove { Ok(None) } else { text(v, attribute) }
        };
        match name {
            "active" if !remove => self.active = Some(flag(value)?),
            "username" if !remove => {
                self.user_name = Some(
                    text(value, "userName")?
                        .ok_or_else(|| ScimError::invalid("userName must be a string."))?,
                )
            }
            "externalid" => self.external_id = Some(cleared(value, "externalId")?),
            "name.givenname" => self.given_name = Some(cleared(value, "name.givenName")?),
            "name.familyname" => self.family_name = Some(cleared(value, "name.familyName")?),
            "name" if remove => {
                self.given_name = Some(None);
                self.family_name = Some(None);
            }
            "name" => {
                let Value::Object(parts) = value else {
                    return Err(ScimError::invalid("name must be an object."));
                };
                for (key, part) in parts {
                    self.set(&format!("name.{key}"), part, false)?;
                }
            }
            email if email.starts_with("emails") && !remove => {
                if let Some(address) = email_of(value)? {
                    self.email = Some(address);
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// The changes a whole resource (`POST` or `PUT`) carries.
    fn from_resource(body: &Value) -> ScimResult<Changes> {
        let Value::Object(attributes) = body else {
            return Err(ScimError::syntax("The body must be a JSON object."));
        };
        let mut changes = Changes::default();
        for (key, value) in attributes {
            changes.set(key, value, false)?;
        }
        Ok(changes)
    }

    /// The changes a `PatchOp` carries: `add`, `replace` and `remove` operations, with or
    /// without a path.
    fn from_patch(body: &Value) -> ScimResult<Changes> {
        let operations = body
            .get("Operations")
            .or_else(|| body.get("operations"))
            .and_then(Value::as_array)
            .ok_or_else(|| ScimError::syntax("A PatchOp needs an Operations array."))?;
        let mut changes = Changes::default();
        for op in operations {
            let kind = op
                .get("op")
                .and_then(Value::as_str)
                .map(str::to_ascii_lowercase)
                .unwrap_or_default();
            let remove = match kind.as_str() {
                "add" | "replace" => false,
                "remove" => true,
                _ => {
                    return Err(ScimError::syntax(
                        "Each operation's op must be add, replace or remove.",
                    ));
                }
            };
            let value = op.get("value").unwrap_or(&Value::Null);
            match op.get("path").and_then(Value::as_str) {
                Some(path) => changes.set(path, value, remove)?,
                None => {
                    let Value::Object(attributes) = value else {
                        return Err(ScimError::invalid(
                            "An operation without a path needs an object value.",
                        ));
                    };
                    for (key, v) in attributes {
                        changes.set(key, v, remove)?;
                    }
                }
            }
        }
        Ok(changes)
    }
}

fn scim_verification() -> Verification {
    Verification::Scim(users::details(
        VerificationStatus::Verified,
        VerificationStrategy::Scim,
    ))
}

fn scim_email(address: &str, now: i64) -> EmailAddress {
    EmailAddress {
        id: Some(new_id("idn")),
        object: "email_address".into(),
        email_address: address.to_owned(),
        reserved: false,
        verification: scim_verification(),
        linked_to: vec![],
        matches_sso_connection: Some(false),
        created_at: now,
        updated_at: now,
    }
}

/// The `scim` details webhook events carry for a user of this directory.
fn metadata(db: &Db, p: &ProvisionedUser) -> ScimUserMetadata {
    let enabled = db
        .directories
        .directories
        .get(&p.directory_id)
        .is_some_and(|d| d.directory.enabled);
    ScimUserMetadata {
        directory_id: p.directory_id.clone(),
        directory_enabled: enabled.then_some(true),
        external_id: p.external_id.clone(),
    }
}

/// Puts the `scim` details into the latest `kind` event about this user of the write.
fn tag_event(db: &mut Db, kind: &str, user_id: &str, meta: &ScimUserMetadata) {
    let event =
        db.events.iter_mut().rev().find(|(t, data)| {
            *t == kind && data.get("id").and_then(Value::as_str) == Some(user_id)
        });
    if let Some((_, Value::Object(data))) = event {
        data.insert(
            "scim".into(),
            serde_json::to_value(meta).unwrap_or(Value::Null),
        );
    }
}

/// Unix milliseconds as an RFC 3339 UTC date-time, to the second.
fn rfc3339(ms: i64) -> String {
    let c = super::validate::civil(ms);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        c.year, c.month, c.day, c.hour, c.minute, c.second
    )
}

/// A provisioned user as a SCIM resource.
fn resource(base_url: &str, p: &ProvisionedUser, user: &User) -> Value {
    let mut name = Map::new();
    if let Some(g) = &user.first_name {
        name.insert("givenName".into(), json!(g));
    }
    if let Some(f) = &user.last_name {
        name.insert("familyName".into(), json!(f));
    }
    let emails: Vec<Value> = user
        .email_addresses
        .iter()
        .map(|e| {
            json!({
                "value": e.email_address,
                "primary": e.id.is_some() && e.id == user.primary_email_address_id,
            })
        })
        .collect();
    let mut out = json!({
        "schemas": [USER_SCHEMA],
        "id": user.id,
        "userName": p.user_name,
        "name": name,
        "emails": emails,
        "active": p.active,
        "meta": {
            "resourceType": "User",
            "created": rfc3339(p.created_at),
            "lastModified": rfc3339(p.updated_at.max(user.updated_at)),
            "location": format!(
                "{}/Users/{}",
                dirs::endpoint_url(base_url, &p.directory_id),
                user.id
            ),
        },
    });
    if let Some(x) = &p.external_id {
        out["externalId"] = json!(x);
    }
    out
}

/// The user of this directory with this id and what the directory knows of it.
fn provisioned<'a>(
    db: &'a Db,
    directory_id: &str,
    user_id: &str,
) -> ScimResult<(&'a ProvisionedUser, &'a User)> {
    dirs::find(db, directory_id)?;
    let p = db
        .directories
        .users
        .get(user_id)
        .filter(|p| p.directory_id == directory_id)
        .ok_or_else(|| ScimError::user_not_found(user_id))?;
    let record = db
        .users
        .get(user_id)
        .ok_or_else(|| ScimError::user_not_found(user_id))?;
    Ok((p, &record.user))
}

/// 409 when another user of the directory has this `userName` (compared without case).
fn check_user_name(db: &Db, directory_id: &str, name: &str, me: Option<&str>) -> ScimResult<()> {
    if name.trim().is_empty() {
        return Err(ScimError::invalid("userName must not be blank."));
    }
    let taken = db.directories.users.values().any(|p| {
        p.directory_id == directory_id
            && p.user_name.eq_ignore_ascii_case(name)
            && Some(p.user_id.as_str()) != me
    });
    if taken {
        Err(ScimError::taken("userName"))
    } else {
        Ok(())
    }
}

/// `POST /Users`: creates the user the way `POST /v1/users` does, tied to the directory. The
/// address is the primary (else first) of `emails`, else a `userName` that is an address.
pub(crate) fn create_user(state: &AppState, directory_id: &str, body: &Value) -> ScimResult<Value> {
    let changes = Changes::from_resource(body)?;
    let user_name = changes
        .user_name
        .clone()
        .ok_or_else(|| ScimError::invalid("userName is required."))?;
    let email = changes
        .email
        .clone()
        .or_else(|| user_name.contains('@').then(|| user_name.clone()));
    let request = CreateUserRequest {
        email_address: email.into_iter().collect(),
        first_name: changes.given_name.clone().flatten(),
        last_name: changes.family_name.clone().flatten(),
        ..Default::default()
    };
    let active = changes.active.unwrap_or(true);
    let external_id = changes.external_id.clone().flatten();
    // The directory's own rule, checked under the write that stores the user.
    let mut refused: Option<ScimError> = None;
    let created = users::create_provisioned(state, request, |db, user| {
        let checked = dirs::find(db, directory_id)
            .map_err(ScimError::from)
            .and_then(|_| check_user_name(db, directory_id, &user_name, None));
        if let Err(e) = checked {
            refused = Some(e);
            return Err(ApiError::internal());
        }
        for e in &mut user.email_addresses {
            e.verification = scim_verification();
        }
        user.deprovisioned = Some(!active);
        let now = now_ms();
        let p = ProvisionedUser {
            user_id: user.id.clone(),
            directory_id: directory_id.to_owned(),
            user_name: user_name.clone(),
            external_id: external_id.clone(),
            active,
            created_at: now,
            updated_at: now,
        };
        let meta = metadata(db, &p);
        db.directories.users.insert(p.user_id.clone(), p);
        Ok(Some(meta))
    });
    let user = match (created, refused) {
        (_, Some(e)) => return Err(e),
        (Err(e), None) => return Err(e.into()),
        (Ok(user), None) => user,
    };
    let db = state.read();
    let (p, stored) = provisioned(&db, directory_id, &user.id)?;
    Ok(resource(&state.base_url, p, stored))
}

/// `GET /Users/{id}`.
pub(crate) fn get_user(
    db: &Db,
    base_url: &str,
    directory_id: &str,
    user_id: &str,
) -> ScimResult<Value> {
    let (p, user) = provisioned(db, directory_id, user_id)?;
    Ok(resource(base_url, p, user))
}

/// A filter of the form `attribute eq "value"` on `userName`, `externalId` or `emails`.
fn parse_filter(filter: &str) -> ScimResult<(String, String)> {
    let bad = || {
        ScimError::new(
            StatusCode::BAD_REQUEST,
            Some("invalidFilter"),
            "Only filters of the form `userName eq \"value\"` (also externalId, emails.value) are supported.",
        )
    };
    let mut parts = filter.trim().splitn(3, ' ');
    let (Some(attribute), Some(op), Some(value)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    let value = value
        .trim()
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .ok_or_else(bad)?;
    let attribute = attribute.to_ascii_lowercase();
    let known = ["username", "externalid", "emails", "emails.value"];
    if !op.eq_ignore_ascii_case("eq") || !known.contains(&attribute.as_str()) {
        return Err(bad());
    }
    Ok((attribute, value.to_owned()))
}

/// `GET /Users`: the directory's users, oldest first, filtered and paged the SCIM way
/// (`startIndex` from 1, `count` at most 100).
pub(crate) fn list_users(
    db: &Db,
    base_url: &str,
    directory_id: &str,
    filter: Option<&str>,
    start_index: Option<i64>,
    count: Option<i64>,
) -> ScimResult<Value> {
    dirs::find(db, directory_id)?;
    let filter = filter
        .filter(|f| !f.trim().is_empty())
        .map(parse_filter)
        .transpose()?;
    let matching: Vec<Value> = db
        .directories
        .users
        .values()
        .filter(|p| p.directory_id == directory_id)
        .filter_map(|p| db.users.get(&p.user_id).map(|r| (p, &r.user)))
        .filter(|(p, user)| match &filter {
            None => true,
            Some((attribute, value)) => match attribute.as_str() {
                "username" => p.user_name.eq_ignore_ascii_case(value),
                "externalid" => p.external_id.as_deref() == Some(value.as_str()),
                _ => user
                    .email_addresses
                    .iter()
                    .any(|e| e.email_address.eq_ignore_ascii_case(value)),
            },
        })
        .map(|(p, user)| resource(base_url, p, user))
        .collect();
    let start = start_index.unwrap_or(1).max(1);
    let count = count.map_or(MAX_COUNT, |c| c.clamp(0, MAX_COUNT as i64) as usize);
    let total = matching.len();
    let page: Vec<Value> = matching
        .into_iter()
        .skip(start as usize - 1)
        .take(count)
        .collect();
    Ok(json!({
        "schemas": [LIST_SCHEMA],
        "totalResults": total,
        "startIndex": start,
        "itemsPerPage": page.len(),
        "Resources": page,
    }))
}

/// Applies changes to a provisioned user: its names and primary address on the user (one
/// `user.updated`, with the `scim` details), `active` as `deprovisioned` (revoking sessions),
/// `userName` and `externalId` on the directory's record.
fn apply(
    db: &mut Db,
    base_url: &str,
    directory_id: &str,
    user_id: &str,
    changes: Changes,
) -> ScimResult<Value> {
    let (p, user) = provisioned(db, directory_id, user_id)?;
    let mut p = p.clone();
    if let Some(name) = &changes.user_name {
        check_user_name(db, directory_id, name, Some(user_id))?;
    }
    let old_email = user
        .email_addresses
        .iter()
        .find(|e| e.id.is_some() && e.id == user.primary_email_address_id)
        .map(|e| e.email_address.clone());
    let new_email = changes
        .email
        .clone()
        .filter(|e| old_email.as_deref() != Some(e.as_str()));
    if let Some(address) = &new_email {
        if !super::validate::valid_email(address) {
            return Err(ScimError::invalid(format!(
                "{address} is not a valid email address."
            )));
        }
        users::check_unique(&db.index, Ident::Email, address, Some(user_id))?;
    }
    let now = now_ms();
    users::mutate_locked(db, user_id, |db, id| {
        if let Some(address) = &new_email {
            if let Some(old) = &old_email {
                db.index.remove(Ident::Email, old);
            }
            db.index.insert(Ident::Email, address, id);
        }
        let Some(record) = db.users.get_mut(id) else {
            return Ok(());
        };
        let u = &mut record.user;
        if let Some(v) = &changes.given_name {
            u.first_name = v.clone();
        }
        if let Some(v) = &changes.family_name {
            u.last_name = v.clone();
        }
        if let Some(address) = &new_email {
            let primary = u.primary_email_address_id.clone();
            match u
                .email_addresses
                .iter_mut()
                .find(|e| e.id.is_some() && e.id == primary)
            {
                Some(e) => {
                    e.email_address = address.clone();
                    e.verification = scim_verification();
                    e.updated_at = now;
                }
                None => {
                    let e = scim_email(address, now);
                    u.primary_email_address_id = e.id.clone();
                    u.email_addresses.push(e);
                }
            }
        }
        if let Some(active) = changes.active {
            u.deprovisioned = Some(!active);
            if !active {
                super::sessions::revoke_user_sessions(db, id);
            }
        }
        Ok(())
    })?;
    if let Some(name) = changes.user_name {
        p.user_name = name;
    }
    if let Some(x) = changes.external_id {
        p.external_id = x;
    }
    if let Some(active) = changes.active {
        p.active = active;
    }
    p.updated_at = now.max(p.updated_at);
    let meta = metadata(db, &p);
    db.directories.users.insert(user_id.to_owned(), p);
    tag_event(db, "user.updated", user_id, &meta);
    get_user(db, base_url, directory_id, user_id)
}

/// `PUT /Users/{id}`: the attributes the resource carries replace the user's.
pub(crate) fn replace_user(
    db: &mut Db,
    base_url: &str,
    directory_id: &str,
    user_id: &str,
    body: &Value,
) -> ScimResult<Value> {
    let changes = Changes::from_resource(body)?;
    apply(db, base_url, directory_id, user_id, changes)
}

/// `PATCH /Users/{id}`.
pub(crate) fn patch_user(
    db: &mut Db,
    base_url: &str,
    directory_id: &str,
    user_id: &str,
    body: &Value,
) -> ScimResult<Value> {
    let changes = Changes::from_patch(body)?;
    apply(db, base_url, directory_id, user_id, changes)
}

/// `DELETE /Users/{id}`: the user is deleted (**unverified**: Clerk may deprovision instead).
pub(crate) fn delete_user(db: &mut Db, directory_id: &str, user_id: &str) -> ScimResult<()> {
    provisioned(db, directory_id, user_id)?;
    db.directories.users.remove(user_id);
    users::delete_record(db, user_id)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_rfc3339() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400_000), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_700_690_400_123), "2023-11-22T22:00:00Z");
    }

    #[test]
    fn patches_read_paths_and_values() {
        let c = Changes::from_patch(&json!({"Operations": [
            {"op": "Replace", "path": "active", "value": "False"},
            {"op": "replace", "value": {"name.givenName": "Ada", "externalId": "x1"}},
            {"op": "replace", "path": "emails[type eq \"work\"].value", "value": "a@b.co"},
            {"op": "remove", "path": "name.familyName"},
        ]}))
        .unwrap();
        assert_eq!(c.active, Some(false));
        assert_eq!(c.given_name, Some(Some("Ada".into())));
        assert_eq!(c.family_name, Some(None));
        assert_eq!(c.external_id, Some(Some("x1".into())));
        assert_eq!(c.email.as_deref(), Some("a@b.co"));
        for bad in [
            json!({}),
            json!({"Operations": [{"op": "move"}]}),
            json!({"Operations": [{"op": "add", "value": 3}]}),
        ] {
            assert!(Changes::from_patch(&bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn filters_are_attribute_eq_value() {
        assert_eq!(
            parse_filter("userName eq \"ada@example.com\"").unwrap(),
            ("username".into(), "ada@example.com".into())
        );
        assert!(parse_filter("userName co \"ada\"").is_err());
        assert!(parse_filter("title eq \"x\"").is_err());
        assert!(parse_filter("userName eq ada").is_err());
    }
}
