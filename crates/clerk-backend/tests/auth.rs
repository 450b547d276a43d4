//! Session-token verification and request authentication: valid tokens, the attack suite,
//! the JWKS cache's rules over real HTTP, organization claims, the verified-token cache,
//! machine tokens, tokens minted by the emulator, and inputs that must never panic.

mod keys;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::RsaKeyPair;
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use clerk_backend::Clerk;
use clerk_backend::auth::{AuthState, SignedOut, TokenKind, TokenReason, TokenVerifier};
use hmac::{KeyInit, Mac};
use keys::{TestKey, with};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn claims() -> Value {
    let t = now();
    json!({"sub": "user_2xK9mQ4bT7vRz1LpN3sW8yHcD5e", "sid": "sess_2xK9mQ4bT7vRz1LpN3sW8yHcD5e", "iss": "https://example.clerk.accounts.dev",
        "iat": t, "nbf": t - 10, "exp": t + 60, "v": 2, "fva": [0, -1], "sts": "active", "azp": "https://app.example.com",
        "jti": "abc123", "custom": {"tier": "gold"}})
}

fn local(key: &TestKey) -> TokenVerifier {
    TokenVerifier::from_pem(&key.pem()).unwrap()
}

async fn reason(verifier: &TokenVerifier, token: &str) -> TokenReason {
    verifier
        .verify_session_token(token)
        .await
        .unwrap_err()
        .reason()
}

#[tokio::test]
async fn a_valid_token_verifies_and_its_claims_decode() {
    let key = TestKey::new("ins_test");
    let verifier = local(&key);
    let token = key.session_token(claims());
    let c = verifier.verify_session_token(&token).await.unwrap();
    assert_eq!(c.sub, "user_2xK9mQ4bT7vRz1LpN3sW8yHcD5e");
    assert_eq!(c.session_id(), Some("sess_2xK9mQ4bT7vRz1LpN3sW8yHcD5e"));
    assert_eq!(c.fva, Some(vec![0, -1]));
    assert_eq!(c.v, Some(2));
    assert_eq!(c.get("custom"), Some(json!({"tier": "gold"})));
    #[derive(serde::Deserialize)]
    struct Mine {
        custom: Tier,
    }
    #[derive(serde::Deserialize)]
    struct Tier {
        tier: String,
    }
    assert_eq!(c.custom::<Mine>().unwrap().custom.tier, "gold");
    // RS512 and keys of other sizes work too.
    let big = TestKey {
        pair: RsaKeyPair::generate(KeySize::Rsa4096).unwrap(),
        kid: "k".into(),
    };
    let token = big.sign(&json!({"alg": "RS512", "typ": "JWT"}), &claims());
    local(&big).verify_session_token(&token).await.unwrap();
    // The PEM may come without armour, on one line, or with escaped newlines.
    let pem = key.pem();
    let bare: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    TokenVerifier::from_pem(&bare)
        .unwrap()
        .verify_session_token(&key.session_token(claims()))
        .await
        .unwrap();
    TokenVerifier::from_pem(&pem.replace('\n', "\\n")).unwrap();
}

