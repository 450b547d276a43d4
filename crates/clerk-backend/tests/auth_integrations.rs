//! The authentication layer and extractors in real axum and actix-web servers on 127.0.0.1,
//! with session tokens and cookie pairs from the emulator.
#![cfg(all(feature = "axum", feature = "actix"))]

use std::sync::Arc;

use clerk_backend::auth::{AuthState, SessionClaims, TokenVerifier};
use clerk_emulator::{Emulator, SessionCookies};
use serde_json::{Value, json};

/// A signed-in user's session: its id, and a session token from the Backend API.
async fn signed_in(emulator: &Emulator) -> (String, String) {
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
    let id = session["id"].as_str().unwrap().to_owned();
    let token: Value = clerk
        .request(
            clerk_backend::Method::POST,
            format!("/v1/sessions/{id}/tokens"),
        )
        .send()
        .await
        .unwrap();
    (id, token["jwt"].as_str().unwrap().to_owned())
}

/// What a server answered: status, the two auth headers and the body.
#[derive(Debug)]
struct Answer {
    status: u16,
    auth_status: Option<String>,
    auth_reason: Option<String>,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }

    /// Asserts a 401 with this status header, reason (header and body) and body `error`.
    fn assert_refused(&self, status: &str, reason: &str) {
        assert_eq!(self.status, 401, "{self:?}");
        assert_eq!(self.auth_status.as_deref(), Some(status), "{self:?}");
        assert_eq!(self.auth_reason.as_deref(), Some(reason), "{self:?}");
        let body = self.json();
        assert_eq!(body["error"], status.replace('-', "_"), "{self:?}");
        assert_eq!(body["reason"], reason, "{self:?}");
        assert!(
            !body["message"].as_str().unwrap_or_default().is_empty(),
            "{self:?}"
        );
    }
}

async fn get(url: &str, headers: &[(&str, &str)]) -> Answer {
    let mut req = reqwest::Client::new().get(url);
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    let resp = req.send().await.unwrap();
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    let (auth_status, auth_reason) = (header("x-clerk-auth-status"), header("x-clerk-auth-reason"));
    Answer {
        status: resp.status().as_u16(),
        auth_status,
        auth_reason,
        body: resp.text().await.unwrap(),
    }
}

/// The requests both frameworks must answer the same way, against a server at `base` with
/// `/me` (session required) and `/maybe` (anyone; answers the user id or "anonymous").
async fn check_the_decision_table(base: &str, token: &str, cookies: &SessionCookies) {
    let me = format!("{base}/me");
    let bearer = format!("Bearer {token}");

    // The Authorization header alone decides, whatever the cookies say.
    let ok = get(&me, &[("authorization", &bearer)]).await;
    assert_eq!(ok.status, 200, "{ok:?}");
    assert!(ok.body.starts_with("user_"), "{ok:?}");
    assert_eq!(ok.auth_status, None);
    let with_stale_uat = get(
        &me,
        &[
            ("authorization", &bearer),
            ("cookie", "__client_uat=9999999999"),
        ],
    )
    .await;
    assert_eq!(with_stale_uat.status, 200, "{with_stale_uat:?}");
    get(&me, &[("authorization", "Bearer not.a.token")])
        .await
        .assert_refused("signed-out", "token-invalid");

    // Nothing at all: signed out; `__client_uat=0` is a signed-out client too.
    get(&me, &[])
        .await
        .assert_refused("signed-out", "session-token-and-uat-missing");
    get(&me, &[("cookie", "__client_uat=0")])
        .await
        .assert_refused("signed-out", "session-token-and-uat-missing");

    // The cookie pair, plain and suffixed.
    let pair = get(&me, &[("cookie", &cookies.cookie_header())]).await;
    assert_eq!(pair.status, 200, "{pair:?}");
    assert_eq!(pair.body, ok.body);
    let suffixed = get(&me, &[("cookie", &cookies.suffixed_cookie_header())]).await;
    assert_eq!(suffixed.status, 200, "{suffixed:?}");

    // Half a pair, or a token older than the client's last change: needs a refresh.
    let session_only = format!("__session={}", cookies.session);
    get(&me, &[("cookie", &session_only)])
        .await
        .assert_refused("needs-refresh", "session-token-but-no-client-uat");
    get(
        &me,
        &[("cookie", &format!("__client_uat={}", cookies.client_uat))],
    )
    .await
    .assert_refused("needs-refresh", "client-uat-but-no-session-token");
    let signed_out_elsewhere =
        format!("{session_only}; __client_uat={}", cookies.client_uat + 3600);
    get(&me, &[("cookie", &signed_out_elsewhere)])
        .await
        .assert_refused("needs-refresh", "session-token-iat-before-client-uat");

    // A broken cookie token is signed out, not a refresh.
    get(
        &me,
        &[(
            "cookie",
            &format!("__session=not.a.token; __client_uat={}", cookies.client_uat),
        )],
    )
    .await
    .assert_refused("signed-out", "token-invalid");

    // The optional extractor never refuses.
    let maybe = format!("{base}/maybe");
    let anonymous = get(&maybe, &[("cookie", &session_only)]).await;
    assert_eq!(
        (anonymous.status, anonymous.body.as_str()),
        (200, "anonymous")
    );
    let known = get(&maybe, &[("cookie", &cookies.cookie_header())]).await;
    assert_eq!((known.status, known.body), (200, ok.body));
}

