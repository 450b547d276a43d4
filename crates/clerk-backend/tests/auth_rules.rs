//! Session auth as Clerk decides it, one test per rule: the reasons Clerk's backend SDK gives,
//! the order of its checks, every time edge against a pinned clock, and the cookie decision
//! table (`__session` beside `__client_uat`, suffixed by the publishable key).

mod keys;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use clerk_backend::auth::{
    AuthState, IGNORE_TOKEN_CATEGORY, M2M_TOKEN_CATEGORY, RefreshReason, SignedOut, TokenKind,
    TokenReason, TokenVerifier,
};
use keys::{TestKey, with};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// The pinned "now" of these tests, in milliseconds: 2026-01-01T00:00:00Z.
const NOW_MS: i64 = 1_767_225_600_000;
const NOW: i64 = NOW_MS / 1000;

fn at(ms: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(ms as u64)
}

fn claims() -> Value {
    json!({"sub": "user_2xK9mQ4bT7vRz1LpN3sW8yHcD5e", "sid": "sess_2xK9mQ4bT7vRz1LpN3sW8yHcD5e",
        "iss": "https://example.clerk.accounts.dev", "iat": NOW - 30, "nbf": NOW - 40,
        "exp": NOW + 60, "v": 2, "azp": "https://app.example.com"})
}

/// A networkless verifier whose clock reads `now_ms`.
fn verifier_at(key: &TestKey, now_ms: i64) -> TokenVerifier {
    TokenVerifier::builder()
        .jwt_key(key.pem())
        .token_cache_size(0)
        .clock(move || at(now_ms))
        .build()
        .unwrap()
}

async fn reason(v: &TokenVerifier, token: &str) -> TokenReason {
    v.verify_session_token(token).await.unwrap_err().reason()
}

fn header(key: &TestKey, changes: Value) -> Value {
    with(key.header(), changes)
}

// ---- categories ---------------------------------------------------------------------------

#[tokio::test]
async fn the_ignore_category_passes_as_a_session_token() {
    let key = TestKey::new("ins_cat");
    let v = verifier_at(&key, NOW_MS);
    let token = key.sign(
        &header(&key, json!({"cat": IGNORE_TOKEN_CATEGORY})),
        &claims(),
    );
    assert_eq!(IGNORE_TOKEN_CATEGORY, "cl_I7d4PD111III");
    let claims = v.verify_session_token(&token).await.unwrap();
    assert_eq!(claims.sub, "user_2xK9mQ4bT7vRz1LpN3sW8yHcD5e");
    // Through request authentication too: it is classified as a session token.
    let state = v.authenticate_token(&token).await;
    assert!(state.session().is_some(), "{state:?}");
}

#[tokio::test]
async fn another_category_is_a_type_mismatch() {
    let key = TestKey::new("ins_cat");
    let v = verifier_at(&key, NOW_MS);
    for cat in [M2M_TOKEN_CATEGORY, "cl_B7d4PD222AAA", "cl_something_new"] {
        let token = key.sign(&header(&key, json!({"cat": cat})), &claims());
        assert_eq!(
            reason(&v, &token).await,
            TokenReason::TokenTypeMismatch,
            "{cat}"
        );
    }
}

// ---- the header -----------------------------------------------------------------------------

#[tokio::test]
async fn typ_must_be_exactly_jwt_when_present() {
    let key = TestKey::new("ins_typ");
    let v = verifier_at(&key, NOW_MS);
    for typ in ["jwt", "Jwt", "JWS", "at+jwt"] {
        let token = key.sign(&header(&key, json!({"typ": typ})), &claims());
        assert_eq!(reason(&v, &token).await, TokenReason::TokenInvalid, "{typ}");
    }
    let untyped = key.sign(&header(&key, json!({"typ": null})), &claims());
    v.verify_session_token(&untyped).await.unwrap();
}

#[tokio::test]
async fn a_signature_with_base64_padding_is_accepted() {
    let key = TestKey::new("ins_pad");
    let v = verifier_at(&key, NOW_MS);
    let token = key.session_token(claims());
    let (signed, signature) = token.rsplit_once('.').unwrap();
    let padding = (4 - signature.len() % 4) % 4;
    assert!(padding > 0, "an RSA-2048 signature's base64 needs padding");
    let padded = format!("{signed}.{signature}{}", "=".repeat(padding));
    v.verify_session_token(&padded).await.unwrap();
}

