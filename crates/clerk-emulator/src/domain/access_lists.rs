//! The rules of the access lists group, below HTTP: what its handlers in
//! `routes::access_lists` call.

use crate::domain::validate::{valid_email, valid_phone, valid_web3};
use crate::error::{ApiError, ApiResult};
use crate::server::json;
use crate::store::{Db, Ident};
use crate::wire::{DeletedObject, IdentifierType, User};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

pub(crate) fn valid_domain(s: &str) -> bool {
    let labels: Vec<&str> = s.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|l| {
            (1..=63).contains(&l.len())
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

/// An entry's kind and its stored (normalized) form, or why it is not an identifier.
pub(crate) fn classify(identifier: &str) -> ApiResult<(IdentifierType, String)> {
    let trimmed = identifier.trim();
    let lower = trimmed.to_lowercase();
    let domain_pattern = lower
        .strip_prefix("*@")
        .map(|d| d.strip_prefix("*.").unwrap_or(d));
    let kind = if let Some(domain) = domain_pattern {
        valid_domain(domain).then_some(IdentifierType::EmailAddress)
    } else if valid_email(&lower) || valid_domain(&lower) {
        Some(IdentifierType::EmailAddress)
    } else if valid_phone(trimmed) {
        return Ok((IdentifierType::PhoneNumber, trimmed.to_owned()));
    } else if valid_web3(&lower) {
        Some(IdentifierType::Web3Wallet)
    } else {
        None
    };
    kind.map(|k| (k, lower)).ok_or_else(|| {
        // ERR forms.go/FormInvalidIdentifier.
        ApiError::format_invalid(
            "identifier",
            "identifier must be either a valid email address, a valid phone number according to E.164 international standard or a valid web3 wallet.",
        )
    })
}

/// Whether a list entry covers an identifier. `subaddresses`: an exact email entry also
/// covers `local+tag@domain` (block-list only).
pub(crate) fn covers(entry: &str, kind: Ident, value: &str, subaddresses: bool) -> bool {
    match kind {
        Ident::Phone => entry == value,
        Ident::Web3 => entry == value.to_lowercase(),
        Ident::Email => {
            let value = value.to_lowercase();
            let Some((local, domain)) = value.rsplit_once('@') else {
                return false;
            };
            if let Some(pattern) = entry.strip_prefix("*@") {
                return match pattern.strip_prefix("*.") {
                    Some(parent) => domain
                        .strip_suffix(parent)
                        .is_some_and(|sub| sub.ends_with('.') && sub.len() > 1),
                    None => domain == pattern,
                };
            }
            if !entry.contains('@') {
                return domain == entry;
            }
            if entry == value {
                return true;
            }
            subaddresses && {
                let base = local.split(['+', '#', '=']).next().unwrap_or(local);
                format!("{base}@{domain}") == entry
            }
        }
        Ident::Username | Ident::ExternalId => false,
    }
}

/// Refuses identifiers the restrictions do not allow: off the allow-list (when it applies: see
/// `instance::allowlist_on`), on the block-list (when it applies, and unless also allowed),
/// or an email address with a subaddress or at a disposable provider when the instance blocks
/// those.
pub(crate) fn check_identifiers(db: &Db, identifiers: &[(Ident, &str)]) -> ApiResult<()> {
    let lists = &db.access_lists;
    let settings = super::instance::settings(db);
    let allowlist_on = super::instance::allowlist_on(db, &settings);
    let blocklist_on = super::instance::blocklist_on(&settings);
    let mut refused = Vec::new();
    for &(kind, value) in identifiers {
        if !matches!(kind, Ident::Email | Ident::Phone | Ident::Web3) {
            continue;
        }
        if kind == Ident::Email && super::instance::email_refused(&settings, value) {
            refused.push(value.to_owned());
            continue;
        }
        let allowed = lists.allowlist.values().any(|e| {
            e.identifier
                .as_deref()
                .is_some_and(|i| covers(i, kind, value, false))
        });
        let blocked = lists.blocklist.values().any(|e| {
            e.identifier
                .as_deref()
                .is_some_and(|i| covers(i, kind, value, true))
        });
        if !allowed && ((blocklist_on && blocked) || allowlist_on) {
            refused.push(value.to_owned());
        }
    }
    if refused.is_empty() {
        Ok(())
    } else {
        Err(ApiError::not_allowed_access(&refused))
    }
}

/// Refuses a new user whose identifiers the lists do not allow.
pub(crate) fn check_user(db: &Db, user: &User) -> ApiResult<()> {
    let mut identifiers: Vec<(Ident, &str)> = Vec::new();
    identifiers.extend(
        user.email_addresses
            .iter()
            .map(|e| (Ident::Email, e.email_address.as_str())),
    );
    identifiers.extend(
        user.phone_numbers
            .iter()
            .map(|p| (Ident::Phone, p.phone_number.as_str())),
    );
    identifiers.extend(
        user.web3_wallets
            .iter()
            .map(|w| (Ident::Web3, w.web3_wallet.as_str())),
    );
    check_identifiers(db, &identifiers)
}

pub(crate) fn duplicate(list: &str, identifier: &str) -> ApiError {
    // ERR allowlist_identifiers.go/DuplicateAllowlistIdentifier, blocklist_identifiers.go.
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "duplicate_record",
        &format!("duplicate {list} identifier"),
        format!("the identifier {identifier} already exists"),
    )
}

pub(crate) fn identifier_not_found(id: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "resource_not_found",
        "Identifier not found",
        format!("No identifier was found with id {id}"),
    )
}

