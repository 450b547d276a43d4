//! Session-token verification against its floor: the raw RSA check of the same token with the
//! same library (aws-lc-rs).
//!
//! - `floor`: RSA-PKCS1-SHA256 verification of `header.payload` with an already-parsed key and
//!   an already-decoded signature: the work no verifier can skip.
//! - `distinct tokens`: `verify_session_token` on tokens it has not seen (every claim check,
//!   decoding, key lookup), with the verified-token cache off and on.
//! - `same token`: the same token again, answered from the verified-token cache.
//!
//! And `authenticate_request` on distinct tokens (cache off), the token in `Authorization`
//! against the same token in a browser's cookie header (the `__session` + `__client_uat` pair
//! among other cookies, plain and under the instance's suffix).
//!
//! Run: `cargo bench -p clerk-backend --bench verify`.

use std::hint::black_box;

use aws_lc_rs::encoding::{AsDer, PublicKeyX509Der};
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{KeyPair, RSA_PKCS1_SHA256, RsaKeyPair};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use clerk_backend::auth::{Algorithm, RsaPublicKey, TokenVerifier};
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::json;

const DISTINCT: usize = 4096;

fn pem(pair: &RsaKeyPair) -> String {
    let der: PublicKeyX509Der<'_> = pair.public_key().as_der().unwrap();
    format!(
        "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
        STANDARD.encode(der.as_ref())
    )
}

fn token(pair: &RsaKeyPair, i: usize) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let header = json!({"alg": "RS256", "cat": "cl_B7d4PD111AAA", "kid": "ins_2GIoQhbUpy0hX7B2cVkuTMinXoD", "typ": "JWT"});
    // A realistic v2 session token, with an organization.
    let claims = json!({"azp": "https://app.example.com", "exp": now + 3600, "fva": [3, -1], "iat": now,
        "iss": "https://clerk.example.com", "jti": format!("{i:020}"), "nbf": now - 10,
        "sid": "sess_2GbDB4enNdCa5vS1zpC3Xzg9tK9", "sub": "user_29w83sxmDNGwOuEthce5gg56FcC", "v": 2, "sts": "active",
        "fea": "o:reports,o:billing", "o": {"id": "org_1mebQggrD3xO5JfuHk7clQ94ysA", "slg": "acme", "rol": "admin",
        "per": "read,manage", "fpm": "3,1"}});
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let mut sig = vec![0; pair.public_modulus_len()];
    pair.sign(
        &RSA_PKCS1_SHA256,
        &SystemRandom::new(),
        input.as_bytes(),
        &mut sig,
    )
    .unwrap();
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig))
}

