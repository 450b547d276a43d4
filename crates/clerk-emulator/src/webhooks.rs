//! Outgoing webhooks: events queue in order and are POSTed one at a time, Svix-signed (by the
//! emulator's own signer, so the SDK's verifier is checked against an independent one), retried
//! with backoff, and never block the API call that caused them.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_lc_rs::hmac;
use serde_json::{Value, json};
use tokio::sync::mpsc;

use crate::ids;

/// Where and how events are delivered.
#[derive(Debug, Clone)]
pub struct WebhookTarget {
    /// The endpoint URL.
    pub url: String,
    /// The signing secret (`whsec_...`).
    pub secret: String,
    /// Waits before each retry of a failed delivery; after the last, the event is dropped.
    pub retry_delays: Vec<Duration>,
}

impl WebhookTarget {
    /// A target with Svix-like retries compressed for development: after 1 s, 5 s, 30 s and
    /// 2 min.
    pub fn new(url: impl Into<String>, secret: impl Into<String>) -> WebhookTarget {
        WebhookTarget {
            url: url.into(),
            secret: secret.into(),
            retry_delays: [1, 5, 30, 120].map(Duration::from_secs).to_vec(),
        }
    }
}

/// Svix's signing scheme: the secret is `whsec_` and the base64 of the key; a delivery is signed
/// with HMAC-SHA256 over `{id}.{timestamp}.{body}`, sent as `v1,<base64>`.
pub(crate) struct Signer(hmac::Key);

impl Signer {
    pub(crate) fn new(secret: &str) -> Result<Signer, String> {
        let encoded = secret.strip_prefix("whsec_").unwrap_or(secret);
        let key = data_encoding::BASE64
            .decode(encoded.as_bytes())
            .map_err(|e| format!("the secret is not whsec_ and base64: {e}"))?;
        if key.is_empty() {
            return Err("the secret's key is empty".to_owned());
        }
        Ok(Signer(hmac::Key::new(hmac::HMAC_SHA256, &key)))
    }

    pub(crate) fn sign(&self, msg_id: &str, timestamp: i64, body: &[u8]) -> String {
        let mut context = hmac::Context::with_key(&self.0);
        context.update(format!("{msg_id}.{timestamp}.").as_bytes());
        context.update(body);
        format!(
            "v1,{}",
            data_encoding::BASE64.encode(context.sign().as_ref())
        )
    }
}

struct Event {
    msg_id: String,
    event_type: String,
    data: Value,
}

/// Where one webhook event stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryStatus {
    /// No webhook endpoint is configured: the event was not sent.
    NotSent,
    /// Queued, not tried yet.
    Pending,
    /// Tried and refused or unreachable; another attempt will come.
    Retrying,
    /// The endpoint answered 2xx.
    Delivered,
    /// Every attempt failed; the event was dropped.
    Failed,
}

impl DeliveryStatus {
    /// The status as a word.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::NotSent => "not_sent",
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Retrying => "retrying",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Failed => "failed",
        }
    }
}

/// One webhook event and what became of it.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// The Svix message id (`msg_...`), the same across attempts.
    pub id: String,
    /// The event type (`user.created`, ...).
    pub event_type: String,
    /// The event's `data`, as JSON text.
    pub data: Arc<str>,
    /// Where it stands.
    pub status: DeliveryStatus,
    /// Attempts made.
    pub attempts: u32,
    /// The last attempt's outcome (`200 OK`, `status 500`, a connection error).
    pub last_response: Option<String>,
    /// When the event happened (Unix ms).
    pub created_at: i64,
    /// The last change (Unix ms).
    pub updated_at: i64,
}

/// The last [`DeliveryLog::CAPACITY`] webhook events and their delivery, newest last.
#[derive(Debug, Default)]
pub(crate) struct DeliveryLog(Mutex<VecDeque<Delivery>>);

impl DeliveryLog {
    /// How many events the log keeps; older ones are forgotten.
    pub(crate) const CAPACITY: usize = 1000;

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<Delivery>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records a new event; its message id.
    pub(crate) fn record(&self, event_type: &str, data: &Value, sent: bool) -> String {
        let now = ids::now_ms();
        let id = ids::new_id("msg");
        let mut log = self.lock();
        if log.len() == Self::CAPACITY {
            log.pop_front();
        }
        log.push_back(Delivery {
            id: id.clone(),
            event_type: event_type.to_owned(),
            data: data.to_string().into(),
            status: if sent {
                DeliveryStatus::Pending
            } else {
                DeliveryStatus::NotSent
            },
            attempts: 0,
            last_response: None,
            created_at: now,
            updated_at: now,
        });
        id
    }

