//! Pages of results, and streams that walk every page for you.
//!
//! Clerk answers lists in three shapes: a bare JSON array (`GET /v1/users`),
//! `{"data": [...], "total_count": N}`, and `{"m2m_tokens": [...], "total_count": N}`. [`Page`]
//! decodes all three. The streams ([`RequestBuilder::stream`](crate::RequestBuilder::stream))
//! stop on an empty or short page and when the cursor stops moving, so a misbehaving server
//! cannot make them loop forever. Paging types live here and nowhere else.

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;

use std::pin::Pin;

use futures_core::Stream;
use futures_util::{StreamExt, TryStreamExt, stream};
use serde::Serialize;
use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::error::{Error, Result};

/// A stream of items that loads pages as it goes.
pub type ItemStream<T> = Pin<Box<dyn Stream<Item = Result<T>> + Send + 'static>>;

/// A stream that yields one error.
pub(crate) fn failed_stream<T: Send + 'static>(err: Error) -> ItemStream<T> {
    stream::once(async move { Err(err) }).boxed()
}

/// How a list operation pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Paging {
    /// `limit` and `offset`.
    Offset,
    /// Clerk's `starting_after` cursor (users ordered by creation), by offset otherwise.
    Cursor,
    /// One answer holds the whole list.
    Single,
}

/// An item with an id, from which a cursor is taken.
pub trait Identified {
    /// The item's id, if it has one.
    fn id(&self) -> Option<&str>;
}

/// The most items a list request may ask for.
pub const MAX_LIMIT: u32 = 500;
/// The page size streams use when no `limit` was set.
pub const DEFAULT_STREAM_PAGE_SIZE: u32 = 100;

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Page<T> {
    /// The items of this page.
    pub data: Vec<T>,
    /// The number of items across all pages, when the endpoint reports it (`GET /v1/users`
    /// does not; use `users().count()`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_count: Option<u64>,
}

impl<T> Page<T> {
    /// A page from its items and total.
    pub fn new(data: Vec<T>, total_count: Option<u64>) -> Self {
        Page { data, total_count }
    }

    /// The number of items on this page.
    pub fn len(&self) -> usize {
        self.data.len()
    }

    /// Whether this page has no items.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// Iterates over this page's items.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.data.iter()
    }
}

impl<T> IntoIterator for Page<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.data.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a Page<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.data.iter()
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Page<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PageVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for PageVisitor<T> {
            type Value = Page<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON array or an object with `data` and `total_count`")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Page<T>, A::Error> {
                let mut data =
                    Vec::with_capacity(seq.size_hint().unwrap_or(0).min(MAX_LIMIT as usize));
                while let Some(item) = seq.next_element()? {
                    data.push(item);
                }
                Ok(Page {
                    data,
                    total_count: None,
                })
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Page<T>, A::Error> {
                let mut data = None;
                let mut total_count = None;
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    match &*key {
                        "data" | "m2m_tokens" => data = Some(map.next_value::<Vec<T>>()?),
                        "total_count" => total_count = map.next_value::<Count>()?.0,
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                let data = data.ok_or_else(|| de::Error::missing_field("data"))?;
                Ok(Page { data, total_count })
            }
        }

        deserializer.deserialize_any(PageVisitor(PhantomData))
    }
}

