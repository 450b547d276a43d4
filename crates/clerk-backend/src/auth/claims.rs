//! The claims of a verified session token.

use serde::de::{DeserializeOwned, Deserializer};
use serde::{Deserialize, Serialize};

use crate::models::SessionStatus;

/// The organization a session is active in, decoded from the v2 `o` claim (or, for v1 tokens,
/// from `org_id`, `org_slug`, `org_role` and `org_permissions`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrganizationClaims {
    /// The organization id (`org_...`).
    pub id: String,
    /// Its slug.
    pub slug: Option<String>,
    /// The member's role with its `org:` prefix (`org:admin`).
    pub role: Option<String>,
    /// The member's custom permissions (`org:<feature>:<permission>`).
    pub permissions: Vec<String>,
}

/// The impersonating actor (`act`), when an admin signed in as the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActorClaims {
    /// Who is acting (`user_...`).
    pub sub: String,
    /// The actor's issuer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    /// The actor's session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
}

/// The claims of a verified session token.
///
/// Custom claims (from the instance's session-token customisation) are kept and can be read
/// with [`SessionClaims::custom`] or [`SessionClaims::get`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SessionClaims {
    /// The user (`user_...`).
    pub sub: String,
    /// The session (`sess_...`).
    pub sid: Option<String>,
    /// The authorized party: the origin the token was made for.
    pub azp: Option<String>,
    /// The issuer: the instance's Frontend API URL.
    pub iss: Option<String>,
    /// Issued at (Unix seconds).
    pub iat: Option<i64>,
    /// Not before (Unix seconds).
    pub nbf: Option<i64>,
    /// Expires at (Unix seconds).
    pub exp: i64,
    /// The token's id.
    pub jti: Option<String>,
    /// The impersonating actor.
    pub act: Option<ActorClaims>,
    /// Minutes since the first and second factor verifications (`-1`: never).
    pub fva: Option<Vec<i64>>,
    /// The session's status (`active`, `pending`).
    pub sts: Option<SessionStatus>,
    /// The claims' version (2 for current tokens).
    pub v: Option<i64>,
    /// The billing plan (`u:free`, `o:pro`).
    pub pla: Option<String>,
    /// The billing features (`o:dashboard,u:export`).
    pub fea: Option<String>,
    /// The active organization, if any.
    pub org: Option<OrganizationClaims>,
    #[serde(skip)]
    raw: Box<str>,
}

impl SessionClaims {
    /// The user's id.
    pub fn user_id(&self) -> &str {
        &self.sub
    }

    /// The session's id.
    pub fn session_id(&self) -> Option<&str> {
        self.sid.as_deref()
    }

    /// Whether the member holds this organization permission (`org:invoices:read`).
    pub fn has_permission(&self, permission: &str) -> bool {
        self.org
            .as_ref()
            .is_some_and(|o| o.permissions.iter().any(|p| p == permission))
    }

    /// Whether the member has this organization role (`org:admin`, or `admin`).
    pub fn has_role(&self, role: &str) -> bool {
        let wanted = role.strip_prefix("org:").unwrap_or(role);
        self.org
            .as_ref()
            .and_then(|o| o.role.as_deref())
            .is_some_and(|r| r.strip_prefix("org:").unwrap_or(r) == wanted)
    }

    /// Whether the plan or feature claims include this billing feature (`org:dashboard`,
    /// `user:export`, or unscoped `dashboard`).
    pub fn has_feature(&self, feature: &str) -> bool {
        let (scope, name) = match feature.split_once(':') {
            Some((s, n)) => (Some(s), n),
            None => (None, feature),
        };
        scoped(self.fea.as_deref()).any(|(s, n)| {
            n == name
                && match scope {
                    Some("org") => s.contains('o'),
                    Some("user") => s.contains('u'),
                    _ => true,
                }
        })
    }