/// A verifier that knows the emulator's key and publishable key (for the suffixed pair).
fn verifier(emulator: &Emulator) -> TokenVerifier {
    TokenVerifier::builder()
        .clerk(emulator.client())
        .publishable_key(emulator.publishable_key())
        .build()
        .unwrap()
}

#[tokio::test]
async fn axum_protects_the_routes_under_the_layer_as_clerk_decides() {
    use axum::Router;
    use axum::routing::get as route;
    use clerk_backend::integrations::axum::{Auth, ClerkLayer, RequireSession};

    let emulator = Emulator::start().await.unwrap();
    let (session_id, token) = signed_in(&emulator).await;
    let cookies = emulator.session_cookies(&session_id).unwrap();
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
            .route_layer(ClerkLayer::new(verifier(&emulator)))
            .route("/public", route(|| async { "hello" }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    check_the_decision_table(&base, &token, &cookies).await;
    let public = get(&format!("{base}/public"), &[("authorization", "garbage")]).await;
    assert_eq!((public.status, public.body.as_str()), (200, "hello"));
}

#[actix_web::test]
async fn actix_extractors_answer_as_the_axum_layer_does() {
    use actix_web::{App, HttpServer, web};
    use clerk_backend::integrations::actix::{Auth, RequireSession};

    // actix's test runtime is tokio underneath: the emulator runs in it too.
    let emulator = Emulator::start().await.unwrap();
    let (session_id, token) = signed_in(&emulator).await;
    let cookies = emulator.session_cookies(&session_id).unwrap();
    let verifier = web::Data::new(verifier(&emulator));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = HttpServer::new(move || {
        App::new()
            .app_data(verifier.clone())
            .route(
                "/me",
                web::get()
                    .to(|RequireSession(claims): RequireSession| async move { claims.sub.clone() }),
            )
            .route(
                "/maybe",
                web::get().to(|Auth(state): Auth| async move {
                    state.user_id().unwrap_or("anonymous").to_owned()
                }),
            )
    })
    .workers(1)
    .disable_signals()
    .listen(listener)
    .unwrap()
    .run();
    let handle = server.handle();
    actix_web::rt::spawn(server);

    check_the_decision_table(&base, &token, &cookies).await;
    handle.stop(true).await;
}

#[tokio::test]
async fn the_layer_serves_any_tower_stack() {
    use tower::{Layer, Service, ServiceExt};
    let emulator = Emulator::start().await.unwrap();
    let (session_id, _) = signed_in(&emulator).await;
    let cookies = emulator.session_cookies(&session_id).unwrap();
    let inner = tower::service_fn(|req: http::Request<()>| async move {
        let state = req.extensions().get::<AuthState>().cloned();
        Ok::<_, std::convert::Infallible>(state)
    });
    let mut service =
        clerk_backend::integrations::axum::ClerkLayer::new(TokenVerifier::new(&emulator.client()))
            .layer(inner);
    let req = http::Request::builder()
        .header("cookie", cookies.cookie_header())
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
    assert_eq!(claims.sid.as_deref(), Some(session_id.as_str()));
}

/// `TokenVerifier::from_env` reads `CLERK_PUBLISHABLE_KEY` for the suffixed pair; checked in a
/// child process so the test never changes its own environment.
#[tokio::test]
async fn from_env_reads_the_publishable_key() {
    if let Ok(cookie) = std::env::var("CLERK_TEST_COOKIE") {
        let verifier = TokenVerifier::from_env().unwrap();
        let mut headers = http::HeaderMap::new();
        headers.insert("cookie", cookie.parse().unwrap());
        let state = verifier.authenticate_headers(&headers).await;
        println!("state: {}", state.is_signed_in());
        return;
    }
    let emulator = Emulator::start().await.unwrap();
    let (session_id, _) = signed_in(&emulator).await;
    let cookies = emulator.session_cookies(&session_id).unwrap();
    let exe = std::env::current_exe().unwrap();
    let run = |publishable_key: Option<&str>| {
        let mut cmd = std::process::Command::new(&exe);
        cmd.args([
            "--exact",
            "from_env_reads_the_publishable_key",
            "--nocapture",
        ])
        .env("CLERK_TEST_COOKIE", cookies.suffixed_cookie_header())
        .env("CLERK_JWT_KEY", emulator.public_key_pem())
        .env_remove("CLERK_SECRET_KEY");
        match publishable_key {
            Some(k) => cmd.env("CLERK_PUBLISHABLE_KEY", k),
            None => cmd.env_remove("CLERK_PUBLISHABLE_KEY"),
        };
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert!(run(Some(emulator.publishable_key())).contains("state: true"));
    // Without it the suffixed names are not the instance's: nobody is signed in.
    assert!(run(None).contains("state: false"));
}
