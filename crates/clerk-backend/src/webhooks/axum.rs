//! The axum extractor: [`VerifiedWebhook`] from the raw body and the state's [`Webhook`].

use ::axum::body::Bytes;
use ::axum::extract::{FromRef, FromRequest, Request};
use ::axum::http::{StatusCode, header};
use ::axum::response::{IntoResponse, Response};

use super::{VerifiedWebhook, Webhook, WebhookError};

impl<S> FromRequest<S> for VerifiedWebhook
where
    Webhook: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = WebhookError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let webhook = Webhook::from_ref(state);
        let headers = req.headers().clone();
        // `Bytes` honours the router's `DefaultBodyLimit` (2 MB unless changed).
        let body = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                WebhookError::PayloadTooLarge
            } else {
                WebhookError::InvalidPayload(rejection.body_text())
            }
        })?;
        webhook.verify_event(&headers, &body).map(VerifiedWebhook)
    }
}

/// A rejection: the status of [`VerifiedWebhook`]'s docs and a JSON body with the reason.
impl IntoResponse for WebhookError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.http_status()).unwrap_or(StatusCode::BAD_REQUEST);
        (
            status,
            [(header::CONTENT_TYPE, "application/json")],
            self.rejection_body(),
        )
            .into_response()
    }
}
