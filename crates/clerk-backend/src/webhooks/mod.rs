//! Verifying the webhooks Clerk delivers through Svix, and decoding them into typed events
//! (and, for tests and the emulator, signing them).
//!
//! A delivery carries `svix-id`, `svix-timestamp` (Unix seconds) and `svix-signature` headers
//! (or their unbranded `webhook-*` twins). The signature is base64 HMAC-SHA256 over
//! `"{id}.{timestamp}.{body}"`, keyed with the base64-decoded part of the `whsec_...` secret; the
//! header lists one or more `v1,<signature>` entries, separated by spaces, and any matching `v1`
//! entry passes (so deliveries signed during a secret rotation verify with either secret). The
//! raw body bytes are verified, never a re-serialized form, and the timestamp must be within five
//! minutes of now, either way.
//!
//! [`Webhook::verify_event`] verifies and decodes in one step into a [`WebhookEvent`], whose
//! [`EventData`] has a variant for each of Clerk's 45 event types:
//!
//! ```
//! use clerk_backend::webhooks::{EventData, Webhook, WebhookError};
//! use http::HeaderMap;
//!
//! fn handle(webhook: &Webhook, headers: &HeaderMap, body: &[u8]) -> Result<(), WebhookError> {
//!     let event = webhook.verify_event(headers, body)?;
//!     match &event.data {
//!         EventData::UserCreated(user) => println!("welcome {}", user.id),
//!         EventData::UserDeleted(deleted) => println!("bye {:?}", deleted.id),
//!         other => println!("ignoring {}", other.event_type()),
//!     }
//!     Ok(())
//! }
//!
//! // A delivery signed the way Clerk signs it:
//! let webhook = Webhook::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?;
//! let body = br#"{"type":"user.deleted","object":"event","instance_id":"ins_1",
//!     "timestamp":1716883200000,"data":{"object":"user","id":"user_1","deleted":true}}"#;
//! let now = std::time::SystemTime::now()
//!     .duration_since(std::time::UNIX_EPOCH)
//!     .unwrap()
//!     .as_secs() as i64;
//! let mut headers = HeaderMap::new();
//! headers.insert("svix-id", "msg_1".parse().unwrap());
//! headers.insert("svix-timestamp", now.to_string().parse().unwrap());
//! headers.insert("svix-signature", webhook.sign("msg_1", now, body).parse().unwrap());
//! handle(&webhook, &headers, body)?;
//!
//! // Anything else is refused with the reason.
//! headers.insert("svix-signature", "v1,bm90IGEgc2lnbmF0dXJl".parse().unwrap());
//! assert_eq!(handle(&webhook, &headers, body), Err(WebhookError::InvalidSignature));
//! # Ok::<(), WebhookError>(())
//! ```
//!
//! With the `axum` or `actix` feature, `VerifiedWebhook` does the same as an extractor.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use http::HeaderMap;
use sha2::Sha256;
use subtle::ConstantTimeEq;

#[cfg(feature = "actix")]
mod actix;
#[cfg(feature = "axum")]
mod axum;
mod events;
mod payloads;

pub use events::{DeletedPayload, EventAttributes, EventData, EventHttpRequest, WebhookEvent};
pub use payloads::*;

/// How far a delivery's timestamp may be from now, either way, by default.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(5 * 60);

const SECRET_PREFIX: &str = "whsec_";

