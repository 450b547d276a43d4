//! The rules of the jwt templates group, below HTTP: what its handlers in
//! `routes::jwt_templates` call.

use crate::error::{ApiError, ApiResult};
use crate::store::Db;
use crate::wire::{Patch, Session, User};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Map, Value, json};

/// Default and bounds of `lifetime` (seconds) and `allowed_clock_skew` (seconds).
pub(crate) const DEFAULT_LIFETIME: i64 = 60;

pub(crate) const LIFETIME_RANGE: std::ops::RangeInclusive<i64> = 30..=315_360_000;

pub(crate) const DEFAULT_CLOCK_SKEW: i64 = 5;

pub(crate) const CLOCK_SKEW_RANGE: std::ops::RangeInclusive<i64> = 0..=300;

/// The algorithm template tokens are signed with: the instance's RSA key.
pub(crate) const SIGNING_ALGORITHM: &str = "RS256";

/// Claims a template may not set: the default claims every template token carries (`azp, exp,
/// iat, iss, jti, nbf, sub`), and the session-bound ones Clerk's docs say "cannot be included
/// in custom JWTs" (`sid, v, pla, fea`; `sts` and `fva` are session-bound in the same way). The
/// error (400 `jwt_template_reserved_claim`) is ERR jwt_templates.go/JWTTemplateReservedClaim;
/// the exact list Clerk enforces beyond `azp` is not published (**unverified**).
pub(crate) const RESERVED_CLAIMS: &[&str] = &[
    "azp", "exp", "fea", "fva", "iat", "iss", "jti", "nbf", "pla", "sid", "sts", "sub", "v",
];

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ListParams {
    pub(crate) paginated: Option<bool>,
    pub(crate) limit: Option<i64>,
    pub(crate) offset: Option<i64>,
}

/// The body of `POST /v1/jwt_templates` and `PATCH /v1/jwt_templates/{id}` (the spec requires
/// `name` and `claims` in both). `lifetime` and `allowed_clock_skew` are nullable: `null` means
/// the default; left out on an update, they keep their value.
#[derive(Debug, Deserialize)]
pub(crate) struct TemplateBody {
    pub(crate) name: String,
    pub(crate) claims: Map<String, Value>,
    #[serde(default)]
    pub(crate) lifetime: Patch<i64>,
    #[serde(default)]
    pub(crate) allowed_clock_skew: Patch<i64>,
    #[serde(default)]
    pub(crate) custom_signing_key: Option<bool>,
    #[serde(default)]
    pub(crate) signing_algorithm: Option<String>,
    #[serde(default)]
    pub(crate) signing_key: Option<String>,
}

/// Checks a body; returns the trimmed name.
pub(crate) fn validate(body: &TemplateBody) -> ApiResult<String> {
    let name = body.name.trim().to_owned();
    if name.is_empty() {
        return Err(ApiError::param_missing("name"));
    }
    if let Some(claim) = body
        .claims
        .keys()
        .find(|k| RESERVED_CLAIMS.contains(&k.as_str()))
    {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "jwt_template_reserved_claim",
            "reserved claim used",
            format!("You can't use the reserved claim: '{claim}'"),
        )
        .param("claims"));
    }
    if let Patch::Value(l) = body.lifetime
        && !LIFETIME_RANGE.contains(&l)
    {
        return Err(ApiError::value_invalid(
            "lifetime",
            "lifetime must be between 30 and 315360000.",
        ));
    }
    if let Patch::Value(s) = body.allowed_clock_skew
        && !CLOCK_SKEW_RANGE.contains(&s)
    {
        return Err(ApiError::value_invalid(
            "allowed_clock_skew",
            "allowed_clock_skew must be between 0 and 300.",
        ));
    }
    if body.custom_signing_key == Some(true) {
        if body.signing_algorithm.is_none() {
            return Err(ApiError::conditional_param_missing(
                "signing_algorithm",
                "custom_signing_key",
            ));
        }
        if body.signing_key.is_none() {
            return Err(ApiError::conditional_param_missing(
                "signing_key",
                "custom_signing_key",
            ));
        }
        // The emulator signs every token with the instance's own RSA key (served at
        // `/v1/jwks`); a token signed with another key would not verify there.
        return Err(ApiError::value_invalid(
            "custom_signing_key",
            "The Clerk emulator signs template tokens with the instance's RS256 key only; custom signing keys are not supported.",
        ));
    }
    Ok(name)
}

