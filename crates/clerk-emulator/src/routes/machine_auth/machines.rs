//! Machines (`/v1/machines`): named services with a secret key, a default M2M token lifetime,
//! and scopes naming the machines each may send tokens to.

use crate::store::machine_auth::*;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{delete, get, post};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::secret;
use crate::error::{ApiError, ApiResult};
use crate::ids::{new_id, now_ms};
use crate::server::{JsonBody, Query, Shared, json};
use crate::store::Db;

/// The default lifetime of a machine's M2M tokens (seconds), and its bounds (SPEC
/// CreateMachine).
const DEFAULT_TOKEN_TTL: i64 = 3600;
const TOKEN_TTL_RANGE: std::ops::RangeInclusive<i64> = 1..=315_360_000;
/// The most scoped machines a create names (SPEC).
const MAX_SCOPED_MACHINES: usize = 150;
/// The longest grace period of a rotated secret key (SPEC RotateMachineSecretKey).
const MAX_PREVIOUS_TOKEN_TTL: i64 = 28_800;

impl MachineRow {
    /// Whether `secret` authenticates this machine at `now`.
    pub(crate) fn accepts_secret(&self, secret: &str, now: i64) -> bool {
        self.secret_key == secret
            || self
                .previous_secret_key
                .as_ref()
                .is_some_and(|(old, until)| old == secret && now < *until)
    }

    /// The ids of the machines this one may reach.
    pub(crate) fn scoped_ids(&self) -> Vec<String> {
        self.scopes
            .iter()
            .map(|s| s.to_machine_id.clone())
            .collect()
    }
}

/// The spec's `MachineWithoutScopedMachines`.
#[derive(Serialize)]
struct MachineBrief<'a> {
    object: &'static str,
    id: &'a str,
    name: &'a str,
    instance_id: &'a str,
    created_at: i64,
    updated_at: i64,
    default_token_ttl: i64,
}

/// The spec's `Machine` (and `CreateMachine`'s answer, with the secret key).
#[derive(Serialize)]
struct MachineView<'a> {
    #[serde(flatten)]
    machine: MachineBrief<'a>,
    scoped_machines: Vec<MachineBrief<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    secret_key: Option<&'a str>,
}

fn brief<'a>(m: &'a MachineRow, instance_id: &'a str) -> MachineBrief<'a> {
    MachineBrief {
        object: "machine",
        id: &m.id,
        name: &m.name,
        instance_id,
        created_at: m.created_at,
        updated_at: m.updated_at,
        default_token_ttl: m.default_token_ttl,
    }
}

/// A machine with its scoped machines (those that still exist).
fn view<'a>(db: &'a Db, m: &'a MachineRow, instance_id: &'a str) -> MachineView<'a> {
    let all = &db.machine_auth.machines;
    MachineView {
        machine: brief(m, instance_id),
        scoped_machines: m
            .scopes
            .iter()
            .filter_map(|s| all.get(&s.to_machine_id))
            .map(|other| brief(other, instance_id))
            .collect(),
        secret_key: None,
    }
}

pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route("/v1/machines", get(list).post(create))
        .route(
            "/v1/machines/{machine_id}",
            get(get_machine).patch(update).delete(delete_machine),
        )
        .route("/v1/machines/{machine_id}/secret_key", get(get_secret_key))
        .route(
            "/v1/machines/{machine_id}/secret_key/rotate",
            post(rotate_secret_key),
        )
        .route("/v1/machines/{machine_id}/scopes", post(create_scope))
        .route(
            "/v1/machines/{machine_id}/scopes/{other_machine_id}",
            delete(delete_scope),
        )
}

/// An unknown machine (the text is **unverified**).
pub(crate) fn machine_not_found(id: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "resource_not_found",
        "not found",
        format!("No machine was found with id {id}"),
    )
}

fn find<'a>(db: &'a Db, id: &str) -> ApiResult<&'a MachineRow> {
    db.machine_auth
        .machines
        .get(id)
        .ok_or_else(|| machine_not_found(id))
}

fn check_name(name: &str) -> ApiResult<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(ApiError::param_missing("name"));
    }
    if name.chars().count() > 255 {
        return Err(ApiError::value_invalid(
            "name",
            "name must be at most 255 characters long.",
        ));
    }
    Ok(name.to_owned())
}

fn check_ttl(ttl: i64) -> ApiResult<i64> {
    if TOKEN_TTL_RANGE.contains(&ttl) {
        Ok(ttl)
    } else {
        Err(ApiError::value_invalid(
            "default_token_ttl",
            "default_token_ttl must be between 1 and 315360000.",
        ))
    }
}

