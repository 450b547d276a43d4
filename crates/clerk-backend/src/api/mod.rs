//! One handler per resource group (`clerk.users()`, ...), and the builder pieces they share.
//!
//! An operation with only required inputs returns a [`Call`](crate::Call); one with optional
//! inputs returns its own builder whose setters cover every optional parameter of the spec.
//! Either is sent by `.await` (or `.send().await`), and either takes `.retry_policy(...)`.

use std::future::IntoFuture;
use std::marker::PhantomData;
use std::pin::Pin;

use futures_core::Stream;
use futures_util::StreamExt;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::client::Clerk;
use crate::error::{Error, Result};
use crate::operations::Operation;
use crate::paginate::{self, Cursor, DEFAULT_STREAM_PAGE_SIZE, Page};
use crate::request::{BoxFuture, Request};
use crate::retry::RetryPolicy;

pub mod users;

/// A stream of items that loads pages as it goes; see [`paginate`](crate::paginate).
pub type ItemStream<T> = Pin<Box<dyn Stream<Item = Result<T>> + Send + 'static>>;

pub(crate) fn failed_stream<T: Send + 'static>(err: Error) -> ItemStream<T> {
    futures_util::stream::once(async move { Err(err) }).boxed()
}

/// Generates setters on a builder for fields of one of its structs.
///
/// - `opt name: T` — an `Option<T>` field, set with anything `Into<T>`;
/// - `list name: T` — a `Vec<T>` field, set from any iterator of `Into<T>`;
/// - `optlist name: T` — an `Option<Vec<T>>` field, likewise;
/// - `patch name, clear_name: T` — a [`Patch<T>`](crate::models::Patch) field, set, or cleared
///   with `null`.
macro_rules! setters {
    ($($target:ident).+;) => {};
    ($($target:ident).+; $(#[$doc:meta])* $kind:ident $name:ident $(, $clear:ident)? : $ty:ty; $($rest:tt)*) => {
        setters!(@one [$($target).+]; $(#[$doc])* $kind $name $(, $clear)? : $ty);
        setters!($($target).+; $($rest)*);
    };
    (@one [$($target:ident).+]; $(#[$doc:meta])* opt $name:ident : $ty:ty) => {
        $(#[$doc])*
        pub fn $name(mut self, value: impl Into<$ty>) -> Self {
            self.$($target).+.$name = Some(value.into());
            self
        }
    };
    (@one [$($target:ident).+]; $(#[$doc:meta])* list $name:ident : $ty:ty) => {
        $(#[$doc])*
        pub fn $name<I>(mut self, values: I) -> Self
        where
            I: IntoIterator,
            I::Item: Into<$ty>,
        {
            self.$($target).+.$name = values.into_iter().map(Into::into).collect();
            self
        }
    };
    (@one [$($target:ident).+]; $(#[$doc:meta])* optlist $name:ident : $ty:ty) => {
        $(#[$doc])*
        pub fn $name<I>(mut self, values: I) -> Self
        where
            I: IntoIterator,
            I::Item: Into<$ty>,
        {
            self.$($target).+.$name = Some(values.into_iter().map(Into::into).collect());
            self
        }
    };
    (@one [$($target:ident).+]; $(#[$doc:meta])* patch $name:ident, $clear:ident : $ty:ty) => {
        $(#[$doc])*
        pub fn $name(mut self, value: impl Into<$ty>) -> Self {
            self.$($target).+.$name = $crate::models::Patch::Value(value.into());
            self
        }

        #[doc = concat!("Clears `", stringify!($name), "` (sends `null`).")]
        pub fn $clear(mut self) -> Self {
            self.$($target).+.$name = $crate::models::Patch::Null;
            self
        }
    };
}

/// Gives a builder with a `fn request(&self) -> Result<Request>` and `clerk`/`retry` fields
/// its `retry_policy`, `send` and `IntoFuture`.
macro_rules! operation {
    ($builder:ty => $output:ty) => {
        impl $builder {
            /// Overrides the client's retry policy for this call.
            pub fn retry_policy(mut self, policy: $crate::RetryPolicy) -> Self {
                self.retry = Some(policy);
                self
            }

            /// Sends the request.
            pub async fn send(self) -> $crate::Result<$output> {
                let request = self.request()?.retry(self.retry);
                self.clerk.execute(request).await
            }
        }

        impl std::future::IntoFuture for $builder {
            type Output = $crate::Result<$output>;
            type IntoFuture = $crate::request::BoxFuture<$crate::Result<$output>>;

            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }
    };
}

pub(crate) use {operation, setters};

/// `limit` and `offset`, the paging parameters of most list operations.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct Paging {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) limit: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) offset: Option<u64>,
}

/// The filters of a list operation that has none besides paging.
#[derive(Debug, Clone, Default, Serialize)]
pub struct NoFilters {}

#[derive(Serialize)]
struct ListQuery<'a, F> {
    #[serde(flatten)]
    filters: &'a F,
    #[serde(flatten)]
    paging: &'a Paging,
}

/// A list operation paged by `limit` and `offset`. Send it for one [`Page`], or turn it into a
/// [`stream`](ListRequest::stream) of every item.
///
/// ```no_run
/// # async fn run(clerk: clerk_backend::Clerk) -> clerk_backend::Result<()> {
/// use futures_util::TryStreamExt;
///
/// let first = clerk.users().organization_memberships("user_2abc").limit(20).await?;
/// println!("{} of {:?}", first.len(), first.total_count);
///
/// let all: Vec<_> = clerk.users().organization_memberships("user_2abc").stream().try_collect().await?;
/// # let _ = all; Ok(()) }
/// ```
#[must_use = "a list request does nothing until sent"]
pub struct ListRequest<T, F = NoFilters> {
    clerk: Clerk,
    op: &'static Operation,
    params: Vec<String>,
    pub(crate) filters: F,
    paging: Paging,
    retry: Option<RetryPolicy>,
    _item: PhantomData<fn() -> T>,
}

impl<T, F: std::fmt::Debug> std::fmt::Debug for ListRequest<T, F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ListRequest")
            .field("operation", &self.op.id)
            .field("params", &self.params)
            .field("filters", &self.filters)
            .field("paging", &self.paging)
            .finish_non_exhaustive()
    }
}

impl<T, F> ListRequest<T, F>
where
    T: DeserializeOwned + Send + 'static,
    F: Serialize + Clone + Send + Sync + 'static,
{
    pub(crate) fn new(clerk: &Clerk, op: &'static Operation, params: &[&str], filters: F) -> Self {
        ListRequest {
            clerk: clerk.clone(),
            op,
            params: params.iter().map(|p| (*p).to_owned()).collect(),
            filters,
            paging: Paging::default(),
            retry: None,
            _item: PhantomData,
        }
    }

    /// The most items per page, 1 to 500 (the API's default is 10). For a stream, the page
    /// size (default 100).
    pub fn limit(mut self, limit: u32) -> Self {
        self.paging.limit = Some(limit);
        self
    }

    /// Skips this many items first.
    pub fn offset(mut self, offset: u64) -> Self {
        self.paging.offset = Some(offset);
        self
    }

    /// Overrides the client's retry policy for this call (and every page of a stream).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    fn request(&self, paging: &Paging) -> Result<Request> {
        paginate::check_limit(paging.limit)?;
        let params: Vec<&str> = self.params.iter().map(String::as_str).collect();
        Ok(Request::new(self.op, &params)?
            .query(&ListQuery {
                filters: &self.filters,
                paging,
            })?
            .retry(self.retry.clone()))
    }

    /// Sends the request for one page.
    pub async fn send(self) -> Result<Page<T>> {
        let request = self.request(&self.paging)?;
        self.clerk.execute(request).await
    }

    /// Every item from `offset` on, loading pages of `limit` (default 100) as the stream is
    /// read. Ends on an empty or short page, or when `total_count` items were read.
    pub fn stream(self) -> ItemStream<T> {
        let limit = self.paging.limit.unwrap_or(DEFAULT_STREAM_PAGE_SIZE);
        if let Err(e) = paginate::check_limit(Some(limit)) {
            return failed_stream(e);
        }
        let start = Cursor::Offset(self.paging.offset.unwrap_or(0));
        let this = std::sync::Arc::new(self);
        paginate::pages(
            start,
            limit,
            |_| "",
            move |cursor, limit| {
                let this = this.clone();
                async move {
                    let Cursor::Offset(offset) = cursor else {
                        return Err(Error::invalid_input("offset lists page by offset"));
                    };
                    let request = this.request(&Paging {
                        limit: Some(limit),
                        offset: Some(offset),
                    })?;
                    this.clerk.execute(request).await
                }
            },
        )
    }
}

impl<T, F> IntoFuture for ListRequest<T, F>
where
    T: DeserializeOwned + Send + 'static,
    F: Serialize + Clone + Send + Sync + 'static,
{
    type Output = Result<Page<T>>;
    type IntoFuture = BoxFuture<Result<Page<T>>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
