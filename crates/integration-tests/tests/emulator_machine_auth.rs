//! Machine authentication against the emulator: API keys, M2M tokens (opaque and JWT) and
//! OAuth access tokens made on the emulator are accepted by the SDK's request authentication,
//! and revoked or expired ones refused; machines, API keys and OAuth applications behave as
//! resources (stored, listed, changed, deleted) with Clerk's errors.

mod common;

use std::time::{Duration, UNIX_EPOCH};

use clerk_backend::Clerk;
use clerk_backend::auth::{AuthState, TokenKind, TokenVerifier};
use clerk_backend::models::{M2mTokenFormat, OAuthAccessTokenVerification};
use clerk_emulator::{Emulator, MintOAuthToken};
use serde_json::{Value, json};

/// A verifier that accepts every machine token kind, checking them through the emulator.
fn machine_verifier(emulator: &Emulator) -> TokenVerifier {
    TokenVerifier::builder()
        .clerk(emulator.client())
        .accepts([
            TokenKind::ApiKey,
            TokenKind::M2mToken,
            TokenKind::OAuthToken,
        ])
        .build()
        .unwrap()
}

/// The request head of an app request carrying `Authorization: Bearer <token>`.
fn bearer(token: &str) -> axum::http::request::Parts {
    axum::http::Request::builder()
        .uri("/api/things")
        .header("authorization", format!("Bearer {token}"))
        .body(())
        .unwrap()
        .into_parts()
        .0
}

/// A client that authenticates with a machine's secret key.
fn machine_client(emulator: &Emulator, secret: &str) -> Clerk {
    Clerk::builder()
        .secret_key(secret)
        .api_url(emulator.url())
        .build()
        .unwrap()
}

/// One raw request: status and JSON body (`Value::Null` when empty).
async fn raw(
    emulator: &Emulator,
    method: &str,
    path: &str,
    key: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .request(
            reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
            format!("{}{path}", emulator.url()),
        )
        .bearer_auth(key);
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(serde_json::to_vec(&body).unwrap());
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let bytes = response.bytes().await.unwrap();
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap()
    };
    (status, body)
}

fn code(body: &Value) -> &str {
    body["errors"][0]["code"].as_str().unwrap_or_default()
}

fn machine(state: &AuthState) -> &clerk_backend::auth::MachineAuth {
    match state {
        AuthState::Machine(m) => m,
        other => panic!("expected a machine, got {other:?}"),
    }
}

async fn user(emulator: &Emulator, email: &str) -> String {
    emulator
        .client()
        .users()
        .create()
        .email_address([email])
        .await
        .unwrap()
        .id
}

// ---- the SDK's machine authentication, end to end --------------------------------------------

