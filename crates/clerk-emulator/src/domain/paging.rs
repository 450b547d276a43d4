//! Cutting lists into pages the way Clerk does.

use axum::response::Response;
use serde::Serialize;

use crate::error::{ApiError, ApiResult};

/// An `order_by` value (`field`, `+field` or `-field`) among the fields a list allows: the
/// field and whether it sorts descending; 422 `form_param_value_invalid` otherwise.
pub(crate) fn sort_order<'a>(raw: &'a str, allowed: &[&str]) -> ApiResult<(&'a str, bool)> {
    let (field, desc) = match raw.strip_prefix('-') {
        Some(rest) => (rest, true),
        None => (raw.strip_prefix('+').unwrap_or(raw), false),
    };
    if allowed.contains(&field) {
        Ok((field, desc))
    } else {
        Err(ApiError::value_invalid(
            "order_by",
            format!("{raw} does not match one of the allowed values for parameter order_by"),
        ))
    }
}

/// `limit` and `offset` as Clerk reads them: a limit outside 1..=500 is 10, a negative offset
/// an error.
pub(crate) fn paging(limit: Option<i64>, offset: Option<i64>) -> ApiResult<(usize, usize)> {
    let offset = offset.unwrap_or(0);
    if offset < 0 {
        return Err(ApiError::value_invalid(
            "offset",
            "offset must be greater than or equal to 0.",
        ));
    }
    Ok((page_limit(limit), offset as usize))
}

/// One page of a list's rows (already filtered and in order), each rendered, and how many rows
/// the list has before paging.
pub(crate) fn cut<T, R>(
    rows: impl IntoIterator<Item = T>,
    limit: usize,
    offset: usize,
    render: impl FnMut(T) -> R,
) -> (Vec<R>, usize) {
    let mut total = 0;
    let mut page = Vec::new();
    for row in rows {
        if total >= offset && page.len() < limit {
            page.push(row);
        }
        total += 1;
    }
    (page.into_iter().map(render).collect(), total)
}

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