    /// Every claim, custom ones included, as the caller's own type.
    pub fn custom<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_str(&self.raw)
    }

    /// The payload JSON the claims were decoded from.
    pub(crate) fn raw_json(&self) -> &str {
        &self.raw
    }

    /// One claim by name, custom ones included.
    pub fn get(&self, name: &str) -> Option<serde_json::Value> {
        let all: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&self.raw).ok()?;
        all.get(name).cloned()
    }

    /// Decodes claims from the token's payload JSON, which they keep (for custom claims).
    pub(crate) fn from_json(payload: String) -> Result<SessionClaims, serde_json::Error> {
        let raw: RawClaims = serde_json::from_str(&payload)?;
        let org = match (&raw.v, raw.o) {
            (Some(2), Some(o)) => Some(org_from_v2(o, raw.fea.as_deref())),
            (Some(2), None) => None,
            _ => raw.org_id.map(|id| OrganizationClaims {
                id,
                slug: raw.org_slug,
                role: raw.org_role,
                permissions: raw.org_permissions.unwrap_or_default(),
            }),
        };
        Ok(SessionClaims {
            sub: raw.sub,
            sid: raw.sid,
            azp: raw.azp,
            iss: raw.iss,
            iat: raw.iat,
            nbf: raw.nbf,
            exp: raw.exp.unwrap_or(i64::MIN),
            jti: raw.jti,
            act: raw.act,
            fva: raw.fva,
            sts: raw.sts,
            v: raw.v,
            pla: raw.pla,
            fea: raw.fea,
            org,
            raw: payload.into_boxed_str(),
        })
    }
}

/// The claims as they appear in a token; checked and reshaped into [`SessionClaims`].
#[derive(Deserialize)]
pub(crate) struct RawClaims {
    pub(crate) sub: String,
    #[serde(default)]
    sid: Option<String>,
    #[serde(default)]
    azp: Option<String>,
    #[serde(default)]
    iss: Option<String>,
    #[serde(default, deserialize_with = "numeric_date")]
    iat: Option<i64>,
    #[serde(default, deserialize_with = "numeric_date")]
    nbf: Option<i64>,
    #[serde(default, deserialize_with = "numeric_date")]
    exp: Option<i64>,
    #[serde(default)]
    jti: Option<String>,
    #[serde(default)]
    act: Option<ActorClaims>,
    #[serde(default)]
    fva: Option<Vec<i64>>,
    #[serde(default)]
    sts: Option<SessionStatus>,
    #[serde(default)]
    v: Option<i64>,
    #[serde(default)]
    pla: Option<String>,
    #[serde(default)]
    fea: Option<String>,
    #[serde(default)]
    o: Option<OrgV2>,
    #[serde(default)]
    org_id: Option<String>,
    #[serde(default)]
    org_slug: Option<String>,
    #[serde(default)]
    org_role: Option<String>,
    #[serde(default)]
    org_permissions: Option<Vec<String>>,
}

/// The v2 `o` claim.
#[derive(Deserialize)]
struct OrgV2 {
    id: String,
    #[serde(default)]
    slg: Option<String>,
    #[serde(default)]
    rol: Option<String>,
    #[serde(default)]
    per: Option<String>,
    #[serde(default)]
    fpm: Option<String>,
}

/// A JWT NumericDate: seconds, possibly with a fraction (truncated).
fn numeric_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    let n: Option<serde_json::Number> = Option::deserialize(d)?;
    Ok(n.and_then(|n| {
        n.as_i64()
            .or_else(|| n.as_f64().filter(|f| f.is_finite()).map(|f| f as i64))
    }))
}

/// `fea` entries as (scope, feature): `o:dashboard` → (`o`, `dashboard`). An entry without a
/// `:` keeps its place, as Clerk's parser counts it, with an empty feature name.
fn scoped(fea: Option<&str>) -> impl Iterator<Item = (&str, &str)> {
    fea.into_iter().flat_map(|f| f.split(',')).map(|entry| {
        let entry = entry.trim();
        entry.split_once(':').unwrap_or((entry, ""))
    })
}

fn org_from_v2(o: OrgV2, fea: Option<&str>) -> OrganizationClaims {
    let mut permissions = Vec::new();
    if let (Some(per), Some(fpm)) = (&o.per, &o.fpm)
        && !per.is_empty()
        && !fpm.is_empty()
    {
        // Organization-scoped features, in order: the n-th has the n-th bitmask of `fpm`.
        let features = scoped(fea)
            .filter(|(scope, _)| scope.contains('o'))
            .map(|(_, name)| name);
        for (feature, mask) in features.zip(fpm.split(',')) {
            if feature.is_empty() {
                continue;
            }
            let mask = Mask::parse(mask.trim());
            for (i, perm) in per.split(',').map(str::trim).enumerate() {
                if mask.bit(i) {
                    permissions.push(prefixed(&["org:", feature, ":", perm]));
                }
            }
        }
    }
    OrganizationClaims {
        id: o.id,
        slug: o.slg,
        role: o.rol.map(|r| prefixed(&["org:", &r])),
        permissions,
    }
}

