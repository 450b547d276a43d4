//! Machine authentication against the emulator: API keys, M2M tokens (opaque and JWT) and
//! OAuth access tokens made on the emulator are accepted by the SDK's request authentication,
//! and revoked or expired ones refused; machines, API keys and OAuth applications behave as
//! resources (stored, listed, changed, deleted) with Clerk's errors.

mod common;

use std::time::{Duration, UNIX_EPOCH};

use clerk_backend::Clerk;
use clerk_backend::auth::{AuthState, TokenKind, TokenVerifier};
use clerk_backend::models::{Image, M2mTokenFormat, OAuthAccessTokenVerification};
use clerk_emulator::{Emulator, MintOAuthToken};
use serde_json::{Value, json};

const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

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

// ---- the SDK's machine authentication, end to end --------------------------------------------

#[tokio::test]
async fn api_keys_authenticate_and_revoked_or_expired_ones_are_refused() {
    let emulator = common::recording().await;
    let clerk = emulator.client();
    let ada = common::user_id(&emulator.client(), "ada@example.com").await;
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
    let bob = common::user_id(&emulator.client(), "bob@example.com").await;
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
    let ada = common::user_id(&emulator.client(), "ada@example.com").await;
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

// ---- the resources ---------------------------------------------------------------------------

#[tokio::test]
async fn machines_their_keys_and_scopes() {
    let emulator = common::recording().await;
    let clerk = emulator.client();
    let machines = clerk.machines();
    let key = emulator.secret_key();

    let a = machines.create("alpha").await.unwrap();
    assert!(a.id.starts_with("mch_") && a.id.len() == 31, "{}", a.id);
    assert_eq!(a.default_token_ttl, Some(3600));
    assert_eq!(a.instance_id, emulator.instance_id());
    assert!(a.scoped_machines.is_empty());
    let b = machines
        .create("beta")
        .scoped_machines([a.id.as_str()])
        .default_token_ttl(60)
        .await
        .unwrap();
    assert_eq!(b.scoped_machines.len(), 1);
    assert_eq!(b.scoped_machines[0].id, a.id);
    assert_eq!(b.scoped_machines[0].name, "alpha");
    let c = machines.create("gamma").await.unwrap();

    // Lists: {data, total_count}, newest first; query and order_by.
    let all = machines.list().await.unwrap();
    assert_eq!(all.total_count, Some(3));
    let ids: Vec<&str> = all.data.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, [c.id.as_str(), b.id.as_str(), a.id.as_str()]);
    let page = machines.list().limit(1).offset(1).await.unwrap();
    assert_eq!((page.data.len(), page.total_count), (1, Some(3)));
    assert_eq!(page.data[0].id, b.id);
    let found = machines.list().query("ALP").await.unwrap();
    assert_eq!(found.data.len(), 1);
    assert_eq!(found.data[0].id, a.id);
    let by_name = machines.list().order_by("-name").await.unwrap();
    let names: Vec<&str> = by_name.data.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["gamma", "beta", "alpha"]);
    let (status, body) = raw(&emulator, "GET", "/v1/machines?order_by=secret", key, None).await;
    assert_eq!((status, code(&body)), (422, "form_param_value_invalid"));

    // Get and update.
    let got = machines.get(&b.id).await.unwrap();
    assert_eq!(got.scoped_machines[0].id, a.id);
    let updated = machines
        .update(&a.id)
        .name("alpha-2")
        .default_token_ttl(120)
        .await
        .unwrap();
    assert_eq!(
        (updated.name.as_str(), updated.default_token_ttl),
        ("alpha-2", Some(120))
    );
    assert!(updated.updated_at >= a.updated_at);
    let (status, body) = raw(
        &emulator,
        "PATCH",
        &format!("/v1/machines/{}", a.id),
        key,
        Some(json!({"default_token_ttl": 0})),
    )
    .await;
    assert_eq!((status, code(&body)), (422, "form_param_value_invalid"));
    let (status, body) = raw(
        &emulator,
        "POST",
        "/v1/machines",
        key,
        Some(json!({"name": " "})),
    )
    .await;
    assert_eq!((status, code(&body)), (422, "form_param_missing"));
    let (status, body) = raw(
        &emulator,
        "POST",
        "/v1/machines",
        key,
        Some(json!({"name": "x", "colour": 1})),
    )
    .await;
    assert_eq!((status, code(&body)), (422, "form_param_unknown"));
    let (status, body) = raw(
        &emulator,
        "POST",
        "/v1/machines",
        key,
        Some(json!({"name": "x", "scoped_machines": ["mch_nope"]})),
    )
    .await;
    assert_eq!((status, code(&body)), (404, "resource_not_found"));
    assert!(machines.get("mch_nope").await.unwrap_err().is_not_found());

    // The secret key: shown at create, readable later, rotated with a grace period or none.
    let secret = machines.get_secret_key(&b.id).await.unwrap();
    assert_eq!(secret.object, "machine_secret_key");
    assert_eq!(secret.secret.expose(), b.secret_key.expose());
    let mints = |secret: String| {
        let client = machine_client(&emulator, &secret);
        async move { client.m2m().create_token().await }
    };
    assert!(mints(b.secret_key.expose().to_owned()).await.is_ok());
    let graced = machines.rotate_secret_key(&b.id, 60).await.unwrap();
    assert_ne!(graced.secret.expose(), b.secret_key.expose());
    assert!(
        mints(b.secret_key.expose().to_owned()).await.is_ok(),
        "still in its grace period"
    );
    assert!(mints(graced.secret.expose().to_owned()).await.is_ok());
    let abrupt = machines.rotate_secret_key(&b.id, 0).await.unwrap();
    let old = mints(graced.secret.expose().to_owned()).await.unwrap_err();
    assert!(old.is_unauthorized(), "{old:?}");
    assert!(mints(abrupt.secret.expose().to_owned()).await.is_ok());
    let (status, body) = raw(
        &emulator,
        "POST",
        &format!("/v1/machines/{}/secret_key/rotate", b.id),
        key,
        Some(json!({"previous_token_ttl": 28801})),
    )
    .await;
    assert_eq!((status, code(&body)), (422, "form_param_value_invalid"));

    // Scopes.
    let scope = machines.create_scope(&b.id, &c.id).await.unwrap();
    assert_eq!(scope.object, "machine_scope");
    assert_eq!(
        (scope.from_machine_id.as_str(), scope.to_machine_id.as_str()),
        (b.id.as_str(), c.id.as_str())
    );
    let scoped: Vec<String> = machines
        .get(&b.id)
        .await
        .unwrap()
        .scoped_machines
        .into_iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(scoped, [a.id.clone(), c.id.clone()]);
    let again = machines.create_scope(&b.id, &c.id).await.unwrap_err();
    assert_eq!(again.status().map(|s| s.as_u16()), Some(409));
    assert_eq!(again.code(), Some("duplicate_record"));
    let own = machines.create_scope(&b.id, &b.id).await.unwrap_err();
    assert_eq!(own.status().map(|s| s.as_u16()), Some(422));
    assert!(
        machines
            .create_scope(&b.id, "mch_nope")
            .await
            .unwrap_err()
            .is_not_found()
    );
    let gone = machines.delete_scope(&b.id, &c.id).await.unwrap();
    assert!(gone.deleted);
    assert!(
        machines
            .delete_scope(&b.id, &c.id)
            .await
            .unwrap_err()
            .is_not_found()
    );

    // Delete: the machine, the scopes on it, its tokens.
    let token = mints(abrupt.secret.expose().to_owned()).await.unwrap();
    let deleted = machines.delete(&a.id).await.unwrap();
    assert_eq!(
        (deleted.object.as_str(), deleted.deleted),
        ("machine", true)
    );
    assert!(machines.get(&a.id).await.unwrap_err().is_not_found());
    assert!(
        machines
            .get(&b.id)
            .await
            .unwrap()
            .scoped_machines
            .is_empty()
    );
    assert!(machines.delete(&a.id).await.unwrap_err().is_not_found());
    machines.delete(&b.id).await.unwrap();
    assert!(
        clerk
            .m2m()
            .verify_token(token.token.expose())
            .await
            .unwrap_err()
            .is_not_found()
    );
    let old_key = mints(abrupt.secret.expose().to_owned()).await.unwrap_err();
    assert!(old_key.is_unauthorized());

    assert!(common::validate_traffic(&emulator) > 10);
    common::assert_tags_called(&emulator, &["Machines"]);
}