#[tokio::test]
async fn api_keys_authenticate_and_revoked_or_expired_ones_are_refused() {
    let emulator = common::recording().await;
    let clerk = emulator.client();
    let ada = user(&emulator, "ada@example.com").await;
    let key = clerk
        .api_keys()
        .create("build bot", &ada)
        .scopes(["read:builds", "write:builds"])
        .claims(json!({"team": "ci"}))
        .description("for CI")
        .await
        .unwrap();
    let secret = key.secret.expose().to_owned();
    assert!(secret.starts_with("ak_"), "{secret}");
    assert!(
        key.id.starts_with("ak_") && key.id.len() == 35,
        "{}",
        key.id
    );
    assert_ne!(secret, key.id);

    let verifier = machine_verifier(&emulator);
    let state = verifier.authenticate_request(&bearer(&secret)).await;
    let m = machine(&state);
    assert_eq!(m.kind, TokenKind::ApiKey);
    assert_eq!(m.id.as_deref(), Some(key.id.as_str()));
    assert_eq!(m.subject, ada);
    assert_eq!(m.scopes, ["read:builds", "write:builds"]);
    assert_eq!(m.claims, Some(json!({"team": "ci"})));
    assert_eq!(m.name.as_deref(), Some("build bot"));
    assert_eq!(state.user_id(), Some(ada.as_str()));
    // Verifying marks the key used.
    let seen = clerk.api_keys().get(&key.id).await.unwrap();
    assert!(seen.last_used_at.is_some());

    // Revoked: refused, and the key says why.
    let revoked = clerk
        .api_keys()
        .revoke(&key.id)
        .revocation_reason("leaked")
        .await
        .unwrap();
    assert!(revoked.revoked);
    assert_eq!(revoked.revocation_reason.as_deref(), Some("leaked"));
    let state = verifier.authenticate_request(&bearer(&secret)).await;
    assert_eq!(state.reason(), Some("token-invalid"), "{state:?}");
    let (status, body) = raw(
        &emulator,
        "POST",
        "/v1/api_keys/verify",
        emulator.secret_key(),
        Some(json!({"secret": secret})),
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(code(&body), "resource_not_found");
    assert!(
        body["errors"][0]["long_message"]
            .as_str()
            .unwrap()
            .contains("revoked")
    );

    // Expired: refused too.
    let short = clerk
        .api_keys()
        .create("nightly", &ada)
        .seconds_until_expiration(3600.0)
        .await
        .unwrap();
    assert!(
        short
            .expiration
            .is_some_and(|e| e >= short.created_at + 3_600_000.0)
    );
    let short_secret = short.secret.expose().to_owned();
    assert!(
        machine_verifier(&emulator)
            .authenticate_request(&bearer(&short_secret))
            .await
            .is_signed_in()
    );
    emulator.expire_machine_token(&short.id).unwrap();
    let state = verifier.authenticate_request(&bearer(&short_secret)).await;
    assert_eq!(state.reason(), Some("token-invalid"), "{state:?}");
    assert!(clerk.api_keys().get(&short.id).await.unwrap().expired);

    // Unknown.
    let state = verifier
        .authenticate_request(&bearer("ak_0123456789abcdef0123456789abcdef"))
        .await;
    assert_eq!(state.reason(), Some("token-invalid"));
    // A key whose user is gone stops verifying.
    let bob = user(&emulator, "bob@example.com").await;
    let bobs = clerk.api_keys().create("bob key", &bob).await.unwrap();
    clerk.users().delete(&bob).await.unwrap();
    let state = verifier
        .authenticate_request(&bearer(bobs.secret.expose()))
        .await;
    assert_eq!(state.reason(), Some("token-invalid"));
    // Not accepted on a session-only verifier.
    let session_only = TokenVerifier::new(&clerk);
    let state = session_only
        .authenticate_request(&bearer(&short_secret))
        .await;
    assert_eq!(state.reason(), Some("token-type-mismatch"));

    assert!(common::validate_traffic(&emulator) > 10);
}

#[tokio::test]
async fn m2m_tokens_authenticate_opaque_and_as_jwts() {
    let emulator = common::recording().await;
    let clerk = emulator.client();
    let api = clerk.machines().create("api").await.unwrap();
    let worker = clerk
        .machines()
        .create("worker")
        .scoped_machines([api.id.as_str()])
        .default_token_ttl(600)
        .await
        .unwrap();
    let stranger = clerk.machines().create("stranger").await.unwrap();
    let worker_client = machine_client(&emulator, worker.secret_key.expose());

    // Opaque: minted with the worker's key, naming the machines it may reach.
    let token = worker_client
        .m2m()
        .create_token()
        .claims(json!({"job": "reindex"}))
        .await
        .unwrap();
    let opaque = token.token.expose().to_owned();
    assert!(opaque.starts_with("mt_"), "{opaque}");
    assert_eq!(token.subject, worker.id);
    assert_eq!(token.scopes.as_deref(), Some(&[api.id.clone()][..]));
    let expiration = token.expiration.unwrap();
    assert_eq!(
        expiration - token.created_at,
        600_000.0,
        "the machine's default ttl"
    );

    let verifier = machine_verifier(&emulator);
    let state = verifier.authenticate_request(&bearer(&opaque)).await;
    let m = machine(&state);
    assert_eq!(m.kind, TokenKind::M2mToken);
    assert_eq!(m.id.as_deref(), Some(token.id.as_str()));
    assert_eq!(m.subject, worker.id);
    assert_eq!(m.scopes, [api.id.as_str()]);
    assert_eq!(m.claims, Some(json!({"job": "reindex"})));
    assert_eq!(state.user_id(), None);

    // The receiving machine may verify it with its own key; a machine it is not scoped to
    // may not.
    let api_client = machine_client(&emulator, api.secret_key.expose());
    let seen = api_client
        .m2m()
        .verify_token(opaque.as_str())
        .await
        .unwrap();
    assert_eq!(seen.subject, worker.id);
    assert!(seen.last_used_at.is_some());
    let stranger_client = machine_client(&emulator, stranger.secret_key.expose());
    let refused = stranger_client
        .m2m()
        .verify_token(opaque.as_str())
        .await
        .unwrap_err();
    assert!(refused.is_not_found(), "{refused:?}");
    // Only a machine key mints.
    let (status, body) = raw(
        &emulator,
        "POST",
        "/v1/m2m_tokens",
        emulator.secret_key(),
        Some(json!({})),
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(code(&body), "authorization_invalid");
    // A machine key is no key for the rest of the API.
    let (status, body) = raw(
        &emulator,
        "GET",
        "/v1/users",
        worker.secret_key.expose(),
        None,
    )
    .await;
    assert_eq!(status, 401);
    assert_eq!(code(&body), "clerk_key_invalid");

    // Revoked with a reason: refused.
    let revoked = worker_client
        .m2m()
        .revoke_token(&token.id)
        .revocation_reason("rotated")
        .await
        .unwrap();
    assert!(revoked.revoked);
    let state = verifier.authenticate_request(&bearer(&opaque)).await;
    assert_eq!(state.reason(), Some("token-invalid"), "{state:?}");
    let listed = clerk
        .m2m()
        .list_tokens(&worker.id)
        .revoked(true)
        .await
        .unwrap();
    assert_eq!(listed.total_count, Some(1));
    assert_eq!(listed.data[0].revocation_reason.as_deref(), Some("rotated"));
    let live = clerk.m2m().list_tokens(&worker.id).await.unwrap();
    assert_eq!(
        live.total_count,
        Some(0),
        "revoked tokens are left out by default"
    );

    // Expired: refused.
    let later = worker_client.m2m().create_token().await.unwrap();
    emulator.expire_machine_token(later.token.expose()).unwrap();
    let state = verifier
        .authenticate_request(&bearer(later.token.expose()))
        .await;
    assert_eq!(state.reason(), Some("token-invalid"), "{state:?}");

    // JWT format: verified networkless with the instance's public key, and with its JWKS.
    let jwt = worker_client
        .m2m()
        .create_token()
        .token_format(M2mTokenFormat::Jwt)
        .seconds_until_expiration(120.0)
        .claims(json!({"job": "export"}))
        .await
        .unwrap();
    let jwt_token = jwt.token.expose().to_owned();
    assert_eq!(jwt_token.split('.').count(), 3);
    let networkless = TokenVerifier::builder()
        .jwt_key(emulator.public_key_pem())
        .accepts([TokenKind::M2mToken])
        .build()
        .unwrap();
    for v in [&networkless, &verifier] {
        let state = v.authenticate_request(&bearer(&jwt_token)).await;
        let m = machine(&state);
        assert_eq!(m.kind, TokenKind::M2mToken);
        assert_eq!(m.id.as_deref(), Some(jwt.id.as_str()));
        assert_eq!(m.subject, worker.id);
        assert_eq!(m.scopes, [api.id.as_str()]);
        assert_eq!(m.claims.as_ref().unwrap()["job"], "export");
    }
    // The Backend API verifies it too; it is not stored, so neither listed nor revocable.
    let seen = clerk.m2m().verify_token(jwt_token.as_str()).await.unwrap();
    assert_eq!(seen.id, jwt.id);
    assert_eq!(seen.claims, Some(json!({"job": "export"})));
    assert!(
        clerk
            .m2m()
            .revoke_token(&jwt.id)
            .await
            .unwrap_err()
            .is_not_found()
    );
    // Past its `exp` (the verifier's clock pinned beyond it): expired.
    let exp_secs = (jwt.expiration.unwrap() / 1000.0) as u64;
    let after = UNIX_EPOCH + Duration::from_secs(exp_secs + 60);
    let late = TokenVerifier::builder()
        .jwt_key(emulator.public_key_pem())
        .accepts([TokenKind::M2mToken])
        .clock(move || after)
        .build()
        .unwrap();
    let state = late.authenticate_request(&bearer(&jwt_token)).await;
    assert_eq!(state.reason(), Some("token-expired"), "{state:?}");
    // A session-only verifier refuses it by its category.
    let state = TokenVerifier::from_pem(&emulator.public_key_pem())
        .unwrap()
        .authenticate_request(&bearer(&jwt_token))
        .await;
    assert_eq!(state.reason(), Some("token-type-mismatch"));
    // A tampered JWT is not the emulator's.
    let mut parts: Vec<&str> = jwt_token.split('.').collect();
    let forged_claims = data_encoding::BASE64URL_NOPAD.encode(
        serde_json::to_string(&json!({"sub": stranger.id, "jti": jwt.id, "exp": exp_secs}))
            .unwrap()
            .as_bytes(),
    );
    parts[1] = &forged_claims;
    let forged = parts.join(".");
    assert!(
        clerk
            .m2m()
            .verify_token(forged.as_str())
            .await
            .unwrap_err()
            .is_not_found()
    );
    let state = networkless.authenticate_request(&bearer(&forged)).await;
    assert_eq!(state.reason(), Some("token-invalid-signature"));

    assert!(common::validate_traffic(&emulator) > 10);
}

#[tokio::test]
async fn oauth_access_tokens_authenticate_and_revoked_or_expired_ones_are_refused() {
    let emulator = common::recording().await;
    let clerk = emulator.client();
    let ada = user(&emulator, "ada@example.com").await;
    let app = clerk
        .oauth_applications()
        .create("Acme CLI")
        .redirect_uris(["https://cli.example.com/callback"])
        .scopes("profile email offline_access")
        .await
        .unwrap();

    let token = emulator
        .oauth_access_token(
            &app.id,
            &ada,
            MintOAuthToken::new().scopes(["profile", "email"]),
        )
        .unwrap();
    assert!(token.token.starts_with("oat_"), "{}", token.token);
    let verifier = machine_verifier(&emulator);
    let state = verifier.authenticate_request(&bearer(&token.token)).await;
    let m = machine(&state);
    assert_eq!(m.kind, TokenKind::OAuthToken);
    assert_eq!(m.id.as_deref(), Some(token.id.as_str()));
    assert_eq!(m.subject, ada);
    assert_eq!(m.client_id.as_deref(), Some(app.client_id.as_str()));
    assert_eq!(m.scopes, ["profile", "email"]);
    assert_eq!(state.user_id(), Some(ada.as_str()));
    // Through the SDK's typed call; the deprecated `secret` name works too.
    let seen = clerk
        .oauth_access_tokens()
        .verify()
        .access_token(token.token.as_str())
        .await
        .unwrap();
    let (status, body) = raw(
        &emulator,
        "POST",
        "/v1/oauth_applications/access_tokens/verify",
        emulator.secret_key(),
        Some(json!({"secret": token.token})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["object"], "clerk_idp_oauth_access_token");
    assert_eq!(body["client_id"], app.client_id.as_str());
    match seen {
        OAuthAccessTokenVerification::IdpOAuthAccessToken(t) => {
            assert_eq!(t.subject, ada);
            assert!(!t.revoked && !t.expired);
        }
        other => panic!("{other:?}"),
    }

    // Revoked by the application: refused.
    clerk
        .oauth_applications()
        .revoke_token(&app.id, token.token.as_str())
        .await
        .unwrap();
    let state = verifier.authenticate_request(&bearer(&token.token)).await;
    assert_eq!(state.reason(), Some("token-invalid"), "{state:?}");

    // Expired: refused.
    let other = emulator
        .oauth_access_token(&app.id, &ada, MintOAuthToken::new().expires_in_seconds(60))
        .unwrap();
    assert_eq!(other.scopes, ["profile", "email", "offline_access"]);
    assert!(
        verifier
            .authenticate_request(&bearer(&other.token))
            .await
            .is_signed_in()
    );
    emulator.expire_machine_token(&other.token).unwrap();
    let state = verifier.authenticate_request(&bearer(&other.token)).await;
    assert_eq!(state.reason(), Some("token-invalid"), "{state:?}");

    // The emulator's endpoint mints the same way, and checks what it is given.
    let key = emulator.secret_key();
    let path = format!("/emulator/oauth_applications/{}/access_tokens", app.id);
    let (status, body) = raw(
        &emulator,
        "POST",
        &path,
        key,
        Some(json!({"user_id": ada, "scopes": "email"})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["object"], "oauth_access_token");
    assert_eq!(body["scopes"], json!(["email"]));
    let minted = body["token"].as_str().unwrap().to_owned();
    assert!(
        machine_verifier(&emulator)
            .authenticate_request(&bearer(&minted))
            .await
            .is_signed_in()
    );
    let (status, body) = raw(
        &emulator,
        "POST",
        &path,
        key,
        Some(json!({"user_id": ada, "scopes": "admin"})),
    )
    .await;
    assert_eq!((status, code(&body)), (422, "form_param_value_invalid"));
    let (status, body) = raw(
        &emulator,
        "POST",
        &path,
        key,
        Some(json!({"user_id": "user_nobody"})),
    )
    .await;
    assert_eq!((status, code(&body)), (404, "resource_not_found"));
    let (status, _) = raw(
        &emulator,
        "POST",
        "/emulator/oauth_applications/oa_nope/access_tokens",
        key,
        Some(json!({"user_id": ada})),
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = raw(
        &emulator,
        "POST",
        &path,
        "sk_test_wrong",
        Some(json!({"user_id": ada})),
    )
    .await;
    assert_eq!(status, 401, "the emulator's endpoints need the secret key");
    // Deleting the user ends its tokens.
    clerk.users().delete(&ada).await.unwrap();
    assert_eq!(
        verifier
            .authenticate_request(&bearer(&minted))
            .await
            .reason(),
        Some("token-invalid")
    );
    // Verify with neither name is a 400.
    let (status, body) = raw(
        &emulator,
        "POST",
        "/v1/oauth_applications/access_tokens/verify",
        key,
        Some(json!({})),
    )
    .await;
    assert_eq!((status, code(&body)), (400, "form_param_missing"));

    assert!(common::validate_traffic(&emulator) > 10);
}
