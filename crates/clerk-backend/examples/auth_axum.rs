//! An axum app whose `/me` route needs a signed-in session.
//!
//! ```sh
//! cargo run -p clerk-backend --features axum --example auth_axum
//! ```
//!
//! With `CLERK_SECRET_KEY` set it verifies tokens of that instance (send one from your
//! frontend as `Authorization: Bearer <token>`, or the `__session` cookie beside
//! `__client_uat`; set `CLERK_PUBLISHABLE_KEY` too for suffixed cookies). Without it, it starts
//! an embedded emulator and prints a token and a cookie pair to try.

use axum::Router;
use axum::routing::get;
use clerk_backend::Clerk;
use clerk_backend::auth::TokenVerifier;
use clerk_backend::integrations::axum::{Auth, ClerkLayer, RequireSession};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (clerk, emulator) = match Clerk::from_env() {
        Ok(clerk) => (clerk, None),
        Err(_) => {
            let emulator = clerk_emulator::Emulator::start().await?;
            (emulator.client(), Some(emulator))
        }
    };
    let mut verifier = TokenVerifier::builder().clerk(clerk.clone());
    let publishable_key = match &emulator {
        Some(emulator) => Some(emulator.publishable_key().to_owned()),
        None => std::env::var("CLERK_PUBLISHABLE_KEY").ok(),
    };
    if let Some(pk) = publishable_key {
        verifier = verifier.publishable_key(pk);
    }
    let verifier = verifier.build()?;

    let app = Router::new()
        .route(
            "/me",
            get(|RequireSession(claims): RequireSession| async move {
                format!("signed in as {}\n", claims.sub)
            }),
        )
        .route(
            "/hello",
            get(|Auth(state): Auth| async move {
                format!("hello, {}\n", state.user_id().unwrap_or("stranger"))
            }),
        )
        .route_layer(ClerkLayer::new(verifier))
        .route("/health", get(|| async { "ok\n" }));

    let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
    println!("Listening on http://127.0.0.1:3000 (routes /me, /hello, /health)");
    if let Some(emulator) = &emulator {
        let (session_id, token) = demo_session(&emulator.client()).await?;
        let cookies = emulator.session_cookies(&session_id)?;
        println!("No CLERK_SECRET_KEY: running on an embedded emulator. Try:");
        println!("  curl -H 'Authorization: Bearer {token}' http://127.0.0.1:3000/me");
        println!(
            "  curl -H 'Cookie: {}' http://127.0.0.1:3000/me",
            cookies.cookie_header()
        );
        println!(
            "(the bearer token lives an hour, the cookie's 60 s; /me without them answers 401 \
             with the reason, and with `Cookie: __client_uat=1` alone, 401 needs-refresh)"
        );
    }
    axum::serve(listener, app).await?;
    Ok(())
}

/// A demo user's session: its id and a session token that lives an hour.
async fn demo_session(clerk: &Clerk) -> Result<(String, String), Box<dyn std::error::Error>> {
    let user = clerk
        .users()
        .create()
        .email_address(["demo@example.com"])
        .first_name("Demo")
        .await?;
    let session = clerk.sessions().create(&user.id).await?;
    let token = clerk
        .sessions()
        .create_token(&session.id)
        .expires_in_seconds(3600)
        .await?;
    Ok((
        session.id,
        token.jwt.map(|j| j.expose().to_owned()).unwrap_or_default(),
    ))
}