// ---- keys -----------------------------------------------------------------------------------

struct CountingJwks {
    hits: Arc<AtomicUsize>,
    body: Value,
}

impl Respond for CountingJwks {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        self.hits.fetch_add(1, Ordering::SeqCst);
        ResponseTemplate::new(200).set_body_json(self.body.clone())
    }
}

/// A verifier on a JWKS served from 127.0.0.1, and the count of fetches.
async fn jwks_verifier(keys: &[&TestKey]) -> (MockServer, Arc<AtomicUsize>, TokenVerifier) {
    let server = MockServer::start().await;
    let hits = Arc::new(AtomicUsize::new(0));
    Mock::given(method("GET"))
        .and(path("/v1/jwks"))
        .respond_with(CountingJwks {
            hits: hits.clone(),
            body: json!({"keys": keys.iter().map(|k| k.jwk()).collect::<Vec<_>>()}),
        })
        .mount(&server)
        .await;
    let clerk = keys::stub_client(&server.uri());
    let v = TokenVerifier::builder()
        .clerk(clerk)
        .token_cache_size(0)
        .clock(|| at(NOW_MS))
        .build()
        .unwrap();
    (server, hits, v)
}

#[tokio::test]
async fn a_token_without_kid_matches_no_key_of_a_jwks() {
    let key = TestKey::new("ins_only");
    let (_server, _hits, v) = jwks_verifier(&[&key]).await;
    let token = key.sign(&header(&key, json!({"kid": null})), &claims());
    assert_eq!(reason(&v, &token).await, TokenReason::JwkKidMismatch);
    let unknown = key.sign(&header(&key, json!({"kid": "ins_other"})), &claims());
    assert_eq!(reason(&v, &unknown).await, TokenReason::JwkKidMismatch);
    v.verify_session_token(&key.session_token(claims()))
        .await
        .unwrap();
}

// ---- the order of the checks ----------------------------------------------------------------

#[tokio::test]
async fn the_category_is_checked_before_any_key_is_fetched() {
    let key = TestKey::new("ins_order");
    let (_server, hits, v) = jwks_verifier(&[&key]).await;
    let m2m = key.sign(
        &header(&key, json!({"cat": M2M_TOKEN_CATEGORY, "kid": "nope"})),
        &claims(),
    );
    assert_eq!(reason(&v, &m2m).await, TokenReason::TokenTypeMismatch);
    assert_eq!(
        hits.load(Ordering::SeqCst),
        0,
        "no JWKS fetch for a token of another kind"
    );
}

#[tokio::test]
async fn the_key_is_looked_up_before_typ_and_alg() {
    let key = TestKey::new("ins_order");
    let (_server, _hits, v) = jwks_verifier(&[&key]).await;
    // A bad `alg` and `typ` with an unknown `kid`: the key lookup answers first.
    let token = key.sign(
        &json!({"alg": "HS256", "typ": "jwt", "kid": "ins_unknown"}),
        &claims(),
    );
    assert_eq!(reason(&v, &token).await, TokenReason::JwkKidMismatch);
}

#[tokio::test]
async fn typ_is_checked_before_alg_and_alg_before_the_signature() {
    let key = TestKey::new("ins_order");
    let other = TestKey::new("ins_order");
    let v = verifier_at(&key, NOW_MS);
    let bad_both = key.sign(
        &json!({"alg": "ES256", "typ": "jwt", "kid": key.kid}),
        &claims(),
    );
    assert_eq!(reason(&v, &bad_both).await, TokenReason::TokenInvalid);
    let bad_alg_and_signature = other.sign(&json!({"alg": "PS256", "kid": key.kid}), &claims());
    assert_eq!(
        reason(&v, &bad_alg_and_signature).await,
        TokenReason::TokenInvalidAlgorithm
    );
}

#[tokio::test]
async fn the_signature_is_checked_before_any_claim() {
    let key = TestKey::new("ins_order");
    let forger = TestKey::new("ins_order");
    let v = verifier_at(&key, NOW_MS);
    let expired_without_sub =
        forger.session_token(with(claims(), json!({"exp": NOW - 3600, "sub": null})));
    assert_eq!(
        reason(&v, &expired_without_sub).await,
        TokenReason::TokenInvalidSignature
    );
}

