//! The emulated operations, one module per resource group, and helpers they share.

use crate::wire::{Metadata, User};
use axum::response::Response;
use serde::Serialize;
use serde_json::Value;

use crate::error::ApiResult;
use crate::store::Db;

pub(crate) mod access_lists;
pub(crate) mod identifications;
pub(crate) mod images;
pub(crate) mod invitations;
pub(crate) mod jwt_templates;
pub(crate) mod machine_auth;
pub(crate) mod mailbox;
pub(crate) mod org_domains;
pub(crate) mod org_roles;
pub(crate) mod organizations;
pub(crate) mod sessions;
pub(crate) mod tickets;
pub(crate) mod users;
pub(crate) mod verifications;

/// One page of a list, the way Clerk answers the lists it documents as arrays: the page as an
/// array, or `{data, total_count}` when the request says `paginated=true`. `items` come in
/// the list's order; the total counts them all.
pub(crate) fn list_page<T: Serialize>(
    items: impl ExactSizeIterator<Item = T>,
    limit: Option<i64>,
    offset: Option<i64>,
    paginated: Option<bool>,
) -> Response {
    let total = items.len();
    let page: Vec<T> = items
        .skip(offset.unwrap_or(0).max(0) as usize)
        .take(users::page_limit(limit))
        .collect();
    if paginated == Some(true) {
        crate::server::json(&serde_json::json!({"data": page, "total_count": total}))
    } else {
        crate::server::json(&page)
    }
}

/// Deep-merges `patch` into `target`: objects merge key by key, `null` deletes its key at any
/// depth, anything else replaces.
pub(crate) fn deep_merge(target: &mut Metadata, patch: &Metadata) {
    for (key, value) in patch {
        match value {
            Value::Null => {
                target.remove(key);
            }
            Value::Object(inner) => match target.get_mut(key) {
                Some(Value::Object(existing)) => deep_merge(existing, inner),
                _ => {
                    let mut fresh = Metadata::new();
                    deep_merge(&mut fresh, inner);
                    target.insert(key.clone(), Value::Object(fresh));
                }
            },
            other => {
                target.insert(key.clone(), other.clone());
            }
        }
    }
}

/// Whether a metadata object fits Clerk's limit once serialized.
pub(crate) fn metadata_size_ok(value: &Metadata, limit: usize) -> bool {
    serde_json::to_vec(value).is_ok_and(|v| v.len() <= limit)
}

/// Parses an RFC 3339 date-time (`2026-01-02T03:04:05Z`, fractions and offsets allowed) into
/// Unix milliseconds.
pub(crate) fn parse_rfc3339_ms(s: &str) -> Option<i64> {
    let s = s.trim();
    let b = s.as_bytes();
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't' | b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = s.get(r)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())
            .flatten()
    };
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut rest = &s[19..];
    let mut millis = 0;
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        let first3: String = frac[..digits].chars().chain("00".chars()).take(3).collect();
        millis = first3.parse::<i64>().ok()?;
        rest = &frac[digits..];
    }
    let offset_secs = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let (h, m) = rest[1..].split_once(':')?;
            if h.len() != 2 || m.len() != 2 {
                return None;
            }
            sign * (h.parse::<i64>().ok()? * 3600 + m.parse::<i64>().ok()? * 60)
        }
    };
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some((days * 86_400 + hour * 3600 + minute * 60 + second - offset_secs) * 1000 + millis)
}

/// Allow-list and block-list checks on a new user's identifiers.
pub(crate) fn check_access_lists(db: &Db, user: &User) -> ApiResult<()> {
    access_lists::check_user(db, user)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rfc3339_dates() {
        assert_eq!(parse_rfc3339_ms("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            parse_rfc3339_ms("2026-11-27T15:00:00Z"),
            Some(1_795_791_600_000)
        );
        assert_eq!(
            parse_rfc3339_ms("2026-11-27T16:00:00.5+01:00"),
            Some(1_795_791_600_500)
        );
        assert_eq!(
            parse_rfc3339_ms("2000-02-29T12:00:00-00:30"),
            Some(951_827_400_000)
        );
        for bad in [
            "",
            "2026-13-01T00:00:00Z",
            "2026-11-27",
            "2026-11-27T15:00:00",
            "yesterday",
        ] {
            assert_eq!(parse_rfc3339_ms(bad), None, "{bad}");
        }
    }

    #[test]
    fn merge_is_deep_and_null_deletes() {
        let mut target = json!({"a": 1, "n": {"x": 1, "y": 2}, "gone": true})
            .as_object()
            .unwrap()
            .clone();
        let patch = json!({"n": {"y": null, "z": 3}, "gone": null, "b": [1]})
            .as_object()
            .unwrap()
            .clone();
        deep_merge(&mut target, &patch);
        assert_eq!(
            Value::Object(target),
            json!({"a": 1, "n": {"x": 1, "z": 3}, "b": [1]})
        );
    }
}