/// Why a webhook was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WebhookError {
    /// The signing secret is empty or not base64.
    InvalidSecret,
    /// `CLERK_WEBHOOK_SIGNING_SECRET` is not set.
    MissingSecret,
    /// A required header is absent (its `svix-*` name).
    MissingHeader(&'static str),
    /// A header appears more than once, or is not valid text.
    InvalidHeader(&'static str),
    /// `svix-timestamp` is not a whole number of seconds.
    InvalidTimestamp,
    /// The timestamp is older than the tolerance.
    TimestampTooOld,
    /// The timestamp is further in the future than the tolerance.
    TimestampTooNew,
    /// No `v1` signature matches.
    InvalidSignature,
    /// The body is not UTF-8, not JSON, or not a webhook event: a known event type whose
    /// payload does not decode says which field failed.
    InvalidPayload(String),
    /// The body is larger than the integration's limit.
    PayloadTooLarge,
}

impl WebhookError {
    /// A short, stable name of the failure (`invalid-signature`, `timestamp-too-old`, ...),
    /// as the integrations put it in their rejections' `error` field.
    pub fn reason(&self) -> &'static str {
        match self {
            WebhookError::InvalidSecret => "invalid-secret",
            WebhookError::MissingSecret => "missing-secret",
            WebhookError::MissingHeader(_) => "missing-header",
            WebhookError::InvalidHeader(_) => "invalid-header",
            WebhookError::InvalidTimestamp => "invalid-timestamp",
            WebhookError::TimestampTooOld => "timestamp-too-old",
            WebhookError::TimestampTooNew => "timestamp-too-new",
            WebhookError::InvalidSignature => "invalid-signature",
            WebhookError::InvalidPayload(_) => "invalid-payload",
            WebhookError::PayloadTooLarge => "payload-too-large",
        }
    }

    /// The HTTP status an endpoint answers with: 413 for a body over the limit, 500 for a
    /// server without a usable secret, 400 for every fault of the request.
    #[cfg(any(feature = "axum", feature = "actix"))]
    fn http_status(&self) -> u16 {
        match self {
            WebhookError::PayloadTooLarge => 413,
            WebhookError::InvalidSecret | WebhookError::MissingSecret => 500,
            _ => 400,
        }
    }

    /// The JSON body of a rejection: `{"error": reason, "message": text}`.
    #[cfg(any(feature = "axum", feature = "actix"))]
    fn rejection_body(&self) -> String {
        serde_json::json!({ "error": self.reason(), "message": self.to_string() }).to_string()
    }
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WebhookError::InvalidSecret => {
                f.write_str("the webhook signing secret is empty or not base64")
            }
            WebhookError::MissingSecret => f.write_str("CLERK_WEBHOOK_SIGNING_SECRET is not set"),
            WebhookError::MissingHeader(h) => match unbranded(h) {
                Some(twin) => write!(f, "the {h} header (or {twin}) is missing"),
                None => write!(f, "the {h} header is missing"),
            },
            WebhookError::InvalidHeader(h) => {
                write!(f, "the {h} header is repeated or not valid text")
            }
            WebhookError::InvalidTimestamp => {
                f.write_str("the svix-timestamp header is not a Unix timestamp")
            }
            WebhookError::TimestampTooOld => f.write_str("the webhook timestamp is too old"),
            WebhookError::TimestampTooNew => {
                f.write_str("the webhook timestamp is too far in the future")
            }
            WebhookError::InvalidSignature => f.write_str("no webhook signature matches"),
            WebhookError::InvalidPayload(why) => {
                write!(f, "the webhook body is not a valid event: {why}")
            }
            WebhookError::PayloadTooLarge => f.write_str("the webhook body is too large"),
        }
    }
}

impl std::error::Error for WebhookError {}

/// A webhook endpoint's signing secret, ready to verify deliveries. `Debug` never shows it.
///
/// Cheap to clone; share one per endpoint (in axum state, actix `web::Data`, ...).
///
/// ```no_run
/// use clerk_backend::webhooks::Webhook;
///
/// // CLERK_WEBHOOK_SIGNING_SECRET=whsec_... as the dashboard shows it
/// let webhook = Webhook::from_env()?;
/// # Ok::<(), clerk_backend::webhooks::WebhookError>(())
/// ```
#[derive(Clone)]
pub struct Webhook {
    key: Vec<u8>,
    tolerance: Duration,
}

impl fmt::Debug for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Webhook")
            .field("key", &"[redacted]")
            .field("tolerance", &self.tolerance)
            .finish()
    }
}

impl Webhook {
    /// A verifier for the secret as Clerk's dashboard shows it (`whsec_<base64>`; the prefix
    /// is optional). A secret that is empty or not base64 is [`WebhookError::InvalidSecret`].
    pub fn new(secret: &str) -> Result<Webhook, WebhookError> {
        let encoded = secret.trim();
        let encoded = encoded.strip_prefix(SECRET_PREFIX).unwrap_or(encoded);
        let key = STANDARD
            .decode(encoded)
            .map_err(|_| WebhookError::InvalidSecret)?;
        if key.is_empty() {
            return Err(WebhookError::InvalidSecret);
        }
        Ok(Webhook {
            key,
            tolerance: DEFAULT_TOLERANCE,
        })
    }