    fn attempted(&self, id: &str, status: DeliveryStatus, response: String) {
        let mut log = self.lock();
        if let Some(d) = log.iter_mut().rev().find(|d| d.id == id) {
            d.status = status;
            d.attempts += 1;
            d.last_response = Some(response);
            d.updated_at = ids::now_ms();
        }
    }

    /// How many events are kept.
    pub(crate) fn len(&self) -> usize {
        self.lock().len()
    }

    /// The event with this message id, if it is still kept.
    pub(crate) fn get(&self, id: &str) -> Option<Delivery> {
        self.lock().iter().rev().find(|d| d.id == id).cloned()
    }

    /// Every event kept, newest first.
    pub(crate) fn newest_first(&self) -> Vec<Delivery> {
        self.lock().iter().rev().cloned().collect()
    }
}

/// The sending side, held by the API.
#[derive(Clone)]
pub(crate) struct Outbox {
    tx: mpsc::UnboundedSender<Event>,
}

impl Outbox {
    pub(crate) fn send(&self, msg_id: String, event_type: &str, data: Value) {
        // The receiver lives as long as the emulator; a send after shutdown is dropped.
        let _ = self.tx.send(Event {
            msg_id,
            event_type: event_type.to_owned(),
            data,
        });
    }
}

/// Starts the delivery task. Fails when the secret is not a valid signing secret.
pub(crate) fn start(
    target: WebhookTarget,
    instance_id: String,
    log: Arc<DeliveryLog>,
) -> Result<(Outbox, tokio::task::JoinHandle<()>), String> {
    let signer = Signer::new(&target.secret).map_err(|e| format!("webhook secret: {e}"))?;
    let (tx, mut rx) = mpsc::unbounded_channel::<Event>();
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(15))
        .build()
        .map_err(|e| e.to_string())?;
    let task = tokio::spawn(async move {
        while let Some(event) = rx.recv().await {
            deliver(&http, &signer, &target, &instance_id, &log, event).await;
        }
    });
    Ok((Outbox { tx }, task))
}

async fn deliver(
    http: &reqwest::Client,
    signer: &Signer,
    target: &WebhookTarget,
    instance_id: &str,
    log: &DeliveryLog,
    event: Event,
) {
    let msg_id = event.msg_id;
    let body = json!({
        "data": event.data,
        "object": "event",
        "type": event.event_type,
        "timestamp": ids::now_ms(),
        "instance_id": instance_id,
        "event_attributes": {"http_request": {"client_ip": "127.0.0.1", "user_agent": "clerk-emulator"}},
    });
    let Ok(bytes) = serde_json::to_vec(&body) else {
        return;
    };
    let mut delays = target.retry_delays.iter();
    loop {
        // Svix keeps the id across retries and signs each attempt with its own timestamp.
        let timestamp = ids::now_secs();
        let result = http
            .post(&target.url)
            .header("content-type", "application/json")
            .header("svix-id", &msg_id)
            .header("svix-timestamp", timestamp.to_string())
            .header("svix-signature", signer.sign(&msg_id, timestamp, &bytes))
            .body(bytes.clone())
            .send()
            .await;
        match result {
            Ok(r) if r.status().is_success() => {
                log.attempted(&msg_id, DeliveryStatus::Delivered, r.status().to_string());
                return;
            }
            outcome => {
                let why = match outcome {
                    Ok(r) => format!("status {}", r.status()),
                    Err(e) => e.to_string(),
                };
                let Some(wait) = delays.next() else {
                    log.attempted(&msg_id, DeliveryStatus::Failed, why);
                    tracing::warn!(event = %event.event_type, id = %msg_id, "webhook dropped after its last retry");
                    return;
                };
                log.attempted(&msg_id, DeliveryStatus::Retrying, why.clone());
                tracing::debug!(event = %event.event_type, id = %msg_id, %why, "webhook delivery failed; retrying");
                tokio::time::sleep(*wait).await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Signer;

    #[test]
    fn signs_svix_documented_example() {
        // The example in Svix's documentation of its signature scheme.
        let signer = Signer::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        assert_eq!(
            signer.sign(
                "msg_p5jXN8AQM9LWM0D4loKWxJek",
                1614265330,
                br#"{"test": 2432232314}"#
            ),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }

    #[test]
    fn refuses_secrets_that_are_not_base64() {
        assert!(Signer::new("whsec_not base64!").is_err());
        assert!(Signer::new("whsec_").is_err());
    }
}