#[tokio::test]
async fn the_attack_suite_is_refused_with_the_right_reasons() {
    let key = TestKey::new("ins_test");
    let other = TestKey::new("ins_other");
    let v = TokenVerifier::builder()
        .jwt_key(key.pem())
        .token_cache_size(0)
        .build()
        .unwrap();
    let t = now();

    // alg none, with and without a signature.
    let none = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(claims().to_string())
    );
    assert_eq!(reason(&v, &none).await, TokenReason::TokenInvalidAlgorithm);
    // HS256 "signed" with the public key as the HMAC secret (the classic confusion attack).
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"HS256","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(claims().to_string())
    );
    let mut mac =
        <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(key.pem().as_bytes()).unwrap();
    mac.update(input.as_bytes());
    let hs = format!(
        "{input}.{}",
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    );
    assert_eq!(reason(&v, &hs).await, TokenReason::TokenInvalidAlgorithm);
    for alg in ["ES256", "PS256", "RS1", "rs256", ""] {
        let token = key.sign(&json!({"alg": alg, "typ": "JWT"}), &claims());
        assert_eq!(
            reason(&v, &token).await,
            TokenReason::TokenInvalidAlgorithm,
            "{alg}"
        );
    }
    // A tampered payload, and a token from another instance's key.
    let good = key.session_token(claims());
    let parts: Vec<&str> = good.split('.').collect();
    let forged = URL_SAFE_NO_PAD.encode(with(claims(), json!({"sub": "user_admin"})).to_string());
    assert_eq!(
        reason(&v, &format!("{}.{forged}.{}", parts[0], parts[2])).await,
        TokenReason::TokenInvalidSignature
    );
    assert_eq!(
        reason(&v, &other.session_token(claims())).await,
        TokenReason::TokenInvalidSignature
    );
    // The signature is checked before claims: an expired forgery is a bad signature.
    let expired_forgery = other.session_token(with(claims(), json!({"exp": t - 1000})));
    assert_eq!(
        reason(&v, &expired_forgery).await,
        TokenReason::TokenInvalidSignature
    );

    // Time claims and their edges: tests/auth_rules.rs, with a pinned clock.
    v.verify_session_token(&key.session_token(with(claims(), json!({"nbf": null, "iat": null}))))
        .await
        .unwrap();

    // Missing sub or exp: the claims' types fail verification, as Clerk says.
    assert_eq!(
        reason(&v, &key.session_token(with(claims(), json!({"sub": null})))).await,
        TokenReason::TokenVerificationFailed
    );
    assert_eq!(
        reason(&v, &key.session_token(with(claims(), json!({"sub": 42})))).await,
        TokenReason::TokenVerificationFailed
    );
    assert_eq!(
        reason(&v, &key.session_token(with(claims(), json!({"exp": null})))).await,
        TokenReason::TokenVerificationFailed
    );

    // Authorized parties: unlisted and missing azp both fail when configured.
    let strict = TokenVerifier::builder()
        .jwt_key(key.pem())
        .authorized_parties(["https://app.example.com"])
        .build()
        .unwrap();
    strict
        .verify_session_token(&key.session_token(claims()))
        .await
        .unwrap();
    let unlisted = key.session_token(with(claims(), json!({"azp": "https://evil.example"})));
    assert_eq!(
        reason(&strict, &unlisted).await,
        TokenReason::TokenInvalidAuthorizedParties
    );
    let missing = key.session_token(with(claims(), json!({"azp": null})));
    assert_eq!(
        reason(&strict, &missing).await,
        TokenReason::TokenInvalidAuthorizedParties
    );
    v.verify_session_token(&missing).await.unwrap();

    // Audience (only when both configured and present) and issuer (exact).
    let aud = TokenVerifier::builder()
        .jwt_key(key.pem())
        .audience(["api://one"])
        .build()
        .unwrap();
    aud.verify_session_token(&key.session_token(claims()))
        .await
        .unwrap();
    aud.verify_session_token(
        &key.session_token(with(claims(), json!({"aud": ["x", "api://one"]}))),
    )
    .await
    .unwrap();
    let wrong_aud = key.session_token(with(claims(), json!({"aud": "api://two"})));
    assert_eq!(
        reason(&aud, &wrong_aud).await,
        TokenReason::TokenVerificationFailed
    );
    let iss = TokenVerifier::builder()
        .jwt_key(key.pem())
        .issuer("https://example.clerk.accounts.dev")
        .build()
        .unwrap();
    iss.verify_session_token(&key.session_token(claims()))
        .await
        .unwrap();
    let wrong_iss = key.session_token(with(
        claims(),
        json!({"iss": "https://example.clerk.accounts.dev.evil"}),
    ));
    assert_eq!(
        reason(&iss, &wrong_iss).await,
        TokenReason::TokenVerificationFailed
    );

    // An M2M (or template) category on the session path.
    let m2m = key.sign(
        &json!({"alg": "RS256", "typ": "JWT", "cat": "cl_B7d4PD333AAA"}),
        &claims(),
    );
    assert_eq!(reason(&v, &m2m).await, TokenReason::TokenTypeMismatch);
    let template = key.sign(
        &json!({"alg": "RS256", "typ": "JWT", "cat": "cl_B7d4PD222AAA"}),
        &claims(),
    );
    assert_eq!(reason(&v, &template).await, TokenReason::TokenTypeMismatch);
    v.verify_session_token(&key.sign(&json!({"alg": "RS256"}), &claims()))
        .await
        .unwrap();
    // A typ other than JWT.
    assert_eq!(
        reason(
            &v,
            &key.sign(&json!({"alg": "RS256", "typ": "at+jwt"}), &claims())
        )
        .await,
        TokenReason::TokenInvalid
    );

    // Pending sessions are signed out unless accepted.
    let pending = key.session_token(with(claims(), json!({"sts": "pending"})));
    assert_eq!(
        reason(&v, &pending).await,
        TokenReason::TokenVerificationFailed
    );
    TokenVerifier::builder()
        .jwt_key(key.pem())
        .accept_pending_sessions(true)
        .build()
        .unwrap()
        .verify_session_token(&pending)
        .await
        .unwrap();

    // Malformed tokens.
    for bad in [
        "a.b",
        "a.b.c.d",
        "",
        "...",
        "!!.??.**",
        "eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln",
        "e30.e30.e30",
    ] {
        assert!(
            matches!(
                reason(&v, bad).await,
                TokenReason::TokenInvalid
                    | TokenReason::TokenInvalidAlgorithm
                    | TokenReason::TokenInvalidSignature
            ),
            "{bad}: {:?}",
            reason(&v, bad).await
        );
    }
    let not_json_header = format!(
        "{}.{}.sig",
        URL_SAFE_NO_PAD.encode("not json"),
        URL_SAFE_NO_PAD.encode("{}")
    );
    assert_eq!(
        reason(&v, &not_json_header).await,
        TokenReason::TokenInvalid
    );
    // A payload that is JSON but not claims (a string: no `sub`) fails verification; one that
    // is not JSON is not a JWT.
    let not_claims = key.sign(&key.header(), &json!("just a string"));
    assert_eq!(
        reason(&v, &not_claims).await,
        TokenReason::TokenVerificationFailed
    );
    let not_json_payload = format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(key.header().to_string()),
        URL_SAFE_NO_PAD.encode("{not json"),
        URL_SAFE_NO_PAD.encode("sig")
    );
    assert_eq!(
        reason(&v, &not_json_payload).await,
        TokenReason::TokenInvalidSignature,
        "the signature is checked before the payload is read"
    );
    // A 1 MB token is refused before any decoding.
    let huge = format!(
        "{}.{}.{}",
        "a".repeat(400_000),
        "b".repeat(400_000),
        "c".repeat(300_000)
    );
    let refused = v.verify_session_token(&huge).await.unwrap_err();
    assert_eq!(refused.reason(), TokenReason::TokenInvalid);
    assert!(
        refused.message().contains("longer than"),
        "refused by its length, before any decoding: {refused}"
    );
}

