//! RSA public keys for token verification, from a PEM (`CLERK_JWT_KEY`) or a JWK.
//!
//! A PEM is parsed as the SubjectPublicKeyInfo DER it encodes, element by element (algorithm
//! identifier checked to be `rsaEncryption`), never by cutting a fixed-size header off: keys of
//! any supported size (2048 to 8192 bits) work, and anything else is refused with a reason.

use aws_lc_rs::signature::{
    ParsedPublicKey, RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_2048_8192_SHA384,
    RSA_PKCS1_2048_8192_SHA512,
};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

/// The signature algorithms accepted on Clerk's tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    Rs256,
    /// RSASSA-PKCS1-v1_5 with SHA-384.
    Rs384,
    /// RSASSA-PKCS1-v1_5 with SHA-512.
    Rs512,
}

impl Algorithm {
    /// The `alg` header value for this algorithm; `None` for every other value (`none`, HS*,
    /// ES*, PS*, ...).
    pub fn from_header(alg: &str) -> Option<Algorithm> {
        match alg {
            "RS256" => Some(Algorithm::Rs256),
            "RS384" => Some(Algorithm::Rs384),
            "RS512" => Some(Algorithm::Rs512),
            _ => None,
        }
    }
}

/// An RSA public key, parsed once for each accepted algorithm.
#[derive(Clone)]
pub struct RsaPublicKey {
    rs256: ParsedPublicKey,
    rs384: ParsedPublicKey,
    rs512: ParsedPublicKey,
    bits: usize,
}

impl std::fmt::Debug for RsaPublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RsaPublicKey")
            .field("bits", &self.bits)
            .finish_non_exhaustive()
    }
}

/// Why a public key was refused: what is wrong with it, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyError(String);

impl KeyError {
    fn new(message: impl Into<String>) -> KeyError {
        KeyError(message.into())
    }
}

impl std::fmt::Display for KeyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for KeyError {}

impl From<String> for KeyError {
    fn from(message: String) -> KeyError {
        KeyError(message)
    }
}

impl RsaPublicKey {
    /// A key from its modulus and exponent (big-endian, as in a JWK after base64url).
    pub fn from_components(n: &[u8], e: &[u8]) -> Result<RsaPublicKey, KeyError> {
        let n = strip_leading_zeros(n);
        let e = strip_leading_zeros(e);
        let bits = bit_len(n);
        if !(2048..=8192).contains(&bits) {
            return Err(KeyError(format!(
                "RSA keys of {bits} bits are not accepted (2048 to 8192 bits are)"
            )));
        }
        if e.is_empty() || e.len() > 8 || e.last().is_some_and(|b| b & 1 == 0) || e == [1] {
            return Err(KeyError::new("the RSA public exponent is not valid"));
        }
        let der = rsa_public_key_der(n, e);
        let parse = |alg| {
            ParsedPublicKey::new(alg, &der)
                .map_err(|e| KeyError(format!("the RSA key is not valid: {e}")))
        };
        Ok(RsaPublicKey {
            rs256: parse(&RSA_PKCS1_2048_8192_SHA256)?,
            rs384: parse(&RSA_PKCS1_2048_8192_SHA384)?,
            rs512: parse(&RSA_PKCS1_2048_8192_SHA512)?,
            bits,
        })
    }

    /// A key from a JWK's base64url `n` and `e`.
    pub fn from_jwk_components(n: &str, e: &str) -> Result<RsaPublicKey, KeyError> {
        let n = URL_SAFE_NO_PAD
            .decode(n.trim_end_matches('='))
            .map_err(|_| KeyError::new("the JWK's `n` is not base64url"))?;
        let e = URL_SAFE_NO_PAD
            .decode(e.trim_end_matches('='))
            .map_err(|_| KeyError::new("the JWK's `e` is not base64url"))?;
        RsaPublicKey::from_components(&n, &e)
    }

    /// A key from a PEM `PUBLIC KEY`, with or without its `-----BEGIN/END-----` lines, line
    /// breaks, spaces, or escaped `\n`s (as environment variables often hold it).
    pub fn from_pem(pem: &str) -> Result<RsaPublicKey, KeyError> {
        let body: String = pem
            .replace("\\n", "\n")
            .lines()
            .map(str::trim)
            .filter(|l| !l.starts_with("-----"))
            .flat_map(|l| l.chars())
            .filter(|c| !c.is_whitespace())
            .collect();
        if body.is_empty() {
            return Err(KeyError::new("the PEM key is empty"));
        }
        let der = STANDARD
            .decode(body.as_bytes())
            .map_err(|_| KeyError::new("the PEM key is not base64"))?;
        let (n, e) = parse_spki_rsa(&der)?;
        RsaPublicKey::from_components(n, e)
    }

    /// The modulus size in bits.
    pub fn bits(&self) -> usize {
        self.bits
    }

    /// Checks an RSA signature of `message` under `alg`.
    pub fn verify(&self, alg: Algorithm, message: &[u8], signature: &[u8]) -> bool {
        let key = match alg {
            Algorithm::Rs256 => &self.rs256,
            Algorithm::Rs384 => &self.rs384,
            Algorithm::Rs512 => &self.rs512,
        };
        key.verify_sig(message, signature).is_ok()
    }
}