    /// A verifier for `CLERK_WEBHOOK_SIGNING_SECRET` ([`WebhookError::MissingSecret`] when it
    /// is not set).
    pub fn from_env() -> Result<Webhook, WebhookError> {
        let secret = std::env::var("CLERK_WEBHOOK_SIGNING_SECRET")
            .map_err(|_| WebhookError::MissingSecret)?;
        Webhook::new(&secret)
    }

    /// Sets how far a timestamp may be from now, either way (default 5 minutes).
    pub fn with_tolerance(mut self, tolerance: Duration) -> Webhook {
        self.tolerance = tolerance;
        self
    }

    /// The `svix-signature` value for a delivery, `v1,<base64>`: what Clerk sends, for tests
    /// and the emulator.
    ///
    /// ```
    /// use clerk_backend::webhooks::Webhook;
    ///
    /// let webhook = Webhook::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
    /// let signature = webhook.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, br#"{"test": 2432232314}"#);
    /// assert_eq!(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    /// ```
    pub fn sign(&self, msg_id: &str, timestamp: i64, body: &[u8]) -> String {
        format!("v1,{}", STANDARD.encode(self.mac(msg_id, timestamp, body)))
    }

    /// HMAC-SHA256 of `"{id}.{timestamp}.{body}"`. The timestamp is written in its canonical
    /// form, as Svix and Standard Webhooks do.
    fn mac(&self, msg_id: &str, timestamp: i64, body: &[u8]) -> Vec<u8> {
        // HMAC takes keys of any length, so this cannot fail.
        let mut mac =
            <Hmac<Sha256> as KeyInit>::new_from_slice(&self.key).unwrap_or_else(|_| unreachable!());
        mac.update(msg_id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        mac.finalize().into_bytes().to_vec()
    }

    /// Checks a delivery's headers and raw body against the secret and the clock.
    ///
    /// Errors name what failed: a missing or repeated header, a timestamp that is not a number
    /// or is outside the tolerance, or no matching `v1` signature.
    pub fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<(), WebhookError> {
        self.verify_at(headers, body, unix_now())
    }

    /// [`Webhook::verify`] with the current time given (Unix seconds), for tests.
    pub fn verify_at(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        now: i64,
    ) -> Result<(), WebhookError> {
        let id = header(headers, "svix-id")?;
        let timestamp = header(headers, "svix-timestamp")?;
        let signatures = header(headers, "svix-signature")?;

        let ts: i64 = timestamp
            .trim()
            .parse()
            .map_err(|_| WebhookError::InvalidTimestamp)?;
        let tolerance = i64::try_from(self.tolerance.as_secs()).unwrap_or(i64::MAX);
        if ts < now.saturating_sub(tolerance) {
            return Err(WebhookError::TimestampTooOld);
        }
        if ts > now.saturating_add(tolerance) {
            return Err(WebhookError::TimestampTooNew);
        }

        let expected = self.mac(id, ts, body);
        // Every entry is looked at, matched or not, so the time taken says nothing about
        // which one matched.
        let matched = signatures
            .split(' ')
            .filter_map(|entry| entry.split_once(','))
            .filter(|(version, _)| *version == "v1")
            .filter_map(|(_, sig)| STANDARD.decode(sig).ok())
            .fold(subtle::Choice::from(0), |found, sig| {
                found | sig.as_slice().ct_eq(&expected)
            });
        if bool::from(matched) {
            Ok(())
        } else {
            Err(WebhookError::InvalidSignature)
        }
    }

    /// Verifies a delivery ([`Webhook::verify`]), then decodes its body into a typed event.
    ///
    /// A body that is not UTF-8 JSON, or whose payload does not fit its (known) event type, is
    /// [`WebhookError::InvalidPayload`] with the reason; an event type this SDK does not know
    /// is [`EventData::Unknown`], never an error.
    ///
    /// ```no_run
    /// use clerk_backend::webhooks::{EventData, Webhook};
    /// # fn run(headers: http::HeaderMap, body: bytes::Bytes) -> Result<(), Box<dyn std::error::Error>> {
    /// let webhook = Webhook::from_env()?;
    /// let event = webhook.verify_event(&headers, &body)?;
    /// if let EventData::UserCreated(user) = &event.data {
    ///     println!("new user {}", user.id);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn verify_event(
        &self,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<WebhookEvent, WebhookError> {
        self.verify_event_at(headers, body, unix_now())
    }

    /// [`Webhook::verify_event`] with the current time given (Unix seconds), for tests.
    pub fn verify_event_at(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        now: i64,
    ) -> Result<WebhookEvent, WebhookError> {
        self.verify_at(headers, body, now)?;
        decode_event(body)
    }
}

/// Decodes a (verified) body into a typed event.
fn decode_event(body: &[u8]) -> Result<WebhookEvent, WebhookError> {
    let text = std::str::from_utf8(body)
        .map_err(|e| WebhookError::InvalidPayload(format!("the body is not UTF-8: {e}")))?;
    serde_json::from_str(text).map_err(|e| WebhookError::InvalidPayload(e.to_string()))
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// The `webhook-*` twin of a `svix-*` header.
fn unbranded(svix: &str) -> Option<&'static str> {
    match svix {
        "svix-id" => Some("webhook-id"),
        "svix-timestamp" => Some("webhook-timestamp"),
        "svix-signature" => Some("webhook-signature"),
        _ => None,
    }
}

/// The one value of a header under its Svix name or, when that is absent, its unbranded twin.
/// An empty value is a missing header, as the Svix libraries read it.
fn header<'a>(headers: &'a HeaderMap, svix: &'static str) -> Result<&'a str, WebhookError> {
    for name in std::iter::once(svix).chain(unbranded(svix)) {
        let mut values = headers.get_all(name).iter();
        if let Some(first) = values.next() {
            if values.next().is_some() {
                return Err(WebhookError::InvalidHeader(svix));
            }
            let value = first
                .to_str()
                .map_err(|_| WebhookError::InvalidHeader(svix))?;
            if value.trim().is_empty() {
                return Err(WebhookError::MissingHeader(svix));
            }
            return Ok(value);
        }
    }
    Err(WebhookError::MissingHeader(svix))
}

/// A webhook delivery that passed verification, decoded: an extractor for axum (feature
/// `axum`) and actix-web (feature `actix`).
///
/// It reads the raw body, verifies it with the endpoint's [`Webhook`] and decodes it. A
/// delivery that fails is answered `400 Bad Request` with a JSON body naming the reason,
/// `{"error":"invalid-signature","message":"no webhook signature matches"}`, and a body over
/// the framework's limit `413` (raise it with axum's `DefaultBodyLimit` or actix's
/// `web::PayloadConfig`).
///
/// - axum: the [`Webhook`] comes from the router's state through `FromRef`.
/// - actix-web: from `web::Data<Webhook>` in the app data.
///
/// ```no_run
/// # #[cfg(feature = "axum")] {
/// use axum::{Router, routing::post};
/// use clerk_backend::webhooks::{EventData, VerifiedWebhook, Webhook};
///
/// async fn clerk_webhook(VerifiedWebhook(event): VerifiedWebhook) {
///     if let EventData::UserCreated(user) = event.data {
///         println!("new user {}", user.id);
///     }
/// }
///
/// let app: Router = Router::new()
///     .route("/webhooks/clerk", post(clerk_webhook))
///     .with_state(Webhook::from_env().unwrap());
/// # }
/// ```
#[cfg(any(feature = "axum", feature = "actix"))]
#[cfg_attr(docsrs, doc(cfg(any(feature = "axum", feature = "actix"))))]
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedWebhook(pub WebhookEvent);

#[cfg(any(feature = "axum", feature = "actix"))]
impl VerifiedWebhook {
    /// The event.
    pub fn into_inner(self) -> WebhookEvent {
        self.0
    }
}

#[cfg(any(feature = "axum", feature = "actix"))]
impl std::ops::Deref for VerifiedWebhook {
    type Target = WebhookEvent;

    fn deref(&self) -> &WebhookEvent {
        &self.0
    }
}
