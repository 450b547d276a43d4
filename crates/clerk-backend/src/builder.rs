//! The one request-builder shape every operation has: [`RequestBuilder<R>`], where `R` is the
//! operation's request type (`GetUserList`, `CreateUser`, ...).
//!
//! The request type owns the parameters (it *is* the query or the JSON body, so each field is
//! declared once); the generated setters write into it; [`Endpoint`] says how it is sent and how
//! its answer is read. Every builder is sent with `.await` or `.send().await`, takes
//! `.retry_policy(..)`, and a list's builder also has `.stream()`.

use std::future::IntoFuture;
use std::sync::Arc;

use serde::Serialize;

use crate::client::Clerk;
use crate::error::{Error, Result};
use crate::models::Metadata;
use crate::operations::Operation;
use crate::paginate::{
    self, Cursor, DEFAULT_STREAM_PAGE_SIZE, Identified, ItemStream, Page, Paging,
};
use crate::request::{self, BoxFuture};
use crate::retry::RetryPolicy;

pub use crate::request::{Answer, Request};

/// An operation's request type: which operation it is, how it is sent, what it answers.
///
/// Implemented by the request type of every operation; you do not implement it.
pub trait Endpoint: Send + Sync + 'static {
    /// What the call resolves to.
    type Output: Send + 'static;
    /// The operation (method, path template, operationId).
    const OPERATION: &'static Operation;
    /// Checks the parameters and writes them into the request (query, JSON or multipart).
    #[doc(hidden)]
    fn encode(&self, request: &mut Request) -> Result<()>;
    /// Reads the answer (or the error) into the output.
    #[doc(hidden)]
    fn finish(answer: Result<Answer>) -> Result<Self::Output>;
}

/// A list operation: its request type can be pointed at any page.
pub trait ListEndpoint: Endpoint<Output = Page<Self::Item>> + Clone {
    /// One item of the list.
    type Item: Identified + Send + 'static;
    /// How the list pages.
    const PAGING: Paging;
    /// The page size asked for, if any.
    #[doc(hidden)]
    fn limit(&self) -> Option<u32>;
    /// Where a stream starts.
    #[doc(hidden)]
    fn start(&self) -> Cursor;
    /// Points the request at a page.
    #[doc(hidden)]
    fn set_page(&mut self, limit: u32, cursor: &Cursor);
}

/// A request for one operation, with its parameters; send it with `.await` or `.send()`.
///
/// Required inputs were given to the method that made it; every optional parameter of the
/// operation is a setter on it.
///
/// ```no_run
/// # async fn run(clerk: clerk_backend::Clerk) -> clerk_backend::Result<()> {
/// use clerk_backend::RetryPolicy;
///
/// let user = clerk.users().get("user_2abc").retry_policy(RetryPolicy::none()).await?;
/// # let _ = user; Ok(()) }
/// ```
#[derive(Debug)]
#[must_use = "a request does nothing until it is sent"]
pub struct RequestBuilder<R> {
    clerk: Clerk,
    /// The path with its parameters: `/v1/users/user_1`.
    path: String,
    pub(crate) params: R,
    retry: Option<RetryPolicy>,
    /// The first bad input met while building, reported when sent.
    error: Option<Error>,
}

impl<R: Endpoint> RequestBuilder<R> {
    /// A request to `R`'s operation with these path parameters (in template order).
    pub(crate) fn new(clerk: &Clerk, path_params: &[&str], params: R) -> Self {
        let (path, error) = match request::render_path(R::OPERATION, path_params) {
            Ok(path) => (path, None),
            Err(e) => (String::new(), Some(e)),
        };
        RequestBuilder {
            clerk: clerk.clone(),
            path,
            params,
            retry: None,
            error,
        }
    }

    /// The request's parameters, as they will be sent.
    pub fn params(&self) -> &R {
        &self.params
    }

    /// Overrides the client's retry policy for this request (and every page of a stream).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Sends the request.
    pub async fn send(mut self) -> Result<R::Output> {
        let result = match self.error.take() {
            Some(e) => Err(e),
            None => match self.build(&self.params) {
                Ok(request) => R::finish(self.clerk.execute_bytes(request).await),
                Err(e) => Err(e),
            },
        };
        result.map_err(|e| e.with_operation(R::OPERATION.id))
    }

    fn build(&self, params: &R) -> Result<Request> {
        let mut request = Request::new(R::OPERATION, self.path.clone());
        params.encode(&mut request)?;
        Ok(request.retry(self.retry.clone()))
    }

    /// A JSON object from anything `Serialize`, for a setter; `None` for `null`. Anything else
    /// is kept as the error the request will fail with.
    pub(crate) fn object(&mut self, name: &str, value: impl Serialize) -> Option<Metadata> {
        match serde_json::to_value(value) {
            Ok(serde_json::Value::Object(map)) => Some(map),
            Ok(serde_json::Value::Null) => None,
            Ok(other) => {
                self.error.get_or_insert_with(|| {
                    Error::invalid_input(format!(
                        "`{name}` must be a JSON object or null, got {other}"
                    ))
                });
                None
            }
            Err(e) => {
                self.error
                    .get_or_insert_with(|| Error::invalid_input(format!("`{name}`: {e}")));
                None
            }
        }
    }
}