fn strip_leading_zeros(b: &[u8]) -> &[u8] {
    let first = b.iter().position(|&x| x != 0).unwrap_or(b.len());
    &b[first..]
}

fn bit_len(n: &[u8]) -> usize {
    match n.first() {
        None => 0,
        Some(&top) => (n.len() - 1) * 8 + (8 - top.leading_zeros() as usize),
    }
}

// ---- a minimal DER reader and writer, for the two structures involved -----------------------

/// Reads one TLV: `(tag, contents, rest)`.
fn der_tlv(input: &[u8]) -> Result<(u8, &[u8], &[u8]), String> {
    let bad = || "the key is not valid DER".to_owned();
    let (&tag, rest) = input.split_first().ok_or_else(bad)?;
    let (&first, rest) = rest.split_first().ok_or_else(bad)?;
    let (len, rest) = if first < 0x80 {
        (first as usize, rest)
    } else {
        let count = (first & 0x7f) as usize;
        if count == 0 || count > 4 || rest.len() < count {
            return Err(bad());
        }
        let len = rest[..count]
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | b as usize);
        (len, &rest[count..])
    };
    if rest.len() < len {
        return Err(bad());
    }
    Ok((tag, &rest[..len], &rest[len..]))
}

const SEQUENCE: u8 = 0x30;
const INTEGER: u8 = 0x02;
const BIT_STRING: u8 = 0x03;
const OID: u8 = 0x06;
/// 1.2.840.113549.1.1.1
const RSA_ENCRYPTION: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01];

/// SubjectPublicKeyInfo → (n, e), checking every layer.
fn parse_spki_rsa(der: &[u8]) -> Result<(&[u8], &[u8]), String> {
    let (tag, spki, trailing) = der_tlv(der)?;
    if tag != SEQUENCE || !trailing.is_empty() {
        return Err("the key is not a SubjectPublicKeyInfo".into());
    }
    let (tag, algorithm, rest) = der_tlv(spki)?;
    if tag != SEQUENCE {
        return Err("the key has no algorithm identifier".into());
    }
    let (tag, oid, _params) = der_tlv(algorithm)?;
    if tag != OID || oid != RSA_ENCRYPTION {
        return Err("the key is not an RSA key".into());
    }
    let (tag, bits, rest) = der_tlv(rest)?;
    if tag != BIT_STRING || !rest.is_empty() || bits.first() != Some(&0) {
        return Err("the key's public key bits are malformed".into());
    }
    let (tag, rsa, rest) = der_tlv(&bits[1..])?;
    if tag != SEQUENCE || !rest.is_empty() {
        return Err("the RSA public key is malformed".into());
    }
    let (tag, n, rest) = der_tlv(rsa)?;
    let (tag2, e, rest) = der_tlv(rest)?;
    if tag != INTEGER || tag2 != INTEGER || !rest.is_empty() {
        return Err("the RSA public key is malformed".into());
    }
    Ok((n, e))
}

fn der_len(len: usize, out: &mut Vec<u8>) {
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes
            .iter()
            .position(|&b| b != 0)
            .unwrap_or(bytes.len() - 1);
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
}

fn der_unsigned(value: &[u8], out: &mut Vec<u8>) {
    let pad = value.first().is_some_and(|b| b & 0x80 != 0);
    out.push(INTEGER);
    der_len(value.len() + usize::from(pad), out);
    if pad {
        out.push(0);
    }
    out.extend_from_slice(value);
}

/// `RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }` (RFC 8017).
fn rsa_public_key_der(n: &[u8], e: &[u8]) -> Vec<u8> {
    let mut body = Vec::with_capacity(n.len() + e.len() + 16);
    der_unsigned(n, &mut body);
    der_unsigned(e, &mut body);
    let mut out = Vec::with_capacity(body.len() + 4);
    out.push(SEQUENCE);
    der_len(body.len(), &mut out);
    out.extend_from_slice(&body);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn der_lengths_round_trip() {
        for len in [0usize, 1, 127, 128, 255, 256, 65535, 70000] {
            let mut out = vec![SEQUENCE];
            der_len(len, &mut out);
            out.extend(std::iter::repeat_n(7u8, len));
            let (tag, contents, rest) = der_tlv(&out).unwrap();
            assert_eq!((tag, contents.len(), rest.len()), (SEQUENCE, len, 0));
        }
    }

    #[test]
    fn malformed_keys_are_refused_not_panicked_on() {
        for bad in [
            "",
            "not base64!",
            "MIIBIjAN",
            "AAAA",
            "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----",
        ] {
            assert!(RsaPublicKey::from_pem(bad).is_err(), "{bad:?}");
        }
        assert!(
            RsaPublicKey::from_components(&[0xff; 128], &[1, 0, 1])
                .unwrap_err()
                .to_string()
                .contains("1024 bits")
        );
        assert!(RsaPublicKey::from_components(&[0xff; 256], &[2]).is_err());
    }
}