pub(crate) fn name_taken(db: &Db, name: &str, except: Option<&str>) -> ApiResult<()> {
    // Clerk's code for a duplicate name is not documented; a taken form value is
    // `form_identifier_exists` elsewhere (**unverified** here).
    if db
        .jwt_templates
        .templates
        .values()
        .any(|t| t.name == name && Some(t.id.as_str()) != except)
    {
        return Err(ApiError::identifier_exists("name"));
    }
    Ok(())
}

pub(crate) fn resolve(value: Patch<i64>, current: i64, default: i64) -> i64 {
    match value {
        Patch::Value(v) => v,
        Patch::Null => default,
        Patch::Absent => current,
    }
}

/// What a template token needs of a template.
#[derive(Debug, Clone)]
pub(crate) struct Template {
    pub(crate) claims: Map<String, Value>,
    pub(crate) lifetime: i64,
    pub(crate) allowed_clock_skew: i64,
}

/// The template with this name.
pub(crate) fn by_name(db: &Db, name: &str) -> Option<Template> {
    db.jwt_templates
        .templates
        .values()
        .find(|t| t.name == name)
        .map(|t| Template {
            claims: t.claims.clone(),
            lifetime: t.lifetime,
            allowed_clock_skew: t.allowed_clock_skew,
        })
}

/// The template's claims with their shortcodes filled in for this user and session.
pub(crate) fn render_claims(
    _db: &Db,
    template: &Template,
    user: &User,
    session: &Session,
) -> Map<String, Value> {
    let scope = Scope { user, session };
    template
        .claims
        .iter()
        .map(|(k, v)| (k.clone(), render(v, &scope)))
        .collect()
}

/// What shortcodes read.
pub(crate) struct Scope<'a> {
    pub(crate) user: &'a User,
    pub(crate) session: &'a Session,
}

pub(crate) fn render(value: &Value, scope: &Scope<'_>) -> Value {
    match value {
        Value::String(s) => render_string(s, scope),
        Value::Array(items) => Value::Array(items.iter().map(|v| render(v, scope)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), render(v, scope)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// A piece of a claim string: text, or the expression inside `{{ }}`.
pub(crate) enum Piece<'a> {
    Text(&'a str),
    Code(&'a str),
}

pub(crate) fn pieces(s: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start + 2..].find("}}") else {
            break;
        };
        if start > 0 {
            out.push(Piece::Text(&rest[..start]));
        }
        out.push(Piece::Code(&rest[start + 2..start + 2 + len]));
        rest = &rest[start + 2 + len + 2..];
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest));
    }
    out
}

pub(crate) fn render_string(s: &str, scope: &Scope<'_>) -> Value {
    let parts = pieces(s);
    match parts.as_slice() {
        [] => Value::String(String::new()),
        // A whole-value shortcode keeps its JSON type.
        [Piece::Code(expr)] => evaluate(expr, scope),
        _ if !parts.iter().any(|p| matches!(p, Piece::Code(_))) => Value::String(s.to_owned()),
        _ => {
            let mut out = String::new();
            for p in &parts {
                match p {
                    Piece::Text(t) => out.push_str(t),
                    Piece::Code(expr) => match evaluate(expr, scope) {
                        Value::String(v) => out.push_str(&v),
                        other => out.push_str(&other.to_string()),
                    },
                }
            }
            // The docs' example renders `"{{user.last_name}} {{user.first_name}} "` as
            // `"Doe Maria"`: the interpolated text is trimmed.
            Value::String(out.trim().to_owned())
        }
    }
}

