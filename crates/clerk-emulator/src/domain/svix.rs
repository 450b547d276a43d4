//! The rules of the webhooks (Svix app) group, below HTTP: an instance has one Svix app at
//! most; creating it again returns a dashboard URL for the same app; the dashboard URL needs
//! the app. The URL points at the emulator (`/emulator/svix/{app_id}`) with a one-time key; the
//! emulator serves no Svix dashboard there.

use crate::error::{ApiError, ApiResult};
use crate::ids::{new_id, now_ms, random_base62};
use crate::store::Db;
use crate::store::svix::{APP_KEY, SvixApp};
use axum::http::StatusCode;
use serde_json::{Value, json};

/// 400 when the instance has no Svix app (**unverified** code and text).
fn no_app() -> ApiError {
    let text = "This instance has no Svix app. Create one first.";
    ApiError::new(StatusCode::BAD_REQUEST, "svix_app_missing", text, text)
}

fn dashboard_url(base_url: &str, app: &SvixApp) -> Value {
    json!({"svix_url": format!("{base_url}/emulator/svix/{}?key={}", app.id, random_base62(32))})
}

/// Creates the instance's Svix app, or keeps the one it has; answers a dashboard URL.
pub(crate) fn create_app(db: &mut Db, base_url: &str) -> Value {
    let app = match db.svix.apps.get(APP_KEY) {
        Some(app) => app.clone(),
        None => {
            let app = SvixApp {
                id: new_id("app"),
                created_at: now_ms(),
            };
            db.svix.apps.insert(APP_KEY.to_owned(), app.clone());
            app
        }
    };
    dashboard_url(base_url, &app)
}

/// Deletes the instance's Svix app; 400 when it has none.
pub(crate) fn delete_app(db: &mut Db) -> ApiResult<()> {
    db.svix.apps.remove(APP_KEY).map(|_| ()).ok_or_else(no_app)
}

/// A new dashboard URL for the instance's Svix app; 400 when it has none.
pub(crate) fn app_url(db: &Db, base_url: &str) -> ApiResult<Value> {
    db.svix
        .apps
        .get(APP_KEY)
        .map(|app| dashboard_url(base_url, app))
        .ok_or_else(no_app)
}
