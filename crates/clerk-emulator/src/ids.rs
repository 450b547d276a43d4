//! Ids in Clerk's form, `<prefix>_<27 base62 characters>`, and the clock.
//!
//! Clerk's ids are KSUIDs: 20 bytes (a 4-byte timestamp, then payload) in base62. Here the
//! payload starts with a process-wide counter, so ids sort in creation order even within one
//! second; the emulator relies on that to keep lists ordered by `created_at` without sorting.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/// KSUID's epoch (2014-05-13T16:53:20Z).
const KSUID_EPOCH: u64 = 1_400_000_000;

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// Now, in Unix milliseconds.
pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// Now, in Unix seconds.
pub(crate) fn now_secs() -> i64 {
    now_ms() / 1000
}

/// A new id with this prefix, e.g. `new_id("user")` → `user_2xK9...` (27 characters).
pub(crate) fn new_id(prefix: &str) -> String {
    let secs = (now_ms() / 1000) as u64;
    let stamp = secs.saturating_sub(KSUID_EPOCH) as u32;
    let count = COUNTER.fetch_add(1, Ordering::SeqCst) + 1;
    let mut bytes = [0u8; 20];
    bytes[..4].copy_from_slice(&stamp.to_be_bytes());
    bytes[4..12].copy_from_slice(&count.to_be_bytes());
    bytes[12..].copy_from_slice(&fastrand::u64(..).to_be_bytes());
    let mut out = String::with_capacity(prefix.len() + 28);
    out.push_str(prefix);
    out.push('_');
    out.push_str(&base62_27(&bytes));
    out
}

/// A random string of `len` base62 characters (secrets, tokens).
pub(crate) fn random_base62(len: usize) -> String {
    (0..len)
        .map(|_| BASE62[fastrand::usize(..62)] as char)
        .collect()
}

/// 20 bytes as exactly 27 base62 digits (big-endian, zero-padded), as KSUIDs are written.
fn base62_27(bytes: &[u8; 20]) -> String {
    // Repeated division of a 160-bit big-endian number by 62.
    let mut num: Vec<u32> = bytes
        .chunks(4)
        .map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    let mut digits = [b'0'; 27];
    for slot in digits.iter_mut().rev() {
        let mut rem: u64 = 0;
        for limb in num.iter_mut() {
            let acc = (rem << 32) | u64::from(*limb);
            *limb = (acc / 62) as u32;
            rem = acc % 62;
        }
        *slot = BASE62[rem as usize];
    }
    String::from_utf8(digits.to_vec()).unwrap_or_default()
}

#[cfg(test)]
/// Whether `id` has Clerk's form for this prefix.
pub(crate) fn looks_like(id: &str, prefix: &str) -> bool {
    id.strip_prefix(prefix)
        .and_then(|rest| rest.strip_prefix('_'))
        .is_some_and(|rest| rest.len() == 27 && rest.bytes().all(|b| b.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_clerks_form_and_sort_in_creation_order() {
        let ids: Vec<String> = (0..1000).map(|_| new_id("user")).collect();
        for id in &ids {
            assert!(looks_like(id, "user"), "{id}");
        }
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(sorted, ids);
    }

    #[test]
    fn base62_is_zero_padded_to_27() {
        assert_eq!(base62_27(&[0; 20]), "0".repeat(27));
        assert_eq!(base62_27(&[0xff; 20]), "aWgEPTl1tmebfsQzFP4bxwgy80V");
    }
}