/// A permission bitmask from its decimal string: bit 0 is the first permission. Masks of up to
/// 128 permissions take no allocation; longer ones any length, with no integer overflow.
enum Mask {
    Small(u128),
    Large(Vec<u32>),
}

impl Mask {
    fn parse(decimal: &str) -> Mask {
        match decimal.parse::<u128>() {
            Ok(n) if decimal.bytes().all(|b| b.is_ascii_digit()) => Mask::Small(n),
            _ => Mask::Large(decimal_bits(decimal)),
        }
    }

    fn bit(&self, i: usize) -> bool {
        match self {
            Mask::Small(n) => i < 128 && (n >> i) & 1 == 1,
            Mask::Large(limbs) => bit(limbs, i),
        }
    }
}

/// The pieces joined, in one allocation (cheaper than `format!` on the verification path).
fn prefixed(pieces: &[&str]) -> String {
    let mut joined = String::with_capacity(pieces.iter().map(|p| p.len()).sum());
    for piece in pieces {
        joined.push_str(piece);
    }
    joined
}

/// A decimal string of any length as little-endian 32-bit limbs; empty when it is not a
/// decimal number. Bit 0 is the first permission: no integer overflow however many there are.
fn decimal_bits(decimal: &str) -> Vec<u32> {
    if decimal.is_empty() || !decimal.bytes().all(|b| b.is_ascii_digit()) {
        return Vec::new();
    }
    let mut limbs: Vec<u32> = Vec::with_capacity(decimal.len() / 9 + 1);
    for digit in decimal.bytes().map(|b| u64::from(b - b'0')) {
        let mut carry = digit;
        for limb in limbs.iter_mut() {
            let v = u64::from(*limb) * 10 + carry;
            *limb = v as u32;
            carry = v >> 32;
        }
        if carry > 0 {
            limbs.push(carry as u32);
        }
    }
    limbs
}

fn bit(limbs: &[u32], i: usize) -> bool {
    limbs
        .get(i / 32)
        .is_some_and(|limb| (limb >> (i % 32)) & 1 == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_bitmasks_of_any_length() {
        assert_eq!(decimal_bits("0"), Vec::<u32>::new());
        assert_eq!(decimal_bits("5"), vec![5]);
        assert_eq!(decimal_bits("4294967296"), vec![0, 1]);
        // 2^100 + 1
        let big = decimal_bits("1267650600228229401496703205377");
        assert!(bit(&big, 0) && bit(&big, 100));
        assert_eq!((1..100).filter(|&i| bit(&big, i)).count(), 0);
        assert!(
            decimal_bits("12a").is_empty()
                && decimal_bits("-1").is_empty()
                && decimal_bits("").is_empty()
        );
    }

    #[test]
    fn masks_agree_with_the_limbs_either_side_of_128_bits() {
        // 2^100 + 1 fits in a u128; 2^130 + 2 does not.
        for (decimal, small) in [
            ("1267650600228229401496703205377", true),
            ("1361129467683753853853498429727072845826", false),
            ("5", true),
        ] {
            let mask = Mask::parse(decimal);
            assert_eq!(matches!(mask, Mask::Small(_)), small, "{decimal}");
            let limbs = decimal_bits(decimal);
            for i in 0..200 {
                assert_eq!(mask.bit(i), bit(&limbs, i), "{decimal} bit {i}");
            }
        }
        for not_a_mask in ["+5", "-1", "", "1a"] {
            assert!(
                (0..200).all(|i| !Mask::parse(not_a_mask).bit(i)),
                "{not_a_mask:?}"
            );
        }
    }

    #[test]
    fn v2_organization_permissions_follow_the_feature_masks() {
        let claims = SessionClaims::from_json(
            r#"{"sub":"user_1","exp":1,"v":2,"fea":"o:reports,u:export,o:billing,o:,o:audit",
            "o":{"id":"org_1","rol":"admin","per":"read,manage","fpm":"3,1,2,1"}}"#
                .to_owned(),
        )
        .unwrap();
        let org = claims.org.unwrap();
        assert_eq!(org.role.as_deref(), Some("org:admin"));
        // reports=3 (read, manage), billing=1 (read), the empty feature keeps its mask (2),
        // audit=1 (read).
        assert_eq!(
            org.permissions,
            [
                "org:reports:read",
                "org:reports:manage",
                "org:billing:read",
                "org:audit:read"
            ]
        );
    }
}
