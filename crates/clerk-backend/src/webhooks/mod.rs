//! Verifying (and, for tests, signing) the webhooks Clerk delivers through Svix.
//!
//! A delivery carries `svix-id`, `svix-timestamp` (Unix seconds) and `svix-signature` headers
//! (or their unbranded `webhook-*` twins). The signature is base64 HMAC-SHA256 over
//! `"{id}.{timestamp}.{body}"`, keyed with the base64-decoded part of the `whsec_...` secret; the
//! header lists one or more `v1,<signature>` entries, separated by spaces, and any matching `v1`
//! entry passes. The raw body bytes are verified, never a re-serialized form.
//!
//! ```
//! use clerk_backend::webhooks::Webhook;
//! use http::HeaderMap;
//!
//! let webhook = Webhook::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
//! let body = br#"{"type":"user.created","data":{}}"#;
//! let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
//! let signature = webhook.sign("msg_1", now, body);
//!
//! let mut headers = HeaderMap::new();
//! headers.insert("svix-id", "msg_1".parse().unwrap());
//! headers.insert("svix-timestamp", now.to_string().parse().unwrap());
//! headers.insert("svix-signature", signature.parse().unwrap());
//! assert!(webhook.verify(&headers, body).is_ok());
//! ```

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use http::HeaderMap;
use sha2::Sha256;
use subtle::ConstantTimeEq;

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
    /// The body is not UTF-8 JSON.
    InvalidPayload(String),
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WebhookError::InvalidSecret => {
                f.write_str("the webhook signing secret is empty or not base64")
            }
            WebhookError::MissingSecret => f.write_str("CLERK_WEBHOOK_SIGNING_SECRET is not set"),
            WebhookError::MissingHeader(h) => write!(f, "the {h} header is missing"),
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
                write!(f, "the webhook body is not valid JSON: {why}")
            }
        }
    }
}

impl std::error::Error for WebhookError {}

/// A webhook endpoint's signing secret. `Debug` never shows it.
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
    /// is optional).
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

    /// A verifier for `CLERK_WEBHOOK_SIGNING_SECRET`.
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

    /// The signature header value for a delivery: `v1,<base64>`.
    pub fn sign(&self, msg_id: &str, timestamp: i64, body: &[u8]) -> String {
        format!(
            "v1,{}",
            STANDARD.encode(self.mac(msg_id, &timestamp.to_string(), body))
        )
    }

    fn mac(&self, msg_id: &str, timestamp: &str, body: &[u8]) -> Vec<u8> {
        // HMAC takes keys of any length, so this cannot fail.
        let mut mac =
            <Hmac<Sha256> as KeyInit>::new_from_slice(&self.key).unwrap_or_else(|_| unreachable!());
        mac.update(msg_id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.as_bytes());
        mac.update(b".");
        mac.update(body);
        mac.finalize().into_bytes().to_vec()
    }

    /// Checks a delivery's headers and raw body against the secret and the clock.
    pub fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<(), WebhookError> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        self.verify_at(headers, body, now)
    }

    /// [`Webhook::verify`] with the current time given (Unix seconds), for tests.
    pub fn verify_at(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        now: i64,
    ) -> Result<(), WebhookError> {
        let id = header(headers, "svix-id", "webhook-id")?;
        let timestamp = header(headers, "svix-timestamp", "webhook-timestamp")?;
        let signatures = header(headers, "svix-signature", "webhook-signature")?;

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

        let expected = self.mac(id, timestamp, body);
        let matched = signatures
            .split(' ')
            .filter_map(|entry| entry.split_once(','))
            .filter(|(version, _)| *version == "v1")
            .filter_map(|(_, sig)| STANDARD.decode(sig).ok())
            .any(|sig| bool::from(sig.ct_eq(&expected)));
        if matched {
            Ok(())
        } else {
            Err(WebhookError::InvalidSignature)
        }
    }
}

/// The one value of a header under its Svix name or its unbranded fallback.
fn header<'a>(
    headers: &'a HeaderMap,
    svix: &'static str,
    unbranded: &'static str,
) -> Result<&'a str, WebhookError> {
    for name in [svix, unbranded] {
        let mut values = headers.get_all(name).iter();
        if let Some(first) = values.next() {
            if values.next().is_some() {
                return Err(WebhookError::InvalidHeader(svix));
            }
            return first
                .to_str()
                .map_err(|_| WebhookError::InvalidHeader(svix));
        }
    }
    Err(WebhookError::MissingHeader(svix))
}
