//! Webhooks end to end: the emulator POSTs Svix-signed events to a local endpoint, where the
//! SDK's verifier accepts them; failed deliveries are retried with the same id; order is kept.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use clerk_backend::webhooks::{Webhook, WebhookError};
use clerk_emulator::{Emulator, WebhookTarget};
use serde_json::Value;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

#[derive(Clone, Default)]
struct Inbox {
    received: Arc<Mutex<Vec<(HeaderMap, Bytes)>>>,
    /// How many deliveries to refuse with 500 first.
    refuse: Arc<Mutex<u32>>,
    /// Deliveries are answered only while no test holds this for writing.
    gate: Arc<tokio::sync::RwLock<()>>,
    /// How many deliveries have been answered.
    answered: Arc<Mutex<usize>>,
}

async fn receive(State(inbox): State<Inbox>, headers: HeaderMap, body: Bytes) -> StatusCode {
    inbox.received.lock().unwrap().push((headers, body));
    let _open = inbox.gate.read().await;
    *inbox.answered.lock().unwrap() += 1;
    let mut refuse = inbox.refuse.lock().unwrap();
    if *refuse > 0 {
        *refuse -= 1;
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::NO_CONTENT
    }
}

async fn endpoint(inbox: Inbox) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = Router::new()
        .route("/webhooks", post(receive))
        .with_state(inbox);
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}/webhooks")
}

async fn wait_for(inbox: &Inbox, n: usize) -> Vec<(HeaderMap, Bytes)> {
    for _ in 0..200 {
        if inbox.received.lock().unwrap().len() >= n {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    inbox.received.lock().unwrap().clone()
}

#[tokio::test]
async fn a_created_user_arrives_verified_and_events_keep_their_order() {
    let inbox = Inbox::default();
    let url = endpoint(inbox.clone()).await;
    let emulator = Emulator::builder()
        .webhook(WebhookTarget::new(url, SECRET))
        .start()
        .await
        .unwrap();
    let users = emulator.client();
    let users = users.users();
    let user = users
        .create()
        .email_address(["hook@example.com"])
        .first_name("Hook")
        .await
        .unwrap();
    users.update(&user.id).last_name("Line").await.unwrap();
    users.delete(&user.id).await.unwrap();

    let received = wait_for(&inbox, 3).await;
    assert_eq!(received.len(), 3);
    let verifier = Webhook::new(SECRET).unwrap();
    let mut types = Vec::new();
    for (headers, body) in &received {
        verifier.verify(headers, body).unwrap();
        let event: Value = serde_json::from_slice(body).unwrap();
        assert_eq!(event["object"], "event");
        assert_eq!(event["instance_id"], emulator.instance_id());
        assert!(
            event["timestamp"].as_i64().unwrap() > 1_700_000_000_000,
            "milliseconds"
        );
        assert!(headers["svix-id"].to_str().unwrap().starts_with("msg_"));
        types.push(event["type"].as_str().unwrap().to_owned());
    }
    assert_eq!(types, ["user.created", "user.updated", "user.deleted"]);
    let created: Value = serde_json::from_slice(&received[0].1).unwrap();
    assert_eq!(created["data"]["id"], user.id.as_str());
    assert_eq!(created["data"]["first_name"], "Hook");
    let deleted: Value = serde_json::from_slice(&received[2].1).unwrap();
    assert_eq!(
        deleted["data"],
        serde_json::json!({"object": "user", "id": user.id, "deleted": true})
    );

    // A forged delivery fails: wrong secret, changed body.
    let other = Webhook::new("whsec_c2VjcmV0LW9mLWFub3RoZXItZW5kcG9pbnQ=").unwrap();
    assert_eq!(
        other.verify(&received[0].0, &received[0].1),
        Err(WebhookError::InvalidSignature)
    );
    let mut tampered = received[0].1.to_vec();
    tampered[10] ^= 1;
    assert_eq!(
        verifier.verify(&received[0].0, &tampered),
        Err(WebhookError::InvalidSignature)
    );
}

#[tokio::test]
async fn failed_deliveries_are_retried_with_the_same_id_and_do_not_block_the_api() {
    let inbox = Inbox::default();
    *inbox.refuse.lock().unwrap() = 2;
    let url = endpoint(inbox.clone()).await;
    let mut target = WebhookTarget::new(url, SECRET);
    target.retry_delays = vec![Duration::from_millis(50); 3];
    let emulator = Emulator::builder().webhook(target).start().await.unwrap();

    // Hold every delivery unanswered: the call still returns, so it does not wait for one. (The
    // timeout only turns a deadlock into a failure; nothing is timed.)
    let gate = inbox.gate.clone().write_owned().await;
    let user = tokio::time::timeout(
        Duration::from_secs(120),
        emulator
            .client()
            .users()
            .create()
            .email_address(["retry@example.com"])
            .into_future(),
    )
    .await
    .expect("the API call waited for the webhook delivery")
    .unwrap();
    assert_eq!(
        *inbox.answered.lock().unwrap(),
        0,
        "no delivery answered yet"
    );
    drop(gate);

    let received = wait_for(&inbox, 3).await;
    assert_eq!(received.len(), 3, "two refusals, then success");
    let ids: Vec<&str> = received
        .iter()
        .map(|(h, _)| h["svix-id"].to_str().unwrap())
        .collect();
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    let verifier = Webhook::new(SECRET).unwrap();
    for (headers, body) in &received {
        verifier.verify(headers, body).unwrap();
    }
    let event: Value = serde_json::from_slice(&received[2].1).unwrap();
    assert_eq!(event["data"]["id"], user.id.as_str());
}

#[tokio::test]
async fn bans_emit_user_updated_and_session_revoked() {
    let inbox = Inbox::default();
    let url = endpoint(inbox.clone()).await;
    let emulator = Emulator::builder()
        .webhook(WebhookTarget::new(url, SECRET))
        .start()
        .await
        .unwrap();
    let clerk = emulator.client();
    let user = clerk
        .users()
        .create()
        .email_address(["ban@example.com"])
        .await
        .unwrap();
    let _: Value = clerk
        .request(clerk_backend::Method::POST, "/v1/sessions")
        .json(&serde_json::json!({"user_id": user.id}))
        .send()
        .await
        .unwrap();
    clerk.users().ban(&user.id).await.unwrap();
    let received = wait_for(&inbox, 5).await;
    // Every delivery decodes into the SDK's typed event (session events carry their user).
    let verifier = Webhook::new(SECRET).unwrap();
    let types: Vec<String> = received
        .iter()
        .map(|(h, b)| {
            let event = verifier
                .verify_event(h, b)
                .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(b)));
            assert!(!matches!(
                event.data,
                clerk_backend::webhooks::EventData::Unknown { .. }
            ));
            event.event_type().to_owned()
        })
        .collect();
    assert_eq!(
        types,
        [
            "user.created",
            "session.created",
            "user.updated",
            "session.revoked",
            "user.updated"
        ]
    );
}
