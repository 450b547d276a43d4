//! Session tokens from the emulator, verified with an independent JWT library (jsonwebtoken)
//! against the emulator's JWKS and its PEM public key.

mod common;

use clerk_backend::Method;
use clerk_emulator::{Emulator, SigningKey};
use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header};
use serde_json::{Value, json};

async fn session_token(emulator: &Emulator, body: Value) -> (String, String, String) {
    let clerk = emulator.client();
    let user = clerk
        .users()
        .create()
        .email_address(["tok@example.com"])
        .first_name("Tok")
        .await
        .unwrap();
    let session: Value = clerk
        .request(Method::POST, "/v1/sessions")
        .json(&json!({"user_id": user.id}))
        .send()
        .await
        .unwrap();
    let sid = session["id"].as_str().unwrap().to_owned();
    let token: Value = clerk
        .request(Method::POST, format!("/v1/sessions/{sid}/tokens"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(token["object"], "token");
    (token["jwt"].as_str().unwrap().to_owned(), user.id, sid)
}

fn validation(issuer: &str) -> Validation {
    let mut v = Validation::new(Algorithm::RS256);
    v.set_issuer(&[issuer]);
    v.set_required_spec_claims(&["exp", "sub", "iss", "nbf"]);
    v.validate_nbf = true;
    v.leeway = 5;
    v
}

#[tokio::test]
async fn session_tokens_verify_against_the_jwks() {
    let emulator = common::recording().await;
    let (jwt, user_id, sid) = session_token(&emulator, json!({})).await;

    let header = decode_header(&jwt).unwrap();
    assert_eq!(header.alg, Algorithm::RS256);
    assert_eq!(header.typ.as_deref(), Some("JWT"));
    assert_eq!(header.kid.as_deref(), Some(emulator.instance_id()));

    let jwks: jsonwebtoken::jwk::JwkSet = emulator
        .client()
        .request(Method::GET, "/v1/jwks")
        .send()
        .await
        .unwrap();
    let jwk = jwks
        .find(header.kid.as_deref().unwrap())
        .expect("the token's kid is in the JWKS");
    let key = DecodingKey::from_jwk(jwk).unwrap();
    let claims = decode::<Value>(&jwt, &key, &validation(emulator.issuer()))
        .unwrap()
        .claims;

    assert_eq!(claims["sub"], user_id.as_str());
    assert_eq!(claims["sid"], sid.as_str());
    assert_eq!(claims["v"], 2);
    assert_eq!(claims["sts"], "active");
    assert_eq!(claims["fva"], json!([0, -1]));
    let (iat, exp, nbf) = (
        claims["iat"].as_i64().unwrap(),
        claims["exp"].as_i64().unwrap(),
        claims["nbf"].as_i64().unwrap(),
    );
    assert_eq!(exp - iat, 60, "session tokens live 60 s");
    assert_eq!(iat - nbf, 10);
    assert!(
        claims.get("azp").is_none(),
        "tokens minted by the Backend API carry no azp"
    );
    assert!(claims["jti"].as_str().is_some_and(|j| !j.is_empty()));

    // The header carries the session category; the public JWKS at the FAPI path is the same.
    let raw_header: Value = serde_json::from_slice(
        &data_encoding::BASE64URL_NOPAD
            .decode(jwt.split('.').next().unwrap().as_bytes())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(raw_header["cat"], "cl_B7d4PD111AAA");
    let public = reqwest::get(format!("{}/.well-known/jwks.json", emulator.url()))
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let public: Value = serde_json::from_slice(&public).unwrap();
    assert_eq!(public, serde_json::to_value(&jwks).unwrap());

    // A tampered payload does not verify.
    let mut parts: Vec<&str> = jwt.split('.').collect();
    let forged = data_encoding::BASE64URL_NOPAD.encode(
        json!({"sub": "user_evil", "exp": exp, "iss": emulator.issuer(), "nbf": nbf})
            .to_string()
            .as_bytes(),
    );
    parts[1] = &forged;
    assert!(decode::<Value>(&parts.join("."), &key, &validation(emulator.issuer())).is_err());
    common::validate_traffic(&emulator);
}

#[tokio::test]
async fn the_pem_public_key_verifies_networkless_and_lifetimes_can_be_set() {
    let emulator = common::recording().await;
    let (jwt, _, _) = session_token(&emulator, json!({"expires_in_seconds": 3600})).await;
    let key = DecodingKey::from_rsa_pem(emulator.public_key_pem().as_bytes()).unwrap();
    let claims = decode::<Value>(&jwt, &key, &validation(emulator.issuer()))
        .unwrap()
        .claims;
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        3600
    );

    let clerk = emulator.client();
    let sid = claims["sid"].as_str().unwrap();
    let err = clerk
        .request(Method::POST, format!("/v1/sessions/{sid}/tokens"))
        .json(&json!({"expires_in_seconds": 5}))
        .send::<Value>()
        .await
        .unwrap_err();
    assert!(err.is_unprocessable());
    // A revoked session mints no more tokens.
    let _: Value = clerk
        .request(Method::POST, format!("/v1/sessions/{sid}/revoke"))
        .send()
        .await
        .unwrap();
    let err = clerk
        .request(Method::POST, format!("/v1/sessions/{sid}/tokens"))
        .send::<Value>()
        .await
        .unwrap_err();
    assert!(err.is_not_found());
    common::validate_traffic(&emulator);
}

#[tokio::test]
async fn a_fixed_signing_key_gives_reproducible_tokens_across_emulators() {
    let key = SigningKey::generate("ins_fixed").unwrap();
    let pem = key.public_key_pem();
    // Another emulator, another process run: the same key signs, so the old PEM verifies.
    let claims = {
        let e = Emulator::builder()
            .signing_key(key)
            .instance_id("ins_fixed")
            .start()
            .await
            .unwrap();
        assert_eq!(e.public_key_pem(), pem);
        let (jwt, _, _) = session_token(&e, json!({})).await;
        let claims = decode::<Value>(
            &jwt,
            &DecodingKey::from_rsa_pem(pem.as_bytes()).unwrap(),
            &validation(e.issuer()),
        )
        .unwrap();
        assert_eq!(
            decode_header(&jwt).unwrap().kid.as_deref(),
            Some("ins_fixed")
        );
        claims.claims
    };
    assert!(claims["sub"].as_str().unwrap().starts_with("user_"));
}

#[tokio::test]
async fn the_cookie_endpoint_gives_a_browser_s_session_cookie_pair() {
    let emulator = common::recording().await;
    let (_, user_id, sid) = session_token(&emulator, json!({})).await;
    let clerk = emulator.client();

    let cookies: Value = clerk
        .request(Method::POST, format!("/emulator/sessions/{sid}/cookies"))
        .send()
        .await
        .unwrap();
    assert_eq!(cookies["object"], "session_cookies");
    let jwt = cookies["__session"].as_str().unwrap();
    let claims = decode::<Value>(
        jwt,
        &DecodingKey::from_rsa_pem(emulator.public_key_pem().as_bytes()).unwrap(),
        &validation(emulator.issuer()),
    )
    .unwrap()
    .claims;
    assert_eq!(claims["sid"], sid.as_str());
    assert_eq!(claims["sub"], user_id.as_str());
    assert_eq!(
        decode_header(jwt).unwrap().kid.as_deref(),
        Some(emulator.instance_id())
    );

    // `__client_uat` is the client's last change, in seconds, no later than the token's `iat`.
    let session: Value = clerk
        .request(Method::GET, format!("/v1/sessions/{sid}"))
        .send()
        .await
        .unwrap();
    let client: Value = clerk
        .request(
            Method::GET,
            format!("/v1/clients/{}", session["client_id"].as_str().unwrap()),
        )
        .send()
        .await
        .unwrap();
    let uat: i64 = cookies["__client_uat"].as_str().unwrap().parse().unwrap();
    assert_eq!(uat, client["updated_at"].as_i64().unwrap() / 1000);
    assert!(uat <= claims["iat"].as_i64().unwrap());

    // The suffix follows Clerk's rule, computed independently by the SDK.
    let suffix = cookies["suffix"].as_str().unwrap();
    assert_eq!(
        suffix,
        clerk_backend::auth::cookie_suffix(emulator.publishable_key())
    );
    assert_eq!(
        cookies["cookie"],
        format!("__session={jwt}; __client_uat={uat}")
    );
    assert_eq!(
        cookies["suffixed_cookie"],
        format!("__session_{suffix}={jwt}; __client_uat_{suffix}={uat}")
    );

    // The same through the Rust API.
    let direct = emulator.session_cookies(&sid).unwrap();
    assert_eq!((direct.client_uat, direct.suffix.as_str()), (uat, suffix));
    assert!(direct.cookie_header().starts_with("__session=ey"));
    assert!(
        direct
            .suffixed_cookie_header()
            .starts_with(&format!("__session_{suffix}=ey"))
    );

    // Only for live sessions, and only with the secret key.
    let err = clerk
        .request(Method::POST, "/emulator/sessions/sess_missing/cookies")
        .send::<Value>()
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
    assert!(emulator.session_cookies("sess_missing").is_err());
    let anonymous = reqwest::Client::new()
        .post(format!(
            "{}/emulator/sessions/{sid}/cookies",
            emulator.url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    common::validate_traffic(&emulator);
}

#[tokio::test]
async fn minted_tokens_change_only_what_they_are_told() {
    let emulator = common::recording().await;
    let (_, user_id, sid) = session_token(&emulator, json!({})).await;
    let key = DecodingKey::from_rsa_pem(emulator.public_key_pem().as_bytes()).unwrap();
    let read = |jwt: &str| {
        let mut v = Validation::new(Algorithm::RS256);
        v.required_spec_claims.clear();
        v.validate_exp = false;
        let header: Value =
            serde_json::from_slice(&base64_url(jwt.split('.').next().unwrap())).unwrap();
        (header, decode::<Value>(jwt, &key, &v).unwrap().claims)
    };

    let plain = emulator
        .mint_token(&sid, clerk_emulator::MintToken::new())
        .unwrap();
    let (header, claims) = read(&plain);
    assert_eq!(
        header,
        json!({"alg": "RS256", "cat": "cl_B7d4PD111AAA", "kid": emulator.instance_id(), "typ": "JWT"})
    );
    assert_eq!(claims["sub"], user_id.as_str());
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        60
    );

    let odd = emulator
        .mint_token(
            &sid,
            clerk_emulator::MintToken::new()
                .category("cl_I7d4PD111III")
                .without_claim("exp")
                .claim("sub", json!(42))
                .header("typ", json!("at+jwt")),
        )
        .unwrap();
    let (header, claims) = read(&odd);
    assert_eq!(header["cat"], "cl_I7d4PD111III");
    assert_eq!(header["typ"], "at+jwt");
    assert!(claims.get("exp").is_none());
    assert_eq!(claims["sub"], 42);
    assert_eq!(claims["sid"], sid.as_str());

    let bare = emulator
        .mint_token(&sid, clerk_emulator::MintToken::new().without_category())
        .unwrap();
    assert!(read(&bare).0.get("cat").is_none());
    assert!(
        emulator
            .mint_token("sess_missing", clerk_emulator::MintToken::new())
            .is_err()
    );
}

fn base64_url(part: &str) -> Vec<u8> {
    data_encoding::BASE64URL_NOPAD
        .decode(part.as_bytes())
        .unwrap()
}