#[tokio::test]
async fn the_claims_types_come_before_azp_and_azp_before_the_times() {
    let key = TestKey::new("ins_order");
    let v = TokenVerifier::builder()
        .jwt_key(key.pem())
        .authorized_parties(["https://app.example.com"])
        .clock(|| at(NOW_MS))
        .build()
        .unwrap();
    let bad_sub_and_azp = key.session_token(with(
        claims(),
        json!({"sub": 7, "azp": "https://evil.example"}),
    ));
    assert_eq!(
        reason(&v, &bad_sub_and_azp).await,
        TokenReason::TokenVerificationFailed
    );
    let bad_azp_and_expired = key.session_token(with(
        claims(),
        json!({"azp": "https://evil.example", "exp": NOW - 3600}),
    ));
    assert_eq!(
        reason(&v, &bad_azp_and_expired).await,
        TokenReason::TokenInvalidAuthorizedParties
    );
}

// ---- the claims' types ----------------------------------------------------------------------

#[tokio::test]
async fn sub_missing_or_not_a_string_fails_verification() {
    let key = TestKey::new("ins_claims");
    let v = verifier_at(&key, NOW_MS);
    for sub in [
        Value::Null,
        json!(42),
        json!(["user_1"]),
        json!({"id": "user_1"}),
    ] {
        let token = key.session_token(with(claims(), json!({"sub": sub.clone()})));
        assert_eq!(
            reason(&v, &token).await,
            TokenReason::TokenVerificationFailed,
            "{sub}"
        );
    }
    // `null` in `with` removes the claim; an explicit JSON null is refused too.
    let mut explicit = claims();
    explicit["sub"] = Value::Null;
    assert_eq!(
        reason(&v, &key.session_token(explicit)).await,
        TokenReason::TokenVerificationFailed
    );
}

#[tokio::test]
async fn exp_missing_null_or_not_a_number_fails_verification() {
    let key = TestKey::new("ins_claims");
    let v = verifier_at(&key, NOW_MS);
    let mut explicit_null = claims();
    explicit_null["exp"] = Value::Null;
    let tokens = [
        key.session_token(with(claims(), json!({"exp": null}))),
        key.session_token(explicit_null),
        key.session_token(with(claims(), json!({"exp": "1767225660"}))),
        key.session_token(with(claims(), json!({"exp": true}))),
    ];
    for token in tokens {
        assert_eq!(
            reason(&v, &token).await,
            TokenReason::TokenVerificationFailed
        );
    }
}

#[tokio::test]
async fn nbf_or_iat_present_and_not_numbers_fail_verification() {
    let key = TestKey::new("ins_claims");
    let v = verifier_at(&key, NOW_MS);
    for change in [
        json!({"nbf": "soon"}),
        json!({"iat": "then"}),
        json!({"iat": [1]}),
    ] {
        let token = key.session_token(with(claims(), change.clone()));
        assert_eq!(
            reason(&v, &token).await,
            TokenReason::TokenVerificationFailed,
            "{change}"
        );
    }
    // Absent, they are not checked.
    let token = key.session_token(with(claims(), json!({"nbf": null, "iat": null})));
    v.verify_session_token(&token).await.unwrap();
}

// ---- time edges, against the pinned clock ---------------------------------------------------

#[tokio::test]
async fn exp_exactly_at_now_minus_skew_fails_and_a_millisecond_earlier_passes() {
    let key = TestKey::new("ins_time");
    let skew_ms = 5_000;
    let exp = (NOW_MS - skew_ms) / 1000;
    let token = key.session_token(with(
        claims(),
        json!({"exp": exp, "nbf": null, "iat": null}),
    ));
    assert_eq!(
        reason(&verifier_at(&key, NOW_MS), &token).await,
        TokenReason::TokenExpired
    );
    verifier_at(&key, NOW_MS - 1)
        .verify_session_token(&token)
        .await
        .unwrap();
}

