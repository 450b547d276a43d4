//! The `VerifiedWebhook` extractors over real HTTP on 127.0.0.1: axum (feature `axum`) and
//! actix-web (feature `actix`). Signed deliveries reach the handler as typed events; bad ones
//! are answered 400 (413 when too large) with the reason as JSON, and never reach it. With axum,
//! the emulator's own deliveries arrive verified and typed, end to end.

#![cfg(any(feature = "axum", feature = "actix"))]

use std::time::{SystemTime, UNIX_EPOCH};

use clerk_backend::webhooks::Webhook;
use serde_json::{Value, json};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn user_deleted(id: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "type": "user.deleted", "object": "event", "instance_id": "ins_1",
        "timestamp": now() * 1000,
        "data": {"object": "user", "id": id, "deleted": true}
    }))
    .unwrap()
}

/// POSTs `body` with the given svix headers; answers status, content type and body.
async fn deliver(
    url: &str,
    headers: &[(&str, String)],
    body: Vec<u8>,
) -> (u16, Option<String>, String) {
    let mut request = reqwest::Client::new().post(url).body(body);
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned());
    (status, content_type, response.text().await.unwrap())
}

fn signed_headers(body: &[u8]) -> Headers {
    let webhook = Webhook::new(SECRET).unwrap();
    let ts = now();
    vec![
        ("svix-id", "msg_http".to_owned()),
        ("svix-timestamp", ts.to_string()),
        ("svix-signature", webhook.sign("msg_http", ts, body)),
    ]
}

type Headers = Vec<(&'static str, String)>;

/// A delivery an endpoint must refuse, and the reason it must give.
struct BadDelivery {
    what: &'static str,
    headers: Headers,
    body: Vec<u8>,
    reason: &'static str,
}

/// The bad deliveries every integration must refuse.
fn bad_deliveries() -> Vec<BadDelivery> {
    let body = user_deleted("user_bad");
    let good = signed_headers(&body);
    let with = |name: &str, value: String| {
        good.iter()
            .map(|(n, v)| (*n, if *n == name { value.clone() } else { v.clone() }))
            .collect::<Vec<_>>()
    };
    let webhook = Webhook::new(SECRET).unwrap();
    let stale = now() - 3600;
    let not_json = b"not json".to_vec();
    vec![
        BadDelivery {
            what: "a forged signature",
            headers: with(
                "svix-signature",
                "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".into(),
            ),
            body: body.clone(),
            reason: "invalid-signature",
        },
        BadDelivery {
            what: "a tampered body",
            headers: good.clone(),
            body: user_deleted("user_other"),
            reason: "invalid-signature",
        },
        BadDelivery {
            what: "no svix-id",
            headers: good
                .iter()
                .filter(|(n, _)| *n != "svix-id")
                .cloned()
                .collect(),
            body: body.clone(),
            reason: "missing-header",
        },
        BadDelivery {
            what: "a stale timestamp",
            headers: vec![
                ("svix-id", "msg_http".to_owned()),
                ("svix-timestamp", stale.to_string()),
                ("svix-signature", webhook.sign("msg_http", stale, &body)),
            ],
            body: body.clone(),
            reason: "timestamp-too-old",
        },
        BadDelivery {
            what: "a repeated svix-id",
            headers: good
                .iter()
                .cloned()
                .chain([("svix-id", "msg_again".to_owned())])
                .collect(),
            body: body.clone(),
            reason: "invalid-header",
        },
        BadDelivery {
            what: "a signed body that is not JSON",
            headers: signed_headers(&not_json),
            body: not_json,
            reason: "invalid-payload",
        },
    ]
}

fn assert_rejection(
    what: &str,
    (status, content_type, body): (u16, Option<String>, String),
    reason: &str,
) {
    assert_eq!(status, 400, "{what}: {body}");
    assert_eq!(content_type.as_deref(), Some("application/json"), "{what}");
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["error"], reason, "{what}: {body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{what}"
    );
}

