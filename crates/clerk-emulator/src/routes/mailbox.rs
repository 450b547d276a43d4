//! The mailbox: every email and SMS message the instance would send, kept with its recipient,
//! template slug and the variables it was rendered with, and announced as Clerk announces them
//! (`email.created`, `sms.created` webhooks). Listed at `GET /emulator/messages` (the emulator's
//! own path, with the secret key) and by `Emulator::messages()`, so a test can read a code and
//! complete a verification.
//!
//! Clerk renders its templates with more variables (the app's name, logo and theme, who asked
//! and when); the emulator keeps the ones a test acts on, and a short text of its own.

use crate::domain::mailbox::*;
use crate::error::ApiResult;
use crate::server::{Query, Shared, json};
use crate::wire::Message;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;

pub(crate) fn router() -> Router<Shared> {
    Router::new().route("/emulator/messages", get(list))
}

/// `GET /emulator/messages`: `{"data": [...], "total_count": n}`, oldest first.
async fn list(
    State(state): State<Shared>,
    Query(params): Query<ListParams>,
) -> ApiResult<Response> {
    let messages: Vec<Message> = state
        .read()
        .mailbox
        .all()
        .into_iter()
        .filter(|m| {
            params.to.as_deref().is_none_or(|to| match m {
                Message::Email(e) => e.to_email_address.eq_ignore_ascii_case(to),
                Message::Sms(s) => s.to_phone_number == to,
            })
        })
        .filter(|m| params.slug.as_deref().is_none_or(|s| m.slug() == Some(s)))
        .filter(|m| {
            params.user_id.as_deref().is_none_or(|u| match m {
                Message::Email(e) => e.user_id.as_deref() == Some(u),
                Message::Sms(s) => s.user_id.as_deref() == Some(u),
            })
        })
        .collect();
    Ok(json(&serde_json::json!({
        "data": messages,
        "total_count": messages.len(),
    })))
}
