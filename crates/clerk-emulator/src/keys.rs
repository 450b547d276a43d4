//! The instance's RSA signing key: RS256 JWTs, the JWKS, and the PEM public key.

use aws_lc_rs::encoding::{AsDer, PublicKeyX509Der};
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{KeyPair, RSA_PKCS1_SHA256, RsaKeyPair};
use data_encoding::{BASE64, BASE64URL_NOPAD};
use serde::Serialize;
use serde_json::{Value, json};

/// The header category of session tokens.
pub(crate) const SESSION_CATEGORY: &str = "cl_B7d4PD111AAA";
/// The header category of JWT-template tokens.
pub(crate) const TEMPLATE_CATEGORY: &str = "cl_B7d4PD222AAA";

/// An RSA key pair that signs the instance's tokens.
pub struct SigningKey {
    pair: RsaKeyPair,
    pkcs8: Vec<u8>,
    kid: String,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl SigningKey {
    /// A fresh 2048-bit key.
    pub fn generate(kid: impl Into<String>) -> Result<SigningKey, String> {
        let pair = RsaKeyPair::generate(KeySize::Rsa2048)
            .map_err(|e| format!("RSA key generation failed: {e}"))?;
        let pkcs8 = pair
            .as_der()
            .map_err(|e| format!("RSA key export failed: {e}"))?
            .as_ref()
            .to_vec();
        Ok(SigningKey {
            pair,
            pkcs8,
            kid: kid.into(),
        })
    }

    /// A key from PKCS#8 DER bytes, for reproducible tokens.
    pub fn from_pkcs8_der(der: &[u8], kid: impl Into<String>) -> Result<SigningKey, String> {
        let pair = RsaKeyPair::from_pkcs8(der)
            .map_err(|e| format!("not an RSA PKCS#8 private key: {e}"))?;
        Ok(SigningKey {
            pair,
            pkcs8: der.to_vec(),
            kid: kid.into(),
        })
    }

    /// A key from a PEM `PRIVATE KEY` (PKCS#8) block.
    pub fn from_pkcs8_pem(pem: &str, kid: impl Into<String>) -> Result<SigningKey, String> {
        let body: String = pem
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .collect::<Vec<_>>()
            .join("");
        let der = BASE64
            .decode(body.trim().as_bytes())
            .map_err(|e| format!("invalid PEM base64: {e}"))?;
        SigningKey::from_pkcs8_der(&der, kid)
    }

    /// The key id (`kid`) put in token headers and the JWKS.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The private key as PKCS#8 DER (for saving state).
    pub(crate) fn pkcs8_der(&self) -> &[u8] {
        &self.pkcs8
    }

    /// The public key as a PEM `PUBLIC KEY` (SPKI), as Clerk's dashboard shows `CLERK_JWT_KEY`.
    pub fn public_key_pem(&self) -> String {
        let der: Result<PublicKeyX509Der<'_>, _> = self.pair.public_key().as_der();
        let b64 = der.map(|d| BASE64.encode(d.as_ref())).unwrap_or_default();
        let mut pem = String::from("-----BEGIN PUBLIC KEY-----\n");
        for chunk in b64.as_bytes().chunks(64) {
            pem.push_str(std::str::from_utf8(chunk).unwrap_or_default());
            pem.push('\n');
        }
        pem.push_str("-----END PUBLIC KEY-----\n");
        pem
    }

    /// The JWKS entry of the public key.
    pub fn jwk(&self) -> Value {
        let public = self.pair.public_key();
        json!({
            "use": "sig",
            "kty": "RSA",
            "kid": self.kid,
            "alg": "RS256",
            "n": BASE64URL_NOPAD.encode(public.modulus().big_endian_without_leading_zero()),
            "e": BASE64URL_NOPAD.encode(public.exponent().big_endian_without_leading_zero()),
        })
    }

    /// Signs `claims` as an RS256 JWT with `typ`, `kid` and the category `cat` in the header.
    pub fn sign_jwt(&self, category: &str, claims: &impl Serialize) -> Result<String, String> {
        let header = json!({"alg": "RS256", "cat": category, "kid": self.kid, "typ": "JWT"});
        self.sign_with_header(&header, claims)
    }

    /// Signs `claims` with RS256 under any header (which should say `"alg": "RS256"` for the
    /// signature to match it).
    pub fn sign_with_header(
        &self,
        header: &impl Serialize,
        claims: &impl Serialize,
    ) -> Result<String, String> {
        let mut token =
            BASE64URL_NOPAD.encode(&serde_json::to_vec(&header).map_err(|e| e.to_string())?);
        token.push('.');
        token.push_str(
            &BASE64URL_NOPAD.encode(&serde_json::to_vec(claims).map_err(|e| e.to_string())?),
        );
        let mut signature = vec![0u8; self.pair.public_modulus_len()];
        self.pair
            .sign(
                &RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                token.as_bytes(),
                &mut signature,
            )
            .map_err(|e| format!("signing failed: {e}"))?;
        token.push('.');
        token.push_str(&BASE64URL_NOPAD.encode(&signature));
        Ok(token)
    }
}

impl SigningKey {
    /// The claims of an RS256 JWT this key signed, or `None` when the token is malformed or
    /// its signature does not match. Nothing else (times, `kid`, `cat`) is checked.
    pub(crate) fn verified_claims(&self, token: &str) -> Option<serde_json::Map<String, Value>> {
        use aws_lc_rs::signature::{RSA_PKCS1_2048_8192_SHA256, UnparsedPublicKey};
        let mut parts = token.split('.');
        let (header, payload, signature) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let header: Value =
            serde_json::from_slice(&BASE64URL_NOPAD.decode(header.as_bytes()).ok()?).ok()?;
        if header.get("alg")?.as_str()? != "RS256" {
            return None;
        }
        let signature = BASE64URL_NOPAD.decode(signature.as_bytes()).ok()?;
        let signed = &token[..header_len(token)?];
        UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, self.pair.public_key().as_ref())
            .verify(signed.as_bytes(), &signature)
            .ok()?;
        serde_json::from_slice(&BASE64URL_NOPAD.decode(payload.as_bytes()).ok()?).ok()
    }
}