impl<R: Endpoint> IntoFuture for RequestBuilder<R> {
    type Output = Result<R::Output>;
    type IntoFuture = BoxFuture<Result<R::Output>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

impl<R: ListEndpoint> RequestBuilder<R> {
    /// Every item, loading pages as the stream is read.
    ///
    /// Pages hold `limit` items (default 100). Lists with Clerk's `starting_after` cursor (users,
    /// ordered by creation) follow it, so items created meanwhile neither repeat nor shift the
    /// pages; the others page by offset. The stream ends on an empty or short page, when the
    /// total is reached, or when the cursor stops moving, so a misbehaving server cannot make it
    /// loop.
    ///
    /// ```no_run
    /// # async fn run(clerk: clerk_backend::Clerk) -> clerk_backend::Result<()> {
    /// use futures_util::TryStreamExt;
    ///
    /// let mut users = clerk.users().list().banned(false).stream();
    /// while let Some(user) = users.try_next().await? {
    ///     println!("{}", user.id);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn stream(mut self) -> ItemStream<R::Item> {
        let operation = R::OPERATION.id;
        if let Some(e) = self.error.take() {
            return paginate::failed_stream(e.with_operation(operation));
        }
        let limit = match R::PAGING {
            Paging::Single => 0,
            Paging::Offset | Paging::Cursor => {
                let limit = self.params.limit().unwrap_or(DEFAULT_STREAM_PAGE_SIZE);
                if let Err(e) = paginate::check_limit(limit) {
                    return paginate::failed_stream(e.with_operation(operation));
                }
                limit
            }
        };
        let start = self.params.start();
        let this = Arc::new(self);
        paginate::pages(start, limit, move |cursor, limit| {
            let this = this.clone();
            async move {
                let mut params = this.params.clone();
                params.set_page(limit, &cursor);
                let result = match this.build(&params) {
                    Ok(request) => R::finish(this.clerk.execute_bytes(request).await),
                    Err(e) => Err(e),
                };
                result.map_err(|e| e.with_operation(operation))
            }
        })
    }
}

/// Checks made before a request is sent, from the bounds the spec gives each parameter.
#[doc(hidden)]
pub mod check {
    use crate::error::{Error, Result};

    /// `value` within `min..=max`.
    pub fn range(
        name: &str,
        value: impl Into<i128>,
        min: Option<i64>,
        max: Option<i64>,
    ) -> Result<()> {
        let value = value.into();
        let low = min.is_some_and(|m| value < i128::from(m));
        let high = max.is_some_and(|m| value > i128::from(m));
        if low || high {
            let bounds = match (min, max) {
                (Some(a), Some(b)) => format!("between {a} and {b}"),
                (Some(a), None) => format!("at least {a}"),
                (None, Some(b)) => format!("at most {b}"),
                (None, None) => unreachable!("a bound was crossed"),
            };
            return Err(Error::invalid_input(format!(
                "`{name}` must be {bounds}, got {value}"
            )));
        }
        Ok(())
    }

    /// A list's length within `min..=max`.
    pub fn items(name: &str, len: usize, min: Option<u64>, max: Option<u64>) -> Result<()> {
        let len = len as u64;
        if min.is_some_and(|m| len < m) || max.is_some_and(|m| len > m) {
            let bounds = match (min, max) {
                (Some(a), Some(b)) => format!("{a} to {b}"),
                (Some(a), None) => format!("at least {a}"),
                (None, Some(b)) => format!("at most {b}"),
                (None, None) => unreachable!("a bound was crossed"),
            };
            return Err(Error::invalid_input(format!(
                "`{name}` must hold {bounds} items, got {len}"
            )));
        }
        Ok(())
    }

    /// No empty string in a list of ids.
    pub fn no_empty_items(name: &str, values: &[String]) -> Result<()> {
        if values.iter().any(String::is_empty) {
            return Err(Error::invalid_input(format!(
                "`{name}` must not contain an empty value"
            )));
        }
        Ok(())
    }

    /// A string that must not be empty.
    pub fn not_empty(name: &str, value: &str) -> Result<()> {
        if value.is_empty() {
            return Err(Error::invalid_input(format!("`{name}` must not be empty")));
        }
        Ok(())
    }
}

/// Serializes a list as one comma-separated query value (`explode: false` in the spec).
#[doc(hidden)]
pub fn comma_separated<S, T>(
    values: &Option<Vec<T>>,
    serializer: S,
) -> std::result::Result<S::Ok, S::Error>
where
    S: serde::Serializer,
    T: std::fmt::Display,
{
    match values {
        Some(values) => {
            let joined = values
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(",");
            serializer.serialize_some(&joined)
        }
        None => serializer.serialize_none(),
    }
}