#[tokio::test]
async fn m2m_token_lists_reuse_and_errors() {
    let emulator = common::recording().await;
    let clerk = emulator.client();
    let target = clerk.machines().create("target").await.unwrap();
    let sender = clerk
        .machines()
        .create("sender")
        .scoped_machines([target.id.as_str()])
        .await
        .unwrap();
    let other = clerk.machines().create("other").await.unwrap();
    let me = machine_client(&emulator, sender.secret_key.expose());
    let m2m = me.m2m();

    let first = m2m.create_token().claims(json!({"n": 1})).await.unwrap();
    let second = m2m.create_token().claims(json!({"n": 2})).await.unwrap();
    let third = m2m
        .create_token()
        .seconds_until_expiration(30.0)
        .await
        .unwrap();
    assert_eq!(third.expiration.unwrap() - third.created_at, 30_000.0);
    assert!(
        first.id.len() == 35 && first.id.starts_with("mt_"),
        "{}",
        first.id
    );

    // {m2m_tokens, total_count}, newest first, paged; with either key for its own machine.
    let page = clerk
        .m2m()
        .list_tokens(&sender.id)
        .limit(2)
        .offset(1)
        .await
        .unwrap();
    assert_eq!(page.total_count, Some(3));
    let ids: Vec<&str> = page.data.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, [second.id.as_str(), first.id.as_str()]);
    let own = m2m.list_tokens(&sender.id).await.unwrap();
    assert_eq!(own.total_count, Some(3));
    let theirs = m2m.list_tokens(&other.id).await.unwrap_err();
    assert_eq!(theirs.status().map(|s| s.as_u16()), Some(403));
    assert!(
        clerk
            .m2m()
            .list_tokens("mch_nope")
            .await
            .unwrap_err()
            .is_not_found()
    );
    let key = emulator.secret_key();
    let (status, body) = raw(&emulator, "GET", "/v1/m2m_tokens", key, None).await;
    assert_eq!((status, code(&body)), (400, "form_param_missing"));
    let (status, body) = raw(
        &emulator,
        "GET",
        &format!("/v1/m2m_tokens?subject={}&limit=101", sender.id),
        key,
        None,
    )
    .await;
    assert_eq!((status, code(&body)), (400, "form_param_value_invalid"));
    // The raw shape, and no secret in lists.
    let (status, body) = raw(
        &emulator,
        "GET",
        &format!("/v1/m2m_tokens?subject={}", sender.id),
        key,
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["total_count"], 3);
    assert!(body["m2m_tokens"][0].get("token").is_none());

    // Expired tokens are listed only when asked for.
    emulator.expire_machine_token(&third.id).unwrap();
    assert_eq!(
        clerk
            .m2m()
            .list_tokens(&sender.id)
            .await
            .unwrap()
            .total_count,
        Some(2)
    );
    let with_expired = clerk
        .m2m()
        .list_tokens(&sender.id)
        .expired(true)
        .await
        .unwrap();
    assert_eq!(with_expired.total_count, Some(3));
    assert!(with_expired.data[0].expired);

    // Reuse: a live token with the same claims and enough life left comes back.
    let reused = m2m
        .create_token()
        .claims(json!({"n": 1}))
        .min_remaining_ttl_seconds(60)
        .await
        .unwrap();
    assert_eq!(reused.id, first.id);
    assert_eq!(reused.token.expose(), first.token.expose());
    let fresh = m2m
        .create_token()
        .claims(json!({"n": 3}))
        .min_remaining_ttl_seconds(60)
        .await
        .unwrap();
    assert_ne!(fresh.id, first.id);
    let too_long = m2m
        .create_token()
        .seconds_until_expiration(60.0)
        .min_remaining_ttl_seconds(60)
        .await
        .unwrap_err();
    assert_eq!(too_long.status().map(|s| s.as_u16()), Some(400));

    // Bad input is 400.
    let secret = sender.secret_key.expose();
    let (status, body) = raw(
        &emulator,
        "POST",
        "/v1/m2m_tokens",
        secret,
        Some(json!({"token_format": "paseto"})),
    )
    .await;
    assert_eq!((status, code(&body)), (400, "form_param_value_invalid"));
    let (status, body) = raw(
        &emulator,
        "POST",
        "/v1/m2m_tokens",
        secret,
        Some(json!({"seconds_until_expiration": 0})),
    )
    .await;
    assert_eq!((status, code(&body)), (400, "form_param_value_invalid"));
    let (status, body) = raw(
        &emulator,
        "POST",
        "/v1/m2m_tokens",
        secret,
        Some(json!({"scopes": []})),
    )
    .await;
    assert_eq!((status, code(&body)), (400, "form_param_unknown"));
    let (status, body) = raw(&emulator, "POST", "/v1/m2m_tokens", secret, Some(json!({}))).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["object"], "machine_to_machine_token");

    // Another machine cannot revoke the sender's token; the instance can.
    let stranger = machine_client(&emulator, other.secret_key.expose());
    assert!(
        stranger
            .m2m()
            .revoke_token(&second.id)
            .await
            .unwrap_err()
            .is_not_found()
    );
    let revoked = clerk.m2m().revoke_token(&second.id).await.unwrap();
    assert!(revoked.revoked && revoked.revocation_reason.is_none());
    assert!(
        clerk
            .m2m()
            .revoke_token("mt_0123456789abcdef0123456789abcdef")
            .await
            .unwrap_err()
            .is_not_found()
    );
    let verified = clerk
        .m2m()
        .verify_token(first.token.expose())
        .await
        .unwrap();
    assert_eq!(verified.claims, Some(json!({"n": 1})));
    assert!(
        clerk
            .m2m()
            .verify_token("mt_unknown")
            .await
            .unwrap_err()
            .is_not_found()
    );

    assert!(common::validate_traffic(&emulator) > 10);
    common::assert_tags_called(&emulator, &["M2M Tokens"]);
}