#[test]
fn wrong_size_keys_are_refused() {
    // A 1024-bit modulus, as a JWK's components and as a PEM.
    let n = [0xC3u8; 128];
    let err = clerk_backend::auth::RsaPublicKey::from_components(&n, &[1, 0, 1]).unwrap_err();
    assert!(err.to_string().contains("1024"), "{err}");
    let spki_1024 = "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDwwIDAQAB";
    let err = TokenVerifier::from_pem(spki_1024).unwrap_err();
    assert_eq!(err.reason(), TokenReason::JwkLocalMissing);
    assert!(err.message().contains("1024"), "{err}");
    // An EC key is not an RSA key.
    let ec = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEREREREREREREREREREREREREREREREREREREREREREREREREREREREREREREREREREREREREREREREREREREQ==";
    let err = TokenVerifier::from_pem(ec).unwrap_err();
    assert!(err.message().contains("not an RSA key"), "{err}");
}

/// A JWKS endpoint that counts its requests and serves whatever key set it is given.
#[derive(Clone)]
struct JwksEndpoint {
    hits: Arc<AtomicUsize>,
    body: Arc<std::sync::Mutex<(u16, Value)>>,
    delay: Arc<std::sync::Mutex<Duration>>,
}

impl Respond for JwksEndpoint {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        self.hits.fetch_add(1, Ordering::SeqCst);
        let (status, body) = self.body.lock().unwrap().clone();
        ResponseTemplate::new(status)
            .set_body_json(body)
            .set_delay(*self.delay.lock().unwrap())
    }
}

async fn jwks_server(keys: &[&TestKey], delay: Duration) -> (MockServer, JwksEndpoint, Clerk) {
    let server = MockServer::start().await;
    let endpoint = JwksEndpoint {
        hits: Arc::new(AtomicUsize::new(0)),
        body: Arc::new(std::sync::Mutex::new((
            200,
            json!({"keys": keys.iter().map(|k| k.jwk()).collect::<Vec<_>>()}),
        ))),
        delay: Arc::new(std::sync::Mutex::new(delay)),
    };
    Mock::given(method("GET"))
        .and(path("/v1/jwks"))
        .respond_with(endpoint.clone())
        .mount(&server)
        .await;
    let clerk = keys::stub_client(&server.uri());
    (server, endpoint, clerk)
}