// ---- the operations --------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ListParams {
    limit: Option<i64>,
    offset: Option<i64>,
    query: Option<String>,
    order_by: Vec<String>,
}

/// `GET /v1/machines`: `{data, total_count}`, newest first unless `order_by` says otherwise
/// (`created_at` or `name`, `+`/`-`; the allowed fields are **unverified**); `query` matches
/// part of the id or name, without case.
async fn list(
    State(state): State<Shared>,
    Query(params): Query<ListParams>,
) -> ApiResult<Response> {
    let (field, desc) = crate::domain::organizations::parse_order(
        &params.order_by,
        &["created_at", "name"],
        ("created_at", true),
    )?;
    let (limit, offset) = crate::domain::paging::paging(params.limit, params.offset)?;
    let db = state.read();
    let needle = params.query.as_deref().map(str::to_lowercase);
    let mut found: Vec<&MachineRow> = db
        .machine_auth
        .machines
        .values()
        .filter(|m| {
            needle.as_deref().is_none_or(|q| {
                m.id.to_lowercase().contains(q) || m.name.to_lowercase().contains(q)
            })
        })
        .collect();
    if field == "name" {
        found.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    }
    if desc {
        found.reverse();
    }
    let total = found.len();
    let data: Vec<MachineView<'_>> = super::page(found, limit, offset)
        .into_iter()
        .map(|m| view(&db, m, &state.instance_id))
        .collect();
    Ok(json(&json!({"data": data, "total_count": total})))
}

#[derive(Debug, Deserialize)]
struct CreateBody {
    name: String,
    #[serde(default)]
    scoped_machines: Option<Vec<String>>,
    #[serde(default)]
    default_token_ttl: Option<i64>,
}

/// `POST /v1/machines`: a machine, its first secret key (shown here, and later at
/// `GET /v1/machines/{id}/secret_key`) and its scopes. A scoped machine that does not exist is
/// 404 (**unverified**).
async fn create(
    State(state): State<Shared>,
    JsonBody(body): JsonBody<CreateBody>,
) -> ApiResult<Response> {
    let name = check_name(&body.name)?;
    let ttl = check_ttl(body.default_token_ttl.unwrap_or(DEFAULT_TOKEN_TTL))?;
    let scoped = body.scoped_machines.unwrap_or_default();
    if scoped.len() > MAX_SCOPED_MACHINES {
        return Err(ApiError::value_invalid(
            "scoped_machines",
            format!("scoped_machines must have at most {MAX_SCOPED_MACHINES} items."),
        ));
    }
    let mut db = state.write();
    for id in &scoped {
        find(&db, id)?;
    }
    let now = now_ms();
    let mut scopes: Vec<ScopeRow> = Vec::new();
    for id in scoped {
        if !scopes.iter().any(|s| s.to_machine_id == id) {
            scopes.push(ScopeRow {
                to_machine_id: id,
                created_at: now,
            });
        }
    }
    let row = MachineRow {
        id: new_id("mch"),
        name,
        default_token_ttl: ttl,
        scopes,
        secret_key: secret("ak"),
        previous_secret_key: None,
        created_at: now,
        updated_at: now,
    };
    db.machine_auth.machines.insert(row.id.clone(), row.clone());
    let mut answer = view(&db, &row, &state.instance_id);
    answer.secret_key = Some(&row.secret_key);
    Ok(json(&answer))
}

async fn get_machine(State(state): State<Shared>, Path(id): Path<String>) -> ApiResult<Response> {
    let db = state.read();
    let m = find(&db, &id)?;
    Ok(json(&view(&db, m, &state.instance_id)))
}

#[derive(Debug, Deserialize)]
struct UpdateBody {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    default_token_ttl: Option<i64>,
}

/// `PATCH /v1/machines/{id}`: the name and default token lifetime; what is left out stays.
async fn update(
    State(state): State<Shared>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<UpdateBody>,
) -> ApiResult<Response> {
    let mut db = state.write();
    find(&db, &id)?;
    let name = body.name.as_deref().map(check_name).transpose()?;
    let ttl = body.default_token_ttl.map(check_ttl).transpose()?;
    if let Some(m) = db.machine_auth.machines.get_mut(&id) {
        if let Some(name) = name {
            m.name = name;
        }
        if let Some(ttl) = ttl {
            m.default_token_ttl = ttl;
        }
        m.updated_at = now_ms().max(m.updated_at);
    }
    let m = find(&db, &id)?;
    Ok(json(&view(&db, m, &state.instance_id)))
}