/// Splits on `||` outside single-quoted literals.
pub(crate) fn operands(expr: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    let bytes = expr.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\'' => quoted = !quoted,
            b'|' if !quoted && bytes.get(i + 1) == Some(&b'|') => {
                out.push(expr[start..i].trim());
                i += 2;
                start = i;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out.push(expr[start..].trim());
    out
}

pub(crate) fn evaluate(expr: &str, scope: &Scope<'_>) -> Value {
    let values: Vec<Value> = operands(expr)
        .into_iter()
        .map(|op| operand(op, scope))
        .collect();
    let falsy = |v: &Value| matches!(v, Value::Null | Value::Bool(false));
    match values.iter().position(|v| !falsy(v)) {
        Some(i) => values[i].clone(),
        None => values.last().cloned().unwrap_or(Value::Null),
    }
}

/// A literal (`'text'`, a number, `true`/`false`) or a shortcode path.
pub(crate) fn operand(op: &str, scope: &Scope<'_>) -> Value {
    if let Some(text) = op.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')) {
        return Value::String(text.to_owned());
    }
    match op {
        "true" => return Value::Bool(true),
        "false" => return Value::Bool(false),
        "null" => return Value::Null,
        _ => {}
    }
    if let Ok(n) = op.parse::<i64>() {
        return json!(n);
    }
    if let Ok(f) = op.parse::<f64>()
        && let Some(n) = serde_json::Number::from_f64(f)
    {
        return Value::Number(n);
    }
    shortcode(op, scope)
}

pub(crate) fn opt_str(s: Option<&str>) -> Value {
    s.map_or(Value::Null, |v| Value::String(v.to_owned()))
}