#[tokio::test]
async fn jwks_keys_are_fetched_once_shared_and_refetched_only_by_the_rules() {
    let key = TestKey::new("ins_one");
    let (_server, endpoint, clerk) = jwks_server(&[&key], Duration::from_millis(100)).await;
    let verifier = TokenVerifier::builder()
        .clerk(clerk)
        .token_cache_size(0)
        .build()
        .unwrap();

    // 20 concurrent first verifications share one fetch.
    let token = key.session_token(claims());
    let all =
        futures_util::future::join_all((0..20).map(|_| verifier.verify_session_token(&token)))
            .await;
    assert!(all.iter().all(Result::is_ok));
    assert_eq!(endpoint.hits.load(Ordering::SeqCst), 1);

    // A flood of unknown kids: one refetch for the whole cooldown.
    let strangers: Vec<TestKey> = (0..5)
        .map(|i| TestKey::new(&format!("ins_unknown_{i}")))
        .collect();
    let mut reasons = Vec::new();
    for round in 0..10 {
        let token = strangers[round % 5].session_token(claims());
        reasons.push(verifier.verify_session_token(&token).await.unwrap_err());
    }
    assert_eq!(
        endpoint.hits.load(Ordering::SeqCst),
        2,
        "at most one refetch per cooldown"
    );
    assert!(
        reasons
            .iter()
            .all(|e| e.reason() == TokenReason::JwkKidMismatch)
    );
    assert!(
        !reasons[0].message().contains("ins_one"),
        "errors never list the known keys: {}",
        reasons[0]
    );
    // The known key still works without fetching.
    verifier
        .verify_session_token(&key.session_token(claims()))
        .await
        .unwrap();
    assert_eq!(endpoint.hits.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn jwks_expiry_does_not_slide_and_a_failed_refetch_serves_the_old_keys() {
    let key = TestKey::new("ins_one");
    let (_server, endpoint, clerk) = jwks_server(&[&key], Duration::ZERO).await;
    let verifier = TokenVerifier::builder()
        .clerk(clerk)
        .token_cache_size(0)
        .jwks_cache_ttl(Duration::from_millis(300))
        .jwks_refetch_cooldown(Duration::from_millis(50))
        .build()
        .unwrap();
    let token = key.session_token(claims());
    for _ in 0..5 {
        verifier.verify_session_token(&token).await.unwrap();
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Hits every 100 ms over 500 ms: the 300 ms TTL expired once despite them.
    assert_eq!(endpoint.hits.load(Ordering::SeqCst), 2);

    // Now the JWKS endpoint breaks: the keys held are still served.
    *endpoint.body.lock().unwrap() = (503, json!({"errors": []}));
    tokio::time::sleep(Duration::from_millis(350)).await;
    verifier.verify_session_token(&token).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(
        endpoint.hits.load(Ordering::SeqCst),
        3,
        "it tried, in the background"
    );

    // An empty answer does not wipe the keys held.
    *endpoint.body.lock().unwrap() = (200, json!({"keys": []}));
    tokio::time::sleep(Duration::from_millis(350)).await;
    verifier.verify_session_token(&token).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    verifier.verify_session_token(&token).await.unwrap();
}

#[tokio::test]
async fn an_expired_key_set_is_refreshed_without_making_requests_wait() {
    let key = TestKey::new("ins_one");
    let (_server, endpoint, clerk) = jwks_server(&[&key], Duration::ZERO).await;
    let verifier = TokenVerifier::builder()
        .clerk(clerk)
        .token_cache_size(0)
        .jwks_cache_ttl(Duration::from_millis(100))
        .build()
        .unwrap();
    let token = key.session_token(claims());
    verifier.verify_session_token(&token).await.unwrap(); // the first load waits: no keys yet
    assert_eq!(endpoint.hits.load(Ordering::SeqCst), 1);
    // From now on the endpoint takes ten minutes to answer. A request that waited for the
    // refresh would not finish; one served from the held keys finishes at once.
    *endpoint.delay.lock().unwrap() = Duration::from_secs(600);
    tokio::time::sleep(Duration::from_millis(150)).await;
    let served = tokio::spawn({
        let verifier = verifier.clone();
        let token = token.clone();
        async move { verifier.verify_session_token(&token).await }
    });
    // The refresh starts in the background: wait (by counting) until its request arrives.
    while endpoint.hits.load(Ordering::SeqCst) < 2 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // The refresh is still held by the server, and the verification is done.
    let outcome = tokio::time::timeout(Duration::from_secs(300), served)
        .await
        .expect("the verification waited for the refresh")
        .unwrap();
    outcome.unwrap();
    assert_eq!(endpoint.hits.load(Ordering::SeqCst), 2, "one refresh");
}

#[tokio::test]
async fn malformed_audiences_fail_and_odd_feature_lists_keep_their_slots() {
    let key = TestKey::new("ins_odd");
    let aud = TokenVerifier::builder()
        .jwt_key(key.pem())
        .audience(["api://one"])
        .build()
        .unwrap();
    for bad in [json!(123), json!(["api://one", 1]), json!({"a": 1})] {
        let token = key.session_token(with(claims(), json!({ "aud": bad })));
        assert_eq!(
            reason(&aud, &token).await,
            TokenReason::TokenVerificationFailed,
            "{bad}"
        );
    }
    let v = local(&key);
    // "dashboard" has no scope but holds a slot, so "o:billing" takes the second bitmask.
    let c = with(
        claims(),
        json!({"fea": "dashboard,o:billing", "o": {"id": "org_1", "rol": "admin", "per": "read,write", "fpm": "1,2"}}),
    );
    let claims = v.verify_session_token(&key.session_token(c)).await.unwrap();
    assert_eq!(
        claims.org.as_ref().unwrap().permissions,
        ["org:billing:write"]
    );
    let empty = with(claims_v2_org(), json!({}));
    let claims = v
        .verify_session_token(&key.session_token(empty))
        .await
        .unwrap();
    assert!(claims.org.as_ref().unwrap().permissions.is_empty());
}

fn claims_v2_org() -> Value {
    with(
        claims(),
        json!({"fea": "o:billing", "o": {"id": "org_1", "rol": "admin", "per": "", "fpm": "1"}}),
    )
}

#[tokio::test]
async fn a_foreign_suffixed_cookie_does_not_hide_a_valid_session() {
    let key = TestKey::new("ins_cookie");
    let v = local(&key);
    let mine = key.session_token(claims());
    let other_app = TestKey::new("ins_other_app").session_token(claims());
    let uat = now() - 60;
    let state = v
        .authenticate_request(&parts(&[(
            "cookie",
            &format!("__session_0therApp={other_app}; __session={mine}; __client_uat={uat}"),
        )]))
        .await;
    assert!(state.session().is_some(), "{state:?}");
    // Another app's cookies alone: this instance's pair is absent, so nobody is signed in.
    let state = v
        .authenticate_request(&parts(&[(
            "cookie",
            &format!("__session_0therApp={other_app}; __client_uat_0therApp={uat}"),
        )]))
        .await;
    assert_eq!(state, AuthState::SignedOut(SignedOut::NoToken));
    // Opaque machine tokens of the wrong form are refused without a call to Clerk.
    let opaque = TokenVerifier::builder()
        .jwt_key(key.pem())
        .accepts([TokenKind::ApiKey])
        .build()
        .unwrap();
    let long = format!("ak_{}", "a".repeat(10_000));
    assert_eq!(
        opaque
            .authenticate_token(&long)
            .await
            .error()
            .unwrap()
            .reason(),
        TokenReason::TokenInvalid
    );
}

#[tokio::test]
async fn a_refused_secret_key_and_an_unreachable_jwks_have_their_reasons() {
    let key = TestKey::new("ins_one");
    let (_server, endpoint, clerk) = jwks_server(&[&key], Duration::ZERO).await;
    *endpoint.body.lock().unwrap() = (
        401,
        json!({"errors": [{"code": "clerk_key_invalid", "message": "bad", "long_message": "bad"}]}),
    );
    let verifier = TokenVerifier::new(&clerk);
    assert_eq!(
        reason(&verifier, &key.session_token(claims())).await,
        TokenReason::SecretKeyInvalid
    );

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let nowhere = keys::stub_client(&format!("http://127.0.0.1:{port}"));
    assert_eq!(
        reason(&TokenVerifier::new(&nowhere), &key.session_token(claims())).await,
        TokenReason::JwkRemoteFailedToLoad
    );

    let (_s2, empty, clerk2) = jwks_server(&[], Duration::ZERO).await;
    let empty_verifier = TokenVerifier::new(&clerk2);
    assert_eq!(
        reason(&empty_verifier, &key.session_token(claims())).await,
        TokenReason::JwkRemoteMissing
    );
    assert_eq!(
        reason(&empty_verifier, &key.session_token(claims())).await,
        TokenReason::JwkRemoteMissing
    );
    assert_eq!(
        empty.hits.load(Ordering::SeqCst),
        2,
        "the load, and one refetch for the unknown kid"
    );
    // A key in the JWKS that is too small is refused as invalid.
    let (_s3, weak, clerk3) = jwks_server(&[], Duration::ZERO).await;
    *weak.body.lock().unwrap() = (
        200,
        json!({"keys": [{"kty": "RSA", "kid": "ins_one", "alg": "RS256", "use": "sig",
        "n": URL_SAFE_NO_PAD.encode([0xC3u8; 128]), "e": "AQAB"}]}),
    );
    assert_eq!(
        reason(&TokenVerifier::new(&clerk3), &key.session_token(claims())).await,
        TokenReason::JwkRemoteInvalid
    );
}

#[tokio::test]
async fn one_instances_keys_never_verify_another_instances_tokens() {
    let a = clerk_emulator::Emulator::start().await.unwrap();
    let b = clerk_emulator::Emulator::start().await.unwrap();
    let token_from_b = emulator_token(&b, None).await;
    let verifier_a = TokenVerifier::new(&a.client());
    verifier_a
        .verify_session_token(&emulator_token(&a, None).await)
        .await
        .unwrap();
    let err = verifier_a
        .verify_session_token(&token_from_b)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err.reason(),
            TokenReason::JwkKidMismatch | TokenReason::TokenInvalidSignature
        ),
        "{err}"
    );
    // And networkless with A's PEM.
    let pem_a = TokenVerifier::from_pem(&a.public_key_pem()).unwrap();
    assert_eq!(
        pem_a
            .verify_session_token(&token_from_b)
            .await
            .unwrap_err()
            .reason(),
        TokenReason::TokenInvalidSignature
    );
}

/// A session token minted by an emulator for a new user (in an organization when asked).
async fn emulator_token(emulator: &clerk_emulator::Emulator, org_role: Option<&str>) -> String {
    let clerk = emulator.client();
    let user = clerk
        .users()
        .create()
        .email_address([format!("u{}@example.com", fastrand::u32(..))])
        .await
        .unwrap();
    let mut body = json!({"user_id": user.id});
    if let Some(role) = org_role {
        let org: Value = clerk
            .request(clerk_backend::Method::POST, "/v1/organizations")
            .json(&json!({"name": "Acme", "created_by": user.id}))
            .send()
            .await
            .unwrap();
        if role != "org:admin" {
            let member = clerk
                .users()
                .create()
                .email_address([format!("m{}@example.com", fastrand::u32(..))])
                .await
                .unwrap();
            let _: Value = clerk
                .request(
                    clerk_backend::Method::POST,
                    format!(
                        "/v1/organizations/{}/memberships",
                        org["id"].as_str().unwrap()
                    ),
                )
                .json(&json!({"user_id": member.id, "role": role}))
                .send()
                .await
                .unwrap();
            body = json!({"user_id": member.id});
        }
        body["active_organization_id"] = org["id"].clone();
    }
    let session: Value = clerk
        .request(clerk_backend::Method::POST, "/v1/sessions")
        .json(&body)
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

#[tokio::test]
async fn emulator_tokens_verify_through_jwks_and_pem_with_their_organization() {
    let emulator = clerk_emulator::Emulator::start().await.unwrap();
    let token = emulator_token(&emulator, Some("org:admin")).await;
    let by_jwks = TokenVerifier::new(&emulator.client())
        .verify_session_token(&token)
        .await
        .unwrap();
    let by_pem = TokenVerifier::from_pem(&emulator.public_key_pem())
        .unwrap()
        .verify_session_token(&token)
        .await
        .unwrap();
    assert_eq!(by_jwks, by_pem);
    let org = by_jwks.org.as_ref().expect("the o claim");
    assert!(org.id.starts_with("org_"));
    assert_eq!(org.slug.as_deref(), Some("acme"));
    assert!(
        by_jwks.has_role("org:admin")
            && by_jwks.has_role("admin")
            && !by_jwks.has_role("org:member")
    );
    let issuer = TokenVerifier::builder()
        .clerk(emulator.client())
        .issuer(emulator.issuer())
        .build()
        .unwrap();
    issuer.verify_session_token(&token).await.unwrap();
}

/// Claims with a v2 `o` claim of `n` custom permissions across two org features, every other
/// permission granted on the first feature and all on the second.
fn org_claims(n: usize) -> (Value, Vec<String>) {
    let names: Vec<String> = (0..n).map(|i| format!("p{i}")).collect();
    let mut first = num_bigint_decimal(&(0..n).filter(|i| i % 2 == 0).collect::<Vec<_>>());
    let mut second = num_bigint_decimal(&(0..n).collect::<Vec<_>>());
    if n == 0 {
        first = "0".into();
        second = "0".into();
    }
    let mut expected: Vec<String> = (0..n)
        .filter(|i| i % 2 == 0)
        .map(|i| format!("org:reports:p{i}"))
        .collect();
    expected.extend((0..n).map(|i| format!("org:billing:p{i}")));
    let c = with(
        claims(),
        json!({"fea": "u:export,o:reports,o:billing", "o": {"id": "org_1", "slg": "acme", "rol": "admin",
            "per": names.join(","), "fpm": format!("{first},{second}")}}),
    );
    (c, expected)
}

/// The decimal form of the number whose set bits are `bits` (any size).
fn num_bigint_decimal(bits: &[usize]) -> String {
    // Little-endian base-10^9 limbs: start from 0 and add 2^b for each bit.
    let mut limbs: Vec<u64> = vec![0];
    for &b in bits {
        let mut pow: Vec<u64> = vec![1];
        for _ in 0..b {
            let mut carry = 0;
            for l in pow.iter_mut() {
                let v = *l * 2 + carry;
                *l = v % 1_000_000_000;
                carry = v / 1_000_000_000;
            }
            if carry > 0 {
                pow.push(carry);
            }
        }
        let mut carry = 0;
        for i in 0..pow.len().max(limbs.len()) {
            if i == limbs.len() {
                limbs.push(0);
            }
            let v = limbs[i] + pow.get(i).copied().unwrap_or(0) + carry;
            limbs[i] = v % 1_000_000_000;
            carry = v / 1_000_000_000;
        }
        if carry > 0 {
            limbs.push(carry);
        }
    }
    let mut out = limbs.last().unwrap().to_string();
    for l in limbs.iter().rev().skip(1) {
        out.push_str(&format!("{l:09}"));
    }
    out
}

#[tokio::test]
async fn organization_permissions_decode_exactly_for_any_number_of_permissions() {
    let key = TestKey::new("ins_org");
    let v = local(&key);
    assert_eq!(num_bigint_decimal(&[0, 2]), "5");
    assert_eq!(num_bigint_decimal(&[64]), "18446744073709551616");
    for n in [0, 1, 64, 200] {
        let (c, expected) = org_claims(n);
        let claims = v.verify_session_token(&key.session_token(c)).await.unwrap();
        let org = claims.org.as_ref().unwrap();
        assert_eq!(org.id, "org_1");
        assert_eq!(org.role.as_deref(), Some("org:admin"));
        assert_eq!(org.permissions, expected, "n = {n}");
        if n == 200 {
            assert!(
                claims.has_permission("org:billing:p199")
                    && claims.has_permission("org:reports:p198")
            );
            assert!(!claims.has_permission("org:reports:p199"));
        }
    }
    // v1 claims.
    let v1 = with(
        claims(),
        json!({"v": null, "org_id": "org_v1", "org_slug": "old", "org_role": "org:member",
        "org_permissions": ["org:sys_memberships:read"]}),
    );
    let c = v
        .verify_session_token(&key.session_token(v1))
        .await
        .unwrap();
    let org = c.org.as_ref().unwrap();
    assert_eq!(
        (org.id.as_str(), org.role.as_deref()),
        ("org_v1", Some("org:member"))
    );
    assert!(c.has_permission("org:sys_memberships:read") && c.has_role("member"));
    assert!(!c.has_feature("org:billing"));
    let (with_fea, _) = org_claims(1);
    let c = v
        .verify_session_token(&key.session_token(with_fea))
        .await
        .unwrap();
    assert!(
        c.has_feature("org:reports")
            && c.has_feature("user:export")
            && !c.has_feature("user:reports")
    );
}

#[tokio::test]
async fn the_verified_token_cache_rechecks_time_and_is_never_shared() {
    let key = TestKey::new("ins_cache");
    let relaxed = local(&key);
    let strict = TokenVerifier::builder()
        .jwt_key(key.pem())
        .authorized_parties(["https://other.example"])
        .build()
        .unwrap();
    let token = key.session_token(claims());
    let first = relaxed.verify_session_token(&token).await.unwrap();
    let again = relaxed.verify_session_token(&token).await.unwrap();
    assert!(
        Arc::ptr_eq(&first, &again),
        "the second answer comes from the cache"
    );
    // Another verifier does not see the first one's cache.
    assert_eq!(
        reason(&strict, &token).await,
        TokenReason::TokenInvalidAuthorizedParties
    );
    // A cached token still expires: exp - skew passes while it sits in the cache.
    let soon = key.session_token(with(claims(), json!({"exp": now() - 3})));
    relaxed.verify_session_token(&soon).await.unwrap();
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(reason(&relaxed, &soon).await, TokenReason::TokenExpired);
    // A small cache keeps working past its bound.
    let tiny = TokenVerifier::builder()
        .jwt_key(key.pem())
        .token_cache_size(2)
        .build()
        .unwrap();
    let tokens: Vec<String> = (0..5)
        .map(|i| key.session_token(with(claims(), json!({"jti": format!("j{i}")}))))
        .collect();
    for _ in 0..2 {
        for t in &tokens {
            tiny.verify_session_token(t).await.unwrap();
        }
    }
}

fn parts(headers: &[(&str, &str)]) -> http::request::Parts {
    let mut req = http::Request::builder().uri("/");
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.body(()).unwrap().into_parts().0
}

#[tokio::test]
async fn requests_are_authenticated_from_the_header_or_the_cookie() {
    let key = TestKey::new("ins_req");
    let v = local(&key);
    let token = key.session_token(claims());
    let other = TestKey::new("x").session_token(claims());
    let state = v
        .authenticate_request(&parts(&[
            ("authorization", &format!("Bearer {token}")),
            ("cookie", &format!("__session={other}")),
        ]))
        .await;
    assert_eq!(
        state.user_id(),
        Some("user_2xK9mQ4bT7vRz1LpN3sW8yHcD5e"),
        "the header wins"
    );
    let state = v
        .authenticate_request(&parts(&[("authorization", &token)]))
        .await;
    assert!(state.is_signed_in(), "a bare token is accepted");
    let uat = now() - 60;
    let state = v
        .authenticate_request(&parts(&[
            ("authorization", "Basic dXNlcjpwYXNz"),
            ("cookie", &format!("__session={token}; __client_uat={uat}")),
        ]))
        .await;
    assert!(
        state.session().is_some(),
        "Basic is ignored, the cookies are used"
    );
    assert_eq!(
        v.authenticate_request(&parts(&[])).await,
        AuthState::SignedOut(SignedOut::NoToken)
    );
    let bad = v
        .authenticate_request(&parts(&[(
            "cookie",
            &format!("__session={other}; __client_uat={uat}"),
        )]))
        .await;
    assert_eq!(
        bad.error().unwrap().reason(),
        TokenReason::TokenInvalidSignature
    );
    // Machine tokens on the session path.
    for machine in [
        "ak_0123456789abcdef0123456789abcdef",
        "mt_0123456789abcdef0123456789abcdef",
        "oat_0123456789abcdef0123456789abcdef",
    ] {
        let state = v
            .authenticate_request(&parts(&[("authorization", &format!("Bearer {machine}"))]))
            .await;
        assert_eq!(
            state.error().unwrap().reason(),
            TokenReason::TokenTypeMismatch,
            "{machine}"
        );
    }
    let m2m_jwt = key.sign(
        &json!({"alg": "RS256", "typ": "JWT", "kid": "ins_req"}),
        &with(claims(), json!({"sub": "mch_2xK9mQ4bT7vRz1LpN3sW8yHcD5e"})),
    );
    assert_eq!(
        v.authenticate_token(&m2m_jwt)
            .await
            .error()
            .unwrap()
            .reason(),
        TokenReason::TokenTypeMismatch
    );
}

#[tokio::test]
async fn machine_tokens_are_verified_when_accepted() {
    let key = TestKey::new("ins_m2m");
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/jwks"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"keys": [key.jwk()]})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/api_keys/verify"))
        .and(wiremock::matchers::body_json(json!({"secret": "ak_3beecc9c60adb5f9b850e91a8ee1e992"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"object": "api_key", "id": "ak_3beecc9c60adb5f9b850e91a8ee1e992",
            "type": "api_key", "subject": "user_2xhFjEI5X2qWRvtV13BzSj8H6Dk", "name": "CI", "claims": {"team": "ops"}, "scopes": ["read"],
            "revoked": false, "revocation_reason": null, "expired": false, "expiration": null, "created_by": null,
            "last_used_at": null, "created_at": 1, "updated_at": 1})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/m2m_tokens/verify"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"object": "machine_to_machine_token", "id": "mt_f7f0ba8c3b4843ce7d85fcdd5e71853e",
            "subject": "mch_2xhFjEI5X2qWRvtV13BzSj8H6Dk", "claims": null, "scopes": [], "revoked": true, "revocation_reason": "rotated",
            "expired": false, "expiration": null, "last_used_at": null, "created_at": 1, "updated_at": 1})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/oauth_applications/access_tokens/verify"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"errors": [{"code": "resource_not_found", "message": "not found", "long_message": "not found"}]})))
        .mount(&server)
        .await;
    let clerk = keys::stub_client(&server.uri());
    let v = TokenVerifier::builder()
        .clerk(clerk)
        .accepts([
            TokenKind::SessionToken,
            TokenKind::ApiKey,
            TokenKind::M2mToken,
            TokenKind::OAuthToken,
        ])
        .build()
        .unwrap();

    let AuthState::Machine(api) = v
        .authenticate_token("ak_3beecc9c60adb5f9b850e91a8ee1e992")
        .await
    else {
        panic!("not a machine")
    };
    assert_eq!(
        (api.kind, api.subject.as_str(), api.name.as_deref()),
        (
            TokenKind::ApiKey,
            "user_2xhFjEI5X2qWRvtV13BzSj8H6Dk",
            Some("CI")
        )
    );
    assert_eq!(api.scopes, ["read"]);
    let revoked = v
        .authenticate_token("mt_f7f0ba8c3b4843ce7d85fcdd5e71853e")
        .await;
    assert_eq!(revoked.error().unwrap().reason(), TokenReason::TokenInvalid);
    let unknown = v
        .authenticate_token("oat_0ef5a7a33d87ed87ee7954c845d80450")
        .await;
    assert_eq!(unknown.error().unwrap().reason(), TokenReason::TokenInvalid);
    // JWT forms, verified locally.
    let m2m_jwt = key.sign(
        &json!({"alg": "RS256", "typ": "JWT", "kid": "ins_m2m", "cat": "cl_B7d4PD333AAA"}),
        &json!({"sub": "mch_2xhFjEI5X2qWRvtV13BzSj8H6Dk", "exp": now() + 60, "iat": now(), "jti": "mt_1", "scopes": ["mch_a"]}),
    );
    let AuthState::Machine(m) = v.authenticate_token(&m2m_jwt).await else {
        panic!("m2m jwt")
    };
    assert_eq!(
        (m.kind, m.scopes.clone()),
        (TokenKind::M2mToken, vec!["mch_a".to_owned()])
    );
    let oauth_jwt = key.sign(
        &json!({"alg": "RS256", "typ": "at+jwt", "kid": "ins_m2m"}),
        &json!({"sub": "user_2xhFjEI5X2qWRvtV13BzSj8H6Dk", "exp": now() + 60, "client_id": "client_1", "scope": "read write"}),
    );
    let AuthState::Machine(o) = v.authenticate_token(&oauth_jwt).await else {
        panic!("oauth jwt")
    };
    assert_eq!(
        (o.kind, o.client_id.as_deref(), o.scopes.len()),
        (TokenKind::OAuthToken, Some("client_1"), 2)
    );
    let expired_oauth = key.sign(
        &json!({"alg": "RS256", "typ": "at+jwt", "kid": "ins_m2m"}),
        &json!({"sub": "user_1", "exp": now() - 60}),
    );
    assert_eq!(
        v.authenticate_token(&expired_oauth)
            .await
            .error()
            .unwrap()
            .reason(),
        TokenReason::TokenExpired
    );
    // Session tokens still work on the same verifier.
    assert!(
        v.authenticate_token(&key.session_token(claims()))
            .await
            .session()
            .is_some()
    );
}

