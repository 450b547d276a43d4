//! JWT templates (`/v1/jwt_templates`) and the claims they render for
//! `POST /v1/sessions/{id}/tokens/{template_name}`.
//!
//! Claims are rendered as Clerk's docs describe (guides/sessions/jwt-templates): a string that is
//! exactly one shortcode keeps the JSON type of its value, shortcodes inside a longer string are
//! interpolated as text, an unknown shortcode is `null`, and `{{a || b || 'x'}}` is the first
//! operand that is neither `null` nor `false`, else the last one.

use crate::domain::jwt_templates::*;
use crate::error::{ApiError, ApiResult};
use crate::ids::{new_id, now_ms};
use crate::server::{JsonBody, Query, Shared, json};
use crate::store::jwt_templates::*;
use crate::wire::DeletedObject;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;

pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route("/v1/jwt_templates", get(list).post(create))
        .route(
            "/v1/jwt_templates/{template_id}",
            get(get_template).patch(update).delete(delete_template),
        )
}

/// `GET /v1/jwt_templates`: newest first; a bare array unless `paginated=true`.
async fn list(
    State(state): State<Shared>,
    Query(params): Query<ListParams>,
) -> ApiResult<Response> {
    let db = state.read();
    let all = &db.jwt_templates.templates;
    Ok(crate::domain::paging::list_page(
        all.values().rev(),
        params.limit,
        params.offset,
        params.paginated,
    ))
}

async fn create(
    State(state): State<Shared>,
    JsonBody(body): JsonBody<TemplateBody>,
) -> ApiResult<Response> {
    let name = validate(&body)?;
    let mut db = state.write();
    name_taken(&db, &name, None)?;
    let now = now_ms();
    let template = JwtTemplate {
        object: "jwt_template".into(),
        id: new_id("jtmp"),
        name,
        claims: body.claims,
        lifetime: resolve(body.lifetime, DEFAULT_LIFETIME, DEFAULT_LIFETIME),
        allowed_clock_skew: resolve(
            body.allowed_clock_skew,
            DEFAULT_CLOCK_SKEW,
            DEFAULT_CLOCK_SKEW,
        ),
        custom_signing_key: false,
        signing_algorithm: SIGNING_ALGORITHM.into(),
        created_at: now,
        updated_at: now,
    };
    db.jwt_templates
        .templates
        .insert(template.id.clone(), template.clone());
    Ok(json(&template))
}

async fn get_template(State(state): State<Shared>, Path(id): Path<String>) -> ApiResult<Response> {
    let db = state.read();
    let template = db
        .jwt_templates
        .templates
        .get(&id)
        .ok_or_else(|| ApiError::jwt_template_not_found("id", &id))?;
    Ok(json(template))
}

async fn update(
    State(state): State<Shared>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<TemplateBody>,
) -> ApiResult<Response> {
    let mut db = state.write();
    if !db.jwt_templates.templates.contains_key(&id) {
        return Err(ApiError::jwt_template_not_found("id", &id));
    }
    let name = validate(&body)?;
    name_taken(&db, &name, Some(&id))?;
    let template = db
        .jwt_templates
        .templates
        .get_mut(&id)
        .ok_or_else(|| ApiError::jwt_template_not_found("id", &id))?;
    template.name = name;
    template.claims = body.claims;
    template.lifetime = resolve(body.lifetime, template.lifetime, DEFAULT_LIFETIME);
    template.allowed_clock_skew = resolve(
        body.allowed_clock_skew,
        template.allowed_clock_skew,
        DEFAULT_CLOCK_SKEW,
    );
    template.updated_at = now_ms().max(template.updated_at);
    Ok(json(&*template))
}

async fn delete_template(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let mut db = state.write();
    db.jwt_templates
        .templates
        .remove(&id)
        .ok_or_else(|| ApiError::jwt_template_not_found("id", &id))?;
    Ok(json(&DeletedObject {
        object: "jwt_template".into(),
        id: Some(id),
        slug: None,
        deleted: true,
        external_id: None,
    }))
}