#[cfg(feature = "axum")]
mod with_axum {
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use axum::Router;
    use axum::extract::{DefaultBodyLimit, FromRef, State};
    use axum::http::StatusCode;
    use axum::routing::post;
    use clerk_backend::webhooks::{EventData, VerifiedWebhook, Webhook, WebhookEvent};
    use clerk_emulator::{Emulator, WebhookTarget};

    use super::*;

    #[derive(Clone)]
    struct AppState {
        webhook: Webhook,
        received: Arc<Mutex<Vec<WebhookEvent>>>,
    }

    impl FromRef<AppState> for Webhook {
        fn from_ref(state: &AppState) -> Webhook {
            state.webhook.clone()
        }
    }

    async fn receive(
        State(state): State<AppState>,
        VerifiedWebhook(event): VerifiedWebhook,
    ) -> StatusCode {
        state.received.lock().unwrap().push(event);
        StatusCode::NO_CONTENT
    }

    /// An endpoint at `/webhooks`, with a body limit; answers its URL and what it received.
    async fn endpoint(limit: usize) -> (String, Arc<Mutex<Vec<WebhookEvent>>>) {
        let state = AppState {
            webhook: Webhook::new(SECRET).unwrap(),
            received: Arc::default(),
        };
        let received = state.received.clone();
        let app = Router::new()
            .route("/webhooks", post(receive))
            .layer(DefaultBodyLimit::max(limit))
            .with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        (format!("http://{addr}/webhooks"), received)
    }

    #[tokio::test]
    async fn a_signed_delivery_arrives_typed() {
        let (url, received) = endpoint(1 << 20).await;
        let body = user_deleted("user_1");
        let (status, _, text) = deliver(&url, &signed_headers(&body), body).await;
        assert_eq!(status, 204, "{text}");
        let received = received.lock().unwrap();
        assert_eq!(received.len(), 1);
        assert!(
            matches!(&received[0].data, EventData::UserDeleted(d) if d.id.as_deref() == Some("user_1"))
        );
    }

