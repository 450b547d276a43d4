//! Session-token verification against its floor: the raw RSA check of the same token with the
//! same library (aws-lc-rs).
//!
//! - `floor`: RSA-PKCS1-SHA256 verification of `header.payload` with an already-parsed key and
//!   an already-decoded signature: the work no verifier can skip.
//! - `distinct tokens`: `verify_session_token` on tokens it has not seen (every claim check,
//!   decoding, key lookup), with the verified-token cache off and on.
//! - `same token`: the same token again, answered from the verified-token cache.
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

    // Each iteration a token the cache has not seen: a miss plus an insert (the cache holds
    // fewer entries than there are tokens, so it also evicts).
    let cached = TokenVerifier::builder()
        .jwt_key(&pem)
        .token_cache_size(DISTINCT / 2)
        .build()
        .unwrap();
    let mut i = 0;
    group.bench_function("distinct tokens, cache on (misses)", |b| {
        b.to_async(&rt).iter(|| {
            let t = &tokens[i % DISTINCT];
            i += 1;
            let v = &cached;
            async move { black_box(v.verify_session_token(t).await) }
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
}

criterion_group!(benches, verify);
criterion_main!(benches);