/// A token whose `claim` (`nbf` or `iat`; the other left out) is exactly now + the 5 s skew
/// passes, and fails with `reason` a millisecond earlier.
async fn future_claim_edge(claim: &str, reason_past_it: TokenReason) {
    let key = TestKey::new("ins_time");
    let other = if claim == "nbf" { "iat" } else { "nbf" };
    let token = key.session_token(with(
        claims(),
        json!({claim: (NOW_MS + 5_000) / 1000, other: null, "exp": NOW + 600}),
    ));
    verifier_at(&key, NOW_MS)
        .verify_session_token(&token)
        .await
        .unwrap();
    assert_eq!(
        reason(&verifier_at(&key, NOW_MS - 1), &token).await,
        reason_past_it
    );
}

#[tokio::test]
async fn nbf_exactly_at_now_plus_skew_passes_and_past_it_fails() {
    future_claim_edge("nbf", TokenReason::TokenNotActiveYet).await;
}

#[tokio::test]
async fn iat_exactly_at_now_plus_skew_passes_and_past_it_fails() {
    future_claim_edge("iat", TokenReason::TokenIatInTheFuture).await;
}

#[tokio::test]
async fn the_skew_is_configurable_to_the_millisecond() {
    let key = TestKey::new("ins_time");
    let token = key.session_token(with(
        claims(),
        json!({"exp": NOW, "nbf": null, "iat": null}),
    ));
    let v = |skew: Duration, now_ms: i64| {
        TokenVerifier::builder()
            .jwt_key(key.pem())
            .token_cache_size(0)
            .clock_skew(skew)
            .clock(move || at(now_ms))
            .build()
            .unwrap()
    };
    // exp = NOW; with a 250 ms skew it is expired from NOW + 250 ms on.
    v(Duration::from_millis(250), NOW_MS + 249)
        .verify_session_token(&token)
        .await
        .unwrap();
    assert_eq!(
        reason(&v(Duration::from_millis(250), NOW_MS + 250), &token).await,
        TokenReason::TokenExpired
    );
}

#[tokio::test]
async fn the_verified_token_cache_reads_the_same_clock() {
    let key = TestKey::new("ins_time");
    let now = Arc::new(std::sync::atomic::AtomicI64::new(NOW_MS));
    let clock = now.clone();
    let v = TokenVerifier::builder()
        .jwt_key(key.pem())
        .clock(move || at(clock.load(Ordering::SeqCst)))
        .build()
        .unwrap();
    let token = key.session_token(with(claims(), json!({"exp": NOW + 10})));
    v.verify_session_token(&token).await.unwrap();
    now.store(NOW_MS + 15_000, Ordering::SeqCst);
    assert_eq!(
        reason(&v, &token).await,
        TokenReason::TokenExpired,
        "the cached entry expires too"
    );
}

#[tokio::test]
async fn machine_jwts_read_the_same_clock() {
    let key = TestKey::new("ins_m2m");
    let v = TokenVerifier::builder()
        .jwt_key(key.pem())
        .accepts([TokenKind::M2mToken])
        .clock(|| at(NOW_MS))
        .build()
        .unwrap();
    let m2m = |exp: i64| {
        key.sign(
            &header(&key, json!({"cat": M2M_TOKEN_CATEGORY})),
            &json!({"sub": "mch_2xK9mQ4bT7vRz1LpN3sW8yHcD5e", "exp": exp, "iat": NOW - 10, "jti": "mt_1"}),
        )
    };
    let ok = v.authenticate_token(&m2m(NOW + 60)).await;
    assert!(matches!(ok, AuthState::Machine(_)), "{ok:?}");
    let late = v.authenticate_token(&m2m(NOW - 60)).await;
    assert_eq!(late.error().unwrap().reason(), TokenReason::TokenExpired);
}

// ---- the cookie decision table --------------------------------------------------------------

fn request(cookie: Option<&str>, authorization: Option<&str>) -> http::request::Parts {
    let mut req = http::Request::builder().uri("/");
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    if let Some(a) = authorization {
        req = req.header("authorization", a);
    }
    req.body(()).unwrap().into_parts().0
}

async fn cookies(v: &TokenVerifier, cookie: &str) -> AuthState {
    v.authenticate_request(&request(Some(cookie), None)).await
}