    #[tokio::test]
    async fn bad_deliveries_are_refused_with_the_reason() {
        let (url, received) = endpoint(1 << 20).await;
        for bad in bad_deliveries() {
            let answer = deliver(&url, &bad.headers, bad.body).await;
            assert_rejection(bad.what, answer, bad.reason);
        }
        assert!(received.lock().unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_body_over_the_limit_is_413() {
        let (url, received) = endpoint(1024).await;
        let body = serde_json::to_vec(&json!({
            "type": "user.deleted", "object": "event", "instance_id": "ins_1", "timestamp": 1,
            "data": {"object": "user", "id": "x".repeat(4096), "deleted": true}
        }))
        .unwrap();
        let (status, content_type, text) = deliver(&url, &signed_headers(&body), body).await;
        assert_eq!(status, 413, "{text}");
        assert_eq!(content_type.as_deref(), Some("application/json"));
        assert!(text.contains("payload-too-large"), "{text}");
        assert!(received.lock().unwrap().is_empty());
    }

    /// The emulator signs its deliveries with `Webhook::sign`; the extractor verifies and
    /// types them.
    #[tokio::test]
    async fn the_emulators_user_events_arrive_verified_and_typed() {
        let (url, received) = endpoint(1 << 20).await;
        let emulator = Emulator::builder()
            .webhook(WebhookTarget::new(url, SECRET))
            .start()
            .await
            .unwrap();
        let clerk = emulator.client();
        let user = clerk
            .users()
            .create()
            .email_address(["hook@example.com"])
            .first_name("Hook")
            .await
            .unwrap();
        clerk
            .users()
            .update(&user.id)
            .last_name("Line")
            .await
            .unwrap();
        clerk.users().delete(&user.id).await.unwrap();

        for _ in 0..200 {
            if received.lock().unwrap().len() >= 3 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        let received = received.lock().unwrap();
        assert_eq!(received.len(), 3, "{received:#?}");
        match &received[0].data {
            EventData::UserCreated(created) => {
                assert_eq!(created.id, user.id);
                assert_eq!(created.first_name.as_deref(), Some("Hook"));
            }
            other => panic!("{other:?}"),
        }
        match &received[1].data {
            EventData::UserUpdated(updated) => {
                assert_eq!(updated.last_name.as_deref(), Some("Line"))
            }
            other => panic!("{other:?}"),
        }
        match &received[2].data {
            EventData::UserDeleted(deleted) => {
                assert_eq!(deleted.id.as_deref(), Some(user.id.as_str()));
                assert!(deleted.deleted);
            }
            other => panic!("{other:?}"),
        }
    }
}

#[cfg(feature = "actix")]
mod with_actix {
    use std::sync::Mutex;

    use actix_web::{App, HttpResponse, HttpServer, web};
    use clerk_backend::webhooks::{EventData, VerifiedWebhook, Webhook, WebhookEvent};

    use super::*;

    type Received = web::Data<Mutex<Vec<WebhookEvent>>>;

    async fn receive(received: Received, webhook: VerifiedWebhook) -> HttpResponse {
        received.lock().unwrap().push(webhook.into_inner());
        HttpResponse::NoContent().finish()
    }

    /// A server at `/webhooks` (without the `Webhook` when `with_secret` is false); answers its
    /// URL, what it received, and its handle.
    fn server(with_secret: bool, limit: usize) -> (String, Received, actix_web::dev::ServerHandle) {
        let received: Received = web::Data::new(Mutex::new(Vec::new()));
        let webhook = web::Data::new(Webhook::new(SECRET).unwrap());
        let data = received.clone();
        let server = HttpServer::new(move || {
            let app = App::new()
                .app_data(data.clone())
                .app_data(web::PayloadConfig::new(limit))
                .route("/webhooks", web::post().to(receive));
            if with_secret {
                app.app_data(webhook.clone())
            } else {
                app
            }
        })
        .workers(1)
        .bind(("127.0.0.1", 0))
        .unwrap();
        let addr = server.addrs()[0];
        let server = server.run();
        let handle = server.handle();
        actix_web::rt::spawn(server);
        (format!("http://{addr}/webhooks"), received, handle)
    }

    #[actix_web::test]
    async fn a_signed_delivery_arrives_typed() {
        let (url, received, handle) = server(true, 1 << 20);
        let body = user_deleted("user_2");
        let (status, _, text) = deliver(&url, &signed_headers(&body), body).await;
        assert_eq!(status, 204, "{text}");
        {
            let received = received.lock().unwrap();
            assert_eq!(received.len(), 1);
            assert!(
                matches!(&received[0].data, EventData::UserDeleted(d) if d.id.as_deref() == Some("user_2"))
            );
        }
        handle.stop(true).await;
    }

    #[actix_web::test]
    async fn bad_deliveries_are_refused_with_the_reason() {
        let (url, received, handle) = server(true, 1 << 20);
        for bad in bad_deliveries() {
            let answer = deliver(&url, &bad.headers, bad.body).await;
            assert_rejection(bad.what, answer, bad.reason);
        }
        assert!(received.lock().unwrap().is_empty());
        handle.stop(true).await;
    }

    #[actix_web::test]
    async fn a_body_over_the_limit_is_413() {
        let (url, received, handle) = server(true, 1024);
        let body = vec![b' '; 4096];
        let (status, content_type, text) = deliver(&url, &signed_headers(&body), body).await;
        assert_eq!(status, 413, "{text}");
        assert_eq!(content_type.as_deref(), Some("application/json"));
        assert!(text.contains("payload-too-large"), "{text}");
        assert!(received.lock().unwrap().is_empty());
        handle.stop(true).await;
    }

    #[actix_web::test]
    async fn a_missing_secret_is_a_server_error() {
        let (url, received, handle) = server(false, 1 << 20);
        let body = user_deleted("user_4");
        let (status, _, text) = deliver(&url, &signed_headers(&body), body).await;
        assert_eq!(status, 500, "{text}");
        assert!(text.contains("web::Data<Webhook>"), "{text}");
        assert!(received.lock().unwrap().is_empty());
        handle.stop(true).await;
    }
}