fn verify(c: &mut Criterion) {
    let pair = RsaKeyPair::generate(KeySize::Rsa2048).unwrap();
    let pem = pem(&pair);
    let tokens: Vec<String> = (0..DISTINCT).map(|i| token(&pair, i)).collect();
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();

    let key = RsaPublicKey::from_pem(&pem).unwrap();
    let split: Vec<(String, Vec<u8>)> = tokens
        .iter()
        .map(|t| {
            let cut = t.rfind('.').unwrap();
            (
                t[..cut].to_owned(),
                URL_SAFE_NO_PAD.decode(&t[cut + 1..]).unwrap(),
            )
        })
        .collect();

    let mut group = c.benchmark_group("verify_session_token");
    let mut i = 0;
    group.bench_function("floor: raw RSA check (aws-lc-rs)", |b| {
        b.iter(|| {
            let (input, sig) = &split[i % DISTINCT];
            i += 1;
            assert!(key.verify(
                Algorithm::Rs256,
                black_box(input.as_bytes()),
                black_box(sig)
            ));
        })
    });

    let uncached = TokenVerifier::builder()
        .jwt_key(&pem)
        .token_cache_size(0)
        .build()
        .unwrap();
    let mut i = 0;
    group.bench_function("distinct tokens, cache off", |b| {
        b.to_async(&rt).iter(|| {
            let t = &tokens[i % DISTINCT];
            i += 1;
            let v = &uncached;
            async move { black_box(v.verify_session_token(t).await.unwrap()) }
        })
    });

    // Each iteration a token the cache has not seen: a miss plus an insert. The cache is made
    // afresh for every round of distinct tokens (outside the timing), and holds half a round,
    // so the second half of each round also evicts. (Cycling through the tokens with one cache
    // would hit the entries it happened to keep.)
    group.bench_function("distinct tokens, cache on (misses)", |b| {
        b.iter_custom(|iters| {
            let mut total = std::time::Duration::ZERO;
            let mut left = usize::try_from(iters).unwrap();
            while left > 0 {
                let round = left.min(DISTINCT);
                let cached = TokenVerifier::builder()
                    .jwt_key(&pem)
                    .token_cache_size(DISTINCT / 2)
                    .build()
                    .unwrap();
                let start = std::time::Instant::now();
                rt.block_on(async {
                    for t in &tokens[..round] {
                        black_box(cached.verify_session_token(t).await.unwrap());
                    }
                });
                total += start.elapsed();
                left -= round;
            }
            total
        })
    });

    let same = TokenVerifier::from_pem(&pem).unwrap();
    let one = &tokens[0];
    rt.block_on(same.verify_session_token(one)).unwrap();
    group.bench_function("same token again (cache hit)", |b| {
        b.to_async(&rt)
            .iter(|| async { black_box(same.verify_session_token(one).await.unwrap()) })
    });
    group.finish();

    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let publishable_key = "pk_test_Y2xlcmsuZXhhbXBsZS5jb20k";
    let suffix = clerk_backend::auth::cookie_suffix(publishable_key);
    let requests = |header: &dyn Fn(&str) -> (&'static str, String)| -> Vec<http::request::Parts> {
        tokens
            .iter()
            .map(|t| {
                let (name, value) = header(t);
                http::Request::builder()
                    .uri("/dashboard")
                    .header(name, value)
                    .body(())
                    .unwrap()
                    .into_parts()
                    .0
            })
            .collect()
    };
    let by_header = requests(&|t| ("authorization", format!("Bearer {t}")));
    let by_cookie = requests(&|t| {
        (
            "cookie",
            format!(
                "theme=dark; __client_uat={}; __session={t}; _ga=GA1.1.1234567890.1700000000",
                now - 60
            ),
        )
    });
    let by_suffixed_cookie = requests(&|t| {
        (
            "cookie",
            format!(
                "theme=dark; __client_uat={uat}; __client_uat_{suffix}={uat}; __session={t}; \
                 __session_{suffix}={t}; _ga=GA1.1.1234567890.1700000000",
                uat = now - 60
            ),
        )
    });
    let authenticator = TokenVerifier::builder()
        .jwt_key(&pem)
        .publishable_key(publishable_key)
        .token_cache_size(0)
        .build()
        .unwrap();
    let mut group = c.benchmark_group("authenticate_request");
    for (name, parts) in [
        ("Authorization header", &by_header),
        ("cookie pair", &by_cookie),
        ("suffixed cookie pair", &by_suffixed_cookie),
    ] {
        let mut i = 0;
        group.bench_function(name, |b| {
            b.to_async(&rt).iter(|| {
                let p = &parts[i % DISTINCT];
                i += 1;
                let v = &authenticator;
                async move {
                    let state = v.authenticate_request(p).await;
                    assert!(state.is_signed_in());
                    black_box(state)
                }
            })
        });
    }

    // The same request again: answered from the verified-token cache.
    let cached = TokenVerifier::builder()
        .jwt_key(&pem)
        .publishable_key(publishable_key)
        .build()
        .unwrap();
    for (name, parts) in [
        (
            "Authorization header, same token (cache hit)",
            &by_header[0],
        ),
        ("cookie pair, same token (cache hit)", &by_cookie[0]),
    ] {
        assert!(
            rt.block_on(cached.authenticate_request(parts))
                .is_signed_in()
        );
        group.bench_function(name, |b| {
            b.to_async(&rt)
                .iter(|| async { black_box(cached.authenticate_request(parts).await) })
        });
    }
    group.finish();
}

criterion_group!(benches, verify);
criterion_main!(benches);
