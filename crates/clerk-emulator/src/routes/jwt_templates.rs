//! JWT templates and the claims they render.
//!
//! Not emulated yet: no template exists, so template tokens answer 404.

use axum::Router;
use clerk_backend::models::{Session, User};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::server::Shared;
use crate::store::Db;

/// JWT templates as stored.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct TemplateData {}

pub(crate) fn router() -> Router<Shared> {
    Router::new()
}

/// A JWT template as stored.
#[derive(Debug, Clone)]
pub(crate) struct Template {
    pub(crate) claims: Map<String, Value>,
    pub(crate) lifetime: i64,
    pub(crate) allowed_clock_skew: i64,
}

/// The template with this name.
pub(crate) fn by_name(_db: &Db, _name: &str) -> Option<Template> {
    None
}

/// The template's claims with their shortcodes filled in for this user and session.
pub(crate) fn render_claims(
    _db: &Db,
    template: &Template,
    _user: &User,
    _session: &Session,
) -> Map<String, Value> {
    template.claims.clone()
}