/// `DELETE /v1/machines/{id}`: the machine, the scopes other machines have on it, and its
/// stored M2M tokens go; API keys it is the subject of stop verifying.
async fn delete_machine(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let mut db = state.write();
    let data = &mut db.machine_auth;
    data.machines
        .remove(&id)
        .ok_or_else(|| machine_not_found(&id))?;
    let now = now_ms();
    data.machines.update_where(
        |m| m.scopes.iter().any(|s| s.to_machine_id == id),
        |m| {
            m.scopes.retain(|s| s.to_machine_id != id);
            m.updated_at = now.max(m.updated_at);
        },
    );
    data.m2m_tokens.retain(|_, t| t.subject != id);
    Ok(json(
        &json!({"object": "machine", "id": id, "deleted": true}),
    ))
}

async fn get_secret_key(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let db = state.read();
    let m = find(&db, &id)?;
    Ok(json(
        &json!({"object": "machine_secret_key", "secret": m.secret_key}),
    ))
}

#[derive(Debug, Deserialize)]
struct RotateBody {
    previous_token_ttl: i64,
}

/// `POST /v1/machines/{id}/secret_key/rotate`: a new secret key; the old one keeps working for
/// `previous_token_ttl` seconds (0: not at all).
async fn rotate_secret_key(
    State(state): State<Shared>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<RotateBody>,
) -> ApiResult<Response> {
    let mut db = state.write();
    find(&db, &id)?;
    if !(0..=MAX_PREVIOUS_TOKEN_TTL).contains(&body.previous_token_ttl) {
        return Err(ApiError::value_invalid(
            "previous_token_ttl",
            format!("previous_token_ttl must be between 0 and {MAX_PREVIOUS_TOKEN_TTL}."),
        ));
    }
    let now = now_ms();
    let fresh = secret("ak");
    if let Some(m) = db.machine_auth.machines.get_mut(&id) {
        let old = std::mem::replace(&mut m.secret_key, fresh.clone());
        m.previous_secret_key =
            (body.previous_token_ttl > 0).then(|| (old, now + body.previous_token_ttl * 1000));
        m.updated_at = now.max(m.updated_at);
    }
    Ok(json(
        &json!({"object": "machine_secret_key", "secret": fresh}),
    ))
}

#[derive(Debug, Deserialize)]
struct ScopeBody {
    to_machine_id: String,
}

/// `POST /v1/machines/{id}/scopes`: lets the machine reach another. A scope that exists is 409
/// `duplicate_record`, a scope to itself 422 (both **unverified**).
async fn create_scope(
    State(state): State<Shared>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<ScopeBody>,
) -> ApiResult<Response> {
    let mut db = state.write();
    let from = find(&db, &id)?;
    let to = body.to_machine_id;
    if to == id {
        return Err(ApiError::value_invalid(
            "to_machine_id",
            "A machine cannot be scoped to itself.",
        ));
    }
    if from.scopes.iter().any(|s| s.to_machine_id == to) {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "duplicate_record",
            "duplicate machine scope",
            format!("Machine {id} is already scoped to machine {to}"),
        ));
    }
    find(&db, &to)?;
    let now = now_ms();
    if let Some(m) = db.machine_auth.machines.get_mut(&id) {
        m.scopes.push(ScopeRow {
            to_machine_id: to.clone(),
            created_at: now,
        });
        m.updated_at = now.max(m.updated_at);
    }
    Ok(json(&json!({
        "object": "machine_scope",
        "from_machine_id": id,
        "to_machine_id": to,
        "created_at": now,
    })))
}

async fn delete_scope(
    State(state): State<Shared>,
    Path((id, other)): Path<(String, String)>,
) -> ApiResult<Response> {
    let mut db = state.write();
    let from = find(&db, &id)?;
    if !from.scopes.iter().any(|s| s.to_machine_id == other) {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "resource_not_found",
            "not found",
            format!("Machine {id} is not scoped to machine {other}"),
        ));
    }
    let now = now_ms();
    if let Some(m) = db.machine_auth.machines.get_mut(&id) {
        m.scopes.retain(|s| s.to_machine_id != other);
        m.updated_at = now.max(m.updated_at);
    }
    Ok(json(&json!({
        "object": "machine_scope",
        "from_machine_id": id,
        "to_machine_id": other,
        "deleted": true,
    })))
}
