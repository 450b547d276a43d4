//! A test instance's RSA key: signs tokens as Clerk would, and gives its PEM and JWK.
#![allow(dead_code)]

use aws_lc_rs::encoding::{AsDer, PublicKeyX509Der};
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{KeyPair, RSA_PKCS1_SHA256, RSA_PKCS1_SHA512, RsaKeyPair};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Value, json};

/// A test instance: an RSA key pair and its `kid`.
pub struct TestKey {
    pub pair: RsaKeyPair,
    pub kid: String,
}

impl TestKey {
    pub fn new(kid: &str) -> TestKey {
        TestKey {
            pair: RsaKeyPair::generate(KeySize::Rsa2048).unwrap(),
            kid: kid.to_owned(),
        }
    }

    pub fn pem(&self) -> String {
        let der: PublicKeyX509Der<'_> = self.pair.public_key().as_der().unwrap();
        let b64 = STANDARD.encode(der.as_ref());
        let lines: Vec<&str> = b64
            .as_bytes()
            .chunks(64)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect();
        format!(
            "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
            lines.join("\n")
        )
    }

    pub fn jwk(&self) -> Value {
        let public = self.pair.public_key();
        json!({"use": "sig", "kty": "RSA", "kid": self.kid, "alg": "RS256",
            "n": URL_SAFE_NO_PAD.encode(public.modulus().big_endian_without_leading_zero()),
            "e": URL_SAFE_NO_PAD.encode(public.exponent().big_endian_without_leading_zero())})
    }

    /// Signs with RS256 (or RS512 when the header says so).
    pub fn sign(&self, header: &Value, claims: &Value) -> String {
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let alg = if header["alg"] == "RS512" {
            &RSA_PKCS1_SHA512
        } else {
            &RSA_PKCS1_SHA256
        };
        let mut sig = vec![0; self.pair.public_modulus_len()];
        self.pair
            .sign(alg, &SystemRandom::new(), input.as_bytes(), &mut sig)
            .unwrap();
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig))
    }

    pub fn header(&self) -> Value {
        json!({"alg": "RS256", "kid": self.kid, "typ": "JWT", "cat": "cl_B7d4PD111AAA"})
    }

    pub fn session_token(&self, claims: Value) -> String {
        self.sign(&self.header(), &claims)
    }
}

/// A client of a stub server at `url`, without retries (each test counts its requests).
pub fn stub_client(url: &str) -> clerk_backend::Clerk {
    clerk_backend::Clerk::builder()
        .secret_key("sk_test_stub")
        .api_url(url)
        .retry_policy(clerk_backend::RetryPolicy::none())
        .build()
        .unwrap()
}

/// `base` with `changes` applied: each member set, or removed when `null`.
pub fn with(mut base: Value, changes: Value) -> Value {
    for (k, v) in changes.as_object().unwrap() {
        if v.is_null() {
            base.as_object_mut().unwrap().remove(k);
        } else {
            base[k] = v.clone();
        }
    }
    base
}
