//! Cutting lists into pages the way Clerk does.

use axum::response::Response;
use serde::Serialize;

/// The page size Clerk uses: 1..=500 as asked, anything else silently 10.
pub(crate) fn page_limit(limit: Option<i64>) -> usize {
    match limit {
        Some(l) if (1..=500).contains(&l) => l as usize,
        _ => 10,
    }
}

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
        .take(page_limit(limit))
        .collect();
    if paginated == Some(true) {
        crate::server::json(&serde_json::json!({"data": page, "total_count": total}))
    } else {
        crate::server::json(&page)
    }
}