pub(crate) fn shortcode(path: &str, scope: &Scope<'_>) -> Value {
    let u = scope.user;
    let mut parts = path.split('.');
    let (Some(root), Some(field)) = (parts.next(), parts.next()) else {
        return Value::Null;
    };
    let rest: Vec<&str> = parts.collect();
    let metadata = |m: Option<&Map<String, Value>>| {
        let mut at = Value::Object(m.cloned().unwrap_or_default());
        for key in &rest {
            at = match at {
                Value::Object(mut map) => map.remove(*key).unwrap_or(Value::Null),
                Value::Array(mut items) => match key.parse::<usize>() {
                    Ok(i) if i < items.len() => items.swap_remove(i),
                    _ => Value::Null,
                },
                _ => Value::Null,
            };
        }
        at
    };
    match (root, field) {
        ("user", "public_metadata") => return metadata(Some(&u.public_metadata)),
        ("user", "unsafe_metadata") => return metadata(u.unsafe_metadata.as_ref()),
        _ if !rest.is_empty() => return Value::Null,
        _ => {}
    }
    match (root, field) {
        ("user", "id") => Value::String(u.id.clone()),
        ("user", "external_id") => opt_str(u.external_id.as_deref()),
        ("user", "first_name") => opt_str(u.first_name.as_deref()),
        ("user", "last_name") => opt_str(u.last_name.as_deref()),
        ("user", "full_name") => {
            let names: Vec<&str> = [u.first_name.as_deref(), u.last_name.as_deref()]
                .into_iter()
                .flatten()
                .filter(|n| !n.is_empty())
                .collect();
            if names.is_empty() {
                Value::Null
            } else {
                Value::String(names.join(" "))
            }
        }
        ("user", "primary_email_address") => {
            opt_str(u.primary_email_address().map(|e| e.email_address.as_str()))
        }
        ("user", "primary_phone_address") => {
            opt_str(u.primary_phone_number().map(|p| p.phone_number.as_str()))
        }
        ("user", "image_url") => opt_str(u.image_url.as_deref()),
        // Seconds, as the docs' example (`"registration_date": 1227618844`) shows and as JWT
        // dates are; the API's own timestamps are milliseconds (**unverified** for Clerk).
        ("user", "created_at") => json!(u.created_at / 1000),
        ("user", "email_verified") => Value::Bool(
            u.primary_email_address()
                .is_some_and(|e| e.verification.is_verified()),
        ),
        ("user", "phone_number_verified") => Value::Bool(
            u.primary_phone_number()
                .is_some_and(|p| p.verification.is_verified()),
        ),
        ("session", "actor") => scope
            .session
            .actor
            .as_ref()
            .map_or(Value::Null, |a| Value::Object(a.clone())),
        // `user.organizations`, `org.*` and `org_membership.*` would need the organizations
        // module; until it offers them they render as unknown shortcodes do.
        _ => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user() -> User {
        serde_json::from_value(json!({
            "id": "user_1", "object": "user", "external_id": null,
            "primary_email_address_id": "idn_e", "primary_phone_number_id": null,
            "primary_web3_wallet_id": null, "username": null,
            "first_name": "Maria", "last_name": null, "image_url": "https://img/1",
            "has_image": false,
            "public_metadata": {"profile": {"interests": ["reading"]}, "age": 0},
            "unsafe_metadata": {"foo": {"bar": 42}},
            "email_addresses": [{
                "id": "idn_e", "object": "email_address", "email_address": "maria@example.com",
                "reserved": false, "linked_to": [], "created_at": 1, "updated_at": 1,
                "verification": {"object": "verification_admin", "status": "verified",
                                 "strategy": "admin", "attempts": null, "expire_at": null}
            }],
            "password_enabled": false, "two_factor_enabled": false, "totp_enabled": false,
            "backup_code_enabled": false, "mfa_enabled_at": null, "mfa_disabled_at": null,
            "last_sign_in_at": null, "banned": false, "locked": false,
            "lockout_expires_in_seconds": null, "verification_attempts_remaining": 10,
            "updated_at": 1, "created_at": 1_700_000_000_000i64, "delete_self_enabled": true,
            "create_organization_enabled": true, "last_active_at": null,
            "legal_accepted_at": null
        }))
        .unwrap()
    }

    fn session() -> Session {
        serde_json::from_value(json!({
            "object": "session", "id": "sess_1", "user_id": "user_1", "client_id": "client_1",
            "status": "active", "last_active_at": 1, "expire_at": 2, "abandon_at": 3,
            "updated_at": 1, "created_at": 1
        }))
        .unwrap()
    }

    fn rendered(claims: Value) -> Value {
        let (u, s) = (user(), session());
        let scope = Scope {
            user: &u,
            session: &s,
        };
        render(&claims, &scope)
    }

    #[test]
    fn whole_values_keep_their_type_and_interpolations_become_text() {
        assert_eq!(
            rendered(json!({
                "id": "{{user.id}}",
                "likes": "{{ user.public_metadata.profile.interests }}",
                "verified": "{{user.email_verified}}",
                "joined": "{{user.created_at}}",
                "name": "{{user.last_name}} {{user.first_name}}",
                "trimmed": "{{user.first_name}} {{user.last_name}} ",
                "nested": [{"bar": "{{user.unsafe_metadata.foo.bar}}"}, "static"],
                "unknown": "{{user.i_dont_exist}}",
                "broken": "{{user.id",
                "actor": "{{session.actor}}",
            })),
            json!({
                "id": "user_1",
                "likes": ["reading"],
                "verified": true,
                "joined": 1_700_000_000,
                "name": "null Maria",
                "trimmed": "Maria null",
                "nested": [{"bar": 42}, "static"],
                "unknown": null,
                "broken": "{{user.id",
                "actor": null,
            })
        );
    }

    #[test]
    fn conditionals_take_the_first_truthy_operand_or_the_last() {
        assert_eq!(
            rendered(json!({
                "a": "{{user.last_name || 'Awesome User'}}",
                "b": "{{user.phone_number_verified || user.email_verified}}",
                "c": "{{user.public_metadata.missing || user.unsafe_metadata.missing || 30}}",
                "d": "{{user.phone_number_verified || false}}",
                "e": "{{ user.public_metadata.age || 7 }}",
                "f": "{{'a || b' || 'x'}}",
            })),
            json!({"a": "Awesome User", "b": true, "c": 30, "d": false, "e": 0, "f": "a || b"})
        );
    }
}
