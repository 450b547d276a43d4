//! Shapes of values: identifiers, metadata, times; and the metadata merge.

use axum::http::StatusCode;
use serde_json::Value;

use crate::error::{ApiError, ApiResult};
use crate::wire::Metadata;

/// Clerk's limit on each metadata object, serialized.
pub(crate) const METADATA_LIMIT: usize = 8 * 1024;

pub(crate) fn valid_email(s: &str) -> bool {
    let Some((local, domain)) = s.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && local.len() <= 64
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        && !domain.contains('@')
}

pub(crate) fn valid_phone(s: &str) -> bool {
    s.strip_prefix('+').is_some_and(|d| {
        (7..=15).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()) && !d.starts_with('0')
    })
}

pub(crate) fn valid_web3(s: &str) -> bool {
    s.strip_prefix("0x")
        .is_some_and(|h| h.len() == 40 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

pub(crate) fn check_metadata(name: &str, value: &Metadata) -> ApiResult<()> {
    if metadata_size_ok(value, METADATA_LIMIT) {
        return Ok(());
    }
    let text = format!(
        "The given {name} exceeds the maximum allowed size of {METADATA_LIMIT} bytes (8 KB)."
    );
    Err(ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "form_param_exceeds_allowed_size",
        &text,
        text.clone(),
    )
    .param(name))
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

/// A Unix time as a civil UTC date and time (the proleptic Gregorian calendar).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Civil {
    pub(crate) year: i64,
    pub(crate) month: i64,
    pub(crate) day: i64,
    pub(crate) hour: i64,
    pub(crate) minute: i64,
    pub(crate) second: i64,
    pub(crate) millis: i64,
}

/// Unix milliseconds as a civil UTC date and time (Howard Hinnant's `civil_from_days`).
pub(crate) fn civil(ms: i64) -> Civil {
    const DAY_MS: i64 = 86_400_000;
    let (days, rest) = (ms.div_euclid(DAY_MS), ms.rem_euclid(DAY_MS));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    Civil {
        year: yoe + era * 400 + i64::from(month <= 2),
        month,
        day,
        hour: rest / 3_600_000,
        minute: rest / 60_000 % 60,
        second: rest / 1000 % 60,
        millis: rest % 1000,
    }
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
