//! An actix-web app whose `/me` route needs a signed-in session.
//!
//! ```sh
//! CLERK_JWT_KEY="$(cat jwt-public-key.pem)" cargo run -p clerk-backend --features actix --example auth_actix
//! ```
//!
//! It verifies networkless with the instance's PEM public key (`CLERK_JWT_KEY`), or with the
//! JWKS of `CLERK_SECRET_KEY`'s instance; with `CLERK_PUBLISHABLE_KEY` it also reads the
//! instance's suffixed session cookies.

use actix_web::{App, HttpServer, web};
use clerk_backend::auth::TokenVerifier;
use clerk_backend::integrations::actix::{Auth, RequireSession};

#[actix_web::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let verifier = match TokenVerifier::from_env() {
        Ok(verifier) => verifier,
        Err(e) => {
            eprintln!("Set CLERK_JWT_KEY (the instance's PEM public key) or CLERK_SECRET_KEY: {e}");
            std::process::exit(2);
        }
    };
    println!("Listening on http://127.0.0.1:3001 (routes /me, /hello)");
    HttpServer::new(move || {
        App::new()
            .app_data(web::Data::new(verifier.clone()))
            .route(
                "/me",
                web::get().to(|RequireSession(claims): RequireSession| async move {
                    format!("signed in as {}\n", claims.sub)
                }),
            )
            .route(
                "/hello",
                web::get().to(|Auth(state): Auth| async move {
                    format!("hello, {}\n", state.user_id().unwrap_or("stranger"))
                }),
            )
    })
    .bind(("127.0.0.1", 3001))?
    .run()
    .await?;
    Ok(())
}
