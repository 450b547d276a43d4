//! The allow-list and block-list (`/v1/allowlist_identifiers`, `/v1/blocklist_identifiers`),
//! enforced when a user is created and when an email address or phone number is added.
//!
//! Matching follows Clerk's docs (guides/secure/restricting-access): identifiers compare
//! without case; an email domain entry (`example.com` or `*@example.com`) covers every address
//! at that domain and `*@*.example.com` every address at its subdomains; a blocked address also
//! blocks its subaddresses (`john+x@...`, `#`, `=`); an identifier on both lists is allowed.
//! The allow-list applies once it has an entry (Clerk has a separate switch; the emulator has
//! no instance settings, so a non-empty list is the switch). A refused identifier is 403
//! `not_allowed_access` with `meta.identifiers` (ERR auth.go/IdentifierNotAllowedAccess, marked
//! as a Backend API error; `POST /v1/users` declares a 403 in the spec).

use crate::wire::{AllowlistIdentifier, BlocklistIdentifier, DeletedObject, IdentifierType, User};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{delete, get};
use serde::Deserialize;
use serde_json::json;

use crate::domain::validate::{valid_email, valid_phone, valid_web3};
use crate::error::{ApiError, ApiResult};
use crate::ids::{new_id, now_ms};
use crate::server::{JsonBody, Query, Shared, json};
use crate::store::{Db, Ident};

pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route(
            "/v1/allowlist_identifiers",
            get(list_allowlist).post(create_allowlist),
        )
        .route(
            "/v1/allowlist_identifiers/{identifier_id}",
            delete(delete_allowlist),
        )
        .route(
            "/v1/blocklist_identifiers",
            get(list_blocklist).post(create_blocklist),
        )
        .route(
            "/v1/blocklist_identifiers/{identifier_id}",
            delete(delete_blocklist),
        )
}

// ---- matching --------------------------------------------------------------------------------

fn valid_domain(s: &str) -> bool {
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
fn classify(identifier: &str) -> ApiResult<(IdentifierType, String)> {
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
fn covers(entry: &str, kind: Ident, value: &str, subaddresses: bool) -> bool {
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

/// Refuses identifiers the lists do not allow: off the allow-list (when it has entries) or on
/// the block-list (unless also allowed).
pub(crate) fn check_identifiers(db: &Db, identifiers: &[(Ident, &str)]) -> ApiResult<()> {
    let lists = &db.access_lists;
    let mut refused = Vec::new();
    for &(kind, value) in identifiers {
        if !matches!(kind, Ident::Email | Ident::Phone | Ident::Web3) {
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
        if !allowed && (blocked || !lists.allowlist.is_empty()) {
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

// ---- the operations --------------------------------------------------------------------------

fn duplicate(list: &str, identifier: &str) -> ApiError {
    // ERR allowlist_identifiers.go/DuplicateAllowlistIdentifier, blocklist_identifiers.go.
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "duplicate_record",
        &format!("duplicate {list} identifier"),
        format!("the identifier {identifier} already exists"),
    )
}

fn identifier_not_found(id: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "resource_not_found",
        "Identifier not found",
        format!("No identifier was found with id {id}"),
    )
}

fn deleted(object: &str, id: String) -> Response {
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
struct ListParams {
    paginated: Option<bool>,
    limit: Option<i64>,
    offset: Option<i64>,
}

/// `GET /v1/allowlist_identifiers`: newest first; a bare array unless `paginated=true`.
async fn list_allowlist(
    State(state): State<Shared>,
    Query(params): Query<ListParams>,
) -> ApiResult<Response> {
    let db = state.read();
    let all = &db.access_lists.allowlist;
    Ok(crate::domain::paging::list_page(
        all.values().rev(),
        params.limit,
        params.offset,
        params.paginated,
    ))
}

#[derive(Debug, Deserialize)]
struct AllowBody {
    identifier: String,
    #[serde(default)]
    notify: bool,
}

async fn create_allowlist(
    State(state): State<Shared>,
    JsonBody(body): JsonBody<AllowBody>,
) -> ApiResult<Response> {
    let (kind, identifier) = classify(&body.identifier)?;
    let mut db = state.write();
    if db
        .access_lists
        .allowlist
        .values()
        .any(|e| e.identifier.as_deref() == Some(identifier.as_str()))
    {
        return Err(duplicate("allowlist", &identifier));
    }
    // `notify` invites the address to sign up; only a whole email address can be invited
    // (instance invitations are by email; the emulator sends no SMS).
    let invitation_id = (body.notify
        && kind == IdentifierType::EmailAddress
        && identifier.contains('@')
        && !identifier.starts_with("*@"))
    .then(|| super::invitations::invite(&mut db, &state.base_url, &identifier));
    let now = now_ms();
    let entry = AllowlistIdentifier {
        object: Some("allowlist_identifier".into()),
        id: Some(new_id("alid")),
        invitation_id,
        identifier: Some(identifier),
        identifier_type: Some(kind),
        instance_id: Some(state.instance_id.clone()),
        created_at: Some(now),
        updated_at: Some(now),
    };
    let id = entry.id.clone().unwrap_or_default();
    db.access_lists.allowlist.insert(id, entry.clone());
    Ok(json(&entry))
}

async fn delete_allowlist(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let mut db = state.write();
    db.access_lists
        .allowlist
        .remove(&id)
        .ok_or_else(|| identifier_not_found(&id))?;
    Ok(deleted("allowlist_identifier", id))
}

/// `GET /v1/blocklist_identifiers`: every entry, newest first, as `{data, total_count}` (the
/// spec gives this operation no paging parameters).
async fn list_blocklist(State(state): State<Shared>) -> ApiResult<Response> {
    let db = state.read();
    let all = &db.access_lists.blocklist;
    let data: Vec<&BlocklistIdentifier> = all.values().rev().collect();
    Ok(json(&json!({"data": data, "total_count": all.len()})))
}

#[derive(Debug, Deserialize)]
struct BlockBody {
    identifier: String,
}

async fn create_blocklist(
    State(state): State<Shared>,
    JsonBody(body): JsonBody<BlockBody>,
) -> ApiResult<Response> {
    let (kind, identifier) = classify(&body.identifier)?;
    let mut db = state.write();
    if db
        .access_lists
        .blocklist
        .values()
        .any(|e| e.identifier.as_deref() == Some(identifier.as_str()))
    {
        return Err(duplicate("blocklist", &identifier));
    }
    let now = now_ms();
    let entry = BlocklistIdentifier {
        object: Some("blocklist_identifier".into()),
        id: Some(new_id("blid")),
        identifier: Some(identifier),
        identifier_type: Some(kind),
        instance_id: Some(state.instance_id.clone()),
        created_at: Some(now),
        updated_at: Some(now),
    };
    let id = entry.id.clone().unwrap_or_default();
    db.access_lists.blocklist.insert(id, entry.clone());
    Ok(json(&entry))
}

async fn delete_blocklist(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let mut db = state.write();
    db.access_lists
        .blocklist
        .remove(&id)
        .ok_or_else(|| identifier_not_found(&id))?;
    Ok(deleted("blocklist_identifier", id))
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