#[tokio::test]
async fn no_client_uat_and_no_session_is_signed_out() {
    let key = TestKey::new("ins_cookie");
    let v = verifier_at(&key, NOW_MS);
    for jar in [
        "",
        "theme=dark",
        "__client_uat=0",
        "__client_uat=",
        "__client_uat=garbage",
    ] {
        let state = cookies(&v, jar).await;
        assert_eq!(state, AuthState::SignedOut(SignedOut::NoToken), "{jar:?}");
        assert_eq!(state.reason(), Some("session-token-and-uat-missing"));
    }
}

#[tokio::test]
async fn a_session_without_client_uat_needs_a_refresh() {
    let key = TestKey::new("ins_cookie");
    let v = verifier_at(&key, NOW_MS);
    let token = key.session_token(claims());
    for jar in [
        format!("__session={token}"),
        format!("__session={token}; __client_uat=0"),
    ] {
        let state = cookies(&v, &jar).await;
        assert_eq!(
            state.needs_refresh(),
            Some(RefreshReason::SessionTokenWithoutClientUat)
        );
        assert_eq!(state.reason(), Some("session-token-but-no-client-uat"));
        assert!(!state.is_signed_in());
    }
}

#[tokio::test]
async fn a_client_uat_without_session_needs_a_refresh() {
    let key = TestKey::new("ins_cookie");
    let v = verifier_at(&key, NOW_MS);
    let state = cookies(&v, &format!("__client_uat={}", NOW - 10)).await;
    assert_eq!(
        state.needs_refresh(),
        Some(RefreshReason::ClientUatWithoutSessionToken)
    );
    assert_eq!(state.reason(), Some("client-uat-but-no-session-token"));
}

#[tokio::test]
async fn a_token_issued_before_client_uat_needs_a_refresh() {
    let key = TestKey::new("ins_cookie");
    let v = verifier_at(&key, NOW_MS);
    // The user signed out in another tab 5 s ago; this token is 30 s old.
    let token = key.session_token(claims());
    let state = cookies(&v, &format!("__session={token}; __client_uat={}", NOW - 5)).await;
    assert_eq!(
        state.needs_refresh(),
        Some(RefreshReason::SessionTokenIatBeforeClientUat)
    );
    // Issued at the same second as the client's change, or after: signed in.
    let state = cookies(&v, &format!("__session={token}; __client_uat={}", NOW - 30)).await;
    assert!(state.session().is_some(), "{state:?}");
}

#[tokio::test]
async fn an_expired_or_not_yet_valid_session_cookie_needs_a_refresh() {
    let key = TestKey::new("ins_cookie");
    let v = verifier_at(&key, NOW_MS);
    let uat = NOW - 600;
    let cases = [
        (
            json!({"exp": NOW - 60}),
            RefreshReason::SessionTokenExpired,
            "session-token-expired",
        ),
        (
            json!({"nbf": NOW + 60}),
            RefreshReason::SessionTokenNotActiveYet,
            "session-token-nbf",
        ),
        (
            json!({"iat": NOW + 60, "nbf": null}),
            RefreshReason::SessionTokenIatInTheFuture,
            "session-token-iat-in-the-future",
        ),
    ];
    for (change, expected, name) in cases {
        let token = key.session_token(with(claims(), change.clone()));
        let state = cookies(&v, &format!("__session={token}; __client_uat={uat}")).await;
        assert_eq!(state.needs_refresh(), Some(expected), "{change}");
        assert_eq!(state.reason(), Some(name));
    }
}

#[tokio::test]
async fn other_failures_of_a_session_cookie_are_signed_out() {
    let key = TestKey::new("ins_cookie");
    let v = verifier_at(&key, NOW_MS);
    let uat = NOW - 600;
    let forged = TestKey::new("ins_cookie").session_token(claims());
    let state = cookies(&v, &format!("__session={forged}; __client_uat={uat}")).await;
    assert_eq!(
        state.error().unwrap().reason(),
        TokenReason::TokenInvalidSignature
    );
    let state = cookies(&v, &format!("__session=not-a-jwt; __client_uat={uat}")).await;
    assert_eq!(state.error().unwrap().reason(), TokenReason::TokenInvalid);
    let m2m = key.sign(&header(&key, json!({"cat": M2M_TOKEN_CATEGORY})), &claims());
    let state = cookies(&v, &format!("__session={m2m}; __client_uat={uat}")).await;
    assert_eq!(
        state.error().unwrap().reason(),
        TokenReason::TokenTypeMismatch
    );
}