/// The length of `header.payload`, the signed part of a JWT.
fn header_len(token: &str) -> Option<usize> {
    token.rfind('.')
}

/// The suffix of an instance's cookies (`__session_<suffix>`): the first 8 characters of the
/// URL-safe base64 of the SHA-1 of its publishable key, the rule of Clerk's shared package
/// (`getCookieSuffix`).
pub(crate) fn cookie_suffix(publishable_key: &str) -> String {
    use sha1::Digest as _;
    let digest = sha1::Sha1::digest(publishable_key.as_bytes());
    data_encoding::BASE64URL
        .encode(&digest)
        .chars()
        .take(8)
        .collect()
}

/// The publishable key for a Frontend API host: `pk_test_` + base64(`host$`) without padding.
pub(crate) fn publishable_key(host: &str) -> String {
    let encoded = BASE64.encode(format!("{host}$").as_bytes());
    format!("pk_test_{}", encoded.trim_end_matches('='))
}

/// The Frontend API host a publishable key names (`pk_test_`/`pk_live_` + base64 of `host$`),
/// if it is one.
pub(crate) fn frontend_api_host(publishable_key: &str) -> Option<String> {
    let encoded = publishable_key
        .strip_prefix("pk_test_")
        .or_else(|| publishable_key.strip_prefix("pk_live_"))?;
    let mut padded = encoded.to_owned();
    while padded.len() % 4 != 0 {
        padded.push('=');
    }
    let decoded = BASE64.decode(padded.as_bytes()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let host = text.strip_suffix('$')?;
    (!host.is_empty() && !host.contains(['$', '/', ' ', '"', '<', '>'])).then(|| host.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_publishable_key_names_its_frontend_api_host() {
        assert_eq!(
            frontend_api_host("pk_test_ZXhhbXBsZS5hY2NvdW50cy5kZXYk").as_deref(),
            Some("example.accounts.dev")
        );
        assert_eq!(
            frontend_api_host(&publishable_key("127.0.0.1:4000")).as_deref(),
            Some("127.0.0.1:4000")
        );
        for bad in [
            "",
            "pk_test_",
            "sk_test_ZXhhbXBsZS5hY2NvdW50cy5kZXYk",
            "pk_test_!!",
            "pk_test_ZXhhbXBsZQ",
        ] {
            assert_eq!(frontend_api_host(bad), None, "{bad}");
        }
    }

    #[test]
    fn publishable_key_matches_clerks_example() {
        // From Clerk's docs: pk_test_ZXhhbXBsZS5hY2NvdW50cy5kZXYk → example.accounts.dev$
        assert_eq!(
            publishable_key("example.accounts.dev"),
            "pk_test_ZXhhbXBsZS5hY2NvdW50cy5kZXYk"
        );
    }

    #[test]
    fn the_cookie_suffix_is_the_sha1_of_the_publishable_key() {
        // Computed with Python: urlsafe_b64encode(sha1(pk)).decode()[:8].
        assert_eq!(
            cookie_suffix("pk_test_Y2xlcmsuZXhhbXBsZS5jb20k"),
            "l2OS3d9k"
        );
    }

    #[test]
    fn a_saved_key_signs_the_same_way_after_reload() {
        let key = SigningKey::generate("ins_test").unwrap();
        let again = SigningKey::from_pkcs8_der(key.pkcs8_der(), "ins_test").unwrap();
        assert_eq!(key.jwk(), again.jwk());
        let t1 = key
            .sign_jwt(SESSION_CATEGORY, &json!({"sub": "user_1"}))
            .unwrap();
        let t2 = again
            .sign_jwt(SESSION_CATEGORY, &json!({"sub": "user_1"}))
            .unwrap();
        assert_eq!(t1, t2, "PKCS#1 v1.5 signatures are deterministic");
        assert!(
            key.public_key_pem()
                .starts_with("-----BEGIN PUBLIC KEY-----\nMIIBIjAN")
        );
    }

    #[test]
    fn verified_claims_accepts_its_own_tokens_only() {
        let key = SigningKey::generate("ins_test").unwrap();
        let other = SigningKey::generate("ins_test").unwrap();
        let token = key
            .sign_jwt(SESSION_CATEGORY, &json!({"sub": "user_1"}))
            .unwrap();
        assert_eq!(key.verified_claims(&token).unwrap()["sub"], "user_1");
        assert!(
            other.verified_claims(&token).is_none(),
            "another key's signature"
        );
        let (signed, signature) = token.rsplit_once('.').unwrap();
        let forged_payload = BASE64URL_NOPAD.encode(br#"{"sub":"user_2"}"#);
        let header = signed.split('.').next().unwrap();
        let forged = format!("{header}.{forged_payload}.{signature}");
        assert!(key.verified_claims(&forged).is_none(), "a changed payload");
        for garbage in ["", "a.b", "a.b.c.d", "not a token"] {
            assert!(key.verified_claims(garbage).is_none(), "{garbage}");
        }
    }
}
