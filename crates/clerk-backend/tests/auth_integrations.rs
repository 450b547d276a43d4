//! The authentication layer and extractors in real axum and actix-web servers on 127.0.0.1.
#![cfg(all(feature = "axum", feature = "actix"))]

use std::sync::Arc;

use clerk_backend::auth::{AuthState, SessionClaims, TokenVerifier};
use clerk_emulator::Emulator;
use serde_json::{Value, json};

async fn session_token(emulator: &Emulator) -> String {
    let clerk = emulator.client();
    let user = clerk
        .users()
        .create()
        .email_address(["web@example.com"])
        .await
        .unwrap();
    let session: Value = clerk
        .request(clerk_backend::Method::POST, "/v1/sessions")
        .json(&json!({"user_id": user.id}))
        .send()
        .await
        .unwrap();
    let token: Value = clerk
        .request(
            clerk_backend::Method::POST,
            format!("/v1/sessions/{}/tokens", session["id"].as_str().unwrap()),
        )
        .send()
        .await
        .unwrap();
    token["jwt"].as_str().unwrap().to_owned()
}

async fn get(url: &str, auth: Option<&str>) -> (u16, String) {
    let mut req = reqwest::Client::new().get(url);
    if let Some(token) = auth {
        req = req.header("authorization", format!("Bearer {token}"));
    }
    let resp = req.send().await.unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

#[tokio::test]
async fn axum_protects_the_routes_under_the_layer_only() {
    use axum::Router;
    use axum::routing::get as route;
    use clerk_backend::integrations::axum::{Auth, ClerkLayer, RequireSession};

    let emulator = Emulator::start().await.unwrap();
    let token = session_token(&emulator).await;
    let verifier = TokenVerifier::new(&emulator.client());
    let app =
        Router::new()
            .route(
                "/me",
                route(|RequireSession(claims): RequireSession| async move { claims.sub.clone() }),
            )
            .route(
                "/maybe",
                route(|Auth(state): Auth| async move {
                    state.user_id().unwrap_or("anonymous").to_owned()
                }),
            )
            .route_layer(ClerkLayer::new(verifier))
            .route("/public", route(|| async { "hello" }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let (status, body) = get(&format!("{base}/me"), Some(&token)).await;
    assert_eq!(status, 200);
    assert!(body.starts_with("user_"), "{body}");
    let (status, body) = get(&format!("{base}/me"), None).await;
    assert_eq!(status, 401);
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["reason"], "no-token");
    let (status, body) = get(&format!("{base}/me"), Some("not.a.token")).await;
    assert_eq!(status, 401);
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["reason"],
        "token-invalid"
    );
    assert_eq!(
        get(&format!("{base}/maybe"), None).await,
        (200, "anonymous".to_owned())
    );
    assert_eq!(
        get(&format!("{base}/public"), Some("garbage")).await,
        (200, "hello".to_owned())
    );
}

#[tokio::test]
async fn the_layer_serves_any_tower_stack() {
    use tower::{Layer, Service, ServiceExt};
    let emulator = Emulator::start().await.unwrap();
    let token = session_token(&emulator).await;
    let inner = tower::service_fn(|req: http::Request<()>| async move {
        let state = req.extensions().get::<AuthState>().cloned();
        Ok::<_, std::convert::Infallible>(state)
    });
    let mut service =
        clerk_backend::integrations::axum::ClerkLayer::new(TokenVerifier::new(&emulator.client()))
            .layer(inner);
    let req = http::Request::builder()
        .header("cookie", format!("__session={token}"))
        .body(())
        .unwrap();
    let state = service
        .ready()
        .await
        .unwrap()
        .call(req)
        .await
        .unwrap()
        .unwrap();
    let claims: &Arc<SessionClaims> = state.session().unwrap();
    assert!(claims.sub.starts_with("user_"));
}

#[actix_web::test]
async fn actix_extractors_authenticate_with_the_app_verifier() {
    use actix_web::{App, test, web};
    use clerk_backend::integrations::actix::{Auth, RequireSession};

    // actix's test runtime is tokio underneath: the emulator runs in it too.
    let emulator = Emulator::start().await.unwrap();
    let token = session_token(&emulator).await;
    let verifier = TokenVerifier::from_pem(&emulator.public_key_pem()).unwrap();
    let app = test::init_service(
        App::new()
            .app_data(web::Data::new(verifier))
            .route(
                "/me",
                web::get()
                    .to(|RequireSession(claims): RequireSession| async move { claims.sub.clone() }),
            )
            .route(
                "/maybe",
                web::get()
                    .to(|Auth(state): Auth| async move { format!("{}", state.is_signed_in()) }),
            ),
    )
    .await;
    let ok = test::TestRequest::get()
        .uri("/me")
        .insert_header(("authorization", format!("Bearer {token}")))
        .to_request();
    let resp = test::call_service(&app, ok).await;
    assert_eq!(resp.status(), 200);
    let no = test::TestRequest::get().uri("/me").to_request();
    let resp = test::call_service(&app, no).await;
    assert_eq!(resp.status(), 401);
    let body: Value = serde_json::from_slice(&test::read_body(resp).await).unwrap();
    assert_eq!(body["reason"], "no-token");
    let maybe = test::TestRequest::get()
        .uri("/maybe")
        .insert_header(("cookie", format!("__session={token}")))
        .to_request();
    assert_eq!(
        test::read_body(test::call_service(&app, maybe).await).await,
        "true"
    );
}