#[tokio::test]
async fn a_token_in_authorization_is_judged_alone() {
    let key = TestKey::new("ins_cookie");
    let v = verifier_at(&key, NOW_MS);
    let token = key.session_token(claims());
    // Cookies that would need a refresh do not matter next to the header.
    let state = v
        .authenticate_request(&request(
            Some(&format!("__client_uat={}", NOW)),
            Some(&format!("Bearer {token}")),
        ))
        .await;
    assert!(state.session().is_some(), "{state:?}");
    // An expired token in the header is signed out, not "needs refresh".
    let expired = key.session_token(with(claims(), json!({"exp": NOW - 60})));
    let state = v
        .authenticate_request(&request(
            Some(&format!("__session={token}; __client_uat={}", NOW - 600)),
            Some(&format!("Bearer {expired}")),
        ))
        .await;
    assert_eq!(state.error().unwrap().reason(), TokenReason::TokenExpired);
}

#[test]
fn the_cookie_suffix_is_derived_from_the_publishable_key() {
    // Vectors computed with Python's hashlib and base64, independently of this crate:
    // urlsafe_b64encode(sha1(pk)).decode()[:8].
    let builder = |pk: &str| {
        TokenVerifier::builder()
            .jwt_key(TestKey::new("k").pem())
            .publishable_key(pk)
    };
    for (pk, suffix) in [
        ("pk_test_Y2xlcmsuZXhhbXBsZS5jb20k", "l2OS3d9k"),
        ("pk_live_Y2xlcmsuYWNtZS5jb20k", "lA0f9hBU"),
    ] {
        let v = builder(pk).build().unwrap();
        assert!(format!("{v:?}").contains(suffix), "{pk} → {suffix}: {v:?}");
    }
}

#[tokio::test]
async fn the_instance_s_suffixed_pair_is_read_when_present() {
    let key = TestKey::new("ins_cookie");
    let v = TokenVerifier::builder()
        .jwt_key(key.pem())
        .publishable_key("pk_test_Y2xlcmsuZXhhbXBsZS5jb20k")
        .clock(|| at(NOW_MS))
        .build()
        .unwrap();
    let mine = key.session_token(claims());
    let foreign = TestKey::new("ins_other").session_token(claims());
    let uat = NOW - 600;
    // Our suffixed pair beside another app's unsuffixed one: ours is read.
    let jar = format!(
        "__session={foreign}; __client_uat={uat}; __session_l2OS3d9k={mine}; __client_uat_l2OS3d9k={uat}"
    );
    assert!(cookies(&v, &jar).await.session().is_some());
    // Another app's suffixed pair beside our unsuffixed one: ours is read.
    let jar = format!(
        "__session_0therApp={foreign}; __client_uat_0therApp={uat}; __session={mine}; __client_uat={uat}"
    );
    assert!(cookies(&v, &jar).await.session().is_some());
    // Our suffixed `__client_uat` alone: the suffixed pair is ours, and its session is missing.
    let jar = format!("__client_uat_l2OS3d9k={uat}; __session={mine}; __client_uat={uat}");
    assert_eq!(
        cookies(&v, &jar).await.needs_refresh(),
        Some(RefreshReason::ClientUatWithoutSessionToken)
    );
}

#[test]
fn ignore_category_is_not_a_machine_token() {
    let token = format!(
        "{}.{}.sig",
        URL_SAFE_NO_PAD.encode(json!({"alg": "RS256", "cat": IGNORE_TOKEN_CATEGORY}).to_string()),
        URL_SAFE_NO_PAD.encode(claims().to_string())
    );
    assert_eq!(
        clerk_backend::auth::classify_token(&token),
        TokenKind::SessionToken
    );
}

