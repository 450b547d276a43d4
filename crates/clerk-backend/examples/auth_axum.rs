//! An axum app whose `/me` route needs a signed-in session.
//!
//! ```sh
//! cargo run -p clerk-backend --features axum --example auth_axum
//! ```
//!
//! With `CLERK_SECRET_KEY` set it verifies tokens of that instance (send one from your
//! frontend as `Authorization: Bearer <token>` or the `__session` cookie). Without it, it starts
//! an embedded emulator and prints a token to try.

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
    let verifier = TokenVerifier::new(&clerk);

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
        let token = demo_token(&emulator.client()).await?;
        println!("No CLERK_SECRET_KEY: running on an embedded emulator. Try:");
        println!("  curl -H 'Authorization: Bearer {token}' http://127.0.0.1:3000/me");
        println!("(the token lives 60 s; /me without it answers 401 with the reason)");
    }
    axum::serve(listener, app).await?;
    Ok(())
}

async fn demo_token(clerk: &Clerk) -> Result<String, Box<dyn std::error::Error>> {
    use serde_json::{Value, json};
    let user = clerk
        .users()
        .create()
        .email_address(["demo@example.com"])
        .first_name("Demo")
        .await?;
    let session: Value = clerk
        .request(clerk_backend::Method::POST, "/v1/sessions")
        .json(&json!({"user_id": user.id}))
        .send()
        .await?;
    let token: Value = clerk
        .request(
            clerk_backend::Method::POST,
            format!(
                "/v1/sessions/{}/tokens",
                session["id"].as_str().unwrap_or_default()
            ),
        )
        .json(&json!({"expires_in_seconds": 3600}))
        .send()
        .await?;
    Ok(token["jwt"].as_str().unwrap_or_default().to_owned())
}
