//! The actix-web extractor: [`VerifiedWebhook`] from the raw body and the app's
//! `web::Data<Webhook>`.

use std::future::Future;
use std::pin::Pin;

use ::actix_web::dev::Payload;
use ::actix_web::http::StatusCode;
use ::actix_web::{FromRequest, HttpRequest, HttpResponse, ResponseError, web};

use super::{VerifiedWebhook, Webhook, WebhookError};

const SIGNATURE_HEADERS: [&str; 6] = [
    "svix-id",
    "svix-timestamp",
    "svix-signature",
    "webhook-id",
    "webhook-timestamp",
    "webhook-signature",
];

impl FromRequest for VerifiedWebhook {
    type Error = ::actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let webhook = req.app_data::<web::Data<Webhook>>().cloned();
        let headers = signature_headers(req);
        // `web::Bytes` honours the app's `web::PayloadConfig` (256 KiB unless changed).
        let body = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            let Some(webhook) = webhook else {
                return Err(::actix_web::error::ErrorInternalServerError(
                    "VerifiedWebhook needs a web::Data<Webhook> in the app data",
                ));
            };
            let body = body.await.map_err(|e| {
                if e.as_response_error().status_code() == StatusCode::PAYLOAD_TOO_LARGE {
                    WebhookError::PayloadTooLarge
                } else {
                    WebhookError::InvalidPayload(e.to_string())
                }
            })?;
            Ok(VerifiedWebhook(webhook.verify_event(&headers, &body)?))
        })
    }
}

/// The signature headers of an actix request, as the `http` crate's `HeaderMap` the verifier
/// takes (actix-web has its own). Repeated headers stay repeated, so they are still refused.
fn signature_headers(req: &HttpRequest) -> http::HeaderMap {
    let mut out = http::HeaderMap::new();
    for name in SIGNATURE_HEADERS {
        for value in req.headers().get_all(name) {
            if let Ok(value) = http::HeaderValue::from_bytes(value.as_bytes()) {
                out.append(name, value);
            }
        }
    }
    out
}

/// A rejection: the status of [`VerifiedWebhook`]'s docs and a JSON body with the reason.
impl ResponseError for WebhookError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.http_status()).unwrap_or(StatusCode::BAD_REQUEST)
    }

    fn error_response(&self) -> HttpResponse {
        HttpResponse::build(self.status_code())
            .content_type("application/json")
            .body(self.rejection_body())
    }
}