#[tokio::test]
async fn api_keys_as_resources() {
    let emulator = common::recording().await;
    let clerk = emulator.client();
    let keys = clerk.api_keys();
    let ada = common::user_id(&emulator.client(), "ada@example.com").await;
    let org = clerk.organizations().create("Acme").await.unwrap();
    let bot = clerk.machines().create("bot").await.unwrap();

    let a = keys
        .create("first key", &ada)
        .created_by(&ada)
        .await
        .unwrap();
    assert_eq!(a.kind, "api_key");
    assert_eq!(a.created_by.as_deref(), Some(ada.as_str()));
    assert!(a.scopes.is_empty() && a.claims.is_none() && a.expiration.is_none());
    let b = keys.create("second key", &ada).scopes(["x"]).await.unwrap();
    let c = keys
        .create("third key", &ada)
        .kind("service")
        .await
        .unwrap();
    let for_org = keys.create("org key", &org.id).await.unwrap();
    let for_machine = keys.create("machine key", &bot.id).await.unwrap();
    for k in [&for_org, &for_machine] {
        assert!(
            machine_verifier(&emulator)
                .authenticate_request(&bearer(k.secret.expose()))
                .await
                .is_signed_in()
        );
    }

    // {data, total_count}, newest first, of one type; query; invalid ones on request.
    let listed = keys.list(&ada).await.unwrap();
    assert_eq!(listed.total_count, Some(2));
    let ids: Vec<&str> = listed.data.iter().map(|k| k.id.as_str()).collect();
    assert_eq!(ids, [b.id.as_str(), a.id.as_str()]);
    assert_eq!(
        keys.list(&ada).kind("service").await.unwrap().data[0].id,
        c.id
    );
    assert_eq!(
        keys.list(&ada).query("SECOND").await.unwrap().data[0].id,
        b.id
    );
    let paged = keys.list(&ada).limit(1).offset(1).await.unwrap();
    assert_eq!(
        (paged.data.len(), paged.data[0].id.as_str()),
        (1, a.id.as_str())
    );
    keys.revoke(&a.id).await.unwrap();
    assert_eq!(keys.list(&ada).await.unwrap().total_count, Some(1));
    assert_eq!(
        keys.list(&ada)
            .include_invalid(true)
            .await
            .unwrap()
            .total_count,
        Some(2)
    );
    assert_eq!(keys.list(&org.id).await.unwrap().data[0].id, for_org.id);
    let key = emulator.secret_key();
    let (status, body) = raw(&emulator, "GET", "/v1/api_keys", key, None).await;
    assert_eq!((status, code(&body)), (400, "form_param_missing"));
    let (status, body) = raw(
        &emulator,
        "GET",
        &format!("/v1/api_keys?subject={ada}&include_invalid=maybe"),
        key,
        None,
    )
    .await;
    assert_eq!((status, code(&body)), (400, "form_param_value_invalid"));

    // Get (also as api_key_<hex>), secret, update, delete.
    let got = keys.get(&b.id).await.unwrap();
    assert_eq!(got.scopes, ["x"]);
    let hex = b.id.trim_start_matches("ak_");
    let (status, body) = raw(
        &emulator,
        "GET",
        &format!("/v1/api_keys/api_key_{hex}"),
        key,
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["id"], b.id.as_str());
    assert!(body.get("secret").is_none(), "no secret outside create");
    let secret = keys.get_secret(&b.id).await.unwrap();
    assert_eq!(secret.secret.expose(), b.secret.expose());
    let updated = keys
        .update(&b.id)
        .claims(json!({"tier": 2}))
        .scopes(["y", "z"])
        .description("now described")
        .subject(&org.id)
        .seconds_until_expiration(10.0)
        .await
        .unwrap();
    assert_eq!(updated.claims, Some(json!({"tier": 2})));
    assert_eq!(updated.scopes, ["y", "z"]);
    assert_eq!(updated.subject, org.id);
    assert!(updated.expiration.is_some_and(|e| e > updated.created_at));
    let (status, body) = raw(
        &emulator,
        "PATCH",
        &format!("/v1/api_keys/{}", b.id),
        key,
        Some(json!({"description": null, "seconds_until_expiration": null})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (body["description"].clone(), body["expiration"].clone()),
        (Value::Null, Value::Null)
    );
    let deleted = keys.delete(&b.id).await.unwrap();
    assert!(deleted.deleted && deleted.object == "api_key" && deleted.id == b.id);
    assert!(keys.get(&b.id).await.unwrap_err().is_not_found());
    assert!(
        keys.verify(b.secret.expose())
            .await
            .unwrap_err()
            .is_not_found()
    );
    let live = keys.verify(c.secret.expose()).await.unwrap();
    assert_eq!(live.id, c.id);

    // Errors.
    let e = keys
        .create("ghost key", "user_000000000000000000000000000")
        .await
        .unwrap_err();
    assert!(e.is_not_found(), "{e:?}");
    let (status, body) = raw(
        &emulator,
        "POST",
        "/v1/api_keys",
        key,
        Some(json!({"name": "bad subject", "subject": "sess_1"})),
    )
    .await;
    assert_eq!((status, code(&body)), (400, "form_param_value_invalid"));
    let (status, body) = raw(
        &emulator,
        "POST",
        "/v1/api_keys",
        key,
        Some(json!({"name": "ab", "subject": ada})),
    )
    .await;
    assert_eq!((status, code(&body)), (400, "form_param_value_invalid"));
    let (status, body) = raw(
        &emulator,
        "POST",
        "/v1/api_keys",
        key,
        Some(json!({"name": "ok name", "subject": ada, "secret": "x"})),
    )
    .await;
    assert_eq!((status, code(&body)), (400, "form_param_unknown"));
    let (status, body) = raw(
        &emulator,
        "POST",
        "/v1/api_keys",
        key,
        Some(json!({"subject": ada})),
    )
    .await;
    assert_eq!((status, code(&body)), (400, "form_param_missing"));
    let dup = keys
        .create("third key", &ada)
        .kind("service")
        .await
        .unwrap_err();
    assert_eq!(dup.status().map(|s| s.as_u16()), Some(409));
    let (status, _) = raw(
        &emulator,
        "GET",
        "/v1/api_keys/ak_0123456789abcdef0123456789abcdef/secret",
        key,
        None,
    )
    .await;
    assert_eq!(status, 404);

    assert!(common::validate_traffic(&emulator) > 10);
    common::assert_tags_called(&emulator, &["API Keys"]);
}

#[tokio::test]
async fn oauth_applications_as_resources() {
    let emulator = common::recording().await;
    let clerk = emulator.client();
    let apps = clerk.oauth_applications();
    let key = emulator.secret_key();

    let first = apps
        .create("Zed CLI")
        .redirect_uris(["https://zed.example.com/cb", "http://localhost:8080/cb"])
        .await
        .unwrap();
    assert_eq!(first.scopes, "profile email");
    assert!(first.consent_screen_enabled && !first.pkce_required && !first.public);
    assert_eq!(first.callback_url, "https://zed.example.com/cb");
    assert!(
        first
            .client_secret
            .as_ref()
            .is_some_and(|s| !s.expose().is_empty())
    );
    assert!(first.authorize_url.starts_with(emulator.url()));
    // The deprecated `callback_url` alone still sets the redirect URI.
    #[allow(deprecated)]
    let second = apps
        .create("Acme Portal")
        .callback_url("https://acme.example.com/oauth")
        .public(true)
        .pkce_required(true)
        .consent_screen_enabled(false)
        .scopes("profile")
        .await
        .unwrap();
    assert_eq!(second.redirect_uris, ["https://acme.example.com/oauth"]);
    assert!(second.public && second.pkce_required && !second.consent_screen_enabled);

    // Oldest first by default; name_query; order_by.
    let listed = apps.list().await.unwrap();
    assert_eq!(listed.total_count, Some(2));
    assert_eq!(listed.data[0].id, first.id);
    let named = apps.list().name_query("acme").await.unwrap();
    assert_eq!(
        (named.data.len(), named.data[0].id.as_str()),
        (1, second.id.as_str())
    );
    let by_name = apps.list().order_by("+name").await.unwrap();
    assert_eq!(by_name.data[0].name, "Acme Portal");
    assert_eq!(
        apps.list().limit(1).offset(1).await.unwrap().data[0].id,
        second.id
    );

    // Get hides the secret; update; logo; rotate.
    let (status, body) = raw(
        &emulator,
        "GET",
        &format!("/v1/oauth_applications/{}", first.id),
        key,
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert!(body.get("client_secret").is_none());
    let updated = apps
        .update(&first.id)
        .name("Zed CLI 2")
        .redirect_uris(["https://zed.example.com/v2"])
        .scopes("profile email offline_access")
        .await
        .unwrap();
    assert_eq!(updated.name, "Zed CLI 2");
    assert_eq!(updated.callback_url, "https://zed.example.com/v2");
    assert_eq!(updated.scopes, "profile email offline_access");
    assert!(updated.consent_screen_enabled, "what is left out stays");
    let logo = Image::from_bytes(PNG, "logo.png", "image/png").unwrap();
    let with_logo = apps.upload_logo(&first.id, logo).await.unwrap();
    let url = with_logo.client_image_url.unwrap();
    let image = reqwest::get(&url).await.unwrap();
    assert_eq!(image.status().as_u16(), 200);
    assert_eq!(&image.bytes().await.unwrap()[..], PNG);
    let not_image = Image::from_bytes(&b"<svg/>"[..], "logo.svg", "image/svg+xml").unwrap();
    let e = apps.upload_logo(&first.id, not_image).await.unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(400));
    let rotated = apps.rotate_secret(&first.id).await.unwrap();
    assert_ne!(
        rotated.client_secret.as_ref().map(|s| s.expose()),
        first.client_secret.as_ref().map(|s| s.expose())
    );

    // Revoking a token the application does not hold changes nothing.
    apps.revoke_token(&first.id, "oat_unknown").await.unwrap();
    let ada = common::user_id(&emulator.client(), "ada@example.com").await;
    let token = emulator
        .oauth_access_token(&second.id, &ada, MintOAuthToken::new())
        .unwrap();
    apps.revoke_token(&first.id, token.token.as_str())
        .await
        .unwrap();
    assert!(
        machine_verifier(&emulator)
            .authenticate_request(&bearer(&token.token))
            .await
            .is_signed_in()
    );

    // Errors.
    let (status, body) = raw(
        &emulator,
        "POST",
        "/v1/oauth_applications",
        key,
        Some(json!({"name": "x", "redirect_uris": ["not a url"]})),
    )
    .await;
    assert_eq!((status, code(&body)), (422, "form_param_format_invalid"));
    let (status, body) = raw(
        &emulator,
        "POST",
        "/v1/oauth_applications",
        key,
        Some(json!({"name": ""})),
    )
    .await;
    assert_eq!((status, code(&body)), (422, "form_param_missing"));
    assert!(apps.get("oa_nope").await.unwrap_err().is_not_found());
    assert!(
        apps.rotate_secret("oa_nope")
            .await
            .unwrap_err()
            .is_not_found()
    );

    // Delete: the application and its tokens.
    let deleted = apps.delete(&second.id).await.unwrap();
    assert!(deleted.deleted);
    assert!(apps.get(&second.id).await.unwrap_err().is_not_found());
    assert_eq!(
        machine_verifier(&emulator)
            .authenticate_request(&bearer(&token.token))
            .await
            .reason(),
        Some("token-invalid")
    );
    assert!(apps.delete(&second.id).await.unwrap_err().is_not_found());
    let logo_gone = apps.delete(&first.id).await.unwrap();
    assert!(logo_gone.deleted);
    assert_eq!(reqwest::get(&url).await.unwrap().status().as_u16(), 404);

    assert!(common::validate_traffic(&emulator) > 10);
    common::assert_tags_called(&emulator, &["OAuth Applications", "OAuth Access Tokens"]);
}

#[tokio::test]
async fn machine_auth_state_survives_a_restart() {
    let dir = std::env::temp_dir().join(format!(
        "clerk-emulator-machine-auth-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("state.json");
    let _ = std::fs::remove_file(&file);
    let (machine_secret, target_id, api_key, oauth_token, m2m_token) = {
        let emulator = Emulator::builder().state_file(&file).start().await.unwrap();
        let clerk = emulator.client();
        let ada = common::user_id(&emulator.client(), "ada@example.com").await;
        let target = clerk.machines().create("target").await.unwrap();
        let sender = clerk.machines().create("sender").await.unwrap();
        clerk
            .machines()
            .create_scope(&sender.id, &target.id)
            .await
            .unwrap();
        let api_key = clerk.api_keys().create("kept key", &ada).await.unwrap();
        let app = clerk.oauth_applications().create("Kept app").await.unwrap();
        let oauth = emulator
            .oauth_access_token(&app.id, &ada, MintOAuthToken::new())
            .unwrap();
        let m2m = machine_client(&emulator, sender.secret_key.expose())
            .m2m()
            .create_token()
            .await
            .unwrap();
        // A crash now: the files as they are while it runs (the snapshot it started with and
        // the journal of every acknowledged write), copied aside before it stops.
        let crashed = dir.join("crashed");
        std::fs::create_dir_all(&crashed).unwrap();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                std::fs::copy(&path, crashed.join(path.file_name().unwrap())).unwrap();
            }
        }
        drop(emulator);
        (
            sender.secret_key.expose().to_owned(),
            target.id,
            api_key.secret.expose().to_owned(),
            oauth.token,
            m2m.token.expose().to_owned(),
        )
    };

    let emulator = Emulator::builder()
        .state_file(dir.join("crashed").join("state.json"))
        .start()
        .await
        .unwrap();
    let verifier = machine_verifier(&emulator);
    for token in [&api_key, &oauth_token, &m2m_token] {
        let state = verifier.authenticate_request(&bearer(token)).await;
        assert!(state.is_signed_in(), "{token}: {state:?}");
    }
    // The machine's key and scopes are kept: it still mints tokens naming the target.
    let again = machine_client(&emulator, &machine_secret)
        .m2m()
        .create_token()
        .await
        .unwrap();
    assert_eq!(again.scopes.as_deref(), Some(&[target_id][..]));
    assert_eq!(
        emulator
            .client()
            .oauth_applications()
            .list()
            .await
            .unwrap()
            .total_count,
        Some(1)
    );
    emulator.shutdown().await.unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