pub(crate) fn deleted(object: &str, id: String) -> Response {
    json(&DeletedObject {
        object: object.into(),
        id: Some(id),
        slug: None,
        deleted: true,
        external_id: None,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ListParams {
    pub(crate) paginated: Option<bool>,
    pub(crate) limit: Option<i64>,
    pub(crate) offset: Option<i64>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct AllowBody {
    pub(crate) identifier: String,
    #[serde(default)]
    pub(crate) notify: bool,
}

#[derive(Debug, Deserialize)]
pub(crate) struct BlockBody {
    pub(crate) identifier: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_classified_and_normalized() {
        let kind = |s: &str| classify(s).map(|(k, v)| (k.as_str().to_owned(), v));
        assert_eq!(
            kind(" Ada@Example.com ").unwrap(),
            ("email_address".into(), "ada@example.com".into())
        );
        assert_eq!(kind("*@Example.com").unwrap().1, "*@example.com");
        assert_eq!(kind("*@*.example.com").unwrap().1, "*@*.example.com");
        assert_eq!(kind("example.com").unwrap().0, "email_address");
        assert_eq!(kind("+15555550100").unwrap().0, "phone_number");
        assert_eq!(
            kind("0x52908400098527886E0F7030069857D2E4169EE7").unwrap(),
            (
                "web3_wallet".into(),
                "0x52908400098527886e0f7030069857d2e4169ee7".into()
            )
        );
        for bad in ["", "hello", "*@", "*@nodot", "+1"] {
            assert!(classify(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn entries_cover_addresses_domains_subdomains_and_subaddresses() {
        let e = |entry: &str, value: &str, sub: bool| covers(entry, Ident::Email, value, sub);
        assert!(e("ada@example.com", "ADA@example.com", false));
        assert!(!e("ada@example.com", "ada+x@example.com", false));
        assert!(e("ada@example.com", "ada+x@example.com", true));
        assert!(e("ada@example.com", "ada#x@example.com", true));
        assert!(e("example.com", "bob@example.com", false));
        assert!(!e("example.com", "bob@sub.example.com", false));
        assert!(e("*@example.com", "bob@example.com", false));
        assert!(e("*@*.example.com", "bob@a.b.example.com", false));
        assert!(!e("*@*.example.com", "bob@example.com", false));
        assert!(!e("*@*.example.com", "bob@badexample.com", false));
        assert!(covers("+15555550100", Ident::Phone, "+15555550100", true));
        assert!(!covers("+15555550100", Ident::Phone, "+15555550101", true));
    }
}