/// Request authentication answers a token it verified before from the cache; every answer must
/// be the one a verifier without a cache gives, as time passes and `__client_uat` moves.
#[tokio::test]
async fn cached_tokens_get_the_answers_fresh_ones_get() {
    let key = TestKey::new("ins_cache");
    let now = Arc::new(std::sync::atomic::AtomicI64::new(NOW_MS));
    let build = |cache: usize| {
        let clock = now.clone();
        TokenVerifier::builder()
            .jwt_key(key.pem())
            .token_cache_size(cache)
            .clock(move || at(clock.load(Ordering::SeqCst)))
            .build()
            .unwrap()
    };
    let (cached, fresh) = (build(100), build(0));
    let session = key.session_token(claims());
    let machine_subject = key.sign(
        &header(&key, json!({"cat": IGNORE_TOKEN_CATEGORY})),
        &with(claims(), json!({"sub": "mch_2xK9mQ4bT7vRz1LpN3sW8yHcD5e"})),
    );
    // `verify_session_token` takes a machine subject; authentication classifies it as M2M.
    cached.verify_session_token(&machine_subject).await.unwrap();

    let requests = |token: &str| {
        vec![
            request(None, Some(&format!("Bearer {token}"))),
            request(
                Some(&format!("__session={token}; __client_uat={}", NOW - 30)),
                None,
            ),
            request(
                Some(&format!("__session={token}; __client_uat={}", NOW - 5)),
                None,
            ),
        ]
    };
    let mut seen = Vec::new();
    for moment in [NOW_MS, NOW_MS + 120_000] {
        now.store(moment, Ordering::SeqCst);
        for token in [&session, &machine_subject] {
            for parts in requests(token) {
                // Twice each: the first may fill the cache, the second reads it.
                for _ in 0..2 {
                    let want = fresh.authenticate_request(&parts).await;
                    let got = cached.authenticate_request(&parts).await;
                    assert_eq!(got, want, "at {moment} for {:?}", parts.headers);
                    seen.push(got.reason().unwrap_or("signed-in").to_owned());
                }
            }
        }
    }
    // The walk covered signed in, every refresh reason on the way, expiry and the mismatch.
    for expected in [
        "signed-in",
        "session-token-iat-before-client-uat",
        "session-token-expired",
        "token-expired",
        "token-type-mismatch",
    ] {
        assert!(
            seen.iter().any(|s| s == expected),
            "{expected} not in {seen:?}"
        );
    }
}

/// How the cookie pair is read: the first of a repeated name counts (an empty first one reads
/// as none), cookies may come in several `Cookie` headers, and spaces around names and values
/// do not matter.
#[tokio::test]
async fn the_pair_is_read_from_the_first_of_each_name_across_cookie_headers() {
    let key = TestKey::new("ins_cookie");
    let v = verifier_at(&key, NOW_MS);
    let token = key.session_token(claims());
    let uat = NOW - 600;
    let state = cookies(&v, &format!(" __session = {token} ;__client_uat={uat}")).await;
    assert!(state.session().is_some(), "{state:?}");
    // A later duplicate does not replace the first.
    let state = cookies(
        &v,
        &format!("__session={token}; __client_uat={uat}; __session=not-a-jwt"),
    )
    .await;
    assert!(state.session().is_some(), "{state:?}");
    let state = cookies(
        &v,
        &format!("__session=not-a-jwt; __client_uat={uat}; __session={token}"),
    )
    .await;
    assert_eq!(state.error().unwrap().reason(), TokenReason::TokenInvalid);
    // An empty first `__session` is no session.
    let state = cookies(
        &v,
        &format!("__session=; __client_uat={uat}; __session={token}"),
    )
    .await;
    assert_eq!(
        state.needs_refresh(),
        Some(RefreshReason::ClientUatWithoutSessionToken)
    );
    // A `__client_uat` that is not whole seconds counts as 0.
    for odd in ["1.5", "-3", "abc", ""] {
        let state = cookies(&v, &format!("__session={token}; __client_uat={odd}")).await;
        assert_eq!(
            state.needs_refresh(),
            Some(RefreshReason::SessionTokenWithoutClientUat),
            "{odd:?}"
        );
    }
    // The pair split over two headers.
    let mut parts = request(Some(&format!("__session={token}")), None);
    parts
        .headers
        .append("cookie", format!("__client_uat={uat}").parse().unwrap());
    assert!(v.authenticate_request(&parts).await.session().is_some());
}