mod no_panics {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

        #[test]
        fn no_token_panics_the_verifier(token in ".{0,600}", dots in "[a-zA-Z0-9_.=-]{0,300}") {
            let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
            let key = shared_key();
            let v = TokenVerifier::from_pem(&key.pem()).unwrap();
            rt.block_on(async {
                let _ = v.verify_session_token(&token).await;
                let _ = v.verify_session_token(&dots).await;
                let _ = v.authenticate_token(&dots).await;
            });
        }

        #[test]
        fn no_header_panics_the_authenticator(auth in "[ -~]{0,200}", cookie in "[ -~]{0,200}") {
            let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
            let v = TokenVerifier::from_pem(&shared_key().pem()).unwrap();
            let mut headers = http::HeaderMap::new();
            if let Ok(a) = auth.parse() { headers.insert("authorization", a); }
            if let Ok(c) = cookie.parse() { headers.insert("cookie", c); }
            rt.block_on(async { let _ = v.authenticate_headers(&headers).await; });
        }

        #[test]
        fn no_pem_panics_the_key_parser(pem in ".{0,400}", bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = TokenVerifier::from_pem(&pem);
            let _ = TokenVerifier::from_pem(&STANDARD.encode(&bytes));
        }
    }

    fn shared_key() -> &'static TestKey {
        static KEY: std::sync::OnceLock<TestKey> = std::sync::OnceLock::new();
        KEY.get_or_init(|| TestKey::new("ins_prop"))
    }
}