/// A `total_count`: a whole number, though some of the spec's lists type it as any number
/// (a float is read as its whole part); `null` is none.
struct Count(Option<u64>);

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Count, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Count;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a count")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Count, E> {
                Ok(Count(Some(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Count, E> {
                Ok(Count(u64::try_from(v).ok()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Count, E> {
                Ok(Count((v.is_finite() && v >= 0.0).then_some(v as u64)))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Count, E> {
                Ok(Count(None))
            }
            fn visit_none<E: de::Error>(self) -> Result<Count, E> {
                Ok(Count(None))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Count, D::Error> {
                Count::deserialize(d)
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// Checks a stream's page size before any request is sent: outside 1..=500 the API silently
/// answers 10 rows, which would be a quiet bug.
pub(crate) fn check_limit(limit: u32) -> Result<()> {
    if limit == 0 || limit > MAX_LIMIT {
        return Err(Error::invalid_input(format!(
            "`limit` must be between 1 and {MAX_LIMIT}, got {limit}"
        )));
    }
    Ok(())
}

/// Whether a users `order_by` is by creation, the only order Clerk's cursor pages in.
pub(crate) fn orders_by_creation(order_by: Option<&str>) -> bool {
    matches!(
        order_by.map(str::trim),
        None | Some("created_at" | "+created_at" | "-created_at")
    )
}

/// Where the next page starts.
#[derive(Debug, Clone, PartialEq)]
#[doc(hidden)]
pub enum Cursor {
    /// The `offset` of the next page.
    Offset(u64),
    /// The id after which the next page starts (`starting_after`); `None` for the first page.
    After(Option<String>),
    /// The only page of a list that is not paged.
    Once,
}

/// Walks every page from `start`, yielding items. `fetch(cursor, limit)` loads one page; a
/// cursor comes from the last item's id.
pub(crate) fn pages<T, F, Fut>(start: Cursor, limit: u32, fetch: F) -> ItemStream<T>
where
    T: Identified + Send + 'static,
    F: FnMut(Cursor, u32) -> Fut + Send + 'static,
    Fut: Future<Output = Result<crate::Page<T>>> + Send + 'static,
{
    struct State<F> {
        next: Option<Cursor>,
        fetch: F,
        seen: u64,
        /// Cursors already followed: a server cycling through pages cannot loop us.
        cursors: std::collections::HashSet<String>,
    }
    let state = State {
        next: Some(start),
        fetch,
        seen: 0,
        cursors: std::collections::HashSet::new(),
    };
    stream::try_unfold(state, move |mut state| async move {
        let Some(cursor) = state.next.take() else {
            return Ok(None);
        };
        let page = (state.fetch)(cursor.clone(), limit).await?;
        let count = page.data.len() as u64;
        state.seen += count;
        let short = count < u64::from(limit);
        let past_total = page.total_count.is_some_and(|total| state.seen >= total);
        state.next = if count == 0 || short || past_total {
            None
        } else {
            match cursor {
                Cursor::Once => None,
                Cursor::Offset(offset) => Some(Cursor::Offset(offset + count)),
                Cursor::After(previous) => {
                    let last = page
                        .data
                        .last()
                        .and_then(|item| item.id())
                        .map(str::to_owned);
                    // A cursor that does not move, or comes back, would fetch pages forever.
                    match last {
                        Some(id)
                            if last_differs(&previous, &id) && state.cursors.insert(id.clone()) =>
                        {
                            Some(Cursor::After(Some(id)))
                        }
                        _ => None,
                    }
                }
            }
        };
        Ok(Some((stream::iter(page.data.into_iter().map(Ok)), state)))
    })
    .try_flatten()
    .boxed()
}

fn last_differs(previous: &Option<String>, last: &str) -> bool {
    previous.as_deref() != Some(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_decodes_both_shapes() {
        let a: Page<u32> = serde_json::from_str("[1,2,3]").unwrap();
        assert_eq!(a, Page::new(vec![1, 2, 3], None));
        let b: Page<u32> =
            serde_json::from_str(r#"{"total_count":9,"data":[4],"extra":{}}"#).unwrap();
        assert_eq!(b, Page::new(vec![4], Some(9)));
        assert!(serde_json::from_str::<Page<u32>>(r#"{"total_count":1}"#).is_err());
        assert!(serde_json::from_str::<Page<u32>>("3").is_err());
    }

    #[test]
    fn limits_outside_the_range_are_refused() {
        assert!(check_limit(0).unwrap_err().is_invalid_input());
        assert!(check_limit(501).unwrap_err().is_invalid_input());
        assert!(check_limit(500).is_ok());
    }

    #[test]
    fn m2m_token_lists_decode_as_pages() {
        let p: Page<u32> = serde_json::from_str(r#"{"m2m_tokens":[1],"total_count":1}"#).unwrap();
        assert_eq!(p, Page::new(vec![1], Some(1)));
    }

    impl Identified for String {
        fn id(&self) -> Option<&str> {
            Some(self)
        }
    }

    impl Identified for u32 {
        fn id(&self) -> Option<&str> {
            None
        }
    }

    #[tokio::test]
    async fn a_cursor_that_does_not_move_ends_the_stream() {
        // A broken server that answers the same full page whatever the cursor.
        let calls = std::sync::Arc::new(std::sync::atomic::AtomicU32::new(0));
        let c = calls.clone();
        let items: Vec<Result<String>> = pages(Cursor::After(None), 2, move |_cursor, _limit| {
            c.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            async { Ok(Page::new(vec!["a".to_owned(), "b".to_owned()], None)) }
        })
        .collect()
        .await;
        assert_eq!(items.len(), 4);
        assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_server_cycling_through_pages_ends_the_stream() {
        // Pages alternate A, B, A, B, ... whatever the cursor says.
        let calls = std::sync::Arc::new(std::sync::atomic::AtomicU32::new(0));
        let c = calls.clone();
        let items: Vec<Result<String>> = pages(Cursor::After(None), 1, move |_cursor, _limit| {
            let n = c.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let id = if n.is_multiple_of(2) { "a" } else { "b" };
            async move { Ok(Page::new(vec![id.to_owned()], None)) }
        })
        .collect()
        .await;
        assert_eq!(items.len(), 3, "a, b, then a again: the repeat ends it");
    }

    #[tokio::test]
    async fn offsets_stop_at_the_total_and_on_short_pages() {
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let s = seen.clone();
        let items: Vec<u32> = pages(Cursor::Offset(0), 2, move |cursor, limit| {
            s.lock().unwrap().push(cursor.clone());
            let Cursor::Offset(o) = cursor else {
                unreachable!()
            };
            let data: Vec<u32> = (o as u32..(o as u32 + limit).min(5)).collect();
            async move { Ok(Page::new(data, Some(5))) }
        })
        .try_collect()
        .await
        .unwrap();
        assert_eq!(items, vec![0, 1, 2, 3, 4]);
        assert_eq!(
            *seen.lock().unwrap(),
            vec![Cursor::Offset(0), Cursor::Offset(2), Cursor::Offset(4)]
        );
    }
}
